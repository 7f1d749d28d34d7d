"""Real PostgreSQL for every test: a fresh database migrated with Alembic per run,
and one rolled-back transaction per test.

The server is the embedded one (in backend/.data/test) unless TEST_DATABASE_URL names
another; either way the suite works in a database of its own and drops it at the end.
"""

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from app.core import migrate
from app.core.config import BACKEND_DIR, Settings, load_settings
from app.core.db import (
    Connection,
    Database,
    OnConnection,
    TenantConnection,
    asyncpg_dsn,
    prepare_connection,
)
from app.core.embedded import embedded_postgres
from app.core.roles import RUNTIME_ROLE
from app.main import create_app
from tests.support.databases import as_role, create_database, drop_database
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


async def _migrated_database(server_url: str) -> str:
    url = await create_database(server_url)
    await asyncio.to_thread(migrate.upgrade, url)
    return url


@pytest.fixture(scope="session")
async def database_url(server_url: str) -> AsyncIterator[str]:
    url = await _migrated_database(server_url)
    yield url
    await drop_database(server_url, url)


@pytest.fixture
async def empty_database_url(server_url: str) -> AsyncIterator[str]:
    url = await create_database(server_url)
    yield url
    await drop_database(server_url, url)


@asynccontextmanager
async def rolled_back(database_url: str) -> AsyncIterator[TenantConnection]:
    """One connection inside a transaction that is rolled back at the end."""
    connection = await asyncpg.connect(
        asyncpg_dsn(database_url), connection_class=TenantConnection
    )
    await prepare_connection(connection)
    transaction = connection.transaction()
    await transaction.start()
    try:
        yield connection
    finally:
        await transaction.rollback()
        await connection.close()


@pytest.fixture
async def test_connection(database_url: str) -> AsyncIterator[TenantConnection]:
    """One connection inside a transaction that the test rolls back."""
    async with rolled_back(database_url) as connection:
        yield connection


@pytest.fixture
def test_database(test_connection: TenantConnection, settings: Settings) -> Database:
    return database_on(test_connection, settings)


def database_on(test_connection: TenantConnection, settings: Settings) -> Database:
    """The app's Database on the test's connection: each request's session is a
    savepoint, so requests still commit and roll back, and the test sees it all.
    Requests take the connection in turn, as the runtime role, under row-level
    security; the test's own statements run as the superuser that set it up."""
    turn = asyncio.Lock()

    @asynccontextmanager
    async def acquire() -> AsyncIterator[Connection]:
        async with turn:
            try:
                async with test_connection.transaction():
                    await test_connection.execute(f"SET ROLE {RUNTIME_ROLE}")
                    yield test_connection
            finally:
                # A released savepoint keeps its settings; a rolled-back one not.
                test_connection.forget_tenancy()
                await test_connection.execute("RESET ROLE")

    return Database(acquire, dsn=asyncpg_dsn(settings.database_url), settings=settings)


@pytest.fixture
def session(test_connection: asyncpg.Connection) -> OnConnection:
    return OnConnection(test_connection)


@pytest.fixture(scope="session")
async def committed_database_url(server_url: str) -> AsyncIterator[str]:
    url = await _migrated_database(server_url)
    yield url
    await drop_database(server_url, url)


@pytest.fixture
async def committed_database(
    committed_database_url: str, settings: Settings
) -> AsyncIterator[Database]:
    """A pooled Database whose transactions really commit, for what independent
    connections must see (workers, notifications, commit failures); emptied after
    each test."""
    database = await Database.connect(as_role(committed_database_url), settings)
    yield database
    await database.dispose()
    owner = await asyncpg.connect(asyncpg_dsn(committed_database_url))
    try:
        await owner.execute("TRUNCATE team CASCADE")
    finally:
        await owner.close()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return settings_for(database_url)


def settings_for(database_url: str) -> Settings:
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
        # So does tracing: the tracing tests use an in-memory exporter.
        otel_exporter_otlp_endpoint="",
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
async def team_a(session: OnConnection) -> TeamWithKey:
    return await make_team(session, "team-a")


@pytest.fixture
async def team_b(session: OnConnection) -> TeamWithKey:
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
