"""The yardstick: FastAPI endpoints running the same queries as the API's hot paths
straight on asyncpg, with no SQLAlchemy, SQLModel or dependency tree in between. The
ratio to it is the price of the data layer and the app's plumbing."""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from uuid import UUID

import asyncpg
import orjson
from fastapi import FastAPI, HTTPException, Request
from uuid_utils.compat import uuid7

from app.teams.service import hash_key

AUTH = """
SELECT k.id, k.team_id, t.name FROM api_key k JOIN team t ON t.id = k.team_id
WHERE k.key_hash = $1 AND k.revoked_at IS NULL
"""
REPLY_COUNT = """(SELECT count(*) FROM post r
  WHERE r.parent_post_id = p.id AND r.deleted_at IS NULL)"""
LIST = """
SELECT page.*, (SELECT count(*) FROM post r
  WHERE r.parent_post_id = page.id AND r.deleted_at IS NULL) AS reply_count
FROM (
  SELECT p.id, p.author_name, p.content, p.tags, p.parent_post_id, p.created_at,
    count(*) OVER () AS total
  FROM post p WHERE p.team_id = $1 AND p.deleted_at IS NULL
  ORDER BY p.created_at DESC, p.id DESC LIMIT $2 OFFSET $3
) page
ORDER BY page.created_at DESC, page.id DESC
"""
GET = f"""
SELECT p.id, p.author_name, p.content, p.tags, p.parent_post_id, p.created_at,
  {REPLY_COUNT} AS reply_count
FROM post p WHERE p.id = $1 AND p.team_id = $2 AND p.deleted_at IS NULL
"""


INSERT = """
INSERT INTO post (id, team_id, author_name, content, tags, created_at)
VALUES ($1, $2, $3, $4, $5::jsonb, now()) RETURNING id, created_at
"""


def _post(row: asyncpg.Record, team: str) -> dict[str, Any]:
    return {
        "id": row["id"],
        "team": team,
        "author_name": row["author_name"],
        "content": row["content"],
        "tags": orjson.loads(row["tags"]),
        "parent_post_id": row["parent_post_id"],
        "reply_count": row["reply_count"],
        "created_at": row["created_at"],
    }


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.pool = await asyncpg.create_pool(
        os.environ["BASELINE_DSN"], min_size=10, max_size=10
    )
    yield
    await app.state.pool.close()


app = FastAPI(lifespan=lifespan)


async def _key(connection: asyncpg.Connection, request: Request) -> asyncpg.Record:
    token = request.headers.get("authorization", "").removeprefix("Bearer ")
    key = await connection.fetchrow(AUTH, hash_key(token))
    if key is None:
        raise HTTPException(401)
    return key


@app.get("/v1/teams/{team}/posts")
async def list_posts(request: Request, team: str) -> dict[str, Any]:
    async with request.app.state.pool.acquire() as connection:
        key = await _key(connection, request)
        rows = await connection.fetch(LIST, key["team_id"], 10, 0)
    total = rows[0]["total"] if rows else 0
    posts = [_post(row, key["name"]) for row in rows]
    return {"posts": posts, "total": total, "has_more": len(rows) < total}


@app.get("/v1/teams/{team}/posts/{post_id}")
async def get_post(request: Request, team: str, post_id: UUID) -> dict[str, Any]:
    async with request.app.state.pool.acquire() as connection:
        key = await _key(connection, request)
        row = await connection.fetchrow(GET, post_id, key["team_id"])
    return {"post": _post(row, key["name"])}


@app.post("/v1/teams/{team}/posts", status_code=201)
async def create_post(request: Request, team: str) -> dict[str, Any]:
    body = orjson.loads(await request.body())
    async with request.app.state.pool.acquire() as connection:
        key = await _key(connection, request)
        row = await connection.fetchrow(
            INSERT,
            uuid7(),
            key["team_id"],
            body["author_name"],
            body["content"],
            orjson.dumps(body.get("tags", [])).decode(),
        )
    return {"post": {**body, "id": row["id"], "created_at": row["created_at"]}}
