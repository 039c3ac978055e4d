/*
 * xpile BANG C prelude -- <bang.h>: everything device code sees.
 *
 * Lets Clang 16 parse and type-check Cambricon BANG C (.mlu) without the
 * vendor SDK; see README.md for the exact flags and the conventions the
 * xpile front end relies on.  Declarations follow the CNToolkit 3.6
 * signatures documented in /work/shared/reference/bang-c.md (section
 * numbers in each header), plus a few newer names used by mlu-ops.
 */
#ifndef XPILE_BANG_H
#define XPILE_BANG_H

#include "__xpile_bang_config.h"       /* qualifiers, __BANG_ARCH__, sizes */
#include "__xpile_bang_types.h"        /* half, bfloat16_t, enums      §5.1 §7 */
#include "__xpile_bang_builtin_vars.h" /* taskId, clusterId, coreId...  §3 */
#include "__xpile_bang_memcpy.h"       /* __memcpy, write_value, set    §5 */
#include "__xpile_bang_sync.h"         /* __sync_*                      §6 */
#include "__xpile_bang_vector.h"       /* binary, scalar, cycle ops   §8.1-3 */
#include "__xpile_bang_activation.h"   /* unary / activation          §8.4 */
#include "__xpile_bang_reduce.h"       /* reductions / pooling        §8.5 */
#include "__xpile_bang_matrix.h"       /* mlp, conv, layout           §8.6 */
#include "__xpile_bang_select.h"       /* select, collect, lut        §8.7 */
#include "__xpile_bang_convert.h"      /* conversions                 §8.8 */
#include "__xpile_bang_atomic.h"       /* atomics                     §8.9 */
#include "__xpile_bang_misc.h"         /* printf, __is_*              §8.10 */

#endif /* XPILE_BANG_H */
