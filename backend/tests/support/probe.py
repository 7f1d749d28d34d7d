"""Routes mounted only in tests, to drive the shared plumbing (errors, transactions,
metrics) through shapes the production routes do not have yet."""

from fastapi import APIRouter, FastAPI
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from app.core.db import SessionDep
from app.core.errors import AppError
from app.teams.models import Team


class ProbeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=8)
    count: int = Field(ge=0)


class ProbeConflict(AppError):
    status_code = 409
    code = "CONFLICT"
    message = "Probe conflict"


router = APIRouter(prefix="/probe")


@router.post("/echo")
async def echo(body: ProbeBody) -> ProbeBody:
    return body


@router.get("/items/{item_id}")
async def item(item_id: int) -> dict[str, int]:
    return {"item_id": item_id}


@router.get("/crash")
async def crash() -> None:
    raise RuntimeError("secret internals: SELECT * FROM team")


@router.post("/teams/{name}")
async def add_team(name: str, session: SessionDep) -> dict[str, str]:
    session.add(Team(name=name))
    return {"name": name}


@router.post("/teams/{name}/then-fail")
async def add_team_then_fail(name: str, session: SessionDep) -> None:
    session.add(Team(name=name))
    await session.flush()
    raise ProbeConflict(details={"name": name})


@router.get("/teams")
async def list_probe_teams(session: SessionDep) -> list[str]:
    return list(await session.scalars(select(Team.name).order_by(Team.name)))


def mount_probe(app: FastAPI) -> FastAPI:
    app.include_router(router)
    return app
