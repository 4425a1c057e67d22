#!/usr/bin/env bash
# The test command of the README (and of CI): installs what the tests need, then lint, types,
# layer rules and the whole pytest suite.
set -euo pipefail
source "$(dirname "$0")/bootstrap.sh" test

say "ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
say "mypy (strict)"
.venv/bin/mypy
say "import-linter (layer rules)"
.venv/bin/lint-imports
say "pytest"
# Two processes (pytest-xdist), each with its own PostgreSQL, S3 and live servers; a file's
# tests stay together so module-scoped servers start once. Most of the suite waits on servers
# and sockets, so two processes on two cores finish in under half the time of one.
exec .venv/bin/python -m pytest -n "${LMSDESK_TEST_WORKERS:-2}" --dist loadfile "$@"
