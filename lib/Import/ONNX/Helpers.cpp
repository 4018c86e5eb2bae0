//===- Helpers.cpp - helpers shared by the ONNX op handlers ---------------===//
//
// Element types, tensor constants and value lookup; the quantization helpers
// (quantization parameters from scale and zero point operands, quantized and
// plain views of a value, quantized biases); and the builders that several op
// families share (convolution, matrix products, broadcasting binary ops,
// reshape, where, concat, normalization).
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cmath>
#include <cstdlib>

using namespace mlir;
using namespace mlir::octet;
using namespace ::octet::onnx_import::detail;

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
  case TP::UINT64:
    return Type(IntegerType::get(ctx, 64, IntegerType::Unsigned));
  case TP::BOOL:
    return Type(IntegerType::get(ctx, 1));
  default: {
    // The types newer than Debian's onnx.proto, by their ONNX numbers.
    static const char *const newer[] = {"FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2",
                                        "FLOAT8E5M2FNUZ", "UINT4", "INT4", "FLOAT4E2M1"};
    std::string name = TP::DataType_IsValid(t) ? TP::DataType_Name(t)
                       : t >= 17 && t <= 23    ? newer[t - 17]
                                               : std::to_string(t);
    auto d = err();
    d << "unsupported tensor element type " << name;
    if (t == 21 || t == 22)
      d << " (4-bit tensors are supported as initializers and QuantizeLinear results only)";
    return failure();
  }
  }
}

FailureOr<Value>
Importer::tensorConstant(const onnx::TensorProto &t,
                         const std::function<InFlightDiagnostic()> &err) {
  // INT4 and UINT4 (ONNX 1.16, opset 21; Debian's onnx.proto predates them)
  // are packed two to a byte, the first element in the low nibble. They
  // become 8-bit constants holding the same values, remembered as 4-bit so
  // that a QuantizeLinear to them saturates to the 4-bit range.
  constexpr int kUInt4 = 21, kInt4 = 22;
  bool four = t.data_type() == kUInt4 || t.data_type() == kInt4;
  bool fourSigned = t.data_type() == kInt4;
  auto el = four ? FailureOr<Type>(Type(IntegerType::get(
                       ctx, 8, fourSigned ? IntegerType::Signless : IntegerType::Unsigned)))
                 : elementType(t.data_type(), err);
  if (failed(el))
    return failure();
  SmallVector<int64_t> shape(t.dims().begin(), t.dims().end());
  int64_t n = 1;
  uint64_t bound = 1; // the product of the non-zero dims bounds every product
  for (int64_t d : shape) {
    if (d < 0) {
      err() << "tensor '" << t.name() << "' has a negative dimension";
      return failure();
    }
    // Like Importer::make: tensors past 2^32 elements are not compiled (and
    // larger products would overflow here and in the handlers).
    if (__builtin_mul_overflow(bound, (uint64_t)std::max<int64_t>(d, 1), &bound) ||
        bound > (uint64_t{1} << 32)) {
      err() << "tensor '" << t.name() << "' of shape " << shapeToString(shape)
            << " is too large to compile";
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
    int64_t size = (int64_t)(*buf)->getBufferSize();
    if (length < 0)
      length = size - offset;
    // (No offset + length: huge values would overflow.)
    if (offset < 0 || offset > size || length < 0 || length > size - offset) {
      err() << "external data of tensor '" << t.name() << "' lies outside '"
            << full << "'";
      return failure();
    }
    external.assign((*buf)->getBufferStart() + offset, length);
    raw = &external;
  }

  // The unpacked bytes of a 4-bit tensor, from raw data or int32_data.
  std::string unpacked;
  auto unpack = [&](auto byteAt, int64_t count) {
    unpacked.resize(n);
    for (int64_t k = 0; k < n && k / 2 < count; ++k) {
      unsigned nib = (byteAt(k / 2) >> (k % 2 ? 4 : 0)) & 0xF;
      unpacked[k] = (char)(fourSigned && nib >= 8 ? (int)nib - 16 : (int)nib);
    }
  };
  if (four) {
    int64_t packed = (n + 1) / 2;
    if (raw) {
      if ((int64_t)raw->size() != packed) {
        err() << "tensor '" << t.name() << "' has " << raw->size()
              << " bytes of data, expected " << packed << " (4-bit, packed) for shape "
              << shapeToString(shape);
        return failure();
      }
      unpack([&](int64_t k) { return (unsigned char)(*raw)[k]; }, packed);
    } else {
      // int32_data holds one packed byte per entry (onnx.helper's layout).
      if (t.int32_data_size() != packed) {
        err() << "tensor '" << t.name() << "' has " << t.int32_data_size()
              << " values, expected " << packed << " (4-bit, packed) for shape "
              << shapeToString(shape);
        return failure();
      }
      unpack([&](int64_t k) { return (unsigned)t.int32_data(k) & 0xFF; }, packed);
    }
    raw = &unpacked;
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
    Value v = createConstant(attr, type, t.name());
    if (four)
      fourBit[v] = fourSigned;
    return v;
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
  else // saturating: a double past the int64 range has no int64 value
    c.i = {std::isnan(v)       ? 0
           : v >= 0x1p63       ? INT64_MAX
           : v < -0x1p63       ? INT64_MIN
                               : (int64_t)v};
  return arith::ConstantOp::create(b, FileLineColLoc::get(ctx, path, 0, 0), t,
                                   cast<TypedAttr>(c.write(t)));
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
                        << " (int4, uint4, int8, uint8, int16, uint16 and int32 are)";
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

namespace octet::onnx_import::detail {

/// The zero point operand k of an integer op, or a zero of `like`'s type.
Value zeroPointOr(OpBuilder &b, Location loc, Value zp, Value like) {
  if (zp)
    return zp;
  auto t = RankedTensorType::get({}, cast<RankedTensorType>(like.getType()).getElementType());
  ConstTensor c;
  c.i = {0};
  return arith::ConstantOp::create(b, loc, t, cast<TypedAttr>(c.write(t)));
}

bool pastElementLimit(ArrayRef<int64_t> shape, uint64_t limit) {
  uint64_t count = 1;
  for (int64_t d : shape)
    if (__builtin_mul_overflow(count, (uint64_t)std::max<int64_t>(d, 1), &count) ||
        count > limit)
      return true;
  return false;
}

} // namespace octet::onnx_import::detail

//===----------------------------------------------------------------------===//
// Builders shared by several op families
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
  // Every windowed op (conv, pools) passes here. Values past 2^24, which no
  // real model has, would overflow the window arithmetic below and in the
  // shape inference (found by tools/octet-fuzz-import).
  auto huge = [](ArrayRef<int64_t> v) {
    return llvm::any_of(v, [](int64_t x) {
      return x != kDyn && (x > (int64_t{1} << 24) || x < -(int64_t{1} << 24));
    });
  };
  if (huge(kernel) || huge(strides) || huge(dilations) || huge(pads))
    return nodeError(n) << "kernel, stride, dilation and pad values past 2^24 are not supported";
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

FailureOr<SmallVector<int64_t>> Importer::windowInts(const NodeProto &n, StringRef name,
                                                     int64_t def, size_t count, StringRef what) {
  auto v = attrInts(n, name).value_or(SmallVector<int64_t>(count, def));
  if (v.size() != count)
    return nodeError(n) << what << "'s " << name << " must have " << count << " entries, got "
                        << v.size();
  return v;
}

/// A 1-D convolution's operands and attributes as the 2-D operation's over
/// [N, C, 1, L]: the reshaped input and weight, strides, pads, dilations.
FailureOr<Importer::Conv1DAs2D> Importer::conv1DAs2D(const NodeProto &n, Value x, Value w) {
  auto xs = rtt(x).getShape(), wsh = rtt(w).getShape();
  auto one = [&](StringRef name, int64_t def, size_t count) {
    return windowInts(n, name, def, count, "a 1-D convolution");
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
  return Conv1DAs2D{*x4, *w4, {1, (*st)[0]}, {0, pads[0], 0, pads[1]}, {1, (*dl)[0]}};
}

/// 1-D convolution (Conv1d) as a 2-D one over [N, C, 1, L].
FailureOr<Value> Importer::buildConv1D(const NodeProto &n, Value x, Value w, Value bias,
                                       Type resultElem) {
  auto c2 = conv1DAs2D(n, x, w);
  if (failed(c2))
    return failure();
  int64_t group = attrInt(n, "group", 1);
  auto c = makeConv2D(n, c2->x, c2->w, bias, c2->strides, c2->pads, c2->dilations, group,
                      resultElem);
  if (failed(c))
    return failure();
  auto cs = rtt(*c).getShape();
  return buildReshape(n, *c, {cs[0], cs[1], cs[3]}, false);
}

/// 3-D convolution (float) as one 2-D convolution: the depth window goes
/// into the channels. The input, padded in depth, gives for each kernel
/// depth kd the strided slice of depths kd * dd + od * sd (od the output
/// depth); the KD slices stacked by group as channels (g, kd, c) and the
/// output depths moved into the batch make [N * OD, G * KD * Cg, H, W]; the
/// weight [O, Cg, KD, KH, KW] becomes [O, KD * Cg, KH, KW] in the same
/// channel order, so that each output is one 2-D convolution's sum over
/// (kd, c, kh, kw). The result [N * OD, O, OH, OW] goes back to
/// [N, O, OD, OH, OW].
FailureOr<Value> Importer::buildConv3D(const NodeProto &n, Value x, Value w, Value bias,
                                       Type resultElem) {
  if (!rtt(x).hasStaticShape() || !rtt(w).hasStaticShape())
    return nodeError(n) << "a 3-D convolution needs static input and weight shapes, got "
                        << rtt(x) << " and " << rtt(w) << " (use --input-shape)";
  if (!isa<FloatType>(resultElem) || isQuantTensor(x.getType()) || isQuantTensor(w.getType()))
    return nodeError(n) << "a 3-D convolution of quantized tensors is only supported in "
                           "float or QDQ form (QLinearConv is written out as one)";
  auto xs = rtt(x).getShape(), ws = rtt(w).getShape();
  auto three = [&](StringRef name, int64_t def, size_t count) {
    return windowInts(n, name, def, count, "a 3-D convolution");
  };
  auto st = three("strides", 1, 3), dl = three("dilations", 1, 3), pdv = three("pads", 0, 6);
  if (failed(st) || failed(dl) || failed(pdv))
    return failure();
  if (auto ks = attrInts(n, "kernel_shape");
      ks && (ks->size() != 3 || (*ks)[0] != ws[2] || (*ks)[1] != ws[3] || (*ks)[2] != ws[4]))
    return nodeError(n) << "kernel_shape does not match the weight " << rtt(w);
  SmallVector<int64_t> pd = *pdv;
  if (failed(autoPads(n, xs.drop_front(2), ws.drop_front(2), *st, *dl, pd)))
    return failure();
  return makeConv3D(n, x, w, bias, *st, pd, *dl, attrInt(n, "group", 1), resultElem);
}

FailureOr<Value> Importer::makeConv3D(const NodeProto &n, Value x, Value w, Value bias,
                                      ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                                      ArrayRef<int64_t> dilations, int64_t group,
                                      Type resultElem) {
  auto xs = rtt(x).getShape(), ws = rtt(w).getShape();
  SmallVector<int64_t> pd(pads);
  const ArrayRef<int64_t> *st = &strides, *dl = &dilations;
  for (int64_t k = 0; k < 3; ++k)
    if ((*st)[k] < 1 || (*dl)[k] < 1 || pd[k] < 0 || pd[k + 3] < 0)
      return nodeError(n) << "strides and dilations must be positive and pads not negative";
  int64_t N = xs[0], C = xs[1], D = xs[2], H = xs[3], W = xs[4];
  int64_t O = ws[0], Cg = ws[1], KD = ws[2], KH = ws[3], KW = ws[4];
  int64_t groupChannels = 0;
  if (group < 1 || llvm::MulOverflow(group, Cg, groupChannels) || C != groupChannels ||
      O % group)
    return nodeError(n) << "input channels " << C << ", weight " << rtt(w) << " and group "
                        << group << " do not match";
  int64_t sd = (*st)[0], dd = (*dl)[0];
  // (Attribute values can be anything: the sums and products are checked.)
  int64_t Dp = 0, span = 0;
  if (llvm::AddOverflow(D, pd[0], Dp) || llvm::AddOverflow(Dp, pd[3], Dp) ||
      llvm::MulOverflow(dd, KD - 1, span) || llvm::AddOverflow(span, int64_t{1}, span))
    return nodeError(n) << "the 3-D convolution's padded depth or dilated kernel depth "
                           "overflows int64";
  if (Dp < span)
    return nodeError(n) << "the kernel depth (" << span << " with dilation) is larger than the "
                        << "padded input depth " << Dp;
  int64_t OD = (Dp - span) / sd + 1;
  if ((double)N * OD * group * KD * Cg * H * W > (double)(int64_t{1} << 31))
    return nodeError(n) << "the 3-D convolution's stacked input is too large to compile";
  Type el = rtt(x).getElementType();
  Value xp = x;
  if (pd[0] || pd[3]) {
    auto p = make<PadOp>(n, RankedTensorType::get({N, C, Dp, H, W}, el), x,
                         b.getDenseI64ArrayAttr({0, 0, pd[0], 0, 0, 0, 0, pd[3], 0, 0}),
                         b.getStringAttr("constant"), b.getF32FloatAttr(0.0f));
    if (failed(p))
      return failure();
    xp = *p;
  }
  SmallVector<Value> slices;
  for (int64_t kd = 0; kd < KD; ++kd) {
    int64_t s0 = kd * dd;
    auto sl = make<SliceOp>(n, RankedTensorType::get({N, C, OD, H, W}, el), xp,
                            b.getDenseI64ArrayAttr({s0}),
                            b.getDenseI64ArrayAttr({s0 + (OD - 1) * sd + 1}),
                            b.getDenseI64ArrayAttr({2}), b.getDenseI64ArrayAttr({sd}));
    if (failed(sl))
      return failure();
    auto r = buildReshape(n, *sl, {N, group, Cg, 1, OD, H, W}, false);
    if (failed(r))
      return failure();
    slices.push_back(*r);
  }
  Value stacked = slices[0];
  if (KD > 1) {
    auto cat = make<ConcatOp>(n, RankedTensorType::get({N, group, Cg, KD, OD, H, W}, el), slices,
                              b.getI64IntegerAttr(3));
    if (failed(cat))
      return failure();
    stacked = *cat;
  }
  auto moved = make<TransposeOp>(n, RankedTensorType::get({N, OD, group, KD, Cg, H, W}, el),
                                 stacked, b.getDenseI64ArrayAttr({0, 4, 1, 3, 2, 5, 6}));
  if (failed(moved))
    return failure();
  auto x4 = buildReshape(n, *moved, {N * OD, group * KD * Cg, H, W}, false);
  if (failed(x4))
    return failure();
  // The weight: a constant (or a dequantized one, per tensor or per output
  // channel) rearranged here; otherwise a transpose and a reshape.
  FailureOr<Value> w4 = failure();
  SmallVector<int64_t> w4Shape = {O, KD * Cg, KH, KW};
  auto rearranged = [&](Value c) -> std::optional<ConstTensor> {
    Attribute attr;
    if (!matchPattern(c, m_Constant(&attr)))
      return std::nullopt;
    auto ct = ConstTensor::read(attr);
    if (!ct)
      return std::nullopt;
    ConstTensor t = ct->transposed({0, 2, 1, 3, 4});
    t.shape.assign(w4Shape.begin(), w4Shape.end());
    return t;
  };
  if (auto dq = w.getDefiningOp<DequantizeOp>()) {
    if (auto t = rearranged(dq.getInput())) {
      auto q = getQuantElementType(dq.getInput().getType());
      Value c = ConstantOp::create(
          b, dq.getLoc(), RankedTensorType::get(w4Shape, q),
          t->write(RankedTensorType::get(w4Shape, getStorageIntegerType(q))));
      w4 = make<DequantizeOp>(n, RankedTensorType::get(w4Shape, rtt(w).getElementType()), c);
    }
  } else if (auto t = rearranged(w)) {
    auto ty = RankedTensorType::get(w4Shape, rtt(w).getElementType());
    w4 = Value(arith::ConstantOp::create(b, w.getLoc(), ty, cast<TypedAttr>(t->write(ty))));
  }
  if (failed(w4)) {
    auto wt = make<TransposeOp>(
        n, RankedTensorType::get({O, KD, Cg, KH, KW}, rtt(w).getElementType()), w,
        b.getDenseI64ArrayAttr({0, 2, 1, 3, 4}));
    if (failed(wt))
      return failure();
    w4 = buildReshape(n, *wt, w4Shape, false);
    if (failed(w4))
      return failure();
  }
  SmallVector<int64_t> strides2 = {(*st)[1], (*st)[2]}, dil2 = {(*dl)[1], (*dl)[2]},
                       pads2 = {pd[1], pd[2], pd[4], pd[5]};
  auto c = makeConv2D(n, *x4, *w4, bias, strides2, pads2, dil2, group, resultElem);
  if (failed(c))
    return failure();
  int64_t OH = rtt(*c).getDimSize(2), OW = rtt(*c).getDimSize(3);
  auto r5 = buildReshape(n, *c, {N, OD, O, OH, OW}, false);
  if (failed(r5))
    return failure();
  return make<TransposeOp>(n, RankedTensorType::get({N, O, OD, OH, OW}, resultElem), *r5,
                           b.getDenseI64ArrayAttr({0, 2, 1, 3, 4}));
}

FailureOr<Value> Importer::buildConv(const NodeProto &n, Value x, Value w,
                                     Value bias, Type resultElem) {
  auto xs = rtt(x).getShape(), wsh = rtt(w).getShape();
  if (rtt(x).getRank() == 3 && rtt(w).getRank() == 3)
    return buildConv1D(n, x, w, bias, resultElem);
  if (rtt(x).getRank() == 5 && rtt(w).getRank() == 5)
    return buildConv3D(n, x, w, bias, resultElem);
  if (rtt(x).getRank() != 4 || rtt(w).getRank() != 4)
    return nodeError(n) << "only 1-D, 2-D and 3-D convolutions are supported (input rank "
                        << rtt(x).getRank() << ", weight rank " << rtt(w).getRank() << ")";
  SmallVector<int64_t> strides, pads, dilations;
  if (failed(convAttrs(n, xs, wsh.drop_front(2), strides, pads, dilations)))
    return failure();
  return makeConv2D(n, x, w, bias, strides, pads, dilations, attrInt(n, "group", 1), resultElem);
}

FailureOr<Value> Importer::makeConv2D(const NodeProto &n, Value x, Value w, Value bias,
                                      ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                                      ArrayRef<int64_t> dilations, int64_t group,
                                      Type resultElem) {
  std::string why;
  auto shape = inferConv2DShape(rtt(x).getShape(), rtt(w).getShape(), strides, pads, dilations,
                                group, why);
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
  if (kind == "Shl")
    return make<ShlOp>(n, t, l, r);
  if (kind == "Shr")
    return make<ShrOp>(n, t, l, r);
  return make<PowOp>(n, t, l, r);
}

FailureOr<Value> Importer::buildReshape(const NodeProto &n, Value x,
                                        ArrayRef<int64_t> target, bool allowZero) {
  // Larger targets would overflow the products of the shape inference (found
  // by tools/octet-fuzz-import); they are past make<>'s 2^32 elements anyway.
  uint64_t bound = 1;
  for (int64_t t : target)
    if (t > 0 &&
        (__builtin_mul_overflow(bound, (uint64_t)t, &bound) || bound > (uint64_t{1} << 32)))
      return nodeError(n) << "reshape target " << shapeToString(target)
                          << " is too large to compile";
  std::string why;
  auto shape = inferReshapeShape(rtt(x).getShape(), target, allowZero, why);
  // The handlers' own reshapes compute their targets: a 0 there is a
  // zero-sized dimension (a batch of 0), not ONNX Reshape's "copy this
  // dimension".
  if (failed(shape) && !allowZero && n.op_type() != "Reshape" && llvm::is_contained(target, 0))
    shape = inferReshapeShape(rtt(x).getShape(), target, /*allowZero=*/true, why);
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

/// (x - mean) / sqrt(var + epsilon) over `axes` (kept), in x's float type.
FailureOr<Value> Importer::normalizeOver(const NodeProto &n, Value x, ArrayRef<int64_t> axes,
                                         float epsilon) {
  auto m = momentsOver(n, x, axes, epsilon);
  if (failed(m))
    return failure();
  return buildBinary(n, "Div", m->centered, m->stdDev, rtt(x).getElementType());
}

FailureOr<Importer::Moments> Importer::momentsOver(const NodeProto &n, Value x,
                                                   ArrayRef<int64_t> axes, float epsilon) {
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
  return Moments{*mean, *d, *sd};
}
