"""The audits API as a team uses it: queue, list, read, review, retry and delete,
each scoped to the caller's team. No worker runs here, so audits stay pending until a
test moves them on with SQL, as a worker would."""

from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from sqlalchemy import func, text, update
from sqlmodel import col

from app.audits.models import Audit
from app.core.config import Settings
from app.core.db import Database, OnConnection, compile_query
from app.main import create_app
from tests.audits.support import create_audit, get_audit
from tests.support.factories import TeamWithKey, make_post

UNKNOWN_ID = "0190a0a0-0000-7000-8000-000000000000"
DETAILS: dict[str, Any] = {
    "summary": "s",
    "suggested_tags": [],
    "findings": [
        {
            "category": "spam",
            "severity": "low",
            "evidence": "buy now",
            "explanation": "It advertises.",
        }
    ],
    "model": "m",
    "prompt_version": "audit-v1",
    "usage": None,
    "latency_ms": 1.0,
}
FAILURE = {"code": "MODEL_TIMEOUT", "message": "The model did not answer in time"}


def audits_url(team: TeamWithKey, suffix: str = "") -> str:
    return f"/v1/teams/{team.name}/audits{suffix}"


async def list_page(
    client: httpx.AsyncClient, team: TeamWithKey, **params: Any
) -> dict[str, Any]:
    response = await client.get(audits_url(team), params=params, headers=team.headers)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


async def total(client: httpx.AsyncClient, team: TeamWithKey) -> int:
    count: int = (await list_page(client, team))["total"]
    return count


async def complete(session: OnConnection, audit_id: str) -> None:
    """Moves an audit on as a worker that got a valid review would."""
    await session.execute(
        compile_query(
            update(Audit)
            .where(col(Audit.id) == UUID(audit_id))
            .values(
                status="completed",
                attempts=1,
                details=DETAILS,
                completed_at=func.now(),
            )
        )
    )


async def fail(session: OnConnection, audit_id: str) -> None:
    """Moves an audit on as a worker that ran out of attempts would."""
    await session.execute(
        compile_query(
            update(Audit)
            .where(col(Audit.id) == UUID(audit_id))
            .values(status="failed", attempts=3, error=FAILURE, completed_at=func.now())
        )
    )


async def claim(session: OnConnection, audit_id: str) -> None:
    """Moves an audit on as a worker that claimed it would."""
    await session.execute(
        compile_query(
            update(Audit)
            .where(col(Audit.id) == UUID(audit_id))
            .values(
                status="running",
                attempts=1,
                lease_token=uuid4(),
                lease_expires_at=func.now() + text("interval '1 minute'"),
            )
        )
    )


async def move_to(session: OnConnection, audit_id: str, status: str) -> None:
    moves = {"running": claim, "completed": complete, "failed": fail}
    if status != "pending":
        await moves[status](session, audit_id)


def assert_validation_error(response: httpx.Response) -> None:
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "VALIDATION_ERROR"


@pytest.fixture
async def unconfigured_client(
    settings: Settings, test_database: Database
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app with no OPENAI_API_KEY and no OPENAI_BASE_URL."""
    unconfigured = settings.model_copy(
        update={"openai_base_url": "", "openai_api_key": None}
    )
    app = create_app(unconfigured, database=test_database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


# Create


async def test_a_text_audit_is_queued_pending_and_readable(
    client: httpx.AsyncClient, team_a: TeamWithKey
) -> None:
    response = await client.post(
        audits_url(team_a), json={"content": "  is this ok?  "}, headers=team_a.headers
    )

    assert response.status_code == 202
    assert "Idempotent-Replayed" not in response.headers
    audit = response.json()["audit"]
    assert UUID(audit["id"]).version == 7
    assert audit["team"] == "team-a"
    assert audit["content"] == "is this ok?"
    assert audit["post_id"] is None
    assert audit["include_replies"] is False
    assert audit["status"] == "pending"
    assert audit["attempts"] == 0
    assert audit["details"] is None
    assert audit["error"] is None
    assert audit["next_attempt_at"] is not None
    assert audit["completed_at"] is None
    assert audit["review_status"] == "unreviewed"
    assert audit["review_note"] is None

    assert await get_audit(client, team_a, audit["id"]) == audit
    page = await list_page(client, team_a)
    assert page == {"audits": [audit], "total": 1, "has_more": False}


@pytest.mark.parametrize("include_replies", [None, False, True])
async def test_a_post_audit_is_queued_and_echoes_include_replies(
    client: httpx.AsyncClient,
    team_a: TeamWithKey,
    include_replies: bool | None,
) -> None:
    post = await make_post(client, team_a)
    body: dict[str, Any] = {"post_id": post["id"]}
    if include_replies is not None:
        body["include_replies"] = include_replies

    response = await client.post(audits_url(team_a), json=body, headers=team_a.headers)

    assert response.status_code == 202
    audit = response.json()["audit"]
    assert audit["team"] == "team-a"
    assert audit["post_id"] == post["id"]
    assert audit["content"] is None
    assert audit["include_replies"] is bool(include_replies)
    assert audit["status"] == "pending"
    assert audit["attempts"] == 0
    assert audit["details"] is None and audit["error"] is None
    assert audit["next_attempt_at"] is not None

    assert await get_audit(client, team_a, audit["id"]) == audit
    page = await list_page(client, team_a)
    assert [a["id"] for a in page["audits"]] == [audit["id"]]


async def test_content_of_exactly_the_maximum_length_is_accepted(
    client: httpx.AsyncClient, team_a: TeamWithKey
) -> None:
    audit = await create_audit(client, team_a, content="x" * 20_000)
    assert len(audit["content"]) == 20_000


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"post_id": UNKNOWN_ID, "content": "x"}, id="both"),
        pytest.param({}, id="neither"),
        pytest.param({"include_replies": True}, id="only-include-replies"),
        pytest.param(
            {"content": "x", "include_replies": True}, id="include-replies-with-content"
        ),
        pytest.param({"content": "x", "status": "completed"}, id="status"),
        pytest.param({"content": "x", "details": DETAILS}, id="details"),
        pytest.param({"content": "x", "team_id": str(uuid4())}, id="team-id"),
        pytest.param({"content": "x", "attempts": 0}, id="attempts"),
        pytest.param({"content": "x", "colour": "red"}, id="unknown-field"),
        pytest.param({"content": ""}, id="empty-content"),
        pytest.param({"content": " \n\t "}, id="whitespace-content"),
        pytest.param({"content": "x" * 20_001}, id="content-too-long"),
        pytest.param({"content": "a\x00b"}, id="nul-in-content"),
        pytest.param({"content": 42}, id="content-not-a-string"),
        pytest.param({"post_id": "not-a-uuid"}, id="post-id-not-a-uuid"),
        pytest.param(["content"], id="not-an-object"),
    ],
)
async def test_an_invalid_body_is_a_validation_error_and_stores_nothing(
    client: httpx.AsyncClient, team_a: TeamWithKey, body: Any
) -> None:
    response = await client.post(audits_url(team_a), json=body, headers=team_a.headers)
    assert_validation_error(response)
    assert await total(client, team_a) == 0


async def test_malformed_json_is_a_validation_error_and_stores_nothing(
    client: httpx.AsyncClient, team_a: TeamWithKey
) -> None:
    response = await client.post(
        audits_url(team_a),
        content=b'{"content": "unfinished',
        headers={**team_a.headers, "Content-Type": "application/json"},
    )
    assert_validation_error(response)
    assert response.json()["error"] == "Request body is not valid JSON"
    assert await total(client, team_a) == 0


# Idempotency-Key


async def test_the_same_key_and_body_replay_the_same_audit(
    client: httpx.AsyncClient, team_a: TeamWithKey
) -> None:
    headers = {**team_a.headers, "Idempotency-Key": "req-1"}
    first = await client.post(
        audits_url(team_a), json={"content": "hello"}, headers=headers
    )
    # The same request, as the server sees it once the content is trimmed.
    second = await client.post(
        audits_url(team_a), json={"content": " hello "}, headers=headers
    )

    assert first.status_code == second.status_code == 202
    assert "Idempotent-Replayed" not in first.headers
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert await total(client, team_a) == 1


async def test_a_post_audit_replays_by_key_too(
    client: httpx.AsyncClient, team_a: TeamWithKey
) -> None:
    post = await make_post(client, team_a)
    body = {"post_id": post["id"], "include_replies": True}
    headers = {"Idempotency-Key": "post-req"}
    first = await create_audit(client, team_a, headers, **body)
    response = await client.post(
        audits_url(team_a), json=body, headers={**team_a.headers, **headers}
    )
    assert response.status_code == 202
    assert response.headers["Idempotent-Replayed"] == "true"
    assert response.json()["audit"]["id"] == first["id"]
    assert await total(client, team_a) == 1


@pytest.mark.parametrize(
    "second_body",
    [
        pytest.param({"content": "something else"}, id="other-content"),
        pytest.param({"post_id": "{post_id}"}, id="a-post-instead"),
    ],
)
async def test_the_same_key_with_another_body_is_refused(
    client: httpx.AsyncClient, team_a: TeamWithKey, second_body: dict[str, str]
) -> None:
    post = await make_post(client, team_a)
    headers = {**team_a.headers, "Idempotency-Key": "req-1"}
    first = await client.post(
        audits_url(team_a), json={"content": "hello"}, headers=headers
    )
    body = {
        name: value.format(post_id=post["id"]) for name, value in second_body.items()
    }

    response = await client.post(audits_url(team_a), json=body, headers=headers)

    assert response.status_code == 422
    error = response.json()
    assert error["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert error["details"] == {"idempotency_key": "req-1"}
    page = await list_page(client, team_a)
    assert page["total"] == 1
    assert page["audits"] == [first.json()["audit"]]


async def test_idempotency_keys_are_per_team(
    client: httpx.AsyncClient, team_a: TeamWithKey, team_b: TeamWithKey
) -> None:
    headers = {"Idempotency-Key": "shared-key"}
    mine = await create_audit(client, team_a, headers, content="hello")

    response = await client.post(
        audits_url(team_b),
        json={"content": "hello"},
        headers={**team_b.headers, **headers},
    )

    assert response.status_code == 202
    assert "Idempotent-Replayed" not in response.headers
    theirs = response.json()["audit"]
    assert theirs["id"] != mine["id"]
    assert theirs["team"] == "team-b"
    assert await total(client, team_a) == 1
    assert await total(client, team_b) == 1


@pytest.mark.parametrize(
    "key",
    [
        pytest.param("k" * 256, id="too-long"),
        pytest.param("two words", id="space"),
        pytest.param("tab\there", id="tab"),
        pytest.param("", id="empty"),
    ],
)
async def test_a_malformed_idempotency_key_is_a_validation_error(
    client: httpx.AsyncClient, team_a: TeamWithKey, key: str
) -> None:
    response = await client.post(
        audits_url(team_a),
        json={"content": "hello"},
        headers={**team_a.headers, "Idempotency-Key": key},
    )
    assert_validation_error(response)
    assert await total(client, team_a) == 0


async def test_an_idempotency_key_of_the_maximum_length_is_accepted(
    client: httpx.AsyncClient, team_a: TeamWithKey
) -> None:
    key = "~" + "k" * 253 + "!"
    await create_audit(client, team_a, {"Idempotency-Key": key}, content="x")
    replay = await client.post(
        audits_url(team_a),
        json={"content": "x"},
        headers={**team_a.headers, "Idempotency-Key": key},
    )
    assert replay.headers["Idempotent-Replayed"] == "true"


# The audited post


async def test_a_deleted_post_cannot_be_audited(
    client: httpx.AsyncClient, team_a: TeamWithKey
) -> None:
    post = await make_post(client, team_a)
    deleted = await client.delete(
        f"/v1/teams/{team_a.name}/posts/{post['id']}", headers=team_a.headers
    )
    assert deleted.status_code == 204

    response = await client.post(
        audits_url(team_a), json={"post_id": post["id"]}, headers=team_a.headers
    )

    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"
    assert await total(client, team_a) == 0


async def test_another_teams_post_cannot_be_audited(
    client: httpx.AsyncClient, team_a: TeamWithKey, team_b: TeamWithKey
) -> None:
    theirs = await make_post(client, team_b, content="secret")

    response = await client.post(
        audits_url(team_a),
        json={"post_id": theirs["id"], "include_replies": True},
        headers=team_a.headers,
    )

    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"
    assert "secret" not in response.text
    assert await total(client, team_a) == 0
    assert await total(client, team_b) == 0


@pytest.mark.parametrize("idempotency_key", [None, "unknown-post"])
async def test_an_unknown_post_cannot_be_audited(
    client: httpx.AsyncClient, team_a: TeamWithKey, idempotency_key: str | None
) -> None:
    headers = dict(team_a.headers)
    if idempotency_key is not None:
        headers["Idempotency-Key"] = idempotency_key

    response = await client.post(
        audits_url(team_a), json={"post_id": UNKNOWN_ID}, headers=headers
    )

    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"
    assert await total(client, team_a) == 0


# Teams and keys

ROUTES = [
    pytest.param("GET", "", None, id="list"),
    pytest.param("POST", "", {"content": "mine now"}, id="create"),
    pytest.param("GET", "/{audit_id}", None, id="get"),
    pytest.param("PATCH", "/{audit_id}", {"review_status": "dismissed"}, id="review"),
    pytest.param("DELETE", "/{audit_id}", None, id="delete"),
    pytest.param("POST", "/{audit_id}/retry", None, id="retry"),
]


@pytest.mark.parametrize(("method", "suffix", "body"), ROUTES)
async def test_another_teams_key_is_forbidden_and_changes_nothing(
    client: httpx.AsyncClient,
    session: OnConnection,
    team_a: TeamWithKey,
    team_b: TeamWithKey,
    method: str,
    suffix: str,
    body: dict[str, str] | None,
) -> None:
    victim = await create_audit(client, team_a, content="secret text")
    await complete(session, victim["id"])
    before = await list_page(client, team_a)

    url = audits_url(team_a, suffix.format(audit_id=victim["id"]))
    response = await client.request(method, url, json=body, headers=team_b.headers)

    assert response.status_code == 403
    assert response.json()["code"] == "FORBIDDEN"
    assert "secret" not in response.text and victim["id"] not in response.text
    assert await list_page(client, team_a) == before
    assert await total(client, team_b) == 0


@pytest.mark.parametrize(
    ("method", "suffix", "body", "status"),
    [
        pytest.param("GET", "/{audit_id}", None, "completed", id="get"),
        pytest.param(
            "PATCH",
            "/{audit_id}",
            {"review_status": "accepted"},
            "completed",
            id="review",
        ),
        pytest.param("DELETE", "/{audit_id}", None, "completed", id="delete"),
        pytest.param("POST", "/{audit_id}/retry", None, "failed", id="retry"),
    ],
)
async def test_another_teams_audit_is_not_found_on_its_own_path(
    client: httpx.AsyncClient,
    session: OnConnection,
    team_a: TeamWithKey,
    team_b: TeamWithKey,
    method: str,
    suffix: str,
    body: dict[str, str] | None,
    status: str,
) -> None:
    # The victim is in a state where the action would succeed for its owner.
    victim = await create_audit(client, team_a, content="secret text")
    await move_to(session, victim["id"], status)
    before = await get_audit(client, team_a, victim["id"])

    url = audits_url(team_b, suffix.format(audit_id=victim["id"]))
    response = await client.request(method, url, json=body, headers=team_b.headers)

    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"
    assert "secret" not in response.text
    assert await get_audit(client, team_a, victim["id"]) == before
    assert await total(client, team_b) == 0


async def test_another_teams_audits_are_not_listed(
    client: httpx.AsyncClient, team_a: TeamWithKey, team_b: TeamWithKey
) -> None:
    mine = await create_audit(client, team_a)
    await create_audit(client, team_b)
    page = await list_page(client, team_a)
    assert [a["id"] for a in page["audits"]] == [mine["id"]]
    assert page["total"] == 1


@pytest.mark.parametrize(("method", "suffix", "body"), ROUTES)
async def test_no_key_is_unauthorized(
    client: httpx.AsyncClient,
    team_a: TeamWithKey,
    method: str,
    suffix: str,
    body: dict[str, str] | None,
) -> None:
    audit = await create_audit(client, team_a)
    url = audits_url(team_a, suffix.format(audit_id=audit["id"]))

    response = await client.request(method, url, json=body)

    assert response.status_code == 401
    assert response.json()["code"] == "UNAUTHORIZED"
    assert await get_audit(client, team_a, audit["id"]) == audit
    assert await total(client, team_a) == 1


# Audit ids

ID_ROUTES = [
    pytest.param("GET", "", None, id="get"),
    pytest.param("PATCH", "", {"review_status": "accepted"}, id="review"),
    pytest.param("DELETE", "", None, id="delete"),
    pytest.param("POST", "/retry", None, id="retry"),
]


@pytest.mark.parametrize(("method", "suffix", "body"), ID_ROUTES)
@pytest.mark.parametrize("audit_id", ["not-a-uuid", "123", UNKNOWN_ID])
async def test_a_malformed_or_unknown_audit_id_is_not_found(
    client: httpx.AsyncClient,
    team_a: TeamWithKey,
    method: str,
    suffix: str,
    body: dict[str, str] | None,
    audit_id: str,
) -> None:
    await create_audit(client, team_a)
    url = audits_url(team_a, f"/{audit_id}{suffix}")

    response = await client.request(method, url, json=body, headers=team_a.headers)

    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"
    assert await total(client, team_a) == 1


# List


async def test_the_list_is_newest_first(
    client: httpx.AsyncClient, team_a: TeamWithKey
) -> None:
    created = [
        await create_audit(client, team_a, content=f"text {i}") for i in range(4)
    ]
    page = await list_page(client, team_a)
    assert [a["id"] for a in page["audits"]] == [a["id"] for a in reversed(created)]
    assert page["total"] == 4
    assert page["has_more"] is False


async def test_the_list_filters_by_status(
    client: httpx.AsyncClient, session: OnConnection, team_a: TeamWithKey
) -> None:
    pending = await create_audit(client, team_a, content="a")
    completed = await create_audit(client, team_a, content="b")
    failed = await create_audit(client, team_a, content="c")
    await complete(session, completed["id"])
    await fail(session, failed["id"])

    for status, expected in [
        ("pending", pending),
        ("completed", completed),
        ("failed", failed),
    ]:
        page = await list_page(client, team_a, status=status)
        assert [a["id"] for a in page["audits"]] == [expected["id"]], status
        assert page["audits"][0]["status"] == status
        assert page["total"] == 1
    empty = await list_page(client, team_a, status="running")
    assert empty == {"audits": [], "total": 0, "has_more": False}


async def test_the_list_filters_by_post(
    client: httpx.AsyncClient, team_a: TeamWithKey
) -> None:
    post = await make_post(client, team_a)
    other = await make_post(client, team_a)
    first = await create_audit(client, team_a, post_id=post["id"])
    await create_audit(client, team_a, post_id=other["id"])
    await create_audit(client, team_a, content="not a post")
    second = await create_audit(client, team_a, post_id=post["id"])

    page = await list_page(client, team_a, post_id=post["id"])

    assert [a["id"] for a in page["audits"]] == [second["id"], first["id"]]
    assert page["total"] == 2
    unknown = await list_page(client, team_a, post_id=UNKNOWN_ID)
    assert unknown["total"] == 0


async def test_the_list_filters_by_review_status(
    client: httpx.AsyncClient, session: OnConnection, team_a: TeamWithKey
) -> None:
    accepted = await create_audit(client, team_a, content="a")
    unreviewed = await create_audit(client, team_a, content="b")
    await complete(session, accepted["id"])
    response = await client.patch(
        audits_url(team_a, f"/{accepted['id']}"),
        json={"review_status": "accepted"},
        headers=team_a.headers,
    )
    assert response.status_code == 200

    page = await list_page(client, team_a, review_status="accepted")
    assert [a["id"] for a in page["audits"]] == [accepted["id"]]
    page = await list_page(client, team_a, review_status="unreviewed")
    assert [a["id"] for a in page["audits"]] == [unreviewed["id"]]
    page = await list_page(client, team_a, review_status="dismissed")
    assert page["total"] == 0


async def test_filters_combine(
    client: httpx.AsyncClient, session: OnConnection, team_a: TeamWithKey
) -> None:
    post = await make_post(client, team_a)
    done = await create_audit(client, team_a, post_id=post["id"])
    await create_audit(client, team_a, post_id=post["id"])
    await complete(session, done["id"])
    await complete(session, (await create_audit(client, team_a))["id"])

    page = await list_page(client, team_a, status="completed", post_id=post["id"])

    assert [a["id"] for a in page["audits"]] == [done["id"]]
    assert page["total"] == 1


async def test_the_default_page_is_twenty(
    client: httpx.AsyncClient, team_a: TeamWithKey
) -> None:
    for i in range(21):
        await create_audit(client, team_a, content=f"text {i}")

    page = await list_page(client, team_a)
    assert len(page["audits"]) == 20
    assert page["total"] == 21
    assert page["has_more"] is True

    page = await list_page(client, team_a, limit=50)
    assert len(page["audits"]) == 21
    assert page["has_more"] is False


@pytest.mark.parametrize(
    ("offset", "count", "has_more"),
    [
        (0, 2, True),
        (2, 2, True),
        (3, 2, False),
        (4, 1, False),
        (5, 0, False),
        (9, 0, False),
    ],
)
async def test_pagination_edges(
    client: httpx.AsyncClient,
    team_a: TeamWithKey,
    offset: int,
    count: int,
    has_more: bool,
) -> None:
    created = [
        await create_audit(client, team_a, content=f"text {i}") for i in range(5)
    ]
    newest_first = [a["id"] for a in reversed(created)]

    page = await list_page(client, team_a, limit=2, offset=offset)

    assert [a["id"] for a in page["audits"]] == newest_first[offset : offset + 2]
    assert len(page["audits"]) == count
    assert page["total"] == 5
    assert page["has_more"] is has_more


@pytest.mark.parametrize("limit", [1, 50])
async def test_limit_bounds_are_accepted(
    client: httpx.AsyncClient, team_a: TeamWithKey, limit: int
) -> None:
    response = await client.get(
        audits_url(team_a), params={"limit": limit}, headers=team_a.headers
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 51},
        {"limit": -1},
        {"limit": "ten"},
        {"offset": -1},
        {"offset": 2**31},
        {"status": "done"},
        {"status": "PENDING"},
        {"review_status": "approved"},
        {"post_id": "not-a-uuid"},
    ],
)
async def test_bad_list_parameters_are_a_validation_error(
    client: httpx.AsyncClient, team_a: TeamWithKey, params: dict[str, Any]
) -> None:
    response = await client.get(
        audits_url(team_a), params=params, headers=team_a.headers
    )
    assert_validation_error(response)


# Review


@pytest.mark.parametrize("status", ["pending", "running", "failed"])
async def test_only_a_completed_audit_can_be_reviewed(
    client: httpx.AsyncClient, session: OnConnection, team_a: TeamWithKey, status: str
) -> None:
    audit = await create_audit(client, team_a)
    await move_to(session, audit["id"], status)
    before = await get_audit(client, team_a, audit["id"])

    response = await client.patch(
        audits_url(team_a, f"/{audit['id']}"),
        json={"review_status": "accepted", "review_note": "fine"},
        headers=team_a.headers,
    )

    assert response.status_code == 409
    error = response.json()
    assert error["code"] == "CONFLICT"
    assert error["details"] == {"audit_id": audit["id"], "status": status}
    assert await get_audit(client, team_a, audit["id"]) == before


@pytest.fixture
async def completed(
    client: httpx.AsyncClient, session: OnConnection, team_a: TeamWithKey
) -> dict[str, Any]:
    audit = await create_audit(client, team_a, content="buy now")
    await complete(session, audit["id"])
    return await get_audit(client, team_a, audit["id"])


async def test_a_completed_audit_reads_with_its_details(
    completed: dict[str, Any],
) -> None:
    assert completed["status"] == "completed"
    assert completed["details"] == DETAILS
    assert completed["next_attempt_at"] is None
    assert completed["completed_at"] is not None


@pytest.mark.parametrize("review_status", ["accepted", "dismissed", "unreviewed"])
async def test_a_completed_audit_is_reviewed_and_the_review_kept(
    client: httpx.AsyncClient,
    team_a: TeamWithKey,
    completed: dict[str, Any],
    review_status: str,
) -> None:
    response = await client.patch(
        audits_url(team_a, f"/{completed['id']}"),
        json={"review_status": review_status, "review_note": "checked by ada"},
        headers=team_a.headers,
    )

    assert response.status_code == 200
    audit = response.json()["audit"]
    assert audit["review_status"] == review_status
    assert audit["review_note"] == "checked by ada"
    assert audit["details"] == DETAILS
    assert audit["status"] == "completed"
    assert await get_audit(client, team_a, completed["id"]) == audit


async def test_a_note_alone_keeps_the_review_status_and_null_clears_it(
    client: httpx.AsyncClient, team_a: TeamWithKey, completed: dict[str, Any]
) -> None:
    url = audits_url(team_a, f"/{completed['id']}")
    response = await client.patch(
        url, json={"review_status": "dismissed"}, headers=team_a.headers
    )
    assert response.status_code == 200

    response = await client.patch(
        url, json={"review_note": "a false alarm"}, headers=team_a.headers
    )
    assert response.status_code == 200
    audit = response.json()["audit"]
    assert (audit["review_status"], audit["review_note"]) == (
        "dismissed",
        "a false alarm",
    )

    response = await client.patch(
        url, json={"review_note": None}, headers=team_a.headers
    )
    assert response.status_code == 200
    audit = await get_audit(client, team_a, completed["id"])
    assert (audit["review_status"], audit["review_note"]) == ("dismissed", None)


async def test_a_note_of_the_maximum_length_is_accepted(
    client: httpx.AsyncClient, team_a: TeamWithKey, completed: dict[str, Any]
) -> None:
    response = await client.patch(
        audits_url(team_a, f"/{completed['id']}"),
        json={"review_note": "n" * 2000},
        headers=team_a.headers,
    )
    assert response.status_code == 200
    assert response.json()["audit"]["review_note"] == "n" * 2000


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({}, id="empty"),
        pytest.param({"review_status": None}, id="null-review-status"),
        pytest.param({"review_status": "approved"}, id="unknown-review-status"),
        pytest.param({"review_note": "n" * 2001}, id="note-too-long"),
        pytest.param({"review_note": "a\x00b"}, id="nul-in-note"),
        pytest.param(
            {"review_status": "accepted", "details": {**DETAILS, "summary": "edited"}},
            id="details",
        ),
        pytest.param({"review_status": "accepted", "status": "failed"}, id="status"),
        pytest.param({"findings": []}, id="findings"),
        pytest.param({"review_note": "x", "content": "rewritten"}, id="content"),
        pytest.param({"review_note": "x", "team_id": str(uuid4())}, id="team-id"),
    ],
)
async def test_an_invalid_review_is_a_validation_error_and_changes_nothing(
    client: httpx.AsyncClient,
    team_a: TeamWithKey,
    completed: dict[str, Any],
    body: dict[str, Any],
) -> None:
    response = await client.patch(
        audits_url(team_a, f"/{completed['id']}"), json=body, headers=team_a.headers
    )
    assert_validation_error(response)
    assert await get_audit(client, team_a, completed["id"]) == completed


# Retry


@pytest.mark.parametrize("status", ["pending", "running", "completed"])
async def test_only_a_failed_audit_can_be_retried(
    client: httpx.AsyncClient, session: OnConnection, team_a: TeamWithKey, status: str
) -> None:
    audit = await create_audit(client, team_a)
    await move_to(session, audit["id"], status)
    before = await get_audit(client, team_a, audit["id"])

    response = await client.post(
        audits_url(team_a, f"/{audit['id']}/retry"), headers=team_a.headers
    )

    assert response.status_code == 409
    error = response.json()
    assert error["code"] == "CONFLICT"
    assert error["details"] == {"audit_id": audit["id"], "status": status}
    assert await get_audit(client, team_a, audit["id"]) == before


async def test_a_failed_audit_is_queued_again_with_fresh_attempts(
    client: httpx.AsyncClient, session: OnConnection, team_a: TeamWithKey
) -> None:
    audit = await create_audit(client, team_a)
    await fail(session, audit["id"])
    failed = await get_audit(client, team_a, audit["id"])
    assert (failed["status"], failed["attempts"], failed["error"]) == (
        "failed",
        3,
        FAILURE,
    )
    assert failed["next_attempt_at"] is None

    response = await client.post(
        audits_url(team_a, f"/{audit['id']}/retry"), headers=team_a.headers
    )

    assert response.status_code == 202
    retried = response.json()["audit"]
    assert retried["id"] == audit["id"]
    assert retried["status"] == "pending"
    assert retried["attempts"] == 0
    assert retried["error"] is None
    assert retried["details"] is None
    assert retried["completed_at"] is None
    assert retried["next_attempt_at"] is not None
    assert await get_audit(client, team_a, audit["id"]) == retried


async def test_an_audit_is_retried_at_most_audit_max_retries_times(
    client: httpx.AsyncClient,
    session: OnConnection,
    settings: Settings,
    team_a: TeamWithKey,
) -> None:
    audit = await create_audit(client, team_a)
    retry = audits_url(team_a, f"/{audit['id']}/retry")
    for _ in range(settings.audit_max_retries):
        await fail(session, audit["id"])
        response = await client.post(retry, headers=team_a.headers)
        assert response.status_code == 202, response.text
    await fail(session, audit["id"])
    before = await get_audit(client, team_a, audit["id"])

    response = await client.post(retry, headers=team_a.headers)

    assert response.status_code == 409
    error = response.json()
    assert error["code"] == "RETRY_LIMIT_REACHED"
    assert error["details"] == {
        "audit_id": audit["id"],
        "limit": settings.audit_max_retries,
        "retries": settings.audit_max_retries,
    }
    assert await get_audit(client, team_a, audit["id"]) == before


# Delete


async def test_a_deleted_audit_is_gone(
    client: httpx.AsyncClient, team_a: TeamWithKey
) -> None:
    audit = await create_audit(client, team_a)
    kept = await create_audit(client, team_a)
    url = audits_url(team_a, f"/{audit['id']}")

    response = await client.delete(url, headers=team_a.headers)
    assert response.status_code == 204
    assert response.content == b""

    assert (await client.get(url, headers=team_a.headers)).status_code == 404
    again = await client.delete(url, headers=team_a.headers)
    assert again.status_code == 404
    assert again.json()["code"] == "NOT_FOUND"
    page = await list_page(client, team_a)
    assert [a["id"] for a in page["audits"]] == [kept["id"]]


async def test_a_completed_audit_can_be_deleted(
    client: httpx.AsyncClient, team_a: TeamWithKey, completed: dict[str, Any]
) -> None:
    url = audits_url(team_a, f"/{completed['id']}")
    assert (await client.delete(url, headers=team_a.headers)).status_code == 204
    assert await total(client, team_a) == 0


# AI not configured


async def test_without_ai_an_audit_cannot_be_created(
    unconfigured_client: httpx.AsyncClient, team_a: TeamWithKey
) -> None:
    response = await unconfigured_client.post(
        audits_url(team_a),
        json={"content": "hello"},
        headers={**team_a.headers, "Idempotency-Key": "k"},
    )

    assert response.status_code == 503
    error = response.json()
    assert error["code"] == "AI_NOT_CONFIGURED"
    assert "OPENAI_API_KEY" in error["error"]
    assert "OPENAI_BASE_URL" in error["error"]
    assert await total(unconfigured_client, team_a) == 0


async def test_without_ai_a_failed_audit_cannot_be_retried(
    client: httpx.AsyncClient,
    unconfigured_client: httpx.AsyncClient,
    session: OnConnection,
    team_a: TeamWithKey,
) -> None:
    audit = await create_audit(client, team_a)
    await fail(session, audit["id"])

    response = await unconfigured_client.post(
        audits_url(team_a, f"/{audit['id']}/retry"), headers=team_a.headers
    )

    assert response.status_code == 503
    assert response.json()["code"] == "AI_NOT_CONFIGURED"
    assert (await get_audit(client, team_a, audit["id"]))["status"] == "failed"


async def test_without_ai_the_key_is_still_checked_first(
    unconfigured_client: httpx.AsyncClient, team_a: TeamWithKey
) -> None:
    response = await unconfigured_client.post(
        audits_url(team_a), json={"content": "hello"}
    )
    assert response.status_code == 401


async def test_without_ai_existing_audits_can_still_be_read(
    client: httpx.AsyncClient,
    unconfigured_client: httpx.AsyncClient,
    team_a: TeamWithKey,
) -> None:
    audit = await create_audit(client, team_a)

    page = await list_page(unconfigured_client, team_a)

    assert [a["id"] for a in page["audits"]] == [audit["id"]]
    assert await get_audit(unconfigured_client, team_a, audit["id"]) == audit


async def test_health_reports_whether_ai_is_configured(
    client: httpx.AsyncClient, unconfigured_client: httpx.AsyncClient
) -> None:
    configured = await client.get("/health")
    assert configured.status_code == 200
    assert configured.json()["ai"] == "configured"

    unconfigured = await unconfigured_client.get("/health")
    assert unconfigured.status_code == 200
    assert unconfigured.json()["ai"] == "not_configured"


# JSON may escape a lone surrogate ("\ud800"), which is no character at all and
# cannot be stored: httpx would refuse to encode it, so the body is sent as bytes.
LONE_SURROGATE = b'"x\\ud800"'


async def test_a_lone_surrogate_in_a_note_is_a_validation_error(
    client: httpx.AsyncClient, team_a: TeamWithKey, completed: dict[str, Any]
) -> None:
    response = await client.patch(
        f"/v1/teams/{team_a.name}/audits/{completed['id']}",
        content=b'{"review_note": ' + LONE_SURROGATE + b"}",
        headers={**team_a.headers, "content-type": "application/json"},
    )

    assert response.status_code == 422, response.text
    assert response.json()["details"]["errors"][0]["field"] == "body.review_note"


async def test_a_lone_surrogate_in_audited_text_is_a_validation_error(
    client: httpx.AsyncClient, team_a: TeamWithKey
) -> None:
    response = await client.post(
        f"/v1/teams/{team_a.name}/audits",
        content=b'{"content": ' + LONE_SURROGATE + b"}",
        headers={**team_a.headers, "content-type": "application/json"},
    )

    assert response.status_code == 422, response.text
