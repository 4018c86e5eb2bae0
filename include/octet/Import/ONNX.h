//===- ONNX.h - ONNX model importer -----------------------------*- C++ -*-===//
//
// Imports an ONNX model (float, QDQ or QOperator) into a module holding one
// func.func @main of octet ops.
//
//===----------------------------------------------------------------------===//

#ifndef OCTET_IMPORT_ONNX_H
#define OCTET_IMPORT_ONNX_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringMap.h"
#include <vector>

namespace octet {

struct ONNXImportOptions {
  /// Fixed shapes for graph inputs, overriding their (dynamic) dims.
  llvm::StringMap<std::vector<int64_t>> inputShapes;
};

/// The newest default-domain opset the importer knows.
constexpr int64_t kMaxSupportedOpset = 24;

/// Reads and imports `path`. On failure reports diagnostics (file, node name
/// and op type where known) on the context and returns null.
mlir::OwningOpRef<mlir::ModuleOp>
importONNXFile(llvm::StringRef path, mlir::MLIRContext *context,
               const ONNXImportOptions &options = {});

/// Imports a serialized ModelProto held in memory (a model the quantizer
/// made, say); `displayPath` names it in diagnostics.
mlir::OwningOpRef<mlir::ModuleOp>
importONNXBytes(llvm::StringRef bytes, llvm::StringRef displayPath, mlir::MLIRContext *context,
                const ONNXImportOptions &options = {});

/// Parses "NAME=1x3x224x224" into the options; returns false with a message
/// when malformed.
bool parseInputShape(llvm::StringRef spec, ONNXImportOptions &options,
                     std::string &error);

/// Renders an importer location for a person: "model.onnx: node 'conv1'
/// (Conv)" for a node, "model.onnx" for the file, the usual form otherwise.
std::string describeLocation(mlir::Location loc);

} // namespace octet

#endif // OCTET_IMPORT_ONNX_H
