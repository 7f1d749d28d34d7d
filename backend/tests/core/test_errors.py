import logging

import httpx
import pytest
from fastapi import FastAPI

from app.core.db import OnConnection
from tests.support.probe import PROBE_TABLE, mount_probe


@pytest.fixture
async def app(app: FastAPI, session: OnConnection) -> FastAPI:
    await session.connection.execute(PROBE_TABLE)
    return mount_probe(app)


def assert_envelope(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error", "code", "details"}
    assert body["code"] == code
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["details"], dict)
    return body


async def test_unknown_route_is_not_found_envelope(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/nowhere")
    assert_envelope(response, 404, "NOT_FOUND")


async def test_wrong_method_is_method_not_allowed_with_allow_header(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/v1/healthz", content=b"{bad")
    assert_envelope(response, 405, "METHOD_NOT_ALLOWED")
    assert response.headers["allow"] == "GET, HEAD"


async def test_malformed_json_is_validation_error(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/probe/echo", content=b"{bad", headers={"content-type": "application/json"}
    )
    body = assert_envelope(response, 422, "VALIDATION_ERROR")
    assert body["error"] == "Request body is not valid JSON"
    assert body["details"]["errors"][0]["type"] == "json_invalid"


async def test_validation_error_lists_each_bad_field(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/probe/echo", json={"name": "much-too-long", "count": -1, "extra": 1}
    )
    body = assert_envelope(response, 422, "VALIDATION_ERROR")
    fields = {error["field"]: error for error in body["details"]["errors"]}
    assert set(fields) == {"body.name", "body.count", "body.extra"}
    assert fields["body.count"]["type"] == "greater_than_equal"
    assert all(error["message"] for error in fields.values())


async def test_bad_path_parameter_is_validation_error(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/probe/items/not-a-number")
    body = assert_envelope(response, 422, "VALIDATION_ERROR")
    assert body["details"]["errors"][0]["field"] == "path.item_id"


async def test_app_error_renders_its_status_code_and_details(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/probe/rows/alpha/then-fail")
    body = assert_envelope(response, 409, "CONFLICT")
    assert body == {
        "error": "Probe conflict",
        "code": "CONFLICT",
        "details": {"name": "alpha"},
    }


async def test_unexpected_exception_is_internal_error_without_internals(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="app.error"):
        response = await client.get("/probe/crash", headers={"X-Request-ID": "req-500"})
    body = assert_envelope(response, 500, "INTERNAL_ERROR")
    assert "SELECT" not in response.text and "Traceback" not in response.text
    assert body["details"] == {}
    assert response.headers["x-request-id"] == "req-500"
    [record] = [r for r in caplog.records if r.name == "app.error"]
    assert record.request_id == "req-500"
    assert record.exc_info is not None


async def test_error_envelope_is_a_named_schema_declared_on_routes(
    client: httpx.AsyncClient,
) -> None:
    document = (await client.get("/v1/openapi.json")).json()
    schema = document["components"]["schemas"]["ErrorResponse"]
    assert set(schema["required"]) == {"error", "code", "details"}
    database_health = document["paths"]["/health/db"]["get"]["responses"]
    assert database_health["503"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorResponse"
    }
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert "500" in operation["responses"], (method, path)


async def test_allow_names_every_method_of_a_shared_path(
    client: httpx.AsyncClient,
) -> None:
    response = await client.put("/v1/teams/acme/posts")
    assert_envelope(response, 405, "METHOD_NOT_ALLOWED")
    assert response.headers["allow"] == "GET, HEAD, POST"


async def test_undecodable_body_is_malformed_json(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/probe/echo",
        content=b"\xff\xfe\x00bad",
        headers={"content-type": "application/json"},
    )
    body = assert_envelope(response, 422, "VALIDATION_ERROR")
    assert body["error"] == "Request body is not valid JSON"
