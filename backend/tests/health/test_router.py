import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from app.core import migrate
from app.core.config import Settings
from app.core.db import Database
from app.main import create_app


async def test_healthz_reports_ok_and_build_sha(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "buildSha": "test-sha"}


async def test_liveness_answers_without_a_database(settings: Settings) -> None:
    app = create_app(settings)  # lifespan never ran: no database at all
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "ai": "not_configured"}


async def test_database_health_reports_latency_and_head_revision(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/health/db")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["latency_ms"] > 0
    assert body["revision"] == migrate.head_revision()


async def _database_health(app: FastAPI) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return await client.get("/health/db")


async def _unreachable_app(
    settings: Settings, url: str, connect_timeout: float
) -> FastAPI:
    settings = settings.model_copy(
        update={"database_url": url, "db_connect_timeout": connect_timeout}
    )
    return create_app(settings, database=await Database.connect(url, settings))


async def test_refused_connection_is_db_unavailable(settings: Settings) -> None:
    app = await _unreachable_app(
        settings, "postgresql+asyncpg://postgres@127.0.0.1:9/x", 5
    )
    response = await _database_health(app)
    assert response.status_code == 503
    assert response.json()["code"] == "DB_UNAVAILABLE"
    await app.state.database.dispose()


@pytest.fixture
async def silent_server() -> AsyncIterator[int]:
    """Accepts connections and never answers, like a hung or firewalled server."""

    async def hold(reader: asyncio.StreamReader, _: asyncio.StreamWriter) -> None:
        await reader.read()

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    server.close()


async def test_hung_database_is_db_unavailable_within_the_timeout(
    settings: Settings, silent_server: int
) -> None:
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{silent_server}/x"
    app = await _unreachable_app(settings, url, 0.5)
    started = time.monotonic()
    response = await _database_health(app)
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    body = response.json()
    assert body["code"] == "DB_UNAVAILABLE"
    assert body["details"] == {"reason": "timeout", "timeout_s": 0.5}
    assert elapsed < 5, "the check must give up near its timeout, not hang"
    await app.state.database.dispose()
