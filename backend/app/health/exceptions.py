from app.core.errors import AppError


class DatabaseUnavailable(AppError):
    status_code = 503
    code = "DB_UNAVAILABLE"
    message = "Database unavailable"
