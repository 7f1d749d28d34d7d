"""Building blocks for request and response schemas."""

from typing import Annotated

from pydantic import AfterValidator
from sqlmodel._compat import SQLModelConfig


def reject_nul(value: str) -> str:
    # PostgreSQL cannot store NUL in text: refuse it up front with a 422.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


CleanStr = Annotated[str, AfterValidator(reject_nul)]

# Larger offsets overflow the database's bigint; none of them could find a row.
MAX_OFFSET = 2**31 - 1

# Request bodies: unknown or server-owned fields are errors, not silently dropped.
REQUEST = SQLModelConfig(extra="forbid")
# Responses always carry their defaulted fields, so the document marks them required.
RESPONSE = SQLModelConfig(json_schema_serialization_defaults_required=True)
