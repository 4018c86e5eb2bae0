//===- ConstTensor.cpp - constant tensors as flat vectors ------------------===//

#include "octet/Dialect/Octet/ConstTensor.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Value.h"
#include <cstring>

using namespace mlir;
using namespace mlir::octet;

int64_t ConstTensor::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

template <typename T>
static void readRaw(ArrayRef<char> data, int64_t n, std::vector<double> &out) {
  out.resize(n);
  for (int64_t k = 0; k < n; ++k) {
    T v;
    std::memcpy(&v, data.data() + k * sizeof(T), sizeof(T));
    out[k] = v;
  }
}

template <typename T>
static void readRawInt(ArrayRef<char> data, int64_t n,
                       std::vector<int64_t> &out) {
  out.resize(n);
  for (int64_t k = 0; k < n; ++k) {
    T v;
    std::memcpy(&v, data.data() + k * sizeof(T), sizeof(T));
    out[k] = v;
  }
}

std::optional<ConstTensor> ConstTensor::read(Attribute attr,
                                             int64_t maxElements) {
  auto ea = dyn_cast_or_null<ElementsAttr>(attr);
  if (!ea)
    return std::nullopt;
  auto type = dyn_cast<RankedTensorType>(ea.getShapedType());
  if (!type || !type.hasStaticShape() || type.getNumElements() > maxElements)
    return std::nullopt;
  ConstTensor t;
  t.shape.assign(type.getShape().begin(), type.getShape().end());
  Type el = type.getElementType();
  int64_t n = type.getNumElements();
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    if (auto ft = dyn_cast<FloatType>(el)) {
      t.isFloat = true;
      t.f.reserve(n);
      for (APFloat v : dense.getValues<APFloat>()) {
        bool lost;
        v.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
        t.f.push_back(v.convertToDouble());
      }
      return t;
    }
    if (auto it = dyn_cast<IntegerType>(el)) {
      t.i.reserve(n);
      for (APInt v : dense.getValues<APInt>())
        t.i.push_back(it.isUnsigned() || it.getWidth() == 1 ? v.getZExtValue()
                                                            : v.getSExtValue());
      return t;
    }
    return std::nullopt;
  }
  if (auto res = dyn_cast<DenseResourceElementsAttr>(attr)) {
    const AsmResourceBlob *blob = res.getRawHandle().getBlob();
    if (!blob)
      return std::nullopt;
    ArrayRef<char> data = blob->getData();
    unsigned bits = el.getIntOrFloatBitWidth();
    if (bits < 8 || (int64_t)data.size() < n * (bits / 8))
      return std::nullopt;
    if (el.isF32()) {
      t.isFloat = true;
      readRaw<float>(data, n, t.f);
      return t;
    }
    if (el.isF64()) {
      t.isFloat = true;
      readRaw<double>(data, n, t.f);
      return t;
    }
    auto it = dyn_cast<IntegerType>(el);
    if (!it)
      return std::nullopt;
    bool u = it.isUnsigned();
    switch (bits) {
    case 8:
      u ? readRawInt<uint8_t>(data, n, t.i) : readRawInt<int8_t>(data, n, t.i);
      return t;
    case 16:
      u ? readRawInt<uint16_t>(data, n, t.i) : readRawInt<int16_t>(data, n, t.i);
      return t;
    case 32:
      u ? readRawInt<uint32_t>(data, n, t.i) : readRawInt<int32_t>(data, n, t.i);
      return t;
    case 64:
      readRawInt<int64_t>(data, n, t.i);
      return t;
    default:
      return std::nullopt;
    }
  }
  return std::nullopt;
}

template <typename T>
static ElementsAttr writeResource(RankedTensorType type,
                                  const std::vector<T> &vals) {
  return DenseResourceElementsAttr::get(
      type, "octet_const",
      HeapAsmResourceBlob::allocateAndCopyInferAlign(ArrayRef<T>(vals)));
}

template <typename T, typename S>
static std::vector<T> convertAll(const std::vector<S> &in) {
  std::vector<T> out(in.size());
  for (size_t k = 0; k < in.size(); ++k)
    out[k] = static_cast<T>(in[k]);
  return out;
}

ElementsAttr ConstTensor::write(RankedTensorType type) const {
  Type el = type.getElementType();
  int64_t n = numElements();
  bool large = n > kResourceThreshold && type.hasStaticShape();
  if (auto ft = dyn_cast<FloatType>(el)) {
    std::vector<double> vals = isFloat ? f : convertAll<double>(i);
    if (large && el.isF32())
      return writeResource(type, convertAll<float>(vals));
    if (large && el.isF64())
      return writeResource(type, vals);
    SmallVector<APFloat> aps;
    aps.reserve(n);
    for (double v : vals) {
      APFloat ap(v);
      bool lost;
      ap.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
      aps.push_back(ap);
    }
    return DenseElementsAttr::get(type, aps);
  }
  auto it = cast<IntegerType>(el);
  std::vector<int64_t> vals = isFloat ? convertAll<int64_t>(f) : i;
  if (large && it.getWidth() >= 8) {
    switch (it.getWidth()) {
    case 8:
      return writeResource(type, convertAll<int8_t>(vals));
    case 16:
      return writeResource(type, convertAll<int16_t>(vals));
    case 32:
      return writeResource(type, convertAll<int32_t>(vals));
    case 64:
      return writeResource(type, vals);
    default:
      break;
    }
  }
  SmallVector<APInt> aps;
  aps.reserve(n);
  for (int64_t v : vals)
    aps.push_back(APInt(it.getWidth(), (uint64_t)v, /*isSigned=*/!it.isUnsigned(),
                        /*implicitTrunc=*/true));
  return DenseElementsAttr::get(type, aps);
}

ConstTensor ConstTensor::transposed(ArrayRef<int64_t> perm) const {
  SmallVector<int64_t> inStrides(shape.size(), 1);
  for (int64_t d = (int64_t)shape.size() - 2; d >= 0; --d)
    inStrides[d] = inStrides[d + 1] * shape[d + 1];
  ConstTensor out;
  out.isFloat = isFloat;
  for (int64_t p : perm)
    out.shape.push_back(shape[p]);
  int64_t n = out.numElements();
  (isFloat ? out.f.reserve(n) : out.i.reserve(n));
  for (int64_t k = 0; k < n; ++k) {
    int64_t rem = k, src = 0;
    for (int64_t d = out.shape.size() - 1; d >= 0; --d) {
      src += (rem % out.shape[d]) * inStrides[perm[d]];
      rem /= out.shape[d];
    }
    isFloat ? out.f.push_back(f[src]) : out.i.push_back(i[src]);
  }
  return out;
}

std::optional<ConstTensor> mlir::octet::readConstant(Value v,
                                                     int64_t maxElements) {
  Attribute attr;
  if (!v || !matchPattern(v, m_Constant(&attr)))
    return std::nullopt;
  return ConstTensor::read(attr, maxElements);
}
