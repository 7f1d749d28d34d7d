import httpx
import pytest
from fastapi import FastAPI

from tests.support.probe import mount_probe


@pytest.fixture
def app(app: FastAPI) -> FastAPI:
    return mount_probe(app)


async def test_request_commits_its_changes(client: httpx.AsyncClient) -> None:
    assert (await client.post("/probe/teams/kept")).status_code == 200
    assert (await client.get("/probe/teams")).json() == ["kept"]


async def test_error_rolls_back_everything_the_request_wrote(
    client: httpx.AsyncClient,
) -> None:
    assert (await client.post("/probe/teams/lost/then-fail")).status_code == 409
    assert (await client.get("/probe/teams")).json() == []


async def test_commit_failure_is_reported_instead_of_a_success(
    client: httpx.AsyncClient,
) -> None:
    # The duplicate only fails at commit: a 200 here would mean the response went out
    # before the transaction was committed.
    assert (await client.post("/probe/teams/twice")).status_code == 200
    response = await client.post("/probe/teams/twice")
    assert response.status_code == 500
    assert response.json()["code"] == "INTERNAL_ERROR"
    assert (await client.get("/probe/teams")).json() == ["twice"]
