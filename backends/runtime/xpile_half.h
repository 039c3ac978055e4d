// xpile runtime: IEEE binary16 (`__half`, `half`) and bfloat16 (`__nv_bfloat16`, `__hip_bfloat16`)
// for the executors. Compiled INTO the program under test by clang++-16 (never into xpile).
//
//  - `__half` is Clang's builtin `_Float16` (exactly as in xpile's CUDA/HIP preludes and as BANG's
//    `half`), so `__half` arithmetic, comparisons and float conversions are builtin operators.
//    `__half2` is a struct of two halves.
//  - The bfloat16 type is ONE struct with 16-bit storage (`__x`) and arithmetic through float;
//    `__nv_bfloat16`, `nv_bfloat16`, `__hip_bfloat16` and `hip_bfloat16` all name it.
//  - Every conversion is done by bit manipulation with an explicit rounding mode (round to nearest
//    even, toward zero, down, up, nearest-away), including overflow (to inf or to the largest finite
//    value, as the mode requires), subnormals and NaN (a NaN stays a NaN: the canonical 0x7fff).
//  - The `__h*` intrinsics round each operation once, as the hardware does: + - * / are computed in
//    float and rounded once to half/bf16 (exact: float has at least 2p+2 bits of both formats), fma is
//    computed in double with a round-to-odd step and then rounded once (exact in all cases).
//
// The public helpers in xpile::half_detail (Rounding, floatToHalfBits, floatToBf16Bits,
// halfBitsToFloat, bf16BitsToFloat, ...) are also used by the BANG executor for its bfloat16_t.
// Everything here is host code (no __device__ qualifiers): the vocabulary headers define those.
#pragma once

#include "xpile_rt.h"

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace xpile::half_detail {

enum class Rounding { NearestEven, TowardZero, Down, Up, NearestAwayFromZero };

// Rounds a double to a binary format with `ExpBits` exponent bits and `ManBits` stored mantissa bits
// (binary16: 5/10, bfloat16: 8/7) and returns its bit pattern. Exact for every double input: the value
// is decomposed into an integer significand and a power of two, shifted to the target quantum (the ulp
// of the result's binade, or the subnormal quantum), and rounded from the guard bit and sticky bits.
template <int ExpBits, int ManBits> inline uint16_t roundDoubleToBits(double value, Rounding mode) {
  constexpr int bias = (1 << (ExpBits - 1)) - 1;
  constexpr uint32_t expMask = ((1u << ExpBits) - 1) << ManBits;
  constexpr uint32_t maxFinite = expMask - 1;  // largest exponent field below all-ones, full mantissa
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  const bool negative = (bits >> 63) != 0;
  const uint32_t sign = negative ? (1u << (ExpBits + ManBits)) : 0u;
  const int dexp = static_cast<int>((bits >> 52) & 0x7ff);
  const uint64_t dman = bits & ((uint64_t(1) << 52) - 1);
  if (dexp == 0x7ff) {
    if (dman != 0) return 0x7fff;  // NaN -> canonical quiet NaN (what CUDA returns)
    return static_cast<uint16_t>(sign | expMask);
  }
  if (dexp == 0 && dman == 0) return static_cast<uint16_t>(sign);
  // value = sig * 2^(e - 52) with sig a 53-bit integer (subnormal doubles: normalised below).
  uint64_t sig;
  int e;
  if (dexp == 0) {
    sig = dman;
    e = -1022;
    while (!(sig & (uint64_t(1) << 52))) {
      sig <<= 1;
      --e;
    }
  } else {
    sig = dman | (uint64_t(1) << 52);
    e = dexp - 1023;
  }
  // Quantum (exponent of the result's last mantissa bit).
  const int minNormalExp = 1 - bias;
  const bool subnormal = e < minNormalExp;
  const int quantum = subnormal ? (minNormalExp - ManBits) : (e - ManBits);
  const int shift = quantum - (e - 52);  // >= 52 - ManBits > 0
  uint64_t kept, guard, sticky;
  if (shift >= 64) {  // far below the smallest subnormal: only sticky bits (sig < 2^53, nonzero)
    kept = 0;
    guard = 0;
    sticky = 1;
  } else {
    kept = sig >> shift;
    guard = (sig >> (shift - 1)) & 1;
    sticky = (sig & ((uint64_t(1) << (shift - 1)) - 1)) != 0;
  }
  const bool inexact = guard || sticky;
  bool up = false;
  switch (mode) {
  case Rounding::NearestEven: up = guard && (sticky || (kept & 1)); break;
  case Rounding::TowardZero: up = false; break;
  case Rounding::Down: up = negative && inexact; break;
  case Rounding::Up: up = !negative && inexact; break;
  case Rounding::NearestAwayFromZero: up = guard; break;
  }
  kept += up ? 1 : 0;
  uint64_t encoded;
  if (subnormal) {
    encoded = kept;  // kept == 2^ManBits carries into the smallest normal, which has the same encoding
  } else {
    if (e + bias >= static_cast<int>(expMask >> ManBits)) {
      encoded = uint64_t(expMask) + 1;  // beyond the largest binade: overflow below
    } else {
      encoded = (uint64_t(e + bias) << ManBits) + kept - (uint64_t(1) << ManBits);
    }
  }
  if (encoded >= expMask) {  // overflow: infinity or the largest finite value, by mode
    bool toInf = false;
    switch (mode) {
    case Rounding::NearestEven:
    case Rounding::NearestAwayFromZero: toInf = true; break;
    case Rounding::TowardZero: toInf = false; break;
    case Rounding::Down: toInf = negative; break;
    case Rounding::Up: toInf = !negative; break;
    }
    return static_cast<uint16_t>(sign | (toInf ? expMask : maxFinite));
  }
  return static_cast<uint16_t>(sign | static_cast<uint32_t>(encoded));
}

// Decodes a binary format with ExpBits/ManBits to double (exact).
template <int ExpBits, int ManBits> inline double bitsToDouble(uint16_t bits) {
  constexpr int bias = (1 << (ExpBits - 1)) - 1;
  const bool negative = (bits >> (ExpBits + ManBits)) & 1;
  const int exp = (bits >> ManBits) & ((1 << ExpBits) - 1);
  const int man = bits & ((1 << ManBits) - 1);
  double v;
  if (exp == (1 << ExpBits) - 1)
    v = man ? std::numeric_limits<double>::quiet_NaN() : std::numeric_limits<double>::infinity();
  else if (exp == 0)
    v = std::ldexp(static_cast<double>(man), 1 - bias - ManBits);
  else
    v = std::ldexp(static_cast<double>(man | (1 << ManBits)), exp - bias - ManBits);
  return negative ? -v : v;
}

inline uint16_t doubleToHalfBits(double d, Rounding mode = Rounding::NearestEven) { return roundDoubleToBits<5, 10>(d, mode); }
inline uint16_t floatToHalfBits(float f, Rounding mode = Rounding::NearestEven) {
  return roundDoubleToBits<5, 10>(static_cast<double>(f), mode);
}
inline uint16_t doubleToBf16Bits(double d, Rounding mode = Rounding::NearestEven) { return roundDoubleToBits<8, 7>(d, mode); }
// float -> bfloat16: bfloat16 is the upper half of a float, so this is done on the float's bits
// directly (same results as the generic path; cheaper, as bf16 conversions are frequent).
inline uint16_t floatToBf16Bits(float f, Rounding mode = Rounding::NearestEven) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  if ((u & 0x7fffffffu) > 0x7f800000u) return 0x7fff;  // NaN
  if ((u & 0x7fffffffu) == 0x7f800000u) return static_cast<uint16_t>(u >> 16);
  const bool negative = (u >> 31) != 0;
  const uint32_t kept = u >> 16, rest = u & 0xffffu;
  const bool guard = (rest & 0x8000u) != 0, sticky = (rest & 0x7fffu) != 0, inexact = rest != 0;
  bool up = false;
  switch (mode) {
  case Rounding::NearestEven: up = guard && (sticky || (kept & 1)); break;
  case Rounding::TowardZero: up = false; break;
  case Rounding::Down: up = negative && inexact; break;
  case Rounding::Up: up = !negative && inexact; break;
  case Rounding::NearestAwayFromZero: up = guard; break;
  }
  uint32_t r = kept + (up ? 1u : 0u);  // a carry into the exponent is right; into inf means overflow
  if ((r & 0x7fffu) == 0x7f80u) {       // overflowed to infinity: directed modes may stop at max finite
    bool toInf = mode == Rounding::NearestEven || mode == Rounding::NearestAwayFromZero ||
                 (mode == Rounding::Down && negative) || (mode == Rounding::Up && !negative);
    if (!toInf) r = (r & 0x8000u) | 0x7f7fu;
  }
  return static_cast<uint16_t>(r);
}
inline float halfBitsToFloat(uint16_t h) { return static_cast<float>(bitsToDouble<5, 10>(h)); }
inline float bf16BitsToFloat(uint16_t b) {
  uint32_t u = static_cast<uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

// a*b+c rounded once to the target format: a*b is exact in double for half/bf16/float operands; the
// sum is computed in double and made round-to-odd (the exact error from TwoSum decides the last bit),
// after which a single rounding to any narrower format (p + 2 <= 53 bits) is the correctly rounded result.
inline double fmaRoundToOdd(double a, double b, double c) {
  double p = a * b;  // exact for operands of at most 26 significant bits
  double s = p + c;
  if (!std::isfinite(s)) return s;
  double bb = s - p;
  double err = (p - (s - bb)) + (c - bb);
  if (err != 0) {
    uint64_t bits;
    std::memcpy(&bits, &s, sizeof bits);
    if ((bits & 1) == 0) s = std::nextafter(s, err > 0 ? INFINITY : -INFINITY);
  }
  return s;
}

}  // namespace xpile::half_detail

// ================================================================================================
// __half
// ================================================================================================
typedef _Float16 __half;
typedef _Float16 half;

struct __half_raw {
  unsigned short x;
  operator __half() const {
    __half h;
    std::memcpy(&h, &x, sizeof h);
    return h;
  }
};
struct __half2_raw {
  unsigned short x, y;
};

inline __half __xpile_half_from_bits(uint16_t bits) {
  __half h;
  std::memcpy(&h, &bits, sizeof h);
  return h;
}
inline uint16_t __xpile_half_bits(__half h) {
  uint16_t b;
  std::memcpy(&b, &h, sizeof b);
  return b;
}

struct __attribute__((aligned(4))) __half2 {
  __half x, y;
  __half2() = default;
  constexpr __half2(__half a, __half b) : x(a), y(b) {}
  __half2(const __half2_raw &r) : x(__xpile_half_from_bits(r.x)), y(__xpile_half_from_bits(r.y)) {}
  operator __half2_raw() const { return {__xpile_half_bits(x), __xpile_half_bits(y)}; }
};
typedef __half2 half2;

// ---- conversions -------------------------------------------------------------------------------
#define XPILE_HALF_CVT(SUFFIX, MODE)                                                                     \
  inline __half __float2half##SUFFIX(float a) {                                                          \
    return __xpile_half_from_bits(::xpile::half_detail::floatToHalfBits(a, ::xpile::half_detail::Rounding::MODE)); \
  }                                                                                                      \
  inline __half __double2half##SUFFIX(double a) {                                                        \
    return __xpile_half_from_bits(::xpile::half_detail::doubleToHalfBits(a, ::xpile::half_detail::Rounding::MODE)); \
  }
XPILE_HALF_CVT(, NearestEven)
XPILE_HALF_CVT(_rn, NearestEven)
XPILE_HALF_CVT(_rz, TowardZero)
XPILE_HALF_CVT(_rd, Down)
XPILE_HALF_CVT(_ru, Up)
#undef XPILE_HALF_CVT

inline float __half2float(__half a) { return static_cast<float>(a); }  // exact
inline __half2 __float2half2_rn(float a) { return __half2(__float2half_rn(a), __float2half_rn(a)); }
inline __half2 __floats2half2_rn(float a, float b) { return __half2(__float2half_rn(a), __float2half_rn(b)); }
inline float __low2float(__half2 a) { return static_cast<float>(a.x); }
inline float __high2float(__half2 a) { return static_cast<float>(a.y); }
inline __half __low2half(__half2 a) { return a.x; }
inline __half __high2half(__half2 a) { return a.y; }
inline __half2 __halves2half2(__half a, __half b) { return __half2(a, b); }
inline __half2 __half2half2(__half a) { return __half2(a, a); }
inline __half2 __lows2half2(__half2 a, __half2 b) { return __half2(a.x, b.x); }
inline __half2 __highs2half2(__half2 a, __half2 b) { return __half2(a.y, b.y); }
inline __half2 __low2half2(__half2 a) { return __half2(a.x, a.x); }
inline __half2 __high2half2(__half2 a) { return __half2(a.y, a.y); }
inline __half2 __lowhigh2highlow(__half2 a) { return __half2(a.y, a.x); }
inline __half2 make_half2(__half x, __half y) { return __half2(x, y); }
inline short __half_as_short(__half h) { return static_cast<short>(__xpile_half_bits(h)); }
inline unsigned short __half_as_ushort(__half h) { return __xpile_half_bits(h); }
inline __half __short_as_half(short i) { return __xpile_half_from_bits(static_cast<uint16_t>(i)); }
inline __half __ushort_as_half(unsigned short i) { return __xpile_half_from_bits(i); }

namespace xpile::half_detail {
// float -> integer with a rounding mode and the saturation the GPU conversions have (NaN -> 0).
template <typename I> inline I floatToInt(double v, Rounding mode) {
  if (std::isnan(v)) return 0;
  double r = mode == Rounding::TowardZero ? std::trunc(v)
             : mode == Rounding::Down     ? std::floor(v)
             : mode == Rounding::Up       ? std::ceil(v)
                                          : std::nearbyint(v);
  if (r <= static_cast<double>(std::numeric_limits<I>::min())) return std::numeric_limits<I>::min();
  if (r >= static_cast<double>(std::numeric_limits<I>::max())) return std::numeric_limits<I>::max();
  return static_cast<I>(r);
}
}  // namespace xpile::half_detail

#define XPILE_HALF_INT_CVT(I, NAME)                                                                     \
  inline I __half2##NAME##_rn(__half a) { return ::xpile::half_detail::floatToInt<I>(a, ::xpile::half_detail::Rounding::NearestEven); } \
  inline I __half2##NAME##_rz(__half a) { return ::xpile::half_detail::floatToInt<I>(a, ::xpile::half_detail::Rounding::TowardZero); } \
  inline I __half2##NAME##_rd(__half a) { return ::xpile::half_detail::floatToInt<I>(a, ::xpile::half_detail::Rounding::Down); } \
  inline I __half2##NAME##_ru(__half a) { return ::xpile::half_detail::floatToInt<I>(a, ::xpile::half_detail::Rounding::Up); } \
  inline __half __##NAME##2half_rn(I v) { return __double2half_rn(static_cast<double>(v)); }            \
  inline __half __##NAME##2half_rz(I v) { return __double2half_rz(static_cast<double>(v)); }            \
  inline __half __##NAME##2half_rd(I v) { return __double2half_rd(static_cast<double>(v)); }            \
  inline __half __##NAME##2half_ru(I v) { return __double2half_ru(static_cast<double>(v)); }
XPILE_HALF_INT_CVT(int, int)
XPILE_HALF_INT_CVT(unsigned int, uint)
XPILE_HALF_INT_CVT(short, short)
XPILE_HALF_INT_CVT(unsigned short, ushort)
XPILE_HALF_INT_CVT(long long, ll)
XPILE_HALF_INT_CVT(unsigned long long, ull)
#undef XPILE_HALF_INT_CVT

// ---- arithmetic: computed in float (exact or correctly rounded), rounded once to half ------------
namespace xpile::half_detail {
inline __half roundHalf(float f) { return __xpile_half_from_bits(floatToHalfBits(f, Rounding::NearestEven)); }
inline __half roundHalfD(double d) { return __xpile_half_from_bits(doubleToHalfBits(d, Rounding::NearestEven)); }
inline float sat01(float f) { return std::isnan(f) ? 0.0f : f < 0.0f ? 0.0f : f > 1.0f ? 1.0f : f; }
inline __half canonicalNaN() { return __xpile_half_from_bits(0x7fff); }
}  // namespace xpile::half_detail

inline __half __hadd(__half a, __half b) { return ::xpile::half_detail::roundHalf(float(a) + float(b)); }
inline __half __hsub(__half a, __half b) { return ::xpile::half_detail::roundHalf(float(a) - float(b)); }
inline __half __hmul(__half a, __half b) { return ::xpile::half_detail::roundHalf(float(a) * float(b)); }
inline __half __hdiv(__half a, __half b) { return ::xpile::half_detail::roundHalf(float(a) / float(b)); }
inline __half __hadd_rn(__half a, __half b) { return __hadd(a, b); }
inline __half __hsub_rn(__half a, __half b) { return __hsub(a, b); }
inline __half __hmul_rn(__half a, __half b) { return __hmul(a, b); }
inline __half __hfma(__half a, __half b, __half c) {
  return ::xpile::half_detail::roundHalfD(::xpile::half_detail::fmaRoundToOdd(double(a), double(b), double(c)));
}
inline __half __hadd_sat(__half a, __half b) { return ::xpile::half_detail::roundHalf(::xpile::half_detail::sat01(float(__hadd(a, b)))); }
inline __half __hsub_sat(__half a, __half b) { return ::xpile::half_detail::roundHalf(::xpile::half_detail::sat01(float(__hsub(a, b)))); }
inline __half __hmul_sat(__half a, __half b) { return ::xpile::half_detail::roundHalf(::xpile::half_detail::sat01(float(__hmul(a, b)))); }
inline __half __hfma_sat(__half a, __half b, __half c) { return ::xpile::half_detail::roundHalf(::xpile::half_detail::sat01(float(__hfma(a, b, c)))); }
inline __half __hfma_relu(__half a, __half b, __half c) {
  __half r = __hfma(a, b, c);
  if (r != r) return ::xpile::half_detail::canonicalNaN();
  return float(r) < 0.0f ? __half(0.0f) : r;
}
inline __half __hneg(__half a) { return __xpile_half_from_bits(static_cast<uint16_t>(__xpile_half_bits(a) ^ 0x8000u)); }
inline __half __habs(__half a) { return __xpile_half_from_bits(static_cast<uint16_t>(__xpile_half_bits(a) & 0x7fffu)); }
// __hmax/__hmin: a NaN operand is ignored (fmax semantics); both NaN gives the canonical NaN.
inline __half __hmax(__half a, __half b) {
  if (a != a && b != b) return ::xpile::half_detail::canonicalNaN();
  if (a != a) return b;
  if (b != b) return a;
  return float(a) > float(b) ? a : b;
}
inline __half __hmin(__half a, __half b) {
  if (a != a && b != b) return ::xpile::half_detail::canonicalNaN();
  if (a != a) return b;
  if (b != b) return a;
  return float(a) < float(b) ? a : b;
}
inline __half __hmax_nan(__half a, __half b) { return (a != a || b != b) ? ::xpile::half_detail::canonicalNaN() : __hmax(a, b); }
inline __half __hmin_nan(__half a, __half b) { return (a != a || b != b) ? ::xpile::half_detail::canonicalNaN() : __hmin(a, b); }
// Ordered comparisons are false with a NaN operand; the unordered (..u) ones are true.
inline bool __heq(__half a, __half b) { return float(a) == float(b); }
inline bool __hne(__half a, __half b) { return float(a) < float(b) || float(a) > float(b); }
inline bool __hlt(__half a, __half b) { return float(a) < float(b); }
inline bool __hle(__half a, __half b) { return float(a) <= float(b); }
inline bool __hgt(__half a, __half b) { return float(a) > float(b); }
inline bool __hge(__half a, __half b) { return float(a) >= float(b); }
inline bool __hequ(__half a, __half b) { return !(float(a) < float(b) || float(a) > float(b)); }
inline bool __hneu(__half a, __half b) { return !(float(a) == float(b)); }
inline bool __hltu(__half a, __half b) { return !(float(a) >= float(b)); }
inline bool __hleu(__half a, __half b) { return !(float(a) > float(b)); }
inline bool __hgtu(__half a, __half b) { return !(float(a) <= float(b)); }
inline bool __hgeu(__half a, __half b) { return !(float(a) < float(b)); }
inline bool __hisnan(__half a) { return a != a; }
inline int __hisinf(__half a) {
  uint16_t b = __xpile_half_bits(a);
  return b == 0x7c00 ? 1 : b == 0xfc00 ? -1 : 0;
}

// ---- __half2: each lane rounded as its __half counterpart ------------------------------------------
#define XPILE_H2_BIN(NAME2, NAME)                                                           \
  inline __half2 NAME2(__half2 a, __half2 b) { return __half2(NAME(a.x, b.x), NAME(a.y, b.y)); }
XPILE_H2_BIN(__hadd2, __hadd)
XPILE_H2_BIN(__hsub2, __hsub)
XPILE_H2_BIN(__hmul2, __hmul)
XPILE_H2_BIN(__h2div, __hdiv)
XPILE_H2_BIN(__hadd2_sat, __hadd_sat)
XPILE_H2_BIN(__hsub2_sat, __hsub_sat)
XPILE_H2_BIN(__hmul2_sat, __hmul_sat)
XPILE_H2_BIN(__hadd2_rn, __hadd)
XPILE_H2_BIN(__hmul2_rn, __hmul)
XPILE_H2_BIN(__hmax2, __hmax)
XPILE_H2_BIN(__hmin2, __hmin)
XPILE_H2_BIN(__hmax2_nan, __hmax_nan)
XPILE_H2_BIN(__hmin2_nan, __hmin_nan)
#undef XPILE_H2_BIN
inline __half2 __hfma2(__half2 a, __half2 b, __half2 c) { return __half2(__hfma(a.x, b.x, c.x), __hfma(a.y, b.y, c.y)); }
inline __half2 __hfma2_sat(__half2 a, __half2 b, __half2 c) { return __half2(__hfma_sat(a.x, b.x, c.x), __hfma_sat(a.y, b.y, c.y)); }
inline __half2 __hfma2_relu(__half2 a, __half2 b, __half2 c) { return __half2(__hfma_relu(a.x, b.x, c.x), __hfma_relu(a.y, b.y, c.y)); }
inline __half2 __hneg2(__half2 a) { return __half2(__hneg(a.x), __hneg(a.y)); }
inline __half2 __habs2(__half2 a) { return __half2(__habs(a.x), __habs(a.y)); }
#define XPILE_H2_CMP(NAME2, BNAME2, NAME)                                                                  \
  inline __half2 NAME2(__half2 a, __half2 b) {                                                              \
    return __half2(NAME(a.x, b.x) ? __half(1.0f) : __half(0.0f), NAME(a.y, b.y) ? __half(1.0f) : __half(0.0f)); \
  }                                                                                                        \
  inline bool BNAME2(__half2 a, __half2 b) { return NAME(a.x, b.x) && NAME(a.y, b.y); }
XPILE_H2_CMP(__heq2, __hbeq2, __heq)
XPILE_H2_CMP(__hne2, __hbne2, __hne)
XPILE_H2_CMP(__hlt2, __hblt2, __hlt)
XPILE_H2_CMP(__hle2, __hble2, __hle)
XPILE_H2_CMP(__hgt2, __hbgt2, __hgt)
XPILE_H2_CMP(__hge2, __hbge2, __hge)
XPILE_H2_CMP(__hequ2, __hbequ2, __hequ)
XPILE_H2_CMP(__hneu2, __hbneu2, __hneu)
XPILE_H2_CMP(__hltu2, __hbltu2, __hltu)
XPILE_H2_CMP(__hleu2, __hbleu2, __hleu)
XPILE_H2_CMP(__hgtu2, __hbgtu2, __hgtu)
XPILE_H2_CMP(__hgeu2, __hbgeu2, __hgeu)
#undef XPILE_H2_CMP
inline __half2 __hisnan2(__half2 a) { return __half2(__hisnan(a.x) ? __half(1.0f) : __half(0.0f), __hisnan(a.y) ? __half(1.0f) : __half(0.0f)); }

inline __half2 operator+(const __half2 &a, const __half2 &b) { return __hadd2(a, b); }
inline __half2 operator-(const __half2 &a, const __half2 &b) { return __hsub2(a, b); }
inline __half2 operator*(const __half2 &a, const __half2 &b) { return __hmul2(a, b); }
inline __half2 operator/(const __half2 &a, const __half2 &b) { return __h2div(a, b); }
inline __half2 &operator+=(__half2 &a, const __half2 &b) { return a = __hadd2(a, b); }
inline __half2 &operator-=(__half2 &a, const __half2 &b) { return a = __hsub2(a, b); }
inline __half2 &operator*=(__half2 &a, const __half2 &b) { return a = __hmul2(a, b); }
inline __half2 &operator/=(__half2 &a, const __half2 &b) { return a = __h2div(a, b); }
inline __half2 operator+(const __half2 &a) { return a; }
inline __half2 operator-(const __half2 &a) { return __hneg2(a); }
inline bool operator==(const __half2 &a, const __half2 &b) { return __hbeq2(a, b); }
inline bool operator!=(const __half2 &a, const __half2 &b) { return __hbneu2(a, b); }

// ---- half math: computed in float, rounded once to half ---------------------------------------------
#define XPILE_HMATH(NAME, EXPR)                                                                         \
  inline __half h##NAME(__half a) {                                                                     \
    float x = float(a);                                                                                 \
    return ::xpile::half_detail::roundHalf(EXPR);                                                       \
  }                                                                                                     \
  inline __half2 h2##NAME(__half2 a) { return __half2(h##NAME(a.x), h##NAME(a.y)); }
XPILE_HMATH(exp, std::exp(x))
XPILE_HMATH(exp2, std::exp2(x))
XPILE_HMATH(exp10, static_cast<float>(std::pow(10.0, double(x))))
XPILE_HMATH(log, std::log(x))
XPILE_HMATH(log2, std::log2(x))
XPILE_HMATH(log10, std::log10(x))
XPILE_HMATH(sqrt, std::sqrt(x))
XPILE_HMATH(rsqrt, static_cast<float>(1.0 / std::sqrt(double(x))))
XPILE_HMATH(rcp, 1.0f / x)
XPILE_HMATH(sin, std::sin(x))
XPILE_HMATH(cos, std::cos(x))
XPILE_HMATH(tanh, std::tanh(x))
XPILE_HMATH(floor, std::floor(x))
XPILE_HMATH(ceil, std::ceil(x))
XPILE_HMATH(trunc, std::trunc(x))
XPILE_HMATH(rint, std::nearbyint(x))
#undef XPILE_HMATH

// ================================================================================================
// bfloat16: one struct, 16-bit storage, arithmetic through float.
// ================================================================================================
struct __nv_bfloat16_raw {
  unsigned short x;
};

struct __attribute__((aligned(2))) __nv_bfloat16 {
  unsigned short __x;  // raw bits, as in the SDK
  __nv_bfloat16() = default;
  constexpr __nv_bfloat16(const __nv_bfloat16_raw &r) : __x(r.x) {}
  __nv_bfloat16(float f) : __x(::xpile::half_detail::floatToBf16Bits(f)) {}
  __nv_bfloat16(double d) : __x(::xpile::half_detail::doubleToBf16Bits(d)) {}
  __nv_bfloat16(short v) : __x(::xpile::half_detail::doubleToBf16Bits(v)) {}
  __nv_bfloat16(unsigned short v) : __x(::xpile::half_detail::doubleToBf16Bits(v)) {}
  __nv_bfloat16(int v) : __x(::xpile::half_detail::doubleToBf16Bits(v)) {}
  __nv_bfloat16(unsigned int v) : __x(::xpile::half_detail::doubleToBf16Bits(v)) {}
  __nv_bfloat16(long v) : __x(::xpile::half_detail::doubleToBf16Bits(static_cast<double>(v))) {}
  __nv_bfloat16(unsigned long v) : __x(::xpile::half_detail::doubleToBf16Bits(static_cast<double>(v))) {}
  __nv_bfloat16(long long v) : __x(::xpile::half_detail::doubleToBf16Bits(static_cast<double>(v))) {}
  __nv_bfloat16(unsigned long long v) : __x(::xpile::half_detail::doubleToBf16Bits(static_cast<double>(v))) {}
  operator float() const { return ::xpile::half_detail::bf16BitsToFloat(__x); }
  operator __nv_bfloat16_raw() const { return {__x}; }
  __nv_bfloat16 &operator=(float f) { return *this = __nv_bfloat16(f); }
  __nv_bfloat16 &operator=(double d) { return *this = __nv_bfloat16(d); }
  __nv_bfloat16 &operator=(const __nv_bfloat16_raw &r) { __x = r.x; return *this; }
};
typedef __nv_bfloat16 nv_bfloat16;
typedef __nv_bfloat16 __hip_bfloat16;
typedef __nv_bfloat16 hip_bfloat16;
typedef __nv_bfloat16_raw __hip_bfloat16_raw;

struct __attribute__((aligned(4))) __nv_bfloat162 {
  __nv_bfloat16 x, y;
  __nv_bfloat162() = default;
  constexpr __nv_bfloat162(const __nv_bfloat16 &a, const __nv_bfloat16 &b) : x(a), y(b) {}
};
typedef __nv_bfloat162 nv_bfloat162;
typedef __nv_bfloat162 __hip_bfloat162;

inline __nv_bfloat16 __xpile_bf16_from_bits(uint16_t bits) { return __nv_bfloat16(__nv_bfloat16_raw{bits}); }

#define XPILE_BF16_CVT(SUFFIX, MODE)                                                                   \
  inline __nv_bfloat16 __float2bfloat16##SUFFIX(float a) {                                             \
    return __xpile_bf16_from_bits(::xpile::half_detail::floatToBf16Bits(a, ::xpile::half_detail::Rounding::MODE)); \
  }                                                                                                    \
  inline __nv_bfloat16 __double2bfloat16##SUFFIX(double a) {                                           \
    return __xpile_bf16_from_bits(::xpile::half_detail::doubleToBf16Bits(a, ::xpile::half_detail::Rounding::MODE)); \
  }
XPILE_BF16_CVT(, NearestEven)
XPILE_BF16_CVT(_rn, NearestEven)
XPILE_BF16_CVT(_rz, TowardZero)
XPILE_BF16_CVT(_rd, Down)
XPILE_BF16_CVT(_ru, Up)
#undef XPILE_BF16_CVT
inline float __bfloat162float(__nv_bfloat16 a) { return ::xpile::half_detail::bf16BitsToFloat(a.__x); }
inline __nv_bfloat16 __float2bfloat16_satfinite(float a) {
  if (std::isnan(a)) return __xpile_bf16_from_bits(0x7fff);
  __nv_bfloat16 r = __float2bfloat16_rn(a);
  if ((r.__x & 0x7fffu) == 0x7f80u) r.__x = static_cast<unsigned short>((r.__x & 0x8000u) | 0x7f7fu);
  return r;
}
inline __nv_bfloat162 __float2bfloat162_rn(float a) { return __nv_bfloat162(__float2bfloat16_rn(a), __float2bfloat16_rn(a)); }
inline __nv_bfloat162 __floats2bfloat162_rn(float a, float b) { return __nv_bfloat162(__float2bfloat16_rn(a), __float2bfloat16_rn(b)); }
inline float __low2float(__nv_bfloat162 a) { return __bfloat162float(a.x); }
inline float __high2float(__nv_bfloat162 a) { return __bfloat162float(a.y); }
inline __nv_bfloat16 __low2bfloat16(__nv_bfloat162 a) { return a.x; }
inline __nv_bfloat16 __high2bfloat16(__nv_bfloat162 a) { return a.y; }
inline __nv_bfloat162 __halves2bfloat162(__nv_bfloat16 a, __nv_bfloat16 b) { return __nv_bfloat162(a, b); }
inline __nv_bfloat162 __bfloat162bfloat162(__nv_bfloat16 a) { return __nv_bfloat162(a, a); }
inline __nv_bfloat162 make_bfloat162(__nv_bfloat16 x, __nv_bfloat16 y) { return __nv_bfloat162(x, y); }
inline short __bfloat16_as_short(__nv_bfloat16 h) { return static_cast<short>(h.__x); }
inline unsigned short __bfloat16_as_ushort(__nv_bfloat16 h) { return h.__x; }
inline __nv_bfloat16 __short_as_bfloat16(short i) { return __xpile_bf16_from_bits(static_cast<uint16_t>(i)); }
inline __nv_bfloat16 __ushort_as_bfloat16(unsigned short i) { return __xpile_bf16_from_bits(i); }
inline int __bfloat162int_rn(__nv_bfloat16 a) { return ::xpile::half_detail::floatToInt<int>(__bfloat162float(a), ::xpile::half_detail::Rounding::NearestEven); }
inline int __bfloat162int_rz(__nv_bfloat16 a) { return ::xpile::half_detail::floatToInt<int>(__bfloat162float(a), ::xpile::half_detail::Rounding::TowardZero); }
inline int __bfloat162int_rd(__nv_bfloat16 a) { return ::xpile::half_detail::floatToInt<int>(__bfloat162float(a), ::xpile::half_detail::Rounding::Down); }
inline int __bfloat162int_ru(__nv_bfloat16 a) { return ::xpile::half_detail::floatToInt<int>(__bfloat162float(a), ::xpile::half_detail::Rounding::Up); }
inline __nv_bfloat16 __int2bfloat16_rn(int a) { return __double2bfloat16_rn(a); }
inline __nv_bfloat16 __int2bfloat16_rz(int a) { return __double2bfloat16_rz(a); }
inline __nv_bfloat16 __int2bfloat16_rd(int a) { return __double2bfloat16_rd(a); }
inline __nv_bfloat16 __int2bfloat16_ru(int a) { return __double2bfloat16_ru(a); }
// bf16 <-> half (CUDA 12 has no direct intrinsic; provided for the BANG executor and ports).
inline __half __xpile_bfloat162half(__nv_bfloat16 a) { return __float2half_rn(__bfloat162float(a)); }

namespace xpile::half_detail {
inline __nv_bfloat16 roundBf16(float f) { return __xpile_bf16_from_bits(floatToBf16Bits(f, Rounding::NearestEven)); }
inline bool isNaN(__nv_bfloat16 a) { return (a.__x & 0x7fffu) > 0x7f80u; }
}  // namespace xpile::half_detail

// ---- bf16 intrinsics (CUDA 12 overloads of the __half ones) -------------------------------------------
inline __nv_bfloat16 __hadd(__nv_bfloat16 a, __nv_bfloat16 b) { return ::xpile::half_detail::roundBf16(float(a) + float(b)); }
inline __nv_bfloat16 __hsub(__nv_bfloat16 a, __nv_bfloat16 b) { return ::xpile::half_detail::roundBf16(float(a) - float(b)); }
inline __nv_bfloat16 __hmul(__nv_bfloat16 a, __nv_bfloat16 b) { return ::xpile::half_detail::roundBf16(float(a) * float(b)); }
inline __nv_bfloat16 __hdiv(__nv_bfloat16 a, __nv_bfloat16 b) { return ::xpile::half_detail::roundBf16(float(a) / float(b)); }
inline __nv_bfloat16 __hadd_rn(__nv_bfloat16 a, __nv_bfloat16 b) { return __hadd(a, b); }
inline __nv_bfloat16 __hsub_rn(__nv_bfloat16 a, __nv_bfloat16 b) { return __hsub(a, b); }
inline __nv_bfloat16 __hmul_rn(__nv_bfloat16 a, __nv_bfloat16 b) { return __hmul(a, b); }
inline __nv_bfloat16 __hfma(__nv_bfloat16 a, __nv_bfloat16 b, __nv_bfloat16 c) {
  return __xpile_bf16_from_bits(::xpile::half_detail::doubleToBf16Bits(
      ::xpile::half_detail::fmaRoundToOdd(double(float(a)), double(float(b)), double(float(c)))));
}
inline __nv_bfloat16 __hadd_sat(__nv_bfloat16 a, __nv_bfloat16 b) { return ::xpile::half_detail::roundBf16(::xpile::half_detail::sat01(float(__hadd(a, b)))); }
inline __nv_bfloat16 __hsub_sat(__nv_bfloat16 a, __nv_bfloat16 b) { return ::xpile::half_detail::roundBf16(::xpile::half_detail::sat01(float(__hsub(a, b)))); }
inline __nv_bfloat16 __hmul_sat(__nv_bfloat16 a, __nv_bfloat16 b) { return ::xpile::half_detail::roundBf16(::xpile::half_detail::sat01(float(__hmul(a, b)))); }
inline __nv_bfloat16 __hfma_sat(__nv_bfloat16 a, __nv_bfloat16 b, __nv_bfloat16 c) { return ::xpile::half_detail::roundBf16(::xpile::half_detail::sat01(float(__hfma(a, b, c)))); }
inline __nv_bfloat16 __hfma_relu(__nv_bfloat16 a, __nv_bfloat16 b, __nv_bfloat16 c) {
  __nv_bfloat16 r = __hfma(a, b, c);
  if (::xpile::half_detail::isNaN(r)) return __xpile_bf16_from_bits(0x7fff);
  return float(r) < 0.0f ? __xpile_bf16_from_bits(0) : r;
}
inline __nv_bfloat16 __hneg(__nv_bfloat16 a) { return __xpile_bf16_from_bits(static_cast<uint16_t>(a.__x ^ 0x8000u)); }
inline __nv_bfloat16 __habs(__nv_bfloat16 a) { return __xpile_bf16_from_bits(static_cast<uint16_t>(a.__x & 0x7fffu)); }
inline __nv_bfloat16 __hmax(__nv_bfloat16 a, __nv_bfloat16 b) {
  using xpile::half_detail::isNaN;
  if (isNaN(a) && isNaN(b)) return __xpile_bf16_from_bits(0x7fff);
  if (isNaN(a)) return b;
  if (isNaN(b)) return a;
  return float(a) > float(b) ? a : b;
}
inline __nv_bfloat16 __hmin(__nv_bfloat16 a, __nv_bfloat16 b) {
  using xpile::half_detail::isNaN;
  if (isNaN(a) && isNaN(b)) return __xpile_bf16_from_bits(0x7fff);
  if (isNaN(a)) return b;
  if (isNaN(b)) return a;
  return float(a) < float(b) ? a : b;
}
inline __nv_bfloat16 __hmax_nan(__nv_bfloat16 a, __nv_bfloat16 b) {
  return (xpile::half_detail::isNaN(a) || xpile::half_detail::isNaN(b)) ? __xpile_bf16_from_bits(0x7fff) : __hmax(a, b);
}
inline __nv_bfloat16 __hmin_nan(__nv_bfloat16 a, __nv_bfloat16 b) {
  return (xpile::half_detail::isNaN(a) || xpile::half_detail::isNaN(b)) ? __xpile_bf16_from_bits(0x7fff) : __hmin(a, b);
}
inline bool __heq(__nv_bfloat16 a, __nv_bfloat16 b) { return float(a) == float(b); }
inline bool __hne(__nv_bfloat16 a, __nv_bfloat16 b) { return float(a) < float(b) || float(a) > float(b); }
inline bool __hlt(__nv_bfloat16 a, __nv_bfloat16 b) { return float(a) < float(b); }
inline bool __hle(__nv_bfloat16 a, __nv_bfloat16 b) { return float(a) <= float(b); }
inline bool __hgt(__nv_bfloat16 a, __nv_bfloat16 b) { return float(a) > float(b); }
inline bool __hge(__nv_bfloat16 a, __nv_bfloat16 b) { return float(a) >= float(b); }
inline bool __hequ(__nv_bfloat16 a, __nv_bfloat16 b) { return !(float(a) < float(b) || float(a) > float(b)); }
inline bool __hneu(__nv_bfloat16 a, __nv_bfloat16 b) { return !(float(a) == float(b)); }
inline bool __hltu(__nv_bfloat16 a, __nv_bfloat16 b) { return !(float(a) >= float(b)); }
inline bool __hleu(__nv_bfloat16 a, __nv_bfloat16 b) { return !(float(a) > float(b)); }
inline bool __hgtu(__nv_bfloat16 a, __nv_bfloat16 b) { return !(float(a) <= float(b)); }
inline bool __hgeu(__nv_bfloat16 a, __nv_bfloat16 b) { return !(float(a) < float(b)); }
inline bool __hisnan(__nv_bfloat16 a) { return xpile::half_detail::isNaN(a); }
inline int __hisinf(__nv_bfloat16 a) { return a.__x == 0x7f80 ? 1 : a.__x == 0xff80 ? -1 : 0; }

#define XPILE_B2_BIN(NAME2, NAME)                                                                         \
  inline __nv_bfloat162 NAME2(__nv_bfloat162 a, __nv_bfloat162 b) { return __nv_bfloat162(NAME(a.x, b.x), NAME(a.y, b.y)); }
XPILE_B2_BIN(__hadd2, __hadd)
XPILE_B2_BIN(__hsub2, __hsub)
XPILE_B2_BIN(__hmul2, __hmul)
XPILE_B2_BIN(__h2div, __hdiv)
XPILE_B2_BIN(__hadd2_sat, __hadd_sat)
XPILE_B2_BIN(__hsub2_sat, __hsub_sat)
XPILE_B2_BIN(__hmul2_sat, __hmul_sat)
XPILE_B2_BIN(__hmax2, __hmax)
XPILE_B2_BIN(__hmin2, __hmin)
XPILE_B2_BIN(__hmax2_nan, __hmax_nan)
XPILE_B2_BIN(__hmin2_nan, __hmin_nan)
#undef XPILE_B2_BIN
inline __nv_bfloat162 __hfma2(__nv_bfloat162 a, __nv_bfloat162 b, __nv_bfloat162 c) {
  return __nv_bfloat162(__hfma(a.x, b.x, c.x), __hfma(a.y, b.y, c.y));
}
inline __nv_bfloat162 __hfma2_relu(__nv_bfloat162 a, __nv_bfloat162 b, __nv_bfloat162 c) {
  return __nv_bfloat162(__hfma_relu(a.x, b.x, c.x), __hfma_relu(a.y, b.y, c.y));
}
inline __nv_bfloat162 __hneg2(__nv_bfloat162 a) { return __nv_bfloat162(__hneg(a.x), __hneg(a.y)); }
inline __nv_bfloat162 __habs2(__nv_bfloat162 a) { return __nv_bfloat162(__habs(a.x), __habs(a.y)); }

// Operators: through float, each result rounded once to bfloat16 (RNE), as cuda_bf16.hpp does.
inline __nv_bfloat16 operator+(const __nv_bfloat16 &a, const __nv_bfloat16 &b) { return __hadd(a, b); }
inline __nv_bfloat16 operator-(const __nv_bfloat16 &a, const __nv_bfloat16 &b) { return __hsub(a, b); }
inline __nv_bfloat16 operator*(const __nv_bfloat16 &a, const __nv_bfloat16 &b) { return __hmul(a, b); }
inline __nv_bfloat16 operator/(const __nv_bfloat16 &a, const __nv_bfloat16 &b) { return __hdiv(a, b); }
inline __nv_bfloat16 &operator+=(__nv_bfloat16 &a, const __nv_bfloat16 &b) { return a = __hadd(a, b); }
inline __nv_bfloat16 &operator-=(__nv_bfloat16 &a, const __nv_bfloat16 &b) { return a = __hsub(a, b); }
inline __nv_bfloat16 &operator*=(__nv_bfloat16 &a, const __nv_bfloat16 &b) { return a = __hmul(a, b); }
inline __nv_bfloat16 &operator/=(__nv_bfloat16 &a, const __nv_bfloat16 &b) { return a = __hdiv(a, b); }
inline __nv_bfloat16 operator+(const __nv_bfloat16 &a) { return a; }
inline __nv_bfloat16 operator-(const __nv_bfloat16 &a) { return __hneg(a); }
inline __nv_bfloat16 &operator++(__nv_bfloat16 &a) { return a = __hadd(a, __nv_bfloat16(1.0f)); }
inline __nv_bfloat16 &operator--(__nv_bfloat16 &a) { return a = __hsub(a, __nv_bfloat16(1.0f)); }
inline __nv_bfloat16 operator++(__nv_bfloat16 &a, int) { __nv_bfloat16 old = a; ++a; return old; }
inline __nv_bfloat16 operator--(__nv_bfloat16 &a, int) { __nv_bfloat16 old = a; --a; return old; }
inline bool operator==(const __nv_bfloat16 &a, const __nv_bfloat16 &b) { return __heq(a, b); }
inline bool operator!=(const __nv_bfloat16 &a, const __nv_bfloat16 &b) { return __hneu(a, b); }
inline bool operator<(const __nv_bfloat16 &a, const __nv_bfloat16 &b) { return __hlt(a, b); }
inline bool operator>(const __nv_bfloat16 &a, const __nv_bfloat16 &b) { return __hgt(a, b); }
inline bool operator<=(const __nv_bfloat16 &a, const __nv_bfloat16 &b) { return __hle(a, b); }
inline bool operator>=(const __nv_bfloat16 &a, const __nv_bfloat16 &b) { return __hge(a, b); }
inline __nv_bfloat162 operator+(const __nv_bfloat162 &a, const __nv_bfloat162 &b) { return __hadd2(a, b); }
inline __nv_bfloat162 operator-(const __nv_bfloat162 &a, const __nv_bfloat162 &b) { return __hsub2(a, b); }
inline __nv_bfloat162 operator*(const __nv_bfloat162 &a, const __nv_bfloat162 &b) { return __hmul2(a, b); }
inline __nv_bfloat162 operator/(const __nv_bfloat162 &a, const __nv_bfloat162 &b) { return __h2div(a, b); }
inline __nv_bfloat162 &operator+=(__nv_bfloat162 &a, const __nv_bfloat162 &b) { return a = __hadd2(a, b); }
inline __nv_bfloat162 &operator-=(__nv_bfloat162 &a, const __nv_bfloat162 &b) { return a = __hsub2(a, b); }
inline __nv_bfloat162 &operator*=(__nv_bfloat162 &a, const __nv_bfloat162 &b) { return a = __hmul2(a, b); }
inline __nv_bfloat162 &operator/=(__nv_bfloat162 &a, const __nv_bfloat162 &b) { return a = __h2div(a, b); }
inline __nv_bfloat162 operator+(const __nv_bfloat162 &a) { return a; }
inline __nv_bfloat162 operator-(const __nv_bfloat162 &a) { return __hneg2(a); }
inline bool operator==(const __nv_bfloat162 &a, const __nv_bfloat162 &b) { return a.x == b.x && a.y == b.y; }
inline bool operator!=(const __nv_bfloat162 &a, const __nv_bfloat162 &b) { return a.x != b.x && a.y != b.y; }

#define XPILE_BMATH(NAME, EXPR)                                                                             \
  inline __nv_bfloat16 h##NAME(__nv_bfloat16 a) {                                                           \
    float x = float(a);                                                                                     \
    return ::xpile::half_detail::roundBf16(EXPR);                                                           \
  }                                                                                                         \
  inline __nv_bfloat162 h2##NAME(__nv_bfloat162 a) { return __nv_bfloat162(h##NAME(a.x), h##NAME(a.y)); }
XPILE_BMATH(exp, std::exp(x))
XPILE_BMATH(exp2, std::exp2(x))
XPILE_BMATH(exp10, static_cast<float>(std::pow(10.0, double(x))))
XPILE_BMATH(log, std::log(x))
XPILE_BMATH(log2, std::log2(x))
XPILE_BMATH(log10, std::log10(x))
XPILE_BMATH(sqrt, std::sqrt(x))
XPILE_BMATH(rsqrt, static_cast<float>(1.0 / std::sqrt(double(x))))
XPILE_BMATH(rcp, 1.0f / x)
XPILE_BMATH(sin, std::sin(x))
XPILE_BMATH(cos, std::cos(x))
XPILE_BMATH(tanh, std::tanh(x))
XPILE_BMATH(floor, std::floor(x))
XPILE_BMATH(ceil, std::ceil(x))
XPILE_BMATH(trunc, std::trunc(x))
XPILE_BMATH(rint, std::nearbyint(x))
#undef XPILE_BMATH

// ---- dtypes of buffers ------------------------------------------------------------------------------
namespace xpile::rt {
template <> struct DTypeTraits<_Float16> { static constexpr DType value = DType::F16; };
template <> struct DTypeTraits<__half2> { static constexpr DType value = DType::F16; };  // pairs of f16
template <> struct DTypeTraits<__nv_bfloat16> { static constexpr DType value = DType::BF16; };
template <> struct DTypeTraits<__nv_bfloat162> { static constexpr DType value = DType::BF16; };
}  // namespace xpile::rt
