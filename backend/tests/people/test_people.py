"""The rules of people, through the API, on real PostgreSQL."""

import re
from collections.abc import AsyncIterator, Iterator
from email.message import EmailMessage

import httpx
import pytest
from fastapi import FastAPI

from app.core.config import Settings
from app.core.db import Database, OnConnection
from app.main import create_app
from tests.conftest import ADMIN_TOKEN
from tests.support.factories import TeamWithKey
from tests.support.mail_server import Inbox, mail_server

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PASSWORD = "a long passphrase"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def owner_of(client: httpx.AsyncClient, team: str, email: str) -> dict[str, str]:
    created = await client.post(
        "/v1/users",
        json={
            "email": email,
            "display_name": email.split("@")[0].title(),
            "password": PASSWORD,
            "owner_of": team,
        },
        headers=ADMIN,
    )
    assert created.status_code == 201, created.text
    return await sign_in(client, email)


async def sign_in(
    client: httpx.AsyncClient, email: str, password: str = PASSWORD
) -> dict[str, str]:
    signed = await client.post(
        "/v1/auth/sign-in", json={"email": email, "password": password}
    )
    assert signed.status_code == 200, signed.text
    token: str = signed.json()["token"]
    assert token.startswith("ls_")
    return bearer(token)


async def invite_and_accept(
    client: httpx.AsyncClient, team: str, inviter: dict[str, str], email: str, role: str
) -> dict[str, str]:
    invited = await client.post(
        f"/v1/teams/{team}/invitations",
        json={"email": email, "role": role},
        headers=inviter,
    )
    assert invited.status_code == 201, invited.text
    accepted = await client.post(
        "/v1/invitations/accept",
        json={
            "token": invited.json()["token"],
            "password": PASSWORD,
            "display_name": "New",
        },
    )
    assert accepted.status_code == 200, accepted.text
    return bearer(accepted.json()["token"])


async def test_emails_are_compared_case_insensitively(
    client: httpx.AsyncClient,
) -> None:
    await owner_of(client, "lab", "Ada@Example.COM")
    again = await client.post(
        "/v1/users",
        json={"email": "ada@example.com", "display_name": "A", "password": PASSWORD},
        headers=ADMIN,
    )
    assert again.status_code == 409 and again.json()["code"] == "EMAIL_TAKEN"
    assert await sign_in(client, "ADA@example.com")


async def test_wrong_password_and_unknown_email_get_the_same_answer(
    client: httpx.AsyncClient,
) -> None:
    await owner_of(client, "lab", "ada@example.com")
    wrong = await client.post(
        "/v1/auth/sign-in", json={"email": "ada@example.com", "password": "nope"}
    )
    unknown = await client.post(
        "/v1/auth/sign-in", json={"email": "who@example.com", "password": "nope"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["code"] == "INVALID_CREDENTIALS"


async def test_each_sign_in_is_a_new_revocable_session(
    client: httpx.AsyncClient,
) -> None:
    first = await owner_of(client, "lab", "ada@example.com")
    second = await sign_in(client, "ada@example.com")
    assert first != second
    sessions = (await client.get("/v1/me/sessions", headers=second)).json()["sessions"]
    assert len(sessions) == 2
    other = next(s for s in sessions if not s["current"])
    revoked = await client.delete(f"/v1/me/sessions/{other['id']}", headers=second)
    assert revoked.status_code == 204
    assert (await client.get("/v1/me", headers=first)).status_code == 401
    assert (await client.get("/v1/me", headers=second)).status_code == 200


@pytest.mark.parametrize(
    "expiry",
    [
        "expires_at = now() - interval '1 second'",
        "last_seen_at = now() - interval '73 hours'",
    ],
    ids=["absolute", "idle"],
)
async def test_expired_sessions_are_refused(
    client: httpx.AsyncClient, session: OnConnection, expiry: str
) -> None:
    me = await owner_of(client, "lab", "ada@example.com")
    await session.connection.execute(f"UPDATE user_session SET {expiry}")
    response = await client.get("/v1/teams/lab/posts", headers=me)
    assert response.status_code == 401 and response.json()["code"] == "UNAUTHORIZED"


async def test_a_disabled_user_is_signed_out_and_cannot_sign_in(
    client: httpx.AsyncClient, session: OnConnection
) -> None:
    me = await owner_of(client, "lab", "ada@example.com")
    await session.connection.execute("UPDATE user_account SET disabled = true")
    assert (await client.get("/v1/me", headers=me)).status_code == 401
    refused = await client.post(
        "/v1/auth/sign-in", json={"email": "ada@example.com", "password": PASSWORD}
    )
    assert refused.json()["code"] == "INVALID_CREDENTIALS"


async def test_password_change_signs_out_every_other_session(
    client: httpx.AsyncClient,
) -> None:
    here = await owner_of(client, "lab", "ada@example.com")
    elsewhere = await sign_in(client, "ada@example.com")
    changed = await client.post(
        "/v1/me/password",
        json={"current_password": PASSWORD, "new_password": "a newer passphrase"},
        headers=here,
    )
    assert changed.status_code == 204, changed.text
    assert (await client.get("/v1/me", headers=here)).status_code == 200
    assert (await client.get("/v1/me", headers=elsewhere)).status_code == 401
    assert await sign_in(client, "ada@example.com", "a newer passphrase")


async def test_a_team_always_keeps_an_owner(client: httpx.AsyncClient) -> None:
    owner = await owner_of(client, "lab", "ada@example.com")
    me = (await client.get("/v1/me", headers=owner)).json()["user"]
    demoted = await client.patch(
        f"/v1/teams/lab/members/{me['id']}", json={"role": "admin"}, headers=owner
    )
    assert demoted.status_code == 409 and demoted.json()["code"] == "LAST_OWNER"
    left = await client.delete(f"/v1/teams/lab/members/{me['id']}", headers=owner)
    assert left.status_code == 409


async def test_a_team_name_taken_over_after_a_rename_is_the_new_team(
    client: httpx.AsyncClient,
) -> None:
    """A process remembers team ids by name for sessions; a rename must not let
    the old name keep leading to the old team."""
    ada = await owner_of(client, "lab", "ada@example.com")
    assert (await client.get("/v1/teams/lab/posts", headers=ada)).status_code == 200
    renamed = await client.patch("/v1/teams/lab", json={"name": "den"}, headers=ada)
    assert renamed.status_code == 200, renamed.text
    bob = await owner_of(client, "lab", "bob@example.com")
    await client.post("/v1/teams/lab/posts", json={"content": "bob's"}, headers=bob)

    taken = await client.get("/v1/teams/lab/posts", headers=ada)
    assert taken.status_code == 403 and taken.json()["code"] == "FORBIDDEN"
    own = await client.get("/v1/teams/den/posts", headers=ada)
    assert own.status_code == 200 and own.json()["total"] == 0
    theirs = await client.get("/v1/teams/lab/posts", headers=bob)
    assert [post["content"] for post in theirs.json()["posts"]] == ["bob's"]


async def test_roles_decide_what_people_may_do(client: httpx.AsyncClient) -> None:
    owner = await owner_of(client, "lab", "ada@example.com")
    member = await invite_and_accept(client, "lab", owner, "bob@example.com", "member")
    post = await client.post(
        "/v1/teams/lab/posts", json={"content": "x"}, headers=owner
    )
    post_id = post.json()["post"]["id"]
    others = await client.delete(f"/v1/teams/lab/posts/{post_id}", headers=member)
    assert others.status_code == 403 and others.json()["code"] == "ROLE_REQUIRED"
    keys = await client.get("/v1/teams/lab/api-keys", headers=member)
    assert keys.status_code == 403 and keys.json()["details"] == {"needed": "admin"}
    promote_self = await client.post(
        "/v1/teams/lab/invitations",
        json={"email": "eve@example.com", "role": "admin"},
        headers=member,
    )
    assert promote_self.status_code == 403
    mine = await client.post(
        "/v1/teams/lab/posts", json={"content": "y"}, headers=member
    )
    assert mine.json()["post"]["author_name"] == "New"
    deleted = await client.delete(
        f"/v1/teams/lab/posts/{mine.json()['post']['id']}", headers=member
    )
    assert deleted.status_code == 204


async def test_team_keys_keep_posting_but_manage_nothing(
    client: httpx.AsyncClient, team_a: TeamWithKey
) -> None:
    without_name = await client.post(
        f"/v1/teams/{team_a.name}/posts", json={"content": "x"}, headers=team_a.headers
    )
    assert without_name.status_code == 422
    named = await client.post(
        f"/v1/teams/{team_a.name}/posts",
        json={"author_name": "ci", "content": "x"},
        headers=team_a.headers,
    )
    assert named.json()["post"]["author_name"] == "ci"
    assert named.json()["post"]["author_user_id"] is None
    keys = await client.get(f"/v1/teams/{team_a.name}/api-keys", headers=team_a.headers)
    assert keys.status_code == 403 and keys.json()["code"] == "PERSON_REQUIRED"


async def test_an_invitation_works_once_and_tokens_are_stored_hashed(
    client: httpx.AsyncClient, session: OnConnection
) -> None:
    owner = await owner_of(client, "lab", "ada@example.com")
    invited = await client.post(
        "/v1/teams/lab/invitations", json={"email": "bob@example.com"}, headers=owner
    )
    token = invited.json()["token"]
    body = {"token": token, "password": PASSWORD, "display_name": "Bob"}
    assert (await client.post("/v1/invitations/accept", json=body)).status_code == 200
    again = await client.post("/v1/invitations/accept", json=body)
    assert again.status_code == 404 and again.json()["code"] == "INVITATION_INVALID"
    dump = await session.connection.fetchval(
        "SELECT string_agg(t::text, ' ') FROM (SELECT * FROM invitation) t"
    )
    assert token not in dump


@pytest.fixture
def smtp() -> Iterator[tuple[int, Inbox]]:
    with mail_server() as server:
        yield server


@pytest.fixture
def mailing_app(
    settings: Settings, test_database: Database, smtp: tuple[int, Inbox]
) -> FastAPI:
    port, _ = smtp
    mailing = settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_security": "none"}
    )
    return create_app(mailing, database=test_database)


@pytest.fixture
async def mailing_client(mailing_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=mailing_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def _token_in(message: EmailMessage) -> str:
    text = message.get_content()
    found = re.search(r"token=([\w-]+)", text)
    assert found, text
    return found.group(1)


async def test_a_password_reset_goes_through_a_real_smtp_server(
    mailing_client: httpx.AsyncClient, smtp: tuple[int, Inbox]
) -> None:
    _, inbox = smtp
    old = await owner_of(mailing_client, "lab", "ada@example.com")
    known = await mailing_client.post(
        "/v1/auth/password-reset", json={"email": "ada@example.com"}
    )
    unknown = await mailing_client.post(
        "/v1/auth/password-reset", json={"email": "nobody@example.com"}
    )
    assert known.status_code == unknown.status_code == 202
    assert known.content == unknown.content
    assert [m["To"] for m in inbox.messages] == ["ada@example.com"]
    token = _token_in(inbox.messages[0])
    new = {"token": token, "password": "a fresh passphrase"}
    confirmed = await mailing_client.post("/v1/auth/password-reset/confirm", json=new)
    assert confirmed.status_code == 204, confirmed.text
    assert (await mailing_client.get("/v1/me", headers=old)).status_code == 401
    assert await sign_in(mailing_client, "ada@example.com", "a fresh passphrase")
    reused = await mailing_client.post("/v1/auth/password-reset/confirm", json=new)
    assert reused.json()["code"] == "RESET_INVALID"


async def test_signup_is_closed_by_invitation_only(
    settings: Settings, test_database: Database
) -> None:
    closed = settings.model_copy(update={"signup": "invite"})
    transport = httpx.ASGITransport(app=create_app(closed, database=test_database))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        body = {
            "email": "a@example.com",
            "display_name": "A",
            "password": PASSWORD,
            "team": "mine",
        }
        refused = await client.post("/v1/auth/sign-up", json=body)
    assert refused.status_code == 403 and refused.json()["code"] == "SIGNUP_CLOSED"
    assert (
        settings.model_copy(update={"environment": "production"}).signup_open is False
    )


async def test_open_signup_creates_an_owned_team(client: httpx.AsyncClient) -> None:
    body = {
        "email": "a@example.com",
        "display_name": "A",
        "password": PASSWORD,
        "team": "mine",
    }
    created = await client.post("/v1/auth/sign-up", json=body)
    assert created.status_code == 201, created.text
    me = await client.get("/v1/me", headers=bearer(created.json()["token"]))
    assert [(m["team"]["name"], m["role"]) for m in me.json()["memberships"]] == [
        ("mine", "owner")
    ]


async def test_sign_in_attempts_are_limited_per_email(
    settings: Settings, test_database: Database
) -> None:
    tight = settings.model_copy(update={"sign_in_limit": "2/minute"})
    transport = httpx.ASGITransport(app=create_app(tight, database=test_database))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        body = {"email": "ada@example.com", "password": "wrong"}
        statuses = [
            (await client.post("/v1/auth/sign-in", json=body)).status_code
            for _ in range(3)
        ]
    assert statuses == [401, 401, 429]
