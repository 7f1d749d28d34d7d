"""PostgreSQL, not only our WHERE clauses, keeps teams apart: the runtime role is
bound by row-level security on every team-scoped table, and can change rows but
not the schema."""

from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest

from app.core.db import OnConnection, asyncpg_dsn
from app.core.roles import RUNTIME_ROLE
from tests.support.databases import as_role
from tests.support.factories import TeamWithKey, make_post

TEAM_SCOPED = ("post", "audit", "api_key", "membership", "invitation")


@pytest.fixture
async def runtime(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    """A connection of the runtime role's own, as the API and workers open them."""
    connection = await asyncpg.connect(asyncpg_dsn(as_role(database_url)))
    yield connection
    await connection.close()


async def test_the_runtime_role_is_neither_superuser_nor_exempt(
    runtime: asyncpg.Connection,
) -> None:
    row = await runtime.fetchrow(
        "SELECT current_user AS name, rolsuper, rolbypassrls, rolcreaterole,"
        " rolcreatedb FROM pg_roles WHERE rolname = current_user"
    )
    assert row is not None
    assert row["name"] == RUNTIME_ROLE
    assert not any((row["rolsuper"], row["rolbypassrls"], row["rolcreaterole"]))
    assert not row["rolcreatedb"]


@pytest.mark.parametrize(
    "ddl",
    [
        "CREATE TABLE intruder (id int)",
        "ALTER TABLE post ADD COLUMN intruder int",
        "ALTER TABLE post DISABLE ROW LEVEL SECURITY",
        "DROP POLICY team_isolation ON post",
        "DROP TABLE post",
        "TRUNCATE post",
        "CREATE FUNCTION intruder() RETURNS int LANGUAGE sql AS 'SELECT 1'",
    ],
)
async def test_the_runtime_role_cannot_change_the_schema(
    runtime: asyncpg.Connection, ddl: str
) -> None:
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await runtime.execute(ddl)


async def test_the_runtime_role_cannot_rewrite_the_migration_history(
    runtime: asyncpg.Connection,
) -> None:
    assert await runtime.fetchval("SELECT count(*) FROM alembic_version") == 1
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await runtime.execute("DELETE FROM alembic_version")


async def test_every_team_scoped_table_forces_row_security(
    session: OnConnection,
) -> None:
    rows = await session.connection.fetch(
        "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class"
        " WHERE relname = ANY($1::text[]) AND relkind = 'r'",
        list(TEAM_SCOPED),
    )
    assert {row["relname"] for row in rows} == set(TEAM_SCOPED)
    assert all(row["relrowsecurity"] and row["relforcerowsecurity"] for row in rows)
    # And no other table has a team_id column without the same protection.
    scoped = await session.connection.fetch(
        "SELECT table_name FROM information_schema.columns"
        " WHERE table_schema = 'public' AND column_name = 'team_id'"
    )
    assert {row["table_name"] for row in scoped} == set(TEAM_SCOPED)


async def _as_runtime(session: OnConnection, team: str) -> None:
    """The test's connection as the runtime role, for `team` ("": none)."""
    await session.connection.execute(f"SET LOCAL ROLE {RUNTIME_ROLE}")
    await session.connection.execute("SELECT set_config('app.team_id', $1, true)", team)


async def test_with_no_team_set_no_row_is_visible(
    client: httpx.AsyncClient,
    session: OnConnection,
    team_a: TeamWithKey,
    team_b: TeamWithKey,
) -> None:
    await make_post(client, team_a)
    await make_post(client, team_b)
    await _as_runtime(session, "")
    for table in TEAM_SCOPED:
        assert await session.connection.fetch(f"SELECT * FROM {table}") == []


async def test_a_team_sees_and_changes_only_its_own_rows(
    client: httpx.AsyncClient,
    session: OnConnection,
    team_a: TeamWithKey,
    team_b: TeamWithKey,
) -> None:
    mine = await make_post(client, team_a)
    theirs = await make_post(client, team_b)
    await _as_runtime(session, str(team_a.team.id))
    connection = session.connection

    visible = await connection.fetch("SELECT id FROM post")
    assert [str(row["id"]) for row in visible] == [mine["id"]]
    assert (
        await connection.fetchval(
            "SELECT count(*) FROM api_key WHERE team_id = $1", team_b.team.id
        )
        == 0
    )

    updated = await connection.execute(
        "UPDATE post SET content = 'taken over' WHERE id = $1", theirs["id"]
    )
    assert updated == "UPDATE 0"
    deleted = await connection.execute("DELETE FROM post WHERE id = $1", theirs["id"])
    assert deleted == "DELETE 0"
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        # Moving a row into another team is refused by the policy's check.
        await connection.execute(
            "UPDATE post SET team_id = $1 WHERE id = $2", team_b.team.id, mine["id"]
        )


async def test_a_malformed_team_setting_matches_nothing_and_fails_loudly(
    session: OnConnection, team_a: TeamWithKey
) -> None:
    await _as_runtime(session, "not-a-uuid")
    with pytest.raises(asyncpg.InvalidTextRepresentationError):
        await session.connection.fetch("SELECT * FROM api_key")
