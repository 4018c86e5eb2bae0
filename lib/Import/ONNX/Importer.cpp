//===- Importer.cpp - ONNX protobuf to the octet dialect ------------------===//
//
// Walks an onnx::ModelProto (libonnx's generated protobuf classes) in node
// order and emits octet ops into func.func @main. Constants are folded while
// importing (through the ops' folders, via createOrFold), so the shape
// arithmetic exporters emit collapses as soon as its inputs are known.
//
// This file is the driver: the handler table, the graph walk (initializers,
// graph inputs and outputs, node order) and the entry points declared in
// octet/Import/ONNX.h. The op handlers are in the files ImporterImpl.h lists.
//
//===----------------------------------------------------------------------===//

#include "octet/Import/ONNX.h"

#include "ImporterImpl.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinDialect.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace mlir;
using namespace mlir::octet;
using namespace ::octet::onnx_import::detail;

//===----------------------------------------------------------------------===//
// Handler table
//===----------------------------------------------------------------------===//

const llvm::StringMap<Importer::Handler> &Importer::handlers() {
  static const llvm::StringMap<Handler> table = [] {
    llvm::StringMap<Handler> t;
    t["Conv"] = &Importer::onConv;
    t["MatMul"] = &Importer::onMatMul;
    t["Gemm"] = &Importer::onGemm;
    for (const char *k : {"Add", "Sub", "Mul", "Div", "Pow"})
      t[k] = &Importer::onBinary;
    for (const char *k : {"Sigmoid", "Tanh", "Erf", "Sqrt", "Exp", "Neg", "Reciprocal",
                          "Gelu", "HardSwish", "Abs", "Log", "Floor", "Ceil", "Round",
                          "Softplus", "Softsign", "Mish", "Sin", "Cos", "Tan", "Asin", "Acos",
                          "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "Sign"})
      t[k] = &Importer::onUnary;
    t["Relu"] = &Importer::onRelu;
    t["Clip"] = &Importer::onClip;
    t["Softmax"] = &Importer::onSoftmax;
    t["LogSoftmax"] = &Importer::onSoftmax;
    t["ArgMax"] = &Importer::onArgReduce;
    t["ArgMin"] = &Importer::onArgReduce;
    t["LayerNormalization"] = &Importer::onLayerNorm;
    t["BatchNormalization"] = &Importer::onBatchNorm;
    for (const char *k : {"ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd",
                          "ReduceL1", "ReduceL2", "ReduceSumSquare", "ReduceLogSum",
                          "ReduceLogSumExp"})
      t[k] = &Importer::onReduce;
    t["MaxPool"] = &Importer::onPool;
    t["AveragePool"] = &Importer::onPool;
    t["GlobalAveragePool"] = &Importer::onGlobalAvgPool;
    t["LpPool"] = &Importer::onLpPool;
    t["GlobalLpPool"] = &Importer::onGlobalLpPool;
    t["LRN"] = &Importer::onLRN;
    t["MaxUnpool"] = &Importer::onMaxUnpool;
    t["GridSample"] = &Importer::onGridSample;
    t["Flatten"] = &Importer::onFlatten;
    t["Reshape"] = &Importer::onReshape;
    t["Squeeze"] = &Importer::onSqueeze;
    t["Unsqueeze"] = &Importer::onSqueeze;
    t["Transpose"] = &Importer::onTranspose;
    t["Concat"] = &Importer::onConcat;
    t["Split"] = &Importer::onSplit;
    t["Slice"] = &Importer::onSlice;
    t["Gather"] = &Importer::onGather;
    t["Shape"] = &Importer::onShape;
    t["Cast"] = &Importer::onCast;
    t["CastLike"] = &Importer::onCast;
    t["Size"] = &Importer::onSize;
    t["Identity"] = &Importer::onIdentity;
    t["Dropout"] = &Importer::onIdentity;
    t["Constant"] = &Importer::onConstant;
    t["ConstantOfShape"] = &Importer::onConstantOfShape;
    t["QuantizeLinear"] = &Importer::onQuantizeLinear;
    t["DequantizeLinear"] = &Importer::onDequantizeLinear;
    t["DynamicQuantizeLinear"] = &Importer::onDynamicQuantizeLinear;
    t["QLinearConv"] = &Importer::onQLinearConv;
    t["QLinearMatMul"] = &Importer::onQLinearMatMul;
    for (const char *k :
         {"LeakyRelu", "Elu", "Selu", "HardSigmoid", "Celu", "ThresholdedRelu", "Shrink"})
      t[k] = &Importer::onParamUnary;
    for (const char *k : {"Max", "Min", "Sum", "Mean"})
      t[k] = &Importer::onVariadic;
    t["PRelu"] = &Importer::onBinary;
    t["GRU"] = &Importer::onGRU;
    t["RNN"] = &Importer::onRNN;
    t["LSTM"] = &Importer::onLSTM;
    t["TopK"] = &Importer::onTopK;
    t["GatherElements"] = &Importer::onGatherElements;
    t["Einsum"] = &Importer::onEinsum;
    t["Swish"] = &Importer::onSwish;
    t["RMSNormalization"] = &Importer::onRMSNorm;
    t["ScatterND"] = &Importer::onScatterND;
    t["ScatterElements"] = &Importer::onScatterElements;
    t["Scatter"] = &Importer::onScatterElements;
    t["Mod"] = &Importer::onMod;
    t["Range"] = &Importer::onRange;
    t["ConvTranspose"] = &Importer::onConvTranspose;
    for (const char *k : {"Equal", "Less", "LessOrEqual", "Greater", "GreaterOrEqual"})
      t[k] = &Importer::onCompare;
    for (const char *k : {"And", "Or", "Xor", "Not"})
      t[k] = &Importer::onLogical;
    for (const char *k : {"BitwiseAnd", "BitwiseOr", "BitwiseXor", "BitwiseNot"})
      t[k] = &Importer::onBitwise;
    t["BitShift"] = &Importer::onBitShift;
    t["Where"] = &Importer::onWhere;
    t["If"] = &Importer::onIf;
    t["Loop"] = &Importer::onLoop;
    t["Scan"] = &Importer::onScan;
    for (const char *k : {"HannWindow", "HammingWindow", "BlackmanWindow"})
      t[k] = &Importer::onWindow;
    t["DFT"] = &Importer::onDFT;
    t["Det"] = &Importer::onDet;
    t["Attention"] = &Importer::onAttention;
    t["RotaryEmbedding"] = &Importer::onRotaryEmbedding;
    t["Compress"] = &Importer::onCompress;
    t["CenterCropPad"] = &Importer::onCenterCropPad;
    t["AffineGrid"] = &Importer::onAffineGrid;
    t["Col2Im"] = &Importer::onCol2Im;
    t["DeformConv"] = &Importer::onDeformConv;
    t["RoiAlign"] = &Importer::onRoiAlign;
    t["TensorScatter"] = &Importer::onTensorScatter;
    t["STFT"] = &Importer::onSTFT;
    t["MelWeightMatrix"] = &Importer::onMelWeightMatrix;
    t["NegativeLogLikelihoodLoss"] = &Importer::onLoss;
    t["SoftmaxCrossEntropyLoss"] = &Importer::onLoss;
    for (const char *op : {"SequenceConstruct", "SequenceEmpty", "SequenceInsert",
                            "SequenceErase", "SequenceAt", "SequenceLength", "SplitToSequence",
                            "ConcatFromSequence"})
      t[op] = &Importer::onSequence;
    t["ai.onnx.preview.training.Adagrad"] = &Importer::onOptimizer;
    t["ai.onnx.preview.training.Adam"] = &Importer::onOptimizer;
    t["ai.onnx.preview.training.Momentum"] = &Importer::onOptimizer;
    t["GlobalMaxPool"] = &Importer::onGlobalMaxPool;
    t["Pad"] = &Importer::onPad;
    t["Resize"] = &Importer::onResize;
    t["Upsample"] = &Importer::onResize;
    t["Expand"] = &Importer::onExpand;
    t["Tile"] = &Importer::onTile;
    t["DepthToSpace"] = &Importer::onDepthToSpace;
    t["SpaceToDepth"] = &Importer::onDepthToSpace;
    t["InstanceNormalization"] = &Importer::onInstanceNorm;
    t["GroupNormalization"] = &Importer::onGroupNorm;
    t["Trilu"] = &Importer::onTrilu;
    t["CumSum"] = &Importer::onCumSum;
    t["GatherND"] = &Importer::onGatherND;
    t["ReverseSequence"] = &Importer::onReverseSequence;
    for (const char *k : {"IsNaN", "IsInf", "Hardmax", "LpNormalization",
                          "MeanVarianceNormalization", "OneHot", "EyeLike"})
      t[k] = &Importer::onComposite;
    t["MatMulInteger"] = &Importer::onMatMulInteger;
    t["ConvInteger"] = &Importer::onConvInteger;
    // com.microsoft ops that ONNX Runtime's quantizer emits.
    t["com.microsoft.QGemm"] = &Importer::onQGemm;
    t["com.microsoft.QLinearAdd"] = &Importer::onQLinearBinary;
    t["com.microsoft.QLinearMul"] = &Importer::onQLinearBinary;
    t["com.microsoft.QLinearGlobalAveragePool"] = &Importer::onQLinearGlobalAvgPool;
    t["com.microsoft.QLinearSigmoid"] = &Importer::onQLinearSigmoid;
    t["com.microsoft.QLinearWhere"] = &Importer::onQLinearWhere;
    t["com.microsoft.Gelu"] = &Importer::onUnary;
    // ... and the fused ops its graph optimizer saves into models.
    t["com.microsoft.FastGelu"] = &Importer::onGeluFamily;
    t["com.microsoft.BiasGelu"] = &Importer::onGeluFamily;
    t["com.microsoft.QuickGelu"] = &Importer::onGeluFamily;
    t["com.microsoft.FusedConv"] = &Importer::onFusedConv;
    t["com.microsoft.FusedMatMul"] = &Importer::onFusedMatMul;
    t["com.microsoft.SkipLayerNormalization"] = &Importer::onSkipLayerNorm;
    t["com.microsoft.SkipSimplifiedLayerNormalization"] = &Importer::onSkipLayerNorm;
    t["SimplifiedLayerNormalization"] = &Importer::onRMSNorm;
    t["com.microsoft.QLinearConcat"] = &Importer::onQLinearConcat;
    t["com.microsoft.MatMulIntegerToFloat"] = &Importer::onMatMulIntegerToFloat;
    t["com.microsoft.DynamicQuantizeMatMul"] = &Importer::onMatMulIntegerToFloat;
    t["com.microsoft.QLinearLeakyRelu"] = &Importer::onQLinearUnary;
    t["com.microsoft.QLinearSoftmax"] = &Importer::onQLinearUnary;
    t["com.microsoft.QLinearAveragePool"] = &Importer::onQLinearAvgPool;
    t["com.microsoft.QuantizeLinear"] = &Importer::onQuantizeLinear;
    t["com.microsoft.DequantizeLinear"] = &Importer::onDequantizeLinear;
    return t;
  }();
  return table;
}

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

static std::string handlerKey(const NodeProto &n) {
  if (n.domain().empty() || n.domain() == "ai.onnx")
    return n.op_type();
  return n.domain() + "." + n.op_type();
}

/// Adds to `names` the values the graphs in `n`'s attributes (If
/// branches, Loop and Scan bodies, nested) read from outside themselves.
static void outerReads(const NodeProto &n, llvm::StringSet<> &names, int depth = 0) {
  if (depth > 64)
    return;
  for (const auto &a : n.attribute()) {
    SmallVector<const onnx::GraphProto *> graphs;
    if (a.has_g())
      graphs.push_back(&a.g());
    for (const auto &sub : a.graphs())
      graphs.push_back(&sub);
    for (const onnx::GraphProto *g : graphs) {
      llvm::StringSet<> inner;
      for (const auto &in : g->input())
        inner.insert(in.name());
      for (const auto &t : g->initializer())
        inner.insert(t.name());
      for (const auto &node : g->node())
        for (const auto &o : node.output())
          inner.insert(o);
      llvm::StringSet<> reads;
      for (const auto &node : g->node()) {
        for (const auto &in : node.input())
          reads.insert(in);
        outerReads(node, reads, depth + 1);
      }
      for (const auto &r : reads)
        if (!r.getKey().empty() && !inner.contains(r.getKey()))
          names.insert(r.getKey());
    }
  }
}

/// The graph's nodes in an order where every node follows the producers of
/// its inputs and of the outer values its subgraphs read (ONNX asks for that
/// order; ONNX Runtime also accepts graphs without it). Stable: a sorted
/// graph keeps its order. Nodes in a cycle or reading a value nobody
/// produces keep their place, so importNode reports the missing input.
static SmallVector<const NodeProto *> topologicalOrder(const onnx::GraphProto &g) {
  llvm::StringMap<int> producer;
  for (int i = 0; i < g.node_size(); ++i)
    for (const auto &o : g.node(i).output())
      if (!o.empty())
        producer.try_emplace(o, i);
  int nn = g.node_size();
  // Each node's inputs, its subgraphs' outer reads after them.
  SmallVector<SmallVector<std::string, 0>> deps(nn);
  for (int i = 0; i < nn; ++i) {
    const NodeProto &node = g.node(i);
    deps[i].assign(node.input().begin(), node.input().end());
    llvm::StringSet<> outer;
    outerReads(node, outer);
    for (const auto &r : outer)
      deps[i].push_back(r.getKey().str());
  }
  SmallVector<int> state(nn, 0); // 0 new, 1 visiting, 2 done
  SmallVector<const NodeProto *> order;
  // Depth-first with an explicit stack (node, next input to look at).
  SmallVector<std::pair<int, int>> stack;
  for (int root = 0; root < nn; ++root) {
    if (state[root])
      continue;
    stack.push_back({root, 0});
    state[root] = 1;
    while (!stack.empty()) {
      auto &[i, k] = stack.back();
      const NodeProto &node = g.node(i);
      if (k < (int)deps[i].size()) {
        const std::string &in = deps[i][k++];
        auto it = in.empty() ? producer.end() : producer.find(in);
        if (it != producer.end() && state[it->second] == 0) {
          state[it->second] = 1;
          stack.push_back({it->second, 0});
        }
        continue;
      }
      state[i] = 2;
      order.push_back(&node);
      stack.pop_back();
    }
  }
  return order;
}

/// Imports the nodes of a subgraph (an If branch) in the current scope and
/// returns its outputs. Names the branch defines (its initializers and node
/// outputs) shadow the outer ones only while it is imported.
LogicalResult Importer::importBranch(const NodeProto &n, const onnx::GraphProto &g,
                                     StringRef which, SmallVector<Value> &outs) {
  return importSubgraph(n, g, which, {}, outs);
}

/// Also a Loop's or Scan's body, whose inputs are bound to `args` (an If
/// branch, given none, has no inputs to bind: ONNX gives it none).
LogicalResult Importer::importSubgraph(const NodeProto &n, const onnx::GraphProto &g,
                                       StringRef which, ArrayRef<Value> args,
                                       SmallVector<Value> &outs,
                                       ArrayRef<std::optional<Sequence>> seqArgs,
                                       SmallVector<std::optional<Sequence>> *seqOuts) {
  if (!args.empty() && (int)args.size() != g.input_size())
    return nodeError(n) << which << " has " << g.input_size() << " inputs, expected "
                        << args.size();
  // (Loop and Scan bound each unrolling; nested ones multiply, so the
  // whole model's subgraph imports are bounded too: 2^17 took 24 s in the
  // sanitized fuzzer, past its 20 s limit.)
  constexpr int64_t kMaxSubgraphNodes = int64_t{1} << 15;
  subgraphNodes += g.node_size();
  if (subgraphNodes > kMaxSubgraphNodes)
    return nodeError(n) << "the model's subgraphs unroll to more than " << kMaxSubgraphNodes
                        << " nodes, too many to compile";
  llvm::StringMap<Value> savedValues = values;
  llvm::StringMap<Sequence> savedSequences = sequences;
  llvm::StringMap<const onnx::TensorProto *> savedInits = initializers;
  auto restore = [&] {
    values = std::move(savedValues);
    sequences = std::move(savedSequences);
    initializers = std::move(savedInits);
  };
  for (const auto &t : g.initializer()) {
    initializers[t.name()] = &t;
    values.erase(t.name());
    sequences.erase(t.name());
  }
  for (auto [k, in] : llvm::enumerate(g.input())) {
    if (args.empty())
      break;
    if (in.name().empty()) {
      restore();
      return nodeError(n) << which << " input #" << k << " has no name";
    }
    if (k < seqArgs.size() && seqArgs[k]) {
      sequences[in.name()] = *seqArgs[k];
      values.erase(in.name());
      continue;
    }
    values[in.name()] = args[k];
    sequences.erase(in.name());
  }
  for (const NodeProto *node : topologicalOrder(g))
    if (failed(importNode(*node))) {
      restore();
      return failure();
    }
  for (const auto &o : g.output()) {
    Value v = lookup(o.name());
    if (seqOuts)
      seqOuts->push_back(std::nullopt);
    if (!v && seqOuts && sequences.count(o.name())) {
      seqOuts->back() = sequences.lookup(o.name());
      outs.push_back(Value());
      continue;
    }
    if (!v && sequences.count(o.name())) {
      restore();
      return nodeError(n) << which << " output '" << o.name()
                          << "' is a sequence; subgraph outputs must be tensors";
    }
    if (!v) {
      restore();
      return nodeError(n) << which << " output '" << o.name()
                          << "' is not produced in the branch or before it";
    }
    outs.push_back(v);
  }
  restore();
  return success();
}

/// If: a condition known at compile time imports only its branch; one known
/// at run time imports both and selects each output with a Where (the
/// branches then must give outputs of the same shapes and types).
LogicalResult Importer::onIf(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  const onnx::AttributeProto *thenA = attr(n, "then_branch"), *elseA = attr(n, "else_branch");
  if (!thenA || !elseA || !thenA->has_g() || !elseA->has_g())
    return nodeError(n) << "needs then_branch and else_branch graphs";
  Value cond = input(n, 0);
  if (!rtt(cond).getElementType().isInteger(1) || !rtt(cond).hasStaticShape() ||
      rtt(cond).getNumElements() != 1)
    return nodeError(n) << "condition must be a one-element bool tensor, got "
                        << cond.getType();
  for (const auto *g : {&thenA->g(), &elseA->g()})
    if (g->output_size() != n.output_size())
      return nodeError(n) << "the node has " << n.output_size()
                          << " outputs but a branch has " << g->output_size();
  if (auto c = constOf(cond)) {
    SmallVector<Value> outs;
    bool taken = c->i[0] != 0;
    if (failed(importBranch(n, taken ? thenA->g() : elseA->g(),
                            taken ? "then_branch" : "else_branch", outs)))
      return failure();
    for (auto [k, v] : llvm::enumerate(outs))
      define(n, k, v);
    return success();
  }
  SmallVector<Value> thenOuts, elseOuts;
  if (failed(importBranch(n, thenA->g(), "then_branch", thenOuts)) ||
      failed(importBranch(n, elseA->g(), "else_branch", elseOuts)))
    return failure();
  auto scalar = buildReshape(n, cond, {}, false);
  if (failed(scalar))
    return failure();
  for (int k = 0; k < n.output_size(); ++k) {
    Value t = asPlain(thenOuts[k]), e = asPlain(elseOuts[k]);
    if (rtt(t) != rtt(e))
      return nodeError(n) << "with a condition known only at run time, the branches' output #"
                          << k << " must have one type and shape, got " << t.getType()
                          << " and " << e.getType();
    auto w = buildWhere(n, *scalar, t, e);
    if (failed(w))
      return failure();
    define(n, k, *w);
  }
  return success();
}

LogicalResult Importer::importNode(const NodeProto &n) {
  auto it = handlers().find(handlerKey(n));
  if (it == handlers().end())
    return nodeError(n) << "unsupported operator";
  // Every op the handlers know has an output; some read output(0) directly.
  if (n.output_size() == 0)
    return nodeError(n) << "node has no outputs";
  for (int k = 0; k < n.input_size(); ++k) {
    if (n.input(k).empty())
      continue;
    bool isSeq = sequences.count(n.input(k)), wantSeq = takesSequence(n, k);
    if (isSeq && mayTakeSequence(n, k))
      continue;
    if (isSeq && !wantSeq)
      return nodeError(n) << "input '" << n.input(k) << "' is a sequence; " << n.op_type()
                          << " takes a tensor there";
    if (!isSeq && wantSeq && lookup(n.input(k)))
      return nodeError(n) << "input '" << n.input(k) << "' is a tensor; " << n.op_type()
                          << " takes a sequence there";
    if (!isSeq && !lookup(n.input(k))) {
      if (initializers.count(n.input(k)))
        return failure(); // the initializer's own error was reported
      return nodeError(n) << "input '" << n.input(k)
                          << "' is not produced by any earlier node, graph input or initializer";
    }
  }
  // A name a subgraph's node defines shadows an outer sequence or tensor of
  // that name (the handler defines it as one or the other).
  for (const auto &out : n.output())
    sequences.erase(out);
  return (this->*(it->second))(n);
}

OwningOpRef<ModuleOp> Importer::run() {
  // Read and parse.
  std::unique_ptr<llvm::MemoryBuffer> file;
  StringRef bytes;
  if (preloaded) {
    bytes = *preloaded;
  } else {
    auto buf = llvm::MemoryBuffer::getFile(path, /*IsText=*/false);
    if (!buf) {
      fileError() << "cannot open '" << path << "': " << buf.getError().message();
      return nullptr;
    }
    file = std::move(*buf);
    bytes = file->getBuffer();
  }
  if (bytes.size() > (size_t)INT32_MAX) {
    fileError() << "files over 2 GiB must keep weights as external data";
    return nullptr;
  }
  if (!model.ParseFromArray(bytes.data(), (int)bytes.size())) {
    fileError() << "not a valid ONNX model (protobuf parse failed; the "
                           "file is truncated or corrupt)";
    return nullptr;
  }
  if (!model.has_graph() || model.opset_import_size() == 0) {
    fileError() << "not a valid ONNX model (no graph or no opset_import; "
                           "the file is truncated or not ONNX)";
    return nullptr;
  }
  for (const auto &o : model.opset_import()) {
    if (o.domain().empty() || o.domain() == "ai.onnx") {
      opset = o.version();
      if (opset > ::octet::kMaxSupportedOpset || opset < 1) {
        fileError() << "opset " << opset
                    << " of the default domain is not supported (supported: 1 to "
                    << ::octet::kMaxSupportedOpset << ")";
        return nullptr;
      }
    }
  }
  const onnx::GraphProto &g = model.graph();
  for (const auto &t : g.initializer())
    initializers[t.name()] = &t;

  // Check up front that every op is known, reporting all unknown ones.
  bool unknown = false;
  for (const auto &n : g.node())
    if (!handlers().count(handlerKey(n))) {
      nodeError(n) << "unsupported operator"
                   << (n.domain().empty() ? std::string()
                                          : " (domain '" + n.domain() + "')");
      unknown = true;
    }
  if (unknown)
    return nullptr;

  // Graph inputs become function arguments.
  OwningOpRef<ModuleOp> module = ModuleOp::create(FileLineColLoc::get(ctx, path, 0, 0));
  SmallVector<Type> argTypes;
  SmallVector<std::string> argNames;
  llvm::StringSet<> used;
  for (const auto &in : g.input()) {
    if (initializers.count(in.name()))
      continue;
    auto err = [&] { return fileError() << "graph input '" << in.name() << "': "; };
    if (!in.type().has_tensor_type()) {
      err() << "only tensor inputs are supported";
      return nullptr;
    }
    const auto &tt = in.type().tensor_type();
    auto el = elementType(tt.elem_type(), err);
    if (failed(el))
      return nullptr;
    if (!tt.has_shape()) {
      err() << "has no shape; give one with --input-shape";
      return nullptr;
    }
    SmallVector<int64_t> dims;
    for (const auto &d : tt.shape().dim())
      dims.push_back(d.has_dim_value() ? d.dim_value() : kDyn);
    auto fixed = opts.inputShapes.find(in.name());
    if (fixed != opts.inputShapes.end()) {
      if (fixed->second.size() != dims.size()) {
        err() << "--input-shape gives rank " << fixed->second.size()
              << " but the model's input has rank " << dims.size();
        return nullptr;
      }
      for (size_t k = 0; k < dims.size(); ++k)
        if (dims[k] != kDyn && dims[k] != fixed->second[k]) {
          err() << "--input-shape gives " << shapeToString(fixed->second)
                << " but the model fixes " << shapeToString(dims);
          return nullptr;
        }
      dims.assign(fixed->second.begin(), fixed->second.end());
      used.insert(in.name());
    }
    // Negative sizes make invalid types; huge ones overflow the handlers'
    // shape arithmetic. The bound is Importer::make's (2^32 elements), on the
    // product of the non-zero static dims, which bounds every partial product.
    uint64_t bound = 1;
    for (int64_t d : dims) {
      if (d == kDyn)
        continue;
      if (d < 0) {
        err() << "has a negative dimension " << d;
        return nullptr;
      }
      if (__builtin_mul_overflow(bound, (uint64_t)std::max<int64_t>(d, 1), &bound) ||
          bound > (uint64_t{1} << 32)) {
        err() << "shape " << shapeToString(dims) << " is too large to compile";
        return nullptr;
      }
    }
    argTypes.push_back(RankedTensorType::get(dims, *el));
    argNames.push_back(in.name());
  }
  for (const auto &kv : opts.inputShapes)
    if (!used.count(kv.getKey())) {
      fileError() << "--input-shape names '" << kv.getKey()
                  << "', which is not a graph input";
      return nullptr;
    }

  b.setInsertionPointToEnd(module->getBody());
  auto func = func::FuncOp::create(b, module->getLoc(), "main",
                                   b.getFunctionType(argTypes, {}));
  Block *entry = func.addEntryBlock();
  for (auto [k, name] : llvm::enumerate(argNames)) {
    values[name] = entry->getArgument(k);
    func.setArgAttr(k, "octet.name", b.getStringAttr(name));
  }
  b.setInsertionPointToEnd(entry);

  for (const NodeProto *n : topologicalOrder(g))
    if (failed(importNode(*n)))
      return nullptr;

  SmallVector<Value> results;
  SmallVector<Type> resultTypes;
  for (const auto &out : g.output()) {
    Value v = lookup(out.name());
    if (!v && sequences.count(out.name())) {
      fileError() << "graph output '" << out.name()
                  << "' is a sequence; outputs are tensors (ConcatFromSequence or SequenceAt "
                     "makes one)";
      return nullptr;
    }
    if (!v) {
      fileError() << "graph output '" << out.name()
                  << "' is not produced by any node";
      return nullptr;
    }
    // ONNX outputs hold raw integers where the graph computes quantized
    // values (QOperator models): return them as such.
    v = asPlain(v);
    results.push_back(v);
    resultTypes.push_back(v.getType());
  }
  func::ReturnOp::create(b, module->getLoc(), results);
  func.setType(b.getFunctionType(argTypes, resultTypes));
  for (auto [k, out] : llvm::enumerate(g.output()))
    func.setResultAttr(k, "octet.name", b.getStringAttr(out.name()));
  if (failed(mlir::verify(*module)))
    return nullptr;
  return module;
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

namespace octet {
OwningOpRef<ModuleOp> importONNXFile(StringRef path, MLIRContext *context,
                                            const ::octet::ONNXImportOptions &options) {
  context->loadDialect<OctetDialect, func::FuncDialect, arith::ArithDialect,
                       quant::QuantDialect>();
  Importer importer(context, path, options);
  return importer.run();
}

OwningOpRef<ModuleOp> importONNXBytes(StringRef bytes, StringRef displayPath,
                                      MLIRContext *context,
                                      const ::octet::ONNXImportOptions &options) {
  context->loadDialect<OctetDialect, func::FuncDialect, arith::ArithDialect,
                       quant::QuantDialect>();
  Importer importer(context, displayPath, options);
  importer.setBytes(bytes);
  return importer.run();
}

bool parseInputShape(StringRef spec, ::octet::ONNXImportOptions &options,
                            std::string &error) {
  auto [name, dims] = spec.rsplit('=');
  if (name.empty() || dims.empty() || !spec.contains('=')) {
    error = "--input-shape expects NAME=DxDx..., got '" + spec.str() + "'";
    return false;
  }
  std::vector<int64_t> shape;
  SmallVector<StringRef> parts;
  dims.split(parts, 'x');
  for (StringRef p : parts) {
    int64_t d;
    // '?' leaves a dimension dynamic (a dynamic batch, with a target).
    if (p == "?") {
      shape.push_back(ShapedType::kDynamic);
      continue;
    }
    if (p.getAsInteger(10, d) || d <= 0) {
      error = "--input-shape '" + spec.str() + "': '" + p.str() +
              "' is not a positive dimension or ?";
      return false;
    }
    shape.push_back(d);
  }
  options.inputShapes[name] = shape;
  return true;
}

std::string describeLocation(Location loc) {
  std::string file, node, opType;
  loc->walk([&](Location l) {
    if (auto f = dyn_cast<FusedLoc>(l))
      if (auto md = dyn_cast_or_null<StringAttr>(f.getMetadata()); md && opType.empty())
        opType = md.str();
    if (auto nl = dyn_cast<NameLoc>(l); nl && node.empty())
      node = nl.getName().str();
    if (auto fl = dyn_cast<FileLineColLoc>(l); fl && file.empty())
      file = fl.getLine() ? (fl.getFilename().str() + ":" + std::to_string(fl.getLine()) +
                             ":" + std::to_string(fl.getColumn()))
                          : fl.getFilename().str();
    return WalkResult::advance();
  });
  std::string out = file;
  if (!node.empty()) {
    out += (out.empty() ? "" : ": ") + std::string("node '") + node + "'";
    if (!opType.empty())
      out += " (" + opType + ")";
  }
  return out;
}
} // namespace octet
