#!/usr/bin/env bash
# make feature: Spec Kit numbers and names the folder and writes spec.md; the contract
# stub goes beside it, so the contract gate fails until the feature's operations are
# written down and served.
set -euo pipefail
cd "$(dirname "$0")/.."

description="${1:-}"
if [[ -z "${description// /}" ]]; then
  echo 'usage: make feature NAME="short description of the feature"' >&2
  exit 2
fi

created=$(.specify/scripts/bash/create-new-feature.sh --json "$description")
name=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["BRANCH_NAME"])' <<<"$created")
folder="specs/$name"

stub=$(<.specify/templates/overrides/openapi-template.yaml)
mkdir -p "$folder/contracts"
printf '%s\n' "${stub//"[###-feature-name]"/"$name"}" >"$folder/contracts/openapi.yaml"

cat <<DONE
Created $folder/spec.md and $folder/contracts/openapi.yaml.
Next: write the spec (/speckit-specify in Claude Code or Copilot, or by hand), then
/speckit-plan, which fills the contract; the contract gate fails on the stub until then:
  cd backend && .venv/bin/pytest tests/contract -k $name
DONE
