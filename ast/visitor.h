// Traversal of the shared AST. IRVisitor walks every node (override the overloads you care about
// and call the base to keep descending); IRMutator rebuilds a tree, copying only the nodes whose
// children changed, which is how passes are written (as in Halide's IRMutator).
#pragma once

#include "ast/module.h"

namespace xpile::ast {

// X-macros listing every node type once, so visitors and mutators stay in step with the model.
#define XPILE_EXPR_NODES(X) \
  X(IntLit) X(FloatLit) X(BoolLit) X(StringLit) X(Var) X(Unary) X(Binary) X(AssignExpr) X(Load) \
  X(Member) X(Call) X(Cast) X(Select) X(ParallelIndex) X(SizeOf) X(InitList) X(VerbatimExpr)
#define XPILE_STMT_NODES(X) \
  X(Seq) X(Decl) X(Alloc) X(AssignStmt) X(Eval) X(If) X(Switch) X(For) X(Loop) X(Break) X(Continue) \
  X(Return) X(Sync) X(Copy) X(Launch) X(HostAlloc) X(HostFree) X(HostCopy) X(HostSync) X(VerbatimStmt)

class IRVisitor {
public:
  virtual ~IRVisitor() = default;
  void visit(const ExprPtr &e);
  void visit(const StmtPtr &s);
  void visit(const Function &f);
  void visit(const Module &m);

protected:
#define XPILE_DECLARE_VISIT(N) virtual void visit##N(const N &node);
  XPILE_EXPR_NODES(XPILE_DECLARE_VISIT)
  XPILE_STMT_NODES(XPILE_DECLARE_VISIT)
#undef XPILE_DECLARE_VISIT
  void visitConfig(const LaunchConfig &c);
};

class IRMutator {
public:
  virtual ~IRMutator() = default;
  ExprPtr mutate(const ExprPtr &e);
  StmtPtr mutate(const StmtPtr &s);
  Function mutate(const Function &f);
  Module mutate(const Module &m);

protected:
  // Each overload receives the node and the pointer that owns it; returning `self` unchanged
  // means "no change" and keeps sharing.
#define XPILE_DECLARE_MUTATE(N) virtual ExprPtr visit##N(const N &node, const ExprPtr &self);
  XPILE_EXPR_NODES(XPILE_DECLARE_MUTATE)
#undef XPILE_DECLARE_MUTATE
#define XPILE_DECLARE_MUTATE(N) virtual StmtPtr visit##N(const N &node, const StmtPtr &self);
  XPILE_STMT_NODES(XPILE_DECLARE_MUTATE)
#undef XPILE_DECLARE_MUTATE
  std::vector<ExprPtr> mutateAll(const std::vector<ExprPtr> &v, bool &changed);
  std::vector<StmtPtr> mutateAll(const std::vector<StmtPtr> &v, bool &changed);
  LaunchConfig mutateConfig(const LaunchConfig &c, bool &changed);
};

}  // namespace xpile::ast
