//===- Sampling.cpp - DeformConv, RoiAlign and TensorScatter --------------===//
//
// Ops that read their input at positions computed from other inputs at run
// time, composed from elementwise ops, GatherElements, reductions and matrix
// products:
//  - DeformConv (opset 19, 2-D): each kernel tap sampled bilinearly at its
//    offset position (zero outside the image), scaled by the mask, then one
//    batched matrix product with the weights per group;
//  - RoiAlign (opsets 10 and 16): bilinear samples on a regular grid in each
//    bin of each region, averaged or maxed, as ONNX Runtime computes them;
//  - TensorScatter (opset 24): a key/value cache update written at each
//    batch entry's index, linear or circular.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "llvm/Support/MathExtras.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::octet;
using namespace ::octet::onnx_import::detail;

namespace {
/// Whether a static shape has more than 2^32 elements: such inputs are not
/// compiled.
bool pastLimit(ArrayRef<int64_t> shape) { return pastElementLimit(shape, uint64_t{1} << 32); }

/// RoiAlign with run-time regions and an adaptive grid (sampling_ratio 0)
/// takes at most this many samples per bin and axis.
constexpr int64_t kMaxRoiGrid = 64;
} // namespace

/// A constant of `shape` and element type `t` with values f(flat index).
Value Importer::constFrom(const NodeProto &n, ArrayRef<int64_t> shape, Type t,
                          function_ref<double(int64_t)> f) {
  auto rt = RankedTensorType::get(shape, t);
  ConstTensor c;
  c.shape.assign(shape.begin(), shape.end());
  c.isFloat = isa<FloatType>(t);
  for (int64_t i = 0, e = rt.getNumElements(); i < e; ++i) {
    if (c.isFloat)
      c.f.push_back(f(i));
    else
      c.i.push_back((int64_t)f(i));
  }
  return arith::ConstantOp::create(b, nodeLoc(n), rt, cast<TypedAttr>(c.write(rt)));
}

/// out[b, c, p] = flat[b, c, idx[b, 0, p]]: idx ([B, 1, P], i64) broadcast over
/// the channels of flat ([B, C, M]).
FailureOr<Value> Importer::gatherColumns(const NodeProto &n, Value flat, Value idx) {
  auto ft = rtt(flat);
  int64_t B = ft.getDimSize(0), C = ft.getDimSize(1), P = rtt(idx).getDimSize(2);
  auto wide = make<BroadcastOp>(n, RankedTensorType::get({B, C, P}, b.getI64Type()), idx);
  if (failed(wide))
    return failure();
  return make<GatherElementsOp>(n, RankedTensorType::get({B, C, P}, ft.getElementType()), flat,
                                *wide, b.getI64IntegerAttr(2));
}

LogicalResult Importer::onDeformConv(const NodeProto &n) {
  if (failed(need(n, {0, 1, 2})))
    return failure();
  auto fx = requireFloat(n, asPlain(input(n, 0)), "X");
  auto fw = requireFloat(n, asPlain(input(n, 1)), "W");
  auto fo = requireFloat(n, asPlain(input(n, 2)), "offset");
  if (failed(fx) || failed(fw) || failed(fo))
    return failure();
  Value x = *fx, w = *fw, off = *fo, bias, mask;
  if (input(n, 3)) {
    auto fb = requireFloat(n, asPlain(input(n, 3)), "B");
    if (failed(fb))
      return failure();
    bias = *fb;
  }
  if (input(n, 4)) {
    auto fm = requireFloat(n, asPlain(input(n, 4)), "mask");
    if (failed(fm))
      return failure();
    mask = *fm;
  }
  auto xt = rtt(x), wt = rtt(w);
  if (xt.getRank() != 4)
    return nodeError(n) << "only 2-D DeformConv is supported (input rank " << xt.getRank()
                        << ")";
  for (Value v : {x, w, off, bias, mask})
    if (v && !rtt(v).hasStaticShape())
      return nodeError(n) << "needs static shapes, got " << rtt(v) << " (use --input-shape)";
  for (Value v : {x, w, off, mask})
    if (v && pastLimit(rtt(v).getShape()))
      return nodeError(n) << "an input of shape " << shapeToString(rtt(v).getShape())
                          << " is too large to compile";
  Type el = xt.getElementType();
  for (Value v : {w, off, bias, mask})
    if (v && rtt(v).getElementType() != el)
      return nodeError(n) << "inputs must share X's element type " << el << ", got "
                          << rtt(v).getElementType();
  if (wt.getRank() != 4)
    return nodeError(n) << "W must have rank 4 [M, C / group, kH, kW], got " << wt;
  int64_t N = xt.getDimSize(0), C = xt.getDimSize(1), H = xt.getDimSize(2),
          W = xt.getDimSize(3);
  int64_t M = wt.getDimSize(0), Cg = wt.getDimSize(1), kH = wt.getDimSize(2),
          kW = wt.getDimSize(3);
  if (auto ks = attrInts(n, "kernel_shape"); ks && (ks->size() != 2 || (*ks)[0] != kH ||
                                                   (*ks)[1] != kW))
    return nodeError(n) << "kernel_shape does not match W's " << kH << "x" << kW;
  int64_t group = attrInt(n, "group", 1), og = attrInt(n, "offset_group", 1);
  if (group < 1 || og < 1)
    return nodeError(n) << "group and offset_group must be positive, got " << group << " and "
                        << og;
  int64_t groupChannels = 0;
  if (C % group || llvm::MulOverflow(Cg, group, groupChannels) || groupChannels != C ||
      M % group)
    return nodeError(n) << "W of shape " << shapeToString(wt.getShape()) << " does not fit "
                        << C << " input channels in " << group << " groups";
  if (C % og)
    return nodeError(n) << C << " input channels do not split into " << og
                        << " offset groups";
  auto window = [&](StringRef name, int64_t def, int64_t count) {
    return windowInts(n, name, def, count, "DeformConv");
  };
  auto st = window("strides", 1, 2), dl = window("dilations", 1, 2), pd = window("pads", 0, 4);
  if (failed(st) || failed(dl) || failed(pd))
    return failure();
  int64_t out[2];
  for (int i = 0; i < 2; ++i) {
    int64_t in = i ? W : H, k = i ? kW : kH, s = (*st)[i], d = (*dl)[i];
    int64_t p0 = (*pd)[i], p1 = (*pd)[2 + i];
    auto bad = [](int64_t v, int64_t lo) { return v < lo || v > (int64_t{1} << 24); };
    if (bad(s, 1) || bad(d, 1) || bad(p0, 0) || bad(p1, 0) || bad(k, 1))
      return nodeError(n) << "kernel sizes, strides and dilations must be in [1, 2^24] and "
                          << "pads in [0, 2^24]";
    int64_t span = d * (k - 1) + 1;
    if (in + p0 + p1 < span)
      return nodeError(n) << "the kernel (" << span << " with dilation) does not fit input "
                          << "dimension " << in << " with pads " << p0 + p1;
    out[i] = (in + p0 + p1 - span) / s + 1;
  }
  int64_t oH = out[0], oW = out[1];
  int64_t K = kH * kW, P = oH * oW; // (K <= W's, P <= X's elements: no overflow)
  auto expect = [&](Value v, ArrayRef<int64_t> shape, StringRef what) -> LogicalResult {
    if (rtt(v).getShape() != shape)
      return nodeError(n) << what << " must have shape " << shapeToString(shape) << ", got "
                          << shapeToString(rtt(v).getShape());
    return success();
  };
  if (failed(expect(off, {N, og * 2 * K, oH, oW}, "offset")) ||
      (mask && failed(expect(mask, {N, og * K, oH, oW}, "mask"))) ||
      (bias && failed(expect(bias, {M}, "B"))))
    return failure();
  // The sample positions are a constant of K * P entries (K * P is at most
  // the offset's 2^32 elements here).
  if (K * P > (int64_t{1} << 26))
    return nodeError(n) << "a " << kH << "x" << kW << " kernel over " << oH << "x" << oW
                        << " outputs is too large to compile";
  // An empty batch or no output channels: an empty result, as in ONNX
  // Runtime.
  if (N == 0 || M == 0)
    return defineResult(n, zerosLike({N, M, oH, oW}, el));
  if (C == 0)
    return nodeError(n) << "DeformConv over zero input channels is not supported";

  auto c = [&](double v) { return scalarConst(el, v); };
  auto bin = [&](StringRef k, Value l, Value r) { return buildBinary(n, k, l, r, el); };
  int64_t B = N * og, Cog = C / og;
  // Sample positions, [B, 1, K * P]: the tap's place in the window plus
  // its offset (channel 2k is the row offset of tap k, 2k + 1 the column's).
  auto pos = [&](int comp) -> FailureOr<Value> {
    auto o = buildReshape(n, off, {B, K, 2, P}, false);
    if (succeeded(o))
      o = sliceAxis(n, *o, 2, comp, 1);
    if (succeeded(o))
      o = buildReshape(n, *o, {B, 1, K * P}, false);
    if (failed(o))
      return failure();
    int64_t s = (*st)[comp], d = (*dl)[comp], p0 = (*pd)[comp];
    Value base = constFrom(n, {1, 1, K * P}, el, [&](int64_t i) {
      int64_t k = i / P, p = i % P;
      int64_t outPos = comp ? p % oW : p / oW, tap = comp ? k % kW : k / kW;
      return (double)(outPos * s - p0 + tap * d);
    });
    return bin("Add", base, *o);
  };
  auto py = pos(0), px = pos(1);
  auto flat = buildReshape(n, x, {B, Cog, H * W}, false);
  if (failed(py) || failed(px) || failed(flat))
    return failure();
  auto flatT = RankedTensorType::get({B, 1, K * P}, el);
  auto maskT = flatT.clone(b.getI1Type());
  auto y0 = make<FloorOp>(n, flatT, *py), x0 = make<FloorOp>(n, flatT, *px);
  if (failed(y0) || failed(x0))
    return failure();
  auto ly = bin("Sub", *py, *y0), lx = bin("Sub", *px, *x0);
  if (failed(ly) || failed(lx))
    return failure();
  auto hy = bin("Sub", c(1.0), *ly), hx = bin("Sub", c(1.0), *lx);
  if (failed(hy) || failed(hx))
    return failure();
  // The bilinear taps; a corner outside the image weighs 0 (its index is
  // clamped so that the gather stays inside the plane).
  auto inside = [&](Value v, int64_t size) -> FailureOr<Value> {
    auto ge = make<CompareOp>(n, maskT, v, c(0.0), b.getStringAttr("ge"));
    auto lt = make<CompareOp>(n, maskT, v, c((double)size), b.getStringAttr("lt"));
    if (failed(ge) || failed(lt))
      return failure();
    return buildBinary(n, "And", *ge, *lt, b.getI1Type());
  };
  auto clampIdx = [&](Value v, int64_t size) -> FailureOr<Value> {
    auto r = bin("Max", v, c(0.0));
    if (succeeded(r))
      r = bin("Min", *r, c((double)(size - 1)));
    if (succeeded(r))
      r = make<CastOp>(n, flatT.clone(b.getI64Type()), *r);
    return r;
  };
  FailureOr<Value> cols = failure();
  for (int dy = 0; dy < 2; ++dy)
    for (int dx = 0; dx < 2; ++dx) {
      auto yi = dy ? bin("Add", *y0, c(1.0)) : FailureOr<Value>(*y0);
      auto xi = dx ? bin("Add", *x0, c(1.0)) : FailureOr<Value>(*x0);
      if (failed(yi) || failed(xi))
        return failure();
      auto wgt = bin("Mul", dy ? *ly : *hy, dx ? *lx : *hx);
      auto iy = inside(*yi, H), ix = inside(*xi, W);
      if (failed(wgt) || failed(iy) || failed(ix))
        return failure();
      auto ok = buildBinary(n, "And", *iy, *ix, b.getI1Type());
      if (succeeded(ok))
        wgt = buildWhere(n, *ok, *wgt, c(0.0));
      auto cy = clampIdx(*yi, H), cx = clampIdx(*xi, W);
      if (failed(ok) || failed(wgt) || failed(cy) || failed(cx))
        return failure();
      auto idx = buildBinary(n, "Mul", *cy, scalarConst(b.getI64Type(), (double)W),
                             b.getI64Type());
      if (succeeded(idx))
        idx = buildBinary(n, "Add", *idx, *cx, b.getI64Type());
      auto g = succeeded(idx) ? gatherColumns(n, *flat, *idx) : idx;
      if (succeeded(g))
        g = bin("Mul", *g, *wgt);
      if (failed(g))
        return failure();
      cols = succeeded(cols) ? bin("Add", *cols, *g) : g;
      if (failed(cols))
        return failure();
    }
  if (mask) {
    auto m = buildReshape(n, mask, {B, 1, K * P}, false);
    if (succeeded(m))
      cols = bin("Mul", *cols, *m);
    if (failed(cols))
      return failure();
  }
  // [B, C / og, K * P] is [N, C, K, P] in memory: the columns of group g
  // are rows g * Cg * K .. of [N, C * K, P].
  cols = buildReshape(n, *cols, {N, group, Cg * K, P}, false);
  auto wm = buildReshape(n, w, {group, M / group, Cg * K}, false);
  if (failed(cols) || failed(wm))
    return failure();
  auto y = buildMatMul(n, *wm, *cols, el);
  if (succeeded(y))
    y = buildReshape(n, *y, {N, M, oH, oW}, false);
  if (succeeded(y) && bias) {
    auto bb = buildReshape(n, bias, {1, M, 1, 1}, false);
    y = succeeded(bb) ? bin("Add", *y, *bb) : bb;
  }
  return defineResult(n, y);
}

/// RoiAlign as ONNX Runtime computes it: per region, bins of
/// (height / output_height) x (width / output_width), each sampled on a
/// grid of sampling_ratio (else ceil(bin size)) points per axis; a sample
/// outside [-1, size] is 0, one past the last row or column reads it; the
/// bin is the mean (mode avg) or the largest weighted corner (mode max) of
/// its samples. The samples of all regions are gathered at once from X laid
/// out as [C, N * H * W].
LogicalResult Importer::onRoiAlign(const NodeProto &n) {
  if (failed(need(n, {0, 1, 2})))
    return failure();
  auto fx = requireFloat(n, asPlain(input(n, 0)), "X");
  auto fr = requireFloat(n, asPlain(input(n, 1)), "rois");
  if (failed(fx) || failed(fr))
    return failure();
  Value x = *fx, rois = *fr, bidx = asPlain(input(n, 2));
  auto xt = rtt(x), rt = rtt(rois), bt = rtt(bidx);
  if (xt.getRank() != 4)
    return nodeError(n) << "X must have rank 4 [N, C, H, W], got " << xt;
  for (Value v : {x, rois, bidx})
    if (!rtt(v).hasStaticShape())
      return nodeError(n) << "needs static shapes, got " << rtt(v) << " (use --input-shape)";
  if (pastLimit(xt.getShape()) || pastLimit(rt.getShape()))
    return nodeError(n) << "X of shape " << shapeToString(xt.getShape()) << " or rois of shape "
                        << shapeToString(rt.getShape()) << " is too large to compile";
  if (rt.getRank() != 2 || rt.getDimSize(1) != 4)
    return nodeError(n) << "rois must have shape [num_rois, 4], got "
                        << shapeToString(rt.getShape());
  int64_t R = rt.getDimSize(0);
  if (!isa<IntegerType>(bt.getElementType()) || bt.getShape() != ArrayRef<int64_t>{R})
    return nodeError(n) << "batch_indices must be an integer tensor of shape [" << R
                        << "], got " << bt;
  Type el = xt.getElementType();
  if (rt.getElementType() != el)
    return nodeError(n) << "rois must have X's element type " << el << ", got "
                        << rt.getElementType();
  std::string mode = attrString(n, "mode", "avg");
  if (mode != "avg" && mode != "max")
    return nodeError(n) << "unsupported attribute value mode=\"" << mode << "\"";
  std::string ctm = opset >= 16 ? attrString(n, "coordinate_transformation_mode", "half_pixel")
                                : "output_half_pixel";
  if (ctm != "half_pixel" && ctm != "output_half_pixel")
    return nodeError(n) << "unsupported attribute value coordinate_transformation_mode=\""
                        << ctm << "\"";
  bool halfPixel = ctm == "half_pixel";
  int64_t oh = attrInt(n, "output_height", 1), ow = attrInt(n, "output_width", 1);
  int64_t sr = attrInt(n, "sampling_ratio", 0);
  float scale = attrFloat(n, "spatial_scale", 1.0f);
  if (oh < 1 || ow < 1 || oh > (1 << 16) || ow > (1 << 16))
    return nodeError(n) << "output_height and output_width must be in [1, 65536], got " << oh
                        << " and " << ow;
  if (sr < 0 || sr > kMaxRoiGrid)
    return nodeError(n) << "sampling_ratio must be in [0, " << kMaxRoiGrid << "], got " << sr;
  if (!std::isfinite(scale))
    return nodeError(n) << "spatial_scale must be finite, got " << scale;
  int64_t N = xt.getDimSize(0), C = xt.getDimSize(1), H = xt.getDimSize(2),
          W = xt.getDimSize(3);
  // No regions (a detector that found nothing) or no channels: an empty
  // result, as in ONNX Runtime.
  if (R == 0 || C == 0)
    return defineResult(n, zerosLike({R, C, oh, ow}, el));
  if (N == 0 || H == 0 || W == 0)
    return nodeError(n) << "regions over an empty X " << shapeToString(xt.getShape())
                        << " have nothing to sample";
  float off = halfPixel ? 0.5f : 0.0f;
  // Samples per bin and axis: sampling_ratio, else the largest ceil(bin
  // size) over the regions when they are constants, else enough for a
  // region as large as the feature map (larger run-time regions take that
  // many samples, where ONNX Runtime takes more).
  int64_t G[2] = {sr, sr};
  if (sr == 0) {
    if (auto rc = constOf(rois)) {
      G[0] = G[1] = 1;
      for (int64_t r = 0; r < R; ++r)
        for (int a = 0; a < 2; ++a) {
          // (rois are [x1, y1, x2, y2]; a = 0 is the rows.)
          float lo = (float)rc->f[r * 4 + 1 - a] * scale - off;
          float hi = (float)rc->f[r * 4 + 3 - a] * scale - off;
          float size = hi - lo;
          if (!halfPixel)
            size = std::max(size, 1.0f);
          float g = std::ceil(size / (float)(a ? ow : oh));
          if (!(g <= (float)kMaxRoiGrid)) // (also NaN)
            return nodeError(n) << "region " << r << " needs "
                                << (std::isnan(g)  ? std::string("an undefined number of")
                                    : g < 1e15f ? std::to_string((long long)g)
                                                : std::string("more than 10^15"))
                                << " samples per bin and axis (at most " << kMaxRoiGrid
                                << " are supported); set sampling_ratio";
          // (A region of negative size, half_pixel, gives g < 0: no samples
          // of its own, and far below int64's range; found by the fuzzer.)
          if (g > 1.0f)
            G[a] = std::max<int64_t>(G[a], (int64_t)g);
        }
    } else {
      G[0] = std::min<int64_t>(kMaxRoiGrid, (H + 1 + oh - 1) / oh);
      G[1] = std::min<int64_t>(kMaxRoiGrid, (W + 1 + ow - 1) / ow);
    }
  }
  int64_t A = oh * G[0], Bn = ow * G[1];
  if (A > (int64_t{1} << 20) || Bn > (int64_t{1} << 20) || pastLimit({R, C, A, Bn}))
    return nodeError(n) << "a " << oh << "x" << ow << " output with " << G[0] << "x" << G[1]
                        << " samples per bin is too large to compile";
  auto c = [&](double v) { return scalarConst(el, v); };
  auto bin = [&](StringRef k, Value l, Value r) { return buildBinary(n, k, l, r, el); };
  auto i64 = b.getI64Type(), i1 = b.getI1Type();
  // Per axis (0: rows over H, 1: columns over W): the samples' rows of
  // the two corners as [R, S] i64 indices, their weights (0 outside and
  // for grid points past the region's own grid) and whether each sample
  // is one of the region's.
  struct Axis {
    Value lowIdx, highIdx, lowW, highW, valid, grid;
  };
  auto axisSamples = [&](int a) -> FailureOr<Axis> {
    int64_t size = a ? W : H, pooled = a ? ow : oh, g = G[a], S = pooled * g;
    auto lo = sliceAxis(n, rois, 1, 1 - a, 1), hi = sliceAxis(n, rois, 1, 3 - a, 1);
    if (failed(lo) || failed(hi))
      return failure();
    auto start = bin("Mul", *lo, c(scale));
    if (succeeded(start))
      start = bin("Sub", *start, c(off));
    auto end = bin("Mul", *hi, c(scale));
    if (succeeded(end))
      end = bin("Sub", *end, c(off));
    if (failed(start) || failed(end))
      return failure();
    auto extent = bin("Sub", *end, *start);
    if (succeeded(extent) && !halfPixel)
      extent = bin("Max", *extent, c(1.0));
    auto binSize = succeeded(extent) ? bin("Div", *extent, c((double)pooled)) : extent;
    if (failed(binSize))
      return failure();
    Axis ax;
    // The region's own grid size, [R, 1].
    FailureOr<Value> grid = constFrom(n, {R, 1}, el, [&](int64_t) { return (double)g; });
    if (sr == 0) {
      grid = make<CeilOp>(n, rtt(*binSize), *binSize);
      if (succeeded(grid))
        grid = bin("Min", *grid, c((double)g));
    }
    if (failed(grid))
      return failure();
    ax.grid = *grid;
    // y = start + p * bin + (i + 0.5) * bin / grid for sample p * g + i.
    Value pIdx = constFrom(n, {1, S}, el, [&](int64_t k) { return (double)(k / g); });
    Value iHalf = constFrom(n, {1, S}, el, [&](int64_t k) { return k % g + 0.5; });
    Value iIdx = constFrom(n, {1, S}, el, [&](int64_t k) { return (double)(k % g); });
    auto pos = bin("Mul", pIdx, *binSize);
    if (succeeded(pos))
      pos = bin("Add", *start, *pos);
    auto frac = bin("Mul", iHalf, *binSize);
    if (succeeded(frac))
      frac = bin("Div", *frac, ax.grid);
    if (failed(pos) || failed(frac))
      return failure();
    auto v = bin("Add", *pos, *frac);
    if (failed(v))
      return failure();
    auto sT = RankedTensorType::get({R, S}, el);
    auto cmp = [&](Value l, Value r, StringRef pred) {
      return make<CompareOp>(n, sT.clone(i1), l, r, b.getStringAttr(pred));
    };
    auto mine = cmp(iIdx, ax.grid, "lt");
    auto geLo = cmp(*v, c(-1.0), "ge"), leHi = cmp(*v, c((double)size), "le");
    if (failed(mine) || failed(geLo) || failed(leHi))
      return failure();
    ax.valid = *mine;
    auto inside = buildBinary(n, "And", *geLo, *leHi, i1);
    if (succeeded(inside))
      inside = buildBinary(n, "And", *inside, *mine, i1);
    auto vc = bin("Max", *v, c(0.0));
    auto low = succeeded(vc) ? make<FloorOp>(n, sT, *vc) : vc;
    if (failed(inside) || failed(low))
      return failure();
    auto top = cmp(*low, c((double)(size - 1)), "ge");
    if (failed(top))
      return failure();
    auto lowC = buildWhere(n, *top, c((double)(size - 1)), *low);
    auto high = bin("Add", *low, c(1.0));
    if (failed(lowC) || failed(high))
      return failure();
    auto highC = buildWhere(n, *top, c((double)(size - 1)), *high);
    auto at = buildWhere(n, *top, *lowC, *vc);
    if (failed(highC) || failed(at))
      return failure();
    auto l = bin("Sub", *at, *lowC);
    auto h = succeeded(l) ? bin("Sub", c(1.0), *l) : l;
    if (failed(h))
      return failure();
    auto lw = buildWhere(n, *inside, *h, c(0.0)), hw = buildWhere(n, *inside, *l, c(0.0));
    auto li = make<CastOp>(n, sT.clone(i64), *lowC), hiI = make<CastOp>(n, sT.clone(i64), *highC);
    if (failed(lw) || failed(hw) || failed(li) || failed(hiI))
      return failure();
    ax.lowW = *lw;
    ax.highW = *hw;
    ax.lowIdx = *li;
    ax.highIdx = *hiI;
    return ax;
  };
  auto ay = axisSamples(0), axx = axisSamples(1);
  if (failed(ay) || failed(axx))
    return failure();
  // X as [C, N * H * W]; a sample's column is (batch * H + row) * W + col.
  auto xc = make<TransposeOp>(n, RankedTensorType::get({C, N, H, W}, el), x,
                              b.getDenseI64ArrayAttr({1, 0, 2, 3}));
  FailureOr<Value> flat = succeeded(xc) ? buildReshape(n, *xc, {1, C, N * H * W}, false) : xc;
  auto bi = make<CastOp>(n, RankedTensorType::get({R}, i64), bidx);
  FailureOr<Value> base = succeeded(bi) ? buildReshape(n, *bi, {R, 1, 1}, false) : bi;
  if (succeeded(base))
    base = buildBinary(n, "Mul", *base, scalarConst(i64, (double)(H * W)), i64);
  if (failed(flat) || failed(base))
    return failure();
  auto col3 = [&](Value v, bool rows) {
    return buildReshape(n, v, rows ? ArrayRef<int64_t>{R, A, 1} : ArrayRef<int64_t>{R, 1, Bn},
                        false);
  };
  FailureOr<Value> acc = failure();
  for (int dy = 0; dy < 2; ++dy)
    for (int dx = 0; dx < 2; ++dx) {
      auto ry = col3(dy ? ay->highIdx : ay->lowIdx, true);
      auto rx = col3(dx ? axx->highIdx : axx->lowIdx, false);
      auto wy = col3(dy ? ay->highW : ay->lowW, true);
      auto wx = col3(dx ? axx->highW : axx->lowW, false);
      if (failed(ry) || failed(rx) || failed(wy) || failed(wx))
        return failure();
      auto idx = buildBinary(n, "Mul", *ry, scalarConst(i64, (double)W), i64);
      if (succeeded(idx))
        idx = buildBinary(n, "Add", *idx, *rx, i64);
      if (succeeded(idx))
        idx = buildBinary(n, "Add", *idx, *base, i64);
      if (succeeded(idx))
        idx = buildReshape(n, *idx, {1, 1, R * A * Bn}, false);
      auto wgt = bin("Mul", *wy, *wx);
      if (succeeded(wgt))
        wgt = buildReshape(n, *wgt, {1, 1, R * A * Bn}, false);
      if (failed(idx) || failed(wgt))
        return failure();
      auto v = gatherColumns(n, *flat, *idx);
      if (succeeded(v))
        v = bin("Mul", *v, *wgt);
      if (failed(v))
        return failure();
      acc = failed(acc) ? v : mode == "avg" ? bin("Add", *acc, *v) : bin("Max", *acc, *v);
      if (failed(acc))
        return failure();
    }
  auto grid6 = RankedTensorType::get({C, R, oh, G[0], ow, G[1]}, el);
  auto binsT = RankedTensorType::get({C, R, oh, ow}, el);
  FailureOr<Value> pooled = failure();
  if (mode == "max") {
    // Grid points past a region's own grid take no part.
    auto vy = col3(ay->valid, true), vx = col3(axx->valid, false);
    if (failed(vy) || failed(vx))
      return failure();
    auto both = buildBinary(n, "And", *vy, *vx, i1);
    if (succeeded(both))
      both = buildReshape(n, *both, {1, 1, R * A * Bn}, false);
    if (succeeded(both))
      acc = buildWhere(n, *both, *acc, c(-std::numeric_limits<double>::infinity()));
    if (failed(both) || failed(acc))
      return failure();
    auto g = buildReshape(n, *acc, grid6.getShape(), false);
    pooled = succeeded(g) ? make<ReduceMaxOp>(n, binsT, *g, b.getDenseI64ArrayAttr({3, 5}),
                                              b.getBoolAttr(false))
                          : g;
  } else {
    auto g = buildReshape(n, *acc, grid6.getShape(), false);
    pooled = succeeded(g) ? make<ReduceSumOp>(n, binsT, *g, b.getDenseI64ArrayAttr({3, 5}),
                                              b.getBoolAttr(false))
                          : g;
    // Divided by max(grid_h * grid_w, 1).
    auto count = bin("Mul", ay->grid, axx->grid);
    if (succeeded(count))
      count = bin("Max", *count, c(1.0));
    if (succeeded(count))
      count = buildReshape(n, *count, {1, R, 1, 1}, false);
    if (succeeded(pooled) && succeeded(count))
      pooled = bin("Div", *pooled, *count);
    if (failed(count))
      return failure();
  }
  if (failed(pooled))
    return failure();
  return defineResult(n, make<TransposeOp>(n, RankedTensorType::get({R, C, oh, ow}, el), *pooled,
                                           b.getDenseI64ArrayAttr({1, 0, 2, 3})));
}

/// TensorScatter: out = past_cache with update's entries along `axis`
/// written from write_indices[b] (0 without it) in batch entry b, wrapping
/// around in circular mode. Each output position reads the update entry
/// (position - index) where that lies in [0, update length), else the
/// cache.
LogicalResult Importer::onTensorScatter(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  Value past = input(n, 0), upd = input(n, 1), wi = input(n, 2);
  auto pt = rtt(past), ut = rtt(upd);
  if (pt.getElementType() != ut.getElementType())
    return nodeError(n) << "past_cache and update must have the same element type, got "
                        << pt.getElementType() << " and " << ut.getElementType();
  for (Value v : {past, upd, wi})
    if (v && !rtt(v).hasStaticShape())
      return nodeError(n) << "needs static shapes, got " << rtt(v) << " (use --input-shape)";
  int64_t rank = pt.getRank();
  auto axis = normAxis(attrInt(n, "axis", -2), rank);
  if (rank < 2 || !axis || *axis == 0)
    return nodeError(n) << "axis " << attrInt(n, "axis", -2)
                        << " must name a sequence axis after the batch axis of rank " << rank;
  std::string mode = attrString(n, "mode", "linear");
  if (mode != "linear" && mode != "circular")
    return nodeError(n) << "unsupported attribute value mode=\"" << mode << "\"";
  if (ut.getRank() != rank)
    return nodeError(n) << "update must have past_cache's rank " << rank << ", got " << ut;
  for (int64_t d = 0; d < rank; ++d)
    if (d != *axis && ut.getDimSize(d) != pt.getDimSize(d))
      return nodeError(n) << "update of shape " << shapeToString(ut.getShape())
                          << " differs from past_cache's " << shapeToString(pt.getShape())
                          << " outside axis " << *axis;
  int64_t L = pt.getDimSize(*axis), S = ut.getDimSize(*axis), Bt = pt.getDimSize(0);
  if (S > L)
    return nodeError(n) << "an update of " << S << " entries does not fit a cache of " << L;
  if (S == 0 || pt.getNumElements() == 0)
    return defineResult(n, past);
  auto i64 = b.getI64Type();
  SmallVector<int64_t> posShape(rank, 1), idxShape(rank, 1);
  posShape[*axis] = L;
  idxShape[0] = Bt;
  Value pos = constFrom(n, posShape, i64, [](int64_t i) { return (double)i; });
  FailureOr<Value> j = pos;
  if (wi) {
    auto wt = rtt(wi);
    if (!isa<IntegerType>(wt.getElementType()) || wt.getShape() != ArrayRef<int64_t>{Bt})
      return nodeError(n) << "write_indices must be an integer tensor of shape [" << Bt
                          << "], got " << wt;
    auto w = make<CastOp>(n, wt.clone(i64), asPlain(wi));
    if (succeeded(w))
      w = buildReshape(n, *w, idxShape, false);
    if (succeeded(w))
      j = buildBinary(n, "Sub", pos, *w, i64);
    if (failed(w) || failed(j))
      return failure();
  }
  if (mode == "circular") {
    auto jt = rtt(*j);
    j = make<ModOp>(n, jt, *j, scalarConst(i64, (double)L), b.getBoolAttr(false));
    if (failed(j))
      return failure();
  }
  auto jt = rtt(*j);
  auto ge = make<CompareOp>(n, jt.clone(b.getI1Type()), *j, scalarConst(i64, 0.0),
                            b.getStringAttr("ge"));
  auto lt = make<CompareOp>(n, jt.clone(b.getI1Type()), *j, scalarConst(i64, (double)S),
                            b.getStringAttr("lt"));
  if (failed(ge) || failed(lt))
    return failure();
  auto ok = buildBinary(n, "And", *ge, *lt, b.getI1Type());
  auto jc = buildBinary(n, "Max", *j, scalarConst(i64, 0.0), i64);
  if (succeeded(jc))
    jc = buildBinary(n, "Min", *jc, scalarConst(i64, (double)(S - 1)), i64);
  if (failed(ok) || failed(jc))
    return failure();
  auto wide = make<BroadcastOp>(n, pt.clone(i64), *jc);
  auto g = succeeded(wide) ? make<GatherElementsOp>(n, pt, upd, *wide,
                                                    b.getI64IntegerAttr(*axis))
                           : wide;
  if (failed(g))
    return failure();
  return defineResult(n, buildWhere(n, *ok, *g, past));
}
