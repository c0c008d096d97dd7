# Shared by scripts/serve and scripts/test: a virtual environment with Courtwire in it.
# Works on a fresh Debian machine (Python 3.11, root); installs python3-venv if missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

apt_install() {
  if [ "$(id -u)" != 0 ]; then
    echo "Please install: $* (apt-get install $*), or run as root." >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv 2>/dev/null || { rm -rf .venv; apt_install python3-venv; python3 -m venv .venv; }
fi
export PIP_DISABLE_PIP_VERSION_CHECK=1

# Courtwire's import name is `courtwire`; server/ is only the directory of its modules
# (pyproject.toml maps it). The editable install is setuptools' strict mode: a tree of links
# to the project's files (build/__editable__.*/courtwire/), which mypy can follow, unlike the
# default mode's import hook. A file added or removed takes effect at the next install.
install_editable() {
  .venv/bin/pip install -q --config-settings editable_mode=strict -e "$1"
}
