"""Bodies are bounded before anything reads them, and every refusal is the envelope:
an oversize body by its Content-Length or as it streams, a body of many unknown
fields, a body nested deeply enough to exhaust a recursive parser."""

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from app.core.config import Settings
from app.core.db import Database
from app.core.errors import MAX_LISTED_ERRORS
from app.main import create_app
from tests.core.test_errors import assert_envelope
from tests.support.factories import TeamWithKey
from tests.support.probe import mount_probe

LIMIT = 4096


@pytest.fixture
def app(settings: Settings, test_database: Database) -> FastAPI:
    capped = settings.model_copy(update={"max_body_bytes": LIMIT})
    return mount_probe(create_app(capped, database=test_database))


def _posts(team: TeamWithKey) -> str:
    return f"/v1/teams/{team.name}/posts"


def _oversize() -> bytes:
    return b'{"author_name": "ada", "content": "' + b"x" * LIMIT + b'"}'


async def test_content_length_over_the_limit_is_refused_before_routing(
    client: httpx.AsyncClient,
) -> None:
    # Neither the route nor the key is looked at: an unknown path is refused alike.
    for path in ("/v1/teams/nobody/posts", "/v1/nowhere"):
        response = await client.post(
            path, content=_oversize(), headers={"content-type": "application/json"}
        )
        body = assert_envelope(response, 413, "BODY_TOO_LARGE")
        assert body["details"] == {"limit_bytes": LIMIT}
        assert response.headers["x-request-id"]


async def test_streamed_body_over_the_limit_is_refused(
    client: httpx.AsyncClient, team_a: TeamWithKey
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        # No Content-Length: only counting the bytes as they arrive can stop it.
        for _ in range(64):
            yield b" " * 1024

    response = await client.post(
        _posts(team_a),
        content=chunks(),
        headers={**team_a.headers, "content-type": "application/json"},
    )
    assert "content-length" not in response.request.headers
    body = assert_envelope(response, 413, "BODY_TOO_LARGE")
    assert body["details"] == {"limit_bytes": LIMIT}


async def test_body_within_the_limit_is_served(
    client: httpx.AsyncClient, team_a: TeamWithKey
) -> None:
    response = await client.post(
        _posts(team_a),
        json={"author_name": "ada", "content": "x" * (LIMIT // 2)},
        headers=team_a.headers,
    )
    assert response.status_code == 201, response.text


async def test_validation_errors_are_capped_with_a_count(
    client: httpx.AsyncClient, team_a: TeamWithKey
) -> None:
    unknown = {f"field_{index}": 0 for index in range(200)}
    request = {"author_name": "ada", "content": "hi", **unknown}
    response = await client.post(_posts(team_a), json=request, headers=team_a.headers)
    body = assert_envelope(response, 422, "VALIDATION_ERROR")
    assert len(body["details"]["errors"]) == MAX_LISTED_ERRORS
    assert body["details"]["error_count"] == 200
    assert len(response.content) < len(response.request.content)


async def test_a_long_field_name_is_not_echoed_whole(
    client: httpx.AsyncClient, team_a: TeamWithKey
) -> None:
    request = {"author_name": "ada", "content": "hi", "k" * 3000: 0}
    response = await client.post(_posts(team_a), json=request, headers=team_a.headers)
    body = assert_envelope(response, 422, "VALIDATION_ERROR")
    [error] = body["details"]["errors"]
    assert len(error["field"]) <= 200


@pytest.mark.parametrize("opening", [b"[", b'{"a":'])
async def test_deeply_nested_body_is_malformed_not_a_crash(
    client: httpx.AsyncClient, team_a: TeamWithKey, opening: bytes
) -> None:
    depth = LIMIT // len(opening) - 1
    response = await client.post(
        _posts(team_a),
        content=opening * depth,
        headers={**team_a.headers, "content-type": "application/json"},
    )
    assert_envelope(response, 422, "VALIDATION_ERROR")


def test_the_default_limit_is_64_kib(settings: Settings) -> None:
    assert Settings.model_fields["max_body_bytes"].default == 64 * 1024
