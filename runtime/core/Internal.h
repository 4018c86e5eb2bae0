//===- Internal.h - the runtime's objects, shared by its files --*- C++ -*-===//
//
// Private to runtime/: the structs behind the opaque handles of
// octet_runtime.h, the driver registry and the CPU driver's ops.
//
//===----------------------------------------------------------------------===//

#ifndef OCTET_RUNTIME_CORE_INTERNAL_H
#define OCTET_RUNTIME_CORE_INTERNAL_H

#include "octet/Runtime/octet_runtime.h"

#include "ThreadPool.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

struct octet_status_impl {
  int32_t code;
  std::string message;
};

struct octet_device_impl {
  const octet_driver_ops *driver;
  void *handle; // the driver's device
};

struct octet_module_impl {
  const octet_module_desc *desc;
  void *library; // dlopen handle, or null for a linked-in descriptor
  octet_device device;
  bool ownsDevice; // created for the module (no device given at load)
  void *state;     // the driver's per-module state
  std::mutex poolLock;
  std::vector<octet_context> idle; // contexts for octet_module_invoke
};

struct octet_context_impl {
  octet_module module;
  void *workspace;
  int32_t numThreads;                       // the most a call may use
  std::unique_ptr<octet::runtime::ThreadPool> pool; // numThreads - 1 workers
  void *stream;
  std::vector<void *> inputs, outputs; // the call's pointer arrays
  std::vector<uint8_t> inputOnDevice, outputOnDevice; // where each one is
  std::atomic<bool> busy{false};
};

namespace octet::runtime {

/// A status for `code` and `message`; the static out-of-memory status when
/// allocation fails. Never throws.
octet_status makeStatus(int32_t code, const std::string &message) noexcept;
/// The status for an allocation failure (does not allocate).
octet_status outOfMemory() noexcept;

/// The most recently registered driver for descriptor target `target`.
const octet_driver_ops *driverForTarget(const char *target) noexcept;

/// The built-in CPU driver.
const octet_driver_ops &cpuDriver() noexcept;

/// Host memory as device memory (the CPU driver's, and the GPU drivers'
/// staging memory): 64-byte-aligned, zeroed; copies are memmove.
octet_status hostAllocate(void *device, size_t size, size_t alignment, void **out) noexcept;
void hostFree(void *device, void *ptr) noexcept;
octet_status hostCopy(void *device, void *dst, const void *src, size_t size, int32_t kind,
                      void *stream) noexcept;
octet_status hostSynchronize(void *device, void *stream) noexcept;

/// The bytes of a static tensor of `t`.
size_t staticTensorBytes(const octet_tensor_desc &t) noexcept;
/// Checks a GPU module's schedule against its descriptor: "" when sound,
/// else what is wrong.
std::string checkGPUSchedule(const octet_module_desc *desc, const octet_gpu_schedule *s);

/// A GPU device's dispatch limits, and its words for them (CUDA: threads,
/// block, blocks, "block dimension"; Vulkan: invocations, workgroup,
/// workgroups, "dimension").
struct GPULimits {
  uint64_t perGroup; // threads in one group
  uint64_t groupSize[3]; // per group dimension
  uint64_t grid[3];  // groups per grid dimension
  const char *threads, *group, *groups, *dimension;
};
/// "" when every dispatch of `s` fits `limits`, else the first one that does
/// not and the limits (for a message that also names the module and device).
std::string checkGPULimits(const octet_gpu_schedule *s, const GPULimits &limits,
                           const std::string &device);

/// A GPU call of a dynamic-batch module runs as batch-1 pieces (one per
/// item of the batch), of a static one as one piece.
int64_t gpuPieces(const octet_module_desc *desc, const octet_call *call) noexcept;
/// Where piece `p` copies schedule buffer `b` (an input) from, or (an
/// output) to: the batched tensors advance one item (the buffer's size) per
/// piece. Null where nothing is to be copied: an empty tensor, a static
/// input after the first piece, or a buffer that is neither.
const void *gpuPieceInput(const octet_module_desc *desc, const octet_gpu_buffer &b,
                          const octet_call *call, int64_t p) noexcept;
void *gpuPieceOutput(const octet_module_desc *desc, const octet_gpu_buffer &b,
                     const octet_call *call, int64_t p) noexcept;

/// The built-in CUDA driver (drivers/cuda; libcuda loaded on first use).
const octet_driver_ops &cudaDriver() noexcept;
/// "cuda:N  NAME (sm_XY)" lines for the devices found ("" for none).
std::string cudaDeviceList();

#ifdef OCTET_HAVE_VULKAN
/// The built-in Vulkan driver (drivers/vulkan; libvulkan loaded on first use).
const octet_driver_ops &vulkanDriver() noexcept;
/// "vulkan:N  NAME (Vulkan X.Y)" lines for the devices found ("" for none).
std::string vulkanDeviceList();
#endif

} // namespace octet::runtime

#endif // OCTET_RUNTIME_CORE_INTERNAL_H
