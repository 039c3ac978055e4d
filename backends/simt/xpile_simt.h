// xpile SIMT executor: runs CUDA/HIP kernels on an x86 CPU. Header-only, compiled INTO the program
// under test by clang++-16 -O2 (g++ 12 compiles it too); the CUDA and HIP vocabulary headers
// (xpile_cuda.h, xpile_hip.h) are written on top of the API below (docs/executors.md).
//
// Design
// - Why fibers. A GPU thread may stop in the middle of its code (at __syncthreads, at a warp
//   shuffle) and resume later, with every local variable intact, after other threads of its block
//   have run. Running each GPU thread as a fiber (a user-level thread with its own stack,
//   xpile_fiber.h) keeps kernels as ordinary C++ compiled at -O2, with no transformation of the
//   code, and a switch costs a few nanoseconds (hand-written x86-64 switch; ucontext elsewhere).
//   One OS thread per GPU thread would cost microseconds per barrier and thousands of threads.
// - Blocks. A launch's blocks are handed out one at a time (an atomic counter) to a pool of OS
//   threads (config().hostThreads, else XPILE_THREADS, else hardware concurrency; the launching
//   thread takes part). Each OS thread runs whole blocks, one at a time: all GPU threads of a block
//   are fibers on that one OS thread, so `static thread_local` storage is per block (this is how
//   the vocabulary headers implement `__shared__`), and nothing inside a block needs locks. An OS
//   thread keeps one fiber stack per thread of the largest block it ran, so a launch uses at most
//   as many OS threads as keep those stacks near 1 GiB of address space (16384 / threads-per-block
//   at 64 KiB stacks). A stack is the default size plus the kernel's per-thread arrays
//   (KernelInfo::localBytes): CUDA allows a thread up to 512 KiB of local memory.
// - Scheduling. A block's scheduler resumes its runnable fibers in schedule order (forward: thread
//   0 first; reverse; shuffle:<seed>: a fresh deterministic permutation on every pass); each runs
//   until it blocks (barrier, warp operation, yield) or finishes. A block whose threads never block
//   costs two switches per thread. Running a kernel under two schedules exposes missing barriers.
// - Barriers. A thread arriving at __syncthreads records its site (line) and blocks. When no
//   fiber of the block is runnable, the scheduler resolves: if every live thread waits at a
//   barrier, they must all wait at the same site (else fault divergent-barrier naming both sites
//   and thread ids), no thread may have exited (else divergent-barrier: "thread (x,y,z) exited
//   while ... wait at __syncthreads at line N"); then the barrier generation advances and all are
//   released (with the count for __syncthreads_count/_and/_or). Otherwise threads wait for warp
//   operations that cannot complete: fault deadlock, describing who waits for whom.
// - Warp operations (shuffles, votes, __syncwarp, warp gathers) are rendezvous: each lane deposits
//   a description of its part (pointers to its value and its result slot, on its own stack) and
//   blocks; the lane that completes the set computes every participant's result at once (all
//   others are still blocked, so their values are alive) and releases them. Participants are the
//   lanes in the mask (restricted to lanes that exist in a partial last warp); mask ~0ull means
//   every lane that has not exited. A lane of the mask that exited is a deadlock fault; lanes of
//   one warp at different operations with overlapping masks are a divergent-barrier fault. Warp
//   size is 32 or 64 (XPILE_WARP_SIZE overrides platform().warpSize); masks are 64-bit.
// - Shared memory: dynamicShared() is a per-OS-thread buffer of the launch's size, 64-byte aligned
//   and filled with 0xCD before each block (like device memory). Launch configurations are checked
//   against the platform and __launch_bounds__ before anything runs.
// - Faults go through rt::fault (exit status 86). Signals (stack overflow into a guard page,
//   __trap, abort) are left to terminate the process; the sandbox reports a crash.
#pragma once

#include "xpile_fiber.h"
#include "xpile_rt.h"
#include "xpile_trace.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <pthread.h>

namespace xpile::simt {

struct Dim3 {
  unsigned x = 1, y = 1, z = 1;
  constexpr Dim3() = default;
  constexpr Dim3(unsigned x_, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
};

// Platform limits, set by the vocabulary header before any launch (CUDA: warp 32, 48 KiB static
// shared memory, 1024 threads per block; HIP/CDNA: wavefront 64, 64 KiB LDS, 1024 threads).
struct Platform {
  int warpSize = 32;
  size_t maxSharedBytesPerBlock = 48 * 1024;
  size_t maxDynamicSharedBytes = 48 * 1024;
  int maxThreadsPerBlock = 1024;
};

inline Platform &platform() {
  static Platform p;
  return p;
}

// Overrides of rt::options() for programs and tests that set them in code (added to the contract):
// empty / 0 means "from rt::options()" (XPILE_SCHEDULE, XPILE_THREADS).
struct Config {
  std::string schedule;  // forward | reverse | shuffle:<seed>
  int hostThreads = 0;   // OS threads running blocks
};

inline Config &config() {
  static Config c;
  return c;
}

struct ThreadContext {  // one per GPU thread (fiber)
  Dim3 threadIdx, blockIdx, blockDim, gridDim;
  int warpSize = 32;    // of the running launch
  unsigned lane = 0;    // linear thread id % warpSize
  unsigned warp = 0;    // linear thread id / warpSize
};

enum class ShuffleKind { Idx, Up, Down, Xor };

// =============================================================================================
namespace detail {

enum class State : uint8_t { Runnable, Barrier, Warp, Exited };
enum class OpKind : uint8_t { ShflIdx, ShflUp, ShflDown, ShflXor, Ballot, Any, All, SyncWarp, Gather };

inline const char *opName(OpKind k) {
  switch (k) {
  case OpKind::ShflIdx: return "shfl (idx)";
  case OpKind::ShflUp: return "shfl_up";
  case OpKind::ShflDown: return "shfl_down";
  case OpKind::ShflXor: return "shfl_xor";
  case OpKind::Ballot: return "ballot";
  case OpKind::Any: return "any";
  case OpKind::All: return "all";
  case OpKind::SyncWarp: return "syncwarp";
  case OpKind::Gather: return "warp gather";
  }
  return "warp operation";
}

// One lane's part in a warp operation; pointers refer to the lane's own (blocked) stack.
struct LaneOp {
  OpKind kind = OpKind::SyncWarp;
  const void *in = nullptr;
  void *out = nullptr;
  uint32_t size = 0;
  int arg = 0;    // source lane / delta / xor mask
  int width = 0;  // shuffle width
  bool pred = false;
  void (*copy)(void *, const void *) = nullptr;  // gather: typed copy / value-initialisation
  void (*init)(void *) = nullptr;
};

// What the scheduler touches on every resume (state, context) and what kernels read (ctx) share
// the first cache line; warp-operation data follows.
struct alignas(64) Thread {
  State state = State::Runnable;
  bool pred = false;
  int site = 0;  // barrier site (line)
  fiber::Context *context = nullptr;
  ThreadContext ctx;
  unsigned linear = 0;
  LaneOp op;
};

struct PendingOp {
  OpKind kind;
  uint64_t key;      // normalised mask; ~0ull: every lane that has not exited
  uint64_t arrived;  // lanes that have deposited
  bool segment = false;  // key is a maskless narrow shuffle's width segment (see warpCollective)
};

struct Warp {
  uint64_t population = 0;  // lanes that exist
  uint64_t exited = 0;
  std::vector<PendingOp> pending;
};

enum class ScheduleKind { Forward, Reverse, Shuffle };

struct LaunchDesc {
  const rt::KernelInfo *info = nullptr;
  void (*invoke)(const void *) = nullptr;
  const void *closure = nullptr;
  Dim3 grid, block;
  unsigned blockThreads = 0;
  unsigned long long numBlocks = 0;
  size_t sharedBytes = 0;
  int warpSize = 32;
  size_t stackBytes = 0;  // usable bytes of each fiber's stack
  ScheduleKind schedule = ScheduleKind::Forward;
  uint64_t seed = 0;
  uint64_t id = 0;
  std::atomic<unsigned long long> next{0};
};

// Everything an OS thread needs to run blocks; one per OS thread, leaked on purpose.
struct BlockRunner {
  std::vector<Thread> threads;
  std::vector<Warp> warps;
  std::vector<unsigned> order;
  fiber::FiberPool *fibers = nullptr;
  fiber::Context sched;  // the OS thread's own context while a fiber runs
  const LaunchDesc *launch = nullptr;
  uint64_t preparedFor = ~0ull;  // launch id the thread table was built for
  Dim3 blockIdx;
  unsigned long long blockLinear = 0;
  unsigned n = 0, live = 0, runnable = 0, atBarrier = 0, exited = 0;
  unsigned barrierCount = 0, barrierParticipants = 0;  // of the last released barrier
  uint64_t barrierGeneration = 0;
  unsigned char *shared = nullptr;
  size_t sharedCapacity = 0;
  uint64_t rng = 0;
};

inline constexpr ThreadContext kHostContext{Dim3(0, 0, 0), Dim3(0, 0, 0), Dim3(1, 1, 1), Dim3(1, 1, 1), 32, 0, 0};
inline thread_local const ThreadContext *tl_ctx = &kHostContext;
inline thread_local Thread *tl_thread = nullptr;
inline thread_local BlockRunner *tl_runner = nullptr;

inline BlockRunner &runnerForThisThread() {
  if (!tl_runner) {
    tl_runner = new BlockRunner;
    tl_runner->fibers = &fiber::FiberPool::forThisThread();
  }
  return *tl_runner;
}

// ---- messages -----------------------------------------------------------------------------
inline std::string dim3Str(Dim3 d) {
  return "(" + std::to_string(d.x) + "," + std::to_string(d.y) + "," + std::to_string(d.z) + ")";
}

inline std::string where(const BlockRunner &r) {
  return std::string("kernel ") + (r.launch && r.launch->info && r.launch->info->name ? r.launch->info->name : "?") +
         ", block " + dim3Str(r.blockIdx);
}

inline std::string threadList(const BlockRunner &r, const std::vector<unsigned> &ids) {
  std::string s;
  size_t shown = ids.size() <= 8 ? ids.size() : 6;
  for (size_t i = 0; i < shown; ++i) {
    if (i) s += ", ";
    s += dim3Str(r.threads[ids[i]].ctx.threadIdx);
  }
  if (shown < ids.size()) s += " and " + std::to_string(ids.size() - shown) + " more";
  return (ids.size() == 1 ? "thread " : "threads ") + s;
}

inline const char *verb(const std::vector<unsigned> &ids, const char *one, const char *many) {
  return ids.size() == 1 ? one : many;
}

inline std::string laneList(uint64_t lanes) {
  std::string s;
  int count = 0;
  for (int l = 0; l < 64; ++l) {
    if (!((lanes >> l) & 1)) continue;
    int e = l;
    while (e + 1 < 64 && ((lanes >> (e + 1)) & 1)) ++e;
    if (count++) s += ",";
    s += std::to_string(l);
    if (e > l) s += "-" + std::to_string(e);
    l = e;
  }
  return s.empty() ? "none" : s;
}

inline std::string hex(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

inline std::string keyStr(uint64_t key) { return key == ~0ull ? "all active lanes" : "mask " + hex(key); }

// ---- switching ----------------------------------------------------------------------------
inline void resume(BlockRunner &r, Thread &t) {
  tl_thread = &t;
  tl_ctx = &t.ctx;
  fiber::switchTo(r.sched, *t.context);
}

inline void suspend(BlockRunner &r, Thread &t) { fiber::switchTo(*t.context, r.sched); }

inline Thread &current(const char *what) {
  Thread *t = tl_thread;
  if (!t) rt::fault(rt::Fault::InvalidArgument, std::string(what) + " called outside a kernel");
  return *t;
}

// ---- warp operations ----------------------------------------------------------------------
inline uint64_t participantsOf(const Warp &w, const PendingOp &p) {
  return p.key == ~0ull ? (w.population & ~w.exited) : p.key;
}

inline void completeWarpOp(BlockRunner &r, Warp &w, size_t index, Thread *completing) {
  PendingOp p = w.pending[index];
  w.pending.erase(w.pending.begin() + static_cast<std::ptrdiff_t>(index));
  uint64_t parts = participantsOf(w, p);
  const unsigned ws = static_cast<unsigned>(r.launch->warpSize);
  unsigned warpIndex = static_cast<unsigned>(&w - r.warps.data());
  Thread *base = r.threads.data() + static_cast<size_t>(warpIndex) * ws;
  uint32_t size = 0;
  for (unsigned l = 0; l < ws; ++l) {
    if (!((parts >> l) & 1)) continue;
    uint32_t s = base[l].op.size;
    if (size == 0) size = s;
    else if (s != size)
      rt::fault(rt::Fault::DivergentBarrier, where(r) + ", warp " + std::to_string(warpIndex) + ": lanes take part in one " +
                                                 opName(p.kind) + " with values of different sizes (" +
                                                 std::to_string(size) + " and " + std::to_string(s) + " bytes)");
  }
  switch (p.kind) {
  case OpKind::ShflIdx:
  case OpKind::ShflUp:
  case OpKind::ShflDown:
  case OpKind::ShflXor:
    for (unsigned l = 0; l < ws; ++l) {
      if (!((parts >> l) & 1)) continue;
      const LaneOp &op = base[l].op;
      unsigned w = static_cast<unsigned>(op.width);
      unsigned start = l & ~(w - 1), src = l;
      unsigned arg = static_cast<unsigned>(op.arg);
      switch (p.kind) {
      case OpKind::ShflIdx: src = start + (arg & (w - 1)); break;
      case OpKind::ShflUp: src = arg <= l - start ? l - arg : l; break;
      case OpKind::ShflDown: src = arg < w && l + arg < start + w ? l + arg : l; break;
      default: src = (l ^ arg) < start + w ? (l ^ arg) : l; break;
      }
      if (src < ws && ((parts >> src) & 1)) std::memcpy(op.out, base[src].op.in, op.size);
      else std::memset(op.out, 0, op.size);  // an inactive source lane reads as zero
    }
    break;
  case OpKind::Ballot:
  case OpKind::Any:
  case OpKind::All: {
    uint64_t bits = 0;
    for (unsigned l = 0; l < ws; ++l)
      if (((parts >> l) & 1) && base[l].op.pred) bits |= 1ull << l;
    for (unsigned l = 0; l < ws; ++l) {
      if (!((parts >> l) & 1)) continue;
      void *out = base[l].op.out;
      if (p.kind == OpKind::Ballot) std::memcpy(out, &bits, sizeof bits);
      else {
        bool v = p.kind == OpKind::Any ? bits != 0 : bits == parts;
        std::memcpy(out, &v, sizeof v);
      }
    }
    break;
  }
  case OpKind::SyncWarp: break;
  case OpKind::Gather:
    for (unsigned l = 0; l < ws; ++l) {
      if (!((parts >> l) & 1)) continue;
      const LaneOp &op = base[l].op;
      char *out = static_cast<char *>(op.out);
      for (unsigned m = 0; m < ws; ++m) {
        void *dst = out + static_cast<size_t>(m) * op.size;
        if ((parts >> m) & 1) op.copy(dst, base[m].op.in);
        else op.init(dst);
      }
    }
    break;
  }
  for (unsigned l = 0; l < ws; ++l) {
    if (!((p.arrived >> l) & 1)) continue;
    Thread &t = base[l];
    if (&t == completing) continue;
    t.state = State::Runnable;
    ++r.runnable;
  }
}

inline void warpCollective(LaneOp &op, unsigned long long mask) {
  Thread &t = current(opName(op.kind));
  BlockRunner &r = *tl_runner;
  Warp &w = r.warps[t.ctx.warp];
  const uint64_t bit = 1ull << t.ctx.lane;
  const int ws = t.ctx.warpSize;
  if (op.kind <= OpKind::ShflXor && (op.width < 1 || op.width > ws || (op.width & (op.width - 1)) != 0))
    rt::fault(rt::Fault::InvalidArgument, where(r) + ": " + opName(op.kind) + " with width " + std::to_string(op.width) +
                                              " (must be a power of two from 1 to the warp size " + std::to_string(ws) + ")");
  // A maskless shuffle narrower than the warp exchanges only within the caller's width segment, so
  // only that segment's live lanes take part (as with hardware EXEC masks: a HIP kernel may shuffle
  // in one 32-lane half of a wavefront while the other half does something else).
  // Segments of different widths overlap without conflict: a lane simply waits at its next
  // shuffle for the lanes still finishing the previous one.
  const bool segment = mask == ~0ull && op.kind <= OpKind::ShflXor && op.width < ws;
  if (segment) mask = (((1ull << op.width) - 1) << (t.ctx.lane & ~(op.width - 1))) & w.population & ~w.exited;
  uint64_t key = ~0ull;
  if (mask != ~0ull) {
    key = mask & w.population;
    if (!(key & bit))
      rt::fault(rt::Fault::InvalidArgument, where(r) + ": thread " + dim3Str(t.ctx.threadIdx) + " (lane " +
                                                std::to_string(t.ctx.lane) + " of warp " + std::to_string(t.ctx.warp) +
                                                ") calls " + opName(op.kind) + " with mask " + hex(mask) +
                                                ", which does not include it");
    if (key & w.exited)
      rt::fault(rt::Fault::Deadlock, where(r) + ", warp " + std::to_string(t.ctx.warp) + ": " + opName(op.kind) +
                                         " with mask " + hex(mask) + " waits for lanes " + laneList(key & w.exited) +
                                         ", which have exited");
  }
  const uint64_t keyLanes = key == ~0ull ? (w.population & ~w.exited) : key;
  size_t index = w.pending.size();
  for (size_t i = 0; i < w.pending.size(); ++i) {
    PendingOp &p = w.pending[i];
    if (p.key != key && (segment || p.segment)) continue;
    if (p.key == key || (participantsOf(w, p) & keyLanes)) {
      if (p.key != key || p.kind != op.kind)
        rt::fault(rt::Fault::DivergentBarrier,
                  where(r) + ", warp " + std::to_string(t.ctx.warp) + ": lanes at different warp operations: lanes " +
                      laneList(p.arrived) + " at " + opName(p.kind) + " (" + keyStr(p.key) + "), lane " +
                      std::to_string(t.ctx.lane) + " at " + opName(op.kind) + " (" + keyStr(key) + ")");
      index = i;
      break;
    }
  }
  if (index == w.pending.size()) w.pending.push_back(PendingOp{op.kind, key, 0, segment});
  t.op = op;
  PendingOp &p = w.pending[index];
  p.arrived |= bit;
  if (p.arrived == participantsOf(w, p)) {
    completeWarpOp(r, w, index, &t);
    return;
  }
  t.state = State::Warp;
  --r.runnable;
  suspend(r, t);
}

// A lane finished its kernel: warp operations waiting for it can never complete (explicit masks)
// or now complete without it (all-active-lanes operations).
inline void laneExited(BlockRunner &r, Warp &w, Thread &t) {
  const uint64_t bit = 1ull << t.ctx.lane;
  for (size_t i = 0; i < w.pending.size();) {
    PendingOp &p = w.pending[i];
    if (p.key != ~0ull && (p.key & bit))
      rt::fault(rt::Fault::Deadlock, where(r) + ", warp " + std::to_string(t.ctx.warp) + ": thread " +
                                         dim3Str(t.ctx.threadIdx) + " (lane " + std::to_string(t.ctx.lane) +
                                         ") exited while lanes " + laneList(p.arrived) + " wait for it at " + opName(p.kind) +
                                         " with mask " + hex(p.key));
    if (p.key == ~0ull && p.arrived == participantsOf(w, p)) {
      completeWarpOp(r, w, i, nullptr);
      continue;
    }
    ++i;
  }
}

inline void threadExit(BlockRunner &r, Thread &t) {
  t.state = State::Exited;
  --r.live;
  --r.runnable;
  ++r.exited;
  Warp &w = r.warps[t.ctx.warp];
  w.exited |= 1ull << t.ctx.lane;
  if (!w.pending.empty()) laneExited(r, w, t);
}

// Every fiber runs this loop: one GPU thread per iteration. After a thread exits, its fiber is
// parked here and resumed for the next block's thread of the same index.
inline void fiberMain(void *) {
  for (;;) {
    BlockRunner &r = *tl_runner;
    r.launch->invoke(r.launch->closure);
    Thread &t = *tl_thread;
    threadExit(r, t);
    suspend(r, t);
  }
}

// ---- barriers -----------------------------------------------------------------------------
inline void barrierArrive(int site, int predicate) {
  Thread &t = current("__syncthreads");
  BlockRunner &r = *tl_runner;
  t.state = State::Barrier;
  t.site = site;
  t.pred = predicate != 0;
  ++r.atBarrier;
  --r.runnable;
  suspend(r, t);
}

// No fiber is runnable and some are live: release a barrier, or fault.
inline void resolveStall(BlockRunner &r) {
  if (r.atBarrier == r.live && r.exited == 0) {  // the common case: everyone at one barrier
    Thread *threads = r.threads.data();
    const int site = threads[0].site;
    bool same = true;
    unsigned count = 0;
    for (unsigned i = 0; i < r.n; ++i) {
      same &= threads[i].site == site;
      count += static_cast<unsigned>(threads[i].pred);
    }
    if (same) {
      for (unsigned i = 0; i < r.n; ++i) threads[i].state = State::Runnable;
      r.barrierCount = count;
      r.barrierParticipants = r.n;
      r.atBarrier = 0;
      r.runnable = r.live;
      ++r.barrierGeneration;
      return;
    }
  }
  if (r.atBarrier == r.live) {
    std::vector<unsigned> waiting, exited, other;
    int site = 0;
    bool mixed = false;
    for (unsigned i = 0; i < r.n; ++i) {
      const Thread &t = r.threads[i];
      if (t.state == State::Exited) exited.push_back(i);
      else {
        if (waiting.empty()) site = t.site;
        else if (t.site != site) mixed = true;
        waiting.push_back(i);
      }
    }
    if (mixed) {
      std::vector<unsigned> first;
      int other_site = 0;
      for (unsigned i : waiting) {
        if (r.threads[i].site == site) first.push_back(i);
        else {
          if (other.empty()) other_site = r.threads[i].site;
          if (r.threads[i].site == other_site) other.push_back(i);
        }
      }
      rt::fault(rt::Fault::DivergentBarrier,
                where(r) + ": threads of one block wait at different barriers: " + threadList(r, first) +
                    " at __syncthreads at line " + std::to_string(site) + ", " + threadList(r, other) +
                    " at __syncthreads at line " + std::to_string(other_site));
    }
    if (!exited.empty())
      rt::fault(rt::Fault::DivergentBarrier, where(r) + ": " + threadList(r, exited) + " exited while " +
                                                 threadList(r, waiting) + verb(waiting, " waits", " wait") +
                                                 " at __syncthreads at line " + std::to_string(site));
    unsigned count = 0;
    for (unsigned i : waiting) {
      count += static_cast<unsigned>(r.threads[i].pred);
      r.threads[i].state = State::Runnable;
    }
    r.barrierCount = count;
    r.barrierParticipants = static_cast<unsigned>(waiting.size());
    r.atBarrier = 0;
    r.runnable = r.live;
    ++r.barrierGeneration;
    return;
  }
  // Some threads wait for warp operations that cannot complete.
  std::string msg = where(r) + ": no thread can make progress:";
  const unsigned ws = static_cast<unsigned>(r.launch->warpSize);
  for (size_t wi = 0; wi < r.warps.size(); ++wi) {
    const Warp &w = r.warps[wi];
    for (const PendingOp &p : w.pending) {
      uint64_t missing = participantsOf(w, p) & ~p.arrived;
      msg += " warp " + std::to_string(wi) + ": lanes " + laneList(p.arrived) + " wait at " + opName(p.kind) + " (" +
             keyStr(p.key) + ") for lanes " + laneList(missing);
      std::string blockedAt;
      for (unsigned l = 0; l < ws; ++l) {
        if (!((missing >> l) & 1)) continue;
        const Thread &t = r.threads[wi * ws + l];
        if (t.state == State::Barrier) {
          blockedAt = ", which wait at __syncthreads at line " + std::to_string(t.site);
          break;
        }
        if (t.state == State::Warp) blockedAt = ", which wait at another warp operation";
      }
      msg += blockedAt + ";";
    }
  }
  if (r.atBarrier) {
    std::vector<unsigned> waiting;
    int site = 0;
    for (unsigned i = 0; i < r.n; ++i)
      if (r.threads[i].state == State::Barrier) {
        site = r.threads[i].site;
        waiting.push_back(i);
      }
    msg += " " + threadList(r, waiting) + verb(waiting, " waits", " wait") + " at __syncthreads at line " + std::to_string(site);
  }
  if (!msg.empty() && msg.back() == ';') msg.pop_back();
  rt::fault(rt::Fault::Deadlock, msg);
}

// ---- blocks -------------------------------------------------------------------------------
inline uint64_t splitmix(uint64_t &s) {
  uint64_t z = (s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

inline void prepareLaunch(BlockRunner &r, const LaunchDesc &d) {
  r.launch = &d;
  if (r.preparedFor == d.id) return;
  r.preparedFor = d.id;
  const unsigned n = d.blockThreads, ws = static_cast<unsigned>(d.warpSize);
  r.n = n;
  r.threads.resize(n);
  r.order.resize(n);
  for (unsigned i = 0; i < n; ++i) {
    Thread &t = r.threads[i];
    t.ctx.threadIdx = Dim3(i % d.block.x, (i / d.block.x) % d.block.y, i / (d.block.x * d.block.y));
    t.ctx.blockDim = d.block;
    t.ctx.gridDim = d.grid;
    t.ctx.warpSize = d.warpSize;
    t.ctx.lane = i % ws;
    t.ctx.warp = i / ws;
    t.linear = i;
    fiber::Fiber &f = r.fibers->at(i, d.stackBytes);
    if (!f.prepared) {
      fiber::prepare(f.context, f.stack, &fiberMain, nullptr, i);
      f.prepared = true;
    }
    t.context = &f.context;
    r.order[i] = i;
  }
  const unsigned nw = (n + ws - 1) / ws;
  r.warps.assign(nw, Warp{});
  for (unsigned wi = 0; wi < nw; ++wi) {
    unsigned lanes = std::min(ws, n - wi * ws);
    r.warps[wi].population = lanes >= 64 ? ~0ull : ((1ull << lanes) - 1);
  }
  size_t need = d.sharedBytes < 64 ? 64 : (d.sharedBytes + 63) / 64 * 64;
  if (r.sharedCapacity < need) {
    std::free(r.shared);
    r.shared = static_cast<unsigned char *>(std::aligned_alloc(64, need));
    if (!r.shared) rt::fault(rt::Fault::CapacityExceeded, "cannot allocate " + std::to_string(need) + " bytes of shared memory");
    r.sharedCapacity = need;
  }
}

inline void runBlock(BlockRunner &r, const LaunchDesc &d, unsigned long long linear) {
  const unsigned n = r.n;
  r.blockLinear = linear;
  r.blockIdx = Dim3(static_cast<unsigned>(linear % d.grid.x), static_cast<unsigned>((linear / d.grid.x) % d.grid.y),
                    static_cast<unsigned>(linear / (static_cast<unsigned long long>(d.grid.x) * d.grid.y)));
  for (unsigned i = 0; i < n; ++i) {
    Thread &t = r.threads[i];
    t.ctx.blockIdx = r.blockIdx;
    t.state = State::Runnable;
  }
  for (Warp &w : r.warps) {
    w.exited = 0;
    w.pending.clear();
  }
  r.live = r.runnable = n;
  r.atBarrier = r.exited = 0;
  r.barrierGeneration = 0;
  if (d.sharedBytes) std::memset(r.shared, 0xCD, d.sharedBytes);
  if (d.schedule == ScheduleKind::Shuffle) {  // the order depends on the seed and the block only
    r.rng = d.seed ^ (linear * 0xD1B54A32D192ED03ull);
    for (unsigned i = 0; i < n; ++i) r.order[i] = i;
  }

  Thread *threads = r.threads.data();
  while (r.live) {
    if (!r.runnable) {
      resolveStall(r);
      continue;
    }
    switch (d.schedule) {
    case ScheduleKind::Forward:
      for (unsigned i = 0; i < n; ++i)
        if (threads[i].state == State::Runnable) resume(r, threads[i]);
      break;
    case ScheduleKind::Reverse:
      for (unsigned i = n; i-- > 0;)
        if (threads[i].state == State::Runnable) resume(r, threads[i]);
      break;
    case ScheduleKind::Shuffle: {
      unsigned *order = r.order.data();
      for (unsigned i = n; i > 1; --i) {
        unsigned j = static_cast<unsigned>(splitmix(r.rng) % i);
        std::swap(order[i - 1], order[j]);
      }
      for (unsigned k = 0; k < n; ++k)
        if (threads[order[k]].state == State::Runnable) resume(r, threads[order[k]]);
      break;
    }
    }
  }
  tl_thread = nullptr;
  tl_ctx = &kHostContext;
}

inline void runBlocks(LaunchDesc &d) {
  BlockRunner &r = runnerForThisThread();
  bool prepared = false;
  for (;;) {
    unsigned long long b = d.next.fetch_add(1, std::memory_order_relaxed);
    if (b >= d.numBlocks) break;
    if (!prepared) {
      prepareLaunch(r, d);
      prepared = true;
    }
    runBlock(r, d, b);
  }
}

// ---- the pool of OS threads ---------------------------------------------------------------
class WorkerPool {
public:
  // The process's pool; after fork() the child starts a fresh one (the parent's workers do not
  // exist there; the old pool is leaked).
  static WorkerPool &get() {
    static bool atfork = [] {
      pthread_atfork(nullptr, nullptr, [] { instance() = nullptr; });
      return true;
    }();
    (void)atfork;
    WorkerPool *&p = instance();
    if (!p) p = new WorkerPool;
    return *p;
  }

  // Runs d's blocks on `participants` OS threads (the caller included).
  void run(LaunchDesc &d, int participants) {
    std::lock_guard<std::mutex> launchLock(launchMu_);
    if (participants > 1) {
      std::unique_lock<std::mutex> lock(mu_);
      while (static_cast<int>(workers_) < participants - 1) {
        int index = static_cast<int>(++workers_);
        std::thread([this, index] { workerLoop(index); }).detach();
      }
      job_ = &d;
      want_ = participants;
      done_ = 0;
      ++generation_;
      cv_.notify_all();
    }
    runBlocks(d);
    if (participants > 1) {
      std::unique_lock<std::mutex> lock(mu_);
      doneCv_.wait(lock, [&] { return done_ == want_ - 1; });
      job_ = nullptr;
    }
  }

private:
  static WorkerPool *&instance() {
    static WorkerPool *p = nullptr;
    return p;
  }

  void workerLoop(int index) {
    uint64_t seen = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      seen = generation_ - (job_ && index < want_ ? 1 : 0);
    }
    for (;;) {
      LaunchDesc *job = nullptr;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return generation_ != seen; });
        seen = generation_;
        if (index >= want_ || !job_) continue;
        job = job_;
      }
      runBlocks(*job);
      std::lock_guard<std::mutex> lock(mu_);
      if (++done_ == want_ - 1) doneCv_.notify_one();
    }
  }

  std::mutex launchMu_, mu_;
  std::condition_variable cv_, doneCv_;
  unsigned workers_ = 0;
  uint64_t generation_ = 0;
  LaunchDesc *job_ = nullptr;
  int want_ = 0, done_ = 0;
};

inline uint64_t nextLaunchId() {
  static std::atomic<uint64_t> id{0};
  return id.fetch_add(1, std::memory_order_relaxed);
}

inline void parseSchedule(const std::string &s, LaunchDesc &d) {
  if (s.empty() || s == "forward") d.schedule = ScheduleKind::Forward;
  else if (s == "reverse") d.schedule = ScheduleKind::Reverse;
  else if (s.rfind("shuffle", 0) == 0) {
    d.schedule = ScheduleKind::Shuffle;
    d.seed = 0;
    if (s.size() > 7) {
      char *end = nullptr;
      if (s[7] != ':' || s.size() == 8) rt::fault(rt::Fault::InvalidArgument, "schedule '" + s + "': expected shuffle:<seed>");
      d.seed = std::strtoull(s.c_str() + 8, &end, 0);
      if (!end || *end) rt::fault(rt::Fault::InvalidArgument, "schedule '" + s + "': expected shuffle:<seed>");
    }
    uint64_t st = d.seed;
    d.seed = splitmix(st);
  } else
    rt::fault(rt::Fault::InvalidArgument, "schedule '" + s + "': expected forward, reverse or shuffle:<seed>");
}

template <class... P> struct Closure {
  void (*kernel)(P...);
  std::tuple<std::decay_t<P>...> params;
  static void invoke(const void *c) {
    const Closure *cl = static_cast<const Closure *>(c);
    std::apply(cl->kernel, cl->params);
  }
};

template <class T> struct Identity { using type = T; };
template <class T> using NonDeduced = typename Identity<T>::type;

}  // namespace detail

// =============================================================================================
// The running GPU thread (the host context, with every index 0, outside kernels).
inline const ThreadContext &self() { return *detail::tl_ctx; }
inline bool inKernel() { return detail::tl_thread != nullptr; }

// Block barriers; `site` identifies the call site (pass __LINE__).
inline void syncthreads(int site) { detail::barrierArrive(site, 0); }
inline int syncthreadsCount(int site, int predicate) {
  detail::barrierArrive(site, predicate);
  return static_cast<int>(detail::tl_runner->barrierCount);
}
inline int syncthreadsAnd(int site, int predicate) {
  detail::barrierArrive(site, predicate);
  return detail::tl_runner->barrierCount == detail::tl_runner->barrierParticipants;
}
inline int syncthreadsOr(int site, int predicate) {
  detail::barrierArrive(site, predicate);
  return detail::tl_runner->barrierCount != 0;
}

// Lets the other threads of the block run (added: for spin-waits such as __nanosleep loops). The
// thread stays runnable and is resumed in the scheduler's next pass.
inline void yield() {
  detail::Thread &t = detail::current("yield");
  detail::suspend(*detail::tl_runner, t);
}

inline void threadfence() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }

// Lanes of the caller's warp that have not exited.
inline unsigned long long activeMask() {
  const detail::Thread &t = detail::current("activemask");
  const detail::Warp &w = detail::tl_runner->warps[t.ctx.warp];
  return w.population & ~w.exited;
}

inline void syncwarp(unsigned long long mask) {
  detail::LaneOp op;
  op.kind = detail::OpKind::SyncWarp;
  detail::warpCollective(op, mask);
}

// CUDA semantics, for any trivially copyable T up to 16 bytes (see docs/executors.md). A source
// lane that does not take part (exited, or not in the mask) reads as zero bytes.
template <class T> T shuffle(ShuffleKind kind, unsigned long long mask, T value, int laneOrDelta, int width) {
  static_assert(std::is_trivially_copyable<T>::value, "shuffle: T must be trivially copyable");
  static_assert(sizeof(T) <= 16, "shuffle: T must be at most 16 bytes");
  alignas(T) unsigned char result[sizeof(T)];
  detail::LaneOp op;
  op.kind = kind == ShuffleKind::Idx    ? detail::OpKind::ShflIdx
            : kind == ShuffleKind::Up   ? detail::OpKind::ShflUp
            : kind == ShuffleKind::Down ? detail::OpKind::ShflDown
                                        : detail::OpKind::ShflXor;
  op.in = &value;
  op.out = result;
  op.size = sizeof(T);
  op.arg = laneOrDelta;
  op.width = width;
  detail::warpCollective(op, mask);
  std::memcpy(static_cast<void *>(&value), result, sizeof(T));
  return value;
}

namespace detail {
inline uint64_t vote(OpKind kind, unsigned long long mask, bool predicate) {
  uint64_t result = 0;
  LaneOp op;
  op.kind = kind;
  op.pred = predicate;
  op.out = &result;
  op.size = 8;
  warpCollective(op, mask);
  return result;
}
}  // namespace detail

// bit i = predicate of lane i (lanes taking part only).
inline unsigned long long ballot(unsigned long long mask, bool predicate) {
  return detail::vote(detail::OpKind::Ballot, mask, predicate);
}
inline bool any(unsigned long long mask, bool predicate) {
  bool r = false;
  detail::LaneOp op;
  op.kind = detail::OpKind::Any;
  op.pred = predicate;
  op.out = &r;
  op.size = 8;
  detail::warpCollective(op, mask);
  return r;
}
inline bool all(unsigned long long mask, bool predicate) {
  bool r = false;
  detail::LaneOp op;
  op.kind = detail::OpKind::All;
  op.pred = predicate;
  op.out = &r;
  op.size = 8;
  detail::warpCollective(op, mask);
  return r;
}

// Every participating lane contributes `mine`; on return out[l] (warpSize entries) holds lane l's
// value for every lane l of the warp (lanes that do not take part: value-initialised). Collective.
// The mask form is an addition; the two-argument form takes every active lane.
template <class T> void warpGather(unsigned long long mask, const T &mine, T *out) {
  detail::LaneOp op;
  op.kind = detail::OpKind::Gather;
  op.in = &mine;
  op.out = out;
  op.size = static_cast<uint32_t>(sizeof(T));
  op.copy = [](void *dst, const void *src) { *static_cast<T *>(dst) = *static_cast<const T *>(src); };
  op.init = [](void *dst) { *static_cast<T *>(dst) = T{}; };
  detail::warpCollective(op, mask);
}
template <class T> void warpGather(const T &mine, T *out) { warpGather(~0ull, mine, out); }

// This block's `extern __shared__` memory (size from the launch).
inline void *dynamicShared() {
  detail::current("dynamicShared");
  return detail::tl_runner->shared;
}

// ---------------------------------------------------------------------------------------------
// Atomics, safe across blocks running on different OS threads. The value parameters are not
// deduced, so atomicAdd(&unsignedCounter, 1) works as in CUDA.
namespace detail {
template <size_t N> struct UIntOfSize;
template <> struct UIntOfSize<2> { using type = uint16_t; };
template <> struct UIntOfSize<4> { using type = uint32_t; };
template <> struct UIntOfSize<8> { using type = uint64_t; };

// Atomically replaces *address by f(*address); returns the old value.
template <class T, class F> T atomicUpdate(T *address, F f) {
  using Bits = typename UIntOfSize<sizeof(T)>::type;
  Bits *p = reinterpret_cast<Bits *>(address);
  Bits old = __atomic_load_n(p, __ATOMIC_RELAXED);
  for (;;) {
    T oldValue, newValue;
    std::memcpy(static_cast<void *>(&oldValue), &old, sizeof(T));
    newValue = f(oldValue);
    Bits desired;
    std::memcpy(&desired, static_cast<const void *>(&newValue), sizeof(T));
    if (__atomic_compare_exchange_n(p, &old, desired, true, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)) return oldValue;
  }
}
template <class T> constexpr bool kIntegral = std::is_integral<T>::value && !std::is_same<T, bool>::value;
}  // namespace detail

template <class T> T atomicAdd(T *address, detail::NonDeduced<T> value) {
  if constexpr (detail::kIntegral<T>) return __atomic_fetch_add(address, value, __ATOMIC_SEQ_CST);
  else return detail::atomicUpdate(address, [value](T old) { return static_cast<T>(old + value); });
}
template <class T> T atomicSub(T *address, detail::NonDeduced<T> value) {
  if constexpr (detail::kIntegral<T>) return __atomic_fetch_sub(address, value, __ATOMIC_SEQ_CST);
  else return detail::atomicUpdate(address, [value](T old) { return static_cast<T>(old - value); });
}
template <class T> T atomicExch(T *address, detail::NonDeduced<T> value) {
  if constexpr (detail::kIntegral<T>) return __atomic_exchange_n(address, value, __ATOMIC_SEQ_CST);
  else return detail::atomicUpdate(address, [value](T) { return value; });
}
template <class T> T atomicMin(T *address, detail::NonDeduced<T> value) {
  return detail::atomicUpdate(address, [value](T old) { return value < old ? value : old; });
}
template <class T> T atomicMax(T *address, detail::NonDeduced<T> value) {
  return detail::atomicUpdate(address, [value](T old) { return old < value ? value : old; });
}
template <class T> T atomicAnd(T *address, detail::NonDeduced<T> value) {
  return __atomic_fetch_and(address, value, __ATOMIC_SEQ_CST);
}
template <class T> T atomicOr(T *address, detail::NonDeduced<T> value) {
  return __atomic_fetch_or(address, value, __ATOMIC_SEQ_CST);
}
template <class T> T atomicXor(T *address, detail::NonDeduced<T> value) {
  return __atomic_fetch_xor(address, value, __ATOMIC_SEQ_CST);
}
// ((old >= limit) ? 0 : old + 1), as CUDA's atomicInc.
inline unsigned atomicInc(unsigned *address, unsigned limit) {
  return detail::atomicUpdate(address, [limit](unsigned old) { return old >= limit ? 0u : old + 1; });
}
// ((old == 0 || old > limit) ? limit : old - 1), as CUDA's atomicDec.
inline unsigned atomicDec(unsigned *address, unsigned limit) {
  return detail::atomicUpdate(address, [limit](unsigned old) { return (old == 0 || old > limit) ? limit : old - 1; });
}
// Stores `value` when *address == compare (bitwise); returns the old value. 16, 32 and 64 bits.
template <class T> T atomicCAS(T *address, detail::NonDeduced<T> compare, detail::NonDeduced<T> value) {
  using Bits = typename detail::UIntOfSize<sizeof(T)>::type;
  Bits expected, desired;
  std::memcpy(&expected, static_cast<const void *>(&compare), sizeof(T));
  std::memcpy(&desired, static_cast<const void *>(&value), sizeof(T));
  __atomic_compare_exchange_n(reinterpret_cast<Bits *>(address), &expected, desired, false, __ATOMIC_SEQ_CST,
                              __ATOMIC_SEQ_CST);
  T old;
  std::memcpy(static_cast<void *>(&old), &expected, sizeof(T));
  return old;
}

// ---------------------------------------------------------------------------------------------
// Runs kernel(args...) on grid x block GPU threads; see docs/executors.md and the design notes at
// the top of this file. Synchronous; records the launch (rt::recordLaunch) when done.
template <class... P, class... A>
void launch(const rt::KernelInfo &info, void (*kernel)(P...), Dim3 grid, Dim3 block, size_t sharedBytes, void *stream,
            A &&...args) {
  (void)stream;
  const char *name = info.name && *info.name ? info.name : "kernel";
  if (detail::tl_thread)
    rt::fault(rt::Fault::InvalidArgument, std::string("launch of ") + name + " from inside a kernel is not supported");
  if (!grid.x || !grid.y || !grid.z || !block.x || !block.y || !block.z)
    rt::fault(rt::Fault::InvalidArgument, std::string("launch of ") + name + " with grid " + detail::dim3Str(grid) +
                                              " and block " + detail::dim3Str(block) +
                                              ": every dimension must be at least 1");
  const unsigned long long threads = static_cast<unsigned long long>(block.x) * block.y * block.z;
  const Platform &pf = platform();
  if (threads > static_cast<unsigned long long>(pf.maxThreadsPerBlock))
    rt::fault(rt::Fault::InvalidArgument, std::string("launch of ") + name + " with " + std::to_string(threads) +
                                              " threads per block exceeds the platform's limit of " +
                                              std::to_string(pf.maxThreadsPerBlock));
  if (info.maxThreadsPerBlock > 0 && threads > static_cast<unsigned long long>(info.maxThreadsPerBlock))
    rt::fault(rt::Fault::InvalidArgument, std::string("launch of ") + name + " with " + std::to_string(threads) +
                                              " threads per block exceeds __launch_bounds__(" +
                                              std::to_string(info.maxThreadsPerBlock) + ")");
  if (info.staticSharedBytes > pf.maxSharedBytesPerBlock)
    rt::fault(rt::Fault::CapacityExceeded, std::string("kernel ") + name + " uses " + std::to_string(info.staticSharedBytes) +
                                               " bytes of static shared memory; the platform allows " +
                                               std::to_string(pf.maxSharedBytesPerBlock) + " per block");
  const size_t totalLimit = pf.maxSharedBytesPerBlock > pf.maxDynamicSharedBytes ? pf.maxSharedBytesPerBlock : pf.maxDynamicSharedBytes;
  if (sharedBytes > pf.maxDynamicSharedBytes || info.staticSharedBytes + sharedBytes > totalLimit)
    rt::fault(rt::Fault::CapacityExceeded,
              std::string("launch of ") + name + " with " + std::to_string(sharedBytes) + " bytes of dynamic shared memory (" +
                  std::to_string(info.staticSharedBytes) + " static) exceeds the platform's limit of " +
                  std::to_string(pf.maxDynamicSharedBytes) + " bytes of dynamic and " + std::to_string(totalLimit) +
                  " bytes of shared memory in all per block");
  const int warpSize = rt::options().warpSize ? rt::options().warpSize : pf.warpSize;
  if (warpSize != 32 && warpSize != 64)
    rt::fault(rt::Fault::InvalidArgument, "warp size " + std::to_string(warpSize) + " (XPILE_WARP_SIZE): must be 32 or 64");

  detail::Closure<P...> closure{kernel, std::tuple<std::decay_t<P>...>(std::forward<A>(args)...)};
  detail::LaunchDesc d;
  d.info = &info;
  d.invoke = &detail::Closure<P...>::invoke;
  d.closure = &closure;
  d.grid = grid;
  d.block = block;
  d.blockThreads = static_cast<unsigned>(threads);
  d.numBlocks = static_cast<unsigned long long>(grid.x) * grid.y * grid.z;
  d.sharedBytes = sharedBytes;
  d.warpSize = warpSize;
  // The kernel's per-thread arrays live on its fibers' stacks, on top of the default headroom.
  const size_t page = fiber::pageSize();
  d.stackBytes = fiber::defaultStackSize() + (info.localBytes + page - 1) / page * page;
  d.id = detail::nextLaunchId();
  detail::parseSchedule(config().schedule.empty() ? rt::options().schedule : config().schedule, d);

  int host = config().hostThreads > 0 ? config().hostThreads : rt::options().hostThreads;
  if (host <= 0) host = static_cast<int>(std::thread::hardware_concurrency());
  if (host <= 0) host = 1;
  // Every OS thread keeps one fiber stack per thread of the largest block it ran: keep the total
  // near 1 GiB of address space (16Ki stacks and 32Ki memory mappings at 64 KiB).
  unsigned long long byStacks = (1ull << 30) / (threads * d.stackBytes);
  if (byStacks < 1) byStacks = 1;
  unsigned long long participants = static_cast<unsigned long long>(host);
  if (participants > d.numBlocks) participants = d.numBlocks;
  if (participants > byStacks) participants = byStacks;
  detail::WorkerPool::get().run(d, static_cast<int>(participants));

  std::apply([&](const auto &...p) { rt::recordLaunch(info, p...); }, closure.params);
}

}  // namespace xpile::simt
