//===- octet-run.cpp - run a compiled Octet module on .npy files -----------===//
//
// octet-run model.so --input NAME=@x.npy [...] [--output NAME=@y.npy ...]
//                    [--benchmark=N] [--warmup=K] [--concurrency=K] [--threads=N]
//                    [--device=cpu|vulkan[:N]|cuda[:N]] [--io=host|device]
// octet-run --list-devices
//
// Plain C++ on the runtime's C API: no LLVM or MLIR, so octet-run and
// liboctet_runtime.so can be carried alone to a machine with a GPU.
//
//===----------------------------------------------------------------------===//

#include "octet/Support/Npy.h"

#include "octet/Runtime/octet_runtime.h"

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {
// --- options ----------------------------------------------------------------
std::string modulePath, deviceSpec, threads;
bool ioDevice = false; // --io=device: inputs and outputs in the device's memory
bool threadsGiven = false, listDevices = false;
std::vector<std::string> inputs, outputs;
unsigned benchmark = 0, warmup = 5, concurrency = 1;

const char *kUsage =
    "OVERVIEW: Run a compiled Octet module on .npy files\n\n"
    "USAGE: octet-run <module.so> [options]\n\n"
    "OPTIONS:\n"
    "  --input NAME=@file.npy    an input (repeat for each)\n"
    "  --output NAME=@file.npy   where to write an output\n"
    "  --benchmark=N             time N runs after warm-up: latency percentiles, throughput\n"
    "  --warmup=K                warm-up runs before timing (default 5)\n"
    "  --concurrency=K           with --benchmark: K threads at once, each with its own\n"
    "                            context and outputs; the aggregate throughput\n"
    "  --threads=N               threads each call may use, 1 to 1024 (default:\n"
    "                            OCTET_NUM_THREADS, else the physical cores)\n"
    "  --device=DRIVER[:N]       cpu, vulkan, vulkan:N, cuda, cuda:N (default: the first\n"
    "                            device of the module's target)\n"
    "  --io=host|device          where the inputs and outputs live during the calls:\n"
    "                            host memory (default), or the device's memory, copied\n"
    "                            there once before the calls (so --benchmark times the\n"
    "                            calls without the transfers)\n"
    "  --list-devices            list the devices found and exit\n";

int fail(const std::string &message) {
  std::fprintf(stderr, "octet-run: error: %s\n", message.c_str());
  return 1;
}

/// fail() with a status's message (after `prefix`); releases the status.
int failStatus(octet_status s, const std::string &prefix = "") {
  std::string message = prefix + octet_status_message(s);
  octet_status_release(s);
  return fail(message);
}

/// An unsigned option value; false when it is not one.
bool parseUnsigned(const std::string &text, unsigned &out) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos ||
      text.size() > 9)
    return false;
  out = (unsigned)std::strtoul(text.c_str(), nullptr, 10);
  return true;
}

/// Parses the command line; returns -1 to go on, else the exit code.
int parseArgs(int argc, char **argv) {
  for (int k = 1; k < argc; ++k) {
    std::string arg = argv[k];
    if (arg.size() < 2 || arg[0] != '-') {
      if (!modulePath.empty())
        return fail("more than one module given ('" + modulePath + "' and '" + arg + "')");
      modulePath = arg;
      continue;
    }
    std::string name = arg.substr(arg[1] == '-' ? 2 : 1), value;
    bool hasValue = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      hasValue = true;
    }
    auto take = [&]() -> bool {
      if (hasValue)
        return true;
      if (k + 1 >= argc)
        return false;
      value = argv[++k];
      return true;
    };
    if (name == "help" || name == "h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (name == "list-devices") {
      listDevices = true;
      continue;
    }
    bool known = name == "input" || name == "output" || name == "benchmark" ||
                 name == "warmup" || name == "concurrency" || name == "threads" ||
                 name == "device" || name == "io";
    if (!known)
      return fail("unknown option '" + arg + "' (see --help)");
    if (!take())
      return fail("option '--" + name + "' needs a value");
    if (name == "input")
      inputs.push_back(value);
    else if (name == "output")
      outputs.push_back(value);
    else if (name == "device")
      deviceSpec = value;
    else if (name == "io") {
      if (value != "host" && value != "device")
        return fail("--io takes host or device, not '" + value + "'");
      ioDevice = value == "device";
    }
    else if (name == "threads") {
      threads = value;
      threadsGiven = true;
    } else {
      unsigned &slot = name == "benchmark" ? benchmark : name == "warmup" ? warmup : concurrency;
      if (!parseUnsigned(value, slot))
        return fail("--" + name + " takes a non-negative count, not '" + value + "'");
    }
  }
  return -1;
}

/// Writes `bytes` to `path` through a temporary file renamed over it: no
/// partial file on error. Returns "" or the error.
std::string writeFileAtomically(const std::string &path, const std::string &bytes) {
  std::string tmp = path + ".octet-tmp-" + std::to_string((long)getpid());
  FILE *f = std::fopen(tmp.c_str(), "wb");
  if (!f)
    return "cannot write '" + path + "': " + std::strerror(errno);
  bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  ok &= std::fclose(f) == 0;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string why = std::strerror(errno);
    std::remove(tmp.c_str());
    return "cannot write '" + path + "': " + why;
  }
  return "";
}

std::string shapeString(const int64_t *dims, size_t rank) {
  std::string s = "[";
  for (size_t i = 0; i < rank; ++i)
    s += (i ? ", " : "") + (dims[i] < 0 ? std::string("?") : std::to_string(dims[i]));
  return s + "]";
}

bool splitSpec(const std::string &spec, std::string &name, std::string &path) {
  size_t eq = spec.find("=@");
  if (eq == std::string::npos || eq == 0 || eq + 2 >= spec.size())
    return false;
  name = spec.substr(0, eq);
  path = spec.substr(eq + 2);
  return true;
}
} // namespace

int main(int argc, char **argv) {
  if (int rc = parseArgs(argc, argv); rc >= 0)
    return rc;

  if (listDevices) {
    size_t n = octet_device_list(nullptr, 0);
    std::string text(n + 1, '\0');
    octet_device_list(text.data(), text.size());
    std::fputs(text.c_str(), stdout);
    return 0;
  }
  if (modulePath.empty())
    return fail("no module given (usage: octet-run model.so --input NAME=@x.npy ...)");
  if (concurrency < 1 || concurrency > 1024)
    return fail("--concurrency must be between 1 and 1024");
  int32_t numThreads = 0; // the runtime's default
  if (threadsGiven) {
    char *end = nullptr;
    long v = std::strtol(threads.c_str(), &end, 10);
    if (threads.empty() || *end != '\0' || v < 1 || v > 1024)
      return fail("--threads must be a thread count from 1 to 1024, not '" + threads + "'");
    numThreads = (int32_t)v;
  }
  // --device=NAME[:N]: a device of that driver, else the module's default.
  octet_device device = nullptr;
  struct DeviceGuard {
    octet_device *d;
    ~DeviceGuard() { octet_device_release(*d); }
  } deviceGuard{&device};
  if (!deviceSpec.empty()) {
    size_t colon = deviceSpec.find(':');
    std::string driver = deviceSpec.substr(0, colon);
    unsigned ordinal = 0;
    if (driver.empty() ||
        (colon != std::string::npos && !parseUnsigned(deviceSpec.substr(colon + 1), ordinal)))
      return fail("--device expects DRIVER or DRIVER:N (cpu, vulkan:0), not '" + deviceSpec + "'");
    if (octet_status s = octet_device_create(driver.c_str(), (int32_t)ordinal, &device))
      return failStatus(s);
  }
  octet_module module = nullptr;
  if (octet_status s = octet_module_load(modulePath.c_str(), device, &module))
    return failStatus(s);
  struct Guard {
    octet_module m;
    ~Guard() { octet_module_release(m); }
  } guard{module};

  int32_t numIn = 0, numOut = 0;
  octet_module_num_inputs(module, &numIn);
  octet_module_num_outputs(module, &numOut);

  // Inputs by name.
  std::vector<octet::NpyArray> inArrays(numIn);
  std::vector<bool> given(numIn, false);
  for (const std::string &spec : inputs) {
    std::string name, path;
    if (!splitSpec(spec, name, path))
      return fail("--input expects NAME=@file.npy, got '" + spec + "'");
    int32_t index;
    if (octet_status s = octet_module_find_input(module, name.c_str(), &index)) {
      octet_status_release(s);
      std::string known;
      for (int32_t i = 0; i < numIn; ++i) {
        const octet_tensor_desc *d;
        octet_module_input(module, i, &d);
        known += std::string(i ? ", " : "") + "'" + d->name + "'";
      }
      return fail("the module has no input named '" + name + "' (inputs: " + known + ")");
    }
    if (given[index])
      return fail("input '" + name + "' is given twice");
    std::string error;
    if (!octet::readNpy(path, inArrays[index], error))
      return fail("input '" + name + "': " + error);
    given[index] = true;
    const octet_tensor_desc *d;
    octet_module_input(module, index, &d);
    // (bfloat16 inputs come as the uint16 of their bits: numpy has no bfloat16.)
    if (inArrays[index].dtype == OCTET_DTYPE_U16 && d->dtype == OCTET_DTYPE_BF16)
      inArrays[index].dtype = OCTET_DTYPE_BF16;
    const octet::NpyArray &a = inArrays[index];
    if (a.dtype != d->dtype)
      return fail("input '" + name + "': expected dtype " + octet_dtype_name(d->dtype) +
                  ", got " + octet_dtype_name(a.dtype) + " from '" + path + "'");
    // A batched input (leading dimension -1) takes any batch; the
    // runtime checks it against the module's range and the other inputs.
    auto dimOk = [&](size_t k) { return d->dims[k] == a.shape[k] || (k == 0 && d->dims[0] < 0); };
    bool shapeOk = a.shape.size() == (size_t)d->rank;
    for (size_t k = 0; shapeOk && k < a.shape.size(); ++k)
      shapeOk = dimOk(k);
    if (!shapeOk)
      return fail("input '" + name + "': expected shape " + shapeString(d->dims, d->rank) +
                  ", got " + shapeString(a.shape.data(), a.shape.size()) + " from '" +
                  path + "'");
  }
  for (int32_t i = 0; i < numIn; ++i)
    if (!given[i]) {
      const octet_tensor_desc *d;
      octet_module_input(module, i, &d);
      return fail("missing input '" + std::string(d->name) + "' (" +
                  octet_dtype_name(d->dtype) + shapeString(d->dims, d->rank) +
                  "): pass --input " + d->name + "=@file.npy");
    }

  // Output destinations, checked before running.
  std::vector<std::string> outPaths(numOut);
  for (const std::string &spec : outputs) {
    std::string name, path;
    if (!splitSpec(spec, name, path))
      return fail("--output expects NAME=@file.npy, got '" + spec + "'");
    int32_t index = -1;
    for (int32_t i = 0; i < numOut; ++i) {
      const octet_tensor_desc *d;
      octet_module_output(module, i, &d);
      if (name == d->name)
        index = i;
    }
    if (index < 0)
      return fail("the module has no output named '" + name + "'");
    outPaths[index] = path;
  }

  // The call's batch: the leading dimension of the first batched input
  // (a dynamic-batch module; the runtime checks that the others agree).
  int64_t callBatch = -1;
  for (int32_t i = 0; i < numIn && callBatch < 0; ++i) {
    const octet_tensor_desc *d;
    octet_module_input(module, i, &d);
    if (d->rank && d->dims[0] < 0)
      callBatch = inArrays[i].shape[0];
  }
  std::vector<octet::NpyArray> outArrays(numOut);
  std::vector<octet_tensor_view> inViews(numIn), outViews(numOut);
  for (int32_t i = 0; i < numIn; ++i) {
    octet::NpyArray &a = inArrays[i];
    inViews[i] = {a.dtype, (int32_t)a.shape.size(), a.shape.data(), nullptr, a.data.data(),
                  a.data.size(), nullptr};
  }
  for (int32_t i = 0; i < numOut; ++i) {
    const octet_tensor_desc *d;
    octet_module_output(module, i, &d);
    octet::NpyArray &a = outArrays[i];
    a.dtype = d->dtype;
    a.shape.assign(d->dims, d->dims + d->rank);
    if (d->rank && d->dims[0] < 0)
      a.shape[0] = callBatch < 0 ? 0 : callBatch;
    size_t count = 1;
    for (int64_t x : a.shape)
      count *= (size_t)x;
    a.data.assign(count * octet_dtype_size(d->dtype), 0);
    outViews[i] = {a.dtype, (int32_t)a.shape.size(), a.shape.data(), nullptr, a.data.data(),
                   a.data.size(), nullptr};
  }

  // --io=device: the inputs copied once into the device's memory, the
  // outputs written there and copied back after the first call.
  octet_device moduleDevice = nullptr;
  octet_module_device(module, &moduleDevice);
  struct DeviceBuffers {
    octet_device device = nullptr;
    std::vector<void *> pointers;
    ~DeviceBuffers() {
      for (void *p : pointers)
        octet_device_free(device, p);
    }
  } deviceBuffers{moduleDevice, {}};
  auto onDevice = [&](octet_tensor_view &view, bool upload) -> octet_status {
    void *p = nullptr;
    if (octet_status s = octet_device_allocate(moduleDevice, view.size_bytes, 64, &p))
      return s;
    deviceBuffers.pointers.push_back(p);
    if (upload && view.size_bytes)
      if (octet_status s = octet_device_copy(moduleDevice, p, view.data, view.size_bytes,
                                             OCTET_COPY_HOST_TO_DEVICE, nullptr))
        return s;
    view.data = p;
    view.device = moduleDevice;
    return nullptr;
  };
  if (ioDevice) {
    for (octet_tensor_view &v : inViews)
      if (octet_status s = onDevice(v, true))
        return failStatus(s, "--io=device: ");
    for (octet_tensor_view &v : outViews)
      if (octet_status s = onDevice(v, false))
        return failStatus(s, "--io=device: ");
  }

  // One context (workspace) per thread; this thread's first.
  struct Context {
    octet_context c = nullptr;
    ~Context() { octet_context_release(c); }
  };
  std::vector<Context> contexts(concurrency);
  octet_context_options options;
  std::memset(&options, 0, sizeof options);
  options.struct_size = sizeof options;
  options.num_threads = numThreads;
  for (Context &c : contexts)
    if (octet_status s = octet_context_create(module, &options, &c.c))
      return failStatus(s);
  auto run = [&]() -> octet_status {
    return octet_context_invoke(contexts[0].c, inViews.data(), numIn, outViews.data(), numOut);
  };
  if (octet_status s = run())
    return failStatus(s);
  if (ioDevice)
    for (int32_t i = 0; i < numOut; ++i) {
      octet_status s = nullptr;
      if (outArrays[i].data.size())
        s = octet_device_copy(moduleDevice, outArrays[i].data.data(), outViews[i].data,
                              outArrays[i].data.size(), OCTET_COPY_DEVICE_TO_HOST, nullptr);
      if (!s)
        s = octet_device_synchronize(moduleDevice, nullptr);
      if (s)
        return failStatus(s, "--io=device: ");
    }

  // Write outputs through temporaries: no partial files on error.
  for (int32_t i = 0; i < numOut; ++i) {
    if (outPaths[i].empty())
      continue;
    std::string error = writeFileAtomically(outPaths[i], octet::encodeNpy(outArrays[i]));
    if (!error.empty())
      return fail(error);
  }

  if (benchmark > 0) {
    // Every thread gets its own outputs (the inputs are shared, read-only).
    std::vector<std::vector<std::vector<uint8_t>>> outData(concurrency);
    std::vector<std::vector<octet_tensor_view>> views(concurrency, outViews);
    for (unsigned t = 1; t < concurrency; ++t)
      for (int32_t i = 0; i < numOut; ++i) {
        outData[t].emplace_back(outArrays[i].data.size());
        views[t][i].data = outData[t].back().data();
        views[t][i].device = nullptr;
        if (ioDevice)
          if (octet_status s = onDevice(views[t][i], false))
            return failStatus(s, "--io=device: ");
      }
    std::vector<std::vector<double>> times(concurrency);
    std::vector<std::string> errors(concurrency);
    auto worker = [&](unsigned t) {
      auto call = [&]() -> bool {
        octet_status s = octet_context_invoke(contexts[t].c, inViews.data(), numIn,
                                              views[t].data(), numOut);
        if (s) {
          errors[t] = octet_status_message(s);
          octet_status_release(s);
          return false;
        }
        return true;
      };
      for (unsigned i = 0; i < warmup; ++i)
        if (!call())
          return;
      times[t].reserve(benchmark);
      for (unsigned i = 0; i < benchmark; ++i) {
        auto t0 = std::chrono::steady_clock::now();
        if (!call())
          return;
        auto t1 = std::chrono::steady_clock::now();
        times[t].push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
      }
    };
    auto total0 = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (unsigned t = 1; t < concurrency; ++t)
      threads.emplace_back(worker, t);
    worker(0);
    for (std::thread &th : threads)
      th.join();
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - total0).count();
    for (const std::string &e : errors)
      if (!e.empty())
        return fail(e);
    std::vector<double> ms;
    for (const std::vector<double> &v : times)
      ms.insert(ms.end(), v.begin(), v.end());
    std::sort(ms.begin(), ms.end());
    auto pct = [&](double p) {
      size_t k = std::min(ms.size() - 1, (size_t)(p / 100.0 * (ms.size() - 1) + 0.5));
      return ms[k];
    };
    const octet_tensor_desc *d0;
    int64_t batch = 1;
    if (callBatch >= 0)
      batch = callBatch;
    else if (numIn && !octet_module_input(module, 0, &d0) && d0->rank)
      batch = d0->dims[0];
    double calls = (double)benchmark * concurrency;
    std::printf("runs: %u (after %u warm-up)", (unsigned)benchmark, (unsigned)warmup);
    if (concurrency > 1)
      std::printf(" on each of %u threads", (unsigned)concurrency);
    std::printf("\n");
    std::printf("latency ms: p50 %.4f  p90 %.4f  p99 %.4f  min %.4f\n", pct(50), pct(90),
                pct(99), ms.front());
    std::printf("throughput: %.1f runs/s, %.1f samples/s (batch %lld, concurrency %u, "
                "threads %d)\n",
                calls / seconds, calls * batch / seconds, (long long)batch,
                (unsigned)concurrency, (int)octet_context_num_threads(contexts[0].c));
  }
  return 0;
}
