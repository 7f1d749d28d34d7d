from app.core.errors import AppError

BEARER_CHALLENGE = {"WWW-Authenticate": "Bearer"}


class Unauthorized(AppError):
    status_code = 401
    code = "UNAUTHORIZED"
    # One message for missing, malformed, unknown, revoked and expired secrets alike.
    message = (
        "A valid API key or session is required: Authorization: Bearer <key or token>"
    )

    def __init__(self) -> None:
        super().__init__(headers=BEARER_CHALLENGE)


class Forbidden(AppError):
    status_code = 403
    code = "FORBIDDEN"
    message = "You cannot access this resource"


class AdminDisabled(AppError):
    status_code = 403
    code = "ADMIN_DISABLED"
    message = "The admin API is disabled: set ADMIN_TOKEN to enable it"


class TeamNotFound(AppError):
    status_code = 404
    code = "NOT_FOUND"
    message = "Team not found"


class ApiKeyNotFound(AppError):
    status_code = 404
    code = "NOT_FOUND"
    message = "API key not found"


class TeamNameTaken(AppError):
    status_code = 409
    code = "CONFLICT"
    message = "A team with this name already exists"
