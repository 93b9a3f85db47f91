#!/usr/bin/env bash
# Runs the native parity suites under AddressSanitizer: builds the addon with -fsanitize=address, preloads libasan
# into Node (which is not built with ASan itself), runs native-parity and native-rows-parity, then rebuilds the
# normal addon. Needs g++ (or clang) with libasan. Usage: scripts/asan.sh [extra vitest args]; FC_RUNS=200 for more cases.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

restore() { LOOM_NATIVE_ASAN=0 node packages/ops/native/build.mjs; }
trap restore EXIT

LOOM_NATIVE_ASAN=1 node packages/ops/native/build.mjs
if [ ! -f packages/ops/native/build/Release/loom_native.node ]; then
  echo "asan: the addon did not build; see packages/ops/native/build.log" >&2
  exit 1
fi

libasan="$(${CXX:-g++} -print-file-name=libasan.so)"
if [ ! -e "$libasan" ]; then
  echo "asan: libasan.so not found (${CXX:-g++} -print-file-name=libasan.so gave '$libasan')" >&2
  exit 1
fi

# Leak checking is off: Node and V8 keep memory alive until exit by design, which LeakSanitizer would report.
# LOOM_REQUIRE_NATIVE=1 makes the suite fail rather than skip if the instrumented addon does not load.
LD_PRELOAD="$libasan" ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:halt_on_error=1" LOOM_REQUIRE_NATIVE=1 \
  npx vitest run packages/ops/test/native-parity.test.ts packages/ops/test/native-rows-parity.test.ts "$@"
echo "asan: clean (no AddressSanitizer report above)"
