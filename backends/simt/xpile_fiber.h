// xpile fibers: the user-level threads the SIMT executor runs GPU threads on. Header-only, compiled
// INTO the program under test (clang++-16 -O2; g++ 12 compiles it too).
//
// Mechanism. On x86-64 (SysV) a switch is inline assembly: it pushes rbp, the FP control words
// (MXCSR, x87 control word) and a resume address, stores rsp, loads the other fiber's rsp, pops the
// same and jumps. The callee-saved registers rbx and r12-r15 (and every caller-saved register) are
// declared clobbered, so the compiler saves those it needs around the switch - in practice once in
// the prologue of the function containing it, not on every switch. Measured with
// tools/bench/fiber_switch_bench.cpp on an AMD EPYC VM: ~5 ns per switch (~1 ns without the FP
// control words: stmxcsr alone costs ~4 ns there), against ~10.5 ns for the classic called routine
// that pushes rbx/rbp/r12-r15 and returns on the other stack (its `ret` always misses the return
// stack buffer) and ~220 ns for glibc's swapcontext (a sigprocmask system call per switch).
// Elsewhere (#ifndef __x86_64__, or with -DXPILE_FIBER_UCONTEXT) the portable fallback is ucontext.
//
// Stacks come from a per-OS-thread pool (fibers never migrate between OS threads) and are reused
// across blocks and launches. Each stack is XPILE_FIBER_STACK bytes (default 64 KiB; "128K", "1M"
// and plain byte counts are accepted), plus a kernel's per-thread arrays (the launch asks for its
// KernelInfo::localBytes on top), with PROT_NONE guard pages at the low end, so overflowing a
// fiber's stack is a SIGSEGV, never silent corruption of a neighbour. The guard is 16 KiB: a
// single frame larger than that could jump it, which -fstack-clash-protection (probing large
// frames) rules out. In a barrier-heavy kernel a resume costs ~11 ns on that VM with the FP words
// shared, ~15 ns with them saved, most of it cache misses on the resumed fiber's stack (every
// fiber's hot frames live on a page of their own).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>

#include <sys/mman.h>
#include <unistd.h>

// -DXPILE_FIBER_UCONTEXT selects the portable fallback on x86-64 too (to test it).
#if defined(__x86_64__) && !defined(XPILE_FIBER_UCONTEXT)
#define XPILE_FIBER_ASM 1
#else
#define XPILE_FIBER_ASM 0
#include <ucontext.h>
#endif

#if XPILE_FIBER_ASM
// xpile_fiber_trampoline: where a fresh fiber starts (see prepare()). Weak, so that any number of
// translation units may include this header.
__asm__(
    ".text\n"
    ".weak xpile_fiber_trampoline\n"
    ".type xpile_fiber_trampoline,@function\n"
    ".p2align 4\n"
    "xpile_fiber_trampoline:\n"
    "  .cfi_startproc\n"
    "  .cfi_undefined rip\n"
    "  addq $8, %rsp\n"       // the FP-environment slot
    "  popq %rax\n"           // entry
    "  popq %rdi\n"           // argument
    "  andq $-16, %rsp\n"
    "  callq *%rax\n"
    "  ud2\n"
    "  .cfi_endproc\n"
    ".size xpile_fiber_trampoline, .-xpile_fiber_trampoline\n");
extern "C" void xpile_fiber_trampoline();
#endif

namespace xpile::fiber {

using Entry = void (*)(void *);  // a fiber's body; it must never return (switch away instead)

// ---------------------------------------------------------------------------------------------
// Stacks.
inline size_t pageSize() {
  static const size_t page = [] {
    long p = sysconf(_SC_PAGESIZE);
    return p > 0 ? static_cast<size_t>(p) : size_t(4096);
  }();
  return page;
}

// Usable bytes per fiber stack: XPILE_FIBER_STACK (bytes, or with a K/M suffix), default 64 KiB,
// at least 16 KiB, rounded up to whole pages.
inline size_t defaultStackSize() {
  static const size_t size = [] {
    size_t bytes = 64 * 1024;
    if (const char *v = std::getenv("XPILE_FIBER_STACK")) {
      char *end = nullptr;
      unsigned long long n = std::strtoull(v, &end, 10);
      if (end && (*end == 'k' || *end == 'K')) n *= 1024;
      else if (end && (*end == 'm' || *end == 'M')) n *= 1024 * 1024;
      if (n > 0) bytes = static_cast<size_t>(n);
    }
    if (bytes < 16 * 1024) bytes = 16 * 1024;
    size_t page = pageSize();
    return (bytes + page - 1) / page * page;
  }();
  return size;
}

// Guard below each stack: 16 KiB (at least one page), so that a frame somewhat larger than a page
// still lands in the guard rather than in the stack below.
inline size_t guardSize() {
  size_t page = pageSize();
  return page >= 16 * 1024 ? page : 16 * 1024;
}

struct Stack {
  char *mapping = nullptr;  // guard + usable, as mapped
  size_t mapBytes = 0;
  char *low = nullptr;      // usable range [low, high)
  char *high = nullptr;
};

// Maps a stack with a PROT_NONE guard at its low end. Returns an empty Stack when out of memory.
inline Stack allocateStack(size_t usable = defaultStackSize()) {
  Stack s;
  size_t guard = guardSize();
  size_t total = guard + usable;
  int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
#ifdef MAP_STACK
  flags |= MAP_STACK;
#endif
  void *p = mmap(nullptr, total, PROT_READ | PROT_WRITE, flags, -1, 0);
  if (p == MAP_FAILED) return s;
  if (mprotect(p, guard, PROT_NONE) != 0) {
    munmap(p, total);
    return s;
  }
  s.mapping = static_cast<char *>(p);
  s.mapBytes = total;
  s.low = s.mapping + guard;
  s.high = s.mapping + total;
  return s;
}

inline void freeStack(Stack &s) {
  if (s.mapping) munmap(s.mapping, s.mapBytes);
  s = Stack{};
}

// ---------------------------------------------------------------------------------------------
// Contexts.
#if XPILE_FIBER_ASM

// Whether a switch saves and restores MXCSR and the x87 control word (callee-saved in the SysV
// ABI). On by default; -DXPILE_FIBER_SAVE_FPENV=0 drops it (stmxcsr alone costs ~4 ns on AMD Zen;
// CUDA/HIP code has no floating-point environment to preserve, rounding modes being per
// instruction, but the ABI says so and a kernel may call fesetround).
#ifndef XPILE_FIBER_SAVE_FPENV
#define XPILE_FIBER_SAVE_FPENV 1
#endif

struct Context {
  void *sp = nullptr;  // saved stack pointer; resume address, rbp and FP control words live there
};

// Makes `c` start `entry(arg)` on `stack` when first switched to. `color` offsets the top of the
// stack by color % 64 cache lines: fibers' stacks all start at the same offset modulo the page,
// and without it the hot top frames of hundreds of fibers compete for the same L1 cache sets.
inline void prepare(Context &c, const Stack &stack, Entry entry, void *arg, unsigned color = 0) {
  // The frame a switch pops, from low to high: resume address (the trampoline), rbp (0: the end
  // of frame-pointer chains), the FP slot (mxcsr, x87 control word), then the trampoline's entry
  // and argument.
  uintptr_t top = (reinterpret_cast<uintptr_t>(stack.high) - (color % 64) * 64) & ~uintptr_t(15);
  uint64_t *f = reinterpret_cast<uint64_t *>(top - 64);
  uint32_t mxcsr = 0;
  uint16_t fpucw = 0;
  __asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
  __asm__ volatile("fnstcw %0" : "=m"(fpucw));
  f[0] = reinterpret_cast<uint64_t>(&xpile_fiber_trampoline);
  f[1] = 0;
  f[2] = static_cast<uint64_t>(mxcsr) | (static_cast<uint64_t>(fpucw) << 32);
  f[3] = reinterpret_cast<uint64_t>(entry);
  f[4] = reinterpret_cast<uint64_t>(arg);
  f[5] = 0;
  c.sp = f;
}

// Every register the other side may change, except rbp (saved by hand: it may be the frame
// pointer, which cannot be clobbered), rsp, and rdi/rsi (the operands). The compiler saves what it
// needs of these around the switch (callee-saved ones once, in the prologue), so the switch
// itself moves only rsp, rbp and a resume address, and needs no call and return: the return
// stack buffer stays balanced and the indirect jump is well predicted.
#if defined(__AVX512F__)
#define XPILE_FIBER_CLOBBER_AVX512 , "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", "xmm23", "xmm24", \
    "xmm25", "xmm26", "xmm27", "xmm28", "xmm29", "xmm30", "xmm31", "k1", "k2", "k3", "k4", "k5", "k6", "k7"
#else
#define XPILE_FIBER_CLOBBER_AVX512
#endif
#define XPILE_FIBER_CLOBBERS                                                                                          \
  "rax", "rbx", "rcx", "rdx", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "memory", "cc", "xmm0", "xmm1",  \
      "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14",   \
      "xmm15", "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)", "mm0", "mm1", "mm2", "mm3", "mm4", \
      "mm5", "mm6", "mm7" XPILE_FIBER_CLOBBER_AVX512

// Saves the running context into `from` and resumes `to`. Skips the red zone first (the
// surrounding function may keep data below rsp).
__attribute__((always_inline)) inline void switchTo(Context &from, const Context &to) {
  void **save = &from.sp;
  void *target = to.sp;
#if XPILE_FIBER_SAVE_FPENV
  __asm__ volatile(
      "subq $136, %%rsp\n\t"
      "stmxcsr (%%rsp)\n\t"
      "fnstcw 4(%%rsp)\n\t"
      "pushq %%rbp\n\t"
      "leaq 1f(%%rip), %%rax\n\t"
      "pushq %%rax\n\t"
      "movq %%rsp, (%0)\n\t"
      "movq %1, %%rsp\n\t"
      "popq %%rax\n\t"
      "popq %%rbp\n\t"
      "ldmxcsr (%%rsp)\n\t"
      "fldcw 4(%%rsp)\n\t"
      "jmpq *%%rax\n"
      "1:\n\t"
      "addq $136, %%rsp\n"
      : "+D"(save), "+S"(target)
      :
      : XPILE_FIBER_CLOBBERS);
#else
  __asm__ volatile(
      "subq $136, %%rsp\n\t"
      "pushq %%rbp\n\t"
      "leaq 1f(%%rip), %%rax\n\t"
      "pushq %%rax\n\t"
      "movq %%rsp, (%0)\n\t"
      "movq %1, %%rsp\n\t"
      "popq %%rax\n\t"
      "popq %%rbp\n\t"
      "jmpq *%%rax\n"
      "1:\n\t"
      "addq $136, %%rsp\n"
      : "+D"(save), "+S"(target)
      :
      : XPILE_FIBER_CLOBBERS);
#endif
}

constexpr const char *kMechanism = XPILE_FIBER_SAVE_FPENV ? "x86-64 inline-asm switch, MXCSR/x87 CW saved"
                                                          : "x86-64 inline-asm switch, FP environment shared";

#else  // portable fallback

struct Context {
  ucontext_t uc;
};

namespace detail {
inline void ucontextEntry(unsigned lo, unsigned hi, unsigned elo, unsigned ehi) {
  void *arg = reinterpret_cast<void *>((static_cast<uintptr_t>(hi) << 32) | lo);
  Entry entry = reinterpret_cast<Entry>((static_cast<uintptr_t>(ehi) << 32) | elo);
  entry(arg);
  std::abort();  // entries never return
}
}  // namespace detail

inline void prepare(Context &c, const Stack &stack, Entry entry, void *arg, unsigned color = 0) {
  getcontext(&c.uc);
  c.uc.uc_stack.ss_sp = stack.low;
  c.uc.uc_stack.ss_size = static_cast<size_t>(stack.high - stack.low) - (color % 64) * 64;
  c.uc.uc_link = nullptr;
  uintptr_t a = reinterpret_cast<uintptr_t>(arg), e = reinterpret_cast<uintptr_t>(entry);
  makecontext(&c.uc, reinterpret_cast<void (*)()>(&detail::ucontextEntry), 4, unsigned(a), unsigned(uint64_t(a) >> 32),
              unsigned(e), unsigned(uint64_t(e) >> 32));
}

inline void switchTo(Context &from, const Context &to) { swapcontext(&from.uc, &to.uc); }

constexpr const char *kMechanism = "ucontext";

#endif

// ---------------------------------------------------------------------------------------------
// A fiber: a stack and a context, with stable addresses.
struct Fiber {
  Stack stack;
  Context context;
  bool prepared = false;
};

// Fibers of one OS thread, grown on demand and kept for the thread's lifetime (never freed, so a
// program that exits from inside a fiber does not unmap the stack it runs on).
class FiberPool {
public:
  // The i-th fiber, with at least `usable` bytes of stack; aborts the program with a message when
  // stacks cannot be mapped. A stack too small for a new launch is replaced: this is only called
  // between blocks, when no fiber of the pool is running (a finished fiber's stack holds nothing).
  Fiber &at(size_t i, size_t usable = defaultStackSize()) {
    while (fibers_.size() <= i) fibers_.push_back(Fiber{});
    Fiber &f = fibers_[i];
    if (f.stack.low && static_cast<size_t>(f.stack.high - f.stack.low) >= usable) return f;
    freeStack(f.stack);
    f.prepared = false;
    f.stack = allocateStack(usable);
    if (!f.stack.low) {
      std::fprintf(stderr, "xpile-fault: capacity-exceeded: cannot map fiber stack %zu of %zu bytes (XPILE_FIBER_STACK)\n",
                   i, usable);
      std::fflush(stderr);
      std::_Exit(86);
    }
    return f;
  }
  size_t size() const { return fibers_.size(); }

  static FiberPool &forThisThread() {
    static thread_local FiberPool *pool = nullptr;
    if (!pool) pool = new FiberPool;  // leaked on purpose (see above)
    return *pool;
  }

private:
  std::deque<Fiber> fibers_;  // deque: growing never moves existing fibers
};

}  // namespace xpile::fiber
