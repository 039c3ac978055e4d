// xpile BANG executor, part 2: data movement (§5: __memcpy in every form, fills), synchronisation
// (§6) and the address-space queries (§8.10). Copies run eagerly in program order, so every
// per-core pipeline wait (__sync_compute, __sync_copy_*, __sync_io, __sync_move, __sync) is a no-op.
#pragma once

#include "xpile_bang_core.h"

namespace xpile::bang {
namespace detail {

inline const char *directionName(mluMemcpyDirection_t d) {
  static const char *const names[] = {"GDRAM2NRAM", "NRAM2GDRAM", "LDRAM2NRAM", "NRAM2LDRAM", "GDRAM2WRAM", "WRAM2GDRAM",
                                      "LDRAM2WRAM", "WRAM2LDRAM", "NRAM2NRAM", "NRAM2WRAM", "WRAM2NRAM", "GDRAM2SRAM",
                                      "SRAM2GDRAM", "LDRAM2SRAM", "SRAM2LDRAM", "SRAM2NRAM", "NRAM2SRAM", "SRAM2WRAM",
                                      "WRAM2SRAM", "GDRAM2GDRAM", "GDRAM2LDRAM", "LDRAM2GDRAM", "LDRAM2LDRAM", "SRAM2SRAM"};
  int i = static_cast<int>(d);
  return i >= 0 && i < 24 ? names[i] : "?";
}

inline void directionSpaces(const char *fn, mluMemcpyDirection_t d, Space &src, Space &dst) {
  static const Space table[24][2] = {
      {Space::GDRAM, Space::NRAM}, {Space::NRAM, Space::GDRAM}, {Space::LDRAM, Space::NRAM}, {Space::NRAM, Space::LDRAM},
      {Space::GDRAM, Space::WRAM}, {Space::WRAM, Space::GDRAM}, {Space::LDRAM, Space::WRAM}, {Space::WRAM, Space::LDRAM},
      {Space::NRAM, Space::NRAM},  {Space::NRAM, Space::WRAM},  {Space::WRAM, Space::NRAM},  {Space::GDRAM, Space::SRAM},
      {Space::SRAM, Space::GDRAM}, {Space::LDRAM, Space::SRAM}, {Space::SRAM, Space::LDRAM}, {Space::SRAM, Space::NRAM},
      {Space::NRAM, Space::SRAM},  {Space::SRAM, Space::WRAM},  {Space::WRAM, Space::SRAM},  {Space::GDRAM, Space::GDRAM},
      {Space::GDRAM, Space::LDRAM}, {Space::LDRAM, Space::GDRAM}, {Space::LDRAM, Space::LDRAM}, {Space::SRAM, Space::SRAM}};
  int i = static_cast<int>(d);
  if (i < 0 || i >= 24) invalid(std::string(fn) + ": invalid mluMemcpyDirection_t value " + str(i));
  src = table[i][0];
  dst = table[i][1];
}

// The byte range [lo, hi) relative to the base pointer that a (possibly strided) copy touches.
struct Extent {
  long long lo = 0, hi = 0;
};

// Checks that `p` lies in the space the direction names, and stays inside it over `e`.
// NRAM accepts automatic variables (cncc's stack is in NRAM); LDRAM also accepts them (spills);
// SRAM also accepts ordinary memory, so programs printed with the fallback `__mlu_shared__` still run.
inline void checkSide(const char *fn, mluMemcpyDirection_t d, const void *p, Space expected, bool isDst, Extent e) {
  const char *role = isDst ? "destination" : "source";
  Space actual = classify(p);
  bool ok = actual == expected || (expected == Space::LDRAM && actual == Space::NRAM && !inNram(p)) || (expected == Space::SRAM && actual == Space::GDRAM);
  if (!ok)
    invalid(std::string(fn) + ": direction " + directionName(d) + " but the " + role + " " + ptrStr(p) + " is in " +
            spaceName(actual) + ", not " + spaceName(expected));
  auto c = static_cast<const char *>(p);
  auto outside = [&](const Range &r) { return !(c + e.lo >= r.lo && c + e.hi <= r.hi); };
  if (expected == Space::NRAM && inNram(p) && outside(spaces().nram))
    rt::fault(rt::Fault::OutOfBounds, std::string(fn) + ": the " + role + " range [" + str(e.lo) + ", " + str(e.hi) +
                                          ") bytes from " + ptrStr(p) + " leaves this core's NRAM variables");
  if (expected == Space::WRAM && outside(spaces().wram))
    rt::fault(rt::Fault::OutOfBounds, std::string(fn) + ": the " + role + " range [" + str(e.lo) + ", " + str(e.hi) +
                                          ") bytes from " + ptrStr(p) + " leaves this core's WRAM variables");
  if (expected == Space::GDRAM && rt::options().checkBounds) {
    if (const rt::Allocation *a = rt::Registry::get().owner(p)) {
      if (c + e.lo < a->base || c + e.hi > a->base + a->bytes)
        rt::fault(rt::Fault::OutOfBounds, std::string(fn) + ": the " + role + " range [" + str(e.lo) + ", " + str(e.hi) +
                                              ") bytes from offset " + str(c - a->base) + " of buffer '" +
                                              (a->label.empty() ? "?" : a->label) + "' (" + str(a->bytes) +
                                              " bytes) is out of bounds");
    }
  }
}

inline void checkDirection(const char *fn, void *dst, const void *src, mluMemcpyDirection_t d, Extent de, Extent se) {
  Space s, t;
  directionSpaces(fn, d, s, t);
  checkSide(fn, d, src, s, false, se);
  checkSide(fn, d, dst, t, true, de);
}

// SRAM2SRAM into cluster `id`: the same offset in that cluster's SRAM.
inline void *remoteSram(const char *fn, void *dst, mluMemcpyDirection_t d, int id) {
  const CoreContext &c = self();
  if (d != SRAM2SRAM) invalid(std::string(fn) + ": the id_dst_cluster form needs direction SRAM2SRAM, not " + directionName(d));
  if (!c.clusters || c.clusterDim == 0) invalid(std::string(fn) + ": SRAM2SRAM to another cluster needs a Union task");
  if (id < 0 || id >= c.clusterDim)
    invalid(std::string(fn) + ": id_dst_cluster " + str(id) + " is not a cluster of this Union" + str(c.clusterDim) + " task");
  if (!inSram(dst)) return dst;  // fallback __mlu_shared__ (one copy for all clusters)
  size_t offset = static_cast<size_t>(static_cast<unsigned char *>(dst) - c.cluster->sram());
  return (*c.clusters)[id]->sram() + offset;
}

inline void copy1d(const char *fn, void *dst, const void *src, int size, mluMemcpyDirection_t d, bool check = true) {
  if (size < 0) invalid(std::string(fn) + ": size must be >= 0 (got " + str(size) + ")");
  if (check) checkDirection(fn, dst, src, d, {0, size}, {0, size});
  if (size > 0) std::memmove(dst, src, static_cast<size_t>(size));
}

inline void copy2d(const char *fn, void *dst, const void *src, int size, mluMemcpyDirection_t d, int dstStride,
                   int srcStride, int segnum, bool check = true) {
  if (size < 0) invalid(std::string(fn) + ": size must be >= 0 (got " + str(size) + ")");
  if (segnum < 0 || segnum > 65535) invalid(std::string(fn) + ": segnum must be in [0, 65535] (got " + str(segnum) + ")");
  if (dstStride < size)
    invalid(std::string(fn) + ": dst_stride (" + str(dstStride) + ") must be >= size (" + str(size) + ")");
  auto extent = [&](int stride) {
    long long last = static_cast<long long>(segnum) * stride;
    return Extent{std::min(0LL, last), std::max(0LL, last) + size};
  };
  if (check) checkDirection(fn, dst, src, d, extent(dstStride), extent(srcStride));
  for (int i = 0; i <= segnum; ++i)
    std::memmove(static_cast<char *>(dst) + static_cast<long long>(i) * dstStride,
                 static_cast<const char *>(src) + static_cast<long long>(i) * srcStride, static_cast<size_t>(size));
}

inline void copy3d(const char *fn, void *dst, const void *src, int size, mluMemcpyDirection_t d, int dstStride0,
                   int dstSegnum1, int dstStride1, int dstSegnum2, int srcStride0, int srcSegnum1, int srcStride1,
                   int srcSegnum2, bool check = true) {
  if (size < 0) invalid(std::string(fn) + ": size must be >= 0 (got " + str(size) + ")");
  for (int s : {dstSegnum1, dstSegnum2, srcSegnum1, srcSegnum2})
    if (s < 0 || s > 65535) invalid(std::string(fn) + ": every segnum must be in [0, 65535] (got " + str(s) + ")");
  long long dn = static_cast<long long>(dstSegnum1 + 1) * (dstSegnum2 + 1);
  long long sn = static_cast<long long>(srcSegnum1 + 1) * (srcSegnum2 + 1);
  if (dn != sn)
    invalid(std::string(fn) + ": the destination has " + str(dn) + " segments but the source " + str(sn) +
            " ((dst_segnum1+1)*(dst_segnum2+1) must equal (src_segnum1+1)*(src_segnum2+1))");
  auto offset = [](long long k, int seg1, int stride0, int stride1) {
    return (k % (seg1 + 1)) * stride0 + (k / (seg1 + 1)) * stride1;
  };
  if (check) {
    Extent de{0, 0}, se{0, 0};
    for (long long k = 0; k < dn; ++k) {
      long long a = offset(k, dstSegnum1, dstStride0, dstStride1), b = offset(k, srcSegnum1, srcStride0, srcStride1);
      de = {std::min(de.lo, a), std::max(de.hi, a + size)};
      se = {std::min(se.lo, b), std::max(se.hi, b + size)};
    }
    checkDirection(fn, dst, src, d, de, se);
  }
  for (long long k = 0; k < dn; ++k)
    std::memmove(static_cast<char *>(dst) + offset(k, dstSegnum1, dstStride0, dstStride1),
                 static_cast<const char *>(src) + offset(k, srcSegnum1, srcStride0, srcStride1), static_cast<size_t>(size));
}

template <class T> inline void fill(const char *fn, void *dst, int n, T value) {
  requireCount(fn, "elem_count", n);
  T *p = static_cast<T *>(dst);
  for (int i = 0; i < n; ++i) std::memcpy(static_cast<void *>(p + i), &value, sizeof(T));
}

// [UNCERTAIN] the 3-D __bang_write_value form: elem_count elements, repeated iter1 times at stride0
// bytes, that block repeated iter2 times at stride1 bytes (iter = number of repetitions).
template <class T>
inline void fill3d(const char *fn, void *dst, int n, T value, int stride0, int iter1, int stride1, int iter2) {
  requireCount(fn, "elem_count", n);
  requireCount(fn, "iter1", iter1);
  requireCount(fn, "iter2", iter2);
  for (int j = 0; j < iter2; ++j)
    for (int i = 0; i < iter1; ++i)
      fill(fn, static_cast<char *>(dst) + static_cast<long long>(j) * stride1 + static_cast<long long>(i) * stride0, n, value);
}

}  // namespace detail
}  // namespace xpile::bang

// ---- §5.2 __memcpy / __memcpy_async (async copies run eagerly) ----------------------------------
#define XB_MEMCPY_FAMILY(NAME)                                                                                          \
  inline void NAME(void *dst, const void *src, int size, mluMemcpyDirection_t dir) {                                    \
    ::xpile::bang::detail::copy1d(#NAME, dst, src, size, dir);                                                          \
  }                                                                                                                     \
  inline void NAME(void *dst, const void *src, int size, mluMemcpyDirection_t dir, int dst_stride, int src_stride,      \
                   int segnum) {                                                                                        \
    ::xpile::bang::detail::copy2d(#NAME, dst, src, size, dir, dst_stride, src_stride, segnum);                          \
  }                                                                                                                     \
  inline void NAME(void *dst, const void *src, int size, mluMemcpyDirection_t dir, int id_dst_cluster) {                \
    void *target = ::xpile::bang::detail::remoteSram(#NAME, dst, dir, id_dst_cluster);                                 \
    ::xpile::bang::detail::checkDirection(#NAME, dst, src, dir, {0, size}, {0, size});                                  \
    ::xpile::bang::detail::copy1d(#NAME, target, src, size, dir, false);                                                \
  }                                                                                                                     \
  inline void NAME(void *dst, const void *src, int size, mluMemcpyDirection_t dir, int dst_stride, int src_stride,      \
                   int segnum, int id_dst_cluster) {                                                                    \
    void *target = ::xpile::bang::detail::remoteSram(#NAME, dst, dir, id_dst_cluster);                                 \
    ::xpile::bang::detail::copy2d(#NAME, target, src, size, dir, dst_stride, src_stride, segnum, target == dst);        \
  }                                                                                                                     \
  inline void NAME(void *dst, const void *src, int size, mluMemcpyDirection_t dir, int dst_stride0, int dst_segnum1,    \
                   int dst_stride1, int dst_segnum2, int src_stride0, int src_segnum1, int src_stride1,                 \
                   int src_segnum2) {                                                                                   \
    ::xpile::bang::detail::copy3d(#NAME, dst, src, size, dir, dst_stride0, dst_segnum1, dst_stride1, dst_segnum2,       \
                                  src_stride0, src_segnum1, src_stride1, src_segnum2);                                 \
  }                                                                                                                     \
  inline void NAME(void *dst, const void *src, int size, mluMemcpyDirection_t dir, int dst_stride0, int dst_segnum1,    \
                   int dst_stride1, int dst_segnum2, int src_stride0, int src_segnum1, int src_stride1,                 \
                   int src_segnum2, int id_dst_cluster) {                                                               \
    void *target = ::xpile::bang::detail::remoteSram(#NAME, dst, dir, id_dst_cluster);                                 \
    ::xpile::bang::detail::copy3d(#NAME, target, src, size, dir, dst_stride0, dst_segnum1, dst_stride1, dst_segnum2,    \
                                  src_stride0, src_segnum1, src_stride1, src_segnum2, target == dst);                  \
  }
XB_MEMCPY_FAMILY(__memcpy)
XB_MEMCPY_FAMILY(__memcpy_async)
#undef XB_MEMCPY_FAMILY

inline void __memcpy_nram_to_nram(void *dst, const void *src, int size, int dst_stride, int src_stride, int segnum) {
  ::xpile::bang::detail::copy2d("__memcpy_nram_to_nram", dst, src, size, NRAM2NRAM, dst_stride, src_stride, segnum);
}
// newer SDKs: on-chip move [UNCERTAIN signature]; no direction, so no space check
inline void __bang_move(void *dst, const void *src, int size) {
  ::xpile::bang::detail::copy1d("__bang_move", dst, src, size, NRAM2NRAM, false);
}
inline void __bang_move(void *dst, const void *src, int size, int dst_stride, int src_stride, int segnum) {
  ::xpile::bang::detail::copy2d("__bang_move", dst, src, size, NRAM2NRAM, dst_stride, src_stride, segnum, false);
}

// ---- §5.3 fills: count BEFORE value ---------------------------------------------------------------
#define XB_FILL(N, O, T)                                                                                                \
  inline void __bang_write_value(void *dst, int elem_count, T value) {                                                  \
    ::xpile::bang::detail::fill<T>("__bang_write_value", dst, elem_count, value);                                       \
  }                                                                                                                     \
  inline void __bang_write_value(void *dst, int elem_count, T value, int stride0, int iter1, int stride1, int iter2) {  \
    ::xpile::bang::detail::fill3d<T>("__bang_write_value", dst, elem_count, value, stride0, iter1, stride1, iter2);     \
  }                                                                                                                     \
  inline void __nramset(void *dst, int elem_count, T value) { ::xpile::bang::detail::fill<T>("__nramset", dst, elem_count, value); } \
  inline void __memset_nram(void *dst, int elem_count, T value) {                                                       \
    ::xpile::bang::detail::fill<T>("__memset_nram", dst, elem_count, value);                                            \
  }                                                                                                                     \
  inline void __sramset(void *dst, int elem_count, T value) { ::xpile::bang::detail::fill<T>("__sramset", dst, elem_count, value); } \
  inline void __gdramset(void *dst, int elem_count, T value) {                                                          \
    ::xpile::bang::detail::fill<T>("__gdramset", dst, elem_count, value);                                               \
  }                                                                                                                     \
  inline void __ldramset(void *dst, int elem_count, T value) {                                                          \
    ::xpile::bang::detail::fill<T>("__ldramset", dst, elem_count, value);                                               \
  }                                                                                                                     \
  inline void __bang_write_zero(T *dst, int elem_count) {                                                               \
    ::xpile::bang::detail::fill<T>("__bang_write_zero", dst, elem_count, ::xpile::bang::detail::st<T>(0));              \
  }
XB_ALL(XB_FILL, _, _)
#undef XB_FILL

// ---- §6 synchronisation ---------------------------------------------------------------------------
namespace xpile::bang::detail {
inline void barrier(int which, const char *name) {
  const CoreContext &c = self();
  if (!c.job) return;  // Block task: clusterDim == 0, a plain pipeline sync
  Job &j = *c.job;
  bool mpu = c.coreId == 0x80;
  switch (which) {
  case 0: j.wait(j.cluster[c.clusterId], name); break;
  case 1: j.wait(j.all, name); break;
  case 2: if (!mpu) j.wait(j.ipu, name); break;
  case 3: if (mpu) j.wait(j.mpu, name); break;
  case 4: if (!mpu) j.wait(j.ipuCluster[c.clusterId], name); break;
  }
}

// __bang_lock/__bang_unlock [UNCERTAIN semantics]: binary semaphores shared by all cores.
struct Semaphores {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<bool> held;
  static Semaphores &get() {
    static Semaphores s;
    return s;
  }
};
}  // namespace xpile::bang::detail

inline void __sync_cluster(void) { ::xpile::bang::detail::barrier(0, "__sync_cluster"); }
inline void __sync_all(void) { ::xpile::bang::detail::barrier(1, "__sync_all"); }
inline void __sync_all_ipu(void) { ::xpile::bang::detail::barrier(2, "__sync_all_ipu"); }
inline void __sync_all_mpu(void) { ::xpile::bang::detail::barrier(3, "__sync_all_mpu"); }
// [UNCERTAIN] newer: a barrier over the IPU cores of this cluster (the MPU does not wait)
inline void __sync_all_ipu_within_cluster(void) { ::xpile::bang::detail::barrier(4, "__sync_all_ipu_within_cluster"); }

inline void __sync_compute(void) {}
inline void __sync_copy_dram_to_nram(void) {}
inline void __sync_copy_nram_to_dram(void) {}
inline void __sync_copy_dram_to_wram(void) {}
inline void __sync_copy_wram_to_dram(void) {}
inline void __sync_copy_dram_to_sram(void) {}
inline void __sync_copy_sram_to_dram(void) {}
inline void __sync_copy_sram_to_nram(void) {}
inline void __sync_copy_nram_to_sram(void) {}
inline void __sync_copy_sram_to_wram(void) {}
inline void __sync_copy_wram_to_sram(void) {}
inline void __sync_copy_nram_to_wram(void) {}
inline void __sync_copy_wram_to_nram(void) {}
inline void __sync_copy_nram_to_nram(void) {}
inline void __sync_copy_dram_to_ldram(void) {}
inline void __sync_copy_ldram_to_dram(void) {}
inline void __sync_copy_ldram_to_nram(void) {}
inline void __sync_copy_nram_to_ldram(void) {}
inline void __sync(void) {}
inline void __sync_io(void) {}
inline void __sync_move(void) {}
inline void __sync_io_move_compute(void) {}
inline void __sync_io_move_compute(bool, bool, bool, bool, bool, bool) {}

inline void __bang_lock(int lock_id, int value) {
  (void)value;
  auto &s = ::xpile::bang::detail::Semaphores::get();
  std::unique_lock<std::mutex> lock(s.mu);
  if (lock_id < 0) ::xpile::bang::detail::invalid("__bang_lock: negative lock_id");
  if (s.held.size() <= static_cast<size_t>(lock_id)) s.held.resize(lock_id + 1, false);
  s.cv.wait(lock, [&] { return !s.held[lock_id]; });
  s.held[lock_id] = true;
}
inline void __bang_unlock(int lock_id, int value) {
  (void)value;
  auto &s = ::xpile::bang::detail::Semaphores::get();
  std::lock_guard<std::mutex> lock(s.mu);
  if (lock_id >= 0 && static_cast<size_t>(lock_id) < s.held.size()) s.held[lock_id] = false;
  s.cv.notify_all();
}

// ---- §8.10 address-space and core-kind queries ----------------------------------------------------
inline bool __is_nram(const void *ptr) { return ::xpile::bang::detail::classify(ptr) == ::xpile::bang::detail::Space::NRAM; }
inline bool __is_wram(const void *ptr) { return ::xpile::bang::detail::inWram(ptr); }
inline bool __is_sram(const void *ptr) { return ::xpile::bang::detail::inSram(ptr); }
inline bool __is_dram(const void *ptr) { return ::xpile::bang::detail::classify(ptr) == ::xpile::bang::detail::Space::GDRAM; }
inline bool __is_ipu(void) { return !::xpile::bang::detail::isMpu(); }
inline bool __is_mpu(void) { return ::xpile::bang::detail::isMpu(); }
