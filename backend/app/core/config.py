"""Application settings, read once from the environment and `.env`."""

import ipaddress
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from fastapi import Depends, Request
from limits import parse_many
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

BACKEND_DIR = Path(__file__).resolve().parents[2]

Environment = Literal["development", "test", "production"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


MIN_ADMIN_TOKEN_LENGTH = 32
# Values shipped in examples and compose files must never guard a real deployment.
PLACEHOLDER_SECRETS = frozenset(
    {"change-me-to-a-long-random-admin-token-of-32-plus-chars"}
)


class ModelPrice(BaseModel):
    """A model's list price, in US dollars per million tokens."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    prompt: float = Field(ge=0)
    completion: float = Field(ge=0)


# OpenAI's list prices for standard (uncached) tokens when this table was written;
# MODEL_PRICES adds models (a local one at 0) or overrides these. A dated snapshot
# (gpt-5-mini-2025-08-07) is priced as the longest name here that begins it.
DEFAULT_MODEL_PRICES: dict[str, ModelPrice] = {
    "gpt-5": ModelPrice(prompt=1.25, completion=10.0),
    "gpt-5-mini": ModelPrice(prompt=0.25, completion=2.0),
    "gpt-5-nano": ModelPrice(prompt=0.05, completion=0.4),
    "gpt-4.1": ModelPrice(prompt=2.0, completion=8.0),
    "gpt-4.1-mini": ModelPrice(prompt=0.4, completion=1.6),
    "gpt-4.1-nano": ModelPrice(prompt=0.1, completion=0.4),
    "gpt-4o": ModelPrice(prompt=2.5, completion=10.0),
    "gpt-4o-mini": ModelPrice(prompt=0.15, completion=0.6),
}


class ConfigError(SystemExit):
    """Start-up stops with a message that names every bad variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=(BACKEND_DIR.parent / ".env", BACKEND_DIR / ".env"),
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
    )

    environment: Environment = "development"
    database_url: str = ""
    # The schema owner's connection, for migrations; empty: DATABASE_URL's.
    migration_database_url: str = ""
    data_dir: Path = BACKEND_DIR / ".data"
    build_sha: str = "dev"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    log_level: LogLevel = "INFO"
    # None means "not configured": development then allows every origin.
    cors_origins: Annotated[list[str] | None, NoDecode] = None
    # Bytes a request body may have; a larger one is refused before it is read.
    max_body_bytes: int = Field(default=64 * 1024, ge=1024, le=64 * 1024 * 1024)
    db_pool_size: int = Field(default=10, ge=1, le=80)
    db_pool_timeout: float = Field(default=10.0, gt=0, le=300)
    db_connect_timeout: float = Field(default=5.0, gt=0, le=60)
    # Unset disables the admin API; production requires a strong value.
    admin_token: SecretStr | None = None
    # Requests per API key (or client address), e.g. "60/minute"; empty turns it off.
    rate_limit: str = "60/minute"
    # Proxies whose X-Forwarded-For names the client: addresses or networks,
    # comma-separated, or "*". Empty trusts none, so a caller cannot pick the
    # address its failed attempts are counted under.
    forwarded_allow_ips: str = ""
    # Empty keeps rate-limit counts in memory, per process.
    redis_url: str = ""
    # While Redis cannot be reached: "open" serves requests without limits (and
    # warns), "closed" refuses the limited routes with 503 until it answers.
    rate_limit_fail: Literal["open", "closed"] = "open"
    # Set, /metrics asks for `Authorization: Bearer <METRICS_TOKEN>`; unset, it
    # answers anyone who can reach it.
    metrics_token: SecretStr | None = None
    # AI reviews: configured when either the key or an OpenAI-compatible server is set.
    openai_api_key: SecretStr | None = None
    openai_base_url: str = ""
    openai_model: str = "gpt-5-mini"
    openai_timeout: float = Field(default=60.0, gt=0, le=600)
    openai_max_output_tokens: int = Field(default=4000, ge=256, le=100_000)
    # Characters of the document a review sends the model (the post and its
    # replies, as JSON): replies that would pass it are left out, newest first.
    audit_max_prompt_chars: int = Field(default=100_000, ge=20_000, le=2_000_000)
    # Per team: audits pending or running at once, and model tokens its audits
    # may use per UTC day (0: no budget). Over either, creates and retries are 429.
    audit_max_active_per_team: int = Field(default=100, ge=1, le=1_000_000)
    audit_daily_token_budget: int = Field(default=2_000_000, ge=0)
    # Per team, on top of RATE_LIMIT: audits created, and retried, e.g.
    # "30/minute"; empty turns the limit off.
    audit_create_limit: str = "30/minute"
    audit_retry_limit: str = "10/minute"
    # Times one audit may be re-armed through the retry endpoint.
    audit_max_retries: int = Field(default=3, ge=0, le=100)
    audit_max_attempts: int = Field(default=5, ge=1, le=50)
    audit_backoff_seconds: float = Field(default=2.0, gt=0, le=3600)
    audit_backoff_max_seconds: float = Field(default=300.0, gt=0, le=86_400)
    # How long a claimed audit stays with its worker, renewed every third of it
    # while the model call runs; a killed worker's audits become claimable again
    # once it runs out.
    audit_lease_seconds: float = Field(default=120.0, gt=0, le=86_400)
    audit_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    audit_concurrency: int = Field(default=4, ge=1, le=64)
    # The API process runs a worker too, so one process is a whole system.
    audit_worker: bool = True
    # Tracing is on when this is set: spans go there by OTLP over HTTP (the
    # exporter reads the other OTEL_EXPORTER_OTLP_* variables itself).
    otel_exporter_otlp_endpoint: str = ""
    otel_service_name: str = ""
    # Seconds between comments on an idle live stream, so proxies keep it open.
    events_heartbeat_seconds: float = Field(default=15.0, gt=0, le=300)
    # People: "open" lets anyone sign up and create a team; "invite" (the
    # production default) admits people by invitation only.
    signup: Literal["open", "invite"] | None = None
    session_idle_hours: float = Field(default=72.0, gt=0, le=24 * 90)
    session_max_days: float = Field(default=30.0, gt=0, le=365)
    invitation_days: float = Field(default=7.0, gt=0, le=90)
    password_reset_minutes: float = Field(default=60.0, gt=0, le=24 * 60)
    # Attempts per email and per client address at signing in and asking for a
    # password reset, e.g. "10/15 minutes".
    sign_in_limit: str = "10/15 minutes"
    # The web app's address, for the links in invitation and reset emails.
    web_url: str = "http://localhost:3000"
    # Mail goes out over SMTP when SMTP_HOST is set; otherwise links are logged.
    smtp_host: str = ""
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str = ""
    smtp_password: SecretStr | None = None
    smtp_from: str = "Looped Needle <no-reply@localhost>"
    # "starttls" upgrades a plain connection, "tls" connects over TLS, "none" is
    # for a relay on a trusted network.
    smtp_security: Literal["starttls", "tls", "none"] = "starttls"
    smtp_timeout: float = Field(default=10.0, gt=0, le=120)
    # JSON, e.g. {"llama3.1": {"prompt": 0, "completion": 0}}: merged over the
    # default table, for the usage report's estimated cost.
    model_prices: dict[str, ModelPrice] = Field(
        default_factory=lambda: dict(DEFAULT_MODEL_PRICES)
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("database_url", "migration_database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        if value and not value.startswith("postgresql+asyncpg://"):
            raise ValueError("must start with postgresql+asyncpg:// (or be empty)")
        return value

    @field_validator(
        "rate_limit", "sign_in_limit", "audit_create_limit", "audit_retry_limit"
    )
    @classmethod
    def _parse_rate_limit(cls, value: str) -> str:
        if value.strip():
            try:
                parse_many(value)
            except ValueError:
                raise ValueError(
                    'must look like "60/minute" or "10/second;1000/day"'
                ) from None
        return value.strip()

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _addresses_or_networks(cls, value: str) -> str:
        entries = [entry.strip() for entry in value.split(",") if entry.strip()]
        if entries == ["*"]:
            return "*"
        for entry in entries:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(
                    f"{entry!r} is not an address or a network (e.g. 10.0.0.0/8)"
                ) from None
        return ",".join(entries)

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str) -> str:
        if value and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value

    @field_validator("openai_base_url")
    @classmethod
    def _http_base_url(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https:// (or be empty)")
        return value.strip().rstrip("/")

    @field_validator("admin_token", "openai_api_key", "metrics_token", mode="before")
    @classmethod
    def _empty_token_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("model_prices")
    @classmethod
    def _over_the_defaults(cls, value: dict[str, ModelPrice]) -> dict[str, ModelPrice]:
        return {**DEFAULT_MODEL_PRICES, **value}

    @field_validator("data_dir")
    @classmethod
    def _anchor_data_dir(cls, value: Path) -> Path:
        # Relative paths are anchored to backend/ so every entry point (CLI, tests,
        # uvicorn from any working directory) finds the same embedded database.
        return value if value.is_absolute() else BACKEND_DIR / value

    @model_validator(mode="after")
    def _production_is_locked_down(self) -> "Settings":
        if self.environment != "production":
            return self
        if not self.database_url:
            raise ValueError(
                "DATABASE_URL must be set in production; "
                "the embedded PostgreSQL is for development and tests"
            )
        if self.cors_origins is not None and "*" in self.cors_origins:
            raise ValueError(
                "CORS_ORIGINS may not allow every origin (*) in production; "
                "name the web app's origins"
            )
        token = self.admin_token.get_secret_value() if self.admin_token else ""
        if len(token) < MIN_ADMIN_TOKEN_LENGTH or token in PLACEHOLDER_SECRETS:
            raise ValueError(
                f"ADMIN_TOKEN must be set in production to a random value of at "
                f"least {MIN_ADMIN_TOKEN_LENGTH} characters (openssl rand -hex 32)"
            )
        return self

    @property
    def allowed_origins(self) -> list[str]:
        if self.cors_origins is not None:
            return self.cors_origins
        return ["*"] if self.environment == "development" else []

    @property
    def signup_open(self) -> bool:
        default = "invite" if self.environment == "production" else "open"
        return (self.signup or default) == "open"

    @property
    def ai_configured(self) -> bool:
        return self.openai_api_key is not None or bool(self.openai_base_url)

    @property
    def embedded_database(self) -> bool:
        return not self.database_url


def _describe(error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        name = "_".join(str(part) for part in item["loc"]).upper() or "SETTINGS"
        lines.append(f"  {name}: {item['msg']}")
    return "Invalid configuration:\n" + "\n".join(lines)


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        raise ConfigError(_describe(error)) from None


@lru_cache
def get_settings() -> Settings:
    return load_settings()


async def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
