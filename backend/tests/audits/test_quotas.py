"""A team's caps on the shared queue: audits pending or running at once, and model
tokens per UTC day. Over either, queueing one more (a create or a retry) is a 429
that carries the numbers; another team is not affected."""

from datetime import UTC, datetime, timedelta
from uuid import UUID

import httpx
import pytest
from sqlalchemy import func, update
from sqlmodel import col

from app.audits.models import Audit
from app.core.config import Settings
from app.core.db import OnConnection, compile_query
from tests.audits.support import create_audit
from tests.audits.test_api import DETAILS, audits_url, complete, fail, total
from tests.support.factories import TeamWithKey

MAX_ACTIVE = 2
BUDGET = 1_000


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "audit_max_active_per_team": MAX_ACTIVE,
            "audit_daily_token_budget": BUDGET,
            "audit_create_limit": "4/minute",
            "audit_retry_limit": "1/minute",
        }
    )


async def used_tokens(session: OnConnection, audit_id: str, tokens: int) -> None:
    usage = {"prompt_tokens": tokens, "completion_tokens": 0, "total_tokens": tokens}
    await session.execute(
        compile_query(
            update(Audit)
            .where(col(Audit.id) == UUID(audit_id))
            .values(details={**DETAILS, "usage": usage}, completed_at=func.now())
        )
    )


async def test_a_team_at_its_active_cap_cannot_queue_more(
    client: httpx.AsyncClient, team_a: TeamWithKey, team_b: TeamWithKey
) -> None:
    for _ in range(MAX_ACTIVE):
        await create_audit(client, team_a)

    response = await client.post(
        audits_url(team_a), json={"content": "one more"}, headers=team_a.headers
    )

    assert response.status_code == 429
    error = response.json()
    assert error["code"] == "AUDIT_QUOTA_EXCEEDED"
    assert error["details"] == {"limit": MAX_ACTIVE, "active": MAX_ACTIVE}
    assert await total(client, team_a) == MAX_ACTIVE
    # The cap is the team's own.
    await create_audit(client, team_b)


async def test_finished_audits_free_the_cap_and_a_replay_is_never_refused(
    client: httpx.AsyncClient, session: OnConnection, team_a: TeamWithKey
) -> None:
    keyed = {"Idempotency-Key": "first"}
    first = await create_audit(client, team_a, keyed)
    await create_audit(client, team_a)

    replay = await client.post(
        audits_url(team_a),
        json={"content": "hello there"},
        headers={**team_a.headers, **keyed},
    )
    assert replay.status_code == 202
    assert replay.json()["audit"]["id"] == first["id"]

    await complete(session, first["id"])
    await create_audit(client, team_a)


async def test_a_retry_counts_against_the_cap(
    client: httpx.AsyncClient, session: OnConnection, team_a: TeamWithKey
) -> None:
    failed = await create_audit(client, team_a)
    await fail(session, failed["id"])
    for _ in range(MAX_ACTIVE):
        await create_audit(client, team_a)

    response = await client.post(
        audits_url(team_a, f"/{failed['id']}/retry"), headers=team_a.headers
    )

    assert response.status_code == 429
    assert response.json()["code"] == "AUDIT_QUOTA_EXCEEDED"


async def test_a_team_over_its_daily_token_budget_cannot_queue_more(
    client: httpx.AsyncClient,
    session: OnConnection,
    team_a: TeamWithKey,
    team_b: TeamWithKey,
) -> None:
    spent = await create_audit(client, team_a)
    await complete(session, spent["id"])
    await used_tokens(session, spent["id"], BUDGET)

    response = await client.post(
        audits_url(team_a), json={"content": "one more"}, headers=team_a.headers
    )

    assert response.status_code == 429
    error = response.json()
    assert error["code"] == "TOKEN_BUDGET_EXCEEDED"
    tomorrow = datetime.now(UTC).date() + timedelta(days=1)
    assert error["details"] == {
        "budget": BUDGET,
        "used": BUDGET,
        "resets_at": f"{tomorrow.isoformat()}T00:00:00+00:00",
    }
    assert 0 < int(response.headers["Retry-After"]) <= 86_400
    await create_audit(client, team_b)


async def test_yesterdays_tokens_do_not_count(
    client: httpx.AsyncClient, session: OnConnection, team_a: TeamWithKey
) -> None:
    spent = await create_audit(client, team_a)
    await complete(session, spent["id"])
    await used_tokens(session, spent["id"], BUDGET * 10)
    await session.execute(
        compile_query(
            update(Audit)
            .where(col(Audit.id) == UUID(spent["id"]))
            .values(completed_at=func.now() - timedelta(days=1, hours=1))
        )
    )

    await create_audit(client, team_a)


async def test_creates_are_rate_limited_per_team(
    client: httpx.AsyncClient,
    session: OnConnection,
    team_a: TeamWithKey,
    team_b: TeamWithKey,
) -> None:
    for _ in range(4):
        audit = await create_audit(client, team_a)
        # Finished at once, so the active cap is not what refuses the next one.
        await complete(session, audit["id"])

    response = await client.post(
        audits_url(team_a), json={"content": "one more"}, headers=team_a.headers
    )

    assert response.status_code == 429
    error = response.json()
    assert error["code"] == "RATE_LIMITED"
    assert error["details"]["limit"] == "4/minute"
    assert int(response.headers["Retry-After"]) > 0
    await create_audit(client, team_b)


async def test_retries_are_rate_limited_per_team(
    client: httpx.AsyncClient, session: OnConnection, team_a: TeamWithKey
) -> None:
    first = await create_audit(client, team_a)
    second = await create_audit(client, team_a)
    for audit in (first, second):
        await fail(session, audit["id"])
    retried = await client.post(
        audits_url(team_a, f"/{first['id']}/retry"), headers=team_a.headers
    )
    assert retried.status_code == 202

    response = await client.post(
        audits_url(team_a, f"/{second['id']}/retry"), headers=team_a.headers
    )

    assert response.status_code == 429
    assert response.json()["details"]["limit"] == "1/minute"
