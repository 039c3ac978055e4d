/*
 * xpile BANG C prelude -- element-wise vector intrinsics (§8.1-§8.3).
 * All operands are NRAM pointers; counts are ELEMENTS; dst comes first.
 */
#ifndef XPILE_BANG_VECTOR_H
#define XPILE_BANG_VECTOR_H

#include "__xpile_bang_types.h"

/* ---- shapes ------------------------------------------------------------ */
/* (T* dst, T* src0, T* src1, int elem_count) */
#define __XPILE_BIN(NAME, T)                                                  \
  __XPILE_BUILTIN void NAME(T *dst, T *src0, T *src1, int elem_count);
/* (T* dst, T* src, int elem_count) */
#define __XPILE_UN(NAME, T)                                                   \
  __XPILE_BUILTIN void NAME(T *dst, T *src, int elem_count);
/* (T* dst, T* src, T value, int elem_count) */
#define __XPILE_SCALAR(NAME, T)                                               \
  __XPILE_BUILTIN void NAME(T *dst, T *src, T value, int elem_count);
/* (T* dst, T* src, T* seg, int src_elem_count, int seg_elem_count) */
#define __XPILE_CYCLE(NAME, T)                                                \
  __XPILE_BUILTIN void NAME(T *dst, T *src, T *seg, int src_elem_count,       \
                            int seg_elem_count);

/* ---- §8.1 element-wise binary ------------------------------------------ */
__XPILE_HFB(__XPILE_BIN, __bang_add)
__XPILE_SI(__XPILE_BIN, __bang_add)
__XPILE_HFB(__XPILE_BIN, __bang_sub)
__XPILE_SI(__XPILE_BIN, __bang_sub)
__XPILE_HFB(__XPILE_BIN, __bang_mul)
__XPILE_SI(__XPILE_BIN, __bang_mul)

/* div: vector, scalar divisor, old form with an addition buffer, ints */
#define __XPILE_DIV(X, T)                                                     \
  __XPILE_BUILTIN void __bang_div(T *dst, T *src0, T *src1, int elem_count);  \
  __XPILE_BUILTIN void __bang_div(T *dst, T *src0, T src1, int elem_count);   \
  __XPILE_BUILTIN void __bang_div(T *dst, T *src0, T *src1,                   \
                                  T *src_addition, int elem_count);
__XPILE_HFB(__XPILE_DIV, _)
#undef __XPILE_DIV
__XPILE_BIN(__bang_div, short)
__XPILE_BIN(__bang_div, int)
__XPILE_BIN(__bang_div, unsigned int)

/* element-wise max/min (2xx+) */
__XPILE_HFB(__XPILE_BIN, __bang_maxequal)
__XPILE_HFB(__XPILE_BIN, __bang_minequal)
/* newer max/min, plus the old half form (dst, src, distance, size) */
__XPILE_HFB(__XPILE_BIN, __bang_maximum)
__XPILE_HFB(__XPILE_BIN, __bang_minimum)
__XPILE_BUILTIN void __bang_maximum(half *dst, half *src, int distance,
                                    int size);
__XPILE_BUILTIN void __bang_minimum(half *dst, half *src, int distance,
                                    int size);
/* NaN-propagating max/min */
__XPILE_HFB(__XPILE_BIN, __bang_nan_maximum)
__XPILE_HFB(__XPILE_BIN, __bang_nan_minimum)

/* comparisons: 1.0 / 0.0 in T; *_bitindex: packed bits */
__XPILE_HFB(__XPILE_BIN, __bang_eq)
__XPILE_HFB(__XPILE_BIN, __bang_ne)
__XPILE_HFB(__XPILE_BIN, __bang_lt)
__XPILE_HFB(__XPILE_BIN, __bang_le)
__XPILE_HFB(__XPILE_BIN, __bang_gt)
__XPILE_HFB(__XPILE_BIN, __bang_ge)
__XPILE_HFB(__XPILE_BIN, __bang_eq_bitindex)
__XPILE_HFB(__XPILE_BIN, __bang_ne_bitindex)
__XPILE_HFB(__XPILE_BIN, __bang_lt_bitindex)
__XPILE_HFB(__XPILE_BIN, __bang_le_bitindex)
__XPILE_HFB(__XPILE_BIN, __bang_gt_bitindex)
__XPILE_HFB(__XPILE_BIN, __bang_ge_bitindex)

/* logical and/or/xor/not (result 1/0) */
__XPILE_HFB(__XPILE_BIN, __bang_and)
__XPILE_BYTES(__XPILE_BIN, __bang_and)
__XPILE_HFB(__XPILE_BIN, __bang_or)
__XPILE_BYTES(__XPILE_BIN, __bang_or)
__XPILE_HFB(__XPILE_BIN, __bang_xor)
__XPILE_BYTES(__XPILE_BIN, __bang_xor)
__XPILE_HFB(__XPILE_UN, __bang_not)
__XPILE_BYTES(__XPILE_UN, __bang_not)

/* bitwise */
__XPILE_INTS(__XPILE_BIN, __bang_band)
__XPILE_INTS(__XPILE_BIN, __bang_bor)
__XPILE_INTS(__XPILE_BIN, __bang_bxor)
__XPILE_INTS(__XPILE_UN, __bang_bnot)

/* __bang_fusion (322+): src1/src2 each a vector (repeated cyclically when
 * shorter) or a scalar; optional src1_src2_elem_count. */
#define __XPILE_FUSION(X, T)                                                  \
  __XPILE_BUILTIN void __bang_fusion(mluFusionOpCode op, T *dst, T *src0,     \
                                     T *src1, T *src2,                        \
                                     int dst_src0_elem_count);                \
  __XPILE_BUILTIN void __bang_fusion(mluFusionOpCode op, T *dst, T *src0,     \
                                     T *src1, T *src2,                        \
                                     int dst_src0_elem_count,                 \
                                     int src1_src2_elem_count);               \
  __XPILE_BUILTIN void __bang_fusion(mluFusionOpCode op, T *dst, T *src0,     \
                                     T src1, T *src2,                         \
                                     int dst_src0_elem_count);                \
  __XPILE_BUILTIN void __bang_fusion(mluFusionOpCode op, T *dst, T *src0,     \
                                     T src1, T *src2,                         \
                                     int dst_src0_elem_count,                 \
                                     int src1_src2_elem_count);               \
  __XPILE_BUILTIN void __bang_fusion(mluFusionOpCode op, T *dst, T *src0,     \
                                     T *src1, T src2,                         \
                                     int dst_src0_elem_count);                \
  __XPILE_BUILTIN void __bang_fusion(mluFusionOpCode op, T *dst, T *src0,     \
                                     T *src1, T src2,                         \
                                     int dst_src0_elem_count,                 \
                                     int src1_src2_elem_count);               \
  __XPILE_BUILTIN void __bang_fusion(mluFusionOpCode op, T *dst, T *src0,     \
                                     T src1, T src2,                          \
                                     int dst_src0_elem_count);
__XPILE_HFB(__XPILE_FUSION, _)
#undef __XPILE_FUSION

/* ---- §8.2 scalar variants ---------------------------------------------- */
__XPILE_HFB(__XPILE_SCALAR, __bang_add_scalar)
__XPILE_SI(__XPILE_SCALAR, __bang_add_scalar)
__XPILE_HFB(__XPILE_SCALAR, __bang_sub_scalar)
__XPILE_SI(__XPILE_SCALAR, __bang_sub_scalar)
__XPILE_HFB(__XPILE_SCALAR, __bang_mul_scalar)
__XPILE_SI(__XPILE_SCALAR, __bang_mul_scalar)
__XPILE_HFB(__XPILE_SCALAR, __bang_eq_scalar)
__XPILE_HFB(__XPILE_SCALAR, __bang_ne_scalar)
__XPILE_HFB(__XPILE_SCALAR, __bang_lt_scalar)
__XPILE_HFB(__XPILE_SCALAR, __bang_le_scalar)
__XPILE_HFB(__XPILE_SCALAR, __bang_gt_scalar)
__XPILE_HFB(__XPILE_SCALAR, __bang_ge_scalar)
__XPILE_HFB(__XPILE_SCALAR, __bang_maxeq_scalar)
__XPILE_HFB(__XPILE_SCALAR, __bang_mineq_scalar)
__XPILE_HFB(__XPILE_SCALAR, __bang_and_scalar)
__XPILE_INTS(__XPILE_SCALAR, __bang_band_scalar)
/* remainder: vector or scalar divisor (int16/int32) */
__XPILE_SI(__XPILE_BIN, __bang_rem)
__XPILE_SI(__XPILE_SCALAR, __bang_rem)
/* logical shift right (S3 usage) */
__XPILE_BUILTIN void __bang_srl(uint32_t *dst, uint32_t *src, int shift,
                                int elem_count);
/* deprecated aliases of *_scalar ("will be deprecated, use *_scalar") */
__XPILE_HFB(__XPILE_SCALAR, __bang_add_const)
__XPILE_HFB(__XPILE_SCALAR, __bang_sub_const)
__XPILE_HFB(__XPILE_SCALAR, __bang_mul_const)

/* ---- §8.3 cycle (row-vector broadcast) ops ------------------------------
 * dst[k*seg + i] = src[k*seg + i] OP seg[i]; src_elem_count % seg == 0 */
__XPILE_HFB(__XPILE_CYCLE, __bang_cycle_add)
__XPILE_SI(__XPILE_CYCLE, __bang_cycle_add)
__XPILE_HFB(__XPILE_CYCLE, __bang_cycle_sub)
__XPILE_SI(__XPILE_CYCLE, __bang_cycle_sub)
__XPILE_HFB(__XPILE_CYCLE, __bang_cycle_mul)
__XPILE_SI(__XPILE_CYCLE, __bang_cycle_mul)
__XPILE_HFB(__XPILE_CYCLE, __bang_cycle_maxequal)
__XPILE_HFB(__XPILE_CYCLE, __bang_cycle_minequal)
__XPILE_HFB(__XPILE_CYCLE, __bang_cycle_eq)
__XPILE_HFB(__XPILE_CYCLE, __bang_cycle_ne)
__XPILE_HFB(__XPILE_CYCLE, __bang_cycle_lt)
__XPILE_HFB(__XPILE_CYCLE, __bang_cycle_le)
__XPILE_HFB(__XPILE_CYCLE, __bang_cycle_gt)
__XPILE_HFB(__XPILE_CYCLE, __bang_cycle_ge)
__XPILE_HFB(__XPILE_CYCLE, __bang_cycle_and)
__XPILE_HFB(__XPILE_CYCLE, __bang_cycle_or)
__XPILE_HFB(__XPILE_CYCLE, __bang_cycle_xor)
__XPILE_INTS(__XPILE_CYCLE, __bang_cycle_band)
__XPILE_INTS(__XPILE_CYCLE, __bang_cycle_bor)
__XPILE_INTS(__XPILE_CYCLE, __bang_cycle_bxor)
__XPILE_HFB(__XPILE_CYCLE, __bang_cycle_maximum)
__XPILE_HFB(__XPILE_CYCLE, __bang_cycle_minimum)
__XPILE_HFB(__XPILE_CYCLE, __bang_cycle_nan_maximum)
__XPILE_HFB(__XPILE_CYCLE, __bang_cycle_nan_minimum)

#endif /* XPILE_BANG_VECTOR_H */
