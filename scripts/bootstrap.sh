#!/bin/sh
# Set up everything podtui needs on a fresh Debian/Ubuntu machine, idempotently:
#   system packages (podman, runc, busybox-static; docker-registry with --test),
#   the virtualenv with the package, the offline demo image and the runtime check.
# Re-running it is cheap: each step is skipped when already done.
set -eu
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

missing=""
command -v podman >/dev/null 2>&1 || missing="$missing podman"
command -v runc >/dev/null 2>&1 || missing="$missing runc"
# the demo image needs a *static* busybox (Debian's busybox-static)
if ! [ -x /bin/busybox ] || ! dpkg -s busybox-static >/dev/null 2>&1; then
  missing="$missing busybox-static"
fi
if [ "$want_test" = 1 ]; then
  command -v docker-registry >/dev/null 2>&1 || missing="$missing docker-registry"
  command -v tmux >/dev/null 2>&1 || missing="$missing tmux"
fi

if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing system packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "podtui needs system packages that are missing:$missing" >&2
    echo "run:  sudo apt-get install -y$missing" >&2
    exit 1
  fi
fi

PY=${PYTHON:-python3}
if ! [ -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PY" -m venv .venv
fi
stamp=.venv/.podtui-installed
if ! [ -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "==> installing podtui into .venv"
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
  # pip's output goes to a log, shown only when the install fails
  if ! .venv/bin/python -m pip install -q -e '.[dev]' >.venv/pip-install.log 2>&1; then
    cat .venv/pip-install.log >&2
    echo "pip install failed (log: .venv/pip-install.log)" >&2
    exit 1
  fi
  touch "$stamp"
fi

echo "==> podtui setup (demo image, runtime check)"
.venv/bin/podtui setup
