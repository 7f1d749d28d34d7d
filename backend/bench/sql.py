"""The API's hot paths as plain asyncpg, shared by the baseline and the floor: the same
statements as the API's services, the rows mapped to the API's response shapes, and
one coroutine per operation. The two apps around them differ only in framework, so
their gap is the framework's price, and the API's gap to them the data layer's."""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, time
from typing import Any
from uuid import UUID

import asyncpg
import orjson
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from uuid_utils.compat import uuid7

from app.audits.queue import AUDIT_CHANNEL
from app.core.tokens import SESSION_PREFIX, hash_token

AUTH = """
SELECT k.id, k.team_id, t.name FROM api_key k JOIN team t ON t.id = k.team_id
WHERE k.key_hash = $1 AND k.revoked_at IS NULL
"""
# The API's session lookup (`app.people.repository.SESSION_CALLER`), for a person
# who is a member of the path's team.
SESSION_AUTH = """
SELECT s.id, t.id AS team_id, t.name FROM user_session s
JOIN user_account u ON u.id = s.user_id AND NOT u.disabled
JOIN team t ON t.name = $2
JOIN membership m ON m.team_id = t.id AND m.user_id = u.id
WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
  AND s.last_seen_at > now() - interval '72 hours'
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
AUDIT_COLUMNS = """id, post_id, include_replies, content, status, attempts, run_after,
  details, error, review_status, review_note, created_at, updated_at, completed_at"""
AUDIT_PAGE = f"""
SELECT {AUDIT_COLUMNS} FROM audit WHERE team_id = $1{{}}
ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3
"""
AUDIT_COUNT = "SELECT count(*) FROM audit WHERE team_id = $1{}"
AUDIT_INSERT = f"""
INSERT INTO audit (id, team_id, include_replies, content, run_after, created_at,
  updated_at)
VALUES ($1, $2, false, $3, now(), now(), now())
ON CONFLICT (team_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
RETURNING {AUDIT_COLUMNS}
"""
# The API's per-team queue lock and its quota read (`app.audits.repository`): the
# floor pays for them too, and only the framework and data layer stay the API's.
LOCK_TEAM_QUEUE = """
SELECT pg_advisory_xact_lock(
  hashtextextended('audit-queue:' || CAST($1::uuid AS text), 0))
"""
QUOTA = """
SELECT
  (SELECT count(*) FROM audit
    WHERE team_id = $1 AND status IN ('pending', 'running')) AS active,
  (SELECT CAST(coalesce(sum(CAST(details -> 'usage' ->> 'total_tokens' AS BIGINT)), 0)
      AS BIGINT) FROM audit
    WHERE team_id = $1 AND status = 'completed' AND completed_at >= $2) AS used_tokens
"""
NOTIFY = "SELECT pg_notify($1, '')"
AUDIT_LIMIT = 20  # the API's default page of audits


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    """A pool of 10 connections on BASELINE_DSN, in `app.state.pool`."""
    app.state.pool = await asyncpg.create_pool(
        os.environ["BASELINE_DSN"], min_size=10, max_size=10
    )
    yield
    await app.state.pool.close()


async def _key(connection: asyncpg.Connection, request: Request) -> asyncpg.Record:
    token = request.headers.get("authorization", "").removeprefix("Bearer ")
    if token.startswith(SESSION_PREFIX):
        key = await connection.fetchrow(
            SESSION_AUTH, hash_token(token), request.path_params["team"]
        )
    else:
        key = await connection.fetchrow(AUTH, hash_token(token))
    if key is None:
        raise HTTPException(401)
    return key


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


def _json(value: str | None) -> Any:
    return None if value is None else orjson.loads(value)


def _audit(row: asyncpg.Record, team: str) -> dict[str, Any]:
    return {
        "id": row["id"],
        "team": team,
        "post_id": row["post_id"],
        "include_replies": row["include_replies"],
        "content": row["content"],
        "status": row["status"],
        "attempts": row["attempts"],
        "next_attempt_at": row["run_after"] if row["status"] == "pending" else None,
        "details": _json(row["details"]),
        "error": _json(row["error"]),
        "review_status": row["review_status"],
        "review_note": row["review_note"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "completed_at": row["completed_at"],
    }


# One coroutine per operation, for either app: the key lookup, then the statements, on
# a connection from `request.app.state.pool` that goes back before the response is
# built. A missing key is a 401 (Starlette's HTTPException, which FastAPI renders too).


async def list_posts(request: Request) -> dict[str, Any]:
    async with request.app.state.pool.acquire() as connection:
        key = await _key(connection, request)
        rows = await connection.fetch(LIST, key["team_id"], 10, 0)
    total = rows[0]["total"] if rows else 0
    posts = [_post(row, key["name"]) for row in rows]
    return {"posts": posts, "total": total, "has_more": len(rows) < total}


async def get_post(request: Request, post_id: UUID) -> dict[str, Any]:
    async with request.app.state.pool.acquire() as connection:
        key = await _key(connection, request)
        row = await connection.fetchrow(GET, post_id, key["team_id"])
    if row is None:
        raise HTTPException(404)
    return {"post": _post(row, key["name"])}


async def create_post(request: Request) -> dict[str, Any]:
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


async def create_audit(request: Request) -> dict[str, Any]:
    body = orjson.loads(await request.body())
    async with request.app.state.pool.acquire() as connection:
        key = await _key(connection, request)
        # As in the API: the row and the workers' wake-up commit together, after
        # the team's quota was read under its queue lock.
        async with connection.transaction():
            await connection.execute(LOCK_TEAM_QUEUE, key["team_id"])
            await connection.fetchrow(QUOTA, key["team_id"], _day_start())
            row = await connection.fetchrow(
                AUDIT_INSERT, uuid7(), key["team_id"], body["content"]
            )
            await connection.execute(NOTIFY, AUDIT_CHANNEL)
    return {"audit": _audit(row, key["name"])}


def _day_start() -> datetime:
    return datetime.combine(datetime.now(UTC).date(), time.min, tzinfo=UTC)


def _and(filters: list[tuple[str, str]], first: int) -> str:
    """`AND name = $n` for each filter, numbered from the first free parameter."""
    return "".join(f" AND {name} = ${n}" for n, (name, _) in enumerate(filters, first))


async def list_audits(
    request: Request,
    limit: int,
    offset: int,
    status: str | None,
    review_status: str | None,
) -> dict[str, Any]:
    filters = [
        (name, value)
        for name, value in (("status", status), ("review_status", review_status))
        if value is not None
    ]
    values = [value for _, value in filters]
    async with request.app.state.pool.acquire() as connection:
        key = await _key(connection, request)
        rows = await connection.fetch(
            AUDIT_PAGE.format(_and(filters, 4)), key["team_id"], limit, offset, *values
        )
        # As in the API: a short page tells the total, a full one is counted.
        if 0 < len(rows) < limit:
            total = offset + len(rows)
        else:
            total = await connection.fetchval(
                AUDIT_COUNT.format(_and(filters, 2)), key["team_id"], *values
            )
    audits = [_audit(row, key["name"]) for row in rows]
    return {"audits": audits, "total": total, "has_more": offset + len(rows) < total}
