"""Offset pagination for every list route: one page-parameters dependency with each
resource's bounds, one page response, and one rule for the total.

The rule: a page shorter than its limit is the last one, so it tells the total
without counting; a full page, or an empty one past the start, is counted. Counting
is its own statement, an index-only scan, rather than a window count that would
read every matching row in full."""

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Self

from fastapi import Query
from pydantic import BaseModel
from sqlalchemy import Select, Subquery, bindparam, func

from app.core.db import Query as Statement
from app.core.db import Session, compile_query
from app.core.schemas import RESPONSE

# Larger offsets overflow the database's bigint; none of them could find a row.
MAX_OFFSET = 2**31 - 1


@dataclass(frozen=True, slots=True)
class PageParams:
    limit: int
    offset: int


def page_params(
    *, default: int, maximum: int, noun: str
) -> Callable[..., Awaitable[PageParams]]:
    """The page-parameters dependency with this resource's bounds."""

    async def params(
        limit: Annotated[
            int, Query(ge=1, le=maximum, description="Page size")
        ] = default,
        offset: Annotated[
            int, Query(ge=0, le=MAX_OFFSET, description=f"{noun} to skip")
        ] = 0,
    ) -> PageParams:
        return PageParams(limit, offset)

    return params


class Page(BaseModel):
    """A page of items with the total that match; each resource names its list."""

    model_config = RESPONSE
    items_field: ClassVar[str]

    total: int
    has_more: bool

    @classmethod
    def of(cls, items: Sequence[BaseModel], total: int, page: PageParams) -> Self:
        # The items are instances already: validating them is an isinstance check.
        values: dict[str, Any] = {
            cls.items_field: list(items),
            "total": total,
            "has_more": page.offset + len(items) < total,
        }
        return cls(**values)


@dataclass(frozen=True, slots=True)
class PageQueries:
    page: Statement
    count: Statement


def page_queries(
    listing: Select[Any], wrap: Callable[[Subquery], Select[Any]] | None = None
) -> PageQueries:
    """The page and count statements of a filtered, ordered select. `wrap` builds
    on the cut page (to compute per-row extras for its rows only)."""
    page = listing.limit(bindparam("limit")).offset(bindparam("offset"))
    count = listing.with_only_columns(
        func.count(), maintain_column_froms=True
    ).order_by(None)
    return PageQueries(
        compile_query(wrap(page.subquery()) if wrap else page), compile_query(count)
    )


async def fetch_page(
    session: Session,
    queries: PageQueries,
    params: Mapping[str, Any],
    page: PageParams,
) -> tuple[list[Any], int]:
    """The page's rows and the total, by the module's one rule."""
    rows = await session.all(
        queries.page, {**params, "limit": page.limit, "offset": page.offset}
    )
    if 0 < len(rows) < page.limit or (not rows and page.offset == 0):
        return rows, page.offset + len(rows)
    return rows, await session.scalar(queries.count, params)
