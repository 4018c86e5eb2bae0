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

#include <algorithm>
#include <cmath>
#include <limits>
#include "Kernels.h"

using namespace mlir;
using namespace mlir::octet;

namespace mlir::octet::cpu {

namespace {
/// The weights of an AVX2 form split into a main part that the form takes
/// exactly and a sparse residual: `quads` lists, per column block of 16, the
/// K quads where the residual is not zero (CSR, `offsets` per block), and
/// `packed` holds those [16 lanes][4 bytes] residual slices in that order.
struct Avx2Split {
  std::vector<int64_t> main;
  SmallVector<int32_t> offsets, quads;
  std::vector<int64_t> packed;
  int64_t blockQuads() const { return (int64_t)quads.size(); }
};

/// Splits W[n][k] for the `pairs` form (u8 activations: each adjacent pair
/// fits vpmaddubsw's int16, avx2PairFits: its positive weights sum to at
/// most 128 and so do its negative ones' magnitudes) or the `sign` form (s8
/// activations times |w| <= 127: 2 x 128 x 127 fits). A pairs offender is
/// halved (trunc(w / 2) stays, the rest moves: both halves' weights are at
/// most 64 in magnitude); a -128 of the sign form becomes
/// -127 + -1. Main plus residual is W, and each part's pairs are in bounds.
Avx2Split avx2Split(const std::vector<int64_t> &w, int64_t n, int64_t k, bool sign) {
  Avx2Split s;
  s.main = w;
  std::vector<int64_t> res(w.size(), 0);
  bool any = false;
  for (int64_t nn = 0; nn < n; ++nn)
    for (int64_t kk = 0; kk < k; kk += 2) {
      int64_t *m = &s.main[nn * k + kk];
      int64_t *r = &res[nn * k + kk];
      int64_t cnt = kk + 1 < k ? 2 : 1;
      if (sign) {
        for (int64_t e = 0; e < cnt; ++e)
          if (int64_t keep = avx2SignMain(m[e]); keep != m[e]) {
            r[e] = m[e] - keep;
            m[e] = keep;
            any = true;
          }
        continue;
      }
      int64_t w1 = cnt == 2 ? m[1] : 0;
      if (avx2PairFits(m[0], w1))
        continue;
      for (int64_t e = 0; e < cnt; ++e) {
        r[e] = m[e] - m[e] / 2;
        m[e] /= 2;
      }
      any = true;
    }
  int64_t blocks = (n + 15) / 16, quadsK = (k + 3) / 4;
  s.offsets.push_back(0);
  if (!any) {
    s.offsets.assign(blocks + 1, 0);
    return s;
  }
  for (int64_t blk = 0; blk < blocks; ++blk) {
    for (int64_t q = 0; q < quadsK; ++q) {
      bool nz = false;
      for (int64_t l = 0; l < 16 && !nz; ++l)
        for (int64_t e = 0; e < 4 && !nz; ++e) {
          int64_t nn = blk * 16 + l, kk = q * 4 + e;
          nz = nn < n && kk < k && res[nn * k + kk] != 0;
        }
      if (!nz)
        continue;
      s.quads.push_back((int32_t)q);
      for (int64_t l = 0; l < 16; ++l)
        for (int64_t e = 0; e < 4; ++e) {
          int64_t nn = blk * 16 + l, kk = q * 4 + e;
          s.packed.push_back(nn < n && kk < k ? res[nn * k + kk] : 0);
        }
    }
    s.offsets.push_back((int32_t)s.quads.size());
  }
  return s;
}
} // namespace

SmallVector<int32_t> avx2PairChannels(const std::vector<int64_t> &w, int64_t rows, int64_t c) {
  // (The c x c table stays under 16 MB.)
  if (c < 4 || c % 2 || c > 2048)
    return {};
  // cost[p][q]: the rows where channels p and q would not fit one pair. Only
  // a pair holding a weight over 64 in magnitude can fail, so each row's
  // such weights are tried against the row's other channels.
  auto big = [](int64_t v) { return v > 64 || v < -64; };
  // Weights this dense in large values take the sign form anyway (counted
  // before any pair is tried: the layers over the limit cost a pass over
  // the weights, not 64 M tries).
  int64_t work = 0;
  for (int64_t e = 0; e < rows * c; ++e)
    work += big(w[e]) ? c : 0;
  if (work > (int64_t(64) << 20))
    return {};
  std::vector<int32_t> cost(c * c, 0);
  // A weight wp > 64 fails beside wq >= 129 - wp, one under -64 beside
  // wq <= -129 - wp (avx2PairFits); of two large weights the pair is
  // counted once (from the lower channel). Counted in row p only (straight
  // loops over the row as int32, which vectorize), made symmetric below.
  std::vector<int32_t> wr(c);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t q = 0; q < c; ++q)
      wr[q] = (int32_t)w[r * c + q];
    for (int64_t p = 0; p < c; ++p) {
      int32_t wp = wr[p];
      if (!big(wp))
        continue;
      int32_t *row = &cost[p * c];
      if (wp > 0) {
        int32_t t = 129 - wp;
        for (int64_t q = 0; q < p; ++q)
          row[q] += (wr[q] >= t) & (wr[q] <= 64);
        for (int64_t q = p + 1; q < c; ++q)
          row[q] += wr[q] >= t;
      } else {
        int32_t t = -129 - wp;
        for (int64_t q = 0; q < p; ++q)
          row[q] += (wr[q] <= t) & (wr[q] >= -64);
        for (int64_t q = p + 1; q < c; ++q)
          row[q] += wr[q] <= t;
      }
    }
  }
  for (int64_t p = 0; p < c; ++p)
    for (int64_t q = p + 1; q < c; ++q)
      cost[p * c + q] = cost[q * c + p] = cost[p * c + q] + cost[q * c + p];
  int64_t identity = 0;
  for (int64_t p = 0; p < c; p += 2)
    identity += cost[p * c + p + 1];
  if (identity == 0)
    return {};
  // Greedy: the channels with the most conflicts first, each with the free
  // channel it conflicts with least; then swaps between two pairs while
  // one lowers the total.
  SmallVector<int64_t> order(c), total(c, 0);
  for (int64_t p = 0; p < c; ++p) {
    order[p] = p;
    for (int64_t q = 0; q < c; ++q)
      total[p] += cost[p * c + q];
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](int64_t a, int64_t b) { return total[a] > total[b]; });
  std::vector<bool> used(c, false);
  SmallVector<std::pair<int64_t, int64_t>> pairs;
  for (int64_t p : order) {
    if (used[p])
      continue;
    used[p] = true;
    int64_t best = -1;
    for (int64_t q = 0; q < c; ++q)
      if (!used[q] && (best < 0 || cost[p * c + q] < cost[p * c + best]))
        best = q;
    used[best] = true;
    pairs.push_back({p, best});
  }
  auto at = [&](int64_t a, int64_t b) { return (int64_t)cost[a * c + b]; };
  // Each pair's own cost, kept beside the pairs: two pairs that both cost
  // nothing cannot improve (costs are not negative), and are passed over
  // without touching the c x c table (resnet50's 2048 channels: 16 sweeps
  // of half a million random reads, most of them cache misses).
  SmallVector<int64_t> own;
  for (auto [a, b] : pairs)
    own.push_back(at(a, b));
  for (int sweep = 0; sweep < 16; ++sweep) {
    bool changed = false;
    for (size_t i = 0; i < pairs.size(); ++i)
      for (size_t j = i + 1; j < pairs.size(); ++j) {
        if (own[i] == 0 && own[j] == 0)
          continue;
        auto [a, b] = pairs[i];
        auto [d, e] = pairs[j];
        int64_t now = own[i] + own[j], x = at(a, d) + at(b, e), y = at(a, e) + at(b, d);
        if (x < now && x <= y) {
          pairs[i] = {a, d};
          pairs[j] = {b, e};
          changed = true;
        } else if (y < now) {
          pairs[i] = {a, e};
          pairs[j] = {b, d};
          changed = true;
        } else {
          continue;
        }
        own[i] = at(pairs[i].first, pairs[i].second);
        own[j] = at(pairs[j].first, pairs[j].second);
      }
    if (!changed)
      break;
  }
  int64_t paired = 0;
  for (auto [a, b] : pairs)
    paired += at(a, b);
  if (paired >= identity)
    return {};
  // In channel order where that keeps the result (for readable IR).
  llvm::sort(pairs, [](auto x, auto y) { return std::min(x.first, x.second) < std::min(y.first, y.second); });
  SmallVector<int32_t> out;
  for (auto [a, b] : pairs) {
    out.push_back((int32_t)std::min(a, b));
    out.push_back((int32_t)std::max(a, b));
  }
  return out;
}

/// The register-tiled product behind vnniMatmul and floatMatmul: int8 with
/// `w`/`bias`, or f32 with `fw`/`fbias` (one FMA per accumulator and element
/// of K, weight packed [N/16][K][16]).
Value tiledProduct(OpBuilder &b, Location loc, Value a, bool aSigned,
                          const std::vector<int64_t> *w, const std::vector<double> *fw,
                          int64_t n, int64_t k, ArrayRef<int32_t> bias, ArrayRef<float> fbias,
                          const VnniEpilogue *epi, ProductISA isa,
                          const ImplicitRows *conv = nullptr, bool fBiasFirst = false) {
  bool isFloat = fw != nullptr;
  Type i8 = b.getI8Type(), i32 = b.getI32Type(), f32 = b.getF32Type();
  Type accEl = isFloat ? f32 : i32;
  // With `conv`, A's rows are read in place from the convolution's input.
  assert((!conv || (!isFloat && k == conv->kh * conv->run && conv->run % 4 == 0)) &&
         "implicit rows: int8, whole K quads per run");
  int64_t m = conv ? rtt(conv->src).getDimSize(0) * conv->oh * conv->ow : rtt(a).getDimSize(0);
  if (conv)
    a = conv->src;
  int64_t kp = isFloat ? k : (k + 3) / 4 * 4, np = (n + 15) / 16 * 16;
  // The exact AVX2 form the weights allow (docs/cpu-backend.md, "Int8
  // kernels on each ISA"): `pairs` or `sign` for the whole weight, with the
  // few weights that form cannot take exactly moved to a sparse residual
  // (per column block of 16 and quad of K, run after the main loop), or
  // `wide`; the cheapest by an estimate of instructions per block-quad.
  StringRef avx2Mode;
  SmallVector<int32_t> signBias;
  ArrayRef<int32_t> u8Bias = bias; // the bias of the u8 form (bounds)
  const std::vector<int64_t> *wMain = w;
  Avx2Split split;
  if (!isFloat && isa.int8 == Int8ISA::AVX2) {
    Avx2Split pairsSplit = avx2Split(*w, n, k, /*sign=*/false),
              signSplit = avx2Split(*w, n, k, /*sign=*/true);
    double quads = double(np / 16) * double(kp / 4);
    // Per block-quad: a main step (two vpmaddubsw + vpmaddwd + vpaddd, the
    // broadcast shared by the tile's blocks), a residual step (its own index,
    // broadcast and loop), or the 16-bit products.
    double pairsCost = 6.5 * quads + 12.0 * pairsSplit.blockQuads(),
           signCost = 8.5 * quads + 14.0 * signSplit.blockQuads(), wideCost = 30.0 * quads;
    if (pairsCost <= signCost && pairsCost <= wideCost) {
      avx2Mode = "pairs";
      split = std::move(pairsSplit);
    } else if (signCost <= wideCost) {
      avx2Mode = "sign";
      split = std::move(signSplit);
    } else {
      avx2Mode = "wide";
    }
    if (!split.quads.empty())
      wMain = &split.main;
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
  if (kp != k && !conv) {
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
            (*wMain)[nn * k + kk];
    SmallVector<int32_t> biasPadded(bias.begin(), bias.end());
    biasPadded.resize(np, 0);
    biasT = vectorConstI32(b, loc, biasPadded);
  }
  auto pT = RankedTensorType::get(packed.shape, isFloat ? f32 : i8);
  Value bp = arith::ConstantOp::create(b, loc, pT, cast<TypedAttr>(packed.write(pT)));
  Value resOffT, resQuadT, resT;
  if (!split.quads.empty()) {
    ConstTensor rp;
    rp.shape = {split.blockQuads(), 64};
    rp.i = split.packed;
    auto rT = RankedTensorType::get(rp.shape, i8);
    resT = arith::ConstantOp::create(b, loc, rT, cast<TypedAttr>(rp.write(rT)));
    resOffT = i32Table(b, loc, split.offsets);
    resQuadT = i32Table(b, loc, split.quads);
  }
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
  // A[row][k4 .. k4 + 3] as one i32, broadcast to the 16 lanes; with
  // `conv`, `row` stands for the pixel's (n, y, x * C) position in the
  // input (`y` already moved to the kernel row of k4, `k4` the offset in
  // that row's run).
  struct ARow {
    Value row;       // A's row, or the image n
    Value y, x;      // with conv: the window's top row and first element
  };
  auto broadcastA = [&](OpBuilder &kb, Location kl, const ARow &r, Value y, Value k4) -> Value {
    Value a4;
    if (conv)
      a4 = vector::TransferReadOp::create(
          kb, kl, v4, a, ValueRange{r.row, y, arith::AddIOp::create(kb, kl, r.x, k4)},
          cstInt(kb, kl, 0, i8), ArrayRef<bool>{true});
    else
      a4 = vector::TransferReadOp::create(kb, kl, v4, a, ValueRange{r.row, k4},
                                          cstInt(kb, kl, 0, i8), ArrayRef<bool>{true});
    Value a1 = vector::BitCastOp::create(kb, kl, v1, a4);
    Value sc = vector::ExtractOp::create(kb, kl, a1, ArrayRef<int64_t>{0});
    return vector::BroadcastOp::create(kb, kl, v16, sc);
  };
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
                // Where each row's activations are: A's row, or the
                // pixel's window in the convolution's input.
                SmallVector<ARow> arows;
                for (int64_t r = 0; r < rows; ++r) {
                  if (!conv) {
                    arows.push_back({rowIdx[r], Value(), Value()});
                    continue;
                  }
                  Value px = idx(nb, nl, conv->oh * conv->ow);
                  Value img = arith::DivUIOp::create(nb, nl, rowIdx[r], px);
                  Value rem = arith::RemUIOp::create(nb, nl, rowIdx[r], px);
                  Value oy = arith::DivUIOp::create(nb, nl, rem, idx(nb, nl, conv->ow));
                  Value ox = arith::RemUIOp::create(nb, nl, rem, idx(nb, nl, conv->ow));
                  arows.push_back(
                      {img, arith::MulIOp::create(nb, nl, oy, idx(nb, nl, conv->sh)),
                       arith::MulIOp::create(nb, nl, ox, idx(nb, nl, conv->sw * conv->c))});
                }
                // The input rows of kernel row `i` (conv only).
                auto windowRows = [&](OpBuilder &kb, Location kl, Value i) {
                  SmallVector<Value> ys;
                  if (conv)
                    for (int64_t r = 0; r < rows; ++r)
                      ys.push_back(arith::AddIOp::create(
                          kb, kl, arows[r].y,
                          arith::MulIOp::create(kb, kl, i, idx(kb, kl, conv->dh))));
                  return ys;
                };
                // One K quad of every accumulator: weight quad `kq`, the
                // activations at offset `k4` (of A's row, or of the run at
                // rows `ys`).
                auto int8Step = [&](OpBuilder &kb, Location kl, Value kq, ArrayRef<Value> ys,
                                    Value k4, ValueRange kargs) {
                  Value pad8 = cstInt(kb, kl, 0, i8);
                  SmallVector<Value> bis;
                  for (int64_t j = 0; j < cols; ++j) {
                    Value bv = vector::TransferReadOp::create(
                        kb, kl, v64, bp, ValueRange{blk[j], kq, idx(kb, kl, 0)}, pad8,
                        ArrayRef<bool>{true});
                    bis.push_back(vector::BitCastOp::create(kb, kl, v16, bv));
                  }
                  SmallVector<Value> next;
                  for (int64_t r = 0; r < rows; ++r) {
                    Value ab = broadcastA(kb, kl, arows[r], ys.empty() ? Value() : ys[r], k4);
                    for (int64_t j = 0; j < cols; ++j) {
                      auto dot = Dot4Op::create(kb, kl, v16, kargs[r * cols + j], ab, bis[j]);
                      if (!avx2Mode.empty())
                        dot->setAttr("octet_cpu.avx2", kb.getStringAttr(avx2Mode));
                      next.push_back(dot);
                    }
                  }
                  return next;
                };
                scf::ForOp kloop;
                if (conv) {
                  // Kernel rows outer, each run's quads inner.
                  int64_t runQuads = conv->run / 4;
                  kloop = scf::ForOp::create(
                      nb, nl, idx(nb, nl, 0), idx(nb, nl, conv->kh), idx(nb, nl, 1), accs,
                      [&](OpBuilder &ob, Location ol, Value i, ValueRange oargs) {
                        SmallVector<Value> ys = windowRows(ob, ol, i);
                        Value kq0 = arith::MulIOp::create(ob, ol, i, idx(ob, ol, runQuads));
                        auto inner = scf::ForOp::create(
                            ob, ol, idx(ob, ol, 0), idx(ob, ol, runQuads), idx(ob, ol, 1), oargs,
                            [&](OpBuilder &kb, Location kl, Value q, ValueRange kargs) {
                              Value kq = arith::AddIOp::create(kb, kl, kq0, q);
                              Value k4 = arith::MulIOp::create(kb, kl, q, idx(kb, kl, 4));
                              scf::YieldOp::create(kb, kl, int8Step(kb, kl, kq, ys, k4, kargs));
                            });
                        scf::YieldOp::create(ob, ol, inner.getResults());
                      });
                }
                auto kbody = [&](OpBuilder &kb, Location kl, Value kq, ValueRange kargs) {
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
                      Value k4 = arith::MulIOp::create(kb, kl, kq, idx(kb, kl, 4));
                      scf::YieldOp::create(kb, kl, int8Step(kb, kl, kq, {}, k4, kargs));
                    };
                SmallVector<Value> acc;
                if (conv) {
                  acc.assign(kloop.getResults().begin(), kloop.getResults().end());
                } else if (!isFloat) {
                  kloop = scf::ForOp::create(nb, nl, idx(nb, nl, 0), idx(nb, nl, kp / 4),
                                             idx(nb, nl, 1), accs, kbody);
                  acc.assign(kloop.getResults().begin(), kloop.getResults().end());
                } else {
                  // f32 in MLAS's order (ONNX Runtime's packed SGEMM):
                  // each block of 256 K elements summed from zero, the
                  // blocks added in turn to the bias (`fBiasFirst`, Gemm's
                  // C) or to each other with the bias last (MatMul + Add,
                  // convolutions). Calibration then sees ORT's values.
                  Value zero = arith::ConstantOp::create(
                      nb, nl, VectorType::get({16}, f32),
                      DenseElementsAttr::get(VectorType::get({16}, f32), 0.0f));
                  if (fBiasFirst)
                    acc.assign(accs.begin(), accs.end());
                  for (int64_t k0 = 0; k0 < k; k0 += 256) {
                    SmallVector<Value> z(rows * cols, zero);
                    auto block = scf::ForOp::create(nb, nl, idx(nb, nl, k0),
                                                    idx(nb, nl, std::min(k, k0 + 256)),
                                                    idx(nb, nl, 1), z, kbody);
                    if (acc.empty()) {
                      acc.assign(block.getResults().begin(), block.getResults().end());
                      continue;
                    }
                    for (int64_t e = 0; e < rows * cols; ++e)
                      acc[e] = arith::AddFOp::create(nb, nl, acc[e], block.getResult(e));
                  }
                  if (acc.empty())
                    acc.assign(rows * cols, zero);
                  if (!fBiasFirst)
                    for (int64_t e = 0; e < rows * cols; ++e)
                      acc[e] = arith::AddFOp::create(nb, nl, acc[e], accs[e]);
                }
                if (resT) {
                  // The residual: for each column block, its listed K quads.
                  auto toIndex = [&](OpBuilder &ib, Location il, Value t, Value i) -> Value {
                    return arith::IndexCastOp::create(
                        ib, il, ib.getIndexType(),
                        tensor::ExtractOp::create(ib, il, t, ValueRange{i}));
                  };
                  for (int64_t j = 0; j < cols; ++j) {
                    SmallVector<Value> init;
                    for (int64_t r = 0; r < rows; ++r)
                      init.push_back(acc[r * cols + j]);
                    Value lo = toIndex(nb, nl, resOffT, blk[j]);
                    Value hi = toIndex(
                        nb, nl, resOffT, arith::AddIOp::create(nb, nl, blk[j], idx(nb, nl, 1)));
                    auto rloop = scf::ForOp::create(
                        nb, nl, lo, hi, idx(nb, nl, 1), init,
                        [&](OpBuilder &kb, Location kl, Value e, ValueRange rargs) {
                          Value pad8 = cstInt(kb, kl, 0, i8);
                          Value k4 = arith::MulIOp::create(kb, kl, toIndex(kb, kl, resQuadT, e),
                                                           idx(kb, kl, 4));
                          SmallVector<Value> ys;
                          if (conv) { // the quad's kernel row and offset in its run
                            Value run = idx(kb, kl, conv->run);
                            ys = windowRows(kb, kl, arith::DivUIOp::create(kb, kl, k4, run));
                            k4 = arith::RemUIOp::create(kb, kl, k4, run);
                          }
                          Value rv = vector::TransferReadOp::create(
                              kb, kl, v64, resT, ValueRange{e, idx(kb, kl, 0)}, pad8,
                              ArrayRef<bool>{true});
                          Value ri = vector::BitCastOp::create(kb, kl, v16, rv);
                          SmallVector<Value> next;
                          for (int64_t r = 0; r < rows; ++r) {
                            Value ab =
                                broadcastA(kb, kl, arows[r], ys.empty() ? Value() : ys[r], k4);
                            auto dot = Dot4Op::create(kb, kl, v16, rargs[r], ab, ri);
                            dot->setAttr("octet_cpu.avx2", kb.getStringAttr(avx2Mode));
                            next.push_back(dot);
                          }
                          scf::YieldOp::create(kb, kl, next);
                        });
                    for (int64_t r = 0; r < rows; ++r)
                      acc[r * cols + j] = rloop.getResult(r);
                  }
                }
                SmallVector<SmallVector<Value>> params;
                if (epi)
                  for (int64_t j = 0; j < cols; ++j)
                    params.push_back(epi->vectors(nb, nl, epiT, colIdx[j], /*perLane=*/true));
                Value cur = nargs[0];
                if (epi && cols == 4) { // 64 contiguous bytes of each row
                  for (int64_t r = 0; r < rows; ++r) {
                    SmallVector<Value> four;
                    for (int64_t j = 0; j < 4; ++j)
                      four.push_back(acc[r * cols + j]);
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
                    Value v = acc[r * cols + j];
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
  // With 16 registers (no AVX-512) and int8, a 1 x 64 tile reads its 64
  // columns' weights from L1 once per row: where those 64 x K bytes pass
  // 24 KB they no longer stay in a 32 KB L1 (Zen 3 and 4; Zen 5 has 48 KB)
  // and each row would stream them from L2, so 4 x 16 tiles read each
  // weight vector once for 4 rows. (On this Zen 5, 1 x 64, 2 x 32 and
  // 4 x 16 tiles measured the same: 1024^3 9.85-9.88 ms.)
  if (!isa.zmm && !isFloat && 64 * kp > (24 << 10))
    blocks4 = blocks2 = 0;
  // f32 with 16 registers: 6 x 16 tiles only (12 accumulators, 2 weight
  // vectors and a broadcast per element of K). A 1 x 64 tile loaded 8
  // weight vectors for 8 FMAs, its 64 columns' panel (64 x K floats) from
  // L2 past K = 128: ConvNeXt's 196 x 384 x 1536 products 5.21 -> 2.65 ms
  // on Zen 3.
  if (!isa.zmm && isFloat)
    blocks4 = blocks2 = 0;
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
    // With AVX-512, the rows left after whole tiles go to the last tiles,
    // each up to 1.5x as tall (at most 24 accumulators), rather than to
    // 1-row tiles that stream the whole weight again for each row
    // (resnet50's 7x7 layers, M = 49: 12 x 4 + 1 rows, the 1-row tiles
    // 1.4 ms of its 85).
    int64_t q = m / rows, left = m % rows, extra = rows / 2;
    if (isa.zmm && left && q * extra >= left) {
      int64_t t = (left + extra - 1) / extra, tall = rows + left / t, taller = left % t;
      int64_t m0 = (q - t) * rows, m1 = m0 + (t - taller) * tall;
      cIn = tileLoop(cIn, 0, m0, rows, nb0, nb1, cols);
      cIn = tileLoop(cIn, m0, m1, tall, nb0, nb1, cols);
      return tileLoop(cIn, m1, m, tall + 1, nb0, nb1, cols);
    }
    // f32 with 16 registers: the rows left after whole 6-row tiles and
    // the last whole tile as two tiles of 3-6 rows (49: 7 x 6 + 4 + 3),
    // not 1-row tiles of 2 accumulators that stream the weight again.
    if (!isa.zmm && isFloat && rows == 6 && left && q >= 1) {
      int64_t m0 = (q - 1) * rows, t1 = (rows + left + 1) / 2;
      cIn = tileLoop(cIn, 0, m0, rows, nb0, nb1, cols);
      cIn = tileLoop(cIn, m0, m0 + t1, t1, nb0, nb1, cols);
      return tileLoop(cIn, m0 + t1, m, rows + left - t1, nb0, nb1, cols);
    }
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

Value vnniConvRows(OpBuilder &b, Location loc, const ImplicitRows &rows, bool aSigned,
                   const std::vector<int64_t> &w, int64_t n, ArrayRef<int32_t> bias,
                   const VnniEpilogue *epi, ProductISA isa) {
  return tiledProduct(b, loc, Value(), aSigned, &w, nullptr, n, rows.kh * rows.run, bias, {},
                      epi, isa, &rows);
}

/// C[M, N] = A[M, K] x W^T + bias in f32 for a constant W[N, K] (n-major):
/// a 4 x 64 tile of accumulators in registers, one FMA per accumulator and
/// element of K with the A element broadcast, in blocks of 256 K elements
/// (MLAS's order; `biasFirst`: bias + block 0 + block 1 ..., as ORT's Gemm).
Value floatMatmul(OpBuilder &b, Location loc, Value a, const std::vector<double> &w, int64_t n,
                  int64_t k, ArrayRef<float> bias, bool zmm, bool biasFirst) {
  return tiledProduct(b, loc, a, false, nullptr, &w, n, k, {}, bias, nullptr,
                      ProductISA{Int8ISA::None, zmm}, nullptr, biasFirst);
}

} // namespace mlir::octet::cpu
