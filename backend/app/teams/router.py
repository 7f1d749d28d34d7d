from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from app.core.db import SessionDep
from app.core.errors import error_responses
from app.core.models import parse_id
from app.core.schemas import MAX_OFFSET
from app.teams import service
from app.teams.dependencies import AdminTeamDep, require_admin
from app.teams.exceptions import ApiKeyNotFound
from app.teams.models import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyList,
    ApiKeyPublic,
    TeamCreate,
    TeamCreated,
    TeamPage,
    TeamPublic,
)

router = APIRouter(
    prefix="/v1/teams",
    tags=["admin"],
    dependencies=[Depends(require_admin)],
    responses=error_responses(401, 403, 422, 429),
)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=TeamCreated,
    summary="Create a team and its first API key",
    responses=error_responses(409),
)
async def create_team(body: TeamCreate, session: SessionDep) -> TeamCreated:
    team, raw_key = await service.create_team(session, body.name)
    return TeamCreated(team=TeamPublic.model_validate(team), api_key=raw_key)


@router.get("", response_model=TeamPage, summary="List teams, oldest first")
async def list_teams(
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> TeamPage:
    teams, total = await service.list_teams(session, limit, offset)
    return TeamPage(
        teams=[TeamPublic.model_validate(team) for team in teams],
        total=total,
        has_more=offset + len(teams) < total,
    )


@router.post(
    "/{team}/api-keys",
    status_code=status.HTTP_201_CREATED,
    response_model=ApiKeyCreated,
    summary="Create an API key for a team (shown once)",
    responses=error_responses(404),
)
async def create_api_key(
    body: ApiKeyCreate, team: AdminTeamDep, session: SessionDep
) -> ApiKeyCreated:
    key, raw_key = await service.create_api_key(session, team, body.name)
    return ApiKeyCreated(api_key=ApiKeyPublic.model_validate(key), key=raw_key)


@router.get(
    "/{team}/api-keys",
    response_model=ApiKeyList,
    summary="List a team's API keys (never the keys themselves)",
    responses=error_responses(404),
)
async def list_api_keys(team: AdminTeamDep, session: SessionDep) -> ApiKeyList:
    keys = await service.list_api_keys(session, team)
    return ApiKeyList(api_keys=[ApiKeyPublic.model_validate(key) for key in keys])


@router.delete(
    "/{team}/api-keys/{key_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke an API key; it is refused from the next request on",
    responses=error_responses(404),
)
async def revoke_api_key(team: AdminTeamDep, key_id: str, session: SessionDep) -> None:
    await service.revoke_api_key(session, team, parse_id(key_id, ApiKeyNotFound))
