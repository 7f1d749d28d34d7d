"""The operator CLI, run as a user would, against its own migrated database."""

import asyncio
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from app.core import migrate
from app.core.config import BACKEND_DIR
from app.core.db import asyncpg_dsn
from app.core.tokens import hash_token
from app.people.passwords import verify_password
from tests.support.live_server import api_env, free_port

KEY = re.compile(r"API key \(shown once, store it now\): (ln_\S+)")
DEMO_OWNER = re.compile(r"Demo owner: (\S+) / (\S+) \(shown once")


@pytest.fixture
async def cli_database(empty_database_url: str) -> AsyncIterator[str]:
    await asyncio.to_thread(migrate.upgrade, empty_database_url)
    yield empty_database_url


def looped(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return looped_with_input(database_url, None, *args)


def looped_with_input(
    database_url: str, stdin: str | None, *args: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        cwd=BACKEND_DIR,
        env={**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def fetch(database_url: str, query: str, *args: object) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        return await connection.fetch(query, *args)
    finally:
        await connection.close()


async def test_create_team_prints_a_key_that_is_stored_only_as_a_hash(
    cli_database: str,
) -> None:
    result = looped(cli_database, "create-team", "acme")
    assert result.returncode == 0, result.stderr
    match = KEY.search(result.stdout)
    assert match
    raw_key = match.group(1)
    [row] = await fetch(
        cli_database,
        "SELECT k.key_hash, k.prefix, t.name "
        "FROM api_key k JOIN team t ON t.id = k.team_id",
    )
    assert row["key_hash"] == hash_token(raw_key)
    assert row["prefix"] == raw_key[:11]
    assert row["name"] == "acme"


async def test_create_team_refuses_bad_and_taken_names(cli_database: str) -> None:
    assert looped(cli_database, "create-team", "acme").returncode == 0
    taken = looped(cli_database, "create-team", "acme")
    assert taken.returncode == 1
    assert "already exists (CONFLICT)" in taken.stderr
    bad = looped(cli_database, "create-team", "Not A Slug")
    assert bad.returncode == 2
    assert "pattern" in bad.stderr and "Traceback" not in bad.stderr


async def test_keys_can_be_created_listed_and_revoked(cli_database: str) -> None:
    looped(cli_database, "create-team", "acme")
    created = looped(cli_database, "create-key", "acme", "--name", "ci")
    raw_key = KEY.search(created.stdout).group(1)  # type: ignore[union-attr]
    listing = looped(cli_database, "list-keys", "acme").stdout
    assert "default" in listing and "ci" in listing and raw_key not in listing
    key_id = next(line.split()[0] for line in listing.splitlines() if " ci " in line)

    assert looped(cli_database, "revoke-key", "acme", key_id).returncode == 0
    [row] = await fetch(
        cli_database,
        "SELECT revoked_at FROM api_key WHERE key_hash = $1",
        hash_token(raw_key),
    )
    assert row["revoked_at"] is not None
    again = looped(cli_database, "revoke-key", "acme", key_id)
    assert again.returncode == 1 and "NOT_FOUND" in again.stderr
    unknown_team = looped(cli_database, "list-keys", "nobody")
    assert unknown_team.returncode == 1 and "Team not found" in unknown_team.stderr


async def test_seed_creates_demo_threads_once_then_only_new_keys(
    cli_database: str,
) -> None:
    first = looped(cli_database, "seed")
    assert first.returncode == 0, first.stderr
    posts = await fetch(
        cli_database,
        "SELECT p.parent_post_id, p.tags FROM post p JOIN team t ON t.id = p.team_id "
        "WHERE t.name = 'demo'",
    )
    threads = [p for p in posts if p["parent_post_id"] is None]
    assert len(threads) == 3 and len(posts) > len(threads)
    assert any(p["tags"] != "[]" for p in threads)

    owner = DEMO_OWNER.search(first.stdout)
    assert owner, first.stdout
    assert await _signs_in(cli_database, owner.group(1), owner.group(2))

    second = looped(cli_database, "seed")
    assert KEY.search(second.stdout).group(1) != KEY.search(first.stdout).group(1)  # type: ignore[union-attr]
    assert DEMO_OWNER.search(second.stdout) is None, "a password is shown once"
    assert len(await fetch(cli_database, "SELECT id FROM post")) == len(posts)
    assert len(await fetch(cli_database, "SELECT id FROM api_key")) == 2


async def _signs_in(database_url: str, email: str, password: str) -> bool:
    rows = await fetch(
        database_url,
        "SELECT u.password_hash, m.role FROM user_account u "
        "JOIN membership m ON m.user_id = u.id JOIN team t ON t.id = m.team_id "
        "WHERE u.email = $1 AND t.name = 'demo'",
        email,
    )
    return (
        len(rows) == 1
        and rows[0]["role"] == "owner"
        and await verify_password(password, rows[0]["password_hash"])
    )


def test_create_user_makes_the_first_owner(cli_database: str) -> None:
    created = looped_with_input(
        cli_database,
        "a long passphrase\na long passphrase\n",
        "create-user",
        "Ada@Example.com",
        "--owner-of",
        "lab",
    )
    assert created.returncode == 0, created.stderr
    assert "created ada@example.com, owner of lab" in created.stdout
    short = looped_with_input(cli_database, "short\nshort\n", "create-user", "b@x.io")
    assert short.returncode == 2 and "at least 10 characters" in short.stderr
    taken = looped_with_input(
        cli_database,
        "a long passphrase\na long passphrase\n",
        "create-user",
        "ada@example.com",
    )
    assert taken.returncode == 1 and "EMAIL_TAKEN" in taken.stderr


def test_a_worker_without_ai_configured_says_how_to_configure_it(
    database_url: str,
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "worker"],
        cwd=BACKEND_DIR,
        env={
            **os.environ,
            "DATABASE_URL": database_url,
            "OPENAI_API_KEY": "",
            "OPENAI_BASE_URL": "",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "OPENAI_API_KEY" in result.stderr
    assert "OPENAI_BASE_URL" in result.stderr


def test_serve_with_workers_and_no_redis_warns_that_limits_are_per_process(
    cli_database: str, tmp_path: Path
) -> None:
    output = tmp_path / "serve.log"
    port = free_port()
    with output.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--port", str(port)]
            + ["--workers", "2"],
            cwd=BACKEND_DIR,
            env={**os.environ, **api_env(cli_database, LOG_LEVEL="INFO", REDIS_URL="")},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while "per process" not in output.read_text():
                assert server.poll() is None, output.read_text()
                assert time.monotonic() < deadline, output.read_text()
                time.sleep(0.2)
        finally:
            server.terminate()
            server.wait(timeout=30)
    warning = next(
        json.loads(line)
        for line in output.read_text().splitlines()
        if "per process" in line
    )
    assert warning["level"] == "WARNING"
    assert "REDIS_URL" in warning["message"]
