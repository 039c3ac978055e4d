/*
 * xpile BANG C prelude -- miscellaneous device functions (§8.10, §3).
 */
#ifndef XPILE_BANG_MISC_H
#define XPILE_BANG_MISC_H

#include "__xpile_bang_types.h"

/* printf from device code: a macro with <= 16 arguments in the SDK.  Clang
 * rejects C variadic functions in CUDA device code, so it is a variadic
 * template here (one CallExpr to __bang_printf per call in the AST). */
template <typename... Args>
__XPILE_BUILTIN void __bang_printf(const char *fmt, Args... args);

/* address-space tests */
__XPILE_BUILTIN bool __is_nram(const void *ptr);
__XPILE_BUILTIN bool __is_wram(const void *ptr);
__XPILE_BUILTIN bool __is_sram(const void *ptr);
__XPILE_BUILTIN bool __is_dram(const void *ptr); /* newer (S3) */

/* core kind: IPU (compute core) or MPU (memory core, coreId == 0x80) */
__XPILE_BUILTIN bool __is_ipu(void);
__XPILE_BUILTIN bool __is_mpu(void);

/* random numbers */
__XPILE_BUILTIN void __bang_rand(short *dst, int elem_count);

#endif /* XPILE_BANG_MISC_H */
