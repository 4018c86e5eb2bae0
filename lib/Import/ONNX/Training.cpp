//===- Training.cpp - ai.onnx.preview.training optimizers -----------------===//
//
// Adagrad, Adam and Momentum (ai.onnx.preview.training, version 1): one
// update step of a first-order optimizer over any number of tensors, each
// an elementwise formula of the tensor X, its gradient G and the
// optimizer's state (V, H). They are deterministic, so they decompose into
// the dialect's elementwise ops; the scalar learning-rate adjustments that
// depend on the step count T are computed in f64 and then narrowed.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

using namespace mlir;
using namespace mlir::octet;
using namespace ::octet::onnx_import::detail;

LogicalResult Importer::onOptimizer(const NodeProto &n) {
  std::string op = n.op_type();
  bool adam = op == "Adam", momentum = op == "Momentum";
  // Tensors per optimized input: X, G and the state (Adagrad: H;
  // Momentum: V; Adam: V, H). The outputs are the new X's, then each
  // state's new values, in that order.
  int per = adam ? 4 : 3;
  int nin = n.input_size();
  if (nin < 2 + per || (nin - 2) % per)
    return nodeError(n) << "takes R, T and " << per
                        << " tensors per optimized input (" << (adam ? "X, G, V, H" : momentum ? "X, G, V" : "X, G, H")
                        << "), got " << nin << " inputs";
  int count = (nin - 2) / per;
  if (n.output_size() > (per - 1) * count)
    return nodeError(n) << "has " << n.output_size() << " outputs; its inputs give at most "
                        << (per - 1) * count;
  for (int k = 0; k < nin; ++k)
    if (!input(n, k))
      return nodeError(n) << "missing required input #" << k;

  // R (float) and T (int64), scalars (one element).
  Type f64 = b.getF64Type();
  auto scalarT = RankedTensorType::get({}, f64);
  auto toScalar = [&](Value v, StringRef what, bool isFloat) -> FailureOr<Value> {
    auto t = rtt(v);
    bool okType = isFloat ? isa<FloatType>(t.getElementType())
                          : t.getElementType().isInteger(64);
    if (!okType || !t.hasStaticShape() || t.getNumElements() != 1)
      return nodeError(n) << what << " must be one " << (isFloat ? "float" : "int64")
                          << " value, got " << t;
    if (t.getRank() != 0) {
      auto r = buildReshape(n, v, {}, false);
      if (failed(r))
        return failure();
      v = *r;
    }
    if (t.getElementType() == f64)
      return v;
    return make<CastOp>(n, scalarT, v);
  };
  auto rate = toScalar(input(n, 0), "R (the learning rate)", true);
  auto step = toScalar(input(n, 1), "T (the update count)", false);
  if (failed(rate) || failed(step))
    return failure();
  Value r = *rate, t = *step;

  // The attributes, with ONNX's defaults; Momentum's are all required.
  if (momentum)
    for (StringRef a : {"alpha", "beta", "mode", "norm_coefficient"})
      if (!attr(n, a))
        return nodeError(n) << "missing required attribute '" << a << "'";
  double alpha = attrFloat(n, "alpha", 0.9f), beta = attrFloat(n, "beta", 0.999f);
  double eps = attrFloat(n, "epsilon", 1e-6f), norm = attrFloat(n, "norm_coefficient", 0.f);
  double normPost = attrFloat(n, "norm_coefficient_post", 0.f);
  double decay = attrFloat(n, "decay_factor", 0.f);
  bool nesterov = false;
  if (momentum) {
    std::string mode = attrString(n, "mode", "");
    if (mode != "standard" && mode != "nesterov")
      return nodeError(n) << "unsupported attribute value mode=\"" << mode
                          << "\" (standard or nesterov)";
    nesterov = mode == "nesterov";
  }

  auto bin = [&](StringRef kind, Value l, Value rr) {
    return buildBinary(n, kind, l, rr, rtt(l).getElementType());
  };
  auto positive = make<CompareOp>(n, RankedTensorType::get({}, b.getI1Type()), t,
                                  scalarConst(f64, 0.0), b.getStringAttr("gt"));
  if (failed(positive))
    return failure();

  // The step's scalar rate (and Momentum's gradient coefficient), in f64.
  FailureOr<Value> scaled = r;
  if (!adam && !momentum) {
    // Adagrad: R / (1 + T * decay_factor).
    auto td = bin("Mul", t, scalarConst(f64, decay));
    auto den = succeeded(td) ? bin("Add", scalarConst(f64, 1.0), *td) : td;
    scaled = succeeded(den) ? bin("Div", r, *den) : den;
  } else if (adam) {
    // With T > 0: R * sqrt(1 - beta^T) / (1 - alpha^T) (bias correction).
    auto pb = make<PowOp>(n, scalarT, scalarConst(f64, beta), t);
    auto pa = make<PowOp>(n, scalarT, scalarConst(f64, alpha), t);
    if (failed(pb) || failed(pa))
      return failure();
    auto qb = bin("Sub", scalarConst(f64, 1.0), *pb);
    auto qa = bin("Sub", scalarConst(f64, 1.0), *pa);
    if (failed(qb) || failed(qa))
      return failure();
    auto sb = make<SqrtOp>(n, scalarT, *qb);
    auto num = succeeded(sb) ? bin("Mul", r, *sb) : sb;
    auto corr = succeeded(num) ? bin("Div", *num, *qa) : num;
    scaled = succeeded(corr) ? buildWhere(n, *positive, *corr, r) : corr;
  }
  if (failed(scaled))
    return failure();
  FailureOr<Value> betaT = Value();
  if (momentum)
    betaT = buildWhere(n, *positive, scalarConst(f64, beta), scalarConst(f64, 1.0));
  if (failed(betaT))
    return failure();

  for (int i = 0; i < count; ++i) {
    Value x = input(n, 2 + i), g = input(n, 2 + count + i);
    Value s1 = input(n, 2 + 2 * count + i);
    Value s2 = adam ? input(n, 2 + 3 * count + i) : Value();
    auto xt = rtt(x);
    if (!isa<FloatType>(xt.getElementType()))
      return nodeError(n) << "X" << i + 1 << " must be a float tensor, got " << xt;
    for (auto [v, name] : {std::pair{g, "G"}, std::pair{s1, adam || momentum ? "V" : "H"},
                           std::pair{s2, "H"}})
      if (v && rtt(v) != xt)
        return nodeError(n) << name << i + 1 << " must have X" << i + 1 << "'s type " << xt
                            << ", got " << rtt(v);
    Type el = xt.getElementType();
    auto c = [&](double v) { return scalarConst(el, v); };
    auto narrow = [&](Value s) -> FailureOr<Value> {
      if (el == f64)
        return s;
      return make<CastOp>(n, RankedTensorType::get({}, el), s);
    };
    // The gradient of the regularization term, then the update.
    FailureOr<Value> gr = g;
    if (norm != 0) {
      auto nx = bin("Mul", c(norm), x);
      gr = succeeded(nx) ? bin("Add", *nx, g) : nx;
    }
    auto rate = narrow(*scaled);
    if (failed(gr) || failed(rate))
      return failure();
    FailureOr<Value> xNew, st1, st2;
    if (adam) {
      // V' = alpha V + (1 - alpha) G; H' = beta H + (1 - beta) G^2;
      // X' = (1 - norm_post) (X - rate (V' / (sqrt(H') + epsilon))).
      auto av = bin("Mul", c(alpha), s1);
      auto ag = bin("Mul", c(1.0 - alpha), *gr);
      st1 = succeeded(av) && succeeded(ag) ? bin("Add", *av, *ag) : FailureOr<Value>(failure());
      auto g2 = bin("Mul", *gr, *gr);
      auto bh = bin("Mul", c(beta), s2);
      auto bg = succeeded(g2) ? bin("Mul", c(1.0 - beta), *g2) : g2;
      st2 = succeeded(bh) && succeeded(bg) ? bin("Add", *bh, *bg) : FailureOr<Value>(failure());
      if (failed(st1) || failed(st2))
        return failure();
      auto sq = make<SqrtOp>(n, xt, *st2);
      auto den = succeeded(sq) ? bin("Add", *sq, c(eps)) : sq;
      auto q = succeeded(den) ? bin("Div", *st1, *den) : den;
      auto step = succeeded(q) ? bin("Mul", *rate, *q) : q;
      xNew = succeeded(step) ? bin("Sub", x, *step) : step;
      if (succeeded(xNew) && normPost != 0)
        xNew = bin("Mul", c(1.0 - normPost), *xNew);
    } else if (momentum) {
      // V' = alpha V + beta_T G, beta_T = T > 0 ? beta : 1;
      // X' = X - R V' (standard) or X - R (G + alpha V') (nesterov).
      auto bt = narrow(*betaT);
      auto av = bin("Mul", c(alpha), s1);
      auto bg = succeeded(bt) ? bin("Mul", *bt, *gr) : bt;
      st1 = succeeded(av) && succeeded(bg) ? bin("Add", *av, *bg) : FailureOr<Value>(failure());
      if (failed(st1))
        return failure();
      FailureOr<Value> dir = *st1;
      if (nesterov) {
        auto avn = bin("Mul", c(alpha), *st1);
        dir = succeeded(avn) ? bin("Add", *gr, *avn) : avn;
      }
      auto step = succeeded(dir) ? bin("Mul", *rate, *dir) : dir;
      xNew = succeeded(step) ? bin("Sub", x, *step) : step;
    } else {
      // H' = H + G^2; X' = X - rate G / (sqrt(H') + epsilon).
      auto g2 = bin("Mul", *gr, *gr);
      st1 = succeeded(g2) ? bin("Add", s1, *g2) : g2;
      if (failed(st1))
        return failure();
      auto sq = make<SqrtOp>(n, xt, *st1);
      auto den = succeeded(sq) ? bin("Add", *sq, c(eps)) : sq;
      auto rg = bin("Mul", *rate, *gr);
      auto step = succeeded(rg) && succeeded(den) ? bin("Div", *rg, *den) : FailureOr<Value>(failure());
      xNew = succeeded(step) ? bin("Sub", x, *step) : step;
    }
    if (failed(xNew))
      return failure();
    define(n, i, *xNew);
    define(n, count + i, *st1);
    if (adam)
      define(n, 2 * count + i, *st2);
  }
  return success();
}
