"""The real server in a subprocess, for tools that speak HTTP (schemathesis)."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx

from app.core.config import BACKEND_DIR


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def api_env(database_url: str, **overrides: str) -> dict[str, str]:
    """A test server's environment: its database, limits off, and AI "configured"
    with no worker, so audits can be queued but no model is ever called."""
    return {
        "DATABASE_URL": database_url,
        "ENVIRONMENT": "test",
        "LOG_LEVEL": "WARNING",
        "RATE_LIMIT": "",
        "OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
        "AUDIT_WORKER": "false",
        **overrides,
    }


@contextmanager
def live_server(env: dict[str, str], timeout: float = 60) -> Iterator[str]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        cwd=BACKEND_DIR,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while not _healthy(base_url):
            if server.poll() is not None:
                raise RuntimeError(f"server exited with {server.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError("server did not become healthy")
            time.sleep(0.3)
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def _healthy(base_url: str) -> bool:
    try:
        return httpx.get(f"{base_url}/health/db", timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def seconds_until(condition: Callable[[], bool], timeout: float = 5) -> float:
    """How long `condition` took to hold, polled every 20 ms."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"not within {timeout} s")
        time.sleep(0.02)
    return time.monotonic() - started
