//===- ImporterImpl.h - internals of the ONNX importer ----------*- C++ -*-===//
//
// The Importer class and the helpers its files share. Internal to
// lib/Import/ONNX; the public interface is octet/Import/ONNX.h. The class's
// members are defined in:
//
//   Importer.cpp       the driver: handler table, graph walk, entry points
//   Helpers.cpp        types, constants, quantization helpers and the
//                      builders several op families share
//   ConvMatMul.cpp     Conv, ConvTranspose, MatMul, Gemm, Einsum
//   Elementwise.cpp    arithmetic, activations, comparison, logic, Where
//   Normalization.cpp  softmax, normalizations, reductions, TopK, CumSum
//   Pooling.cpp        max, average and global pools
//   DataMovement.cpp   reshape, transpose, concat, slice, gather, scatter,
//                      pad, resize, shape, cast and constant ops
//   Quantization.cpp   default-domain quantization ops
//   Recurrent.cpp      LSTM, GRU
//   ControlFlow.cpp    Loop and Scan (If is in Importer.cpp)
//   Composite.cpp      ops composed from other octet ops (OneHot, ...)
//   Microsoft.cpp      the com.microsoft domain
//
//===----------------------------------------------------------------------===//

#ifndef OCTET_LIB_IMPORT_ONNX_IMPORTERIMPL_H
#define OCTET_LIB_IMPORT_ONNX_IMPORTERIMPL_H

#include "octet/Import/ONNX.h"

#include "octet/Dialect/Octet/OctetDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"

#include <onnx/onnx_pb.h>

#include <functional>
#include <optional>
#include <string>

namespace octet::onnx_import::detail {

using namespace mlir;
using namespace mlir::octet;

constexpr int64_t kDyn = ShapedType::kDynamic;

using NodeProto = onnx::NodeProto;

class Importer {
public:
  Importer(MLIRContext *ctx, StringRef path, const ::octet::ONNXImportOptions &opts)
      : ctx(ctx), b(ctx), path(path.str()), opts(opts) {}

  OwningOpRef<ModuleOp> run();
  /// Imports a model already in memory (serialized ModelProto bytes); `path`
  /// still names it in diagnostics.
  void setBytes(StringRef bytes) { preloaded = bytes; }

private:
  // --- diagnostics --------------------------------------------------------
  InFlightDiagnostic fileError() {
    return mlir::emitError(FileLineColLoc::get(ctx, path, 0, 0));
  }
  InFlightDiagnostic nodeError(const NodeProto &n) {
    return mlir::emitError(nodeLoc(n));
  }
  std::string nodeName(const NodeProto &n) {
    if (!n.name().empty())
      return n.name();
    return n.output_size() ? n.output(0) : std::string("<unnamed>");
  }
  Location nodeLoc(const NodeProto &n) {
    Location name = NameLoc::get(StringAttr::get(ctx, nodeName(n)));
    Location file = FileLineColLoc::get(ctx, path, 0, 0);
    return FusedLoc::get(ctx, {name, file}, StringAttr::get(ctx, n.op_type()));
  }

  // --- types and constants ------------------------------------------------
  FailureOr<Type> elementType(int32_t onnxType, const std::function<InFlightDiagnostic()> &err);
  FailureOr<Value> tensorConstant(const onnx::TensorProto &t,
                                  const std::function<InFlightDiagnostic()> &err);
  Value lookup(StringRef name);
  Value createConstant(ElementsAttr attr, RankedTensorType type, StringRef name) {
    Location loc = name.empty() ? Location(FileLineColLoc::get(ctx, path, 0, 0))
                                : Location(NameLoc::get(StringAttr::get(ctx, name)));
    return arith::ConstantOp::create(b, loc, type, cast<TypedAttr>(attr));
  }
  std::optional<ConstTensor> constOf(Value v) { return readConstant(v); }

  // --- node helpers --------------------------------------------------------
  Value input(const NodeProto &n, int k) {
    if (k >= n.input_size() || n.input(k).empty())
      return {};
    return lookup(n.input(k));
  }
  const onnx::AttributeProto *attr(const NodeProto &n, StringRef name) {
    for (const auto &a : n.attribute())
      if (a.name() == name)
        return &a;
    return nullptr;
  }
  int64_t attrInt(const NodeProto &n, StringRef name, int64_t def) {
    auto *a = attr(n, name);
    return a ? a->i() : def;
  }
  float attrFloat(const NodeProto &n, StringRef name, float def) {
    auto *a = attr(n, name);
    return a ? a->f() : def;
  }
  std::string attrString(const NodeProto &n, StringRef name, StringRef def) {
    auto *a = attr(n, name);
    return a ? a->s() : def.str();
  }
  std::optional<SmallVector<int64_t>> attrInts(const NodeProto &n, StringRef name) {
    auto *a = attr(n, name);
    if (!a)
      return std::nullopt;
    return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
  }
  void define(const NodeProto &n, int k, Value v) {
    if (k < n.output_size() && !n.output(k).empty())
      values[n.output(k)] = v;
  }
  /// Creates an op and checks it with its verifier, reporting at the node.
  template <typename OpTy, typename... Args>
  FailureOr<Value> make(const NodeProto &n, Type resultType, Args &&...args) {
    // Tensors past 2^32 elements (16 GiB of f32) are not compiled.
    if (auto t = dyn_cast<RankedTensorType>(resultType)) {
      uint64_t count = 1;
      for (int64_t d : t.getShape())
        if (!ShapedType::isDynamic(d) &&
            (d < 0 || __builtin_mul_overflow(count, (uint64_t)d, &count) ||
             count > (uint64_t{1} << 32)))
          return nodeError(n) << "result of shape " << shapeToString(t.getShape())
                              << " is too large to compile";
    }
    // Verified before it is folded: the folders may assume valid operands.
    auto op = OpTy::create(b, nodeLoc(n), resultType, std::forward<Args>(args)...);
    if (failed(mlir::verify(op))) {
      op->erase();
      return failure();
    }
    SmallVector<Value, 1> folded;
    if (succeeded(b.tryFold(op, folded)) && !folded.empty()) {
      op->erase();
      return folded.front();
    }
    return op->getResult(0);
  }
  LogicalResult need(const NodeProto &n, std::initializer_list<int> required) {
    for (int k : required)
      if (!input(n, k))
        return nodeError(n) << "missing required input #" << k;
    return success();
  }
  std::optional<int64_t> normAxis(int64_t axis, int64_t rank) {
    if (axis < -rank || axis >= rank)
      return std::nullopt;
    return axis < 0 ? axis + rank : axis;
  }
  static RankedTensorType rtt(Value v) { return cast<RankedTensorType>(v.getType()); }
  /// Defines the node's first output as `v`, or fails with it.
  LogicalResult defineResult(const NodeProto &n, FailureOr<Value> v) {
    if (failed(v))
      return failure();
    define(n, 0, *v);
    return success();
  }

  // --- quantization helpers -------------------------------------------------
  FailureOr<quant::QuantizedType> quantParams(const NodeProto &n, Value scale,
                                              Value zeroPoint, int64_t axisAttr,
                                              Value data, Type defaultStorage = {});
  FailureOr<Value> asQuant(const NodeProto &n, Value v, quant::QuantizedType q);
  Value asPlain(Value v);
  FailureOr<Value> requireFloat(const NodeProto &n, Value v, StringRef what);
  FailureOr<Value> quantBias(const NodeProto &n, Value bias, Value x, Value w);
  /// QuantizeLinear / DequantizeLinear that the quant types cannot express
  /// (blocked scales, 4-bit data), in float arithmetic as ONNX defines them;
  /// folded where the data are constant.
  struct QDQParams;
  FailureOr<QDQParams> qdqParams(const NodeProto &n, Value x, bool quantize);
  FailureOr<QDQParams> runtimeParams(const NodeProto &n, Value x, QDQParams p);
  std::pair<Value, Value> paramValues(const QDQParams &p);
  LogicalResult quantizeInFloat(const NodeProto &n, Value x);
  FailureOr<Value> integerZeroPoint(const NodeProto &n, int k, Value like, int64_t channels);
  LogicalResult dequantizeInFloat(const NodeProto &n, Value x);

  /// A sequence (Sequence.cpp): its element type and tensors, known when
  /// the graph is compiled.
  struct Sequence {
    Type element;
    SmallVector<Value> values;
  };

  // --- op handlers -----------------------------------------------------------
  using Handler = LogicalResult (Importer::*)(const NodeProto &);
  static const llvm::StringMap<Handler> &handlers();
  LogicalResult batchMajor(const NodeProto &n, Handler handler);
  LogicalResult importBranch(const NodeProto &n, const onnx::GraphProto &g, StringRef which,
                             SmallVector<Value> &outs);
  LogicalResult onIf(const NodeProto &n);
  /// Imports a subgraph (an If branch, a Loop or Scan body) in the current
  /// scope with its inputs bound to `args`, and returns its outputs. With
  /// `seqArgs`, input k is bound to seqArgs[k] where that is set (args[k]
  /// is then null); with `seqOuts`, an output that is a sequence is
  /// returned there (its entry of `outs` null), else it is an error.
  LogicalResult importSubgraph(const NodeProto &n, const onnx::GraphProto &g, StringRef which,
                               ArrayRef<Value> args, SmallVector<Value> &outs,
                               ArrayRef<std::optional<Sequence>> seqArgs = {},
                               SmallVector<std::optional<Sequence>> *seqOuts = nullptr);

  // --- Loop and Scan, unrolled (ControlFlow.cpp) ------------------------------
  LogicalResult onLoop(const NodeProto &n);
  LogicalResult onScan(const NodeProto &n);
  LogicalResult scanOnce(const NodeProto &n, const onnx::GraphProto &body,
                         ArrayRef<Value> initial, ArrayRef<Value> xs, ArrayRef<int64_t> inAxes,
                         ArrayRef<int64_t> inDirs, ArrayRef<int64_t> outAxes,
                         ArrayRef<int64_t> outDirs, SmallVector<Value> &results,
                         int64_t steps = -1);
  LogicalResult checkUnrolling(const NodeProto &n, const onnx::GraphProto &body,
                               int64_t iterations);
  LogicalResult checkBodyInputs(const NodeProto &n, const onnx::GraphProto &body,
                                ArrayRef<Value> args);
  FailureOr<Value> insertUnitAxis(const NodeProto &n, Value v, int64_t axis);
  /// Zeros of type `t` (float, integer, or quantized with stored zeros).
  FailureOr<Value> zerosFor(const NodeProto &n, RankedTensorType t, const Twine &what);
  FailureOr<Value> stackAxis(const NodeProto &n, ArrayRef<Value> parts, int64_t axis,
                             RankedTensorType entry, StringRef what);
  LogicalResult importNode(const NodeProto &n);

  // --- builders shared by several op families (Helpers.cpp) -----------------
  LogicalResult autoPads(const NodeProto &n, ArrayRef<int64_t> in, ArrayRef<int64_t> kernel,
                         ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations,
                         SmallVector<int64_t> &pads);
  LogicalResult convAttrs(const NodeProto &n, ArrayRef<int64_t> xShape,
                          ArrayRef<int64_t> kernel, SmallVector<int64_t> &strides,
                          SmallVector<int64_t> &pads, SmallVector<int64_t> &dilations);
  FailureOr<Value> buildConv(const NodeProto &n, Value x, Value w, Value bias, Type resultElem);
  struct Conv1DAs2D {
    Value x, w;
    SmallVector<int64_t> strides, pads, dilations;
  };
  FailureOr<Conv1DAs2D> conv1DAs2D(const NodeProto &n, Value x, Value w);
  FailureOr<Value> buildConv1D(const NodeProto &n, Value x, Value w, Value bias,
                               Type resultElem);
  FailureOr<Value> buildConv3D(const NodeProto &n, Value x, Value w, Value bias, Type resultElem);
  /// A 2-D convolution (no activation) with the window given, its result
  /// shape inferred.
  FailureOr<Value> makeConv2D(const NodeProto &n, Value x, Value w, Value bias,
                              ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                              ArrayRef<int64_t> dilations, int64_t group, Type resultElem);
  /// A 3-D convolution (as one 2-D convolution, see buildConv3D) with the
  /// window given: 3 strides and dilations, 6 pads.
  FailureOr<Value> makeConv3D(const NodeProto &n, Value x, Value w, Value bias,
                              ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                              ArrayRef<int64_t> dilations, int64_t group, Type resultElem);
  /// A window attribute (strides, dilations, pads) with `count` entries,
  /// `def` each where absent; else "<what>'s <name> must have ...".
  FailureOr<SmallVector<int64_t>> windowInts(const NodeProto &n, StringRef name, int64_t def,
                                             size_t count, StringRef what);
  FailureOr<Value> unitHeightWeight(const NodeProto &n, Value w);
  FailureOr<Value> buildMatMul(const NodeProto &n, Value a, Value bb, Type resultElem);
  FailureOr<Value> buildGemm(const NodeProto &n, Value a, Value bb, Value c, Type resultElem);
  FailureOr<Value> buildBinary(const NodeProto &n, StringRef kind, Value l, Value r, Type resultElem);
  FailureOr<Value> buildReshape(const NodeProto &n, Value x, ArrayRef<int64_t> target, bool allowZero);
  FailureOr<Value> buildWhere(const NodeProto &n, Value c, Value l, Value r);
  LogicalResult defineConcat(const NodeProto &n, ArrayRef<Value> ins);
  FailureOr<Value> normalizeOver(const NodeProto &n, Value x, ArrayRef<int64_t> axes,
                                 float epsilon);
  /// The mean over `axes` (kept), x minus it, and sqrt(variance + epsilon).
  struct Moments {
    Value mean, centered, stdDev;
  };
  FailureOr<Moments> momentsOver(const NodeProto &n, Value x, ArrayRef<int64_t> axes,
                                 float epsilon);
  FailureOr<SmallVector<int64_t>> constInts(const NodeProto &n, int k, StringRef what);
  /// One integer constant (a scalar or one-element tensor) at input k.
  FailureOr<int64_t> constScalarInt(const NodeProto &n, int k, StringRef what);
  Value scalarConst(Type elem, double v);

  // --- convolutions and matrix products (ConvMatMul.cpp) --------------------
  LogicalResult onConv(const NodeProto &n);
  LogicalResult onConvTranspose(const NodeProto &n);
  LogicalResult onMatMul(const NodeProto &n);
  LogicalResult onGemm(const NodeProto &n);
  LogicalResult onEinsum(const NodeProto &n);

  // --- elementwise ops (Elementwise.cpp) ------------------------------------
  LogicalResult onBinary(const NodeProto &n);
  LogicalResult onMod(const NodeProto &n);
  LogicalResult onVariadic(const NodeProto &n);
  LogicalResult onUnary(const NodeProto &n);
  FailureOr<Value> integerUnary(const NodeProto &n, Value x);
  LogicalResult onRelu(const NodeProto &n);
  LogicalResult onClip(const NodeProto &n);
  LogicalResult onParamUnary(const NodeProto &n);
  LogicalResult onSwish(const NodeProto &n);
  LogicalResult onCompare(const NodeProto &n);
  LogicalResult onLogical(const NodeProto &n);
  LogicalResult onBitwise(const NodeProto &n);
  LogicalResult onBitShift(const NodeProto &n);
  LogicalResult onWhere(const NodeProto &n);
  LogicalResult onTrilu(const NodeProto &n);

  // --- normalizations and reductions (Normalization.cpp) --------------------
  LogicalResult onSoftmax(const NodeProto &n);
  FailureOr<Value> flattenFrom(const NodeProto &n, Value x, int64_t axis);
  FailureOr<Value> unflatten(const NodeProto &n, Value v, ArrayRef<int64_t> shape);
  LogicalResult onLayerNorm(const NodeProto &n);
  LogicalResult onBatchNorm(const NodeProto &n);
  LogicalResult onInstanceNorm(const NodeProto &n);
  LogicalResult onGroupNorm(const NodeProto &n);
  LogicalResult onRMSNorm(const NodeProto &n);
  LogicalResult onReduce(const NodeProto &n);
  LogicalResult onArgReduce(const NodeProto &n);
  LogicalResult onTopK(const NodeProto &n);
  LogicalResult onCumSum(const NodeProto &n);

  // --- pooling (Pooling.cpp) ------------------------------------------------
  LogicalResult pool1D(const NodeProto &n, Value x);
  FailureOr<Value> pool3D(const NodeProto &n, Value x, bool sumPool = false);
  LogicalResult lpPool3D(const NodeProto &n, Value x);
  FailureOr<Value> lpPower(const NodeProto &n, Value x, int64_t p);
  FailureOr<Value> lpRoot(const NodeProto &n, Value avg, int64_t volume, int64_t p);
  LogicalResult onPool(const NodeProto &n);
  LogicalResult onGlobalAvgPool(const NodeProto &n);
  LogicalResult onLpPool(const NodeProto &n);
  LogicalResult onGlobalLpPool(const NodeProto &n);
  LogicalResult onLRN(const NodeProto &n);
  LogicalResult onMaxUnpool(const NodeProto &n);
  FailureOr<Value> maxPoolIndices(const NodeProto &n, Value x, ArrayRef<int64_t> kernel,
                                  ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                                  ArrayRef<int64_t> dilations, ArrayRef<int64_t> outShape,
                                  int64_t storageOrder);
  LogicalResult onGridSample(const NodeProto &n);
  FailureOr<Value> windowSum(const NodeProto &n, Value x, ArrayRef<int64_t> kernel,
                             ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                             ArrayRef<int64_t> dilations);
  FailureOr<Value> windowSumShaped(const NodeProto &n, Value x, ArrayRef<int64_t> kernel,
                                   ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                                   ArrayRef<int64_t> dilations, ArrayRef<int64_t> outShape);
  FailureOr<Value> dilatedAvgPool(const NodeProto &n, Value x, ArrayRef<int64_t> kernel,
                                  ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                                  ArrayRef<int64_t> dilations, ArrayRef<int64_t> outShape);
  LogicalResult onGlobalMaxPool(const NodeProto &n);

  // --- data movement, shapes and constants (DataMovement.cpp) ---------------
  LogicalResult onFlatten(const NodeProto &n);
  LogicalResult onReshape(const NodeProto &n);
  LogicalResult onSqueeze(const NodeProto &n);
  LogicalResult onTranspose(const NodeProto &n);
  LogicalResult onExpand(const NodeProto &n);
  LogicalResult onTile(const NodeProto &n);
  LogicalResult onDepthToSpace(const NodeProto &n);
  LogicalResult onConcat(const NodeProto &n);
  LogicalResult onSplit(const NodeProto &n);
  /// `x` in slices of `sizes` along `axis` (checked: none negative, adding
  /// up to a static dimension); Split and SplitToSequence.
  FailureOr<SmallVector<Value>> splitAlong(const NodeProto &n, Value x, int64_t axis,
                                           ArrayRef<int64_t> sizes);
  LogicalResult onSlice(const NodeProto &n);
  LogicalResult onPad(const NodeProto &n);
  LogicalResult onGather(const NodeProto &n);
  LogicalResult onGatherElements(const NodeProto &n);
  LogicalResult onCompress(const NodeProto &n);
  LogicalResult onGatherND(const NodeProto &n);
  LogicalResult onReverseSequence(const NodeProto &n);
  FailureOr<Value> buildScatter(const NodeProto &n, bool nd);
  LogicalResult onScatterElements(const NodeProto &n);
  LogicalResult onScatterND(const NodeProto &n);
  LogicalResult onResize(const NodeProto &n);
  FailureOr<Value> antialiasResize(const NodeProto &n, Value x, ArrayRef<int64_t> out,
                                   ArrayRef<float> scales, StringRef mode, StringRef coord);
  FailureOr<Value> cropAndResize(const NodeProto &n, Value x, ArrayRef<int64_t> out,
                                 ArrayRef<int64_t> axes, StringRef mode, StringRef nearest);
  LogicalResult onShape(const NodeProto &n);
  LogicalResult onCast(const NodeProto &n);
  LogicalResult onSize(const NodeProto &n);
  LogicalResult onIdentity(const NodeProto &n);
  LogicalResult onConstant(const NodeProto &n);
  LogicalResult onConstantOfShape(const NodeProto &n);
  LogicalResult onRange(const NodeProto &n);

  // --- quantization, default domain (Quantization.cpp) ----------------------
  LogicalResult onQuantizeLinear(const NodeProto &n);
  LogicalResult onDequantizeLinear(const NodeProto &n);
  LogicalResult onDynamicQuantizeLinear(const NodeProto &n);
  LogicalResult onQLinearConv(const NodeProto &n);
  LogicalResult onQLinearMatMul(const NodeProto &n);
  LogicalResult onMatMulInteger(const NodeProto &n);
  LogicalResult onConvInteger(const NodeProto &n);

  // --- recurrent ops (Recurrent.cpp) ----------------------------------------
  FailureOr<Value> sliceAxis(const NodeProto &n, Value v, int64_t axis, int64_t start,
                             int64_t len);
  FailureOr<Value> leadingEntry(const NodeProto &n, Value v, int64_t i);
  FailureOr<Value> concatAxis(const NodeProto &n, ArrayRef<Value> parts, int64_t axis);
  Value zerosLike(ArrayRef<int64_t> shape, Type el);
  FailureOr<Value> gemmTransB(const NodeProto &n, Value a, Value w, Value c);
  struct RnnActivation {
    std::string name;
    float alpha, beta;
  };
  FailureOr<SmallVector<RnnActivation>> rnnActivations(const NodeProto &n, int64_t dirs,
                                                       ArrayRef<const char *> defaults);
  FailureOr<Value> applyRnnActivation(const NodeProto &n, const RnnActivation &act, Value v);
  LogicalResult emptyRecurrence(const NodeProto &n, int64_t dirs, int64_t batch, int64_t hidden,
                                Type el, bool withCell);
  LogicalResult onLSTM(const NodeProto &n);
  LogicalResult onGRU(const NodeProto &n);
  LogicalResult onRNN(const NodeProto &n);

  // --- ops composed from others (Composite.cpp) -----------------------------
  LogicalResult onComposite(const NodeProto &n);
  LogicalResult onWindow(const NodeProto &n);
  LogicalResult onCenterCropPad(const NodeProto &n);
  LogicalResult onAffineGrid(const NodeProto &n);
  LogicalResult onCol2Im(const NodeProto &n);
  LogicalResult onDet(const NodeProto &n);
  // --- opset 23 transformer ops (Attention.cpp) -----------------------------
  LogicalResult onAttention(const NodeProto &n);
  LogicalResult onRotaryEmbedding(const NodeProto &n);
  // --- signal processing (Signal.cpp) ---------------------------------------
  FailureOr<Value> buildDFT(const NodeProto &n, Value x, int64_t axis, int64_t len, bool inverse,
                            bool onesided, ArrayRef<double> window);
  LogicalResult onDFT(const NodeProto &n);
  LogicalResult onSTFT(const NodeProto &n);
  LogicalResult onMelWeightMatrix(const NodeProto &n);
  LogicalResult onLoss(const NodeProto &n);
  /// Adagrad, Adam, Momentum (ai.onnx.preview.training; Training.cpp).
  LogicalResult onOptimizer(const NodeProto &n);
  /// The sequence ops (Sequence.cpp); whether input k of n is a sequence.
  LogicalResult onSequence(const NodeProto &n);
  bool takesSequence(const NodeProto &n, int k);
  /// Whether input k of n may be a sequence or a tensor (Loop's carried
  /// values, Identity).
  bool mayTakeSequence(const NodeProto &n, int k);
  // --- sampling at run-time positions (Sampling.cpp) ------------------------
  Value constFrom(const NodeProto &n, ArrayRef<int64_t> shape, Type t,
                  function_ref<double(int64_t)> f);
  FailureOr<Value> gatherColumns(const NodeProto &n, Value flat, Value idx);
  LogicalResult onDeformConv(const NodeProto &n);
  LogicalResult onRoiAlign(const NodeProto &n);
  LogicalResult onTensorScatter(const NodeProto &n);

  // --- com.microsoft domain (Microsoft.cpp) ---------------------------------
  LogicalResult onQGemm(const NodeProto &n);
  FailureOr<Value> buildTanhGelu(const NodeProto &n, Value x);
  LogicalResult onGeluFamily(const NodeProto &n);
  LogicalResult onFusedConv(const NodeProto &n);
  LogicalResult onFusedMatMul(const NodeProto &n);
  LogicalResult onSkipLayerNorm(const NodeProto &n);
  LogicalResult onMatMulIntegerToFloat(const NodeProto &n);
  LogicalResult onQLinearBinary(const NodeProto &n);
  LogicalResult onQLinearSigmoid(const NodeProto &n);
  LogicalResult onQLinearUnary(const NodeProto &n);
  LogicalResult onQLinearWhere(const NodeProto &n);
  LogicalResult onQLinearConcat(const NodeProto &n);
  LogicalResult onQLinearGlobalAvgPool(const NodeProto &n);
  LogicalResult onQLinearAvgPool(const NodeProto &n);

  MLIRContext *ctx;
  OpBuilder b;
  std::string path;
  std::optional<StringRef> preloaded;
  const ::octet::ONNXImportOptions &opts;
  onnx::ModelProto model;
  int64_t opset = 0;
  /// Nodes imported from subgraphs so far (If branches, each unrolled
  /// iteration of a Loop or Scan body): bounded, since nested loops
  /// multiply.
  int64_t subgraphNodes = 0;
  llvm::StringMap<Value> values;
  /// Sequences by name (Sequence.cpp).
  llvm::StringMap<Sequence> sequences;
  llvm::StringMap<const onnx::TensorProto *> initializers;
  /// Values that hold ONNX INT4 (true) or UINT4 (false) data in 8-bit
  /// tensors: 4-bit initializers and QuantizeLinear results.
  llvm::DenseMap<Value, bool> fourBit;
};

/// Whether a static shape has more than `limit` elements (computed
/// without overflowing; dimensions of 0 count as 1, so that an empty
/// tensor's other dimensions are bounded too).
bool pastElementLimit(ArrayRef<int64_t> shape, uint64_t limit);

/// The zero point operand `zp` of an integer op, or a zero of `like`'s
/// element type when it is absent (Helpers.cpp).
Value zeroPointOr(OpBuilder &b, Location loc, Value zp, Value like);

} // namespace octet::onnx_import::detail

#endif // OCTET_LIB_IMPORT_ONNX_IMPORTERIMPL_H
