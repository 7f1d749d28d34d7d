"""audit retries

How many times a team re-armed an audit through the retry endpoint, so that a
failing audit cannot be retried (and paid for) without end.

Revision ID: 3f1c8a6b9d20
Revises: 9d4b7e21c3a8
Create Date: 2026-12-06 13:10:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3f1c8a6b9d20"
down_revision: str | None = "9d4b7e21c3a8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "audit",
        sa.Column("retries", sa.Integer(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_column("audit", "retries")
