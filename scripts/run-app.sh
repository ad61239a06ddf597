#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# README command 1: install what is missing, build, and start Lathe on its demo workspace with the
# built-in simulator.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLATHE_BUILD_TESTS=OFF \
    -DLATHE_BUILD_BENCHMARKS=OFF
cmake --build build/release --target lathe lathe-cli
exec build/release/app/lathe --demo "$@"
