//===- DirectConv.cpp - direct convolution kernels --------------------------===//
//
// Convolutions without im2col: pixel vectors of 16 lanes times channel
// quads, with same-padded rows, depthwise and grouped layouts and
// space-to-depth for strided kernels; int8 (vpdpbusd) and f32 (FMA).
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

/// Direct (implicit-GEMM) VNNI convolution for stride 1, from NCHW to NCHW.
///
/// The input is regrouped once into rows of S = IW + g pixels, where the
/// g = max(left, right pad) columns after each row's data serve as the right
/// padding of that row and the left padding of the next; the top and bottom
/// pad rows and a leading margin of g pixels are whole rows of the pad
/// value. Channels are grouped in quads, so that the layout is
/// [N, C/4, L pixels, 4]: 16 neighbouring pixels of one channel quad are 64
/// contiguous bytes (vpdpbusd's u8 operand). The regrouping reads 16 pixels
/// of four channels and interleaves them in registers.
///
/// Output pixels are computed on the same grid of S columns (pixel
/// p = y * S + x reads input p + i * dh * S + j * dw - left pad), so that
/// vectors of 16 pixels run across row ends and lose only (S - OW) / S of
/// their lanes. The weight dword (4 input channels of one output channel
/// and tap) is broadcast; a tile holds 4 output channels x 4 vectors of 16
/// pixels in 16 accumulators, requantized in registers. With rows of 16 or
/// more pixels the bytes go straight to NCHW with two masked stores per
/// vector (the part of the vector in each output row); narrower rows are
/// written on the grid and sliced.
///
/// Same-padded layers (OW = IW) use rows of IW pixels instead: a tap in the
/// side padding is a masked lane of the vpdpbusd (the padding's share,
/// zp * sum of w over that tap column, added back to those lanes), and each
/// output channel's 4 vectors are 64 contiguous NCHW bytes, requantized and
/// packed together (vnniRequant4). Images of up to 6 vectors are one tile.
///
/// `x` is the unpadded input, `pads` [top, left, bottom, right] and `zp` its
/// storage pad value; the result is [N, F, OH, OW] bytes.
///
/// The same kernel runs f32 convolutions (`DirectConvSpec::isFloat`): one
/// channel per pixel slot instead of a quad, zero padding, an FMA with the
/// weight broadcast, and the activation applied before the stores.
struct DirectConvSpec {
  bool isFloat = false;
  // int8 depthwise (one input channel per output channel): a byte per pixel
  // slot, products widened to int32 per tap instead of vpdpbusd.
  bool depthwise = false;
  // int8 (VNNI): input signedness and zero point, w - w_zp, folded bias and
  // the requantization.
  bool xSigned = false;
  int64_t zp = 0;
  const std::vector<int64_t> *w = nullptr;
  ArrayRef<int32_t> bias;
  const VnniEpilogue *epi = nullptr;
  // f32: weight, bias and the fused activation (none, relu, relu6, clamp).
  const std::vector<double> *fw = nullptr;
  ArrayRef<float> fbias;
  StringRef act = "none";
  std::optional<float> lo, hi;
  // Space-to-depth by (sh, sw): `x` is the padded input [N, C, H' sh, W' sw]
  // and the convolution runs on [N, C sh sw, H', W'] (channel
  // (c sh + a) sw + b = pixel (i sh + a, j sw + b) of channel c), read
  // straight from `x` by the regrouping; `pads` are then all 0.
  int64_t s2dH = 1, s2dW = 1;
  // Grouped (not depthwise): output channel f reads the cg = wShape[1]
  // input channels of its group, f / (F / groups); int8 needs cg % 4 == 0
  // (channel quads within a group).
  int64_t groups = 1;
  // Without AVX-512 (16 registers of 256 bits): one pixel vector per tile
  // and, on AVX2, the exact vpmaddubsw form the weights allow (see
  // TiledProduct.cpp): "pairs" on the u8 bytes, "sign" on the s8 form of
  // the bytes (u8 ^ 0x80: the pad byte and corrections in that form, the
  // bias gaining 128 sum w), else 16-bit products.
  bool zmm = true;
  bool avx2 = false;
  // f32 only: a max pool of each output plane in the epilogue
  // (floatConvPoolFits), stored as [N, F, pooled OH x OW] instead of the
  // convolution's planes.
  const MaxPoolEpilogue *pool = nullptr;
  // f32 same-padded rows only: the output planes written into the
  // regrouped input layout of the next convolution (`padOut`, see
  // FlatRows), zeros around them.
  std::optional<FlatRows> padOut;
  // f32 same-padded rows only: an Add of this tensor (the output's shape)
  // after the activation, then a clamp (ResidualEpilogue).
  const ResidualEpilogue *residual = nullptr;
};

/// L, the length of directConv's regrouped rows before their 16 spare
/// pixels: rows of S pixels after a margin of M, `ih` image rows with
/// pads[0] and pads[2] pad rows, read by `oh` output rows of S pixels
/// through a kh x kw kernel; a multiple of 16.
static int64_t regroupedLength(int64_t ih, int64_t oh, int64_t S, int64_t M, ArrayRef<int64_t> pads,
                               int64_t kh, int64_t kw, ArrayRef<int64_t> dil) {
  int64_t p16 = (oh * S + 15) / 16 * 16;
  int64_t hp = pads[0] + ih + pads[2], dataEnd = M + (pads[0] + ih) * S;
  int64_t L = std::max(M + hp * S, M + p16 + (kh - 1) * dil[0] * S + (kw - 1) * dil[1] - pads[1]);
  L = std::max(L, dataEnd);
  return (L + 15) / 16 * 16;
}

FlatRows flatRows(ArrayRef<int64_t> inShape, ArrayRef<int64_t> pads, ArrayRef<int64_t> wShape,
                  ArrayRef<int64_t> outShape, ArrayRef<int64_t> dil) {
  // directConv's layout with S = IW and M = the left pad (flat rows).
  int64_t iw = inShape[3], pl = pads[1];
  int64_t L = regroupedLength(inShape[2], outShape[2], iw, pl, pads, wShape[2], wShape[3], dil);
  return FlatRows{pl + pads[0] * iw, L + 16};
}

/// The planes of an f32 convolution's input when its producer wrote them
/// into this convolution's regrouped layout (`padOut`): that buffer.
static Value producedInFlatRows(Value x, const FlatRows &want) {
  auto ex = x.getDefiningOp<tensor::ExpandShapeOp>();
  auto sl = ex ? ex.getSrc().getDefiningOp<tensor::ExtractSliceOp>() : nullptr;
  if (!sl || !sl->hasAttr(kZeroPaddedRowsAttr) || !sl.hasUnitStride())
    return Value();
  auto st = rtt(sl.getSource()).getShape();
  auto off = sl.getStaticOffsets();
  if (st.size() != 3 || st[2] != want.total || off[2] != want.offset || off[0] != 0 || off[1] != 0)
    return Value();
  return sl.getSource();
}

Value directConv(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> pads,
                        ArrayRef<int64_t> wShape, ArrayRef<int64_t> outShape,
                        ArrayRef<int64_t> dil, const DirectConvSpec &spec) {
  Type i8 = b.getI8Type(), i32 = b.getI32Type(), f32 = b.getF32Type();
  bool isFloat = spec.isFloat, xSigned = spec.xSigned, dw = spec.depthwise;
  int64_t zp = spec.zp;
  static const std::vector<int64_t> noWeight;
  const std::vector<int64_t> &w = spec.w ? *spec.w : noWeight;
  ArrayRef<int32_t> bias = spec.bias;
  VnniEpilogue noEpi;
  const VnniEpilogue &epi = spec.epi ? *spec.epi : noEpi;
  // Element of the regrouped input and of the result, slots per pixel.
  Type el = isFloat ? f32 : i8;
  int64_t slot = isFloat || dw ? 1 : 4;
  MLIRContext *ctx = b.getContext();
  auto xs = rtt(x).getShape();
  int64_t sh2 = spec.s2dH, sw2 = spec.s2dW, phases = sh2 * sw2;
  bool s2d = phases > 1;
  int64_t nN = xs[0], cin = xs[1] * phases, ih = xs[2] / sh2, iw = xs[3] / sw2;
  int64_t pt = pads[0], pl = pads[1], pr = pads[3];
  int64_t fN = wShape[0], cg = wShape[1], kh = wShape[2], kw = wShape[3];
  int64_t oh = outShape[2], ow = outShape[3];
  // Rows as wide as the output ("same" padding): no pad columns ("flat");
  // lanes whose tap falls in the left or right padding are masked out of
  // the products (their zero-point share added back per channel), and
  // output pixel p is element p of the NCHW plane.
  bool flat = iw == ow && ow >= 4 && !s2d;
  // Otherwise g pad columns after each row: enough for the left and right
  // pads, and for rows at least as wide as the output (pads wider than the
  // kernel's span make OW > IW + max(left, right)).
  int64_t g = flat ? 0 : std::max({pl, pr, ow - iw}), S = iw + g, M = flat ? pl : g;
  int64_t c4 = isFloat || dw ? cin : (cin + 3) / 4; // channel slots
  // Slots of one group's channels, and output channels per group.
  int64_t groups = spec.groups, cgSlots = isFloat || dw ? cg : (cg + 3) / 4;
  int64_t mgPer = fN / groups;

  int64_t pixels = oh * S, vecs = (pixels + 15) / 16, p16 = vecs * 16;
  int64_t dataEnd = M + (pt + ih) * S;
  int64_t L = regroupedLength(ih, oh, S, M, pads, kh, kw, dil);

  auto idx = cstIndex;
  auto loop = constLoop;
  auto v16 = VectorType::get({16}, i32), v64 = VectorType::get({64}, i8),
       v4 = VectorType::get({4}, i8), v1 = VectorType::get({1}, i32),
       b16 = VectorType::get({16}, i8), f16 = VectorType::get({16}, f32);
  // The accumulators, and 16 pixels of the regrouped input.
  VectorType vacc = isFloat ? f16 : v16, vin = isFloat ? f16 : dw ? b16 : v64;
  VectorType rd16 = isFloat ? f16 : b16;
  auto minor = [&](unsigned rank) {
    return AffineMapAttr::get(AffineMap::getMinorIdentityMap(rank, 1, ctx));
  };
  auto inBounds = [&](bool v) { return b.getBoolArrayAttr({v}); };
  // The AVX2 form of the products (int8, not depthwise: those multiply in
  // int32).
  StringRef avx2Form;
  SmallVector<int32_t> signBias;
  std::vector<int64_t> resW; // the sign form's residual (w + 127 where w < -127)
  if (spec.avx2 && !isFloat && !dw) {
    bool pairs = true, narrow = true;
    for (int64_t f = 0; f < fN; ++f)
      for (int64_t c = 0; c < cg; c += 2)
        for (int64_t i = 0; i < kh; ++i)
          for (int64_t j = 0; j < kw; ++j) {
            int64_t w0 = w[((f * cg + c) * kh + i) * kw + j],
                    w1 = c + 1 < cg ? w[((f * cg + c + 1) * kh + i) * kw + j] : 0;
            pairs = pairs && avx2PairFits(w0, w1);
            narrow = narrow && avx2SignMain(w0) == w0 && avx2SignMain(w1) == w1;
          }
    // Weights of -128 (outside the sign form's [-127, 127]) run as -127
    // plus a residual of -1, in the same form, for just the tiles and taps
    // that have one (real per-tensor weights: a few in a layer; 16-bit
    // products for the whole layer cost 3-4x).
    avx2Form = pairs ? "pairs" : "sign";
    if (!pairs && !narrow) {
      resW.assign(w.size(), 0);
      for (size_t e = 0; e < w.size(); ++e)
        resW[e] = w[e] - avx2SignMain(w[e]);
    }
    if (avx2Form == "sign") {
      signBias.assign(bias.begin(), bias.end());
      for (int64_t f = 0; f < fN; ++f) {
        int64_t sum = 0;
        for (int64_t k = 0; k < cg * kh * kw; ++k)
          sum += w[f * cg * kh * kw + k];
        signBias[f] = (int32_t)((uint32_t)signBias[f] + (uint32_t)(128 * sum));
      }
    }
  }
  bool signForm = avx2Form == "sign";
  ArrayRef<int32_t> u8Bias = bias; // the u8 form's (overflow bounds)
  if (signForm)
    bias = signBias;
  // The pad byte as the kernel sees it (s8 shifted to u8; in the sign form
  // back to s8), and its value in the products.
  int64_t padU = (xSigned ? ((zp + 128) & 0xff) : (zp & 0xff)) ^ (signForm ? 0x80 : 0);
  int64_t padVal = signForm ? (int64_t)(int8_t)padU : padU;
  auto padVec = [&](OpBuilder &nb, Location l) -> Value {
    if (isFloat)
      return arith::ConstantOp::create(nb, l, f16, DenseElementsAttr::get(f16, 0.0f));
    if (dw)
      return arith::ConstantOp::create(
          nb, l, b16, DenseElementsAttr::get(b16, nb.getIntegerAttr(i8, (int8_t)padU)));
    return arith::ConstantOp::create(
        nb, l, v64, DenseElementsAttr::get(v64, nb.getIntegerAttr(i8, (int8_t)padU)));
  };
  auto padScalar = [&](OpBuilder &nb, Location l) -> Value {
    if (isFloat)
      return arith::ConstantOp::create(nb, l, nb.getF32FloatAttr(0.0f));
    return cstInt(nb, l, zp, i8);
  };

  // Input bytes in the kernel's u8 form: s8 values shifted by 128 (the
  // sign bit flipped).
  auto toU8 = [&](OpBuilder &sb, Location sl, Value v) -> Value {
    if (xSigned == signForm)
      return v;
    auto vt = cast<VectorType>(v.getType());
    return arith::XOrIOp::create(
        sb, sl, v,
        arith::ConstantOp::create(sb, sl, vt,
                                  DenseElementsAttr::get(vt, sb.getIntegerAttr(i8, -128))));
  };
  // 16 pixels of channels 4q .. 4q + 3 (read by `read` for a clamped
  // channel index; channels past C read as padding), interleaved as 64
  // bytes [pixel][channel] in the kernel's u8 form.
  auto quad = [&](OpBuilder &sb, Location sl, Value q,
                  function_ref<Value(OpBuilder &, Location, Value)> read) -> Value {
    if (isFloat) // one channel per slot
      return read(sb, sl, q);
    if (dw) // one channel per slot, in the kernel's u8 form
      return toU8(sb, sl, read(sb, sl, q));
    SmallVector<Value> ch;
    for (int64_t k = 0; k < 4; ++k) {
      Value c = arith::AddIOp::create(
          sb, sl, arith::MulIOp::create(sb, sl, q, idx(sb, sl, 4)), idx(sb, sl, k));
      Value cc = arith::MinSIOp::create(sb, sl, c, idx(sb, sl, cin - 1));
      Value v = read(sb, sl, cc);
      if (cin % 4) {
        Value ok = arith::CmpIOp::create(sb, sl, arith::CmpIPredicate::slt, c,
                                         idx(sb, sl, cin));
        Value pv = arith::ConstantOp::create(
            sb, sl, b16, DenseElementsAttr::get(b16, sb.getIntegerAttr(i8, zp)));
        v = arith::SelectOp::create(sb, sl, ok, v, pv);
      }
      ch.push_back(v);
    }
    SmallVector<int64_t> m2, m4;
    for (int64_t l2 = 0; l2 < 16; ++l2) {
      m2.push_back(l2);
      m2.push_back(16 + l2);
    }
    for (int64_t l2 = 0; l2 < 16; ++l2)
      for (int64_t k : {2 * l2, 2 * l2 + 1, 32 + 2 * l2, 33 + 2 * l2})
        m4.push_back(k);
    Value w01 = vector::ShuffleOp::create(sb, sl, ch[0], ch[1], m2);
    Value w23 = vector::ShuffleOp::create(sb, sl, ch[2], ch[3], m2);
    return toU8(sb, sl, vector::ShuffleOp::create(sb, sl, w01, w23, m4));
  };
  // Writes 16 regrouped pixels at pixel `p` of xf[n][q].
  auto put = [&](OpBuilder &sb, Location sl, Value v, Value xfCur, Value n, Value q,
                 Value p) -> Value {
    Value off = arith::MulIOp::create(sb, sl, p, idx(sb, sl, slot));
    return vector::TransferWriteOp::create(sb, sl, v, xfCur, ValueRange{n, q, off}, minor(3),
                                           Value(), inBounds(true))
        .getResult();
  };
  // With S = IW the image rows are contiguous as in NCHW: one flat copy.
  Value xflat;
  if (flat)
    xflat = tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get({nN, cin, ih * iw}, el), x,
        SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});

  // Regroup into xf[n][q][L * 4]. The rows are 16 pixels longer than L, so
  // that every 16-pixel write is in bounds: a plain store (AVX2 has no
  // masked byte store; LLVM expands one into 16 branches). A write that runs
  // past its image row is overwritten by the next row's.
  // f32 rows: the producer may have written the planes in this layout.
  Value xfGiven;
  if (flat && isFloat)
    xfGiven = producedInFlatRows(x, FlatRows{M + pt * S, L + 16});
  // f32 1x1 kernels without padding read no pad: the input's planes as
  // they are, no regrouping copy (the pointwise layers of mobilenet_v2 and
  // efficientnet_b0, resnet50's 1x1 layers); pixel vectors that run past
  // the plane's end (tiles not wholly inside the output) are masked reads.
  bool rawPlanes = false;
  if (!xfGiven && flat && isFloat && kh == 1 && kw == 1 &&
      llvm::all_of(pads, [](int64_t p) { return p == 0; })) {
    xfGiven = xflat;
    rawPlanes = true;
  }
  Value xf = xfGiven ? xfGiven : emptyLike(b, loc, {nN, c4, (L + 16) * slot}, el);
  // Image rows read from the flattened channel plane: a vector running past
  // its row's end reads the next row (valid memory) and its lanes from IW on
  // are replaced by the pad value; masked reads (byte-by-byte on AVX2) are
  // left for the plane's last row. `midRows`: the rows before the last can
  // read so far (the reads' furthest end stays within the plane).
  int64_t planeW = xs[3], plane = xs[2] * xs[3];
  int64_t fullEnd = iw / 16 * 16, lastS0 = (S - 1) / 16 * 16;
  bool midRows = !flat && ih >= 2 &&
                 ((ih - 2) * sh2 + sh2 - 1) * planeW + lastS0 * sw2 + (sw2 - 1) + 16 * sw2 <=
                     plane;
  Value xplane;
  if (midRows)
    xplane = tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get({nN, xs[1], plane}, el), x,
        SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
  // Each (image, channel slot) fills its own row of xf.
  auto ploop = constParallelLoop;
  if (!xfGiven)
    xf = ploop(
        b, loc, 0, nN, 1, ValueRange{xf}, [&](OpBuilder &nb, Location l, Value n, ValueRange a0) {
          return SmallVector<Value>(
              ploop(nb, l, 0, c4, 1, a0, [&](OpBuilder &qb, Location ql, Value q, ValueRange a1) {
                auto fill = [&](Value cur, int64_t from, int64_t to) -> Value {
                  if (to <= from)
                    return cur;
                  return loop(qb, ql, from, to, 16, ValueRange{cur},
                              [&](OpBuilder &fb, Location fl, Value p, ValueRange a) {
                                return SmallVector<Value>{
                                    put(fb, fl, padVec(fb, fl), a[0], n, q, p)};
                              })[0];
                };
                Value cur = fill(a1[0], 0, M + pt * S);
                if (flat) {
                  // Whole vectors in bounds, then the plane's last partial one masked.
                  int64_t whole = ih * iw / 16 * 16;
                  auto flatPart = [&](Value c0, int64_t from, int64_t to, bool in) -> Value {
                    return loop(
                        qb, ql, from, to, 16, ValueRange{c0},
                        [&](OpBuilder &sb, Location sl, Value p, ValueRange a3) {
                          Value padS = padScalar(sb, sl);
                          Value v =
                              quad(sb, sl, q, [&](OpBuilder &rb, Location rl, Value cc) -> Value {
                                return vector::TransferReadOp::create(
                                    rb, rl, rd16, xflat, ValueRange{n, cc, p}, minor(3), padS,
                                    Value(), inBounds(in));
                              });
                          Value at = arith::AddIOp::create(sb, sl, p, idx(sb, sl, M + pt * S));
                          return SmallVector<Value>{put(sb, sl, v, a3[0], n, q, at)};
                        })[0];
                  };
                  cur = flatPart(cur, 0, whole, true);
                  cur = flatPart(cur, whole, ih * iw, false);
                  return SmallVector<Value>{fill(cur, dataEnd, L)};
                }
                // 16 pixels of channel cc from column s0 of image row r (space-to-
                // depth: channel cc = (c sh + a) sw + b is row r sh + a of channel c,
                // every sw-th pixel from column s0 sw + b); from the flattened plane
                // in bounds, or masked with the pad value past the row.
                auto readAt = [&](OpBuilder &rb2, Location rl2, Value cc, Value r, Value s0,
                                  Value padS, bool fromPlane) -> Value {
                  Value c = cc, row = r, col = s0, bb;
                  if (s2d) {
                    c = arith::DivUIOp::create(rb2, rl2, cc, idx(rb2, rl2, phases));
                    Value ph = arith::RemUIOp::create(rb2, rl2, cc, idx(rb2, rl2, phases));
                    Value a = arith::DivUIOp::create(rb2, rl2, ph, idx(rb2, rl2, sw2));
                    bb = arith::RemUIOp::create(rb2, rl2, ph, idx(rb2, rl2, sw2));
                    row = arith::AddIOp::create(
                        rb2, rl2, arith::MulIOp::create(rb2, rl2, r, idx(rb2, rl2, sh2)), a);
                    col = arith::AddIOp::create(
                        rb2, rl2, arith::MulIOp::create(rb2, rl2, s0, idx(rb2, rl2, sw2)), bb);
                  }
                  auto wide = VectorType::get({16 * sw2}, el);
                  Value v;
                  if (fromPlane) {
                    Value at = arith::AddIOp::create(
                        rb2, rl2, arith::MulIOp::create(rb2, rl2, row, idx(rb2, rl2, planeW)), col);
                    v = vector::TransferReadOp::create(rb2, rl2, wide, xplane, ValueRange{n, c, at},
                                                       minor(3), padS, Value(), inBounds(true));
                  } else {
                    v = vector::TransferReadOp::create(rb2, rl2, wide, x,
                                                       ValueRange{n, c, row, col}, minor(4), padS,
                                                       Value(), inBounds(false));
                  }
                  if (sw2 == 1)
                    return v;
                  SmallVector<int64_t> pick;
                  for (int64_t k = 0; k < 16; ++k)
                    pick.push_back(k * sw2);
                  return vector::ShuffleOp::create(rb2, rl2, v, v, pick);
                };
                // Writes image row r's 16 pixels from column s0 (`s0c`: the column
                // when it is a constant, whose lanes past IW then get the pad value
                // after a read from the plane).
                auto rowVector = [&](OpBuilder &sb, Location sl, Value cur2, Value r, Value s0,
                                     std::optional<int64_t> s0c, bool fromPlane) -> Value {
                  Value padS = padScalar(sb, sl);
                  Value v = quad(sb, sl, q, [&](OpBuilder &rb2, Location rl2, Value cc) -> Value {
                    Value got = readAt(rb2, rl2, cc, r, s0, padS, fromPlane);
                    if (!fromPlane || !s0c || *s0c + 16 <= iw)
                      return got;
                    SmallVector<bool> live;
                    for (int64_t k = 0; k < 16; ++k)
                      live.push_back(*s0c + k < iw);
                    auto mt = VectorType::get({16}, rb2.getI1Type());
                    Value mask =
                        arith::ConstantOp::create(rb2, rl2, mt, DenseElementsAttr::get(mt, live));
                    Value padV = vector::BroadcastOp::create(rb2, rl2, rd16, padS);
                    return arith::SelectOp::create(rb2, rl2, mask, got, padV);
                  });
                  Value row = arith::AddIOp::create(sb, sl, r, idx(sb, sl, pt));
                  Value p = arith::AddIOp::create(
                      sb, sl, arith::MulIOp::create(sb, sl, row, idx(sb, sl, S)), s0);
                  p = arith::AddIOp::create(sb, sl, p, idx(sb, sl, M));
                  return put(sb, sl, v, cur2, n, q, p);
                };
                // Rows [r0, r1): masked reads across the row, or from the plane
                // (whole vectors in a loop, the row's last ones unrolled).
                auto rows = [&](Value c0, int64_t r0, int64_t r1, bool fromPlane) -> Value {
                  if (r1 <= r0)
                    return c0;
                  return loop(qb, ql, r0, r1, 1, ValueRange{c0},
                              [&](OpBuilder &rb, Location rl, Value r, ValueRange a2) {
                                if (!fromPlane)
                                  return SmallVector<Value>(loop(
                                      rb, rl, 0, S, 16, a2,
                                      [&](OpBuilder &sb, Location sl, Value s0, ValueRange a3) {
                                        return SmallVector<Value>{
                                            rowVector(sb, sl, a3[0], r, s0, std::nullopt, false)};
                                      }));
                                Value c2 =
                                    loop(rb, rl, 0, fullEnd, 16, a2,
                                         [&](OpBuilder &sb, Location sl, Value s0, ValueRange a3) {
                                           return SmallVector<Value>{
                                               rowVector(sb, sl, a3[0], r, s0, std::nullopt, true)};
                                         })[0];
                                for (int64_t s0 = fullEnd; s0 < S; s0 += 16)
                                  c2 = rowVector(rb, rl, c2, r, idx(rb, rl, s0), s0, true);
                                return SmallVector<Value>{c2};
                              })[0];
                };
                if (midRows) {
                  cur = rows(cur, 0, ih - 1, true);
                  cur = rows(cur, ih - 1, ih, false);
                } else {
                  cur = rows(cur, 0, ih, false);
                }
                return SmallVector<Value>{fill(cur, dataEnd, L)};
              }));
        })[0];

  // Weight as [F, kh, kw, c4 * 4] bytes (channel-padded with zeros), or
  // [F, kh, kw, C] floats.
  // Depthwise: [F, kh, kw, 1] int32.
  ConstTensor packed;
  packed.isFloat = isFloat;
  // Depthwise: cg input channels per output channel (1, or the sh * sw
  // phases of a space-to-depth regrouping), output channel f reading
  // channels f cg .. f cg + cg - 1.
  int64_t wc4 = dw ? cg : cgSlots;
  packed.shape = {fN, kh, kw, wc4 * slot};
  // f32 in the channel-outer order (below): the weights of 4 output
  // channels interleaved, [ceil(F / 4), C, kh, kw, 4], so that a tile of 4
  // rows reads one sequential stream of them, not 4 streams a plane apart
  // (160 distinct 1x1 256->256 convs at 14x14: weights from memory cost
  // 16% over warm ones in 4 streams).
  bool rowQuads = isFloat && !dw && !s2d;
  if (rowQuads)
    packed.shape = {(fN + 3) / 4, cg, kh, kw, 4};
  if (isFloat)
    packed.f.assign((rowQuads ? (fN + 3) / 4 * 4 : fN) * kh * kw * wc4 * slot, 0.0);
  else
    packed.i.assign(fN * kh * kw * wc4 * slot, 0);
  for (int64_t f = 0; f < fN; ++f)
    for (int64_t c = 0; c < cg; ++c)
      for (int64_t i = 0; i < kh; ++i)
        for (int64_t j = 0; j < kw; ++j) {
          int64_t from = ((f * cg + c) * kh + i) * kw + j,
                  to = ((f * kh + i) * kw + j) * wc4 * slot + c;
          if (rowQuads)
            to = (((f / 4 * cg + c) * kh + i) * kw + j) * 4 + f % 4;
          if (isFloat)
            packed.f[to] = (*spec.fw)[from];
          else
            packed.i[to] = resW.empty() ? w[from] : avx2SignMain(w[from]);
        }
  // Depthwise taps (phase, i, j) with a non-zero weight for some channel.
  std::vector<bool> tapUsed(cg * kh * kw, true);
  if (dw)
    for (int64_t t = 0; t < cg * kh * kw; ++t) {
      int64_t ph = t / (kh * kw), i = t / kw % kh, j = t % kw;
      bool any = false;
      for (int64_t f = 0; f < fN && !any; ++f) {
        int64_t at = ((f * kh + i) * kw + j) * wc4 + ph;
        any = isFloat ? packed.f[at] != 0.0 : packed.i[at] != 0;
      }
      tapUsed[t] = any;
    }
  auto pT = RankedTensorType::get(packed.shape, dw && !isFloat ? i32 : el);
  Value wc = arith::ConstantOp::create(b, loc, pT, cast<TypedAttr>(packed.write(pT)));
  // The residual in the same layout, and which (channel, tap) has one.
  Value resT, resTaps;
  if (!resW.empty()) {
    ConstTensor rp, rt;
    rp.shape = packed.shape;
    rp.i.assign(packed.i.size(), 0);
    rt.shape = {fN, kh, kw};
    rt.i.assign(fN * kh * kw, 0);
    for (int64_t f = 0; f < fN; ++f)
      for (int64_t c = 0; c < cg; ++c)
        for (int64_t i = 0; i < kh; ++i)
          for (int64_t j = 0; j < kw; ++j) {
            int64_t from = ((f * cg + c) * kh + i) * kw + j;
            if (!resW[from])
              continue;
            rp.i[((f * kh + i) * kw + j) * wc4 * slot + c] = resW[from];
            rt.i[(f * kh + i) * kw + j] = 1;
          }
    resT = arith::ConstantOp::create(b, loc, pT, cast<TypedAttr>(rp.write(pT)));
    auto rtT = RankedTensorType::get(rt.shape, i8);
    resTaps = arith::ConstantOp::create(b, loc, rtT, cast<TypedAttr>(rt.write(rtT)));
  }
  Value biasT = isFloat ? vectorConstF32(b, loc, spec.fbias) : vectorConstI32(b, loc, bias);
  SmallVector<Value> epiT;
  bool guard = false, roundByAdd = false;
  if (!isFloat) {
    epiT = epi.constants(b, loc, fN);
    guard = productMayOverflow(epi, w, fN, cg * kh * kw, u8Bias);
    roundByAdd = fixedPointRoundsByAdd(epi, w, fN, cg * kh * kw, u8Bias);
  }
  bool direct = ow >= 16 || flat; // NCHW stores (else on the grid, sliced)
  // Masked taps (flat rows with side padding): colSum[f][j] is what the
  // padding would have added through tap column j, padU * sum of
  // w[f][c][i][j] over c and i (int32 with wrap-around, as the sums); none
  // when the pad byte is 0 (uint8 inputs with zero point 0, as after ReLU).
  bool masked = flat && (pl > 0 || pr > 0);
  bool corrected = masked && !isFloat && padVal != 0;
  // tapSum[f][i][j]: what the pad byte adds through tap (i, j), padU * sum
  // of w[f][c][i][j] over c (int8 with a non-zero pad byte; the tap-row
  // skip below uses it too).
  std::vector<uint32_t> tapSum;
  if (!isFloat && padVal != 0) {
    tapSum.assign(fN * kh * kw, 0);
    for (int64_t f = 0; f < fN; ++f)
      for (int64_t c = 0; c < cg; ++c)
        for (int64_t i = 0; i < kh; ++i)
          for (int64_t j = 0; j < kw; ++j)
            tapSum[(f * kh + i) * kw + j] +=
                (uint32_t)(padVal * w[((f * cg + c) * kh + i) * kw + j]);
  }
  std::vector<uint32_t> colSum;
  if (corrected) {
    colSum.assign(fN * kw, 0);
    for (int64_t f = 0; f < fN; ++f)
      for (int64_t i = 0; i < kh; ++i)
        for (int64_t j = 0; j < kw; ++j)
          colSum[f * kw + j] += tapSum[(f * kh + i) * kw + j];
  }
  // The corrections as starting accumulators instead: a vector's lanes have
  // columns (16 v + lane) mod S, which repeat every P = S / gcd(16, S)
  // vectors, so initT[f][v mod P] = bias[f] + the lost columns' colSum
  // (a vector load in place of masked adds after the loop), when the table
  // is at most 256 KB (conv3x3 56x56x64: 0.227-0.238 -> 0.225-0.228 ms).
  int64_t period = S / std::gcd<int64_t>(16, S);
  Value initT, colSumT;
  // The lane masks of unrolled tap columns, maskT[v mod P][j] (bit l: lane
  // l of vector v reads tap column j inside the row), so that a tile loads
  // them instead of computing the lanes' columns.
  Value maskT;
  if (masked && kw <= 5 && period * kw <= 4096) {
    ConstTensor mt;
    mt.shape = {period, kw};
    for (int64_t v = 0; v < period; ++v)
      for (int64_t j = 0; j < kw; ++j) {
        uint32_t bits = 0;
        for (int64_t lane = 0; lane < 16; ++lane) {
          int64_t x = (16 * v + lane) % S, lo = pl - j * dil[1];
          if (x >= lo && x < lo + iw)
            bits |= 1u << lane;
        }
        mt.i.push_back((int16_t)bits);
      }
    auto mtT = RankedTensorType::get(mt.shape, b.getI16Type());
    maskT = arith::ConstantOp::create(b, loc, mtT, cast<TypedAttr>(mt.write(mtT)));
  }
  if (corrected && fN * period * 64 <= (256 << 10)) {
    ConstTensor it;
    it.shape = {fN, period, 16};
    it.i.assign(fN * period * 16, 0);
    for (int64_t f = 0; f < fN; ++f)
      for (int64_t v = 0; v < period; ++v)
        for (int64_t lane = 0; lane < 16; ++lane) {
          int64_t x = (16 * v + lane) % S;
          uint32_t sum = (uint32_t)bias[f];
          for (int64_t j = 0; j < kw; ++j) {
            int64_t lo = pl - j * dil[1];
            if (x < lo || x >= lo + iw)
              sum += colSum[f * kw + j];
          }
          it.i[(f * period + v) * 16 + lane] = (int32_t)sum;
        }
    auto itT = RankedTensorType::get(it.shape, i32);
    initT = arith::ConstantOp::create(b, loc, itT, cast<TypedAttr>(it.write(itT)));
  } else if (corrected) {
    ConstTensor cs;
    cs.shape = {fN, kw};
    for (uint32_t u : colSum) // int32 with wrap-around, as the sums
      cs.i.push_back((int32_t)u);
    auto csT = RankedTensorType::get(cs.shape, i32);
    colSumT = arith::ConstantOp::create(b, loc, csT, cast<TypedAttr>(cs.write(csT)));
  }
  // v mod P for each pixel vector v: a load instead of a division per
  // vector and tile.
  Value patT;
  if (initT || maskT) {
    ConstTensor pt;
    pt.shape = {vecs};
    for (int64_t v = 0; v < vecs; ++v)
      pt.i.push_back(v % period);
    auto ptT = RankedTensorType::get(pt.shape, i32);
    patT = arith::ConstantOp::create(b, loc, ptT, cast<TypedAttr>(pt.write(ptT)));
  }
  // Tap rows that lie wholly in the top or bottom padding for every output
  // pixel of a vector (the first and last vectors of a large image) are
  // left out of that vector's products, as oneDNN skips padding taps
  // (conv3x3 56x56: 1% of the vpdpbusd). The pad bytes they would have
  // read (padU * w, int8) are added back from corrT[f][k] for the k-th
  // such vector, per lane: in same-padded rows a lane whose tap column is
  // masked got no product for it anyway.
  auto rowSkipped = [&](int64_t v, int64_t i) {
    if (dw)
      return false;
    bool anyValid = false;
    for (int64_t lane = 0; lane < 16; ++lane) {
      int64_t p = 16 * v + lane, y = p / S, x = p % S;
      if (y >= oh || x >= ow)
        continue; // not an output pixel
      anyValid = true;
      int64_t in = y + i * dil[0] - pt;
      if (in >= 0 && in < ih)
        return false;
    }
    return anyValid;
  };
  bool skipNeedsCorr = !isFloat && padVal != 0;
  std::vector<int64_t> skipVecs; // vectors with a skipped tap row
  for (int64_t v = 0; v < vecs; ++v)
    for (int64_t i = 0; i < kh; ++i)
      if (rowSkipped(v, i)) {
        skipVecs.push_back(v);
        break;
      }
  bool skipRows = !skipVecs.empty() && kh > 1 &&
                  (!skipNeedsCorr || fN * (int64_t)skipVecs.size() * 64 <= (256 << 10));
  Value corrT;
  if (skipRows && skipNeedsCorr) {
    ConstTensor ct;
    int64_t K = skipVecs.size();
    ct.shape = {fN, K, 16};
    ct.i.assign(fN * K * 16, 0);
    for (int64_t k = 0; k < K; ++k) {
      int64_t v = skipVecs[k];
      for (int64_t i = 0; i < kh; ++i) {
        if (!rowSkipped(v, i))
          continue;
        for (int64_t lane = 0; lane < 16; ++lane) {
          int64_t x = (16 * v + lane) % S;
          for (int64_t j = 0; j < kw; ++j) {
            int64_t lo = pl - j * dil[1];
            if (masked && (x < lo || x >= lo + iw))
              continue; // a masked lane: no product to make up for
            for (int64_t f = 0; f < fN; ++f) {
              int64_t at = (f * K + k) * 16 + lane;
              ct.i[at] = (int32_t)((uint32_t)ct.i[at] + tapSum[(f * kh + i) * kw + j]);
            }
          }
        }
      }
    }
    auto ctT = RankedTensorType::get(ct.shape, i32);
    corrT = arith::ConstantOp::create(b, loc, ctT, cast<TypedAttr>(ct.write(ctT)));
  }
  auto tileSkips = [&](int64_t v0, int64_t cols) {
    if (!skipRows)
      return false;
    for (int64_t v : skipVecs)
      if (v >= v0 && v < v0 + cols)
        return true;
    return false;
  };
  const MaxPoolEpilogue *pool = spec.pool;
  assert((!pool || (isFloat && flat && vecs <= 6 && spec.zmm && !dw)) &&
         "the pool epilogue needs whole f32 images in one tile");
  std::optional<FlatRows> padOut = spec.padOut;
  assert((!padOut || (isFloat && flat && !pool)) && "padded output rows need f32 flat rows");
  const ResidualEpilogue *residual = spec.residual;
  assert((!residual || (isFloat && flat && !pool && !padOut)) &&
         "the residual epilogue needs f32 flat rows");
  // The residual's planes, flat: output pixel p is element p.
  Value resFlat;
  if (residual)
    resFlat = tensor::CollapseShapeOp::create(b, loc, RankedTensorType::get({nN, fN, oh * ow}, el),
                                              residual->x,
                                              SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
  Value out = emptyLike(b, loc,
                        {nN, fN,
                         padOut   ? padOut->total
                         : pool   ? pool->outH * pool->outW
                         : direct ? oh * ow
                                  : p16},
                        el);
  // Where output pixel p goes along the last dimension.
  auto outAt = [&](OpBuilder &sb, Location sl, Value p) -> Value {
    return padOut ? arith::AddIOp::create(sb, sl, p, idx(sb, sl, padOut->offset)).getResult() : p;
  };
  SmallVector<int32_t> iotaV;
  for (int32_t l = 0; l < 16; ++l)
    iotaV.push_back(l);
  Value iota = arith::ConstantOp::create(
      b, loc, v16, DenseElementsAttr::get(v16, ArrayRef<int32_t>(iotaV)));

  // One tile: output channels [f0, f0 + rows), pixel vectors [v0, v0 + cols)
  // of image `n`.
  auto splatI32 = [&](OpBuilder &sb, Location sl, Value v) -> Value {
    if (v.getType().isIndex())
      v = arith::IndexCastOp::create(sb, sl, i32, v);
    return vector::BroadcastOp::create(sb, sl, v16, v);
  };
  // Whether each lane's input column x + j * dw - left pad (x: the lanes'
  // output columns `xcol`) lies in [0, IW), for tap column j.
  auto tapInRow = [&](OpBuilder &sb, Location sl, Value xcol, Value j) -> Value {
    Value lo = arith::SubIOp::create(sb, sl, idx(sb, sl, pl),
                                     arith::MulIOp::create(sb, sl, j, idx(sb, sl, dil[1])));
    Value hi = arith::AddIOp::create(sb, sl, lo, idx(sb, sl, iw));
    return arith::AndIOp::create(
        sb, sl, arith::CmpIOp::create(sb, sl, arith::CmpIPredicate::sge, xcol, splatI32(sb, sl, lo)),
        arith::CmpIOp::create(sb, sl, arith::CmpIPredicate::slt, xcol, splatI32(sb, sl, hi)));
  };
  // The fused activation of a float convolution.
  auto floatAct = [&](OpBuilder &eb, Location el2, Value v) -> Value {
    return floatActivation(eb, el2, v, spec.act, spec.lo, spec.hi);
  };
  // With `full`, the tile's pixel vectors lie inside the output.
  auto tile = [&](OpBuilder &tb, Location l, Value n, Value f0, Value v0,
                  int64_t rows, int64_t cols, bool full, Value cur,
                  std::optional<int64_t> v0c = std::nullopt) -> Value {
    SmallVector<Value> fs, pix, accs;
    // skip[i][c]: tap row i is left out of vector c (tiles at a known v0).
    SmallVector<SmallVector<bool>> skip(kh, SmallVector<bool>(cols, false));
    bool anySkip = false;
    if (v0c && tileSkips(*v0c, cols))
      for (int64_t i = 0; i < kh; ++i)
        for (int64_t c = 0; c < cols; ++c)
          anySkip |= skip[i][c] = rowSkipped(*v0c + c, i);
    Value pad8 = cstInt(tb, l, 0, i8);
    for (int64_t r = 0; r < rows; ++r)
      fs.push_back(arith::AddIOp::create(tb, l, f0, idx(tb, l, r)));
    // Row f in the rowQuads weight: (f / 4, f % 4).
    SmallVector<std::pair<Value, Value>> fq;
    if (rowQuads)
      for (int64_t r = 0; r < rows; ++r)
        fq.push_back({arith::DivUIOp::create(tb, l, fs[r], idx(tb, l, 4)),
                      arith::RemUIOp::create(tb, l, fs[r], idx(tb, l, 4))});
    // The tile's rows are in one group; its channels start at this slot.
    Value groupSlot0;
    if (groups > 1)
      groupSlot0 = arith::MulIOp::create(
          tb, l, arith::DivUIOp::create(tb, l, f0, idx(tb, l, mgPer)), idx(tb, l, cgSlots));
    for (int64_t c = 0; c < cols; ++c)
      pix.push_back(arith::MulIOp::create(
          tb, l, arith::AddIOp::create(tb, l, v0, idx(tb, l, c)), idx(tb, l, 16)));
    // The output column of each lane (a vector wraps at most 15 / S times).
    SmallVector<Value> xcol;
    if (masked && (!maskT || colSumT))
      for (int64_t c = 0; c < cols; ++c) {
        Value x0 = arith::RemUIOp::create(tb, l, pix[c], idx(tb, l, S));
        Value xv = arith::AddIOp::create(tb, l, splatI32(tb, l, x0), iota);
        Value sv = splatI32(tb, l, idx(tb, l, S));
        for (int64_t wrapN = 0; wrapN < (S + 14) / S; ++wrapN) {
          Value wrap = arith::CmpIOp::create(tb, l, arith::CmpIPredicate::sge, xv, sv);
          xv = arith::SelectOp::create(tb, l, wrap, arith::SubIOp::create(tb, l, xv, sv), xv);
        }
        xcol.push_back(xv);
      }
    SmallVector<Value> pat;
    if (initT || maskT)
      for (int64_t c = 0; c < cols; ++c) {
        Value v = arith::AddIOp::create(tb, l, v0, idx(tb, l, c));
        pat.push_back(arith::IndexCastOp::create(
            tb, l, tb.getIndexType(), tensor::ExtractOp::create(tb, l, patT, ValueRange{v})));
      }
    for (int64_t r = 0; r < rows; ++r) {
      if (initT) {
        Value z32 = cstInt(tb, l, 0, i32);
        for (int64_t c = 0; c < cols; ++c)
          accs.push_back(vector::TransferReadOp::create(
              tb, l, v16, initT, ValueRange{fs[r], pat[c], idx(tb, l, 0)}, z32,
              ArrayRef<bool>{true}));
        continue;
      }
      // f32 sums start from zero and take the bias after the reduction
      // (MLAS's order, so that calibration sees ONNX Runtime's values).
      Value bs;
      if (isFloat)
        bs = arith::ConstantOp::create(tb, l, f16, DenseElementsAttr::get(f16, 0.0f));
      else
        bs = vector::BroadcastOp::create(
            tb, l, vacc, tensor::ExtractOp::create(tb, l, biasT, ValueRange{fs[r]}));
      for (int64_t c = 0; c < cols; ++c)
        accs.push_back(bs);
    }
    if (anySkip && corrT)
      for (int64_t c = 0; c < cols; ++c) {
        auto it = llvm::find(skipVecs, *v0c + c);
        if (it == skipVecs.end())
          continue;
        Value k = idx(tb, l, it - skipVecs.begin()), z32 = cstInt(tb, l, 0, i32);
        for (int64_t r = 0; r < rows; ++r) {
          Value corr = vector::TransferReadOp::create(
              tb, l, v16, corrT, ValueRange{fs[r], k, idx(tb, l, 0)}, z32, ArrayRef<bool>{true});
          accs[r * cols + c] = arith::AddIOp::create(tb, l, accs[r * cols + c], corr);
        }
      }
    // The lanes of each pixel vector whose tap column j lies in the row.
    auto tapMasks = [&](OpBuilder &jb, Location jl, Value j,
                        std::optional<int64_t> jc) -> SmallVector<Value> {
      SmallVector<Value> masks;
      for (int64_t c = 0; c < cols; ++c) {
        if (maskT && jc) {
          Value bits =
              tensor::ExtractOp::create(jb, jl, maskT, ValueRange{pat[c], idx(jb, jl, *jc)});
          Value v1b =
              vector::BroadcastOp::create(jb, jl, VectorType::get({1}, jb.getI16Type()), bits);
          masks.push_back(
              vector::BitCastOp::create(jb, jl, VectorType::get({16}, jb.getI1Type()), v1b));
          continue;
        }
        masks.push_back(tapInRow(jb, jl, xcol[c], j));
      }
      return masks;
    };
    // f32 (not depthwise) reduces in ONNX Runtime's order, input channel
    // outermost and then the kernel rows and columns (MLAS's im2col
    // GEMM: k = (c, i, j)); int8 sums are exact in any order and run
    // channels innermost, and so do f32 kernels regrouped by space-to-depth
    // (whose taps are not in that order anyway). `chanQ` is the channel of
    // the taps below; the masks of the unrolled tap columns are made once
    // per tile.
    bool chanOuter = isFloat && !dw && !s2d;
    Value chanQ;
    SmallVector<SmallVector<Value>> maskCache;
    if (chanOuter && masked && kw <= 5)
      for (int64_t jc = 0; jc < kw; ++jc)
        maskCache.push_back(tapMasks(tb, l, idx(tb, l, jc), jc));
    auto rowBody = [&](OpBuilder &ib, Location il, Value i, std::optional<int64_t> ic,
                       ValueRange a1) -> SmallVector<Value> {
      Value rowOff = arith::MulIOp::create(ib, il, i, idx(ib, il, dil[0] * S));
      // Tap column j (`jc` when known here): masks only where some output
      // column loses it.
      auto column = [&](OpBuilder &jb, Location jl, Value j, std::optional<int64_t> jc,
                        ValueRange a2) -> SmallVector<Value> {
        Value xoff = arith::AddIOp::create(
            jb, jl, rowOff,
            arith::AddIOp::create(jb, jl, arith::MulIOp::create(jb, jl, j, idx(jb, jl, dil[1])),
                                  idx(jb, jl, M - pl)));
        bool useMask = masked && (!jc || pl - *jc * dil[1] > 0 || iw + pl - *jc * dil[1] < ow);
        SmallVector<Value> masks;
        if (useMask)
          masks = jc && !maskCache.empty() ? maskCache[*jc] : tapMasks(jb, jl, j, jc);
        if (dw) { // acc += x * w[f][i][j], each row its own channel(s)
          SmallVector<Value> next(a2.begin(), a2.end());
          Value pad0 = padScalar(jb, jl);
          for (int64_t ph = 0; ph < cg; ++ph) {
            // Taps whose weight is 0 for every channel (those past the
            // kernel after space-to-depth) are left out.
            if (ic && jc && !tapUsed[(ph * kh + *ic) * kw + *jc])
              continue;
            for (int64_t r = 0; r < rows; ++r) {
            Value wv = tensor::ExtractOp::create(jb, jl, wc,
                                                 ValueRange{fs[r], i, j, idx(jb, jl, ph)});
            Value wb = vector::BroadcastOp::create(jb, jl, vacc, wv);
            Value ch = fs[r];
            if (cg > 1)
              ch = arith::AddIOp::create(
                  jb, jl, arith::MulIOp::create(jb, jl, fs[r], idx(jb, jl, cg)),
                  idx(jb, jl, ph));
            for (int64_t c = 0; c < cols; ++c) {
              Value px = arith::AddIOp::create(jb, jl, pix[c], xoff);
              Value xv = vector::TransferReadOp::create(jb, jl, vin, xf,
                                                        ValueRange{n, ch, px}, pad0,
                                                        ArrayRef<bool>{true});
              Value acc = next[r * cols + c];
              Value d = isFloat
                            ? (Value)vector::FMAOp::create(jb, jl, xv, wb, acc)
                            : (Value)arith::AddIOp::create(
                                  jb, jl, acc,
                                  arith::MulIOp::create(
                                      jb, jl, arith::ExtUIOp::create(jb, jl, v16, xv), wb));
              if (useMask)
                d = arith::SelectOp::create(jb, jl, masks[c], d, acc);
              next[r * cols + c] = d;
            }
            }
          }
          return next;
        }
        // The products over the tile's channel quads with weight `wT` (the
        // packed weight, or the residual of the AVX2 sign form).
        auto quads = [&](OpBuilder &lb, Location ll, Value wT,
                         ValueRange init) -> SmallVector<Value> {
        auto step = [&](OpBuilder &kb, Location kl, Value q, ValueRange a3) {
          SmallVector<Value> acts(cols), next(a3.begin(), a3.end());
          Value padIn = isFloat ? padScalar(kb, kl) : pad8;
          Value qIn = q; // the slot in the regrouped input: in the tile's group
          if (groups > 1)
            qIn = arith::AddIOp::create(kb, kl, groupSlot0, q);
          // Vectors whose products of this tap row are left out.
          auto skipped = [&](int64_t c) { return ic && skip[*ic][c]; };
          for (int64_t c = 0; c < cols; ++c) {
            if (skipped(c))
              continue;
            Value px = arith::AddIOp::create(kb, kl, pix[c], xoff);
            Value off = arith::MulIOp::create(kb, kl, px, idx(kb, kl, slot));
            acts[c] = vector::TransferReadOp::create(kb, kl, vin, xf, ValueRange{n, qIn, off},
                                                     padIn, ArrayRef<bool>{!rawPlanes || full});
            // Lanes whose tap lies in the side padding read zeros (a
            // zero-masked load shared by the tile's rows; masking each
            // vpdpbusd instead fails to fold when the mask is a constant,
            // as in tiles at a known v0).
            if (useMask) {
              if (isFloat) {
                acts[c] = arith::SelectOp::create(
                    kb, kl, masks[c], acts[c],
                    arith::ConstantOp::create(kb, kl, f16, DenseElementsAttr::get(f16, 0.0f)));
              } else {
                Value d = vector::BitCastOp::create(kb, kl, v16, acts[c]);
                d = arith::SelectOp::create(
                    kb, kl, masks[c], d,
                    arith::ConstantOp::create(kb, kl, v16, DenseElementsAttr::get(v16, 0)));
                acts[c] = vector::BitCastOp::create(kb, kl, vin, d);
              }
            }
          }
          if (isFloat) { // acc += x * w[f][i][j][c], the weight broadcast
            for (int64_t r = 0; r < rows; ++r) {
              Value wv = rowQuads
                             ? tensor::ExtractOp::create(
                                   kb, kl, wc, ValueRange{fq[r].first, q, i, j, fq[r].second})
                             : tensor::ExtractOp::create(kb, kl, wc, ValueRange{fs[r], i, j, q});
              Value wb = vector::BroadcastOp::create(kb, kl, f16, wv);
              for (int64_t c = 0; c < cols; ++c) {
                if (skipped(c))
                  continue;
                Value acc = a3[r * cols + c];
                next[r * cols + c] = vector::FMAOp::create(kb, kl, acts[c], wb, acc);
              }
            }
            return next;
          }
          Value q4 = arith::MulIOp::create(kb, kl, q, idx(kb, kl, 4));
          for (int64_t r = 0; r < rows; ++r) {
            Value w4 = vector::TransferReadOp::create(kb, kl, v4, wT,
                                                      ValueRange{fs[r], i, j, q4}, pad8,
                                                      ArrayRef<bool>{true});
            Value w1 = vector::BitCastOp::create(kb, kl, v1, w4);
            Value sc = vector::ExtractOp::create(kb, kl, w1, ArrayRef<int64_t>{0});
            Value wb = vector::BroadcastOp::create(kb, kl, v16, sc);
            for (int64_t c = 0; c < cols; ++c) {
              if (skipped(c))
                continue;
              Value acc = a3[r * cols + c];
              auto dot = Dot4Op::create(kb, kl, v16, acc,
                                        vector::BitCastOp::create(kb, kl, v16, acts[c]), wb);
              if (!avx2Form.empty())
                dot->setAttr("octet_cpu.avx2", kb.getStringAttr(avx2Form));
              next[r * cols + c] = dot;
            }
          }
          return next;
        };
        if (chanQ)
          return step(lb, ll, chanQ, init);
        return SmallVector<Value>(loop(lb, ll, 0, cgSlots, 1, init, step));
        };
        SmallVector<Value> out = quads(jb, jl, wc, a2);
        if (!resT)
          return out;
        // The residual's products, for the tiles and taps that have one
        // (a few: the -128 weights of the sign form).
        Value any;
        for (int64_t r = 0; r < rows; ++r) {
          Value h = tensor::ExtractOp::create(jb, jl, resTaps, ValueRange{fs[r], i, j});
          Value nz = arith::CmpIOp::create(jb, jl, arith::CmpIPredicate::ne, h,
                                           cstInt(jb, jl, 0, i8));
          any = any ? arith::OrIOp::create(jb, jl, any, nz).getResult() : nz;
        }
        auto ifOp = scf::IfOp::create(
            jb, jl, any,
            [&](OpBuilder &tb2, Location tl) {
              scf::YieldOp::create(tb2, tl, quads(tb2, tl, resT, out));
            },
            [&](OpBuilder &eb, Location el2) { scf::YieldOp::create(eb, el2, out); });
        return SmallVector<Value>(ifOp.getResults());
      };
      // Narrow kernels unroll the tap columns, so that the masks are
      // constant per tile and the centre columns go unmasked.
      if (kw <= 5) {
        SmallVector<Value> cur(a1.begin(), a1.end());
        for (int64_t jc = 0; jc < kw; ++jc)
          cur = column(ib, il, idx(ib, il, jc), jc, cur);
        return cur;
      }
      return SmallVector<Value>(loop(ib, il, 0, kw, 1, a1, [&](OpBuilder &jb, Location jl,
                                                                Value j, ValueRange a2) {
        return column(jb, jl, j, std::nullopt, a2);
      }));
    };
    auto kernelRows = [&](OpBuilder &kb, Location kl, ValueRange init) -> SmallVector<Value> {
      SmallVector<Value> red;
      // Kernel rows unrolled, so that zero or skipped taps are known; and
      // per channel (f32's channel-outer order) for kernels of up to 5x5.
      if ((dw && cg > 1) || anySkip || (chanOuter && kh * kw <= 25)) {
        red.assign(init.begin(), init.end());
        for (int64_t ic = 0; ic < kh; ++ic)
          if (!llvm::all_of(skip[ic], [](bool v) { return v; }))
            red = rowBody(kb, kl, idx(kb, kl, ic), ic, red);
        return red;
      }
      return SmallVector<Value>(loop(kb, kl, 0, kh, 1, init, [&](OpBuilder &ib, Location il,
                                                                 Value i, ValueRange a1) {
        return rowBody(ib, il, i, std::nullopt, a1);
      }));
    };
    // The residual's vectors of this tile, asked for now and read in the
    // epilogue: the products hide the latency of a tensor last written
    // three layers before (resnet50's 1x1 expansions with their Add read
    // 3.2 MB each from L3).
    if (residual)
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < cols; ++c)
          PrefetchOp::create(
              tb, l, resFlat,
              ValueRange{n, fs[r], arith::MinUIOp::create(tb, l, pix[c], idx(tb, l, oh * ow - 1))});
    SmallVector<Value> red;
    if (chanOuter)
      red = loop(tb, l, 0, cgSlots, 1, accs, [&](OpBuilder &qb, Location ql, Value q,
                                               ValueRange a0) {
        chanQ = q;
        SmallVector<Value> r = kernelRows(qb, ql, a0);
        chanQ = Value();
        return r;
      });
    else
      red = kernelRows(tb, l, accs);
    SmallVector<Value> accs2(red.begin(), red.end());
    if (isFloat) // the bias after the sums
      for (int64_t r = 0; r < rows; ++r) {
        Value bs = vector::BroadcastOp::create(
            tb, l, vacc, tensor::ExtractOp::create(tb, l, biasT, ValueRange{fs[r]}));
        for (int64_t c = 0; c < cols; ++c)
          accs2[r * cols + c] = arith::AddFOp::create(tb, l, accs2[r * cols + c], bs);
      }
    if (colSumT)
      for (int64_t j = 0; j < kw; ++j) {
        int64_t lo = pl - j * dil[1], hi = lo + iw;
        if (lo <= 0 && hi >= ow)
          continue; // no output column loses tap column j
        for (int64_t c = 0; c < cols; ++c) {
          Value lost = arith::XOrIOp::create(
              tb, l, tapInRow(tb, l, xcol[c], idx(tb, l, j)),
              arith::ConstantOp::create(
                  tb, l, DenseElementsAttr::get(VectorType::get({16}, tb.getI1Type()), true)));
          for (int64_t r = 0; r < rows; ++r) {
            Value cs = tensor::ExtractOp::create(tb, l, colSumT,
                                                 ValueRange{fs[r], idx(tb, l, j)});
            Value &acc = accs2[r * cols + c];
            acc = arith::SelectOp::create(
                tb, l, lost,
                arith::AddIOp::create(tb, l, acc, vector::BroadcastOp::create(tb, l, v16, cs)),
                acc);
          }
        }
      }
    // Where each pixel vector goes in NCHW: the part of it in output row
    // y0 + t (t = 0, 1) is lanes [lo, hi), stored from flat index base.
    struct Part {
      Value base, mask;
    };
    SmallVector<SmallVector<Part, 2>> parts(cols);
    if (direct && !flat)
      for (int64_t c = 0; c < cols; ++c) {
        Value y0 = arith::DivUIOp::create(tb, l, pix[c], idx(tb, l, S));
        for (int64_t t = 0; t < 2; ++t) {
          Value y = arith::AddIOp::create(tb, l, y0, idx(tb, l, t));
          Value start = arith::SubIOp::create(
              tb, l, arith::MulIOp::create(tb, l, y, idx(tb, l, S)), pix[c]);
          Value lo = arith::MaxSIOp::create(tb, l, start, idx(tb, l, 0));
          Value hi = arith::MinSIOp::create(
              tb, l, arith::AddIOp::create(tb, l, start, idx(tb, l, ow)), idx(tb, l, 16));
          // Lanes past the last output row (the tail of the last vector)
          // are not stored: their flat index would land in the next
          // channel's plane.
          Value inside =
              arith::CmpIOp::create(tb, l, arith::CmpIPredicate::slt, y, idx(tb, l, oh));
          hi = arith::SelectOp::create(tb, l, inside, hi, lo);
          auto splat = [&](Value v) -> Value {
            return vector::BroadcastOp::create(
                tb, l, v16, arith::IndexCastOp::create(tb, l, i32, v));
          };
          Value mask = arith::AndIOp::create(
              tb, l,
              arith::CmpIOp::create(tb, l, arith::CmpIPredicate::sge, iota, splat(lo)),
              arith::CmpIOp::create(tb, l, arith::CmpIPredicate::slt, iota, splat(hi)));
          // base = p0 - y * (S - OW) (clamped at 0: only empty parts fall below).
          Value base = arith::SubIOp::create(
              tb, l, pix[c], arith::MulIOp::create(tb, l, y, idx(tb, l, S - ow)));
          base = arith::MaxSIOp::create(tb, l, base, idx(tb, l, 0));
          parts[c].push_back({base, mask});
        }
      }
    // The pool epilogue: the tile's vectors of each channel are its whole
    // output plane (pixel p in lane p % 16 of vector p / 16), one vector
    // of the plane; the window is taken separably, a constant shuffle per
    // window row (the rows it reads, whole) and then per window column
    // (kh + kw shuffles, each from fewer registers than a shuffle per tap),
    // taps in the padding picking a lane of -inf, and the pooled plane is
    // one store.
    if (pool) {
      Value negInf = arith::ConstantOp::create(
          tb, l, f16, DenseElementsAttr::get(f16, -std::numeric_limits<float>::infinity()));
      // `vs` as one vector (pairwise concatenations), with a vector of -inf
      // after them when `withInf`; `len` its lanes before that.
      auto concat = [&](SmallVector<Value> vs, bool withInf) -> Value {
        if (withInf)
          vs.push_back(negInf);
        while (vs.size() > 1) {
          SmallVector<Value> next;
          for (size_t k = 0; k + 1 < vs.size(); k += 2) {
            int64_t la = cast<VectorType>(vs[k].getType()).getNumElements(),
                    lb = cast<VectorType>(vs[k + 1].getType()).getNumElements();
            next.push_back(vector::ShuffleOp::create(
                tb, l, vs[k], vs[k + 1], llvm::to_vector(llvm::seq<int64_t>(0, la + lb))));
          }
          if (vs.size() % 2)
            next.push_back(vs.back());
          vs = std::move(next);
        }
        return vs[0];
      };
      int64_t ph = pool->outH, pw = pool->outW;
      auto rowOf = [&](int64_t y, int64_t i) {
        return y * pool->strides[0] + i * pool->dilations[0] - pool->padTop;
      };
      auto colOf = [&](int64_t x2, int64_t j) {
        return x2 * pool->strides[1] + j * pool->dilations[1] - pool->padLeft;
      };
      bool rowPad = false, colPad = false;
      for (int64_t y = 0; y < ph; ++y)
        for (int64_t i = 0; i < pool->kernel[0]; ++i)
          rowPad |= rowOf(y, i) < 0 || rowOf(y, i) >= oh;
      for (int64_t x2 = 0; x2 < pw; ++x2)
        for (int64_t j = 0; j < pool->kernel[1]; ++j)
          colPad |= colOf(x2, j) < 0 || colOf(x2, j) >= ow;
      for (int64_t r = 0; r < rows; ++r) {
        SmallVector<Value> parts;
        for (int64_t c = 0; c < cols; ++c)
          parts.push_back(floatAct(tb, l, accs2[r * cols + c]));
        Value plane = concat(parts, rowPad), rowsMax;
        for (int64_t i = 0; i < pool->kernel[0]; ++i) {
          SmallVector<int64_t> pick; // [ph][ow]: window row i of each pooled row
          for (int64_t y = 0; y < ph; ++y)
            for (int64_t x2 = 0; x2 < ow; ++x2) {
              int64_t py = rowOf(y, i);
              pick.push_back(py >= 0 && py < oh ? py * ow + x2 : cols * 16);
            }
          Value v = vector::ShuffleOp::create(tb, l, plane, plane, pick);
          rowsMax = rowsMax ? (Value)arith::MaximumFOp::create(tb, l, rowsMax, v) : v;
        }
        if (colPad)
          rowsMax = concat({rowsMax}, true);
        Value m;
        for (int64_t j = 0; j < pool->kernel[1]; ++j) {
          SmallVector<int64_t> pick; // [ph][pw]
          for (int64_t y = 0; y < ph; ++y)
            for (int64_t x2 = 0; x2 < pw; ++x2) {
              int64_t px = colOf(x2, j);
              pick.push_back(px >= 0 && px < ow ? y * ow + px : ph * ow);
            }
          Value v = vector::ShuffleOp::create(tb, l, rowsMax, rowsMax, pick);
          m = m ? (Value)arith::MaximumFOp::create(tb, l, m, v) : v;
        }
        cur = vector::TransferWriteOp::create(tb, l, m, cur, ValueRange{n, fs[r], idx(tb, l, 0)},
                                              ArrayRef<bool>{true})
                  .getResult();
      }
      return cur;
    }
    for (int64_t r = 0; r < rows; ++r) {
      SmallVector<Value> mv;
      if (!isFloat)
        mv = epi.vectors(tb, l, epiT, fs[r], /*perLane=*/false);
      if (!isFloat && flat && cols == 4 && full) { // 64 contiguous output bytes
        SmallVector<Value> four(accs2.begin() + r * cols, accs2.begin() + r * cols + 4);
        SmallVector<SmallVector<Value>> params(4, mv);
        Value v = vnniRequant4(tb, l, four, params, epi, guard, roundByAdd);
        cur = vector::TransferWriteOp::create(tb, l, v, cur, ValueRange{n, fs[r], pix[0]},
                                              ArrayRef<bool>{true})
                  .getResult();
        continue;
      }
      for (int64_t c = 0; c < cols; ++c) {
        Value v = isFloat ? floatAct(tb, l, accs2[r * cols + c])
                          : vnniRequant(tb, l, accs2[r * cols + c], mv, epi);
        if (residual) { // + the residual (zeros past the plane), then its clamp
          Value z = padScalar(tb, l);
          Value rv = vector::TransferReadOp::create(
              tb, l, f16, resFlat, ValueRange{n, fs[r], pix[c]}, z, ArrayRef<bool>{full});
          Value sum = residual->xFirst ? arith::AddFOp::create(tb, l, rv, v)
                                       : arith::AddFOp::create(tb, l, v, rv);
          v = floatActivation(tb, l, sum, "clamp", residual->lo, residual->hi);
        }
        if (flat && full) {
          cur = vector::TransferWriteOp::create(
                    tb, l, v, cur, ValueRange{n, fs[r], outAt(tb, l, pix[c])}, ArrayRef<bool>{true})
                    .getResult();
          continue;
        }
        if (flat) { // pixel p is output element p; the last vector may pass the end
          Value left = arith::SubIOp::create(tb, l, idx(tb, l, oh * ow), pix[c]);
          Value mask = arith::CmpIOp::create(tb, l, arith::CmpIPredicate::slt, iota,
                                             splatI32(tb, l, left));
          cur = vector::TransferWriteOp::create(tb, l, v, cur,
                                                ValueRange{n, fs[r], outAt(tb, l, pix[c])},
                                                minor(3), mask, inBounds(false))
                    .getResult();
          continue;
        }
        if (!direct) {
          cur = vector::TransferWriteOp::create(tb, l, v, cur, ValueRange{n, fs[r], pix[c]},
                                                ArrayRef<bool>{true})
                    .getResult();
          continue;
        }
        for (const Part &pt2 : parts[c])
          cur = vector::TransferWriteOp::create(tb, l, v, cur,
                                                ValueRange{n, fs[r], pt2.base}, minor(3),
                                                pt2.mask, inBounds(false))
                    .getResult();
      }
    }
    return cur;
  };
  int64_t fMain = fN / 4 * 4, vMain = vecs / 4 * 4;
  // The vectors past the tiles of 4 (zmm) are one tile of 2, 3 or 5 (the
  // last 4 and one more): a tile of one vector has 4 accumulators, too few
  // to hide the FMA / vpdpbusd latency, and it was a 13th of the work at
  // 14x14 (resnet50's third stage).
  int64_t v4End = vecs - vMain == 1 && vMain >= 4 ? vMain - 4 : vMain;
  int64_t fullHi = flat ? std::min(v4End, oh * ow / 64 * 4) : 0;
  // Pixel chunks for 1x1 kernels whose image input (every channel) is too
  // large for the L2 cache: the tiles of 4 vectors run chunk by chunk, each
  // chunk's input (about `budget` bytes) read once from memory and then
  // from L2 by every block of output channels, not block of output
  // channels by block (each reading the whole input again: resnet50's
  // 256-channel 1x1 layers at 56x56 streamed 3.2 MB from L3 16 times).
  // (Not 3x3 kernels: each input byte feeds 9 times the products there,
  // and the chunks measured 1-2% slower: resnet50's 3x3 layers at 56x56
  // and 28x28.) The chunked vectors are [chunkLo, chunkHi); the rest run
  // as before.
  int64_t chunkLo = 0, chunkVecs = 0, chunks = 0;
  {
    int64_t elBytes = isFloat ? 4 : 1, budget = 256 << 10;
    int64_t vecBytes = c4 * 16 * slot * elBytes; // a vector of every channel slot
    if (spec.zmm && !dw && groups == 1 && !pool && kh * kw == 1 && vecs > 6 &&
        c4 * (L + 16) * slot * elBytes > 3 * budget / 2) {
      int64_t want = std::max<int64_t>(4, budget / vecBytes / 4 * 4);
      // (Padded output rows: the first tile's block also writes the
      // leading zeros, which overlap the plane's first vector.)
      int64_t lo = padOut ? 4 : 0, hi = flat ? fullHi : v4End;
      // Chunks of at most `want` vectors, as even as whole tiles allow;
      // the few vectors left over run with the rest.
      int64_t n = hi > lo ? (hi - lo + want - 1) / want : 0;
      if (n >= 2) {
        chunkLo = lo;
        chunks = n;
        chunkVecs = (hi - lo) / n / 4 * 4;
      }
    }
  }
  int64_t chunkHi = chunkLo + chunks * chunkVecs;
  // Images, and blocks of output channels within one (both fLoops), write
  // disjoint outputs.
  Value res = ploop(b, loc, 0, nN, 1, ValueRange{out}, [&](OpBuilder &yb, Location yl, Value n,
                                                          ValueRange a0) {
    Value cur = a0[0];
    // The chunks, each a task (the blocks of output channels in turn).
    if (chunks)
      cur = ploop(
          yb, yl, 0, chunks, 1, ValueRange{cur},
          [&](OpBuilder &cb, Location cl, Value ch, ValueRange a1) {
            Value vBase =
                arith::AddIOp::create(cb, cl, idx(cb, cl, chunkLo),
                                      arith::MulIOp::create(cb, cl, ch, idx(cb, cl, chunkVecs)));
            Value vEnd = arith::AddIOp::create(cb, cl, vBase, idx(cb, cl, chunkVecs));
            Value c2 = a1[0];
            auto rowsOf = [&](int64_t flo, int64_t fhi, int64_t rows) {
              if (fhi <= flo)
                return;
              c2 = loop(cb, cl, flo, fhi, rows, ValueRange{c2},
                        [&](OpBuilder &fb, Location fl, Value f0, ValueRange a2) {
                          auto vl = scf::ForOp::create(
                              fb, fl, vBase, vEnd, idx(fb, fl, 4), ValueRange{a2[0]},
                              [&](OpBuilder &vb, Location vl2, Value v0, ValueRange a3) {
                                scf::YieldOp::create(
                                    vb, vl2, tile(vb, vl2, n, f0, v0, rows, 4, flat, a3[0]));
                              });
                          return SmallVector<Value>(vl.getResults());
                        })[0];
            };
            rowsOf(0, fMain, 4);
            rowsOf(fMain, fN, 1);
            return SmallVector<Value>{c2};
          })[0];
    auto fLoop = [&](int64_t flo, int64_t fhi, int64_t rows) {
      if (fhi <= flo)
        return;
      cur = ploop(yb, yl, flo, fhi, rows, ValueRange{cur}, [&](OpBuilder &fb, Location fl,
                                                               Value f0, ValueRange a2) {
        Value c2 = a2[0];
        // Padded output rows: zeros before and after each plane, written
        // first (the leading vectors run into the plane, which the tiles
        // then overwrite; the trailing ones start at or past its end).
        if (padOut) {
          Value z = arith::ConstantOp::create(fb, fl, f16, DenseElementsAttr::get(f16, 0.0f));
          SmallVector<int64_t> at;
          for (int64_t p = 0; p < padOut->offset; p += 16)
            at.push_back(p);
          int64_t end = padOut->offset + oh * ow;
          // (The consumer reads up to its L = total - 16, as its own
          // regrouping fills.)
          for (int64_t p = end; p < padOut->total - 16; p += 16)
            at.push_back(p);
          for (int64_t r = 0; r < rows; ++r) {
            Value f = arith::AddIOp::create(fb, fl, f0, idx(fb, fl, r));
            for (int64_t p : at)
              c2 = vector::TransferWriteOp::create(fb, fl, z, c2, ValueRange{n, f, idx(fb, fl, p)},
                                                   ArrayRef<bool>{true})
                       .getResult();
          }
        }
        auto vLoop = [&](int64_t vlo, int64_t vhi, int64_t cols, bool full) {
          // Tiles with skipped tap rows on their own (constant v0), the
          // runs between them as loops.
          int64_t from = vlo;
          auto run = [&](int64_t to) {
            if (to > from)
              c2 = loop(fb, fl, from, to, cols, ValueRange{c2},
                        [&](OpBuilder &vb, Location vl, Value v0, ValueRange a3) {
                          return SmallVector<Value>{
                              tile(vb, vl, n, f0, v0, rows, cols, full, a3[0])};
                        })[0];
          };
          for (int64_t t = vlo; t < vhi; t += cols) {
            if (!tileSkips(t, cols))
              continue;
            run(t);
            c2 = tile(fb, fl, n, f0, idx(fb, fl, t), rows, cols, full, c2, t);
            from = t + cols;
          }
          run(vhi);
        };
        if (!spec.zmm) { // 16 registers: one pixel vector per tile
          int64_t vFull1 = flat ? std::min(vecs, oh * ow / 16) : 0;
          vLoop(0, vFull1, 1, true);
          vLoop(vFull1, vecs, 1, false);
          return SmallVector<Value>{c2};
        }
        // Images of up to 6 vectors (8x8 with a pad column: 5) in one tile:
        // tails of one vector have too few accumulators to hide the FMA /
        // vpdpbusd latency (digits float 1.86 -> 1.71 ms).
        if (vecs <= 6) {
          vLoop(0, vecs, vecs, vecs * 16 <= oh * ow);
          return SmallVector<Value>{c2};
        }
        // Groups of 4 vectors wholly inside the output, then the rest
        // (less the chunks').
        int64_t vFull = fullHi;
        auto vLoopBut = [&](int64_t vlo, int64_t vhi, bool full) {
          if (chunks && chunkHi > vlo && chunkLo < vhi) {
            vLoop(vlo, chunkLo, 4, full);
            vLoop(chunkHi, vhi, 4, full);
            return;
          }
          vLoop(vlo, vhi, 4, full);
        };
        vLoopBut(0, vFull, true);
        vLoopBut(vFull, v4End, false);
        vLoop(v4End, vecs, vecs - v4End, vecs * 16 <= oh * ow);
        return SmallVector<Value>{c2};
      })[0];
    };
    if (groups > 1 && mgPer % 4) { // tiles of 4 rows would cross groups
      fLoop(0, fN, 1);
    } else {
      fLoop(0, fMain, 4);
      fLoop(fMain, fN, 1);
    }
    return SmallVector<Value>{cur};
  })[0];
  if (padOut) {
    auto sl = tensor::ExtractSliceOp::create(
        b, loc, RankedTensorType::get({nN, fN, oh * ow}, el), res,
        SmallVector<OpFoldResult>{b.getIndexAttr(0), b.getIndexAttr(0),
                                  b.getIndexAttr(padOut->offset)},
        SmallVector<OpFoldResult>{b.getIndexAttr(nN), b.getIndexAttr(fN), b.getIndexAttr(oh * ow)},
        SmallVector<OpFoldResult>(3, b.getIndexAttr(1)));
    sl->setAttr(kZeroPaddedRowsAttr, b.getUnitAttr());
    return tensor::ExpandShapeOp::create(b, loc, RankedTensorType::get({nN, fN, oh, ow}, el), sl,
                                         SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
  }
  if (pool)
    return tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get({nN, fN, pool->outH, pool->outW}, el), res,
        SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
  if (direct)
    return tensor::ExpandShapeOp::create(b, loc, RankedTensorType::get({nN, fN, oh, ow}, el),
                                         res,
                                         SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
  // [N, F, p16] -> rows of S -> the first OW pixels of each row.
  if (p16 != pixels)
    res = tensor::ExtractSliceOp::create(
        b, loc, RankedTensorType::get({nN, fN, pixels}, el), res,
        SmallVector<OpFoldResult>(3, b.getIndexAttr(0)),
        SmallVector<OpFoldResult>{b.getIndexAttr(nN), b.getIndexAttr(fN),
                                  b.getIndexAttr(pixels)},
        SmallVector<OpFoldResult>(3, b.getIndexAttr(1)));
  res = tensor::ExpandShapeOp::create(b, loc, RankedTensorType::get({nN, fN, oh, S}, el), res,
                                      SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
  if (S != ow)
    res = tensor::ExtractSliceOp::create(
        b, loc, RankedTensorType::get({nN, fN, oh, ow}, el), res,
        SmallVector<OpFoldResult>(4, b.getIndexAttr(0)),
        SmallVector<OpFoldResult>{b.getIndexAttr(nN), b.getIndexAttr(fN), b.getIndexAttr(oh),
                                  b.getIndexAttr(ow)},
        SmallVector<OpFoldResult>(4, b.getIndexAttr(1)));
  return res;
}

/// Whether a strided convolution (dilation 1) is worth running as a
/// stride-1 one after space-to-depth: its kernel, rounded up to whole
/// stride blocks, has at most 40% zero taps (7x7/2 stems, 2x2/2, 4x4/4).
bool spaceToDepthPays(ArrayRef<int64_t> wShape, ArrayRef<int64_t> strides,
                      ArrayRef<int64_t> dil) {
  int64_t kh = wShape[2], kw = wShape[3], sh = strides[0], sw = strides[1];
  if (dil[0] != 1 || dil[1] != 1 || (sh == 1 && sw == 1))
    return false;
  int64_t kh2 = (kh + sh - 1) / sh, kw2 = (kw + sw - 1) / sw;
  return kh2 * sh * kw2 * sw * 5 <= kh * kw * 7;
}

/// A strided convolution as a stride-1 one: the input padded to
/// [N, C, H' sh, W' sw] (padding and the extra rows and columns hold
/// `padValue`), which the direct kernel reads space-to-depth
/// (DirectConvSpec::s2dH/s2dW) as [N, C sh sw, H', W'] with no padding:
/// channel (c sh + a) sw + b holds pixel (i sh + a, j sw + b) of channel c.
/// The kernel becomes ceil(KH / sh) x ceil(KW / sw) taps over those
/// channels (spaceToDepthWeight).
Value spaceToDepthInput(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> pads,
                        Value padValue, ArrayRef<int64_t> wShape, ArrayRef<int64_t> outShape,
                        ArrayRef<int64_t> strides) {
  auto xs = rtt(x).getShape();
  int64_t ih = xs[2], iw = xs[3];
  int64_t sh = strides[0], sw = strides[1];
  int64_t kh2 = (wShape[2] + sh - 1) / sh, kw2 = (wShape[3] + sw - 1) / sw;
  int64_t h2 = std::max((ih + pads[0] + pads[2] + sh - 1) / sh, outShape[2] + kh2 - 1);
  int64_t w2 = std::max((iw + pads[1] + pads[3] + sw - 1) / sw, outShape[3] + kw2 - 1);
  return padPlanes(b, loc, x, pads, h2 * sh - (ih + pads[0] + pads[2]),
                   w2 * sw - (iw + pads[1] + pads[3]), padValue);
}

/// The kernel [F][C][KH][KW] of spaceToDepthInput's convolution, with the
/// shape [F, C sh sw, ceil(KH / sh), ceil(KW / sw)] in `shape2`; taps past
/// the original kernel are 0 (quantized: w - w_zp, so they add nothing and
/// the folded bias stays as it is).
template <typename T>
std::vector<T> spaceToDepthWeight(const std::vector<T> &w, ArrayRef<int64_t> wShape,
                                  ArrayRef<int64_t> strides, SmallVectorImpl<int64_t> &shape2) {
  int64_t fN = wShape[0], cin = wShape[1], kh = wShape[2], kw = wShape[3];
  int64_t sh = strides[0], sw = strides[1];
  int64_t kh2 = (kh + sh - 1) / sh, kw2 = (kw + sw - 1) / sw, c2 = cin * sh * sw;
  std::vector<T> w2(fN * c2 * kh2 * kw2, T(0));
  for (int64_t f = 0; f < fN; ++f)
    for (int64_t c = 0; c < cin; ++c)
      for (int64_t i = 0; i < kh; ++i)
        for (int64_t j = 0; j < kw; ++j) {
          int64_t ch = (c * sh + i % sh) * sw + j % sw;
          w2[((f * c2 + ch) * kh2 + i / sh) * kw2 + j / sw] =
              w[((f * cin + c) * kh + i) * kw + j];
        }
  shape2.assign({fN, c2, kh2, kw2});
  return w2;
}



/// Runs directConv with `spec` on `x` as it is, or, when `layout` is
/// strided, on the input regrouped space-to-depth with the kernel split into
/// stride blocks (no padding, dilation 1). `weight` is the spec's field that
/// points to `w`.
template <typename T>
Value directConvLaidOut(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> pads,
                        Value padValue, const std::vector<T> &w, ArrayRef<int64_t> wShape,
                        ArrayRef<int64_t> outShape, ArrayRef<int64_t> dil, DirectConvSpec spec,
                        const DirectLayout &layout,
                        const std::vector<T> *DirectConvSpec::*weight) {
  spec.depthwise = layout.depthwise;
  spec.groups = layout.groups;
  if (layout.strides[0] == 1 && layout.strides[1] == 1) {
    spec.*weight = &w;
    return directConv(b, loc, x, pads, wShape, outShape, dil, spec);
  }
  SmallVector<int64_t> wShape2, noPads = {0, 0, 0, 0}, one = {1, 1};
  std::vector<T> w2 = spaceToDepthWeight(w, wShape, layout.strides, wShape2);
  Value xs2 = spaceToDepthInput(b, loc, x, pads, padValue, wShape, outShape, layout.strides);
  spec.*weight = &w2;
  spec.s2dH = layout.strides[0];
  spec.s2dW = layout.strides[1];
  return directConv(b, loc, xs2, noPads, wShape2, outShape, one, spec);
}

Value vnniConvDirect(OpBuilder &b, Location loc, Value x, bool xSigned, int64_t zp,
                     ArrayRef<int64_t> pads, const std::vector<int64_t> &w,
                     ArrayRef<int64_t> wShape, ArrayRef<int64_t> outShape,
                     ArrayRef<int64_t> dil, ArrayRef<int32_t> bias, const VnniEpilogue &epi,
                     const DirectLayout &layout, ProductISA isa) {
  DirectConvSpec spec;
  spec.zmm = isa.zmm;
  spec.avx2 = isa.int8 == Int8ISA::AVX2;
  spec.xSigned = xSigned;
  spec.zp = zp;
  spec.bias = bias;
  spec.epi = &epi;
  Value padValue = cstInt(b, loc, zp, rtt(x).getElementType());
  return directConvLaidOut(b, loc, x, pads, padValue, w, wShape, outShape, dil, spec, layout,
                           &DirectConvSpec::w);
}

bool floatConvPoolFits(ArrayRef<int64_t> inShape, ArrayRef<int64_t> outShape,
                       const DirectLayout &layout, bool zmm) {
  // directConv's same-padded ("flat") rows, and images of at most 6 pixel
  // vectors (one tile: vecs <= 6).
  int64_t oh = outShape[2], ow = outShape[3];
  return zmm && !layout.depthwise && layout.groups == 1 && layout.strides[0] == 1 &&
         layout.strides[1] == 1 && inShape[3] == ow && ow >= 4 && (oh * ow + 15) / 16 <= 6;
}

bool floatConvResidualFits(ArrayRef<int64_t> inShape, ArrayRef<int64_t> outShape,
                           const DirectLayout &layout) {
  // directConv's `flat` rows.
  return layout.strides[0] == 1 && layout.strides[1] == 1 && inShape[3] == outShape[3] &&
         outShape[3] >= 4;
}

/// The direct kernel in f32 (a constant weight; `act` none, relu, relu6 or
/// clamp), for one group, groups or depthwise (groups = C = F).
Value floatConvDirect(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> pads,
                      const std::vector<double> &w, ArrayRef<int64_t> wShape,
                      ArrayRef<int64_t> outShape, ArrayRef<int64_t> dil, ArrayRef<float> bias,
                      StringRef act, std::optional<float> lo, std::optional<float> hi,
                      const DirectLayout &layout, bool zmm, const MaxPoolEpilogue *pool,
                      std::optional<FlatRows> padOut, const ResidualEpilogue *residual) {
  DirectConvSpec spec;
  spec.isFloat = true;
  spec.pool = pool;
  spec.padOut = padOut;
  spec.residual = residual;
  // Without AVX-512 a vector of 16 floats takes two of the 16 registers:
  // one pixel vector per tile (8 accumulators; the 4 x 4 tiles spilled,
  // digits float on a Zen 3 ran at 2.8x ONNX Runtime's time).
  spec.zmm = zmm;
  spec.fbias = bias;
  spec.act = act;
  spec.lo = lo;
  spec.hi = hi;
  Value padValue = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  return directConvLaidOut(b, loc, x, pads, padValue, w, wShape, outShape, dil, spec, layout,
                           &DirectConvSpec::fw);
}

} // namespace mlir::octet::cpu
