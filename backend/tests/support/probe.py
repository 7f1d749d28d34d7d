"""Routes mounted only in tests, to drive the shared plumbing (errors, transactions,
metrics) through shapes the production routes do not have yet."""

from fastapi import APIRouter, FastAPI
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import text

from app.core.db import (
    OneStatementDep,
    ReadSessionDep,
    Session,
    SessionDep,
    TransactionRoute,
    compile_query,
)
from app.core.errors import AppError

# Its uniqueness is checked only at COMMIT: a duplicate fails the commit itself.
PROBE_TABLE = """
CREATE TABLE probe_row (
    name text,
    CONSTRAINT uq_probe_row_name UNIQUE (name) DEFERRABLE INITIALLY DEFERRED
);
GRANT SELECT, INSERT, UPDATE, DELETE ON probe_row TO looped_app
"""


class ProbeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=8)
    count: int = Field(ge=0)


class ProbeConflict(AppError):
    status_code = 409
    code = "CONFLICT"
    message = "Probe conflict"


router = APIRouter(prefix="/probe", route_class=TransactionRoute)


@router.post("/echo")
async def echo(body: ProbeBody) -> ProbeBody:
    return body


@router.get("/items/{item_id}")
async def item(item_id: int) -> dict[str, int]:
    return {"item_id": item_id}


@router.get("/crash")
async def crash() -> None:
    raise RuntimeError("secret internals: SELECT * FROM team")


_ADD_ROW = compile_query(text("INSERT INTO probe_row (name) VALUES (:name)"))


async def _add_row(session: Session, name: str) -> None:
    await session.execute(_ADD_ROW, {"name": name})


@router.post("/rows/{name}")
async def add_row(name: str, session: SessionDep) -> dict[str, str]:
    await _add_row(session, name)
    return {"name": name}


@router.post("/rows/{name}/then-fail")
async def add_row_then_fail(name: str, session: SessionDep) -> None:
    await _add_row(session, name)
    raise ProbeConflict(details={"name": name})


_ROWS = compile_query(text("SELECT name FROM probe_row ORDER BY name"))


@router.post("/rows/{name}/twice")
async def add_row_twice(name: str, session: OneStatementDep) -> None:
    await _add_row(session, name)
    await _add_row(session, f"{name}-again")


@router.get("/rows")
async def list_rows(session: ReadSessionDep) -> list[str]:
    return [row["name"] for row in await session.all(_ROWS)]


def mount_probe(app: FastAPI) -> FastAPI:
    app.include_router(router)
    return app
