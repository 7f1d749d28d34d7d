from datetime import datetime
from uuid import UUID

from sqlalchemy import DateTime
from sqlmodel import Field, SQLModel

from app.core.models import new_id, utcnow


class TeamBase(SQLModel):
    name: str = Field(max_length=64, unique=True)


class Team(TeamBase, table=True):
    id: UUID = Field(default_factory=new_id, primary_key=True)
    created_at: datetime = Field(
        default_factory=utcnow,
        sa_type=DateTime(timezone=True),
    )
