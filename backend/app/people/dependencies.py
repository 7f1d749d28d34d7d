"""Who is calling, in one place: a person's session, a team API key or the
operator's token; and, on `/v1/teams/{team}/…`, the role they act with there.

Each route declares the role it needs with `member_of(...)`; what it may do
beyond the role (delete one's own post) is the service's rule."""

import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Request
from fastapi.security import HTTPBearer

from app.core.config import Settings
from app.core.db import ALL_TEAMS, Database, set_tenancy, team_tenancy
from app.core.errors import RATE_LIMIT_ERRORS, SERVER_ERRORS, ValidationFailed
from app.core.models import utcnow
from app.core.openapi import accepts, bearer_token
from app.core.tokens import KEY_PREFIX, SESSION_PREFIX, hash_token
from app.people import repository
from app.people.exceptions import PersonRequired, RoleRequired
from app.people.models import KEY_ROLE, Caller, Person, Role
from app.teams import service as teams
from app.teams.dependencies import (
    admin_scheme,
    authenticate,
    client_identity,
    count_request,
    refuse,
    team_key_scheme,
)
from app.teams.exceptions import Forbidden, TeamNotFound, Unauthorized

session_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="Session",
    description="A person's session token from sign-in: `Authorization: Bearer ls_...`",
)


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


@dataclass(frozen=True, slots=True)
class _SessionCaller:
    """A session's person and, for the team on the path, its id, name and the
    person's role there (none when they are not a member)."""

    person: Person
    team_id: UUID | None
    team_name: str | None
    role: Role | None
    active_until: datetime


async def _session_row(
    request: Request, params: dict[str, Any], team_id: UUID | None
) -> Any:
    # With the team's id guessed, under that team's tenancy, as the request's
    # statements that follow: the connection's setting then stays as it is.
    tenancy = ALL_TEAMS if team_id is None else team_tenancy(team_id)
    async with _database(request).read(tenancy) as session:
        return await session.one_or_none(
            repository.SESSION_CALLER, {**params, "team_id": team_id}
        )


async def _look_up_session(
    request: Request, token_hash: str, team: str | None
) -> _SessionCaller | None:
    auth = request.app.state.auth
    # An address over its failed-attempt limit costs the database nothing.
    await auth.limiter.ensure_allowed(client_identity(request))
    params = {
        "token_hash": token_hash,
        "team_name": team,
        "idle_seconds": timedelta(
            hours=_settings(request).session_idle_hours
        ).total_seconds(),
    }
    guess = auth.team_ids.get(team)
    row = await _session_row(request, params, guess)
    if row is not None and row["team_id"] is None and guess is not None:
        # A stale guess (the team was renamed or deleted): looked up by name.
        row = await _session_row(request, params, None)
    if row is None:
        return None
    if row["team_id"] is not None and row["team_id"] != guess:
        auth.team_ids.learn(team, row["team_id"])
    person = Person(
        user_id=row["user_id"],
        email=row["email"],
        display_name=row["display_name"],
        session_id=row["session_id"],
    )
    role = None if row["role"] is None else Role(row["role"])
    return _SessionCaller(
        person, row["team_id"], row["team_name"], role, row["active_until"]
    )


async def _session(request: Request, token: str, team: str | None) -> _SessionCaller:
    """The session's caller: from this process's cache while it is active, or the
    database. The cache is emptied whenever the session, its person or a
    membership changes (`app.teams.authentication`)."""
    if not token.startswith(SESSION_PREFIX):
        raise await refuse(request)
    auth = request.app.state.auth
    cache_key = (hash_token(token), team)
    caller: _SessionCaller | None = auth.callers.get(cache_key)
    if caller is None or caller.active_until <= utcnow():
        generation = auth.callers.generation
        caller = await _look_up_session(request, cache_key[0], team)
        if caller is None:
            raise await refuse(request)
        auth.callers.put(cache_key, caller, generation)
    auth.sessions.note(caller.person.session_id)
    await count_request(request, f"user:{caller.person.user_id}")
    return caller


@accepts(session_scheme)
async def current_person(request: Request) -> Person:
    """The signed-in person; a team key is no person."""
    token = bearer_token(request)
    if token.startswith(KEY_PREFIX):
        await authenticate(request, token)
        raise PersonRequired()
    return (await _session(request, token, None)).person


PersonDep = Annotated[Person, Depends(current_person)]


def _is_operator(request: Request, token: str) -> bool:
    admin_token = _settings(request).admin_token
    return (
        bool(token)
        and admin_token is not None
        and hmac.compare_digest(token.encode(), admin_token.get_secret_value().encode())
    )


async def _caller(
    request: Request, team: str, token: str, *, keys: bool, operator: bool
) -> Caller:
    if token.startswith(KEY_PREFIX):
        key = await authenticate(request, token)
        await count_request(request, f"key:{key.id}")
        if key.team_name != team:
            raise Forbidden(details={"team": team[:64]})
        if not keys:
            raise PersonRequired()
        return Caller(key.team_id, key.team_name, KEY_ROLE, key_id=key.id)
    if operator and _is_operator(request, token):
        await count_request(request, "admin")
        async with _database(request).read() as session:
            found = await teams.get_team(session, team)
        return Caller(found.id, found.name, Role.OWNER)
    signed_in = await _session(request, token, team)
    role, team_id, team_name = signed_in.role, signed_in.team_id, signed_in.team_name
    if role is None or team_id is None or team_name is None:
        # Not a member, or no such team: the same answer, so names stay private.
        raise Forbidden(details={"team": team[:64]})
    return Caller(team_id, team_name, role, person=signed_in.person)


def member_of(
    needed: Role = Role.MEMBER, *, keys: bool = True, operator: bool = False
) -> Callable[[Request, str], Awaitable[Caller]]:
    """A dependency for a team route: the caller, acting with at least `needed`.
    `keys` lets a team API key in; `operator` lets the ADMIN_TOKEN in as owner."""

    async def dependency(request: Request, team: str) -> Caller:
        caller = await _caller(
            request, team, bearer_token(request), keys=keys, operator=operator
        )
        if not caller.role.covers(needed):
            raise RoleRequired(details={"needed": needed.value})
        set_tenancy(request, team_tenancy(caller.team_id))
        return caller

    schemes = [session_scheme]
    if keys:
        schemes.append(team_key_scheme)
    if operator:
        schemes.append(admin_scheme)
    return accepts(*schemes)(dependency)


MemberDep = Annotated[Caller, Depends(member_of(Role.MEMBER))]
AdminDep = Annotated[Caller, Depends(member_of(Role.ADMIN))]
# What any route on a team's paths can answer, before its own errors.
TEAM_ROUTE_ERRORS = (
    Unauthorized,
    Forbidden,
    RoleRequired,
    ValidationFailed,
    *RATE_LIMIT_ERRORS,
    *SERVER_ERRORS,
)
# Routes only people (and, where allowed, the operator) may call.
PEOPLE_ROUTE_ERRORS = (*TEAM_ROUTE_ERRORS, PersonRequired, TeamNotFound)
