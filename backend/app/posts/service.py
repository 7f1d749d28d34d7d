"""Posts and threads: the rules. Statements are in `repository`, rows become
`PostPublic` through its projection."""

from uuid import UUID

from app.core.db import Session
from app.core.models import new_id, utcnow
from app.core.pagination import PageParams, fetch_page
from app.people.exceptions import RoleRequired
from app.people.models import Caller, Role
from app.posts import repository
from app.posts.exceptions import AuthorNameRequired, ParentNotFound, PostNotFound
from app.posts.models import PostCreate, PostPage, PostPublic


async def list_posts(
    session: Session,
    caller: Caller,
    page: PageParams,
    *,
    tag: str | None,
    parent_post_id: UUID | None,
    threads_only: bool,
) -> PostPage:
    flags = (tag is not None, parent_post_id is not None, threads_only, True)
    params = {
        "owner_team_id": caller.team_id,
        "tag": [tag],
        "parent_post_id": parent_post_id,
    }
    rows, total = await fetch_page(session, repository.PAGES[flags], params, page)
    posts = [repository.POST.load(row, team=caller.team_name) for row in rows]
    return PostPage.of(posts, total, page)


async def list_replies(
    session: Session, caller: Caller, post_id: UUID, page: PageParams
) -> PostPage:
    params = {
        "owner_team_id": caller.team_id,
        "target_post_id": post_id,
        "parent_post_id": post_id,
    }
    if not await session.scalar(repository.EXISTS, params):
        raise PostNotFound(details={"post_id": str(post_id)})
    queries = repository.PAGES[(False, True, False, False)]
    rows, total = await fetch_page(session, queries, params, page)
    posts = [repository.POST.load(row, team=caller.team_name) for row in rows]
    return PostPage.of(posts, total, page)


async def get_post(session: Session, caller: Caller, post_id: UUID) -> PostPublic:
    params = {"owner_team_id": caller.team_id, "target_post_id": post_id}
    row = await session.one_or_none(repository.GET, params)
    if row is None:
        raise PostNotFound(details={"post_id": str(post_id)})
    return repository.POST.load(row, team=caller.team_name)


async def create_post(session: Session, caller: Caller, body: PostCreate) -> PostPublic:
    if caller.person is not None:
        # A person writes as themselves, whatever the body says.
        author = {
            "author_name": caller.person.display_name,
            "author_user_id": caller.person.user_id,
        }
    elif body.author_name is not None:
        author = {"author_name": body.author_name, "author_user_id": None}
    else:
        raise AuthorNameRequired()
    values = {
        **body.model_dump(),
        **author,
        "id": new_id(),
        "team_id": caller.team_id,
        "created_at": utcnow(),
    }
    reply = body.parent_post_id is not None
    statement = repository.INSERT_REPLY if reply else repository.INSERT
    row = await session.one_or_none(statement, values)
    if row is None:
        raise ParentNotFound(details={"parent_post_id": str(body.parent_post_id)})
    return repository.POST.load(row, team=caller.team_name, reply_count=0)


async def delete_post(session: Session, caller: Caller, post_id: UUID) -> None:
    params = {
        "owner_team_id": caller.team_id,
        "target_post_id": post_id,
        "now": utcnow(),
        "any_author": caller.role.covers(Role.ADMIN),
        "author_id": caller.user_id,
    }
    if await session.scalar(repository.DELETE, params) is not None:
        return
    if await session.scalar(repository.EXISTS, params) is not None:
        raise RoleRequired(
            "Members delete only their own posts", details={"needed": Role.ADMIN}
        )
    raise PostNotFound(details={"post_id": str(post_id)})
