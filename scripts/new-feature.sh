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

# Its hints on stderr are for agents that keep no .specify/feature.json; shown on failure.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! created=$(.specify/scripts/bash/create-new-feature.sh --json "$description" 2>"$log"); then
  cat "$log" >&2
  exit 1
fi
name=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["BRANCH_NAME"])' <<<"$created")
folder="specs/$name"

stub=$(<.specify/templates/overrides/openapi-template.yaml)
mkdir -p "$folder/contracts"
printf '%s\n' "${stub//"[###-feature-name]"/"$name"}" >"$folder/contracts/openapi.yaml"

cat <<DONE
Created $folder/spec.md and $folder/contracts/openapi.yaml.
Next, write the spec: by hand, or in Claude Code (in Copilot, /speckit.specify) with
  /speckit-specify SPECIFY_FEATURE_DIRECTORY=$folder <what the feature does>
then /speckit-plan, which fills the contract. The contract gate fails on the stub until
the API serves what the contract states:
  cd backend && .venv/bin/pytest tests/contract -k $name
DONE
