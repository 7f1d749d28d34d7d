"""Typed helpers that build data through the services, as the API would."""

from dataclasses import dataclass
from typing import Any

import httpx

from app.core.db import OnConnection
from app.teams import service
from app.teams.models import TeamPublic


@dataclass(frozen=True)
class TeamWithKey:
    team: TeamPublic
    key: str

    @property
    def name(self) -> str:
        return self.team.name

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}


async def make_team(session: OnConnection, name: str) -> TeamWithKey:
    team, key = await service.create_team(session, name)
    return TeamWithKey(team, key)


async def make_post(
    client: httpx.AsyncClient, team: TeamWithKey, **fields: Any
) -> dict[str, Any]:
    body = {"author_name": "ada", "content": "hello", **fields}
    response = await client.post(
        f"/v1/teams/{team.name}/posts", json=body, headers=team.headers
    )
    assert response.status_code == 201, response.text
    post: dict[str, Any] = response.json()["post"]
    return post
