"""Helpers for audit tests: create audits and read them back through the API."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import httpx

from tests.support.factories import TeamWithKey

# Starts the in-process worker for the block it opens (the `worker` fixture).
Worker = Callable[[], AbstractAsyncContextManager[None]]


async def create_audit(
    client: httpx.AsyncClient,
    team: TeamWithKey,
    headers: dict[str, str] | None = None,
    **body: Any,
) -> dict[str, Any]:
    response = await client.post(
        f"/v1/teams/{team.name}/audits",
        json=body or {"content": "hello there"},
        headers={**team.headers, **(headers or {})},
    )
    assert response.status_code == 202, response.text
    audit: dict[str, Any] = response.json()["audit"]
    return audit


async def get_audit(
    client: httpx.AsyncClient, team: TeamWithKey, audit_id: str
) -> dict[str, Any]:
    response = await client.get(
        f"/v1/teams/{team.name}/audits/{audit_id}", headers=team.headers
    )
    assert response.status_code == 200, response.text
    audit: dict[str, Any] = response.json()["audit"]
    return audit


async def eventually(
    check: Callable[[], Awaitable[Any]], timeout: float = 20, interval: float = 0.05
) -> Any:
    """Polls `check` until it returns something truthy, and returns that."""
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout}s: last saw {result!r}")
        await asyncio.sleep(interval)


async def settled(
    client: httpx.AsyncClient, team: TeamWithKey, audit_id: str, timeout: float = 20
) -> dict[str, Any]:
    """The audit once it is completed or failed."""

    async def done() -> dict[str, Any] | None:
        audit = await get_audit(client, team, audit_id)
        return audit if audit["status"] in ("completed", "failed") else None

    result: dict[str, Any] = await eventually(done, timeout)
    return result
