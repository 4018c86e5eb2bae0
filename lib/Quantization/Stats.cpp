//===- Stats.cpp - tensor statistics, scales and calibrators ---------------===//
//
// TensorStats keeps a histogram on a grid fixed by the float format: the
// sign, the exponent and the top kMantBits mantissa bits of a value name its
// bin. Only a window of kBinades exponents below the largest magnitude is
// kept; smaller magnitudes (under 2^-24 of the largest, far below one int8
// step) fall into an underflow bin. Whatever the order of the data, a value
// lands in the same bin, so the histogram (and every range chosen from it)
// is independent of the calibration batch size.
//
// The calibrators work on the histogram's bin centers:
//   minmax      the exact min and max;
//   percentile  the P and 100-P percentiles (values clipped to both);
//   entropy     TensorRT's: a 2048-bin linear histogram of |x|, the threshold
//               whose quantized distribution has the least KL divergence;
//   mse         the range [a*min, a*max] (a in (0, 1]) with the least squared
//               error, clipping and rounding together;
//   auto        whichever of the above gives the best SQNR on the data.
//
//===----------------------------------------------------------------------===//

#include "octet/Quantization/Quantizer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

using namespace octet::quant;

//===----------------------------------------------------------------------===//
// TensorStats
//===----------------------------------------------------------------------===//

void TensorStats::shiftTo(int exponent) {
  // Move the window up so `exponent` is its top binade; bins that leave the
  // window join the underflow bin of their sign.
  int by = exponent - top_;
  for (int s = 0; s < 2; ++s) {
    uint64_t *h = counts_.data() + s * kSlots;
    size_t keep = by >= kBinades ? 0 : (size_t)(kBinades - by) << kMantBits;
    for (size_t i = keep; i < (size_t)kBinsPerSign; ++i)
      h[kUnder] += h[i];
    std::memmove(h + (kBinsPerSign - keep), h, keep * sizeof(uint64_t));
    std::fill(h, h + (kBinsPerSign - keep), 0);
  }
  top_ = exponent;
}

uint64_t TensorStats::add(const float *values, size_t n) {
  if (counts_.empty())
    counts_.assign(2 * kSlots, 0);
  if (n == 0)
    return 0;
  const uint32_t *bits = reinterpret_cast<const uint32_t *>(values);
  // Pass 1 (vectorizes): the largest magnitude, and min and max through an
  // integer key that orders finite floats as their values.
  uint32_t maxAbs = 0;
  int32_t lo = INT32_MAX, hi = INT32_MIN;
  for (size_t i = 0; i < n; ++i) {
    uint32_t b = bits[i];
    maxAbs = std::max(maxAbs, b & 0x7fffffffu);
    int32_t key = (int32_t)(b ^ ((uint32_t)((int32_t)b >> 31) & 0x7fffffffu));
    lo = std::min(lo, key);
    hi = std::max(hi, key);
  }
  uint64_t bad = 0;
  size_t good = n;
  if (maxAbs >= 0x7f800000u) {
    // NaN or Inf present: count them, recompute the range without them.
    maxAbs = 0;
    lo = INT32_MAX;
    hi = INT32_MIN;
    for (size_t i = 0; i < n; ++i) {
      uint32_t b = bits[i];
      if ((b & 0x7fffffffu) >= 0x7f800000u) {
        ++bad;
        continue;
      }
      maxAbs = std::max(maxAbs, b & 0x7fffffffu);
      int32_t key = (int32_t)(b ^ ((uint32_t)((int32_t)b >> 31) & 0x7fffffffu));
      lo = std::min(lo, key);
      hi = std::max(hi, key);
    }
    good = n - bad;
    if (!good)
      return bad;
  }
  auto fromKey = [](int32_t key) {
    uint32_t b = (uint32_t)key ^ ((uint32_t)(key >> 31) & 0x7fffffffu);
    float f;
    std::memcpy(&f, &b, 4);
    return f;
  };
  if (count_ == 0) {
    min_ = fromKey(lo);
    max_ = fromKey(hi);
  } else {
    min_ = std::min(min_, fromKey(lo));
    max_ = std::max(max_, fromKey(hi));
  }
  count_ += good;
  int top = (int)(maxAbs >> 23);
  if (top > 0 && top > top_) {
    if (top_ < 0)
      top_ = top;
    else
      shiftTo(top);
  }
  // Pass 2: one count per value, no branches on the common path.
  uint64_t *c = counts_.data();
  const int t = top_;
  for (size_t i = 0; i < n; ++i) {
    uint32_t b = bits[i];
    uint32_t a = b & 0x7fffffffu;
    if (a >= 0x7f800000u)
      continue;
    uint32_t base = (b >> 31) * kSlots;
    int e = (int)(a >> 23);
    int d = t - e;
    uint32_t spread = (uint32_t)i & (kSpread - 1);
    uint32_t slot = (e == 0 || d >= kBinades)
                        ? (uint32_t)kUnder + spread
                        : ((uint32_t)d << kMantBits) | ((a >> (23 - kMantBits)) & ((1u << kMantBits) - 1));
    slot = a == 0 ? (uint32_t)kZero + spread : slot;
    ++c[base + slot];
  }
  return bad;
}

std::vector<std::pair<double, uint64_t>> TensorStats::bins() const {
  std::vector<std::pair<double, uint64_t>> out;
  if (counts_.empty())
    return out;
  auto center = [&](int d, int m) {
    int e = top_ - d;
    return std::ldexp(1.0 + (m + 0.5) / (double)(1 << kMantBits), e - 127);
  };
  const uint64_t *pos = counts_.data(), *neg = counts_.data() + kSlots;
  // Negative values, largest magnitude first.
  for (int d = 0; d < kBinades; ++d)
    for (int m = (1 << kMantBits) - 1; m >= 0; --m)
      if (uint64_t c = neg[((size_t)d << kMantBits) | m])
        out.push_back({-center(d, m), c});
  uint64_t small = 0;
  for (int k = 0; k < 2 * kSpread; ++k)
    small += neg[kUnder + k] + pos[kUnder + k];
  if (small)
    out.push_back({0.0, small});
  for (int d = kBinades - 1; d >= 0; --d)
    for (int m = 0; m < (1 << kMantBits); ++m)
      if (uint64_t c = pos[((size_t)d << kMantBits) | m])
        out.push_back({center(d, m), c});
  return out;
}

//===----------------------------------------------------------------------===//
// Scales and zero points
//===----------------------------------------------------------------------===//

ScaleZp octet::quant::computeScaleZp(float rmin, float rmax, const QuantType &type) {
  // ONNX Runtime's compute_scale_zp: float32 range arithmetic, the scale in
  // double, numpy's round (half to even) for the zero point.
  rmin = std::min(rmin, 0.0f);
  rmax = std::max(rmax, 0.0f);
  if (type.symmetric) {
    float absmax = std::max(std::fabs(rmin), std::fabs(rmax));
    rmin = -absmax;
    rmax = absmax;
  }
  double dr = (double)(float)(rmax - rmin);
  double dq = (double)type.qmax - (double)type.qmin;
  double scale = dr / dq;
  ScaleZp p;
  if (scale < std::numeric_limits<float>::min()) {
    p.scale = 1.0f;
    p.zeroPoint = 0;
    return p;
  }
  double zp = type.symmetric ? std::nearbyint((type.qmin + type.qmax) / 2.0)
                             : std::nearbyint((double)type.qmin - (double)rmin / scale);
  p.zeroPoint = (int)std::clamp(zp, (double)type.qmin, (double)type.qmax);
  p.scale = (float)scale;
  return p;
}

int octet::quant::quantizeValue(float x, const ScaleZp &p, const QuantType &type) {
  double q = std::nearbyint((double)(x / p.scale)) + p.zeroPoint;
  return (int)std::clamp(q, (double)type.qmin, (double)type.qmax);
}

//===----------------------------------------------------------------------===//
// Calibrators
//===----------------------------------------------------------------------===//

std::string Calibrator::str() const {
  switch (kind) {
  case CalibratorKind::MinMax:
    return "minmax";
  case CalibratorKind::Percentile: {
    char buf[64];
    snprintf(buf, sizeof buf, "percentile:%g", percentile);
    return buf;
  }
  case CalibratorKind::Entropy:
    return "entropy";
  case CalibratorKind::MSE:
    return "mse";
  case CalibratorKind::Auto:
    return "auto";
  }
  return "?";
}

bool octet::quant::parseCalibrator(llvm::StringRef text, Calibrator &out, std::string &error) {
  auto [name, arg] = text.split(':');
  if (name == "minmax" || name == "entropy" || name == "mse" || name == "auto") {
    if (text.contains(':')) {
      error = "--calibrator=" + name.str() + " takes no argument";
      return false;
    }
    out.kind = name == "minmax"    ? CalibratorKind::MinMax
               : name == "entropy" ? CalibratorKind::Entropy
               : name == "mse"     ? CalibratorKind::MSE
                                   : CalibratorKind::Auto;
    return true;
  }
  if (name == "percentile") {
    out.kind = CalibratorKind::Percentile;
    out.percentile = 99.99;
    if (text.contains(':')) {
      double p;
      if (arg.getAsDouble(p) || !(p > 50.0 && p <= 100.0)) {
        error = "--calibrator=percentile:P needs P in (50, 100], not '" + arg.str() + "'";
        return false;
      }
      out.percentile = p;
    }
    return true;
  }
  error = "unknown calibrator '" + text.str() +
          "' (calibrators: minmax, percentile[:P], entropy, mse, auto)";
  return false;
}

namespace {

using Bins = std::vector<std::pair<double, uint64_t>>;

double squaredError(const Bins &bins, const ScaleZp &p, const QuantType &type) {
  double err = 0;
  for (const auto &[c, n] : bins) {
    double fq = ((double)quantizeValue((float)c, p, type) - p.zeroPoint) * p.scale;
    err += (c - fq) * (c - fq) * (double)n;
  }
  return err;
}

double signalPower(const Bins &bins) {
  double s = 0;
  for (const auto &[c, n] : bins)
    s += c * c * (double)n;
  return s;
}

double sqnrOf(const Bins &bins, float lo, float hi, const QuantType &type) {
  double err = squaredError(bins, computeScaleZp(lo, hi, type), type);
  double sig = signalPower(bins);
  if (err <= 0 || sig <= 0)
    return 200.0;
  return std::min(200.0, 10.0 * std::log10(sig / err));
}

/// The P-th percentile range: the values below which 100-P% and P% of the
/// data lie, by bin centers.
std::pair<float, float> percentileRange(const TensorStats &s, const Bins &bins, double p) {
  double total = (double)s.count();
  double lowCount = total * (100.0 - p) / 100.0, highCount = total * p / 100.0;
  float lo = s.min(), hi = s.max();
  double cum = 0;
  bool haveLo = false;
  for (const auto &[c, n] : bins) {
    cum += (double)n;
    if (!haveLo && cum > lowCount) {
      lo = (float)c;
      haveLo = true;
    }
    if (cum >= highCount) {
      hi = (float)c;
      break;
    }
  }
  return {std::max(lo, s.min()), std::min(hi, s.max())};
}

/// TensorRT's entropy calibration on |x|: of the thresholds between `levels`
/// and 2048 bins of a linear histogram, the one whose clipped distribution P
/// and its `levels`-level quantized version Q have the least KL(P||Q).
float entropyThreshold(const Bins &bins, double absmax, int levels) {
  const int nbins = 2048;
  if (absmax <= 0)
    return 0;
  std::vector<double> hist(nbins, 0.0);
  for (const auto &[c, n] : bins) {
    int i = (int)std::min<double>(nbins - 1, std::fabs(c) / absmax * nbins);
    hist[i] += (double)n;
  }
  double bestKl = std::numeric_limits<double>::infinity();
  int best = nbins;
  std::vector<double> p(nbins), q(nbins);
  std::vector<double> beyond(nbins + 1, 0.0); // beyond[i] = sum of hist[i..]
  for (int k = nbins - 1; k >= 0; --k)
    beyond[k] = beyond[k + 1] + hist[k];
  for (int i = levels; i <= nbins; ++i) {
    double outliers = beyond[i];
    std::copy(hist.begin(), hist.begin() + i, p.begin());
    p[i - 1] += outliers;
    // Merge the i bins into `levels` groups, then spread each group's mass
    // evenly over its non-empty bins.
    double merge = (double)i / levels;
    for (int j = 0; j < levels; ++j) {
      int start = (int)std::floor(j * merge), end = (int)std::floor((j + 1) * merge);
      if (j == levels - 1)
        end = i;
      double sum = 0;
      int nonzero = 0;
      for (int k = start; k < end; ++k) {
        sum += hist[k]; // Q leaves the clipped mass out: clipping costs
        nonzero += p[k] != 0;
      }
      for (int k = start; k < end; ++k)
        q[k] = p[k] != 0 ? sum / nonzero : 0;
    }
    double ps = 0, qs = 0;
    for (int k = 0; k < i; ++k) {
      ps += p[k];
      qs += q[k];
    }
    if (ps <= 0 || qs <= 0)
      continue;
    double kl = 0;
    for (int k = 0; k < i; ++k) {
      if (p[k] == 0)
        continue;
      double pk = p[k] / ps;
      // Q is zero where P's clipped mass piled up beyond the merged bins:
      // smooth it as TensorRT does, with a tiny epsilon.
      double qk = q[k] > 0 ? q[k] / qs : 1e-4 / qs;
      kl += pk * std::log(pk / qk);
    }
    if (kl < bestKl) {
      bestKl = kl;
      best = i;
    }
  }
  return (float)((best + 0.5) * absmax / nbins);
}

std::pair<float, float> mseRange(const TensorStats &s, const Bins &bins, const QuantType &type) {
  float bestLo = s.min(), bestHi = s.max();
  double bestErr = std::numeric_limits<double>::infinity();
  for (int step = 0; step < 128; ++step) {
    double a = std::pow(0.975, step); // 1.0 down to about 0.04
    float lo = (float)(s.min() * a), hi = (float)(s.max() * a);
    double err = squaredError(bins, computeScaleZp(lo, hi, type), type);
    if (err < bestErr) {
      bestErr = err;
      bestLo = lo;
      bestHi = hi;
    }
  }
  return {bestLo, bestHi};
}

} // namespace

TensorRange octet::quant::chooseRange(const TensorStats &s, const Calibrator &cal,
                                      const QuantType &type) {
  TensorRange r;
  r.seenMin = s.min();
  r.seenMax = s.max();
  r.count = s.count();
  r.min = s.min();
  r.max = s.max();
  r.calibrator = cal.str();
  if (s.empty())
    return r;
  Bins bins = s.bins();
  auto entropy = [&]() -> std::pair<float, float> {
    if (s.min() >= 0) {
      int levels = type.symmetric ? (type.qmax - type.qmin) / 2 + 1 : type.qmax - type.qmin + 1;
      return {0.0f, entropyThreshold(bins, s.max(), levels)};
    }
    double absmax = std::max(std::fabs((double)s.min()), std::fabs((double)s.max()));
    float t = entropyThreshold(bins, absmax, (type.qmax - type.qmin + 1) / 2);
    return {std::max(s.min(), -t), std::min(s.max(), t)};
  };
  switch (cal.kind) {
  case CalibratorKind::MinMax:
    break;
  case CalibratorKind::Percentile:
    std::tie(r.min, r.max) = percentileRange(s, bins, cal.percentile);
    break;
  case CalibratorKind::Entropy:
    std::tie(r.min, r.max) = entropy();
    break;
  case CalibratorKind::MSE:
    std::tie(r.min, r.max) = mseRange(s, bins, type);
    break;
  case CalibratorKind::Auto: {
    struct Candidate {
      const char *name;
      std::pair<float, float> range;
    };
    Candidate cands[] = {{"minmax", {s.min(), s.max()}},
                         {"percentile:99.99", percentileRange(s, bins, 99.99)},
                         {"entropy", entropy()},
                         {"mse", mseRange(s, bins, type)}};
    double best = -std::numeric_limits<double>::infinity();
    for (const Candidate &c : cands) {
      double q = sqnrOf(bins, c.range.first, c.range.second, type);
      if (q > best) {
        best = q;
        r.min = c.range.first;
        r.max = c.range.second;
        r.calibrator = std::string("auto:") + c.name;
      }
    }
    break;
  }
  }
  r.sqnrDb = sqnrOf(bins, r.min, r.max, type);
  return r;
}
