import inspect
from collections.abc import Iterator
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from app.health.router import router as health_router
from app.posts.router import router as posts_router
from app.teams.router import router as teams_router


def dependencies(dependant: Dependant) -> Iterator[Any]:
    for dependency in dependant.dependencies:
        yield dependency.call
        yield from dependencies(dependency)


def is_async(call: Any) -> bool:
    target = call if inspect.isfunction(call) else type(call).__call__
    return inspect.iscoroutinefunction(target) or inspect.isasyncgenfunction(target)


def test_no_dependency_or_endpoint_runs_in_the_threadpool() -> None:
    # A plain `def` dependency is sent to a worker thread on every request, which
    # cost a third of the throughput of a route with a single such dependency.
    routes = [
        route
        for router in (health_router, teams_router, posts_router)
        for route in router.routes
        if isinstance(route, APIRoute)
    ]
    assert routes
    for route in routes:
        for call in [route.endpoint, *dependencies(route.dependant)]:
            assert is_async(call), f"{route.path}: {call} is synchronous"
