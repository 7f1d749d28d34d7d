"""Every table model, imported in one place for the app and Alembic alike."""

from sqlmodel import SQLModel

from app.audits.models import Audit
from app.posts.models import Post
from app.teams.models import ApiKey, Team

metadata = SQLModel.metadata

__all__ = ["ApiKey", "Audit", "Post", "Team", "metadata"]
