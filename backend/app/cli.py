"""Operator commands: `looped migrate | serve | worker | seed | export-openapi`…"""

import asyncio
import json
import logging
import os
import shutil
import signal
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import FrameType
from typing import Annotated, TypeVar

import typer
import uvicorn
from prometheus_client import start_http_server
from pydantic import TypeAdapter, ValidationError

from app.audits.exceptions import AiNotConfigured
from app.audits.worker import Worker
from app.core import migrate as migrations
from app.core import tracing
from app.core.config import get_settings
from app.core.db import (
    ALL_TEAMS,
    Database,
    Session,
    resolve_database_url,
    resolve_migration_url,
    stop_embedded,
)
from app.core.errors import AppError
from app.core.logging import configure_logging
from app.core.models import parse_id
from app.people import service as people
from app.people.models import AdminUserCreate
from app.seed import DEMO_OWNER, DEMO_TEAM, DemoSeed, is_empty, seed_demo
from app.teams import service as teams
from app.teams.exceptions import ApiKeyNotFound
from app.teams.models import ApiKeyPublic, TeamName

logger = logging.getLogger(__name__)
cli = typer.Typer(no_args_is_help=True, add_completion=False)


def _exit_on_sigterm(signum: int, _: FrameType | None) -> None:
    # SystemExit runs the exit handlers, which stop an embedded server we started.
    sys.exit(128 + signum)


def _migrate() -> None:
    settings = get_settings()
    configure_logging(settings.log_level)
    migrations.upgrade(resolve_migration_url(settings))


T = TypeVar("T")


def _in_transaction(work: Callable[[Session], Awaitable[T]]) -> T:
    """Runs `work` in one committed transaction; app errors become clean exits."""
    settings = get_settings()
    configure_logging(settings.log_level)

    async def run() -> T:
        database = await Database.connect(resolve_database_url(settings), settings)
        try:
            async with database.write(ALL_TEAMS) as session:
                return await work(session)
        finally:
            await database.dispose()

    try:
        return asyncio.run(run())
    except AppError as error:
        typer.echo(f"error: {error.message} ({error.code})", err=True)
        raise typer.Exit(1) from None
    except ValidationError as error:
        problems = "; ".join(item["msg"] for item in error.errors())
        typer.echo(f"error: {problems}", err=True)
        raise typer.Exit(2) from None
    finally:
        stop_embedded(settings)


def _print_key(raw_key: str) -> None:
    # Printed for the operator, never logged: the key exists nowhere else.
    typer.echo(f"API key (shown once, store it now): {raw_key}")


def _print_seed(seeded: DemoSeed) -> None:
    if seeded.owner_password is not None:
        typer.echo(f"Demo owner: {DEMO_OWNER} / {seeded.owner_password} (shown once)")
    _print_key(seeded.key)


def _seed_if_empty() -> None:
    async def seed(session: Session) -> DemoSeed | None:
        return await seed_demo(session) if await is_empty(session) else None

    seeded = _in_transaction(seed)
    if seeded:
        typer.echo(f"Created the '{DEMO_TEAM}' team with demo threads.")
        _print_seed(seeded)


@cli.command()
def migrate() -> None:
    """Apply every pending migration."""
    try:
        _migrate()
    finally:
        stop_embedded(get_settings())
    typer.echo(f"database at revision {migrations.head_revision()}")


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Default: HOST")] = None,
    port: Annotated[int | None, typer.Option(help="Default: PORT")] = None,
    apply_migrations: Annotated[
        bool, typer.Option("--migrate", help="Apply migrations before serving")
    ] = False,
    workers: Annotated[int, typer.Option(min=1)] = 1,
) -> None:
    """Serve the API with uvicorn."""
    settings = get_settings()
    configure_logging(settings.log_level)
    if apply_migrations:
        _migrate()
        if settings.environment == "development":
            _seed_if_empty()
    if workers > 1 and not settings.redis_url:
        logger.warning(
            "rate limits are counted per process: with %d workers a caller gets "
            "up to %d times each limit; set REDIS_URL to share the counts",
            workers,
            workers,
        )
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Workers inherit the variable; stale files from an earlier run would
        # be summed into the new counts, so the folder starts empty.
        metrics_dir = settings.data_dir / "prometheus"
        shutil.rmtree(metrics_dir, ignore_errors=True)
        metrics_dir.mkdir(parents=True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    try:
        uvicorn.run(
            "app.main:create_app",
            factory=True,
            host=host or settings.host,
            port=port or settings.port,
            workers=workers,
            log_config=None,
            access_log=False,
            server_header=False,
            # uvicorn would trust loopback's X-Forwarded-For unless told.
            proxy_headers=bool(settings.forwarded_allow_ips),
            forwarded_allow_ips=settings.forwarded_allow_ips or None,
        )
    finally:
        stop_embedded(settings)


@cli.command()
def worker(
    concurrency: Annotated[
        int | None, typer.Option(min=1, help="Default: AUDIT_CONCURRENCY")
    ] = None,
    metrics_port: Annotated[
        int | None, typer.Option(help="Serve Prometheus metrics on this port")
    ] = None,
) -> None:
    """Process queued audits (alongside the API's own worker, on any host)."""
    settings = get_settings()
    configure_logging(settings.log_level)
    if not settings.ai_configured:
        typer.echo(f"error: {AiNotConfigured.message}", err=True)
        raise typer.Exit(2)
    if concurrency is not None:
        settings = settings.model_copy(update={"audit_concurrency": concurrency})
    if metrics_port is not None:
        start_http_server(metrics_port, addr=settings.host)
    tracing.configure(settings)

    async def run() -> None:
        # A stop signal cancels the worker, which hands its audits back first.
        work = asyncio.current_task()
        assert work is not None
        loop = asyncio.get_running_loop()
        for stop_signal in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(stop_signal, work.cancel)
        database = await Database.connect(resolve_database_url(settings), settings)
        try:
            await Worker(database, settings).run()
        except asyncio.CancelledError:
            pass
        finally:
            tracing.shutdown()
            await database.dispose()

    try:
        asyncio.run(run())
    finally:
        stop_embedded(settings)


@cli.command()
def seed() -> None:
    """Create the demo team with threads (or a new demo key if it exists)."""
    _print_seed(_in_transaction(seed_demo))


@cli.command("create-team")
def create_team(name: str) -> None:
    """Create a team and print its first API key."""

    async def create(session: Session) -> str:
        _, raw_key = await teams.create_team(
            session, TypeAdapter(TeamName).validate_python(name)
        )
        return raw_key

    _print_key(_in_transaction(create))


@cli.command("create-user")
def create_user(
    email: str,
    owner_of: Annotated[
        str | None, typer.Option(help="A team the user owns; created if missing")
    ] = None,
    name: Annotated[
        str | None, typer.Option(help="Display name; default: the email's local part")
    ] = None,
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            show_default=False,
            help="Prompted for when not given (also read from stdin)",
        ),
    ] = "",
) -> None:
    """Create an account, e.g. the first one: --owner-of makes it a team's owner."""

    async def create(session: Session) -> str:
        body = AdminUserCreate(
            email=email,
            display_name=name or email.partition("@")[0],
            password=password,
            owner_of=owner_of,
        )
        if body.owner_of is None:
            user = await people.create_user(
                session, body.email, body.display_name, body.password
            )
            return f"created {user.email}"
        user, team = await people.create_owner(
            session, body.email, body.display_name, body.password, body.owner_of
        )
        return f"created {user.email}, owner of {team.name}"

    typer.echo(_in_transaction(create))


@cli.command("create-key")
def create_key(
    team: str, name: Annotated[str, typer.Option(help="A label")] = "cli"
) -> None:
    """Create an API key for a team and print it."""

    async def create(session: Session) -> str:
        found = await teams.get_team(session, team)
        _, raw_key = await teams.insert_key(session, found.id, name)
        return raw_key

    _print_key(_in_transaction(create))


@cli.command("list-keys")
def list_keys(team: str) -> None:
    """List a team's API keys (never the keys themselves)."""

    async def collect(session: Session) -> list[ApiKeyPublic]:
        found = await teams.get_team(session, team)
        return await teams.list_api_keys(session, found.id)

    for key in _in_transaction(collect):
        state = (
            f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "active"
        )
        used = f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never"
        typer.echo(f"{key.id}  {key.prefix}…  {key.name:<16} {state:<24} used {used}")


@cli.command("revoke-key")
def revoke_key(team: str, key_id: str) -> None:
    """Revoke an API key; it is refused from the next request on."""

    async def revoke(session: Session) -> None:
        found = await teams.get_team(session, team)
        await teams.revoke_api_key(session, found.id, parse_id(key_id, ApiKeyNotFound))

    _in_transaction(revoke)
    typer.echo(f"revoked {key_id}")


@cli.command("export-openapi")
def export_openapi(path: Path) -> None:
    """Write the OpenAPI document without starting a server or a database."""
    from app.main import create_app

    document = create_app().openapi()
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    typer.echo(f"wrote {path}")


def main() -> None:
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    cli()


if __name__ == "__main__":
    main()
