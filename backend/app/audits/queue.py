"""The audit row is the job. A worker claims due audits with `FOR UPDATE SKIP LOCKED`
and a lease (a fresh token and an expiry), commits, calls the model outside any
transaction (renewing the lease while the call runs), then writes the outcome only
while the token is still its own: a worker
whose lease expired and was re-claimed can no longer write, so every audit completes
exactly once. Times come from the database's clock, shared by every host."""

import random
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import (
    and_,
    bindparam,
    case,
    func,
    literal_column,
    or_,
    select,
    update,
)
from sqlmodel import col

from app.ai.client import Review
from app.ai.exceptions import ModelCallFailed
from app.ai.prompt import PROMPT_VERSION, serialized
from app.audits.models import Audit, AuditStatus
from app.core.db import Session, compile_query
from app.posts.models import Post

# Workers LISTEN on this channel; the notification is sent when the queuing
# transaction commits, so a worker never wakes for a row it cannot see yet.
AUDIT_CHANNEL = "audit_due"
# A thread is reviewed with at most this many of its direct replies, oldest first.
MAX_REPLIES_REVIEWED = 100
# Upstream Retry-After is honoured, up to a day.
MAX_RETRY_AFTER_SECONDS = 86_400.0


@dataclass(frozen=True)
class Claim:
    id: UUID
    lease_token: UUID
    attempts: int
    team_id: UUID
    post_id: UUID | None
    include_replies: bool
    content: str | None
    # The audit's lease had expired: another worker died or stalled holding it.
    taken_over: bool
    trace_context: dict[str, str] | None


def _seconds(name: str) -> Any:
    return func.make_interval(0, 0, 0, 0, 0, 0, bindparam(name))


def _is(status: AuditStatus) -> Any:
    # A literal, not a bind parameter: the planner can then match the partial
    # queue indexes (`WHERE status = 'pending'`) even in a generic plan.
    return col(Audit.status) == literal_column(f"'{status.value}'")


def _held() -> list[Any]:
    return [
        col(Audit.id) == bindparam("claimed_id"),
        col(Audit.lease_token) == bindparam("claimed_token"),
    ]


def _due() -> Any:
    return or_(
        and_(_is(AuditStatus.PENDING), col(Audit.run_after) <= func.now()),
        # A worker that died mid-call leaves its lease behind to expire.
        and_(
            _is(AuditStatus.RUNNING),
            col(Audit.lease_expires_at) < func.now(),
            col(Audit.attempts) < bindparam("max_attempts"),
        ),
    )


# Each team's due audits take turns: a team's first waiting audit is claimed before
# any team's second, and a team's audits under review count as its earlier turns.
# So one team's backlog delays another team's next audit by one claim at most, when
# a worker has room for fewer audits than teams are waiting.
_TURNS = (
    select(
        col(Audit.id),
        func.row_number()
        .over(
            partition_by=col(Audit.team_id),
            order_by=(
                case((_is(AuditStatus.RUNNING), 0), else_=1),
                col(Audit.run_after),
                col(Audit.id),
            ),
        )
        .label("turn"),
    )
    .where(or_(_due(), _is(AuditStatus.RUNNING)))
    .cte("turns")
)
_DUE = (
    select(col(Audit.id), col(Audit.status))
    .join(_TURNS, _TURNS.c.id == col(Audit.id))
    # Again on the row as locked: another worker may have claimed it meanwhile.
    .where(_due())
    .order_by(_TURNS.c.turn, col(Audit.run_after))
    .limit(bindparam("capacity"))
    .with_for_update(skip_locked=True, of=Audit.__table__)  # type: ignore[attr-defined]
    .cte("due")
)
_CLAIM = compile_query(
    update(Audit)
    .where(col(Audit.id) == _DUE.c.id)
    .values(
        status=AuditStatus.RUNNING,
        attempts=col(Audit.attempts) + 1,
        lease_token=func.gen_random_uuid(),
        lease_expires_at=func.now() + _seconds("lease_seconds"),
        updated_at=func.now(),
    )
    .returning(
        col(Audit.id),
        col(Audit.lease_token),
        col(Audit.attempts),
        col(Audit.team_id),
        col(Audit.post_id),
        col(Audit.include_replies),
        col(Audit.content),
        # The row as it was before this UPDATE, through the CTE.
        (_DUE.c.status == AuditStatus.RUNNING.value).label("taken_over"),
        col(Audit.trace_context),
    )
)
# Leases that expired with no attempt left: their audits fail instead of waiting.
_ABANDONED = compile_query(
    update(Audit)
    .where(
        _is(AuditStatus.RUNNING),
        col(Audit.lease_expires_at) < func.now(),
        col(Audit.attempts) >= bindparam("max_attempts"),
    )
    .values(
        status=AuditStatus.FAILED,
        error={
            "code": "WORKER_LOST",
            "message": "The worker reviewing this audit stopped before it "
            "finished, and no attempts are left",
        },
        lease_token=None,
        lease_expires_at=None,
        updated_at=func.now(),
    )
    .returning(col(Audit.id))
)
_COMPLETE = compile_query(
    update(Audit)
    .where(*_held())
    .values(
        status=AuditStatus.COMPLETED,
        details=bindparam("details"),
        error=None,
        lease_token=None,
        lease_expires_at=None,
        completed_at=func.now(),
        updated_at=func.now(),
    )
    .returning(col(Audit.id))
)
_RETRY_LATER = compile_query(
    update(Audit)
    .where(*_held())
    .values(
        status=AuditStatus.PENDING,
        error=bindparam("failure"),
        run_after=func.now() + _seconds("delay"),
        lease_token=None,
        lease_expires_at=None,
        updated_at=func.now(),
    )
    .returning(col(Audit.id))
)
_FAIL = compile_query(
    update(Audit)
    .where(*_held())
    .values(
        status=AuditStatus.FAILED,
        error=bindparam("failure"),
        lease_token=None,
        lease_expires_at=None,
        updated_at=func.now(),
    )
    .returning(col(Audit.id))
)
# The worker still at it pushes its lease on, so a long model call is never
# taken for a dead worker's.
_RENEW = compile_query(
    update(Audit)
    .where(*_held(), _is(AuditStatus.RUNNING))
    .values(lease_expires_at=func.now() + _seconds("lease_seconds"))
    .returning(col(Audit.id))
)
# A worker that stops on purpose hands its audits back at once, and the
# interrupted attempt does not count.
_RELEASE = compile_query(
    update(Audit)
    .where(*_held())
    .values(
        status=AuditStatus.PENDING,
        attempts=col(Audit.attempts) - 1,
        run_after=func.now(),
        lease_token=None,
        lease_expires_at=None,
        updated_at=func.now(),
    )
    .returning(col(Audit.id))
)
_POST = compile_query(
    select(col(Post.author_name), col(Post.content), col(Post.tags)).where(
        col(Post.id) == bindparam("audited_post_id"),
        col(Post.team_id) == bindparam("audited_team_id"),
        col(Post.deleted_at).is_(None),
    )
)
_REPLIES = compile_query(
    select(col(Post.author_name), col(Post.content))
    .where(
        col(Post.parent_post_id) == bindparam("audited_post_id"),
        col(Post.team_id) == bindparam("audited_team_id"),
        col(Post.deleted_at).is_(None),
    )
    .order_by(col(Post.created_at), col(Post.id))
    .limit(MAX_REPLIES_REVIEWED)
)


async def claim(
    session: Session, *, capacity: int, lease_seconds: float, max_attempts: int
) -> list[Claim]:
    params = {
        "capacity": capacity,
        "lease_seconds": lease_seconds,
        "max_attempts": max_attempts,
    }
    return [Claim(**row) for row in await session.all(_CLAIM, params)]


async def fail_abandoned(session: Session, *, max_attempts: int) -> list[UUID]:
    rows = await session.all(_ABANDONED, {"max_attempts": max_attempts})
    return [row["id"] for row in rows]


def fit_replies(
    reviewed: dict[str, Any], replies: list[dict[str, Any]], max_chars: int
) -> tuple[list[dict[str, Any]], int]:
    """The oldest replies that keep the serialized document within `max_chars`,
    and how many were left out. The post itself always goes whole."""
    # Counted with the empty list's brackets and room for the omitted count.
    used = len(serialized({**reviewed, "replies": [], "replies_omitted": len(replies)}))
    kept: list[dict[str, Any]] = []
    for reply in replies:
        # Items after the first are joined by ", ".
        cost = len(serialized(reply)) + (2 if kept else 0)
        if used + cost > max_chars:
            break
        kept.append(reply)
        used += cost
    return kept, len(replies) - len(kept)


async def document(
    session: Session, claim: Claim, *, max_chars: int
) -> dict[str, Any] | None:
    """What the model reviews, or None when the audited post is gone. A thread's
    replies are cut, newest first, to keep it within `max_chars`."""
    if claim.content is not None:
        return {"text": claim.content}
    params = {"audited_post_id": claim.post_id, "audited_team_id": claim.team_id}
    post = await session.one_or_none(_POST, params)
    if post is None:
        return None
    reviewed: dict[str, Any] = {
        "post": {
            "author": post["author_name"],
            "content": post["content"],
            "tags": post["tags"],
        }
    }
    if claim.include_replies:
        rows = await session.all(_REPLIES, params)
        replies = [
            {"author": reply["author_name"], "content": reply["content"]}
            for reply in rows
        ]
        reviewed["replies"], omitted = fit_replies(reviewed, replies, max_chars)
        if omitted:
            reviewed["replies_omitted"] = omitted
    return reviewed


def _held_params(claim: Claim) -> dict[str, Any]:
    return {"claimed_id": claim.id, "claimed_token": claim.lease_token}


async def complete(session: Session, claim: Claim, review: Review) -> bool:
    details = {
        **review.findings.model_dump(mode="json"),
        "model": review.model,
        "prompt_version": PROMPT_VERSION,
        "usage": review.usage.model_dump() if review.usage else None,
        "latency_ms": review.latency_ms,
    }
    params = {**_held_params(claim), "details": details}
    return await session.scalar(_COMPLETE, params) is not None


def backoff_seconds(
    attempts: int, base: float, cap: float, retry_after: float | None
) -> float:
    """Exponential backoff with jitter (so workers spread out after an outage),
    never sooner than the upstream asked."""
    delay: float = min(cap, base * 2 ** (attempts - 1)) * random.uniform(0.8, 1.0)
    if retry_after is not None:
        delay = max(delay, min(retry_after, MAX_RETRY_AFTER_SECONDS))
    return delay


async def record_failure(
    session: Session,
    claim: Claim,
    failure: ModelCallFailed,
    *,
    delay: float | None,
) -> bool:
    """Schedules the next attempt after `delay`, or fails the audit when None."""
    params: dict[str, Any] = {
        **_held_params(claim),
        "failure": {"code": failure.code, "message": failure.message},
    }
    if delay is None:
        statement = _FAIL
    else:
        statement = _RETRY_LATER
        params["delay"] = delay
    return await session.scalar(statement, params) is not None


async def renew(session: Session, claim: Claim, *, lease_seconds: float) -> bool:
    params = {**_held_params(claim), "lease_seconds": lease_seconds}
    return await session.scalar(_RENEW, params) is not None


async def release(session: Session, claim: Claim) -> bool:
    return await session.scalar(_RELEASE, _held_params(claim)) is not None


_NOTIFY = compile_query(select(func.pg_notify(AUDIT_CHANNEL, "")))


@dataclass(frozen=True)
class Depth:
    """The queue as one scrape sees it."""

    by_status: dict[AuditStatus, int]
    live_leases: int
    expired_leases: int
    oldest_due_seconds: float


_DEPTH = compile_query(
    select(
        *(
            func.count().filter(_is(status)).label(status.value)
            for status in AuditStatus
        ),
        func.count()
        .filter(_is(AuditStatus.RUNNING), col(Audit.lease_expires_at) >= func.now())
        .label("live_leases"),
        func.count()
        .filter(_is(AuditStatus.RUNNING), col(Audit.lease_expires_at) < func.now())
        .label("expired_leases"),
        # How long the longest-waiting due audit has waited; one in backoff is
        # not late, so the wait counts from when it became due.
        func.coalesce(
            func.extract(
                "epoch",
                func.now()
                - func.min(col(Audit.run_after)).filter(
                    _is(AuditStatus.PENDING), col(Audit.run_after) <= func.now()
                ),
            ),
            0,
        ).label("oldest_due_seconds"),
    )
)


async def depth(session: Session) -> Depth:
    row = await session.one_or_none(_DEPTH)
    assert row is not None
    return Depth(
        by_status={status: row[status.value] for status in AuditStatus},
        live_leases=row["live_leases"],
        expired_leases=row["expired_leases"],
        oldest_due_seconds=float(row["oldest_due_seconds"]),
    )


async def notify_workers(session: Session) -> None:
    await session.execute(_NOTIFY)
