import httpx

from tests.conftest import ADMIN_TOKEN

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


async def test_owner_invites_member_who_posts(client: httpx.AsyncClient) -> None:
    created = await client.post(
        "/v1/users",
        json={
            "email": "Ada@Example.com",
            "display_name": "Ada",
            "password": "correct horse",
            "owner_of": "lab",
        },
        headers=ADMIN,
    )
    assert created.status_code == 201, created.text
    signed = await client.post(
        "/v1/auth/sign-in",
        json={"email": "ada@example.com", "password": "correct horse"},
    )
    assert signed.status_code == 200, signed.text
    owner = {"Authorization": f"Bearer {signed.json()['token']}"}
    invited = await client.post(
        "/v1/teams/lab/invitations", json={"email": "bob@example.com"}, headers=owner
    )
    assert invited.status_code == 201, invited.text
    token = invited.json()["token"]
    preview = await client.post("/v1/invitations/preview", json={"token": token})
    assert preview.json()["account_exists"] is False, preview.text
    accepted = await client.post(
        "/v1/invitations/accept",
        json={"token": token, "password": "bob's password", "display_name": "Bob"},
    )
    assert accepted.status_code == 200, accepted.text
    bob = {"Authorization": f"Bearer {accepted.json()['token']}"}
    post = await client.post("/v1/teams/lab/posts", json={"content": "hi"}, headers=bob)
    assert post.status_code == 201, post.text
    assert post.json()["post"]["author_name"] == "Bob"
    members = await client.get("/v1/teams/lab/members", headers=bob)
    assert [m["role"] for m in members.json()["members"]] == ["owner", "member"], (
        members.text
    )
    denied = await client.delete(
        f"/v1/teams/lab/posts/{post.json()['post']['id']}", headers=owner
    )
    assert denied.status_code == 204, denied.text
    keys = await client.get("/v1/teams/lab/api-keys", headers=bob)
    assert keys.status_code == 403 and keys.json()["code"] == "ROLE_REQUIRED", keys.text
    me = await client.get("/v1/me/sessions", headers=bob)
    assert me.status_code == 200 and me.json()["sessions"][0]["current"], me.text
    out = await client.delete("/v1/me/sessions", headers=bob)
    assert out.status_code == 204
    gone = await client.get("/v1/me", headers=bob)
    assert gone.status_code == 401, gone.text
