//===- Runtime.cpp - Octet's thin C runtime (core, drivers, CPU driver) ---===//
//
// No LLVM or MLIR dependency: the C++ standard library and dlopen only. Every
// entry point validates its arguments and reports errors as statuses.
//
//===----------------------------------------------------------------------===//

#include "octet/runtime.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <vector>

struct octet_status_impl {
  int32_t code;
  std::string message;
};

struct octet_module_impl {
  const octet_module_desc *desc;
  void *handle; // dlopen handle, or null for a linked-in descriptor
  const octet_driver_ops *driver;
};

namespace {

/// The CPU driver: a module compiled for the host runs in-process through
/// its descriptor's entry point.
int cpuAccepts(const octet_module_desc *desc, void *) { return desc->invoke != nullptr; }
const char *cpuInvoke(const octet_module_desc *desc, void **inputs, void **outputs, void *) {
  desc->invoke(inputs, outputs);
  return nullptr;
}
const octet_driver_ops cpuDriver = {"cpu", cpuAccepts, cpuInvoke, nullptr};

/// Registered drivers, the CPU driver first.
struct DriverRegistry {
  std::mutex lock;
  std::vector<const octet_driver_ops *> drivers{&cpuDriver};
};
DriverRegistry &driverRegistry() {
  static DriverRegistry r;
  return r;
}

/// The most recently registered driver that accepts `desc`, or null.
const octet_driver_ops *pickDriver(const octet_module_desc *desc) {
  DriverRegistry &r = driverRegistry();
  std::lock_guard<std::mutex> g(r.lock);
  for (auto it = r.drivers.rbegin(); it != r.drivers.rend(); ++it)
    if ((*it)->accepts(desc, (*it)->user))
      return *it;
  return nullptr;
}

/// One lock per compiled model (descriptor): its buffers are static, and
/// dlopen hands every octet_module loaded from one file the same copy.
/// Null when memory ran out.
std::mutex *invokeLock(const octet_module_desc *d) noexcept {
  static std::mutex registry;
  static std::map<const octet_module_desc *, std::unique_ptr<std::mutex>> locks;
  try {
    std::lock_guard<std::mutex> g(registry);
    std::unique_ptr<std::mutex> &m = locks[d];
    if (!m)
      m = std::make_unique<std::mutex>();
    return m.get();
  } catch (...) {
    return nullptr;
  }
}

/// The status for an allocation failure, which cannot itself allocate.
octet_status_impl outOfMemory{OCTET_OUT_OF_MEMORY, "out of memory"};

octet_status makeStatus(int32_t code, const std::string &message) {
  auto *s = new (std::nothrow) octet_status_impl;
  if (!s)
    return &outOfMemory;
  s->code = code;
  s->message = message;
  return s;
}

std::string shapeString(int32_t rank, const int64_t *dims) {
  std::string s = "[";
  for (int32_t i = 0; i < rank; ++i) {
    if (i)
      s += ", ";
    s += dims ? std::to_string(dims[i]) : "?";
  }
  return s + "]";
}

octet_status validateDescriptor(const octet_module_desc *d, const std::string &what) {
  if (!d)
    return makeStatus(OCTET_INVALID_ARGUMENT, "null module descriptor");
  if (d->magic != OCTET_MODULE_MAGIC)
    return makeStatus(OCTET_INVALID_MODULE, what + " is not an Octet module (bad magic)");
  if (d->abi_version != OCTET_MODULE_ABI_VERSION)
    return makeStatus(OCTET_INVALID_MODULE,
                      what + " was built for runtime ABI " +
                          std::to_string(d->abi_version) + ", this runtime speaks " +
                          std::to_string(OCTET_MODULE_ABI_VERSION));
  if (d->num_inputs < 0 || d->num_outputs < 0 || !d->invoke ||
      (d->num_inputs && !d->inputs) || (d->num_outputs && !d->outputs))
    return makeStatus(OCTET_INVALID_MODULE, what + " has a malformed descriptor");
  return nullptr;
}

octet_status checkView(const octet_tensor_desc &want, const octet_tensor_view &view,
                       const char *kind, int32_t index) {
  std::string who = std::string(kind) + " " + std::to_string(index) + " '" +
                    (want.name ? want.name : "") + "'";
  if (view.dtype != want.dtype)
    return makeStatus(OCTET_INVALID_ARGUMENT,
                      who + ": expected dtype " + octet_dtype_name(want.dtype) +
                          ", got " + octet_dtype_name(view.dtype));
  if (view.rank != want.rank || (view.rank && !view.shape))
    return makeStatus(OCTET_INVALID_ARGUMENT,
                      who + ": expected shape " + shapeString(want.rank, want.dims) +
                          ", got rank " + std::to_string(view.rank) + " " +
                          shapeString(view.rank, view.shape));
  size_t count = 1;
  for (int32_t i = 0; i < want.rank; ++i) {
    if (view.shape[i] != want.dims[i])
      return makeStatus(OCTET_INVALID_ARGUMENT,
                        who + ": expected shape " + shapeString(want.rank, want.dims) +
                            ", got " + shapeString(view.rank, view.shape));
    count *= (size_t)want.dims[i];
  }
  if (view.strides) {
    int64_t expect = 1;
    for (int32_t i = want.rank - 1; i >= 0; --i) {
      if (want.dims[i] != 1 && view.strides[i] != expect)
        return makeStatus(OCTET_INVALID_ARGUMENT,
                          who + ": only dense row-major tensors are supported");
      expect *= want.dims[i];
    }
  }
  size_t need = count * octet_dtype_size(want.dtype);
  if (!view.data && need)
    return makeStatus(OCTET_INVALID_ARGUMENT, who + ": null data pointer");
  if (view.size_bytes < need)
    return makeStatus(OCTET_INVALID_ARGUMENT,
                      who + ": buffer holds " + std::to_string(view.size_bytes) +
                          " bytes, needs " + std::to_string(need));
  return nullptr;
}

} // namespace

extern "C" {

size_t octet_dtype_size(int32_t dtype) {
  switch (dtype) {
  case OCTET_DTYPE_F32:
  case OCTET_DTYPE_I32:
    return 4;
  case OCTET_DTYPE_F64:
  case OCTET_DTYPE_I64:
    return 8;
  case OCTET_DTYPE_I8:
  case OCTET_DTYPE_U8:
  case OCTET_DTYPE_BOOL:
    return 1;
  case OCTET_DTYPE_I16:
  case OCTET_DTYPE_U16:
    return 2;
  default:
    return 0;
  }
}

const char *octet_dtype_name(int32_t dtype) {
  switch (dtype) {
  case OCTET_DTYPE_F32:
    return "float32";
  case OCTET_DTYPE_F64:
    return "float64";
  case OCTET_DTYPE_I8:
    return "int8";
  case OCTET_DTYPE_U8:
    return "uint8";
  case OCTET_DTYPE_I16:
    return "int16";
  case OCTET_DTYPE_U16:
    return "uint16";
  case OCTET_DTYPE_I32:
    return "int32";
  case OCTET_DTYPE_I64:
    return "int64";
  case OCTET_DTYPE_BOOL:
    return "bool";
  default:
    return "unknown";
  }
}

int32_t octet_status_code_of(octet_status status) {
  return status ? status->code : OCTET_OK;
}

const char *octet_status_message(octet_status status) {
  return status ? status->message.c_str() : "";
}

void octet_status_release(octet_status status) {
  if (status && status != &outOfMemory)
    delete status;
}

octet_status octet_module_load(const char *path, octet_module *out_module) {
  if (!path || !out_module)
    return makeStatus(OCTET_INVALID_ARGUMENT, "octet_module_load: null argument");
  *out_module = nullptr;
  // dlopen searches the library path for names without a slash; a module
  // path names a file.
  std::string file = std::strchr(path, '/') ? std::string(path) : "./" + std::string(path);
  void *handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *why = dlerror();
    return makeStatus(OCTET_INVALID_MODULE, std::string("cannot load '") + path +
                                                "' as a module: " + (why ? why : "unknown error"));
  }
  auto *desc = static_cast<const octet_module_desc *>(dlsym(handle, "octet_module"));
  if (!desc) {
    dlclose(handle);
    return makeStatus(OCTET_INVALID_MODULE, std::string("'") + path +
                                                "' is not an Octet module (no octet_module symbol)");
  }
  if (octet_status s = validateDescriptor(desc, std::string("'") + path + "'")) {
    dlclose(handle);
    return s;
  }
  const octet_driver_ops *driver = pickDriver(desc);
  if (!driver) {
    dlclose(handle);
    return makeStatus(OCTET_INVALID_MODULE,
                      std::string("no driver accepts the module in '") + path + "'");
  }
  auto *m = new (std::nothrow) octet_module_impl{desc, handle, driver};
  if (!m) {
    dlclose(handle);
    return &outOfMemory;
  }
  *out_module = m;
  return nullptr;
}

octet_status octet_module_wrap(const octet_module_desc *desc, octet_module *out_module) {
  if (!out_module)
    return makeStatus(OCTET_INVALID_ARGUMENT, "octet_module_wrap: null out_module");
  *out_module = nullptr;
  if (octet_status s = validateDescriptor(desc, "the descriptor"))
    return s;
  const octet_driver_ops *driver = pickDriver(desc);
  if (!driver)
    return makeStatus(OCTET_INVALID_MODULE, "no driver accepts the descriptor");
  auto *m = new (std::nothrow) octet_module_impl{desc, nullptr, driver};
  if (!m)
    return &outOfMemory;
  *out_module = m;
  return nullptr;
}

void octet_module_release(octet_module module) {
  if (!module)
    return;
  if (module->handle)
    dlclose(module->handle);
  delete module;
}

octet_status octet_module_num_inputs(octet_module module, int32_t *out_count) {
  if (!module || !out_count)
    return makeStatus(OCTET_INVALID_ARGUMENT, "octet_module_num_inputs: null argument");
  *out_count = module->desc->num_inputs;
  return nullptr;
}

octet_status octet_module_num_outputs(octet_module module, int32_t *out_count) {
  if (!module || !out_count)
    return makeStatus(OCTET_INVALID_ARGUMENT, "octet_module_num_outputs: null argument");
  *out_count = module->desc->num_outputs;
  return nullptr;
}

octet_status octet_module_input(octet_module module, int32_t index,
                                const octet_tensor_desc **out_desc) {
  if (!module || !out_desc)
    return makeStatus(OCTET_INVALID_ARGUMENT, "octet_module_input: null argument");
  if (index < 0 || index >= module->desc->num_inputs)
    return makeStatus(OCTET_INVALID_ARGUMENT,
                      "input index " + std::to_string(index) + " out of range (module has " +
                          std::to_string(module->desc->num_inputs) + ")");
  *out_desc = &module->desc->inputs[index];
  return nullptr;
}

octet_status octet_module_output(octet_module module, int32_t index,
                                 const octet_tensor_desc **out_desc) {
  if (!module || !out_desc)
    return makeStatus(OCTET_INVALID_ARGUMENT, "octet_module_output: null argument");
  if (index < 0 || index >= module->desc->num_outputs)
    return makeStatus(OCTET_INVALID_ARGUMENT,
                      "output index " + std::to_string(index) + " out of range (module has " +
                          std::to_string(module->desc->num_outputs) + ")");
  *out_desc = &module->desc->outputs[index];
  return nullptr;
}

octet_status octet_module_find_input(octet_module module, const char *name,
                                     int32_t *out_index) {
  if (!module || !name || !out_index)
    return makeStatus(OCTET_INVALID_ARGUMENT, "octet_module_find_input: null argument");
  for (int32_t i = 0; i < module->desc->num_inputs; ++i)
    if (module->desc->inputs[i].name && !std::strcmp(module->desc->inputs[i].name, name)) {
      *out_index = i;
      return nullptr;
    }
  return makeStatus(OCTET_NOT_FOUND, std::string("the module has no input named '") + name + "'");
}

octet_status octet_module_invoke(octet_module module, const octet_tensor_view *inputs,
                                 int32_t num_inputs, const octet_tensor_view *outputs,
                                 int32_t num_outputs) {
  if (!module)
    return makeStatus(OCTET_INVALID_ARGUMENT, "octet_module_invoke: null module");
  const octet_module_desc *d = module->desc;
  if (num_inputs != d->num_inputs || num_outputs != d->num_outputs)
    return makeStatus(OCTET_INVALID_ARGUMENT,
                      "expected " + std::to_string(d->num_inputs) + " inputs and " +
                          std::to_string(d->num_outputs) + " outputs, got " +
                          std::to_string(num_inputs) + " and " + std::to_string(num_outputs));
  if ((num_inputs && !inputs) || (num_outputs && !outputs))
    return makeStatus(OCTET_INVALID_ARGUMENT, "octet_module_invoke: null view array");
  for (int32_t i = 0; i < num_inputs; ++i)
    if (octet_status s = checkView(d->inputs[i], inputs[i], "input", i))
      return s;
  for (int32_t i = 0; i < num_outputs; ++i)
    if (octet_status s = checkView(d->outputs[i], outputs[i], "output", i))
      return s;
  void *inPtrs[64], *outPtrs[64];
  if (num_inputs > 64 || num_outputs > 64)
    return makeStatus(OCTET_INVALID_ARGUMENT, "at most 64 inputs and 64 outputs");
  for (int32_t i = 0; i < num_inputs; ++i)
    inPtrs[i] = inputs[i].data;
  for (int32_t i = 0; i < num_outputs; ++i)
    outPtrs[i] = outputs[i].data;
  std::mutex *lock = invokeLock(d);
  if (!lock)
    return &outOfMemory;
  std::lock_guard<std::mutex> guard(*lock);
  if (const char *err = module->driver->invoke(d, inPtrs, outPtrs, module->driver->user))
    return makeStatus(OCTET_INTERNAL,
                      std::string("driver '") + module->driver->name + "': " + err);
  return nullptr;
}

octet_status octet_driver_register(const octet_driver_ops *ops) {
  if (!ops || !ops->name || !*ops->name || !ops->accepts || !ops->invoke)
    return makeStatus(OCTET_INVALID_ARGUMENT,
                      "octet_driver_register: the driver needs a name, accepts and invoke");
  DriverRegistry &r = driverRegistry();
  try {
    std::lock_guard<std::mutex> g(r.lock);
    for (const octet_driver_ops *d : r.drivers)
      if (!std::strcmp(d->name, ops->name))
        return makeStatus(OCTET_INVALID_ARGUMENT,
                          std::string("a driver named '") + ops->name + "' is already registered");
    r.drivers.push_back(ops);
  } catch (...) {
    return &outOfMemory;
  }
  return nullptr;
}

octet_status octet_driver_count(int32_t *out_count) {
  if (!out_count)
    return makeStatus(OCTET_INVALID_ARGUMENT, "octet_driver_count: null argument");
  DriverRegistry &r = driverRegistry();
  std::lock_guard<std::mutex> g(r.lock);
  *out_count = (int32_t)r.drivers.size();
  return nullptr;
}

octet_status octet_driver_name(int32_t index, const char **out_name) {
  if (!out_name)
    return makeStatus(OCTET_INVALID_ARGUMENT, "octet_driver_name: null argument");
  DriverRegistry &r = driverRegistry();
  std::lock_guard<std::mutex> g(r.lock);
  if (index < 0 || index >= (int32_t)r.drivers.size())
    return makeStatus(OCTET_INVALID_ARGUMENT,
                      "driver index " + std::to_string(index) + " out of range (" +
                          std::to_string(r.drivers.size()) + " registered)");
  *out_name = r.drivers[index]->name;
  return nullptr;
}

octet_status octet_module_driver(octet_module module, const char **out_name) {
  if (!module || !out_name)
    return makeStatus(OCTET_INVALID_ARGUMENT, "octet_module_driver: null argument");
  *out_name = module->driver->name;
  return nullptr;
}

} // extern "C"
