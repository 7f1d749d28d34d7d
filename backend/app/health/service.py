import asyncio
import time

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from app.health.exceptions import DatabaseUnavailable
from app.health.models import DatabaseHealth


async def check_database(engine: AsyncEngine, timeout: float) -> DatabaseHealth:
    started = time.perf_counter()
    try:
        async with asyncio.timeout(timeout), engine.connect() as connection:
            has_revision = await connection.scalar(
                text("SELECT to_regclass('alembic_version') IS NOT NULL")
            )
            revision = (
                await connection.scalar(text("SELECT version_num FROM alembic_version"))
                if has_revision
                else None
            )
    except TimeoutError:
        raise DatabaseUnavailable(
            details={"reason": "timeout", "timeout_s": timeout}
        ) from None
    except (OSError, SQLAlchemyError) as error:
        raise DatabaseUnavailable(details={"reason": type(error).__name__}) from None
    latency_ms = round((time.perf_counter() - started) * 1000, 3)
    return DatabaseHealth(latency_ms=latency_ms, revision=revision)
