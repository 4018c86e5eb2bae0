//===- OutlineKernels.cpp - top-level loop nests as noalias functions ------===//
//
// The octet-outline-kernels pass. After octet-workspace every intermediate
// buffer is a view of the one workspace argument; LLVM then sees one object
// behind all of them and cannot tell that an elementwise loop's input and
// output are disjoint, so it leaves such loops scalar (efficientnet_b0 ran
// 35% slower than with the static buffers of ABI v1). Each top-level nest
// becomes a function whose buffer arguments carry llvm.noalias: what the
// workspace's liveness guarantees, stated to LLVM.
//
//===----------------------------------------------------------------------===//

#include "octet/Target/CPU/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::octet::cpu {
#define GEN_PASS_DEF_OCTETOUTLINEKERNELS
#include "octet/Target/CPU/Passes.h.inc"
} // namespace mlir::octet::cpu

using namespace mlir;

namespace {

/// Ops cloned into the outlined function instead of being passed: constants,
/// globals and the views and reshapes of a buffer (whose root is passed).
bool isClonable(Operation *op) {
  return matchPattern(op, m_Constant()) ||
         isa<memref::GetGlobalOp, memref::SubViewOp, memref::ExpandShapeOp,
             memref::CollapseShapeOp, memref::ReshapeOp, memref::ReinterpretCastOp,
             memref::CastOp, memref::TransposeOp>(op);
}

/// A static memref with the identity layout: what the bare-pointer calling
/// convention of the CPU target passes as one pointer.
bool isBarePointerMemRef(Type t) {
  auto m = dyn_cast<MemRefType>(t);
  return m && m.hasStaticShape() && m.getLayout().isIdentity();
}

/// The byte range of a workspace view at a constant offset.
std::optional<std::pair<int64_t, int64_t>> viewRange(memref::ViewOp view) {
  APInt offset;
  auto type = view.getType();
  if (!matchPattern(view.getByteShift(), m_ConstantInt(&offset)) || !type.hasStaticShape() ||
      !type.getElementType().isIntOrFloat())
    return std::nullopt;
  int64_t bytes = type.getNumElements() * ((type.getElementTypeBitWidth() + 7) / 8);
  return std::make_pair(offset.getSExtValue(), offset.getSExtValue() + bytes);
}

struct OutlineKernelsPass
    : mlir::octet::cpu::impl::OctetOutlineKernelsBase<OutlineKernelsPass> {
  using OctetOutlineKernelsBase::OctetOutlineKernelsBase;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    SmallVector<func::FuncOp> entries;
    for (auto f : module.getOps<func::FuncOp>())
      if (f.isPublic() && !f.isExternal() && f.getBody().hasOneBlock())
        entries.push_back(f);
    for (func::FuncOp f : entries) {
      SmallVector<Operation *> nests;
      for (Operation &op : f.getBody().front())
        if (op.getNumRegions() > 0 && op.getNumResults() == 0 &&
            !op.hasTrait<OpTrait::IsTerminator>())
          nests.push_back(&op);
      // What views are taken of (through memref.assume_alignment).
      SmallPtrSet<Value, 2> workspaces;
      f.walk([&](memref::ViewOp view) {
        Value src = view.getSource();
        if (auto al = src.getDefiningOp<memref::AssumeAlignmentOp>())
          src = al.getMemref();
        workspaces.insert(src);
      });
      unsigned counter = 0;
      for (Operation *op : nests)
        outline(f, op, symbols, counter, workspaces);
    }
  }

  void outline(func::FuncOp f, Operation *op, SymbolTable &symbols, unsigned &counter,
               const SmallPtrSet<Value, 2> &workspaces) {
    // The values from outside: cloned where they are views or constants,
    // passed where they are roots (buffers or scalars).
    SetVector<Value> outside;
    for (Value v : op->getOperands())
      outside.insert(v);
    for (Region &r : op->getRegions())
      getUsedValuesDefinedAbove(r, outside);
    SetVector<Operation *> cloned; // in dependency order
    SetVector<Value> roots;
    std::function<bool(Value)> visit = [&](Value v) -> bool {
      Operation *def = v.getDefiningOp();
      if (def && isClonable(def)) {
        if (cloned.contains(def))
          return true;
        for (Value operand : def->getOperands())
          if (!visit(operand))
            return false;
        cloned.insert(def);
        return true;
      }
      if (isa<BaseMemRefType>(v.getType()) && !isBarePointerMemRef(v.getType()))
        return false;
      roots.insert(v);
      return true;
    };
    for (Value v : outside)
      if (!visit(v))
        return;

    // noalias: the entry's own buffers (inputs, outputs; by the ABI's
    // contract) and workspace views whose byte ranges do not overlap. The
    // workspace itself (what views are taken of) is not, and where a nest
    // touches it directly, neither are the views.
    bool touchesWorkspace = llvm::any_of(roots, [&](Value v) { return workspaces.contains(v); });
    SmallVector<bool> noalias(roots.size(), false);
    SmallVector<bool> aligned(roots.size(), false);
    SmallVector<std::optional<std::pair<int64_t, int64_t>>> ranges(roots.size());
    for (auto [k, v] : llvm::enumerate(roots)) {
      if (!isa<MemRefType>(v.getType()))
        continue;
      if (isa<BlockArgument>(v)) {
        noalias[k] = !workspaces.contains(v);
        continue;
      }
      if (auto view = v.getDefiningOp<memref::ViewOp>()) {
        ranges[k] = viewRange(view);
        noalias[k] = ranges[k].has_value() && !touchesWorkspace;
        aligned[k] = ranges[k] && ranges[k]->first % 64 == 0 &&
                     isa_and_nonnull<memref::AssumeAlignmentOp>(view.getSource().getDefiningOp());
      }
    }
    for (size_t a = 0; a < roots.size(); ++a)
      for (size_t b = a + 1; b < roots.size(); ++b)
        if (ranges[a] && ranges[b] && ranges[a]->first < ranges[b]->second &&
            ranges[b]->first < ranges[a]->second)
          noalias[a] = noalias[b] = false;

    // The function and its body.
    OpBuilder b(op);
    SmallVector<Type> argTypes;
    for (Value v : roots)
      argTypes.push_back(v.getType());
    std::string name;
    do
      name = (f.getName() + "_k" + Twine(counter++)).str();
    while (symbols.lookup(name));
    OpBuilder mb(f);
    auto kernel = func::FuncOp::create(mb, op->getLoc(), name,
                                       b.getFunctionType(argTypes, {}));
    kernel.setPrivate();
    kernel->setAttr("octet.kernel", b.getUnitAttr());
    if (noinline)
      kernel->setAttr("passthrough", b.getStrArrayAttr({"noinline"}));
    symbols.insert(kernel);
    for (size_t k = 0; k < roots.size(); ++k)
      if (noalias[k])
        kernel.setArgAttr(k, LLVM::LLVMDialect::getNoAliasAttrName(), b.getUnitAttr());
    Block *body = kernel.addEntryBlock();
    OpBuilder kb = OpBuilder::atBlockBegin(body);
    IRMapping map;
    for (auto [k, v] : llvm::enumerate(roots)) {
      Value arg = body->getArgument(k);
      if (aligned[k])
        arg = memref::AssumeAlignmentOp::create(kb, op->getLoc(), arg, 64).getResult();
      map.map(v, arg);
    }
    for (Operation *c : cloned)
      kb.clone(*c, map);
    kb.clone(*op, map);
    func::ReturnOp::create(kb, op->getLoc());

    func::CallOp::create(b, op->getLoc(), kernel, roots.getArrayRef());
    op->erase();
  }
};

} // namespace
