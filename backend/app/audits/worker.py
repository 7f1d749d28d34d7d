"""Workers process queued audits. One runs inside each API process by default;
`looped worker` starts more. They share nothing but the database, so any number on
any number of hosts can run at once."""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

import asyncpg
from asyncpg import PostgresError

from app.ai.client import Reviewer
from app.ai.exceptions import ModelCallFailed
from app.audits import queue
from app.audits.models import AuditStatus
from app.core import tracing
from app.core.config import Settings
from app.core.db import ALL_TEAMS, Database, team_tenancy
from app.core.errors import AppError
from app.core.logging import audit_id_var
from app.core.metrics import (
    AUDIT_ATTEMPTS,
    AUDITS,
    LEASE_EXPIRIES,
    LEASE_TAKEOVERS,
    LEASES_LOST,
)
from app.core.tracing import untraced

logger = logging.getLogger("app.audits.worker")

_POST_GONE = ModelCallFailed(
    "POST_NOT_FOUND",
    "The audited post was deleted before it could be reviewed",
    retryable=False,
)

# The database refused the outcome itself (text it cannot hold, a value it cannot
# encode): another attempt would be refused alike.
_NOT_STORABLE = ModelCallFailed(
    "OUTCOME_NOT_STORABLE",
    "The model's review could not be stored by the database",
    retryable=False,
)


class Worker:
    def __init__(self, database: Database, settings: Settings) -> None:
        self._database = database
        self._settings = settings
        self._reviewer = Reviewer(settings)
        self._wake = asyncio.Event()
        self._in_flight: dict[asyncio.Task[None], queue.Claim] = {}
        self._subscription: asyncpg.Connection | None = None
        self._notifications_up = True

    async def run(self) -> None:
        """Processes audits until cancelled; then hands back what it holds."""
        await self._listen()
        logger.info(
            "audit worker started",
            extra={
                "concurrency": self._settings.audit_concurrency,
                "model": self._reviewer.model,
            },
        )
        try:
            while True:
                await self._listen()
                await self._fill()
                await self._wait()
        finally:
            await asyncio.shield(self._shutdown())

    async def _listen(self) -> None:
        """Subscribes to queue notifications, again after a lost connection.

        Notifications wake the worker the moment an audit is queued; polling still
        finds retries that come due and leases that expire, and covers any gap."""
        if self._subscription is not None and not self._subscription.is_closed():
            return
        await self._drop_listener()
        try:
            subscription = await self._database.connect_one()
            self._subscription = subscription
            await subscription.add_listener(queue.AUDIT_CHANNEL, self._notified)
            # A lost connection wakes the loop too, which then subscribes again.
            subscription.add_termination_listener(self._notified)
        except (OSError, PostgresError):
            await self._drop_listener()
            if self._notifications_up:
                logger.warning("audit notifications lost; polling until back")
            self._notifications_up = False
            return
        self._notifications_up = True

    def _notified(self, *_: object) -> None:
        self._wake.set()

    async def _drop_listener(self) -> None:
        if self._subscription is not None:
            # The connection may be dead: closing it must not wait on the server.
            self._subscription.terminate()
        self._subscription = None

    async def _fill(self) -> None:
        capacity = self._settings.audit_concurrency - len(self._in_flight)
        if capacity <= 0:
            return
        try:
            # Polled every second while idle: only the work on an audit is traced.
            with untraced():
                claims = await self._claim(capacity)
        except (OSError, PostgresError, AppError):
            logger.exception("could not claim audits")
            return
        for claim in claims:
            task = asyncio.create_task(self._process(claim))
            self._in_flight[task] = claim
            task.add_done_callback(self._finished)

    async def _claim(self, capacity: int) -> list[queue.Claim]:
        settings = self._settings
        # The queue is every team's; each claimed audit then runs for its team.
        async with self._database.write(ALL_TEAMS) as session:
            for audit_id in await queue.fail_abandoned(
                session, max_attempts=settings.audit_max_attempts
            ):
                AUDITS.labels(AuditStatus.FAILED).inc()
                LEASE_EXPIRIES.inc()
                logger.warning("audit lost its worker", extra={"audit_id": audit_id})
            claims = await queue.claim(
                session,
                capacity=capacity,
                lease_seconds=settings.audit_lease_seconds,
                max_attempts=settings.audit_max_attempts,
            )
        AUDITS.labels(AuditStatus.RUNNING).inc(len(claims))
        if taken_over := sum(claim.taken_over for claim in claims):
            LEASE_EXPIRIES.inc(taken_over)
            LEASE_TAKEOVERS.inc(taken_over)
        return claims

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._in_flight.pop(task, None)
        self._wake.set()

    async def _wait(self) -> None:
        with suppress(TimeoutError):
            async with asyncio.timeout(self._settings.audit_poll_seconds):
                await self._wake.wait()
        self._wake.clear()

    async def _process(self, claim: queue.Claim) -> None:
        audit_id_var.set(str(claim.id))
        with tracing.work_span(
            "audit.review",
            claim.trace_context,
            **{"audit.id": str(claim.id), "audit.attempt": claim.attempts},
        ):
            await self._review(claim)

    async def _review(self, claim: queue.Claim) -> None:
        try:
            async with self._database.read(team_tenancy(claim.team_id)) as session:
                reviewed = await queue.document(
                    session, claim, max_chars=self._settings.audit_max_prompt_chars
                )
            if reviewed is None:
                await self._failed(claim, _POST_GONE)
                return
            try:
                async with self._holding(claim):
                    review = await self._reviewer.review(reviewed)
            except ModelCallFailed as failure:
                await self._failed(claim, failure)
                return
            try:
                async with self._database.write(team_tenancy(claim.team_id)) as session:
                    written = await queue.complete(session, claim, review)
            except (asyncpg.DataError, TypeError, ValueError) as error:
                logger.warning(
                    "audit outcome refused", extra={"error": type(error).__name__}
                )
                await self._failed(claim, _NOT_STORABLE)
                return
            self._count(written, "completed", AuditStatus.COMPLETED)
            if written:
                logger.info(
                    "audit completed",
                    extra={
                        "attempt": claim.attempts,
                        "findings": len(review.findings.findings),
                        "latency_ms": review.latency_ms,
                    },
                )
        except (OSError, PostgresError, AppError):
            # The lease expires and another attempt picks the audit up.
            logger.exception("audit attempt could not be recorded")

    @asynccontextmanager
    async def _holding(self, claim: queue.Claim) -> AsyncIterator[None]:
        """Renews the claim's lease while the block runs: a model call may take
        longer than one lease, and must not be handed to a second worker (and paid
        for twice) while this one still waits for the answer."""
        renewing = asyncio.create_task(self._renew(claim))
        try:
            yield
        finally:
            renewing.cancel()
            with suppress(asyncio.CancelledError):
                await renewing

    async def _renew(self, claim: queue.Claim) -> None:
        lease = self._settings.audit_lease_seconds
        while True:
            # Three tries per lease: one slow or failed renewal does not lose it.
            await asyncio.sleep(lease / 3)
            try:
                async with self._database.write(team_tenancy(claim.team_id)) as session:
                    held = await queue.renew(session, claim, lease_seconds=lease)
            except (OSError, PostgresError, AppError):
                logger.warning("audit lease could not be renewed; trying again")
                continue
            if not held:
                # Taken over after renewals failed for a whole lease: the outcome
                # will be discarded when it is written.
                logger.warning("audit lease lost during the model call")
                return

    async def _failed(self, claim: queue.Claim, failure: ModelCallFailed) -> None:
        settings = self._settings
        retry = failure.retryable and claim.attempts < settings.audit_max_attempts
        delay = (
            queue.backoff_seconds(
                claim.attempts,
                settings.audit_backoff_seconds,
                settings.audit_backoff_max_seconds,
                failure.retry_after,
            )
            if retry
            else None
        )
        async with self._database.write(team_tenancy(claim.team_id)) as session:
            written = await queue.record_failure(session, claim, failure, delay=delay)
        if retry:
            self._count(written, "retry", AuditStatus.PENDING)
        else:
            self._count(written, "failed", AuditStatus.FAILED)
        if written:
            logger.warning(
                "audit attempt failed",
                extra={
                    "attempt": claim.attempts,
                    "code": failure.code,
                    "retry_in_s": round(delay, 3) if delay is not None else None,
                },
            )

    def _count(self, written: bool, outcome: str, status: AuditStatus) -> None:
        if not written:
            LEASES_LOST.inc()
            logger.warning("audit lease lost; outcome discarded")
            return
        AUDIT_ATTEMPTS.labels(outcome).inc()
        AUDITS.labels(status).inc()

    async def _shutdown(self) -> None:
        held = list(self._in_flight.items())
        for task, _ in held:
            task.cancel()
        await asyncio.gather(*(task for task, _ in held), return_exceptions=True)
        try:
            if held:
                async with self._database.write(ALL_TEAMS) as session:
                    for _, claim in held:
                        await queue.release(session, claim)
        except (OSError, PostgresError, AppError):
            logger.warning("could not hand back audits; their leases will expire")
        await self._drop_listener()
        await self._reviewer.close()
        logger.info("audit worker stopped", extra={"released": len(held)})
