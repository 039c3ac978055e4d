// xpile BANG executor, part 7: select/compaction/table lookup (§8.7), atomics (§8.9) and
// __bang_printf / __bang_rand (§8.10).
#pragma once

#include "xpile_bang_core.h"

#include <cstdarg>

namespace xpile::bang::detail {

// __bang_select: dst = [128 bytes: unsigned int count, the rest zero][the kept src elements, packed]
// and the tail of the last 128-byte block zero-filled.
template <class T> inline void select(T *dst, const T *src, const T *index, int n) {
  const char *fn = "__bang_select";
  vectorChecks<T>(fn, n, {dst, src, index});
  size_t cap = 128 + ((static_cast<size_t>(n) * sizeof(T) + 127) / 128) * 128;
  unsigned char *out = scratch<unsigned char>(cap);
  std::memset(out, 0, cap);
  unsigned int count = 0;
  for (int i = 0; i < n; ++i)
    if (ld(index[i]) != 0) std::memcpy(out + 128 + static_cast<size_t>(count++) * sizeof(T), &src[i], sizeof(T));
  std::memcpy(out, &count, sizeof count);
  size_t bytes = 128 + ((static_cast<size_t>(count) * sizeof(T) + 127) / 128) * 128;
  std::memcpy(static_cast<void *>(dst), out, bytes);
}

// Packs the elements whose predicate holds; returns how many. dst may alias src.
template <class T, class P> inline unsigned int pack(const char *fn, T *dst, const T *src, int n, P keep) {
  requireCount(fn, "elem_count", n);
  T *out = scratch<T>(n);
  unsigned int count = 0;
  for (int i = 0; i < n; ++i)
    if (keep(i)) out[count++] = src[i];
  if (count) std::memcpy(static_cast<void *>(dst), out, count * sizeof(T));
  return count;
}

inline bool bitAt(const void *bits, int i) { return (static_cast<const unsigned char *>(bits)[i / 8] >> (i % 8)) & 1u; }

template <class T> inline void lut(const char *fn, T *dst, const T *src, const T *table, int n, int len) {
  requireCount(fn, "elem_count", n);
  requireCount(fn, "table_len", len);
  T *out = scratch<T>(n);
  for (int i = 0; i < n; ++i) {
    if (src[i] < 0 || src[i] >= len)
      invalid(std::string(fn) + ": index " + str(src[i]) + " at element " + str(i) + " is outside the table of " + str(len));
    out[i] = table[src[i]];
  }
  std::memcpy(static_cast<void *>(dst), out, n * sizeof(T));
}

// ---- atomics: one lock for every atomic of the process (cores are OS threads) -------------------
inline std::mutex &atomicLock() {
  static std::mutex m;
  return m;
}

enum class AOp { add, max, min, exch, band, bor, bxor, inc, dec };

template <AOp O, class T> inline T atomicApply(T old, T v) {
  using C = typename Num<T>::C;
  C a = ld(old), b = ld(v);
  if constexpr (O == AOp::add) return st<T>(a + b);
  else if constexpr (O == AOp::max) return st<T>(a > b ? a : b);
  else if constexpr (O == AOp::min) return st<T>(a < b ? a : b);
  else if constexpr (O == AOp::exch) return v;
  else if constexpr (O == AOp::band) return st<T>(a & b);
  else if constexpr (O == AOp::bor) return st<T>(a | b);
  else if constexpr (O == AOp::bxor) return st<T>(a ^ b);
  else if constexpr (O == AOp::inc) return st<T>(a >= b ? 0 : a + 1);  // [UNCERTAIN] CUDA atomicInc semantics
  else if constexpr (O == AOp::dec) return st<T>((a == 0 || a > b) ? b : a - 1);  // [UNCERTAIN] CUDA atomicDec
}

template <AOp O, class T> inline void atomicReduce(const char *fn, T *dst, const T *src, T scalar, int size) {
  requireCount(fn, "size", size);
  std::lock_guard<std::mutex> lock(atomicLock());
  for (int i = 0; i < size; ++i) dst[i] = atomicApply<O>(dst[i], src ? src[i] : scalar);
}

// *dst = *src1 (old value); *src1 = old OP src2
template <AOp O, class T> inline void atomicFetch(const char *fn, T *dst, T *src1, T src2, int size) {
  requireCount(fn, "size", size);
  std::lock_guard<std::mutex> lock(atomicLock());
  for (int i = 0; i < size; ++i) {
    T old = src1[i];
    src1[i] = atomicApply<O>(old, src2);
    dst[i] = old;
  }
}

template <class T> inline void atomicCas(T *dst, T *src1, T cmp, T value, int size) {
  requireCount("__bang_atomic_cas", "size", size);
  std::lock_guard<std::mutex> lock(atomicLock());
  for (int i = 0; i < size; ++i) {
    T old = src1[i];
    if (old == cmp) src1[i] = value;
    dst[i] = old;
  }
}

// ---- printf -------------------------------------------------------------------------------------
template <class A> inline auto printfArg(A a) {
  if constexpr (std::is_same_v<A, half> || std::is_same_v<A, bfloat16_t> || std::is_same_v<A, float>)
    return static_cast<double>(static_cast<float>(a));
  else return a;
}
inline std::mutex &printLock() {
  static std::mutex m;
  return m;
}

}  // namespace xpile::bang::detail

// ---- §8.7 select / compaction / lookup -------------------------------------------------------------
#define XB_SELECT(N, O, T)                                                                                              \
  inline void __bang_select(T *dst, T *src0, T *src1, int elem_count) {                                                 \
    ::xpile::bang::detail::select(dst, src0, src1, elem_count);                                                         \
  }                                                                                                                     \
  inline void __bang_collect(T *dst, T *src0, T *src1, int elem_count) {                                                \
    ::xpile::bang::detail::vectorChecks<T>("__bang_collect", elem_count, {dst, src0, src1});                            \
    const T *mask = ::xpile::bang::detail::snapshot(src1, elem_count, 1);                                              \
    ::xpile::bang::detail::pack("__bang_collect", dst, src0, elem_count,                                               \
                                [mask](int i) { return ::xpile::bang::detail::ld(mask[i]) != 0; });                    \
  }                                                                                                                     \
  inline void __bang_collect_bitindex(T *dst, T *src, void *bitmask, int elem_count) {                                  \
    ::xpile::bang::detail::pack("__bang_collect_bitindex", dst, src, elem_count,                                       \
                                [bitmask](int i) { return ::xpile::bang::detail::bitAt(bitmask, i); });                \
  }                                                                                                                     \
  inline void __bang_filter_bitindex(T *dst, T *src, void *bitmask, int elem_count) {                                   \
    ::xpile::bang::detail::pack("__bang_filter_bitindex", dst, src, elem_count,                                        \
                                [bitmask](int i) { return ::xpile::bang::detail::bitAt(bitmask, i); });                \
  }                                                                                                                     \
  /* [UNCERTAIN] newer compaction: packs src[i] where mask[i] != 0 and returns the count */                            \
  inline unsigned int __bang_filter(T *dst, T *src, T *mask, int elem_count) {                                          \
    ::xpile::bang::detail::vectorChecks<T>("__bang_filter", elem_count, {dst, src, mask});                              \
    const T *m = ::xpile::bang::detail::snapshot(mask, elem_count, 1);                                                 \
    return ::xpile::bang::detail::pack("__bang_filter", dst, src, elem_count,                                          \
                                       [m](int i) { return ::xpile::bang::detail::ld(m[i]) != 0; });                   \
  }
XB_HFB(XB_SELECT, _, _)
#undef XB_SELECT

// [UNCERTAIN] "byte-mask move": dst[i] = src[i] where mask[i] != 0, dst[i] unchanged elsewhere.
#define XB_MASKMOVE(N, O, T)                                                                                            \
  inline void __bang_maskmove(T *dst, T *src0, T *src1, int elem_count) {                                               \
    ::xpile::bang::detail::vectorChecks<T>("__bang_maskmove", elem_count, {dst, src0, src1});                           \
    const T *s = ::xpile::bang::detail::snapshot(src0, elem_count, 1);                                                 \
    const T *m = ::xpile::bang::detail::snapshot(src1, elem_count, 2);                                                 \
    for (int i = 0; i < elem_count; ++i)                                                                                \
      if (::xpile::bang::detail::ld(m[i]) != 0) dst[i] = s[i];                                                          \
  }
XB_HFB(XB_MASKMOVE, _, _)
XB_SI(XB_MASKMOVE, _, _)
#undef XB_MASKMOVE

inline void __bang_lut_s16(short *dst, short *src, short *table, int elem_count, int table_len) {
  ::xpile::bang::detail::lut("__bang_lut_s16", dst, src, table, elem_count, table_len);
}
inline void __bang_lut_s32(int *dst, int *src, int *table, int elem_count, int table_len) {
  ::xpile::bang::detail::lut("__bang_lut_s32", dst, src, table, elem_count, table_len);
}
inline void __bang_lut(short *dst, short *src, short *table, int elem_count, int table_len) {
  ::xpile::bang::detail::lut("__bang_lut", dst, src, table, elem_count, table_len);
}
inline void __bang_lut(int *dst, int *src, int *table, int elem_count, int table_len) {
  ::xpile::bang::detail::lut("__bang_lut", dst, src, table, elem_count, table_len);
}

// ---- §8.9 atomics --------------------------------------------------------------------------------
#define XB_ATOMIC_REDUCE(NAME, OP, T)                                                                                   \
  inline void NAME(T *dst, T src1, int size = 1) {                                                                      \
    ::xpile::bang::detail::atomicReduce<::xpile::bang::detail::AOp::OP, T>(#NAME, dst, nullptr, src1, size);           \
  }                                                                                                                     \
  inline void NAME(T *dst, T *src1, int size) {                                                                         \
    ::xpile::bang::detail::atomicReduce<::xpile::bang::detail::AOp::OP, T>(#NAME, dst, src1, ::xpile::bang::detail::Id<T>(), size);               \
  }
#define XB_ATOMIC(NAME, OP, T)                                                                                          \
  inline void NAME(T *dst, T *src1, T src2, int size = 1) {                                                             \
    ::xpile::bang::detail::atomicFetch<::xpile::bang::detail::AOp::OP, T>(#NAME, dst, src1, src2, size);               \
  }
#define XB_ATOMIC_ARITH(M, N, O) XB_SI(M, N, O) XB_HFB(M, N, O)
#define XB_ATOMIC_INT(M, N, O) M(N, O, short) M(N, O, unsigned short) M(N, O, int) M(N, O, unsigned int)
XB_ATOMIC_ARITH(XB_ATOMIC_REDUCE, __bang_atomic_reduce_add, add)
XB_ATOMIC_ARITH(XB_ATOMIC_REDUCE, __bang_atomic_reduce_max, max)
XB_ATOMIC_ARITH(XB_ATOMIC_REDUCE, __bang_atomic_reduce_min, min)
XB_ATOMIC_INT(XB_ATOMIC_REDUCE, __bang_atomic_reduce_and, band)
XB_ATOMIC_INT(XB_ATOMIC_REDUCE, __bang_atomic_reduce_or, bor)
XB_ATOMIC_INT(XB_ATOMIC_REDUCE, __bang_atomic_reduce_xor, bxor)
XB_ATOMIC_ARITH(XB_ATOMIC, __bang_atomic_add, add)
XB_ATOMIC_ARITH(XB_ATOMIC, __bang_atomic_max, max)
XB_ATOMIC_ARITH(XB_ATOMIC, __bang_atomic_min, min)
XB_ATOMIC_ARITH(XB_ATOMIC, __bang_atomic_exch, exch)
XB_ATOMIC_INT(XB_ATOMIC, __bang_atomic_and, band)
XB_ATOMIC_INT(XB_ATOMIC, __bang_atomic_or, bor)
XB_ATOMIC_INT(XB_ATOMIC, __bang_atomic_xor, bxor)
XB_ATOMIC_INT(XB_ATOMIC, __bang_atomic_inc, inc)
XB_ATOMIC_INT(XB_ATOMIC, __bang_atomic_dec, dec)
#define XB_ATOMIC_CAS(N, O, T)                                                                                          \
  inline void __bang_atomic_cas(T *dst, T *src1, T src2, T src3, int size = 1) {                                        \
    ::xpile::bang::detail::atomicCas(dst, src1, src2, src3, size);                                                      \
  }
XB_ATOMIC_INT(XB_ATOMIC_CAS, _, _)
#undef XB_ATOMIC_CAS
#undef XB_ATOMIC_ARITH
#undef XB_ATOMIC_INT
#undef XB_ATOMIC
#undef XB_ATOMIC_REDUCE

// ---- §8.10 printf and rand --------------------------------------------------------------------------
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wformat-nonliteral"
#pragma clang diagnostic ignored "-Wformat-security"
template <typename... Args> inline void __bang_printf(const char *fmt, Args... args) {
  std::lock_guard<std::mutex> lock(::xpile::bang::detail::printLock());
  std::printf(fmt, ::xpile::bang::detail::printfArg(args)...);
  std::fflush(stdout);
}
#pragma clang diagnostic pop

// Deterministic per core: an xorshift generator seeded from taskId and coreId.
inline void __bang_rand(short *dst, int elem_count) {
  ::xpile::bang::detail::requireCount("__bang_rand", "elem_count", elem_count);
  static thread_local uint32_t state = 0;
  if (state == 0)
    state = 0x9e3779b9u ^ (static_cast<uint32_t>(::xpile::bang::detail::self().taskId) * 2654435761u) ^
            static_cast<uint32_t>(::xpile::bang::detail::self().coreId);
  for (int i = 0; i < elem_count; ++i) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    dst[i] = static_cast<short>(state & 0xffffu);
  }
}
