//===- ShapeInference.cpp - result shapes of octet ops ---------------------===//

#include "octet/Dialect/Octet/ShapeInference.h"

#include "mlir/IR/BuiltinTypes.h"
#include <cmath>
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::octet;

static constexpr int64_t kDyn = ShapedType::kDynamic;

static FailureOr<Shape> fail(std::string &why, const llvm::Twine &msg) {
  why = msg.str();
  return failure();
}

/// Dimensions and window attributes past 2^40 are refused before any
/// arithmetic on them, which would otherwise overflow int64_t (undefined
/// behaviour) for hand-written IR with sizes near 2^63.
static constexpr int64_t kMaxExtent = int64_t{1} << 40;
static bool tooLarge(ArrayRef<int64_t> values) {
  return llvm::any_of(values, [](int64_t v) { return v != kDyn && (v > kMaxExtent || v < -kMaxExtent); });
}
static FailureOr<Shape> failTooLarge(std::string &why, ArrayRef<int64_t> values) {
  return fail(why, "sizes " + shapeToString(values) + " are past 2^40, too large to compile");
}

bool mlir::octet::shapesCompatible(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  if (a.size() != b.size())
    return false;
  for (auto [x, y] : llvm::zip(a, b))
    if (x != kDyn && y != kDyn && x != y)
      return false;
  return true;
}

std::string mlir::octet::shapeToString(ArrayRef<int64_t> shape) {
  std::string s;
  llvm::raw_string_ostream os(s);
  if (shape.empty())
    return "scalar";
  llvm::interleave(
      shape, os, [&](int64_t d) { d == kDyn ? os << "?" : os << d; }, "x");
  return s;
}

FailureOr<Shape> mlir::octet::inferBroadcastShape(ArrayRef<int64_t> a,
                                                  ArrayRef<int64_t> b,
                                                  std::string &why) {
  size_t rank = std::max(a.size(), b.size());
  Shape out(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da == 1)
      out[i] = db;
    else if (db == 1)
      out[i] = da;
    else if (da == kDyn)
      out[i] = db;
    else if (db == kDyn || da == db)
      out[i] = da;
    else
      return fail(why, "shapes " + shapeToString(a) + " and " +
                           shapeToString(b) + " do not broadcast");
  }
  return out;
}

static int64_t windowOut(int64_t in, int64_t k, int64_t s, int64_t padBegin,
                         int64_t padEnd, int64_t d, bool ceilMode) {
  // A dynamic input size or kernel size (a weight of symbolic shape; found
  // by tools/octet-fuzz-import) gives a dynamic output size.
  if (in == kDyn || k == kDyn)
    return kDyn;
  // In 128 bits: with every value at most 2^40, d * (k - 1) needs 80.
  __int128 eff = (__int128)d * (k - 1) + 1;
  __int128 span = (__int128)in + padBegin + padEnd - eff;
  if (span < 0)
    return -1;
  int64_t out = (int64_t)(ceilMode ? (span + s - 1) / s + 1 : span / s + 1);
  // ONNX/PyTorch rule: the last window must start inside the input or the
  // left padding.
  if (ceilMode && (out - 1) * s >= in + padBegin)
    --out;
  return out;
}

static LogicalResult checkWindowAttrs(ArrayRef<int64_t> strides,
                                      ArrayRef<int64_t> pads,
                                      ArrayRef<int64_t> dilations,
                                      std::string &why) {
  if (strides.size() != 2 || pads.size() != 4 || dilations.size() != 2) {
    why = "expects 2 strides, 4 pads and 2 dilations";
    return failure();
  }
  if (llvm::any_of(strides, [](int64_t s) { return s <= 0; }) ||
      llvm::any_of(dilations, [](int64_t s) { return s <= 0; })) {
    why = "strides and dilations must be positive";
    return failure();
  }
  if (llvm::any_of(pads, [](int64_t p) { return p < 0; })) {
    why = "pads must be non-negative";
    return failure();
  }
  return success();
}

FailureOr<Shape> mlir::octet::inferConv2DShape(
    ArrayRef<int64_t> x, ArrayRef<int64_t> w, ArrayRef<int64_t> strides,
    ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations, int64_t group,
    std::string &why) {
  if (x.size() != 4 || w.size() != 4)
    return fail(why, "expects a rank-4 input and weight, got " +
                         shapeToString(x) + " and " + shapeToString(w));
  if (failed(checkWindowAttrs(strides, pads, dilations, why)))
    return failure();
  for (ArrayRef<int64_t> v : {x, w, strides, pads, dilations})
    if (tooLarge(v))
      return failTooLarge(why, v);
  if (group < 1)
    return fail(why, "group must be at least 1");
  if (w[0] != kDyn && w[0] % group != 0)
    return fail(why, "output channels " + llvm::Twine(w[0]) +
                         " are not divisible by group " + llvm::Twine(group));
  if (x[1] != kDyn && w[1] != kDyn && x[1] != w[1] * group)
    return fail(why, "input has " + llvm::Twine(x[1]) +
                         " channels but weight expects " +
                         llvm::Twine(w[1] * group) + " (" + llvm::Twine(w[1]) +
                         " per group x " + llvm::Twine(group) + " groups)");
  Shape out = {x[0], w[0], 0, 0};
  for (int i = 0; i < 2; ++i) {
    int64_t o = windowOut(x[2 + i], w[2 + i], strides[i], pads[i], pads[2 + i],
                          dilations[i], false);
    if (o == -1 || (w[2 + i] != kDyn && w[2 + i] < 1))
      return fail(why, "kernel larger than the padded input");
    out[2 + i] = w[2 + i] == kDyn ? kDyn : o;
  }
  return out;
}

FailureOr<Shape> mlir::octet::inferPool2DShape(
    ArrayRef<int64_t> x, ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
    ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations, bool ceilMode,
    std::string &why) {
  if (x.size() != 4)
    return fail(why, "expects a rank-4 input, got " + shapeToString(x));
  if (kernel.size() != 2 || llvm::any_of(kernel, [](int64_t k) { return k <= 0; }))
    return fail(why, "expects 2 positive kernel sizes");
  if (failed(checkWindowAttrs(strides, pads, dilations, why)))
    return failure();
  for (ArrayRef<int64_t> v : {x, kernel, strides, pads, dilations})
    if (tooLarge(v))
      return failTooLarge(why, v);
  for (int i = 0; i < 2; ++i)
    if (pads[i] >= kernel[i] || pads[2 + i] >= kernel[i])
      return fail(why, "padding must be smaller than the kernel");
  Shape out = {x[0], x[1], 0, 0};
  for (int i = 0; i < 2; ++i) {
    int64_t o = windowOut(x[2 + i], kernel[i], strides[i], pads[i], pads[2 + i],
                          dilations[i], ceilMode);
    if (o == -1)
      return fail(why, "kernel larger than the padded input");
    out[2 + i] = o;
  }
  return out;
}

FailureOr<Shape> mlir::octet::inferMatMulShape(ArrayRef<int64_t> a,
                                               ArrayRef<int64_t> b,
                                               std::string &why) {
  if (a.empty() || b.empty())
    return fail(why, "matmul operands must have rank at least 1");
  Shape sa(a), sb(b);
  bool va = sa.size() == 1, vb = sb.size() == 1;
  if (va)
    sa.insert(sa.begin(), 1);
  if (vb)
    sb.push_back(1);
  int64_t k1 = sa.back(), k2 = sb[sb.size() - 2];
  if (k1 != kDyn && k2 != kDyn && k1 != k2)
    return fail(why, "contraction dimensions differ: " + shapeToString(a) +
                         " x " + shapeToString(b));
  auto batch = inferBroadcastShape(ArrayRef<int64_t>(sa).drop_back(2),
                                   ArrayRef<int64_t>(sb).drop_back(2), why);
  if (failed(batch))
    return failure();
  Shape out = *batch;
  if (!va)
    out.push_back(sa[sa.size() - 2]);
  if (!vb)
    out.push_back(sb.back());
  return out;
}

FailureOr<Shape> mlir::octet::inferGemmShape(ArrayRef<int64_t> a,
                                             ArrayRef<int64_t> b, bool transA,
                                             bool transB, std::string &why) {
  if (a.size() != 2 || b.size() != 2)
    return fail(why, "gemm expects rank-2 operands, got " + shapeToString(a) +
                         " and " + shapeToString(b));
  int64_t m = transA ? a[1] : a[0], k1 = transA ? a[0] : a[1];
  int64_t k2 = transB ? b[1] : b[0], n = transB ? b[0] : b[1];
  if (k1 != kDyn && k2 != kDyn && k1 != k2)
    return fail(why, "contraction dimensions differ: " + llvm::Twine(k1) +
                         " vs " + llvm::Twine(k2));
  return Shape{m, n};
}

FailureOr<Shape> mlir::octet::inferTransposeShape(ArrayRef<int64_t> x,
                                                  ArrayRef<int64_t> perm,
                                                  std::string &why) {
  if (perm.size() != x.size())
    return fail(why, "permutation has " + llvm::Twine(perm.size()) +
                         " entries for rank " + llvm::Twine(x.size()));
  llvm::SmallVector<bool> seen(x.size(), false);
  Shape out;
  for (int64_t p : perm) {
    if (p < 0 || p >= (int64_t)x.size() || seen[p])
      return fail(why, "perm is not a permutation of 0.." +
                           llvm::Twine(x.size() - 1));
    seen[p] = true;
    out.push_back(x[p]);
  }
  return out;
}

FailureOr<Shape> mlir::octet::inferConcatShape(ArrayRef<Shape> inputs,
                                               int64_t axis, std::string &why) {
  if (inputs.empty())
    return fail(why, "concat needs at least one operand");
  size_t rank = inputs[0].size();
  if (axis < 0 || axis >= (int64_t)rank)
    return fail(why, "axis " + llvm::Twine(axis) + " out of range for rank " +
                         llvm::Twine(rank));
  for (const Shape &s : inputs)
    if (tooLarge(s))
      return failTooLarge(why, s);
  Shape out = inputs[0];
  for (const Shape &s : inputs.drop_front()) {
    if (s.size() != rank)
      return fail(why, "operands have different ranks");
    for (size_t i = 0; i < rank; ++i) {
      if ((int64_t)i == axis) {
        out[i] = (out[i] == kDyn || s[i] == kDyn) ? kDyn : out[i] + s[i];
        if (out[i] != kDyn && out[i] > kMaxExtent)
          return fail(why, "the concatenated dimension is past 2^40, too large to compile");
      } else if (out[i] == kDyn) {
        out[i] = s[i];
      } else if (s[i] != kDyn && s[i] != out[i]) {
        return fail(why, "operand shapes " + shapeToString(inputs[0]) +
                             " and " + shapeToString(s) +
                             " differ outside the concat axis");
      }
    }
  }
  return out;
}

void mlir::octet::normalizeSliceDim(int64_t dim, int64_t start, int64_t end,
                                    int64_t step, int64_t &first,
                                    int64_t &count) {
  // Clamped first so that no sum below overflows (the result is the same:
  // dims are at most 2^40 and a step past the dim takes one element).
  start = std::clamp<int64_t>(start, -(int64_t{1} << 62), int64_t{1} << 62);
  end = std::clamp<int64_t>(end, -(int64_t{1} << 62), int64_t{1} << 62);
  step = std::clamp<int64_t>(step, -kMaxExtent - 1, kMaxExtent + 1);
  if (start < 0)
    start += dim;
  if (end < 0)
    end += dim;
  if (step > 0) {
    start = std::clamp<int64_t>(start, 0, dim);
    end = std::clamp<int64_t>(end, 0, dim);
    count = end > start ? (end - start + step - 1) / step : 0;
  } else {
    start = std::clamp<int64_t>(start, 0, dim - 1);
    end = std::clamp<int64_t>(end, -1, dim - 1);
    count = start > end ? (start - end - step - 1) / (-step) : 0;
  }
  first = start;
}

FailureOr<Shape> mlir::octet::inferSliceShape(
    ArrayRef<int64_t> x, ArrayRef<int64_t> starts, ArrayRef<int64_t> ends,
    ArrayRef<int64_t> axes, ArrayRef<int64_t> steps, std::string &why) {
  if (starts.size() != ends.size() || starts.size() != axes.size() ||
      starts.size() != steps.size())
    return fail(why, "starts, ends, axes and steps must have the same length");
  if (tooLarge(x))
    return failTooLarge(why, x);
  Shape out(x);
  llvm::SmallVector<bool> seen(x.size(), false);
  for (size_t i = 0; i < axes.size(); ++i) {
    int64_t a = axes[i];
    if (a < 0 || a >= (int64_t)x.size() || seen[a])
      return fail(why, "slice axes must be unique and in [0, rank)");
    seen[a] = true;
    if (steps[i] == 0)
      return fail(why, "slice step must not be zero");
    if (x[a] == kDyn)
      continue;
    int64_t first, count;
    normalizeSliceDim(x[a], starts[i], ends[i], steps[i], first, count);
    out[a] = count;
  }
  return out;
}

FailureOr<Shape> mlir::octet::inferGatherShape(ArrayRef<int64_t> x,
                                               ArrayRef<int64_t> indices,
                                               int64_t axis, std::string &why) {
  if (axis < 0 || axis >= (int64_t)x.size())
    return fail(why, "axis " + llvm::Twine(axis) + " out of range for rank " +
                         llvm::Twine(x.size()));
  Shape out(x.begin(), x.begin() + axis);
  out.append(indices.begin(), indices.end());
  out.append(x.begin() + axis + 1, x.end());
  return out;
}

FailureOr<Shape> mlir::octet::inferReduceShape(ArrayRef<int64_t> x,
                                               ArrayRef<int64_t> axes,
                                               bool keepDims,
                                               std::string &why) {
  for (size_t i = 0; i < axes.size(); ++i) {
    if (axes[i] < 0 || axes[i] >= (int64_t)x.size())
      return fail(why, "reduction axis " + llvm::Twine(axes[i]) +
                           " out of range for rank " + llvm::Twine(x.size()));
    if (i && axes[i] <= axes[i - 1])
      return fail(why, "reduction axes must be sorted and unique");
  }
  Shape out;
  for (int64_t i = 0; i < (int64_t)x.size(); ++i) {
    if (llvm::is_contained(axes, i)) {
      if (keepDims)
        out.push_back(1);
    } else {
      out.push_back(x[i]);
    }
  }
  return out;
}

FailureOr<Shape> mlir::octet::inferReshapeShape(ArrayRef<int64_t> x,
                                                ArrayRef<int64_t> target,
                                                bool allowZero,
                                                std::string &why) {
  Shape out;
  int inferred = -1;
  int64_t known = 1;
  bool knownDyn = false;
  for (size_t i = 0; i < target.size(); ++i) {
    int64_t t = target[i];
    if (t == -1) {
      if (inferred >= 0)
        return fail(why, "reshape target has more than one -1");
      inferred = i;
      out.push_back(kDyn);
      continue;
    }
    if (t == 0 && !allowZero) {
      if (i >= x.size())
        return fail(why, "reshape target copies dimension " + llvm::Twine(i) +
                             " that the input (rank " + llvm::Twine(x.size()) +
                             ") lacks");
      t = x[i];
    } else if (t < 0) {
      return fail(why, "reshape target has negative size " + llvm::Twine(t));
    }
    out.push_back(t);
    if (t == kDyn)
      knownDyn = true;
    else if (__builtin_mul_overflow(known, t, &known) || known > (int64_t{1} << 62))
      return fail(why, "reshape target " + shapeToString(target) + " is too large to compile");
  }
  int64_t total = 1;
  bool totalDyn = false;
  for (int64_t d : x) {
    if (d == kDyn)
      totalDyn = true;
    else if (__builtin_mul_overflow(total, d, &total) || total > (int64_t{1} << 62))
      return fail(why, "reshape input " + shapeToString(x) + " is too large to compile");
  }
  if (inferred >= 0) {
    if (!totalDyn && !knownDyn) {
      if (known == 0 || total % known != 0)
        return fail(why, "cannot reshape " + shapeToString(x) + " (" +
                             llvm::Twine(total) + " elements) to " +
                             shapeToString(out));
      out[inferred] = total / known;
    }
  } else if (!totalDyn && !knownDyn && total != known) {
    return fail(why, "cannot reshape " + shapeToString(x) + " (" +
                         llvm::Twine(total) + " elements) to " +
                         shapeToString(out) + " (" + llvm::Twine(known) +
                         " elements)");
  }
  return out;
}

FailureOr<Shape> mlir::octet::inferPadShape(ArrayRef<int64_t> x, ArrayRef<int64_t> pads,
                                            std::string &why) {
  int64_t r = x.size();
  if ((int64_t)pads.size() != 2 * r) {
    why = "pads has " + std::to_string(pads.size()) + " entries for a rank-" +
          std::to_string(r) + " input (expected " + std::to_string(2 * r) + ")";
    return failure();
  }
  if (tooLarge(x))
    return failTooLarge(why, x);
  if (tooLarge(pads))
    return failTooLarge(why, pads);
  Shape out;
  for (int64_t d = 0; d < r; ++d) {
    if (pads[d] < 0 || pads[d + r] < 0) {
      why = "negative pads are not supported";
      return failure();
    }
    out.push_back(ShapedType::isDynamic(x[d]) ? ShapedType::kDynamic
                                              : x[d] + pads[d] + pads[d + r]);
  }
  return out;
}

FailureOr<Shape> mlir::octet::inferTileShape(ArrayRef<int64_t> x, ArrayRef<int64_t> repeats,
                                             std::string &why) {
  if (repeats.size() != x.size()) {
    why = "repeats has " + std::to_string(repeats.size()) + " entries for a rank-" +
          std::to_string(x.size()) + " input";
    return failure();
  }
  if (tooLarge(x))
    return failTooLarge(why, x);
  Shape out;
  for (size_t d = 0; d < x.size(); ++d) {
    if (repeats[d] < 1) {
      why = "repeats must be at least 1, got " + std::to_string(repeats[d]);
      return failure();
    }
    if (!ShapedType::isDynamic(x[d]) && x[d] > (int64_t{1} << 40) / repeats[d]) {
      why = "tiling dimension " + std::to_string(d) + " by " + std::to_string(repeats[d]) +
            " gives a tensor too large to compile";
      return failure();
    }
    out.push_back(ShapedType::isDynamic(x[d]) ? ShapedType::kDynamic : x[d] * repeats[d]);
  }
  return out;
}

FailureOr<Shape> mlir::octet::inferResizeShape(ArrayRef<int64_t> x, ArrayRef<float> scales,
                                               std::string &why) {
  if (scales.size() != x.size()) {
    why = "scales has " + std::to_string(scales.size()) + " entries for a rank-" +
          std::to_string(x.size()) + " input";
    return failure();
  }
  Shape out;
  for (size_t d = 0; d < x.size(); ++d) {
    if (!(scales[d] > 0)) {
      why = "scales must be positive";
      return failure();
    }
    if (!ShapedType::isDynamic(x[d]) && !(std::floor((double)x[d] * (double)scales[d]) <= 0x1p40)) {
      why = "scale " + std::to_string(scales[d]) + " makes dimension " + std::to_string(d) +
            " past 2^40, too large to compile";
      return failure();
    }
    out.push_back(ShapedType::isDynamic(x[d])
                      ? ShapedType::kDynamic
                      : (int64_t)std::floor((double)x[d] * (double)scales[d]));
  }
  return out;
}
