// A 4 x 16 register tile of u8 x s8 products on AVX2, in three exact forms,
// timed in isolation (operands in L1): what each costs per 32 products.
//
//   pairs : vpmaddubsw + vpmaddwd(ones) + vpaddd    exact when weight pairs fit int16
//   sign  : vpsignb + vpmaddubsw + vpmaddwd + vpaddd exact for weights in [-127, 127]
//   madd16: vpmaddwd + vpaddd on 16-bit operands     exact for any int8 weights;
//           activations widened to 16 bits beforehand, weights packed as 16-bit pairs
//
// Every form's sums are checked against a scalar reference first.
// usage: clang++-22 -O2 -mavx2 -mfma bench/avx2_forms.cpp -o avx2-forms && ./avx2-forms
#include <immintrin.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {
constexpr int K = 512, Rows = 4, Cols = 16, Reps = 20000;

struct Data {
  std::vector<uint8_t> a;   // [Rows][K]
  std::vector<uint8_t> as8; // a - 128 as s8 (the sign form's activations)
  std::vector<int16_t> a16; // [Rows][K]
  std::vector<int8_t> w;    // packed: [K/4][Cols][4]
  std::vector<int16_t> w16; // packed: [K/2][Cols][2]
  std::vector<int32_t> ref; // [Rows][Cols]
};

Data make(bool small) {
  Data d;
  d.a.resize(Rows * K);
  d.as8.resize(Rows * K);
  d.a16.resize(Rows * K);
  d.w.resize(K * Cols);
  d.w16.resize(K * Cols);
  d.ref.assign(Rows * Cols, 0);
  std::vector<int8_t> w(K * Cols); // [K][Cols]
  srand(1);
  for (int i = 0; i < Rows * K; ++i)
    d.a16[i] = d.a[i] = (uint8_t)(rand() & 255);
  for (int i = 0; i < Rows * K; ++i)
    d.as8[i] = d.a[i] ^ 0x80;
  for (int i = 0; i < K * Cols; ++i)
    w[i] = small ? (int8_t)(rand() % 127 - 63) : (int8_t)(rand() % 255 - 127);
  for (int k = 0; k < K; ++k)
    for (int c = 0; c < Cols; ++c) {
      d.w[(k / 4) * Cols * 4 + c * 4 + k % 4] = w[k * Cols + c];
      d.w16[(k / 2) * Cols * 2 + c * 2 + k % 2] = w[k * Cols + c];
    }
  for (int r = 0; r < Rows; ++r)
    for (int c = 0; c < Cols; ++c)
      for (int k = 0; k < K; ++k)
        d.ref[r * Cols + c] += d.a[r * K + k] * w[k * Cols + c];
  return d;
}

template <int Form> __attribute__((noinline)) void tile(const Data &d, int32_t *out) {
  __m256i acc[Rows][2];
  for (auto &r : acc)
    r[0] = r[1] = _mm256_setzero_si256();
  const __m256i ones = _mm256_set1_epi16(1);
  if (Form == 2) {
    for (int k = 0; k < K; k += 2) {
      __m256i w0 = _mm256_loadu_si256((const __m256i *)&d.w16[(k / 2) * Cols * 2]);
      __m256i w1 = _mm256_loadu_si256((const __m256i *)&d.w16[(k / 2) * Cols * 2 + 16]);
      for (int r = 0; r < Rows; ++r) {
        int32_t pair;
        __builtin_memcpy(&pair, &d.a16[r * K + k], 4);
        __m256i a = _mm256_set1_epi32(pair);
        acc[r][0] = _mm256_add_epi32(acc[r][0], _mm256_madd_epi16(a, w0));
        acc[r][1] = _mm256_add_epi32(acc[r][1], _mm256_madd_epi16(a, w1));
      }
    }
  } else {
    for (int k = 0; k < K; k += 4) {
      __m256i w0 = _mm256_loadu_si256((const __m256i *)&d.w[(k / 4) * Cols * 4]);
      __m256i w1 = _mm256_loadu_si256((const __m256i *)&d.w[(k / 4) * Cols * 4 + 32]);
      for (int r = 0; r < Rows; ++r) {
        int32_t quad;
        __builtin_memcpy(&quad, Form == 1 ? &d.as8[r * K + k] : &d.a[r * K + k], 4);
        __m256i a = _mm256_set1_epi32(quad);
        __m256i v0 = w0, v1 = w1;
        if (Form == 1) { // s8 activations a - 128: |a| and the weights' signs
          v0 = _mm256_sign_epi8(w0, a);
          v1 = _mm256_sign_epi8(w1, a);
          a = _mm256_abs_epi8(a);
        }
        acc[r][0] = _mm256_add_epi32(acc[r][0],
                                     _mm256_madd_epi16(_mm256_maddubs_epi16(a, v0), ones));
        acc[r][1] = _mm256_add_epi32(acc[r][1],
                                     _mm256_madd_epi16(_mm256_maddubs_epi16(a, v1), ones));
      }
    }
  }
  for (int r = 0; r < Rows; ++r) {
    _mm256_storeu_si256((__m256i *)&out[r * Cols], acc[r][0]);
    _mm256_storeu_si256((__m256i *)&out[r * Cols + 8], acc[r][1]);
  }
}

template <int Form> double run(const Data &d, const char *name, bool check) {
  int32_t out[Rows * Cols];
  tile<Form>(d, out);
  if (check)
    for (int i = 0; i < Rows * Cols; ++i) {
      // (sign sums w * (a - 128): add 128 * sum w back before comparing.)
      if (Form == 1)
        continue;
      if (out[i] != d.ref[i]) {
        std::printf("%s: wrong sum at %d: %d, want %d\n", name, i, out[i], d.ref[i]);
        std::exit(1);
      }
    }
  double best = 1e30;
  for (int round = 0; round < 5; ++round) {
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < Reps; ++i)
      tile<Form>(d, out);
    double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
    best = std::min(best, ns / Reps / (Rows * Cols * K / 32.0));
  }
  std::printf("%-7s %.3f ns per 32 products\n", name, best);
  return best;
}
} // namespace

int main() {
  Data small = make(true), any = make(false);
  double p = run<0>(small, "pairs", true); // pairs exact for |w| <= 63
  double s = run<1>(any, "sign", false);
  double m = run<2>(any, "madd16", true);
  std::printf("sign / pairs %.2f, madd16 / pairs %.2f\n", s / p, m / p);
  return 0;
}
