"""Fails when `specify integration status` has any finding, Spec Kit's own files were
edited, come from another version than the pinned CLI, or an override is behind the
core template it was merged from.

Run with the pinned CLI's interpreter (`make check-speckit`); the file hashes of the
recorded integrations are Spec Kit's to check, through
`specify integration status --json`, and Copilot's, installed beside them, are checked
here against its manifest.
"""

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SPECIFY = Path(sys.executable).parent / "specify"
CUSTOMIZATIONS = ROOT / ".specify" / "CUSTOMIZATIONS.md"
OVERRIDE_ROW = re.compile(
    r"^\| `overrides/(?P<override>[\w.-]+)` \| `(?P<core>templates/[\w.-]+)` "
    r"\| `(?P<sha256>[0-9a-f]{64})` \|",
    re.MULTILINE,
)


def specify(*args: str) -> str:
    return subprocess.run(
        [str(SPECIFY), *args], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout


def status_problems(report: dict[str, Any]) -> list[str]:
    problems = [
        f"{finding['severity']} {finding['code']}: {finding['message']}"
        for finding in report["findings"]
    ]
    if report["status"] != "ok" and not problems:
        problems.append(f"specify integration status is {report['status']}")
    return problems


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def unrecorded_problems(report: dict[str, Any]) -> list[str]:
    """Checks the integrations installed beside the project's own (Copilot, see
    scripts/speckit-upgrade.py) as `specify integration status` checks those it
    records: every file in the manifest present and unmodified."""
    checked = set(report["manifest_checked_integrations"])
    problems = []
    for manifest in sorted((ROOT / ".specify" / "integrations").glob("*.json")):
        key = manifest.name.removesuffix(".manifest.json")
        if key in checked:
            continue
        for path, recorded in json.loads(manifest.read_text())["files"].items():
            if not (ROOT / path).is_file():
                problems.append(f"{path}: missing ({key})")
            elif sha256(ROOT / path) != recorded:
                problems.append(f"{path}: modified ({key})")
    return problems


def version_problems(cli_version: str) -> list[str]:
    recorded = {
        path.name: json.loads(path.read_text())["version"]
        for path in [
            ROOT / ".specify" / "integration.json",
            *sorted((ROOT / ".specify" / "integrations").glob("*.manifest.json")),
        ]
    }
    return [
        f"{name} is from Spec Kit {version}, the pinned CLI is {cli_version}: "
        "run make speckit-upgrade"
        for name, version in recorded.items()
        if version != cli_version
    ]


def override_problems() -> list[str]:
    rows = list(OVERRIDE_ROW.finditer(CUSTOMIZATIONS.read_text()))
    overrides = ROOT / ".specify" / "templates" / "overrides"
    listed = {row["override"] for row in rows}
    problems = [
        f"overrides/{path.name} is not in the table of {CUSTOMIZATIONS.name}"
        for path in sorted(overrides.glob("*.md"))
        if path.name not in listed
    ]
    for row in rows:
        core = ROOT / ".specify" / row["core"]
        if sha256(core) != row["sha256"]:
            problems.append(
                f"{row['core']} changed since overrides/{row['override']} was merged "
                f"from it: merge the change, then record its new sha256 in "
                f"{CUSTOMIZATIONS.name}"
            )
    return problems


def main() -> int:
    cli_version = specify("--version").split()[-1]
    report = json.loads(specify("integration", "status", "--json"))
    problems = (
        status_problems(report)
        + unrecorded_problems(report)
        + version_problems(cli_version)
        + override_problems()
    )
    if problems:
        print("check-speckit: Spec Kit's files differ from what it installed:")
        print("\n".join(f"  {problem}" for problem in problems))
        print("Customise through overrides, upgrade with make speckit-upgrade:")
        print(f"see {CUSTOMIZATIONS.relative_to(ROOT)}.")
        return 1
    manifests = sorted((ROOT / ".specify" / "integrations").glob("*.json"))
    tracked = sum(len(json.loads(path.read_text())["files"]) for path in manifests)
    keys = [path.name.removesuffix(".manifest.json") for path in manifests]
    print(
        f"check-speckit: Spec Kit {cli_version}, status ok, manifests "
        f"{', '.join(keys)}: {tracked} managed files unmodified, overrides up to "
        "date with their templates"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
