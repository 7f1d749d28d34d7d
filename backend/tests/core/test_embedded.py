"""The embedded PostgreSQL: kept data, and no server left behind however we stop."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import httpx
import psutil
import pytest

from app.core.config import BACKEND_DIR
from app.core.embedded import EmbeddedPostgres

# Inside the ignored data folder: as root the wheel opens up every parent folder.
SCRATCH = BACKEND_DIR / ".data" / "scratch"


@pytest.fixture
def data_dir() -> Iterator[Path]:
    path = SCRATCH / uuid4().hex[:8]
    path.mkdir(parents=True)
    yield path
    for process in postgres_processes(path):
        process.kill()
    shutil.rmtree(path, ignore_errors=True)


def postgres_processes(data_dir: Path) -> list[psutil.Process]:
    pgdata = str(data_dir / "postgres")
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        cmdline = process.info["cmdline"] or []
        if process.info["name"] == "postgres" and pgdata in cmdline:
            found.append(process)
    return found


def postmaster_pid(data_dir: Path) -> int:
    return int((data_dir / "postgres" / "postmaster.pid").read_text().split()[0])


def wait_until_gone(data_dir: Path, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while postgres_processes(data_dir):
        assert time.monotonic() < deadline, "postgres is still running"
        time.sleep(0.2)


def test_data_survives_a_restart(data_dir: Path) -> None:
    first = EmbeddedPostgres(data_dir)
    first.ensure_database()
    first._psql(
        "CREATE TABLE kept (value text); INSERT INTO kept VALUES ('still here')"
    )
    first.stop()
    wait_until_gone(data_dir)

    second = EmbeddedPostgres(data_dir)
    second.ensure_database()
    assert "postgresql+asyncpg://postgres@/looped?host=" in second.url()
    rows = second._psql("SELECT value FROM kept")
    second.stop()
    assert rows.strip() == "still here"
    wait_until_gone(data_dir)


HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from app.core.embedded import EmbeddedPostgres
    EmbeddedPostgres(Path(sys.argv[1])).start()
    print("ready", flush=True)
    time.sleep(600)
    """
)


def test_orphan_of_a_killed_parent_is_adopted_and_stopped(data_dir: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(data_dir)],
        cwd=BACKEND_DIR,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "ready"
    orphan = postmaster_pid(data_dir)
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
    assert psutil.pid_exists(orphan), "SIGKILL leaves the server running"

    adopter = EmbeddedPostgres(data_dir)
    adopter.start()
    assert postmaster_pid(data_dir) == orphan, "the running server is reused"
    adopter.stop()
    wait_until_gone(data_dir)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_first_start_seeds_demo_data_and_sigterm_stops_everything(
    data_dir: Path,
) -> None:
    port = free_port()
    env = {
        **os.environ,
        "DATA_DIR": str(data_dir),
        "DATABASE_URL": "",
        "ENVIRONMENT": "development",
    }
    output = data_dir / "serve.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--migrate", "--port", str(port)],
        cwd=BACKEND_DIR,
        env=env,
        stdout=output.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, "the server exited early"
            assert time.monotonic() < deadline, "the server never became healthy"
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/health/db", timeout=2)
                if response.status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        assert response.json()["revision"]
        assert postgres_processes(data_dir)
        printed = output.read_text()
        assert "Created the 'demo' team" in printed
        raw_key = printed.split("store it now): ")[1].split()[0]
        posts = httpx.get(
            f"http://127.0.0.1:{port}/v1/teams/demo/posts",
            headers={"Authorization": f"Bearer {raw_key}"},
        )
        assert posts.json()["total"] >= 3
        assert printed.count(raw_key) == 1, "the key is printed once, never logged"

        server.send_signal(signal.SIGTERM)
        # uvicorn shuts down gracefully, then re-raises the signal: 128 + 15.
        assert server.wait(timeout=30) in (0, 128 + signal.SIGTERM)
        wait_until_gone(data_dir)
    finally:
        if server.poll() is None:
            server.kill()
