//===- Pipelines.cpp - pass pipelines of the octet tools -------------------===//

#include "octet/Pipelines.h"

#include "octet/Transforms/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

void octet::buildQuantizedPipeline(mlir::OpPassManager &pm) {
  pm.addPass(mlir::octet::createOctetMergeQDQPairs());
  pm.addPass(mlir::octet::createOctetFoldConstants());
  pm.addPass(mlir::octet::createOctetFoldBatchNorm());
  pm.addPass(mlir::octet::createOctetFuseActivation());
  pm.addPass(mlir::octet::createOctetFoldQDQ());
  pm.addPass(mlir::octet::createOctetFoldConstants());
  pm.addPass(mlir::createCanonicalizerPass());
  pm.addPass(mlir::createCSEPass());
}

void octet::registerPipelines() {
  mlir::PassPipelineRegistration<>(
      "octet-quantized-pipeline",
      "Fold constants, batch norms, activations and QDQ pairs (octetc --emit=quantized)",
      buildQuantizedPipeline);
}
