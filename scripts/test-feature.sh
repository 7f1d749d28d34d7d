#!/usr/bin/env bash
# make feature in a temporary copy of this checkout: the new folder's contract stub
# fails the contract gate, and passes it once it states an operation the API serves.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
python="$root/backend/.venv/bin/python"
copy=$(mktemp -d)
trap 'rm -rf "$copy"' EXIT

cd "$root"
git ls-files -z --cached --others --exclude-standard \
  | while IFS= read -r -d '' path; do [[ -e $path ]] && printf '%s\0' "$path"; done \
  | tar --null -T - -cf - | tar -xf - -C "$copy"

# shellcheck source=lib/checks.sh
source "$root/scripts/lib/checks.sh"

gate() {
  (cd "$copy/backend" && "$python" -m pytest tests/contract/test_contracts.py \
    -k "matches and $name" -p no:cacheprovider -q >"$copy/gate.log" 2>&1)
}
created() { [[ -s $copy/specs/$name/spec.md && -s $contract ]]; }
fails_on_stub() { ! gate && grep -q 'replace-me: not served' "$copy/gate.log"; }
passes() { gate || { cat "$copy/gate.log"; false; }; }

make -C "$copy" --no-print-directory feature NAME="Team tag list" >/dev/null
# Spec Kit records the folder it just created as the current feature.
folder=$("$python" -c 'import json, sys; print(json.load(sys.stdin)["feature_directory"])' \
  <"$copy/.specify/feature.json")
name=$(basename "$folder")
contract="$copy/specs/$name/contracts/openapi.yaml"

check "make feature created specs/$name with spec.md and the contract stub" created
check "the contract gate fails on the stub's placeholder operation" fails_on_stub
sed -i -e 's|/v1/teams/{team}/replace-me:|/v1/teams/{team}/posts:|' \
  -e 's|operationId: replaceMe|operationId: listPosts|' "$contract"
check "the contract gate passes once the contract states an operation the API serves" passes

report test-feature
