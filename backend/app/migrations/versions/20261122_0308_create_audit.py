"""create audit

Revision ID: 4f6341eacca2
Revises: 5aaf89a95b5b
Create Date: 2026-11-22 03:08:39.865933+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "4f6341eacca2"
down_revision: str | None = "5aaf89a95b5b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit",
        sa.Column("include_replies", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column("post_id", sa.Uuid(), nullable=True),
        sa.Column("content", sa.Text(), nullable=True),
        sa.Column(
            "status", sa.String(length=16), server_default="pending", nullable=False
        ),
        sa.Column("details", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("error", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "run_after",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("lease_token", sa.Uuid(), nullable=True),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("idempotency_key", sa.String(length=255), nullable=True),
        sa.Column("request_hash", sa.String(length=64), nullable=True),
        sa.Column(
            "review_status",
            sa.String(length=16),
            server_default="unreviewed",
            nullable=False,
        ),
        sa.Column("review_note", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "review_status IN ('unreviewed', 'accepted', 'dismissed')",
            name=op.f("ck_audit_review_status"),
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'running', 'completed', 'failed')",
            name=op.f("ck_audit_status"),
        ),
        sa.CheckConstraint(
            "(post_id IS NULL) <> (content IS NULL)",
            name=op.f("ck_audit_post_id_or_content"),
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["post.id"],
            name=op.f("fk_audit_post_id_post"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["team.id"],
            name=op.f("fk_audit_team_id_team"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit")),
    )
    op.create_index(
        "ix_audit_lease_expires_at",
        "audit",
        ["lease_expires_at"],
        unique=False,
        postgresql_where=sa.text("status = 'running'"),
    )
    op.create_index(
        "ix_audit_post_id_created_at",
        "audit",
        ["post_id", sa.literal_column("created_at DESC"), sa.literal_column("id DESC")],
        unique=False,
        postgresql_where=sa.text("post_id IS NOT NULL"),
    )
    op.create_index(
        "ix_audit_run_after",
        "audit",
        ["run_after"],
        unique=False,
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_index(
        "ix_audit_team_id_created_at",
        "audit",
        ["team_id", sa.literal_column("created_at DESC"), sa.literal_column("id DESC")],
        unique=False,
    )
    op.create_index(
        "ix_audit_team_id_review_status_created_at",
        "audit",
        [
            "team_id",
            "review_status",
            sa.literal_column("created_at DESC"),
            sa.literal_column("id DESC"),
        ],
        unique=False,
    )
    op.create_index(
        "ix_audit_team_id_status_created_at",
        "audit",
        [
            "team_id",
            "status",
            sa.literal_column("created_at DESC"),
            sa.literal_column("id DESC"),
        ],
        unique=False,
    )
    op.create_index(
        "uq_audit_team_id_idempotency_key",
        "audit",
        ["team_id", "idempotency_key"],
        unique=True,
        postgresql_where=sa.text("idempotency_key IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index(
        "uq_audit_team_id_idempotency_key",
        table_name="audit",
        postgresql_where=sa.text("idempotency_key IS NOT NULL"),
    )
    op.drop_index("ix_audit_team_id_status_created_at", table_name="audit")
    op.drop_index("ix_audit_team_id_review_status_created_at", table_name="audit")
    op.drop_index("ix_audit_team_id_created_at", table_name="audit")
    op.drop_index(
        "ix_audit_run_after",
        table_name="audit",
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.drop_index(
        "ix_audit_post_id_created_at",
        table_name="audit",
        postgresql_where=sa.text("post_id IS NOT NULL"),
    )
    op.drop_index(
        "ix_audit_lease_expires_at",
        table_name="audit",
        postgresql_where=sa.text("status = 'running'"),
    )
    op.drop_table("audit")
