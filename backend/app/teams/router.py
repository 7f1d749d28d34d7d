from typing import Annotated

from fastapi import APIRouter, Depends, status

from app.core.db import (
    OneStatementDep,
    ReadSessionDep,
    SessionDep,
    TransactionRoute,
)
from app.core.errors import (
    RATE_LIMIT_ERRORS,
    SERVER_ERRORS,
    ValidationFailed,
    error_responses,
)
from app.core.models import parse_id
from app.core.pagination import PageParams, page_params
from app.people.dependencies import PEOPLE_ROUTE_ERRORS, member_of
from app.people.models import Caller, Role
from app.teams import service
from app.teams.dependencies import ADMIN_ERRORS, require_admin
from app.teams.exceptions import ApiKeyNotFound, TeamNameTaken
from app.teams.models import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyList,
    TeamCreate,
    TeamCreated,
    TeamEnvelope,
    TeamPage,
    TeamUpdate,
)

ERRORS = (*ADMIN_ERRORS, ValidationFailed, *RATE_LIMIT_ERRORS, *SERVER_ERRORS)

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


# A team's own management: its keys for admins (and the operator), its name and
# existence for owners. Team API keys manage nothing: a leaked key cannot mint more.
team_router = APIRouter(
    route_class=TransactionRoute,
    prefix="/v1/teams/{team}",
    responses=error_responses(*PEOPLE_ROUTE_ERRORS),
    tags=["teams"],
)
KeyManagerDep = Annotated[
    Caller, Depends(member_of(Role.ADMIN, keys=False, operator=True))
]
TeamOwnerDep = Annotated[
    Caller, Depends(member_of(Role.OWNER, keys=False, operator=True))
]


@team_router.patch(
    "",
    response_model=TeamEnvelope,
    summary="Rename a team (owners); its keys and members stay",
    responses=error_responses(*PEOPLE_ROUTE_ERRORS, TeamNameTaken),
)
async def rename_team(
    body: TeamUpdate, caller: TeamOwnerDep, session: OneStatementDep
) -> TeamEnvelope:
    return TeamEnvelope(
        team=await service.rename_team(session, caller.team_id, body.name)
    )


@team_router.delete(
    "",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a team with all its posts, audits, keys and memberships (owners)",
)
async def delete_team(caller: TeamOwnerDep, session: OneStatementDep) -> None:
    await service.delete_team(session, caller.team_id)


@team_router.post(
    "/api-keys",
    status_code=status.HTTP_201_CREATED,
    response_model=ApiKeyCreated,
    summary="Create an API key for a team (shown once)",
)
async def create_api_key(
    body: ApiKeyCreate, caller: KeyManagerDep, session: OneStatementDep
) -> ApiKeyCreated:
    key, raw_key = await service.insert_key(
        session, caller.team_id, body.name, created_by=caller.user_id
    )
    return ApiKeyCreated(api_key=key, key=raw_key)


@team_router.get(
    "/api-keys",
    response_model=ApiKeyList,
    summary="List a team's API keys (never the keys themselves)",
)
async def list_api_keys(caller: KeyManagerDep, session: ReadSessionDep) -> ApiKeyList:
    return ApiKeyList(api_keys=await service.list_api_keys(session, caller.team_id))


@team_router.delete(
    "/api-keys/{key_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke an API key; it is refused from the next request on",
    responses=error_responses(*PEOPLE_ROUTE_ERRORS, ApiKeyNotFound),
)
async def revoke_api_key(
    key_id: str, caller: KeyManagerDep, session: OneStatementDep
) -> None:
    # Every process drops its cached keys when this commits: the database notifies.
    await service.revoke_api_key(
        session, caller.team_id, parse_id(key_id, ApiKeyNotFound)
    )
