//===- CUDADriver.cpp - the runtime's CUDA driver --------------------------===//
//
// Runs modules of target "cuda" (octetc --target=cuda): PTX (and a cubin)
// with a dispatch schedule (octet_gpu_schedule). libcuda is loaded with
// dlopen on first use (OCTET_CUDA_LIBRARY names another library), so one
// runtime build runs with or without an NVIDIA driver; the few driver API
// types it needs are declared here, so no CUDA header is needed to build.
//
// At load: the cubin when the device's compute capability can run it (same
// major, minor at least the arch's), else the PTX (JIT-compiled by the
// driver); one device buffer per schedule buffer (constants uploaded once)
// and the kernels' handles. A call copies host inputs in, launches the
// dispatches in order and copies host outputs out, on the context's stream
// (octet_context_options.stream) or the module's own; the dispatches are
// captured once into a CUDA graph and replayed with one launch per call
// (OCTET_CUDA_GRAPHS=0: plain launches on the default stream).
// Inputs and outputs may also be in the device's memory (octet_device_
// allocate gives cuMemAlloc memory): the kernels then read and write them
// in place, with no copy (a copy on the device where a pointer is not
// 16-byte aligned). Each pointer's memory type is checked against what its
// view declares (cuPointerGetAttribute), so a device pointer passed as host
// memory, or the reverse, is an error and not a crash.
// One call at a time per loaded module (the buffers are the module's).
//
//===----------------------------------------------------------------------===//

#include "../../core/Internal.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

using octet::runtime::makeStatus;

namespace {

// --- the driver API, as much as this file uses --------------------------------
using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
using CUcontext = struct CUctx_st *;
using CUmodule = struct CUmod_st *;
using CUfunction = struct CUfunc_st *;
using CUstream = struct CUstream_st *;
using CUgraph = struct CUgraph_st *;
using CUgraphExec = struct CUgraphExec_st *;
constexpr CUresult CUDA_SUCCESS = 0;
constexpr CUresult CUDA_ERROR_OUT_OF_MEMORY = 2;
constexpr int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
constexpr int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;
constexpr int CU_POINTER_ATTRIBUTE_MEMORY_TYPE = 2;
constexpr int CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL = 9;
constexpr unsigned CU_MEMORYTYPE_DEVICE = 2;
constexpr unsigned CU_STREAM_NON_BLOCKING = 1;
constexpr int CU_STREAM_CAPTURE_MODE_RELAXED = 2;

struct Api {
  void *lib = nullptr;
  std::string error;
  CUresult (*cuInit)(unsigned) = nullptr;
  CUresult (*cuDeviceGetCount)(int *) = nullptr;
  CUresult (*cuDeviceGet)(CUdevice *, int) = nullptr;
  CUresult (*cuDeviceGetName)(char *, int, CUdevice) = nullptr;
  CUresult (*cuDeviceGetAttribute)(int *, int, CUdevice) = nullptr;
  CUresult (*cuDevicePrimaryCtxRetain)(CUcontext *, CUdevice) = nullptr;
  CUresult (*cuDevicePrimaryCtxRelease)(CUdevice) = nullptr;
  CUresult (*cuCtxPushCurrent)(CUcontext) = nullptr;
  CUresult (*cuCtxPopCurrent)(CUcontext *) = nullptr;
  CUresult (*cuModuleLoadData)(CUmodule *, const void *) = nullptr;
  CUresult (*cuModuleUnload)(CUmodule) = nullptr;
  CUresult (*cuModuleGetFunction)(CUfunction *, CUmodule, const char *) = nullptr;
  CUresult (*cuMemAlloc)(CUdeviceptr *, size_t) = nullptr;
  CUresult (*cuMemFree)(CUdeviceptr) = nullptr;
  CUresult (*cuMemcpyHtoD)(CUdeviceptr, const void *, size_t) = nullptr;
  CUresult (*cuMemcpyDtoH)(void *, CUdeviceptr, size_t) = nullptr;
  CUresult (*cuMemcpyDtoD)(CUdeviceptr, CUdeviceptr, size_t) = nullptr;
  CUresult (*cuPointerGetAttribute)(void *, int, CUdeviceptr) = nullptr;
  CUresult (*cuMemsetD8)(CUdeviceptr, unsigned char, size_t) = nullptr;
  CUresult (*cuLaunchKernel)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned,
                             unsigned, unsigned, CUstream, void **, void **) = nullptr;
  CUresult (*cuCtxSynchronize)() = nullptr;
  CUresult (*cuGetErrorString)(CUresult, const char **) = nullptr;
  // Streams and graphs (optional: without them, the default stream and
  // plain launches).
  bool graphs = false;
  CUresult (*cuStreamCreate)(CUstream *, unsigned) = nullptr;
  CUresult (*cuStreamDestroy)(CUstream) = nullptr;
  CUresult (*cuStreamSynchronize)(CUstream) = nullptr;
  CUresult (*cuMemcpyHtoDAsync)(CUdeviceptr, const void *, size_t, CUstream) = nullptr;
  CUresult (*cuMemcpyDtoHAsync)(void *, CUdeviceptr, size_t, CUstream) = nullptr;
  CUresult (*cuMemcpyDtoDAsync)(CUdeviceptr, CUdeviceptr, size_t, CUstream) = nullptr;
  CUresult (*cuStreamBeginCapture)(CUstream, int) = nullptr;
  CUresult (*cuStreamEndCapture)(CUstream, CUgraph *) = nullptr;
  CUresult (*cuGraphInstantiateWithFlags)(CUgraphExec *, CUgraph, unsigned long long) = nullptr;
  CUresult (*cuGraphLaunch)(CUgraphExec, CUstream) = nullptr;
  CUresult (*cuGraphExecDestroy)(CUgraphExec) = nullptr;
  CUresult (*cuGraphDestroy)(CUgraph) = nullptr;
};

Api &api() {
  static Api a;
  static std::once_flag once;
  std::call_once(once, [] {
    const char *forced = std::getenv("OCTET_CUDA_LIBRARY");
    a.lib = dlopen(forced ? forced : "libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!a.lib) {
      const char *why = dlerror();
      a.error = std::string("cannot load the NVIDIA driver library libcuda.so.1 (no NVIDIA GPU "
                            "driver is installed): ") +
                (why ? why : "not found");
      return;
    }
    bool ok = true;
    auto load = [&](auto &fn, const char *name) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(a.lib, name));
      ok &= fn != nullptr;
    };
    load(a.cuInit, "cuInit");
    load(a.cuDeviceGetCount, "cuDeviceGetCount");
    load(a.cuDeviceGet, "cuDeviceGet");
    load(a.cuDeviceGetName, "cuDeviceGetName");
    load(a.cuDeviceGetAttribute, "cuDeviceGetAttribute");
    load(a.cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain");
    load(a.cuDevicePrimaryCtxRelease, "cuDevicePrimaryCtxRelease_v2");
    load(a.cuCtxPushCurrent, "cuCtxPushCurrent_v2");
    load(a.cuCtxPopCurrent, "cuCtxPopCurrent_v2");
    load(a.cuModuleLoadData, "cuModuleLoadData");
    load(a.cuModuleUnload, "cuModuleUnload");
    load(a.cuModuleGetFunction, "cuModuleGetFunction");
    load(a.cuMemAlloc, "cuMemAlloc_v2");
    load(a.cuMemFree, "cuMemFree_v2");
    load(a.cuMemcpyHtoD, "cuMemcpyHtoD_v2");
    load(a.cuMemcpyDtoH, "cuMemcpyDtoH_v2");
    load(a.cuMemcpyDtoD, "cuMemcpyDtoD_v2");
    load(a.cuPointerGetAttribute, "cuPointerGetAttribute");
    load(a.cuMemsetD8, "cuMemsetD8_v2");
    load(a.cuLaunchKernel, "cuLaunchKernel");
    load(a.cuCtxSynchronize, "cuCtxSynchronize");
    load(a.cuGetErrorString, "cuGetErrorString");
    bool required = ok;
    load(a.cuStreamCreate, "cuStreamCreate");
    load(a.cuStreamDestroy, "cuStreamDestroy_v2");
    load(a.cuStreamSynchronize, "cuStreamSynchronize");
    load(a.cuMemcpyHtoDAsync, "cuMemcpyHtoDAsync_v2");
    load(a.cuMemcpyDtoHAsync, "cuMemcpyDtoHAsync_v2");
    load(a.cuMemcpyDtoDAsync, "cuMemcpyDtoDAsync_v2");
    load(a.cuStreamBeginCapture, "cuStreamBeginCapture_v2");
    load(a.cuStreamEndCapture, "cuStreamEndCapture");
    load(a.cuGraphInstantiateWithFlags, "cuGraphInstantiateWithFlags");
    load(a.cuGraphLaunch, "cuGraphLaunch");
    load(a.cuGraphExecDestroy, "cuGraphExecDestroy");
    load(a.cuGraphDestroy, "cuGraphDestroy");
    const char *g = std::getenv("OCTET_CUDA_GRAPHS");
    a.graphs = ok && !(g && !std::strcmp(g, "0"));
    ok = required;
    if (!ok)
      a.error = "the NVIDIA driver library lacks a function Octet needs (driver too old)";
    else if (CUresult r = a.cuInit(0); r != CUDA_SUCCESS)
      a.error = "cuInit failed (error " + std::to_string(r) + "): no usable NVIDIA GPU";
  });
  return a;
}

std::string cuError(const char *what, CUresult r) {
  const char *text = nullptr;
  if (api().cuGetErrorString)
    api().cuGetErrorString(r, &text);
  return std::string(what) + " failed: " + (text ? text : "error " + std::to_string(r));
}

struct Device {
  CUdevice device = 0;
  int ordinal = 0;
  // The memory pool behind octet_device_allocate: freed blocks are kept by
  // size (in 256-byte units) and handed out again, at most kPoolBytes of
  // them; all of them go back to the driver when an allocation runs out of
  // memory, and when the device is released.
  std::mutex poolLock;
  std::multimap<size_t, CUdeviceptr> pooled;
  std::map<CUdeviceptr, size_t> sizes; // live and pooled blocks, rounded
  std::set<CUdeviceptr> inPool;
  size_t pooledBytes = 0;
  CUcontext context = nullptr;
  int major = 0, minor = 0;
  std::string name;
};

/// Makes the device's context current on this thread for a scope.
struct Current {
  explicit Current(Device *d) { api().cuCtxPushCurrent(d->context); }
  ~Current() {
    CUcontext c;
    api().cuCtxPopCurrent(&c);
  }
};

octet_status deviceCreate(void *, int32_t ordinal, void **out) {
  Api &a = api();
  if (!a.error.empty())
    return makeStatus(OCTET_UNSUPPORTED, "cuda: " + a.error);
  int count = 0;
  a.cuDeviceGetCount(&count);
  if (ordinal < 0 || ordinal >= count)
    return makeStatus(count ? OCTET_NOT_FOUND : OCTET_UNSUPPORTED,
                      count ? "cuda: no device " + std::to_string(ordinal) + " (found " +
                                  std::to_string(count) + ", numbered from 0)"
                            : std::string("cuda: no CUDA device found"));
  auto *d = new (std::nothrow) Device;
  if (!d)
    return octet::runtime::outOfMemory();
  d->ordinal = ordinal;
  CUresult r = a.cuDeviceGet(&d->device, ordinal);
  if (r == CUDA_SUCCESS)
    r = a.cuDevicePrimaryCtxRetain(&d->context, d->device);
  if (r != CUDA_SUCCESS) {
    delete d;
    return makeStatus(OCTET_UNSUPPORTED, "cuda: " + cuError("opening the device", r));
  }
  char name[256] = {0};
  a.cuDeviceGetName(name, sizeof name - 1, d->device);
  d->name = name;
  a.cuDeviceGetAttribute(&d->major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, d->device);
  a.cuDeviceGetAttribute(&d->minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, d->device);
  *out = d;
  return nullptr;
}

constexpr size_t kPoolBytes = size_t(1) << 30;

/// Returns every pooled block to the driver (the pool lock held).
void drainPool(Device *d) {
  for (auto &[size, p] : d->pooled) {
    api().cuMemFree(p);
    d->sizes.erase(p);
  }
  d->pooled.clear();
  d->inPool.clear();
  d->pooledBytes = 0;
}

void deviceRelease(void *device) {
  auto *d = static_cast<Device *>(device);
  if (d && d->context) {
    {
      Current c(d);
      std::lock_guard<std::mutex> g(d->poolLock);
      drainPool(d);
    }
    api().cuDevicePrimaryCtxRelease(d->device);
  }
  delete d;
}

// The runtime API's device memory: cuMemAlloc, in the device's context,
// through the pool.

octet_status allocate(void *device, size_t size, size_t alignment, void **out) {
  auto *d = static_cast<Device *>(device);
  if (alignment > 256)
    return makeStatus(OCTET_INVALID_ARGUMENT,
                      "cuda: device memory is aligned to 256 bytes, not " +
                          std::to_string(alignment));
  size_t rounded = (std::max<size_t>(size, 1) + 255) / 256 * 256;
  std::lock_guard<std::mutex> g(d->poolLock);
  if (auto it = d->pooled.find(rounded); it != d->pooled.end()) {
    *out = reinterpret_cast<void *>(it->second);
    d->pooledBytes -= rounded;
    d->inPool.erase(it->second);
    d->pooled.erase(it);
    return nullptr;
  }
  Current c(d);
  CUdeviceptr p = 0;
  CUresult r = api().cuMemAlloc(&p, rounded);
  if (r == CUDA_ERROR_OUT_OF_MEMORY && !d->pooled.empty()) {
    drainPool(d); // what the pool keeps may be what this needs
    r = api().cuMemAlloc(&p, rounded);
  }
  if (r != CUDA_SUCCESS)
    return makeStatus(r == CUDA_ERROR_OUT_OF_MEMORY ? OCTET_OUT_OF_MEMORY : OCTET_INTERNAL,
                      "cuda: " + cuError(("cuMemAlloc of " + std::to_string(size) + " bytes").c_str(), r));
  d->sizes[p] = rounded;
  *out = reinterpret_cast<void *>(p);
  return nullptr;
}

void deallocate(void *device, void *ptr) {
  auto *d = static_cast<Device *>(device);
  auto p = reinterpret_cast<CUdeviceptr>(ptr);
  std::lock_guard<std::mutex> g(d->poolLock);
  auto it = d->sizes.find(p);
  Current c(d);
  if (it == d->sizes.end()) { // not from allocate: give it to the driver
    api().cuMemFree(p);
    return;
  }
  if (d->inPool.count(p)) // freed twice: pooled once
    return;
  if (d->pooledBytes + it->second > kPoolBytes) {
    api().cuMemFree(p);
    d->sizes.erase(it);
    return;
  }
  d->pooled.emplace(it->second, p);
  d->inPool.insert(p);
  d->pooledBytes += it->second;
}

octet_status copy(void *device, void *dst, const void *src, size_t size, int32_t kind, void *) {
  if (!size)
    return nullptr;
  Current c(static_cast<Device *>(device));
  Api &a = api();
  auto dd = reinterpret_cast<CUdeviceptr>(dst);
  auto ds = reinterpret_cast<CUdeviceptr>(src);
  CUresult r = kind == OCTET_COPY_HOST_TO_DEVICE   ? a.cuMemcpyHtoD(dd, src, size)
               : kind == OCTET_COPY_DEVICE_TO_HOST ? a.cuMemcpyDtoH(dst, ds, size)
                                                   : a.cuMemcpyDtoD(dd, ds, size);
  if (r != CUDA_SUCCESS)
    return makeStatus(OCTET_INTERNAL, "cuda: " + cuError("a copy", r));
  return nullptr;
}

octet_status synchronize(void *device, void *) {
  Current c(static_cast<Device *>(device));
  if (CUresult r = api().cuCtxSynchronize(); r != CUDA_SUCCESS)
    return makeStatus(OCTET_INTERNAL, "cuda: " + cuError("cuCtxSynchronize", r));
  return nullptr;
}

/// Whether `ptr` is memory of CUDA device `ordinal` (false for host memory
/// and pointers the driver does not know; true where it cannot tell).
bool onDevice(const void *ptr, int ordinal) {
  Api &a = api();
  if (!a.cuPointerGetAttribute)
    return true;
  unsigned type = 0;
  int where = -1;
  auto p = reinterpret_cast<CUdeviceptr>(ptr);
  if (a.cuPointerGetAttribute(&type, CU_POINTER_ATTRIBUTE_MEMORY_TYPE, p) != CUDA_SUCCESS ||
      type != CU_MEMORYTYPE_DEVICE)
    return false;
  return a.cuPointerGetAttribute(&where, CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL, p) !=
             CUDA_SUCCESS ||
         where == ordinal;
}

/// Whether `ptr` is device memory at all (false where the driver cannot tell).
bool anyDevice(const void *ptr) {
  Api &a = api();
  unsigned type = 0;
  return a.cuPointerGetAttribute &&
         a.cuPointerGetAttribute(&type, CU_POINTER_ATTRIBUTE_MEMORY_TYPE,
                                 reinterpret_cast<CUdeviceptr>(ptr)) == CUDA_SUCCESS &&
         type == CU_MEMORYTYPE_DEVICE;
}

struct Module {
  Device *dev = nullptr;
  const octet_module_desc *desc = nullptr;
  const octet_gpu_schedule *schedule = nullptr;
  CUmodule module = nullptr;
  std::vector<CUdeviceptr> buffers;
  std::vector<CUfunction> functions;
  CUstream stream = nullptr; // the module's own (non-blocking) stream
  // CUDA graphs of the dispatch sequence, one per set of bound buffers
  // (host inputs and outputs: always the module's; device ones: per
  // pointer set), oldest first, at most kMaxGraphs.
  struct Graph {
    std::vector<CUdeviceptr> bound;
    CUstream stream;
    CUgraphExec exec;
  };
  std::vector<Graph> graphs;
  bool graphsFailed = false; // capture failed once: plain launches from then on
  std::mutex lock;
};
constexpr size_t kMaxGraphs = 16;

void destroyModule(Module *m) {
  if (!m)
    return;
  {
    Current c(m->dev);
    for (Module::Graph &g : m->graphs)
      api().cuGraphExecDestroy(g.exec);
    if (m->stream)
      api().cuStreamDestroy(m->stream);
    for (CUdeviceptr p : m->buffers)
      if (p)
        api().cuMemFree(p);
    if (m->module)
      api().cuModuleUnload(m->module);
  }
  delete m;
}

octet_status modulePrepare(void *device, const octet_module_desc *desc, void **state) {
  auto *d = static_cast<Device *>(device);
  Api &a = api();
  std::string name = std::string("cuda: module '") + (desc->name ? desc->name : "") + "'";
  // The arch: "sm_80" runs on 8.0 and later 8.x; the PTX on anything newer.
  int archMajor = 0, archMinor = 0;
  if (!desc->arch || std::sscanf(desc->arch, "sm_%1d%1d", &archMajor, &archMinor) != 2)
    return makeStatus(OCTET_INVALID_MODULE, name + " names no sm_XY arch");
  int have = d->major * 10 + d->minor, need = archMajor * 10 + archMinor;
  if (have < need)
    return makeStatus(OCTET_UNSUPPORTED, name + " was compiled for " + desc->arch + "; device '" +
                                             d->name + "' is sm_" + std::to_string(have) +
                                             " (compile with --cuda-arch=sm_" +
                                             std::to_string(have) + ")");
  const octet_executable_desc *ptx = nullptr, *cubin = nullptr, *sched = nullptr;
  for (int32_t k = 0; k < desc->num_executables; ++k) {
    const octet_executable_desc &e = desc->executables[k];
    if (!e.format)
      continue;
    if (!std::strcmp(e.format, "ptx"))
      ptx = &e;
    else if (!std::strcmp(e.format, "cubin"))
      cubin = &e;
    else if (!std::strcmp(e.format, "octet-schedule"))
      sched = &e;
  }
  if (!ptx || !ptx->data || !sched || !sched->data || sched->size < sizeof(octet_gpu_schedule))
    return makeStatus(OCTET_INVALID_MODULE, name + " has no PTX or no dispatch schedule");
  auto *s = static_cast<const octet_gpu_schedule *>(sched->data);
  std::string bad = octet::runtime::checkGPUSchedule(desc, s);
  if (!bad.empty())
    return makeStatus(OCTET_INVALID_MODULE, name + ": " + bad);
  auto *m = new (std::nothrow) Module;
  if (!m)
    return octet::runtime::outOfMemory();
  m->dev = d;
  m->desc = desc;
  m->schedule = s;
  Current current(d);
  auto fail = [&](const std::string &what, CUresult r) {
    destroyModule(m);
    return makeStatus(r == CUDA_ERROR_OUT_OF_MEMORY ? OCTET_OUT_OF_MEMORY : OCTET_INTERNAL,
                      name + ": " + cuError(what.c_str(), r));
  };
  bool useCubin = cubin && cubin->data && d->major == archMajor;
  CUresult r = a.cuModuleLoadData(&m->module, useCubin ? cubin->data : ptx->data);
  if (r != CUDA_SUCCESS)
    return fail(useCubin ? "loading the cubin" : "JIT-compiling the PTX", r);
  m->buffers.assign(s->num_buffers, 0);
  for (int32_t k = 0; k < s->num_buffers; ++k) {
    size_t size = s->buffers[k].size ? s->buffers[k].size : 4;
    if ((r = a.cuMemAlloc(&m->buffers[k], size)) != CUDA_SUCCESS)
      return fail("cuMemAlloc of " + std::to_string(size) + " bytes", r);
    r = s->buffers[k].kind == OCTET_GPU_BUFFER_CONSTANT
            ? a.cuMemcpyHtoD(m->buffers[k], s->buffers[k].data, s->buffers[k].size)
            : a.cuMemsetD8(m->buffers[k], 0, size);
    if (r != CUDA_SUCCESS)
      return fail("initializing a buffer", r);
  }
  if (a.graphs && (r = a.cuStreamCreate(&m->stream, CU_STREAM_NON_BLOCKING)) != CUDA_SUCCESS)
    return fail("creating a stream", r);
  // Each dispatch within the device's limits (threads per block, block and
  // grid sizes): a clear error naming the kernel instead of a failed launch.
  int limits[7] = {1024, 1024, 1024, 64, 2147483647, 65535, 65535};
  for (int k = 0; k < 7; ++k) // MAX_THREADS_PER_BLOCK .. MAX_GRID_DIM_Z
    a.cuDeviceGetAttribute(&limits[k], k + 1, d->device);
  octet::runtime::GPULimits gl = {(uint64_t)limits[0],
                                  {(uint64_t)limits[1], (uint64_t)limits[2], (uint64_t)limits[3]},
                                  {(uint64_t)limits[4], (uint64_t)limits[5], (uint64_t)limits[6]},
                                  "threads",
                                  "block",
                                  "blocks",
                                  "block dimension"};
  if (std::string over = octet::runtime::checkGPULimits(s, gl, d->name); !over.empty()) {
    destroyModule(m);
    return makeStatus(OCTET_UNSUPPORTED, name + ": " + over);
  }
  m->functions.assign(s->num_dispatches, nullptr);
  for (int32_t k = 0; k < s->num_dispatches; ++k)
    if ((r = a.cuModuleGetFunction(&m->functions[k], m->module, s->dispatches[k].kernel)) !=
        CUDA_SUCCESS)
      return fail(std::string("finding kernel '") + s->dispatches[k].kernel + "'", r);
  *state = m;
  return nullptr;
}

void moduleRelease(void *, void *state) { destroyModule(static_cast<Module *>(state)); }

octet_status invoke(void *, void *state, octet_call *call) {
  auto *m = static_cast<Module *>(state);
  Api &a = api();
  const octet_gpu_schedule *s = m->schedule;
  std::lock_guard<std::mutex> g(m->lock);
  Current current(m->dev);
  std::string name = std::string("cuda: module '") + (m->desc->name ? m->desc->name : "") + "'";
  const octet_module_desc *desc = m->desc;
  // Where each input and output is, as its view declares, checked against
  // what the driver knows of the pointer.
  bool places = call->struct_size >= offsetof(octet_call, output_on_device) + sizeof(void *);
  auto declared = [&](bool input, int32_t i) {
    const uint8_t *on = !places ? nullptr : input ? call->input_on_device : call->output_on_device;
    return on && on[i];
  };
  for (int pass = 0; pass < 2; ++pass) {
    bool input = pass == 0;
    int32_t n = input ? desc->num_inputs : desc->num_outputs;
    for (int32_t i = 0; i < n; ++i) {
      const octet_tensor_desc &t = input ? desc->inputs[i] : desc->outputs[i];
      void *ptr = input ? call->inputs[i] : call->outputs[i];
      if (!ptr)
        continue;
      std::string who = std::string(input ? "input " : "output ") + std::to_string(i) + " '" +
                        (t.name ? t.name : "") + "'";
      if (declared(input, i) && !onDevice(ptr, m->dev->ordinal))
        return makeStatus(OCTET_INVALID_ARGUMENT,
                          name + ": " + who + " is declared as memory of device cuda:" +
                              std::to_string(m->dev->ordinal) +
                              ", but the pointer is not (host memory, or another device's: "
                              "allocate it with octet_device_allocate on the module's device)");
      if (!declared(input, i) && anyDevice(ptr))
        return makeStatus(OCTET_INVALID_ARGUMENT,
                          name + ": " + who +
                              " is declared as host memory, but the pointer is CUDA device "
                              "memory (give its view the module's device)");
    }
  }
  // With streams and graphs (a.graphs): copies and launches on the call's
  // stream (the context's, else the module's own), the dispatch sequence
  // captured once into a CUDA graph per set of bound buffers and replayed
  // with one cuGraphLaunch; a capture the driver refuses (a stream already
  // being captured by the application, say) falls back to plain launches.
  bool async = a.graphs;
  CUstream stream =
      async ? (call->stream ? static_cast<CUstream>(call->stream) : m->stream) : nullptr;
  auto h2d = [&](CUdeviceptr d, const void *src, size_t n) {
    return async ? a.cuMemcpyHtoDAsync(d, src, n, stream) : a.cuMemcpyHtoD(d, src, n);
  };
  auto d2h = [&](void *d, CUdeviceptr src, size_t n) {
    return async ? a.cuMemcpyDtoHAsync(d, src, n, stream) : a.cuMemcpyDtoH(d, src, n);
  };
  auto d2d = [&](CUdeviceptr d, CUdeviceptr src, size_t n) {
    return async ? a.cuMemcpyDtoDAsync(d, src, n, stream) : a.cuMemcpyDtoD(d, src, n);
  };
  auto sync = [&]() { return async ? a.cuStreamSynchronize(stream) : a.cuCtxSynchronize(); };
  std::vector<CUdeviceptr> args;
  std::vector<void *> params;
  auto launches = [&](const std::vector<CUdeviceptr> &bound) -> octet_status {
    for (int32_t k = 0; k < s->num_dispatches; ++k) {
      const octet_gpu_dispatch &dp = s->dispatches[k];
      args.assign(dp.num_args, 0);
      params.assign(dp.num_args, nullptr);
      for (int32_t j = 0; j < dp.num_args; ++j) {
        args[j] = bound[dp.args[j]];
        params[j] = &args[j];
      }
      CUresult r = a.cuLaunchKernel(m->functions[k], dp.grid[0], dp.grid[1], dp.grid[2],
                                    dp.block[0], dp.block[1], dp.block[2], 0, stream,
                                    params.data(), nullptr);
      if (r != CUDA_SUCCESS)
        return makeStatus(OCTET_INTERNAL, name + ": kernel '" + dp.kernel + "': " +
                                              cuError("cuLaunchKernel", r));
    }
    return nullptr;
  };
  auto dispatch = [&](const std::vector<CUdeviceptr> &bound) -> octet_status {
    if (!async || m->graphsFailed)
      return launches(bound);
    CUgraphExec exec = nullptr;
    for (const Module::Graph &g : m->graphs)
      if (g.stream == stream && g.bound == bound)
        exec = g.exec;
    if (!exec) {
      if (a.cuStreamBeginCapture(stream, CU_STREAM_CAPTURE_MODE_RELAXED) != CUDA_SUCCESS) {
        m->graphsFailed = true;
        return launches(bound);
      }
      octet_status st = launches(bound);
      CUgraph graph = nullptr;
      CUresult r = a.cuStreamEndCapture(stream, &graph);
      if (!st && (r != CUDA_SUCCESS || !graph ||
                  a.cuGraphInstantiateWithFlags(&exec, graph, 0) != CUDA_SUCCESS)) {
        exec = nullptr;
        m->graphsFailed = true;
      }
      if (graph)
        a.cuGraphDestroy(graph);
      if (st)
        return st;
      if (!exec)
        return launches(bound);
      if (m->graphs.size() == kMaxGraphs) {
        a.cuGraphExecDestroy(m->graphs.front().exec);
        m->graphs.erase(m->graphs.begin());
      }
      m->graphs.push_back({bound, stream, exec});
    }
    if (CUresult r = a.cuGraphLaunch(exec, stream); r != CUDA_SUCCESS)
      return makeStatus(OCTET_INTERNAL, name + ": " + cuError("cuGraphLaunch", r));
    return nullptr;
  };
  // A dynamic batch runs as batch-1 pieces (octet::runtime::gpuPieces).
  std::vector<CUdeviceptr> bound;
  auto aligned = [](const void *p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0; };
  for (int64_t p = 0, n = octet::runtime::gpuPieces(desc, call); p < n; ++p) {
    // Device inputs and outputs are bound in place; host ones (and device
    // ones off 16-byte alignment) go through the module's buffers.
    bound = m->buffers;
    for (int32_t k = 0; k < s->num_buffers; ++k) {
      const octet_gpu_buffer &b = s->buffers[k];
      if (const void *src = octet::runtime::gpuPieceInput(desc, b, call, p)) {
        CUresult r;
        if (!declared(true, b.index))
          r = h2d(m->buffers[k], src, b.size);
        else if (aligned(src)) {
          bound[k] = reinterpret_cast<CUdeviceptr>(src);
          continue;
        } else
          r = d2d(m->buffers[k], reinterpret_cast<CUdeviceptr>(src), b.size);
        if (r != CUDA_SUCCESS)
          return makeStatus(OCTET_INTERNAL, name + ": " + cuError("copying an input", r));
      } else if (b.kind == OCTET_GPU_BUFFER_INPUT && b.size && declared(true, b.index) &&
                 aligned(call->inputs[b.index])) {
        // An input shared by every piece of a batch: bound as in piece 0.
        bound[k] = reinterpret_cast<CUdeviceptr>(call->inputs[b.index]);
      }
      if (void *dst = octet::runtime::gpuPieceOutput(desc, b, call, p))
        if (declared(false, b.index) && aligned(dst))
          bound[k] = reinterpret_cast<CUdeviceptr>(dst);
    }
    if (octet_status st = dispatch(bound))
      return st;
    if (CUresult r = sync(); r != CUDA_SUCCESS)
      return makeStatus(OCTET_INTERNAL, name + ": " + cuError("running the kernels", r));
    for (int32_t k = 0; k < s->num_buffers; ++k) {
      const octet_gpu_buffer &b = s->buffers[k];
      void *dst = octet::runtime::gpuPieceOutput(desc, b, call, p);
      if (!dst || bound[k] != m->buffers[k])
        continue;
      CUresult r = declared(false, b.index)
                       ? d2d(reinterpret_cast<CUdeviceptr>(dst), m->buffers[k], b.size)
                       : d2h(dst, m->buffers[k], b.size);
      if (r != CUDA_SUCCESS)
        return makeStatus(OCTET_INTERNAL, name + ": " + cuError("copying an output", r));
    }
  }
  // Copies are asynchronous on the stream: done before the call returns.
  if (CUresult r = sync(); r != CUDA_SUCCESS)
    return makeStatus(OCTET_INTERNAL, name + ": " + cuError("copying an output", r));
  return nullptr;
}

const octet_driver_ops ops = {sizeof(octet_driver_ops),
                              "cuda",
                              "cuda",
                              nullptr,
                              deviceCreate,
                              deviceRelease,
                              allocate,
                              deallocate,
                              copy,
                              synchronize,
                              modulePrepare,
                              moduleRelease,
                              invoke,
                              OCTET_DRIVER_HOST_BUFFERS | OCTET_DRIVER_DEVICE_BUFFERS};

} // namespace

const octet_driver_ops &octet::runtime::cudaDriver() noexcept { return ops; }

std::string octet::runtime::cudaDeviceList() {
  Api &a = api();
  if (!a.error.empty())
    return "";
  int count = 0;
  a.cuDeviceGetCount(&count);
  std::string out;
  for (int k = 0; k < count; ++k) {
    CUdevice dev;
    char name[256] = {0};
    int major = 0, minor = 0;
    a.cuDeviceGet(&dev, k);
    a.cuDeviceGetName(name, sizeof name - 1, dev);
    a.cuDeviceGetAttribute(&major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev);
    a.cuDeviceGetAttribute(&minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev);
    out += "cuda:" + std::to_string(k) + "  " + name + " (sm_" + std::to_string(major) +
           std::to_string(minor) + ")\n";
  }
  return out;
}
