"""Who may call each team route: every route under `/v1/teams/{team}` against every
kind of caller, on real resources, so an allowed call runs the real handler to its
success status and a refused one answers with the exact status and code.

`MATRIX` is the rule, read from the README's roles table; `CALLS` says how to call
each route. A team route in the OpenAPI document that is missing from either fails
`test_every_team_route_is_in_the_matrix`.

The people and resources are made once for the module, inside a transaction that
is rolled back at its end; each cell runs in a savepoint of it, with an app of its
own (its own key cache and rate-limit counts), so a cell that deletes the team
leaves it to the next one."""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from starlette.types import Message, Scope

from app.core.config import Settings
from app.core.db import OnConnection, TenantConnection
from app.core.tokens import hash_token
from app.main import create_app
from app.people.models import Role
from tests.conftest import ADMIN_TOKEN, database_on, rolled_back, settings_for
from tests.support.factories import make_team

TEAM = "lab"
TEAM_PREFIX = "/v1/teams/{team}"
PASSWORD = "a long passphrase"


class Caller(StrEnum):
    OUTSIDER = "other-team-owner"
    MEMBER = "member"
    ADMIN = "admin"
    OWNER = "owner"
    KEY = "team-key"
    OTHER_KEY = "other-team-key"
    OPERATOR = "operator"
    NOBODY = "no-credentials"
    # The owner's own sessions, a second owner's account and the team's own key:
    # refused for what the secret or the account is, not for a role.
    REVOKED = "revoked-session"
    EXPIRED = "expired-session"
    DISABLED = "disabled-user"
    REVOKED_KEY = "revoked-team-key"


@dataclass(frozen=True)
class Access:
    """The least role a person of the team needs; whether a team API key (an admin
    of the team's content) and the operator's ADMIN_TOKEN (as owner) get in."""

    role: Role
    key: bool = False
    operator: bool = False


MEMBER, ADMIN, OWNER = Role.MEMBER, Role.ADMIN, Role.OWNER

MATRIX: dict[str, Access] = {
    # Content: people by role, and the team's keys.
    "GET /v1/teams/{team}/posts": Access(MEMBER, key=True),
    "POST /v1/teams/{team}/posts": Access(MEMBER, key=True),
    "GET /v1/teams/{team}/posts/{post_id}": Access(MEMBER, key=True),
    "GET /v1/teams/{team}/posts/{post_id}/replies": Access(MEMBER, key=True),
    # Someone else's post: members delete only their own.
    "DELETE /v1/teams/{team}/posts/{post_id}": Access(ADMIN, key=True),
    "POST /v1/teams/{team}/audits": Access(MEMBER, key=True),
    "GET /v1/teams/{team}/audits": Access(MEMBER, key=True),
    "GET /v1/teams/{team}/audits/events": Access(MEMBER, key=True),
    "GET /v1/teams/{team}/audits/{audit_id}": Access(MEMBER, key=True),
    "PATCH /v1/teams/{team}/audits/{audit_id}": Access(MEMBER, key=True),
    "DELETE /v1/teams/{team}/audits/{audit_id}": Access(ADMIN, key=True),
    "POST /v1/teams/{team}/audits/{audit_id}/retry": Access(MEMBER, key=True),
    "GET /v1/teams/{team}/usage": Access(MEMBER, key=True),
    # The team itself and its keys: people, and the operator; never a key.
    "PATCH /v1/teams/{team}": Access(OWNER, operator=True),
    "DELETE /v1/teams/{team}": Access(OWNER, operator=True),
    "POST /v1/teams/{team}/api-keys": Access(ADMIN, operator=True),
    "GET /v1/teams/{team}/api-keys": Access(ADMIN, operator=True),
    "DELETE /v1/teams/{team}/api-keys/{key_id}": Access(ADMIN, operator=True),
    # People: people only.
    "GET /v1/teams/{team}/members": Access(MEMBER),
    "PATCH /v1/teams/{team}/members/{user_id}": Access(OWNER),
    # Another member: anyone may leave, but admins remove others.
    "DELETE /v1/teams/{team}/members/{user_id}": Access(ADMIN),
    "POST /v1/teams/{team}/invitations": Access(ADMIN),
    "GET /v1/teams/{team}/invitations": Access(ADMIN),
    "DELETE /v1/teams/{team}/invitations/{invitation_id}": Access(ADMIN),
}


@dataclass(frozen=True)
class Call:
    """The body to send, and which of the world's resources a path id names when
    it is not the one of the same name."""

    body: dict[str, Any] | None = None
    ids: dict[str, str] = field(default_factory=dict)


CALLS: dict[str, Call] = {
    "GET /v1/teams/{team}/posts": Call(),
    # A person posts as themselves; the name is for the key.
    "POST /v1/teams/{team}/posts": Call({"author_name": "ci", "content": "hi"}),
    "GET /v1/teams/{team}/posts/{post_id}": Call(),
    "GET /v1/teams/{team}/posts/{post_id}/replies": Call(),
    "DELETE /v1/teams/{team}/posts/{post_id}": Call(),
    "POST /v1/teams/{team}/audits": Call({"content": "hello there"}),
    "GET /v1/teams/{team}/audits": Call(),
    "GET /v1/teams/{team}/audits/events": Call(),
    "GET /v1/teams/{team}/audits/{audit_id}": Call(),
    "PATCH /v1/teams/{team}/audits/{audit_id}": Call({"review_status": "accepted"}),
    "DELETE /v1/teams/{team}/audits/{audit_id}": Call(),
    "POST /v1/teams/{team}/audits/{audit_id}/retry": Call(
        ids={"audit_id": "failed_audit_id"}
    ),
    "GET /v1/teams/{team}/usage": Call(),
    "PATCH /v1/teams/{team}": Call({"name": "lab-renamed"}),
    "DELETE /v1/teams/{team}": Call(),
    "POST /v1/teams/{team}/api-keys": Call({"name": "deploy"}),
    "GET /v1/teams/{team}/api-keys": Call(),
    "DELETE /v1/teams/{team}/api-keys/{key_id}": Call(),
    "GET /v1/teams/{team}/members": Call(),
    "PATCH /v1/teams/{team}/members/{user_id}": Call({"role": "admin"}),
    "DELETE /v1/teams/{team}/members/{user_id}": Call(),
    "POST /v1/teams/{team}/invitations": Call(
        {"email": "newcomer@example.com", "role": "member"}
    ),
    "GET /v1/teams/{team}/invitations": Call(),
    "DELETE /v1/teams/{team}/invitations/{invitation_id}": Call(),
}


@dataclass(frozen=True)
class Refusal:
    status: int
    code: str
    details: dict[str, str]


def refusal(access: Access, caller: Caller) -> Refusal | None:
    """What the caller gets instead of the route's answer; None when allowed."""
    match caller:
        case Caller.OUTSIDER | Caller.OTHER_KEY:
            # Another team's route: its name is all the answer gives back.
            return Refusal(403, "FORBIDDEN", {"team": TEAM})
        case (
            Caller.NOBODY
            | Caller.REVOKED
            | Caller.EXPIRED
            | Caller.DISABLED
            | Caller.REVOKED_KEY
        ):
            return Refusal(401, "UNAUTHORIZED", {})
        case Caller.KEY:
            return None if access.key else Refusal(403, "PERSON_REQUIRED", {})
        case Caller.OPERATOR:
            # Elsewhere the ADMIN_TOKEN is no credential at all.
            return None if access.operator else Refusal(401, "UNAUTHORIZED", {})
        case _:
            if Role(caller.value).covers(access.role):
                return None
            return Refusal(403, "ROLE_REQUIRED", {"needed": access.role.value})


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return with_ai(settings)


def with_ai(settings: Settings) -> Settings:
    """Audits can be queued (nothing runs them), and sign-ins are not limited."""
    return settings.model_copy(
        update={
            "openai_base_url": "http://127.0.0.1:9/v1",
            "audit_worker": False,
            "sign_in_limit": "",
        }
    )


@dataclass(frozen=True)
class World:
    headers: dict[Caller, dict[str, str]]
    ids: dict[str, str]
    # Each team route's operation in the OpenAPI document.
    operations: dict[str, dict[str, Any]]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def team_operations(app: FastAPI) -> dict[str, dict[str, Any]]:
    return {
        f"{method.upper()} {path}": operation
        for path, operations in app.openapi()["paths"].items()
        if path == TEAM_PREFIX or path.startswith(f"{TEAM_PREFIX}/")
        for method, operation in operations.items()
    }


@pytest.fixture(scope="module")
async def world_connection(database_url: str) -> AsyncIterator[TenantConnection]:
    async with rolled_back(database_url) as connection:
        yield connection


class Builder:
    """Makes the world through the API, as its people would."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def send(
        self, method: str, url: str, headers: dict[str, str], **kwargs: Any
    ) -> Any:
        response = await self.client.request(method, url, headers=headers, **kwargs)
        assert response.is_success, response.text
        return response.json() if response.content else None

    async def sign_in(self, email: str) -> dict[str, str]:
        body = {"email": email, "password": PASSWORD}
        signed = await self.send("POST", "/v1/auth/sign-in", {}, json=body)
        return bearer(signed["token"])

    async def owner(self, team: str, email: str) -> dict[str, str]:
        body = {
            "email": email,
            "display_name": email.split("@")[0].title(),
            "password": PASSWORD,
            "owner_of": team,
        }
        await self.send("POST", "/v1/users", bearer(ADMIN_TOKEN), json=body)
        return await self.sign_in(email)

    async def joined(
        self, inviter: dict[str, str], email: str, role: Role
    ) -> tuple[str, dict[str, str]]:
        """A new member's id and session."""
        invited = await self.send(
            "POST",
            f"/v1/teams/{TEAM}/invitations",
            inviter,
            json={"email": email, "role": role},
        )
        body = {"token": invited["token"], "password": PASSWORD, "display_name": "N"}
        accepted = await self.send("POST", "/v1/invitations/accept", {}, json=body)
        me = await self.send("GET", "/v1/me", bearer(accepted["token"]))
        return me["user"]["id"], bearer(accepted["token"])


@pytest.fixture(scope="module")
async def world(
    world_connection: TenantConnection, database_url: str
) -> AsyncIterator[World]:
    settings = with_ai(settings_for(database_url))
    session = OnConnection(world_connection)
    app = create_app(settings, database=database_on(world_connection, settings))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        build = Builder(client)
        lab = await make_team(session, TEAM)
        elsewhere = await make_team(session, "elsewhere")
        owner = await build.owner(TEAM, "ada@example.com")
        _, admin = await build.joined(owner, "bea@example.com", Role.ADMIN)
        _, member = await build.joined(owner, "cy@example.com", Role.MEMBER)
        bystander, _ = await build.joined(owner, "dan@example.com", Role.MEMBER)

        revoked = await build.sign_in("ada@example.com")
        await build.send("POST", "/v1/auth/sign-out", revoked)
        expired = await build.sign_in("ada@example.com")
        await session.connection.execute(
            "UPDATE user_session SET expires_at = now() - interval '1 second'"
            " WHERE token_hash = $1",
            hash_token(expired["Authorization"].removeprefix("Bearer ")),
        )
        disabled = await build.owner(TEAM, "zed@example.com")
        await session.connection.execute(
            "UPDATE user_account SET disabled = true WHERE email = 'zed@example.com'"
        )

        team = f"/v1/teams/{TEAM}"
        body = {"author_name": "ci", "content": "a post nobody here wrote"}
        post = await build.send("POST", f"{team}/posts", lab.headers, json=body)
        reply = {
            "author_name": "ci",
            "content": "a reply",
            "parent_post_id": post["post"]["id"],
        }
        await build.send("POST", f"{team}/posts", lab.headers, json=reply)
        audits = [
            await build.send(
                "POST", f"{team}/audits", lab.headers, json={"content": text}
            )
            for text in ("reviewed soon", "failed once")
        ]
        completed, failed = (audit["audit"]["id"] for audit in audits)
        await session.connection.execute(
            "UPDATE audit SET status = 'completed', completed_at = now() WHERE id = $1",
            completed,
        )
        await session.connection.execute(
            "UPDATE audit SET status = 'failed', error = $2 WHERE id = $1",
            failed,
            {"code": "MODEL_TIMEOUT", "message": "no answer in time"},
        )
        key = await build.send(
            "POST", f"{team}/api-keys", owner, json={"name": "spare"}
        )
        old = await build.send("POST", f"{team}/api-keys", owner, json={"name": "old"})
        await build.send("DELETE", f"{team}/api-keys/{old['api_key']['id']}", owner)
        invitation = await build.send(
            "POST",
            f"{team}/invitations",
            owner,
            json={"email": "pending@example.com", "role": "member"},
        )
        yield World(
            headers={
                Caller.OUTSIDER: await build.owner("elsewhere", "ola@example.com"),
                Caller.MEMBER: member,
                Caller.ADMIN: admin,
                Caller.OWNER: owner,
                Caller.KEY: lab.headers,
                Caller.OTHER_KEY: elsewhere.headers,
                Caller.OPERATOR: bearer(ADMIN_TOKEN),
                Caller.REVOKED: revoked,
                Caller.EXPIRED: expired,
                Caller.DISABLED: disabled,
                Caller.REVOKED_KEY: bearer(old["key"]),
                Caller.NOBODY: {},
            },
            ids={
                "team": TEAM,
                "post_id": post["post"]["id"],
                "audit_id": completed,
                "failed_audit_id": failed,
                "key_id": key["api_key"]["id"],
                "user_id": bystander,
                "invitation_id": invitation["invitation"]["id"],
            },
            operations=team_operations(app),
        )


@pytest.fixture
async def test_connection(
    world_connection: TenantConnection, world: World
) -> AsyncIterator[TenantConnection]:
    """Each cell in a savepoint of the module's transaction."""
    transaction = world_connection.transaction()
    await transaction.start()
    yield world_connection
    await transaction.rollback()
    world_connection.forget_tenancy()


async def first_chunk(
    app: FastAPI, path: str, headers: dict[str, str]
) -> httpx.Response:
    """A GET answered as far as its first chunk, then the client leaves: an event
    stream never ends by itself, and httpx's ASGI transport waits for the end."""
    sent = [(name.lower().encode(), value.encode()) for name, value in headers.items()]
    scope: Scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"test"), *sent],
        "client": ("127.0.0.1", 50000),
        "server": ("test", 80),
    }
    asked = False
    left = asyncio.Event()
    started: dict[str, Any] = {}
    body = bytearray()

    async def receive() -> Message:
        nonlocal asked
        if not asked:
            asked = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await left.wait()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            started.update(message)
        elif message["type"] == "http.response.body":
            body.extend(message.get("body", b""))
            left.set()

    await asyncio.wait_for(app(scope, receive, send), timeout=10)
    return httpx.Response(
        started["status"], headers=started["headers"], content=bytes(body)
    )


async def call(
    app: FastAPI, client: httpx.AsyncClient, world: World, route: str, caller: Caller
) -> httpx.Response:
    method, template = route.split(" ")
    how = CALLS[route]
    ids = world.ids | {name: world.ids[source] for name, source in how.ids.items()}
    path = template.format(**ids)
    headers = world.headers[caller]
    if "text/event-stream" in _success(world, route)[1]:
        return await first_chunk(app, path, headers)
    return await client.request(method, path, headers=headers, json=how.body)


def _success(world: World, route: str) -> tuple[int, set[str]]:
    """The route's documented success status and media types (none for a 204)."""
    responses = world.operations[route]["responses"]
    [(status, response)] = [(s, r) for s, r in responses.items() if s.startswith("2")]
    return int(status), set(response.get("content", {}))


async def test_every_team_route_is_in_the_matrix(world: World) -> None:
    assert set(world.operations) == set(MATRIX)
    assert set(CALLS) == set(MATRIX)


CELLS = [
    pytest.param(route, caller, id=f"{route} as {caller}")
    for route in MATRIX
    for caller in Caller
]


@pytest.mark.parametrize(("route", "caller"), CELLS)
async def test_each_caller_gets_what_the_matrix_says(
    app: FastAPI,
    client: httpx.AsyncClient,
    world: World,
    route: str,
    caller: Caller,
) -> None:
    response = await call(app, client, world, route, caller)

    refused = refusal(MATRIX[route], caller)
    if refused is None:
        status, media_types = _success(world, route)
        assert response.status_code == status, response.text
        if media_types:
            assert response.headers["content-type"].split(";")[0] in media_types
        return
    body = response.json()
    assert (response.status_code, body["code"], body["details"]) == (
        refused.status,
        refused.code,
        refused.details,
    )
    assert set(body) == {"error", "code", "details"} and body["error"]
    if refused.status == 401:
        assert response.headers["WWW-Authenticate"] == "Bearer"
