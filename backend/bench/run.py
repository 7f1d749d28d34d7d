"""`make bench`: the API's hot paths (list, get, create) under wrk at 100 connections,
next to the same queries on bare asyncpg. Medians of several rounds, and their ratio.

Runs on the embedded PostgreSQL in DATA_DIR/bench (or DATABASE_URL when set, where it
only touches a team of its own). Rate limiting and access logs are off: the run
measures the request path and the database, not the limiter or stdout.
"""

import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import migrate
from app.core.config import BACKEND_DIR, load_settings
from app.core.db import Database, resolve_database_url, stop_embedded
from app.posts import service as posts
from app.posts.models import PostCreate
from app.teams import service as teams
from app.teams.service import AuthenticatedKey
from tests.support.databases import asyncpg_dsn
from tests.support.live_server import free_port

CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "100"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "8"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
THREADS = 200
REPLIES_PER_THREAD = 4
RESULTS = BACKEND_DIR / ".data" / "bench-results.json"


async def prepare(url: str, settings: Any) -> dict[str, tuple[str, str]]:
    """A team with 1,000 posts for the reads, and an empty one that the writes fill
    (so the reads see the same data every round). Returns each operation's path
    and the key to call it with."""
    database = Database.connect(url, settings)
    try:
        async with database.sessionmaker() as session, session.begin():
            reader, reader_key, thread_id = await _fill(session)
            writer = f"{reader}-w"
            _, writer_key = await teams.create_team(session, writer)
        # Fresh statistics and visibility map, as a settled database would have.
        async with database.engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text("VACUUM ANALYZE post"))
    finally:
        await database.dispose()
    return {
        "list": (f"/v1/teams/{reader}/posts", reader_key),
        "get": (f"/v1/teams/{reader}/posts/{thread_id}", reader_key),
        "create": (f"/v1/teams/{writer}/posts", writer_key),
    }


async def _fill(session: AsyncSession) -> tuple[str, str, str]:
    name = f"bench-{uuid4().hex[:8]}"
    team, raw_key = await teams.create_team(session, name)
    key = AuthenticatedKey(team.id, team.id, name, None)
    thread_id = ""
    for i in range(THREADS):
        thread = await posts.create_post(
            session,
            key,
            PostCreate(
                author_name="bench", content=f"thread {i}", tags=["bench", f"t{i % 7}"]
            ),
        )
        thread_id = str(thread.id)
        for j in range(REPLIES_PER_THREAD):
            await posts.create_post(
                session,
                key,
                PostCreate(
                    author_name="bench", content=f"reply {j}", parent_post_id=thread.id
                ),
            )
    return name, raw_key, thread_id


@contextmanager
def server(command: list[str], env: dict[str, str], health: str) -> Iterator[None]:
    process = subprocess.Popen(
        command, cwd=BACKEND_DIR, env={**os.environ, **env}, stdout=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(health, timeout=2).status_code < 500:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{command[2:4]} did not start")
            time.sleep(0.3)
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


def wrk(url: str, raw_key: str, lua: Path | None = None) -> tuple[float, float]:
    command = [
        "wrk",
        "-t2",
        f"-c{CONNECTIONS}",
        f"-d{SECONDS}s",
        "--latency",
        "-H",
        f"Authorization: Bearer {raw_key}",
        url,
    ]
    if lua:
        command[1:1] = ["-s", str(lua)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise RuntimeError(f"{errors.group(1)} failed requests:\n{output}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", output)
    assert p99, output
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    return rps, float(p99.group(1)) * scale


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("make bench needs wrk: apt-get install wrk")
    settings = load_settings(data_dir=BACKEND_DIR / ".data" / "bench")
    url = resolve_database_url(settings)
    try:
        migrate.upgrade(url)
        results = measure(url, asyncio.run(prepare(url, settings)))
    finally:
        stop_embedded(settings)
    report(results)


def measure(url: str, operations: dict[str, tuple[str, str]]) -> dict[str, Any]:
    api_port, baseline_port = free_port(), free_port()
    api_env = {"DATABASE_URL": url, "RATE_LIMIT": "", "LOG_LEVEL": "WARNING"}
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        body = json.dumps({"author_name": "bench", "content": "load", "tags": ["x"]})
        lua.write(
            'wrk.method = "POST"\n'
            'wrk.headers["Content-Type"] = "application/json"\n'
            f"wrk.body = '{body}'\n"
        )
        lua.flush()
        samples: dict[str, dict[str, list[tuple[float, float]]]] = {
            "api": {op: [] for op in operations},
            "baseline": {op: [] for op in operations},
        }
        with (
            server(
                [sys.executable, "-m", "app.cli", "serve", "--port", str(api_port)],
                api_env,
                f"http://127.0.0.1:{api_port}/health",
            ),
            server(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "bench.baseline:app",
                    "--port",
                    str(baseline_port),
                    "--log-level",
                    "warning",
                    "--no-access-log",
                ],
                {"BASELINE_DSN": asyncpg_dsn(url)},
                f"http://127.0.0.1:{baseline_port}/",
            ),
        ):
            # Operation by operation, so the writes run last and the reads always
            # see the same data; API and baseline alternate within each round.
            for op, (path, raw_key) in operations.items():
                for _ in range(ROUNDS):
                    for target, port in (
                        ("api", api_port),
                        ("baseline", baseline_port),
                    ):
                        sample = wrk(
                            f"http://127.0.0.1:{port}{path}",
                            raw_key,
                            Path(lua.name) if op == "create" else None,
                        )
                        samples[target][op].append(sample)
    return samples


def report(samples: dict[str, Any]) -> None:
    rows = {}
    print(f"\n{CONNECTIONS} connections, {SECONDS}s x {ROUNDS} rounds, medians")
    header = ("API req/s", "p99 ms", "raw req/s", "p99 ms", "ratio")
    print(f"{'':8}" + "".join(f"{title:>11}" for title in header))
    for op in samples["api"]:
        api_rps = statistics.median(s[0] for s in samples["api"][op])
        api_p99 = statistics.median(s[1] for s in samples["api"][op])
        raw_rps = statistics.median(s[0] for s in samples["baseline"][op])
        raw_p99 = statistics.median(s[1] for s in samples["baseline"][op])
        rows[op] = {
            "api_rps": api_rps,
            "api_p99_ms": api_p99,
            "raw_rps": raw_rps,
            "raw_p99_ms": raw_p99,
            "ratio": api_rps / raw_rps,
        }
        cells = (api_rps, api_p99, raw_rps, raw_p99, api_rps / raw_rps)
        print(f"{op:8}" + "".join(f"{cell:11.2f}" for cell in cells))
    RESULTS.write_text(json.dumps(rows, indent=2))
    print(f"\nwritten to {RESULTS.relative_to(BACKEND_DIR)}")


if __name__ == "__main__":
    main()
