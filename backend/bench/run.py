"""`make bench`: the API's hot paths under wrk at 100 connections, next to the same
queries on bare asyncpg twice: under FastAPI (the baseline, `bench/baseline.py`) and
under plain Starlette with orjson (the floor, `bench/floor.py`). Medians of several
rounds, each target's ratio to the floor, and whether the API meets its targets
against the floor.

Posts: list, get (with a team key, and with a person's session) and create. Audits:
create, and the list of a team holding 10,000 audits (first page, a filtered page, a
deep offset). Each operation also runs at a single connection, for the latency of
one request on an otherwise idle server.

Runs on the embedded PostgreSQL in DATA_DIR/bench (or DATABASE_URL when set, where it
only touches teams of its own). Rate limiting and access logs are off: the run
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple
from uuid import UUID, uuid4

import httpx
from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import JSONB

from app.ai.schemas import Category, Finding, Severity, TokenUsage
from app.audits.models import AuditDetails, AuditError
from app.core import migrate
from app.core.config import BACKEND_DIR, load_settings
from app.core.db import (
    ALL_TEAMS,
    Database,
    Session,
    asyncpg_dsn,
    compile_query,
    resolve_database_url,
    resolve_migration_url,
    stop_embedded,
)
from app.core.embedded import embedded_postgres
from app.people import service as people
from app.people.models import KEY_ROLE, Caller, Role
from app.posts import service as posts
from app.posts.models import PostCreate
from app.teams import service as teams
from app.teams.repository import TEAM_BY_NAME
from tests.support.live_server import free_port

CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "100"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "8"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
# A comma-separated subset of the operations, e.g. "get,audit_create"; all by default.
ONLY = [op for op in os.environ.get("BENCH_OPERATIONS", "").split(",") if op]
# One connection makes hundreds of requests a second: enough for a steady p50 and p95.
SINGLE_SECONDS = max(2, SECONDS // 4)
WARM_UP_SECONDS = 2
THREADS = 200
# Audit creates take their team's queue lock, so one team would queue them one at a
# time; a busy deployment spreads them over many teams, and so does the run.
AUDIT_WRITER_TEAMS = 2_000
REPLIES_PER_THREAD = 4
AUDITS = 10_000
RESULTS = BACKEND_DIR / ".data" / "bench-results.json"
# Alternated in this order within each round; the floor is what the others are
# measured against.
TARGETS = {
    "api": "API",
    "baseline": "FastAPI on asyncpg",
    "floor": "Starlette + asyncpg",
}
# The API against the floor, per operation (and no failed request: any aborts the run).
MIN_RPS_RATIO = 0.5
MAX_P99_RATIO = 3.0
MAX_SINGLE_P50_RATIO = 2.0

AUDIT_TEXT = (
    "Hi all, quick update on the March invoice run. The export to the billing "
    "system failed twice overnight, so some customers were charged twice. Support "
    "has the list; please do not reply to customers directly. If you were one of "
    "them, call me on 555-0142 and I will sort out the refund today. Also, whoever "
    "keeps scheduling the retro over lunch: please stop, it is getting ridiculous."
)
# A review as the worker stores it, checked against the API's own model so the
# filled rows never fail its response validation.
AUDIT_DETAILS = AuditDetails(
    summary="An update on a failed invoice export that double-charged customers, "
    "asking staff to route refunds through the author, and a complaint about "
    "meeting times.",
    suggested_tags=["billing", "refunds", "incident"],
    findings=[
        Finding(
            category=Category.PERSONAL_DATA,
            severity=Severity.MEDIUM,
            evidence="call me on 555-0142",
            explanation="A personal phone number is shared in a team-wide post.",
        ),
        Finding(
            category=Category.HARASSMENT,
            severity=Severity.LOW,
            evidence="it is getting ridiculous",
            explanation="Mildly hostile wording aimed at a colleague.",
        ),
    ],
    model="gpt-5-mini",
    prompt_version="audit-v1",
    usage=TokenUsage(prompt_tokens=812, completion_tokens=236, total_tokens=1048),
    latency_ms=2841.5,
).model_dump(mode="json")
AUDIT_FAILURE = AuditError(
    code="MODEL_TIMEOUT", message="The model did not answer within 60 s"
).model_dump(mode="json")
# A settled team's audits, one a minute back in time: 80% completed (reviewed
# accepted, dismissed or not at all), 10% failed after all attempts, 10% pending.
# Random ids rather than uuid7 keep it to PostgreSQL 13+; the order is by created_at.
FILL_AUDITS = text("""
INSERT INTO audit (id, team_id, content, include_replies, status, details, error,
  attempts, run_after, review_status, created_at, updated_at, completed_at)
SELECT gen_random_uuid(), :team_id, :content, false, s.status,
  CASE s.status WHEN 'completed' THEN :details END,
  CASE s.status WHEN 'failed' THEN :error END,
  CASE s.status WHEN 'pending' THEN 0 WHEN 'failed' THEN 5 ELSE 1 END,
  s.at,
  CASE s.status WHEN 'completed'
    THEN (ARRAY['unreviewed', 'accepted', 'dismissed'])[i % 3 + 1]
    ELSE 'unreviewed' END,
  s.at, s.at,
  CASE s.status WHEN 'pending' THEN NULL ELSE s.at END
FROM generate_series(1, :count) AS i,
  LATERAL (SELECT now() - i * interval '1 minute' AS at,
    CASE WHEN i % 10 < 8 THEN 'completed' WHEN i % 10 = 8 THEN 'failed'
      ELSE 'pending' END AS status) AS s
""").bindparams(bindparam("details", type_=JSONB), bindparam("error", type_=JSONB))

# Prints the percentiles the --latency table lacks (p95), in microseconds.
WRK_DONE = """
done = function(summary, latency, requests)
  for _, p in ipairs({50, 95, 99}) do
    io.write(string.format("p%d %dus\\n", p, latency:percentile(p)))
  end
end
"""


@dataclass(frozen=True)
class Operation:
    path: str
    key: str
    body: dict[str, Any] | None = None  # POSTed as JSON when set, else a GET
    # Further (path, key) pairs the requests go round, the first being path and key.
    rotation: tuple[tuple[str, str], ...] = ()


class Sample(NamedTuple):
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float


async def prepare(url: str, settings: Any) -> dict[str, Operation]:
    """A team with 1,000 posts and one with 10,000 audits for the reads, and empty
    ones for the writes (so the reads see the same data every round); a member of
    the first team signed in, for the reads with a person's session."""
    database = await Database.connect(url, settings)
    try:
        async with database.write(ALL_TEAMS) as session:
            reader, reader_key, thread_id = await _fill(session)
            reader_session = await _sign_in_member(session, settings, reader)
            writer, auditor = (f"{reader}-{s}" for s in ("w", "a"))
            _, writer_key = await teams.create_team(session, writer)
            auditor_team, auditor_key = await teams.create_team(session, auditor)
            await _fill_audits(session, auditor_team.id)
            audit_writers = []
            for i in range(AUDIT_WRITER_TEAMS):
                name = f"{reader}-aw{i}"
                _, key = await teams.create_team(session, name)
                audit_writers.append((f"/v1/teams/{name}/audits", key))
        # Fresh statistics and visibility map, as a settled database would have.
        async with database.read() as session:
            await session.connection.execute("VACUUM ANALYZE post, audit")
    finally:
        await database.dispose()
    audits = f"/v1/teams/{auditor}/audits"
    # Reads first, writes last; the audit reads use a team the writes never touch.
    return {
        "list": Operation(f"/v1/teams/{reader}/posts", reader_key),
        "get": Operation(f"/v1/teams/{reader}/posts/{thread_id}", reader_key),
        "get_as_person": Operation(
            f"/v1/teams/{reader}/posts/{thread_id}", reader_session
        ),
        "audit_list": Operation(audits, auditor_key),
        "audit_list_accepted": Operation(
            f"{audits}?review_status=accepted", auditor_key
        ),
        "audit_list_offset": Operation(f"{audits}?offset=9000", auditor_key),
        "create": Operation(
            f"/v1/teams/{writer}/posts",
            writer_key,
            {"author_name": "bench", "content": "load", "tags": ["x"]},
        ),
        "audit_create": Operation(
            *audit_writers[0], {"content": AUDIT_TEXT}, tuple(audit_writers[1:])
        ),
    }


async def _fill(session: Session) -> tuple[str, str, str]:
    name = f"bench-{uuid4().hex[:8]}"
    team, raw_key = await teams.create_team(session, name)
    key = Caller(team.id, name, KEY_ROLE)
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


async def _sign_in_member(session: Session, settings: Any, team: str) -> str:
    """A new member of `team` and the token of a session of theirs."""
    row = await session.one_or_none(TEAM_BY_NAME, {"team_name": team})
    assert row is not None, "the team was just created"
    user = await people.create_user(
        session, f"{team}@example.com", "Bench", "bench-password"
    )
    await people.join(session, row["id"], user.id, Role.MEMBER)
    token, _ = await people.start_session(session, settings, user.id, "bench")
    return token


async def _fill_audits(session: Session, team_id: UUID) -> None:
    await session.execute(
        compile_query(FILL_AUDITS),
        {
            "team_id": team_id,
            "content": AUDIT_TEXT,
            "details": AUDIT_DETAILS,
            "error": AUDIT_FAILURE,
            "count": AUDITS,
        },
    )


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


# Each wrk thread goes round the (path, key) pairs from its own starting point, so
# the two threads do not send their requests to the same team together.
WRK_ROTATION = """
local threads = 0
setup = function(thread)
  thread:set("start", threads * 997)
  threads = threads + 1
end
init = function()
  turn = start
end
request = function()
  turn = turn + 1
  local target = targets[turn % #targets + 1]
  local headers = {}
  for name, value in pairs(wrk.headers) do headers[name] = value end
  headers["Authorization"] = "Bearer " .. target[2]
  return wrk.format(nil, target[1], headers, nil)
end
"""


def lua_script(directory: Path, name: str, operation: Operation) -> Path:
    lines = [WRK_DONE]
    if operation.body is not None:
        # A JSON string of ASCII text is also a valid Lua string literal, and so
        # are the paths and keys.
        lines[:0] = [
            'wrk.method = "POST"',
            'wrk.headers["Content-Type"] = "application/json"',
            f"wrk.body = {json.dumps(json.dumps(operation.body))}",
        ]
    if operation.rotation:
        pairs = ((operation.path, operation.key), *operation.rotation)
        entries = ",\n".join(
            f"  {{{json.dumps(p)}, {json.dumps(k)}}}" for p, k in pairs
        )
        lines += [f"targets = {{\n{entries}\n}}", WRK_ROTATION]
    script = directory / f"{name}.lua"
    script.write_text("\n".join(lines))
    return script


def wrk(url: str, raw_key: str, script: Path, connections: int, seconds: int) -> Sample:
    command = [
        "wrk",
        "-s",
        str(script),
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        # wrk leaves requests slower than its 2 s default out of the percentiles,
        # counted only as socket timeouts; a long timeout keeps them in.
        "--timeout",
        "60s",
        "-H",
        f"Authorization: Bearer {raw_key}",
        url,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if re.search(r"Non-2xx or 3xx responses|Socket errors", output):
        raise RuntimeError(f"failed requests:\n{output}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    percentiles = dict(re.findall(r"^p(\d+) (\d+)us$", output, re.MULTILINE))
    assert len(percentiles) == 3, output
    return Sample(rps, *(int(percentiles[p]) / 1000 for p in ("50", "95", "99")))


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("make bench needs wrk: apt-get install wrk")
    settings = load_settings(data_dir=BACKEND_DIR / ".data" / "bench")
    url = resolve_database_url(settings)
    owner_url = resolve_migration_url(settings)
    # The floor and the bare-asyncpg baseline set no team: they connect as a role
    # row-level security does not bind, so the API's ratio includes its cost.
    floor_url = settings.database_url or embedded_postgres(settings.data_dir).url()
    try:
        migrate.upgrade(owner_url)
        operations = asyncio.run(prepare(owner_url, settings))
        unknown = set(ONLY) - set(operations)
        if unknown:
            sys.exit(f"BENCH_OPERATIONS: no such operation {sorted(unknown)}")
        if ONLY:
            operations = {op: operations[op] for op in ONLY}
        results = measure(url, floor_url, operations)
    finally:
        stop_embedded(settings)
    report(results)


def measure(
    url: str, floor_url: str, operations: dict[str, Operation]
) -> dict[str, Any]:
    """Per target and operation, a (100 connections, 1 connection) pair per round."""
    ports = {target: free_port() for target in TARGETS}
    api_env = {
        "DATABASE_URL": url,
        "RATE_LIMIT": "",
        "LOG_LEVEL": "WARNING",
        # AI counts as configured, so creates are accepted, but no worker runs:
        # the audits stay pending and only the request path is measured.
        "OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
        "AUDIT_WORKER": "false",
        # The run creates tens of thousands of audits in seconds, dozens per team:
        # the per-team caps stay on their code path but far above what it reaches.
        "AUDIT_CREATE_LIMIT": "",
        "AUDIT_MAX_ACTIVE_PER_TEAM": "1000000",
    }
    raw_env = {"BASELINE_DSN": asyncpg_dsn(floor_url)}
    samples: dict[str, dict[str, list[tuple[Sample, Sample]]]] = {
        target: {op: [] for op in operations} for target in TARGETS
    }
    with (
        tempfile.TemporaryDirectory() as directory,
        server(
            [sys.executable, "-m", "app.cli", "serve", "--port", str(ports["api"])],
            api_env,
            f"http://127.0.0.1:{ports['api']}/health",
        ),
        server(*_uvicorn("bench.baseline:app", ports["baseline"], raw_env)),
        server(*_uvicorn("bench.floor:app", ports["floor"], raw_env)),
    ):
        # Operation by operation, so the writes run last and the reads always
        # see the same data; the targets alternate within each round.
        for op, operation in operations.items():
            script = lua_script(Path(directory), op, operation)
            # Unrecorded: each server's first requests of an operation prepare its
            # statements and fill caches, and the database settles after the last
            # operation's writes.
            for port in ports.values():
                address = f"http://127.0.0.1:{port}{operation.path}"
                warmed = wrk(
                    address, operation.key, script, CONNECTIONS, WARM_UP_SECONDS
                )
                time.sleep(CONNECTIONS / warmed.rps)
            for _ in range(ROUNDS):
                for target, port in ports.items():
                    address = f"http://127.0.0.1:{port}{operation.path}"
                    loaded = wrk(address, operation.key, script, CONNECTIONS, SECONDS)
                    # wrk exits with up to CONNECTIONS requests still queued in the
                    # server: let them drain before anything else is timed.
                    time.sleep(CONNECTIONS / loaded.rps)
                    single = wrk(address, operation.key, script, 1, SINGLE_SECONDS)
                    samples[target][op].append((loaded, single))
    return samples


def _uvicorn(
    app: str, port: int, env: dict[str, str]
) -> tuple[list[str], dict[str, str], str]:
    """`server()`'s arguments for a bench app; any answer from / tells it is up."""
    command = [sys.executable, "-m", "uvicorn", app, "--port", str(port)]
    command += ["--log-level", "warning", "--no-access-log"]
    return command, env, f"http://127.0.0.1:{port}/"


def _medians(pairs: list[tuple[Sample, Sample]]) -> dict[str, float]:
    loaded = [pair[0] for pair in pairs]
    single = [pair[1] for pair in pairs]
    return {
        "rps": statistics.median(s.rps for s in loaded),
        "p50_ms": statistics.median(s.p50_ms for s in loaded),
        "p95_ms": statistics.median(s.p95_ms for s in loaded),
        "p99_ms": statistics.median(s.p99_ms for s in loaded),
        "single_p50_ms": statistics.median(s.p50_ms for s in single),
        "single_p95_ms": statistics.median(s.p95_ms for s in single),
    }


def _targets(api: dict[str, float], floor: dict[str, float]) -> dict[str, Any]:
    ratios = {
        "rps": api["rps"] / floor["rps"],
        "p99": api["p99_ms"] / floor["p99_ms"],
        "single_p50": api["single_p50_ms"] / floor["single_p50_ms"],
    }
    met = {
        "rps": ratios["rps"] >= MIN_RPS_RATIO,
        "p99": ratios["p99"] <= MAX_P99_RATIO,
        "single_p50": ratios["single_p50"] <= MAX_SINGLE_P50_RATIO,
        # wrk() raises on any non-2xx response or socket error.
        "errors": True,
    }
    return {"ratios": ratios, "met": met, "all_met": all(met.values())}


COLUMNS = {
    "rps": "req/s",
    "rps_to_floor": "x floor",
    "p50_ms": "p50 ms",
    "p95_ms": "p95 ms",
    "p99_ms": "p99 ms",
    "single_p50_ms": "1c p50 ms",
    "single_p95_ms": "1c p95 ms",
}


def report(samples: dict[str, Any]) -> None:
    rows: dict[str, dict[str, Any]] = {}
    for op in samples["api"]:
        figures = {target: _medians(samples[target][op]) for target in TARGETS}
        for row in figures.values():
            row["rps_to_floor"] = row["rps"] / figures["floor"]["rps"]
        rows[op] = {**figures, "targets": _targets(figures["api"], figures["floor"])}
    print(
        f"\n{CONNECTIONS} connections, {SECONDS}s x {ROUNDS} rounds, medians;"
        f" 1c: latency at one connection ({SINGLE_SECONDS}s)"
    )
    print(f"{'':22}" + "".join(f"{title:>11}" for title in COLUMNS.values()))
    for op, row in rows.items():
        print(op)
        for target, title in TARGETS.items():
            cells = (row[target][column] for column in COLUMNS)
            print(f"  {title:20}" + "".join(f"{cell:11.2f}" for cell in cells))
    print(
        f"\nAPI against the floor: req/s >= {MIN_RPS_RATIO}x,"
        f" p99 <= {MAX_P99_RATIO:g}x, 1c p50 <= {MAX_SINGLE_P50_RATIO:g}x, no errors"
    )
    print(f"{'':22}{'req/s':>13}{'p99':>13}{'1c p50':>13}{'errors':>9}")
    for op, row in rows.items():
        ratios, met = row["targets"]["ratios"], row["targets"]["met"]
        cells = [f"{ratios[name]:6.2f}x {_verdict(met[name])}" for name in ratios]
        cells.append(f"0 {_verdict(met['errors'])}")
        verdict = "met" if row["targets"]["all_met"] else "MISSED"
        print(f"{op:22}" + "".join(f"{cell:>13}" for cell in cells) + f"  {verdict}")
    RESULTS.write_text(json.dumps(rows, indent=2))
    print(f"\nwritten to {RESULTS.relative_to(BACKEND_DIR)}")


def _verdict(met: bool) -> str:
    return "ok  " if met else "MISS"


if __name__ == "__main__":
    main()
