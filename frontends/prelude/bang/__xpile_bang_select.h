/*
 * xpile BANG C prelude -- select / compaction / table lookup (§8.7).
 */
#ifndef XPILE_BANG_SELECT_H
#define XPILE_BANG_SELECT_H

#include "__xpile_bang_vector.h"

/* dst = [128 B: unsigned int count][selected elements, packed]; keeps src[i]
 * where index[i] != 0 */
__XPILE_HFB(__XPILE_BIN, __bang_select)
/* packs elements with mask != 0, no count header */
__XPILE_HFB(__XPILE_BIN, __bang_collect)
/* byte-mask move */
__XPILE_HFB(__XPILE_BIN, __bang_maskmove)
__XPILE_SI(__XPILE_BIN, __bang_maskmove)

#define __XPILE_BITMASK(NAME, T)                                              \
  __XPILE_BUILTIN void NAME(T *dst, T *src, void *bitmask, int elem_count);
__XPILE_HFB(__XPILE_BITMASK, __bang_collect_bitindex)
__XPILE_HFB(__XPILE_BITMASK, __bang_filter_bitindex)
#undef __XPILE_BITMASK

/* newer compaction (S3); returns the number of elements kept
 * [UNCERTAIN return type] */
#define __XPILE_FILTER(X, T)                                                  \
  __XPILE_BUILTIN unsigned int __bang_filter(T *dst, T *src, T *mask,         \
                                             int elem_count);
__XPILE_HFB(__XPILE_FILTER, _)
#undef __XPILE_FILTER

/* table lookup: dst[i] = table[src[i]] */
__XPILE_BUILTIN void __bang_lut_s16(short *dst, short *src, short *table,
                                    int elem_count, int table_len);
__XPILE_BUILTIN void __bang_lut_s32(int *dst, int *src, int *table,
                                    int elem_count, int table_len);
/* newer generic name [UNCERTAIN type set] */
__XPILE_BUILTIN void __bang_lut(short *dst, short *src, short *table,
                                int elem_count, int table_len);
__XPILE_BUILTIN void __bang_lut(int *dst, int *src, int *table,
                                int elem_count, int table_len);

#endif /* XPILE_BANG_SELECT_H */
