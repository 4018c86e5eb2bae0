/* A module as octetc built it for runtime ABI version 1 (before contexts
 * and workspaces): the descriptor layout of that version, with an entry
 * point taking void** arrays. The runtime must refuse it by its version. */
#include <stdint.h>

typedef struct {
  const char *name;
  int32_t dtype, rank;
  const int64_t *dims;
} v1_tensor_desc;

typedef struct {
  uint32_t magic, abi_version;
  const char *name;
  int32_t num_inputs, num_outputs;
  const v1_tensor_desc *inputs, *outputs;
  void (*invoke)(void **inputs, void **outputs);
} v1_module_desc;

static const int64_t dims[] = {4};
static const v1_tensor_desc x = {"x", 1, 1, dims}, y = {"y", 1, 1, dims};

static void invoke(void **in, void **out) {
  for (int i = 0; i < 4; ++i)
    ((float *)out[0])[i] = ((const float *)in[0])[i];
}

const v1_module_desc octet_module = {0x4f435431u, 1u, "old", 1, 1, &x, &y, invoke};
