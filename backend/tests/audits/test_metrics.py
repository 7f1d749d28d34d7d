"""Queue and model metrics: gauges read from the database at scrape time, counters
and histograms kept by the workers, labels that stay bounded."""

import os
import re
import textwrap
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import httpx
from prometheus_client import REGISTRY

from app.core.config import Settings
from app.core.db import ALL_TEAMS, Database
from app.main import create_app
from tests.audits.support import Worker, create_audit, settled
from tests.support import model_server as model
from tests.support.factories import TeamWithKey
from tests.support.live_server import free_port
from tests.support.model_server import ModelServer
from tests.support.processes import python_output
from tests.test_observability import dashboard_expressions, exported, metric_names


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def scraped(metrics: str, name: str, **labels: str) -> float:
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    series = f"{name}{{{wanted}}}" if labels else name
    for line in metrics.splitlines():
        if line.startswith(series + " "):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"no sample {series!r} in metrics")


async def set_running(
    database: Database, audit_id: str, *, expired: bool, attempts: int = 1
) -> None:
    lease = "- interval '1 second'" if expired else "+ interval '1 minute'"
    async with database.write(ALL_TEAMS) as session:
        await session.connection.execute(
            "UPDATE audit SET status = 'running', attempts = $2, lease_token = $3,"
            f" lease_expires_at = now() {lease} WHERE id = $1",
            UUID(audit_id),
            attempts,
            uuid4(),
        )


async def test_queue_gauges_are_read_from_the_database_at_scrape_time(
    queue_client: httpx.AsyncClient,
    queue_database: Database,
    queue_team: TeamWithKey,
) -> None:
    audits = [await create_audit(queue_client, queue_team) for _ in range(5)]
    await set_running(queue_database, audits[0]["id"], expired=False)
    await set_running(queue_database, audits[1]["id"], expired=True)
    async with queue_database.write(ALL_TEAMS) as session:
        await session.connection.execute(
            "UPDATE audit SET status = 'failed' WHERE id = $1", UUID(audits[2]["id"])
        )
        # The oldest due audit has waited a minute; one in backoff is not due yet.
        await session.connection.execute(
            "UPDATE audit SET run_after = now() - interval '60 seconds' WHERE id = $1",
            UUID(audits[3]["id"]),
        )
        await session.connection.execute(
            "UPDATE audit SET run_after = now() + interval '1 hour' WHERE id = $1",
            UUID(audits[4]["id"]),
        )

    metrics = (await queue_client.get("/metrics")).text

    assert scraped(metrics, "audit_queue_up") == 1
    assert scraped(metrics, "audit_queue_audits", status="pending") == 2
    assert scraped(metrics, "audit_queue_audits", status="running") == 2
    assert scraped(metrics, "audit_queue_audits", status="failed") == 1
    assert scraped(metrics, "audit_queue_audits", status="completed") == 0
    assert scraped(metrics, "audit_queue_running_leases", state="live") == 1
    assert scraped(metrics, "audit_queue_running_leases", state="expired") == 1
    age = scraped(metrics, "audit_queue_oldest_pending_age_seconds")
    assert 60 <= age < 120


async def test_an_empty_queue_has_no_waiting_age(
    queue_client: httpx.AsyncClient, queue_team: TeamWithKey
) -> None:
    metrics = (await queue_client.get("/metrics")).text

    assert scraped(metrics, "audit_queue_audits", status="pending") == 0
    assert scraped(metrics, "audit_queue_oldest_pending_age_seconds") == 0


async def test_the_scrape_answers_when_the_database_cannot(
    settings: Settings,
) -> None:
    port = free_port()  # nothing listens there
    unreachable = await Database.connect(
        f"postgresql+asyncpg://looped@127.0.0.1:{port}/looped", settings
    )
    app = create_app(settings, database=unreachable)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get("/metrics")
    await unreachable.dispose()

    assert response.status_code == 200
    assert scraped(response.text, "audit_queue_up") == 0
    assert "audit_queue_audits{" not in response.text
    assert "python_info" in response.text


async def test_expired_leases_are_counted_as_taken_over_or_failed(
    queue_client: httpx.AsyncClient,
    queue_database: Database,
    settings: Settings,
    queue_team: TeamWithKey,
    worker: Worker,
) -> None:
    retried = await create_audit(queue_client, queue_team)
    lost = await create_audit(queue_client, queue_team)
    await set_running(queue_database, retried["id"], expired=True)
    await set_running(
        queue_database, lost["id"], expired=True, attempts=settings.audit_max_attempts
    )
    before = {
        "expiries": sample("audit_lease_expiries_total"),
        "takeovers": sample("audit_lease_takeovers_total"),
    }

    async with worker():
        assert (await settled(queue_client, queue_team, retried["id"]))[
            "status"
        ] == "completed"
        assert (await settled(queue_client, queue_team, lost["id"]))[
            "status"
        ] == "failed"

    assert sample("audit_lease_expiries_total") == before["expiries"] + 2
    assert sample("audit_lease_takeovers_total") == before["takeovers"] + 1


async def test_model_errors_are_counted_by_code_and_tokens_by_kind(
    queue_client: httpx.AsyncClient,
    queue_team: TeamWithKey,
    worker: Worker,
    model_server: ModelServer,
) -> None:
    model_server.script(model.error(503), model.answer("not json"), model.findings())
    before = {
        "unavailable": sample("audit_model_errors_total", code="MODEL_UNAVAILABLE"),
        "invalid": sample("audit_model_errors_total", code="MODEL_INVALID_JSON"),
        "prompt": sample("audit_model_tokens_total", kind="prompt"),
        "completion": sample("audit_model_tokens_total", kind="completion"),
    }
    audit = await create_audit(queue_client, queue_team)

    async with worker():
        assert (await settled(queue_client, queue_team, audit["id"]))[
            "status"
        ] == "completed"

    assert (
        sample("audit_model_errors_total", code="MODEL_UNAVAILABLE")
        == before["unavailable"] + 1
    )
    assert (
        sample("audit_model_errors_total", code="MODEL_INVALID_JSON")
        == before["invalid"] + 1
    )
    # The answer that was not JSON cost tokens too: 120 + 40 per answered call.
    assert sample("audit_model_tokens_total", kind="prompt") == before["prompt"] + 240
    assert (
        sample("audit_model_tokens_total", kind="completion")
        == before["completion"] + 80
    )


# Label names the audit and model series may carry: each takes a handful of values.
BOUNDED_LABELS = {"status", "outcome", "code", "kind", "state", "le"}


async def scrape_after_a_review(
    client: httpx.AsyncClient, team: TeamWithKey, worker: Worker
) -> tuple[str, dict[str, Any]]:
    """The scrape once an audit was reviewed, so every series has been used."""
    audit = await create_audit(client, team)
    async with worker():
        await settled(client, team, audit["id"])
    return (await client.get("/metrics")).text, audit


async def test_queue_and_model_series_carry_no_team_or_id_labels(
    queue_client: httpx.AsyncClient, queue_team: TeamWithKey, worker: Worker
) -> None:
    metrics, audit = await scrape_after_a_review(queue_client, queue_team, worker)
    series = [line for line in metrics.splitlines() if line.startswith("audit_")]
    assert series
    for line in series:
        labels = set(re.findall(r'(\w+)="', line.split(" ")[0]))
        assert labels <= BOUNDED_LABELS, line
    assert queue_team.team.id.hex not in metrics
    assert str(queue_team.team.id) not in metrics
    assert audit["id"] not in metrics


PROCESS = textwrap.dedent(
    """
    import asyncio, sys
    import httpx
    from app.ai.client import Reviewer
    from app.core.config import load_settings
    from app.core.db import Database
    from app.main import create_app

    async def main() -> None:
        url, model_url, action = sys.argv[1:4]
        settings = load_settings(
            _env_file=None, environment="test", database_url=url,
            openai_base_url=model_url, openai_model="test-model",
        )
        if action == "review":
            reviewer = Reviewer(settings)
            await reviewer.review({"text": "hello"})
            await reviewer.close()
            return
        database = await Database.connect(url, settings)
        app = create_app(settings, database=database)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            sys.stdout.write((await c.get("/metrics")).text)
        await database.dispose()

    asyncio.run(main())
    """
)


async def test_multiprocess_mode_sums_model_series_and_reads_the_queue_once(
    tmp_path: Path,
    queue_client: httpx.AsyncClient,
    queue_team: TeamWithKey,
    queue_database_url: str,
    model_server: ModelServer,
) -> None:
    await create_audit(queue_client, queue_team)
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}

    def run(action: str) -> str:
        return python_output(
            PROCESS, queue_database_url, model_server.base_url, action, env=env
        )

    run("review")
    run("review")
    metrics = run("scrape")

    assert scraped(metrics, "audit_model_tokens_total", kind="prompt") == 240
    assert (
        scraped(metrics, "audit_model_call_duration_seconds_count", outcome="ok") == 2
    )
    # Read from the database by the scraping process, not summed over processes.
    assert scraped(metrics, "audit_queue_audits", status="pending") == 1
    assert metrics.count("# TYPE audit_queue_audits gauge") == 1


async def test_every_metric_the_dashboard_queries_is_exported(
    queue_client: httpx.AsyncClient, queue_team: TeamWithKey, worker: Worker
) -> None:
    metrics, _ = await scrape_after_a_review(queue_client, queue_team, worker)

    queried = set().union(*map(metric_names, dashboard_expressions()))
    assert {"audit_queue_audits", "http_request_duration_seconds_bucket"} <= queried
    assert queried <= exported(metrics), queried - exported(metrics)
