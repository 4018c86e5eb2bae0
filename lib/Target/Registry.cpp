//===- Registry.cpp - the code generation targets --------------------------===//

#include "octet/Target/Registry.h"

#include <deque>
#include <mutex>

namespace {
struct Registry {
  std::mutex lock;
  std::deque<octet::Target> targets; // stable addresses
};
Registry &registry() {
  static Registry r;
  return r;
}
} // namespace

bool octet::registerTarget(Target target) {
  Registry &r = registry();
  std::lock_guard<std::mutex> g(r.lock);
  for (const Target &t : r.targets)
    if (t.name == target.name)
      return false;
  r.targets.push_back(std::move(target));
  return true;
}

const octet::Target *octet::lookupTarget(llvm::StringRef name) {
  Registry &r = registry();
  std::lock_guard<std::mutex> g(r.lock);
  for (const Target &t : r.targets)
    if (t.name == name)
      return &t;
  return nullptr;
}

std::vector<const octet::Target *> octet::registeredTargets() {
  Registry &r = registry();
  std::lock_guard<std::mutex> g(r.lock);
  std::vector<const Target *> out;
  for (const Target &t : r.targets)
    out.push_back(&t);
  return out;
}

void octet::registerAllTargets() {
  registerCPUTarget();
  registerVulkanTarget();
  registerCUDATarget();
}
