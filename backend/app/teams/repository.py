"""Every statement of teams and API keys, compiled once at import."""

from sqlalchemy import bindparam, delete, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import col

from app.core.db import Query, compile_query
from app.core.pagination import page_queries
from app.core.projection import Projection
from app.teams.models import ApiKey, ApiKeyPublic, Team, TeamPublic

TEAM = Projection(Team, TeamPublic)
KEY = Projection(ApiKey, ApiKeyPublic)

# Workers and API processes LISTEN here and drop their cached keys; the database
# sends it from triggers (see the migration) whatever revokes a key or changes a
# team: the API, the CLI, or SQL by hand.
AUTH_CHANNEL = "auth_changed"

ACTIVE_KEY = compile_query(
    select(col(ApiKey.id), col(ApiKey.team_id), col(Team.name).label("team_name"))
    .join(Team, col(Team.id) == col(ApiKey.team_id))
    .where(
        col(ApiKey.key_hash) == bindparam("key_hash"),
        col(ApiKey.revoked_at).is_(None),
    )
)
INSERT_TEAM = compile_query(
    insert(Team)
    .on_conflict_do_nothing(index_elements=["name"])
    .returning(*TEAM.columns()),
    inserting=("id", "name", "created_at"),
)
INSERT_KEY = compile_query(
    insert(ApiKey).returning(*KEY.columns()),
    inserting=(
        "id",
        "team_id",
        "name",
        "prefix",
        "key_hash",
        "created_at",
        "created_by_user_id",
    ),
)
TEAM_BY_NAME = compile_query(
    select(*TEAM.columns()).where(col(Team.name) == bindparam("team_name"))
)
# A name another team holds is a conflict: nothing is updated, nothing returned.
RENAME_TEAM = compile_query(
    text(
        "UPDATE team SET name = :new_name WHERE id = :owner_team_id"
        " AND NOT EXISTS (SELECT FROM team other WHERE other.name = :new_name"
        " AND other.id <> :owner_team_id)"
        " RETURNING " + ", ".join(TEAM.column_names)
    )
)
DELETE_TEAM = compile_query(
    delete(Team).where(col(Team.id) == bindparam("owner_team_id"))
)
TEAM_PAGE = page_queries(
    select(*TEAM.columns()).order_by(col(Team.created_at), col(Team.id))
)
TEAM_KEYS = compile_query(
    select(*KEY.columns())
    .where(col(ApiKey.team_id) == bindparam("owner_team_id"))
    .order_by(col(ApiKey.created_at), col(ApiKey.id))
)
REVOKE_KEY = compile_query(
    update(ApiKey)
    .where(
        col(ApiKey.id) == bindparam("key_id"),
        col(ApiKey.team_id) == bindparam("owner_team_id"),
        col(ApiKey.revoked_at).is_(None),
    )
    .values(revoked_at=bindparam("now"))
    .returning(col(ApiKey.id))
)


def record_uses(table: str, column: str) -> Query:
    """Uses noted in memory, written in one statement; a later time never goes back."""
    return compile_query(
        text(
            f"UPDATE {table} SET {column} = used.at"
            " FROM unnest(CAST(:ids AS uuid[]), CAST(:used_at AS timestamptz[]))"
            " AS used(id, at)"
            f" WHERE {table}.id = used.id"
            f" AND ({table}.{column} IS NULL OR {table}.{column} < used.at)"
        )
    )


RECORD_USES = record_uses("api_key", "last_used_at")
