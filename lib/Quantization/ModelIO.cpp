//===- ModelIO.cpp - read and write ONNX models for the quantizer ----------===//

#include "octet/Quantization/Quantizer.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"

#include <onnx/onnx_pb.h>

using namespace octet::quant;

bool octet::quant::readModel(const std::string &path, onnx::ModelProto &model,
                             std::string &error) {
  auto buf = llvm::MemoryBuffer::getFile(path, /*IsText=*/false);
  if (!buf) {
    error = path + ": error: cannot open '" + path + "': " + buf.getError().message();
    return false;
  }
  if ((*buf)->getBufferSize() > (size_t)INT32_MAX) {
    error = path + ": error: files over 2 GiB must keep weights as external data";
    return false;
  }
  if (!model.ParseFromArray((*buf)->getBufferStart(), (int)(*buf)->getBufferSize()) ||
      !model.has_graph()) {
    error = path + ": error: not a valid ONNX model (protobuf parse failed; the file is "
                   "truncated or corrupt)";
    return false;
  }
  return true;
}

bool octet::quant::writeFileAtomically(const std::string &path, llvm::StringRef bytes,
                                       bool text, std::string &error) {
  std::error_code ec;
  llvm::ToolOutputFile out(path, ec, text ? llvm::sys::fs::OF_Text : llvm::sys::fs::OF_None);
  if (ec) {
    error = "cannot write '" + path + "': " + ec.message();
    return false;
  }
  out.os() << bytes;
  out.os().flush();
  if (out.os().has_error()) {
    error = "cannot write '" + path + "'";
    out.os().clear_error();
    return false;
  }
  out.keep();
  return true;
}

bool octet::quant::writeModel(const std::string &path, const onnx::ModelProto &model,
                              std::string &error) {
  std::string bytes;
  if (!model.SerializeToString(&bytes)) {
    error = "cannot serialize the quantized model (over 2 GiB?)";
    return false;
  }
  return writeFileAtomically(path, bytes, /*text=*/false, error);
}
