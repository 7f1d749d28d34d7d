"""Building blocks for request and response schemas, shared by every domain."""

from typing import Annotated

from pydantic import AfterValidator, StringConstraints
from sqlmodel import SQLModel


def storable_text(value: str) -> str:
    """Refuses, with a 422, what PostgreSQL text cannot hold: NUL characters and
    lone surrogates (JSON escapes like "\\ud800" that encode no character)."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text (no lone surrogates)") from None
    return value


CleanStr = Annotated[str, AfterValidator(storable_text)]

# A topic tag, on posts and in a review's suggestions: stored lowercase.
Tag = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, to_lower=True, min_length=1, max_length=32
    ),
    AfterValidator(storable_text),
]

# Built on SQLModel's own config, so they type-check as every model's `model_config`.
# Request bodies: unknown or server-owned fields are errors, not silently dropped.
REQUEST = SQLModel.model_config | {"extra": "forbid"}
# Responses always carry their defaulted fields, so the document marks them required.
RESPONSE = SQLModel.model_config | {"json_schema_serialization_defaults_required": True}
