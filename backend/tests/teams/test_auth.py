import json
import logging

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.support.factories import TeamWithKey


def unauthorized(response: httpx.Response) -> None:
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json() == {
        "error": "A valid API key is required: Authorization: Bearer <key>",
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


async def test_last_used_is_stamped_at_most_once_a_minute(
    client: httpx.AsyncClient, team_a: TeamWithKey, session: AsyncSession
) -> None:
    url = f"/v1/teams/{team_a.name}/posts"
    await client.get(url, headers=team_a.headers)
    first = await session.scalar(text("SELECT last_used_at FROM api_key"))
    assert first is not None
    await client.get(url, headers=team_a.headers)
    assert await session.scalar(text("SELECT last_used_at FROM api_key")) == first

    await session.execute(
        text("UPDATE api_key SET last_used_at = last_used_at - interval '2 minutes'")
    )
    await client.get(url, headers=team_a.headers)
    assert await session.scalar(text("SELECT last_used_at FROM api_key")) > first


async def test_raw_key_is_stored_nowhere(
    session: AsyncSession, team_a: TeamWithKey
) -> None:
    dump = await session.scalar(text("SELECT json_agg(k)::text FROM api_key k"))
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
