//===- Calibrate.cpp - run the float model over calibration data -----------===//

#include "octet/Quantization/Calibrate.h"

#include "octet/Import/ONNX.h"
#include "octet/Pipelines.h"
#include "octet/Runtime/octet_runtime.h"
#include "octet/Support/Npy.h"
#include "octet/Target/CPU.h"
#include "octet/Target/Registry.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <onnx/onnx_pb.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <numeric>

using namespace octet::quant;
using llvm::StringRef;

namespace {

int32_t dtypeOfOnnx(int32_t t) {
  switch (t) {
  case onnx::TensorProto::FLOAT:
    return OCTET_DTYPE_F32;
  case onnx::TensorProto::DOUBLE:
    return OCTET_DTYPE_F64;
  case onnx::TensorProto::INT8:
    return OCTET_DTYPE_I8;
  case onnx::TensorProto::UINT8:
    return OCTET_DTYPE_U8;
  case onnx::TensorProto::INT16:
    return OCTET_DTYPE_I16;
  case onnx::TensorProto::UINT16:
    return OCTET_DTYPE_U16;
  case onnx::TensorProto::INT32:
    return OCTET_DTYPE_I32;
  case onnx::TensorProto::INT64:
    return OCTET_DTYPE_I64;
  case onnx::TensorProto::BOOL:
    return OCTET_DTYPE_BOOL;
  default:
    return 0;
  }
}

std::string shapeStr(const std::vector<int64_t> &s) {
  std::string r = "[";
  for (size_t i = 0; i < s.size(); ++i)
    r += (i ? "x" : "") + (s[i] < 0 ? std::string("?") : std::to_string(s[i]));
  return r + "]";
}

/// A file name for an input name (path separators and odd characters as _).
std::string fileNameFor(const std::string &input) {
  std::string f;
  for (char c : input)
    f += (isalnum((unsigned char)c) || c == '.' || c == '-' || c == '_') ? c : '_';
  return f + ".npy";
}

bool openFile(const std::string &path, InputData &in, const std::vector<int64_t> &modelShape,
              std::string &error) {
  auto buf = llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!buf) {
    error = "cannot open calibration data '" + path + "': " + buf.getError().message();
    return false;
  }
  octet::NpyHeader h;
  if (!octet::parseNpyHeader((*buf)->getBufferStart(), (*buf)->getBufferSize(), path, h, error))
    return false;
  if (h.dtype != in.dtype) {
    error = "calibration data '" + path + "' holds " + octet_dtype_name(h.dtype) +
            " but the model's input '" + in.name + "' is " + octet_dtype_name(in.dtype);
    return false;
  }
  if (h.shape.size() != modelShape.size() || h.shape.empty()) {
    error = "calibration data '" + path + "' has shape " + shapeStr(h.shape) +
            " but the model's input '" + in.name + "' has rank " +
            std::to_string(modelShape.size()) + " " + shapeStr(modelShape) +
            " (the data's first axis counts samples)";
    return false;
  }
  std::vector<int64_t> sample(h.shape.begin() + 1, h.shape.end());
  for (size_t d = 1; d < modelShape.size(); ++d)
    if (modelShape[d] >= 0 && modelShape[d] != h.shape[d]) {
      error = "calibration data '" + path + "' has shape " + shapeStr(h.shape) +
              " but the model's input '" + in.name + "' is " + shapeStr(modelShape);
      return false;
    }
  if (!in.files.empty() && sample != in.sampleShape) {
    error = "calibration data '" + path + "' has samples of shape " + shapeStr(sample) +
            " but '" + in.files[0].path + "' has " + shapeStr(in.sampleShape);
    return false;
  }
  in.sampleShape = sample;
  InputData::File f;
  f.path = path;
  f.data = (*buf)->getBufferStart() + h.dataOffset;
  f.samples = h.shape[0];
  f.buffer = std::move(*buf);
  in.files.push_back(std::move(f));
  return true;
}

} // namespace

bool octet::quant::openCalibrationData(const std::string &path, const onnx::ModelProto &model,
                                       CalibrationData &data, std::string &error) {
  std::set<std::string> inits;
  for (const auto &t : model.graph().initializer())
    inits.insert(t.name());
  std::vector<const onnx::ValueInfoProto *> inputs;
  for (const auto &in : model.graph().input())
    if (!inits.count(in.name()))
      inputs.push_back(&in);
  if (inputs.empty()) {
    error = "the model has no inputs to calibrate with";
    return false;
  }
  data.inputs.clear();
  bool isDir = llvm::sys::fs::is_directory(path);
  if (!isDir && !llvm::sys::fs::exists(path)) {
    error = "calibration data '" + path + "' does not exist";
    return false;
  }
  if (!isDir && inputs.size() > 1) {
    error = "the model has " + std::to_string(inputs.size()) +
            " inputs: give --calibration-data a directory holding NAME.npy for each";
    return false;
  }
  for (size_t k = 0; k < inputs.size(); ++k) {
    const onnx::ValueInfoProto *vi = inputs[k];
    InputData in;
    in.name = vi->name();
    const auto &tt = vi->type().tensor_type();
    in.dtype = dtypeOfOnnx(tt.elem_type());
    if (!in.dtype) {
      error = "the model's input '" + in.name + "' has a type calibration cannot feed";
      return false;
    }
    std::vector<int64_t> shape;
    for (const auto &d : tt.shape().dim())
      shape.push_back(d.has_dim_value() ? d.dim_value() : -1);
    if (shape.empty()) {
      error = "the model's input '" + in.name + "' is a scalar: calibration needs a batch axis";
      return false;
    }
    if (k == 0)
      data.modelBatch = shape[0] >= 0 ? shape[0] : 0;
    std::vector<std::string> files;
    if (!isDir) {
      files.push_back(path);
    } else {
      std::string named = (llvm::Twine(path) + "/" + fileNameFor(in.name)).str();
      if (llvm::sys::fs::exists(named)) {
        files.push_back(named);
      } else if (inputs.size() == 1) {
        std::error_code ec;
        for (llvm::sys::fs::directory_iterator it(path, ec), end; it != end && !ec;
             it.increment(ec))
          if (llvm::sys::path::extension(it->path()) == ".npy")
            files.push_back(it->path());
        std::sort(files.begin(), files.end());
        if (files.empty()) {
          error = "calibration data directory '" + path + "' holds no .npy files";
          return false;
        }
      } else {
        error = "calibration data directory '" + path + "' lacks '" + fileNameFor(in.name) +
                "' for the model's input '" + in.name + "'";
        return false;
      }
    }
    for (const std::string &f : files)
      if (!openFile(f, in, shape, error))
        return false;
    int64_t n = 0;
    for (const auto &f : in.files)
      n += f.samples;
    if (n == 0) {
      error = "the calibration data for '" + in.name + "' is empty (0 samples)";
      return false;
    }
    if (!data.inputs.empty() && n != data.samples) {
      error = "the calibration data holds " + std::to_string(data.samples) + " samples for '" +
              data.inputs[0].name + "' but " + std::to_string(n) + " for '" + in.name + "'";
      return false;
    }
    data.samples = n;
    data.inputs.push_back(std::move(in));
  }
  if (data.modelBatch > 1 && data.samples % data.modelBatch) {
    error = "the model's batch is fixed at " + std::to_string(data.modelBatch) + " but the " +
            "calibration data holds " + std::to_string(data.samples) +
            " samples, not a multiple of it";
    return false;
  }
  return true;
}

namespace {

/// One compiled calibration module for a batch size.
struct CalibModule {
  octet_module module = nullptr;
  octet_context context = nullptr;
  ~CalibModule() {
    if (context)
      octet_context_release(context);
    if (module)
      octet_module_release(module);
  }
};

bool statusOk(octet_status s, std::string &error, const std::string &what) {
  if (!s)
    return true;
  error = what + ": " + octet_status_message(s);
  octet_status_release(s);
  return false;
}

bool compileModule(mlir::MLIRContext &context, const std::string &bytes, const CalibrationData &data,
                   int64_t batch, const CalibrateOptions &opts, CalibModule &out,
                   std::string &error) {
  octet::ONNXImportOptions io;
  for (const InputData &in : data.inputs) {
    std::vector<int64_t> shape = {batch};
    shape.insert(shape.end(), in.sampleShape.begin(), in.sampleShape.end());
    io.inputShapes[in.name] = shape;
  }
  auto module = octet::importONNXBytes(bytes, opts.modelPath, &context, io);
  if (!module) {
    error = "cannot import the float model for calibration";
    return false;
  }
  mlir::PassManager pm(&context);
  octet::buildQuantizedPipeline(pm);
  if (failed(pm.run(*module))) {
    error = "cannot compile the float model for calibration";
    return false;
  }
  const octet::Target *cpu = octet::lookupTarget("cpu");
  octet::TargetOptions to;
  to.name = "octet_calibration";
  to.cpu = opts.cpu;
  to.sharedLibrary = true;
  llvm::SmallString<128> obj, so;
  int fd;
  if (llvm::sys::fs::createTemporaryFile("octet-calib", "o", fd, obj) ||
      llvm::sys::fs::createTemporaryFile("octet-calib", "so", so)) {
    error = "cannot create a temporary file for the calibration module";
    return false;
  }
  llvm::FileRemover removeObj(obj), removeSo(so);
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    if (failed(cpu->compile(*module, to, os))) {
      error = "cannot compile the float model for calibration";
      return false;
    }
  }
  if (failed(octet::linkSharedLibrary(obj, so, error)))
    return false;
  if (!statusOk(octet_module_load(so.c_str(), nullptr, &out.module), error,
                "cannot load the calibration module"))
    return false;
  octet_context_options co = {};
  co.struct_size = sizeof co;
  co.num_threads = opts.threads;
  return statusOk(octet_context_create(out.module, &co, &out.context), error,
                  "cannot create a calibration context");
}

/// The largest divisor of `n` not above `limit`: batches of equal size, so
/// one module serves the whole data set.
int64_t chooseBatch(int64_t n, int64_t limit) {
  for (int64_t b = std::min(n, std::max<int64_t>(1, limit)); b > 1; --b)
    if (n % b == 0)
      return b;
  return 1;
}

} // namespace

bool octet::quant::calibrate(mlir::MLIRContext &context, const onnx::ModelProto &model,
                             const QuantPlan &plan, CalibrationData &data,
                             const CalibrateOptions &opts,
                             std::map<std::string, TensorStats> &stats, std::string &error) {
  auto augmented = withObservedOutputs(model, plan);
  std::string bytes = augmented->SerializeAsString();

  int64_t sampleElems = 0;
  for (const InputData &in : data.inputs)
    sampleElems += std::accumulate(in.sampleShape.begin(), in.sampleShape.end(), (int64_t)1,
                                   std::multiplies<int64_t>());
  int64_t batch = opts.batch;
  if (data.modelBatch) {
    batch = data.modelBatch;
  } else if (batch <= 0) {
    // About a megabyte of input per run, at most 32 samples.
    int64_t limit = std::min<int64_t>(32, (1 << 18) / std::max<int64_t>(1, sampleElems));
    batch = chooseBatch(data.samples, limit);
  }
  batch = std::min(batch, data.samples);
  int64_t rest = data.samples % batch;

  CalibModule full, tail;
  if (!compileModule(context, bytes, data, batch, opts, full, error))
    return false;
  if (rest && !compileModule(context, bytes, data, rest, opts, tail, error))
    return false;

  std::set<std::string> inputNames;
  for (const InputData &in : data.inputs)
    inputNames.insert(in.name);
  for (const std::string &t : plan.observed)
    if (inputNames.count(t))
      stats[t]; // filled from the data itself

  // Per input: the current file and the sample within it.
  struct Cursor {
    size_t file = 0;
    int64_t sample = 0;
  };
  std::vector<Cursor> cursors(data.inputs.size());
  std::vector<std::vector<char>> inputBufs(data.inputs.size());
  std::vector<std::vector<int64_t>> inputShapes(data.inputs.size());
  auto started = std::chrono::steady_clock::now();
  bool tty = opts.progress;
  int64_t done = 0;
  while (done < data.samples) {
    CalibModule &m = (data.samples - done >= batch) ? full : tail;
    int64_t n = (data.samples - done >= batch) ? batch : rest;
    // Gather the batch (across file boundaries), checking for NaN and Inf.
    std::vector<octet_tensor_view> views(data.inputs.size());
    for (size_t i = 0; i < data.inputs.size(); ++i) {
      InputData &in = data.inputs[i];
      size_t sampleBytes = octet_dtype_size(in.dtype);
      for (int64_t d : in.sampleShape)
        sampleBytes *= (size_t)d;
      inputBufs[i].resize(sampleBytes * n);
      for (int64_t s = 0; s < n; ++s) {
        Cursor &c = cursors[i];
        while (c.sample >= in.files[c.file].samples) {
          ++c.file;
          c.sample = 0;
        }
        const InputData::File &f = in.files[c.file];
        const char *src = f.data + sampleBytes * c.sample;
        if (in.dtype == OCTET_DTYPE_F32) {
          const float *v = (const float *)src;
          for (size_t k = 0; k < sampleBytes / 4; ++k)
            if (!std::isfinite(v[k])) {
              error = "calibration data '" + f.path + "': sample " + std::to_string(c.sample) +
                      " holds " + (std::isnan(v[k]) ? "NaN" : "Inf") + " (element " +
                      std::to_string(k) + ")";
              return false;
            }
        }
        std::memcpy(inputBufs[i].data() + sampleBytes * s, src, sampleBytes);
        ++c.sample;
      }
      inputShapes[i] = {n};
      inputShapes[i].insert(inputShapes[i].end(), in.sampleShape.begin(), in.sampleShape.end());
      views[i] = {in.dtype,
                  (int32_t)inputShapes[i].size(),
                  inputShapes[i].data(),
                  nullptr,
                  inputBufs[i].data(),
                  inputBufs[i].size(),
                  nullptr};
      if (stats.count(in.name) && in.dtype == OCTET_DTYPE_F32)
        stats[in.name].add((const float *)inputBufs[i].data(), inputBufs[i].size() / 4);
    }
    // Outputs: every module output, in descriptor order.
    int32_t numIn = 0, numOut = 0;
    octet_module_num_inputs(m.module, &numIn);
    octet_module_num_outputs(m.module, &numOut);
    std::vector<octet_tensor_view> ordered(numIn);
    for (size_t i = 0; i < data.inputs.size(); ++i) {
      int32_t idx = -1;
      if (octet_module_find_input(m.module, data.inputs[i].name.c_str(), &idx) || idx < 0)
        continue; // an input the compiled model does not read (empty)
      ordered[idx] = views[i];
    }
    std::vector<std::vector<char>> outBufs(numOut);
    std::vector<octet_tensor_view> outs(numOut);
    std::vector<std::vector<int64_t>> outShapes(numOut);
    for (int32_t o = 0; o < numOut; ++o) {
      const octet_tensor_desc *d;
      octet_module_output(m.module, o, &d);
      outShapes[o].assign(d->dims, d->dims + d->rank);
      size_t bytesOut = octet_dtype_size(d->dtype);
      for (int64_t x : outShapes[o])
        bytesOut *= (size_t)x;
      outBufs[o].resize(std::max<size_t>(bytesOut, 1));
      outs[o] = {d->dtype, d->rank, outShapes[o].data(), nullptr, outBufs[o].data(), bytesOut,
                 nullptr};
    }
    if (!statusOk(octet_context_invoke(m.context, ordered.data(), numIn, outs.data(), numOut),
                  error, "calibration run failed"))
      return false;
    for (int32_t o = 0; o < numOut; ++o) {
      const octet_tensor_desc *d;
      octet_module_output(m.module, o, &d);
      if (d->dtype != OCTET_DTYPE_F32)
        continue;
      std::string name = d->name;
      if (!std::count(plan.observed.begin(), plan.observed.end(), name))
        continue;
      uint64_t bad = stats[name].add((const float *)outBufs[o].data(), outs[o].size_bytes / 4);
      if (bad) {
        error = "calibration: the float model computes NaN or Inf in '" + name +
                "' (on samples " + std::to_string(done) + " to " + std::to_string(done + n - 1) +
                ")";
        return false;
      }
    }
    done += n;
    if (tty) {
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
                        .count();
      int width = 30, filled = (int)(width * done / data.samples);
      llvm::errs() << "\rcalibrating [" << std::string(filled, '#')
                   << std::string(width - filled, '.') << "] " << done << "/" << data.samples
                   << " samples, " << llvm::format("%.0f", secs > 0 ? done / secs : 0.0)
                   << " samples/s ";
    }
  }
  if (tty)
    llvm::errs() << "\n";
  return true;
}
