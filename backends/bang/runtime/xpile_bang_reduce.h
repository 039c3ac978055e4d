// xpile BANG executor, part 4: reductions and pooling (§8.5). Sums accumulate in float (double for
// the scalar __bang_sum) and round to T once. Pooling is on HWC data (channel innermost) with VALID
// windows: Ho = (H - kh) / sh + 1, Wo = (W - kw) / sw + 1; windows that do not fit are discarded.
// Strides come width first, then height.
#pragma once

#include "xpile_bang_core.h"

namespace xpile::bang::detail {

// §8.5 __bang_reduce_sum: per 128-byte block b, dst[b*(128/sizeof T)] = sum of src block b (the last
// block may be partial). The other elements of each dst block are left unchanged on 3xx and zeroed
// when __BANG_ARCH__ < 300.
template <class T> inline void reduceSum(T *dst, const T *src, int n) {
  const char *fn = "__bang_reduce_sum";
  vectorChecks<T>(fn, n, {dst, src});
  const int per = 128 / static_cast<int>(sizeof(T));
  const int blocks = (n + per - 1) / per;
  float *sums = scratch<float>(blocks);
  for (int b = 0; b < blocks; ++b) {
    float s = 0.0f;
    for (int i = b * per; i < std::min(n, (b + 1) * per); ++i) s += ld(src[i]);
    sums[b] = s;
  }
  for (int b = 0; b < blocks; ++b) {
#if __BANG_ARCH__ < 300
    for (int i = 1; i < per; ++i) dst[b * per + i] = st<T>(0);
#endif
    dst[b * per] = st<T>(sums[b]);
  }
}

template <class T> inline T sum(T *src, int n) {
  vectorChecks<T>("__bang_sum", n, {src});
  double s = 0.0;
  for (int i = 0; i < n; ++i) s += static_cast<double>(ld(src[i]));
  if constexpr (Num<T>::isFloat) return stDouble<T>(s);
  else return st<T>(static_cast<typename Num<T>::C>(s));
}

// max/min/argmax/argmin/fabsmax/fabsmin: the value in dst[0], then the index of its FIRST occurrence.
//   __bang_max/__bang_min: the index as an integer of sizeof(T) bytes in the next word.
//   __bang_argmax/argmin:  the index as a 32-bit integer right after the value (26/22 valid bits).
//   __bang_fabsmax/fabsmin: |value|, then a 64-bit index field.
enum class Pick { Max, Min, AbsMax, AbsMin };
enum class IndexForm { Word, U32, U64 };

template <class T> inline void extremum(const char *fn, T *dst, const T *src, int n, Pick pick, IndexForm form) {
  vectorChecks<T>(fn, n, {dst, src});
  int best = 0;
  float bv = 0.0f;
  for (int i = 0; i < n; ++i) {
    float v = ld(src[i]);
    if (pick == Pick::AbsMax || pick == Pick::AbsMin) v = std::fabs(v);
    bool better = i == 0 || ((pick == Pick::Max || pick == Pick::AbsMax) ? v > bv : v < bv);
    if (better) {
      best = i;
      bv = v;
    }
  }
  T value = (pick == Pick::AbsMax || pick == Pick::AbsMin) ? st<T>(bv) : src[best];
  unsigned char *out = reinterpret_cast<unsigned char *>(dst);
  std::memcpy(out, &value, sizeof(T));
  if (form == IndexForm::Word) {
    if (sizeof(T) == 2) {
      uint16_t idx = static_cast<uint16_t>(best);
      std::memcpy(out + sizeof(T), &idx, 2);
    } else {
      uint32_t idx = static_cast<uint32_t>(best);
      std::memcpy(out + sizeof(T), &idx, 4);
    }
  } else if (form == IndexForm::U32) {
    uint32_t idx = static_cast<uint32_t>(best) & (sizeof(T) == 2 ? 0x3fffffu : 0x3ffffffu);
    std::memcpy(out + sizeof(T), &idx, 4);
  } else {
    uint64_t idx = static_cast<uint64_t>(best);
    std::memcpy(out + sizeof(T), &idx, 8);
  }
}

template <class T> inline int count(const char *fn, const T *src, int n) {
  vectorChecks<T>(fn, n, {src});
  int c = 0;
  for (int i = 0; i < n; ++i) c += ld(src[i]) != 0;
  return c;
}

struct PoolShape {
  int c, h, w, kh, kw, sw, sh, ho, wo;
};

template <class T>
inline PoolShape poolShape(const char *fn, const T *dst, const T *src, int c, int h, int w, int kh, int kw, int sw, int sh) {
  requireCount(fn, "channel", c);
  requireCount(fn, "height", h);
  requireCount(fn, "width", w);
  requireCount(fn, "kernel_height", kh);
  requireCount(fn, "kernel_width", kw);
  requireCount(fn, "stride_width", sw);
  requireCount(fn, "stride_height", sh);
  if (kh > h || kw > w)
    invalid(std::string(fn) + ": the " + str(kh) + "x" + str(kw) + " window does not fit a " + str(h) + "x" + str(w) + " input");
  if (strict()) {
    strictBytes(fn, "channel * sizeof(T)", static_cast<long long>(c) * sizeof(T));
    strictAddress(fn, dst);
    strictAddress(fn, src);
  }
  return {c, h, w, kh, kw, sw, sh, (h - kh) / sh + 1, (w - kw) / sw + 1};
}

enum class PoolOp { Sum, Max, Min, Avg };

// Also returns (in idx, when given) the window position r*kw + s of the first max/min.
template <class T>
inline void pool(const char *fn, T *dst, const T *src, PoolShape p, PoolOp op, int *idx = nullptr) {
  T *out = scratch<T>(static_cast<size_t>(p.ho) * p.wo * p.c);
  for (int oy = 0; oy < p.ho; ++oy)
    for (int ox = 0; ox < p.wo; ++ox)
      for (int ch = 0; ch < p.c; ++ch) {
        float acc = 0.0f;
        int at = 0;
        for (int r = 0; r < p.kh; ++r)
          for (int s = 0; s < p.kw; ++s) {
            float v = ld(src[(static_cast<size_t>(oy * p.sh + r) * p.w + (ox * p.sw + s)) * p.c + ch]);
            bool first = r == 0 && s == 0;
            if (op == PoolOp::Sum || op == PoolOp::Avg) acc += v;
            else if (first || (op == PoolOp::Max ? v > acc : v < acc)) {
              acc = v;
              at = r * p.kw + s;
            }
          }
        if (op == PoolOp::Avg) acc /= static_cast<float>(p.kh * p.kw);
        size_t o = (static_cast<size_t>(oy) * p.wo + ox) * p.c + ch;
        out[o] = st<T>(acc);
        if (idx) idx[o] = at;
      }
  std::memcpy(static_cast<void *>(dst), out, static_cast<size_t>(p.ho) * p.wo * p.c * sizeof(T));
}

// [UNCERTAIN] index outputs: the window position r*kernel_width + s of the first max/min, stored as
// an unsigned integer of sizeof(T) bytes in place of each element.
template <class T> inline void storeIndex(T *dst, size_t i, int v) {
  if constexpr (sizeof(T) == 2) {
    uint16_t x = static_cast<uint16_t>(v);
    std::memcpy(reinterpret_cast<unsigned char *>(dst) + i * 2, &x, 2);
  } else {
    uint32_t x = static_cast<uint32_t>(v);
    std::memcpy(reinterpret_cast<unsigned char *>(dst) + i * 4, &x, 4);
  }
}
template <class T> inline int loadIndex(const T *src, size_t i) {
  if constexpr (sizeof(T) == 2) {
    uint16_t x;
    std::memcpy(&x, reinterpret_cast<const unsigned char *>(src) + i * 2, 2);
    return x;
  } else {
    uint32_t x;
    std::memcpy(&x, reinterpret_cast<const unsigned char *>(src) + i * 4, 4);
    return static_cast<int>(x);
  }
}

template <class T>
inline void poolIndex(const char *fn, T *dst, const T *src, PoolShape p, PoolOp op, T *valueDst, bool wantValues) {
  size_t n = static_cast<size_t>(p.ho) * p.wo * p.c;
  std::vector<int> idx(n);
  std::vector<T> values(n);
  pool(fn, values.data(), src, p, op, idx.data());
  if (wantValues) std::memcpy(static_cast<void *>(valueDst), values.data(), n * sizeof(T));
  for (size_t i = 0; i < n; ++i) storeIndex(dst, i, idx[i]);
}

// Backward passes [UNCERTAIN]: dst is the input-shaped gradient [H][W][C]; it is written whole.
template <class T>
inline void maxpoolBp(T *dst, const T *grad, const T *index, PoolShape p, mluPoolBPOverlap overlap) {
  size_t n = static_cast<size_t>(p.h) * p.w * p.c;
  std::vector<float> acc(n, 0.0f);
  for (int oy = 0; oy < p.ho; ++oy)
    for (int ox = 0; ox < p.wo; ++ox)
      for (int ch = 0; ch < p.c; ++ch) {
        size_t o = (static_cast<size_t>(oy) * p.wo + ox) * p.c + ch;
        int at = loadIndex(index, o);
        if (at < 0 || at >= p.kh * p.kw) invalid("__bang_maxpool_bp: index " + str(at) + " is outside the window");
        size_t i = (static_cast<size_t>(oy * p.sh + at / p.kw) * p.w + (ox * p.sw + at % p.kw)) * p.c + ch;
        acc[i] = overlap == OVERLAP_ACC ? acc[i] + ld(grad[o]) : ld(grad[o]);
      }
  for (size_t i = 0; i < n; ++i) dst[i] = st<T>(acc[i]);
}

template <class T> inline void avgpoolBp(T *dst, const T *grad, PoolShape p, mluPoolBPOverlap overlap) {
  size_t n = static_cast<size_t>(p.h) * p.w * p.c;
  std::vector<float> acc(n, 0.0f);
  for (int oy = 0; oy < p.ho; ++oy)
    for (int ox = 0; ox < p.wo; ++ox)
      for (int ch = 0; ch < p.c; ++ch) {
        float g = ld(grad[(static_cast<size_t>(oy) * p.wo + ox) * p.c + ch]) / static_cast<float>(p.kh * p.kw);
        for (int r = 0; r < p.kh; ++r)
          for (int s = 0; s < p.kw; ++s) {
            size_t i = (static_cast<size_t>(oy * p.sh + r) * p.w + (ox * p.sw + s)) * p.c + ch;
            acc[i] = overlap == OVERLAP_ACC ? acc[i] + g : g;
          }
      }
  for (size_t i = 0; i < n; ++i) dst[i] = st<T>(acc[i]);
}

// __bang_unpool [UNCERTAIN]: each output value goes to window position `index` (r*kw + s) of its
// window, every other element of dst [H][W][C] is zero.
template <class T> inline void unpool(T *dst, const T *src, PoolShape p, int index) {
  if (index < 0 || index >= p.kh * p.kw) invalid("__bang_unpool: index " + str(index) + " is outside the window");
  size_t n = static_cast<size_t>(p.h) * p.w * p.c;
  std::vector<T> out(n, st<T>(0));
  for (int oy = 0; oy < p.ho; ++oy)
    for (int ox = 0; ox < p.wo; ++ox)
      for (int ch = 0; ch < p.c; ++ch)
        out[(static_cast<size_t>(oy * p.sh + index / p.kw) * p.w + (ox * p.sw + index % p.kw)) * p.c + ch] =
            src[(static_cast<size_t>(oy) * p.wo + ox) * p.c + ch];
  std::memcpy(static_cast<void *>(dst), out.data(), n * sizeof(T));
}

}  // namespace xpile::bang::detail

#define XB_RED(NAME, BODY, T)                                                                                           \
  inline void NAME(T *dst, T *src, int elem_count) { BODY; }
XB_HF(XB_RED, __bang_reduce_sum, (::xpile::bang::detail::reduceSum(dst, src, elem_count)))
XB_HF(XB_RED, __bang_max, (::xpile::bang::detail::extremum("__bang_max", dst, src, elem_count, ::xpile::bang::detail::Pick::Max, ::xpile::bang::detail::IndexForm::Word)))
XB_HF(XB_RED, __bang_min, (::xpile::bang::detail::extremum("__bang_min", dst, src, elem_count, ::xpile::bang::detail::Pick::Min, ::xpile::bang::detail::IndexForm::Word)))
XB_HF(XB_RED, __bang_argmax, (::xpile::bang::detail::extremum("__bang_argmax", dst, src, elem_count, ::xpile::bang::detail::Pick::Max, ::xpile::bang::detail::IndexForm::U32)))
XB_HF(XB_RED, __bang_argmin, (::xpile::bang::detail::extremum("__bang_argmin", dst, src, elem_count, ::xpile::bang::detail::Pick::Min, ::xpile::bang::detail::IndexForm::U32)))
XB_HF(XB_RED, __bang_fabsmax, (::xpile::bang::detail::extremum("__bang_fabsmax", dst, src, elem_count, ::xpile::bang::detail::Pick::AbsMax, ::xpile::bang::detail::IndexForm::U64)))
XB_HF(XB_RED, __bang_fabsmin, (::xpile::bang::detail::extremum("__bang_fabsmin", dst, src, elem_count, ::xpile::bang::detail::Pick::AbsMin, ::xpile::bang::detail::IndexForm::U64)))
#undef XB_RED

#define XB_SUM_COUNT(N, O, T)                                                                                           \
  inline T __bang_sum(T *src, int elem_count) { return ::xpile::bang::detail::sum(src, elem_count); }                   \
  inline void __bang_count(unsigned int *dst, T *src, int elem_count) {                                                 \
    *dst = static_cast<unsigned int>(::xpile::bang::detail::count("__bang_count", src, elem_count));                   \
  }                                                                                                                     \
  inline int __bang_count(T *src, int elem_count) { return ::xpile::bang::detail::count("__bang_count", src, elem_count); }
XB_HFB(XB_SUM_COUNT, _, _)
#undef XB_SUM_COUNT

#define XB_POOL(NAME, OP, T)                                                                                            \
  inline void NAME(T *dst, T *src, int channel, int height, int width, int kernel_height, int kernel_width,             \
                   int stride_width, int stride_height) {                                                               \
    auto p = ::xpile::bang::detail::poolShape(#NAME, dst, src, channel, height, width, kernel_height, kernel_width,     \
                                              stride_width, stride_height);                                             \
    ::xpile::bang::detail::pool(#NAME, dst, src, p, ::xpile::bang::detail::PoolOp::OP);                                \
  }
#define XB_POOL7(NAME, OP, T)                                                                                           \
  inline void NAME(T *dst, T *src, int channel, int height, int width, int kernel_height, int kernel_width) {           \
    auto p = ::xpile::bang::detail::poolShape(#NAME, dst, src, channel, height, width, kernel_height, kernel_width,     \
                                              kernel_width, kernel_height);                                             \
    ::xpile::bang::detail::pool(#NAME, dst, src, p, ::xpile::bang::detail::PoolOp::OP);                                \
  }
XB_HFB(XB_POOL, __bang_sumpool, Sum)
XB_POOL7(__bang_sumpool, Sum, half)
XB_HFB(XB_POOL, __bang_maxpool, Max)
XB_POOL7(__bang_maxpool, Max, half)
XB_HFB(XB_POOL, __bang_minpool, Min)
XB_POOL7(__bang_minpool, Min, half)
XB_HFB(XB_POOL, __bang_avgpool, Avg)
XB_POOL7(__bang_avgpool, Avg, half)
#undef XB_POOL
#undef XB_POOL7

#define XB_POOL_INDEX(NAME, OP, T)                                                                                      \
  inline void NAME(T *dst, T *src, int channel, int height, int width, int kernel_height, int kernel_width,             \
                   int stride_width, int stride_height) {                                                               \
    auto p = ::xpile::bang::detail::poolShape(#NAME, dst, src, channel, height, width, kernel_height, kernel_width,     \
                                              stride_width, stride_height);                                             \
    ::xpile::bang::detail::poolIndex(#NAME, dst, src, p, ::xpile::bang::detail::PoolOp::OP, dst, false);               \
  }
#define XB_POOL_VI(NAME, OP, T)                                                                                         \
  /* [UNCERTAIN] values in dst[Ho][Wo][C], indices at (char*)dst + value_index_stride */                                \
  inline void NAME(T *dst, T *src, int channel, int height, int width, int kernel_height, int kernel_width,             \
                   int stride_width, int stride_height, int value_index_stride) {                                       \
    auto p = ::xpile::bang::detail::poolShape(#NAME, dst, src, channel, height, width, kernel_height, kernel_width,     \
                                              stride_width, stride_height);                                             \
    T *indices = reinterpret_cast<T *>(reinterpret_cast<char *>(dst) + value_index_stride);                             \
    ::xpile::bang::detail::poolIndex(#NAME, indices, src, p, ::xpile::bang::detail::PoolOp::OP, dst, true);            \
  }
XB_HF(XB_POOL_INDEX, __bang_maxpool_index, Max)
XB_HF(XB_POOL_INDEX, __bang_minpool_index, Min)
XB_HF(XB_POOL_VI, __bang_maxpool_value_index, Max)
XB_HF(XB_POOL_VI, __bang_minpool_value_index, Min)
#undef XB_POOL_INDEX
#undef XB_POOL_VI

#define XB_POOL_BP(N, O, T)                                                                                             \
  inline void __bang_maxpool_bp(T *dst, T *src, T *index, int channel, int height, int width, int kernel_height,        \
                                int kernel_width, int stride_width, int stride_height, mluPoolBPOverlap overlap) {      \
    auto p = ::xpile::bang::detail::poolShape("__bang_maxpool_bp", dst, src, channel, height, width, kernel_height,     \
                                              kernel_width, stride_width, stride_height);                               \
    ::xpile::bang::detail::maxpoolBp(dst, src, index, p, overlap);                                                      \
  }                                                                                                                     \
  inline void __bang_avgpool_bp(T *dst, T *src, int channel, int height, int width, int kernel_height,                  \
                                int kernel_width, int stride_width, int stride_height, mluPoolBPOverlap overlap) {      \
    auto p = ::xpile::bang::detail::poolShape("__bang_avgpool_bp", dst, src, channel, height, width, kernel_height,     \
                                              kernel_width, stride_width, stride_height);                               \
    ::xpile::bang::detail::avgpoolBp(dst, src, p, overlap);                                                             \
  }                                                                                                                     \
  inline void __bang_unpool(T *dst, T *src, int channel, int height, int width, int kernel_height, int kernel_width,    \
                            int stride_width, int stride_height, int index) {                                           \
    auto p = ::xpile::bang::detail::poolShape("__bang_unpool", dst, src, channel, height, width, kernel_height,         \
                                              kernel_width, stride_width, stride_height);                               \
    ::xpile::bang::detail::unpool(dst, src, p, index);                                                                  \
  }
XB_HF(XB_POOL_BP, _, _)
#undef XB_POOL_BP
