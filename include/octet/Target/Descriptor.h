//===- Descriptor.h - the ABI v2 descriptor as LLVM IR ----------*- C++ -*-===//
//
// Every target's artifact carries an octet_module_desc
// (octet/Runtime/octet_abi.h). This writes one, with its tensor
// descriptions, into an LLVM module.
//
//===----------------------------------------------------------------------===//

#ifndef OCTET_TARGET_DESCRIPTOR_H
#define OCTET_TARGET_DESCRIPTOR_H

#include "octet/Target/Artifact.h"

#include "llvm/IR/Constants.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/Module.h"

#include <string>

namespace octet {

struct DescriptorFields {
  std::string name, target, arch, features;
  uint64_t workspaceSize = 0;
  const std::optional<DynamicBatch> *batch = nullptr; // set: a dynamic batch
  /// An array of octet_executable_desc (or null) and its length.
  llvm::Constant *executables = nullptr;
  int32_t numExecutables = 0;
  llvm::Function *entry = nullptr; // NAME_entry, or null (GPU targets)
  bool exportModuleSymbol = false; // the `octet_module` alias of a shared library
};

/// A private constant global holding `init`.
llvm::GlobalVariable *privateConstant(llvm::Module &m, llvm::Constant *init,
                                      const std::string &symbol);

/// Adds NAME_descriptor (and `octet_module` when asked) to `m`.
llvm::GlobalVariable *emitModuleDescriptor(llvm::Module &m, const ModelSignature &sig,
                                           const DescriptorFields &f);

} // namespace octet

#endif // OCTET_TARGET_DESCRIPTOR_H
