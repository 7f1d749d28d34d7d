"""Audits as a team sees them: create (queue), list, read, review, retry, delete.
The statements are in `repository`; the worker's side is in `queue`."""

import hashlib
import json
import math
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from typing import Any
from uuid import UUID

from app.audits import queue, repository
from app.audits.events import END, AuditEvents, Change
from app.audits.exceptions import (
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
    AuditPage,
    AuditPublic,
    AuditStatus,
    AuditUpdate,
    ReviewStatus,
)
from app.core import tracing
from app.core.config import Settings
from app.core.db import Session
from app.core.metrics import AUDITS
from app.core.models import new_id
from app.core.pagination import PageParams, fetch_page
from app.people.models import Caller
from app.posts.exceptions import PostNotFound


def request_hash(body: AuditCreate) -> str:
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


async def _within_quota(session: Session, caller: Caller, settings: Settings) -> None:
    """Refuses one more queued audit over the team's caps. Holds the team's queue
    lock until the transaction ends, so concurrent requests cannot both pass."""
    await session.execute(repository.LOCK_TEAM_QUEUE, {"owner_team_id": caller.team_id})
    now = datetime.now(UTC)
    day_starts_at = datetime.combine(now.date(), time.min, tzinfo=UTC)
    row = await session.one_or_none(
        repository.QUOTA,
        {"owner_team_id": caller.team_id, "day_starts_at": day_starts_at},
    )
    assert row is not None
    limit = settings.audit_max_active_per_team
    if row["active"] >= limit:
        raise AuditQuotaExceeded(details={"limit": limit, "active": row["active"]})
    budget = settings.audit_daily_token_budget
    if budget and row["used_tokens"] >= budget:
        resets_at = day_starts_at + timedelta(days=1)
        raise TokenBudgetExceeded(
            details={
                "budget": budget,
                "used": row["used_tokens"],
                "resets_at": resets_at.isoformat(),
            },
            headers={"Retry-After": str(math.ceil((resets_at - now).total_seconds()))},
        )


def _replayed(
    earlier: Any, values: dict[str, Any], idempotency_key: str, caller: Caller
) -> AuditPublic:
    if earlier["request_hash"] != values["request_hash"]:
        raise IdempotencyKeyReused(details={"idempotency_key": idempotency_key})
    return repository.AUDIT.load(earlier, team=caller.team_name)


async def create_audit(
    session: Session,
    caller: Caller,
    body: AuditCreate,
    idempotency_key: str | None,
    settings: Settings,
) -> tuple[AuditPublic, bool]:
    """Queues an audit; returns it and whether it is an earlier request's replay."""
    values = {
        **body.model_dump(),
        "id": new_id(),
        "team_id": caller.team_id,
        "idempotency_key": idempotency_key,
        "request_hash": request_hash(body) if idempotency_key else None,
        "trace_context": tracing.current_context(),
        "requested_by_user_id": caller.user_id,
    }
    if idempotency_key is not None:
        # A replay queues nothing, so it is answered whatever the quota says.
        earlier = await session.one_or_none(repository.BY_IDEMPOTENCY_KEY, values)
        if earlier is not None:
            return _replayed(earlier, values, idempotency_key, caller), True
    await _within_quota(session, caller, settings)
    statement = (
        repository.INSERT_TEXT if body.post_id is None else repository.INSERT_FOR_POST
    )
    row = await session.one_or_none(statement, values)
    if row is not None:
        await queue.notify_workers(session)
        AUDITS.labels(AuditStatus.PENDING).inc()
        return repository.AUDIT.load(row, team=caller.team_name), False
    if idempotency_key is not None:
        earlier = await session.one_or_none(repository.BY_IDEMPOTENCY_KEY, values)
        if earlier is not None:
            return _replayed(earlier, values, idempotency_key, caller), True
    raise PostNotFound(details={"post_id": str(body.post_id)})


async def list_audits(
    session: Session,
    caller: Caller,
    page: PageParams,
    *,
    status: AuditStatus | None,
    post_id: UUID | None,
    review_status: ReviewStatus | None,
) -> AuditPage:
    flags = (status is not None, post_id is not None, review_status is not None)
    params = {
        "owner_team_id": caller.team_id,
        "status": status,
        "post_id": post_id,
        "review_status": review_status,
    }
    rows, total = await fetch_page(session, repository.PAGES[flags], params, page)
    audits = [repository.AUDIT.load(row, team=caller.team_name) for row in rows]
    return AuditPage.of(audits, total, page)


def _target(caller: Caller, audit_id: UUID) -> dict[str, Any]:
    return {"owner_team_id": caller.team_id, "target_audit_id": audit_id}


async def get_audit(session: Session, caller: Caller, audit_id: UUID) -> AuditPublic:
    row = await session.one_or_none(repository.GET, _target(caller, audit_id))
    if row is None:
        raise AuditNotFound(details={"audit_id": str(audit_id)})
    return repository.AUDIT.load(row, team=caller.team_name)


async def _conflict_or_missing(
    session: Session, caller: Caller, audit_id: UUID, requirement: str
) -> AuditConflict | AuditNotFound:
    found = await session.scalar(repository.STATUS, _target(caller, audit_id))
    if found is None:
        return AuditNotFound(details={"audit_id": str(audit_id)})
    return AuditConflict(
        f"{requirement}; this audit is {found}",
        details={"audit_id": str(audit_id), "status": found},
    )


async def review_audit(
    session: Session, caller: Caller, audit_id: UUID, body: AuditUpdate
) -> AuditPublic:
    changes = body.model_dump(exclude_unset=True)
    statement = repository.REVIEWS[frozenset(changes)]
    params = {
        **_target(caller, audit_id),
        **{f"new_{name}": value for name, value in changes.items()},
        "reviewer_id": caller.user_id,
    }
    row = await session.one_or_none(statement, params)
    if row is None:
        raise await _conflict_or_missing(
            session, caller, audit_id, "Only completed audits can be reviewed"
        )
    return repository.AUDIT.load(row, team=caller.team_name)


async def retry_audit(
    session: Session, caller: Caller, audit_id: UUID, settings: Settings
) -> AuditPublic:
    await _within_quota(session, caller, settings)
    params = {**_target(caller, audit_id), "max_retries": settings.audit_max_retries}
    row = await session.one_or_none(repository.RETRY, params)
    if row is None:
        found = await session.one_or_none(repository.RETRIES, params)
        if found is not None and found["status"] == AuditStatus.FAILED:
            raise RetryLimitReached(
                details={
                    "audit_id": str(audit_id),
                    "limit": settings.audit_max_retries,
                    "retries": found["retries"],
                }
            )
        raise await _conflict_or_missing(
            session, caller, audit_id, "Only failed audits can be retried"
        )
    await queue.notify_workers(session)
    AUDITS.labels(AuditStatus.PENDING).inc()
    return repository.AUDIT.load(row, team=caller.team_name)


async def delete_audit(session: Session, caller: Caller, audit_id: UUID) -> None:
    if await session.scalar(repository.DELETE, _target(caller, audit_id)) is None:
        raise AuditNotFound(details={"audit_id": str(audit_id)})


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Transactions commit in another order than their clocks read: a change stamped a
# moment before the last one a client saw may have been sent after it. Replaying
# this far back covers it; a change seen twice is the same state twice.
REPLAY_OVERLAP = timedelta(seconds=5)


def event_time(event_id: int) -> datetime:
    return EPOCH + timedelta(microseconds=event_id)


async def audit_changes(
    session: Session, caller: Caller, hub: AuditEvents, after: int | None
) -> AsyncIterator[Change]:
    """The team's audit changes as they commit, after the current state of those
    changed since event `after` (a resumed stream's Last-Event-ID). Subscribed
    before the replay is read, so no change falls between the two."""
    async with hub.subscribe(caller.team_id) as stream:
        if after is not None:
            rows = await session.all(
                repository.CHANGED_SINCE,
                {
                    "owner_team_id": caller.team_id,
                    "changed_after": event_time(after) - REPLAY_OVERLAP,
                },
            )
            for row in reversed(rows):
                yield Change(
                    event_id=row["event_id"],
                    team_id=caller.team_id,
                    deleted=False,
                    audit=AuditChange.model_validate(dict(row)),
                )
        while (change := await stream.get()) is not END:
            yield change
