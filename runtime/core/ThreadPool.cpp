//===- ThreadPool.cpp - the workers behind octet_call.parallel_for ---------===//

#include "ThreadPool.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <utility>

#if defined(__linux__)
#include <sched.h>
#endif
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define OCTET_PAUSE() _mm_pause()
#else
#define OCTET_PAUSE() _mm_pause()
#endif

namespace octet::runtime {

namespace {
/// Spins of a waiting worker before it sleeps (a few tens of microseconds).
constexpr int kSpins = 1 << 14;
} // namespace

ThreadPool::ThreadPool(int threads) {
  workers_.reserve(threads > 1 ? threads - 1 : 0);
  try {
    for (int t = 1; t < threads; ++t)
      workers_.emplace_back([this, t] { worker(t); });
  } catch (...) {
    stop_.store(true);
    {
      std::lock_guard<std::mutex> g(lock_);
      wake_.notify_all();
    }
    for (std::thread &w : workers_)
      w.join();
    throw;
  }
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> g(lock_);
    stop_.store(true);
    wake_.notify_all();
  }
  for (std::thread &w : workers_)
    w.join();
}

void ThreadPool::runShare(int id, uint64_t job) {
  // Tasks id, id + threads, ...: the same share of every job, so that a
  // thread keeps working on the part of a tensor it wrote in the kernel
  // before (crossing cores for it made memory-bound kernels slower than
  // one thread).
  int64_t count = (int64_t)(job & 0xffffffffu), stride = (int64_t)workers_.size() + 1, ran = 0;
  for (int64_t i = id; i < count; i += stride, ++ran)
    fn_(ctx_, i);
  if (ran)
    done_.fetch_add(ran, std::memory_order_acq_rel);
}

void ThreadPool::worker(int id) {
  // The generation of the last job this thread ran its share of. Generation
  // 0 has no job; a job published before this thread first runs is new.
  uint32_t seen = 0;
  for (;;) {
    uint32_t gen = generation_.load(std::memory_order_acquire);
    for (int spin = 0; gen == seen && spin < kSpins && !stop_.load(std::memory_order_relaxed);
         ++spin) {
      OCTET_PAUSE();
      gen = generation_.load(std::memory_order_acquire);
    }
    if (gen == seen) {
      std::unique_lock<std::mutex> g(lock_);
      sleepers_.fetch_add(1, std::memory_order_seq_cst);
      while ((gen = generation_.load(std::memory_order_seq_cst)) == seen && !stop_.load())
        wake_.wait(g);
      sleepers_.fetch_sub(1, std::memory_order_seq_cst);
    }
    if (stop_.load())
      return;
    // The job now published, which may already be a later one than `gen`
    // (this thread had no task in that one, so it finished without it):
    // each job's share runs once, by its own generation. A job this thread
    // has tasks in cannot finish, nor be replaced, before they are done.
    uint64_t job = job_.load(std::memory_order_acquire);
    uint32_t jobGen = (uint32_t)(job >> 32);
    if (jobGen == seen)
      continue;
    seen = jobGen;
    runShare(id, job);
  }
}

void ThreadPool::parallelFor(int64_t count, void (*fn)(void *, int64_t), void *ctx) {
  if (count <= 0)
    return;
  if (workers_.empty() || count == 1 || count > INT32_MAX) {
    for (int64_t i = 0; i < count; ++i)
      fn(ctx, i);
    return;
  }
  uint32_t gen = generation_.load(std::memory_order_relaxed) + 1;
  fn_ = fn;
  ctx_ = ctx;
  done_.store(0, std::memory_order_relaxed);
  job_.store((uint64_t)gen << 32 | (uint64_t)count, std::memory_order_release);
  generation_.store(gen, std::memory_order_seq_cst);
  if (sleepers_.load(std::memory_order_seq_cst) > 0) {
    std::lock_guard<std::mutex> g(lock_);
    wake_.notify_all();
  }
  runShare(0, (uint64_t)gen << 32 | (uint64_t)count);
  while (done_.load(std::memory_order_acquire) < count)
    OCTET_PAUSE();
}

void ThreadPool::run(void *pool, int64_t count, void (*fn)(void *, int64_t), void *ctx) {
  static_cast<ThreadPool *>(pool)->parallelFor(count, fn, ctx);
}

/// Physical cores among the CPUs this process may run on (one per distinct
/// package and core id); the logical CPU count where topology is unknown.
static int physicalCores() {
  int logical = (int)std::thread::hardware_concurrency();
#if defined(__linux__)
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    logical = CPU_COUNT(&set);
    std::set<std::pair<long, long>> cores;
    bool known = true;
    for (int cpu = 0; cpu < CPU_SETSIZE && known; ++cpu) {
      if (!CPU_ISSET(cpu, &set))
        continue;
      long ids[2] = {-1, -1};
      const char *files[2] = {"physical_package_id", "core_id"};
      for (int k = 0; k < 2; ++k) {
        std::string path = "/sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/topology/" +
                           files[k];
        if (FILE *f = std::fopen(path.c_str(), "r")) {
          if (std::fscanf(f, "%ld", &ids[k]) != 1)
            known = false;
          std::fclose(f);
        } else {
          known = false;
        }
      }
      cores.insert({ids[0], ids[1]});
    }
    if (known && !cores.empty())
      return (int)cores.size();
  }
#endif
  return logical > 0 ? logical : 1;
}

namespace {
std::atomic<int> threadsInUse{0};
} // namespace

int claimThreads(int wanted) {
  static const int cores = physicalCores();
  int inUse = threadsInUse.load(std::memory_order_relaxed);
  for (;;) {
    int grant = std::max(1, std::min(wanted, cores - inUse));
    if (threadsInUse.compare_exchange_weak(inUse, inUse + grant, std::memory_order_relaxed))
      return grant;
  }
}

void releaseThreads(int claimed) { threadsInUse.fetch_sub(claimed, std::memory_order_relaxed); }

int defaultThreadCount(const char **error) {
  *error = nullptr;
  if (const char *env = std::getenv("OCTET_NUM_THREADS")) {
    char *end = nullptr;
    errno = 0;
    long v = std::strtol(env, &end, 10);
    if (end == env || *end != '\0' || errno || v < 1 || v > 1024) {
      *error = "OCTET_NUM_THREADS must be a thread count from 1 to 1024";
      return 0;
    }
    return (int)v;
  }
  static const int cores = physicalCores();
  return cores;
}

} // namespace octet::runtime
