from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Header, Query, Response, status

from app.audits import service
from app.audits.dependencies import AiConfiguredDep, AuditIdDep
from app.audits.models import (
    AuditCreate,
    AuditEnvelope,
    AuditPage,
    AuditStatus,
    AuditUpdate,
    ReviewStatus,
)
from app.core.db import SessionDep
from app.core.errors import error_responses
from app.core.schemas import MAX_OFFSET
from app.teams.dependencies import TeamKeyDep

# As with posts, the key is the first dependency: nothing is looked at, or revealed
# by an error, before the caller is known to belong to the team.
router = APIRouter(
    prefix="/v1/teams/{team}/audits",
    tags=["audits"],
    responses=error_responses(401, 403, 422, 429),
)

Limit = Annotated[int, Query(ge=1, le=50, description="Page size")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Audits to skip")]
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
    responses=error_responses(404, 503),
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
    session: SessionDep,
    limit: Limit = 20,
    offset: Offset = 0,
    status: Annotated[AuditStatus | None, Query(description="Only this status")] = None,
    post_id: Annotated[UUID | None, Query(description="Only this post's")] = None,
    review_status: Annotated[
        ReviewStatus | None, Query(description="Only this review status")
    ] = None,
) -> AuditPage:
    return await service.list_audits(
        session,
        key,
        limit=limit,
        offset=offset,
        status=status,
        post_id=post_id,
        review_status=review_status,
    )


@router.get(
    "/{audit_id}",
    response_model=AuditEnvelope,
    summary="Get an audit: its status, and its findings once completed",
    responses=error_responses(404),
)
async def get_audit(
    key: TeamKeyDep, audit_id: AuditIdDep, session: SessionDep
) -> AuditEnvelope:
    return AuditEnvelope(audit=await service.get_audit(session, key, audit_id))


@router.patch(
    "/{audit_id}",
    response_model=AuditEnvelope,
    summary="Review a completed audit: accept or dismiss its findings, add a note",
    responses=error_responses(404, 409),
)
async def review_audit(
    body: AuditUpdate, key: TeamKeyDep, audit_id: AuditIdDep, session: SessionDep
) -> AuditEnvelope:
    return AuditEnvelope(audit=await service.review_audit(session, key, audit_id, body))


@router.delete(
    "/{audit_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete an audit and its findings",
    responses=error_responses(404),
)
async def delete_audit(
    key: TeamKeyDep, audit_id: AuditIdDep, session: SessionDep
) -> None:
    await service.delete_audit(session, key, audit_id)


@router.post(
    "/{audit_id}/retry",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=AuditEnvelope,
    summary="Queue a failed audit again, with a fresh set of attempts",
    responses=error_responses(404, 409, 503),
)
async def retry_audit(
    key: TeamKeyDep,
    audit_id: AuditIdDep,
    session: SessionDep,
    _: None = AiConfiguredDep,
) -> AuditEnvelope:
    return AuditEnvelope(audit=await service.retry_audit(session, key, audit_id))
