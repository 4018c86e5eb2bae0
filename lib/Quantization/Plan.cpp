//===- Plan.cpp - which nodes run in int8, and the QDQ rewrite -------------===//
//
// The plan follows ONNX Runtime's QDQ quantizer where it has a rule, so that
// its settings give its scales (the digits model matches it to the bit):
//   - Conv, Gemm and MatMul with constant weights: int8 weights per output
//     channel (symmetric), int32 bias at input_scale x weight_scale;
//   - Add, GlobalAveragePool, Relu, Clip, MatMul of two activations: inputs
//     and output quantized with their own ranges;
//   - MaxPool, AveragePool, Flatten, Reshape, Transpose, Squeeze, Unsqueeze:
//     the output takes the input's scale and zero point, so they move int8
//     data without a requantize;
//   - Concat: one range for the output, the union of its inputs'; inputs made
//     only for it are quantized straight to that scale (no requantize);
//   - a Relu or Clip right after an int8 Conv/Gemm/MatMul/Add whose
//     quantized range already clips as it does is removed (the producer's
//     requantize saturates);
//   - everything else (Softmax, LayerNormalization, Gelu, ...) stays float:
//     a float island between DequantizeLinear and QuantizeLinear.
//
//===----------------------------------------------------------------------===//

#include "octet/Quantization/Quantizer.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/xxhash.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>

using namespace octet::quant;

QuantType QuantizeOptions::activationType() const {
  QuantType t;
  if (signedActivations) {
    t.qmin = symmetricActivations ? -127 : -128;
    t.qmax = 127;
  } else {
    t.qmin = 0;
    t.qmax = 255;
  }
  t.symmetric = symmetricActivations;
  return t;
}

QuantType QuantizeOptions::weightType() const {
  QuantType t;
  t.qmin = narrowWeights ? -127 : -128;
  t.qmax = 127;
  t.symmetric = true;
  return t;
}

namespace {

using onnx::ModelProto;
using onnx::NodeProto;
using onnx::TensorProto;

const onnx::AttributeProto *findAttr(const NodeProto &n, llvm::StringRef name) {
  for (const auto &a : n.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}
int64_t intAttr(const NodeProto &n, llvm::StringRef name, int64_t dflt) {
  const auto *a = findAttr(n, name);
  return a ? a->i() : dflt;
}
float floatAttr(const NodeProto &n, llvm::StringRef name, float dflt) {
  const auto *a = findAttr(n, name);
  return a ? a->f() : dflt;
}

int64_t defaultOpset(const ModelProto &m) {
  for (const auto &o : m.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx")
      return o.version();
  return 0;
}

/// Float data of an initializer, or false when it is not plain float32.
bool floatData(const TensorProto &t, std::vector<float> &out) {
  if (t.data_type() != TensorProto::FLOAT || t.data_location() == TensorProto::EXTERNAL)
    return false;
  size_t n = 1;
  for (int64_t d : t.dims())
    n *= (size_t)d;
  if (t.has_raw_data()) {
    if (t.raw_data().size() != n * 4)
      return false;
    out.resize(n);
    std::memcpy(out.data(), t.raw_data().data(), n * 4);
    return true;
  }
  if ((size_t)t.float_data_size() != n)
    return false;
  out.assign(t.float_data().begin(), t.float_data().end());
  return true;
}

TensorProto makeTensor(const std::string &name, int32_t type, const std::vector<int64_t> &dims,
                       const void *data, size_t bytes) {
  TensorProto t;
  t.set_name(name);
  t.set_data_type(type);
  for (int64_t d : dims)
    t.add_dims(d);
  t.set_raw_data(std::string((const char *)data, bytes));
  return t;
}

/// The graph's tensors: producers, consumers, initializers.
struct GraphIndex {
  explicit GraphIndex(const ModelProto &m) : g(m.graph()) {
    for (const auto &t : g.initializer())
      inits[t.name()] = &t;
    for (const auto &in : g.input())
      if (!inits.count(in.name()))
        graphInputs.insert(in.name());
    for (const auto &o : g.output())
      graphOutputs.insert(o.name());
    for (int i = 0; i < g.node_size(); ++i) {
      const NodeProto &n = g.node(i);
      for (const auto &o : n.output())
        producer[o] = i;
      for (const auto &in : n.input())
        if (!in.empty())
          consumers[in].push_back(i);
      if (n.op_type() == "Constant")
        for (const auto &o : n.output())
          constants.insert(o);
    }
  }
  bool isConstant(const std::string &name) const {
    return inits.count(name) || constants.count(name);
  }
  bool isActivation(const std::string &name) const {
    return !name.empty() && !isConstant(name);
  }
  size_t numConsumers(const std::string &name) const {
    auto it = consumers.find(name);
    return it == consumers.end() ? 0 : it->second.size();
  }
  const onnx::GraphProto &g;
  std::map<std::string, const TensorProto *> inits;
  std::set<std::string> graphInputs, graphOutputs, constants;
  std::map<std::string, int> producer;
  std::map<std::string, std::vector<int>> consumers;
};

/// Removes the initializers no node reads and no graph output names, and
/// those a node now writes (a bias's DequantizeLinear takes its name).
void dropDeadInitializers(ModelProto &model) {
  GraphIndex after(model);
  auto *g = model.mutable_graph();
  for (int i = g->initializer_size() - 1; i >= 0; --i) {
    const std::string &n = g->initializer(i).name();
    if ((!after.consumers.count(n) && !after.graphOutputs.count(n)) || after.producer.count(n))
      g->mutable_initializer()->DeleteSubrange(i, 1);
  }
}

/// Replaces the graph's nodes with `nodes` (in order), adds `inits`, drops
/// the stale value_info (tensors were renamed) and the dead initializers.
void installGraph(ModelProto &model, const std::vector<const std::vector<NodeProto> *> &nodes,
                  const std::vector<TensorProto> &inits) {
  auto *g = model.mutable_graph();
  g->clear_node();
  for (const auto *list : nodes)
    for (const NodeProto &n : *list)
      *g->add_node() = n;
  for (const TensorProto &t : inits)
    *g->add_initializer() = t;
  g->clear_value_info();
  dropDeadInitializers(model);
}

bool isComputeOp(llvm::StringRef op) {
  return op == "Conv" || op == "Gemm" || op == "MatMul" || op == "Add" ||
         op == "GlobalAveragePool" || op == "Relu" || op == "Clip" || op == "Concat";
}
bool isSameAsInputOp(llvm::StringRef op) {
  return op == "MaxPool" || op == "AveragePool" || op == "Flatten" || op == "Reshape" ||
         op == "Transpose" || op == "Squeeze" || op == "Unsqueeze";
}
bool isFloatIsland(llvm::StringRef op) {
  return op == "Softmax" || op == "LayerNormalization" || op == "Gelu" || op == "Erf" ||
         op == "Div" || op == "Sqrt" || op == "Pow" || op == "ReduceMean" ||
         op == "Sigmoid" || op == "Tanh" || op == "Exp" || op == "LogSoftmax";
}

/// The activation inputs of an int8 node (those that get Q/DQ) and whether
/// the node qualifies at all; `why` says why not.
bool int8Inputs(const NodeProto &n, const GraphIndex &gi, std::vector<std::string> &acts,
                std::string &why) {
  llvm::StringRef op = n.op_type();
  auto act = [&](int i) { return i < n.input_size() && gi.isActivation(n.input(i)); };
  auto init = [&](int i) { return i < n.input_size() && gi.inits.count(n.input(i)); };
  if (n.output_size() < 1) {
    why = "no output";
    return false;
  }
  if (op == "Conv") {
    if (!act(0) || !init(1)) {
      why = "weights are not a constant initializer";
      return false;
    }
    if (gi.inits.at(n.input(1))->dims_size() < 3) {
      why = "weights of rank < 3";
      return false;
    }
    if (n.input_size() > 2 && !n.input(2).empty() && !init(2)) {
      why = "bias is not a constant initializer";
      return false;
    }
    acts = {n.input(0)};
    return true;
  }
  if (op == "Gemm") {
    if (intAttr(n, "transA", 0) || floatAttr(n, "alpha", 1.f) != 1.f ||
        floatAttr(n, "beta", 1.f) != 1.f) {
      why = "Gemm with transA, alpha or beta";
      return false;
    }
    if (!act(0) || !init(1) || gi.inits.at(n.input(1))->dims_size() != 2) {
      why = "B is not a constant 2-D initializer";
      return false;
    }
    if (n.input_size() > 2 && !n.input(2).empty() &&
        (!init(2) || gi.inits.at(n.input(2))->dims_size() != 1)) {
      why = "C is not a constant 1-D bias";
      return false;
    }
    acts = {n.input(0)};
    return true;
  }
  if (op == "MatMul") {
    if (!act(0)) {
      why = "A is a constant";
      return false;
    }
    if (init(1)) {
      if (gi.inits.at(n.input(1))->dims_size() != 2) {
        why = "constant B of rank other than 2";
        return false;
      }
      acts = {n.input(0)};
    } else if (act(1)) {
      acts = {n.input(0), n.input(1)};
    } else {
      why = "B is a Constant node";
      return false;
    }
    return true;
  }
  if (op == "Add") {
    // Two activations (a residual add), or an activation and a float
    // initializer (a bias after a MatMul): the constant is quantized with
    // its own range, as ONNX Runtime's quantizer does.
    if (n.input_size() == 2 && act(0) && act(1)) {
      acts = {n.input(0), n.input(1)};
      return true;
    }
    for (int k = 0; k < 2 && n.input_size() == 2; ++k) {
      if (!act(k) || !init(1 - k) ||
          gi.inits.at(n.input(1 - k))->data_type() != TensorProto::FLOAT)
        continue;
      // Only a bias after a MatMul, Gemm or Conv: an Add inside a float
      // island (1 + erf(x) of a decomposed Gelu) stays float with it.
      auto p = gi.producer.find(n.input(k));
      llvm::StringRef pop = p == gi.producer.end() ? "" : gi.g.node(p->second).op_type();
      if (pop != "MatMul" && pop != "Gemm" && pop != "Conv") {
        why = "adds a constant to a " + (pop.empty() ? std::string("graph input") : pop.str()) +
              " output";
        return false;
      }
      acts = {n.input(k)};
      return true;
    }
    why = "an input is a constant that is not a float initializer";
    return false;
  }
  if (op == "Concat") {
    for (int i = 0; i < n.input_size(); ++i)
      if (!act(i)) {
        why = "an input is a constant";
        return false;
      }
    acts.assign(n.input().begin(), n.input().end());
    return true;
  }
  if (op == "Clip") {
    for (int i = 1; i < n.input_size(); ++i)
      if (!n.input(i).empty() && !init(i)) {
        why = "min or max is not a constant initializer";
        return false;
      }
  }
  if (op == "MaxPool" && n.output_size() > 1 && !n.output(1).empty()) {
    why = "MaxPool with indices";
    return false;
  }
  if (!act(0)) {
    why = "its input is a constant";
    return false;
  }
  acts = {n.input(0)};
  return true;
}

/// The output of node `i` that a Relu will fold into (an int8 Conv, Gemm,
/// MatMul or Add whose output feeds only an int8 Relu): with asymmetric
/// activations the Relu's range starts at 0, so its zero point is qmin and
/// the producer's requantize clips as the Relu does. Neither calibration nor
/// the rewrite needs that tensor's own range. Empty when there is none.
std::string foldedIntoRelu(const GraphIndex &gi, const QuantPlan &plan,
                           const QuantizeOptions &options, int i) {
  const NodeProto &n = gi.g.node(i);
  llvm::StringRef op = n.op_type();
  if (options.symmetricActivations || plan.nodes[i].kind != NodePlan::Int8 ||
      (op != "Conv" && op != "Gemm" && op != "MatMul" && op != "Add"))
    return "";
  const std::string &out = n.output(0);
  if (gi.graphOutputs.count(out) || gi.numConsumers(out) != 1)
    return "";
  int c = gi.consumers.at(out)[0];
  if (gi.g.node(c).op_type() != "Relu" || plan.nodes[c].kind != NodePlan::Int8)
    return "";
  return out;
}

} // namespace

//===----------------------------------------------------------------------===//
// Preparation
//===----------------------------------------------------------------------===//

int octet::quant::inlineConstants(ModelProto &model) {
  // Constant nodes holding a tensor, and Identity nodes of an initializer
  // (exporters share equal weights that way), become initializers, so the
  // weights and biases they feed can be quantized.
  auto *g = model.mutable_graph();
  std::set<std::string> outputs;
  for (const auto &o : g->output())
    outputs.insert(o.name());
  int changed = 0;
  for (int i = 0; i < g->node_size();) {
    const NodeProto &n = g->node(i);
    std::map<std::string, const TensorProto *> inits;
    for (const auto &t : g->initializer())
      inits[t.name()] = &t;
    TensorProto t;
    bool ok = false;
    if (n.output_size() == 1 && !outputs.count(n.output(0)) && n.domain().empty()) {
      if (n.op_type() == "Constant" && n.attribute_size() == 1 && n.attribute(0).name() == "value" &&
          n.attribute(0).has_t()) {
        t = n.attribute(0).t();
        ok = true;
      } else if (n.op_type() == "Identity" && n.input_size() == 1 && inits.count(n.input(0))) {
        t = *inits.at(n.input(0));
        ok = true;
      }
    }
    if (!ok || t.data_location() == TensorProto::EXTERNAL) {
      ++i;
      continue;
    }
    t.set_name(n.output(0));
    *g->add_initializer() = t;
    g->mutable_node()->DeleteSubrange(i, 1);
    ++changed;
  }
  return changed;
}

//===----------------------------------------------------------------------===//
// BatchNormalization folding
//===----------------------------------------------------------------------===//

int octet::quant::foldBatchNorm(ModelProto &model) {
  int folded = 0;
  for (;;) {
    GraphIndex gi(model);
    auto *g = model.mutable_graph();
    int foldAt = -1, convAt = -1;
    for (int i = 0; i < g->node_size() && foldAt < 0; ++i) {
      const NodeProto &bn = g->node(i);
      if (bn.op_type() != "BatchNormalization" || bn.input_size() != 5 ||
          bn.output_size() < 1 || (bn.output_size() > 1 && !bn.output(1).empty()))
        continue;
      auto p = gi.producer.find(bn.input(0));
      if (p == gi.producer.end())
        continue;
      const NodeProto &conv = g->node(p->second);
      if (conv.op_type() != "Conv" || conv.input_size() < 2 || !gi.inits.count(conv.input(1)) ||
          (conv.input_size() > 2 && !conv.input(2).empty() && !gi.inits.count(conv.input(2))) ||
          gi.numConsumers(bn.input(0)) != 1 || gi.graphOutputs.count(bn.input(0)))
        continue;
      bool constant = true;
      for (int k = 1; k < 5; ++k)
        constant &= gi.inits.count(bn.input(k)) > 0;
      if (!constant)
        continue;
      foldAt = i;
      convAt = p->second;
    }
    if (foldAt < 0)
      return folded;

    NodeProto bn = g->node(foldAt);
    NodeProto &conv = *g->mutable_node(convAt);
    std::vector<float> w, b, scale, bias, mean, var;
    const TensorProto &wt = *gi.inits.at(conv.input(1));
    std::vector<int64_t> wdims(wt.dims().begin(), wt.dims().end());
    int64_t oc = wdims[0];
    if (!floatData(wt, w) || !floatData(*gi.inits.at(bn.input(1)), scale) ||
        !floatData(*gi.inits.at(bn.input(2)), bias) ||
        !floatData(*gi.inits.at(bn.input(3)), mean) ||
        !floatData(*gi.inits.at(bn.input(4)), var) || (int64_t)scale.size() != oc ||
        (int64_t)bias.size() != oc || (int64_t)mean.size() != oc || (int64_t)var.size() != oc)
      return folded; // not foldable as float32: leave it (the importer folds later)
    if (conv.input_size() > 2 && !conv.input(2).empty()) {
      if (!floatData(*gi.inits.at(conv.input(2)), b) || (int64_t)b.size() != oc)
        return folded;
    } else {
      b.assign(oc, 0.0f);
    }
    float eps = floatAttr(bn, "epsilon", 1e-5f);
    size_t per = w.size() / (size_t)oc;
    for (int64_t c = 0; c < oc; ++c) {
      float k = scale[c] / std::sqrt(var[c] + eps);
      for (size_t j = 0; j < per; ++j)
        w[c * per + j] *= k;
      b[c] = (b[c] - mean[c]) * k + bias[c];
    }
    std::string wName = conv.input(1) + "_folded_" + std::to_string(folded);
    std::string bName = bn.input(2) + "_folded_" + std::to_string(folded);
    *g->add_initializer() = makeTensor(wName, TensorProto::FLOAT, wdims, w.data(), w.size() * 4);
    *g->add_initializer() = makeTensor(bName, TensorProto::FLOAT, {oc}, b.data(), b.size() * 4);
    conv.set_input(1, wName);
    if (conv.input_size() > 2)
      conv.set_input(2, bName);
    else
      conv.add_input(bName);
    conv.set_output(0, bn.output(0));
    g->mutable_node()->DeleteSubrange(foldAt, 1);
    ++folded;
    dropDeadInitializers(model);
  }
}

//===----------------------------------------------------------------------===//
// Planning
//===----------------------------------------------------------------------===//

bool octet::quant::planQuantization(const ModelProto &model, const QuantizeOptions &options,
                                    QuantPlan &plan, std::string &error) {
  GraphIndex gi(model);
  const auto &g = model.graph();
  // Nodes by the name the plan and the report use: the ONNX name, else the
  // first output's name.
  auto planName = [](const NodeProto &n) {
    return n.name().empty() ? (n.output_size() ? n.output(0) : std::string()) : n.name();
  };
  std::map<std::string, int> byName;
  for (int i = 0; i < g.node_size(); ++i)
    byName[planName(g.node(i))] = i;
  llvm::StringSet<> keep;
  for (const std::string &k : options.keepFloat) {
    if (!byName.count(k)) {
      error = "--keep-float: the model has no node named '" + k + "'";
      return false;
    }
    keep.insert(k);
  }
  int64_t opset = defaultOpset(model);
  if (opset < 10) {
    error = "quantizing needs opset 10 or newer (QuantizeLinear); the model has opset " +
            std::to_string(opset);
    return false;
  }
  if (opset < 13 && options.perChannel && !options.dynamic) {
    error = "per-channel weights need opset 13 or newer (DequantizeLinear's axis); the model "
            "has opset " +
            std::to_string(opset) + ": use --weights=per-tensor";
    return false;
  }

  plan.nodes.clear();
  plan.observed.clear();
  std::set<std::string> seen;
  auto observe = [&](const std::string &t) {
    if (seen.insert(t).second)
      plan.observed.push_back(t);
  };
  for (const auto &n : g.node()) {
    NodePlan np;
    np.name = planName(n);
    np.opType = n.op_type();
    llvm::StringRef op = n.op_type();
    bool candidate = options.dynamic ? (op == "MatMul" || op == "Gemm")
                                     : (isComputeOp(op) || isSameAsInputOp(op));
    std::vector<std::string> acts;
    std::string why;
    if (!n.domain().empty() && n.domain() != "ai.onnx") {
      np.reason = "custom domain";
    } else if (keep.count(np.name)) {
      np.reason = "--keep-float";
    } else if (!candidate) {
      np.reason = isFloatIsland(op) ? "float island" : "no int8 rule";
    } else if (!int8Inputs(n, gi, acts, why)) {
      np.reason = why;
    } else if (options.dynamic && gi.isActivation(n.input(1))) {
      np.reason = "dynamic quantization needs constant weights";
    } else {
      np.kind = isSameAsInputOp(op) ? NodePlan::SameAsInput : NodePlan::Int8;
    }
    plan.nodes.push_back(np);
  }
  if (options.dynamic)
    return true;
  // The tensors to calibrate: what int8 nodes read and write, less the
  // outputs of same-as-input nodes (they take their input's range) and of
  // producers a Relu folds into (the Relu's output range serves).
  std::set<std::string> folded;
  for (int i = 0; i < g.node_size(); ++i) {
    std::string f = foldedIntoRelu(gi, plan, options, i);
    if (!f.empty())
      folded.insert(f);
  }
  for (int i = 0; i < g.node_size(); ++i) {
    if (plan.nodes[i].kind == NodePlan::Float)
      continue;
    std::vector<std::string> acts;
    std::string why;
    int8Inputs(g.node(i), gi, acts, why);
    for (const std::string &a : acts)
      if (!folded.count(a))
        observe(a);
    if (plan.nodes[i].kind == NodePlan::Int8 && !folded.count(g.node(i).output(0)))
      observe(g.node(i).output(0));
  }
  return true;
}

std::unique_ptr<ModelProto> octet::quant::withObservedOutputs(const ModelProto &model,
                                                              const QuantPlan &plan) {
  auto out = std::make_unique<ModelProto>(model);
  std::set<std::string> outputs;
  for (const auto &o : out->graph().output())
    outputs.insert(o.name());
  std::set<std::string> inputs, produced;
  for (const auto &i : out->graph().input())
    inputs.insert(i.name());
  for (const auto &n : out->graph().node())
    produced.insert(n.output().begin(), n.output().end());
  for (const std::string &t : plan.observed) {
    // Graph inputs are read from the data; a name this model lacks (a tensor
    // of a rewritten model) is skipped.
    if (outputs.count(t) || inputs.count(t) || !produced.count(t))
      continue;
    auto *vi = out->mutable_graph()->add_output();
    vi->set_name(t);
  }
  return out;
}

//===----------------------------------------------------------------------===//
// The QDQ rewrite
//===----------------------------------------------------------------------===//

namespace {

struct Rewriter {
  Rewriter(ModelProto &model, QuantPlan &plan, const std::map<std::string, TensorRange> &ranges,
           const QuantizeOptions &options)
      : model(model), plan(plan), ranges(ranges), options(options),
        act(options.activationType()), wt(options.weightType()) {}

  ModelProto &model;
  QuantPlan &plan;
  const std::map<std::string, TensorRange> &ranges;
  const QuantizeOptions &options;
  QuantType act, wt;

  // Per activation tensor: its scale and zero point, and the tensor whose
  // _scale/_zero_point initializers hold them.
  std::map<std::string, ScaleZp> params;
  std::map<std::string, std::string> paramSource;

  bool run(std::string &error);
  bool quantizeWeight(const std::string &name, int axis, std::vector<float> &scales,
                      std::string &dqOutput, std::string &error);
  /// A float initializer read by an int8 Add, quantized per tensor with the
  /// activations' type over its own range: NAME_quantized and a DQ node.
  bool quantizeConstant(const std::string &name, std::string &error);
  std::set<std::string> quantizedConstants;
  void quantizeBias(const std::string &name, float inputScale, const std::vector<float> &wscales,
                    bool soleUse, std::string &dqOutput);

  std::vector<TensorProto> newInits;
  std::vector<NodeProto> weightNodes;
  std::map<std::string, std::string> quantizedWeights; // float name -> DQ output
  std::map<std::string, std::vector<float>> weightScales;
  std::map<std::string, std::vector<float>> weightError; // dequantized - float

  /// Bias correction of node `i`: E[x] (W_q - W) per output channel, from
  /// the mean of the node's float input; empty when there is no mean.
  std::vector<float> biasCorrection(const NodeProto &n, const GraphIndex &gi);
  std::map<int, std::pair<int, std::string>> correctedAdds; // Add node -> (input, new constant)
};

std::vector<float> Rewriter::biasCorrection(const NodeProto &n, const GraphIndex &gi) {
  auto m = plan.inputMeans.find(n.input(0));
  auto e = weightError.find(n.input(1));
  if (m == plan.inputMeans.end() || e == weightError.end())
    return {};
  const std::vector<double> &mean = m->second;
  const std::vector<float> &dw = e->second;
  const TensorProto &t = *gi.inits.at(n.input(1));
  std::vector<int64_t> d(t.dims().begin(), t.dims().end());
  std::vector<float> corr;
  if (n.op_type() == "Conv") {
    int64_t O = d[0], Cg = d[1], taps = 1, G = intAttr(n, "group", 1);
    for (size_t k = 2; k < d.size(); ++k)
      taps *= d[k];
    if ((int64_t)mean.size() != Cg * G || O % G)
      return {};
    corr.assign(O, 0.0f);
    for (int64_t o = 0; o < O; ++o) {
      double acc = 0;
      for (int64_t c = 0; c < Cg; ++c) {
        double mc = mean[(o / (O / G)) * Cg + c];
        for (int64_t k = 0; k < taps; ++k)
          acc += mc * dw[(o * Cg + c) * taps + k];
      }
      corr[o] = (float)acc;
    }
    return corr;
  }
  bool transB = n.op_type() == "Gemm" && intAttr(n, "transB", 0);
  int64_t K = transB ? d[1] : d[0], N = transB ? d[0] : d[1];
  if ((int64_t)mean.size() != K)
    return {};
  corr.assign(N, 0.0f);
  for (int64_t c = 0; c < N; ++c) {
    double acc = 0;
    for (int64_t k = 0; k < K; ++k)
      acc += mean[k] * dw[transB ? c * K + k : k * N + c];
    corr[c] = (float)acc;
  }
  return corr;
}

NodeProto makeNode(const std::string &op, const std::string &name,
                   std::initializer_list<std::string> inputs,
                   std::initializer_list<std::string> outputs) {
  NodeProto n;
  n.set_op_type(op);
  n.set_name(name);
  for (const auto &i : inputs)
    n.add_input(i);
  for (const auto &o : outputs)
    n.add_output(o);
  return n;
}

bool Rewriter::quantizeWeight(const std::string &name, int axis, std::vector<float> &scales,
                              std::string &dqOutput, std::string &error) {
  auto done = quantizedWeights.find(name);
  if (done != quantizedWeights.end()) {
    dqOutput = done->second;
    scales = weightScales[name];
    return true;
  }
  const TensorProto *t = nullptr;
  for (const auto &i : model.graph().initializer())
    if (i.name() == name)
      t = &i;
  std::vector<float> w;
  if (!t || !floatData(*t, w)) {
    error = "weight '" + name + "' is not a float32 initializer";
    return false;
  }
  std::vector<int64_t> dims(t->dims().begin(), t->dims().end());
  int64_t channels = options.perChannel ? dims[axis] : 1;
  int64_t inner = 1;
  for (size_t d = axis + 1; d < dims.size(); ++d)
    inner *= dims[d];
  std::vector<float> rmin(channels, 0.0f), rmax(channels, 0.0f);
  std::vector<bool> first(channels, true);
  auto channelOf = [&](size_t i) -> int64_t {
    return options.perChannel ? (int64_t)(i / inner) % dims[axis] : 0;
  };
  for (size_t i = 0; i < w.size(); ++i) {
    int64_t c = channelOf(i);
    if (first[c]) {
      rmin[c] = rmax[c] = w[i];
      first[c] = false;
    } else {
      rmin[c] = std::min(rmin[c], w[i]);
      rmax[c] = std::max(rmax[c], w[i]);
    }
  }
  std::vector<ScaleZp> p(channels);
  scales.assign(channels, 0.0f);
  std::vector<int8_t> zps(channels);
  for (int64_t c = 0; c < channels; ++c) {
    p[c] = computeScaleZp(rmin[c], rmax[c], wt);
    scales[c] = p[c].scale;
    zps[c] = (int8_t)p[c].zeroPoint;
  }
  std::vector<int8_t> q(w.size());
  for (size_t i = 0; i < w.size(); ++i) {
    // ONNX Runtime's quantize_nparray: float32 division, round half to even.
    int64_t c = channelOf(i);
    float x = w[i] / scales[c];
    double r = std::nearbyint((double)x) + p[c].zeroPoint;
    q[i] = (int8_t)std::clamp(r, (double)wt.qmin, (double)wt.qmax);
  }
  std::vector<int64_t> sdims;
  if (options.perChannel)
    sdims = {channels};
  newInits.push_back(
      makeTensor(name + "_quantized", TensorProto::INT8, dims, q.data(), q.size()));
  newInits.push_back(makeTensor(name + "_scale", TensorProto::FLOAT, sdims, scales.data(),
                                scales.size() * 4));
  newInits.push_back(
      makeTensor(name + "_zero_point", TensorProto::INT8, sdims, zps.data(), zps.size()));
  NodeProto dq = makeNode("DequantizeLinear", name + "_DequantizeLinear",
                          {name + "_quantized", name + "_scale", name + "_zero_point"},
                          {name + "_DequantizeLinear_Output"});
  if (options.perChannel) {
    auto *a = dq.add_attribute();
    a->set_name("axis");
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(axis);
  }
  weightNodes.push_back(dq);
  dqOutput = name + "_DequantizeLinear_Output";
  quantizedWeights[name] = dqOutput;
  weightScales[name] = scales;
  std::vector<float> &err = weightError[name];
  err.resize(w.size());
  for (size_t i = 0; i < w.size(); ++i) {
    int64_t c = channelOf(i);
    err[i] = ((float)q[i] - (float)p[c].zeroPoint) * scales[c] - w[i];
  }
  return true;
}

bool Rewriter::quantizeConstant(const std::string &name, std::string &error) {
  if (!quantizedConstants.insert(name).second)
    return true;
  const TensorProto *t = nullptr;
  for (const auto &i : model.graph().initializer())
    if (i.name() == name)
      t = &i;
  std::vector<float> v;
  if (!t || !floatData(*t, v)) {
    error = "constant '" + name + "' is not a float32 initializer";
    return false;
  }
  float lo = 0, hi = 0;
  for (float x : v) {
    lo = std::min(lo, x);
    hi = std::max(hi, x);
  }
  ScaleZp p = computeScaleZp(lo, hi, act);
  std::vector<int64_t> dims(t->dims().begin(), t->dims().end());
  std::vector<uint8_t> bytes(v.size());
  for (size_t i = 0; i < v.size(); ++i)
    bytes[i] = (uint8_t)quantizeValue(v[i], p, act); // int8 keeps its two's complement byte
  int32_t type = act.isSigned() ? TensorProto::INT8 : TensorProto::UINT8;
  newInits.push_back(makeTensor(name + "_quantized", type, dims, bytes.data(), bytes.size()));
  float s = p.scale;
  newInits.push_back(makeTensor(name + "_scale", TensorProto::FLOAT, {}, &s, 4));
  uint8_t z = (uint8_t)p.zeroPoint;
  newInits.push_back(makeTensor(name + "_zero_point", type, {}, &z, 1));
  weightNodes.push_back(makeNode("DequantizeLinear", name + "_DequantizeLinear",
                                 {name + "_quantized", name + "_scale", name + "_zero_point"},
                                 {name + "_DequantizeLinear_Output"}));
  return true;
}

void Rewriter::quantizeBias(const std::string &name, float inputScale,
                            const std::vector<float> &wscales, bool soleUse,
                            std::string &dqOutput) {
  const TensorProto *t = nullptr;
  for (const auto &i : model.graph().initializer())
    if (i.name() == name)
      t = &i;
  std::vector<float> b;
  floatData(*t, b);
  // ONNX Runtime's quantize_bias_static: scale = input_scale * weight_scale
  // in float32, value / scale in float32, rounded half to even.
  std::vector<float> bscale(wscales.size());
  for (size_t c = 0; c < wscales.size(); ++c)
    bscale[c] = inputScale * wscales[c];
  std::vector<int32_t> q(b.size());
  for (size_t i = 0; i < b.size(); ++i) {
    float s = bscale[wscales.size() == 1 ? 0 : i];
    double r = std::nearbyint((double)(b[i] / s));
    q[i] = (int32_t)std::clamp(r, (double)INT32_MIN, (double)INT32_MAX);
  }
  // The DequantizeLinear takes the bias's name (as ONNX Runtime's does)
  // unless another node still reads the float bias.
  dqOutput = soleUse ? name : name + "_DequantizeLinear_Output";
  std::vector<int32_t> zps(bscale.size(), 0);
  std::vector<int64_t> dims(t->dims().begin(), t->dims().end());
  std::vector<int64_t> sdims;
  if (wscales.size() > 1)
    sdims = {(int64_t)wscales.size()};
  std::string base = name + "_quantized";
  newInits.push_back(makeTensor(base, TensorProto::INT32, dims, q.data(), q.size() * 4));
  newInits.push_back(makeTensor(base + "_scale", TensorProto::FLOAT, sdims, bscale.data(),
                                bscale.size() * 4));
  newInits.push_back(makeTensor(base + "_zero_point", TensorProto::INT32, sdims, zps.data(),
                                zps.size() * 4));
  NodeProto dq = makeNode("DequantizeLinear", name + "_DequantizeLinear",
                          {base, base + "_scale", base + "_zero_point"},
                          {dqOutput});
  if (wscales.size() > 1) {
    auto *a = dq.add_attribute();
    a->set_name("axis");
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(0);
  }
  weightNodes.push_back(dq);
}

bool Rewriter::run(std::string &error) {
  GraphIndex gi(model);
  auto *g = model.mutable_graph();
  if ((int)plan.nodes.size() != g->node_size()) {
    error = "internal error: the plan does not match the model";
    return false;
  }
  // A node runs in int8 only when every activation it reads and writes has a
  // range (calibration sees only float tensors), except tensors that need no
  // range of their own: the outputs of same-as-input
  // nodes (their input's parameters) and of producers a Relu folds into.
  std::set<std::string> folded, derived;
  for (int i = 0; i < g->node_size(); ++i) {
    std::string f = foldedIntoRelu(gi, plan, options, i);
    if (!f.empty())
      folded.insert(f);
  }
  auto hasParams = [&](const std::string &t) {
    return ranges.count(t) || derived.count(t) ||
           (folded.count(t) && plan.nodes[gi.producer.at(t)].kind != NodePlan::Float);
  };
  std::vector<std::vector<std::string>> acts(g->node_size());
  for (int i = 0; i < g->node_size(); ++i) {
    NodePlan &np = plan.nodes[i];
    if (np.kind == NodePlan::Float)
      continue;
    std::string why;
    int8Inputs(g->node(i), gi, acts[i], why);
    for (const std::string &t : acts[i])
      if (!hasParams(t)) {
        np.kind = NodePlan::Float;
        np.reason = "'" + t + "' is not a float tensor (no range)";
      }
    const std::string &out = g->node(i).output(0);
    if (np.kind == NodePlan::SameAsInput)
      derived.insert(out);
    else if (np.kind != NodePlan::Float && !hasParams(out)) {
      np.kind = NodePlan::Float;
      np.reason = "'" + out + "' is not a float tensor (no range)";
    }
  }
  // A producer turned float (an input without a range) keeps its Relu float.
  for (auto it = folded.begin(); it != folded.end();)
    it = plan.nodes[gi.producer.at(*it)].kind == NodePlan::Float ? folded.erase(it)
                                                                  : std::next(it);
  // 1. Own ranges.
  auto own = [&](const std::string &t) {
    auto r = ranges.find(t);
    if (r == ranges.end() || derived.count(t))
      return; // set below (same-as-input) or folded away (Relu)
    params[t] = computeScaleZp(r->second.min, r->second.max, act);
    paramSource[t] = t;
  };
  for (int i = 0; i < g->node_size(); ++i) {
    if (plan.nodes[i].kind == NodePlan::Float)
      continue;
    for (const std::string &t : acts[i])
      if (!params.count(t))
        own(t);
    if (!params.count(g->node(i).output(0)))
      own(g->node(i).output(0));
  }

  // 2. Removable activations: Relu/Clip after an int8 Conv/Gemm/MatMul/Add
  // whose output feeds only them, when the output's quantized range clips as
  // the activation does.
  std::map<std::string, std::string> renamed; // producer output -> activation output
  for (int i = 0; i < g->node_size(); ++i) {
    const NodeProto &n = g->node(i);
    if (plan.nodes[i].kind != NodePlan::Int8 || (n.op_type() != "Relu" && n.op_type() != "Clip"))
      continue;
    auto p = gi.producer.find(n.input(0));
    if (p == gi.producer.end() || plan.nodes[p->second].kind != NodePlan::Int8)
      continue;
    llvm::StringRef pop = g->node(p->second).op_type();
    if (pop != "Conv" && pop != "Gemm" && pop != "MatMul" && pop != "Add")
      continue;
    if (gi.numConsumers(n.input(0)) != 1 || gi.graphOutputs.count(n.input(0)))
      continue;
    const ScaleZp &q = params[n.output(0)];
    if (q.zeroPoint != act.qmin) {
      // Negative values representable: the activation still clips. A
      // producer output calibration skipped shares the Relu's parameters.
      if (folded.count(n.input(0))) {
        params[n.input(0)] = q;
        paramSource[n.input(0)] = paramSource[n.output(0)];
      }
      continue;
    }
    if (n.op_type() == "Clip") {
      float lo = -INFINITY, hi = INFINITY;
      std::vector<float> v;
      if (n.input_size() > 1 && !n.input(1).empty() && floatData(*gi.inits.at(n.input(1)), v) &&
          v.size() == 1)
        lo = v[0];
      if (n.input_size() > 2 && !n.input(2).empty() && floatData(*gi.inits.at(n.input(2)), v) &&
          v.size() == 1)
        hi = v[0];
      if (n.input_size() == 1) {
        lo = floatAttr(n, "min", -INFINITY);
        hi = floatAttr(n, "max", INFINITY);
      }
      double top = ((double)act.qmax - q.zeroPoint) * q.scale;
      if (lo != 0.0f || top > (double)hi)
        continue;
    }
    plan.nodes[i].kind = NodePlan::RemovedActivation;
    plan.nodes[i].reason = "folded into " + plan.nodes[p->second].name + "'s requantize";
    plan.nodes[i].foldedInto = plan.nodes[p->second].name;
    renamed[n.input(0)] = n.output(0);
    params.erase(n.input(0));
  }
  auto name = [&](const std::string &t) {
    auto r = renamed.find(t);
    return r == renamed.end() ? t : r->second;
  };

  // 3. Concat: one scale for the output (the union of the inputs' ranges);
  // an input made only for the concat is quantized straight to it.
  for (int i = 0; i < g->node_size(); ++i) {
    const NodeProto &n = g->node(i);
    if (plan.nodes[i].kind != NodePlan::Int8 || n.op_type() != "Concat")
      continue;
    float lo = 0, hi = 0;
    auto widen = [&](const std::string &t) {
      auto r = ranges.find(t); // an edited cache may lack an input's range
      if (r != ranges.end()) {
        lo = std::min(lo, r->second.min);
        hi = std::max(hi, r->second.max);
      }
    };
    for (const auto &in : n.input())
      widen(in);
    widen(n.output(0));
    params[n.output(0)] = computeScaleZp(lo, hi, act);
    for (const auto &in : n.input()) {
      auto p = gi.producer.find(in);
      if (gi.numConsumers(in) != 1 || gi.graphInputs.count(in) || gi.graphOutputs.count(in) ||
          p == gi.producer.end() || plan.nodes[p->second].kind == NodePlan::SameAsInput ||
          plan.nodes[p->second].kind == NodePlan::Float)
        continue;
      params[in] = params[n.output(0)];
      paramSource[in] = n.output(0);
    }
  }

  // 4. Same-as-input nodes take their input's parameters (graph order, so
  // chains of them share one scale).
  for (int i = 0; i < g->node_size(); ++i) {
    const NodeProto &n = g->node(i);
    if (plan.nodes[i].kind != NodePlan::SameAsInput)
      continue;
    std::string in = name(n.input(0));
    params[n.output(0)] = params[in];
    paramSource[n.output(0)] = paramSource[in];
  }

  // 5. Emit the graph: Q/DQ after each quantized activation's producer
  // (graph inputs first), weights and biases as int8/int32 initializers.
  // Every tensor with parameters is read or written by an int8 node.
  std::set<std::string> qdq;
  for (auto &entry : params)
    qdq.insert(entry.first);

  plan.tensors.clear();
  std::set<std::string> madeParams;
  std::vector<NodeProto> nodes;
  std::map<std::string, std::string> dqName; // activation -> what consumers read
  auto emitQdq = [&](const std::string &t) {
    const std::string &src = paramSource[t];
    const ScaleZp &p = params[t];
    if (madeParams.insert(src).second) {
      float s = p.scale;
      newInits.push_back(makeTensor(src + "_scale", TensorProto::FLOAT, {}, &s, 4));
      if (act.isSigned()) {
        int8_t z = (int8_t)p.zeroPoint;
        newInits.push_back(makeTensor(src + "_zero_point", TensorProto::INT8, {}, &z, 1));
      } else {
        uint8_t z = (uint8_t)p.zeroPoint;
        newInits.push_back(makeTensor(src + "_zero_point", TensorProto::UINT8, {}, &z, 1));
      }
    }
    bool isOutput = gi.graphOutputs.count(t) > 0;
    std::string qin = isOutput ? t + "_QuantizeLinear_Input" : t;
    std::string dqOut = isOutput ? t : t + "_DequantizeLinear_Output";
    nodes.push_back(makeNode("QuantizeLinear", t + "_QuantizeLinear",
                             {qin, src + "_scale", src + "_zero_point"},
                             {t + "_QuantizeLinear_Output"}));
    nodes.push_back(makeNode("DequantizeLinear", t + "_DequantizeLinear",
                             {t + "_QuantizeLinear_Output", src + "_scale", src + "_zero_point"},
                             {dqOut}));
    dqName[t] = dqOut;
    TensorPlan tp;
    tp.name = t;
    tp.dequantized = dqOut;
    auto prod = gi.producer.find(t);
    for (auto &[from, to] : renamed)
      if (to == t)
        prod = gi.producer.find(from);
    if (prod != gi.producer.end()) {
      tp.node = plan.nodes[prod->second].name;
      tp.opType = plan.nodes[prod->second].opType;
    }
    tp.params = p;
    tp.qmin = act.qmin;
    tp.qmax = act.qmax;
    plan.tensors.push_back(tp);
  };
  for (const auto &in : g->input())
    if (qdq.count(in.name()))
      emitQdq(in.name());

  for (int i = 0; i < g->node_size(); ++i) {
    NodePlan &np = plan.nodes[i];
    if (np.kind == NodePlan::RemovedActivation)
      continue;
    NodeProto n = g->node(i);
    // Inputs read the dequantized tensors.
    for (int k = 0; k < n.input_size(); ++k) {
      std::string in = name(n.input(k));
      auto d = dqName.find(in);
      n.set_input(k, d != dqName.end() ? d->second : in);
    }
    auto ca = correctedAdds.find(i);
    if (ca != correctedAdds.end())
      n.set_input(ca->second.first, ca->second.second);
    // An int8 Add's constant operand: quantized with its own range.
    if (np.kind == NodePlan::Int8 && n.op_type() == "Add" && acts[i].size() == 1) {
      int k = gi.inits.count(g->node(i).input(1)) ? 1 : 0; // the constant operand
      if (!quantizeConstant(n.input(k), error))
        return false;
      n.set_input(k, n.input(k) + "_DequantizeLinear_Output");
    }
    // Weights and bias.
    if (np.kind == NodePlan::Int8 &&
        (n.op_type() == "Conv" || n.op_type() == "Gemm" ||
         (n.op_type() == "MatMul" && gi.inits.count(g->node(i).input(1))))) {
      int axis = 0;
      if (n.op_type() == "Gemm")
        axis = intAttr(n, "transB", 0) ? 0 : 1;
      if (n.op_type() == "MatMul")
        axis = 1;
      std::vector<float> scales;
      std::string wq;
      if (!quantizeWeight(g->node(i).input(1), axis, scales, wq, error))
        return false;
      n.set_input(1, wq);
      // Bias correction: the expected error of the int8 weights, taken out
      // of the bias (a new one where the node had none; for a MatMul, the
      // constant of the Add that follows it).
      std::vector<float> corr = biasCorrection(g->node(i), gi);
      std::string biasName =
          n.input_size() > 2 && !n.input(2).empty() ? g->node(i).input(2) : std::string();
      if (!corr.empty() && n.op_type() != "MatMul") {
        std::vector<float> b(corr.size(), 0.0f);
        if (!biasName.empty())
          floatData(*gi.inits.at(biasName), b);
        if (b.size() == corr.size()) {
          for (size_t c = 0; c < b.size(); ++c)
            b[c] -= corr[c];
          std::string nb = (biasName.empty() ? np.name + "_bias" : biasName) + "_corrected";
          *g->add_initializer() =
              makeTensor(nb, TensorProto::FLOAT, {(int64_t)b.size()}, b.data(), b.size() * 4);
          biasName = nb;
          while (n.input_size() < 3)
            n.add_input("");
          np.reason = "bias corrected";
        }
      } else if (!corr.empty()) {
        const std::string &out = g->node(i).output(0);
        auto cs = gi.consumers.find(out);
        if (cs != gi.consumers.end() && cs->second.size() == 1 &&
            g->node(cs->second[0]).op_type() == "Add") {
          const NodeProto &add = g->node(cs->second[0]);
          int k = add.input(0) == out ? 1 : 0;
          std::vector<float> b;
          if (gi.inits.count(add.input(k)) && floatData(*gi.inits.at(add.input(k)), b) &&
              b.size() == corr.size()) {
            for (size_t c = 0; c < b.size(); ++c)
              b[c] -= corr[c];
            std::string nb = add.input(k) + "_corrected";
            *g->add_initializer() =
                makeTensor(nb, TensorProto::FLOAT, {(int64_t)b.size()}, b.data(), b.size() * 4);
            correctedAdds[cs->second[0]] = {k, nb};
            np.reason = "bias corrected (in " + plan.nodes[cs->second[0]].name + ")";
          }
        }
      }
      if (!biasName.empty()) {
        std::string bq;
        quantizeBias(biasName, params[name(g->node(i).input(0))].scale, scales,
                     gi.numConsumers(biasName) <= 1, bq);
        n.set_input(2, bq);
      }
    }
    // The output: a removed activation's name, and Q/DQ.
    std::string out = name(n.output(0));
    bool isOutput = gi.graphOutputs.count(out) > 0;
    if (qdq.count(out)) {
      n.set_output(0, isOutput ? out + "_QuantizeLinear_Input" : out);
      nodes.push_back(n);
      emitQdq(out);
    } else {
      n.set_output(0, out);
      nodes.push_back(n);
    }
  }

  // Install: weight DQ nodes first (they read only initializers).
  installGraph(model, {&weightNodes, &nodes}, newInits);
  return true;
}

} // namespace

bool octet::quant::rewriteToQDQ(ModelProto &model, QuantPlan &plan,
                                const std::map<std::string, TensorRange> &ranges,
                                const QuantizeOptions &options, std::string &error) {
  Rewriter r(model, plan, ranges, options);
  return r.run(error);
}

std::string octet::quant::graphDigest(const ModelProto &model) {
  // The graph without its doc strings and metadata: inputs, nodes with their
  // attributes, initializers with their data.
  std::string bytes;
  const auto &g = model.graph();
  for (const auto &in : g.input())
    bytes += "i:" + in.name() + ";" + in.type().SerializeAsString();
  for (const auto &o : g.output())
    bytes += "o:" + o.name() + ";";
  for (const auto &n : g.node()) {
    bytes += "n:" + n.op_type() + ":" + n.domain() + ":" + n.name() + "(";
    for (const auto &in : n.input())
      bytes += in + ",";
    bytes += ")->(";
    for (const auto &o : n.output())
      bytes += o + ",";
    bytes += ")";
    for (const auto &a : n.attribute())
      bytes += a.SerializeAsString();
  }
  uint64_t h = llvm::xxh3_64bits(llvm::StringRef(bytes));
  for (const auto &t : g.initializer()) {
    std::string s = t.name() + ";" + t.SerializeAsString();
    h ^= llvm::xxh3_64bits(llvm::StringRef(s)) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  }
  char buf[32];
  snprintf(buf, sizeof buf, "%016llx", (unsigned long long)h);
  return buf;
}

//===----------------------------------------------------------------------===//
// Dynamic quantization
//===----------------------------------------------------------------------===//

bool octet::quant::rewriteDynamic(ModelProto &model, QuantPlan &plan,
                                  const QuantizeOptions &options, std::string &error) {
  // As ONNX Runtime's quantize_dynamic: the activation is quantized at run
  // time (DynamicQuantizeLinear: uint8, its own range per call), the weight
  // ahead of time (int8, symmetric, per output column), and
  //   y = float(MatMulInteger(a_q, w_q, a_zp, w_zp)) * (a_scale * w_scale) [+ bias].
  GraphIndex gi(model);
  auto *g = model.mutable_graph();
  if ((int)plan.nodes.size() != g->node_size()) {
    error = "internal error: the plan does not match the model";
    return false;
  }
  QuantType wt = options.weightType();
  std::vector<NodeProto> nodes;
  std::vector<TensorProto> inits;
  std::map<std::string, std::string> quantizedInput; // activation -> its DQL prefix
  std::map<std::string, std::string> quantizedWeight; // weight (+transpose) -> prefix
  for (int i = 0; i < g->node_size(); ++i) {
    const NodeProto &n = g->node(i);
    if (plan.nodes[i].kind != NodePlan::Int8) {
      nodes.push_back(n);
      continue;
    }
    bool gemm = n.op_type() == "Gemm";
    bool transB = gemm && intAttr(n, "transB", 0);
    const TensorProto &wt0 = *gi.inits.at(n.input(1));
    std::vector<float> w;
    if (!floatData(wt0, w)) {
      plan.nodes[i].kind = NodePlan::Float;
      plan.nodes[i].reason = "weights are not float32";
      nodes.push_back(n);
      continue;
    }
    int64_t rows = wt0.dims(0), cols = wt0.dims(1);
    int64_t K = transB ? cols : rows, N = transB ? rows : cols;
    // The weight as [K, N], quantized per column (or per tensor).
    std::string wkey = n.input(1) + (transB ? "^T" : "");
    auto wq = quantizedWeight.find(wkey);
    std::string wname = n.input(1) + (transB ? "_transposed" : "");
    if (wq == quantizedWeight.end()) {
      std::vector<float> kn(K * N);
      for (int64_t k = 0; k < K; ++k)
        for (int64_t c = 0; c < N; ++c)
          kn[k * N + c] = transB ? w[c * K + k] : w[k * N + c];
      int64_t channels = options.perChannel ? N : 1;
      std::vector<float> scales(channels);
      std::vector<int8_t> zps(channels, 0), q(K * N);
      for (int64_t c = 0; c < channels; ++c) {
        float lo = 0, hi = 0;
        for (int64_t k = 0; k < K; ++k)
          for (int64_t cc = options.perChannel ? c : 0; cc < (options.perChannel ? c + 1 : N); ++cc) {
            lo = std::min(lo, kn[k * N + cc]);
            hi = std::max(hi, kn[k * N + cc]);
          }
        ScaleZp p = computeScaleZp(lo, hi, wt);
        scales[c] = p.scale;
        zps[c] = (int8_t)p.zeroPoint;
      }
      for (int64_t k = 0; k < K; ++k)
        for (int64_t c = 0; c < N; ++c) {
          int64_t ch = options.perChannel ? c : 0;
          double r = std::nearbyint((double)(kn[k * N + c] / scales[ch])) + zps[ch];
          q[k * N + c] = (int8_t)std::clamp(r, (double)wt.qmin, (double)wt.qmax);
        }
      std::vector<int64_t> sdims;
      if (options.perChannel)
        sdims = {N};
      inits.push_back(makeTensor(wname + "_quantized", TensorProto::INT8, {K, N}, q.data(), q.size()));
      inits.push_back(makeTensor(wname + "_scale", TensorProto::FLOAT, sdims, scales.data(),
                                 scales.size() * 4));
      inits.push_back(makeTensor(wname + "_zero_point", TensorProto::INT8, sdims, zps.data(),
                                 zps.size()));
      wq = quantizedWeight.emplace(wkey, wname).first;
    }
    const std::string &a = n.input(0);
    auto aq = quantizedInput.find(a);
    if (aq == quantizedInput.end()) {
      nodes.push_back(makeNode("DynamicQuantizeLinear", a + "_DynamicQuantizeLinear", {a},
                               {a + "_quantized", a + "_scale", a + "_zero_point"}));
      aq = quantizedInput.emplace(a, a).first;
    }
    const std::string &out = n.output(0);
    std::string base = plan.nodes[i].name;
    bool bias = gemm && n.input_size() > 2 && !n.input(2).empty();
    nodes.push_back(makeNode("MatMulInteger", base + "_MatMulInteger",
                             {a + "_quantized", wq->second + "_quantized", a + "_zero_point",
                              wq->second + "_zero_point"},
                             {out + "_int32"}));
    NodeProto cast = makeNode("Cast", base + "_Cast", {out + "_int32"}, {out + "_float"});
    auto *to = cast.add_attribute();
    to->set_name("to");
    to->set_type(onnx::AttributeProto::INT);
    to->set_i(TensorProto::FLOAT);
    nodes.push_back(cast);
    nodes.push_back(makeNode("Mul", base + "_scales", {a + "_scale", wq->second + "_scale"},
                             {out + "_scales"}));
    nodes.push_back(makeNode("Mul", base + "_rescale", {out + "_float", out + "_scales"},
                             {bias ? out + "_unbiased" : out}));
    if (bias)
      nodes.push_back(makeNode("Add", base + "_bias", {out + "_unbiased", n.input(2)}, {out}));
  }
  installGraph(model, {&nodes}, inits);
  // DynamicQuantizeLinear and MatMulInteger need opset 11 and 10.
  for (auto &o : *model.mutable_opset_import())
    if ((o.domain().empty() || o.domain() == "ai.onnx") && o.version() < 11)
      o.set_version(11);
  return true;
}

//===----------------------------------------------------------------------===//
// SmoothQuant
//===----------------------------------------------------------------------===//

namespace {

/// A MatMul or Gemm reading `x` with constant weights, as [K, N] access.
struct SmoothUse {
  int node;
  std::string weight;
  bool transposed; // Gemm transB: weight stored [N, K]
};

std::map<std::string, std::vector<SmoothUse>> smoothUses(const ModelProto &model) {
  GraphIndex gi(model);
  std::map<std::string, std::vector<SmoothUse>> uses;
  for (int i = 0; i < gi.g.node_size(); ++i) {
    const NodeProto &n = gi.g.node(i);
    bool gemm = n.op_type() == "Gemm", mm = n.op_type() == "MatMul";
    if ((!gemm && !mm) || n.input_size() < 2 || !gi.isActivation(n.input(0)) ||
        !gi.inits.count(n.input(1)) || gi.inits.at(n.input(1))->dims_size() != 2 ||
        gi.inits.at(n.input(1))->data_type() != TensorProto::FLOAT)
      continue;
    if (gemm && (intAttr(n, "transA", 0) || floatAttr(n, "alpha", 1.f) != 1.f))
      continue;
    uses[n.input(0)].push_back({i, n.input(1), gemm && intAttr(n, "transB", 0) != 0});
  }
  return uses;
}

} // namespace

std::map<std::string, int> octet::quant::smoothCandidates(const ModelProto &model) {
  std::map<std::string, int> out;
  for (auto &[x, uses] : smoothUses(model))
    out[x] = -1; // channels are the last axis (K)
  return out;
}

int octet::quant::smoothQuant(ModelProto &model,
                              const std::map<std::string, std::vector<float>> &xAbsmax,
                              double alpha, std::vector<std::string> &log) {
  // SmoothQuant (Xiao et al.): per input channel k of x W, s_k =
  // max|x_k|^alpha / max|W_k,:|^(1 - alpha); x / s feeds the MatMul and
  // diag(s) W replaces W, so the product is unchanged while outlier channels
  // of x shrink. x / s folds into a LayerNormalization producing x (its scale
  // and bias) when the MatMuls are x's only readers; otherwise a Mul by 1/s
  // is inserted before them.
  auto usesByX = smoothUses(model);
  GraphIndex gi(model);
  auto *g = model.mutable_graph();
  std::map<std::string, TensorProto> newInits;
  std::vector<std::pair<int, NodeProto>> inserts; // before node index
  std::map<int, std::pair<int, std::string>> renameInput; // node -> (input, name)
  int smoothed = 0;
  for (auto &[x, uses] : usesByX) {
    auto am = xAbsmax.find(x);
    if (am == xAbsmax.end())
      continue;
    const std::vector<float> &ax = am->second;
    int64_t K = (int64_t)ax.size();
    std::vector<std::vector<float>> ws(uses.size());
    bool ok = true;
    for (size_t u = 0; u < uses.size() && ok; ++u) {
      const TensorProto &t = *gi.inits.at(uses[u].weight);
      int64_t k = uses[u].transposed ? t.dims(1) : t.dims(0);
      ok = k == K && floatData(t, ws[u]);
    }
    if (!ok || K == 0)
      continue;
    std::vector<float> wmax(K, 0.0f);
    for (size_t u = 0; u < uses.size(); ++u) {
      const TensorProto &t = *gi.inits.at(uses[u].weight);
      int64_t N = uses[u].transposed ? t.dims(0) : t.dims(1);
      for (int64_t k = 0; k < K; ++k)
        for (int64_t c = 0; c < N; ++c)
          wmax[k] = std::max(wmax[k], std::fabs(ws[u][uses[u].transposed ? c * K + k : k * N + c]));
    }
    std::vector<float> s(K), inv(K);
    for (int64_t k = 0; k < K; ++k) {
      double v = ax[k] > 0 && wmax[k] > 0
                     ? std::pow((double)ax[k], alpha) / std::pow((double)wmax[k], 1.0 - alpha)
                     : 1.0;
      s[k] = (float)std::clamp(v, 1e-5, 1e5);
      inv[k] = 1.0f / s[k];
    }
    // Scaled weights (a copy per use: a weight may be shared elsewhere).
    for (size_t u = 0; u < uses.size(); ++u) {
      const TensorProto &t = *gi.inits.at(uses[u].weight);
      int64_t N = uses[u].transposed ? t.dims(0) : t.dims(1);
      std::vector<float> w = ws[u];
      for (int64_t k = 0; k < K; ++k)
        for (int64_t c = 0; c < N; ++c)
          w[uses[u].transposed ? c * K + k : k * N + c] *= s[k];
      std::string name = uses[u].weight + "_smoothed_" + std::to_string(smoothed) + "_" +
                         std::to_string(u);
      newInits[name] = makeTensor(name, TensorProto::FLOAT, {t.dims(0), t.dims(1)}, w.data(),
                                  w.size() * 4);
      g->mutable_node(uses[u].node)->set_input(1, name);
    }
    // x / s: into the LayerNormalization that makes x, or a Mul.
    auto p = gi.producer.find(x);
    bool onlyMatMuls = gi.numConsumers(x) == uses.size() && !gi.graphOutputs.count(x);
    bool folded = false;
    if (p != gi.producer.end() && onlyMatMuls) {
      NodeProto &ln = *g->mutable_node(p->second);
      std::vector<float> gamma, beta;
      if (ln.op_type() == "LayerNormalization" && intAttr(ln, "axis", -1) == -1 &&
          ln.input_size() >= 2 && gi.inits.count(ln.input(1)) &&
          floatData(*gi.inits.at(ln.input(1)), gamma) && (int64_t)gamma.size() == K &&
          (ln.input_size() < 3 || ln.input(2).empty() ||
           (gi.inits.count(ln.input(2)) && floatData(*gi.inits.at(ln.input(2)), beta) &&
            (int64_t)beta.size() == K))) {
        for (int64_t k = 0; k < K; ++k) {
          gamma[k] *= inv[k];
          if (!beta.empty())
            beta[k] *= inv[k];
        }
        std::string gn = ln.input(1) + "_smoothed_" + std::to_string(smoothed);
        newInits[gn] = makeTensor(gn, TensorProto::FLOAT, {K}, gamma.data(), K * 4);
        ln.set_input(1, gn);
        if (!beta.empty()) {
          std::string bn = ln.input(2) + "_smoothed_" + std::to_string(smoothed);
          newInits[bn] = makeTensor(bn, TensorProto::FLOAT, {K}, beta.data(), K * 4);
          ln.set_input(2, bn);
        }
        folded = true;
        log.push_back("'" + x + "': " + std::to_string(uses.size()) +
                      " MatMul(s), 1/s folded into " + ln.name());
      }
    }
    if (!folded) {
      std::string invName = x + "_smooth_scale", xs = x + "_smoothed";
      newInits[invName] = makeTensor(invName, TensorProto::FLOAT, {K}, inv.data(), K * 4);
      int first = uses[0].node;
      for (const SmoothUse &u : uses)
        first = std::min(first, u.node);
      inserts.push_back({first, makeNode("Mul", x + "_Smooth", {x, invName}, {xs})});
      for (const SmoothUse &u : uses)
        g->mutable_node(u.node)->set_input(0, xs);
      log.push_back("'" + x + "': " + std::to_string(uses.size()) + " MatMul(s), a Mul by 1/s");
    }
    ++smoothed;
  }
  for (auto &[name, t] : newInits)
    *g->add_initializer() = t;
  // Inserted Muls go right before their first reader (node order stays
  // topological).
  std::sort(inserts.begin(), inserts.end(),
            [](const auto &a, const auto &b) { return a.first > b.first; });
  for (auto &[at, node] : inserts) {
    g->add_node();
    for (int k = g->node_size() - 1; k > at; --k)
      g->mutable_node()->SwapElements(k, k - 1);
    *g->mutable_node(at) = node;
  }
  dropDeadInitializers(model);
  return smoothed;
}

std::map<std::string, int> octet::quant::biasCorrectionInputs(const ModelProto &model,
                                                              const QuantPlan &plan) {
  GraphIndex gi(model);
  std::map<std::string, int> out;
  for (int i = 0; i < gi.g.node_size() && i < (int)plan.nodes.size(); ++i) {
    const NodeProto &n = gi.g.node(i);
    if (plan.nodes[i].kind != NodePlan::Int8 || n.input_size() < 2 || !gi.inits.count(n.input(1)))
      continue;
    if (n.op_type() == "Conv")
      out[n.input(0)] = 1;
    else if (n.op_type() == "Gemm" || n.op_type() == "MatMul")
      out[n.input(0)] = -1;
  }
  return out;
}
