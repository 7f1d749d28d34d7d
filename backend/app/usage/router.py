from datetime import UTC, date, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query

from app.core.config import SettingsDep
from app.core.db import ReadSessionDep, TransactionRoute
from app.core.errors import ValidationFailed, error_responses
from app.people.dependencies import TEAM_ROUTE_ERRORS, MemberDep
from app.usage import service
from app.usage.models import TeamUsage

DEFAULT_DAYS = 30
# A year and a day: any calendar year fits, leap or not.
MAX_DAYS = 366
EARLIEST = date(1970, 1, 1)

router = APIRouter(
    route_class=TransactionRoute,
    prefix="/v1/teams/{team}/usage",
    responses=error_responses(*TEAM_ROUTE_ERRORS),
    tags=["usage"],
)


def _invalid(field: str, message: str) -> dict[str, str]:
    return {"field": f"query.{field}", "message": message, "type": "value_error"}


def date_range(first: date | None, last: date | None) -> tuple[date, date]:
    """The days asked for, both included; by default the 30 days up to today."""
    last = last or datetime.now(UTC).date()
    first = first or last - timedelta(days=DEFAULT_DAYS - 1)
    # The range ends where the day after `to` starts, which must exist.
    latest = date.max - timedelta(days=1)
    errors = [
        _invalid(field, f"must be from {EARLIEST} to {latest}")
        for field, day in (("from", first), ("to", last))
        if not EARLIEST <= day <= latest
    ]
    if first > last:
        errors.append(_invalid("from", "must not be after to"))
    elif (last - first).days >= MAX_DAYS:
        errors.append(_invalid("from", f"the range is at most {MAX_DAYS} days"))
    if errors:
        raise ValidationFailed(details={"errors": errors})
    return first, last


@router.get(
    "",
    response_model=TeamUsage,
    summary="A team's model tokens and estimated cost per day and model",
)
async def get_team_usage(
    caller: MemberDep,
    session: ReadSessionDep,
    settings: SettingsDep,
    first: Annotated[
        date | None,
        Query(alias="from", description="First day (UTC), default 29 days before to"),
    ] = None,
    last: Annotated[
        date | None, Query(alias="to", description="Last day (UTC), default today")
    ] = None,
) -> TeamUsage:
    first, last = date_range(first, last)
    return await service.team_usage(session, caller, first, last, settings.model_prices)
