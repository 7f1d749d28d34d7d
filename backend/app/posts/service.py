"""Posts and threads: the rules. Statements are in `repository`, rows become
`PostPublic` through its projection."""

from uuid import UUID

from app.core.db import Session
from app.core.models import new_id, utcnow
from app.core.pagination import PageParams, fetch_page
from app.posts import repository
from app.posts.exceptions import ParentNotFound, PostNotFound
from app.posts.models import PostCreate, PostPage, PostPublic
from app.teams.models import AuthenticatedKey


async def list_posts(
    session: Session,
    key: AuthenticatedKey,
    page: PageParams,
    *,
    tag: str | None,
    parent_post_id: UUID | None,
    threads_only: bool,
) -> PostPage:
    flags = (tag is not None, parent_post_id is not None, threads_only, True)
    params = {
        "owner_team_id": key.team_id,
        "tag": [tag],
        "parent_post_id": parent_post_id,
    }
    rows, total = await fetch_page(session, repository.PAGES[flags], params, page)
    posts = [repository.POST.load(row, team=key.team_name) for row in rows]
    return PostPage.of(posts, total, page)


async def list_replies(
    session: Session, key: AuthenticatedKey, post_id: UUID, page: PageParams
) -> PostPage:
    params = {
        "owner_team_id": key.team_id,
        "target_post_id": post_id,
        "parent_post_id": post_id,
    }
    if not await session.scalar(repository.EXISTS, params):
        raise PostNotFound(details={"post_id": str(post_id)})
    queries = repository.PAGES[(False, True, False, False)]
    rows, total = await fetch_page(session, queries, params, page)
    posts = [repository.POST.load(row, team=key.team_name) for row in rows]
    return PostPage.of(posts, total, page)


async def get_post(
    session: Session, key: AuthenticatedKey, post_id: UUID
) -> PostPublic:
    params = {"owner_team_id": key.team_id, "target_post_id": post_id}
    row = await session.one_or_none(repository.GET, params)
    if row is None:
        raise PostNotFound(details={"post_id": str(post_id)})
    return repository.POST.load(row, team=key.team_name)


async def create_post(
    session: Session, key: AuthenticatedKey, body: PostCreate
) -> PostPublic:
    values = {
        **body.model_dump(),
        "id": new_id(),
        "team_id": key.team_id,
        "created_at": utcnow(),
    }
    reply = body.parent_post_id is not None
    statement = repository.INSERT_REPLY if reply else repository.INSERT
    row = await session.one_or_none(statement, values)
    if row is None:
        raise ParentNotFound(details={"parent_post_id": str(body.parent_post_id)})
    return repository.POST.load(row, team=key.team_name, reply_count=0)


async def delete_post(session: Session, key: AuthenticatedKey, post_id: UUID) -> None:
    params = {"owner_team_id": key.team_id, "target_post_id": post_id, "now": utcnow()}
    if await session.scalar(repository.DELETE, params) is None:
        raise PostNotFound(details={"post_id": str(post_id)})
