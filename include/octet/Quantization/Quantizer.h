//===- Quantizer.h - post-training quantization of float ONNX models -*- C++ -*-===//
//
// `octetc --quantize` turns a float ONNX model into a QDQ ONNX model, which
// then takes the same import, QDQ folding and code generation as a model
// quantized by another tool. The steps:
//
//   1. prepare:   fold BatchNormalization into the Conv before it;
//   2. plan:      choose the nodes that run in int8 and the tensors they
//                 read and write (planQuantization);
//   3. calibrate: compile the float model with every planned tensor as an
//                 extra output for this CPU, run the calibration data through
//                 it and stream each tensor into a TensorStats (exact min and
//                 max, a fixed-grid histogram: memory bounded, results
//                 independent of batch size and order);
//   4. ranges:    a calibrator (min-max, percentile, entropy, MSE, auto)
//                 turns each histogram into a range; a calibration cache
//                 (JSON) keeps them for later runs;
//   5. rewrite:   scales and zero points after ONNX Runtime's formulas,
//                 QuantizeLinear/DequantizeLinear pairs on activations,
//                 int8 weights, int32 biases (rewriteToQDQ).
//
// The rewrite works on the ONNX graph rather than on the octet IR so the
// result can be written out (--emit=onnx-qdq) and run by ONNX Runtime or
// TensorRT, and so node names stay the user's (--keep-float, the report).
//
//===----------------------------------------------------------------------===//

#ifndef OCTET_QUANTIZATION_QUANTIZER_H
#define OCTET_QUANTIZATION_QUANTIZER_H

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace onnx {
class ModelProto;
} // namespace onnx

namespace octet::quant {

//===----------------------------------------------------------------------===//
// Statistics of one tensor
//===----------------------------------------------------------------------===//

/// Streaming statistics of a float tensor: count, exact min and max, and a
/// histogram on a fixed grid, 2^kMantBits bins per power of two over the
/// kBinades powers of two below the largest magnitude seen (smaller
/// magnitudes share an underflow bin per sign). The grid does not depend on
/// the order of the data, so the histogram is the same for any batching.
class TensorStats {
public:
  static constexpr int kMantBits = 10;
  static constexpr int kBinades = 24;
  static constexpr int kBinsPerSign = kBinades << kMantBits;

  /// Adds `n` values; returns how many were NaN or infinite (not added).
  uint64_t add(const float *values, size_t n);

  uint64_t count() const { return count_; }
  float min() const { return min_; }
  float max() const { return max_; }
  bool empty() const { return count_ == 0; }

  /// The histogram as (bin center, count) pairs in ascending value order;
  /// zeros and the underflow bins have center 0.
  std::vector<std::pair<double, uint64_t>> bins() const;

private:
  void shiftTo(int exponent);
  uint64_t count_ = 0;
  float min_ = 0, max_ = 0;
  int top_ = -1; // biased exponent of the window's top binade; -1: none yet
  /// Per sign, kSlots counts: [(top_ - e) << kMantBits | mantissa] for the
  /// window, then the underflow bin and the zeros, each spread over kSpread
  /// slots (value i counts in slot i mod kSpread) so that runs of zeros, as
  /// after a Relu, do not chain increments of one counter.
  static constexpr int kSpread = 8;
  static constexpr int kUnder = kBinsPerSign, kZero = kBinsPerSign + kSpread,
                       kSlots = kBinsPerSign + 2 * kSpread;
  std::vector<uint64_t> counts_; // [sign * kSlots + slot]
};

//===----------------------------------------------------------------------===//
// Schemes and calibrators
//===----------------------------------------------------------------------===//

/// How a tensor's values map onto integers.
struct QuantType {
  int qmin = 0, qmax = 255; // uint8 by default
  bool symmetric = false;
  bool isSigned() const { return qmin < 0; }
};

/// Scale and zero point of a range, as ONNX Runtime's quantizer computes
/// them (compute_scale_zp): the range widened to hold 0, the scale in double
/// then rounded to float, the zero point rounded half to even.
struct ScaleZp {
  float scale = 1;
  int zeroPoint = 0;
};
ScaleZp computeScaleZp(float rmin, float rmax, const QuantType &type);

/// q = saturate(rint(x / scale) + zp), as QuantizeLinear.
int quantizeValue(float x, const ScaleZp &p, const QuantType &type);

enum class CalibratorKind { MinMax, Percentile, Entropy, MSE, Auto };
struct Calibrator {
  CalibratorKind kind = CalibratorKind::MinMax;
  double percentile = 99.99;
  std::string str() const;
};
/// Parses minmax, percentile[:P], entropy, mse or auto.
bool parseCalibrator(llvm::StringRef text, Calibrator &out, std::string &error);

/// A calibrated range and how it was found.
struct TensorRange {
  float min = 0, max = 0;   // the range the scale is made from
  float seenMin = 0, seenMax = 0; // what calibration saw
  std::string calibrator;   // the calibrator that chose it (auto names its pick)
  double sqnrDb = 0;        // quantization SQNR of the calibration data (dB)
  uint64_t count = 0;       // values seen
};

/// The range `cal` chooses from `stats` for values quantized as `type`.
TensorRange chooseRange(const TensorStats &stats, const Calibrator &cal, const QuantType &type);

//===----------------------------------------------------------------------===//
// The plan and the rewrite
//===----------------------------------------------------------------------===//

struct QuantizeOptions {
  Calibrator calibrator;
  bool perChannel = true;
  bool narrowWeights = true;       // int8 weights in [-127, 127]
  bool signedActivations = false;  // int8 instead of uint8 activations
  bool symmetricActivations = false;
  bool dynamic = false;            // MatMul/Gemm activations quantized at run time
  std::vector<std::string> keepFloat; // ONNX node names left in float

  QuantType activationType() const;
  QuantType weightType() const;
};

/// How each node of the float model will run.
struct NodePlan {
  std::string name, opType;
  enum Kind { Float, Int8, SameAsInput, RemovedActivation } kind = Float;
  std::string reason;     // why a node stays float (or how it was folded)
  std::string foldedInto; // RemovedActivation: the node whose requantize clips for it
};

/// A quantized activation of the QDQ model.
struct TensorPlan {
  std::string name;        // the tensor in the float model
  std::string dequantized; // what its consumers read in the QDQ model
  std::string node, opType; // the ONNX node that writes it ("" for a graph input)
  ScaleZp params;
  int qmin = 0, qmax = 255;
};

struct QuantPlan {
  std::vector<NodePlan> nodes;           // in graph order
  std::vector<std::string> observed;     // activation tensors to calibrate
  std::vector<TensorPlan> tensors;       // after rewriteToQDQ: the quantized activations
  /// Bias correction: per-channel means of the float inputs of int8 Conv,
  /// Gemm and MatMul nodes (by tensor name); empty: no correction.
  std::map<std::string, std::vector<double>> inputMeans;
};

/// The inputs whose per-channel means bias correction needs (int8 Conv:
/// axis 1; Gemm and MatMul with constant weights: the last axis).
std::map<std::string, int> biasCorrectionInputs(const onnx::ModelProto &model,
                                                const QuantPlan &plan);

/// Turns Constant nodes and Identity nodes of initializers into initializers
/// (in place). Returns the number of nodes removed.
int inlineConstants(onnx::ModelProto &model);

/// Folds BatchNormalization into a preceding Conv with constant weights
/// (in place). Returns the number of folded nodes.
int foldBatchNorm(onnx::ModelProto &model);

/// The activations SmoothQuant can rescale (inputs of MatMul/Gemm with
/// constant 2-D weights), with their channel axis (the last).
std::map<std::string, int> smoothCandidates(const onnx::ModelProto &model);
/// SmoothQuant with migration strength `alpha` from the per-channel max |x|
/// of each candidate (in place). Returns how many activations were
/// rescaled; `log` says where each 1/s went.
int smoothQuant(onnx::ModelProto &model,
                const std::map<std::string, std::vector<float>> &xAbsmax, double alpha,
                std::vector<std::string> &log);

/// Chooses the int8 nodes and the tensors to calibrate. Fails (with a
/// message) on unknown --keep-float names and models it cannot quantize.
bool planQuantization(const onnx::ModelProto &model, const QuantizeOptions &options,
                      QuantPlan &plan, std::string &error);

/// A copy of `model` with every observed tensor that a node of it produces
/// also a graph output.
std::unique_ptr<onnx::ModelProto> withObservedOutputs(const onnx::ModelProto &model,
                                                      const QuantPlan &plan);

/// The QDQ model: scales from `ranges` (by tensor name), quantized weights
/// and biases. Updates the plan's node kinds (activations removed into their
/// producer, nodes left float for lack of a range).
bool rewriteToQDQ(onnx::ModelProto &model, QuantPlan &plan,
                  const std::map<std::string, TensorRange> &ranges,
                  const QuantizeOptions &options, std::string &error);

/// Dynamic quantization (--dynamic): int8 weights for MatMul and Gemm, the
/// activations quantized at run time (DynamicQuantizeLinear, MatMulInteger).
bool rewriteDynamic(onnx::ModelProto &model, QuantPlan &plan, const QuantizeOptions &options,
                    std::string &error);

/// A digest of the graph (nodes, attributes, initializers) that keys the
/// calibration cache to a model.
std::string graphDigest(const onnx::ModelProto &model);

//===----------------------------------------------------------------------===//
// The report
//===----------------------------------------------------------------------===//

/// How far the int8 model's tensors are from the float model's.
struct LayerMetrics {
  double sqnrDb = 0;       // 10 log10(sum f^2 / sum (f - q)^2)
  double cosine = 0;       // cosine similarity of f and q
  double maxAbsError = 0;
  double clippedShare = 0; // share of float values outside the int8 range
  double top1Agreement = -1; // rank-2 model outputs: share of rows with the same argmax
  uint64_t count = 0;
};

/// Automatic mixed precision: which int8 nodes to leave in float.
struct MixedPrecisionResult {
  double budgetDb = 0;
  double allInt8Db = 0;      // output SQNR with every candidate node in int8
  double finalDb = 0;        // output SQNR of the model returned
  bool met = false;
  std::vector<std::string> fallback; // nodes left in float, most sensitive first
  /// Per candidate node: output SQNR when only it runs in int8, and its rank
  /// (1: the most sensitive).
  std::map<std::string, std::pair<int, double>> sensitivity;
  int evaluations = 0;       // quantized models compiled and run
};

struct QuantReport {
  std::string model, calibrator, activations, weights;
  uint64_t calibrationSamples = 0, comparedSamples = 0;
  const QuantPlan *plan = nullptr;
  const std::map<std::string, TensorRange> *ranges = nullptr;
  std::map<std::string, LayerMetrics> metrics;
  std::vector<std::string> outputs; // the model's outputs (end-to-end SQNR)
  const MixedPrecisionResult *mixedPrecision = nullptr; // --auto-mixed-precision
};

/// The per-tensor table and the node summary, for a terminal.
std::string reportTable(const QuantReport &report);
/// Writes the report as JSON (.json) or a self-contained HTML page (.html).
bool writeReport(const std::string &path, const QuantReport &report, std::string &error);

/// Reads an ONNX model file (errors start with "PATH: error: ").
bool readModel(const std::string &path, onnx::ModelProto &model, std::string &error);
/// Writes `bytes` to `path` through a temporary: the file appears only when
/// complete (no partial output on errors).
bool writeFileAtomically(const std::string &path, llvm::StringRef bytes, bool text,
                         std::string &error);
/// Writes a model; the file appears only when complete.
bool writeModel(const std::string &path, const onnx::ModelProto &model, std::string &error);

//===----------------------------------------------------------------------===//
// Calibration cache (versioned JSON)
//===----------------------------------------------------------------------===//

struct CalibrationCache {
  static constexpr int kVersion = 1;
  std::string model;      // graphDigest
  std::string calibrator; // Calibrator::str() of the run that made it
  std::string activations; // "uint8" / "int8", "+symmetric"
  uint64_t samples = 0;
  double smooth = 0;      // --smooth's alpha when the ranges are of a smoothed model
  std::map<std::string, TensorRange> tensors;
};
bool writeCalibrationCache(const std::string &path, const CalibrationCache &cache,
                           std::string &error);
bool readCalibrationCache(const std::string &path, CalibrationCache &cache, std::string &error);

} // namespace octet::quant

#endif // OCTET_QUANTIZATION_QUANTIZER_H
