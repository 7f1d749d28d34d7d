"""Operator commands: `looped migrate | serve | export-openapi`."""

import json
import os
import shutil
import signal
import sys
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer
import uvicorn

from app.core import migrate as migrations
from app.core.config import get_settings
from app.core.db import resolve_database_url, stop_embedded
from app.core.logging import configure_logging

cli = typer.Typer(no_args_is_help=True, add_completion=False)


def _exit_on_sigterm(signum: int, _: FrameType | None) -> None:
    # SystemExit runs the exit handlers, which stop an embedded server we started.
    sys.exit(128 + signum)


def _migrate() -> None:
    settings = get_settings()
    configure_logging(settings.log_level)
    migrations.upgrade(resolve_database_url(settings))


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
        )
    finally:
        stop_embedded(settings)


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
