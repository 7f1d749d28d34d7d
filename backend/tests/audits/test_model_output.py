"""A model's answer is untrusted input: text PostgreSQL cannot store (NUL, lone
surrogates) is an invalid answer like any other, and an outcome the database still
refuses fails its audit at once, with its own code, instead of leaving it running
until its lease expires and calling it WORKER_LOST."""

import json
import time
from typing import Any

import httpx
import pytest

from app.ai.client import Review, Reviewer, reported_model
from app.ai.schemas import AuditFindings
from app.core.config import Settings
from app.core.db import Database
from app.main import audit_worker
from tests.audits.support import create_audit, settled
from tests.support import model_server as model
from tests.support.factories import TeamWithKey
from tests.support.model_server import ModelServer


@pytest.fixture
def worker_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"audit_worker": True, "audit_max_attempts": 1})


async def _review(
    client: httpx.AsyncClient, database: Database, settings: Settings, team: TeamWithKey
) -> tuple[dict[str, Any], float]:
    audit = await create_audit(client, team, content="hello")
    started = time.monotonic()
    async with audit_worker(database, settings):
        settled_audit = await settled(client, team, audit["id"])
    return settled_audit, time.monotonic() - started


@pytest.mark.parametrize(
    ("summary", "code"),
    [
        ("NUL \u0000 inside", "MODEL_INVALID_OUTPUT"),
        # Refused by the JSON parser itself: no text can hold it.
        ("a lone \ud800 surrogate", "MODEL_INVALID_JSON"),
    ],
    ids=["nul", "surrogate"],
)
async def test_an_answer_postgres_cannot_store_is_an_invalid_answer(
    queue_client: httpx.AsyncClient,
    queue_database: Database,
    worker_settings: Settings,
    queue_team: TeamWithKey,
    model_server: ModelServer,
    summary: str,
    code: str,
) -> None:
    evidence = {
        "category": "spam",
        "severity": "low",
        "evidence": "buy\u0000now",
        "explanation": "x",
    }
    body = {"summary": summary, "suggested_tags": ["ok"], "findings": [evidence]}
    model_server.script(model.answer(json.dumps(body)))

    audit, took = await _review(
        queue_client, queue_database, worker_settings, queue_team
    )

    assert audit["status"] == "failed"
    assert audit["error"]["code"] == code
    assert audit["details"] is None
    # Well inside the lease: the audit was never left running.
    assert took < worker_settings.audit_lease_seconds


async def test_an_outcome_the_database_refuses_fails_the_audit_at_once(
    queue_client: httpx.AsyncClient,
    queue_database: Database,
    worker_settings: Settings,
    queue_team: TeamWithKey,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A review that skipped validation, as a future field without it would.
    unchecked = AuditFindings.model_construct(
        summary="fine", suggested_tags=[], findings=[]
    )

    async def review(self: Reviewer, document: dict[str, Any]) -> Review:
        return Review(unchecked, model="model\u0000name", usage=None, latency_ms=1.0)

    monkeypatch.setattr(Reviewer, "review", review)

    audit, took = await _review(
        queue_client, queue_database, worker_settings, queue_team
    )

    assert audit["status"] == "failed"
    assert audit["error"]["code"] == "OUTCOME_NOT_STORABLE"
    assert audit["details"] is None
    assert took < worker_settings.audit_lease_seconds


def test_the_model_name_a_server_reports_is_checked_too() -> None:
    assert reported_model("gpt\u0000x", fallback="configured") == "configured"
    assert reported_model("", fallback="configured") == "configured"
    assert reported_model("m" * 500, fallback="configured") == "m" * 200
    assert reported_model("llama3.1", fallback="configured") == "llama3.1"
