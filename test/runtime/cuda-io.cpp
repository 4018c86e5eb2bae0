// Checks the CUDA driver's inputs and outputs in device memory through the
// runtime's C API, against the stand-in libcuda (fake-libcuda.c, loaded
// through OCTET_CUDA_LIBRARY; no GPU needed): device allocations and copies
// both ways, a call on device buffers, a device buffer off 16-byte alignment,
// and the errors for a pointer whose memory is not what its view declares
// (device memory passed as host memory, host memory passed as device
// memory), for an alignment the device cannot give and for an unknown copy
// kind; a call on the application's stream (a context's stream); and the
// memory pool (reuse, no block handed out twice, given back when an
// allocation runs out of memory).
//
// usage: octet-cuda-io MODEL.so   (a module built with --target=cuda)
#include "octet/Runtime/octet_runtime.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

int failures = 0;

void expect(bool ok, const std::string &what) {
  std::printf("%s: %s\n", ok ? "ok" : "FAIL", what.c_str());
  failures += !ok;
}

/// Expects `s` to be an error of `code` whose message contains `text`.
void expectError(octet_status s, int32_t code, const char *text, const std::string &what) {
  bool ok = s && octet_status_code_of(s) == code && std::strstr(octet_status_message(s), text);
  if (!ok)
    std::printf("  got: %d %s\n", octet_status_code_of(s), s ? octet_status_message(s) : "OK");
  else
    std::printf("  message: %s\n", octet_status_message(s));
  expect(ok, what);
  octet_status_release(s);
}

bool ok(octet_status s, const std::string &what) {
  if (s) {
    std::printf("FAIL: %s: %s\n", what.c_str(), octet_status_message(s));
    octet_status_release(s);
    ++failures;
    return false;
  }
  return true;
}

} // namespace

int main(int argc, char **argv) {
  std::setvbuf(stdout, nullptr, _IONBF, 0); // in order with the fake driver's log
  if (argc != 2) {
    std::fprintf(stderr, "usage: octet-cuda-io MODEL.so\n");
    return 2;
  }
  octet_device dev = nullptr;
  if (!ok(octet_device_create("cuda", 0, &dev), "creating cuda:0"))
    return 1;
  octet_module module = nullptr;
  if (!ok(octet_module_load(argv[1], dev, &module), "loading the module"))
    return 1;
  const octet_tensor_desc *in = nullptr, *out = nullptr;
  octet_module_input(module, 0, &in);
  octet_module_output(module, 0, &out);
  auto bytes = [](const octet_tensor_desc *d) {
    size_t n = octet_dtype_size(d->dtype);
    for (int32_t k = 0; k < d->rank; ++k)
      n *= (size_t)d->dims[k];
    return n;
  };
  size_t inBytes = bytes(in), outBytes = bytes(out);

  // Copies both ways and on the device.
  std::vector<unsigned char> host(inBytes), back(inBytes, 0);
  for (size_t k = 0; k < inBytes; ++k)
    host[k] = (unsigned char)(k * 7 + 3);
  void *din = nullptr, *dout = nullptr, *dwide = nullptr, *dcopy = nullptr;
  if (!ok(octet_device_allocate(dev, inBytes, 256, &din), "allocating the input") ||
      !ok(octet_device_allocate(dev, outBytes, 256, &dout), "allocating the output") ||
      !ok(octet_device_allocate(dev, inBytes + 64, 256, &dwide), "allocating a wider buffer") ||
      !ok(octet_device_allocate(dev, inBytes, 16, &dcopy), "allocating a copy"))
    return 1;
  ok(octet_device_copy(dev, din, host.data(), inBytes, OCTET_COPY_HOST_TO_DEVICE, nullptr),
     "host to device");
  ok(octet_device_copy(dev, dcopy, din, inBytes, OCTET_COPY_DEVICE_TO_DEVICE, nullptr),
     "device to device");
  ok(octet_device_copy(dev, back.data(), dcopy, inBytes, OCTET_COPY_DEVICE_TO_HOST, nullptr),
     "device to host");
  ok(octet_device_synchronize(dev, nullptr), "synchronize");
  expect(back == host, "copies to, on and from the device keep the bytes");
  void *tooAligned = nullptr;
  expectError(octet_device_allocate(dev, 64, 4096, &tooAligned), OCTET_INVALID_ARGUMENT,
              "aligned to 256 bytes", "an alignment over 256 bytes is refused");

  // A call on device buffers.
  octet_tensor_view x = {in->dtype, in->rank, in->dims, nullptr, din, inBytes, dev};
  octet_tensor_view y = {out->dtype, out->rank, out->dims, nullptr, dout, outBytes, dev};
  ok(octet_module_invoke(module, &x, 1, &y, 1), "a call on device buffers");
  expect(true, "a call on device buffers");
  // Off 16-byte alignment: staged through the module's buffer on the device.
  octet_tensor_view xo = x;
  xo.data = static_cast<char *>(dwide) + 4;
  ok(octet_module_invoke(module, &xo, 1, &y, 1), "an input at a 4-byte offset");
  expect(true, "an input at a 4-byte offset");

  // Views that say the wrong thing about their memory.
  octet_tensor_view xh = x;
  xh.device = nullptr; // device memory declared as host memory
  expectError(octet_module_invoke(module, &xh, 1, &y, 1), OCTET_INVALID_ARGUMENT,
              "is declared as host memory, but the pointer is CUDA device memory",
              "device memory passed as host memory");
  std::vector<unsigned char> hostOut(outBytes);
  octet_tensor_view yd = y;
  yd.data = hostOut.data(); // host memory declared as device memory
  expectError(octet_module_invoke(module, &x, 1, &yd, 1), OCTET_INVALID_ARGUMENT,
              "is declared as memory of device cuda:0, but the pointer is not",
              "host memory passed as device memory");

  expectError(octet_device_copy(dev, din, host.data(), 1, 99, nullptr), OCTET_INVALID_ARGUMENT,
              "unknown copy kind", "a copy of an unknown kind");

  // A context with the application's stream: the call's copies, capture and
  // graph launch go there (the stand-in logs whose stream it is).
  octet_context_options options;
  std::memset(&options, 0, sizeof options);
  options.struct_size = sizeof options;
  static int appStream;
  options.stream = &appStream;
  octet_context ctx = nullptr;
  if (ok(octet_context_create(module, &options, &ctx), "a context on the application's stream")) {
    ok(octet_context_invoke(ctx, &x, 1, &y, 1), "a call on the application's stream");
    expect(true, "a call on the application's stream");
    octet_context_release(ctx);
  }

  // The pool: a freed block comes back for the same size, a block in use
  // (or one freed twice) is not handed out twice, and an allocation that
  // runs out of memory gets what the pool keeps (with FAKE_CUDA_MEMORY).
  void *p1 = nullptr, *p2 = nullptr, *p3 = nullptr, *p4 = nullptr, *p5 = nullptr;
  if (ok(octet_device_allocate(dev, 1000, 64, &p1), "pool: first block")) {
    octet_device_free(dev, p1);
    ok(octet_device_allocate(dev, 1000, 64, &p2), "pool: second block");
    expect(p2 == p1, "a freed block is handed out again for the same size");
    ok(octet_device_allocate(dev, 1000, 64, &p3), "pool: third block");
    expect(p3 != p2, "a block in use is not handed out twice");
    octet_device_free(dev, p2);
    octet_device_free(dev, p2);
    ok(octet_device_allocate(dev, 1000, 64, &p4), "pool: fourth block");
    ok(octet_device_allocate(dev, 1000, 64, &p5), "pool: fifth block");
    expect(p4 != p5, "a block freed twice is handed out once");
    octet_device_free(dev, p3);
    octet_device_free(dev, p4);
    octet_device_free(dev, p5);
  }
  if (const char *limit = std::getenv("FAKE_CUDA_MEMORY")) {
    size_t quarter = (size_t)std::strtoull(limit, nullptr, 10) / 4;
    void *big[3] = {nullptr, nullptr, nullptr};
    for (void *&b : big)
      ok(octet_device_allocate(dev, quarter - 4096, 256, &b), "pool: a quarter of the memory");
    for (void *b : big)
      octet_device_free(dev, b);
    void *half = nullptr; // 3/4 pooled + 1/2 > the memory: the pool must give way
    ok(octet_device_allocate(dev, quarter * 2, 256, &half), "pool: half of the memory");
    expect(half != nullptr, "an allocation that needs the pooled blocks' memory gets it");
    octet_device_free(dev, half);
  }

  octet_device_free(dev, din);
  octet_device_free(dev, dout);
  octet_device_free(dev, dwide);
  octet_device_free(dev, dcopy);
  octet_module_release(module);
  octet_device_release(dev);
  std::printf("%s\n", failures ? "FAILED" : "PASSED");
  return failures ? 1 : 0;
}
