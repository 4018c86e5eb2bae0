//===- Status.cpp - statuses and element types -----------------------------===//

#include "Internal.h"

#include <new>

namespace {
/// The status for an allocation failure, which cannot itself allocate.
octet_status_impl outOfMemoryStatus{OCTET_OUT_OF_MEMORY, "out of memory"};
} // namespace

octet_status octet::runtime::outOfMemory() noexcept { return &outOfMemoryStatus; }

octet_status octet::runtime::makeStatus(int32_t code, const std::string &message) noexcept {
  try {
    auto *s = new (std::nothrow) octet_status_impl;
    if (!s)
      return outOfMemory();
    s->code = code;
    s->message = message;
    return s;
  } catch (...) {
    return outOfMemory();
  }
}

extern "C" {

size_t octet_dtype_size(int32_t dtype) {
  switch (dtype) {
  case OCTET_DTYPE_F32:
  case OCTET_DTYPE_I32:
  case OCTET_DTYPE_U32:
    return 4;
  case OCTET_DTYPE_F64:
  case OCTET_DTYPE_I64:
  case OCTET_DTYPE_U64:
    return 8;
  case OCTET_DTYPE_I8:
  case OCTET_DTYPE_U8:
  case OCTET_DTYPE_BOOL:
    return 1;
  case OCTET_DTYPE_I16:
  case OCTET_DTYPE_U16:
  case OCTET_DTYPE_F16:
  case OCTET_DTYPE_BF16:
    return 2;
  default:
    return 0;
  }
}

const char *octet_dtype_name(int32_t dtype) {
  switch (dtype) {
  case OCTET_DTYPE_F32:
    return "float32";
  case OCTET_DTYPE_F64:
    return "float64";
  case OCTET_DTYPE_I8:
    return "int8";
  case OCTET_DTYPE_U8:
    return "uint8";
  case OCTET_DTYPE_I16:
    return "int16";
  case OCTET_DTYPE_U16:
    return "uint16";
  case OCTET_DTYPE_I32:
    return "int32";
  case OCTET_DTYPE_I64:
    return "int64";
  case OCTET_DTYPE_BOOL:
    return "bool";
  case OCTET_DTYPE_F16:
    return "float16";
  case OCTET_DTYPE_BF16:
    return "bfloat16";
  case OCTET_DTYPE_U32:
    return "uint32";
  case OCTET_DTYPE_U64:
    return "uint64";
  default:
    return "unknown";
  }
}

octet_status octet_status_create(int32_t code, const char *message) {
  if (code == OCTET_OK)
    return nullptr;
  return octet::runtime::makeStatus(code, message ? message : "");
}

int32_t octet_status_code_of(octet_status status) { return status ? status->code : OCTET_OK; }

const char *octet_status_message(octet_status status) {
  return status ? status->message.c_str() : "";
}

void octet_status_release(octet_status status) {
  if (status && status != octet::runtime::outOfMemory())
    delete status;
}

} // extern "C"
