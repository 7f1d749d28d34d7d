"""Python scripts in processes of their own, for what must span processes
(Prometheus's multiprocess mode)."""

import subprocess
import sys

from app.core.config import BACKEND_DIR


def python_output(script: str, *args: str, env: dict[str, str]) -> str:
    """The script's standard output; a failing script fails the test."""
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        env=env,
        cwd=BACKEND_DIR,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
