#!/bin/sh
# Runs a command (octet-run) on a newer Mesa lavapipe that has
# VK_KHR_cooperative_matrix (Debian trixie-backports' Mesa, installed by
# `scripts/setup.sh --test-deps` into a trixie root of its own; Debian 12's
# lavapipe lacks the extension). The command runs under that root's dynamic
# loader and libraries, so nothing of the host system is replaced; its own
# RUNPATH (liboctet_runtime.so) still applies.
#   scripts/lavapipe-coopmat.sh build/bin/octet-run model.so --input ...
#   scripts/lavapipe-coopmat.sh --check   (exit 0 where the root is usable)
# The root: $OCTET_LAVAPIPE_ROOT, else /opt/octet/trixie-lavapipe.
ROOT="${OCTET_LAVAPIPE_ROOT:-/opt/octet/trixie-lavapipe}"
LOADER="$ROOT/lib64/ld-linux-x86-64.so.2"
ICD="$ROOT/usr/share/vulkan/icd.d/lvp_icd.json"
if [ ! -x "$LOADER" ] || [ ! -f "$ICD" ]; then
  echo "lavapipe-coopmat.sh: no trixie root with Mesa's lavapipe at $ROOT (run scripts/setup.sh --no-run --test-deps as root)" >&2
  exit 2
fi
if [ "$1" = "--check" ]; then
  exit 0
fi
if [ "$1" = "--spirv-val" ]; then
  # That root's spirv-val (SPIRV-Tools 2025), which knows SPV_KHR_cooperative_matrix.
  shift
  exec "$LOADER" --library-path "$ROOT/lib/x86_64-linux-gnu:$ROOT/usr/lib/x86_64-linux-gnu" \
    "$ROOT/usr/bin/spirv-val" "$@"
fi
VK_DRIVER_FILES="$ICD" VK_ICD_FILENAMES="$ICD" VK_LAYER_PATH="$ROOT/usr/share/vulkan/explicit_layer.d" \
  exec "$LOADER" \
  --library-path "$ROOT/lib/x86_64-linux-gnu:$ROOT/usr/lib/x86_64-linux-gnu" "$@"
