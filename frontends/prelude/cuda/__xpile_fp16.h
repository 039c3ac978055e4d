// xpile prelude: IEEE half precision, shared by cuda_fp16.h and
// hip/hip_fp16.h (CUDA and HIP spell the type and its intrinsics the same).
//
// __half is Clang's builtin _Float16 rather than a struct: arithmetic,
// comparisons and float conversions become ordinary builtin operators and
// implicit casts in the AST (the front end maps the builtin Float16 type to
// its f16 element type), and it type-checks on the x86 host side of the
// parse. Known deviations from the vendor headers, which use a struct:
//  * `__half * float` is accepted (it yields float) where nvcc reports an
//    ambiguous operator; `__half + __half` etc. behave the same.
//  * user code that defines operators whose only parameters are __half
//    (pre-CUDA-9 code did) is rejected: C++ forbids overloading operators on
//    builtin types.
//  * __half has no members; conversions to/from raw bits go through
//    __half_raw / __half_as_ushort / __ushort_as_half.
#ifndef XPILE_PRELUDE_FP16_H
#define XPILE_PRELUDE_FP16_H

typedef _Float16 __half;
typedef __half half;

// Raw bit patterns (the aggregate form the vendor headers expose).
struct __half_raw {
  unsigned short x;
  __host__ __device__ operator __half() const;
};
struct __half2_raw {
  unsigned short x, y;
};

// A pair of halves. Member access (.x/.y) and operators as in the SDK.
struct __align__(4) __half2 {
  __half x, y;
  __half2() = default;
  __host__ __device__ constexpr __half2(__half a, __half b) : x(a), y(b) {}
  __host__ __device__ __half2(const __half2_raw& r);
  __host__ __device__ operator __half2_raw() const;
};
typedef __half2 half2;

// ---- conversions ----------------------------------------------------------
__host__ __device__ __half __float2half(float a);
__host__ __device__ __half __float2half_rn(float a);
__host__ __device__ __half __float2half_rz(float a);
__host__ __device__ __half __float2half_ru(float a);
__host__ __device__ __half __float2half_rd(float a);
__host__ __device__ __half __double2half(double a);
__host__ __device__ float __half2float(__half a);
__host__ __device__ __half2 __float2half2_rn(float a);
__host__ __device__ __half2 __floats2half2_rn(float a, float b);
__host__ __device__ __half2 __float22half2_rn(float2 a);
__host__ __device__ float2 __half22float2(__half2 a);
__host__ __device__ float __low2float(__half2 a);
__host__ __device__ float __high2float(__half2 a);
__host__ __device__ __half __low2half(__half2 a);
__host__ __device__ __half __high2half(__half2 a);
__host__ __device__ __half2 __halves2half2(__half a, __half b);
__host__ __device__ __half2 __half2half2(__half a);
__host__ __device__ __half2 __lows2half2(__half2 a, __half2 b);
__host__ __device__ __half2 __highs2half2(__half2 a, __half2 b);
__host__ __device__ __half2 __low2half2(__half2 a);
__host__ __device__ __half2 __high2half2(__half2 a);
__host__ __device__ __half2 __lowhigh2highlow(__half2 a);
__host__ __device__ __half2 make_half2(__half x, __half y);
__host__ __device__ short __half_as_short(__half h);
__host__ __device__ unsigned short __half_as_ushort(__half h);
__host__ __device__ __half __short_as_half(short i);
__host__ __device__ __half __ushort_as_half(unsigned short i);
#define __XPILE_H_CVT(R, name, A)                                            \
  __host__ __device__ R name##_rn(A x);                                      \
  __host__ __device__ R name##_rz(A x);                                      \
  __host__ __device__ R name##_ru(A x);                                      \
  __host__ __device__ R name##_rd(A x);
__XPILE_H_CVT(int, __half2int, __half)
__XPILE_H_CVT(unsigned int, __half2uint, __half)
__XPILE_H_CVT(short, __half2short, __half)
__XPILE_H_CVT(unsigned short, __half2ushort, __half)
__XPILE_H_CVT(long long, __half2ll, __half)
__XPILE_H_CVT(unsigned long long, __half2ull, __half)
__XPILE_H_CVT(__half, __int2half, int)
__XPILE_H_CVT(__half, __uint2half, unsigned int)
__XPILE_H_CVT(__half, __short2half, short)
__XPILE_H_CVT(__half, __ushort2half, unsigned short)
__XPILE_H_CVT(__half, __ll2half, long long)
__XPILE_H_CVT(__half, __ull2half, unsigned long long)
#undef __XPILE_H_CVT

// ---- arithmetic and comparison intrinsics -------------------------------
__host__ __device__ __half __hadd(__half a, __half b);
__host__ __device__ __half __hsub(__half a, __half b);
__host__ __device__ __half __hmul(__half a, __half b);
__host__ __device__ __half __hdiv(__half a, __half b);
__host__ __device__ __half __hadd_sat(__half a, __half b);
__host__ __device__ __half __hsub_sat(__half a, __half b);
__host__ __device__ __half __hmul_sat(__half a, __half b);
__host__ __device__ __half __hadd_rn(__half a, __half b);
__host__ __device__ __half __hmul_rn(__half a, __half b);
__host__ __device__ __half __hfma(__half a, __half b, __half c);
__host__ __device__ __half __hfma_sat(__half a, __half b, __half c);
__host__ __device__ __half __hfma_relu(__half a, __half b, __half c);
__host__ __device__ __half __hneg(__half a);
__host__ __device__ __half __habs(__half a);
__host__ __device__ __half __hmax(__half a, __half b);
__host__ __device__ __half __hmin(__half a, __half b);
__host__ __device__ __half __hmax_nan(__half a, __half b);
__host__ __device__ __half __hmin_nan(__half a, __half b);
__host__ __device__ bool __heq(__half a, __half b);
__host__ __device__ bool __hne(__half a, __half b);
__host__ __device__ bool __hlt(__half a, __half b);
__host__ __device__ bool __hle(__half a, __half b);
__host__ __device__ bool __hgt(__half a, __half b);
__host__ __device__ bool __hge(__half a, __half b);
__host__ __device__ bool __hequ(__half a, __half b);
__host__ __device__ bool __hneu(__half a, __half b);
__host__ __device__ bool __hltu(__half a, __half b);
__host__ __device__ bool __hleu(__half a, __half b);
__host__ __device__ bool __hgtu(__half a, __half b);
__host__ __device__ bool __hgeu(__half a, __half b);
__host__ __device__ bool __hisnan(__half a);
__host__ __device__ int __hisinf(__half a);

__host__ __device__ __half2 __hadd2(__half2 a, __half2 b);
__host__ __device__ __half2 __hsub2(__half2 a, __half2 b);
__host__ __device__ __half2 __hmul2(__half2 a, __half2 b);
__host__ __device__ __half2 __h2div(__half2 a, __half2 b);
__host__ __device__ __half2 __hadd2_sat(__half2 a, __half2 b);
__host__ __device__ __half2 __hsub2_sat(__half2 a, __half2 b);
__host__ __device__ __half2 __hmul2_sat(__half2 a, __half2 b);
__host__ __device__ __half2 __hfma2(__half2 a, __half2 b, __half2 c);
__host__ __device__ __half2 __hfma2_sat(__half2 a, __half2 b, __half2 c);
__host__ __device__ __half2 __hfma2_relu(__half2 a, __half2 b, __half2 c);
__host__ __device__ __half2 __hneg2(__half2 a);
__host__ __device__ __half2 __habs2(__half2 a);
__host__ __device__ __half2 __hmax2(__half2 a, __half2 b);
__host__ __device__ __half2 __hmin2(__half2 a, __half2 b);
__host__ __device__ __half2 __heq2(__half2 a, __half2 b);
__host__ __device__ __half2 __hne2(__half2 a, __half2 b);
__host__ __device__ __half2 __hlt2(__half2 a, __half2 b);
__host__ __device__ __half2 __hle2(__half2 a, __half2 b);
__host__ __device__ __half2 __hgt2(__half2 a, __half2 b);
__host__ __device__ __half2 __hge2(__half2 a, __half2 b);
__host__ __device__ bool __hbeq2(__half2 a, __half2 b);
__host__ __device__ bool __hbne2(__half2 a, __half2 b);
__host__ __device__ bool __hblt2(__half2 a, __half2 b);
__host__ __device__ bool __hble2(__half2 a, __half2 b);
__host__ __device__ bool __hbgt2(__half2 a, __half2 b);
__host__ __device__ bool __hbge2(__half2 a, __half2 b);
__host__ __device__ __half2 __hisnan2(__half2 a);

// __half2 operators (the __half ones are builtin, see above).
__host__ __device__ __half2 operator+(const __half2& a, const __half2& b);
__host__ __device__ __half2 operator-(const __half2& a, const __half2& b);
__host__ __device__ __half2 operator*(const __half2& a, const __half2& b);
__host__ __device__ __half2 operator/(const __half2& a, const __half2& b);
__host__ __device__ __half2& operator+=(__half2& a, const __half2& b);
__host__ __device__ __half2& operator-=(__half2& a, const __half2& b);
__host__ __device__ __half2& operator*=(__half2& a, const __half2& b);
__host__ __device__ __half2& operator/=(__half2& a, const __half2& b);
__host__ __device__ __half2 operator+(const __half2& a);
__host__ __device__ __half2 operator-(const __half2& a);
__host__ __device__ bool operator==(const __half2& a, const __half2& b);
__host__ __device__ bool operator!=(const __half2& a, const __half2& b);

// ---- math (device only, like the SDK) -------------------------------------
#define __XPILE_HMATH(name)                                                  \
  __device__ __half h##name(__half a);                                       \
  __device__ __half2 h2##name(__half2 a);
__XPILE_HMATH(exp) __XPILE_HMATH(exp2) __XPILE_HMATH(exp10)
__XPILE_HMATH(log) __XPILE_HMATH(log2) __XPILE_HMATH(log10)
__XPILE_HMATH(sqrt) __XPILE_HMATH(rsqrt) __XPILE_HMATH(rcp)
__XPILE_HMATH(sin) __XPILE_HMATH(cos) __XPILE_HMATH(tanh)
__XPILE_HMATH(floor) __XPILE_HMATH(ceil) __XPILE_HMATH(trunc) __XPILE_HMATH(rint)
#undef __XPILE_HMATH

// ---- memory and warp operations on halves ---------------------------------
__device__ __half atomicAdd(__half* address, __half val);
__device__ __half2 atomicAdd(__half2* address, __half2 val);
__device__ __half __ldg(const __half* ptr);
__device__ __half2 __ldg(const __half2* ptr);
__device__ __half __ldcg(const __half* ptr);
__device__ __half2 __ldcg(const __half2* ptr);
__device__ __half __ldcs(const __half* ptr);
__device__ __half2 __ldcs(const __half2* ptr);
__device__ __half __shfl(__half var, int srcLane, int width = warpSize);
__device__ __half __shfl_up(__half var, unsigned int delta, int width = warpSize);
__device__ __half __shfl_down(__half var, unsigned int delta, int width = warpSize);
__device__ __half __shfl_xor(__half var, int laneMask, int width = warpSize);
__device__ __half2 __shfl(__half2 var, int srcLane, int width = warpSize);
__device__ __half2 __shfl_up(__half2 var, unsigned int delta, int width = warpSize);
__device__ __half2 __shfl_down(__half2 var, unsigned int delta, int width = warpSize);
__device__ __half2 __shfl_xor(__half2 var, int laneMask, int width = warpSize);

#endif  // XPILE_PRELUDE_FP16_H
