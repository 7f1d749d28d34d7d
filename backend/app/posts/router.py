from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, status

from app.core.db import OneStatementDep, ReadSessionDep, SessionDep, TransactionRoute
from app.core.errors import error_responses
from app.core.pagination import PageParams, page_params
from app.core.schemas import CleanStr
from app.people.dependencies import TEAM_ROUTE_ERRORS, MemberDep
from app.posts import service
from app.posts.dependencies import PostIdPath
from app.posts.exceptions import ParentNotFound, PostNotFound
from app.posts.models import PostCreate, PostEnvelope, PostPage

# The caller is always the first dependency: nothing about a post is looked at, or
# revealed by an error, before the caller is known to belong to the team.

router = APIRouter(
    route_class=TransactionRoute,
    prefix="/v1/teams/{team}/posts",
    responses=error_responses(*TEAM_ROUTE_ERRORS),
    tags=["posts"],
)

PostPageDep = Annotated[
    PageParams, Depends(page_params(default=10, maximum=100, noun="Posts"))
]


@router.get("", response_model=PostPage, summary="List a team's posts, newest first")
async def list_posts(
    caller: MemberDep,
    session: ReadSessionDep,
    page: PostPageDep,
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
        caller,
        page,
        tag=tag.strip().lower() if tag is not None else None,
        parent_post_id=parent_post_id,
        threads_only=threads_only,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=PostEnvelope,
    summary="Create a post, or a reply with parent_post_id",
    responses=error_responses(*TEAM_ROUTE_ERRORS, ParentNotFound),
)
async def create_post(
    body: PostCreate, caller: MemberDep, session: OneStatementDep
) -> PostEnvelope:
    return PostEnvelope(post=await service.create_post(session, caller, body))


@router.get(
    "/{post_id}",
    response_model=PostEnvelope,
    summary="Get a post with its reply count",
    responses=error_responses(*TEAM_ROUTE_ERRORS, PostNotFound),
)
async def get_post(
    caller: MemberDep, post_id: PostIdPath, session: ReadSessionDep
) -> PostEnvelope:
    return PostEnvelope(post=await service.get_post(session, caller, post_id))


@router.get(
    "/{post_id}/replies",
    response_model=PostPage,
    summary="List a post's direct replies, oldest first",
    responses=error_responses(*TEAM_ROUTE_ERRORS, PostNotFound),
)
async def list_replies(
    caller: MemberDep, post_id: PostIdPath, session: ReadSessionDep, page: PostPageDep
) -> PostPage:
    return await service.list_replies(session, caller, post_id, page)


@router.delete(
    "/{post_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a post (soft: it disappears from every read)",
    responses=error_responses(*TEAM_ROUTE_ERRORS, PostNotFound),
    description="Members delete their own posts; admins, owners and team API keys "
    "delete any.",
)
async def delete_post(
    caller: MemberDep, post_id: PostIdPath, session: SessionDep
) -> None:
    await service.delete_post(session, caller, post_id)
