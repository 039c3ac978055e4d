// xpile prelude: bfloat16, shared by cuda_bf16.h and hip/hip_bf16.h.
//
// The includer names the types first:
//   #define __XPILE_BF16  __nv_bfloat16   (HIP: __hip_bfloat16)
//   #define __XPILE_BF162 __nv_bfloat162  (HIP: __hip_bfloat162)
// Clang 16's __bf16 is storage-only on x86 (no arithmetic), so unlike __half
// this is a struct with conversions and operators, like the vendor headers;
// overload resolution therefore matches them (e.g. `bf16 * float` is
// ambiguous here exactly as with nvcc).
#ifndef XPILE_PRELUDE_BF16_H
#define XPILE_PRELUDE_BF16_H

#if !defined(__XPILE_BF16) || !defined(__XPILE_BF162)
#error "define __XPILE_BF16 and __XPILE_BF162 before including __xpile_bf16.h"
#endif

struct __align__(2) __XPILE_BF16 {
  unsigned short __x;  // raw bits, as in the SDK
  __XPILE_BF16() = default;
  __host__ __device__ __XPILE_BF16(float f);
  __host__ __device__ __XPILE_BF16(double f);
  __host__ __device__ __XPILE_BF16(short v);
  __host__ __device__ __XPILE_BF16(unsigned short v);
  __host__ __device__ __XPILE_BF16(int v);
  __host__ __device__ __XPILE_BF16(unsigned int v);
  __host__ __device__ __XPILE_BF16(long v);
  __host__ __device__ __XPILE_BF16(unsigned long v);
  __host__ __device__ __XPILE_BF16(long long v);
  __host__ __device__ __XPILE_BF16(unsigned long long v);
  __host__ __device__ operator float() const;
  __host__ __device__ __XPILE_BF16& operator=(float f);
  __host__ __device__ __XPILE_BF16& operator=(double f);
};

struct __align__(4) __XPILE_BF162 {
  __XPILE_BF16 x, y;
  __XPILE_BF162() = default;
  __host__ __device__ __XPILE_BF162(const __XPILE_BF16& a, const __XPILE_BF16& b);
};

#define __XPILE_B __XPILE_BF16
#define __XPILE_B2 __XPILE_BF162

// ---- conversions ----------------------------------------------------------
__host__ __device__ __XPILE_B __float2bfloat16(float a);
__host__ __device__ __XPILE_B __float2bfloat16_rn(float a);
__host__ __device__ __XPILE_B __float2bfloat16_rz(float a);
__host__ __device__ __XPILE_B __float2bfloat16_ru(float a);
__host__ __device__ __XPILE_B __float2bfloat16_rd(float a);
__host__ __device__ __XPILE_B __double2bfloat16(double a);
__host__ __device__ float __bfloat162float(__XPILE_B a);
__host__ __device__ __XPILE_B2 __float2bfloat162_rn(float a);
__host__ __device__ __XPILE_B2 __floats2bfloat162_rn(float a, float b);
__host__ __device__ __XPILE_B2 __float22bfloat162_rn(float2 a);
__host__ __device__ float2 __bfloat1622float2(__XPILE_B2 a);
__host__ __device__ float __low2float(__XPILE_B2 a);
__host__ __device__ float __high2float(__XPILE_B2 a);
__host__ __device__ __XPILE_B __low2bfloat16(__XPILE_B2 a);
__host__ __device__ __XPILE_B __high2bfloat16(__XPILE_B2 a);
__host__ __device__ __XPILE_B2 __halves2bfloat162(__XPILE_B a, __XPILE_B b);
__host__ __device__ __XPILE_B2 __bfloat162bfloat162(__XPILE_B a);
__host__ __device__ __XPILE_B2 make_bfloat162(__XPILE_B x, __XPILE_B y);
__host__ __device__ short __bfloat16_as_short(__XPILE_B h);
__host__ __device__ unsigned short __bfloat16_as_ushort(__XPILE_B h);
__host__ __device__ __XPILE_B __short_as_bfloat16(short i);
__host__ __device__ __XPILE_B __ushort_as_bfloat16(unsigned short i);
__host__ __device__ int __bfloat162int_rn(__XPILE_B a);
__host__ __device__ int __bfloat162int_rz(__XPILE_B a);
__host__ __device__ __XPILE_B __int2bfloat16_rn(int a);
__host__ __device__ __XPILE_B __float2bfloat16_satfinite(float a);

// ---- arithmetic and comparison intrinsics (overloads of the __half ones) --
__host__ __device__ __XPILE_B __hadd(__XPILE_B a, __XPILE_B b);
__host__ __device__ __XPILE_B __hsub(__XPILE_B a, __XPILE_B b);
__host__ __device__ __XPILE_B __hmul(__XPILE_B a, __XPILE_B b);
__host__ __device__ __XPILE_B __hdiv(__XPILE_B a, __XPILE_B b);
__host__ __device__ __XPILE_B __hfma(__XPILE_B a, __XPILE_B b, __XPILE_B c);
__host__ __device__ __XPILE_B __hfma_relu(__XPILE_B a, __XPILE_B b, __XPILE_B c);
__host__ __device__ __XPILE_B __hneg(__XPILE_B a);
__host__ __device__ __XPILE_B __habs(__XPILE_B a);
__host__ __device__ __XPILE_B __hmax(__XPILE_B a, __XPILE_B b);
__host__ __device__ __XPILE_B __hmin(__XPILE_B a, __XPILE_B b);
__host__ __device__ bool __heq(__XPILE_B a, __XPILE_B b);
__host__ __device__ bool __hne(__XPILE_B a, __XPILE_B b);
__host__ __device__ bool __hlt(__XPILE_B a, __XPILE_B b);
__host__ __device__ bool __hle(__XPILE_B a, __XPILE_B b);
__host__ __device__ bool __hgt(__XPILE_B a, __XPILE_B b);
__host__ __device__ bool __hge(__XPILE_B a, __XPILE_B b);
__host__ __device__ bool __hisnan(__XPILE_B a);
__host__ __device__ int __hisinf(__XPILE_B a);
__host__ __device__ __XPILE_B2 __hadd2(__XPILE_B2 a, __XPILE_B2 b);
__host__ __device__ __XPILE_B2 __hsub2(__XPILE_B2 a, __XPILE_B2 b);
__host__ __device__ __XPILE_B2 __hmul2(__XPILE_B2 a, __XPILE_B2 b);
__host__ __device__ __XPILE_B2 __h2div(__XPILE_B2 a, __XPILE_B2 b);
__host__ __device__ __XPILE_B2 __hfma2(__XPILE_B2 a, __XPILE_B2 b, __XPILE_B2 c);
__host__ __device__ __XPILE_B2 __hneg2(__XPILE_B2 a);
__host__ __device__ __XPILE_B2 __habs2(__XPILE_B2 a);
__host__ __device__ __XPILE_B2 __hmax2(__XPILE_B2 a, __XPILE_B2 b);
__host__ __device__ __XPILE_B2 __hmin2(__XPILE_B2 a, __XPILE_B2 b);

// ---- operators --------------------------------------------------------------
#define __XPILE_BF_OPS(T)                                                    \
  __host__ __device__ T operator+(const T& a, const T& b);                   \
  __host__ __device__ T operator-(const T& a, const T& b);                   \
  __host__ __device__ T operator*(const T& a, const T& b);                   \
  __host__ __device__ T operator/(const T& a, const T& b);                   \
  __host__ __device__ T& operator+=(T& a, const T& b);                       \
  __host__ __device__ T& operator-=(T& a, const T& b);                       \
  __host__ __device__ T& operator*=(T& a, const T& b);                       \
  __host__ __device__ T& operator/=(T& a, const T& b);                       \
  __host__ __device__ T operator+(const T& a);                               \
  __host__ __device__ T operator-(const T& a);                               \
  __host__ __device__ bool operator==(const T& a, const T& b);               \
  __host__ __device__ bool operator!=(const T& a, const T& b);
__XPILE_BF_OPS(__XPILE_B)
__XPILE_BF_OPS(__XPILE_B2)
#undef __XPILE_BF_OPS
__host__ __device__ __XPILE_B& operator++(__XPILE_B& a);
__host__ __device__ __XPILE_B& operator--(__XPILE_B& a);
__host__ __device__ __XPILE_B operator++(__XPILE_B& a, int);
__host__ __device__ __XPILE_B operator--(__XPILE_B& a, int);
__host__ __device__ bool operator<(const __XPILE_B& a, const __XPILE_B& b);
__host__ __device__ bool operator>(const __XPILE_B& a, const __XPILE_B& b);
__host__ __device__ bool operator<=(const __XPILE_B& a, const __XPILE_B& b);
__host__ __device__ bool operator>=(const __XPILE_B& a, const __XPILE_B& b);

// ---- math (device only) -----------------------------------------------------
#define __XPILE_BMATH(name)                                                  \
  __device__ __XPILE_B h##name(__XPILE_B a);                                 \
  __device__ __XPILE_B2 h2##name(__XPILE_B2 a);
__XPILE_BMATH(exp) __XPILE_BMATH(exp2) __XPILE_BMATH(exp10)
__XPILE_BMATH(log) __XPILE_BMATH(log2) __XPILE_BMATH(log10)
__XPILE_BMATH(sqrt) __XPILE_BMATH(rsqrt) __XPILE_BMATH(rcp)
__XPILE_BMATH(sin) __XPILE_BMATH(cos) __XPILE_BMATH(tanh)
__XPILE_BMATH(floor) __XPILE_BMATH(ceil) __XPILE_BMATH(trunc) __XPILE_BMATH(rint)
#undef __XPILE_BMATH

// ---- memory and warp operations ---------------------------------------------
__device__ __XPILE_B atomicAdd(__XPILE_B* address, __XPILE_B val);
__device__ __XPILE_B2 atomicAdd(__XPILE_B2* address, __XPILE_B2 val);
__device__ __XPILE_B __ldg(const __XPILE_B* ptr);
__device__ __XPILE_B2 __ldg(const __XPILE_B2* ptr);
__device__ __XPILE_B __shfl(__XPILE_B var, int srcLane, int width = warpSize);
__device__ __XPILE_B __shfl_up(__XPILE_B var, unsigned int delta, int width = warpSize);
__device__ __XPILE_B __shfl_down(__XPILE_B var, unsigned int delta, int width = warpSize);
__device__ __XPILE_B __shfl_xor(__XPILE_B var, int laneMask, int width = warpSize);

#undef __XPILE_B
#undef __XPILE_B2
#endif  // XPILE_PRELUDE_BF16_H
