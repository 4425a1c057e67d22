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
exec .venv/bin/python -m pytest "$@"
