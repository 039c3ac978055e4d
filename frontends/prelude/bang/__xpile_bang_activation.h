/*
 * xpile BANG C prelude -- unary / activation intrinsics (§8.4).
 * Shape (T* dst, T* src, int elem_count) unless noted.
 */
#ifndef XPILE_BANG_ACTIVATION_H
#define XPILE_BANG_ACTIVATION_H

#include "__xpile_bang_vector.h"

/* ---- __bang_active_* (half, float) -------------------------------------- */
__XPILE_HF(__XPILE_UN, __bang_active_relu)
__XPILE_HF(__XPILE_UN, __bang_active_exp)       /* e^x, float range <= 10.25 */
__XPILE_HF(__XPILE_UN, __bang_active_exphp)     /* high-precision e^x */
__XPILE_HF(__XPILE_UN, __bang_active_exp_less_0) /* e^x for x < 0 */
__XPILE_HF(__XPILE_UN, __bang_active_sigmoid)
__XPILE_HF(__XPILE_UN, __bang_active_sigmoid_hp)
__XPILE_HF(__XPILE_UN, __bang_active_gelu)
__XPILE_HF(__XPILE_UN, __bang_active_gelup)
__XPILE_HF(__XPILE_UN, __bang_active_tanh)
__XPILE_HF(__XPILE_UN, __bang_active_recip)
__XPILE_HF(__XPILE_UN, __bang_active_reciphp)
__XPILE_HF(__XPILE_UN, __bang_active_recip_greater_1)
__XPILE_HF(__XPILE_UN, __bang_active_sqrt)
__XPILE_HF(__XPILE_UN, __bang_active_sqrthp)
__XPILE_HF(__XPILE_UN, __bang_active_rsqrt)
__XPILE_HF(__XPILE_UN, __bang_active_rsqrthp)
__XPILE_HF(__XPILE_UN, __bang_active_log)
__XPILE_HF(__XPILE_UN, __bang_active_loghp)
__XPILE_HF(__XPILE_UN, __bang_active_abs)
__XPILE_HF(__XPILE_UN, __bang_active_sign) /* >= 0 -> 1.0 else -1.0 */
__XPILE_HF(__XPILE_UN, __bang_active_sin)
__XPILE_HF(__XPILE_UN, __bang_active_cos)
__XPILE_HF(__XPILE_UN, __bang_active_pow2)

/* ---- relu / relun (322+, also bfloat16_t) ------------------------------- */
__XPILE_HFB(__XPILE_UN, __bang_relu)
#define __XPILE_RELUN(X, T)                                                   \
  __XPILE_BUILTIN void __bang_relun(T *dst, T *src, int elem_count,           \
                                    T nvalue);
__XPILE_HFB(__XPILE_RELUN, _)
#undef __XPILE_RELUN

/* ---- Taylor-series versions with two scratch buffers -------------------- */
#define __XPILE_TAYLOR(NAME, T)                                               \
  __XPILE_BUILTIN void NAME(T *dst, T *src, T *aux1, T *aux2,                 \
                            int elem_count);
__XPILE_HF(__XPILE_TAYLOR, __bang_taylor3_sigmoid)
__XPILE_HF(__XPILE_TAYLOR, __bang_taylor3_tanh)
__XPILE_HF(__XPILE_TAYLOR, __bang_taylor3_sin)
__XPILE_HF(__XPILE_TAYLOR, __bang_taylor3_cos)
__XPILE_HF(__XPILE_TAYLOR, __bang_taylor3_softplus)
__XPILE_HF(__XPILE_TAYLOR, __bang_taylor4_sigmoid)
__XPILE_HF(__XPILE_TAYLOR, __bang_taylor4_tanh)
__XPILE_HF(__XPILE_TAYLOR, __bang_taylor4_sin)
__XPILE_HF(__XPILE_TAYLOR, __bang_taylor4_cos)
__XPILE_HF(__XPILE_TAYLOR, __bang_taylor4_softplus)
#undef __XPILE_TAYLOR

/* ---- float-only "stream math" (3xx) ------------------------------------- */
__XPILE_UN(__bang_recip, float)
__XPILE_UN(__bang_sqrt, float)
__XPILE_UN(__bang_sqrt, bfloat16_t) /* newer (S3) */
__XPILE_UN(__bang_rsqrt, float)
__XPILE_UN(__bang_log, float)  /* doc: binary log [check] */
__XPILE_UN(__bang_pow2, float) /* 2^x; exp(x) = pow2(x * log2(e)) */
__XPILE_UN(__bang_sin, float)
__XPILE_UN(__bang_cos, float)
__XPILE_UN(__bang_floor, float)
__XPILE_UN(__bang_round, float)
__XPILE_HFB(__XPILE_UN, __bang_square)

/* ---- newer (S3, not in CNToolkit 3.6) [UNCERTAIN type set] -------------- */
__XPILE_HFB(__XPILE_UN, __bang_abs)
__XPILE_HFB(__XPILE_UN, __bang_log2)

#endif /* XPILE_BANG_ACTIVATION_H */
