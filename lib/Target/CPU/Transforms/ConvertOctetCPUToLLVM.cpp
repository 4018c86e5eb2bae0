//===- ConvertOctetCPUToLLVM.cpp - octet_cpu ops to x86 intrinsics ----------===//
//
// The convert-octet-cpu-to-llvm pass: the ops of the CPU kernels as
// AVX-512 (VNNI) intrinsic calls.
//
//===----------------------------------------------------------------------===//

#include "octet/Target/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace mlir::octet::cpu {
#define GEN_PASS_DEF_CONVERTOCTETCPUTOLLVM
#include "octet/Target/CPU/Passes.h.inc"
} // namespace mlir::octet::cpu

using namespace mlir;
using namespace mlir::octet::cpu;

namespace {

/// Calls LLVM intrinsic `name`.
Value intrinsic(OpBuilder &b, Location loc, StringRef name, Type result, ValueRange args) {
  return LLVM::CallIntrinsicOp::create(b, loc, result, b.getStringAttr(name), args).getResult(0);
}

/// Lanes [from, from + n) of a 1-D vector.
Value lanes(OpBuilder &b, Location loc, Value v, int64_t from, int64_t n) {
  return vector::ExtractStridedSliceOp::create(b, loc, v, ArrayRef<int64_t>{from},
                                               ArrayRef<int64_t>{n}, ArrayRef<int64_t>{1});
}

/// The concatenation of 1-D vectors of one type.
Value concat(OpBuilder &b, Location loc, ArrayRef<Value> parts) {
  Value cur = parts[0];
  for (Value p : parts.drop_front()) {
    int64_t a = cast<VectorType>(cur.getType()).getNumElements();
    int64_t c = cast<VectorType>(p.getType()).getNumElements();
    // vector.shuffle needs equal lengths: pad the shorter with itself.
    if (a != c) {
      SmallVector<int64_t> mask;
      for (int64_t i = 0; i < a + c; ++i)
        mask.push_back(i);
      Value pp = p;
      if (c < a) {
        SmallVector<int64_t> grow;
        for (int64_t i = 0; i < a; ++i)
          grow.push_back(i < c ? i : 0);
        pp = vector::ShuffleOp::create(b, loc, p, p, grow);
      }
      cur = vector::ShuffleOp::create(b, loc, cur, pp, mask);
      continue;
    }
    SmallVector<int64_t> mask;
    for (int64_t i = 0; i < a + c; ++i)
      mask.push_back(i);
    cur = vector::ShuffleOp::create(b, loc, cur, p, mask);
  }
  return cur;
}

struct ConvertOctetCPUToLLVMPass
    : mlir::octet::cpu::impl::ConvertOctetCPUToLLVMBase<ConvertOctetCPUToLLVMPass> {
  using Base::Base;
  void runOnOperation() override {
    if (isa != "avx512vnni" && isa != "avxvnni" && isa != "avx2") {
      getOperation()->emitError() << "convert-octet-cpu-to-llvm: unknown isa '" << isa
                                  << "' (avx512vnni, avxvnni or avx2)";
      return signalPassFailure();
    }
    SmallVector<Dot4Op> dots;
    getOperation().walk([&](Dot4Op op) { dots.push_back(op); });
    for (Dot4Op op : dots) {
      OpBuilder b(op);
      auto mode = op->getAttrOfType<StringAttr>("octet_cpu.avx2");
      if (mode && mode.getValue() == "sign" && isa != "avx2") {
        op.emitError() << "dot4 in the 'sign' form (s8 activations) needs isa=avx2";
        return signalPassFailure();
      }
      Value result = isa == "avx2" ? lowerDot4AVX2(b, op, mode ? mode.getValue() : "wide")
                                   : lowerDot4VNNI(b, op, isa == "avx512vnni" ? 512 : 256);
      op.replaceAllUsesWith(result);
      op.erase();
    }
    lowerRequantSteps();
  }

  /// vpdpbusd on vectors of at most `bits`.
  Value lowerDot4VNNI(OpBuilder &b, Dot4Op op, int64_t bits) {
    Location loc = op.getLoc();
    int64_t lanes32 = cast<VectorType>(op.getType()).getNumElements();
    int64_t chunk = std::min<int64_t>(lanes32, bits / 32);
    SmallVector<Value> parts;
    for (int64_t from = 0; from < lanes32; from += chunk) {
      int64_t n = std::min(chunk, lanes32 - from);
      auto bytes = VectorType::get({n * 4}, b.getI8Type());
      Value acc = n == lanes32 ? op.getAcc() : lanes(b, loc, op.getAcc(), from, n);
      Value l = n == lanes32 ? op.getLhs() : lanes(b, loc, op.getLhs(), from, n);
      Value r = n == lanes32 ? op.getRhs() : lanes(b, loc, op.getRhs(), from, n);
      l = vector::BitCastOp::create(b, loc, bytes, l);
      r = vector::BitCastOp::create(b, loc, bytes, r);
      std::string name = "llvm.x86.avx512.vpdpbusd." + std::to_string(n * 32);
      parts.push_back(intrinsic(b, loc, name, acc.getType(), ValueRange{acc, l, r}));
    }
    return parts.size() == 1 ? parts[0] : concat(b, loc, parts);
  }

  /// AVX2, exactly: see the pass description.
  Value lowerDot4AVX2(OpBuilder &b, Dot4Op op, StringRef mode) {
    Location loc = op.getLoc();
    Type i8 = b.getI8Type(), i16 = b.getI16Type(), i32 = b.getI32Type();
    int64_t n32 = cast<VectorType>(op.getType()).getNumElements();
    auto bytesT = VectorType::get({n32 * 4}, i8);
    Value l = vector::BitCastOp::create(b, loc, bytesT, op.getLhs());
    Value r = vector::BitCastOp::create(b, loc, bytesT, op.getRhs());
    Value sum;
    if (mode == "pairs" || mode == "sign") {
      // 32 bytes at a time: vpmaddubsw (u8 x s8 pairs to i16, exact by the
      // bounds), vpmaddwd with ones (pairs of those to i32).
      SmallVector<Value> parts;
      auto b32 = VectorType::get({32}, i8);
      auto w16 = VectorType::get({16}, i16);
      auto d8 = VectorType::get({8}, i32);
      Value ones = arith::ConstantOp::create(b, loc, w16, DenseElementsAttr::get(w16, b.getIntegerAttr(i16, 1)));
      for (int64_t from = 0; from < n32 * 4; from += 32) {
        int64_t n = std::min<int64_t>(32, n32 * 4 - from);
        Value lc = lanes(b, loc, l, from, n), rc = lanes(b, loc, r, from, n);
        if (n != 32) { // pad to a full register (the padding is dropped)
          Value z = arith::ConstantOp::create(b, loc, b32, DenseElementsAttr::get(b32, b.getIntegerAttr(i8, 0)));
          lc = vector::InsertStridedSliceOp::create(b, loc, lc, z, ArrayRef<int64_t>{0}, ArrayRef<int64_t>{1});
          rc = vector::InsertStridedSliceOp::create(b, loc, rc, z, ArrayRef<int64_t>{0}, ArrayRef<int64_t>{1});
        }
        if (mode == "sign") {
          // s8 activations: |a| (abs(-128) is 128 as u8) times the weights
          // with the activations' signs (vpsignb: w * sign(a)).
          rc = intrinsic(b, loc, "llvm.x86.avx2.psign.b", b32, ValueRange{rc, lc});
          lc = math::AbsIOp::create(b, loc, lc);
        }
        Value p16 = intrinsic(b, loc, "llvm.x86.avx2.pmadd.ub.sw", w16, ValueRange{lc, rc});
        Value p32 = intrinsic(b, loc, "llvm.x86.avx2.pmadd.wd", d8, ValueRange{p16, ones});
        parts.push_back(n == 32 ? p32 : lanes(b, loc, p32, 0, n / 4));
      }
      sum = parts.size() == 1 ? parts[0] : concat(b, loc, parts);
    } else {
      // 16-bit products (u8 x s8 fits), summed in 32 bits: exact for any
      // weights.
      auto w16 = VectorType::get({n32 * 4}, i16);
      auto d32 = VectorType::get({n32 * 4}, i32);
      Value lp = arith::ExtUIOp::create(b, loc, w16, l);
      Value rp = arith::ExtSIOp::create(b, loc, w16, r);
      Value prod = arith::ExtSIOp::create(b, loc, d32, arith::MulIOp::create(b, loc, lp, rp));
      for (int64_t k = 0; k < 4; ++k) {
        SmallVector<int64_t> pick;
        for (int64_t j = 0; j < n32; ++j)
          pick.push_back(4 * j + k);
        Value part = vector::ShuffleOp::create(b, loc, prod, prod, pick);
        sum = sum ? arith::AddIOp::create(b, loc, sum, part).getResult() : part;
      }
    }
    return arith::AddIOp::create(b, loc, op.getAcc(), sum);
  }

  /// octet_cpu.round_to_int and octet_cpu.narrow_sat4 as AVX-512 instructions.
  void lowerRequantSteps() {
    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) {
      if (llvm::isa<RoundToIntOp, NarrowSat4Op>(op))
        ops.push_back(op);
    });
    for (Operation *o : ops) {
      OpBuilder b(o);
      Location loc = o->getLoc();
      Type i8 = b.getI8Type(), i16 = b.getI16Type(), i32 = b.getI32Type();
      auto d16 = VectorType::get({16}, i32), w32 = VectorType::get({32}, i16),
           b64 = VectorType::get({64}, i8);
      Value result;
      if (auto op = llvm::dyn_cast<RoundToIntOp>(o)) {
        auto vt = cast<VectorType>(op.getType());
        if (vt.getNumElements() == 16 && isa == "avx512vnni") {
          // vcvtps2dq {rn-sae}: ties to even whatever MXCSR holds.
          result = intrinsic(
              b, loc, "llvm.x86.avx512.mask.cvtps2dq.512", vt,
              {op.getInput(),
               arith::ConstantOp::create(b, loc, d16, DenseElementsAttr::get(d16, 0)),
               arith::ConstantOp::create(b, loc, b.getIntegerAttr(i16, -1)),
               arith::ConstantOp::create(b, loc, b.getIntegerAttr(i32, 8))});
        } else {
          // Generic: llvm.lrint (current rounding mode, nearest even by default).
          result = LLVM::LrintOp::create(b, loc, vt, op.getInput());
        }
      } else if (isa != "avx512vnni") {
        // Saturating arithmetic (AVX2 has the packs for it): each int32 to
        // int16, plus the zero point saturating, then to the 8-bit range.
        auto nop = cast<NarrowSat4Op>(o);
        auto d16v = VectorType::get({16}, i32), h16 = VectorType::get({16}, i16),
             b16 = VectorType::get({16}, i8);
        auto splat = [&](VectorType t, int64_t v) -> Value {
          return arith::ConstantOp::create(
              b, loc, t, DenseElementsAttr::get(t, b.getIntegerAttr(t.getElementType(), v)));
        };
        int64_t lo = nop.getIsSigned() ? -128 : 0, hi = nop.getIsSigned() ? 127 : 255;
        SmallVector<Value> parts;
        for (Value v : {nop.getV0(), nop.getV1(), nop.getV2(), nop.getV3()}) {
          Value c = arith::MaxSIOp::create(b, loc, v, splat(d16v, -32768));
          c = arith::MinSIOp::create(b, loc, c, splat(d16v, 32767));
          Value h = arith::TruncIOp::create(b, loc, h16, c);
          if (int64_t zp = (int64_t)nop.getZp())
            h = LLVM::SAddSat::create(b, loc, h16, h, splat(h16, zp));
          h = arith::MaxSIOp::create(b, loc, h, splat(h16, lo));
          h = arith::MinSIOp::create(b, loc, h, splat(h16, hi));
          parts.push_back(arith::TruncIOp::create(b, loc, b16, h));
        }
        result = concat(b, loc, parts);
        (void)b64;
      } else {
        auto nop = cast<NarrowSat4Op>(o);
        Value p0 = intrinsic(b, loc, "llvm.x86.avx512.packssdw.512", w32,
                             {nop.getV0(), nop.getV1()});
        Value p1 = intrinsic(b, loc, "llvm.x86.avx512.packssdw.512", w32,
                             {nop.getV2(), nop.getV3()});
        if (int64_t zp = (int64_t)nop.getZp()) {
          Value z = arith::ConstantOp::create(
              b, loc, w32, DenseElementsAttr::get(w32, b.getIntegerAttr(i16, zp)));
          p0 = LLVM::SAddSat::create(b, loc, w32, p0, z);
          p1 = LLVM::SAddSat::create(b, loc, w32, p1, z);
        }
        Value bytes = intrinsic(b, loc,
                                nop.getIsSigned() ? "llvm.x86.avx512.packsswb.512"
                                                 : "llvm.x86.avx512.packuswb.512",
                                b64, {p0, p1});
        // The packs work within 128-bit lanes: dword 4 * L + k holds
        // elements [4L, 4L + 4) of input k, which belong at dword 4 * k + L.
        SmallVector<int64_t> perm(16);
        for (int64_t k = 0; k < 4; ++k)
          for (int64_t l = 0; l < 4; ++l)
            perm[4 * k + l] = 4 * l + k;
        Value d = vector::BitCastOp::create(b, loc, d16, bytes);
        d = vector::ShuffleOp::create(b, loc, d, d, perm);
        result = vector::BitCastOp::create(b, loc, b64, d);
      }
      o->getResult(0).replaceAllUsesWith(result);
      o->erase();
    }
  }};
} // namespace
