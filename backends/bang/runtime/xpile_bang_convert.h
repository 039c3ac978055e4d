// xpile BANG executor, part 6: type conversions (§8.8) with every rounding suffix implemented
// exactly:
//   _rn  round to nearest, ties to even          _tz  toward zero
//   _dn  toward -infinity                        _up  toward +infinity
//   _oz  away from zero ("off zero", directed)   _rd  round to nearest, ties away from zero
//                                                     (the doc's "round-nearest-off-zero")
//   _rm  "round-math" [UNCERTAIN]: taken as C round(), i.e. nearest with ties away from zero.
// Conversions to half and bfloat16_t are xpile::half_detail's (backends/runtime/xpile_half.h, the
// rounding shared with the CUDA/HIP executors), and so are the float -> integer ones; a NaN becomes
// the canonical quiet NaN 0x7fff (integers: 0). Two things half_detail has no entry for are BANG's
// own here: the _oz mode (no Rounding value; it is Up or Down by the operand's sign, see rounding())
// and rounding to float (for int -> float; half_detail rounds only to 16-bit formats), see toFloat().
// Fixed point: value = integer * 2^fix_position, so float2int computes round(x / 2^fix_position)
// and int2float computes n * 2^fix_position. Integer results saturate; NaN converts to 0.
#pragma once

#include "xpile_bang_core.h"

namespace xpile::bang::detail {

// The BANG rounding suffixes (XB_RND_* below).
enum class Rnd { NearestEven, TowardZero, Down, Up, AwayFromZero, NearestAway };

// The half_detail mode that rounds a value of the given sign as `mode` does. Directed rounding away
// from zero (_oz) is rounding up for a positive value and down for a negative one, overflow
// included (to infinity either way); half_detail::Rounding has no value of its own for it.
inline half_detail::Rounding rounding(Rnd mode, bool negative) {
  using half_detail::Rounding;
  switch (mode) {
  case Rnd::NearestEven: return Rounding::NearestEven;
  case Rnd::TowardZero: return Rounding::TowardZero;
  case Rnd::Down: return Rounding::Down;
  case Rnd::Up: return Rounding::Up;
  case Rnd::AwayFromZero: return negative ? Rounding::Down : Rounding::Up;
  case Rnd::NearestAway: return Rounding::NearestAwayFromZero;
  }
  return Rounding::NearestEven;
}

// x is exact in double (a float, or an integer times a power of two), so this rounds once.
inline half toHalf(double x, Rnd mode) {
  return __xpile_half_from_bits(half_detail::doubleToHalfBits(x, rounding(mode, x < 0)));
}
inline bfloat16_t toBf16(float x, Rnd mode) {
  bfloat16_t r;
  r.value = half_detail::floatToBf16Bits(x, rounding(mode, x < 0));
  return r;
}

// Rounds x to float with `mode`: BANG-specific, as half_detail only rounds to 16-bit formats. The
// cast rounds to nearest even (the default floating-point environment); its error x - f is exact in
// double (f is x's nearest float: the error is a multiple of x's last bit and below f's ulp), and
// tells which neighbour each mode wants: one nextafter step at most. Overflow needs no special case:
// a cast that overflowed to infinity steps back to the largest float for the modes that stop there.
inline float toFloat(double x, Rnd mode) {
  if (std::isnan(x)) return std::numeric_limits<float>::quiet_NaN();
  float f = static_cast<float>(x);
  const double err = x - static_cast<double>(f);  // > 0: f lies below x
  if (err == 0.0) return f;
  const float below = err > 0 ? f : std::nextafter(f, -INFINITY);
  const float above = err > 0 ? std::nextafter(f, INFINITY) : f;
  const bool negative = x < 0;
  switch (mode) {
  case Rnd::NearestEven: return f;
  case Rnd::TowardZero: return negative ? above : below;
  case Rnd::Down: return below;
  case Rnd::Up: return above;
  case Rnd::AwayFromZero: return negative ? below : above;
  case Rnd::NearestAway: {
    // Only a tie differs from nearest even: then f is the even neighbour, the result the outer one.
    const float other = err > 0 ? above : below;
    const bool tie = std::isfinite(other) && std::fabs(static_cast<double>(other) - x) == std::fabs(err);
    return tie ? (negative ? below : above) : f;
  }
  }
  return f;
}

// Float -> integer: half_detail::floatToInt (NaN -> 0, saturation). Its nearest mode is ties-to-
// even only, so ties away from zero are rounded first (std::round, exact) and then truncated.
template <class I> inline I toInt(double x, Rnd mode) {
  if (mode == Rnd::NearestAway) return half_detail::floatToInt<I>(std::round(x), half_detail::Rounding::TowardZero);
  return half_detail::floatToInt<I>(x, rounding(mode, x < 0));
}

template <class D, class S, class F> inline void convert(const char *fn, D *dst, const S *src, int n, F f) {
  requireCount(fn, "src_count", n);
  if (strict()) {
    strictAddress(fn, dst);
    strictAddress(fn, src);
  }
  D *out = scratch<D>(n);
  for (int i = 0; i < n; ++i) out[i] = f(src[i]);
  std::memcpy(static_cast<void *>(dst), out, n * sizeof(D));
}

// Strided forms: segnum+1 blocks of n elements; block i at dst + i*dst_stride, src + i*src_stride
// (bytes). No aliasing is allowed by the doc, but blocks are still read before being written.
template <class D, class S, class F>
inline void convertStrided(const char *fn, D *dst, const S *src, int n, int dstStride, int srcStride, int segnum, F f) {
  requireCount(fn, "src_count", n);
  if (segnum < 0 || segnum > 65535) invalid(std::string(fn) + ": segnum must be in [0, 65535] (got " + str(segnum) + ")");
  for (int s = 0; s <= segnum; ++s)
    convert(fn, reinterpret_cast<D *>(reinterpret_cast<char *>(dst) + static_cast<long long>(s) * dstStride),
            reinterpret_cast<const S *>(reinterpret_cast<const char *>(src) + static_cast<long long>(s) * srcStride), n, f);
}

inline double fixScale(int fix) { return std::ldexp(1.0, fix); }

}  // namespace xpile::bang::detail

#define XB_RND_rn ::xpile::bang::detail::Rnd::NearestEven
#define XB_RND_tz ::xpile::bang::detail::Rnd::TowardZero
#define XB_RND_dn ::xpile::bang::detail::Rnd::Down
#define XB_RND_up ::xpile::bang::detail::Rnd::Up
#define XB_RND_oz ::xpile::bang::detail::Rnd::AwayFromZero
#define XB_RND_rd ::xpile::bang::detail::Rnd::NearestAway
#define XB_RND_rm ::xpile::bang::detail::Rnd::NearestAway
#define XB_ROUNDINGS(M) M(rn) M(tz) M(rd) M(dn) M(up) M(oz) M(rm)

// ---- half <-> float ------------------------------------------------------------------------------
inline void __bang_half2float(float *dst, half *src, int src_count) {
  ::xpile::bang::detail::convert("__bang_half2float", dst, src, src_count, [](half h) { return static_cast<float>(h); });
}
inline void __bang_half2float(float *dst, half *src, int src_count, int dst_stride, int src_stride, int segnum) {
  ::xpile::bang::detail::convertStrided("__bang_half2float", dst, src, src_count, dst_stride, src_stride, segnum,
                                        [](half h) { return static_cast<float>(h); });
}
#define XB_F2H(R)                                                                                                       \
  inline void __bang_float2half_##R(half *dst, float *src, int src_count) {                                             \
    ::xpile::bang::detail::convert("__bang_float2half_" #R, dst, src, src_count,                                       \
                                   [](float f) { return ::xpile::bang::detail::toHalf(f, XB_RND_##R); });              \
  }                                                                                                                     \
  inline void __bang_float2half_##R(half *dst, float *src, int src_count, int dst_stride, int src_stride, int segnum) { \
    ::xpile::bang::detail::convertStrided("__bang_float2half_" #R, dst, src, src_count, dst_stride, src_stride, segnum, \
                                          [](float f) { return ::xpile::bang::detail::toHalf(f, XB_RND_##R); });       \
  }
XB_ROUNDINGS(XB_F2H)
#undef XB_F2H

// ---- bfloat16 <-> float ---------------------------------------------------------------------------
inline void __bang_bfloat162float(float *dst, bfloat16_t *src, int src_count) {
  ::xpile::bang::detail::convert("__bang_bfloat162float", dst, src, src_count, [](bfloat16_t b) { return static_cast<float>(b); });
}
#define XB_BF16(R)                                                                                                      \
  /* bf16 -> float is exact: the suffix changes nothing */                                                              \
  inline void __bang_bfloat162float_##R(float *dst, bfloat16_t *src, int src_count) {                                   \
    ::xpile::bang::detail::convert("__bang_bfloat162float_" #R, dst, src, src_count,                                   \
                                   [](bfloat16_t b) { return static_cast<float>(b); });                                 \
  }                                                                                                                     \
  inline void __bang_float2bfloat16_##R(bfloat16_t *dst, float *src, int src_count) {                                   \
    ::xpile::bang::detail::convert("__bang_float2bfloat16_" #R, dst, src, src_count,                                   \
                                   [](float f) { return ::xpile::bang::detail::toBf16(f, XB_RND_##R); });              \
  }
XB_ROUNDINGS(XB_BF16)
#undef XB_BF16

// ---- fixed point / integer ------------------------------------------------------------------------
#define XB_F2I(R)                                                                                                       \
  inline void __bang_float2int_##R(int *dst, float *src, int src_count, int fix_position) {                            \
    double s = ::xpile::bang::detail::fixScale(fix_position);                                                           \
    ::xpile::bang::detail::convert("__bang_float2int_" #R, dst, src, src_count,                                        \
                                   [s](float f) { return ::xpile::bang::detail::toInt<int>(f / s, XB_RND_##R); });     \
  }                                                                                                                     \
  inline void __bang_float2int16_##R(int16 *dst, float *src, int src_count, int fix_position) {                        \
    double s = ::xpile::bang::detail::fixScale(fix_position);                                                           \
    ::xpile::bang::detail::convert("__bang_float2int16_" #R, dst, src, src_count,                                      \
                                   [s](float f) { return ::xpile::bang::detail::toInt<int16>(f / s, XB_RND_##R); });   \
  }                                                                                                                     \
  inline void __bang_float2int8_##R(int8 *dst, float *src, int src_count, int fix_position) {                          \
    double s = ::xpile::bang::detail::fixScale(fix_position);                                                           \
    ::xpile::bang::detail::convert("__bang_float2int8_" #R, dst, src, src_count,                                       \
                                   [s](float f) { return ::xpile::bang::detail::toInt<int8>(f / s, XB_RND_##R); });    \
  }                                                                                                                     \
  inline void __bang_half2int16_##R(int16 *dst, half *src, int src_count, int fix_position) {                          \
    double s = ::xpile::bang::detail::fixScale(fix_position);                                                           \
    ::xpile::bang::detail::convert("__bang_half2int16_" #R, dst, src, src_count, [s](half h) {                         \
      return ::xpile::bang::detail::toInt<int16>(static_cast<double>(h) / s, XB_RND_##R);                              \
    });                                                                                                                 \
  }                                                                                                                     \
  inline void __bang_half2int8_##R(int8 *dst, half *src, int src_count, int fix_position) {                            \
    double s = ::xpile::bang::detail::fixScale(fix_position);                                                           \
    ::xpile::bang::detail::convert("__bang_half2int8_" #R, dst, src, src_count, [s](half h) {                          \
      return ::xpile::bang::detail::toInt<int8>(static_cast<double>(h) / s, XB_RND_##R);                               \
    });                                                                                                                 \
  }                                                                                                                     \
  inline void __bang_half2short_##R(short *dst, half *src, int src_count) {                                             \
    ::xpile::bang::detail::convert("__bang_half2short_" #R, dst, src, src_count,                                       \
                                   [](half h) { return ::xpile::bang::detail::toInt<short>(h, XB_RND_##R); });         \
  }
XB_ROUNDINGS(XB_F2I)
#undef XB_F2I

#define XB_I2F(NAME, D, S, MODE)                                                                                        \
  inline void NAME(D *dst, S *src, int src_count, int fix_position) {                                                   \
    double s = ::xpile::bang::detail::fixScale(fix_position);                                                           \
    ::xpile::bang::detail::convert(#NAME, dst, src, src_count, [s](S v) {                                              \
      if constexpr (std::is_same_v<D, half>) return ::xpile::bang::detail::toHalf(static_cast<double>(v) * s, MODE);   \
      else return ::xpile::bang::detail::toFloat(static_cast<double>(v) * s, MODE);                                    \
    });                                                                                                                 \
  }
XB_I2F(__bang_int2float, float, int, XB_RND_rn)
XB_I2F(__bang_int162float, float, int16, XB_RND_rn)
XB_I2F(__bang_int82float, float, int8, XB_RND_rn)
XB_I2F(__bang_int162half, half, int16, XB_RND_rn)
XB_I2F(__bang_int82half, half, int8, XB_RND_rn)
XB_I2F(__bang_int322float, float, int, XB_RND_rn)
XB_I2F(__bang_int322float_rd, float, int, XB_RND_rd)
XB_I2F(__bang_int322float_rn, float, int, XB_RND_rn)
#undef XB_I2F
inline void __bang_short2half(half *dst, short *src, int src_count) {
  ::xpile::bang::detail::convert("__bang_short2half", dst, src, src_count,
                                 [](short v) { return ::xpile::bang::detail::toHalf(v, XB_RND_rn); });
}
// newer names: float2int32 without suffix rounds to nearest even [UNCERTAIN]
#define XB_F2I32(NAME, MODE)                                                                                            \
  inline void NAME(int *dst, float *src, int src_count, int fix_position) {                                            \
    double s = ::xpile::bang::detail::fixScale(fix_position);                                                           \
    ::xpile::bang::detail::convert(#NAME, dst, src, src_count,                                                         \
                                   [s](float f) { return ::xpile::bang::detail::toInt<int>(f / s, MODE); });           \
  }
XB_F2I32(__bang_float2int32, XB_RND_rn)
XB_F2I32(__bang_float2int32_rd, XB_RND_rd)
XB_F2I32(__bang_float2int32_tz, XB_RND_tz)
#undef XB_F2I32

// ---- scalar conversions ----------------------------------------------------------------------------
// __half2float(half) is xpile_half.h's (exact).
inline float __bfloat162float(bfloat16_t a) { return static_cast<float>(a); }
#define XB_SCALAR_CVT(R)                                                                                                \
  inline half __float2half_##R(float a) { return ::xpile::bang::detail::toHalf(a, XB_RND_##R); }                        \
  inline bfloat16_t __float2bfloat16_##R(float a) { return ::xpile::bang::detail::toBf16(a, XB_RND_##R); }              \
  inline int __float2int_##R(float a) { return ::xpile::bang::detail::toInt<int>(a, XB_RND_##R); }                      \
  inline int __half2int_##R(half a) { return ::xpile::bang::detail::toInt<int>(static_cast<double>(a), XB_RND_##R); }   \
  inline short __half2short_##R(half a) { return ::xpile::bang::detail::toInt<short>(static_cast<double>(a), XB_RND_##R); } \
  inline float __int2float_##R(int a) { return ::xpile::bang::detail::toFloat(a, XB_RND_##R); }                         \
  inline half __int2half_##R(int a) { return ::xpile::bang::detail::toHalf(a, XB_RND_##R); }                            \
  inline half __short2half_##R(short a) { return ::xpile::bang::detail::toHalf(a, XB_RND_##R); }
XB_ROUNDINGS(XB_SCALAR_CVT)
#undef XB_SCALAR_CVT
