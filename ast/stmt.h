// Statements of the shared AST: the structured control flow of kernels and host code, memory
// allocation in every memory scope, synchronization, DMA-style copies, and the host runtime's
// allocation / copy / launch operations with the launch configuration as data.
#pragma once

#include "ast/expr.h"

#include <optional>
#include <string>
#include <vector>

namespace xpile::ast {

enum class StmtKind {
  Seq, Decl, Alloc, Assign, Eval, If, Switch, For, Loop, Break, Continue, Return,
  Sync, Copy, Launch, HostAlloc, HostFree, HostCopy, HostSync, Verbatim,
};

struct Stmt {
  const StmtKind kind;
  SourceLoc loc;

  explicit Stmt(StmtKind k) : kind(k) {}
  virtual ~Stmt() = default;

  template <typename T> const T *as() const { return kind == T::Kind ? static_cast<const T *>(this) : nullptr; }
};
using StmtPtr = std::shared_ptr<const Stmt>;

// A sequence; `scoped` is a C block `{ ... }` that opens a scope, otherwise the statements are
// spliced into the enclosing scope (used by passes that replace one statement by several).
struct Seq : Stmt {
  static constexpr StmtKind Kind = StmtKind::Seq;
  std::vector<StmtPtr> body;
  bool scoped = true;
  Seq() : Stmt(Kind) {}
};

// A scalar/vector/pointer/named local variable (arrays and on-chip buffers are Alloc).
struct Decl : Stmt {
  static constexpr StmtKind Kind = StmtKind::Decl;
  std::string name;
  TypePtr type;
  ExprPtr init;  // may be null
  bool isStatic = false;
  bool isConstexpr = false;
  Decl() : Stmt(Kind) {}
};

// A buffer in a memory scope: `__shared__ float tile[16][16]`, `__nram__ half buf[N]`,
// `float acc[4]`, `extern __shared__ float dyn[]` (isExtern, no extent: dynamic shared memory).
struct Alloc : Stmt {
  static constexpr StmtKind Kind = StmtKind::Alloc;
  std::string name;
  TypePtr type;  // an Array type (possibly nested); element type innermost
  MemSpace space = MemSpace::Local;
  ExprPtr init;  // InitList or null
  bool isExtern = false;
  bool isStatic = false;
  int alignment = 0;  // __align__/alignas in bytes, 0 = natural
  Alloc() : Stmt(Kind) {}
};

// `target = value` or compound `target op= value` at statement level. `i++` statements are kept as
// Eval of a Unary so the programmer's form survives printing.
struct AssignStmt : Stmt {
  static constexpr StmtKind Kind = StmtKind::Assign;
  ExprPtr target;  // Var, Load, Member or Deref
  std::optional<BinaryOp> op;
  ExprPtr value;
  AssignStmt() : Stmt(Kind) {}
};

// An expression evaluated for its effect (calls, i++).
struct Eval : Stmt {
  static constexpr StmtKind Kind = StmtKind::Eval;
  ExprPtr value;
  Eval() : Stmt(Kind) {}
};

struct If : Stmt {
  static constexpr StmtKind Kind = StmtKind::If;
  ExprPtr cond;
  StmtPtr thenBody, elseBody;  // elseBody may be null
  If() : Stmt(Kind) {}
};

// `switch (value) { case A: ... default: ... }`. Each case holds the statements up to the next
// label, so fall-through stays exactly as written.
struct Switch : Stmt {
  static constexpr StmtKind Kind = StmtKind::Switch;
  struct Case {
    ExprPtr label;  // null for `default`
    std::vector<StmtPtr> body;
  };
  ExprPtr value;
  std::vector<Case> cases;
  Switch() : Stmt(Kind) {}
};

// How a canonical loop executes.
enum class ForKind {
  Serial,
  Parallel,    // CPU threads (OpenMP `parallel for`) or, after loop bind, a parallel axis
  Vectorized,  // SIMD lanes (`omp simd`)
  Unrolled,    // `#pragma unroll [N]`
};

// A canonical counted loop: `for (T var = start; var < end; var += step)`. Loops of any other
// shape are Loop. Comparisons `<=`/`!=`/`>` are kept in `cmp` so printing reproduces them.
struct For : Stmt {
  static constexpr StmtKind Kind = StmtKind::For;
  std::string var;
  TypePtr varType;
  ExprPtr start, end, step;
  BinaryOp cmp = BinaryOp::LT;  // LT, LE, NE (var on the left) for an increasing loop
  ForKind forKind = ForKind::Serial;
  int unrollFactor = 0;               // Unrolled: 0 = full/unspecified
  std::string parallelClauses;        // OpenMP clauses as written ("collapse(2) schedule(static)")
  std::optional<ParallelAxis> boundAxis;  // set by loop bind: the axis this loop is mapped onto
  int boundDim = 0;
  // Iterations are known to be independent by construction (a recovered grid or thread loop, an
  // OpenMP `parallel for`), so loop bind may map the loop onto a parallel axis without analysis.
  bool independent = false;
  StmtPtr body;
  For() : Stmt(Kind) {}
};

// Every other loop of C: while, do-while, and `for` that is not canonical (decreasing, several
// variables, arbitrary update). `init` and `update` may be null; `cond` null means forever.
struct Loop : Stmt {
  static constexpr StmtKind Kind = StmtKind::Loop;
  enum class Form { While, DoWhile, For } form = Form::While;
  StmtPtr init;
  ExprPtr cond;
  ExprPtr update;
  StmtPtr body;
  int unrollFactor = -1;  // -1: no pragma; 0: `#pragma unroll`; N: `#pragma unroll N`
  Loop() : Stmt(Kind) {}
};

struct Break : Stmt {
  static constexpr StmtKind Kind = StmtKind::Break;
  Break() : Stmt(Kind) {}
};

struct Continue : Stmt {
  static constexpr StmtKind Kind = StmtKind::Continue;
  Continue() : Stmt(Kind) {}
};

struct Return : Stmt {
  static constexpr StmtKind Kind = StmtKind::Return;
  ExprPtr value;  // may be null
  Return() : Stmt(Kind) {}
};

// Barriers and memory fences.
enum class SyncScope {
  Block,        // __syncthreads()
  Warp,         // __syncwarp(mask)
  Cluster,      // BANG __sync_cluster()
  All,          // BANG __sync_all()
  AllIpu,       // BANG __sync_all_ipu()
  AllMpu,       // BANG __sync_all_mpu()
  Core,         // BANG pipeline syncs on one core (__sync_compute, __sync_copy_*, __sync_io, __sync)
  ThreadFence,  // __threadfence(), __threadfence_block()
};

struct Sync : Stmt {
  static constexpr StmtKind Kind = StmtKind::Sync;
  SyncScope scope = SyncScope::Block;
  // Dialect detail that the scope alone does not fix: for Core, the pipe ("compute",
  // "copy_dram_to_nram", "io", ""); for ThreadFence, "" (device), "block" or "system".
  std::string detail;
  std::vector<ExprPtr> args;  // __syncwarp(mask)
  Sync() : Stmt(Kind) {}
};

// A BANG-style DMA copy between memory spaces: `__memcpy(dst, src, size, DIR[, dst_stride,
// src_stride, segnum])`, async forms included. Sizes and strides in bytes; `segnum + 1` segments.
struct Copy : Stmt {
  static constexpr StmtKind Kind = StmtKind::Copy;
  ExprPtr dst, src, bytes;
  MemSpace dstSpace = MemSpace::Global, srcSpace = MemSpace::Global;
  std::string direction;  // "GDRAM2NRAM", ...; the exact enumerator the program used
  ExprPtr dstStride, srcStride, segnum;  // all null for the 1-D form
  std::vector<ExprPtr> extraArgs;  // 3-D form and cross-cluster id, in source order after segnum
  bool async = false;
  Copy() : Stmt(Kind) {}
};

// How a kernel is launched, as data.
struct LaunchConfig {
  // CUDA/HIP: <<<grid, block, sharedBytes, stream>>> (grid/block are dim3 or integer expressions)
  ExprPtr grid, block, sharedBytes, stream;
  // BANG: <<<taskDim, taskType, queue>>>
  ExprPtr taskDim, taskType, queue;
  bool isBang() const { return taskDim != nullptr; }
};

// A kernel launch from host code. `viaMacro` records hipLaunchKernelGGL-style launches.
struct Launch : Stmt {
  static constexpr StmtKind Kind = StmtKind::Launch;
  std::string kernel;
  std::vector<std::string> templateArgs;
  LaunchConfig config;
  std::vector<ExprPtr> args;
  bool viaMacro = false;
  Launch() : Stmt(Kind) {}
};

// Device memory allocation from host code: cudaMalloc(&ptr, bytes), hipMalloc, cnrtMalloc,
// cudaMallocManaged, cudaMallocHost (pinned host memory).
struct HostAlloc : Stmt {
  static constexpr StmtKind Kind = StmtKind::HostAlloc;
  enum class Memory { Device, Managed, PinnedHost } memory = Memory::Device;
  ExprPtr pointer;  // the pointer variable receiving the allocation (an lvalue, not its address)
  ExprPtr bytes;
  HostAlloc() : Stmt(Kind) {}
};

struct HostFree : Stmt {
  static constexpr StmtKind Kind = StmtKind::HostFree;
  HostAlloc::Memory memory = HostAlloc::Memory::Device;
  ExprPtr pointer;
  HostFree() : Stmt(Kind) {}
};

enum class CopyDirection { HostToDevice, DeviceToHost, DeviceToDevice, HostToHost, Default };

struct HostCopy : Stmt {
  static constexpr StmtKind Kind = StmtKind::HostCopy;
  ExprPtr dst, src, bytes;
  CopyDirection direction = CopyDirection::Default;
  bool async = false;
  ExprPtr stream;  // async only; may be null
  // Copies to/from a __constant__/__device__ symbol (cudaMemcpyToSymbol / FromSymbol).
  bool toSymbol = false, fromSymbol = false;
  HostCopy() : Stmt(Kind) {}
};

// Waiting for the device: cudaDeviceSynchronize (stream null), cudaStreamSynchronize(s),
// cnrtQueueSync(q).
struct HostSync : Stmt {
  static constexpr StmtKind Kind = StmtKind::HostSync;
  ExprPtr stream;
  HostSync() : Stmt(Kind) {}
};

// A statement the model does not understand yet, carried as its exact source text.
struct VerbatimStmt : Stmt {
  static constexpr StmtKind Kind = StmtKind::Verbatim;
  std::string text;
  std::string reason;
  VerbatimStmt() : Stmt(Kind) {}
};

const char *syncScopeName(SyncScope s);
const char *forKindName(ForKind k);
const char *copyDirectionName(CopyDirection d);

}  // namespace xpile::ast
