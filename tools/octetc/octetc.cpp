//===- octetc.cpp - compile an ONNX model with Octet -----------------------===//
//
// octetc model.onnx --emit=import|quantized [--input-shape NAME=1x3x8x8] [-o FILE]
//
//===----------------------------------------------------------------------===//

#include "octet/Import/ONNX.h"
#include "octet/InitAll.h"
#include "octet/Pipelines.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"
#include "mlir/IR/Diagnostics.h"

using namespace llvm;

namespace {
enum class Emit { Import, Quantized };

cl::OptionCategory category("octetc options");
cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.onnx>"),
                               cl::Required, cl::cat(category));
cl::opt<std::string> outputFile("o", cl::desc("Output file (default: stdout)"),
                                cl::value_desc("file"), cl::init("-"),
                                cl::cat(category));
cl::opt<Emit> emit(
    "emit", cl::desc("What to produce"), cl::init(Emit::Quantized),
    cl::values(clEnumValN(Emit::Import, "import", "the imported octet IR"),
               clEnumValN(Emit::Quantized, "quantized",
                          "the IR after QDQ folding and cleanup")),
    cl::cat(category));
cl::list<std::string> inputShapes(
    "input-shape", cl::desc("Fix an input's shape, e.g. input=1x3x224x224"),
    cl::value_desc("NAME=DxD..."), cl::cat(category));
} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  mlir::registerPassManagerCLOptions();
  cl::HideUnrelatedOptions({&category, &cl::getGeneralCategory()});
  cl::ParseCommandLineOptions(argc, argv, "Octet INT8 model compiler\n");

  octet::ONNXImportOptions options;
  for (const std::string &spec : inputShapes) {
    std::string error;
    if (!octet::parseInputShape(spec, options, error)) {
      errs() << "octetc: error: " << error << "\n";
      return 1;
    }
  }

  mlir::DialectRegistry registry;
  octet::registerAllDialects(registry);
  mlir::MLIRContext context(registry);
  context.printOpOnDiagnostic(false);
  // Errors name the model file, the ONNX node and its op type.
  context.getDiagEngine().registerHandler([](mlir::Diagnostic &d) {
    const char *kind = d.getSeverity() == mlir::DiagnosticSeverity::Error     ? "error"
                       : d.getSeverity() == mlir::DiagnosticSeverity::Warning ? "warning"
                                                                              : "note";
    std::string where = octet::describeLocation(d.getLocation());
    errs() << (where.empty() ? std::string("octetc") : where) << ": " << kind << ": "
           << d.str() << "\n";
    for (mlir::Diagnostic &note : d.getNotes())
      errs() << "  note: " << note.str() << "\n";
    return mlir::success();
  });

  auto module = octet::importONNXFile(inputFile, &context, options);
  if (!module)
    return 1;

  if (emit == Emit::Quantized) {
    mlir::PassManager pm(&context);
    if (failed(mlir::applyPassManagerCLOptions(pm)))
      return 1;
    octet::buildQuantizedPipeline(pm);
    if (failed(pm.run(*module)))
      return 1;
  }

  // Write to a temporary and rename on success: no partial output files.
  std::string error;
  auto output = mlir::openOutputFile(outputFile, &error);
  if (!output) {
    errs() << "octetc: error: " << error << "\n";
    return 1;
  }
  module->print(output->os());
  output->os() << "\n";
  if (output->os().has_error()) {
    errs() << "octetc: error: cannot write '" << outputFile << "'\n";
    output->os().clear_error();
    return 1;
  }
  output->keep();
  return 0;
}
