"""Request context: request id, access log, metrics and the last-resort 500 envelope."""

import logging
import re
import time
from collections.abc import Mapping
from functools import lru_cache

from fastapi import HTTPException, status
from prometheus_client import Gauge, Histogram
from starlette.datastructures import MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uuid_utils import uuid7

from app.core.errors import InternalError, body_too_large
from app.core.logging import request_id_var
from app.core.metrics import REQUEST_DURATION, REQUESTS_IN_PROGRESS

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID_NAME = REQUEST_ID_HEADER.lower().encode("latin-1")
# Headers that request handling sets for every response of the request, error
# responses included (the rate limiter's X-RateLimit-*).
_STATE_HEADERS = "response_headers"
_WELL_FORMED_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

access_logger = logging.getLogger("app.access")
error_logger = logging.getLogger("app.error")


def _route_template(scope: Scope) -> str:
    # The template, never the raw path: raw paths would explode label cardinality.
    route = scope.get("route")
    return getattr(route, "path_format", None) or "unmatched"


def _incoming(scope: Scope) -> tuple[str | None, int | None]:
    """The caller's request id, if well formed, and the declared body length, in
    one pass over the headers."""
    request_id = length = None
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            candidate: str = value.decode("latin-1")
            if _WELL_FORMED_REQUEST_ID.match(candidate):
                request_id = candidate
        elif name == b"content-length" and value.isdigit():
            length = int(value)
    return request_id, length


_VARY_ORIGIN = (b"vary", b"Origin")


class CrossOriginMiddleware(CORSMiddleware):
    """Starlette's CORS for the requests that carry an Origin. The others (curl,
    servers, the web app's proxy: nearly all of them) skip its parsing of the
    request's and the response's headers, and get the `Vary: Origin` it would
    have added."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or any(
            name == b"origin" for name, _ in scope["headers"]
        ):
            await super().__call__(scope, receive, send)
            return

        async def send_varying(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), _VARY_ORIGIN]
            await send(message)

        await self.app(scope, receive, send_varying)


@lru_cache(maxsize=4096)
def _duration(method: str, route: str, status: int) -> Histogram:
    # prometheus_client's labels() takes a lock and builds a key on every call;
    # the series are few (routes x methods x statuses), so each is looked up once.
    return REQUEST_DURATION.labels(method, route, str(status))


@lru_cache(maxsize=4096)
def _in_progress(method: str) -> Gauge:
    return REQUESTS_IN_PROGRESS.labels(method)


def set_response_headers(request: Request, headers: Mapping[str, str]) -> None:
    """Headers for whatever response this request gets, an error's included."""
    setattr(request.state, _STATE_HEADERS, dict(headers))


def _counted(receive: Receive, limit: int) -> Receive:
    """`receive`, refusing a body (one without Content-Length) once it outgrows
    the limit. FastAPI passes an HTTPException raised while it reads the body
    on to the error handlers, which answer with the envelope."""
    received = 0

    async def receive_counted() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE)
        return message

    return receive_counted


class RequestContextMiddleware:
    """Outermost, pure ASGI: the request id, the access log and metrics for every
    response, and the body limit: by Content-Length before any routing, or
    counted as the body streams in. (FastAPI's own `max_body_size` would add two
    middlewares to every route, a GET's included.)"""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        incoming_id, length = _incoming(scope)
        request_id = incoming_id or uuid7().hex
        token = request_id_var.set(request_id)
        method = scope["method"]
        status = 500
        response_started = False

        async def send_with_request_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                # Appended as bytes: no response sets the id itself, and parsing
                # the headers into MutableHeaders is paid on every response.
                message["headers"] = [
                    *message.get("headers", ()),
                    (_REQUEST_ID_NAME, request_id.encode("latin-1")),
                ]
                state_headers = scope.get("state", {}).get(_STATE_HEADERS)
                if state_headers:
                    headers = MutableHeaders(scope=message)
                    for name, value in state_headers.items():
                        headers.setdefault(name, value)
            await send(message)

        in_progress = _in_progress(method)
        in_progress.inc()
        started = time.perf_counter()
        try:
            if length is None:
                receive = _counted(receive, self.max_body_bytes)
            if length is not None and length > self.max_body_bytes:
                refusal = body_too_large(self.max_body_bytes).response()
                await refusal(scope, receive, send_with_request_id)
            else:
                await self.app(scope, receive, send_with_request_id)
        except Exception:
            error_logger.exception(
                "unhandled error",
                extra={"method": method, "route": _route_template(scope)},
            )
            if not response_started:
                await InternalError().response()(scope, receive, send_with_request_id)
        finally:
            duration = time.perf_counter() - started
            in_progress.dec()
            route = _route_template(scope)
            _duration(method, route, status).observe(duration)
            access_logger.info(
                "request",
                extra={
                    "method": method,
                    "route": route,
                    "status": status,
                    "duration_ms": round(duration * 1000, 3),
                },
            )
            request_id_var.reset(token)
