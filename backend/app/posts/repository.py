"""Every statement of posts and threads, compiled once at import. The SQL does
the checks: team scoping in every WHERE, the parent's existence inside the INSERT."""

from itertools import product
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    bindparam,
    exists,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import aliased
from sqlmodel import col

from app.core.db import column_params, compile_query
from app.core.pagination import PageQueries, page_queries
from app.core.projection import Projection
from app.posts.models import Post, PostPublic

_reply = aliased(Post)


def _reply_count(post_id: Any) -> ColumnElement[int]:
    return (
        select(func.count())
        .where(col(_reply.parent_post_id) == post_id, col(_reply.deleted_at).is_(None))
        .scalar_subquery()
    )


POST = Projection(
    Post,
    PostPublic,
    computed={"reply_count": lambda post: _reply_count(post.id)},
    given=("team",),
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


def _order(source: Any, newest_first: bool) -> tuple[ColumnElement[Any], ...]:
    # Ids are time-ordered UUIDv7s: they break ties between equal timestamps.
    if newest_first:
        return source.created_at.desc(), source.id.desc()
    return source.created_at.asc(), source.id.asc()


def _listing(tag: bool, parent: bool, threads: bool, newest_first: bool) -> PageQueries:
    conditions = _live()
    if tag:
        conditions.append(col(Post.tags).contains(bindparam("tag")))
    if parent:
        conditions.append(col(Post.parent_post_id) == bindparam("parent_post_id"))
    if threads:
        conditions.append(col(Post.parent_post_id).is_(None))
    listing = (
        select(*POST.columns(computed=False))
        .where(*conditions)
        .order_by(*_order(Post.__table__.c, newest_first))  # type: ignore[attr-defined]
    )
    # The page is cut first; reply counts are then computed for its rows only.
    return page_queries(
        listing,
        lambda page: select(*POST.columns(page)).order_by(
            *_order(page.c, newest_first)
        ),
    )


# By (tag, parent, threads only, newest first): every filter combination.
PAGES = {flags: _listing(*flags) for flags in product((False, True), repeat=4)}

GET = compile_query(select(*POST.columns()).where(*_live(bindparam("target_post_id"))))
EXISTS = compile_query(select(exists().where(*_live(bindparam("target_post_id")))))
# An admin deletes any post; a member only their own.
DELETE = compile_query(
    update(Post)
    .where(
        *_live(bindparam("target_post_id")),
        or_(
            bindparam("any_author", type_=Boolean),
            col(Post.author_user_id) == bindparam("author_id"),
        ),
    )
    .values(deleted_at=bindparam("now"))
    .returning(col(Post.id))
)
EXISTS = compile_query(select(col(Post.id)).where(*_live(bindparam("target_post_id"))))
INSERTED = (
    "id",
    "team_id",
    "author_name",
    "author_user_id",
    "content",
    "tags",
    "parent_post_id",
)
INSERT = compile_query(
    insert(Post).returning(*POST.columns(computed=False)),
    inserting=(*INSERTED, "created_at"),
)


# A reply is written only when its parent is a live post of the same team: the
# check rides in the INSERT, so a missing parent writes and returns nothing.
INSERT_REPLY = compile_query(
    insert(Post)
    .from_select(
        [*INSERTED, "created_at"],
        select(*column_params(Post, (*INSERTED, "created_at"))).where(
            exists().where(
                col(Post.id) == bindparam("parent_post_id"),
                col(Post.team_id) == bindparam("team_id"),
                col(Post.deleted_at).is_(None),
            )
        ),
    )
    .returning(*POST.columns(computed=False))
)
