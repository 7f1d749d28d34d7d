"""Creating and dropping throwaway databases on a PostgreSQL server."""

from uuid import uuid4

import asyncpg
from sqlalchemy.engine import make_url

from app.core.db import asyncpg_dsn
from app.core.roles import RUNTIME_ROLE


def with_database(url: str, database: str) -> str:
    return make_url(url).set(database=database).render_as_string(hide_password=False)


async def create_database(server_url: str) -> str:
    name = f"looped_test_{uuid4().hex[:12]}"
    connection = await asyncpg.connect(asyncpg_dsn(server_url))
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return with_database(server_url, name)


async def drop_database(server_url: str, url: str) -> None:
    name = make_url(url).database
    connection = await asyncpg.connect(asyncpg_dsn(server_url))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


def as_role(url: str, role: str = RUNTIME_ROLE) -> str:
    """The same database as another role (the test servers trust every role)."""
    return (
        make_url(url)
        .set(username=role, password=None)
        .render_as_string(hide_password=False)
    )
