"""Team A's key can never read or change team B's posts."""

import httpx
import pytest

from tests.support.factories import TeamWithKey, make_post


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("GET", "", None),
        ("POST", "", {"author_name": "mallory", "content": "hi"}),
        ("GET", "/{post_id}", None),
        ("GET", "/{post_id}/replies", None),
        ("DELETE", "/{post_id}", None),
    ],
)
async def test_another_teams_key_is_forbidden_and_changes_nothing(
    client: httpx.AsyncClient,
    team_a: TeamWithKey,
    team_b: TeamWithKey,
    method: str,
    suffix: str,
    body: dict[str, str] | None,
) -> None:
    victim = await make_post(client, team_b, tags=["secret"])
    before = (
        await client.get(f"/v1/teams/{team_b.name}/posts", headers=team_b.headers)
    ).json()

    url = f"/v1/teams/{team_b.name}/posts" + suffix.format(post_id=victim["id"])
    response = await client.request(method, url, json=body, headers=team_a.headers)
    assert response.status_code == 403
    error = response.json()
    assert error["code"] == "FORBIDDEN"
    assert "secret" not in response.text and victim["id"] not in response.text

    after = (
        await client.get(f"/v1/teams/{team_b.name}/posts", headers=team_b.headers)
    ).json()
    assert after == before


async def test_a_team_that_does_not_exist_is_forbidden_too(
    client: httpx.AsyncClient, team_a: TeamWithKey
) -> None:
    response = await client.get("/v1/teams/no-such-team/posts", headers=team_a.headers)
    assert response.status_code == 403
    assert response.json()["code"] == "FORBIDDEN"


async def test_posting_under_a_foreign_team_path_creates_nothing_anywhere(
    client: httpx.AsyncClient, team_a: TeamWithKey, team_b: TeamWithKey
) -> None:
    await client.post(
        f"/v1/teams/{team_b.name}/posts",
        json={"author_name": "m", "content": "x"},
        headers=team_a.headers,
    )
    for team in (team_a, team_b):
        page = (
            await client.get(f"/v1/teams/{team.name}/posts", headers=team.headers)
        ).json()
        assert page["total"] == 0


@pytest.mark.parametrize(
    "post_id", ["not-a-uuid", "0190a0a0-0000-7000-8000-000000000000"]
)
async def test_the_key_is_checked_before_the_post_id(
    client: httpx.AsyncClient, team_a: TeamWithKey, post_id: str
) -> None:
    url = f"/v1/teams/{team_a.name}/posts/{post_id}"
    assert (await client.get(url)).status_code == 401
    assert (await client.delete(url)).status_code == 401
