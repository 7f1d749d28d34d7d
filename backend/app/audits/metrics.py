"""The queue's gauges, read from the database when Prometheus scrapes: one reading
of shared state, right however many processes serve the API or review audits.
Every API replica reports the same values, so dashboards take their `max`."""

import asyncio
import logging

from asyncpg import PostgresError
from prometheus_client.metrics_core import Metric

from app.audits import queue
from app.core.db import ALL_TEAMS, Database
from app.core.errors import AppError
from app.core.metrics import gauge

# Well inside Prometheus's default 10 s scrape timeout: a slow database costs the
# scrape its queue gauges, not the whole scrape.
SCRAPE_TIMEOUT_S = 2.0

logger = logging.getLogger("app.audits.metrics")


async def queue_families(database: Database) -> list[Metric]:
    try:
        async with (
            asyncio.timeout(SCRAPE_TIMEOUT_S),
            database.read(ALL_TEAMS) as session,
        ):
            depth = await queue.depth(session)
    except (OSError, PostgresError, AppError, TimeoutError) as error:
        logger.warning(
            "queue metrics unavailable", extra={"error": type(error).__name__}
        )
        return [_up(False)]
    return [
        _up(True),
        gauge(
            "audit_queue_audits",
            "Audits in each status",
            ((((status.value,), count) for status, count in depth.by_status.items())),
            labels=("status",),
        ),
        gauge(
            "audit_queue_running_leases",
            "Running audits by lease: live (being reviewed) or expired (the worker "
            "is gone; the next claim takes it over)",
            ((("live",), depth.live_leases), (("expired",), depth.expired_leases)),
            labels=("state",),
        ),
        gauge(
            "audit_queue_oldest_pending_age_seconds",
            "How long the longest-waiting due audit has waited since it became due "
            "(0 when none is waiting)",
            (((), depth.oldest_due_seconds),),
        ),
    ]


def _up(up: bool) -> Metric:
    return gauge(
        "audit_queue_up",
        "1 when this scrape could read the queue from the database",
        (((), 1.0 if up else 0.0),),
    )
