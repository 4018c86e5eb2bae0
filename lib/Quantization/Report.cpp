//===- Report.cpp - the per-layer accuracy report --------------------------===//
//
// For every quantized tensor, by the ONNX node that writes it: scale, zero
// point, the calibrator's choice, and how far the int8 model's value is from
// the float model's on the calibration data (SQNR, cosine similarity, max abs
// error, share of values clipped). For every node: the precision it runs in
// and, for float ones, why. As a terminal table, JSON, or one HTML page with
// an inline SVG chart (no scripts, no network fetches).
//
//===----------------------------------------------------------------------===//

#include "octet/Quantization/Quantizer.h"

#include "llvm/ADT/STLExtras.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>

using namespace octet::quant;

namespace {

const char *kindName(NodePlan::Kind k) {
  switch (k) {
  case NodePlan::Int8:
    return "int8";
  case NodePlan::SameAsInput:
    return "int8 (input's scale)";
  case NodePlan::RemovedActivation:
    return "int8 (folded)";
  case NodePlan::Float:
    return "float";
  }
  return "?";
}

std::string html(llvm::StringRef s) {
  std::string o;
  for (char c : s)
    switch (c) {
    case '<':
      o += "&lt;";
      break;
    case '>':
      o += "&gt;";
      break;
    case '&':
      o += "&amp;";
      break;
    case '"':
      o += "&quot;";
      break;
    default:
      o += c;
    }
  return o;
}

std::string g6(double v) {
  char buf[32];
  snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

struct Row {
  const TensorPlan *t;
  const LayerMetrics *m;
  const TensorRange *r;
};

std::vector<Row> rows(const QuantReport &rep) {
  std::vector<Row> out;
  for (const TensorPlan &t : rep.plan->tensors) {
    auto m = rep.metrics.find(t.name);
    auto r = rep.ranges->find(t.name);
    out.push_back({&t, m == rep.metrics.end() ? nullptr : &m->second,
                   r == rep.ranges->end() ? nullptr : &r->second});
  }
  return out;
}

/// The worst tensor by SQNR (null when nothing was compared).
const Row *worst(const std::vector<Row> &rs) {
  const Row *w = nullptr;
  for (const Row &r : rs)
    if (r.m && (!w || r.m->sqnrDb < w->m->sqnrDb))
      w = &r;
  return w;
}

} // namespace

std::string octet::quant::reportTable(const QuantReport &rep) {
  std::string s;
  llvm::raw_string_ostream os(s);
  std::vector<Row> rs = rows(rep);
  int nodes = 0, int8 = 0;
  for (const NodePlan &n : rep.plan->nodes) {
    ++nodes;
    int8 += n.kind != NodePlan::Float;
  }
  os << "quantized " << int8 << " of " << nodes << " nodes to int8 (";
  if (rep.calibrator == "dynamic")
    os << "dynamic: activations quantized at run time";
  else
    os << rep.calibrator << " calibration on " << rep.calibrationSamples << " samples";
  os << "; " << rep.weights << " weights, " << rep.activations << " activations)\n";
  os << llvm::formatv("{0,-36} {1,-24} {2,12} {3,5} {4,8} {5,8} {6,10} {7,8}\n", "tensor",
                      "written by", "scale", "zp", "SQNR dB", "cosine", "max |err|", "clipped");
  for (const Row &r : rs) {
    std::string name = r.t->name.size() > 36 ? "..." + r.t->name.substr(r.t->name.size() - 33)
                                             : r.t->name;
    std::string node = r.t->node.empty() ? "(graph input)" : r.t->node;
    if (node.size() > 24)
      node = "..." + node.substr(node.size() - 21);
    if (r.m)
      os << llvm::formatv("{0,-36} {1,-24} {2,12} {3,5} {4,8:f1} {5,8:f5} {6,10} {7,7:f2}%\n",
                          name, node, g6(r.t->params.scale), r.t->params.zeroPoint, r.m->sqnrDb,
                          r.m->cosine, g6(r.m->maxAbsError), 100.0 * r.m->clippedShare);
    else
      os << llvm::formatv("{0,-36} {1,-24} {2,12} {3,5}\n", name, node, g6(r.t->params.scale),
                          r.t->params.zeroPoint);
  }
  std::vector<std::string> floats;
  for (const NodePlan &n : rep.plan->nodes)
    if (n.kind == NodePlan::Float)
      floats.push_back(n.name + " (" + n.opType + ": " + n.reason + ")");
  if (!floats.empty()) {
    os << "float nodes:";
    for (const std::string &f : floats)
      os << "\n  " << f;
    os << "\n";
  }
  if (const MixedPrecisionResult *mp = rep.mixedPrecision) {
    os << llvm::formatv("auto mixed precision: budget {0:f1} dB output SQNR; all int8 {1:f1} dB; ",
                        mp->budgetDb, mp->allInt8Db);
    if (mp->fallback.empty())
      os << "nothing left in float";
    else {
      os << mp->fallback.size() << " node(s) left in float:";
      for (const std::string &n : mp->fallback)
        os << " " << n;
    }
    os << llvm::formatv("; result {0:f1} dB ({1}; {2} models evaluated)\n", mp->finalDb,
                        mp->met ? "budget met" : "budget out of reach: the best model found",
                        mp->evaluations);
    std::vector<std::pair<int, std::string>> byRank;
    for (const auto &[node, rs2] : mp->sensitivity)
      byRank.push_back({rs2.first, node});
    std::sort(byRank.begin(), byRank.end());
    // The most sensitive node in int8, before and after.
    for (const auto &[rank, node] : byRank)
      if (!llvm::is_contained(mp->fallback, node)) {
        os << llvm::formatv("most sensitive int8 node: {0} ({1:f1} dB) with all in int8, {2} "
                            "({3:f1} dB) now\n",
                            byRank[0].second, mp->sensitivity.at(byRank[0].second).second, node,
                            mp->sensitivity.at(node).second);
        break;
      }
    os << "sensitivity (output SQNR with only that node in int8), most sensitive first:\n";
    for (size_t k = 0; k < byRank.size() && k < 10; ++k)
      os << llvm::formatv("  {0,3}. {1} ({2:f1} dB)\n", byRank[k].first, byRank[k].second,
                          mp->sensitivity.at(byRank[k].second).second);
  }
  if (const Row *w = worst(rs))
    os << llvm::formatv("worst tensor: {0} ({1:f1} dB)\n", w->t->name, w->m->sqnrDb);
  for (const std::string &o : rep.outputs) {
    auto m = rep.metrics.find(o);
    if (m == rep.metrics.end())
      continue;
    os << llvm::formatv("output '{0}': SQNR {1:f1} dB, cosine {2:f5}", o, m->second.sqnrDb,
                        m->second.cosine);
    if (m->second.top1Agreement >= 0)
      os << llvm::formatv(", top-1 agreement {0:f1}%", 100 * m->second.top1Agreement);
    os << " against float (" << rep.comparedSamples << " samples)\n";
  }
  return s;
}

bool octet::quant::writeReport(const std::string &path, const QuantReport &rep,
                               std::string &error) {
  std::vector<Row> rs = rows(rep);
  std::string text;
  llvm::raw_string_ostream os(text);
  if (llvm::StringRef(path).ends_with(".json")) {
    llvm::json::Array tensors, nodes;
    for (const Row &r : rs) {
      llvm::json::Object o{{"tensor", r.t->name},
                           {"node", r.t->node},
                           {"op_type", r.t->opType},
                           {"scale", (double)r.t->params.scale},
                           {"zero_point", r.t->params.zeroPoint}};
      if (r.r) {
        o["calibrator"] = r.r->calibrator;
        o["range"] = llvm::json::Array{(double)r.r->min, (double)r.r->max};
        o["seen_range"] = llvm::json::Array{(double)r.r->seenMin, (double)r.r->seenMax};
      }
      if (rep.mixedPrecision) {
        auto sn = rep.mixedPrecision->sensitivity.find(r.t->node);
        if (sn != rep.mixedPrecision->sensitivity.end()) {
          o["sensitivity_rank"] = sn->second.first;
          o["sensitivity_sqnr_db"] = sn->second.second;
        }
      }
      if (r.m) {
        o["sqnr_db"] = r.m->sqnrDb;
        o["cosine"] = r.m->cosine;
        o["max_abs_error"] = r.m->maxAbsError;
        o["clipped_share"] = r.m->clippedShare;
      }
      tensors.push_back(std::move(o));
    }
    for (const NodePlan &n : rep.plan->nodes) {
      llvm::json::Object o{{"node", n.name}, {"op_type", n.opType}, {"precision", kindName(n.kind)}};
      if (!n.reason.empty())
        o["reason"] = n.reason;
      if (rep.mixedPrecision) {
        auto sn = rep.mixedPrecision->sensitivity.find(n.name);
        if (sn != rep.mixedPrecision->sensitivity.end()) {
          o["sensitivity_rank"] = sn->second.first;
          o["sensitivity_sqnr_db"] = sn->second.second;
        }
      }
      nodes.push_back(std::move(o));
    }
    llvm::json::Object outputs;
    for (const std::string &o : rep.outputs) {
      auto m = rep.metrics.find(o);
      if (m == rep.metrics.end())
        continue;
      llvm::json::Object oj{{"sqnr_db", m->second.sqnrDb},
                            {"cosine", m->second.cosine},
                            {"max_abs_error", m->second.maxAbsError}};
      if (m->second.top1Agreement >= 0)
        oj["top1_agreement"] = m->second.top1Agreement;
      outputs[o] = std::move(oj);
    }
    llvm::json::Value mixed = nullptr;
    if (const MixedPrecisionResult *mp = rep.mixedPrecision) {
      llvm::json::Array floatNodes;
      for (const std::string &n : mp->fallback)
        floatNodes.push_back(n);
      llvm::json::Object o;
      o["budget_db"] = mp->budgetDb;
      o["all_int8_db"] = mp->allInt8Db;
      o["result_db"] = mp->finalDb;
      o["met"] = mp->met;
      o["float_nodes"] = std::move(floatNodes);
      o["evaluations"] = mp->evaluations;
      mixed = std::move(o);
    }
    llvm::json::Object root{{"format", "octet-quantization-report"},
                            {"version", 1},
                            {"model", rep.model},
                            {"calibrator", rep.calibrator},
                            {"weights", rep.weights},
                            {"activations", rep.activations},
                            {"calibration_samples", (int64_t)rep.calibrationSamples},
                            {"compared_samples", (int64_t)rep.comparedSamples},
                            {"outputs", std::move(outputs)},
                            {"mixed_precision", std::move(mixed)},
                            {"tensors", std::move(tensors)},
                            {"nodes", std::move(nodes)}};
    os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
  } else if (llvm::StringRef(path).ends_with(".html")) {
    os << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Octet quantization "
          "report: "
       << html(rep.model)
       << "</title>\n<style>body{font-family:sans-serif;margin:2em}table{border-collapse:"
          "collapse}td,th{border:1px solid #ccc;padding:2px 6px;font-size:13px}"
          "td.n{text-align:right}.float{color:#a33}</style></head><body>\n";
    os << "<h1>Quantization report</h1>\n<p>" << html(rep.model) << ": " << html(rep.calibrator)
       << " calibration on " << rep.calibrationSamples << " samples, " << html(rep.weights)
       << " weights, " << html(rep.activations) << " activations; compared on "
       << rep.comparedSamples << " samples.</p>\n";
    for (const std::string &o : rep.outputs) {
      auto m = rep.metrics.find(o);
      if (m != rep.metrics.end())
        os << llvm::formatv("<p>Output <b>{0}</b>: SQNR {1:f1} dB, cosine {2:f5}.</p>\n",
                            html(o), m->second.sqnrDb, m->second.cosine);
    }
    // The chart: one bar per tensor, SQNR in dB.
    double top = 10;
    for (const Row &r : rs)
      if (r.m)
        top = std::max(top, std::min(r.m->sqnrDb, 100.0));
    int barH = 18, width = 900, labelW = 320, n = (int)rs.size();
    os << "<h2>SQNR per tensor (dB)</h2>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\""
       << width << "\" height=\"" << (n * barH + 20) << "\" role=\"img\">\n";
    for (int i = 0; i < n; ++i) {
      const Row &r = rs[i];
      double v = r.m ? std::min(r.m->sqnrDb, 100.0) : 0;
      int w = (int)((width - labelW - 60) * std::max(0.0, v) / top);
      const char *color = v < 20 ? "#d9534f" : v < 30 ? "#f0ad4e" : "#5cb85c";
      os << llvm::formatv("<text x=\"{0}\" y=\"{1}\" font-size=\"12\" text-anchor=\"end\">{2}</text>"
                          "<rect x=\"{3}\" y=\"{4}\" width=\"{5}\" height=\"{6}\" fill=\"{7}\"/>"
                          "<text x=\"{8}\" y=\"{1}\" font-size=\"12\">{9:f1}</text>\n",
                          labelW - 6, i * barH + 14, html(r.t->name), labelW, i * barH + 3, w,
                          barH - 4, color, labelW + w + 4, v);
    }
    os << "</svg>\n<h2>Tensors</h2>\n<table><tr><th>tensor</th><th>written by</th><th>op</th>"
          "<th>scale</th><th>zero point</th><th>calibrator</th><th>SQNR dB</th><th>cosine</th>"
          "<th>max |err|</th><th>clipped</th></tr>\n";
    for (const Row &r : rs) {
      os << "<tr><td>" << html(r.t->name) << "</td><td>" << html(r.t->node) << "</td><td>"
         << html(r.t->opType) << "</td><td class=n>"
         << g6(r.t->params.scale) << "</td><td class=n>"
         << r.t->params.zeroPoint << "</td><td>" << (r.r ? html(r.r->calibrator) : "")
         << "</td>";
      if (r.m)
        os << llvm::formatv("<td class=n>{0:f1}</td><td class=n>{1:f5}</td><td class=n>{2}"
                            "</td><td class=n>{3:f2}%</td>",
                            r.m->sqnrDb, r.m->cosine, g6(r.m->maxAbsError),
                            100 * r.m->clippedShare);
      else
        os << "<td></td><td></td><td></td><td></td>";
      os << "</tr>\n";
    }
    os << "</table>\n<h2>Nodes</h2>\n<table><tr><th>node</th><th>op</th><th>runs in</th>"
          "<th>why</th></tr>\n";
    for (const NodePlan &nd : rep.plan->nodes)
      os << "<tr" << (nd.kind == NodePlan::Float ? " class=float" : "") << "><td>"
         << html(nd.name) << "</td><td>" << html(nd.opType) << "</td><td>" << kindName(nd.kind)
         << "</td><td>" << html(nd.reason) << "</td></tr>\n";
    os << "</table>\n</body></html>\n";
  } else {
    error = "--report must name a .json or .html file, not '" + path + "'";
    return false;
  }
  if (!writeFileAtomically(path, text, /*text=*/true, error)) {
    error = "report: " + error;
    return false;
  }
  return true;
}
