import asyncio
import dataclasses

import httpx
from fastapi import FastAPI

from app.core.config import Settings
from app.core.db import Database
from app.main import create_app
from tests.support.factories import TeamWithKey


async def test_a_request_that_waits_too_long_for_the_database_is_told_to_retry(
    settings: Settings, test_database: Database, team_a: TeamWithKey
) -> None:
    database = dataclasses.replace(
        test_database, request_slots=asyncio.Semaphore(1), slot_timeout=0.1
    )
    app: FastAPI = create_app(settings, database=database)
    transport = httpx.ASGITransport(app=app)
    url = f"/v1/teams/{team_a.name}/posts"
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        await database.request_slots.acquire()
        try:
            busy = await client.get(url, headers=team_a.headers)
        finally:
            database.request_slots.release()
        served = await client.get(url, headers=team_a.headers)

    assert busy.status_code == 503
    assert busy.headers["Retry-After"] == "1"
    assert busy.json() == {
        "error": "Too many requests are waiting for the database; retry shortly",
        "code": "DATABASE_BUSY",
        "details": {},
    }
    assert served.status_code == 200
