/*
 * xpile BANG C prelude -- atomics on GDRAM (§8.9, mtp_3xx).
 *   __bang_atomic_reduce_OP(T* dst, T src1[, int size = 1]): *dst OP= src1
 *   __bang_atomic_OP(T* dst, T* src1, T src2[, int size = 1]):
 *       *dst = *src1 (old value, dst in NRAM); *src1 OP= src2 (GDRAM)
 */
#ifndef XPILE_BANG_ATOMIC_H
#define XPILE_BANG_ATOMIC_H

#include "__xpile_bang_types.h"

#define __XPILE_ATOMIC_REDUCE(NAME, T)                                        \
  __XPILE_BUILTIN void NAME(T *dst, T src1, int size = 1);                    \
  __XPILE_BUILTIN void NAME(T *dst, T *src1, int size);
#define __XPILE_ATOMIC(NAME, T)                                               \
  __XPILE_BUILTIN void NAME(T *dst, T *src1, T src2, int size = 1);

/* arithmetic element types: short, int, half, float, bfloat16_t */
#define __XPILE_ATOMIC_ARITH(M, X) __XPILE_SI(M, X) __XPILE_HFB(M, X)
/* integer element types */
#define __XPILE_ATOMIC_INT(M, X)                                              \
  M(X, short) M(X, unsigned short) M(X, int) M(X, unsigned int)

__XPILE_ATOMIC_ARITH(__XPILE_ATOMIC_REDUCE, __bang_atomic_reduce_add)
__XPILE_ATOMIC_ARITH(__XPILE_ATOMIC_REDUCE, __bang_atomic_reduce_max)
__XPILE_ATOMIC_ARITH(__XPILE_ATOMIC_REDUCE, __bang_atomic_reduce_min)
__XPILE_ATOMIC_INT(__XPILE_ATOMIC_REDUCE, __bang_atomic_reduce_and)
__XPILE_ATOMIC_INT(__XPILE_ATOMIC_REDUCE, __bang_atomic_reduce_or)
__XPILE_ATOMIC_INT(__XPILE_ATOMIC_REDUCE, __bang_atomic_reduce_xor)

__XPILE_ATOMIC_ARITH(__XPILE_ATOMIC, __bang_atomic_add)
__XPILE_ATOMIC_ARITH(__XPILE_ATOMIC, __bang_atomic_max)
__XPILE_ATOMIC_ARITH(__XPILE_ATOMIC, __bang_atomic_min)
__XPILE_ATOMIC_ARITH(__XPILE_ATOMIC, __bang_atomic_exch)
__XPILE_ATOMIC_INT(__XPILE_ATOMIC, __bang_atomic_and)
__XPILE_ATOMIC_INT(__XPILE_ATOMIC, __bang_atomic_or)
__XPILE_ATOMIC_INT(__XPILE_ATOMIC, __bang_atomic_xor)
__XPILE_ATOMIC_INT(__XPILE_ATOMIC, __bang_atomic_inc)
__XPILE_ATOMIC_INT(__XPILE_ATOMIC, __bang_atomic_dec)

/* compare-and-swap: if (*src1 == src2) *src1 = src3; old value -> *dst */
#define __XPILE_ATOMIC_CAS(X, T)                                              \
  __XPILE_BUILTIN void __bang_atomic_cas(T *dst, T *src1, T src2, T src3,     \
                                         int size = 1);
__XPILE_ATOMIC_INT(__XPILE_ATOMIC_CAS, _)
#undef __XPILE_ATOMIC_CAS

#endif /* XPILE_BANG_ATOMIC_H */
