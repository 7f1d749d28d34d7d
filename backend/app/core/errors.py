"""One error envelope for every failure: the app's, validation, HTTP, unexpected.

Every code a response can carry belongs to an `AppError` class; the classes register
their codes as they are defined, and the OpenAPI document lists them as the
`ErrorCode` enum, so clients branch on a generated type instead of string literals.
"""

import re
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

# Code → the statuses it is sent with; filled by AppError subclasses as they load.
ERROR_CODES: dict[str, set[int]] = {}


class ErrorResponse(BaseModel):
    """The body of every error response."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"error": "Resource not found", "code": "NOT_FOUND", "details": {}}
            ]
        }
    )

    error: str = Field(description="Human-readable message")
    code: str = Field(description="Stable UPPER_SNAKE code for programs to branch on")
    details: dict[str, Any] = Field(description="Structured context, may be empty")


class AppError(Exception):
    """Base for every error the app raises on purpose; the handler renders it."""

    status_code: int = 500
    code: str = "INTERNAL_ERROR"
    message: str = "Internal server error"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        ERROR_CODES.setdefault(cls.code, set()).add(cls.status_code)

    def __init__(
        self,
        message: str | None = None,
        *,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.message
        self.details = details or {}
        self.headers = headers
        super().__init__(self.message)

    def response(self) -> JSONResponse:
        body = ErrorResponse(error=self.message, code=self.code, details=self.details)
        return JSONResponse(
            body.model_dump(), status_code=self.status_code, headers=self.headers
        )


class InternalError(AppError):
    status_code = 500
    code = "INTERNAL_ERROR"
    message = "Internal server error"


class RouteNotFound(AppError):
    status_code = 404
    code = "NOT_FOUND"
    message = "Resource not found"


class MethodNotAllowed(AppError):
    status_code = 405
    code = "METHOD_NOT_ALLOWED"
    message = "Method not allowed"


class HttpError(AppError):
    """Any other HTTP error the framework raises; its status says which."""

    code = "HTTP_ERROR"
    message = "HTTP error"

    def __init__(self, status_code: int, message: str, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.status_code = status_code


class ValidationFailed(AppError):
    status_code = 422
    code = "VALIDATION_ERROR"
    message = "Request validation failed"


class BodyTooLarge(AppError):
    status_code = 413
    code = "BODY_TOO_LARGE"
    message = "Request body is too large"


class RateLimited(AppError):
    status_code = 429
    code = "RATE_LIMITED"
    message = "Rate limited"


class MetricsTokenRequired(AppError):
    status_code = 401
    code = "UNAUTHORIZED"
    message = "A metrics token is required: Authorization: Bearer <METRICS_TOKEN>"


class RateLimitUnavailable(AppError):
    status_code = 503
    code = "RATE_LIMIT_UNAVAILABLE"
    message = "Rate limits cannot be checked right now; retry shortly"


# What a rate-limited route can answer for its limits (RATE_LIMIT_FAIL=closed
# refuses requests while the limits' storage is down).
RATE_LIMIT_ERRORS: tuple[type[AppError], ...] = (RateLimited, RateLimitUnavailable)


class DatabaseUnavailable(AppError):
    status_code = 503
    code = "DB_UNAVAILABLE"
    message = "Database unavailable"


class DatabaseBusy(AppError):
    status_code = 503
    code = "DATABASE_BUSY"
    message = "Too many requests are waiting for the database; retry shortly"


# What any route can answer whatever it does: a body over the limit (refused
# before routing), the database unable to serve it, a bug.
SERVER_ERRORS: tuple[type[AppError], ...] = (
    BodyTooLarge,
    InternalError,
    DatabaseUnavailable,
    DatabaseBusy,
)


def error_responses(*errors: type[AppError]) -> dict[int | str, dict[str, Any]]:
    """A route's `responses=`, from every error it can raise: the document and the
    generated client then know each status and the codes that come with it. (A
    route's entry for a status replaces its router's, so a route names them all.)"""
    codes: dict[int, set[str]] = {}
    for error in errors:
        codes.setdefault(error.status_code, set()).add(error.code)
    return {
        status: {
            "model": ErrorResponse,
            "description": f"{HTTPStatus(status).phrase}: {', '.join(sorted(names))}",
        }
        for status, names in sorted(codes.items())
    }


def error_code_schema() -> dict[str, Any]:
    return {
        "type": "string",
        "enum": sorted(ERROR_CODES),
        "description": "Every code an error response can carry",
    }


async def _app_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return exc.response()


def _field_name(location: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in location)


# FastAPI's words when a body cannot even be decoded (bytes that are not UTF-8).
_UNREADABLE_BODY = "There was an error parsing the body"
MALFORMED_JSON = "Request body is not valid JSON"


def _malformed(detail: str) -> ValidationFailed:
    errors = [{"field": "body", "message": detail, "type": "json_invalid"}]
    return ValidationFailed(
        MALFORMED_JSON, details={"errors": errors, "error_count": 1}
    )


# A body of many bad fields must not buy an answer larger than itself: the first
# ones are listed, each name and message cut short, and the rest only counted.
MAX_LISTED_ERRORS = 20
_MAX_ERROR_TEXT = 200


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    found = exc.errors()
    errors = [
        {
            "field": _field_name(tuple(item["loc"]))[:_MAX_ERROR_TEXT],
            "message": str(item["msg"])[:_MAX_ERROR_TEXT],
            "type": item["type"],
        }
        for item in found[:MAX_LISTED_ERRORS]
    ]
    malformed = any(item["type"] == "json_invalid" for item in errors)
    message = MALFORMED_JSON if malformed else ValidationFailed.message
    details = {"errors": errors, "error_count": len(found)}
    return ValidationFailed(message, details=details).response()


def body_too_large(limit: int) -> BodyTooLarge:
    return BodyTooLarge(details={"limit_bytes": limit})


def _allowed_methods(request: Request, fallback: str) -> str:
    # The router names only the first route whose path matches; a path served by
    # several routes (GET and POST on one collection) allows all of their methods,
    # as the OpenAPI document lists them.
    # A path that a literal template names (`/audits/events`) is that template's
    # alone, not also a value of a parameter (`/audits/{audit_id}`).
    matching: dict[int, set[str]] = {}
    for template, operations in request.app.openapi()["paths"].items():
        pattern = re.sub(r"\{[^}/]+\}", "[^/]+", template)
        if re.fullmatch(pattern, request.url.path):
            matching.setdefault(template.count("{"), set()).update(
                method.upper() for method in operations
            )
    methods = matching[min(matching)] if matching else set()
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(sorted(methods)) or fallback


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    headers = dict(exc.headers) if exc.headers else {}
    error: AppError
    if status == 400 and exc.detail == _UNREADABLE_BODY:
        # Undecodable bytes are malformed JSON like any other: same 422 and shape.
        error = _malformed(exc.detail)
    elif status == 413:
        # The body outgrew the limit as it streamed in (the middleware's count).
        error = body_too_large(request.app.state.settings.max_body_bytes)
    elif status == 404:
        error = RouteNotFound(headers=headers)
    elif status == 405:
        headers["Allow"] = _allowed_methods(request, headers.get("Allow", ""))
        error = MethodNotAllowed(headers=headers)
    else:
        error = HttpError(status, str(exc.detail), headers=headers)
    return error.response()


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
