from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from app.core.errors import error_code_schema


def operation_id(route: APIRoute) -> str:
    """`get_healthz` → `getHealthz`: stable ids that read well as client functions."""
    first, *rest = route.name.split("_")
    return first + "".join(part.capitalize() for part in rest)


def _event_streams(document: dict[str, Any]) -> None:
    """FastAPI gives every response of a route the route's media type. An event
    stream's errors are JSON envelopes, though, and its events' schema is the
    response model alone, without the `type: string` of a non-JSON response."""
    for operations in document["paths"].values():
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                stream = content.get("text/event-stream")
                if stream is None:
                    continue
                if not status.startswith("2"):
                    content["application/json"] = content.pop("text/event-stream")
                elif "$ref" in stream.get("schema", {}):
                    stream["schema"].pop("type", None)


def type_error_codes(app: FastAPI) -> None:
    """The envelope's `code` as the `ErrorCode` enum, made from the AppError classes
    when the document is first built, once every domain has defined its own; and
    event streams described by their events' model."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = build()
            _event_streams(document)
            schemas = document["components"]["schemas"]
            schemas["ErrorCode"] = error_code_schema()
            code = schemas["ErrorResponse"]["properties"]["code"]
            code.pop("type", None)
            code["$ref"] = "#/components/schemas/ErrorCode"
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]
