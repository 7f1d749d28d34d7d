from typing import Annotated

from fastapi import APIRouter, Depends, status

from app.core.db import ReadSessionDep, SessionDep, TransactionRoute
from app.core.errors import (
    SERVER_ERRORS,
    RateLimited,
    ValidationFailed,
    error_responses,
)
from app.core.models import parse_id
from app.core.pagination import PageParams, page_params
from app.teams import service
from app.teams.dependencies import ADMIN_ERRORS, require_admin
from app.teams.exceptions import ApiKeyNotFound, TeamNameTaken, TeamNotFound
from app.teams.models import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyList,
    TeamCreate,
    TeamCreated,
    TeamPage,
)

ERRORS = (*ADMIN_ERRORS, ValidationFailed, RateLimited, *SERVER_ERRORS)

router = APIRouter(
    route_class=TransactionRoute,
    prefix="/v1/teams",
    responses=error_responses(*ERRORS),
    tags=["admin"],
    dependencies=[Depends(require_admin)],
)

TeamPageDep = Annotated[
    PageParams, Depends(page_params(default=50, maximum=100, noun="Teams"))
]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=TeamCreated,
    summary="Create a team and its first API key",
    responses=error_responses(*ERRORS, TeamNameTaken),
)
async def create_team(body: TeamCreate, session: SessionDep) -> TeamCreated:
    team, raw_key = await service.create_team(session, body.name)
    return TeamCreated(team=team, api_key=raw_key)


@router.get("", response_model=TeamPage, summary="List teams, oldest first")
async def list_teams(session: ReadSessionDep, page: TeamPageDep) -> TeamPage:
    return await service.list_teams(session, page)


@router.post(
    "/{team}/api-keys",
    status_code=status.HTTP_201_CREATED,
    response_model=ApiKeyCreated,
    summary="Create an API key for a team (shown once)",
    responses=error_responses(*ERRORS, TeamNotFound),
)
async def create_api_key(
    body: ApiKeyCreate, team: str, session: SessionDep
) -> ApiKeyCreated:
    key, raw_key = await service.create_api_key(session, team, body.name)
    return ApiKeyCreated(api_key=key, key=raw_key)


@router.get(
    "/{team}/api-keys",
    response_model=ApiKeyList,
    summary="List a team's API keys (never the keys themselves)",
    responses=error_responses(*ERRORS, TeamNotFound),
)
async def list_api_keys(team: str, session: ReadSessionDep) -> ApiKeyList:
    return ApiKeyList(api_keys=await service.list_api_keys(session, team))


@router.delete(
    "/{team}/api-keys/{key_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke an API key; it is refused from the next request on",
    responses=error_responses(*ERRORS, TeamNotFound, ApiKeyNotFound),
)
async def revoke_api_key(team: str, key_id: str, session: SessionDep) -> None:
    # Every process drops its cached keys when this commits: the database notifies.
    await service.revoke_api_key(session, team, parse_id(key_id, ApiKeyNotFound))
