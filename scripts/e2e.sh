#!/usr/bin/env bash
# Playwright against the real backend on a fresh embedded PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${SKIP_E2E:-}" == 1 ]]; then
  echo "e2e: SKIPPED because SKIP_E2E=1 (the browser tests did not run)"
  exit 0
fi
CHROMIUM_PATH=$(scripts/find-chromium.sh)
export CHROMIUM_PATH
rm -rf backend/.data/e2e
cd frontend && npm run --silent e2e
