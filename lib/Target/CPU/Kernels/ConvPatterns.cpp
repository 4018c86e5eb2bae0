//===- ConvPatterns.cpp - convolution kernels of the CPU target ------------===//
//
// octet.conv2d on the CPU kernels: the direct convolution (stride 1,
// depthwise, grouped, strided through space-to-depth) and im2col with the
// register-tiled product, for int8 (octet_cpu.dot4) and f32 (FMA). A conv
// that none fits is left to the generic lowering.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineExpr.h"

using namespace mlir;
using namespace mlir::octet;
using namespace mlir::octet::cpu;

namespace {

/// The regrouped rows that the one consumer of f32 convolution `op` reads,
/// when that consumer is a stride-1 f32 convolution with same-padded rows
/// (the direct kernel's FlatRows), and `op`'s own output rows are
/// same-padded too: `op` then writes its planes there, and the consumer
/// skips its regrouping copy (digits float: conv1 -> conv2). A consumer
/// that takes another kernel reads the planes through a view.
std::optional<FlatRows> consumerFlatRows(Conv2DOp op, ArrayRef<int64_t> inShape,
                                         ArrayRef<int64_t> outShape) {
  if (inShape[3] != outShape[3] || outShape[3] < 4 || !op->hasOneUse())
    return std::nullopt;
  auto next = dyn_cast<Conv2DOp>(*op->user_begin());
  if (!next || next.getInput() != op.getResult() || next.getWeight() == op.getResult() ||
      next.getBias() == op.getResult())
    return std::nullopt;
  auto in = rtt(next.getInput()), out = rtt(next.getResult());
  auto st = next.getStrides();
  if (!in.getElementType().isF32() || !out.hasStaticShape() || st[0] != 1 || st[1] != 1 ||
      out.getDimSize(3) < 8 || in.getDimSize(3) != out.getDimSize(3))
    return std::nullopt;
  return flatRows(in.getShape(), next.getPads(), rtt(next.getWeight()).getShape(), out.getShape(),
                  next.getDilations());
}

/// A float Add that alone reads convolution `op`'s result, its other
/// operand computed before `op` and of the same type (no broadcast), and
/// the clamp (ReLU) that alone reads the Add: the residual connection
/// that the direct kernel's epilogue takes (ResidualEpilogue).
struct ResidualAdd {
  AddOp add;
  ClampOp clamp; // or null
  Value other;
};
std::optional<ResidualAdd> residualAdd(Conv2DOp op) {
  Value r = op.getResult();
  if (!op->hasOneUse() || !rtt(r).getElementType().isF32())
    return std::nullopt;
  auto add = dyn_cast<AddOp>(*op->user_begin());
  if (!add || add.getType() != r.getType())
    return std::nullopt;
  Value other = add.getLhs() == r ? add.getRhs() : add.getLhs();
  if (other == r || other.getType() != r.getType())
    return std::nullopt;
  // Computed where the kernel can read it: before `op`, in its block.
  if (Operation *d = other.getDefiningOp()) {
    if (d->getBlock() != op->getBlock() || !d->isBeforeInBlock(op))
      return std::nullopt;
  } else if (cast<BlockArgument>(other).getOwner() != op->getBlock()) {
    return std::nullopt;
  }
  ClampOp clamp;
  if (add->hasOneUse())
    clamp = dyn_cast<ClampOp>(*add->user_begin());
  if (clamp && clamp.getType() != r.getType())
    clamp = ClampOp();
  return ResidualAdd{add, clamp, other};
}

/// SiLU after a float convolution without an activation of its own: its
/// result read only by sigmoid(y) and by y * sigmoid(y) (EfficientNet's
/// Swish, as exported): the kernel applies it before its stores, as the
/// activation "silu" (y first in the product) or "silu_rev".
struct SiluUse {
  SigmoidOp sigmoid;
  MulOp mul;
  StringRef act;
};
std::optional<SiluUse> siluAfter(Conv2DOp op) {
  Value r = op.getResult();
  if (op.getActivation() != "none" || !rtt(r).getElementType().isF32())
    return std::nullopt;
  SigmoidOp sig;
  MulOp mul;
  for (Operation *u : r.getUsers()) {
    if (auto s = dyn_cast<SigmoidOp>(u); s && !sig)
      sig = s;
    else if (auto m = dyn_cast<MulOp>(u); m && !mul)
      mul = m;
    else
      return std::nullopt;
  }
  if (!sig || !mul || !sig->hasOneUse() || *sig->user_begin() != mul.getOperation() ||
      sig.getType() != r.getType() || mul.getType() != r.getType())
    return std::nullopt;
  if (mul.getLhs() == r && mul.getRhs() == sig.getResult())
    return SiluUse{sig, mul, "silu"};
  if (mul.getRhs() == r && mul.getLhs() == sig.getResult())
    return SiluUse{sig, mul, "silu_rev"};
  return std::nullopt;
}

/// Replaces the last op of a fused chain with the kernel's result `r` and
/// erases the others (`ops`: the convolution first, the last op last).
void replaceFused(ConversionPatternRewriter &rewriter, ArrayRef<Operation *> ops, Value r) {
  rewriter.replaceOp(ops.back(), r);
  for (Operation *o : llvm::reverse(ops.drop_back()))
    rewriter.eraseOp(o);
}

/// Replaces `op` (or the SiLU after it) with the kernel's result `r`.
void replaceConv(ConversionPatternRewriter &rewriter, Conv2DOp op,
                 const std::optional<SiluUse> &silu, Value r) {
  if (!silu)
    replaceFused(rewriter, {op}, r);
  else
    replaceFused(rewriter, {op, silu->sigmoid, silu->mul}, r);
}

/// The epilogue of residual Add `res` whose other operand the kernel reads
/// as `other` (its remapped value).
ResidualEpilogue residualEpilogue(ResidualAdd res, Value other) {
  ResidualEpilogue re{other, std::nullopt, std::nullopt, res.add.getLhs() == res.other};
  if (res.clamp) {
    re.lo = optF(res.clamp.getMin());
    re.hi = optF(res.clamp.getMax());
  }
  return re;
}

/// Replaces the Add (or its clamp) after `op` with the kernel's result `r`.
void replaceResidual(ConversionPatternRewriter &rewriter, Conv2DOp op, ResidualAdd res, Value r) {
  if (res.clamp)
    replaceFused(rewriter, {op, res.add, res.clamp}, r);
  else
    replaceFused(rewriter, {op, res.add}, r);
}

/// The activations the f32 kernels apply before their stores.
bool floatKernelAct(StringRef act) {
  return act == "none" || act == "relu" || act == "relu6" || act == "clamp" || act == "silu" ||
         act == "silu_rev";
}

/// What the f32 kernels take of a convolution: its constant weight, its
/// bias (zeros where it has none) and the activation they apply (a SiLU
/// after it included).
struct FloatConvParts {
  ConstTensor weight;
  SmallVector<float> bias;
  std::optional<SiluUse> silu;
  StringRef act;
  std::optional<float> lo, hi;
};
/// Nothing where the weight or the bias is not a constant f32 tensor.
std::optional<FloatConvParts> floatConvParts(Conv2DOp op, int64_t outChannels) {
  std::optional<ConstTensor> w = readConstant(op.getWeight());
  std::optional<ConstTensor> bias;
  if (Value b = op.getBias())
    bias = readConstant(b);
  if (!w || !w->isFloat || (op.getBias() && !(bias && bias->isFloat)))
    return std::nullopt;
  FloatConvParts parts;
  parts.weight = std::move(*w);
  parts.bias = floatBiasValues(bias, outChannels);
  parts.silu = siluAfter(op);
  parts.act = parts.silu ? parts.silu->act : op.getActivation();
  parts.lo = optF(op.getClampMin());
  parts.hi = optF(op.getClampMax());
  return parts;
}

struct Conv2DKernel : CPUKernelPattern<Conv2DOp> {
  using CPUKernelPattern::CPUKernelPattern;
  LogicalResult
  matchAndRewrite(Conv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    QInfo x = qinfo(op.getInput().getType()), w = qinfo(op.getWeight().getType());
    bool quant = x.quantized;
    auto outShape = rtt(op.getResult()).getShape();
    auto wShape = rtt(op.getWeight()).getShape();
    int64_t group = op.getGroup(), mg = wShape[0] / group, cg = wShape[1];
    auto strides = op.getStrides(), dil = op.getDilations();
    Type accEl = quant ? (Type)rewriter.getI32Type() : rtt(op.getInput()).getElementType();

    // Pad with the input zero point (quantized) or 0.
    Value padValue =
        quant ? cstInt(rewriter, loc, x.zps[0], rewriter.getIntegerType(x.width))
              : (Value)arith::ConstantOp::create(rewriter, loc,
                                                  rewriter.getFloatAttr(accEl, 0.0));
    Value xp = padNCHW(rewriter, loc, adaptor.getInput(), op.getPads(), 0, 0, padValue);

    if (group == 1) {
      // im2col: gather the windows into [N, OH, OW, C*KH*KW] rows, then a
      // matrix product whose reduction runs over contiguous memory in both
      // operands (what the vectorizer turns into dot-product instructions).
      Type inEl = rtt(xp).getElementType();
      int64_t kh = wShape[2], kw = wShape[3], cin = wShape[1];
      int64_t kk = cin * kh * kw;
      std::optional<std::vector<int64_t>> wv;
      std::optional<SmallVector<int32_t>> vb;
      if (product.int8 != Int8ISA::None && quant && x.width == 8 &&
          (wv = vnniWeight(op.getWeight(), w, wShape[0], kk, /*nMajor=*/true)) &&
          (vb = foldedBiasValues(op.getWeight(), op.getBias(), x, w, wShape[0],
                                 /*channelInner=*/false, x.isSigned ? 128 : 0))) {
        auto lo = optF(op.getClampMin()), hi = optF(op.getClampMax());
        auto epi = vnniEpilogue(x, w, op.getType(), wShape[0], op.getActivation(), lo, hi,
                                fixedPoint);
        // Direct kernel for stride 1 and rows of 16+ pixels, or 8+ with up
        // to 64 input channels. (With pixel vectors confined to one row,
        // rows under 28 pixels were slower than im2col; since vectors span
        // rows, digits 1.29 -> 1.17 ms and resnet18 0.52 -> 0.51 ms with it
        // on 8- and 16-pixel rows. resnet18 at 224x224: its 14x14 layers
        // with 256 channels run 2-3% faster as im2col + GEMM; 7x7 and 4x4
        // rows on the direct kernel were 10-18% slower. 1x1 kernels on rows
        // of 8-15 pixels are faster direct: resnet50's 14x14 1024->256
        // 0.144 -> 0.115 ms, 256->1024 0.127 -> 0.113 ms.)
        // (The direct kernels need AVX-512 VNNI: 32 registers of 512 bits.)
        if (vnni && epi && strides[0] == 1 && strides[1] == 1 &&
            (outShape[3] >= 16 || (outShape[3] >= 8 && (cin <= 64 || kh * kw == 1)))) {
          rewriter.replaceOp(op, vnniConvDirect(rewriter, loc, adaptor.getInput(), x.isSigned,
                                                x.zps[0], op.getPads(), *wv, wShape,
                                                outShape, dil, *vb, *epi));
          return success();
        }
        // Strided kernels whose taps fill whole stride blocks (7x7/2 stems,
        // 2x2/2 and 4x4/4 patchify convs): space-to-depth by the stride
        // turns them into stride-1 convolutions for the direct kernel
        // (resnet18's stem at 224x224: 0.41 -> 0.35 ms).
        int64_t ow = outShape[3];
        if (vnni && epi && spaceToDepthPays(wShape, strides, dil) &&
            (ow >= 16 || (ow >= 8 && cin * strides[0] * strides[1] <= 64))) {
          DirectLayout layout;
          layout.strides.assign(strides.begin(), strides.end());
          rewriter.replaceOp(op, vnniConvDirect(rewriter, loc, adaptor.getInput(), x.isSigned,
                                                x.zps[0], op.getPads(), *wv, wShape, outShape,
                                                dil, *vb, *epi, layout));
          return success();
        }
        *wv = weightTapsChannelsLast(*wv, wShape[0], cin, kh, kw);
        Value acc2;
        // Channels padded (with the zero point, times zero weights) so that
        // a window row is whole K quads: 3-channel stems take 4.
        int64_t cp = cin;
        while ((kw * cp) % 4)
          ++cp;
        if (dil[1] == 1 && (cp == cin || cp == 4)) {
          // The product reads each pixel's window where it lies in the
          // channels-last input (kh runs of kw * C bytes): no im2col rows
          // written and read back.
          // On AVX2, input channels ordered so that vpmaddubsw's pairs
          // rarely hold two large weights of one sign (the `pairs` form's
          // residual shrinks: resnet18's conflicting pairs to none in 18 of
          // its 20 layers); the channels-last transpose reorders them for
          // free. The weight is laid out once for both: channel position c
          // of cp takes channel order[c] (or c), padding positions zero.
          SmallVector<int32_t> order;
          if (product.int8 == Int8ISA::AVX2 && cp == cin)
            order = avx2PairChannels(*wv, wShape[0] * kh * kw, cin);
          if (cp != cin || !order.empty()) {
            std::vector<int64_t> wp(wShape[0] * kh * kw * cp, 0);
            for (int64_t t = 0; t < wShape[0] * kh * kw; ++t)
              for (int64_t c = 0; c < cin; ++c)
                wp[t * cp + c] = (*wv)[t * cin + (order.empty() ? c : order[c])];
            *wv = std::move(wp);
          }
          ImplicitRows rows;
          rows.src = channelsLastRows(rewriter, loc, xp, cp, padValue, order);
          rows.oh = outShape[2];
          rows.ow = outShape[3];
          rows.sh = strides[0];
          rows.sw = strides[1];
          rows.dh = dil[0];
          rows.kh = kh;
          rows.c = cp;
          rows.run = kw * cp;
          acc2 = vnniConvRows(rewriter, loc, rows, x.isSigned, *wv, wShape[0], *vb,
                              epi ? &*epi : nullptr, product);
        } else {
          Value a2 = im2colRows(rewriter, loc, xp, outShape, kh, kw, strides, dil);
          acc2 = vnniMatmul(rewriter, loc, a2, x.isSigned, *wv, wShape[0], kk, *vb,
                            epi ? &*epi : nullptr, product);
        }
        AffineExpr e0, e1, e2, e3;
        bindDims(ctx, e0, e1, e2, e3);
        auto accMap = AffineMap::get(
            4, 0, {(e0 * outShape[2] + e2) * outShape[3] + e3, e1}, ctx);
        Value result;
        if (epi) // [pixels, channels] bytes to NCHW
          result = rowsToNCHW(rewriter, loc, acc2, outShape);
        else
          result = requantizeEpilogue(rewriter, loc, acc2, outShape, 1, x, w, op.getType(),
                                      op.getActivation(), lo, hi, fixedPoint, accMap);
        rewriter.replaceOp(op, result);
        return success();
      }
      // Float with a constant f32 weight and bias: im2col rows times the
      // weight in the register-tiled FMA kernel, then NCHW with the
      // activation applied on the way.
      std::optional<FloatConvParts> fc;
      if (!quant && inEl.isF32() && (fc = floatConvParts(op, wShape[0]))) {
        const std::vector<double> &fw = fc->weight.f;
        ArrayRef<float> fb = fc->bias;
        const std::optional<SiluUse> &silu = fc->silu;
        StringRef act = fc->act;
        auto lo = fc->lo, hi = fc->hi;
        // Strided 1x1 kernels without padding (resnet50's downsampling
        // shortcuts) are stride-1 ones on every sh-th row and sw-th column
        // of the input: a strided slice, not a channels-last transpose of
        // the whole input for im2col and one of the product back to NCHW.
        bool unitStride = strides[0] == 1 && strides[1] == 1;
        bool subsample = !unitStride && kh == 1 && kw == 1 &&
                         llvm::all_of(op.getPads(), [](int64_t p) { return p == 0; });
        bool direct = (unitStride || subsample) && outShape[3] >= 8 && floatKernelAct(act);
        Value xin = adaptor.getInput();
        SmallVector<int64_t> inShape(rtt(op.getInput()).getShape());
        bool stem = cin <= 4 && kh == 3 && kw == 3 && strides[0] == 2 && strides[1] == 2 &&
                    dil[0] == 1 && dil[1] == 1;
        // Vectors over output channels (floatConvOverChannels) where pixel
        // vectors would lose over 5% of their lanes (14x14 planes: 6%), for
        // what would take im2col rows and transposes (planes under 8 pixels
        // wide, 7x7: 23% of the lanes; strided kernels without
        // space-to-depth), and for space-to-depth with zero taps (resnet50's
        // stem, 3.35 -> 2.61 ms with its pool). Not before a MaxPool that the
        // direct kernel takes.
        int64_t plane = outShape[2] * outShape[3], lanes = (plane + 15) / 16 * 16;
        bool toPool = op->hasOneUse() && isa<MaxPool2DOp>(*op->user_begin());
        bool viaS2d = spaceToDepthPays(wShape, strides, dil) || stem;
        // Space-to-depth that adds zero taps (a 7x7/2 stem: 192 products
        // per output for 147) gives way to vectors over output channels.
        bool s2dZeroTaps = kh % strides[0] || kw % strides[1];
        // Unit-stride ones (lossy planes, planes under 8 wide) need 512
        // products per output to pay for the transposed stores: regnet's
        // 1x1 160 -> 160 at 14x14 and 400 -> 400 at 7x7 ran slower.
        int64_t products = cin * kh * kw;
        // 3x3/2 stems too (27 products per output, under the kernel's 128,
        // but space-to-depth computes 48): regnet_x_400mf 9.71 -> 9.60 ms,
        // efficientnet_b0 11.21 -> 10.98 ms.
        // Without AVX-512 (vectors of 8 channels, rows stored without masks)
        // 1x1 kernels over 64 or more channels too, at any plane size: they
        // ran 1.1-1.7x faster than on the direct kernel (resnet50's at
        // 56x56, 1 thread: 256 -> 64 2.18 -> 1.43 ms), 3x3 ones at par.
        bool ymm1x1 = !product.zmm && kh * kw == 1 && products >= 64;
        bool overChannels =
            (floatConvOverChannelsFits(wShape, 1, product.zmm, ymm1x1 ? 64 : 128) ||
             (stem && wShape[0] % (product.zmm ? 16 : 8) == 0)) &&
            floatKernelAct(act) &&
            (direct       ? ymm1x1 || ((lanes - plane) * 20 > lanes && !toPool && products >= 512)
             : unitStride ? products >= (product.zmm ? 512 : 128)
                          : !viaS2d || s2dZeroTaps);
        if ((direct || overChannels) && subsample) {
          inShape = {inShape[0], inShape[1], outShape[2], outShape[3]};
          // Copied into planes of their own (the direct kernel reads whole
          // vectors; a strided view would have a column stride; the
          // channel-vector kernel then reads a quarter of the data, not
          // every other line of every other row: resnet50's 1x1/2 512 ->
          // 1024 with its residual Add, 8.5% -> 7.2% of its third stage).
          AffineExpr d0, d1, d2, d3;
          bindDims(ctx, d0, d1, d2, d3);
          auto pick = AffineMap::get(4, 0, {d0, d1, d2 * strides[0], d3 * strides[1]}, ctx);
          xin = linalg::GenericOp::create(
                    rewriter, loc, TypeRange{RankedTensorType::get(inShape, accEl)},
                    ValueRange{xin}, ValueRange{emptyLike(rewriter, loc, inShape, accEl)},
                    ArrayRef<AffineMap>{pick, AffineMap::getMultiDimIdentityMap(4, ctx)},
                    SmallVector<utils::IteratorType>(4, utils::IteratorType::parallel),
                    [](OpBuilder &nb, Location nl, ValueRange a) {
                      linalg::YieldOp::create(nb, nl, a[0]);
                    })
                    .getResult(0);
        }
        if (overChannels) {
          SmallVector<int64_t, 2> st(strides.begin(), strides.end());
          if (subsample)
            st = {1, 1};
          std::optional<ResidualAdd> res = silu ? std::nullopt : residualAdd(op);
          Value other = res ? rewriter.getRemappedValue(res->other) : Value();
          if (other) {
            ResidualEpilogue re = residualEpilogue(*res, other);
            replaceResidual(rewriter, op, *res,
                            floatConvOverChannels(rewriter, loc, xin, op.getPads(), st, dil, fw,
                                                  wShape, outShape, fb, act, lo, hi, &re, 1,
                                                  product.zmm));
            return success();
          }
          replaceConv(rewriter, op, silu,
                      floatConvOverChannels(rewriter, loc, xin, op.getPads(), st, dil, fw, wShape,
                                            outShape, fb, act, lo, hi, nullptr, 1, product.zmm));
          return success();
        }
        // Stride 1 with rows of 8+ pixels: the direct kernel, no im2col
        // (digits float: conv2 on 8x8 images, 4.4 -> 1.5 ms).
        if (direct) {
          // A MaxPool that alone reads the output, on planes that fit the
          // kernel's register tile: pooled in the epilogue (the digits
          // model's conv2 -> 2x2 pool: the 3.2 MB of planes at batch 397
          // are neither stored nor read back).
          MaxPool2DOp pool;
          if (op->hasOneUse())
            pool = dyn_cast<MaxPool2DOp>(*op->user_begin());
          if (pool && rtt(pool.getResult()).hasStaticShape() &&
              floatConvPoolFits(inShape, outShape, DirectLayout{}, product.zmm)) {
            auto pk = pool.getKernel(), ps = pool.getStrides(), pd = pool.getDilations(),
                 pp = pool.getPads();
            auto pooled = rtt(pool.getResult()).getShape();
            MaxPoolEpilogue epi{{pk[0], pk[1]}, {ps[0], ps[1]}, {pd[0], pd[1]}, pp[0],
                                pp[1],          pooled[2],      pooled[3]};
            Value r = floatConvDirect(rewriter, loc, xin, op.getPads(), fw, wShape, outShape, dil,
                                      fb, act, lo, hi, DirectLayout{}, product.zmm, &epi);
            replaceFused(rewriter, {op, pool}, r);
            return success();
          }
          // A residual Add (and ReLU) after it: in the epilogue (resnet50's
          // 1x1 expansions; the planes are stored once, not stored, read
          // back with the shortcut's and stored again).
          std::optional<ResidualAdd> res;
          if (floatConvResidualFits(inShape, outShape, DirectLayout{}) && (res = residualAdd(op))) {
            if (Value other = rewriter.getRemappedValue(res->other)) {
              ResidualEpilogue re = residualEpilogue(*res, other);
              replaceResidual(rewriter, op, *res,
                              floatConvDirect(rewriter, loc, xin, op.getPads(), fw, wShape,
                                              outShape, dil, fb, act, lo, hi, DirectLayout{},
                                              product.zmm, nullptr, std::nullopt, &re));
              return success();
            }
          }
          replaceConv(rewriter, op, silu,
                      floatConvDirect(rewriter, loc, xin, op.getPads(), fw, wShape, outShape, dil,
                                      fb, act, lo, hi, DirectLayout{}, product.zmm, nullptr,
                                      consumerFlatRows(op, inShape, outShape)));
          return success();
        }
        // Strided kernels covering whole stride blocks: space-to-depth, as
        // for int8.
        // (Also a stem's 3x3/2 over at most 4 channels without AVX-512 or
        // with output channels not in whole vectors of 16, 7 of 16 taps
        // zero: more products than it has, but no channels-last transposes
        // of the input and output, the costlier part there.)
        if (viaS2d && outShape[3] >= 8 && floatKernelAct(act)) {
          DirectLayout layout;
          layout.strides.assign(strides.begin(), strides.end());
          replaceConv(rewriter, op, silu,
                      floatConvDirect(rewriter, loc, adaptor.getInput(), op.getPads(), fw, wShape,
                                      outShape, dil, fb, act, lo, hi, layout, product.zmm));
          return success();
        }
        Value a2 =
            im2colRows(rewriter, loc,
                       padPlanes(rewriter, loc, adaptor.getInput(), op.getPads(), 0, 0, padValue),
                       outShape, kh, kw, strides, dil);
        std::vector<double> wl = weightTapsChannelsLast(fw, wShape[0], cin, kh, kw);
        Value acc2 = floatMatmul(rewriter, loc, a2, wl, wShape[0], kk, fb, product.zmm);
        // The activation on the way to NCHW, not a pass of its own.
        auto activate = [&](OpBuilder &b, Location l, Value v) {
          return floatActivation(b, l, v, act, lo, hi);
        };
        replaceConv(
            rewriter, op, silu,
            rowsToNCHW(rewriter, loc, acc2, outShape, act == "none" ? ElementwiseFn() : activate));
        return success();
      }
      return failure();
    }
    // Depthwise int8 with stride 1 and rows of 4+ pixels: the direct kernel
    // (one channel per pixel slot, int32 products per tap, the requantization
    // in registers). mobilenet_v2 QDQ at 224x224: 3.66 -> 2.28 ms; rows of
    // 4-7 pixels since (efficientnet_b0 QDQ's 7x7 layers had run on the
    // generic loops, 13% of the model).
    // Strided (dilation 1): space-to-depth by the stride, the sh * sw phases
    // of channel f read by output channel f, taps past the kernel left out.
    bool dwStrided = (strides[0] > 1 || strides[1] > 1) && dil[0] == 1 && dil[1] == 1;
    // Without AVX-512 too (one pixel vector per tile), since the input's
    // regrouping stores and loads whole vectors: mobilenet_v2 QDQ on a Zen 3
    // (AVX2), 10.4 -> 8.9-9.4 ms, efficientnet_b0 24.5-25.1 -> 20.5-21.5 ms
    // against the generic loops (with masked byte loads and stores, which
    // AVX2 lacks, this kernel had been slower: 11.2 against 7.8-8.2 ms).
    if (product.int8 != Int8ISA::None && quant && x.width == 8 && cg == 1 && mg == 1 &&
        rtt(op.getInput()).getDimSize(1) == group &&
        ((strides[0] == 1 && strides[1] == 1) || dwStrided) && outShape[3] >= 4) {
      int64_t taps = wShape[2] * wShape[3];
      std::optional<std::vector<int64_t>> wv;
      std::optional<SmallVector<int32_t>> vb;
      auto lo = optF(op.getClampMin()), hi = optF(op.getClampMax());
      std::optional<VnniEpilogue> epi;
      if ((wv = vnniWeight(op.getWeight(), w, wShape[0], taps, /*nMajor=*/true)) &&
          (vb = foldedBiasValues(op.getWeight(), op.getBias(), x, w, wShape[0],
                                 /*channelInner=*/false, x.isSigned ? 128 : 0)) &&
          (epi = vnniEpilogue(x, w, op.getType(), wShape[0], op.getActivation(), lo, hi,
                              fixedPoint))) {
        DirectLayout layout;
        layout.depthwise = true;
        layout.strides.assign(strides.begin(), strides.end());
        rewriter.replaceOp(op, vnniConvDirect(rewriter, loc, adaptor.getInput(), x.isSigned,
                                              x.zps[0], op.getPads(), *wv, wShape, outShape,
                                              dil, *vb, *epi, layout, product));
        return success();
      }
    }
    // Depthwise f32 with a constant weight. Strided: read straight from
    // the input (floatDepthwiseStrided), not from a padded copy regrouped
    // space-to-depth (efficientnet_b0's 3x3/2 at 112x112 over 96 channels:
    // the two copies took 0.65 ms, the products 0.27 ms). Otherwise the
    // direct kernel with FMAs, for rows of 4+ pixels (EfficientNet's 7x7
    // layers: 16 lanes over 3 rows; the generic loops were scalar, float
    // efficientnet_b0 at 224 15.6 -> 14.5 ms).
    bool dwStridedFits = floatDepthwiseStridedFits(strides, outShape);
    if (!quant && accEl.isF32() && cg == 1 && mg == 1 &&
        rtt(op.getInput()).getDimSize(1) == group &&
        (dwStridedFits ||
         (((strides[0] == 1 && strides[1] == 1) || dwStrided) && outShape[3] >= 4))) {
      std::optional<FloatConvParts> fc = floatConvParts(op, wShape[0]);
      if (fc && floatKernelAct(fc->act)) {
        if (dwStridedFits) {
          replaceConv(rewriter, op, fc->silu,
                      floatDepthwiseStrided(rewriter, loc, adaptor.getInput(), op.getPads(),
                                            strides, dil, fc->weight.f, wShape, outShape, fc->bias,
                                            fc->act, fc->lo, fc->hi));
          return success();
        }
        DirectLayout layout;
        layout.depthwise = true;
        layout.strides.assign(strides.begin(), strides.end());
        replaceConv(rewriter, op, fc->silu,
                    floatConvDirect(rewriter, loc, adaptor.getInput(), op.getPads(), fc->weight.f,
                                    wShape, outShape, dil, fc->bias, fc->act, fc->lo, fc->hi,
                                    layout, product.zmm));
        return success();
      }
    }
    // Grouped convolutions (neither one group nor depthwise; ResNeXt,
    // RegNet): the direct kernel with each tile's rows in one group,
    // reading that group's channels; strided ones (dilation 1) through
    // space-to-depth, zero taps included. Any row width: the alternative is
    // the scalar loop nest below (regnet_x_400mf QDQ at 224x224: 19 ms
    // there, its 7x7 layers included).
    if (group > 1 && !(cg == 1 && mg == 1)) {
      // Without AVX-512 too (AVX2, AVX-VNNI: one pixel vector per tile, the
      // exact AVX2 form): regnet_x_400mf QDQ on --cpu=x86-64-v3 32.4 ->
      // 15 ms, resnext50_32x4d 92-104 -> 62-65 ms.
      bool direct8 = product.int8 != Int8ISA::None;
      bool strided = strides[0] > 1 || strides[1] > 1;
      bool viaS2d = strided && dil[0] == 1 && dil[1] == 1;
      int64_t phases = viaS2d ? strides[0] * strides[1] : 1;
      DirectLayout layout;
      layout.groups = group;
      if (viaS2d)
        layout.strides.assign(strides.begin(), strides.end());
      auto lo = optF(op.getClampMin()), hi = optF(op.getClampMax());
      int64_t taps = wShape[2] * wShape[3];
      std::optional<std::vector<int64_t>> wv;
      std::optional<SmallVector<int32_t>> vb;
      std::optional<VnniEpilogue> epi;
      if ((!strided || viaS2d) && direct8 && quant && x.width == 8 && (cg * phases) % 4 == 0 &&
          (wv = vnniWeight(op.getWeight(), w, wShape[0], cg * taps, /*nMajor=*/true)) &&
          (vb = foldedBiasValues(op.getWeight(), op.getBias(), x, w, wShape[0],
                                 /*channelInner=*/false, x.isSigned ? 128 : 0)) &&
          (epi = vnniEpilogue(x, w, op.getType(), wShape[0], op.getActivation(), lo, hi,
                              fixedPoint))) {
        rewriter.replaceOp(op, vnniConvDirect(rewriter, loc, adaptor.getInput(), x.isSigned,
                                              x.zps[0], op.getPads(), *wv, wShape, outShape,
                                              dil, *vb, *epi, layout, product));
        return success();
      }
      std::optional<FloatConvParts> fc;
      if (!quant && accEl.isF32())
        fc = floatConvParts(op, wShape[0]);
      bool floatOk = fc && floatKernelAct(fc->act);
      // Strided f32 groups of whole vectors of 16 output channels: vectors
      // over output channels (each reads its own group's inputs), not
      // space-to-depth's zero taps and copies (regnet_x_400mf's 3x3/2
      // layers: 16 channels per group).
      if (floatOk && strided && floatConvOverChannelsFits(wShape, group, product.zmm)) {
        replaceConv(rewriter, op, fc->silu,
                    floatConvOverChannels(rewriter, loc, adaptor.getInput(), op.getPads(), strides,
                                          dil, fc->weight.f, wShape, outShape, fc->bias, fc->act,
                                          fc->lo, fc->hi, nullptr, group, product.zmm));
        return success();
      }
      if ((!strided || viaS2d) && floatOk) {
        replaceConv(rewriter, op, fc->silu,
                    floatConvDirect(rewriter, loc, adaptor.getInput(), op.getPads(), fc->weight.f,
                                    wShape, outShape, dil, fc->bias, fc->act, fc->lo, fc->hi,
                                    layout, product.zmm));
        return success();
      }
    }
    return failure();
  }
};

} // namespace

void mlir::octet::cpu::populateConvKernelPatterns(const TypeConverter &tc,
                                                  RewritePatternSet &patterns,
                                                  const CPUKernelOptions &options) {
  patterns.add<Conv2DKernel>(tc, patterns.getContext(), options);
}
