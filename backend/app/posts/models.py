from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import AfterValidator, BaseModel, StringConstraints
from sqlalchemy import Column, DateTime, ForeignKey, Index, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from app.core.models import new_id, utcnow
from app.core.pagination import Page
from app.core.schemas import REQUEST, RESPONSE, CleanStr, Tag

MAX_TAGS = 10


def _unique(tags: list[str]) -> list[str]:
    return list(dict.fromkeys(tags))


Tags = Annotated[list[Tag], AfterValidator(_unique)]


class PostBase(SQLModel):
    content: str = Field(max_length=10_000)
    parent_post_id: UUID | None = Field(
        default=None, description="The post this one replies to"
    )


class Post(PostBase, table=True):
    __table_args__ = (
        # The list: one team's live posts, newest first.
        Index(
            "ix_post_team_id_created_at",
            "team_id",
            text("created_at DESC"),
            text("id DESC"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        # The tag filter: `tags @> '["tag"]'`.
        Index(
            "ix_post_tags",
            "tags",
            postgresql_using="gin",
            postgresql_ops={"tags": "jsonb_path_ops"},
            postgresql_where=text("deleted_at IS NULL"),
        ),
        # A thread's replies, and every post's reply count.
        Index(
            "ix_post_parent_post_id_created_at",
            "parent_post_id",
            "created_at",
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )

    id: UUID = Field(default_factory=new_id, primary_key=True)
    team_id: UUID = Field(
        sa_column=Column(ForeignKey("team.id", ondelete="CASCADE"), nullable=False)
    )
    author_name: str = Field(sa_column=Column(String(100), nullable=False))
    content: str = Field(sa_column=Column(Text, nullable=False))
    tags: list[str] = Field(
        default_factory=list,
        sa_column=Column(JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    )
    parent_post_id: UUID | None = Field(
        default=None,
        sa_column=Column(ForeignKey("post.id", ondelete="CASCADE"), nullable=True),
    )
    author_user_id: UUID | None = Field(
        default=None,
        sa_column=Column(
            ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
        ),
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_type=DateTime(timezone=True)
    )
    deleted_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class PostCreate(PostBase):
    model_config = REQUEST

    author_name: (
        Annotated[CleanStr, StringConstraints(min_length=1, max_length=100)] | None
    ) = Field(
        default=None,
        description="Required with a team API key; a person always writes as "
        "their display name",
    )
    content: Annotated[CleanStr, StringConstraints(min_length=1, max_length=10_000)]
    tags: Tags = Field(
        default_factory=list,
        max_length=MAX_TAGS,
        description="Up to 10 tags of 1-32 characters, stored lowercase, once each",
    )


class PostPublic(PostBase):
    model_config = RESPONSE

    id: UUID
    team: str = Field(description="The team's name")
    author_name: str = Field(
        max_length=100, description="The person's display name, or the name a key gave"
    )
    author_user_id: UUID | None = Field(
        description="The author's user id; null for posts made with a team API key"
    )
    tags: list[str]
    reply_count: int = Field(description="Live direct replies")
    created_at: datetime


class PostEnvelope(BaseModel):
    model_config = RESPONSE

    post: PostPublic


class PostPage(Page):
    items_field = "posts"

    posts: list[PostPublic]
