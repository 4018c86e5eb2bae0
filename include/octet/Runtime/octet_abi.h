/*===- octet_abi.h - the ABI between compiled modules and the runtime -----===*
 *
 * What a module compiled by octetc exports (version 2): a descriptor naming
 * its target, the tensors it takes and returns, the workspace it needs and
 * the device executables it carries, and an entry point that runs one call.
 * Plain C with no dependency: the runtime, its drivers and the generated
 * code all include it.
 *
 * Calls are re-entrant. A module keeps no mutable state of its own: every
 * intermediate buffer lives in the caller's workspace, so any number of
 * threads may run one loaded module at once, each with its own call (and
 * workspace).
 *
 *===----------------------------------------------------------------------===*/

#ifndef OCTET_RUNTIME_OCTET_ABI_H
#define OCTET_RUNTIME_OCTET_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*--- element types ----------------------------------------------------------*/
typedef enum octet_dtype {
  OCTET_DTYPE_F32 = 1,
  OCTET_DTYPE_F64 = 2,
  OCTET_DTYPE_I8 = 3,
  OCTET_DTYPE_U8 = 4,
  OCTET_DTYPE_I16 = 5,
  OCTET_DTYPE_U16 = 6,
  OCTET_DTYPE_I32 = 7,
  OCTET_DTYPE_I64 = 8,
  OCTET_DTYPE_BOOL = 9,
  OCTET_DTYPE_F16 = 10,  /* IEEE half, passed as its 16 bits */
  OCTET_DTYPE_BF16 = 11, /* bfloat16, passed as its 16 bits */
  OCTET_DTYPE_U32 = 12,
  OCTET_DTYPE_U64 = 13,
} octet_dtype;

/*--- status codes -------------------------------------------------------------*/
typedef enum octet_status_code {
  OCTET_OK = 0,
  OCTET_INVALID_ARGUMENT = 1,
  OCTET_NOT_FOUND = 2,
  OCTET_INVALID_MODULE = 3,
  OCTET_OUT_OF_MEMORY = 4,
  OCTET_INTERNAL = 5,
  OCTET_UNSUPPORTED = 6, /* the device cannot run the module */
  OCTET_BUSY = 7,        /* a context used by two threads at once */
} octet_status_code;

/*--- the descriptor (ABI version 2) ---------------------------------------------*/
#define OCTET_MODULE_MAGIC 0x4f435431u /* "OCT1": the same in every version */
#define OCTET_MODULE_ABI_VERSION 2u

/* octet_call.flags: the caller has checked that the host has the module's
 * ISA features (the runtime does at load); without it, a CPU entry point
 * checks them itself (cpuid) and returns OCTET_UNSUPPORTED naming the first
 * missing one, instead of running instructions the host lacks. */
#define OCTET_CALL_ISA_CHECKED 1u

/* octet_module_desc.flags: the module takes any batch size in
 * [batch_min, batch_max]. Its batched inputs and outputs have dims[0] == -1
 * (every other dimension is static); the caller passes the batch in
 * octet_call.batch. */
#define OCTET_MODULE_DYNAMIC_BATCH 1u

/* Quantization of a tensor whose dtype is its storage type. */
typedef struct octet_quant_desc {
  int32_t axis;  /* -1: per tensor */
  int32_t count; /* scales and zero points (1 per tensor) */
  const float *scales;
  const int32_t *zero_points;
} octet_quant_desc;

typedef struct octet_tensor_desc {
  const char *name;
  int32_t dtype; /* octet_dtype */
  int32_t rank;
  const int64_t *dims;          /* -1 marks a dynamic dimension */
  const octet_quant_desc *quant; /* NULL when not quantized */
} octet_tensor_desc;

/* Code for a device: PTX, a cubin or SPIR-V, loaded by the target's driver. */
typedef struct octet_executable_desc {
  const char *format; /* "ptx", "cubin", "spirv" */
  const char *name;
  const void *data;
  uint64_t size;
} octet_executable_desc;

/* GPU targets: how one call runs, in an executable of format
 * "octet-schedule" whose `data` points to an octet_gpu_schedule. The call's
 * buffers (inputs, outputs, intermediates, constants) and the kernel
 * dispatches in order; dispatch k binds args[j] to binding j of set 0. */
typedef enum octet_gpu_buffer_kind {
  OCTET_GPU_BUFFER_INPUT = 0,
  OCTET_GPU_BUFFER_OUTPUT = 1,
  OCTET_GPU_BUFFER_INTERMEDIATE = 2,
  OCTET_GPU_BUFFER_CONSTANT = 3,
} octet_gpu_buffer_kind;

typedef struct octet_gpu_buffer {
  int32_t kind;     /* octet_gpu_buffer_kind */
  int32_t index;    /* the input or output number */
  uint64_t size;    /* bytes */
  const void *data; /* a constant's bytes, else NULL */
} octet_gpu_buffer;

typedef struct octet_gpu_dispatch {
  const char *kernel; /* entry point name */
  int32_t executable; /* index of its code in the descriptor's executables */
  int32_t num_args;
  const int32_t *args; /* buffer numbers */
  uint32_t grid[3];    /* workgroups */
  uint32_t block[3];   /* threads per workgroup */
} octet_gpu_dispatch;

#define OCTET_GPU_SCHEDULE_VERSION 1u

typedef struct octet_gpu_schedule {
  uint32_t version; /* OCTET_GPU_SCHEDULE_VERSION */
  int32_t num_buffers;
  const octet_gpu_buffer *buffers;
  int32_t num_dispatches;
  int32_t reserved;
  const octet_gpu_dispatch *dispatches;
} octet_gpu_schedule;

/* One call of the entry point. The caller owns everything it points to.
 * No two of the input, output and workspace buffers may overlap (the
 * generated code assumes they do not, as C's restrict does); an output
 * cannot be written in place over an input. */
typedef struct octet_call {
  uint32_t struct_size; /* sizeof(octet_call) as the caller knows it */
  uint32_t flags;       /* OCTET_CALL_* bits, else 0 */
  void *const *inputs;  /* one dense row-major buffer per input, on the device */
  void *const *outputs; /* one per output */
  void *workspace;      /* workspace_size bytes, aligned to workspace_alignment */
  uint64_t workspace_size;
  void *stream;      /* CUDA stream or Vulkan queue; NULL on the CPU */
  void *executables; /* the driver's loaded executables; NULL on the CPU */
  int32_t num_threads; /* threads the call may use (1: the calling thread) */
  int32_t reserved;
  /* Runs fn(ctx, i) for i in [0, count) on up to num_threads threads and
   * returns when all are done; NULL means run them on the calling thread. */
  void (*parallel_for)(void *pool, int64_t count, void (*fn)(void *ctx, int64_t i), void *ctx);
  void *pool;
  const char *message; /* set by the entry point on failure (static text) */
  /* The batch size of this call, for a module with OCTET_MODULE_DYNAMIC_BATCH
   * (the leading dimension of its batched inputs and outputs); ignored
   * otherwise. */
  int64_t batch;
  /* Per input and output: nonzero where the buffer is in the device's memory
   * (a driver with OCTET_DRIVER_DEVICE_BUFFERS), zero for host memory; NULL
   * means all in host memory. Only drivers read these (the generated entry
   * points do not); present when struct_size covers them. */
  const uint8_t *input_on_device;
  const uint8_t *output_on_device;
} octet_call;

/* Runs one call; returns an octet_status_code (OCTET_OK on success). */
typedef int32_t (*octet_entry_fn)(octet_call *call);

typedef struct octet_module_desc {
  uint32_t magic;       /* OCTET_MODULE_MAGIC */
  uint32_t abi_version; /* OCTET_MODULE_ABI_VERSION */
  const char *name;
  const char *target;   /* "cpu", "cuda", "vulkan": the driver that runs it */
  const char *arch;     /* "x86-64", "sm_90", ... */
  const char *features; /* comma-separated features the code needs ("" none) */
  uint64_t workspace_size;
  uint64_t workspace_alignment;
  int32_t num_inputs;
  int32_t num_outputs;
  const octet_tensor_desc *inputs;
  const octet_tensor_desc *outputs;
  int32_t num_executables;
  uint32_t flags; /* OCTET_MODULE_* bits */
  const octet_executable_desc *executables;
  octet_entry_fn entry;
  /* With OCTET_MODULE_DYNAMIC_BATCH: the batch sizes the module accepts
   * (batch_min >= 0, batch_max >= batch_min); read only with that flag. */
  int64_t batch_min;
  int64_t batch_max;
} octet_module_desc;

#ifdef __cplusplus
}
#endif

#endif /* OCTET_RUNTIME_OCTET_ABI_H */
