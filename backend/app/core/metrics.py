"""Prometheus metrics; multiprocess mode when PROMETHEUS_MULTIPROC_DIR is set."""

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

REQUEST_DURATION = Histogram(
    "http_request_duration_seconds",
    "HTTP request duration in seconds, by route template",
    ("method", "route", "status"),
)
REQUESTS_IN_PROGRESS = Gauge(
    "http_requests_in_progress",
    "HTTP requests being served",
    ("method",),
    multiprocess_mode="livesum",
)


def render_metrics() -> tuple[bytes, str]:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Each worker writes its own files; a fresh registry sums them per scrape.
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


AUDITS = Counter(
    "audits_total",
    "Audits entering each status (pending when queued or retried)",
    ("status",),
)
AUDIT_ATTEMPTS = Counter(
    "audit_attempts_total",
    "Review attempts, by outcome: completed, retry (failed, will retry), failed",
    ("outcome",),
)
MODEL_CALL_DURATION = Histogram(
    "audit_model_call_duration_seconds",
    "Duration of calls to the review model, by outcome (ok or an error code)",
    ("outcome",),
    buckets=(0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120, float("inf")),
)
