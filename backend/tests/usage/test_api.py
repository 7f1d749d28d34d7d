"""Usage per team: tokens and estimated cost per UTC day and model, from the usage
stored on completed audits."""

from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import httpx
import pytest
from fastapi import FastAPI

from app.core.config import DEFAULT_MODEL_PRICES, ModelPrice, Settings, load_settings
from app.core.db import Database, OnConnection
from app.main import create_app
from tests.support.factories import TeamWithKey

PRICES = {
    "gpt-5-mini": ModelPrice(prompt=0.25, completion=2.0),
    "gpt-5": ModelPrice(prompt=1.25, completion=10.0),
}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"model_prices": PRICES, "rate_limit": ""})


@pytest.fixture
def app(settings: Settings, test_database: Database) -> FastAPI:
    return create_app(settings, database=test_database)


async def completed(
    session: OnConnection,
    team: TeamWithKey,
    at: datetime,
    model: str = "gpt-5-mini",
    prompt: int = 1000,
    completion: int = 100,
    status: str = "completed",
    usage: bool = True,
) -> None:
    details: dict[str, Any] = {
        "summary": "s",
        "suggested_tags": [],
        "findings": [],
        "model": model,
        "prompt_version": "audit-v1",
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        }
        if usage
        else None,
        "latency_ms": 1.0,
    }
    await session.connection.execute(
        "INSERT INTO audit (id, team_id, content, include_replies, status, details,"
        " completed_at) VALUES ($1, $2, 'text', false, $3, $4, $5)",
        uuid4(),
        team.team.id,
        status,
        details,
        at,
    )


def noon(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T12:00:00+00:00")


def ask(
    client: httpx.AsyncClient, team: TeamWithKey, params: dict[str, str]
) -> Awaitable[httpx.Response]:
    return client.get(
        f"/v1/teams/{team.name}/usage", params=params, headers=team.headers
    )


async def usage(
    client: httpx.AsyncClient, team: TeamWithKey, **params: str
) -> dict[str, Any]:
    response = await ask(client, team, params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_tokens_and_cost_are_summed_per_day_and_model(
    client: httpx.AsyncClient, session: OnConnection, team_a: TeamWithKey
) -> None:
    await completed(session, team_a, noon("2026-11-01"), prompt=1000, completion=100)
    await completed(session, team_a, noon("2026-11-01"), prompt=3000, completion=300)
    await completed(session, team_a, noon("2026-11-01"), model="gpt-5", prompt=10)
    await completed(session, team_a, noon("2026-11-03"), prompt=500, completion=50)

    body = await usage(client, team_a, **{"from": "2026-11-01", "to": "2026-11-03"})

    assert (body["team"], body["from_date"], body["to_date"]) == (
        "team-a",
        "2026-11-01",
        "2026-11-03",
    )
    assert body["days"] == [
        {
            "date": "2026-11-01",
            "model": "gpt-5",
            "audits": 1,
            "prompt_tokens": 10,
            "completion_tokens": 100,
            "total_tokens": 110,
            "estimated_cost_usd": pytest.approx((10 * 1.25 + 100 * 10) / 1e6),
        },
        {
            "date": "2026-11-01",
            "model": "gpt-5-mini",
            "audits": 2,
            "prompt_tokens": 4000,
            "completion_tokens": 400,
            "total_tokens": 4400,
            "estimated_cost_usd": pytest.approx((4000 * 0.25 + 400 * 2) / 1e6),
        },
        {
            "date": "2026-11-03",
            "model": "gpt-5-mini",
            "audits": 1,
            "prompt_tokens": 500,
            "completion_tokens": 50,
            "total_tokens": 550,
            "estimated_cost_usd": pytest.approx((500 * 0.25 + 50 * 2) / 1e6),
        },
    ]
    assert [m["model"] for m in body["models"]] == ["gpt-5", "gpt-5-mini"]
    assert body["models"][1]["total_tokens"] == 4950
    totals = body["totals"]
    assert totals["audits"] == 4
    assert totals["total_tokens"] == 110 + 4400 + 550
    assert totals["estimated_cost_usd"] == pytest.approx(
        sum(day["estimated_cost_usd"] for day in body["days"])
    )
    assert body["unpriced_models"] == []


async def test_days_are_utc_and_both_ends_are_included(
    client: httpx.AsyncClient, session: OnConnection, team_a: TeamWithKey
) -> None:
    start = datetime.fromisoformat("2026-11-02T00:00:00+00:00")
    await completed(session, team_a, start - timedelta(microseconds=1))
    await completed(session, team_a, start)
    await completed(session, team_a, start + timedelta(days=2) - timedelta(seconds=1))
    await completed(session, team_a, start + timedelta(days=2))

    body = await usage(client, team_a, **{"from": "2026-11-02", "to": "2026-11-03"})

    assert [(day["date"], day["audits"]) for day in body["days"]] == [
        ("2026-11-02", 1),
        ("2026-11-03", 1),
    ]


async def test_the_default_range_is_the_last_30_days(
    client: httpx.AsyncClient, session: OnConnection, team_a: TeamWithKey
) -> None:
    now = datetime.now(UTC)
    await completed(session, team_a, now)
    await completed(session, team_a, now - timedelta(days=29))
    await completed(session, team_a, now - timedelta(days=31))

    body = await usage(client, team_a)

    today = now.date()
    assert body["to_date"] == today.isoformat()
    assert body["from_date"] == (today - timedelta(days=29)).isoformat()
    assert body["totals"]["audits"] == 2


async def test_only_completed_audits_count_and_missing_usage_is_zero(
    client: httpx.AsyncClient, session: OnConnection, team_a: TeamWithKey
) -> None:
    day = noon("2026-11-01")
    await completed(session, team_a, day, usage=False)
    await completed(session, team_a, day, status="failed")
    await completed(session, team_a, day, status="running")

    body = await usage(client, team_a, **{"from": "2026-11-01", "to": "2026-11-01"})

    [only] = body["days"]
    assert (only["audits"], only["total_tokens"], only["estimated_cost_usd"]) == (
        1,
        0,
        0,
    )


async def test_a_model_without_a_price_has_no_cost_and_is_named(
    client: httpx.AsyncClient, session: OnConnection, team_a: TeamWithKey
) -> None:
    day = noon("2026-11-01")
    await completed(session, team_a, day, model="llama3.1")
    await completed(session, team_a, day, model="gpt-5-mini-2025-08-07")

    body = await usage(client, team_a, **{"from": "2026-11-01", "to": "2026-11-01"})

    costs = {day["model"]: day["estimated_cost_usd"] for day in body["days"]}
    # A dated snapshot is priced as its model: the longest configured prefix wins.
    assert costs == {
        "gpt-5-mini-2025-08-07": pytest.approx((1000 * 0.25 + 100 * 2) / 1e6),
        "llama3.1": None,
    }
    assert body["unpriced_models"] == ["llama3.1"]
    assert body["totals"]["estimated_cost_usd"] == pytest.approx(
        costs["gpt-5-mini-2025-08-07"]
    )
    assert body["totals"]["total_tokens"] == 2200


async def test_a_team_sees_only_its_own_usage(
    client: httpx.AsyncClient,
    session: OnConnection,
    team_a: TeamWithKey,
    team_b: TeamWithKey,
) -> None:
    await completed(session, team_b, noon("2026-11-01"))

    body = await usage(client, team_a, **{"from": "2026-11-01", "to": "2026-11-01"})
    assert body["days"] == []
    assert body["totals"]["audits"] == 0

    response = await client.get(
        f"/v1/teams/{team_b.name}/usage", headers=team_a.headers
    )
    assert response.status_code == 403
    assert response.json()["code"] == "FORBIDDEN"
    response = await client.get(f"/v1/teams/{team_a.name}/usage")
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-11-05", "to": "2026-11-01"}, "query.from"),
        ({"from": "2025-01-01", "to": "2026-11-01"}, "query.from"),
        ({"from": "yesterday"}, "query.from"),
        ({"to": "2026-13-01"}, "query.to"),
        ({"from": "9999-12-31", "to": "9999-12-31"}, "query.to"),
    ],
)
async def test_a_bad_range_is_a_validation_error(
    client: httpx.AsyncClient, team_a: TeamWithKey, params: dict[str, str], field: str
) -> None:
    response = await ask(client, team_a, params)

    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "VALIDATION_ERROR"
    assert field in {error["field"] for error in body["details"]["errors"]}


def test_prices_come_from_a_documented_default_table_and_model_prices(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MODEL_PRICES", raising=False)
    assert DEFAULT_MODEL_PRICES["gpt-5-mini"] == ModelPrice(prompt=0.25, completion=2.0)
    default = load_settings(_env_file=None)
    assert default.model_prices == DEFAULT_MODEL_PRICES

    monkeypatch.setenv(
        "MODEL_PRICES",
        '{"llama3.1": {"prompt": 0, "completion": 0},'
        ' "gpt-5-mini": {"prompt": 0.3, "completion": 2.5}}',
    )
    configured = load_settings(_env_file=None)
    assert configured.model_prices["llama3.1"] == ModelPrice(prompt=0, completion=0)
    assert configured.model_prices["gpt-5-mini"] == ModelPrice(
        prompt=0.3, completion=2.5
    )
    assert configured.model_prices["gpt-5"] == DEFAULT_MODEL_PRICES["gpt-5"]


def test_a_negative_price_stops_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODEL_PRICES", '{"m": {"prompt": -1, "completion": 0}}')
    with pytest.raises(SystemExit, match="MODEL_PRICES"):
        load_settings(_env_file=None)
