// Checks the runtime's driver interface: the built-in CPU driver, a driver
// registered by the application (as a GPU backend would be) taking the
// modules it accepts, its errors becoming statuses, and the argument checks
// of every driver entry point.
//
// usage: octet-runtime-drivers [MODEL.so]   (a module built for the CPU)
#include "octet/runtime.h"

#include <cstdio>
#include <cstring>
#include <string>

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
    std::printf("  got: %s\n", s ? octet_status_message(s) : "OK");
  expect(ok, what);
  octet_status_release(s);
}

// A test driver that runs modules named "echo_model": y = x + 1, and fails
// on a negative first element.
int echoAccepts(const octet_module_desc *desc, void *) {
  return desc->name && !std::strcmp(desc->name, "echo_model");
}
const char *echoInvoke(const octet_module_desc *, void **in, void **out, void *user) {
  ++*static_cast<int *>(user);
  const float *x = static_cast<const float *>(in[0]);
  float *y = static_cast<float *>(out[0]);
  if (x[0] < 0)
    return "negative input";
  for (int i = 0; i < 4; ++i)
    y[i] = x[i] + 1;
  return nullptr;
}

// The entry point of a descriptor the CPU driver runs: y = 7.
void sevens(void **, void **out) {
  for (int i = 0; i < 4; ++i)
    static_cast<float *>(out[0])[i] = 7;
}

const int64_t dims4[] = {4};
const octet_tensor_desc x4 = {"x", OCTET_DTYPE_F32, 1, dims4};
const octet_tensor_desc y4 = {"y", OCTET_DTYPE_F32, 1, dims4};

octet_module_desc descriptor(const char *name) {
  return {OCTET_MODULE_MAGIC, OCTET_MODULE_ABI_VERSION, name, 1, 1, &x4, &y4, sevens};
}

octet_status run(octet_module m, float *x, float *y) {
  octet_tensor_view in = {OCTET_DTYPE_F32, 1, dims4, nullptr, x, 16};
  octet_tensor_view out = {OCTET_DTYPE_F32, 1, dims4, nullptr, y, 16};
  return octet_module_invoke(m, &in, 1, &out, 1);
}

} // namespace

int main(int argc, char **argv) {
  int32_t count = 0;
  const char *name = nullptr;
  expect(!octet_driver_count(&count) && count == 1, "one driver before registration");
  expect(!octet_driver_name(0, &name) && !std::strcmp(name, "cpu"), "driver 0 is cpu");

  // Argument checks.
  expectError(octet_driver_count(nullptr), OCTET_INVALID_ARGUMENT, "null argument",
              "count(null)");
  expectError(octet_driver_name(1, &name), OCTET_INVALID_ARGUMENT, "out of range",
              "name(1) before registration");
  expectError(octet_driver_name(-1, &name), OCTET_INVALID_ARGUMENT, "out of range", "name(-1)");
  expectError(octet_driver_name(0, nullptr), OCTET_INVALID_ARGUMENT, "null argument",
              "name(0, null)");
  expectError(octet_driver_register(nullptr), OCTET_INVALID_ARGUMENT, "needs a name",
              "register(null)");
  static const octet_driver_ops noInvoke = {"broken", echoAccepts, nullptr, nullptr};
  expectError(octet_driver_register(&noInvoke), OCTET_INVALID_ARGUMENT, "needs a name",
              "register without invoke");
  static const octet_driver_ops noName = {"", echoAccepts, echoInvoke, nullptr};
  expectError(octet_driver_register(&noName), OCTET_INVALID_ARGUMENT, "needs a name",
              "register without a name");
  static const octet_driver_ops cpuAgain = {"cpu", echoAccepts, echoInvoke, nullptr};
  expectError(octet_driver_register(&cpuAgain), OCTET_INVALID_ARGUMENT,
              "a driver named 'cpu' is already registered", "register a second cpu");
  expectError(octet_module_driver(nullptr, &name), OCTET_INVALID_ARGUMENT, "null argument",
              "module_driver(null)");

  // Register the echo driver.
  static int calls = 0;
  static const octet_driver_ops echo = {"echo", echoAccepts, echoInvoke, &calls};
  octet_status s = octet_driver_register(&echo);
  expect(!s, "register echo");
  octet_status_release(s);
  expect(!octet_driver_count(&count) && count == 2, "two drivers");
  expect(!octet_driver_name(1, &name) && !std::strcmp(name, "echo"), "driver 1 is echo");

  // A module it accepts runs on it; others stay on the CPU driver.
  static const octet_module_desc echoDesc = descriptor("echo_model");
  static const octet_module_desc cpuDesc = descriptor("other_model");
  octet_module em = nullptr, cm = nullptr;
  expect(!octet_module_wrap(&echoDesc, &em), "wrap echo_model");
  expect(!octet_module_wrap(&cpuDesc, &cm), "wrap other_model");
  expect(em && !octet_module_driver(em, &name) && !std::strcmp(name, "echo"),
         "echo_model runs on echo");
  expect(cm && !octet_module_driver(cm, &name) && !std::strcmp(name, "cpu"),
         "other_model runs on cpu");
  float x[4] = {1, 2, 3, 4}, y[4] = {0, 0, 0, 0};
  expect(!run(em, x, y) && y[0] == 2 && y[3] == 5 && calls == 1, "echo computes x + 1");
  expect(!run(cm, x, y) && y[0] == 7 && y[3] == 7 && calls == 1, "cpu runs the entry point");
  x[0] = -1;
  expectError(run(em, x, y), OCTET_INTERNAL, "driver 'echo': negative input",
              "a driver error becomes a status");
  // The runtime's own checks come before the driver.
  expectError(octet_module_invoke(em, nullptr, 0, nullptr, 0), OCTET_INVALID_ARGUMENT,
              "expected 1 inputs and 1 outputs", "wrong counts never reach the driver");
  expect(calls == 2, "the driver saw exactly the valid calls");
  octet_module_release(em);
  octet_module_release(cm);

  // A compiled module loads onto the CPU driver.
  if (argc > 1) {
    octet_module lm = nullptr;
    octet_status ls = octet_module_load(argv[1], &lm);
    expect(!ls && lm && !octet_module_driver(lm, &name) && !std::strcmp(name, "cpu"),
           "a compiled module runs on cpu");
    octet_status_release(ls);
    octet_module_release(lm);
  }
  std::printf("driver checks: %s\n", failures ? "FAILED" : "OK");
  return failures ? 1 : 0;
}
