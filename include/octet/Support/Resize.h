//===- Resize.h - ONNX Resize coordinate rules ------------------*- C++ -*-===//
//
// The coordinate transformation of ONNX Resize, in float32 as ONNX Runtime
// computes it: shared by the Resize lowering (its gather tables) and the
// importer (antialiased resizing's constant weight matrices).
//
//===----------------------------------------------------------------------===//

#ifndef OCTET_SUPPORT_RESIZE_H
#define OCTET_SUPPORT_RESIZE_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>

namespace octet {

/// The input coordinate of output coordinate `xr` on an axis resized from
/// `inLen` to `outLen` by `scale` under coordinate_transformation_mode
/// `mode` (tf_crop_and_resize, which needs the roi, is not handled here).
inline float resizeCoordinate(llvm::StringRef mode, float xr, float scale, int64_t outLen,
                              int64_t inLen) {
  if (mode == "half_pixel")
    return (xr + 0.5f) / scale - 0.5f;
  if (mode == "pytorch_half_pixel")
    return outLen > 1 ? (xr + 0.5f) / scale - 0.5f : 0.0f;
  if (mode == "align_corners")
    return outLen == 1 ? 0.0f : xr * (float)(inLen - 1) / (float)(outLen - 1);
  if (mode == "tf_half_pixel_for_nn")
    return (xr + 0.5f) / scale;
  if (mode == "half_pixel_symmetric") {
    float adjustment = (float)outLen / (scale * (float)inLen);
    float center = (float)inLen / 2.0f;
    float offset = center * (1.0f - adjustment);
    return offset + (xr + 0.5f) / scale - 0.5f;
  }
  return xr / scale; // asymmetric
}

} // namespace octet

#endif // OCTET_SUPPORT_RESIZE_H
