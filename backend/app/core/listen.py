"""One LISTEN subscription per process and channel, on a connection of its own,
kept alive for as long as the process runs."""

import asyncio
import logging
from collections.abc import Callable
from contextlib import suppress

import asyncpg

from app.core.db import Database
from app.core.tracing import untraced

# A subscription that silently died (a half-open connection) is found within this.
PING_INTERVAL_S = 5.0
RECONNECT_DELAY_S = 1.0

logger = logging.getLogger("app.listen")


async def follow(
    database: Database,
    channel: str,
    *,
    notified: Callable[[str], None],
    subscribed: Callable[[bool], None],
) -> None:
    """Runs until cancelled, calling `notified` with each payload. `subscribed` is
    told when the subscription starts and when it ends: notifications sent while
    it was down are lost, so what depends on them starts over from the database."""
    while True:
        connection: asyncpg.Connection | None = None
        up = False
        try:
            connection = await database.connect_one()
            await connection.add_listener(
                channel, lambda _c, _p, _ch, payload: notified(payload)
            )
            up = True
            subscribed(True)
            while True:
                await asyncio.sleep(PING_INTERVAL_S)
                with untraced():
                    async with asyncio.timeout(PING_INTERVAL_S):
                        await connection.execute("SELECT 1")
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            if up:
                logger.warning(
                    "notifications lost",
                    extra={"channel": channel, "error": type(error).__name__},
                )
        finally:
            subscribed(False)
            if connection is not None:
                with suppress(Exception):
                    await connection.close(timeout=1)
        await asyncio.sleep(RECONNECT_DELAY_S)
