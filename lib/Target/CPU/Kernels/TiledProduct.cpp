//===- TiledProduct.cpp - register-tiled int8 and f32 matrix products -------===//
//
// The 4x64 vpdpbusd register tile (octet_cpu.dot4) over a packed constant
// weight, and the same tile with FMAs for f32.
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

/// The register-tiled product behind vnniMatmul and floatMatmul: int8 with
/// `w`/`bias`, or f32 with `fw`/`fbias` (one FMA per accumulator and element
/// of K, weight packed [N/16][K][16]).
Value tiledProduct(OpBuilder &b, Location loc, Value a, bool aSigned,
                          const std::vector<int64_t> *w, const std::vector<double> *fw,
                          int64_t n, int64_t k, ArrayRef<int32_t> bias, ArrayRef<float> fbias,
                          const VnniEpilogue *epi, ProductISA isa) {
  bool isFloat = fw != nullptr;
  Type i8 = b.getI8Type(), i32 = b.getI32Type(), f32 = b.getF32Type();
  Type accEl = isFloat ? f32 : i32;
  int64_t m = rtt(a).getDimSize(0);
  int64_t kp = isFloat ? k : (k + 3) / 4 * 4, np = (n + 15) / 16 * 16;
  // The exact AVX2 form the weights allow (see vnniMatmul).
  StringRef avx2Mode;
  SmallVector<int32_t> signBias;
  ArrayRef<int32_t> u8Bias = bias; // the bias of the u8 form (bounds)
  if (!isFloat && isa.int8 == Int8ISA::AVX2) {
    bool pairs = true, narrow = true;
    for (int64_t nn = 0; nn < n; ++nn)
      for (int64_t kk = 0; kk < k; kk += 2) {
        int64_t w0 = (*w)[nn * k + kk], w1 = kk + 1 < k ? (*w)[nn * k + kk + 1] : 0;
        pairs = pairs && 255 * (std::abs(w0) + std::abs(w1)) <= 32767;
        narrow = narrow && w0 >= -127 && w1 >= -127;
      }
    avx2Mode = pairs ? "pairs" : narrow ? "sign" : "wide";
    if (avx2Mode == "sign") {
      // s8 activations a - 128 of the u8 form: the bias gains 128 sum(w).
      signBias.assign(bias.begin(), bias.end());
      for (int64_t nn = 0; nn < n; ++nn) {
        int64_t s = 0;
        for (int64_t kk = 0; kk < k; ++kk)
          s += (*w)[nn * k + kk];
        signBias[nn] = (int32_t)(signBias[nn] + 128 * s);
      }
      bias = signBias;
      // The u8 form of s8 inputs is a ^ 0x80; its s8 form is a itself.
      aSigned = !aSigned;
    }
  }
  if (aSigned) // s8 -> u8 by adding 128 (the bias carries the correction)
    a = elementwise(b, loc, rtt(a).getShape(), i8, {a},
                    [&](OpBuilder &nb, Location l, ValueRange v) -> Value {
                      return arith::XOrIOp::create(nb, l, v[0], cstInt(nb, l, -128, i8));
                    });
  if (kp != k) {
    SmallVector<OpFoldResult> lo = {b.getIndexAttr(0), b.getIndexAttr(0)},
                              hi = {b.getIndexAttr(0), b.getIndexAttr(kp - k)};
    a = tensor::PadOp::create(b, loc, RankedTensorType::get({m, kp}, i8), a, lo, hi,
                              cstInt(b, loc, 0, i8));
  }
  // Packed weight, padded bias and multipliers.
  ConstTensor packed;
  Value biasT;
  if (isFloat) {
    packed.isFloat = true;
    packed.shape = {np / 16, k, 16};
    packed.f.assign(np * k, 0.0);
    for (int64_t nn = 0; nn < n; ++nn)
      for (int64_t kk = 0; kk < k; ++kk)
        packed.f[((nn / 16) * k + kk) * 16 + nn % 16] = (*fw)[nn * k + kk];
    SmallVector<float> bp(fbias.begin(), fbias.end());
    bp.resize(np, 0.0f);
    biasT = vectorConstF32(b, loc, bp);
  } else {
    packed.shape = {np / 16, kp / 4, 64};
    packed.i.assign(np * kp, 0);
    for (int64_t nn = 0; nn < n; ++nn)
      for (int64_t kk = 0; kk < k; ++kk)
        packed.i[((nn / 16) * (kp / 4) + kk / 4) * 64 + (nn % 16) * 4 + kk % 4] =
            (*w)[nn * k + kk];
    SmallVector<int32_t> biasPadded(bias.begin(), bias.end());
    biasPadded.resize(np, 0);
    biasT = vectorConstI32(b, loc, biasPadded);
  }
  auto pT = RankedTensorType::get(packed.shape, isFloat ? f32 : i8);
  Value bp = arith::ConstantOp::create(b, loc, pT, cast<TypedAttr>(packed.write(pT)));
  SmallVector<Value> epiT;
  bool guard = false, roundByAdd = false;
  if (epi) {
    epiT = epi->constants(b, loc, np);
    guard = productMayOverflow(*epi, *w, n, k, u8Bias);
    roundByAdd = fixedPointRoundsByAdd(*epi, *w, n, k, u8Bias);
  }
  Type outEl = epi ? i8 : accEl;
  Value c = emptyLike(b, loc, {m, np}, outEl);

  auto idx = cstIndex;
  auto v16 = VectorType::get({16}, accEl), v64 = VectorType::get({64}, i8),
       v4 = VectorType::get({4}, i8), v1 = VectorType::get({1}, i32);
  // Rows [m0, m1) in blocks of `rows`, column blocks [nb0, nb1) of 16 in
  // groups of `cols`: rows x cols accumulators stay in registers.
  auto tileLoop = [&](Value cIn, int64_t m0, int64_t m1, int64_t rows, int64_t nb0,
                      int64_t nb1, int64_t cols) -> Value {
    if (m1 <= m0 || nb1 <= nb0)
      return cIn;
    // The tile at rows [mi, mi + rows) and column blocks [nbi, nbi + cols).
    auto tile = [&](OpBuilder &nb, Location nl, Value mi, Value nbi, Value cTile) -> Value {
      ValueRange nargs(cTile);
      {
        {
                SmallVector<Value> rowIdx, blk, colIdx, accs;
                Value pad32 = isFloat ? (Value)arith::ConstantOp::create(
                                            nb, nl, nb.getF32FloatAttr(0.0f))
                                      : cstInt(nb, nl, 0, i32);
                for (int64_t r = 0; r < rows; ++r)
                  rowIdx.push_back(arith::AddIOp::create(nb, nl, mi, idx(nb, nl, r)));
                for (int64_t j = 0; j < cols; ++j) {
                  blk.push_back(arith::AddIOp::create(nb, nl, nbi, idx(nb, nl, j)));
                  colIdx.push_back(arith::MulIOp::create(nb, nl, blk.back(), idx(nb, nl, 16)));
                }
                SmallVector<Value> biasVecs;
                for (int64_t j = 0; j < cols; ++j)
                  biasVecs.push_back(vector::TransferReadOp::create(
                      nb, nl, v16, biasT, ValueRange{colIdx[j]}, pad32, ArrayRef<bool>{true}));
                for (int64_t r = 0; r < rows; ++r)
                  for (int64_t j = 0; j < cols; ++j)
                    accs.push_back(biasVecs[j]);
                auto kloop = scf::ForOp::create(
                    nb, nl, idx(nb, nl, 0), idx(nb, nl, isFloat ? k : kp / 4), idx(nb, nl, 1),
                    accs, [&](OpBuilder &kb, Location kl, Value kq, ValueRange kargs) {
                      if (isFloat) {
                        // One FMA per accumulator: weight vectors times the
                        // broadcast element a[row][kq].
                        Value padf = arith::ConstantOp::create(kb, kl, kb.getF32FloatAttr(0.0f));
                        SmallVector<Value> wv, next;
                        for (int64_t j = 0; j < cols; ++j)
                          wv.push_back(vector::TransferReadOp::create(
                              kb, kl, v16, bp, ValueRange{blk[j], kq, idx(kb, kl, 0)}, padf,
                              ArrayRef<bool>{true}));
                        for (int64_t r = 0; r < rows; ++r) {
                          Value av = tensor::ExtractOp::create(kb, kl, a, ValueRange{rowIdx[r], kq});
                          Value ab = vector::BroadcastOp::create(kb, kl, v16, av);
                          for (int64_t j = 0; j < cols; ++j)
                            next.push_back(vector::FMAOp::create(kb, kl, ab, wv[j],
                                                                 kargs[r * cols + j]));
                        }
                        scf::YieldOp::create(kb, kl, next);
                        return;
                      }
                      Value pad8 = cstInt(kb, kl, 0, i8);
                      SmallVector<Value> bis;
                      for (int64_t j = 0; j < cols; ++j) {
                        Value bv = vector::TransferReadOp::create(
                            kb, kl, v64, bp, ValueRange{blk[j], kq, idx(kb, kl, 0)}, pad8,
                            ArrayRef<bool>{true});
                        bis.push_back(vector::BitCastOp::create(kb, kl, v16, bv));
                      }
                      Value k4 = arith::MulIOp::create(kb, kl, kq, idx(kb, kl, 4));
                      SmallVector<Value> next;
                      for (int64_t r = 0; r < rows; ++r) {
                        Value a4 = vector::TransferReadOp::create(
                            kb, kl, v4, a, ValueRange{rowIdx[r], k4}, pad8, ArrayRef<bool>{true});
                        Value a1 = vector::BitCastOp::create(kb, kl, v1, a4);
                        Value sc = vector::ExtractOp::create(kb, kl, a1, ArrayRef<int64_t>{0});
                        Value ab = vector::BroadcastOp::create(kb, kl, v16, sc);
                        for (int64_t j = 0; j < cols; ++j) {
                          auto dot = Dot4Op::create(kb, kl, v16, kargs[r * cols + j], ab, bis[j]);
                          if (!avx2Mode.empty())
                            dot->setAttr("octet_cpu.avx2", kb.getStringAttr(avx2Mode));
                          next.push_back(dot);
                        }
                      }
                      scf::YieldOp::create(kb, kl, next);
                    });
                SmallVector<SmallVector<Value>> params;
                if (epi)
                  for (int64_t j = 0; j < cols; ++j)
                    params.push_back(epi->vectors(nb, nl, epiT, colIdx[j], /*perLane=*/true));
                Value cur = nargs[0];
                if (epi && cols == 4) { // 64 contiguous bytes of each row
                  for (int64_t r = 0; r < rows; ++r) {
                    SmallVector<Value> four;
                    for (int64_t j = 0; j < 4; ++j)
                      four.push_back(kloop.getResult(r * cols + j));
                    Value v = vnniRequant4(nb, nl, four, params, *epi, guard, roundByAdd);
                    cur = vector::TransferWriteOp::create(nb, nl, v, cur,
                                                          ValueRange{rowIdx[r], colIdx[0]},
                                                          ArrayRef<bool>{true})
                              .getResult();
                  }
                  return cur;
                }
                for (int64_t r = 0; r < rows; ++r)
                  for (int64_t j = 0; j < cols; ++j) {
                    Value v = kloop.getResult(r * cols + j);
                    if (epi)
                      v = vnniRequant(nb, nl, v, params[j], *epi);
                    cur = vector::TransferWriteOp::create(nb, nl, v, cur,
                                                          ValueRange{rowIdx[r], colIdx[j]},
                                                          ArrayRef<bool>{true})
                              .getResult();
                  }
                return cur;
        }
      }
    };
    // Rows outer (a row block stays in L1 while the whole weight streams
    // past it) unless the packed weight is larger than half an L2 and the
    // activations are at most 2 MB: then column panels outer, so each
    // weight panel (64 columns x K) is loaded once and reused by every row.
    // Measured on znver4: 256x3072x768 1.51 -> 1.22 ms, 1024^3 unchanged.
    int64_t bytes = isFloat ? 4 : 1;
    bool panelsOuter = np * kp * bytes > (512 << 10) && m * kp * bytes <= (2048 << 10);
    auto loop = [&](OpBuilder &ob, Location l, int64_t lo, int64_t hi, int64_t step, Value init,
                    function_ref<Value(OpBuilder &, Location, Value, Value)> body) {
      // Every (row block, column group) tile writes its own part of C.
      return constParallelLoop(ob, l, lo, hi, step, ValueRange{init},
                       [&](OpBuilder &ib, Location il, Value iv, ValueRange args) {
                         return SmallVector<Value>{body(ib, il, iv, args[0])};
                       })[0];
    };
    if (panelsOuter)
      return loop(b, loc, nb0, nb1, cols, cIn, [&](OpBuilder &ob, Location l, Value nbi, Value c0) {
        return loop(ob, l, m0, m1, rows, c0, [&](OpBuilder &ib, Location il, Value mi, Value c1) {
          return tile(ib, il, mi, nbi, c1);
        });
      });
    return loop(b, loc, m0, m1, rows, cIn, [&](OpBuilder &ob, Location l, Value mi, Value c0) {
      return loop(ob, l, nb0, nb1, cols, c0, [&](OpBuilder &ib, Location il, Value nbi, Value c1) {
        return tile(ib, il, mi, nbi, c1);
      });
    });
  };
  // Column groups of 4, 2 and 1 blocks of 16.
  int64_t blocks = np / 16, blocks4 = blocks / 4 * 4, blocks2 = blocks / 2 * 2;
  blocks2 = std::max(blocks2, blocks4);
  // Narrower column groups take more rows, so that a tile still has 12-16
  // accumulators to cover the FMA / vpdpbusd latency (a 4 x 16 tile of a
  // 10-column layer ran at half speed); leftover rows in 4s, then 1s.
  // With 16 registers of 256 bits (no AVX-512), a 16-lane accumulator takes
  // two: 8 accumulator registers for int8 (whose dot products need
  // temporaries), 12 for f32, and no 4-row remainder tiles.
  auto colGroup = [&](Value cIn, int64_t nb0, int64_t nb1, int64_t cols) -> Value {
    int64_t rows = cols >= 4 ? 4 : cols == 2 ? 8 : 12;
    if (!isa.zmm)
      rows = isFloat ? (cols >= 4 ? 1 : cols == 2 ? 3 : 6) : (cols >= 4 ? 1 : cols == 2 ? 2 : 4);
    int64_t main = m / rows * rows, main4 = main + (isa.zmm ? (m - main) / 4 * 4 : 0);
    cIn = tileLoop(cIn, 0, main, rows, nb0, nb1, cols);
    cIn = tileLoop(cIn, main, main4, 4, nb0, nb1, cols);
    return tileLoop(cIn, main4, m, 1, nb0, nb1, cols);
  };
  c = colGroup(c, 0, blocks4, 4);
  c = colGroup(c, blocks4, blocks2, 2);
  c = colGroup(c, blocks2, blocks, 1);
  if (np != n) {
    SmallVector<OpFoldResult> offs = {b.getIndexAttr(0), b.getIndexAttr(0)},
                              sizes = {b.getIndexAttr(m), b.getIndexAttr(n)},
                              strides = {b.getIndexAttr(1), b.getIndexAttr(1)};
    c = tensor::ExtractSliceOp::create(b, loc, RankedTensorType::get({m, n}, outEl), c, offs,
                                       sizes, strides);
  }
  return c;
}

/// C[M, N] = bias + A[M, K] x W^T, where W[N, K] is a constant int8 matrix
/// (`w`, n-major) and A holds u8 (or s8 values, shifted to u8 here; the
/// caller's bias carries the correction). The weight is packed at compile
/// time into [N/16][K/4][16 lanes][4 bytes]. The kernel keeps a 4 x 64 tile
/// of C (16 zmm accumulators, started from the bias) in registers and issues
/// one vpdpbusd (octet.dot4) per accumulator and 4-byte slice of K,
/// broadcasting the activation bytes. With `epi` the requantization runs on
/// the accumulators and C holds 8-bit results; otherwise int32.
Value vnniMatmul(OpBuilder &b, Location loc, Value a, bool aSigned,
                 const std::vector<int64_t> &w, int64_t n, int64_t k,
                 ArrayRef<int32_t> bias, const VnniEpilogue *epi, ProductISA isa) {
  return tiledProduct(b, loc, a, aSigned, &w, nullptr, n, k, bias, {}, epi, isa);
}

/// C[M, N] = bias + A[M, K] x W^T in f32 for a constant W[N, K] (n-major):
/// a 4 x 64 tile of accumulators in registers, one FMA per accumulator and
/// element of K with the A element broadcast.
Value floatMatmul(OpBuilder &b, Location loc, Value a, const std::vector<double> &w, int64_t n,
                  int64_t k, ArrayRef<float> bias, bool zmm) {
  return tiledProduct(b, loc, a, false, nullptr, &w, n, k, {}, bias, nullptr,
                      ProductISA{Int8ISA::None, zmm});
}

} // namespace mlir::octet::cpu
