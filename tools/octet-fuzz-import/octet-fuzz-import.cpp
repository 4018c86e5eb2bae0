//===- octet-fuzz-import.cpp - libFuzzer target on the ONNX importer -------===//
//
// Feeds each input to the ONNX importer as a model file, and runs the
// quantized pipeline (octetc --emit=quantized) on every module it imports.
// A custom mutator parses most inputs as an onnx::ModelProto and changes the
// model (attribute values, op types, shapes, element types, tensor data,
// wiring, opsets) so that mutants stay valid protobuf and reach the op
// handlers; the rest get libFuzzer's byte mutations (OCTET_FUZZ_BYTES_ONLY=1
// uses only those).
// Besides the sanitizers' reports, it aborts when
//   - the import or the pipeline fails without reporting an error (octetc
//     would exit 1 with no message), or
//   - the pipeline succeeds on a module that then fails to verify.
//
// Build and run: scripts/fuzz.sh [SECONDS]. Reproduce one input:
//   build-fuzz/bin/octet-fuzz-import crash-FILE
// with OCTET_FUZZ_VERBOSE=1 to print the diagnostics, or octetc on the file.
//
//===----------------------------------------------------------------------===//

#include "octet/Import/ONNX.h"
#include "octet/InitAll.h"
#include "octet/Pipelines.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

extern "C" size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t maxSize);

namespace {

struct FuzzState {
  std::unique_ptr<mlir::MLIRContext> context;
  std::string path; // the model file the importer reads
  bool verbose = false;
  unsigned errors = 0; // error diagnostics since the last reset
  unsigned runs = 0;   // inputs seen by the current context
  unsigned contextRuns = 0;
  bool bytesOnly = false;
};

FuzzState &state() {
  static FuzzState s;
  return s;
}

void makeContext(FuzzState &s) {
  mlir::DialectRegistry registry;
  octet::registerAllDialects(registry);
  s.context = std::make_unique<mlir::MLIRContext>(registry, mlir::MLIRContext::Threading::DISABLED);
  s.context->printOpOnDiagnostic(false);
  s.context->printStackTraceOnDiagnostic(false);
  // Swallow the diagnostics (counting the errors); print them on request.
  s.context->getDiagEngine().registerHandler([&s](mlir::Diagnostic &d) {
    if (d.getSeverity() == mlir::DiagnosticSeverity::Error)
      ++s.errors;
    if (s.verbose) {
      std::string where = octet::describeLocation(d.getLocation());
      llvm::errs() << (where.empty() ? std::string("fuzz") : where) << ": " << d.str() << "\n";
    }
    return mlir::success();
  });
  s.runs = 0;
}

void removeModelFile() { std::remove(state().path.c_str()); }

[[noreturn]] void fail(const char *what) {
  llvm::errs() << "octet-fuzz-import: " << what << "\n";
  std::abort();
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  FuzzState &s = state();
  s.verbose = std::getenv("OCTET_FUZZ_VERBOSE") != nullptr;
  s.bytesOnly = std::getenv("OCTET_FUZZ_BYTES_ONLY") != nullptr;
  // Inputs per context: uniqued types and attributes (weights included) live
  // as long as the context, so a long run recreates it now and then to bound
  // its memory. 0 keeps one context for the whole run.
  if (const char *n = std::getenv("OCTET_FUZZ_CONTEXT_RUNS"))
    s.contextRuns = (unsigned)std::strtoul(n, nullptr, 10);
  else
    s.contextRuns = 2000;
  // The importer reads files; a tmpfs keeps the write per input cheap.
  llvm::SmallString<128> dir;
  if (llvm::sys::fs::is_directory("/dev/shm"))
    dir = "/dev/shm";
  else
    llvm::sys::path::system_temp_directory(/*ErasedOnReboot=*/true, dir);
  llvm::sys::path::append(dir, "octet-fuzz-" + std::to_string(llvm::sys::Process::getProcessId()) +
                                   ".onnx");
  s.path = std::string(dir);
  std::atexit(removeModelFile);
  makeContext(s);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  FuzzState &s = state();
  if (s.contextRuns && s.runs >= s.contextRuns)
    makeContext(s);
  ++s.runs;

  {
    std::FILE *f = std::fopen(s.path.c_str(), "wb");
    if (!f)
      fail("cannot write the model file");
    if (size && std::fwrite(data, 1, size, f) != size)
      fail("cannot write the model file");
    std::fclose(f);
  }

  mlir::MLIRContext *context = s.context.get();
  s.errors = 0;
  mlir::OwningOpRef<mlir::ModuleOp> module = octet::importONNXFile(s.path, context);
  if (!module) {
    if (!s.errors)
      fail("the import failed without an error diagnostic");
    return 0;
  }

  mlir::PassManager pm(context);
  octet::buildQuantizedPipeline(pm);
  s.errors = 0;
  if (mlir::failed(pm.run(*module))) {
    if (!s.errors)
      fail("the quantized pipeline failed without an error diagnostic");
    return 0;
  }
  if (mlir::failed(mlir::verify(*module)))
    fail("the quantized pipeline produced a module that fails to verify");
  return 0;
}

//===----------------------------------------------------------------------===//
// Structure-aware mutation of ONNX models
//===----------------------------------------------------------------------===//

namespace {

using Rng = std::mt19937_64;

size_t pick(Rng &r, size_t n) { return n ? r() % n : 0; }

int64_t someInt(Rng &r) {
  static const int64_t values[] = {0,
                                   1,
                                   -1,
                                   2,
                                   3,
                                   -2,
                                   4,
                                   5,
                                   7,
                                   8,
                                   16,
                                   64,
                                   127,
                                   128,
                                   255,
                                   256,
                                   65535,
                                   65536,
                                   1 << 20,
                                   INT32_MAX,
                                   INT32_MIN,
                                   1LL << 32,
                                   1LL << 40,
                                   INT64_MAX,
                                   INT64_MIN,
                                   INT64_MAX - 1,
                                   INT64_MIN + 1};
  switch (r() % 4) {
  case 0:
    return (int64_t)(r() % 17) - 8;
  case 1:
    return (int64_t)r();
  default:
    return values[pick(r, std::size(values))];
  }
}

float someFloat(Rng &r) {
  static const float values[] = {0.0f,
                                 -0.0f,
                                 1.0f,
                                 -1.0f,
                                 0.5f,
                                 2.0f,
                                 1e-30f,
                                 1e30f,
                                 255.0f,
                                 std::numeric_limits<float>::infinity(),
                                 -std::numeric_limits<float>::infinity(),
                                 std::numeric_limits<float>::quiet_NaN(),
                                 std::numeric_limits<float>::denorm_min(),
                                 std::numeric_limits<float>::max()};
  if (r() % 4 == 0)
    return (float)((double)(int64_t)(r() % 2001 - 1000) / 100.0);
  return values[pick(r, std::size(values))];
}

// Attribute strings the importer's handlers look for.
const char *someString(Rng &r) {
  static const char *values[] = {"",
                                 "NOTSET",
                                 "SAME_UPPER",
                                 "SAME_LOWER",
                                 "VALID",
                                 "constant",
                                 "reflect",
                                 "edge",
                                 "wrap",
                                 "nearest",
                                 "linear",
                                 "cubic",
                                 "bilinear",
                                 "trilinear",
                                 "DCR",
                                 "CRD",
                                 "forward",
                                 "reverse",
                                 "bidirectional",
                                 "Sigmoid",
                                 "Tanh",
                                 "Relu",
                                 "Affine",
                                 "HardSigmoid",
                                 "none",
                                 "tanh",
                                 "add",
                                 "mul",
                                 "max",
                                 "min",
                                 "half_pixel",
                                 "asymmetric",
                                 "align_corners",
                                 "pytorch_half_pixel",
                                 "tf_crop_and_resize",
                                 "half_pixel_symmetric",
                                 "round_prefer_floor",
                                 "round_prefer_ceil",
                                 "floor",
                                 "ceil",
                                 "stretch",
                                 "not_larger",
                                 "not_smaller",
                                 "ij,jk->ik",
                                 "ii->i",
                                 "...ij,...jk->...ik",
                                 "bij,bjk->bik",
                                 "i,i",
                                 "ij->ji",
                                 "abc,cd->abd",
                                 "x"};
  return values[pick(r, std::size(values))];
}

// Every op type seen in a parsed input (the seeds hold all the handlers').
std::vector<std::string> &opTypes() {
  static std::vector<std::string> types;
  return types;
}
std::set<std::string> &opTypeSet() {
  static std::set<std::string> set;
  return set;
}

void collectOpTypes(const onnx::GraphProto &g) {
  for (const auto &n : g.node()) {
    std::string key = n.domain().empty() ? n.op_type() : n.domain() + ":" + n.op_type();
    if (opTypes().size() < 4096 && opTypeSet().insert(key).second)
      opTypes().push_back(key);
  }
}

// Value names of a graph: inputs, initializers and node outputs.
std::vector<std::string> valueNames(const onnx::GraphProto &g) {
  std::vector<std::string> names;
  for (const auto &in : g.input())
    names.push_back(in.name());
  for (const auto &t : g.initializer())
    names.push_back(t.name());
  for (const auto &n : g.node())
    for (const auto &o : n.output())
      names.push_back(o);
  return names;
}

void mutateAttribute(onnx::AttributeProto &a, Rng &r) {
  switch (a.type()) {
  case onnx::AttributeProto::INT:
    a.set_i(someInt(r));
    return;
  case onnx::AttributeProto::FLOAT:
    a.set_f(someFloat(r));
    return;
  case onnx::AttributeProto::STRING:
    a.set_s(someString(r));
    return;
  case onnx::AttributeProto::INTS:
    switch (r() % 4) {
    case 0:
      a.add_ints(someInt(r));
      return;
    case 1:
      if (a.ints_size())
        a.mutable_ints()->RemoveLast();
      return;
    default:
      if (a.ints_size())
        a.set_ints((int)pick(r, a.ints_size()), someInt(r));
      return;
    }
  case onnx::AttributeProto::FLOATS:
    if (a.floats_size() && r() % 2)
      a.set_floats((int)pick(r, a.floats_size()), someFloat(r));
    else
      a.add_floats(someFloat(r));
    return;
  case onnx::AttributeProto::STRINGS:
    if (a.strings_size() && r() % 2)
      a.set_strings((int)pick(r, a.strings_size()), someString(r));
    else
      a.add_strings(someString(r));
    return;
  default:
    // A different kind of value under the same name.
    a.clear_t();
    a.set_type(onnx::AttributeProto::INT);
    a.set_i(someInt(r));
    return;
  }
}

void mutateTensor(onnx::TensorProto &t, Rng &r) {
  switch (r() % 5) {
  case 0:
    if (t.dims_size() && r() % 2)
      t.set_dims((int)pick(r, t.dims_size()), someInt(r) % 9);
    else if (t.dims_size() && r() % 2)
      t.mutable_dims()->RemoveLast();
    else
      t.add_dims(r() % 4);
    return;
  case 1: {
    static const int types[] = {1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 16, 17, 21, 22, 0, 99};
    t.set_data_type(types[pick(r, std::size(types))]);
    return;
  }
  case 2:
    if (t.has_raw_data()) {
      std::string raw = t.raw_data();
      raw.resize(raw.size() ? pick(r, raw.size() * 2 + 1) : r() % 16);
      t.set_raw_data(raw);
    } else if (t.float_data_size()) {
      t.mutable_float_data()->RemoveLast();
    } else if (t.int64_data_size()) {
      t.mutable_int64_data()->RemoveLast();
    } else if (t.int32_data_size()) {
      t.mutable_int32_data()->RemoveLast();
    }
    return;
  case 3:
    // One value changed (raw data: a byte; typed data: an element).
    if (t.has_raw_data() && !t.raw_data().empty()) {
      std::string raw = t.raw_data();
      raw[pick(r, raw.size())] = (char)r();
      t.set_raw_data(raw);
    } else if (t.int64_data_size()) {
      t.set_int64_data((int)pick(r, t.int64_data_size()), someInt(r));
    } else if (t.int32_data_size()) {
      t.set_int32_data((int)pick(r, t.int32_data_size()), (int32_t)someInt(r));
    } else if (t.float_data_size()) {
      t.set_float_data((int)pick(r, t.float_data_size()), someFloat(r));
    }
    return;
  default:
    // Values where the importer expects constants: a scalar or short vector.
    t.clear_raw_data();
    t.clear_float_data();
    t.clear_int64_data();
    t.clear_int32_data();
    t.clear_dims();
    if (r() % 2)
      t.add_dims(1 + r() % 4);
    if (r() % 2) {
      t.set_data_type(onnx::TensorProto::INT64);
      for (int64_t k = 0, n = t.dims_size() ? t.dims(0) : 1; k < n; ++k)
        t.add_int64_data(someInt(r));
    } else {
      t.set_data_type(onnx::TensorProto::FLOAT);
      for (int64_t k = 0, n = t.dims_size() ? t.dims(0) : 1; k < n; ++k)
        t.add_float_data(someFloat(r));
    }
    return;
  }
}

void mutateValueInfo(onnx::ValueInfoProto &v, Rng &r) {
  auto *tt = v.mutable_type()->mutable_tensor_type();
  if (r() % 4 == 0) {
    static const int types[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 16, 0};
    tt->set_elem_type(types[pick(r, std::size(types))]);
    return;
  }
  auto *shape = tt->mutable_shape();
  switch (r() % 4) {
  case 0:
    shape->add_dim()->set_dim_value(r() % 2 ? someInt(r) : (int64_t)(r() % 8));
    return;
  case 1:
    if (shape->dim_size())
      shape->mutable_dim()->RemoveLast();
    return;
  case 2:
    if (shape->dim_size())
      shape->mutable_dim((int)pick(r, shape->dim_size()))->set_dim_param("N");
    return;
  default:
    if (shape->dim_size())
      shape->mutable_dim((int)pick(r, shape->dim_size()))
          ->set_dim_value(r() % 2 ? someInt(r) : (int64_t)(r() % 8));
    return;
  }
}

void mutateModel(onnx::ModelProto &m, Rng &r) {
  onnx::GraphProto &g = *m.mutable_graph();
  onnx::NodeProto *n = g.node_size() ? g.mutable_node((int)pick(r, g.node_size())) : nullptr;
  switch (r() % 14) {
  case 0:
  case 1:
  case 2: // an attribute's value
    if (n && n->attribute_size())
      mutateAttribute(*n->mutable_attribute((int)pick(r, n->attribute_size())), r);
    return;
  case 3: // an attribute copied from another node, or one removed
    if (n && g.node_size() && r() % 2) {
      const onnx::NodeProto &from = g.node((int)pick(r, g.node_size()));
      if (from.attribute_size())
        *n->add_attribute() = from.attribute((int)pick(r, from.attribute_size()));
    } else if (n && n->attribute_size()) {
      n->mutable_attribute()->DeleteSubrange((int)pick(r, n->attribute_size()), 1);
    }
    return;
  case 4: // another op type
    if (n && !opTypes().empty()) {
      const std::string &key = opTypes()[pick(r, opTypes().size())];
      size_t colon = key.find(':');
      if (colon == std::string::npos) {
        n->clear_domain();
        n->set_op_type(key);
      } else {
        n->set_domain(key.substr(0, colon));
        n->set_op_type(key.substr(colon + 1));
      }
    }
    return;
  case 5:
  case 6: // an initializer
    if (g.initializer_size())
      mutateTensor(*g.mutable_initializer((int)pick(r, g.initializer_size())), r);
    else if (n && n->attribute_size()) {
      auto *a = n->mutable_attribute((int)pick(r, n->attribute_size()));
      if (a->has_t())
        mutateTensor(*a->mutable_t(), r);
    }
    return;
  case 7: // a graph input's shape or type
    if (g.input_size())
      mutateValueInfo(*g.mutable_input((int)pick(r, g.input_size())), r);
    return;
  case 8: { // a node's inputs rewired
    if (!n)
      return;
    std::vector<std::string> names = valueNames(g);
    switch (r() % 4) {
    case 0:
      if (n->input_size() && !names.empty())
        n->set_input((int)pick(r, n->input_size()), names[pick(r, names.size())]);
      return;
    case 1:
      if (n->input_size())
        n->set_input((int)pick(r, n->input_size()), "");
      return;
    case 2:
      if (n->input_size())
        n->mutable_input()->RemoveLast();
      return;
    default:
      if (!names.empty())
        n->add_input(names[pick(r, names.size())]);
      return;
    }
  }
  case 9: // a node's outputs
    if (n && n->output_size() && r() % 2)
      n->mutable_output()->RemoveLast();
    else if (n)
      n->add_output("fuzz_out" + std::to_string(r() % 4));
    return;
  case 10: // a node removed or duplicated
    if (n && r() % 2)
      g.mutable_node()->DeleteSubrange((int)pick(r, g.node_size()), 1);
    else if (n)
      *g.add_node() = *n;
    return;
  case 11: // the opset
    if (m.opset_import_size())
      m.mutable_opset_import((int)pick(r, m.opset_import_size()))
          ->set_version(r() % 4 ? 1 + (int64_t)(r() % 24) : someInt(r));
    return;
  case 12: // the graph outputs
    if (g.output_size() && r() % 2) {
      std::vector<std::string> names = valueNames(g);
      if (!names.empty())
        g.mutable_output((int)pick(r, g.output_size()))->set_name(names[pick(r, names.size())]);
    } else if (g.output_size() > 1) {
      g.mutable_output()->RemoveLast();
    }
    return;
  default: // a value info's shape (graph outputs and value_info)
    if (g.output_size())
      mutateValueInfo(*g.mutable_output((int)pick(r, g.output_size())), r);
    return;
  }
}

} // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t maxSize,
                                          unsigned int seed) {
  Rng r(seed);
  // A third of the mutations, and inputs that are not models, are bytes.
  if (state().bytesOnly || r() % 3 == 0)
    return LLVMFuzzerMutate(data, size, maxSize);
  onnx::ModelProto model;
  if (size > (size_t)INT32_MAX || !model.ParseFromArray(data, (int)size) || !model.has_graph())
    return LLVMFuzzerMutate(data, size, maxSize);
  collectOpTypes(model.graph());
  for (unsigned k = 0, n = 1 + r() % 3; k < n; ++k)
    mutateModel(model, r);
  std::string out;
  if (!model.SerializeToString(&out) || out.size() > maxSize)
    return LLVMFuzzerMutate(data, size, maxSize);
  std::memcpy(data, out.data(), out.size());
  return out.size();
}
