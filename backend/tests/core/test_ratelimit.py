import logging
import socket
from collections.abc import AsyncIterator
from uuid import uuid4

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from app.core.config import Settings
from app.core.db import Database, asyncpg_dsn
from app.main import create_app
from tests.conftest import ADMIN_TOKEN
from tests.support.factories import TeamWithKey
from tests.support.live_server import live_server

LOCAL_REDIS = ("127.0.0.1", 6379)


def client_for(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    )


async def test_allowed_responses_carry_the_rate_limit_headers(
    client: httpx.AsyncClient, team_a: TeamWithKey
) -> None:
    url = f"/v1/teams/{team_a.name}/posts"
    first = await client.get(url, headers=team_a.headers)
    second = await client.get(url, headers=team_a.headers)
    assert first.headers["x-ratelimit-limit"] == "60"
    assert first.headers["x-ratelimit-remaining"] == "59"
    assert second.headers["x-ratelimit-remaining"] == "58"
    assert int(second.headers["x-ratelimit-reset"]) > 1_700_000_000
    # Errors of allowed requests count and say so too.
    missing = await client.get(f"{url}/nope", headers=team_a.headers)
    assert missing.status_code == 404
    assert missing.headers["x-ratelimit-remaining"] == "57"


async def test_the_61st_request_is_rate_limited_and_other_teams_are_not(
    client: httpx.AsyncClient, team_a: TeamWithKey, team_b: TeamWithKey
) -> None:
    url = f"/v1/teams/{team_a.name}/posts"
    for _ in range(60):
        assert (await client.get(url, headers=team_a.headers)).status_code == 200
    limited = await client.get(url, headers=team_a.headers)
    assert limited.status_code == 429
    body = limited.json()
    assert body["error"] == "Rate limited"
    assert body["code"] == "RATE_LIMITED"
    assert body["details"]["limit"] == "60/minute"
    assert 1 <= body["details"]["retry_after"] <= 60
    assert limited.headers["retry-after"] == str(body["details"]["retry_after"])
    assert limited.headers["x-ratelimit-limit"] == "60"
    assert limited.headers["x-ratelimit-remaining"] == "0"
    assert "x-ratelimit-reset" in limited.headers

    other = await client.get(f"/v1/teams/{team_b.name}/posts", headers=team_b.headers)
    assert other.status_code == 200
    assert other.headers["x-ratelimit-remaining"] == "59"


@pytest.mark.parametrize("guess", ["ln_guess", "ls_guess"], ids=["key", "session"])
async def test_failed_authentication_is_limited_per_address_before_the_database(
    client: httpx.AsyncClient,
    app: FastAPI,
    settings: Settings,
    team_a: TeamWithKey,
    guess: str,
) -> None:
    url = f"/v1/teams/{team_a.name}/posts"
    bad = {"Authorization": f"Bearer {guess}"}
    for _ in range(60):
        assert (await client.get(url, headers=bad)).status_code == 401
    # From here on the database is out of reach: a 503 would mean it was asked.
    app.state.database = await Database.connect(
        "postgresql+asyncpg://postgres@127.0.0.1:9/x", settings
    )
    limited = await client.get(url, headers=bad)
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) >= 1
    # A key not yet known to this process is looked up in the database, so it
    # waits out the address's limit too.
    assert (await client.get(url, headers=team_a.headers)).status_code == 429
    await app.state.database.dispose()


async def test_health_metrics_and_docs_are_not_limited(
    client: httpx.AsyncClient,
) -> None:
    for path in ("/health", "/v1/healthz", "/metrics", "/v1/openapi.json"):
        for _ in range(3):
            response = await client.get(path)
            assert response.status_code == 200
            assert "x-ratelimit-limit" not in response.headers
    for _ in range(61):
        assert (await client.get("/health")).status_code == 200


async def test_empty_rate_limit_turns_limiting_off(
    settings: Settings, test_database: Database, team_a: TeamWithKey
) -> None:
    app = create_app(
        settings.model_copy(update={"rate_limit": ""}), database=test_database
    )
    async with client_for(app) as client:
        for _ in range(61):
            response = await client.get(
                f"/v1/teams/{team_a.name}/posts", headers=team_a.headers
            )
            assert response.status_code == 200
            assert "x-ratelimit-limit" not in response.headers


async def test_unreachable_redis_fails_open_with_a_warning(
    settings: Settings,
    test_database: Database,
    team_a: TeamWithKey,
    caplog: pytest.LogCaptureFixture,
) -> None:
    update = {"redis_url": "redis://127.0.0.1:9/0", "rate_limit": "1/minute"}
    app = create_app(settings.model_copy(update=update), database=test_database)
    with caplog.at_level(logging.WARNING, logger="app.core.ratelimit"):
        async with client_for(app) as client:
            for _ in range(3):
                response = await client.get(
                    f"/v1/teams/{team_a.name}/posts", headers=team_a.headers
                )
                assert response.status_code == 200
                assert "x-ratelimit-limit" not in response.headers
    warnings = [r for r in caplog.records if r.name == "app.core.ratelimit"]
    assert len(warnings) == 1, "warned once, not on every request"
    assert "serving unlimited" in warnings[0].getMessage()


async def test_unreachable_redis_fails_closed_when_asked(
    settings: Settings,
    test_database: Database,
    team_a: TeamWithKey,
    caplog: pytest.LogCaptureFixture,
) -> None:
    update = {
        "redis_url": "redis://127.0.0.1:9/0",
        "rate_limit": "100/minute",
        "rate_limit_fail": "closed",
    }
    app = create_app(settings.model_copy(update=update), database=test_database)
    with caplog.at_level(logging.WARNING, logger="app.core.ratelimit"):
        async with client_for(app) as client:
            response = await client.get(
                f"/v1/teams/{team_a.name}/posts", headers=team_a.headers
            )
    assert response.status_code == 503
    assert response.json()["code"] == "RATE_LIMIT_UNAVAILABLE"
    assert response.headers["retry-after"] == "1"
    warnings = [r for r in caplog.records if r.name == "app.core.ratelimit"]
    assert "refusing requests" in warnings[0].getMessage()


def redis_answers() -> bool:
    try:
        with socket.create_connection(LOCAL_REDIS, timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
async def shared_team(database_url: str) -> AsyncIterator[str]:
    """A team created for real (committed), since the servers are other processes."""
    name = f"shared-{uuid4().hex[:8]}"
    yield name
    connection = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        await connection.execute("DELETE FROM team WHERE name = $1", name)
    finally:
        await connection.close()


def test_two_processes_share_the_count_through_redis(
    database_url: str, shared_team: str
) -> None:
    if not redis_answers():
        pytest.skip(
            "SKIPPED: no Redis answers at 127.0.0.1:6379, so counts shared between "
            "processes were not tested"
        )
    env = {
        "DATABASE_URL": database_url,
        "ENVIRONMENT": "test",
        "LOG_LEVEL": "WARNING",
        "ADMIN_TOKEN": ADMIN_TOKEN,
        "RATE_LIMIT": "5/minute",
        "REDIS_URL": f"redis://{LOCAL_REDIS[0]}:{LOCAL_REDIS[1]}/0",
    }
    with live_server(env) as first, live_server(env) as second:
        created = httpx.post(
            f"{first}/v1/teams",
            json={"name": shared_team},
            headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        )
        assert created.status_code == 201
        headers = {"Authorization": f"Bearer {created.json()['api_key']}"}
        statuses = [
            httpx.get(
                f"{server}/v1/teams/{shared_team}/posts", headers=headers
            ).status_code
            for server in (first, second, first, second, first, second)
        ]
    assert statuses == [200, 200, 200, 200, 200, 429]
