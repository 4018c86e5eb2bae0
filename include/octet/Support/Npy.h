//===- Npy.h - read and write .npy files ------------------------*- C++ -*-===//
//
// NumPy's .npy format, versions 1.0 to 3.0, C order, little-endian numeric
// dtypes. Reading validates the magic, the header dictionary and that the
// data size matches the shape.
//
//===----------------------------------------------------------------------===//

#ifndef OCTET_SUPPORT_NPY_H
#define OCTET_SUPPORT_NPY_H

#include <cstdint>
#include <string>
#include <vector>

namespace octet {

struct NpyArray {
  int32_t dtype = 0; // octet_dtype
  std::vector<int64_t> shape;
  std::vector<char> data;
};

/// What a .npy header says: the dtype, the shape and where the data starts.
struct NpyHeader {
  int32_t dtype = 0; // octet_dtype
  std::vector<int64_t> shape;
  size_t dataOffset = 0;
  size_t dataBytes = 0;
};

/// Parses and checks the header of a .npy image of `size` bytes (for a
/// memory-mapped file: the data is not copied). `path` names it in errors.
bool parseNpyHeader(const char *bytes, size_t size, const std::string &path, NpyHeader &out,
                    std::string &error);

/// Reads `path`; on failure returns false with a message in `error`.
bool readNpy(const std::string &path, NpyArray &out, std::string &error);

/// Serializes an array (version 1.0 header).
std::string encodeNpy(const NpyArray &array);

} // namespace octet

#endif // OCTET_SUPPORT_NPY_H
