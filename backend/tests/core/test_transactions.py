"""One transaction per request, committed before the response, on a database
whose transactions really commit."""

from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest

from app.core.config import Settings
from app.core.db import Database, asyncpg_dsn
from app.main import create_app
from tests.support.probe import PROBE_TABLE, mount_probe


@pytest.fixture
async def client(
    settings: Settings, committed_database: Database, committed_database_url: str
) -> AsyncIterator[httpx.AsyncClient]:
    # The tests' table is the owner's to create; requests run as the runtime role.
    owner = await asyncpg.connect(asyncpg_dsn(committed_database_url))
    await owner.execute(PROBE_TABLE)
    app = mount_probe(create_app(settings, database=committed_database))
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            yield c
    finally:
        await owner.execute("DROP TABLE probe_row")
        await owner.close()


async def test_request_commits_its_changes(client: httpx.AsyncClient) -> None:
    assert (await client.post("/probe/rows/kept")).status_code == 200
    assert (await client.get("/probe/rows")).json() == ["kept"]


async def test_error_rolls_back_everything_the_request_wrote(
    client: httpx.AsyncClient,
) -> None:
    assert (await client.post("/probe/rows/lost/then-fail")).status_code == 409
    assert (await client.get("/probe/rows")).json() == []


async def test_commit_failure_is_reported_instead_of_a_success(
    client: httpx.AsyncClient,
) -> None:
    # The duplicate only fails at commit: a 200 here would mean the response went out
    # before the transaction was committed.
    assert (await client.post("/probe/rows/twice")).status_code == 200
    response = await client.post("/probe/rows/twice")
    assert response.status_code == 500
    assert response.json()["code"] == "INTERNAL_ERROR"
    assert (await client.get("/probe/rows")).json() == ["twice"]


async def test_a_one_statement_write_refuses_a_second_statement(
    client: httpx.AsyncClient,
) -> None:
    # The first statement stood alone and is kept; the route is a bug, and says so.
    assert (await client.post("/probe/rows/once/twice")).status_code == 500
    assert (await client.get("/probe/rows")).json() == ["once"]
