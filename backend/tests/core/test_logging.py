import json
import logging

import httpx
import pytest

from app.core.config import Settings
from app.core.db import Database
from app.main import create_app


def access_records(output: str) -> list[dict]:
    records = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    return [record for record in records if record["logger"] == "app.access"]


@pytest.fixture
async def logged_client(
    capsys: pytest.CaptureFixture[str], settings: Settings, test_database: Database
) -> httpx.AsyncClient:
    # Built after capsys so the JSON handler writes into the captured stdout.
    app = create_app(settings, database=test_database)
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    )


async def test_one_json_access_record_per_request(
    logged_client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    response = await logged_client.get("/v1/healthz")
    [record] = access_records(capsys.readouterr().out)
    assert record["message"] == "request"
    assert record["level"] == "INFO"
    assert record["method"] == "GET"
    assert record["route"] == "/v1/healthz"
    assert record["status"] == 200
    assert record["duration_ms"] >= 0
    assert record["request_id"] == response.headers["x-request-id"]
    assert record["timestamp"]


async def test_well_formed_request_id_is_echoed(
    logged_client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    response = await logged_client.get(
        "/v1/nowhere", headers={"X-Request-ID": "abc-123"}
    )
    assert response.headers["x-request-id"] == "abc-123"
    [record] = access_records(capsys.readouterr().out)
    assert record["request_id"] == "abc-123"
    assert record["route"] == "unmatched"
    assert record["status"] == 404


@pytest.mark.parametrize("bad_id", ["has space", "x" * 200, "<script>", ""])
async def test_malformed_request_id_is_replaced(
    logged_client: httpx.AsyncClient, bad_id: str
) -> None:
    response = await logged_client.get("/health", headers={"X-Request-ID": bad_id})
    echoed = response.headers["x-request-id"]
    assert echoed != bad_id
    assert len(echoed) == 32


async def test_authorization_header_is_never_logged(
    logged_client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = "ln_supersecretkeyvalue"
    await logged_client.get(
        "/v1/healthz?x=1", headers={"Authorization": f"Bearer {secret}"}
    )
    assert secret not in capsys.readouterr().out


def test_uvicorn_terminal_colours_stay_out_of_the_json(
    capsys: pytest.CaptureFixture[str], settings: Settings
) -> None:
    create_app(settings)
    logging.getLogger("uvicorn.error").info(
        "Started server process [%d]",
        42,
        extra={"color_message": "Started server process [\x1b[36m%d\x1b[0m]"},
    )
    [line] = capsys.readouterr().out.splitlines()
    record = json.loads(line)
    assert record["message"] == "Started server process [42]"
    assert "color_message" not in record


def test_uvicorn_gathers_no_access_log_arguments(settings: Settings) -> None:
    # uvicorn formats each response's access-log arguments whenever its logger has
    # a handler, the root's included through propagation; the access log is ours.
    create_app(settings)
    assert not logging.getLogger("uvicorn.access").hasHandlers()
