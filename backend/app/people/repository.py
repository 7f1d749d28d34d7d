"""Every statement of users, memberships, sessions, invitations and password
resets, compiled once at import."""

from sqlalchemy import bindparam, delete, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import col

from app.core.db import compile_query
from app.core.projection import Projection
from app.people.models import (
    Invitation,
    InvitationPublic,
    Membership,
    PasswordReset,
    User,
    UserPublic,
    UserSession,
)
from app.teams.models import Team
from app.teams.repository import TEAM, record_uses

USER = Projection(User, UserPublic)
INVITATION = Projection(Invitation, InvitationPublic)

_ACTIVE_SESSION = """
    s.revoked_at IS NULL
    AND s.expires_at > now()
    AND s.last_seen_at > now() - make_interval(secs => CAST(:idle_seconds AS float8))
"""

# The principal behind a session token, and its role in the named team (null
# when it is not a member, or no team is named), with the time until which the
# session stays active unless it is used again (for the process's cache).
# Given `team_id`, the team must have that id as well as the name, or none is
# found: a caller that guessed the id can run this under that team's tenancy.
SESSION_CALLER = compile_query(
    text(f"""
    SELECT s.id AS session_id, u.id AS user_id, u.email, u.display_name,
           t.id AS team_id, t.name AS team_name, m.role,
           least(s.expires_at, s.last_seen_at
             + make_interval(secs => CAST(:idle_seconds AS float8))) AS active_until
    FROM user_session s
    JOIN user_account u ON u.id = s.user_id AND NOT u.disabled
    LEFT JOIN team t ON t.name = CAST(:team_name AS varchar)
      AND (CAST(:team_id AS uuid) IS NULL OR t.id = CAST(:team_id AS uuid))
    LEFT JOIN membership m ON m.team_id = t.id AND m.user_id = u.id
    WHERE s.token_hash = :token_hash AND {_ACTIVE_SESSION}
    """)
)
RECORD_SESSION_USES = record_uses("user_session", "last_seen_at")

INSERT_USER = compile_query(
    insert(User)
    .on_conflict_do_nothing(index_elements=["email"])
    .returning(*USER.columns()),
    inserting=("id", "email", "display_name", "password_hash", "created_at"),
)
USER_BY_EMAIL = compile_query(
    select(*USER.columns(), col(User.password_hash), col(User.disabled)).where(
        col(User.email) == bindparam("email")
    )
)
USER_BY_ID = compile_query(
    select(*USER.columns(), col(User.password_hash)).where(
        col(User.id) == bindparam("user_id")
    )
)
SIGNED_IN = compile_query(
    update(User)
    .where(col(User.id) == bindparam("user_id"))
    .values(last_sign_in_at=bindparam("now"))
    .returning(*USER.columns())
)
RENAME_USER = compile_query(
    update(User)
    .where(col(User.id) == bindparam("user_id"))
    .values(display_name=bindparam("new_name"))
    .returning(*USER.columns())
)
SET_PASSWORD = compile_query(
    update(User)
    .where(col(User.id) == bindparam("user_id"))
    .values(password_hash=bindparam("new_hash"))
)

INSERT_SESSION = compile_query(
    insert(UserSession),
    inserting=(
        "id",
        "user_id",
        "token_hash",
        "user_agent",
        "created_at",
        "last_seen_at",
        "expires_at",
    ),
)
USER_SESSIONS = compile_query(
    text(f"""
    SELECT s.id, s.user_agent, s.created_at, s.last_seen_at, s.expires_at
    FROM user_session s
    WHERE s.user_id = :user_id AND {_ACTIVE_SESSION}
    ORDER BY s.created_at DESC, s.id DESC
    """)
)
REVOKE_SESSION = compile_query(
    update(UserSession)
    .where(
        col(UserSession.id) == bindparam("session_id"),
        col(UserSession.user_id) == bindparam("owner_id"),
        col(UserSession.revoked_at).is_(None),
    )
    .values(revoked_at=bindparam("now"))
    .returning(col(UserSession.id))
)
# Every session of a user but the one named (none, when it is null).
REVOKE_OTHER_SESSIONS = compile_query(
    text("""
    UPDATE user_session SET revoked_at = :now
    WHERE user_id = :owner_id AND revoked_at IS NULL
      AND id IS DISTINCT FROM CAST(:kept_id AS uuid)
    """)
)

MEMBERSHIPS = compile_query(
    select(*TEAM.columns(), col(Membership.role))
    .join(Membership, col(Membership.team_id) == col(Team.id))
    .where(col(Membership.user_id) == bindparam("user_id"))
    .order_by(col(Membership.created_at), col(Team.id))
)
MEMBERS = compile_query(
    select(
        col(User.id).label("user_id"),
        col(User.email),
        col(User.display_name),
        col(Membership.role),
        col(Membership.created_at).label("joined_at"),
    )
    .join(Membership, col(Membership.user_id) == col(User.id))
    .where(col(Membership.team_id) == bindparam("owner_team_id"))
    .order_by(col(Membership.created_at), col(User.id))
)
MEMBER_BY_EMAIL = compile_query(
    select(col(User.id))
    .join(Membership, col(Membership.user_id) == col(User.id))
    .where(
        col(Membership.team_id) == bindparam("owner_team_id"),
        col(User.email) == bindparam("email"),
    )
)
# Joining twice keeps the first role: an invitation never lowers one.
INSERT_MEMBERSHIP = compile_query(
    insert(Membership).on_conflict_do_nothing(),
    inserting=("team_id", "user_id", "role", "created_at"),
)
# The team's memberships locked, so two changes cannot each leave the other
# as the last owner and then remove it.
LOCK_MEMBERS = compile_query(
    select(col(Membership.user_id), col(Membership.role))
    .where(col(Membership.team_id) == bindparam("owner_team_id"))
    .with_for_update()
)
SET_ROLE = compile_query(
    update(Membership)
    .where(
        col(Membership.team_id) == bindparam("owner_team_id"),
        col(Membership.user_id) == bindparam("member_id"),
    )
    .values(role=bindparam("new_role"))
)
REMOVE_MEMBER = compile_query(
    delete(Membership).where(
        col(Membership.team_id) == bindparam("owner_team_id"),
        col(Membership.user_id) == bindparam("member_id"),
    )
)

_PENDING = (
    col(Invitation.accepted_at).is_(None),
    col(Invitation.revoked_at).is_(None),
)
INSERT_INVITATION = compile_query(
    insert(Invitation).returning(*INVITATION.columns()),
    inserting=(
        "id",
        "team_id",
        "email",
        "role",
        "token_hash",
        "invited_by_user_id",
        "created_at",
        "expires_at",
    ),
)
PENDING_INVITATIONS = compile_query(
    select(*INVITATION.columns())
    .where(
        col(Invitation.team_id) == bindparam("owner_team_id"),
        *_PENDING,
        col(Invitation.expires_at) > bindparam("now"),
    )
    .order_by(col(Invitation.created_at), col(Invitation.id))
)
REVOKE_INVITATION = compile_query(
    update(Invitation)
    .where(
        col(Invitation.id) == bindparam("invitation_id"),
        col(Invitation.team_id) == bindparam("owner_team_id"),
        *_PENDING,
    )
    .values(revoked_at=bindparam("now"))
    .returning(col(Invitation.id))
)
INVITATION_BY_TOKEN = compile_query(
    select(
        col(Invitation.id),
        col(Invitation.team_id),
        col(Team.name).label("team"),
        col(Invitation.email),
        col(Invitation.role),
        col(Invitation.expires_at),
        select(col(User.id))
        .where(col(User.email) == col(Invitation.email))
        .scalar_subquery()
        .label("user_id"),
    )
    .join(Team, col(Team.id) == col(Invitation.team_id))
    .where(
        col(Invitation.token_hash) == bindparam("token_hash"),
        *_PENDING,
        col(Invitation.expires_at) > bindparam("now"),
    )
)
# Single use: of two concurrent acceptances, one updates the row.
ACCEPT_INVITATION = compile_query(
    update(Invitation)
    .where(col(Invitation.id) == bindparam("invitation_id"), *_PENDING)
    .values(accepted_at=bindparam("now"))
    .returning(col(Invitation.id))
)

INSERT_RESET = compile_query(
    insert(PasswordReset),
    inserting=("id", "user_id", "token_hash", "created_at", "expires_at"),
)
USE_RESET = compile_query(
    update(PasswordReset)
    .where(
        col(PasswordReset.token_hash) == bindparam("token_hash"),
        col(PasswordReset.used_at).is_(None),
        col(PasswordReset.expires_at) > bindparam("now"),
    )
    .values(used_at=bindparam("now"))
    .returning(col(PasswordReset.user_id))
)
