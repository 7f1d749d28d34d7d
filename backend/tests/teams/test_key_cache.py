"""Keys are cached in each process and dropped everywhere when the database says
a key or a team changed: two real server processes on one database."""

import asyncpg
import httpx

from app.core.db import ALL_TEAMS, Database, asyncpg_dsn
from app.teams.authentication import AuthCache
from tests.conftest import ADMIN_TOKEN
from tests.support.databases import as_role
from tests.support.live_server import live_server, seconds_until

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


async def test_a_revoked_key_stops_working_in_every_process_within_a_second(
    committed_database_url: str, committed_database: Database
) -> None:
    env = {
        "DATABASE_URL": as_role(committed_database_url),
        "ADMIN_TOKEN": ADMIN_TOKEN,
        "RATE_LIMIT": "",
        "LOG_LEVEL": "WARNING",
    }
    with live_server(env) as first, live_server(env) as second:
        created = httpx.post(
            f"{first}/v1/teams", json={"name": "cached"}, headers=ADMIN
        )
        assert created.status_code == 201
        key = {"Authorization": f"Bearer {created.json()['api_key']}"}

        def status(server: str) -> int:
            return httpx.get(f"{server}/v1/teams/cached/posts", headers=key).status_code

        for server in (first, second):
            seconds_until(lambda server=server: status(server) == 200)

        # Revoked behind the processes' backs, with the notifying trigger off: the
        # key still works, so requests are served from the cache, not the database.
        owner = await asyncpg.connect(asyncpg_dsn(committed_database_url))
        try:
            await owner.execute(
                "ALTER TABLE api_key DISABLE TRIGGER api_key_auth_changed;"
                "UPDATE api_key SET revoked_at = now();"
                "ALTER TABLE api_key ENABLE TRIGGER api_key_auth_changed"
            )
        finally:
            await owner.close()
        assert status(first) == status(second) == 200

        # Any change to the team notifies: every process drops its cached keys and
        # the database's answer (revoked) applies.
        async with committed_database.write(ALL_TEAMS) as session:
            await session.connection.execute("UPDATE team SET name = name")
        assert seconds_until(lambda: status(first) == 401) < 1
        assert seconds_until(lambda: status(second) == 401) < 1

        # A key revoked through the API of one process is refused by the other.
        fresh = httpx.post(
            f"{first}/v1/teams/cached/api-keys", json={"name": "ci"}, headers=ADMIN
        ).json()
        key = {"Authorization": f"Bearer {fresh['key']}"}
        for server in (first, second):
            seconds_until(lambda server=server: status(server) == 200)
        revoked = httpx.delete(
            f"{first}/v1/teams/cached/api-keys/{fresh['api_key']['id']}", headers=ADMIN
        )
        assert revoked.status_code == 204
        assert seconds_until(lambda: status(second) == 401) < 1
        assert status(first) == 401


def test_an_answer_read_before_an_invalidation_is_not_cached() -> None:
    cache: AuthCache[str, str] = AuthCache()
    cache.set_subscribed(True)
    generation = cache.generation
    # The database is asked; meanwhile a notification empties the cache.
    cache.clear()
    cache.put("hash", "key, as it was before the change", generation)
    assert cache.get("hash") is None
    cache.put("hash", "key, read afterwards", cache.generation)
    assert cache.get("hash") == "key, read afterwards"
