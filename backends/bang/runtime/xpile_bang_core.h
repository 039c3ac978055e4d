// xpile BANG executor, part 1: configuration, qualifiers, types, the per-core context, memory
// spaces, clusters and barriers, and the checks every intrinsic shares. See xpile_bang.h for the
// design; section numbers (§n) refer to /work/shared/reference/bang-c.md.
#pragma once

#include "xpile_rt.h"
#include "xpile_trace.h"

// ---- half / bfloat16 numerics come from the shared header backends/runtime/xpile_half.h ---------
// BANG's `half` is xpile_half.h's `half`/`__half` (_Float16, DTypeTraits<_Float16> included), and every
// rounding conversion of this executor goes through xpile::half_detail. xpile_half.h also defines
// the CUDA/HIP scalar conversions, and twelve of those have BANG namesakes of another meaning or
// type: BANG's `_rd` is round to nearest with ties away from zero where CUDA's is round down, and
// BANG's __float2bfloat16_* return bfloat16_t, not __nv_bfloat16. Those CUDA spellings are renamed
// (to __xpile_cuda_*) while xpile_half.h is read, so that the BANG definitions in
// xpile_bang_convert.h are the only functions of those names. Consequence: a translation unit that
// wants both headers must include xpile_bang.h FIRST (a later #include "xpile_half.h" is then a
// no-op); xpile_half.h included before it (directly or via xpile_cuda.h/xpile_hip.h) makes those
// twelve names redefinitions, as a CUDA `_rd` and a BANG `_rd` cannot share a program.
#define __float2half_rn __xpile_cuda_float2half_rn
#define __float2half_rd __xpile_cuda_float2half_rd
#define __float2bfloat16_rn __xpile_cuda_float2bfloat16_rn
#define __float2bfloat16_rd __xpile_cuda_float2bfloat16_rd
#define __half2int_rn __xpile_cuda_half2int_rn
#define __half2int_rd __xpile_cuda_half2int_rd
#define __half2short_rn __xpile_cuda_half2short_rn
#define __half2short_rd __xpile_cuda_half2short_rd
#define __int2half_rn __xpile_cuda_int2half_rn
#define __int2half_rd __xpile_cuda_int2half_rd
#define __short2half_rn __xpile_cuda_short2half_rn
#define __short2half_rd __xpile_cuda_short2half_rd
#include "xpile_half.h"
#undef __float2half_rn
#undef __float2half_rd
#undef __float2bfloat16_rn
#undef __float2bfloat16_rd
#undef __half2int_rn
#undef __half2int_rd
#undef __half2short_rn
#undef __half2short_rd
#undef __int2half_rn
#undef __int2half_rd
#undef __short2half_rn
#undef __short2half_rd

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

// ---- predefined macros normally set by cncc (§1.1, §10.5) ------------------------------------
#ifndef __BANG__
#define __BANG__ 1
#endif
#ifndef __BANG_ARCH__
#define __BANG_ARCH__ 372  // MLU370; -D__BANG_ARCH__=270 selects MLU270
#endif
// On-chip sizes in KB (same table as the front end's prelude, frontends/prelude/bang).
#if __BANG_ARCH__ == 372
#define XPILE_BANG_NRAM_KB 768
#define XPILE_BANG_WRAM_KB 1024
#define XPILE_BANG_SRAM_KB 4096
#elif __BANG_ARCH__ == 322
#define XPILE_BANG_NRAM_KB 768
#define XPILE_BANG_WRAM_KB 1024
#define XPILE_BANG_SRAM_KB 1536
#elif __BANG_ARCH__ == 592
#define XPILE_BANG_NRAM_KB 448  // [UNCERTAIN] (§1.1)
#define XPILE_BANG_WRAM_KB 1024 // [UNCERTAIN]
#define XPILE_BANG_SRAM_KB 2048
#elif __BANG_ARCH__ == 270
#define XPILE_BANG_NRAM_KB 512
#define XPILE_BANG_WRAM_KB 1024
#define XPILE_BANG_SRAM_KB 2048
#elif __BANG_ARCH__ < 300 || __BANG_ARCH__ == 392
#define XPILE_BANG_NRAM_KB 512
#define XPILE_BANG_WRAM_KB 512
#define XPILE_BANG_SRAM_KB 2048  // [UNCERTAIN] for 220
#else
#define XPILE_BANG_NRAM_KB 768
#define XPILE_BANG_WRAM_KB 1024
#define XPILE_BANG_SRAM_KB 4096
#endif
#ifndef __MLU_NRAM_SIZE__
#define __MLU_NRAM_SIZE__ XPILE_BANG_NRAM_KB
#endif
#ifndef __MLU_WRAM_SIZE__
#define __MLU_WRAM_SIZE__ XPILE_BANG_WRAM_KB
#endif
#ifndef __MLU_SRAM_SIZE__
#define __MLU_SRAM_SIZE__ XPILE_BANG_SRAM_KB
#endif
#ifndef BANG_VERSION
#define BANG_VERSION 300
#endif

// ---- qualifiers (§2) ---------------------------------------------------------------------------
// Kernels and device functions are plain C++ functions.
#define __mlu_global__
#define __mlu_entry__
#define __mlu_func__ inline
#define __mlu_device__
#define __mlu_host__
#define __mlu_builtin__
#define __mlu_const__ const
// Per-core memories: one OS thread per core, so thread_local storage is per core (at block scope
// thread_local implies static, which is BANG's "NRAM variables are static per core"). Each space
// gets its own ELF section so that __is_nram/__is_wram and the memcpy direction checks can tell
// the spaces apart by address (see detail::Spaces). Limitation: a `const` __nram__/__wram__ variable
// next to a non-const one is a "section type conflict" for Clang; the printer should drop the
// memory-space qualifier of const-qualified variables (print them `thread_local const`).
// Every on-chip variable starts on a 64-byte boundary (the NRAM operand alignment of §9), so that
// strict mode judges the kernel's own offsets, not where the C++ toolchain happened to put a buffer.
#define __nram__ thread_local __attribute__((section("xpile_nram"), aligned(64)))
#define __wram__ thread_local __attribute__((section("xpile_wram"), aligned(64)))
#define __ldram__ thread_local __attribute__((section("xpile_ldram"), aligned(64)))
// SRAM (__mlu_shared__) must be one copy per CLUSTER, which no macro in front of a declaration can
// give. The executor printer emits instead (file scope and block scope alike):
//     thread_local float (&sbuf)[1024] = XPILE_BANG_SHARED(sbuf);
// i.e. a thread_local REFERENCE to the running core's cluster copy (see xpile_bang.h). This
// fallback definition (one copy for the whole process) is only correct for Union1 and Block tasks.
#define __mlu_shared__ static
#define XPILE_BANG_SHARED(name) (::xpile::bang::detail::clusterShared<decltype(name)>([] {}, #name))

// ---- types (§7, §5.1) --------------------------------------------------------------------------
// `half` is _Float16, typedef'd by xpile_half.h (the same type as its `__half`).

// CNToolkit 3.6: a struct with the raw bits (`value`, used by user code), converting to and from
// float (round to nearest even; a NaN becomes the canonical quiet NaN 0x7fff). It stays a type of
// its own rather than xpile_half.h's __nv_bfloat16: that struct stores its bits in `__x` and does
// bfloat16 arithmetic (a + b is a bfloat16), where BANG's bfloat16_t computes through float.
struct bfloat16_t {
  unsigned short value;
  bfloat16_t() = default;
  bfloat16_t(float f) : value(::xpile::half_detail::floatToBf16Bits(f)) {}
  operator float() const { return ::xpile::half_detail::bf16BitsToFloat(value); }
};

typedef int8_t int8;
typedef int16_t int16;
typedef int8_t fix8;
struct int4x2_t {
  unsigned char value;
};

typedef enum {
  GDRAM2NRAM = 0,
  NRAM2GDRAM,
  LDRAM2NRAM,
  NRAM2LDRAM,
  GDRAM2WRAM,
  WRAM2GDRAM,
  LDRAM2WRAM,
  WRAM2LDRAM,
  NRAM2NRAM,
  NRAM2WRAM,
  WRAM2NRAM,
  GDRAM2SRAM,
  SRAM2GDRAM,
  LDRAM2SRAM,
  SRAM2LDRAM,
  SRAM2NRAM,
  NRAM2SRAM,
  SRAM2WRAM,
  WRAM2SRAM,
  GDRAM2GDRAM,
  GDRAM2LDRAM,
  LDRAM2GDRAM,
  LDRAM2LDRAM,
  SRAM2SRAM
} mluMemcpyDirection_t;

typedef enum { FUSION_FMA, FUSION_FMS, FUSION_FAM, FUSION_FSM, FUSION_FAA, FUSION_FAS, FUSION_FSS, FUSION_FSA } mluFusionOpCode;
typedef enum { CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE } CompareMode;
typedef enum { OVERLAP_ACC, OVERLAP_COVER } mluPoolBPOverlap;

// Element types of buffers recorded in launch traces: DTypeTraits<_Float16> (half) comes from
// xpile_half.h; bfloat16_t is BANG's own struct.
namespace xpile::rt {
template <> struct DTypeTraits<bfloat16_t> { static constexpr DType value = DType::BF16; };
}  // namespace xpile::rt

// Overload generators: M(NAME, OP, T) once per element type, the same type sets as the prelude.
#define XB_HF(M, N, O) M(N, O, half) M(N, O, float)
#define XB_HFB(M, N, O) M(N, O, half) M(N, O, float) M(N, O, bfloat16_t)
#define XB_SI(M, N, O) M(N, O, short) M(N, O, int)
#define XB_BYTES(M, N, O) M(N, O, char) M(N, O, signed char) M(N, O, unsigned char)
#define XB_INTS(M, N, O) XB_BYTES(M, N, O) M(N, O, short) M(N, O, unsigned short) M(N, O, int) M(N, O, unsigned int)
#define XB_ALL(M, N, O) XB_INTS(M, N, O) XB_HFB(M, N, O)

namespace xpile::bang {
namespace detail {

// ---- architecture ------------------------------------------------------------------------------
struct Arch {
  int arch;
  const char *name;
  size_t nram, wram, sram;
  int coreDim;   // IPU cores per cluster
  int clusters;  // clusters of the device (cnrtDeviceGetAttribute; clusterId of Block tasks)
};

inline const Arch &arch() {
  static const Arch a = [] {
    Arch r{__BANG_ARCH__, "MLU", size_t(__MLU_NRAM_SIZE__) * 1024, size_t(__MLU_WRAM_SIZE__) * 1024,
           size_t(__MLU_SRAM_SIZE__) * 1024, 4, 4};
    switch (__BANG_ARCH__) {
    case 372: r.name = "MLU370"; break;
    case 270: r.name = "MLU270"; break;
    case 290: r.name = "MLU290"; r.clusters = 16; break;
    case 220: r.name = "MLU220"; break;
    case 322: r.name = "MLU322"; r.coreDim = 1; r.clusters = 1; break;
    case 592: r.name = "MLU590"; break;
    default: r.name = "MLU"; break;
    }
    return r;
  }();
  return a;
}

// ---- faults ------------------------------------------------------------------------------------
[[noreturn]] inline void invalid(const std::string &what) { rt::fault(rt::Fault::InvalidArgument, what); }
[[noreturn]] inline void misaligned(const std::string &what) { rt::fault(rt::Fault::Misaligned, what); }
inline bool strict() { return rt::options().bangStrict; }
inline std::string str(long long v) { return std::to_string(v); }
inline std::string ptrStr(const void *p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%p", p);
  return buf;
}

// ---- clusters, jobs, the per-core context ------------------------------------------------------
struct Job;
struct Launch;

struct Cluster {
  int id = 0;
  Launch *launch = nullptr;
  std::mutex mu;
  unsigned char *arena = nullptr;  // this cluster's SRAM, allocated on first use
  size_t capacity = 0;
  ~Cluster() { std::free(arena); }
  unsigned char *sram() {
    std::lock_guard<std::mutex> lock(mu);
    if (!arena) {
      capacity = arch().sram;
      arena = static_cast<unsigned char *>(std::calloc(1, capacity));
      if (!arena) rt::fault(rt::Fault::CapacityExceeded, "cannot allocate the emulated SRAM of a cluster");
    }
    return arena;
  }
  bool contains(const void *p) {
    std::lock_guard<std::mutex> lock(mu);
    auto c = static_cast<const unsigned char *>(p);
    return arena && c >= arena && c < arena + capacity;
  }
};

struct CoreContext {
  int taskId = 0, taskIdX = 0, taskIdY = 0, taskIdZ = 0;
  int taskDim = 1, taskDimX = 1, taskDimY = 1, taskDimZ = 1;
  int clusterId = 0, clusterDim = 0, coreId = 0, coreDim = 4;
  bool inKernel = false;
  Cluster *cluster = nullptr;            // this core's cluster (Block: a private one)
  std::vector<Cluster *> *clusters = nullptr;  // the union job's clusters (SRAM2SRAM targets)
  Job *job = nullptr;                    // barrier domain (nullptr for Block tasks)
  const char *kernel = "";
};

inline CoreContext &ctxMut() {
  static thread_local CoreContext c;
  return c;
}
inline const CoreContext &self() { return ctxMut(); }
inline bool isMpu() { return self().coreId == 0x80; }

// The SRAM layout of one launch: every __mlu_shared__ variable touched gets one offset, the same in
// every cluster (so SRAM2SRAM copies can translate addresses between clusters).
struct Launch {
  std::mutex mu;
  std::vector<size_t> offsetOfSlot;
  size_t used = 0;
  const rt::KernelInfo *info = nullptr;
};

inline size_t newSramSlot() {
  static std::atomic<size_t> next{0};
  return next++;
}

template <class Ref, class Tag> Ref clusterShared(Tag, const char *name) {
  using T = std::remove_reference_t<Ref>;
  static const size_t slot = newSramSlot();
  CoreContext &c = ctxMut();
  if (!c.cluster || !c.cluster->launch)
    invalid(std::string("__mlu_shared__ variable '") + name + "' used outside a kernel");
  Launch &l = *c.cluster->launch;
  size_t offset;
  {
    std::lock_guard<std::mutex> lock(l.mu);
    if (l.offsetOfSlot.size() <= slot) l.offsetOfSlot.resize(slot + 1, SIZE_MAX);
    if (l.offsetOfSlot[slot] == SIZE_MAX) {
      size_t align = std::max<size_t>(alignof(T), 64);
      size_t at = (l.used + align - 1) / align * align;
      if (at + sizeof(T) > arch().sram)
        rt::fault(rt::Fault::CapacityExceeded, std::string("kernel ") + l.info->name + " uses " + str(at + sizeof(T)) +
                                                   " bytes of SRAM (at __mlu_shared__ '" + name + "'); " + arch().name +
                                                   " has " + str(arch().sram));
      l.offsetOfSlot[slot] = at;
      l.used = at + sizeof(T);
    }
    offset = l.offsetOfSlot[slot];
  }
  return *reinterpret_cast<T *>(c.cluster->sram() + offset);
}

// A barrier domain: the threads of one union job. One mutex for all its barriers makes deadlock
// detection exact: when every live thread is blocked in some barrier, nothing can progress.
struct Barrier {
  int expected = 0;
  int arrived = 0;
  unsigned generation = 0;
};

struct Job {
  std::mutex mu;
  std::condition_variable cv;
  int live = 0, blocked = 0, exited = 0;
  std::vector<Barrier> cluster, ipuCluster;
  Barrier all, ipu, mpu;
  const char *kernel = "";
  std::string lastWhat;          // the barrier a thread most recently started waiting at
  Barrier *lastBarrier = nullptr;

  void wait(Barrier &b, const std::string &what) {
    std::unique_lock<std::mutex> lock(mu);
    lastWhat = what;
    lastBarrier = &b;
    if (++b.arrived == b.expected) {
      blocked -= b.expected - 1;
      b.arrived = 0;
      ++b.generation;
      cv.notify_all();
      return;
    }
    unsigned g = b.generation;
    ++blocked;
    if (blocked == live) stuck(what, b);
    cv.wait(lock, [&] { return b.generation != g; });
  }

  void exit() {
    std::lock_guard<std::mutex> lock(mu);
    --live;
    ++exited;
    if (live > 0 && blocked == live) stuck(lastWhat, lastBarrier ? *lastBarrier : all);
  }

  [[noreturn]] void stuck(const std::string &what, const Barrier &b) {
    if (exited > 0)
      rt::fault(rt::Fault::DivergentBarrier,
                std::string("kernel ") + kernel + ": " + (what.empty() ? std::string("cores wait at a barrier") : what) +
                    " (" + str(b.arrived) + " of " + str(b.expected) + " cores arrived) but " + str(exited) +
                    " core(s) of the union job have returned from the kernel (an MPU that returns early cannot take part)");
    rt::fault(rt::Fault::Deadlock, std::string("kernel ") + kernel + ": every core of the union job waits at a barrier, none can complete (last: " +
                                       what + ", " + str(b.arrived) + " of " + str(b.expected) + " arrived)");
  }
};

// ---- memory spaces -----------------------------------------------------------------------------
// __nram__/__wram__/__ldram__ variables live in the TLS sections xpile_nram/xpile_wram/xpile_ldram.
// The linker defines __start_/__stop_ symbols for them (addresses in the TLS initialisation image);
// the anchor, alone in its own section, gives the offset from the image to this thread's copy.
inline thread_local __attribute__((section("xpile_anchor"))) char tlsAnchor = 1;
inline thread_local __attribute__((section("xpile_nram"))) char nramAnchor = 1;
inline thread_local __attribute__((section("xpile_wram"))) char wramAnchor = 1;
inline thread_local __attribute__((section("xpile_ldram"))) char ldramAnchor = 1;
}  // namespace detail
}  // namespace xpile::bang

extern "C" {
extern char __start_xpile_anchor[] __attribute__((weak));
extern char __start_xpile_nram[] __attribute__((weak));
extern char __stop_xpile_nram[] __attribute__((weak));
extern char __start_xpile_wram[] __attribute__((weak));
extern char __stop_xpile_wram[] __attribute__((weak));
extern char __start_xpile_ldram[] __attribute__((weak));
extern char __stop_xpile_ldram[] __attribute__((weak));
}

namespace xpile::bang {
namespace detail {

enum class Space { GDRAM, NRAM, WRAM, SRAM, LDRAM };
inline const char *spaceName(Space s) {
  switch (s) {
  case Space::GDRAM: return "GDRAM";
  case Space::NRAM: return "NRAM";
  case Space::WRAM: return "WRAM";
  case Space::SRAM: return "SRAM";
  case Space::LDRAM: return "LDRAM";
  }
  return "?";
}

struct Range {
  const char *lo = nullptr, *hi = nullptr;
  bool has(const void *p, size_t bytes = 1) const {
    auto c = static_cast<const char *>(p);
    return lo && c >= lo && c + bytes <= hi;
  }
};

struct ThreadSpaces {
  Range nram, wram, ldram, stack;
};

inline const ThreadSpaces &spaces() {
  static thread_local ThreadSpaces s = [] {
    ThreadSpaces r;
    (void)nramAnchor;
    (void)wramAnchor;
    (void)ldramAnchor;
    if (__start_xpile_anchor) {
      std::ptrdiff_t delta = &tlsAnchor - __start_xpile_anchor;
      if (__start_xpile_nram) r.nram = {__start_xpile_nram + delta, __stop_xpile_nram + delta};
      if (__start_xpile_wram) r.wram = {__start_xpile_wram + delta, __stop_xpile_wram + delta};
      if (__start_xpile_ldram) r.ldram = {__start_xpile_ldram + delta, __stop_xpile_ldram + delta};
    }
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
      void *addr = nullptr;
      size_t size = 0;
      if (pthread_attr_getstack(&attr, &addr, &size) == 0)
        r.stack = {static_cast<const char *>(addr), static_cast<const char *>(addr) + size};
      pthread_attr_destroy(&attr);
    }
    return r;
  }();
  return s;
}

inline bool inNram(const void *p) { return spaces().nram.has(p); }
inline bool inWram(const void *p) { return spaces().wram.has(p); }
inline bool inLdram(const void *p) { return spaces().ldram.has(p); }
inline bool inStack(const void *p) { return spaces().stack.has(p); }
inline bool inSram(const void *p) { return self().cluster && self().cluster->contains(p); }

// Where a pointer points. Automatic (stack) variables count as NRAM: cncc keeps the stack in NRAM.
// The on-chip sections are tested before the stack: glibc reports a thread's stack block
// including its static TLS, where the sections live.
inline Space classify(const void *p) {
  if (inNram(p)) return Space::NRAM;
  if (inWram(p)) return Space::WRAM;
  if (inLdram(p)) return Space::LDRAM;
  if (inSram(p)) return Space::SRAM;
  if (inStack(p)) return Space::NRAM;
  return Space::GDRAM;
}

// ---- checks shared by the intrinsics -----------------------------------------------------------
inline void requireCount(const char *fn, const char *what, long long n) {
  if (n <= 0) invalid(std::string(fn) + ": " + what + " must be > 0 (got " + str(n) + ")");
}

// Strict mode (XPILE_BANG_STRICT=1): the MLU270-class rules of §9.
inline void strictAddress(const char *fn, const void *p) {
  if (!strict() || !p) return;
  // Only addresses inside __nram__ variables are judged (automatic arrays have no BANG alignment).
  if (inNram(p) && reinterpret_cast<uintptr_t>(p) % 64 != 0)
    misaligned(std::string(fn) + ": NRAM operand address " + ptrStr(p) +
               " is not 64-byte aligned (MLU270-class rule, strict mode)");
}
inline void strictBytes(const char *fn, const char *what, long long bytes, long long multiple = 128) {
  if (!strict()) return;
  if (bytes % multiple != 0)
    misaligned(std::string(fn) + ": " + what + " = " + str(bytes) + " bytes is not a multiple of " + str(multiple) +
               " (MLU270-class rule, strict mode)");
}
// Element-wise vector operation: elem_count > 0 always; strict: elem_count*sizeof(T) % 128 and
// 64-byte aligned NRAM operands.
template <class T> inline void vectorChecks(const char *fn, long long n, std::initializer_list<const void *> ptrs) {
  requireCount(fn, "elem_count", n);
  if (!strict()) return;
  strictBytes(fn, "elem_count * sizeof(T)", n * static_cast<long long>(sizeof(T)));
  for (const void *p : ptrs) strictAddress(fn, p);
}

// Per-core scratch memory for read-all-then-write (§10.9).
template <class T> inline T *scratch(size_t n, int which = 0) {
  static thread_local std::vector<unsigned char> buf[4];
  std::vector<unsigned char> &b = buf[which];
  if (b.size() < n * sizeof(T) + 64) b.resize(n * sizeof(T) + 64);
  void *p = b.data();
  size_t space = b.size();
  return static_cast<T *>(std::align(alignof(T) > 16 ? alignof(T) : 16, n * sizeof(T), p, space));
}
template <class T> inline const T *snapshot(const T *src, size_t n, int which) {
  T *s = scratch<T>(n, which);
  std::memcpy(static_cast<void *>(s), static_cast<const void *>(src), n * sizeof(T));
  return s;
}

// ---- numbers: each element type computes in C (float for half/bf16/float, long long for ints) ----
template <class T, class = void> struct Num {
  using C = long long;
  static C ld(T v) { return static_cast<C>(v); }
  static T st(C v) { return static_cast<T>(v); }
  static constexpr bool isFloat = false;
};
template <> struct Num<float> {
  using C = float;
  static C ld(float v) { return v; }
  static float st(C v) { return v; }
  static constexpr bool isFloat = true;
};
template <> struct Num<half> {
  using C = float;
  static C ld(half v) { return static_cast<float>(v); }
  static half st(C v) { return static_cast<half>(v); }
  static constexpr bool isFloat = true;
};
template <> struct Num<bfloat16_t> {
  using C = float;
  static C ld(bfloat16_t v) { return static_cast<float>(v); }
  static bfloat16_t st(C v) { return bfloat16_t(v); }
  static constexpr bool isFloat = true;
};
template <class T> inline typename Num<T>::C ld(T v) { return Num<T>::ld(v); }
template <class T> inline T st(typename Num<T>::C v) { return Num<T>::st(v); }
// A double (an accumulation) rounded ONCE to a floating element type, to nearest even: through
// float it would be rounded twice for half and bfloat16_t.
template <class T> inline T stDouble(double v) {
  static_assert(Num<T>::isFloat, "stDouble is for floating element types");
  if constexpr (std::is_same_v<T, half>) {
    return __xpile_half_from_bits(half_detail::doubleToHalfBits(v));
  } else if constexpr (std::is_same_v<T, bfloat16_t>) {
    bfloat16_t r;
    r.value = half_detail::doubleToBf16Bits(v);
    return r;
  } else {
    return static_cast<T>(v);
  }
}

template <class T> struct Identity { using type = T; };
template <class T> using Id = typename Identity<T>::type;

}  // namespace detail
}  // namespace xpile::bang
