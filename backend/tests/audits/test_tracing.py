"""Traces: a request, its SQL, the worker's review and its model call, exported to
an in-memory exporter; the worker's span links to the request that queued it."""

import json
from collections.abc import Iterator
from uuid import UUID

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
    InMemorySpanExporter,
)
from opentelemetry.trace import SpanKind

from app.core import tracing
from app.core.config import Settings
from app.core.db import Database, OnConnection
from app.core.logging import configure_logging
from app.main import create_app
from tests.audits.support import Worker, create_audit, settled
from tests.support.factories import TeamWithKey
from tests.support.spans import tree


@pytest.fixture
def exporter(settings: Settings) -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    assert tracing.configure(settings, exporter)
    yield exporter
    tracing.shutdown()


@pytest.fixture
def queue_app(
    exporter: InMemorySpanExporter, settings: Settings, queue_database: Database
) -> FastAPI:
    """Built once tracing is on: the app's instrumentation is installed then."""
    return create_app(settings, database=queue_database)


def one(spans: list[ReadableSpan], name: str, kind: SpanKind) -> ReadableSpan:
    [span] = [s for s in spans if s.name == name and s.kind == kind]
    return span


def children(spans: list[ReadableSpan], parent: ReadableSpan) -> list[ReadableSpan]:
    context = parent.get_span_context()
    assert context is not None
    return [s for s in spans if s.parent and s.parent.span_id == context.span_id]


async def test_a_request_its_sql_the_worker_and_the_model_call_are_one_story(
    queue_client: httpx.AsyncClient,
    queue_team: TeamWithKey,
    worker: Worker,
    exporter: InMemorySpanExporter,
) -> None:
    audit = await create_audit(queue_client, queue_team, content="Ship it?")
    async with worker():
        await settled(queue_client, queue_team, audit["id"])
    spans = list(exporter.get_finished_spans())
    request = one(spans, "POST /v1/teams/{team}/audits", SpanKind.SERVER)
    request_context = request.get_span_context()
    assert request_context is not None
    sql = [
        s
        for s in spans
        if s.attributes and s.attributes.get("db.system") == "postgresql"
    ]
    assert {s.name.split()[0] for s in sql} >= {"INSERT", "UPDATE"}
    # The INSERT ran inside the request's trace.
    assert any(
        s.name.startswith("INSERT") and s.context.trace_id == request_context.trace_id  # type: ignore[union-attr]
        for s in sql
    )

    review = one(spans, "audit.review", SpanKind.CONSUMER)
    assert review.parent is None
    [link] = review.links
    assert link.context.trace_id == request_context.trace_id
    assert review.attributes is not None
    assert review.attributes["audit.id"] == audit["id"]
    # The request's trace and the worker's: the polls of the audit and the test's
    # own setup are traces of their own.
    told = {request_context.trace_id, review.context.trace_id}  # type: ignore[union-attr]
    story = tree([s for s in spans if s.context.trace_id in told])  # type: ignore[union-attr]
    under_review = children(spans, review)
    model_call = one(under_review, "chat test-model", SpanKind.CLIENT)
    assert model_call.attributes is not None
    assert model_call.attributes["gen_ai.request.model"] == "test-model"
    assert model_call.attributes["gen_ai.usage.input_tokens"] == 120
    assert model_call.attributes["gen_ai.usage.output_tokens"] == 40
    assert any(s.name.startswith("UPDATE") for s in under_review), story
    # Two traces, the request's and the worker's, told in order.
    assert [line for line in story.splitlines() if line.startswith("trace ")] == [
        f"trace {request_context.trace_id:032x}",
        f"trace {review.context.trace_id:032x}",  # type: ignore[union-attr]
    ], story
    assert story.index("POST /v1/teams/{team}/audits") < story.index("audit.review")


async def test_log_lines_carry_the_trace_and_span_ids(
    queue_client: httpx.AsyncClient,
    queue_team: TeamWithKey,
    exporter: InMemorySpanExporter,
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("INFO")  # into the captured stdout
    await queue_client.get(
        f"/v1/teams/{queue_team.name}/posts", headers=queue_team.headers
    )

    [request] = [s for s in exporter.get_finished_spans() if s.kind == SpanKind.SERVER]
    context = request.get_span_context()
    assert context is not None
    records = [
        json.loads(line)
        for line in capsys.readouterr().out.splitlines()
        if line.startswith("{")
    ]
    [access] = [r for r in records if r["logger"] == "app.access"]
    assert access["trace_id"] == f"{context.trace_id:032x}"
    assert len(access["span_id"]) == 16


async def test_without_an_endpoint_nothing_is_traced_or_stored(
    client: httpx.AsyncClient,
    session: OnConnection,
    team_a: TeamWithKey,
    settings: Settings,
) -> None:
    assert not tracing.configure(settings)
    assert not tracing.enabled()
    assert not hasattr(asyncpg.Connection.fetch, "__wrapped__")

    audit = await create_audit(client, team_a)

    stored = await session.connection.fetchval(
        "SELECT trace_context FROM audit WHERE id = $1", UUID(audit["id"])
    )
    assert stored is None
    assert tracing.current_context() is None
    assert tracing.log_ids() == {}


def test_an_endpoint_turns_tracing_on_with_the_otlp_exporter(
    settings: Settings,
) -> None:
    traced = settings.model_copy(
        update={"otel_exporter_otlp_endpoint": "http://127.0.0.1:4318"}
    )
    try:
        assert tracing.configure(traced)
        assert tracing.enabled()
        assert hasattr(asyncpg.Connection.fetch, "__wrapped__")
    finally:
        tracing.shutdown()
    assert not hasattr(asyncpg.Connection.fetch, "__wrapped__")
