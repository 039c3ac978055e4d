#include "ast/visitor.h"

namespace xpile::ast {

// ---------------------------------------------------------------------------------------------
// IRVisitor

void IRVisitor::visit(const ExprPtr &e) {
  if (!e) return;
  switch (e->kind) {
#define XPILE_DISPATCH(N) \
  case N::Kind: return visit##N(static_cast<const N &>(*e));
    XPILE_EXPR_NODES(XPILE_DISPATCH)
#undef XPILE_DISPATCH
  }
}

void IRVisitor::visit(const StmtPtr &s) {
  if (!s) return;
  switch (s->kind) {
#define XPILE_DISPATCH(N) \
  case N::Kind: return visit##N(static_cast<const N &>(*s));
    XPILE_STMT_NODES(XPILE_DISPATCH)
#undef XPILE_DISPATCH
  }
}

void IRVisitor::visit(const Function &f) { visit(f.body); }

void IRVisitor::visit(const Module &m) {
  for (const auto &item : m.items) {
    if (auto *f = std::get_if<Function>(&item)) visit(*f);
    else if (auto *g = std::get_if<GlobalVar>(&item)) visit(g->init);
  }
}

void IRVisitor::visitIntLit(const IntLit &) {}
void IRVisitor::visitFloatLit(const FloatLit &) {}
void IRVisitor::visitBoolLit(const BoolLit &) {}
void IRVisitor::visitStringLit(const StringLit &) {}
void IRVisitor::visitVar(const Var &) {}
void IRVisitor::visitUnary(const Unary &n) { visit(n.operand); }
void IRVisitor::visitBinary(const Binary &n) { visit(n.lhs); visit(n.rhs); }
void IRVisitor::visitAssignExpr(const AssignExpr &n) { visit(n.target); visit(n.value); }
void IRVisitor::visitLoad(const Load &n) { visit(n.base); visit(n.index); }
void IRVisitor::visitMember(const Member &n) { visit(n.base); }
void IRVisitor::visitCall(const Call &n) {
  visit(n.receiver);
  for (auto &a : n.args) visit(a);
}
void IRVisitor::visitCast(const Cast &n) { visit(n.operand); }
void IRVisitor::visitSelect(const Select &n) { visit(n.cond); visit(n.thenValue); visit(n.elseValue); }
void IRVisitor::visitParallelIndex(const ParallelIndex &) {}
void IRVisitor::visitSizeOf(const SizeOf &n) { visit(n.operand); }
void IRVisitor::visitInitList(const InitList &n) { for (auto &e : n.elements) visit(e); }
void IRVisitor::visitVerbatimExpr(const VerbatimExpr &) {}

void IRVisitor::visitSeq(const Seq &n) { for (auto &s : n.body) visit(s); }
void IRVisitor::visitDecl(const Decl &n) { visit(n.init); }
void IRVisitor::visitAlloc(const Alloc &n) { visit(n.init); }
void IRVisitor::visitAssignStmt(const AssignStmt &n) { visit(n.target); visit(n.value); }
void IRVisitor::visitEval(const Eval &n) { visit(n.value); }
void IRVisitor::visitIf(const If &n) { visit(n.cond); visit(n.thenBody); visit(n.elseBody); }
void IRVisitor::visitSwitch(const Switch &n) {
  visit(n.value);
  for (auto &c : n.cases) {
    visit(c.label);
    for (auto &s : c.body) visit(s);
  }
}
void IRVisitor::visitFor(const For &n) { visit(n.start); visit(n.end); visit(n.step); visit(n.body); }
void IRVisitor::visitLoop(const Loop &n) { visit(n.init); visit(n.cond); visit(n.update); visit(n.body); }
void IRVisitor::visitBreak(const Break &) {}
void IRVisitor::visitContinue(const Continue &) {}
void IRVisitor::visitReturn(const Return &n) { visit(n.value); }
void IRVisitor::visitSync(const Sync &n) { for (auto &a : n.args) visit(a); }
void IRVisitor::visitCopy(const Copy &n) {
  for (auto *e : {&n.dst, &n.src, &n.bytes, &n.dstStride, &n.srcStride, &n.segnum}) visit(*e);
  for (auto &e : n.extraArgs) visit(e);
}
void IRVisitor::visitConfig(const LaunchConfig &c) {
  for (auto *e : {&c.grid, &c.block, &c.sharedBytes, &c.stream, &c.taskDim, &c.taskType, &c.queue}) visit(*e);
}
void IRVisitor::visitLaunch(const Launch &n) {
  visitConfig(n.config);
  for (auto &a : n.args) visit(a);
}
void IRVisitor::visitHostAlloc(const HostAlloc &n) { visit(n.pointer); visit(n.bytes); }
void IRVisitor::visitHostFree(const HostFree &n) { visit(n.pointer); }
void IRVisitor::visitHostCopy(const HostCopy &n) { visit(n.dst); visit(n.src); visit(n.bytes); visit(n.stream); }
void IRVisitor::visitHostSync(const HostSync &n) { visit(n.stream); }
void IRVisitor::visitVerbatimStmt(const VerbatimStmt &) {}

// ---------------------------------------------------------------------------------------------
// IRMutator

ExprPtr IRMutator::mutate(const ExprPtr &e) {
  if (!e) return e;
  switch (e->kind) {
#define XPILE_DISPATCH(N) \
  case N::Kind: return visit##N(static_cast<const N &>(*e), e);
    XPILE_EXPR_NODES(XPILE_DISPATCH)
#undef XPILE_DISPATCH
  }
  return e;
}

StmtPtr IRMutator::mutate(const StmtPtr &s) {
  if (!s) return s;
  switch (s->kind) {
#define XPILE_DISPATCH(N) \
  case N::Kind: return visit##N(static_cast<const N &>(*s), s);
    XPILE_STMT_NODES(XPILE_DISPATCH)
#undef XPILE_DISPATCH
  }
  return s;
}

Function IRMutator::mutate(const Function &f) {
  Function out = f;
  out.body = mutate(f.body);
  return out;
}

Module IRMutator::mutate(const Module &m) {
  Module out = m;
  for (auto &item : out.items) {
    if (auto *f = std::get_if<Function>(&item)) *f = mutate(*f);
    else if (auto *g = std::get_if<GlobalVar>(&item)) g->init = mutate(g->init);
  }
  return out;
}

std::vector<ExprPtr> IRMutator::mutateAll(const std::vector<ExprPtr> &v, bool &changed) {
  std::vector<ExprPtr> out;
  out.reserve(v.size());
  for (auto &e : v) {
    out.push_back(mutate(e));
    changed |= out.back() != e;
  }
  return out;
}

std::vector<StmtPtr> IRMutator::mutateAll(const std::vector<StmtPtr> &v, bool &changed) {
  std::vector<StmtPtr> out;
  out.reserve(v.size());
  for (auto &s : v) {
    out.push_back(mutate(s));
    changed |= out.back() != s;
  }
  return out;
}

LaunchConfig IRMutator::mutateConfig(const LaunchConfig &c, bool &changed) {
  LaunchConfig out = c;
  for (ExprPtr *e : {&out.grid, &out.block, &out.sharedBytes, &out.stream, &out.taskDim, &out.taskType, &out.queue}) {
    ExprPtr m = mutate(*e);
    changed |= m != *e;
    *e = m;
  }
  return out;
}

namespace {
// Rebuilds `node` with the fields set by `update` when any child changed; otherwise keeps `self`.
template <typename N, typename Ptr, typename F> Ptr rebuild(const N &node, const Ptr &self, F update) {
  auto copy = std::make_shared<N>(node);
  bool changed = update(*copy);
  return changed ? Ptr(std::move(copy)) : self;
}
}  // namespace

#define XPILE_LEAF(N) \
  ExprPtr IRMutator::visit##N(const N &, const ExprPtr &self) { return self; }
XPILE_LEAF(IntLit)
XPILE_LEAF(FloatLit)
XPILE_LEAF(BoolLit)
XPILE_LEAF(StringLit)
XPILE_LEAF(Var)
XPILE_LEAF(ParallelIndex)
XPILE_LEAF(VerbatimExpr)
#undef XPILE_LEAF

// Mutates one child field in place and reports whether it changed.
#define XPILE_CHILD(field) \
  [&]() -> int { auto m_ = mutate(n.field); int c_ = m_ != n.field; n.field = m_; return c_; }()

ExprPtr IRMutator::visitUnary(const Unary &node, const ExprPtr &self) {
  return rebuild(node, self, [&](Unary &n) { return XPILE_CHILD(operand); });
}
ExprPtr IRMutator::visitBinary(const Binary &node, const ExprPtr &self) {
  return rebuild(node, self, [&](Binary &n) { return XPILE_CHILD(lhs) | XPILE_CHILD(rhs); });
}
ExprPtr IRMutator::visitAssignExpr(const AssignExpr &node, const ExprPtr &self) {
  return rebuild(node, self, [&](AssignExpr &n) { return XPILE_CHILD(target) | XPILE_CHILD(value); });
}
ExprPtr IRMutator::visitLoad(const Load &node, const ExprPtr &self) {
  return rebuild(node, self, [&](Load &n) { return XPILE_CHILD(base) | XPILE_CHILD(index); });
}
ExprPtr IRMutator::visitMember(const Member &node, const ExprPtr &self) {
  return rebuild(node, self, [&](Member &n) { return XPILE_CHILD(base); });
}
ExprPtr IRMutator::visitCall(const Call &node, const ExprPtr &self) {
  return rebuild(node, self, [&](Call &n) {
    bool changed = XPILE_CHILD(receiver);
    n.args = mutateAll(n.args, changed);
    return changed;
  });
}
ExprPtr IRMutator::visitCast(const Cast &node, const ExprPtr &self) {
  return rebuild(node, self, [&](Cast &n) { return XPILE_CHILD(operand); });
}
ExprPtr IRMutator::visitSelect(const Select &node, const ExprPtr &self) {
  return rebuild(node, self,
                 [&](Select &n) { return XPILE_CHILD(cond) | XPILE_CHILD(thenValue) | XPILE_CHILD(elseValue); });
}
ExprPtr IRMutator::visitSizeOf(const SizeOf &node, const ExprPtr &self) {
  return rebuild(node, self, [&](SizeOf &n) { return XPILE_CHILD(operand); });
}
ExprPtr IRMutator::visitInitList(const InitList &node, const ExprPtr &self) {
  return rebuild(node, self, [&](InitList &n) {
    bool changed = false;
    n.elements = mutateAll(n.elements, changed);
    return changed;
  });
}

StmtPtr IRMutator::visitSeq(const Seq &node, const StmtPtr &self) {
  return rebuild(node, self, [&](Seq &n) {
    bool changed = false;
    n.body = mutateAll(n.body, changed);
    return changed;
  });
}
StmtPtr IRMutator::visitDecl(const Decl &node, const StmtPtr &self) {
  return rebuild(node, self, [&](Decl &n) { return XPILE_CHILD(init); });
}
StmtPtr IRMutator::visitAlloc(const Alloc &node, const StmtPtr &self) {
  return rebuild(node, self, [&](Alloc &n) { return XPILE_CHILD(init); });
}
StmtPtr IRMutator::visitAssignStmt(const AssignStmt &node, const StmtPtr &self) {
  return rebuild(node, self, [&](AssignStmt &n) { return XPILE_CHILD(target) | XPILE_CHILD(value); });
}
StmtPtr IRMutator::visitEval(const Eval &node, const StmtPtr &self) {
  return rebuild(node, self, [&](Eval &n) { return XPILE_CHILD(value); });
}
StmtPtr IRMutator::visitIf(const If &node, const StmtPtr &self) {
  return rebuild(node, self, [&](If &n) { return XPILE_CHILD(cond) | XPILE_CHILD(thenBody) | XPILE_CHILD(elseBody); });
}
StmtPtr IRMutator::visitSwitch(const Switch &node, const StmtPtr &self) {
  return rebuild(node, self, [&](Switch &n) {
    bool changed = XPILE_CHILD(value);
    for (auto &c : n.cases) {
      ExprPtr label = mutate(c.label);
      changed |= label != c.label;
      c.label = label;
      c.body = mutateAll(c.body, changed);
    }
    return changed;
  });
}
StmtPtr IRMutator::visitFor(const For &node, const StmtPtr &self) {
  return rebuild(node, self, [&](For &n) {
    return XPILE_CHILD(start) | XPILE_CHILD(end) | XPILE_CHILD(step) | XPILE_CHILD(body);
  });
}
StmtPtr IRMutator::visitLoop(const Loop &node, const StmtPtr &self) {
  return rebuild(node, self, [&](Loop &n) {
    return XPILE_CHILD(init) | XPILE_CHILD(cond) | XPILE_CHILD(update) | XPILE_CHILD(body);
  });
}
StmtPtr IRMutator::visitBreak(const Break &, const StmtPtr &self) { return self; }
StmtPtr IRMutator::visitContinue(const Continue &, const StmtPtr &self) { return self; }
StmtPtr IRMutator::visitReturn(const Return &node, const StmtPtr &self) {
  return rebuild(node, self, [&](Return &n) { return XPILE_CHILD(value); });
}
StmtPtr IRMutator::visitSync(const Sync &node, const StmtPtr &self) {
  return rebuild(node, self, [&](Sync &n) {
    bool changed = false;
    n.args = mutateAll(n.args, changed);
    return changed;
  });
}
StmtPtr IRMutator::visitCopy(const Copy &node, const StmtPtr &self) {
  return rebuild(node, self, [&](Copy &n) {
    bool changed = XPILE_CHILD(dst) | XPILE_CHILD(src) | XPILE_CHILD(bytes) | XPILE_CHILD(dstStride) |
                   XPILE_CHILD(srcStride) | XPILE_CHILD(segnum);
    n.extraArgs = mutateAll(n.extraArgs, changed);
    return changed;
  });
}
StmtPtr IRMutator::visitLaunch(const Launch &node, const StmtPtr &self) {
  return rebuild(node, self, [&](Launch &n) {
    bool changed = false;
    n.config = mutateConfig(n.config, changed);
    n.args = mutateAll(n.args, changed);
    return changed;
  });
}
StmtPtr IRMutator::visitHostAlloc(const HostAlloc &node, const StmtPtr &self) {
  return rebuild(node, self, [&](HostAlloc &n) { return XPILE_CHILD(pointer) | XPILE_CHILD(bytes); });
}
StmtPtr IRMutator::visitHostFree(const HostFree &node, const StmtPtr &self) {
  return rebuild(node, self, [&](HostFree &n) { return XPILE_CHILD(pointer); });
}
StmtPtr IRMutator::visitHostCopy(const HostCopy &node, const StmtPtr &self) {
  return rebuild(node, self, [&](HostCopy &n) {
    return XPILE_CHILD(dst) | XPILE_CHILD(src) | XPILE_CHILD(bytes) | XPILE_CHILD(stream);
  });
}
StmtPtr IRMutator::visitHostSync(const HostSync &node, const StmtPtr &self) {
  return rebuild(node, self, [&](HostSync &n) { return XPILE_CHILD(stream); });
}
StmtPtr IRMutator::visitVerbatimStmt(const VerbatimStmt &, const StmtPtr &self) { return self; }

#undef XPILE_CHILD

}  // namespace xpile::ast
