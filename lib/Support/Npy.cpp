//===- Npy.cpp - read and write .npy files ---------------------------------===//

#include "octet/Support/Npy.h"

#include "octet/Runtime/octet_runtime.h"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>

namespace octet {

namespace {

struct DescrEntry {
  const char *descr;
  int32_t dtype;
};
const DescrEntry kDescrs[] = {
    // numpy has no bfloat16: its bits travel as uint16 (first, so that
    // '<u2' reads as uint16).
    {"<u2", OCTET_DTYPE_BF16},
    {"<f4", OCTET_DTYPE_F32}, {"<f8", OCTET_DTYPE_F64}, {"|i1", OCTET_DTYPE_I8},
    {"|u1", OCTET_DTYPE_U8},  {"<i2", OCTET_DTYPE_I16}, {"<u2", OCTET_DTYPE_U16},
    {"<i4", OCTET_DTYPE_I32}, {"<i8", OCTET_DTYPE_I64}, {"<u8", OCTET_DTYPE_U64}, {"|b1", OCTET_DTYPE_BOOL},
    {"<f2", OCTET_DTYPE_F16}, {"<u4", OCTET_DTYPE_U32},
};

/// The value text after 'key': in a Python dict literal.
bool findValue(const std::string &header, const std::string &key, std::string &value) {
  size_t k = header.find("'" + key + "'");
  if (k == std::string::npos)
    return false;
  size_t colon = header.find(':', k);
  if (colon == std::string::npos)
    return false;
  size_t start = header.find_first_not_of(' ', colon + 1);
  if (start == std::string::npos)
    return false;
  size_t end;
  if (header[start] == '(') {
    end = header.find(')', start);
    if (end == std::string::npos)
      return false;
    ++end;
  } else if (header[start] == '\'') {
    end = header.find('\'', start + 1);
    if (end == std::string::npos)
      return false;
    ++end;
  } else {
    end = header.find_first_of(",}", start);
    if (end == std::string::npos)
      return false;
  }
  value = header.substr(start, end - start);
  return true;
}

} // namespace

bool parseNpyHeader(const char *bytes, size_t size, const std::string &path, NpyHeader &out,
                    std::string &error) {
  auto bad = [&](const std::string &why) {
    error = "'" + path + "' is not a valid .npy file: " + why;
    return false;
  };
  if (size < 10 || std::memcmp(bytes, "\x93NUMPY", 6) != 0)
    return bad("missing the \\x93NUMPY magic");
  unsigned major = (unsigned char)bytes[6];
  size_t headerLen, offset;
  if (major == 1) {
    headerLen = (unsigned char)bytes[8] | ((unsigned char)bytes[9] << 8);
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (size < 12)
      return bad("truncated header");
    headerLen = 0;
    for (int i = 0; i < 4; ++i)
      headerLen |= (size_t)(unsigned char)bytes[8 + i] << (8 * i);
    offset = 12;
  } else {
    return bad("unsupported version " + std::to_string(major));
  }
  if (size < offset + headerLen)
    return bad("truncated header");
  std::string header(bytes + offset, headerLen);
  std::string descr, fortran, shape;
  if (!findValue(header, "descr", descr) || !findValue(header, "fortran_order", fortran) ||
      !findValue(header, "shape", shape))
    return bad("header lacks descr, fortran_order or shape");
  if (fortran != "False")
    return bad("Fortran-order arrays are not supported");
  if (descr.size() < 2)
    return bad("bad descr");
  descr = descr.substr(1, descr.size() - 2);
  out.dtype = 0;
  for (const DescrEntry &e : kDescrs)
    if (descr == e.descr || (descr[0] == '=' && descr.substr(1) == std::string(e.descr).substr(1)))
      out.dtype = e.dtype;
  if (!out.dtype)
    return bad("unsupported dtype '" + descr + "'");
  out.shape.clear();
  if (shape.size() < 2 || shape.front() != '(' || shape.back() != ')')
    return bad("bad shape '" + shape + "'");
  std::string dims = shape.substr(1, shape.size() - 2);
  std::stringstream ss(dims);
  std::string item;
  while (std::getline(ss, item, ',')) {
    size_t a = item.find_first_not_of(' '), b = item.find_last_not_of(' ');
    if (a == std::string::npos)
      continue;
    item = item.substr(a, b - a + 1);
    char *end = nullptr;
    errno = 0;
    long long d = std::strtoll(item.c_str(), &end, 10);
    if (*end || d < 0 || errno == ERANGE)
      return bad("bad shape '" + shape + "'");
    out.shape.push_back(d);
  }
  size_t count = 1;
  for (int64_t d : out.shape) {
    if (d && count > SIZE_MAX / (size_t)d / 16)
      return bad("shape '" + shape + "' is too large");
    count *= (size_t)d;
  }
  size_t need = count * octet_dtype_size(out.dtype);
  size_t have = size - offset - headerLen;
  if (have != need)
    return bad("data holds " + std::to_string(have) + " bytes but the header's shape needs " +
               std::to_string(need) + " (truncated or corrupt)");
  out.dataOffset = offset + headerLen;
  out.dataBytes = need;
  return true;
}

bool readNpy(const std::string &path, NpyArray &out, std::string &error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open '" + path + "'";
    return false;
  }
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  NpyHeader header;
  if (!parseNpyHeader(bytes.data(), bytes.size(), path, header, error))
    return false;
  out.dtype = header.dtype;
  out.shape = header.shape;
  out.data.assign(bytes.begin() + header.dataOffset, bytes.end());
  return true;
}

std::string encodeNpy(const NpyArray &array) {
  const char *descr = "|u1";
  for (const DescrEntry &e : kDescrs)
    if (e.dtype == array.dtype)
      descr = e.descr;
  std::string shape = "(";
  for (size_t i = 0; i < array.shape.size(); ++i)
    shape += std::to_string(array.shape[i]) + (array.shape.size() == 1 || i + 1 < array.shape.size() ? "," : "");
  shape += ")";
  std::string header = std::string("{'descr': '") + descr +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::string out = "\x93NUMPY";
  out += (char)1;
  out += (char)0;
  out += (char)(header.size() & 0xff);
  out += (char)((header.size() >> 8) & 0xff);
  out += header;
  out.append(array.data.begin(), array.data.end());
  return out;
}

} // namespace octet
