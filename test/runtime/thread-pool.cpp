// The runtime's thread pool under stress: many jobs of 1-7 tasks on pools of
// 2-4 threads (so that some workers have no task in a job and may wake
// late), workers left to fall asleep between bursts, and pools started and
// stopped around single jobs. Every task must run exactly once per job: a
// worker that woke for one job must never run a share of the next one again.
//   octet-runtime-thread-pool [JOBS]
#include "../../runtime/core/ThreadPool.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

using octet::runtime::ThreadPool;

namespace {
struct Job {
  std::vector<long> runs;
};
void task(void *ctx, int64_t i) { static_cast<Job *>(ctx)->runs[i] += 1; }
} // namespace

int main(int argc, char **argv) {
  int jobs = argc > 1 ? std::atoi(argv[1]) : 20000;
  long wrong = 0, total = 0;
  for (int threads : {2, 3, 4}) {
    ThreadPool pool(threads);
    Job job;
    for (int rep = 0; rep < jobs; ++rep) {
      int64_t n = 1 + rep % 7;
      job.runs.assign(n, 0);
      pool.parallelFor(n, task, &job);
      for (int64_t i = 0; i < n; ++i)
        wrong += job.runs[i] != 1;
      total += n;
      if (rep % 4000 == 0) // let the workers go to sleep
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  for (int k = 0; k < 200; ++k) {
    ThreadPool pool(3);
    Job job;
    job.runs.assign(3, 0);
    pool.parallelFor(3, task, &job);
    for (long r : job.runs)
      wrong += r != 1;
    total += 3;
  }
  std::printf("thread pool: %ld tasks, %ld run other than once\n", total, wrong);
  return wrong ? 1 : 0;
}
