from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Self
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    StringConstraints,
    model_validator,
)
from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from app.ai.schemas import AuditFindings, TokenUsage
from app.core.models import new_id, one_of
from app.core.pagination import Page
from app.core.schemas import REQUEST, RESPONSE, CleanStr, storable_text

MAX_AUDIT_CONTENT = 20_000
MAX_REVIEW_NOTE = 2_000


class AuditStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


class ReviewStatus(StrEnum):
    UNREVIEWED = "unreviewed"
    ACCEPTED = "accepted"
    DISMISSED = "dismissed"


def _database_time() -> Any:
    # The database's clock, the one the queue compares against on every host.
    return Column(DateTime(timezone=True), nullable=False, server_default=func.now())


def _enum_column(default: StrEnum) -> Any:
    return Column(String(16), nullable=False, server_default=default.value)


class AuditBase(SQLModel):
    post_id: UUID | None = Field(default=None, description="The audited post")
    include_replies: bool = Field(
        default=False,
        description="Whether the post's direct replies are reviewed: the oldest "
        "first, at most 100, and only as many as keep the reviewed document (post "
        "and replies as JSON) within AUDIT_MAX_PROMPT_CHARS (default 100,000 "
        "characters); the document then tells the model how many were left out "
        "(replies_omitted). The post itself is always reviewed whole.",
    )


class Audit(AuditBase, table=True):
    __table_args__ = (
        one_of("status", AuditStatus),
        one_of("review_status", ReviewStatus),
        CheckConstraint(
            "(post_id IS NULL) <> (content IS NULL)", name="post_id_or_content"
        ),
        # The list, newest first, and each of its filters.
        Index(
            "ix_audit_team_id_created_at",
            "team_id",
            text("created_at DESC"),
            text("id DESC"),
        ),
        Index(
            "ix_audit_team_id_status_created_at",
            "team_id",
            "status",
            text("created_at DESC"),
            text("id DESC"),
        ),
        Index(
            "ix_audit_team_id_review_status_created_at",
            "team_id",
            "review_status",
            text("created_at DESC"),
            text("id DESC"),
        ),
        Index(
            "ix_audit_post_id_created_at",
            "post_id",
            text("created_at DESC"),
            text("id DESC"),
            postgresql_where=text("post_id IS NOT NULL"),
        ),
        # A live stream's resume: a team's audits changed since an event.
        Index("ix_audit_team_id_updated_at", "team_id", "updated_at"),
        # A team's usage report: its completed audits by completion time.
        Index(
            "ix_audit_team_id_completed_at",
            "team_id",
            "completed_at",
            postgresql_where=text("status = 'completed'"),
        ),
        # The queue: due pending audits, and running ones whose lease may expire.
        Index(
            "ix_audit_run_after",
            "run_after",
            postgresql_where=text("status = 'pending'"),
        ),
        Index(
            "ix_audit_lease_expires_at",
            "lease_expires_at",
            postgresql_where=text("status = 'running'"),
        ),
        Index(
            "uq_audit_team_id_idempotency_key",
            "team_id",
            "idempotency_key",
            unique=True,
            postgresql_where=text("idempotency_key IS NOT NULL"),
        ),
    )

    id: UUID = Field(default_factory=new_id, primary_key=True)
    team_id: UUID = Field(
        sa_column=Column(ForeignKey("team.id", ondelete="CASCADE"), nullable=False)
    )
    post_id: UUID | None = Field(
        default=None,
        sa_column=Column(ForeignKey("post.id", ondelete="CASCADE"), nullable=True),
    )
    content: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    status: AuditStatus = Field(
        default=AuditStatus.PENDING,
        sa_column=_enum_column(AuditStatus.PENDING),
    )
    details: dict[str, Any] | None = Field(
        default=None, sa_column=Column(JSONB, nullable=True)
    )
    error: dict[str, Any] | None = Field(
        default=None, sa_column=Column(JSONB, nullable=True)
    )
    attempts: int = Field(
        default=0, sa_column=Column(Integer, nullable=False, server_default="0")
    )
    # Re-armed by the retry endpoint this many times (capped by AUDIT_MAX_RETRIES).
    retries: int = Field(
        default=0, sa_column=Column(Integer, nullable=False, server_default="0")
    )
    run_after: datetime | None = Field(default=None, sa_column=_database_time())
    lease_token: UUID | None = Field(default=None)
    lease_expires_at: datetime | None = Field(
        default=None, sa_type=DateTime(timezone=True)
    )
    idempotency_key: str | None = Field(
        default=None, sa_column=Column(String(255), nullable=True)
    )
    request_hash: str | None = Field(
        default=None, sa_column=Column(String(64), nullable=True)
    )
    review_status: ReviewStatus = Field(
        default=ReviewStatus.UNREVIEWED,
        sa_column=_enum_column(ReviewStatus.UNREVIEWED),
    )
    review_note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # Who asked for the review and who reviewed it, when a person did.
    requested_by_user_id: UUID | None = Field(
        default=None,
        sa_column=Column(
            ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
        ),
    )
    reviewed_by_user_id: UUID | None = Field(
        default=None,
        sa_column=Column(
            ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
        ),
    )
    # The queuing request's W3C trace context (traceparent, tracestate), when
    # tracing is on: the worker's span links back to it.
    trace_context: dict[str, str] | None = Field(
        default=None, sa_column=Column(JSONB, nullable=True)
    )
    created_at: datetime | None = Field(default=None, sa_column=_database_time())
    updated_at: datetime | None = Field(default=None, sa_column=_database_time())
    completed_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


# Stripped before the length is checked, so blank text is refused, not stored empty.
AuditText = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=MAX_AUDIT_CONTENT
    ),
    AfterValidator(storable_text),
]


class AuditCreate(AuditBase):
    """What to review: exactly one of post_id and content; include_replies goes
    with post_id only."""

    model_config = REQUEST

    content: AuditText | None = Field(
        default=None, description="Text to review, when no post_id is given"
    )

    @model_validator(mode="after")
    def _one_subject(self) -> Self:
        if (self.post_id is None) == (self.content is None):
            raise ValueError("send exactly one of post_id and content")
        if self.include_replies and self.post_id is None:
            raise ValueError("include_replies applies to post_id only")
        return self


def _review_schema(schema: dict[str, Any]) -> None:
    # Either field may be left out, but an update changes something and a review
    # status is never null: the document (and the client made from it) says so.
    schema["minProperties"] = 1
    status = schema["properties"]["review_status"]
    status["anyOf"] = [s for s in status["anyOf"] if s.get("type") != "null"]
    status.pop("default", None)


class AuditUpdate(SQLModel):
    """A person's review of the findings; the findings themselves never change."""

    model_config = REQUEST | {"json_schema_extra": _review_schema}

    review_status: ReviewStatus | None = Field(
        default=None, description="accepted, dismissed, or back to unreviewed"
    )
    review_note: (
        Annotated[CleanStr, StringConstraints(max_length=MAX_REVIEW_NOTE)] | None
    ) = Field(default=None, description="Free text; null clears it")

    @model_validator(mode="after")
    def _something_to_change(self) -> Self:
        if not self.model_fields_set:
            raise ValueError("send review_status, review_note or both")
        if "review_status" in self.model_fields_set and self.review_status is None:
            raise ValueError("review_status cannot be null")
        return self


class AuditDetails(AuditFindings):
    """The validated review and how it was made."""

    model_config = ConfigDict(
        extra="ignore", json_schema_serialization_defaults_required=True
    )

    model: str
    prompt_version: str
    usage: TokenUsage | None
    latency_ms: float


class AuditError(BaseModel):
    model_config = RESPONSE

    code: str = Field(description="Stable UPPER_SNAKE code, e.g. MODEL_TIMEOUT")
    message: str


class AuditPublic(AuditBase):
    model_config = RESPONSE

    id: UUID
    team: str = Field(description="The team's name")
    content: str | None = Field(description="The audited text, for text audits")
    status: AuditStatus
    attempts: int = Field(description="Review attempts made so far")
    next_attempt_at: datetime | None = Field(
        description="When a pending audit is next tried"
    )
    details: AuditDetails | None = Field(description="The review, once completed")
    error: AuditError | None = Field(
        description="Why the last attempt failed; final when status is failed"
    )
    review_status: ReviewStatus
    review_note: str | None
    requested_by_user_id: UUID | None = Field(
        description="The person who asked for the audit; null for a team API key"
    )
    reviewed_by_user_id: UUID | None = Field(
        description="The person who last reviewed it; null for a team API key"
    )
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None


class AuditChange(BaseModel):
    """An audit's state as a live stream sends it, whenever it changes."""

    model_config = RESPONSE

    id: UUID
    status: AuditStatus
    attempts: int
    review_status: ReviewStatus
    updated_at: datetime


class AuditEnvelope(BaseModel):
    model_config = RESPONSE

    audit: AuditPublic


class AuditPage(Page):
    items_field = "audits"

    audits: list[AuditPublic]
