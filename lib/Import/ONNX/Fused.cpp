//===- Fused.cpp - ONNX Runtime's fused contrib ops -----------------------===//
//
// The com.microsoft ops that ONNX Runtime's graph optimizer writes into the
// models it saves (FusedConv, FusedMatMul, FastGelu, BiasGelu, QuickGelu,
// SkipLayerNormalization, SkipSimplifiedLayerNormalization), each built from
// octet ops, and the tanh form of Gelu that FastGelu shares.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include <cmath>

using namespace mlir;
using namespace mlir::octet;
using namespace ::octet::onnx_import::detail;

/// 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))).
FailureOr<Value> Importer::buildTanhGelu(const NodeProto &n, Value x) {
  Type el = rtt(x).getElementType();
  auto bin = [&](StringRef k, Value l, Value r) { return buildBinary(n, k, l, r, el); };
  auto c = [&](double v) { return scalarConst(el, v); };
  auto x2 = bin("Mul", x, x);
  FailureOr<Value> inner = succeeded(x2) ? bin("Mul", *x2, c(0.044715)) : x2;
  if (succeeded(inner))
    inner = bin("Add", *inner, c(1.0));
  if (succeeded(inner))
    inner = bin("Mul", *inner, x);
  if (succeeded(inner))
    inner = bin("Mul", *inner, c(std::sqrt(2.0 / M_PI)));
  if (succeeded(inner))
    inner = make<TanhOp>(n, rtt(x), *inner);
  if (succeeded(inner))
    inner = bin("Add", *inner, c(1.0));
  if (succeeded(inner))
    inner = bin("Mul", *inner, x);
  if (succeeded(inner))
    inner = bin("Mul", *inner, c(0.5));
  return inner;
}

/// FastGelu(X, bias?) = tanh-Gelu(X + bias); BiasGelu(A, B) = Gelu(A + B);
/// QuickGelu(X) = X * sigmoid(alpha X).
LogicalResult Importer::onGeluFamily(const NodeProto &n) {
  StringRef k = n.op_type();
  if (failed(need(n, k == "BiasGelu" ? std::initializer_list<int>{0, 1}
                                     : std::initializer_list<int>{0})))
    return failure();
  auto fx = requireFloat(n, asPlain(input(n, 0)), "X");
  if (failed(fx))
    return failure();
  Value x = *fx;
  Type el = rtt(x).getElementType();
  if (Value bias = input(n, 1); bias && k != "QuickGelu") {
    auto fb = requireFloat(n, asPlain(bias), "bias");
    if (failed(fb))
      return failure();
    auto s = buildBinary(n, "Add", x, *fb, el);
    if (failed(s))
      return failure();
    x = *s;
  }
  if (k == "FastGelu")
    return defineResult(n, buildTanhGelu(n, x));
  if (k == "BiasGelu")
    return defineResult(n, make<GeluOp>(n, rtt(x), x));
  auto ax = buildBinary(n, "Mul", x, scalarConst(el, attrFloat(n, "alpha", 1.702f)), el);
  if (failed(ax))
    return failure();
  auto sg = make<SigmoidOp>(n, rtt(*ax), *ax);
  if (failed(sg))
    return failure();
  return defineResult(n, buildBinary(n, "Mul", x, *sg, el));
}

/// FusedConv: activation(Conv(X, W, B) + Z) with activation one of Relu,
/// Tanh, Sigmoid, LeakyRelu (alpha), Clip (min, max), HardSigmoid (alpha,
/// beta), their parameters in activation_params.
LogicalResult Importer::onFusedConv(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  auto x = requireFloat(n, asPlain(input(n, 0)), "X");
  if (failed(x))
    return failure();
  Type el = rtt(*x).getElementType();
  auto y = buildConv(n, *x, input(n, 1), input(n, 2), el);
  if (failed(y))
    return failure();
  if (Value z = input(n, 3)) {
    y = buildBinary(n, "Add", *y, asPlain(z), el);
    if (failed(y))
      return failure();
  }
  std::string act = attrString(n, "activation", "");
  SmallVector<float> params;
  if (auto a = attr(n, "activation_params"))
    params.assign(a->floats().begin(), a->floats().end());
  auto param = [&](size_t i, float def) { return i < params.size() ? params[i] : def; };
  auto f = [&](float v) { return b.getF32FloatAttr(v); };
  Type t = y->getType();
  if (act.empty())
    return defineResult(n, y);
  if (act == "Relu")
    return defineResult(n, make<ClampOp>(n, t, *y, f(0.0f), FloatAttr()));
  if (act == "Tanh")
    return defineResult(n, make<TanhOp>(n, t, *y));
  if (act == "Sigmoid")
    return defineResult(n, make<SigmoidOp>(n, t, *y));
  if (act == "LeakyRelu")
    return defineResult(n, make<LeakyReluOp>(n, t, *y, f(param(0, 0.01f)), f(0)));
  if (act == "HardSigmoid")
    return defineResult(n, make<HardSigmoidOp>(n, t, *y, f(param(0, 0.2f)), f(param(1, 0.5f))));
  if (act == "Clip") {
    if (params.size() != 2)
      return nodeError(n) << "a Clip activation needs 2 activation_params (min, max), got "
                          << params.size();
    return defineResult(n, make<ClampOp>(n, t, *y, f(params[0]), f(params[1])));
  }
  return nodeError(n) << "unsupported activation '" << act
                      << "' (Relu, Tanh, Sigmoid, LeakyRelu, Clip, HardSigmoid)";
}

/// FusedMatMul: alpha * (A or A^T) x (B or B^T), the transposes over the
/// last two dimensions.
LogicalResult Importer::onFusedMatMul(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  if (attrInt(n, "transBatchA", 0) || attrInt(n, "transBatchB", 0))
    return nodeError(n) << "unsupported attribute transBatchA/transBatchB";
  auto a = requireFloat(n, asPlain(input(n, 0)), "A");
  auto bb = requireFloat(n, asPlain(input(n, 1)), "B");
  if (failed(a) || failed(bb))
    return failure();
  auto lastTwo = [&](Value v, const char *name) -> FailureOr<Value> {
    int64_t r = rtt(v).getRank();
    if (r < 2)
      return nodeError(n) << "a transposed " << name << " must have rank 2 or more, got " << r;
    SmallVector<int64_t> perm;
    for (int64_t i = 0; i < r; ++i)
      perm.push_back(i);
    std::swap(perm[r - 2], perm[r - 1]);
    std::string why;
    auto shape = inferTransposeShape(rtt(v).getShape(), perm, why);
    if (failed(shape))
      return nodeError(n) << why;
    return make<TransposeOp>(n, rtt(v).clone(*shape), v, b.getDenseI64ArrayAttr(perm));
  };
  Value l = *a, r = *bb;
  if (attrInt(n, "transA", 0)) {
    auto t = lastTwo(l, "A");
    if (failed(t))
      return failure();
    l = *t;
  }
  if (attrInt(n, "transB", 0)) {
    auto t = lastTwo(r, "B");
    if (failed(t))
      return failure();
    r = *t;
  }
  Type el = rtt(l).getElementType();
  auto y = buildMatMul(n, l, r, el);
  float alpha = attrFloat(n, "alpha", 1.0f);
  if (succeeded(y) && alpha != 1.0f)
    y = buildBinary(n, "Mul", *y, scalarConst(el, alpha), el);
  return defineResult(n, y);
}

/// SkipLayerNormalization(input, skip, gamma, beta?, bias?): s = input + skip
/// + bias, LayerNorm(s) over the last axis; output 3 is s. The simplified
/// form divides by the root mean square (no mean, no beta).
LogicalResult Importer::onSkipLayerNorm(const NodeProto &n) {
  bool simplified = n.op_type() == "SkipSimplifiedLayerNormalization";
  if (failed(need(n, {0, 1, 2})))
    return failure();
  for (int k : {1, 2})
    if (n.output_size() > k && !n.output(k).empty())
      return nodeError(n) << "the mean and inverse standard deviation outputs are not supported";
  auto x = requireFloat(n, asPlain(input(n, 0)), "input");
  if (failed(x))
    return failure();
  Type el = rtt(*x).getElementType();
  auto s = buildBinary(n, "Add", *x, asPlain(input(n, 1)), el);
  Value bias = input(n, simplified ? 3 : 4);
  if (succeeded(s) && bias)
    s = buildBinary(n, "Add", *s, asPlain(bias), el);
  if (failed(s))
    return failure();
  if (!llvm::equal(rtt(*s).getShape(), rtt(*x).getShape()))
    return nodeError(n) << "skip and bias must not broadcast the input, got "
                        << rtt(*s) << " from " << rtt(*x);
  int64_t rank = rtt(*s).getRank();
  if (rank < 1)
    return nodeError(n) << "input must have rank 1 or more";
  float eps = attrFloat(n, "epsilon", 1e-12f);
  FailureOr<Value> y;
  if (simplified) {
    auto rt = rtt(*s).clone([&] {
      SmallVector<int64_t> sh(rtt(*s).getShape());
      sh.back() = 1;
      return sh;
    }());
    auto sq = buildBinary(n, "Mul", *s, *s, el);
    FailureOr<Value> ms = succeeded(sq) ? make<ReduceMeanOp>(n, rt, *sq,
                                                            b.getDenseI64ArrayAttr({rank - 1}),
                                                            b.getBoolAttr(true))
                                        : sq;
    // Summed in sequence, as ONNX Runtime's kernel does.
    if (succeeded(ms))
      if (Operation *def = ms->getDefiningOp())
        def->setAttr("octet.sequential", b.getUnitAttr());
    if (succeeded(ms))
      ms = buildBinary(n, "Add", *ms, scalarConst(el, eps), el);
    if (succeeded(ms))
      ms = make<SqrtOp>(n, rt, *ms);
    if (succeeded(ms))
      ms = buildBinary(n, "Div", *s, *ms, el);
    if (succeeded(ms))
      ms = buildBinary(n, "Mul", *ms, asPlain(input(n, 2)), el);
    y = ms;
  } else {
    y = make<LayerNormOp>(n, rtt(*s), *s, asPlain(input(n, 2)),
                          input(n, 3) ? asPlain(input(n, 3)) : Value(),
                          b.getI64IntegerAttr(rank - 1), b.getF32FloatAttr(eps));
  }
  if (failed(y))
    return failure();
  define(n, 0, *y);
  if (n.output_size() > 3 && !n.output(3).empty())
    define(n, 3, *s);
  return success();
}
