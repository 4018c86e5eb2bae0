//===- GPUArtifact.cpp - a GPU target's host object --------------------------===//
//
// A GPU module's artifact is a host object like the CPU's: the ABI v2
// descriptor whose executables are the device code (SPIR-V, PTX, cubin) and
// the schedule (octet_gpu_schedule), which the target's runtime driver runs.
//
//===----------------------------------------------------------------------===//

#include "octet/Target/Descriptor.h"
#include "octet/Target/GPU.h"
#include "octet/Runtime/octet_abi.h"

#include "llvm/IR/LegacyPassManager.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

using namespace mlir;

namespace octet {

FailureOr<CompiledModule> writeGPUArtifact(ModuleOp module, const ModelSignature &sig,
                                           const GPUSchedule &schedule,
                                           llvm::ArrayRef<GPUExecutable> executables,
                                           llvm::StringRef targetName, llvm::StringRef arch,
                                           llvm::StringRef features, const TargetOptions &o,
                                           llvm::raw_pwrite_stream &os) {
  llvm::LLVMContext llvmCtx;
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  std::string error;
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return module.emitError() << "no LLVM target for " << triple.str() << ": " << error;
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      triple, "x86-64", "", llvm::TargetOptions(), llvm::Reloc::PIC_));
  auto m = std::make_unique<llvm::Module>(o.name, llvmCtx);
  m->setDataLayout(tm->createDataLayout());
  m->setTargetTriple(triple);
  llvm::Type *i32 = llvm::Type::getInt32Ty(llvmCtx), *i64 = llvm::Type::getInt64Ty(llvmCtx);
  llvm::PointerType *ptr = llvm::PointerType::get(llvmCtx, 0);
  auto str = [&](const std::string &s, const std::string &sym) {
    return privateConstant(*m, llvm::ConstantDataArray::getString(llvmCtx, s), sym);
  };
  auto bytes = [&](llvm::ArrayRef<char> data, const std::string &sym) {
    return privateConstant(
        *m,
        llvm::ConstantDataArray::get(
            llvmCtx, llvm::ArrayRef<uint8_t>((const uint8_t *)data.data(), data.size())),
        sym);
  };
  const std::string &n = o.name;

  // The schedule: buffers, then dispatches.
  auto *bufTy = llvm::StructType::create(llvmCtx, {i32, i32, i64, ptr}, "octet_gpu_buffer");
  std::vector<llvm::Constant *> bufs;
  for (auto [k, b] : llvm::enumerate(schedule.buffers)) {
    llvm::Constant *data = llvm::ConstantPointerNull::get(ptr);
    if (b.kind == GPUSchedule::Constant)
      data = bytes(b.data, n + ".const" + std::to_string(k));
    bufs.push_back(llvm::ConstantStruct::get(
        bufTy, {llvm::ConstantInt::get(i32, (int)b.kind), llvm::ConstantInt::get(i32, b.index),
                llvm::ConstantInt::get(i64, b.size), data}));
  }
  auto *arr3 = llvm::ArrayType::get(i32, 3);
  auto *dispTy =
      llvm::StructType::create(llvmCtx, {ptr, i32, i32, ptr, arr3, arr3}, "octet_gpu_dispatch");
  std::vector<llvm::Constant *> disps;
  for (auto [k, d] : llvm::enumerate(schedule.dispatches)) {
    std::vector<llvm::Constant *> args;
    for (int32_t a : d.args)
      args.push_back(llvm::ConstantInt::get(i32, a));
    llvm::Constant *argArr = privateConstant(
        *m, llvm::ConstantArray::get(llvm::ArrayType::get(i32, args.size()), args),
        n + ".dispatch" + std::to_string(k) + ".args");
    auto dims = [&](const uint32_t *v) {
      return llvm::ConstantArray::get(arr3, {llvm::ConstantInt::get(i32, v[0]),
                                             llvm::ConstantInt::get(i32, v[1]),
                                             llvm::ConstantInt::get(i32, v[2])});
    };
    disps.push_back(llvm::ConstantStruct::get(
        dispTy, {str(d.kernel, n + ".kernel" + std::to_string(k)), llvm::ConstantInt::get(i32, 0),
                 llvm::ConstantInt::get(i32, args.size()), argArr, dims(d.grid),
                 dims(d.block)}));
  }
  auto *schedTy =
      llvm::StructType::create(llvmCtx, {i32, i32, ptr, i32, i32, ptr}, "octet_gpu_schedule");
  llvm::Constant *sched = privateConstant(
      *m,
      llvm::ConstantStruct::get(
          schedTy,
          {llvm::ConstantInt::get(i32, OCTET_GPU_SCHEDULE_VERSION),
           llvm::ConstantInt::get(i32, bufs.size()),
           privateConstant(*m,
                           llvm::ConstantArray::get(llvm::ArrayType::get(bufTy, bufs.size()), bufs),
                           n + ".buffers"),
           llvm::ConstantInt::get(i32, disps.size()), llvm::ConstantInt::get(i32, 0),
           privateConstant(
               *m, llvm::ConstantArray::get(llvm::ArrayType::get(dispTy, disps.size()), disps),
               n + ".dispatches")}),
      n + ".schedule");
  const llvm::DataLayout &dl = m->getDataLayout();

  // The executables: the device code, then the schedule.
  auto *exeTy = llvm::StructType::create(llvmCtx, {ptr, ptr, ptr, i64}, "octet_executable_desc");
  std::vector<llvm::Constant *> exes;
  for (auto [k, e] : llvm::enumerate(executables)) {
    std::string sfx = std::to_string(k);
    // Word-aligned (SPIR-V is read as 32-bit words), NUL-terminated (PTX
    // is text); the size excludes the terminator.
    std::vector<char> data(e.bytes);
    data.push_back(0);
    llvm::GlobalVariable *g = bytes(data, n + ".code" + sfx);
    g->setAlignment(llvm::Align(16));
    exes.push_back(llvm::ConstantStruct::get(
        exeTy, {str(e.format, n + ".fmt" + sfx), str(e.name, n + ".exe" + sfx), g,
                llvm::ConstantInt::get(i64, e.bytes.size())}));
  }
  exes.push_back(llvm::ConstantStruct::get(
      exeTy, {str("octet-schedule", n + ".fmt.schedule"), str("schedule", n + ".exe.schedule"),
              sched, llvm::ConstantInt::get(i64, dl.getTypeAllocSize(schedTy))}));
  llvm::Constant *exeArr = privateConstant(
      *m, llvm::ConstantArray::get(llvm::ArrayType::get(exeTy, exes.size()), exes),
      n + ".executables");

  DescriptorFields f;
  f.name = n;
  f.target = targetName.str();
  f.arch = arch.str();
  f.features = features.str();
  f.executables = exeArr;
  f.numExecutables = exes.size();
  f.exportModuleSymbol = o.sharedLibrary;
  f.batch = &o.batch; // a dynamic batch: the drivers run batch-1 pieces
  emitModuleDescriptor(*m, sig, f);

  llvm::legacy::PassManager codegen;
  if (tm->addPassesToEmitFile(codegen, os, nullptr, llvm::CodeGenFileType::ObjectFile))
    return module.emitError() << "the host target cannot emit object files";
  codegen.run(*m);
  CompiledModule compiled;
  compiled.signature = sig;
  return compiled;
}

} // namespace octet
