/* digits-example: classifies the bundled test digits with the int8 model that
 * octet_add_model compiled into this program, through the typed entry point
 * and through the runtime's descriptor, and prints the accuracy.
 *
 * usage: digits-example digits_test_x.npy digits_test_y.npy */
#include "digits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { BATCH = 397, PIXELS = 64, CLASSES = 10 };

/* Reads the data of a little-endian .npy file with the given descr and element count. */
static int read_npy(const char *path, const char *descr, size_t count, size_t elem, void *out) {
  FILE *f = fopen(path, "rb");
  unsigned char head[10];
  if (!f) {
    fprintf(stderr, "digits-example: cannot open %s\n", path);
    return 0;
  }
  if (fread(head, 1, 10, f) != 10 || memcmp(head, "\x93NUMPY", 6) != 0 || head[6] != 1) {
    fprintf(stderr, "digits-example: %s is not a version 1 .npy file\n", path);
    fclose(f);
    return 0;
  }
  size_t hlen = head[8] | (head[9] << 8);
  char *header = malloc(hlen + 1);
  if (!header || fread(header, 1, hlen, f) != hlen) {
    fprintf(stderr, "digits-example: truncated %s\n", path);
    free(header);
    fclose(f);
    return 0;
  }
  header[hlen] = 0;
  int ok = strstr(header, descr) != NULL && fread(out, elem, count, f) == count;
  if (!ok)
    fprintf(stderr, "digits-example: %s does not hold %zu values of %s\n", path, count, descr);
  free(header);
  fclose(f);
  return ok;
}

static int argmax(const float *row) {
  int best = 0;
  for (int k = 1; k < CLASSES; ++k)
    if (row[k] > row[best])
      best = k;
  return best;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s digits_test_x.npy digits_test_y.npy\n", argv[0]);
    return 2;
  }
  static float x[BATCH * PIXELS], y[BATCH * CLASSES], y2[BATCH * CLASSES];
  static long long labels[BATCH];
  if (!read_npy(argv[1], "'<f4'", BATCH * PIXELS, sizeof(float), x) ||
      !read_npy(argv[2], "'<i8'", BATCH, sizeof(long long), labels))
    return 1;

  /* 1. The typed function, with a workspace of the size the header gives
   * (one per thread that calls it; no other state is shared). */
  static _Alignas(64) unsigned char workspace[DIGITS_WORKSPACE_SIZE ? DIGITS_WORKSPACE_SIZE : 1];
  digits(x, y, workspace);

  /* 2. The same model through the runtime, which checks every tensor. */
  octet_module module;
  octet_status status = octet_module_wrap(&digits_descriptor, NULL, &module);
  if (status) {
    fprintf(stderr, "digits-example: %s\n", octet_status_message(status));
    octet_status_release(status);
    return 1;
  }
  const int64_t in_shape[] = {BATCH, 1, 8, 8}, out_shape[] = {BATCH, CLASSES};
  octet_tensor_view in = {OCTET_DTYPE_F32, 4, in_shape, NULL, x, sizeof x, NULL};
  octet_tensor_view out = {OCTET_DTYPE_F32, 2, out_shape, NULL, y2, sizeof y2, NULL};
  status = octet_module_invoke(module, &in, 1, &out, 1);
  if (status) {
    fprintf(stderr, "digits-example: %s\n", octet_status_message(status));
    octet_status_release(status);
    octet_module_release(module);
    return 1;
  }
  /* A wrong shape is rejected with a message, not a crash. */
  const int64_t bad_shape[] = {1, 1, 8, 8};
  octet_tensor_view bad = {OCTET_DTYPE_F32, 4, bad_shape, NULL, x, sizeof x, NULL};
  status = octet_module_invoke(module, &bad, 1, &out, 1);
  printf("wrong shape: %s\n", status ? octet_status_message(status) : "accepted?!");
  octet_status_release(status);
  octet_module_release(module);

  int correct = 0;
  for (int i = 0; i < BATCH; ++i)
    correct += argmax(y + i * CLASSES) == labels[i];
  printf("entry point and runtime agree: %s\n", memcmp(y, y2, sizeof y) == 0 ? "yes" : "no");
  printf("accuracy: %.2f%% (%d of %d)\n", 100.0 * correct / BATCH, correct, BATCH);
  return 0;
}
