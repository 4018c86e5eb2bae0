//===- Cache.cpp - the calibration cache (versioned JSON) ------------------===//
//
// {
//   "format": "octet-calibration-cache", "version": 1,
//   "model": "<graph digest>", "calibrator": "entropy", "activations": "uint8",
//   "samples": 200,
//   "tensors": {
//     "/Relu_output_0": {"min": 0, "max": 2.19, "seen_min": 0, "seen_max": 2.19,
//                        "calibrator": "entropy", "sqnr_db": 38.2, "count": 204800},
//     ...
//   }
// }
// A person may edit "min" and "max"; the rest is information.
//
//===----------------------------------------------------------------------===//

#include "octet/Quantization/Quantizer.h"

#include <cmath>

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace octet::quant;
namespace json = llvm::json;

bool octet::quant::writeCalibrationCache(const std::string &path, const CalibrationCache &cache,
                                         std::string &error) {
  json::Object tensors;
  for (const auto &[name, r] : cache.tensors)
    tensors[name] = json::Object{{"min", (double)r.min},
                                 {"max", (double)r.max},
                                 {"seen_min", (double)r.seenMin},
                                 {"seen_max", (double)r.seenMax},
                                 {"calibrator", r.calibrator},
                                 {"sqnr_db", r.sqnrDb},
                                 {"count", (int64_t)r.count}};
  json::Object root{{"format", "octet-calibration-cache"},
                    {"version", CalibrationCache::kVersion},
                    {"model", cache.model},
                    {"calibrator", cache.calibrator},
                    {"activations", cache.activations},
                    {"samples", (int64_t)cache.samples},
                    {"smooth", cache.smooth},
                    {"tensors", std::move(tensors)}};
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::formatv("{0:2}", json::Value(std::move(root))) << "\n";
  if (!writeFileAtomically(path, text, /*text=*/true, error)) {
    error = "calibration cache: " + error;
    return false;
  }
  return true;
}

bool octet::quant::readCalibrationCache(const std::string &path, CalibrationCache &cache,
                                        std::string &error) {
  auto buf = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buf) {
    error = "cannot open the calibration cache '" + path + "': " + buf.getError().message();
    return false;
  }
  auto bad = [&](const std::string &why) {
    error = "calibration cache '" + path + "': " + why;
    return false;
  };
  auto parsed = json::parse((*buf)->getBuffer());
  if (!parsed)
    return bad("not valid JSON: " + llvm::toString(parsed.takeError()));
  const json::Object *root = parsed->getAsObject();
  if (!root || root->getString("format") != std::optional<llvm::StringRef>("octet-calibration-cache"))
    return bad("not an Octet calibration cache (no \"format\": \"octet-calibration-cache\")");
  auto version = root->getInteger("version");
  if (!version || *version != CalibrationCache::kVersion)
    return bad("version " + (version ? std::to_string(*version) : std::string("(none)")) +
               " is not supported (this octetc reads version " +
               std::to_string(CalibrationCache::kVersion) + ")");
  auto model = root->getString("model");
  if (!model)
    return bad("no \"model\" digest");
  cache.model = model->str();
  cache.calibrator = root->getString("calibrator").value_or("").str();
  cache.activations = root->getString("activations").value_or("").str();
  cache.samples = (uint64_t)root->getInteger("samples").value_or(0);
  cache.smooth = root->getNumber("smooth").value_or(0.0);
  const json::Object *tensors = root->getObject("tensors");
  if (!tensors)
    return bad("no \"tensors\" object");
  cache.tensors.clear();
  for (const auto &[name, value] : *tensors) {
    const json::Object *t = value.getAsObject();
    auto lo = t ? t->getNumber("min") : std::nullopt;
    auto hi = t ? t->getNumber("max") : std::nullopt;
    if (!lo || !hi)
      return bad("tensor '" + name.str() + "' lacks a numeric \"min\" and \"max\"");
    if (!std::isfinite(*lo) || !std::isfinite(*hi) || *lo > *hi)
      return bad("tensor '" + name.str() + "' has an invalid range [" + std::to_string(*lo) +
                 ", " + std::to_string(*hi) + "]");
    TensorRange r;
    r.min = (float)*lo;
    r.max = (float)*hi;
    r.seenMin = (float)t->getNumber("seen_min").value_or(*lo);
    r.seenMax = (float)t->getNumber("seen_max").value_or(*hi);
    r.calibrator = t->getString("calibrator").value_or("cache").str();
    r.sqnrDb = t->getNumber("sqnr_db").value_or(0.0);
    r.count = (uint64_t)t->getInteger("count").value_or(0);
    cache.tensors[name.str()] = r;
  }
  return true;
}
