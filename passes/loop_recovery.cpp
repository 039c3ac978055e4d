// Loop recovery (see loop_recovery.h for the contract). The kernel is rewritten in steps, each on
// the AST: inline helpers that contain collectives, lower atomics, make local names unique, replace
// thread/block indices by loop variables, find the uniform values, then build the phase structure
// (the Builder) and finally move locals live across phases into per-thread arrays.
#include "passes/loop_recovery.h"

#include "ast/visitor.h"
#include "passes/matrix_core_recovery.h"

#include <cmath>
#include <functional>
#include <map>
#include <set>

namespace xpile::passes {
namespace {

using namespace ast;

// ---- node builders ---------------------------------------------------------------------------

template <class T> std::shared_ptr<T> mk(const SourceLoc &loc = {}) {
  auto n = std::make_shared<T>();
  n->loc = loc;
  return n;
}

TypePtr scalarT(ScalarType s) { return Type::scalarOf(s); }
TypePtr tBool() { return scalarT(ScalarType::Bool); }
TypePtr tU32() { return scalarT(ScalarType::U32); }
TypePtr tI32() { return scalarT(ScalarType::I32); }
TypePtr tSize() {
  auto t = std::make_shared<Type>(*scalarT(ScalarType::U64));
  t->name = "size_t";
  return t;
}
TypePtr constOf(const TypePtr &t, bool c) {
  if (!t || t->isConst == c) return t;
  auto n = std::make_shared<Type>(*t);
  n->isConst = c;
  return n;
}

ExprPtr var(const std::string &name, TypePtr t) {
  auto v = mk<Var>();
  v->name = name;
  v->type = std::move(t);
  return v;
}
ExprPtr lit(int64_t v, TypePtr t = tI32(), const SourceLoc &loc = {}) {
  auto l = mk<IntLit>(loc);
  l->value = v;
  l->type = std::move(t);
  return l;
}
ExprPtr boolLit(bool b) {
  auto l = mk<BoolLit>();
  l->value = b;
  l->type = tBool();
  return l;
}
bool isCompare(BinaryOp op) {
  return op == BinaryOp::LT || op == BinaryOp::LE || op == BinaryOp::GT || op == BinaryOp::GE ||
         op == BinaryOp::EQ || op == BinaryOp::NE || op == BinaryOp::LAnd || op == BinaryOp::LOr;
}
ExprPtr bin(BinaryOp op, ExprPtr a, ExprPtr b, TypePtr t = nullptr) {
  auto n = mk<Binary>();
  n->op = op;
  n->type = t ? t : isCompare(op) ? tBool() : a->type;
  n->lhs = std::move(a);
  n->rhs = std::move(b);
  return n;
}
ExprPtr notE(ExprPtr a) {
  auto n = mk<Unary>();
  n->op = UnaryOp::Not;
  n->operand = std::move(a);
  n->type = tBool();
  return n;
}
ExprPtr load(ExprPtr base, ExprPtr index, TypePtr t) {
  auto n = mk<Load>();
  n->base = std::move(base);
  n->index = std::move(index);
  n->type = std::move(t);
  return n;
}
ExprPtr select(ExprPtr c, ExprPtr a, ExprPtr b) {
  auto n = mk<Select>();
  n->type = a->type;
  n->cond = std::move(c);
  n->thenValue = std::move(a);
  n->elseValue = std::move(b);
  return n;
}
ExprPtr castTo(TypePtr t, ExprPtr e) {
  auto n = mk<Cast>();
  n->style = CastStyle::C;
  n->type = std::move(t);
  n->operand = std::move(e);
  return n;
}
ExprPtr member(ExprPtr base, const std::string &f, TypePtr t) {
  auto n = mk<Member>();
  n->base = std::move(base);
  n->field = f;
  n->type = std::move(t);
  return n;
}
ExprPtr call(const std::string &callee, std::vector<ExprPtr> args, TypePtr t, CallKind k = CallKind::Builtin) {
  auto n = mk<Call>();
  n->callee = callee;
  n->args = std::move(args);
  n->type = std::move(t);
  n->callKind = k;
  return n;
}
StmtPtr assign(ExprPtr target, ExprPtr value, std::optional<BinaryOp> op = std::nullopt, const SourceLoc &loc = {}) {
  auto n = mk<AssignStmt>(loc);
  n->target = std::move(target);
  n->value = std::move(value);
  n->op = op;
  return n;
}
StmtPtr declare(const std::string &name, TypePtr t, ExprPtr init, const SourceLoc &loc = {}) {
  auto n = mk<Decl>(loc);
  n->name = name;
  n->type = std::move(t);
  n->init = std::move(init);
  return n;
}
StmtPtr seq(std::vector<StmtPtr> body, bool scoped = true, const SourceLoc &loc = {}) {
  auto n = mk<Seq>(loc);
  n->body = std::move(body);
  n->scoped = scoped;
  return n;
}
StmtPtr ifStmt(ExprPtr c, StmtPtr then, StmtPtr els = nullptr, const SourceLoc &loc = {}) {
  auto n = mk<If>(loc);
  n->cond = std::move(c);
  n->thenBody = std::move(then);
  n->elseBody = std::move(els);
  return n;
}
StmtPtr evalStmt(ExprPtr e, const SourceLoc &loc = {}) {
  auto n = mk<Eval>(loc);
  n->value = std::move(e);
  return n;
}
// for (unsigned v = 0; v < end; ++v) body
std::shared_ptr<For> countedFor(const std::string &v, ExprPtr end, StmtPtr body, bool independent) {
  auto f = mk<For>();
  f->var = v;
  f->varType = tU32();
  f->start = lit(0, tU32());
  f->end = std::move(end);
  f->step = lit(1, tU32());
  f->body = std::move(body);
  f->independent = independent;
  return f;
}
ExprPtr zeroOf(const TypePtr &t) {
  if (t && t->kind == Type::Kind::Scalar) {
    if (t->scalar == ScalarType::F32 || t->scalar == ScalarType::F64) {
      auto f = mk<FloatLit>();
      f->value = 0;
      f->type = scalarT(t->scalar);
      return f;
    }
    if (t->isInteger() || t->scalar == ScalarType::Bool || t->scalar == ScalarType::Char)
      return lit(0, constOf(t, false));
  }
  return castTo(constOf(t, false), lit(0));
}
ExprPtr conj(const std::vector<ExprPtr> &terms) {
  ExprPtr r;
  for (auto &t : terms) r = r ? bin(BinaryOp::LAnd, r, t) : t;
  return r;
}
bool startsWith(const std::string &s, const std::string &p) { return s.compare(0, p.size(), p) == 0; }
bool endsWith(const std::string &s, const std::string &p) {
  return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

// ---- small analyses ----------------------------------------------------------------------------

// Calls a predicate on every expression and statement of a tree.
struct Finder : IRVisitor {
  std::function<void(const Expr &)> onExpr;
  std::function<void(const Stmt &)> onStmt;
  using IRVisitor::visit;
  void visitAll(const StmtPtr &s) { visit(s); }

protected:
#define XPILE_FINDER_EXPR(N) \
  void visit##N(const N &n) override { if (onExpr) onExpr(n); IRVisitor::visit##N(n); }
  XPILE_EXPR_NODES(XPILE_FINDER_EXPR)
#undef XPILE_FINDER_EXPR
#define XPILE_FINDER_STMT(N) \
  void visit##N(const N &n) override { if (onStmt) onStmt(n); IRVisitor::visit##N(n); }
  XPILE_STMT_NODES(XPILE_FINDER_STMT)
#undef XPILE_FINDER_STMT
};

void walk(const StmtPtr &s, std::function<void(const Expr &)> onExpr, std::function<void(const Stmt &)> onStmt = {}) {
  Finder f;
  f.onExpr = std::move(onExpr);
  f.onStmt = std::move(onStmt);
  f.visitAll(s);
}
void walkExpr(const ExprPtr &e, std::function<void(const Expr &)> onExpr) {
  Finder f;
  f.onExpr = std::move(onExpr);
  f.visit(e);
}

// Warp collectives: shuffles and votes, and the matrix-core operations whose lanes exchange data
// (wmma mma_sync, mfma builtins); wmma fill/load/store touch only the calling lane's elements.
bool isMatrixCollective(const Call &c) {
  return matrix_recovery::wmmaOp(c.callee) == matrix_recovery::WmmaOp::Mma || matrix_recovery::isMfmaName(c.callee);
}
bool isCollective(const Expr &e) {
  auto *c = e.as<Call>();
  return c && (c->callKind == CallKind::Warp || isMatrixCollective(*c));
}
bool isBarrier(const Stmt &s) {
  auto *y = s.as<Sync>();
  return y && (y->scope == SyncScope::Block || y->scope == SyncScope::Warp);
}
// A statement that splits the thread loop: a barrier or a warp collective somewhere inside.
bool hasBoundary(const StmtPtr &s) {
  bool found = false;
  walk(s, [&](const Expr &e) { found = found || isCollective(e); },
       [&](const Stmt &st) { found = found || isBarrier(st); });
  return found;
}
bool exprHasCollective(const ExprPtr &e) {
  bool found = false;
  walkExpr(e, [&](const Expr &x) { found = found || isCollective(x); });
  return found;
}
bool hasReturn(const StmtPtr &s) {
  bool found = false;
  walk(s, {}, [&](const Stmt &st) { found = found || st.kind == StmtKind::Return; });
  return found;
}
// break statements that leave `body`'s own loop (not nested in an inner loop or switch).
bool hasOwnBreak(const StmtPtr &s, int depth = 0) {
  if (!s) return false;
  switch (s->kind) {
  case StmtKind::Break: return depth == 0;
  case StmtKind::Seq:
    for (auto &c : s->as<Seq>()->body)
      if (hasOwnBreak(c, depth)) return true;
    return false;
  case StmtKind::If: return hasOwnBreak(s->as<If>()->thenBody, depth) || hasOwnBreak(s->as<If>()->elseBody, depth);
  default: return false;  // loops and switches capture their own breaks
  }
}
std::set<std::string> varNames(const StmtPtr &s) {
  std::set<std::string> r;
  walk(s, [&](const Expr &e) {
    if (auto *v = e.as<Var>()) r.insert(v->name);
  });
  return r;
}
// The expressions a leaf statement evaluates itself (not those of nested statements).
std::vector<ExprPtr> ownExprs(const Stmt &s) {
  switch (s.kind) {
  case StmtKind::Decl: return {s.as<Decl>()->init};
  case StmtKind::Assign: return {s.as<AssignStmt>()->target, s.as<AssignStmt>()->value};
  case StmtKind::Eval: return {s.as<Eval>()->value};
  case StmtKind::If: return {s.as<If>()->cond};
  case StmtKind::Return: return {s.as<Return>()->value};
  case StmtKind::Switch: return {s.as<Switch>()->value};
  default: return {};
  }
}

// Replaces the first call (in evaluation order) satisfying `pred` by `replace(call)`. A call that
// is evaluated only conditionally (right of && / ||, a branch of ?:) is reported, not replaced.
class CallExtractor : public IRMutator {
public:
  std::function<bool(const Call &)> pred;
  std::function<ExprPtr(const std::shared_ptr<const Call> &)> replace;
  std::shared_ptr<const Call> found;
  const Call *conditional = nullptr;
  using IRMutator::mutate;

protected:
  int cond_ = 0;
  ExprPtr visitCall(const Call &node, const ExprPtr &self) override {
    ExprPtr r = IRMutator::visitCall(node, self);
    if (found || conditional) return r;
    auto c = std::static_pointer_cast<const Call>(r);
    if (!pred(*c)) return r;
    if (cond_) {
      conditional = &node;
      return r;
    }
    found = c;
    return replace(c);
  }
  ExprPtr visitBinary(const Binary &node, const ExprPtr &self) override {
    if (node.op != BinaryOp::LAnd && node.op != BinaryOp::LOr) return IRMutator::visitBinary(node, self);
    auto n = std::make_shared<Binary>(node);
    n->lhs = mutate(node.lhs);
    ++cond_;
    n->rhs = mutate(node.rhs);
    --cond_;
    if (n->lhs == node.lhs && n->rhs == node.rhs) return self;
    return n;
  }
  ExprPtr visitSelect(const Select &node, const ExprPtr &self) override {
    auto n = std::make_shared<Select>(node);
    n->cond = mutate(node.cond);
    ++cond_;
    n->thenValue = mutate(node.thenValue);
    n->elseValue = mutate(node.elseValue);
    --cond_;
    if (n->cond == node.cond && n->thenValue == node.thenValue && n->elseValue == node.elseValue) return self;
    return n;
  }
};

// Rewrites the own expressions of a leaf statement with `fn`.
StmtPtr mapOwnExprs(const StmtPtr &s, const std::function<ExprPtr(const ExprPtr &)> &fn) {
  switch (s->kind) {
  case StmtKind::Decl: {
    auto n = std::make_shared<Decl>(*s->as<Decl>());
    n->init = fn(n->init);
    return n;
  }
  case StmtKind::Assign: {
    auto n = std::make_shared<AssignStmt>(*s->as<AssignStmt>());
    n->target = fn(n->target);
    n->value = fn(n->value);
    return n;
  }
  case StmtKind::Eval: {
    auto n = std::make_shared<Eval>(*s->as<Eval>());
    n->value = fn(n->value);
    return n;
  }
  case StmtKind::If: {
    auto n = std::make_shared<If>(*s->as<If>());
    n->cond = fn(n->cond);
    return n;
  }
  case StmtKind::Return: {
    auto n = std::make_shared<Return>(*s->as<Return>());
    n->value = fn(n->value);
    return n;
  }
  case StmtKind::Switch: {
    auto n = std::make_shared<Switch>(*s->as<Switch>());
    n->value = fn(n->value);
    return n;
  }
  default: return s;
  }
}

// Renames variables (Var references and the declarations of Decl, Alloc and For) by a map, and
// substitutes whole expressions for some names (reference parameters of inlined functions).
class Renamer : public IRMutator {
public:
  std::map<std::string, std::string> names;
  std::map<std::string, ExprPtr> exprs;
  using IRMutator::mutate;

protected:
  ExprPtr visitVar(const Var &node, const ExprPtr &self) override {
    if (auto it = exprs.find(node.name); it != exprs.end()) return it->second;
    auto it = names.find(node.name);
    if (it == names.end()) return self;
    auto n = std::make_shared<Var>(node);
    n->name = it->second;
    return n;
  }
  StmtPtr visitDecl(const Decl &node, const StmtPtr &self) override {
    StmtPtr r = IRMutator::visitDecl(node, self);
    auto it = names.find(node.name);
    if (it == names.end()) return r;
    auto n = std::make_shared<Decl>(*r->as<Decl>());
    n->name = it->second;
    return n;
  }
  StmtPtr visitAlloc(const Alloc &node, const StmtPtr &self) override {
    StmtPtr r = IRMutator::visitAlloc(node, self);
    auto it = names.find(node.name);
    if (it == names.end()) return r;
    auto n = std::make_shared<Alloc>(*r->as<Alloc>());
    n->name = it->second;
    return n;
  }
  StmtPtr visitFor(const For &node, const StmtPtr &self) override {
    StmtPtr r = IRMutator::visitFor(node, self);
    auto it = names.find(node.var);
    if (it == names.end()) return r;
    auto n = std::make_shared<For>(*r->as<For>());
    n->var = it->second;
    return n;
  }
};

// Fresh identifiers that collide with nothing the module or the kernel names.
struct NameGen {
  std::set<std::string> used;
  std::string fresh(const std::string &base) {
    std::string n = base;
    for (int i = 2; used.count(n); ++i) n = base + "_" + std::to_string(i);
    used.insert(n);
    return n;
  }
  void addAll(const StmtPtr &s) {
    walk(s, [&](const Expr &e) {
      if (auto *v = e.as<Var>()) used.insert(v->name);
    }, [&](const Stmt &st) {
      if (auto *d = st.as<Decl>()) used.insert(d->name);
      if (auto *a = st.as<Alloc>()) used.insert(a->name);
      if (auto *f = st.as<For>()) used.insert(f->var);
    });
  }
};

std::set<std::string> declaredNames(const StmtPtr &s) {
  std::set<std::string> r;
  walk(s, {}, [&](const Stmt &st) {
    if (auto *d = st.as<Decl>()) r.insert(d->name);
    if (auto *a = st.as<Alloc>()) r.insert(a->name);
    if (auto *f = st.as<For>()) r.insert(f->var);
  });
  return r;
}

// Makes every local declaration of a kernel unique (scope-aware), so the later steps can reason
// by name: a later declaration that reuses a name gets `name_2`.
class Uniquifier : public IRMutator {
public:
  Uniquifier(NameGen &g, const std::vector<Param> &params) : gen_(g) {
    scopes_.emplace_back();
    for (auto &p : params) declared_.insert(p.name);
  }
  using IRMutator::mutate;

protected:
  NameGen &gen_;
  std::vector<std::map<std::string, std::string>> scopes_;
  std::set<std::string> declared_;

  std::string declareName(const std::string &n) {
    std::string nn = declared_.count(n) ? gen_.fresh(n) : n;
    declared_.insert(nn);
    scopes_.back()[n] = nn;
    return nn;
  }
  ExprPtr visitVar(const Var &node, const ExprPtr &self) override {
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
      auto f = it->find(node.name);
      if (f == it->end()) continue;
      if (f->second == node.name) return self;
      auto n = std::make_shared<Var>(node);
      n->name = f->second;
      return n;
    }
    return self;
  }
  StmtPtr visitSeq(const Seq &node, const StmtPtr &self) override {
    if (node.scoped) scopes_.emplace_back();
    StmtPtr r = IRMutator::visitSeq(node, self);
    if (node.scoped) scopes_.pop_back();
    return r;
  }
  StmtPtr visitDecl(const Decl &node, const StmtPtr &) override {
    auto n = std::make_shared<Decl>(node);
    n->init = mutate(node.init);
    n->name = declareName(node.name);
    return n;
  }
  StmtPtr visitAlloc(const Alloc &node, const StmtPtr &) override {
    auto n = std::make_shared<Alloc>(node);
    n->init = mutate(node.init);
    n->name = declareName(node.name);
    return n;
  }
  StmtPtr visitFor(const For &node, const StmtPtr &) override {
    auto n = std::make_shared<For>(node);
    n->start = mutate(node.start);
    scopes_.emplace_back();
    n->var = declareName(node.var);
    n->end = mutate(node.end);
    n->step = mutate(node.step);
    n->body = mutate(node.body);
    scopes_.pop_back();
    return n;
  }
  StmtPtr visitLoop(const Loop &node, const StmtPtr &self) override {
    scopes_.emplace_back();
    StmtPtr r = IRMutator::visitLoop(node, self);
    scopes_.pop_back();
    return r;
  }
  StmtPtr visitIf(const If &node, const StmtPtr &) override {
    auto n = std::make_shared<If>(node);
    n->cond = mutate(node.cond);
    scopes_.emplace_back();
    n->thenBody = mutate(node.thenBody);
    scopes_.pop_back();
    scopes_.emplace_back();
    n->elseBody = mutate(node.elseBody);
    scopes_.pop_back();
    return n;
  }
  StmtPtr visitSwitch(const Switch &node, const StmtPtr &self) override {
    scopes_.emplace_back();
    StmtPtr r = IRMutator::visitSwitch(node, self);
    scopes_.pop_back();
    return r;
  }
};

// Folds `true ? a : b` (template arguments substituted into helpers, e.g. `kIsMax ? warpMax(v) :
// warpSum(v)`), so a collective in the chosen branch is no longer conditional.
class SelectFolder : public IRMutator {
protected:
  ExprPtr visitSelect(const Select &node, const ExprPtr &self) override {
    ExprPtr r = IRMutator::visitSelect(node, self);
    auto *s = r->as<Select>();
    if (auto *b = s->cond->as<BoolLit>()) return b->value ? s->thenValue : s->elseValue;
    if (auto *i = s->cond->as<IntLit>()) return i->value ? s->thenValue : s->elseValue;
    return r;
  }
};

// threadIdx/blockIdx/blockDim/gridDim/warpSize become the recovered loops' variables.
struct AxisNames {
  std::string thread[3], block[3], blockDim[3], gridDim[3];
  int warpSize = 32;
};
class AxisReplacer : public IRMutator {
public:
  AxisReplacer(const AxisNames &n, PassContext &ctx) : n_(n), ctx_(ctx) {}

protected:
  const AxisNames &n_;
  PassContext &ctx_;
  ExprPtr visitParallelIndex(const ParallelIndex &node, const ExprPtr &self) override {
    int d = node.dim < 0 || node.dim > 2 ? 0 : node.dim;
    switch (node.axis) {
    case ParallelAxis::ThreadIdx: return var(n_.thread[d], tU32());
    case ParallelAxis::BlockIdx: return var(n_.block[d], tU32());
    case ParallelAxis::BlockDim: return var(n_.blockDim[d], tU32());
    case ParallelAxis::GridDim: return var(n_.gridDim[d], tU32());
    case ParallelAxis::WarpSize: return lit(n_.warpSize);
    default:
      ctx_.error(node.loc, std::string("loop recovery: parallel index '") + parallelAxisName(node.axis) +
                               "' is not a CUDA/HIP index");
      return self;
    }
  }
};

// ---- per-kernel recovery -----------------------------------------------------------------------

struct GuardTerm {
  std::string flag;
  bool negate = false;
  bool operator==(const GuardTerm &o) const { return flag == o.flag && negate == o.negate; }
};
using Guard = std::vector<GuardTerm>;

struct Pending {
  Guard guard;
  StmtPtr stmt;
};

struct LoopCtx {
  bool uniform = true;
  std::string active;  // non-uniform loops: per-thread "still iterating"
  std::string skip;    // per-thread "continued in this iteration"
  bool skipSeen = false, skipGuard = false;
};

struct KernelStats {
  int phases = 0, collectives = 0, barriers = 0;
};

class KernelRecovery {
public:
  KernelRecovery(const Module &m, Function &k, NameGen &gen, int warpSize, PassContext &ctx, KernelStats &stats)
      : m_(m), k_(k), gen_(gen), warp_(warpSize), ctx_(ctx), stats_(stats) {}

  bool usesDynamicShared = false;
  bool usesAtomics = false;

  bool run();

private:
  const Module &m_;
  Function &k_;
  NameGen &gen_;
  int warp_;
  PassContext &ctx_;
  KernelStats &stats_;

  AxisNames ax_;
  std::string tid_, threads_, lane_, dynShared_;
  int64_t maxThreads_ = 1024;
  std::set<std::string> uniform_;

  std::vector<StmtPtr> sharedAllocs_;     // static __shared__ arrays, per block
  std::vector<const Alloc *> externShared_;
  std::vector<StmtPtr> blockStorage_;     // per-thread arrays and flags, per block
  std::set<std::string> flags_;           // flag arrays this pass made (for dead-store removal)

  // Builder state.
  std::vector<Pending> cur_;
  bool curHasJump_ = false, curExit_ = false;
  bool exitGuard_ = false;
  std::string exited_;
  Guard guards_;
  std::vector<LoopCtx> loops_;

  // Promotion bookkeeping: the group (guarded block of a thread loop) each local is declared in and
  // the groups that mention it.
  int groupCount_ = 0;
  std::map<std::string, int> declGroup_;
  std::map<std::string, std::set<int>> refGroups_;
  std::map<std::string, TypePtr> declType_;

  // -- helpers
  ExprPtr tidE() const { return var(tid_, tU32()); }
  ExprPtr flagAt(const std::string &f) const { return load(var(f, nullptr), tidE(), tBool()); }
  std::string newFlag(const std::string &base, bool zeroInit = false) {
    std::string n = gen_.fresh(base);
    auto a = mk<Alloc>();
    a->name = n;
    a->type = Type::arrayOf(tBool(), maxThreads_);
    a->space = MemSpace::Local;
    if (zeroInit) a->init = mk<InitList>();
    blockStorage_.push_back(a);
    flags_.insert(n);
    return n;
  }
  std::string exitedFlag() {
    if (exited_.empty()) exited_ = newFlag("exited", true);
    return exited_;
  }
  Guard currentGuard() {
    Guard g;
    if (exitGuard_) g.push_back({exitedFlag(), true});
    for (auto &l : loops_)
      if (l.skipGuard) g.push_back({l.skip, true});
    for (auto &t : guards_) g.push_back(t);
    return g;
  }
  ExprPtr guardExpr(const Guard &g) const {
    std::vector<ExprPtr> terms;
    for (auto &t : g) terms.push_back(t.negate ? notE(flagAt(t.flag)) : flagAt(t.flag));
    return conj(terms);
  }

  bool inlineHelpers(StmtPtr &body);
  bool lowerAtomics(StmtPtr &body);
  // Matrix cores (matrix_core_recovery.h): fragments become per-warp storage, fill/load/store and
  // element access become loops over the lane's elements, mfma operand vectors become arrays.
  std::map<std::string, matrix_recovery::FragmentShape> fragments_;
  matrix_recovery::LaneFrame laneFrame() {
    matrix_recovery::LaneFrame f;
    f.tid = tid_;
    f.lane = lane_;
    f.threads = threads_;
    f.warpSize = warp_;
    f.fresh = [this](const std::string &b) { return gen_.fresh(b); };
    return f;
  }
  std::optional<matrix_recovery::FragmentShape> fragmentOf(const ExprPtr &ref) const;
  bool lowerFragments(StmtPtr &body);
  bool retypeMfmaVectors(StmtPtr &body);
  bool hasMatrixCollective(const StmtPtr &s) const;
  void lowerMatrixCollective(const StmtPtr &s, std::vector<StmtPtr> &out);
  void extractShared(StmtPtr &body);
  void analyzeUniform(const StmtPtr &body);
  bool isUniform(const ExprPtr &e) const;

  void process(const StmtPtr &s, std::vector<StmtPtr> &out);
  void processList(const std::vector<StmtPtr> &l, std::vector<StmtPtr> &out) {
    for (auto &s : l) process(s, out);
  }
  void pushUser(const StmtPtr &s);
  void pushSynth(Guard g, StmtPtr s, std::vector<StmtPtr> &out) {
    if (curHasJump_) flush(out);
    cur_.push_back({std::move(g), std::move(s)});
  }
  void flush(std::vector<StmtPtr> &out);
  StmtPtr lowerCollectives(const StmtPtr &s, std::vector<StmtPtr> &out);
  void processLoop(const StmtPtr &s, std::vector<StmtPtr> &out);
  StmtPtr promote(const StmtPtr &body);
  StmtPtr removeDeadFlags(const StmtPtr &body);
};

// ---- inlining helpers that contain collectives -------------------------------------------------

const Function *findCallee(const Module &m, const Call &c) {
  for (auto &item : m.items) {
    auto *f = std::get_if<Function>(&item);
    if (!f || !f->body || f->name != c.callee || f->params.size() != c.args.size()) continue;
    if (f->kind != FunctionKind::Device && f->kind != FunctionKind::HostDevice) continue;
    if (!c.templateArgs.empty() && (!f->templateInstance || f->templateInstance->arguments != c.templateArgs))
      continue;
    return f;
  }
  return nullptr;
}

// Device functions that must be inlined into kernels: they contain barriers, warp collectives,
// thread indices or shared memory (directly or through calls).
std::set<const Function *> functionsToInline(const Module &m) {
  std::set<const Function *> r;
  for (bool changed = true; changed;) {
    changed = false;
    for (auto &item : m.items) {
      auto *f = std::get_if<Function>(&item);
      if (!f || !f->body || r.count(f)) continue;
      if (f->kind != FunctionKind::Device && f->kind != FunctionKind::HostDevice) continue;
      bool need = false;
      walk(f->body, [&](const Expr &e) {
        if (isCollective(e) || e.kind == ExprKind::ParallelIndex) need = true;
        // fragments are per-warp storage of the kernel
        if (auto *c = e.as<Call>(); c && matrix_recovery::wmmaOp(c->callee) != matrix_recovery::WmmaOp::None) need = true;
        if (auto *v = e.as<Var>(); v && matrix_recovery::fragmentType(v->type)) need = true;
        if (auto *c = e.as<Call>())
          if (auto *g = findCallee(m, *c); g && r.count(g)) need = true;
      }, [&](const Stmt &s) {
        if (isBarrier(s)) need = true;
        if (auto *a = s.as<Alloc>(); a && a->space == MemSpace::Shared) need = true;
      });
      if (need) {
        r.insert(f);
        changed = true;
      }
    }
  }
  return r;
}

class Inliner {
public:
  Inliner(const Module &m, const std::set<const Function *> &fns, NameGen &gen, PassContext &ctx)
      : m_(m), fns_(fns), gen_(gen), ctx_(ctx) {}
  bool ok = true;
  int inlined = 0;

  StmtPtr run(const StmtPtr &s, int depth = 0) {
    if (!s || !ok) return s;
    if (depth > 16) {
      ctx_.error(s->loc, "loop recovery: helper functions nest too deeply to inline (recursion?)");
      ok = false;
      return s;
    }
    switch (s->kind) {
    case StmtKind::Seq: {
      auto n = std::make_shared<Seq>(*s->as<Seq>());
      n->body.clear();
      for (auto &c : s->as<Seq>()->body) {
        auto r = expand(c, depth);
        n->body.insert(n->body.end(), r.begin(), r.end());
      }
      return n;
    }
    case StmtKind::For: {
      auto n = std::make_shared<For>(*s->as<For>());
      for (auto *e : {&n->start, &n->end, &n->step})
        if (hasInlineCall(*e)) fail(s->loc, "in a loop header");
      n->body = run(n->body, depth);
      return n;
    }
    case StmtKind::Loop: {
      auto n = std::make_shared<Loop>(*s->as<Loop>());
      if (hasInlineCall(n->cond) || hasInlineCall(n->update)) fail(s->loc, "in a loop header");
      n->init = run(n->init, depth);
      n->body = run(n->body, depth);
      return n;
    }
    case StmtKind::If: {
      auto n = std::make_shared<If>(*s->as<If>());
      n->thenBody = run(n->thenBody, depth);
      n->elseBody = run(n->elseBody, depth);
      return n;
    }
    case StmtKind::Switch: {
      auto n = std::make_shared<Switch>(*s->as<Switch>());
      for (auto &c : n->cases) {
        std::vector<StmtPtr> body;
        for (auto &st : c.body) {
          auto r = expand(st, depth);
          body.insert(body.end(), r.begin(), r.end());
        }
        c.body = body;
      }
      return n;
    }
    default: {
      auto r = expand(s, depth);
      return r.size() == 1 ? r[0] : seq(r, false, s->loc);
    }
    }
  }

private:
  const Module &m_;
  const std::set<const Function *> &fns_;
  NameGen &gen_;
  PassContext &ctx_;

  const Function *target(const Call &c) const {
    auto *f = findCallee(m_, c);
    return f && fns_.count(f) ? f : nullptr;
  }
  bool hasInlineCall(const ExprPtr &e) const {
    bool found = false;
    walkExpr(e, [&](const Expr &x) {
      if (auto *c = x.as<Call>(); c && target(*c)) found = true;
    });
    return found;
  }
  void fail(const SourceLoc &loc, const std::string &where) {
    ctx_.error(loc, "loop recovery: a call to a helper with barriers or warp collectives " + where +
                        " cannot be inlined");
    ok = false;
  }

  // A leaf statement (its nested statements handled by run) with the helper calls it makes
  // replaced by their inlined bodies.
  std::vector<StmtPtr> expand(const StmtPtr &s0, int depth) {
    std::vector<StmtPtr> before;
    StmtPtr s = s0;
    if (s->kind == StmtKind::Seq || s->kind == StmtKind::For || s->kind == StmtKind::Loop ||
        (s->kind == StmtKind::If && !hasInlineCall(s->as<If>()->cond)) ||
        (s->kind == StmtKind::Switch && !hasInlineCall(s->as<Switch>()->value)))
      return {run(s, depth)};
    for (int guard = 0; ok && guard < 64; ++guard) {
      // Whole-statement forms, printed without a temporary.
      if (auto *e = s->as<Eval>()) {
        if (auto *c = e->value->as<Call>(); c && target(*c)) {
          before.push_back(inlineCall(*c, *target(*c), nullptr, depth));
          return before;
        }
      }
      if (auto *a = s->as<AssignStmt>(); a && !a->op && a->target->kind == ExprKind::Var) {
        if (auto *c = a->value->as<Call>(); c && target(*c)) {
          before.push_back(inlineCall(*c, *target(*c), a->target, depth));
          return before;
        }
      }
      if (auto *d = s->as<Decl>(); d && d->init) {
        if (auto *c = d->init->as<Call>(); c && target(*c) && d->type && d->type->kind != Type::Kind::Reference) {
          before.push_back(declare(d->name, constOf(d->type, false), nullptr, d->loc));
          before.push_back(inlineCall(*c, *target(*c), var(d->name, d->type), depth));
          return before;
        }
      }
      // General form: the call's value through a temporary.
      CallExtractor ex;
      std::string temp;
      ex.pred = [&](const Call &c) { return target(c) != nullptr; };
      ex.replace = [&](const std::shared_ptr<const Call> &c) {
        temp = gen_.fresh(c->callee + "_result");
        return var(temp, target(*c)->returnType);
      };
      StmtPtr rewritten = mapOwnExprs(s, [&](const ExprPtr &e) { return e ? ex.mutate(e) : e; });
      if (ex.conditional) {
        ctx_.error(ex.conditional->loc, "loop recovery: call to '" + ex.conditional->callee +
                                            "' (barriers or warp collectives inside) is evaluated conditionally "
                                            "(&&, ||, ?:); it cannot be split across the thread loop");
        ok = false;
        return {s0};
      }
      if (!ex.found) break;
      const Function &f = *target(*ex.found);
      before.push_back(declare(temp, constOf(f.returnType, false), nullptr, ex.found->loc));
      before.push_back(inlineCall(*ex.found, f, var(temp, f.returnType), depth));
      s = rewritten;
    }
    if (s->kind == StmtKind::If || s->kind == StmtKind::Switch) s = run(s, depth);
    before.push_back(s);
    return before;
  }

  // `{ T p = arg; ...; result = value; }`
  StmtPtr inlineCall(const Call &c, const Function &f, const ExprPtr &result, int depth) {
    ++inlined;
    Renamer ren;
    std::vector<StmtPtr> body;
    for (size_t i = 0; i < f.params.size(); ++i) {
      const Param &p = f.params[i];
      const TypePtr &t = p.type;
      bool ref = t && t->kind == Type::Kind::Reference;
      if (ref && !(t->element && t->element->isConst)) {
        // A reference parameter names the caller's lvalue itself.
        ren.exprs[p.name] = c.args[i];
        continue;
      }
      std::string n = gen_.fresh(p.name);
      ren.names[p.name] = n;
      body.push_back(declare(n, ref ? constOf(t->element, false) : t, c.args[i], c.loc));
    }
    for (auto &n : declaredNames(f.body)) ren.names[n] = gen_.fresh(n);
    StmtPtr fb = SelectFolder().mutate(ren.mutate(f.body));
    std::vector<StmtPtr> stmts;
    if (auto *sq = fb->as<Seq>()) stmts = sq->body;
    else stmts = {fb};
    for (size_t i = 0; i < stmts.size(); ++i) {
      bool last = i + 1 == stmts.size();
      if (auto *r = stmts[i]->as<Return>(); r && last) {
        if (r->value && result) body.push_back(assign(result, r->value, std::nullopt, r->loc));
        else if (r->value) body.push_back(evalStmt(r->value, r->loc));
        continue;
      }
      if (hasReturn(stmts[i])) {
        bool reported = false;
        walk(stmts[i], {}, [&](const Stmt &st) {
          if (st.kind == StmtKind::Return && !reported) {
            ctx_.error(st.loc, "loop recovery: '" + f.name +
                                   "' must be inlined (it has barriers or warp collectives) but returns before its end");
            reported = true;
          }
        });
        ok = false;
      }
      body.push_back(stmts[i]);
    }
    return run(seq(body, true, c.loc), depth + 1);
  }
};

bool KernelRecovery::inlineHelpers(StmtPtr &body) {
  auto fns = functionsToInline(m_);
  if (fns.empty()) return true;
  Inliner in(m_, fns, gen_, ctx_);
  body = in.run(body);
  return in.ok;
}

// ---- atomics -------------------------------------------------------------------------------------

// The location an atomic updates: `*p`, or `x` when p is `&x`.
ExprPtr pointee(const ExprPtr &p) {
  if (auto *u = p->as<Unary>(); u && u->op == UnaryOp::AddrOf) return u->operand;
  auto n = mk<Unary>(p->loc);
  n->op = UnaryOp::Deref;
  n->operand = p;
  n->type = p->type && p->type->element ? p->type->element : nullptr;
  return n;
}

// Sequentially an atomic is a plain read-modify-write. Returns the update statement(s) of `c`
// applied to `loc`; `old` names the value before the update (only needed by Max/Min/CAS forms).
std::optional<std::vector<StmtPtr>> atomicUpdate(const Call &c, const ExprPtr &target, const ExprPtr &old) {
  std::string n = c.callee;
  for (const char *pre : {"unsafeAtomic", "safeAtomic", "__hip_atomic_fetch_"})
    if (startsWith(n, pre)) n = "atomic" + n.substr(std::string(pre).size());
  if (n.size() > 6 && n[6] >= 'a' && n[6] <= 'z') n[6] = static_cast<char>(n[6] - 'a' + 'A');
  // Scoped forms (atomicAdd_block, atomicAdd_system) behave the same sequentially.
  if (auto u = n.find('_'); u != std::string::npos) n = n.substr(0, u);
  const SourceLoc &loc = c.loc;
  if (c.args.size() < 2) return std::nullopt;
  const ExprPtr &v = c.args[1];
  static const std::map<std::string, BinaryOp> compound = {{"atomicAdd", BinaryOp::Add}, {"atomicSub", BinaryOp::Sub},
                                                           {"atomicAnd", BinaryOp::BitAnd}, {"atomicOr", BinaryOp::BitOr},
                                                           {"atomicXor", BinaryOp::BitXor}};
  if (auto it = compound.find(n); it != compound.end()) return std::vector<StmtPtr>{assign(target, v, it->second, loc)};
  if (n == "atomicExch") return std::vector<StmtPtr>{assign(target, v, std::nullopt, loc)};
  if (n == "atomicMax" || n == "atomicMin") {
    auto cmp = bin(n == "atomicMax" ? BinaryOp::LT : BinaryOp::GT, old, v);
    return std::vector<StmtPtr>{ifStmt(cmp, assign(target, v, std::nullopt, loc), nullptr, loc)};
  }
  if (n == "atomicCAS" && c.args.size() == 3)
    return std::vector<StmtPtr>{ifStmt(bin(BinaryOp::EQ, old, v), assign(target, c.args[2], std::nullopt, loc), nullptr, loc)};
  return std::nullopt;
}

class AtomicLowering : public IRMutator {
public:
  AtomicLowering(NameGen &g, PassContext &ctx) : gen_(g), ctx_(ctx) {}
  bool ok = true;
  int lowered = 0;
  using IRMutator::mutate;

protected:
  NameGen &gen_;
  PassContext &ctx_;

  void unsupported(const Call &c) {
    ctx_.error(c.loc, "loop recovery: atomic operation '" + c.callee + "' is not supported");
    ok = false;
  }
  StmtPtr leaf(const StmtPtr &s0) {
    std::vector<StmtPtr> before;
    StmtPtr s = s0;
    for (int guard = 0; ok && guard < 64; ++guard) {
      if (auto *e = s->as<Eval>()) {
        if (auto *c = e->value->as<Call>(); c && c->callKind == CallKind::Atomic) {
          if (c->args.empty()) return unsupported(*c), s0;
          ExprPtr t = pointee(c->args[0]);
          auto u = atomicUpdate(*c, t, t);
          if (!u) return unsupported(*c), s0;
          ++lowered;
          before.insert(before.end(), u->begin(), u->end());
          return seq(before, false, s0->loc);
        }
      }
      CallExtractor ex;
      std::string old;
      ex.pred = [](const Call &c) { return c.callKind == CallKind::Atomic; };
      ex.replace = [&](const std::shared_ptr<const Call> &c) {
        old = gen_.fresh("old");
        return var(old, c->type);
      };
      StmtPtr rewritten = mapOwnExprs(s, [&](const ExprPtr &e) { return e ? ex.mutate(e) : e; });
      if (ex.conditional) {
        ctx_.error(ex.conditional->loc, "loop recovery: atomic '" + ex.conditional->callee +
                                            "' evaluated conditionally (&&, ||, ?:) is not supported");
        ok = false;
        return s0;
      }
      if (!ex.found) break;
      const Call &c = *ex.found;
      if (c.args.empty()) return unsupported(c), s0;
      ExprPtr t = pointee(c.args[0]);
      ExprPtr oldV = var(old, c.type);
      auto u = atomicUpdate(c, t, oldV);
      if (!u) return unsupported(c), s0;
      ++lowered;
      before.push_back(declare(old, constOf(c.type, false), t, c.loc));
      before.insert(before.end(), u->begin(), u->end());
      s = rewritten;
    }
    if (before.empty()) return s;
    before.push_back(s);
    return seq(before, false, s0->loc);
  }
  StmtPtr visitDecl(const Decl &n, const StmtPtr &self) override { return leaf(self); (void)n; }
  StmtPtr visitAssignStmt(const AssignStmt &n, const StmtPtr &self) override { return leaf(self); (void)n; }
  StmtPtr visitEval(const Eval &n, const StmtPtr &self) override { return leaf(self); (void)n; }
  StmtPtr visitReturn(const Return &n, const StmtPtr &self) override { return leaf(self); (void)n; }
  StmtPtr visitIf(const If &n, const StmtPtr &self) override {
    StmtPtr r = IRMutator::visitIf(n, self);
    return leaf(r);
  }
  StmtPtr visitFor(const For &n, const StmtPtr &self) override {
    for (auto *e : {&n.start, &n.end, &n.step})
      walkExpr(*e, [&](const Expr &x) {
        if (auto *c = x.as<Call>(); c && c->callKind == CallKind::Atomic) unsupported(*c);
      });
    return IRMutator::visitFor(n, self);
  }
  StmtPtr visitLoop(const Loop &n, const StmtPtr &self) override {
    for (auto *e : {&n.cond, &n.update})
      walkExpr(*e, [&](const Expr &x) {
        if (auto *c = x.as<Call>(); c && c->callKind == CallKind::Atomic) unsupported(*c);
      });
    return IRMutator::visitLoop(n, self);
  }
};

bool KernelRecovery::lowerAtomics(StmtPtr &body) {
  bool any = false;
  walk(body, [&](const Expr &e) {
    if (auto *c = e.as<Call>(); c && c->callKind == CallKind::Atomic) any = true;
  });
  if (!any) return true;
  usesAtomics = true;
  AtomicLowering al(gen_, ctx_);
  body = al.mutate(body);
  return al.ok;
}

// ---- shared memory -------------------------------------------------------------------------------

class SharedExtractor : public IRMutator {
public:
  std::vector<const Alloc *> shared;
  std::vector<StmtPtr> owners;

protected:
  StmtPtr visitAlloc(const Alloc &node, const StmtPtr &self) override {
    if (node.space != MemSpace::Shared) return self;
    owners.push_back(self);
    shared.push_back(&node);
    return seq({}, false, node.loc);
  }
};

void KernelRecovery::extractShared(StmtPtr &body) {
  SharedExtractor se;
  body = se.mutate(body);
  for (size_t i = 0; i < se.shared.size(); ++i) {
    const Alloc *a = se.shared[i];
    if (a->isExtern) {
      usesDynamicShared = true;
      externShared_.push_back(a);
      sharedAllocs_.push_back(se.owners[i]);  // keeps the node alive
      continue;
    }
    // Static shared memory: one local array per block.
    auto n = std::make_shared<Alloc>(*a);
    n->space = MemSpace::Local;
    n->isStatic = false;
    sharedAllocs_.push_back(n);
  }
}

// ---- uniformity ------------------------------------------------------------------------------------

bool KernelRecovery::isUniform(const ExprPtr &e) const {
  if (!e) return true;
  switch (e->kind) {
  case ExprKind::IntLit:
  case ExprKind::FloatLit:
  case ExprKind::BoolLit:
  case ExprKind::StringLit:
  case ExprKind::SizeOf: return true;
  case ExprKind::Var: {
    auto &n = e->as<Var>()->name;
    if (uniform_.count(n)) return true;
    return false;
  }
  case ExprKind::Unary: {
    auto *u = e->as<Unary>();
    if (u->op == UnaryOp::Deref || u->op == UnaryOp::AddrOf) return false;
    if ((u->op == UnaryOp::PreInc || u->op == UnaryOp::PreDec || u->op == UnaryOp::PostInc ||
         u->op == UnaryOp::PostDec) &&
        u->operand->kind != ExprKind::Var)
      return false;
    return isUniform(u->operand);
  }
  case ExprKind::Binary: {
    auto *b = e->as<Binary>();
    return b->op != BinaryOp::Comma && isUniform(b->lhs) && isUniform(b->rhs);
  }
  case ExprKind::Cast: return isUniform(e->as<Cast>()->operand);
  case ExprKind::Select: {
    auto *s = e->as<Select>();
    return isUniform(s->cond) && isUniform(s->thenValue) && isUniform(s->elseValue);
  }
  case ExprKind::Member: return isUniform(e->as<Member>()->base);
  case ExprKind::Assign: {
    // only in loop updates of uniform counters (`o >>= 1`): uniform counters are written nowhere else
    auto *a = e->as<AssignExpr>();
    return a->target->kind == ExprKind::Var && isUniform(a->target) && isUniform(a->value);
  }
  case ExprKind::Call: {
    auto *c = e->as<Call>();
    bool pure = c->callKind == CallKind::Math ||
                (c->callKind == CallKind::Builtin &&
                 (startsWith(c->callee, "__builtin_") || c->callee == "min" || c->callee == "max" ||
                  c->callee == "std::min" || c->callee == "std::max" || c->callee == "dim3"));
    if (!pure || c->receiver) return false;
    for (auto &a : c->args)
      if (!isUniform(a)) return false;
    return true;
  }
  default: return false;
  }
}

// Uniform values: the same for every thread of a block (kernel parameters never written, block
// indices and sizes, constants, and locals defined only from those at block level). Computed as a
// greatest fixed point, so loop counters such as `for (o = 16; o > 0; o >>= 1)` qualify.
void KernelRecovery::analyzeUniform(const StmtPtr &body) {
  std::set<std::string> written;
  auto noteWrite = [&](const ExprPtr &t) {
    if (auto *v = t ? t->as<Var>() : nullptr) written.insert(v->name);
  };
  std::map<std::string, std::vector<ExprPtr>> defs;  // candidate -> expressions it depends on
  std::map<const Loop *, std::set<std::string>> loopVars;
  std::function<void(const StmtPtr &, bool)> scan = [&](const StmtPtr &s, bool blockLevel) {
    if (!s) return;
    bool boundary = hasBoundary(s);
    switch (s->kind) {
    case StmtKind::Seq:
      for (auto &c : s->as<Seq>()->body) scan(c, blockLevel);
      return;
    case StmtKind::Decl: {
      auto *d = s->as<Decl>();
      if (blockLevel && d->type && d->type->kind != Type::Kind::Reference && !d->isStatic)
        defs[d->name] = {d->init ? d->init : ExprPtr(var(d->name + "\x01", nullptr))};
      return;
    }
    case StmtKind::If:
      scan(s->as<If>()->thenBody, blockLevel && boundary);
      scan(s->as<If>()->elseBody, blockLevel && boundary);
      return;
    case StmtKind::For: {
      auto *f = s->as<For>();
      if (blockLevel && boundary) defs[f->var] = {f->start, f->end, f->step};
      scan(f->body, blockLevel && boundary);
      return;
    }
    case StmtKind::Loop: {
      auto *l = s->as<Loop>();
      if (blockLevel && boundary && l->init) {
        std::vector<const Decl *> ds;
        if (auto *d = l->init->as<Decl>()) ds.push_back(d);
        if (auto *sq = l->init->as<Seq>())
          for (auto &c : sq->body)
            if (auto *d = c->as<Decl>()) ds.push_back(d);
        for (auto *d : ds) {
          defs[d->name] = {d->init ? d->init : ExprPtr(var(d->name + "\x01", nullptr)), l->cond, l->update};
          loopVars[l].insert(d->name);
        }
      }
      scan(l->body, blockLevel && boundary);
      return;
    }
    default: return;
    }
  };
  scan(body, true);
  walk(body, [&](const Expr &e) {
    if (auto *u = e.as<Unary>()) {
      if (u->op == UnaryOp::PreInc || u->op == UnaryOp::PreDec || u->op == UnaryOp::PostInc ||
          u->op == UnaryOp::PostDec || u->op == UnaryOp::AddrOf)
        noteWrite(u->operand);
    }
    if (auto *a = e.as<AssignExpr>()) noteWrite(a->target);
    if (auto *c = e.as<Call>()) {
      // Arguments bound to reference parameters of user functions may be written.
      for (auto &item : m_.items) {
        auto *f = std::get_if<Function>(&item);
        if (!f || f->name != c->callee || f->params.size() != c->args.size()) continue;
        for (size_t i = 0; i < f->params.size(); ++i)
          if (f->params[i].type && f->params[i].type->kind == Type::Kind::Reference) noteWrite(c->args[i]);
      }
    }
  }, [&](const Stmt &s) {
    if (auto *a = s.as<AssignStmt>()) noteWrite(a->target);
  });
  // A loop's update may write its own counters (walk saw them as writes): undo for those.
  std::set<std::string> writtenOutsideUpdates;
  {
    std::set<std::string> inUpdates;
    for (auto &[l, vars] : loopVars) {
      bool bodyWrites = false;
      walk(l->body, [&](const Expr &e) {
        if (auto *u = e.as<Unary>())
          if (auto *v = u->operand ? u->operand->as<Var>() : nullptr; v && vars.count(v->name)) bodyWrites = true;
        if (auto *a = e.as<AssignExpr>())
          if (auto *v = a->target->as<Var>(); v && vars.count(v->name)) bodyWrites = true;
      }, [&](const Stmt &s) {
        if (auto *a = s.as<AssignStmt>())
          if (auto *v = a->target->as<Var>(); v && vars.count(v->name)) bodyWrites = true;
      });
      if (!bodyWrites)
        for (auto &v : vars) inUpdates.insert(v);
    }
    for (auto &w : written)
      if (!inUpdates.count(w)) writtenOutsideUpdates.insert(w);
  }
  for (auto &p : k_.params)
    if (!writtenOutsideUpdates.count(p.name)) uniform_.insert(p.name);
  for (int d = 0; d < 3; ++d)
    for (auto *n : {&ax_.block[d], &ax_.blockDim[d], &ax_.gridDim[d]}) uniform_.insert(*n);
  uniform_.insert(threads_);
  // Names the kernel does not declare: globals (uniform when constant), enumerators, functions.
  std::set<std::string> local = declaredNames(body);
  for (auto &n : varNames(body)) {
    if (local.count(n) || uniform_.count(n)) continue;
    bool constant = true;
    for (auto &item : m_.items)
      if (auto *g = std::get_if<GlobalVar>(&item); g && g->name == n)
        constant = g->isConstexpr || (g->type && g->type->isConst);
    if (constant && n != ax_.thread[0] && n != ax_.thread[1] && n != ax_.thread[2]) uniform_.insert(n);
  }
  for (auto &[n, _] : defs)
    if (!writtenOutsideUpdates.count(n)) uniform_.insert(n);
  for (bool changed = true; changed;) {
    changed = false;
    for (auto &[n, es] : defs) {
      if (!uniform_.count(n)) continue;
      for (auto &e : es)
        if (!isUniform(e)) {
          uniform_.erase(n);
          changed = true;
          break;
        }
    }
  }
}

// ---- the phase builder -----------------------------------------------------------------------------

// Rewrites the jumps of a statement placed in a thread loop: `return` ends the thread (a per-thread
// exited flag, read by later phases), `continue`/`break` of a block-level loop set that loop's
// per-thread flags; each then continues with the next thread.
class JumpRewriter : public IRMutator {
public:
  std::function<StmtPtr(const Stmt &)> onReturn, onBreak, onContinue;
  using IRMutator::mutate;

protected:
  int loops_ = 0, switches_ = 0;
  StmtPtr visitFor(const For &n, const StmtPtr &self) override {
    ++loops_;
    auto r = IRMutator::visitFor(n, self);
    --loops_;
    return r;
  }
  StmtPtr visitLoop(const Loop &n, const StmtPtr &self) override {
    ++loops_;
    auto r = IRMutator::visitLoop(n, self);
    --loops_;
    return r;
  }
  StmtPtr visitSwitch(const Switch &n, const StmtPtr &self) override {
    ++switches_;
    auto r = IRMutator::visitSwitch(n, self);
    --switches_;
    return r;
  }
  StmtPtr visitReturn(const Return &n, const StmtPtr &self) override {
    if (loops_) return onReturn ? onReturn(n) : self;  // onReturn reports the error
    return onReturn ? onReturn(n) : self;
  }
  StmtPtr visitBreak(const Break &n, const StmtPtr &self) override {
    return loops_ || switches_ ? self : onBreak(n);
  }
  StmtPtr visitContinue(const Continue &n, const StmtPtr &self) override { return loops_ ? self : onContinue(n); }

public:
  bool insideLoop() const { return loops_ > 0; }
};

void KernelRecovery::pushUser(const StmtPtr &s) {
  JumpRewriter jr;
  jr.onReturn = [&](const Stmt &r) -> StmtPtr {
    if (jr.insideLoop()) {
      ctx_.error(r.loc, "loop recovery: 'return' inside a loop of a kernel is not supported");
      return seq({});
    }
    curHasJump_ = curExit_ = true;
    return seq({assign(flagAt(exitedFlag()), boolLit(true), std::nullopt, r.loc), mk<Continue>(r.loc)}, true, r.loc);
  };
  jr.onBreak = [&](const Stmt &b) -> StmtPtr {
    if (loops_.empty() || loops_.back().uniform) {
      ctx_.error(b.loc, "loop recovery: internal: 'break' of a block-level loop");
      return seq({});
    }
    curHasJump_ = true;
    return seq({assign(flagAt(loops_.back().active), boolLit(false), std::nullopt, b.loc), mk<Continue>(b.loc)}, true,
               b.loc);
  };
  jr.onContinue = [&](const Stmt &c) -> StmtPtr {
    if (loops_.empty()) {
      ctx_.error(c.loc, "loop recovery: internal: 'continue' outside a loop");
      return seq({});
    }
    curHasJump_ = true;
    loops_.back().skipSeen = true;
    return seq({assign(flagAt(loops_.back().skip), boolLit(true), std::nullopt, c.loc), mk<Continue>(c.loc)}, true,
               c.loc);
  };
  StmtPtr r = jr.mutate(s);
  cur_.push_back({currentGuard(), r});
}

// Emits the pending statements as one thread loop: `for (tid) { coords; if (guard) {...} ... }`.
void KernelRecovery::flush(std::vector<StmtPtr> &out) {
  if (cur_.empty()) return;
  std::vector<StmtPtr> body;
  size_t i = 0;
  while (i < cur_.size()) {
    size_t j = i;
    std::vector<StmtPtr> group;
    while (j < cur_.size() && cur_[j].guard == cur_[i].guard) group.push_back(cur_[j++].stmt);
    int gid = groupCount_++;
    for (auto &s : group) {
      std::function<void(const StmtPtr &)> decls = [&](const StmtPtr &st) {
        if (auto *d = st->as<Decl>()) {
          declGroup_[d->name] = gid;
          declType_[d->name] = d->type;
        } else if (auto *a = st->as<Alloc>()) {
          declGroup_[a->name] = gid;
          declType_[a->name] = a->type;
        } else if (auto *sq = st->as<Seq>(); sq && !sq->scoped) {
          for (auto &c : sq->body) decls(c);
        }
      };
      decls(s);
      for (auto &n : varNames(s)) refGroups_[n].insert(gid);
    }
    if (cur_[i].guard.empty()) body.insert(body.end(), group.begin(), group.end());
    else body.push_back(ifStmt(guardExpr(cur_[i].guard), seq(group)));
    i = j;
  }
  // The thread's coordinates, declared where used.
  auto used = varNames(seq(body));
  std::vector<StmtPtr> coords;
  auto u32c = constOf(tU32(), true);
  auto bx = var(ax_.blockDim[0], tU32()), by = var(ax_.blockDim[1], tU32());
  if (used.count(ax_.thread[0])) coords.push_back(declare(ax_.thread[0], u32c, bin(BinaryOp::Mod, tidE(), bx)));
  if (used.count(ax_.thread[1]))
    coords.push_back(declare(ax_.thread[1], u32c, bin(BinaryOp::Mod, bin(BinaryOp::Div, tidE(), bx), by)));
  if (used.count(ax_.thread[2]))
    coords.push_back(declare(ax_.thread[2], u32c, bin(BinaryOp::Div, tidE(), bin(BinaryOp::Mul, bx, by))));
  if (used.count(lane_)) coords.push_back(declare(lane_, u32c, bin(BinaryOp::Mod, tidE(), lit(warp_, tU32()))));
  body.insert(body.begin(), coords.begin(), coords.end());
  out.push_back(countedFor(tid_, var(threads_, tU32()), seq(body), /*independent=*/false));
  ++stats_.phases;
  cur_.clear();
  if (curExit_) exitGuard_ = true;
  for (auto &l : loops_)
    if (l.skipSeen) l.skipGuard = true;
  curHasJump_ = curExit_ = false;
}

enum class CollKind { ShflIdx, ShflUp, ShflDown, ShflXor, Ballot, Any, All, ActiveMask, Unsupported };

CollKind collectiveKind(const std::string &n) {
  std::string b = endsWith(n, "_sync") ? n.substr(0, n.size() - 5) : n;
  if (b == "__shfl") return CollKind::ShflIdx;
  if (b == "__shfl_up") return CollKind::ShflUp;
  if (b == "__shfl_down") return CollKind::ShflDown;
  if (b == "__shfl_xor") return CollKind::ShflXor;
  if (b == "__ballot") return CollKind::Ballot;
  if (b == "__any") return CollKind::Any;
  if (b == "__all") return CollKind::All;
  if (n == "__activemask") return CollKind::ActiveMask;
  return CollKind::Unsupported;
}

// Constant value of a mask expression, when it is one (literal, ~literal, constant global).
std::optional<uint64_t> constantMask(const Module &m, const ExprPtr &e, int depth = 0) {
  if (!e || depth > 4) return std::nullopt;
  if (auto *l = e->as<IntLit>()) return static_cast<uint64_t>(l->value);
  if (auto *c = e->as<Cast>()) return constantMask(m, c->operand, depth + 1);
  if (auto *u = e->as<Unary>(); u && u->op == UnaryOp::BitNot) {
    auto v = constantMask(m, u->operand, depth + 1);
    if (!v) return std::nullopt;
    bool wide = e->type && e->type->kind == Type::Kind::Scalar && scalarTypeBytes(e->type->scalar) == 8;
    return wide ? ~*v : static_cast<uint32_t>(~*v);
  }
  if (auto *v = e->as<Var>())
    for (auto &item : m.items)
      if (auto *g = std::get_if<GlobalVar>(&item); g && g->name == v->name && (g->isConstexpr || (g->type && g->type->isConst)))
        return constantMask(m, g->init, depth + 1);
  return std::nullopt;
}

// Lowers the warp collectives a leaf statement evaluates: each is a warp-level phase boundary. Every
// lane stores its operand (or vote) in a per-thread array, the phase ends, and in the next phase each
// lane reads its source lane's value, exactly as backends/simt/xpile_simt.h computes it: a source
// lane outside the width segment gives the caller's own value; a lane that does not take part
// (exited, outside the guard or the mask, past the end of a partial warp) reads as zero.
StmtPtr KernelRecovery::lowerCollectives(const StmtPtr &s0, std::vector<StmtPtr> &out) {
  StmtPtr s = s0;
  if (hasMatrixCollective(s)) {
    ctx_.error(s->loc, "loop recovery: a matrix-core operation (mma_sync, mfma) must be a statement of its own "
                       "(`acc = __builtin_amdgcn_mfma_...(...);`, `wmma::mma_sync(...);`)");
    return nullptr;
  }
  for (int guard = 0; guard < 256; ++guard) {
    CallExtractor ex;
    ex.pred = [](const Call &c) { return c.callKind == CallKind::Warp; };
    std::shared_ptr<const Call> found;
    ExprPtr placeholder = var(gen_.fresh("collective_value"), nullptr);
    ex.replace = [&](const std::shared_ptr<const Call> &) { return placeholder; };
    StmtPtr rewritten = mapOwnExprs(s, [&](const ExprPtr &e) { return e ? ex.mutate(e) : e; });
    if (ex.conditional) {
      ctx_.error(ex.conditional->loc, "loop recovery: warp operation '" + ex.conditional->callee +
                                          "' evaluated conditionally (&&, ||, ?:) is not supported");
      return nullptr;
    }
    if (!ex.found) return s;
    const Call &c = *ex.found;
    CollKind kind = collectiveKind(c.callee);
    bool sync = endsWith(c.callee, "_sync");
    if (kind == CollKind::Unsupported) {
      ctx_.error(c.loc, "loop recovery: warp operation '" + c.callee + "' is not supported");
      return nullptr;
    }
    size_t first = sync ? 1 : 0;
    bool shfl = kind <= CollKind::ShflXor;
    size_t need = kind == CollKind::ActiveMask ? 0 : shfl ? first + 2 : first + 1;
    if (c.args.size() < need || (shfl && c.args.size() > need + 1)) {
      ctx_.error(c.loc, "loop recovery: unexpected arguments of '" + c.callee + "'");
      return nullptr;
    }
    ++stats_.collectives;
    TypePtr rt = c.type ? c.type : tU32();
    // Phase A: every thread stores its operand, zero (false) when it does not take part.
    Guard g = currentGuard();
    std::vector<ExprPtr> part;
    if (auto ge = guardExpr(g)) part.push_back(ge);
    if (sync) {
      auto mv = constantMask(m_, c.args[0]);
      uint64_t full = warp_ == 64 ? ~0ull : (1ull << warp_) - 1;
      if (!mv || (*mv & full) != full) {
        auto bit = bin(BinaryOp::BitAnd, bin(BinaryOp::Shr, c.args[0], var(lane_, tU32())), lit(1, tU32()));
        part.push_back(bin(BinaryOp::NE, bit, lit(0, tU32())));
      }
    }
    ExprPtr takesPart = conj(part);
    std::string buf;
    ExprPtr stored;
    TypePtr elem;
    if (shfl) {
      const ExprPtr &value = c.args[first];
      elem = constOf(value->type ? value->type : rt, false);
      if (!elem || (elem->kind != Type::Kind::Scalar && elem->kind != Type::Kind::Vector)) {
        ctx_.error(c.loc, "loop recovery: '" + c.callee + "' of a value of this type is not supported");
        return nullptr;
      }
      if (auto *v = value->as<Var>()) buf = gen_.fresh(v->name + "_lanes");
      else buf = gen_.fresh("shfl_lanes");
      stored = takesPart ? select(takesPart, value, zeroOf(elem)) : value;
    } else {
      elem = tBool();
      buf = gen_.fresh("vote_lanes");
      ExprPtr pred = kind == CollKind::ActiveMask ? boolLit(true) : c.args[first];
      if (pred->type && pred->type->kind == Type::Kind::Scalar && pred->type->scalar != ScalarType::Bool)
        pred = bin(BinaryOp::NE, pred, lit(0, pred->type));
      if (kind == CollKind::All) pred = notE(pred);  // all: no participant votes false
      stored = takesPart ? bin(BinaryOp::LAnd, takesPart, pred) : pred;
    }
    auto alloc = mk<Alloc>(c.loc);
    alloc->name = buf;
    alloc->type = Type::arrayOf(elem, maxThreads_);
    alloc->space = MemSpace::Local;
    blockStorage_.push_back(alloc);
    pushSynth({}, assign(load(var(buf, nullptr), tidE(), elem), stored, std::nullopt, c.loc), out);
    flush(out);
    // Phase B: each participating lane reads its source.
    ExprPtr lane = var(lane_, tU32());
    ExprPtr base = bin(BinaryOp::Sub, tidE(), lane);
    ExprPtr result;
    if (shfl) {
      auto asU = [](const ExprPtr &e) {
        return e->type && e->type->kind == Type::Kind::Scalar && e->type->scalar == ScalarType::U32 ? e
                                                                                                     : castTo(tU32(), e);
      };
      ExprPtr arg = asU(c.args[first + 1]);
      bool hasWidth = c.args.size() == need + 1;
      ExprPtr w = hasWidth ? asU(c.args[need]) : lit(warp_, tU32());
      // start of this lane's width segment; 0 without a width argument
      ExprPtr start = hasWidth ? bin(BinaryOp::BitAnd, lane, castTo(tU32(), notE(lit(0)))) : nullptr;
      if (hasWidth) {
        auto mask = mk<Unary>();
        mask->op = UnaryOp::BitNot;
        mask->operand = bin(BinaryOp::Sub, w, lit(1, tU32()));
        mask->type = tU32();
        start = bin(BinaryOp::BitAnd, lane, mask);
      }
      ExprPtr end = start ? bin(BinaryOp::Add, start, w) : w;
      ExprPtr src;
      switch (kind) {
      case CollKind::ShflIdx:
        src = bin(BinaryOp::BitAnd, arg, bin(BinaryOp::Sub, w, lit(1, tU32())));
        if (start) src = bin(BinaryOp::Add, start, src);
        break;
      case CollKind::ShflUp: {
        ExprPtr room = start ? bin(BinaryOp::Sub, lane, start) : lane;
        src = select(bin(BinaryOp::LE, arg, room), bin(BinaryOp::Sub, lane, arg), lane);
        break;
      }
      case CollKind::ShflDown:
        src = select(bin(BinaryOp::LAnd, bin(BinaryOp::LT, arg, w),
                         bin(BinaryOp::LT, bin(BinaryOp::Add, lane, arg), end)),
                     bin(BinaryOp::Add, lane, arg), lane);
        break;
      default: {
        ExprPtr x = bin(BinaryOp::BitXor, lane, arg);
        src = select(bin(BinaryOp::LT, x, end), x, lane);
        break;
      }
      }
      std::string srcName = gen_.fresh("src");
      cur_.push_back({g, declare(srcName, constOf(tU32(), true), bin(BinaryOp::Add, base, src), c.loc)});
      ExprPtr sv = var(srcName, tU32());
      result = select(bin(BinaryOp::LT, sv, var(threads_, tU32())), load(var(buf, nullptr), sv, elem), zeroOf(elem));
    } else {
      // bits of the warp's votes (past the end of a partial warp: no lane, no bit)
      std::string r = gen_.fresh(kind == CollKind::Any ? "any" : kind == CollKind::All ? "all" : "ballot");
      std::string l = gen_.fresh("l");
      TypePtr bt = kind == CollKind::Any || kind == CollKind::All ? rt : constOf(rt, false);
      ExprPtr init = kind == CollKind::All ? lit(1, constOf(bt, false)) : lit(0, constOf(bt, false));
      cur_.push_back({g, declare(r, constOf(bt, false), init, c.loc)});
      ExprPtr lv = var(l, tU32());
      ExprPtr at = bin(BinaryOp::Add, base, lv);
      ExprPtr voted = bin(BinaryOp::LAnd, bin(BinaryOp::LT, at, var(threads_, tU32())), load(var(buf, nullptr), at, tBool()));
      StmtPtr update;
      if (kind == CollKind::Ballot || kind == CollKind::ActiveMask)
        update = assign(var(r, bt), bin(BinaryOp::Shl, lit(1, constOf(bt, false)), lv, constOf(bt, false)), BinaryOp::BitOr);
      else update = assign(var(r, bt), lit(kind == CollKind::All ? 0 : 1, constOf(bt, false)));
      cur_.push_back({g, countedFor(l, lit(warp_, tU32()), ifStmt(voted, update), false)});
      result = var(r, bt);
    }
    // The statement itself, with the collective's value in place of the call.
    Renamer sub;
    sub.exprs[placeholder->as<Var>()->name] = result;
    s = mapOwnExprs(rewritten, [&](const ExprPtr &e) { return e ? sub.mutate(e) : e; });
    if (auto *e = s->as<Eval>(); e && e->value == result) return seq({}, false);
  }
  return s;
}

// ---- matrix cores ------------------------------------------------------------------------------------

std::optional<matrix_recovery::FragmentShape> KernelRecovery::fragmentOf(const ExprPtr &ref) const {
  ExprPtr cur = ref;
  while (auto *l = cur ? cur->as<Load>() : nullptr) cur = l->base;
  auto *v = cur ? cur->as<Var>() : nullptr;
  if (!v || !matrix_recovery::fragmentType(v->type)) return std::nullopt;
  auto it = fragments_.find(v->name);
  if (it == fragments_.end()) return std::nullopt;
  return it->second;
}

// Fragment variables of the kernel (after uniquing): their declarations go, per-warp storage
// `T name[warps][...][elements]` is allocated per block, and fill/load/store and `frag.x[i]` /
// `frag.num_elements` become code on the calling lane's elements. mma_sync is left for the phase
// builder (it is a warp collective).
class FragmentLowering : public IRMutator {
public:
  const std::map<std::string, matrix_recovery::FragmentShape> *fragments = nullptr;
  std::function<std::optional<matrix_recovery::FragmentShape>(const ExprPtr &)> shapeOf;
  matrix_recovery::LaneFrame frame;
  PassContext *ctx = nullptr;
  bool ok = true;
  int lowered = 0;

protected:
  void fail(const SourceLoc &loc, const std::string &m) {
    ctx->error(loc, "loop recovery: " + m);
    ok = false;
  }
  StmtPtr visitDecl(const Decl &n, const StmtPtr &self) override {
    if (fragments->count(n.name) && matrix_recovery::fragmentType(n.type)) return seq({}, false, n.loc);
    return IRMutator::visitDecl(n, self);
  }
  StmtPtr visitAlloc(const Alloc &n, const StmtPtr &self) override {
    if (fragments->count(n.name) && matrix_recovery::fragmentType(n.type)) return seq({}, false, n.loc);
    return IRMutator::visitAlloc(n, self);
  }
  StmtPtr visitEval(const Eval &n, const StmtPtr &self) override {
    auto *c = n.value->as<Call>();
    auto op = c ? matrix_recovery::wmmaOp(c->callee) : matrix_recovery::WmmaOp::None;
    if (op != matrix_recovery::WmmaOp::Fill && op != matrix_recovery::WmmaOp::Load && op != matrix_recovery::WmmaOp::Store)
      return IRMutator::visitEval(n, self);
    std::string why;
    StmtPtr r = matrix_recovery::lowerWmmaCall(*c, op, shapeOf, frame, why);
    if (!r) {
      fail(c->loc, why);
      return self;
    }
    ++lowered;
    if (auto *sq = r->as<Seq>()) {
      auto located = std::make_shared<Seq>(*sq);
      located->loc = n.loc;
      return located;
    }
    return r;
  }
  ExprPtr visitLoad(const Load &n, const ExprPtr &self) override {
    // frag.x[i]: element lane + W*i of this warp's tile
    if (auto *m = n.base->as<Member>(); m && m->field == "x" && shapeOf(m->base)) {
      ExprPtr idx = mutate(n.index);
      auto u = Type::scalarOf(ScalarType::U32);
      auto cast = mk<Cast>();
      cast->style = CastStyle::C;
      cast->type = u;
      cast->operand = idx;
      ExprPtr e = bin(BinaryOp::Add, var(frame.lane, u), bin(BinaryOp::Mul, lit(frame.warpSize, u), cast));
      auto r = matrix_recovery::fragmentElement(m->base, e, frame);
      auto typed = std::make_shared<Load>(*r->as<Load>());
      typed->type = n.type;
      return typed;
    }
    return IRMutator::visitLoad(n, self);
  }
  ExprPtr visitMember(const Member &n, const ExprPtr &self) override {
    auto s = shapeOf(n.base);
    if (!s) return IRMutator::visitMember(n, self);
    if (n.field == "num_elements" && s->elements() % frame.warpSize == 0) return lit(s->elements() / frame.warpSize);
    fail(n.loc, "fragment member '" + n.field + "' is not supported here (element access is frag.x[i] with i < num_elements)");
    return self;
  }
};

bool KernelRecovery::lowerFragments(StmtPtr &body) {
  bool ok = true;
  auto warps = (maxThreads_ + warp_ - 1) / warp_;
  walk(body, {}, [&](const Stmt &s) {
    const std::string *name = nullptr;
    TypePtr t;
    if (auto *d = s.as<Decl>()) name = &d->name, t = d->type;
    if (auto *a = s.as<Alloc>()) name = &a->name, t = a->type;
    const Type *ft = name ? matrix_recovery::fragmentType(t) : nullptr;
    if (!ft) return;
    std::string why;
    auto shape = matrix_recovery::fragmentShape(ft->name, m_, why);
    if (!shape) {
      ctx_.error(s.loc, "loop recovery: " + why);
      ok = false;
      return;
    }
    fragments_[*name] = *shape;
    // per-warp storage: T name[warps][extents of the declared array...][elements]
    std::vector<int64_t> extents;
    for (const Type *cur = t.get(); cur && cur->kind == Type::Kind::Array; cur = cur->element.get())
      extents.push_back(cur->extent.value_or(1));
    TypePtr st = Type::arrayOf(Type::scalarOf(shape->storage), shape->elements());
    for (auto it = extents.rbegin(); it != extents.rend(); ++it) st = Type::arrayOf(st, *it);
    auto a = mk<Alloc>(s.loc);
    a->name = *name;
    a->type = Type::arrayOf(st, warps);
    a->space = MemSpace::Local;
    blockStorage_.push_back(a);
  });
  if (!ok) return false;
  if (fragments_.empty()) return true;
  FragmentLowering fl;
  fl.fragments = &fragments_;
  fl.shapeOf = [this](const ExprPtr &r) { return fragmentOf(r); };
  fl.frame = laneFrame();
  fl.ctx = &ctx_;
  body = fl.mutate(body);
  if (!fl.ok) return false;
  // What is left of the fragments is mma_sync's arguments.
  std::set<const Expr *> inMma;
  walk(body, [&](const Expr &e) {
    auto *c = e.as<Call>();
    if (!c || matrix_recovery::wmmaOp(c->callee) != matrix_recovery::WmmaOp::Mma) return;
    for (auto &a : c->args) walkExpr(a, [&](const Expr &x) { inMma.insert(&x); });
  });
  walk(body, [&](const Expr &e) {
    auto *v = e.as<Var>();
    if (!ok || !v || !matrix_recovery::fragmentType(v->type) || inMma.count(&e)) return;
    ctx_.error(v->loc, "loop recovery: fragment '" + v->name +
                           "' is used other than by wmma operations and element access; not supported");
    ok = false;
  });
  ctx_.stats["wmma_calls_lowered"] = ctx_.stats.value("wmma_calls_lowered", 0) + fl.lowered;
  return ok;
}

// mfma operand and accumulator vectors (`half4_t a`, `float4_t acc`: ext_vector_type typedefs) become
// plain arrays, which C has: their uses must be subscripts, mfma arguments and mfma results.
class VectorRetyper : public IRMutator {
public:
  std::map<std::string, TypePtr> arrays;
  PassContext *ctx = nullptr;
  bool ok = true;

protected:
  StmtPtr visitDecl(const Decl &n, const StmtPtr &self) override {
    auto it = arrays.find(n.name);
    if (it == arrays.end()) return IRMutator::visitDecl(n, self);
    auto a = mk<Alloc>(n.loc);
    a->name = n.name;
    a->type = it->second;
    a->space = MemSpace::Local;
    if (!n.init || n.init->kind == ExprKind::InitList) {
      a->init = n.init;
      return a;
    }
    if (auto *c = n.init->as<Call>(); c && matrix_recovery::mfmaForm(c->callee))
      return seq({a, assign(var(n.name, it->second), mutate(n.init), std::nullopt, n.loc)}, false, n.loc);
    ctx->error(n.loc, "loop recovery: matrix-core vector '" + n.name + "' initialized from an expression; not supported");
    ok = false;
    return self;
  }
  ExprPtr visitVar(const Var &n, const ExprPtr &self) override {
    auto it = arrays.find(n.name);
    if (it == arrays.end()) return self;
    auto v = std::make_shared<Var>(n);
    v->type = it->second;
    return v;
  }
};

bool KernelRecovery::retypeMfmaVectors(StmtPtr &body) {
  std::map<std::string, TypePtr> arrays;
  auto vectorVar = [](const ExprPtr &e) -> const Var * {
    auto *v = e ? e->as<Var>() : nullptr;
    return v && v->type && (v->type->kind == Type::Kind::Named || v->type->kind == Type::Kind::Vector) ? v : nullptr;
  };
  auto note = [&](const ExprPtr &e, ScalarType s, int lanes) {
    if (auto *v = vectorVar(e)) arrays[v->name] = Type::arrayOf(Type::scalarOf(s), lanes);
  };
  auto noteCall = [&](const Call &c, const ExprPtr &result) {
    auto *form = matrix_recovery::mfmaForm(c.callee);
    if (!form || c.args.size() != 6) return;
    ScalarType acc = form->integer ? ScalarType::I32 : ScalarType::F32;
    if (form->operand == matrix_recovery::MfmaForm::Operand::HalfVector ||
        form->operand == matrix_recovery::MfmaForm::Operand::Bf16BitsVector) {
      ScalarType op = form->operand == matrix_recovery::MfmaForm::Operand::HalfVector ? ScalarType::F16 : ScalarType::I16;
      note(c.args[0], op, form->perLane);
      note(c.args[1], op, form->perLane);
    }
    note(c.args[2], acc, form->results);
    if (result) note(result, acc, form->results);
  };
  walk(body, [&](const Expr &e) {
    if (auto *c = e.as<Call>()) noteCall(*c, nullptr);
  }, [&](const Stmt &s) {
    if (auto *a = s.as<AssignStmt>(); a && !a->op)
      if (auto *c = a->value->as<Call>()) noteCall(*c, a->target);
    if (auto *d = s.as<Decl>(); d && d->init)
      if (auto *c = d->init->as<Call>(); c && matrix_recovery::mfmaForm(c->callee) && d->type &&
                                         (d->type->kind == Type::Kind::Named || d->type->kind == Type::Kind::Vector))
        arrays[d->name] = Type::arrayOf(Type::scalarOf(matrix_recovery::mfmaForm(c->callee)->integer ? ScalarType::I32
                                                                                                      : ScalarType::F32),
                                        matrix_recovery::mfmaForm(c->callee)->results);
  });
  if (arrays.empty()) return true;
  // Every use must stay meaningful for an array: a subscript, an mfma argument or result.
  std::set<const Expr *> allowed;
  walk(body, [&](const Expr &e) {
    if (auto *l = e.as<Load>()) allowed.insert(l->base.get());
    if (auto *c = e.as<Call>(); c && matrix_recovery::mfmaForm(c->callee))
      for (auto &a : c->args) allowed.insert(a.get());
  }, [&](const Stmt &s) {
    if (auto *a = s.as<AssignStmt>(); a && !a->op)
      if (auto *c = a->value->as<Call>(); c && matrix_recovery::mfmaForm(c->callee)) allowed.insert(a->target.get());
  });
  bool ok = true;
  walk(body, [&](const Expr &e) {
    auto *v = e.as<Var>();
    if (!ok || !v || !arrays.count(v->name) || allowed.count(&e)) return;
    ctx_.error(v->loc, "loop recovery: matrix-core vector '" + v->name +
                           "' is used as a whole (only subscripts, mfma operands and mfma results are supported)");
    ok = false;
  });
  if (!ok) return false;
  VectorRetyper vr;
  vr.arrays = arrays;
  vr.ctx = &ctx_;
  body = vr.mutate(body);
  return vr.ok;
}

bool KernelRecovery::hasMatrixCollective(const StmtPtr &s) const {
  bool found = false;
  for (auto &e : ownExprs(*s))
    walkExpr(e, [&](const Expr &x) {
      if (auto *c = x.as<Call>(); c && isMatrixCollective(*c)) found = true;
    });
  return found;
}

// mma_sync: a phase of its own (it reads every lane's elements of A, B and C; the lanes' next
// loads must not overwrite them before all have read). mfma: operands stored per lane, then each
// lane computes its results from the warp's lanes, as the executor's gather does.
void KernelRecovery::lowerMatrixCollective(const StmtPtr &s, std::vector<StmtPtr> &out) {
  const Call *c = nullptr;
  ExprPtr target;
  if (auto *e = s->as<Eval>()) c = e->value->as<Call>();
  if (auto *a = s->as<AssignStmt>(); a && !a->op) {
    c = a->value->as<Call>();
    target = a->target;
  }
  auto bad = [&](const std::string &m) { ctx_.error(c ? c->loc : s->loc, "loop recovery: " + m); };
  if (!c || !isMatrixCollective(*c)) {
    bad("a matrix-core operation (mma_sync, mfma) must be a statement of its own (`acc = "
        "__builtin_amdgcn_mfma_...(...);`, `wmma::mma_sync(...);`)");
    return;
  }
  for (auto &a : c->args)
    if (exprHasCollective(a)) return bad("a warp operation inside the arguments of '" + c->callee + "' is not supported");
  ++stats_.collectives;
  auto frame = laneFrame();
  if (matrix_recovery::wmmaOp(c->callee) == matrix_recovery::WmmaOp::Mma) {
    if (target) return bad("'" + c->callee + "' returns nothing");
    std::string why;
    StmtPtr r = matrix_recovery::lowerWmmaCall(*c, matrix_recovery::WmmaOp::Mma,
                                               [this](const ExprPtr &e) { return fragmentOf(e); }, frame, why);
    if (!r) return bad(why);
    flush(out);
    cur_.push_back({currentGuard(), r});
    flush(out);
    return;
  }
  const matrix_recovery::MfmaForm *form = matrix_recovery::mfmaForm(c->callee);
  if (!form) return bad("'" + c->callee + "' is not supported");
  if (!target) return bad("the result of '" + c->callee + "' must be assigned to a variable");
  if (c->args.size() != 6) return bad("'" + c->callee + "' takes 6 arguments");
  for (size_t i = 3; i < 6; ++i) {
    auto *l = c->args[i]->as<IntLit>();
    if (!l || l->value != 0)
      return bad("'" + c->callee + "': only cbsz = abid = blgp = 0 (constants) are supported, as in the executor");
  }
  auto lvalue = [](const ExprPtr &e) { return e->kind == ExprKind::Var || e->kind == ExprKind::Load; };
  bool vectorOperands = form->operand == matrix_recovery::MfmaForm::Operand::HalfVector ||
                        form->operand == matrix_recovery::MfmaForm::Operand::Bf16BitsVector;
  if ((vectorOperands && (!lvalue(c->args[0]) || !lvalue(c->args[1]))) || !lvalue(c->args[2]) || !lvalue(target))
    return bad("'" + c->callee + "': vector operands, accumulator and result must be variables");
  TypePtr acc = matrix_recovery::mfmaAccType(*form);
  auto lanes = [&](const std::string &base, int items) {
    auto a = mk<Alloc>(c->loc);
    a->name = gen_.fresh(base);
    a->type = Type::arrayOf(Type::arrayOf(acc, items), maxThreads_);
    a->space = MemSpace::Local;
    blockStorage_.push_back(a);
    return a->name;
  };
  std::string aL = lanes("mfma_a_lanes", form->perLane), bL = lanes("mfma_b_lanes", form->perLane),
              cL = lanes("mfma_c_lanes", form->results);
  Guard g = currentGuard();
  ExprPtr takesPart = guardExpr(g);
  pushSynth({}, matrix_recovery::mfmaStoreOperands(*form, *c, takesPart, aL, bL, cL, frame), out);
  flush(out);
  cur_.push_back({g, matrix_recovery::mfmaCompute(*form, target, aL, bL, cL, frame)});
}

void KernelRecovery::process(const StmtPtr &s0, std::vector<StmtPtr> &out) {
  if (!s0) return;
  StmtPtr s = s0;
  if (!hasBoundary(s)) {
    if (auto *d = s->as<Decl>(); d && uniform_.count(d->name)) {
      out.push_back(s);  // computed once per block
      return;
    }
    // `if (uniform) return;` at the top: the whole block ends, the next block starts.
    if (auto *i = s->as<If>(); i && guards_.empty() && loops_.empty() && !i->elseBody && isUniform(i->cond)) {
      const Stmt *t = i->thenBody.get();
      if (auto *sq = t->as<Seq>(); sq && sq->body.size() == 1) t = sq->body[0].get();
      if (auto *r = t->as<Return>(); r && !r->value) {
        flush(out);
        out.push_back(ifStmt(i->cond, mk<Continue>(r->loc), nullptr, i->loc));
        return;
      }
    }
    if (auto *sq = s->as<Seq>()) {  // names are unique in the kernel: the scope can go
      for (auto &c : sq->body) process(c, out);
      return;
    }
    pushUser(s);
    return;
  }
  switch (s->kind) {
  case StmtKind::Seq:
    // names are unique in the kernel, so a block's scope can be dropped
    processList(s->as<Seq>()->body, out);
    return;
  case StmtKind::Sync:
    ++stats_.barriers;
    flush(out);
    return;
  case StmtKind::Decl:
  case StmtKind::Assign:
  case StmtKind::Eval:
  case StmtKind::Return: {
    if (hasMatrixCollective(s)) {
      lowerMatrixCollective(s, out);
      return;
    }
    StmtPtr r = lowerCollectives(s, out);
    if (!r) return;
    if (r->kind == StmtKind::Return) pushUser(r);
    else process(r, out);
    return;
  }
  case StmtKind::If: {
    if (exprHasCollective(s->as<If>()->cond)) {
      StmtPtr r = lowerCollectives(s, out);
      if (r) process(r, out);
      return;
    }
    auto *i = s->as<If>();
    if (isUniform(i->cond)) {
      flush(out);
      std::vector<StmtPtr> thenOut, elseOut;
      process(i->thenBody, thenOut);
      flush(thenOut);
      if (i->elseBody) {
        process(i->elseBody, elseOut);
        flush(elseOut);
      }
      out.push_back(ifStmt(i->cond, seq(thenOut), i->elseBody ? seq(elseOut) : nullptr, i->loc));
      return;
    }
    // Non-uniform: the condition is kept per thread; each branch's phases run under it.
    std::string f = newFlag("taken");
    pushSynth(currentGuard(), assign(flagAt(f), i->cond, std::nullopt, i->loc), out);
    guards_.push_back({f, false});
    process(i->thenBody, out);
    guards_.pop_back();
    if (i->elseBody) {
      guards_.push_back({f, true});
      process(i->elseBody, out);
      guards_.pop_back();
    }
    return;
  }
  case StmtKind::For:
  case StmtKind::Loop: processLoop(s, out); return;
  default:
    ctx_.error(s->loc, "loop recovery: a barrier or warp operation inside this statement is not supported");
    return;
  }
}

void KernelRecovery::processLoop(const StmtPtr &s, std::vector<StmtPtr> &out) {
  auto *f = s->as<For>();
  auto *l = s->as<Loop>();
  StmtPtr body = f ? f->body : l->body;
  bool headerUniform = f ? uniform_.count(f->var) > 0 : true;
  if (l) {
    if (exprHasCollective(l->cond) || exprHasCollective(l->update)) {
      ctx_.error(s->loc, "loop recovery: a warp operation in a loop condition or update is not supported");
      return;
    }
    headerUniform = isUniform(l->cond) && isUniform(l->update);
    if (l->init) {
      walk(l->init, {}, [&](const Stmt &st) {
        if (auto *d = st.as<Decl>(); d && !uniform_.count(d->name)) headerUniform = false;
        if (st.kind == StmtKind::Assign || st.kind == StmtKind::Eval) headerUniform = false;
      });
    }
  }
  if (hasReturn(body)) exitGuard_ = true;  // a thread that returned skips later iterations
  if (headerUniform && !hasOwnBreak(body)) {
    flush(out);
    LoopCtx lc;
    lc.uniform = true;
    lc.skip = newFlag("skip");
    loops_.push_back(lc);
    std::vector<StmtPtr> bodyOut;
    if (l && l->init) processList({l->init}, bodyOut);  // uniform declarations: block level
    std::vector<StmtPtr> initOut = bodyOut;
    bodyOut.clear();
    cur_.push_back({{}, assign(flagAt(lc.skip), boolLit(false))});
    process(body, bodyOut);
    flush(bodyOut);
    loops_.pop_back();
    if (f) {
      auto n = std::make_shared<For>(*f);
      n->body = seq(bodyOut);
      n->forKind = ForKind::Serial;
      n->unrollFactor = 0;
      n->independent = false;
      out.push_back(n);
    } else {
      auto n = std::make_shared<Loop>(*l);
      n->body = seq(bodyOut);
      n->unrollFactor = -1;
      if (!initOut.empty()) {
        n->init = initOut.size() == 1 ? initOut[0] : seq(initOut, false);
      }
      out.push_back(n);
    }
    return;
  }
  // Non-uniform: every thread keeps its own counter and an "active" flag; the block iterates while
  // any thread is active, each phase of the body running for the active threads only.
  Guard outer = currentGuard();
  ExprPtr outerE = guardExpr(outer);
  LoopCtx lc;
  lc.uniform = false;
  lc.active = newFlag("active");
  lc.skip = newFlag("skip");
  std::string any = gen_.fresh("any_active");
  ExprPtr cond;
  StmtPtr update;
  if (f) {
    pushSynth(outer, declare(f->var, f->varType, f->start, f->loc), out);
    cond = bin(f->cmp, var(f->var, f->varType), f->end);
    update = assign(var(f->var, f->varType), f->step, BinaryOp::Add, f->loc);
  } else {
    if (l->init) {
      if (curHasJump_) flush(out);
      pushUser(l->init);
    }
    cond = l->cond ? l->cond : boolLit(true);
    if (l->update) update = evalStmt(l->update, l->loc);
  }
  out.push_back(declare(any, tBool(), boolLit(false)));
  ExprPtr first = l && l->form == Loop::Form::DoWhile ? (outerE ? outerE : boolLit(true))
                                                       : (outerE ? bin(BinaryOp::LAnd, outerE, cond) : cond);
  pushSynth({}, assign(flagAt(lc.active), first, std::nullopt, s->loc), out);
  cur_.push_back({{}, ifStmt(flagAt(lc.active), assign(var(any, tBool()), boolLit(true)))});
  flush(out);
  std::vector<StmtPtr> bodyOut;
  loops_.push_back(lc);
  guards_.push_back({lc.active, false});
  bodyOut.push_back(assign(var(any, tBool()), boolLit(false)));
  cur_.push_back({{}, assign(flagAt(lc.skip), boolLit(false))});
  process(body, bodyOut);
  // The update and the next test run for every active thread, continued ones included.
  loops_.back().skipGuard = false;
  loops_.back().skipSeen = false;
  if (curHasJump_) flush(bodyOut);
  Guard g = currentGuard();
  if (update) cur_.push_back({g, update});
  cur_.push_back({g, assign(flagAt(lc.active), cond)});
  cur_.push_back({g, ifStmt(flagAt(lc.active), assign(var(any, tBool()), boolLit(true)))});
  guards_.pop_back();
  flush(bodyOut);
  loops_.pop_back();
  auto w = mk<Loop>(s->loc);
  w->form = Loop::Form::While;
  w->cond = var(any, tBool());
  w->body = seq(bodyOut);
  out.push_back(w);
}

// Locals used by more than one group (a guarded block of a thread loop) live across a phase
// boundary: they become per-thread arrays `T x[threads_max]`, `x` read as `x[tid]`.
class Promoter : public IRMutator {
public:
  std::set<std::string> names;
  std::map<std::string, TypePtr> types;
  std::string tid;
  PassContext *ctx = nullptr;

protected:
  ExprPtr visitVar(const Var &node, const ExprPtr &self) override {
    if (!names.count(node.name)) return self;
    TypePtr t = types[node.name];
    TypePtr et = t && t->kind == Type::Kind::Array ? t : constOf(t, false);
    return load(self, var(tid, tU32()), et);
  }
  StmtPtr visitDecl(const Decl &node, const StmtPtr &self) override {
    if (!names.count(node.name)) return IRMutator::visitDecl(node, self);
    if (!node.init) return seq({}, false, node.loc);
    ExprPtr init = mutate(node.init);
    if (init->kind == ExprKind::InitList) {
      auto c = mk<Cast>(init->loc);
      c->style = CastStyle::Functional;
      c->type = constOf(node.type, false);
      c->operand = init;
      init = c;
    }
    return assign(load(var(node.name, node.type), var(tid, tU32()), constOf(node.type, false)), init, std::nullopt,
                  node.loc);
  }
  StmtPtr visitAlloc(const Alloc &node, const StmtPtr &self) override {
    if (!names.count(node.name)) return IRMutator::visitAlloc(node, self);
    if (!node.init) return seq({}, false, node.loc);
    // `T a[n] = {...}`: this thread's row is zero-filled, then the listed elements stored.
    ExprPtr row = load(var(node.name, nullptr), var(tid, tU32()), node.type);
    auto size = mk<SizeOf>();
    size->operand = row;
    size->type = tSize();
    std::vector<StmtPtr> out{evalStmt(call("memset", {row, lit(0), size}, nullptr), node.loc)};
    std::function<void(const ExprPtr &, const ExprPtr &)> store = [&](const ExprPtr &at, const ExprPtr &init) {
      if (auto *l = init->as<InitList>()) {
        for (size_t i = 0; i < l->elements.size(); ++i) store(load(at, lit(static_cast<int64_t>(i)), nullptr), l->elements[i]);
        return;
      }
      bool zero = (init->as<IntLit>() && init->as<IntLit>()->value == 0) ||
                  (init->as<FloatLit>() && init->as<FloatLit>()->value == 0 && !std::signbit(init->as<FloatLit>()->value));
      if (!zero) out.push_back(assign(at, mutate(init), std::nullopt, node.loc));
    };
    store(row, node.init);
    return seq(out, false, node.loc);
  }
};

StmtPtr KernelRecovery::promote(const StmtPtr &body) {
  Promoter p;
  p.tid = tid_;
  p.ctx = &ctx_;
  for (auto &[n, g] : declGroup_) {
    auto &refs = refGroups_[n];
    bool across = false;
    for (int r : refs) across = across || r != g;
    if (!across) continue;
    TypePtr t = declType_[n];
    if (t && t->kind == Type::Kind::Reference) {
      ctx_.error(k_.loc, "loop recovery: reference '" + n + "' lives across a barrier; not supported");
      continue;
    }
    p.names.insert(n);
    p.types[n] = t;
    auto a = mk<Alloc>();
    a->name = n;
    a->type = Type::arrayOf(t && t->kind == Type::Kind::Array ? t : constOf(t, false), maxThreads_);
    a->space = MemSpace::Local;
    blockStorage_.push_back(a);
  }
  if (p.names.empty()) return body;
  return p.mutate(body);
}

// Flags written but never read (an `exited` flag when nothing runs after the return, a `skip`
// flag of a loop without continue) are removed with their stores.
class DeadFlagRemover : public IRMutator {
public:
  std::set<std::string> dead;

protected:
  bool isDeadTarget(const ExprPtr &t) const {
    auto *l = t ? t->as<Load>() : nullptr;
    auto *v = l ? l->base->as<Var>() : nullptr;
    return v && dead.count(v->name);
  }
  StmtPtr visitAssignStmt(const AssignStmt &node, const StmtPtr &self) override {
    if (isDeadTarget(node.target)) return seq({}, false);
    return self;
  }
  StmtPtr visitAlloc(const Alloc &node, const StmtPtr &self) override {
    return dead.count(node.name) ? seq({}, false) : self;
  }
  StmtPtr visitSeq(const Seq &node, const StmtPtr &self) override {
    StmtPtr r = IRMutator::visitSeq(node, self);
    if (r == self) return r;
    // drop the empty sequences left behind
    auto n = std::make_shared<Seq>(*r->as<Seq>());
    std::vector<StmtPtr> b;
    for (auto &c : n->body)
      if (auto *s = c->as<Seq>(); s && !s->scoped && s->body.empty()) continue;
      else b.push_back(c);
    n->body = b;
    return n;
  }
};

StmtPtr KernelRecovery::removeDeadFlags(const StmtPtr &body) {
  std::map<std::string, int> reads;
  std::function<void(const ExprPtr &)> countE = [&](const ExprPtr &e) {
    walkExpr(e, [&](const Expr &x) {
      if (auto *v = x.as<Var>(); v && flags_.count(v->name)) ++reads[v->name];
    });
  };
  walk(body, {}, [&](const Stmt &s) {
    if (auto *a = s.as<AssignStmt>()) {
      auto *l = a->target->as<Load>();
      if (l) countE(l->index);
      else countE(a->target);
      countE(a->value);
      return;
    }
    for (auto &e : ownExprs(s)) countE(e);
    if (auto *f = s.as<For>()) {
      countE(f->start);
      countE(f->end);
      countE(f->step);
    }
    if (auto *l = s.as<Loop>()) {
      countE(l->cond);
      countE(l->update);
    }
  });
  DeadFlagRemover d;
  for (auto &f : flags_)
    if (!reads[f]) d.dead.insert(f);
  if (d.dead.empty()) return body;
  return d.mutate(body);
}

bool KernelRecovery::run() {
  size_t errors = ctx_.diagnostics.size();
  auto failed = [&] {
    for (size_t i = errors; i < ctx_.diagnostics.size(); ++i)
      if (ctx_.diagnostics[i].severity == Severity::Error) return true;
    return false;
  };
  if (k_.launchBounds && k_.launchBounds->maxThreadsPerBlock > 0) maxThreads_ = k_.launchBounds->maxThreadsPerBlock;
  StmtPtr body = k_.body;
  if (!body) return true;
  // Matrix-core operations: the wmma calls and the mfma builtins the executors implement.
  walk(body, [&](const Expr &e) {
    auto *c = e.as<Call>();
    if (!c) return;
    if (matrix_recovery::wmmaOp(c->callee) == matrix_recovery::WmmaOp::Unsupported)
      ctx_.error(c->loc, "loop recovery: '" + c->callee +
                             "' is not supported (wmma fill_fragment, load_matrix_sync, store_matrix_sync and mma_sync are)");
    if (startsWith(c->callee, "__builtin_amdgcn_") && !matrix_recovery::mfmaForm(c->callee))
      ctx_.error(c->loc, "loop recovery: '" + c->callee + "' is not supported (of the AMD builtins, the six mfma forms "
                                                           "the executor implements are)");
    if (matrix_recovery::mfmaForm(c->callee) && warp_ != 64)
      ctx_.error(c->loc, "loop recovery: '" + c->callee + "' needs a 64-lane wavefront (warp size is " +
                             std::to_string(warp_) + ")");
    if (c->callee == "__syncthreads_count" || c->callee == "__syncthreads_and" || c->callee == "__syncthreads_or")
      ctx_.error(c->loc, "loop recovery: '" + c->callee + "' is not supported");
  }, [&](const Stmt &s) {
    if (auto *y = s.as<Sync>(); y && y->scope != SyncScope::Block && y->scope != SyncScope::Warp &&
                                 y->scope != SyncScope::ThreadFence)
      ctx_.error(y->loc, std::string("loop recovery: synchronization '") + syncScopeName(y->scope) +
                             "' is not a CUDA/HIP barrier");
    if (s.kind == StmtKind::Launch) ctx_.error(s.loc, "loop recovery: kernel launches inside kernels are not supported");
  });
  if (failed()) return false;

  body = SelectFolder().mutate(body);
  if (!inlineHelpers(body)) return false;
  if (!lowerAtomics(body)) return false;
  gen_.addAll(body);
  for (auto &p : k_.params) gen_.used.insert(p.name);
  body = Uniquifier(gen_, k_.params).mutate(body);

  // Names of the recovered loops' variables.
  const char *xyz[3] = {"x", "y", "z"};
  for (int d = 0; d < 3; ++d) {
    ax_.gridDim[d] = gen_.fresh(std::string("grid_") + xyz[d]);
  }
  for (int d = 0; d < 3; ++d) ax_.blockDim[d] = gen_.fresh(std::string("block_") + xyz[d]);
  if (usesDynamicShared || [&] {
        bool ext = false;
        walk(body, {}, [&](const Stmt &s) {
          if (auto *a = s.as<Alloc>(); a && a->space == MemSpace::Shared && a->isExtern) ext = true;
        });
        return ext;
      }())
    dynShared_ = gen_.fresh("dynamic_shared_bytes");
  for (int d = 0; d < 3; ++d) ax_.block[d] = gen_.fresh(std::string("b") + xyz[d]);
  for (int d = 0; d < 3; ++d) ax_.thread[d] = gen_.fresh(std::string("thread_") + xyz[d]);
  ax_.warpSize = warp_;
  tid_ = gen_.fresh("tid");
  threads_ = gen_.fresh("threads");
  lane_ = gen_.fresh("lane_id");

  body = AxisReplacer(ax_, ctx_).mutate(body);
  if (failed()) return false;
  extractShared(body);

  // Parameters the kernel writes are per-thread copies.
  std::set<std::string> written;
  walk(body, [&](const Expr &e) {
    if (auto *u = e.as<Unary>(); u && u->operand && u->operand->kind == ExprKind::Var &&
                                 (u->op == UnaryOp::PreInc || u->op == UnaryOp::PreDec || u->op == UnaryOp::PostInc ||
                                  u->op == UnaryOp::PostDec || u->op == UnaryOp::AddrOf))
      written.insert(u->operand->as<Var>()->name);
    if (auto *a = e.as<AssignExpr>(); a && a->target->kind == ExprKind::Var) written.insert(a->target->as<Var>()->name);
  }, [&](const Stmt &s) {
    if (auto *a = s.as<AssignStmt>(); a && a->target->kind == ExprKind::Var) written.insert(a->target->as<Var>()->name);
  });
  std::vector<Param> params = k_.params;
  std::vector<StmtPtr> copies;
  for (auto &p : params) {
    if (!written.count(p.name)) continue;
    std::string in = gen_.fresh(p.name + "_arg");
    copies.push_back(declare(p.name, p.type, var(in, p.type), k_.loc));
    p.name = in;
  }
  if (!copies.empty()) {
    copies.push_back(body);
    body = seq(copies);
  }

  if (!lowerFragments(body) || !retypeMfmaVectors(body)) return false;

  analyzeUniform(body);

  // Build the block body.
  std::vector<StmtPtr> blockOut;
  process(body, blockOut);
  flush(blockOut);
  if (failed()) return false;
  StmtPtr blockBody = seq(blockOut);
  blockBody = promote(blockBody);
  if (failed()) return false;
  std::vector<StmtPtr> blockStmts = sharedAllocs_;
  blockStmts.erase(std::remove_if(blockStmts.begin(), blockStmts.end(),
                                  [](const StmtPtr &s) { return s->as<Alloc>() && s->as<Alloc>()->isExtern; }),
                   blockStmts.end());
  blockStmts.insert(blockStmts.end(), blockStorage_.begin(), blockStorage_.end());
  blockStmts.push_back(blockBody);
  StmtPtr block = removeDeadFlags(seq(blockStmts));
  // Flatten `{ storage; { phases } }` into one block body.
  if (auto *sq = block->as<Seq>(); sq && !sq->body.empty() && sq->body.back()->kind == StmtKind::Seq) {
    auto n = std::make_shared<Seq>(*sq);
    auto inner = n->body.back()->as<Seq>()->body;
    n->body.pop_back();
    n->body.insert(n->body.end(), inner.begin(), inner.end());
    block = n;
  }

  // for bz, by, bx: { block }
  StmtPtr loops = block;
  for (int d = 0; d < 3; ++d) loops = countedFor(ax_.block[d], var(ax_.gridDim[d], tU32()), loops, !usesAtomics);
  std::vector<StmtPtr> fn;
  auto bd = [&](int d) { return var(ax_.blockDim[d], tU32()); };
  fn.push_back(declare(threads_, constOf(tU32(), true),
                       bin(BinaryOp::Mul, bin(BinaryOp::Mul, bd(0), bd(1)), bd(2))));
  std::string dynBuf;
  if (!dynShared_.empty() && !externShared_.empty()) {
    // Dynamic shared memory: one buffer reused by every block (malloc: aligned for any type).
    auto uchar = Type::pointerTo(scalarT(ScalarType::U8));
    auto uc = std::make_shared<Type>(*scalarT(ScalarType::U8));
    uc->name = "unsigned char";
    uchar = Type::pointerTo(uc);
    dynBuf = gen_.fresh("dynamic_shared");
    fn.push_back(declare(dynBuf, uchar, castTo(uchar, call("malloc", {var(dynShared_, tSize())}, Type::pointerTo(scalarT(ScalarType::Void)))),
                         k_.loc));
    for (auto *a : externShared_) {
      TypePtr elem = a->type && a->type->kind == Type::Kind::Array ? a->type->element : a->type;
      auto pt = Type::pointerTo(constOf(elem, false));
      auto c = mk<Cast>(a->loc);
      c->style = CastStyle::Reinterpret;
      c->type = pt;
      c->operand = var(dynBuf, uchar);
      fn.push_back(declare(a->name, pt, c, a->loc));
    }
  }
  fn.push_back(loops);
  if (!dynBuf.empty()) fn.push_back(evalStmt(call("free", {var(dynBuf, nullptr)}, scalarT(ScalarType::Void))));

  // The signature.
  std::vector<Param> np;
  for (int d = 0; d < 3; ++d) np.push_back({ax_.gridDim[d], tU32()});
  for (int d = 0; d < 3; ++d) np.push_back({ax_.blockDim[d], tU32()});
  if (!dynShared_.empty()) np.push_back({dynShared_, tSize()});
  size_t added = np.size();
  np.insert(np.end(), params.begin(), params.end());
  k_.params = np;
  if (k_.templateInstance) {
    auto &pp = k_.templateInstance->primaryParams;
    std::vector<std::pair<std::string, TypePtr>> pre;
    for (size_t i = 0; i < added; ++i) pre.push_back({np[i].name, np[i].type});
    pp.insert(pp.begin(), pre.begin(), pre.end());
  }
  k_.kind = FunctionKind::Host;
  k_.launchBounds.reset();
  k_.body = seq(fn, true, k_.body->loc);
  return !failed();
}

// ---- launches ------------------------------------------------------------------------------------

// (x, y, z) of a launch dimension: an integer, `dim3(a, b)`, or a dim3 variable.
std::vector<ExprPtr> dims(const ExprPtr &e) {
  auto one = [] { return lit(1, tU32()); };
  if (!e) return {one(), one(), one()};
  if (auto *c = e->as<Call>(); c && c->callee == "dim3") {
    std::vector<ExprPtr> r;
    for (size_t i = 0; i < 3; ++i) r.push_back(i < c->args.size() ? c->args[i] : one());
    return r;
  }
  if (auto *c = e->as<Cast>(); c && c->type && c->type->kind == Type::Kind::Named && c->type->name == "dim3")
    return {c->operand, one(), one()};
  if (e->type && e->type->kind == Type::Kind::Named && e->type->name == "dim3")
    return {member(e, "x", tU32()), member(e, "y", tU32()), member(e, "z", tU32())};
  return {e, one(), one()};
}

class LaunchRewriter : public IRMutator {
public:
  std::map<std::string, bool> kernels;  // name -> takes dynamic shared bytes
  PassContext *ctx = nullptr;
  int rewritten = 0;

protected:
  StmtPtr visitLaunch(const Launch &node, const StmtPtr &self) override {
    auto it = kernels.find(node.kernel);
    if (it == kernels.end()) return self;
    if (node.config.isBang()) return self;
    std::vector<ExprPtr> args;
    for (auto &d : dims(node.config.grid)) args.push_back(d);
    for (auto &d : dims(node.config.block)) args.push_back(d);
    if (it->second) args.push_back(node.config.sharedBytes ? node.config.sharedBytes : lit(0, tSize()));
    args.insert(args.end(), node.args.begin(), node.args.end());
    auto c = mk<Call>(node.loc);
    c->callee = node.kernel;
    c->templateArgs = node.templateArgs;
    c->args = args;
    c->callKind = CallKind::User;
    c->type = scalarT(ScalarType::Void);
    ++rewritten;
    return evalStmt(c, node.loc);
  }
};

// ---- OpenMP ----------------------------------------------------------------------------------------

class OpenMPRecovery : public IRMutator {
public:
  int loops = 0, pragmas = 0, queries = 0;

protected:
  StmtPtr visitFor(const For &node, const StmtPtr &self) override {
    StmtPtr r = IRMutator::visitFor(node, self);
    if (node.forKind != ForKind::Parallel || node.boundAxis) return r;
    auto n = std::make_shared<For>(*r->as<For>());
    n->forKind = ForKind::Serial;
    // A reduction combines iterations: they are not independent. Neither are iterations that
    // pick thread-private storage by omp_get_thread_num(): sequentially they all share thread 0's.
    n->independent = node.parallelClauses.find("reduction") == std::string::npos && !callsThreadNum(node.body);
    n->parallelClauses.clear();
    ++loops;
    return n;
  }
  // The OpenMP queries a sequential program answers for its one thread.
  ExprPtr visitCall(const Call &node, const ExprPtr &self) override {
    static const std::map<std::string, int> sequential = {
        {"omp_get_thread_num", 0}, {"omp_get_num_threads", 1}, {"omp_get_max_threads", 1}, {"omp_in_parallel", 0}};
    auto it = sequential.find(node.callee);
    if (it == sequential.end() || !node.args.empty()) return IRMutator::visitCall(node, self);
    ++queries;
    return lit(it->second, node.type, node.loc);
  }
  static bool callsThreadNum(const StmtPtr &s) {
    struct Finder : IRVisitor {
      bool found = false;
      void visitCall(const Call &c) override {
        found |= c.callee == "omp_get_thread_num";
        IRVisitor::visitCall(c);
      }
    } f;
    f.visit(s);
    return f.found;
  }
  StmtPtr visitVerbatimStmt(const VerbatimStmt &node, const StmtPtr &self) override {
    std::string t = node.text;
    t.erase(0, t.find_first_not_of(" \t"));
    if (!startsWith(t, "#pragma omp") && !startsWith(t, "# pragma omp")) return self;
    ++pragmas;
    return seq({}, false, node.loc);  // sequentially every thread team is one thread
  }
};

}  // namespace

bool recoverLoops(ast::Module &module, const LoopRecoveryOptions &o, PassContext &ctx) {
  Module m = module;
  bool simt = m.dialect == Dialect::CUDA || m.dialect == Dialect::HIP;
  int warp = o.warpSize > 0 ? o.warpSize : m.dialect == Dialect::HIP ? 64 : 32;
  if (simt && warp != 32 && warp != 64) {
    ctx.error({}, "loop recovery: warp size must be 32 or 64, not " + std::to_string(warp));
    return false;
  }
  size_t firstDiag = ctx.diagnostics.size();
  auto failed = [&] {
    for (size_t i = firstDiag; i < ctx.diagnostics.size(); ++i)
      if (ctx.diagnostics[i].severity == Severity::Error) return true;
    return false;
  };

  NameGen globals;
  for (auto &item : m.items) {
    if (auto *f = std::get_if<Function>(&item)) globals.used.insert(f->name);
    if (auto *g = std::get_if<GlobalVar>(&item)) globals.used.insert(g->name);
  }

  KernelStats stats;
  int kernels = 0, atomicsKernels = 0;
  std::map<std::string, bool> launchable;
  if (simt) {
    const Module original = m;  // helpers are inlined from their original bodies
    for (auto &item : m.items) {
      auto *f = std::get_if<Function>(&item);
      if (!f || f->kind != FunctionKind::Kernel) continue;
      NameGen gen = globals;
      KernelRecovery kr(original, *f, gen, warp, ctx, stats);
      if (!f->body) {
        // A declaration: the same signature change (no dynamic shared memory known).
        std::vector<Param> np;
        for (const char *n : {"grid_x", "grid_y", "grid_z", "block_x", "block_y", "block_z"}) np.push_back({n, tU32()});
        np.insert(np.end(), f->params.begin(), f->params.end());
        f->params = np;
        f->kind = FunctionKind::Host;
        f->launchBounds.reset();
        launchable.emplace(f->name, false);
        continue;
      }
      kr.run();
      ++kernels;
      if (kr.usesAtomics) ++atomicsKernels;
      launchable[f->name] = launchable[f->name] || kr.usesDynamicShared;
    }
    if (failed()) return false;
    // Device helpers that were inlined everywhere may still be called from other helpers; all of
    // them become host functions.
    for (auto &item : m.items)
      if (auto *f = std::get_if<Function>(&item); f && (f->kind == FunctionKind::Device || f->kind == FunctionKind::HostDevice))
        f->kind = FunctionKind::Host;
    // Helpers that contain collectives or thread indices are dead now (inlined); drop them.
    auto inlined = functionsToInline(original);
    std::set<std::string> drop;
    for (auto *f : inlined) drop.insert(f->name);
    m.items.erase(std::remove_if(m.items.begin(), m.items.end(),
                                 [&](const TopLevel &t) {
                                   auto *f = std::get_if<Function>(&t);
                                   return f && drop.count(f->name);
                                 }),
                  m.items.end());
    LaunchRewriter lr;
    lr.kernels = launchable;
    lr.ctx = &ctx;
    for (auto &item : m.items)
      if (auto *f = std::get_if<Function>(&item); f && f->body) f->body = lr.mutate(f->body);
    ctx.stats["launches_rewritten"] = lr.rewritten;
  }
  OpenMPRecovery omp;
  for (auto &item : m.items)
    if (auto *f = std::get_if<Function>(&item); f && f->body) f->body = omp.mutate(f->body);
  if (failed()) return false;

  ctx.params["warp_size"] = warp;
  ctx.stats["kernels_recovered"] = kernels;
  ctx.stats["phases"] = stats.phases;
  ctx.stats["barriers_split"] = stats.barriers;
  ctx.stats["collectives_lowered"] = stats.collectives;
  ctx.stats["kernels_with_atomics"] = atomicsKernels;
  ctx.stats["omp_loops_serialized"] = omp.loops;
  ctx.stats["omp_pragmas_dropped"] = omp.pragmas;
  ctx.stats["omp_queries_answered"] = omp.queries;
  module = std::move(m);
  return true;
}

}  // namespace xpile::passes
