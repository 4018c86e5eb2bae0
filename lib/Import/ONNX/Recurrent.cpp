//===- Recurrent.cpp - recurrent op handlers ------------------------------===//
//
// Handlers of LSTM, GRU and RNN, unrolled over their static sequence, and the
// slicing, concatenation and Gemm helpers they share.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

using namespace mlir;
using namespace mlir::octet;
using namespace ::octet::onnx_import::detail;

/// The longest sequence a recurrent op is unrolled over (each step is a
/// dozen ops; longer ones made the import itself slow).
constexpr int64_t kMaxUnrolledSteps = 1024;

namespace {
/// The activation functions ONNX's recurrent ops name, with the alpha and
/// beta each takes and their defaults (those of the ONNX op of that name;
/// Affine and ScaledTanh as ONNX Runtime has them).
struct ActivationKind {
  const char *name;
  int params; // 0, 1 (alpha) or 2 (alpha, beta)
  float alpha, beta;
};
constexpr ActivationKind kActivations[] = {
    {"Relu", 0, 0, 0},          {"Tanh", 0, 0, 0},         {"Sigmoid", 0, 0, 0},
    {"Affine", 2, 1.0f, 0.0f},  {"LeakyRelu", 1, 0.01f, 0}, {"ThresholdedRelu", 1, 1.0f, 0},
    {"ScaledTanh", 2, 1.0f, 1.0f}, {"HardSigmoid", 2, 0.2f, 0.5f}, {"Elu", 1, 1.0f, 0},
    {"Softsign", 0, 0, 0},      {"Softplus", 0, 0, 0}};
} // namespace

/// The activations attribute of a recurrent op: `defaults.size()`
/// functions per direction (forward first), names compared without case
/// as ONNX Runtime does; activation_alpha and activation_beta are taken in
/// order by the functions that use them, defaults past their end.
FailureOr<SmallVector<Importer::RnnActivation>>
Importer::rnnActivations(const NodeProto &n, int64_t dirs, ArrayRef<const char *> defaults) {
  SmallVector<RnnActivation> acts;
  auto *a = attr(n, "activations");
  int64_t per = defaults.size();
  if (!a) {
    for (int64_t d = 0; d < dirs; ++d)
      for (const char *name : defaults)
        acts.push_back({name, 0, 0});
    return acts;
  }
  if (a->strings_size() != dirs * per)
    return nodeError(n) << "activations names " << a->strings_size() << " function(s), expected "
                        << dirs * per << " (" << per << " per direction)";
  SmallVector<float> alphas, betas;
  if (auto *al = attr(n, "activation_alpha"))
    alphas.assign(al->floats().begin(), al->floats().end());
  if (auto *be = attr(n, "activation_beta"))
    betas.assign(be->floats().begin(), be->floats().end());
  size_t ai = 0, bi = 0;
  for (const std::string &s : a->strings()) {
    const ActivationKind *kind = nullptr;
    for (const ActivationKind &k : kActivations)
      if (StringRef(k.name).equals_insensitive(s))
        kind = &k;
    if (!kind)
      return nodeError(n) << "unsupported activation '" << s
                          << "' (Relu, Tanh, Sigmoid, Affine, LeakyRelu, ThresholdedRelu, "
                             "ScaledTanh, HardSigmoid, Elu, Softsign, Softplus are)";
    RnnActivation r{kind->name, kind->alpha, kind->beta};
    if (kind->params >= 1 && ai < alphas.size())
      r.alpha = alphas[ai++];
    if (kind->params >= 2 && bi < betas.size())
      r.beta = betas[bi++];
    acts.push_back(r);
  }
  return acts;
}

/// `act` applied to v: Affine and ScaledTanh from elementwise ops, the
/// others through the handler of the ONNX op of that name (a node made
/// here, named after `n`).
FailureOr<Value> Importer::applyRnnActivation(const NodeProto &n, const RnnActivation &act,
                                              Value v) {
  Type el = rtt(v).getElementType();
  auto bin = [&](StringRef k, Value l, Value r) { return buildBinary(n, k, l, r, el); };
  if (act.name == "Tanh")
    return make<TanhOp>(n, v.getType(), v);
  if (act.name == "Sigmoid")
    return make<SigmoidOp>(n, v.getType(), v);
  if (act.name == "Affine") {
    auto r = bin("Mul", v, scalarConst(el, act.alpha));
    return succeeded(r) ? bin("Add", *r, scalarConst(el, act.beta)) : r;
  }
  if (act.name == "ScaledTanh") {
    auto r = bin("Mul", v, scalarConst(el, act.beta));
    if (succeeded(r))
      r = make<TanhOp>(n, rtt(*r), *r);
    return succeeded(r) ? bin("Mul", *r, scalarConst(el, act.alpha)) : r;
  }
  NodeProto op;
  op.set_name(n.name());
  op.set_op_type(act.name);
  std::string prefix = "\x01" + n.name() + "/activation" + std::to_string(values.size()) + "/";
  values[prefix + "x"] = v;
  op.add_input(prefix + "x");
  op.add_output(prefix + "y");
  int params = 0;
  for (const ActivationKind &k : kActivations)
    if (act.name == k.name)
      params = k.params;
  for (int i = 0; i < params; ++i) {
    auto *at = op.add_attribute();
    at->set_name(i ? "beta" : "alpha");
    at->set_type(onnx::AttributeProto::FLOAT);
    at->set_f(i ? act.beta : act.alpha);
  }
  auto h = handlers().find(act.name);
  if (h == handlers().end() || failed((this->*(h->second))(op)))
    return failure();
  return values.lookup(prefix + "y");
}

/// A recurrent op over an empty sequence, as ONNX Runtime runs it: Y is
/// empty, Y_h (and Y_c) zeros, whatever the initial states.
LogicalResult Importer::emptyRecurrence(const NodeProto &n, int64_t dirs, int64_t batch,
                                        int64_t hidden, Type el, bool withCell) {
  define(n, 0, zerosLike({0, dirs, batch, hidden}, el));
  for (int k = 1; k <= (withCell ? 2 : 1); ++k)
    define(n, k, zerosLike({dirs, batch, hidden}, el));
  return success();
}

/// Helpers of the unrolled recurrent ops: `len` entries from `start` along
/// `axis`; entry `i` of the leading axis without that axis; `parts`
/// concatenated along `axis`; a zero tensor; x * w^T + c.
FailureOr<Value> Importer::sliceAxis(const NodeProto &n, Value v, int64_t axis, int64_t start,
                                     int64_t len) {
  SmallVector<int64_t> shape(rtt(v).getShape());
  // The handlers check their operands' shapes; this keeps a missed case from
  // writing past `shape` or building an invalid slice that its folder reads.
  if (axis >= (int64_t)shape.size() ||
      (!ShapedType::isDynamic(shape[axis]) && start + len > shape[axis]))
    return nodeError(n) << "cannot take entries " << start << " to " << start + len << " of axis "
                        << axis << " of a tensor of shape " << shapeToString(shape);
  shape[axis] = len;
  return make<SliceOp>(n, rtt(v).clone(shape), v, b.getDenseI64ArrayAttr({start}),
                       b.getDenseI64ArrayAttr({start + len}), b.getDenseI64ArrayAttr({axis}),
                       b.getDenseI64ArrayAttr({1}));
}
FailureOr<Value> Importer::leadingEntry(const NodeProto &n, Value v, int64_t i) {
  auto t = sliceAxis(n, v, 0, i, 1);
  if (failed(t))
    return failure();
  auto s = rtt(*t).getShape();
  return buildReshape(n, *t, SmallVector<int64_t>(s.begin() + 1, s.end()), false);
}
FailureOr<Value> Importer::concatAxis(const NodeProto &n, ArrayRef<Value> parts, int64_t axis) {
  if (parts.empty())
    return nodeError(n) << "nothing to concatenate";
  if (parts.size() == 1)
    return parts[0];
  SmallVector<int64_t> shape(rtt(parts[0]).getShape());
  shape[axis] = 0;
  for (Value p : parts)
    shape[axis] += rtt(p).getDimSize(axis);
  return make<ConcatOp>(n, rtt(parts[0]).clone(shape), SmallVector<Value>(parts),
                        b.getI64IntegerAttr(axis));
}
Value Importer::zerosLike(ArrayRef<int64_t> shape, Type el) {
  auto t = RankedTensorType::get(shape, el);
  return createConstant(DenseElementsAttr::get(t, b.getFloatAttr(el, 0.0)), t, "");
}
FailureOr<Value> Importer::gemmTransB(const NodeProto &n, Value a, Value w, Value c) {
  int64_t m = rtt(a).getDimSize(0), cols = rtt(w).getDimSize(0);
  return make<GemmOp>(n, RankedTensorType::get({m, cols}, rtt(a).getElementType()), a, w, c,
                      b.getBoolAttr(false), b.getBoolAttr(true), b.getF32FloatAttr(1.0f),
                      b.getF32FloatAttr(1.0f), b.getStringAttr("none"), FloatAttr(),
                      FloatAttr());
}

/// Checks the optional operand #k of a recurrent op against its shape in the
/// ONNX spec; dynamic dims match any size.
/// An LSTM, GRU or RNN with layout = 1 (batch-major: X [batch, seq, input],
/// initial states [batch, dirs, hidden], Y [batch, seq, dirs, hidden], Y_h
/// and Y_c [batch, dirs, hidden]): the node with layout 0 between
/// transposes of those tensors.
LogicalResult Importer::batchMajor(const NodeProto &n, Handler handler) {
  NodeProto m = n;
  m.set_name(nodeName(n)); // (an unnamed node is known by its first output)
  m.clear_attribute();
  for (const auto &a : n.attribute())
    if (a.name() != "layout")
      *m.add_attribute() = a;
  auto transpose = [&](Value v, ArrayRef<int64_t> perm) -> FailureOr<Value> {
    std::string why;
    auto shape = inferTransposeShape(rtt(v).getShape(), perm, why);
    if (failed(shape))
      return nodeError(n) << why;
    return make<TransposeOp>(n, rtt(v).clone(*shape), v, b.getDenseI64ArrayAttr(perm));
  };
  std::string tag = "\x01layout0:" + nodeName(n) + ":";
  // X, initial_h and initial_c (LSTM) are batch-major.
  for (int k : {0, 5, 6}) {
    Value v = input(n, k);
    if (!v || (k == 6 && n.op_type() != "LSTM"))
      continue;
    if (rtt(v).getRank() != 3)
      return nodeError(n) << (k == 0 ? "X" : k == 5 ? "initial_h" : "initial_c")
                          << " must be a 3-D tensor";
    auto t = transpose(v, {1, 0, 2});
    if (failed(t))
      return failure();
    std::string name = tag + "in" + std::to_string(k);
    values[name] = *t;
    m.set_input(k, name);
  }
  for (int k = 0; k < m.output_size(); ++k)
    if (!m.output(k).empty())
      m.set_output(k, tag + "out" + std::to_string(k));
  if (failed((this->*handler)(m)))
    return failure();
  for (int k = 0; k < m.output_size(); ++k) {
    if (m.output(k).empty() || !values.count(m.output(k)))
      continue;
    auto t = transpose(values[m.output(k)], k == 0 ? ArrayRef<int64_t>{2, 0, 1, 3}
                                                    : ArrayRef<int64_t>{1, 0, 2});
    if (failed(t))
      return failure();
    define(n, k, *t);
  }
  return success();
}

static bool fitsShape(Value v, ArrayRef<int64_t> want) {
  auto have = cast<RankedTensorType>(v.getType()).getShape();
  if (have.size() != want.size())
    return false;
  for (auto [h, w] : llvm::zip(have, want))
    if (!ShapedType::isDynamic(h) && h != w)
      return false;
  return true;
}

/// LSTM (layout 0, any activations) unrolled over its static sequence:
/// the input projections of all steps in one Gemm, then per step the
/// recurrent Gemm, the gates (i, o, f, c), optional peepholes and clip.
LogicalResult Importer::onLSTM(const NodeProto &n) {
  if (failed(need(n, {0, 1, 2})))
    return failure();
  auto fx = requireFloat(n, asPlain(input(n, 0)), "X");
  if (failed(fx))
    return failure();
  Value x = *fx, wAll = input(n, 1), rAll = input(n, 2), bAll = input(n, 3);
  if (attrInt(n, "layout", 0) == 1)
    return batchMajor(n, &Importer::onLSTM);
  if (attrInt(n, "layout", 0) != 0)
    return nodeError(n) << "unsupported attribute value layout=" << attrInt(n, "layout", 0);
  if (attrInt(n, "input_forget", 0) != 0)
    return nodeError(n) << "unsupported attribute value input_forget=1";
  if (rtt(x).getRank() != 3 || !rtt(x).hasStaticShape())
    return nodeError(n) << "X must be a 3-D tensor of static shape (use --input-shape)";
  if (Value sl = input(n, 4)) {
    auto c = constOf(sl);
    int64_t seqLen = rtt(x).getDimSize(0);
    if (!c || llvm::any_of(c->i, [&](int64_t v) { return v != seqLen; }))
      return nodeError(n) << "sequence_lens must be a constant equal to the sequence length";
  }
  auto xs = rtt(x).getShape();
  if (xs.size() != 3 || !rtt(x).hasStaticShape())
    return nodeError(n) << "X must be a 3-D tensor of static shape (use --input-shape)";
  int64_t seq = xs[0], batch = xs[1], inSize = xs[2];
  if (seq > kMaxUnrolledSteps)
    return nodeError(n) << "a sequence of " << seq << " steps is too long to unroll (at most "
                        << kMaxUnrolledSteps << ")";
  int64_t hidden = attrInt(n, "hidden_size", 0);
  std::string dirAttr = attrString(n, "direction", "forward");
  int64_t dirs = dirAttr == "bidirectional" ? 2 : 1;
  if (dirAttr != "forward" && dirAttr != "reverse" && dirAttr != "bidirectional")
    return nodeError(n) << "unsupported attribute value direction=\"" << dirAttr << "\"";
  auto ws = rtt(wAll).getShape(), rs = rtt(rAll).getShape();
  // (hidden_size is bounded first so that 8 * hidden cannot overflow.)
  if (hidden < 1 || hidden > (int64_t{1} << 32) || ws.size() != 3 || ws[0] != dirs ||
      ws[1] != 4 * hidden || ws[2] != inSize || rs.size() != 3 || rs[0] != dirs ||
      rs[1] != 4 * hidden || rs[2] != hidden)
    return nodeError(n) << "W " << shapeToString(ws) << " and R " << shapeToString(rs)
                        << " do not fit hidden_size " << hidden << ", " << dirs
                        << " direction(s) and input size " << inSize;
  for (auto [k, name, want] :
       {std::tuple<int, const char *, SmallVector<int64_t>>{3, "B", {dirs, 8 * hidden}},
        {5, "initial_h", {dirs, batch, hidden}},
        {6, "initial_c", {dirs, batch, hidden}},
        {7, "P", {dirs, 3 * hidden}}})
    if (Value v = input(n, k); v && !fitsShape(v, want))
      return nodeError(n) << name << " has shape " << shapeToString(rtt(v).getShape())
                          << ", expected " << shapeToString(want);
  Type el = rtt(x).getElementType();
  if (seq == 0)
    return emptyRecurrence(n, dirs, batch, hidden, el, /*withCell=*/true);
  auto acts = rnnActivations(n, dirs, {"Sigmoid", "Tanh", "Tanh"});
  if (failed(acts))
    return failure();
  std::optional<float> clip;
  if (attr(n, "clip"))
    clip = attrFloat(n, "clip", 0);
  auto take = [&](Value v, int64_t axis, int64_t start, int64_t len) {
    return sliceAxis(n, v, axis, start, len);
  };
  auto bin = [&](StringRef k, Value a, Value c) { return buildBinary(n, k, a, c, el); };
  auto zeros = [&](ArrayRef<int64_t> shape) { return zerosLike(shape, el); };
  auto gemm = [&](Value a, Value w, Value c) { return gemmTransB(n, a, w, c); };
  auto x2 = buildReshape(n, x, {seq * batch, inSize}, false);
  if (failed(x2))
    return failure();
  SmallVector<Value> ys(dirs), hs(dirs), cs(dirs);
  SmallVector<SmallVector<Value>> stepsOut(dirs);
  for (int64_t d = 0; d < dirs; ++d) {
    bool reverse = dirAttr == "reverse" || d == 1;
    auto wd = leadingEntry(n, wAll, d), rd = leadingEntry(n, rAll, d);
    if (failed(wd) || failed(rd))
      return failure();
    Value bias = zeros({4 * hidden});
    if (bAll) {
      auto b2 = leadingEntry(n, bAll, d);
      if (failed(b2))
        return failure();
      auto wb = take(*b2, 0, 0, 4 * hidden), rb = take(*b2, 0, 4 * hidden, 4 * hidden);
      if (failed(wb) || failed(rb))
        return failure();
      auto sum = bin("Add", *wb, *rb);
      if (failed(sum))
        return failure();
      bias = *sum;
    }
    auto xw = gemm(*x2, *wd, bias);
    if (failed(xw))
      return failure();
    auto xw3 = buildReshape(n, *xw, {seq, batch, 4 * hidden}, false);
    if (failed(xw3))
      return failure();
    Value h = zeros({batch, hidden}), c = zeros({batch, hidden});
    for (auto [k, slot] : {std::pair<int, Value *>{5, &h}, {6, &c}})
      if (Value init = input(n, k)) {
        auto s = leadingEntry(n, init, d);
        if (failed(s))
          return failure();
        *slot = *s;
      }
    Value pi, po, pf;
    if (Value p = input(n, 7)) {
      auto p1 = leadingEntry(n, p, d);
      if (failed(p1))
        return failure();
      auto a = take(*p1, 0, 0, hidden), o = take(*p1, 0, hidden, hidden),
           f = take(*p1, 0, 2 * hidden, hidden);
      if (failed(a) || failed(o) || failed(f))
        return failure();
      pi = *a, po = *o, pf = *f;
    }
    auto clipped = [&](Value v) -> FailureOr<Value> {
      if (!clip)
        return v;
      return make<ClampOp>(n, v.getType(), v, b.getF32FloatAttr(-*clip),
                           b.getF32FloatAttr(*clip));
    };
    // f (the gates), g (the cell input), h (the output): this direction's.
    auto act = [&](int which, Value v) -> FailureOr<Value> {
      auto cv = which == 2 ? FailureOr<Value>(v) : clipped(v);
      if (failed(cv))
        return failure();
      return applyRnnActivation(n, (*acts)[d * 3 + which], *cv);
    };
    stepsOut[d].assign(seq, Value());
    for (int64_t s = 0; s < seq; ++s) {
      int64_t t = reverse ? seq - 1 - s : s;
      auto xt2 = leadingEntry(n, *xw3, t);
      auto g = succeeded(xt2) ? gemm(h, *rd, *xt2) : FailureOr<Value>(failure());
      if (failed(g))
        return failure();
      auto gi = take(*g, 1, 0, hidden), go = take(*g, 1, hidden, hidden),
           gf = take(*g, 1, 2 * hidden, hidden), gc = take(*g, 1, 3 * hidden, hidden);
      if (failed(gi) || failed(go) || failed(gf) || failed(gc))
        return failure();
      Value iv = *gi, fv = *gf, ov = *go;
      if (pi) {
        auto a = bin("Mul", pi, c), f = bin("Mul", pf, c);
        if (failed(a) || failed(f))
          return failure();
        auto a2 = bin("Add", iv, *a), f2 = bin("Add", fv, *f);
        if (failed(a2) || failed(f2))
          return failure();
        iv = *a2, fv = *f2;
      }
      auto it = act(0, iv), ft = act(0, fv), ct = act(1, *gc);
      if (failed(it) || failed(ft) || failed(ct))
        return failure();
      auto fc = bin("Mul", *ft, c), ic = bin("Mul", *it, *ct);
      if (failed(fc) || failed(ic))
        return failure();
      auto cn = bin("Add", *fc, *ic);
      if (failed(cn))
        return failure();
      c = *cn;
      if (po) {
        auto p = bin("Mul", po, c);
        auto o2 = succeeded(p) ? bin("Add", ov, *p) : FailureOr<Value>(failure());
        if (failed(o2))
          return failure();
        ov = *o2;
      }
      auto otv = act(0, ov);
      auto tc = act(2, c);
      if (failed(otv) || failed(tc))
        return failure();
      auto hn = bin("Mul", *otv, *tc);
      if (failed(hn))
        return failure();
      h = *hn;
      auto h4 = buildReshape(n, h, {1, 1, batch, hidden}, false);
      if (failed(h4))
        return failure();
      stepsOut[d][t] = *h4;
    }
    hs[d] = h;
    cs[d] = c;
  }
  auto concat = [&](ArrayRef<Value> parts, int64_t axis) { return concatAxis(n, parts, axis); };
  SmallVector<Value> perDir, lastH, lastC;
  for (int64_t d = 0; d < dirs; ++d) {
    auto y = concat(stepsOut[d], 0);
    auto h3 = buildReshape(n, hs[d], {1, batch, hidden}, false);
    auto c3 = buildReshape(n, cs[d], {1, batch, hidden}, false);
    if (failed(y) || failed(h3) || failed(c3))
      return failure();
    perDir.push_back(*y);
    lastH.push_back(*h3);
    lastC.push_back(*c3);
  }
  auto y = concat(perDir, 1), yh = concat(lastH, 0), yc = concat(lastC, 0);
  if (failed(y) || failed(yh) || failed(yc))
    return failure();
  define(n, 0, *y);
  define(n, 1, *yh);
  define(n, 2, *yc);
  return success();
}

/// GRU (layout 0, any activations, clip, both linear_before_reset forms)
/// unrolled like LSTM: z and r from one recurrent Gemm, then the candidate.
LogicalResult Importer::onGRU(const NodeProto &n) {
  if (failed(need(n, {0, 1, 2})))
    return failure();
  auto fx = requireFloat(n, asPlain(input(n, 0)), "X");
  if (failed(fx))
    return failure();
  Value x = *fx, wAll = input(n, 1), rAll = input(n, 2), bAll = input(n, 3);
  if (attrInt(n, "layout", 0) == 1)
    return batchMajor(n, &Importer::onGRU);
  if (attrInt(n, "layout", 0) != 0)
    return nodeError(n) << "unsupported attribute value layout=" << attrInt(n, "layout", 0);
  auto xs = rtt(x).getShape();
  if (xs.size() != 3 || !rtt(x).hasStaticShape())
    return nodeError(n) << "X must be a 3-D tensor of static shape (use --input-shape)";
  if (Value sl = input(n, 4)) {
    auto c = constOf(sl);
    if (!c || llvm::any_of(c->i, [&](int64_t v) { return v != xs[0]; }))
      return nodeError(n) << "sequence_lens must be a constant equal to the sequence length";
  }
  int64_t seq = xs[0], batch = xs[1], inSize = xs[2];
  if (seq > kMaxUnrolledSteps)
    return nodeError(n) << "a sequence of " << seq << " steps is too long to unroll (at most "
                        << kMaxUnrolledSteps << ")";
  int64_t hid = attrInt(n, "hidden_size", 0);
  bool lbr = attrInt(n, "linear_before_reset", 0);
  std::string dirAttr = attrString(n, "direction", "forward");
  if (dirAttr != "forward" && dirAttr != "reverse" && dirAttr != "bidirectional")
    return nodeError(n) << "unsupported attribute value direction=\"" << dirAttr << "\"";
  int64_t dirs = dirAttr == "bidirectional" ? 2 : 1;
  auto acts = rnnActivations(n, dirs, {"Sigmoid", "Tanh"});
  if (failed(acts))
    return failure();
  std::optional<float> clip;
  if (attr(n, "clip"))
    clip = attrFloat(n, "clip", 0);
  // clip (before each activation), then this direction's f or g.
  auto act = [&](int64_t d, int which, Value v) -> FailureOr<Value> {
    FailureOr<Value> cv = v;
    if (clip)
      cv = make<ClampOp>(n, v.getType(), v, b.getF32FloatAttr(-*clip), b.getF32FloatAttr(*clip));
    if (failed(cv))
      return failure();
    return applyRnnActivation(n, (*acts)[d * 2 + which], *cv);
  };
  auto ws = rtt(wAll).getShape(), rs = rtt(rAll).getShape();
  // (hidden_size is bounded first so that 6 * hid cannot overflow.)
  if (hid < 1 || hid > (int64_t{1} << 32) || ws.size() != 3 || ws[0] != dirs || ws[1] != 3 * hid ||
      ws[2] != inSize || rs.size() != 3 || rs[0] != dirs || rs[1] != 3 * hid || rs[2] != hid)
    return nodeError(n) << "W " << shapeToString(ws) << " and R " << shapeToString(rs)
                        << " do not fit hidden_size " << hid << ", " << dirs
                        << " direction(s) and input size " << inSize;
  for (auto [k, name, want] :
       {std::tuple<int, const char *, SmallVector<int64_t>>{3, "B", {dirs, 6 * hid}},
        {5, "initial_h", {dirs, batch, hid}}})
    if (Value v = input(n, k); v && !fitsShape(v, want))
      return nodeError(n) << name << " has shape " << shapeToString(rtt(v).getShape())
                          << ", expected " << shapeToString(want);
  Type el = rtt(x).getElementType();
  if (seq == 0)
    return emptyRecurrence(n, dirs, batch, hid, el, /*withCell=*/false);
  auto take = [&](Value v, int64_t axis, int64_t start, int64_t len) {
    return sliceAxis(n, v, axis, start, len);
  };
  auto row = [&](Value v, int64_t i) { return leadingEntry(n, v, i); };
  auto bin = [&](StringRef k, Value a, Value c) { return buildBinary(n, k, a, c, el); };
  auto zeros = [&](ArrayRef<int64_t> shape) { return zerosLike(shape, el); };
  auto gemm = [&](Value a, Value w, Value c) { return gemmTransB(n, a, w, c); };
#define OCTET_TRY(var, expr)                                                                 \
  auto var = (expr);                                                                         \
  if (failed(var))                                                                           \
    return failure();
  OCTET_TRY(x2, buildReshape(n, x, {seq * batch, inSize}, false));
  Value one = scalarConst(el, 1.0);
  SmallVector<SmallVector<Value>> steps(dirs, SmallVector<Value>(seq));
  SmallVector<Value> last(dirs);
  for (int64_t d = 0; d < dirs; ++d) {
    bool reverse = dirAttr == "reverse" || d == 1;
    OCTET_TRY(wd, row(wAll, d));
    OCTET_TRY(rd, row(rAll, d));
    Value wb = zeros({3 * hid}), rb = zeros({3 * hid});
    if (bAll) {
      OCTET_TRY(bd, row(bAll, d));
      OCTET_TRY(w1, take(*bd, 0, 0, 3 * hid));
      OCTET_TRY(r1, take(*bd, 0, 3 * hid, 3 * hid));
      wb = *w1, rb = *r1;
    }
    OCTET_TRY(xw, gemm(*x2, *wd, wb));
    OCTET_TRY(xw3, buildReshape(n, *xw, {seq, batch, 3 * hid}, false));
    OCTET_TRY(rzr, take(*rd, 0, 0, 2 * hid));
    OCTET_TRY(rh, take(*rd, 0, 2 * hid, hid));
    OCTET_TRY(rbzr, take(rb, 0, 0, 2 * hid));
    OCTET_TRY(rbh, take(rb, 0, 2 * hid, hid));
    Value h = zeros({batch, hid});
    if (Value init = input(n, 5)) {
      OCTET_TRY(h0, row(init, d));
      h = *h0;
    }
    for (int64_t s = 0; s < seq; ++s) {
      int64_t t = reverse ? seq - 1 - s : s;
      OCTET_TRY(xt, row(*xw3, t));
      OCTET_TRY(xzr, take(*xt, 1, 0, 2 * hid));
      OCTET_TRY(xh, take(*xt, 1, 2 * hid, hid));
      OCTET_TRY(gzr, gemm(h, *rzr, *rbzr));
      OCTET_TRY(szr, bin("Add", *xzr, *gzr));
      OCTET_TRY(zr, act(d, 0, *szr));
      OCTET_TRY(z, take(*zr, 1, 0, hid));
      OCTET_TRY(r, take(*zr, 1, hid, hid));
      FailureOr<Value> cand = failure();
      if (lbr) {
        OCTET_TRY(hr, gemm(h, *rh, *rbh));
        OCTET_TRY(rhr, bin("Mul", *r, *hr));
        cand = bin("Add", *xh, *rhr);
      } else {
        OCTET_TRY(rhp, bin("Mul", *r, h));
        OCTET_TRY(hr, gemm(*rhp, *rh, *rbh));
        cand = bin("Add", *xh, *hr);
      }
      if (failed(cand))
        return failure();
      OCTET_TRY(hh, act(d, 1, *cand));
      OCTET_TRY(omz, bin("Sub", one, *z));
      OCTET_TRY(a, bin("Mul", *omz, *hh));
      OCTET_TRY(c, bin("Mul", *z, h));
      OCTET_TRY(hn, bin("Add", *a, *c));
      h = *hn;
      OCTET_TRY(h4, buildReshape(n, h, {1, 1, batch, hid}, false));
      steps[d][t] = *h4;
    }
    last[d] = h;
  }
  auto concat = [&](ArrayRef<Value> parts, int64_t axis) { return concatAxis(n, parts, axis); };
  SmallVector<Value> perDir, lastH;
  for (int64_t d = 0; d < dirs; ++d) {
    OCTET_TRY(y, concat(steps[d], 0));
    OCTET_TRY(h3, buildReshape(n, last[d], {1, batch, hid}, false));
    perDir.push_back(*y);
    lastH.push_back(*h3);
  }
  OCTET_TRY(y, concat(perDir, 1));
  OCTET_TRY(yh, concat(lastH, 0));
#undef OCTET_TRY
  define(n, 0, *y);
  define(n, 1, *yh);
  return success();
}

/// RNN (layout 0): per step H = f(X W^T + H R^T + Wb + Rb) with f one of
/// Tanh (the default), Relu or Sigmoid per direction, unrolled over the
/// static sequence like GRU.
LogicalResult Importer::onRNN(const NodeProto &n) {
  if (failed(need(n, {0, 1, 2})))
    return failure();
  auto fx = requireFloat(n, asPlain(input(n, 0)), "X");
  if (failed(fx))
    return failure();
  Value x = *fx, wAll = input(n, 1), rAll = input(n, 2), bAll = input(n, 3);
  if (attrInt(n, "layout", 0) == 1)
    return batchMajor(n, &Importer::onRNN);
  if (attrInt(n, "layout", 0) != 0)
    return nodeError(n) << "unsupported attribute value layout=" << attrInt(n, "layout", 0);
  std::optional<float> clip;
  if (attr(n, "clip"))
    clip = attrFloat(n, "clip", 0);
  auto xs = rtt(x).getShape();
  if (xs.size() != 3 || !rtt(x).hasStaticShape())
    return nodeError(n) << "X must be a 3-D tensor of static shape (use --input-shape)";
  if (Value sl = input(n, 4)) {
    auto c = constOf(sl);
    if (!c || llvm::any_of(c->i, [&](int64_t v) { return v != xs[0]; }))
      return nodeError(n) << "sequence_lens must be a constant equal to the sequence length";
  }
  int64_t seq = xs[0], batch = xs[1], inSize = xs[2];
  if (seq > kMaxUnrolledSteps)
    return nodeError(n) << "a sequence of " << seq << " steps is too long to unroll (at most "
                        << kMaxUnrolledSteps << ")";
  int64_t hid = attrInt(n, "hidden_size", 0);
  std::string dirAttr = attrString(n, "direction", "forward");
  if (dirAttr != "forward" && dirAttr != "reverse" && dirAttr != "bidirectional")
    return nodeError(n) << "unsupported attribute value direction=\"" << dirAttr << "\"";
  int64_t dirs = dirAttr == "bidirectional" ? 2 : 1;
  auto acts = rnnActivations(n, dirs, {"Tanh"});
  if (failed(acts))
    return failure();
  auto ws = rtt(wAll).getShape(), rs = rtt(rAll).getShape();
  if (hid < 1 || hid > (int64_t{1} << 32) || ws.size() != 3 || ws[0] != dirs || ws[1] != hid ||
      ws[2] != inSize || rs.size() != 3 || rs[0] != dirs || rs[1] != hid || rs[2] != hid)
    return nodeError(n) << "W " << shapeToString(ws) << " and R " << shapeToString(rs)
                        << " do not fit hidden_size " << hid << ", " << dirs
                        << " direction(s) and input size " << inSize;
  for (auto [k, name, want] :
       {std::tuple<int, const char *, SmallVector<int64_t>>{3, "B", {dirs, 2 * hid}},
        {5, "initial_h", {dirs, batch, hid}}})
    if (Value v = input(n, k); v && !fitsShape(v, want))
      return nodeError(n) << name << " has shape " << shapeToString(rtt(v).getShape())
                          << ", expected " << shapeToString(want);
  Type el = rtt(x).getElementType();
  if (seq == 0)
    return emptyRecurrence(n, dirs, batch, hid, el, /*withCell=*/false);
  auto zeros = [&](ArrayRef<int64_t> shape) { return zerosLike(shape, el); };
#define OCTET_TRY(var, expr)                                                                 \
  auto var = (expr);                                                                         \
  if (failed(var))                                                                           \
    return failure();
  OCTET_TRY(x2, buildReshape(n, x, {seq * batch, inSize}, false));
  SmallVector<SmallVector<Value>> steps(dirs, SmallVector<Value>(seq));
  SmallVector<Value> last(dirs);
  for (int64_t d = 0; d < dirs; ++d) {
    bool reverse = dirAttr == "reverse" || d == 1;
    OCTET_TRY(wd, leadingEntry(n, wAll, d));
    OCTET_TRY(rd, leadingEntry(n, rAll, d));
    Value wb = zeros({hid}), rb = zeros({hid});
    if (bAll) {
      OCTET_TRY(bd, leadingEntry(n, bAll, d));
      OCTET_TRY(w1, sliceAxis(n, *bd, 0, 0, hid));
      OCTET_TRY(r1, sliceAxis(n, *bd, 0, hid, hid));
      wb = *w1, rb = *r1;
    }
    OCTET_TRY(xw, gemmTransB(n, *x2, *wd, wb));
    OCTET_TRY(xw3, buildReshape(n, *xw, {seq, batch, hid}, false));
    Value h = zeros({batch, hid});
    if (Value init = input(n, 5)) {
      OCTET_TRY(h0, leadingEntry(n, init, d));
      h = *h0;
    }
    for (int64_t s = 0; s < seq; ++s) {
      int64_t t = reverse ? seq - 1 - s : s;
      OCTET_TRY(xt, leadingEntry(n, *xw3, t));
      OCTET_TRY(hr, gemmTransB(n, h, *rd, rb));
      OCTET_TRY(sum, buildBinary(n, "Add", *xt, *hr, el));
      FailureOr<Value> pre = *sum;
      if (clip)
        pre = make<ClampOp>(n, rtt(*sum), *sum, b.getF32FloatAttr(-*clip),
                            b.getF32FloatAttr(*clip));
      FailureOr<Value> hn = succeeded(pre) ? applyRnnActivation(n, (*acts)[d], *pre) : pre;
      if (failed(hn))
        return failure();
      h = *hn;
      OCTET_TRY(h4, buildReshape(n, h, {1, 1, batch, hid}, false));
      steps[d][t] = *h4;
    }
    last[d] = h;
  }
  SmallVector<Value> perDir, lastH;
  for (int64_t d = 0; d < dirs; ++d) {
    OCTET_TRY(y, concatAxis(n, steps[d], 0));
    OCTET_TRY(h3, buildReshape(n, last[d], {1, batch, hid}, false));
    perDir.push_back(*y);
    lastH.push_back(*h3);
  }
  OCTET_TRY(y, concatAxis(n, perDir, 1));
  OCTET_TRY(yh, concatAxis(n, lastH, 0));
#undef OCTET_TRY
  define(n, 0, *y);
  define(n, 1, *yh);
  return success();
}
