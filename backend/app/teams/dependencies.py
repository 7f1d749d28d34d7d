"""Who is calling: a team's API key (authenticated, rate-limited, of the team in
the path), or the operator's admin token."""

import hmac
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.core.config import SettingsDep
from app.core.db import Database
from app.core.errors import SERVER_ERRORS, RateLimited, ValidationFailed
from app.core.middleware import set_response_headers
from app.teams import service
from app.teams.authentication import Authentication
from app.teams.exceptions import AdminDisabled, Forbidden, Unauthorized
from app.teams.models import AuthenticatedKey

# auto_error=False: a missing or malformed header gets our 401 envelope, not FastAPI's.
team_key_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="TeamKey",
    description="A team API key: `Authorization: Bearer ln_...`",
)
admin_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="AdminToken",
    description="The operator's ADMIN_TOKEN: `Authorization: Bearer <token>`",
)
Credentials = HTTPAuthorizationCredentials | None


def _auth(request: Request) -> Authentication:
    auth: Authentication = request.app.state.auth
    return auth


def _database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


async def _count_request(request: Request, identity: str) -> None:
    state = await _auth(request).limiter.check(identity)
    if state is not None:
        set_response_headers(request, state.headers())


def _client_identity(request: Request) -> str:
    return f"address:{request.client.host if request.client else 'unknown'}"


async def _refuse(request: Request) -> Unauthorized:
    # Failed attempts are limited per address, so guessing keys is throttled too.
    await _count_request(request, _client_identity(request))
    return Unauthorized()


async def authenticate(request: Request, credentials: Credentials) -> AuthenticatedKey:
    """The caller's active key: from this process's cache, or the database."""
    token = credentials.credentials if credentials else ""
    if not token.startswith(service.KEY_PREFIX):
        raise await _refuse(request)
    key_hash = service.hash_key(token)
    auth = _auth(request)
    key = auth.keys.get(key_hash)
    if key is None:
        # An address over its failed-attempt limit costs the database nothing.
        await auth.limiter.ensure_allowed(_client_identity(request))
        async with _database(request).read() as session:
            key = await service.find_active_key(session, key_hash)
        if key is None:
            raise await _refuse(request)
        auth.keys.put(key_hash, key)
    auth.usage.note(key)
    return key


def belongs_to(key: AuthenticatedKey, team: str) -> AuthenticatedKey:
    if key.team_name != team:
        raise Forbidden(details={"team": team[:64]})
    return key


async def get_team_key(
    request: Request,
    team: str,
    credentials: Annotated[Credentials, Depends(team_key_scheme)],
) -> AuthenticatedKey:
    """The caller's key: authenticated, counted against its rate limit, and of the
    team named in the path. Each step is its own function; they make one
    dependency because FastAPI solves every dependency anew on each request, and
    on the hot paths that cost more than the request's own query."""
    key = await authenticate(request, credentials)
    await _count_request(request, f"key:{key.id}")
    return belongs_to(key, team)


TeamKeyDep = Annotated[AuthenticatedKey, Depends(get_team_key)]
# What any route behind a team's keys can answer, before its own errors.
TEAM_ROUTE_ERRORS = (
    Unauthorized,
    Forbidden,
    ValidationFailed,
    RateLimited,
    *SERVER_ERRORS,
)


async def require_admin(
    request: Request,
    settings: SettingsDep,
    credentials: Annotated[Credentials, Depends(admin_scheme)],
) -> None:
    if settings.admin_token is None:
        raise AdminDisabled()
    token = credentials.credentials if credentials else ""
    expected = settings.admin_token.get_secret_value()
    if token and hmac.compare_digest(token.encode(), expected.encode()):
        await _count_request(request, "admin")
        return
    await _count_request(request, _client_identity(request))
    if token.startswith(service.KEY_PREFIX):
        async with _database(request).read() as session:
            if await service.find_active_key(session, service.hash_key(token)):
                raise Forbidden("Team API keys cannot use the admin API")
    raise Unauthorized()


ADMIN_ERRORS = (Unauthorized, Forbidden, AdminDisabled)
