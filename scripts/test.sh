#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (the lit suite).
# Exits non-zero on any failing test.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh" --no-run --test-deps
build="${OCTET_BUILD_DIR:-$root/build}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
/usr/lib/llvm-22/bin/lit -sv "$build/test" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
count() { grep -E "^ *$1 *: *[0-9]+" "$log" | grep -oE '[0-9]+' | head -1 || true; }
passed=$(count Passed); failed=$(count Failed); unsupported=$(count Unsupported)
echo "${passed:-0} passed, ${failed:-0} failed, ${unsupported:-0} skipped"
exit "$status"
