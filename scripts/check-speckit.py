"""Fails when Spec Kit's own files were edited, come from another version than the
pinned CLI, or an override is behind the core template it was merged from.

Run with the pinned CLI's interpreter (`make check-speckit`); the file hashes are
Spec Kit's to check, through `specify integration status --json`.
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
# Copilot shares `.github/` with other tools, so Spec Kit never declares it safe beside
# another integration; ours write to disjoint folders (see CUSTOMIZATIONS.md).
ACCEPTED_FINDING = ("unsafe-multi-install", "copilot")
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
    problems = []
    for key, manifest in report["manifests"].items():
        for kind in ("modified", "missing", "invalid"):
            paths = manifest[f"{kind}_files"]
            problems += [f"{path}: {kind} ({key})" for path in paths]
    if report["unchecked_manifests"]:
        problems.append(f"{report['unchecked_manifests']} manifest(s) not checked")
    for finding in report["findings"]:
        code, message = finding["code"], finding["message"]
        if (code, message.rsplit(": ", 1)[-1]) != ACCEPTED_FINDING:
            problems.append(f"{finding['severity']} {code}: {message}")
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
        if hashlib.sha256(core.read_bytes()).hexdigest() != row["sha256"]:
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
        status_problems(report) + version_problems(cli_version) + override_problems()
    )
    if problems:
        print("check-speckit: Spec Kit's files differ from what it installed:")
        print("\n".join(f"  {problem}" for problem in problems))
        print("Customise through overrides, upgrade with make speckit-upgrade:")
        print(f"see {CUSTOMIZATIONS.relative_to(ROOT)}.")
        return 1
    tracked = sum(m["tracked_files"] for m in report["manifests"].values())
    print(
        f"check-speckit: Spec Kit {cli_version}, integrations "
        f"{', '.join(report['installed_integrations'])}: {tracked} managed files "
        "unmodified, overrides up to date with their templates"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
