"""The yardstick: the same queries as the API's hot paths on bare asyncpg and ASGI,
with none of FastAPI, SQLModel or SQLAlchemy in between."""

import os
from typing import Any
from uuid import UUID

import asyncpg
import orjson
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


async def _read_body(receive: Any) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


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


class Baseline:
    def __init__(self) -> None:
        self.pool: asyncpg.Pool | None = None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                self.pool = await asyncpg.create_pool(
                    os.environ["BASELINE_DSN"], min_size=10, max_size=10
                )
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        assert self.pool is not None
        headers = dict(scope["headers"])
        token = headers.get(b"authorization", b"").removeprefix(b"Bearer ").decode()
        parts = scope["path"].strip("/").split("/")
        async with self.pool.acquire() as connection:
            key = await connection.fetchrow(AUTH, hash_key(token))
            if key is None:
                return await _respond(send, 401, {"error": "unauthorized"})
            if scope["method"] == "POST":
                body = orjson.loads(await _read_body(receive))
                row = await connection.fetchrow(
                    INSERT,
                    uuid7(),
                    key["team_id"],
                    body["author_name"],
                    body["content"],
                    orjson.dumps(body.get("tags", [])).decode(),
                )
                post = {**body, "id": row["id"], "created_at": row["created_at"]}
                return await _respond(send, 201, {"post": post})
            if len(parts) == 5:
                row = await connection.fetchrow(GET, UUID(parts[4]), key["team_id"])
                return await _respond(send, 200, {"post": _post(row, key["name"])})
            rows = await connection.fetch(LIST, key["team_id"], 10, 0)
        total = rows[0]["total"] if rows else 0
        body = {
            "posts": [_post(row, key["name"]) for row in rows],
            "total": total,
            "has_more": len(rows) < total,
        }
        await _respond(send, 200, body)


async def _respond(send: Any, status: int, body: dict[str, Any]) -> None:
    payload = orjson.dumps(body, default=str)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": payload})


app = Baseline()
