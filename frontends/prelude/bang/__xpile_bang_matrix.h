/*
 * xpile BANG C prelude -- matrix, convolution and layout intrinsics (§8.6).
 * Weights/kernels live in WRAM (reshaped with __bang_reshape_filter);
 * inputs and outputs in NRAM.  conv layouts: src [H][W][Ci],
 * kernel [Co][Kh][Kw][Ci], dst [Ho][Wo][Co], VALID padding.
 */
#ifndef XPILE_BANG_MATRIX_H
#define XPILE_BANG_MATRIX_H

#include "__xpile_bang_types.h"

/* ---- __bang_mlp: dst = src x weight (+ bias) ------------------------------
 * CNToolkit 3.6 overloads only for fixed-point inputs:
 *   dst in {half, float, int16} x src in {int8, int16} x weight in {int8, int16}
 * height = output length (rows of weight, % 64 == 0), width = input length. */
#define __XPILE_MLP(TD, TS, TW)                                               \
  __XPILE_BUILTIN void __bang_mlp(TD *dst, TS *src, TW *weight, int height,   \
                                  int width, int fix_position);               \
  __XPILE_BUILTIN void __bang_mlp(TD *dst, TS *src, TD *bias, TW *weight,     \
                                  int height, int width, int fix_position);
#define __XPILE_MLP_W(TD, TS) __XPILE_MLP(TD, TS, int8) __XPILE_MLP(TD, TS, int16)
#define __XPILE_MLP_SW(X, TD) __XPILE_MLP_W(TD, int8) __XPILE_MLP_W(TD, int16)
__XPILE_MLP_SW(_, half)
__XPILE_MLP_SW(_, float)
__XPILE_MLP_SW(_, int16)
#undef __XPILE_MLP_SW
#undef __XPILE_MLP_W
#undef __XPILE_MLP

/* ---- __bang_conv ----------------------------------------------------------
 * Parameter tail common to every form. */
#define __XPILE_CONV_GEOM                                                     \
  int channel_input, int height, int width, int kernel_height,                \
      int kernel_width, int stride_width, int stride_height,                  \
      int channel_output
/* floating forms (3xx: float/half/bfloat16_t without fix_position; 1xx/2xx
 * style with fix_position) */
#define __XPILE_CONV_FP(X, T)                                                 \
  __XPILE_BUILTIN void __bang_conv(T *dst, T *src, T *kernel,                 \
                                   __XPILE_CONV_GEOM);                        \
  __XPILE_BUILTIN void __bang_conv(T *dst, T *src, T *kernel, T *bias,        \
                                   __XPILE_CONV_GEOM);                        \
  __XPILE_BUILTIN void __bang_conv(T *dst, T *src, T *kernel,                 \
                                   __XPILE_CONV_GEOM, int fix_position);      \
  __XPILE_BUILTIN void __bang_conv(T *dst, T *src, T *kernel, T *bias,        \
                                   __XPILE_CONV_GEOM, int fix_position);
__XPILE_HFB(__XPILE_CONV_FP, _)
#undef __XPILE_CONV_FP
/* fixed-point forms: dst in {half, float, int16}, src/kernel in
 * {int8, int16}; fix_position required; optional dilation tail */
#define __XPILE_CONV_FIX(TD, TS, TK)                                          \
  __XPILE_BUILTIN void __bang_conv(TD *dst, TS *src, TK *kernel,              \
                                   __XPILE_CONV_GEOM, int fix_position);      \
  __XPILE_BUILTIN void __bang_conv(TD *dst, TS *src, TK *kernel, TD *bias,    \
                                   __XPILE_CONV_GEOM, int fix_position);      \
  __XPILE_BUILTIN void __bang_conv(TD *dst, TS *src, TK *kernel,              \
                                   __XPILE_CONV_GEOM, int fix_position,       \
                                   int indilation_w, int indilation_h,        \
                                   int outdilation_w, int outdilation_h);
#define __XPILE_CONV_K(TD, TS)                                                \
  __XPILE_CONV_FIX(TD, TS, int8) __XPILE_CONV_FIX(TD, TS, int16)
#define __XPILE_CONV_SK(TD) __XPILE_CONV_K(TD, int8) __XPILE_CONV_K(TD, int16)
__XPILE_CONV_SK(half)
__XPILE_CONV_SK(float)
__XPILE_CONV_SK(int16)
#undef __XPILE_CONV_SK
#undef __XPILE_CONV_K
#undef __XPILE_CONV_FIX
#undef __XPILE_CONV_GEOM

/* ---- __bang_matmul (newer SDK, S3 FFT) [UNCERTAIN signature/layout] -------
 * dst[M][N] = lhs[M][K] (NRAM) x rhs (WRAM, prepared as [N][K] and reshaped
 * with __bang_reshape_filter(..., N, 1, 1, K)) */
__XPILE_BUILTIN void __bang_matmul(float *dst, float *lhs, float *rhs, int m,
                                   int k, int n);

/* ---- layout ---------------------------------------------------------------*/
#define __XPILE_NHWC(NAME, T)                                                 \
  __XPILE_BUILTIN void NAME(T *dst, T *src, int n, int h, int w, int c);
#define __XPILE_HW(NAME, T)                                                   \
  __XPILE_BUILTIN void NAME(T *dst, T *src, int height, int width);
/* element types of the layout ops: 8/16/32-bit */
#define __XPILE_LAYOUT_TYPES(M, X)                                            \
  __XPILE_INTS(M, X) __XPILE_HFB(M, X)

/* [n][h][w][c] -> 64-lane WRAM layout for mlp/conv; n % 64 == 0 */
__XPILE_HFB(__XPILE_NHWC, __bang_reshape_filter)
__XPILE_NHWC(__bang_reshape_filter, int8)
__XPILE_NHWC(__bang_reshape_filter, int16)
/* src[height][width] -> dst[width][height]; no aliasing */
__XPILE_LAYOUT_TYPES(__XPILE_HW, __bang_transpose)
__XPILE_LAYOUT_TYPES(__XPILE_NHWC, __bang_reshape_nhwc2nchw)
__XPILE_LAYOUT_TYPES(__XPILE_NHWC, __bang_reshape_nchw2nhwc)
/* flip left/right; clockwise rotations */
__XPILE_LAYOUT_TYPES(__XPILE_HW, __bang_mirror)
__XPILE_LAYOUT_TYPES(__XPILE_HW, __bang_rotate90)
__XPILE_LAYOUT_TYPES(__XPILE_HW, __bang_rotate180)
__XPILE_LAYOUT_TYPES(__XPILE_HW, __bang_rotate270)

/* HWC padding: symmetric (pad_h, pad_w) or (top, bottom, left, right), with
 * zero or an explicit pad_value */
#define __XPILE_PAD(X, T)                                                     \
  __XPILE_BUILTIN void __bang_pad(T *dst, T *src, int channel, int height,    \
                                  int width, int pad_h, int pad_w);           \
  __XPILE_BUILTIN void __bang_pad(T *dst, T *src, int channel, int height,    \
                                  int width, int pad_h, int pad_w,            \
                                  T pad_value);                               \
  __XPILE_BUILTIN void __bang_pad(T *dst, T *src, int channel, int height,    \
                                  int width, int pad_top, int pad_bottom,     \
                                  int pad_left, int pad_right);               \
  __XPILE_BUILTIN void __bang_pad(T *dst, T *src, int channel, int height,    \
                                  int width, int pad_top, int pad_bottom,     \
                                  int pad_left, int pad_right, T pad_value);
__XPILE_LAYOUT_TYPES(__XPILE_PAD, _)
#undef __XPILE_PAD
#undef __XPILE_LAYOUT_TYPES

#endif /* XPILE_BANG_MATRIX_H */
