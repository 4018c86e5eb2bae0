//===- Npy.h - read and write .npy files ------------------------*- C++ -*-===//
//
// NumPy's .npy format, versions 1.0 to 3.0, C order, little-endian numeric
// dtypes. Reading validates the magic, the header dictionary and that the
// data size matches the shape.
//
//===----------------------------------------------------------------------===//

#ifndef OCTET_TOOLS_NPY_H
#define OCTET_TOOLS_NPY_H

#include <cstdint>
#include <string>
#include <vector>

namespace octet {

struct NpyArray {
  int32_t dtype = 0; // octet_dtype
  std::vector<int64_t> shape;
  std::vector<char> data;
};

/// Reads `path`; on failure returns false with a message in `error`.
bool readNpy(const std::string &path, NpyArray &out, std::string &error);

/// Serializes an array (version 1.0 header).
std::string encodeNpy(const NpyArray &array);

} // namespace octet

#endif // OCTET_TOOLS_NPY_H
