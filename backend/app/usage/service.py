"""A team's usage: the stored token counts, summed by the database per UTC day and
model, priced here from the configured table."""

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from app.core.config import ModelPrice
from app.core.db import Session
from app.people.models import Caller
from app.usage import repository
from app.usage.models import ModelUsage, PricedTotals, TeamUsage, UsageDay

_TOKENS = ("prompt_tokens", "completion_tokens", "total_tokens")
_PER = 1_000_000


def price_of(model: str, prices: Mapping[str, ModelPrice]) -> ModelPrice | None:
    """The model's price, or that of the longest priced name it begins with (a
    dated snapshot such as gpt-5-mini-2025-08-07 is priced as gpt-5-mini)."""
    if model in prices:
        return prices[model]
    prefixes = [name for name in prices if model.startswith(f"{name}-")]
    return prices[max(prefixes, key=len)] if prefixes else None


def cost(counts: Mapping[str, Any], price: ModelPrice | None) -> float | None:
    if price is None:
        return None
    dollars: float = (
        counts["prompt_tokens"] * price.prompt
        + counts["completion_tokens"] * price.completion
    ) / _PER
    return round(dollars, 8)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _sums(rows: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    totals = dict.fromkeys(("audits", *_TOKENS), 0)
    for row in rows:
        for name in totals:
            totals[name] += row[name]
    return totals


async def team_usage(
    session: Session,
    caller: Caller,
    first: date,
    last: date,
    prices: Mapping[str, ModelPrice],
) -> TeamUsage:
    rows = await session.all(
        repository.BY_DAY_AND_MODEL,
        {
            "owner_team_id": caller.team_id,
            "starts_at": _start_of(first),
            "ends_before": _start_of(last + timedelta(days=1)),
        },
    )
    days = [
        UsageDay(
            date=row["day"],
            model=row["model"],
            audits=row["audits"],
            **{name: row[name] for name in _TOKENS},
            estimated_cost_usd=cost(dict(row), price_of(row["model"], prices)),
        )
        for row in rows
    ]
    by_model: dict[str, list[UsageDay]] = {}
    for day in days:
        by_model.setdefault(day.model, []).append(day)
    models = []
    for model in sorted(by_model):
        counts = _sums(day.model_dump() for day in by_model[model])
        models.append(
            ModelUsage(
                model=model,
                **counts,
                estimated_cost_usd=cost(counts, price_of(model, prices)),
            )
        )
    priced = [m.estimated_cost_usd for m in models if m.estimated_cost_usd is not None]
    return TeamUsage(
        team=caller.team_name,
        from_date=first,
        to_date=last,
        days=days,
        models=models,
        totals=PricedTotals(
            **_sums(m.model_dump() for m in models),
            estimated_cost_usd=round(sum(priced), 8),
        ),
        unpriced_models=[m.model for m in models if m.estimated_cost_usd is None],
    )
