from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import AfterValidator, BaseModel, StringConstraints
from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    String,
    text,
)
from sqlmodel import Field, SQLModel

from app.core.models import new_id, one_of, utcnow
from app.core.schemas import REQUEST, RESPONSE, storable_text
from app.teams.models import TeamName, TeamPublic

MIN_PASSWORD = 10
# Argon2 hashes any length, but a long password would be a cheap way to burn CPU.
MAX_PASSWORD = 256


class Role(StrEnum):
    """Each role can do all that the ones below it can."""

    MEMBER = "member"
    ADMIN = "admin"
    OWNER = "owner"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    def covers(self, needed: "Role") -> bool:
        return self.rank >= needed.rank


_RANKS = {Role.MEMBER: 0, Role.ADMIN: 1, Role.OWNER: 2}
# A team key acts for the whole team as an admin of its content (it may delete
# any post, as keys always could), never in the place of a person.
KEY_ROLE = Role.ADMIN


def _time(*, nullable: bool = False) -> Column[datetime]:
    return Column(DateTime(timezone=True), nullable=nullable)


def _lower(value: str) -> str:
    return value.lower()


# Compared case-insensitively: stored and looked up in lowercase. Only its shape
# is checked here; the invitation or reset mail proves that it works. Spaces and
# control characters are spelled out as ranges: `\s` means different characters
# to different regex engines (the API's, the generated client's, test tools').
EMAIL_PATTERN = r"^[^@\x00-\x20\x7f-\x9f]+@[^@\x00-\x20\x7f-\x9f]+$"
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=254, pattern=EMAIL_PATTERN),
    AfterValidator(_lower),
]
# In the schema as well as in `storable_text`, so clients and the contract's
# fuzzer know that a NUL is refused.
NO_NUL = r"^[^\x00]*$"
Password = Annotated[
    str,
    StringConstraints(min_length=MIN_PASSWORD, max_length=MAX_PASSWORD, pattern=NO_NUL),
    AfterValidator(storable_text),
]
DisplayName = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=100, pattern=NO_NUL
    ),
    AfterValidator(storable_text),
]


class UserBase(SQLModel):
    email: str = Field(max_length=254, description="Unique, lowercase")
    display_name: str = Field(
        max_length=100, description="Shown as the author of what the user writes"
    )


class User(UserBase, table=True):
    __tablename__ = "user_account"
    __table_args__ = (Index("uq_user_account_email", "email", unique=True),)

    id: UUID = Field(default_factory=new_id, primary_key=True)
    password_hash: str = Field(sa_column=Column(String(255), nullable=False))
    disabled: bool = Field(
        default=False,
        sa_column=Column(Boolean, nullable=False, server_default=text("false")),
    )
    created_at: datetime = Field(default_factory=utcnow, sa_column=_time())
    last_sign_in_at: datetime | None = Field(
        default=None, sa_column=_time(nullable=True)
    )


class UserCreate(SQLModel):
    model_config = REQUEST

    email: Email
    display_name: DisplayName
    password: Password = Field(description="10-256 characters")


class UserUpdate(SQLModel):
    model_config = REQUEST

    display_name: DisplayName


class UserPublic(UserBase):
    model_config = RESPONSE

    id: UUID
    created_at: datetime
    last_sign_in_at: datetime | None


class Membership(SQLModel, table=True):
    __table_args__ = (
        one_of("role", Role),
        # A user's teams, for the team switcher.
        Index("ix_membership_user_id", "user_id"),
    )

    team_id: UUID = Field(
        sa_column=Column(
            ForeignKey("team.id", ondelete="CASCADE"), primary_key=True, nullable=False
        )
    )
    user_id: UUID = Field(
        sa_column=Column(
            ForeignKey("user_account.id", ondelete="CASCADE"),
            primary_key=True,
            nullable=False,
        )
    )
    role: Role = Field(sa_column=Column(String(16), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_time())


class MemberPublic(BaseModel):
    model_config = RESPONSE

    user_id: UUID
    email: str
    display_name: str
    role: Role
    joined_at: datetime


class MemberList(BaseModel):
    model_config = RESPONSE

    members: list[MemberPublic]


class MemberUpdate(SQLModel):
    model_config = REQUEST

    role: Role


class TeamMembership(BaseModel):
    model_config = RESPONSE

    team: TeamPublic
    role: Role


class Me(BaseModel):
    model_config = RESPONSE

    user: UserPublic
    memberships: list[TeamMembership] = Field(description="Oldest first")


class UserSession(SQLModel, table=True):
    __tablename__ = "user_session"
    __table_args__ = (Index("ix_user_session_user_id", "user_id"),)

    id: UUID = Field(default_factory=new_id, primary_key=True)
    user_id: UUID = Field(
        sa_column=Column(
            ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False
        )
    )
    token_hash: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    user_agent: str | None = Field(default=None, max_length=255)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_time())
    last_seen_at: datetime = Field(default_factory=utcnow, sa_column=_time())
    expires_at: datetime = Field(sa_column=_time())
    revoked_at: datetime | None = Field(default=None, sa_column=_time(nullable=True))


class SessionPublic(BaseModel):
    model_config = RESPONSE

    id: UUID
    user_agent: str | None = Field(description="The browser or client that signed in")
    created_at: datetime
    last_seen_at: datetime = Field(description="Within a minute")
    expires_at: datetime = Field(description="The absolute expiry")
    current: bool = Field(description="Whether this is the session asking")


class SessionList(BaseModel):
    model_config = RESPONSE

    sessions: list[SessionPublic]


class SignIn(SQLModel):
    model_config = REQUEST

    email: Email
    # No length rule here: a sign-in with a short password is just a wrong one.
    password: Annotated[str, StringConstraints(max_length=MAX_PASSWORD)]


class SignUp(UserCreate):
    team: TeamName = Field(description="The new team's slug; you become its owner")


class SignedIn(BaseModel):
    model_config = RESPONSE

    token: str = Field(description="The session token (`ls_...`): shown only once")
    expires_at: datetime = Field(description="The absolute expiry")
    user: UserPublic


class PasswordChange(SQLModel):
    model_config = REQUEST

    current_password: Annotated[str, StringConstraints(max_length=MAX_PASSWORD)]
    new_password: Password


class Invitation(SQLModel, table=True):
    __table_args__ = (
        one_of("role", Role),
        Index("ix_invitation_team_id", "team_id"),
    )

    id: UUID = Field(default_factory=new_id, primary_key=True)
    team_id: UUID = Field(
        sa_column=Column(ForeignKey("team.id", ondelete="CASCADE"), nullable=False)
    )
    email: str = Field(max_length=254)
    role: Role = Field(sa_column=Column(String(16), nullable=False))
    token_hash: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    invited_by_user_id: UUID | None = Field(
        default=None,
        sa_column=Column(
            ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
        ),
    )
    created_at: datetime = Field(default_factory=utcnow, sa_column=_time())
    expires_at: datetime = Field(sa_column=_time())
    accepted_at: datetime | None = Field(default=None, sa_column=_time(nullable=True))
    revoked_at: datetime | None = Field(default=None, sa_column=_time(nullable=True))


class InvitationCreate(SQLModel):
    model_config = REQUEST

    email: Email
    role: Role = Role.MEMBER


class InvitationPublic(BaseModel):
    model_config = RESPONSE

    id: UUID
    email: str
    role: Role
    created_at: datetime
    expires_at: datetime


class InvitationCreated(BaseModel):
    model_config = RESPONSE

    invitation: InvitationPublic
    token: str = Field(
        description="The invitation's secret (`li_...`), for the link: shown only once"
    )


class InvitationList(BaseModel):
    model_config = RESPONSE

    invitations: list[InvitationPublic] = Field(description="Pending, oldest first")


class InvitationToken(SQLModel):
    model_config = REQUEST

    token: Annotated[str, StringConstraints(min_length=1, max_length=128)]


class InvitationPreview(BaseModel):
    model_config = RESPONSE

    team: str
    email: str
    role: Role
    expires_at: datetime
    account_exists: bool = Field(
        description="Accepting then takes that account's password, not a new one"
    )


class InvitationAccept(InvitationToken):
    password: Annotated[str, StringConstraints(max_length=MAX_PASSWORD)] = Field(
        description="The existing account's password, or the new account's"
    )
    display_name: DisplayName | None = Field(
        default=None, description="Required when the account is new"
    )


class PasswordReset(SQLModel, table=True):
    __tablename__ = "password_reset"
    __table_args__ = (Index("ix_password_reset_user_id", "user_id"),)

    id: UUID = Field(default_factory=new_id, primary_key=True)
    user_id: UUID = Field(
        sa_column=Column(
            ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False
        )
    )
    token_hash: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_time())
    expires_at: datetime = Field(sa_column=_time())
    used_at: datetime | None = Field(default=None, sa_column=_time(nullable=True))


class PasswordResetRequest(SQLModel):
    model_config = REQUEST

    email: Email


class PasswordResetConfirm(SQLModel):
    model_config = REQUEST

    token: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    password: Password


class AdminUserCreate(UserCreate):
    owner_of: TeamName | None = Field(
        default=None, description="A team (created if missing) the user will own"
    )


@dataclass(frozen=True, slots=True)
class Person:
    """A signed-in user, behind a session token."""

    user_id: UUID
    email: str
    display_name: str
    session_id: UUID


@dataclass(frozen=True, slots=True)
class Caller:
    """Who acts on a team's route: a member through their session, a team API
    key, or the operator; with the role it acts with."""

    team_id: UUID
    team_name: str
    role: Role
    person: Person | None = None
    key_id: UUID | None = None

    @property
    def user_id(self) -> UUID | None:
        return self.person.user_id if self.person else None
