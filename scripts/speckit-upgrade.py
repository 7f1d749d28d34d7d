"""Reinstalls Spec Kit's files at the pinned version: the templates, scripts and
workflow with Claude Code as the project's integration, and GitHub Copilot's agent and
prompt files beside them.

Spec Kit declares Copilot not multi-install safe (it writes into the shared `.github/`
and merges `.vscode/settings.json`), so recording it next to Claude makes
`specify integration status` report an error that no option clears. Copilot is
therefore installed by Spec Kit in a scratch project, and its files are copied here
with the manifest that records their hashes; `make check-speckit` checks them against
it. Its files are the same as `specify integration install copilot` writes beside
Claude.

Run with the pinned CLI's interpreter (`make speckit-upgrade`).
"""

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPECIFY = Path(sys.executable).parent / "specify"
INTEGRATIONS = Path(".specify") / "integrations"
INIT = ["init", "--here", "--force", "--non-interactive", "--ignore-agent-tools"]
INIT += ["--script", "sh"]
PROJECT = ["--integration", "claude"]
BESIDE = {"copilot": ["--integration", "copilot", "--integration-options=--commands"]}


def specify(cwd: Path, *args: str) -> None:
    subprocess.run([str(SPECIFY), *args], cwd=cwd, check=True)


def managed_files(root: Path, key: str) -> list[Path]:
    manifest = root / INTEGRATIONS / f"{key}.manifest.json"
    if not manifest.exists():
        return []
    return [Path(path) for path in json.loads(manifest.read_text())["files"]]


def install_beside(key: str, options: list[str]) -> None:
    # The previous version's files go first, so a file the new one no longer writes
    # does not linger unchecked.
    for path in managed_files(ROOT, key):
        (ROOT / path).unlink(missing_ok=True)
        for folder in (ROOT / path).parents:
            if folder == ROOT or any(folder.iterdir()):
                break
            folder.rmdir()
    with tempfile.TemporaryDirectory() as scratch:
        specify(Path(scratch), *INIT, *options)
        manifest = INTEGRATIONS / f"{key}.manifest.json"
        for path in [*managed_files(Path(scratch), key), manifest]:
            (ROOT / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Path(scratch) / path, ROOT / path)


def main() -> int:
    specify(ROOT, *INIT, *PROJECT)
    for key, options in BESIDE.items():
        install_beside(key, options)
    print(
        "Review the diff; .specify/CUSTOMIZATIONS.md says what to carry over by hand."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
