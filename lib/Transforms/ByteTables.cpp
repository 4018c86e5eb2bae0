//===- ByteTables.cpp - 8-bit elementwise float islands as tables ---------===//
//
// A quantized elementwise function (dequantize, float ops, quantize, fused
// into one linalg.generic by octet-fuse-elementwise) whose only tensor input
// is 8 bits wide depends on the input byte alone: run its body once over the
// 256 byte values and look the table up per element.
//
//===----------------------------------------------------------------------===//

#include "octet/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::octet {
#define GEN_PASS_DEF_OCTETBYTETABLES
#include "octet/Transforms/Passes.h.inc"
} // namespace mlir::octet

using namespace mlir;

namespace {
/// Tensors smaller than this keep their per-element code (the table costs
/// 256 evaluations).
constexpr int64_t kMinElements = 1024;

bool isByteTensor(Type t) {
  auto rt = dyn_cast<RankedTensorType>(t);
  return rt && rt.hasStaticShape() && rt.getElementType().isInteger(8);
}

/// Whether `g` is a one-input, one-output elementwise generic on 8-bit
/// tensors whose body depends on the input byte alone and costs more than
/// a lookup.
bool tableWorthy(linalg::GenericOp g) {
  if (g.getNumDpsInputs() != 1 || g.getNumDpsInits() != 1 || g->getNumResults() != 1)
    return false;
  if (g.getNumLoops() != g.getNumParallelLoops() || !g.hasPureTensorSemantics())
    return false;
  Value in = g.getDpsInputOperand(0)->get();
  Value out = g.getDpsInitOperand(0)->get();
  if (!isByteTensor(in.getType()) || !isByteTensor(out.getType()))
    return false;
  for (AffineMap m : g.getIndexingMapsArray())
    if (!m.isPermutation())
      return false;
  if (cast<RankedTensorType>(out.getType()).getNumElements() < kMinElements)
    return false;
  Block &body = g.getRegion().front();
  // The output's block argument (the init value) must be unused: the table
  // holds f(byte) only.
  if (!body.getArgument(1).use_empty())
    return false;
  int64_t ops = 0;
  bool costly = false;
  bool positional = false;
  body.walk([&](Operation *op) {
    ++ops;
    if (isa<linalg::IndexOp>(op))
      positional = true;
    if (isa<arith::DivFOp>(op) || isa<math::MathDialect>(op->getDialect()))
      costly = true;
    // Reads of other tensors inside the body would make the result depend
    // on more than the byte.
    if (isa<tensor::ExtractOp>(op))
      positional = true;
  });
  return !positional && (costly || ops >= 16);
}

struct ByteTablesPass : octet::impl::OctetByteTablesBase<ByteTablesPass> {
  void runOnOperation() override {
    SmallVector<linalg::GenericOp> todo;
    getOperation()->walk([&](linalg::GenericOp g) {
      if (tableWorthy(g))
        todo.push_back(g);
    });
    for (linalg::GenericOp g : todo)
      rewrite(g);
  }

  void rewrite(linalg::GenericOp g) {
    IRRewriter b(g.getContext());
    b.setInsertionPoint(g);
    Location loc = g.getLoc();
    Type i8 = b.getI8Type();
    auto tableType = RankedTensorType::get({256}, i8);
    // The 256 byte values, 0..255 (as i8: 0..127, -128..-1).
    SmallVector<APInt> bytes;
    for (int v = 0; v < 256; ++v)
      bytes.push_back(APInt(8, v));
    Value all = arith::ConstantOp::create(b, loc, tableType,
                                          DenseElementsAttr::get(tableType, bytes));
    Value empty = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{256}, i8);
    AffineMap id1 = b.getMultiDimIdentityMap(1);
    auto table = linalg::GenericOp::create(
        b, loc, TypeRange{tableType}, ValueRange{all}, ValueRange{empty},
        ArrayRef<AffineMap>{id1, id1}, ArrayRef<utils::IteratorType>{utils::IteratorType::parallel});
    // The same body, cloned (block arguments: the byte and the unused init).
    IRMapping map;
    g.getRegion().cloneInto(&table.getRegion(), map);
    // The lookup per element.
    Value in = g.getDpsInputOperand(0)->get();
    Value init = g.getDpsInitOperand(0)->get();
    auto lookup = linalg::GenericOp::create(
        b, loc, TypeRange{init.getType()}, ValueRange{in}, ValueRange{init},
        g.getIndexingMapsArray(), g.getIteratorTypesArray(),
        [&](OpBuilder &nb, Location l, ValueRange args) {
          Value wide = arith::ExtUIOp::create(nb, l, nb.getI32Type(), args[0]);
          Value at = arith::IndexCastOp::create(nb, l, nb.getIndexType(), wide);
          Value v = tensor::ExtractOp::create(nb, l, table.getResult(0), ValueRange{at});
          linalg::YieldOp::create(nb, l, v);
        });
    b.replaceOp(g, lookup.getResults());
  }
};
} // namespace
