from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Response, status

from app.audits import service
from app.audits.dependencies import AiConfiguredDep, AuditIdDep
from app.audits.exceptions import (
    AiNotConfigured,
    AuditConflict,
    AuditNotFound,
    IdempotencyKeyReused,
)
from app.audits.models import (
    AuditCreate,
    AuditEnvelope,
    AuditPage,
    AuditStatus,
    AuditUpdate,
    ReviewStatus,
)
from app.core.db import OneStatementDep, ReadSessionDep, SessionDep, TransactionRoute
from app.core.errors import error_responses
from app.core.pagination import PageParams, page_params
from app.posts.exceptions import PostNotFound
from app.teams.dependencies import TEAM_ROUTE_ERRORS, TeamKeyDep

# As with posts, the key is the first dependency: nothing is looked at, or revealed
# by an error, before the caller is known to belong to the team.

router = APIRouter(
    route_class=TransactionRoute,
    prefix="/v1/teams/{team}/audits",
    responses=error_responses(*TEAM_ROUTE_ERRORS),
    tags=["audits"],
)

AuditPageDep = Annotated[
    PageParams, Depends(page_params(default=20, maximum=50, noun="Audits"))
]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        pattern=r"^[\x21-\x7e]+$",
        description="Makes retries safe: the same key and body return the same "
        "audit; keys are per team",
    ),
]
REPLAYED_HEADER = "Idempotent-Replayed"


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=AuditEnvelope,
    summary="Queue an AI review of a post (with its replies) or of a text",
    responses=error_responses(
        *TEAM_ROUTE_ERRORS, PostNotFound, IdempotencyKeyReused, AiNotConfigured
    ),
)
async def create_audit(
    body: AuditCreate,
    key: TeamKeyDep,
    session: SessionDep,
    response: Response,
    idempotency_key: IdempotencyKey = None,
    _: None = AiConfiguredDep,
) -> AuditEnvelope:
    audit, replayed = await service.create_audit(session, key, body, idempotency_key)
    if replayed:
        response.headers[REPLAYED_HEADER] = "true"
    return AuditEnvelope(audit=audit)


@router.get("", response_model=AuditPage, summary="List a team's audits, newest first")
async def list_audits(
    key: TeamKeyDep,
    session: ReadSessionDep,
    page: AuditPageDep,
    status: Annotated[AuditStatus | None, Query(description="Only this status")] = None,
    post_id: Annotated[UUID | None, Query(description="Only this post's")] = None,
    review_status: Annotated[
        ReviewStatus | None, Query(description="Only this review status")
    ] = None,
) -> AuditPage:
    return await service.list_audits(
        session,
        key,
        page,
        status=status,
        post_id=post_id,
        review_status=review_status,
    )


@router.get(
    "/{audit_id}",
    response_model=AuditEnvelope,
    summary="Get an audit: its status, and its findings once completed",
    responses=error_responses(*TEAM_ROUTE_ERRORS, AuditNotFound),
)
async def get_audit(
    key: TeamKeyDep, audit_id: AuditIdDep, session: ReadSessionDep
) -> AuditEnvelope:
    return AuditEnvelope(audit=await service.get_audit(session, key, audit_id))


@router.patch(
    "/{audit_id}",
    response_model=AuditEnvelope,
    summary="Review a completed audit: accept or dismiss its findings, add a note",
    responses=error_responses(*TEAM_ROUTE_ERRORS, AuditNotFound, AuditConflict),
)
async def review_audit(
    body: AuditUpdate, key: TeamKeyDep, audit_id: AuditIdDep, session: SessionDep
) -> AuditEnvelope:
    return AuditEnvelope(audit=await service.review_audit(session, key, audit_id, body))


@router.delete(
    "/{audit_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete an audit and its findings",
    responses=error_responses(*TEAM_ROUTE_ERRORS, AuditNotFound),
)
async def delete_audit(
    key: TeamKeyDep, audit_id: AuditIdDep, session: OneStatementDep
) -> None:
    await service.delete_audit(session, key, audit_id)


@router.post(
    "/{audit_id}/retry",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=AuditEnvelope,
    summary="Queue a failed audit again, with a fresh set of attempts",
    responses=error_responses(
        *TEAM_ROUTE_ERRORS, AuditNotFound, AuditConflict, AiNotConfigured
    ),
)
async def retry_audit(
    key: TeamKeyDep,
    audit_id: AuditIdDep,
    session: SessionDep,
    _: None = AiConfiguredDep,
) -> AuditEnvelope:
    return AuditEnvelope(audit=await service.retry_audit(session, key, audit_id))
