import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.config import BACKEND_DIR, ConfigError, load_settings


def settings(**values: object):  # type: ignore[no-untyped-def]
    return load_settings(_env_file=None, **values)


def test_defaults_suit_local_development(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ENVIRONMENT", "DATABASE_URL", "DATA_DIR", "BUILD_SHA", "PORT"):
        monkeypatch.delenv(name, raising=False)
    defaults = settings()
    assert defaults.environment == "development"
    assert defaults.embedded_database
    assert defaults.data_dir == BACKEND_DIR / ".data"
    assert (defaults.host, defaults.port) == ("127.0.0.1", 8000)
    assert defaults.build_sha == "dev"
    assert defaults.log_level == "INFO"
    assert defaults.allowed_origins == ["*"]


def test_values_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "9001")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    monkeypatch.setenv("CORS_ORIGINS", "https://a.example, https://b.example")
    loaded = settings()
    assert loaded.port == 9001
    assert loaded.log_level == "DEBUG"
    assert loaded.allowed_origins == ["https://a.example", "https://b.example"]


STRONG_TOKEN = "8f1c2a9e7b3d4f60a1e2c3b4d5e6f708"
PRODUCTION = {
    "environment": "production",
    "database_url": "postgresql+asyncpg://db/looped",
    "admin_token": STRONG_TOKEN,
}


def test_production_allows_no_origin_unless_configured() -> None:
    assert settings(**PRODUCTION).allowed_origins == []


@pytest.mark.parametrize("origins", ["*", "https://app.example, *"])
def test_production_refuses_a_wildcard_origin(origins: str) -> None:
    with pytest.raises(ConfigError, match="CORS_ORIGINS"):
        settings(**{**PRODUCTION, "cors_origins": origins})


def test_rate_limits_fail_open_unless_told(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RATE_LIMIT_FAIL", raising=False)
    assert settings().rate_limit_fail == "open"
    assert settings(rate_limit_fail="closed").rate_limit_fail == "closed"


@pytest.mark.parametrize(
    "token",
    [None, "", "short", "change-me-to-a-long-random-admin-token-of-32-plus-chars"],
    ids=["unset", "empty", "short", "example-value"],
)
def test_production_refuses_a_weak_admin_token(token: str | None) -> None:
    with pytest.raises(ConfigError, match="ADMIN_TOKEN must be set in production"):
        settings(**{**PRODUCTION, "admin_token": token})


def test_development_runs_without_an_admin_token() -> None:
    assert settings(admin_token="").admin_token is None


def test_the_admin_token_is_never_shown() -> None:
    shown = repr(settings(**PRODUCTION)) + str(settings(**PRODUCTION).model_dump())
    assert STRONG_TOKEN not in shown


def test_relative_data_dir_is_anchored_to_the_backend() -> None:
    assert settings(data_dir="var/data").data_dir == BACKEND_DIR / "var/data"


@pytest.mark.parametrize(
    ("values", "variable"),
    [
        ({"port": "eighty"}, "PORT"),
        ({"port": 70000}, "PORT"),
        ({"environment": "staging"}, "ENVIRONMENT"),
        ({"log_level": "loud"}, "LOG_LEVEL"),
        ({"database_url": "postgresql://db/x"}, "DATABASE_URL"),
        ({"db_pool_size": 0}, "DB_POOL_SIZE"),
        ({"rate_limit": "lots"}, "RATE_LIMIT"),
        ({"redis_url": "localhost:6379"}, "REDIS_URL"),
    ],
)
def test_invalid_values_name_the_variable(values: dict, variable: str) -> None:
    with pytest.raises(ConfigError) as raised:
        settings(**values)
    message = str(raised.value)
    assert message.startswith("Invalid configuration:")
    assert f"{variable}:" in message


def test_production_refuses_the_embedded_database() -> None:
    with pytest.raises(ConfigError, match="DATABASE_URL must be set in production"):
        settings(environment="production")


def test_cli_stops_at_start_up_with_the_message(tmp_path: Path) -> None:
    env = {**os.environ, "PORT": "not-a-port"}
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "export-openapi", str(tmp_path / "o.json")],
        cwd=BACKEND_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "Invalid configuration:" in result.stderr
    assert "PORT:" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("values", "configured"),
    [
        ({}, False),
        ({"openai_api_key": "  "}, False),
        ({"openai_api_key": "sk-test"}, True),
        ({"openai_base_url": "http://127.0.0.1:11434/v1/"}, True),
    ],
)
def test_ai_is_configured_by_a_key_or_a_compatible_server(
    monkeypatch: pytest.MonkeyPatch, values: dict[str, str], configured: bool
) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    assert settings(**values).ai_configured is configured


def test_the_model_server_url_is_normalised() -> None:
    loaded = settings(openai_base_url="http://127.0.0.1:11434/v1/")
    assert loaded.openai_base_url == "http://127.0.0.1:11434/v1"
    with pytest.raises(ConfigError, match="OPENAI_BASE_URL: .*http://"):
        settings(openai_base_url="127.0.0.1:11434")


def test_a_model_call_may_outlast_a_lease_it_renews() -> None:
    assert settings(openai_timeout=60, audit_lease_seconds=30).openai_timeout == 60
