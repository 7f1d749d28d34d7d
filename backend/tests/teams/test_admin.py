import httpx
import pytest
from fastapi import FastAPI

from app.core.config import Settings
from app.core.db import Database
from app.main import create_app
from tests.support.factories import TeamWithKey


async def test_create_team_returns_the_team_and_a_working_key(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    response = await client.post(
        "/v1/teams", json={"name": "acme"}, headers=admin_headers
    )
    assert response.status_code == 201
    body = response.json()
    assert body["team"]["name"] == "acme"
    assert set(body["team"]) == {"id", "name", "created_at"}
    key = body["api_key"]
    assert key.startswith("ln_") and len(key) >= 40
    posts = await client.get(
        "/v1/teams/acme/posts", headers={"Authorization": f"Bearer {key}"}
    )
    assert posts.status_code == 200


async def test_taken_team_name_is_a_conflict(
    client: httpx.AsyncClient, team_a: TeamWithKey, admin_headers: dict[str, str]
) -> None:
    response = await client.post(
        "/v1/teams", json={"name": team_a.name}, headers=admin_headers
    )
    assert response.status_code == 409
    assert response.json()["code"] == "CONFLICT"


@pytest.mark.parametrize(
    "body",
    [
        {"name": ""},
        {"name": "Acme"},
        {"name": "a b"},
        {"name": "a" * 65},
        {"name": "ok\x00"},
        {"name": "ok", "id": "x"},
        {},
    ],
)
async def test_bad_team_names_are_validation_errors(
    client: httpx.AsyncClient, admin_headers: dict[str, str], body: dict[str, str]
) -> None:
    response = await client.post("/v1/teams", json=body, headers=admin_headers)
    assert response.status_code == 422
    assert response.json()["code"] == "VALIDATION_ERROR"


async def test_list_teams_pages_oldest_first(
    client: httpx.AsyncClient,
    team_a: TeamWithKey,
    team_b: TeamWithKey,
    admin_headers: dict[str, str],
) -> None:
    page = (
        await client.get("/v1/teams", params={"limit": 1}, headers=admin_headers)
    ).json()
    assert [t["name"] for t in page["teams"]] == ["team-a"]
    assert page["total"] == 2 and page["has_more"] is True


async def test_api_keys_are_listed_without_secrets(
    client: httpx.AsyncClient, team_a: TeamWithKey, admin_headers: dict[str, str]
) -> None:
    created = await client.post(
        f"/v1/teams/{team_a.name}/api-keys", json={"name": "ci"}, headers=admin_headers
    )
    assert created.status_code == 201
    new_key = created.json()["key"]
    assert created.json()["api_key"]["prefix"] == new_key[:11]

    listed = await client.get(
        f"/v1/teams/{team_a.name}/api-keys", headers=admin_headers
    )
    keys = listed.json()["api_keys"]
    assert [k["name"] for k in keys] == ["default", "ci"]
    assert set(keys[0]) == {
        "id",
        "name",
        "prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
        "created_by_user_id",
    }
    assert new_key not in listed.text and team_a.key not in listed.text


async def test_revoking_twice_or_an_unknown_key_is_not_found(
    client: httpx.AsyncClient, team_a: TeamWithKey, admin_headers: dict[str, str]
) -> None:
    [key] = (
        await client.get(f"/v1/teams/{team_a.name}/api-keys", headers=admin_headers)
    ).json()["api_keys"]
    url = f"/v1/teams/{team_a.name}/api-keys/{key['id']}"
    assert (await client.delete(url, headers=admin_headers)).status_code == 204
    assert (await client.delete(url, headers=admin_headers)).status_code == 404
    for key_id in ("nope", "0190a0a0-0000-7000-8000-000000000000"):
        response = await client.delete(
            f"/v1/teams/{team_a.name}/api-keys/{key_id}", headers=admin_headers
        )
        assert response.status_code == 404


async def test_a_key_cannot_be_revoked_through_another_team(
    client: httpx.AsyncClient,
    team_a: TeamWithKey,
    team_b: TeamWithKey,
    admin_headers: dict[str, str],
) -> None:
    [key] = (
        await client.get(f"/v1/teams/{team_a.name}/api-keys", headers=admin_headers)
    ).json()["api_keys"]
    response = await client.delete(
        f"/v1/teams/{team_b.name}/api-keys/{key['id']}", headers=admin_headers
    )
    assert response.status_code == 404
    assert (
        await client.get(f"/v1/teams/{team_a.name}/posts", headers=team_a.headers)
    ).status_code == 200


@pytest.mark.parametrize("team", ["missing", "BAD NAME", "x%00"])
async def test_unknown_team_is_not_found(
    client: httpx.AsyncClient, admin_headers: dict[str, str], team: str
) -> None:
    response = await client.get(f"/v1/teams/{team}/api-keys", headers=admin_headers)
    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"


async def test_team_keys_cannot_use_the_admin_api(
    client: httpx.AsyncClient, team_a: TeamWithKey
) -> None:
    for method, url in [("GET", "/v1/teams"), ("POST", "/v1/teams")]:
        response = await client.request(
            method, url, json={"name": "x"}, headers=team_a.headers
        )
        assert response.status_code == 403
        assert response.json()["code"] == "FORBIDDEN"


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer wrong-token"}], ids=["missing", "wrong"]
)
async def test_admin_api_needs_the_admin_token(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await client.get("/v1/teams", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.fixture
def app_without_admin(settings: Settings, test_database: Database) -> FastAPI:
    return create_app(
        settings.model_copy(update={"admin_token": None}), database=test_database
    )


async def test_admin_api_is_off_without_admin_token(
    app_without_admin: FastAPI, admin_headers: dict[str, str]
) -> None:
    transport = httpx.ASGITransport(app=app_without_admin)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.post(
            "/v1/teams", json={"name": "acme"}, headers=admin_headers
        )
    assert response.status_code == 403
    assert response.json()["code"] == "ADMIN_DISABLED"
    assert "ADMIN_TOKEN" in response.json()["error"]
