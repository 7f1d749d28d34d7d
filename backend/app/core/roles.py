"""The two database roles: the migrations' owner of the schema, and the runtime
role the API and workers connect as, which may read and write the app's rows and
nothing else (no DDL, not a superuser, no BYPASSRLS), so row-level security holds
for every statement they send.

The embedded server gets both at start; any other server gets the runtime role
from the first migration run by a role allowed to create it, or from the
statements in the README."""

OWNER_ROLE = "looped_owner"
RUNTIME_ROLE = "looped_app"

_RUNTIME_ATTRIBUTES = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS"

ENSURE_RUNTIME_ROLE = f"""
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = '{RUNTIME_ROLE}') THEN
        RETURN;
    END IF;
    IF NOT (SELECT rolsuper OR rolcreaterole FROM pg_roles
            WHERE rolname = current_user) THEN
        RAISE EXCEPTION 'the runtime role {RUNTIME_ROLE} does not exist'
            USING HINT = 'create it as the README''s "Database roles" shows';
    END IF;
    CREATE ROLE {RUNTIME_ROLE} {_RUNTIME_ATTRIBUTES};
END
$$
"""

# Run after every migration, so tables a migration adds are granted too.
GRANT_RUNTIME = (
    f"GRANT USAGE ON SCHEMA public TO {RUNTIME_ROLE}",
    f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public "
    f"TO {RUNTIME_ROLE}",
    f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {RUNTIME_ROLE}",
)


def ensure_roles(database: str) -> str:
    """For a superuser on the embedded server: both roles, the database owned by
    the owner role, and what earlier versions created as the superuser handed
    over to it (tables, their indexes and sequences, types and functions)."""
    return f"""
DO $$
DECLARE
    item record;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{OWNER_ROLE}') THEN
        CREATE ROLE {OWNER_ROLE} LOGIN NOSUPERUSER;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{RUNTIME_ROLE}') THEN
        CREATE ROLE {RUNTIME_ROLE} {_RUNTIME_ATTRIBUTES};
    END IF;
    ALTER DATABASE "{database}" OWNER TO {OWNER_ROLE};
    FOR item IN
        SELECT c.oid::regclass AS name FROM pg_class c
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v')
          AND c.relowner <> '{OWNER_ROLE}'::regrole
    LOOP
        EXECUTE format('ALTER TABLE %s OWNER TO {OWNER_ROLE}', item.name);
    END LOOP;
    FOR item IN
        SELECT t.oid::regtype AS name FROM pg_type t
        WHERE t.typnamespace = 'public'::regnamespace AND t.typtype = 'e'
          AND t.typowner <> '{OWNER_ROLE}'::regrole
    LOOP
        EXECUTE format('ALTER TYPE %s OWNER TO {OWNER_ROLE}', item.name);
    END LOOP;
    FOR item IN
        SELECT p.oid::regprocedure AS name FROM pg_proc p
        WHERE p.pronamespace = 'public'::regnamespace
          AND p.proowner <> '{OWNER_ROLE}'::regrole
    LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO {OWNER_ROLE}', item.name);
    END LOOP;
END
$$
"""
