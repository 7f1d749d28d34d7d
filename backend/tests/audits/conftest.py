"""Audits need two kinds of database: the API tests run in the usual rolled-back
transaction; the queue tests need committed rows that independent workers (tasks
and processes) can see, so they use a database of their own, emptied after each."""

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from app.core.config import Settings
from app.core.db import ALL_TEAMS, Database
from app.main import audit_worker, create_app
from tests.audits.support import Worker
from tests.support.factories import TeamWithKey, make_team
from tests.support.model_server import ModelServer


@pytest.fixture
def settings(settings: Settings, model_server: ModelServer) -> Settings:
    """AI configured against the test model server, with timings short enough for
    tests; the in-process worker is off unless a test starts one. Tests poll audits
    as a client would, so rate limits (tested elsewhere) are off."""
    return settings.model_copy(
        update={
            "openai_base_url": model_server.base_url,
            "openai_model": "test-model",
            "openai_timeout": 2.0,
            "audit_lease_seconds": 3.0,
            "audit_max_attempts": 3,
            "audit_backoff_seconds": 0.05,
            "audit_backoff_max_seconds": 0.2,
            "audit_poll_seconds": 0.05,
            "audit_worker": False,
            "rate_limit": "",
            "audit_create_limit": "",
            "audit_retry_limit": "",
        }
    )


@pytest.fixture
def queue_database(committed_database: Database) -> Database:
    return committed_database


@pytest.fixture
def queue_app(settings: Settings, queue_database: Database) -> FastAPI:
    return create_app(settings, database=queue_database)


@pytest.fixture
async def queue_client(queue_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=queue_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


@pytest.fixture
async def queue_team(queue_database: Database) -> TeamWithKey:
    async with queue_database.write(ALL_TEAMS) as session:
        return await make_team(session, "queue-team")


@pytest.fixture
def queue_database_url(committed_database_url: str) -> str:
    return committed_database_url


@pytest.fixture
def worker(queue_database: Database, settings: Settings) -> Worker:
    """Starts the in-process worker for the block it opens."""
    on = settings.model_copy(update={"audit_worker": True})
    return lambda: audit_worker(queue_database, on)
