from datetime import date

from pydantic import BaseModel, Field

from app.core.schemas import RESPONSE


class UsageTotals(BaseModel):
    model_config = RESPONSE

    audits: int = Field(description="Completed audits")
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class UsageDay(UsageTotals):
    """One model's usage on one UTC day."""

    date: date
    model: str = Field(description="The model as it named itself in its answers")
    estimated_cost_usd: float | None = Field(
        description="At the configured price; null when the model has none"
    )


class ModelUsage(UsageTotals):
    model: str
    estimated_cost_usd: float | None = Field(
        description="At the configured price; null when the model has none"
    )


class PricedTotals(UsageTotals):
    estimated_cost_usd: float = Field(
        description="Of the models that have a price; see unpriced_models"
    )


class TeamUsage(BaseModel):
    """Tokens and estimated cost of a team's completed audits, by the UTC day they
    completed on."""

    model_config = RESPONSE

    team: str
    from_date: date = Field(description="First day included (UTC)")
    to_date: date = Field(description="Last day included (UTC)")
    days: list[UsageDay] = Field(description="Days with usage, oldest first")
    models: list[ModelUsage] = Field(description="The range's usage by model")
    totals: PricedTotals
    unpriced_models: list[str] = Field(
        description="Models used in the range with no configured price"
    )
