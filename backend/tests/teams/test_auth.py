import json
import logging
from datetime import datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI

from app.core.db import ALL_TEAMS, Database, OnConnection
from app.teams import repository
from app.teams.authentication import UseRecorder
from app.teams.exceptions import Unauthorized
from tests.support.factories import TeamWithKey


def unauthorized(response: httpx.Response) -> None:
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json() == {
        "error": Unauthorized.message,
        "code": "UNAUTHORIZED",
        "details": {},
    }


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "ln_abc"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer ln_not-a-real-key"},
        {"Authorization": "Bearer something-else"},
        {"Authorization": "Bearer ln_\x7f"},
    ],
    ids=["missing", "no-scheme", "basic", "empty", "unknown", "foreign-format", "odd"],
)
async def test_every_bad_credential_gets_the_same_401(
    client: httpx.AsyncClient, team_a: TeamWithKey, headers: dict[str, str]
) -> None:
    unauthorized(await client.get(f"/v1/teams/{team_a.name}/posts", headers=headers))


async def test_revoked_key_is_refused_from_the_next_request_on(
    client: httpx.AsyncClient, team_a: TeamWithKey, admin_headers: dict[str, str]
) -> None:
    url = f"/v1/teams/{team_a.name}/posts"
    assert (await client.get(url, headers=team_a.headers)).status_code == 200
    [key] = (
        await client.get(f"/v1/teams/{team_a.name}/api-keys", headers=admin_headers)
    ).json()["api_keys"]
    revoke = await client.delete(
        f"/v1/teams/{team_a.name}/api-keys/{key['id']}", headers=admin_headers
    )
    assert revoke.status_code == 204
    unauthorized(await client.get(url, headers=team_a.headers))


async def last_used_after_a_request(
    client: httpx.AsyncClient, app: FastAPI, database: Database, team: TeamWithKey
) -> datetime | None:
    """Makes one request, then writes the noted uses as the background task does."""
    await client.get(f"/v1/teams/{team.name}/posts", headers=team.headers)
    await app.state.auth.usage.flush(database)
    used: datetime | None = await database_value(
        database, "SELECT last_used_at FROM api_key"
    )
    return used


async def database_value(database: Database, sql: str) -> object:
    async with database.read(ALL_TEAMS) as session:
        return await session.connection.fetchval(sql)


async def test_last_used_is_written_off_the_request_path_at_most_once_a_minute(
    client: httpx.AsyncClient,
    app: FastAPI,
    test_database: Database,
    team_a: TeamWithKey,
) -> None:
    url = f"/v1/teams/{team_a.name}/posts"
    await client.get(url, headers=team_a.headers)
    stamped = "SELECT last_used_at FROM api_key"
    assert await database_value(test_database, stamped) is None, "nothing written yet"
    first = await last_used_after_a_request(client, app, test_database, team_a)
    assert first is not None
    assert await last_used_after_a_request(client, app, test_database, team_a) == first

    app.state.auth.usage = UseRecorder(repository.RECORD_USES, resolution=timedelta(0))
    later = await last_used_after_a_request(client, app, test_database, team_a)
    assert later is not None and later > first


async def test_raw_key_is_stored_nowhere(
    session: OnConnection, team_a: TeamWithKey
) -> None:
    dump = await session.connection.fetchval("SELECT json_agg(k)::text FROM api_key k")
    assert team_a.key not in dump
    assert team_a.key[:11] in dump, "the shown prefix is stored"


async def test_raw_key_never_reaches_the_logs(
    client: httpx.AsyncClient,
    team_a: TeamWithKey,
    admin_headers: dict[str, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.DEBUG):
        created = await client.post(
            f"/v1/teams/{team_a.name}/api-keys",
            json={"name": "ci"},
            headers=admin_headers,
        )
        await client.get(f"/v1/teams/{team_a.name}/posts", headers=team_a.headers)
        await client.get(
            f"/v1/teams/{team_a.name}/posts",
            headers={"Authorization": f"Bearer {created.json()['key']}"},
        )
    logged = "\n".join(
        record.getMessage() + json.dumps(record.__dict__, default=str)
        for record in caplog.records
    )
    assert caplog.records, "the requests were logged"
    for secret in (team_a.key, created.json()["key"], admin_headers["Authorization"]):
        assert secret not in logged
