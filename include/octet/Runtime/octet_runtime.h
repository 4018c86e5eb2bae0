/*===- octet_runtime.h - Octet's thin C runtime ---------------------------===*
 *
 * A C API with no LLVM or MLIR dependency, after IREE's runtime and ONNX
 * Runtime's sessions. Objects are opaque, created by *_create / *_load
 * functions that return a status and the object through an out parameter,
 * and freed with *_release. Every call validates its arguments and returns
 * a status; the library never aborts. OCTET_OK is 0 (a NULL status); any
 * other status carries a message (octet_status_message).
 *
 *   device   a CPU, or a GPU through its driver: allocation, copies, sync
 *   module   a compiled model (shared library or linked-in descriptor),
 *            checked at load against the device (ISA features, arch)
 *   context  per-caller state: the workspace, a stream, a thread count;
 *            one thread at a time per context, any number of contexts (and
 *            threads) per module, no lock on the call path
 *
 *===----------------------------------------------------------------------===*/

#ifndef OCTET_RUNTIME_OCTET_RUNTIME_H
#define OCTET_RUNTIME_OCTET_RUNTIME_H

#include "octet/Runtime/octet_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Size in bytes of one element, 0 for an unknown dtype. */
size_t octet_dtype_size(int32_t dtype);
/* Name as numpy spells it ("float32", "uint8", ...), "unknown" otherwise. */
const char *octet_dtype_name(int32_t dtype);

/*--- status -----------------------------------------------------------------*/
typedef struct octet_status_impl *octet_status; /* NULL means OK */

/* A status with a copy of `message` (drivers report errors with it). */
octet_status octet_status_create(int32_t code, const char *message);
int32_t octet_status_code_of(octet_status status);
const char *octet_status_message(octet_status status); /* "" for OK */
void octet_status_release(octet_status status);

/*--- devices ------------------------------------------------------------------*/
typedef struct octet_device_impl *octet_device;

typedef enum octet_copy_kind {
  OCTET_COPY_HOST_TO_DEVICE = 1,
  OCTET_COPY_DEVICE_TO_HOST = 2,
  OCTET_COPY_DEVICE_TO_DEVICE = 3,
} octet_copy_kind;

/* Device `ordinal` of a registered driver ("cpu", ...). */
octet_status octet_device_create(const char *driver, int32_t ordinal, octet_device *out_device);
void octet_device_release(octet_device device);
octet_status octet_device_driver(octet_device device, const char **out_name);
/* Device memory of `size` bytes aligned to `alignment` (a power of two). */
octet_status octet_device_allocate(octet_device device, size_t size, size_t alignment,
                                   void **out_ptr);
octet_status octet_device_free(octet_device device, void *ptr);
/* Copies `size` bytes; `stream` may be NULL (the device's default). */
octet_status octet_device_copy(octet_device device, void *dst, const void *src, size_t size,
                               int32_t kind, void *stream);
octet_status octet_device_synchronize(octet_device device, void *stream);

/*--- tensor views -------------------------------------------------------------*/
typedef struct octet_tensor_view {
  int32_t dtype;
  int32_t rank;
  const int64_t *shape;
  const int64_t *strides; /* in elements; NULL means dense row-major */
  void *data;
  size_t size_bytes;   /* bytes available at data */
  octet_device device; /* where data lives; NULL means host memory */
} octet_tensor_view;

/*--- modules --------------------------------------------------------------------*/
typedef struct octet_module_impl *octet_module;

/* Loads a shared library built by `octetc --emit=shared-lib` onto `device`
 * (NULL: the default device of the module's target). Fails with a message
 * when the library is not an Octet module, was built for another ABI
 * version, or needs what the device lacks (an ISA feature, say). */
octet_status octet_module_load(const char *path, octet_device device, octet_module *out_module);
/* Wraps a descriptor linked into the application (from octetc's header). */
octet_status octet_module_wrap(const octet_module_desc *desc, octet_device device,
                               octet_module *out_module);
void octet_module_release(octet_module module);

octet_status octet_module_descriptor(octet_module module, const octet_module_desc **out_desc);
octet_status octet_module_num_inputs(octet_module module, int32_t *out_count);
octet_status octet_module_num_outputs(octet_module module, int32_t *out_count);
octet_status octet_module_input(octet_module module, int32_t index,
                                const octet_tensor_desc **out_desc);
octet_status octet_module_output(octet_module module, int32_t index,
                                 const octet_tensor_desc **out_desc);
/* Index of the input or output with that name, or OCTET_NOT_FOUND. */
octet_status octet_module_find_input(octet_module module, const char *name, int32_t *out_index);
octet_status octet_module_find_output(octet_module module, const char *name,
                                      int32_t *out_index);
/* The device the module runs on, and its driver's name. */
octet_status octet_module_device(octet_module module, octet_device *out_device);
octet_status octet_module_driver(octet_module module, const char **out_name);

/* Checks every view against the descriptor (count, dtype, rank, shape,
 * density, size, device, null pointers), then runs the model with a context
 * taken from the module's pool (created on first need). Safe to call from
 * many threads at once. */
octet_status octet_module_invoke(octet_module module, const octet_tensor_view *inputs,
                                 int32_t num_inputs, const octet_tensor_view *outputs,
                                 int32_t num_outputs);

/*--- contexts -------------------------------------------------------------------*/
typedef struct octet_context_impl *octet_context;

typedef struct octet_context_options {
  uint32_t struct_size; /* sizeof(octet_context_options) */
  int32_t num_threads;  /* threads a call may use (1 to 1024); 0: OCTET_NUM_THREADS, else
                         * the physical cores. Concurrent calls share the cores: a call
                         * gets at most those that other running calls leave idle
                         * (at least 1). */
  void *stream;         /* GPU stream or queue; NULL for the default */
} octet_context_options;

/* A context owns the workspace of its calls (allocated once, here). */
octet_status octet_context_create(octet_module module, const octet_context_options *options,
                                  octet_context *out_context);
void octet_context_release(octet_context context);
/* The most threads a call on the context may use (its num_threads, or the
 * default it resolved to); 0 for a null context. */
int32_t octet_context_num_threads(octet_context context);
/* As octet_module_invoke, with this context's workspace and stream. One
 * thread at a time: a second concurrent call fails with OCTET_BUSY. */
octet_status octet_context_invoke(octet_context context, const octet_tensor_view *inputs,
                                  int32_t num_inputs, const octet_tensor_view *outputs,
                                  int32_t num_outputs);

/*--- drivers ------------------------------------------------------------------*/
/* A driver runs the modules of one target on its devices. The runtime has
 * the CPU driver ("cpu", target "cpu"); GPU backends register theirs. A
 * module runs on the most recently registered driver of its target. The ops
 * struct and its strings must stay valid while the process runs; drivers
 * cannot be unregistered. Callbacks report errors as statuses
 * (octet_status_create); `device` is the driver's own device handle. */
typedef struct octet_driver_ops {
  uint32_t struct_size; /* sizeof(octet_driver_ops) */
  const char *name;     /* unique, e.g. "cuda" */
  const char *target;   /* the descriptor target it runs, e.g. "cuda" */
  void *user;
  octet_status (*device_create)(void *user, int32_t ordinal, void **out_device);
  void (*device_release)(void *device);
  octet_status (*allocate)(void *device, size_t size, size_t alignment, void **out_ptr);
  void (*free)(void *device, void *ptr);
  octet_status (*copy)(void *device, void *dst, const void *src, size_t size, int32_t kind,
                       void *stream);
  octet_status (*synchronize)(void *device, void *stream);
  /* Checks that the device can run the module and loads its executables. */
  octet_status (*module_prepare)(void *device, const octet_module_desc *desc, void **out_state);
  void (*module_release)(void *device, void *state);
  /* Runs one call (buffers already checked against the descriptor). */
  octet_status (*invoke)(void *device, void *state, octet_call *call);
  uint32_t flags; /* OCTET_DRIVER_* bits */
} octet_driver_ops;

/* octet_driver_ops.flags: the driver takes module inputs and outputs in host
 * memory (it stages them to and from the device itself). */
#define OCTET_DRIVER_HOST_BUFFERS 1u
/* With OCTET_DRIVER_HOST_BUFFERS: the driver also takes inputs and outputs
 * in its device's memory (views whose `device` is the module's), and tells
 * them apart by octet_call.input_on_device / output_on_device. */
#define OCTET_DRIVER_DEVICE_BUFFERS 2u

/* Writes the devices of every built-in driver, one per line
 * ("cpu:0  host CPU", "vulkan:0  llvmpipe (Vulkan 1.3)") into `buffer`
 * (NUL-terminated, cut to `size`); returns the length of the whole list. */
size_t octet_device_list(char *buffer, size_t size);

/* Registers a driver: its name must be new and every callback non-null. */
octet_status octet_driver_register(const octet_driver_ops *ops);
octet_status octet_driver_count(int32_t *out_count);
/* Name of registered driver `index` (0 is "cpu"). */
octet_status octet_driver_name(int32_t index, const char **out_name);

#ifdef __cplusplus
}
#endif

#endif /* OCTET_RUNTIME_OCTET_RUNTIME_H */
