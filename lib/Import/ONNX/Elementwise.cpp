//===- Elementwise.cpp - elementwise op handlers --------------------------===//
//
// Handlers of the default-domain elementwise ops: broadcasting arithmetic,
// activations and unary math, comparisons, logical ops and selection.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "mlir/IR/Matchers.h"

#include <cmath>

using namespace mlir;
using namespace mlir::octet;
using namespace ::octet::onnx_import::detail;

//===----------------------------------------------------------------------===//
// Arithmetic
//===----------------------------------------------------------------------===//

LogicalResult Importer::onBinary(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  Value l = asPlain(input(n, 0)), r = asPlain(input(n, 1));
  Type le = rtt(l).getElementType(), re = rtt(r).getElementType();
  if (le != re) {
    // Pow allows another exponent type; constants of other types are cast.
    if (n.op_type() == "Pow" || matchPattern(r, m_Constant())) {
      r = b.createOrFold<CastOp>(nodeLoc(n), rtt(r).clone(le), r);
    } else {
      return nodeError(n) << "operand element types differ: " << le << " and " << re;
    }
  }
  return defineResult(n, buildBinary(n, n.op_type(), l, r, le));
}

LogicalResult Importer::onMod(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  Value l = asPlain(input(n, 0)), r = asPlain(input(n, 1));
  Type el = rtt(l).getElementType();
  if (el != rtt(r).getElementType())
    return nodeError(n) << "operand element types differ: " << el << " and "
                        << rtt(r).getElementType();
  bool fm = attrInt(n, "fmod", 0);
  if (isa<FloatType>(el) && !fm)
    return nodeError(n) << "float operands need fmod=1";
  std::string why;
  auto shape = inferBroadcastShape(rtt(l).getShape(), rtt(r).getShape(), why);
  if (failed(shape))
    return nodeError(n) << why;
  return defineResult(
      n, make<ModOp>(n, RankedTensorType::get(*shape, el), l, r, b.getBoolAttr(fm)));
}

/// Max, Min, Sum and Mean over one or more broadcast inputs.
LogicalResult Importer::onVariadic(const NodeProto &n) {
  SmallVector<Value> ins;
  for (int k = 0; k < n.input_size(); ++k)
    if (Value v = input(n, k))
      ins.push_back(asPlain(v));
  if (ins.empty())
    return nodeError(n) << "needs at least one input";
  Type el = rtt(ins[0]).getElementType();
  for (Value v : ins)
    if (rtt(v).getElementType() != el)
      return nodeError(n) << "inputs have different element types: " << el << " and "
                          << rtt(v).getElementType();
  StringRef k = n.op_type();
  if ((k == "Mean" || k == "Sum") && !isa<FloatType>(el))
    return nodeError(n) << "expects float inputs, got " << el;
  Value acc = ins[0];
  for (size_t i = 1; i < ins.size(); ++i) {
    auto v = buildBinary(n, k == "Max" ? "Max" : k == "Min" ? "Min" : "Add", acc, ins[i], el);
    if (failed(v))
      return failure();
    acc = *v;
  }
  if (k == "Mean" && ins.size() > 1) {
    auto v = buildBinary(n, "Div", acc, scalarConst(el, (double)ins.size()), el);
    if (failed(v))
      return failure();
    acc = *v;
  }
  define(n, 0, acc);
  return success();
}

//===----------------------------------------------------------------------===//
// Activations and unary math
//===----------------------------------------------------------------------===//

/// Abs, Neg, Sign and Relu on plain integer tensors, from compares, Where
/// and Sub (the float ops lower to float math only). Unsigned Abs and Relu
/// are the identity; unsigned Neg is not an ONNX op.
FailureOr<Value> Importer::integerUnary(const NodeProto &n, Value x) {
  auto xt = rtt(x);
  auto it = cast<IntegerType>(xt.getElementType());
  StringRef k = n.op_type();
  if (it.getWidth() == 1)
    return nodeError(n) << "expects numbers, got bool tensors";
  bool uns = it.isUnsigned();
  if (uns && k == "Neg")
    return nodeError(n) << "Neg of an unsigned tensor (" << xt.getElementType()
                        << ") is not defined";
  if (uns && k != "Sign")
    return x;
  Value zero = scalarConst(it, 0);
  auto i1 = xt.clone(b.getI1Type());
  auto cmp = [&](StringRef pred) {
    return make<CompareOp>(n, i1, x, zero, b.getStringAttr(pred));
  };
  if (k == "Relu")
    return buildBinary(n, "Max", x, zero, it);
  if (k == "Sign") {
    auto pos = cmp("gt");
    if (failed(pos))
      return failure();
    FailureOr<Value> rest = zero;
    if (!uns) {
      auto neg = cmp("lt");
      if (failed(neg))
        return failure();
      rest = buildWhere(n, *neg, scalarConst(it, -1), zero);
    }
    if (failed(rest))
      return failure();
    return buildWhere(n, *pos, scalarConst(it, 1), *rest);
  }
  auto negated = buildBinary(n, "Sub", zero, x, it);
  if (failed(negated) || k == "Neg")
    return negated;
  auto neg = cmp("lt"); // Abs
  if (failed(neg))
    return failure();
  return buildWhere(n, *neg, *negated, x);
}

static bool isPlainInteger(Value v) {
  auto t = cast<RankedTensorType>(v.getType()).getElementType();
  return isa<IntegerType>(t) && !getQuantElementType(v.getType());
}

LogicalResult Importer::onUnary(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  StringRef op = n.op_type();
  if ((op == "Abs" || op == "Neg" || op == "Sign") && isPlainInteger(input(n, 0)))
    return defineResult(n, integerUnary(n, input(n, 0)));
  auto x = requireFloat(n, asPlain(input(n, 0)), "input");
  if (failed(x))
    return failure();
  Type t = x->getType();
  StringRef k = n.op_type();
  FailureOr<Value> v;
  if (k == "Sigmoid")
    v = make<SigmoidOp>(n, t, *x);
  else if (k == "Tanh")
    v = make<TanhOp>(n, t, *x);
  else if (k == "Erf")
    v = make<ErfOp>(n, t, *x);
  else if (k == "Sqrt")
    v = make<SqrtOp>(n, t, *x);
  else if (k == "Exp")
    v = make<ExpOp>(n, t, *x);
  else if (k == "Neg")
    v = make<NegOp>(n, t, *x);
  else if (k == "Reciprocal")
    v = make<ReciprocalOp>(n, t, *x);
  else if (k == "HardSwish")
    v = make<HardSwishOp>(n, t, *x);
  else if (k == "Abs")
    v = make<AbsOp>(n, t, *x);
  else if (k == "Log")
    v = make<LogOp>(n, t, *x);
  else if (k == "Floor")
    v = make<FloorOp>(n, t, *x);
  else if (k == "Ceil")
    v = make<CeilOp>(n, t, *x);
  else if (k == "Round")
    v = make<RoundOp>(n, t, *x);
  else if (k == "Softplus")
    v = make<SoftplusOp>(n, t, *x);
  else if (k == "Softsign")
    v = make<SoftsignOp>(n, t, *x);
  else if (k == "Mish")
    v = make<MishOp>(n, t, *x);
  else if (k == "Sin")
    v = make<SinOp>(n, t, *x);
  else if (k == "Cos")
    v = make<CosOp>(n, t, *x);
  else if (k == "Tan")
    v = make<TanOp>(n, t, *x);
  else if (k == "Asin")
    v = make<AsinOp>(n, t, *x);
  else if (k == "Acos")
    v = make<AcosOp>(n, t, *x);
  else if (k == "Atan")
    v = make<AtanOp>(n, t, *x);
  else if (k == "Sinh")
    v = make<SinhOp>(n, t, *x);
  else if (k == "Cosh")
    v = make<CoshOp>(n, t, *x);
  else if (k == "Asinh")
    v = make<AsinhOp>(n, t, *x);
  else if (k == "Acosh")
    v = make<AcoshOp>(n, t, *x);
  else if (k == "Atanh")
    v = make<AtanhOp>(n, t, *x);
  else if (k == "Sign")
    v = make<SignOp>(n, t, *x);
  else {
    std::string approx = attrString(n, "approximate", "none");
    if (approx == "tanh")
      v = buildTanhGelu(n, *x);
    else if (approx != "none")
      return nodeError(n) << "unsupported attribute value approximate=\"" << approx << "\"";
    else
      v = make<GeluOp>(n, t, *x);
  }
  if (failed(v))
    return failure();
  define(n, 0, *v);
  return success();
}

LogicalResult Importer::onRelu(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  if (isPlainInteger(input(n, 0)))
    return defineResult(n, integerUnary(n, input(n, 0)));
  auto x = requireFloat(n, asPlain(input(n, 0)), "input");
  if (failed(x))
    return failure();
  return defineResult(n, make<ClampOp>(n, x->getType(), *x, b.getF32FloatAttr(0.0f), FloatAttr()));
}

LogicalResult Importer::onClip(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  // Integer tensors, and float ones with bounds computed at run time:
  // min(max(x, lo), hi) with the bounds as tensors.
  bool runtimeBounds = false;
  if (opset >= 11)
    for (int k : {1, 2})
      if (Value bound = input(n, k)) {
        auto c = constOf(bound);
        runtimeBounds |= !c;
        if (rtt(bound).getRank() > 1 || (rtt(bound).getRank() == 1 && rtt(bound).getDimSize(0) != 1))
          return nodeError(n) << "clip bounds must be scalars, got " << rtt(bound);
      }
  if (isPlainInteger(input(n, 0)) || runtimeBounds) {
    Value v = asPlain(input(n, 0));
    Type el = rtt(v).getElementType();
    if (el.isInteger(1))
      return nodeError(n) << "expects numbers, got bool tensors";
    if (opset < 11)
      return nodeError(n) << "integer Clip needs opset 11 or later (bounds as inputs)";
    for (auto [k, kind] : {std::pair<int, const char *>{1, "Max"}, {2, "Min"}}) {
      Value bound = input(n, k);
      if (!bound)
        continue;
      bound = asPlain(bound);
      if (rtt(bound).getElementType() != el)
        return nodeError(n) << "bound " << k << " has element type "
                            << rtt(bound).getElementType() << ", input has " << el;
      auto r = buildBinary(n, kind, v, bound, el);
      if (failed(r))
        return failure();
      v = *r;
    }
    // The result keeps the input's shape (a [1] bound must not add a dimension).
    if (rtt(v).getShape() != rtt(input(n, 0)).getShape()) {
      auto r = buildReshape(n, v, rtt(input(n, 0)).getShape(), false);
      if (failed(r))
        return failure();
      v = *r;
    }
    define(n, 0, v);
    return success();
  }
  auto x = requireFloat(n, asPlain(input(n, 0)), "input");
  if (failed(x))
    return failure();
  FloatAttr lo, hi;
  if (opset < 11) {
    if (attr(n, "min"))
      lo = b.getF32FloatAttr(attrFloat(n, "min", 0));
    if (attr(n, "max"))
      hi = b.getF32FloatAttr(attrFloat(n, "max", 0));
  } else {
    for (int k : {1, 2}) {
      Value bound = input(n, k);
      if (!bound)
        continue;
      auto c = constOf(bound); // constant: checked above
      (k == 1 ? lo : hi) = b.getF32FloatAttr((float)c->asDouble(0));
    }
  }
  return defineResult(n, make<ClampOp>(n, x->getType(), *x, lo, hi));
}

LogicalResult Importer::onParamUnary(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  auto x = requireFloat(n, asPlain(input(n, 0)), "input");
  if (failed(x))
    return failure();
  Type t = x->getType();
  StringRef k = n.op_type();
  FailureOr<Value> v;
  auto f = [&](float a) { return b.getF32FloatAttr(a); };
  if (k == "LeakyRelu")
    v = make<LeakyReluOp>(n, t, *x, f(attrFloat(n, "alpha", 0.01f)), f(0));
  else if (k == "Elu")
    v = make<EluOp>(n, t, *x, f(attrFloat(n, "alpha", 1.0f)), f(0));
  else if (k == "Selu")
    v = make<SeluOp>(n, t, *x, f(attrFloat(n, "alpha", 1.67326319217681884765625f)),
                     f(attrFloat(n, "gamma", 1.05070102214813232421875f)));
  else if (k == "Celu")
    v = make<CeluOp>(n, t, *x, f(attrFloat(n, "alpha", 1.0f)), f(0));
  else if (k == "ThresholdedRelu")
    v = make<ThresholdedReluOp>(n, t, *x, f(attrFloat(n, "alpha", 1.0f)), f(0));
  else if (k == "Shrink")
    v = make<ShrinkOp>(n, t, *x, f(attrFloat(n, "lambd", 0.5f)), f(attrFloat(n, "bias", 0.0f)));
  else
    v = make<HardSigmoidOp>(n, t, *x, f(attrFloat(n, "alpha", 0.2f)),
                            f(attrFloat(n, "beta", 0.5f)));
  if (failed(v))
    return failure();
  define(n, 0, *v);
  return success();
}

/// Swish (opset 24): x * sigmoid(alpha * x).
LogicalResult Importer::onSwish(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  auto x = requireFloat(n, asPlain(input(n, 0)), "input");
  if (failed(x))
    return failure();
  Type el = rtt(*x).getElementType();
  float alpha = attrFloat(n, "alpha", 1.0f);
  Value in = *x;
  if (alpha != 1.0f) {
    auto s = buildBinary(n, "Mul", *x, scalarConst(el, alpha), el);
    if (failed(s))
      return failure();
    in = *s;
  }
  auto sg = make<SigmoidOp>(n, x->getType(), in);
  if (failed(sg))
    return failure();
  auto y = buildBinary(n, "Mul", *x, *sg, el);
  if (failed(y))
    return failure();
  define(n, 0, *y);
  return success();
}

//===----------------------------------------------------------------------===//
// Comparison, logic and selection
//===----------------------------------------------------------------------===//

/// Equal, Less, LessOrEqual, Greater, GreaterOrEqual.
LogicalResult Importer::onCompare(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  Value l = asPlain(input(n, 0)), r = asPlain(input(n, 1));
  Type le = rtt(l).getElementType(), re = rtt(r).getElementType();
  if (le != re) {
    if (!matchPattern(r, m_Constant()))
      return nodeError(n) << "operand element types differ: " << le << " and " << re;
    r = b.createOrFold<CastOp>(nodeLoc(n), rtt(r).clone(le), r);
  }
  std::string why;
  auto shape = inferBroadcastShape(rtt(l).getShape(), rtt(r).getShape(), why);
  if (failed(shape))
    return nodeError(n) << why;
  StringRef k = n.op_type();
  StringRef pred = k == "Equal" ? "eq" : k == "Less" ? "lt" : k == "LessOrEqual" ? "le"
                   : k == "Greater" ? "gt" : "ge";
  return defineResult(n, make<CompareOp>(n, RankedTensorType::get(*shape, b.getI1Type()), l, r,
                           b.getStringAttr(pred)));
}

/// And, Or, Xor on bool tensors; Not as Xor with true.
LogicalResult Importer::onLogical(const NodeProto &n) {
  bool isNot = n.op_type() == "Not";
  if (failed(need(n, isNot ? std::initializer_list<int>{0} : std::initializer_list<int>{0, 1})))
    return failure();
  Value l = input(n, 0);
  Value r = isNot ? scalarConst(b.getI1Type(), 1) : input(n, 1);
  for (Value v : {l, r})
    if (!rtt(v).getElementType().isInteger(1))
      return nodeError(n) << "expects bool tensors, got " << rtt(v).getElementType();
  return defineResult(n, buildBinary(n, isNot ? "Xor" : n.op_type(), l, r, b.getI1Type()));
}

/// BitwiseAnd, BitwiseOr, BitwiseXor and BitwiseNot (Xor with all ones) on
/// integer tensors.
LogicalResult Importer::onBitwise(const NodeProto &n) {
  bool isNot = n.op_type() == "BitwiseNot";
  if (failed(need(n, isNot ? std::initializer_list<int>{0} : std::initializer_list<int>{0, 1})))
    return failure();
  Value l = input(n, 0);
  Type el = rtt(l).getElementType();
  auto it = dyn_cast<IntegerType>(el);
  if (!it || it.getWidth() == 1 || getQuantElementType(l.getType()))
    return nodeError(n) << "expects integer tensors, got " << rtt(l);
  Value r = isNot ? scalarConst(el, it.isUnsigned() ? std::ldexp(1.0, it.getWidth()) - 1 : -1.0)
                  : input(n, 1);
  if (rtt(r).getElementType() != el || getQuantElementType(r.getType()))
    return nodeError(n) << "operands differ in element type: " << el << " and "
                        << rtt(r).getElementType();
  std::string kind = isNot ? "Xor" : n.op_type().substr(7);
  return defineResult(n, buildBinary(n, kind, l, r, el));
}

/// BitShift: unsigned integers, shifted by the second operand (broadcast),
/// LEFT or RIGHT; by the element width or more the result is 0.
LogicalResult Importer::onBitShift(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  Value x = input(n, 0), s = input(n, 1);
  auto it = dyn_cast<IntegerType>(rtt(x).getElementType());
  if (!it || !it.isUnsigned() || getQuantElementType(x.getType()))
    return nodeError(n) << "expects unsigned integer tensors (uint8, uint16, uint32), got "
                        << rtt(x);
  if (rtt(s).getElementType() != it || getQuantElementType(s.getType()))
    return nodeError(n) << "operands differ in element type: " << it << " and "
                        << rtt(s).getElementType();
  std::string dir = attrString(n, "direction", "");
  if (dir != "LEFT" && dir != "RIGHT")
    return nodeError(n) << "direction must be LEFT or RIGHT, got '" << dir << "'";
  return defineResult(n, buildBinary(n, dir == "LEFT" ? "Shl" : "Shr", x, s, it));
}

LogicalResult Importer::onWhere(const NodeProto &n) {
  if (failed(need(n, {0, 1, 2})))
    return failure();
  return defineResult(n, buildWhere(n, input(n, 0), asPlain(input(n, 1)), asPlain(input(n, 2))));
}

/// Trilu: the upper (j - i >= k) or lower (j - i <= k) triangle of the last
/// two dimensions, zeros elsewhere; a Where on a constant mask (k must be a
/// constant).
LogicalResult Importer::onTrilu(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  Value x = input(n, 0);
  if (getQuantElementType(x.getType()))
    return nodeError(n) << "quantized input is not supported";
  auto s = rtt(x).getShape();
  if (s.size() < 2)
    return nodeError(n) << "input must have rank 2 or more, got " << s.size();
  if (ShapedType::isDynamic(s[s.size() - 2]) || ShapedType::isDynamic(s.back()))
    return nodeError(n) << "needs static last two dimensions, got " << rtt(x)
                        << " (fix the model's inputs with --input-shape)";
  int64_t k = 0;
  if (input(n, 1)) {
    auto kv = constInts(n, 1, "k");
    if (failed(kv))
      return failure();
    if (kv->size() != 1)
      return nodeError(n) << "k must be a scalar, got " << kv->size() << " values";
    k = (*kv)[0];
  }
  bool upper = attrInt(n, "upper", 1);
  int64_t rows = s[s.size() - 2], cols = s.back();
  if (rows * cols > (int64_t(1) << 26))
    return nodeError(n) << "a " << rows << "x" << cols << " mask is too large";
  auto mt = RankedTensorType::get({rows, cols}, b.getI1Type());
  ConstTensor mask;
  mask.shape = {rows, cols};
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      mask.i.push_back(upper ? j - i >= k : j - i <= k);
  Value m = arith::ConstantOp::create(b, FileLineColLoc::get(ctx, path, 0, 0), mt,
                                      cast<TypedAttr>(mask.write(mt)));
  return defineResult(n, buildWhere(n, m, x, scalarConst(rtt(x).getElementType(), 0)));
}
