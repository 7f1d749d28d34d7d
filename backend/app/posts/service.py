"""Posts and threads. Each hot path is one statement, built once with bind
parameters and run on the session's connection: no per-request query building,
no ORM unit of work, rows mapped straight to the response schema."""

from functools import cache
from typing import Any
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    Executable,
    SQLColumnExpression,
    bindparam,
    exists,
    func,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col

from app.core.db import execute
from app.core.models import utcnow
from app.posts.exceptions import ParentNotFound, PostNotFound
from app.posts.models import Post, PostCreate, PostPage, PostPublic
from app.teams.service import AuthenticatedKey

_reply = aliased(Post)
_COLUMNS = (
    col(Post.id),
    col(Post.author_name),
    col(Post.content),
    col(Post.tags),
    col(Post.parent_post_id),
    col(Post.created_at),
)


def _reply_count(post_id: SQLColumnExpression[Any]) -> Any:
    return (
        select(func.count())
        .where(col(_reply.parent_post_id) == post_id, col(_reply.deleted_at).is_(None))
        .scalar_subquery()
        .label("reply_count")
    )


def _live(post_id: Any = None) -> list[ColumnElement[bool]]:
    """A live post of the bound team; of the given id when one is passed. (Bind
    names differ from column names: UPDATE reserves those for its SET clause.)"""
    conditions = [
        col(Post.team_id) == bindparam("owner_team_id"),
        col(Post.deleted_at).is_(None),
    ]
    if post_id is not None:
        conditions.append(col(Post.id) == post_id)
    return conditions


def _order(
    created_at: SQLColumnExpression[Any],
    id_: SQLColumnExpression[Any],
    newest_first: bool,
) -> tuple[ColumnElement[Any], ...]:
    # Ids are time-ordered UUIDv7s: they break ties between equal timestamps.
    if newest_first:
        return created_at.desc(), id_.desc()
    return created_at.asc(), id_.asc()


def _filters(tag: bool, parent: bool, threads: bool) -> list[ColumnElement[bool]]:
    conditions = _live()
    if tag:
        conditions.append(col(Post.tags).contains(bindparam("tag")))
    if parent:
        conditions.append(col(Post.parent_post_id) == bindparam("parent_post_id"))
    if threads:
        conditions.append(col(Post.parent_post_id).is_(None))
    return conditions


@cache
def _page_query(
    tag: bool, parent: bool, threads: bool, newest_first: bool
) -> Executable:
    # The page is cut first; reply counts are then computed for its rows only,
    # not for every post the window count has to see.
    page = (
        select(*_COLUMNS, func.count().over().label("total"))
        .where(*_filters(tag, parent, threads))
        .order_by(*_order(col(Post.created_at), col(Post.id), newest_first))
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
        .subquery()
    )
    return select(page, _reply_count(page.c.id)).order_by(
        *_order(page.c.created_at, page.c.id, newest_first)
    )


@cache
def _count_query(tag: bool, parent: bool, threads: bool) -> Executable:
    return select(func.count()).select_from(Post).where(*_filters(tag, parent, threads))


_GET = select(*_COLUMNS, _reply_count(col(Post.id))).where(
    *_live(bindparam("target_post_id"))
)
_EXISTS = select(exists().where(*_live(bindparam("target_post_id"))))
_DELETE = (
    update(Post)
    .where(*_live(bindparam("target_post_id")))
    .values(deleted_at=bindparam("now"))
    .returning(col(Post.id))
)
_INSERTED = ("id", "team_id", "author_name", "content", "tags", "parent_post_id")
_INSERT = insert(Post).returning(col(Post.id))
# A reply is written only when its parent is a live post of the same team: the
# check rides in the INSERT, so a missing parent writes and returns nothing.
_INSERT_REPLY = (
    insert(Post)
    .from_select(
        [*_INSERTED, "created_at"],
        select(
            *(bindparam(name, type_=Post.__table__.c[name].type) for name in _INSERTED),  # type: ignore[attr-defined]
            bindparam("created_at", type_=Post.__table__.c.created_at.type),  # type: ignore[attr-defined]
        ).where(
            exists().where(
                col(Post.id) == bindparam("parent_post_id"),
                col(Post.team_id) == bindparam("team_id"),
                col(Post.deleted_at).is_(None),
            )
        ),
    )
    .returning(col(Post.id))
)


def _public(row: Any, team: str) -> PostPublic:
    # Rows come from our own columns: already valid, no need to validate again.
    return PostPublic.model_construct(
        id=row.id,
        team=team,
        author_name=row.author_name,
        content=row.content,
        tags=row.tags,
        parent_post_id=row.parent_post_id,
        reply_count=row.reply_count,
        created_at=row.created_at,
    )


async def _page(
    session: AsyncSession,
    key: AuthenticatedKey,
    params: dict[str, Any],
    *,
    tag: bool,
    parent: bool,
    threads: bool,
    newest_first: bool,
) -> PostPage:
    page_query = _page_query(tag, parent, threads, newest_first)
    rows = (await execute(session, page_query, params)).all()
    if rows:
        total = rows[0].total
    else:
        # Past the last page the window count has no row to ride on.
        count_query = _count_query(tag, parent, threads)
        total = (await execute(session, count_query, params)).scalar()
    posts = [_public(row, key.team_name) for row in rows]
    has_more = params["offset"] + len(posts) < total
    return PostPage(posts=posts, total=total, has_more=has_more)


async def list_posts(
    session: AsyncSession,
    key: AuthenticatedKey,
    *,
    limit: int,
    offset: int,
    tag: str | None,
    parent_post_id: UUID | None,
    threads_only: bool,
) -> PostPage:
    params = {
        "owner_team_id": key.team_id,
        "limit": limit,
        "offset": offset,
        "tag": [tag],
        "parent_post_id": parent_post_id,
    }
    return await _page(
        session,
        key,
        params,
        tag=tag is not None,
        parent=parent_post_id is not None,
        threads=threads_only,
        newest_first=True,
    )


async def list_replies(
    session: AsyncSession,
    key: AuthenticatedKey,
    post_id: UUID,
    *,
    limit: int,
    offset: int,
) -> PostPage:
    params = {
        "owner_team_id": key.team_id,
        "target_post_id": post_id,
        "parent_post_id": post_id,
        "limit": limit,
        "offset": offset,
    }
    if not (await execute(session, _EXISTS, params)).scalar():
        raise PostNotFound(details={"post_id": str(post_id)})
    return await _page(
        session,
        key,
        params,
        tag=False,
        parent=True,
        threads=False,
        newest_first=False,
    )


async def get_post(
    session: AsyncSession, key: AuthenticatedKey, post_id: UUID
) -> PostPublic:
    params = {"owner_team_id": key.team_id, "target_post_id": post_id}
    row = (await execute(session, _GET, params)).one_or_none()
    if row is None:
        raise PostNotFound(details={"post_id": str(post_id)})
    return _public(row, key.team_name)


async def create_post(
    session: AsyncSession, key: AuthenticatedKey, body: PostCreate
) -> PostPublic:
    post = Post(
        team_id=key.team_id,
        author_name=body.author_name,
        content=body.content,
        tags=body.tags,
        parent_post_id=body.parent_post_id,
    )
    values = post.model_dump(exclude={"deleted_at"})
    statement = _INSERT if post.parent_post_id is None else _INSERT_REPLY
    if (await execute(session, statement, values)).scalar() is None:
        raise ParentNotFound(details={"parent_post_id": str(post.parent_post_id)})
    fields = post.model_dump(exclude={"team_id", "deleted_at"})
    return PostPublic.model_construct(team=key.team_name, reply_count=0, **fields)


async def delete_post(
    session: AsyncSession, key: AuthenticatedKey, post_id: UUID
) -> None:
    params = {"owner_team_id": key.team_id, "target_post_id": post_id, "now": utcnow()}
    if (await execute(session, _DELETE, params)).scalar() is None:
        raise PostNotFound(details={"post_id": str(post_id)})
