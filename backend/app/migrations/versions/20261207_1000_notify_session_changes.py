"""notify session changes

Processes cache people's sessions as they cache keys; these triggers send the same
`auth_changed` notification whenever what a cached session stands for changes: the
session is revoked or ends, its person is disabled or renamed, or a membership is
granted, changed or removed. Writing a session's `last_seen_at` sends nothing.

Revision ID: 5a2d7f3c1e84
Revises: 3f1c8a6b9d20
Create Date: 2026-12-07 10:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "5a2d7f3c1e84"
down_revision: str | None = "3f1c8a6b9d20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The notifying function is the one the key and team triggers use.
_TRIGGERS = {
    "user_session": "UPDATE OF revoked_at, expires_at, token_hash, user_id OR DELETE",
    "user_account": "UPDATE OF disabled, email, display_name OR DELETE",
    "membership": "INSERT OR UPDATE OR DELETE",
}


def upgrade() -> None:
    for table, events in _TRIGGERS.items():
        op.execute(f"""
            CREATE TRIGGER {table}_auth_changed
            AFTER {events} ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION notify_auth_changed()
        """)


def downgrade() -> None:
    for table in _TRIGGERS:
        op.execute(f"DROP TRIGGER {table}_auth_changed ON {table}")
