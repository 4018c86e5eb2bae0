//===- Im2col.cpp - im2col, layout changes and constant weights -------------===//
//
// im2col rows, the [pixels, channels] <-> NCHW transposes in 16x16 blocks,
// and the readers that lay out constant weights for the kernels.
//
//===----------------------------------------------------------------------===//

#include "octet/Conversion/OctetToLinalg/IntegerRules.h"
#include "octet/Conversion/OctetToLinalg/LoweringUtils.h"
#include "octet/Conversion/OctetToLinalg/OctetToLinalg.h"
#include "octet/Dialect/Octet/OctetDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineExpr.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cmath>
#include <limits>
#include "Kernels.h"

using namespace mlir;
using namespace mlir::octet;

namespace mlir::octet::cpu {

/// A constant f32 bias (one value or one per channel) as `n` floats; zeros
/// without one.
SmallVector<float> floatBiasValues(const std::optional<ConstTensor> &bias, int64_t n) {
  SmallVector<float> fb(n, 0.0f);
  if (bias)
    for (int64_t k = 0; k < n; ++k)
      fb[k] = (float)bias->f[bias->numElements() == 1 ? 0 : k];
  return fb;
}

/// [N, R, C] -> [N, C, R] in 16 x 16 blocks: 16 row vectors read, one
/// vector.transpose (lowered to shuffles), 16 row vectors written; blocks at
/// the edges use masked transfers. An elementwise op with a transposing
/// index map vectorized into byte-by-byte inserts and extracts.
/// With `rowOrder`, output column k is input row rowOrder[k]; `post`, when
/// given, maps each vector of 16 output elements before it is written (an
/// elementwise activation fused into the transpose).
Value transposeLast2(OpBuilder &b, Location loc, Value src, ArrayRef<int32_t> rowOrder = {},
                     ElementwiseFn post = nullptr) {
  auto st = rtt(src);
  int64_t nN = st.getDimSize(0), R = st.getDimSize(1), C = st.getDimSize(2);
  Type el = st.getElementType();
  auto row = VectorType::get({16}, el), blk = VectorType::get({16, 16}, el);
  Value dst = emptyLike(b, loc, {nN, C, R}, el);
  auto idx = cstIndex;
  Value order = rowOrder.empty() ? Value() : i32Table(b, loc, rowOrder);
  // Blocks of rows [r0, r1) and columns [c0, c1): whole blocks of 16
  // columns, or the one block of the last C % 16 (written column by column
  // as far as C: known here, so that no write needs a guard; tensor-typed
  // scf.if chains made one-shot bufferization exponential in their length).
  auto blocks = [&](Value cur, int64_t r0, int64_t r1, int64_t c0, int64_t c1,
                    bool inB) -> Value {
    if (r1 <= r0 || c1 <= c0)
      return cur;
    assert(((c1 - c0) % 16 == 0 || c1 - c0 < 16) && "whole column blocks or the last one");
    int64_t cols16 = std::min<int64_t>(16, c1 - c0);
    // Each (image, 16-row block) writes its own 16 output columns.
    return constParallelLoop(b, loc, 0, nN, 1, ValueRange{cur}, [&](OpBuilder &nb, Location l,
                                                                    Value n, ValueRange a0) {
      return constParallelLoop(nb, l, r0, r1, 16, a0, [&](OpBuilder &rb, Location rl, Value r,
                                                   ValueRange a1) {
        return constLoop(rb, rl, c0, c1, 16, a1, [&](OpBuilder &cb, Location cl, Value c,
                                                      ValueRange a2) {
          Value pad = isa<FloatType>(el)
                          ? (Value)arith::ConstantOp::create(cb, cl, cb.getFloatAttr(el, 0.0))
                          : cstInt(cb, cl, 0, el);
          Value v = arith::ConstantOp::create(
              cb, cl, blk, isa<FloatType>(el) ? DenseElementsAttr::get(blk, cb.getFloatAttr(el, 0.0))
                                              : DenseElementsAttr::get(blk, cb.getIntegerAttr(el, 0)));
          auto minor = AffineMapAttr::get(AffineMap::getMinorIdentityMap(3, 1, cb.getContext()));
          auto inBounds = cb.getBoolArrayAttr({inB});
          SmallVector<Value> rows;
          for (int64_t k = 0; k < 16; ++k) {
            Value rk = arith::AddIOp::create(cb, cl, r, idx(cb, cl, k));
            if (!inB) // rows past R: clamp (read a valid row; not written)
              rk = arith::MinSIOp::create(cb, cl, rk, idx(cb, cl, R - 1));
            if (order)
              rk = arith::IndexCastOp::create(
                  cb, cl, cb.getIndexType(),
                  tensor::ExtractOp::create(cb, cl, order, ValueRange{rk}));
            Value rv = vector::TransferReadOp::create(cb, cl, row, src, ValueRange{n, rk, c},
                                                      minor, pad, Value(), inBounds);
            rows.push_back(rv);
          }
          // Bytes: four rounds of unpacking pairs of 16-byte vectors
          // (units of 1, 2, 4, 8 bytes: the low halves' units interleaved
          // into one vector, the high halves' into another), each shuffle
          // one punpck instruction; after them vector k is column
          // bitreverse4(k). (vector.transpose became one insert and one
          // extract per element: a sixth of mobilenet_v2's time on AVX2; a
          // tree of widening shuffles up to 256 bytes cost a resnet50
          // compile 3 s of code generation on AVX2.)
          SmallVector<Value> cols(16);
          if (el.isInteger(8)) {
            SmallVector<Value> cur = rows;
            for (int64_t unit = 1; unit <= 8; unit *= 2) {
              SmallVector<int64_t> lo, hi;
              for (int64_t u = 0; u < 16 / unit; ++u)
                for (int64_t e = 0; e < unit; ++e) {
                  int64_t from = (u / 2) * unit + e + (u % 2) * 16;
                  lo.push_back(from);
                  hi.push_back(from + 8);
                }
              SmallVector<Value> next(16);
              for (int64_t i = 0; i < 8; ++i) {
                next[i] = vector::ShuffleOp::create(cb, cl, cur[2 * i], cur[2 * i + 1], lo);
                next[i + 8] = vector::ShuffleOp::create(cb, cl, cur[2 * i], cur[2 * i + 1], hi);
              }
              cur = next;
            }
            for (int64_t k = 0; k < 16; ++k) {
              int64_t rev = ((k & 1) << 3) | ((k & 2) << 1) | ((k & 4) >> 1) | ((k & 8) >> 3);
              cols[rev] = cur[k];
            }
          } else {
            for (int64_t k = 0; k < 16; ++k)
              v = vector::InsertOp::create(cb, cl, rows[k], v, ArrayRef<int64_t>{k});
            Value t = vector::TransposeOp::create(cb, cl, v, ArrayRef<int64_t>{1, 0});
            for (int64_t k = 0; k < 16; ++k)
              cols[k] = vector::ExtractOp::create(cb, cl, t, ArrayRef<int64_t>{k});
          }
          // Columns past C are not written (the block's first cols ones
          // are in range); rows past R are masked off.
          Value out = a2[0];
          for (int64_t k = 0; k < cols16; ++k) {
            Value ck = arith::AddIOp::create(cb, cl, c, idx(cb, cl, k));
            Value col = post ? post(cb, cl, cols[k]) : cols[k];
            out = vector::TransferWriteOp::create(cb, cl, col, out, ValueRange{n, ck, r}, minor,
                                                  Value(), cb.getBoolArrayAttr({inB}))
                      .getResult();
          }
          return SmallVector<Value>{out};
        });
      });
    })[0];
  };
  int64_t rFull = R / 16 * 16, cFull = C / 16 * 16;
  dst = blocks(dst, 0, rFull, 0, cFull, true);
  dst = blocks(dst, rFull, R, 0, cFull, false);
  dst = blocks(dst, 0, R, cFull, C, false);
  return dst;
}

/// [N * OH * OW, F] rows of a product to [N, F, OH, OW].
Value rowsToNCHW(OpBuilder &b, Location loc, Value rows, ArrayRef<int64_t> outShape,
                 ElementwiseFn post) {
  Type el = rtt(rows).getElementType();
  Value v = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get({outShape[0], outShape[2] * outShape[3], outShape[1]}, el),
      rows, SmallVector<ReassociationIndices>{{0, 1}, {2}});
  v = transposeLast2(b, loc, v, {}, post);
  return tensor::ExpandShapeOp::create(b, loc, RankedTensorType::get(outShape, el), v,
                                       SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
}

Value padPlanes(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> pads, int64_t extraH,
                int64_t extraW, Value padValue) {
  auto t = rtt(x);
  Type el = t.getElementType();
  if (!el.isF32() || (llvm::all_of(pads, [](int64_t p) { return p == 0; }) && !extraH && !extraW))
    return padNCHW(b, loc, x, pads, extraH, extraW, padValue);
  int64_t nN = t.getDimSize(0), C = t.getDimSize(1), H = t.getDimSize(2), W = t.getDimSize(3);
  int64_t pt = pads[0], pl = pads[1];
  int64_t Hp = H + pt + pads[2] + extraH, Wp = W + pl + pads[3] + extraW;
  auto v16 = VectorType::get({16}, el);
  auto minor = AffineMapAttr::get(AffineMap::getMinorIdentityMap(4, 1, b.getContext()));
  Value out = emptyLike(b, loc, {nN, C, Hp, Wp}, el);
  auto idx = cstIndex;
  // Row y of plane (n, c): pad vectors over [from, Wp) (masked at the row's
  // end), or the input row's 16-element pieces at pl (the lanes past W read
  // as the pad value).
  auto padFrom = [&](OpBuilder &rb, Location rl, Value cur, Value n, Value c, Value y, int64_t from,
                     int64_t to) -> Value {
    if (to <= from)
      return cur;
    return constLoop(rb, rl, from, to, 16, ValueRange{cur},
                     [&](OpBuilder &pb, Location pl2, Value p, ValueRange a) {
                       Value pv = vector::BroadcastOp::create(pb, pl2, v16, padValue);
                       return SmallVector<Value>{vector::TransferWriteOp::create(
                                                     pb, pl2, pv, a[0], ValueRange{n, c, y, p},
                                                     minor, Value(), pb.getBoolArrayAttr({false}))
                                                     .getResult()};
                     })[0];
  };
  auto rows = [&](OpBuilder &ob, Location ol, Value cur, Value n, Value c, int64_t y0, int64_t y1,
                  bool data) -> Value {
    if (y1 <= y0)
      return cur;
    return constLoop(
        ob, ol, y0, y1, 1, ValueRange{cur}, [&](OpBuilder &rb, Location rl, Value y, ValueRange a) {
          if (!data)
            return SmallVector<Value>{padFrom(rb, rl, a[0], n, c, y, 0, Wp)};
          Value row = arith::SubIOp::create(rb, rl, y, idx(rb, rl, pt));
          Value c2 = padFrom(rb, rl, a[0], n, c, y, 0, pl);
          c2 = constLoop(
              rb, rl, 0, W, 16, ValueRange{c2},
              [&](OpBuilder &xb, Location xl, Value x0, ValueRange a2) {
                Value v =
                    vector::TransferReadOp::create(xb, xl, v16, x, ValueRange{n, c, row, x0}, minor,
                                                   padValue, Value(), xb.getBoolArrayAttr({false}));
                Value at = arith::AddIOp::create(xb, xl, x0, idx(xb, xl, pl));
                return SmallVector<Value>{
                    vector::TransferWriteOp::create(xb, xl, v, a2[0], ValueRange{n, c, y, at},
                                                    minor, Value(), xb.getBoolArrayAttr({false}))
                        .getResult()};
              })[0];
          return SmallVector<Value>{padFrom(rb, rl, c2, n, c, y, pl + (W + 15) / 16 * 16, Wp)};
        })[0];
  };
  // Each plane written once, row by row (tensor.pad bufferized into a fill
  // of the whole buffer and then a copy of the input, a memmove call per
  // row: float efficientnet_b0's 3x3/2 depthwise input, 7% of the model).
  return constParallelLoop(
      b, loc, 0, nN, 1, ValueRange{out}, [&](OpBuilder &nb, Location nl, Value n, ValueRange a0) {
        return constParallelLoop(nb, nl, 0, C, 1, a0,
                                 [&](OpBuilder &cb, Location cl, Value c, ValueRange a1) {
                                   Value cur = rows(cb, cl, a1[0], n, c, 0, pt, false);
                                   cur = rows(cb, cl, cur, n, c, pt, pt + H, true);
                                   cur = rows(cb, cl, cur, n, c, pt + H, Hp, false);
                                   return SmallVector<Value>{cur};
                                 });
      })[0];
}

/// The padded NCHW input `xp` transposed to NHWC, as [N, Hp, Wp * C]: a
/// window row of kw pixels is kw * C contiguous elements. With `cp` > C
/// (at most 4), channels C .. cp - 1 are added holding `fill`.
Value channelsLastRows(OpBuilder &b, Location loc, Value xp, int64_t cp, Value fill,
                       ArrayRef<int32_t> channelOrder) {
  Type inEl = rtt(xp).getElementType();
  auto xs = rtt(xp).getShape();
  int64_t nN = xs[0], C = xs[1], H = xs[2], W = xs[3];
  assert((channelOrder.empty() || (int64_t)channelOrder.size() == cp) && "one entry a channel");
  if (cp == 4 && C <= 4 && W >= 16 && channelOrder.empty()) {
    // Four channels: per 16 pixels of a row, one vector per channel (the
    // fill for the added ones) interleaved into 64 bytes. The last vector
    // of a row starts at W - 16 (overlapping, same values): no masks,
    // which AVX2 does not have for bytes (a masked copy of 3-channel
    // rows was a tenth of resnet18's time there).
    auto v16 = VectorType::get({16}, inEl), v32 = VectorType::get({32}, inEl);
    Value out = emptyLike(b, loc, {nN, H, W * 4}, inEl);
    SmallVector<int64_t> pairs, quads;
    for (int64_t i = 0; i < 16; ++i)
      pairs.append({i, 16 + i});
    for (int64_t i = 0; i < 16; ++i)
      quads.append({2 * i, 2 * i + 1, 32 + 2 * i, 32 + 2 * i + 1});
    int64_t starts = (W + 15) / 16;
    return constParallelLoop(b, loc, 0, nN * H, 1, ValueRange{out}, [&](OpBuilder &rb,
                                                                      Location rl, Value ny,
                                                                      ValueRange a0) {
      Value n = arith::DivUIOp::create(rb, rl, ny, cstIndex(rb, rl, H));
      Value y = arith::RemUIOp::create(rb, rl, ny, cstIndex(rb, rl, H));
      return constLoop(rb, rl, 0, starts, 1, a0, [&](OpBuilder &xb, Location xl, Value s,
                                                     ValueRange a1) {
        Value x = arith::MinUIOp::create(
            xb, xl, arith::MulIOp::create(xb, xl, s, cstIndex(xb, xl, 16)),
            cstIndex(xb, xl, W - 16));
        SmallVector<Value> ch;
        for (int64_t c = 0; c < 4; ++c)
          ch.push_back(c < C ? (Value)vector::TransferReadOp::create(
                                   xb, xl, v16, xp, ValueRange{n, cstIndex(xb, xl, c), y, x},
                                   fill, ArrayRef<bool>{true})
                             : (Value)vector::BroadcastOp::create(xb, xl, v16, fill));
        Value lo = vector::ShuffleOp::create(xb, xl, ch[0], ch[1], pairs);
        Value hi = vector::ShuffleOp::create(xb, xl, ch[2], ch[3], pairs);
        (void)v32;
        Value all = vector::ShuffleOp::create(xb, xl, lo, hi, quads);
        Value w = vector::TransferWriteOp::create(
                      xb, xl, all, a1[0],
                      ValueRange{n, y, arith::MulIOp::create(xb, xl, x, cstIndex(xb, xl, 4))},
                      ArrayRef<bool>{true})
                      .getResult();
        return SmallVector<Value>{w};
      });
    })[0];
  }
  if (cp > C) {
    SmallVector<OpFoldResult> lo(4, b.getIndexAttr(0)), hi(4, b.getIndexAttr(0));
    hi[1] = b.getIndexAttr(cp - C);
    xp = tensor::PadOp::create(b, loc, RankedTensorType::get({nN, cp, H, W}, inEl), xp, lo,
                               hi, fill);
    xs = rtt(xp).getShape();
  }
  Value xt = tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get({xs[0], xs[1], xs[2] * xs[3]}, inEl), xp,
      SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
  xt = transposeLast2(b, loc, xt, channelOrder);
  xt = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get({xs[0], xs[2], xs[3], xs[1]}, inEl), xt,
      SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}});
  return tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get({xs[0], xs[2], xs[3] * xs[1]}, inEl), xt,
      SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
}

/// Channels-last im2col of the padded NCHW input `xp`: the input transposed
/// to NHWC once, then each output pixel's window is kh*kw contiguous runs of
/// C bytes, as rows of [N*OH*OW, kh*kw*C] (K order (i, j, c)).
Value im2colRows(OpBuilder &b, Location loc, Value xp, ArrayRef<int64_t> outShape, int64_t kh,
                 int64_t kw, ArrayRef<int64_t> strides, ArrayRef<int64_t> dil) {
  MLIRContext *ctx = b.getContext();
  Type inEl = rtt(xp).getElementType();
  auto xs = rtt(xp).getShape();
  int64_t cin = xs[1], pixels = outShape[0] * outShape[2] * outShape[3];
  SmallVector<int64_t> nhwc = {xs[0], xs[2], xs[3], xs[1]};
  Value xt = tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get({xs[0], xs[1], xs[2] * xs[3]}, inEl), xp,
      SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
  xt = transposeLast2(b, loc, xt);
  xt = tensor::ExpandShapeOp::create(b, loc, RankedTensorType::get(nhwc, inEl), xt,
                                     SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}});
  if (dil[1] == 1) {
    // A window row is kw * C contiguous elements of the NHWC input: copy
    // it as one run (with 3 channels the (j, c) loops stayed scalar: a
    // quarter of resnet18's time at 224x224 went to its stem's im2col).
    Value xr = tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get({xs[0], xs[2], xs[3] * cin}, inEl), xt,
        SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
    SmallVector<int64_t> colR = {outShape[0], outShape[2], outShape[3], kh, kw * cin};
    AffineExpr r0, r1, r2, r3, r4; // n, oh, ow, i, (j, c)
    bindDims(ctx, r0, r1, r2, r3, r4);
    auto gatherR = AffineMap::get(
        5, 0, {r0, r1 * strides[0] + r3 * dil[0], r2 * (strides[1] * cin) + r4}, ctx);
    Value col = elementwise(b, loc, colR, inEl, {xr},
                            [](OpBuilder &, Location, ValueRange a) { return a[0]; },
                            {gatherR});
    return tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get({pixels, kh * kw * cin}, inEl), col,
        SmallVector<ReassociationIndices>{{0, 1, 2}, {3, 4}});
  }
  SmallVector<int64_t> colL = {outShape[0], outShape[2], outShape[3], kh, kw, cin};
  AffineExpr q0, q1, q2, q3, q4, q5; // n, oh, ow, i, j, c
  bindDims(ctx, q0, q1, q2, q3, q4, q5);
  auto gatherL = AffineMap::get(
      6, 0, {q0, q1 * strides[0] + q3 * dil[0], q2 * strides[1] + q4 * dil[1], q5}, ctx);
  Value col = elementwise(b, loc, colL, inEl, {xt},
                          [](OpBuilder &, Location, ValueRange a) { return a[0]; }, {gatherL});
  return tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get({pixels, kh * kw * cin}, inEl), col,
      SmallVector<ReassociationIndices>{{0, 1, 2}, {3, 4, 5}});
}

/// A [F, C, kh, kw] weight (n-major rows of C*kh*kw) with each row's K order
/// changed to (i, j, c), matching im2colRows.


/// The rows w[n][k] - zp(n) of an integer constant (n-major [N, K] with
/// `nMajor`, else [K, N]) when all fit in int8: what the VNNI kernel
/// multiplies by.
std::optional<std::vector<int64_t>> int8Rows(const ConstTensor &c,
                                             function_ref<int64_t(int64_t)> zp, int64_t n,
                                             int64_t k, bool nMajor) {
  std::vector<int64_t> t(n * k);
  for (int64_t nn = 0; nn < n; ++nn)
    for (int64_t kk = 0; kk < k; ++kk) {
      int64_t v = (nMajor ? c.i[nn * k + kk] : c.i[kk * n + nn]) - zp(nn);
      if (v < -128 || v > 127)
        return std::nullopt;
      t[nn * k + kk] = v;
    }
  return t;
}

/// The weight of a quantized product as an n-major [N, K] int8 matrix of
/// w - w_zp, when it is an 8-bit constant whose values minus their zero
/// points fit in int8 (what the VNNI kernel multiplies by).
std::optional<std::vector<int64_t>> vnniWeight(Value weight, const QInfo &w, int64_t n,
                                               int64_t k, bool nMajor) {
  if (w.width != 8 || !weightZpsPerChannel(weight, w, n, !nMajor))
    return std::nullopt;
  auto c = readConstant(weight);
  if (!c || c->isFloat || c->numElements() != n * k)
    return std::nullopt;
  return int8Rows(*c, [&](int64_t nn) { return w.zp(nn); }, n, k, nMajor);
}
/// A constant f32 weight as an n-major [N, K] matrix (from [N, K] with
/// `nMajor`, else [K, N]), or nullopt.
std::optional<std::vector<double>> floatWeight(Value weight, int64_t n, int64_t k,
                                               bool nMajor) {
  if (!cast<RankedTensorType>(weight.getType()).getElementType().isF32())
    return std::nullopt;
  auto c = readConstant(weight);
  if (!c || !c->isFloat || c->numElements() != n * k)
    return std::nullopt;
  if (nMajor)
    return c->f;
  std::vector<double> t(n * k);
  for (int64_t kk = 0; kk < k; ++kk)
    for (int64_t nn = 0; nn < n; ++nn)
      t[nn * k + kk] = c->f[kk * n + nn];
  return t;
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

} // namespace mlir::octet::cpu
