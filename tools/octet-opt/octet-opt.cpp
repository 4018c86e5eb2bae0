//===- octet-opt.cpp - opt-style driver for octet passes -------------------===//

#include "octet/InitAll.h"
#include "octet/Pipelines.h"

#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  octet::registerAllDialects(registry);
  octet::registerAllPasses();
  octet::registerPipelines();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Octet optimizer driver\n", registry));
}
