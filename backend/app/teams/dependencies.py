"""Team API keys (authenticated from the cache or the database, rate-limited)
and the operator's admin token. Which of them, or a person's session, a team
route accepts is `app.people.dependencies`' to say."""

import hmac
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.core.config import SettingsDep
from app.core.db import ALL_TEAMS, Database, set_tenancy
from app.core.middleware import set_response_headers
from app.core.tokens import KEY_PREFIX, hash_token
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


async def count_request(request: Request, identity: str) -> None:
    state = await _auth(request).limiter.check(identity)
    if state is not None:
        set_response_headers(request, state.headers())


def client_identity(request: Request) -> str:
    return f"address:{request.client.host if request.client else 'unknown'}"


async def refuse(request: Request) -> Unauthorized:
    # Failed attempts are limited per address, so guessing keys is throttled too.
    await count_request(request, client_identity(request))
    return Unauthorized()


async def authenticate(request: Request, token: str) -> AuthenticatedKey:
    """The caller's active key: from this process's cache, or the database."""
    if not token.startswith(KEY_PREFIX):
        raise await refuse(request)
    key_hash = hash_token(token)
    auth = _auth(request)
    key = auth.keys.get(key_hash)
    if key is None:
        # An address over its failed-attempt limit costs the database nothing.
        await auth.limiter.ensure_allowed(client_identity(request))
        generation = auth.keys.generation
        # Found by its hash alone: the team is what the key says.
        async with _database(request).read(ALL_TEAMS) as session:
            key = await service.find_active_key(session, key_hash)
        if key is None:
            raise await refuse(request)
        auth.keys.put(key_hash, key, generation)
    auth.usage.note(key.id)
    return key


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
        await count_request(request, "admin")
        # The operator's API spans teams by design.
        set_tenancy(request, ALL_TEAMS)
        return
    await count_request(request, client_identity(request))
    if token.startswith(KEY_PREFIX):
        async with _database(request).read(ALL_TEAMS) as session:
            if await service.find_active_key(session, hash_token(token)):
                raise Forbidden("Team API keys cannot use the admin API")
    raise Unauthorized()


ADMIN_ERRORS = (Unauthorized, Forbidden, AdminDisabled)
