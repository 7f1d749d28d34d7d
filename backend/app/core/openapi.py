from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.security.http import HTTPBase

from app.core.errors import error_code_schema


def operation_id(route: APIRoute) -> str:
    """`get_healthz` → `getHealthz`: stable ids that read well as client functions."""
    first, *rest = route.name.split("_")
    return first + "".join(part.capitalize() for part in rest)


Dependency = TypeVar("Dependency", bound=Callable[..., Any])
ACCEPTED_SCHEMES = "accepted_schemes"


def accepts(*schemes: HTTPBase) -> Callable[[Dependency], Dependency]:
    """Names the credentials a dependency reads from the Authorization header
    itself. FastAPI would solve one security dependency per scheme on every
    request, which on the hot paths costs more than reading the header; the
    document lists them all the same."""

    def mark(dependency: Dependency) -> Dependency:
        setattr(dependency, ACCEPTED_SCHEMES, schemes)
        return dependency

    return mark


def bearer_token(request: Request) -> str:
    """The bearer token, or "" when the header is missing or of another scheme."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _accepted(dependant: Dependant) -> list[HTTPBase]:
    found = list(getattr(dependant.call, ACCEPTED_SCHEMES, ()))
    for dependency in dependant.dependencies:
        found += _accepted(dependency)
    return found


def _declared_security(app: FastAPI, document: dict[str, Any]) -> None:
    components = document.setdefault("components", {})
    for route in iter_route_contexts(app.routes):
        if not isinstance(route.original_route, APIRoute):
            continue
        # A route whose dependencies share one (a role check and a rate limit
        # that both know the caller) lists each scheme once.
        by_name = {scheme.scheme_name: scheme for scheme in _accepted(route.dependant)}
        schemes = list(by_name.values())
        if not schemes or route.path_format is None:
            continue
        declared = components.setdefault("securitySchemes", {})
        for scheme in schemes:
            declared[scheme.scheme_name] = scheme.model.model_dump(
                mode="json", by_alias=True, exclude_none=True
            )
        operations = document["paths"][route.path_format]
        for method in route.methods or ():
            security = operations[method.lower()].setdefault("security", [])
            security += [{scheme.scheme_name: []} for scheme in schemes]


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
            _declared_security(app, document)
            _event_streams(document)
            schemas = document["components"]["schemas"]
            schemas["ErrorCode"] = error_code_schema()
            code = schemas["ErrorResponse"]["properties"]["code"]
            code.pop("type", None)
            code["$ref"] = "#/components/schemas/ErrorCode"
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]
