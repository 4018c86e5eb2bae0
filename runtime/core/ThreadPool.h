//===- ThreadPool.h - the workers behind octet_call.parallel_for --*- C++ -*-===//
//
// One pool per context: num_threads - 1 workers, started when the context is
// created, plus the calling thread. parallel_for publishes a job (function,
// argument, task count) under a new generation; thread t runs tasks t,
// t + threads, ... of it: the same share of every job, so that a thread
// keeps working on the part of a tensor it wrote in the kernel before (on
// cores whose caches trade lines slowly, handing tasks out first come
// first served made memory-bound kernels slower than on one thread).
// Workers spin briefly between jobs (the kernels of one model call follow
// each other within microseconds), then sleep on a condition variable. A
// call allocates nothing.
//
//===----------------------------------------------------------------------===//

#ifndef OCTET_RUNTIME_CORE_THREADPOOL_H
#define OCTET_RUNTIME_CORE_THREADPOOL_H

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace octet::runtime {

class ThreadPool {
public:
  /// A pool whose jobs run on `threads` threads: the caller and threads - 1
  /// workers. Throws std::system_error when a thread cannot start.
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  /// Runs fn(ctx, i) for i in [0, count) and returns when all are done.
  /// One caller at a time (the context's busy flag guarantees it).
  void parallelFor(int64_t count, void (*fn)(void *, int64_t), void *ctx);

  /// The octet_call.parallel_for callback; `pool` is a ThreadPool.
  static void run(void *pool, int64_t count, void (*fn)(void *, int64_t), void *ctx);

private:
  void worker(int id);
  /// Runs thread `id`'s tasks of `job` (generation << 32 | count; thread 0
  /// is the caller).
  void runShare(int id, uint64_t job);

  // The job: valid while its generation's tasks are unfinished.
  void (*fn_)(void *, int64_t) = nullptr;
  void *ctx_ = nullptr;
  std::atomic<uint64_t> job_{0};  // generation << 32 | task count
  std::atomic<int64_t> done_{0};  // tasks of the current job finished
  std::atomic<uint32_t> generation_{0};

  std::mutex lock_;
  std::condition_variable wake_;
  std::atomic<int> sleepers_{0};
  std::atomic<bool> stop_{false};
  std::vector<std::thread> workers_;
};

/// The default thread count: OCTET_NUM_THREADS when set (1 to 1024), else
/// the physical cores this process may run on. Returns 0 and sets `error`
/// when OCTET_NUM_THREADS is not a valid count.
int defaultThreadCount(const char **error);

/// Threads for one call that wants `wanted`: as many as the host's physical
/// cores minus those that running calls hold, at least 1 and at most
/// `wanted`. Every claim is returned with releaseThreads.
int claimThreads(int wanted);
void releaseThreads(int claimed);

} // namespace octet::runtime

#endif // OCTET_RUNTIME_CORE_THREADPOOL_H
