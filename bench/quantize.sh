#!/usr/bin/env bash
# Calibration cost: octetc --quantize of torchvision resnet18 (float, 224x224)
# on 256 images, against Octet's float model compiling and running the same
# 256 images (octetc + octet-run --benchmark=256 at batch 1), in the same run.
# Reports wall time, the ratio with and without the compile steps, and peak
# memory (/usr/bin/time). Then the quantized model against the float one:
# both compiled for this CPU, p50 latency at batch 1. Prints markdown tables.
# usage: bench/quantize.sh   (needs python3-torch: scripts/setup.sh --test-deps)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${OCTET_BUILD_DIR:-$root/build}"
bin="$build/bin"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
n="${OCTET_BENCH_IMAGES:-256}"
/usr/bin/python3 "$root/test/Inputs/torch_models.py" resnet18 "$work/r18.onnx" 224 2>/dev/null
/usr/bin/python3 -c "
import numpy as np; r = np.random.default_rng(0)
np.save('$work/calib.npy', r.standard_normal(($n, 3, 224, 224)).astype(np.float32))
np.save('$work/one.npy', r.standard_normal((1, 3, 224, 224)).astype(np.float32))"
timed() { # LABEL CMD... -> "seconds peak_kb" in $work/LABEL.time
  local label="$1"; shift
  /usr/bin/time -f "%e %M" -o "$work/$label.time" "$@" > "$work/$label.out" 2>&1
}
timed fcompile "$bin/octetc" "$work/r18.onnx" --input-shape input=1x3x224x224 --target=cpu \
  --emit=shared-lib -o "$work/f.so"
timed frun "$bin/octet-run" "$work/f.so" --input "input=@$work/one.npy" --benchmark="$n"
fc=$(cut -d' ' -f1 "$work/fcompile.time")
# octet-run's own measure of the n runs (without loading): n / throughput.
fr=$(grep -oE 'throughput: [0-9.]+' "$work/frun.out" | awk -v n="$n" '{ printf "%.2f", n / $2 }')
cpu_model=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
echo "Host: $cpu_model, $(getconf _NPROCESSORS_ONLN) cores; resnet18 224x224, $n calibration images"
echo
echo "| calibrator | octetc --quantize (s) | peak memory (MB) | float compile + run (s) | ratio | float run (s) | calibration passes (s) | ratio |"
echo "|---|---|---|---|---|---|---|---|"
for cal in minmax entropy; do
  timed "q-$cal" "$bin/octetc" "$work/r18.onnx" --quantize --calibration-data "$work/calib.npy" \
    --calibrator="$cal" --emit=onnx-qdq -o "$work/q-$cal.onnx" --timing
  read -r qs qm < "$work/q-$cal.time"
  # The passes over the data (--timing): reading, running, statistics and
  # choosing the ranges; without the compile of the model with observers.
  passes=$(grep -E '^ +[0-9.]+ +\( *[0-9.]+%\) +(read the data|run|statistics|choose ranges)' \
    "$work/q-$cal.out" | awk '{ s += $1 } END { printf "%.2f", s }')
  awk -v c="$cal" -v q="$qs" -v m="$qm" -v fc="$fc" -v fr="$fr" -v p="$passes" 'BEGIN {
    printf "| %s | %.2f | %.0f | %.2f | %.2fx | %.2f | %.2f | %.2fx |\n",
      c, q, m / 1024, fc + fr, q / (fc + fr), fr, p, p / fr }'
done

# The int8 model Octet made against the float model, same run.
"$bin/octetc" "$work/q-minmax.onnx" --input-shape input=1x3x224x224 --target=cpu \
  --emit=shared-lib -o "$work/q.so"
for t in 1 2; do
  fp=$("$bin/octet-run" "$work/f.so" --input "input=@$work/one.npy" --benchmark=30 --threads=$t |
       grep -oE 'p50 [0-9.]+' | cut -d' ' -f2)
  qp=$("$bin/octet-run" "$work/q.so" --input "input=@$work/one.npy" --benchmark=30 --threads=$t |
       grep -oE 'p50 [0-9.]+' | cut -d' ' -f2)
  [ "$t" = 1 ] && { echo; echo "| threads | float p50 (ms) | int8 (octetc --quantize) p50 (ms) | int8 / float |"; echo "|---|---|---|---|"; }
  awk -v t="$t" -v f="$fp" -v q="$qp" 'BEGIN { printf "| %s | %.2f | %.2f | %.2fx |\n", t, f, q, q / f }'
done
