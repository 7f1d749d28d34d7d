"""Posts and threads. The hot paths are single SQL statements built with Core:
one round trip each, rows mapped straight to the response schema."""

from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, exists, func, literal, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col

from app.core.models import utcnow
from app.posts.exceptions import ParentNotFound, PostNotFound
from app.posts.models import Post, PostCreate, PostPage, PostPublic
from app.teams.service import AuthenticatedKey

_reply = aliased(Post)
_REPLY_COUNT = (
    select(func.count())
    .where(col(_reply.parent_post_id) == col(Post.id), col(_reply.deleted_at).is_(None))
    .scalar_subquery()
    .label("reply_count")
)
_COLUMNS = (
    col(Post.id),
    col(Post.author_name),
    col(Post.content),
    col(Post.tags),
    col(Post.parent_post_id),
    col(Post.created_at),
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


def _live(team_id: UUID) -> list[ColumnElement[bool]]:
    return [col(Post.team_id) == team_id, col(Post.deleted_at).is_(None)]


async def _page(
    session: AsyncSession,
    key: AuthenticatedKey,
    conditions: list[ColumnElement[bool]],
    order_by: tuple[ColumnElement[Any], ...],
    limit: int,
    offset: int,
) -> PostPage:
    query = (
        select(*_COLUMNS, _REPLY_COUNT, func.count().over().label("total"))
        .where(*conditions)
        .order_by(*order_by)
        .limit(limit)
        .offset(offset)
    )
    rows = (await session.execute(query)).all()
    if rows:
        total = rows[0].total
    else:
        # Past the last page the window count has no row to ride on.
        total = await session.scalar(
            select(func.count()).select_from(Post).where(*conditions)
        )
    posts = [_public(row, key.team_name) for row in rows]
    total = total or 0
    return PostPage(posts=posts, total=total, has_more=offset + len(posts) < total)


async def list_posts(
    session: AsyncSession,
    key: AuthenticatedKey,
    *,
    limit: int,
    offset: int,
    tag: str | None,
    parent_post_id: UUID | None,
) -> PostPage:
    conditions = _live(key.team_id)
    if tag is not None:
        conditions.append(col(Post.tags).contains([tag]))
    if parent_post_id is not None:
        conditions.append(col(Post.parent_post_id) == parent_post_id)
    newest_first = (col(Post.created_at).desc(), col(Post.id).desc())
    return await _page(session, key, conditions, newest_first, limit, offset)


async def list_replies(
    session: AsyncSession,
    key: AuthenticatedKey,
    post_id: UUID,
    *,
    limit: int,
    offset: int,
) -> PostPage:
    if not await session.scalar(
        select(exists().where(col(Post.id) == post_id, *_live(key.team_id)))
    ):
        raise PostNotFound(details={"post_id": str(post_id)})
    conditions = [*_live(key.team_id), col(Post.parent_post_id) == post_id]
    oldest_first = (col(Post.created_at).asc(), col(Post.id).asc())
    return await _page(session, key, conditions, oldest_first, limit, offset)


async def get_post(
    session: AsyncSession, key: AuthenticatedKey, post_id: UUID
) -> PostPublic:
    row = (
        await session.execute(
            select(*_COLUMNS, _REPLY_COUNT).where(
                col(Post.id) == post_id, *_live(key.team_id)
            )
        )
    ).one_or_none()
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
    statement = insert(Post)
    if body.parent_post_id is None:
        statement = statement.values(values)
    else:
        # The parent check rides in the INSERT: no row is written, and none
        # returned, unless the parent is a live post of the same team.
        parent_is_live = exists().where(
            col(Post.id) == body.parent_post_id, *_live(key.team_id)
        )
        columns = Post.__table__.c  # type: ignore[attr-defined]
        row = select(
            *(literal(value, columns[name].type) for name, value in values.items())
        ).where(parent_is_live)
        statement = statement.from_select(list(values), row)
    if await session.scalar(statement.returning(col(Post.id))) is None:
        raise ParentNotFound(details={"parent_post_id": str(body.parent_post_id)})
    return PostPublic.model_construct(
        id=post.id,
        team=key.team_name,
        author_name=post.author_name,
        content=post.content,
        tags=post.tags,
        parent_post_id=post.parent_post_id,
        reply_count=0,
        created_at=post.created_at,
    )


async def delete_post(
    session: AsyncSession, key: AuthenticatedKey, post_id: UUID
) -> None:
    deleted = await session.scalar(
        update(Post)
        .where(col(Post.id) == post_id, *_live(key.team_id))
        .values(deleted_at=utcnow())
        .returning(col(Post.id))
    )
    if deleted is None:
        raise PostNotFound(details={"post_id": str(post_id)})
