"""Who is calling: a team's API key, or the operator's admin token."""

import hmac
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.core.config import SettingsDep
from app.core.db import SessionDep
from app.core.middleware import STATE_HEADERS
from app.core.ratelimit import RateLimiter
from app.teams import service
from app.teams.exceptions import AdminDisabled, Forbidden, Unauthorized
from app.teams.models import Team
from app.teams.service import AuthenticatedKey

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


async def _count_request(request: Request, identity: str) -> None:
    limiter: RateLimiter = request.app.state.rate_limiter
    state = await limiter.check(identity)
    if state is not None:
        setattr(request.state, STATE_HEADERS, state.headers())


def _client_identity(request: Request) -> str:
    return f"address:{request.client.host if request.client else 'unknown'}"


async def get_api_key(
    request: Request,
    session: SessionDep,
    credentials: Annotated[
        HTTPAuthorizationCredentials | None, Depends(team_key_scheme)
    ],
) -> AuthenticatedKey:
    key = (
        await service.find_active_key(session, credentials.credentials)
        if (credentials)
        else None
    )
    if key is None:
        # Failed attempts are limited per address, so guessing keys is throttled too.
        await _count_request(request, _client_identity(request))
        raise Unauthorized()
    await _count_request(request, f"key:{key.id}")
    await service.record_use(session, key)
    return key


async def get_team_key(
    team: str, key: Annotated[AuthenticatedKey, Depends(get_api_key)]
) -> AuthenticatedKey:
    """The caller's key, when it belongs to the team named in the path."""
    if key.team_name != team:
        raise Forbidden(details={"team": team[:64]})
    return key


TeamKeyDep = Annotated[AuthenticatedKey, Depends(get_team_key)]


async def require_admin(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(admin_scheme)],
) -> None:
    if settings.admin_token is None:
        raise AdminDisabled()
    token = credentials.credentials if credentials else ""
    expected = settings.admin_token.get_secret_value()
    if token and hmac.compare_digest(token.encode(), expected.encode()):
        await _count_request(request, "admin")
        return
    await _count_request(request, _client_identity(request))
    if token and await service.find_active_key(session, token):
        raise Forbidden("Team API keys cannot use the admin API")
    raise Unauthorized()


async def get_admin_team(
    team: str, session: SessionDep, _: Annotated[None, Depends(require_admin)]
) -> Team:
    return await service.get_team(session, team)


AdminTeamDep = Annotated[Team, Depends(get_admin_team)]
