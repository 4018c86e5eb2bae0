/*===- runtime.h - Octet's thin C runtime ---------------------------------===*
 *
 * A C API with no LLVM or MLIR dependency. Objects are opaque, created with
 * create and load functions (returning a status and the object through an out
 * parameter) and freed with *_release. Every call validates its arguments and
 * returns a status; the library never aborts. OCTET_OK is 0; any other status
 * carries a message (octet_status_message).
 *
 *===----------------------------------------------------------------------===*/

#ifndef OCTET_RUNTIME_H
#define OCTET_RUNTIME_H

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
} octet_dtype;

/* Size in bytes of one element, 0 for an unknown dtype. */
size_t octet_dtype_size(int32_t dtype);
/* Name as numpy spells it ("float32", "uint8", ...), "unknown" otherwise. */
const char *octet_dtype_name(int32_t dtype);

/*--- the descriptor a compiled module exports (ABI version 1) ---------------*/
#define OCTET_MODULE_MAGIC 0x4f435431u /* "OCT1" */
#define OCTET_MODULE_ABI_VERSION 1u

typedef struct octet_tensor_desc {
  const char *name;
  int32_t dtype;
  int32_t rank;
  const int64_t *dims;
} octet_tensor_desc;

typedef struct octet_module_desc {
  uint32_t magic;
  uint32_t abi_version;
  const char *name;
  int32_t num_inputs;
  int32_t num_outputs;
  const octet_tensor_desc *inputs;
  const octet_tensor_desc *outputs;
  /* Runs the model: inputs[i] and outputs[i] point to dense row-major data. */
  void (*invoke)(void **inputs, void **outputs);
} octet_module_desc;

/*--- status -----------------------------------------------------------------*/
typedef enum octet_status_code {
  OCTET_OK = 0,
  OCTET_INVALID_ARGUMENT = 1,
  OCTET_NOT_FOUND = 2,
  OCTET_INVALID_MODULE = 3,
  OCTET_OUT_OF_MEMORY = 4,
  OCTET_INTERNAL = 5,
} octet_status_code;

typedef struct octet_status_impl *octet_status; /* NULL means OK */

int32_t octet_status_code_of(octet_status status);
const char *octet_status_message(octet_status status); /* "" for OK */
void octet_status_release(octet_status status);

/*--- tensor views -------------------------------------------------------------*/
typedef struct octet_tensor_view {
  int32_t dtype;
  int32_t rank;
  const int64_t *shape;
  const int64_t *strides; /* in elements; NULL means dense row-major */
  void *data;
  size_t size_bytes; /* bytes available at data */
} octet_tensor_view;

/*--- modules --------------------------------------------------------------------*/
typedef struct octet_module_impl *octet_module;

/* Loads a shared library built by `octetc --emit=shared-lib`. */
octet_status octet_module_load(const char *path, octet_module *out_module);
/* Wraps a descriptor linked into the application (from octetc's header). */
octet_status octet_module_wrap(const octet_module_desc *desc, octet_module *out_module);
void octet_module_release(octet_module module);

octet_status octet_module_num_inputs(octet_module module, int32_t *out_count);
octet_status octet_module_num_outputs(octet_module module, int32_t *out_count);
octet_status octet_module_input(octet_module module, int32_t index,
                                const octet_tensor_desc **out_desc);
octet_status octet_module_output(octet_module module, int32_t index,
                                 const octet_tensor_desc **out_desc);
/* Index of the input or output with that name, or OCTET_NOT_FOUND. */
octet_status octet_module_find_input(octet_module module, const char *name,
                                     int32_t *out_index);

/* Checks every view against the descriptor (count, dtype, rank, shape,
 * density, size, null pointers), then runs the model. A compiled model keeps
 * its intermediate buffers in static storage, so calls on the same compiled
 * model (any octet_module loaded from it) are serialized; different models
 * run concurrently. Calling a linked-in model's entry point directly from
 * several threads at once is not supported. */
octet_status octet_module_invoke(octet_module module, const octet_tensor_view *inputs,
                                 int32_t num_inputs, const octet_tensor_view *outputs,
                                 int32_t num_outputs);

/*--- drivers ------------------------------------------------------------------*/
/* A driver runs the modules it accepts. The runtime has a CPU driver ("cpu")
 * for modules built by `octetc --target=cpu`; other backends (CUDA, Vulkan)
 * plug in by registering their own. When a module is loaded or wrapped, the
 * most recently registered driver that accepts its descriptor runs it; the
 * CPU driver comes last. The ops struct and its name must stay valid while
 * the process runs; drivers cannot be unregistered. */
typedef struct octet_driver_ops {
  const char *name; /* unique, e.g. "cuda" */
  /* Nonzero when this driver runs modules with this descriptor. */
  int (*accepts)(const octet_module_desc *desc, void *user);
  /* Runs the module on dense buffers (already checked against the
   * descriptor). Returns NULL on success, else a message (copied). */
  const char *(*invoke)(const octet_module_desc *desc, void **inputs, void **outputs,
                        void *user);
  void *user;
} octet_driver_ops;

/* Registers a driver: its name must be new and its callbacks non-null. */
octet_status octet_driver_register(const octet_driver_ops *ops);
octet_status octet_driver_count(int32_t *out_count);
/* Name of registered driver `index` (0 is "cpu"). */
octet_status octet_driver_name(int32_t index, const char **out_name);
/* Name of the driver that runs this module. */
octet_status octet_module_driver(octet_module module, const char **out_name);

#ifdef __cplusplus
}
#endif

#endif /* OCTET_RUNTIME_H */
