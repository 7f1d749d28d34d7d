"""notify auth changes

Processes cache active API keys; these triggers tell every one of them, through
NOTIFY on `auth_changed`, when a key is revoked or a team changes, whatever made
the change. Statement-level, and PostgreSQL folds equal notifications of one
transaction into one.

Revision ID: 7c1e2d9a4b60
Revises: 4f6341eacca2
Create Date: 2026-12-03 06:10:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "7c1e2d9a4b60"
down_revision: str | None = "4f6341eacca2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("""
        CREATE FUNCTION notify_auth_changed() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('auth_changed', '');
            RETURN NULL;
        END
        $$
    """)
    op.execute("""
        CREATE TRIGGER api_key_auth_changed
        AFTER UPDATE OF revoked_at, key_hash, team_id OR DELETE ON api_key
        FOR EACH STATEMENT EXECUTE FUNCTION notify_auth_changed()
    """)
    op.execute("""
        CREATE TRIGGER team_auth_changed
        AFTER UPDATE OF name OR DELETE ON team
        FOR EACH STATEMENT EXECUTE FUNCTION notify_auth_changed()
    """)


def downgrade() -> None:
    op.execute("DROP TRIGGER team_auth_changed ON team")
    op.execute("DROP TRIGGER api_key_auth_changed ON api_key")
    op.execute("DROP FUNCTION notify_auth_changed()")
