//===- BatchAnalysis.cpp - does a graph keep the samples of a batch apart? ===//
//
// Two imports of one model at batch sizes na and nb are walked op by op.
// Shapes say where each value's batch axis is (the one dimension that is na
// in one and nb in the other); a rule per op says whether the op may read
// its operands' batch axes there without mixing samples, and where the
// result's batch axis must then be.
//
//===----------------------------------------------------------------------===//

#include "octet/Dialect/Octet/BatchAnalysis.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;

namespace octet {
namespace {

constexpr int kNone = -1; // the value does not depend on the batch

/// Whether two element attributes hold the same values (resource blobs of
/// two imports are different handles over equal bytes).
bool sameElements(Attribute x, Attribute y) {
  if (x == y)
    return true;
  auto rx = dyn_cast<DenseResourceElementsAttr>(x);
  auto ry = dyn_cast<DenseResourceElementsAttr>(y);
  if (rx && ry && rx.getType() == ry.getType()) {
    AsmResourceBlob *bx = rx.getRawHandle().getBlob();
    AsmResourceBlob *by = ry.getRawHandle().getBlob();
    return bx && by && bx->getData() == by->getData();
  }
  return false;
}

/// The attributes of an op, except those holding constants' values, equal
/// in both imports.
bool sameAttributes(Operation *x, Operation *y) {
  if (x->getAttrs().size() != y->getAttrs().size())
    return false;
  for (auto [ax, ay] : llvm::zip(x->getAttrs(), y->getAttrs()))
    if (ax.getName() != ay.getName() || !sameElements(ax.getValue(), ay.getValue()))
      return false;
  return true;
}

int64_t product(ArrayRef<int64_t> dims) {
  int64_t p = 1;
  for (int64_t d : dims)
    p *= d;
  return p;
}

class Checker {
public:
  Checker(int64_t na, int64_t nb) : na(na), nb(nb) {}

  LogicalResult run(func::FuncOp fa, func::FuncOp fb);

private:
  int64_t na, nb;
  llvm::DenseMap<Value, int> axis; // values of `a`
  /// Values of `a` that differ from `b`'s without carrying the batch:
  /// constants computed from the batch size (a folded Shape, say). Harmless
  /// until an op reads one together with the data.
  llvm::DenseSet<Value> fromBatchSize;

  int axisOf(Value v) const {
    auto it = axis.find(v);
    return it == axis.end() ? kNone : it->second;
  }
  /// The batch axis of a value from its types in both imports, or failure
  /// when a dimension other than one batch axis depends on the batch.
  FailureOr<int> axisFromTypes(Type ta, Type tb) const;
  /// Where op `op`'s result must carry the batch given its operands' axes,
  /// or an error message saying why the op mixes samples.
  FailureOr<int> ruleFor(Operation *op, ArrayRef<int> in, std::string &why) const;
};

FailureOr<int> Checker::axisFromTypes(Type ta, Type tb) const {
  if (ta == tb)
    return kNone;
  auto ra = dyn_cast<RankedTensorType>(ta), rb = dyn_cast<RankedTensorType>(tb);
  if (!ra || !rb || ra.getRank() != rb.getRank() ||
      ra.getElementType() != rb.getElementType() || !ra.hasStaticShape() ||
      !rb.hasStaticShape())
    return failure();
  int found = kNone;
  for (int64_t k = 0; k < ra.getRank(); ++k) {
    if (ra.getDimSize(k) == rb.getDimSize(k))
      continue;
    if (found != kNone || ra.getDimSize(k) != na || rb.getDimSize(k) != nb)
      return failure();
    found = (int)k;
  }
  return found;
}

static const llvm::StringSet<> &elementwiseOps() {
  static const llvm::StringSet<> ops = {
      "quantize", "dequantize", "requantize", "storage_cast", "add", "sub", "mul", "div",
      "pow", "max", "min", "prelu", "and", "or", "xor", "mod", "compare", "where", "clamp",
      "cast", "sigmoid", "tanh", "gelu", "erf", "sqrt", "exp", "neg", "reciprocal",
      "hard_swish", "abs", "log", "floor", "ceil", "round", "softplus", "softsign", "mish",
      "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh",
      "sign", "leaky_relu", "elu", "selu", "hard_sigmoid", "celu", "thresholded_relu",
      "shrink"};
  return ops;
}

FailureOr<int> Checker::ruleFor(Operation *op, ArrayRef<int> in, std::string &why) const {
  StringRef name = op->getName().getStringRef();
  if (!name.consume_front("octet.")) {
    why = "Octet does not know whether '" + op->getName().getStringRef().str() +
          "' keeps the samples apart";
    return failure();
  }
  auto rankOf = [&](Value v) { return (int)cast<ShapedType>(v.getType()).getRank(); };
  auto shapeOf = [&](Value v) { return cast<ShapedType>(v.getType()).getShape(); };
  auto intAttr = [&](StringRef attr) -> int64_t {
    if (auto i = op->getAttrOfType<IntegerAttr>(attr))
      return i.getInt();
    return 0;
  };
  auto boolAttr = [&](StringRef attr, bool dflt) {
    if (auto b = op->getAttrOfType<BoolAttr>(attr))
      return b.getValue();
    return dflt;
  };
  auto arrayAttr = [&](StringRef attr) -> ArrayRef<int64_t> {
    if (auto a = op->getAttrOfType<DenseI64ArrayAttr>(attr))
      return a.asArrayRef();
    return {};
  };
  // Only operand 0 may carry the batch (weights, scales, biases may not).
  auto onlyFirst = [&](const char *what) -> bool {
    for (size_t k = 1; k < in.size(); ++k)
      if (in[k] != kNone) {
        why = std::string("its ") + what + " operand " + std::to_string(k) +
              " depends on the batch";
        return false;
      }
    if (in[0] == kNone) {
      why = "its first operand does not carry the batch";
      return false;
    }
    return true;
  };
  int r = op->getNumResults() ? rankOf(op->getResult(0)) : 0;

  if (elementwiseOps().contains(name)) {
    // Broadcasting aligns trailing dimensions: every batched operand's axis
    // lands on the same result axis.
    int out = kNone;
    for (auto [k, a] : llvm::enumerate(in)) {
      if (a == kNone)
        continue;
      int aligned = a + (r - rankOf(op->getOperand(k)));
      if (out != kNone && aligned != out) {
        why = "its operands carry the batch on different axes";
        return failure();
      }
      out = aligned;
    }
    return out;
  }
  if (name == "conv2d" || name == "conv_integer" || name == "max_pool2d" ||
      name == "avg_pool2d" || name == "global_avg_pool2d" || name == "batch_norm") {
    if (!onlyFirst("weight/parameter"))
      return failure();
    if (in[0] != 0) {
      why = "it takes the batch on axis " + std::to_string(in[0]) + ", not as N";
      return failure();
    }
    return 0;
  }
  if (name == "dynamic_quantize") {
    why = "it quantizes with one range over the whole tensor, so each sample's result "
          "depends on the others";
    return failure();
  }
  if (name == "softmax" || name == "cumsum" || name == "argmax" || name == "argmin") {
    if (!onlyFirst("second"))
      return failure();
    int64_t ax = intAttr("axis");
    if (ax == in[0]) {
      why = "it works along the batch axis " + std::to_string(ax);
      return failure();
    }
    bool drops = (name == "argmax" || name == "argmin") && !boolAttr("keepdims", true);
    return in[0] - (drops && ax < in[0] ? 1 : 0);
  }
  if (name == "layer_norm") {
    if (!onlyFirst("scale/bias"))
      return failure();
    if (in[0] >= intAttr("axis")) {
      why = "it normalizes over axes from " + std::to_string(intAttr("axis")) +
            ", the batch axis among them";
      return failure();
    }
    return in[0];
  }
  if (name.starts_with("reduce_")) {
    if (!onlyFirst("second"))
      return failure();
    ArrayRef<int64_t> axes = arrayAttr("axes");
    if (llvm::is_contained(axes, (int64_t)in[0])) {
      why = "it reduces over the batch axis " + std::to_string(in[0]);
      return failure();
    }
    int out = in[0];
    if (!boolAttr("keepdims", true))
      out -= llvm::count_if(axes, [&](int64_t x) { return x < in[0]; });
    return out;
  }
  if (name == "transpose") {
    if (!onlyFirst("second"))
      return failure();
    ArrayRef<int64_t> perm = arrayAttr("permutation");
    if (perm.empty())
      perm = arrayAttr("perm");
    for (auto [j, p] : llvm::enumerate(perm))
      if (p == in[0])
        return (int)j;
    why = "its permutation is not known";
    return failure();
  }
  if (name == "reshape") {
    if (!onlyFirst("shape"))
      return failure();
    // Row-major: the samples stay contiguous slabs when the dimensions
    // before and after the batch axis hold as many elements on both sides.
    ArrayRef<int64_t> from = shapeOf(op->getOperand(0)), to = shapeOf(op->getResult(0));
    for (int j = 0; j < (int)to.size(); ++j)
      if (to[j] == from[in[0]] && product(from.take_front(in[0])) == product(to.take_front(j)) &&
          product(from.drop_front(in[0] + 1)) == product(to.drop_front(j + 1)))
        return j;
    why = "it moves elements across the batch axis";
    return failure();
  }
  if (name == "concat") {
    int64_t ax = intAttr("axis");
    for (int a : in)
      if (a != in[0]) {
        why = "it joins batched and unbatched tensors";
        return failure();
      }
    if (ax == in[0]) {
      why = "it concatenates along the batch axis";
      return failure();
    }
    return in[0];
  }
  if (name == "slice") {
    if (!onlyFirst("second"))
      return failure();
    ArrayRef<int64_t> starts = arrayAttr("starts"), axes = arrayAttr("axes"),
                      steps = arrayAttr("steps");
    for (size_t k = 0; k < axes.size(); ++k)
      if (axes[k] == in[0] && (k >= starts.size() || starts[k] != 0 ||
                               (k < steps.size() && steps[k] != 1))) {
        why = "it slices the batch axis";
        return failure();
      }
    return in[0];
  }
  if (name == "pad") {
    if (!onlyFirst("second"))
      return failure();
    ArrayRef<int64_t> pads = arrayAttr("pads");
    int rank = rankOf(op->getOperand(0));
    if ((int)pads.size() == 2 * rank && (pads[in[0]] != 0 || pads[in[0] + rank] != 0)) {
      why = "it pads the batch axis";
      return failure();
    }
    return in[0];
  }
  if (name == "resize" || name == "tile") {
    if (!onlyFirst("second"))
      return failure();
    return in[0]; // the result's batch dimension is checked to be the batch
  }
  if (name == "broadcast") {
    if (!onlyFirst("second"))
      return failure();
    return in[0] + (r - rankOf(op->getOperand(0)));
  }
  if (name == "gather") {
    int64_t ax = intAttr("axis");
    int idxRank = rankOf(op->getOperand(1));
    if (in[0] != kNone && in[1] != kNone) {
      why = "both its data and its indices depend on the batch";
      return failure();
    }
    if (in[0] != kNone) {
      if (ax == in[0]) {
        why = "it gathers along the batch axis";
        return failure();
      }
      return in[0] < ax ? in[0] : in[0] + idxRank - 1;
    }
    return (int)ax + in[1]; // each index picks for its own sample
  }
  if (name == "gather_elements") {
    if (in.size() != 2 || in[0] == kNone || in[0] != in[1] || intAttr("axis") == in[0]) {
      why = "it gathers across the batch axis";
      return failure();
    }
    return in[0];
  }
  if (name == "matmul" || name == "matmul_integer") {
    for (size_t k = 2; k < in.size(); ++k)
      if (in[k] != kNone) {
        why = "its zero point depends on the batch";
        return failure();
      }
    int ra = rankOf(op->getOperand(0)), rb = rankOf(op->getOperand(1));
    int nbOut = r - (ra >= 2 ? 1 : 0) - (rb >= 2 ? 1 : 0);
    int out = kNone;
    auto land = [&](int x) {
      if (out != kNone && out != x)
        return false;
      out = x;
      return true;
    };
    if (in[0] != kNone) {
      int a = in[0];
      if (a == ra - 1) {
        why = "it sums over the batch axis (the batch is A's K dimension)";
        return failure();
      }
      if (!land(a == ra - 2 ? nbOut : a + (nbOut - (ra - 2))))
        goto mixed;
    }
    if (in[1] != kNone) {
      int b = in[1];
      if (rb == 1 || b == rb - 2) {
        why = "it sums over the batch axis (the batch is B's K dimension)";
        return failure();
      }
      if (!land(b == rb - 1 ? r - 1 : b + (nbOut - (rb - 2))))
        goto mixed;
    }
    return out;
  mixed:
    why = "it pairs every sample of A with every sample of B";
    return failure();
  }
  if (name == "gemm") {
    bool ta = boolAttr("trans_a", false), tb = boolAttr("trans_b", false);
    int out = kNone;
    if (in[0] != kNone) {
      if (in[0] != (ta ? 1 : 0)) {
        why = "it sums over the batch axis (the batch is A's K dimension)";
        return failure();
      }
      out = 0;
    }
    if (in[1] != kNone) {
      if (in[1] != (tb ? 0 : 1) || out != kNone) {
        why = "it sums over the batch axis or pairs the samples of A and B";
        return failure();
      }
      out = 1;
    }
    if (in.size() > 2 && in[2] != kNone) {
      int aligned = in[2] + (r - rankOf(op->getOperand(2)));
      if (out != kNone && aligned != out) {
        why = "its C operand carries the batch on another axis";
        return failure();
      }
      out = aligned;
    }
    return out;
  }
  why = "Octet does not know that 'octet." + name.str() + "' keeps the samples apart";
  return failure();
}

LogicalResult Checker::run(func::FuncOp fa, func::FuncOp fb) {
  auto fix = " (compile it for a fixed batch with --input-shape)";
  if (fa.getNumArguments() != fb.getNumArguments() ||
      fa.getNumResults() != fb.getNumResults())
    return fa.emitError() << "the model's signature depends on the batch size" << fix;
  for (unsigned k = 0; k < fa.getNumArguments(); ++k) {
    auto ax = axisFromTypes(fa.getArgumentTypes()[k], fb.getArgumentTypes()[k]);
    if (failed(ax) || (*ax != kNone && *ax != 0))
      return fa.emitError() << "input " << k << " carries the batch elsewhere than as its "
                            << "leading dimension" << fix;
    axis[fa.getArgument(k)] = *ax;
  }
  Block &ba = fa.getBody().front(), &bb = fb.getBody().front();
  auto ib = bb.begin();
  for (Operation &oa : ba) {
    if (ib == bb.end())
      return oa.emitError() << "the graph differs between batch sizes" << fix;
    Operation &ob = *ib++;
    if (oa.getName() != ob.getName() || oa.getNumResults() != ob.getNumResults() ||
        oa.getNumOperands() != ob.getNumOperands())
      return oa.emitError() << "the graph differs between batch sizes" << fix;
    SmallVector<int> in;
    bool batched = false, derived = false;
    for (Value v : oa.getOperands()) {
      in.push_back(axisOf(v));
      batched |= in.back() != kNone;
      derived |= fromBatchSize.contains(v);
    }
    if (derived && (batched || isa<func::ReturnOp>(oa)))
      return oa.emitError() << "reads a value computed from the batch size (such as a Shape's) "
                            << "together with the data, so a sample's result would depend on "
                            << "the batch" << fix;
    if (isa<func::ReturnOp>(oa)) {
      for (auto [k, a] : llvm::enumerate(in))
        if (a != 0) {
          auto name = fa.getResultAttrOfType<StringAttr>(k, "octet.name");
          std::string who = name ? "'" + name.str() + "'" : std::to_string(k);
          return fa.emitError()
                 << "output " << who
                 << (a == kNone ? " does not depend on the batch"
                                : " carries the batch on axis " + std::to_string(a))
                 << "; a dynamic batch needs every output to carry it as its leading "
                    "dimension"
                 << fix;
        }
      break;
    }
    SmallVector<int> resultAxes;
    for (auto [ra, rb] : llvm::zip(oa.getResults(), ob.getResults())) {
      auto ax = axisFromTypes(ra.getType(), rb.getType());
      if (failed(ax))
        return oa.emitError() << "a dimension of its result other than the batch depends on "
                              << "the batch size (" << ra.getType() << " at batch " << na
                              << ", " << rb.getType() << " at batch " << nb << ")" << fix;
      resultAxes.push_back(*ax);
    }
    if (!batched) {
      if (derived || !sameAttributes(&oa, &ob)) {
        for (Value r : oa.getResults())
          fromBatchSize.insert(r);
        continue;
      }
      for (int a : resultAxes)
        if (a != kNone)
          return oa.emitError() << "its result's shape depends on the batch size, its inputs "
                                << "do not" << fix;
      continue;
    }
    std::string why;
    auto expect = ruleFor(&oa, in, why);
    if (failed(expect))
      return oa.emitError() << "mixes the samples of a batch: " << why << fix;
    for (auto [k, a] : llvm::enumerate(resultAxes)) {
      if (a != *expect)
        return oa.emitError() << "mixes the samples of a batch: its result "
                              << (a == kNone ? std::string("no longer depends on the batch")
                                             : "carries the batch on axis " + std::to_string(a))
                              << ", where its operands' batch axis would land on "
                              << (*expect == kNone ? std::string("no axis")
                                                   : "axis " + std::to_string(*expect))
                              << fix;
      axis[oa.getResult(k)] = a;
    }
  }
  return success();
}

} // namespace

LogicalResult checkBatchIndependence(ModuleOp a, int64_t na, ModuleOp b, int64_t nb) {
  auto fa = a.lookupSymbol<func::FuncOp>("main");
  auto fb = b.lookupSymbol<func::FuncOp>("main");
  if (!fa || !fb)
    return a.emitError() << "no func.func @main to check";
  Checker c(na, nb);
  return c.run(fa, fb);
}

} // namespace octet
