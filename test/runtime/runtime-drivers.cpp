// Checks the runtime's device and driver interface: the built-in CPU driver
// and its devices (allocation, copies, synchronisation), a driver registered
// by the application (as a GPU backend would be) taking the modules of its
// target on its own device, device-placement checks of tensor views, its
// errors becoming statuses, a context used by two threads at once, ABI
// version and ISA-feature checks at load, and the argument checks of every
// entry point.
//
// usage: octet-runtime-drivers [MODEL.so]   (a module built for the CPU)
#include "octet/Runtime/octet_runtime.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

namespace {

int failures = 0;

void expect(bool ok, const std::string &what) {
  if (!ok) {
    std::printf("FAIL: %s\n", what.c_str());
    ++failures;
  }
}

/// Expects `s` to be an error of `code` whose message contains `text`.
void expectError(octet_status s, int32_t code, const char *text, const std::string &what) {
  bool ok = s && octet_status_code_of(s) == code && std::strstr(octet_status_message(s), text);
  if (!ok)
    std::printf("  got: %d %s\n", octet_status_code_of(s), s ? octet_status_message(s) : "OK");
  expect(ok, what);
  octet_status_release(s);
}

// A test driver for target "echo": y = x + 1 on "device memory" (host memory
// it hands out itself), fails on a negative first element, and can be held
// inside a call to test a context used by two threads.
struct EchoDevice {
  int ordinal;
  int allocations = 0;
};
int echoCalls = 0;
std::atomic<bool> holdCall{false}, inCall{false};

octet_status echoDeviceCreate(void *, int32_t ordinal, void **out) {
  if (ordinal < 0 || ordinal > 1)
    return octet_status_create(OCTET_NOT_FOUND, "echo has devices 0 and 1");
  *out = new EchoDevice{ordinal};
  return nullptr;
}
void echoDeviceRelease(void *d) { delete static_cast<EchoDevice *>(d); }
octet_status echoAllocate(void *d, size_t size, size_t alignment, void **out) {
  *out = std::aligned_alloc(alignment, (size + alignment - 1) / alignment * alignment + alignment);
  ++static_cast<EchoDevice *>(d)->allocations;
  return nullptr;
}
void echoFree(void *d, void *p) {
  std::free(p);
  --static_cast<EchoDevice *>(d)->allocations;
}
octet_status echoCopy(void *, void *dst, const void *src, size_t n, int32_t, void *) {
  std::memcpy(dst, src, n);
  return nullptr;
}
octet_status echoSync(void *, void *) { return nullptr; }
octet_status echoPrepare(void *, const octet_module_desc *desc, void **state) {
  if (desc->features && !std::strcmp(desc->features, "warp-drive"))
    return octet_status_create(OCTET_UNSUPPORTED, "this echo device has no warp drive");
  *state = nullptr;
  return nullptr;
}
void echoRelease(void *, void *) {}
octet_status echoInvoke(void *, void *, octet_call *call) {
  ++echoCalls;
  inCall = true;
  while (holdCall)
    std::this_thread::yield();
  inCall = false;
  const float *x = static_cast<const float *>(call->inputs[0]);
  float *y = static_cast<float *>(call->outputs[0]);
  if (x[0] < 0)
    return octet_status_create(OCTET_INTERNAL, "driver 'echo': negative input");
  if (!call->workspace || call->workspace_size != 256)
    return octet_status_create(OCTET_INTERNAL, "driver 'echo': no workspace");
  for (int i = 0; i < 4; ++i)
    y[i] = x[i] + 1;
  return nullptr;
}
const octet_driver_ops echo = {sizeof(octet_driver_ops), "echo", "echo", nullptr,
                               echoDeviceCreate, echoDeviceRelease, echoAllocate, echoFree,
                               echoCopy, echoSync, echoPrepare, echoRelease, echoInvoke};

// The entry point of a descriptor the CPU driver runs: y = 7.
int32_t sevens(octet_call *call) {
  for (int i = 0; i < 4; ++i)
    static_cast<float *>(call->outputs[0])[i] = 7;
  return OCTET_OK;
}
// An entry point that fails.
int32_t refuses(octet_call *call) {
  call->message = "refused by the module";
  return OCTET_INVALID_ARGUMENT;
}

const int64_t dims4[] = {4};
const octet_tensor_desc x4 = {"x", OCTET_DTYPE_F32, 1, dims4, nullptr};
const octet_tensor_desc y4 = {"y", OCTET_DTYPE_F32, 1, dims4, nullptr};

octet_module_desc descriptor(const char *target, octet_entry_fn entry,
                             const char *features = "") {
  octet_module_desc d;
  std::memset(&d, 0, sizeof d);
  d.magic = OCTET_MODULE_MAGIC;
  d.abi_version = OCTET_MODULE_ABI_VERSION;
  d.name = "test_model";
  d.target = target;
  d.arch = "x86-64";
  d.features = features;
  d.workspace_size = 256;
  d.workspace_alignment = 64;
  d.num_inputs = 1;
  d.num_outputs = 1;
  d.inputs = &x4;
  d.outputs = &y4;
  d.entry = entry;
  return d;
}

octet_status run(octet_module m, float *x, float *y, octet_device dx = nullptr,
                 octet_device dy = nullptr) {
  octet_tensor_view in = {OCTET_DTYPE_F32, 1, dims4, nullptr, x, 16, dx};
  octet_tensor_view out = {OCTET_DTYPE_F32, 1, dims4, nullptr, y, 16, dy};
  return octet_module_invoke(m, &in, 1, &out, 1);
}

} // namespace

int main(int argc, char **argv) {
  int32_t count = 0;
  const char *name = nullptr;
  // Built in: cpu, cuda, and vulkan where the runtime was built with its
  // headers.
  expect(!octet_driver_count(&count) && count >= 2, "the built-in drivers before registration");
  const int32_t builtin = count;
  expect(!octet_driver_name(0, &name) && !std::strcmp(name, "cpu"), "driver 0 is cpu");
  expect(!octet_driver_name(1, &name) && !std::strcmp(name, "cuda"), "driver 1 is cuda");
  if (builtin > 2)
    expect(!octet_driver_name(2, &name) && !std::strcmp(name, "vulkan"), "driver 2 is vulkan");

  // Argument checks.
  expectError(octet_driver_count(nullptr), OCTET_INVALID_ARGUMENT, "null argument", "count(null)");
  expectError(octet_driver_name(builtin, &name), OCTET_INVALID_ARGUMENT, "out of range",
              "name(1) before registration");
  expectError(octet_driver_name(0, nullptr), OCTET_INVALID_ARGUMENT, "null argument",
              "name(0, null)");
  expectError(octet_driver_register(nullptr), OCTET_INVALID_ARGUMENT, "needs a name",
              "register(null)");
  octet_driver_ops noInvoke = echo;
  noInvoke.invoke = nullptr;
  expectError(octet_driver_register(&noInvoke), OCTET_INVALID_ARGUMENT, "every callback",
              "register without invoke");
  octet_driver_ops noTarget = echo;
  noTarget.target = "";
  expectError(octet_driver_register(&noTarget), OCTET_INVALID_ARGUMENT, "a target",
              "register without a target");
  octet_driver_ops oldSize = echo;
  oldSize.struct_size = 16;
  expectError(octet_driver_register(&oldSize), OCTET_INVALID_ARGUMENT, "struct_size",
              "register with a short ops struct");
  octet_driver_ops cpuAgain = echo;
  cpuAgain.name = "cpu";
  expectError(octet_driver_register(&cpuAgain), OCTET_INVALID_ARGUMENT,
              "a driver named 'cpu' is already registered", "register a second cpu");
  expectError(octet_module_driver(nullptr, &name), OCTET_INVALID_ARGUMENT, "null argument",
              "module_driver(null)");
  expectError(octet_device_create("nope", 0, nullptr), OCTET_INVALID_ARGUMENT, "null argument",
              "device_create(null out)");
  octet_device dev = nullptr;
  expectError(octet_device_create("nope", 0, &dev), OCTET_NOT_FOUND, "no driver named 'nope'",
              "device_create(unknown driver)");
  expectError(octet_device_create("cpu", 3, &dev), OCTET_NOT_FOUND, "one device, ordinal 0",
              "device_create(cpu, 3)");

  // The CPU device: allocation, copies, synchronisation.
  octet_device cpu = nullptr;
  expect(!octet_device_create("cpu", 0, &cpu) && cpu, "cpu device 0");
  void *p = nullptr;
  expect(!octet_device_allocate(cpu, 100, 64, &p) && p && (uintptr_t)p % 64 == 0,
         "cpu allocation is aligned");
  expect(p && ((unsigned char *)p)[0] == 0 && ((unsigned char *)p)[99] == 0,
         "cpu allocation is zeroed");
  void *q = nullptr;
  expectError(octet_device_allocate(cpu, 100, 48, &q), OCTET_INVALID_ARGUMENT,
              "not a power of two", "allocate with alignment 48");
  expect(q == nullptr, "a failed allocation returns no pointer");
  float host[4] = {1, 2, 3, 4}, back[4] = {0, 0, 0, 0};
  void *buf = nullptr;
  octet_device_allocate(cpu, 16, 16, &buf);
  expect(!octet_device_copy(cpu, buf, host, 16, OCTET_COPY_HOST_TO_DEVICE, nullptr) &&
             !octet_device_copy(cpu, back, buf, 16, OCTET_COPY_DEVICE_TO_HOST, nullptr) &&
             back[3] == 4,
         "copies through the cpu device");
  expectError(octet_device_copy(cpu, back, buf, 16, 9, nullptr), OCTET_INVALID_ARGUMENT,
              "unknown copy kind", "copy kind 9");
  expectError(octet_device_copy(cpu, nullptr, buf, 16, OCTET_COPY_DEVICE_TO_HOST, nullptr),
              OCTET_INVALID_ARGUMENT, "null buffer", "copy to null");
  expect(!octet_device_synchronize(cpu, nullptr), "cpu synchronize");
  expect(!octet_device_free(cpu, buf) && !octet_device_free(cpu, p), "cpu free");

  // Descriptor checks at load.
  octet_module m = nullptr;
  octet_module_desc v1 = descriptor("cpu", sevens);
  v1.abi_version = 1;
  expectError(octet_module_wrap(&v1, nullptr, &m), OCTET_INVALID_MODULE,
              "was built for runtime ABI 1, this runtime speaks 2", "an ABI v1 descriptor");
  octet_module_desc noDriver = descriptor("tpu", sevens);
  expectError(octet_module_wrap(&noDriver, nullptr, &m), OCTET_UNSUPPORTED,
              "targets 'tpu', and no registered driver runs that target", "unknown target");
  octet_module_desc unknownFeature = descriptor("cpu", sevens, "avx2,quantum-tunnelling");
  expectError(octet_module_wrap(&unknownFeature, nullptr, &m), OCTET_UNSUPPORTED,
              "needs CPU feature 'quantum-tunnelling'", "unknown CPU feature");
  octet_module_desc arm = descriptor("cpu", sevens);
  arm.arch = "aarch64";
  expectError(octet_module_wrap(&arm, nullptr, &m), OCTET_UNSUPPORTED,
              "was compiled for aarch64", "another arch");

  // The CPU driver runs a CPU descriptor, through the pool and a context.
  octet_module_desc cpuDesc = descriptor("cpu", sevens);
  octet_module cm = nullptr;
  expect(!octet_module_wrap(&cpuDesc, nullptr, &cm) && cm, "wrap a cpu descriptor");
  expect(cm && !octet_module_driver(cm, &name) && !std::strcmp(name, "cpu"), "runs on cpu");
  float x[4] = {1, 2, 3, 4}, y[4] = {0, 0, 0, 0};
  expect(!run(cm, x, y) && y[0] == 7 && y[3] == 7, "cpu runs the entry point");
  expect(!run(cm, x, y, cpu, cpu), "views on a cpu device are host memory");
  octet_module_desc refusing = descriptor("cpu", refuses);
  octet_module rm = nullptr;
  octet_module_wrap(&refusing, nullptr, &rm);
  expectError(run(rm, x, y), OCTET_INVALID_ARGUMENT, "module 'test_model': refused by the module",
              "an entry point's error becomes a status");
  octet_module_release(rm);
  octet_context ctx = nullptr;
  octet_context_options badOptions = {4, 1, nullptr};
  expectError(octet_context_create(cm, &badOptions, &ctx), OCTET_INVALID_ARGUMENT,
              "struct_size", "context options with a short struct");
  expectError(octet_context_create(nullptr, nullptr, &ctx), OCTET_INVALID_ARGUMENT,
              "null argument", "context of no module");
  expectError(octet_context_invoke(nullptr, nullptr, 0, nullptr, 0), OCTET_INVALID_ARGUMENT,
              "null context", "invoke a null context");

  // Register the echo driver: modules of target "echo" run on its devices.
  octet_status s = octet_driver_register(&echo);
  expect(!s, "register echo");
  octet_status_release(s);
  expect(!octet_driver_count(&count) && count == builtin + 1, "one more driver");
  expect(!octet_driver_name(builtin, &name) && !std::strcmp(name, "echo"),
         "the registered driver comes last");
  octet_device e1 = nullptr;
  expect(!octet_device_create("echo", 1, &e1) && e1, "echo device 1");
  static const octet_module_desc echoDesc = descriptor("echo", sevens);
  octet_module em = nullptr;
  expect(!octet_module_wrap(&echoDesc, e1, &em) && em, "wrap an echo module on echo device 1");
  octet_device got = nullptr;
  expect(em && !octet_module_device(em, &got) && got == e1, "the module is on device 1");
  expectError(octet_module_wrap(&echoDesc, cpu, &m), OCTET_UNSUPPORTED,
              "targets 'echo', the device is driven by 'cpu'", "an echo module on the cpu device");
  static const octet_module_desc warp = descriptor("echo", sevens, "warp-drive");
  expectError(octet_module_wrap(&warp, e1, &m), OCTET_UNSUPPORTED, "no warp drive",
              "the driver refuses a module at load");

  // Views must live on the module's device.
  float *dx = nullptr, *dy = nullptr;
  octet_device_allocate(e1, 16, 16, (void **)&dx);
  octet_device_allocate(e1, 16, 16, (void **)&dy);
  octet_device_copy(e1, dx, x, 16, OCTET_COPY_HOST_TO_DEVICE, nullptr);
  expectError(run(em, x, y), OCTET_INVALID_ARGUMENT,
              "input 0 'x': the data is in host memory, the module runs on 'echo'",
              "host memory for an echo module");
  expectError(run(em, dx, dy, e1, cpu), OCTET_INVALID_ARGUMENT,
              "output 0 'y': the data is in memory of device 'cpu'", "a cpu buffer for echo");
  expect(!run(em, dx, dy, e1, e1) && echoCalls == 1, "device buffers run");
  expect(!octet_device_copy(e1, y, dy, 16, OCTET_COPY_DEVICE_TO_HOST, nullptr) && y[0] == 2 &&
             y[3] == 5,
         "echo computes x + 1");
  x[0] = -1;
  octet_device_copy(e1, dx, x, 16, OCTET_COPY_HOST_TO_DEVICE, nullptr);
  expectError(run(em, dx, dy, e1, e1), OCTET_INTERNAL, "driver 'echo': negative input",
              "a driver error becomes a status");
  expectError(octet_module_invoke(em, nullptr, 0, nullptr, 0), OCTET_INVALID_ARGUMENT,
              "expected 1 inputs and 1 outputs", "wrong counts never reach the driver");
  expect(echoCalls == 2, "the driver saw exactly the valid calls");

  // One context, two threads: the second call is refused, not run.
  x[0] = 1;
  octet_device_copy(e1, dx, x, 16, OCTET_COPY_HOST_TO_DEVICE, nullptr);
  octet_context ec = nullptr;
  expect(!octet_context_create(em, nullptr, &ec) && ec, "echo context");
  octet_tensor_view in = {OCTET_DTYPE_F32, 1, dims4, nullptr, dx, 16, e1};
  octet_tensor_view out = {OCTET_DTYPE_F32, 1, dims4, nullptr, dy, 16, e1};
  holdCall = true;
  octet_status first = nullptr;
  std::thread t([&] { first = octet_context_invoke(ec, &in, 1, &out, 1); });
  while (!inCall)
    std::this_thread::yield();
  expectError(octet_context_invoke(ec, &in, 1, &out, 1), OCTET_BUSY,
              "running a call on another thread", "a context used by two threads");
  holdCall = false;
  t.join();
  expect(!first, "the first call completes");
  octet_status_release(first);
  octet_context_release(ec);

  octet_device_free(e1, dx);
  octet_device_free(e1, dy);
  octet_module_release(em);
  octet_device_release(e1);
  octet_module_release(cm);

  // A compiled module loads onto the CPU driver, or is refused when the
  // host (as OCTET_CPU_DISABLE pretends) lacks a feature it was built for.
  if (argc > 1) {
    octet_module lm = nullptr;
    octet_status ls = octet_module_load(argv[1], nullptr, &lm);
    const char *disabled = std::getenv("OCTET_CPU_DISABLE");
    if (disabled && *disabled) {
      expectError(ls, OCTET_UNSUPPORTED, "was compiled for CPU features this host lacks",
                  "a module needing a disabled feature");
    } else {
      expect(!ls && lm && !octet_module_driver(lm, &name) && !std::strcmp(name, "cpu"),
             "a compiled module runs on cpu");
      octet_status_release(ls);
    }
    octet_module_release(lm);
  }
  octet_device_release(cpu);
  std::printf("driver checks: %s\n", failures ? "FAILED" : "OK");
  return failures ? 1 : 0;
}
