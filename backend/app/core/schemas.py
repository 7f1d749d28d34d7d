"""Building blocks for request and response schemas."""

from typing import Annotated

from pydantic import AfterValidator
from sqlmodel._compat import SQLModelConfig


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

# Larger offsets overflow the database's bigint; none of them could find a row.
MAX_OFFSET = 2**31 - 1

# Request bodies: unknown or server-owned fields are errors, not silently dropped.
REQUEST = SQLModelConfig(extra="forbid")
# Responses always carry their defaulted fields, so the document marks them required.
RESPONSE = SQLModelConfig(json_schema_serialization_defaults_required=True)
