//===- Attention.cpp - the opset 23 Attention and RotaryEmbedding ---------===//
//
// Both are ONNX functions; they are written out here as the octet ops their
// definitions use (matmuls, softmax, slices), so that the usual fusions and
// float islands apply.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::octet;
using namespace ::octet::onnx_import::detail;

/// Attention (opset 23/24): Q [B, Hq, S, D] or [B, S, Hq * D], K and V
/// likewise with Hkv heads (Hq a multiple: grouped-query attention), an
/// optional mask (bool: true attends; float: added; a last dimension
/// shorter than the keys padded as masked), nonpad_kv_seqlen (opset 24:
/// keys past each entry's count masked), past keys and values prepended
/// (present_key/value out), is_causal (keys up to the query's position
/// after the past ones), scale (default 1/sqrt(D)), softcap (before the
/// mask, as ONNX's reference does), and the QK output at
/// qk_matmul_output_mode 0-3. A group of query heads shares its key/value
/// head through a reshape of the queries, not a copy of the keys.
LogicalResult Importer::onAttention(const NodeProto &n) {
  if (failed(need(n, {0, 1, 2})))
    return failure();
  SmallVector<Value> qkv;
  for (int k = 0; k < 3; ++k) {
    auto v = requireFloat(n, asPlain(input(n, k)), k == 0 ? "Q" : k == 1 ? "K" : "V");
    if (failed(v))
      return failure();
    if (!rtt(*v).hasStaticShape() || (rtt(*v).getRank() != 3 && rtt(*v).getRank() != 4))
      return nodeError(n) << "Q, K and V must be 3-D or 4-D with static shapes, got "
                          << rtt(*v);
    qkv.push_back(*v);
  }
  Type el = rtt(qkv[0]).getElementType();
  for (Value v : qkv)
    if (rtt(v).getElementType() != el)
      return nodeError(n) << "Q, K and V must have one element type";
  bool threeD = rtt(qkv[0]).getRank() == 3;
  int64_t B = rtt(qkv[0]).getDimSize(0);
  int64_t qHeads = attrInt(n, "q_num_heads", 0), kvHeads = attrInt(n, "kv_num_heads", 0);
  // To [B, heads, S, D].
  auto heads4 = [&](Value v, int64_t heads, StringRef what) -> FailureOr<Value> {
    auto t = rtt(v);
    if (t.getRank() == 4)
      return v;
    if (heads < 1 || t.getDimSize(2) % heads)
      return nodeError(n) << "3-D " << what << " " << t << " needs "
                          << (what == "Q" ? "q_num_heads" : "kv_num_heads")
                          << " dividing its hidden size, got " << heads;
    int64_t S = t.getDimSize(1), D = t.getDimSize(2) / heads;
    auto r = buildReshape(n, v, {t.getDimSize(0), S, heads, D}, false);
    if (failed(r))
      return failure();
    return make<TransposeOp>(n, RankedTensorType::get({t.getDimSize(0), heads, S, D}, el), *r,
                             b.getDenseI64ArrayAttr({0, 2, 1, 3}));
  };
  auto q = heads4(qkv[0], qHeads, "Q");
  auto kk = heads4(qkv[1], kvHeads, "K");
  auto vv = heads4(qkv[2], kvHeads, "V");
  if (failed(q) || failed(kk) || failed(vv))
    return failure();
  auto qs = rtt(*q).getShape(), ks = rtt(*kk).getShape(), vs = rtt(*vv).getShape();
  int64_t Hq = qs[1], S = qs[2], D = qs[3], Hkv = ks[1], Dv = vs[3];
  if (ks[0] != B || vs[0] != B || vs[1] != Hkv || ks[3] != D || vs[2] != ks[2] || Hkv < 1 ||
      Hq % Hkv)
    return nodeError(n) << "Q " << rtt(*q) << ", K " << rtt(*kk) << " and V " << rtt(*vv)
                        << " (as [batch, heads, sequence, size]) do not fit: K needs Q's "
                        << "batch and size, V K's heads and sequence, and the query heads "
                        << "must be a multiple of the key/value heads";
  Value K = *kk, V = *vv;
  // Past keys and values come first; the results are the present ones.
  Value pastK = input(n, 4), pastV = input(n, 5);
  if (!pastK != !pastV)
    return nodeError(n) << "past_key and past_value must be given together";
  if (pastK) {
    auto pk = rtt(pastK), pv = rtt(pastV);
    if (!pk.hasStaticShape() || !pv.hasStaticShape() || pk.getRank() != 4 ||
        pv.getRank() != 4 || pk.getDimSize(0) != B || pk.getDimSize(1) != Hkv ||
        pk.getDimSize(3) != D || pv.getDimSize(0) != B || pv.getDimSize(1) != Hkv ||
        pv.getDimSize(3) != Dv || pv.getDimSize(2) != pk.getDimSize(2) ||
        pk.getElementType() != el || pv.getElementType() != el)
      return nodeError(n) << "past_key " << pk << " and past_value " << pv
                          << " must be [batch, kv_num_heads, past, size] like K and V";
    int64_t T = pk.getDimSize(2) + ks[2];
    auto ck = make<ConcatOp>(n, RankedTensorType::get({B, Hkv, T, D}, el),
                             ValueRange{pastK, K}, b.getI64IntegerAttr(2));
    auto cv = make<ConcatOp>(n, RankedTensorType::get({B, Hkv, T, Dv}, el),
                             ValueRange{pastV, V}, b.getI64IntegerAttr(2));
    if (failed(ck) || failed(cv))
      return failure();
    K = *ck;
    V = *cv;
  }
  define(n, 1, K);
  define(n, 2, V);
  int64_t T = rtt(K).getDimSize(2), G = Hq / Hkv;
  double scale = attr(n, "scale") ? (double)attrFloat(n, "scale", 1.0f)
                                   : 1.0 / std::sqrt((double)D);
  // Scores [B, Hkv, G * S, T]: each key/value head against its group's
  // queries.
  auto qScaled = buildBinary(n, "Mul", *q, scalarConst(el, scale), el);
  if (failed(qScaled))
    return failure();
  auto qg = buildReshape(n, *qScaled, {B, Hkv, G * S, D}, false);
  auto kt = make<TransposeOp>(n, RankedTensorType::get({B, Hkv, D, T}, el), K,
                              b.getDenseI64ArrayAttr({0, 1, 3, 2}));
  if (failed(qg) || failed(kt))
    return failure();
  auto sc = buildMatMul(n, *qg, *kt, el);
  if (failed(sc))
    return failure();
  auto scores = buildReshape(n, *sc, {B, Hq, S, T}, false);
  if (failed(scores))
    return failure();
  int64_t mode = attrInt(n, "qk_matmul_output_mode", 0);
  if (mode < 0 || mode > 3)
    return nodeError(n) << "unsupported attribute value qk_matmul_output_mode=" << mode;
  Value x = *scores;
  // softcap comes before the mask, so that masked scores stay -inf.
  if (float cap = attrFloat(n, "softcap", 0.0f); cap > 0) {
    auto d = buildBinary(n, "Div", x, scalarConst(el, cap), el);
    if (failed(d))
      return failure();
    auto t = make<TanhOp>(n, rtt(*d), *d);
    if (failed(t))
      return failure();
    auto m = buildBinary(n, "Mul", *t, scalarConst(el, cap), el);
    if (failed(m))
      return failure();
    x = *m;
  }
  if (mode <= 1)
    define(n, 3, x);
  // The bias: the mask (bool as 0 / -inf) and the causal triangle.
  const double ninf = -std::numeric_limits<double>::infinity();
  Value bias, anyKey; // anyKey: [B, 1, 1, 1], whether the entry has keys
  if (Value mask = input(n, 3)) {
    auto mt = rtt(mask);
    bool isBool = mt.getElementType().isInteger(1);
    if (!mt.hasStaticShape() || mt.getRank() < 1 || mt.getRank() > 4 ||
        (!isBool && mt.getElementType() != el))
      return nodeError(n) << "attn_mask must be a bool or " << el << " tensor of static shape "
                          << "and rank 1 to 4, got " << mt;
    int64_t last = mt.getDimSize(mt.getRank() - 1);
    if (last > T)
      return nodeError(n) << "attn_mask's last dimension " << last << " exceeds the "
                          << T << " keys";
    Value m = mask;
    if (isBool) {
      auto bm = buildWhere(n, mask, scalarConst(el, 0.0), scalarConst(el, ninf));
      if (failed(bm))
        return failure();
      m = *bm;
    }
    if (last < T) {
      // Keys past the mask's end are masked out.
      SmallVector<int64_t> shape(mt.getShape()), pads(2 * mt.getRank(), 0);
      shape.back() = T;
      pads.back() = T - last;
      auto pd = make<PadOp>(n, RankedTensorType::get(shape, el), m, b.getDenseI64ArrayAttr(pads),
                            b.getStringAttr("constant"), b.getF32FloatAttr(-INFINITY));
      if (failed(pd))
        return failure();
      m = *pd;
    }
    bias = m;
  }
  if (Value np = input(n, 6)) {
    // nonpad_kv_seqlen (opset 24): keys from the batch entry's count on
    // are padding, masked out.
    np = asPlain(np);
    auto nt = rtt(np);
    if (!isa<IntegerType>(nt.getElementType()) || nt.getShape() != ArrayRef<int64_t>{B})
      return nodeError(n) << "nonpad_kv_seqlen must be an integer tensor of shape [" << B
                          << "], got " << nt;
    if (pastK)
      return nodeError(n) << "nonpad_kv_seqlen cannot be combined with past_key and past_value";
    auto i64 = b.getI64Type();
    auto cnt = make<CastOp>(n, nt.clone(i64), np);
    if (succeeded(cnt))
      cnt = buildReshape(n, *cnt, {B, 1, 1, 1}, false);
    if (failed(cnt))
      return failure();
    Value pos = constFrom(n, {1, 1, 1, T}, i64, [](int64_t i) { return (double)i; });
    auto keep = make<CompareOp>(n, RankedTensorType::get({B, 1, 1, T}, b.getI1Type()), pos,
                                *cnt, b.getStringAttr("lt"));
    auto pad = succeeded(keep) ? buildWhere(n, *keep, scalarConst(el, 0.0), scalarConst(el, ninf))
                               : keep;
    if (succeeded(pad) && bias)
      pad = buildBinary(n, "Add", bias, *pad, el);
    auto some = make<CompareOp>(n, RankedTensorType::get({B, 1, 1, 1}, b.getI1Type()), *cnt,
                                scalarConst(i64, 0.0), b.getStringAttr("gt"));
    if (failed(pad) || failed(some))
      return failure();
    bias = *pad;
    anyKey = *some;
  }
  if (attrInt(n, "is_causal", 0)) {
    // Aligned after the past keys: query i sees keys j <= past + i.
    int64_t past = pastK ? rtt(pastK).getDimSize(2) : 0;
    ConstTensor c;
    c.isFloat = true;
    c.shape = {S, T};
    for (int64_t i = 0; i < S; ++i)
      for (int64_t j = 0; j < T; ++j)
        c.f.push_back(j <= past + i ? 0.0 : ninf);
    auto ct = RankedTensorType::get({S, T}, el);
    Value causal = createConstant(c.write(ct), ct, "");
    if (bias) {
      auto sum = buildBinary(n, "Add", bias, causal, el);
      if (failed(sum))
        return failure();
      bias = *sum;
    } else {
      bias = causal;
    }
  }
  if (bias) {
    auto added = buildBinary(n, "Add", x, bias, el);
    if (failed(added))
      return failure();
    if (rtt(*added).getShape() != rtt(x).getShape())
      return nodeError(n) << "attn_mask does not broadcast to the scores " << rtt(x);
    x = *added;
  }
  if (mode == 2)
    define(n, 3, x);
  auto p = make<SoftmaxOp>(n, rtt(x), x, b.getI64IntegerAttr(3), b.getBoolAttr(false));
  if (failed(p))
    return failure();
  if (mode == 3)
    define(n, 3, *p);
  auto pg = buildReshape(n, *p, {B, Hkv, G * S, T}, false);
  if (failed(pg))
    return failure();
  auto y = buildMatMul(n, *pg, V, el);
  if (failed(y))
    return failure();
  auto y4 = buildReshape(n, *y, {B, Hq, S, Dv}, false);
  // An entry whose nonpad_kv_seqlen is 0 has no key: 0, as in ONNX
  // Runtime (its softmax over no key is not a number).
  if (succeeded(y4) && anyKey)
    y4 = buildWhere(n, anyKey, *y4, scalarConst(el, 0.0));
  if (failed(y4) || !threeD)
    return defineResult(n, y4);
  auto yt = make<TransposeOp>(n, RankedTensorType::get({B, S, Hq, Dv}, el), *y4,
                              b.getDenseI64ArrayAttr({0, 2, 1, 3}));
  if (failed(yt))
    return failure();
  return defineResult(n, buildReshape(n, *yt, {B, S, Hq * Dv}, false));
}

/// RotaryEmbedding (opset 23): X [B, S, heads * D] (num_heads) or [B,
/// heads, S, D], worked on as [B, S, heads, D]; the first
/// rotary_embedding_dim values of each head (all by default) rotated by the
/// cos/sin caches ([max_position, rd / 2] gathered at position_ids [B, S],
/// or [B, S, rd / 2] as they are), as halves or interleaved pairs.
LogicalResult Importer::onRotaryEmbedding(const NodeProto &n) {
  if (failed(need(n, {0, 1, 2})))
    return failure();
  auto fx = requireFloat(n, asPlain(input(n, 0)), "X");
  if (failed(fx))
    return failure();
  auto xt = rtt(*fx);
  Type el = xt.getElementType();
  if (!xt.hasStaticShape() || (xt.getRank() != 3 && xt.getRank() != 4))
    return nodeError(n) << "X must be 3-D or 4-D with a static shape, got " << xt;
  bool threeD = xt.getRank() == 3;
  int64_t B = xt.getDimSize(0), S = threeD ? xt.getDimSize(1) : xt.getDimSize(2);
  int64_t H = threeD ? attrInt(n, "num_heads", 0) : xt.getDimSize(1);
  if (threeD && (H < 1 || xt.getDimSize(2) % H))
    return nodeError(n) << "3-D X " << xt << " needs num_heads dividing its hidden size, got "
                        << H;
  int64_t D = threeD ? xt.getDimSize(2) / H : xt.getDimSize(3);
  int64_t rd = attrInt(n, "rotary_embedding_dim", 0);
  if (rd == 0)
    rd = D;
  if (rd < 2 || rd > D || rd % 2)
    return nodeError(n) << "rotary_embedding_dim must be even and at most the head size " << D
                        << ", got " << rd;
  int64_t half = rd / 2;
  // X as [B, S, H, D].
  Value x = *fx;
  if (threeD) {
    auto r = buildReshape(n, x, {B, S, H, D}, false);
    if (failed(r))
      return failure();
    x = *r;
  } else {
    auto t = make<TransposeOp>(n, RankedTensorType::get({B, S, H, D}, el), x,
                               b.getDenseI64ArrayAttr({0, 2, 1, 3}));
    if (failed(t))
      return failure();
    x = *t;
  }
  // cos and sin as [B, S, 1, half].
  SmallVector<Value, 2> cs;
  Value pos = input(n, 3);
  for (int k : {1, 2}) {
    Value c = input(n, k);
    auto ct = rtt(c);
    if (ct.getElementType() != el || !ct.hasStaticShape())
      return nodeError(n) << (k == 1 ? "cos_cache" : "sin_cache") << " must be a static " << el
                          << " tensor, got " << ct;
    if (pos) {
      auto pt = rtt(pos);
      if (ct.getRank() != 2 || ct.getDimSize(1) != half || pt.getShape() != ArrayRef<int64_t>{B, S} ||
          !isa<IntegerType>(pt.getElementType()))
        return nodeError(n) << "with position_ids [" << B << ", " << S << "] the caches must be "
                            << "[max_position, " << half << "], got " << ct << " and ids "
                            << pt;
      auto g = make<GatherOp>(n, RankedTensorType::get({B, S, half}, el), c, pos,
                              b.getI64IntegerAttr(0));
      if (failed(g))
        return failure();
      c = *g;
    } else if (ct.getShape() != ArrayRef<int64_t>{B, S, half}) {
      return nodeError(n) << "without position_ids the caches must be [" << B << ", " << S
                          << ", " << half << "], got " << ct;
    }
    auto r = buildReshape(n, c, {B, S, 1, half}, false);
    if (failed(r))
      return failure();
    cs.push_back(*r);
  }
  auto slice = [&](Value v, int64_t st, int64_t en, int64_t step, int64_t count) {
    return make<SliceOp>(n, RankedTensorType::get({B, S, H, count}, el), v,
                         b.getDenseI64ArrayAttr({st}), b.getDenseI64ArrayAttr({en}),
                         b.getDenseI64ArrayAttr({3}), b.getDenseI64ArrayAttr({step}));
  };
  bool interleaved = attrInt(n, "interleaved", 0) != 0;
  auto x1 = interleaved ? slice(x, 0, rd, 2, half) : slice(x, 0, half, 1, half);
  auto x2 = interleaved ? slice(x, 1, rd, 2, half) : slice(x, half, rd, 1, half);
  if (failed(x1) || failed(x2))
    return failure();
  auto mul = [&](Value a, Value c) { return buildBinary(n, "Mul", a, c, el); };
  auto c1 = mul(*x1, cs[0]), s2 = mul(*x2, cs[1]), s1 = mul(*x1, cs[1]), c2 = mul(*x2, cs[0]);
  if (failed(c1) || failed(s2) || failed(s1) || failed(c2))
    return failure();
  auto real = buildBinary(n, "Sub", *c1, *s2, el);
  auto imag = buildBinary(n, "Add", *s1, *c2, el);
  if (failed(real) || failed(imag))
    return failure();
  FailureOr<Value> rot = failure();
  if (interleaved) {
    auto r5 = buildReshape(n, *real, {B, S, H, half, 1}, false);
    auto i5 = buildReshape(n, *imag, {B, S, H, half, 1}, false);
    if (failed(r5) || failed(i5))
      return failure();
    auto pairs = make<ConcatOp>(n, RankedTensorType::get({B, S, H, half, 2}, el),
                                ValueRange{*r5, *i5}, b.getI64IntegerAttr(4));
    if (failed(pairs))
      return failure();
    rot = buildReshape(n, *pairs, {B, S, H, rd}, false);
  } else {
    rot = make<ConcatOp>(n, RankedTensorType::get({B, S, H, rd}, el), ValueRange{*real, *imag},
                         b.getI64IntegerAttr(3));
  }
  if (failed(rot))
    return failure();
  Value y = *rot;
  if (rd < D) {
    auto rest = slice(x, rd, D, 1, D - rd);
    if (failed(rest))
      return failure();
    auto cat = make<ConcatOp>(n, RankedTensorType::get({B, S, H, D}, el), ValueRange{y, *rest},
                              b.getI64IntegerAttr(3));
    if (failed(cat))
      return failure();
    y = *cat;
  }
  if (threeD)
    return defineResult(n, buildReshape(n, y, {B, S, H * D}, false));
  return defineResult(n, make<TransposeOp>(n, RankedTensorType::get({B, H, S, D}, el), y,
                                           b.getDenseI64ArrayAttr({0, 2, 1, 3})));
}
