"""One error envelope for every failure: the app's, validation, HTTP, unexpected."""

import re
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException


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


def code_for_status(status_code: int) -> str:
    try:
        phrase = HTTPStatus(status_code).phrase
    except ValueError:
        return "HTTP_ERROR"
    return phrase.upper().replace(" ", "_").replace("-", "_")


def error_response(
    status_code: int,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = ErrorResponse(error=message, code=code, details=details or {})
    return JSONResponse(body.model_dump(), status_code=status_code, headers=headers)


def internal_error_response() -> JSONResponse:
    return error_response(500, "INTERNAL_ERROR", "Internal server error")


def error_responses(*status_codes: int) -> dict[int | str, dict[str, Any]]:
    """A route's `responses=`: the document and the client then know its errors."""
    return {
        status: {"model": ErrorResponse, "description": HTTPStatus(status).phrase}
        for status in status_codes
    }


async def _app_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return error_response(
        exc.status_code, exc.code, exc.message, exc.details, exc.headers
    )


def _field_name(location: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in location)


# FastAPI's words when a body cannot even be decoded (bytes that are not UTF-8).
_UNREADABLE_BODY = "There was an error parsing the body"
MALFORMED_JSON = "Request body is not valid JSON"


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {
            "field": _field_name(tuple(item["loc"])),
            "message": item["msg"],
            "type": item["type"],
        }
        for item in exc.errors()
    ]
    malformed = any(item["type"] == "json_invalid" for item in errors)
    message = MALFORMED_JSON if malformed else "Request validation failed"
    return error_response(422, "VALIDATION_ERROR", message, {"errors": errors})


def _allowed_methods(request: Request, fallback: str) -> str:
    # The router names only the first route whose path matches; a path served by
    # several routes (GET and POST on one collection) allows all of their methods,
    # as the OpenAPI document lists them.
    methods: set[str] = set()
    for template, operations in request.app.openapi()["paths"].items():
        pattern = re.sub(r"\{[^}/]+\}", "[^/]+", template)
        if re.fullmatch(pattern, request.url.path):
            methods |= {method.upper() for method in operations}
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(sorted(methods)) or fallback


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    if status == 400 and exc.detail == _UNREADABLE_BODY:
        # Undecodable bytes are malformed JSON like any other: same 422 and shape.
        errors = [{"field": "body", "message": exc.detail, "type": "json_invalid"}]
        return error_response(
            422, "VALIDATION_ERROR", MALFORMED_JSON, {"errors": errors}
        )
    message = {
        404: "Resource not found",
        405: "Method not allowed",
    }.get(status, str(exc.detail))
    headers = dict(exc.headers) if exc.headers else {}
    if status == 405:
        headers["Allow"] = _allowed_methods(request, headers.get("Allow", ""))
    return error_response(status, code_for_status(status), message, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
