/*
 * xpile BANG C prelude -- reductions and pooling (§8.5).
 * Pooling layout is HWC (channel innermost), VALID windows; strides are
 * given width first, then height.
 */
#ifndef XPILE_BANG_REDUCE_H
#define XPILE_BANG_REDUCE_H

#include "__xpile_bang_vector.h"

/* per 128-byte block sum: dst[b*(128/sizeof(T))] = sum of block b */
__XPILE_HF(__XPILE_UN, __bang_reduce_sum)

/* scalar sum */
#define __XPILE_SUM(X, T)                                                     \
  __XPILE_BUILTIN T __bang_sum(T *src, int elem_count);
__XPILE_HFB(__XPILE_SUM, _)
#undef __XPILE_SUM

/* dst[0] = value, followed by the index of the first occurrence */
__XPILE_HF(__XPILE_UN, __bang_max)
__XPILE_HF(__XPILE_UN, __bang_min)
__XPILE_HF(__XPILE_UN, __bang_argmax) /* 3xx+ */
__XPILE_HF(__XPILE_UN, __bang_argmin) /* 3xx+ */
__XPILE_HF(__XPILE_UN, __bang_fabsmax)
__XPILE_HF(__XPILE_UN, __bang_fabsmin)

/* count of non-zero elements: CNToolkit 3.6 writes it to dst[0]; newer
 * SDKs (S3) return it */
#define __XPILE_COUNT(X, T)                                                   \
  __XPILE_BUILTIN void __bang_count(unsigned int *dst, T *src,                \
                                    int elem_count);                          \
  __XPILE_BUILTIN int __bang_count(T *src, int elem_count);
__XPILE_HFB(__XPILE_COUNT, _)
#undef __XPILE_COUNT

/* ---- pooling ------------------------------------------------------------ */
#define __XPILE_POOL9(NAME, T)                                                \
  __XPILE_BUILTIN void NAME(T *dst, T *src, int channel, int height,          \
                            int width, int kernel_height, int kernel_width,   \
                            int stride_width, int stride_height);
/* 7-arg form: stride = kernel size (documented for half) */
#define __XPILE_POOL7(NAME, T)                                                \
  __XPILE_BUILTIN void NAME(T *dst, T *src, int channel, int height,          \
                            int width, int kernel_height, int kernel_width);

__XPILE_HFB(__XPILE_POOL9, __bang_sumpool)
__XPILE_POOL7(__bang_sumpool, half)
__XPILE_HFB(__XPILE_POOL9, __bang_maxpool)
__XPILE_POOL7(__bang_maxpool, half)
__XPILE_HFB(__XPILE_POOL9, __bang_minpool)
__XPILE_POOL7(__bang_minpool, half)
__XPILE_HFB(__XPILE_POOL9, __bang_avgpool)
__XPILE_POOL7(__bang_avgpool, half)

/* index / backward variants [UNCERTAIN exact signatures] */
__XPILE_HF(__XPILE_POOL9, __bang_maxpool_index)
__XPILE_HF(__XPILE_POOL9, __bang_minpool_index)
#define __XPILE_POOL_VI(NAME, T)                                              \
  __XPILE_BUILTIN void NAME(T *dst, T *src, int channel, int height,          \
                            int width, int kernel_height, int kernel_width,   \
                            int stride_width, int stride_height,              \
                            int value_index_stride);
__XPILE_HF(__XPILE_POOL_VI, __bang_maxpool_value_index)
__XPILE_HF(__XPILE_POOL_VI, __bang_minpool_value_index)
#undef __XPILE_POOL_VI
/* backward: dst = input-gradient (HWC of the forward input), src = output
 * gradient, index = forward max index; overlap policy for windows that
 * overlap */
#define __XPILE_POOL_BP(X, T)                                                 \
  __XPILE_BUILTIN void __bang_maxpool_bp(T *dst, T *src, T *index,            \
                                         int channel, int height, int width,  \
                                         int kernel_height, int kernel_width, \
                                         int stride_width, int stride_height, \
                                         mluPoolBPOverlap overlap);           \
  __XPILE_BUILTIN void __bang_avgpool_bp(T *dst, T *src, int channel,         \
                                         int height, int width,               \
                                         int kernel_height, int kernel_width, \
                                         int stride_width, int stride_height, \
                                         mluPoolBPOverlap overlap);           \
  __XPILE_BUILTIN void __bang_unpool(T *dst, T *src, int channel,             \
                                     int height, int width,                   \
                                     int kernel_height, int kernel_width,     \
                                     int stride_width, int stride_height,     \
                                     int index);
__XPILE_HF(__XPILE_POOL_BP, _)
#undef __XPILE_POOL_BP

#endif /* XPILE_BANG_REDUCE_H */
