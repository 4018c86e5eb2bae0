//===- ChannelConv.cpp - f32 convolutions vectorized over output channels -===//
//
// An f32 convolution from NCHW to NCHW whose vectors run over 16 output
// channels instead of 16 pixels: for planes too small for pixel vectors
// (7x7 and 14x14 leave 23% and 6% of their lanes empty) and for strided
// kernels, which would otherwise take im2col rows and transposes.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <map>
#include <set>

using namespace mlir;
using namespace mlir::octet;

namespace mlir::octet::cpu {

bool floatConvOverChannelsFits(ArrayRef<int64_t> wShape, int64_t groups, bool zmm,
                               int64_t minProducts) {
  // Whole vectors of output channels (16 with AVX-512, 8 with AVX2) in
  // each group, and enough products per output to pay for the transposed
  // stores (a vector's lanes stored one row at a time).
  int64_t lanes = zmm ? 16 : 8;
  return groups >= 1 && wShape[0] % groups == 0 && (wShape[0] / groups) % lanes == 0 &&
         wShape[1] * wShape[2] * wShape[3] >= minProducts;
}

/// The rows of a tile: `vs` (at most 8) vectors of L (16 or 8) channels,
/// one per pixel, as L vectors of 8 lanes, channel e's pixels in the first
/// vs.size() lanes. Three rounds of 8 two-source shuffles; after the round
/// with groups of g = 2, 4, 8 pixels, a vector holds the g pixels of one
/// group times L / g channels (lane j * g + t: pixel t of the group,
/// channel j of the vector's), each read from the two vectors of the last
/// round that hold its halves. The last round's vectors hold L / 8
/// channels' rows each.
static SmallVector<Value> transposeTile(OpBuilder &b, Location loc, ArrayRef<Value> vs, int64_t L) {
  auto vT = VectorType::get({L}, b.getF32Type());
  Value zv = arith::ConstantOp::create(b, loc, vT, DenseElementsAttr::get(vT, 0.0f));
  // What each lane holds: pixel * L + channel.
  using Labels = SmallVector<int64_t, 16>;
  SmallVector<Value> cur;
  SmallVector<Labels> lab;
  for (int64_t p = 0; p < 8; ++p) {
    cur.push_back(p < (int64_t)vs.size() ? vs[p] : zv);
    Labels l;
    for (int64_t e = 0; e < L; ++e)
      l.push_back(p * L + e);
    lab.push_back(l);
  }
  auto holder = [&](int64_t label) -> std::pair<int64_t, int64_t> {
    for (size_t v = 0; v < lab.size(); ++v)
      if (auto it = llvm::find(lab[v], label); it != lab[v].end())
        return {v, it - lab[v].begin()};
    llvm_unreachable("a label that no vector holds");
  };
  for (int64_t g = 2; g <= 8; g *= 2) {
    SmallVector<Value> next;
    SmallVector<Labels> nextLab;
    for (int64_t s = 0; s < 8 / g; ++s)
      for (int64_t cg = 0; cg < g; ++cg) {
        Labels want(L);
        for (int64_t j = 0; j < L / g; ++j)
          for (int64_t t = 0; t < g; ++t)
            want[j * g + t] = (s * g + t) * L + cg * (L / g) + j;
        // The first lane's vector, and the one with the other half.
        int64_t x = holder(want[0]).first, y = holder(want[g - 1]).first;
        SmallVector<int64_t> mask;
        for (int64_t w : want) {
          auto [v, lane] = holder(w);
          assert((v == x || v == y) && "a lane from neither source");
          mask.push_back(v == x ? lane : L + lane);
        }
        next.push_back(vector::ShuffleOp::create(b, loc, cur[x], cur[y], mask));
        nextLab.push_back(want);
      }
    cur = next;
    lab = nextLab;
  }
  SmallVector<Value> rows(L);
  for (int64_t k = 0; k < 8; ++k)
    for (int64_t j = 0; j < L / 8; ++j)
      rows[lab[k][8 * j] % L] =
          L == 8 ? cur[k]
                 : vector::ExtractStridedSliceOp::create(b, loc, cur[k], ArrayRef<int64_t>{8 * j},
                                                         ArrayRef<int64_t>{8}, ArrayRef<int64_t>{1})
                       .getResult();
  return rows;
}

/// The kernel: the input padded once (zeros) so that every tap of every
/// output pixel is in its plane; a tile of `fv` vectors of L (16 or 8)
/// output channels times `np` consecutive output pixels (a row segment, or
/// a run across rows) in fv x np accumulators. Each tap loads the fv
/// weight vectors and broadcasts one input element per pixel. The sums
/// run from zero over (c, i, j), input channel outermost, with the weight
/// packed [F/L][C][KH][KW][L] (`cOuter`, where the registers allow), or
/// over (i, j, c) with [F/L][KH][KW][C][L]; then the bias, the
/// activation and the residual. Blocks of output channels (and runs of
/// rows where they are few) are the parallel tasks; a block's weight panel
/// then stays in L2 while its pixel tiles run.
Value floatConvOverChannels(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> pads,
                            ArrayRef<int64_t> strides, ArrayRef<int64_t> dil,
                            const std::vector<double> &w, ArrayRef<int64_t> wShape,
                            ArrayRef<int64_t> outShape, ArrayRef<float> bias, StringRef act,
                            std::optional<float> lo, std::optional<float> hi,
                            const ResidualEpilogue *residual, int64_t groups, bool zmm) {
  Type f32 = b.getF32Type();
  // Lanes per vector of output channels: 16 (zmm) or 8 (ymm).
  const int64_t L = zmm ? 16 : 8;
  auto vT = VectorType::get({L}, f32), f8 = VectorType::get({8}, f32);
  auto xs = rtt(x).getShape();
  int64_t nN = xs[0], cAll = xs[1], ih = xs[2], iw = xs[3];
  // Input channels per group (all of them with one group).
  int64_t cin = wShape[1], fN = wShape[0], kh = wShape[2], kw = wShape[3], mg = fN / groups;
  int64_t oh = outShape[2], ow = outShape[3], plane = oh * ow;
  int64_t sh = strides[0], sw = strides[1], dh = dil[0], dw = dil[1];
  assert(mg % L == 0 && cin * groups == cAll && "whole vectors of output channels in each group");

  // Planes padded to cover every window (and no narrower than the input).
  int64_t needH = (oh - 1) * sh + (kh - 1) * dh + 1, needW = (ow - 1) * sw + (kw - 1) * dw + 1;
  int64_t hp = pads[0] + ih + pads[2], wp = pads[1] + iw + pads[3];
  int64_t extraH = std::max<int64_t>(0, needH - hp), extraW = std::max<int64_t>(0, needW - wp);
  hp += extraH;
  wp += extraW;
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  Value xp = x;
  if (llvm::any_of(pads, [](int64_t p) { return p != 0; }) || extraH || extraW)
    xp = padPlanes(b, loc, x, pads, extraH, extraW, zero);
  Value xf =
      tensor::CollapseShapeOp::create(b, loc, RankedTensorType::get({nN, cAll, hp * wp}, f32), xp,
                                      SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
  Value resFlat;
  if (residual)
    resFlat = tensor::CollapseShapeOp::create(b, loc, RankedTensorType::get({nN, fN, plane}, f32),
                                              residual->x,
                                              SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});

  // Tiles of two vectors of channels (the last one alone where F / L is
  // odd) by up to 8 pixels: rows of 4 or more pixels in segments (their
  // inputs at constant offsets from the first's), narrower planes in
  // tiles of consecutive pixels. With zmm (32 registers, at most 16
  // accumulators) segments and tiles of at most 8 pixels (14: 7 + 7, 56:
  // 7 x 8, 13: 7 + 6). With ymm (16 registers) at most 6 for two vectors
  // (12 accumulators, 2 weight vectors and a broadcast), 8 for one; 1x1
  // planes read as they are in flat runs across rows.
  // A tile's vectors share their broadcasts, so they lie in one group:
  // single vectors where groups have L output channels (regnet's 16 with
  // zmm).
  int64_t vecs = fN / L, pairs = mg % (2 * L) == 0 ? vecs / 2 : 0, fv = pairs ? 2 : 1;
  auto maxPixels = [&](int64_t fvT) -> int64_t { return zmm || fvT == 1 ? 8 : 6; };
  // A plane read as it is (a 1x1 kernel at stride 1 without pads):
  // consecutive output pixels read consecutive inputs, across rows too.
  bool contiguous = kh == 1 && kw == 1 && sh == 1 && sw == 1 && hp == oh && wp == ow;
  bool flat = ow < 4 || (!zmm && contiguous);
  // Row segments as even as whole pixels allow (56 at 6: 6 x 6 + 4 x 5).
  // With ymm and kernels wider than one, segments narrow enough for the
  // channel-outer order below where that leaves 3 or more pixels (3x3 and
  // two vectors: 4; 14: 4 + 4 + 3 + 3).
  // (With ymm, the most pixels a tile may have for that order: a kernel
  // row's fv x kw weight vectors, fv accumulators per pixel and one
  // broadcast in 15 registers.)
  int64_t ymmOuterPixels = (14 - fv * kw) / fv;
  int64_t rowMax = maxPixels(fv);
  if (!zmm && kw > 1 && ymmOuterPixels >= 3)
    rowMax = std::min(rowMax, ymmOuterPixels);
  int64_t segs = (ow + rowMax - 1) / rowMax, wLo = ow / segs, nHi = ow % segs,
          wid = wLo + (nHi ? 1 : 0);
  // The sums' order: input channel outer (one row's elements shared by
  // its taps: a kernel row reads np + kw - 1 at stride 1) where the
  // registers allow, else the taps outer. With zmm a segment's distinct
  // elements, its accumulators and a row of weight vectors stay in the 32
  // registers. With ymm a kernel row's weight vectors, the accumulators
  // and one broadcast element at a time in 15 of the 16: its rows of
  // channels then come from the L1 cache once per channel, not once per
  // tap from L2 (7x7 planes, 512 channels).
  int64_t distinct = 0;
  {
    std::set<int64_t> offs;
    for (int64_t p = 0; p < wid; ++p)
      for (int64_t j = 0; j < kw; ++j)
        offs.insert(p * sw + j * dw);
    distinct = offs.size();
  }
  bool cOuter = zmm ? !flat && distinct + fv * wid + fv * kw <= 30
                    : (!flat || contiguous) && (flat ? maxPixels(fv) : wid) <= ymmOuterPixels;
  ConstTensor packed;
  packed.isFloat = true;
  packed.shape = cOuter ? SmallVector<int64_t, 4>{fN / L, cin, kh, kw, L}
                        : SmallVector<int64_t, 4>{fN / L, kh, kw, cin, L};
  packed.f.assign(fN * cin * kh * kw, 0.0);
  for (int64_t f = 0; f < fN; ++f)
    for (int64_t c = 0; c < cin; ++c)
      for (int64_t t = 0; t < kh * kw; ++t)
        packed.f[(cOuter ? ((f / L) * cin + c) * kh * kw + t : ((f / L) * kh * kw + t) * cin + c) *
                     L +
                 f % L] = w[(f * cin + c) * kh * kw + t];
  auto pT = RankedTensorType::get(packed.shape, f32);
  Value wc = arith::ConstantOp::create(b, loc, pT, cast<TypedAttr>(packed.write(pT)));
  SmallVector<float> bv(bias.begin(), bias.end());
  bv.resize(fN, 0.0f);
  Value biasT = vectorConstF32(b, loc, bv);

  auto idx = cstIndex;
  auto minor = AffineMapAttr::get(AffineMap::getMinorIdentityMap(5, 1, b.getContext()));

  // The tile of `np` (at most 8) consecutive pixels of the flat plane from
  // p0 in image n and the fv channel vectors from vec0; with `inRow` they
  // lie in one output row (or a `contiguous` plane), so that their inputs
  // are at constant offsets from the first's.
  auto tile = [&](OpBuilder &tb, Location l, Value n, Value vec0, int64_t fv, Value p0, int64_t np,
                  bool inRow, Value cur) -> Value {
    auto inputAt = [&](Value pix) -> Value {
      Value y = arith::DivUIOp::create(tb, l, pix, idx(tb, l, ow));
      Value xcol = arith::RemUIOp::create(tb, l, pix, idx(tb, l, ow));
      return arith::AddIOp::create(tb, l, arith::MulIOp::create(tb, l, y, idx(tb, l, sh * wp)),
                                   arith::MulIOp::create(tb, l, xcol, idx(tb, l, sw)));
    };
    SmallVector<Value> base;
    for (int64_t p = 0; p < np; ++p)
      base.push_back(
          inRow ? (p ? arith::AddIOp::create(tb, l, base[0], idx(tb, l, p * sw)).getResult()
                     : inputAt(p0))
                : inputAt(arith::AddIOp::create(tb, l, p0, idx(tb, l, p))));
    SmallVector<Value> wblk;
    for (int64_t v = 0; v < fv; ++v)
      wblk.push_back(arith::AddIOp::create(tb, l, vec0, idx(tb, l, v)));
    // The tile's group's first input channel, and input channel c of its
    // group.
    Value cBase =
        groups == 1
            ? idx(tb, l, 0)
            : arith::MulIOp::create(
                  tb, l,
                  arith::DivUIOp::create(tb, l, arith::MulIOp::create(tb, l, vec0, idx(tb, l, L)),
                                         idx(tb, l, mg)),
                  idx(tb, l, cin));
    auto inChannel = [&](OpBuilder &cb, Location cl, Value c) -> Value {
      return groups == 1 ? c : arith::AddIOp::create(cb, cl, cBase, c).getResult();
    };
    Value zv = arith::ConstantOp::create(tb, l, vT, DenseElementsAttr::get(vT, 0.0f));
    SmallVector<Value> init(fv * np, zv);
    // The residual rows this tile adds, asked for now (their first and
    // last pixels' lines) and read in the epilogue after the products.
    if (residual)
      for (int64_t v = 0; v < fv; ++v)
        for (int64_t e = 0; e < L; ++e) {
          Value f = arith::AddIOp::create(
              tb, l, arith::MulIOp::create(tb, l, wblk[v], idx(tb, l, L)), idx(tb, l, e));
          for (int64_t at : {int64_t(0), np - 1})
            PrefetchOp::create(tb, l, resFlat,
                               ValueRange{n, f, arith::AddIOp::create(tb, l, p0, idx(tb, l, at))});
        }
    SmallVector<Value> acc;
    if (cOuter) {
      // Input channel outer, then the kernel rows; each row's distinct
      // input elements (np + kw - 1 at stride 1) broadcast once and shared
      // by the taps that read them.
      acc = constLoop(
          tb, l, 0, cin, 1, init, [&](OpBuilder &cb, Location cl, Value c, ValueRange a0) {
            auto row = [&](OpBuilder &rb, Location rl, Value i, ValueRange a1) {
              SmallVector<Value> next(a1.begin(), a1.end());
              Value rowAt = arith::AddIOp::create(
                  rb, rl, base[0], arith::MulIOp::create(rb, rl, i, idx(rb, rl, dh * wp)));
              auto elemAt = [&](int64_t off) -> Value {
                Value at = arith::AddIOp::create(rb, rl, rowAt, idx(rb, rl, off));
                return vector::BroadcastOp::create(
                    rb, rl, vT,
                    tensor::ExtractOp::create(rb, rl, xf, ValueRange{n, inChannel(rb, rl, c), at}));
              };
              if (!zmm) {
                // The row's weight vectors, then each distinct element once,
                // for every (pixel, tap) that reads it (in tap order for
                // each pixel).
                SmallVector<Value> wv;
                for (int64_t j = 0; j < kw; ++j)
                  for (int64_t v = 0; v < fv; ++v)
                    wv.push_back(vector::TransferReadOp::create(
                        rb, rl, vT, wc, ValueRange{wblk[v], c, i, idx(rb, rl, j), idx(rb, rl, 0)},
                        minor, zero, Value(), rb.getBoolArrayAttr({true})));
                std::map<int64_t, SmallVector<std::pair<int64_t, int64_t>>> readers;
                for (int64_t p = 0; p < np; ++p)
                  for (int64_t j = 0; j < kw; ++j)
                    readers[p * sw + j * dw].push_back({p, j});
                for (auto &[off, pj] : readers) {
                  Value bc = elemAt(off);
                  for (auto [p, j] : pj)
                    for (int64_t v = 0; v < fv; ++v)
                      next[p * fv + v] =
                          vector::FMAOp::create(rb, rl, bc, wv[j * fv + v], next[p * fv + v]);
                }
                return next;
              }
              std::map<int64_t, Value> elems;
              for (int64_t j = 0; j < kw; ++j) {
                SmallVector<Value> wv;
                for (int64_t v = 0; v < fv; ++v)
                  wv.push_back(vector::TransferReadOp::create(
                      rb, rl, vT, wc, ValueRange{wblk[v], c, i, idx(rb, rl, j), idx(rb, rl, 0)},
                      minor, zero, Value(), rb.getBoolArrayAttr({true})));
                for (int64_t p = 0; p < np; ++p) {
                  int64_t off = p * sw + j * dw;
                  Value &bc = elems[off];
                  if (!bc)
                    bc = elemAt(off);
                  for (int64_t v = 0; v < fv; ++v)
                    next[p * fv + v] = vector::FMAOp::create(rb, rl, bc, wv[v], next[p * fv + v]);
                }
              }
              return next;
            };
            if (kh > 3)
              return constLoop(cb, cl, 0, kh, 1, a0, row);
            SmallVector<Value> a(a0.begin(), a0.end());
            for (int64_t i = 0; i < kh; ++i)
              a = row(cb, cl, idx(cb, cl, i), a);
            return a;
          });
    } else {
      // The kernel rows and columns outer, the input channels inner: each
      // tap's loop over channels broadcasts elements at distinct addresses
      // (tiles across rows, or too many distinct elements per row to keep
      // in registers). The tap columns are a loop too: unrolled, a short
      // channel loop (a stem's 3) unrolled by LLVM let it load the elements
      // that neighbouring pixels share across taps once, and spill them.
      acc = constLoop(
          tb, l, 0, kh * kw, 1, init, [&](OpBuilder &rb, Location rl, Value ij, ValueRange a0) {
            Value i = arith::DivUIOp::create(rb, rl, ij, idx(rb, rl, kw));
            Value j = arith::RemUIOp::create(rb, rl, ij, idx(rb, rl, kw));
            Value tapOff = arith::AddIOp::create(
                rb, rl, arith::MulIOp::create(rb, rl, i, idx(rb, rl, dh * wp)),
                arith::MulIOp::create(rb, rl, j, idx(rb, rl, dw)));
            SmallVector<Value> at;
            for (int64_t p = 0; p < np; ++p)
              at.push_back(arith::AddIOp::create(rb, rl, base[p], tapOff));
            return constLoop(
                rb, rl, 0, cin, 1, a0, [&](OpBuilder &cb, Location cl, Value c, ValueRange a2) {
                  SmallVector<Value> next(a2.begin(), a2.end()), wv;
                  for (int64_t v = 0; v < fv; ++v)
                    wv.push_back(vector::TransferReadOp::create(
                        cb, cl, vT, wc, ValueRange{wblk[v], i, j, c, idx(cb, cl, 0)}, minor, zero,
                        Value(), cb.getBoolArrayAttr({true})));
                  for (int64_t p = 0; p < np; ++p) {
                    Value e = tensor::ExtractOp::create(cb, cl, xf,
                                                        ValueRange{n, inChannel(cb, cl, c), at[p]});
                    Value bc = vector::BroadcastOp::create(cb, cl, vT, e);
                    for (int64_t v = 0; v < fv; ++v)
                      next[p * fv + v] = vector::FMAOp::create(cb, cl, bc, wv[v], next[p * fv + v]);
                  }
                  return next;
                });
          });
    }
    // Bias and activation on the channel vectors; then each vector of
    // channels transposed with the tile's others into rows of the np pixels
    // of one channel (transposeTile), and the residual and the stores on
    // those rows (NCHW: contiguous).
    auto rowMask = [&](OpBuilder &mb, Location ml) -> Value {
      SmallVector<bool> m(8, false);
      for (int64_t p = 0; p < np; ++p)
        m[p] = true;
      auto mt = VectorType::get({8}, mb.getI1Type());
      return arith::ConstantOp::create(mb, ml, mt, DenseElementsAttr::get(mt, ArrayRef<bool>(m)));
    };
    auto minor3 = AffineMapAttr::get(AffineMap::getMinorIdentityMap(3, 1, tb.getContext()));
    Value mask = rowMask(tb, l);
    for (int64_t v = 0; v < fv; ++v) {
      Value f0 = arith::MulIOp::create(tb, l, wblk[v], idx(tb, l, L));
      Value bvec = vector::TransferReadOp::create(tb, l, vT, biasT, ValueRange{f0}, zero,
                                                  ArrayRef<bool>{true});
      SmallVector<Value> vs;
      for (int64_t p = 0; p < np; ++p)
        vs.push_back(floatActivation(tb, l, arith::AddFOp::create(tb, l, acc[p * fv + v], bvec),
                                     act, lo, hi));
      SmallVector<Value> rows = transposeTile(tb, l, vs, L);
      for (int64_t e = 0; e < L; ++e) {
        Value f = arith::AddIOp::create(tb, l, f0, idx(tb, l, e));
        Value r = rows[e];
        if (residual) {
          Value o = vector::TransferReadOp::create(tb, l, f8, resFlat, ValueRange{n, f, p0}, minor3,
                                                   zero, mask, tb.getBoolArrayAttr({false}));
          r = residual->xFirst ? arith::AddFOp::create(tb, l, o, r)
                               : arith::AddFOp::create(tb, l, r, o);
          r = floatActivation(tb, l, r, "clamp", residual->lo, residual->hi);
        }
        if (zmm || np == 8) {
          cur = vector::TransferWriteOp::create(tb, l, r, cur, ValueRange{n, f, p0}, minor3,
                                                np == 8 ? Value() : mask,
                                                tb.getBoolArrayAttr({np == 8}))
                    .getResult();
          continue;
        }
        // Without AVX-512 a masked store (vmaskmovps) costs far more than
        // plain ones on AMD cores: the row in pieces of 4, 2 and 1 pixels.
        for (int64_t at = 0, len = 4; at < np; len /= 2) {
          if (at + len > np)
            continue;
          Value piece = vector::ExtractStridedSliceOp::create(
              tb, l, r, ArrayRef<int64_t>{at}, ArrayRef<int64_t>{len}, ArrayRef<int64_t>{1});
          cur = vector::TransferWriteOp::create(
                    tb, l, piece, cur,
                    ValueRange{n, f, arith::AddIOp::create(tb, l, p0, idx(tb, l, at))}, minor3,
                    Value(), tb.getBoolArrayAttr({true}))
                    .getResult();
          at += len;
        }
      }
    }
    return cur;
  };

  // The blocks of `fvT` vectors of channels from vector vecLo, in parallel.
  // Where that makes fewer than 8 tasks, the rows are split too, in
  // `chunks` runs of whole rows (densenet121's 32-channel 3x3 layers at
  // 14x14 and 7x7 had been one task for any number of threads).
  auto blocks = [&](Value out, int64_t vecLo, int64_t count, int64_t fvT) -> Value {
    // (With ymm, flat 1x1 planes too: mobilenet_v2's 144 -> 24 at 56x56
    // is a block of two vectors and one of one.)
    int64_t chunks = zmm && flat ? 1 : std::min(oh, (8 + nN * count - 1) / (nN * count));
    while (oh % chunks)
      ++chunks;
    int64_t rowsPer = oh / chunks;
    return constParallelLoop(
        b, loc, 0, nN * count * chunks, 1, ValueRange{out},
        [&](OpBuilder &ob, Location l, Value tc, ValueRange a) {
          Value y0 = arith::MulIOp::create(
              ob, l, arith::RemUIOp::create(ob, l, tc, idx(ob, l, chunks)), idx(ob, l, rowsPer));
          Value t = arith::DivUIOp::create(ob, l, tc, idx(ob, l, chunks));
          Value n = arith::DivUIOp::create(ob, l, t, idx(ob, l, count));
          Value vec0 = arith::AddIOp::create(
              ob, l, idx(ob, l, vecLo),
              arith::MulIOp::create(ob, l, arith::RemUIOp::create(ob, l, t, idx(ob, l, count)),
                                    idx(ob, l, fvT)));
          if (flat) {
            // The chunk's rows as one run of pixels, in tiles of np; a
            // remainder under half a tile shares the last whole tile's
            // pixels (49 at 6: 7 x 6, then 4 + 3).
            int64_t np = maxPixels(fvT), len = rowsPer * ow;
            int64_t nMain = len / np, tailA = 0, tailB = len % np;
            if (tailB && 2 * tailB < np && nMain > 0) {
              --nMain;
              tailA = (np + tailB + 1) / 2;
              tailB = np + tailB - tailA;
            }
            Value start = arith::MulIOp::create(ob, l, y0, idx(ob, l, ow));
            auto at = [&](OpBuilder &pb, Location pl, Value off) -> Value {
              return arith::AddIOp::create(pb, pl, start, off);
            };
            Value cur =
                constLoop(ob, l, 0, nMain * np, np, a,
                          [&](OpBuilder &pb, Location pl, Value off, ValueRange a2) {
                            return SmallVector<Value>{
                                tile(pb, pl, n, vec0, fvT, at(pb, pl, off), np, contiguous, a2[0])};
                          })[0];
            if (tailA)
              cur = tile(ob, l, n, vec0, fvT, at(ob, l, idx(ob, l, nMain * np)), tailA, contiguous,
                         cur);
            if (tailB)
              cur = tile(ob, l, n, vec0, fvT, at(ob, l, idx(ob, l, nMain * np + tailA)), tailB,
                         contiguous, cur);
            return SmallVector<Value>{cur};
          }
          return constLoop(
              ob, l, 0, rowsPer, 1, a, [&](OpBuilder &yb, Location yl, Value yy, ValueRange a1) {
                Value y = arith::AddIOp::create(yb, yl, y0, yy);
                Value row0 = arith::MulIOp::create(yb, yl, y, idx(yb, yl, ow));
                // nHi segments of wLo + 1 pixels, then the rest of wLo.
                SmallVector<Value> cur(a1.begin(), a1.end());
                auto segments = [&](int64_t from, int64_t to, int64_t w) {
                  if (from < to)
                    cur = constLoop(yb, yl, from, to, w, cur,
                                    [&](OpBuilder &pb, Location pl, Value x0, ValueRange a2) {
                                      Value p0 = arith::AddIOp::create(pb, pl, row0, x0);
                                      return SmallVector<Value>{
                                          tile(pb, pl, n, vec0, fvT, p0, w, true, a2[0])};
                                    });
                };
                segments(0, nHi * (wLo + 1), wLo + 1);
                segments(nHi * (wLo + 1), ow, wLo);
                return cur;
              });
        })[0];
  };
  // Pairs of vectors, then the odd one (F = 400: 12 pairs and one), or
  // single vectors (groups of 16 channels).
  Value out = emptyLike(b, loc, {nN, fN, plane}, f32);
  if (pairs)
    out = blocks(out, 0, pairs, 2);
  if (vecs > 2 * pairs)
    out = blocks(out, 2 * pairs, vecs - 2 * pairs, 1);
  return tensor::ExpandShapeOp::create(b, loc, RankedTensorType::get({nN, fN, oh, ow}, f32), out,
                                       SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
}

} // namespace mlir::octet::cpu
