//===- Device.cpp - the driver registry and devices ------------------------===//

#include "Internal.h"

#include <cstdlib>
#include <cstring>
#include <vector>
#include <new>

using octet::runtime::makeStatus;

namespace {

/// Registered drivers, the CPU driver first.
struct DriverRegistry {
  std::mutex lock;
  std::vector<const octet_driver_ops *> drivers{&octet::runtime::cpuDriver(),
                                                   &octet::runtime::cudaDriver()
#ifdef OCTET_HAVE_VULKAN
                                                   ,
                                                   &octet::runtime::vulkanDriver()
#endif
  };
};
DriverRegistry &registry() {
  static DriverRegistry r;
  return r;
}

const octet_driver_ops *driverNamed(const char *name) {
  DriverRegistry &r = registry();
  std::lock_guard<std::mutex> g(r.lock);
  for (const octet_driver_ops *d : r.drivers)
    if (!std::strcmp(d->name, name))
      return d;
  return nullptr;
}

bool isPowerOfTwo(size_t v) { return v && !(v & (v - 1)); }

} // namespace

octet_status octet::runtime::hostAllocate(void *, size_t size, size_t alignment,
                                          void **out) noexcept {
  alignment = alignment < 64 ? 64 : alignment;
  size_t rounded = (size + alignment - 1) / alignment * alignment;
  if (rounded < size)
    return makeStatus(OCTET_OUT_OF_MEMORY, "allocation size overflows");
  void *p = std::aligned_alloc(alignment, rounded ? rounded : alignment);
  if (!p)
    return makeStatus(OCTET_OUT_OF_MEMORY,
                      "cannot allocate " + std::to_string(size) + " bytes of host memory");
  std::memset(p, 0, rounded ? rounded : alignment);
  *out = p;
  return nullptr;
}

void octet::runtime::hostFree(void *, void *p) noexcept { std::free(p); }

octet_status octet::runtime::hostCopy(void *, void *dst, const void *src, size_t size, int32_t,
                                      void *) noexcept {
  std::memmove(dst, src, size);
  return nullptr;
}

octet_status octet::runtime::hostSynchronize(void *, void *) noexcept { return nullptr; }

size_t octet::runtime::staticTensorBytes(const octet_tensor_desc &t) noexcept {
  size_t n = octet_dtype_size(t.dtype);
  for (int32_t k = 0; k < t.rank; ++k)
    n *= (size_t)(t.dims[k] < 0 ? 0 : t.dims[k]);
  return n;
}

static bool batchedTensor(const octet_module_desc *desc, const octet_tensor_desc &t) noexcept {
  return (desc->flags & OCTET_MODULE_DYNAMIC_BATCH) && t.rank > 0 && t.dims[0] == -1;
}

int64_t octet::runtime::gpuPieces(const octet_module_desc *desc, const octet_call *call) noexcept {
  return (desc->flags & OCTET_MODULE_DYNAMIC_BATCH) ? call->batch : 1;
}

const void *octet::runtime::gpuPieceInput(const octet_module_desc *desc, const octet_gpu_buffer &b,
                                          const octet_call *call, int64_t p) noexcept {
  if (b.kind != OCTET_GPU_BUFFER_INPUT || !b.size)
    return nullptr;
  const char *src = static_cast<const char *>(call->inputs[b.index]);
  if (batchedTensor(desc, desc->inputs[b.index]))
    return src + p * b.size;
  return p == 0 ? src : nullptr; // the same bytes for every piece
}

void *octet::runtime::gpuPieceOutput(const octet_module_desc *desc, const octet_gpu_buffer &b,
                                     const octet_call *call, int64_t p) noexcept {
  if (b.kind != OCTET_GPU_BUFFER_OUTPUT || !b.size)
    return nullptr;
  char *dst = static_cast<char *>(call->outputs[b.index]);
  return batchedTensor(desc, desc->outputs[b.index]) ? dst + p * b.size : dst;
}

std::string octet::runtime::checkGPULimits(const octet_gpu_schedule *s, const GPULimits &l,
                                           const std::string &device) {
  auto dims = [](auto v) {
    return std::to_string(v[0]) + "x" + std::to_string(v[1]) + "x" + std::to_string(v[2]);
  };
  for (int32_t k = 0; k < s->num_dispatches; ++k) {
    const octet_gpu_dispatch &dp = s->dispatches[k];
    bool fits = (uint64_t)dp.block[0] * dp.block[1] * dp.block[2] <= l.perGroup;
    for (int a = 0; a < 3; ++a)
      fits = fits && dp.block[a] <= l.groupSize[a] && dp.grid[a] <= l.grid[a];
    if (!fits)
      return std::string("kernel '") + dp.kernel + "' needs " + l.groups + " of " +
             dims(dp.block) + " " + l.threads + " in a grid of " + dims(dp.grid) +
             "; device '" + device + "' allows " + std::to_string(l.perGroup) + " " +
             l.threads + " per " + l.group + ", " + dims(l.groupSize) + " per " + l.dimension +
             " and " + dims(l.grid) + " " + l.groups;
  }
  return "";
}

std::string octet::runtime::checkGPUSchedule(const octet_module_desc *desc,
                                             const octet_gpu_schedule *s) {
  if (s->version != OCTET_GPU_SCHEDULE_VERSION)
    return "schedule version " + std::to_string(s->version) + ", this runtime reads " +
           std::to_string(OCTET_GPU_SCHEDULE_VERSION);
  if (s->num_buffers < 0 || s->num_dispatches < 0 || (s->num_buffers && !s->buffers) ||
      (s->num_dispatches && !s->dispatches))
    return "malformed schedule";
  for (int32_t k = 0; k < s->num_buffers; ++k) {
    const octet_gpu_buffer &b = s->buffers[k];
    bool in = b.kind == OCTET_GPU_BUFFER_INPUT, out = b.kind == OCTET_GPU_BUFFER_OUTPUT;
    if (in || out) {
      int32_t n = in ? desc->num_inputs : desc->num_outputs;
      if (b.index < 0 || b.index >= n)
        return "schedule buffer " + std::to_string(k) + " does not match the module's tensors";
      // A batched tensor of a dynamic-batch module: its buffer holds one
      // item (the drivers run batch-1 pieces).
      octet_tensor_desc t = in ? desc->inputs[b.index] : desc->outputs[b.index];
      int64_t one[1] = {1};
      std::vector<int64_t> dims(t.dims, t.dims + t.rank);
      if ((desc->flags & OCTET_MODULE_DYNAMIC_BATCH) && t.rank > 0 && dims[0] == -1) {
        dims[0] = one[0];
        t.dims = dims.data();
      }
      if (b.size != staticTensorBytes(t))
        return "schedule buffer " + std::to_string(k) + " does not match the module's tensors";
    } else if (b.kind == OCTET_GPU_BUFFER_CONSTANT ? !b.data
                                                   : b.kind != OCTET_GPU_BUFFER_INTERMEDIATE) {
      return "schedule buffer " + std::to_string(k) + " is malformed";
    }
  }
  for (int32_t k = 0; k < s->num_dispatches; ++k) {
    const octet_gpu_dispatch &d = s->dispatches[k];
    if (!d.kernel || d.num_args < 0 || (d.num_args && !d.args))
      return "dispatch " + std::to_string(k) + " is malformed";
    for (int32_t j = 0; j < d.num_args; ++j)
      if (d.args[j] < 0 || d.args[j] >= s->num_buffers)
        return "dispatch " + std::to_string(k) + " binds a buffer that does not exist";
    for (int j = 0; j < 3; ++j)
      if (!d.grid[j] || !d.block[j])
        return "dispatch " + std::to_string(k) + " has an empty grid";
  }
  return "";
}

const octet_driver_ops *octet::runtime::driverForTarget(const char *target) noexcept {
  if (!target)
    return nullptr;
  DriverRegistry &r = registry();
  std::lock_guard<std::mutex> g(r.lock);
  for (auto it = r.drivers.rbegin(); it != r.drivers.rend(); ++it)
    if (!std::strcmp((*it)->target, target))
      return *it;
  return nullptr;
}

extern "C" {

size_t octet_device_list(char *buffer, size_t size) {
  std::string list = "cpu:0  host CPU\n" + octet::runtime::cudaDeviceList();
#ifdef OCTET_HAVE_VULKAN
  list += octet::runtime::vulkanDeviceList();
#endif
  if (buffer && size) {
    size_t n = list.size() < size - 1 ? list.size() : size - 1;
    std::memcpy(buffer, list.data(), n);
    buffer[n] = 0;
  }
  return list.size();
}

octet_status octet_driver_register(const octet_driver_ops *ops) {
  if (!ops || ops->struct_size < sizeof(octet_driver_ops) || !ops->name || !*ops->name ||
      !ops->target || !*ops->target || !ops->device_create || !ops->device_release ||
      !ops->allocate || !ops->free || !ops->copy || !ops->synchronize || !ops->module_prepare ||
      !ops->module_release || !ops->invoke)
    return makeStatus(OCTET_INVALID_ARGUMENT,
                      "octet_driver_register: the driver needs a name, a target and every "
                      "callback (and struct_size = sizeof(octet_driver_ops))");
  DriverRegistry &r = registry();
  try {
    std::lock_guard<std::mutex> g(r.lock);
    for (const octet_driver_ops *d : r.drivers)
      if (!std::strcmp(d->name, ops->name))
        return makeStatus(OCTET_INVALID_ARGUMENT,
                          std::string("a driver named '") + ops->name + "' is already registered");
    r.drivers.push_back(ops);
  } catch (...) {
    return octet::runtime::outOfMemory();
  }
  return nullptr;
}

octet_status octet_driver_count(int32_t *out_count) {
  if (!out_count)
    return makeStatus(OCTET_INVALID_ARGUMENT, "octet_driver_count: null argument");
  DriverRegistry &r = registry();
  std::lock_guard<std::mutex> g(r.lock);
  *out_count = (int32_t)r.drivers.size();
  return nullptr;
}

octet_status octet_driver_name(int32_t index, const char **out_name) {
  if (!out_name)
    return makeStatus(OCTET_INVALID_ARGUMENT, "octet_driver_name: null argument");
  DriverRegistry &r = registry();
  std::lock_guard<std::mutex> g(r.lock);
  if (index < 0 || index >= (int32_t)r.drivers.size())
    return makeStatus(OCTET_INVALID_ARGUMENT, "driver index " + std::to_string(index) +
                                                  " out of range (" +
                                                  std::to_string(r.drivers.size()) +
                                                  " registered)");
  *out_name = r.drivers[index]->name;
  return nullptr;
}

octet_status octet_device_create(const char *driver, int32_t ordinal, octet_device *out_device) {
  if (!driver || !out_device)
    return makeStatus(OCTET_INVALID_ARGUMENT, "octet_device_create: null argument");
  *out_device = nullptr;
  const octet_driver_ops *ops = driverNamed(driver);
  if (!ops)
    return makeStatus(OCTET_NOT_FOUND, std::string("no driver named '") + driver + "'");
  void *handle = nullptr;
  if (octet_status s = ops->device_create(ops->user, ordinal, &handle))
    return s;
  auto *d = new (std::nothrow) octet_device_impl{ops, handle};
  if (!d) {
    ops->device_release(handle);
    return octet::runtime::outOfMemory();
  }
  *out_device = d;
  return nullptr;
}

void octet_device_release(octet_device device) {
  if (!device)
    return;
  device->driver->device_release(device->handle);
  delete device;
}

octet_status octet_device_driver(octet_device device, const char **out_name) {
  if (!device || !out_name)
    return makeStatus(OCTET_INVALID_ARGUMENT, "octet_device_driver: null argument");
  *out_name = device->driver->name;
  return nullptr;
}

octet_status octet_device_allocate(octet_device device, size_t size, size_t alignment,
                                   void **out_ptr) {
  if (!device || !out_ptr)
    return makeStatus(OCTET_INVALID_ARGUMENT, "octet_device_allocate: null argument");
  *out_ptr = nullptr;
  if (!isPowerOfTwo(alignment))
    return makeStatus(OCTET_INVALID_ARGUMENT, "octet_device_allocate: alignment " +
                                                  std::to_string(alignment) +
                                                  " is not a power of two");
  return device->driver->allocate(device->handle, size, alignment, out_ptr);
}

octet_status octet_device_free(octet_device device, void *ptr) {
  if (!device)
    return makeStatus(OCTET_INVALID_ARGUMENT, "octet_device_free: null device");
  if (ptr)
    device->driver->free(device->handle, ptr);
  return nullptr;
}

octet_status octet_device_copy(octet_device device, void *dst, const void *src, size_t size,
                               int32_t kind, void *stream) {
  if (!device)
    return makeStatus(OCTET_INVALID_ARGUMENT, "octet_device_copy: null device");
  if (kind != OCTET_COPY_HOST_TO_DEVICE && kind != OCTET_COPY_DEVICE_TO_HOST &&
      kind != OCTET_COPY_DEVICE_TO_DEVICE)
    return makeStatus(OCTET_INVALID_ARGUMENT,
                      "octet_device_copy: unknown copy kind " + std::to_string(kind));
  if (size && (!dst || !src))
    return makeStatus(OCTET_INVALID_ARGUMENT, "octet_device_copy: null buffer");
  if (!size)
    return nullptr;
  return device->driver->copy(device->handle, dst, src, size, kind, stream);
}

octet_status octet_device_synchronize(octet_device device, void *stream) {
  if (!device)
    return makeStatus(OCTET_INVALID_ARGUMENT, "octet_device_synchronize: null device");
  return device->driver->synchronize(device->handle, stream);
}

} // extern "C"
