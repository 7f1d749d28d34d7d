"""people

Users, their memberships of teams with a role, their sessions, invitations and
password resets; and who wrote each post, asked for and reviewed each audit, and
created each key.

Revision ID: 74636d2a4b24
Revises: 5e7b3c9d2a14
Create Date: 2026-12-03 11:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "74636d2a4b24"
down_revision: str | None = "5e7b3c9d2a14"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "user_account",
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column(
            "disabled", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_sign_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
    )
    op.create_index("uq_user_account_email", "user_account", ["email"], unique=True)
    op.create_table(
        "invitation",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("invited_by_user_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "role IN ('member', 'admin', 'owner')", name=op.f("ck_invitation_role")
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_invitation_invited_by_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["team.id"],
            name=op.f("fk_invitation_team_id_team"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitation")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invitation_token_hash")),
    )
    op.create_index("ix_invitation_team_id", "invitation", ["team_id"], unique=False)
    op.create_table(
        "membership",
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role IN ('member', 'admin', 'owner')", name=op.f("ck_membership_role")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["team.id"],
            name=op.f("fk_membership_team_id_team"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_membership_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("team_id", "user_id", name=op.f("pk_membership")),
    )
    op.create_index("ix_membership_user_id", "membership", ["user_id"], unique=False)
    op.create_table(
        "password_reset",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_password_reset_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_reset")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_password_reset_token_hash")),
    )
    op.create_index(
        "ix_password_reset_user_id", "password_reset", ["user_id"], unique=False
    )
    op.create_table(
        "user_session",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_agent", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_user_session_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_session_token_hash")),
    )
    op.create_index(
        "ix_user_session_user_id", "user_session", ["user_id"], unique=False
    )
    op.add_column("api_key", sa.Column("created_by_user_id", sa.Uuid(), nullable=True))
    op.create_foreign_key(
        op.f("fk_api_key_created_by_user_id_user_account"),
        "api_key",
        "user_account",
        ["created_by_user_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.add_column("audit", sa.Column("requested_by_user_id", sa.Uuid(), nullable=True))
    op.add_column("audit", sa.Column("reviewed_by_user_id", sa.Uuid(), nullable=True))
    op.create_foreign_key(
        op.f("fk_audit_requested_by_user_id_user_account"),
        "audit",
        "user_account",
        ["requested_by_user_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.create_foreign_key(
        op.f("fk_audit_reviewed_by_user_id_user_account"),
        "audit",
        "user_account",
        ["reviewed_by_user_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.add_column("post", sa.Column("author_user_id", sa.Uuid(), nullable=True))
    op.create_foreign_key(
        op.f("fk_post_author_user_id_user_account"),
        "post",
        "user_account",
        ["author_user_id"],
        ["id"],
        ondelete="SET NULL",
    )


def downgrade() -> None:
    op.drop_constraint(
        op.f("fk_post_author_user_id_user_account"), "post", type_="foreignkey"
    )
    op.drop_column("post", "author_user_id")
    op.drop_constraint(
        op.f("fk_audit_reviewed_by_user_id_user_account"), "audit", type_="foreignkey"
    )
    op.drop_constraint(
        op.f("fk_audit_requested_by_user_id_user_account"), "audit", type_="foreignkey"
    )
    op.drop_column("audit", "reviewed_by_user_id")
    op.drop_column("audit", "requested_by_user_id")
    op.drop_constraint(
        op.f("fk_api_key_created_by_user_id_user_account"),
        "api_key",
        type_="foreignkey",
    )
    op.drop_column("api_key", "created_by_user_id")
    op.drop_index("ix_user_session_user_id", table_name="user_session")
    op.drop_table("user_session")
    op.drop_index("ix_password_reset_user_id", table_name="password_reset")
    op.drop_table("password_reset")
    op.drop_index("ix_membership_user_id", table_name="membership")
    op.drop_table("membership")
    op.drop_index("ix_invitation_team_id", table_name="invitation")
    op.drop_table("invitation")
    op.drop_index("uq_user_account_email", table_name="user_account")
    op.drop_table("user_account")
