"""Demo data: a `demo` team with a few threads, replies and tags, and an owner
account to sign in to the web app with."""

import secrets
from dataclasses import dataclass

from app.core.db import Session
from app.core.pagination import PageParams
from app.people import service as people
from app.people.models import KEY_ROLE, Caller, Role
from app.posts import service as posts
from app.posts.models import PostCreate
from app.teams import service as teams
from app.teams.exceptions import TeamNotFound

DEMO_TEAM = "demo"
DEMO_OWNER = "demo@example.com"


@dataclass(frozen=True)
class DemoSeed:
    key: str
    # The owner's password, when the owner was created by this seed.
    owner_password: str | None = None


THREADS: list[tuple[str, str, list[str], list[tuple[str, str]]]] = [
    (
        "Grace",
        "Welcome to the demo team! Reply to this thread to say hello.",
        ["welcome", "announcements"],
        [("Ada", "Hello from Ada."), ("Linus", "Hi all, glad to be here.")],
    ),
    (
        "Ada",
        "Release checklist for v1.2: migrations reviewed, changelog drafted, "
        "staging soak started.",
        ["release", "ops"],
        [("Grace", "Staging soak looks clean after 24 hours.")],
    ),
    (
        "Linus",
        "Proposal: tag incidents with `incident` so they are easy to find later.",
        ["proposal", "ops", "incident"],
        [],
    ),
]


async def is_empty(session: Session) -> bool:
    return (await teams.list_teams(session, PageParams(limit=1, offset=0))).total == 0


async def seed_demo(session: Session) -> DemoSeed:
    """Creates the demo team, its threads and its owner, or only a new key when
    the team exists (keys and passwords cannot be shown again)."""
    try:
        team = await teams.get_team(session, DEMO_TEAM)
    except TeamNotFound:
        team, raw_key = await teams.create_team(session, DEMO_TEAM)
        key = Caller(team.id, team.name, KEY_ROLE)
        for author, content, tags, replies in THREADS:
            thread = await posts.create_post(
                session,
                key,
                PostCreate(author_name=author, content=content, tags=tags),
            )
            for reply_author, reply in replies:
                await posts.create_post(
                    session,
                    key,
                    PostCreate(
                        author_name=reply_author,
                        content=reply,
                        parent_post_id=thread.id,
                    ),
                )
        password = secrets.token_urlsafe(12)
        user = await people.create_user(session, DEMO_OWNER, "Demo Owner", password)
        await people.join(session, team.id, user.id, Role.OWNER)
        return DemoSeed(raw_key, password)
    _, raw_key = await teams.insert_key(session, team.id, "demo")
    return DemoSeed(raw_key)
