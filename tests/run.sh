#!/usr/bin/env bash
# The one test command. Installs what the tests need when it is missing, checks formatting and
# lints, then runs every test:
# - Debian packages: Mesa's software Vulkan for the egui_kittest snapshots, git for the merge
#   tests (tests/packages.txt, one per line);
# - a Python environment in target/pyenv with the consumer libraries the export checks use
#   (tests/python/requirements.txt); the tests find it through QALAM_PYTHON.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
while read -r pkg; do
  [[ -z "$pkg" || "$pkg" == \#* ]] && continue
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done < tests/packages.txt
if ((${#need[@]})); then
  echo "tests/run.sh: installing ${need[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

if [ -f tests/python/requirements.txt ]; then
  venv=target/pyenv
  stamp="$venv/.requirements"
  if ! cmp -s tests/python/requirements.txt "$stamp" 2>/dev/null; then
    echo "tests/run.sh: preparing the Python environment in $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r tests/python/requirements.txt
    cp tests/python/requirements.txt "$stamp"
  fi
  QALAM_PYTHON="$(pwd)/$venv/bin/python"
  export QALAM_PYTHON
fi

cargo fmt --check
cargo clippy --locked --all-targets -- -D warnings

# Snapshots render on the CPU (lavapipe); no display is needed or wanted.
unset DISPLAY WAYLAND_DISPLAY
exec cargo test --locked "$@"
