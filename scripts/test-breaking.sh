#!/usr/bin/env bash
# check-breaking on documents with known changes: a pair with five breaks fails and
# names each, a compatible pair passes, and in a scratch clone a removed operation
# fails until a commit carries the Breaking-API trailer.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
fixtures=tools/optic/fixtures
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"

CHECK_OUTPUT="$work/out"
# shellcheck source=lib/checks.sh
source "$root/scripts/lib/checks.sh"
# Runs check-breaking from directory $1 with the rest as arguments; true when it
# exits with $expected and its output has every line of $expect.
run() {
  local status=0 line
  (cd "$1" && scripts/check-breaking.sh "${@:2}") >"$work/out" 2>&1 || status=$?
  [[ $status == "$expected" ]] || return 1
  while IFS= read -r line; do
    grep -qF -- "$line" "$work/out" || return 1
  done <<<"$expect"
}

expected=1 expect="[prevent operation removal]
[prevent response status code removal] must not remove response status code 201
[prevent changing request property to required]
cannot remove response property 'reply_count'
[prevent response property type changes]"
check "five known breaks fail, each named" run . $fixtures/base.yaml $fixtures/breaking.yaml

expected=0 expect="1 operation added, 2 changed"
check "additions pass" run . $fixtures/base.yaml $fixtures/compatible.yaml

# A scratch clone whose base commit documents one operation more than the API serves.
clone=$work/clone
git clone -q "$root" "$clone"
mkdir -p "$clone/tools/optic"
cp scripts/check-breaking.sh "$clone/scripts/"
cp tools/optic/breaking-changes.yml "$clone/tools/optic/"
ln -s "$root/backend/.venv" "$clone/backend/.venv"
ln -s "$root/tools/optic/node_modules" "$clone/tools/optic/node_modules"
commit() { git -C "$clone" -c user.name=test -c user.email=test@example.invalid commit -qa "$@"; }
"$root/backend/.venv/bin/python" - "$clone/frontend/openapi.json" <<'PY'
import json, sys
path = sys.argv[1]
document = json.load(open(path))
document["paths"]["/v1/teams/{team}/legacy"] = {
    "get": {"operationId": "getLegacy", "responses": {"200": {"description": "ok"}}}
}
json.dump(document, open(path, "w"))
PY
commit -m "An operation the API no longer serves"
base=$(git -C "$clone" rev-parse HEAD)
git -C "$clone" checkout -q HEAD^ -- frontend/openapi.json
commit -m "Drop the legacy operation"

export BREAKING_BASE=$base
expected=1 expect="[prevent operation removal]
Breaking-API: <who is affected"
check "a removed operation fails without the trailer" run "$clone"

commit --allow-empty -m "Say why" -m "Breaking-API: nobody calls getLegacy"
expected=0 expect="breaking changes accepted
nobody calls getLegacy"
check "the Breaking-API trailer accepts it" run "$clone"

report test-breaking
