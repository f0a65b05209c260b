#!/usr/bin/env bash
# Installs every Debian package MLSys Lab needs to build, run and test. Idempotent: when every package is
# already present it does nothing (no apt-get update). Needs root (or sudo) on Debian 12.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build pkg-config
  # engine and foundation
  libeigen3-dev doctest-dev nlohmann-json3-dev zlib1g-dev libcli11-dev libsqlite3-dev
  # GUI: Dear ImGui 1.86 (backends ship as sources), GLFW, OpenGL, SFML (PNG encoding, network, audio)
  libimgui-dev libglfw3-dev libopengl-dev libgl1-mesa-dri libsfml-dev fonts-dejavu-core
  # boards: serial ports; the firmware toolchain (avr-g++, avr-libc) and simavr for the virtual board
  libserialport-dev gcc-avr avr-libc simavr libsimavr-dev
  # data
  dataset-fashion-mnist
  # headless GUI tests
  xvfb xauth
  # memory simulator cross-check against cachegrind and lackey traces
  valgrind
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
