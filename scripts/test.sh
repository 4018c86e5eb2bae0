#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (the lit suite), then a
# 60-second smoke run of the ONNX importer fuzzer (scripts/fuzz.sh).
# Exits non-zero on any failing test or fuzzer crash.
#
# usage: scripts/test.sh [--sanitize]
#   --sanitize  build with AddressSanitizer and UndefinedBehaviorSanitizer in
#               build-asan (OCTET_ASAN_BUILD_DIR) and run the lit suite against
#               it; fails on any failing test or sanitizer report. No fuzzing.
# OCTET_TEST_FUZZ_SECONDS sets the length of the fuzzer run (0 skips it),
# OCTET_FUZZ_SEED its libFuzzer seed (default 1).
# See docs/sanitizers-and-fuzzing.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() { echo "usage: scripts/test.sh [--sanitize]"; }
sanitize=0
for arg in "$@"; do
  case "$arg" in
    --sanitize) sanitize=1 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
fuzz_seconds="${OCTET_TEST_FUZZ_SECONDS:-60}"
if ! [[ "$fuzz_seconds" =~ ^[0-9]+$ ]]; then
  echo "scripts/test.sh: OCTET_TEST_FUZZ_SECONDS must be a number of seconds" >&2
  exit 2
fi

count() { grep -E "^ *$1 *: *[0-9]+" "$log" | grep -oE '[0-9]+' | head -1 || true; }

if [ "$sanitize" = 0 ]; then
  "$root/scripts/setup.sh" --no-run --test-deps
  build="${OCTET_BUILD_DIR:-$root/build}"
  log="$(mktemp)"
  trap 'rm -f "$log"' EXIT
  set +e
  /usr/lib/llvm-22/bin/lit -sv "$build/test" 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  set -e
  passed=$(count Passed); failed=$(count Failed); unsupported=$(count Unsupported)
  echo "${passed:-0} passed, ${failed:-0} failed, ${unsupported:-0} skipped"
  if [ "$fuzz_seconds" != 0 ]; then
    echo "== fuzzing the ONNX importer for ${fuzz_seconds}s (scripts/fuzz.sh)"
    fuzz_status=0
    # A fixed seed (OCTET_FUZZ_SEED) makes the smoke run repeatable: the same
    # mutations in the same order, however many fit in the time.
    OCTET_FUZZ_ARGS="-seed=${OCTET_FUZZ_SEED:-1} ${OCTET_FUZZ_ARGS:-}" \
      "$root/scripts/fuzz.sh" "$fuzz_seconds" || fuzz_status=$?
    [ "$fuzz_status" = 0 ] || echo "== scripts/fuzz.sh failed (exit $fuzz_status)"
    [ "$status" != 0 ] || status=$fuzz_status
  fi
  exit "$status"
fi

# --- --sanitize: ASan + UBSan build in build-asan, lit suite against it ---------
asan="${OCTET_ASAN_BUILD_DIR:-$root/build-asan}"
sanitizers="address;undefined"

# clang-22's sanitizer runtimes.
if ! dpkg-query -W -f='${Status}' libclang-rt-22-dev 2>/dev/null | grep -q "install ok installed"; then
  echo "== installing: libclang-rt-22-dev"
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q --no-install-recommends libclang-rt-22-dev
fi

# Every sanitizer report goes to a file in $logs (also those of tools that a
# test's Python script runs and whose output it hides); any file fails the run.
# abort_on_error: a report kills the process with SIGABRT, which `not` and the
# scripts cannot mistake for an expected error exit. No check is turned off and
# nothing is suppressed: the uninstrumented libMLIR.so/libLLVM.so give no false
# reports (LeakSanitizer included: MLIR's registries stay reachable; container
# overflow cannot fire, libstdc++ and LLVM's ADT are not annotated).
logs="$asan/sanitizer-logs"
symbolizer=/usr/lib/llvm-22/bin/llvm-symbolizer
common="halt_on_error=1:abort_on_error=1:log_path=$logs/report:external_symbolizer_path=$symbolizer"
export ASAN_OPTIONS="$common:detect_leaks=1:detect_stack_use_after_return=1:strict_init_order=1:check_initialization_order=1"
export UBSAN_OPTIONS="$common:print_stacktrace=1"
rm -rf "$logs"
mkdir -p "$logs"

# Configure through setup.sh (packages, clang-22, ccache); the first configure
# takes OCTET_SANITIZE from the environment. A build dir configured earlier
# without the sanitizers is reconfigured.
if [ -f "$asan/CMakeCache.txt" ] && ! grep -qx "OCTET_SANITIZE:STRING=$sanitizers" "$asan/CMakeCache.txt"; then
  cmake "-DOCTET_SANITIZE=$sanitizers" "$asan" >/dev/null
fi
start=$(date +%s)
OCTET_SANITIZE="$sanitizers" OCTET_BUILD_DIR="$asan" "$root/scripts/setup.sh" --no-run --test-deps
grep -qx "OCTET_SANITIZE:STRING=$sanitizers" "$asan/CMakeCache.txt" || {
  echo "scripts/test.sh: $asan is not configured with OCTET_SANITIZE=$sanitizers" >&2; exit 1; }
built=$(date +%s)

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
/usr/lib/llvm-22/bin/lit -sv "$asan/test" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
done_at=$(date +%s)
passed=$(count Passed); failed=$(count Failed); unsupported=$(count Unsupported)
reports=$(find "$logs" -type f | sort)
nreports=0
if [ -n "$reports" ]; then
  nreports=$(echo "$reports" | wc -l)
  echo "== sanitizer reports ($nreports):"
  for f in $reports; do
    echo "---- $f"
    cat "$f"
  done
  [ "$status" != 0 ] || status=1
fi
echo "${passed:-0} passed, ${failed:-0} failed, ${unsupported:-0} skipped," \
     "$nreports sanitizer reports (build $((built - start))s, lit $((done_at - built))s)"
exit "$status"
