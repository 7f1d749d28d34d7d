"""Teams and their API keys: the rules; the statements are in `repository`."""

import re
from uuid import UUID

from app.core.db import Session
from app.core.models import new_id, utcnow
from app.core.pagination import PageParams, fetch_page
from app.core.tokens import KEY_PREFIX, new_token
from app.teams import repository
from app.teams.exceptions import ApiKeyNotFound, TeamNameTaken, TeamNotFound
from app.teams.models import (
    TEAM_NAME_PATTERN,
    ApiKeyPublic,
    AuthenticatedKey,
    TeamPage,
    TeamPublic,
)

# `ln_` and 8 random characters: enough to tell keys apart, useless to an attacker.
SHOWN_PREFIX_LENGTH = len(KEY_PREFIX) + 8
_TEAM_NAME = re.compile(TEAM_NAME_PATTERN)


async def find_active_key(session: Session, key_hash: str) -> AuthenticatedKey | None:
    row = await session.one_or_none(repository.ACTIVE_KEY, {"key_hash": key_hash})
    return AuthenticatedKey(**row) if row else None


async def insert_key(
    session: Session, team_id: UUID, name: str, created_by: UUID | None = None
) -> tuple[ApiKeyPublic, str]:
    raw_key, key_hash = new_token(KEY_PREFIX)
    values = {
        "id": new_id(),
        "team_id": team_id,
        "name": name,
        "prefix": raw_key[:SHOWN_PREFIX_LENGTH],
        "key_hash": key_hash,
        "created_at": utcnow(),
        "created_by_user_id": created_by,
    }
    row = await session.one_or_none(repository.INSERT_KEY, values)
    assert row is not None, "an INSERT without a condition returns its row"
    return repository.KEY.load(row), raw_key


async def insert_team(session: Session, name: str) -> TeamPublic:
    values = {"id": new_id(), "name": name, "created_at": utcnow()}
    row = await session.one_or_none(repository.INSERT_TEAM, values)
    if row is None:
        raise TeamNameTaken(details={"name": name})
    return repository.TEAM.load(row)


async def create_team(session: Session, name: str) -> tuple[TeamPublic, str]:
    """The team and its first key, `default`."""
    team = await insert_team(session, name)
    _, raw_key = await insert_key(session, team.id, "default")
    return team, raw_key


async def list_teams(session: Session, page: PageParams) -> TeamPage:
    rows, total = await fetch_page(session, repository.TEAM_PAGE, {}, page)
    return TeamPage.of([repository.TEAM.load(row) for row in rows], total, page)


async def get_team(session: Session, name: str) -> TeamPublic:
    # Names outside the slug syntax cannot exist; they never reach the database.
    row = (
        await session.one_or_none(repository.TEAM_BY_NAME, {"team_name": name})
        if _TEAM_NAME.match(name)
        else None
    )
    if row is None:
        raise TeamNotFound(details={"team": name[:64]})
    return repository.TEAM.load(row)


async def list_api_keys(session: Session, team_id: UUID) -> list[ApiKeyPublic]:
    rows = await session.all(repository.TEAM_KEYS, {"owner_team_id": team_id})
    return [repository.KEY.load(row) for row in rows]


async def revoke_api_key(session: Session, team_id: UUID, key_id: UUID) -> None:
    params = {"key_id": key_id, "owner_team_id": team_id, "now": utcnow()}
    if await session.scalar(repository.REVOKE_KEY, params) is None:
        raise ApiKeyNotFound(details={"key_id": str(key_id)})


async def rename_team(session: Session, team_id: UUID, name: str) -> TeamPublic:
    row = await session.one_or_none(
        repository.RENAME_TEAM, {"owner_team_id": team_id, "new_name": name}
    )
    if row is None:
        raise TeamNameTaken(details={"name": name})
    return repository.TEAM.load(row)


async def delete_team(session: Session, team_id: UUID) -> None:
    await session.execute(repository.DELETE_TEAM, {"owner_team_id": team_id})
