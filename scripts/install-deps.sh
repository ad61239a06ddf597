#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs the Debian/Ubuntu packages Lathe needs to build, run and test, if any are missing.
# Idempotent: when everything is present it changes nothing and asks for no password.
set -euo pipefail

packages=(
    # toolchain
    cmake ninja-build g++ pkg-config clang-format
    # Qt 6 and friends (Charts needs the OpenGL and xkbcommon headers at configure time)
    qt6-base-dev qt6-base-dev-tools qt6-charts-dev qt6-qpa-plugins libqt6opengl6-dev
    libxkbcommon-dev libgl-dev libvulkan-dev
    # the SVG icon engine, for the app icon
    libqt6svg6
    # libraries
    libqscintilla2-qt6-dev nlohmann-json3-dev libsqlite3-dev qtkeychain-qt6-dev libexpected-dev libpcre2-dev libsimdjson-dev
    libyaml-cpp-dev
    # a font, so offscreen rendering in the GUI tests measures real text
    fonts-dejavu-core
    # a private D-Bus session and a Secret Service on it, for the OS keychain test
    dbus-daemon gnome-keyring
)

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if ((${#missing[@]} == 0)); then
    exit 0
fi

echo "Installing: ${missing[*]}"
sudo=()
if [[ $(id -u) -ne 0 ]]; then
    sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update
"${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
