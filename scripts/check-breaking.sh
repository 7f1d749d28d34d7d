#!/usr/bin/env bash
# Lists the changes to the API that break existing callers, with Optic, and fails on
# one unless a commit since the base says it is meant.
#
#   scripts/check-breaking.sh                  the exported document against the base's
#   scripts/check-breaking.sh BASE.json HEAD.json   two documents
#
# The base is BREAKING_BASE if set, else where this branch left main, else the last
# release tag (v*), else the previous commit. Its document is the committed
# frontend/openapi.json, which the drift gate keeps equal to the export.
set -euo pipefail
cd "$(dirname "$0")/.."
export OPTIC_TELEMETRY_LEVEL=off NO_UPDATE_NOTIFIER=1
marker=Breaking-API
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Prints Optic's report; 0 when nothing breaks, 1 when something does, 2 when Optic
# could not compare the documents.
compare() {
  local status=0
  tools/optic/node_modules/.bin/optic diff "$1" "$2" --check \
    --standard tools/optic/breaking-changes.yml >"$work/report" 2>&1 || status=$?
  cat "$work/report"
  if ((status == 0)); then
    return 0
  elif grep -q 'Checks: ' "$work/report"; then
    return 1
  fi
  echo "check-breaking: Optic could not compare $1 and $2" >&2
  return 2
}

if (($# == 2)); then
  compare "$1" "$2"
  exit
fi
if (($# != 0)); then
  echo "usage: $0 [BASE.json HEAD.json]" >&2
  exit 2
fi

fork_point() {
  local main fork
  for main in origin/main main; do
    if fork=$(git merge-base HEAD "$main" 2>/dev/null) && [[ $fork != $(git rev-parse HEAD) ]]; then
      echo "$fork"
      return
    fi
  done
  return 1
}

if [[ -n ${BREAKING_BASE:-} ]]; then
  base=$BREAKING_BASE label="BREAKING_BASE"
elif base=$(fork_point); then
  label="where this branch left main"
elif base=$(git describe --tags --abbrev=0 --match 'v[0-9]*' HEAD^ 2>/dev/null); then
  label="the last release, $base"
else
  base=HEAD^ label="the previous commit"
fi
if ! base_sha=$(git rev-parse --short --verify -q "$base^{commit}"); then
  echo "check-breaking: no $label to compare with"
  exit 0
fi
if ! git show "$base:frontend/openapi.json" >"$work/$base_sha.openapi.json" 2>/dev/null; then
  echo "check-breaking: $label ($base_sha) has no frontend/openapi.json, nothing to compare"
  exit 0
fi
backend/.venv/bin/looped export-openapi "$work/working-tree.openapi.json" >/dev/null

echo "check-breaking: the API of this working tree against $label ($base_sha)"
status=0
compare "$work/$base_sha.openapi.json" "$work/working-tree.openapi.json" || status=$?
if ((status != 1)); then
  exit "$status"
fi
reasons=$(git log --format="%(trailers:key=$marker,valueonly)" "$base..HEAD" | sed '/^$/d')
if [[ -n $reasons ]]; then
  echo "check-breaking: breaking changes accepted, a commit since $base_sha says why:"
  sed 's/^/  /' <<<"$reasons"
  exit 0
fi
echo "check-breaking: these changes break existing callers. Keep the old behaviour, or,"
echo "if the break is meant, say why in the commit message with a trailer line:"
echo "  $marker: <who is affected and what they must change>"
exit 1
