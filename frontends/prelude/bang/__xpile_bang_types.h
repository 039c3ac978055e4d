/*
 * xpile BANG C prelude -- data types and enums (§5.1, §7).
 */
#ifndef XPILE_BANG_TYPES_H
#define XPILE_BANG_TYPES_H

#include "__xpile_bang_config.h"
#include <stddef.h>
#include <stdint.h>

/* ---- Floating point (§7) ----------------------------------------------- */
/* cncc's built-in fp16 type.  Clang 16 supports _Float16 on x86-64. */
typedef _Float16 half;

/* CNToolkit 3.6: a struct holding the raw 16 bits, convertible to/from
 * float.  Conversion here rounds to nearest even (NaN handling omitted). */
struct bfloat16_t {
  unsigned short value;
  bfloat16_t() = default;
  __host__ __device__ bfloat16_t(float f) {
    unsigned int bits;
    __builtin_memcpy(&bits, &f, sizeof bits);
    bits += 0x7fffu + ((bits >> 16) & 1u);
    value = (unsigned short)(bits >> 16);
  }
  __host__ __device__ operator float() const {
    unsigned int bits = (unsigned int)value << 16;
    float f;
    __builtin_memcpy(&f, &bits, sizeof f);
    return f;
  }
};

/* ---- Fixed-point / small integer types (§7) ---------------------------- */
typedef int8_t int8;
typedef int16_t int16;
typedef int8_t fix8;
/* two 4-bit integers in one byte */
struct int4x2_t {
  unsigned char value;
};

/* ---- Memcpy direction (§5.1): ALL enumerators, documented order -------- */
typedef enum {
  GDRAM2NRAM = 0,
  NRAM2GDRAM,
  LDRAM2NRAM,
  NRAM2LDRAM,
  GDRAM2WRAM,
  WRAM2GDRAM,
  LDRAM2WRAM,
  WRAM2LDRAM,
  NRAM2NRAM,
  NRAM2WRAM,
  WRAM2NRAM,
  GDRAM2SRAM,
  SRAM2GDRAM,
  LDRAM2SRAM,
  SRAM2LDRAM,
  SRAM2NRAM,
  NRAM2SRAM,
  SRAM2WRAM,
  WRAM2SRAM,
  GDRAM2GDRAM,
  GDRAM2LDRAM,
  LDRAM2GDRAM,
  LDRAM2LDRAM,
  SRAM2SRAM
} mluMemcpyDirection_t;

/* ---- __bang_fusion op codes (§7, §8.1) --------------------------------- */
typedef enum {
  FUSION_FMA, /* s0*s1+s2 */
  FUSION_FMS, /* s0*s1-s2 */
  FUSION_FAM, /* (s0+s1)*s2 */
  FUSION_FSM, /* (s0-s1)*s2 */
  FUSION_FAA, /* s0+s1+s2 */
  FUSION_FAS, /* s0+s1-s2 */
  FUSION_FSS, /* s0-s1-s2 */
  FUSION_FSA  /* s0-s1+s2 */
} mluFusionOpCode;

/* ---- Compare modes and pooling-backward overlap policy (§7) ------------ */
typedef enum { CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE } CompareMode;
typedef enum { OVERLAP_ACC, OVERLAP_COVER } mluPoolBPOverlap;

/* ---- Overload generators (internal) ------------------------------------
 * The SDK declares explicit per-type overloads; so do we, through these
 * helpers: LIST(M, X) expands M(X, T) once per element type T. */
/* half/float (the 2xx set, §8.4/§8.5) */
#define __XPILE_HF(M, X) M(X, half) M(X, float)
/* half/float/bfloat16_t (the 3xx element-wise set, §8.1) */
#define __XPILE_HFB(M, X) M(X, half) M(X, float) M(X, bfloat16_t)
/* the 3xx int16/int32 overloads used by mlu-ops */
#define __XPILE_SI(M, X) M(X, short) M(X, int)
/* byte types (§8.1 "T also char"; S3 passes int8_t*) */
#define __XPILE_BYTES(M, X) M(X, char) M(X, signed char) M(X, unsigned char)
/* every 8/16/32-bit integer type */
#define __XPILE_INTS(M, X)                                                    \
  __XPILE_BYTES(M, X) M(X, short) M(X, unsigned short) M(X, int)             \
  M(X, unsigned int)
/* all element types of __bang_write_value / __nramset (§5.3) */
#define __XPILE_ALL(M, X) __XPILE_INTS(M, X) __XPILE_HFB(M, X)

#endif /* XPILE_BANG_TYPES_H */
