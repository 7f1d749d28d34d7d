from dataclasses import dataclass
from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, StringConstraints
from sqlalchemy import Column, DateTime, ForeignKey, String
from sqlmodel import Field, SQLModel

from app.core.models import new_id, utcnow
from app.core.pagination import Page
from app.core.schemas import REQUEST, RESPONSE, CleanStr

TEAM_NAME_PATTERN = r"^[a-z0-9-]{1,64}$"
TeamName = Annotated[str, StringConstraints(pattern=TEAM_NAME_PATTERN)]
KeyLabel = Annotated[CleanStr, StringConstraints(min_length=1, max_length=64)]


class TeamBase(SQLModel):
    name: str = Field(
        max_length=64,
        unique=True,
        description="Unique slug: 1-64 characters of a-z, 0-9 and -",
    )


class Team(TeamBase, table=True):
    id: UUID = Field(default_factory=new_id, primary_key=True)
    created_at: datetime = Field(
        default_factory=utcnow,
        sa_type=DateTime(timezone=True),
    )


class TeamCreate(SQLModel):
    model_config = REQUEST

    name: TeamName = Field(description="Unique slug: 1-64 characters of a-z, 0-9 and -")


class TeamUpdate(SQLModel):
    model_config = REQUEST

    name: TeamName = Field(description="Unique slug: 1-64 characters of a-z, 0-9 and -")


class TeamPublic(TeamBase):
    model_config = RESPONSE

    id: UUID
    created_at: datetime


class ApiKeyBase(SQLModel):
    name: str = Field(max_length=64, description="A label for people, e.g. 'ci'")


class ApiKey(ApiKeyBase, table=True):
    __tablename__ = "api_key"

    id: UUID = Field(default_factory=new_id, primary_key=True)
    team_id: UUID = Field(
        sa_column=Column(
            ForeignKey("team.id", ondelete="CASCADE"), index=True, nullable=False
        )
    )
    prefix: str = Field(max_length=16)
    key_hash: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow, sa_type=DateTime(timezone=True)
    )
    last_used_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    revoked_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    created_by_user_id: UUID | None = Field(
        default=None,
        sa_column=Column(
            ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
        ),
    )


class ApiKeyCreate(SQLModel):
    model_config = REQUEST

    name: KeyLabel = Field(description="A label for people, e.g. 'ci'")


class ApiKeyPublic(ApiKeyBase):
    model_config = RESPONSE

    id: UUID
    prefix: str = Field(description="The key's first characters, safe to show")
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    created_by_user_id: UUID | None = Field(
        description="Who created the key; null when the operator or sign-up did"
    )


class TeamEnvelope(BaseModel):
    model_config = RESPONSE

    team: TeamPublic


class TeamCreated(BaseModel):
    model_config = RESPONSE

    team: TeamPublic
    api_key: str = Field(description="The team's first API key: shown only once")


class TeamPage(Page):
    items_field = "teams"

    teams: list[TeamPublic]


class ApiKeyCreated(BaseModel):
    model_config = RESPONSE

    api_key: ApiKeyPublic
    key: str = Field(description="The new API key: shown only once")


class ApiKeyList(BaseModel):
    model_config = RESPONSE

    api_keys: list[ApiKeyPublic]


@dataclass(frozen=True, slots=True)
class AuthenticatedKey:
    """The caller, once its team API key is known to be active."""

    id: UUID
    team_id: UUID
    team_name: str
