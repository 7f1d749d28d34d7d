"""Every statement of audits as a team sees them, compiled once at import; the
worker's statements are in `queue`. Each is scoped to the caller's team."""

from itertools import product
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    String,
    Uuid,
    bindparam,
    case,
    cast,
    delete,
    exists,
    func,
    literal_column,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import col

from app.audits.models import Audit, AuditPublic, AuditStatus
from app.core.db import Query, column_params, compile_query
from app.core.pagination import PageQueries, page_queries
from app.core.projection import Projection
from app.posts.models import Post

AUDIT = Projection(
    Audit,
    AuditPublic,
    computed={
        # When a pending audit is next tried; nothing is due for the others.
        "next_attempt_at": lambda audit: case(
            (audit.status == AuditStatus.PENDING.value, audit.run_after)
        )
    },
    given=("team",),
)
INSERTED = (
    "id",
    "team_id",
    "post_id",
    "include_replies",
    "content",
    "idempotency_key",
    "request_hash",
    "trace_context",
    "requested_by_user_id",
)


def _mine(audit_id: bool = True) -> list[ColumnElement[bool]]:
    conditions = [col(Audit.team_id) == bindparam("owner_team_id")]
    if audit_id:
        conditions.append(col(Audit.id) == bindparam("target_audit_id"))
    return conditions


def _on_idempotency_conflict(statement: Any) -> Any:
    return statement.on_conflict_do_nothing(
        index_elements=["team_id", "idempotency_key"],
        index_where=col(Audit.idempotency_key).is_not(None),
    ).returning(*AUDIT.columns())


INSERT_TEXT = compile_query(_on_idempotency_conflict(insert(Audit)), inserting=INSERTED)
# A post audit is written only when the post is live in the same team: the check
# rides in the INSERT, so a missing post queues nothing.
INSERT_FOR_POST = compile_query(
    _on_idempotency_conflict(
        insert(Audit).from_select(
            list(INSERTED),
            select(*column_params(Audit, INSERTED)).where(
                exists().where(
                    col(Post.id) == bindparam("post_id"),
                    col(Post.team_id) == bindparam("team_id"),
                    col(Post.deleted_at).is_(None),
                )
            ),
        )
    )
)
BY_IDEMPOTENCY_KEY = compile_query(
    select(*AUDIT.columns(), col(Audit.request_hash)).where(
        col(Audit.team_id) == bindparam("team_id"),
        col(Audit.idempotency_key) == bindparam("idempotency_key"),
    )
)
GET = compile_query(select(*AUDIT.columns()).where(*_mine()))
STATUS = compile_query(select(col(Audit.status)).where(*_mine()))
RETRIES = compile_query(select(col(Audit.status), col(Audit.retries)).where(*_mine()))


def _review(fields: tuple[str, ...]) -> Query:
    return compile_query(
        update(Audit)
        .where(*_mine(), col(Audit.status) == AuditStatus.COMPLETED)
        .values({name: bindparam(f"new_{name}") for name in fields})
        .values(updated_at=func.now(), reviewed_by_user_id=bindparam("reviewer_id"))
        .returning(*AUDIT.columns())
    )


# By the fields a review changes: either or both.
REVIEWS = {
    frozenset(fields): _review(fields)
    for fields in (
        ("review_status",),
        ("review_note",),
        ("review_status", "review_note"),
    )
}
RETRY = compile_query(
    update(Audit)
    .where(
        *_mine(),
        col(Audit.status) == AuditStatus.FAILED,
        col(Audit.retries) < bindparam("max_retries"),
    )
    .values(
        status=AuditStatus.PENDING,
        retries=col(Audit.retries) + 1,
        attempts=0,
        run_after=func.now(),
        details=None,
        error=None,
        lease_token=None,
        lease_expires_at=None,
        completed_at=None,
        updated_at=func.now(),
    )
    .returning(*AUDIT.columns())
)
DELETE = compile_query(delete(Audit).where(*_mine()).returning(col(Audit.id)))

# Creates and retries of one team queue one at a time (until their transaction
# ends), so two cannot both pass the team's quota.
LOCK_TEAM_QUEUE = compile_query(
    select(
        func.pg_advisory_xact_lock(
            func.hashtextextended(
                "audit-queue:" + cast(bindparam("owner_team_id", type_=Uuid), String), 0
            )
        )
    )
)


def _literal(status: AuditStatus) -> Any:
    # A literal, so the partial and status indexes apply.
    return literal_column(f"'{status.value}'")


# The team's audits waiting or under review, and the tokens its audits completed
# since `day_starts_at` used (as stored with each review, like the usage report).
QUOTA = compile_query(
    select(
        select(func.count())
        .where(
            *_mine(audit_id=False),
            col(Audit.status).in_(
                [_literal(AuditStatus.PENDING), _literal(AuditStatus.RUNNING)]
            ),
        )
        .scalar_subquery()
        .label("active"),
        select(
            cast(
                func.coalesce(
                    func.sum(
                        cast(
                            col(Audit.details)["usage"]["total_tokens"].astext,
                            BigInteger,
                        )
                    ),
                    0,
                ),
                BigInteger,
            )
        )
        .where(
            *_mine(audit_id=False),
            col(Audit.status) == _literal(AuditStatus.COMPLETED),
            col(Audit.completed_at) >= bindparam("day_starts_at"),
        )
        .scalar_subquery()
        .label("used_tokens"),
    )
)


def _listing(status: bool, post: bool, review_status: bool) -> PageQueries:
    conditions = _mine(audit_id=False)
    if status:
        conditions.append(col(Audit.status) == bindparam("status"))
    if post:
        conditions.append(col(Audit.post_id) == bindparam("post_id"))
    if review_status:
        conditions.append(col(Audit.review_status) == bindparam("review_status"))
    listing = (
        # run_after: what next_attempt_at is computed from.
        select(*AUDIT.columns(raw=True), col(Audit.run_after))
        .where(*conditions)
        .order_by(col(Audit.created_at).desc(), col(Audit.id).desc())
    )
    # The page is cut on the stored columns; its twenty rows alone are then
    # converted (a document to text) and computed.
    return page_queries(
        listing,
        lambda page: select(*AUDIT.columns(page)).order_by(
            page.c.created_at.desc(), page.c.id.desc()
        ),
    )


# A resumed stream gets the current state of at most this many audits, the most
# recently changed.
REPLAY_LIMIT = 100
EVENT_ID = cast(
    func.extract("epoch", col(Audit.updated_at)) * 1_000_000, BigInteger
).label("event_id")
CHANGED_SINCE = compile_query(
    select(
        col(Audit.id),
        col(Audit.status),
        col(Audit.attempts),
        col(Audit.review_status),
        col(Audit.updated_at),
        EVENT_ID,
    )
    .where(*_mine(audit_id=False), col(Audit.updated_at) > bindparam("changed_after"))
    .order_by(col(Audit.updated_at).desc(), col(Audit.id).desc())
    .limit(REPLAY_LIMIT)
)


# By (status, post, review status): every filter combination.
PAGES = {flags: _listing(*flags) for flags in product((False, True), repeat=3)}
