//===- ConvertOctetToCPU.cpp - octet ops to the CPU kernels and linalg -----===//
//
// The convert-octet-to-cpu pass: one dialect conversion with the generic
// patterns of the octet lowering and the CPU kernel patterns above them.
//
//===----------------------------------------------------------------------===//

#include "octet/Target/CPU/Passes.h"

#include "octet/Conversion/OctetToLinalg/OctetToLinalg.h"
#include "octet/Target/CPU/Kernels.h"

namespace mlir::octet::cpu {
#define GEN_PASS_DEF_CONVERTOCTETTOCPU
#include "octet/Target/CPU/Passes.h.inc"
} // namespace mlir::octet::cpu

using namespace mlir;
using namespace mlir::octet;
using namespace mlir::octet::cpu;

namespace {
struct ConvertOctetToCPUPass : mlir::octet::cpu::impl::ConvertOctetToCPUBase<ConvertOctetToCPUPass> {
  using Base::Base;
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    OctetToLinalgOptions options;
    if (failed(parseRequantMode(requant, options, getOperation())))
      return signalPassFailure();
    CPUKernelOptions kernels;
    kernels.fixedPoint = options.fixedPoint;
    std::string which = isa.empty() ? (vnni ? "avx512vnni" : "none") : std::string(isa);
    if (which == "avx512vnni")
      kernels.int8 = Int8ISA::AVX512VNNI;
    else if (which == "avxvnni")
      kernels.int8 = Int8ISA::AVXVNNI;
    else if (which == "avx2")
      kernels.int8 = Int8ISA::AVX2;
    else if (which != "none") {
      getOperation()->emitError() << "unknown int8 kernel ISA '" << which
                                  << "' (avx512vnni, avxvnni, avx2 or none)";
      return signalPassFailure();
    }
    kernels.vnni = kernels.int8 == Int8ISA::AVX512VNNI;
    kernels.zmm = kernels.vnni;
    TypeConverter tc;
    populateOctetToLinalgTypeConversion(tc);
    ConversionTarget target(*ctx);
    configureOctetToLinalgTarget(target, tc);
    target.addLegalDialect<OctetCPUDialect, vector::VectorDialect>();
    RewritePatternSet patterns(ctx);
    populateOctetToLinalgConversionPatterns(tc, patterns, options);
    populateCPUKernelPatterns(tc, patterns, kernels);
    if (failed(applyPartialConversion(getOperation(), target, std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
