from typing import Annotated
from uuid import UUID

from fastapi import Depends

from app.audits.exceptions import AiNotConfigured, AuditNotFound
from app.core.config import SettingsDep
from app.core.models import parse_id


async def valid_audit_id(audit_id: str) -> UUID:
    return parse_id(audit_id, AuditNotFound)


async def require_ai(settings: SettingsDep) -> None:
    if not settings.ai_configured:
        raise AiNotConfigured()


AuditIdDep = Annotated[UUID, Depends(valid_audit_id)]
AiConfiguredDep = Depends(require_ai)
