//===- Calibrate.h - run a float model over calibration data ---*- C++ -*-===//
//
// Calibration compiles the float model, with every tensor to calibrate as
// an extra output, through Octet's own CPU code generation, loads it with the
// runtime and streams the data through it in batches. Inputs come from
// memory-mapped .npy files: memory holds one batch, the histograms and the
// compiled module, whatever the size of the data set.
//
//===----------------------------------------------------------------------===//

#ifndef OCTET_QUANTIZATION_CALIBRATE_H
#define OCTET_QUANTIZATION_CALIBRATE_H

#include "octet/Quantization/Quantizer.h"

#include "mlir/Support/Timing.h"
#include "llvm/Support/MemoryBuffer.h"

namespace mlir {
class MLIRContext;
} // namespace mlir

namespace octet::quant {

/// The calibration data of one model input: .npy files whose first axis
/// counts samples (several files are read one after the other).
struct InputData {
  std::string name;                 // the model input
  int32_t dtype = 0;                // octet_dtype of the model input
  std::vector<int64_t> sampleShape; // the shape of one sample (dims 1..)
  struct File {
    std::string path;
    std::unique_ptr<llvm::MemoryBuffer> buffer;
    const char *data = nullptr;
    int64_t samples = 0;
  };
  std::vector<File> files;
};

struct CalibrationData {
  std::vector<InputData> inputs;
  int64_t samples = 0;
  int64_t modelBatch = 0; // the model's fixed first dimension, 0 when symbolic
};

/// Opens the data at `path`: a .npy file for a model with one input, or a
/// directory with NAME.npy for each input (or, for one input, any .npy files,
/// read in name order). Checks dtypes, ranks and dims against the model.
bool openCalibrationData(const std::string &path, const onnx::ModelProto &model,
                         CalibrationData &data, std::string &error);

struct CalibrateOptions {
  std::string cpu = "native";
  int64_t batch = 0;      // samples per run; 0 chooses
  int32_t threads = 0;    // 0: the runtime's default
  bool progress = false;  // a progress line on stderr
  std::string modelPath;  // names the model in messages
  mlir::TimingScope *timing = nullptr; // octetc --timing: compile, run, statistics
};

/// Runs `model` (the float model) over the data and returns the statistics
/// of every tensor in `plan.observed` that is float (others are absent).
bool calibrate(mlir::MLIRContext &context, const onnx::ModelProto &model, const QuantPlan &plan,
               CalibrationData &data, const CalibrateOptions &options,
               std::map<std::string, TensorStats> &stats, std::string &error);

/// Runs the float and the QDQ model side by side over (the first
/// `maxSamples` of) the data and compares each tensor of plan.tensors:
/// the float value against the int8 model's dequantized one; and the
/// tensors of `alsoCompare` (the model's outputs, say) under their names.
bool compareQuantized(mlir::MLIRContext &context, const onnx::ModelProto &floatModel,
                      const onnx::ModelProto &qdqModel, const QuantPlan &plan,
                      CalibrationData &data, const CalibrateOptions &options, int64_t maxSamples,
                      const std::vector<std::string> &alsoCompare,
                      std::map<std::string, LayerMetrics> &metrics, std::string &error);

/// Per-channel statistics of a float tensor along one axis.
struct ChannelStats {
  std::vector<float> absmax;
  std::vector<double> sum;
  uint64_t perChannel = 0; // values per channel
  std::vector<double> mean() const {
    std::vector<double> m(sum.size());
    for (size_t c = 0; c < sum.size(); ++c)
      m[c] = perChannel ? sum[c] / (double)perChannel : 0.0;
    return m;
  }
};
/// Runs the float model over the data and gathers per-channel max |x| and
/// mean of each tensor in `axes` (name -> channel axis, negative from the
/// end). Tensors absent or not float are left out.
bool channelStatistics(mlir::MLIRContext &context, const onnx::ModelProto &model,
                       const std::map<std::string, int> &axes, CalibrationData &data,
                       const CalibrateOptions &options, std::map<std::string, ChannelStats> &out,
                       std::string &error);

/// The float outputs of a model (its graph outputs) over the first samples.
struct ModelOutputs {
  std::vector<std::string> names;
  std::vector<std::vector<float>> values; // per output, the samples one after another
  int64_t samples = 0;
};
/// Compiles `model` for this CPU and runs it over (the first `maxSamples` of)
/// the data, keeping its float outputs.
bool runOutputs(mlir::MLIRContext &context, const onnx::ModelProto &model, CalibrationData &data,
                const CalibrateOptions &options, int64_t maxSamples, ModelOutputs &out,
                std::string &error);
/// The lowest SQNR (dB) of `got`'s outputs against the reference's.
double outputSqnr(const ModelOutputs &reference, const ModelOutputs &got);

/// Ranks the int8 nodes that `options` gives by sensitivity (the output
/// SQNR when only that node, with the Relu folded into it, is int8), then
/// finds the fewest most-sensitive nodes to leave in float for the output
/// SQNR to reach `budgetDb` (a bisection over the ranking). When no number
/// of them does, returns the best model it evaluated (met = false).
bool autoMixedPrecision(mlir::MLIRContext &context, const onnx::ModelProto &floatModel,
                        const QuantizeOptions &options,
                        const std::map<std::string, TensorRange> &ranges,
                        const std::map<std::string, std::vector<double>> &inputMeans,
                        CalibrationData &data,
                        const CalibrateOptions &calibrateOptions, int64_t maxSamples,
                        double budgetDb, MixedPrecisionResult &result, std::string &error);

} // namespace octet::quant

#endif // OCTET_QUANTIZATION_CALIBRATE_H
