import asyncio
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel.sql.sqltypes import AutoString

from app.core.config import get_settings
from app.core.db import ALL_TEAMS, resolve_migration_url
from app.core.roles import ENSURE_RUNTIME_ROLE, GRANT_RUNTIME
from app.models import metadata

config = context.config


def _url() -> str:
    url = config.attributes.get("url")
    return str(url) if url else resolve_migration_url(get_settings())


def _render_item(kind: str, item: Any, _: AutogenContext) -> str | Literal[False]:
    # SQLModel's AutoString is a plain VARCHAR; rendering it as such keeps
    # migrations free of SQLModel internals.
    if kind == "type" and isinstance(item, AutoString):
        return f"sa.String(length={item.length})" if item.length else "sa.String()"
    return False


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        compare_type=True,
        compare_server_default=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        # Row-level security binds the tables' owner too: a data migration
        # works on every team's rows.
        connection.exec_driver_sql(
            f"SELECT set_config('app.team_id', '{ALL_TEAMS}', true)"
        )
        connection.exec_driver_sql(ENSURE_RUNTIME_ROLE)
        context.run_migrations()
        for statement in GRANT_RUNTIME:
            connection.exec_driver_sql(statement)


async def _run_async() -> None:
    engine = create_async_engine(_url())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_async())
