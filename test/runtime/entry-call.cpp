// Calls a shared library's ABI v2 entry point directly, without the
// runtime (as an application linking the object would): loads the module
// with dlopen, fills every input with zeros, and prints the entry point's
// status and message. The call's flags come from the command line (0: the
// entry point checks the host's ISA itself); BATCH is octet_call.batch (a
// dynamic-batch module's buffers are sized for it).
//   octet-entry-call MODULE.so [FLAGS] [BATCH]
#include "octet/Runtime/octet_abi.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <vector>

static size_t dtypeBytes(int32_t dtype) {
  switch (dtype) {
  case OCTET_DTYPE_F32:
  case OCTET_DTYPE_I32:
    return 4;
  case OCTET_DTYPE_F64:
  case OCTET_DTYPE_I64:
    return 8;
  case OCTET_DTYPE_I16:
  case OCTET_DTYPE_U16:
    return 2;
  default:
    return 1;
  }
}

static size_t tensorBytes(const octet_tensor_desc &t, int64_t batch) {
  size_t n = dtypeBytes(t.dtype);
  for (int32_t k = 0; k < t.rank; ++k)
    n *= (size_t)(t.dims[k] < 0 ? (batch < 0 ? 0 : batch) : t.dims[k]);
  return n;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: octet-entry-call MODULE.so [FLAGS] [BATCH]\n");
    return 2;
  }
  void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    std::fprintf(stderr, "octet-entry-call: %s\n", dlerror());
    return 1;
  }
  auto *desc = static_cast<const octet_module_desc *>(dlsym(lib, "octet_module"));
  if (!desc || !desc->entry) {
    std::fprintf(stderr, "octet-entry-call: no octet_module descriptor\n");
    return 1;
  }
  int64_t batch = argc > 3 ? std::strtoll(argv[3], nullptr, 0) : 0;
  std::vector<std::vector<unsigned char>> in(desc->num_inputs), out(desc->num_outputs);
  std::vector<void *> ins, outs;
  for (int32_t i = 0; i < desc->num_inputs; ++i) {
    in[i].assign(tensorBytes(desc->inputs[i], batch) + 1, 0);
    ins.push_back(in[i].data());
  }
  for (int32_t i = 0; i < desc->num_outputs; ++i) {
    out[i].assign(tensorBytes(desc->outputs[i], batch) + 1, 0);
    outs.push_back(out[i].data());
  }
  void *ws = nullptr;
  if (desc->workspace_size && posix_memalign(&ws, 64, desc->workspace_size))
    return 1;
  octet_call call;
  std::memset(&call, 0, sizeof call);
  call.struct_size = sizeof call;
  call.flags = argc > 2 ? (uint32_t)std::strtoul(argv[2], nullptr, 0) : 0;
  call.inputs = ins.data();
  call.outputs = outs.data();
  call.workspace = ws;
  call.workspace_size = desc->workspace_size;
  call.num_threads = 1;
  call.batch = batch;
  int32_t rc = desc->entry(&call);
  std::printf("entry: status %d%s%s\n", rc, call.message ? ": " : "",
              call.message ? call.message : "");
  std::free(ws);
  return 0;
}
