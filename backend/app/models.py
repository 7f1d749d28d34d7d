"""Every table model, imported in one place for the app and Alembic alike."""

from sqlmodel import SQLModel

from app.teams.models import Team

metadata = SQLModel.metadata

__all__ = ["Team", "metadata"]
