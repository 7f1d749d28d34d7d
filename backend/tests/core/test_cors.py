"""Cross-origin requests from the configured origins, and the `Vary: Origin` every
response carries so that no cache serves one origin's answer to another."""

from collections.abc import AsyncIterator

import httpx
import pytest

from app.core.config import Settings
from app.core.db import Database
from app.main import create_app
from tests.support.factories import TeamWithKey

WEB = "https://web.example"


@pytest.fixture
async def cors_client(
    settings: Settings, test_database: Database
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings.model_copy(update={"cors_origins": [WEB]}), test_database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def test_an_allowed_origin_is_answered_and_sees_the_request_id(
    cors_client: httpx.AsyncClient, team_a: TeamWithKey
) -> None:
    response = await cors_client.get(
        "/v1/teams/team-a/posts", headers={**team_a.headers, "Origin": WEB}
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == WEB
    assert "x-request-id" in response.headers["access-control-expose-headers"].lower()
    assert "Origin" in response.headers.get_list("vary")


async def test_a_preflight_from_an_allowed_origin_is_granted(
    cors_client: httpx.AsyncClient,
) -> None:
    response = await cors_client.options(
        "/v1/teams/team-a/posts",
        headers={
            "Origin": WEB,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == WEB
    assert "POST" in response.headers["access-control-allow-methods"]


async def test_another_origin_gets_no_grant(
    cors_client: httpx.AsyncClient, team_a: TeamWithKey
) -> None:
    response = await cors_client.get(
        "/v1/teams/team-a/posts",
        headers={**team_a.headers, "Origin": "https://elsewhere.example"},
    )
    assert "access-control-allow-origin" not in response.headers
    assert "Origin" in response.headers.get_list("vary")


@pytest.mark.parametrize("path", ["/v1/teams/team-a/posts", "/v1/no-such-route"])
async def test_a_request_without_origin_still_varies_on_it(
    cors_client: httpx.AsyncClient, team_a: TeamWithKey, path: str
) -> None:
    response = await cors_client.get(path, headers=team_a.headers)
    assert "access-control-allow-origin" not in response.headers
    assert response.headers.get_list("vary") == ["Origin"]
