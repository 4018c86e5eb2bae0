//===- ConvertOctetCPUToLLVM.cpp - octet_cpu ops to x86 intrinsics ----------===//
//
// The convert-octet-cpu-to-llvm pass: the ops of the CPU kernels as
// AVX-512 (VNNI) intrinsic calls.
//
//===----------------------------------------------------------------------===//

#include "octet/Target/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace mlir::octet::cpu {
#define GEN_PASS_DEF_CONVERTOCTETCPUTOLLVM
#include "octet/Target/CPU/Passes.h.inc"
} // namespace mlir::octet::cpu

using namespace mlir;
using namespace mlir::octet::cpu;

namespace {

struct ConvertOctetCPUToLLVMPass
    : mlir::octet::cpu::impl::ConvertOctetCPUToLLVMBase<ConvertOctetCPUToLLVMPass> {
  void runOnOperation() override {
    // octet_cpu.dot4 is AVX-512 VNNI's vpdpbusd.
    SmallVector<Dot4Op> dots;
    getOperation().walk([&](Dot4Op op) { dots.push_back(op); });
    for (Dot4Op op : dots) {
      OpBuilder b(op);
      int64_t lanes = cast<VectorType>(op.getType()).getNumElements();
      std::string name = "llvm.x86.avx512.vpdpbusd." + std::to_string(lanes * 32);
      auto bytes = VectorType::get({lanes * 4}, b.getI8Type());
      Value lhs = vector::BitCastOp::create(b, op.getLoc(), bytes, op.getLhs());
      Value rhs = vector::BitCastOp::create(b, op.getLoc(), bytes, op.getRhs());
      auto call = LLVM::CallIntrinsicOp::create(b, op.getLoc(), op.getType(),
                                                b.getStringAttr(name),
                                                ValueRange{op.getAcc(), lhs, rhs});
      op.replaceAllUsesWith(call.getResult(0));
      op.erase();
    }
    lowerRequantSteps();
  }

  /// octet_cpu.round_to_int and octet_cpu.narrow_sat4 as AVX-512 instructions.
  void lowerRequantSteps() {
    auto intrinsic = [](OpBuilder &b, Location loc, StringRef name, Type result,
                        ValueRange args) -> Value {
      return LLVM::CallIntrinsicOp::create(b, loc, result, b.getStringAttr(name), args)
          .getResult(0);
    };
    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) {
      if (isa<RoundToIntOp, NarrowSat4Op>(op))
        ops.push_back(op);
    });
    for (Operation *o : ops) {
      OpBuilder b(o);
      Location loc = o->getLoc();
      Type i8 = b.getI8Type(), i16 = b.getI16Type(), i32 = b.getI32Type();
      auto d16 = VectorType::get({16}, i32), w32 = VectorType::get({32}, i16),
           b64 = VectorType::get({64}, i8);
      Value result;
      if (auto op = dyn_cast<RoundToIntOp>(o)) {
        auto vt = cast<VectorType>(op.getType());
        if (vt.getNumElements() == 16) {
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
