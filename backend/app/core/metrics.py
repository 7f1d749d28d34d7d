"""Prometheus metrics; multiprocess mode when PROMETHEUS_MULTIPROC_DIR is set.

Counters and histograms are kept by each process (in multiprocess mode, in files
that a scrape sums). Gauges of shared state, such as the audit queue, are read
from the database by the process that answers the scrape and passed in as
`families`: one reading, never a per-process value summed over processes."""

import os
from collections.abc import Iterable, Sequence

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
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

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


class _Read(Collector):
    """Metric families read for one scrape, in the shape `generate_latest` takes."""

    def __init__(self, families: Sequence[Metric]) -> None:
        self._families = families

    def collect(self) -> Iterable[Metric]:
        return self._families


def gauge(
    name: str,
    documentation: str,
    samples: Iterable[tuple[Sequence[str], float]] = (),
    labels: Sequence[str] = (),
) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation, labels=labels)
    for values, value in samples:
        family.add_metric(values, value)
    return family


def render_metrics(families: Sequence[Metric] = ()) -> tuple[bytes, str]:
    registry: CollectorRegistry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Each worker writes its own files; a fresh registry sums them per scrape.
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    body = generate_latest(registry)
    if families:
        body += generate_latest(_Read(families))
    return body, CONTENT_TYPE_LATEST


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
MODEL_ERRORS = Counter(
    "audit_model_errors_total",
    "Failed calls to the review model, by error code (MODEL_TIMEOUT, ...)",
    ("code",),
)
MODEL_TOKENS = Counter(
    "audit_model_tokens_total",
    "Tokens the review model reported using, by kind: prompt or completion",
    ("kind",),
)
LEASE_EXPIRIES = Counter(
    "audit_lease_expiries_total",
    "Expired leases a worker found: the holder died or stalled mid-review",
)
LEASE_TAKEOVERS = Counter(
    "audit_lease_takeovers_total",
    "Expired leases claimed again for another attempt (the rest fail: no attempts "
    "left)",
)
LEASES_LOST = Counter(
    "audit_leases_lost_total",
    "Outcomes a worker discarded because its lease had been taken over",
)
