import asyncio
import time

from sqlalchemy import text

from app.core.db import Database, compile_query
from app.core.errors import DatabaseUnavailable
from app.health.models import DatabaseHealth

_MIGRATED = compile_query(text("SELECT to_regclass('alembic_version') IS NOT NULL"))
_REVISION = compile_query(text("SELECT version_num FROM alembic_version"))


async def check_database(database: Database, timeout: float) -> DatabaseHealth:
    started = time.perf_counter()
    try:
        async with asyncio.timeout(timeout), database.read() as session:
            migrated = await session.scalar(_MIGRATED)
            revision = await session.scalar(_REVISION) if migrated else None
    except TimeoutError:
        raise DatabaseUnavailable(
            details={"reason": "timeout", "timeout_s": timeout}
        ) from None
    latency_ms = round((time.perf_counter() - started) * 1000, 3)
    return DatabaseHealth(latency_ms=latency_ms, revision=revision)
