//===- GPUContraction.cpp - 8-bit products as tiled dot-product kernels ---===//
//
// The quantized matrix products the linalg lowering writes (a GEMM, or a
// convolution after im2col: one linalg.generic whose body is
// out += (ext(a) - za) * (ext(b) - zb) over one reduction dimension) become
// one tiled GPU kernel each, instead of one thread per output running its
// reduction byte by byte:
//
//   - a workgroup of 256 threads computes a TM x TN block of the output, each
//     thread an RM x RN micro-tile (TM = 16 RM, TN = 16 RN, RM and RN chosen
//     from the shape);
//   - K advances 32 or 64 bytes a step: the threads stage the A and B
//     blocks in workgroup memory as 32-bit words of four packed bytes (zero
//     beyond K, M and N; rows padded so that reads do not collide in
//     banks), then each thread accumulates its micro-tile with one 4-way
//     dot product per word pair (the target's: SPIR-V's OpSDotAccSat /
//     OpUDotAccSat / OpSUDotAccSat, NVVM's dp4a, or four multiplies), or
//     each warp its fragments with mma.sync m16n8k32 (sm_80+);
//   - the steps are pipelined: the tiles have 2 to 4 stages, and while one
//     step is multiplied the next ones are on their way (cp.async groups,
//     or words held in registers and stored after the products), with one
//     barrier per step;
//   - zero points come out of the loop: sum (a - za)(b - zb) =
//     sum ab - za sum b - zb sum a + K za zb, with the sums of a and b taken
//     by dot products with 0x01010101. The identity holds modulo 2^32, so
//     the result is the generic loop's, bit for bit; saturating dot products
//     are used only where |sum ab| provably stays below 2^31.
//
// The op that initializes the accumulator (the bias broadcast) and the
// elementwise op that consumes it (the requantize epilogue) are fused into
// the kernel where the buffers allow it: the int32 tensor then never goes
// to memory.
//
//===----------------------------------------------------------------------===//

#include "octet/Target/GPU.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVDialect.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Pass/Pass.h"

using namespace mlir;

namespace octet {
namespace {

/// One factor of the product: ext(input) - zero point.
struct Factor {
  unsigned input = 0;      // the generic's input number
  bool isSigned = false;   // extsi (true) or extui
  std::optional<int64_t> zpConst; // a constant zero point
  int zpInput = -1;        // or an input holding it (per channel)
};

/// A matched contraction.
struct Contraction {
  linalg::GenericOp op;
  Factor a, b; // a: the operand indexed by the "M" dimensions
  unsigned kDim = 0;
  SmallVector<int64_t> ranges;
  SmallVector<unsigned> batchDims, mDims, nDims; // loop dims, in order
  int64_t batch = 1, m = 1, n = 1, k = 1;
};

/// The block argument `v` is, through ext (and a subtraction), if any.
std::optional<Factor> matchFactor(Value v, Block &body) {
  Factor f;
  Value zp;
  if (auto sub = v.getDefiningOp<arith::SubIOp>()) {
    v = sub.getLhs();
    zp = sub.getRhs();
  }
  Value src;
  if (auto e = v.getDefiningOp<arith::ExtUIOp>())
    src = e.getIn();
  else if (auto e = v.getDefiningOp<arith::ExtSIOp>()) {
    src = e.getIn();
    f.isSigned = true;
  } else
    return std::nullopt;
  auto arg = dyn_cast<BlockArgument>(src);
  if (!arg || arg.getOwner() != &body || !src.getType().isInteger(8) ||
      !v.getType().isInteger(32))
    return std::nullopt;
  f.input = arg.getArgNumber();
  if (zp) {
    if (auto c = getConstantIntValue(zp))
      f.zpConst = *c;
    else if (auto za = dyn_cast<BlockArgument>(zp); za && za.getOwner() == &body &&
                                                    za.getType().isInteger(32))
      f.zpInput = za.getArgNumber();
    else
      return std::nullopt;
  }
  return f;
}

std::optional<unsigned> dimOf(AffineExpr e) {
  if (auto d = dyn_cast<AffineDimExpr>(e))
    return d.getPosition();
  return std::nullopt;
}

std::optional<Contraction> matchContraction(linalg::GenericOp g) {
  if (!g.hasPureBufferSemantics() || g.getNumDpsInits() != 1 || g.getNumDpsInputs() < 2 ||
      g.getNumDpsInputs() > 4)
    return std::nullopt;
  Contraction c;
  c.op = g;
  auto iters = g.getIteratorTypesArray();
  int reductions = 0;
  for (auto [d, it] : llvm::enumerate(iters))
    if (it == utils::IteratorType::reduction) {
      c.kDim = d;
      ++reductions;
    }
  if (reductions != 1)
    return std::nullopt;
  Block &body = g.getRegion().front();
  if (!llvm::hasSingleElement(g.getRegion()) || body.getOperations().size() > 9)
    return std::nullopt;
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto add = yield.getOperand(0).getDefiningOp<arith::AddIOp>();
  if (!add || !add.getType().isInteger(32))
    return std::nullopt;
  Value outArg = body.getArgument(g.getNumDpsInputs());
  Value prodV = add.getLhs() == outArg ? add.getRhs() : add.getRhs() == outArg ? add.getLhs()
                                                                               : Value();
  auto mul = prodV ? prodV.getDefiningOp<arith::MulIOp>() : arith::MulIOp();
  if (!mul)
    return std::nullopt;
  auto f0 = matchFactor(mul.getLhs(), body), f1 = matchFactor(mul.getRhs(), body);
  if (!f0 || !f1 || f0->input == f1->input || f0->input > 1 || f1->input > 1)
    return std::nullopt;
  // Nothing else in the body (ext, sub, mul, add, yield).
  for (Operation &op : body)
    if (!isa<arith::ExtUIOp, arith::ExtSIOp, arith::SubIOp, arith::MulIOp, arith::AddIOp,
             arith::ConstantOp, linalg::YieldOp>(op))
      return std::nullopt;
  // Every input must be one the factors use.
  for (unsigned k = 2; k < g.getNumDpsInputs(); ++k)
    if ((int)k != f0->zpInput && (int)k != f1->zpInput)
      return std::nullopt;
  auto maps = g.getIndexingMapsArray();
  auto uses = [&](unsigned input, unsigned d) {
    for (AffineExpr e : maps[input].getResults())
      if (e.isFunctionOfDim(d))
        return true;
    return false;
  };
  // The operands: K a plain index of both, once (any position: the kernel
  // stages the operands byte by byte); the other indices any affine
  // expressions of the parallel dimensions.
  for (unsigned in : {f0->input, f1->input}) {
    AffineMap m = maps[in];
    if (m.getNumResults() == 0 || m.getNumSymbols())
      return std::nullopt;
    int kCount = 0;
    for (AffineExpr e : m.getResults()) {
      if (dimOf(e) == c.kDim)
        ++kCount;
      else if (e.isFunctionOfDim(c.kDim))
        return std::nullopt;
    }
    if (kCount != 1)
      return std::nullopt;
  }
  AffineMap outMap = maps[g.getNumDpsInputs()];
  if (!outMap.isProjectedPermutation() || outMap.getNumResults() + 1 != g.getNumLoops() ||
      uses(g.getNumDpsInputs(), c.kDim))
    return std::nullopt;
  auto ranges = g.getStaticLoopRanges();
  for (int64_t r : ranges)
    if (ShapedType::isDynamic(r) || r <= 0)
      return std::nullopt;
  c.ranges.assign(ranges.begin(), ranges.end());
  // The operand the output's "rows" come from is a.
  c.a = *f0;
  c.b = *f1;
  for (unsigned d = 0; d < g.getNumLoops(); ++d) {
    if (d == c.kDim)
      continue;
    bool inA = uses(c.a.input, d), inB = uses(c.b.input, d);
    if (inA && inB)
      c.batchDims.push_back(d);
    else if (inA)
      c.mDims.push_back(d);
    else if (inB)
      c.nDims.push_back(d);
    else
      return std::nullopt;
  }
  // Zero points constant over K, on their operand's side.
  for (Factor *f : {&c.a, &c.b})
    if (f->zpInput >= 0) {
      if (uses(f->zpInput, c.kDim))
        return std::nullopt;
      for (unsigned d = 0; d < g.getNumLoops(); ++d)
        if (uses(f->zpInput, d) && !llvm::is_contained(c.batchDims, d) &&
            !llvm::is_contained(f == &c.a ? c.mDims : c.nDims, d))
          return std::nullopt;
    }
  for (unsigned d : c.batchDims)
    c.batch *= c.ranges[d];
  for (unsigned d : c.mDims)
    c.m *= c.ranges[d];
  for (unsigned d : c.nDims)
    c.n *= c.ranges[d];
  c.k = c.ranges[c.kDim];
  // The rows should be the larger side (the activations of a GEMM or
  // convolution); the tiling does not depend on it otherwise.
  if (c.mDims.empty() && !c.nDims.empty()) {
    std::swap(c.a, c.b);
    std::swap(c.mDims, c.nDims);
    std::swap(c.m, c.n);
  }
  return c;
}

Value rootOf(Value v) { return gpuRootBuffer(v); }

bool isViewOrPure(Operation *op) {
  return isa<memref::AllocOp, memref::AllocaOp, memref::SubViewOp, memref::CollapseShapeOp,
             memref::ExpandShapeOp, memref::ReshapeOp, memref::CastOp,
             memref::ReinterpretCastOp, memref::GetGlobalOp, arith::ConstantOp>(op) ||
         (isMemoryEffectFree(op) && op->getNumRegions() == 0);
}

/// The buffers `op` writes (roots), or nullopt where that is not known.
std::optional<SmallVector<Value>> writtenBuffers(Operation *op) {
  SmallVector<Value> out;
  if (isViewOrPure(op))
    return out;
  if (auto l = dyn_cast<linalg::LinalgOp>(op); l && l.hasPureBufferSemantics()) {
    for (Value v : l.getDpsInits())
      out.push_back(rootOf(v));
    return out;
  }
  if (auto cp = dyn_cast<memref::CopyOp>(op)) {
    out.push_back(rootOf(cp.getTarget()));
    return out;
  }
  if (auto d = dyn_cast<memref::DeallocOp>(op)) {
    out.push_back(rootOf(d.getMemref()));
    return out;
  }
  return std::nullopt;
}

/// True where no op strictly between `first` and `last` (one block) writes
/// any of `reads` (roots).
bool noWritesBetween(Operation *first, Operation *last, ArrayRef<Operation *> skip,
                     ArrayRef<Value> reads) {
  for (Operation *op = first->getNextNode(); op && op != last; op = op->getNextNode()) {
    if (llvm::is_contained(skip, op))
      continue;
    auto w = writtenBuffers(op);
    if (!w)
      return false;
    for (Value v : *w)
      if (llvm::is_contained(reads, v))
        return false;
  }
  return true;
}

/// The users of the buffer `root` (through views) other than views,
/// deallocs and `except`, each once.
SmallVector<Operation *> otherUsers(Value root, ArrayRef<Operation *> except) {
  SmallVector<Operation *> found;
  SmallVector<Value> work = {root};
  while (!work.empty()) {
    Value v = work.pop_back_val();
    for (Operation *u : v.getUsers()) {
      if (llvm::is_contained(except, u) || isa<memref::DeallocOp>(u))
        continue;
      if (isa<memref::SubViewOp, memref::CollapseShapeOp, memref::ExpandShapeOp,
              memref::ReshapeOp, memref::CastOp, memref::ReinterpretCastOp>(u)) {
        work.push_back(u->getResult(0));
        continue;
      }
      if (!llvm::is_contained(found, u))
        found.push_back(u);
    }
  }
  return found;
}

/// Every user of the buffer `root` (through views) is in `allowed`, a view
/// or a dealloc.
bool onlyUsedBy(Value root, ArrayRef<Operation *> allowed) {
  return otherUsers(root, allowed).empty();
}

/// `v` is `out` or a collapse_shape of it: the groups of out's dimensions
/// each of v's dimensions linearizes (identity groups for `out` itself).
std::optional<SmallVector<ReassociationIndices>> viewGroups(Value v, Value out) {
  auto rank = cast<MemRefType>(out.getType()).getRank();
  if (v == out) {
    SmallVector<ReassociationIndices> g;
    for (int64_t d = 0; d < rank; ++d)
      g.push_back({d});
    return g;
  }
  auto cs = v.getDefiningOp<memref::CollapseShapeOp>();
  if (cs && cs.getSrc() == out)
    return cs.getReassociationIndices();
  return std::nullopt;
}

/// An elementwise generic over exactly the output's index space: all
/// parallel, identity output map, its own output value unused.
bool isElementwiseOver(linalg::GenericOp g, MemRefType space) {
  if (!g.hasPureBufferSemantics() || g.getNumDpsInits() != 1 ||
      g.getNumParallelLoops() != g.getNumLoops() || g.getNumLoops() != space.getRank())
    return false;
  auto maps = g.getIndexingMapsArray();
  if (!maps.back().isIdentity())
    return false;
  auto shape = g.getStaticLoopRanges();
  if (ArrayRef<int64_t>(shape) != space.getShape())
    return false;
  Block &body = g.getRegion().front();
  if (!body.getArguments().back().use_empty())
    return false;
  for (AffineMap m : maps)
    if (m.getNumSymbols())
      return false;
  return true;
}

/// Erases the buffer `root` (an alloc), its views and deallocs where nothing
/// else uses it.
void eraseIfUnused(Value root) {
  SmallVector<Operation *> found;
  SmallVector<Value> work = {root};
  while (!work.empty()) {
    Value v = work.pop_back_val();
    for (Operation *u : v.getUsers()) {
      if (isa<memref::DeallocOp>(u)) {
        found.push_back(u);
      } else if (isa<memref::SubViewOp, memref::CollapseShapeOp, memref::ExpandShapeOp,
                     memref::ReshapeOp, memref::CastOp, memref::ReinterpretCastOp>(u)) {
        found.push_back(u);
        work.push_back(u->getResult(0));
      } else {
        return;
      }
    }
  }
  // Users after their operands: erase in reverse.
  for (Operation *op : llvm::reverse(found))
    if (op->use_empty())
      op->erase();
  if (Operation *alloc = root.getDefiningOp(); alloc && alloc->use_empty())
    alloc->erase();
}

/// An operand the kernel reads through the copies that made it (implicit
/// GEMM): `operand` = collapse_shape(col), col written only by `im2col` (a
/// copy generic gathering from `src`), and src, where `pad` is set, a
/// buffer filled with `padValue` and then given `source` at `offsets` (a
/// padded input).
struct Gather {
  linalg::GenericOp im2col;
  Value col;
  SmallVector<ReassociationIndices> groups;
  Value src;
  // The padding (fill + copy into a subview), folded in where found.
  Operation *fill = nullptr;
  linalg::CopyOp copy;
  Value source, padValue;
  SmallVector<int64_t> offsets;
};

/// The single op other than views, deallocs and `except` that uses the
/// buffer `root` (through views), or null.
Operation *soleOtherUser(Value root, ArrayRef<Operation *> except) {
  SmallVector<Operation *> users = otherUsers(root, except);
  return users.size() == 1 ? users.front() : nullptr;
}

std::optional<Gather> matchGather(linalg::GenericOp g, Value operand) {
  auto cs = operand.getDefiningOp<memref::CollapseShapeOp>();
  if (!cs || !cs.getSrc().getDefiningOp<memref::AllocOp>() || !cs->hasOneUse())
    return std::nullopt;
  Gather r;
  r.col = cs.getSrc();
  r.groups = cs.getReassociationIndices();
  // col: written by one copy generic, read only through `cs` (by g).
  auto copyGen = dyn_cast_or_null<linalg::GenericOp>(soleOtherUser(r.col, {cs}));
  if (!copyGen || !copyGen.hasPureBufferSemantics() || copyGen.getNumDpsInputs() != 1 ||
      copyGen.getNumDpsInits() != 1 || copyGen.getDpsInits()[0] != r.col ||
      copyGen.getNumParallelLoops() != copyGen.getNumLoops() || !copyGen->isBeforeInBlock(g) ||
      copyGen->getBlock() != g->getBlock())
    return std::nullopt;
  auto maps = copyGen.getIndexingMapsArray();
  Block &body = copyGen.getRegion().front();
  if (!maps[1].isIdentity() || maps[0].getNumSymbols() || body.getOperations().size() != 1 ||
      body.getTerminator()->getOperand(0) != body.getArgument(0))
    return std::nullopt;
  r.im2col = copyGen;
  r.src = copyGen.getDpsInputs()[0];
  // A padded source: alloc <- fill (a constant); subview <- copy (source).
  auto alloc = r.src.getDefiningOp<memref::AllocOp>();
  if (!alloc)
    return r;
  Operation *fill = nullptr;
  linalg::CopyOp copy;
  for (Operation *u : alloc->getUsers()) {
    if (u == copyGen.getOperation() || isa<memref::DeallocOp>(u))
      continue;
    if (auto f = dyn_cast<linalg::FillOp>(u); f && !fill && f.getDpsInits()[0] == r.src &&
                                               getConstantIntValue(f.getInputs()[0])) {
      fill = u;
      continue;
    }
    if (auto m = dyn_cast<linalg::MapOp>(u); m && !fill && m.getInputs().empty() &&
                                              m.getInit() == r.src) {
      Value y = m.getMapper().front().getTerminator()->getOperand(0);
      if (getConstantIntValue(y) && y.getParentRegion() != &m.getMapper()) {
        fill = u;
        continue;
      }
    }
    auto sv = dyn_cast<memref::SubViewOp>(u);
    if (sv && !copy && sv->hasOneUse()) {
      auto cp = dyn_cast<linalg::CopyOp>(*sv->getUsers().begin());
      if (cp && cp.getOutputs()[0] == sv.getResult() && sv.hasUnitStride() &&
          llvm::all_of(sv.getStaticOffsets(), [](int64_t o) { return !ShapedType::isDynamic(o); }) &&
          cast<MemRefType>(cp.getInputs()[0].getType()).getShape() == sv.getType().getShape()) {
        copy = cp;
        r.offsets.assign(sv.getStaticOffsets().begin(), sv.getStaticOffsets().end());
        continue;
      }
    }
    return r; // something else uses the padded buffer: read it as it is
  }
  if (!fill || !copy || !fill->isBeforeInBlock(copy) || !copy->isBeforeInBlock(copyGen))
    return r;
  r.fill = fill;
  r.copy = copy;
  r.source = copy.getInputs()[0];
  if (auto f = dyn_cast<linalg::FillOp>(fill))
    r.padValue = f.getInputs()[0];
  else
    r.padValue = cast<linalg::MapOp>(fill).getMapper().front().getTerminator()->getOperand(0);
  return r;
}

/// The operand's 4-byte words of K are whole, aligned 32-bit words of its
/// buffer (identity layout, K its last index and a multiple of 4): what
/// cp.async can copy.
bool wordsContiguous(linalg::GenericOp g, unsigned input, unsigned kDim, int64_t k) {
  auto t = dyn_cast<MemRefType>(g.getDpsInputs()[input].getType());
  if (!t || !t.hasStaticShape() || !t.getLayout().isIdentity() || !t.getElementType().isInteger(8) ||
      k % 4 || t.getNumElements() % 4)
    return false;
  AffineMap m = g.getIndexingMapsArray()[input];
  return dimOf(m.getResults().back()) == kDim && t.getShape().back() == k;
}

/// Builds one contraction's kernel.
struct Emitter {
  Emitter(Location l, GPUDot k, bool s, bool tc, llvm::DenseSet<Operation *> &e)
      : loc(l), kind(k), spirv(s), tensorCores(tc), erased(e) {}
  Location loc;
  GPUDot kind;
  bool spirv;       // SPIR-V kernels (else NVVM)
  bool tensorCores; // NVVM: mma.sync m16n8k32 (sm_80+)
  llvm::DenseSet<Operation *> &erased; // ops fused away (other contractions may be among them)
  int64_t stagesOption = 0;            // pipeline stages (0: chosen per kernel)
  GPUCoopMatrix coop;                  // SPIR-V cooperative matrices (m == 0: none)

  // --- building blocks -----------------------------------------------------
  OpBuilder *bp = nullptr;
  Value idx(int64_t v) { return arith::ConstantIndexOp::create(*bp, loc, v); }
  Value i32(int64_t v) {
    return arith::ConstantIntOp::create(*bp, loc, bp->getI32Type(), (int32_t)v);
  }

  /// acc + dot(a, b) over four packed bytes of each.
  Value dot4(Value a, bool aSigned, Value b, bool bSigned, Value acc, bool saturatingOK) {
    OpBuilder &b_ = *bp;
    Type i32t = b_.getI32Type();
    switch (kind) {
    case GPUDot::SPIRV: {
      auto fmt = spirv::PackedVectorFormatAttr::get(b_.getContext(),
                                                    spirv::PackedVectorFormat::PackedVectorFormat4x8Bit);
      if (aSigned != bSigned && !aSigned) {
        std::swap(a, b); // SUDot: the first operand is the signed one
        std::swap(aSigned, bSigned);
      }
      if (saturatingOK) {
        if (aSigned && bSigned)
          return spirv::SDotAccSatOp::create(b_, loc, i32t, a, b, acc, fmt);
        if (!aSigned && !bSigned)
          return spirv::UDotAccSatOp::create(b_, loc, i32t, a, b, acc, fmt);
        return spirv::SUDotAccSatOp::create(b_, loc, i32t, a, b, acc, fmt);
      }
      Value d;
      if (aSigned && bSigned)
        d = spirv::SDotOp::create(b_, loc, i32t, a, b, fmt);
      else if (!aSigned && !bSigned)
        d = spirv::UDotOp::create(b_, loc, i32t, a, b, fmt);
      else
        d = spirv::SUDotOp::create(b_, loc, i32t, a, b, fmt);
      return arith::AddIOp::create(b_, loc, acc, d);
    }
    case GPUDot::NVVM: {
      // dp4a wraps: exact whatever the bound.
      auto v4 = VectorType::get({4}, b_.getI8Type());
      Value va = LLVM::BitcastOp::create(b_, loc, v4, a);
      Value vb = LLVM::BitcastOp::create(b_, loc, v4, b);
      auto ty = [&](bool s) {
        return NVVM::DotAccumulateTypeAttr::get(
            b_.getContext(), s ? NVVM::DotAccumulateType::SIGNED : NVVM::DotAccumulateType::UNSIGNED);
      };
      return NVVM::DotAccumulate4WayOp::create(b_, loc, i32t, va, ty(aSigned), vb, ty(bSigned),
                                               acc);
    }
    case GPUDot::Scalar:
      break;
    }
    for (int j = 0; j < 4; ++j) {
      auto byte = [&](Value w, bool s) -> Value {
        if (s) {
          Value up = arith::ShLIOp::create(b_, loc, w, i32(24 - 8 * j));
          return arith::ShRSIOp::create(b_, loc, up, i32(24));
        }
        Value down = arith::ShRUIOp::create(b_, loc, w, i32(8 * j));
        return arith::AndIOp::create(b_, loc, down, i32(255));
      };
      acc = arith::AddIOp::create(
          b_, loc, acc, arith::MulIOp::create(b_, loc, byte(a, aSigned), byte(b, bSigned)));
    }
    return acc;
  }

  /// Row-major delinearization of `flat` over the loop dims `dims`.
  void delinearize(Value flat, ArrayRef<unsigned> dims, ArrayRef<int64_t> ranges,
                   SmallVectorImpl<Value> &at) {
    for (int64_t i = (int64_t)dims.size() - 1; i >= 0; --i) {
      int64_t r = ranges[dims[i]];
      at[dims[i]] = i == 0 ? flat : (Value)arith::RemUIOp::create(*bp, loc, flat, idx(r));
      if (i > 0)
        flat = arith::DivUIOp::create(*bp, loc, flat, idx(r));
    }
  }

  /// The indices `map` gives at loop position `at`.
  SmallVector<Value> apply(AffineMap map, ArrayRef<Value> at) {
    SmallVector<Value> out;
    for (AffineExpr e : map.getResults()) {
      if (auto d = dimOf(e)) {
        out.push_back(at[*d]);
        continue;
      }
      AffineMap one = AffineMap::get(map.getNumDims(), 0, e);
      SmallVector<Value> operands(at.begin(), at.end());
      for (Value &v : operands)
        if (!v)
          v = idx(0);
      out.push_back(affine::AffineApplyOp::create(*bp, loc, one, operands));
    }
    return out;
  }

  /// Clones an elementwise generic's body at output position `at`, with
  /// `given` as the value of input `givenInput` (-1: none); returns the
  /// yielded value.
  Value inlineBody(linalg::GenericOp g, ArrayRef<Value> at, int givenInput, Value given) {
    IRMapping map;
    Block &body = g.getRegion().front();
    auto maps = g.getIndexingMapsArray();
    for (unsigned k = 0; k < g.getNumDpsInputs(); ++k) {
      if ((int)k == givenInput) {
        map.map(body.getArgument(k), given);
        continue;
      }
      Value in = g.getDpsInputs()[k];
      if (!isa<MemRefType>(in.getType())) {
        map.map(body.getArgument(k), in);
        continue;
      }
      map.map(body.getArgument(k), memref::LoadOp::create(*bp, loc, in, apply(maps[k], at)));
    }
    for (Operation &op : body.without_terminator()) {
      if (auto ix = dyn_cast<linalg::IndexOp>(op)) {
        map.map(ix.getResult(), at[ix.getDim()]);
        continue;
      }
      bp->clone(op, map);
    }
    return map.lookupOrDefault(body.getTerminator()->getOperand(0));
  }

  /// The byte the im2col copy would have stored at `at` (the operand's
  /// indices): expanded to the copy's indices, mapped to its source, and
  /// there, with a padding folded in, the source's byte or the pad value.
  Value loadGathered(const Gather &gth, ArrayRef<Value> at) {
    auto colType = cast<MemRefType>(gth.col.getType());
    SmallVector<Value> colIdx(colType.getRank());
    for (auto [k, grp] : llvm::enumerate(gth.groups)) {
      Value flat = at[k];
      for (int64_t i = (int64_t)grp.size() - 1; i >= 0; --i) {
        int64_t size = colType.getDimSize(grp[i]);
        colIdx[grp[i]] = i == 0 ? flat : (Value)arith::RemUIOp::create(*bp, loc, flat, idx(size));
        if (i > 0)
          flat = arith::DivUIOp::create(*bp, loc, flat, idx(size));
      }
    }
    linalg::GenericOp im2col = gth.im2col;
    SmallVector<Value> srcIdx = apply(im2col.getIndexingMapsArray()[0], colIdx);
    if (!gth.copy)
      return memref::LoadOp::create(*bp, loc, gth.src, srcIdx);
    auto srcType = cast<MemRefType>(gth.source.getType());
    auto padType = cast<MemRefType>(gth.src.getType());
    Value inside;
    for (auto [d, v] : llvm::enumerate(srcIdx)) {
      if (gth.offsets[d] == 0 && srcType.getDimSize(d) == padType.getDimSize(d))
        continue; // not padded in this dimension
      Value rel = arith::SubIOp::create(*bp, loc, v, idx(gth.offsets[d]));
      // unsigned: below the offset wraps to a large value
      Value ok = arith::CmpIOp::create(*bp, loc, arith::CmpIPredicate::ult, rel,
                                       idx(srcType.getDimSize(d)));
      inside = inside ? (Value)arith::AndIOp::create(*bp, loc, inside, ok) : ok;
      v = arith::SelectOp::create(*bp, loc, ok, rel, idx(0));
      srcIdx[d] = v;
    }
    Value x = memref::LoadOp::create(*bp, loc, gth.source, srcIdx);
    return inside ? (Value)arith::SelectOp::create(*bp, loc, inside, x, gth.padValue) : x;
  }

  // --- the kernel ----------------------------------------------------------
  void emit(Contraction &c) {
    linalg::GenericOp g = c.op;
    Value out = g.getDpsInits()[0];
    auto outType = cast<MemRefType>(out.getType());
    Value outRoot = rootOf(out);
    auto gmaps = g.getIndexingMapsArray();

    // The producer: the last op before g that writes the accumulator.
    Operation *producer = nullptr;
    bool outIsAlloc = outRoot.getDefiningOp<memref::AllocOp>() != nullptr;
    if (outIsAlloc) {
      for (Operation *op = g->getPrevNode(); op; op = op->getPrevNode()) {
        auto w = writtenBuffers(op);
        if (!w)
          break;
        if (!llvm::is_contained(*w, outRoot))
          continue;
        auto pg = dyn_cast<linalg::GenericOp>(op);
        if (auto fill = dyn_cast<linalg::FillOp>(op);
            fill && viewGroups(fill.getDpsInits()[0], out) && fill.hasPureBufferSemantics())
          producer = op;
        else if (pg && viewGroups(pg.getDpsInits()[0], out) &&
                 isElementwiseOver(pg, cast<MemRefType>(pg.getDpsInits()[0].getType())) &&
                 llvm::none_of(pg.getDpsInputs(), [&](Value v) { return rootOf(v) == outRoot; }))
          producer = op;
        break;
      }
    }
    // The consumer: the first op after g that touches the accumulator.
    linalg::GenericOp consumer;
    int consumerInput = -1;
    if (outIsAlloc) {
      for (Operation *op = g->getNextNode(); op; op = op->getNextNode()) {
        bool touches = false;
        for (Value v : op->getOperands())
          if (isa<MemRefType>(v.getType()) && rootOf(v) == outRoot)
            touches = true;
        if (!touches || isViewOrPure(op)) {
          if (!writtenBuffers(op))
            break;
          continue;
        }
        auto cg = dyn_cast<linalg::GenericOp>(op);
        if (!cg || rootOf(cg.getDpsInits()[0]) == outRoot)
          break;
        auto maps = cg.getIndexingMapsArray();
        int found = -1, count = 0;
        for (auto [k, v] : llvm::enumerate(cg.getDpsInputs()))
          if (rootOf(v) == outRoot) {
            ++count;
            if (viewGroups(v, out) && maps[k].isIdentity() &&
                isElementwiseOver(cg, cast<MemRefType>(v.getType())))
              found = k;
          }
        if (count == 1 && found >= 0) {
          consumer = cg;
          consumerInput = found;
        }
        break;
      }
    }
    // The kernel goes where the consumer was (else where g was): g's reads
    // (with a consumer) and the producer's move later, so nothing in
    // between may write what they read; and nothing but the fused ops may
    // use the accumulator.
    auto readsOf = [](Operation *op) {
      SmallVector<Value> r;
      if (auto l = dyn_cast<linalg::LinalgOp>(op))
        for (Value v : l.getDpsInputs())
          if (isa<MemRefType>(v.getType()))
            r.push_back(rootOf(v));
      return r;
    };
    SmallVector<Operation *> fused = {g};
    if (producer)
      fused.push_back(producer);
    if (consumer) {
      fused.push_back(consumer);
      Value y = rootOf(consumer.getDpsInits()[0]);
      SmallVector<Value> kernelReads = readsOf(g);
      if (producer)
        kernelReads.append(readsOf(producer));
      if (!noWritesBetween(g, consumer, fused, readsOf(g)) || !onlyUsedBy(outRoot, fused) ||
          llvm::is_contained(kernelReads, y)) {
        consumer = nullptr;
        fused.pop_back();
      }
    }
    Operation *last = consumer ? consumer.getOperation() : g.getOperation();
    if (producer &&
        (!noWritesBetween(producer, last, fused, readsOf(producer)) ||
         !onlyUsedBy(outRoot, fused))) {
      fused.erase(llvm::find(fused, producer));
      producer = nullptr;
    }
    Operation *at = consumer ? consumer.getOperation() : g.getOperation();
    // Implicit GEMM: the rows operand read through its im2col copy (and the
    // padding before it), which then go, where nothing in between writes
    // what they read.
    std::optional<Gather> gather = matchGather(g, g.getDpsInputs()[c.a.input]);
    if (gather && !noWritesBetween(gather->im2col, at, fused, {rootOf(gather->src)}))
      gather.reset();
    if (gather && gather->copy &&
        !noWritesBetween(gather->copy, at, fused, {rootOf(gather->source)}))
      gather->fill = nullptr, gather->copy = nullptr;

    // Tiles. The dot-product kernel: 16 x 16 threads, each an RM x RN
    // micro-tile (strided by 16). The tensor-core kernel (where the shape
    // fills an m16n8 fragment): 8 warps as 4 x 2, each 16 rows x 32
    // columns, four mma.sync m16n8k32 per 32 bytes of K.
    bool mma = kind == GPUDot::NVVM && tensorCores && c.m >= 16 && c.n >= 8;
    int64_t rm = mma ? 4 : c.m >= 64 ? 4 : c.m >= 32 ? 2 : 1;
    int64_t rn = mma ? 4 : c.n >= 64 ? 4 : c.n >= 32 ? 2 : 1;
    // K advances kw 4-byte words per step: 16 (64 bytes) on CUDA where K
    // has them, else 8 (SPIR-V keeps its workgroup memory under the 16 KiB
    // every Vulkan device has).
    const int64_t tx = 16, ty = 16;
    const int64_t kw = !spirv && c.k > 32 ? 16 : 8, tk = 4 * kw;
    int64_t tm = ty * rm, tn = tx * rn;
    // The cooperative-matrix kernel (SPIR-V, where the device multiplies
    // s8 x s8 -> s32 fragments of coop.m x coop.n x coop.k): 8 subgroups as
    // 4 x 2, each fm x fn fragments. Devices offer s8 x s8, so an unsigned
    // operand is made signed on its way into workgroup memory (a - 128, its
    // zero point moved by 128: the same products modulo 2^32). The
    // fragments go through workgroup memory to the epilogue, so the tiles,
    // the accumulators and the row and column sums stay within 16 KiB;
    // |sum a b| <= 128 * 128 * K < 2^31, so the wrapping sums are exact.
    int64_t fm = 1, fn = 1;
    bool cm = spirv && coop.m && c.m >= coop.m && c.n >= coop.n && c.k <= 131071 &&
              tk % coop.k == 0;
    auto coopBytes = [&](int64_t m_, int64_t n_) {
      int64_t tm_ = 4 * m_ * coop.m, tn_ = 2 * n_ * coop.n;
      return 2 * (tm_ + tn_) * kw * 4 + tm_ * tn_ * 4 + (tm_ + tn_) * 4;
    };
    if (cm) {
      fm = c.m >= 8 * coop.m ? 2 : 1;
      fn = c.n >= 4 * coop.n ? 2 : 1;
      while (coopBytes(fm, fn) > 16384 && (fm > 1 || fn > 1))
        (fm >= fn ? fm : fn) -= 1;
      cm = coopBytes(fm, fn) <= 16384;
    }
    if (cm) {
      tm = 4 * fm * coop.m;
      tn = 2 * fn * coop.n;
    }
    const int64_t threads = cm ? 8 * coop.subgroup : tx * ty;
    // The staged rows are padded so that a warp's reads hit distinct banks:
    // by one word for the dot-product kernel (16 threads read 16 rows of
    // one word), by four for ldmatrix (8 rows of 16 bytes, each 16-byte
    // aligned: row strides of 48 or 80 bytes start them on 8 disjoint
    // groups of 4 banks).
    const int64_t kwp = kw + (mma ? 4 : cm ? 0 : 1);
    int64_t ktiles = (c.k + tk - 1) / tk;
    // Pipeline stages: the steps of K in flight (staged while an earlier
    // one is multiplied). Three where cp.async copies run in the
    // background, else two (registers carry the next step's words over the
    // products); never more than there are steps, and at least two.
    int64_t stages = stagesOption ? stagesOption : mma ? 3 : 2;
    stages = std::max<int64_t>(2, std::min(stages, ktiles));
    // SPIR-V: the tiles stay within the 16 KiB of workgroup memory every
    // Vulkan device has (maxComputeSharedMemorySize); two stages always fit.
    while (spirv && stages > 2 && stages * (tm + tn) * kwp * 4 > 16384)
      --stages;
    int64_t gx = (c.n + tn - 1) / tn, gy = (c.m + tm - 1) / tm, gz = c.batch;
    if (gx > 65535 || gy > 65535 || gz > 65535)
      return; // the generic kernel takes it
    // |sum a b| < 2^31: saturating dot products are then exact.
    int64_t amax = c.a.isSigned ? 128 : 255, bmax = c.b.isSigned ? 128 : 255;
    bool satOK = c.k <= (int64_t)((((uint64_t)1 << 31) - 1) / (uint64_t)(amax * bmax));
    bool flipA = cm && !c.a.isSigned, flipB = cm && !c.b.isSigned;
    bool zpA = c.a.zpInput >= 0 || (c.a.zpConst && *c.a.zpConst != 0) || flipA;
    bool zpB = c.b.zpInput >= 0 || (c.b.zpConst && *c.b.zpConst != 0) || flipB;

    OpBuilder b(at);
    bp = &b;
    loc = g.getLoc();
    MLIRContext *ctx = b.getContext();
    // Workgroup memory: SPIR-V's conversion knows it as memory space 3 (its
    // Vulkan storage-class map), the NVVM one as #gpu.address_space.
    Attribute wg = spirv
                       ? (Attribute)b.getI64IntegerAttr(3)
                       : (Attribute)gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
    auto tileA =
        MemRefType::get({stages, tm, kwp}, b.getI32Type(), MemRefLayoutAttrInterface(), wg);
    auto tileB =
        MemRefType::get({stages, tn, kwp}, b.getI32Type(), MemRefLayoutAttrInterface(), wg);
    Value one = idx(1);
    // The SPIR-V conversion takes workgroup memory as memref.alloc in the
    // kernel (made a Workgroup global variable), the NVVM one as workgroup
    // attributions of the kernel.
    bool allocs = spirv;
    auto launch = gpu::LaunchOp::create(b, loc, idx(gx), idx(gy), idx(gz), idx(threads), one, one,
                                        nullptr, nullptr, {},
                                        allocs ? TypeRange{} : TypeRange{tileA, tileB});
    Block &kb = launch.getBody().front();
    b.setInsertionPointToStart(&kb);
    gpu::TerminatorOp::create(b, loc);
    b.setInsertionPointToStart(&kb);
    Value sa, sb;
    if (allocs) {
      sa = memref::AllocOp::create(b, loc, tileA);
      sb = memref::AllocOp::create(b, loc, tileB);
    } else {
      sa = launch.getWorkgroupAttributions()[0];
      sb = launch.getWorkgroupAttributions()[1];
    }
    Value tid = launch.getThreadIds().x;
    Value tcol = arith::RemUIOp::create(b, loc, tid, idx(tx));
    Value trow = arith::DivUIOp::create(b, loc, tid, idx(tx));
    Value m0 = arith::MulIOp::create(b, loc, launch.getBlockIds().y, idx(tm));
    Value n0 = arith::MulIOp::create(b, loc, launch.getBlockIds().x, idx(tn));
    unsigned nl = g.getNumLoops();
    SmallVector<Value> base(nl);
    delinearize(launch.getBlockIds().z, c.batchDims, c.ranges, base);
    // Where each accumulator of this thread lies in the tile (row, column)
    // and which row and column sums it takes.
    struct Slot {
      Value row, col;
      int64_t sumA, sumB;
    };
    SmallVector<Slot> slots;
    Value gid, tig, wrow, wcol, lane;
    if (mma) {
      lane = arith::RemUIOp::create(b, loc, tid, idx(32));
      Value warp = arith::DivUIOp::create(b, loc, tid, idx(32));
      gid = arith::DivUIOp::create(b, loc, lane, idx(4));
      tig = arith::RemUIOp::create(b, loc, lane, idx(4));
      wrow = arith::MulIOp::create(b, loc, arith::RemUIOp::create(b, loc, warp, idx(4)), idx(16));
      wcol = arith::MulIOp::create(b, loc, arith::DivUIOp::create(b, loc, warp, idx(4)), idx(32));
      // c0, c1: row gid, columns 2 tig + {0, 1}; c2, c3: row gid + 8.
      for (int64_t j = 0; j < 4; ++j)
        for (int64_t t = 0; t < 4; ++t) {
          Value row = arith::AddIOp::create(b, loc, wrow,
                                            arith::AddIOp::create(b, loc, gid, idx(t >= 2 ? 8 : 0)));
          Value col = arith::AddIOp::create(
              b, loc, wcol,
              arith::AddIOp::create(b, loc, arith::MulIOp::create(b, loc, tig, idx(2)),
                                    idx(8 * j + (t & 1))));
          slots.push_back({row, col, t >= 2 ? 1 : 0, 2 * j + (t & 1)});
        }
    } else if (!cm) {
      for (int64_t i = 0; i < rm; ++i)
        for (int64_t j = 0; j < rn; ++j)
          slots.push_back({arith::AddIOp::create(b, loc, trow, idx(ty * i)),
                           arith::AddIOp::create(b, loc, tcol, idx(tx * j)), i, j});
    }
    // Cooperative matrices: subgroup s takes rows (s % 4) fm coop.m.. and
    // columns (s / 4) fn coop.n.. of the tile; thread t the sums of rows
    // and columns t, t + threads, ... (clamped: the extra ones are not
    // stored).
    int64_t numSumA = mma ? 2 : cm ? (tm + threads - 1) / threads : rm;
    int64_t numSumB = mma ? 8 : cm ? (tn + threads - 1) / threads : rn;
    SmallVector<Value> sumRows, sumCols;
    auto fragA = gpu::MMAMatrixType::get({coop.m, coop.k}, b.getIntegerType(8, true), "AOp");
    auto fragB = gpu::MMAMatrixType::get({coop.k, coop.n}, b.getIntegerType(8, true), "BOp");
    auto fragC = gpu::MMAMatrixType::get({coop.m, coop.n}, b.getI32Type(), "COp");
    if (cm) {
      Value sg = gpu::SubgroupIdOp::create(b, loc, b.getIndexType(), IntegerAttr());
      wrow = arith::MulIOp::create(b, loc, arith::RemUIOp::create(b, loc, sg, idx(4)),
                                   idx(fm * coop.m));
      wcol = arith::MulIOp::create(b, loc, arith::DivUIOp::create(b, loc, sg, idx(4)),
                                   idx(fn * coop.n));
      for (int64_t i = 0; i < numSumA; ++i)
        sumRows.push_back(arith::MinUIOp::create(
            b, loc, arith::AddIOp::create(b, loc, tid, idx(i * threads)), idx(tm - 1)));
      for (int64_t j = 0; j < numSumB; ++j)
        sumCols.push_back(arith::MinUIOp::create(
            b, loc, arith::AddIOp::create(b, loc, tid, idx(j * threads)), idx(tn - 1)));
    }

    Value zero32 = i32(0), ones = i32(0x01010101);
    SmallVector<Value> init(slots.size(), zero32);
    if (cm)
      init.assign(fm * fn, gpu::SubgroupMmaConstantMatrixOp::create(b, loc, fragC, zero32));
    if (zpB)
      init.append(numSumA, zero32); // sums of a, per row
    if (zpA)
      init.append(numSumB, zero32); // sums of b, per column

    // Staging one step of K of one operand into one stage of its tile:
    // rows of `rows` (from `first`), 4-byte words of K from k0. sm_80+
    // copies the words with cp.async straight into workgroup memory
    // (zero-filled outside M, N and K) where they are whole words of the
    // operand's buffer; otherwise each thread gathers its words into
    // registers (`Pending`), to be stored once the stage is free.
    struct Pending {
      Value word, r, q, in; // in: null where the word is always in the tile
    };
    auto isAsync = [&](const Factor &f) {
      return mma && !(gather && &f == &c.a) && wordsContiguous(g, f.input, c.kDim, c.k);
    };
    bool anyAsync = isAsync(c.a) || isAsync(c.b);
    auto wordsViewOf = [&](const Factor &f) -> Value {
      if (!isAsync(f))
        return Value();
      Value mem = g.getDpsInputs()[f.input];
      auto memType = cast<MemRefType>(mem.getType());
      // (reinterpret_cast, not collapse_shape: the NVVM conversion lowers
      // the former in a kernel)
      int64_t n = memType.getNumElements();
      Value flat = memref::ReinterpretCastOp::create(
          b, loc, MemRefType::get({n}, memType.getElementType()), mem, /*offset=*/0,
          ArrayRef<int64_t>{n}, ArrayRef<int64_t>{1});
      return memref::ViewOp::create(b, loc, MemRefType::get({n / 4}, b.getI32Type()), flat,
                                    idx(0), ValueRange{});
    };
    Value viewA = wordsViewOf(c.a), viewB = wordsViewOf(c.b);
    auto issue = [&](const Factor &f, Value wordsView, ArrayRef<unsigned> dims, int64_t total,
                     Value first, int64_t rows, Value tile, Value stage, Value k0,
                     SmallVectorImpl<Pending> &pending) {
      Value mem = g.getDpsInputs()[f.input];
      AffineMap map = gmaps[f.input];
      auto memType = cast<MemRefType>(mem.getType());
      // cp.async moves 16 bytes (4 words) at once where K is a multiple of
      // 16 (the chunks then are 16-byte aligned, and wholly inside K or
      // wholly outside), else 4.
      int64_t vec = wordsView && c.k % 16 == 0 ? 4 : 1;
      int64_t units = rows * kw / vec, perRow = kw / vec;
      for (int64_t u = 0; u * threads < units; ++u) {
        Value w = arith::AddIOp::create(b, loc, tid, idx(u * threads));
        bool partial = (u + 1) * threads > units;
        Value r = arith::DivUIOp::create(b, loc, w, idx(perRow));
        Value q = arith::RemUIOp::create(b, loc, w, idx(perRow));
        if (vec > 1)
          q = arith::MulIOp::create(b, loc, q, idx(vec));
        // Every index is clamped into the operand, so the loads of a thread
        // past the tile's words are harmless (their words are not stored).
        Value row = arith::AddIOp::create(b, loc, first, r);
        Value rowOK = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, row, idx(total));
        Value rowC = arith::MinUIOp::create(b, loc, row, idx(total - 1));
        SmallVector<Value> pos(base);
        delinearize(rowC, dims, c.ranges, pos);
        Value kq = arith::AddIOp::create(b, loc, k0, arith::MulIOp::create(b, loc, q, idx(4)));
        Value in = partial ? (Value)arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, w,
                                                           idx(units))
                           : Value();
        if (wordsView) {
          Value ok = arith::AndIOp::create(
              b, loc, rowOK, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, kq, idx(c.k)));
          pos[c.kDim] = arith::MinUIOp::create(b, loc, kq, idx(c.k - 4 * vec));
          SmallVector<Value> at = apply(map, pos);
          Value lin = at[0];
          for (int64_t d = 1; d < memType.getRank(); ++d)
            lin = arith::AddIOp::create(
                b, loc, arith::MulIOp::create(b, loc, lin, idx(memType.getDimSize(d))), at[d]);
          Value w4 = arith::DivUIOp::create(b, loc, lin, idx(4));
          Value n = arith::SelectOp::create(b, loc, ok, idx(vec), idx(0));
          OpBuilder::InsertionGuard g2(b);
          if (in) {
            auto guard = scf::IfOp::create(b, loc, in, false);
            b.setInsertionPointToStart(&guard.getThenRegion().front());
          }
          nvgpu::DeviceAsyncCopyOp::create(b, loc,
                                           nvgpu::DeviceAsyncTokenType::get(b.getContext()), tile,
                                           ValueRange{stage, r, q}, wordsView, ValueRange{w4},
                                           b.getIndexAttr(vec), n,
                                           vec == 4 ? b.getUnitAttr() : UnitAttr());
          continue;
        }
        Value word = zero32;
        for (int j = 0; j < 4; ++j) {
          Value kk = arith::AddIOp::create(b, loc, kq, idx(j));
          Value ok = arith::AndIOp::create(
              b, loc, rowOK, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, kk, idx(c.k)));
          pos[c.kDim] = arith::MinUIOp::create(b, loc, kk, idx(c.k - 1));
          Value v = gather && &f == &c.a
                        ? loadGathered(*gather, apply(map, pos))
                        : (Value)memref::LoadOp::create(b, loc, mem, apply(map, pos));
          Value v32 = arith::ExtUIOp::create(b, loc, b.getI32Type(), v);
          if (&f == &c.a ? flipA : flipB)
            v32 = arith::XOrIOp::create(b, loc, v32, i32(0x80)); // a - 128, as a signed byte
          v32 = arith::SelectOp::create(b, loc, ok, v32, zero32);
          if (j)
            v32 = arith::ShLIOp::create(b, loc, v32, i32(8 * j));
          word = j ? (Value)arith::OrIOp::create(b, loc, word, v32) : v32;
        }
        pending.push_back({word, r, q, in});
      }
    };
    auto store = [&](ArrayRef<Pending> pending, Value tile, Value stage) {
      for (const Pending &p : pending) {
        OpBuilder::InsertionGuard g2(b);
        if (p.in) {
          auto guard = scf::IfOp::create(b, loc, p.in, false);
          b.setInsertionPointToStart(&guard.getThenRegion().front());
        }
        memref::StoreOp::create(b, loc, p.word, tile, ValueRange{stage, p.r, p.q});
      }
    };
    // Both operands' step `step` of K into stage `stage`; the cp.async
    // copies of the step make one group.
    Value lastGroup;
    auto issueStep = [&](Value step, Value stage, SmallVectorImpl<Pending> &pa,
                         SmallVectorImpl<Pending> &pb) {
      Value k0 = arith::MulIOp::create(b, loc, step, idx(tk));
      issue(c.a, viewA, c.mDims, c.m, m0, tm, sa, stage, k0, pa);
      issue(c.b, viewB, c.nDims, c.n, n0, tn, sb, stage, k0, pb);
      if (anyAsync)
        lastGroup = nvgpu::DeviceAsyncCreateGroupOp::create(
            b, loc, nvgpu::DeviceAsyncTokenType::get(b.getContext()), ValueRange{});
    };
    // The prologue: steps 0 .. stages - 2 into their stages (none where K
    // is empty: the loop below then runs no step).
    for (int64_t s = 0; ktiles > 0 && s + 1 < stages; ++s) {
      SmallVector<Pending> pa, pb;
      issueStep(idx(s), idx(s), pa, pb);
      store(pa, sa, idx(s));
      store(pb, sb, idx(s));
    }
    // (the waits name a group of the prologue: their count is what matters)
    Value waitToken = lastGroup;
    // Step t: wait for its copies (the newer stages - 2 groups may still
    // run) and for every thread (its stores of step t are done, and so are
    // its products of step t - 1, whose stage step t + stages - 1 reuses);
    // start step t + stages - 1 (past the end: zeros, harmlessly); multiply
    // step t; store the registers' words of step t + stages - 1. One barrier
    // per step.
    auto loop = scf::ForOp::create(b, loc, idx(0), idx(ktiles), one, init);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(loop.getBody());
      Value t = loop.getInductionVar();
      if (waitToken)
        nvgpu::DeviceAsyncWaitOp::create(b, loc, waitToken, b.getI32IntegerAttr(stages - 2));
      gpu::BarrierOp::create(b, loc);
      Value next = arith::AddIOp::create(b, loc, t, idx(stages - 1));
      Value nextStage = arith::RemUIOp::create(b, loc, next, idx(stages));
      SmallVector<Pending> pa, pb;
      issueStep(next, nextStage, pa, pb);
      Value cur = arith::RemUIOp::create(b, loc, t, idx(stages));
      SmallVector<Value> acc(loop.getRegionIterArgs().begin(), loop.getRegionIterArgs().end());
      auto word = [&](Value tile, Value row, int64_t q) -> Value {
        return memref::LoadOp::create(b, loc, tile, ValueRange{cur, row, idx(q)});
      };
      if (mma) {
        // The fragments of m16n8k32 (row.col), as the PTX ISA lays them
        // out: a0 (row gid, bytes 4 tig..), a1 (row gid + 8), a2, a3 (the
        // same, 16 bytes on); b0 (column gid, bytes 4 tig..), b1 (16 on).
        // One 32-bit word of the staged tiles each.
        MLIRContext *ctx = b.getContext();
        Type i32t = b.getI32Type();
        auto resTy = LLVM::LLVMStructType::getLiteral(ctx, {i32t, i32t, i32t, i32t});
        Value r0 = arith::AddIOp::create(b, loc, wrow, gid);
        Value r8 = arith::AddIOp::create(b, loc, r0, idx(8));
        // ldmatrix.x4 (8 x 16-byte matrices; lane l gives the address of
        // row l % 8 of matrix l / 8, and gets back, of each matrix, the 4
        // bytes at row l / 4, bytes 4 (l % 4)..: one fragment register).
        // A: matrices rows 0-7 / 8-15 of the warp's 16, bytes 0-15 / 16-31
        // of the 32 of a product: a0, a1, a2, a3.
        auto vecTy = VectorType::get({4, 1}, b.getI32Type());
        auto ldm = [&](Value tile, Value row, Value word) {
          Value v = nvgpu::LdMatrixOp::create(b, loc, vecTy, tile, ValueRange{cur, row, word},
                                              /*transpose=*/false, /*numTiles=*/4);
          SmallVector<Value> r;
          for (int64_t i = 0; i < 4; ++i)
            r.push_back(vector::ExtractOp::create(b, loc, v, ArrayRef<int64_t>{i, 0}));
          return r;
        };
        Value l8 = arith::RemUIOp::create(b, loc, lane, idx(8));
        Value lq = arith::DivUIOp::create(b, loc, lane, idx(8));
        Value rowA = arith::AddIOp::create(
            b, loc, arith::AddIOp::create(b, loc, wrow, l8),
            arith::MulIOp::create(b, loc, arith::RemUIOp::create(b, loc, lq, idx(2)), idx(8)));
        Value wordA =
            arith::MulIOp::create(b, loc, arith::DivUIOp::create(b, loc, lq, idx(2)), idx(4));
        // B: for column blocks j, j + 1: matrices (j, bytes 0-15), (j, 16-31),
        // (j + 1, 0-15), (j + 1, 16-31): b0, b1 of each.
        Value wordB =
            arith::MulIOp::create(b, loc, arith::RemUIOp::create(b, loc, lq, idx(2)), idx(4));
        SmallVector<Value> rowsB;
        for (int64_t j = 0; j < 4; j += 2)
          rowsB.push_back(arith::AddIOp::create(
              b, loc, arith::AddIOp::create(b, loc, wcol, l8),
              arith::MulIOp::create(
                  b, loc,
                  arith::AddIOp::create(b, loc, arith::DivUIOp::create(b, loc, lq, idx(2)),
                                        idx(j)),
                  idx(8))));
        auto ptx = [](bool sgn) { return sgn ? NVVM::MMATypes::s8 : NVVM::MMATypes::u8; };
        // One product of 32 bytes of K per 8 words of the step.
        for (int64_t kb = 0; kb < kw; kb += 8) {
          SmallVector<Value> a =
              ldm(sa, rowA, arith::AddIOp::create(b, loc, wordA, idx(kb)));
          SmallVector<Value> bfrag;
          for (Value rowB : rowsB) {
            auto got = ldm(sb, rowB, arith::AddIOp::create(b, loc, wordB, idx(kb)));
            bfrag.append(got.begin(), got.end());
          }
          for (int64_t j = 0; j < 4; ++j) {
            SmallVector<Value> bw = {bfrag[2 * j], bfrag[2 * j + 1]};
            SmallVector<Value> cw(acc.begin() + 4 * j, acc.begin() + 4 * j + 4);
            auto op = NVVM::MmaOp::create(
                b, loc, resTy, a, bw, cw, {16, 8, 32}, std::nullopt,
                NVVM::MMAIntOverflow::wrapped,
                std::array<NVVM::MMATypes, 2>{ptx(c.a.isSigned), ptx(c.b.isSigned)},
                std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row, NVVM::MMALayout::col});
            for (int64_t t = 0; t < 4; ++t)
              acc[4 * j + t] = LLVM::ExtractValueOp::create(b, loc, op.getResult(), t);
          }
        }
        int64_t sidx = slots.size();
        if (zpB)
          for (int64_t i = 0; i < 2; ++i, ++sidx)
            for (int64_t q = 0; q < kw; ++q)
              acc[sidx] = dot4(word(sa, i ? r8 : r0, q), c.a.isSigned, ones, c.a.isSigned,
                               acc[sidx], true);
        if (zpA)
          for (int64_t j = 0; j < 8; ++j, ++sidx) {
            Value col = arith::AddIOp::create(
                b, loc, wcol,
                arith::AddIOp::create(b, loc, arith::MulIOp::create(b, loc, tig, idx(2)),
                                      idx(8 * (j / 2) + (j & 1))));
            for (int64_t q = 0; q < kw; ++q)
              acc[sidx] = dot4(word(sb, col, q), c.b.isSigned, ones, c.b.isSigned, acc[sidx],
                               true);
          }
      } else if (cm) {
        // Per coop.k bytes of the step: the subgroup's fragments of A (rows,
        // K contiguous) and of B (columns, K contiguous: column-major K x N),
        // loaded from the staged words (the stride counts 32-bit words).
        IntegerAttr lead = b.getIndexAttr(kwp);
        for (int64_t kc = 0; kc < tk; kc += coop.k) {
          SmallVector<Value> af, bf;
          for (int64_t i = 0; i < fm; ++i)
            af.push_back(gpu::SubgroupMmaLoadMatrixOp::create(
                b, loc, fragA, sa,
                ValueRange{cur, arith::AddIOp::create(b, loc, wrow, idx(i * coop.m)),
                           idx(kc / 4)},
                lead, UnitAttr()));
          for (int64_t j = 0; j < fn; ++j)
            bf.push_back(gpu::SubgroupMmaLoadMatrixOp::create(
                b, loc, fragB, sb,
                ValueRange{cur, arith::AddIOp::create(b, loc, wcol, idx(j * coop.n)),
                           idx(kc / 4)},
                lead, b.getUnitAttr()));
          for (int64_t i = 0; i < fm; ++i)
            for (int64_t j = 0; j < fn; ++j)
              acc[i * fn + j] = gpu::SubgroupMmaComputeOp::create(
                  b, loc, fragC, af[i], bf[j], acc[i * fn + j], UnitAttr(), UnitAttr());
        }
        int64_t sidx = fm * fn;
        if (zpB)
          for (int64_t i = 0; i < numSumA; ++i, ++sidx)
            for (int64_t q = 0; q < kw; ++q)
              acc[sidx] = dot4(word(sa, sumRows[i], q), true, ones, true, acc[sidx], true);
        if (zpA)
          for (int64_t j = 0; j < numSumB; ++j, ++sidx)
            for (int64_t q = 0; q < kw; ++q)
              acc[sidx] = dot4(word(sb, sumCols[j], q), true, ones, true, acc[sidx], true);
      } else {
        for (int64_t q = 0; q < kw; ++q) {
          SmallVector<Value> av, bv;
          for (int64_t i = 0; i < rm; ++i)
            av.push_back(word(sa, slots[i * rn].row, q));
          for (int64_t j = 0; j < rn; ++j)
            bv.push_back(word(sb, slots[j].col, q));
          for (int64_t i = 0; i < rm; ++i)
            for (int64_t j = 0; j < rn; ++j)
              acc[i * rn + j] =
                  dot4(av[i], c.a.isSigned, bv[j], c.b.isSigned, acc[i * rn + j], satOK);
          int64_t sidx = rm * rn;
          if (zpB)
            for (int64_t i = 0; i < rm; ++i, ++sidx)
              acc[sidx] = dot4(av[i], c.a.isSigned, ones, c.a.isSigned, acc[sidx], true);
          if (zpA)
            for (int64_t j = 0; j < rn; ++j, ++sidx)
              acc[sidx] = dot4(bv[j], c.b.isSigned, ones, c.b.isSigned, acc[sidx], true);
        }
      }
      store(pa, sa, nextStage);
      store(pb, sb, nextStage);
      scf::YieldOp::create(b, loc, acc);
    }
    // No copy outlives the kernel's use of workgroup memory.
    if (waitToken)
      nvgpu::DeviceAsyncWaitOp::create(b, loc, waitToken, b.getI32IntegerAttr(0));
    // The epilogue, per accumulator: `r` at (rowT, colT) of the tile, with
    // the sums of its row of a (zpB) and of its column of b (zpA).
    auto maps = gmaps;
    auto finish = [&](Value rowT, Value colT, Value r, Value sumA, Value sumB) {
        Value row = arith::AddIOp::create(b, loc, m0, rowT);
        Value col = arith::AddIOp::create(b, loc, n0, colT);
        Value in = arith::AndIOp::create(
            b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, row, idx(c.m)),
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, col, idx(c.n)));
        auto guard = scf::IfOp::create(b, loc, in, false);
        OpBuilder::InsertionGuard g2(b);
        b.setInsertionPointToStart(&guard.getThenRegion().front());
        SmallVector<Value> pos(base);
        delinearize(row, c.mDims, c.ranges, pos);
        delinearize(col, c.nDims, c.ranges, pos);
        pos[c.kDim] = idx(0);
        // (a flipped operand's zero point moves with its bytes: za - 128)
        auto zpValue = [&](const Factor &f, bool flip) -> Value {
          if (f.zpInput >= 0) {
            Value v = g.getDpsInputs()[f.zpInput];
            Value z = memref::LoadOp::create(b, loc, v, apply(maps[f.zpInput], pos));
            return flip ? (Value)arith::SubIOp::create(b, loc, z, i32(128)) : z;
          }
          return i32(f.zpConst.value_or(0) - (flip ? 128 : 0));
        };
        Value za = zpA ? zpValue(c.a, flipA) : Value(), zb = zpB ? zpValue(c.b, flipB) : Value();
        if (zpB)
          r = arith::SubIOp::create(b, loc, r, arith::MulIOp::create(b, loc, zb, sumA));
        if (zpA)
          r = arith::SubIOp::create(b, loc, r, arith::MulIOp::create(b, loc, za, sumB));
        if (zpA && zpB)
          r = arith::AddIOp::create(
              b, loc, r,
              arith::MulIOp::create(b, loc, i32(c.k), arith::MulIOp::create(b, loc, za, zb)));
        SmallVector<Value> outIdx = apply(maps.back(), pos);
        // The indices of a view of the output (the fused ops may work on
        // it with dimensions collapsed).
        auto viewIdx = [&](Value v) {
          auto groups = *viewGroups(v, out);
          SmallVector<Value> r;
          for (const ReassociationIndices &grp : groups) {
            Value lin = outIdx[grp[0]];
            for (int64_t d : ArrayRef<int64_t>(grp).drop_front())
              lin = arith::AddIOp::create(
                  b, loc, arith::MulIOp::create(b, loc, lin, idx(outType.getDimSize(d))),
                  outIdx[d]);
            r.push_back(lin);
          }
          return r;
        };
        Value initV;
        if (auto fill = dyn_cast_or_null<linalg::FillOp>(producer))
          initV = fill.getInputs()[0];
        else if (producer)
          initV = inlineBody(cast<linalg::GenericOp>(producer),
                             viewIdx(cast<linalg::GenericOp>(producer).getDpsInits()[0]), -1,
                             Value());
        else
          initV = memref::LoadOp::create(b, loc, out, outIdx);
        r = arith::AddIOp::create(b, loc, initV, r);
        if (consumer) {
          SmallVector<Value> at = viewIdx(consumer.getDpsInputs()[consumerInput]);
          Value y = inlineBody(consumer, at, consumerInput, r);
          memref::StoreOp::create(b, loc, y, consumer.getDpsInits()[0], at);
        } else {
          memref::StoreOp::create(b, loc, r, out, outIdx);
        }
    };
    if (!cm) {
      for (auto [slotNo, slot] : llvm::enumerate(slots)) {
        int64_t s = slots.size();
        Value sumA = zpB ? loop.getResult(s + slot.sumA) : Value();
        s += zpB ? numSumA : 0;
        Value sumB = zpA ? loop.getResult(s + slot.sumB) : Value();
        finish(slot.row, slot.col, loop.getResult(slotNo), sumA, sumB);
      }
    } else {
      // The fragments and the sums into workgroup memory, then each thread
      // finishes elements t, t + threads, ... of the tile.
      auto tileC = MemRefType::get({tm, tn}, b.getI32Type(), MemRefLayoutAttrInterface(), wg);
      auto sumsA = MemRefType::get({tm}, b.getI32Type(), MemRefLayoutAttrInterface(), wg);
      auto sumsB = MemRefType::get({tn}, b.getI32Type(), MemRefLayoutAttrInterface(), wg);
      Value sc, ssa, ssb;
      {
        OpBuilder::InsertionGuard g2(b);
        b.setInsertionPointToStart(&kb);
        sc = memref::AllocOp::create(b, loc, tileC);
        ssa = memref::AllocOp::create(b, loc, sumsA);
        ssb = memref::AllocOp::create(b, loc, sumsB);
      }
      for (int64_t i = 0; i < fm; ++i)
        for (int64_t j = 0; j < fn; ++j)
          gpu::SubgroupMmaStoreMatrixOp::create(
              b, loc, loop.getResult(i * fn + j), sc,
              ValueRange{arith::AddIOp::create(b, loc, wrow, idx(i * coop.m)),
                         arith::AddIOp::create(b, loc, wcol, idx(j * coop.n))},
              b.getIndexAttr(tn), UnitAttr());
      int64_t s = fm * fn;
      auto storeSums = [&](ArrayRef<Value> at, int64_t count, int64_t size, Value mem) {
        for (int64_t i = 0; i < count; ++i, ++s) {
          Value t = arith::AddIOp::create(b, loc, tid, idx(i * threads));
          auto guard = scf::IfOp::create(
              b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, t, idx(size)),
              false);
          OpBuilder::InsertionGuard g2(b);
          b.setInsertionPointToStart(&guard.getThenRegion().front());
          memref::StoreOp::create(b, loc, loop.getResult(s), mem, ValueRange{at[i]});
        }
      };
      if (zpB)
        storeSums(sumRows, numSumA, tm, ssa);
      if (zpA)
        storeSums(sumCols, numSumB, tn, ssb);
      gpu::BarrierOp::create(b, loc);
      int64_t per = (tm * tn + threads - 1) / threads;
      auto each = scf::ForOp::create(b, loc, idx(0), idx(per), one);
      OpBuilder::InsertionGuard g2(b);
      b.setInsertionPointToStart(each.getBody());
      Value flat = arith::AddIOp::create(
          b, loc, tid, arith::MulIOp::create(b, loc, each.getInductionVar(), idx(threads)));
      if ((tm * tn) % threads) {
        auto guard = scf::IfOp::create(
            b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, flat, idx(tm * tn)),
            false);
        b.setInsertionPointToStart(&guard.getThenRegion().front());
      }
      Value rowT = arith::DivUIOp::create(b, loc, flat, idx(tn));
      Value colT = arith::RemUIOp::create(b, loc, flat, idx(tn));
      Value r = memref::LoadOp::create(b, loc, sc, ValueRange{rowT, colT});
      Value sumA = zpB ? (Value)memref::LoadOp::create(b, loc, ssa, ValueRange{rowT}) : Value();
      Value sumB = zpA ? (Value)memref::LoadOp::create(b, loc, ssb, ValueRange{colT}) : Value();
      finish(rowT, colT, r, sumA, sumB);
    }
    // The fused ops go; so does the accumulator where nothing reads it now.
    for (Operation *op : fused) {
      erased.insert(op);
      op->erase();
    }
    if (gather) {
      erased.insert(gather->im2col);
      gather->im2col->erase();
      eraseIfUnused(gather->col);
      if (gather->copy) {
        Value padded = gather->src;
        Operation *sv = gather->copy.getOutputs()[0].getDefiningOp();
        erased.insert(gather->copy);
        erased.insert(gather->fill);
        gather->copy->erase();
        if (sv->use_empty())
          sv->erase();
        gather->fill->erase();
        eraseIfUnused(padded);
      }
    }
    if (consumer && producer)
      eraseIfUnused(outRoot);
  }
};

struct GPUContractions : PassWrapper<GPUContractions, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(GPUContractions)
  GPUContractions() = default;
  GPUContractions(const GPUContractions &other) : PassWrapper(other) {}
  GPUContractions(GPUDot d, bool s, bool tc, int64_t st, GPUCoopMatrix cm) {
    dot = gpuDotName(d).str();
    spirvTarget = s;
    tensorCores = tc;
    stages = st;
    if (cm.m)
      coopmat = std::to_string(cm.m) + "x" + std::to_string(cm.n) + "x" + std::to_string(cm.k);
    subgroup = cm.subgroup;
  }
  StringRef getArgument() const override { return "octet-gpu-contractions"; }
  StringRef getDescription() const override {
    return "Turn 8-bit matrix products (linalg on buffers) into tiled dot-product GPU kernels, "
           "with the bias and the requantize epilogue fused";
  }
  void getDependentDialects(DialectRegistry &r) const override {
    r.insert<gpu::GPUDialect, scf::SCFDialect, arith::ArithDialect, memref::MemRefDialect,
             affine::AffineDialect, spirv::SPIRVDialect, NVVM::NVVMDialect,
             LLVM::LLVMDialect, nvgpu::NVGPUDialect, vector::VectorDialect>();
  }
  Option<std::string> dot{*this, "dot",
                          llvm::cl::desc("4-way dot products: scalar, spirv or nvvm"),
                          llvm::cl::init("scalar")};
  Option<bool> spirvTarget{*this, "spirv",
                           llvm::cl::desc("Kernels for SPIR-V (workgroup memory as memory space 3)"),
                           llvm::cl::init(false)};
  Option<bool> tensorCores{*this, "tensor-cores",
                           llvm::cl::desc("NVVM: mma.sync m16n8k32 for the products it fits"),
                           llvm::cl::init(false)};
  Option<int64_t> stages{*this, "stages",
                         llvm::cl::desc("Steps of K in flight per kernel, 2 to 4 (0: 3 where "
                                        "cp.async copies, else 2)"),
                         llvm::cl::init(0)};
  Option<std::string> coopmat{
      *this, "coopmat",
      llvm::cl::desc("SPIR-V: cooperative-matrix fragments MxNxK (s8 x s8 -> s32; K divides 32, "
                     "a multiple of 4) for the products that fill a tile (empty: none)"),
      llvm::cl::init("")};
  Option<int64_t> subgroup{*this, "subgroup",
                           llvm::cl::desc("The device's subgroup size (with coopmat)"),
                           llvm::cl::init(0)};

  GPUDot kind = GPUDot::Scalar;

  void runOnOperation() override {
    auto parsed = parseGPUDot(dot);
    if (!parsed) {
      getOperation().emitError() << "octet-gpu-contractions: unknown dot '" << dot << "'";
      return signalPassFailure();
    }
    kind = *parsed;
    GPUCoopMatrix cm;
    if (!coopmat.empty()) {
      llvm::SmallVector<StringRef> parts;
      StringRef(coopmat).split(parts, 'x');
      bool bad = parts.size() != 3 || parts[0].getAsInteger(10, cm.m) ||
                 parts[1].getAsInteger(10, cm.n) || parts[2].getAsInteger(10, cm.k);
      if (bad || cm.m < 1 || cm.n < 1 || cm.m > 64 || cm.n > 64 || cm.k < 4 || cm.k % 4 ||
          32 % cm.k || subgroup < 1 || !spirvTarget) {
        getOperation().emitError()
            << "octet-gpu-contractions: coopmat '" << coopmat
            << "' needs spirv, a subgroup size and fragments MxNxK with M, N in 1..64 and K "
               "a multiple of 4 dividing 32";
        return signalPassFailure();
      }
      cm.subgroup = subgroup;
    }
    if (stages != 0 && (stages < 2 || stages > 4)) {
      getOperation().emitError() << "octet-gpu-contractions: stages must be 0 (chosen per "
                                    "kernel) or 2 to 4, not "
                                 << stages;
      return signalPassFailure();
    }
    SmallVector<linalg::GenericOp> work;
    getOperation().walk([&](linalg::GenericOp g) {
      if (isa<func::FuncOp>(g->getParentOp()))
        work.push_back(g);
    });
    llvm::DenseSet<Operation *> erased;
    for (linalg::GenericOp g : work)
      if (!erased.contains(g))
        if (auto c = matchContraction(g)) {
          Emitter e(g.getLoc(), kind, spirvTarget, tensorCores, erased);
          e.stagesOption = stages;
          e.coop = cm;
          e.emit(*c);
        }
  }

};

} // namespace

StringRef gpuDotName(GPUDot d) {
  switch (d) {
  case GPUDot::Scalar:
    return "scalar";
  case GPUDot::SPIRV:
    return "spirv";
  case GPUDot::NVVM:
    return "nvvm";
  }
  return "scalar";
}

std::optional<GPUDot> parseGPUDot(StringRef s) {
  if (s == "scalar")
    return GPUDot::Scalar;
  if (s == "spirv")
    return GPUDot::SPIRV;
  if (s == "nvvm")
    return GPUDot::NVVM;
  return std::nullopt;
}

std::unique_ptr<Pass> createGPUContractionsPass(GPUDot dot, bool spirv, bool tensorCores,
                                                int64_t stages, GPUCoopMatrix coop) {
  return std::make_unique<GPUContractions>(dot, spirv, tensorCores, stages, coop);
}

void registerGPUContractionsPass() { PassRegistration<GPUContractions>(); }

} // namespace octet
