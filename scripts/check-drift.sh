#!/usr/bin/env bash
# Fails when the regenerated OpenAPI document or client differs from what is committed.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "check-drift: not a git checkout, nothing to compare against" >&2
  exit 0
fi

paths=(frontend/openapi.json frontend/src/client)
changes=$(git status --porcelain --untracked-files=all -- "${paths[@]}")
if [[ -n "$changes" ]]; then
  echo "The generated API client is out of date with the backend:" >&2
  echo "$changes" >&2
  git --no-pager diff --stat -- "${paths[@]}" >&2
  echo >&2
  echo "Run 'make generate-client' and commit frontend/openapi.json and frontend/src/client." >&2
  exit 1
fi
echo "check-drift: OpenAPI document and client match the backend"
