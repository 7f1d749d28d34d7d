"""Every table model, imported in one place for the app and Alembic alike."""

from sqlmodel import SQLModel

from app.audits.models import Audit
from app.people.models import Invitation, Membership, PasswordReset, User, UserSession
from app.posts.models import Post
from app.teams.models import ApiKey, Team

metadata = SQLModel.metadata

__all__ = [
    "ApiKey",
    "Audit",
    "Invitation",
    "Membership",
    "PasswordReset",
    "Post",
    "Team",
    "User",
    "UserSession",
    "metadata",
]
