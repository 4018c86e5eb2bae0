//===- ConvMatMul.cpp - convolutions and matrix products ------------------===//
//
// Handlers of the default-domain Conv, ConvTranspose, MatMul, Gemm and Einsum
// (the quantized forms are in Quantization.cpp and Microsoft.cpp).
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include <cctype>
#include <map>

using namespace mlir;
using namespace mlir::octet;
using namespace ::octet::onnx_import::detail;

//===----------------------------------------------------------------------===//
// Convolutions
//===----------------------------------------------------------------------===//

LogicalResult Importer::onConv(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  auto x = requireFloat(n, input(n, 0), "input");
  if (failed(x))
    return failure();
  return defineResult(n, buildConv(n, *x, input(n, 1), input(n, 2), rtt(*x).getElementType()));
}

/// ConvTranspose as a stride-1 convolution: zeros between the input pixels
/// (reshape, pad, reshape), the rest of the border as convolution padding,
/// and the kernel flipped with input and output channels swapped. 1-D runs
/// as 2-D over a unit height; 2-D and 3-D directly (3-D through makeConv3D).
LogicalResult Importer::onConvTranspose(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  auto fx = requireFloat(n, asPlain(input(n, 0)), "input");
  if (failed(fx))
    return failure();
  Value x = *fx, w = input(n, 1), bias = input(n, 2);
  // A 1-D transposed convolution is a 2-D one over [N, C, 1, L] with a unit
  // kernel height: its window attributes gain a leading 1 (pads a 0).
  bool oneD = rtt(x).getRank() == 3 && rtt(w).getRank() == 3;
  if (oneD) {
    if (!rtt(x).hasStaticShape() || !rtt(w).hasStaticShape())
      return nodeError(n) << "needs static input and weight shapes (use --input-shape)";
    auto s3 = rtt(x).getShape();
    auto x4 = buildReshape(n, x, {s3[0], s3[1], 1, s3[2]}, false);
    auto w4 = unitHeightWeight(n, w);
    if (failed(x4) || failed(w4))
      return failure();
    x = *x4;
    w = *w4;
  }
  SmallVector<int64_t> xs(rtt(x).getShape()), ws(rtt(w).getShape());
  if (xs.size() != ws.size() || (xs.size() != 4 && xs.size() != 5))
    return nodeError(n) << "only 1-D, 2-D and 3-D transposed convolutions are supported (input "
                        << "rank " << rtt(x).getRank() << ", weight rank " << rtt(w).getRank()
                        << ")";
  if (!rtt(x).hasStaticShape() || !rtt(w).hasStaticShape())
    return nodeError(n) << "needs static input and weight shapes (use --input-shape)";
  // Spatial dimensions (after lifting 1-D).
  const int64_t d = (int64_t)xs.size() - 2;
  int64_t group = attrInt(n, "group", 1);
  if (group < 1 || xs[1] != ws[0] || ws[0] % group)
    return nodeError(n) << "weight shape " << shapeToString(ws) << " does not fit input "
                        << shapeToString(xs) << " with group " << group;
  int64_t cg = ws[0] / group, fg = ws[1];
  SmallVector<int64_t> k(ws.begin() + 2, ws.end());
  // The window attributes, lifted to 2-D for a 1-D op (`lead` before each
  // half: [1, s] strides, [0, p0, 0, p1] pads).
  bool badCount = false;
  auto window = [&](StringRef name, int64_t def, int64_t lead, size_t halves) {
    auto v = attrInts(n, name);
    if (!v)
      return SmallVector<int64_t>(d * halves, def);
    if (!oneD)
      return *v;
    if (v->size() != halves) {
      badCount = true;
      return *v;
    }
    SmallVector<int64_t> lifted;
    for (size_t h = 0; h < halves; ++h)
      lifted.append({lead, (*v)[h]});
    return lifted;
  };
  auto strides = window("strides", 1, 1, 1);
  auto dil = window("dilations", 1, 1, 1);
  auto pads = window("pads", 0, 0, 2);
  auto outPad = window("output_padding", 0, 0, 1);
  const size_t ud = d;
  if (badCount || strides.size() != ud || dil.size() != ud || pads.size() != 2 * ud ||
      outPad.size() != ud) {
    if (oneD)
      return nodeError(n) << "a 1-D transposed convolution's strides, dilations, pads and "
                             "output_padding must have 1, 1, 2 and 1 entries";
    return nodeError(n) << "a " << d << "-D transposed convolution's strides, dilations, pads "
                        << "and output_padding must have " << d << ", " << d << ", " << 2 * d
                        << " and " << d << " entries";
  }
  if (auto ks = attrInts(n, "kernel_shape");
      ks && !oneD && (ks->size() != ud || !llvm::equal(*ks, k)))
    return nodeError(n) << "kernel_shape does not match the weight " << shapeToString(ws);
  for (int64_t i = 0; i < d; ++i)
    if (strides[i] < 1 || dil[i] < 1 || outPad[i] < 0 ||
        outPad[i] >= std::max(strides[i], dil[i]))
      return nodeError(n) << "invalid strides, dilations or output_padding";
  // As in autoPads: larger values would overflow the output size arithmetic.
  auto huge = [](int64_t x) { return x > (int64_t{1} << 24) || x < -(int64_t{1} << 24); };
  if (llvm::any_of(strides, huge) || llvm::any_of(dil, huge) || llvm::any_of(pads, huge) ||
      llvm::any_of(attrInts(n, "output_shape").value_or(SmallVector<int64_t>{}), huge))
    return nodeError(n) << "stride, dilation, pad and output_shape values past 2^24 are not "
                           "supported";
  std::string autoPad = attrString(n, "auto_pad", "NOTSET");
  auto outShape = attrInts(n, "output_shape");
  if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad != "SAME_UPPER" &&
      autoPad != "SAME_LOWER")
    return nodeError(n) << "unsupported attribute value auto_pad=\"" << autoPad << "\"";
  if (autoPad == "VALID")
    pads.assign(2 * d, 0);
  if (outShape || autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    SmallVector<int64_t> target;
    int64_t given = oneD ? 1 : d;
    if (outShape) {
      target = *outShape;
      if ((int64_t)target.size() == given + 2)
        target.erase(target.begin(), target.begin() + 2);
      if ((int64_t)target.size() != given)
        return nodeError(n) << "output_shape must have " << given << " spatial entries";
      if (oneD)
        target.insert(target.begin(), 1);
    } else {
      for (int64_t i = 0; i < d; ++i)
        target.push_back(xs[2 + i] * strides[i]);
    }
    for (int64_t i = 0; i < d; ++i) {
      int64_t total = strides[i] * (xs[2 + i] - 1) + outPad[i] + (k[i] - 1) * dil[i] + 1 -
                      target[i];
      // An output_shape past what the kernel reaches (by less than the
      // stride, as ONNX Runtime allows): the extra rows at the end, as ORT
      // puts them (a negative end pad: the convolution pads further and
      // those rows get only the bias). SAME_* with input x stride past the kernel's
      // reach (a 1-wide kernel with stride 2): no padding, and the output is
      // what the convolution produces, as ONNX Runtime does.
      if (total < 0 && outShape && -total >= strides[i])
        return nodeError(n) << "output_shape " << target[i] << " is larger than the "
                            << "transposed convolution can produce (by " << -total
                            << "; at most stride - 1 = " << strides[i] - 1 << ")";
      if (total < 0 && outShape) {
        pads[i] = 0;
        pads[d + i] = total;
        continue;
      }
      total = std::max<int64_t>(total, 0);
      bool upper = autoPad == "SAME_UPPER";
      pads[i] = upper ? total / 2 : total - total / 2;
      pads[d + i] = upper ? total - total / 2 : total / 2;
    }
  }
  int64_t kvol = 1;
  for (int64_t v : k)
    kvol *= v;
  // Flipped weights [group * fg, cg, k...] from [group * cg, fg, k...].
  SmallVector<int64_t> flippedShape = {group * fg, cg};
  flippedShape.append(k.begin(), k.end());
  auto flip = [&](const ConstTensor &c) {
    ConstTensor o;
    o.isFloat = c.isFloat;
    o.shape.assign(flippedShape.begin(), flippedShape.end());
    SmallVector<int64_t> pos(d);
    for (int64_t g = 0; g < group; ++g)
      for (int64_t f = 0; f < fg; ++f)
        for (int64_t ci = 0; ci < cg; ++ci)
          for (int64_t t = 0; t < kvol; ++t) {
            // Tap t (row-major over k) reads the mirrored tap.
            int64_t rest = t, mirrored = 0;
            for (int64_t i = d - 1; i >= 0; --i) {
              pos[i] = rest % k[i];
              rest /= k[i];
            }
            for (int64_t i = 0; i < d; ++i)
              mirrored = mirrored * k[i] + (k[i] - 1 - pos[i]);
            int64_t src = ((g * cg + ci) * fg + f) * kvol + mirrored;
            if (c.isFloat)
              o.f.push_back(c.f[src]);
            else
              o.i.push_back(c.i[src]);
          }
    return o;
  };
  Value wf;
  auto flippedType = RankedTensorType::get(flippedShape, rtt(w).getElementType());
  if (auto dq = w.getDefiningOp<DequantizeOp>()) {
    auto cst = dq.getInput().getDefiningOp<ConstantOp>();
    auto c = cst ? ConstTensor::read(cst.getValue()) : std::nullopt;
    if (!c)
      return nodeError(n) << "weights must be constant";
    Type qt = rtt(dq.getInput()).getElementType();
    auto q = cast<quant::QuantizedType>(qt);
    SmallVector<double> scales = getQuantScales(dq.getInput().getType());
    SmallVector<int64_t> zps = getQuantZeroPoints(dq.getInput().getType());
    std::optional<int32_t> axis;
    if (auto a = getQuantAxis(dq.getInput().getType())) {
      if (*a != 1)
        return nodeError(n) << "per-axis weight quantization must be on axis 1, got " << *a;
      SmallVector<double> s2;
      SmallVector<int64_t> z2;
      for (int64_t g = 0; g < group; ++g)
        for (int64_t f = 0; f < fg; ++f) {
          s2.push_back(scales[f]);
          z2.push_back(zps[f]);
        }
      scales = s2;
      zps = z2;
      axis = 0;
    }
    auto nq = makeQuantType(ctx, q.isSigned(), q.getStorageTypeIntegralWidth(), scales, zps,
                            axis, Float32Type::get(ctx));
    auto storage = flippedType.clone(getStorageIntegerType(q));
    Value qc = ConstantOp::create(b, nodeLoc(n), flippedType.clone(nq),
                                  flip(*c).write(storage));
    auto dqf = make<DequantizeOp>(n, flippedType, qc);
    if (failed(dqf))
      return failure();
    wf = *dqf;
  } else if (auto c = constOf(w)) {
    if (!c->isFloat)
      return nodeError(n) << "weights must be float or dequantized, got "
                          << rtt(w).getElementType();
    wf = createConstant(flip(*c).write(flippedType), flippedType, "");
  } else {
    // Weights computed at run time (or fed as an input): the same flip with
    // ops: channels regrouped by a transpose, each kernel axis reversed by a
    // Gather.
    if (!isa<FloatType>(rtt(w).getElementType()))
      return nodeError(n) << "weights must be float or dequantized, got "
                          << rtt(w).getElementType();
    SmallVector<int64_t> split = {group, cg, fg};
    split.append(k.begin(), k.end());
    auto r = buildReshape(n, w, split, false);
    if (failed(r))
      return failure();
    SmallVector<int64_t> perm = {0, 2, 1};
    for (int64_t i = 0; i < d; ++i)
      perm.push_back(3 + i);
    std::string why;
    auto ts = inferTransposeShape(rtt(*r).getShape(), perm, why);
    if (failed(ts))
      return nodeError(n) << why;
    auto t = make<TransposeOp>(n, rtt(*r).clone(*ts), *r, b.getDenseI64ArrayAttr(perm));
    if (failed(t))
      return failure();
    auto v = buildReshape(n, *t, flippedShape, false);
    if (failed(v))
      return failure();
    wf = *v;
    for (int64_t axis = 2; axis < 2 + d; ++axis) {
      ConstTensor idx;
      idx.shape = {k[axis - 2]};
      for (int64_t i = k[axis - 2] - 1; i >= 0; --i)
        idx.i.push_back(i);
      auto it = RankedTensorType::get({k[axis - 2]}, b.getI64Type());
      auto g = make<GatherOp>(n, rtt(wf), wf, createConstant(idx.write(it), it, ""),
                              b.getI64IntegerAttr(axis));
      if (failed(g))
        return failure();
      wf = *g;
    }
  }
  // Zeros between pixels: [N, C, H, 1, W, 1] padded to [N, C, H, s, W, s]
  // (and the depth likewise).
  SmallVector<int64_t> conv(2 * d, 0); // begins, then ends
  SmallVector<int64_t> hs(d);
  bool strided = false;
  for (int64_t i = 0; i < d; ++i) {
    int64_t edge = dil[i] * (k[i] - 1);
    hs[i] = xs[2 + i] * strides[i];
    conv[i] = edge - pads[i];
    conv[d + i] = edge - pads[d + i] + outPad[i] - (strides[i] - 1);
    strided |= strides[i] > 1;
  }
  if (strided) {
    SmallVector<int64_t> unit = {xs[0], xs[1]}, spread = {xs[0], xs[1]}, lows(2 * (d + 1), 0),
                         highs(2 * (d + 1), 0);
    for (int64_t i = 0; i < d; ++i) {
      unit.append({xs[2 + i], 1});
      spread.append({xs[2 + i], strides[i]});
      highs[3 + 2 * i] = strides[i] - 1;
    }
    SmallVector<int64_t> padAttr(lows);
    padAttr.append(highs.begin(), highs.end());
    auto r1 = buildReshape(n, x, unit, false);
    if (failed(r1))
      return failure();
    auto pd = make<PadOp>(n, rtt(x).clone(spread), *r1, b.getDenseI64ArrayAttr(padAttr),
                          b.getStringAttr("constant"), b.getF32FloatAttr(0));
    if (failed(pd))
      return failure();
    SmallVector<int64_t> merged = {xs[0], xs[1]};
    merged.append(hs.begin(), hs.end());
    auto r2 = buildReshape(n, *pd, merged, false);
    if (failed(r2))
      return failure();
    x = *r2;
  }
  // Negative borders crop the input; the rest pads the convolution.
  if (llvm::any_of(conv, [](int64_t p) { return p < 0; })) {
    SmallVector<int64_t> st, en, axes, steps, cropped = {xs[0], xs[1]};
    for (int64_t i = 0; i < d; ++i) {
      st.push_back(std::max<int64_t>(0, -conv[i]));
      en.push_back(hs[i] - std::max<int64_t>(0, -conv[d + i]));
      if (en.back() <= st.back())
        return nodeError(n) << "pads leave an empty output";
      axes.push_back(2 + i);
      steps.push_back(1);
      cropped.push_back(en.back() - st.back());
    }
    auto sl = make<SliceOp>(n, rtt(x).clone(cropped), x, b.getDenseI64ArrayAttr(st),
                            b.getDenseI64ArrayAttr(en), b.getDenseI64ArrayAttr(axes),
                            b.getDenseI64ArrayAttr(steps));
    if (failed(sl))
      return failure();
    x = *sl;
    for (int64_t &p : conv)
      p = std::max<int64_t>(0, p);
  }
  SmallVector<int64_t> one(d, 1);
  if (d == 3)
    return defineResult(
        n, makeConv3D(n, x, wf, bias, one, conv, dil, group, rtt(x).getElementType()));
  std::string why;
  auto shape = inferConv2DShape(rtt(x).getShape(), rtt(wf).getShape(), one, conv, dil, group,
                                why);
  if (failed(shape))
    return nodeError(n) << why;
  auto y = make<Conv2DOp>(n, rtt(x).clone(*shape), x, wf, bias, b.getDenseI64ArrayAttr(one),
                          b.getDenseI64ArrayAttr(conv), b.getDenseI64ArrayAttr(dil),
                          b.getI64IntegerAttr(group), b.getStringAttr("none"), FloatAttr(),
                          FloatAttr());
  if (succeeded(y) && oneD)
    y = buildReshape(n, *y, {(*shape)[0], (*shape)[1], (*shape)[3]}, false);
  return defineResult(n, y);
}

//===----------------------------------------------------------------------===//
// Matrix products
//===----------------------------------------------------------------------===//

LogicalResult Importer::onMatMul(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  auto a = requireFloat(n, input(n, 0), "A");
  if (failed(a))
    return failure();
  // 1-D operands (numpy rules): a vector lhs is a [1, K] row, a vector rhs
  // a [K, 1] column, and the added dimension leaves the result.
  Value lhs = *a, rhs = input(n, 1);
  bool vecL = rtt(lhs).getRank() == 1, vecR = rtt(rhs).getRank() == 1;
  if (vecL || vecR) {
    if (!rtt(lhs).hasStaticShape() || !rtt(rhs).hasStaticShape())
      return nodeError(n) << "vector operands need static shapes";
    auto l2 = vecL ? buildReshape(n, lhs, {1, rtt(lhs).getDimSize(0)}, false)
                   : FailureOr<Value>(lhs);
    auto r2 = vecR ? buildReshape(n, rhs, {rtt(rhs).getDimSize(0), 1}, false)
                   : FailureOr<Value>(rhs);
    if (failed(l2) || failed(r2))
      return failure();
    lhs = *l2;
    rhs = *r2;
  }
  auto v = buildMatMul(n, lhs, rhs, rtt(lhs).getElementType());
  if (failed(v))
    return failure();
  if (vecL || vecR) {
    SmallVector<int64_t> shape(rtt(*v).getShape());
    size_t rows = shape.size() - 2; // the [.., M, N] result's M
    if (vecR)
      shape.pop_back();
    if (vecL)
      shape.erase(shape.begin() + rows);
    v = buildReshape(n, *v, shape, false);
    if (failed(v))
      return failure();
  }
  define(n, 0, *v);
  return success();
}

LogicalResult Importer::onGemm(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  auto a = requireFloat(n, input(n, 0), "A");
  if (failed(a))
    return failure();
  return defineResult(n, buildGemm(n, *a, input(n, 1), input(n, 2), rtt(*a).getElementType()));
}

/// Einsum with one or two operands and explicit or implicit output (an
/// ellipsis becomes letters of its own): letters only in one operand and
/// not in the output are summed first; two operands become transpose ->
/// reshape -> batched MatMul -> reshape -> transpose (batch letters, then the
/// left's free letters, the right's free letters, contracting over the
/// shared ones).
LogicalResult Importer::onEinsum(const NodeProto &n) {
  std::string eq;
  for (char c : attrString(n, "equation", ""))
    if (c != ' ')
      eq += c;
  size_t arrow = eq.find("->");
  std::string lhs = eq.substr(0, arrow);
  SmallVector<std::string> terms;
  for (size_t start = 0;;) {
    size_t comma = lhs.find(',', start);
    terms.push_back(lhs.substr(start, comma == std::string::npos ? std::string::npos
                                                                  : comma - start));
    if (comma == std::string::npos)
      break;
    start = comma + 1;
  }
  int ninputs = 0;
  for (int k = 0; k < n.input_size(); ++k)
    ninputs += !n.input(k).empty();
  // (An empty input name would leave an operand null.)
  if (terms.size() != (size_t)ninputs || ninputs != n.input_size() || ninputs < 1 || ninputs > 2)
    return nodeError(n) << "Einsum '" << eq << "' needs one or two operands matching its inputs";
  // An ellipsis stands for the dimensions its operand has beyond its letters;
  // those of all operands broadcast right-aligned. Each becomes a letter the
  // equation does not use (the implicit output puts them first, as numpy).
  std::string ellipsisLetters;
  bool hasEllipsis = eq.find("...") != std::string::npos;
  if (hasEllipsis) {
    SmallVector<int64_t> extra(terms.size(), 0);
    int64_t most = 0;
    for (size_t i = 0; i < terms.size(); ++i) {
      size_t at = terms[i].find("...");
      if (at == std::string::npos)
        continue;
      if (terms[i].find("...", at + 3) != std::string::npos)
        return nodeError(n) << "term '" << terms[i] << "' has more than one ellipsis";
      extra[i] = rtt(input(n, i)).getRank() - ((int64_t)terms[i].size() - 3);
      if (extra[i] < 0)
        return nodeError(n) << "term '" << terms[i] << "' does not match operand rank "
                            << rtt(input(n, i)).getRank();
      most = std::max(most, extra[i]);
    }
    for (char c = 'A'; (int64_t)ellipsisLetters.size() < most && c <= 'z'; ++c)
      if (std::isalpha((unsigned char)c) && eq.find(c) == std::string::npos)
        ellipsisLetters += c;
    if ((int64_t)ellipsisLetters.size() < most)
      return nodeError(n) << "Einsum '" << eq << "' has too many dimensions under its ellipsis";
    for (size_t i = 0; i < terms.size(); ++i)
      if (size_t at = terms[i].find("..."); at != std::string::npos)
        terms[i].replace(at, 3, ellipsisLetters.substr(most - extra[i]));
  }
  std::string out;
  if (arrow != std::string::npos) {
    out = eq.substr(arrow + 2);
    if (size_t at = out.find("..."); at != std::string::npos)
      out.replace(at, 3, ellipsisLetters);
  } else {
    // Implicit output: the ellipsis, then letters that appear once, in
    // alphabetical order.
    std::map<char, int> count;
    for (auto &t : terms)
      for (char c : t)
        if (ellipsisLetters.find(c) == std::string::npos)
          ++count[c];
    out = ellipsisLetters;
    for (auto &[c, k] : count)
      if (k == 1)
        out += c;
  }
  SmallVector<Value> vals;
  std::map<char, int64_t> size;
  for (size_t i = 0; i < terms.size(); ++i) {
    Value v = asPlain(input(n, i));
    if (!isa<FloatType>(rtt(v).getElementType()))
      return nodeError(n) << "Einsum operands must be float tensors";
    if ((int64_t)terms[i].size() != rtt(v).getRank())
      return nodeError(n) << "term '" << terms[i] << "' does not match operand rank "
                          << rtt(v).getRank();
    // A letter repeated within a term takes the diagonal: the two
    // dimensions moved last, merged, and every (size + 1)-th element kept;
    // the letter then appears once, last.
    for (;;) {
      std::string &t = terms[i];
      size_t p = std::string::npos, q = std::string::npos;
      for (size_t a = 0; a < t.size() && p == std::string::npos; ++a)
        if (size_t r = t.find(t[a], a + 1); r != std::string::npos)
          p = a, q = r;
      if (p == std::string::npos)
        break;
      auto vs = rtt(v).getShape();
      int64_t d = vs[p];
      if (d == kDyn || vs[q] != d)
        return nodeError(n) << "letter '" << t[p] << "' repeated in term '" << t
                            << "' needs equal static sizes, got " << shapeToString(vs);
      SmallVector<int64_t> perm, moved, merged;
      std::string nt;
      for (size_t a = 0; a < t.size(); ++a)
        if (a != p && a != q) {
          perm.push_back(a);
          moved.push_back(vs[a]);
          nt += t[a];
        }
      merged = moved;
      perm.append({(int64_t)p, (int64_t)q});
      moved.append({d, d});
      merged.push_back(d * d);
      auto tr = make<TransposeOp>(n, rtt(v).clone(moved), v, b.getDenseI64ArrayAttr(perm));
      if (failed(tr))
        return failure();
      auto flat = buildReshape(n, *tr, merged, false);
      if (failed(flat))
        return failure();
      SmallVector<int64_t> diag(merged);
      diag.back() = d;
      auto sl = make<SliceOp>(n, rtt(v).clone(diag), *flat, b.getDenseI64ArrayAttr({0}),
                              b.getDenseI64ArrayAttr({d * d}),
                              b.getDenseI64ArrayAttr({(int64_t)merged.size() - 1}),
                              b.getDenseI64ArrayAttr({d + 1}));
      if (failed(sl))
        return failure();
      v = *sl;
      t = nt + t[p];
    }
    auto s = rtt(v).getShape();
    for (size_t d = 0; d < s.size(); ++d) {
      char c = terms[i][d];
      if (!std::isalpha((unsigned char)c) || s[d] == kDyn ||
          terms[i].find(c) != terms[i].rfind(c))
        return nodeError(n) << "Einsum '" << eq
                            << "' needs distinct letters per operand and static shapes";
      if (size.count(c) && size[c] != s[d] && size[c] != 1 && s[d] != 1)
        return nodeError(n) << "letter '" << c << "' has sizes " << size[c] << " and " << s[d];
      if (s[d] != 1 || !size.count(c))
        size[c] = s[d];
    }
    vals.push_back(v);
  }
  for (char c : out)
    if (!size.count(c) || out.find(c) != out.rfind(c))
      return nodeError(n) << "output letter '" << c << "' is invalid";
  Type el = rtt(vals[0]).getElementType();
  auto inStr = [](const std::string &s, char c) { return s.find(c) != std::string::npos; };
  // Sum letters that only one operand has and the output lacks.
  for (size_t i = 0; i < terms.size(); ++i) {
    std::string other = terms.size() == 2 ? terms[1 - i] : std::string();
    SmallVector<int64_t> axes;
    std::string kept;
    for (size_t d = 0; d < terms[i].size(); ++d) {
      char c = terms[i][d];
      if (!inStr(out, c) && !inStr(other, c))
        axes.push_back(d);
      else
        kept += c;
    }
    if (axes.empty())
      continue;
    std::string why;
    auto shape = inferReduceShape(rtt(vals[i]).getShape(), axes, false, why);
    auto r = make<ReduceSumOp>(n, rtt(vals[i]).clone(*shape), vals[i],
                               b.getDenseI64ArrayAttr(axes), b.getBoolAttr(false));
    if (failed(r))
      return failure();
    vals[i] = *r;
    terms[i] = kept;
  }
  auto transposeTo = [&](Value v, const std::string &from,
                         const std::string &to) -> FailureOr<Value> {
    if (from == to)
      return v;
    SmallVector<int64_t> perm;
    for (char c : to)
      perm.push_back(from.find(c));
    std::string why;
    auto shape = inferTransposeShape(rtt(v).getShape(), perm, why);
    return make<TransposeOp>(n, rtt(v).clone(*shape), v, b.getDenseI64ArrayAttr(perm));
  };
  if (terms.size() == 1) {
    auto t = transposeTo(vals[0], terms[0], out);
    if (failed(t))
      return failure();
    define(n, 0, *t);
    return success();
  }
  // Classify the letters of the two operands.
  std::string batch, lfree, rfree, contract;
  for (char c : terms[0]) {
    bool inB = inStr(terms[1], c), inO = inStr(out, c);
    if (inB && inO)
      batch += c;
    else if (inB)
      contract += c;
    else
      lfree += c;
  }
  for (char c : terms[1])
    if (!inStr(terms[0], c))
      rfree += c;
  auto prod = [&](const std::string &ls) {
    int64_t p = 1;
    for (char c : ls)
      p *= size[c];
    return p;
  };
  // Operands as [batch, M, K] and [batch, K, N] (size-1 letters broadcast
  // through MatMul's batch rules only when both have them; expand first).
  auto prepare = [&](Value v, const std::string &term, const std::string &order,
                     SmallVector<int64_t> shape3) -> FailureOr<Value> {
    auto t = transposeTo(v, term, order);
    if (failed(t))
      return failure();
    SmallVector<int64_t> full;
    for (char c : order)
      full.push_back(size[c]);
    Value x = *t;
    if (!llvm::equal(rtt(x).getShape(), full)) {
      auto e = make<BroadcastOp>(n, rtt(x).clone(full), x);
      if (failed(e))
        return failure();
      x = *e;
    }
    return buildReshape(n, x, shape3, false);
  };
  auto a = prepare(vals[0], terms[0], batch + lfree + contract,
                   {prod(batch), prod(lfree), prod(contract)});
  auto bb = prepare(vals[1], terms[1], batch + contract + rfree,
                    {prod(batch), prod(contract), prod(rfree)});
  if (failed(a) || failed(bb))
    return failure();
  auto mm = buildMatMul(n, *a, *bb, el);
  if (failed(mm))
    return failure();
  SmallVector<int64_t> full;
  std::string order = batch + lfree + rfree;
  for (char c : order)
    full.push_back(size[c]);
  auto r = buildReshape(n, *mm, full, false);
  if (failed(r))
    return failure();
  auto t = transposeTo(*r, order, out);
  if (failed(t))
    return failure();
  define(n, 0, *t);
  return success();
}
