/* A stand-in for the NVIDIA driver library (libcuda.so.1) for the tests of
 * the runtime's CUDA driver on machines without a GPU: loaded through
 * OCTET_CUDA_LIBRARY. Device memory is host memory, modules are accepted
 * as given and kernels do nothing (outputs stay as copied or zeroed), so
 * only the driver's own logic is exercised: device listing, the arch check,
 * memory, copies, launches and their errors, and which pointers are device
 * memory (cuPointerGetAttribute knows the live cuMemAlloc blocks). Environment:
 *   FAKE_CUDA_SM=75            the device's compute capability (default 80)
 *   FAKE_CUDA_MEMORY=BYTES     device memory; cuMemAlloc fails beyond it
 *   FAKE_CUDA_FAIL_KERNEL=NAME cuLaunchKernel fails for that kernel
 *   FAKE_CUDA_MAX_THREADS=N    the device's threads per block (default 1024)
 *   FAKE_CUDA_LOG=1            prints each launch and copy on stderr
 *   FAKE_CUDA_NO_CAPTURE=1     cuStreamBeginCapture fails (as on a stream the
 *                              application is capturing itself)
 * Streams are accepted and work happens at once; a graph records the
 * launches of its capture and cuGraphLaunch counts them. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int CUresult;
typedef int CUdevice;
typedef void *CUcontext, *CUmodule, *CUstream;
typedef char *CUfunction; /* the kernel's name */
typedef uintptr_t CUdeviceptr;

enum { OK = 0, INVALID_VALUE = 1, OUT_OF_MEMORY = 2, NOT_FOUND = 500, LAUNCH_FAILED = 719 };

static size_t used;
static int logging(void) { return getenv("FAKE_CUDA_LOG") != NULL; }
static int sm(void) { return getenv("FAKE_CUDA_SM") ? atoi(getenv("FAKE_CUDA_SM")) : 80; }

CUresult cuInit(unsigned flags) { return flags ? INVALID_VALUE : OK; }
CUresult cuDeviceGetCount(int *n) { *n = 1; return OK; }
CUresult cuDeviceGet(CUdevice *d, int ordinal) {
  if (ordinal != 0)
    return INVALID_VALUE;
  *d = 0;
  return OK;
}
CUresult cuDeviceGetName(char *name, int len, CUdevice d) {
  (void)d;
  snprintf(name, (size_t)len, "Fake GPU sm_%d", sm());
  return OK;
}
CUresult cuDeviceGetAttribute(int *v, int attr, CUdevice d) {
  (void)d;
  static const int limits[7] = {1024, 1024, 1024, 64, 2147483647, 65535, 65535};
  if (attr == 75) *v = sm() / 10;      /* compute capability major */
  else if (attr == 76) *v = sm() % 10; /* minor */
  else if (attr == 1 && getenv("FAKE_CUDA_MAX_THREADS")) *v = atoi(getenv("FAKE_CUDA_MAX_THREADS"));
  else if (attr >= 1 && attr <= 7) *v = limits[attr - 1]; /* threads, block and grid dims */
  else return INVALID_VALUE;
  return OK;
}
static int context;
CUresult cuDevicePrimaryCtxRetain(CUcontext *c, CUdevice d) { (void)d; *c = &context; return OK; }
CUresult cuDevicePrimaryCtxRelease_v2(CUdevice d) { (void)d; return OK; }
CUresult cuCtxPushCurrent_v2(CUcontext c) { (void)c; return OK; }
CUresult cuCtxPopCurrent_v2(CUcontext *c) { *c = &context; return OK; }
static int module;
CUresult cuModuleLoadData(CUmodule *m, const void *image) {
  if (!image)
    return INVALID_VALUE;
  *m = &module;
  return OK;
}
CUresult cuModuleUnload(CUmodule m) { (void)m; return OK; }
CUresult cuModuleGetFunction(CUfunction *f, CUmodule m, const char *name) {
  (void)m;
  *f = strdup(name); /* leaked: the tests are short */
  return *f ? OK : OUT_OF_MEMORY;
}
/* The live allocations, for cuPointerGetAttribute. */
static struct { uintptr_t at; size_t size; } blocks[4096];
static int numBlocks;
static int findBlock(uintptr_t p) {
  for (int k = 0; k < numBlocks; ++k)
    if (p >= blocks[k].at && p < blocks[k].at + blocks[k].size)
      return k;
  return -1;
}
CUresult cuMemAlloc_v2(CUdeviceptr *p, size_t n) {
  const char *limit = getenv("FAKE_CUDA_MEMORY");
  if (!n)
    return INVALID_VALUE;
  if (limit && used + n > (size_t)strtoull(limit, NULL, 10))
    return OUT_OF_MEMORY;
  if (numBlocks == (int)(sizeof blocks / sizeof blocks[0]))
    return OUT_OF_MEMORY;
  void *q = calloc(1, n);
  if (!q)
    return OUT_OF_MEMORY;
  used += n;
  *p = (CUdeviceptr)q;
  blocks[numBlocks].at = (uintptr_t)q;
  blocks[numBlocks++].size = n;
  return OK;
}
CUresult cuMemFree_v2(CUdeviceptr p) {
  int k = findBlock(p);
  if (k < 0 || blocks[k].at != p)
    return INVALID_VALUE;
  used -= blocks[k].size;
  blocks[k] = blocks[--numBlocks];
  free((void *)p);
  return OK;
}
/* CU_POINTER_ATTRIBUTE_MEMORY_TYPE (2): CU_MEMORYTYPE_DEVICE (2) inside a
 * live block, else an error, as for host memory CUDA does not know;
 * CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL (9): 0. */
CUresult cuPointerGetAttribute(void *data, int attr, CUdeviceptr p) {
  if (findBlock(p) < 0)
    return INVALID_VALUE;
  if (attr == 2) *(unsigned *)data = 2;
  else if (attr == 9) *(int *)data = 0;
  else return INVALID_VALUE;
  return OK;
}
static void checkDevice(uintptr_t p, size_t n, const char *what) {
  int k = findBlock(p);
  if (n && (k < 0 || p + n > blocks[k].at + blocks[k].size)) {
    fprintf(stderr, "fake-cuda: %s outside device memory\n", what);
    abort();
  }
}
CUresult cuMemcpyHtoD_v2(CUdeviceptr d, const void *s, size_t n) {
  if (logging())
    fprintf(stderr, "fake-cuda: copy in %zu bytes\n", n);
  checkDevice(d, n, "copy in");
  memcpy((void *)d, s, n);
  return OK;
}
CUresult cuMemcpyDtoH_v2(void *d, CUdeviceptr s, size_t n) {
  if (logging())
    fprintf(stderr, "fake-cuda: copy out %zu bytes\n", n);
  checkDevice(s, n, "copy out");
  memcpy(d, (const void *)s, n);
  return OK;
}
CUresult cuMemcpyDtoD_v2(CUdeviceptr d, CUdeviceptr s, size_t n) {
  if (logging())
    fprintf(stderr, "fake-cuda: copy on the device %zu bytes\n", n);
  checkDevice(s, n, "copy on the device from");
  checkDevice(d, n, "copy on the device to");
  memmove((void *)d, (const void *)s, n);
  return OK;
}
CUresult cuMemsetD8_v2(CUdeviceptr d, unsigned char v, size_t n) {
  memset((void *)d, v, n);
  return OK;
}
static int capturing, captured; /* a capture under way; its launches */
CUresult cuLaunchKernel(CUfunction f, unsigned gx, unsigned gy, unsigned gz, unsigned bx,
                        unsigned by, unsigned bz, unsigned shared, CUstream s, void **params,
                        void **extra) {
  (void)shared; (void)s; (void)params; (void)extra;
  const char *fail = getenv("FAKE_CUDA_FAIL_KERNEL");
  if (logging())
    fprintf(stderr, "fake-cuda: launch %s grid %ux%ux%u block %ux%ux%u\n", f, gx, gy, gz, bx, by,
            bz);
  if (fail && !strcmp(fail, f))
    return LAUNCH_FAILED;
  captured += capturing;
  return OK;
}
CUresult cuCtxSynchronize(void) { return OK; }

/* Streams: ids handed out here ("own"); any other pointer is "foreign". */
static int streams[64];
static int numStreams;
static const char *whose(CUstream s) {
  return (int *)s >= streams && (int *)s < streams + 64 ? "own" : "foreign";
}
CUresult cuStreamCreate(CUstream *s, unsigned flags) {
  (void)flags;
  if (numStreams == 64)
    return OUT_OF_MEMORY;
  *s = &streams[numStreams++];
  return OK;
}
CUresult cuStreamDestroy_v2(CUstream s) { (void)s; return OK; }
CUresult cuStreamSynchronize(CUstream s) { (void)s; return OK; }
CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr d, const void *src, size_t n, CUstream s) {
  (void)s;
  return cuMemcpyHtoD_v2(d, src, n);
}
CUresult cuMemcpyDtoHAsync_v2(void *d, CUdeviceptr src, size_t n, CUstream s) {
  (void)s;
  return cuMemcpyDtoH_v2(d, src, n);
}
CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr d, CUdeviceptr src, size_t n, CUstream s) {
  (void)s;
  return cuMemcpyDtoD_v2(d, src, n);
}

/* Graphs: the number of kernels launched during the capture. */
typedef struct { int kernels; } Graph;
CUresult cuStreamBeginCapture_v2(CUstream s, int mode) {
  (void)mode;
  if (capturing || getenv("FAKE_CUDA_NO_CAPTURE"))
    return 900; /* CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED */
  capturing = 1;
  captured = 0;
  if (logging())
    fprintf(stderr, "fake-cuda: capture begin on stream %s\n", whose(s));
  return OK;
}
CUresult cuStreamEndCapture(CUstream s, Graph **g) {
  (void)s;
  if (!capturing)
    return INVALID_VALUE;
  capturing = 0;
  *g = malloc(sizeof(Graph));
  if (!*g)
    return OUT_OF_MEMORY;
  (*g)->kernels = captured;
  if (logging())
    fprintf(stderr, "fake-cuda: capture end, %d kernels\n", captured);
  return OK;
}
CUresult cuGraphInstantiateWithFlags(Graph **exec, Graph *g, unsigned long long flags) {
  (void)flags;
  *exec = malloc(sizeof(Graph));
  if (!*exec)
    return OUT_OF_MEMORY;
  **exec = *g;
  return OK;
}
CUresult cuGraphLaunch(Graph *exec, CUstream s) {
  if (logging())
    fprintf(stderr, "fake-cuda: graph launch, %d kernels on stream %s\n", exec->kernels,
            whose(s));
  return OK;
}
CUresult cuGraphExecDestroy(Graph *exec) { free(exec); return OK; }
CUresult cuGraphDestroy(Graph *g) { free(g); return OK; }
CUresult cuGetErrorString(CUresult r, const char **s) {
  *s = r == OUT_OF_MEMORY   ? "out of memory"
       : r == LAUNCH_FAILED ? "unspecified launch failure"
       : r == INVALID_VALUE ? "invalid argument"
                            : "unknown error";
  return OK;
}
