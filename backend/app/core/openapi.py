from fastapi.routing import APIRoute


def operation_id(route: APIRoute) -> str:
    """`get_healthz` → `getHealthz`: stable ids that read well as client functions."""
    first, *rest = route.name.split("_")
    return first + "".join(part.capitalize() for part in rest)
