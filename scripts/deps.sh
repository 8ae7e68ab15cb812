#!/usr/bin/env bash
# Installs the Debian 12 packages scsim needs, only if some are missing.
# Sourced by scripts/demo and scripts/test. A second run does not touch apt at all.
scsim_packages=(
  build-essential cmake ninja-build pkg-config git
  libboost-graph-dev libboost-program-options-dev
  catch2 libfccp-dev libyaml-cpp-dev
  libimgui-dev libstb-dev libglfw3-dev libgl-dev libgl1-mesa-dri xvfb xauth
  clang-format
  zlib1g-dev libboost-math-dev
  libsqlite3-dev sqlite3 libopenmpi-dev openmpi-bin libboost-mpi-dev
  nlohmann-json3-dev libjs-chart.js chromium
)

scsim_install_missing() {
  local missing=()
  local p
  for p in "${scsim_packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    return 0
  fi
  echo "scsim: installing missing packages: ${missing[*]}" >&2
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}
