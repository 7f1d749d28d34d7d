"""notify audit changes

Every change of an audit's state, whoever makes it (a request, a worker, the CLI),
is sent on `audit_events` when its transaction commits: each API process holds one
listener and fans the changes out to its team's live streams. The event id is the
change's `updated_at` in microseconds, which a stream resumes from; the index
serves that replay.

Revision ID: 9d2a6e5f1c83
Revises: 3b8f0c2d7e41
Create Date: 2026-12-03 08:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "9d2a6e5f1c83"
down_revision: str | None = "3b8f0c2d7e41"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_audit_team_id_updated_at", "audit", ["team_id", "updated_at"])
    op.execute("""
        CREATE FUNCTION notify_audit_changed() RETURNS trigger
        LANGUAGE plpgsql AS $$
        DECLARE
            changed audit := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
        BEGIN
            PERFORM pg_notify('audit_events', json_build_object(
                'team_id', changed.team_id,
                'id', changed.id,
                'deleted', TG_OP = 'DELETE',
                'status', changed.status,
                'attempts', changed.attempts,
                'review_status', changed.review_status,
                'updated_at', changed.updated_at,
                'event_id', (extract(epoch FROM CASE WHEN TG_OP = 'DELETE'
                    THEN clock_timestamp() ELSE changed.updated_at END) * 1000000
                )::bigint::text
            )::text);
            RETURN NULL;
        END
        $$
    """)
    op.execute("""
        CREATE TRIGGER audit_created_or_deleted
        AFTER INSERT OR DELETE ON audit
        FOR EACH ROW EXECUTE FUNCTION notify_audit_changed()
    """)
    op.execute("""
        CREATE TRIGGER audit_changed
        AFTER UPDATE ON audit
        FOR EACH ROW
        WHEN (
            OLD.status IS DISTINCT FROM NEW.status
            OR OLD.attempts IS DISTINCT FROM NEW.attempts
            OR OLD.review_status IS DISTINCT FROM NEW.review_status
            OR OLD.review_note IS DISTINCT FROM NEW.review_note
        )
        EXECUTE FUNCTION notify_audit_changed()
    """)


def downgrade() -> None:
    op.execute("DROP TRIGGER audit_changed ON audit")
    op.execute("DROP TRIGGER audit_created_or_deleted ON audit")
    op.execute("DROP FUNCTION notify_audit_changed()")
    op.drop_index("ix_audit_team_id_updated_at", table_name="audit")
