"""The delivery files name real settings: no Docker engine runs here to try them."""

import re
from typing import Any

import yaml

from app.core.config import BACKEND_DIR, Settings

ROOT = BACKEND_DIR.parent
SETTING_NAMES = {name.upper() for name in Settings.model_fields}
# Read by prometheus-client itself, not by Settings.
LIBRARY_VARIABLES = {"PROMETHEUS_MULTIPROC_DIR"}


def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return document


def environment_names(service: dict[str, Any]) -> set[str]:
    environment = service.get("environment", {})
    if isinstance(environment, list):
        return {item.split("=", 1)[0] for item in environment}
    return set(environment)


def test_compose_runs_the_whole_system_with_healthchecks() -> None:
    services = compose()["services"]
    assert {"postgres", "redis", "backend", "frontend"} <= set(services)
    for name, service in services.items():
        # An image that cannot run a check says why instead.
        if "x-no-healthcheck" in service:
            continue
        assert "test" in service.get("healthcheck", {}), f"{name} has no healthcheck"
    assert services["postgres"]["image"].startswith("postgres:18")
    assert any(":/var/lib/postgresql" in v for v in services["postgres"]["volumes"])


def test_backend_waits_for_a_healthy_database_and_migrates_first() -> None:
    backend = compose()["services"]["backend"]
    assert backend["depends_on"]["postgres"]["condition"] == "service_healthy"
    command = backend.get("command") or []
    command = command if isinstance(command, list) else command.split()
    assert "--migrate" in command
    assert compose()["services"]["frontend"]["depends_on"]["backend"]["condition"] == (
        "service_healthy"
    )


def test_backend_environment_names_are_real_settings() -> None:
    names = environment_names(compose()["services"]["backend"])
    assert "DATABASE_URL" in names
    unknown = names - SETTING_NAMES - LIBRARY_VARIABLES
    assert not unknown, f"not settings: {unknown}"


def test_env_example_documents_every_setting() -> None:
    text = (ROOT / ".env.example").read_text()
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, re.MULTILINE))
    assert SETTING_NAMES <= documented, SETTING_NAMES - documented
    unknown = documented - SETTING_NAMES - LIBRARY_VARIABLES - {"API_BASE_URL"}
    assert not unknown, f"not settings: {unknown}"
