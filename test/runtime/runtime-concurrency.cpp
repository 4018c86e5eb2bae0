// Many threads calling one loaded module at once, each with its own context:
// every result must be bit-identical to the same input's result computed
// alone. Also checks octet_module_invoke from many threads (pooled
// contexts), that a workspace need not be zeroed, and the entry point's own
// checks of a call (missing, small or misaligned workspace). Intra-op
// threads: contexts of 1 to 4 threads, and the entry point driven by this
// program's own parallel_for (tasks in reverse order, each on a thread of
// its own), all give the single-thread result.
//
// usage: octet-runtime-concurrency MODEL.so [THREADS] [CALLS]
// Inputs of any dtype are filled with a per-thread byte pattern.
#include "octet/Runtime/octet_runtime.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Buffers {
  std::vector<std::vector<unsigned char>> in, out;
  std::vector<octet_tensor_view> inViews, outViews;
};

int failures = 0;
void expect(bool ok, const std::string &what) {
  if (!ok) {
    std::printf("FAIL: %s\n", what.c_str());
    ++failures;
  }
}

bool ok(const char *what, octet_status s) {
  if (!s)
    return true;
  std::printf("FAIL: %s: %s\n", what, octet_status_message(s));
  octet_status_release(s);
  ++failures;
  return false;
}

/// Buffers for every input and output of `m`; inputs hold pattern `p`.
void makeBuffers(octet_module m, Buffers &b, int p) {
  int32_t ni = 0, no = 0;
  octet_module_num_inputs(m, &ni);
  octet_module_num_outputs(m, &no);
  auto add = [&](const octet_tensor_desc *d, std::vector<unsigned char> &data,
                 std::vector<octet_tensor_view> &views, bool fill) {
    size_t n = octet_dtype_size(d->dtype);
    for (int32_t k = 0; k < d->rank; ++k)
      n *= (size_t)d->dims[k];
    data.assign(n, 0);
    if (fill) {
      for (size_t i = 0; i < n; ++i)
        data[i] = (unsigned char)((i * 7 + (size_t)p * 13) % 61);
      if (d->dtype == OCTET_DTYPE_F32) // small finite floats
        for (size_t i = 0; i + 4 <= n; i += 4) {
          float f = (float)((i / 4 + (size_t)p * 5) % 17) / 8.0f - 1.0f;
          std::memcpy(&data[i], &f, 4);
        }
    }
    views.push_back({d->dtype, d->rank, d->dims, nullptr, data.data(), n, nullptr});
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

/// An octet_call of `b`'s buffers and a 64-byte aligned workspace of `size`
/// bytes, all `fill`, for calling the entry point directly.
struct DirectCall {
  std::vector<unsigned char> raw;
  std::vector<void *> ins, outs;
  unsigned char *ws;
  octet_call call;
  DirectCall(Buffers &b, uint64_t size, int fill) : raw(size + 128) {
    ws = raw.data() + (64 - (reinterpret_cast<uintptr_t>(raw.data()) % 64)) % 64;
    std::memset(ws, fill, size);
    for (auto &v : b.inViews)
      ins.push_back(v.data);
    for (auto &v : b.outViews)
      outs.push_back(v.data);
    std::memset(&call, 0, sizeof call);
    call.struct_size = sizeof call;
    call.inputs = ins.data();
    call.outputs = outs.data();
    call.workspace = ws;
    call.workspace_size = size;
    call.num_threads = 1;
  }
};

} // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s MODEL.so [THREADS] [CALLS]\n", argv[0]);
    return 2;
  }
  int threads = argc > 2 ? std::atoi(argv[2]) : 4;
  int calls = argc > 3 ? std::atoi(argv[3]) : 200;
  octet_module m = nullptr;
  if (!ok("load", octet_module_load(argv[1], nullptr, &m)))
    return 1;
  const octet_module_desc *desc = nullptr;
  octet_module_descriptor(m, &desc);

  // Each thread's input, and its result computed alone.
  std::vector<Buffers> work(threads), want(threads);
  octet_context alone = nullptr;
  octet_context_options one;
  std::memset(&one, 0, sizeof one);
  one.struct_size = sizeof one;
  one.num_threads = 1;
  ok("context", octet_context_create(m, &one, &alone));
  for (int t = 0; t < threads; ++t) {
    makeBuffers(m, work[t], t);
    makeBuffers(m, want[t], t);
    ok("reference call", octet_context_invoke(alone, want[t].inViews.data(),
                                              (int32_t)want[t].inViews.size(),
                                              want[t].outViews.data(),
                                              (int32_t)want[t].outViews.size()));
  }
  bool distinct = threads < 2 || want[0].out != want[1].out;
  std::printf("threads %d, calls %d, distinct inputs give distinct outputs: %s\n", threads,
              calls, distinct ? "yes" : "no");

  // All threads at once, each with its own context.
  std::atomic<int> errors{0}, mismatches{0}, go{0};
  auto worker = [&](int t, bool pooled) {
    octet_context ctx = nullptr;
    if (!pooled && octet_context_create(m, nullptr, &ctx)) {
      ++errors;
      return;
    }
    ++go;
    while (go.load() < threads) // start together
      std::this_thread::yield();
    Buffers &b = work[t];
    for (int i = 0; i < calls; ++i) {
      for (auto &o : b.out)
        std::memset(o.data(), 0xEE, o.size());
      octet_status s =
          pooled ? octet_module_invoke(m, b.inViews.data(), (int32_t)b.inViews.size(),
                                       b.outViews.data(), (int32_t)b.outViews.size())
                 : octet_context_invoke(ctx, b.inViews.data(), (int32_t)b.inViews.size(),
                                        b.outViews.data(), (int32_t)b.outViews.size());
      if (s) {
        ++errors;
        octet_status_release(s);
        continue;
      }
      if (b.out != want[t].out)
        ++mismatches;
    }
    octet_context_release(ctx);
  };
  for (bool pooled : {false, true}) {
    go = 0;
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
      pool.emplace_back(worker, t, pooled);
    for (std::thread &th : pool)
      th.join();
    std::printf("%s: errors %d, mismatches %d\n",
                pooled ? "octet_module_invoke" : "own contexts", errors.load(), mismatches.load());
  }

  // The entry point with a workspace full of garbage computes the same.
  uint64_t size = desc->workspace_size;
  Buffers g;
  makeBuffers(m, g, 0);
  DirectCall dc(g, size, 0xA5);
  octet_call &call = dc.call;
  unsigned char *ws = dc.ws;
  expect(desc->entry(&call) == OCTET_OK && g.out == want[0].out,
         "a workspace full of garbage gives the same result");
  std::printf("workspace %llu bytes\n", (unsigned long long)size);

  // Thread counts: contexts of 1 to 4 threads compute the same.
  int threadMismatches = 0;
  for (int n = 1; n <= 4; ++n) {
    octet_context_options o;
    std::memset(&o, 0, sizeof o);
    o.struct_size = sizeof o;
    o.num_threads = n;
    octet_context c = nullptr;
    if (!ok("threads context", octet_context_create(m, &o, &c)))
      continue;
    expect(octet_context_num_threads(c) == n, "octet_context_num_threads");
    Buffers b;
    makeBuffers(m, b, 0);
    if (ok("threads call", octet_context_invoke(c, b.inViews.data(), (int32_t)b.inViews.size(),
                                                b.outViews.data(), (int32_t)b.outViews.size())))
      threadMismatches += b.out != want[0].out;
    octet_context_release(c);
  }
  // The entry point with a parallel_for of this program: the tasks in
  // reverse order, each on its own std::thread, for 2 to 8 threads; the
  // task counts must stay within num_threads.
  struct Tasks {
    int64_t maxCount = 0, calls = 0;
  } tasks;
  auto reverseParallelFor = [](void *pool, int64_t count, void (*fn)(void *, int64_t),
                               void *ctx) {
    auto *t = static_cast<Tasks *>(pool);
    t->maxCount = count > t->maxCount ? count : t->maxCount;
    ++t->calls;
    std::vector<std::thread> ths;
    for (int64_t i = count - 1; i >= 0; --i)
      ths.emplace_back([=] { fn(ctx, i); });
    for (std::thread &th : ths)
      th.join();
  };
  for (int n = 2; n <= 8; n *= 2) {
    Buffers b;
    makeBuffers(m, b, 0);
    DirectCall dc(b, desc->workspace_size, 0);
    dc.call.num_threads = n;
    dc.call.parallel_for = reverseParallelFor;
    dc.call.pool = &tasks;
    tasks.maxCount = 0;
    expect(desc->entry(&dc.call) == OCTET_OK, "entry with a parallel_for");
    threadMismatches += b.out != want[0].out;
    expect(tasks.maxCount <= n, "no more tasks than num_threads");
  }
  std::printf("thread counts: mismatches %d, parallel_for calls %s\n", threadMismatches,
              tasks.calls ? "some" : "none");
  failures += threadMismatches;

  // The entry point's checks of the call.
  if (size) {
    call.workspace = nullptr;
    expect(desc->entry(&call) == OCTET_INVALID_ARGUMENT && call.message &&
               std::strstr(call.message, "workspace is missing"),
           "entry: no workspace");
    call.workspace = ws;
    call.workspace_size = size - 1;
    call.message = nullptr;
    expect(desc->entry(&call) == OCTET_INVALID_ARGUMENT && call.message &&
               std::strstr(call.message, "smaller than the module needs"),
           "entry: small workspace");
    call.workspace = ws + 1;
    call.workspace_size = size;
    call.message = nullptr;
    expect(desc->entry(&call) == OCTET_INVALID_ARGUMENT && call.message &&
               std::strstr(call.message, "not 64-byte aligned"),
           "entry: misaligned workspace");
  }
  call.struct_size = 8;
  expect(desc->entry(&call) == OCTET_INVALID_ARGUMENT, "entry: truncated octet_call");
  expect(desc->entry(nullptr) == OCTET_INVALID_ARGUMENT, "entry: null call");

  // Outputs written in place over an input, or two outputs in one buffer,
  // are refused before the call (the generated code assumes no overlap).
  {
    Buffers o;
    makeBuffers(m, o, 1);
    std::vector<octet_tensor_view> outs(o.outViews);
    std::vector<unsigned char> big(o.in[0].size() + o.out[0].size() + 64);
    std::vector<octet_tensor_view> ins(o.inViews);
    ins[0].data = big.data();
    outs[0].data = big.data() + o.in[0].size() / 2 + 1;
    outs[0].size_bytes = o.out[0].size();
    octet_status s = octet_module_invoke(m, ins.data(), (int32_t)ins.size(), outs.data(),
                                         (int32_t)outs.size());
    expect(s && octet_status_code_of(s) == OCTET_INVALID_ARGUMENT &&
               std::strstr(octet_status_message(s), "overlaps input 0") &&
               std::strstr(octet_status_message(s), "in place"),
           "an output over an input is refused");
    if (s)
      std::printf("overlap: %s\n", octet_status_message(s));
    octet_status_release(s);
    if (outs.size() > 1) {
      outs[0].data = o.outViews[0].data;
      outs[1].data = outs[0].data;
      s = octet_module_invoke(m, o.inViews.data(), (int32_t)o.inViews.size(), outs.data(),
                              (int32_t)outs.size());
      expect(s && std::strstr(octet_status_message(s), "overlaps output 0"),
             "two outputs in one buffer are refused");
      octet_status_release(s);
    }
  }

  octet_context_release(alone);
  octet_module_release(m);
  std::printf("concurrency checks: %s\n",
              failures || errors || mismatches || !distinct ? "FAILED" : "OK");
  return failures || errors || mismatches || !distinct ? 1 : 0;
}
