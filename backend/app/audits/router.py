from collections.abc import AsyncIterator
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Request, Response, status
from sse_starlette import EventSourceResponse, ServerSentEvent

from app.audits import service
from app.audits.dependencies import (
    AiConfiguredDep,
    AuditIdPath,
    CreateLimitDep,
    RetryLimitDep,
)
from app.audits.events import AuditEvents, Change
from app.audits.exceptions import (
    AiNotConfigured,
    AuditConflict,
    AuditNotFound,
    AuditQuotaExceeded,
    IdempotencyKeyReused,
    RetryLimitReached,
    TokenBudgetExceeded,
)
from app.audits.models import (
    AuditChange,
    AuditCreate,
    AuditEnvelope,
    AuditPage,
    AuditStatus,
    AuditUpdate,
    ReviewStatus,
)
from app.core.config import SettingsDep
from app.core.db import OneStatementDep, ReadSessionDep, SessionDep, TransactionRoute
from app.core.errors import RATE_LIMIT_ERRORS, AppError, error_responses
from app.core.pagination import PageParams, page_params
from app.people.dependencies import TEAM_ROUTE_ERRORS, AdminDep, MemberDep
from app.posts.exceptions import PostNotFound

# As with posts, the caller is the first dependency: nothing is looked at, or revealed
# by an error, before the caller is known to belong to the team.

router = APIRouter(
    route_class=TransactionRoute,
    prefix="/v1/teams/{team}/audits",
    responses=error_responses(*TEAM_ROUTE_ERRORS),
    tags=["audits"],
)

# What queueing one more audit may be refused for: the team's caps.
QUOTA_ERRORS: tuple[type[AppError], ...] = (
    AuditQuotaExceeded,
    TokenBudgetExceeded,
    *RATE_LIMIT_ERRORS,
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
# Event ids are microseconds since 1970: up to the last moment of year 9999.
MAX_EVENT_ID = 253_402_300_799_999_999
EventId = Annotated[int | None, Query(ge=0, le=MAX_EVENT_ID)]
# How long a browser waits before reconnecting a dropped stream.
RECONNECT_MS = 2000


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=AuditEnvelope,
    summary="Queue an AI review of a post (with its replies) or of a text",
    responses=error_responses(
        *TEAM_ROUTE_ERRORS,
        PostNotFound,
        IdempotencyKeyReused,
        AiNotConfigured,
        *QUOTA_ERRORS,
    ),
)
async def create_audit(
    body: AuditCreate,
    caller: MemberDep,
    session: SessionDep,
    settings: SettingsDep,
    response: Response,
    idempotency_key: IdempotencyKey = None,
    _: None = AiConfiguredDep,
    __: None = CreateLimitDep,
) -> AuditEnvelope:
    audit, replayed = await service.create_audit(
        session, caller, body, idempotency_key, settings
    )
    if replayed:
        response.headers[REPLAYED_HEADER] = "true"
    return AuditEnvelope(audit=audit)


@router.get("", response_model=AuditPage, summary="List a team's audits, newest first")
async def list_audits(
    caller: MemberDep,
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
        caller,
        page,
        status=status,
        post_id=post_id,
        review_status=review_status,
    )


class EventStream(EventSourceResponse):
    # As a class attribute, so the OpenAPI document gives the route this media type.
    media_type = "text/event-stream"


def _event(change: Change) -> ServerSentEvent:
    return ServerSentEvent(
        data=change.audit.model_dump_json(),
        event="deleted" if change.deleted else "audit",
        id=str(change.event_id),
    )


@router.get(
    "/events",
    response_class=EventStream,
    summary="Stream the team's audit changes as server-sent events",
    responses={
        200: {
            "description": "`audit` events (and `deleted` ones), each an AuditChange "
            "with the change's id; comments as heartbeats",
            # The schema of each event's data; its media type is the route's.
            "model": AuditChange,
        }
    },
)
async def stream_audit_events(
    request: Request,
    caller: MemberDep,
    session: ReadSessionDep,
    settings: SettingsDep,
    since: Annotated[
        EventId,
        Query(
            description="Resume after this event id (when the client "
            "cannot send Last-Event-ID)"
        ),
    ] = None,
    last_event_id: Annotated[
        int | None,
        Header(
            alias="Last-Event-ID",
            ge=0,
            le=MAX_EVENT_ID,
            description="Resume after this event id: what a browser sends when it "
            "reconnects",
        ),
    ] = None,
) -> EventStream:
    hub: AuditEvents = request.app.state.audit_events
    after = last_event_id if last_event_id is not None else since

    async def events() -> AsyncIterator[ServerSentEvent]:
        yield ServerSentEvent(retry=RECONNECT_MS, comment="audit changes")
        async for change in service.audit_changes(session, caller, hub, after):
            yield _event(change)

    return EventStream(
        events(),
        ping=settings.events_heartbeat_seconds,
        # no-transform: a compressing proxy (Next.js's) would otherwise buffer it.
        headers={"Cache-Control": "no-cache, no-transform", "X-Accel-Buffering": "no"},
    )


@router.get(
    "/{audit_id}",
    response_model=AuditEnvelope,
    summary="Get an audit: its status, and its findings once completed",
    responses=error_responses(*TEAM_ROUTE_ERRORS, AuditNotFound),
)
async def get_audit(
    caller: MemberDep, audit_id: AuditIdPath, session: ReadSessionDep
) -> AuditEnvelope:
    return AuditEnvelope(audit=await service.get_audit(session, caller, audit_id))


@router.patch(
    "/{audit_id}",
    response_model=AuditEnvelope,
    summary="Review a completed audit: accept or dismiss its findings, add a note",
    responses=error_responses(*TEAM_ROUTE_ERRORS, AuditNotFound, AuditConflict),
)
async def review_audit(
    body: AuditUpdate, caller: MemberDep, audit_id: AuditIdPath, session: SessionDep
) -> AuditEnvelope:
    return AuditEnvelope(
        audit=await service.review_audit(session, caller, audit_id, body)
    )


@router.delete(
    "/{audit_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete an audit and its findings (admins and team API keys)",
    responses=error_responses(*TEAM_ROUTE_ERRORS, AuditNotFound),
)
async def delete_audit(
    caller: AdminDep, audit_id: AuditIdPath, session: OneStatementDep
) -> None:
    await service.delete_audit(session, caller, audit_id)


@router.post(
    "/{audit_id}/retry",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=AuditEnvelope,
    summary="Queue a failed audit again, with a fresh set of attempts",
    responses=error_responses(
        *TEAM_ROUTE_ERRORS,
        AuditNotFound,
        AuditConflict,
        RetryLimitReached,
        AiNotConfigured,
        *QUOTA_ERRORS,
    ),
)
async def retry_audit(
    caller: MemberDep,
    audit_id: AuditIdPath,
    session: SessionDep,
    settings: SettingsDep,
    _: None = AiConfiguredDep,
    __: None = RetryLimitDep,
) -> AuditEnvelope:
    audit = await service.retry_audit(session, caller, audit_id, settings)
    return AuditEnvelope(audit=audit)
