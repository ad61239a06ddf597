#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# README command 2: install what is missing, build with warnings as errors, check formatting,
# and run the whole test suite through CTest; then the same tests under ASan and UBSan.
# Set LATHE_SKIP_SANITIZERS=1 to skip the sanitizer pass on a slow machine.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

export QT_QPA_PLATFORM=offscreen
jobs=$(nproc)

# Optimised as a release is (-O2, so the same warnings fire), without debug info: a third less
# compile time, and the sanitizer pass below is where a failure gets its stack.
cmake -S . -B build/ci -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -DNDEBUG" \
    -DLATHE_WERROR=ON
cmake --build build/ci --parallel "$jobs"
cmake --build build/ci --target format-check
ctest --test-dir build/ci --output-on-failure --parallel "$jobs" --label-exclude bench

if [[ "${LATHE_SKIP_SANITIZERS:-0}" != 1 ]]; then
    # Line tables (-g1) are all a sanitizer's stack trace needs.
    cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g1" -DLATHE_WERROR=ON \
        -DLATHE_SANITIZE="address;undefined" -DLATHE_BUILD_BENCHMARKS=OFF
    cmake --build build/asan --parallel "$jobs"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    LSAN_OPTIONS=suppressions="$PWD/tests/sanitizers/lsan.supp":print_suppressions=0 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        ctest --test-dir build/asan --output-on-failure --parallel "$jobs" --label-exclude bench
fi
