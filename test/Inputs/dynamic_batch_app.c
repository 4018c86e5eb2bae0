/* Links the object of batch_two_inputs (y = (a + b) * c, a and b [batch][4],
 * c [4]) compiled with --batch-range=1:8, and calls its typed function
 * int32_t two(int64_t batch, a, b, c, y, workspace) at several batches:
 * prints the status, and whether y equals a plain C computation. */
#include "two.h"

#include <stdio.h>
#include <stdlib.h>

int main(void) {
  static float a[8 * 4], b[8 * 4], c[4], y[9 * 4];
  for (int i = 0; i < 8 * 4; ++i) {
    a[i] = (float)(i % 7) - 3.0f;
    b[i] = 0.25f * (float)i;
  }
  for (int j = 0; j < 4; ++j)
    c[j] = 1.5f + (float)j;
  void *ws = NULL;
  if (TWO_WORKSPACE_SIZE && posix_memalign(&ws, TWO_WORKSPACE_ALIGNMENT, TWO_WORKSPACE_SIZE))
    return 2;
  long batches[] = {1, 3, 8, 9, 0};
  for (int k = 0; k < 5; ++k) {
    long n = batches[k];
    for (int i = 0; i < 9 * 4; ++i)
      y[i] = -1.0f;
    int32_t status = two(n, a, b, c, y, ws);
    int same = 1;
    for (long i = 0; status == OCTET_OK && i < n * 4; ++i)
      same &= y[i] == (a[i] + b[i]) * c[i % 4];
    /* Nothing past the batch is written. */
    for (long i = status == OCTET_OK ? n * 4 : 0; i < 9 * 4; ++i)
      same &= y[i] == -1.0f;
    printf("batch %ld: status %d, %s\n", n, (int)status, same ? "as computed" : "WRONG");
  }
  free(ws);
  return 0;
}
