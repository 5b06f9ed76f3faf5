#!/usr/bin/env bash
# The one test command: installs the system packages the tests need when they are missing
# (Mesa's software Vulkan for the egui_kittest snapshots), then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for pkg in mesa-vulkan-drivers libvulkan1; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if ((${#need[@]})); then
  echo "tests/run.sh: installing ${need[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

# Snapshots render on the CPU (lavapipe); no display is needed or wanted.
unset DISPLAY WAYLAND_DISPLAY
exec cargo test --locked "$@"
