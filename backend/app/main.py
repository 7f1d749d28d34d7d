import asyncio
import gc
import hmac
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager, suppress
from importlib.metadata import version
from typing import Any

import anyio
from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response

from app.audits.dependencies import AuditLimits
from app.audits.events import AuditEvents
from app.audits.metrics import queue_families
from app.audits.router import router as audits_router
from app.audits.worker import Worker
from app.core import tracing
from app.core.config import Settings, get_settings
from app.core.db import (
    Database,
    resolve_database_url,
    stop_embedded,
    warn_if_row_security_is_bypassed,
)
from app.core.docs import install_docs
from app.core.errors import (
    SERVER_ERRORS,
    MetricsTokenRequired,
    error_responses,
    install_error_handlers,
)
from app.core.logging import configure_logging
from app.core.metrics import render_metrics
from app.core.middleware import (
    REQUEST_ID_HEADER,
    CrossOriginMiddleware,
    RequestContextMiddleware,
)
from app.core.openapi import operation_id, type_error_codes
from app.core.ratelimit import RateLimiter
from app.health.router import router as health_router
from app.people import repository as people_repository
from app.people.router import (
    admin_router as users_router,
)
from app.people.router import (
    auth_router,
    invitations_router,
    me_router,
    members_router,
)
from app.posts.router import router as posts_router
from app.teams.authentication import Authentication, UseRecorder
from app.teams.router import router as teams_router
from app.teams.router import team_router
from app.usage.router import router as usage_router


@asynccontextmanager
async def background(
    tasks: list[Coroutine[Any, Any, None]],
) -> AsyncIterator[None]:
    """Runs the tasks while the block runs; cancelled (each cleans up) after it."""
    running = [asyncio.create_task(task) for task in tasks]
    try:
        yield
    finally:
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)


@asynccontextmanager
async def audit_worker(database: Database, settings: Settings) -> AsyncIterator[None]:
    """The in-process worker, when AI is configured and AUDIT_WORKER is on."""
    if not (settings.ai_configured and settings.audit_worker):
        yield
        return
    task = asyncio.create_task(Worker(database, settings).run())
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task


def settle_garbage_collector() -> None:
    """Objects made at start-up (modules, routes, schemas) live as long as the
    process: frozen, later collections skip them, and a higher first threshold
    makes collections rarer. With the defaults, collections under load showed as
    pauses of tens of milliseconds in the latency tail (see `make bench`)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 50, 1_000)


def _scraper_allowed(request: Request) -> bool:
    settings: Settings = request.app.state.settings
    if settings.metrics_token is None:
        return True
    expected = f"Bearer {settings.metrics_token.get_secret_value()}"
    given = request.headers.get("authorization", "")
    return hmac.compare_digest(given.encode(), expected.encode())


async def metrics(request: Request) -> Response:
    if not _scraper_allowed(request):
        return MetricsTokenRequired(headers={"WWW-Authenticate": "Bearer"}).response()
    # Before start-up has connected a database there is no queue to read.
    database: Database | None = getattr(request.app.state, "database", None)
    families = await queue_families(database) if database is not None else []
    body, content_type = render_metrics(families)
    return Response(body, media_type=content_type)


def create_app(
    settings: Settings | None = None, database: Database | None = None
) -> FastAPI:
    """The app; tests pass their own `database`, otherwise start-up connects one."""
    settings = settings or get_settings()
    configure_logging(settings.log_level)

    @asynccontextmanager
    async def serving(database: Database) -> AsyncIterator[None]:
        jobs = [
            app.state.auth.follow_invalidations(database),
            app.state.auth.flush_periodically(database),
            app.state.audit_events.follow(database),
        ]
        async with background(jobs), audit_worker(database, settings):
            yield

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if database is not None:
            async with serving(database):
                yield
            return
        url = await anyio.to_thread.run_sync(resolve_database_url, settings)
        app.state.database = await Database.connect(url, settings)
        await warn_if_row_security_is_bypassed(app.state.database)
        settle_garbage_collector()
        try:
            async with serving(app.state.database):
                yield
        finally:
            tracing.shutdown()
            await app.state.database.dispose()
            await anyio.to_thread.run_sync(stop_embedded, settings)

    app = FastAPI(
        title="Looped Needle API",
        version=version("looped-needle"),
        openapi_url="/v1/openapi.json",
        # Served from shipped assets by install_docs, not FastAPI's CDN pages.
        docs_url=None,
        redoc_url=None,
        generate_unique_id_function=operation_id,
        responses=error_responses(*SERVER_ERRORS),
        lifespan=lifespan,
        # Traces come from app.core.tracing's instrumentation; FastAPI's own
        # would look up the global providers on every request to find none.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    fail_closed = settings.rate_limit_fail == "closed"
    app.state.auth = Authentication(
        limiter=RateLimiter(
            settings.rate_limit, settings.redis_url, fail_closed=fail_closed
        ),
        sign_in_limiter=RateLimiter(
            settings.sign_in_limit, settings.redis_url, fail_closed=fail_closed
        ),
        sessions=UseRecorder(people_repository.RECORD_SESSION_USES),
    )
    app.state.audit_events = AuditEvents()
    app.state.audit_limits = AuditLimits.of(settings)
    if database is not None:
        app.state.database = database

    if tracing.configure(settings):
        tracing.instrument_app(app)
    install_error_handlers(app)
    app.add_middleware(
        CrossOriginMiddleware,
        allow_origins=settings.allowed_origins,
        allow_credentials=False,
        allow_methods=["*"],
        allow_headers=["*"],
        expose_headers=[REQUEST_ID_HEADER],
    )
    # Added last so it is outermost: it sees every response, CORS ones included.
    app.add_middleware(RequestContextMiddleware, max_body_bytes=settings.max_body_bytes)
    # Routes are matched in order: the hot ones first.
    for router in (
        posts_router,
        audits_router,
        teams_router,
        team_router,
        members_router,
        auth_router,
        me_router,
        invitations_router,
        users_router,
        usage_router,
        health_router,
    ):
        app.include_router(router)
    app.add_route("/metrics", metrics, include_in_schema=False)
    install_docs(app)
    type_error_codes(app)
    return app
