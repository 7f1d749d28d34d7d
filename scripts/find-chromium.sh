#!/usr/bin/env bash
# Prints the path of a Chromium for the end-to-end tests, installing Debian's package
# when none is found and this user can (root with apt-get). Exit 3: none available.
set -euo pipefail

candidates=("${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser
  /usr/bin/google-chrome /usr/bin/google-chrome-stable /snap/bin/chromium)
find_one() {
  for candidate in "${candidates[@]}"; do
    if [[ -n "$candidate" && -x "$candidate" ]]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

find_one && exit 0

if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "No Chromium found; installing Debian's chromium package..." >&2
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq && apt-get install -y -qq chromium; } >&2
  find_one && exit 0
fi

cat >&2 <<'MSG'
No Chromium found for the end-to-end tests. Either:
  - install one (Debian/Ubuntu: sudo apt-get install chromium), or
  - point CHROMIUM_PATH at a Chromium or Chrome binary, or
  - set SKIP_E2E=1 to skip the browser tests.
MSG
exit 3
