# Sourced by scripts/run.sh and scripts/test.sh: system packages, then the virtualenv in .venv.
# Usage: source scripts/bootstrap.sh app|app-headless|test

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Debian/Ubuntu packages. Qt's libraries and fonts for the window (and for offscreen rendering
# in the tests); libvlc with its plugins for the player (video-output: the picture in a window);
# xcb pieces for a real window under X.
APP_PACKAGES=(libegl1 libgl1 libfontconfig1 libxkbcommon0 libxkbcommon-x11-0 libdbus-1-3
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0
  libxcb-randr0 libxcb-render-util0 libxcb-image0 fonts-dejavu-core libvlc5 vlc-plugin-base
  vlc-plugin-video-output)
# The checkout end-to-end test pays on the test provider's page in headless Chromium, driven by
# Playwright (which needs libatomic1) through Debian's browser, so nothing is downloaded.
# The installer test builds the bundle with PyInstaller, which reads binaries with objdump.
TEST_PACKAGES=("${APP_PACKAGES[@]}" xvfb chromium libatomic1 binutils)
# Running the app on a machine without a display: a virtual X server (xvfb-run needs xauth).
HEADLESS_PACKAGES=("${APP_PACKAGES[@]}" xvfb xauth)

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

missing_packages() {
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
      || printf '%s ' "$pkg"
  done
}

ensure_system_packages() {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    say "Not a Debian/Ubuntu system: make sure Qt 6's runtime libraries and libvlc are installed."
    return 0
  fi
  local missing
  missing=$(missing_packages "$@")
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" -eq 0 ]; then
    say "Installing system packages: $missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "LMSDesk needs these system packages, which are not installed:" >&2
    echo "    $missing" >&2
    echo "Install them with:" >&2
    echo "    sudo apt-get install -y $missing" >&2
    echo "then run this command again." >&2
    exit 1
  fi
}

find_python() {
  local candidate
  for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 \
      && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  echo "LMSDesk needs Python 3.11 or newer (python3 --version says: $(python3 --version 2>&1))." >&2
  exit 1
}

ensure_venv() {
  local python stamp want
  if [ ! -x .venv/bin/python ]; then
    python=$(find_python)
    say "Creating .venv with $python"
    if ! "$python" -m venv .venv 2>/dev/null; then
      rm -rf .venv
      echo "Could not create a virtualenv. On Debian/Ubuntu: sudo apt-get install python3-venv" >&2
      exit 1
    fi
  fi
  # Reinstall only when the project's requirements changed since the last install.
  stamp=.venv/.lmsdesk-installed
  want=$(sha256sum pyproject.toml | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "Installing LMSDesk and its dependencies into .venv (first time: about a minute)"
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e ".[dev]"
    echo "$want" > "$stamp"
  fi
}

case "${1:-app}" in
  app) ensure_system_packages "${APP_PACKAGES[@]}" ;;
  app-headless) ensure_system_packages "${HEADLESS_PACKAGES[@]}" ;;
  test) ensure_system_packages "${TEST_PACKAGES[@]}" ;;
  *) echo "bootstrap.sh: unknown profile $1" >&2; exit 2 ;;
esac
ensure_venv
