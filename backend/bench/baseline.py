"""The yardstick: FastAPI endpoints running the same queries as the API's hot paths
(posts and audits) straight on asyncpg, with no SQLAlchemy, SQLModel or dependency
tree in between. The ratio to it is the price of the data layer and the app's
plumbing. The queries and the row mapping are `bench.sql`'s, shared with the floor."""

from typing import Any
from uuid import UUID

from fastapi import FastAPI, Request

from bench import sql

app = FastAPI(lifespan=sql.lifespan)


@app.get("/v1/teams/{team}/posts")
async def list_posts(request: Request, team: str) -> dict[str, Any]:
    return await sql.list_posts(request)


@app.get("/v1/teams/{team}/posts/{post_id}")
async def get_post(request: Request, team: str, post_id: UUID) -> dict[str, Any]:
    return await sql.get_post(request, post_id)


@app.post("/v1/teams/{team}/posts", status_code=201)
async def create_post(request: Request, team: str) -> dict[str, Any]:
    return await sql.create_post(request)


@app.post("/v1/teams/{team}/audits", status_code=202)
async def create_audit(request: Request, team: str) -> dict[str, Any]:
    return await sql.create_audit(request)


@app.get("/v1/teams/{team}/audits")
async def list_audits(
    request: Request,
    team: str,
    limit: int = sql.AUDIT_LIMIT,
    offset: int = 0,
    status: str | None = None,
    review_status: str | None = None,
) -> dict[str, Any]:
    return await sql.list_audits(request, limit, offset, status, review_status)
