// xpile CPU executor: the CUDA vocabulary on the SIMT core (backends/simt/xpile_simt.h).
// Compiled INTO the program under test by `clang++-16 -O2 -pthread`, never into xpile. The executor
// printer prints CUDA code as written (qualifiers, built-in variables, intrinsics, runtime API) and
// this header gives it meaning on the CPU:
//
//  - qualifiers are macros: __global__/__device__/__host__/__constant__/__managed__ vanish,
//    __shared__ is `static thread_local` (all GPU threads of a block run as fibers on one OS thread,
//    so thread-local storage is per block), __launch_bounds__(...) vanishes (the printer passes it in
//    the KernelInfo);
//  - threadIdx/blockIdx/blockDim/gridDim are macros reading the running GPU thread's context;
//    warpSize is an int-like object: the launch's warp size (XPILE_WARP_SIZE, else the platform's);
//  - __syncthreads, warp shuffles/votes/matches/reductions and atomics forward to xpile::simt;
//  - the runtime API (cudaMalloc, cudaMemcpy, streams, events, device properties, ...) works on the
//    executor's registered "device" memory; launches are synchronous;
//  - nvcuda::wmma keeps the WHOLE tile in every lane (see the wmma section);
//  - xpile::simt::platform() is set to CUDA's limits (warp 32, 48 KiB static shared memory) by a
//    static initializer.
//
// xpile_hip.h includes this header with XPILE_HIP_VOCABULARY defined: everything both dialects share
// (vector types, dim3, built-in variables, barriers, atomics, integer/float intrinsics, math library,
// fp16/bf16, the runtime API implementation that the hip* functions forward to) comes from here; the
// CUDA-only parts (platform limits, warp operations with CUDA's 32-bit masks and return types) are
// left out and xpile_hip.h supplies HIP's.
#pragma once

// Standard headers first: the qualifier macros below (__noinline__ in particular) must not reach them.
#include <algorithm>
#include <array>
#include <atomic>
#include <cassert>
#include <cfloat>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <limits>
#include <map>
#include <math.h>
#include <memory>
#include <mutex>
#include <new>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <type_traits>
#include <unistd.h>
#include <unordered_map>
#include <utility>
#include <vector>

#include "xpile_rt.h"
#include "xpile_trace.h"
#include "xpile_half.h"
#include "xpile_simt.h"

#define XPILE_EXECUTOR 1

// =================================================================================================
// Qualifiers
// =================================================================================================
#define __global__
#define __device__
#define __host__
#define __forceinline__ __inline__ __attribute__((always_inline))
#define __noinline__ __attribute__((noinline))
#define __launch_bounds__(...)
#define __shared__ static thread_local
#define __constant__
#define __managed__
#define __restrict__ __restrict
#define __align__(n) __attribute__((aligned(n)))
#define __builtin_align__(n) __attribute__((aligned(n)))
#define __device_builtin__
#define __cudart_builtin__
#define __CUDA_ALIGN__(n) __attribute__((aligned(n)))

// =================================================================================================
// Vector types (vector_types.h) with CUDA's sizes and alignments, and make_* (vector_functions.h).
// =================================================================================================
#define XPILE_VEC_TYPES(T, N, A2, A4)                                                                    \
  struct N##1 { T x; };                                                                                 \
  struct __attribute__((aligned(A2))) N##2 { T x, y; };                                                  \
  struct N##3 { T x, y, z; };                                                                           \
  struct __attribute__((aligned(A4))) N##4 { T x, y, z, w; };                                            \
  inline N##1 make_##N##1(T x) { return N##1{x}; }                                                      \
  inline N##2 make_##N##2(T x, T y) { return N##2{x, y}; }                                              \
  inline N##3 make_##N##3(T x, T y, T z) { return N##3{x, y, z}; }                                     \
  inline N##4 make_##N##4(T x, T y, T z, T w) { return N##4{x, y, z, w}; }                              \
  /* A buffer of float4 is recorded (launch traces) as the floats it holds. */                           \
  namespace xpile::rt {                                                                                  \
  template <> struct DTypeTraits<N##1> { static constexpr DType value = DTypeTraits<T>::value; };       \
  template <> struct DTypeTraits<N##2> { static constexpr DType value = DTypeTraits<T>::value; };       \
  template <> struct DTypeTraits<N##3> { static constexpr DType value = DTypeTraits<T>::value; };       \
  template <> struct DTypeTraits<N##4> { static constexpr DType value = DTypeTraits<T>::value; };       \
  }
XPILE_VEC_TYPES(signed char, char, 2, 4)
XPILE_VEC_TYPES(unsigned char, uchar, 2, 4)
XPILE_VEC_TYPES(short, short, 4, 8)
XPILE_VEC_TYPES(unsigned short, ushort, 4, 8)
XPILE_VEC_TYPES(int, int, 8, 16)
XPILE_VEC_TYPES(unsigned int, uint, 8, 16)
XPILE_VEC_TYPES(long, long, 16, 16)
XPILE_VEC_TYPES(unsigned long, ulong, 16, 16)
XPILE_VEC_TYPES(long long, longlong, 16, 16)
XPILE_VEC_TYPES(unsigned long long, ulonglong, 16, 16)
XPILE_VEC_TYPES(float, float, 8, 16)
XPILE_VEC_TYPES(double, double, 16, 16)
#undef XPILE_VEC_TYPES

// dim3: every component defaults to 1; converts to/from uint3 and xpile::simt::Dim3.
struct dim3 {
  unsigned int x, y, z;
  constexpr dim3(unsigned int vx = 1, unsigned int vy = 1, unsigned int vz = 1) : x(vx), y(vy), z(vz) {}
  constexpr dim3(uint3 v) : x(v.x), y(v.y), z(v.z) {}
  constexpr dim3(::xpile::simt::Dim3 v) : x(v.x), y(v.y), z(v.z) {}
  constexpr operator uint3() const { return uint3{x, y, z}; }
  operator ::xpile::simt::Dim3() const {
    ::xpile::simt::Dim3 d;
    d.x = x;
    d.y = y;
    d.z = z;
    return d;
  }
};

// half2 <-> float2 conversions need float2 (xpile_half.h is dialect-neutral).
inline float2 __half22float2(__half2 a) { return float2{static_cast<float>(a.x), static_cast<float>(a.y)}; }
inline __half2 __float22half2_rn(float2 a) { return __floats2half2_rn(a.x, a.y); }
inline float2 __bfloat1622float2(__nv_bfloat162 a) { return float2{__bfloat162float(a.x), __bfloat162float(a.y)}; }
inline __nv_bfloat162 __float22bfloat162_rn(float2 a) { return __floats2bfloat162_rn(a.x, a.y); }

// =================================================================================================
// Built-in variables (macros at the end of this header) and the launch's warp size.
// =================================================================================================
namespace xpile::cuda_detail {
inline uint3 threadIdxNow() {
  const auto &c = ::xpile::simt::self();
  return uint3{c.threadIdx.x, c.threadIdx.y, c.threadIdx.z};
}
inline uint3 blockIdxNow() {
  const auto &c = ::xpile::simt::self();
  return uint3{c.blockIdx.x, c.blockIdx.y, c.blockIdx.z};
}
inline dim3 blockDimNow() {
  const auto &c = ::xpile::simt::self();
  return dim3(c.blockDim.x, c.blockDim.y, c.blockDim.z);
}
inline dim3 gridDimNow() {
  const auto &c = ::xpile::simt::self();
  return dim3(c.gridDim.x, c.gridDim.y, c.gridDim.z);
}
// The warp size launches use (XPILE_WARP_SIZE overrides the platform's): valid in host code too.
inline int warpSizeNow() {
  int w = ::xpile::rt::options().warpSize;
  return w > 0 ? w : ::xpile::simt::platform().warpSize;
}
// Inside a kernel: the running launch's warp size and this thread's lane.
inline int laneCount() { return ::xpile::simt::self().warpSize; }
inline unsigned laneId() { return ::xpile::simt::self().lane; }
}  // namespace xpile::cuda_detail

// warpSize is an object converting to int (not a macro: host code reads `prop.warpSize`).
namespace xpile::cuda_detail {
struct WarpSize {
  operator int() const { return warpSizeNow(); }
};
}  // namespace xpile::cuda_detail
inline constexpr ::xpile::cuda_detail::WarpSize warpSize{};

// =================================================================================================
// Barriers, fences, clocks
// =================================================================================================
#define __syncthreads() ::xpile::simt::syncthreads(__LINE__)
#define __syncthreads_count(predicate) ::xpile::simt::syncthreadsCount(__LINE__, (predicate) ? 1 : 0)
#define __syncthreads_and(predicate) ::xpile::simt::syncthreadsAnd(__LINE__, (predicate) ? 1 : 0)
#define __syncthreads_or(predicate) ::xpile::simt::syncthreadsOr(__LINE__, (predicate) ? 1 : 0)
inline void __threadfence() { ::xpile::simt::threadfence(); }
inline void __threadfence_block() { ::xpile::simt::threadfence(); }
inline void __threadfence_system() { ::xpile::simt::threadfence(); }
inline long long clock64() {
  return static_cast<long long>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                    std::chrono::steady_clock::now().time_since_epoch())
                                    .count());
}
inline void __nanosleep(unsigned int) {}
[[noreturn]] inline void __trap() {
  std::fflush(stdout);
  std::fprintf(stderr, "__trap() called in a kernel\n");
  std::abort();
}
inline void __brkpt() {}

// =================================================================================================
// Warp operations shared by CUDA and HIP: legacy (maskless) shuffles take every active lane.
// =================================================================================================
namespace xpile::cuda_detail {
template <typename T> inline void checkShuffleType() {
  static_assert(std::is_trivially_copyable<T>::value && sizeof(T) <= 16, "shuffled values must be trivially copyable and at most 16 bytes");
}
template <typename T> inline T shfl(unsigned long long mask, ::xpile::simt::ShuffleKind k, T v, int laneOrDelta, int width) {
  checkShuffleType<T>();
  return ::xpile::simt::shuffle(k, mask, v, laneOrDelta, width);
}
constexpr unsigned long long kAllActive = ~0ull;
}  // namespace xpile::cuda_detail

template <typename T> inline T __shfl(T var, int srcLane, int width = warpSize) {
  return ::xpile::cuda_detail::shfl(::xpile::cuda_detail::kAllActive, ::xpile::simt::ShuffleKind::Idx, var, srcLane, width);
}
template <typename T> inline T __shfl_up(T var, unsigned int delta, int width = warpSize) {
  return ::xpile::cuda_detail::shfl(::xpile::cuda_detail::kAllActive, ::xpile::simt::ShuffleKind::Up, var, static_cast<int>(delta), width);
}
template <typename T> inline T __shfl_down(T var, unsigned int delta, int width = warpSize) {
  return ::xpile::cuda_detail::shfl(::xpile::cuda_detail::kAllActive, ::xpile::simt::ShuffleKind::Down, var, static_cast<int>(delta), width);
}
template <typename T> inline T __shfl_xor(T var, int laneMask, int width = warpSize) {
  return ::xpile::cuda_detail::shfl(::xpile::cuda_detail::kAllActive, ::xpile::simt::ShuffleKind::Xor, var, laneMask, width);
}
inline int __any(int predicate) { return ::xpile::simt::any(::xpile::cuda_detail::kAllActive, predicate != 0) ? 1 : 0; }
inline int __all(int predicate) { return ::xpile::simt::all(::xpile::cuda_detail::kAllActive, predicate != 0) ? 1 : 0; }

// =================================================================================================
// Atomics (forwarding to xpile::simt; _block and _system scopes are the same on the executor).
// =================================================================================================
#define XPILE_ATOMIC2(OP, T)                                                              \
  inline T OP(T *address, T val) { return ::xpile::simt::OP(address, val); }             \
  inline T OP##_block(T *address, T val) { return ::xpile::simt::OP(address, val); }     \
  inline T OP##_system(T *address, T val) { return ::xpile::simt::OP(address, val); }
XPILE_ATOMIC2(atomicAdd, int)
XPILE_ATOMIC2(atomicAdd, unsigned int)
XPILE_ATOMIC2(atomicAdd, unsigned long long)
XPILE_ATOMIC2(atomicAdd, float)
XPILE_ATOMIC2(atomicAdd, double)
XPILE_ATOMIC2(atomicSub, int)
XPILE_ATOMIC2(atomicSub, unsigned int)
XPILE_ATOMIC2(atomicExch, int)
XPILE_ATOMIC2(atomicExch, unsigned int)
XPILE_ATOMIC2(atomicExch, unsigned long long)
XPILE_ATOMIC2(atomicExch, float)
XPILE_ATOMIC2(atomicMin, int)
XPILE_ATOMIC2(atomicMin, unsigned int)
XPILE_ATOMIC2(atomicMin, long long)
XPILE_ATOMIC2(atomicMin, unsigned long long)
XPILE_ATOMIC2(atomicMin, float)
XPILE_ATOMIC2(atomicMin, double)
XPILE_ATOMIC2(atomicMax, int)
XPILE_ATOMIC2(atomicMax, unsigned int)
XPILE_ATOMIC2(atomicMax, long long)
XPILE_ATOMIC2(atomicMax, unsigned long long)
XPILE_ATOMIC2(atomicMax, float)
XPILE_ATOMIC2(atomicMax, double)
XPILE_ATOMIC2(atomicAnd, int)
XPILE_ATOMIC2(atomicAnd, unsigned int)
XPILE_ATOMIC2(atomicAnd, unsigned long long)
XPILE_ATOMIC2(atomicOr, int)
XPILE_ATOMIC2(atomicOr, unsigned int)
XPILE_ATOMIC2(atomicOr, unsigned long long)
XPILE_ATOMIC2(atomicXor, int)
XPILE_ATOMIC2(atomicXor, unsigned int)
XPILE_ATOMIC2(atomicXor, unsigned long long)
#undef XPILE_ATOMIC2
#define XPILE_ATOMIC_INCDEC(OP)                                                                        \
  inline unsigned int OP(unsigned int *address, unsigned int val) { return ::xpile::simt::OP(address, val); } \
  inline unsigned int OP##_block(unsigned int *address, unsigned int val) { return ::xpile::simt::OP(address, val); } \
  inline unsigned int OP##_system(unsigned int *address, unsigned int val) { return ::xpile::simt::OP(address, val); }
XPILE_ATOMIC_INCDEC(atomicInc)
XPILE_ATOMIC_INCDEC(atomicDec)
#undef XPILE_ATOMIC_INCDEC
#define XPILE_ATOMIC_CAS(T)                                                                            \
  inline T atomicCAS(T *address, T compare, T val) { return ::xpile::simt::atomicCAS(address, compare, val); } \
  inline T atomicCAS_block(T *address, T compare, T val) { return ::xpile::simt::atomicCAS(address, compare, val); } \
  inline T atomicCAS_system(T *address, T compare, T val) { return ::xpile::simt::atomicCAS(address, compare, val); }
XPILE_ATOMIC_CAS(int)
XPILE_ATOMIC_CAS(unsigned int)
XPILE_ATOMIC_CAS(unsigned long long)
#undef XPILE_ATOMIC_CAS

namespace xpile::cuda_detail {
// A 16-bit read-modify-write as a CAS loop on the aligned 32-bit word that contains it (allocations
// are 64-byte aligned, so the word never leaves the allocation).
template <typename F> inline unsigned short atomic16(unsigned short *address, F update) {
  uintptr_t a = reinterpret_cast<uintptr_t>(address);
  unsigned int *word = reinterpret_cast<unsigned int *>(a & ~uintptr_t(3));
  const unsigned shift = static_cast<unsigned>(a & 2) * 8;
  unsigned int assumed, old = __atomic_load_n(word, __ATOMIC_SEQ_CST);
  do {
    assumed = old;
    unsigned short current = static_cast<unsigned short>(assumed >> shift);
    unsigned short next = update(current);
    unsigned int replacement = (assumed & ~(0xffffu << shift)) | (static_cast<unsigned int>(next) << shift);
    old = ::xpile::simt::atomicCAS(word, assumed, replacement);
  } while (old != assumed);
  return static_cast<unsigned short>(assumed >> shift);
}
template <typename T, typename F> inline T atomic32(T *address, F update) {
  static_assert(sizeof(T) == 4, "32-bit atomic");
  unsigned int *word = reinterpret_cast<unsigned int *>(address);
  unsigned int assumed, old = __atomic_load_n(word, __ATOMIC_SEQ_CST);
  do {
    assumed = old;
    T current, next;
    std::memcpy(&current, &assumed, 4);
    next = update(current);
    unsigned int replacement;
    std::memcpy(&replacement, &next, 4);
    old = ::xpile::simt::atomicCAS(word, assumed, replacement);
  } while (old != assumed);
  T result;
  std::memcpy(&result, &assumed, 4);
  return result;
}
}  // namespace xpile::cuda_detail

inline unsigned short atomicCAS(unsigned short *address, unsigned short compare, unsigned short val) {
  return ::xpile::cuda_detail::atomic16(address, [&](unsigned short old) { return old == compare ? val : old; });
}
inline __half atomicAdd(__half *address, __half val) {
  unsigned short old = ::xpile::cuda_detail::atomic16(reinterpret_cast<unsigned short *>(address), [&](unsigned short bits) {
    return __half_as_ushort(__hadd(__ushort_as_half(bits), val));
  });
  return __ushort_as_half(old);
}
inline __half2 atomicAdd(__half2 *address, __half2 val) {
  return ::xpile::cuda_detail::atomic32(address, [&](__half2 old) { return __hadd2(old, val); });
}
inline __nv_bfloat16 atomicAdd(__nv_bfloat16 *address, __nv_bfloat16 val) {
  unsigned short old = ::xpile::cuda_detail::atomic16(reinterpret_cast<unsigned short *>(address), [&](unsigned short bits) {
    return __bfloat16_as_ushort(__hadd(__ushort_as_bfloat16(bits), val));
  });
  return __ushort_as_bfloat16(old);
}
inline __nv_bfloat162 atomicAdd(__nv_bfloat162 *address, __nv_bfloat162 val) {
  return ::xpile::cuda_detail::atomic32(address, [&](__nv_bfloat162 old) { return __hadd2(old, val); });
}

// =================================================================================================
// Cache-hinted loads and stores: plain accesses on the CPU.
// =================================================================================================
template <typename T> inline T __ldg(const T *ptr) { return *ptr; }
template <typename T> inline T __ldcg(const T *ptr) { return *ptr; }
template <typename T> inline T __ldca(const T *ptr) { return *ptr; }
template <typename T> inline T __ldcs(const T *ptr) { return *ptr; }
template <typename T> inline T __ldlu(const T *ptr) { return *ptr; }
template <typename T> inline T __ldcv(const T *ptr) { return *ptr; }
template <typename T> inline void __stwb(T *ptr, T value) { *ptr = value; }
template <typename T> inline void __stcg(T *ptr, T value) { *ptr = value; }
template <typename T> inline void __stcs(T *ptr, T value) { *ptr = value; }
template <typename T> inline void __stwt(T *ptr, T value) { *ptr = value; }

// =================================================================================================
// Integer intrinsics
// =================================================================================================
inline int __popc(unsigned int x) { return __builtin_popcount(x); }
inline int __popcll(unsigned long long x) { return __builtin_popcountll(x); }
inline int __clz(int x) { return x == 0 ? 32 : __builtin_clz(static_cast<unsigned int>(x)); }
inline int __clzll(long long x) { return x == 0 ? 64 : __builtin_clzll(static_cast<unsigned long long>(x)); }
inline int __ffs(int x) { return __builtin_ffs(x); }
inline int __ffsll(long long x) { return __builtin_ffsll(x); }
inline unsigned int __brev(unsigned int x) {
  x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
  x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
  x = ((x >> 4) & 0x0f0f0f0fu) | ((x & 0x0f0f0f0fu) << 4);
  x = ((x >> 8) & 0x00ff00ffu) | ((x & 0x00ff00ffu) << 8);
  return (x >> 16) | (x << 16);
}
inline unsigned long long __brevll(unsigned long long x) {
  return (static_cast<unsigned long long>(__brev(static_cast<unsigned int>(x))) << 32) | __brev(static_cast<unsigned int>(x >> 32));
}
// __byte_perm(x, y, s): result byte i is byte (s >> 4i) & 7 of the 8-byte value {y:x}.
inline unsigned int __byte_perm(unsigned int x, unsigned int y, unsigned int s) {
  unsigned long long v = (static_cast<unsigned long long>(y) << 32) | x;
  unsigned int r = 0;
  for (int i = 0; i < 4; ++i) {
    unsigned sel = (s >> (4 * i)) & 7u;
    r |= static_cast<unsigned int>((v >> (8 * sel)) & 0xffu) << (8 * i);
  }
  return r;
}
inline unsigned int __funnelshift_l(unsigned int lo, unsigned int hi, unsigned int shift) {
  unsigned long long v = (static_cast<unsigned long long>(hi) << 32) | lo;
  return static_cast<unsigned int>((v << (shift & 31)) >> 32);
}
inline unsigned int __funnelshift_lc(unsigned int lo, unsigned int hi, unsigned int shift) {
  unsigned long long v = (static_cast<unsigned long long>(hi) << 32) | lo;
  return static_cast<unsigned int>((v << std::min(shift, 32u)) >> 32);
}
inline unsigned int __funnelshift_r(unsigned int lo, unsigned int hi, unsigned int shift) {
  unsigned long long v = (static_cast<unsigned long long>(hi) << 32) | lo;
  return static_cast<unsigned int>(v >> (shift & 31));
}
inline unsigned int __funnelshift_rc(unsigned int lo, unsigned int hi, unsigned int shift) {
  unsigned long long v = (static_cast<unsigned long long>(hi) << 32) | lo;
  return static_cast<unsigned int>(v >> std::min(shift, 32u));
}
// 24-bit multiplies use the low 24 bits of each operand (sign-extended for __mul24).
inline int __mul24(int x, int y) {
  long long a = static_cast<long long>(static_cast<int>(static_cast<unsigned int>(x) << 8) >> 8);
  long long b = static_cast<long long>(static_cast<int>(static_cast<unsigned int>(y) << 8) >> 8);
  return static_cast<int>(static_cast<unsigned int>(a * b));
}
inline unsigned int __umul24(unsigned int x, unsigned int y) { return (x & 0xffffffu) * (y & 0xffffffu); }
inline int __mulhi(int x, int y) { return static_cast<int>((static_cast<long long>(x) * y) >> 32); }
inline unsigned int __umulhi(unsigned int x, unsigned int y) { return static_cast<unsigned int>((static_cast<unsigned long long>(x) * y) >> 32); }
inline long long __mul64hi(long long x, long long y) { return static_cast<long long>((static_cast<__int128>(x) * y) >> 64); }
inline unsigned long long __umul64hi(unsigned long long x, unsigned long long y) {
  return static_cast<unsigned long long>((static_cast<unsigned __int128>(x) * y) >> 64);
}
inline int __hadd(int x, int y) { return static_cast<int>((static_cast<long long>(x) + y) >> 1); }
inline int __rhadd(int x, int y) { return static_cast<int>((static_cast<long long>(x) + y + 1) >> 1); }
inline unsigned int __uhadd(unsigned int x, unsigned int y) { return static_cast<unsigned int>((static_cast<unsigned long long>(x) + y) >> 1); }
inline unsigned int __urhadd(unsigned int x, unsigned int y) { return static_cast<unsigned int>((static_cast<unsigned long long>(x) + y + 1) >> 1); }
inline unsigned int __sad(int x, int y, unsigned int z) { return z + static_cast<unsigned int>(x > y ? static_cast<long long>(x) - y : static_cast<long long>(y) - x); }
inline unsigned int __usad(unsigned int x, unsigned int y, unsigned int z) { return z + (x > y ? x - y : y - x); }
// __dp4a: four 8-bit products summed into c (signed or unsigned bytes).
inline int __dp4a(int a, int b, int c) {
  int r = c;
  for (int i = 0; i < 4; ++i) r += static_cast<int>(static_cast<signed char>(a >> (8 * i))) * static_cast<signed char>(b >> (8 * i));
  return r;
}
inline unsigned int __dp4a(unsigned int a, unsigned int b, unsigned int c) {
  unsigned int r = c;
  for (int i = 0; i < 4; ++i) r += ((a >> (8 * i)) & 0xffu) * ((b >> (8 * i)) & 0xffu);
  return r;
}
inline int __dp2a_lo(int a, int b, int c) {
  int r = c;
  for (int i = 0; i < 2; ++i) r += static_cast<int>(static_cast<short>(a >> (16 * i))) * static_cast<signed char>(b >> (8 * i));
  return r;
}
inline int __dp2a_hi(int a, int b, int c) {
  int r = c;
  for (int i = 0; i < 2; ++i) r += static_cast<int>(static_cast<short>(a >> (16 * i))) * static_cast<signed char>(b >> (8 * (i + 2)));
  return r;
}

// min/max as CUDA declares them (math_functions.h): mixed signed/unsigned pairs are unsigned.
#define XPILE_MINMAX(R, A, B)                                                                          \
  inline R min(A a, B b) { return static_cast<R>(a) < static_cast<R>(b) ? static_cast<R>(a) : static_cast<R>(b); } \
  inline R max(A a, B b) { return static_cast<R>(a) > static_cast<R>(b) ? static_cast<R>(a) : static_cast<R>(b); }
XPILE_MINMAX(int, int, int)
XPILE_MINMAX(unsigned int, unsigned int, unsigned int)
XPILE_MINMAX(unsigned int, int, unsigned int)
XPILE_MINMAX(unsigned int, unsigned int, int)
XPILE_MINMAX(long, long, long)
XPILE_MINMAX(unsigned long, unsigned long, unsigned long)
XPILE_MINMAX(unsigned long, long, unsigned long)
XPILE_MINMAX(unsigned long, unsigned long, long)
XPILE_MINMAX(long long, long long, long long)
XPILE_MINMAX(unsigned long long, unsigned long long, unsigned long long)
XPILE_MINMAX(unsigned long long, long long, unsigned long long)
XPILE_MINMAX(unsigned long long, unsigned long long, long long)
#undef XPILE_MINMAX
// Floating min/max follow fminf/fmaxf (a NaN operand is ignored).
inline float min(float a, float b) { return std::fmin(a, b); }
inline float max(float a, float b) { return std::fmax(a, b); }
inline double min(double a, double b) { return std::fmin(a, b); }
inline double max(double a, double b) { return std::fmax(a, b); }
inline double min(float a, double b) { return std::fmin(static_cast<double>(a), b); }
inline double max(float a, double b) { return std::fmax(static_cast<double>(a), b); }
inline double min(double a, float b) { return std::fmin(a, static_cast<double>(b)); }
inline double max(double a, float b) { return std::fmax(a, static_cast<double>(b)); }
inline unsigned int umin(unsigned int a, unsigned int b) { return a < b ? a : b; }
inline unsigned int umax(unsigned int a, unsigned int b) { return a > b ? a : b; }
inline long long llmin(long long a, long long b) { return a < b ? a : b; }
inline long long llmax(long long a, long long b) { return a > b ? a : b; }
inline unsigned long long ullmin(unsigned long long a, unsigned long long b) { return a < b ? a : b; }
inline unsigned long long ullmax(unsigned long long a, unsigned long long b) { return a > b ? a : b; }

// =================================================================================================
// Reinterpretation and conversions with explicit rounding
// =================================================================================================
namespace xpile::cuda_detail {
template <typename To, typename From> inline To bitCast(const From &f) {
  static_assert(sizeof(To) == sizeof(From), "bit cast of different sizes");
  To t;
  std::memcpy(&t, &f, sizeof t);
  return t;
}
using Rounding = ::xpile::half_detail::Rounding;
// Rounds `wide` (exactly representable in Wide) to Narrow with a rounding mode: the nearest-even
// result is corrected by one step toward the required side, which is exact because both values are
// compared in Wide. Overflow to infinity becomes the largest finite value where the mode says so.
template <typename Narrow, typename Wide> inline Narrow roundTo(Wide wide, Rounding mode) {
  Narrow n = static_cast<Narrow>(wide);
  if (std::isnan(wide) || static_cast<Wide>(n) == wide || mode == Rounding::NearestEven) return n;
  const Wide back = static_cast<Wide>(n);
  const Narrow inf = std::numeric_limits<Narrow>::infinity();
  switch (mode) {
  case Rounding::Down: return back > wide ? std::nextafter(n, -inf) : n;
  case Rounding::Up: return back < wide ? std::nextafter(n, inf) : n;
  case Rounding::TowardZero:
    if (wide > 0) return back > wide ? std::nextafter(n, -inf) : n;
    return back < wide ? std::nextafter(n, inf) : n;
  case Rounding::NearestAwayFromZero: {
    Narrow other = back < wide ? std::nextafter(n, inf) : std::nextafter(n, -inf);
    Wide d1 = back > wide ? back - wide : wide - back, d2 = static_cast<Wide>(other) > wide ? static_cast<Wide>(other) - wide : wide - static_cast<Wide>(other);
    if (d1 == d2) return std::fabs(n) > std::fabs(other) ? n : other;
    return n;
  }
  default: return n;
  }
}
// Float operations in a rounding mode: computed exactly (or round-to-odd) in double, rounded once.
inline double oddQuotient(double a, double b) {
  double q = a / b;
  if (!std::isfinite(q) || b == 0) return q;
  double r = std::fma(-q, b, a);  // exact remainder
  if (r != 0 && (bitCast<uint64_t>(q) & 1) == 0) q = std::nextafter(q, (r > 0) == (b > 0) ? INFINITY : -INFINITY);
  return q;
}
inline double oddSqrt(double a) {
  double s = std::sqrt(a);
  if (!std::isfinite(s) || s == 0) return s;
  double r = std::fma(-s, s, a);
  if (r != 0 && (bitCast<uint64_t>(s) & 1) == 0) s = std::nextafter(s, r > 0 ? INFINITY : -INFINITY);
  return s;
}
// Double operations in a rounding mode: the nearest result plus the sign of the exact error.
inline double adjustDouble(double s, double err, Rounding mode) {
  if (err == 0 || !std::isfinite(s) || mode == Rounding::NearestEven) return s;
  switch (mode) {
  case Rounding::Down: return err < 0 ? std::nextafter(s, -INFINITY) : s;
  case Rounding::Up: return err > 0 ? std::nextafter(s, INFINITY) : s;
  case Rounding::TowardZero: return (s > 0 && err < 0) || (s < 0 && err > 0) ? std::nextafter(s, 0.0) : s;
  default: return s;
  }
}
inline double twoSumErr(double a, double b, double s) {
  double bb = s - a;
  return (a - (s - bb)) + (b - bb);
}
}  // namespace xpile::cuda_detail

inline float __int_as_float(int x) { return ::xpile::cuda_detail::bitCast<float>(x); }
inline int __float_as_int(float x) { return ::xpile::cuda_detail::bitCast<int>(x); }
inline float __uint_as_float(unsigned int x) { return ::xpile::cuda_detail::bitCast<float>(x); }
inline unsigned int __float_as_uint(float x) { return ::xpile::cuda_detail::bitCast<unsigned int>(x); }
inline double __longlong_as_double(long long x) { return ::xpile::cuda_detail::bitCast<double>(x); }
inline long long __double_as_longlong(double x) { return ::xpile::cuda_detail::bitCast<long long>(x); }
inline double __hiloint2double(int hi, int lo) {
  return __longlong_as_double(static_cast<long long>((static_cast<unsigned long long>(static_cast<unsigned int>(hi)) << 32) | static_cast<unsigned int>(lo)));
}
inline int __double2hiint(double x) { return static_cast<int>(static_cast<unsigned long long>(__double_as_longlong(x)) >> 32); }
inline int __double2loint(double x) { return static_cast<int>(static_cast<unsigned int>(__double_as_longlong(x))); }

#define XPILE_CVT_MODES(MACRO) MACRO(_rn, NearestEven) MACRO(_rz, TowardZero) MACRO(_rd, Down) MACRO(_ru, Up)
// float/double -> integers: saturating, NaN -> 0, as the GPU conversions.
#define XPILE_TO_INT(SFX, MODE)                                                                                    \
  inline int __float2int##SFX(float x) { return ::xpile::half_detail::floatToInt<int>(x, ::xpile::half_detail::Rounding::MODE); } \
  inline unsigned int __float2uint##SFX(float x) { return ::xpile::half_detail::floatToInt<unsigned int>(x, ::xpile::half_detail::Rounding::MODE); } \
  inline long long __float2ll##SFX(float x) { return ::xpile::half_detail::floatToInt<long long>(x, ::xpile::half_detail::Rounding::MODE); } \
  inline unsigned long long __float2ull##SFX(float x) { return ::xpile::half_detail::floatToInt<unsigned long long>(x, ::xpile::half_detail::Rounding::MODE); } \
  inline int __double2int##SFX(double x) { return ::xpile::half_detail::floatToInt<int>(x, ::xpile::half_detail::Rounding::MODE); } \
  inline unsigned int __double2uint##SFX(double x) { return ::xpile::half_detail::floatToInt<unsigned int>(x, ::xpile::half_detail::Rounding::MODE); } \
  inline long long __double2ll##SFX(double x) { return ::xpile::half_detail::floatToInt<long long>(x, ::xpile::half_detail::Rounding::MODE); } \
  inline unsigned long long __double2ull##SFX(double x) { return ::xpile::half_detail::floatToInt<unsigned long long>(x, ::xpile::half_detail::Rounding::MODE); } \
  inline float __int2float##SFX(int x) { return ::xpile::cuda_detail::roundTo<float, double>(x, ::xpile::half_detail::Rounding::MODE); } \
  inline float __uint2float##SFX(unsigned int x) { return ::xpile::cuda_detail::roundTo<float, double>(x, ::xpile::half_detail::Rounding::MODE); } \
  inline float __ll2float##SFX(long long x) { return ::xpile::cuda_detail::roundTo<float, long double>(x, ::xpile::half_detail::Rounding::MODE); } \
  inline float __ull2float##SFX(unsigned long long x) { return ::xpile::cuda_detail::roundTo<float, long double>(x, ::xpile::half_detail::Rounding::MODE); } \
  inline double __ll2double##SFX(long long x) { return ::xpile::cuda_detail::roundTo<double, long double>(x, ::xpile::half_detail::Rounding::MODE); } \
  inline double __ull2double##SFX(unsigned long long x) { return ::xpile::cuda_detail::roundTo<double, long double>(x, ::xpile::half_detail::Rounding::MODE); } \
  inline float __double2float##SFX(double x) { return ::xpile::cuda_detail::roundTo<float, double>(x, ::xpile::half_detail::Rounding::MODE); }
XPILE_CVT_MODES(XPILE_TO_INT)
#undef XPILE_TO_INT
inline double __int2double_rn(int x) { return static_cast<double>(x); }
inline double __uint2double_rn(unsigned int x) { return static_cast<double>(x); }

// Single and double precision arithmetic with explicit rounding modes.
#define XPILE_FARITH(SFX, MODE)                                                                                    \
  inline float __fadd##SFX(float a, float b) { return ::xpile::cuda_detail::roundTo<float, double>(::xpile::half_detail::fmaRoundToOdd(a, 1.0, b), ::xpile::half_detail::Rounding::MODE); } \
  inline float __fsub##SFX(float a, float b) { return ::xpile::cuda_detail::roundTo<float, double>(::xpile::half_detail::fmaRoundToOdd(a, 1.0, -static_cast<double>(b)), ::xpile::half_detail::Rounding::MODE); } \
  inline float __fmul##SFX(float a, float b) { return ::xpile::cuda_detail::roundTo<float, double>(static_cast<double>(a) * b, ::xpile::half_detail::Rounding::MODE); } \
  inline float __fdiv##SFX(float a, float b) { return ::xpile::cuda_detail::roundTo<float, double>(::xpile::cuda_detail::oddQuotient(a, b), ::xpile::half_detail::Rounding::MODE); } \
  inline float __fmaf##SFX(float a, float b, float c) { return ::xpile::cuda_detail::roundTo<float, double>(::xpile::half_detail::fmaRoundToOdd(a, b, c), ::xpile::half_detail::Rounding::MODE); } \
  inline float __fsqrt##SFX(float a) { return ::xpile::cuda_detail::roundTo<float, double>(::xpile::cuda_detail::oddSqrt(a), ::xpile::half_detail::Rounding::MODE); } \
  inline float __frcp##SFX(float a) { return ::xpile::cuda_detail::roundTo<float, double>(::xpile::cuda_detail::oddQuotient(1.0, a), ::xpile::half_detail::Rounding::MODE); } \
  inline double __dadd##SFX(double a, double b) { double s = a + b; return ::xpile::cuda_detail::adjustDouble(s, ::xpile::cuda_detail::twoSumErr(a, b, s), ::xpile::half_detail::Rounding::MODE); } \
  inline double __dsub##SFX(double a, double b) { double s = a - b; return ::xpile::cuda_detail::adjustDouble(s, ::xpile::cuda_detail::twoSumErr(a, -b, s), ::xpile::half_detail::Rounding::MODE); } \
  inline double __dmul##SFX(double a, double b) { double p = a * b; return ::xpile::cuda_detail::adjustDouble(p, std::fma(a, b, -p), ::xpile::half_detail::Rounding::MODE); } \
  inline double __ddiv##SFX(double a, double b) { double q = a / b; return ::xpile::cuda_detail::adjustDouble(q, std::fma(-q, b, a) * (b < 0 ? -1.0 : 1.0), ::xpile::half_detail::Rounding::MODE); } \
  inline double __drcp##SFX(double a) { return __ddiv##SFX(1.0, a); } \
  inline double __dsqrt##SFX(double a) { double s = std::sqrt(a); return ::xpile::cuda_detail::adjustDouble(s, std::fma(-s, s, a), ::xpile::half_detail::Rounding::MODE); }
XPILE_CVT_MODES(XPILE_FARITH)
#undef XPILE_FARITH
#undef XPILE_CVT_MODES
inline double __fma_rn(double a, double b, double c) { return std::fma(a, b, c); }
inline float __frsqrt_rn(float a) { return static_cast<float>(1.0 / std::sqrt(static_cast<double>(a))); }

// =================================================================================================
// Math library (the C library provides the standard names; these are CUDA's additions)
// =================================================================================================
inline float __fdividef(float x, float y) { return x / y; }
inline float fdividef(float x, float y) { return x / y; }
inline float __saturatef(float x) { return std::isnan(x) ? 0.0f : x < 0.0f ? 0.0f : x > 1.0f ? 1.0f : x; }
inline float rsqrtf(float x) { return static_cast<float>(1.0 / std::sqrt(static_cast<double>(x))); }
inline double rsqrt(double x) { return 1.0 / std::sqrt(x); }
inline float rsqrt(float x) { return rsqrtf(x); }
inline float rcbrtf(float x) { return static_cast<float>(1.0 / std::cbrt(static_cast<double>(x))); }
inline double rcbrt(double x) { return 1.0 / std::cbrt(x); }
inline float sinpif(float x) { return static_cast<float>(std::sin(M_PI * static_cast<double>(x))); }
inline double sinpi(double x) { return std::sin(M_PI * x); }
inline float cospif(float x) { return static_cast<float>(std::cos(M_PI * static_cast<double>(x))); }
inline double cospi(double x) { return std::cos(M_PI * x); }
inline void sincospif(float x, float *s, float *c) { *s = sinpif(x); *c = cospif(x); }
inline void sincospi(double x, double *s, double *c) { *s = sinpi(x); *c = cospi(x); }
inline float rhypotf(float x, float y) { return 1.0f / std::hypot(x, y); }
inline double rhypot(double x, double y) { return 1.0 / std::hypot(x, y); }
inline float norm3df(float a, float b, float c) { return static_cast<float>(std::sqrt(double(a) * a + double(b) * b + double(c) * c)); }
inline float rnorm3df(float a, float b, float c) { return 1.0f / norm3df(a, b, c); }
inline float norm4df(float a, float b, float c, float d) { return static_cast<float>(std::sqrt(double(a) * a + double(b) * b + double(c) * c + double(d) * d)); }
inline float rnorm4df(float a, float b, float c, float d) { return 1.0f / norm4df(a, b, c, d); }
inline double normcdf(double x) { return 0.5 * std::erfc(-x / M_SQRT2); }
inline float normcdff(float x) { return static_cast<float>(normcdf(x)); }
// erfinv: Giles' single-precision approximation refined by Newton steps in double.
inline double erfinv(double y) {
  if (std::isnan(y) || y < -1 || y > 1) return std::numeric_limits<double>::quiet_NaN();
  if (y == 1) return INFINITY;
  if (y == -1) return -INFINITY;
  double w = -std::log((1.0 - y) * (1.0 + y)), x;
  if (w < 5.0) {
    w -= 2.5;
    double p = 2.81022636e-08;
    p = 3.43273939e-07 + p * w; p = -3.5233877e-06 + p * w; p = -4.39150654e-06 + p * w; p = 0.00021858087 + p * w;
    p = -0.00125372503 + p * w; p = -0.00417768164 + p * w; p = 0.246640727 + p * w; p = 1.50140941 + p * w;
    x = p * y;
  } else {
    w = std::sqrt(w) - 3.0;
    double p = -0.000200214257;
    p = 0.000100950558 + p * w; p = 0.00134934322 + p * w; p = -0.00367342844 + p * w; p = 0.00573950773 + p * w;
    p = -0.0076224613 + p * w; p = 0.00943887047 + p * w; p = 1.00167406 + p * w; p = 2.83297682 + p * w;
    x = p * y;
  }
  for (int i = 0; i < 3; ++i) {  // Newton on erf(x) - y
    double err = std::erf(x) - y;
    x -= err / (2.0 / std::sqrt(M_PI) * std::exp(-x * x));
  }
  return x;
}
inline float erfinvf(float y) { return static_cast<float>(erfinv(y)); }
inline double erfcinv(double y) { return erfinv(1.0 - y); }
inline float erfcinvf(float y) { return static_cast<float>(erfcinv(y)); }
inline double normcdfinv(double p) { return -M_SQRT2 * erfcinv(2.0 * p); }
inline float normcdfinvf(float p) { return static_cast<float>(normcdfinv(p)); }
inline double erfcx(double x) { return std::exp(x * x) * std::erfc(x); }
inline float erfcxf(float x) { return static_cast<float>(erfcx(x)); }
// Float overloads of CUDA-only names (the C library ones come from <cmath>).
inline float erfinv(float y) { return erfinvf(y); }
inline float normcdf(float x) { return normcdff(x); }

// Fast-math intrinsics. glibc's <math.h> declares __expf, __logf, __sinf, ... (its internal aliases)
// without exporting them, so they are macros to the accurate functions (at least as accurate as
// CUDA's approximations).
namespace xpile::cuda_detail {
inline float fastExp(float x) { return std::exp(x); }
inline float fastExp10(float x) { return static_cast<float>(std::pow(10.0, static_cast<double>(x))); }
inline float fastLog(float x) { return std::log(x); }
inline float fastLog2(float x) { return std::log2(x); }
inline float fastLog10(float x) { return std::log10(x); }
inline float fastSin(float x) { return std::sin(x); }
inline float fastCos(float x) { return std::cos(x); }
inline float fastTan(float x) { return std::tan(x); }
inline float fastPow(float x, float y) { return std::pow(x, y); }
inline void fastSinCos(float x, float *s, float *c) {
  *s = std::sin(x);
  *c = std::cos(x);
}
}  // namespace xpile::cuda_detail
#define __expf(x) ::xpile::cuda_detail::fastExp(x)
#define __exp10f(x) ::xpile::cuda_detail::fastExp10(x)
#define __logf(x) ::xpile::cuda_detail::fastLog(x)
#define __log2f(x) ::xpile::cuda_detail::fastLog2(x)
#define __log10f(x) ::xpile::cuda_detail::fastLog10(x)
#define __sinf(x) ::xpile::cuda_detail::fastSin(x)
#define __cosf(x) ::xpile::cuda_detail::fastCos(x)
#define __tanf(x) ::xpile::cuda_detail::fastTan(x)
#define __powf(x, y) ::xpile::cuda_detail::fastPow((x), (y))
#define __sincosf(x, s, c) ::xpile::cuda_detail::fastSinCos((x), (s), (c))

// =================================================================================================
// CUDA only: platform limits and warp operations with CUDA's signatures (xpile_hip.h supplies HIP's).
// =================================================================================================
#ifndef XPILE_HIP_VOCABULARY

// Platform limits of CUDA (H100-class): warp 32, 48 KiB static shared memory per block, 1024 threads.
namespace xpile::cuda_detail {
inline const bool platformConfigured = [] {
  ::xpile::simt::Platform &p = ::xpile::simt::platform();
  p.warpSize = 32;
  p.maxSharedBytesPerBlock = 48 * 1024;
  p.maxDynamicSharedBytes = 48 * 1024;
  p.maxThreadsPerBlock = 1024;
  return true;
}();
}  // namespace xpile::cuda_detail

// ---- warp operations with CUDA's signatures -----------------------------------------------------
template <typename T> inline T __shfl_sync(unsigned mask, T var, int srcLane, int width = warpSize) {
  return ::xpile::cuda_detail::shfl(mask, ::xpile::simt::ShuffleKind::Idx, var, srcLane, width);
}
template <typename T> inline T __shfl_up_sync(unsigned mask, T var, unsigned int delta, int width = warpSize) {
  return ::xpile::cuda_detail::shfl(mask, ::xpile::simt::ShuffleKind::Up, var, static_cast<int>(delta), width);
}
template <typename T> inline T __shfl_down_sync(unsigned mask, T var, unsigned int delta, int width = warpSize) {
  return ::xpile::cuda_detail::shfl(mask, ::xpile::simt::ShuffleKind::Down, var, static_cast<int>(delta), width);
}
template <typename T> inline T __shfl_xor_sync(unsigned mask, T var, int laneMask, int width = warpSize) {
  return ::xpile::cuda_detail::shfl(mask, ::xpile::simt::ShuffleKind::Xor, var, laneMask, width);
}
inline void __syncwarp(unsigned mask = 0xffffffffu) { ::xpile::simt::syncwarp(mask); }
inline unsigned __ballot_sync(unsigned mask, int predicate) { return static_cast<unsigned>(::xpile::simt::ballot(mask, predicate != 0)); }
inline int __any_sync(unsigned mask, int predicate) { return ::xpile::simt::any(mask, predicate != 0) ? 1 : 0; }
inline int __all_sync(unsigned mask, int predicate) { return ::xpile::simt::all(mask, predicate != 0) ? 1 : 0; }
inline unsigned __uni_sync(unsigned mask, int predicate) {
  unsigned b = __ballot_sync(mask, predicate);
  return (b == 0 || b == (mask & static_cast<unsigned>(::xpile::simt::activeMask()))) ? 1u : 0u;
}
inline unsigned __activemask() { return static_cast<unsigned>(::xpile::simt::activeMask()); }
inline unsigned int __ballot(int predicate) { return static_cast<unsigned>(::xpile::simt::ballot(::xpile::cuda_detail::kAllActive, predicate != 0)); }
inline unsigned int __lanemask_lt() { return (1u << ::xpile::cuda_detail::laneId()) - 1u; }
inline unsigned int __lanemask_le() { return static_cast<unsigned>((2ull << ::xpile::cuda_detail::laneId()) - 1u); }
inline unsigned int __lanemask_eq() { return 1u << ::xpile::cuda_detail::laneId(); }
inline unsigned int __lanemask_gt() { return ~__lanemask_le(); }
inline unsigned int __lanemask_ge() { return ~__lanemask_lt(); }

namespace xpile::cuda_detail {
// Gathers every lane's value (lanes outside `mask` are ignored by the callers below).
template <typename T> inline std::array<T, 64> gatherLanes(const T &mine) {
  std::array<T, 64> all{};
  ::xpile::simt::warpGather(mine, all.data());
  return all;
}
template <typename T> inline unsigned matchAny(unsigned mask, T value) {
  auto all = gatherLanes(value);
  unsigned r = 0;
  for (int l = 0; l < 32 && l < laneCount(); ++l)
    if ((mask >> l) & 1u)
      if (std::memcmp(&all[l], &value, sizeof(T)) == 0) r |= 1u << l;
  return r;
}
template <typename T> inline unsigned matchAll(unsigned mask, T value, int *pred) {
  auto all = gatherLanes(value);
  bool same = true;
  for (int l = 0; l < 32 && l < laneCount(); ++l)
    if ((mask >> l) & 1u) same = same && std::memcmp(&all[l], &value, sizeof(T)) == 0;
  *pred = same ? 1 : 0;
  return same ? mask : 0u;
}
template <typename T, typename F> inline T reduceLanes(unsigned mask, T value, F f) {
  auto all = gatherLanes(value);
  bool first = true;
  T r{};
  for (int l = 0; l < 32 && l < laneCount(); ++l)
    if ((mask >> l) & 1u) {
      r = first ? all[l] : f(r, all[l]);
      first = false;
    }
  return r;
}
}  // namespace xpile::cuda_detail
#define XPILE_MATCH(T)                                                                                        \
  inline unsigned int __match_any_sync(unsigned mask, T value) { return ::xpile::cuda_detail::matchAny(mask, value); } \
  inline unsigned int __match_all_sync(unsigned mask, T value, int *pred) { return ::xpile::cuda_detail::matchAll(mask, value, pred); }
XPILE_MATCH(int)
XPILE_MATCH(unsigned int)
XPILE_MATCH(long)
XPILE_MATCH(unsigned long)
XPILE_MATCH(long long)
XPILE_MATCH(unsigned long long)
XPILE_MATCH(float)
XPILE_MATCH(double)
#undef XPILE_MATCH
inline unsigned __reduce_add_sync(unsigned mask, unsigned value) { return ::xpile::cuda_detail::reduceLanes(mask, value, [](unsigned a, unsigned b) { return a + b; }); }
inline int __reduce_add_sync(unsigned mask, int value) { return static_cast<int>(__reduce_add_sync(mask, static_cast<unsigned>(value))); }
inline unsigned __reduce_min_sync(unsigned mask, unsigned value) { return ::xpile::cuda_detail::reduceLanes(mask, value, [](unsigned a, unsigned b) { return a < b ? a : b; }); }
inline int __reduce_min_sync(unsigned mask, int value) { return ::xpile::cuda_detail::reduceLanes(mask, value, [](int a, int b) { return a < b ? a : b; }); }
inline unsigned __reduce_max_sync(unsigned mask, unsigned value) { return ::xpile::cuda_detail::reduceLanes(mask, value, [](unsigned a, unsigned b) { return a > b ? a : b; }); }
inline int __reduce_max_sync(unsigned mask, int value) { return ::xpile::cuda_detail::reduceLanes(mask, value, [](int a, int b) { return a > b ? a : b; }); }
inline unsigned __reduce_and_sync(unsigned mask, unsigned value) { return ::xpile::cuda_detail::reduceLanes(mask, value, [](unsigned a, unsigned b) { return a & b; }); }
inline unsigned __reduce_or_sync(unsigned mask, unsigned value) { return ::xpile::cuda_detail::reduceLanes(mask, value, [](unsigned a, unsigned b) { return a | b; }); }
inline unsigned __reduce_xor_sync(unsigned mask, unsigned value) { return ::xpile::cuda_detail::reduceLanes(mask, value, [](unsigned a, unsigned b) { return a ^ b; }); }

#endif  // !XPILE_HIP_VOCABULARY

// =================================================================================================
// CUDA runtime API on the executor (also compiled for HIP, whose hip* functions forward to it)
// =================================================================================================
namespace xpile::cuda_detail {
constexpr size_t kMaxDynamicSharedOptIn = 227 * 1024;  // H100: cudaFuncSetAttribute may raise to this
}  // namespace xpile::cuda_detail

enum cudaError {
  cudaSuccess = 0,
  cudaErrorInvalidValue = 1,
  cudaErrorMemoryAllocation = 2,
  cudaErrorInitializationError = 3,
  cudaErrorCudartUnloading = 4,
  cudaErrorProfilerDisabled = 5,
  cudaErrorInvalidConfiguration = 9,
  cudaErrorInvalidPitchValue = 12,
  cudaErrorInvalidSymbol = 13,
  cudaErrorInvalidHostPointer = 16,
  cudaErrorInvalidDevicePointer = 17,
  cudaErrorInvalidTexture = 18,
  cudaErrorInvalidMemcpyDirection = 21,
  cudaErrorInsufficientDriver = 35,
  cudaErrorMissingConfiguration = 52,
  cudaErrorPriorLaunchFailure = 53,
  cudaErrorInvalidDeviceFunction = 98,
  cudaErrorNoDevice = 100,
  cudaErrorInvalidDevice = 101,
  cudaErrorStartupFailure = 127,
  cudaErrorInvalidKernelImage = 200,
  cudaErrorNoKernelImageForDevice = 209,
  cudaErrorPeerAccessUnsupported = 217,
  cudaErrorInvalidPtx = 218,
  cudaErrorInvalidSource = 300,
  cudaErrorFileNotFound = 301,
  cudaErrorInvalidResourceHandle = 400,
  cudaErrorIllegalState = 401,
  cudaErrorSymbolNotFound = 500,
  cudaErrorNotReady = 600,
  cudaErrorIllegalAddress = 700,
  cudaErrorLaunchOutOfResources = 701,
  cudaErrorLaunchTimeout = 702,
  cudaErrorPeerAccessAlreadyEnabled = 704,
  cudaErrorPeerAccessNotEnabled = 705,
  cudaErrorAssert = 710,
  cudaErrorHostMemoryAlreadyRegistered = 712,
  cudaErrorHostMemoryNotRegistered = 713,
  cudaErrorIllegalInstruction = 715,
  cudaErrorMisalignedAddress = 716,
  cudaErrorLaunchFailure = 719,
  cudaErrorCooperativeLaunchTooLarge = 720,
  cudaErrorNotPermitted = 800,
  cudaErrorNotSupported = 801,
  cudaErrorStreamCaptureUnsupported = 900,
  cudaErrorTimeout = 909,
  cudaErrorUnknown = 999
};
typedef enum cudaError cudaError_t;

enum cudaMemcpyKind {
  cudaMemcpyHostToHost = 0,
  cudaMemcpyHostToDevice = 1,
  cudaMemcpyDeviceToHost = 2,
  cudaMemcpyDeviceToDevice = 3,
  cudaMemcpyDefault = 4
};

struct CUstream_st {
  unsigned int flags = 0;
  int priority = 0;
};
struct CUevent_st {
  unsigned int flags = 0;
  bool recorded = false;
  std::chrono::steady_clock::time_point when;
};
typedef struct CUstream_st *cudaStream_t;
typedef struct CUevent_st *cudaEvent_t;

#define cudaStreamLegacy ((cudaStream_t)0x1)
#define cudaStreamPerThread ((cudaStream_t)0x2)
#define cudaStreamDefault 0x00
#define cudaStreamNonBlocking 0x01
#define cudaEventDefault 0x00
#define cudaEventBlockingSync 0x01
#define cudaEventDisableTiming 0x02
#define cudaEventInterprocess 0x04
#define cudaHostAllocDefault 0x00
#define cudaHostAllocPortable 0x01
#define cudaHostAllocMapped 0x02
#define cudaHostAllocWriteCombined 0x04
#define cudaHostRegisterDefault 0x00
#define cudaMemAttachGlobal 0x01
#define cudaMemAttachHost 0x02
#define cudaDeviceScheduleAuto 0x00
#define cudaDeviceScheduleSpin 0x01
#define cudaDeviceScheduleYield 0x02
#define cudaDeviceScheduleBlockingSync 0x04
#define cudaDeviceMapHost 0x08
#define cudaCpuDeviceId ((int)-1)
#define cudaInvalidDeviceId ((int)-2)

enum cudaFuncAttribute {
  cudaFuncAttributeMaxDynamicSharedMemorySize = 8,
  cudaFuncAttributePreferredSharedMemoryCarveout = 9,
  cudaFuncAttributeMax
};
enum cudaFuncCache { cudaFuncCachePreferNone = 0, cudaFuncCachePreferShared = 1, cudaFuncCachePreferL1 = 2, cudaFuncCachePreferEqual = 3 };
enum cudaSharedMemConfig { cudaSharedMemBankSizeDefault = 0, cudaSharedMemBankSizeFourByte = 1, cudaSharedMemBankSizeEightByte = 2 };
enum cudaLimit { cudaLimitStackSize = 0x00, cudaLimitPrintfFifoSize = 0x01, cudaLimitMallocHeapSize = 0x02 };
enum cudaDeviceAttr {
  cudaDevAttrMaxThreadsPerBlock = 1,
  cudaDevAttrMaxBlockDimX = 2,
  cudaDevAttrMaxBlockDimY = 3,
  cudaDevAttrMaxBlockDimZ = 4,
  cudaDevAttrMaxGridDimX = 5,
  cudaDevAttrMaxGridDimY = 6,
  cudaDevAttrMaxGridDimZ = 7,
  cudaDevAttrMaxSharedMemoryPerBlock = 8,
  cudaDevAttrTotalConstantMemory = 9,
  cudaDevAttrWarpSize = 10,
  cudaDevAttrMaxRegistersPerBlock = 12,
  cudaDevAttrClockRate = 13,
  cudaDevAttrMultiProcessorCount = 16,
  cudaDevAttrL2CacheSize = 38,
  cudaDevAttrMaxThreadsPerMultiProcessor = 39,
  cudaDevAttrComputeCapabilityMajor = 75,
  cudaDevAttrComputeCapabilityMinor = 76,
  cudaDevAttrMaxSharedMemoryPerMultiprocessor = 81,
  cudaDevAttrMaxSharedMemoryPerBlockOptin = 97
};

struct cudaDeviceProp {
  char name[256];
  size_t totalGlobalMem;
  size_t sharedMemPerBlock;
  int regsPerBlock;
  int warpSize;
  size_t memPitch;
  int maxThreadsPerBlock;
  int maxThreadsDim[3];
  int maxGridSize[3];
  int clockRate;
  size_t totalConstMem;
  int major;
  int minor;
  size_t textureAlignment;
  int deviceOverlap;
  int multiProcessorCount;
  int kernelExecTimeoutEnabled;
  int integrated;
  int canMapHostMemory;
  int computeMode;
  int concurrentKernels;
  int ECCEnabled;
  int pciBusID;
  int pciDeviceID;
  int pciDomainID;
  int asyncEngineCount;
  int unifiedAddressing;
  int memoryClockRate;
  int memoryBusWidth;
  int l2CacheSize;
  int persistingL2CacheMaxSize;
  int maxThreadsPerMultiProcessor;
  int streamPrioritiesSupported;
  size_t sharedMemPerMultiprocessor;
  int regsPerMultiprocessor;
  int managedMemory;
  int isMultiGpuBoard;
  int concurrentManagedAccess;
  int cooperativeLaunch;
  size_t sharedMemPerBlockOptin;
  int maxBlocksPerMultiProcessor;
  size_t reservedSharedMemPerBlock;
};

struct cudaFuncAttributes {
  size_t sharedSizeBytes;
  size_t constSizeBytes;
  size_t localSizeBytes;
  int maxThreadsPerBlock;
  int numRegs;
  int ptxVersion;
  int binaryVersion;
  int cacheModeCA;
  int maxDynamicSharedSizeBytes;
  int preferredShmemCarveout;
};

enum cudaMemoryType { cudaMemoryTypeUnregistered = 0, cudaMemoryTypeHost = 1, cudaMemoryTypeDevice = 2, cudaMemoryTypeManaged = 3 };
struct cudaPointerAttributes {
  enum cudaMemoryType type;
  int device;
  void *devicePointer;
  void *hostPointer;
};

namespace xpile::cuda_detail {
inline cudaError_t &lastError() {
  static thread_local cudaError_t e = cudaSuccess;
  return e;
}
inline cudaError_t fail(cudaError_t e) {
  lastError() = e;
  return e;
}
inline size_t physicalMemory() {
  long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && size > 0 ? static_cast<size_t>(pages) * static_cast<size_t>(size) : (size_t(16) << 30);
}
inline int processorCount() {
  int n = ::xpile::rt::options().hostThreads;
  if (n <= 0) n = static_cast<int>(std::thread::hardware_concurrency());
  return n > 0 ? n : 1;
}
// "(void **)&d_a" -> "d_a", "&bufs[i]" -> "bufs[i]", "&s.ptr" -> "s.ptr": the allocation's label.
inline std::string labelFromExpression(const char *expr) {
  std::string s = expr ? expr : "";
  size_t amp = s.rfind('&');
  std::string t = amp == std::string::npos ? s : s.substr(amp + 1);
  std::string out;
  int depth = 0;
  for (char c : t) {
    if (c == ' ' || c == '\t') continue;
    if (c == '(' && out.empty()) continue;
    if (c == '[') depth++;
    if (c == ']') depth--;
    if (c == ')' && depth == 0) break;
    out.push_back(c);
  }
  return out;
}
// Checks that [p, p + bytes) lies inside the registered allocation p points into (if any).
inline void checkRange(const void *p, size_t bytes, const char *api, const char *role) {
  const ::xpile::rt::Allocation *a = ::xpile::rt::Registry::get().owner(p);
  if (!a) return;
  size_t offset = static_cast<size_t>(static_cast<const char *>(p) - a->base);
  if (offset + bytes > a->bytes)
    ::xpile::rt::fault(::xpile::rt::Fault::OutOfBounds,
                       std::string(api) + ": " + role + " bytes [" + std::to_string(offset) + ", " + std::to_string(offset + bytes) +
                           ") of buffer '" + (a->label.empty() ? "?" : a->label) + "' (" + std::to_string(a->bytes) + " bytes)");
}
inline bool isDevice(const void *p) { return ::xpile::rt::Registry::get().owner(p) != nullptr; }
}  // namespace xpile::cuda_detail

// ---- errors -------------------------------------------------------------------------------------
inline cudaError_t cudaGetLastError() {
  cudaError_t e = ::xpile::cuda_detail::lastError();
  ::xpile::cuda_detail::lastError() = cudaSuccess;
  return e;
}
inline cudaError_t cudaPeekAtLastError() { return ::xpile::cuda_detail::lastError(); }
inline const char *cudaGetErrorName(cudaError_t e) {
  switch (e) {
#define XPILE_E(N) \
  case N: return #N;
    XPILE_E(cudaSuccess) XPILE_E(cudaErrorInvalidValue) XPILE_E(cudaErrorMemoryAllocation) XPILE_E(cudaErrorInitializationError)
    XPILE_E(cudaErrorCudartUnloading) XPILE_E(cudaErrorProfilerDisabled) XPILE_E(cudaErrorInvalidConfiguration)
    XPILE_E(cudaErrorInvalidPitchValue) XPILE_E(cudaErrorInvalidSymbol) XPILE_E(cudaErrorInvalidHostPointer)
    XPILE_E(cudaErrorInvalidDevicePointer) XPILE_E(cudaErrorInvalidTexture) XPILE_E(cudaErrorInvalidMemcpyDirection)
    XPILE_E(cudaErrorInsufficientDriver) XPILE_E(cudaErrorMissingConfiguration) XPILE_E(cudaErrorPriorLaunchFailure)
    XPILE_E(cudaErrorInvalidDeviceFunction) XPILE_E(cudaErrorNoDevice) XPILE_E(cudaErrorInvalidDevice)
    XPILE_E(cudaErrorStartupFailure) XPILE_E(cudaErrorInvalidKernelImage) XPILE_E(cudaErrorNoKernelImageForDevice)
    XPILE_E(cudaErrorPeerAccessUnsupported) XPILE_E(cudaErrorInvalidPtx) XPILE_E(cudaErrorInvalidSource)
    XPILE_E(cudaErrorFileNotFound) XPILE_E(cudaErrorInvalidResourceHandle) XPILE_E(cudaErrorIllegalState)
    XPILE_E(cudaErrorSymbolNotFound) XPILE_E(cudaErrorNotReady) XPILE_E(cudaErrorIllegalAddress)
    XPILE_E(cudaErrorLaunchOutOfResources) XPILE_E(cudaErrorLaunchTimeout) XPILE_E(cudaErrorPeerAccessAlreadyEnabled)
    XPILE_E(cudaErrorPeerAccessNotEnabled) XPILE_E(cudaErrorAssert) XPILE_E(cudaErrorHostMemoryAlreadyRegistered)
    XPILE_E(cudaErrorHostMemoryNotRegistered) XPILE_E(cudaErrorIllegalInstruction) XPILE_E(cudaErrorMisalignedAddress)
    XPILE_E(cudaErrorLaunchFailure) XPILE_E(cudaErrorCooperativeLaunchTooLarge) XPILE_E(cudaErrorNotPermitted)
    XPILE_E(cudaErrorNotSupported) XPILE_E(cudaErrorStreamCaptureUnsupported) XPILE_E(cudaErrorTimeout) XPILE_E(cudaErrorUnknown)
#undef XPILE_E
  }
  return "cudaErrorUnknown";
}
inline const char *cudaGetErrorString(cudaError_t e) {
  switch (e) {
  case cudaSuccess: return "no error";
  case cudaErrorInvalidValue: return "invalid argument";
  case cudaErrorMemoryAllocation: return "out of memory";
  case cudaErrorInitializationError: return "initialization error";
  case cudaErrorInvalidConfiguration: return "invalid configuration argument";
  case cudaErrorInvalidPitchValue: return "invalid pitch argument";
  case cudaErrorInvalidSymbol: return "invalid device symbol";
  case cudaErrorInvalidDevicePointer: return "invalid device pointer";
  case cudaErrorInvalidMemcpyDirection: return "invalid copy direction for memcpy";
  case cudaErrorInvalidDeviceFunction: return "invalid device function";
  case cudaErrorNoDevice: return "no CUDA-capable device is detected";
  case cudaErrorInvalidDevice: return "invalid device ordinal";
  case cudaErrorInvalidResourceHandle: return "invalid resource handle";
  case cudaErrorNotReady: return "device not ready";
  case cudaErrorIllegalAddress: return "an illegal memory access was encountered";
  case cudaErrorLaunchOutOfResources: return "too many resources requested for launch";
  case cudaErrorLaunchFailure: return "unspecified launch failure";
  case cudaErrorNotSupported: return "operation not supported";
  default: return cudaGetErrorName(e);
  }
}

// ---- devices ------------------------------------------------------------------------------------
inline cudaError_t cudaDeviceSynchronize() { return cudaSuccess; }  // launches are synchronous
inline cudaError_t cudaThreadSynchronize() { return cudaSuccess; }
inline cudaError_t cudaDeviceReset() {
  ::xpile::simt::platform().maxDynamicSharedBytes = ::xpile::simt::platform().maxSharedBytesPerBlock;
  ::xpile::cuda_detail::lastError() = cudaSuccess;
  return cudaSuccess;
}
inline cudaError_t cudaSetDevice(int device) { return device == 0 ? cudaSuccess : ::xpile::cuda_detail::fail(cudaErrorInvalidDevice); }
inline cudaError_t cudaGetDevice(int *device) {
  if (!device) return ::xpile::cuda_detail::fail(cudaErrorInvalidValue);
  *device = 0;
  return cudaSuccess;
}
inline cudaError_t cudaGetDeviceCount(int *count) {
  if (!count) return ::xpile::cuda_detail::fail(cudaErrorInvalidValue);
  *count = 1;
  return cudaSuccess;
}
inline cudaError_t cudaSetDeviceFlags(unsigned int) { return cudaSuccess; }
inline cudaError_t cudaDeviceSetLimit(cudaLimit, size_t) { return cudaSuccess; }
inline cudaError_t cudaDeviceGetLimit(size_t *value, cudaLimit limit) {
  if (!value) return ::xpile::cuda_detail::fail(cudaErrorInvalidValue);
  *value = limit == cudaLimitStackSize ? 1024 : limit == cudaLimitPrintfFifoSize ? (1u << 20) : (8u << 20);
  return cudaSuccess;
}
inline cudaError_t cudaDeviceSetCacheConfig(cudaFuncCache) { return cudaSuccess; }
inline cudaError_t cudaDeviceSetSharedMemConfig(cudaSharedMemConfig) { return cudaSuccess; }
inline cudaError_t cudaDeviceCanAccessPeer(int *can, int, int) {
  if (can) *can = 0;
  return cudaSuccess;
}
inline cudaError_t cudaDeviceEnablePeerAccess(int, unsigned int) { return ::xpile::cuda_detail::fail(cudaErrorInvalidDevice); }
inline cudaError_t cudaDeviceGetStreamPriorityRange(int *least, int *greatest) {
  if (least) *least = 0;
  if (greatest) *greatest = 0;
  return cudaSuccess;
}
inline cudaError_t cudaDriverGetVersion(int *v) {
  if (v) *v = 12000;
  return cudaSuccess;
}
inline cudaError_t cudaRuntimeGetVersion(int *v) {
  if (v) *v = 12000;
  return cudaSuccess;
}
inline cudaError_t cudaGetDeviceProperties(cudaDeviceProp *prop, int device) {
  if (!prop) return ::xpile::cuda_detail::fail(cudaErrorInvalidValue);
  if (device != 0) return ::xpile::cuda_detail::fail(cudaErrorInvalidDevice);
  const ::xpile::simt::Platform &p = ::xpile::simt::platform();
  std::memset(prop, 0, sizeof *prop);
  std::snprintf(prop->name, sizeof prop->name, "%s", "xpile CPU executor");
  prop->totalGlobalMem = ::xpile::cuda_detail::physicalMemory();
  prop->sharedMemPerBlock = p.maxSharedBytesPerBlock;
  prop->regsPerBlock = 65536;
  prop->warpSize = ::xpile::cuda_detail::warpSizeNow();
  prop->memPitch = std::numeric_limits<int>::max();
  prop->maxThreadsPerBlock = p.maxThreadsPerBlock;
  prop->maxThreadsDim[0] = 1024;
  prop->maxThreadsDim[1] = 1024;
  prop->maxThreadsDim[2] = 64;
  prop->maxGridSize[0] = 2147483647;
  prop->maxGridSize[1] = 65535;
  prop->maxGridSize[2] = 65535;
  prop->clockRate = 1755000;
  prop->totalConstMem = 64 * 1024;
  prop->major = 9;
  prop->minor = 0;
  prop->textureAlignment = 512;
  prop->deviceOverlap = 1;
  prop->multiProcessorCount = ::xpile::cuda_detail::processorCount();
  prop->canMapHostMemory = 1;
  prop->concurrentKernels = 1;
  prop->asyncEngineCount = 1;
  prop->unifiedAddressing = 1;
  prop->memoryClockRate = 2619000;
  prop->memoryBusWidth = 5120;
  prop->l2CacheSize = 50 * 1024 * 1024;
  prop->maxThreadsPerMultiProcessor = 2048;
  prop->sharedMemPerMultiprocessor = 228 * 1024;
  prop->regsPerMultiprocessor = 65536;
  prop->managedMemory = 1;
  prop->concurrentManagedAccess = 1;
  prop->cooperativeLaunch = 1;
  prop->sharedMemPerBlockOptin = ::xpile::cuda_detail::kMaxDynamicSharedOptIn;
  prop->maxBlocksPerMultiProcessor = 32;
  prop->reservedSharedMemPerBlock = 1024;
  return cudaSuccess;
}
inline cudaError_t cudaDeviceGetAttribute(int *value, cudaDeviceAttr attr, int device) {
  if (!value) return ::xpile::cuda_detail::fail(cudaErrorInvalidValue);
  cudaDeviceProp p;
  if (cudaError_t e = cudaGetDeviceProperties(&p, device)) return e;
  switch (attr) {
  case cudaDevAttrMaxThreadsPerBlock: *value = p.maxThreadsPerBlock; break;
  case cudaDevAttrMaxBlockDimX: *value = p.maxThreadsDim[0]; break;
  case cudaDevAttrMaxBlockDimY: *value = p.maxThreadsDim[1]; break;
  case cudaDevAttrMaxBlockDimZ: *value = p.maxThreadsDim[2]; break;
  case cudaDevAttrMaxGridDimX: *value = p.maxGridSize[0]; break;
  case cudaDevAttrMaxGridDimY: *value = p.maxGridSize[1]; break;
  case cudaDevAttrMaxGridDimZ: *value = p.maxGridSize[2]; break;
  case cudaDevAttrMaxSharedMemoryPerBlock: *value = static_cast<int>(p.sharedMemPerBlock); break;
  case cudaDevAttrTotalConstantMemory: *value = static_cast<int>(p.totalConstMem); break;
  case cudaDevAttrWarpSize: *value = p.warpSize; break;
  case cudaDevAttrMaxRegistersPerBlock: *value = p.regsPerBlock; break;
  case cudaDevAttrClockRate: *value = p.clockRate; break;
  case cudaDevAttrMultiProcessorCount: *value = p.multiProcessorCount; break;
  case cudaDevAttrL2CacheSize: *value = p.l2CacheSize; break;
  case cudaDevAttrMaxThreadsPerMultiProcessor: *value = p.maxThreadsPerMultiProcessor; break;
  case cudaDevAttrComputeCapabilityMajor: *value = p.major; break;
  case cudaDevAttrComputeCapabilityMinor: *value = p.minor; break;
  case cudaDevAttrMaxSharedMemoryPerMultiprocessor: *value = static_cast<int>(p.sharedMemPerMultiprocessor); break;
  case cudaDevAttrMaxSharedMemoryPerBlockOptin: *value = static_cast<int>(p.sharedMemPerBlockOptin); break;
  default: return ::xpile::cuda_detail::fail(cudaErrorInvalidValue);
  }
  return cudaSuccess;
}

// ---- memory -------------------------------------------------------------------------------------
namespace xpile::cuda_detail {
inline cudaError_t deviceMalloc(void **p, size_t bytes, std::string label) {
  if (!p) return fail(cudaErrorInvalidValue);
  *p = ::xpile::rt::deviceAlloc(bytes, std::move(label));
  return *p ? cudaSuccess : fail(cudaErrorMemoryAllocation);
}
template <typename T> inline cudaError_t mallocLabelled(T **p, size_t bytes, const char *expr) {
  return deviceMalloc(reinterpret_cast<void **>(p), bytes, labelFromExpression(expr));
}
}  // namespace xpile::cuda_detail

inline cudaError_t cudaMalloc(void **devPtr, size_t size) { return ::xpile::cuda_detail::deviceMalloc(devPtr, size, {}); }
template <typename T> inline cudaError_t cudaMalloc(T **devPtr, size_t size) { return cudaMalloc(reinterpret_cast<void **>(devPtr), size); }
inline cudaError_t cudaMallocManaged(void **devPtr, size_t size, unsigned int = cudaMemAttachGlobal) { return cudaMalloc(devPtr, size); }
template <typename T> inline cudaError_t cudaMallocManaged(T **devPtr, size_t size, unsigned int flags = cudaMemAttachGlobal) {
  return cudaMallocManaged(reinterpret_cast<void **>(devPtr), size, flags);
}
inline cudaError_t cudaMallocAsync(void **devPtr, size_t size, cudaStream_t) { return cudaMalloc(devPtr, size); }
template <typename T> inline cudaError_t cudaMallocAsync(T **devPtr, size_t size, cudaStream_t s) { return cudaMallocAsync(reinterpret_cast<void **>(devPtr), size, s); }
inline cudaError_t cudaMallocPitch(void **devPtr, size_t *pitch, size_t width, size_t height) {
  if (!pitch) return ::xpile::cuda_detail::fail(cudaErrorInvalidValue);
  *pitch = (width + 255) / 256 * 256;
  return cudaMalloc(devPtr, *pitch * height);
}
template <typename T> inline cudaError_t cudaMallocPitch(T **devPtr, size_t *pitch, size_t width, size_t height) {
  return cudaMallocPitch(reinterpret_cast<void **>(devPtr), pitch, width, height);
}
// Pinned host memory is ordinary host memory (not registered as device memory).
inline cudaError_t cudaMallocHost(void **ptr, size_t size, unsigned int = 0) {
  if (!ptr) return ::xpile::cuda_detail::fail(cudaErrorInvalidValue);
  *ptr = std::aligned_alloc(64, (size + 63) / 64 * 64 + 64);
  return *ptr ? cudaSuccess : ::xpile::cuda_detail::fail(cudaErrorMemoryAllocation);
}
template <typename T> inline cudaError_t cudaMallocHost(T **ptr, size_t size, unsigned int flags = 0) {
  return cudaMallocHost(reinterpret_cast<void **>(ptr), size, flags);
}
inline cudaError_t cudaHostAlloc(void **ptr, size_t size, unsigned int flags) { return cudaMallocHost(ptr, size, flags); }
template <typename T> inline cudaError_t cudaHostAlloc(T **ptr, size_t size, unsigned int flags) { return cudaMallocHost(reinterpret_cast<void **>(ptr), size, flags); }
inline cudaError_t cudaFreeHost(void *ptr) {
  std::free(ptr);
  return cudaSuccess;
}
inline cudaError_t cudaFree(void *devPtr) {
  if (!devPtr) return cudaSuccess;
  const ::xpile::rt::Allocation *a = ::xpile::rt::Registry::get().owner(devPtr);
  if (!a || a->base != devPtr) return ::xpile::cuda_detail::fail(cudaErrorInvalidValue);
  ::xpile::rt::deviceFree(devPtr);
  return cudaSuccess;
}
inline cudaError_t cudaFreeAsync(void *devPtr, cudaStream_t) { return cudaFree(devPtr); }
inline cudaError_t cudaHostRegister(void *, size_t, unsigned int) { return cudaSuccess; }
inline cudaError_t cudaHostUnregister(void *) { return cudaSuccess; }
inline cudaError_t cudaHostGetDevicePointer(void **pDevice, void *pHost, unsigned int) {
  if (!pDevice) return ::xpile::cuda_detail::fail(cudaErrorInvalidValue);
  *pDevice = pHost;
  return cudaSuccess;
}
inline cudaError_t cudaMemGetInfo(size_t *free, size_t *total) {
  if (free) *free = ::xpile::cuda_detail::physicalMemory() / 2;
  if (total) *total = ::xpile::cuda_detail::physicalMemory();
  return cudaSuccess;
}
inline cudaError_t cudaPointerGetAttributes(cudaPointerAttributes *attr, const void *ptr) {
  if (!attr) return ::xpile::cuda_detail::fail(cudaErrorInvalidValue);
  bool dev = ::xpile::cuda_detail::isDevice(ptr);
  attr->type = dev ? cudaMemoryTypeDevice : cudaMemoryTypeHost;
  attr->device = 0;
  attr->devicePointer = const_cast<void *>(ptr);
  attr->hostPointer = const_cast<void *>(ptr);
  return cudaSuccess;
}

inline cudaError_t cudaMemcpy(void *dst, const void *src, size_t count, cudaMemcpyKind kind) {
  if (count == 0) return cudaSuccess;
  if (static_cast<int>(kind) < 0 || static_cast<int>(kind) > 4) return ::xpile::cuda_detail::fail(cudaErrorInvalidMemcpyDirection);
  if (!dst || !src) return ::xpile::cuda_detail::fail(cudaErrorInvalidValue);
  using ::xpile::cuda_detail::isDevice;
  // Swapped directions (a device destination given as the source, ...) are what real CUDA rejects.
  if ((kind == cudaMemcpyHostToDevice && !isDevice(dst) && isDevice(src)) ||
      (kind == cudaMemcpyDeviceToHost && isDevice(dst) && !isDevice(src)))
    return ::xpile::cuda_detail::fail(cudaErrorInvalidValue);
  ::xpile::cuda_detail::checkRange(dst, count, "cudaMemcpy", "destination");
  ::xpile::cuda_detail::checkRange(src, count, "cudaMemcpy", "source");
  std::memmove(dst, src, count);
  return cudaSuccess;
}
inline cudaError_t cudaMemcpyAsync(void *dst, const void *src, size_t count, cudaMemcpyKind kind, cudaStream_t = 0) {
  return cudaMemcpy(dst, src, count, kind);
}
inline cudaError_t cudaMemcpy2D(void *dst, size_t dpitch, const void *src, size_t spitch, size_t width, size_t height, cudaMemcpyKind kind) {
  if (width > dpitch || width > spitch) return ::xpile::cuda_detail::fail(cudaErrorInvalidPitchValue);
  for (size_t r = 0; r < height; ++r)
    if (cudaError_t e = cudaMemcpy(static_cast<char *>(dst) + r * dpitch, static_cast<const char *>(src) + r * spitch, width, kind)) return e;
  return cudaSuccess;
}
inline cudaError_t cudaMemcpy2DAsync(void *dst, size_t dpitch, const void *src, size_t spitch, size_t width, size_t height,
                                     cudaMemcpyKind kind, cudaStream_t = 0) {
  return cudaMemcpy2D(dst, dpitch, src, spitch, width, height, kind);
}
inline cudaError_t cudaMemcpyPeer(void *dst, int, const void *src, int, size_t count) { return cudaMemcpy(dst, src, count, cudaMemcpyDefault); }
inline cudaError_t cudaMemcpyPeerAsync(void *dst, int, const void *src, int, size_t count, cudaStream_t = 0) {
  return cudaMemcpy(dst, src, count, cudaMemcpyDefault);
}
inline cudaError_t cudaMemset(void *devPtr, int value, size_t count) {
  if (count == 0) return cudaSuccess;
  if (!devPtr) return ::xpile::cuda_detail::fail(cudaErrorInvalidValue);
  ::xpile::cuda_detail::checkRange(devPtr, count, "cudaMemset", "destination");
  std::memset(devPtr, value, count);
  return cudaSuccess;
}
inline cudaError_t cudaMemsetAsync(void *devPtr, int value, size_t count, cudaStream_t = 0) { return cudaMemset(devPtr, value, count); }
inline cudaError_t cudaMemset2D(void *devPtr, size_t pitch, int value, size_t width, size_t height) {
  for (size_t r = 0; r < height; ++r)
    if (cudaError_t e = cudaMemset(static_cast<char *>(devPtr) + r * pitch, value, width)) return e;
  return cudaSuccess;
}
inline cudaError_t cudaMemPrefetchAsync(const void *, size_t, int, cudaStream_t = 0) { return cudaSuccess; }

// Symbols: `__device__`/`__constant__` variables are ordinary globals. The symbol is passed by name
// (an lvalue: the variable itself); a pointer prvalue (`&sym`, `(const void *)&sym`) is its address.
namespace xpile::cuda_detail {
template <typename S> inline std::pair<char *, size_t> symbolStorage(S &&symbol) {
  if constexpr (!std::is_lvalue_reference<S>::value && std::is_pointer<std::remove_cv_t<std::remove_reference_t<S>>>::value) {
    return {const_cast<char *>(reinterpret_cast<const char *>(symbol)), std::numeric_limits<size_t>::max()};
  } else {
    using T = std::remove_reference_t<S>;
    return {const_cast<char *>(reinterpret_cast<const char *>(std::addressof(symbol))), sizeof(T)};
  }
}
}  // namespace xpile::cuda_detail
template <typename S>
inline cudaError_t cudaMemcpyToSymbol(S &&symbol, const void *src, size_t count, size_t offset = 0, cudaMemcpyKind kind = cudaMemcpyHostToDevice) {
  auto [base, size] = ::xpile::cuda_detail::symbolStorage(std::forward<S>(symbol));
  if (offset > size || count > size - offset) return ::xpile::cuda_detail::fail(cudaErrorInvalidValue);
  if (kind == cudaMemcpyDeviceToHost) return ::xpile::cuda_detail::fail(cudaErrorInvalidMemcpyDirection);
  if (count) std::memmove(base + offset, src, count);
  return cudaSuccess;
}
template <typename S>
inline cudaError_t cudaMemcpyFromSymbol(void *dst, S &&symbol, size_t count, size_t offset = 0, cudaMemcpyKind kind = cudaMemcpyDeviceToHost) {
  auto [base, size] = ::xpile::cuda_detail::symbolStorage(std::forward<S>(symbol));
  if (offset > size || count > size - offset) return ::xpile::cuda_detail::fail(cudaErrorInvalidValue);
  if (kind == cudaMemcpyHostToDevice) return ::xpile::cuda_detail::fail(cudaErrorInvalidMemcpyDirection);
  if (count) std::memmove(dst, base + offset, count);
  return cudaSuccess;
}
template <typename S>
inline cudaError_t cudaMemcpyToSymbolAsync(S &&symbol, const void *src, size_t count, size_t offset = 0,
                                           cudaMemcpyKind kind = cudaMemcpyHostToDevice, cudaStream_t = 0) {
  return cudaMemcpyToSymbol(std::forward<S>(symbol), src, count, offset, kind);
}
template <typename S>
inline cudaError_t cudaMemcpyFromSymbolAsync(void *dst, S &&symbol, size_t count, size_t offset = 0,
                                             cudaMemcpyKind kind = cudaMemcpyDeviceToHost, cudaStream_t = 0) {
  return cudaMemcpyFromSymbol(dst, std::forward<S>(symbol), count, offset, kind);
}
template <typename S> inline cudaError_t cudaGetSymbolAddress(void **devPtr, S &&symbol) {
  if (!devPtr) return ::xpile::cuda_detail::fail(cudaErrorInvalidValue);
  *devPtr = ::xpile::cuda_detail::symbolStorage(std::forward<S>(symbol)).first;
  return cudaSuccess;
}
template <typename S> inline cudaError_t cudaGetSymbolSize(size_t *size, S &&symbol) {
  if (!size) return ::xpile::cuda_detail::fail(cudaErrorInvalidValue);
  *size = ::xpile::cuda_detail::symbolStorage(std::forward<S>(symbol)).second;
  return cudaSuccess;
}

// ---- streams and events (launches are synchronous, so every stream is always idle) -------------
inline cudaError_t cudaStreamCreateWithPriority(cudaStream_t *pStream, unsigned int flags, int priority) {
  if (!pStream) return ::xpile::cuda_detail::fail(cudaErrorInvalidValue);
  *pStream = new CUstream_st{flags, priority};
  return cudaSuccess;
}
inline cudaError_t cudaStreamCreateWithFlags(cudaStream_t *pStream, unsigned int flags) { return cudaStreamCreateWithPriority(pStream, flags, 0); }
inline cudaError_t cudaStreamCreate(cudaStream_t *pStream) { return cudaStreamCreateWithPriority(pStream, 0, 0); }
inline bool __xpile_is_special_stream(cudaStream_t s) { return s == nullptr || s == cudaStreamLegacy || s == cudaStreamPerThread; }
inline cudaError_t cudaStreamDestroy(cudaStream_t stream) {
  if (__xpile_is_special_stream(stream)) return ::xpile::cuda_detail::fail(cudaErrorInvalidResourceHandle);
  delete stream;
  return cudaSuccess;
}
inline cudaError_t cudaStreamSynchronize(cudaStream_t) { return cudaSuccess; }
inline cudaError_t cudaStreamQuery(cudaStream_t) { return cudaSuccess; }
inline cudaError_t cudaStreamWaitEvent(cudaStream_t, cudaEvent_t, unsigned int = 0) { return cudaSuccess; }
inline cudaError_t cudaStreamGetFlags(cudaStream_t s, unsigned int *flags) {
  if (!flags) return ::xpile::cuda_detail::fail(cudaErrorInvalidValue);
  *flags = __xpile_is_special_stream(s) ? 0u : s->flags;
  return cudaSuccess;
}
inline cudaError_t cudaEventCreateWithFlags(cudaEvent_t *event, unsigned int flags) {
  if (!event) return ::xpile::cuda_detail::fail(cudaErrorInvalidValue);
  *event = new CUevent_st;
  (*event)->flags = flags;
  return cudaSuccess;
}
inline cudaError_t cudaEventCreate(cudaEvent_t *event) { return cudaEventCreateWithFlags(event, cudaEventDefault); }
inline cudaError_t cudaEventCreate(cudaEvent_t *event, unsigned int flags) { return cudaEventCreateWithFlags(event, flags); }
inline cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t = 0) {
  if (!event) return ::xpile::cuda_detail::fail(cudaErrorInvalidResourceHandle);
  event->when = std::chrono::steady_clock::now();
  event->recorded = true;
  return cudaSuccess;
}
inline cudaError_t cudaEventRecordWithFlags(cudaEvent_t event, cudaStream_t stream = 0, unsigned int = 0) { return cudaEventRecord(event, stream); }
inline cudaError_t cudaEventQuery(cudaEvent_t event) { return event ? cudaSuccess : ::xpile::cuda_detail::fail(cudaErrorInvalidResourceHandle); }
inline cudaError_t cudaEventSynchronize(cudaEvent_t event) { return event ? cudaSuccess : ::xpile::cuda_detail::fail(cudaErrorInvalidResourceHandle); }
inline cudaError_t cudaEventDestroy(cudaEvent_t event) {
  if (!event) return ::xpile::cuda_detail::fail(cudaErrorInvalidResourceHandle);
  delete event;
  return cudaSuccess;
}
// Real wall-clock time between the two records, in milliseconds.
inline cudaError_t cudaEventElapsedTime(float *ms, cudaEvent_t start, cudaEvent_t end) {
  if (!ms) return ::xpile::cuda_detail::fail(cudaErrorInvalidValue);
  if (!start || !end) return ::xpile::cuda_detail::fail(cudaErrorInvalidResourceHandle);
  if ((start->flags | end->flags) & cudaEventDisableTiming) return ::xpile::cuda_detail::fail(cudaErrorInvalidResourceHandle);
  if (!start->recorded || !end->recorded) return ::xpile::cuda_detail::fail(cudaErrorInvalidResourceHandle);
  *ms = std::chrono::duration<float, std::milli>(end->when - start->when).count();
  return cudaSuccess;
}

// ---- execution control --------------------------------------------------------------------------
// The dynamic shared memory limit is the platform's (one for all kernels): cudaFuncSetAttribute
// raises it, up to H100's 227 KiB.
inline cudaError_t cudaFuncSetAttribute(const void *, cudaFuncAttribute attr, int value) {
  if (attr == cudaFuncAttributeMaxDynamicSharedMemorySize) {
    if (value < 0 || static_cast<size_t>(value) > ::xpile::cuda_detail::kMaxDynamicSharedOptIn)
      return ::xpile::cuda_detail::fail(cudaErrorInvalidValue);
    size_t &limit = ::xpile::simt::platform().maxDynamicSharedBytes;
    limit = std::max(limit, static_cast<size_t>(value));
    return cudaSuccess;
  }
  if (attr == cudaFuncAttributePreferredSharedMemoryCarveout) return (value < -1 || value > 100) ? ::xpile::cuda_detail::fail(cudaErrorInvalidValue) : cudaSuccess;
  return ::xpile::cuda_detail::fail(cudaErrorInvalidValue);
}
template <typename T> inline cudaError_t cudaFuncSetAttribute(T *entry, cudaFuncAttribute attr, int value) {
  return cudaFuncSetAttribute(reinterpret_cast<const void *>(entry), attr, value);
}
inline cudaError_t cudaFuncGetAttributes(cudaFuncAttributes *attr, const void *) {
  if (!attr) return ::xpile::cuda_detail::fail(cudaErrorInvalidValue);
  std::memset(attr, 0, sizeof *attr);
  attr->maxThreadsPerBlock = ::xpile::simt::platform().maxThreadsPerBlock;
  attr->numRegs = 32;
  attr->ptxVersion = 90;
  attr->binaryVersion = 90;
  attr->maxDynamicSharedSizeBytes = static_cast<int>(::xpile::simt::platform().maxDynamicSharedBytes);
  attr->preferredShmemCarveout = -1;
  return cudaSuccess;
}
template <typename T> inline cudaError_t cudaFuncGetAttributes(cudaFuncAttributes *attr, T *entry) {
  return cudaFuncGetAttributes(attr, reinterpret_cast<const void *>(entry));
}
inline cudaError_t cudaFuncSetCacheConfig(const void *, cudaFuncCache) { return cudaSuccess; }
template <typename T> inline cudaError_t cudaFuncSetCacheConfig(T *, cudaFuncCache) { return cudaSuccess; }
inline cudaError_t cudaFuncSetSharedMemConfig(const void *, cudaSharedMemConfig) { return cudaSuccess; }
// Occupancy: a 256-thread block (every kernel without __launch_bounds__ below 256 accepts it) and
// enough blocks to fill 2048 threads per "multiprocessor" (host thread).
template <typename T>
inline cudaError_t cudaOccupancyMaxPotentialBlockSize(int *minGridSize, int *blockSize, T, size_t = 0, int blockSizeLimit = 0) {
  if (!minGridSize || !blockSize) return ::xpile::cuda_detail::fail(cudaErrorInvalidValue);
  int b = 256;
  if (blockSizeLimit > 0 && blockSizeLimit < b) b = blockSizeLimit;
  *blockSize = b;
  *minGridSize = ::xpile::cuda_detail::processorCount() * std::max(1, 2048 / b);
  return cudaSuccess;
}
template <typename T>
inline cudaError_t cudaOccupancyMaxActiveBlocksPerMultiprocessor(int *numBlocks, T, int blockSize, size_t dynamicSMemSize) {
  if (!numBlocks || blockSize <= 0) return ::xpile::cuda_detail::fail(cudaErrorInvalidValue);
  int byThreads = 2048 / blockSize;
  int byShared = dynamicSMemSize ? static_cast<int>((228 * 1024) / dynamicSMemSize) : 32;
  *numBlocks = std::max(0, std::min({byThreads, byShared, 32}));
  return cudaSuccess;
}
// cudaLaunchKernel with the kernel's own type (the argument array is unpacked by parameter type).
namespace xpile::cuda_detail {
template <typename... P, size_t... I>
inline void launchFromArray(void (*f)(P...), dim3 g, dim3 b, void **args, size_t shmem, cudaStream_t s, std::index_sequence<I...>) {
  static const ::xpile::rt::KernelInfo info{"cudaLaunchKernel"};
  ::xpile::simt::launch(info, f, g, b, shmem, static_cast<void *>(s), *static_cast<std::remove_reference_t<P> *>(args[I])...);
}
}  // namespace xpile::cuda_detail
template <typename... P>
inline cudaError_t cudaLaunchKernel(void (*func)(P...), dim3 gridDim_, dim3 blockDim_, void **args, size_t sharedMem = 0, cudaStream_t stream = 0) {
  ::xpile::cuda_detail::launchFromArray(func, gridDim_, blockDim_, args, sharedMem, stream, std::index_sequence_for<P...>{});
  return cudaSuccess;
}

// Allocation labels: `cudaMalloc(&d_a, n)` registers the allocation as "d_a" (used in fault messages
// and launch traces). Defined last so the functions above keep their ordinary names. The macro
// expands to an unqualified global name so that `::cudaMalloc(...)` works too.
template <typename T> inline cudaError_t __xpile_cudaMalloc(T **ptr, size_t size, const char *expr) {
  return ::xpile::cuda_detail::mallocLabelled(ptr, size, expr);
}
#define cudaMalloc(ptr, size) __xpile_cudaMalloc((ptr), (size), #ptr)

// =================================================================================================
// nvcuda::wmma (mma.h).
//
// In CUDA the mapping of fragment elements to the lanes of the warp is unspecified, so portable code
// can only use fill_fragment/load/store/mma_sync and element-wise loops over x[0 .. num_elements).
// Here EVERY LANE HOLDS THE WHOLE TILE (num_elements = M*K for matrix_a, K*N for matrix_b, M*N for
// the accumulator, stored row-major in x[]), so element-wise code behaves identically. The
// operations are warp-collective in CUDA; with whole-tile copies each lane computes the same result
// independently (no lane exchange is needed, and lanes writing the same values to the same addresses
// in store_matrix_sync is harmless: they run on one OS thread).
// mma_sync: D = A*B + C, products and sums in float (int32 for 8-bit integer inputs; tf32 operands are
// truncated to tf32 as the tensor cores read them), in order k = 0..K-1, then C is added; a half
// accumulator is rounded once at the end.
// =================================================================================================
namespace nvcuda {
namespace wmma {
struct matrix_a {};
struct matrix_b {};
struct accumulator {};
struct row_major {};
struct col_major {};
enum layout_t { mem_row_major, mem_col_major };
namespace precision {
struct tf32 {};
}  // namespace precision

namespace detail {
template <typename T> struct Storage { typedef T type; };
template <> struct Storage<precision::tf32> { typedef float type; };
template <typename Use, int M, int N, int K> struct Tile;
template <int M, int N, int K> struct Tile<matrix_a, M, N, K> { enum { rows = M, cols = K }; };
template <int M, int N, int K> struct Tile<matrix_b, M, N, K> { enum { rows = K, cols = N }; };
template <int M, int N, int K> struct Tile<accumulator, M, N, K> { enum { rows = M, cols = N }; };
template <typename T> inline float toFloat(T v) { return static_cast<float>(v); }
inline float toFloat(__nv_bfloat16 v) { return __bfloat162float(v); }
inline float tf32Truncate(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  if ((u & 0x7f800000u) != 0x7f800000u) u &= 0xffffe000u;
  std::memcpy(&f, &u, 4);
  return f;
}
}  // namespace detail

template <typename Use, int M, int N, int K, typename T, typename Layout = void> class fragment {
public:
  typedef typename detail::Storage<T>::type storage_element_type;
  typedef T element_type;
  enum { rows = detail::Tile<Use, M, N, K>::rows, cols = detail::Tile<Use, M, N, K>::cols, num_elements = rows * cols };
  storage_element_type x[num_elements];  // the whole tile, row-major
};

template <typename Use, int M, int N, int K, typename T, typename Layout>
inline void fill_fragment(fragment<Use, M, N, K, T, Layout> &f, const typename detail::Storage<T>::type &v) {
  for (int i = 0; i < f.num_elements; ++i) f.x[i] = v;
}

// Operand fragments carry their layout in the type.
template <typename Use, int M, int N, int K, typename T, typename Layout>
inline void load_matrix_sync(fragment<Use, M, N, K, T, Layout> &f, const typename detail::Storage<T>::type *p, unsigned ldm) {
  static_assert(std::is_same<Layout, row_major>::value || std::is_same<Layout, col_major>::value,
                "matrix_a/matrix_b fragments need a row_major or col_major layout");
  typedef fragment<Use, M, N, K, T, Layout> F;
  for (int r = 0; r < F::rows; ++r)
    for (int c = 0; c < F::cols; ++c)
      f.x[r * F::cols + c] = std::is_same<Layout, row_major>::value ? p[static_cast<size_t>(r) * ldm + c] : p[static_cast<size_t>(c) * ldm + r];
}
// Accumulators take the memory layout as an argument.
template <int M, int N, int K, typename T>
inline void load_matrix_sync(fragment<accumulator, M, N, K, T> &f, const T *p, unsigned ldm, layout_t layout) {
  for (int r = 0; r < M; ++r)
    for (int c = 0; c < N; ++c)
      f.x[r * N + c] = layout == mem_row_major ? p[static_cast<size_t>(r) * ldm + c] : p[static_cast<size_t>(c) * ldm + r];
}
template <int M, int N, int K, typename T>
inline void store_matrix_sync(T *p, const fragment<accumulator, M, N, K, T> &f, unsigned ldm, layout_t layout) {
  for (int r = 0; r < M; ++r)
    for (int c = 0; c < N; ++c)
      (layout == mem_row_major ? p[static_cast<size_t>(r) * ldm + c] : p[static_cast<size_t>(c) * ldm + r]) = f.x[r * N + c];
}

template <int M, int N, int K, typename TAB, typename LA, typename LB, typename TC, typename TD>
inline void mma_sync(fragment<accumulator, M, N, K, TD> &d, const fragment<matrix_a, M, N, K, TAB, LA> &a,
                     const fragment<matrix_b, M, N, K, TAB, LB> &b, const fragment<accumulator, M, N, K, TC> &c, bool satf = false) {
  constexpr bool integer = std::is_integral<TAB>::value;
  constexpr bool tf32 = std::is_same<TAB, precision::tf32>::value;
  TD out[M * N];
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j) {
      if constexpr (integer) {
        int32_t acc = 0;
        for (int k = 0; k < K; ++k) acc += static_cast<int32_t>(a.x[i * K + k]) * static_cast<int32_t>(b.x[k * N + j]);
        out[i * N + j] = static_cast<TD>(acc + static_cast<int32_t>(c.x[i * N + j]));
      } else {
        float acc = 0.0f;
        for (int k = 0; k < K; ++k) {
          float av = detail::toFloat(a.x[i * K + k]), bv = detail::toFloat(b.x[k * N + j]);
          if (tf32) {
            av = detail::tf32Truncate(av);
            bv = detail::tf32Truncate(bv);
          }
          acc += av * bv;
        }
        float r = acc + detail::toFloat(c.x[i * N + j]);
        if (satf) {
          if (std::isnan(r)) r = 0.0f;
          if (std::is_same<TD, __half>::value) r = std::max(-65504.0f, std::min(65504.0f, r));
          else r = std::max(-FLT_MAX, std::min(FLT_MAX, r));
        }
        if constexpr (std::is_same<TD, __half>::value) out[i * N + j] = __float2half_rn(r);
        else out[i * N + j] = static_cast<TD>(r);
      }
    }
  for (int i = 0; i < M * N; ++i) d.x[i] = out[i];  // d may alias c
}

// Round a float to tf32 (10 mantissa bits), to nearest with ties away from zero (cvt.rna.tf32.f32).
inline float __float_to_tf32(float in) {
  uint32_t u;
  std::memcpy(&u, &in, 4);
  if ((u & 0x7f800000u) != 0x7f800000u) {
    u += 0x1000u;
    u &= 0xffffe000u;
  }
  std::memcpy(&in, &u, 4);
  return in;
}
}  // namespace wmma
}  // namespace nvcuda

// =================================================================================================
// Built-in variables: last, so the names above (ThreadContext's members) are not replaced.
// =================================================================================================
#define threadIdx (::xpile::cuda_detail::threadIdxNow())
#define blockIdx (::xpile::cuda_detail::blockIdxNow())
#define blockDim (::xpile::cuda_detail::blockDimNow())
#define gridDim (::xpile::cuda_detail::gridDimNow())
