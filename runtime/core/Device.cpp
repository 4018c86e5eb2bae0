//===- Device.cpp - the driver registry and devices ------------------------===//

#include "Internal.h"

#include <cstring>
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
