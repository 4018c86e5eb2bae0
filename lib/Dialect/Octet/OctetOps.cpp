//===- OctetOps.cpp - octet dialect, op verifiers, folders -----------------===//

#include "octet/Dialect/Octet/OctetDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include <cmath>

using namespace mlir;
using namespace mlir::octet;

#include "octet/Dialect/Octet/OctetDialect.cpp.inc"

void OctetDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "octet/Dialect/Octet/OctetOps.cpp.inc"
      >();
}

Operation *OctetDialect::materializeConstant(OpBuilder &builder,
                                             Attribute value, Type type,
                                             Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements)
    return nullptr;
  if (isQuantTensor(type))
    return ConstantOp::create(builder, loc, type, elements);
  if (elements.getType() != type)
    return nullptr;
  return arith::ConstantOp::create(builder, loc, type, cast<TypedAttr>(value));
}

//===----------------------------------------------------------------------===//
// Shared verification helpers
//===----------------------------------------------------------------------===//

static RankedTensorType rtt(Value v) {
  return cast<RankedTensorType>(v.getType());
}

static bool isFloatTensor(Type t) {
  return isa<FloatType>(cast<ShapedType>(t).getElementType());
}
static bool isPlainIntTensor(Type t) {
  return isa<IntegerType>(cast<ShapedType>(t).getElementType());
}

/// Checks every quantized operand and result type of `op`.
static LogicalResult verifyQuantTypes(Operation *op) {
  for (auto [k, v] : llvm::enumerate(op->getOperands()))
    if (failed(verifyQuantTensorType([&] { return op->emitOpError(); },
                                     v.getType(),
                                     "operand #" + std::to_string(k))))
      return failure();
  for (auto [k, v] : llvm::enumerate(op->getResults()))
    if (failed(verifyQuantTensorType([&] { return op->emitOpError(); },
                                     v.getType(),
                                     "result #" + std::to_string(k))))
      return failure();
  return success();
}

/// Compares an inferred shape with the declared result type.
static LogicalResult checkResultShape(Operation *op, FailureOr<Shape> inferred,
                                      const std::string &why) {
  if (failed(inferred))
    return op->emitOpError() << why;
  auto res = cast<RankedTensorType>(op->getResult(0).getType());
  if (!shapesCompatible(*inferred, res.getShape()))
    return op->emitOpError()
           << "result shape " << shapeToString(res.getShape())
           << " does not match the inferred shape "
           << shapeToString(*inferred);
  return success();
}

static LogicalResult verifyActivation(Operation *op, StringRef act,
                                      std::optional<float> lo,
                                      std::optional<float> hi) {
  if (act == "none" || act == "relu" || act == "relu6") {
    if (lo || hi)
      return op->emitOpError()
             << "clamp_min/clamp_max are only allowed with activation \"clamp\"";
    return success();
  }
  if (act == "clamp") {
    if (!lo && !hi)
      return op->emitOpError() << "activation \"clamp\" needs clamp_min or clamp_max";
    if (lo && hi && *lo > *hi)
      return op->emitOpError() << "clamp_min must not exceed clamp_max";
    return success();
  }
  return op->emitOpError() << "unknown activation \"" << act
                           << "\" (expected none, relu, relu6 or clamp)";
}

/// Verifies the element types of a convolution or matrix product: all
/// float, or quantized input/weight (weight per-axis on `weightAxis`),
/// int32 bias with scale input_scale * weight_scale and zero point 0, and a
/// quantized or float result.
static LogicalResult verifyLinearTypes(Operation *op, Value input, Value weight,
                                       Value bias, int64_t weightAxis,
                                       int64_t biasLen) {
  Type resT = op->getResult(0).getType();
  if (isFloatTensor(input.getType())) {
    if (!isFloatTensor(weight.getType()) || !isFloatTensor(resT) ||
        (bias && !isFloatTensor(bias.getType())))
      return op->emitOpError()
             << "with a float input, weight, bias and result must be float";
    return success();
  }
  if (!isPerTensorQuant(input.getType()))
    return op->emitOpError()
           << "input must be float or per-tensor quantized";
  if (!isQuantTensor(weight.getType()))
    return op->emitOpError() << "a quantized input needs a quantized weight";
  auto wq = getQuantElementType(weight.getType());
  auto iq = getQuantElementType(input.getType());
  if (iq.getStorageTypeIntegralWidth() > 16 || wq.getStorageTypeIntegralWidth() > 16)
    return op->emitOpError() << "quantized input and weight must have 8- or 16-bit storage";
  if (auto axis = getQuantAxis(weight.getType()); axis && *axis != weightAxis)
    return op->emitOpError() << "weight must be quantized per-axis on its "
                                "output-channel dimension "
                             << weightAxis << ", not " << *axis;
  if (!(isPerTensorQuant(resT) || isFloatTensor(resT)))
    return op->emitOpError()
           << "result of a quantized op must be per-tensor quantized or float";
  if (!bias)
    return success();
  auto bq = getQuantElementType(bias.getType());
  if (!bq || bq.getStorageTypeIntegralWidth() != 32 || !bq.isSigned())
    return op->emitOpError() << "bias of a quantized op must be int32 quantized";
  if (llvm::any_of(getQuantZeroPoints(bias.getType()),
                   [](int64_t z) { return z != 0; }))
    return op->emitOpError() << "bias zero point must be 0";
  SmallVector<double> ws = getQuantScales(weight.getType());
  SmallVector<double> bs = getQuantScales(bias.getType());
  double is = getQuantScales(input.getType())[0];
  int64_t n = std::max<int64_t>(ws.size(), bs.size());
  for (int64_t k = 0; k < n; ++k) {
    double expect = is * ws[ws.size() == 1 ? 0 : std::min<int64_t>(k, ws.size() - 1)];
    double got = bs[bs.size() == 1 ? 0 : std::min<int64_t>(k, bs.size() - 1)];
    if (!scalesClose(expect, got))
      return op->emitOpError()
             << "bias scale " << got << " of channel " << k
             << " must equal input_scale * weight_scale = " << expect;
  }
  (void)biasLen;
  return success();
}

static std::optional<float> optF(std::optional<APFloat> a) {
  if (!a)
    return std::nullopt;
  return a->convertToFloat();
}

//===----------------------------------------------------------------------===//
// Verifiers of the compute ops
//===----------------------------------------------------------------------===//

static LogicalResult verifyConv2D(Conv2DOp op) {
  if (failed(verifyQuantTypes(op)))
    return failure();
  auto x = rtt(op.getInput()), w = rtt(op.getWeight());
  std::string why;
  if (failed(checkResultShape(
          op,
          inferConv2DShape(x.getShape(), w.getShape(), op.getStrides(),
                           op.getPads(), op.getDilations(), (int64_t)op.getGroup(), why),
          why)))
    return failure();
  if (Value b = op.getBias()) {
    auto bt = rtt(b);
    if (bt.getRank() != 1 || !shapesCompatible(bt.getShape(), {w.getDimSize(0)}))
      return op.emitOpError() << "bias must have shape [" << w.getDimSize(0)
                              << "], got " << shapeToString(bt.getShape());
  }
  if (failed(verifyLinearTypes(op, op.getInput(), op.getWeight(), op.getBias(),
                               0, w.getDimSize(0))))
    return failure();
  return verifyActivation(op, op.getActivation(), optF(op.getClampMin()),
                          optF(op.getClampMax()));
}

static LogicalResult verifyMatMul(MatMulOp op) {
  if (failed(verifyQuantTypes(op)))
    return failure();
  auto a = rtt(op.getLhs()), b = rtt(op.getRhs());
  std::string why;
  if (failed(checkResultShape(
          op, inferMatMulShape(a.getShape(), b.getShape(), why), why)))
    return failure();
  if (isFloatTensor(a) && isPlainIntTensor(b))
    return op.emitOpError() << "operands must be both float or both quantized";
  if (Value bias = op.getBias()) {
    auto bt = rtt(bias);
    int64_t n = b.getRank() == 1 ? 1 : b.getDimSize(b.getRank() - 1);
    if (b.getRank() == 1 || bt.getRank() != 1 || !shapesCompatible(bt.getShape(), {n}))
      return op.emitOpError() << "bias must be a vector over the " << n
                              << " output columns, got "
                              << shapeToString(bt.getShape());
  }
  return verifyLinearTypes(op, op.getLhs(), op.getRhs(), op.getBias(),
                           b.getRank() - 1, 0);
}

static LogicalResult verifyGemm(GemmOp op) {
  if (failed(verifyQuantTypes(op)))
    return failure();
  auto a = rtt(op.getA()), b = rtt(op.getB());
  std::string why;
  auto shape = inferGemmShape(a.getShape(), b.getShape(), op.getTransA(),
                              op.getTransB(), why);
  if (failed(checkResultShape(op, shape, why)))
    return failure();
  if (Value c = op.getC()) {
    auto ct = rtt(c);
    auto bc = inferBroadcastShape(ct.getShape(), *shape, why);
    if (failed(bc) || !shapesCompatible(*bc, *shape))
      return op.emitOpError() << "bias of shape " << shapeToString(ct.getShape())
                              << " does not broadcast to "
                              << shapeToString(*shape);
  }
  if (failed(verifyLinearTypes(op, op.getA(), op.getB(), op.getC(),
                               op.getTransB() ? 0 : 1, 0)))
    return failure();
  if (isQuantTensor(op.getA().getType()) && op.getTransA())
    return op.emitOpError() << "quantized gemm does not support trans_a";
  return verifyActivation(op, op.getActivation(), optF(op.getClampMin()),
                          optF(op.getClampMax()));
}

static LogicalResult verifyIntegerOperands(Operation *op, Value a, Value b,
                                           Value azp, Value bzp) {
  auto is8 = [](Value v) {
    auto it = dyn_cast<IntegerType>(rtt(v).getElementType());
    return it && it.getWidth() == 8;
  };
  if (!is8(a) || !is8(b))
    return op->emitOpError() << "operands must be 8-bit integer tensors";
  if (rtt(azp).getElementType() != rtt(a).getElementType() ||
      rtt(bzp).getElementType() != rtt(b).getElementType())
    return op->emitOpError()
           << "zero points must have their operand's element type";
  if (rtt(azp).getRank() > 1 || rtt(bzp).getRank() > 1)
    return op->emitOpError() << "zero points must be scalars or vectors";
  auto res = dyn_cast<IntegerType>(
      cast<ShapedType>(op->getResult(0).getType()).getElementType());
  if (!res || res.getWidth() != 32)
    return op->emitOpError() << "result must be a 32-bit integer tensor";
  return success();
}

static LogicalResult verifyMatMulInteger(MatMulIntegerOp op) {
  std::string why;
  if (failed(checkResultShape(op,
                              inferMatMulShape(rtt(op.getLhs()).getShape(),
                                               rtt(op.getRhs()).getShape(), why),
                              why)))
    return failure();
  return verifyIntegerOperands(op, op.getLhs(), op.getRhs(),
                               op.getLhsZeroPoint(), op.getRhsZeroPoint());
}

static LogicalResult verifyConvInteger(ConvIntegerOp op) {
  std::string why;
  if (failed(checkResultShape(
          op,
          inferConv2DShape(rtt(op.getInput()).getShape(),
                           rtt(op.getWeight()).getShape(), op.getStrides(),
                           op.getPads(), op.getDilations(), (int64_t)op.getGroup(), why),
          why)))
    return failure();
  return verifyIntegerOperands(op, op.getInput(), op.getWeight(),
                               op.getInputZeroPoint(), op.getWeightZeroPoint());
}

static LogicalResult verifyBinary(Operation *op, bool allowQuant) {
  if (failed(verifyQuantTypes(op)))
    return failure();
  auto a = rtt(op->getOperand(0)), b = rtt(op->getOperand(1));
  auto r = cast<RankedTensorType>(op->getResult(0).getType());
  std::string why;
  if (failed(checkResultShape(
          op, inferBroadcastShape(a.getShape(), b.getShape(), why), why)))
    return failure();
  bool qa = isQuantTensor(a), qb = isQuantTensor(b), qr = isQuantTensor(r);
  if (qa || qb || qr) {
    if (!allowQuant)
      return op->emitOpError() << "does not take quantized tensors";
    if (!isPerTensorQuant(a) || !isPerTensorQuant(b) || !isPerTensorQuant(r))
      return op->emitOpError()
             << "quantized operands and result must all be per-tensor quantized";
    return success();
  }
  if (a.getElementType() != b.getElementType() ||
      a.getElementType() != r.getElementType())
    return op->emitOpError() << "operand and result element types must match, got "
                             << a.getElementType() << ", " << b.getElementType()
                             << " -> " << r.getElementType();
  return success();
}
static LogicalResult verifyBinaryQuant(Operation *op) { return verifyBinary(op, true); }
static LogicalResult verifyBinaryFloat(Operation *op) { return verifyBinary(op, false); }

/// Same shape in and out; float to the same float type, or (when allowed)
/// per-tensor quantized to per-tensor quantized.
static LogicalResult verifyElementwise(Operation *op, bool allowQuant,
                                       bool allowInt = false) {
  if (failed(verifyQuantTypes(op)))
    return failure();
  auto x = rtt(op->getOperand(0));
  auto r = cast<RankedTensorType>(op->getResult(0).getType());
  if (!shapesCompatible(x.getShape(), r.getShape()))
    return op->emitOpError() << "result shape " << shapeToString(r.getShape())
                             << " differs from input shape "
                             << shapeToString(x.getShape());
  if (isQuantTensor(x) || isQuantTensor(r)) {
    if (!allowQuant)
      return op->emitOpError() << "does not take quantized tensors (a float island)";
    if (!isPerTensorQuant(x) || !isPerTensorQuant(r))
      return op->emitOpError() << "quantized input and result must both be "
                                  "per-tensor quantized";
    return success();
  }
  if (x.getElementType() != r.getElementType())
    return op->emitOpError() << "input and result element types differ";
  if (!isa<FloatType>(x.getElementType()) && !allowInt)
    return op->emitOpError() << "expects float tensors";
  return success();
}
static LogicalResult verifyUnaryQuant(Operation *op) { return verifyElementwise(op, true); }
static LogicalResult verifyUnaryFloat(Operation *op) { return verifyElementwise(op, false); }

static LogicalResult verifyCompare(CompareOp op) {
  if (failed(verifyQuantTypes(op)))
    return failure();
  auto a = rtt(op.getLhs()), b = rtt(op.getRhs());
  std::string why;
  if (failed(checkResultShape(op, inferBroadcastShape(a.getShape(), b.getShape(), why), why)))
    return failure();
  if (isQuantTensor(a) || isQuantTensor(b))
    return op.emitOpError() << "does not take quantized tensors";
  if (a.getElementType() != b.getElementType())
    return op.emitOpError() << "operand element types differ: " << a.getElementType()
                            << " and " << b.getElementType();
  if (!rtt(op.getResult()).getElementType().isInteger(1))
    return op.emitOpError() << "result must be an i1 tensor";
  StringRef p = op.getPredicate();
  if (!llvm::is_contained({"eq", "lt", "le", "gt", "ge"}, p))
    return op.emitOpError() << "predicate must be eq, lt, le, gt or ge, not '" << p << "'";
  return success();
}

static LogicalResult verifyWhere(WhereOp op) {
  if (failed(verifyQuantTypes(op)))
    return failure();
  auto c = rtt(op.getCondition()), a = rtt(op.getLhs()), b = rtt(op.getRhs());
  auto r = rtt(op.getResult());
  std::string why;
  auto ab = inferBroadcastShape(a.getShape(), b.getShape(), why);
  if (failed(ab))
    return op.emitOpError() << why;
  if (failed(checkResultShape(op, inferBroadcastShape(c.getShape(), *ab, why), why)))
    return failure();
  if (!c.getElementType().isInteger(1))
    return op.emitOpError() << "condition must be an i1 tensor";
  if (isQuantTensor(a) || isQuantTensor(b) || isQuantTensor(r))
    return op.emitOpError() << "does not take quantized tensors";
  if (a.getElementType() != b.getElementType() || a.getElementType() != r.getElementType())
    return op.emitOpError() << "value and result element types must match, got "
                            << a.getElementType() << ", " << b.getElementType() << " -> "
                            << r.getElementType();
  return success();
}

static LogicalResult verifyClamp(ClampOp op) {
  if (failed(verifyElementwise(op, true, true)))
    return failure();
  auto lo = optF(op.getMin()), hi = optF(op.getMax());
  if (lo && hi && *lo > *hi)
    return op.emitOpError() << "min must not exceed max";
  return success();
}

static LogicalResult verifyPoolTypes(Operation *op, bool sameQuant) {
  if (failed(verifyQuantTypes(op)))
    return failure();
  Type x = op->getOperand(0).getType(), r = op->getResult(0).getType();
  if (isQuantTensor(x) || isQuantTensor(r)) {
    if (!isPerTensorQuant(x) || !isPerTensorQuant(r))
      return op->emitOpError() << "quantized input and result must both be "
                                  "per-tensor quantized";
    if (sameQuant && getQuantElementType(x) != getQuantElementType(r))
      return op->emitOpError() << "max pooling keeps the quantization: result "
                                  "element type must equal the input's";
    return success();
  }
  Type xe = cast<ShapedType>(x).getElementType(), re = cast<ShapedType>(r).getElementType();
  // Max pooling also runs on plain 8-bit integers (ONNX MaxPool on int8 and
  // uint8 tensors that carry no quantization).
  bool int8 = sameQuant && xe.isInteger(8);
  if ((!isFloatTensor(x) && !int8) || xe != re)
    return op->emitOpError() << (sameQuant ? "expects float or 8-bit integer tensors of one "
                                             "element type"
                                           : "expects float tensors of one element type");
  return success();
}

static LogicalResult verifyMaxPool(MaxPool2DOp op) {
  std::string why;
  if (failed(checkResultShape(
          op,
          inferPool2DShape(rtt(op.getInput()).getShape(), op.getKernel(),
                           op.getStrides(), op.getPads(), op.getDilations(),
                           op.getCeilMode(), why),
          why)))
    return failure();
  return verifyPoolTypes(op, true);
}

static LogicalResult verifyAvgPool(AvgPool2DOp op) {
  std::string why;
  SmallVector<int64_t> dil = {1, 1};
  if (failed(checkResultShape(
          op,
          inferPool2DShape(rtt(op.getInput()).getShape(), op.getKernel(),
                           op.getStrides(), op.getPads(), dil, op.getCeilMode(),
                           why),
          why)))
    return failure();
  return verifyPoolTypes(op, false);
}

static LogicalResult verifyGlobalAvgPool(GlobalAvgPool2DOp op) {
  auto x = rtt(op.getInput());
  if (x.getRank() != 4)
    return op.emitOpError() << "expects a rank-4 input";
  Shape expect = {x.getDimSize(0), x.getDimSize(1), 1, 1};
  if (failed(checkResultShape(op, FailureOr<Shape>(expect), "")))
    return failure();
  return verifyPoolTypes(op, false);
}

static LogicalResult verifySoftmax(SoftmaxOp op) {
  if (failed(verifyElementwise(op, !op.getLog())))
    return failure();
  if (isQuantTensor(op.getInput().getType()) &&
      getQuantElementType(op.getInput().getType()).getStorageTypeIntegralWidth() != 8)
    return op.emitOpError() << "quantized softmax takes 8-bit tensors";
  int64_t rank = rtt(op.getInput()).getRank();
  if ((int64_t)op.getAxis() < 0 || (int64_t)op.getAxis() >= rank)
    return op.emitOpError() << "axis " << (int64_t)op.getAxis()
                            << " out of range for rank " << rank;
  return success();
}

static LogicalResult verifyLayerNorm(LayerNormOp op) {
  if (failed(verifyElementwise(op, false)))
    return failure();
  auto x = rtt(op.getInput());
  if ((int64_t)op.getAxis() < 0 || (int64_t)op.getAxis() >= x.getRank())
    return op.emitOpError() << "axis " << (int64_t)op.getAxis()
                            << " out of range for rank " << x.getRank();
  auto norm = x.getShape().drop_front((int64_t)op.getAxis());
  for (Value v : {op.getScale(), op.getBias()}) {
    if (!v)
      continue;
    if (!isFloatTensor(v.getType()))
      return op.emitOpError() << "scale and bias must be float";
    auto vs = rtt(v).getShape();
    std::string why;
    auto bc = inferBroadcastShape(vs, norm, why);
    if (vs.size() > norm.size() || failed(bc) || !shapesCompatible(*bc, norm))
      return op.emitOpError() << "scale/bias shape " << shapeToString(vs)
                              << " does not match the normalized shape "
                              << shapeToString(norm);
  }
  return success();
}

static LogicalResult verifyBatchNorm(BatchNormOp op) {
  if (failed(verifyElementwise(op, false)))
    return failure();
  auto x = rtt(op.getInput());
  if (x.getRank() < 2)
    return op.emitOpError() << "expects rank at least 2";
  for (Value v : {op.getScale(), op.getBias(), op.getMean(), op.getVariance()}) {
    auto vt = rtt(v);
    if (vt.getRank() != 1 || !shapesCompatible(vt.getShape(), {x.getDimSize(1)}) ||
        !isFloatTensor(vt))
      return op.emitOpError() << "scale, bias, mean and variance must be float "
                                 "vectors of the channel count "
                              << x.getDimSize(1);
  }
  return success();
}

static LogicalResult verifyReduce(Operation *op) {
  auto x = rtt(op->getOperand(0));
  auto r = cast<RankedTensorType>(op->getResult(0).getType());
  auto axes = cast<DenseI64ArrayAttr>(op->getAttr("axes")).asArrayRef();
  bool keep = cast<BoolAttr>(op->getAttr("keepdims")).getValue();
  std::string why;
  if (failed(checkResultShape(op, inferReduceShape(x.getShape(), axes, keep, why),
                              why)))
    return failure();
  if (isQuantTensor(x) || isQuantTensor(r))
    return op->emitOpError() << "does not take quantized tensors (a float island)";
  if (x.getElementType() != r.getElementType())
    return op->emitOpError() << "input and result element types differ";
  return success();
}

static LogicalResult verifyArgReduce(Operation *op) {
  auto x = rtt(op->getOperand(0));
  auto r = cast<RankedTensorType>(op->getResult(0).getType());
  int64_t axis = cast<IntegerAttr>(op->getAttr("axis")).getInt();
  bool keep = cast<BoolAttr>(op->getAttr("keepdims")).getValue();
  if (axis < 0 || axis >= x.getRank())
    return op->emitOpError() << "axis " << axis << " out of range for rank " << x.getRank();
  if (isQuantTensor(x))
    return op->emitOpError() << "does not take quantized tensors";
  if (!r.getElementType().isInteger(64))
    return op->emitOpError() << "result must be an i64 tensor";
  std::string why;
  return checkResultShape(op, inferReduceShape(x.getShape(), {axis}, keep, why), why);
}

//===----------------------------------------------------------------------===//
// Verifiers of the shape ops
//===----------------------------------------------------------------------===//

static LogicalResult verifySameElementType(Operation *op, Type a, Type b) {
  if (cast<ShapedType>(a).getElementType() != cast<ShapedType>(b).getElementType())
    return op->emitOpError() << "result element type "
                             << cast<ShapedType>(b).getElementType()
                             << " differs from input element type "
                             << cast<ShapedType>(a).getElementType();
  return success();
}

static LogicalResult verifyReshape(ReshapeOp op) {
  if (failed(verifyQuantTypes(op)))
    return failure();
  auto x = rtt(op.getInput());
  auto r = rtt(op.getResult());
  if (failed(verifySameElementType(op, x, r)))
    return failure();
  if (getQuantAxis(x) || getQuantAxis(r))
    return op.emitOpError() << "cannot reshape a per-axis quantized tensor";
  if (Value s = op.getShape()) {
    auto st = rtt(s);
    if (st.getRank() != 1 || !isa<IntegerType>(st.getElementType()))
      return op.emitOpError() << "shape operand must be a 1-D integer tensor";
    if (!st.isDynamicDim(0) && st.getDimSize(0) != r.getRank())
      return op.emitOpError() << "shape operand has " << st.getDimSize(0)
                              << " entries for a rank-" << r.getRank()
                              << " result";
  }
  if (x.hasStaticShape() && r.hasStaticShape() &&
      x.getNumElements() != r.getNumElements())
    return op.emitOpError() << "cannot reshape " << shapeToString(x.getShape())
                            << " (" << x.getNumElements() << " elements) to "
                            << shapeToString(r.getShape()) << " ("
                            << r.getNumElements() << " elements)";
  return success();
}

static LogicalResult verifyTranspose(TransposeOp op) {
  if (failed(verifyQuantTypes(op)))
    return failure();
  std::string why;
  if (failed(checkResultShape(
          op, inferTransposeShape(rtt(op.getInput()).getShape(), op.getPerm(), why),
          why)))
    return failure();
  if (getQuantAxis(op.getInput().getType()))
    return op.emitOpError() << "cannot transpose a per-axis quantized tensor";
  return verifySameElementType(op, op.getInput().getType(), op.getType());
}

static LogicalResult verifyConcat(ConcatOp op) {
  if (failed(verifyQuantTypes(op)))
    return failure();
  SmallVector<Shape> shapes;
  for (Value v : op.getInputs()) {
    shapes.push_back(Shape(rtt(v).getShape()));
    if (failed(verifySameElementType(op, v.getType(), op.getType())))
      return failure();
  }
  if (getQuantAxis(op.getType()))
    return op.emitOpError() << "cannot concatenate per-axis quantized tensors";
  std::string why;
  return checkResultShape(op, inferConcatShape(shapes, (int64_t)op.getAxis(), why), why);
}

static LogicalResult verifySlice(SliceOp op) {
  if (failed(verifyQuantTypes(op)))
    return failure();
  std::string why;
  if (failed(checkResultShape(
          op,
          inferSliceShape(rtt(op.getInput()).getShape(), op.getStarts(),
                          op.getEnds(), op.getAxes(), op.getSteps(), why),
          why)))
    return failure();
  if (getQuantAxis(op.getInput().getType()))
    return op.emitOpError() << "cannot slice a per-axis quantized tensor";
  return verifySameElementType(op, op.getInput().getType(), op.getType());
}

static LogicalResult verifyPad(PadOp op) {
  if (failed(verifyQuantTypes(op)))
    return failure();
  std::string why;
  if (failed(checkResultShape(op, inferPadShape(rtt(op.getInput()).getShape(), op.getPads(), why),
                              why)))
    return failure();
  StringRef m = op.getMode();
  if (m != "constant" && m != "reflect" && m != "edge" && m != "wrap")
    return op.emitOpError() << "mode must be constant, reflect, edge or wrap, not '" << m << "'";
  auto x = rtt(op.getInput());
  int64_t r = x.getRank();
  for (int64_t d = 0; d < r; ++d) {
    int64_t lo = op.getPads()[d], hi = op.getPads()[d + r];
    if (!(lo || hi) || x.isDynamicDim(d))
      continue;
    if (m == "reflect" && (lo >= x.getDimSize(d) || hi >= x.getDimSize(d)))
      return op.emitOpError() << "reflect pads of dimension " << d
                              << " must be smaller than its size " << x.getDimSize(d);
    if (m != "constant" && x.getDimSize(d) == 0)
      return op.emitOpError() << m << " padding of an empty dimension";
  }
  if (getQuantAxis(x))
    return op.emitOpError() << "cannot pad a per-axis quantized tensor";
  return verifySameElementType(op, op.getInput().getType(), op.getType());
}

static LogicalResult verifyResize(ResizeOp op) {
  if (failed(verifyQuantTypes(op)))
    return failure();
  auto x = rtt(op.getInput());
  auto r = rtt(op.getResult());
  if (r.getRank() != x.getRank() || (int64_t)op.getScales().size() != x.getRank())
    return op.emitOpError() << "input, result and scales must have the same rank";
  for (float s : op.getScales())
    if (!(s > 0))
      return op.emitOpError() << "scales must be positive";
  StringRef m = op.getMode();
  if (m != "nearest" && m != "linear" && m != "cubic")
    return op.emitOpError() << "mode must be nearest, linear or cubic, not '" << m << "'";
  StringRef c = op.getCoordinateMode();
  if (!llvm::is_contained({"half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric",
                           "tf_half_pixel_for_nn", "half_pixel_symmetric"},
                          c))
    return op.emitOpError() << "unsupported coordinate_mode '" << c << "'";
  StringRef n = op.getNearestMode();
  if (!llvm::is_contained({"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"}, n))
    return op.emitOpError() << "unsupported nearest_mode '" << n << "'";
  if (getQuantAxis(x) || getQuantAxis(r))
    return op.emitOpError() << "cannot resize a per-axis quantized tensor";
  return verifySameElementType(op, x, r);
}

static LogicalResult verifyBroadcast(BroadcastOp op) {
  if (failed(verifyQuantTypes(op)))
    return failure();
  auto x = rtt(op.getInput()).getShape();
  auto r = rtt(op.getResult()).getShape();
  std::string why;
  auto s = inferBroadcastShape(x, r, why);
  if (failed(s) || !shapesCompatible(*s, r))
    return op.emitOpError() << "cannot broadcast " << shapeToString(x) << " to "
                            << shapeToString(r);
  if (getQuantAxis(op.getInput().getType()))
    return op.emitOpError() << "cannot broadcast a per-axis quantized tensor";
  return verifySameElementType(op, op.getInput().getType(), op.getType());
}

static LogicalResult verifyTile(TileOp op) {
  if (failed(verifyQuantTypes(op)))
    return failure();
  std::string why;
  if (failed(checkResultShape(
          op, inferTileShape(rtt(op.getInput()).getShape(), op.getRepeats(), why), why)))
    return failure();
  if (getQuantAxis(op.getInput().getType()))
    return op.emitOpError() << "cannot tile a per-axis quantized tensor";
  return verifySameElementType(op, op.getInput().getType(), op.getType());
}

/// Index operands are i32 or i64 tensors.
static LogicalResult verifyIndexType(Operation *op, RankedTensorType t) {
  auto it = dyn_cast<IntegerType>(t.getElementType());
  if (!it || (it.getWidth() != 32 && it.getWidth() != 64))
    return op->emitOpError() << "indices must be i32 or i64";
  return success();
}

static LogicalResult verifyCumSum(CumSumOp op) {
  auto x = rtt(op.getInput()), r = rtt(op.getResult());
  Type el = x.getElementType();
  if (!isa<FloatType>(el) && !(isa<IntegerType>(el) && el.getIntOrFloatBitWidth() >= 32))
    return op.emitOpError() << "input must be float, i32 or i64, got " << el;
  int64_t axis = op.getAxis();
  if (axis < 0 || axis >= x.getRank())
    return op.emitOpError() << "axis " << op.getAxis() << " out of range for rank "
                            << x.getRank();
  if (x != r)
    return op.emitOpError() << "result type " << r << " differs from the input's " << x;
  return success();
}

static LogicalResult verifyScatter(ScatterOp op) {
  auto x = rtt(op.getInput()), ix = rtt(op.getIndices()), u = rtt(op.getUpdates()),
       r = rtt(op.getResult());
  if (getQuantElementType(x))
    return op.emitOpError() << "quantized scatter is not supported";
  if (failed(verifyIndexType(op, ix)))
    return failure();
  if (u.getElementType() != x.getElementType() || r != x)
    return op.emitOpError() << "updates and result must have the input's element type and "
                               "the result its type";
  StringRef red = op.getReduction();
  if (red != "none" && red != "add" && red != "mul" && red != "max" && red != "min")
    return op.emitOpError() << "unknown reduction '" << red << "'";
  int64_t xr = x.getRank(), ir = ix.getRank();
  if (!op.getNd()) {
    int64_t axis = op.getAxis();
    if (axis < 0 || axis >= xr)
      return op.emitOpError() << "axis " << axis << " out of range for rank " << xr;
    if (ix.getShape() != u.getShape() || ir != xr)
      return op.emitOpError() << "indices and updates must have one shape of the input's rank";
    return success();
  }
  if (ir < 1 || ix.getShape().back() < 1 || ix.getShape().back() > xr)
    return op.emitOpError() << "indices must end in a dimension of 1 to " << xr;
  SmallVector<int64_t> want(ix.getShape().drop_back());
  for (int64_t d = ix.getShape().back(); d < xr; ++d)
    want.push_back(x.getDimSize(d));
  if (!shapesCompatible(want, u.getShape()))
    return op.emitOpError() << "updates shape " << shapeToString(u.getShape()) << " should be "
                            << shapeToString(want);
  return success();
}

/// A gather whose result has elements reads its input along `dims`: none of
/// them may be empty (there is no element to read; the clamped indices of
/// the lowering would point before the buffer).
static LogicalResult verifyGatherSource(Operation *op, RankedTensorType x, RankedTensorType r,
                                        ArrayRef<int64_t> dims) {
  if (!r.hasStaticShape() || r.getNumElements() == 0)
    return success();
  for (int64_t d : dims)
    if (d >= 0 && d < x.getRank() && x.getDimSize(d) == 0)
      return op->emitOpError() << "gathers " << r.getNumElements()
                               << " element(s) from the empty dimension " << d
                               << " of its input " << shapeToString(x.getShape());
  return success();
}

static LogicalResult verifyGatherND(GatherNDOp op) {
  if (failed(verifyQuantTypes(op)))
    return failure();
  auto x = rtt(op.getInput()), ix = rtt(op.getIndices()), r = rtt(op.getResult());
  if (failed(verifyIndexType(op, ix)))
    return failure();
  int64_t bd = op.getBatchDims(), ir = ix.getRank(), xr = x.getRank();
  if (ir < 1 || ix.isDynamicDim(ir - 1))
    return op.emitOpError() << "indices need a static last dimension";
  int64_t k = ix.getDimSize(ir - 1);
  if (bd < 0 || bd >= std::min(ir, xr))
    return op.emitOpError() << "batch_dims " << bd << " must be below both ranks";
  if (k < 1 || bd + k > xr)
    return op.emitOpError() << "index tuples of " << k << " do not fit the input's rank " << xr
                            << " after " << bd << " batch dimension(s)";
  SmallVector<int64_t> want(ix.getShape().drop_back());
  for (int64_t d = bd + k; d < xr; ++d)
    want.push_back(x.getDimSize(d));
  for (int64_t d = 0; d < bd; ++d)
    if (!x.isDynamicDim(d) && !ix.isDynamicDim(d) && x.getDimSize(d) != ix.getDimSize(d))
      return op.emitOpError() << "batch dimension " << d << " differs: " << x.getDimSize(d)
                              << " and " << ix.getDimSize(d);
  if (!shapesCompatible(want, r.getShape()))
    return op.emitOpError() << "result shape " << shapeToString(r.getShape())
                            << " should be " << shapeToString(want);
  if (getQuantAxis(x))
    return op.emitOpError() << "cannot gather from a per-axis quantized tensor";
  SmallVector<int64_t> read;
  for (int64_t d = bd; d < bd + k; ++d)
    read.push_back(d);
  if (failed(verifyGatherSource(op, x, r, read)))
    return failure();
  return verifySameElementType(op, x, r);
}

static LogicalResult verifyGatherElements(GatherElementsOp op) {
  if (failed(verifyQuantTypes(op)))
    return failure();
  auto x = rtt(op.getInput()), ix = rtt(op.getIndices()), r = rtt(op.getResult());
  if (failed(verifyIndexType(op, ix)))
    return failure();
  int64_t axis = op.getAxis();
  if (axis < 0 || axis >= x.getRank())
    return op.emitOpError() << "axis " << axis << " out of range for rank " << x.getRank();
  if (ix.getRank() != x.getRank())
    return op.emitOpError() << "indices must have the input's rank " << x.getRank();
  for (int64_t d = 0; d < x.getRank(); ++d)
    if (d != axis && !x.isDynamicDim(d) && !ix.isDynamicDim(d) &&
        ix.getDimSize(d) > x.getDimSize(d))
      return op.emitOpError() << "indices dimension " << d << " (" << ix.getDimSize(d)
                              << ") exceeds the input's (" << x.getDimSize(d) << ")";
  if (!shapesCompatible(ix.getShape(), r.getShape()))
    return op.emitOpError() << "result shape " << shapeToString(r.getShape())
                            << " differs from the indices' shape " << shapeToString(ix.getShape());
  if (getQuantAxis(x))
    return op.emitOpError() << "cannot gather from a per-axis quantized tensor";
  if (failed(verifyGatherSource(op, x, r, {axis})))
    return failure();
  return verifySameElementType(op, x, r);
}

static LogicalResult verifyGather(GatherOp op) {
  if (failed(verifyQuantTypes(op)))
    return failure();
  if (failed(verifyIndexType(op, rtt(op.getIndices()))))
    return failure();
  std::string why;
  if (failed(checkResultShape(
          op,
          inferGatherShape(rtt(op.getInput()).getShape(),
                           rtt(op.getIndices()).getShape(), (int64_t)op.getAxis(), why),
          why)))
    return failure();
  if (getQuantAxis(op.getInput().getType()))
    return op.emitOpError() << "cannot gather from a per-axis quantized tensor";
  if (failed(verifyGatherSource(op, rtt(op.getInput()), rtt(op.getResult()),
                                {(int64_t)op.getAxis()})))
    return failure();
  return verifySameElementType(op, op.getInput().getType(), op.getType());
}

static LogicalResult verifyShape(ShapeOp op) {
  int64_t rank = rtt(op.getInput()).getRank();
  int64_t s = (int64_t)op.getStart(), e = (int64_t)op.getEnd();
  if (s < 0 || e > rank || s > e)
    return op.emitOpError() << "needs 0 <= start <= end <= rank (" << rank
                            << "), got start " << s << ", end " << e;
  auto r = rtt(op.getResult());
  if (r.getRank() != 1 || !r.getElementType().isInteger(64) ||
      !shapesCompatible(r.getShape(), {e - s}))
    return op.emitOpError() << "result must be tensor<" << (e - s) << "xi64>";
  return success();
}

static LogicalResult verifyCast(CastOp op) {
  if (isQuantTensor(op.getInput().getType()) || isQuantTensor(op.getType()))
    return op.emitOpError()
           << "does not convert quantized tensors; use quantize, dequantize or "
              "storage_cast";
  if (!shapesCompatible(rtt(op.getInput()).getShape(), rtt(op.getResult()).getShape()))
    return op.emitOpError() << "input and result shapes differ";
  return success();
}

static LogicalResult verifyConstantOfShape(ConstantOfShapeOp op) {
  auto st = rtt(op.getShape());
  if (st.getRank() != 1 || !isa<IntegerType>(st.getElementType()))
    return op.emitOpError() << "shape must be a 1-D integer tensor";
  auto r = rtt(op.getResult());
  if (!st.isDynamicDim(0) && st.getDimSize(0) != r.getRank())
    return op.emitOpError() << "shape has " << st.getDimSize(0)
                            << " entries for a rank-" << r.getRank() << " result";
  if (op.getValue().getType() != r.getElementType())
    return op.emitOpError() << "value type " << op.getValue().getType()
                            << " differs from the result element type "
                            << r.getElementType();
  return success();
}

//===----------------------------------------------------------------------===//
// Quantization ops
//===----------------------------------------------------------------------===//

static LogicalResult verifyQuantPair(Operation *op, Type floatT, Type quantT,
                                     StringRef floatName, StringRef quantName) {
  if (failed(verifyQuantTypes(op)))
    return failure();
  if (!isFloatTensor(floatT))
    return op->emitOpError() << floatName << " must be a float tensor";
  auto q = getQuantElementType(quantT);
  if (!q)
    return op->emitOpError() << quantName << " must be a quantized tensor";
  if (q.getExpressedType() != cast<ShapedType>(floatT).getElementType())
    return op->emitOpError() << "quant expressed type " << q.getExpressedType()
                             << " differs from the float type "
                             << cast<ShapedType>(floatT).getElementType();
  if (!shapesCompatible(cast<ShapedType>(floatT).getShape(),
                        cast<ShapedType>(quantT).getShape()))
    return op->emitOpError() << "input and result shapes differ";
  return success();
}

LogicalResult QuantizeOp::verify() {
  return verifyQuantPair(*this, getInput().getType(), getType(), "input",
                         "result");
}

LogicalResult DequantizeOp::verify() {
  return verifyQuantPair(*this, getType(), getInput().getType(), "result",
                         "input");
}

LogicalResult RequantizeOp::verify() {
  if (failed(verifyQuantTypes(*this)))
    return failure();
  if (!isQuantTensor(getInput().getType()) || !isQuantTensor(getType()))
    return emitOpError() << "input and result must be quantized";
  if (!shapesCompatible(rtt(getInput()).getShape(), rtt(getResult()).getShape()))
    return emitOpError() << "input and result shapes differ";
  return success();
}

LogicalResult ConstantOp::verify() {
  if (failed(verifyQuantTypes(*this)))
    return failure();
  auto q = getQuantElementType(getType());
  if (!q)
    return emitOpError() << "result must be quantized (use arith.constant otherwise)";
  auto vt = getValue().getShapedType();
  auto it = dyn_cast<IntegerType>(vt.getElementType());
  if (!it || it.getWidth() != q.getStorageTypeIntegralWidth())
    return emitOpError() << "value must hold " << q.getStorageTypeIntegralWidth()
                         << "-bit integers, got " << vt.getElementType();
  if (vt.getShape() != rtt(getResult()).getShape())
    return emitOpError() << "value shape " << shapeToString(vt.getShape())
                         << " differs from result shape "
                         << shapeToString(rtt(getResult()).getShape());
  if (auto dense = dyn_cast<DenseIntElementsAttr>(getValue())) {
    int64_t lo = q.getStorageTypeMin(), hi = q.getStorageTypeMax();
    bool u = !q.isSigned();
    for (APInt v : dense.getValues<APInt>()) {
      int64_t x = u ? (int64_t)v.getZExtValue() : v.getSExtValue();
      if (x < lo || x > hi)
        return emitOpError() << "value " << x << " outside the storage range ["
                             << lo << ", " << hi << "]";
    }
  }
  return success();
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

LogicalResult StorageCastOp::verify() {
  if (failed(verifyQuantTypes(*this)))
    return failure();
  Type a = getInput().getType(), b = getType();
  if (isQuantTensor(a) == isQuantTensor(b))
    return emitOpError() << "casts between integers and a quant type; exactly "
                            "one side must be quantized";
  Type intT = isQuantTensor(a) ? b : a;
  auto q = getQuantElementType(isQuantTensor(a) ? a : b);
  auto it = dyn_cast<IntegerType>(cast<ShapedType>(intT).getElementType());
  if (!it || it.getWidth() != q.getStorageTypeIntegralWidth())
    return emitOpError() << "integer width must equal the storage width "
                         << q.getStorageTypeIntegralWidth();
  if (!shapesCompatible(rtt(getInput()).getShape(), rtt(getResult()).getShape()))
    return emitOpError() << "input and result shapes differ";
  return success();
}

OpFoldResult StorageCastOp::fold(FoldAdaptor adaptor) {
  if (auto inner = getInput().getDefiningOp<StorageCastOp>())
    if (inner.getInput().getType() == getType())
      return inner.getInput();
  // A constant reinterpreted: keep the bits, retype the attribute.
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput())) {
    if (auto q = getQuantElementType(getType()))
      return dense;
    auto it = cast<IntegerType>(rtt(getResult()).getElementType());
    return dense.bitcast(it);
  }
  return {};
}

LogicalResult DynamicQuantizeOp::verify() {
  auto x = rtt(getInput());
  if (!isFloatTensor(x))
    return emitOpError() << "input must be a float tensor";
  auto y = rtt(getOutput());
  auto u8 = IntegerType::get(getContext(), 8, IntegerType::Unsigned);
  if (y.getElementType() != u8 || !shapesCompatible(x.getShape(), y.getShape()))
    return emitOpError() << "output must be a ui8 tensor of the input's shape";
  if (rtt(getScale()).getRank() != 0 || !rtt(getScale()).getElementType().isF32())
    return emitOpError() << "scale must be tensor<f32>";
  if (rtt(getZeroPoint()).getRank() != 0 || rtt(getZeroPoint()).getElementType() != u8)
    return emitOpError() << "zero point must be tensor<ui8>";
  return success();
}

//===----------------------------------------------------------------------===//
// Quantize / requantize folding and canonicalization
//===----------------------------------------------------------------------===//

/// ONNX QuantizeLinear on one value: saturate(rint(x / scale) + zp); none
/// for NaN (a NaN input, or 0 / 0), whose conversion the generated code
/// leaves unspecified (arith.fptosi's poison), so it is not folded.
static std::optional<int64_t> quantizeValue(double x, double scale, int64_t zp, int64_t lo,
                                            int64_t hi) {
  float q = std::nearbyint((float)x / (float)scale);
  if (std::isnan(q))
    return std::nullopt;
  double v = (double)q + (double)zp;
  return (int64_t)std::clamp<double>(v, (double)lo, (double)hi);
}

OpFoldResult QuantizeOp::fold(FoldAdaptor adaptor) {
  if (auto dq = getInput().getDefiningOp<DequantizeOp>())
    if (dq.getInput().getType() == getType())
      return dq.getInput();
  auto c = ConstTensor::read(adaptor.getInput());
  if (!c || !c->isFloat)
    return {};
  auto q = getQuantElementType(getType());
  SmallVector<double> scales = getQuantScales(getType());
  SmallVector<int64_t> zps = getQuantZeroPoints(getType());
  std::optional<int32_t> axis = getQuantAxis(getType());
  int64_t inner = 1, dim = 1;
  if (axis) {
    dim = c->shape[*axis];
    for (size_t k = *axis + 1; k < c->shape.size(); ++k)
      inner *= c->shape[k];
  }
  ConstTensor out;
  out.shape = c->shape;
  out.i.resize(c->f.size());
  for (size_t k = 0; k < c->f.size(); ++k) {
    size_t ch = axis ? (k / inner) % dim : 0;
    auto v = quantizeValue(c->f[k], scales[ch], zps[ch], q.getStorageTypeMin(),
                           q.getStorageTypeMax());
    if (!v)
      return {};
    out.i[k] = *v;
  }
  return out.write(withElementType(getType(), getStorageIntegerType(q)));
}

namespace {
/// dequantize -> quantize with other parameters becomes a requantize.
struct DequantQuantToRequant : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    auto dq = op.getInput().getDefiningOp<DequantizeOp>();
    if (!dq || dq.getInput().getType() == op.getType())
      return failure();
    rewriter.replaceOpWithNewOp<RequantizeOp>(op, op.getType(), dq.getInput());
    return success();
  }
};

/// True when every value of per-tensor type `from` is exactly representable
/// in `to`: the scale ratio is a whole number and the mapped range fits, so
/// requantizing to `to` neither rounds nor saturates.
static bool requantIsLossless(Type from, Type to) {
  if (!isPerTensorQuant(from) || !isPerTensorQuant(to))
    return false;
  auto qa = getQuantElementType(from), qb = getQuantElementType(to);
  double ratio = getQuantScales(from)[0] / getQuantScales(to)[0];
  double k = std::round(ratio);
  if (k < 1 || std::fabs(ratio - k) > 1e-6 * ratio)
    return false;
  int64_t za = getQuantZeroPoints(from)[0], zb = getQuantZeroPoints(to)[0];
  double lo = (double)(qa.getStorageTypeMin() - za) * k + (double)zb;
  double hi = (double)(qa.getStorageTypeMax() - za) * k + (double)zb;
  return lo >= (double)qb.getStorageTypeMin() && hi <= (double)qb.getStorageTypeMax();
}

/// requantize(requantize(x, A -> B), B -> C) is requantize(x, A -> C) only
/// when the step to B loses nothing (no rounding, no saturation).
struct FoldRequantChain : OpRewritePattern<RequantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(RequantizeOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<RequantizeOp>();
    if (!inner || !requantIsLossless(inner.getInput().getType(), inner.getType()))
      return failure();
    if (inner.getInput().getType() == op.getType()) {
      rewriter.replaceOp(op, inner.getInput());
      return success();
    }
    rewriter.replaceOpWithNewOp<RequantizeOp>(op, op.getType(), inner.getInput());
    return success();
  }
};
} // namespace

void QuantizeOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                             MLIRContext *context) {
  results.add<DequantQuantToRequant>(context);
}

OpFoldResult RequantizeOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

void RequantizeOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                               MLIRContext *context) {
  results.add<FoldRequantChain>(context);
}

//===----------------------------------------------------------------------===//
// Constant folding of shape arithmetic
//===----------------------------------------------------------------------===//

/// Largest constant the folders evaluate; shape arithmetic is tiny.
static constexpr int64_t kFoldLimit = 1 << 16;

static std::optional<ConstTensor> readFoldable(Attribute a) {
  return ConstTensor::read(a, kFoldLimit);
}

/// Row-major strides of a shape.
static SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> s(shape.size(), 1);
  for (int64_t k = (int64_t)shape.size() - 2; k >= 0; --k)
    s[k] = s[k + 1] * shape[k + 1];
  return s;
}

/// Index into a broadcast operand for a linear index of the result.
static int64_t broadcastIndex(int64_t linear, ArrayRef<int64_t> outShape,
                              ArrayRef<int64_t> inShape) {
  int64_t idx = 0, stride = 1;
  int64_t off = outShape.size() - inShape.size();
  SmallVector<int64_t> coords(outShape.size());
  for (int64_t k = outShape.size() - 1; k >= 0; --k) {
    coords[k] = linear % outShape[k];
    linear /= outShape[k];
  }
  for (int64_t k = inShape.size() - 1; k >= 0; --k) {
    int64_t c = inShape[k] == 1 ? 0 : coords[k + off];
    idx += c * stride;
    stride *= inShape[k];
  }
  return idx;
}

template <typename FOp, typename IOp>
static OpFoldResult foldBinary(Operation *op, Attribute la, Attribute ra,
                               FOp fop, IOp iop) {
  auto rt = cast<RankedTensorType>(op->getResult(0).getType());
  if (!rt.hasStaticShape() || isQuantTensor(rt) || rt.getNumElements() > kFoldLimit)
    return {};
  auto a = readFoldable(la), b = readFoldable(ra);
  if (!a || !b || a->isFloat != b->isFloat)
    return {};
  ConstTensor out;
  out.shape.assign(rt.getShape().begin(), rt.getShape().end());
  out.isFloat = a->isFloat;
  int64_t n = out.numElements();
  for (int64_t k = 0; k < n; ++k) {
    int64_t ia = broadcastIndex(k, out.shape, a->shape);
    int64_t ib = broadcastIndex(k, out.shape, b->shape);
    if (out.isFloat) {
      out.f.push_back(fop(a->f[ia], b->f[ib]));
    } else {
      std::optional<int64_t> v = iop(a->i[ia], b->i[ib]);
      if (!v)
        return {};
      out.i.push_back(*v);
    }
  }
  return out.write(rt);
}

OpFoldResult AddOp::fold(FoldAdaptor a) {
  return foldBinary(*this, a.getLhs(), a.getRhs(),
                    [](double x, double y) { return (double)((float)x + (float)y); },
                    [](int64_t x, int64_t y) -> std::optional<int64_t> {
                      return (int64_t)((uint64_t)x + (uint64_t)y); // wraps
                    });
}
OpFoldResult SubOp::fold(FoldAdaptor a) {
  return foldBinary(*this, a.getLhs(), a.getRhs(),
                    [](double x, double y) { return (double)((float)x - (float)y); },
                    [](int64_t x, int64_t y) -> std::optional<int64_t> {
                      return (int64_t)((uint64_t)x - (uint64_t)y); // wraps
                    });
}
OpFoldResult MulOp::fold(FoldAdaptor a) {
  return foldBinary(*this, a.getLhs(), a.getRhs(),
                    [](double x, double y) { return (double)((float)x * (float)y); },
                    [](int64_t x, int64_t y) -> std::optional<int64_t> {
                      return (int64_t)((uint64_t)x * (uint64_t)y); // wraps
                    });
}
OpFoldResult DivOp::fold(FoldAdaptor a) {
  return foldBinary(*this, a.getLhs(), a.getRhs(),
                    [](double x, double y) { return (double)((float)x / (float)y); },
                    [](int64_t x, int64_t y) -> std::optional<int64_t> {
                      if (y == 0 || (y == -1 && x == INT64_MIN))
                        return std::nullopt;
                      return x / y; // ONNX integer Div truncates toward zero
                    });
}
OpFoldResult PowOp::fold(FoldAdaptor a) {
  return foldBinary(*this, a.getLhs(), a.getRhs(),
                    [](double x, double y) { return (double)std::pow((float)x, (float)y); },
                    [](int64_t, int64_t) -> std::optional<int64_t> { return std::nullopt; });
}

OpFoldResult MaxOp::fold(FoldAdaptor a) {
  return foldBinary(*this, a.getLhs(), a.getRhs(),
                    [](double x, double y) { return std::isnan(x) || x > y ? x : y; },
                    [](int64_t x, int64_t y) -> std::optional<int64_t> { return std::max(x, y); });
}
OpFoldResult MinOp::fold(FoldAdaptor a) {
  return foldBinary(*this, a.getLhs(), a.getRhs(),
                    [](double x, double y) { return std::isnan(x) || x < y ? x : y; },
                    [](int64_t x, int64_t y) -> std::optional<int64_t> { return std::min(x, y); });
}
OpFoldResult PReluOp::fold(FoldAdaptor a) {
  return foldBinary(*this, a.getLhs(), a.getRhs(),
                    [](double x, double y) { return x < 0 ? (double)((float)x * (float)y) : x; },
                    [](int64_t, int64_t) -> std::optional<int64_t> { return std::nullopt; });
}

// And, Or and Xor: logical on i1, bitwise on wider integers (ONNX's
// BitwiseAnd/Or/Xor/Not); only i1 keeps just the low bit.
static int64_t logicalOrBitwise(Operation *op, int64_t v) {
  return cast<ShapedType>(op->getResult(0).getType()).getElementType().isInteger(1) ? (v & 1) : v;
}
OpFoldResult AndOp::fold(FoldAdaptor a) {
  Operation *op = *this;
  return foldBinary(*this, a.getLhs(), a.getRhs(), [](double, double) { return 0.0; },
                    [op](int64_t x, int64_t y) -> std::optional<int64_t> {
                      return logicalOrBitwise(op, x & y);
                    });
}
OpFoldResult OrOp::fold(FoldAdaptor a) {
  Operation *op = *this;
  return foldBinary(*this, a.getLhs(), a.getRhs(), [](double, double) { return 0.0; },
                    [op](int64_t x, int64_t y) -> std::optional<int64_t> {
                      return logicalOrBitwise(op, x | y);
                    });
}
OpFoldResult XorOp::fold(FoldAdaptor a) {
  Operation *op = *this;
  return foldBinary(*this, a.getLhs(), a.getRhs(), [](double, double) { return 0.0; },
                    [op](int64_t x, int64_t y) -> std::optional<int64_t> {
                      return logicalOrBitwise(op, x ^ y);
                    });
}

// Shifts of unsigned integers: by the element width or more, 0.
static std::optional<int64_t> foldShift(Operation *op, int64_t x, int64_t y, bool left) {
  unsigned w = cast<ShapedType>(op->getResult(0).getType()).getElementType().getIntOrFloatBitWidth();
  uint64_t mask = w >= 64 ? ~uint64_t(0) : (uint64_t(1) << w) - 1;
  uint64_t ux = (uint64_t)x & mask, uy = (uint64_t)y & mask;
  if (uy >= w)
    return 0;
  return (int64_t)((left ? ux << uy : ux >> uy) & mask);
}
OpFoldResult ShlOp::fold(FoldAdaptor a) {
  Operation *op = *this;
  return foldBinary(*this, a.getLhs(), a.getRhs(), [](double, double) { return 0.0; },
                    [op](int64_t x, int64_t y) { return foldShift(op, x, y, true); });
}
OpFoldResult ShrOp::fold(FoldAdaptor a) {
  Operation *op = *this;
  return foldBinary(*this, a.getLhs(), a.getRhs(), [](double, double) { return 0.0; },
                    [op](int64_t x, int64_t y) { return foldShift(op, x, y, false); });
}

OpFoldResult ModOp::fold(FoldAdaptor a) {
  bool fm = getFmod();
  return foldBinary(*this, a.getLhs(), a.getRhs(),
                    [](double x, double y) { return (double)std::fmod((float)x, (float)y); },
                    [fm](int64_t x, int64_t y) -> std::optional<int64_t> {
                      if (y == 0)
                        return std::nullopt;
                      if (y == -1)
                        return 0; // INT64_MIN % -1 overflows in C++
                      int64_t r = x % y;
                      if (!fm && r != 0 && ((r < 0) != (y < 0)))
                        r += y;
                      return r;
                    });
}

OpFoldResult CompareOp::fold(FoldAdaptor adaptor) {
  auto rt = rtt(getResult());
  if (!rt.hasStaticShape() || rt.getNumElements() > kFoldLimit)
    return {};
  auto a = readFoldable(adaptor.getLhs()), b = readFoldable(adaptor.getRhs());
  if (!a || !b)
    return {};
  StringRef p = getPredicate();
  ConstTensor out;
  out.shape.assign(rt.getShape().begin(), rt.getShape().end());
  for (int64_t k = 0, n = out.numElements(); k < n; ++k) {
    int64_t ia = broadcastIndex(k, out.shape, a->shape);
    int64_t ib = broadcastIndex(k, out.shape, b->shape);
    bool r;
    if (a->isFloat) {
      double x = (float)a->f[ia], y = (float)b->f[ib];
      r = p == "eq" ? x == y : p == "lt" ? x < y : p == "le" ? x <= y : p == "gt" ? x > y : x >= y;
    } else {
      int64_t x = a->i[ia], y = b->i[ib];
      r = p == "eq" ? x == y : p == "lt" ? x < y : p == "le" ? x <= y : p == "gt" ? x > y : x >= y;
    }
    out.i.push_back(r);
  }
  return out.write(rt);
}

OpFoldResult WhereOp::fold(FoldAdaptor adaptor) {
  auto rt = rtt(getResult());
  if (!rt.hasStaticShape() || rt.getNumElements() > kFoldLimit)
    return {};
  auto c = readFoldable(adaptor.getCondition()), a = readFoldable(adaptor.getLhs()),
       b = readFoldable(adaptor.getRhs());
  if (!c || !a || !b || a->isFloat != b->isFloat)
    return {};
  ConstTensor out;
  out.shape.assign(rt.getShape().begin(), rt.getShape().end());
  out.isFloat = a->isFloat;
  for (int64_t k = 0, n = out.numElements(); k < n; ++k) {
    bool pick = c->i[broadcastIndex(k, out.shape, c->shape)] != 0;
    const ConstTensor &src = pick ? *a : *b;
    int64_t ix = broadcastIndex(k, out.shape, src.shape);
    if (out.isFloat)
      out.f.push_back(src.f[ix]);
    else
      out.i.push_back(src.i[ix]);
  }
  return out.write(rt);
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (!getShape() && getInput().getType() == getType())
    return getInput();
  // A constant target is redundant once the result type says as much (at
  // most one dimension left to infer from the element count).
  if (getShape() && adaptor.getShape() &&
      llvm::count(rtt(getResult()).getShape(), ShapedType::kDynamic) <= 1) {
    getShapeMutable().clear();
    return getResult();
  }
  auto rt = rtt(getResult());
  if (!rt.hasStaticShape())
    return {};
  Type storageEl = rt.getElementType();
  if (auto q = getQuantElementType(rt))
    storageEl = getStorageIntegerType(q);
  auto target = RankedTensorType::get(rt.getShape(), storageEl);
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput())) {
    if (dense.getType().getElementType() != storageEl)
      return {};
    return dense.reshape(target);
  }
  if (auto res = dyn_cast_or_null<DenseResourceElementsAttr>(adaptor.getInput()))
    if (res.getType().getElementType() == storageEl)
      return DenseResourceElementsAttr::get(target, res.getRawHandle());
  // reshape(reshape(x)) -> reshape(x)
  if (auto inner = getInput().getDefiningOp<ReshapeOp>()) {
    if (!getShape() && !inner.getShape()) {
      getInputMutable().assign(inner.getInput());
      return getResult();
    }
  }
  return {};
}

OpFoldResult TransposeOp::fold(FoldAdaptor adaptor) {
  auto perm = getPerm();
  bool identity = true;
  for (size_t k = 0; k < perm.size(); ++k)
    identity &= perm[k] == (int64_t)k;
  if (identity && getInput().getType() == getType())
    return getInput();
  auto rt = rtt(getResult());
  if (isQuantTensor(rt))
    return {};
  auto c = readFoldable(adaptor.getInput());
  if (!c || !rt.hasStaticShape())
    return {};
  return c->transposed(perm).write(rt);
}

OpFoldResult ConcatOp::fold(FoldAdaptor adaptor) {
  if (getInputs().size() == 1 && getInputs()[0].getType() == getType())
    return getInputs()[0];
  auto rt = rtt(getResult());
  if (isQuantTensor(rt) || !rt.hasStaticShape())
    return {};
  SmallVector<ConstTensor> parts;
  for (Attribute a : adaptor.getInputs()) {
    auto c = readFoldable(a);
    if (!c)
      return {};
    parts.push_back(std::move(*c));
  }
  int64_t axis = (int64_t)getAxis();
  ConstTensor out;
  out.shape.assign(rt.getShape().begin(), rt.getShape().end());
  out.isFloat = parts[0].isFloat;
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= out.shape[d];
  for (int64_t o = 0; o < outer; ++o) {
    for (const ConstTensor &p : parts) {
      if (p.isFloat != out.isFloat)
        return {};
      int64_t chunk = p.numElements() / std::max<int64_t>(outer, 1);
      for (int64_t k = 0; k < chunk; ++k) {
        int64_t src = o * chunk + k;
        out.isFloat ? out.f.push_back(p.f[src]) : out.i.push_back(p.i[src]);
      }
    }
  }
  return out.write(rt);
}

OpFoldResult SliceOp::fold(FoldAdaptor adaptor) {
  auto rt = rtt(getResult());
  if (getInput().getType() == getType() && rt.hasStaticShape()) {
    // A slice that keeps every element in order is the identity.
    bool identity = true;
    for (size_t k = 0; k < getAxes().size(); ++k) {
      int64_t first, count;
      normalizeSliceDim(rt.getDimSize(getAxes()[k]), getStarts()[k], getEnds()[k],
                        getSteps()[k], first, count);
      identity &= first == 0 && getSteps()[k] == 1;
    }
    if (identity)
      return getInput();
  }
  if (isQuantTensor(rt))
    return {};
  auto c = readFoldable(adaptor.getInput());
  if (!c || !rt.hasStaticShape())
    return {};
  size_t rank = c->shape.size();
  SmallVector<int64_t> first(rank, 0), step(rank, 1);
  for (size_t k = 0; k < getAxes().size(); ++k) {
    int64_t a = getAxes()[k], count;
    normalizeSliceDim(c->shape[a], getStarts()[k], getEnds()[k], getSteps()[k],
                      first[a], count);
    step[a] = getSteps()[k];
  }
  ConstTensor out;
  out.shape.assign(rt.getShape().begin(), rt.getShape().end());
  out.isFloat = c->isFloat;
  SmallVector<int64_t> inStrides = stridesOf(c->shape);
  int64_t n = out.numElements();
  for (int64_t k = 0; k < n; ++k) {
    int64_t rem = k, src = 0;
    for (int64_t d = rank - 1; d >= 0; --d) {
      src += (first[d] + (rem % out.shape[d]) * step[d]) * inStrides[d];
      rem /= out.shape[d];
    }
    out.isFloat ? out.f.push_back(c->f[src]) : out.i.push_back(c->i[src]);
  }
  return out.write(rt);
}

OpFoldResult GatherOp::fold(FoldAdaptor adaptor) {
  auto rt = rtt(getResult());
  if (isQuantTensor(rt) || !rt.hasStaticShape())
    return {};
  auto c = readFoldable(adaptor.getInput());
  auto idx = readFoldable(adaptor.getIndices());
  if (!c || !idx)
    return {};
  int64_t axis = (int64_t)getAxis();
  int64_t outer = 1, inner = 1, dim = c->shape[axis];
  for (int64_t d = 0; d < axis; ++d)
    outer *= c->shape[d];
  for (size_t d = axis + 1; d < c->shape.size(); ++d)
    inner *= c->shape[d];
  ConstTensor out;
  out.shape.assign(rt.getShape().begin(), rt.getShape().end());
  out.isFloat = c->isFloat;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j : idx->i) {
      if (j < 0)
        j += dim;
      if (j < 0 || j >= dim)
        return {};
      for (int64_t k = 0; k < inner; ++k) {
        int64_t src = (o * dim + j) * inner + k;
        out.isFloat ? out.f.push_back(c->f[src]) : out.i.push_back(c->i[src]);
      }
    }
  return out.write(rt);
}

OpFoldResult ShapeOp::fold(FoldAdaptor) {
  auto in = rtt(getInput());
  ConstTensor out;
  out.shape = {(int64_t)getEnd() - (int64_t)getStart()};
  for (int64_t d = (int64_t)getStart(); d < (int64_t)getEnd(); ++d) {
    if (in.isDynamicDim(d))
      return {};
    out.i.push_back(in.getDimSize(d));
  }
  return out.write(rtt(getResult()));
}

/// A float constant with `f` applied to each element, where none is NaN
/// (left to run time, whose NaN handling is the lowering's); none otherwise.
static OpFoldResult foldFloatUnary(Attribute input, Type resultType,
                                   llvm::function_ref<double(double)> f) {
  auto rt = dyn_cast<RankedTensorType>(resultType);
  if (!rt || !rt.hasStaticShape() || !isa<FloatType>(rt.getElementType()))
    return {};
  auto c = readFoldable(input);
  if (!c || !c->isFloat)
    return {};
  ConstTensor t;
  t.isFloat = true;
  t.shape = c->shape;
  for (double v : c->f) {
    if (std::isnan(v))
      return {};
    t.f.push_back(f(v));
  }
  return t.write(rt);
}

OpFoldResult NegOp::fold(FoldAdaptor adaptor) {
  return foldFloatUnary(adaptor.getInput(), getType(), [](double v) { return -v; });
}
OpFoldResult FloorOp::fold(FoldAdaptor adaptor) {
  return foldFloatUnary(adaptor.getInput(), getType(), [](double v) { return std::floor(v); });
}
OpFoldResult CeilOp::fold(FoldAdaptor adaptor) {
  return foldFloatUnary(adaptor.getInput(), getType(), [](double v) { return std::ceil(v); });
}
OpFoldResult RoundOp::fold(FoldAdaptor adaptor) {
  // (Ties to even: nearbyint in the default rounding mode.)
  return foldFloatUnary(adaptor.getInput(), getType(),
                        [](double v) { return std::nearbyint(v); });
}
/// Clamp of an f32 constant (not a quantized one) to its f32 bounds.
OpFoldResult ClampOp::fold(FoldAdaptor adaptor) {
  if (!rtt(getInput()).getElementType().isF32() || !getType().getElementType().isF32())
    return {};
  std::optional<double> lo, hi;
  if (auto m = getMin())
    lo = m->convertToDouble();
  if (auto m = getMax())
    hi = m->convertToDouble();
  return foldFloatUnary(adaptor.getInput(), getType(), [&](double v) {
    if (lo && v < *lo)
      v = *lo;
    if (hi && v > *hi)
      v = *hi;
    return v;
  });
}

OpFoldResult CastOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  auto rt = rtt(getResult());
  auto c = readFoldable(adaptor.getInput());
  if (!c || !rt.hasStaticShape())
    return {};
  if (c->isFloat && isa<IntegerType>(rt.getElementType()) &&
      !rt.getElementType().isInteger(1)) {
    // float -> integer truncates toward zero. NaN, infinities and values
    // outside the target type have no defined result (arith.fptosi/fptoui
    // give poison): such a cast is left to run time, not folded.
    unsigned width = rt.getElementType().getIntOrFloatBitWidth();
    bool isUnsigned = rt.getElementType().isUnsignedInteger();
    double lo = isUnsigned ? 0.0 : -std::ldexp(1.0, width - 1);
    double hi = std::ldexp(1.0, isUnsigned ? std::min(width, 63u) : width - 1);
    ConstTensor t;
    t.shape = c->shape;
    for (double v : c->f) {
      double tv = std::trunc(v);
      if (!std::isfinite(v) || tv < lo || tv >= hi)
        return {};
      t.i.push_back((int64_t)tv);
    }
    return t.write(rt);
  }
  if (rt.getElementType().isInteger(1)) {
    ConstTensor t;
    t.shape = c->shape;
    for (int64_t k = 0; k < c->numElements(); ++k)
      t.i.push_back(c->asDouble(k) != 0.0);
    return t.write(rt);
  }
  return c->write(rt);
}

OpFoldResult ConstantOfShapeOp::fold(FoldAdaptor adaptor) {
  auto rt = rtt(getResult());
  if (!rt.hasStaticShape())
    return {};
  if (!readFoldable(adaptor.getShape()))
    return {};
  return DenseElementsAttr::get(rt, getValue());
}

#define GET_OP_CLASSES
#include "octet/Dialect/Octet/OctetOps.cpp.inc"
