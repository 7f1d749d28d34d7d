from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, status

from app.core.db import SessionDep
from app.core.errors import error_responses
from app.core.schemas import MAX_OFFSET, CleanStr
from app.posts import service
from app.posts.dependencies import PostIdDep
from app.posts.models import PostCreate, PostEnvelope, PostPage
from app.teams.dependencies import TeamKeyDep

# The key is always the first dependency: nothing about a post is looked at, or
# revealed by an error, before the caller is known to belong to the team.
router = APIRouter(
    prefix="/v1/teams/{team}/posts",
    tags=["posts"],
    responses=error_responses(401, 403, 422, 429),
)

Limit = Annotated[int, Query(ge=1, le=100, description="Page size")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Posts to skip")]


@router.get("", response_model=PostPage, summary="List a team's posts, newest first")
async def list_posts(
    key: TeamKeyDep,
    session: SessionDep,
    limit: Limit = 10,
    offset: Offset = 0,
    tag: Annotated[
        CleanStr | None, Query(max_length=32, description="Only posts with this tag")
    ] = None,
    parent_post_id: Annotated[
        UUID | None, Query(description="Only direct replies to this post")
    ] = None,
    threads_only: Annotated[
        bool, Query(description="Only threads: leave replies out")
    ] = False,
) -> PostPage:
    return await service.list_posts(
        session,
        key,
        limit=limit,
        offset=offset,
        tag=tag.strip().lower() if tag is not None else None,
        parent_post_id=parent_post_id,
        threads_only=threads_only,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=PostEnvelope,
    summary="Create a post, or a reply with parent_post_id",
    responses=error_responses(404),
)
async def create_post(
    body: PostCreate, key: TeamKeyDep, session: SessionDep
) -> PostEnvelope:
    return PostEnvelope(post=await service.create_post(session, key, body))


@router.get(
    "/{post_id}",
    response_model=PostEnvelope,
    summary="Get a post with its reply count",
    responses=error_responses(404),
)
async def get_post(
    key: TeamKeyDep, post_id: PostIdDep, session: SessionDep
) -> PostEnvelope:
    return PostEnvelope(post=await service.get_post(session, key, post_id))


@router.get(
    "/{post_id}/replies",
    response_model=PostPage,
    summary="List a post's direct replies, oldest first",
    responses=error_responses(404),
)
async def list_replies(
    key: TeamKeyDep,
    post_id: PostIdDep,
    session: SessionDep,
    limit: Limit = 10,
    offset: Offset = 0,
) -> PostPage:
    return await service.list_replies(session, key, post_id, limit=limit, offset=offset)


@router.delete(
    "/{post_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a post (soft: it disappears from every read)",
    responses=error_responses(404),
)
async def delete_post(key: TeamKeyDep, post_id: PostIdDep, session: SessionDep) -> None:
    await service.delete_post(session, key, post_id)
