"""Every statement of teams and API keys, compiled once at import."""

from sqlalchemy import bindparam, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import col

from app.core.db import compile_query
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
    inserting=("id", "team_id", "name", "prefix", "key_hash", "created_at"),
)
TEAM_BY_NAME = compile_query(
    select(*TEAM.columns()).where(col(Team.name) == bindparam("team_name"))
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
# Uses noted in memory, written in one statement; a later time never goes back.
RECORD_USES = compile_query(
    text(
        "UPDATE api_key SET last_used_at = used.at"
        " FROM unnest(CAST(:key_ids AS uuid[]), CAST(:used_at AS timestamptz[]))"
        " AS used(id, at)"
        " WHERE api_key.id = used.id"
        " AND (api_key.last_used_at IS NULL OR api_key.last_used_at < used.at)"
    )
)
