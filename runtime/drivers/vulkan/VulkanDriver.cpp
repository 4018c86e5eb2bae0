//===- VulkanDriver.cpp - the runtime's Vulkan driver ----------------------===//
//
// Runs modules of target "vulkan" (octetc --target=vulkan): SPIR-V compute
// kernels and a dispatch schedule (octet_gpu_schedule). libvulkan is loaded
// with dlopen on first use, so the runtime links nothing of Vulkan and runs
// where no Vulkan loader or device exists (creating a device then fails with
// a message).
//
// At load (module_prepare) the driver makes one buffer per schedule buffer
// (constants uploaded), one pipeline per kernel, one descriptor set per
// dispatch, and records one command buffer with every dispatch and a barrier
// after each; a call copies the inputs in, submits that command buffer,
// waits, and copies the outputs out. Buffers are host-visible and coherent
// (on lavapipe and integrated GPUs that is all memory; a discrete GPU reads
// them over the bus), and one call runs at a time per loaded module.
//
//===----------------------------------------------------------------------===//

#include "../../core/Internal.h"

#define VK_NO_PROTOTYPES
#include <vulkan/vulkan.h>

// Vulkan structs are written {VK_STRUCTURE_TYPE_...}: the rest zeroed.
#if defined(__clang__) || defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#endif

#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

using octet::runtime::makeStatus;

namespace {

// --- the loader ----------------------------------------------------------------
struct Api {
  void *lib = nullptr;
  std::string error;
  PFN_vkGetInstanceProcAddr getInstanceProcAddr = nullptr;
  PFN_vkCreateInstance createInstance = nullptr;
  PFN_vkEnumerateInstanceVersion enumerateInstanceVersion = nullptr;
#define OCTET_VK_INSTANCE_FNS(X)                                                                  \
  X(DestroyInstance) X(EnumeratePhysicalDevices) X(GetPhysicalDeviceProperties)                    \
  X(GetPhysicalDeviceQueueFamilyProperties) X(GetPhysicalDeviceMemoryProperties)                   \
  X(GetPhysicalDeviceFeatures2) X(CreateDevice) X(GetDeviceProcAddr)                              \
  X(GetPhysicalDeviceProperties2) X(EnumerateDeviceExtensionProperties)
#define OCTET_VK_DEVICE_FNS(X)                                                                    \
  X(DestroyDevice) X(GetDeviceQueue) X(CreateBuffer) X(DestroyBuffer)                              \
  X(GetBufferMemoryRequirements) X(AllocateMemory) X(FreeMemory) X(BindBufferMemory)               \
  X(MapMemory) X(UnmapMemory) X(CreateShaderModule) X(DestroyShaderModule)                         \
  X(CreateDescriptorSetLayout) X(DestroyDescriptorSetLayout) X(CreatePipelineLayout)               \
  X(DestroyPipelineLayout) X(CreateComputePipelines) X(DestroyPipeline) X(CreateDescriptorPool)    \
  X(DestroyDescriptorPool) X(AllocateDescriptorSets) X(UpdateDescriptorSets) X(CreateCommandPool)  \
  X(DestroyCommandPool) X(AllocateCommandBuffers) X(BeginCommandBuffer) X(EndCommandBuffer)        \
  X(CmdBindPipeline) X(CmdBindDescriptorSets) X(CmdDispatch) X(CmdPipelineBarrier)                 \
  X(QueueSubmit) X(CreateFence) X(DestroyFence) X(WaitForFences) X(ResetFences)                    \
  X(CreatePipelineCache) X(DestroyPipelineCache) X(GetPipelineCacheData) X(CmdCopyBuffer)       \
  X(CmdFillBuffer) X(FreeCommandBuffers)
#define OCTET_VK_DECLARE(name) PFN_vk##name name = nullptr;
  OCTET_VK_INSTANCE_FNS(OCTET_VK_DECLARE)
  OCTET_VK_DEVICE_FNS(OCTET_VK_DECLARE)
#undef OCTET_VK_DECLARE
};

/// libvulkan's global functions, loaded once.
Api &api() {
  static Api a;
  static std::once_flag once;
  std::call_once(once, [] {
    // OCTET_VULKAN_LOADER names another loader library (tests use a
    // missing one to see what a host without Vulkan says).
    const char *forced = std::getenv("OCTET_VULKAN_LOADER");
    for (const char *name : {"libvulkan.so.1", "libvulkan.so"}) {
      a.lib = dlopen(forced ? forced : name, RTLD_NOW | RTLD_LOCAL);
      if (a.lib || forced)
        break;
    }
    if (!a.lib) {
      const char *why = dlerror();
      a.error = std::string("cannot load the Vulkan loader libvulkan.so.1 (install a Vulkan "
                            "driver, e.g. mesa-vulkan-drivers and libvulkan1): ") +
                (why ? why : "not found");
      return;
    }
    a.getInstanceProcAddr =
        reinterpret_cast<PFN_vkGetInstanceProcAddr>(dlsym(a.lib, "vkGetInstanceProcAddr"));
    if (!a.getInstanceProcAddr) {
      a.error = "libvulkan has no vkGetInstanceProcAddr";
      return;
    }
    a.createInstance = reinterpret_cast<PFN_vkCreateInstance>(
        a.getInstanceProcAddr(nullptr, "vkCreateInstance"));
    a.enumerateInstanceVersion = reinterpret_cast<PFN_vkEnumerateInstanceVersion>(
        a.getInstanceProcAddr(nullptr, "vkEnumerateInstanceVersion"));
    if (!a.createInstance)
      a.error = "libvulkan has no vkCreateInstance";
  });
  return a;
}

std::string vkError(const char *what, VkResult r) {
  return std::string(what) + " failed (VkResult " + std::to_string((int)r) + ")";
}

// --- cooperative matrices --------------------------------------------------------
// VK_KHR_cooperative_matrix postdates Debian 12's Vulkan headers (1.3.239):
// what the driver uses of it, declared from the registry.
constexpr const char *kCoopMatrixExtension = "VK_KHR_cooperative_matrix";
constexpr VkStructureType kCoopMatrixFeaturesType = (VkStructureType)1000506000;
constexpr VkStructureType kCoopMatrixPropertiesType = (VkStructureType)1000506001;
constexpr uint32_t kComponentSInt8 = 3, kComponentSInt32 = 5, kScopeSubgroup = 3;
struct CoopMatrixFeatures {
  VkStructureType sType = kCoopMatrixFeaturesType;
  void *pNext = nullptr;
  VkBool32 cooperativeMatrix = VK_FALSE;
  VkBool32 cooperativeMatrixRobustBufferAccess = VK_FALSE;
};
struct CoopMatrixProperties {
  VkStructureType sType = kCoopMatrixPropertiesType;
  void *pNext = nullptr;
  uint32_t m = 0, n = 0, k = 0;
  uint32_t aType = 0, bType = 0, cType = 0, resultType = 0;
  VkBool32 saturatingAccumulation = VK_FALSE;
  uint32_t scope = 0;
};
using PFN_GetCoopMatrixProperties = VkResult (*)(VkPhysicalDevice, uint32_t *,
                                                 CoopMatrixProperties *);

bool hasDeviceExtension(PFN_vkEnumerateDeviceExtensionProperties enumerate, VkPhysicalDevice p,
                        const char *name) {
  uint32_t n = 0;
  if (!enumerate || enumerate(p, nullptr, &n, nullptr) != VK_SUCCESS)
    return false;
  std::vector<VkExtensionProperties> ext(n);
  if (n && enumerate(p, nullptr, &n, ext.data()) != VK_SUCCESS)
    return false;
  for (const VkExtensionProperties &e : ext)
    if (!std::strcmp(e.extensionName, name))
      return true;
  return false;
}

/// The fragment shapes (M, N, K) the device multiplies as s8 x s8 + s32 ->
/// s32 at subgroup scope: what Octet's cooperative-matrix kernel takes.
std::vector<std::array<uint32_t, 3>> coopMatrixShapes(VkInstance inst, VkPhysicalDevice p,
                                                      PFN_vkGetInstanceProcAddr gipa) {
  std::vector<std::array<uint32_t, 3>> shapes;
  auto get = reinterpret_cast<PFN_GetCoopMatrixProperties>(
      gipa(inst, "vkGetPhysicalDeviceCooperativeMatrixPropertiesKHR"));
  uint32_t n = 0;
  if (!get || get(p, &n, nullptr) != VK_SUCCESS || !n)
    return shapes;
  std::vector<CoopMatrixProperties> props(n);
  if (get(p, &n, props.data()) != VK_SUCCESS && n == 0)
    return shapes;
  for (uint32_t k = 0; k < n && k < props.size(); ++k) {
    const CoopMatrixProperties &c = props[k];
    if (c.aType == kComponentSInt8 && c.bType == kComponentSInt8 && c.cType == kComponentSInt32 &&
        c.resultType == kComponentSInt32 && c.scope == kScopeSubgroup && !c.saturatingAccumulation)
      shapes.push_back({c.m, c.n, c.k});
  }
  return shapes;
}

std::string shapeName(const std::array<uint32_t, 3> &s) {
  return std::to_string(s[0]) + "x" + std::to_string(s[1]) + "x" + std::to_string(s[2]);
}

// --- devices ---------------------------------------------------------------------
struct Device {
  Api fn; // instance- and device-level functions
  VkInstance instance = VK_NULL_HANDLE;
  VkPhysicalDevice physical = VK_NULL_HANDLE;
  VkDevice device = VK_NULL_HANDLE;
  VkQueue queue = VK_NULL_HANDLE;
  uint32_t family = 0;
  VkPhysicalDeviceProperties props{};
  VkPhysicalDeviceMemoryProperties memory{};
  VkPipelineCache cache = VK_NULL_HANDLE;
  bool intDot = false; // shaderIntegerDotProduct enabled (and SPIR-V 1.6 taken)
  // VK_KHR_cooperative_matrix enabled (with the Vulkan memory model): its
  // s8 x s8 -> s32 subgroup fragments; the subgroup size.
  bool coopMatrix = false;
  std::vector<std::array<uint32_t, 3>> coopShapes;
  uint32_t subgroupSize = 0;
  std::mutex queueLock; // vkQueueSubmit needs external synchronization
};

/// Where the device's pipeline cache lives on disk: $OCTET_CACHE_DIR, else
/// $XDG_CACHE_HOME/octet, else ~/.cache/octet ("" when none is known).
std::string pipelineCachePath(const VkPhysicalDeviceProperties &p) {
  std::string dir;
  if (const char *d = std::getenv("OCTET_CACHE_DIR"))
    dir = d;
  else if (const char *x = std::getenv("XDG_CACHE_HOME"))
    dir = std::string(x) + "/octet";
  else if (const char *h = std::getenv("HOME"))
    dir = std::string(h) + "/.cache/octet";
  if (dir.empty())
    return "";
  char uuid[2 * VK_UUID_SIZE + 1];
  for (unsigned k = 0; k < VK_UUID_SIZE; ++k)
    std::snprintf(uuid + 2 * k, 3, "%02x", p.pipelineCacheUUID[k]);
  return dir + "/vulkan-pipelines-" + std::to_string(p.vendorID) + "-" +
         std::to_string(p.deviceID) + "-" + uuid + ".bin";
}

/// Saves the pipeline cache (best effort: a cache that cannot be written is
/// only slower next time).
void savePipelineCache(Device *d) {
  std::string path = pipelineCachePath(d->props);
  size_t size = 0;
  if (path.empty() || d->fn.GetPipelineCacheData(d->device, d->cache, &size, nullptr) != VK_SUCCESS ||
      !size)
    return;
  std::vector<char> data(size);
  if (d->fn.GetPipelineCacheData(d->device, d->cache, &size, data.data()) != VK_SUCCESS)
    return;
  std::string dir = path.substr(0, path.rfind('/'));
  for (size_t k = 1; k <= dir.size(); ++k)
    if (k == dir.size() || dir[k] == '/')
      mkdir(dir.substr(0, k).c_str(), 0755);
  std::string tmp = path + ".tmp" + std::to_string((long)getpid());
  if (FILE *f = std::fopen(tmp.c_str(), "wb")) {
    bool ok = std::fwrite(data.data(), 1, size, f) == size;
    ok &= std::fclose(f) == 0;
    if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0)
      std::remove(tmp.c_str());
  }
}

void destroyDevice(Device *d) {
  if (!d)
    return;
  if (d->device) {
    if (d->cache) {
      savePipelineCache(d);
      d->fn.DestroyPipelineCache(d->device, d->cache, nullptr);
    }
    d->fn.DestroyDevice(d->device, nullptr);
  }
  if (d->instance && d->fn.DestroyInstance)
    d->fn.DestroyInstance(d->instance, nullptr);
  delete d;
}

octet_status deviceCreate(void *, int32_t ordinal, void **out) {
  Api &a = api();
  if (!a.error.empty())
    return makeStatus(OCTET_UNSUPPORTED, "vulkan: " + a.error);
  auto *d = new (std::nothrow) Device;
  if (!d)
    return octet::runtime::outOfMemory();
  d->fn = a;
  // Vulkan 1.3 where the loader has it (integer dot products and SPIR-V
  // 1.6 are core there; 8- and 16-bit storage and int8 arithmetic from
  // 1.2), else 1.1 with their extensions.
  uint32_t loader = VK_API_VERSION_1_1;
  if (a.enumerateInstanceVersion)
    a.enumerateInstanceVersion(&loader);
  VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
  app.pApplicationName = "octet";
  app.apiVersion = loader >= VK_API_VERSION_1_3   ? VK_API_VERSION_1_3
                   : loader >= VK_API_VERSION_1_2 ? VK_API_VERSION_1_2
                                                  : VK_API_VERSION_1_1;
  VkInstanceCreateInfo ici{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
  ici.pApplicationInfo = &app;
  VkResult r = a.createInstance(&ici, nullptr, &d->instance);
  if (r == VK_ERROR_INCOMPATIBLE_DRIVER) {
    // The loader is there, but no driver (ICD) is.
    destroyDevice(d);
    return makeStatus(OCTET_UNSUPPORTED,
                      "vulkan: no Vulkan device found (" + vkError("vkCreateInstance", r) +
                          ": the Vulkan loader found no driver; install one, e.g. "
                          "mesa-vulkan-drivers)");
  }
  if (r != VK_SUCCESS) {
    destroyDevice(d);
    return makeStatus(OCTET_UNSUPPORTED, "vulkan: " + vkError("vkCreateInstance", r) +
                                             ": no Vulkan driver is installed or it failed");
  }
#define OCTET_VK_LOAD(name)                                                                       \
  d->fn.name = reinterpret_cast<PFN_vk##name>(a.getInstanceProcAddr(d->instance, "vk" #name));
  OCTET_VK_INSTANCE_FNS(OCTET_VK_LOAD)
#undef OCTET_VK_LOAD
  uint32_t count = 0;
  d->fn.EnumeratePhysicalDevices(d->instance, &count, nullptr);
  std::vector<VkPhysicalDevice> phys(count);
  if (count)
    d->fn.EnumeratePhysicalDevices(d->instance, &count, phys.data());
  if (ordinal < 0 || (uint32_t)ordinal >= count) {
    destroyDevice(d);
    return makeStatus(count ? OCTET_NOT_FOUND : OCTET_UNSUPPORTED,
                      count ? "vulkan: no device " + std::to_string(ordinal) + " (found " +
                                  std::to_string(count) + ", numbered from 0)"
                            : std::string("vulkan: no Vulkan device found"));
  }
  d->physical = phys[ordinal];
  d->fn.GetPhysicalDeviceProperties(d->physical, &d->props);
  d->fn.GetPhysicalDeviceMemoryProperties(d->physical, &d->memory);
  std::string devName = d->props.deviceName;
  // The features the kernels use (the target env of --target=vulkan).
  VkPhysicalDevice16BitStorageFeatures s16{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES};
  VkPhysicalDevice8BitStorageFeatures s8{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_8BIT_STORAGE_FEATURES};
  VkPhysicalDeviceShaderFloat16Int8Features i8{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES};
  VkPhysicalDeviceShaderIntegerDotProductFeatures dot{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_INTEGER_DOT_PRODUCT_FEATURES};
  s8.pNext = &s16;
  i8.pNext = &s8;
  s16.pNext = &dot;
  VkPhysicalDeviceVulkanMemoryModelFeatures vmm{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_MEMORY_MODEL_FEATURES};
  CoopMatrixFeatures coop;
  bool coopExt = hasDeviceExtension(d->fn.EnumerateDeviceExtensionProperties, d->physical,
                                    kCoopMatrixExtension);
  dot.pNext = &vmm;
  if (coopExt)
    vmm.pNext = &coop;
  VkPhysicalDeviceFeatures2 f2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
  f2.pNext = &i8;
  d->fn.GetPhysicalDeviceFeatures2(d->physical, &f2);
  VkPhysicalDeviceSubgroupProperties sub{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES};
  VkPhysicalDeviceProperties2 p2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
  p2.pNext = &sub;
  if (d->fn.GetPhysicalDeviceProperties2)
    d->fn.GetPhysicalDeviceProperties2(d->physical, &p2);
  d->subgroupSize = sub.subgroupSize;
  // OCTET_VULKAN_HIDE_FEATURES (a comma-separated list of feature names)
  // makes the driver act as if the device lacked them: how the tests
  // check the errors of devices they do not have.
  if (const char *hide = std::getenv("OCTET_VULKAN_HIDE_FEATURES")) {
    std::string list = std::string(",") + hide + ",";
    auto hidden = [&](const char *n) { return list.find(std::string(",") + n + ",") != std::string::npos; };
    if (hidden("shaderInt8"))
      i8.shaderInt8 = VK_FALSE;
    if (hidden("storageBuffer8BitAccess"))
      s8.storageBuffer8BitAccess = VK_FALSE;
    if (hidden("shaderIntegerDotProduct"))
      dot.shaderIntegerDotProduct = VK_FALSE;
    if (hidden("cooperativeMatrix"))
      coop.cooperativeMatrix = VK_FALSE;
  }
  bool api13 = app.apiVersion >= VK_API_VERSION_1_3 && d->props.apiVersion >= VK_API_VERSION_1_3;
  d->intDot = dot.shaderIntegerDotProduct && api13;
  // Cooperative matrices where the device has them (SPIR-V 1.6 and the
  // Vulkan memory model come with Vulkan 1.3) and offers s8 fragments.
  if (coopExt && coop.cooperativeMatrix && vmm.vulkanMemoryModel && api13)
    d->coopShapes = coopMatrixShapes(d->instance, d->physical, a.getInstanceProcAddr);
  d->coopMatrix = !d->coopShapes.empty();
  const char *lacks = !i8.shaderInt8                   ? "shaderInt8"
                      : !s8.storageBuffer8BitAccess    ? "storageBuffer8BitAccess"
                      : !s16.storageBuffer16BitAccess  ? "storageBuffer16BitAccess"
                      : !f2.features.shaderInt16       ? "shaderInt16"
                      : !f2.features.shaderInt64       ? "shaderInt64"
                      : !f2.features.shaderFloat64     ? "shaderFloat64"
                                                       : nullptr;
  if (lacks) {
    destroyDevice(d);
    return makeStatus(OCTET_UNSUPPORTED, "vulkan: device " + std::to_string(ordinal) + " '" +
                                             devName + "' lacks " + lacks +
                                             ", which Octet's kernels need");
  }
  // Only what the kernels use.
  VkPhysicalDeviceFeatures2 want{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
  want.features.shaderInt16 = want.features.shaderInt64 = want.features.shaderFloat64 = VK_TRUE;
  VkPhysicalDevice16BitStorageFeatures w16{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES};
  w16.storageBuffer16BitAccess = VK_TRUE;
  VkPhysicalDevice8BitStorageFeatures w8{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_8BIT_STORAGE_FEATURES};
  w8.storageBuffer8BitAccess = VK_TRUE;
  w8.pNext = &w16;
  VkPhysicalDeviceShaderFloat16Int8Features wi8{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES};
  wi8.shaderInt8 = VK_TRUE;
  wi8.pNext = &w8;
  want.pNext = &wi8;
  VkPhysicalDeviceShaderIntegerDotProductFeatures wdot{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_INTEGER_DOT_PRODUCT_FEATURES};
  wdot.shaderIntegerDotProduct = VK_TRUE;
  if (d->intDot)
    w16.pNext = &wdot;
  VkPhysicalDeviceVulkanMemoryModelFeatures wvmm{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_MEMORY_MODEL_FEATURES};
  wvmm.vulkanMemoryModel = VK_TRUE;
  CoopMatrixFeatures wcoop;
  wcoop.cooperativeMatrix = VK_TRUE;
  if (d->coopMatrix) {
    wvmm.pNext = &wcoop;
    wdot.pNext = &wvmm;
    if (!d->intDot)
      w16.pNext = &wvmm;
  }
  uint32_t nfam = 0;
  d->fn.GetPhysicalDeviceQueueFamilyProperties(d->physical, &nfam, nullptr);
  std::vector<VkQueueFamilyProperties> fams(nfam);
  d->fn.GetPhysicalDeviceQueueFamilyProperties(d->physical, &nfam, fams.data());
  d->family = UINT32_MAX;
  for (uint32_t k = 0; k < nfam && d->family == UINT32_MAX; ++k)
    if (fams[k].queueFlags & VK_QUEUE_COMPUTE_BIT)
      d->family = k;
  if (d->family == UINT32_MAX) {
    destroyDevice(d);
    return makeStatus(OCTET_UNSUPPORTED, "vulkan: device '" + devName + "' has no compute queue");
  }
  float priority = 1.0f;
  VkDeviceQueueCreateInfo qci{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
  qci.queueFamilyIndex = d->family;
  qci.queueCount = 1;
  qci.pQueuePriorities = &priority;
  std::vector<const char *> extensions;
  // Core in Vulkan 1.2 (the instance's version and the device's); named
  // otherwise.
  bool core12 = app.apiVersion >= VK_API_VERSION_1_2 && d->props.apiVersion >= VK_API_VERSION_1_2;
  if (!core12)
    extensions = {"VK_KHR_8bit_storage", "VK_KHR_16bit_storage", "VK_KHR_shader_float16_int8",
                  "VK_KHR_storage_buffer_storage_class"};
  if (d->coopMatrix)
    extensions.push_back(kCoopMatrixExtension);
  VkDeviceCreateInfo dci{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
  dci.pNext = &want;
  dci.queueCreateInfoCount = 1;
  dci.pQueueCreateInfos = &qci;
  dci.enabledExtensionCount = (uint32_t)extensions.size();
  dci.ppEnabledExtensionNames = extensions.data();
  r = d->fn.CreateDevice(d->physical, &dci, nullptr, &d->device);
  if (r != VK_SUCCESS) {
    destroyDevice(d);
    return makeStatus(OCTET_UNSUPPORTED,
                      "vulkan: device '" + devName + "': " + vkError("vkCreateDevice", r));
  }
#define OCTET_VK_LOAD(name)                                                                       \
  d->fn.name = reinterpret_cast<PFN_vk##name>(d->fn.GetDeviceProcAddr(d->device, "vk" #name));
  OCTET_VK_DEVICE_FNS(OCTET_VK_LOAD)
#undef OCTET_VK_LOAD
  d->fn.GetDeviceQueue(d->device, d->family, 0, &d->queue);
  // The pipeline cache, from disk where an earlier run saved it (the
  // driver ignores data from another device or driver version).
  std::vector<char> cached;
  std::string cachePath = pipelineCachePath(d->props);
  if (FILE *f = cachePath.empty() ? nullptr : std::fopen(cachePath.c_str(), "rb")) {
    char buf[65536];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0)
      cached.insert(cached.end(), buf, buf + n);
    std::fclose(f);
  }
  VkPipelineCacheCreateInfo pci{VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO};
  pci.initialDataSize = cached.size();
  pci.pInitialData = cached.empty() ? nullptr : cached.data();
  if (d->fn.CreatePipelineCache(d->device, &pci, nullptr, &d->cache) != VK_SUCCESS) {
    pci.initialDataSize = 0;
    pci.pInitialData = nullptr;
    d->fn.CreatePipelineCache(d->device, &pci, nullptr, &d->cache);
  }
  *out = d;
  return nullptr;
}

void deviceRelease(void *device) { destroyDevice(static_cast<Device *>(device)); }

// Device memory as the runtime's API sees it is host memory the driver stages
// from (module inputs and outputs are copied at each call).

// --- modules ---------------------------------------------------------------------
struct Buffer {
  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  void *mapped = nullptr;
  uint64_t size = 0;
};

struct Module {
  Device *dev = nullptr;
  const octet_module_desc *desc = nullptr;
  const octet_gpu_schedule *schedule = nullptr;
  std::vector<Buffer> buffers;
  // With staging (device-local buffers the host cannot map): per input and
  // output buffer, the host-visible buffer its bytes go through.
  bool staging = false;
  std::vector<Buffer> stage;
  std::vector<Buffer> uploads; // the constants' staging, until uploaded
  VkShaderModule shader = VK_NULL_HANDLE;
  std::vector<VkDescriptorSetLayout> setLayouts;
  std::vector<VkPipelineLayout> layouts;
  std::vector<VkPipeline> pipelines;
  VkDescriptorPool pool = VK_NULL_HANDLE;
  VkCommandPool commandPool = VK_NULL_HANDLE;
  VkCommandBuffer commands = VK_NULL_HANDLE;
  VkFence fence = VK_NULL_HANDLE;
  std::mutex lock; // one call at a time: the buffers are the module's
};

void destroyModule(Module *m) {
  if (!m)
    return;
  Device *d = m->dev;
  VkDevice dev = d->device;
  if (m->fence)
    d->fn.DestroyFence(dev, m->fence, nullptr);
  if (m->commandPool)
    d->fn.DestroyCommandPool(dev, m->commandPool, nullptr);
  if (m->pool)
    d->fn.DestroyDescriptorPool(dev, m->pool, nullptr);
  for (VkPipeline p : m->pipelines)
    if (p)
      d->fn.DestroyPipeline(dev, p, nullptr);
  for (VkPipelineLayout l : m->layouts)
    if (l)
      d->fn.DestroyPipelineLayout(dev, l, nullptr);
  for (VkDescriptorSetLayout l : m->setLayouts)
    if (l)
      d->fn.DestroyDescriptorSetLayout(dev, l, nullptr);
  if (m->shader)
    d->fn.DestroyShaderModule(dev, m->shader, nullptr);
  for (Buffer &b : m->uploads) {
    if (b.buffer)
      d->fn.DestroyBuffer(dev, b.buffer, nullptr);
    if (b.memory)
      d->fn.FreeMemory(dev, b.memory, nullptr);
  }
  for (Buffer &b : m->stage) {
    if (b.buffer)
      d->fn.DestroyBuffer(dev, b.buffer, nullptr);
    if (b.memory)
      d->fn.FreeMemory(dev, b.memory, nullptr);
  }
  for (Buffer &b : m->buffers) {
    if (b.mapped)
      d->fn.UnmapMemory(dev, b.memory);
    if (b.buffer)
      d->fn.DestroyBuffer(dev, b.buffer, nullptr);
    if (b.memory)
      d->fn.FreeMemory(dev, b.memory, nullptr);
  }
  delete m;
}

octet_status modulePrepare(void *device, const octet_module_desc *desc, void **state) {
  auto *d = static_cast<Device *>(device);
  std::string name = std::string("vulkan: module '") + (desc->name ? desc->name : "") + "'";
  const octet_executable_desc *spirv = nullptr, *sched = nullptr;
  for (int32_t k = 0; k < desc->num_executables; ++k) {
    const octet_executable_desc &e = desc->executables[k];
    if (e.format && !std::strcmp(e.format, "spirv") && !spirv)
      spirv = &e;
    else if (e.format && !std::strcmp(e.format, "octet-schedule"))
      sched = &e;
  }
  if (!spirv || !sched || !spirv->data || spirv->size % 4 || !sched->data ||
      sched->size < sizeof(octet_gpu_schedule))
    return makeStatus(OCTET_INVALID_MODULE, name + " has no SPIR-V or no dispatch schedule");
  auto *s = static_cast<const octet_gpu_schedule *>(sched->data);
  std::string bad = octet::runtime::checkGPUSchedule(desc, s);
  if (!bad.empty())
    return makeStatus(OCTET_INVALID_MODULE, name + ": " + bad);
  // Features beyond what every device Octet takes has (deviceCreate
  // checked those).
  std::string features = std::string(",") + (desc->features ? desc->features : "") + ",";
  if (features.find(",int-dot,") != std::string::npos && !d->intDot)
    return makeStatus(OCTET_UNSUPPORTED,
                      name + " uses integer dot products (SPIR-V 1.6), which device '" +
                          d->props.deviceName +
                          "' lacks (shaderIntegerDotProduct on Vulkan 1.3); compile it with "
                          "--vulkan-caps=generic");
  // Cooperative matrices: the fragment shape the kernels multiply, and the
  // subgroup size their tiling assumes (8 subgroups a workgroup).
  if (size_t at = features.find(",coopmat:"); at != std::string::npos) {
    std::array<uint32_t, 3> shape{};
    unsigned long sg = 0;
    size_t sgAt = features.find(",subgroup=");
    bool parsed = std::sscanf(features.c_str() + at, ",coopmat:%ux%ux%u", &shape[0], &shape[1],
                              &shape[2]) == 3 &&
                  sgAt != std::string::npos &&
                  std::sscanf(features.c_str() + sgAt, ",subgroup=%lu", &sg) == 1;
    if (!parsed)
      return makeStatus(OCTET_INVALID_MODULE,
                        name + ": malformed cooperative-matrix features '" +
                            (desc->features ? desc->features : "") + "'");
    std::string dev = std::string("device '") + d->props.deviceName + "'";
    std::string redo = "; compile it with a --vulkan-caps the device has (octet-run "
                       "--list-devices shows them), or without coopmat";
    if (!d->coopMatrix)
      return makeStatus(OCTET_UNSUPPORTED,
                        name + " uses cooperative matrices (VK_KHR_cooperative_matrix with s8 x "
                               "s8 -> s32 fragments and the Vulkan memory model), which " +
                            dev + " lacks" + redo);
    if (std::find(d->coopShapes.begin(), d->coopShapes.end(), shape) == d->coopShapes.end()) {
      std::string offered;
      for (const auto &s : d->coopShapes)
        offered += (offered.empty() ? "" : ", ") + shapeName(s);
      return makeStatus(OCTET_UNSUPPORTED, name + " multiplies s8 fragments of " +
                                               shapeName(shape) + "; " + dev + " offers " +
                                               offered + redo);
    }
    if (sg != d->subgroupSize)
      return makeStatus(OCTET_UNSUPPORTED,
                        name + " was tiled for subgroups of " + std::to_string(sg) + "; " + dev +
                            " has subgroups of " + std::to_string(d->subgroupSize) + redo);
  }
  // Each dispatch within the device's compute limits (Vulkan guarantees
  // 128 invocations per workgroup and 65535 workgroups per dimension; the
  // product kernels use 256 invocations). OCTET_VULKAN_MAX_INVOCATIONS
  // lowers the invocation limit, as the tests' stand-in for a smaller device.
  VkPhysicalDeviceLimits limits = d->props.limits;
  if (const char *cap = std::getenv("OCTET_VULKAN_MAX_INVOCATIONS"))
    limits.maxComputeWorkGroupInvocations =
        std::min<uint32_t>(limits.maxComputeWorkGroupInvocations,
                           (uint32_t)std::strtoul(cap, nullptr, 10));
  const VkPhysicalDeviceLimits &l = limits;
  octet::runtime::GPULimits gl = {
      l.maxComputeWorkGroupInvocations,
      {l.maxComputeWorkGroupSize[0], l.maxComputeWorkGroupSize[1], l.maxComputeWorkGroupSize[2]},
      {l.maxComputeWorkGroupCount[0], l.maxComputeWorkGroupCount[1],
       l.maxComputeWorkGroupCount[2]},
      "invocations",
      "workgroup",
      "workgroups",
      "dimension"};
  if (std::string over = octet::runtime::checkGPULimits(s, gl, d->props.deviceName);
      !over.empty())
    return makeStatus(OCTET_UNSUPPORTED, name + ": " + over);
  // Each kernel binds its buffers as storage buffers of one set: within the
  // device's per-stage and per-set limits (a driver that is handed more may
  // crash rather than fail; the compiler keeps fused kernels to 17).
  // OCTET_VULKAN_MAX_STORAGE_BUFFERS lowers the limit for the tests.
  uint64_t maxBuffers = std::min(l.maxPerStageDescriptorStorageBuffers,
                                 l.maxDescriptorSetStorageBuffers);
  if (const char *cap = std::getenv("OCTET_VULKAN_MAX_STORAGE_BUFFERS"))
    maxBuffers = std::min<uint64_t>(maxBuffers, std::strtoull(cap, nullptr, 10));
  for (int32_t k = 0; k < s->num_dispatches; ++k)
    if ((uint64_t)s->dispatches[k].num_args > maxBuffers)
      return makeStatus(OCTET_UNSUPPORTED,
                        name + ": kernel '" + s->dispatches[k].kernel + "' binds " +
                            std::to_string(s->dispatches[k].num_args) +
                            " storage buffers; device '" + d->props.deviceName + "' allows " +
                            std::to_string(maxBuffers) + " per compute stage");
  auto *m = new (std::nothrow) Module;
  if (!m)
    return octet::runtime::outOfMemory();
  m->dev = d;
  m->desc = desc;
  m->schedule = s;
  VkDevice dev = d->device;
  auto fail = [&](const std::string &what, VkResult r) {
    destroyModule(m);
    return makeStatus(r == VK_ERROR_OUT_OF_HOST_MEMORY || r == VK_ERROR_OUT_OF_DEVICE_MEMORY
                          ? OCTET_OUT_OF_MEMORY
                          : OCTET_INTERNAL,
                      name + ": " + vkError(what.c_str(), r));
  };
  // Buffers. Where the device has device-local memory the host cannot map
  // (a discrete GPU), the kernels' buffers live there: constants are
  // uploaded once through a staging buffer, and every call copies the
  // inputs and outputs through host-visible staging buffers in its command
  // buffer. Elsewhere (lavapipe, integrated GPUs) the buffers are
  // host-visible, coherent and mapped for the module's life.
  // OCTET_VULKAN_STAGING=always|never overrides the choice (tests).
  auto findType = [&](uint32_t bits, VkMemoryPropertyFlags want, VkMemoryPropertyFlags avoid) {
    for (uint32_t t = 0; t < d->memory.memoryTypeCount; ++t) {
      VkMemoryPropertyFlags f = d->memory.memoryTypes[t].propertyFlags;
      if ((bits & (1u << t)) && (f & want) == want && !(f & avoid))
        return t;
    }
    return UINT32_MAX;
  };
  bool discrete = findType(~0u, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT,
                           VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT) != UINT32_MAX;
  const char *stagingEnv = std::getenv("OCTET_VULKAN_STAGING");
  m->staging = stagingEnv && !std::strcmp(stagingEnv, "always")  ? true
               : stagingEnv && !std::strcmp(stagingEnv, "never") ? false
                                                                  : discrete;
  const VkMemoryPropertyFlags hostFlags =
      VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  // One buffer with its memory: `host` ones mapped.
  auto make = [&](Buffer &b, uint64_t size, VkBufferUsageFlags usage, bool host) -> VkResult {
    b.size = size;
    VkBufferCreateInfo bci{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
    bci.size = (size + 3) / 4 * 4;
    bci.usage = usage;
    bci.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    VkResult r = d->fn.CreateBuffer(dev, &bci, nullptr, &b.buffer);
    if (r != VK_SUCCESS)
      return r;
    VkMemoryRequirements req;
    d->fn.GetBufferMemoryRequirements(dev, b.buffer, &req);
    uint32_t type = host ? findType(req.memoryTypeBits, hostFlags, 0)
                         : findType(req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, 0);
    if (type == UINT32_MAX && !host)
      type = findType(req.memoryTypeBits, 0, 0);
    if (type == UINT32_MAX)
      return VK_ERROR_FEATURE_NOT_PRESENT;
    VkMemoryAllocateInfo mai{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
    mai.allocationSize = req.size;
    mai.memoryTypeIndex = type;
    if ((r = d->fn.AllocateMemory(dev, &mai, nullptr, &b.memory)) != VK_SUCCESS)
      return r;
    if ((r = d->fn.BindBufferMemory(dev, b.buffer, b.memory, 0)) != VK_SUCCESS)
      return r;
    if (host)
      r = d->fn.MapMemory(dev, b.memory, 0, VK_WHOLE_SIZE, 0, &b.mapped);
    return r;
  };
  const VkBufferUsageFlags kernelUsage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT |
                                         VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                                         VK_BUFFER_USAGE_TRANSFER_DST_BIT;
  m->buffers.resize(s->num_buffers);
  m->stage.resize(m->staging ? s->num_buffers : 0);
  std::vector<Buffer> &uploads = m->uploads; // freed after the upload
  uploads.reserve(s->num_buffers);
  auto freeUploads = [&]() {
    for (Buffer &b : uploads) {
      if (b.buffer)
        d->fn.DestroyBuffer(dev, b.buffer, nullptr);
      if (b.memory)
        d->fn.FreeMemory(dev, b.memory, nullptr);
    }
    uploads.clear();
  };
  for (int32_t k = 0; k < s->num_buffers; ++k) {
    Buffer &b = m->buffers[k];
    uint64_t size = s->buffers[k].size ? s->buffers[k].size : 4;
    VkResult r = make(b, size, kernelUsage, !m->staging);
    if (r != VK_SUCCESS) {
      freeUploads();
      return fail(r == VK_ERROR_FEATURE_NOT_PRESENT ? "finding memory for a buffer"
                                                    : "allocating a buffer",
                  r);
    }
    int32_t kind = s->buffers[k].kind;
    if (!m->staging) {
      if (kind == OCTET_GPU_BUFFER_CONSTANT)
        std::memcpy(b.mapped, s->buffers[k].data, s->buffers[k].size);
      else
        std::memset(b.mapped, 0, b.size);
      continue;
    }
    Buffer *host = nullptr;
    if (kind == OCTET_GPU_BUFFER_INPUT || kind == OCTET_GPU_BUFFER_OUTPUT) {
      host = &m->stage[k];
    } else if (kind == OCTET_GPU_BUFFER_CONSTANT) {
      uploads.emplace_back();
      host = &uploads.back();
    }
    if (host) {
      r = make(*host, size,
               VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT, true);
      if (r != VK_SUCCESS) {
        freeUploads();
        return fail("allocating a staging buffer", r);
      }
      if (kind == OCTET_GPU_BUFFER_CONSTANT)
        std::memcpy(host->mapped, s->buffers[k].data, s->buffers[k].size);
    }
  }
  VkShaderModuleCreateInfo smci{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
  smci.codeSize = spirv->size;
  smci.pCode = static_cast<const uint32_t *>(spirv->data);
  VkResult r = d->fn.CreateShaderModule(dev, &smci, nullptr, &m->shader);
  if (r != VK_SUCCESS)
    return fail("vkCreateShaderModule", r);
  // One layout, pipeline and descriptor set per dispatch (kernels are
  // dispatched once each).
  int32_t n = s->num_dispatches;
  uint32_t totalBindings = 0;
  m->setLayouts.resize(n);
  m->layouts.resize(n);
  m->pipelines.resize(n);
  for (int32_t k = 0; k < n; ++k) {
    const octet_gpu_dispatch &dp = s->dispatches[k];
    std::vector<VkDescriptorSetLayoutBinding> bindings(dp.num_args);
    for (int32_t j = 0; j < dp.num_args; ++j) {
      bindings[j] = {};
      bindings[j].binding = j;
      bindings[j].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
      bindings[j].descriptorCount = 1;
      bindings[j].stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
    }
    totalBindings += dp.num_args;
    VkDescriptorSetLayoutCreateInfo dl{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
    dl.bindingCount = dp.num_args;
    dl.pBindings = bindings.data();
    if ((r = d->fn.CreateDescriptorSetLayout(dev, &dl, nullptr, &m->setLayouts[k])) != VK_SUCCESS)
      return fail("vkCreateDescriptorSetLayout", r);
    VkPipelineLayoutCreateInfo pl{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
    pl.setLayoutCount = 1;
    pl.pSetLayouts = &m->setLayouts[k];
    if ((r = d->fn.CreatePipelineLayout(dev, &pl, nullptr, &m->layouts[k])) != VK_SUCCESS)
      return fail("vkCreatePipelineLayout", r);
    VkComputePipelineCreateInfo cp{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
    cp.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
    cp.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
    cp.stage.module = m->shader;
    cp.stage.pName = dp.kernel;
    cp.layout = m->layouts[k];
    if ((r = d->fn.CreateComputePipelines(dev, d->cache, 1, &cp, nullptr, &m->pipelines[k])) !=
        VK_SUCCESS)
      return fail(std::string("vkCreateComputePipelines for kernel '") + dp.kernel + "'", r);
  }
  VkDescriptorPoolSize ps{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, totalBindings ? totalBindings : 1};
  VkDescriptorPoolCreateInfo dpi{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
  dpi.maxSets = n ? n : 1;
  dpi.poolSizeCount = 1;
  dpi.pPoolSizes = &ps;
  if ((r = d->fn.CreateDescriptorPool(dev, &dpi, nullptr, &m->pool)) != VK_SUCCESS)
    return fail("vkCreateDescriptorPool", r);
  std::vector<VkDescriptorSet> sets(n);
  for (int32_t k = 0; k < n; ++k) {
    VkDescriptorSetAllocateInfo dsa{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
    dsa.descriptorPool = m->pool;
    dsa.descriptorSetCount = 1;
    dsa.pSetLayouts = &m->setLayouts[k];
    if ((r = d->fn.AllocateDescriptorSets(dev, &dsa, &sets[k])) != VK_SUCCESS)
      return fail("vkAllocateDescriptorSets", r);
    const octet_gpu_dispatch &dp = s->dispatches[k];
    std::vector<VkDescriptorBufferInfo> infos(dp.num_args);
    std::vector<VkWriteDescriptorSet> writes(dp.num_args);
    for (int32_t j = 0; j < dp.num_args; ++j) {
      infos[j] = {m->buffers[dp.args[j]].buffer, 0, VK_WHOLE_SIZE};
      writes[j] = {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
      writes[j].dstSet = sets[k];
      writes[j].dstBinding = j;
      writes[j].descriptorCount = 1;
      writes[j].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
      writes[j].pBufferInfo = &infos[j];
    }
    d->fn.UpdateDescriptorSets(dev, dp.num_args, writes.data(), 0, nullptr);
  }
  // The command buffer: recorded once, replayed by every call.
  VkCommandPoolCreateInfo cpi{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
  cpi.queueFamilyIndex = d->family;
  if ((r = d->fn.CreateCommandPool(dev, &cpi, nullptr, &m->commandPool)) != VK_SUCCESS)
    return fail("vkCreateCommandPool", r);
  VkCommandBufferAllocateInfo cba{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
  cba.commandPool = m->commandPool;
  cba.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  cba.commandBufferCount = 1;
  if ((r = d->fn.AllocateCommandBuffers(dev, &cba, &m->commands)) != VK_SUCCESS)
    return fail("vkAllocateCommandBuffers", r);
  VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  if ((r = d->fn.BeginCommandBuffer(m->commands, &begin)) != VK_SUCCESS)
    return fail("vkBeginCommandBuffer", r);
  VkMemoryBarrier barrier{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
  barrier.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT;
  barrier.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT;
  if (m->staging) {
    // The inputs from their staging buffers (the host wrote them before
    // the submit, which makes host writes visible).
    for (int32_t k = 0; k < s->num_buffers; ++k)
      if (s->buffers[k].kind == OCTET_GPU_BUFFER_INPUT) {
        VkBufferCopy region{0, 0, m->buffers[k].size};
        d->fn.CmdCopyBuffer(m->commands, m->stage[k].buffer, m->buffers[k].buffer, 1, &region);
      }
    VkMemoryBarrier in{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    in.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    in.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT;
    d->fn.CmdPipelineBarrier(m->commands, VK_PIPELINE_STAGE_TRANSFER_BIT,
                             VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 0, 1, &in, 0, nullptr, 0,
                             nullptr);
  }
  for (int32_t k = 0; k < n; ++k) {
    const octet_gpu_dispatch &dp = s->dispatches[k];
    d->fn.CmdBindPipeline(m->commands, VK_PIPELINE_BIND_POINT_COMPUTE, m->pipelines[k]);
    d->fn.CmdBindDescriptorSets(m->commands, VK_PIPELINE_BIND_POINT_COMPUTE, m->layouts[k], 0, 1,
                                &sets[k], 0, nullptr);
    d->fn.CmdDispatch(m->commands, dp.grid[0], dp.grid[1], dp.grid[2]);
    d->fn.CmdPipelineBarrier(m->commands, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                             VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 0, 1, &barrier, 0, nullptr, 0,
                             nullptr);
  }
  VkMemoryBarrier toHost{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
  toHost.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT;
  toHost.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
  if (m->staging) {
    VkMemoryBarrier out{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    out.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT;
    out.dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
    d->fn.CmdPipelineBarrier(m->commands, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                             VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 1, &out, 0, nullptr, 0, nullptr);
    for (int32_t k = 0; k < s->num_buffers; ++k)
      if (s->buffers[k].kind == OCTET_GPU_BUFFER_OUTPUT) {
        VkBufferCopy region{0, 0, m->buffers[k].size};
        d->fn.CmdCopyBuffer(m->commands, m->buffers[k].buffer, m->stage[k].buffer, 1, &region);
      }
    toHost.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    d->fn.CmdPipelineBarrier(m->commands, VK_PIPELINE_STAGE_TRANSFER_BIT,
                             VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &toHost, 0, nullptr, 0, nullptr);
  } else {
    d->fn.CmdPipelineBarrier(m->commands, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                             VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &toHost, 0, nullptr, 0, nullptr);
  }
  if ((r = d->fn.EndCommandBuffer(m->commands)) != VK_SUCCESS)
    return fail("vkEndCommandBuffer", r);
  VkFenceCreateInfo fci{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
  if ((r = d->fn.CreateFence(dev, &fci, nullptr, &m->fence)) != VK_SUCCESS) {
    freeUploads();
    return fail("vkCreateFence", r);
  }
  if (m->staging) {
    // One-time commands: the constants up, the other buffers zeroed.
    VkCommandBuffer once = VK_NULL_HANDLE;
    if ((r = d->fn.AllocateCommandBuffers(dev, &cba, &once)) != VK_SUCCESS) {
      freeUploads();
      return fail("vkAllocateCommandBuffers", r);
    }
    VkCommandBufferBeginInfo ob{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    ob.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    d->fn.BeginCommandBuffer(once, &ob);
    size_t u = 0;
    for (int32_t k = 0; k < s->num_buffers; ++k) {
      Buffer &b = m->buffers[k];
      if (s->buffers[k].kind == OCTET_GPU_BUFFER_CONSTANT) {
        VkBufferCopy region{0, 0, b.size};
        d->fn.CmdCopyBuffer(once, uploads[u++].buffer, b.buffer, 1, &region);
      } else {
        d->fn.CmdFillBuffer(once, b.buffer, 0, VK_WHOLE_SIZE, 0);
      }
    }
    d->fn.EndCommandBuffer(once);
    VkSubmitInfo si{VK_STRUCTURE_TYPE_SUBMIT_INFO};
    si.commandBufferCount = 1;
    si.pCommandBuffers = &once;
    {
      std::lock_guard<std::mutex> q(d->queueLock);
      r = d->fn.QueueSubmit(d->queue, 1, &si, m->fence);
    }
    if (r == VK_SUCCESS)
      r = d->fn.WaitForFences(dev, 1, &m->fence, VK_TRUE, UINT64_MAX);
    d->fn.ResetFences(dev, 1, &m->fence);
    d->fn.FreeCommandBuffers(dev, m->commandPool, 1, &once);
    freeUploads();
    if (r != VK_SUCCESS)
      return fail("uploading the constants", r);
  }
  *state = m;
  return nullptr;
}

void moduleRelease(void *, void *state) { destroyModule(static_cast<Module *>(state)); }

octet_status invoke(void *, void *state, octet_call *call) {
  auto *m = static_cast<Module *>(state);
  Device *d = m->dev;
  const octet_gpu_schedule *s = m->schedule;
  const octet_module_desc *desc = m->desc;
  std::lock_guard<std::mutex> g(m->lock);
  // A dynamic batch runs as batch-1 pieces (octet::runtime::gpuPieces).
  for (int64_t p = 0, n = octet::runtime::gpuPieces(desc, call); p < n; ++p) {
    for (int32_t k = 0; k < s->num_buffers; ++k)
      if (const void *src = octet::runtime::gpuPieceInput(desc, s->buffers[k], call, p))
        std::memcpy((m->staging ? m->stage[k] : m->buffers[k]).mapped, src, s->buffers[k].size);
    VkSubmitInfo si{VK_STRUCTURE_TYPE_SUBMIT_INFO};
    si.commandBufferCount = 1;
    si.pCommandBuffers = &m->commands;
    VkResult r;
    {
      std::lock_guard<std::mutex> q(d->queueLock);
      r = d->fn.QueueSubmit(d->queue, 1, &si, m->fence);
    }
    if (r == VK_SUCCESS)
      r = d->fn.WaitForFences(d->device, 1, &m->fence, VK_TRUE, UINT64_MAX);
    d->fn.ResetFences(d->device, 1, &m->fence);
    if (r != VK_SUCCESS)
      return makeStatus(OCTET_INTERNAL, std::string("vulkan: module '") +
                                            (desc->name ? desc->name : "") +
                                            "': " + vkError("running the dispatches", r));
    for (int32_t k = 0; k < s->num_buffers; ++k)
      if (void *dst = octet::runtime::gpuPieceOutput(desc, s->buffers[k], call, p))
        std::memcpy(dst, (m->staging ? m->stage[k] : m->buffers[k]).mapped, s->buffers[k].size);
  }
  return nullptr;
}

const octet_driver_ops ops = {sizeof(octet_driver_ops),
                              "vulkan",
                              "vulkan",
                              nullptr,
                              deviceCreate,
                              deviceRelease,
                              octet::runtime::hostAllocate,
                              octet::runtime::hostFree,
                              octet::runtime::hostCopy,
                              octet::runtime::hostSynchronize,
                              modulePrepare,
                              moduleRelease,
                              invoke,
                              OCTET_DRIVER_HOST_BUFFERS};

} // namespace

const octet_driver_ops &octet::runtime::vulkanDriver() noexcept { return ops; }

/// The devices the Vulkan loader reports ("" when none or no loader).
std::string octet::runtime::vulkanDeviceList() {
  Api &a = api();
  if (!a.error.empty())
    return "";
  VkInstance inst;
  VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
  app.apiVersion = VK_API_VERSION_1_1;
  VkInstanceCreateInfo ici{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
  ici.pApplicationInfo = &app;
  if (a.createInstance(&ici, nullptr, &inst) != VK_SUCCESS)
    return "";
  auto enumerate = reinterpret_cast<PFN_vkEnumeratePhysicalDevices>(
      a.getInstanceProcAddr(inst, "vkEnumeratePhysicalDevices"));
  auto properties = reinterpret_cast<PFN_vkGetPhysicalDeviceProperties>(
      a.getInstanceProcAddr(inst, "vkGetPhysicalDeviceProperties"));
  auto destroy =
      reinterpret_cast<PFN_vkDestroyInstance>(a.getInstanceProcAddr(inst, "vkDestroyInstance"));
  uint32_t count = 0;
  enumerate(inst, &count, nullptr);
  std::vector<VkPhysicalDevice> phys(count);
  if (count)
    enumerate(inst, &count, phys.data());
  std::string out;
  for (uint32_t k = 0; k < count; ++k) {
    VkPhysicalDeviceProperties p;
    properties(phys[k], &p);
    out += "vulkan:" + std::to_string(k) + "  " + p.deviceName + " (Vulkan " +
           std::to_string(VK_API_VERSION_MAJOR(p.apiVersion)) + "." +
           std::to_string(VK_API_VERSION_MINOR(p.apiVersion));
    // The --vulkan-caps items a module for this device may use.
    auto props2 = reinterpret_cast<PFN_vkGetPhysicalDeviceProperties2>(
        a.getInstanceProcAddr(inst, "vkGetPhysicalDeviceProperties2"));
    VkPhysicalDeviceSubgroupProperties sub{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES};
    VkPhysicalDeviceProperties2 p2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
    p2.pNext = &sub;
    if (props2) {
      props2(phys[k], &p2);
      out += ", subgroup=" + std::to_string(sub.subgroupSize);
    }
    auto extensions = reinterpret_cast<PFN_vkEnumerateDeviceExtensionProperties>(
        a.getInstanceProcAddr(inst, "vkEnumerateDeviceExtensionProperties"));
    if (hasDeviceExtension(extensions, phys[k], kCoopMatrixExtension))
      for (const auto &s : coopMatrixShapes(inst, phys[k], a.getInstanceProcAddr))
        out += ", coopmat:" + shapeName(s);
    out += ")\n";
  }
  destroy(inst, nullptr);
  return out;
}
