#!/usr/bin/env bash
# Octet's generated code against its anchors in the same run: oneDNN 2.6
# (libdnnl) for INT8 GEMM and convolution, ONNX Runtime 1.30 (CPU,
# onnxruntime-node) for whole models, on one thread (Octet --threads=1), then
# the 224x224 models on 1 and 2 threads each, and on AVX-512 hosts the AVX2
# kernels (--cpu=x86-64-v3) against oneDNN limited to AVX2. Each comparison
# alternates Octet and its anchor over rounds (OCTET_BENCH_ROUNDS, default 7,
# for the kernels; OCTET_BENCH_MODEL_ROUNDS, default 3, for the models) and
# reports the medians, their ratio and the range of the rounds' ratios.
# Prints markdown tables.
# usage: bench/run.sh   (installs what it needs with scripts/setup.sh --bench-deps)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh" --no-run --bench-deps >&2
build="${OCTET_BUILD_DIR:-$root/build}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export OMP_NUM_THREADS=1
bin="$build/bin"
/usr/bin/python3 "$root/bench/make_models.py" "$work"
clang++-22 -O2 -std=c++17 "$root/bench/onednn_bench.cpp" -ldnnl -o "$work/onednn-bench"
peak=""
if clang++-22 -O2 -std=c++17 -mavx512f -mavx512vnni "$root/bench/vnni_peak.cpp" -o "$work/vnni-peak" &&
   "$work/vnni-peak" > "$work/peak.txt"; then
  peak=$(cut -d' ' -f2 "$work/peak.txt")
fi

p50() { grep '^latency' | sed -E 's/.*p50 ([0-9.]+).*/\1/'; }
# The host: CPU model and the ISA extensions the kernels (and ORT/oneDNN) use.
cpu_model=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
isa=$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -xE 'avx2|avx512f|avx512bw|avx512vl|avx512_vnni|avx_vnni' | tr '\n' ' ')
echo "Host: $cpu_model, $(getconf _NPROCESSORS_ONLN) cores; ISA: ${isa% }"
echo
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v o="$1" -v a="$2" 'BEGIN { printf "%.2f", o / a }'; }
# Octet against oneDNN, alternating the two `rounds` times (machine speed
# drifts by a few percent over a minute): the medians of the rounds' p50s,
# their ratio, and the range of the rounds' own ratios.
rounds="${OCTET_BENCH_ROUNDS:-7}"
# anchored LABEL OCTET_SO INPUT ONEDNN_CASE
anchored() {
  local os="" as="" rs="" o a
  for _ in $(seq "$rounds"); do
    a=$("$work/onednn-bench" "$4" | cut -d' ' -f2)
    o=$("$bin/octet-run" "$2" --threads=1 --input "x=@$3" --benchmark=50 --warmup=5 | p50)
    os="$os $o" as="$as $a" rs="$rs $(ratio "$o" "$a")"
  done
  o=$(echo "$os" | median) a=$(echo "$as" | median)
  local lo hi
  lo=$(echo "$rs" | tr ' ' '\n' | grep . | sort -g | head -1)
  hi=$(echo "$rs" | tr ' ' '\n' | grep . | sort -g | tail -1)
  echo "| $1 | $o | ${5:-oneDNN} | $a | $(ratio "$o" "$a")x ($lo-$hi) |"
  echo "$1 $o $a" >> "$work/anchored.txt"
}
echo "| case | Octet p50 ms | anchor | anchor p50 ms | Octet / anchor time |"
echo "|---|---|---|---|---|"
for c in gemm_1024x1024x1024 gemm_256x3072x768 conv3x3_64x56x56; do
  "$bin/octetc" "$work/$c.onnx" --target=cpu --emit=shared-lib -o "$work/$c.so"
  anchored "$c (u8 x s8 -> u8)" "$work/$c.so" "$work/$c.x.npy" "$c"
  if [ "$c" = conv3x3_64x56x56 ]; then
    # Octet against oneDNN given NCHW tensors (its reorders timed).
    anchored "$c, NCHW in and out" "$work/$c.so" "$work/$c.x.npy" "${c}_nchw" \
      "oneDNN + reorders"
  fi
done
# The AVX2 kernels (exact: docs/cpu-backend.md) against oneDNN's AVX2 ones
# (which saturate u8 x s8 pairs), where the host has more than AVX2.
if grep -qw avx512f /proc/cpuinfo; then
  export ONEDNN_MAX_CPU_ISA=AVX2
  # Uniform random weights (the sign form), then the same layers with
  # Gaussian weights quantized per tensor (the pairs form and a residual);
  # oneDNN's time does not depend on the weights.
  for c in gemm_1024x1024x1024 conv3x3_64x56x56 gemm_1024x1024x1024_gauss \
           conv3x3_64x56x56_gauss; do
    "$bin/octetc" "$work/$c.onnx" --target=cpu --cpu=x86-64-v3 --emit=shared-lib -o "$work/$c.avx2.so"
    anchored "$c, AVX2 (--cpu=x86-64-v3)" "$work/$c.avx2.so" "$work/$c.x.npy" "${c%_gauss}" \
      "oneDNN, AVX2"
  done
  unset ONEDNN_MAX_CPU_ISA
else
  # An AVX2 host (Zen 3): the native kernels are the AVX2 ones; the same
  # layers with Gaussian weights quantized per tensor (the pairs form and a
  # residual; above, uniform weights take the sign form).
  for c in gemm_1024x1024x1024_gauss conv3x3_64x56x56_gauss; do
    "$bin/octetc" "$work/$c.onnx" --target=cpu --emit=shared-lib -o "$work/$c.so"
    anchored "$c (u8 x s8 -> u8)" "$work/$c.so" "$work/$c.x.npy" "${c%_gauss}"
  done
fi
# gemmlowp fixed-point requantization (--requant=fixed-point) on the same
# layers, against oneDNN (which requantizes with float scales).
for c in gemm_256x3072x768 conv3x3_64x56x56; do
  "$bin/octetc" "$work/$c.onnx" --target=cpu --emit=shared-lib --requant=fixed-point -o "$work/$c.fp.so"
  anchored "$c, --requant=fixed-point" "$work/$c.fp.so" "$work/$c.x.npy" "$c"
done

ortb="node $root/bench/ort_bench.js"
# Octet against ONNX Runtime on a whole model, alternating the two
# `mrounds` times (a VM's speed drifts over minutes): prints the medians of
# the rounds' p50s and sets vs_o, vs_a and vs_r (their ratio) and vs_range.
# vs SO INPUT_NAME INPUT_NPY ONNX ITERS THREADS
mrounds="${OCTET_BENCH_MODEL_ROUNDS:-3}"
vs() {
  local os="" as="" rs="" o a
  for _ in $(seq "$mrounds"); do
    o=$("$bin/octet-run" "$1" --threads="$6" --input "$2=@$3" --benchmark="$5" --warmup=3 | p50)
    a=$(OCTET_ORT_THREADS="$6" $ortb "$4" "$5" "$2=$3")
    os="$os $o" as="$as $a" rs="$rs $(ratio "$o" "$a")"
  done
  vs_o=$(echo "$os" | median) vs_a=$(echo "$as" | median)
  vs_r=$(ratio "$vs_o" "$vs_a")
  vs_range="$(echo "$rs" | tr ' ' '\n' | grep . | sort -g | head -1)-$(echo "$rs" | tr ' ' '\n' | grep . | sort -g | tail -1)"
}
for c in dynamic_linear dynamic_conv; do
  "$bin/octetc" "$work/$c.onnx" --target=cpu --emit=shared-lib -o "$work/$c.so"
  o=$("$bin/octet-run" "$work/$c.so" --threads=1 --input "x=@$work/$c.x.npy" --benchmark=20 --warmup=3 | p50)
  a=$($ortb "$work/$c.onnx" 20 "x=$work/$c.x.npy")
  what="dynamic-quantized linear 128x768 -> 3072"
  [ $c = dynamic_conv ] && what="dynamic-quantized conv3x3 64x56x56 (ConvInteger)"
  echo "| $what | $o | ONNX Runtime | $a | $(awk -v o="$o" -v a="$a" 'BEGIN { printf "%.2f", o / a }')x |"
done
x="$root/models/digits_test_x.npy"
"$bin/octetc" "$root/models/digits_cnn.qdq.onnx" --input-shape input=397x1x8x8 --target=cpu \
  --emit=shared-lib -o "$work/digits.so"
vs "$work/digits.so" input "$x" "$root/models/digits_cnn.qdq.onnx" 50 1
echo "| digits QDQ, batch 397 | $vs_o | ONNX Runtime | $vs_a | ${vs_r}x ($vs_range) |"
if /usr/bin/python3 -c "import torch" 2>/dev/null; then
  /usr/bin/python3 "$root/test/Inputs/torch_models.py" resnet18-qnnpack "$work/r18.onnx" 2>/dev/null
  /usr/bin/python3 -c "import numpy as np; np.save('$work/r18.x.npy', np.random.default_rng(0).random((1,3,64,64), dtype=np.float32))"
  "$bin/octetc" "$work/r18.onnx" --target=cpu --emit=shared-lib -o "$work/r18.so"
  vs "$work/r18.so" input "$work/r18.x.npy" "$work/r18.onnx" 20 1
  echo "| resnet18 QDQ (torch qnnpack), 1x3x64x64 | $vs_o | ONNX Runtime | $vs_a | ${vs_r}x ($vs_range) |"
  # ImageNet size, quantized by torch (qnnpack), 1x3x224x224: resnet18, resnet50,
  # mobilenet_v2 (depthwise convolutions), efficientnet_b0 (SiLU and
  # squeeze-excitation float islands, 5x5 depthwise), regnet_x_400mf and
  # resnext50_32x4d (grouped convolutions).
  /usr/bin/python3 -c "import numpy as np; np.save('$work/x224.npy', np.random.default_rng(0).random((1,3,224,224), dtype=np.float32))"
  for m in resnet18 resnet50 mobilenet_v2 efficientnet_b0 regnet_x_400mf resnext50_32x4d; do
    /usr/bin/python3 "$root/test/Inputs/torch_models.py" $m-qnnpack "$work/$m.224.onnx" 224 2>/dev/null
    "$bin/octetc" "$work/$m.224.onnx" --target=cpu --emit=shared-lib -o "$work/$m.224.so"
    vs "$work/$m.224.so" input "$work/x224.npy" "$work/$m.224.onnx" 20 1
    o=$vs_o a=$vs_a
    echo "| $m QDQ (torch qnnpack), 1x3x224x224 | $o | ONNX Runtime | $a | ${vs_r}x ($vs_range) |"
    vs "$work/$m.224.so" input "$work/x224.npy" "$work/$m.224.onnx" 20 2
    o2=$vs_o a2=$vs_a
    echo "| $m | $o | $o2 | $(ratio "$o" "$o2")x | $a | $a2 | ${vs_r}x ($vs_range) |" >> "$work/threads.txt"
  done
  # Concurrency (runtime ABI v2): K threads calling the one loaded module,
  # each with its own context; aggregate throughput against one thread.
  tput() { grep '^throughput' | sed -E 's/throughput: ([0-9.]+) runs.*/\1/'; }
  t1=$("$bin/octet-run" "$work/resnet18.224.so" --threads=1 --input "input=@$work/x224.npy" --benchmark=40 --concurrency=1 | tput)
  t2=$("$bin/octet-run" "$work/resnet18.224.so" --threads=1 --input "input=@$work/x224.npy" --benchmark=40 --concurrency=2 | tput)
  echo "| resnet18 QDQ 224, octet-run --concurrency=2 vs 1 (runs/s) | $t2 | --concurrency=1 | $t1 | $(awk -v a="$t2" -v b="$t1" 'BEGIN { printf "%.2f", a / b }')x throughput |"
  /usr/bin/python3 "$root/test/Inputs/torch_models.py" resnet18 "$work/r18f.onnx" 2>/dev/null
  "$bin/octetc" "$work/r18f.onnx" --target=cpu --emit=shared-lib -o "$work/r18f.so"
  vs "$work/r18f.so" input "$work/r18.x.npy" "$work/r18f.onnx" 20 1
  echo "| resnet18 float, 1x3x64x64 | $vs_o | ONNX Runtime | $vs_a | ${vs_r}x ($vs_range) |"
  # Float models at ImageNet size (the float path that calibration and float
  # islands run): depthwise-heavy, squeeze-excite with SiLU, grouped, dense
  # and plain convolutions, and ConvNeXt's 7x7 depthwise layers with
  # LayerNorm and GELU.
  for m in mobilenet_v2 efficientnet_b0 mnasnet0_5 regnet_x_400mf resnet50 densenet121 \
           convnext_tiny; do
    /usr/bin/python3 "$root/test/Inputs/torch_models.py" $m "$work/$m.f224.onnx" 224 2>/dev/null
    "$bin/octetc" "$work/$m.f224.onnx" --target=cpu --emit=shared-lib -o "$work/$m.f224.so"
    vs "$work/$m.f224.so" input "$work/x224.npy" "$work/$m.f224.onnx" 10 1
    echo "| $m float, 1x3x224x224 | $vs_o | ONNX Runtime | $vs_a | ${vs_r}x ($vs_range) |"
  done
fi
"$bin/octetc" "$root/models/digits_cnn.onnx" --input-shape input=397x1x8x8 --target=cpu \
  --emit=shared-lib -o "$work/digits_f.so"
vs "$work/digits_f.so" input "$x" "$root/models/digits_cnn.onnx" 50 1
echo "| digits float, batch 397 | $vs_o | ONNX Runtime | $vs_a | ${vs_r}x ($vs_range) |"
if [ -s "$work/threads.txt" ]; then
  # One and two threads (Octet --threads, ORT intra-op threads).
  echo
  echo "Latency on 1 and 2 threads:"
  echo
  echo "| model, QDQ 1x3x224x224 | Octet 1 thread p50 ms | Octet 2 threads | Octet speed-up | ORT 1 thread | ORT 2 threads | Octet / ORT, 2 threads |"
  echo "|---|---|---|---|---|---|---|"
  cat "$work/threads.txt"
fi
if [ -s "$work/resnet50.224.onnx" ]; then
  # The compile itself (issue 13's goal: resnet50 QDQ in 10 s and 1 GB on
  # the 2-core machine), for this host's code and for AVX2 code
  # (x86-64-v3, what an AVX2 host compiles natively), three runs each.
  echo
  echo "resnet50 QDQ compile (octetc --target=cpu --emit=shared-lib; wall time, peak memory):"
  echo
  echo "| code | run 1 | run 2 | run 3 |"
  echo "|---|---|---|---|"
  for c in native x86-64-v3; do
    row="| --cpu=$c |"
    for _ in 1 2 3; do
      /usr/bin/time -f "%e %M" -o "$work/time.txt" "$bin/octetc" "$work/resnet50.224.onnx" \
        --target=cpu --cpu="$c" --emit=shared-lib -o "$work/r50c.so"
      read -r secs kb < "$work/time.txt"
      row="$row $secs s, $((kb / 1024)) MB |"
    done
    echo "$row"
  done
fi
if [ -n "$peak" ]; then
  # The dense work (MACs / 64 vpdpbusd) over time, as a share of this
  # core's register-only vpdpbusd rate: how close each kernel runs to the
  # hardware's limit (oneDNN's convolution skips padding taps, so its
  # share of the dense work can pass its real one).
  echo
  echo "vpdpbusd peak on this core: $peak/s. Share of it (dense MACs / 64 / time / peak):"
  echo
  echo "| case | Octet | oneDNN |"
  echo "|---|---|---|"
  for c in "gemm_1024x1024x1024 1024*1024*1024" "gemm_256x3072x768 256*3072*768" \
           "conv3x3_64x56x56 64*64*56*56*9"; do
    set -- $c
    set -- "$1" $(($2))
    line=$(grep "^$1 (u8" "$work/anchored.txt")
    o=$(echo "$line" | awk '{ print $(NF - 1) }') a=$(echo "$line" | awk '{ print $NF }')
    echo "| $1 | $(awk -v m="$2" -v t="$o" -v p="$peak" 'BEGIN { printf "%.1f%%", 100 * m / 64 / (t / 1000) / p }') |" \
         "$(awk -v m="$2" -v t="$a" -v p="$peak" 'BEGIN { printf "%.1f%%", 100 * m / 64 / (t / 1000) / p }') |"
  done
fi
echo
echo "VNNI instructions in the 1024^3 GEMM: vpdpbusd $("/usr/lib/llvm-22/bin/llvm-objdump" -d "$work/gemm_1024x1024x1024.so" | grep -c vpdpbusd || true), vpdpwssd $("/usr/lib/llvm-22/bin/llvm-objdump" -d "$work/gemm_1024x1024x1024.so" | grep -c vpdpwssd || true)"
