"""The floor: the baseline's statements and row mapping (`bench.sql`) under a plain
Starlette app, with no FastAPI routing, validation or response model; orjson writes
the responses. About the least a Python ASGI app does for these requests, so the
API's distance to it is the whole cost of its framework, data layer and plumbing."""

from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bench import sql


def _json(content: dict[str, Any], status_code: int = 200) -> Response:
    # orjson writes datetimes (with a Z, as pydantic does) and uuid.UUID itself, but
    # asyncpg's UUIDs are a subclass of it, which orjson hands to `default`.
    body = orjson.dumps(content, default=str, option=orjson.OPT_UTC_Z)
    return Response(body, status_code, media_type="application/json")


async def list_posts(request: Request) -> Response:
    return _json(await sql.list_posts(request))


async def get_post(request: Request) -> Response:
    return _json(await sql.get_post(request, request.path_params["post_id"]))


async def create_post(request: Request) -> Response:
    return _json(await sql.create_post(request), 201)


async def create_audit(request: Request) -> Response:
    return _json(await sql.create_audit(request), 202)


async def list_audits(request: Request) -> Response:
    query = request.query_params
    page = await sql.list_audits(
        request,
        int(query.get("limit", sql.AUDIT_LIMIT)),
        int(query.get("offset", 0)),
        query.get("status"),
        query.get("review_status"),
    )
    return _json(page)


app = Starlette(
    routes=[
        Route("/v1/teams/{team}/posts", list_posts, methods=["GET"]),
        Route("/v1/teams/{team}/posts", create_post, methods=["POST"]),
        Route("/v1/teams/{team}/posts/{post_id:uuid}", get_post, methods=["GET"]),
        Route("/v1/teams/{team}/audits", list_audits, methods=["GET"]),
        Route("/v1/teams/{team}/audits", create_audit, methods=["POST"]),
    ],
    lifespan=sql.lifespan,
)
