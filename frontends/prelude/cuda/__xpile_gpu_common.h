// xpile prelude: declarations shared by the CUDA and the HIP preludes.
//
// Both dialects have the same SIMT surface: execution-space qualifiers,
// vector types, dim3, the built-in index variables, barriers, atomics, the
// integer/float intrinsics and the device math library. This header declares
// them once; __xpile_cuda_prelude.h and hip/__xpile_hip_prelude.h add what
// differs (warp operations, runtime API, launch configuration).
//
// Only declarations live here: the front end parses host-side only
// (--cuda-host-only), so nothing is ever code-generated from these headers.
// Bodies exist only where C++ requires them (constexpr constructors).
#ifndef XPILE_PRELUDE_GPU_COMMON_H
#define XPILE_PRELUDE_GPU_COMMON_H

#if !defined(__CUDA__) && !defined(__HIP__)
#error "the xpile GPU prelude must be parsed with -x cuda or -x hip"
#endif

// ---------------------------------------------------------------------------
// Execution-space and memory-space qualifiers: spelled as the Clang attributes
// so that the AST carries CUDADeviceAttr, CUDASharedAttr, ... (the front end
// recognises kernels and memory spaces by these attributes).
// ---------------------------------------------------------------------------
#define __host__ __attribute__((host))
#define __device__ __attribute__((device))
#define __global__ __attribute__((global))
#define __shared__ __attribute__((shared))
#define __constant__ __attribute__((constant))
// Clang 16 knows `managed` only for HIP; in CUDA a managed variable is a
// __device__ variable tagged with an annotation the front end can read.
#if defined(__HIP__)
#define __managed__ __attribute__((managed))
#else
#define __managed__ __attribute__((device, annotate("xpile.managed")))
#endif
// Clang >= 15 treats __noinline__ as a keyword in CUDA/HIP mode: no macro.
#define __forceinline__ __inline__ __attribute__((always_inline))
#define __align__(n) __attribute__((aligned(n)))
#define __builtin_align__(n) __attribute__((aligned(n)))
// One attribute for both dialects so the front end sees CUDALaunchBoundsAttr.
#define __launch_bounds__(...) __attribute__((launch_bounds(__VA_ARGS__)))
#define __device_builtin__
#define __cudart_builtin__
// __restrict__ is a GNU keyword Clang already understands.

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
// The real runtime headers make the C math library visible; device
// overloads of it are declared below.
#include <math.h>
#include <cmath>

// ---------------------------------------------------------------------------
// Vector types (vector_types.h). Plain structs with x/y/z/w members and the
// alignment the real ones have, so sizeof/alignof and member access agree.
// ---------------------------------------------------------------------------
#define __XPILE_VEC1(T, N) struct N##1 { T x; };
#define __XPILE_VEC2(T, N, A) struct __attribute__((aligned(A))) N##2 { T x, y; };
#define __XPILE_VEC3(T, N) struct N##3 { T x, y, z; };
#define __XPILE_VEC4(T, N, A) struct __attribute__((aligned(A))) N##4 { T x, y, z, w; };
#define __XPILE_VECS(T, N, A2, A4) \
  __XPILE_VEC1(T, N) __XPILE_VEC2(T, N, A2) __XPILE_VEC3(T, N) __XPILE_VEC4(T, N, A4)

__XPILE_VECS(signed char, char, 2, 4)
__XPILE_VECS(unsigned char, uchar, 2, 4)
__XPILE_VECS(short, short, 4, 8)
__XPILE_VECS(unsigned short, ushort, 4, 8)
__XPILE_VECS(int, int, 8, 16)
__XPILE_VECS(unsigned int, uint, 8, 16)
__XPILE_VECS(long, long, 16, 16)
__XPILE_VECS(unsigned long, ulong, 16, 16)
__XPILE_VECS(long long, longlong, 16, 16)
__XPILE_VECS(unsigned long long, ulonglong, 16, 16)
__XPILE_VECS(float, float, 8, 16)
__XPILE_VECS(double, double, 16, 16)

// make_<type><n>(...) constructors (vector_functions.h), host and device.
#define __XPILE_MAKE(T, N)                                                   \
  __host__ __device__ N##1 make_##N##1(T x);                                 \
  __host__ __device__ N##2 make_##N##2(T x, T y);                            \
  __host__ __device__ N##3 make_##N##3(T x, T y, T z);                       \
  __host__ __device__ N##4 make_##N##4(T x, T y, T z, T w);
__XPILE_MAKE(signed char, char)
__XPILE_MAKE(unsigned char, uchar)
__XPILE_MAKE(short, short)
__XPILE_MAKE(unsigned short, ushort)
__XPILE_MAKE(int, int)
__XPILE_MAKE(unsigned int, uint)
__XPILE_MAKE(long, long)
__XPILE_MAKE(unsigned long, ulong)
__XPILE_MAKE(long long, longlong)
__XPILE_MAKE(unsigned long long, ulonglong)
__XPILE_MAKE(float, float)
__XPILE_MAKE(double, double)
#undef __XPILE_MAKE
#undef __XPILE_VECS
#undef __XPILE_VEC1
#undef __XPILE_VEC2
#undef __XPILE_VEC3
#undef __XPILE_VEC4

// dim3: launch geometry; every component defaults to 1. Converts to/from uint3.
struct dim3 {
  unsigned int x, y, z;
  __host__ __device__ constexpr dim3(unsigned int vx = 1, unsigned int vy = 1,
                                     unsigned int vz = 1)
      : x(vx), y(vy), z(vz) {}
  __host__ __device__ constexpr dim3(uint3 v) : x(v.x), y(v.y), z(v.z) {}
  __host__ __device__ constexpr operator uint3() const { return uint3{x, y, z}; }
};

// ---------------------------------------------------------------------------
// Built-in variables. Deliberately ordinary extern __device__ variables (not
// Clang's __declspec(property) trick) so `threadIdx.x` is a MemberExpr on a
// DeclRefExpr named threadIdx: the front end keys on these exact names.
// ---------------------------------------------------------------------------
extern const __device__ uint3 threadIdx;
extern const __device__ uint3 blockIdx;
extern const __device__ dim3 blockDim;
extern const __device__ dim3 gridDim;
extern const __device__ int warpSize;

// ---------------------------------------------------------------------------
// Barriers and memory fences.
// ---------------------------------------------------------------------------
__device__ void __syncthreads(void);
__device__ int __syncthreads_count(int predicate);
__device__ int __syncthreads_and(int predicate);
__device__ int __syncthreads_or(int predicate);
__device__ void __threadfence(void);
__device__ void __threadfence_block(void);
__device__ void __threadfence_system(void);
__device__ long long clock64(void);
__device__ long long clock(void) noexcept;
__device__ void __nanosleep(unsigned int ns);
__device__ void __trap(void);

// ---------------------------------------------------------------------------
// Atomics (device_atomic_functions.h, sm_*_atomic_functions.h).
// _block / _system scoped variants exist for the common operations.
// ---------------------------------------------------------------------------
#define __XPILE_ATOMIC(op, T)                                                \
  __device__ T op(T* address, T val);                                        \
  __device__ T op##_block(T* address, T val);                                \
  __device__ T op##_system(T* address, T val);
__XPILE_ATOMIC(atomicAdd, int)
__XPILE_ATOMIC(atomicAdd, unsigned int)
__XPILE_ATOMIC(atomicAdd, unsigned long long)
__XPILE_ATOMIC(atomicAdd, float)
__XPILE_ATOMIC(atomicAdd, double)
__XPILE_ATOMIC(atomicSub, int)
__XPILE_ATOMIC(atomicSub, unsigned int)
__XPILE_ATOMIC(atomicExch, int)
__XPILE_ATOMIC(atomicExch, unsigned int)
__XPILE_ATOMIC(atomicExch, unsigned long long)
__XPILE_ATOMIC(atomicExch, float)
__XPILE_ATOMIC(atomicMin, int)
__XPILE_ATOMIC(atomicMin, unsigned int)
__XPILE_ATOMIC(atomicMin, long long)
__XPILE_ATOMIC(atomicMin, unsigned long long)
__XPILE_ATOMIC(atomicMax, int)
__XPILE_ATOMIC(atomicMax, unsigned int)
__XPILE_ATOMIC(atomicMax, long long)
__XPILE_ATOMIC(atomicMax, unsigned long long)
__XPILE_ATOMIC(atomicInc, unsigned int)
__XPILE_ATOMIC(atomicDec, unsigned int)
__XPILE_ATOMIC(atomicAnd, int)
__XPILE_ATOMIC(atomicAnd, unsigned int)
__XPILE_ATOMIC(atomicAnd, unsigned long long)
__XPILE_ATOMIC(atomicOr, int)
__XPILE_ATOMIC(atomicOr, unsigned int)
__XPILE_ATOMIC(atomicOr, unsigned long long)
__XPILE_ATOMIC(atomicXor, int)
__XPILE_ATOMIC(atomicXor, unsigned int)
__XPILE_ATOMIC(atomicXor, unsigned long long)
#undef __XPILE_ATOMIC
#define __XPILE_ATOMIC_CAS(sfx, T)                                           \
  __device__ T atomicCAS##sfx(T* address, T compare, T val);
#define __XPILE_ATOMIC_CAS_ALL(T)                                            \
  __XPILE_ATOMIC_CAS(, T) __XPILE_ATOMIC_CAS(_block, T) __XPILE_ATOMIC_CAS(_system, T)
__XPILE_ATOMIC_CAS_ALL(int)
__XPILE_ATOMIC_CAS_ALL(unsigned int)
__XPILE_ATOMIC_CAS_ALL(unsigned long long)
__XPILE_ATOMIC_CAS_ALL(unsigned short)
#undef __XPILE_ATOMIC_CAS_ALL
#undef __XPILE_ATOMIC_CAS

// ---------------------------------------------------------------------------
// Read-only / cache-hinted loads (__ldg & co.).
// ---------------------------------------------------------------------------
#define __XPILE_LDG(T)                                                       \
  __device__ T __ldg(const T* ptr);                                          \
  __device__ T __ldcg(const T* ptr);                                         \
  __device__ T __ldca(const T* ptr);                                         \
  __device__ T __ldcs(const T* ptr);                                         \
  __device__ T __ldlu(const T* ptr);                                         \
  __device__ T __ldcv(const T* ptr);                                         \
  __device__ void __stwb(T* ptr, T value);                                   \
  __device__ void __stcg(T* ptr, T value);                                   \
  __device__ void __stcs(T* ptr, T value);                                   \
  __device__ void __stwt(T* ptr, T value);
__XPILE_LDG(char)
__XPILE_LDG(signed char)
__XPILE_LDG(unsigned char)
__XPILE_LDG(short)
__XPILE_LDG(unsigned short)
__XPILE_LDG(int)
__XPILE_LDG(unsigned int)
__XPILE_LDG(long)
__XPILE_LDG(unsigned long)
__XPILE_LDG(long long)
__XPILE_LDG(unsigned long long)
__XPILE_LDG(float)
__XPILE_LDG(double)
__XPILE_LDG(char2)
__XPILE_LDG(char4)
__XPILE_LDG(uchar2)
__XPILE_LDG(uchar4)
__XPILE_LDG(short2)
__XPILE_LDG(short4)
__XPILE_LDG(ushort2)
__XPILE_LDG(ushort4)
__XPILE_LDG(int2)
__XPILE_LDG(int4)
__XPILE_LDG(uint2)
__XPILE_LDG(uint4)
__XPILE_LDG(longlong2)
__XPILE_LDG(ulonglong2)
__XPILE_LDG(float2)
__XPILE_LDG(float4)
__XPILE_LDG(double2)
#undef __XPILE_LDG

// ---------------------------------------------------------------------------
// Integer intrinsics.
// ---------------------------------------------------------------------------
__device__ int __popc(unsigned int x);
__device__ int __popcll(unsigned long long x);
__device__ int __clz(int x);
__device__ int __clzll(long long x);
__device__ int __ffs(int x);
__device__ int __ffsll(long long x);
__device__ unsigned int __brev(unsigned int x);
__device__ unsigned long long __brevll(unsigned long long x);
__device__ unsigned int __byte_perm(unsigned int x, unsigned int y, unsigned int s);
__device__ int __mul24(int x, int y);
__device__ unsigned int __umul24(unsigned int x, unsigned int y);
__device__ int __mulhi(int x, int y);
__device__ unsigned int __umulhi(unsigned int x, unsigned int y);
__device__ long long __mul64hi(long long x, long long y);
__device__ unsigned long long __umul64hi(unsigned long long x, unsigned long long y);
__device__ int __hadd(int x, int y);
__device__ int __rhadd(int x, int y);
__device__ unsigned int __uhadd(unsigned int x, unsigned int y);
__device__ unsigned int __urhadd(unsigned int x, unsigned int y);
__device__ unsigned int __sad(int x, int y, unsigned int z);
__device__ unsigned int __usad(unsigned int x, unsigned int y, unsigned int z);
__device__ unsigned int __funnelshift_l(unsigned int lo, unsigned int hi, unsigned int shift);
__device__ unsigned int __funnelshift_lc(unsigned int lo, unsigned int hi, unsigned int shift);
__device__ unsigned int __funnelshift_r(unsigned int lo, unsigned int hi, unsigned int shift);
__device__ unsigned int __funnelshift_rc(unsigned int lo, unsigned int hi, unsigned int shift);
__device__ int __dp4a(int srcA, int srcB, int c);
__device__ unsigned int __dp4a(unsigned int srcA, unsigned int srcB, unsigned int c);

// min/max: CUDA declares these __host__ __device__ for every integer and
// floating combination (math_functions.h).
#define __XPILE_MINMAX(R, A, B)                                              \
  __host__ __device__ R min(A a, B b);                                       \
  __host__ __device__ R max(A a, B b);
__XPILE_MINMAX(int, int, int)
__XPILE_MINMAX(unsigned int, unsigned int, unsigned int)
__XPILE_MINMAX(unsigned int, int, unsigned int)
__XPILE_MINMAX(unsigned int, unsigned int, int)
__XPILE_MINMAX(long, long, long)
__XPILE_MINMAX(unsigned long, unsigned long, unsigned long)
__XPILE_MINMAX(unsigned long, long, unsigned long)
__XPILE_MINMAX(unsigned long, unsigned long, long)
__XPILE_MINMAX(long long, long long, long long)
__XPILE_MINMAX(unsigned long long, unsigned long long, unsigned long long)
__XPILE_MINMAX(unsigned long long, long long, unsigned long long)
__XPILE_MINMAX(unsigned long long, unsigned long long, long long)
__XPILE_MINMAX(float, float, float)
__XPILE_MINMAX(double, double, double)
__XPILE_MINMAX(double, float, double)
__XPILE_MINMAX(double, double, float)
#undef __XPILE_MINMAX
__device__ unsigned int umin(unsigned int a, unsigned int b);
__device__ unsigned int umax(unsigned int a, unsigned int b);
__device__ long long llmin(long long a, long long b);
__device__ long long llmax(long long a, long long b);
__device__ unsigned long long ullmin(unsigned long long a, unsigned long long b);
__device__ unsigned long long ullmax(unsigned long long a, unsigned long long b);

// ---------------------------------------------------------------------------
// Type reinterpretation and rounding-mode conversions.
// ---------------------------------------------------------------------------
__device__ float __int_as_float(int x);
__device__ int __float_as_int(float x);
__device__ float __uint_as_float(unsigned int x);
__device__ unsigned int __float_as_uint(float x);
__device__ double __longlong_as_double(long long x);
__device__ long long __double_as_longlong(double x);
__device__ double __hiloint2double(int hi, int lo);
__device__ int __double2hiint(double x);
__device__ int __double2loint(double x);

#define __XPILE_CVT4(R, name, A)                                             \
  __device__ R name##_rn(A x);                                               \
  __device__ R name##_rz(A x);                                               \
  __device__ R name##_ru(A x);                                               \
  __device__ R name##_rd(A x);
__XPILE_CVT4(int, __float2int, float)
__XPILE_CVT4(unsigned int, __float2uint, float)
__XPILE_CVT4(long long, __float2ll, float)
__XPILE_CVT4(unsigned long long, __float2ull, float)
__XPILE_CVT4(float, __int2float, int)
__XPILE_CVT4(float, __uint2float, unsigned int)
__XPILE_CVT4(float, __ll2float, long long)
__XPILE_CVT4(float, __ull2float, unsigned long long)
__XPILE_CVT4(int, __double2int, double)
__XPILE_CVT4(unsigned int, __double2uint, double)
__XPILE_CVT4(long long, __double2ll, double)
__XPILE_CVT4(unsigned long long, __double2ull, double)
__XPILE_CVT4(float, __double2float, double)
__XPILE_CVT4(double, __ll2double, long long)
__XPILE_CVT4(double, __ull2double, unsigned long long)
#undef __XPILE_CVT4
__device__ double __int2double_rn(int x);
__device__ double __uint2double_rn(unsigned int x);

// ---------------------------------------------------------------------------
// Single/double precision intrinsics with explicit rounding, fast-math ones.
// ---------------------------------------------------------------------------
#define __XPILE_ROUND2(R, name)                                              \
  __device__ R name##_rn(R a, R b);                                          \
  __device__ R name##_rz(R a, R b);                                          \
  __device__ R name##_ru(R a, R b);                                          \
  __device__ R name##_rd(R a, R b);
__XPILE_ROUND2(float, __fadd)
__XPILE_ROUND2(float, __fsub)
__XPILE_ROUND2(float, __fmul)
__XPILE_ROUND2(float, __fdiv)
__XPILE_ROUND2(double, __dadd)
__XPILE_ROUND2(double, __dsub)
__XPILE_ROUND2(double, __dmul)
__XPILE_ROUND2(double, __ddiv)
#undef __XPILE_ROUND2
#define __XPILE_ROUND_FMA(R, name)                                           \
  __device__ R name##_rn(R a, R b, R c);                                     \
  __device__ R name##_rz(R a, R b, R c);                                     \
  __device__ R name##_ru(R a, R b, R c);                                     \
  __device__ R name##_rd(R a, R b, R c);
__XPILE_ROUND_FMA(float, __fmaf)
__XPILE_ROUND_FMA(double, __fma)
#undef __XPILE_ROUND_FMA
__device__ float __frcp_rn(float x);
__device__ float __fsqrt_rn(float x);
__device__ float __frsqrt_rn(float x);
__device__ double __drcp_rn(double x);
__device__ double __dsqrt_rn(double x);
__device__ float __fdividef(float x, float y);
__device__ float __saturatef(float x);
__device__ float __expf(float x);
__device__ float __exp10f(float x);
__device__ float __logf(float x);
__device__ float __log2f(float x);
__device__ float __log10f(float x);
__device__ float __sinf(float x);
__device__ float __cosf(float x);
__device__ float __tanf(float x);
__device__ void __sincosf(float x, float* sptr, float* cptr);
__device__ float __powf(float x, float y);

// ---------------------------------------------------------------------------
// The CUDA/HIP device math library. The C library versions (from <math.h>)
// are host functions; these __device__ overloads are what device code calls
// (Clang resolves by execution space). Float overloads of the unsuffixed
// names (exp(float)) exist in CUDA device code as well.
// ---------------------------------------------------------------------------
#define __XPILE_MATH1(name)                                                  \
  __device__ float name##f(float x);                                         \
  __device__ float name(float x);                                            \
  __device__ double name(double x);
#define __XPILE_MATH2(name)                                                  \
  __device__ float name##f(float x, float y);                                \
  __device__ float name(float x, float y);                                   \
  __device__ double name(double x, double y);
__XPILE_MATH1(acos) __XPILE_MATH1(asin) __XPILE_MATH1(atan)
__XPILE_MATH1(acosh) __XPILE_MATH1(asinh) __XPILE_MATH1(atanh)
__XPILE_MATH1(cos) __XPILE_MATH1(sin) __XPILE_MATH1(tan)
__XPILE_MATH1(cosh) __XPILE_MATH1(sinh) __XPILE_MATH1(tanh)
__XPILE_MATH1(cospi) __XPILE_MATH1(sinpi)
__XPILE_MATH1(exp) __XPILE_MATH1(exp2) __XPILE_MATH1(exp10) __XPILE_MATH1(expm1)
__XPILE_MATH1(log) __XPILE_MATH1(log2) __XPILE_MATH1(log10) __XPILE_MATH1(log1p)
__XPILE_MATH1(logb)
__XPILE_MATH1(sqrt) __XPILE_MATH1(rsqrt) __XPILE_MATH1(cbrt) __XPILE_MATH1(rcbrt)
__XPILE_MATH1(erf) __XPILE_MATH1(erfc) __XPILE_MATH1(erfinv) __XPILE_MATH1(erfcinv)
__XPILE_MATH1(erfcx) __XPILE_MATH1(normcdf) __XPILE_MATH1(normcdfinv)
__XPILE_MATH1(lgamma) __XPILE_MATH1(tgamma)
__XPILE_MATH1(ceil) __XPILE_MATH1(floor) __XPILE_MATH1(trunc) __XPILE_MATH1(round)
__XPILE_MATH1(rint) __XPILE_MATH1(nearbyint) __XPILE_MATH1(fabs)
__XPILE_MATH2(atan2) __XPILE_MATH2(pow) __XPILE_MATH2(fmod) __XPILE_MATH2(remainder)
__XPILE_MATH2(fmax) __XPILE_MATH2(fmin) __XPILE_MATH2(fdim) __XPILE_MATH2(hypot)
__XPILE_MATH2(rhypot) __XPILE_MATH2(copysign) __XPILE_MATH2(nextafter)
#undef __XPILE_MATH1
#undef __XPILE_MATH2
__device__ float fmaf(float x, float y, float z);
__device__ float fma(float x, float y, float z);
__device__ double fma(double x, double y, double z);
__device__ float fdividef(float x, float y);
__device__ float ldexpf(float x, int e);
__device__ double ldexp(double x, int e);
__device__ float frexpf(float x, int* e);
__device__ double frexp(double x, int* e);
__device__ float modff(float x, float* ip);
__device__ double modf(double x, double* ip);
__device__ float scalbnf(float x, int n);
__device__ double scalbn(double x, int n);
__device__ int ilogbf(float x);
__device__ int ilogb(double x);
__device__ long lroundf(float x);
__device__ long lround(double x);
__device__ long long llroundf(float x);
__device__ long long llround(double x);
__device__ long lrintf(float x);
__device__ long lrint(double x);
__device__ long long llrintf(float x);
__device__ long long llrint(double x);
__device__ void sincosf(float x, float* s, float* c);
__device__ void sincos(double x, double* s, double* c);
__device__ void sincospif(float x, float* s, float* c);
__device__ void sincospi(double x, double* s, double* c);
__device__ float norm3df(float a, float b, float c);
__device__ float rnorm3df(float a, float b, float c);
__device__ float norm4df(float a, float b, float c, float d);
__device__ float rnorm4df(float a, float b, float c, float d);
__device__ int abs(int x);
__device__ long labs(long x);
__device__ long long llabs(long long x);
__device__ float abs(float x);
__device__ double abs(double x);
__device__ int __isnanf(float x);
__device__ int __isinff(float x);
__device__ int __finitef(float x);

// std:: spellings in device code resolve to the device overloads as well.
namespace std {
using ::acos; using ::asin; using ::atan; using ::atan2; using ::cos; using ::sin;
using ::tan; using ::cosh; using ::sinh; using ::tanh; using ::exp; using ::exp2;
using ::expm1; using ::log; using ::log2; using ::log10; using ::log1p; using ::sqrt;
using ::cbrt; using ::erf; using ::erfc; using ::ceil; using ::floor; using ::trunc;
using ::round; using ::rint; using ::fabs; using ::pow; using ::fmod; using ::fmax;
using ::fmin; using ::hypot; using ::fma; using ::abs; using ::lgamma; using ::tgamma;
using ::copysign;
}  // namespace std

// printf is a device function too (stdio must still be included, as with nvcc).
#endif  // XPILE_PRELUDE_GPU_COMMON_H
