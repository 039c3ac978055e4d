/*
 * xpile BANG C prelude -- data movement and fill (§5).
 * Sizes and strides are in BYTES; `segnum` is "number of segments minus one".
 */
#ifndef XPILE_BANG_MEMCPY_H
#define XPILE_BANG_MEMCPY_H

#include "__xpile_bang_types.h"

/* ---- §5.2 __memcpy / __memcpy_async ------------------------------------ */
#define __XPILE_MEMCPY_FAMILY(NAME)                                           \
  /* 1-D: copy `size` bytes */                                                \
  __XPILE_BUILTIN void NAME(void *dst, const void *src, int size,             \
                            mluMemcpyDirection_t dir);                        \
  /* 2-D strided: segnum+1 segments, segment i from src+i*src_stride to       \
   * dst+i*dst_stride */                                                      \
  __XPILE_BUILTIN void NAME(void *dst, const void *src, int size,             \
                            mluMemcpyDirection_t dir, int dst_stride,         \
                            int src_stride, int segnum);                      \
  /* SRAM2SRAM into the SRAM of cluster id_dst_cluster */                     \
  __XPILE_BUILTIN void NAME(void *dst, const void *src, int size,             \
                            mluMemcpyDirection_t dir, int id_dst_cluster);    \
  __XPILE_BUILTIN void NAME(void *dst, const void *src, int size,             \
                            mluMemcpyDirection_t dir, int dst_stride,         \
                            int src_stride, int segnum, int id_dst_cluster);  \
  /* 3-D (arch >= 300/322) */                                                 \
  __XPILE_BUILTIN void NAME(void *dst, const void *src, int size,             \
                            mluMemcpyDirection_t dir, int dst_stride0,        \
                            int dst_segnum1, int dst_stride1,                 \
                            int dst_segnum2, int src_stride0,                 \
                            int src_segnum1, int src_stride1,                 \
                            int src_segnum2);                                 \
  /* 3-D SRAM2SRAM cross-cluster */                                           \
  __XPILE_BUILTIN void NAME(void *dst, const void *src, int size,             \
                            mluMemcpyDirection_t dir, int dst_stride0,        \
                            int dst_segnum1, int dst_stride1,                 \
                            int dst_segnum2, int src_stride0,                 \
                            int src_segnum1, int src_stride1,                 \
                            int src_segnum2, int id_dst_cluster);

__XPILE_MEMCPY_FAMILY(__memcpy)
__XPILE_MEMCPY_FAMILY(__memcpy_async)
#undef __XPILE_MEMCPY_FAMILY

/* NRAM -> NRAM fast path (2xx+, 128 B alignment) */
__XPILE_BUILTIN void __memcpy_nram_to_nram(void *dst, const void *src,
                                           int size, int dst_stride,
                                           int src_stride, int segnum);

/* newer SDKs (S3): on-chip move.  [UNCERTAIN signature] */
__XPILE_BUILTIN void __bang_move(void *dst, const void *src, int size);
__XPILE_BUILTIN void __bang_move(void *dst, const void *src, int size,
                                 int dst_stride, int src_stride, int segnum);

/* ---- §5.3 fill: NOTE count before value -------------------------------- */
#define __XPILE_FILL(X, T)                                                       \
  __XPILE_BUILTIN void __bang_write_value(void *dst, int elem_count,          \
                                          T value);                           \
  /* 3-D variant (3xx) */                                                     \
  __XPILE_BUILTIN void __bang_write_value(void *dst, int elem_count,          \
                                          T value, int stride0, int iter1,    \
                                          int stride1, int iter2);            \
  __XPILE_BUILTIN void __nramset(void *dst, int elem_count, T value);         \
  __XPILE_BUILTIN void __memset_nram(void *dst, int elem_count, T value);     \
  __XPILE_BUILTIN void __sramset(void *dst, int elem_count, T value);         \
  __XPILE_BUILTIN void __gdramset(void *dst, int elem_count, T value);        \
  __XPILE_BUILTIN void __ldramset(void *dst, int elem_count, T value);
__XPILE_ALL(__XPILE_FILL, _)
#undef __XPILE_FILL

#define __XPILE_ZERO(X, T)                                                       \
  __XPILE_BUILTIN void __bang_write_zero(T *dst, int elem_count);
__XPILE_ALL(__XPILE_ZERO, _)
#undef __XPILE_ZERO

#endif /* XPILE_BANG_MEMCPY_H */
