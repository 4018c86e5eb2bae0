//===- vnni_peak.cpp - this core's vpdpbusd throughput --------------------===//
//
// Issues vpdpbusd on 16 independent zmm accumulators with no memory operands
// and prints the rate ("vpdpbusd/s <rate>", best of 5): the most INT8
// multiply-accumulates per second any kernel can reach on this core (64 per
// instruction), against which bench/run.sh puts Octet's and oneDNN's GEMM
// and convolution. The checksum keeps the accumulators live.
//
// usage: vnni-peak   (built with -mavx512f -mavx512vnni; exits 1 without
// AVX-512 VNNI)
//
//===----------------------------------------------------------------------===//

#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

int main() {
  if (!__builtin_cpu_supports("avx512vnni")) {
    std::fprintf(stderr, "vnni-peak: this CPU has no AVX-512 VNNI\n");
    return 1;
  }
  __m512i acc[16];
  for (int i = 0; i < 16; ++i)
    acc[i] = _mm512_set1_epi32(i);
  __m512i x = _mm512_set1_epi32(3), y = _mm512_set1_epi32(5);
  const long n = 10000000;
  double best = 0;
  for (int rep = 0; rep < 5; ++rep) {
    auto t0 = std::chrono::steady_clock::now();
    for (long i = 0; i < n; ++i) {
      for (int j = 0; j < 16; ++j)
        acc[j] = _mm512_dpbusd_epi32(acc[j], x, y);
      asm volatile("" : "+v"(x)); // keeps the loop from being folded
    }
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best = std::max(best, n * 16 / s);
  }
  int sum = 0;
  for (int i = 0; i < 16; ++i)
    sum += _mm512_reduce_add_epi32(acc[i]);
  std::printf("vpdpbusd/s %.4g checksum %d\n", best, sum);
  return 0;
}
