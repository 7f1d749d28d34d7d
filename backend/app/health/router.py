from fastapi import APIRouter

from app.core.config import SettingsDep
from app.core.db import DatabaseDep
from app.health.models import DatabaseHealth, Healthz, Liveness
from app.health.service import check_database

router = APIRouter(tags=["health"])


@router.get("/v1/healthz", response_model=Healthz, summary="API status and build")
async def get_healthz(settings: SettingsDep) -> Healthz:
    return Healthz(buildSha=settings.build_sha)


@router.get("/health", response_model=Liveness, summary="Liveness (no database access)")
async def get_liveness(settings: SettingsDep) -> Liveness:
    return Liveness(ai="configured" if settings.ai_configured else "not_configured")


@router.get(
    "/health/db",
    response_model=DatabaseHealth,
    summary="Database reachability, latency and migration revision",
)
async def get_database_health(
    database: DatabaseDep, settings: SettingsDep
) -> DatabaseHealth:
    return await check_database(database, settings.db_connect_timeout)
