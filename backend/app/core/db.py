"""The database as requests and workers use it: an asyncpg pool, statements written
with SQLAlchemy Core and compiled once to the driver's SQL, and one session per
request that the route asks for by what it does (reads, or writes in a transaction).

SQLAlchemy stays for the models, the statements' construction and the migrations;
at run time each statement is a prepared asyncpg statement, with no per-request
compilation, result processing or unit of work in between."""

import logging
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Coroutine,
    Mapping,
    Sequence,
)
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from dataclasses import dataclass
from types import TracebackType
from typing import Annotated, Any, Protocol, TypeVar, cast
from uuid import UUID

import asyncpg
import orjson
from asyncpg.pool import PoolConnectionProxy
from fastapi import Depends, Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from sqlalchemy import BindParameter, ClauseElement, bindparam
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.engine import make_url
from sqlalchemy.sql.compiler import SQLCompiler

from app.core.config import Settings
from app.core.embedded import embedded_postgres
from app.core.errors import DatabaseBusy, DatabaseUnavailable
from app.core.roles import OWNER_ROLE, RUNTIME_ROLE
from app.core.slots import Slots

logger = logging.getLogger("app.db")
_ROW_SECURITY_BYPASS = (
    "SELECT current_user AS role, rolsuper OR rolbypassrls AS bypasses FROM pg_roles "
    "WHERE rolname = current_user"
)
_DIALECT = asyncpg_dialect()  # type: ignore[no-untyped-call]
_NO_PARAMS: Mapping[str, Any] = {}
T = TypeVar("T")
# The server cannot be reached, is starting or stopping, or dropped the connection:
# the request may succeed shortly, so it is told to retry rather than given a 500.
# (OSError covers refused connections, missing sockets and connect timeouts; the
# 08 class, connections lost or rejected; 53300, a server at max_connections.)
_OUTAGES = (
    OSError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.TooManyConnectionsError,
)


def _lost(connection: "Connection") -> bool:
    try:
        return connection.is_closed()
    except asyncpg.InterfaceError:
        # Still held here, a pooled connection is detached only when the pool
        # saw it die.
        return True


def _is_outage(error: BaseException, connection: "Connection") -> bool:
    if isinstance(error, _OUTAGES):
        return True
    if isinstance(error, asyncpg.InternalClientError):
        # The server's word that it ended the connection can arrive while a
        # COMMIT is being sent; the protocol is then still consuming that error
        # and refuses the query.
        return True
    # A connection the server dropped fails its next use, its ROLLBACK or its
    # COMMIT with an interface error; on a live connection the same class means
    # a bug, and stays a 500.
    return isinstance(error, asyncpg.InterfaceError) and _lost(connection)


def _unavailable(error: BaseException) -> DatabaseUnavailable:
    return DatabaseUnavailable(
        details={"reason": type(error).__name__}, headers={"Retry-After": "1"}
    )


# Row-level security reads the team from `app.team_id`: a team's id, nothing (no
# team-scoped row is visible) or every team, for what spans them by design (finding
# a key by its hash, the operator's API, the audit queue). Values are only ever
# these forms, so they may be written into SQL.
Tenancy = str
NO_TEAM: Tenancy = ""
ALL_TEAMS: Tenancy = "*"
_SET_TENANCY = "SELECT set_config('app.team_id', $1, false)"
_SET_TRANSACTION_TENANCY = "SELECT set_config('app.team_id', $1, true)"


def team_tenancy(team_id: UUID) -> Tenancy:
    return str(team_id)


def _begin(tenancy: Tenancy) -> str:
    # One message, so a transaction's team costs no round trip of its own.
    return f"BEGIN; SELECT set_config('app.team_id', '{tenancy}', true)"


class TenantConnection(asyncpg.Connection):
    """Remembers the team its session is set to, so that a read for the team the
    connection last served (the usual case under load) costs no extra statement."""

    __slots__ = ("_tenancy",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._tenancy: Tenancy | None = None

    async def enter_tenancy(self, tenancy: Tenancy) -> None:
        if self._tenancy != tenancy:
            self._tenancy = None
            await self.fetchval(_SET_TENANCY, tenancy)
            self._tenancy = tenancy

    def forget_tenancy(self) -> None:
        """For a caller that may undo the setting (a rolled-back savepoint)."""
        self._tenancy = None


def _tenant(connection: "Connection") -> TenantConnection:
    # A pool's proxy passes attribute access on to its connection.
    return cast(TenantConnection, connection)


@dataclass(frozen=True, slots=True)
class Query:
    """A statement compiled once: its SQL, and the names of its `$n` parameters
    (with the values the statement itself bound, such as `.values(status=...)`)."""

    sql: str
    names: tuple[str, ...]
    bound: Mapping[str, Any]

    def args(self, params: Mapping[str, Any]) -> list[Any]:
        # Values the statement fixed win: a caller's parameter never changes them.
        bound = self.bound
        return [bound[name] if name in bound else params[name] for name in self.names]


def compile_query(
    statement: ClauseElement, *, inserting: Sequence[str] | None = None
) -> Query:
    """`inserting` names the columns an INSERT takes as parameters, by their names."""
    compiled = statement.compile(
        dialect=_DIALECT, column_keys=list(inserting) if inserting else None
    )
    assert isinstance(compiled, SQLCompiler)
    bound = {
        name: bind.value
        for name, bind in compiled.binds.items()
        if not bind.required and bind.callable is None
    }
    return Query(compiled.string, tuple(compiled.positiontup or ()), bound)


def column_params(table: Any, names: Sequence[str]) -> list[BindParameter[Any]]:
    """Bind parameters named and typed as the table's columns, for the select list
    of an `INSERT ... SELECT` (whose check rides in the statement)."""
    return [bindparam(name, type_=table.__table__.c[name].type) for name in names]


# A pooled connection comes as the pool's proxy; both run statements alike.
Connection = asyncpg.Connection | PoolConnectionProxy


class Session(Protocol):
    """Runs compiled statements; which connection each runs on is the kind's."""

    async def all(
        self, query: Query, params: Mapping[str, Any] = ...
    ) -> list[asyncpg.Record]: ...

    async def one_or_none(
        self, query: Query, params: Mapping[str, Any] = ...
    ) -> asyncpg.Record | None: ...

    async def scalar(self, query: Query, params: Mapping[str, Any] = ...) -> Any: ...

    async def execute(self, query: Query, params: Mapping[str, Any] = ...) -> None: ...


class OnConnection:
    """Every statement on one connection: a transaction, a worker's unit of work."""

    __slots__ = ("connection",)

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    async def all(
        self, query: Query, params: Mapping[str, Any] = _NO_PARAMS
    ) -> list[asyncpg.Record]:
        return await self.connection.fetch(query.sql, *query.args(params))

    async def one_or_none(
        self, query: Query, params: Mapping[str, Any] = _NO_PARAMS
    ) -> asyncpg.Record | None:
        return await self.connection.fetchrow(query.sql, *query.args(params))

    async def scalar(self, query: Query, params: Mapping[str, Any] = _NO_PARAMS) -> Any:
        return await self.connection.fetchval(query.sql, *query.args(params))

    async def execute(
        self, query: Query, params: Mapping[str, Any] = _NO_PARAMS
    ) -> None:
        await self.connection.execute(query.sql, *query.args(params))


async def prepare_connection(connection: asyncpg.Connection) -> None:
    """JSON and JSONB as Python values, through orjson, on every connection."""
    for type_name in ("json", "jsonb"):
        await connection.set_type_codec(
            type_name,
            encoder=lambda value: orjson.dumps(value).decode(),
            decoder=orjson.loads,
            schema="pg_catalog",
        )


async def _reset(connection: asyncpg.Connection) -> None:
    # asyncpg's default reset costs a round trip on every release (RESET ALL,
    # UNLISTEN *, ...) for session state the app never sets; only an unfinished
    # transaction (a cancelled request) has to be undone.
    if connection.is_in_transaction():
        await connection.execute("ROLLBACK")


def asyncpg_dsn(url: str) -> str:
    return (
        make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    )


Acquire = Callable[[], AbstractAsyncContextManager[Connection]]


class Database:
    """Connections for requests and workers; `acquire` is the pool's, or in tests
    one connection inside a transaction that the test rolls back."""

    def __init__(
        self,
        acquire: Acquire,
        *,
        dsn: str,
        settings: Settings,
        close: Callable[[], Any] | None = None,
    ) -> None:
        self._acquire = acquire
        self._close = close
        self.dsn = dsn
        self.connect_timeout = settings.db_connect_timeout
        # Requests take a slot before a pooled connection. The pool's own wait lets
        # a newcomer take a connection ahead of requests already waiting; this
        # queue is first come, first served, which cut p99 at 100 connections by
        # two thirds.
        self._slots = Slots(settings.db_pool_size, settings.db_pool_timeout)

    @classmethod
    async def connect(cls, url: str, settings: Settings) -> "Database":
        dsn = asyncpg_dsn(url)
        # min_size=0: the API starts, and says so on /health/db, while the
        # database is still down; connections are opened as requests need them.
        pool: asyncpg.Pool = await asyncpg.create_pool(
            dsn,
            min_size=0,
            max_size=settings.db_pool_size,
            init=prepare_connection,
            reset=_reset,
            connection_class=TenantConnection,
            timeout=settings.db_connect_timeout,
            server_settings={
                "application_name": "looped-needle",
                # Every statement is prepared once per connection and its LIMIT
                # and OFFSET are parameters. A plan built for the values at hand
                # (PostgreSQL's default for a statement's first executions, and
                # for good when those were cheap) sees the team's rows halved by
                # the row-level security policy, and for a deep page sorts the
                # whole team in parallel workers: 30 ms instead of 3 for
                # `offset=9000` of 10,000 audits. The generic plan walks the index.
                "plan_cache_mode": "force_generic_plan",
            },
        )

        acquire = cast(Acquire, pool.acquire)
        return cls(acquire, dsn=dsn, settings=settings, close=pool.close)

    async def connect_one(self) -> asyncpg.Connection:
        """A connection of its own, outside the pool (a LISTEN subscription)."""
        connection: asyncpg.Connection = await asyncpg.connect(
            self.dsn,
            timeout=self.connect_timeout,
            server_settings={"application_name": "looped-needle-listener"},
        )
        return connection

    async def _take_slot(self) -> None:
        try:
            await self._slots.take()
        except TimeoutError:
            raise DatabaseBusy(headers={"Retry-After": "1"}) from None

    async def run(
        self, tenancy: Tenancy, use: Callable[[Connection], Awaitable[T]]
    ) -> T:
        """`use` on a pooled connection set to the team: one read's whole path,
        with no generator-based context manager on it."""
        async with _Lease(self) as connection:
            await _tenant(connection).enter_tenancy(tenancy)
            return await use(connection)

    @asynccontextmanager
    async def read(self, tenancy: Tenancy = NO_TEAM) -> AsyncIterator[OnConnection]:
        """Statements that stand alone: no BEGIN and COMMIT round trips. The team
        is the connection's session setting, changed only when it differs."""
        async with _Lease(self) as connection:
            await _tenant(connection).enter_tenancy(tenancy)
            yield OnConnection(connection)

    @asynccontextmanager
    async def write(self, tenancy: Tenancy = NO_TEAM) -> AsyncIterator[OnConnection]:
        """One transaction for one team, set for that transaction only: committed
        when the block ends, rolled back on error."""
        async with _Lease(self) as connection:
            if connection.is_in_transaction():
                # Nested in a caller's transaction (as tests run): a savepoint.
                async with connection.transaction():
                    await connection.fetchval(_SET_TRANSACTION_TENANCY, tenancy)
                    yield OnConnection(connection)
                return
            await connection.execute(_begin(tenancy))
            try:
                yield OnConnection(connection)
            except BaseException:
                if connection.is_in_transaction() and not _lost(connection):
                    await connection.execute("ROLLBACK")
                raise
            await connection.execute("COMMIT")

    async def dispose(self) -> None:
        if self._close is not None:
            await self._close()


class _Lease:
    """A connection for one block, taken after a slot in the database's queue; a
    server that cannot be reached or was lost becomes `DatabaseUnavailable`. A
    class, not a generator: every statement of a read enters one."""

    __slots__ = ("_database", "_acquired", "_connection")

    def __init__(self, database: Database) -> None:
        self._database = database

    async def __aenter__(self) -> Connection:
        database = self._database
        await database._take_slot()
        try:
            self._acquired = database._acquire()
            self._connection = await self._acquired.__aenter__()
        except BaseException as error:
            database._slots.give_back()
            if isinstance(error, _OUTAGES):
                raise _unavailable(error) from None
            raise
        return self._connection

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            await self._acquired.__aexit__(kind, error, traceback)
        except _OUTAGES as failure:
            raise _unavailable(failure) from None
        finally:
            self._database._slots.give_back()
        if error is not None and _is_outage(error, self._connection):
            raise _unavailable(error) from None


class _Deferred:
    """Runs each statement through `_run`, on the connection its kind lends."""

    async def _run(self, use: Callable[[Connection], Awaitable[T]]) -> T:
        raise NotImplementedError

    async def all(
        self, query: Query, params: Mapping[str, Any] = _NO_PARAMS
    ) -> list[asyncpg.Record]:
        return await self._run(lambda c: c.fetch(query.sql, *query.args(params)))

    async def one_or_none(
        self, query: Query, params: Mapping[str, Any] = _NO_PARAMS
    ) -> asyncpg.Record | None:
        return await self._run(lambda c: c.fetchrow(query.sql, *query.args(params)))

    async def scalar(self, query: Query, params: Mapping[str, Any] = _NO_PARAMS) -> Any:
        return await self._run(lambda c: c.fetchval(query.sql, *query.args(params)))

    async def execute(
        self, query: Query, params: Mapping[str, Any] = _NO_PARAMS
    ) -> None:
        await self._run(lambda c: c.execute(query.sql, *query.args(params)))


_TENANCY = "looped.tenancy"


def set_tenancy(request: Request, tenancy: Tenancy) -> None:
    """The team the request's statements run for, from its principal; a request
    that sets none sees no team's rows."""
    request.scope[_TENANCY] = tenancy


def _tenancy(request: Request) -> Tenancy:
    tenancy: Tenancy = request.scope.get(_TENANCY, NO_TEAM)
    return tenancy


async def across_teams(request: Request) -> None:
    """For routes whose statements span teams by design and say which rows they
    touch themselves: a person's own account, sign-in and sign-up."""
    set_tenancy(request, ALL_TEAMS)


class PooledReads(_Deferred):
    """Reads that stand alone, each statement on a pooled connection of its own:
    a reading request holds no connection between its statements."""

    __slots__ = ("_database", "_request")

    def __init__(self, database: Database, request: Request) -> None:
        self._database = database
        self._request = request

    async def _run(self, use: Callable[[Connection], Awaitable[T]]) -> T:
        return await self._database.run(_tenancy(self._request), use)


class OneStatement(_Deferred):
    """A write that is one statement, which PostgreSQL runs as its own
    transaction: no BEGIN and COMMIT round trips. A second statement is refused,
    so a route cannot lose atomicity by growing one."""

    __slots__ = ("_database", "_request", "_used")

    def __init__(self, database: Database, request: Request) -> None:
        self._database = database
        self._request = request
        self._used = False

    async def _run(self, use: Callable[[Connection], Awaitable[T]]) -> T:
        if self._used:
            raise RuntimeError("a one-statement write ran a second statement")
        self._used = True
        return await self._database.run(_tenancy(self._request), use)


class RequestTransaction(_Deferred):
    """A request's one transaction: begun at its first statement (a request that
    writes nothing takes no connection) and ended by `TransactionRoute`."""

    __slots__ = ("_database", "_request", "_block", "_session")

    def __init__(self, database: Database, request: Request) -> None:
        self._database = database
        self._request = request
        self._block: AbstractAsyncContextManager[OnConnection] | None = None
        self._session: OnConnection | None = None

    async def _run(self, use: Callable[[Connection], Awaitable[T]]) -> T:
        if self._session is None:
            self._block = self._database.write(_tenancy(self._request))
            self._session = await self._block.__aenter__()
        return await use(self._session.connection)

    async def end(self, error: BaseException | None) -> None:
        """Commits (and raises if that fails), or rolls back after an error."""
        block, self._block, self._session = self._block, None, None
        if block is None:
            return
        if error is None:
            await block.__aexit__(None, None, None)
            return
        # The request failed already: that error, not the rollback's, is reported.
        with suppress(Exception):
            await block.__aexit__(type(error), error, error.__traceback__)


_TRANSACTION = "looped.transaction"


def _writes(dependant: Dependant) -> bool:
    return dependant.call is write_session or any(
        _writes(dependency) for dependency in dependant.dependencies
    )


class TransactionRoute(APIRoute):
    """Commits the request's transaction when the endpoint has returned, before
    any byte of the response is sent, as Polar's routes do. A plain dependency
    and this wrapper cost FastAPI far less than a generator dependency."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()
        if not _writes(self.dependant):
            # A route that only reads pays for no transaction it would not use.
            return handle

        async def handle_in_transaction(request: Request) -> Response:
            transaction = RequestTransaction(request.app.state.database, request)
            request.scope[_TRANSACTION] = transaction
            try:
                response = await handle(request)
            except BaseException as error:
                await transaction.end(error)
                raise
            await transaction.end(None)
            return response

        return handle_in_transaction


def _embedded_url(settings: Settings, role: str) -> str:
    embedded = embedded_postgres(settings.data_dir)
    embedded.ensure_database()
    return embedded.url(user=role)


def resolve_database_url(settings: Settings) -> str:
    """Where the API and workers connect: the configured server, or the embedded
    one started (blocking) on demand, as the runtime role."""
    if settings.database_url:
        return settings.database_url
    return _embedded_url(settings, RUNTIME_ROLE)


def resolve_migration_url(settings: Settings) -> str:
    """Where migrations run, as the schema's owner."""
    if settings.migration_database_url:
        return settings.migration_database_url
    if settings.database_url:
        return settings.database_url
    return _embedded_url(settings, OWNER_ROLE)


async def warn_if_row_security_is_bypassed(database: Database) -> None:
    """A superuser or BYPASSRLS role sees every team's rows whatever the policies
    say: allowed (a quick try against a shared server), but never silently."""
    try:
        async with database.read() as session:
            row = await session.connection.fetchrow(_ROW_SECURITY_BYPASS)
    except DatabaseUnavailable:
        return
    if row is not None and row["bypasses"]:
        logger.warning(
            "row-level security does not apply to this database role; connect as "
            "the runtime role (README, Database roles)",
            extra={"role": row["role"]},
        )


def stop_embedded(settings: Settings) -> None:
    if settings.embedded_database:
        embedded_postgres(settings.data_dir).stop()


async def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


async def read_session(request: Request) -> Session:
    return PooledReads(request.app.state.database, request)


async def one_statement(request: Request) -> Session:
    return OneStatement(request.app.state.database, request)


async def write_session(request: Request) -> Session:
    """The request's one transaction; its route, a TransactionRoute, commits it."""
    transaction: RequestTransaction | None = request.scope.get(_TRANSACTION)
    if transaction is None:
        raise RuntimeError("a route that writes must be a TransactionRoute")
    return transaction


ReadSessionDep = Annotated[Session, Depends(read_session)]
SessionDep = Annotated[Session, Depends(write_session)]
OneStatementDep = Annotated[Session, Depends(one_statement)]
DatabaseDep = Annotated[Database, Depends(get_database)]
