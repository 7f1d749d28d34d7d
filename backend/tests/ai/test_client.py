"""The review client against the scripted model server, over real HTTP."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

from app.ai.client import Reviewer, retry_after_seconds
from app.ai.exceptions import ModelCallFailed
from app.ai.schemas import response_format
from app.core.config import Settings, load_settings
from tests.support import model_server as model
from tests.support.live_server import free_port
from tests.support.model_server import ModelServer


def reviewer_for(base_url: str, **values: Any) -> Reviewer:
    settings: Settings = load_settings(
        _env_file=None, openai_base_url=base_url, openai_timeout=1, **values
    )
    return Reviewer(settings)


async def failure(reviewer: Reviewer) -> ModelCallFailed:
    with pytest.raises(ModelCallFailed) as caught:
        await reviewer.review({"text": "hello"})
    await reviewer.close()
    return caught.value


async def test_a_valid_answer_comes_back_validated_with_its_usage(
    model_server: ModelServer,
) -> None:
    model_server.script(model.findings("Hi.", ["Greeting "]))
    reviewer = reviewer_for(model_server.base_url)

    review = await reviewer.review({"text": "hello"})
    await reviewer.close()

    assert review.findings.summary == "Hi."
    assert review.findings.suggested_tags == ["greeting"]
    assert review.model == model.MODEL
    assert review.usage is not None and review.usage.total_tokens == 160


async def test_the_sdk_does_not_retry_on_its_own(model_server: ModelServer) -> None:
    model_server.default = model.error(500)

    caught = await failure(reviewer_for(model_server.base_url))

    assert (caught.code, caught.retryable) == ("MODEL_UNAVAILABLE", True)
    assert len(model_server.received) == 1


async def test_the_server_s_retry_after_travels_with_the_failure(
    model_server: ModelServer,
) -> None:
    model_server.default = model.error(503, retry_after="7")

    caught = await failure(reviewer_for(model_server.base_url))

    assert caught.retry_after == 7.0


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
async def test_a_refused_request_is_not_worth_retrying(
    model_server: ModelServer, status: int
) -> None:
    model_server.default = model.error(status)

    caught = await failure(reviewer_for(model_server.base_url))

    assert (caught.code, caught.retryable) == ("MODEL_REQUEST_REJECTED", False)
    assert str(status) in caught.message


async def test_an_unreachable_server_is_a_retryable_failure() -> None:
    caught = await failure(reviewer_for(f"http://127.0.0.1:{free_port()}/v1"))

    assert (caught.code, caught.retryable) == ("MODEL_UNREACHABLE", True)


async def test_the_api_key_is_sent_as_a_bearer_token(model_server: ModelServer) -> None:
    reviewer = reviewer_for(model_server.base_url, openai_api_key="sk-test-123")

    await reviewer.review({"text": "hello"})
    await reviewer.close()

    assert model_server.received[0].headers["authorization"] == "Bearer sk-test-123"


def in_seconds(seconds: int) -> str:
    return format_datetime(datetime.now(UTC) + timedelta(seconds=seconds), usegmt=True)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "2"}, 2.0),
        ({"retry-after": "0.5"}, 0.5),
        ({"retry-after-ms": "1500", "retry-after": "9"}, 1.5),
        ({"retry-after": "-3"}, 0.0),
        ({"retry-after": "soon"}, None),
        ({}, None),
    ],
)
def test_retry_after_is_read_in_seconds_or_milliseconds(
    headers: dict[str, str], expected: float | None
) -> None:
    assert retry_after_seconds(httpx.Headers(headers)) == expected


def test_retry_after_may_be_an_http_date() -> None:
    seconds = retry_after_seconds(httpx.Headers({"retry-after": in_seconds(30)}))
    assert seconds is not None and 28 <= seconds <= 30


def objects(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if node.get("type") == "object":
            yield node
        for value in node.values():
            yield from objects(value)
    elif isinstance(node, list):
        for item in node:
            yield from objects(item)


def test_the_findings_schema_is_strict_structured_output() -> None:
    schema = response_format()["json_schema"]
    assert schema["strict"] is True
    found = list(objects(schema["schema"]))
    assert len(found) == 2  # the findings, and each finding
    for node in found:
        assert node["additionalProperties"] is False
        assert node["required"] == list(node["properties"])
    text = str(schema)
    for keyword in ("maxLength", "minLength", "default"):
        assert f"'{keyword}'" not in text
