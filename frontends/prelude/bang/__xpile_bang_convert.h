/*
 * xpile BANG C prelude -- type conversion (§8.8).
 * Vector forms: (Tdst* dst, Tsrc* src, int elem_count[, fix_position]);
 * strided forms add (int dst_stride, int src_stride, int segnum) in bytes.
 */
#ifndef XPILE_BANG_CONVERT_H
#define XPILE_BANG_CONVERT_H

#include "__xpile_bang_types.h"

/* rounding suffixes: rn nearest-even, tz toward zero, rd (doc:
 * "round-nearest-off-zero"), dn down, up up, oz off-zero, rm "round-math" */
#define __XPILE_ROUNDINGS(M, X)                                               \
  M(X, rn) M(X, tz) M(X, rd) M(X, dn) M(X, up) M(X, oz) M(X, rm)

/* ---- half <-> float ------------------------------------------------------ */
__XPILE_BUILTIN void __bang_half2float(float *dst, half *src, int src_count);
__XPILE_BUILTIN void __bang_half2float(float *dst, half *src, int src_count,
                                       int dst_stride, int src_stride,
                                       int segnum);
/* there is NO plain __bang_float2half: rounding-suffixed only */
#define __XPILE_F2H(X, R)                                                     \
  __XPILE_BUILTIN void __bang_float2half_##R(half *dst, float *src,           \
                                             int src_count);                  \
  __XPILE_BUILTIN void __bang_float2half_##R(half *dst, float *src,           \
                                             int src_count, int dst_stride,   \
                                             int src_stride, int segnum);
__XPILE_ROUNDINGS(__XPILE_F2H, _)
#undef __XPILE_F2H

/* ---- bfloat16 <-> float (3xx) -------------------------------------------- */
__XPILE_BUILTIN void __bang_bfloat162float(float *dst, bfloat16_t *src,
                                           int src_count);
#define __XPILE_BF16(X, R)                                                    \
  __XPILE_BUILTIN void __bang_bfloat162float_##R(float *dst,                  \
                                                 bfloat16_t *src,             \
                                                 int src_count);              \
  __XPILE_BUILTIN void __bang_float2bfloat16_##R(bfloat16_t *dst,             \
                                                 float *src, int src_count);
__XPILE_ROUNDINGS(__XPILE_BF16, _)
#undef __XPILE_BF16

/* ---- fixed point / integer (fix_position: value = int * 2^fix_position) - */
#define __XPILE_F2I(X, R)                                                     \
  __XPILE_BUILTIN void __bang_float2int_##R(int *dst, float *src,             \
                                            int src_count, int fix_position); \
  __XPILE_BUILTIN void __bang_float2int16_##R(int16 *dst, float *src,         \
                                              int src_count,                  \
                                              int fix_position);              \
  __XPILE_BUILTIN void __bang_float2int8_##R(int8 *dst, float *src,           \
                                             int src_count,                   \
                                             int fix_position);               \
  __XPILE_BUILTIN void __bang_half2int16_##R(int16 *dst, half *src,           \
                                             int src_count,                   \
                                             int fix_position);               \
  __XPILE_BUILTIN void __bang_half2int8_##R(int8 *dst, half *src,             \
                                            int src_count, int fix_position); \
  __XPILE_BUILTIN void __bang_half2short_##R(short *dst, half *src,           \
                                             int src_count);
__XPILE_ROUNDINGS(__XPILE_F2I, _)
#undef __XPILE_F2I
__XPILE_BUILTIN void __bang_int2float(float *dst, int *src, int src_count,
                                      int fix_position);
__XPILE_BUILTIN void __bang_int162float(float *dst, int16 *src,
                                        int src_count, int fix_position);
__XPILE_BUILTIN void __bang_int82float(float *dst, int8 *src, int src_count,
                                       int fix_position);
__XPILE_BUILTIN void __bang_int162half(half *dst, int16 *src, int src_count,
                                       int fix_position);
__XPILE_BUILTIN void __bang_int82half(half *dst, int8 *src, int src_count,
                                      int fix_position);
__XPILE_BUILTIN void __bang_short2half(half *dst, short *src, int src_count);

/* newer names (S3) */
__XPILE_BUILTIN void __bang_float2int32(int *dst, float *src, int src_count,
                                        int fix_position);
__XPILE_BUILTIN void __bang_float2int32_rd(int *dst, float *src,
                                           int src_count, int fix_position);
__XPILE_BUILTIN void __bang_float2int32_tz(int *dst, float *src,
                                           int src_count, int fix_position);
__XPILE_BUILTIN void __bang_int322float(float *dst, int *src, int src_count,
                                        int fix_position);
__XPILE_BUILTIN void __bang_int322float_rd(float *dst, int *src,
                                           int src_count, int fix_position);
__XPILE_BUILTIN void __bang_int322float_rn(float *dst, int *src,
                                           int src_count, int fix_position);

/* ---- scalar conversions (S2 list) ---------------------------------------- */
__XPILE_BUILTIN float __half2float(half a);
__XPILE_BUILTIN float __bfloat162float(bfloat16_t a);
#define __XPILE_SCALAR_CVT(X, R)                                              \
  __XPILE_BUILTIN half __float2half_##R(float a);                             \
  __XPILE_BUILTIN bfloat16_t __float2bfloat16_##R(float a);                   \
  __XPILE_BUILTIN int __float2int_##R(float a);                               \
  __XPILE_BUILTIN int __half2int_##R(half a);                                 \
  __XPILE_BUILTIN short __half2short_##R(half a);                             \
  __XPILE_BUILTIN float __int2float_##R(int a);                               \
  __XPILE_BUILTIN half __int2half_##R(int a);                                 \
  __XPILE_BUILTIN half __short2half_##R(short a);
__XPILE_ROUNDINGS(__XPILE_SCALAR_CVT, _)
#undef __XPILE_SCALAR_CVT

#endif /* XPILE_BANG_CONVERT_H */
