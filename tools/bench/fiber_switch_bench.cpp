// Benchmark of the SIMT executor's fibers (backends/simt/xpile_fiber.h, xpile_simt.h). Not a test:
// it prints figures.
//   1. round-trip switch cost of xpile fibers vs ucontext swapcontext (ns per switch) and the ratio;
//   2. throughput of an elementwise kernel c[i] = a[i] + b[i] over 16M floats (256 threads per
//      block), in elements/s and GB/s (12 bytes moved per element);
//   3. throughput of a 256-thread shared-memory tree reduction (with __syncthreads) over 16M floats.
// The kernels are written directly against the SIMT API (no CUDA headers).
//
// Built by CMake as xpile-bench-fiber (the project's compiler, g++ 12). By hand, as programs under
// test are built:
//   clang++-16 -std=c++17 -O2 -pthread -Ibackends/runtime -Ibackends/simt tools/bench/fiber_switch_bench.cpp -o fiber_switch_bench
// Options: --threads N (OS threads for blocks; default XPILE_THREADS or all cores), --switches N.
#include "xpile_simt.h"

#include <ucontext.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

// ---- 1. switch cost --------------------------------------------------------------------------
namespace xf = xpile::fiber;

xf::Context gMain, gFiber;

void pingPong(void *) {
  for (;;) xf::switchTo(gFiber, gMain);
}

double fiberSwitchNs(long rounds) {
  xf::Stack stack = xf::allocateStack();
  xf::prepare(gFiber, stack, &pingPong, nullptr);
  xf::switchTo(gMain, gFiber);  // warm up
  auto t0 = Clock::now();
  for (long i = 0; i < rounds; ++i) xf::switchTo(gMain, gFiber);
  auto t1 = Clock::now();
  return seconds(t0, t1) * 1e9 / (2.0 * static_cast<double>(rounds));  // two switches per round trip
}

ucontext_t uMain, uFiber;

void uPingPong() {
  for (;;) swapcontext(&uFiber, &uMain);
}

double ucontextSwitchNs(long rounds) {
  xf::Stack stack = xf::allocateStack();
  getcontext(&uFiber);
  uFiber.uc_stack.ss_sp = stack.low;
  uFiber.uc_stack.ss_size = static_cast<size_t>(stack.high - stack.low);
  uFiber.uc_link = nullptr;
  makecontext(&uFiber, &uPingPong, 0);
  swapcontext(&uMain, &uFiber);
  auto t0 = Clock::now();
  for (long i = 0; i < rounds; ++i) swapcontext(&uMain, &uFiber);
  auto t1 = Clock::now();
  return seconds(t0, t1) * 1e9 / (2.0 * static_cast<double>(rounds));
}

// ---- 2./3. kernels ---------------------------------------------------------------------------
using namespace xpile::simt;

void vectorAdd(const float *a, const float *b, float *c, int n) {
  const ThreadContext &t = self();
  int i = static_cast<int>(t.blockIdx.x * t.blockDim.x + t.threadIdx.x);
  if (i < n) c[i] = a[i] + b[i];
}

void blockReduce(const float *in, float *out, int n) {
  const ThreadContext &t = self();
  float *s = static_cast<float *>(dynamicShared());
  unsigned tid = t.threadIdx.x;
  unsigned i = t.blockIdx.x * t.blockDim.x + tid;
  s[tid] = i < static_cast<unsigned>(n) ? in[i] : 0.0f;
  syncthreads(__LINE__);
  for (unsigned k = t.blockDim.x / 2; k > 0; k >>= 1) {
    if (tid < k) s[tid] += s[tid + k];
    syncthreads(__LINE__);
  }
  if (tid == 0) out[t.blockIdx.x] = s[0];
}

const xpile::rt::KernelInfo kAddInfo{"vectorAdd"};
const xpile::rt::KernelInfo kReduceInfo{"blockReduce"};

}  // namespace

int main(int argc, char **argv) {
  long rounds = 5000000;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--threads") && i + 1 < argc) config().hostThreads = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--switches") && i + 1 < argc) rounds = std::atol(argv[++i]);
  }

  double mine = 1e300, uc = 1e300;
  for (int rep = 0; rep < 3; ++rep) {
    mine = std::min(mine, fiberSwitchNs(rounds));
    uc = std::min(uc, ucontextSwitchNs(rounds / 10));
  }
  std::printf("context switch (%s): %.2f ns per switch\n", xf::kMechanism, mine);
  std::printf("context switch (ucontext swapcontext): %.2f ns per switch\n", uc);
  std::printf("ratio ucontext / xpile: %.1fx\n", uc / mine);

  const int n = 16 << 20;
  const int threads = 256;
  const int blocks = (n + threads - 1) / threads;
  std::vector<float> a(n), b(n), c(n);
  for (int i = 0; i < n; ++i) {
    a[i] = static_cast<float>(i % 1000);
    b[i] = static_cast<float>((i * 7) % 1000);
  }
  int hostThreads = config().hostThreads > 0 ? config().hostThreads
                    : xpile::rt::options().hostThreads > 0 ? xpile::rt::options().hostThreads
                                                           : static_cast<int>(std::thread::hardware_concurrency());
  std::printf("blocks run on %d OS threads\n", hostThreads);

  launch(kAddInfo, vectorAdd, Dim3(blocks), Dim3(threads), 0, nullptr, a.data(), b.data(), c.data(), n);  // warm up
  double best = 1e300;
  for (int rep = 0; rep < 3; ++rep) {
    auto t0 = Clock::now();
    launch(kAddInfo, vectorAdd, Dim3(blocks), Dim3(threads), 0, nullptr, a.data(), b.data(), c.data(), n);
    best = std::min(best, seconds(t0, Clock::now()));
  }
  for (int i = 0; i < n; ++i)
    if (c[i] != a[i] + b[i]) {
      std::printf("vectorAdd: wrong result at %d\n", i);
      return 1;
    }
  std::printf("elementwise c[i] = a[i] + b[i], 16M floats, 256 threads/block: %.3f s, %.1f M elements/s, %.2f GB/s\n", best,
              n / best / 1e6, 12.0 * n / best / 1e9);

  std::vector<float> partial(blocks);
  launch(kReduceInfo, blockReduce, Dim3(blocks), Dim3(threads), threads * sizeof(float), nullptr, a.data(), partial.data(), n);
  best = 1e300;
  for (int rep = 0; rep < 3; ++rep) {
    auto t0 = Clock::now();
    launch(kReduceInfo, blockReduce, Dim3(blocks), Dim3(threads), threads * sizeof(float), nullptr, a.data(),
           partial.data(), n);
    best = std::min(best, seconds(t0, Clock::now()));
  }
  double sum = 0, ref = 0;
  for (float p : partial) sum += p;
  for (int i = 0; i < n; ++i) ref += a[i];
  if (std::fabs(sum - ref) > 1e-6 * ref) {
    std::printf("blockReduce: wrong sum %.1f (expected %.1f)\n", sum, ref);
    return 1;
  }
  std::printf("block reduction (256 threads, 9 __syncthreads), 16M floats: %.3f s, %.1f M elements/s\n", best,
              n / best / 1e6);
  return 0;
}
