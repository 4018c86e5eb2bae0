#!/usr/bin/env bash
# The main job: compile the bundled digits models for this CPU, run them on the bundled test digits,
# and print float and int8 accuracy and latency.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${OCTET_BUILD_DIR:-$root/build}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
x="$root/models/digits_test_x.npy"
y="$root/models/digits_test_y.npy"
for kind in float int8; do
  model="$root/models/digits_cnn.onnx"
  [ "$kind" = int8 ] && model="$root/models/digits_cnn.qdq.onnx"
  "$build/bin/octetc" "$model" --input-shape input=397x1x8x8 --target=cpu --cpu=native \
    --emit=shared-lib --name digits -o "$work/$kind.so"
  "$build/bin/octet-run" "$work/$kind.so" --input "input=@$x" --output "output=@$work/$kind.npy" \
    --benchmark=50 > "$work/$kind.bench"
  acc=$(/usr/bin/python3 -c "import numpy as np; o=np.load('$work/$kind.npy'); l=np.load('$y'); print('%.2f%%' % (100*np.mean(o.argmax(1)==l)))")
  lat=$(grep '^latency' "$work/$kind.bench")
  printf '%-5s accuracy %s on %s test digits (batch 397); %s\n' "$kind" "$acc" 397 "$lat"
done
