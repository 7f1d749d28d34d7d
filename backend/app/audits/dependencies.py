from dataclasses import dataclass
from typing import Annotated
from uuid import UUID

from fastapi import Depends, Request

from app.audits.exceptions import AiNotConfigured, AuditNotFound
from app.core.config import Settings, SettingsDep
from app.core.models import id_in_path
from app.core.ratelimit import RateLimiter
from app.people.dependencies import MemberDep


async def require_ai(settings: SettingsDep) -> None:
    if not settings.ai_configured:
        raise AiNotConfigured()


@dataclass(frozen=True)
class AuditLimits:
    """Each queued audit costs a model call: creates and retries have limits of
    their own per team, whoever of the team asks."""

    create: RateLimiter
    retry: RateLimiter

    @classmethod
    def of(cls, settings: Settings) -> "AuditLimits":
        def limiter(limit: str) -> RateLimiter:
            return RateLimiter(
                limit,
                settings.redis_url,
                fail_closed=settings.rate_limit_fail == "closed",
            )

        return cls(
            create=limiter(settings.audit_create_limit),
            retry=limiter(settings.audit_retry_limit),
        )


def _limits(request: Request) -> AuditLimits:
    limits: AuditLimits = request.app.state.audit_limits
    return limits


async def limit_creates(request: Request, caller: MemberDep) -> None:
    await _limits(request).create.check(f"audit-create:{caller.team_id}")


async def limit_retries(request: Request, caller: MemberDep) -> None:
    await _limits(request).retry.check(f"audit-retry:{caller.team_id}")


AuditIdPath = Annotated[UUID, id_in_path(AuditNotFound)]
AiConfiguredDep = Depends(require_ai)
CreateLimitDep = Depends(limit_creates)
RetryLimitDep = Depends(limit_retries)
