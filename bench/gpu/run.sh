#!/bin/bash
# The GPU checks and benchmarks, in one short run on the GPU machine, from
# what bench/gpu/prepare.sh wrote here ($OCTET_BUILD_DIR/gpu-checks): each
# model on CUDA and on Vulkan (integer dot products; cooperative matrices,
# vulkan-coopmat), outputs compared byte for byte with the CPU
# backend's, then p50/p90/p99 latency; on CUDA also with the inputs and
# outputs in device memory (--io=device: the same bytes, and the latency
# without the transfers). Needs only build/bin/octet-run and
# build/lib/liboctet_runtime.so (no LLVM), and a GPU driver.
#   bash bench/gpu/run.sh [RUNS]
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${OCTET_BUILD_DIR:-$root/build}
dir=$build/gpu-checks
runs=${1:-50}
run=$build/bin/octet-run
[ -f "$dir/manifest.tsv" ] || { echo "no $dir/manifest.tsv: run bench/gpu/prepare.sh first" >&2; exit 2; }
"$run" --list-devices
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null || true
fail=0
for target in cuda vulkan vulkan-coopmat; do
  device=${target%%-*}
  echo "== $target"
  while IFS=$'\t' read -r m ins refs; do
    args=(); for i in $ins; do args+=(--input "$i"); done
    oargs=(); k=0
    for r in $refs; do oargs+=(--output "${r%%=*}=@$m.$target.out.$k.npy"); k=$((k + 1)); done
    if ! (cd "$dir" && "$run" "$m.$target.so" --device="$device" "${args[@]}" "${oargs[@]}"); then
      echo "$m: FAILED to run"; fail=1; continue
    fi
    k=0; same=yes
    for r in $refs; do
      cmp -s "$dir/${r#*=@}" "$dir/$m.$target.out.$k.npy" || same=no
      k=$((k + 1))
    done
    [ "$same" = yes ] || fail=1
    bench=$(cd "$dir" && "$run" "$m.$target.so" --device="$device" "${args[@]}" --benchmark="$runs" --warmup=5 | grep latency)
    cpu=$(cd "$dir" && "$run" "$m.cpu.so" "${args[@]}" --benchmark="$runs" --warmup=5 | grep latency)
    dev=""
    if [ "$target" = cuda ]; then
      doargs=(); k=0
      for r in $refs; do doargs+=(--output "${r%%=*}=@$m.dev.out.$k.npy"); k=$((k + 1)); done
      if (cd "$dir" && "$run" "$m.cuda.so" --device=cuda --io=device "${args[@]}" "${doargs[@]}"); then
        k=0
        for r in $refs; do
          cmp -s "$dir/${r#*=@}" "$dir/$m.dev.out.$k.npy" || { same=no; fail=1; }
          k=$((k + 1))
        done
        dev=" | --io=device $(cd "$dir" && "$run" "$m.cuda.so" --device=cuda --io=device "${args[@]}" --benchmark="$runs" --warmup=5 | grep latency)"
      else
        echo "$m: FAILED with --io=device"; fail=1
      fi
    fi
    echo "$m: bit-identical with the CPU backend: $same | $target $bench$dev | cpu $cpu"
  done < "$dir/manifest.tsv"
done
exit $fail
