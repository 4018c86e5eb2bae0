//===- Kernels.h - internal interfaces of the CPU kernels -------*- C++ -*-===//
//
// Shared by the files of lib/Target/CPU/Kernels: the requantization in
// registers, the tiled products, the direct convolutions, im2col and the
// layout of constant weights.
//
//===----------------------------------------------------------------------===//

#ifndef OCTET_LIB_TARGET_CPU_KERNELS_KERNELS_H
#define OCTET_LIB_TARGET_CPU_KERNELS_KERNELS_H

#include "octet/Conversion/OctetToLinalg/IntegerRules.h"
#include "octet/Conversion/OctetToLinalg/LoweringUtils.h"
#include "octet/Dialect/Octet/OctetDialect.h"
#include "octet/Target/CPU/IR/CPUDialect.h"
#include "octet/Target/CPU/Kernels.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <vector>

namespace mlir::octet::cpu {

/// What the register-tiled products are built for.
struct ProductISA {
  Int8ISA int8 = Int8ISA::AVX512VNNI;
  bool zmm = true;
};

/// Base of the kernel patterns: the options, at the kernel benefit.
template <typename OpTy>
struct CPUKernelPattern : OpConversionPattern<OpTy> {
  CPUKernelPattern(const TypeConverter &tc, MLIRContext *ctx, CPUKernelOptions opts)
      : OpConversionPattern<OpTy>(tc, ctx, kKernelBenefit), fixedPoint(opts.fixedPoint),
        vnni(opts.vnni), product{opts.int8, opts.zmm} {}
  bool fixedPoint;
  bool vnni;
  ProductISA product;
};

void populateConvKernelPatterns(const TypeConverter &tc, RewritePatternSet &patterns,
                                const CPUKernelOptions &options);
void populateLinearKernelPatterns(const TypeConverter &tc, RewritePatternSet &patterns,
                                  const CPUKernelOptions &options);
void populatePoolingKernelPatterns(const TypeConverter &tc, RewritePatternSet &patterns,
                                   const CPUKernelOptions &options);

//===----------------------------------------------------------------------===//
// Requantization in registers (Requantize.cpp)
//===----------------------------------------------------------------------===//

/// Requantization fused into the int8 kernels (ONNX Runtime's rule):
/// out = clamp(rint(float32(acc) * mult[n]) + zp, lo, hi) in the 8-bit
/// storage type, computed on the accumulators in registers.
struct VnniEpilogue {
  std::vector<float> mult;
  double zp = 0, lo = 0, hi = 0;
  /// Whether the 8-bit result is signed (lo and hi are in its storage range).
  bool outSigned = true;
  /// gemmlowp fixed point instead: Q31 multipliers and shifts per channel.
  bool fixedPoint = false;
  SmallVector<int32_t> m0, shift;

  /// The per-channel parameter tensors (f32 multipliers, or i32 m0 and shift),
  /// padded with zeros to `channels`.
  SmallVector<Value> constants(OpBuilder &b, Location loc, int64_t channels) const;
  /// The 16-lane parameter vectors of channels [c, c + 16) (`perLane`) or of
  /// channel c broadcast.
  SmallVector<Value> vectors(OpBuilder &b, Location loc, ArrayRef<Value> consts, Value c,
                             bool perLane) const;
};

/// The epilogue of a product with 8-bit output, or nothing when the result
/// is not 8-bit quantized per tensor.
std::optional<VnniEpilogue> vnniEpilogue(const QInfo &x, const QInfo &w, Type resultType,
                                         int64_t channels, StringRef act, std::optional<float> lo,
                                         std::optional<float> hi, bool fixedPoint);

/// SaturatingRoundingDoublingHighMul on 16 lanes as even and odd 32 x 32 ->
/// 64-bit products (vpmuldq), for fixedPointRequant.
Value evenOddDoublingHighMul(OpBuilder &b, Location loc, Value acc, Value m0);

/// Requantization of 16 int32 accumulators with per-lane parameters
/// (`params` from VnniEpilogue::vectors) as 16 bytes.
Value vnniRequant(OpBuilder &b, Location loc, Value acc, ArrayRef<Value> params,
                  const VnniEpilogue &e);

/// Whether float32(acc) * mult can reach 2^31 for some channel (w n-major
/// [N, K]): then the rounding conversion needs the product clamped.
bool productMayOverflow(const VnniEpilogue &e, ArrayRef<int64_t> w, int64_t n, int64_t k,
                        ArrayRef<int32_t> bias);

/// Whether fixed-point requantization may round its right shift by one
/// addition (fixedPointRequant's roundByAdd).
bool fixedPointRoundsByAdd(const VnniEpilogue &e, ArrayRef<int64_t> w, int64_t n, int64_t k,
                           ArrayRef<int32_t> bias);

/// Requantization of four vectors of 16 int32 accumulators as 64 bytes in
/// the order accs[0] .. accs[3] (octet_cpu.round_to_int, narrow_sat4).
/// `guard` clamps products that may reach 2^31 (productMayOverflow).
Value vnniRequant4(OpBuilder &b, Location loc, ArrayRef<Value> accs,
                   ArrayRef<SmallVector<Value>> params, const VnniEpilogue &e, bool guard,
                   bool roundByAdd = false);

//===----------------------------------------------------------------------===//
// Tiled products (TiledProduct.cpp)
//===----------------------------------------------------------------------===//

/// [M, N] = a [M, K] x w^T over a constant int8 weight `w` (n-major [N, K]),
/// with u8 (or s8, shifted) rows: int32 accumulators plus `bias`, or bytes
/// when `epi` is given.
/// On AVX2 (`isa.int8`) each octet_cpu.dot4 carries the exact form its
/// weights allow (attribute `octet_cpu.avx2`): "pairs" where every pair of
/// adjacent weights fits (avx2PairFits: vpmaddubsw on u8 cannot saturate),
/// "sign" where every weight is in [-127, 127] (s8 activations,
/// their signs moved onto the weights: pair sums <= 2 * 128 * 127), "wide"
/// otherwise (16-bit products).
/// A convolution's im2col rows read where they lie (an implicit GEMM): row
/// r of the product is output pixel (n, oy, ox) = r split by (OH, OW), and
/// its K = kh * run elements are kh runs of `run` (kw * C) bytes of `src`
/// ([N, Hp, Wp * C], the padded input channels-last), run i starting at
/// src[n][oy * sh + i * dh][ox * sw * C]. `run` is a multiple of 4, so no K
/// quad straddles two runs.
struct ImplicitRows {
  Value src;
  int64_t oh = 0, ow = 0, sh = 1, sw = 1, dh = 1, kh = 1, c = 1, run = 4;
};

/// Whether vpmaddubsw's int16 sum a0 w0 + a1 w1 is exact for every u8
/// activation pair: the largest sum is 255 times the positive weights' sum,
/// the smallest 255 times the negative ones', so each must stay within
/// int16 (at most 128 in magnitude; a pair of opposite signs always fits).
inline bool avx2PairFits(int64_t w0, int64_t w1) {
  int64_t pos = std::max<int64_t>(w0, 0) + std::max<int64_t>(w1, 0),
          neg = std::max<int64_t>(-w0, 0) + std::max<int64_t>(-w1, 0);
  return 255 * pos <= 32767 && -255 * neg >= -32768;
}

/// An order of a convolution's `c` input channels (new position -> channel)
/// for the AVX2 `pairs` form: the channels at positions 2i and 2i + 1 share
/// vpmaddubsw's int16 pair in every tap, so the order pairs the channels
/// whose weights (`w`, [rows][c], rows = output channels x taps) rarely
/// overflow together (avx2PairFits), leaving fewer weights to the residual.
/// Empty where the identity is as good or the weights too dense with large
/// values to be worth it.
SmallVector<int32_t> avx2PairChannels(const std::vector<int64_t> &w, int64_t rows, int64_t c);

/// The part of weight `w` that the AVX2 `sign` form takes exactly (s8
/// activations times weights in [-127, 127]); w minus it (-1 for a -128)
/// is the residual that the same form runs separately.
inline int64_t avx2SignMain(int64_t w) { return std::max<int64_t>(w, -127); }

Value vnniMatmul(OpBuilder &b, Location loc, Value a, bool aSigned, const std::vector<int64_t> &w,
                 int64_t n, int64_t k, ArrayRef<int32_t> bias, const VnniEpilogue *epi,
                 ProductISA isa = {});

/// vnniMatmul over a convolution's im2col rows read in place (`rows`; the
/// product has N * OH * OW rows and K = kh * run).
Value vnniConvRows(OpBuilder &b, Location loc, const ImplicitRows &rows, bool aSigned,
                   const std::vector<int64_t> &w, int64_t n, ArrayRef<int32_t> bias,
                   const VnniEpilogue *epi, ProductISA isa);

/// The f32 product over a constant weight (n-major [N, K]) plus `bias`, in
/// ONNX Runtime's (MLAS's) order: blocks of 256 K elements each summed from
/// zero, then the bias (or, with `biasFirst`, the bias and then the blocks).
Value floatMatmul(OpBuilder &b, Location loc, Value a, const std::vector<double> &w, int64_t n,
                  int64_t k, ArrayRef<float> bias, bool zmm = true, bool biasFirst = false);

//===----------------------------------------------------------------------===//
// Direct convolutions (DirectConv.cpp)
//===----------------------------------------------------------------------===//

/// How the direct kernel reads its input: depthwise, grouped, and strided
/// through space-to-depth.
struct DirectLayout {
  bool depthwise = false;
  int64_t groups = 1;
  SmallVector<int64_t, 2> strides = {1, 1};
};

/// Whether a strided kernel covers whole stride blocks well enough for
/// space-to-depth onto the stride-1 kernel.
bool spaceToDepthPays(ArrayRef<int64_t> wShape, ArrayRef<int64_t> strides, ArrayRef<int64_t> dil);

Value vnniConvDirect(OpBuilder &b, Location loc, Value x, bool xSigned, int64_t zp,
                     ArrayRef<int64_t> pads, const std::vector<int64_t> &w,
                     ArrayRef<int64_t> wShape, ArrayRef<int64_t> outShape, ArrayRef<int64_t> dil,
                     ArrayRef<int32_t> bias, const VnniEpilogue &epi,
                     const DirectLayout &layout = {}, ProductISA isa = {});
/// A max pool (ONNX MaxPool's window, without ceil_mode's own rule: the
/// pooled shape is given) that an f32 direct convolution applies to its
/// output planes in registers, so that they never go to memory.
struct MaxPoolEpilogue {
  int64_t kernel[2], strides[2], dilations[2];
  int64_t padTop, padLeft, outH, outW;
};
/// Whether the f32 direct kernel can take a MaxPoolEpilogue: with AVX-512,
/// same-padded rows (IW = OW) and output planes of at most 96 pixels, whose
/// register tile then holds whole planes.
bool floatConvPoolFits(ArrayRef<int64_t> inShape, ArrayRef<int64_t> outShape,
                       const DirectLayout &layout, bool zmm);
/// The regrouped input of an f32 direct convolution with same-padded rows
/// (IW = OW): per image and channel a row of `total` floats, the plane at
/// `offset` and zeros around it (its top, bottom and side padding).
struct FlatRows {
  int64_t offset, total;
};
FlatRows flatRows(ArrayRef<int64_t> inShape, ArrayRef<int64_t> pads, ArrayRef<int64_t> wShape,
                  ArrayRef<int64_t> outShape, ArrayRef<int64_t> dil);
/// Marks the tensor.extract_slice of a FlatRows buffer whose padding
/// the producer zeroed (the next convolution then reads the buffer).
inline constexpr llvm::StringLiteral kZeroPaddedRowsAttr = "octet_cpu.zero_padded_rows";
/// A residual Add (and the clamp after it) that an f32 direct convolution
/// with same-padded rows applies before its stores: out = clamp(act(conv)
/// + x, lo, hi), the arithmetic of the separate ops.
struct ResidualEpilogue {
  Value x; // the other operand of the Add, the output's shape
  std::optional<float> lo, hi;
  bool xFirst = false; // x is the Add's left operand
};
/// Whether the f32 direct kernel takes a ResidualEpilogue: stride 1 with
/// same-padded rows (IW = OW).
bool floatConvResidualFits(ArrayRef<int64_t> inShape, ArrayRef<int64_t> outShape,
                           const DirectLayout &layout);
/// `padOut`: write the output planes as the next convolution's FlatRows
/// (same-padded rows; the result is a view of that buffer).
Value floatConvDirect(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> pads,
                      const std::vector<double> &w, ArrayRef<int64_t> wShape,
                      ArrayRef<int64_t> outShape, ArrayRef<int64_t> dil, ArrayRef<float> bias,
                      StringRef act, std::optional<float> lo, std::optional<float> hi,
                      const DirectLayout &layout = {}, bool zmm = true,
                      const MaxPoolEpilogue *pool = nullptr,
                      std::optional<FlatRows> padOut = std::nullopt,
                      const ResidualEpilogue *residual = nullptr);

//===----------------------------------------------------------------------===//
// f32 convolutions over output-channel vectors (ChannelConv.cpp)
//===----------------------------------------------------------------------===//

/// Whether floatConvOverChannels takes a convolution: output channels of
/// each group in whole vectors (16 lanes with zmm, 8 with ymm), and at
/// least `minProducts` products per output (C / groups x KH x KW).
bool floatConvOverChannelsFits(ArrayRef<int64_t> wShape, int64_t groups, bool zmm,
                               int64_t minProducts = 128);
/// An f32 convolution (any pads, strides and dilations) from NCHW to NCHW
/// with vectors over 16 (zmm) or 8 output channels and a tile of consecutive output
/// pixels, the input elements broadcast: no lanes lost to small planes, no
/// im2col rows or transposes. `act` as floatActivation's, then the
/// optional residual Add and clamp.
Value floatConvOverChannels(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> pads,
                            ArrayRef<int64_t> strides, ArrayRef<int64_t> dil,
                            const std::vector<double> &w, ArrayRef<int64_t> wShape,
                            ArrayRef<int64_t> outShape, ArrayRef<float> bias, StringRef act,
                            std::optional<float> lo, std::optional<float> hi,
                            const ResidualEpilogue *residual = nullptr, int64_t groups = 1,
                            bool zmm = true);

//===----------------------------------------------------------------------===//
// f32 strided depthwise convolutions (StridedDepthwise.cpp)
//===----------------------------------------------------------------------===//

/// What f32Windows does with a plane's windows: `plane` builds the values
/// one (image, channel) task uses (weights, a bias), `tap` folds tap
/// i * KW + k's 16 input elements into the accumulator, and `finish`
/// turns it into the 16 outputs.
struct WindowFns {
  std::function<SmallVector<Value>(OpBuilder &, Location, Value c)> plane;
  std::function<Value(OpBuilder &, Location, Value acc, Value v, int64_t tap,
                      ArrayRef<Value> state)>
      tap;
  std::function<Value(OpBuilder &, Location, Value acc, ArrayRef<Value> state)> finish;
};
/// Whether f32Windows takes an output of `outShape` at `strides`: strides
/// up to 4 along rows, rows of at most 256 outputs.
bool f32WindowsFit(ArrayRef<int64_t> strides, ArrayRef<int64_t> outShape);
/// A per-channel windowed f32 operation from NCHW to NCHW (any pads,
/// strides and dilations where f32WindowsFit)
/// with vectors of 16 output pixels read straight from the input planes:
/// each tap one read of 16 x stride elements and one shuffle, lanes in the
/// padding taking `padValue`, which the accumulators also start from.
Value f32Windows(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> pads,
                 ArrayRef<int64_t> strides, ArrayRef<int64_t> dil, int64_t kh, int64_t kw,
                 ArrayRef<int64_t> outShape, float padValue, const WindowFns &fns);
/// Whether floatDepthwiseStrided takes a depthwise convolution: a stride
/// over 1 (at most 4 along rows), rows of at most 256 outputs.
bool floatDepthwiseStridedFits(ArrayRef<int64_t> strides, ArrayRef<int64_t> outShape);
/// An f32 depthwise convolution (groups = C = F; any pads, strides and
/// dilations) from NCHW to NCHW, with vectors of 16 output pixels read
/// straight from the input planes: no padded or regrouped copy. `act` as
/// floatActivation's.
Value floatDepthwiseStrided(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> pads,
                            ArrayRef<int64_t> strides, ArrayRef<int64_t> dil,
                            const std::vector<double> &w, ArrayRef<int64_t> wShape,
                            ArrayRef<int64_t> outShape, ArrayRef<float> bias, StringRef act,
                            std::optional<float> lo, std::optional<float> hi);

//===----------------------------------------------------------------------===//
// im2col, layouts and weights (Im2col.cpp)
//===----------------------------------------------------------------------===//

SmallVector<float> floatBiasValues(const std::optional<ConstTensor> &bias, int64_t n);
/// [pixels, channels] rows to an NCHW tensor of `outShape`.
/// padNCHW for the CPU kernels: f32 planes written once, row by row, with
/// 16-lane vectors (other element types: padNCHW's tensor.pad).
Value padPlanes(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> pads, int64_t extraH,
                int64_t extraW, Value padValue);
/// A map of a vector of elements to another (an activation applied on the
/// way).
using ElementwiseFn = function_ref<Value(OpBuilder &, Location, Value)>;
/// `post`, when given, maps each vector of 16 output elements before it is
/// stored.
Value rowsToNCHW(OpBuilder &b, Location loc, Value rows, ArrayRef<int64_t> outShape,
                 ElementwiseFn post = nullptr);
/// A padded NCHW input channels-last, as [N, Hp, Wp * cp]: channels C ..
/// cp - 1 (cp >= C) hold `fill`.
Value channelsLastRows(OpBuilder &b, Location loc, Value xp, int64_t cp, Value fill,
                       ArrayRef<int32_t> channelOrder = {});
/// The [N * OH * OW, KH * KW * C] im2col rows of a padded NCHW input.
Value im2colRows(OpBuilder &b, Location loc, Value xp, ArrayRef<int64_t> outShape, int64_t kh,
                 int64_t kw, ArrayRef<int64_t> strides, ArrayRef<int64_t> dil);

/// A [F, C, KH, KW] weight reordered as [F, KH, KW, C] (im2col's rows).
template <typename T>
std::vector<T> weightTapsChannelsLast(const std::vector<T> &w, int64_t f, int64_t cin, int64_t kh,
                                      int64_t kw) {
  int64_t kk = cin * kh * kw;
  std::vector<T> wl(w.size());
  for (int64_t ff = 0; ff < f; ++ff)
    for (int64_t c = 0; c < cin; ++c)
      for (int64_t i = 0; i < kh; ++i)
        for (int64_t j = 0; j < kw; ++j)
          wl[ff * kk + (i * kw + j) * cin + c] = w[ff * kk + (c * kh + i) * kw + j];
  return wl;
}

/// The effective weight w - w_zp of a constant, n-major [N, K], when every
/// value fits in int8.
std::optional<std::vector<int64_t>> int8Rows(const ConstTensor &c,
                                             function_ref<int64_t(int64_t)> zp, int64_t n,
                                             int64_t k, bool nMajor);
std::optional<std::vector<int64_t>> vnniWeight(Value weight, const QInfo &w, int64_t n, int64_t k,
                                               bool nMajor);
std::optional<std::vector<double>> floatWeight(Value weight, int64_t n, int64_t k, bool nMajor);

} // namespace mlir::octet::cpu

#endif // OCTET_LIB_TARGET_CPU_KERNELS_KERNELS_H
