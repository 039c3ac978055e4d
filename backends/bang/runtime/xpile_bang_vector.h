// xpile BANG executor, part 3: element-wise vector intrinsics (§8.1 binary, §8.2 scalar, §8.3
// cycle) and unary/activation/stream math (§8.4). Every operation reads all its inputs before
// writing (§10.9), so any overlap between dst and the sources behaves like the in-place case.
// Arithmetic on half/bfloat16 is done in float and rounded to nearest even on store; on integer
// types in 64-bit and wrapped to the element type.
#pragma once

#include "xpile_bang_core.h"

namespace xpile::bang::detail {

enum class Op {
  add, sub, mul, div, rem, maxequal, minequal, maximum, minimum, nan_maximum, nan_minimum,
  eq, ne, lt, le, gt, ge, land, lor, lxor, band, bor, bxor
};

template <Op O, class C> inline C apply2(C a, C b) {
  constexpr bool fp = std::is_floating_point_v<C>;
  if constexpr (O == Op::add) return a + b;
  else if constexpr (O == Op::sub) return a - b;
  else if constexpr (O == Op::mul) return a * b;
  else if constexpr (O == Op::div) {
    if constexpr (fp) return a / b;
    else return b == 0 ? C(0) : a / b;  // integer division by zero: 0 (hardware value unknown)
  } else if constexpr (O == Op::rem) {
    if constexpr (fp) return std::fmod(a, b);
    else return b == 0 ? C(0) : a % b;  // C semantics: the sign follows the dividend
  } else if constexpr (O == Op::maxequal || O == Op::maximum) {
    if constexpr (fp) return std::fmax(a, b);
    else return a > b ? a : b;
  } else if constexpr (O == Op::minequal || O == Op::minimum) {
    if constexpr (fp) return std::fmin(a, b);
    else return a < b ? a : b;
  } else if constexpr (O == Op::nan_maximum) {
    if constexpr (fp) return (std::isnan(a) || std::isnan(b)) ? std::numeric_limits<C>::quiet_NaN() : (a > b ? a : b);
    else return a > b ? a : b;
  } else if constexpr (O == Op::nan_minimum) {
    if constexpr (fp) return (std::isnan(a) || std::isnan(b)) ? std::numeric_limits<C>::quiet_NaN() : (a < b ? a : b);
    else return a < b ? a : b;
  } else if constexpr (O == Op::eq) return a == b ? C(1) : C(0);
  else if constexpr (O == Op::ne) return a != b ? C(1) : C(0);
  else if constexpr (O == Op::lt) return a < b ? C(1) : C(0);
  else if constexpr (O == Op::le) return a <= b ? C(1) : C(0);
  else if constexpr (O == Op::gt) return a > b ? C(1) : C(0);
  else if constexpr (O == Op::ge) return a >= b ? C(1) : C(0);
  else if constexpr (O == Op::land) return (a != 0 && b != 0) ? C(1) : C(0);
  else if constexpr (O == Op::lor) return (a != 0 || b != 0) ? C(1) : C(0);
  else if constexpr (O == Op::lxor) return ((a != 0) != (b != 0)) ? C(1) : C(0);
  else if constexpr (O == Op::band) return a & b;
  else if constexpr (O == Op::bor) return a | b;
  else if constexpr (O == Op::bxor) return a ^ b;
}

// dst[i] = src0[i] OP src1[i]
template <Op O, class T> inline void binary(const char *fn, T *dst, const T *a, const T *b, int n) {
  vectorChecks<T>(fn, n, {dst, a, b});
  T *out = scratch<T>(n);
  for (int i = 0; i < n; ++i) out[i] = st<T>(apply2<O>(ld(a[i]), ld(b[i])));
  std::memcpy(static_cast<void *>(dst), out, n * sizeof(T));
}

// dst[i] = src[i] OP value
template <Op O, class T> inline void scalar(const char *fn, T *dst, const T *a, T value, int n) {
  vectorChecks<T>(fn, n, {dst, a});
  T *out = scratch<T>(n);
  auto v = ld(value);
  for (int i = 0; i < n; ++i) out[i] = st<T>(apply2<O>(ld(a[i]), v));
  std::memcpy(static_cast<void *>(dst), out, n * sizeof(T));
}

// §8.3: dst[k*seg + i] = src[k*seg + i] OP seg[i]
template <Op O, class T> inline void cycle(const char *fn, T *dst, const T *src, const T *seg, int n, int segN) {
  requireCount(fn, "src_elem_count", n);
  requireCount(fn, "seg_elem_count", segN);
  if (n % segN != 0)
    invalid(std::string(fn) + ": src_elem_count (" + str(n) + ") must be a multiple of seg_elem_count (" + str(segN) + ")");
  if (strict()) {
    strictBytes(fn, "src_elem_count * sizeof(T)", static_cast<long long>(n) * sizeof(T));
    strictBytes(fn, "seg_elem_count * sizeof(T)", static_cast<long long>(segN) * sizeof(T));
    for (const void *p : {(const void *)dst, (const void *)src, (const void *)seg}) strictAddress(fn, p);
  }
  T *out = scratch<T>(n);
  for (int i = 0; i < n; ++i) out[i] = st<T>(apply2<O>(ld(src[i]), ld(seg[i % segN])));
  std::memcpy(static_cast<void *>(dst), out, n * sizeof(T));
}

// §8.1 __bang_fusion: src1/src2 are vectors repeated cyclically over `m` elements, or scalars.
template <class T> struct Operand {
  const T *p = nullptr;
  typename Num<T>::C value{};
  typename Num<T>::C at(int i, int m) const { return p ? ld(p[i % m]) : value; }
};
template <class T> inline Operand<T> operand(T *p) { return {p, {}}; }
template <class T> inline Operand<T> operand(T v) { return {nullptr, ld(v)}; }

template <class T, class S1, class S2>
inline void fusion(mluFusionOpCode op, T *dst, const T *src0, S1 s1, S2 s2, int n, int m) {
  const char *fn = "__bang_fusion";
  vectorChecks<T>(fn, n, {dst, src0});
  requireCount(fn, "src1_src2_elem_count", m);
  if (n % m != 0)
    invalid(std::string(fn) + ": dst_src0_elem_count (" + str(n) + ") must be a multiple of src1_src2_elem_count (" + str(m) + ")");
  Operand<T> a = operand(s1), b = operand(s2);
  // Snapshot vector operands so that dst may alias any of them.
  if (a.p) a.p = snapshot(a.p, m, 1);
  if (b.p) b.p = snapshot(b.p, m, 2);
  T *out = scratch<T>(n);
  for (int i = 0; i < n; ++i) {
    auto x = ld(src0[i]), y = a.at(i, m), z = b.at(i, m);
    typename Num<T>::C r{};
    switch (op) {
    case FUSION_FMA: r = x * y + z; break;
    case FUSION_FMS: r = x * y - z; break;
    case FUSION_FAM: r = (x + y) * z; break;
    case FUSION_FSM: r = (x - y) * z; break;
    case FUSION_FAA: r = x + y + z; break;
    case FUSION_FAS: r = x + y - z; break;
    case FUSION_FSS: r = x - y - z; break;
    case FUSION_FSA: r = x - y + z; break;
    default: invalid(std::string(fn) + ": unknown mluFusionOpCode " + str(static_cast<int>(op)));
    }
    out[i] = st<T>(r);
  }
  std::memcpy(static_cast<void *>(dst), out, n * sizeof(T));
}

// *_bitindex comparisons [UNCERTAIN layout]: bit i of dst (byte i/8, bit i%8, LSB first) is the
// comparison result of element i; ceil(n/8) bytes are written.
template <Op O, class T> inline void bitindex(const char *fn, T *dst, const T *a, const T *b, int n) {
  vectorChecks<T>(fn, n, {dst, a, b});
  unsigned char *out = scratch<unsigned char>((n + 7) / 8);
  std::memset(out, 0, (n + 7) / 8);
  for (int i = 0; i < n; ++i)
    if (apply2<O>(ld(a[i]), ld(b[i])) != 0) out[i / 8] |= static_cast<unsigned char>(1u << (i % 8));
  std::memcpy(static_cast<void *>(dst), out, (n + 7) / 8);
}

// dst[i] = f(src[i]) computed in float (or the integer compute type)
template <class T, class F> inline void unary(const char *fn, T *dst, const T *src, int n, F f) {
  vectorChecks<T>(fn, n, {dst, src});
  T *out = scratch<T>(n);
  for (int i = 0; i < n; ++i) out[i] = st<T>(f(ld(src[i])));
  std::memcpy(static_cast<void *>(dst), out, n * sizeof(T));
}

inline float sigmoidf(float x) { return 1.0f / (1.0f + std::exp(-x)); }
// [UNCERTAIN] the hardware GELU approximates; the exact erf form is used for gelu and gelup.
inline float geluf(float x) { return 0.5f * x * (1.0f + std::erf(x * 0.70710678118654752f)); }

}  // namespace xpile::bang::detail

// ---- §8.1 element-wise binary --------------------------------------------------------------------
#define XB_BIN(NAME, OP, T)                                                                                             \
  inline void NAME(T *dst, T *src0, T *src1, int elem_count) {                                                          \
    ::xpile::bang::detail::binary<::xpile::bang::detail::Op::OP, T>(#NAME, dst, src0, src1, elem_count);               \
  }
#define XB_SCALAR(NAME, OP, T)                                                                                          \
  inline void NAME(T *dst, T *src, T value, int elem_count) {                                                           \
    ::xpile::bang::detail::scalar<::xpile::bang::detail::Op::OP, T>(#NAME, dst, src, value, elem_count);               \
  }
#define XB_CYCLE(NAME, OP, T)                                                                                           \
  inline void NAME(T *dst, T *src, T *seg, int src_elem_count, int seg_elem_count) {                                    \
    ::xpile::bang::detail::cycle<::xpile::bang::detail::Op::OP, T>(#NAME, dst, src, seg, src_elem_count, seg_elem_count); \
  }
#define XB_BITINDEX(NAME, OP, T)                                                                                        \
  inline void NAME(T *dst, T *src0, T *src1, int elem_count) {                                                          \
    ::xpile::bang::detail::bitindex<::xpile::bang::detail::Op::OP, T>(#NAME, dst, src0, src1, elem_count);             \
  }

XB_HFB(XB_BIN, __bang_add, add)
XB_SI(XB_BIN, __bang_add, add)
XB_HFB(XB_BIN, __bang_sub, sub)
XB_SI(XB_BIN, __bang_sub, sub)
XB_HFB(XB_BIN, __bang_mul, mul)
XB_SI(XB_BIN, __bang_mul, mul)

#define XB_DIV(N, O, T)                                                                                                 \
  XB_BIN(__bang_div, div, T)                                                                                            \
  XB_SCALAR(__bang_div, div, T)                                                                                         \
  /* old form with an addition buffer (scratch on hardware; unused here) */                                            \
  inline void __bang_div(T *dst, T *src0, T *src1, T *src_addition, int elem_count) {                                   \
    (void)src_addition;                                                                                                 \
    ::xpile::bang::detail::binary<::xpile::bang::detail::Op::div, T>("__bang_div", dst, src0, src1, elem_count);       \
  }
XB_HFB(XB_DIV, _, _)
#undef XB_DIV
XB_BIN(__bang_div, div, short)
XB_BIN(__bang_div, div, int)
XB_BIN(__bang_div, div, unsigned int)

XB_HFB(XB_BIN, __bang_maxequal, maxequal)
XB_HFB(XB_BIN, __bang_minequal, minequal)
XB_HFB(XB_BIN, __bang_maximum, maximum)
XB_HFB(XB_BIN, __bang_minimum, minimum)
// [UNCERTAIN] old half form: dst[i] = max(src[i], src[i + distance]) for i < size.
inline void __bang_maximum(half *dst, half *src, int distance, int size) {
  ::xpile::bang::detail::binary<::xpile::bang::detail::Op::maximum, half>("__bang_maximum", dst, src, src + distance, size);
}
inline void __bang_minimum(half *dst, half *src, int distance, int size) {
  ::xpile::bang::detail::binary<::xpile::bang::detail::Op::minimum, half>("__bang_minimum", dst, src, src + distance, size);
}
XB_HFB(XB_BIN, __bang_nan_maximum, nan_maximum)
XB_HFB(XB_BIN, __bang_nan_minimum, nan_minimum)

XB_HFB(XB_BIN, __bang_eq, eq)
XB_HFB(XB_BIN, __bang_ne, ne)
XB_HFB(XB_BIN, __bang_lt, lt)
XB_HFB(XB_BIN, __bang_le, le)
XB_HFB(XB_BIN, __bang_gt, gt)
XB_HFB(XB_BIN, __bang_ge, ge)
XB_HFB(XB_BITINDEX, __bang_eq_bitindex, eq)
XB_HFB(XB_BITINDEX, __bang_ne_bitindex, ne)
XB_HFB(XB_BITINDEX, __bang_lt_bitindex, lt)
XB_HFB(XB_BITINDEX, __bang_le_bitindex, le)
XB_HFB(XB_BITINDEX, __bang_gt_bitindex, gt)
XB_HFB(XB_BITINDEX, __bang_ge_bitindex, ge)

XB_HFB(XB_BIN, __bang_and, land)
XB_BYTES(XB_BIN, __bang_and, land)
XB_HFB(XB_BIN, __bang_or, lor)
XB_BYTES(XB_BIN, __bang_or, lor)
XB_HFB(XB_BIN, __bang_xor, lxor)
XB_BYTES(XB_BIN, __bang_xor, lxor)
#define XB_NOT(NAME, OP, T)                                                                                             \
  inline void NAME(T *dst, T *src, int elem_count) {                                                                    \
    ::xpile::bang::detail::unary(#NAME, dst, src, elem_count, [](auto x) { return x == 0 ? decltype(x)(1) : decltype(x)(0); }); \
  }
XB_HFB(XB_NOT, __bang_not, _)
XB_BYTES(XB_NOT, __bang_not, _)
#undef XB_NOT

XB_INTS(XB_BIN, __bang_band, band)
XB_INTS(XB_BIN, __bang_bor, bor)
XB_INTS(XB_BIN, __bang_bxor, bxor)
#define XB_BNOT(NAME, OP, T)                                                                                            \
  inline void NAME(T *dst, T *src, int elem_count) {                                                                    \
    ::xpile::bang::detail::unary(#NAME, dst, src, elem_count, [](auto x) { return ~x; });                              \
  }
XB_INTS(XB_BNOT, __bang_bnot, _)
#undef XB_BNOT

#define XB_FUSION(N, O, T)                                                                                              \
  inline void __bang_fusion(mluFusionOpCode op, T *dst, T *src0, T *src1, T *src2, int dst_src0_elem_count) {           \
    ::xpile::bang::detail::fusion<T>(op, dst, src0, src1, src2, dst_src0_elem_count, dst_src0_elem_count);             \
  }                                                                                                                     \
  inline void __bang_fusion(mluFusionOpCode op, T *dst, T *src0, T *src1, T *src2, int dst_src0_elem_count,             \
                            int src1_src2_elem_count) {                                                                 \
    ::xpile::bang::detail::fusion<T>(op, dst, src0, src1, src2, dst_src0_elem_count, src1_src2_elem_count);            \
  }                                                                                                                     \
  inline void __bang_fusion(mluFusionOpCode op, T *dst, T *src0, T src1, T *src2, int dst_src0_elem_count) {            \
    ::xpile::bang::detail::fusion<T>(op, dst, src0, src1, src2, dst_src0_elem_count, dst_src0_elem_count);             \
  }                                                                                                                     \
  inline void __bang_fusion(mluFusionOpCode op, T *dst, T *src0, T src1, T *src2, int dst_src0_elem_count,              \
                            int src1_src2_elem_count) {                                                                 \
    ::xpile::bang::detail::fusion<T>(op, dst, src0, src1, src2, dst_src0_elem_count, src1_src2_elem_count);            \
  }                                                                                                                     \
  inline void __bang_fusion(mluFusionOpCode op, T *dst, T *src0, T *src1, T src2, int dst_src0_elem_count) {            \
    ::xpile::bang::detail::fusion<T>(op, dst, src0, src1, src2, dst_src0_elem_count, dst_src0_elem_count);             \
  }                                                                                                                     \
  inline void __bang_fusion(mluFusionOpCode op, T *dst, T *src0, T *src1, T src2, int dst_src0_elem_count,              \
                            int src1_src2_elem_count) {                                                                 \
    ::xpile::bang::detail::fusion<T>(op, dst, src0, src1, src2, dst_src0_elem_count, src1_src2_elem_count);            \
  }                                                                                                                     \
  inline void __bang_fusion(mluFusionOpCode op, T *dst, T *src0, T src1, T src2, int dst_src0_elem_count) {             \
    ::xpile::bang::detail::fusion<T>(op, dst, src0, src1, src2, dst_src0_elem_count, dst_src0_elem_count);             \
  }
XB_HFB(XB_FUSION, _, _)
#undef XB_FUSION

// ---- §8.2 scalar variants -----------------------------------------------------------------------
XB_HFB(XB_SCALAR, __bang_add_scalar, add)
XB_SI(XB_SCALAR, __bang_add_scalar, add)
XB_HFB(XB_SCALAR, __bang_sub_scalar, sub)
XB_SI(XB_SCALAR, __bang_sub_scalar, sub)
XB_HFB(XB_SCALAR, __bang_mul_scalar, mul)
XB_SI(XB_SCALAR, __bang_mul_scalar, mul)
XB_HFB(XB_SCALAR, __bang_eq_scalar, eq)
XB_HFB(XB_SCALAR, __bang_ne_scalar, ne)
XB_HFB(XB_SCALAR, __bang_lt_scalar, lt)
XB_HFB(XB_SCALAR, __bang_le_scalar, le)
XB_HFB(XB_SCALAR, __bang_gt_scalar, gt)
XB_HFB(XB_SCALAR, __bang_ge_scalar, ge)
XB_HFB(XB_SCALAR, __bang_maxeq_scalar, maxequal)
XB_HFB(XB_SCALAR, __bang_mineq_scalar, minequal)
XB_HFB(XB_SCALAR, __bang_and_scalar, land)
XB_INTS(XB_SCALAR, __bang_band_scalar, band)
XB_SI(XB_BIN, __bang_rem, rem)
XB_SI(XB_SCALAR, __bang_rem, rem)
inline void __bang_srl(uint32_t *dst, uint32_t *src, int shift, int elem_count) {
  if (shift < 0 || shift > 31) ::xpile::bang::detail::invalid("__bang_srl: shift must be in [0, 31] (got " + std::to_string(shift) + ")");
  ::xpile::bang::detail::unary("__bang_srl", dst, src, elem_count,
                               [shift](long long x) { return static_cast<long long>(static_cast<uint32_t>(x) >> shift); });
}
// deprecated aliases of *_scalar
XB_HFB(XB_SCALAR, __bang_add_const, add)
XB_HFB(XB_SCALAR, __bang_sub_const, sub)
XB_HFB(XB_SCALAR, __bang_mul_const, mul)

// ---- §8.3 cycle ops ---------------------------------------------------------------------------------
XB_HFB(XB_CYCLE, __bang_cycle_add, add)
XB_SI(XB_CYCLE, __bang_cycle_add, add)
XB_HFB(XB_CYCLE, __bang_cycle_sub, sub)
XB_SI(XB_CYCLE, __bang_cycle_sub, sub)
XB_HFB(XB_CYCLE, __bang_cycle_mul, mul)
XB_SI(XB_CYCLE, __bang_cycle_mul, mul)
XB_HFB(XB_CYCLE, __bang_cycle_maxequal, maxequal)
XB_HFB(XB_CYCLE, __bang_cycle_minequal, minequal)
XB_HFB(XB_CYCLE, __bang_cycle_eq, eq)
XB_HFB(XB_CYCLE, __bang_cycle_ne, ne)
XB_HFB(XB_CYCLE, __bang_cycle_lt, lt)
XB_HFB(XB_CYCLE, __bang_cycle_le, le)
XB_HFB(XB_CYCLE, __bang_cycle_gt, gt)
XB_HFB(XB_CYCLE, __bang_cycle_ge, ge)
XB_HFB(XB_CYCLE, __bang_cycle_and, land)
XB_HFB(XB_CYCLE, __bang_cycle_or, lor)
XB_HFB(XB_CYCLE, __bang_cycle_xor, lxor)
XB_INTS(XB_CYCLE, __bang_cycle_band, band)
XB_INTS(XB_CYCLE, __bang_cycle_bor, bor)
XB_INTS(XB_CYCLE, __bang_cycle_bxor, bxor)
XB_HFB(XB_CYCLE, __bang_cycle_maximum, maximum)
XB_HFB(XB_CYCLE, __bang_cycle_minimum, minimum)
XB_HFB(XB_CYCLE, __bang_cycle_nan_maximum, nan_maximum)
XB_HFB(XB_CYCLE, __bang_cycle_nan_minimum, nan_minimum)

#undef XB_BIN
#undef XB_SCALAR
#undef XB_CYCLE
#undef XB_BITINDEX

// ---- §8.4 activations and stream math: exact libm in float, rounded to T on store -------------
#define XB_UNARY(NAME, EXPR, T)                                                                                         \
  inline void NAME(T *dst, T *src, int elem_count) {                                                                    \
    ::xpile::bang::detail::unary(#NAME, dst, src, elem_count, [](float x) -> float { return EXPR; });                 \
  }
XB_HF(XB_UNARY, __bang_active_relu, x > 0.0f ? x : 0.0f)
XB_HF(XB_UNARY, __bang_active_exp, std::exp(x))
XB_HF(XB_UNARY, __bang_active_exphp, std::exp(x))
XB_HF(XB_UNARY, __bang_active_exp_less_0, std::exp(x))
XB_HF(XB_UNARY, __bang_active_sigmoid, ::xpile::bang::detail::sigmoidf(x))
XB_HF(XB_UNARY, __bang_active_sigmoid_hp, ::xpile::bang::detail::sigmoidf(x))
XB_HF(XB_UNARY, __bang_active_gelu, ::xpile::bang::detail::geluf(x))
XB_HF(XB_UNARY, __bang_active_gelup, ::xpile::bang::detail::geluf(x))
XB_HF(XB_UNARY, __bang_active_tanh, std::tanh(x))
XB_HF(XB_UNARY, __bang_active_recip, 1.0f / x)
XB_HF(XB_UNARY, __bang_active_reciphp, 1.0f / x)
XB_HF(XB_UNARY, __bang_active_recip_greater_1, 1.0f / x)
XB_HF(XB_UNARY, __bang_active_sqrt, std::sqrt(x))
XB_HF(XB_UNARY, __bang_active_sqrthp, std::sqrt(x))
XB_HF(XB_UNARY, __bang_active_rsqrt, 1.0f / std::sqrt(x))
XB_HF(XB_UNARY, __bang_active_rsqrthp, 1.0f / std::sqrt(x))
XB_HF(XB_UNARY, __bang_active_log, std::log(x))
XB_HF(XB_UNARY, __bang_active_loghp, std::log(x))
XB_HF(XB_UNARY, __bang_active_abs, std::fabs(x))
XB_HF(XB_UNARY, __bang_active_sign, x >= 0.0f ? 1.0f : -1.0f)
XB_HF(XB_UNARY, __bang_active_sin, std::sin(x))
XB_HF(XB_UNARY, __bang_active_cos, std::cos(x))
XB_HF(XB_UNARY, __bang_active_pow2, std::exp2(x))
XB_HFB(XB_UNARY, __bang_relu, x > 0.0f ? x : 0.0f)
// [UNCERTAIN] relun clamps to [0, nvalue]
#define XB_RELUN(N, O, T)                                                                                               \
  inline void __bang_relun(T *dst, T *src, int elem_count, T nvalue) {                                                  \
    float n = static_cast<float>(nvalue);                                                                               \
    ::xpile::bang::detail::unary("__bang_relun", dst, src, elem_count, [n](float x) { return x < 0.0f ? 0.0f : (x > n ? n : x); }); \
  }
XB_HFB(XB_RELUN, _, _)
#undef XB_RELUN

// Taylor-series versions: computed exactly; the two scratch buffers are left untouched.
#define XB_TAYLOR(NAME, EXPR, T)                                                                                        \
  inline void NAME(T *dst, T *src, T *aux1, T *aux2, int elem_count) {                                                  \
    (void)aux1;                                                                                                         \
    (void)aux2;                                                                                                         \
    ::xpile::bang::detail::unary(#NAME, dst, src, elem_count, [](float x) -> float { return EXPR; });                 \
  }
XB_HF(XB_TAYLOR, __bang_taylor3_sigmoid, ::xpile::bang::detail::sigmoidf(x))
XB_HF(XB_TAYLOR, __bang_taylor3_tanh, std::tanh(x))
XB_HF(XB_TAYLOR, __bang_taylor3_sin, std::sin(x))
XB_HF(XB_TAYLOR, __bang_taylor3_cos, std::cos(x))
XB_HF(XB_TAYLOR, __bang_taylor3_softplus, std::log1p(std::exp(x)))
XB_HF(XB_TAYLOR, __bang_taylor4_sigmoid, ::xpile::bang::detail::sigmoidf(x))
XB_HF(XB_TAYLOR, __bang_taylor4_tanh, std::tanh(x))
XB_HF(XB_TAYLOR, __bang_taylor4_sin, std::sin(x))
XB_HF(XB_TAYLOR, __bang_taylor4_cos, std::cos(x))
XB_HF(XB_TAYLOR, __bang_taylor4_softplus, std::log1p(std::exp(x)))
#undef XB_TAYLOR

// float "stream math" (3xx). __bang_log is the BINARY logarithm: the S2 doc says so, and mlu-ops
// builds ln(x) as __bang_log(x) * ln(2) ([UNCERTAIN], bang-c.md §8.4 "[check]").
XB_UNARY(__bang_recip, 1.0f / x, float)
XB_UNARY(__bang_sqrt, std::sqrt(x), float)
XB_UNARY(__bang_sqrt, std::sqrt(x), bfloat16_t)
XB_UNARY(__bang_rsqrt, 1.0f / std::sqrt(x), float)
XB_UNARY(__bang_log, std::log2(x), float)
XB_UNARY(__bang_pow2, std::exp2(x), float)
XB_UNARY(__bang_sin, std::sin(x), float)
XB_UNARY(__bang_cos, std::cos(x), float)
XB_UNARY(__bang_floor, std::floor(x), float)
// [UNCERTAIN] tie rule of __bang_round: C round() (half away from zero)
XB_UNARY(__bang_round, std::round(x), float)
XB_HFB(XB_UNARY, __bang_square, x * x)
XB_HFB(XB_UNARY, __bang_abs, std::fabs(x))
XB_HFB(XB_UNARY, __bang_log2, std::log2(x))
#undef XB_UNARY
