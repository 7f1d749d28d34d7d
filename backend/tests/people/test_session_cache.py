"""People's sessions are cached in each process, like keys, and dropped everywhere
when the database says a session, a person or a membership changed: two real
server processes on one database."""

import asyncpg
import httpx

from app.core.db import ALL_TEAMS, Database, asyncpg_dsn
from tests.conftest import ADMIN_TOKEN
from tests.support.databases import as_role
from tests.support.live_server import live_server, seconds_until

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PASSWORD = "correct horse battery"


def _env(database_url: str) -> dict[str, str]:
    return {
        "DATABASE_URL": as_role(database_url),
        "ADMIN_TOKEN": ADMIN_TOKEN,
        "RATE_LIMIT": "",
        "LOG_LEVEL": "WARNING",
    }


def _sign_in(server: str, email: str) -> dict[str, str]:
    signed_in = httpx.post(
        f"{server}/v1/auth/sign-in", json={"email": email, "password": PASSWORD}
    )
    assert signed_in.status_code == 200, signed_in.text
    return {"Authorization": f"Bearer {signed_in.json()['token']}"}


async def _behind_their_backs(database_url: str, statement: str, trigger: str) -> None:
    """`statement` with `trigger` off: the processes are not told of it."""
    owner = await asyncpg.connect(asyncpg_dsn(database_url))
    table = trigger.removesuffix("_auth_changed")
    try:
        await owner.execute(
            f"ALTER TABLE {table} DISABLE TRIGGER {trigger}; {statement};"
            f"ALTER TABLE {table} ENABLE TRIGGER {trigger}"
        )
    finally:
        await owner.close()


async def test_a_revoked_session_stops_working_in_every_process_within_a_second(
    committed_database_url: str, committed_database: Database
) -> None:
    env = _env(committed_database_url)
    with live_server(env) as first, live_server(env) as second:
        created = httpx.post(
            f"{first}/v1/users",
            json={
                "email": "ada@example.com",
                "display_name": "Ada",
                "password": PASSWORD,
                "owner_of": "cached",
            },
            headers=ADMIN,
        )
        assert created.status_code == 201, created.text
        session = _sign_in(first, "ada@example.com")

        def status(server: str, path: str = "/v1/teams/cached/posts") -> int:
            return httpx.get(f"{server}{path}", headers=session).status_code

        for server in (first, second):
            seconds_until(lambda server=server: status(server) == 200)

        # Revoked behind the processes' backs: the session still works, so
        # requests are served from the cache, not the database.
        await _behind_their_backs(
            committed_database_url,
            "UPDATE user_session SET revoked_at = now()",
            "user_session_auth_changed",
        )
        assert status(first) == status(second) == 200

        # Any notifying change (here the person's name) empties every process's
        # cache, and the database's answer (revoked) applies.
        async with committed_database.write(ALL_TEAMS) as transaction:
            await transaction.connection.execute(
                "UPDATE user_account SET display_name = 'Ada L.'"
            )
        assert seconds_until(lambda: status(first) == 401) < 1
        assert seconds_until(lambda: status(second) == 401) < 1

        # Signing out everywhere through one process is refused by the other, on
        # a team's routes and on the person's own.
        session = _sign_in(first, "ada@example.com")
        for server in (first, second):
            seconds_until(lambda server=server: status(server) == 200)
            seconds_until(lambda server=server: status(server, "/v1/me") == 200)
        signed_out = httpx.delete(f"{first}/v1/me/sessions", headers=session)
        assert signed_out.status_code == 204, signed_out.text
        assert seconds_until(lambda: status(second) == 401) < 1
        assert status(second, "/v1/me") == 401
        assert status(first) == 401


async def test_a_removed_membership_and_a_disabled_person_apply_in_every_process(
    committed_database_url: str, committed_database: Database
) -> None:
    env = _env(committed_database_url)
    with live_server(env) as first, live_server(env) as second:
        for email, team in (("owner@example.com", "shared"), ("bo@example.com", "own")):
            created = httpx.post(
                f"{first}/v1/users",
                json={
                    "email": email,
                    "display_name": email.split("@")[0],
                    "password": PASSWORD,
                    "owner_of": team,
                },
                headers=ADMIN,
            )
            assert created.status_code == 201, created.text
        async with committed_database.write(ALL_TEAMS) as transaction:
            await transaction.connection.execute(
                "INSERT INTO membership (team_id, user_id, role, created_at)"
                " SELECT t.id, u.id, 'member', now() FROM team t, user_account u"
                " WHERE t.name = 'shared' AND u.email = 'bo@example.com'"
            )
        bo = _sign_in(first, "bo@example.com")
        owner = _sign_in(first, "owner@example.com")

        def status(server: str, team: str) -> int:
            return httpx.get(f"{server}/v1/teams/{team}/posts", headers=bo).status_code

        for server in (first, second):
            seconds_until(lambda server=server: status(server, "shared") == 200)
            seconds_until(lambda server=server: status(server, "own") == 200)

        # Removed from the team through one process: a 403 there in the other.
        me = httpx.get(f"{first}/v1/me", headers=bo).json()
        removed = httpx.delete(
            f"{first}/v1/teams/shared/members/{me['user']['id']}", headers=owner
        )
        assert removed.status_code == 204, removed.text
        assert seconds_until(lambda: status(second, "shared") == 403) < 1
        assert status(second, "own") == 200

        # Disabled in the database: no process accepts the session any more.
        async with committed_database.write(ALL_TEAMS) as transaction:
            await transaction.connection.execute(
                "UPDATE user_account SET disabled = true WHERE email = 'bo@example.com'"
            )
        assert seconds_until(lambda: status(first, "own") == 401) < 1
        assert seconds_until(lambda: status(second, "own") == 401) < 1
