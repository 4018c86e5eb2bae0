#!/bin/bash
# Prepares the GPU checks on this machine (octetc needs LLVM/MLIR; the GPU
# machine gets only what this writes, octet-run and liboctet_runtime.so):
# compiles models for CUDA (sm_90 by default: H100/H200) and Vulkan (with
# integer dot products, and with NVIDIA's cooperative matrices) (digits,
# random CNN graphs and encoder layers, 20 random conv/GEMM layers,
# resnet18 where torch is installed), makes
# inputs, and runs the CPU backend for the reference outputs, into
# $OCTET_BUILD_DIR/gpu-checks (manifest.tsv lists them).
#   bash bench/gpu/prepare.sh [sm_XX]
# Then on the GPU machine, carrying build/gpu-checks, build/bin/octet-run and
# build/lib: bash bench/gpu/run.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${OCTET_BUILD_DIR:-$root/build}
arch=${1:-sm_90}
out=$build/gpu-checks
py=/usr/bin/python3
rm -rf "$out" && mkdir -p "$out"
bin=$build/bin
models=()
cp "$root/models/digits_cnn.qdq.onnx" "$out/digits_qdq.onnx" 2>/dev/null ||
  cp "$root/../shared/models/digits_cnn.qdq.onnx" "$out/digits_qdq.onnx"
models+=(digits_qdq)
for s in 1 2 3 4 5 6; do
  $py "$root/test/Inputs/qdq_fuzz.py" "$s" "$out/cnn$s.onnx"; models+=("cnn$s")
done
for s in 1 2 3; do
  $py "$root/test/Inputs/qdq_fuzz.py" --transformer "$s" "$out/enc$s.onnx"; models+=("enc$s")
done
# 20 single conv/Gemm/MatMul layers with odd shapes (the product kernels).
for s in $(seq 1 20); do
  $py "$root/test/Inputs/gpu_layers.py" "$s" "$out/layer$s.onnx" > /dev/null; models+=("layer$s")
done
if $py -c "import torch" 2>/dev/null; then
  $py "$root/test/Inputs/torch_models.py" resnet18-qnnpack "$out/resnet18.onnx" 224 2>/dev/null
  models+=(resnet18)
fi
: > "$out/manifest.tsv"
for m in "${models[@]}"; do
  shape=()
  [ "$m" = digits_qdq ] && shape=(--input-shape input=64x1x8x8)
  $py - "$out/$m.onnx" "$out/$m" <<'PY'
import sys
import numpy as np
import onnx
m = onnx.load(sys.argv[1])
inits = {t.name for t in m.graph.initializer}
rng = np.random.default_rng(5)
specs = []
for i in m.graph.input:
    if i.name in inits:
        continue
    dims = [d.dim_value if d.HasField("dim_value") else 64 for d in i.type.tensor_type.shape.dim]
    path = "%s.in.%s.npy" % (sys.argv[2], len(specs))
    np.save(path, (4 * rng.standard_normal(dims)).astype(np.float32))
    specs.append("%s=@%s" % (i.name, path.split("/")[-1]))
outs = ["%s=@%s.ref.%d.npy" % (o.name, sys.argv[2].split("/")[-1], k) for k, o in enumerate(m.graph.output)]
open(sys.argv[2] + ".io", "w").write(" ".join(specs) + "\n" + " ".join(outs) + "\n")
PY
  "$bin/octetc" "$out/$m.onnx" "${shape[@]}" --target=cpu --cpu=x86-64-v3 --emit=shared-lib -o "$out/$m.cpu.so"
  "$bin/octetc" "$out/$m.onnx" "${shape[@]}" --target=cuda --cuda-arch="$arch" --emit=shared-lib -o "$out/$m.cuda.so"
  "$bin/octetc" "$out/$m.onnx" "${shape[@]}" --target=vulkan --emit=shared-lib -o "$out/$m.vulkan.so"
  # NVIDIA's cooperative matrices (s8 16x16x32, subgroups of 32).
  "$bin/octetc" "$out/$m.onnx" "${shape[@]}" --target=vulkan --vulkan-caps=nvidia --emit=shared-lib -o "$out/$m.vulkan-coopmat.so"
  ins=$(sed -n 1p "$out/$m.io"); refs=$(sed -n 2p "$out/$m.io")
  args=(); for i in $ins; do args+=(--input "$i"); done
  oargs=(); for o in $refs; do oargs+=(--output "$o"); done
  (cd "$out" && "$bin/octet-run" "$m.cpu.so" "${args[@]}" "${oargs[@]}")
  printf '%s\t%s\t%s\n' "$m" "$ins" "$refs" >> "$out/manifest.tsv"
  rm -f "$out/$m.onnx" "$out/$m.io"
done
du -sh "$out"
