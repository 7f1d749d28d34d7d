"""Real PostgreSQL for every test: a fresh database migrated with Alembic per run,
and one rolled-back transaction per test.

The server is the embedded one (in backend/.data/test) unless TEST_DATABASE_URL names
another; either way the suite works in a database of its own and drops it at the end.
"""

import asyncio
import os
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from app.core import migrate
from app.core.config import BACKEND_DIR, Settings, load_settings
from app.core.db import Database
from app.core.embedded import embedded_postgres
from app.main import create_app
from tests.support.databases import create_database, drop_database
from tests.support.factories import TeamWithKey, make_team
from tests.support.model_server import ModelServer

TEST_DATA_DIR = BACKEND_DIR / ".data" / "test"
ADMIN_TOKEN = "test-admin-token-0123456789abcdef0123"


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """A maintenance URL on the server the suite uses."""
    configured = os.environ.get("TEST_DATABASE_URL")
    if configured:
        yield configured
        return
    embedded = embedded_postgres(TEST_DATA_DIR)
    yield embedded.url("postgres")
    embedded.stop()


@pytest.fixture(scope="session")
async def database_url(server_url: str) -> AsyncIterator[str]:
    url = await create_database(server_url)
    await asyncio.to_thread(migrate.upgrade, url)
    yield url
    await drop_database(server_url, url)


@pytest.fixture
async def empty_database_url(server_url: str) -> AsyncIterator[str]:
    url = await create_database(server_url)
    yield url
    await drop_database(server_url, url)


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(database_url, pool_size=5, max_overflow=0)
    yield engine
    await engine.dispose()


@pytest.fixture
async def test_database(
    engine: AsyncEngine, settings: Settings
) -> AsyncIterator[Database]:
    """The app's Database, with every session inside one outer transaction that the
    test rolls back: requests still begin and commit, as savepoints."""
    async with engine.connect() as connection:
        transaction = await connection.begin()
        sessionmaker = async_sessionmaker(
            bind=connection,
            expire_on_commit=False,
            join_transaction_mode="create_savepoint",
        )
        yield Database(
            engine,
            sessionmaker,
            sessionmaker,
            asyncio.Semaphore(settings.db_pool_size),
            settings.db_pool_timeout,
        )
        await transaction.rollback()


@pytest.fixture
async def session(test_database: Database) -> AsyncIterator[AsyncSession]:
    async with test_database.sessionmaker() as session:
        yield session


@pytest.fixture
def settings(database_url: str) -> Settings:
    return load_settings(
        _env_file=None,
        environment="test",
        database_url=database_url,
        data_dir=TEST_DATA_DIR,
        build_sha="test-sha",
        admin_token=ADMIN_TOKEN,
        rate_limit="60/minute",
        redis_url="",
        # AI stays off unless a test configures it, whatever the shell has set.
        openai_api_key=None,
        openai_base_url="",
    )


@pytest.fixture
def app(settings: Settings, test_database: Database) -> FastAPI:
    return create_app(settings, database=test_database)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


@pytest.fixture
async def team_a(session: AsyncSession) -> TeamWithKey:
    return await make_team(session, "team-a")


@pytest.fixture
async def team_b(session: AsyncSession) -> TeamWithKey:
    return await make_team(session, "team-b")


@pytest.fixture
def admin_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture
def model_server() -> Iterator[ModelServer]:
    """The OpenAI-compatible model server, scripted by the test."""
    server = ModelServer()
    yield server
    server.close()
