#!/usr/bin/env bash
# Installs what is missing (Debian 12 packages), builds Octet, and runs the
# main job on the bundled model.
# Usage: scripts/setup.sh [--no-run] [--test-deps] [--bench-deps]
#   --test-deps   also torch/torchvision and onnxruntime-node (the test references),
#                 and a Debian 13 root with a newer lavapipe (cooperative matrices)
#   --bench-deps  the test deps and oneDNN (libdnnl-dev), bench/run.sh's anchor
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# ccache hashes the paths under the checkout relative to it, so a clone in
# another folder (CI's) reuses the objects built here.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$root}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-true}"
cd "$root"

run_main=1
test_deps=0
bench_deps=0
for arg in "$@"; do
  case "$arg" in
    --no-run) run_main=0 ;;
    --test-deps) test_deps=1 ;;
    --bench-deps) test_deps=1 bench_deps=1 ;;
    *) echo "usage: scripts/setup.sh [--no-run] [--test-deps] [--bench-deps]" >&2; exit 2 ;;
  esac
done

# --- packages -----------------------------------------------------------------
packages=(cmake ninja-build ccache clang-22 lld-22 llvm-22-dev llvm-22-tools
          libmlir-22-dev mlir-22-tools libonnx-dev libprotobuf-dev protobuf-compiler
          python3-onnx python3-numpy libvulkan-dev)
# libvulkan-dev: the headers of the runtime's Vulkan driver (which loads
# libvulkan at run time). Mesa's lavapipe is a Vulkan device on the CPU: the
# Vulkan tests run on it; spirv-val checks the SPIR-V.
[ "$test_deps" = 1 ] && packages+=(mesa-vulkan-drivers spirv-tools vulkan-tools vulkan-validationlayers)
# The torch-exported model tests use Debian's torch and torchvision.
[ "$test_deps" = 1 ] && packages+=(python3-torch python3-torchvision)
# qemu-x86_64 runs test programs (and, with OCTET_ORT_CPU=MODEL, ONNX
# Runtime) with another CPU's CPUID, e.g. a Zen 3 without AVX-512.
[ "$test_deps" = 1 ] && packages+=(qemu-user)
# Headless Chromium renders the HTML quantization report (a screenshot test).
[ "$test_deps" = 1 ] && packages+=(chromium)
# bench/run.sh times oneDNN's INT8 kernels as the anchor, and octetc's
# compile of resnet50 with /usr/bin/time (wall time and peak memory).
[ "$bench_deps" = 1 ] && packages+=(libdnnl-dev time)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "== installing: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# ONNX Runtime for Node.js, the reference of the numerical tests. Its install
# script would download binaries; the npm package already carries them.
if [ "$test_deps" = 1 ]; then
  if ! command -v npm >/dev/null; then
    sudo_cmd=""
    [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q nodejs npm
  fi
  if [ ! -d "$root/test/ort/node_modules/onnxruntime-node" ]; then
    echo "== installing onnxruntime-node for the tests"
    (cd "$root/test/ort" && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund --loglevel=error)
  fi
fi

# A newer Mesa lavapipe, with VK_KHR_cooperative_matrix, for the
# cooperative-matrix tests (Debian 12's Mesa 22.3 lacks the extension, and its
# SPIRV-Tools 2023.1 predate SPV_KHR_cooperative_matrix): Debian 13 with
# trixie-backports' Mesa, SPIRV-Tools and validation layer, in a root of its
# own made by debootstrap. scripts/lavapipe-coopmat.sh runs octet-run there
# through that root's loader; nothing of the host system changes. Needs root
# (debootstrap, chroot) and Debian's mirror; where either is missing the
# tests that need it report unsupported. $OCTET_LAVAPIPE_ROOT moves it.
make_lavapipe_root() {
  local dest="$1" tmp="$1.tmp"
  command -v debootstrap >/dev/null ||
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap ||
    return 1
  echo "== a Debian 13 root with trixie-backports' Mesa lavapipe at $dest"
  rm -rf "$tmp" && mkdir -p "$(dirname "$dest")" || return 1
  if ! debootstrap --variant=minbase trixie "$tmp" http://deb.debian.org/debian >"$tmp.log" 2>&1; then
    tail -5 "$tmp.log" >&2
    return 1
  fi
  echo "deb http://deb.debian.org/debian trixie-backports main" \
    >"$tmp/etc/apt/sources.list.d/trixie-backports.list" || return 1
  mount --bind /proc "$tmp/proc" || return 1
  local ok=0
  chroot "$tmp" sh -c 'apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends -t trixie-backports mesa-vulkan-drivers libvulkan1 vulkan-validationlayers spirv-tools >/dev/null && apt-get clean' || ok=1
  umount "$tmp/proc"
  [ "$ok" = 0 ] || return 1
  rm -rf "$dest" "$tmp.log" && mv "$tmp" "$dest" && touch "$dest/.octet-ready"
}
if [ "$test_deps" = 1 ]; then
  lvp_root="${OCTET_LAVAPIPE_ROOT:-/opt/octet/trixie-lavapipe}"
  if [ ! -f "$lvp_root/.octet-ready" ]; then
    if [ "$(id -u)" != 0 ]; then
      echo "== not root: no Debian 13 root for the newer lavapipe; the cooperative-matrix tests will be unsupported" >&2
    elif ! make_lavapipe_root "$lvp_root"; then
      echo "== could not make the Debian 13 root for the newer lavapipe; the cooperative-matrix tests will be unsupported" >&2
    fi
  fi
fi

# --- build ----------------------------------------------------------------------
build="${OCTET_BUILD_DIR:-$root/build}"
if [ ! -f "$build/build.ninja" ]; then
  launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  cmake -G Ninja -S "$root" -B "$build" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DLLVM_USE_LINKER=lld \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit \
    "${launcher[@]}"
fi
ninja -C "$build" -j2

# --- main job --------------------------------------------------------------------
if [ "$run_main" = 1 ]; then
  "$root/scripts/digits-demo.sh"
fi
