"""People: accounts, sessions, memberships, invitations and password resets.
The rules live here; the statements are in `repository`."""

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from app.core.config import Settings
from app.core.db import Session
from app.core.models import new_id, utcnow
from app.core.tokens import (
    INVITATION_PREFIX,
    RESET_PREFIX,
    SESSION_PREFIX,
    hash_token,
    new_token,
)
from app.people import repository
from app.people.exceptions import (
    AlreadyMember,
    DisplayNameRequired,
    EmailTaken,
    InvalidCredentials,
    InvitationInvalid,
    InvitationNotFound,
    LastOwner,
    MemberNotFound,
    PasswordTooShort,
    ResetInvalid,
    RoleRequired,
    SessionNotFound,
    WrongPassword,
)
from app.people.models import (
    MIN_PASSWORD,
    Caller,
    InvitationAccept,
    InvitationCreate,
    InvitationCreated,
    InvitationPreview,
    InvitationPublic,
    Me,
    MemberPublic,
    Person,
    Role,
    SessionPublic,
    SignedIn,
    TeamMembership,
    UserPublic,
)
from app.people.passwords import hash_password, verify_password
from app.teams import repository as teams_repository
from app.teams import service as teams
from app.teams.models import TeamPublic

MAX_USER_AGENT = 255


async def create_user(
    session: Session, email: str, display_name: str, password: str
) -> UserPublic:
    values = {
        "id": new_id(),
        "email": email,
        "display_name": display_name,
        "password_hash": await hash_password(password),
        "created_at": utcnow(),
    }
    row = await session.one_or_none(repository.INSERT_USER, values)
    if row is None:
        raise EmailTaken(details={"email": email})
    return repository.USER.load(row)


async def join(session: Session, team_id: UUID, user_id: UUID, role: Role) -> None:
    params = {"team_id": team_id, "user_id": user_id, "role": role}
    await session.execute(
        repository.INSERT_MEMBERSHIP, params | {"created_at": utcnow()}
    )


async def create_owner(
    session: Session, email: str, display_name: str, password: str, team: str
) -> tuple[UserPublic, TeamPublic]:
    """A new account owning `team`, which is created when it does not exist."""
    user = await create_user(session, email, display_name, password)
    row = await session.one_or_none(teams_repository.TEAM_BY_NAME, {"team_name": team})
    found = (
        teams_repository.TEAM.load(row)
        if row is not None
        else await teams.insert_team(session, team)
    )
    await join(session, found.id, user.id, Role.OWNER)
    return user, found


async def start_session(
    session: Session, settings: Settings, user_id: UUID, user_agent: str | None
) -> tuple[str, datetime]:
    """A new session: a fresh token at every sign-in, never a reused one."""
    token, token_hash = new_token(SESSION_PREFIX)
    now = utcnow()
    expires_at = now + timedelta(days=settings.session_max_days)
    values = {
        "id": new_id(),
        "user_id": user_id,
        "token_hash": token_hash,
        "user_agent": user_agent[:MAX_USER_AGENT] if user_agent else None,
        "created_at": now,
        "last_seen_at": now,
        "expires_at": expires_at,
    }
    await session.execute(repository.INSERT_SESSION, values)
    return token, expires_at


async def _signed_in(
    session: Session, settings: Settings, user_id: UUID, user_agent: str | None
) -> SignedIn:
    token, expires_at = await start_session(session, settings, user_id, user_agent)
    row = await session.one_or_none(
        repository.SIGNED_IN, {"user_id": user_id, "now": utcnow()}
    )
    assert row is not None, "a user signing in exists"
    return SignedIn(token=token, expires_at=expires_at, user=repository.USER.load(row))


async def _check_password(session: Session, email: str, password: str) -> Any:
    """The active account's row, or InvalidCredentials: one answer, and one
    hash's time, whether the email is unknown, the password wrong or the
    account disabled."""
    row = await session.one_or_none(repository.USER_BY_EMAIL, {"email": email})
    matches = await verify_password(password, row["password_hash"] if row else None)
    if row is None or not matches or row["disabled"]:
        raise InvalidCredentials()
    return row


async def sign_in(
    session: Session,
    settings: Settings,
    email: str,
    password: str,
    user_agent: str | None,
) -> SignedIn:
    row = await _check_password(session, email, password)
    return await _signed_in(session, settings, row["id"], user_agent)


async def sign_up(
    session: Session,
    settings: Settings,
    email: str,
    display_name: str,
    password: str,
    team: str,
    user_agent: str | None,
) -> SignedIn:
    """A new account and a new team it owns."""
    user = await create_user(session, email, display_name, password)
    created = await teams.insert_team(session, team)
    await join(session, created.id, user.id, Role.OWNER)
    return await _signed_in(session, settings, user.id, user_agent)


async def account(session: Session, user_id: UUID) -> Me:
    row = await session.one_or_none(repository.USER_BY_ID, {"user_id": user_id})
    assert row is not None, "the account exists"
    rows = await session.all(repository.MEMBERSHIPS, {"user_id": user_id})
    memberships = [
        TeamMembership(team=teams_repository.TEAM.load(row), role=Role(row["role"]))
        for row in rows
    ]
    return Me(user=repository.USER.load(row), memberships=memberships)


async def me(session: Session, person: Person) -> Me:
    return await account(session, person.user_id)


async def rename(session: Session, person: Person, display_name: str) -> UserPublic:
    params = {"user_id": person.user_id, "new_name": display_name}
    row = await session.one_or_none(repository.RENAME_USER, params)
    assert row is not None, "a signed-in person's account exists"
    return repository.USER.load(row)


async def _set_password(
    session: Session, user_id: UUID, password: str, kept_session: UUID | None
) -> None:
    """The new password, and every session but `kept_session` revoked."""
    params = {"user_id": user_id, "new_hash": await hash_password(password)}
    await session.execute(repository.SET_PASSWORD, params)
    await session.execute(
        repository.REVOKE_OTHER_SESSIONS,
        {"owner_id": user_id, "kept_id": kept_session, "now": utcnow()},
    )


async def change_password(
    session: Session, person: Person, current: str, new: str
) -> None:
    row = await session.one_or_none(repository.USER_BY_ID, {"user_id": person.user_id})
    if row is None or not await verify_password(current, row["password_hash"]):
        raise WrongPassword()
    await _set_password(session, person.user_id, new, person.session_id)


async def list_sessions(
    session: Session, settings: Settings, person: Person
) -> list[SessionPublic]:
    rows = await session.all(
        repository.USER_SESSIONS,
        {
            "user_id": person.user_id,
            "idle_seconds": timedelta(
                hours=settings.session_idle_hours
            ).total_seconds(),
        },
    )
    return [
        SessionPublic(**dict(row), current=row["id"] == person.session_id)
        for row in rows
    ]


async def revoke_session(session: Session, person: Person, session_id: UUID) -> None:
    params = {"session_id": session_id, "owner_id": person.user_id, "now": utcnow()}
    if await session.scalar(repository.REVOKE_SESSION, params) is None:
        raise SessionNotFound(details={"session_id": str(session_id)})


async def revoke_all_sessions(session: Session, person: Person) -> None:
    """Signs out everywhere, this session included."""
    params = {"owner_id": person.user_id, "kept_id": None, "now": utcnow()}
    await session.execute(repository.REVOKE_OTHER_SESSIONS, params)


async def request_password_reset(
    session: Session, settings: Settings, email: str
) -> str | None:
    """A reset token for an active account's email; None for any other, and the
    caller answers the same either way."""
    row = await session.one_or_none(repository.USER_BY_EMAIL, {"email": email})
    if row is None or row["disabled"]:
        return None
    token, token_hash = new_token(RESET_PREFIX)
    now = utcnow()
    values = {
        "id": new_id(),
        "user_id": row["id"],
        "token_hash": token_hash,
        "created_at": now,
        "expires_at": now + timedelta(minutes=settings.password_reset_minutes),
    }
    await session.execute(repository.INSERT_RESET, values)
    return token


async def reset_password(session: Session, token: str, password: str) -> None:
    """Single use; the new password signs every session out."""
    params = {"token_hash": hash_token(token), "now": utcnow()}
    user_id = await session.scalar(repository.USE_RESET, params)
    if user_id is None:
        raise ResetInvalid()
    await _set_password(session, user_id, password, None)


async def list_members(session: Session, caller: Caller) -> list[MemberPublic]:
    rows = await session.all(repository.MEMBERS, {"owner_team_id": caller.team_id})
    return [MemberPublic(**dict(row)) for row in rows]


async def _locked_roles(session: Session, team_id: UUID) -> dict[UUID, Role]:
    rows = await session.all(repository.LOCK_MEMBERS, {"owner_team_id": team_id})
    return {row["user_id"]: Role(row["role"]) for row in rows}


def _owners(roles: dict[UUID, Role]) -> int:
    return sum(role is Role.OWNER for role in roles.values())


async def set_role(
    session: Session, caller: Caller, member_id: UUID, role: Role
) -> list[MemberPublic]:
    roles = await _locked_roles(session, caller.team_id)
    current = roles.get(member_id)
    if current is None:
        raise MemberNotFound(details={"user_id": str(member_id)})
    if current is Role.OWNER and role is not Role.OWNER and _owners(roles) == 1:
        raise LastOwner()
    params = {"owner_team_id": caller.team_id, "member_id": member_id}
    await session.execute(repository.SET_ROLE, params | {"new_role": role})
    return await list_members(session, caller)


async def remove_member(session: Session, caller: Caller, member_id: UUID) -> None:
    """An admin removes members and admins, an owner anyone; anyone may leave."""
    roles = await _locked_roles(session, caller.team_id)
    current = roles.get(member_id)
    if current is None:
        raise MemberNotFound(details={"user_id": str(member_id)})
    if member_id != caller.user_id:
        needed = Role.OWNER if current is Role.OWNER else Role.ADMIN
        if not caller.role.covers(needed):
            raise RoleRequired(details={"needed": needed.value})
    if current is Role.OWNER and _owners(roles) == 1:
        raise LastOwner()
    params = {"owner_team_id": caller.team_id, "member_id": member_id}
    await session.execute(repository.REMOVE_MEMBER, params)


async def invite(
    session: Session, settings: Settings, caller: Caller, body: InvitationCreate
) -> InvitationCreated:
    if not caller.role.covers(body.role):
        raise RoleRequired(
            f"Only an {body.role} can invite an {body.role}",
            details={"needed": body.role.value},
        )
    member = {"owner_team_id": caller.team_id, "email": body.email}
    if await session.scalar(repository.MEMBER_BY_EMAIL, member) is not None:
        raise AlreadyMember(details={"email": body.email})
    token, token_hash = new_token(INVITATION_PREFIX)
    now = utcnow()
    values = {
        "id": new_id(),
        "team_id": caller.team_id,
        "email": body.email,
        "role": body.role,
        "token_hash": token_hash,
        "invited_by_user_id": caller.user_id,
        "created_at": now,
        "expires_at": now + timedelta(days=settings.invitation_days),
    }
    row = await session.one_or_none(repository.INSERT_INVITATION, values)
    assert row is not None, "an INSERT without a condition returns its row"
    return InvitationCreated(invitation=repository.INVITATION.load(row), token=token)


async def list_invitations(session: Session, caller: Caller) -> list[InvitationPublic]:
    rows = await session.all(
        repository.PENDING_INVITATIONS,
        {"owner_team_id": caller.team_id, "now": utcnow()},
    )
    return [repository.INVITATION.load(row) for row in rows]


async def revoke_invitation(
    session: Session, caller: Caller, invitation_id: UUID
) -> None:
    params = {
        "invitation_id": invitation_id,
        "owner_team_id": caller.team_id,
        "now": utcnow(),
    }
    if await session.scalar(repository.REVOKE_INVITATION, params) is None:
        raise InvitationNotFound(details={"invitation_id": str(invitation_id)})


async def _pending_invitation(session: Session, token: str) -> Any:
    params = {"token_hash": hash_token(token), "now": utcnow()}
    row = await session.one_or_none(repository.INVITATION_BY_TOKEN, params)
    if row is None:
        raise InvitationInvalid()
    return row


async def preview_invitation(session: Session, token: str) -> InvitationPreview:
    row = await _pending_invitation(session, token)
    return InvitationPreview(
        team=row["team"],
        email=row["email"],
        role=Role(row["role"]),
        expires_at=row["expires_at"],
        account_exists=row["user_id"] is not None,
    )


async def accept_invitation(
    session: Session,
    settings: Settings,
    body: InvitationAccept,
    user_agent: str | None,
) -> SignedIn:
    """Joins the team, signed in: with the existing account's password, or as
    a new account for the invited email."""
    row = await _pending_invitation(session, body.token)
    if row["user_id"] is not None:
        user_id = (await _check_password(session, row["email"], body.password))["id"]
    else:
        if body.display_name is None:
            raise DisplayNameRequired(details={"field": "display_name"})
        if len(body.password) < MIN_PASSWORD:
            raise PasswordTooShort(details={"field": "password"})
        user = await create_user(
            session, row["email"], body.display_name, body.password
        )
        user_id = user.id
    accepted = await session.scalar(
        repository.ACCEPT_INVITATION, {"invitation_id": row["id"], "now": utcnow()}
    )
    if accepted is None:
        raise InvitationInvalid()
    await join(session, row["team_id"], user_id, Role(row["role"]))
    return await _signed_in(session, settings, user_id, user_agent)
