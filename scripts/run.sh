#!/usr/bin/env bash
# The run command of the README: the server on embedded PostgreSQL with the demo course, then
# the desktop client pointed at it. Closing the client stops the server.
set -euo pipefail

# No display (a server, a container, ssh): the window opens on a virtual X display (Xvfb),
# installed with the rest. Decided first, so the packages are installed in one go.
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ] \
  && [ -z "${LMSDESK_UNDER_XVFB:-}" ]; then
  source "$(dirname "$0")/bootstrap.sh" app-headless
  say "No display found: running LMSDesk on a virtual display (Xvfb)"
  export LMSDESK_UNDER_XVFB=1
  exec xvfb-run -a -s "-screen 0 1280x800x24" bash "$ROOT/scripts/run.sh" "$@"
fi
source "$(dirname "$0")/bootstrap.sh" app

PORT="${LMSDESK_PORT:-8765}"
URL="http://127.0.0.1:${PORT}"
LOG_DIR="${LMSDESK_LOG_DIR:-$ROOT/.lmsdesk-dev}"
mkdir -p "$LOG_DIR"

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
  say "Preparing the demo data (embedded PostgreSQL, migrations, demo course; log: $LOG_DIR/seed.log)"
  if ! .venv/bin/lmsdesk-server seed-demo > "$LOG_DIR/seed.log" 2>&1; then
    echo "Preparing the demo data failed. Last lines of $LOG_DIR/seed.log:" >&2
    tail -n 30 "$LOG_DIR/seed.log" >&2
    exit 1
  fi
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
