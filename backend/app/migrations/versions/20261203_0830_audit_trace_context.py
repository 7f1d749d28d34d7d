"""audit trace context

The W3C trace context of the request that queued an audit, so the worker's span
links back to it.

Revision ID: 5e7b3c9d2a14
Revises: 9d2a6e5f1c83
Create Date: 2026-12-03 08:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "5e7b3c9d2a14"
down_revision: str | None = "9d2a6e5f1c83"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "audit",
        sa.Column("trace_context", postgresql.JSONB(), nullable=True),
    )


def downgrade() -> None:
    op.drop_column("audit", "trace_context")
