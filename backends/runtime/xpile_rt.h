// xpile runtime: what every executor shares. This header (and the other runtime headers) is compiled
// INTO the program under test by clang++-16 -O2, never into xpile itself. It provides:
//   - fatal error reporting with a stable, machine-readable first line and exit code, so xpile can
//     tell a kernel fault (out-of-bounds access, divergent barrier, NRAM overflow, ...) from a crash;
//   - the registry of device allocations (cudaMalloc/hipMalloc/cnrtMalloc and harness buffers), used
//     for bounds checks and for recording buffers after each kernel launch;
//   - element types of buffers (dtype), derived from C++ types at compile time;
//   - run options read once from the environment (XPILE_* variables, set by xpile's sandbox).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <type_traits>
#include <vector>

namespace xpile::rt {

// ---------------------------------------------------------------------------------------------
// Faults. The first line on stderr is `xpile-fault: <kind>: <message>`; the exit status is
// kFaultExitCode. xpile's sandbox parses this line; everything else the program prints is passed on.
constexpr int kFaultExitCode = 86;

enum class Fault {
  OutOfBounds,        // global/device memory access outside every allocation
  DivergentBarrier,   // threads of one block at different barriers, or some exited while others wait
  Deadlock,           // no thread can make progress (e.g. a warp op waiting for an exited lane)
  CapacityExceeded,   // shared memory / NRAM / WRAM / SRAM over the platform's capacity
  Misaligned,         // strict-mode alignment rule broken (BANG MLU270-class rules)
  InvalidArgument,    // an API called with arguments the platform rejects (bad launch config, ...)
  RaceDetected,       // results differ between thread schedules (missing barrier)
};

inline const char *faultName(Fault f) {
  switch (f) {
  case Fault::OutOfBounds: return "out-of-bounds";
  case Fault::DivergentBarrier: return "divergent-barrier";
  case Fault::Deadlock: return "deadlock";
  case Fault::CapacityExceeded: return "capacity-exceeded";
  case Fault::Misaligned: return "misaligned";
  case Fault::InvalidArgument: return "invalid-argument";
  case Fault::RaceDetected: return "race";
  }
  return "fault";
}

[[noreturn]] inline void fault(Fault kind, const std::string &message) {
  std::fflush(stdout);
  std::fprintf(stderr, "xpile-fault: %s: %s\n", faultName(kind), message.c_str());
  std::fflush(stderr);
  std::_Exit(kFaultExitCode);
}

// ---------------------------------------------------------------------------------------------
// Element types, as named on xpile's command line (`--arg f32[1024]:rand`).
enum class DType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, U16, U32, U64, Bool, Unknown };

inline const char *dtypeName(DType t) {
  switch (t) {
  case DType::F64: return "f64";
  case DType::F32: return "f32";
  case DType::F16: return "f16";
  case DType::BF16: return "bf16";
  case DType::I64: return "i64";
  case DType::I32: return "i32";
  case DType::I16: return "i16";
  case DType::I8: return "i8";
  case DType::U8: return "u8";
  case DType::U16: return "u16";
  case DType::U32: return "u32";
  case DType::U64: return "u64";
  case DType::Bool: return "bool";
  case DType::Unknown: return "bytes";
  }
  return "bytes";
}

// dtypeOf<T>(): the dtype of an element type. Half/bfloat16 types specialise DTypeTraits in the
// headers that define them (xpile_half.h).
template <typename T, typename = void> struct DTypeTraits { static constexpr DType value = DType::Unknown; };
template <> struct DTypeTraits<double> { static constexpr DType value = DType::F64; };
template <> struct DTypeTraits<float> { static constexpr DType value = DType::F32; };
template <> struct DTypeTraits<long long> { static constexpr DType value = DType::I64; };
template <> struct DTypeTraits<long> { static constexpr DType value = DType::I64; };
template <> struct DTypeTraits<int> { static constexpr DType value = DType::I32; };
template <> struct DTypeTraits<short> { static constexpr DType value = DType::I16; };
template <> struct DTypeTraits<signed char> { static constexpr DType value = DType::I8; };
template <> struct DTypeTraits<char> { static constexpr DType value = DType::I8; };
template <> struct DTypeTraits<unsigned char> { static constexpr DType value = DType::U8; };
template <> struct DTypeTraits<unsigned short> { static constexpr DType value = DType::U16; };
template <> struct DTypeTraits<unsigned int> { static constexpr DType value = DType::U32; };
template <> struct DTypeTraits<unsigned long> { static constexpr DType value = DType::U64; };
template <> struct DTypeTraits<unsigned long long> { static constexpr DType value = DType::U64; };
template <> struct DTypeTraits<bool> { static constexpr DType value = DType::Bool; };
template <typename T> constexpr DType dtypeOf() { return DTypeTraits<std::remove_cv_t<T>>::value; }

// ---------------------------------------------------------------------------------------------
// Run options, from the environment the sandbox sets.
struct Options {
  bool checkBounds = false;         // XPILE_CHECK_BOUNDS=1: bounds-check every checked access
  std::string schedule = "forward"; // XPILE_SCHEDULE=forward|reverse|shuffle:<seed> (SIMT thread order)
  int warpSize = 0;                 // XPILE_WARP_SIZE=32|64 (0: the dialect's default)
  bool bangStrict = false;          // XPILE_BANG_STRICT=1: MLU270-class alignment rules
  std::string traceDir;             // XPILE_TRACE_DIR=DIR: record buffers after every launch
  int hostThreads = 0;              // XPILE_THREADS=N: OS threads for blocks/cores (0 = hardware)
};

inline const Options &options() {
  static const Options opts = [] {
    Options o;
    auto env = [](const char *name) -> const char * { return std::getenv(name); };
    if (const char *v = env("XPILE_CHECK_BOUNDS")) o.checkBounds = std::strcmp(v, "0") != 0;
    if (const char *v = env("XPILE_SCHEDULE")) o.schedule = v;
    if (const char *v = env("XPILE_WARP_SIZE")) o.warpSize = std::atoi(v);
    if (const char *v = env("XPILE_BANG_STRICT")) o.bangStrict = std::strcmp(v, "0") != 0;
    if (const char *v = env("XPILE_TRACE_DIR")) o.traceDir = v;
    if (const char *v = env("XPILE_THREADS")) o.hostThreads = std::atoi(v);
    return o;
  }();
  return opts;
}

// ---------------------------------------------------------------------------------------------
// Device allocations. Every emulated device allocation is registered, so accesses can be checked
// and buffers found from any pointer into them.
struct Allocation {
  const char *base = nullptr;
  size_t bytes = 0;
  std::string label;  // "d_a" or "arg0"; empty when unknown
};

class Registry {
public:
  static Registry &get() {
    static Registry r;
    return r;
  }

  void add(const void *base, size_t bytes, std::string label = {}) {
    std::lock_guard<std::mutex> lock(mu_);
    allocs_.push_back({static_cast<const char *>(base), bytes, std::move(label)});
    ++generation_;
  }

  void remove(const void *base) {
    std::lock_guard<std::mutex> lock(mu_);
    for (size_t i = 0; i < allocs_.size(); ++i)
      if (allocs_[i].base == base) {
        allocs_.erase(allocs_.begin() + static_cast<std::ptrdiff_t>(i));
        ++generation_;
        return;
      }
  }

  // Changes whenever an allocation is added or removed: an Allocation pointer obtained under the
  // same generation is still valid.
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

  // The allocation containing [p, p + bytes), or nullptr.
  const Allocation *find(const void *p, size_t bytes = 1) const {
    std::lock_guard<std::mutex> lock(mu_);
    const char *c = static_cast<const char *>(p);
    for (const auto &a : allocs_)
      if (c >= a.base && c + bytes <= a.base + a.bytes) return &a;
    return nullptr;
  }

  // Whether `p` points into (or one past) some allocation: used to tell device pointers from
  // pointers to host objects the program passes by address.
  const Allocation *owner(const void *p) const {
    std::lock_guard<std::mutex> lock(mu_);
    const char *c = static_cast<const char *>(p);
    for (const auto &a : allocs_)
      if (c >= a.base && c < a.base + a.bytes) return &a;
    return nullptr;
  }

private:
  mutable std::mutex mu_;
  std::vector<Allocation> allocs_;
  std::atomic<uint64_t> generation_{0};
};

// Emulated device memory: 64-byte aligned, registered, and filled with a recognisable pattern
// (0xCD bytes) so reads of uninitialised device memory do not silently look like zeros.
inline void *deviceAlloc(size_t bytes, std::string label = {}) {
  size_t rounded = (bytes + 63) / 64 * 64;
  void *p = std::aligned_alloc(64, rounded ? rounded : 64);
  if (!p) return nullptr;
  std::memset(p, 0xCD, rounded ? rounded : 64);
  Registry::get().add(p, bytes, std::move(label));
  return p;
}

inline void deviceFree(void *p) {
  if (!p) return;
  Registry::get().remove(p);
  std::free(p);
}

// The fault of a checked access, out of line: the check itself stays small enough to inline.
[[noreturn]] __attribute__((noinline, cold)) inline void outOfBounds(const Allocation &home, const char *addr,
                                                                     size_t elementBytes, const char *what, int line) {
  long long elemIndex = static_cast<long long>(addr - home.base) / static_cast<long long>(elementBytes);
  fault(Fault::OutOfBounds, std::string("access ") + what + " at line " + std::to_string(line) + ": element " +
                                std::to_string(elemIndex) + " of buffer '" + (home.label.empty() ? "?" : home.label) +
                                "' (" + std::to_string(home.bytes / elementBytes) + " elements of " +
                                std::to_string(elementBytes) + " bytes)");
}

// A checked element access: `XPILE_AT(ptr, i)` is `ptr[i]`, faulting with a clear message when
// bounds checking is on and ptr + i is outside every registered allocation. Pointers that do not
// point into any registered allocation at all (host objects, stack arrays) are not checked.
template <typename T> inline T &checkedAt(T *ptr, long long index, const char *what, int line) {
  if (options().checkBounds) {
    Registry &r = Registry::get();
    // Addresses only: a C-style cast drops const/volatile (`volatile float *sdata` is common).
    const char *base = (const char *)(ptr);
    // Every access of a kernel goes through here: the allocation found last on this OS thread is
    // reused while no allocation has been added or removed, so the registry's lock and search are
    // paid once per buffer, not once per element.
    struct LastHit {
      uint64_t generation = ~uint64_t(0);
      const Allocation *alloc = nullptr;
    };
    static thread_local LastHit last;
    uint64_t generation = r.generation();
    const Allocation *home = last.alloc;
    if (last.generation != generation || !home || base < home->base || base >= home->base + home->bytes) {
      home = r.owner(base);
      last = {generation, home};
    }
    if (home) {
      const char *addr = base + index * static_cast<long long>(sizeof(T));
      if (addr < home->base || addr + sizeof(T) > home->base + home->bytes)
        outOfBounds(*home, addr, sizeof(T), what, line);
    }
  }
  return ptr[index];
}

// ---------------------------------------------------------------------------------------------
// What xpile's executor printer knows about a kernel from the shared AST and passes to every launch
// (a `static const xpile::rt::KernelInfo` emitted after each kernel definition).
struct KernelInfo {
  const char *name = "";
  int maxThreadsPerBlock = 0;    // __launch_bounds__ (0: none)
  int minBlocksPerSM = 0;
  size_t staticSharedBytes = 0;  // __shared__ arrays of the kernel and the device functions it calls
  size_t nramBytes = 0;          // BANG: __nram__ data of the kernel (file-scope buffers included)
  size_t wramBytes = 0;          // BANG: __wram__
  size_t sramBytes = 0;          // BANG: __mlu_shared__
  size_t localBytes = 0;         // per-thread arrays of the kernel and its device functions (SIMT:
                                 // each GPU thread's fiber stack gets this much on top of the default)
};

}  // namespace xpile::rt

#define XPILE_AT(ptr, index) (::xpile::rt::checkedAt((ptr), (long long)(index), #ptr "[" #index "]", __LINE__))
