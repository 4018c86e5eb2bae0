//===- CPUDriver.cpp - the runtime's CPU driver ----------------------------===//
//
// Runs modules of target "cpu" in-process: device memory is host memory,
// copies are memcpy, and a module is accepted when the host has every ISA
// feature its code was compiled for (AVX-512 VNNI, say). OCTET_CPU_DISABLE
// lists features to treat as absent (for tests and for trying what a
// smaller host would say).
//
//===----------------------------------------------------------------------===//

#include "../../core/Internal.h"

#include <cstdlib>
#include <optional>
#include <cstring>
#include <string>

using octet::runtime::makeStatus;

namespace {

/// Whether the host CPU (and OS) supports feature `name` as LLVM spells it;
/// nothing for a feature this driver does not know.
std::optional<bool> hostHas(const std::string &name) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
  struct Feature {
    const char *name;
    bool present;
  };
  static const Feature features[] = {
      {"sse4.2", (bool)__builtin_cpu_supports("sse4.2")},
      {"avx", (bool)__builtin_cpu_supports("avx")},
      {"avx2", (bool)__builtin_cpu_supports("avx2")},
      {"fma", (bool)__builtin_cpu_supports("fma")},
      {"f16c", (bool)__builtin_cpu_supports("f16c")},
      {"bmi", (bool)__builtin_cpu_supports("bmi")},
      {"bmi2", (bool)__builtin_cpu_supports("bmi2")},
      {"avx512f", (bool)__builtin_cpu_supports("avx512f")},
      {"avx512bw", (bool)__builtin_cpu_supports("avx512bw")},
      {"avx512dq", (bool)__builtin_cpu_supports("avx512dq")},
      {"avx512vl", (bool)__builtin_cpu_supports("avx512vl")},
      {"avx512cd", (bool)__builtin_cpu_supports("avx512cd")},
      {"avx512vnni", (bool)__builtin_cpu_supports("avx512vnni")},
      {"avx512bf16", (bool)__builtin_cpu_supports("avx512bf16")},
      {"avxvnni", (bool)__builtin_cpu_supports("avxvnni")},
  };
  for (const Feature &f : features)
    if (name == f.name)
      return f.present;
#endif
  return std::nullopt;
}

/// Whether `name` is in the comma-separated `list`.
bool listed(const char *list, const std::string &name) {
  std::string s = std::string(",") + (list ? list : "") + ",";
  return s.find("," + name + ",") != std::string::npos;
}

/// The features of `list` ("a,b,c") that the host lacks, or the first
/// unknown one as "?name". OCTET_CPU_DISABLE (same syntax) names features
/// to treat as absent: it shows what a host without them would say.
std::string missingFeatures(const char *list) {
  const char *disabled = std::getenv("OCTET_CPU_DISABLE");
  std::string missing;
  std::string s = list ? list : "";
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(',', start);
    if (end == std::string::npos)
      end = s.size();
    std::string f = s.substr(start, end - start);
    if (!f.empty()) {
      std::optional<bool> has = hostHas(f);
      if (!has)
        return "?" + f;
      if (!*has || listed(disabled, f))
        missing += (missing.empty() ? "" : ", ") + f;
    }
    start = end + 1;
  }
  return missing;
}

int cpuDevice; // the one CPU device's handle

octet_status deviceCreate(void *, int32_t ordinal, void **out) {
  if (ordinal != 0)
    return makeStatus(OCTET_NOT_FOUND,
                      "the cpu driver has one device, ordinal 0 (got " + std::to_string(ordinal) +
                          ")");
  *out = &cpuDevice;
  return nullptr;
}

void deviceRelease(void *) {}


octet_status modulePrepare(void *, const octet_module_desc *desc, void **state) {
#if defined(__x86_64__)
  const char *hostArch = "x86-64";
#else
  const char *hostArch = "unknown";
#endif
  std::string name = desc->name ? desc->name : "";
  if (!desc->arch || std::strcmp(desc->arch, hostArch))
    return makeStatus(OCTET_UNSUPPORTED, "module '" + name + "' was compiled for " +
                                             (desc->arch ? desc->arch : "an unknown arch") +
                                             "; this host is " + hostArch);
  if (!desc->entry)
    return makeStatus(OCTET_INVALID_MODULE, "module '" + name + "' has no entry point");
  std::string missing = missingFeatures(desc->features);
  if (!missing.empty() && missing[0] == '?')
    return makeStatus(OCTET_UNSUPPORTED, "module '" + name + "' needs CPU feature '" +
                                             missing.substr(1) +
                                             "', which this runtime cannot check");
  if (!missing.empty())
    return makeStatus(OCTET_UNSUPPORTED,
                      "module '" + name + "' was compiled for CPU features this host lacks: " +
                          missing + " (recompile with --cpu for this host, e.g. --cpu=native)");
  *state = const_cast<octet_module_desc *>(desc);
  return nullptr;
}

void moduleRelease(void *, void *) {}

octet_status invoke(void *, void *state, octet_call *call) {
  auto *desc = static_cast<const octet_module_desc *>(state);
  call->flags |= OCTET_CALL_ISA_CHECKED; // modulePrepare checked the features
  int32_t rc = desc->entry(call);
  if (rc == OCTET_OK)
    return nullptr;
  return makeStatus(rc, std::string("module '") + (desc->name ? desc->name : "") +
                            "': " + (call->message ? call->message : "failed"));
}

const octet_driver_ops ops = {sizeof(octet_driver_ops),
                              "cpu",
                              "cpu",
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
                              0};

} // namespace

const octet_driver_ops &octet::runtime::cpuDriver() noexcept { return ops; }
