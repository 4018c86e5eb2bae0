// Runs one compiled model from several threads at once through the runtime,
// on two octet_module handles loaded from the same file, with a different
// input per thread, and checks every result against the same input's result
// computed alone first. Compiled models keep intermediate buffers in static
// storage; the runtime must serialize calls on one model.
//
// usage: octet-runtime-threads MODEL.so [THREADS] [ROUNDS]
// The model's inputs and outputs may have any dtype; inputs are filled with
// a per-thread byte pattern.
#include "octet/runtime.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

namespace {

size_t dtypeSize(int32_t dtype) {
  switch (dtype) {
  case OCTET_DTYPE_F64:
  case OCTET_DTYPE_I64:
    return 8;
  case OCTET_DTYPE_F32:
  case OCTET_DTYPE_I32:
    return 4;
  case OCTET_DTYPE_I16:
  case OCTET_DTYPE_U16:
    return 2;
  default:
    return 1;
  }
}

struct Buffers {
  std::vector<std::vector<unsigned char>> in, out;
  std::vector<octet_tensor_view> inViews, outViews;
};

bool fail(const char *what, octet_status s) {
  std::fprintf(stderr, "%s: %s\n", what, octet_status_message(s));
  octet_status_release(s);
  return false;
}

void makeViews(octet_module m, Buffers &b, int pattern) {
  int32_t ni = 0, no = 0;
  octet_module_num_inputs(m, &ni);
  octet_module_num_outputs(m, &no);
  auto add = [&](const octet_tensor_desc *d, std::vector<unsigned char> &data,
                 std::vector<octet_tensor_view> &views, bool fill) {
    size_t n = dtypeSize(d->dtype);
    for (int32_t k = 0; k < d->rank; ++k)
      n *= (size_t)d->dims[k];
    data.assign(n, 0);
    if (fill) {
      for (size_t i = 0; i < n; ++i)
        data[i] = (unsigned char)((i * 7 + (size_t)pattern * 13) % 61);
      if (d->dtype == OCTET_DTYPE_F32) // small finite floats
        for (size_t i = 0; i + 4 <= n; i += 4) {
          float f = (float)data[i] / 61.0f - 0.5f + (float)pattern * 0.01f;
          std::memcpy(&data[i], &f, 4);
        }
    }
    views.push_back({d->dtype, d->rank, d->dims, nullptr, data.data(), n});
  };
  b.in.resize(ni);
  b.out.resize(no);
  for (int32_t i = 0; i < ni; ++i) {
    const octet_tensor_desc *d;
    octet_module_input(m, i, &d);
    add(d, b.in[i], b.inViews, true);
  }
  for (int32_t i = 0; i < no; ++i) {
    const octet_tensor_desc *d;
    octet_module_output(m, i, &d);
    add(d, b.out[i], b.outViews, false);
  }
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s MODEL.so [THREADS] [ROUNDS]\n", argv[0]);
    return 2;
  }
  int threads = argc > 2 ? std::atoi(argv[2]) : 4;
  int rounds = argc > 3 ? std::atoi(argv[3]) : 20;
  octet_module mods[2];
  for (octet_module &m : mods)
    if (octet_status s = octet_module_load(argv[1], &m))
      return fail("load", s) ? 0 : 1;

  // The expected result of each thread's input, computed alone.
  std::vector<Buffers> expected(threads), work(threads);
  for (int t = 0; t < threads; ++t) {
    makeViews(mods[0], expected[t], t);
    if (octet_status s = octet_module_invoke(mods[0], expected[t].inViews.data(),
                                             (int32_t)expected[t].inViews.size(),
                                             expected[t].outViews.data(),
                                             (int32_t)expected[t].outViews.size()))
      return fail("invoke", s) ? 0 : 1;
    makeViews(mods[0], work[t], t);
  }
  bool distinct = threads < 2 || expected[0].out != expected[1].out;

  std::vector<int> mismatches(threads, 0), errors(threads, 0);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      Buffers &b = work[t];
      for (int r = 0; r < rounds; ++r) {
        for (auto &o : b.out)
          std::memset(o.data(), 0xAB, o.size());
        if (octet_status s = octet_module_invoke(mods[(t + r) % 2], b.inViews.data(),
                                                 (int32_t)b.inViews.size(), b.outViews.data(),
                                                 (int32_t)b.outViews.size())) {
          octet_status_release(s);
          ++errors[t];
          continue;
        }
        if (b.out != expected[t].out)
          ++mismatches[t];
      }
    });
  for (std::thread &th : pool)
    th.join();
  int bad = 0, err = 0;
  for (int t = 0; t < threads; ++t) {
    bad += mismatches[t];
    err += errors[t];
  }
  std::printf("threads %d, rounds %d, distinct inputs give distinct outputs: %s\n", threads,
              rounds, distinct ? "yes" : "no");
  std::printf("errors %d, mismatches %d\n", err, bad);
  for (octet_module m : mods)
    octet_module_release(m);
  return bad || err || !distinct ? 1 : 0;
}
