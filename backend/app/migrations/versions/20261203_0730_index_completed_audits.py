"""index completed audits

The usage report reads a team's completed audits by the time they completed.

Revision ID: 3b8f0c2d7e41
Revises: 7c1e2d9a4b60
Create Date: 2026-12-03 07:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3b8f0c2d7e41"
down_revision: str | None = "7c1e2d9a4b60"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_audit_team_id_completed_at",
        "audit",
        ["team_id", "completed_at"],
        postgresql_where=sa.text("status = 'completed'"),
    )


def downgrade() -> None:
    op.drop_index("ix_audit_team_id_completed_at", table_name="audit")
