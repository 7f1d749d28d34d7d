"""Shared table conventions: constraint names, UUIDv7 ids and aware timestamps."""

from datetime import UTC, datetime
from enum import StrEnum
from functools import partial
from uuid import UUID

from pydantic import PlainValidator
from sqlalchemy import CheckConstraint
from sqlmodel import SQLModel
from uuid_utils.compat import uuid7

from app.core.errors import AppError

# Named constraints make migrations reviewable and reversible on every server.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> UUID:
    # Time-ordered ids keep the primary key index append-only.
    return uuid7()


def utcnow() -> datetime:
    return datetime.now(UTC)


def parse_id(value: str, not_found: type[AppError]) -> UUID:
    """A path id; one that is not a UUID names nothing: a 404 like any other."""
    try:
        return UUID(value)
    except ValueError:
        raise not_found(details={"id": value[:64]}) from None


def id_in_path(not_found: type[AppError]) -> PlainValidator:
    """`Annotated[UUID, id_in_path(...)]`: a path id parsed as the route's own
    parameter, so after its dependencies (the caller first) and with no
    dependency of its own for FastAPI to solve on every request."""
    return PlainValidator(
        partial(parse_id, not_found=not_found), json_schema_input_type=str
    )


def one_of(column: str, enum: type[StrEnum]) -> CheckConstraint:
    # Text with a CHECK rather than a PostgreSQL ENUM type: a new value later is a
    # one-line migration.
    values = ", ".join(f"'{member.value}'" for member in enum)
    return CheckConstraint(f"{column} IN ({values})", name=column)
