// xpile BANG executor, part 5: matrix, convolution and layout intrinsics (§8.6).
// WRAM weights are kept in their LOGICAL layout: __bang_reshape_filter is a plain copy, __bang_mlp
// reads weight[height][width], __bang_conv reads kernel[Co][Kh][Kw][Ci] and __bang_matmul reads
// rhs[N][K] (bang-c.md §8.6 recommendation; the 64-lane physical permutation is [UNCERTAIN]).
// Fixed-point scaling [UNCERTAIN direction]: the accumulated products are multiplied by
// 2^fix_position (the same convention as __bang_int2float), then the bias is added.
// Accumulation is in double; the result is rounded once to the destination type (integer
// destinations: nearest even, saturated).
#pragma once

#include "xpile_bang_core.h"

namespace xpile::bang::detail {

template <class T> inline T storeResult(double v) {
  if constexpr (Num<T>::isFloat) {
    return stDouble<T>(v);
  } else {
    if (std::isnan(v)) return T(0);
    double r = std::nearbyint(v);
    r = std::min<double>(std::max<double>(r, std::numeric_limits<T>::min()), std::numeric_limits<T>::max());
    return static_cast<T>(r);
  }
}

template <class A, class B> inline bool overlaps(const A *a, size_t an, const B *b, size_t bn) {
  auto x = reinterpret_cast<const char *>(a), y = reinterpret_cast<const char *>(b);
  return x < y + bn * sizeof(B) && y < x + an * sizeof(A);
}

template <class TD, class TS, class TW>
inline void mlp(TD *dst, const TS *src, const TD *bias, const TW *weight, int height, int width, int fix) {
  const char *fn = "__bang_mlp";
  requireCount(fn, "height", height);
  requireCount(fn, "width", width);
  if (fix < -127 || fix > 127) invalid(std::string(fn) + ": fix_position must be in [-127, 127] (got " + str(fix) + ")");
  if (overlaps(dst, height, src, width)) invalid(std::string(fn) + ": dst must not overlap src");
  if (strict()) {
    if (height % 64 != 0)
      misaligned(std::string(fn) + ": height (output length) = " + str(height) + " is not a multiple of 64 (strict mode)");
    strictBytes(fn, "width * sizeof(src type)", static_cast<long long>(width) * sizeof(TS), 64);
    strictAddress(fn, dst);
    strictAddress(fn, src);
  }
  double scale = std::ldexp(1.0, fix);
  TD *out = scratch<TD>(height);
  for (int i = 0; i < height; ++i) {
    double acc = 0.0;
    for (int j = 0; j < width; ++j)
      acc += static_cast<double>(ld(src[j])) * static_cast<double>(ld(weight[static_cast<size_t>(i) * width + j]));
    acc *= scale;
    if (bias) acc += static_cast<double>(ld(bias[i]));
    out[i] = storeResult<TD>(acc);
  }
  std::memcpy(static_cast<void *>(dst), out, height * sizeof(TD));
}

struct ConvGeom {
  int ci, h, w, kh, kw, sw, sh, co;
  int inDilW = 1, inDilH = 1, outDilW = 1, outDilH = 1;
};

// [UNCERTAIN] dilation: indilation inserts (d-1) zeros between input pixels; outdilation spreads
// the kernel taps (atrous convolution).
template <class TD, class TS, class TK>
inline void conv(TD *dst, const TS *src, const TK *kernel, const TD *bias, ConvGeom g, int fix) {
  const char *fn = "__bang_conv";
  requireCount(fn, "channel_input", g.ci);
  requireCount(fn, "height", g.h);
  requireCount(fn, "width", g.w);
  requireCount(fn, "kernel_height", g.kh);
  requireCount(fn, "kernel_width", g.kw);
  requireCount(fn, "channel_output", g.co);
  for (int d : {g.inDilW, g.inDilH, g.outDilW, g.outDilH}) requireCount(fn, "dilation", d);
  if (g.sw < 1 || g.sw > 1023 || g.sh < 1 || g.sh > 1023)
    invalid(std::string(fn) + ": strides must be in [1, 1023] (got stride_width " + str(g.sw) + ", stride_height " + str(g.sh) + ")");
  int hd = (g.h - 1) * g.inDilH + 1, wd = (g.w - 1) * g.inDilW + 1;
  int khe = (g.kh - 1) * g.outDilH + 1, kwe = (g.kw - 1) * g.outDilW + 1;
  if (khe > hd || kwe > wd)
    invalid(std::string(fn) + ": the " + str(g.kh) + "x" + str(g.kw) + " kernel does not fit the " + str(g.h) + "x" +
            str(g.w) + " input (VALID convolution)");
  int ho = (hd - khe) / g.sh + 1, wo = (wd - kwe) / g.sw + 1;
  size_t outN = static_cast<size_t>(ho) * wo * g.co;
  if (overlaps(dst, outN, src, static_cast<size_t>(g.h) * g.w * g.ci)) invalid(std::string(fn) + ": dst must not overlap src");
  if (strict()) {
    if (g.co % 64 != 0)
      misaligned(std::string(fn) + ": channel_output = " + str(g.co) + " is not a multiple of 64 (strict mode)");
    strictBytes(fn, "channel_input * sizeof(src type)", static_cast<long long>(g.ci) * sizeof(TS), 64);
    strictAddress(fn, dst);
    strictAddress(fn, src);
  }
  double scale = std::ldexp(1.0, fix);
  std::vector<TD> out(outN);
  for (int oy = 0; oy < ho; ++oy)
    for (int ox = 0; ox < wo; ++ox)
      for (int o = 0; o < g.co; ++o) {
        double acc = 0.0;
        for (int r = 0; r < g.kh; ++r) {
          int y = oy * g.sh + r * g.outDilH;
          if (y % g.inDilH != 0) continue;
          y /= g.inDilH;
          for (int s = 0; s < g.kw; ++s) {
            int x = ox * g.sw + s * g.outDilW;
            if (x % g.inDilW != 0) continue;
            x /= g.inDilW;
            const TS *in = src + (static_cast<size_t>(y) * g.w + x) * g.ci;
            const TK *k = kernel + ((static_cast<size_t>(o) * g.kh + r) * g.kw + s) * g.ci;
            for (int c = 0; c < g.ci; ++c) acc += static_cast<double>(ld(in[c])) * static_cast<double>(ld(k[c]));
          }
        }
        acc *= scale;
        if (bias) acc += static_cast<double>(ld(bias[o]));
        out[(static_cast<size_t>(oy) * wo + ox) * g.co + o] = storeResult<TD>(acc);
      }
  std::memcpy(static_cast<void *>(dst), out.data(), outN * sizeof(TD));
}

inline void matmul(float *dst, const float *lhs, const float *rhs, int m, int k, int n) {
  const char *fn = "__bang_matmul";
  requireCount(fn, "m", m);
  requireCount(fn, "k", k);
  requireCount(fn, "n", n);
  std::vector<float> out(static_cast<size_t>(m) * n);
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) {
      double acc = 0.0;
      for (int kk = 0; kk < k; ++kk)
        acc += static_cast<double>(lhs[static_cast<size_t>(i) * k + kk]) * rhs[static_cast<size_t>(j) * k + kk];
      out[static_cast<size_t>(i) * n + j] = static_cast<float>(acc);
    }
  std::memcpy(dst, out.data(), out.size() * sizeof(float));
}

template <class T> inline void reshapeFilter(T *dst, const T *src, int n, int h, int w, int c) {
  const char *fn = "__bang_reshape_filter";
  for (int v : {n, h, w, c}) requireCount(fn, "every dimension", v);
  if (strict() && n % 64 != 0) misaligned(std::string(fn) + ": n = " + str(n) + " is not a multiple of 64 (strict mode)");
  std::memmove(static_cast<void *>(dst), static_cast<const void *>(src), static_cast<size_t>(n) * h * w * c * sizeof(T));
}

// Generic 2-D re-layout: out[map(i, j)] = src[i][j] for src[height][width].
template <class T, class F> inline void relayout2d(const char *fn, T *dst, const T *src, int height, int width, F map) {
  requireCount(fn, "height", height);
  requireCount(fn, "width", width);
  size_t n = static_cast<size_t>(height) * width;
  T *out = scratch<T>(n);
  for (int i = 0; i < height; ++i)
    for (int j = 0; j < width; ++j) out[map(i, j)] = src[static_cast<size_t>(i) * width + j];
  std::memcpy(static_cast<void *>(dst), out, n * sizeof(T));
}

template <class T> inline void transpose(T *dst, const T *src, int h, int w) {
  const char *fn = "__bang_transpose";
  if (strict()) {
    strictBytes(fn, "height * sizeof(T)", static_cast<long long>(h) * sizeof(T));
    strictBytes(fn, "width * sizeof(T)", static_cast<long long>(w) * sizeof(T));
    strictAddress(fn, dst);
    strictAddress(fn, src);
  }
  relayout2d(fn, dst, src, h, w, [h](int i, int j) { return static_cast<size_t>(j) * h + i; });
}

// nhwc2nchw: src[n][h][w][c] -> dst[n][c][h][w]; nchw2nhwc: src[n][c][h][w] -> dst[n][h][w][c].
template <class T> inline void nhwcNchw(const char *fn, T *dst, const T *src, int n, int h, int w, int c, bool toNchw) {
  for (int v : {n, h, w, c}) requireCount(fn, "every dimension", v);
  size_t total = static_cast<size_t>(n) * h * w * c;
  T *out = scratch<T>(total);
  for (int a = 0; a < n; ++a)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        for (int k = 0; k < c; ++k) {
          size_t nhwc = ((static_cast<size_t>(a) * h + y) * w + x) * c + k;
          size_t nchw = ((static_cast<size_t>(a) * c + k) * h + y) * w + x;
          if (toNchw) out[nchw] = src[nhwc];
          else out[nhwc] = src[nchw];
        }
  std::memcpy(static_cast<void *>(dst), out, total * sizeof(T));
}

// HWC padding: dst[H+top+bottom][W+left+right][C], the border filled with `value`.
template <class T>
inline void pad(T *dst, const T *src, int c, int h, int w, int top, int bottom, int left, int right, T value) {
  const char *fn = "__bang_pad";
  requireCount(fn, "channel", c);
  requireCount(fn, "height", h);
  requireCount(fn, "width", w);
  if (top < 0 || bottom < 0 || left < 0 || right < 0) invalid(std::string(fn) + ": padding must be >= 0");
  int H = h + top + bottom, W = w + left + right;
  size_t total = static_cast<size_t>(H) * W * c;
  T *out = scratch<T>(total);
  for (size_t i = 0; i < total; ++i) out[i] = value;
  for (int y = 0; y < h; ++y)
    std::memcpy(static_cast<void *>(out + (static_cast<size_t>(y + top) * W + left) * c),
                static_cast<const void *>(src + static_cast<size_t>(y) * w * c), static_cast<size_t>(w) * c * sizeof(T));
  std::memcpy(static_cast<void *>(dst), out, total * sizeof(T));
}

}  // namespace xpile::bang::detail

// ---- __bang_mlp ---------------------------------------------------------------------------------
#define XB_MLP(TD, TS, TW)                                                                                              \
  inline void __bang_mlp(TD *dst, TS *src, TW *weight, int height, int width, int fix_position) {                       \
    ::xpile::bang::detail::mlp<TD, TS, TW>(dst, src, nullptr, weight, height, width, fix_position);                    \
  }                                                                                                                     \
  inline void __bang_mlp(TD *dst, TS *src, TD *bias, TW *weight, int height, int width, int fix_position) {             \
    ::xpile::bang::detail::mlp<TD, TS, TW>(dst, src, bias, weight, height, width, fix_position);                       \
  }
#define XB_MLP_W(TD, TS) XB_MLP(TD, TS, int8) XB_MLP(TD, TS, int16)
#define XB_MLP_SW(TD) XB_MLP_W(TD, int8) XB_MLP_W(TD, int16)
XB_MLP_SW(half)
XB_MLP_SW(float)
XB_MLP_SW(int16)
#undef XB_MLP_SW
#undef XB_MLP_W
#undef XB_MLP

// ---- __bang_conv --------------------------------------------------------------------------------
#define XB_CONV_GEOM                                                                                                    \
  int channel_input, int height, int width, int kernel_height, int kernel_width, int stride_width, int stride_height,  \
      int channel_output
#define XB_CONV_G                                                                                                       \
  ::xpile::bang::detail::ConvGeom {                                                                                     \
    channel_input, height, width, kernel_height, kernel_width, stride_width, stride_height, channel_output, 1, 1, 1, 1 \
  }
#define XB_CONV_FP(N, O, T)                                                                                             \
  inline void __bang_conv(T *dst, T *src, T *kernel, XB_CONV_GEOM) {                                                    \
    ::xpile::bang::detail::conv<T, T, T>(dst, src, kernel, nullptr, XB_CONV_G, 0);                                     \
  }                                                                                                                     \
  inline void __bang_conv(T *dst, T *src, T *kernel, T *bias, XB_CONV_GEOM) {                                           \
    ::xpile::bang::detail::conv<T, T, T>(dst, src, kernel, bias, XB_CONV_G, 0);                                        \
  }                                                                                                                     \
  inline void __bang_conv(T *dst, T *src, T *kernel, XB_CONV_GEOM, int fix_position) {                                  \
    ::xpile::bang::detail::conv<T, T, T>(dst, src, kernel, nullptr, XB_CONV_G, fix_position);                          \
  }                                                                                                                     \
  inline void __bang_conv(T *dst, T *src, T *kernel, T *bias, XB_CONV_GEOM, int fix_position) {                         \
    ::xpile::bang::detail::conv<T, T, T>(dst, src, kernel, bias, XB_CONV_G, fix_position);                             \
  }
XB_HFB(XB_CONV_FP, _, _)
#undef XB_CONV_FP
#define XB_CONV_FIX(TD, TS, TK)                                                                                         \
  inline void __bang_conv(TD *dst, TS *src, TK *kernel, XB_CONV_GEOM, int fix_position) {                               \
    ::xpile::bang::detail::conv<TD, TS, TK>(dst, src, kernel, nullptr, XB_CONV_G, fix_position);                       \
  }                                                                                                                     \
  inline void __bang_conv(TD *dst, TS *src, TK *kernel, TD *bias, XB_CONV_GEOM, int fix_position) {                     \
    ::xpile::bang::detail::conv<TD, TS, TK>(dst, src, kernel, bias, XB_CONV_G, fix_position);                          \
  }                                                                                                                     \
  inline void __bang_conv(TD *dst, TS *src, TK *kernel, XB_CONV_GEOM, int fix_position, int indilation_w,               \
                          int indilation_h, int outdilation_w, int outdilation_h) {                                     \
    ::xpile::bang::detail::ConvGeom g = XB_CONV_G;                                                                      \
    g.inDilW = indilation_w;                                                                                            \
    g.inDilH = indilation_h;                                                                                            \
    g.outDilW = outdilation_w;                                                                                          \
    g.outDilH = outdilation_h;                                                                                          \
    ::xpile::bang::detail::conv<TD, TS, TK>(dst, src, kernel, nullptr, g, fix_position);                               \
  }
#define XB_CONV_K(TD, TS) XB_CONV_FIX(TD, TS, int8) XB_CONV_FIX(TD, TS, int16)
#define XB_CONV_SK(TD) XB_CONV_K(TD, int8) XB_CONV_K(TD, int16)
XB_CONV_SK(half)
XB_CONV_SK(float)
XB_CONV_SK(int16)
#undef XB_CONV_SK
#undef XB_CONV_K
#undef XB_CONV_FIX
#undef XB_CONV_G
#undef XB_CONV_GEOM

// ---- __bang_matmul (newer SDK) [UNCERTAIN signature/layout]: dst[m][n] = lhs[m][k] x rhs, rhs[n][k]
inline void __bang_matmul(float *dst, float *lhs, float *rhs, int m, int k, int n) {
  ::xpile::bang::detail::matmul(dst, lhs, rhs, m, k, n);
}

// ---- layout -------------------------------------------------------------------------------------
#define XB_LAYOUT_TYPES(M, N, O) XB_INTS(M, N, O) XB_HFB(M, N, O)
#define XB_RESHAPE_FILTER(N, O, T)                                                                                      \
  inline void __bang_reshape_filter(T *dst, T *src, int n, int h, int w, int c) {                                       \
    ::xpile::bang::detail::reshapeFilter(dst, src, n, h, w, c);                                                         \
  }
XB_HFB(XB_RESHAPE_FILTER, _, _)
XB_RESHAPE_FILTER(_, _, int8)
XB_RESHAPE_FILTER(_, _, int16)
#undef XB_RESHAPE_FILTER

#define XB_LAYOUT(N, O, T)                                                                                              \
  inline void __bang_transpose(T *dst, T *src, int height, int width) {                                                 \
    ::xpile::bang::detail::transpose(dst, src, height, width);                                                          \
  }                                                                                                                     \
  inline void __bang_reshape_nhwc2nchw(T *dst, T *src, int n, int h, int w, int c) {                                    \
    ::xpile::bang::detail::nhwcNchw("__bang_reshape_nhwc2nchw", dst, src, n, h, w, c, true);                            \
  }                                                                                                                     \
  inline void __bang_reshape_nchw2nhwc(T *dst, T *src, int n, int h, int w, int c) {                                    \
    ::xpile::bang::detail::nhwcNchw("__bang_reshape_nchw2nhwc", dst, src, n, h, w, c, false);                           \
  }                                                                                                                     \
  inline void __bang_mirror(T *dst, T *src, int height, int width) {                                                    \
    ::xpile::bang::detail::relayout2d("__bang_mirror", dst, src, height, width,                                         \
                                      [=](int i, int j) { return static_cast<size_t>(i) * width + (width - 1 - j); });  \
  }                                                                                                                     \
  /* clockwise: src[h][w] -> dst[w][h] */                                                                               \
  inline void __bang_rotate90(T *dst, T *src, int height, int width) {                                                  \
    ::xpile::bang::detail::relayout2d("__bang_rotate90", dst, src, height, width,                                       \
                                      [=](int i, int j) { return static_cast<size_t>(j) * height + (height - 1 - i); }); \
  }                                                                                                                     \
  inline void __bang_rotate180(T *dst, T *src, int height, int width) {                                                 \
    ::xpile::bang::detail::relayout2d("__bang_rotate180", dst, src, height, width, [=](int i, int j) {                  \
      return static_cast<size_t>(height - 1 - i) * width + (width - 1 - j);                                             \
    });                                                                                                                 \
  }                                                                                                                     \
  inline void __bang_rotate270(T *dst, T *src, int height, int width) {                                                 \
    ::xpile::bang::detail::relayout2d("__bang_rotate270", dst, src, height, width,                                      \
                                      [=](int i, int j) { return static_cast<size_t>(width - 1 - j) * height + i; });   \
  }                                                                                                                     \
  inline void __bang_pad(T *dst, T *src, int channel, int height, int width, int pad_h, int pad_w) {                    \
    ::xpile::bang::detail::pad<T>(dst, src, channel, height, width, pad_h, pad_h, pad_w, pad_w,                         \
                                  ::xpile::bang::detail::st<T>(0));                                                     \
  }                                                                                                                     \
  inline void __bang_pad(T *dst, T *src, int channel, int height, int width, int pad_h, int pad_w, T pad_value) {       \
    ::xpile::bang::detail::pad<T>(dst, src, channel, height, width, pad_h, pad_h, pad_w, pad_w, pad_value);             \
  }                                                                                                                     \
  inline void __bang_pad(T *dst, T *src, int channel, int height, int width, int pad_top, int pad_bottom, int pad_left, \
                         int pad_right) {                                                                               \
    ::xpile::bang::detail::pad<T>(dst, src, channel, height, width, pad_top, pad_bottom, pad_left, pad_right,           \
                                  ::xpile::bang::detail::st<T>(0));                                                     \
  }                                                                                                                     \
  inline void __bang_pad(T *dst, T *src, int channel, int height, int width, int pad_top, int pad_bottom, int pad_left, \
                         int pad_right, T pad_value) {                                                                  \
    ::xpile::bang::detail::pad<T>(dst, src, channel, height, width, pad_top, pad_bottom, pad_left, pad_right,           \
                                  pad_value);                                                                           \
  }
XB_LAYOUT_TYPES(XB_LAYOUT, _, _)
#undef XB_LAYOUT
#undef XB_LAYOUT_TYPES
