from app.core.errors import AppError


class AuditNotFound(AppError):
    status_code = 404
    code = "NOT_FOUND"
    message = "Audit not found"


class AiNotConfigured(AppError):
    status_code = 503
    code = "AI_NOT_CONFIGURED"
    message = (
        "AI reviews are not configured on this server: set OPENAI_API_KEY (and "
        "optionally OPENAI_MODEL) for OpenAI, or OPENAI_BASE_URL for an "
        "OpenAI-compatible server such as Ollama or vLLM, then restart the API"
    )


class IdempotencyKeyReused(AppError):
    status_code = 422
    code = "IDEMPOTENCY_KEY_REUSED"
    message = "This Idempotency-Key was already used with a different request body"


class AuditConflict(AppError):
    status_code = 409
    code = "CONFLICT"


class AuditQuotaExceeded(AppError):
    status_code = 429
    code = "AUDIT_QUOTA_EXCEEDED"
    message = (
        "The team has as many audits pending or running as AUDIT_MAX_ACTIVE_PER_TEAM "
        "allows; queue more once some finish"
    )


class TokenBudgetExceeded(AppError):
    status_code = 429
    code = "TOKEN_BUDGET_EXCEEDED"
    message = (
        "The team has used its daily model token budget "
        "(AUDIT_DAILY_TOKEN_BUDGET); it resets at midnight UTC"
    )


class RetryLimitReached(AppError):
    status_code = 409
    code = "RETRY_LIMIT_REACHED"
    message = (
        "This audit was retried as many times as AUDIT_MAX_RETRIES allows; "
        "queue a new audit instead"
    )
