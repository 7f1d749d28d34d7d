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
from sqlalchemy import ColumnElement, FromClause, Text, cast
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
        # enums and nested models are turned back into types. Nested models are
        # stored as JSON documents, selected as text and parsed by pydantic in one
        # step (half the cost of decoding JSON, then validating the objects).
        loaded = [(name, fields[name].annotation) for name in self._loaded]
        self._documents = {
            name: TypeAdapter(fields[name].rebuild_annotation()).validator
            for name, annotation in loaded
            if _holds(annotation, (BaseModel,))
        }
        self._enums = {
            name: TypeAdapter(fields[name].rebuild_annotation()).validator
            for name, annotation in loaded
            if name not in self._documents and _holds(annotation, (Enum,))
        }
        _check_constructible(public)

    def columns(
        self,
        source: FromClause | None = None,
        *,
        computed: bool = True,
        raw: bool = False,
    ) -> list[ColumnElement[Any]]:
        """The select list over the table, or over a subquery of its columns;
        without the computed ones where the caller knows them (a new row's). `raw`
        selects the stored columns alone, for a page to be cut before anything is
        computed: PostgreSQL evaluates the select list of every row an OFFSET skips."""
        source = self.table if source is None else source
        if raw:
            return [source.c[name] for name in self.column_names]
        selected: list[ColumnElement[Any]] = [
            cast(source.c[name], Text).label(name)
            if name in self._documents
            else source.c[name]
            for name in self.column_names
        ]
        if computed:
            selected += [
                expression(source.c).label(name)
                for name, expression in self.computed.items()
            ]
        return selected

    def load(self, row: asyncpg.Record, **given: Any) -> Public:
        values = {name: row[name] for name in self._loaded if name not in given}
        for name, document in self._documents.items():
            if (text := values.get(name)) is not None:
                values[name] = document.validate_json(text)
        for name, enum in self._enums.items():
            if name in values:
                values[name] = enum.validate_python(values[name])
        values.update(given)
        return _construct(self.public, values)


def _check_constructible(public: type[BaseModel]) -> None:
    """`_construct` is `model_construct` for a model given every field: true only
    for models without aliases, private attributes, extras or post-init hooks."""
    aliased = [
        n for n, f in public.model_fields.items() if f.alias or f.validation_alias
    ]
    if (
        aliased
        or public.__private_attributes__
        or public.model_config.get("extra") == "allow"
        or public.__pydantic_post_init__
    ):
        raise TypeError(f"{public.__name__} cannot be projected: {aliased or 'config'}")


def _construct(public: type[Public], values: dict[str, Any]) -> Public:
    # What model_construct does once it has every field's value; its per-field
    # alias and default handling took five times as long, on every row.
    model = public.__new__(public)
    object.__setattr__(model, "__dict__", values)
    object.__setattr__(model, "__pydantic_fields_set__", set(values))
    object.__setattr__(model, "__pydantic_extra__", None)
    object.__setattr__(model, "__pydantic_private__", None)
    return model
