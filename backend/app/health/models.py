from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# Responses always carry their defaulted fields, so the document marks them required.
RESPONSE = ConfigDict(json_schema_serialization_defaults_required=True)


class Healthz(BaseModel):
    model_config = RESPONSE

    status: Literal["ok"] = "ok"
    build_sha: str = Field(alias="buildSha", description="Build the API runs")


class Liveness(BaseModel):
    model_config = RESPONSE

    status: Literal["ok"] = "ok"


class DatabaseHealth(BaseModel):
    model_config = RESPONSE

    status: Literal["ok"] = "ok"
    database: Literal["ok"] = "ok"
    latency_ms: float = Field(description="Round trip of the check, in milliseconds")
    revision: str | None = Field(description="Alembic revision the database is at")
