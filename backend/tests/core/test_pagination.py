"""Every list route pages the same way: its bounds, and one rule for the total."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.core.config import Settings
from app.core.db import Database
from app.core.pagination import MAX_OFFSET
from app.main import create_app
from tests.conftest import ADMIN_TOKEN
from tests.support.factories import TeamWithKey, make_post

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
ITEMS = 3


@dataclass(frozen=True)
class ListRoute:
    name: str
    template: str
    items_field: str
    default: int
    maximum: int
    # Makes ITEMS items to list; returns the path and the headers to list them with.
    fill: Callable[[httpx.AsyncClient, TeamWithKey], Awaitable[tuple[str, Any]]]


async def _posts(client: httpx.AsyncClient, team: TeamWithKey) -> tuple[str, Any]:
    for i in range(ITEMS):
        await make_post(client, team, content=f"post {i}")
    return f"/v1/teams/{team.name}/posts", team.headers


async def _replies(client: httpx.AsyncClient, team: TeamWithKey) -> tuple[str, Any]:
    thread = await make_post(client, team)
    for i in range(ITEMS):
        await make_post(client, team, content=f"reply {i}", parent_post_id=thread["id"])
    return f"/v1/teams/{team.name}/posts/{thread['id']}/replies", team.headers


async def _audits(client: httpx.AsyncClient, team: TeamWithKey) -> tuple[str, Any]:
    path = f"/v1/teams/{team.name}/audits"
    for i in range(ITEMS):
        queued = await client.post(
            path, json={"content": f"text {i}"}, headers=team.headers
        )
        assert queued.status_code == 202, queued.text
    return path, team.headers


async def _teams(client: httpx.AsyncClient, team: TeamWithKey) -> tuple[str, Any]:
    # team-a exists already: two more make ITEMS.
    for name in ("team-y", "team-z"):
        created = await client.post("/v1/teams", json={"name": name}, headers=ADMIN)
        assert created.status_code == 201, created.text
    return "/v1/teams", ADMIN


POSTS = "/v1/teams/{team}/posts"
ROUTES = [
    ListRoute("posts", POSTS, "posts", 10, 100, _posts),
    ListRoute("replies", POSTS + "/{post_id}/replies", "posts", 10, 100, _replies),
    ListRoute("audits", "/v1/teams/{team}/audits", "audits", 20, 50, _audits),
    ListRoute("teams", "/v1/teams", "teams", 50, 100, _teams),
]


@pytest.fixture
def app(settings: Settings, test_database: Database) -> FastAPI:
    # Audits are accepted only with AI configured; no worker runs here.
    ai = settings.model_copy(update={"openai_base_url": "http://127.0.0.1:9/v1"})
    return create_app(ai, database=test_database)


@pytest.fixture(params=ROUTES, ids=[route.name for route in ROUTES])
async def listed(
    request: pytest.FixtureRequest, client: httpx.AsyncClient, team_a: TeamWithKey
) -> tuple[ListRoute, str, Any]:
    route: ListRoute = request.param
    path, headers = await route.fill(client, team_a)
    return route, path, headers


async def page(
    client: httpx.AsyncClient, path: str, headers: Any, **params: int
) -> httpx.Response:
    return await client.get(path, params=params, headers=headers)


async def test_the_default_page_size_and_the_bounds_are_the_resource_s(
    client: httpx.AsyncClient, listed: tuple[ListRoute, str, Any]
) -> None:
    route, path, headers = listed
    document = (await client.get("/v1/openapi.json")).json()
    parameters = document["paths"][route.template]["get"]["parameters"]
    limit = next(p for p in parameters if p["name"] == "limit")
    assert limit["schema"]["default"] == route.default
    assert limit["schema"]["maximum"] == route.maximum

    assert (await page(client, path, headers, limit=route.maximum)).status_code == 200
    for bad in (
        {"limit": 0},
        {"limit": route.maximum + 1},
        {"offset": -1},
        {"offset": MAX_OFFSET + 1},
    ):
        response = await page(client, path, headers, **bad)
        assert response.status_code == 422, bad
        assert response.json()["code"] == "VALIDATION_ERROR"


@pytest.mark.parametrize(
    ("limit", "offset", "count", "has_more"),
    [
        (2, 0, 2, True),  # a full page: counted
        (2, 2, 1, False),  # a short page: the last, it tells the total
        (5, 0, 3, False),  # everything on a short first page
        (2, 7, 0, False),  # past the end: counted
    ],
)
async def test_every_page_tells_the_same_total(
    client: httpx.AsyncClient,
    listed: tuple[ListRoute, str, Any],
    limit: int,
    offset: int,
    count: int,
    has_more: bool,
) -> None:
    route, path, headers = listed
    response = await page(client, path, headers, limit=limit, offset=offset)
    assert response.status_code == 200, response.text
    body = response.json()
    assert len(body[route.items_field]) == count
    assert body["total"] == ITEMS
    assert body["has_more"] is has_more
