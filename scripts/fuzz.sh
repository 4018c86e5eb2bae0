#!/usr/bin/env bash
# Builds the ONNX importer fuzzer (tools/octet-fuzz-import, libFuzzer with
# ASan and UBSan) in build-fuzz, writes a seed corpus from the bundled and the
# test models, and fuzzes for SECONDS (default 60). Exits non-zero when the
# fuzzer finds a crash, a leak, a timeout or an out-of-memory input; the input
# is kept in build-fuzz/fuzz-artifacts.
#
# usage: scripts/fuzz.sh [SECONDS]
#   OCTET_FUZZ_BUILD_DIR  the build dir (default build-fuzz)
#   OCTET_FUZZ_ARGS       more libFuzzer flags, e.g. "-jobs=2 -workers=2"
# Reproduce a crash:  build-fuzz/bin/octet-fuzz-import build-fuzz/fuzz-artifacts/crash-...
# See docs/sanitizers-and-fuzzing.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# ccache hashes the paths under the checkout relative to it, so a clone in
# another folder (CI's) reuses the objects built here.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$root}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-true}"

usage() { echo "usage: scripts/fuzz.sh [SECONDS]"; }
seconds=60
if [ "$#" -gt 1 ]; then usage >&2; exit 2; fi
if [ "$#" = 1 ]; then
  case "$1" in
    -h|--help) usage; exit 0 ;;
  esac
  if ! [[ "$1" =~ ^[0-9]+$ ]] || [ "$1" = 0 ]; then usage >&2; exit 2; fi
  seconds=$1
fi

build="${OCTET_FUZZ_BUILD_DIR:-$root/build-fuzz}"
python="${OCTET_PYTHON:-/usr/bin/python3}"

# --- packages: the toolchain of scripts/setup.sh plus clang-22's libFuzzer and
# sanitizer runtimes (libclang-rt-22-dev) -----------------------------------------
if ! command -v clang++-22 >/dev/null || ! command -v cmake >/dev/null ||
   ! command -v ninja >/dev/null; then
  "$root/scripts/setup.sh" --no-run
fi
if ! dpkg-query -W -f='${Status}' libclang-rt-22-dev 2>/dev/null | grep -q "install ok installed"; then
  echo "== installing: libclang-rt-22-dev"
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q --no-install-recommends libclang-rt-22-dev
fi

# --- build (only the fuzzer and the libraries it links) ---------------------------
if [ ! -f "$build/build.ninja" ]; then
  launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  cmake -G Ninja -S "$root" -B "$build" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DLLVM_USE_LINKER=lld \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit \
    -DOCTET_ENABLE_FUZZERS=ON "-DOCTET_SANITIZE=address;undefined" \
    "${launcher[@]}"
fi
ninja -C "$build" -j2 octet-fuzz-import
fuzzer="$build/bin/octet-fuzz-import"

# --- seed corpus: the bundled models and the importer test models ----------------
# Written at every run (about a second), so it follows test/Inputs/models.py.
seeds="$build/fuzz-seeds"
corpus="$build/fuzz-corpus"        # what the fuzzer finds; kept between runs
artifacts="$build/fuzz-artifacts"  # crash-*, leak-*, timeout-*, oom-* inputs
rm -rf "$seeds"
mkdir -p "$seeds" "$corpus" "$artifacts"
cp "$root"/models/*.onnx "$seeds"/
"$python" - "$root/test/Inputs" "$seeds" <<'EOF'
import os, sys
sys.path.insert(0, sys.argv[1])
import models  # test/Inputs/models.py: onnx.helper generators, name -> ModelProto
written = 0
for name in sorted(models.M):
    try:
        data = models.M[name]().SerializeToString()
    except Exception as e:  # a generator that needs more than onnx.helper
        print(f"fuzz.sh: skipping seed {name}: {e}", file=sys.stderr)
        continue
    if len(data) <= 8192:  # small seeds mutate and run faster
        with open(os.path.join(sys.argv[2], name + ".onnx"), "wb") as f:
            f.write(data)
        written += 1
print(f"== {written} seed models from test/Inputs/models.py")
EOF

# --- run ---------------------------------------------------------------------------
# abort_on_error gives a SIGABRT on a report (libFuzzer keeps the input either
# way); nothing is turned off or suppressed, as in scripts/test.sh --sanitize.
export ASAN_OPTIONS="${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=1:detect_leaks=1:external_symbolizer_path=/usr/lib/llvm-22/bin/llvm-symbolizer}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}"
before=$(ls "$artifacts" | wc -l)
echo "== fuzzing for ${seconds}s: $fuzzer"
status=0
# shellcheck disable=SC2086
"$fuzzer" -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=20 \
  -print_final_stats=1 -artifact_prefix="$artifacts/" ${OCTET_FUZZ_ARGS:-} \
  "$corpus" "$seeds" || status=$?
if [ "$status" != 0 ]; then
  echo "== the fuzzer failed (exit $status); inputs in $artifacts:" >&2
  ls -t "$artifacts" | head -$(( $(ls "$artifacts" | wc -l) - before )) >&2 || true
  echo "reproduce: $fuzzer $artifacts/<file>   (OCTET_FUZZ_VERBOSE=1 prints the diagnostics)" >&2
fi
exit "$status"
