#!/usr/bin/env bash
# The run command of the README: the server on embedded PostgreSQL with the demo course, then
# the desktop client pointed at it. Closing the client stops the server.
set -euo pipefail
source "$(dirname "$0")/bootstrap.sh" app

PORT="${LMSDESK_PORT:-8765}"
URL="http://127.0.0.1:${PORT}"
LOG_DIR="${LMSDESK_LOG_DIR:-$ROOT/.lmsdesk-dev}"
mkdir -p "$LOG_DIR"

if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  echo "No display found (DISPLAY and WAYLAND_DISPLAY are unset): the LMSDesk window needs a" >&2
  echo "desktop session. On a headless machine: xvfb-run -a bash scripts/run.sh" >&2
  exit 1
fi

server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    say "Stopping the server"
    kill -TERM "$server_pid" && wait "$server_pid" || true
  fi
}
trap stop_server EXIT INT TERM

if .venv/bin/python -c "import httpx,sys; sys.exit(httpx.get('$URL/api/v1/health', timeout=1).status_code != 200)" 2>/dev/null; then
  say "An LMSDesk server already answers at $URL: using it"
else
  say "Preparing the demo data (embedded PostgreSQL, migrations, demo course)"
  .venv/bin/lmsdesk-server seed-demo
  say "Starting the server at $URL (log: $LOG_DIR/server.log)"
  .venv/bin/lmsdesk-server serve --host 127.0.0.1 --port "$PORT" > "$LOG_DIR/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 300); do
    if ! kill -0 "$server_pid" 2>/dev/null; then
      echo "The server stopped during start-up. Last lines of $LOG_DIR/server.log:" >&2
      tail -n 30 "$LOG_DIR/server.log" >&2
      exit 1
    fi
    .venv/bin/python -c "import httpx,sys; sys.exit(httpx.get('$URL/api/v1/health', timeout=1).status_code != 200)" 2>/dev/null && break
    sleep 0.2
  done
fi

say "Starting LMSDesk. Demo sign-in: student@example.com / lmsdesk-demo"
.venv/bin/lmsdesk --server "$URL"
