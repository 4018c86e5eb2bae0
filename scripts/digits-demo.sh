#!/usr/bin/env bash
# The main job: quantize the bundled float digits model with Octet's own quantizer (min-max, as ONNX
# Runtime's quantize_static does), print the report's summary, compile the float and the int8 model
# for this CPU, run both on the bundled test digits and print accuracy, latency and size.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${OCTET_BUILD_DIR:-$root/build}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
x="$root/models/digits_test_x.npy"
y="$root/models/digits_test_y.npy"
float="$root/models/digits_cnn.onnx"

echo "== octetc models/digits_cnn.onnx --quantize --calibration-data models/digits_calib_x.npy --calibrator=minmax"
"$build/bin/octetc" "$float" --quantize --calibration-data "$root/models/digits_calib_x.npy" \
  --calibrator=minmax --report "$work/report.json" --emit=onnx-qdq -o "$work/digits_cnn.int8.onnx" \
  2> "$work/report.txt"
# The summary: the first line, the worst tensor and the end-to-end output.
grep -E "^(quantized |worst tensor:|output ')" "$work/report.txt"

echo "== compile both for this CPU (octetc --target=cpu --emit=shared-lib) and run on 397 test digits"
for kind in float int8; do
  model="$float"
  [ "$kind" = int8 ] && model="$work/digits_cnn.int8.onnx"
  "$build/bin/octetc" "$model" --input-shape input=397x1x8x8 --target=cpu --cpu=native \
    --emit=shared-lib --name digits -o "$work/$kind.so"
  "$build/bin/octet-run" "$work/$kind.so" --input "input=@$x" --output "output=@$work/$kind.npy" \
    --benchmark=50 > "$work/$kind.bench"
  acc=$(/usr/bin/python3 -c "import numpy as np; o=np.load('$work/$kind.npy'); l=np.load('$y'); print('%.2f%%' % (100*np.mean(o.argmax(1)==l)))")
  p50="$(grep -oE 'p50 [0-9.]+' "$work/$kind.bench" | cut -d' ' -f2) ms p50"
  onnx_kb=$(( ($(stat -c %s "$model") + 1023) / 1024 ))
  so_kb=$(( ($(stat -c %s "$work/$kind.so") + 1023) / 1024 ))
  printf '%-5s accuracy %s  latency %s (batch 397)  model %d KiB ONNX, %d KiB compiled\n' \
    "$kind" "$acc" "$p50" "$onnx_kb" "$so_kb"
done
