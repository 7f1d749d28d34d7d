from typing import Any
from uuid import UUID

import httpx
import pytest

from tests.support.factories import TeamWithKey, make_post


def posts_url(team: TeamWithKey, suffix: str = "") -> str:
    return f"/v1/teams/{team.name}/posts{suffix}"


async def test_create_post_returns_it_with_normalized_tags(
    client: httpx.AsyncClient, team_a: TeamWithKey
) -> None:
    response = await client.post(
        posts_url(team_a),
        json={
            "author_name": "Ada",
            "content": "First!",
            "tags": ["News", " news ", "x"],
        },
        headers=team_a.headers,
    )
    assert response.status_code == 201
    post = response.json()["post"]
    assert set(post) == {
        "id",
        "team",
        "author_name",
        "author_user_id",
        "content",
        "tags",
        "parent_post_id",
        "reply_count",
        "created_at",
    }
    assert post["team"] == "team-a"
    assert post["author_user_id"] is None, "a team key is no person"
    assert post["tags"] == ["news", "x"]
    assert post["reply_count"] == 0
    assert post["parent_post_id"] is None
    assert UUID(post["id"]).version == 7


async def test_get_post_includes_its_reply_count(
    client: httpx.AsyncClient, team_a: TeamWithKey
) -> None:
    thread = await make_post(client, team_a)
    await make_post(client, team_a, parent_post_id=thread["id"])
    deleted = await make_post(client, team_a, parent_post_id=thread["id"])
    await client.delete(posts_url(team_a, f"/{deleted['id']}"), headers=team_a.headers)

    response = await client.get(
        posts_url(team_a, f"/{thread['id']}"), headers=team_a.headers
    )
    assert response.status_code == 200
    assert response.json()["post"] == {**thread, "reply_count": 1}


async def test_list_is_newest_first_with_total_and_has_more(
    client: httpx.AsyncClient, team_a: TeamWithKey
) -> None:
    created = [await make_post(client, team_a, content=f"post {i}") for i in range(5)]
    response = await client.get(
        posts_url(team_a), params={"limit": 2}, headers=team_a.headers
    )
    assert response.status_code == 200
    page = response.json()
    assert [p["id"] for p in page["posts"]] == [created[4]["id"], created[3]["id"]]
    assert page["total"] == 5
    assert page["has_more"] is True


@pytest.mark.parametrize(
    ("offset", "count", "has_more"),
    [
        (0, 3, True),
        (1, 3, True),
        (2, 3, False),
        (3, 2, False),
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
    for i in range(5):
        await make_post(client, team_a, content=f"post {i}")
    page = (
        await client.get(
            posts_url(team_a),
            params={"limit": 3, "offset": offset},
            headers=team_a.headers,
        )
    ).json()
    assert len(page["posts"]) == count
    assert page["total"] == 5
    assert page["has_more"] is has_more


async def test_default_page_is_ten(
    client: httpx.AsyncClient, team_a: TeamWithKey
) -> None:
    for i in range(11):
        await make_post(client, team_a, content=f"post {i}")
    page = (await client.get(posts_url(team_a), headers=team_a.headers)).json()
    assert len(page["posts"]) == 10
    assert page["has_more"] is True


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 101},
        {"offset": -1},
        {"limit": "ten"},
        {"parent_post_id": "x"},
    ],
)
async def test_out_of_range_paging_is_a_validation_error(
    client: httpx.AsyncClient, team_a: TeamWithKey, params: dict[str, Any]
) -> None:
    response = await client.get(
        posts_url(team_a), params=params, headers=team_a.headers
    )
    assert response.status_code == 422
    assert response.json()["code"] == "VALIDATION_ERROR"


async def test_limit_bounds_are_accepted(
    client: httpx.AsyncClient, team_a: TeamWithKey
) -> None:
    for limit in (1, 100):
        response = await client.get(
            posts_url(team_a), params={"limit": limit}, headers=team_a.headers
        )
        assert response.status_code == 200


async def test_tag_filter_is_case_insensitive(
    client: httpx.AsyncClient, team_a: TeamWithKey
) -> None:
    tagged = await make_post(client, team_a, tags=["Python", "web"])
    await make_post(client, team_a, tags=["rust"])
    await make_post(client, team_a)
    page = (
        await client.get(
            posts_url(team_a), params={"tag": "PYTHON"}, headers=team_a.headers
        )
    ).json()
    assert [p["id"] for p in page["posts"]] == [tagged["id"]]
    assert page["total"] == 1


async def test_parent_filter_lists_direct_replies(
    client: httpx.AsyncClient, team_a: TeamWithKey
) -> None:
    thread = await make_post(client, team_a)
    reply = await make_post(client, team_a, parent_post_id=thread["id"])
    await make_post(client, team_a, parent_post_id=reply["id"])
    page = (
        await client.get(
            posts_url(team_a),
            params={"parent_post_id": thread["id"]},
            headers=team_a.headers,
        )
    ).json()
    assert [p["id"] for p in page["posts"]] == [reply["id"]]


async def test_replies_are_oldest_first(
    client: httpx.AsyncClient, team_a: TeamWithKey
) -> None:
    thread = await make_post(client, team_a)
    replies = [
        await make_post(client, team_a, parent_post_id=thread["id"], content=f"r{i}")
        for i in range(3)
    ]
    await make_post(client, team_a)  # another thread
    response = await client.get(
        posts_url(team_a, f"/{thread['id']}/replies"),
        params={"limit": 2},
        headers=team_a.headers,
    )
    assert response.status_code == 200
    page = response.json()
    assert [p["id"] for p in page["posts"]] == [replies[0]["id"], replies[1]["id"]]
    assert page["total"] == 3 and page["has_more"] is True


async def test_replies_of_a_missing_post_are_not_found(
    client: httpx.AsyncClient, team_a: TeamWithKey
) -> None:
    response = await client.get(
        posts_url(team_a, "/0190a0a0-0000-7000-8000-000000000000/replies"),
        headers=team_a.headers,
    )
    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"


async def test_delete_is_soft_and_final(
    client: httpx.AsyncClient, team_a: TeamWithKey
) -> None:
    post = await make_post(client, team_a)
    url = posts_url(team_a, f"/{post['id']}")
    response = await client.delete(url, headers=team_a.headers)
    assert response.status_code == 204
    assert response.content == b""
    assert (await client.get(url, headers=team_a.headers)).status_code == 404
    second = await client.delete(url, headers=team_a.headers)
    assert second.status_code == 404
    assert second.json()["code"] == "NOT_FOUND"
    page = (await client.get(posts_url(team_a), headers=team_a.headers)).json()
    assert page == {"posts": [], "total": 0, "has_more": False}


async def test_threads_only_leaves_replies_out_of_the_page_and_the_total(
    client: httpx.AsyncClient, team_a: TeamWithKey
) -> None:
    older = await make_post(client, team_a, tags=["ops"])
    newer = await make_post(client, team_a)
    await make_post(client, team_a, parent_post_id=older["id"], tags=["ops"])

    def threads(**params: str) -> dict[str, str]:
        return {"threads_only": "true", **params}

    page = (
        await client.get(posts_url(team_a), params=threads(), headers=team_a.headers)
    ).json()
    assert [p["id"] for p in page["posts"]] == [newer["id"], older["id"]]
    assert page["total"] == 2
    assert page["posts"][1]["reply_count"] == 1

    tagged = (
        await client.get(
            posts_url(team_a), params=threads(tag="ops"), headers=team_a.headers
        )
    ).json()
    assert [p["id"] for p in tagged["posts"]] == [older["id"]]
    assert tagged["total"] == 1


async def test_a_deleted_parent_cannot_take_replies(
    client: httpx.AsyncClient, team_a: TeamWithKey
) -> None:
    post = await make_post(client, team_a)
    await client.delete(posts_url(team_a, f"/{post['id']}"), headers=team_a.headers)
    response = await client.post(
        posts_url(team_a),
        json={"author_name": "a", "content": "b", "parent_post_id": post["id"]},
        headers=team_a.headers,
    )
    assert response.status_code == 404
    assert response.json()["code"] == "PARENT_NOT_FOUND"


@pytest.mark.parametrize("parent", ["0190a0a0-0000-7000-8000-000000000000"])
async def test_missing_parent_is_parent_not_found(
    client: httpx.AsyncClient, team_a: TeamWithKey, parent: str
) -> None:
    response = await client.post(
        posts_url(team_a),
        json={"author_name": "a", "content": "b", "parent_post_id": parent},
        headers=team_a.headers,
    )
    assert response.status_code == 404
    assert response.json()["code"] == "PARENT_NOT_FOUND"
    page = (await client.get(posts_url(team_a), headers=team_a.headers)).json()
    assert page["total"] == 0


async def test_parent_in_another_team_is_parent_not_found(
    client: httpx.AsyncClient, team_a: TeamWithKey, team_b: TeamWithKey
) -> None:
    foreign = await make_post(client, team_b)
    response = await client.post(
        posts_url(team_a),
        json={"author_name": "a", "content": "b", "parent_post_id": foreign["id"]},
        headers=team_a.headers,
    )
    assert response.status_code == 404
    assert response.json()["code"] == "PARENT_NOT_FOUND"


@pytest.mark.parametrize(
    "post_id", ["not-a-uuid", "0190a0a0-0000-7000-8000-000000000000", "123", "%00"]
)
async def test_missing_or_malformed_post_id_is_not_found(
    client: httpx.AsyncClient, team_a: TeamWithKey, post_id: str
) -> None:
    for method in ("GET", "DELETE"):
        response = await client.request(
            method, posts_url(team_a, f"/{post_id}"), headers=team_a.headers
        )
        assert response.status_code == 404, (method, response.text)
        assert response.json()["code"] == "NOT_FOUND"


def bad_bodies() -> list[tuple[str, dict[str, Any]]]:
    ok = {"author_name": "ada", "content": "hello"}
    return [
        ("missing content", {"author_name": "ada"}),
        ("empty author", {**ok, "author_name": ""}),
        ("long author", {**ok, "author_name": "a" * 101}),
        ("empty content", {**ok, "content": ""}),
        ("long content", {**ok, "content": "x" * 10_001}),
        ("NUL in content", {**ok, "content": "a\x00b"}),
        ("NUL in author", {**ok, "author_name": "\x00"}),
        ("NUL in tag", {**ok, "tags": ["a\x00"]}),
        ("eleven tags", {**ok, "tags": [f"t{i}" for i in range(11)]}),
        ("long tag", {**ok, "tags": ["t" * 33]}),
        ("blank tag", {**ok, "tags": ["  "]}),
        ("tags not a list", {**ok, "tags": "a,b"}),
        ("unknown field", {**ok, "mood": "happy"}),
        ("server-owned id", {**ok, "id": "0190a0a0-0000-7000-8000-000000000000"}),
        (
            "server-owned team_id",
            {**ok, "team_id": "0190a0a0-0000-7000-8000-000000000000"},
        ),
        ("server-owned created_at", {**ok, "created_at": "2020-01-01T00:00:00Z"}),
        ("server-owned deleted_at", {**ok, "deleted_at": None}),
        ("malformed parent", {**ok, "parent_post_id": "nope"}),
    ]


@pytest.mark.parametrize(
    ("case", "body"), bad_bodies(), ids=[c for c, _ in bad_bodies()]
)
async def test_bad_bodies_are_validation_errors_and_store_nothing(
    client: httpx.AsyncClient, team_a: TeamWithKey, case: str, body: dict[str, Any]
) -> None:
    response = await client.post(posts_url(team_a), json=body, headers=team_a.headers)
    assert response.status_code == 422, case
    error = response.json()
    assert error["code"] == "VALIDATION_ERROR"
    assert error["details"]["errors"]
    page = (await client.get(posts_url(team_a), headers=team_a.headers)).json()
    assert page["total"] == 0


async def test_boundary_lengths_are_accepted(
    client: httpx.AsyncClient, team_a: TeamWithKey
) -> None:
    post = await make_post(
        client,
        team_a,
        author_name="a" * 100,
        content="x" * 10_000,
        tags=[f"{i:0>32}" for i in range(10)],
    )
    assert len(post["content"]) == 10_000 and len(post["tags"]) == 10


async def test_nul_in_the_tag_filter_is_a_validation_error(
    client: httpx.AsyncClient, team_a: TeamWithKey
) -> None:
    response = await client.get(
        posts_url(team_a), params={"tag": "a\x00"}, headers=team_a.headers
    )
    assert response.status_code == 422


async def test_huge_offset_is_a_validation_error_not_a_crash(
    client: httpx.AsyncClient, team_a: TeamWithKey
) -> None:
    response = await client.get(
        posts_url(team_a),
        params={"offset": "10174219053063538212864"},
        headers=team_a.headers,
    )
    assert response.status_code == 422
    largest = await client.get(
        posts_url(team_a), params={"offset": 2**31 - 1}, headers=team_a.headers
    )
    assert largest.json() == {"posts": [], "total": 0, "has_more": False}


async def test_a_lone_surrogate_in_content_is_a_validation_error(
    client: httpx.AsyncClient, team_a: TeamWithKey
) -> None:
    # JSON can escape a lone surrogate, which encodes no character and cannot be
    # stored; httpx would refuse to encode it, so the body is sent as bytes.
    response = await client.post(
        f"/v1/teams/{team_a.name}/posts",
        content=b'{"author_name": "ada", "content": "x\\ud800"}',
        headers={**team_a.headers, "content-type": "application/json"},
    )

    assert response.status_code == 422, response.text
    assert response.json()["details"]["errors"][0]["field"] == "body.content"
