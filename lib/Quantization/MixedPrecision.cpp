//===- MixedPrecision.cpp - automatic mixed precision ----------------------===//
//
// The model is compiled and run with every candidate node in int8 (its
// output SQNR against the float model is the baseline), then once per
// candidate with only that node in int8 (its sensitivity), then with the k
// most sensitive nodes in float for the k a bisection picks: the fewest for
// the output SQNR to reach the budget. Every evaluation is Octet's own int8
// code for this CPU against Octet's float code, on the calibration samples.
//
//===----------------------------------------------------------------------===//

#include "octet/Quantization/Calibrate.h"

#include <onnx/onnx_pb.h>

#include <algorithm>

using namespace octet::quant;

namespace {

struct Evaluator {
  mlir::MLIRContext &context;
  const onnx::ModelProto &floatModel;
  const QuantizeOptions &options;
  const std::map<std::string, TensorRange> &ranges;
  const std::map<std::string, std::vector<double>> &inputMeans;
  CalibrationData &data;
  const CalibrateOptions &copts;
  int64_t maxSamples;
  ModelOutputs reference;
  int evaluations = 0;

  /// Output SQNR with the nodes of `keep` (besides the user's) in float.
  bool sqnr(const std::vector<std::string> &keep, double &db, std::string &error) {
    QuantizeOptions o = options;
    o.keepFloat.insert(o.keepFloat.end(), keep.begin(), keep.end());
    QuantPlan plan;
    plan.inputMeans = inputMeans;
    onnx::ModelProto model = floatModel;
    if (!planQuantization(model, o, plan, error) || !rewriteToQDQ(model, plan, ranges, o, error))
      return false;
    ModelOutputs got;
    if (!runOutputs(context, model, data, copts, maxSamples, got, error))
      return false;
    ++evaluations;
    db = outputSqnr(reference, got);
    return true;
  }
};

} // namespace

bool octet::quant::autoMixedPrecision(mlir::MLIRContext &context,
                                      const onnx::ModelProto &floatModel,
                                      const QuantizeOptions &options,
                                      const std::map<std::string, TensorRange> &ranges,
                                      const std::map<std::string, std::vector<double>> &inputMeans,
                                      CalibrationData &data, const CalibrateOptions &copts,
                                      int64_t maxSamples, double budgetDb,
                                      MixedPrecisionResult &result, std::string &error) {
  Evaluator ev{context, floatModel, options, ranges, inputMeans, data, copts, maxSamples, {}};
  if (!runOutputs(context, floatModel, data, copts, maxSamples, ev.reference, error))
    return false;
  result = MixedPrecisionResult();
  result.budgetDb = budgetDb;

  // The candidates: the int8 compute nodes of the full plan, each with the
  // activations folded into it.
  QuantPlan full;
  full.inputMeans = inputMeans;
  onnx::ModelProto model = floatModel;
  if (!planQuantization(model, options, full, error) ||
      !rewriteToQDQ(model, full, ranges, options, error))
    return false;
  std::vector<std::string> all, candidates;
  std::map<std::string, std::vector<std::string>> unit;
  for (const NodePlan &n : full.nodes) {
    all.push_back(n.name);
    if (n.kind == NodePlan::Int8) {
      candidates.push_back(n.name);
      unit[n.name].push_back(n.name);
    }
  }
  for (const NodePlan &n : full.nodes)
    if (n.kind == NodePlan::RemovedActivation && unit.count(n.foldedInto))
      unit[n.foldedInto].push_back(n.name);
  if (!ev.sqnr({}, result.allInt8Db, error))
    return false;

  // Sensitivity: only the candidate (and what folds into it) in int8.
  std::set<std::string> userFloat(options.keepFloat.begin(), options.keepFloat.end());
  std::vector<std::pair<double, std::string>> ranked;
  for (const std::string &c : candidates) {
    std::set<std::string> mine(unit[c].begin(), unit[c].end());
    std::vector<std::string> keep;
    for (const std::string &n : all)
      if (!mine.count(n) && !userFloat.count(n))
        keep.push_back(n);
    double db;
    if (!ev.sqnr(keep, db, error))
      return false;
    ranked.push_back({db, c});
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto &a, const auto &b) { return a.first < b.first; });
  for (size_t r = 0; r < ranked.size(); ++r)
    result.sensitivity[ranked[r].second] = {(int)r + 1, ranked[r].first};

  // The fewest most-sensitive nodes to fall back (bisection over k).
  auto fallback = [&](size_t k) {
    std::vector<std::string> keep;
    for (size_t r = 0; r < k; ++r)
      for (const std::string &n : unit[ranked[r].second])
        keep.push_back(n);
    return keep;
  };
  size_t best = 0;
  double bestDb = result.allInt8Db;
  if (result.allInt8Db < budgetDb && !ranked.empty()) {
    size_t lo = 1, hi = ranked.size();
    double hiDb;
    if (!ev.sqnr(fallback(hi), hiDb, error))
      return false;
    if (hiDb >= budgetDb) {
      // Invariant: k = hi meets the budget (hiDb); below lo none does.
      while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        double db;
        if (!ev.sqnr(fallback(mid), db, error))
          return false;
        if (db >= budgetDb) {
          hi = mid;
          hiDb = db;
        } else {
          lo = mid + 1;
        }
      }
      best = hi;
      bestDb = hiDb;
    } else if (hiDb > bestDb) {
      // Out of reach: the best model found.
      best = hi;
      bestDb = hiDb;
    }
  }
  result.fallback = fallback(best);
  result.finalDb = bestDb;
  result.met = bestDb >= budgetDb;
  result.evaluations = ev.evaluations;
  return true;
}
