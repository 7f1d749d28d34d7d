"""Audits as a team sees them: create (queue), list, read, review, retry, delete.
Every statement is scoped to the caller's team; the worker's side is in `queue`."""

import hashlib
import json
from functools import cache
from typing import Any
from uuid import UUID

from pydantic import TypeAdapter
from sqlalchemy import (
    ColumnElement,
    Executable,
    and_,
    bindparam,
    delete,
    exists,
    func,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.audits.exceptions import (
    AuditConflict,
    AuditNotFound,
    IdempotencyKeyReused,
)
from app.audits.models import (
    Audit,
    AuditCreate,
    AuditDetails,
    AuditError,
    AuditPage,
    AuditPublic,
    AuditStatus,
    AuditUpdate,
    ReviewStatus,
)
from app.core.db import execute
from app.core.metrics import AUDITS
from app.core.models import new_id
from app.posts.exceptions import PostNotFound
from app.posts.models import Post
from app.teams.service import AuthenticatedKey

# Workers LISTEN on this channel; the notification is sent when the queuing
# transaction commits, so a worker never wakes for a row it cannot see yet.
AUDIT_CHANNEL = "audit_due"

_PUBLIC_COLUMNS = (
    col(Audit.id),
    col(Audit.post_id),
    col(Audit.include_replies),
    col(Audit.content),
    col(Audit.status),
    col(Audit.attempts),
    col(Audit.run_after),
    col(Audit.details),
    col(Audit.error),
    col(Audit.review_status),
    col(Audit.review_note),
    col(Audit.created_at),
    col(Audit.updated_at),
    col(Audit.completed_at),
)
_INSERTED = (
    "id",
    "team_id",
    "post_id",
    "include_replies",
    "content",
    "idempotency_key",
    "request_hash",
)


def _mine(audit_id: bool = True) -> list[ColumnElement[bool]]:
    conditions = [col(Audit.team_id) == bindparam("owner_team_id")]
    if audit_id:
        conditions.append(col(Audit.id) == bindparam("target_audit_id"))
    return conditions


def _typed(name: str) -> Any:
    return bindparam(name, type_=Audit.__table__.c[name].type)  # type: ignore[attr-defined]


def _on_idempotency_conflict(statement: Any) -> Any:
    return statement.on_conflict_do_nothing(
        index_elements=["team_id", "idempotency_key"],
        index_where=col(Audit.idempotency_key).is_not(None),
    ).returning(*_PUBLIC_COLUMNS)


_INSERT_TEXT = _on_idempotency_conflict(insert(Audit))
# A post audit is written only when the post is live in the same team: the check
# rides in the INSERT, so a missing post queues nothing.
_INSERT_FOR_POST = _on_idempotency_conflict(
    insert(Audit).from_select(
        list(_INSERTED),
        select(*(_typed(name) for name in _INSERTED)).where(
            exists().where(
                col(Post.id) == bindparam("post_id"),
                col(Post.team_id) == bindparam("team_id"),
                col(Post.deleted_at).is_(None),
            )
        ),
    )
)
_BY_IDEMPOTENCY_KEY = select(*_PUBLIC_COLUMNS, col(Audit.request_hash)).where(
    col(Audit.team_id) == bindparam("team_id"),
    col(Audit.idempotency_key) == bindparam("idempotency_key"),
)
_NOTIFY = select(func.pg_notify(AUDIT_CHANNEL, ""))
_GET = select(*_PUBLIC_COLUMNS).where(*_mine())
_STATUS = select(col(Audit.status)).where(*_mine())
_REVIEW = (
    update(Audit)
    .where(*_mine(), col(Audit.status) == AuditStatus.COMPLETED)
    .returning(*_PUBLIC_COLUMNS)
)
_RETRY = (
    update(Audit)
    .where(*_mine(), col(Audit.status) == AuditStatus.FAILED)
    .values(
        status=AuditStatus.PENDING,
        attempts=0,
        run_after=func.now(),
        details=None,
        error=None,
        lease_token=None,
        lease_expires_at=None,
        completed_at=None,
        updated_at=func.now(),
    )
    .returning(*_PUBLIC_COLUMNS)
)
_DELETE = delete(Audit).where(*_mine()).returning(col(Audit.id))


@cache
def _filters(status: bool, post: bool, review_status: bool) -> Any:
    conditions = _mine(audit_id=False)
    if status:
        conditions.append(col(Audit.status) == bindparam("status"))
    if post:
        conditions.append(col(Audit.post_id) == bindparam("post_id"))
    if review_status:
        conditions.append(col(Audit.review_status) == bindparam("review_status"))
    return and_(*conditions)


# The page and its total are two statements: a window count would make the
# database read every matching row in full before returning twenty, while the
# page alone walks the index and the count is an index-only scan.
@cache
def _page_query(*flags: bool) -> Executable:
    return (
        select(*_PUBLIC_COLUMNS)
        .where(_filters(*flags))
        .order_by(col(Audit.created_at).desc(), col(Audit.id).desc())
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )


@cache
def _count_query(*flags: bool) -> Executable:
    return select(func.count()).select_from(Audit).where(_filters(*flags))


_DETAILS = TypeAdapter(AuditDetails | None)
_ERROR = TypeAdapter(AuditError | None)


def _public(row: Any, team: str) -> AuditPublic:
    # Columns were validated on the way in, so only the two JSON documents are
    # turned back into their models; validating the whole row again cost a sixth
    # of a list request.
    pending = row.status == AuditStatus.PENDING
    return AuditPublic.model_construct(
        id=row.id,
        team=team,
        post_id=row.post_id,
        include_replies=row.include_replies,
        content=row.content,
        status=AuditStatus(row.status),
        attempts=row.attempts,
        next_attempt_at=row.run_after if pending else None,
        details=_DETAILS.validate_python(row.details),
        error=_ERROR.validate_python(row.error),
        review_status=ReviewStatus(row.review_status),
        review_note=row.review_note,
        created_at=row.created_at,
        updated_at=row.updated_at,
        completed_at=row.completed_at,
    )


def request_hash(body: AuditCreate) -> str:
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


async def notify_workers(session: AsyncSession) -> None:
    await execute(session, _NOTIFY, {})


async def create_audit(
    session: AsyncSession,
    key: AuthenticatedKey,
    body: AuditCreate,
    idempotency_key: str | None,
) -> tuple[AuditPublic, bool]:
    """Queues an audit; returns it and whether it is an earlier request's replay."""
    # Plain values, not an `Audit` instance: the ORM's instrumentation of a new
    # instance cost more than the INSERT itself on this hot path.
    values = {
        "id": new_id(),
        "team_id": key.team_id,
        "post_id": body.post_id,
        "include_replies": body.include_replies,
        "content": body.content,
        "idempotency_key": idempotency_key,
        "request_hash": request_hash(body) if idempotency_key else None,
    }
    statement = _INSERT_TEXT if body.post_id is None else _INSERT_FOR_POST
    row = (await execute(session, statement, values)).one_or_none()
    if row is not None:
        await notify_workers(session)
        AUDITS.labels(AuditStatus.PENDING).inc()
        return _public(row, key.team_name), False
    if idempotency_key is not None:
        earlier = (await execute(session, _BY_IDEMPOTENCY_KEY, values)).one_or_none()
        if earlier is not None:
            if earlier.request_hash != values["request_hash"]:
                raise IdempotencyKeyReused(details={"idempotency_key": idempotency_key})
            return _public(earlier, key.team_name), True
    raise PostNotFound(details={"post_id": str(body.post_id)})


async def list_audits(
    session: AsyncSession,
    key: AuthenticatedKey,
    *,
    limit: int,
    offset: int,
    status: AuditStatus | None,
    post_id: UUID | None,
    review_status: ReviewStatus | None,
) -> AuditPage:
    flags = (status is not None, post_id is not None, review_status is not None)
    params = {
        "owner_team_id": key.team_id,
        "limit": limit,
        "offset": offset,
        "status": status,
        "post_id": post_id,
        "review_status": review_status,
    }
    rows = (await execute(session, _page_query(*flags), params)).all()
    if 0 < len(rows) < limit or (offset == 0 and not rows):
        # A short page is the last one: it tells the total without counting.
        total = offset + len(rows)
    else:
        total = (await execute(session, _count_query(*flags), params)).scalar()
    audits = [_public(row, key.team_name) for row in rows]
    return AuditPage(audits=audits, total=total, has_more=offset + len(rows) < total)


def _target(key: AuthenticatedKey, audit_id: UUID) -> dict[str, Any]:
    return {"owner_team_id": key.team_id, "target_audit_id": audit_id}


async def get_audit(
    session: AsyncSession, key: AuthenticatedKey, audit_id: UUID
) -> AuditPublic:
    row = (await execute(session, _GET, _target(key, audit_id))).one_or_none()
    if row is None:
        raise AuditNotFound(details={"audit_id": str(audit_id)})
    return _public(row, key.team_name)


async def _conflict_or_missing(
    session: AsyncSession,
    key: AuthenticatedKey,
    audit_id: UUID,
    requirement: str,
) -> AuditConflict | AuditNotFound:
    found = (await execute(session, _STATUS, _target(key, audit_id))).scalar()
    if found is None:
        return AuditNotFound(details={"audit_id": str(audit_id)})
    return AuditConflict(
        f"{requirement}; this audit is {found}",
        details={"audit_id": str(audit_id), "status": found},
    )


async def review_audit(
    session: AsyncSession, key: AuthenticatedKey, audit_id: UUID, body: AuditUpdate
) -> AuditPublic:
    changes: dict[str, Any] = body.model_dump(exclude_unset=True)
    statement = _REVIEW.values(**changes, updated_at=func.now())
    row = (await execute(session, statement, _target(key, audit_id))).one_or_none()
    if row is None:
        raise await _conflict_or_missing(
            session, key, audit_id, "Only completed audits can be reviewed"
        )
    return _public(row, key.team_name)


async def retry_audit(
    session: AsyncSession, key: AuthenticatedKey, audit_id: UUID
) -> AuditPublic:
    row = (await execute(session, _RETRY, _target(key, audit_id))).one_or_none()
    if row is None:
        raise await _conflict_or_missing(
            session, key, audit_id, "Only failed audits can be retried"
        )
    await notify_workers(session)
    AUDITS.labels(AuditStatus.PENDING).inc()
    return _public(row, key.team_name)


async def delete_audit(
    session: AsyncSession, key: AuthenticatedKey, audit_id: UUID
) -> None:
    if (await execute(session, _DELETE, _target(key, audit_id))).scalar() is None:
        raise AuditNotFound(details={"audit_id": str(audit_id)})
