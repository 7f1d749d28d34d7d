"""The usage statement: completed audits of one team, grouped by UTC day and model,
summing the token usage each review stored in `details.usage`."""

from typing import Any

from sqlalchemy import BigInteger, Date, bindparam, cast, func, literal_column, select
from sqlmodel import col

from app.audits.models import Audit, AuditStatus
from app.core.db import compile_query


def _tokens(kind: str) -> Any:
    value = col(Audit.details)["usage"][kind].astext
    # sum() of bigint is numeric; the counts come back as ints.
    total = func.coalesce(func.sum(cast(value, BigInteger)), 0)
    return cast(total, BigInteger).label(kind)


_DAY = cast(func.timezone("UTC", col(Audit.completed_at)), Date).label("day")
_MODEL = func.coalesce(col(Audit.details)["model"].astext, "unknown").label("model")

BY_DAY_AND_MODEL = compile_query(
    select(
        _DAY,
        _MODEL,
        func.count().label("audits"),
        _tokens("prompt_tokens"),
        _tokens("completion_tokens"),
        _tokens("total_tokens"),
    )
    .where(
        col(Audit.team_id) == bindparam("owner_team_id"),
        # A literal, so the partial index on completed audits applies.
        col(Audit.status) == literal_column(f"'{AuditStatus.COMPLETED.value}'"),
        col(Audit.completed_at) >= bindparam("starts_at"),
        col(Audit.completed_at) < bindparam("ends_before"),
    )
    .group_by(_DAY, _MODEL)
    .order_by(_DAY, _MODEL)
)
