//===- Importer.cpp - ONNX protobuf to the octet dialect -------------------===//
//
// Walks an onnx::ModelProto (libonnx's generated protobuf classes) in node
// order and emits octet ops into func.func @main. Constants are folded while
// importing (through the ops' folders, via createOrFold), so the shape
// arithmetic exporters emit collapses as soon as its inputs are known.
//
//===----------------------------------------------------------------------===//

#include "octet/Import/ONNX.h"

#include "octet/Dialect/Octet/OctetDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <map>
#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstring>
#include <functional>

using namespace mlir;
using namespace mlir::octet;

namespace {

constexpr int64_t kDyn = ShapedType::kDynamic;

using NodeProto = onnx::NodeProto;

class Importer {
public:
  Importer(MLIRContext *ctx, StringRef path, const ::octet::ONNXImportOptions &opts)
      : ctx(ctx), b(ctx), path(path.str()), opts(opts) {}

  OwningOpRef<ModuleOp> run();

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
    Value v = b.createOrFold<OpTy>(nodeLoc(n), resultType, std::forward<Args>(args)...);
    if (Operation *op = v.getDefiningOp())
      if (failed(mlir::verify(op)))
        return failure();
    return v;
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

  // --- quantization helpers -------------------------------------------------
  FailureOr<quant::QuantizedType> quantParams(const NodeProto &n, Value scale,
                                              Value zeroPoint, int64_t axisAttr,
                                              Value data, Type defaultStorage = {});
  FailureOr<Value> asQuant(const NodeProto &n, Value v, quant::QuantizedType q);
  Value asPlain(Value v);
  FailureOr<Value> requireFloat(const NodeProto &n, Value v, StringRef what);
  FailureOr<Value> quantBias(const NodeProto &n, Value bias, Value x, Value w);

  // --- op handlers -----------------------------------------------------------
  using Handler = LogicalResult (Importer::*)(const NodeProto &);
  static const llvm::StringMap<Handler> &handlers();
  LogicalResult importNode(const NodeProto &n);

  LogicalResult autoPads(const NodeProto &n, ArrayRef<int64_t> in, ArrayRef<int64_t> kernel,
                         ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations,
                         SmallVector<int64_t> &pads);
  LogicalResult convAttrs(const NodeProto &n, ArrayRef<int64_t> xShape,
                          ArrayRef<int64_t> kernel, SmallVector<int64_t> &strides,
                          SmallVector<int64_t> &pads, SmallVector<int64_t> &dilations);
  FailureOr<Value> buildConv(const NodeProto &n, Value x, Value w, Value bias, Type resultElem);
  FailureOr<Value> buildConv1D(const NodeProto &n, Value x, Value w, Value bias,
                               Type resultElem);
  FailureOr<Value> unitHeightWeight(const NodeProto &n, Value w);
  FailureOr<Value> buildMatMul(const NodeProto &n, Value a, Value bb, Type resultElem);
  FailureOr<Value> buildGemm(const NodeProto &n, Value a, Value bb, Value c, Type resultElem);
  FailureOr<Value> buildBinary(const NodeProto &n, StringRef kind, Value l, Value r, Type resultElem);
  FailureOr<Value> buildReshape(const NodeProto &n, Value x, ArrayRef<int64_t> target, bool allowZero);

  LogicalResult onConv(const NodeProto &n);
  LogicalResult onMatMul(const NodeProto &n);
  LogicalResult onGemm(const NodeProto &n);
  LogicalResult onBinary(const NodeProto &n);
  LogicalResult onUnary(const NodeProto &n);
  LogicalResult onRelu(const NodeProto &n);
  LogicalResult onClip(const NodeProto &n);
  LogicalResult onSoftmax(const NodeProto &n);
  LogicalResult onLayerNorm(const NodeProto &n);
  LogicalResult onBatchNorm(const NodeProto &n);
  LogicalResult onReduce(const NodeProto &n);
  LogicalResult onPool(const NodeProto &n);
  LogicalResult pool1D(const NodeProto &n, Value x);
  LogicalResult onGlobalAvgPool(const NodeProto &n);
  LogicalResult onFlatten(const NodeProto &n);
  LogicalResult onReshape(const NodeProto &n);
  LogicalResult onSqueeze(const NodeProto &n);
  LogicalResult onTranspose(const NodeProto &n);
  LogicalResult onConcat(const NodeProto &n);
  LogicalResult defineConcat(const NodeProto &n, ArrayRef<Value> ins);
  LogicalResult onSplit(const NodeProto &n);
  LogicalResult onSlice(const NodeProto &n);
  LogicalResult onGather(const NodeProto &n);
  LogicalResult onShape(const NodeProto &n);
  LogicalResult onCast(const NodeProto &n);
  LogicalResult onIdentity(const NodeProto &n);
  LogicalResult onConstant(const NodeProto &n);
  LogicalResult onConstantOfShape(const NodeProto &n);
  LogicalResult onQuantizeLinear(const NodeProto &n);
  LogicalResult onDequantizeLinear(const NodeProto &n);
  LogicalResult onDynamicQuantizeLinear(const NodeProto &n);
  LogicalResult onQLinearConv(const NodeProto &n);
  LogicalResult onQLinearMatMul(const NodeProto &n);
  LogicalResult onQGemm(const NodeProto &n);
  LogicalResult onQLinearBinary(const NodeProto &n);
  LogicalResult onQLinearGlobalAvgPool(const NodeProto &n);
  LogicalResult onQLinearSigmoid(const NodeProto &n);
  LogicalResult onQLinearWhere(const NodeProto &n);
  LogicalResult onGroupNorm(const NodeProto &n);
  LogicalResult onTrilu(const NodeProto &n);
  /// Defines the node's first output as `v`, or fails with it.
  LogicalResult defineResult(const NodeProto &n, FailureOr<Value> v) {
    if (failed(v))
      return failure();
    define(n, 0, *v);
    return success();
  }
  LogicalResult onCumSum(const NodeProto &n);
  LogicalResult onGatherND(const NodeProto &n);
  FailureOr<Value> normalizeOver(const NodeProto &n, Value x, ArrayRef<int64_t> axes,
                                 float epsilon);
  LogicalResult onComposite(const NodeProto &n);
  FailureOr<Value> buildWhere(const NodeProto &n, Value c, Value l, Value r);
  LogicalResult onMatMulInteger(const NodeProto &n);
  LogicalResult onConvInteger(const NodeProto &n);
  LogicalResult onParamUnary(const NodeProto &n);
  LogicalResult onGRU(const NodeProto &n);
  LogicalResult onLSTM(const NodeProto &n);
  FailureOr<Value> sliceAxis(const NodeProto &n, Value v, int64_t axis, int64_t start,
                             int64_t len);
  FailureOr<Value> leadingEntry(const NodeProto &n, Value v, int64_t i);
  FailureOr<Value> concatAxis(const NodeProto &n, ArrayRef<Value> parts, int64_t axis);
  Value zerosLike(ArrayRef<int64_t> shape, Type el);
  FailureOr<Value> gemmTransB(const NodeProto &n, Value a, Value w, Value c);
  LogicalResult onTopK(const NodeProto &n);
  LogicalResult onGatherElements(const NodeProto &n);
  LogicalResult onEinsum(const NodeProto &n);
  LogicalResult onSwish(const NodeProto &n);
  LogicalResult onRMSNorm(const NodeProto &n);
  LogicalResult onMatMulIntegerToFloat(const NodeProto &n);
  LogicalResult onScatterND(const NodeProto &n);
  LogicalResult onScatterElements(const NodeProto &n);
  FailureOr<Value> buildScatter(const NodeProto &n, bool nd);
  LogicalResult onMod(const NodeProto &n);
  LogicalResult onRange(const NodeProto &n);
  LogicalResult onConvTranspose(const NodeProto &n);
  LogicalResult onArgReduce(const NodeProto &n);
  LogicalResult onCompare(const NodeProto &n);
  LogicalResult onWhere(const NodeProto &n);
  LogicalResult onLogical(const NodeProto &n);
  LogicalResult onVariadic(const NodeProto &n);
  LogicalResult onGlobalMaxPool(const NodeProto &n);
  LogicalResult onPad(const NodeProto &n);
  LogicalResult onResize(const NodeProto &n);
  LogicalResult onExpand(const NodeProto &n);
  LogicalResult onTile(const NodeProto &n);
  LogicalResult onDepthToSpace(const NodeProto &n);
  LogicalResult onInstanceNorm(const NodeProto &n);
  LogicalResult onQLinearConcat(const NodeProto &n);
  LogicalResult onQLinearUnary(const NodeProto &n);
  LogicalResult onQLinearAvgPool(const NodeProto &n);
  FailureOr<SmallVector<int64_t>> constInts(const NodeProto &n, int k, StringRef what);
  Value scalarConst(Type elem, double v);

  MLIRContext *ctx;
  OpBuilder b;
  std::string path;
  const ::octet::ONNXImportOptions &opts;
  onnx::ModelProto model;
  int64_t opset = 0;
  llvm::StringMap<Value> values;
  llvm::StringMap<const onnx::TensorProto *> initializers;
};

} // namespace

//===----------------------------------------------------------------------===//
// Types and constants
//===----------------------------------------------------------------------===//

FailureOr<Type>
Importer::elementType(int32_t t, const std::function<InFlightDiagnostic()> &err) {
  using TP = onnx::TensorProto;
  switch (t) {
  case TP::FLOAT:
    return Type(Float32Type::get(ctx));
  case TP::DOUBLE:
    return Type(Float64Type::get(ctx));
  case TP::FLOAT16:
    return Type(Float16Type::get(ctx));
  case TP::BFLOAT16:
    return Type(BFloat16Type::get(ctx));
  case TP::INT8:
    return Type(IntegerType::get(ctx, 8));
  case TP::UINT8:
    return Type(IntegerType::get(ctx, 8, IntegerType::Unsigned));
  case TP::INT16:
    return Type(IntegerType::get(ctx, 16));
  case TP::UINT16:
    return Type(IntegerType::get(ctx, 16, IntegerType::Unsigned));
  case TP::INT32:
    return Type(IntegerType::get(ctx, 32));
  case TP::UINT32:
    return Type(IntegerType::get(ctx, 32, IntegerType::Unsigned));
  case TP::INT64:
    return Type(IntegerType::get(ctx, 64));
  case TP::BOOL:
    return Type(IntegerType::get(ctx, 1));
  default:
    err() << "unsupported tensor element type "
          << (TP::DataType_IsValid(t) ? TP::DataType_Name(t) : std::to_string(t));
    return failure();
  }
}

FailureOr<Value>
Importer::tensorConstant(const onnx::TensorProto &t,
                         const std::function<InFlightDiagnostic()> &err) {
  auto el = elementType(t.data_type(), err);
  if (failed(el))
    return failure();
  SmallVector<int64_t> shape(t.dims().begin(), t.dims().end());
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0) {
      err() << "tensor '" << t.name() << "' has a negative dimension";
      return failure();
    }
    n *= d;
  }
  auto type = RankedTensorType::get(shape, *el);
  unsigned bits = el->getIntOrFloatBitWidth();
  unsigned bytes = bits == 1 ? 1 : bits / 8;

  // Raw bytes: from raw_data or an external file.
  std::string external;
  const std::string *raw = t.has_raw_data() ? &t.raw_data() : nullptr;
  if (t.data_location() == onnx::TensorProto::EXTERNAL) {
    std::string location;
    int64_t offset = 0, length = -1;
    for (const auto &kv : t.external_data()) {
      if (kv.key() == "location")
        location = kv.value();
      else if (kv.key() == "offset")
        offset = std::atoll(kv.value().c_str());
      else if (kv.key() == "length")
        length = std::atoll(kv.value().c_str());
    }
    SmallString<256> full(llvm::sys::path::parent_path(path));
    llvm::sys::path::append(full, location);
    auto buf = llvm::MemoryBuffer::getFile(full, /*IsText=*/false);
    if (!buf) {
      err() << "cannot read external data '" << full << "' of tensor '"
            << t.name() << "': " << buf.getError().message();
      return failure();
    }
    if (length < 0)
      length = (*buf)->getBufferSize() - offset;
    if (offset < 0 || offset + length > (int64_t)(*buf)->getBufferSize()) {
      err() << "external data of tensor '" << t.name() << "' lies outside '"
            << full << "'";
      return failure();
    }
    external.assign((*buf)->getBufferStart() + offset, length);
    raw = &external;
  }

  if (raw) {
    if ((int64_t)raw->size() != n * bytes) {
      err() << "tensor '" << t.name() << "' has " << raw->size()
            << " bytes of data, expected " << n * bytes << " for shape "
            << shapeToString(shape);
      return failure();
    }
    ElementsAttr attr;
    if (n > kResourceThreshold && bits >= 8) {
      attr = DenseResourceElementsAttr::get(
          type, "onnx_" + t.name(),
          HeapAsmResourceBlob::allocateAndCopyWithAlign(
              ArrayRef<char>(raw->data(), raw->size()), alignof(uint64_t)));
    } else {
      attr = DenseElementsAttr::getFromRawBuffer(
          type, ArrayRef<char>(raw->data(), raw->size()));
      if (bits == 1) {
        // i1 dense storage is bit-packed; rebuild from the bytes.
        SmallVector<bool> bools;
        for (char c : *raw)
          bools.push_back(c != 0);
        attr = DenseElementsAttr::get(type, bools);
      }
    }
    return createConstant(attr, type, t.name());
  }

  // Typed fields.
  using TP = onnx::TensorProto;
  ConstTensor c;
  c.shape.assign(shape.begin(), shape.end());
  int64_t have = 0;
  switch (t.data_type()) {
  case TP::FLOAT:
    c.isFloat = true;
    for (float v : t.float_data())
      c.f.push_back(v);
    have = c.f.size();
    break;
  case TP::DOUBLE:
    c.isFloat = true;
    for (double v : t.double_data())
      c.f.push_back(v);
    have = c.f.size();
    break;
  case TP::FLOAT16:
  case TP::BFLOAT16:
    c.isFloat = true;
    for (int32_t v : t.int32_data()) {
      APFloat ap(t.data_type() == TP::FLOAT16 ? APFloat::IEEEhalf()
                                              : APFloat::BFloat(),
                 APInt(16, (uint64_t)(uint16_t)v));
      c.f.push_back(ap.convertToFloat());
    }
    have = c.f.size();
    break;
  case TP::INT64:
    for (int64_t v : t.int64_data())
      c.i.push_back(v);
    have = c.i.size();
    break;
  case TP::UINT32:
  case TP::UINT64:
    for (uint64_t v : t.uint64_data())
      c.i.push_back((int64_t)v);
    have = c.i.size();
    break;
  default: // int8, uint8, int16, uint16, int32, bool live in int32_data
    for (int32_t v : t.int32_data())
      c.i.push_back(v);
    have = c.i.size();
    break;
  }
  if (have != n) {
    err() << "tensor '" << t.name() << "' has " << have
          << " values, expected " << n << " for shape " << shapeToString(shape);
    return failure();
  }
  return createConstant(c.write(type), type, t.name());
}

Value Importer::lookup(StringRef name) {
  auto it = values.find(name);
  if (it != values.end())
    return it->second;
  auto init = initializers.find(name);
  if (init == initializers.end())
    return {};
  // Initializers become constants at the top of the function on first use.
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(b.getInsertionBlock());
  auto v = tensorConstant(*init->second, [&] { return fileError(); });
  if (failed(v))
    return {};
  values[name] = *v;
  return *v;
}

//===----------------------------------------------------------------------===//
// Quantization helpers
//===----------------------------------------------------------------------===//

FailureOr<quant::QuantizedType>
Importer::quantParams(const NodeProto &n, Value scale, Value zeroPoint,
                      int64_t axisAttr, Value data, Type defaultStorage) {
  int64_t rank = data ? rtt(data).getRank() : 0;
  auto s = constOf(scale);
  if (!s || !s->isFloat)
    return nodeError(n) << "quantization scale must be a float constant";
  std::optional<ConstTensor> z;
  Type storage = defaultStorage ? defaultStorage
                                : IntegerType::get(ctx, 8, IntegerType::Unsigned);
  if (zeroPoint) {
    z = constOf(zeroPoint);
    if (!z || z->isFloat)
      return nodeError(n) << "quantization zero point must be an integer constant";
    storage = rtt(zeroPoint).getElementType();
  }
  auto it = dyn_cast<IntegerType>(storage);
  if (!it || (it.getWidth() != 8 && it.getWidth() != 16 && it.getWidth() != 32))
    return nodeError(n) << "unsupported quantized type " << storage
                        << " (int8, uint8, int16, uint16 and int32 are)";
  int64_t count = s->numElements();
  if (s->shape.size() > 1)
    return nodeError(n) << "quantization scale must be a scalar or a 1-D tensor";
  if (z && z->numElements() != count)
    return nodeError(n) << "scale has " << count << " entries but zero point has "
                        << z->numElements();
  SmallVector<double> scales(s->f.begin(), s->f.end());
  SmallVector<int64_t> zps = z ? SmallVector<int64_t>(z->i.begin(), z->i.end())
                               : SmallVector<int64_t>(count, 0);
  for (double sc : scales)
    if (!(sc > 0.0) || std::isinf(sc))
      return nodeError(n) << "quantization scale " << sc << " must be positive and finite";
  std::optional<int32_t> axis;
  if (!data && count > 1)
    return nodeError(n) << "this input must be quantized per tensor (one scale), got "
                        << count << " scales";
  if (s->shape.size() == 1 && count > 1) {
    auto a = normAxis(axisAttr, rank);
    if (!a)
      return nodeError(n) << "quantization axis " << axisAttr
                          << " out of range for rank " << rank;
    axis = *a;
    int64_t dim = rtt(data).getDimSize(*a);
    if (dim != kDyn && dim != count)
      return nodeError(n) << "per-axis quantization has " << count
                          << " scales but axis " << *a << " has size " << dim;
  }
  return makeQuantType(ctx, !it.isUnsigned(), it.getWidth(), scales, zps, axis,
                       Float32Type::get(ctx));
}

Value Importer::asPlain(Value v) {
  auto q = getQuantElementType(v.getType());
  if (!q)
    return v;
  return b.createOrFold<StorageCastOp>(
      v.getLoc(), withElementType(v.getType(), getStorageIntegerType(q)), v);
}

FailureOr<Value> Importer::asQuant(const NodeProto &n, Value v,
                                   quant::QuantizedType q) {
  Type want = withElementType(v.getType(), q);
  if (v.getType() == want)
    return v;
  Value plain = asPlain(v);
  auto it = dyn_cast<IntegerType>(rtt(plain).getElementType());
  if (!it || it.getWidth() != q.getStorageTypeIntegralWidth() ||
      it.isUnsigned() == q.isSigned())
    return nodeError(n) << "expects " << (q.isSigned() ? "signed " : "unsigned ")
                        << q.getStorageTypeIntegralWidth()
                        << "-bit integer data, got " << rtt(plain).getElementType();
  Attribute attr;
  if (matchPattern(plain, m_Constant(&attr)))
    return Value(ConstantOp::create(b, plain.getLoc(), want, cast<ElementsAttr>(attr)));
  return make<StorageCastOp>(n, want, plain);
}

FailureOr<Value> Importer::requireFloat(const NodeProto &n, Value v, StringRef what) {
  if (!isa<FloatType>(rtt(v).getElementType()))
    return nodeError(n) << what << " must be a float tensor, got "
                        << rtt(v).getElementType();
  return v;
}

FailureOr<Value> Importer::quantBias(const NodeProto &n, Value bias, Value x,
                                     Value w) {
  double xs = getQuantScales(x.getType())[0];
  SmallVector<double> ws = getQuantScales(w.getType());
  int64_t len = rtt(bias).getRank() == 1 ? rtt(bias).getDimSize(0) : -1;
  if (len < 0)
    return nodeError(n) << "bias must be a 1-D tensor";
  SmallVector<double> bs;
  for (double s : ws)
    bs.push_back((double)((float)xs * (float)s));
  auto q = ws.size() > 1
               ? makeQuantType(ctx, true, 32, bs, SmallVector<int64_t>(bs.size(), 0), 0)
               : makeQuantType(ctx, true, 32, bs, {0}, std::nullopt);
  auto it = dyn_cast<IntegerType>(rtt(bias).getElementType());
  if (!it || it.getWidth() != 32)
    return nodeError(n) << "quantized bias must be int32, got "
                        << rtt(bias).getElementType();
  return asQuant(n, bias, q);
}

//===----------------------------------------------------------------------===//
// Builders shared by float and quantized forms
//===----------------------------------------------------------------------===//

LogicalResult Importer::convAttrs(const NodeProto &n, ArrayRef<int64_t> xShape,
                                  ArrayRef<int64_t> kernel,
                                  SmallVector<int64_t> &strides,
                                  SmallVector<int64_t> &pads,
                                  SmallVector<int64_t> &dilations) {
  strides = attrInts(n, "strides").value_or(SmallVector<int64_t>{1, 1});
  dilations = attrInts(n, "dilations").value_or(SmallVector<int64_t>{1, 1});
  pads = attrInts(n, "pads").value_or(SmallVector<int64_t>{0, 0, 0, 0});
  if (auto ks = attrInts(n, "kernel_shape"); ks && ks->size() != 2)
    return nodeError(n) << "only 2-D windows are supported, kernel_shape has "
                        << ks->size() << " entries";
  if (strides.size() != 2 || dilations.size() != 2 || pads.size() != 4)
    return nodeError(n) << "only 2-D windows are supported (strides, dilations "
                           "and pads must have 2, 2 and 4 entries)";
  return autoPads(n, xShape.drop_front(2), kernel, strides, dilations, pads);
}

/// Applies the node's auto_pad to `pads` (all begins, then all ends) for
/// windows over the spatial dimensions `in`.
LogicalResult Importer::autoPads(const NodeProto &n, ArrayRef<int64_t> in,
                                 ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                                 ArrayRef<int64_t> dilations, SmallVector<int64_t> &pads) {
  std::string autoPad = attrString(n, "auto_pad", "NOTSET");
  if (autoPad == "NOTSET")
    return success();
  size_t r = in.size();
  if (autoPad == "VALID") {
    pads.assign(2 * r, 0);
    return success();
  }
  if (autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER")
    return nodeError(n) << "unsupported attribute value auto_pad=\"" << autoPad << "\"";
  pads.assign(2 * r, 0);
  for (size_t i = 0; i < r; ++i) {
    if (strides[i] < 1 || dilations[i] < 1 || (kernel[i] != kDyn && kernel[i] < 1))
      return nodeError(n) << "strides, dilations and kernel sizes must be positive, got "
                          << strides[i] << ", " << dilations[i] << " and " << kernel[i];
    if (in[i] == kDyn || kernel[i] == kDyn)
      return nodeError(n) << "auto_pad=" << autoPad
                          << " needs static spatial dimensions (use --input-shape)";
    int64_t out = (in[i] + strides[i] - 1) / strides[i];
    int64_t eff = dilations[i] * (kernel[i] - 1) + 1;
    int64_t total = std::max<int64_t>(0, (out - 1) * strides[i] + eff - in[i]);
    int64_t small = total / 2, big = total - small;
    pads[i] = autoPad == "SAME_UPPER" ? small : big;
    pads[r + i] = autoPad == "SAME_UPPER" ? big : small;
  }
  return success();
}

/// A weight [F, C, K] as [F, C, 1, K]: constants (float, quantized, or behind
/// a dequantize) are rebuilt with the new shape, keeping a per-axis
/// quantization on axis 0; other values are reshaped.
FailureOr<Value> Importer::unitHeightWeight(const NodeProto &n, Value w) {
  auto s = rtt(w).getShape();
  SmallVector<int64_t> to = {s[0], s[1], 1, s[2]};
  auto reshapeConst = [&](Value c, Type type) -> FailureOr<Value> {
    Attribute attr;
    if (!matchPattern(c, m_Constant(&attr)))
      return failure();
    auto ct = ConstTensor::read(attr);
    if (!ct)
      return failure();
    ct->shape.assign(to.begin(), to.end());
    auto storage = RankedTensorType::get(to, rtt(c).getElementType());
    if (auto q = getQuantElementType(type))
      return Value(ConstantOp::create(b, c.getLoc(), RankedTensorType::get(to, q),
                                      ct->write(storage.clone(getStorageIntegerType(q)))));
    return Value(arith::ConstantOp::create(b, c.getLoc(), storage,
                                           cast<TypedAttr>(ct->write(storage))));
  };
  if (auto dq = w.getDefiningOp<DequantizeOp>())
    if (dq.getInput().getDefiningOp<ConstantOp>()) {
      auto c = reshapeConst(dq.getInput(), dq.getInput().getType());
      if (succeeded(c))
        return make<DequantizeOp>(n, rtt(w).clone(to), *c);
    }
  if (succeeded(reshapeConst(w, w.getType())))
    return reshapeConst(w, w.getType());
  return buildReshape(n, w, to, false);
}

/// 1-D convolution (Conv1d) as a 2-D one over [N, C, 1, L].
FailureOr<Value> Importer::buildConv1D(const NodeProto &n, Value x, Value w, Value bias,
                                       Type resultElem) {
  auto xs = rtt(x).getShape(), wsh = rtt(w).getShape();
  auto one = [&](StringRef name, int64_t def, size_t count) -> FailureOr<SmallVector<int64_t>> {
    auto v = attrInts(n, name).value_or(SmallVector<int64_t>(count, def));
    if (v.size() != count)
      return nodeError(n) << "a 1-D convolution's " << name << " must have " << count
                          << " entries, got " << v.size();
    return v;
  };
  auto st = one("strides", 1, 1), dl = one("dilations", 1, 1), pd = one("pads", 0, 2);
  if (failed(st) || failed(dl) || failed(pd))
    return failure();
  if (auto ks = attrInts(n, "kernel_shape"); ks && (ks->size() != 1 || (*ks)[0] != wsh[2]))
    return nodeError(n) << "kernel_shape does not match the weight's length " << wsh[2];
  SmallVector<int64_t> pads = *pd;
  if (failed(autoPads(n, xs.drop_front(2), wsh.drop_front(2), *st, *dl, pads)))
    return failure();
  auto x4 = buildReshape(n, x, {xs[0], xs[1], 1, xs[2]}, false);
  auto w4 = unitHeightWeight(n, w);
  if (failed(x4) || failed(w4))
    return failure();
  SmallVector<int64_t> strides = {1, (*st)[0]}, dil = {1, (*dl)[0]},
                       pads2 = {0, pads[0], 0, pads[1]};
  int64_t group = attrInt(n, "group", 1);
  std::string why;
  auto shape = inferConv2DShape(rtt(*x4).getShape(), rtt(*w4).getShape(), strides, pads2, dil,
                                group, why);
  if (failed(shape))
    return nodeError(n) << why;
  auto c = make<Conv2DOp>(n, RankedTensorType::get(*shape, resultElem), *x4, *w4, bias,
                          b.getDenseI64ArrayAttr(strides), b.getDenseI64ArrayAttr(pads2),
                          b.getDenseI64ArrayAttr(dil), b.getI64IntegerAttr(group),
                          b.getStringAttr("none"), FloatAttr(), FloatAttr());
  if (failed(c))
    return failure();
  return buildReshape(n, *c, {(*shape)[0], (*shape)[1], (*shape)[3]}, false);
}

FailureOr<Value> Importer::buildConv(const NodeProto &n, Value x, Value w,
                                     Value bias, Type resultElem) {
  auto xs = rtt(x).getShape(), wsh = rtt(w).getShape();
  if (rtt(x).getRank() == 3 && rtt(w).getRank() == 3)
    return buildConv1D(n, x, w, bias, resultElem);
  if (rtt(x).getRank() != 4 || rtt(w).getRank() != 4)
    return nodeError(n) << "only 1-D and 2-D convolutions are supported (input rank "
                        << rtt(x).getRank() << ", weight rank " << rtt(w).getRank() << ")";
  SmallVector<int64_t> strides, pads, dilations;
  if (failed(convAttrs(n, xs, wsh.drop_front(2), strides, pads, dilations)))
    return failure();
  int64_t group = attrInt(n, "group", 1);
  std::string why;
  auto shape = inferConv2DShape(xs, wsh, strides, pads, dilations, group, why);
  if (failed(shape))
    return nodeError(n) << why;
  return make<Conv2DOp>(n, RankedTensorType::get(*shape, resultElem), x, w, bias,
                        b.getDenseI64ArrayAttr(strides), b.getDenseI64ArrayAttr(pads),
                        b.getDenseI64ArrayAttr(dilations), b.getI64IntegerAttr(group),
                        b.getStringAttr("none"), FloatAttr(), FloatAttr());
}

FailureOr<Value> Importer::buildMatMul(const NodeProto &n, Value a, Value bb,
                                       Type resultElem) {
  std::string why;
  auto shape = inferMatMulShape(rtt(a).getShape(), rtt(bb).getShape(), why);
  if (failed(shape))
    return nodeError(n) << why;
  return make<MatMulOp>(n, RankedTensorType::get(*shape, resultElem), a, bb, Value());
}

FailureOr<Value> Importer::buildGemm(const NodeProto &n, Value a, Value bb,
                                     Value c, Type resultElem) {
  bool ta = attrInt(n, "transA", 0), tb = attrInt(n, "transB", 0);
  std::string why;
  auto shape = inferGemmShape(rtt(a).getShape(), rtt(bb).getShape(), ta, tb, why);
  if (failed(shape))
    return nodeError(n) << why;
  return make<GemmOp>(n, RankedTensorType::get(*shape, resultElem), a, bb, c,
                      b.getBoolAttr(ta), b.getBoolAttr(tb),
                      b.getF32FloatAttr(attrFloat(n, "alpha", 1.0f)),
                      b.getF32FloatAttr(attrFloat(n, "beta", 1.0f)),
                      b.getStringAttr("none"), FloatAttr(), FloatAttr());
}

FailureOr<Value> Importer::buildBinary(const NodeProto &n, StringRef kind,
                                       Value l, Value r, Type resultElem) {
  std::string why;
  auto shape = inferBroadcastShape(rtt(l).getShape(), rtt(r).getShape(), why);
  if (failed(shape))
    return nodeError(n) << why;
  auto t = RankedTensorType::get(*shape, resultElem);
  if (kind == "Add")
    return make<AddOp>(n, t, l, r);
  if (kind == "Sub")
    return make<SubOp>(n, t, l, r);
  if (kind == "Mul")
    return make<MulOp>(n, t, l, r);
  if (kind == "Div")
    return make<DivOp>(n, t, l, r);
  if (kind == "Max")
    return make<MaxOp>(n, t, l, r);
  if (kind == "Min")
    return make<MinOp>(n, t, l, r);
  if (kind == "PRelu")
    return make<PReluOp>(n, t, l, r);
  if (kind == "And")
    return make<AndOp>(n, t, l, r);
  if (kind == "Or")
    return make<OrOp>(n, t, l, r);
  if (kind == "Xor")
    return make<XorOp>(n, t, l, r);
  return make<PowOp>(n, t, l, r);
}

FailureOr<Value> Importer::buildReshape(const NodeProto &n, Value x,
                                        ArrayRef<int64_t> target, bool allowZero) {
  std::string why;
  auto shape = inferReshapeShape(rtt(x).getShape(), target, allowZero, why);
  if (failed(shape))
    return nodeError(n) << why;
  // A result with several unknown dims needs the target at run time.
  Value shapeOperand;
  if (llvm::count(*shape, kDyn) > 1) {
    ConstTensor c;
    c.shape = {(int64_t)target.size()};
    c.i.assign(target.begin(), target.end());
    auto t = RankedTensorType::get(c.shape, b.getI64Type());
    shapeOperand = arith::ConstantOp::create(b, nodeLoc(n), t, cast<TypedAttr>(c.write(t)));
  }
  return make<ReshapeOp>(n, rtt(x).clone(*shape), x, shapeOperand);
}

//===----------------------------------------------------------------------===//
// Float op handlers
//===----------------------------------------------------------------------===//

LogicalResult Importer::onConv(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  auto x = requireFloat(n, input(n, 0), "input");
  if (failed(x))
    return failure();
  return defineResult(n, buildConv(n, *x, input(n, 1), input(n, 2), rtt(*x).getElementType()));
}

LogicalResult Importer::onMatMul(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  auto a = requireFloat(n, input(n, 0), "A");
  if (failed(a))
    return failure();
  // 1-D operands (numpy rules): a vector lhs is a [1, K] row, a vector rhs
  // a [K, 1] column, and the added dimension leaves the result.
  Value lhs = *a, rhs = input(n, 1);
  bool vecL = rtt(lhs).getRank() == 1, vecR = rtt(rhs).getRank() == 1;
  if (vecL || vecR) {
    if (!rtt(lhs).hasStaticShape() || !rtt(rhs).hasStaticShape())
      return nodeError(n) << "vector operands need static shapes";
    auto l2 = vecL ? buildReshape(n, lhs, {1, rtt(lhs).getDimSize(0)}, false)
                   : FailureOr<Value>(lhs);
    auto r2 = vecR ? buildReshape(n, rhs, {rtt(rhs).getDimSize(0), 1}, false)
                   : FailureOr<Value>(rhs);
    if (failed(l2) || failed(r2))
      return failure();
    lhs = *l2;
    rhs = *r2;
  }
  auto v = buildMatMul(n, lhs, rhs, rtt(lhs).getElementType());
  if (failed(v))
    return failure();
  if (vecL || vecR) {
    SmallVector<int64_t> shape(rtt(*v).getShape());
    size_t rows = shape.size() - 2; // the [.., M, N] result's M
    if (vecR)
      shape.pop_back();
    if (vecL)
      shape.erase(shape.begin() + rows);
    v = buildReshape(n, *v, shape, false);
    if (failed(v))
      return failure();
  }
  define(n, 0, *v);
  return success();
}

LogicalResult Importer::onGemm(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  auto a = requireFloat(n, input(n, 0), "A");
  if (failed(a))
    return failure();
  return defineResult(n, buildGemm(n, *a, input(n, 1), input(n, 2), rtt(*a).getElementType()));
}

LogicalResult Importer::onBinary(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  Value l = asPlain(input(n, 0)), r = asPlain(input(n, 1));
  Type le = rtt(l).getElementType(), re = rtt(r).getElementType();
  if (le != re) {
    // Pow allows another exponent type; constants of other types are cast.
    if (n.op_type() == "Pow" || matchPattern(r, m_Constant())) {
      r = b.createOrFold<CastOp>(nodeLoc(n), rtt(r).clone(le), r);
    } else {
      return nodeError(n) << "operand element types differ: " << le << " and " << re;
    }
  }
  return defineResult(n, buildBinary(n, n.op_type(), l, r, le));
}

LogicalResult Importer::onUnary(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  auto x = requireFloat(n, asPlain(input(n, 0)), "input");
  if (failed(x))
    return failure();
  Type t = x->getType();
  StringRef k = n.op_type();
  FailureOr<Value> v;
  if (k == "Sigmoid")
    v = make<SigmoidOp>(n, t, *x);
  else if (k == "Tanh")
    v = make<TanhOp>(n, t, *x);
  else if (k == "Erf")
    v = make<ErfOp>(n, t, *x);
  else if (k == "Sqrt")
    v = make<SqrtOp>(n, t, *x);
  else if (k == "Exp")
    v = make<ExpOp>(n, t, *x);
  else if (k == "Neg")
    v = make<NegOp>(n, t, *x);
  else if (k == "Reciprocal")
    v = make<ReciprocalOp>(n, t, *x);
  else if (k == "HardSwish")
    v = make<HardSwishOp>(n, t, *x);
  else if (k == "Abs")
    v = make<AbsOp>(n, t, *x);
  else if (k == "Log")
    v = make<LogOp>(n, t, *x);
  else if (k == "Floor")
    v = make<FloorOp>(n, t, *x);
  else if (k == "Ceil")
    v = make<CeilOp>(n, t, *x);
  else if (k == "Round")
    v = make<RoundOp>(n, t, *x);
  else if (k == "Softplus")
    v = make<SoftplusOp>(n, t, *x);
  else if (k == "Softsign")
    v = make<SoftsignOp>(n, t, *x);
  else if (k == "Mish")
    v = make<MishOp>(n, t, *x);
  else if (k == "Sin")
    v = make<SinOp>(n, t, *x);
  else if (k == "Cos")
    v = make<CosOp>(n, t, *x);
  else if (k == "Tan")
    v = make<TanOp>(n, t, *x);
  else if (k == "Asin")
    v = make<AsinOp>(n, t, *x);
  else if (k == "Acos")
    v = make<AcosOp>(n, t, *x);
  else if (k == "Atan")
    v = make<AtanOp>(n, t, *x);
  else if (k == "Sinh")
    v = make<SinhOp>(n, t, *x);
  else if (k == "Cosh")
    v = make<CoshOp>(n, t, *x);
  else if (k == "Asinh")
    v = make<AsinhOp>(n, t, *x);
  else if (k == "Acosh")
    v = make<AcoshOp>(n, t, *x);
  else if (k == "Atanh")
    v = make<AtanhOp>(n, t, *x);
  else if (k == "Sign")
    v = make<SignOp>(n, t, *x);
  else {
    if (attrString(n, "approximate", "none") != "none")
      return nodeError(n) << "unsupported attribute value approximate=\""
                          << attrString(n, "approximate", "") << "\"";
    v = make<GeluOp>(n, t, *x);
  }
  if (failed(v))
    return failure();
  define(n, 0, *v);
  return success();
}

LogicalResult Importer::onRelu(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  auto x = requireFloat(n, asPlain(input(n, 0)), "input");
  if (failed(x))
    return failure();
  return defineResult(n, make<ClampOp>(n, x->getType(), *x, b.getF32FloatAttr(0.0f), FloatAttr()));
}

LogicalResult Importer::onClip(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  auto x = requireFloat(n, asPlain(input(n, 0)), "input");
  if (failed(x))
    return failure();
  FloatAttr lo, hi;
  if (opset < 11) {
    if (attr(n, "min"))
      lo = b.getF32FloatAttr(attrFloat(n, "min", 0));
    if (attr(n, "max"))
      hi = b.getF32FloatAttr(attrFloat(n, "max", 0));
  } else {
    for (int k : {1, 2}) {
      Value bound = input(n, k);
      if (!bound)
        continue;
      auto c = constOf(bound);
      if (!c || c->numElements() != 1)
        return nodeError(n) << "clip bounds must be scalar constants";
      (k == 1 ? lo : hi) = b.getF32FloatAttr((float)c->asDouble(0));
    }
  }
  return defineResult(n, make<ClampOp>(n, x->getType(), *x, lo, hi));
}

LogicalResult Importer::onSoftmax(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  auto x = requireFloat(n, asPlain(input(n, 0)), "input");
  if (failed(x))
    return failure();
  int64_t rank = rtt(*x).getRank();
  auto axis = normAxis(attrInt(n, "axis", opset < 13 ? 1 : -1), rank);
  if (!axis)
    return nodeError(n) << "axis out of range for rank " << rank;
  if (opset < 13 && *axis != rank - 1)
    return nodeError(n) << n.op_type() << " before opset 13 flattens from axis " << *axis
                        << "; only the last axis is supported";
  return defineResult(n, make<SoftmaxOp>(n, x->getType(), *x, b.getI64IntegerAttr(*axis),
                           b.getBoolAttr(n.op_type() == "LogSoftmax")));
}

LogicalResult Importer::onLayerNorm(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  for (int k = 1; k < n.output_size(); ++k)
    if (!n.output(k).empty())
      return nodeError(n) << "only the first output (Y) is supported";
  auto x = requireFloat(n, input(n, 0), "input");
  if (failed(x))
    return failure();
  auto axis = normAxis(attrInt(n, "axis", -1), rtt(*x).getRank());
  if (!axis)
    return nodeError(n) << "axis out of range";
  return defineResult(n, make<LayerNormOp>(n, x->getType(), *x, input(n, 1), input(n, 2),
                             b.getI64IntegerAttr(*axis),
                             b.getF32FloatAttr(attrFloat(n, "epsilon", 1e-5f))));
}

LogicalResult Importer::onBatchNorm(const NodeProto &n) {
  if (failed(need(n, {0, 1, 2, 3, 4})))
    return failure();
  if (attrInt(n, "training_mode", 0) != 0)
    return nodeError(n) << "unsupported attribute value training_mode=1";
  for (int k = 1; k < n.output_size(); ++k)
    if (!n.output(k).empty())
      return nodeError(n) << "only the first output (Y) is supported";
  auto x = requireFloat(n, input(n, 0), "input");
  if (failed(x))
    return failure();
  return defineResult(n, make<BatchNormOp>(n, x->getType(), *x, input(n, 1), input(n, 2),
                             input(n, 3), input(n, 4),
                             b.getF32FloatAttr(attrFloat(n, "epsilon", 1e-5f))));
}

LogicalResult Importer::onReduce(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  Value x = asPlain(input(n, 0));
  int64_t rank = rtt(x).getRank();
  SmallVector<int64_t> axes;
  if (auto a = attrInts(n, "axes")) {
    axes = *a;
  } else if (Value av = input(n, 1)) {
    auto c = constOf(av);
    if (!c || c->isFloat)
      return nodeError(n) << "reduction axes must be an integer constant";
    axes.assign(c->i.begin(), c->i.end());
  }
  if (axes.empty()) {
    if (attrInt(n, "noop_with_empty_axes", 0)) {
      define(n, 0, x);
      return success();
    }
    for (int64_t k = 0; k < rank; ++k)
      axes.push_back(k);
  }
  for (int64_t &a : axes) {
    auto na = normAxis(a, rank);
    if (!na)
      return nodeError(n) << "reduction axis " << a << " out of range for rank " << rank;
    a = *na;
  }
  llvm::sort(axes);
  axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
  bool keep = attrInt(n, "keepdims", 1);
  std::string why;
  auto shape = inferReduceShape(rtt(x).getShape(), axes, keep, why);
  if (failed(shape))
    return nodeError(n) << why;
  auto t = rtt(x).clone(*shape);
  FailureOr<Value> v;
  StringRef k = n.op_type();
  if (k == "ReduceL1" || k == "ReduceL2" || k == "ReduceSumSquare" || k == "ReduceLogSum" ||
      k == "ReduceLogSumExp") {
    // Composed from elementwise ops and a sum, kept dimensions until the end.
    auto fx = requireFloat(n, x, "input");
    if (failed(fx))
      return failure();
    Type el = rtt(x).getElementType();
    auto keptT = rtt(x).clone(*inferReduceShape(rtt(x).getShape(), axes, true, why));
    auto ax = b.getDenseI64ArrayAttr(axes);
    Value mx;
    if (k == "ReduceL1")
      v = make<AbsOp>(n, x.getType(), x);
    else if (k == "ReduceL2" || k == "ReduceSumSquare")
      v = buildBinary(n, "Mul", x, x, el);
    else if (k == "ReduceLogSumExp") {
      auto m = make<ReduceMaxOp>(n, keptT, x, ax, b.getBoolAttr(true));
      if (failed(m))
        return failure();
      mx = *m;
      auto d = buildBinary(n, "Sub", x, mx, el);
      if (failed(d))
        return failure();
      v = make<ExpOp>(n, x.getType(), *d);
    } else
      v = x;
    if (failed(v))
      return failure();
    v = make<ReduceSumOp>(n, keptT, *v, ax, b.getBoolAttr(true));
    if (failed(v))
      return failure();
    if (k == "ReduceL2")
      v = make<SqrtOp>(n, keptT, *v);
    else if (k == "ReduceLogSum" || k == "ReduceLogSumExp")
      v = make<LogOp>(n, keptT, *v);
    if (succeeded(v) && mx)
      v = buildBinary(n, "Add", *v, mx, el);
    if (succeeded(v) && !keep)
      v = buildReshape(n, *v, *shape, false);
    if (failed(v))
      return failure();
    define(n, 0, *v);
    return success();
  }
  if (k == "ReduceProd")
    v = make<ReduceProdOp>(n, t, x, b.getDenseI64ArrayAttr(axes), b.getBoolAttr(keep));
  else if (n.op_type() == "ReduceMean")
    v = make<ReduceMeanOp>(n, t, x, b.getDenseI64ArrayAttr(axes), b.getBoolAttr(keep));
  else if (n.op_type() == "ReduceSum")
    v = make<ReduceSumOp>(n, t, x, b.getDenseI64ArrayAttr(axes), b.getBoolAttr(keep));
  else if (n.op_type() == "ReduceMin")
    v = make<ReduceMinOp>(n, t, x, b.getDenseI64ArrayAttr(axes), b.getBoolAttr(keep));
  else
    v = make<ReduceMaxOp>(n, t, x, b.getDenseI64ArrayAttr(axes), b.getBoolAttr(keep));
  if (failed(v))
    return failure();
  define(n, 0, *v);
  return success();
}

/// 1-D MaxPool and AveragePool as 2-D pools over [N, C, 1, L].
LogicalResult Importer::pool1D(const NodeProto &n, Value x) {
  auto xs = rtt(x).getShape();
  auto kernel = attrInts(n, "kernel_shape");
  if (!kernel || kernel->size() != 1)
    return nodeError(n) << "kernel_shape must have 1 entry for a 1-D pool";
  auto st = attrInts(n, "strides").value_or(SmallVector<int64_t>{1});
  auto dl = attrInts(n, "dilations").value_or(SmallVector<int64_t>{1});
  auto pd = attrInts(n, "pads").value_or(SmallVector<int64_t>{0, 0});
  if (st.size() != 1 || dl.size() != 1 || pd.size() != 2)
    return nodeError(n) << "a 1-D pool needs 1 stride, 1 dilation and 2 pads";
  if (failed(autoPads(n, xs.drop_front(2), *kernel, st, dl, pd)))
    return failure();
  bool isMax = n.op_type() == "MaxPool";
  if (!isMax && dl[0] != 1)
    return nodeError(n) << "unsupported attribute value: dilated average pooling";
  if (!isMax && isQuantTensor(x.getType()))
    x = asPlain(x);
  auto x4 = buildReshape(n, x, {xs[0], xs[1], 1, xs[2]}, false);
  if (failed(x4))
    return failure();
  SmallVector<int64_t> k2 = {1, (*kernel)[0]}, s2 = {1, st[0]}, d2 = {1, dl[0]},
                       p2 = {0, pd[0], 0, pd[1]};
  bool ceil = attrInt(n, "ceil_mode", 0);
  std::string why;
  auto shape = inferPool2DShape(rtt(*x4).getShape(), k2, s2, p2, d2, ceil, why);
  if (failed(shape))
    return nodeError(n) << why;
  auto t = rtt(*x4).clone(*shape);
  FailureOr<Value> v;
  if (isMax)
    v = make<MaxPool2DOp>(n, t, *x4, b.getDenseI64ArrayAttr(k2), b.getDenseI64ArrayAttr(s2),
                          b.getDenseI64ArrayAttr(p2), b.getDenseI64ArrayAttr(d2),
                          b.getBoolAttr(ceil));
  else
    v = make<AvgPool2DOp>(n, t, *x4, b.getDenseI64ArrayAttr(k2), b.getDenseI64ArrayAttr(s2),
                          b.getDenseI64ArrayAttr(p2), b.getBoolAttr(ceil),
                          b.getBoolAttr(attrInt(n, "count_include_pad", 0)));
  if (failed(v))
    return failure();
  auto r = buildReshape(n, *v, {(*shape)[0], (*shape)[1], (*shape)[3]}, false);
  if (failed(r))
    return failure();
  define(n, 0, *r);
  return success();
}

LogicalResult Importer::onPool(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  if (n.output_size() > 1 && !n.output(1).empty())
    return nodeError(n) << "the Indices output is not supported";
  Value x = input(n, 0);
  if (rtt(x).getRank() == 3)
    return pool1D(n, x);
  if (rtt(x).getRank() != 4)
    return nodeError(n) << "only 1-D and 2-D pooling is supported (input rank "
                        << rtt(x).getRank() << ")";
  auto kernel = attrInts(n, "kernel_shape");
  if (!kernel || kernel->size() != 2)
    return nodeError(n) << "kernel_shape must have 2 entries";
  if (attrInt(n, "storage_order", 0) != 0)
    return nodeError(n) << "unsupported attribute value storage_order="
                        << attrInt(n, "storage_order", 0);
  SmallVector<int64_t> strides, pads, dilations;
  if (failed(convAttrs(n, rtt(x).getShape(), *kernel, strides, pads, dilations)))
    return failure();
  bool ceil = attrInt(n, "ceil_mode", 0);
  bool isMax = n.op_type() == "MaxPool";
  if (!isMax && (dilations[0] != 1 || dilations[1] != 1))
    return nodeError(n) << "unsupported attribute value: dilated average pooling";
  if (!isMax && isQuantTensor(x.getType()))
    x = asPlain(x);
  std::string why;
  auto shape = inferPool2DShape(rtt(x).getShape(), *kernel, strides, pads,
                                dilations, ceil, why);
  if (failed(shape))
    return nodeError(n) << why;
  auto t = rtt(x).clone(*shape);
  FailureOr<Value> v;
  if (isMax)
    v = make<MaxPool2DOp>(n, t, x, b.getDenseI64ArrayAttr(*kernel),
                          b.getDenseI64ArrayAttr(strides), b.getDenseI64ArrayAttr(pads),
                          b.getDenseI64ArrayAttr(dilations), b.getBoolAttr(ceil));
  else
    v = make<AvgPool2DOp>(n, t, x, b.getDenseI64ArrayAttr(*kernel),
                          b.getDenseI64ArrayAttr(strides), b.getDenseI64ArrayAttr(pads),
                          b.getBoolAttr(ceil),
                          b.getBoolAttr(attrInt(n, "count_include_pad", 0)));
  if (failed(v))
    return failure();
  define(n, 0, *v);
  return success();
}

LogicalResult Importer::onGlobalAvgPool(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  auto x = requireFloat(n, asPlain(input(n, 0)), "input");
  if (failed(x))
    return failure();
  int64_t rank = rtt(*x).getRank();
  if (rank != 3 && rank != 4)
    return nodeError(n) << "only 1-D and 2-D pooling is supported (input rank " << rank << ")";
  auto s = rtt(*x).getShape();
  Value in = *x;
  if (rank == 3) {
    auto r = buildReshape(n, in, {s[0], s[1], 1, s[2]}, false);
    if (failed(r))
      return failure();
    in = *r;
  }
  auto v = make<GlobalAvgPool2DOp>(n, rtt(in).clone({s[0], s[1], 1, 1}), in);
  if (succeeded(v) && rank == 3)
    v = buildReshape(n, *v, {s[0], s[1], 1}, false);
  if (failed(v))
    return failure();
  define(n, 0, *v);
  return success();
}

LogicalResult Importer::onFlatten(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  Value x = input(n, 0);
  int64_t rank = rtt(x).getRank();
  int64_t axisAttr = attrInt(n, "axis", 1);
  auto axis = axisAttr == rank ? std::optional<int64_t>(rank) : normAxis(axisAttr, rank);
  if (!axis)
    return nodeError(n) << "axis " << axisAttr << " out of range for rank " << rank;
  auto prod = [&](int64_t lo, int64_t hi) {
    int64_t p = 1;
    for (int64_t k = lo; k < hi; ++k) {
      if (rtt(x).isDynamicDim(k))
        return kDyn;
      p *= rtt(x).getDimSize(k);
    }
    return p;
  };
  SmallVector<int64_t> target = {prod(0, *axis), prod(*axis, rank)};
  for (int64_t &d : target)
    if (d == kDyn)
      d = -1;
  if (llvm::count(target, -1) > 1)
    return nodeError(n) << "cannot flatten with unknown dimensions on both sides of the axis";
  return defineResult(n, buildReshape(n, x, target, false));
}

LogicalResult Importer::onReshape(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  Value x = input(n, 0), s = input(n, 1);
  bool allowZero = attrInt(n, "allowzero", 0);
  if (auto c = constOf(s)) {
    if (c->isFloat || c->shape.size() != 1)
      return nodeError(n) << "shape must be a 1-D integer tensor";
    auto v = buildReshape(n, x, c->i, allowZero);
    if (failed(v))
      return failure();
    define(n, 0, *v);
    return success();
  }
  auto st = rtt(s);
  if (st.getRank() != 1 || st.isDynamicDim(0))
    return nodeError(n) << "a non-constant shape must be a 1-D tensor of known length";
  SmallVector<int64_t> dims(st.getDimSize(0), kDyn);
  return defineResult(n, make<ReshapeOp>(n, rtt(x).clone(dims), x, s));
}

LogicalResult Importer::onSqueeze(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  Value x = input(n, 0);
  auto shape = rtt(x).getShape();
  int64_t rank = shape.size();
  bool unsq = n.op_type() == "Unsqueeze";
  SmallVector<int64_t> axes;
  if (auto a = attrInts(n, "axes")) {
    axes = *a;
  } else if (Value av = input(n, 1)) {
    auto c = constOf(av);
    if (!c || c->isFloat)
      return nodeError(n) << "axes must be an integer constant";
    axes.assign(c->i.begin(), c->i.end());
  }
  SmallVector<int64_t> target;
  if (unsq) {
    int64_t outRank = rank + axes.size();
    SmallVector<bool> inserted(outRank, false);
    for (int64_t a : axes) {
      auto na = normAxis(a, outRank);
      if (!na || inserted[*na])
        return nodeError(n) << "axis " << a << " is invalid for output rank " << outRank;
      inserted[*na] = true;
    }
    int64_t k = 0;
    for (int64_t d = 0; d < outRank; ++d)
      target.push_back(inserted[d] ? 1 : shape[k++]);
  } else {
    SmallVector<bool> drop(rank, false);
    if (axes.empty()) {
      for (int64_t d = 0; d < rank; ++d) {
        if (shape[d] == kDyn)
          return nodeError(n) << "squeeze without axes needs static dimensions";
        drop[d] = shape[d] == 1;
      }
    }
    for (int64_t a : axes) {
      auto na = normAxis(a, rank);
      if (!na)
        return nodeError(n) << "axis " << a << " out of range for rank " << rank;
      if (shape[*na] != 1 && shape[*na] != kDyn)
        return nodeError(n) << "cannot squeeze dimension " << *na << " of size "
                            << shape[*na];
      drop[*na] = true;
    }
    for (int64_t d = 0; d < rank; ++d)
      if (!drop[d])
        target.push_back(shape[d]);
  }
  return defineResult(n, make<ReshapeOp>(n, rtt(x).clone(target), x, Value()));
}

LogicalResult Importer::onTranspose(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  Value x = input(n, 0);
  int64_t rank = rtt(x).getRank();
  SmallVector<int64_t> perm;
  if (auto p = attrInts(n, "perm"))
    perm = *p;
  else
    for (int64_t k = rank - 1; k >= 0; --k)
      perm.push_back(k);
  std::string why;
  auto shape = inferTransposeShape(rtt(x).getShape(), perm, why);
  if (failed(shape))
    return nodeError(n) << why;
  return defineResult(
      n, make<TransposeOp>(n, rtt(x).clone(*shape), x, b.getDenseI64ArrayAttr(perm)));
}

/// Concat of `ins` along the node's axis attribute, defined as its output.
LogicalResult Importer::defineConcat(const NodeProto &n, ArrayRef<Value> ins) {
  SmallVector<Shape> shapes;
  for (Value v : ins)
    shapes.push_back(Shape(rtt(v).getShape()));
  auto axis = normAxis(attrInt(n, "axis", 0), shapes[0].size());
  if (!axis)
    return nodeError(n) << "axis out of range";
  std::string why;
  auto shape = inferConcatShape(shapes, *axis, why);
  if (failed(shape))
    return nodeError(n) << why;
  return defineResult(
      n, make<ConcatOp>(n, rtt(ins[0]).clone(*shape), ins, b.getI64IntegerAttr(*axis)));
}

LogicalResult Importer::onConcat(const NodeProto &n) {
  SmallVector<Value> ins;
  for (int k = 0; k < n.input_size(); ++k) {
    Value v = input(n, k);
    if (!v)
      continue;
    ins.push_back(v);
  }
  if (ins.empty())
    return nodeError(n) << "needs at least one input";
  Type el = rtt(ins[0]).getElementType();
  for (Value &v : ins) {
    if (rtt(v).getElementType() != el) {
      v = asPlain(v);
      if (rtt(v).getElementType() != rtt(asPlain(ins[0])).getElementType())
        return nodeError(n) << "inputs have different element types";
    }
  }
  if (llvm::any_of(ins, [&](Value v) { return rtt(v).getElementType() != el; }))
    for (Value &v : ins)
      v = asPlain(v);
  return defineConcat(n, ins);
}

LogicalResult Importer::onSplit(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  Value x = input(n, 0);
  int64_t rank = rtt(x).getRank();
  auto axis = normAxis(attrInt(n, "axis", 0), rank);
  if (!axis)
    return nodeError(n) << "axis out of range";
  int64_t dim = rtt(x).getDimSize(*axis);
  SmallVector<int64_t> sizes;
  if (auto s = attrInts(n, "split")) {
    sizes = *s;
  } else if (Value sv = input(n, 1)) {
    auto c = constOf(sv);
    if (!c || c->isFloat)
      return nodeError(n) << "split sizes must be an integer constant";
    sizes.assign(c->i.begin(), c->i.end());
  } else {
    int64_t parts = attrInt(n, "num_outputs", n.output_size());
    if (parts != n.output_size() || parts < 1)
      return nodeError(n) << "num_outputs " << parts << " differs from the node's "
                          << n.output_size() << " outputs";
    if (dim == kDyn)
      return nodeError(n) << "an even split needs a static dimension";
    int64_t chunk = (dim + parts - 1) / parts;
    for (int64_t k = 0; k < parts; ++k)
      sizes.push_back(std::min(chunk, dim - k * chunk));
  }
  if ((int64_t)sizes.size() != n.output_size())
    return nodeError(n) << "has " << n.output_size() << " outputs but "
                        << sizes.size() << " split sizes";
  int64_t start = 0;
  for (int64_t k = 0; k < (int64_t)sizes.size(); ++k) {
    SmallVector<int64_t> shape(rtt(x).getShape());
    shape[*axis] = sizes[k];
    auto v = make<SliceOp>(n, rtt(x).clone(shape), x, b.getDenseI64ArrayAttr({start}),
                           b.getDenseI64ArrayAttr({start + sizes[k]}),
                           b.getDenseI64ArrayAttr({*axis}), b.getDenseI64ArrayAttr({1}));
    if (failed(v))
      return failure();
    define(n, k, *v);
    start += sizes[k];
  }
  if (dim != kDyn && start != dim)
    return nodeError(n) << "split sizes add up to " << start << ", not " << dim;
  return success();
}

LogicalResult Importer::onSlice(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  Value x = input(n, 0);
  int64_t rank = rtt(x).getRank();
  SmallVector<int64_t> starts, ends, axes, steps;
  if (opset < 10) {
    starts = attrInts(n, "starts").value_or(SmallVector<int64_t>{});
    ends = attrInts(n, "ends").value_or(SmallVector<int64_t>{});
    axes = attrInts(n, "axes").value_or(SmallVector<int64_t>{});
  } else {
    auto get = [&](int k, SmallVector<int64_t> &out) -> LogicalResult {
      Value v = input(n, k);
      if (!v)
        return success();
      auto c = constOf(v);
      if (!c || c->isFloat)
        return nodeError(n) << "slice input #" << k
                            << " must be an integer constant (dynamic slices are not supported)";
      out.assign(c->i.begin(), c->i.end());
      return success();
    };
    if (failed(need(n, {1, 2})) || failed(get(1, starts)) || failed(get(2, ends)) ||
        failed(get(3, axes)) || failed(get(4, steps)))
      return failure();
  }
  if (axes.empty())
    for (size_t k = 0; k < starts.size(); ++k)
      axes.push_back(k);
  if (steps.empty())
    steps.assign(starts.size(), 1);
  for (int64_t &a : axes) {
    auto na = normAxis(a, rank);
    if (!na)
      return nodeError(n) << "slice axis " << a << " out of range for rank " << rank;
    a = *na;
  }
  // Clamp huge sentinel bounds (INT64_MAX) to keep arithmetic safe.
  for (auto *vec : {&starts, &ends})
    for (int64_t &v : *vec)
      v = std::clamp<int64_t>(v, INT32_MIN, INT32_MAX);
  std::string why;
  auto shape = inferSliceShape(rtt(x).getShape(), starts, ends, axes, steps, why);
  if (failed(shape))
    return nodeError(n) << why;
  return defineResult(n, make<SliceOp>(n, rtt(x).clone(*shape), x, b.getDenseI64ArrayAttr(starts),
                         b.getDenseI64ArrayAttr(ends), b.getDenseI64ArrayAttr(axes),
                         b.getDenseI64ArrayAttr(steps)));
}

LogicalResult Importer::onGather(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  Value x = input(n, 0), idx = input(n, 1);
  auto axis = normAxis(attrInt(n, "axis", 0), rtt(x).getRank());
  if (!axis)
    return nodeError(n) << "axis out of range";
  std::string why;
  auto shape = inferGatherShape(rtt(x).getShape(), rtt(idx).getShape(), *axis, why);
  if (failed(shape))
    return nodeError(n) << why;
  return defineResult(
      n, make<GatherOp>(n, rtt(x).clone(*shape), x, idx, b.getI64IntegerAttr(*axis)));
}

LogicalResult Importer::onShape(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  Value x = input(n, 0);
  int64_t rank = rtt(x).getRank();
  auto clampIdx = [&](int64_t v) {
    if (v < 0)
      v += rank;
    return std::clamp<int64_t>(v, 0, rank);
  };
  int64_t start = clampIdx(attrInt(n, "start", 0));
  int64_t end = attr(n, "end") ? clampIdx(attrInt(n, "end", rank)) : rank;
  end = std::max(start, end);
  auto t = RankedTensorType::get({end - start}, b.getI64Type());
  return defineResult(
      n, make<ShapeOp>(n, t, x, b.getI64IntegerAttr(start), b.getI64IntegerAttr(end)));
}

LogicalResult Importer::onCast(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  Value x = input(n, 0);
  auto to = elementType(attrInt(n, "to", 0), [&] { return nodeError(n); });
  if (failed(to))
    return failure();
  // Exporters cast quantized tensors to their own storage type: a no-op
  // that keeps the quantization.
  if (auto q = getQuantElementType(x.getType()))
    if (getStorageIntegerType(q) == *to) {
      define(n, 0, x);
      return success();
    }
  x = asPlain(x);
  return defineResult(n, make<CastOp>(n, rtt(x).clone(*to), x));
}

LogicalResult Importer::onIdentity(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  if (n.op_type() == "Dropout" && n.output_size() > 1 && !n.output(1).empty()) {
    // Inference keeps every element: the mask is all true.
    auto xt = rtt(input(n, 0));
    if (!xt.hasStaticShape())
      return nodeError(n) << "the mask output needs a static shape (use --input-shape)";
    auto mt = RankedTensorType::get(xt.getShape(), b.getI1Type());
    define(n, 1, createConstant(DenseElementsAttr::get(mt, true), mt, n.output(1)));
  }
  define(n, 0, input(n, 0));
  return success();
}

LogicalResult Importer::onConstant(const NodeProto &n) {
  if (n.attribute_size() != 1)
    return nodeError(n) << "expects exactly one attribute";
  const auto &a = n.attribute(0);
  auto err = [&] { return nodeError(n); };
  FailureOr<Value> v = failure();
  if (a.name() == "value") {
    if (a.t().name().empty() && n.output_size()) {
      onnx::TensorProto named = a.t();
      named.set_name(n.output(0));
      v = tensorConstant(named, err);
    } else {
      v = tensorConstant(a.t(), err);
    }
  } else if (a.name() == "value_float" || a.name() == "value_floats" ||
             a.name() == "value_int" || a.name() == "value_ints") {
    ConstTensor c;
    c.isFloat = a.name().find("float") != std::string::npos;
    bool scalar = a.name() == "value_float" || a.name() == "value_int";
    if (c.isFloat) {
      if (scalar)
        c.f.push_back(a.f());
      else
        c.f.assign(a.floats().begin(), a.floats().end());
    } else {
      if (scalar)
        c.i.push_back(a.i());
      else
        c.i.assign(a.ints().begin(), a.ints().end());
    }
    if (!scalar)
      c.shape = {c.isFloat ? (int64_t)c.f.size() : (int64_t)c.i.size()};
    auto t = RankedTensorType::get(c.shape, c.isFloat ? Type(b.getF32Type())
                                                      : Type(b.getI64Type()));
    v = Value(arith::ConstantOp::create(b, nodeLoc(n), t, cast<TypedAttr>(c.write(t))));
  } else {
    return nodeError(n) << "unsupported attribute '" << a.name() << "'";
  }
  if (failed(v))
    return failure();
  define(n, 0, *v);
  return success();
}

LogicalResult Importer::onConstantOfShape(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  Value s = input(n, 0);
  TypedAttr value = b.getF32FloatAttr(0.0f);
  if (auto *a = attr(n, "value")) {
    auto c = tensorConstant(a->t(), [&] { return nodeError(n); });
    if (failed(c))
      return failure();
    auto ct = readConstant(*c);
    if (!ct || ct->numElements() != 1)
      return nodeError(n) << "value must hold exactly one element";
    Type el = rtt(*c).getElementType();
    if (ct->isFloat)
      value = FloatAttr::get(el, ct->f[0]);
    else
      value = IntegerAttr::get(el, APInt(el.getIntOrFloatBitWidth(), ct->i[0], true, true));
    if (Operation *op = c->getDefiningOp())
      op->erase();
  }
  auto st = rtt(s);
  if (st.getRank() != 1 || st.isDynamicDim(0))
    return nodeError(n) << "shape must be a 1-D tensor of known length";
  SmallVector<int64_t> dims(st.getDimSize(0), kDyn);
  if (auto c = constOf(s)) {
    for (int64_t d : c->i)
      if (d < 0)
        return nodeError(n) << "negative dimension " << d;
    dims.assign(c->i.begin(), c->i.end());
  }
  return defineResult(
      n, make<ConstantOfShapeOp>(n, RankedTensorType::get(dims, value.getType()), s, value));
}

//===----------------------------------------------------------------------===//
// Quantization op handlers
//===----------------------------------------------------------------------===//

LogicalResult Importer::onQuantizeLinear(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  if (attrInt(n, "block_size", 0) != 0)
    return nodeError(n) << "unsupported attribute value block_size="
                        << attrInt(n, "block_size", 0);
  auto x = requireFloat(n, input(n, 0), "input");
  if (failed(x))
    return failure();
  Type storage;
  if (auto *od = attr(n, "output_dtype")) {
    auto t = elementType(od->i(), [&] { return nodeError(n); });
    if (failed(t))
      return failure();
    storage = *t;
  }
  auto q = quantParams(n, input(n, 1), input(n, 2), attrInt(n, "axis", 1),
                       *x, storage);
  if (failed(q))
    return failure();
  return defineResult(n, make<QuantizeOp>(n, withElementType(x->getType(), *q), *x));
}

LogicalResult Importer::onDequantizeLinear(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  if (attrInt(n, "block_size", 0) != 0)
    return nodeError(n) << "unsupported attribute value block_size="
                        << attrInt(n, "block_size", 0);
  Value x = input(n, 0);
  Type storage = rtt(x).getElementType();
  if (auto q = getQuantElementType(x.getType()))
    storage = getStorageIntegerType(q);
  auto q = quantParams(n, input(n, 1), input(n, 2), attrInt(n, "axis", 1),
                       x, storage);
  if (failed(q))
    return failure();
  auto qx = asQuant(n, x, *q);
  if (failed(qx))
    return failure();
  return defineResult(n, make<DequantizeOp>(n, withElementType(x.getType(), b.getF32Type()), *qx));
}

LogicalResult Importer::onDynamicQuantizeLinear(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  auto x = requireFloat(n, input(n, 0), "input");
  if (failed(x))
    return failure();
  auto u8 = IntegerType::get(ctx, 8, IntegerType::Unsigned);
  auto op = DynamicQuantizeOp::create(
      b, nodeLoc(n), TypeRange{rtt(*x).clone(u8), RankedTensorType::get({}, b.getF32Type()),
                               RankedTensorType::get({}, u8)},
      *x);
  if (failed(mlir::verify(op)))
    return failure();
  for (int k = 0; k < 3; ++k)
    define(n, k, op->getResult(k));
  return success();
}

LogicalResult Importer::onQLinearConv(const NodeProto &n) {
  if (failed(need(n, {0, 1, 2, 3, 4, 5, 6, 7})))
    return failure();
  Value x = input(n, 0), w = input(n, 3);
  auto xq = quantParams(n, input(n, 1), input(n, 2), 1, x);
  auto wq = quantParams(n, input(n, 4), input(n, 5), 0, w);
  auto yq = quantParams(n, input(n, 6), input(n, 7), 1, Value());
  if (failed(xq) || failed(wq) || failed(yq))
    return failure();
  if (getQuantAxis(withElementType(x.getType(), *xq)) ||
      getQuantAxis(withElementType(x.getType(), *yq)))
    return nodeError(n) << "input and output must be quantized per tensor";
  auto qx = asQuant(n, x, *xq);
  auto qw = asQuant(n, w, *wq);
  if (failed(qx) || failed(qw))
    return failure();
  Value bias;
  if (Value bv = input(n, 8)) {
    auto qb = quantBias(n, bv, *qx, *qw);
    if (failed(qb))
      return failure();
    bias = *qb;
  }
  return defineResult(n, buildConv(n, *qx, *qw, bias, *yq));
}

LogicalResult Importer::onQLinearMatMul(const NodeProto &n) {
  if (failed(need(n, {0, 1, 2, 3, 4, 5, 6, 7})))
    return failure();
  Value a = input(n, 0), bb = input(n, 3);
  int64_t bRank = rtt(bb).getRank();
  auto aq = quantParams(n, input(n, 1), input(n, 2), 0, Value());
  auto bq = quantParams(n, input(n, 4), input(n, 5), bRank - 1, bb);
  auto yq = quantParams(n, input(n, 6), input(n, 7), 0, Value());
  if (failed(aq) || failed(bq) || failed(yq))
    return failure();
  auto qa = asQuant(n, a, *aq);
  auto qb = asQuant(n, bb, *bq);
  if (failed(qa) || failed(qb))
    return failure();
  return defineResult(n, buildMatMul(n, *qa, *qb, *yq));
}

LogicalResult Importer::onQGemm(const NodeProto &n) {
  if (failed(need(n, {0, 1, 2, 3, 4, 5})))
    return failure();
  if (attrInt(n, "transA", 0))
    return nodeError(n) << "unsupported attribute value transA=1";
  if (attrFloat(n, "alpha", 1.0f) != 1.0f)
    return nodeError(n) << "unsupported attribute value alpha="
                        << attrFloat(n, "alpha", 1.0f);
  Value a = input(n, 0), bb = input(n, 3);
  bool tb = attrInt(n, "transB", 0);
  auto aq = quantParams(n, input(n, 1), input(n, 2), 0, Value());
  auto bq = quantParams(n, input(n, 4), input(n, 5), tb ? 0 : 1, bb);
  if (failed(aq) || failed(bq))
    return failure();
  auto qa = asQuant(n, a, *aq);
  auto qb = asQuant(n, bb, *bq);
  if (failed(qa) || failed(qb))
    return failure();
  Value bias;
  if (Value cv = input(n, 6)) {
    auto qc = quantBias(n, cv, *qa, *qb);
    if (failed(qc))
      return failure();
    bias = *qc;
  }
  Type resultElem = b.getF32Type();
  if (input(n, 7)) {
    auto yq = quantParams(n, input(n, 7), input(n, 8), 0, Value());
    if (failed(yq))
      return failure();
    resultElem = *yq;
  }
  return defineResult(n, buildGemm(n, *qa, *qb, bias, resultElem));
}

LogicalResult Importer::onQLinearBinary(const NodeProto &n) {
  if (failed(need(n, {0, 1, 3, 4, 6})))
    return failure();
  Value l = input(n, 0), r = input(n, 3);
  auto lq = quantParams(n, input(n, 1), input(n, 2), 0, Value());
  auto rq = quantParams(n, input(n, 4), input(n, 5), 0, Value());
  auto yq = quantParams(n, input(n, 6), input(n, 7), 0, Value());
  if (failed(lq) || failed(rq) || failed(yq))
    return failure();
  auto ql = asQuant(n, l, *lq);
  auto qr = asQuant(n, r, *rq);
  if (failed(ql) || failed(qr))
    return failure();
  return defineResult(
      n, buildBinary(n, n.op_type() == "QLinearAdd" ? "Add" : "Mul", *ql, *qr, *yq));
}

LogicalResult Importer::onQLinearGlobalAvgPool(const NodeProto &n) {
  if (failed(need(n, {0, 1, 2, 3, 4})))
    return failure();
  if (attrInt(n, "channels_last", 0))
    return nodeError(n) << "unsupported attribute value channels_last=1";
  Value x = input(n, 0);
  auto xq = quantParams(n, input(n, 1), input(n, 2), 0, Value());
  auto yq = quantParams(n, input(n, 3), input(n, 4), 0, Value());
  if (failed(xq) || failed(yq))
    return failure();
  auto qx = asQuant(n, x, *xq);
  if (failed(qx))
    return failure();
  if (rtt(*qx).getRank() != 4)
    return nodeError(n) << "only 2-D pooling is supported";
  auto s = rtt(*qx).getShape();
  return defineResult(n, make<GlobalAvgPool2DOp>(
      n, RankedTensorType::get({s[0], s[1], 1, 1}, *yq), *qx));
}

LogicalResult Importer::onQLinearSigmoid(const NodeProto &n) {
  if (failed(need(n, {0, 1, 3})))
    return failure();
  Value x = input(n, 0);
  auto xq = quantParams(n, input(n, 1), input(n, 2), 0, Value());
  auto yq = quantParams(n, input(n, 3), input(n, 4), 0, Value());
  if (failed(xq) || failed(yq))
    return failure();
  auto qx = asQuant(n, x, *xq);
  if (failed(qx))
    return failure();
  return defineResult(n, make<SigmoidOp>(n, withElementType(qx->getType(), *yq), *qx));
}

/// The zero point operand k of an integer op, or a zero of `like`'s type.
static Value zeroPointOr(OpBuilder &b, Location loc, Value zp, Value like) {
  if (zp)
    return zp;
  auto t = RankedTensorType::get({}, cast<RankedTensorType>(like.getType()).getElementType());
  ConstTensor c;
  c.i = {0};
  return arith::ConstantOp::create(b, loc, t, cast<TypedAttr>(c.write(t)));
}

LogicalResult Importer::onMatMulInteger(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  Value a = asPlain(input(n, 0)), bb = asPlain(input(n, 1));
  Value azp = zeroPointOr(b, nodeLoc(n), input(n, 2) ? asPlain(input(n, 2)) : Value(), a);
  Value bzp = zeroPointOr(b, nodeLoc(n), input(n, 3) ? asPlain(input(n, 3)) : Value(), bb);
  std::string why;
  auto shape = inferMatMulShape(rtt(a).getShape(), rtt(bb).getShape(), why);
  if (failed(shape))
    return nodeError(n) << why;
  return defineResult(n, make<MatMulIntegerOp>(n, RankedTensorType::get(*shape, b.getI32Type()), a,
                                 bb, azp, bzp));
}

LogicalResult Importer::onConvInteger(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  Value x = asPlain(input(n, 0)), w = asPlain(input(n, 1));
  if (rtt(x).getRank() != 4 || rtt(w).getRank() != 4)
    return nodeError(n) << "only 2-D convolution is supported";
  Value xzp = zeroPointOr(b, nodeLoc(n), input(n, 2) ? asPlain(input(n, 2)) : Value(), x);
  Value wzp = zeroPointOr(b, nodeLoc(n), input(n, 3) ? asPlain(input(n, 3)) : Value(), w);
  SmallVector<int64_t> strides, pads, dilations;
  if (failed(convAttrs(n, rtt(x).getShape(), rtt(w).getShape().drop_front(2),
                       strides, pads, dilations)))
    return failure();
  int64_t group = attrInt(n, "group", 1);
  std::string why;
  auto shape = inferConv2DShape(rtt(x).getShape(), rtt(w).getShape(), strides,
                                pads, dilations, group, why);
  if (failed(shape))
    return nodeError(n) << why;
  return defineResult(n, make<ConvIntegerOp>(n, RankedTensorType::get(*shape, b.getI32Type()), x,
                               w, xzp, wzp, b.getDenseI64ArrayAttr(strides),
                               b.getDenseI64ArrayAttr(pads),
                               b.getDenseI64ArrayAttr(dilations),
                               b.getI64IntegerAttr(group)));
}

//===----------------------------------------------------------------------===//
// Activations, variadic elementwise ops, padding, resampling, broadcasting
//===----------------------------------------------------------------------===//

FailureOr<SmallVector<int64_t>> Importer::constInts(const NodeProto &n, int k,
                                                    StringRef what) {
  Value v = input(n, k);
  auto c = v ? constOf(v) : std::nullopt;
  if (!c || c->isFloat)
    return nodeError(n) << what << " (input #" << k
                        << ") must be an integer constant";
  return SmallVector<int64_t>(c->i.begin(), c->i.end());
}

Value Importer::scalarConst(Type elem, double v) {
  auto t = RankedTensorType::get({}, elem);
  ConstTensor c;
  c.isFloat = isa<FloatType>(elem);
  if (c.isFloat)
    c.f = {v};
  else
    c.i = {(int64_t)v};
  return arith::ConstantOp::create(b, FileLineColLoc::get(ctx, path, 0, 0), t,
                                   cast<TypedAttr>(c.write(t)));
}

LogicalResult Importer::onParamUnary(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  auto x = requireFloat(n, asPlain(input(n, 0)), "input");
  if (failed(x))
    return failure();
  Type t = x->getType();
  StringRef k = n.op_type();
  FailureOr<Value> v;
  auto f = [&](float a) { return b.getF32FloatAttr(a); };
  if (k == "LeakyRelu")
    v = make<LeakyReluOp>(n, t, *x, f(attrFloat(n, "alpha", 0.01f)), f(0));
  else if (k == "Elu")
    v = make<EluOp>(n, t, *x, f(attrFloat(n, "alpha", 1.0f)), f(0));
  else if (k == "Selu")
    v = make<SeluOp>(n, t, *x, f(attrFloat(n, "alpha", 1.67326319217681884765625f)),
                     f(attrFloat(n, "gamma", 1.05070102214813232421875f)));
  else if (k == "Celu")
    v = make<CeluOp>(n, t, *x, f(attrFloat(n, "alpha", 1.0f)), f(0));
  else if (k == "ThresholdedRelu")
    v = make<ThresholdedReluOp>(n, t, *x, f(attrFloat(n, "alpha", 1.0f)), f(0));
  else if (k == "Shrink")
    v = make<ShrinkOp>(n, t, *x, f(attrFloat(n, "lambd", 0.5f)), f(attrFloat(n, "bias", 0.0f)));
  else
    v = make<HardSigmoidOp>(n, t, *x, f(attrFloat(n, "alpha", 0.2f)),
                            f(attrFloat(n, "beta", 0.5f)));
  if (failed(v))
    return failure();
  define(n, 0, *v);
  return success();
}

/// Max, Min, Sum and Mean over one or more broadcast inputs.
LogicalResult Importer::onVariadic(const NodeProto &n) {
  SmallVector<Value> ins;
  for (int k = 0; k < n.input_size(); ++k)
    if (Value v = input(n, k))
      ins.push_back(asPlain(v));
  if (ins.empty())
    return nodeError(n) << "needs at least one input";
  Type el = rtt(ins[0]).getElementType();
  for (Value v : ins)
    if (rtt(v).getElementType() != el)
      return nodeError(n) << "inputs have different element types: " << el << " and "
                          << rtt(v).getElementType();
  StringRef k = n.op_type();
  if ((k == "Mean" || k == "Sum") && !isa<FloatType>(el))
    return nodeError(n) << "expects float inputs, got " << el;
  Value acc = ins[0];
  for (size_t i = 1; i < ins.size(); ++i) {
    auto v = buildBinary(n, k == "Max" ? "Max" : k == "Min" ? "Min" : "Add", acc, ins[i], el);
    if (failed(v))
      return failure();
    acc = *v;
  }
  if (k == "Mean" && ins.size() > 1) {
    auto v = buildBinary(n, "Div", acc, scalarConst(el, (double)ins.size()), el);
    if (failed(v))
      return failure();
    acc = *v;
  }
  define(n, 0, acc);
  return success();
}

LogicalResult Importer::onGlobalMaxPool(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  Value x = input(n, 0);
  auto s = rtt(x).getShape();
  if (s.size() == 4 && s[2] != kDyn && s[3] != kDyn) {
    // A max pool over the whole plane keeps quantized tensors quantized.
    auto v = make<MaxPool2DOp>(n, rtt(x).clone({s[0], s[1], 1, 1}), x,
                               b.getDenseI64ArrayAttr({s[2], s[3]}),
                               b.getDenseI64ArrayAttr({1, 1}),
                               b.getDenseI64ArrayAttr({0, 0, 0, 0}),
                               b.getDenseI64ArrayAttr({1, 1}), b.getBoolAttr(false));
    if (failed(v))
      return failure();
    define(n, 0, *v);
    return success();
  }
  auto fx = requireFloat(n, asPlain(x), "input");
  if (failed(fx))
    return failure();
  if (s.size() < 3)
    return nodeError(n) << "input must have rank 3 or more, got " << s.size();
  SmallVector<int64_t> axes;
  for (int64_t d = 2; d < (int64_t)s.size(); ++d)
    axes.push_back(d);
  std::string why;
  auto shape = inferReduceShape(s, axes, true, why);
  if (failed(shape))
    return nodeError(n) << why;
  return defineResult(
      n, make<ReduceMaxOp>(n, rtt(*fx).clone(*shape), *fx, b.getDenseI64ArrayAttr(axes),
                             b.getBoolAttr(true)));
}

LogicalResult Importer::onPad(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  Value x = input(n, 0);
  int64_t rank = rtt(x).getRank();
  std::string mode = attrString(n, "mode", "constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge")
    return nodeError(n) << "unsupported attribute value mode=\"" << mode << "\"";
  SmallVector<int64_t> pads;
  float value = 0;
  if (opset < 11) {
    pads = attrInts(n, "pads").value_or(SmallVector<int64_t>{});
    value = attrFloat(n, "value", 0.0f);
  } else {
    auto p = constInts(n, 1, "pads");
    if (failed(p))
      return failure();
    pads = *p;
    if (Value cv = input(n, 2)) {
      auto c = constOf(cv);
      if (!c || c->numElements() != 1)
        return nodeError(n) << "constant_value (input #2) must be a one-element constant";
      value = (float)c->asDouble(0);
    }
    if (input(n, 3)) {
      auto ax = constInts(n, 3, "axes");
      if (failed(ax))
        return failure();
      if (pads.size() != 2 * ax->size())
        return nodeError(n) << "pads has " << pads.size() << " entries for " << ax->size()
                            << " axes";
      SmallVector<int64_t> full(2 * rank, 0);
      for (size_t i = 0; i < ax->size(); ++i) {
        auto a = normAxis((*ax)[i], rank);
        if (!a)
          return nodeError(n) << "pad axis " << (*ax)[i] << " out of range for rank " << rank;
        full[*a] = pads[i];
        full[*a + rank] = pads[i + ax->size()];
      }
      pads = full;
    }
  }
  if (isQuantTensor(x.getType()) && mode == "constant" && value != 0)
    return nodeError(n) << "a non-zero pad value on a quantized tensor is not supported";
  std::string why;
  auto shape = inferPadShape(rtt(x).getShape(), pads, why);
  if (failed(shape))
    return nodeError(n) << why;
  if (llvm::all_of(pads, [](int64_t p) { return p == 0; })) {
    define(n, 0, x);
    return success();
  }
  return defineResult(n, make<PadOp>(n, rtt(x).clone(*shape), x, b.getDenseI64ArrayAttr(pads),
                       b.getStringAttr(mode), b.getF32FloatAttr(value)));
}

/// Resize (opsets 10-19) and Upsample (7-9) with constant scales or sizes.
LogicalResult Importer::onResize(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  Value x = input(n, 0);
  auto in = rtt(x).getShape();
  int64_t rank = in.size();
  for (int64_t d : in)
    if (d == kDyn)
      return nodeError(n) << "resizing a tensor of dynamic shape is not supported";
  bool upsample = n.op_type() == "Upsample";
  std::string mode = attrString(n, "mode", "nearest");
  if (mode == "bilinear" || mode == "trilinear")
    mode = "linear";
  if (mode != "nearest" && mode != "linear")
    return nodeError(n) << "unsupported attribute value mode=\"" << mode << "\"";
  std::string coord = "asymmetric", nearest = "round_prefer_floor";
  if (!upsample && opset >= 11) {
    coord = attrString(n, "coordinate_transformation_mode", "half_pixel");
    nearest = attrString(n, "nearest_mode", "round_prefer_floor");
    if (coord == "tf_crop_and_resize")
      return nodeError(n) << "unsupported attribute value coordinate_transformation_mode="
                             "\"tf_crop_and_resize\"";
    if (attrInt(n, "antialias", 0))
      return nodeError(n) << "unsupported attribute value antialias=1";
    std::string policy = attrString(n, "keep_aspect_ratio_policy", "stretch");
    if (policy != "stretch")
      return nodeError(n) << "unsupported attribute value keep_aspect_ratio_policy=\""
                          << policy << "\"";
  }
  // Scales and sizes, on the listed axes (opset 18) or on every dimension.
  SmallVector<int64_t> axes;
  if (!upsample && opset >= 18 && attr(n, "axes"))
    axes = *attrInts(n, "axes");
  SmallVector<double> scaleList;
  SmallVector<int64_t> sizeList;
  if (upsample && opset < 9) {
    auto *a = attr(n, "scales");
    if (!a)
      return nodeError(n) << "missing attribute scales";
    scaleList.assign(a->floats().begin(), a->floats().end());
  } else {
    int si = upsample || opset < 11 ? 1 : 2;
    Value sv = input(n, si);
    if (sv && !(rtt(sv).hasStaticShape() && rtt(sv).getNumElements() == 0)) {
      auto c = constOf(sv);
      if (!c || !c->isFloat)
        return nodeError(n) << "scales (input #" << si << ") must be a float constant";
      scaleList.assign(c->f.begin(), c->f.end());
    }
    if (!upsample && opset >= 11 && input(n, 3)) {
      auto c = constInts(n, 3, "sizes");
      if (failed(c))
        return failure();
      sizeList = *c;
    }
    if (!scaleList.empty() && !sizeList.empty())
      return nodeError(n) << "only one of scales and sizes may be given";
    if (scaleList.empty() && sizeList.empty())
      return nodeError(n) << "needs scales or sizes";
  }
  if (axes.empty())
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
  size_t given = scaleList.empty() ? sizeList.size() : scaleList.size();
  if (given != axes.size())
    return nodeError(n) << (scaleList.empty() ? "sizes" : "scales") << " has " << given
                        << " entries, expected " << axes.size();
  SmallVector<float> scales(rank, 1.0f);
  SmallVector<int64_t> out(in.begin(), in.end());
  for (size_t i = 0; i < axes.size(); ++i) {
    auto a = normAxis(axes[i], rank);
    if (!a)
      return nodeError(n) << "resize axis " << axes[i] << " out of range for rank " << rank;
    if (!scaleList.empty()) {
      if (!(scaleList[i] > 0))
        return nodeError(n) << "scales must be positive, got " << scaleList[i];
      scales[*a] = (float)scaleList[i];
      out[*a] = (int64_t)std::floor((double)in[*a] * (double)(float)scaleList[i]);
    } else {
      if (sizeList[i] <= 0)
        return nodeError(n) << "sizes must be positive, got " << sizeList[i];
      out[*a] = sizeList[i];
      scales[*a] = (float)sizeList[i] / (float)in[*a];
    }
  }
  // Before opset 11 nearest rounds down when enlarging and up when shrinking.
  if (upsample || opset < 11)
    nearest = "floor";
  if (opset < 11 && !upsample &&
      llvm::any_of(scales, [](float s) { return s < 1.0f; }))
    nearest = "ceil";
  int64_t resized = 0;
  for (int64_t d = 0; d < rank; ++d)
    resized += out[d] != in[d] || scales[d] != 1.0f;
  if (mode == "linear" && resized > 3)
    return nodeError(n) << "linear resizing of more than 3 dimensions is not supported";
  if (out == SmallVector<int64_t>(in.begin(), in.end()) &&
      llvm::all_of(scales, [](float s) { return s == 1.0f; })) {
    define(n, 0, x);
    return success();
  }
  if (mode == "linear" && !isQuantTensor(x.getType())) {
    auto fx = requireFloat(n, asPlain(x), "input");
    if (failed(fx))
      return failure();
    x = *fx;
  }
  return defineResult(n, make<ResizeOp>(n, rtt(x).clone(out), x, b.getStringAttr(mode),
                          b.getStringAttr(coord), b.getStringAttr(nearest),
                          b.getDenseF32ArrayAttr(scales)));
}

LogicalResult Importer::onExpand(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  Value x = input(n, 0);
  auto target = constInts(n, 1, "shape");
  if (failed(target))
    return failure();
  std::string why;
  auto shape = inferBroadcastShape(rtt(x).getShape(), *target, why);
  if (failed(shape))
    return nodeError(n) << why;
  if (llvm::equal(*shape, rtt(x).getShape())) {
    define(n, 0, x);
    return success();
  }
  return defineResult(n, make<BroadcastOp>(n, rtt(x).clone(*shape), x));
}

LogicalResult Importer::onTile(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  Value x = input(n, 0);
  auto reps = constInts(n, 1, "repeats");
  if (failed(reps))
    return failure();
  std::string why;
  auto shape = inferTileShape(rtt(x).getShape(), *reps, why);
  if (failed(shape))
    return nodeError(n) << why;
  return defineResult(n, make<TileOp>(n, rtt(x).clone(*shape), x, b.getDenseI64ArrayAttr(*reps)));
}

/// DepthToSpace and SpaceToDepth as reshape -> transpose -> reshape.
LogicalResult Importer::onDepthToSpace(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  Value x = input(n, 0);
  auto s = rtt(x).getShape();
  if (s.size() != 4 || !rtt(x).hasStaticShape())
    return nodeError(n) << "expects a 4-D input of static shape";
  int64_t bs = attrInt(n, "blocksize", 0);
  if (bs < 1)
    return nodeError(n) << "blocksize must be positive, got " << bs;
  if (bs > (1 << 16))
    return nodeError(n) << "blocksize " << bs << " is too large";
  int64_t N = s[0], C = s[1], H = s[2], W = s[3];
  SmallVector<int64_t> first, perm, last;
  if (n.op_type() == "DepthToSpace") {
    if (C % (bs * bs))
      return nodeError(n) << "channels (" << C << ") are not a multiple of blocksize^2 ("
                          << bs * bs << ")";
    int64_t c = C / (bs * bs);
    if (attrString(n, "mode", "DCR") == "CRD") {
      first = {N, c, bs, bs, H, W};
      perm = {0, 1, 4, 2, 5, 3};
    } else if (attrString(n, "mode", "DCR") == "DCR") {
      first = {N, bs, bs, c, H, W};
      perm = {0, 3, 4, 1, 5, 2};
    } else {
      return nodeError(n) << "unsupported attribute value mode=\""
                          << attrString(n, "mode", "") << "\"";
    }
    last = {N, c, H * bs, W * bs};
  } else {
    if (H % bs || W % bs)
      return nodeError(n) << "height and width (" << H << "x" << W
                          << ") are not multiples of blocksize " << bs;
    first = {N, C, H / bs, bs, W / bs, bs};
    perm = {0, 3, 5, 1, 2, 4};
    last = {N, C * bs * bs, H / bs, W / bs};
  }
  auto r1 = buildReshape(n, x, first, false);
  if (failed(r1))
    return failure();
  std::string why;
  auto ts = inferTransposeShape(first, perm, why);
  auto t = make<TransposeOp>(n, rtt(*r1).clone(*ts), *r1, b.getDenseI64ArrayAttr(perm));
  if (failed(t))
    return failure();
  auto r2 = buildReshape(n, *t, last, false);
  if (failed(r2))
    return failure();
  define(n, 0, *r2);
  return success();
}

/// InstanceNormalization from the reduction and elementwise ops.
LogicalResult Importer::onInstanceNorm(const NodeProto &n) {
  if (failed(need(n, {0, 1, 2})))
    return failure();
  auto x = requireFloat(n, asPlain(input(n, 0)), "input");
  if (failed(x))
    return failure();
  auto s = rtt(*x).getShape();
  if (s.size() < 3)
    return nodeError(n) << "input must have rank 3 or more, got " << s.size();
  Value scale = input(n, 1), bias = input(n, 2);
  for (Value v : {scale, bias})
    if (rtt(v).getRank() != 1 || rtt(v).getDimSize(0) != s[1] ||
        rtt(v).getElementType() != rtt(*x).getElementType())
      return nodeError(n) << "scale and B must be 1-D of the channel count " << s[1]
                          << " and the input's element type";
  SmallVector<int64_t> axes, chShape = {s[1]};
  for (int64_t d = 2; d < (int64_t)s.size(); ++d) {
    axes.push_back(d);
    chShape.push_back(1);
  }
  Type el = rtt(*x).getElementType();
  auto norm = normalizeOver(n, *x, axes, attrFloat(n, "epsilon", 1e-5f));
  if (failed(norm))
    return failure();
  auto sc = buildReshape(n, scale, chShape, false);
  auto bi = buildReshape(n, bias, chShape, false);
  if (failed(sc) || failed(bi))
    return failure();
  auto y = buildBinary(n, "Mul", *norm, *sc, el);
  if (failed(y))
    return failure();
  y = buildBinary(n, "Add", *y, *bi, el);
  if (failed(y))
    return failure();
  define(n, 0, *y);
  return success();
}

/// (x - mean) / sqrt(var + epsilon) over `axes` (kept), in x's float type.
FailureOr<Value> Importer::normalizeOver(const NodeProto &n, Value x, ArrayRef<int64_t> axes,
                                         float epsilon) {
  Type el = rtt(x).getElementType();
  std::string why;
  auto rs = inferReduceShape(rtt(x).getShape(), axes, true, why);
  if (failed(rs))
    return nodeError(n) << why;
  auto rt = rtt(x).clone(*rs);
  auto mean = make<ReduceMeanOp>(n, rt, x, b.getDenseI64ArrayAttr(axes), b.getBoolAttr(true));
  if (failed(mean))
    return failure();
  auto d = buildBinary(n, "Sub", x, *mean, el);
  if (failed(d))
    return failure();
  auto sq = buildBinary(n, "Mul", *d, *d, el);
  if (failed(sq))
    return failure();
  auto var = make<ReduceMeanOp>(n, rt, *sq, b.getDenseI64ArrayAttr(axes), b.getBoolAttr(true));
  if (failed(var))
    return failure();
  auto ve = buildBinary(n, "Add", *var, scalarConst(el, epsilon), el);
  if (failed(ve))
    return failure();
  auto sd = make<SqrtOp>(n, rt, *ve);
  if (failed(sd))
    return failure();
  return buildBinary(n, "Div", *d, *sd, el);
}

/// GroupNormalization: the channels in num_groups groups, each normalized
/// over its channels and spatial positions, then scaled and shifted per
/// channel (opset 21) or per group (opset 18, where scale and bias have
/// num_groups entries).
LogicalResult Importer::onGroupNorm(const NodeProto &n) {
  if (failed(need(n, {0, 1, 2})))
    return failure();
  auto x = requireFloat(n, asPlain(input(n, 0)), "input");
  if (failed(x))
    return failure();
  auto s = rtt(*x).getShape();
  if (s.size() < 3)
    return nodeError(n) << "input must have rank 3 or more, got " << s.size();
  int64_t g = attrInt(n, "num_groups", -1), c = s[1];
  if (g == -1)
    return nodeError(n) << "missing attribute num_groups";
  if (g <= 0 || c % g)
    return nodeError(n) << "num_groups " << g << " does not divide the " << c << " channels";
  if (!rtt(*x).hasStaticShape())
    return nodeError(n) << "needs a static input shape, got " << rtt(*x)
                        << " (fix the model's inputs with --input-shape)";
  bool perGroup = opset < 21;
  int64_t params = perGroup ? g : c;
  Type el = rtt(*x).getElementType();
  Value scale = input(n, 1), bias = input(n, 2);
  for (Value v : {scale, bias})
    if (rtt(v).getRank() != 1 || rtt(v).getDimSize(0) != params ||
        rtt(v).getElementType() != el)
      return nodeError(n) << "scale and bias must be 1-D of " << params
                          << (perGroup ? " (num_groups, opset 18)" : " (channels)")
                          << " and the input's element type";
  int64_t inner = c / g;
  for (size_t d = 2; d < s.size(); ++d)
    inner *= s[d];
  auto xg = buildReshape(n, *x, {s[0], g, inner}, false);
  if (failed(xg))
    return failure();
  auto norm = normalizeOver(n, *xg, {2}, attrFloat(n, "epsilon", 1e-5f));
  if (failed(norm))
    return failure();
  auto apply = [&](Value v, ArrayRef<int64_t> pShape) -> FailureOr<Value> {
    auto sc = buildReshape(n, scale, pShape, false);
    auto bi = buildReshape(n, bias, pShape, false);
    if (failed(sc) || failed(bi))
      return failure();
    auto y = buildBinary(n, "Mul", v, *sc, el);
    if (failed(y))
      return failure();
    return buildBinary(n, "Add", *y, *bi, el);
  };
  FailureOr<Value> y = *norm;
  if (perGroup)
    y = apply(*y, {g, 1});
  if (failed(y))
    return failure();
  y = buildReshape(n, *y, SmallVector<int64_t>(s.begin(), s.end()), false);
  if (failed(y))
    return failure();
  if (!perGroup) {
    SmallVector<int64_t> chShape = {c};
    chShape.append(s.size() - 2, 1);
    y = apply(*y, chShape);
    if (failed(y))
      return failure();
  }
  define(n, 0, *y);
  return success();
}

LogicalResult Importer::onArgReduce(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  Value x = asPlain(input(n, 0));
  int64_t rank = rtt(x).getRank();
  auto axis = normAxis(attrInt(n, "axis", 0), rank);
  if (!axis)
    return nodeError(n) << "axis " << attrInt(n, "axis", 0) << " out of range for rank " << rank;
  bool keep = attrInt(n, "keepdims", 1);
  std::string why;
  auto shape = inferReduceShape(rtt(x).getShape(), {*axis}, keep, why);
  if (failed(shape))
    return nodeError(n) << why;
  auto t = RankedTensorType::get(*shape, b.getI64Type());
  auto ax = b.getI64IntegerAttr(*axis);
  auto last = b.getBoolAttr(attrInt(n, "select_last_index", 0));
  FailureOr<Value> v = n.op_type() == "ArgMax"
                           ? make<ArgMaxOp>(n, t, x, ax, b.getBoolAttr(keep), last)
                           : make<ArgMinOp>(n, t, x, ax, b.getBoolAttr(keep), last);
  if (failed(v))
    return failure();
  define(n, 0, *v);
  return success();
}

/// ConvTranspose as a stride-1 convolution: zeros between the input pixels
/// (reshape, pad, reshape), the rest of the border as convolution padding,
/// and the kernel flipped with input and output channels swapped.
LogicalResult Importer::onConvTranspose(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  auto fx = requireFloat(n, asPlain(input(n, 0)), "input");
  if (failed(fx))
    return failure();
  Value x = *fx, w = input(n, 1), bias = input(n, 2);
  auto xs = rtt(x).getShape(), ws = rtt(w).getShape();
  if (xs.size() != 4 || ws.size() != 4)
    return nodeError(n) << "only 2-D transposed convolution is supported (input rank "
                        << xs.size() << ", weight rank " << ws.size() << ")";
  if (!rtt(x).hasStaticShape() || !rtt(w).hasStaticShape())
    return nodeError(n) << "needs static input and weight shapes (use --input-shape)";
  int64_t group = attrInt(n, "group", 1);
  if (group < 1 || xs[1] != ws[0] || ws[0] % group)
    return nodeError(n) << "weight shape " << shapeToString(ws) << " does not fit input "
                        << shapeToString(xs) << " with group " << group;
  int64_t cg = ws[0] / group, fg = ws[1], k[2] = {ws[2], ws[3]};
  auto strides = attrInts(n, "strides").value_or(SmallVector<int64_t>{1, 1});
  auto dil = attrInts(n, "dilations").value_or(SmallVector<int64_t>{1, 1});
  auto pads = attrInts(n, "pads").value_or(SmallVector<int64_t>{0, 0, 0, 0});
  auto outPad = attrInts(n, "output_padding").value_or(SmallVector<int64_t>{0, 0});
  if (strides.size() != 2 || dil.size() != 2 || pads.size() != 4 || outPad.size() != 2)
    return nodeError(n) << "only 2-D windows are supported (strides, dilations, pads and "
                           "output_padding must have 2, 2, 4 and 2 entries)";
  for (int i = 0; i < 2; ++i)
    if (strides[i] < 1 || dil[i] < 1 || outPad[i] < 0 ||
        outPad[i] >= std::max(strides[i], dil[i]))
      return nodeError(n) << "invalid strides, dilations or output_padding";
  std::string autoPad = attrString(n, "auto_pad", "NOTSET");
  auto outShape = attrInts(n, "output_shape");
  if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad != "SAME_UPPER" &&
      autoPad != "SAME_LOWER")
    return nodeError(n) << "unsupported attribute value auto_pad=\"" << autoPad << "\"";
  if (autoPad == "VALID")
    pads.assign(4, 0);
  if (outShape || autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    SmallVector<int64_t> target;
    if (outShape) {
      target = *outShape;
      if (target.size() == 4)
        target.erase(target.begin(), target.begin() + 2);
      if (target.size() != 2)
        return nodeError(n) << "output_shape must have 2 spatial entries";
    } else {
      target = {xs[2] * strides[0], xs[3] * strides[1]};
    }
    for (int i = 0; i < 2; ++i) {
      int64_t total = strides[i] * (xs[2 + i] - 1) + outPad[i] + (k[i] - 1) * dil[i] + 1 -
                      target[i];
      if (total < 0)
        return nodeError(n) << "output_shape " << target[i] << " is larger than the "
                            << "transposed convolution can produce";
      bool upper = autoPad == "SAME_UPPER";
      pads[i] = upper ? total / 2 : total - total / 2;
      pads[2 + i] = upper ? total - total / 2 : total / 2;
    }
  }
  // Flipped weights [group * fg, cg, kh, kw] from [group * cg, fg, kh, kw].
  auto flip = [&](const ConstTensor &c) {
    ConstTensor o;
    o.isFloat = c.isFloat;
    o.shape = {group * fg, cg, k[0], k[1]};
    for (int64_t g = 0; g < group; ++g)
      for (int64_t f = 0; f < fg; ++f)
        for (int64_t ci = 0; ci < cg; ++ci)
          for (int64_t i = 0; i < k[0]; ++i)
            for (int64_t j = 0; j < k[1]; ++j) {
              int64_t src = (((g * cg + ci) * fg + f) * k[0] + (k[0] - 1 - i)) * k[1] +
                            (k[1] - 1 - j);
              if (c.isFloat)
                o.f.push_back(c.f[src]);
              else
                o.i.push_back(c.i[src]);
            }
    return o;
  };
  Value wf;
  auto flippedType = RankedTensorType::get({group * fg, cg, k[0], k[1]},
                                           rtt(w).getElementType());
  if (auto dq = w.getDefiningOp<DequantizeOp>()) {
    auto cst = dq.getInput().getDefiningOp<ConstantOp>();
    auto c = cst ? ConstTensor::read(cst.getValue()) : std::nullopt;
    if (!c)
      return nodeError(n) << "weights must be constant";
    Type qt = rtt(dq.getInput()).getElementType();
    auto q = cast<quant::QuantizedType>(qt);
    SmallVector<double> scales = getQuantScales(dq.getInput().getType());
    SmallVector<int64_t> zps = getQuantZeroPoints(dq.getInput().getType());
    std::optional<int32_t> axis;
    if (auto a = getQuantAxis(dq.getInput().getType())) {
      if (*a != 1)
        return nodeError(n) << "per-axis weight quantization must be on axis 1, got " << *a;
      SmallVector<double> s2;
      SmallVector<int64_t> z2;
      for (int64_t g = 0; g < group; ++g)
        for (int64_t f = 0; f < fg; ++f) {
          s2.push_back(scales[f]);
          z2.push_back(zps[f]);
        }
      scales = s2;
      zps = z2;
      axis = 0;
    }
    auto nq = makeQuantType(ctx, q.isSigned(), q.getStorageTypeIntegralWidth(), scales, zps,
                            axis, Float32Type::get(ctx));
    auto storage = flippedType.clone(getStorageIntegerType(q));
    Value qc = ConstantOp::create(b, nodeLoc(n), flippedType.clone(nq),
                                  flip(*c).write(storage));
    auto d = make<DequantizeOp>(n, flippedType, qc);
    if (failed(d))
      return failure();
    wf = *d;
  } else {
    auto c = constOf(w);
    if (!c || !c->isFloat)
      return nodeError(n) << "weights must be a float constant or a dequantized constant";
    wf = createConstant(flip(*c).write(flippedType), flippedType, "");
  }
  // Zeros between pixels: [N, C, H, 1, W, 1] padded to [N, C, H, s, W, s].
  SmallVector<int64_t> conv = {0, 0, 0, 0}; // begin h, w, end h, w
  int64_t hs[2];
  for (int i = 0; i < 2; ++i) {
    int64_t edge = dil[i] * (k[i] - 1);
    hs[i] = xs[2 + i] * strides[i];
    conv[i] = edge - pads[i];
    conv[2 + i] = edge - pads[2 + i] + outPad[i] - (strides[i] - 1);
  }
  if (strides[0] > 1 || strides[1] > 1) {
    auto r1 = buildReshape(n, x, {xs[0], xs[1], xs[2], 1, xs[3], 1}, false);
    if (failed(r1))
      return failure();
    SmallVector<int64_t> p6 = {0, 0, 0, 0, 0, 0, 0, 0, 0, strides[0] - 1, 0, strides[1] - 1};
    auto pd = make<PadOp>(n, rtt(x).clone({xs[0], xs[1], xs[2], strides[0], xs[3], strides[1]}),
                          *r1, b.getDenseI64ArrayAttr(p6), b.getStringAttr("constant"),
                          b.getF32FloatAttr(0));
    if (failed(pd))
      return failure();
    auto r2 = buildReshape(n, *pd, {xs[0], xs[1], hs[0], hs[1]}, false);
    if (failed(r2))
      return failure();
    x = *r2;
  }
  // Negative borders crop the input; the rest pads the convolution.
  if (llvm::any_of(conv, [](int64_t p) { return p < 0; })) {
    SmallVector<int64_t> st, en;
    for (int i = 0; i < 2; ++i) {
      st.push_back(std::max<int64_t>(0, -conv[i]));
      en.push_back(hs[i] - std::max<int64_t>(0, -conv[2 + i]));
      if (en.back() <= st.back())
        return nodeError(n) << "pads leave an empty output";
    }
    auto sl = make<SliceOp>(n, rtt(x).clone({xs[0], xs[1], en[0] - st[0], en[1] - st[1]}), x,
                            b.getDenseI64ArrayAttr(st), b.getDenseI64ArrayAttr(en),
                            b.getDenseI64ArrayAttr({2, 3}), b.getDenseI64ArrayAttr({1, 1}));
    if (failed(sl))
      return failure();
    x = *sl;
    for (int64_t &p : conv)
      p = std::max<int64_t>(0, p);
  }
  std::string why;
  SmallVector<int64_t> one = {1, 1};
  auto shape = inferConv2DShape(rtt(x).getShape(), rtt(wf).getShape(), one, conv, dil, group,
                                why);
  if (failed(shape))
    return nodeError(n) << why;
  return defineResult(
      n, make<Conv2DOp>(n, rtt(x).clone(*shape), x, wf, bias, b.getDenseI64ArrayAttr(one),
                          b.getDenseI64ArrayAttr(conv), b.getDenseI64ArrayAttr(dil),
                          b.getI64IntegerAttr(group), b.getStringAttr("none"), FloatAttr(),
                          FloatAttr()));
}

LogicalResult Importer::onMod(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  Value l = asPlain(input(n, 0)), r = asPlain(input(n, 1));
  Type el = rtt(l).getElementType();
  if (el != rtt(r).getElementType())
    return nodeError(n) << "operand element types differ: " << el << " and "
                        << rtt(r).getElementType();
  bool fm = attrInt(n, "fmod", 0);
  if (isa<FloatType>(el) && !fm)
    return nodeError(n) << "float operands need fmod=1";
  std::string why;
  auto shape = inferBroadcastShape(rtt(l).getShape(), rtt(r).getShape(), why);
  if (failed(shape))
    return nodeError(n) << why;
  return defineResult(
      n, make<ModOp>(n, RankedTensorType::get(*shape, el), l, r, b.getBoolAttr(fm)));
}

/// ScatterElements (and opset 9's Scatter) and ScatterND with runtime
/// operands: octet.scatter. The reduction attribute: none, add, mul, max,
/// min.
FailureOr<Value> Importer::buildScatter(const NodeProto &n, bool nd) {
  Value x = asPlain(input(n, 0)), ix = input(n, 1), u = asPlain(input(n, 2));
  auto xt = rtt(x), it = rtt(ix), ut = rtt(u);
  std::string red = attrString(n, "reduction", "none");
  if (red != "none" && red != "add" && red != "mul" && red != "max" && red != "min")
    return nodeError(n) << "unsupported attribute value reduction=\"" << red << "\"";
  if (!isa<IntegerType>(it.getElementType()) || it.getElementType().isInteger(1))
    return nodeError(n) << "indices must be int32 or int64, got " << it.getElementType();
  if (ut.getElementType() != xt.getElementType())
    return nodeError(n) << "updates (" << ut.getElementType() << ") and data ("
                        << xt.getElementType() << ") element types differ";
  int64_t axis = 0;
  if (!nd) {
    auto a = normAxis(attrInt(n, "axis", 0), xt.getRank());
    if (!a)
      return nodeError(n) << "axis " << attrInt(n, "axis", 0) << " out of range for rank "
                          << xt.getRank();
    axis = *a;
    if (it.getShape() != ut.getShape() || it.getRank() != xt.getRank())
      return nodeError(n) << "indices " << shapeToString(it.getShape()) << " and updates "
                          << shapeToString(ut.getShape())
                          << " must have one shape of the data's rank " << xt.getRank();
  } else {
    if (it.getRank() < 1 || it.getShape().back() < 1 || it.getShape().back() > xt.getRank())
      return nodeError(n) << "indices must end in a dimension of 1 to " << xt.getRank();
    SmallVector<int64_t> want(it.getShape().drop_back());
    for (int64_t d = it.getShape().back(); d < xt.getRank(); ++d)
      want.push_back(xt.getDimSize(d));
    if (ArrayRef<int64_t>(want) != ut.getShape())
      return nodeError(n) << "updates " << shapeToString(ut.getShape()) << " should be "
                          << shapeToString(want);
  }
  return make<ScatterOp>(n, xt, x, ix, u, b.getI64IntegerAttr(axis), b.getBoolAttr(nd),
                         b.getStringAttr(red));
}

LogicalResult Importer::onScatterElements(const NodeProto &n) {
  if (failed(need(n, {0, 1, 2})))
    return failure();
  return defineResult(n, buildScatter(n, false));
}

/// ScatterND; on constants (mask construction in exported models) it folds.
LogicalResult Importer::onScatterND(const NodeProto &n) {
  if (failed(need(n, {0, 1, 2})))
    return failure();
  auto data = constOf(input(n, 0)), idx = constOf(input(n, 1)), upd = constOf(input(n, 2));
  if (!data || !idx || !upd || idx->isFloat || attrString(n, "reduction", "none") != "none") {
    auto v = buildScatter(n, true);
    if (failed(v))
      return failure();
    define(n, 0, *v);
    return success();
  }
  auto ds = rtt(input(n, 0)).getShape(), is = rtt(input(n, 1)).getShape();
  if (is.empty() || is.back() < 1 || is.back() > (int64_t)ds.size())
    return nodeError(n) << "indices must end in a dimension of 1 to " << ds.size();
  int64_t depth = is.back(), slice = 1, count = 1;
  for (size_t d = depth; d < ds.size(); ++d)
    slice *= ds[d];
  for (size_t d = 0; d + 1 < is.size(); ++d)
    count *= is[d];
  if (upd->numElements() != count * slice)
    return nodeError(n) << "updates have " << upd->numElements() << " elements, expected "
                        << count * slice;
  ConstTensor out = *data;
  for (int64_t u = 0; u < count; ++u) {
    int64_t off = 0;
    for (int64_t d = 0; d < depth; ++d) {
      int64_t i = idx->i[u * depth + d];
      if (i < 0)
        i += ds[d];
      if (i < 0 || i >= ds[d])
        return nodeError(n) << "index " << idx->i[u * depth + d] << " out of range for dimension "
                            << d << " of size " << ds[d];
      off = off * ds[d] + i;
    }
    off *= slice;
    for (int64_t k = 0; k < slice; ++k) {
      if (out.isFloat)
        out.f[off + k] = upd->asDouble(u * slice + k);
      else
        out.i[off + k] = upd->isFloat ? (int64_t)upd->f[u * slice + k] : upd->i[u * slice + k];
    }
  }
  auto t = rtt(input(n, 0));
  define(n, 0, createConstant(out.write(t), t, n.output(0)));
  return success();
}

/// Range with constant start, limit and delta becomes a constant.
LogicalResult Importer::onRange(const NodeProto &n) {
  if (failed(need(n, {0, 1, 2})))
    return failure();
  std::optional<ConstTensor> c[3];
  for (int k = 0; k < 3; ++k) {
    c[k] = constOf(input(n, k));
    if (!c[k] || c[k]->numElements() != 1)
      return nodeError(n) << "start, limit and delta must be scalar constants (input #" << k
                          << " is not)";
  }
  Type el = rtt(input(n, 0)).getElementType();
  double start = c[0]->asDouble(0), limit = c[1]->asDouble(0), delta = c[2]->asDouble(0);
  if (delta == 0)
    return nodeError(n) << "delta must not be zero";
  int64_t count = std::max<int64_t>(0, (int64_t)std::ceil((limit - start) / delta));
  if (count > (1 << 24))
    return nodeError(n) << "range of " << count << " elements is too large";
  ConstTensor out;
  out.isFloat = isa<FloatType>(el);
  out.shape = {count};
  for (int64_t k = 0; k < count; ++k) {
    if (out.isFloat)
      out.f.push_back((float)start + (float)k * (float)delta);
    else
      out.i.push_back((int64_t)start + k * (int64_t)delta);
  }
  auto t = RankedTensorType::get({count}, el);
  define(n, 0, createConstant(out.write(t), t, n.output(0)));
  return success();
}

/// Swish (opset 24): x * sigmoid(alpha * x).
LogicalResult Importer::onSwish(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  auto x = requireFloat(n, asPlain(input(n, 0)), "input");
  if (failed(x))
    return failure();
  Type el = rtt(*x).getElementType();
  float alpha = attrFloat(n, "alpha", 1.0f);
  Value in = *x;
  if (alpha != 1.0f) {
    auto s = buildBinary(n, "Mul", *x, scalarConst(el, alpha), el);
    if (failed(s))
      return failure();
    in = *s;
  }
  auto sg = make<SigmoidOp>(n, x->getType(), in);
  if (failed(sg))
    return failure();
  auto y = buildBinary(n, "Mul", *x, *sg, el);
  if (failed(y))
    return failure();
  define(n, 0, *y);
  return success();
}

/// RMSNormalization (opset 23): x / sqrt(mean(x^2 over axis..) + epsilon) * scale.
LogicalResult Importer::onRMSNorm(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  auto x = requireFloat(n, asPlain(input(n, 0)), "input");
  if (failed(x))
    return failure();
  if (attr(n, "stash_type") && attrInt(n, "stash_type", 1) != 1)
    return nodeError(n) << "unsupported attribute value stash_type="
                        << attrInt(n, "stash_type", 1);
  int64_t rank = rtt(*x).getRank();
  auto axis = normAxis(attrInt(n, "axis", -1), rank);
  if (!axis)
    return nodeError(n) << "axis out of range for rank " << rank;
  Type el = rtt(*x).getElementType();
  SmallVector<int64_t> axes;
  for (int64_t d = *axis; d < rank; ++d)
    axes.push_back(d);
  std::string why;
  auto rt = rtt(*x).clone(*inferReduceShape(rtt(*x).getShape(), axes, true, why));
  auto sq = buildBinary(n, "Mul", *x, *x, el);
  if (failed(sq))
    return failure();
  auto ms = make<ReduceMeanOp>(n, rt, *sq, b.getDenseI64ArrayAttr(axes), b.getBoolAttr(true));
  if (failed(ms))
    return failure();
  auto ve = buildBinary(n, "Add", *ms, scalarConst(el, attrFloat(n, "epsilon", 1e-5f)), el);
  if (failed(ve))
    return failure();
  auto sd = make<SqrtOp>(n, rt, *ve);
  if (failed(sd))
    return failure();
  auto y = buildBinary(n, "Div", *x, *sd, el);
  if (succeeded(y))
    y = buildBinary(n, "Mul", *y, input(n, 1), el);
  if (failed(y))
    return failure();
  define(n, 0, *y);
  return success();
}

/// Einsum with one or two operands and explicit or implicit output, no
/// ellipsis: letters only in one operand and not in the output are summed
/// first; two operands become transpose -> reshape -> batched MatMul ->
/// reshape -> transpose (batch letters, then the left's free letters, the
/// right's free letters, contracting over the shared ones).
LogicalResult Importer::onEinsum(const NodeProto &n) {
  std::string eq;
  for (char c : attrString(n, "equation", ""))
    if (c != ' ')
      eq += c;
  if (eq.find("...") != std::string::npos)
    return nodeError(n) << "Einsum with an ellipsis is not supported";
  size_t arrow = eq.find("->");
  std::string lhs = eq.substr(0, arrow);
  SmallVector<std::string> terms;
  for (size_t start = 0;;) {
    size_t comma = lhs.find(',', start);
    terms.push_back(lhs.substr(start, comma == std::string::npos ? std::string::npos
                                                                  : comma - start));
    if (comma == std::string::npos)
      break;
    start = comma + 1;
  }
  int ninputs = 0;
  for (int k = 0; k < n.input_size(); ++k)
    ninputs += !n.input(k).empty();
  if (terms.size() != (size_t)ninputs || ninputs < 1 || ninputs > 2)
    return nodeError(n) << "Einsum '" << eq << "' needs one or two operands matching its inputs";
  std::string out;
  if (arrow != std::string::npos) {
    out = eq.substr(arrow + 2);
  } else {
    // Implicit output: letters that appear once, in alphabetical order.
    std::map<char, int> count;
    for (auto &t : terms)
      for (char c : t)
        ++count[c];
    for (auto &[c, k] : count)
      if (k == 1)
        out += c;
  }
  SmallVector<Value> vals;
  std::map<char, int64_t> size;
  for (size_t i = 0; i < terms.size(); ++i) {
    Value v = asPlain(input(n, i));
    auto s = rtt(v).getShape();
    if (!isa<FloatType>(rtt(v).getElementType()))
      return nodeError(n) << "Einsum operands must be float tensors";
    if ((int64_t)terms[i].size() != (int64_t)s.size())
      return nodeError(n) << "term '" << terms[i] << "' does not match operand rank " << s.size();
    for (size_t d = 0; d < s.size(); ++d) {
      char c = terms[i][d];
      if (!std::isalpha((unsigned char)c) || s[d] == kDyn ||
          terms[i].find(c) != terms[i].rfind(c))
        return nodeError(n) << "Einsum '" << eq
                            << "' needs distinct letters per operand and static shapes";
      if (size.count(c) && size[c] != s[d] && size[c] != 1 && s[d] != 1)
        return nodeError(n) << "letter '" << c << "' has sizes " << size[c] << " and " << s[d];
      if (s[d] != 1 || !size.count(c))
        size[c] = s[d];
    }
    vals.push_back(v);
  }
  for (char c : out)
    if (!size.count(c) || out.find(c) != out.rfind(c))
      return nodeError(n) << "output letter '" << c << "' is invalid";
  Type el = rtt(vals[0]).getElementType();
  auto inStr = [](const std::string &s, char c) { return s.find(c) != std::string::npos; };
  // Sum letters that only one operand has and the output lacks.
  for (size_t i = 0; i < terms.size(); ++i) {
    std::string other = terms.size() == 2 ? terms[1 - i] : std::string();
    SmallVector<int64_t> axes;
    std::string kept;
    for (size_t d = 0; d < terms[i].size(); ++d) {
      char c = terms[i][d];
      if (!inStr(out, c) && !inStr(other, c))
        axes.push_back(d);
      else
        kept += c;
    }
    if (axes.empty())
      continue;
    std::string why;
    auto shape = inferReduceShape(rtt(vals[i]).getShape(), axes, false, why);
    auto r = make<ReduceSumOp>(n, rtt(vals[i]).clone(*shape), vals[i],
                               b.getDenseI64ArrayAttr(axes), b.getBoolAttr(false));
    if (failed(r))
      return failure();
    vals[i] = *r;
    terms[i] = kept;
  }
  auto transposeTo = [&](Value v, const std::string &from,
                         const std::string &to) -> FailureOr<Value> {
    if (from == to)
      return v;
    SmallVector<int64_t> perm;
    for (char c : to)
      perm.push_back(from.find(c));
    std::string why;
    auto shape = inferTransposeShape(rtt(v).getShape(), perm, why);
    return make<TransposeOp>(n, rtt(v).clone(*shape), v, b.getDenseI64ArrayAttr(perm));
  };
  if (terms.size() == 1) {
    auto t = transposeTo(vals[0], terms[0], out);
    if (failed(t))
      return failure();
    define(n, 0, *t);
    return success();
  }
  // Classify the letters of the two operands.
  std::string batch, lfree, rfree, contract;
  for (char c : terms[0]) {
    bool inB = inStr(terms[1], c), inO = inStr(out, c);
    if (inB && inO)
      batch += c;
    else if (inB)
      contract += c;
    else
      lfree += c;
  }
  for (char c : terms[1])
    if (!inStr(terms[0], c))
      rfree += c;
  auto prod = [&](const std::string &ls) {
    int64_t p = 1;
    for (char c : ls)
      p *= size[c];
    return p;
  };
  // Operands as [batch, M, K] and [batch, K, N] (size-1 letters broadcast
  // through MatMul's batch rules only when both have them; expand first).
  auto prepare = [&](Value v, const std::string &term, const std::string &order,
                     SmallVector<int64_t> shape3) -> FailureOr<Value> {
    auto t = transposeTo(v, term, order);
    if (failed(t))
      return failure();
    SmallVector<int64_t> full;
    for (char c : order)
      full.push_back(size[c]);
    Value x = *t;
    if (!llvm::equal(rtt(x).getShape(), full)) {
      auto e = make<BroadcastOp>(n, rtt(x).clone(full), x);
      if (failed(e))
        return failure();
      x = *e;
    }
    return buildReshape(n, x, shape3, false);
  };
  auto a = prepare(vals[0], terms[0], batch + lfree + contract,
                   {prod(batch), prod(lfree), prod(contract)});
  auto bb = prepare(vals[1], terms[1], batch + contract + rfree,
                    {prod(batch), prod(contract), prod(rfree)});
  if (failed(a) || failed(bb))
    return failure();
  auto mm = buildMatMul(n, *a, *bb, el);
  if (failed(mm))
    return failure();
  SmallVector<int64_t> full;
  std::string order = batch + lfree + rfree;
  for (char c : order)
    full.push_back(size[c]);
  auto r = buildReshape(n, *mm, full, false);
  if (failed(r))
    return failure();
  auto t = transposeTo(*r, order, out);
  if (failed(t))
    return failure();
  define(n, 0, *t);
  return success();
}

LogicalResult Importer::onGatherElements(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  Value x = input(n, 0), ix = input(n, 1);
  auto axis = normAxis(attrInt(n, "axis", 0), rtt(x).getRank());
  if (!axis)
    return nodeError(n) << "axis " << attrInt(n, "axis", 0) << " out of range for rank "
                        << rtt(x).getRank();
  return defineResult(n, make<GatherElementsOp>(n, RankedTensorType::get(rtt(ix).getShape(),
                                                            rtt(x).getElementType()),
                                  x, ix, b.getI64IntegerAttr(*axis)));
}

LogicalResult Importer::onGatherND(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  Value x = input(n, 0), ix = input(n, 1);
  auto xt = rtt(x), it = rtt(ix);
  int64_t bd = attrInt(n, "batch_dims", 0), ir = it.getRank(), xr = xt.getRank();
  if (!isa<IntegerType>(it.getElementType()) || it.getElementType().isInteger(1))
    return nodeError(n) << "indices must be int32 or int64, got " << it.getElementType();
  if (ir < 1 || it.isDynamicDim(ir - 1))
    return nodeError(n) << "indices need a static last dimension";
  int64_t k = it.getShape().back();
  if (bd < 0 || bd >= std::min(ir, xr))
    return nodeError(n) << "batch_dims " << bd << " must be below the ranks of data (" << xr
                        << ") and indices (" << ir << ")";
  if (k < 1 || bd + k > xr)
    return nodeError(n) << "index tuples of " << k << " do not fit data of rank " << xr
                        << " after " << bd << " batch dimension(s)";
  SmallVector<int64_t> shape(it.getShape().drop_back());
  for (int64_t d = bd + k; d < xr; ++d)
    shape.push_back(xt.getDimSize(d));
  return defineResult(
      n, make<GatherNDOp>(n, RankedTensorType::get(shape, xt.getElementType()), x, ix,
                            b.getI64IntegerAttr(bd)));
}

/// TopK with a constant k as k rounds of ArgMax (ArgMin for the smallest):
/// each round takes the first extreme index (ONNX's tie rule: the lower
/// index first), gathers its value and masks it with -inf (+inf). Sorted
/// output; float inputs.
LogicalResult Importer::onTopK(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  auto fx = requireFloat(n, asPlain(input(n, 0)), "input");
  if (failed(fx))
    return failure();
  Value x = *fx;
  auto xt = rtt(x);
  int64_t rank = xt.getRank();
  auto axis = normAxis(attrInt(n, "axis", -1), rank);
  if (!axis)
    return nodeError(n) << "axis out of range for rank " << rank;
  int64_t k;
  if (opset < 10) {
    k = attrInt(n, "k", -1);
  } else {
    auto kv = constInts(n, 1, "K");
    if (failed(kv))
      return failure();
    if (kv->size() != 1)
      return nodeError(n) << "K must hold one value";
    k = (*kv)[0];
  }
  int64_t dim = xt.getDimSize(*axis);
  if (dim == kDyn)
    return nodeError(n) << "the TopK axis needs a static size (use --input-shape)";
  if (k < 1 || k > dim)
    return nodeError(n) << "K = " << k << " must be in [1, " << dim << "]";
  if (k > 256)
    return nodeError(n) << "K = " << k << " is larger than the 256 supported";
  bool largest = attrInt(n, "largest", 1);
  Type el = xt.getElementType();
  // Positions along the axis, shaped to broadcast: [1, .., dim, .., 1].
  SmallVector<int64_t> iotaShape(rank, 1);
  iotaShape[*axis] = dim;
  ConstTensor iota;
  iota.shape.assign(iotaShape.begin(), iotaShape.end());
  for (int64_t i = 0; i < dim; ++i)
    iota.i.push_back(i);
  auto iotaT = RankedTensorType::get(iotaShape, b.getI64Type());
  Value pos = createConstant(iota.write(iotaT), iotaT, "");
  double inf = std::numeric_limits<double>::infinity();
  Value fill = scalarConst(el, largest ? -inf : inf);
  SmallVector<int64_t> keptShape(xt.getShape());
  keptShape[*axis] = 1;
  auto idxT = RankedTensorType::get(keptShape, b.getI64Type());
  auto boolT = RankedTensorType::get(xt.getShape(), b.getI1Type());
  SmallVector<Value> vals, idxs;
  Value cur = x;
  for (int64_t j = 0; j < k; ++j) {
    auto ax = b.getI64IntegerAttr(*axis);
    auto first = b.getBoolAttr(false);
    auto i = largest ? make<ArgMaxOp>(n, idxT, cur, ax, b.getBoolAttr(true), first)
                     : make<ArgMinOp>(n, idxT, cur, ax, b.getBoolAttr(true), first);
    if (failed(i))
      return failure();
    auto v = make<GatherElementsOp>(n, xt.clone(keptShape), x, *i, ax);
    if (failed(v))
      return failure();
    vals.push_back(*v);
    idxs.push_back(*i);
    if (j + 1 == k)
      break;
    auto hit = make<CompareOp>(n, boolT, pos, *i, b.getStringAttr("eq"));
    if (failed(hit))
      return failure();
    auto masked = make<WhereOp>(n, xt, *hit, fill, cur);
    if (failed(masked))
      return failure();
    cur = *masked;
  }
  SmallVector<int64_t> outShape(xt.getShape());
  outShape[*axis] = k;
  auto join = [&](ArrayRef<Value> parts, Type elem) -> FailureOr<Value> {
    if (parts.size() == 1)
      return parts[0];
    return make<ConcatOp>(n, RankedTensorType::get(outShape, elem), parts,
                          b.getI64IntegerAttr(*axis));
  };
  auto values = join(vals, el);
  auto indices = join(idxs, b.getI64Type());
  if (failed(values) || failed(indices))
    return failure();
  define(n, 0, *values);
  define(n, 1, *indices);
  return success();
}

/// Helpers of the unrolled recurrent ops: `len` entries from `start` along
/// `axis`; entry `i` of the leading axis without that axis; `parts`
/// concatenated along `axis`; a zero tensor; x * w^T + c.
FailureOr<Value> Importer::sliceAxis(const NodeProto &n, Value v, int64_t axis, int64_t start,
                                     int64_t len) {
  SmallVector<int64_t> shape(rtt(v).getShape());
  shape[axis] = len;
  return make<SliceOp>(n, rtt(v).clone(shape), v, b.getDenseI64ArrayAttr({start}),
                       b.getDenseI64ArrayAttr({start + len}), b.getDenseI64ArrayAttr({axis}),
                       b.getDenseI64ArrayAttr({1}));
}
FailureOr<Value> Importer::leadingEntry(const NodeProto &n, Value v, int64_t i) {
  auto t = sliceAxis(n, v, 0, i, 1);
  if (failed(t))
    return failure();
  auto s = rtt(*t).getShape();
  return buildReshape(n, *t, SmallVector<int64_t>(s.begin() + 1, s.end()), false);
}
FailureOr<Value> Importer::concatAxis(const NodeProto &n, ArrayRef<Value> parts, int64_t axis) {
  if (parts.size() == 1)
    return parts[0];
  SmallVector<int64_t> shape(rtt(parts[0]).getShape());
  shape[axis] = 0;
  for (Value p : parts)
    shape[axis] += rtt(p).getDimSize(axis);
  return make<ConcatOp>(n, rtt(parts[0]).clone(shape), SmallVector<Value>(parts),
                        b.getI64IntegerAttr(axis));
}
Value Importer::zerosLike(ArrayRef<int64_t> shape, Type el) {
  auto t = RankedTensorType::get(shape, el);
  return createConstant(DenseElementsAttr::get(t, b.getFloatAttr(el, 0.0)), t, "");
}
FailureOr<Value> Importer::gemmTransB(const NodeProto &n, Value a, Value w, Value c) {
  int64_t m = rtt(a).getDimSize(0), cols = rtt(w).getDimSize(0);
  return make<GemmOp>(n, RankedTensorType::get({m, cols}, rtt(a).getElementType()), a, w, c,
                      b.getBoolAttr(false), b.getBoolAttr(true), b.getF32FloatAttr(1.0f),
                      b.getF32FloatAttr(1.0f), b.getStringAttr("none"), FloatAttr(),
                      FloatAttr());
}

/// LSTM (layout 0, default activations) unrolled over its static sequence:
/// the input projections of all steps in one Gemm, then per step the
/// recurrent Gemm, the gates (i, o, f, c), optional peepholes and clip.
LogicalResult Importer::onLSTM(const NodeProto &n) {
  if (failed(need(n, {0, 1, 2})))
    return failure();
  auto fx = requireFloat(n, asPlain(input(n, 0)), "X");
  if (failed(fx))
    return failure();
  Value x = *fx, wAll = input(n, 1), rAll = input(n, 2), bAll = input(n, 3);
  if (attrInt(n, "layout", 0) != 0)
    return nodeError(n) << "unsupported attribute value layout=" << attrInt(n, "layout", 0);
  if (attrInt(n, "input_forget", 0) != 0)
    return nodeError(n) << "unsupported attribute value input_forget=1";
  if (auto acts = attr(n, "activations")) {
    static const char *defaults[] = {"Sigmoid", "Tanh", "Tanh"};
    for (int k = 0; k < acts->strings_size(); ++k)
      if (acts->strings(k) != defaults[k % 3])
        return nodeError(n) << "unsupported activation '" << acts->strings(k)
                            << "' (only Sigmoid, Tanh, Tanh)";
  }
  if (Value sl = input(n, 4)) {
    auto c = constOf(sl);
    int64_t seqLen = rtt(x).getDimSize(0);
    if (!c || llvm::any_of(c->i, [&](int64_t v) { return v != seqLen; }))
      return nodeError(n) << "sequence_lens must be a constant equal to the sequence length";
  }
  auto xs = rtt(x).getShape();
  if (xs.size() != 3 || !rtt(x).hasStaticShape())
    return nodeError(n) << "X must be a 3-D tensor of static shape (use --input-shape)";
  int64_t seq = xs[0], batch = xs[1], inSize = xs[2];
  int64_t hidden = attrInt(n, "hidden_size", 0);
  std::string dirAttr = attrString(n, "direction", "forward");
  int64_t dirs = dirAttr == "bidirectional" ? 2 : 1;
  if (dirAttr != "forward" && dirAttr != "reverse" && dirAttr != "bidirectional")
    return nodeError(n) << "unsupported attribute value direction=\"" << dirAttr << "\"";
  auto ws = rtt(wAll).getShape(), rs = rtt(rAll).getShape();
  if (hidden < 1 || ws.size() != 3 || ws[0] != dirs || ws[1] != 4 * hidden || ws[2] != inSize ||
      rs.size() != 3 || rs[0] != dirs || rs[1] != 4 * hidden || rs[2] != hidden)
    return nodeError(n) << "W " << shapeToString(ws) << " and R " << shapeToString(rs)
                        << " do not fit hidden_size " << hidden << ", " << dirs
                        << " direction(s) and input size " << inSize;
  Type el = rtt(x).getElementType();
  std::optional<float> clip;
  if (attr(n, "clip"))
    clip = attrFloat(n, "clip", 0);
  auto take = [&](Value v, int64_t axis, int64_t start, int64_t len) {
    return sliceAxis(n, v, axis, start, len);
  };
  auto bin = [&](StringRef k, Value a, Value c) { return buildBinary(n, k, a, c, el); };
  auto zeros = [&](ArrayRef<int64_t> shape) { return zerosLike(shape, el); };
  auto gemm = [&](Value a, Value w, Value c) { return gemmTransB(n, a, w, c); };
  auto x2 = buildReshape(n, x, {seq * batch, inSize}, false);
  if (failed(x2))
    return failure();
  SmallVector<Value> ys(dirs), hs(dirs), cs(dirs);
  SmallVector<SmallVector<Value>> stepsOut(dirs);
  for (int64_t d = 0; d < dirs; ++d) {
    bool reverse = dirAttr == "reverse" || d == 1;
    auto wd = leadingEntry(n, wAll, d), rd = leadingEntry(n, rAll, d);
    if (failed(wd) || failed(rd))
      return failure();
    Value bias = zeros({4 * hidden});
    if (bAll) {
      auto b2 = leadingEntry(n, bAll, d);
      if (failed(b2))
        return failure();
      auto wb = take(*b2, 0, 0, 4 * hidden), rb = take(*b2, 0, 4 * hidden, 4 * hidden);
      if (failed(wb) || failed(rb))
        return failure();
      auto sum = bin("Add", *wb, *rb);
      if (failed(sum))
        return failure();
      bias = *sum;
    }
    auto xw = gemm(*x2, *wd, bias);
    if (failed(xw))
      return failure();
    auto xw3 = buildReshape(n, *xw, {seq, batch, 4 * hidden}, false);
    if (failed(xw3))
      return failure();
    Value h = zeros({batch, hidden}), c = zeros({batch, hidden});
    for (auto [k, slot] : {std::pair<int, Value *>{5, &h}, {6, &c}})
      if (Value init = input(n, k)) {
        auto s = leadingEntry(n, init, d);
        if (failed(s))
          return failure();
        *slot = *s;
      }
    Value pi, po, pf;
    if (Value p = input(n, 7)) {
      auto p1 = leadingEntry(n, p, d);
      if (failed(p1))
        return failure();
      auto a = take(*p1, 0, 0, hidden), o = take(*p1, 0, hidden, hidden),
           f = take(*p1, 0, 2 * hidden, hidden);
      if (failed(a) || failed(o) || failed(f))
        return failure();
      pi = *a, po = *o, pf = *f;
    }
    auto clipped = [&](Value v) -> FailureOr<Value> {
      if (!clip)
        return v;
      return make<ClampOp>(n, v.getType(), v, b.getF32FloatAttr(-*clip),
                           b.getF32FloatAttr(*clip));
    };
    auto act = [&](bool sigmoid, Value v) -> FailureOr<Value> {
      auto cv = clipped(v);
      if (failed(cv))
        return failure();
      if (sigmoid)
        return make<SigmoidOp>(n, v.getType(), *cv);
      return make<TanhOp>(n, v.getType(), *cv);
    };
    stepsOut[d].assign(seq, Value());
    for (int64_t s = 0; s < seq; ++s) {
      int64_t t = reverse ? seq - 1 - s : s;
      auto xt2 = leadingEntry(n, *xw3, t);
      auto g = succeeded(xt2) ? gemm(h, *rd, *xt2) : FailureOr<Value>(failure());
      if (failed(g))
        return failure();
      auto gi = take(*g, 1, 0, hidden), go = take(*g, 1, hidden, hidden),
           gf = take(*g, 1, 2 * hidden, hidden), gc = take(*g, 1, 3 * hidden, hidden);
      if (failed(gi) || failed(go) || failed(gf) || failed(gc))
        return failure();
      Value iv = *gi, fv = *gf, ov = *go;
      if (pi) {
        auto a = bin("Mul", pi, c), f = bin("Mul", pf, c);
        if (failed(a) || failed(f))
          return failure();
        auto a2 = bin("Add", iv, *a), f2 = bin("Add", fv, *f);
        if (failed(a2) || failed(f2))
          return failure();
        iv = *a2, fv = *f2;
      }
      auto it = act(true, iv), ft = act(true, fv), ct = act(false, *gc);
      if (failed(it) || failed(ft) || failed(ct))
        return failure();
      auto fc = bin("Mul", *ft, c), ic = bin("Mul", *it, *ct);
      if (failed(fc) || failed(ic))
        return failure();
      auto cn = bin("Add", *fc, *ic);
      if (failed(cn))
        return failure();
      c = *cn;
      if (po) {
        auto p = bin("Mul", po, c);
        auto o2 = succeeded(p) ? bin("Add", ov, *p) : FailureOr<Value>(failure());
        if (failed(o2))
          return failure();
        ov = *o2;
      }
      auto otv = act(true, ov);
      auto tc = make<TanhOp>(n, c.getType(), c);
      if (failed(otv) || failed(tc))
        return failure();
      auto hn = bin("Mul", *otv, *tc);
      if (failed(hn))
        return failure();
      h = *hn;
      auto h4 = buildReshape(n, h, {1, 1, batch, hidden}, false);
      if (failed(h4))
        return failure();
      stepsOut[d][t] = *h4;
    }
    hs[d] = h;
    cs[d] = c;
  }
  auto concat = [&](ArrayRef<Value> parts, int64_t axis) { return concatAxis(n, parts, axis); };
  SmallVector<Value> perDir, lastH, lastC;
  for (int64_t d = 0; d < dirs; ++d) {
    auto y = concat(stepsOut[d], 0);
    auto h3 = buildReshape(n, hs[d], {1, batch, hidden}, false);
    auto c3 = buildReshape(n, cs[d], {1, batch, hidden}, false);
    if (failed(y) || failed(h3) || failed(c3))
      return failure();
    perDir.push_back(*y);
    lastH.push_back(*h3);
    lastC.push_back(*c3);
  }
  auto y = concat(perDir, 1), yh = concat(lastH, 0), yc = concat(lastC, 0);
  if (failed(y) || failed(yh) || failed(yc))
    return failure();
  define(n, 0, *y);
  define(n, 1, *yh);
  define(n, 2, *yc);
  return success();
}

/// GRU (layout 0, default activations, both linear_before_reset forms)
/// unrolled like LSTM: z and r from one recurrent Gemm, then the candidate.
LogicalResult Importer::onGRU(const NodeProto &n) {
  if (failed(need(n, {0, 1, 2})))
    return failure();
  auto fx = requireFloat(n, asPlain(input(n, 0)), "X");
  if (failed(fx))
    return failure();
  Value x = *fx, wAll = input(n, 1), rAll = input(n, 2), bAll = input(n, 3);
  if (attrInt(n, "layout", 0) != 0)
    return nodeError(n) << "unsupported attribute value layout=" << attrInt(n, "layout", 0);
  if (auto acts = attr(n, "activations")) {
    static const char *defaults[] = {"Sigmoid", "Tanh"};
    for (int k = 0; k < acts->strings_size(); ++k)
      if (acts->strings(k) != defaults[k % 2])
        return nodeError(n) << "unsupported activation '" << acts->strings(k)
                            << "' (only Sigmoid, Tanh)";
  }
  if (attr(n, "clip"))
    return nodeError(n) << "unsupported attribute clip";
  auto xs = rtt(x).getShape();
  if (xs.size() != 3 || !rtt(x).hasStaticShape())
    return nodeError(n) << "X must be a 3-D tensor of static shape (use --input-shape)";
  if (Value sl = input(n, 4)) {
    auto c = constOf(sl);
    if (!c || llvm::any_of(c->i, [&](int64_t v) { return v != xs[0]; }))
      return nodeError(n) << "sequence_lens must be a constant equal to the sequence length";
  }
  int64_t seq = xs[0], batch = xs[1], inSize = xs[2];
  int64_t hid = attrInt(n, "hidden_size", 0);
  bool lbr = attrInt(n, "linear_before_reset", 0);
  std::string dirAttr = attrString(n, "direction", "forward");
  if (dirAttr != "forward" && dirAttr != "reverse" && dirAttr != "bidirectional")
    return nodeError(n) << "unsupported attribute value direction=\"" << dirAttr << "\"";
  int64_t dirs = dirAttr == "bidirectional" ? 2 : 1;
  auto ws = rtt(wAll).getShape(), rs = rtt(rAll).getShape();
  if (hid < 1 || ws.size() != 3 || ws[0] != dirs || ws[1] != 3 * hid || ws[2] != inSize ||
      rs.size() != 3 || rs[0] != dirs || rs[1] != 3 * hid || rs[2] != hid)
    return nodeError(n) << "W " << shapeToString(ws) << " and R " << shapeToString(rs)
                        << " do not fit hidden_size " << hid << ", " << dirs
                        << " direction(s) and input size " << inSize;
  Type el = rtt(x).getElementType();
  auto take = [&](Value v, int64_t axis, int64_t start, int64_t len) {
    return sliceAxis(n, v, axis, start, len);
  };
  auto row = [&](Value v, int64_t i) { return leadingEntry(n, v, i); };
  auto bin = [&](StringRef k, Value a, Value c) { return buildBinary(n, k, a, c, el); };
  auto zeros = [&](ArrayRef<int64_t> shape) { return zerosLike(shape, el); };
  auto gemm = [&](Value a, Value w, Value c) { return gemmTransB(n, a, w, c); };
#define OCTET_TRY(var, expr)                                                                 \
  auto var = (expr);                                                                         \
  if (failed(var))                                                                           \
    return failure();
  OCTET_TRY(x2, buildReshape(n, x, {seq * batch, inSize}, false));
  Value one = scalarConst(el, 1.0);
  SmallVector<SmallVector<Value>> steps(dirs, SmallVector<Value>(seq));
  SmallVector<Value> last(dirs);
  for (int64_t d = 0; d < dirs; ++d) {
    bool reverse = dirAttr == "reverse" || d == 1;
    OCTET_TRY(wd, row(wAll, d));
    OCTET_TRY(rd, row(rAll, d));
    Value wb = zeros({3 * hid}), rb = zeros({3 * hid});
    if (bAll) {
      OCTET_TRY(bd, row(bAll, d));
      OCTET_TRY(w1, take(*bd, 0, 0, 3 * hid));
      OCTET_TRY(r1, take(*bd, 0, 3 * hid, 3 * hid));
      wb = *w1, rb = *r1;
    }
    OCTET_TRY(xw, gemm(*x2, *wd, wb));
    OCTET_TRY(xw3, buildReshape(n, *xw, {seq, batch, 3 * hid}, false));
    OCTET_TRY(rzr, take(*rd, 0, 0, 2 * hid));
    OCTET_TRY(rh, take(*rd, 0, 2 * hid, hid));
    OCTET_TRY(rbzr, take(rb, 0, 0, 2 * hid));
    OCTET_TRY(rbh, take(rb, 0, 2 * hid, hid));
    Value h = zeros({batch, hid});
    if (Value init = input(n, 5)) {
      OCTET_TRY(h0, row(init, d));
      h = *h0;
    }
    for (int64_t s = 0; s < seq; ++s) {
      int64_t t = reverse ? seq - 1 - s : s;
      OCTET_TRY(xt, row(*xw3, t));
      OCTET_TRY(xzr, take(*xt, 1, 0, 2 * hid));
      OCTET_TRY(xh, take(*xt, 1, 2 * hid, hid));
      OCTET_TRY(gzr, gemm(h, *rzr, *rbzr));
      OCTET_TRY(szr, bin("Add", *xzr, *gzr));
      OCTET_TRY(zr, make<SigmoidOp>(n, rtt(*szr), *szr));
      OCTET_TRY(z, take(*zr, 1, 0, hid));
      OCTET_TRY(r, take(*zr, 1, hid, hid));
      FailureOr<Value> cand = failure();
      if (lbr) {
        OCTET_TRY(hr, gemm(h, *rh, *rbh));
        OCTET_TRY(rhr, bin("Mul", *r, *hr));
        cand = bin("Add", *xh, *rhr);
      } else {
        OCTET_TRY(rhp, bin("Mul", *r, h));
        OCTET_TRY(hr, gemm(*rhp, *rh, *rbh));
        cand = bin("Add", *xh, *hr);
      }
      if (failed(cand))
        return failure();
      OCTET_TRY(hh, make<TanhOp>(n, rtt(*cand), *cand));
      OCTET_TRY(omz, bin("Sub", one, *z));
      OCTET_TRY(a, bin("Mul", *omz, *hh));
      OCTET_TRY(c, bin("Mul", *z, h));
      OCTET_TRY(hn, bin("Add", *a, *c));
      h = *hn;
      OCTET_TRY(h4, buildReshape(n, h, {1, 1, batch, hid}, false));
      steps[d][t] = *h4;
    }
    last[d] = h;
  }
  auto concat = [&](ArrayRef<Value> parts, int64_t axis) { return concatAxis(n, parts, axis); };
  SmallVector<Value> perDir, lastH;
  for (int64_t d = 0; d < dirs; ++d) {
    OCTET_TRY(y, concat(steps[d], 0));
    OCTET_TRY(h3, buildReshape(n, last[d], {1, batch, hid}, false));
    perDir.push_back(*y);
    lastH.push_back(*h3);
  }
  OCTET_TRY(y, concat(perDir, 1));
  OCTET_TRY(yh, concat(lastH, 0));
#undef OCTET_TRY
  define(n, 0, *y);
  define(n, 1, *yh);
  return success();
}

/// Equal, Less, LessOrEqual, Greater, GreaterOrEqual.
LogicalResult Importer::onCompare(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  Value l = asPlain(input(n, 0)), r = asPlain(input(n, 1));
  Type le = rtt(l).getElementType(), re = rtt(r).getElementType();
  if (le != re) {
    if (!matchPattern(r, m_Constant()))
      return nodeError(n) << "operand element types differ: " << le << " and " << re;
    r = b.createOrFold<CastOp>(nodeLoc(n), rtt(r).clone(le), r);
  }
  std::string why;
  auto shape = inferBroadcastShape(rtt(l).getShape(), rtt(r).getShape(), why);
  if (failed(shape))
    return nodeError(n) << why;
  StringRef k = n.op_type();
  StringRef pred = k == "Equal" ? "eq" : k == "Less" ? "lt" : k == "LessOrEqual" ? "le"
                   : k == "Greater" ? "gt" : "ge";
  return defineResult(n, make<CompareOp>(n, RankedTensorType::get(*shape, b.getI1Type()), l, r,
                           b.getStringAttr(pred)));
}

LogicalResult Importer::onWhere(const NodeProto &n) {
  if (failed(need(n, {0, 1, 2})))
    return failure();
  return defineResult(n, buildWhere(n, input(n, 0), asPlain(input(n, 1)), asPlain(input(n, 2))));
}

FailureOr<Value> Importer::buildWhere(const NodeProto &n, Value c, Value l, Value r) {
  if (!rtt(c).getElementType().isInteger(1))
    return nodeError(n) << "condition must be a bool tensor, got " << rtt(c).getElementType();
  if (rtt(l).getElementType() != rtt(r).getElementType())
    return nodeError(n) << "value element types differ: " << rtt(l).getElementType()
                        << " and " << rtt(r).getElementType();
  std::string why;
  auto ab = inferBroadcastShape(rtt(l).getShape(), rtt(r).getShape(), why);
  if (failed(ab))
    return nodeError(n) << why;
  auto shape = inferBroadcastShape(rtt(c).getShape(), *ab, why);
  if (failed(shape))
    return nodeError(n) << why;
  return make<WhereOp>(n, RankedTensorType::get(*shape, rtt(l).getElementType()), c, l, r);
}

/// Trilu: the upper (j - i >= k) or lower (j - i <= k) triangle of the last
/// two dimensions, zeros elsewhere; a Where on a constant mask (k must be a
/// constant).
LogicalResult Importer::onTrilu(const NodeProto &n) {
  if (failed(need(n, {0})))
    return failure();
  Value x = input(n, 0);
  if (getQuantElementType(x.getType()))
    return nodeError(n) << "quantized input is not supported";
  auto s = rtt(x).getShape();
  if (s.size() < 2)
    return nodeError(n) << "input must have rank 2 or more, got " << s.size();
  if (ShapedType::isDynamic(s[s.size() - 2]) || ShapedType::isDynamic(s.back()))
    return nodeError(n) << "needs static last two dimensions, got " << rtt(x)
                        << " (fix the model's inputs with --input-shape)";
  int64_t k = 0;
  if (input(n, 1)) {
    auto kv = constInts(n, 1, "k");
    if (failed(kv))
      return failure();
    if (kv->size() != 1)
      return nodeError(n) << "k must be a scalar, got " << kv->size() << " values";
    k = (*kv)[0];
  }
  bool upper = attrInt(n, "upper", 1);
  int64_t rows = s[s.size() - 2], cols = s.back();
  if (rows * cols > (int64_t(1) << 26))
    return nodeError(n) << "a " << rows << "x" << cols << " mask is too large";
  auto mt = RankedTensorType::get({rows, cols}, b.getI1Type());
  ConstTensor mask;
  mask.shape = {rows, cols};
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      mask.i.push_back(upper ? j - i >= k : j - i <= k);
  Value m = arith::ConstantOp::create(b, FileLineColLoc::get(ctx, path, 0, 0), mt,
                                      cast<TypedAttr>(mask.write(mt)));
  return defineResult(n, buildWhere(n, m, x, scalarConst(rtt(x).getElementType(), 0)));
}

/// CumSum(x, axis) with a constant axis; exclusive and reverse attributes.
LogicalResult Importer::onCumSum(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  Value x = asPlain(input(n, 0));
  Type el = rtt(x).getElementType();
  if (!isa<FloatType>(el) && !(isa<IntegerType>(el) && el.getIntOrFloatBitWidth() >= 32))
    return nodeError(n) << "input must be a float, int32 or int64 tensor, got " << el;
  auto ax = constInts(n, 1, "axis");
  if (failed(ax))
    return failure();
  if (ax->size() != 1)
    return nodeError(n) << "axis must be a scalar, got " << ax->size() << " values";
  int64_t rank = rtt(x).getRank();
  auto axis = normAxis((*ax)[0], rank);
  if (!axis)
    return nodeError(n) << "axis " << (*ax)[0] << " out of range for rank " << rank;
  return defineResult(n, make<CumSumOp>(n, x.getType(), x, b.getI64IntegerAttr(*axis),
                          b.getBoolAttr(attrInt(n, "exclusive", 0)),
                          b.getBoolAttr(attrInt(n, "reverse", 0))));
}

/// Ops composed from others: IsNaN, IsInf, Hardmax, LpNormalization,
/// MeanVarianceNormalization, OneHot (constant depth and values), EyeLike.
LogicalResult Importer::onComposite(const NodeProto &n) {
  StringRef k = n.op_type();
  if (failed(need(n, k == "OneHot" ? std::initializer_list<int>{0, 1, 2}
                                   : std::initializer_list<int>{0})))
    return failure();
  Location loc = nodeLoc(n);
  Value x = asPlain(input(n, 0));
  auto xt = rtt(x);
  Type el = xt.getElementType();
  int64_t rank = xt.getRank();
  if (!xt.hasStaticShape() && k != "IsNaN" && k != "IsInf")
    return nodeError(n) << "needs a static input shape, got " << xt
                        << " (fix the model's inputs with --input-shape)";
  auto cmp = [&](Value l, Value r, StringRef pred, ArrayRef<int64_t> shape) {
    return make<CompareOp>(n, RankedTensorType::get(shape, b.getI1Type()), l, r,
                           b.getStringAttr(pred));
  };
  auto constOfShape = [&](ArrayRef<int64_t> shape, Type t, function_ref<double(int64_t)> f) {
    auto rt = RankedTensorType::get(shape, t);
    ConstTensor c;
    c.shape.assign(shape.begin(), shape.end());
    c.isFloat = isa<FloatType>(t);
    for (int64_t i = 0, e = rt.getNumElements(); i < e; ++i) {
      if (c.isFloat)
        c.f.push_back(f(i));
      else
        c.i.push_back((int64_t)f(i));
    }
    return (Value)arith::ConstantOp::create(b, loc, rt, cast<TypedAttr>(c.write(rt)));
  };
  FailureOr<Value> v;
  if (k == "EyeLike") {
    if (rank != 2)
      return nodeError(n) << "input must have rank 2, got " << rank;
    Type out = el;
    if (auto dt = attrInt(n, "dtype", -1); dt != -1) {
      auto t = elementType(dt, [&] { return nodeError(n); });
      if (failed(t))
        return failure();
      out = *t;
    }
    if (xt.getNumElements() > (int64_t(1) << 26))
      return nodeError(n) << "a " << xt << " constant is too large";
    int64_t kk = attrInt(n, "k", 0), cols = xt.getDimSize(1);
    v = constOfShape(xt.getShape(), out, [&](int64_t i) { return i % cols - i / cols == kk; });
  } else if (k == "IsNaN" || k == "IsInf") {
    auto fx = requireFloat(n, x, "input");
    if (failed(fx))
      return failure();
    if (k == "IsNaN") {
      v = cmp(x, x, "eq", xt.getShape());
      if (succeeded(v))
        v = buildBinary(n, "Xor", *v, scalarConst(b.getI1Type(), 1), b.getI1Type());
    } else {
      bool neg = attrInt(n, "detect_negative", 1), pos = attrInt(n, "detect_positive", 1);
      double inf = std::numeric_limits<double>::infinity();
      FailureOr<Value> p = pos ? cmp(x, scalarConst(el, inf), "eq", xt.getShape()) : Value();
      FailureOr<Value> q = neg ? cmp(x, scalarConst(el, -inf), "eq", xt.getShape()) : Value();
      if (failed(p) || failed(q))
        return failure();
      if (*p && *q)
        v = buildBinary(n, "Or", *p, *q, b.getI1Type());
      else if (*p || *q)
        v = *p ? *p : *q;
      else
        v = cmp(x, x, "lt", xt.getShape()); // nothing to detect: all false
    }
  } else if (k == "Hardmax" || k == "LpNormalization") {
    auto fx = requireFloat(n, x, "input");
    if (failed(fx))
      return failure();
    auto axis = normAxis(attrInt(n, "axis", -1), rank);
    if (!axis)
      return nodeError(n) << "axis " << attrInt(n, "axis", -1) << " out of range for rank "
                          << rank;
    std::string why;
    auto kept = xt.clone(*inferReduceShape(xt.getShape(), {*axis}, true, why));
    if (k == "Hardmax") {
      if (opset < 13)
        return nodeError(n) << "Hardmax before opset 13 flattens from axis " << *axis
                            << "; only opset 13 and later are supported";
      auto am = make<ArgMaxOp>(n, kept.clone(b.getI64Type()), x, b.getI64IntegerAttr(*axis),
                               b.getBoolAttr(true), b.getBoolAttr(false));
      if (failed(am))
        return failure();
      SmallVector<int64_t> iotaShape(rank, 1);
      iotaShape[*axis] = xt.getDimSize(*axis);
      Value iota = constOfShape(iotaShape, b.getI64Type(), [](int64_t i) { return (double)i; });
      v = cmp(iota, *am, "eq", xt.getShape());
      if (succeeded(v))
        v = make<CastOp>(n, xt, *v);
    } else {
      int64_t p = attrInt(n, "p", 2);
      if (p != 1 && p != 2)
        return nodeError(n) << "unsupported attribute value p=" << p << " (1 or 2)";
      auto ax = b.getDenseI64ArrayAttr({*axis});
      FailureOr<Value> t = p == 1 ? make<AbsOp>(n, xt, x) : buildBinary(n, "Mul", x, x, el);
      if (succeeded(t))
        t = make<ReduceSumOp>(n, kept, *t, ax, b.getBoolAttr(true));
      if (succeeded(t) && p == 2)
        t = make<SqrtOp>(n, kept, *t);
      if (failed(t))
        return failure();
      v = buildBinary(n, "Div", x, *t, el);
    }
  } else if (k == "MeanVarianceNormalization") {
    auto fx = requireFloat(n, x, "input");
    if (failed(fx))
      return failure();
    SmallVector<int64_t> axes = {0, 2, 3};
    if (auto a = attrInts(n, "axes"))
      axes.assign(a->begin(), a->end());
    for (int64_t &a : axes) {
      auto na = normAxis(a, rank);
      if (!na)
        return nodeError(n) << "axis " << a << " out of range for rank " << rank;
      a = *na;
    }
    llvm::sort(axes);
    axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
    v = normalizeOver(n, x, axes, 1e-9f);
  } else { // OneHot(indices, depth, values)
    auto depth = constOf(input(n, 1));
    auto vals = constOf(input(n, 2));
    if (!depth || depth->numElements() != 1)
      return nodeError(n) << "depth must be a scalar constant";
    if (!vals || vals->numElements() != 2)
      return nodeError(n) << "values must be a constant [off, on] pair";
    int64_t d = (int64_t)depth->asDouble(0);
    if (d < 1)
      return nodeError(n) << "depth must be positive, got " << d;
    if (d > (1 << 24) || d * std::max<int64_t>(xt.getNumElements(), 1) > (int64_t(1) << 32))
      return nodeError(n) << "depth " << d << " is too large for " << xt.getNumElements()
                          << " indices";
    if (!isa<IntegerType>(el) && !isa<FloatType>(el))
      return nodeError(n) << "indices must be numbers, got " << el;
    auto axis = normAxis(attrInt(n, "axis", -1), rank + 1);
    if (!axis)
      return nodeError(n) << "axis " << attrInt(n, "axis", -1) << " out of range for rank "
                          << rank + 1;
    // Indices as int64 (float indices truncate), negative ones count from the end.
    Value idx = x;
    auto i64T = xt.clone(b.getI64Type());
    if (el != b.getI64Type()) {
      auto c = make<CastOp>(n, i64T, x);
      if (failed(c))
        return failure();
      idx = *c;
    }
    auto isNeg = cmp(idx, scalarConst(b.getI64Type(), 0), "lt", xt.getShape());
    auto wrapped = buildBinary(n, "Add", idx, scalarConst(b.getI64Type(), d), b.getI64Type());
    if (failed(isNeg) || failed(wrapped))
      return failure();
    auto fixed = buildWhere(n, *isNeg, *wrapped, idx);
    if (failed(fixed))
      return failure();
    SmallVector<int64_t> outShape(xt.getShape()), unsq(xt.getShape());
    outShape.insert(outShape.begin() + *axis, d);
    unsq.insert(unsq.begin() + *axis, 1);
    auto u = buildReshape(n, *fixed, unsq, false);
    if (failed(u))
      return failure();
    SmallVector<int64_t> iotaShape(rank + 1, 1);
    iotaShape[*axis] = d;
    Value iota = constOfShape(iotaShape, b.getI64Type(), [](int64_t i) { return (double)i; });
    auto hit = cmp(*u, iota, "eq", outShape);
    if (failed(hit))
      return failure();
    Type vt = rtt(input(n, 2)).getElementType();
    auto on = scalarConst(vt, vals->asDouble(1)), off = scalarConst(vt, vals->asDouble(0));
    v = buildWhere(n, *hit, on, off);
  }
  if (failed(v))
    return failure();
  define(n, 0, *v);
  return success();
}

/// com.microsoft QLinearWhere(condition, X, x_scale, x_zp, Y, y_scale, y_zp,
/// z_scale, z_zp): X and Y requantized to Z's parameters (as ONNX Runtime's
/// lookup tables do: dequantize, then quantize), then a select on the bytes.
LogicalResult Importer::onQLinearWhere(const NodeProto &n) {
  if (failed(need(n, {0, 1, 2, 4, 5, 7})))
    return failure();
  auto xq = quantParams(n, input(n, 2), input(n, 3), 0, Value());
  auto yq = quantParams(n, input(n, 5), input(n, 6), 0, Value());
  auto zq = quantParams(n, input(n, 7), input(n, 8), 0, Value());
  if (failed(xq) || failed(yq) || failed(zq))
    return failure();
  SmallVector<Value, 2> vals;
  for (auto [k, q] : {std::pair<int, quant::QuantizedType>{1, *xq}, {4, *yq}}) {
    auto v = asQuant(n, input(n, k), q);
    if (failed(v))
      return failure();
    if (q != *zq) {
      v = make<RequantizeOp>(n, withElementType(v->getType(), *zq), *v);
      if (failed(v))
        return failure();
    }
    vals.push_back(asPlain(*v));
  }
  auto w = buildWhere(n, input(n, 0), vals[0], vals[1]);
  if (failed(w))
    return failure();
  return defineResult(n, asQuant(n, *w, *zq));
}

/// And, Or, Xor on bool tensors; Not as Xor with true.
LogicalResult Importer::onLogical(const NodeProto &n) {
  bool isNot = n.op_type() == "Not";
  if (failed(need(n, isNot ? std::initializer_list<int>{0} : std::initializer_list<int>{0, 1})))
    return failure();
  Value l = input(n, 0);
  Value r = isNot ? scalarConst(b.getI1Type(), 1) : input(n, 1);
  for (Value v : {l, r})
    if (!rtt(v).getElementType().isInteger(1))
      return nodeError(n) << "expects bool tensors, got " << rtt(v).getElementType();
  return defineResult(n, buildBinary(n, isNot ? "Xor" : n.op_type(), l, r, b.getI1Type()));
}

//===----------------------------------------------------------------------===//
// More com.microsoft QOperator ops
//===----------------------------------------------------------------------===//

/// com.microsoft MatMulIntegerToFloat and DynamicQuantizeMatMul (ONNX
/// Runtime's fusions of dynamic quantization): an integer matrix product,
/// converted to float, times a_scale * b_scale, plus the bias.
LogicalResult Importer::onMatMulIntegerToFloat(const NodeProto &n) {
  bool dynamic = n.op_type() == "DynamicQuantizeMatMul";
  if (failed(need(n, dynamic ? std::initializer_list<int>{0, 1, 2}
                             : std::initializer_list<int>{0, 1, 2, 3})))
    return failure();
  Location loc = nodeLoc(n);
  Value a, aScale, azp;
  Value bb = asPlain(input(n, 1)), bScale, bzp, bias;
  if (dynamic) {
    auto x = requireFloat(n, input(n, 0), "A");
    if (failed(x))
      return failure();
    auto u8 = IntegerType::get(ctx, 8, IntegerType::Unsigned);
    auto dq = DynamicQuantizeOp::create(
        b, loc, TypeRange{rtt(*x).clone(u8), RankedTensorType::get({}, b.getF32Type()),
                          RankedTensorType::get({}, u8)},
        *x);
    if (failed(mlir::verify(dq)))
      return failure();
    a = dq->getResult(0);
    aScale = dq->getResult(1);
    azp = dq->getResult(2);
    bScale = input(n, 2);
    bzp = input(n, 3);
    bias = input(n, 4);
  } else {
    a = asPlain(input(n, 0));
    aScale = input(n, 2);
    bScale = input(n, 3);
    azp = input(n, 4);
    bzp = input(n, 5);
    bias = input(n, 6);
  }
  for (Value s : {aScale, bScale})
    if (!isa<FloatType>(rtt(s).getElementType()) || rtt(s).getRank() > 1)
      return nodeError(n) << "scales must be float scalars or vectors";
  azp = zeroPointOr(b, loc, azp ? asPlain(azp) : Value(), a);
  bzp = zeroPointOr(b, loc, bzp ? asPlain(bzp) : Value(), bb);
  std::string why;
  auto shape = inferMatMulShape(rtt(a).getShape(), rtt(bb).getShape(), why);
  if (failed(shape))
    return nodeError(n) << why;
  auto acc = make<MatMulIntegerOp>(n, RankedTensorType::get(*shape, b.getI32Type()), a, bb, azp,
                                   bzp);
  if (failed(acc))
    return failure();
  Type f32 = b.getF32Type();
  auto f = make<CastOp>(n, RankedTensorType::get(*shape, f32), *acc);
  if (failed(f))
    return failure();
  auto scale = buildBinary(n, "Mul", aScale, bScale, f32);
  if (failed(scale))
    return failure();
  auto y = buildBinary(n, "Mul", *f, *scale, f32);
  if (succeeded(y) && bias)
    y = buildBinary(n, "Add", *y, bias, f32);
  if (failed(y))
    return failure();
  define(n, 0, *y);
  return success();
}

/// QLinearConcat(Y_scale, Y_zero_point, (X, X_scale, X_zero_point)...).
LogicalResult Importer::onQLinearConcat(const NodeProto &n) {
  if (failed(need(n, {0, 1})))
    return failure();
  if (n.input_size() < 5 || (n.input_size() - 2) % 3)
    return nodeError(n) << "expects Y_scale, Y_zero_point and (X, X_scale, X_zero_point) "
                           "triples, got "
                        << n.input_size() << " inputs";
  auto yq = quantParams(n, input(n, 0), input(n, 1), 0, Value());
  if (failed(yq))
    return failure();
  SmallVector<Value> ins;
  for (int k = 2; k < n.input_size(); k += 3) {
    if (failed(need(n, {k, k + 1, k + 2})))
      return failure();
    auto xq = quantParams(n, input(n, k + 1), input(n, k + 2), 0, Value());
    if (failed(xq))
      return failure();
    auto qx = asQuant(n, input(n, k), *xq);
    if (failed(qx))
      return failure();
    Value v = *qx;
    if (*xq != *yq) {
      auto r = make<RequantizeOp>(n, withElementType(v.getType(), *yq), v);
      if (failed(r))
        return failure();
      v = *r;
    }
    ins.push_back(v);
  }
  return defineConcat(n, ins);
}

/// QLinearLeakyRelu and QLinearSoftmax: (X, X_scale, X_zp, Y_scale, Y_zp).
LogicalResult Importer::onQLinearUnary(const NodeProto &n) {
  if (failed(need(n, {0, 1, 3})))
    return failure();
  auto xq = quantParams(n, input(n, 1), input(n, 2), 0, Value());
  auto yq = quantParams(n, input(n, 3), input(n, 4), 0, Value());
  if (failed(xq) || failed(yq))
    return failure();
  auto qx = asQuant(n, input(n, 0), *xq);
  if (failed(qx))
    return failure();
  Type yt = withElementType(qx->getType(), *yq);
  FailureOr<Value> v;
  if (n.op_type() == "QLinearLeakyRelu") {
    v = make<LeakyReluOp>(n, yt, *qx, b.getF32FloatAttr(attrFloat(n, "alpha", 0.01f)),
                          b.getF32FloatAttr(0));
  } else {
    int64_t rank = rtt(*qx).getRank();
    auto axis = normAxis(attrInt(n, "axis", -1), rank);
    if (!axis)
      return nodeError(n) << "axis out of range";
    if (attrInt(n, "opset", 13) < 13 && *axis != rank - 1)
      return nodeError(n) << "QLinearSoftmax before opset 13 flattens from axis " << *axis
                          << "; only the last axis is supported";
    v = make<SoftmaxOp>(n, yt, *qx, b.getI64IntegerAttr(*axis), b.getBoolAttr(false));
  }
  if (failed(v))
    return failure();
  define(n, 0, *v);
  return success();
}

/// QLinearAveragePool(X, x_scale, x_zp, y_scale, y_zp), NCHW.
LogicalResult Importer::onQLinearAvgPool(const NodeProto &n) {
  if (failed(need(n, {0, 1, 3})))
    return failure();
  if (attrInt(n, "channels_last", 0))
    return nodeError(n) << "unsupported attribute value channels_last=1";
  auto xq = quantParams(n, input(n, 1), input(n, 2), 0, Value());
  auto yq = quantParams(n, input(n, 3), input(n, 4), 0, Value());
  if (failed(xq) || failed(yq))
    return failure();
  auto qx = asQuant(n, input(n, 0), *xq);
  if (failed(qx))
    return failure();
  Value x = *qx;
  if (rtt(x).getRank() != 4)
    return nodeError(n) << "only 2-D pooling is supported (input rank " << rtt(x).getRank()
                        << ")";
  auto kernel = attrInts(n, "kernel_shape");
  if (!kernel || kernel->size() != 2)
    return nodeError(n) << "kernel_shape must have 2 entries";
  SmallVector<int64_t> strides, pads, dilations;
  if (failed(convAttrs(n, rtt(x).getShape(), *kernel, strides, pads, dilations)))
    return failure();
  if (dilations[0] != 1 || dilations[1] != 1)
    return nodeError(n) << "unsupported attribute value: dilated average pooling";
  bool ceil = attrInt(n, "ceil_mode", 0);
  std::string why;
  auto shape = inferPool2DShape(rtt(x).getShape(), *kernel, strides, pads, dilations, ceil, why);
  if (failed(shape))
    return nodeError(n) << why;
  return defineResult(n, make<AvgPool2DOp>(n, RankedTensorType::get(*shape, *yq), x,
                             b.getDenseI64ArrayAttr(*kernel), b.getDenseI64ArrayAttr(strides),
                             b.getDenseI64ArrayAttr(pads), b.getBoolAttr(ceil),
                             b.getBoolAttr(attrInt(n, "count_include_pad", 0))));
}

//===----------------------------------------------------------------------===//
// Driver
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
    t["Where"] = &Importer::onWhere;
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

static std::string handlerKey(const NodeProto &n) {
  if (n.domain().empty() || n.domain() == "ai.onnx")
    return n.op_type();
  return n.domain() + "." + n.op_type();
}

/// The graph's nodes in an order where every node follows the producers of
/// its inputs (ONNX asks for that order; ONNX Runtime also accepts graphs
/// without it). Stable: a sorted graph keeps its order. Nodes in a cycle or
/// reading a value nobody produces keep their place, so importNode reports
/// the missing input.
static SmallVector<const NodeProto *> topologicalOrder(const onnx::GraphProto &g) {
  llvm::StringMap<int> producer;
  for (int i = 0; i < g.node_size(); ++i)
    for (const auto &o : g.node(i).output())
      if (!o.empty())
        producer.try_emplace(o, i);
  int nn = g.node_size();
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
      if (k < node.input_size()) {
        const std::string &in = node.input(k++);
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

LogicalResult Importer::importNode(const NodeProto &n) {
  auto it = handlers().find(handlerKey(n));
  if (it == handlers().end())
    return nodeError(n) << "unsupported operator";
  for (int k = 0; k < n.input_size(); ++k)
    if (!n.input(k).empty() && !lookup(n.input(k))) {
      if (initializers.count(n.input(k)))
        return failure(); // the initializer's own error was reported
      return nodeError(n) << "input '" << n.input(k)
                          << "' is not produced by any earlier node, graph input or initializer";
    }
  return (this->*(it->second))(n);
}

OwningOpRef<ModuleOp> Importer::run() {
  // Read and parse.
  auto buf = llvm::MemoryBuffer::getFile(path, /*IsText=*/false);
  if (!buf) {
    fileError() << "cannot open '" << path << "': " << buf.getError().message();
    return nullptr;
  }
  if ((*buf)->getBufferSize() > (size_t)INT32_MAX) {
    fileError() << "files over 2 GiB must keep weights as external data";
    return nullptr;
  }
  if (!model.ParseFromArray((*buf)->getBufferStart(), (int)(*buf)->getBufferSize())) {
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

namespace octet {
OwningOpRef<ModuleOp> importONNXFile(StringRef path, MLIRContext *context,
                                            const ::octet::ONNXImportOptions &options) {
  context->loadDialect<OctetDialect, func::FuncDialect, arith::ArithDialect,
                       quant::QuantDialect>();
  Importer importer(context, path, options);
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
    if (p.getAsInteger(10, d) || d <= 0) {
      error = "--input-shape '" + spec.str() + "': '" + p.str() +
              "' is not a positive dimension";
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
