#!/usr/bin/env bash
# Installs the Debian packages that building, running and testing DAiW Music Brain need.
# Idempotent: installs only what is missing. Works as root or through sudo.
set -euo pipefail

PACKAGES=(
  # build: C/C++ toolchain for llama.cpp, bindgen's libclang, pkg-config
  build-essential cmake clang libclang-dev pkg-config
  # plugin GUI (baseview/egui over X11 + OpenGL)
  libx11-dev libx11-xcb-dev libxcb1-dev libxcb-icccm4-dev libxcb-dri2-0-dev
  libxcursor-dev libxrandr-dev libxi-dev libgl-dev libgl1-mesa-dev libgl1-mesa-dri libglu1-mesa-dev
  # standalone audio backends
  libjack-jackd2-dev libasound2-dev
  # headless GUI tests: virtual X server, screenshots
  xvfb xauth x11-apps x11-utils imagemagick xdotool
  # test hosts in Python (pedalboard for VST3), speech, audio tools
  python3-venv python3-pip espeak-ng sox
  # reference tools the DSP benchmarks compare against
  rubberband-cli aubio-tools
  # music brain tests: MIDI rendered by fluidsynth with a small GM soundfont; mma as the anchor
  fluidsynth timgm6mb-soundfont mma
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all Debian packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "setup: missing packages (${missing[*]}) and not root, and no sudo available" >&2
    exit 1
  fi
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "setup: done"
