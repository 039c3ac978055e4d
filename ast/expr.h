// Expressions of the shared AST. Nodes are immutable once built and shared by pointer, so passes can
// rebuild only what they change (in the style of Halide's IR).
#pragma once

#include "ast/source_loc.h"
#include "ast/type.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace xpile::ast {

enum class ExprKind {
  IntLit, FloatLit, BoolLit, StringLit,
  Var, Unary, Binary, Assign, Load, Member, Call, Cast, Select,
  ParallelIndex, SizeOf, InitList, Verbatim,
};

struct Expr {
  const ExprKind kind;
  TypePtr type;  // may be null when unknown (e.g. inside verbatim-adjacent code)
  SourceLoc loc;

  explicit Expr(ExprKind k) : kind(k) {}
  virtual ~Expr() = default;

  template <typename T> const T *as() const { return kind == T::Kind ? static_cast<const T *>(this) : nullptr; }
};
using ExprPtr = std::shared_ptr<const Expr>;

struct IntLit : Expr {
  static constexpr ExprKind Kind = ExprKind::IntLit;
  int64_t value = 0;
  std::string spelling;  // as written ("0xffffffff", "16u"); empty for literals created by passes
  IntLit() : Expr(Kind) {}
};

struct FloatLit : Expr {
  static constexpr ExprKind Kind = ExprKind::FloatLit;
  double value = 0;
  // The literal as written ("1.0f", "0x1p-3"), so printing keeps exactly the value and suffix the
  // programmer chose; empty for literals created by passes.
  std::string spelling;
  FloatLit() : Expr(Kind) {}
};

struct BoolLit : Expr {
  static constexpr ExprKind Kind = ExprKind::BoolLit;
  bool value = false;
  BoolLit() : Expr(Kind) {}
};

struct StringLit : Expr {
  static constexpr ExprKind Kind = ExprKind::StringLit;
  std::string value;  // decoded bytes (escapes resolved)
  StringLit() : Expr(Kind) {}
};

// A named variable, parameter, function or enumerator reference.
struct Var : Expr {
  static constexpr ExprKind Kind = ExprKind::Var;
  std::string name;
  Var() : Expr(Kind) {}
};

enum class UnaryOp { Neg, Plus, Not, BitNot, AddrOf, Deref, PreInc, PreDec, PostInc, PostDec };

struct Unary : Expr {
  static constexpr ExprKind Kind = ExprKind::Unary;
  UnaryOp op = UnaryOp::Neg;
  ExprPtr operand;
  Unary() : Expr(Kind) {}
};

enum class BinaryOp {
  Add, Sub, Mul, Div, Mod, Shl, Shr, BitAnd, BitOr, BitXor,
  LT, LE, GT, GE, EQ, NE, LAnd, LOr, Comma,
};

struct Binary : Expr {
  static constexpr ExprKind Kind = ExprKind::Binary;
  BinaryOp op = BinaryOp::Add;
  ExprPtr lhs, rhs;
  Binary() : Expr(Kind) {}
};

// An assignment used as a value (`a = b = 0`, `x += y` inside a condition). Statement-level
// assignments are AssignStmt; this node exists only so nothing C allows is lost.
struct AssignExpr : Expr {
  static constexpr ExprKind Kind = ExprKind::Assign;
  std::optional<BinaryOp> op;  // compound operator for `+=` etc.; empty for `=`
  ExprPtr target, value;
  AssignExpr() : Expr(Kind) {}
};

// Subscript `base[index]`; multi-dimensional arrays nest (`t[i][j]` is Load(Load(t, i), j)).
struct Load : Expr {
  static constexpr ExprKind Kind = ExprKind::Load;
  ExprPtr base, index;
  Load() : Expr(Kind) {}
};

// Field access `base.field` or `base->field` (vector lanes such as float4::x included).
struct Member : Expr {
  static constexpr ExprKind Kind = ExprKind::Member;
  ExprPtr base;
  std::string field;
  bool arrow = false;
  Member() : Expr(Kind) {}
};

// What the callee of a Call is, so passes and printers can find the calls they care about without
// matching strings.
enum class CallKind {
  User,       // a function defined or declared by the program
  Math,       // math library (expf, sqrtf, __expf, hexp, fmaxf, ...)
  Intrinsic,  // target intrinsics with catalogued semantics (__bang_*, _mm512_*, wmma, mfma, __hadd)
  Atomic,     // atomicAdd & co., __bang_atomic_*
  Warp,       // __shfl*, __ballot*, __any/__all, __activemask
  Runtime,    // host runtime API (cudaMalloc, hipMemcpy, cnrtQueueCreate, ...) used as a value
  Builtin,    // compiler/library builtins (printf, memcpy, __builtin_expect, std::max)
};

struct Call : Expr {
  static constexpr ExprKind Kind = ExprKind::Call;
  std::string callee;                     // qualified as the program names it ("nvcuda::wmma::mma_sync")
  ExprPtr receiver;                       // member calls: the object (`v` in `v.size()`), else null
  bool arrow = false;                     // member call through a pointer (`p->get()`)
  std::vector<std::string> templateArgs;  // explicit template arguments, spelled
  std::vector<ExprPtr> args;
  CallKind callKind = CallKind::User;
  Call() : Expr(Kind) {}
};

enum class CastStyle { C, Static, Reinterpret, Const, Functional, Implicit };

struct Cast : Expr {
  static constexpr ExprKind Kind = ExprKind::Cast;
  CastStyle style = CastStyle::C;
  ExprPtr operand;  // target type is Expr::type
  Cast() : Expr(Kind) {}
};

struct Select : Expr {
  static constexpr ExprKind Kind = ExprKind::Select;
  ExprPtr cond, thenValue, elseValue;
  Select() : Expr(Kind) {}
};

// The dialect-neutral meaning of threadIdx.x, blockIdx.y, blockDim.z, gridDim.x, warpSize, and of
// BANG's taskId, taskIdX, taskDim, clusterId, coreId, clusterDim, coreDim.
enum class ParallelAxis {
  ThreadIdx, BlockIdx, BlockDim, GridDim, WarpSize,
  TaskId, TaskIdX, TaskIdY, TaskIdZ, TaskDim, TaskDimX, TaskDimY, TaskDimZ,
  ClusterId, ClusterDim, CoreId, CoreDim,
};

struct ParallelIndex : Expr {
  static constexpr ExprKind Kind = ExprKind::ParallelIndex;
  ParallelAxis axis = ParallelAxis::ThreadIdx;
  int dim = 0;  // 0,1,2 = x,y,z for the SIMT axes; 0 for scalar axes
  ParallelIndex() : Expr(Kind) {}
};

// sizeof(T) or sizeof(expr); alignof is not modelled.
struct SizeOf : Expr {
  static constexpr ExprKind Kind = ExprKind::SizeOf;
  TypePtr operandType;  // sizeof(T)
  ExprPtr operand;      // sizeof expr (when operandType is null)
  SizeOf() : Expr(Kind) {}
};

// Braced initializer `{a, b, c}`; nested for multi-dimensional arrays.
struct InitList : Expr {
  static constexpr ExprKind Kind = ExprKind::InitList;
  std::vector<ExprPtr> elements;
  InitList() : Expr(Kind) {}
};

// An expression the model does not understand yet, carried as its exact source text.
struct VerbatimExpr : Expr {
  static constexpr ExprKind Kind = ExprKind::Verbatim;
  std::string text;
  std::string reason;  // why it was not modelled ("lambda expression", ...)
  VerbatimExpr() : Expr(Kind) {}
};

const char *unaryOpSpelling(UnaryOp op);
const char *binaryOpSpelling(BinaryOp op);
const char *callKindName(CallKind k);
const char *parallelAxisName(ParallelAxis a);

}  // namespace xpile::ast
