//===- Descriptor.cpp - the ABI v2 descriptor as LLVM IR -------------------===//

#include "octet/Target/Descriptor.h"

#include "octet/Runtime/octet_abi.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/IR/GlobalAlias.h"

namespace octet {

llvm::GlobalVariable *privateConstant(llvm::Module &m, llvm::Constant *init,
                                      const std::string &symbol) {
  auto *g = new llvm::GlobalVariable(m, init->getType(), true, llvm::GlobalValue::PrivateLinkage,
                                     init, symbol);
  g->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
  return g;
}

llvm::GlobalVariable *emitModuleDescriptor(llvm::Module &m, const ModelSignature &sig,
                                           const DescriptorFields &f) {
  llvm::LLVMContext &ctx = m.getContext();
  llvm::Type *i32 = llvm::Type::getInt32Ty(ctx), *i64 = llvm::Type::getInt64Ty(ctx);
  llvm::PointerType *ptr = llvm::PointerType::get(ctx, 0);
  auto *quantTy = llvm::StructType::create(ctx, {i32, i32, ptr, ptr}, "octet_quant_desc");
  auto *tensorTy = llvm::StructType::create(ctx, {ptr, i32, i32, ptr, ptr}, "octet_tensor_desc");
  auto str = [&](const std::string &s, const std::string &sym) {
    return privateConstant(m, llvm::ConstantDataArray::getString(ctx, s), sym);
  };
  const DynamicBatch *batch = f.batch && *f.batch ? &**f.batch : nullptr;
  auto tensors = [&](const std::vector<TensorSignature> &list, const std::string &kind) {
    std::vector<llvm::Constant *> descs;
    for (auto [k, t] : llvm::enumerate(list)) {
      std::string prefix = f.name + "." + kind + std::to_string(k);
      // A dynamic batch: the leading dimension of the batched tensors is -1.
      bool batched = batch && !t.dims.empty() &&
                     (kind == "output" || (k < batch->batchedInputs.size() &&
                                           batch->batchedInputs[k]));
      std::vector<llvm::Constant *> dims;
      for (auto [j, d] : llvm::enumerate(t.dims))
        dims.push_back(llvm::ConstantInt::get(i64, batched && j == 0 ? -1 : d));
      auto *dimTy = llvm::ArrayType::get(i64, dims.size());
      llvm::Constant *dimG =
          privateConstant(m, llvm::ConstantArray::get(dimTy, dims), prefix + ".dims");
      llvm::Constant *quant = llvm::ConstantPointerNull::get(ptr);
      if (t.quant) {
        auto *scales = privateConstant(
            m, llvm::ConstantDataArray::get(ctx, llvm::ArrayRef<float>(t.quant->scales)),
            prefix + ".scales");
        auto *zps = privateConstant(
            m,
            llvm::ConstantDataArray::get(
                ctx, llvm::ArrayRef<uint32_t>((const uint32_t *)t.quant->zeroPoints.data(),
                                              t.quant->zeroPoints.size())),
            prefix + ".zero_points");
        quant = privateConstant(
            m,
            llvm::ConstantStruct::get(
                quantTy, {llvm::ConstantInt::get(i32, t.quant->axis),
                          llvm::ConstantInt::get(i32, t.quant->scales.size()), scales, zps}),
            prefix + ".quant");
      }
      descs.push_back(llvm::ConstantStruct::get(
          tensorTy, {str(t.name, prefix + ".name"), llvm::ConstantInt::get(i32, t.dtype),
                     llvm::ConstantInt::get(i32, t.dims.size()), dimG, quant}));
    }
    auto *arrTy = llvm::ArrayType::get(tensorTy, descs.size());
    return privateConstant(m, llvm::ConstantArray::get(arrTy, descs), f.name + "." + kind + "s");
  };
  llvm::Constant *ins = tensors(sig.inputs, "input");
  llvm::Constant *outs = tensors(sig.outputs, "output");
  auto *modTy = llvm::StructType::create(
      ctx, {i32, i32, ptr, ptr, ptr, ptr, i64, i64, i32, i32, ptr, ptr, i32, i32, ptr, ptr, i64, i64},
      "octet_module_desc");
  llvm::Constant *null = llvm::ConstantPointerNull::get(ptr);
  auto *desc = new llvm::GlobalVariable(
      m, modTy, true, llvm::GlobalValue::ExternalLinkage,
      llvm::ConstantStruct::get(
          modTy,
          {llvm::ConstantInt::get(i32, OCTET_MODULE_MAGIC),
           llvm::ConstantInt::get(i32, OCTET_MODULE_ABI_VERSION), str(f.name, f.name + ".name"),
           str(f.target, f.name + ".target"), str(f.arch, f.name + ".arch"),
           str(f.features, f.name + ".features"), llvm::ConstantInt::get(i64, f.workspaceSize),
           llvm::ConstantInt::get(i64, 64), llvm::ConstantInt::get(i32, sig.inputs.size()),
           llvm::ConstantInt::get(i32, sig.outputs.size()), ins, outs,
           llvm::ConstantInt::get(i32, f.numExecutables),
           llvm::ConstantInt::get(i32, batch ? OCTET_MODULE_DYNAMIC_BATCH : 0),
           f.executables ? f.executables : null, f.entry ? (llvm::Constant *)f.entry : null,
           llvm::ConstantInt::get(i64, batch ? batch->min : 0),
           llvm::ConstantInt::get(i64, batch ? batch->max : 0)}),
      f.name + "_descriptor");
  if (f.exportModuleSymbol)
    llvm::GlobalAlias::create(modTy, 0, llvm::GlobalValue::ExternalLinkage, "octet_module", desc,
                              &m);
  return desc;
}

} // namespace octet
