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
#include "llvm/Support/Parallel.h"
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
  llvm::SmallString<128> so;
  if (llvm::sys::fs::createTemporaryFile("octet-calib", "so", so)) {
    error = "cannot create a temporary file for the calibration module";
    return false;
  }
  llvm::FileRemover removeSo(so);
  if (failed(octet::compileSharedLibrary(*cpu, *module, to, so, error))) {
    if (error.empty())
      error = "cannot compile the float model for calibration";
    return false;
  }
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

/// Walks the data set in batches: gathers each batch's inputs (across file
/// boundaries) into aligned buffers, checking float data for NaN and Inf.
struct BatchSource {
  BatchSource(CalibrationData &data, int64_t limit) : data(data) {
    cursors.resize(data.inputs.size());
    bufs.resize(data.inputs.size());
    shapes.resize(data.inputs.size());
    total = std::min(data.samples, limit > 0 ? limit : data.samples);
  }
  /// The next `n` samples into views[i] (one per data input).
  bool next(int64_t n, std::vector<octet_tensor_view> &views, std::string &error) {
    views.resize(data.inputs.size());
    for (size_t i = 0; i < data.inputs.size(); ++i) {
      InputData &in = data.inputs[i];
      size_t sampleBytes = octet_dtype_size(in.dtype);
      for (int64_t d : in.sampleShape)
        sampleBytes *= (size_t)d;
      bufs[i].resize(std::max<size_t>(1, sampleBytes * n));
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
        std::memcpy(bufs[i].data() + sampleBytes * s, src, sampleBytes);
        ++c.sample;
      }
      shapes[i] = {n};
      shapes[i].insert(shapes[i].end(), in.sampleShape.begin(), in.sampleShape.end());
      views[i] = {in.dtype, (int32_t)shapes[i].size(), shapes[i].data(), nullptr,
                  bufs[i].data(), sampleBytes * n, nullptr};
    }
    return true;
  }
  struct Cursor {
    size_t file = 0;
    int64_t sample = 0;
  };
  CalibrationData &data;
  int64_t total;
  std::vector<Cursor> cursors;
  std::vector<std::vector<char>> bufs;
  std::vector<std::vector<int64_t>> shapes;
};

/// A model compiled for a full batch and, when the data does not divide, for
/// the last one; runs a batch and hands back every output.
struct Runner {
  CalibModule full, tail;
  int64_t batch = 0, rest = 0;
  std::vector<std::vector<char>> outBufs;
  std::vector<octet_tensor_view> outs;
  std::vector<std::vector<int64_t>> outShapes;

  bool compile(mlir::MLIRContext &context, const onnx::ModelProto &model,
               const std::vector<std::string> &observed, const CalibrationData &data,
               int64_t total, const CalibrateOptions &opts, std::string &error) {
    QuantPlan p;
    p.observed = observed;
    std::string bytes = withObservedOutputs(model, p)->SerializeAsString();
    int64_t sampleElems = 0;
    for (const InputData &in : data.inputs)
      sampleElems += std::accumulate(in.sampleShape.begin(), in.sampleShape.end(), (int64_t)1,
                                     std::multiplies<int64_t>());
    batch = opts.batch;
    if (data.modelBatch) {
      batch = data.modelBatch;
    } else if (batch <= 0) {
      // About a megabyte of input per run, at most 32 samples.
      int64_t limit = std::min<int64_t>(32, (1 << 18) / std::max<int64_t>(1, sampleElems));
      batch = chooseBatch(total, limit);
    }
    batch = std::min(batch, total);
    rest = total % batch;
    if (!compileModule(context, bytes, data, batch, opts, full, error))
      return false;
    return !rest || compileModule(context, bytes, data, rest, opts, tail, error);
  }

  /// Runs the next batch from `src` (n samples); outputs by descriptor index.
  bool run(BatchSource &src, int64_t n, std::vector<octet_tensor_view> &inViews,
           CalibModule *&used, std::string &error) {
    CalibModule &m = n == batch ? full : tail;
    used = &m;
    int32_t numIn = 0, numOut = 0;
    octet_module_num_inputs(m.module, &numIn);
    octet_module_num_outputs(m.module, &numOut);
    std::vector<octet_tensor_view> ordered(numIn);
    for (size_t i = 0; i < src.data.inputs.size(); ++i) {
      int32_t idx = -1;
      octet_status st = octet_module_find_input(m.module, src.data.inputs[i].name.c_str(), &idx);
      if (st || idx < 0) {
        octet_status_release(st);
        continue; // an input the compiled model does not read (empty)
      }
      ordered[idx] = inViews[i];
    }
    outBufs.resize(numOut);
    outs.resize(numOut);
    outShapes.resize(numOut);
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
    return statusOk(octet_context_invoke(m.context, ordered.data(), numIn, outs.data(), numOut),
                    error, "calibration run failed");
  }

  /// The shape of output `name` after run() (empty when absent).
  std::vector<int64_t> shape(CalibModule *m, const std::string &name) {
    int32_t idx = -1;
    octet_status st = octet_module_find_output(m->module, name.c_str(), &idx);
    if (st || idx < 0) {
      octet_status_release(st);
      return {};
    }
    return outShapes[idx];
  }

  /// The float data of output `name` after run(), or null (absent, not f32).
  const float *output(CalibModule *m, const std::string &name, size_t &count) {
    int32_t idx = -1;
    octet_status st = octet_module_find_output(m->module, name.c_str(), &idx);
    if (st || idx < 0) {
      octet_status_release(st);
      return nullptr;
    }
    if (outs[idx].dtype != OCTET_DTYPE_F32)
      return nullptr;
    count = outs[idx].size_bytes / 4;
    return (const float *)outBufs[idx].data();
  }
};

void progress(bool on, const char *what, int64_t done, int64_t total,
              std::chrono::steady_clock::time_point started) {
  if (!on)
    return;
  double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  int width = 30, filled = (int)(width * done / std::max<int64_t>(1, total));
  llvm::errs() << "\r" << what << " [" << std::string(filled, '#')
               << std::string(width - filled, '.') << "] " << done << "/" << total
               << " samples, " << llvm::format("%.0f", secs > 0 ? done / secs : 0.0)
               << " samples/s ";
  if (done == total)
    llvm::errs() << "\n";
}

} // namespace

bool octet::quant::calibrate(mlir::MLIRContext &context, const onnx::ModelProto &model,
                             const QuantPlan &plan, CalibrationData &data,
                             const CalibrateOptions &opts,
                             std::map<std::string, TensorStats> &stats, std::string &error) {
  BatchSource src(data, 0);
  Runner runner;
  mlir::TimingScope none;
  mlir::TimingScope &parent = opts.timing ? *opts.timing : none;
  {
    mlir::TimingScope t = parent.nest("compile the float model with observers");
    if (!runner.compile(context, model, plan.observed, data, src.total, opts, error))
      return false;
  }
  // Scopes of one name accumulate: the totals over all batches.
  std::optional<mlir::TimingScope> statsTimer;
  std::set<std::string> inputNames;
  for (const InputData &in : data.inputs)
    inputNames.insert(in.name);
  auto started = std::chrono::steady_clock::now();
  for (int64_t done = 0; done < src.total;) {
    int64_t n = std::min(runner.batch, src.total - done);
    std::vector<octet_tensor_view> views;
    std::optional<mlir::TimingScope> readTimer(parent.nest("read the data"));
    bool read = src.next(n, views, error);
    readTimer.reset();
    if (!read)
      return false;
    statsTimer.emplace(parent.nest("statistics"));
    for (size_t i = 0; i < data.inputs.size(); ++i)
      if (data.inputs[i].dtype == OCTET_DTYPE_F32 &&
          std::count(plan.observed.begin(), plan.observed.end(), data.inputs[i].name))
        stats[data.inputs[i].name].add((const float *)views[i].data, views[i].size_bytes / 4);
    statsTimer.reset();
    CalibModule *m;
    std::optional<mlir::TimingScope> runTimer(parent.nest("run"));
    bool ran = runner.run(src, n, views, m, error);
    runTimer.reset();
    if (!ran)
      return false;
    statsTimer.emplace(parent.nest("statistics"));
    // Each tensor's statistics are its own: update them in parallel.
    struct Job {
      TensorStats *stats;
      const std::string *name;
      const float *values;
      size_t count;
      uint64_t bad = 0;
    };
    std::vector<Job> jobs;
    for (const std::string &name : plan.observed) {
      if (inputNames.count(name))
        continue;
      size_t count;
      if (const float *v = runner.output(m, name, count))
        jobs.push_back({&stats[name], &name, v, count});
    }
    llvm::parallelFor(0, jobs.size(), [&](size_t j) {
      jobs[j].bad = jobs[j].stats->add(jobs[j].values, jobs[j].count);
    });
    statsTimer.reset();
    for (const Job &j : jobs)
      if (j.bad) {
        error = "calibration: the float model computes NaN or Inf in '" + *j.name +
                "' (on samples " + std::to_string(done) + " to " + std::to_string(done + n - 1) +
                ")";
        return false;
      }
    done += n;
    progress(opts.progress, "calibrating", done, src.total, started);
  }
  return true;
}

bool octet::quant::compareQuantized(mlir::MLIRContext &context,
                                    const onnx::ModelProto &floatModel,
                                    const onnx::ModelProto &qdqModel, const QuantPlan &plan,
                                    CalibrationData &data, const CalibrateOptions &opts,
                                    int64_t maxSamples, const std::vector<std::string> &alsoCompare,
                                    std::map<std::string, LayerMetrics> &out,
                                    std::string &error) {
  std::vector<TensorPlan> tensors = plan.tensors;
  for (const std::string &name : alsoCompare)
    if (std::none_of(tensors.begin(), tensors.end(),
                     [&](const TensorPlan &t) { return t.name == name; })) {
      TensorPlan t;
      t.name = t.dequantized = name;
      t.params.scale = 0; // not quantized: nothing is clipped
      tensors.push_back(t);
    }
  std::vector<std::string> fNames, qNames;
  for (const TensorPlan &t : tensors) {
    fNames.push_back(t.name);
    qNames.push_back(t.dequantized);
  }
  BatchSource fsrc(data, maxSamples), qsrc(data, maxSamples);
  Runner fr, qr;
  if (!fr.compile(context, floatModel, fNames, data, fsrc.total, opts, error) ||
      !qr.compile(context, qdqModel, qNames, data, qsrc.total, opts, error))
    return false;
  struct Acc {
    double sig = 0, err = 0, dot = 0, qq = 0, maxAbs = 0;
    uint64_t n = 0, clipped = 0, rows = 0, sameTop1 = 0;
  };
  std::vector<Acc> acc(tensors.size());
  auto started = std::chrono::steady_clock::now();
  for (int64_t done = 0; done < fsrc.total;) {
    int64_t n = std::min(fr.batch, fsrc.total - done);
    std::vector<octet_tensor_view> fv, qv;
    CalibModule *fm, *qm;
    if (!fsrc.next(n, fv, error) || !qsrc.next(n, qv, error) || !fr.run(fsrc, n, fv, fm, error) ||
        !qr.run(qsrc, n, qv, qm, error))
      return false;
    for (size_t k = 0; k < tensors.size(); ++k) {
      const TensorPlan &t = tensors[k];
      size_t fc = 0, qc = 0;
      const float *f = nullptr;
      for (size_t i = 0; i < data.inputs.size(); ++i)
        if (data.inputs[i].name == t.name && data.inputs[i].dtype == OCTET_DTYPE_F32) {
          f = (const float *)fv[i].data;
          fc = fv[i].size_bytes / 4;
        }
      if (!f)
        f = fr.output(fm, t.name, fc);
      const float *q = qr.output(qm, t.dequantized, qc);
      if (!f || !q || fc != qc)
        continue;
      Acc &a = acc[k];
      double lo = -INFINITY, hi = INFINITY;
      if (t.params.scale > 0) {
        lo = ((double)t.qmin - t.params.zeroPoint - 0.5) * t.params.scale;
        hi = ((double)t.qmax - t.params.zeroPoint + 0.5) * t.params.scale;
      }
      for (size_t i = 0; i < fc; ++i) {
        double x = f[i], y = q[i], e = x - y;
        a.sig += x * x;
        a.err += e * e;
        a.dot += x * y;
        a.qq += y * y;
        a.maxAbs = std::max(a.maxAbs, std::fabs(e));
        a.clipped += x < lo || x > hi;
      }
      a.n += fc;
      // Rank-2 model outputs (scores per class): top-1 agreement per row.
      std::vector<int64_t> shape = fr.shape(fm, t.name);
      if (std::count(alsoCompare.begin(), alsoCompare.end(), t.name) && shape.size() == 2 &&
          shape[1] > 1 && (size_t)(shape[0] * shape[1]) == fc) {
        for (int64_t r = 0; r < shape[0]; ++r) {
          const float *fr0 = f + r * shape[1], *qr0 = q + r * shape[1];
          a.sameTop1 += std::max_element(fr0, fr0 + shape[1]) - fr0 ==
                        std::max_element(qr0, qr0 + shape[1]) - qr0;
        }
        a.rows += shape[0];
      }
    }
    done += n;
    progress(opts.progress, "comparing int8 with float", done, fsrc.total, started);
  }
  for (size_t k = 0; k < tensors.size(); ++k) {
    const Acc &a = acc[k];
    if (!a.n)
      continue;
    LayerMetrics m;
    m.count = a.n;
    m.sqnrDb = a.err > 0 && a.sig > 0 ? std::min(200.0, 10 * std::log10(a.sig / a.err)) : 200.0;
    m.cosine = a.sig > 0 && a.qq > 0 ? a.dot / std::sqrt(a.sig * a.qq) : 1.0;
    m.maxAbsError = a.maxAbs;
    m.clippedShare = (double)a.clipped / (double)a.n;
    m.top1Agreement = a.rows ? (double)a.sameTop1 / (double)a.rows : -1.0;
    out[tensors[k].name] = m;
  }
  return true;
}

bool octet::quant::runOutputs(mlir::MLIRContext &context, const onnx::ModelProto &model,
                              CalibrationData &data, const CalibrateOptions &opts,
                              int64_t maxSamples, ModelOutputs &out, std::string &error) {
  out.names.clear();
  out.values.clear();
  for (const auto &o : model.graph().output())
    out.names.push_back(o.name());
  out.values.resize(out.names.size());
  BatchSource src(data, maxSamples);
  Runner runner;
  if (!runner.compile(context, model, {}, data, src.total, opts, error))
    return false;
  for (int64_t done = 0; done < src.total;) {
    int64_t n = std::min(runner.batch, src.total - done);
    std::vector<octet_tensor_view> views;
    CalibModule *m;
    if (!src.next(n, views, error) || !runner.run(src, n, views, m, error))
      return false;
    for (size_t k = 0; k < out.names.size(); ++k) {
      size_t count = 0;
      if (const float *v = runner.output(m, out.names[k], count))
        out.values[k].insert(out.values[k].end(), v, v + count);
    }
    done += n;
  }
  out.samples = src.total;
  return true;
}

double octet::quant::outputSqnr(const ModelOutputs &reference, const ModelOutputs &got) {
  double worst = 200.0;
  for (size_t k = 0; k < reference.names.size(); ++k) {
    auto it = std::find(got.names.begin(), got.names.end(), reference.names[k]);
    if (it == got.names.end())
      continue;
    const std::vector<float> &f = reference.values[k], &q = got.values[it - got.names.begin()];
    if (f.size() != q.size() || f.empty())
      continue;
    double sig = 0, err = 0;
    for (size_t i = 0; i < f.size(); ++i) {
      sig += (double)f[i] * f[i];
      err += ((double)f[i] - q[i]) * ((double)f[i] - q[i]);
    }
    double db = err > 0 && sig > 0 ? std::min(200.0, 10 * std::log10(sig / err)) : 200.0;
    worst = std::min(worst, db);
  }
  return worst;
}

bool octet::quant::channelStatistics(mlir::MLIRContext &context, const onnx::ModelProto &model,
                                     const std::map<std::string, int> &axes,
                                     CalibrationData &data, const CalibrateOptions &opts,
                                     std::map<std::string, ChannelStats> &out,
                                     std::string &error) {
  std::vector<std::string> names;
  for (const auto &[name, axis] : axes)
    names.push_back(name);
  BatchSource src(data, 0);
  Runner runner;
  if (!runner.compile(context, model, names, data, src.total, opts, error))
    return false;
  for (int64_t done = 0; done < src.total;) {
    int64_t n = std::min(runner.batch, src.total - done);
    std::vector<octet_tensor_view> views;
    CalibModule *m;
    if (!src.next(n, views, error) || !runner.run(src, n, views, m, error))
      return false;
    for (const auto &[name, axis] : axes) {
      const float *v = nullptr;
      size_t count = 0;
      std::vector<int64_t> shape;
      for (size_t i = 0; i < data.inputs.size(); ++i)
        if (data.inputs[i].name == name && data.inputs[i].dtype == OCTET_DTYPE_F32) {
          v = (const float *)views[i].data;
          count = views[i].size_bytes / 4;
          shape.assign(views[i].shape, views[i].shape + views[i].rank);
        }
      if (!v) {
        v = runner.output(m, name, count);
        shape = runner.shape(m, name);
      }
      int rank = (int)shape.size();
      int ax = axis < 0 ? axis + rank : axis;
      if (!v || ax < 0 || ax >= rank)
        continue;
      int64_t channels = shape[ax], inner = 1;
      for (int d = ax + 1; d < rank; ++d)
        inner *= shape[d];
      ChannelStats &cs = out[name];
      if (cs.absmax.empty()) {
        cs.absmax.assign(channels, 0.0f);
        cs.sum.assign(channels, 0.0);
      }
      if ((int64_t)cs.absmax.size() != channels)
        continue;
      for (size_t i = 0; i < count; ++i) {
        int64_t c = ((int64_t)i / inner) % channels;
        cs.absmax[c] = std::max(cs.absmax[c], std::fabs(v[i]));
        cs.sum[c] += v[i];
      }
      cs.perChannel += count / (size_t)channels;
    }
    done += n;
  }
  return true;
}
