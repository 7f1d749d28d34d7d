"""Workers as separate processes sharing one queue: killed, stopped, and racing."""

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import httpx

from app.audits import queue
from app.core.config import BACKEND_DIR, Settings
from app.core.db import ALL_TEAMS, Database
from app.main import audit_worker
from tests.audits.support import create_audit, eventually, get_audit, settled
from tests.support import model_server as model
from tests.support.factories import TeamWithKey, make_team
from tests.support.model_server import ModelServer

STARTED = "audit worker started"


def worker_env(
    settings: Settings, database_url: str, **overrides: object
) -> dict[str, str]:
    values: dict[str, object] = {
        "ENVIRONMENT": "test",
        "LOG_LEVEL": "INFO",
        "DATABASE_URL": database_url,
        "OPENAI_BASE_URL": settings.openai_base_url,
        "OPENAI_MODEL": settings.openai_model,
        "OPENAI_TIMEOUT": settings.openai_timeout,
        "AUDIT_LEASE_SECONDS": settings.audit_lease_seconds,
        "AUDIT_MAX_ATTEMPTS": settings.audit_max_attempts,
        "AUDIT_BACKOFF_SECONDS": settings.audit_backoff_seconds,
        "AUDIT_POLL_SECONDS": settings.audit_poll_seconds,
        **overrides,
    }
    return {**os.environ, **{name: str(value) for name, value in values.items()}}


@contextmanager
def worker_process(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "worker"],
            cwd=BACKEND_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


async def started(process: subprocess.Popen[bytes], log: Path) -> None:
    async def ready() -> bool:
        assert process.poll() is None, log.read_text()
        return STARTED in log.read_text()

    await eventually(ready, timeout=60)


async def calling(model_server: ModelServer, process: subprocess.Popen[bytes]) -> None:
    """Waits until the worker process has claimed an audit and called the model."""

    async def called() -> bool:
        assert process.poll() is None, f"worker exited with {process.returncode}"
        return len(model_server.received) == 1

    await eventually(called, timeout=60)


async def stored(database: Database, audit_id: str) -> Any:
    async with database.read(ALL_TEAMS) as session:
        return await session.connection.fetchrow(
            "SELECT status, attempts, lease_token FROM audit WHERE id = $1",
            UUID(audit_id),
        )


async def test_a_killed_worker_s_audit_is_completed_exactly_once_by_another(
    queue_client: httpx.AsyncClient,
    queue_database: Database,
    queue_database_url: str,
    settings: Settings,
    queue_team: TeamWithKey,
    model_server: ModelServer,
    tmp_path: Path,
) -> None:
    model_server.script(model.hang(60))
    audit = await create_audit(queue_client, queue_team)
    env = worker_env(
        settings, queue_database_url, OPENAI_TIMEOUT=3, AUDIT_LEASE_SECONDS=4
    )

    with worker_process(env, tmp_path / "killed.log") as doomed:
        await calling(model_server, doomed)
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=10)

    status, attempts, _ = await stored(queue_database, audit["id"])
    assert (status, attempts) == ("running", 1)

    # The lease (4 s) must run out before anyone may take the audit over.
    async with audit_worker(
        queue_database, settings.model_copy(update={"audit_worker": True})
    ):
        audit = await settled(queue_client, queue_team, audit["id"], timeout=30)

    assert audit["status"] == "completed"
    assert audit["attempts"] == 2
    assert len(model_server.received) == 2


async def test_a_call_slower_than_the_lease_is_made_once_and_completed_once(
    queue_client: httpx.AsyncClient,
    queue_database: Database,
    settings: Settings,
    queue_team: TeamWithKey,
    model_server: ModelServer,
) -> None:
    lease = settings.audit_lease_seconds
    # The answer comes a lease and a half late; a second worker polls all along.
    model_server.script(model.hang(lease * 2.5))
    slow = settings.model_copy(
        update={"audit_worker": True, "openai_timeout": lease * 4}
    )
    audit = await create_audit(queue_client, queue_team)

    async with audit_worker(queue_database, slow), audit_worker(queue_database, slow):
        audit = await settled(queue_client, queue_team, audit["id"], timeout=30)

    assert audit["status"] == "completed"
    assert audit["attempts"] == 1
    assert len(model_server.received) == 1


async def test_a_stopped_worker_hands_its_audit_back_at_once(
    queue_client: httpx.AsyncClient,
    queue_database: Database,
    queue_database_url: str,
    settings: Settings,
    queue_team: TeamWithKey,
    model_server: ModelServer,
    tmp_path: Path,
) -> None:
    model_server.script(model.hang(60))
    audit = await create_audit(queue_client, queue_team)
    env = worker_env(
        settings, queue_database_url, OPENAI_TIMEOUT=30, AUDIT_LEASE_SECONDS=60
    )

    with worker_process(env, tmp_path / "stopped.log") as worker:
        await calling(model_server, worker)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0

    status, attempts, lease_token = await stored(queue_database, audit["id"])
    assert (status, attempts, lease_token) == ("pending", 0, None)
    assert (await get_audit(queue_client, queue_team, audit["id"]))["status"] == (
        "pending"
    )


async def test_two_workers_complete_fifty_audits_each_exactly_once(
    queue_client: httpx.AsyncClient,
    queue_database: Database,
    queue_database_url: str,
    settings: Settings,
    queue_team: TeamWithKey,
    model_server: ModelServer,
    tmp_path: Path,
) -> None:
    model_server.default = model.Reply(body=model.findings().body, delay=0.1)
    env = worker_env(settings, queue_database_url, AUDIT_CONCURRENCY=4)
    logs = [tmp_path / "one.log", tmp_path / "two.log"]

    with worker_process(env, logs[0]) as one, worker_process(env, logs[1]) as two:
        await asyncio.gather(started(one, logs[0]), started(two, logs[1]))
        texts = [f"audit number {i}" for i in range(50)]
        for content in texts:
            await create_audit(queue_client, queue_team, content=content)

        async def all_completed() -> bool:
            response = await queue_client.get(
                f"/v1/teams/{queue_team.name}/audits",
                params={"status": "completed", "limit": 1},
                headers=queue_team.headers,
            )
            return bool(response.json()["total"] == 50)

        await eventually(all_completed, timeout=60)

    reviewed = [request.document["text"] for request in model_server.received]
    assert sorted(reviewed) == sorted(texts)
    async with queue_database.read(ALL_TEAMS) as session:
        attempts = await session.connection.fetchval("SELECT max(attempts) FROM audit")
    assert attempts == 1
    for log in logs:
        assert "audit completed" in log.read_text(), f"{log.name} did no work"


async def test_an_expired_lease_with_no_attempts_left_fails_the_audit(
    queue_client: httpx.AsyncClient,
    queue_database: Database,
    settings: Settings,
    queue_team: TeamWithKey,
    model_server: ModelServer,
) -> None:
    audit = await create_audit(queue_client, queue_team)
    async with queue_database.write(ALL_TEAMS) as session:
        await session.connection.execute(
            "UPDATE audit SET status = 'running', attempts = $2, lease_token = $3,"
            " lease_expires_at = now() - interval '1 second' WHERE id = $1",
            UUID(audit["id"]),
            settings.audit_max_attempts,
            uuid4(),
        )

    async with audit_worker(
        queue_database, settings.model_copy(update={"audit_worker": True})
    ):
        audit = await settled(queue_client, queue_team, audit["id"])

    assert audit["status"] == "failed"
    assert audit["error"]["code"] == "WORKER_LOST"
    assert model_server.received == []


async def test_an_outcome_is_written_only_while_the_lease_is_held(
    queue_client: httpx.AsyncClient,
    queue_database: Database,
    settings: Settings,
    queue_team: TeamWithKey,
) -> None:
    audit = await create_audit(queue_client, queue_team)
    claim_args = {"capacity": 1, "lease_seconds": 60, "max_attempts": 3}
    async with queue_database.write(ALL_TEAMS) as session:
        [first] = await queue.claim(session, **claim_args)
        # Nothing else is due while the lease is held.
        assert await queue.claim(session, **claim_args) == []
        await session.connection.execute(
            "UPDATE audit SET lease_expires_at = now() - interval '1 second'"
            " WHERE id = $1",
            UUID(audit["id"]),
        )
        [second] = await queue.claim(session, **claim_args)

    assert (second.id, second.attempts) == (first.id, 2)
    assert second.lease_token != first.lease_token
    async with queue_database.write(ALL_TEAMS) as session:
        assert await queue.release(session, first) is False
        assert await queue.release(session, second) is True


async def test_one_team_s_backlog_delays_another_team_s_audit_by_one_claim_at_most(
    queue_client: httpx.AsyncClient,
    queue_database: Database,
    queue_team: TeamWithKey,
) -> None:
    async with queue_database.write(ALL_TEAMS) as session:
        other = await make_team(session, "other-team")
    backlog = [await create_audit(queue_client, queue_team) for _ in range(50)]
    late = await create_audit(queue_client, other)
    claim_args = {"lease_seconds": 60, "max_attempts": 3}

    async def claim(capacity: int) -> list[UUID]:
        async with queue_database.write(ALL_TEAMS) as session:
            claims = await queue.claim(session, capacity=capacity, **claim_args)
        return [c.id for c in claims]

    # Room for two: each team's first turn.
    assert await claim(2) == [UUID(backlog[0]["id"]), UUID(late["id"])]
    # Room for one at a time: the other team's next audit waits one claim, though
    # fifty of the first team's are older.
    assert await claim(1) == [UUID(backlog[1]["id"])]
    later = await create_audit(queue_client, other)
    assert await claim(1) == [UUID(later["id"])]
    assert await claim(1) == [UUID(backlog[2]["id"])]
