from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from app.core.errors import error_code_schema


def operation_id(route: APIRoute) -> str:
    """`get_healthz` → `getHealthz`: stable ids that read well as client functions."""
    first, *rest = route.name.split("_")
    return first + "".join(part.capitalize() for part in rest)


def type_error_codes(app: FastAPI) -> None:
    """The envelope's `code` as the `ErrorCode` enum, made from the AppError classes
    when the document is first built, once every domain has defined its own."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schemas = build()["components"]["schemas"]
            schemas["ErrorCode"] = error_code_schema()
            code = schemas["ErrorResponse"]["properties"]["code"]
            code.pop("type", None)
            code["$ref"] = "#/components/schemas/ErrorCode"
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]
