"""OpenTelemetry traces: requests and SQL through the maintained instrumentations
(FastAPI, asyncpg), and model calls as GenAI client spans of our own (the OpenAI
SDK sends over httpx2, which no released instrumentation covers yet), exported by
OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set.

Without it nothing is instrumented: no middleware, no wrapped driver, and the
helpers below return at their first line, so tracing off costs the request path
nothing. Work that outlives its request (a queued audit) carries the request's
trace context with it, and the worker's span links back to it."""

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from fastapi import FastAPI
from opentelemetry import propagate, trace
from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.utils import suppress_instrumentation
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    SimpleSpanProcessor,
    SpanExporter,
)
from opentelemetry.trace import Link, Span, SpanKind, StatusCode

from app.core.config import Settings

SERVICE_NAME = "looped-needle"
# Probes and scrapes would be most of the spans and tell nothing.
EXCLUDED_URLS = "/metrics,/health,/health/db,/v1/healthz"

logger = logging.getLogger("app.tracing")
_provider: TracerProvider | None = None
_tracer: trace.Tracer = trace.NoOpTracer()


def enabled() -> bool:
    return _provider is not None


def configure(settings: Settings, exporter: SpanExporter | None = None) -> bool:
    """Starts tracing when an endpoint is configured (or, in tests, an exporter is
    given); once per process. Returns whether tracing is on."""
    global _provider, _tracer
    if _provider is not None:
        return True
    if exporter is None:
        if not settings.otel_exporter_otlp_endpoint:
            return False
        # Imported only when used: it reads the OTEL_EXPORTER_OTLP_* variables.
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import (
            OTLPSpanExporter,
        )

        processor: Any = BatchSpanProcessor(OTLPSpanExporter())
    else:
        processor = SimpleSpanProcessor(exporter)
    provider = TracerProvider(
        resource=Resource.create(
            {
                "service.name": settings.otel_service_name or SERVICE_NAME,
                "service.version": settings.build_sha,
                "deployment.environment": settings.environment,
            }
        )
    )
    provider.add_span_processor(processor)
    if exporter is None:
        trace.set_tracer_provider(provider)
    AsyncPGInstrumentor().instrument(tracer_provider=provider)  # type: ignore[no-untyped-call]
    _provider, _tracer = provider, provider.get_tracer("app")
    logger.info("tracing on", extra={"exporter": type(processor).__name__})
    return True


def instrument_app(app: FastAPI) -> None:
    if _provider is None:
        return
    FastAPIInstrumentor.instrument_app(
        app,
        tracer_provider=_provider,
        excluded_urls=EXCLUDED_URLS,
        # One span per request, not one per ASGI message (a stream sends many).
        exclude_spans=["receive", "send"],
    )


def shutdown() -> None:
    """Flushes what is batched; tracing then stays off in this process."""
    global _provider, _tracer
    if _provider is None:
        return
    AsyncPGInstrumentor().uninstrument()  # type: ignore[no-untyped-call]
    _provider.shutdown()
    _provider, _tracer = None, trace.NoOpTracer()


def current_context() -> dict[str, str] | None:
    """The current trace context as W3C headers, to store with queued work."""
    if _provider is None:
        return None
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier or None


@contextmanager
def work_span(
    name: str, queued_by: Mapping[str, str] | None, **attributes: Any
) -> Iterator[None]:
    """A root span for background work, linked to the trace that queued it."""
    if _provider is None:
        yield
        return
    links = []
    if queued_by:
        queued = trace.get_current_span(propagate.extract(queued_by)).get_span_context()
        if queued.is_valid:
            links.append(Link(queued))
    with _tracer.start_as_current_span(
        name,
        context=trace.set_span_in_context(trace.INVALID_SPAN),
        kind=SpanKind.CONSUMER,
        links=links,
        attributes=attributes,
    ):
        yield


@contextmanager
def model_call_span(system: str, model: str) -> Iterator[Span | None]:
    """A call to a model, named and described by OpenTelemetry's GenAI
    conventions; the caller adds the usage once it is known."""
    if _provider is None:
        yield None
        return
    with _tracer.start_as_current_span(
        f"chat {model}",
        kind=SpanKind.CLIENT,
        attributes={
            "gen_ai.operation.name": "chat",
            "gen_ai.system": system,
            "gen_ai.request.model": model,
        },
    ) as span:
        yield span


def failed(span: Span | None, code: str) -> None:
    if span is not None:
        span.set_attribute("error.type", code)
        span.set_status(StatusCode.ERROR, code)


@contextmanager
def untraced() -> Iterator[None]:
    """For housekeeping that runs all the time (idle polls, pings): no spans."""
    if _provider is None:
        yield
        return
    with suppress_instrumentation():
        yield


def log_ids() -> dict[str, str]:
    """The current trace and span ids, for a log line; none when tracing is off."""
    if _provider is None:
        return {}
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return {}
    return {
        "trace_id": trace.format_trace_id(context.trace_id),
        "span_id": trace.format_span_id(context.span_id),
    }
