#!/usr/bin/env bash
# Runs the API and the web app together; Ctrl-C (or SIGTERM) stops both, and the
# API's shutdown stops the embedded PostgreSQL.
set -uo pipefail
cd "$(dirname "$0")/.."

backend_port=${PORT:-8000}
export API_BASE_URL=${API_BASE_URL:-http://127.0.0.1:${backend_port}}

# The settings the API will read (the shell, then .env), so the banner cannot
# claim one environment while the API runs in another.
environment=$(cd backend && .venv/bin/python -c \
  'from app.core.config import get_settings; print(get_settings().environment)') || exit 1

# Each side gets its own process group so that stopping it reaches every child
# (next dev forks workers) and nothing is left behind.
# The web app names each browser's address to the API (frontend/client-address.cjs),
# and the API believes it from the web app's address only.
export FORWARDED_ALLOW_IPS=${FORWARDED_ALLOW_IPS:-127.0.0.1}
setsid backend/.venv/bin/looped serve --migrate --port "$backend_port" &
backend=$!
# From its own folder: next.config.ts's imports resolve against the working directory.
(cd frontend && NODE_OPTIONS="--require ./client-address.cjs" \
  exec setsid node_modules/.bin/next dev --hostname 127.0.0.1 --port 3000) &
frontend=$!

stop() {
  trap - INT TERM
  echo "Stopping..."
  kill -TERM -- "-$frontend" "-$backend" 2>/dev/null
  wait "$backend" "$frontend" 2>/dev/null
  exit 0
}
trap stop INT TERM

for _ in $(seq 1 240); do
  if python3 -c "import urllib.request as u; u.urlopen('${API_BASE_URL}/health/db', timeout=1)" 2>/dev/null; then
    cat <<MSG

  Looped Needle is running (ENVIRONMENT=${environment})
    Web app   http://127.0.0.1:3000
    API       ${API_BASE_URL}   (docs: ${API_BASE_URL}/v1/docs)
  Press Ctrl-C to stop.

MSG
    break
  fi
  kill -0 "$backend" 2>/dev/null || break
  sleep 0.5
done

wait -n "$backend" "$frontend"
echo "One side exited; stopping the other." >&2
stop
