//===- Workspace.cpp - intermediate buffers in the caller's workspace -------===//
//
// The octet-workspace pass: the fixed-size buffers an entry point allocates
// at its top level become views of one caller-owned workspace, a new last
// argument, instead of a malloc/free per call (page faults dominated small
// models that way) or static storage (which made the module serve one call
// at a time). The workspace's size is the function's octet.workspace_size,
// which the descriptor carries to the runtime.
//
//===----------------------------------------------------------------------===//

#include "octet/Target/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/DataLayoutInterfaces.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/Support/MathExtras.h"

#include <limits>

namespace mlir::octet::cpu {
#define GEN_PASS_DEF_OCTETWORKSPACE
#include "octet/Target/CPU/Passes.h.inc"
} // namespace mlir::octet::cpu

using namespace mlir;
using namespace mlir::octet::cpu;

namespace {

/// The workspace's alignment: a cache line, and AVX-512's vector width.
constexpr uint64_t kAlignment = 64;

/// The span of top-level ops of `block` (positions in `pos`) during which
/// the buffer of `alloc` is in use: from the first to the last top-level op
/// that uses it or a view of it (a use inside a loop counts as the loop).
/// Nothing when the buffer may escape: returned, passed to a call, yielded
/// out of a region, or given to an op that makes another memref of it
/// without being a view.
std::optional<std::pair<int64_t, int64_t>> liveSpan(memref::AllocOp alloc, Block &block,
                                                    const DenseMap<Operation *, int64_t> &pos) {
  int64_t first = std::numeric_limits<int64_t>::max(), last = -1;
  SmallVector<Value> work = {alloc.getResult()};
  DenseSet<Value> seen;
  while (!work.empty()) {
    Value v = work.pop_back_val();
    if (!seen.insert(v).second)
      continue;
    for (OpOperand &use : v.getUses()) {
      Operation *user = use.getOwner();
      if (isa<memref::DeallocOp>(user))
        continue;
      Operation *top = block.findAncestorOpInBlock(*user);
      if (!top || isa<CallOpInterface, RegionBranchTerminatorOpInterface>(user) ||
          user->hasTrait<OpTrait::ReturnLike>())
        return std::nullopt;
      int64_t p = pos.lookup(top);
      first = std::min(first, p);
      last = std::max(last, p);
      if (auto view = dyn_cast<ViewLikeOpInterface>(user)) {
        if (view.getViewSource() == v) {
          for (Value r : user->getResults())
            work.push_back(r);
          continue;
        }
      }
      for (Value r : user->getResults())
        if (isa<BaseMemRefType>(r.getType()))
          return std::nullopt;
    }
  }
  if (last < 0) // never used
    first = last = pos.lookup(alloc);
  return std::make_pair(first, last);
}

struct WorkspacePass : mlir::octet::cpu::impl::OctetWorkspaceBase<WorkspacePass> {
  using Base::Base;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    DataLayout layout = DataLayout::closest(module);
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isExternal() || !func.isPublic() ||
          !SymbolTable::symbolKnownUseEmpty(func, module))
        continue;
      SmallVector<memref::AllocOp> allocs;
      for (Operation &op : func.getBody().front())
        if (auto a = dyn_cast<memref::AllocOp>(op))
          if (a.getType().hasStaticShape() && a.getType().getLayout().isIdentity() &&
              a.getDynamicSizes().empty() && a.getSymbolOperands().empty() &&
              a.getType().getMemorySpace() == nullptr)
            allocs.push_back(a);
      // Buffers whose spans do not overlap may share bytes: each is placed
      // at the lowest aligned offset clear of every placed buffer whose
      // span overlaps its own (largest first). A buffer that may escape
      // lives for the whole call.
      Block &body = func.getBody().front();
      DenseMap<Operation *, int64_t> pos;
      int64_t n = 0;
      for (Operation &op : body)
        pos[&op] = n++;
      struct Slot {
        uint64_t bytes, align, offset = 0;
        int64_t first, last;
      };
      SmallVector<Slot> slots;
      for (memref::AllocOp a : allocs) {
        MemRefType t = a.getType();
        Slot slot;
        slot.bytes = t.getNumElements() * layout.getTypeSize(t.getElementType()).getFixedValue();
        slot.align = std::max<uint64_t>(a.getAlignment().value_or(0), kAlignment);
        auto span = reuse ? liveSpan(a, body, pos) : std::nullopt;
        slot.first = span ? span->first : 0;
        slot.last = span ? span->second : n;
        slots.push_back(slot);
      }
      SmallVector<unsigned> order(slots.size());
      for (unsigned i = 0; i < order.size(); ++i)
        order[i] = i;
      llvm::sort(order, [&](unsigned x, unsigned y) {
        return slots[x].bytes != slots[y].bytes ? slots[x].bytes > slots[y].bytes : x < y;
      });
      SmallVector<unsigned> placed;
      uint64_t size = 0;
      for (unsigned i : order) {
        Slot &s = slots[i];
        // Candidate offsets: 0 and the end of every conflicting buffer.
        SmallVector<unsigned> conflicts;
        for (unsigned j : placed)
          if (slots[j].first <= s.last && s.first <= slots[j].last)
            conflicts.push_back(j);
        SmallVector<uint64_t> candidates = {0};
        for (unsigned j : conflicts)
          candidates.push_back(slots[j].offset + slots[j].bytes);
        uint64_t best = std::numeric_limits<uint64_t>::max();
        for (uint64_t c : candidates) {
          c = llvm::alignTo(c, s.align);
          bool clear = llvm::all_of(conflicts, [&](unsigned j) {
            return c + s.bytes <= slots[j].offset || slots[j].offset + slots[j].bytes <= c;
          });
          if (clear)
            best = std::min(best, c);
        }
        s.offset = best;
        size = std::max(size, best + s.bytes);
        placed.push_back(i);
      }
      SmallVector<uint64_t> offsets;
      for (const Slot &slot : slots)
        offsets.push_back(slot.offset);
      size = llvm::alignTo(size, kAlignment);
      OpBuilder b(func.getContext());
      auto wsType = MemRefType::get({(int64_t)size}, b.getI8Type());
      unsigned index = func.getNumArguments();
      if (failed(func.insertArgument(index, wsType, {}, func.getLoc())))
        return signalPassFailure();
      Value ws = func.getArgument(index);
      b.setInsertionPointToStart(&func.getBody().front());
      if (!allocs.empty())
        ws = memref::AssumeAlignmentOp::create(b, func.getLoc(), ws, kAlignment);
      for (auto [a, offset] : llvm::zip(allocs, offsets)) {
        b.setInsertionPoint(a);
        Value off = arith::ConstantIndexOp::create(b, a.getLoc(), (int64_t)offset);
        Value view = memref::ViewOp::create(b, a.getLoc(), a.getType(), ws, off, ValueRange{});
        for (Operation *user : llvm::make_early_inc_range(a->getUsers()))
          if (isa<memref::DeallocOp>(user))
            user->erase();
        a.replaceAllUsesWith(view);
        a.erase();
      }
      func->setAttr("octet.workspace_size", b.getI64IntegerAttr((int64_t)size));
      func->setAttr("octet.workspace_buffers", b.getI64IntegerAttr((int64_t)allocs.size()));
    }
  }
};
} // namespace
