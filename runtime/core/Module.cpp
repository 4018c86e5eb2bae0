//===- Module.cpp - modules, contexts and calls ----------------------------===//
//
// No LLVM or MLIR dependency: the C++ standard library and dlopen only. Every
// entry point validates its arguments and reports errors as statuses.
//
//===----------------------------------------------------------------------===//

#include "Internal.h"

#include <dlfcn.h>

#include <cstdint>
#include <cstring>
#include <new>

using octet::runtime::makeStatus;
using octet::runtime::outOfMemory;

namespace {

std::string shapeString(int32_t rank, const int64_t *dims) {
  std::string s = "[";
  for (int32_t i = 0; i < rank; ++i) {
    if (i)
      s += ", ";
    s += dims && dims[i] >= 0 ? std::to_string(dims[i]) : "?";
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
                      what + " was built for runtime ABI " + std::to_string(d->abi_version) +
                          ", this runtime speaks " + std::to_string(OCTET_MODULE_ABI_VERSION) +
                          ": recompile it with this version's octetc");
  if (d->num_inputs < 0 || d->num_outputs < 0 || !d->target ||
      (d->num_inputs && !d->inputs) || (d->num_outputs && !d->outputs) ||
      d->num_executables < 0 || (d->num_executables && !d->executables) ||
      (d->workspace_alignment & (d->workspace_alignment - 1)))
    return makeStatus(OCTET_INVALID_MODULE, what + " has a malformed descriptor");
  bool dynamicBatch = d->flags & OCTET_MODULE_DYNAMIC_BATCH;
  if (dynamicBatch && (d->batch_min < 0 || d->batch_max < d->batch_min))
    return makeStatus(OCTET_INVALID_MODULE, what + " has a malformed batch range");
  for (int32_t i = 0; i < d->num_inputs + d->num_outputs; ++i) {
    const octet_tensor_desc &t = i < d->num_inputs ? d->inputs[i] : d->outputs[i - d->num_inputs];
    if (t.rank < 0 || (t.rank && !t.dims) || !octet_dtype_size(t.dtype))
      return makeStatus(OCTET_INVALID_MODULE, what + " has a malformed tensor descriptor");
    for (int32_t k = 0; k < t.rank; ++k)
      if (t.dims[k] < 0 && !(dynamicBatch && k == 0 && t.dims[k] == -1))
        return makeStatus(OCTET_INVALID_MODULE,
                          what + ": tensor '" + (t.name ? t.name : "") +
                              "' has a dynamic dimension other than a leading batch one, "
                              "which this runtime cannot bind");
  }
  return nullptr;
}

/// Whether `t` takes the call's batch size as its leading dimension.
bool isBatched(const octet_tensor_desc &t) { return t.rank > 0 && t.dims[0] == -1; }

/// Checks `view` against `want`. A batched tensor's leading dimension binds
/// `batch` (-1 until the first batched view) and must then agree with it.
octet_status checkView(const octet_module_impl *m, const octet_tensor_desc &want,
                       const octet_tensor_view &view, const char *kind, int32_t index,
                       int64_t &batch) {
  std::string who = std::string(kind) + " " + std::to_string(index) + " '" +
                    (want.name ? want.name : "") + "'";
  if (view.dtype != want.dtype)
    return makeStatus(OCTET_INVALID_ARGUMENT, who + ": expected dtype " +
                                                  octet_dtype_name(want.dtype) + ", got " +
                                                  octet_dtype_name(view.dtype));
  if (view.rank != want.rank || (view.rank && !view.shape))
    return makeStatus(OCTET_INVALID_ARGUMENT,
                      who + ": expected shape " + shapeString(want.rank, want.dims) +
                          ", got rank " + std::to_string(view.rank) + " " +
                          shapeString(view.rank, view.shape));
  size_t count = 1;
  std::vector<int64_t> dims(want.dims, want.dims + want.rank);
  if (isBatched(want)) {
    const octet_module_desc *d = m->desc;
    int64_t n = view.shape[0];
    if (n < d->batch_min || n > d->batch_max)
      return makeStatus(OCTET_INVALID_ARGUMENT,
                        who + ": batch " + std::to_string(n) + " is outside [" +
                            std::to_string(d->batch_min) + ", " + std::to_string(d->batch_max) +
                            "], the batch sizes the module was compiled for");
    if (batch >= 0 && n != batch)
      return makeStatus(OCTET_INVALID_ARGUMENT, who + ": batch " + std::to_string(n) +
                                                    " differs from the call's batch " +
                                                    std::to_string(batch) +
                                                    " (its first batched tensor's)");
    batch = n;
    dims[0] = n;
  }
  for (int32_t i = 0; i < want.rank; ++i) {
    if (view.shape[i] != dims[i])
      return makeStatus(OCTET_INVALID_ARGUMENT, who + ": expected shape " +
                                                    shapeString(want.rank, want.dims) +
                                                    ", got " + shapeString(view.rank, view.shape));
    count *= (size_t)dims[i];
  }
  if (view.strides) {
    int64_t expect = 1;
    for (int32_t i = want.rank - 1; i >= 0; --i) {
      if (dims[i] != 1 && view.strides[i] != expect)
        return makeStatus(OCTET_INVALID_ARGUMENT,
                          who + ": only dense row-major tensors are supported");
      expect *= dims[i];
    }
  }
  size_t need = count * octet_dtype_size(want.dtype);
  if (!view.data && need)
    return makeStatus(OCTET_INVALID_ARGUMENT, who + ": null data pointer");
  if (view.size_bytes < need)
    return makeStatus(OCTET_INVALID_ARGUMENT, who + ": buffer holds " +
                                                  std::to_string(view.size_bytes) +
                                                  " bytes, needs " + std::to_string(need));
  // Where the data lives: host memory (no device) serves modules whose
  // device is the host or whose driver stages host buffers; a device buffer
  // must be on the module's device, whose driver takes device buffers.
  bool cpu = m->device->driver == &octet::runtime::cpuDriver();
  uint32_t flags = m->device->driver->flags;
  bool takesHost = cpu || (flags & OCTET_DRIVER_HOST_BUFFERS);
  bool takesDevice =
      cpu || !(flags & OCTET_DRIVER_HOST_BUFFERS) || (flags & OCTET_DRIVER_DEVICE_BUFFERS);
  if (view.device && (view.device->handle != m->device->handle ||
                      view.device->driver != m->device->driver))
    return makeStatus(OCTET_INVALID_ARGUMENT,
                      who + ": the data is in memory of device '" + view.device->driver->name +
                          "', the module runs on another device of '" +
                          m->device->driver->name + "' (copy it there with octet_device_copy)");
  if (view.device && !takesDevice)
    return makeStatus(OCTET_INVALID_ARGUMENT,
                      who + ": the '" + m->device->driver->name +
                          "' driver takes inputs and outputs in host memory only (give the "
                          "view no device)");
  if (!view.device && !takesHost)
    return makeStatus(OCTET_INVALID_ARGUMENT,
                      who + ": the data is in host memory, the module runs on '" +
                          m->device->driver->name +
                          "' (copy it there with octet_device_copy)");
  return nullptr;
}

/// Loads a module for `desc` onto `device` (or the target's default device).
octet_status makeModule(const octet_module_desc *desc, void *library, octet_device device,
                        const std::string &what, octet_module *out) {
  const octet_driver_ops *driver = octet::runtime::driverForTarget(desc->target);
  if (!driver)
    return makeStatus(OCTET_UNSUPPORTED, what + " targets '" + desc->target +
                                             "', and no registered driver runs that target");
  bool owns = false;
  if (!device) {
    if (octet_status s = octet_device_create(driver->name, 0, &device))
      return s;
    owns = true;
  } else if (std::strcmp(device->driver->target, desc->target)) {
    return makeStatus(OCTET_UNSUPPORTED, what + " targets '" + desc->target +
                                             "', the device is driven by '" +
                                             device->driver->name + "'");
  }
  void *state = nullptr;
  if (octet_status s = device->driver->module_prepare(device->handle, desc, &state)) {
    if (owns)
      octet_device_release(device);
    return s;
  }
  auto *m = new (std::nothrow) octet_module_impl;
  if (!m) {
    device->driver->module_release(device->handle, state);
    if (owns)
      octet_device_release(device);
    return outOfMemory();
  }
  m->desc = desc;
  m->library = library;
  m->device = device;
  m->ownsDevice = owns;
  m->state = state;
  *out = m;
  return nullptr;
}

/// The bytes a tensor of `t` occupies in a call of batch `batch`.
size_t tensorBytes(const octet_tensor_desc &t, int64_t batch) {
  size_t count = 1;
  for (int32_t i = 0; i < t.rank; ++i)
    count *= (size_t)(t.dims[i] < 0 ? batch : t.dims[i]);
  return count * octet_dtype_size(t.dtype);
}

/// The generated code assumes that no output overlaps another output or an
/// input (octet_abi.h); inputs may share bytes, they are only read.
octet_status checkOverlaps(const octet_module_desc *d, const octet_tensor_view *inputs,
                           const octet_tensor_view *outputs, int64_t batch) {
  auto overlap = [](const void *a, size_t na, const void *b, size_t nb) {
    auto pa = (uintptr_t)a, pb = (uintptr_t)b;
    return na && nb && pa < pb + nb && pb < pa + na;
  };
  auto name = [](const char *kind, int32_t i, const octet_tensor_desc &t) {
    return std::string(kind) + " " + std::to_string(i) + " '" + (t.name ? t.name : "") + "'";
  };
  for (int32_t o = 0; o < d->num_outputs; ++o) {
    size_t no = tensorBytes(d->outputs[o], batch);
    for (int32_t p = 0; p < o; ++p)
      if (overlap(outputs[o].data, no, outputs[p].data, tensorBytes(d->outputs[p], batch)))
        return makeStatus(OCTET_INVALID_ARGUMENT, name("output", o, d->outputs[o]) +
                                                      " overlaps " +
                                                      name("output", p, d->outputs[p]));
    for (int32_t i = 0; i < d->num_inputs; ++i)
      if (overlap(outputs[o].data, no, inputs[i].data, tensorBytes(d->inputs[i], batch)))
        return makeStatus(OCTET_INVALID_ARGUMENT,
                          name("output", o, d->outputs[o]) + " overlaps " +
                              name("input", i, d->inputs[i]) +
                              " (outputs cannot be written in place over inputs)");
  }
  return nullptr;
}

/// Runs one checked call on `ctx`.
octet_status invokeOn(octet_context ctx, const octet_tensor_view *inputs, int32_t numInputs,
                      const octet_tensor_view *outputs, int32_t numOutputs) {
  octet_module m = ctx->module;
  const octet_module_desc *d = m->desc;
  if (numInputs != d->num_inputs || numOutputs != d->num_outputs)
    return makeStatus(OCTET_INVALID_ARGUMENT,
                      "expected " + std::to_string(d->num_inputs) + " inputs and " +
                          std::to_string(d->num_outputs) + " outputs, got " +
                          std::to_string(numInputs) + " and " + std::to_string(numOutputs));
  if ((numInputs && !inputs) || (numOutputs && !outputs))
    return makeStatus(OCTET_INVALID_ARGUMENT, "octet_module_invoke: null view array");
  int64_t batch = -1;
  for (int32_t i = 0; i < numInputs; ++i)
    if (octet_status s = checkView(m, d->inputs[i], inputs[i], "input", i, batch))
      return s;
  for (int32_t i = 0; i < numOutputs; ++i)
    if (octet_status s = checkView(m, d->outputs[i], outputs[i], "output", i, batch))
      return s;
  if (octet_status s = checkOverlaps(d, inputs, outputs, batch))
    return s;
  for (int32_t i = 0; i < numInputs; ++i) {
    ctx->inputs[i] = inputs[i].data;
    ctx->inputOnDevice[i] = inputs[i].device != nullptr;
  }
  for (int32_t i = 0; i < numOutputs; ++i) {
    ctx->outputs[i] = outputs[i].data;
    ctx->outputOnDevice[i] = outputs[i].device != nullptr;
  }
  octet_call call;
  std::memset(&call, 0, sizeof call);
  call.struct_size = sizeof(octet_call);
  call.inputs = ctx->inputs.data();
  call.outputs = ctx->outputs.data();
  call.workspace = ctx->workspace;
  call.workspace_size = d->workspace_size;
  call.stream = ctx->stream;
  call.batch = batch < 0 ? 0 : batch;
  call.input_on_device = ctx->inputOnDevice.data();
  call.output_on_device = ctx->outputOnDevice.data();
  // Threads: at most the context's, and no more than the cores that other
  // calls running at the same time leave idle (at least one), so that
  // concurrent contexts do not oversubscribe the host.
  int32_t threads = 1;
  if (ctx->pool) {
    threads = octet::runtime::claimThreads(ctx->numThreads);
    call.parallel_for = &octet::runtime::ThreadPool::run;
    call.pool = ctx->pool.get();
  }
  call.num_threads = threads;
  octet_status s = m->device->driver->invoke(m->device->handle, m->state, &call);
  if (ctx->pool)
    octet::runtime::releaseThreads(threads);
  return s;
}

} // namespace

extern "C" {

octet_status octet_module_load(const char *path, octet_device device, octet_module *out_module) {
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
  std::string what = std::string("'") + path + "'";
  auto *desc = static_cast<const octet_module_desc *>(dlsym(handle, "octet_module"));
  if (!desc) {
    dlclose(handle);
    return makeStatus(OCTET_INVALID_MODULE, what + " is not an Octet module (no octet_module symbol)");
  }
  octet_status s = validateDescriptor(desc, what);
  if (!s)
    s = makeModule(desc, handle, device, what, out_module);
  if (s)
    dlclose(handle);
  return s;
}

octet_status octet_module_wrap(const octet_module_desc *desc, octet_device device,
                               octet_module *out_module) {
  if (!out_module)
    return makeStatus(OCTET_INVALID_ARGUMENT, "octet_module_wrap: null out_module");
  *out_module = nullptr;
  if (octet_status s = validateDescriptor(desc, "the descriptor"))
    return s;
  return makeModule(desc, nullptr, device, "the descriptor", out_module);
}

void octet_module_release(octet_module module) {
  if (!module)
    return;
  for (octet_context c : module->idle) {
    c->module = nullptr; // its module is going away with it
    module->device->driver->free(module->device->handle, c->workspace);
    delete c;
  }
  module->device->driver->module_release(module->device->handle, module->state);
  if (module->ownsDevice)
    octet_device_release(module->device);
  if (module->library)
    dlclose(module->library);
  delete module;
}

octet_status octet_module_descriptor(octet_module module, const octet_module_desc **out_desc) {
  if (!module || !out_desc)
    return makeStatus(OCTET_INVALID_ARGUMENT, "octet_module_descriptor: null argument");
  *out_desc = module->desc;
  return nullptr;
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
    return makeStatus(OCTET_INVALID_ARGUMENT, "input index " + std::to_string(index) +
                                                  " out of range (module has " +
                                                  std::to_string(module->desc->num_inputs) + ")");
  *out_desc = &module->desc->inputs[index];
  return nullptr;
}

octet_status octet_module_output(octet_module module, int32_t index,
                                 const octet_tensor_desc **out_desc) {
  if (!module || !out_desc)
    return makeStatus(OCTET_INVALID_ARGUMENT, "octet_module_output: null argument");
  if (index < 0 || index >= module->desc->num_outputs)
    return makeStatus(OCTET_INVALID_ARGUMENT, "output index " + std::to_string(index) +
                                                  " out of range (module has " +
                                                  std::to_string(module->desc->num_outputs) + ")");
  *out_desc = &module->desc->outputs[index];
  return nullptr;
}

static octet_status findTensor(octet_module module, const char *name, int32_t *out_index,
                               bool input) {
  if (!module || !name || !out_index)
    return makeStatus(OCTET_INVALID_ARGUMENT, input ? "octet_module_find_input: null argument"
                                                    : "octet_module_find_output: null argument");
  int32_t n = input ? module->desc->num_inputs : module->desc->num_outputs;
  const octet_tensor_desc *list = input ? module->desc->inputs : module->desc->outputs;
  for (int32_t i = 0; i < n; ++i)
    if (list[i].name && !std::strcmp(list[i].name, name)) {
      *out_index = i;
      return nullptr;
    }
  return makeStatus(OCTET_NOT_FOUND, std::string("the module has no ") +
                                         (input ? "input" : "output") + " named '" + name + "'");
}

octet_status octet_module_find_input(octet_module module, const char *name, int32_t *out_index) {
  return findTensor(module, name, out_index, true);
}

octet_status octet_module_find_output(octet_module module, const char *name,
                                      int32_t *out_index) {
  return findTensor(module, name, out_index, false);
}

octet_status octet_module_device(octet_module module, octet_device *out_device) {
  if (!module || !out_device)
    return makeStatus(OCTET_INVALID_ARGUMENT, "octet_module_device: null argument");
  *out_device = module->device;
  return nullptr;
}

octet_status octet_module_driver(octet_module module, const char **out_name) {
  if (!module || !out_name)
    return makeStatus(OCTET_INVALID_ARGUMENT, "octet_module_driver: null argument");
  *out_name = module->device->driver->name;
  return nullptr;
}

octet_status octet_context_create(octet_module module, const octet_context_options *options,
                                  octet_context *out_context) {
  if (!module || !out_context)
    return makeStatus(OCTET_INVALID_ARGUMENT, "octet_context_create: null argument");
  *out_context = nullptr;
  if (options && options->struct_size < sizeof(octet_context_options))
    return makeStatus(OCTET_INVALID_ARGUMENT,
                      "octet_context_create: options.struct_size must be "
                      "sizeof(octet_context_options)");
  if (options && options->num_threads < 0)
    return makeStatus(OCTET_INVALID_ARGUMENT, "octet_context_create: negative num_threads");
  if (options && options->num_threads > 1024)
    return makeStatus(OCTET_INVALID_ARGUMENT,
                      "octet_context_create: num_threads must be at most 1024");
  int threads = options ? options->num_threads : 0;
  if (!threads) {
    const char *error = nullptr;
    threads = octet::runtime::defaultThreadCount(&error);
    if (error)
      return makeStatus(OCTET_INVALID_ARGUMENT, std::string("octet_context_create: ") + error);
  }
  const octet_module_desc *d = module->desc;
  auto *c = new (std::nothrow) octet_context_impl;
  if (!c)
    return outOfMemory();
  c->module = module;
  c->workspace = nullptr;
  c->numThreads = threads;
  if (threads > 1 && std::strcmp(module->device->driver->target, "cpu") == 0) {
    try {
      c->pool = std::make_unique<octet::runtime::ThreadPool>(threads);
    } catch (...) {
      delete c;
      return makeStatus(OCTET_OUT_OF_MEMORY, "octet_context_create: cannot start " +
                                                 std::to_string(threads - 1) + " worker threads");
    }
  }
  c->stream = options ? options->stream : nullptr;
  try {
    c->inputs.assign(d->num_inputs, nullptr);
    c->outputs.assign(d->num_outputs, nullptr);
    c->inputOnDevice.assign(d->num_inputs, 0);
    c->outputOnDevice.assign(d->num_outputs, 0);
  } catch (...) {
    delete c;
    return outOfMemory();
  }
  if (d->workspace_size) {
    size_t align = d->workspace_alignment ? d->workspace_alignment : 64;
    if (octet_status s = module->device->driver->allocate(
            module->device->handle, d->workspace_size, align, &c->workspace)) {
      delete c;
      return s;
    }
  }
  *out_context = c;
  return nullptr;
}

void octet_context_release(octet_context context) {
  if (!context)
    return;
  octet_module m = context->module;
  if (m && context->workspace)
    m->device->driver->free(m->device->handle, context->workspace);
  delete context;
}

int32_t octet_context_num_threads(octet_context context) {
  return context ? context->numThreads : 0;
}

octet_status octet_context_invoke(octet_context context, const octet_tensor_view *inputs,
                                  int32_t num_inputs, const octet_tensor_view *outputs,
                                  int32_t num_outputs) {
  if (!context)
    return makeStatus(OCTET_INVALID_ARGUMENT, "octet_context_invoke: null context");
  if (context->busy.exchange(true, std::memory_order_acquire))
    return makeStatus(OCTET_BUSY, "octet_context_invoke: the context is running a call on "
                                  "another thread (use one context per thread)");
  octet_status s = invokeOn(context, inputs, num_inputs, outputs, num_outputs);
  context->busy.store(false, std::memory_order_release);
  return s;
}

octet_status octet_module_invoke(octet_module module, const octet_tensor_view *inputs,
                                 int32_t num_inputs, const octet_tensor_view *outputs,
                                 int32_t num_outputs) {
  if (!module)
    return makeStatus(OCTET_INVALID_ARGUMENT, "octet_module_invoke: null module");
  // An idle context from the pool, or a new one: the lock is held only to
  // take and return it, never during the call.
  octet_context ctx = nullptr;
  {
    std::lock_guard<std::mutex> g(module->poolLock);
    if (!module->idle.empty()) {
      ctx = module->idle.back();
      module->idle.pop_back();
    }
  }
  if (!ctx)
    if (octet_status s = octet_context_create(module, nullptr, &ctx))
      return s;
  octet_status s = octet_context_invoke(ctx, inputs, num_inputs, outputs, num_outputs);
  try {
    std::lock_guard<std::mutex> g(module->poolLock);
    module->idle.push_back(ctx);
  } catch (...) {
    octet_context_release(ctx);
  }
  return s;
}

} // extern "C"
