// xpile BANG executor, part 8: the CNRT host API (§4: CNRT 6 names and the CNRT 4 names) and
// xpile::bang::launch, which the executor printer emits for kernel<<<dim, type, queue>>>(args).
// Queues are synchronous: every launch and copy has completed when the call returns.
#pragma once

#include "xpile_bang_core.h"

#include <chrono>
#include <tuple>

// ---- types (same names and values as frontends/prelude/bang/__xpile_cnrt_types.h) ----------------
typedef struct {
  unsigned int x;
  unsigned int y;
  unsigned int z;
} cnrtDim3_t;

typedef enum {
  cnrtFuncTypeBlock = 1,
  cnrtFuncTypeBlock0 = 1,
  cnrtFuncTypeBlock1 = 2,
  cnrtFuncTypeUnion1 = 4,
  cnrtFuncTypeUnion2 = 8,
  cnrtFuncTypeUnion4 = 16,
  cnrtFuncTypeUnion8 = 32,
  cnrtFuncTypeUnion16 = 64,
  cnrtFuncTypeMutable = -1,
  // CNRT 4 names, aliases by meaning (CNRT 4 numbered UNION2 as 5; not reproduced)
  CNRT_FUNC_TYPE_BLOCK = cnrtFuncTypeBlock,
  CNRT_FUNC_TYPE_BLOCK0 = cnrtFuncTypeBlock0,
  CNRT_FUNC_TYPE_BLOCK1 = cnrtFuncTypeBlock1,
  CNRT_FUNC_TYPE_UNION1 = cnrtFuncTypeUnion1,
  CNRT_FUNC_TYPE_UNION2 = cnrtFuncTypeUnion2,
  CNRT_FUNC_TYPE_UNION4 = cnrtFuncTypeUnion4,
  CNRT_FUNC_TYPE_UNION8 = cnrtFuncTypeUnion8,
  CNRT_FUNC_TYPE_MUTABLE = cnrtFuncTypeMutable
} cnrtFunctionType_t;

struct __xpile_cnrtQueue {
  int id = 0;
};
struct __xpile_cnrtNotifier {
  std::chrono::steady_clock::time_point when{};
  bool placed = false;
};
struct __xpile_cnrtKernelParamsBuffer {
  std::vector<unsigned char> bytes;
};
typedef struct __xpile_cnrtQueue *cnrtQueue_t;
typedef struct __xpile_cnrtNotifier *cnrtNotifier_t;
typedef struct __xpile_cnrtKernelParamsBuffer *cnrtKernelParamsBuffer_t;
typedef unsigned long long cnrtDev_t;

typedef enum {
  cnrtSuccess = 0,
  cnrtErrorNotReady,
  cnrtErrorInit,
  cnrtErrorNoDevice,
  cnrtErrorArgsInvalid,
  cnrtErrorNoMem,
  cnrtErrorSys,
  cnrtErrorNotSupport,
  cnrtErrorQueue,
  cnrtErrorNotifier,
  cnrtErrorUnknown,
  CNRT_RET_SUCCESS = cnrtSuccess,
  CNRT_RET_ERR_INVALID = cnrtErrorArgsInvalid,
  CNRT_RET_ERR_NOMEM = cnrtErrorNoMem,
  CNRT_RET_ERR_NODEV = cnrtErrorNoDevice,
  CNRT_RET_ERR_SYS = cnrtErrorSys,
  CNRT_RET_ERR_UNKNOWN = cnrtErrorUnknown
} cnrtRet_t;

typedef enum {
  cnrtMemcpyHostToDev = 0,
  cnrtMemcpyDevToDev,
  cnrtMemcpyDevToHost,
  cnrtMemcpyHostToHost,
  cnrtMemcpyPeerToPeer,
  cnrtMemcpyNoDirection,
  CNRT_MEM_TRANS_DIR_HOST2DEV = cnrtMemcpyHostToDev,
  CNRT_MEM_TRANS_DIR_DEV2DEV = cnrtMemcpyDevToDev,
  CNRT_MEM_TRANS_DIR_DEV2HOST = cnrtMemcpyDevToHost,
  CNRT_MEM_TRANS_DIR_HOST2HOST = cnrtMemcpyHostToHost,
  CNRT_MEM_TRANS_DIR_PEER2PEER = cnrtMemcpyPeerToPeer,
  CNRT_MEM_TRANS_DIR_NODIR = cnrtMemcpyNoDirection
} cnrtMemTransDir_t;

typedef enum { cnrtAttrClusterCount, cnrtAttrMcorePerCluster } cnrtDeviceAttr_t;

namespace xpile::bang::detail {
inline cnrtRet_t &lastError() {
  static thread_local cnrtRet_t e = cnrtSuccess;
  return e;
}
inline cnrtRet_t ret(cnrtRet_t r) {
  if (r != cnrtSuccess) lastError() = r;
  return r;
}
}  // namespace xpile::bang::detail

// ---- errors --------------------------------------------------------------------------------------
inline const char *cnrtGetErrorStr(cnrtRet_t error) {
  switch (error) {
  case cnrtSuccess: return "cnrtSuccess: no error";
  case cnrtErrorNotReady: return "cnrtErrorNotReady: not ready";
  case cnrtErrorInit: return "cnrtErrorInit: initialization error";
  case cnrtErrorNoDevice: return "cnrtErrorNoDevice: no such device";
  case cnrtErrorArgsInvalid: return "cnrtErrorArgsInvalid: invalid argument";
  case cnrtErrorNoMem: return "cnrtErrorNoMem: out of memory";
  case cnrtErrorSys: return "cnrtErrorSys: system error";
  case cnrtErrorNotSupport: return "cnrtErrorNotSupport: not supported";
  case cnrtErrorQueue: return "cnrtErrorQueue: queue error";
  case cnrtErrorNotifier: return "cnrtErrorNotifier: notifier error";
  default: return "cnrtErrorUnknown: unknown error";
  }
}
inline cnrtRet_t cnrtGetLastError(void) {
  cnrtRet_t e = ::xpile::bang::detail::lastError();
  ::xpile::bang::detail::lastError() = cnrtSuccess;
  return e;
}
inline void cnrtCheck(cnrtRet_t result, const char *const func, const char *const file, int const line) {
  if (result == cnrtSuccess) return;
  std::fflush(stdout);
  std::fprintf(stderr, "CNRT error %d (%s) at %s:%d: %s\n", static_cast<int>(result), cnrtGetErrorStr(result), file, line, func);
  std::exit(EXIT_FAILURE);
}
#define CNRT_CHECK(val) cnrtCheck((val), #val, __FILE__, __LINE__)

// ---- device --------------------------------------------------------------------------------------
inline cnrtRet_t cnrtGetDeviceCount(unsigned int *count) {
  if (!count) return ::xpile::bang::detail::ret(cnrtErrorArgsInvalid);
  *count = 1;
  return cnrtSuccess;
}
inline cnrtRet_t cnrtSetDevice(int device) {
  return device == 0 ? cnrtSuccess : ::xpile::bang::detail::ret(cnrtErrorNoDevice);
}
inline cnrtRet_t cnrtGetDevice(int *device) {
  if (!device) return ::xpile::bang::detail::ret(cnrtErrorArgsInvalid);
  *device = 0;
  return cnrtSuccess;
}
inline cnrtRet_t cnrtDeviceGetAttribute(int *value, cnrtDeviceAttr_t attr, int device) {
  if (!value || device != 0) return ::xpile::bang::detail::ret(cnrtErrorArgsInvalid);
  switch (attr) {
  case cnrtAttrClusterCount: *value = ::xpile::bang::detail::arch().clusters; return cnrtSuccess;
  case cnrtAttrMcorePerCluster: *value = ::xpile::bang::detail::arch().coreDim; return cnrtSuccess;
  }
  return ::xpile::bang::detail::ret(cnrtErrorArgsInvalid);
}
inline cnrtRet_t cnrtSyncDevice(void) { return cnrtSuccess; }

// ---- memory --------------------------------------------------------------------------------------
inline cnrtRet_t cnrtMalloc(void **ptr, size_t bytes) {
  if (!ptr) return ::xpile::bang::detail::ret(cnrtErrorArgsInvalid);
  *ptr = ::xpile::rt::deviceAlloc(bytes);
  return *ptr ? cnrtSuccess : ::xpile::bang::detail::ret(cnrtErrorNoMem);
}
inline cnrtRet_t cnrtFree(void *ptr) {
  ::xpile::rt::deviceFree(ptr);
  return cnrtSuccess;
}
inline cnrtRet_t cnrtHostMalloc(void **ptr, size_t bytes) {
  if (!ptr) return ::xpile::bang::detail::ret(cnrtErrorArgsInvalid);
  *ptr = std::malloc(bytes ? bytes : 1);
  return *ptr ? cnrtSuccess : ::xpile::bang::detail::ret(cnrtErrorNoMem);
}
inline cnrtRet_t cnrtFreeHost(void *ptr) {
  std::free(ptr);
  return cnrtSuccess;
}
namespace xpile::bang::detail {
// A device-side range of a host API call must lie inside one cnrtMalloc allocation.
inline void checkDeviceRange(const char *fn, const void *p, size_t bytes, const char *role) {
  if (bytes == 0) return;
  if (!rt::Registry::get().find(p, bytes)) {
    if (const rt::Allocation *a = rt::Registry::get().owner(p))
      rt::fault(rt::Fault::OutOfBounds, std::string(fn) + ": " + str(static_cast<long long>(bytes)) + " bytes at offset " +
                                            str(static_cast<const char *>(p) - a->base) + " of the " + role + " allocation (" +
                                            str(static_cast<long long>(a->bytes)) + " bytes) run past its end");
  }
}
}  // namespace xpile::bang::detail
inline cnrtRet_t cnrtMemcpy(void *dst, void *src, size_t bytes, cnrtMemTransDir_t dir) {
  if (static_cast<int>(dir) < 0 || static_cast<int>(dir) > static_cast<int>(cnrtMemcpyNoDirection))
    return ::xpile::bang::detail::ret(cnrtErrorArgsInvalid);
  if (bytes && (!dst || !src)) return ::xpile::bang::detail::ret(cnrtErrorArgsInvalid);
  ::xpile::bang::detail::checkDeviceRange("cnrtMemcpy", dst, bytes, "destination");
  ::xpile::bang::detail::checkDeviceRange("cnrtMemcpy", src, bytes, "source");
  if (bytes) std::memmove(dst, src, bytes);
  return cnrtSuccess;
}
inline cnrtRet_t cnrtMemcpyAsync(void *dst, void *src, size_t bytes, cnrtQueue_t queue, cnrtMemTransDir_t dir) {
  (void)queue;
  return cnrtMemcpy(dst, src, bytes, dir);
}
inline cnrtRet_t cnrtMemset(void *ptr, int value, size_t bytes) {
  if (bytes && !ptr) return ::xpile::bang::detail::ret(cnrtErrorArgsInvalid);
  ::xpile::bang::detail::checkDeviceRange("cnrtMemset", ptr, bytes, "destination");
  if (bytes) std::memset(ptr, value, bytes);
  return cnrtSuccess;
}
inline cnrtRet_t cnrtMemsetAsync(void *ptr, int value, size_t bytes, cnrtQueue_t queue) {
  (void)queue;
  return cnrtMemset(ptr, value, bytes);
}

// ---- queues and notifiers --------------------------------------------------------------------------
inline cnrtRet_t cnrtQueueCreate(cnrtQueue_t *queue) {
  if (!queue) return ::xpile::bang::detail::ret(cnrtErrorArgsInvalid);
  *queue = new __xpile_cnrtQueue();
  return cnrtSuccess;
}
inline cnrtRet_t cnrtQueueDestroy(cnrtQueue_t queue) {
  delete queue;
  return cnrtSuccess;
}
inline cnrtRet_t cnrtQueueSync(cnrtQueue_t) { return cnrtSuccess; }
inline cnrtRet_t cnrtQueueQuery(cnrtQueue_t) { return cnrtSuccess; }
inline cnrtRet_t cnrtQueueWaitNotifier(cnrtNotifier_t, cnrtQueue_t, unsigned int) { return cnrtSuccess; }
inline cnrtRet_t cnrtNotifierCreate(cnrtNotifier_t *notifier) {
  if (!notifier) return ::xpile::bang::detail::ret(cnrtErrorArgsInvalid);
  *notifier = new __xpile_cnrtNotifier();
  return cnrtSuccess;
}
inline cnrtRet_t cnrtNotifierDestroy(cnrtNotifier_t notifier) {
  delete notifier;
  return cnrtSuccess;
}
inline cnrtRet_t cnrtPlaceNotifier(cnrtNotifier_t notifier, cnrtQueue_t) {
  if (!notifier) return ::xpile::bang::detail::ret(cnrtErrorArgsInvalid);
  notifier->when = std::chrono::steady_clock::now();
  notifier->placed = true;
  return cnrtSuccess;
}
inline cnrtRet_t cnrtWaitNotifier(cnrtNotifier_t) { return cnrtSuccess; }
inline cnrtRet_t cnrtQueryNotifier(cnrtNotifier_t) { return cnrtSuccess; }
// Elapsed wall-clock time between two placed notifiers, in microseconds.
inline cnrtRet_t cnrtNotifierDuration(cnrtNotifier_t start, cnrtNotifier_t end, float *us) {
  if (!start || !end || !us || !start->placed || !end->placed) return ::xpile::bang::detail::ret(cnrtErrorNotifier);
  *us = std::chrono::duration<float, std::micro>(end->when - start->when).count();
  return cnrtSuccess;
}

// ---- CNRT 4 (MLU270 era) names -----------------------------------------------------------------------
inline cnrtRet_t cnrtInit(unsigned int flags) {
  (void)flags;
  return cnrtSuccess;
}
inline void cnrtDestroy(void) {}
inline cnrtRet_t cnrtGetDeviceHandle(cnrtDev_t *dev, int ordinal) {
  if (!dev || ordinal != 0) return ::xpile::bang::detail::ret(cnrtErrorNoDevice);
  *dev = 0;
  return cnrtSuccess;
}
inline cnrtRet_t cnrtSetCurrentDevice(cnrtDev_t dev) { return dev == 0 ? cnrtSuccess : ::xpile::bang::detail::ret(cnrtErrorNoDevice); }
inline cnrtRet_t cnrtCreateQueue(cnrtQueue_t *queue) { return cnrtQueueCreate(queue); }
inline cnrtRet_t cnrtDestroyQueue(cnrtQueue_t queue) { return cnrtQueueDestroy(queue); }
inline cnrtRet_t cnrtSyncQueue(cnrtQueue_t queue) { return cnrtQueueSync(queue); }
inline cnrtRet_t cnrtCreateNotifier(cnrtNotifier_t *notifier) { return cnrtNotifierCreate(notifier); }
inline cnrtRet_t cnrtDestroyNotifier(cnrtNotifier_t *notifier) {
  if (!notifier) return ::xpile::bang::detail::ret(cnrtErrorArgsInvalid);
  delete *notifier;
  *notifier = nullptr;
  return cnrtSuccess;
}
inline cnrtRet_t cnrtGetKernelParamsBuffer(cnrtKernelParamsBuffer_t *params) {
  if (!params) return ::xpile::bang::detail::ret(cnrtErrorArgsInvalid);
  *params = new __xpile_cnrtKernelParamsBuffer();
  return cnrtSuccess;
}
inline cnrtRet_t cnrtKernelParamsBufferAddParam(cnrtKernelParamsBuffer_t params, void *data, size_t bytes) {
  if (!params || (bytes && !data)) return ::xpile::bang::detail::ret(cnrtErrorArgsInvalid);
  auto p = static_cast<const unsigned char *>(data);
  params->bytes.insert(params->bytes.end(), p, p + bytes);
  return cnrtSuccess;
}
inline cnrtRet_t cnrtDestroyKernelParamsBuffer(cnrtKernelParamsBuffer_t params) {
  delete params;
  return cnrtSuccess;
}
// The packed-parameter launch cannot recover the kernel's parameter types at run time.
inline cnrtRet_t cnrtInvokeKernel_V2(const void *function, cnrtDim3_t dim, cnrtKernelParamsBuffer_t params,
                                     cnrtFunctionType_t func_type, cnrtQueue_t queue) {
  (void)function, (void)dim, (void)params, (void)func_type, (void)queue;
  ::xpile::rt::fault(::xpile::rt::Fault::InvalidArgument,
                     "cnrtInvokeKernel_V2 is not supported by the BANG executor: launch with kernel<<<dim, type, queue>>>(args)");
}

// ---- launch ------------------------------------------------------------------------------------------
namespace xpile::bang {
namespace detail {

inline int unionClusters(cnrtFunctionType_t type, const char *kernel) {
  switch (type) {
  case cnrtFuncTypeBlock: case cnrtFuncTypeBlock1: case cnrtFuncTypeMutable: return 0;
  case cnrtFuncTypeUnion1: return 1;
  case cnrtFuncTypeUnion2: return 2;
  case cnrtFuncTypeUnion4: return 4;
  case cnrtFuncTypeUnion8: return 8;
  case cnrtFuncTypeUnion16: return 16;
  default: break;
  }
  invalid(std::string("kernel ") + kernel + ": invalid cnrtFunctionType_t value " + str(static_cast<int>(type)));
}

inline void checkCapacity(const rt::KernelInfo &info) {
  const Arch &a = arch();
  auto check = [&](size_t used, size_t cap, const char *space) {
    if (used > cap)
      rt::fault(rt::Fault::CapacityExceeded, std::string("kernel ") + info.name + " uses " + str(static_cast<long long>(used)) +
                                                 " bytes of " + space + "; " + a.name + " has " + str(static_cast<long long>(cap)));
  };
  check(info.nramBytes, a.nram, "NRAM");
  check(info.wramBytes, a.wram, "WRAM");
  check(info.sramBytes, a.sram, "SRAM");
}

inline unsigned hostThreads() {
  int n = rt::options().hostThreads;
  if (n > 0) return static_cast<unsigned>(n);
  unsigned h = std::thread::hardware_concurrency();
  return h ? h : 1;
}

// Runs body(ctx) on one fresh OS thread per context, all at once, and joins them.
template <class Body> inline void runThreads(const std::vector<CoreContext> &cores, Body &body) {
  std::vector<std::thread> threads;
  threads.reserve(cores.size());
  for (const CoreContext &c : cores)
    threads.emplace_back([&body, c] {
      ctxMut() = c;
      ctxMut().inKernel = true;
      body();
      if (c.job) c.job->exit();
      ctxMut().inKernel = false;
    });
  for (std::thread &t : threads) t.join();
}

}  // namespace detail

// kernel<<<dim, type, queue>>>(args...): validates, runs every task (cores as OS threads), returns
// when all are done, then records the launch (rt::recordLaunch) for whole-program verification.
template <class... P, class... A>
void launch(const rt::KernelInfo &info, void (*kernel)(P...), cnrtDim3_t dim, cnrtFunctionType_t type, cnrtQueue_t queue,
            A &&...args) {
  using namespace detail;
  (void)queue;
  static_assert(sizeof...(P) == sizeof...(A), "xpile::bang::launch: argument count differs from the kernel's parameters");
  const char *name = info.name ? info.name : "?";
  if (dim.x == 0 || dim.y == 0 || dim.z == 0)
    invalid(std::string("kernel ") + name + ": launch dimension (" + str(dim.x) + ", " + str(dim.y) + ", " + str(dim.z) +
            ") has a zero component");
  int n = unionClusters(type, name);
  const int coreDim = arch().coreDim;
  if (n > 0 && dim.x % static_cast<unsigned>(coreDim * n) != 0)
    invalid(std::string("kernel ") + name + ": a Union" + str(n) + " task needs dim.x to be a multiple of " + str(coreDim * n) +
            " (got dim.x = " + str(dim.x) + ")");
  checkCapacity(info);

  std::tuple<std::decay_t<P>...> params(std::forward<A>(args)...);
  auto body = [&] { std::apply(kernel, params); };

  Launch launchState;
  launchState.info = &info;
  const int dimX = static_cast<int>(dim.x), dimY = static_cast<int>(dim.y), dimZ = static_cast<int>(dim.z);
  const int taskDimAll = dimX * dimY * dimZ;
  auto base = [&](int x, int y, int z) {
    CoreContext c;
    c.taskIdX = x;
    c.taskIdY = y;
    c.taskIdZ = z;
    c.taskDimX = dimX;
    c.taskDimY = dimY;
    c.taskDimZ = dimZ;
    c.taskDim = taskDimAll;
    c.taskId = z * dimY * dimX + y * dimX + x;
    c.coreDim = coreDim;
    c.kernel = name;
    return c;
  };

  if (n == 0) {
    // Block: every task is its own core, with a private (lazily allocated) SRAM; run in batches.
    const int batch = static_cast<int>(hostThreads());
    for (int first = 0; first < taskDimAll; first += batch) {
      int count = std::min(batch, taskDimAll - first);
      std::vector<std::unique_ptr<Cluster>> clusters;
      std::vector<CoreContext> cores;
      for (int t = first; t < first + count; ++t) {
        clusters.push_back(std::make_unique<Cluster>());
        clusters.back()->launch = &launchState;
        CoreContext c = base(t % dimX, (t / dimX) % dimY, t / (dimX * dimY));
        c.clusterDim = 0;
        c.coreId = c.taskId % coreDim;
        c.clusterId = (c.taskId / coreDim) % arch().clusters;
        clusters.back()->id = c.clusterId;
        c.cluster = clusters.back().get();
        cores.push_back(c);
      }
      runThreads(cores, body);
    }
  } else {
    // UnionN: each group of coreDim*N consecutive taskIdX (fixed Y, Z) is one union job of N
    // clusters; each cluster runs coreDim IPU threads and one MPU thread (coreId 0x80).
    const int group = coreDim * n;
    for (int z = 0; z < dimZ; ++z)
      for (int y = 0; y < dimY; ++y)
        for (int gx = 0; gx < dimX; gx += group) {
          Job job;
          job.kernel = name;
          job.cluster.assign(n, Barrier{coreDim + 1});
          job.ipuCluster.assign(n, Barrier{coreDim});
          job.all.expected = n * (coreDim + 1);
          job.ipu.expected = n * coreDim;
          job.mpu.expected = n;
          job.live = n * (coreDim + 1);
          std::vector<std::unique_ptr<Cluster>> owned;
          std::vector<Cluster *> clusters;
          for (int c = 0; c < n; ++c) {
            owned.push_back(std::make_unique<Cluster>());
            owned.back()->id = c;
            owned.back()->launch = &launchState;
            clusters.push_back(owned.back().get());
          }
          std::vector<CoreContext> cores;
          for (int c = 0; c < n; ++c)
            for (int core = 0; core <= coreDim; ++core) {
              bool mpu = core == coreDim;
              // [UNCERTAIN] the MPU's task indices: those of its cluster's first IPU core.
              CoreContext ctx = base(gx + c * coreDim + (mpu ? 0 : core), y, z);
              ctx.clusterDim = n;
              ctx.clusterId = c;
              ctx.coreId = mpu ? 0x80 : core;
              ctx.cluster = clusters[c];
              ctx.clusters = &clusters;
              ctx.job = &job;
              cores.push_back(ctx);
            }
          runThreads(cores, body);
        }
  }
  std::apply([&](const auto &...p) { rt::recordLaunch(info, p...); }, params);
}

}  // namespace xpile::bang
