import os
import textwrap
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from app.core.config import Settings
from app.core.db import Database
from app.main import create_app
from tests.support.probe import mount_probe
from tests.support.processes import python_output


@pytest.fixture
def app(app: FastAPI) -> FastAPI:
    return mount_probe(app)


def sample(metrics: str, prefix: str) -> float:
    for line in metrics.splitlines():
        if line.startswith(prefix):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"no sample {prefix!r} in metrics")


async def test_metrics_exposes_the_default_collectors(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "python_info" in response.text
    assert "http_requests_in_progress" in response.text


async def test_a_metrics_token_guards_the_scrape(
    settings: Settings, test_database: Database
) -> None:
    token = "scrape-" + "x" * 32
    app = create_app(
        settings.model_copy(update={"metrics_token": SecretStr(token)}),
        database=test_database,
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        anonymous = await client.get("/metrics")
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer no"})
        scraper = await client.get(
            "/metrics", headers={"Authorization": f"Bearer {token}"}
        )
    for refused in (anonymous, wrong):
        assert refused.status_code == 401
        assert refused.json()["code"] == "UNAUTHORIZED"
        assert "python_info" not in refused.text
    assert scraper.status_code == 200
    assert "python_info" in scraper.text


async def test_request_duration_is_labelled_by_route_template(
    client: httpx.AsyncClient,
) -> None:
    for item_id in (1, 2, 3):
        await client.get(f"/probe/items/{item_id}")
    metrics = (await client.get("/metrics")).text
    count = sample(
        metrics,
        'http_request_duration_seconds_count{method="GET",'
        'route="/probe/items/{item_id}",status="200"}',
    )
    assert count >= 3
    assert "/probe/items/1" not in metrics


async def test_unmatched_paths_share_one_label(client: httpx.AsyncClient) -> None:
    await client.get("/no/such/path/123")
    metrics = (await client.get("/metrics")).text
    assert 'route="unmatched",status="404"' in metrics
    assert "/no/such/path" not in metrics


WORKER = textwrap.dedent(
    """
    import asyncio, sys
    import httpx
    from app.core.config import load_settings
    from app.main import create_app

    async def main() -> None:
        app = create_app(load_settings(_env_file=None, environment="test"))
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            for _ in range(int(sys.argv[1])):
                await c.get("/health")
            if sys.argv[2] == "scrape":
                sys.stdout.write((await c.get("/metrics")).text)

    asyncio.run(main())
    """
)


def test_multiprocess_mode_sums_every_worker(tmp_path: Path) -> None:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}

    def run(requests: int, action: str) -> str:
        return python_output(WORKER, str(requests), action, env=env)

    run(2, "quiet")
    run(3, "quiet")
    metrics = run(0, "scrape")
    count = sample(
        metrics,
        'http_request_duration_seconds_count{method="GET",route="/health",status="200"}',
    )
    assert count == 5
