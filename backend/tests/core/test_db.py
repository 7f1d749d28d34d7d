import httpx
import pytest

from app.core.config import Settings
from app.core.db import ALL_TEAMS, Database
from tests.support.factories import TeamWithKey


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"db_pool_size": 1, "db_pool_timeout": 0.1})


async def test_a_request_that_waits_too_long_for_the_database_is_told_to_retry(
    client: httpx.AsyncClient, test_database: Database, team_a: TeamWithKey
) -> None:
    url = f"/v1/teams/{team_a.name}/posts"
    async with test_database.read(ALL_TEAMS):
        busy = await client.get(url, headers=team_a.headers)
    served = await client.get(url, headers=team_a.headers)

    assert busy.status_code == 503
    assert busy.headers["Retry-After"] == "1"
    assert busy.json() == {
        "error": "Too many requests are waiting for the database; retry shortly",
        "code": "DATABASE_BUSY",
        "details": {},
    }
    assert served.status_code == 200
