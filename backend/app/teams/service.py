import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.core.models import utcnow
from app.teams.exceptions import ApiKeyNotFound, TeamNameTaken, TeamNotFound
from app.teams.models import TEAM_NAME_PATTERN, ApiKey, Team

KEY_PREFIX = "ln_"
# `ln_` and 8 random characters: enough to tell keys apart, useless to an attacker.
SHOWN_PREFIX_LENGTH = len(KEY_PREFIX) + 8
LAST_USED_RESOLUTION = timedelta(minutes=1)
_TEAM_NAME = re.compile(TEAM_NAME_PATTERN)


@dataclass(frozen=True)
class AuthenticatedKey:
    id: UUID
    team_id: UUID
    team_name: str
    last_used_at: datetime | None


def hash_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def _new_key(team_id: UUID, name: str) -> tuple[ApiKey, str]:
    raw_key = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(
        team_id=team_id,
        name=name,
        prefix=raw_key[:SHOWN_PREFIX_LENGTH],
        key_hash=hash_key(raw_key),
    )
    return key, raw_key


# Built once: the hot path only binds the hash and runs it.
_ACTIVE_KEY = (
    select(
        col(ApiKey.id), col(ApiKey.team_id), col(Team.name), col(ApiKey.last_used_at)
    )
    .join(Team, col(Team.id) == col(ApiKey.team_id))
    .where(
        col(ApiKey.key_hash) == bindparam("key_hash"),
        col(ApiKey.revoked_at).is_(None),
    )
)


async def find_active_key(
    session: AsyncSession, raw_key: str
) -> AuthenticatedKey | None:
    if not raw_key.startswith(KEY_PREFIX):
        return None
    connection = await session.connection()
    result = await connection.execute(_ACTIVE_KEY, {"key_hash": hash_key(raw_key)})
    row = result.one_or_none()
    return AuthenticatedKey(*row) if row else None


async def record_use(session: AsyncSession, key: AuthenticatedKey) -> None:
    """Stamps last_used_at at most once a minute per key, not on every request."""
    now = utcnow()
    if key.last_used_at is not None and now - key.last_used_at < LAST_USED_RESOLUTION:
        return
    await session.execute(
        update(ApiKey).where(col(ApiKey.id) == key.id).values(last_used_at=now)
    )


async def create_team(session: AsyncSession, name: str) -> tuple[Team, str]:
    team = Team(name=name)
    inserted = await session.scalar(
        insert(Team)
        .values(id=team.id, name=team.name, created_at=team.created_at)
        .on_conflict_do_nothing(index_elements=["name"])
        .returning(col(Team.id))
    )
    if inserted is None:
        raise TeamNameTaken(details={"name": name})
    key, raw_key = _new_key(team.id, "default")
    session.add(key)
    await session.flush()
    return team, raw_key


async def list_teams(
    session: AsyncSession, limit: int, offset: int
) -> tuple[list[Team], int]:
    teams = await session.scalars(
        select(Team)
        .order_by(col(Team.created_at), col(Team.id))
        .limit(limit)
        .offset(offset)
    )
    total = await session.scalar(select(func.count()).select_from(Team))
    return list(teams), total or 0


async def get_team(session: AsyncSession, name: str) -> Team:
    # Names outside the slug syntax cannot exist; they never reach the database.
    team = (
        await session.scalar(select(Team).where(col(Team.name) == name))
        if _TEAM_NAME.match(name)
        else None
    )
    if team is None:
        raise TeamNotFound(details={"team": name[:64]})
    return team


async def create_api_key(
    session: AsyncSession, team: Team, name: str
) -> tuple[ApiKey, str]:
    key, raw_key = _new_key(team.id, name)
    session.add(key)
    await session.flush()
    return key, raw_key


async def list_api_keys(session: AsyncSession, team: Team) -> list[ApiKey]:
    keys = await session.scalars(
        select(ApiKey)
        .where(col(ApiKey.team_id) == team.id)
        .order_by(col(ApiKey.created_at), col(ApiKey.id))
    )
    return list(keys)


async def revoke_api_key(session: AsyncSession, team: Team, key_id: UUID) -> None:
    revoked = await session.scalar(
        update(ApiKey)
        .where(
            col(ApiKey.id) == key_id,
            col(ApiKey.team_id) == team.id,
            col(ApiKey.revoked_at).is_(None),
        )
        .values(revoked_at=utcnow())
        .returning(col(ApiKey.id))
    )
    if revoked is None:
        raise ApiKeyNotFound(details={"key_id": str(key_id)})
