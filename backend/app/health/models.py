from typing import Literal

from pydantic import BaseModel, Field

from app.core.schemas import RESPONSE


class Healthz(BaseModel):
    model_config = RESPONSE

    status: Literal["ok"] = "ok"
    build_sha: str = Field(alias="buildSha", description="Build the API runs")


class Liveness(BaseModel):
    model_config = RESPONSE

    status: Literal["ok"] = "ok"
    ai: Literal["configured", "not_configured"] = Field(
        description="Whether AI reviews (audits) can run: see OPENAI_* settings"
    )


class DatabaseHealth(BaseModel):
    model_config = RESPONSE

    status: Literal["ok"] = "ok"
    database: Literal["ok"] = "ok"
    latency_ms: float = Field(description="Round trip of the check, in milliseconds")
    revision: str | None = Field(description="Alembic revision the database is at")
