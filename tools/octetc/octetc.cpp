//===- octetc.cpp - compile an ONNX model with Octet -----------------------===//
//
// octetc model.onnx --emit=import|quantized [--input-shape NAME=1x3x8x8] [-o FILE]
//
//===----------------------------------------------------------------------===//

#include "octet/Dialect/Octet/BatchAnalysis.h"
#include "octet/Import/ONNX.h"
#include "octet/InitAll.h"
#include "octet/Pipelines.h"
#include "octet/Quantization/Calibrate.h"
#include "octet/Target/CPU.h"
#include "octet/Target/CUDA.h"
#include "octet/Target/Registry.h"
#include "octet/Target/Vulkan.h"

#include "mlir/Support/Timing.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Parallel.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"
#include "mlir/IR/Diagnostics.h"

#include <onnx/onnx_pb.h>

#include <climits>
#include <set>

using namespace llvm;

namespace {
enum class Emit { Import, Quantized, Lowered, LLVMIR, Object, SharedLib, OnnxQDQ, SPIRV, PTX };

cl::OptionCategory category("octetc options");
cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.onnx>"), cl::cat(category));
cl::opt<std::string> outputFile("o", cl::desc("Output file (default: stdout)"),
                                cl::value_desc("file"), cl::init("-"),
                                cl::cat(category));
cl::opt<Emit> emit(
    "emit", cl::desc("What to produce"), cl::init(Emit::Quantized),
    cl::values(clEnumValN(Emit::Import, "import", "the imported octet IR"),
               clEnumValN(Emit::Quantized, "quantized",
                          "the IR after QDQ folding and cleanup (default without --target)"),
               clEnumValN(Emit::Lowered, "lowered",
                          "the LLVM dialect IR for the target"),
               clEnumValN(Emit::Object, "object",
                          "an object file (default with --target=cpu)"),
               clEnumValN(Emit::SharedLib, "shared-lib",
                          "a shared library that octet-run and the runtime load"),
               clEnumValN(Emit::OnnxQDQ, "onnx-qdq",
                          "with --quantize: the quantized model as a QDQ ONNX file"),
               clEnumValN(Emit::SPIRV, "spirv",
                          "with --target=vulkan: one SPIR-V module holding every kernel"),
               clEnumValN(Emit::PTX, "ptx", "with --target=cuda: the PTX of every kernel")),
    cl::cat(category));
cl::opt<std::string> target("target",
                             cl::desc("Code generation target (see --list-targets)"),
                             cl::value_desc("cpu"), cl::cat(category));
cl::opt<bool> listTargets("list-targets", cl::desc("List the code generation targets and exit"),
                          cl::cat(category));
cl::opt<std::string> cpu("cpu", cl::desc("CPU to tune and select instructions for"),
                         cl::value_desc("native|znver4|skylake-avx512|x86-64-v3|..."),
                         cl::init("native"), cl::cat(category));
cl::opt<std::string> requant("requant", cl::desc("Requantization rule"),
                             cl::value_desc("onnx|fixed-point"), cl::init("onnx"),
                             cl::cat(category));
cl::opt<std::string> vnni("vnni",
                          cl::desc("AVX-512 VNNI kernel for int8 products: auto (from --cpu), on, off"),
                          cl::value_desc("auto|on|off"), cl::init("auto"), cl::cat(category));
cl::opt<std::string> cudaArch("cuda-arch",
                              cl::desc("With --target=cuda: the GPU architecture (default sm_80)"),
                              cl::value_desc("sm_61|sm_70|sm_75|sm_80|sm_86|sm_89|sm_90"),
                              cl::init("sm_80"), cl::cat(category));
cl::opt<std::string> vulkanCaps(
    "vulkan-caps",
    cl::desc("With --target=vulkan: the device's capabilities, a preset or a list "
             "(default int8,int-dot: any Vulkan 1.3 device)"),
    cl::value_desc("lavapipe|nvidia|amd|intel|generic|int8,int-dot,coopmat:16x16x32,subgroup=32"),
    cl::init(""), cl::cat(category));
cl::opt<int64_t> gpuStages(
    "gpu-stages",
    cl::desc("With --target=cuda or vulkan: steps of K in flight in the 8-bit product kernels "
             "(default: 3 where cp.async copies, else 2)"),
    cl::value_desc("2|3|4"), cl::init(0), cl::cat(category));
cl::opt<std::string> headerFile("header", cl::desc("Also write a C header for the object"),
                                cl::value_desc("file"), cl::cat(category));
cl::opt<std::string> modelName("name", cl::desc("C name of the entry point (default: model)"),
                               cl::init("model"), cl::cat(category));
cl::opt<unsigned> compileThreads(
    "compile-threads",
    cl::desc("Threads for the CPU target's LLVM code generation (default 0: the CPUs this "
             "process may use, at most 8; 1: one)"),
    cl::value_desc("N"), cl::init(0), cl::cat(category));
cl::opt<bool> verifyEach(
    "verify-each",
    cl::desc("Verify the IR after each CPU lowering pass (default: once, after the pipeline)"),
    cl::cat(category));
cl::opt<bool> timing("timing",
                     cl::desc("Print the time of each phase (import, passes, LLVM, link) to stderr"),
                     cl::cat(category));
cl::list<std::string> inputShapes(
    "input-shape", cl::desc("Fix an input's shape, e.g. input=1x3x224x224"),
    cl::value_desc("NAME=DxD..."), cl::cat(category));

cl::list<int64_t> batchSizes(
    "batch-sizes",
    cl::desc("With a dynamic batch: also build kernels specialised for these batch sizes "
             "(the batch-1 kernels run what they leave)"),
    cl::value_desc("N,..."), cl::CommaSeparated, cl::cat(category));
cl::opt<std::string> batchRange(
    "batch-range",
    cl::desc("With a dynamic batch: the batch sizes the artifact accepts (default 0:, any)"),
    cl::value_desc("MIN:MAX"), cl::cat(category));

// --- post-training quantization (--quantize) ---------------------------------
cl::OptionCategory quantCategory("octetc quantization options (with --quantize)");
cl::opt<bool> quantize("quantize",
                       cl::desc("Quantize a float model (calibrating on --calibration-data)"),
                       cl::cat(quantCategory));
cl::opt<std::string> calibrationData(
    "calibration-data",
    cl::desc("Samples to calibrate on: a .npy file (first axis: samples) or a directory "
             "with NAME.npy per model input"),
    cl::value_desc("file.npy|dir"), cl::cat(quantCategory));
cl::opt<std::string> calibratorName(
    "calibrator", cl::desc("How ranges are chosen from the calibration data"),
    cl::value_desc("minmax|percentile[:P]|entropy|mse|auto"), cl::init("minmax"),
    cl::cat(quantCategory));
cl::opt<std::string> weightsMode("weights", cl::desc("Weight scales"),
                                 cl::value_desc("per-channel|per-tensor"),
                                 cl::init("per-channel"), cl::cat(quantCategory));
cl::opt<std::string> weightRange(
    "weight-range",
    cl::desc("Int8 weight range: narrow [-127, 127] (default) or full [-128, 127]"),
    cl::value_desc("narrow|full"), cl::init("narrow"), cl::cat(quantCategory));
cl::opt<std::string> activationsType("activations", cl::desc("Activation type"),
                                     cl::value_desc("uint8|int8"), cl::init("uint8"),
                                     cl::cat(quantCategory));
cl::opt<bool> symmetricActivations("symmetric-activations",
                                   cl::desc("Symmetric activation ranges (zero point 0 or 128)"),
                                   cl::cat(quantCategory));
cl::opt<bool> dynamicQuant(
    "dynamic",
    cl::desc("Dynamic quantization: int8 MatMul/Gemm weights, activations quantized at run "
             "time (no calibration data)"),
    cl::cat(quantCategory));
cl::opt<bool> autoMixedPrecision(
    "auto-mixed-precision",
    cl::desc("Leave the fewest most sensitive nodes in float for the output SQNR to reach "
             "--accuracy-budget (default 40 dB)"),
    cl::cat(quantCategory));
cl::opt<double> accuracyBudget(
    "accuracy-budget",
    cl::desc("Output SQNR (dB) against float that --auto-mixed-precision reaches (implies it)"),
    cl::value_desc("SQNR_DB"), cl::init(40.0), cl::cat(quantCategory));
cl::opt<double> smoothAlpha(
    "smooth",
    cl::desc("SmoothQuant: migrate activation outliers into MatMul/Gemm weights with strength "
             "ALPHA in (0, 1) (0.5 is usual)"),
    cl::value_desc("ALPHA"), cl::init(0.0), cl::cat(quantCategory));
cl::opt<bool> biasCorrection(
    "bias-correction",
    cl::desc("Take the expected error of the int8 weights (mean input x weight error) out of "
             "each Conv/Gemm/MatMul bias"),
    cl::cat(quantCategory));
cl::list<std::string> keepFloat("keep-float", cl::desc("ONNX nodes to leave in float"),
                                cl::value_desc("NODE,..."), cl::CommaSeparated,
                                cl::cat(quantCategory));
cl::opt<std::string> calibrationCache(
    "calibration-cache",
    cl::desc("Calibration cache (JSON): written after calibrating, read when no "
             "--calibration-data is given"),
    cl::value_desc("file.json"), cl::cat(quantCategory));
cl::opt<std::string> reportFile(
    "report",
    cl::desc("Per-layer accuracy report: FILE.json, FILE.html, or - (the table only); the "
             "table also goes to stderr"),
    cl::value_desc("file.json|file.html|-"), cl::cat(quantCategory));
cl::opt<int64_t> reportSamples("report-samples",
                               cl::desc("Calibration samples the report compares on (default 256)"),
                               cl::init(256), cl::cat(quantCategory));
cl::opt<int64_t> calibrationBatch("calibration-batch",
                                  cl::desc("Samples per calibration run (default: chosen)"),
                                  cl::init(0), cl::cat(quantCategory));
} // namespace

/// --quantize: the float model at inputFile, quantized into QDQ ONNX bytes
/// (or written to -o for --emit=onnx-qdq). False after printing an error.
static bool quantizeModel(mlir::MLIRContext &context, const octet::ONNXImportOptions &io,
                          mlir::TimingScope &timer, std::string &qdqBytes) {
  namespace q = octet::quant;
  auto fail = [](const std::string &msg) {
    errs() << "octetc: error: " << msg << "\n";
    return false;
  };
  q::QuantizeOptions qo;
  std::string error;
  if (!q::parseCalibrator(calibratorName, qo.calibrator, error))
    return fail(error);
  if (weightsMode != "per-channel" && weightsMode != "per-tensor")
    return fail("--weights must be per-channel or per-tensor, not '" + weightsMode + "'");
  qo.perChannel = weightsMode == "per-channel";
  if (weightRange != "narrow" && weightRange != "full")
    return fail("--weight-range must be narrow or full, not '" + weightRange + "'");
  qo.narrowWeights = weightRange == "narrow";
  if (activationsType != "uint8" && activationsType != "int8")
    return fail("--activations must be uint8 or int8, not '" + activationsType + "'");
  qo.signedActivations = activationsType == "int8";
  qo.symmetricActivations = symmetricActivations;
  qo.dynamic = dynamicQuant;
  qo.keepFloat.assign(keepFloat.begin(), keepFloat.end());
  if (calibrationBatch < 0)
    return fail("--calibration-batch must be positive");
  if (!reportFile.empty() && reportFile != "-" && !StringRef(reportFile).ends_with(".json") &&
      !StringRef(reportFile).ends_with(".html"))
    return fail("--report must name a .json or .html file (or - for the table), not '" +
                reportFile + "'");
  if (reportSamples <= 0)
    return fail("--report-samples must be positive");
  if (smoothAlpha.getNumOccurrences() && !(smoothAlpha > 0 && smoothAlpha < 1))
    return fail("--smooth=ALPHA needs ALPHA between 0 and 1 (exclusive)");
  if ((smoothAlpha.getNumOccurrences() || biasCorrection) && calibrationData.empty())
    return fail(std::string(smoothAlpha.getNumOccurrences() ? "--smooth" : "--bias-correction") +
                " needs --calibration-data (it measures the activations)");
  bool useAmp = autoMixedPrecision || accuracyBudget.getNumOccurrences();
  if (useAmp) {
    if (dynamicQuant)
      return fail("--auto-mixed-precision works on static quantization, not --dynamic");
    if (calibrationData.empty())
      return fail("--auto-mixed-precision needs --calibration-data (it runs the candidates)");
    if (!(accuracyBudget > 0 && accuracyBudget < 200))
      return fail("--accuracy-budget must be an SQNR in dB between 0 and 200");
  }

  onnx::ModelProto model;
  if (!q::readModel(inputFile, model, error)) {
    errs() << error << "\n";
    return false;
  }
  std::string digest = q::graphDigest(model);
  q::inlineConstants(model);
  q::foldBatchNorm(model);
  // The model's own problems (opset, --keep-float names) first, before the
  // data is read.
  {
    q::QuantPlan probe;
    if (!q::planQuantization(model, qo, probe, error))
      return fail(error);
  }
  q::CalibrationData data;
  q::CalibrateOptions co;
  // Calibration runs here, so it is compiled for this host (whatever
  // --cpu the artifact targets); Octet's float kernels sum in the same order
  // with AVX2 and AVX-512, so the ranges do not depend on the host.
  co.cpu = "native";
  co.batch = calibrationBatch;
  co.progress = errs().is_displayed();
  co.modelPath = inputFile;
  co.timing = &timer;
  if (!calibrationData.empty() &&
      !q::openCalibrationData(calibrationData, model, data, error))
    return fail(error);
  // The report measures against the float model as given (BatchNorm folded,
  // before any smoothing).
  onnx::ModelProto referenceModel = model;
  std::vector<std::string> smoothLog;
  if (smoothAlpha.getNumOccurrences()) {
    std::map<std::string, q::ChannelStats> cs;
    if (!q::channelStatistics(context, model, q::smoothCandidates(model), data, co, cs, error))
      return fail(error);
    std::map<std::string, std::vector<float>> absmax;
    for (auto &[name, st] : cs)
      absmax[name] = st.absmax;
    q::smoothQuant(model, absmax, smoothAlpha, smoothLog);
    for (const std::string &line : smoothLog)
      errs() << "smoothquant: " << line << "\n";
  }
  q::QuantPlan plan;
  if (!q::planQuantization(model, qo, plan, error))
    return fail(error);

  std::map<std::string, q::TensorRange> ranges;
  std::string activations = activationsType + (symmetricActivations ? "+symmetric" : "");
  if (qo.dynamic) {
    if (!calibrationCache.empty() || calibratorName.getNumOccurrences() ||
        activationsType.getNumOccurrences() || symmetricActivations)
      return fail("--dynamic quantizes activations at run time (uint8, their own range per "
                  "call): it takes no calibration cache, calibrator or activation type");
    activations = "uint8, dynamic";
  }
  if (!calibrationData.empty() && !qo.dynamic) {
    std::map<std::string, q::TensorStats> stats;
    if (!q::calibrate(context, model, plan, data, co, stats, error))
      return fail(error);
    {
      // Each tensor's range is its own: choose them on every core.
      mlir::TimingScope rangeTimer = timer.nest("choose ranges (" + qo.calibrator.str() + ")");
      std::vector<std::pair<const std::string *, const q::TensorStats *>> todo;
      for (auto &[name, st] : stats)
        if (!st.empty())
          todo.push_back({&name, &st});
      std::vector<q::TensorRange> chosen(todo.size());
      llvm::parallelFor(0, todo.size(), [&](size_t k) {
        chosen[k] = q::chooseRange(*todo[k].second, qo.calibrator, qo.activationType());
      });
      for (size_t k = 0; k < todo.size(); ++k)
        ranges[*todo[k].first] = chosen[k];
    }
    if (!calibrationCache.empty()) {
      q::CalibrationCache cache;
      cache.model = digest;
      cache.calibrator = qo.calibrator.str();
      cache.activations = activations;
      cache.samples = data.samples;
      cache.smooth = smoothAlpha.getNumOccurrences() ? (double)smoothAlpha : 0.0;
      cache.tensors = ranges;
      if (!q::writeCalibrationCache(calibrationCache, cache, error))
        return fail(error);
    }
  } else if (qo.dynamic) {
    // Nothing to calibrate.
  } else if (!calibrationCache.empty()) {
    q::CalibrationCache cache;
    if (!q::readCalibrationCache(calibrationCache, cache, error))
      return fail(error);
    if (cache.model != digest)
      return fail("calibration cache '" + calibrationCache + "' was made for another model " +
                  "(graph digest " + cache.model + ", this model's is " + digest + ")");
    if (calibratorName.getNumOccurrences() && cache.calibrator != qo.calibrator.str())
      return fail("calibration cache '" + calibrationCache + "' holds " + cache.calibrator +
                  " ranges, not " + qo.calibrator.str() +
                  ": give --calibration-data to calibrate again");
    if (cache.smooth != 0)
      return fail("calibration cache '" + calibrationCache + "' was made with --smooth=" +
                  formatv("{0}", cache.smooth).str() +
                  ", which needs --calibration-data to rescale the model again");
    ranges = cache.tensors;
  } else {
    return fail("--quantize needs --calibration-data (or a --calibration-cache from an "
                "earlier run)");
  }
  if (biasCorrection) {
    std::map<std::string, q::ChannelStats> cs;
    if (!q::channelStatistics(context, model, q::biasCorrectionInputs(model, plan), data, co, cs,
                              error))
      return fail(error);
    for (auto &[name, st] : cs)
      plan.inputMeans[name] = st.mean();
  }
  onnx::ModelProto floatModel = model;
  q::MixedPrecisionResult amp;
  if (useAmp) {
    if (!q::autoMixedPrecision(context, floatModel, qo, ranges, plan.inputMeans, data, co,
                               reportSamples, accuracyBudget, amp, error))
      return fail(error);
    qo.keepFloat.insert(qo.keepFloat.end(), amp.fallback.begin(), amp.fallback.end());
    if (!q::planQuantization(model, qo, plan, error))
      return fail(error);
  }
  if (qo.dynamic ? !q::rewriteDynamic(model, plan, qo, error)
                 : !q::rewriteToQDQ(model, plan, ranges, qo, error))
    return fail(error);
  if (useAmp) {
    // The reasons: the mixed-precision choice, not a --keep-float.
    for (auto &n : plan.nodes) {
      if (n.kind != q::NodePlan::Float || !llvm::is_contained(amp.fallback, n.name))
        continue;
      auto s = amp.sensitivity.find(n.name);
      n.reason = s != amp.sensitivity.end()
                     ? formatv("auto mixed precision: sensitivity rank {0} ({1:f1} dB output "
                               "SQNR with only it in int8)",
                               s->second.first, s->second.second)
                           .str()
                     : std::string("auto mixed precision: falls back with its producer");
    }
  }
  if (!reportFile.empty() || useAmp) {
    q::QuantReport rep;
    rep.mixedPrecision = useAmp ? &amp : nullptr;
    rep.model = sys::path::filename(inputFile).str();
    rep.calibrator = qo.dynamic ? std::string("dynamic") : qo.calibrator.str();
    rep.activations = activations;
    rep.weights = weightsMode + " " + weightRange;
    rep.calibrationSamples = data.samples;
    rep.plan = &plan;
    rep.ranges = &ranges;
    for (const auto &o : floatModel.graph().output())
      rep.outputs.push_back(o.name());
    if (data.samples && !reportFile.empty()) {
      if (!q::compareQuantized(context, referenceModel, model, plan, data, co, reportSamples,
                               rep.outputs, rep.metrics, error))
        return fail(error);
      rep.comparedSamples = std::min<int64_t>(data.samples, reportSamples);
    }
    errs() << q::reportTable(rep);
    if (!reportFile.empty() && reportFile != "-" && !q::writeReport(reportFile, rep, error))
      return fail(error);
  }
  if (emit == Emit::OnnxQDQ) {
    if (outputFile == "-")
      return fail("give the QDQ ONNX file with -o");
    if (!q::writeModel(outputFile, model, error))
      return fail(error);
    return true;
  }
  if (!model.SerializeToString(&qdqBytes))
    return fail("cannot serialize the quantized model");
  return true;
}

namespace {
/// A graph input of the model: its name, its dims after --input-shape
/// (ShapedType::kDynamic where unknown), and whether it is batched (only
/// its leading dimension is dynamic).
struct GraphInput {
  std::string name;
  std::vector<int64_t> dims;
  bool batched = false;
};
} // namespace

/// The graph inputs of the serialized ModelProto `bytes`; empty when it does
/// not parse (the importer then says why).
static std::vector<GraphInput> graphInputs(StringRef bytes,
                                           const octet::ONNXImportOptions &options) {
  onnx::ModelProto model;
  std::vector<GraphInput> out;
  if (bytes.size() > (size_t)INT_MAX || !model.ParseFromArray(bytes.data(), (int)bytes.size()))
    return out;
  std::set<std::string> initializers;
  for (const auto &t : model.graph().initializer())
    initializers.insert(t.name());
  for (const auto &in : model.graph().input()) {
    if (initializers.count(in.name()) || !in.type().has_tensor_type() ||
        !in.type().tensor_type().has_shape())
      continue;
    GraphInput g;
    g.name = in.name();
    for (const auto &d : in.type().tensor_type().shape().dim())
      g.dims.push_back(d.has_dim_value() ? d.dim_value() : mlir::ShapedType::kDynamic);
    auto fixed = options.inputShapes.find(g.name);
    if (fixed != options.inputShapes.end() && fixed->second.size() == g.dims.size())
      for (size_t k = 0; k < g.dims.size(); ++k)
        if (g.dims[k] == mlir::ShapedType::kDynamic)
          g.dims[k] = fixed->second[k];
    g.batched = !g.dims.empty() && g.dims[0] == mlir::ShapedType::kDynamic &&
                llvm::all_of(ArrayRef<int64_t>(g.dims).drop_front(),
                             [](int64_t d) { return d != mlir::ShapedType::kDynamic; });
    out.push_back(std::move(g));
  }
  return out;
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  mlir::registerPassManagerCLOptions();
  octet::registerAllPasses();
  octet::registerAllTargets();
  // --help lists octetc's own options; LLVM's and MLIR's (--mlir-timing,
  // --mlir-print-ir-after=PASS, ...) still work and --help-hidden lists them.
  for (auto &opt : cl::getRegisteredOptions()) {
    bool shown = llvm::is_contained(opt.second->Categories, &category) ||
                 llvm::is_contained(opt.second->Categories, &quantCategory) ||
                 opt.first == "help" || opt.first == "help-list" || opt.first == "version";
    if (!shown && opt.second->getOptionHiddenFlag() == cl::NotHidden)
      opt.second->setHiddenFlag(cl::Hidden);
  }
  cl::ParseCommandLineOptions(argc, argv,
                              "Octet INT8 model compiler\n\n"
                              "  octetc model.onnx --target=cpu --emit=shared-lib -o model.so\n\n"
                              "MLIR's and LLVM's options also apply (--help-hidden lists them).\n");

  if (listTargets) {
    for (const octet::Target *t : octet::registeredTargets())
      outs() << "  " << t->name << "  " << t->description << "\n";
    return 0;
  }
  if (inputFile.empty()) {
    errs() << "octetc: error: no model given (usage: octetc model.onnx [options]; see --help)\n";
    return 1;
  }
  const octet::Target *tgt = nullptr;
  if (!target.empty() && !(tgt = octet::lookupTarget(target))) {
    std::string known;
    for (const octet::Target *t : octet::registeredTargets())
      known += (known.empty() ? "" : ", ") + t->name;
    errs() << "octetc: error: unknown --target '" << target << "' (targets: " << known << ")\n";
    return 1;
  }

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

  // --timing: a tree of the phases, printed to stderr when octetc ends.
  mlir::DefaultTimingManager timingManager;
  timingManager.setEnabled(timing);
  timingManager.setDisplayMode(mlir::DefaultTimingManager::DisplayMode::Tree);
  mlir::TimingScope rootTimer = timingManager.getRootScope();
  if (emit == Emit::OnnxQDQ && !quantize) {
    errs() << "octetc: error: --emit=onnx-qdq needs --quantize\n";
    return 1;
  }
  Emit what = emit;
  if (!emit.getNumOccurrences() && tgt)
    what = Emit::Object;
  bool codegen = what == Emit::Lowered || what == Emit::Object || what == Emit::SharedLib ||
                 what == Emit::SPIRV || what == Emit::PTX;
  bool batchOptions = batchSizes.getNumOccurrences() || batchRange.getNumOccurrences();
  if (batchOptions && !codegen) {
    errs() << "octetc: error: --batch-sizes and --batch-range need a --target\n";
    return 1;
  }
  octet::DynamicBatch dynBatch;
  dynBatch.max = INT64_MAX;
  if (batchRange.getNumOccurrences()) {
    auto [lo, hi] = StringRef(batchRange).split(':');
    bool bad = !StringRef(batchRange).contains(':') || lo.getAsInteger(10, dynBatch.min) ||
               dynBatch.min < 0 || (!hi.empty() && (hi.getAsInteger(10, dynBatch.max) ||
                                                    dynBatch.max < dynBatch.min));
    if (bad) {
      errs() << "octetc: error: --batch-range expects MIN:MAX with 0 <= MIN <= MAX (or MIN:), "
                "not '"
             << batchRange << "'\n";
      return 1;
    }
  }
  for (int64_t n : batchSizes) {
    if (n < 1) {
      errs() << "octetc: error: --batch-sizes takes positive batch sizes, not " << n << "\n";
      return 1;
    }
    if (n < dynBatch.min || n > dynBatch.max) {
      errs() << "octetc: error: --batch-sizes " << n << " is outside --batch-range "
             << batchRange << "\n";
      return 1;
    }
  }

  if (!quantize)
    for (const cl::Option *o : {(cl::Option *)&calibrationData, (cl::Option *)&calibrationCache,
                                (cl::Option *)&calibratorName, (cl::Option *)&keepFloat,
                                (cl::Option *)&weightsMode, (cl::Option *)&activationsType,
                                (cl::Option *)&symmetricActivations,
                                (cl::Option *)&calibrationBatch, (cl::Option *)&weightRange,
                                (cl::Option *)&reportFile, (cl::Option *)&reportSamples,
                                (cl::Option *)&dynamicQuant, (cl::Option *)&autoMixedPrecision,
                                (cl::Option *)&accuracyBudget, (cl::Option *)&smoothAlpha,
                                (cl::Option *)&biasCorrection})
      if (o->getNumOccurrences()) {
        errs() << "octetc: error: --" << o->ArgStr << " needs --quantize\n";
        return 1;
      }

  mlir::OwningOpRef<mlir::ModuleOp> module;
  // The model's bytes: a dynamic batch imports it once per batch size.
  std::string modelBytes;
  std::vector<GraphInput> inputsOfGraph;
  bool dynamic = false;
  if (quantize) {
    mlir::TimingScope quantTimer = rootTimer.nest("quantize (calibrate, QDQ rewrite)");
    if (!quantizeModel(context, options, quantTimer, modelBytes))
      return 1;
    if (emit == Emit::OnnxQDQ)
      return 0;
    quantTimer.stop();
  } else if (codegen) {
    if (auto buf = MemoryBuffer::getFile(inputFile, /*IsText=*/false))
      modelBytes = (*buf)->getBuffer().str();
  }
  if (codegen && !modelBytes.empty()) {
    inputsOfGraph = graphInputs(modelBytes, options);
    dynamic = llvm::any_of(inputsOfGraph, [](const GraphInput &g) { return g.batched; });
  }
  if (batchOptions && !dynamic) {
    errs() << "octetc: error: --batch-sizes and --batch-range need a model input whose leading "
              "dimension is dynamic (mark it with --input-shape NAME=?x...)\n";
    return 1;
  }
  // The model with its batched inputs at batch n.
  auto importAt = [&](int64_t n) {
    octet::ONNXImportOptions o = options;
    for (const GraphInput &g : inputsOfGraph)
      if (g.batched) {
        std::vector<int64_t> dims = g.dims;
        dims[0] = n;
        o.inputShapes[g.name] = dims;
      }
    return octet::importONNXBytes(modelBytes, inputFile, &context, o);
  };
  std::vector<mlir::OwningOpRef<mlir::ModuleOp>> batchModules;
  if (dynamic) {
    // Each sample's outputs must depend on that sample alone: proven on the
    // graph at two batch sizes before anything is built.
    mlir::TimingScope checkTimer = rootTimer.nest("dynamic batch: import and check");
    auto a = importAt(2), b = importAt(3);
    if (!a || !b || failed(octet::checkBatchIndependence(*a, 2, *b, 3)))
      return 1;
    for (const GraphInput &g : inputsOfGraph)
      dynBatch.batchedInputs.push_back(g.batched);
    std::set<int64_t> sizes(batchSizes.begin(), batchSizes.end());
    sizes.insert(1);
    dynBatch.sizes.assign(sizes.rbegin(), sizes.rend());
    checkTimer.stop();
    mlir::TimingScope importTimer = rootTimer.nest("import (ONNX -> octet)");
    for (int64_t n : dynBatch.sizes) {
      auto m = importAt(n);
      if (!m)
        return 1;
      if (n == 1)
        module = std::move(m);
      else
        batchModules.push_back(std::move(m));
    }
  } else if (quantize) {
    mlir::TimingScope importTimer = rootTimer.nest("import (ONNX -> octet)");
    module = octet::importONNXBytes(modelBytes, inputFile, &context, options);
  } else {
    mlir::TimingScope importTimer = rootTimer.nest("import (ONNX -> octet)");
    module = octet::importONNXFile(inputFile, &context, options);
  }
  if (!module)
    return 1;

  if (codegen && !tgt) {
    errs() << "octetc: error: --emit=lowered, object and shared-lib need a --target\n";
    return 1;
  }
  if (!headerFile.empty() && !codegen) {
    errs() << "octetc: error: --header needs a --target\n";
    return 1;
  }
  if (modelName.empty() || !(isalpha((unsigned char)modelName[0]) || modelName[0] == '_') ||
      !llvm::all_of(modelName, [](char c) { return isalnum((unsigned char)c) || c == '_'; })) {
    errs() << "octetc: error: --name '" << modelName << "' is not a C identifier\n";
    return 1;
  }
  if (gpuStages.getNumOccurrences()) {
    if (gpuStages < 2 || gpuStages > 4) {
      errs() << "octetc: error: --gpu-stages must be 2, 3 or 4, not " << gpuStages << "\n";
      return 1;
    }
    if (!tgt || (tgt->name != "cuda" && tgt->name != "vulkan")) {
      errs() << "octetc: error: --gpu-stages needs --target=cuda or --target=vulkan\n";
      return 1;
    }
  }
  if (vnni != "auto" && vnni != "on" && vnni != "off") {
    errs() << "octetc: error: --vnni must be auto, on or off, not '" << vnni << "'\n";
    return 1;
  }
  if (requant != "onnx" && requant != "fixed-point") {
    errs() << "octetc: error: --requant must be onnx or fixed-point, not '" << requant << "'\n";
    return 1;
  }

  if (what != Emit::Import) {
    mlir::TimingScope graphTimer = rootTimer.nest("graph passes (quantized pipeline)");
    auto runPipeline = [&](mlir::ModuleOp m) {
      mlir::PassManager pm(&context);
      if (failed(mlir::applyPassManagerCLOptions(pm)))
        return false;
      octet::buildQuantizedPipeline(pm);
      if (timing)
        pm.enableTiming(graphTimer);
      return succeeded(pm.run(m));
    };
    if (!runPipeline(*module))
      return 1;
    for (auto &m : batchModules)
      if (!runPipeline(*m))
        return 1;
  }

  if (codegen) {
    octet::TargetOptions opts;
    opts.name = modelName;
    opts.cpu = cpu;
    opts.requant = requant;
    opts.vnni = vnni;
    opts.sharedLibrary = what == Emit::SharedLib;
    opts.cudaArch = cudaArch;
    opts.vulkanCaps = vulkanCaps;
    opts.gpuStages = gpuStages;
    opts.compileThreads = compileThreads;
    opts.verifyEachPass = verifyEach;
    if (dynamic) {
      // The batch-1 module is the one compiled; the others are the sizes
      // with kernels of their own.
      opts.batch = dynBatch;
      for (size_t k = 0; k < batchModules.size(); ++k)
        opts.batchModules.push_back({dynBatch.sizes[k], *batchModules[k]});
    }
    mlir::TimingScope targetTimer = rootTimer.nest("target '" + tgt->name + "'");
    if (timing)
      opts.timing = &targetTimer;
    if (what == Emit::Lowered) {
      if (failed(tgt->lower(*module, opts)))
        return 1;
    } else if (what == Emit::PTX) {
      if (tgt->name != "cuda") {
        errs() << "octetc: error: --emit=ptx needs --target=cuda\n";
        return 1;
      }
      std::string ptx, error;
      if (failed(octet::emitCUDAPTX(*module, opts, ptx)))
        return 1;
      auto output = mlir::openOutputFile(outputFile, &error);
      if (!output) {
        errs() << "octetc: error: " << error << "\n";
        return 1;
      }
      output->os() << ptx;
      output->keep();
      return 0;
    } else if (what == Emit::SPIRV) {
      if (tgt->name != "vulkan") {
        errs() << "octetc: error: --emit=spirv needs --target=vulkan\n";
        return 1;
      }
      if (outputFile == "-") {
        errs() << "octetc: error: give the SPIR-V file with -o\n";
        return 1;
      }
      SmallVector<uint32_t> words;
      if (failed(octet::emitVulkanSPIRV(*module, opts, words)))
        return 1;
      std::string error;
      auto output = mlir::openOutputFile(outputFile, &error);
      if (!output) {
        errs() << "octetc: error: " << error << "\n";
        return 1;
      }
      output->os().write(reinterpret_cast<const char *>(words.data()), words.size() * 4);
      output->keep();
      return 0;
    } else {
      if (outputFile == "-") {
        errs() << "octetc: error: give the " << (what == Emit::Object ? "object" : "library")
               << " file with -o\n";
        return 1;
      }
      // Compile into temporaries; only a complete result replaces -o.
      std::string error;
      FailureOr<octet::CompiledModule> compiled;
      std::unique_ptr<MemoryBuffer> bytes;
      SmallString<128> tmpPath;
      if (auto ec = sys::fs::createTemporaryFile(
              "octet", what == Emit::SharedLib ? "so" : "o", tmpPath)) {
        errs() << "octetc: error: cannot create a temporary file: " << ec.message() << "\n";
        return 1;
      }
      FileRemover removeTmp(tmpPath);
      if (what == Emit::SharedLib) {
        compiled = octet::compileSharedLibrary(*tgt, *module, opts, tmpPath, error);
      } else {
        std::error_code ec;
        raw_fd_ostream obj(tmpPath, ec, sys::fs::OF_None);
        if (ec) {
          errs() << "octetc: error: cannot write a temporary file: " << ec.message() << "\n";
          return 1;
        }
        compiled = tgt->compile(*module, opts, obj);
      }
      targetTimer.stop();
      if (failed(compiled)) {
        if (!error.empty())
          errs() << "octetc: error: " << error << "\n";
        return 1;
      }
      auto buf = MemoryBuffer::getFile(tmpPath, /*IsText=*/false);
      if (!buf) {
        errs() << "octetc: error: cannot read the compiled "
               << (what == Emit::SharedLib ? "library" : "object file") << "\n";
        return 1;
      }
      auto output = mlir::openOutputFile(outputFile, &error);
      if (!output) {
        errs() << "octetc: error: " << error << "\n";
        return 1;
      }
      output->os() << (*buf)->getBuffer();
      if (!headerFile.empty()) {
        auto header = mlir::openOutputFile(headerFile, &error);
        if (!header) {
          errs() << "octetc: error: " << error << "\n";
          return 1;
        }
        header->os() << tgt->header(*compiled, opts, sys::path::filename(inputFile));
        header->keep();
      }
      output->keep();
      return 0;
    }
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
