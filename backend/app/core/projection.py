"""A response model's projection of its table: which columns a statement selects,
and how a row becomes the model, both derived from the SQLModel classes.

The Public fields that are table columns are selected by name; the others are
declared once here as computed SQL (`reply_count`) or as values the caller supplies
(`team`, known from the request's key). A field that is none of these fails at
import, so a new public column touches only the model and its migration."""

from collections.abc import Callable, Iterable, Mapping
from enum import Enum
from typing import Any, Generic, TypeVar, get_args

import asyncpg
from pydantic import BaseModel, TypeAdapter
from sqlalchemy import ColumnElement, FromClause
from sqlmodel import SQLModel

Computed = Callable[[Any], ColumnElement[Any]]


def _holds(annotation: Any, kinds: tuple[type, ...]) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, kinds):
        return True
    return any(_holds(arg, kinds) for arg in get_args(annotation))


Public = TypeVar("Public", bound=BaseModel)


class Projection(Generic[Public]):
    def __init__(
        self,
        table: type[SQLModel],
        public: type[Public],
        *,
        computed: Mapping[str, Computed] | None = None,
        given: Iterable[str] = (),
    ) -> None:
        self.table: FromClause = table.__table__  # type: ignore[attr-defined]
        self.public = public
        self.computed = dict(computed or {})
        self.given = frozenset(given)
        fields = public.model_fields
        self.column_names = tuple(name for name in fields if name in self.table.c)
        unknown = set(fields) - set(self.column_names) - set(self.computed)
        if unknown - self.given:
            raise TypeError(
                f"{public.__name__} fields {sorted(unknown - self.given)} are neither "
                f"columns of {self.table.name}, computed, nor given"
            )
        self._loaded = tuple(name for name in fields if name not in self.given)
        # Rows hold values the database already validated on the way in; only
        # enums and nested models (JSON documents) are turned back into types.
        self._typed = {
            name: TypeAdapter(field.rebuild_annotation())
            for name, field in fields.items()
            if name not in self.given and _holds(field.annotation, (BaseModel, Enum))
        }

    def columns(
        self, source: FromClause | None = None, *, computed: bool = True
    ) -> list[ColumnElement[Any]]:
        """The select list over the table, or over a subquery of its columns;
        without the computed ones where the caller knows them (a new row's)."""
        source = self.table if source is None else source
        selected: list[ColumnElement[Any]] = [
            source.c[name] for name in self.column_names
        ]
        if computed:
            selected += [
                expression(source.c).label(name)
                for name, expression in self.computed.items()
            ]
        return selected

    def load(self, row: asyncpg.Record, **given: Any) -> Public:
        values = {name: row[name] for name in self._loaded if name not in given}
        for name, adapter in self._typed.items():
            if name in values:
                values[name] = adapter.validate_python(values[name])
        return self.public.model_construct(**values, **given)
