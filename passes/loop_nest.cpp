#include "passes/loop_nest.h"

#include "ast/dump.h"
#include "ast/visitor.h"

#include <z3++.h>

#include <sstream>

namespace xpile::passes::loops {

using namespace ast;

// ---- Selecting loops ---------------------------------------------------------------------------

namespace {

std::vector<std::string> splitPath(const std::string &s) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : s) {
    if (ch == '/') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += ch;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

// The canonical loops of variable `v` directly below `s` (through blocks, ifs and switches, not
// through other loops), in source order.
void findLoops(const StmtPtr &s, const std::string &v, std::vector<StmtPtr> &out) {
  if (!s) return;
  switch (s->kind) {
  case StmtKind::Seq:
    for (auto &c : s->as<Seq>()->body) findLoops(c, v, out);
    break;
  case StmtKind::If:
    findLoops(s->as<If>()->thenBody, v, out);
    findLoops(s->as<If>()->elseBody, v, out);
    break;
  case StmtKind::Switch:
    for (auto &c : s->as<Switch>()->cases)
      for (auto &b : c.body) findLoops(b, v, out);
    break;
  case StmtKind::For:
    if (s->as<For>()->var == v) out.push_back(s);
    break;
  default: break;
  }
}

}  // namespace

std::optional<LoopRef> selectLoop(Module &m, const std::string &function, const std::string &path,
                                  PassContext &ctx, const std::string &pass) {
  std::vector<std::string> parts = splitPath(path);
  std::string fname = function;
  if (fname.empty() && !parts.empty()) {
    fname = parts.front();
    parts.erase(parts.begin());
  }
  LoopRef ref;
  for (auto &item : m.items)
    if (auto *f = std::get_if<Function>(&item))
      if (f->name == fname && f->body) ref.function = f;
  if (!ref.function) {
    ctx.error({}, pass + ": no function named '" + fname + "' with a body");
    return std::nullopt;
  }
  if (parts.empty()) {
    ctx.error(ref.function->loc, pass + ": no loop named in selector '" + path + "'");
    return std::nullopt;
  }
  StmtPtr scope = ref.function->body;
  for (size_t p = 0; p < parts.size(); ++p) {
    std::string v = parts[p];
    size_t nth = 0;
    if (auto hash = v.find('#'); hash != std::string::npos) {
      nth = static_cast<size_t>(std::stoul(v.substr(hash + 1)));
      v = v.substr(0, hash);
    }
    std::vector<StmtPtr> found;
    findLoops(scope, v, found);
    if (found.size() <= nth || (found.size() > 1 && parts[p].find('#') == std::string::npos)) {
      std::string msg = pass + ": selector '" + fname + "/" + path + "': ";
      if (found.empty()) msg += "no loop over '" + v + "' here";
      else if (found.size() <= nth) msg += "only " + std::to_string(found.size()) + " loops over '" + v + "'";
      else msg += std::to_string(found.size()) + " loops over '" + v + "'; pick one with '" + v + "#n'";
      ctx.error(scope->loc, msg);
      return std::nullopt;
    }
    if (ref.node) ref.outer.push_back(ref.node);
    ref.loop = found[nth];
    ref.node = ref.loop->as<For>();
    scope = ref.node->body;
  }
  return ref;
}

std::vector<StmtPtr> bodyStmts(const StmtPtr &body) {
  if (!body) return {};
  if (auto *s = body->as<Seq>()) return s->body;
  return {body};
}

std::optional<SeqSlot> findSlot(const Function &f, const Stmt *target) {
  struct Finder : IRVisitor {
    const Stmt *target;
    std::optional<SeqSlot> slot;
    void visitSeq(const Seq &n) override {
      for (size_t i = 0; i < n.body.size(); ++i)
        if (n.body[i].get() == target) slot = SeqSlot{&n, i};
      IRVisitor::visitSeq(n);
    }
  } finder;
  finder.target = target;
  finder.visit(f);
  return finder.slot;
}

namespace {

class Replacer : public IRMutator {
public:
  explicit Replacer(const std::map<const Stmt *, std::vector<StmtPtr>> &r) : repl(r) {}

protected:
  const std::map<const Stmt *, std::vector<StmtPtr>> &repl;

  StmtPtr single(const std::vector<StmtPtr> &v) {
    if (v.size() == 1) return v[0];
    auto s = std::make_shared<Seq>();
    s->body = v;
    return s;
  }
  StmtPtr visitSeq(const Seq &node, const StmtPtr &self) override {
    if (auto it = repl.find(self.get()); it != repl.end()) return single(it->second);
    auto out = std::make_shared<Seq>(node);
    out->body.clear();
    bool changed = false;
    for (auto &c : node.body) {
      if (auto it = repl.find(c.get()); it != repl.end()) {
        for (auto &r : it->second) out->body.push_back(r);
        changed = true;
      } else {
        StmtPtr m = mutate(c);
        changed |= m != c;
        out->body.push_back(m);
      }
    }
    return changed ? out : self;
  }
#define XPILE_REPLACE(N)                                                                 \
  StmtPtr visit##N(const N &node, const StmtPtr &self) override {                      \
    if (auto it = repl.find(self.get()); it != repl.end()) return single(it->second);  \
    return IRMutator::visit##N(node, self);                                            \
  }
  XPILE_REPLACE(Decl) XPILE_REPLACE(Alloc) XPILE_REPLACE(AssignStmt) XPILE_REPLACE(Eval) XPILE_REPLACE(If)
  XPILE_REPLACE(Switch) XPILE_REPLACE(For) XPILE_REPLACE(Loop) XPILE_REPLACE(Sync) XPILE_REPLACE(Copy)
  XPILE_REPLACE(Return)
#undef XPILE_REPLACE
};

}  // namespace

void replaceStmts(Function &f, const std::map<const Stmt *, std::vector<StmtPtr>> &repl) {
  Replacer r(repl);
  f = r.mutate(f);
}

// ---- Building expressions ---------------------------------------------------------------------

ExprPtr intLit(int64_t v) {
  auto e = std::make_shared<IntLit>();
  e->value = v;
  e->type = Type::scalarOf(ScalarType::I32);
  return e;
}

ExprPtr var(const std::string &name, TypePtr type) {
  auto e = std::make_shared<Var>();
  e->name = name;
  e->type = type ? type : Type::scalarOf(ScalarType::I32);
  return e;
}

std::optional<int64_t> constValue(const ExprPtr &e) {
  if (!e) return std::nullopt;
  if (auto *l = e->as<IntLit>()) return l->value;
  if (auto *c = e->as<Cast>(); c && c->type && c->type->isInteger()) return constValue(c->operand);
  if (auto *u = e->as<Unary>(); u && u->op == UnaryOp::Neg)
    if (auto v = constValue(u->operand)) return -*v;
  if (auto *b = e->as<Binary>()) {
    auto x = constValue(b->lhs), y = constValue(b->rhs);
    if (!x || !y) return std::nullopt;
    switch (b->op) {
    case BinaryOp::Add: return *x + *y;
    case BinaryOp::Sub: return *x - *y;
    case BinaryOp::Mul: return *x * *y;
    case BinaryOp::Div: if (*y != 0) return *x / *y; break;
    case BinaryOp::Mod: if (*y != 0) return *x % *y; break;
    default: break;
    }
  }
  return std::nullopt;
}

ExprPtr binary(BinaryOp op, ExprPtr a, ExprPtr b) {
  auto ca = constValue(a), cb = constValue(b);
  if (ca && cb && (op == BinaryOp::Add || op == BinaryOp::Sub || op == BinaryOp::Mul ||
                   ((op == BinaryOp::Div || op == BinaryOp::Mod) && *cb > 0 && *ca >= 0))) {
    auto folded = std::make_shared<Binary>();
    folded->op = op;
    folded->lhs = a;
    folded->rhs = b;
    return intLit(*constValue(folded));
  }
  if (op == BinaryOp::Add && cb && *cb == 0) return a;
  if (op == BinaryOp::Add && ca && *ca == 0) return b;
  if (op == BinaryOp::Sub && cb && *cb == 0) return a;
  if (op == BinaryOp::Mul && cb && *cb == 1) return a;
  if (op == BinaryOp::Mul && ca && *ca == 1) return b;
  if ((op == BinaryOp::Mul) && ((ca && *ca == 0) || (cb && *cb == 0))) return intLit(0);
  if (op == BinaryOp::Div && cb && *cb == 1) return a;
  // x + (-c) reads better as x - c
  if (op == BinaryOp::Add && cb && *cb < 0) return binary(BinaryOp::Sub, a, intLit(-*cb));
  auto e = std::make_shared<Binary>();
  e->op = op;
  e->lhs = std::move(a);
  e->rhs = std::move(b);
  switch (op) {
  case BinaryOp::LT: case BinaryOp::LE: case BinaryOp::GT: case BinaryOp::GE: case BinaryOp::EQ:
  case BinaryOp::NE: case BinaryOp::LAnd: case BinaryOp::LOr:
    e->type = Type::scalarOf(ScalarType::Bool);
    break;
  default: e->type = e->lhs->type ? e->lhs->type : e->rhs->type; break;
  }
  return e;
}

ExprPtr load(ExprPtr base, std::vector<ExprPtr> indices) {
  ExprPtr cur = std::move(base);
  TypePtr t = cur->type;
  for (auto &i : indices) {
    auto l = std::make_shared<Load>();
    l->base = cur;
    l->index = i;
    if (t && (t->kind == Type::Kind::Array || t->kind == Type::Kind::Pointer)) t = t->element;
    l->type = t;
    cur = l;
  }
  return cur;
}

bool sameExpr(const ExprPtr &a, const ExprPtr &b) {
  if (a == b) return true;
  if (!a || !b || a->kind != b->kind) return false;
  switch (a->kind) {
  case ExprKind::IntLit: return a->as<IntLit>()->value == b->as<IntLit>()->value;
  case ExprKind::FloatLit: return a->as<FloatLit>()->value == b->as<FloatLit>()->value;
  case ExprKind::BoolLit: return a->as<BoolLit>()->value == b->as<BoolLit>()->value;
  case ExprKind::Var: return a->as<Var>()->name == b->as<Var>()->name;
  case ExprKind::Unary: {
    auto *x = a->as<Unary>(), *y = b->as<Unary>();
    return x->op == y->op && sameExpr(x->operand, y->operand);
  }
  case ExprKind::Binary: {
    auto *x = a->as<Binary>(), *y = b->as<Binary>();
    return x->op == y->op && sameExpr(x->lhs, y->lhs) && sameExpr(x->rhs, y->rhs);
  }
  case ExprKind::Load: {
    auto *x = a->as<Load>(), *y = b->as<Load>();
    return sameExpr(x->base, y->base) && sameExpr(x->index, y->index);
  }
  case ExprKind::Member: {
    auto *x = a->as<Member>(), *y = b->as<Member>();
    return x->field == y->field && x->arrow == y->arrow && sameExpr(x->base, y->base);
  }
  case ExprKind::Cast: {
    auto *x = a->as<Cast>(), *y = b->as<Cast>();
    return x->type && y->type && *x->type == *y->type && sameExpr(x->operand, y->operand);
  }
  case ExprKind::Select: {
    auto *x = a->as<Select>(), *y = b->as<Select>();
    return sameExpr(x->cond, y->cond) && sameExpr(x->thenValue, y->thenValue) && sameExpr(x->elseValue, y->elseValue);
  }
  case ExprKind::ParallelIndex: {
    auto *x = a->as<ParallelIndex>(), *y = b->as<ParallelIndex>();
    return x->axis == y->axis && x->dim == y->dim;
  }
  case ExprKind::Call: {
    auto *x = a->as<Call>(), *y = b->as<Call>();
    if (x->callee != y->callee || x->args.size() != y->args.size() || x->receiver || y->receiver) return false;
    for (size_t i = 0; i < x->args.size(); ++i)
      if (!sameExpr(x->args[i], y->args[i])) return false;
    return true;
  }
  default: return false;
  }
}

StmtPtr block(std::vector<StmtPtr> body) {
  if (body.size() == 1 && body[0]->kind != StmtKind::Decl && body[0]->kind != StmtKind::Alloc) return body[0];
  auto s = std::make_shared<Seq>();
  s->body = std::move(body);
  return s;
}

StmtPtr makeFor(const std::string &v, TypePtr type, ExprPtr start, ExprPtr end, ExprPtr step, StmtPtr body,
                const For *like) {
  auto f = std::make_shared<For>();
  f->var = v;
  f->varType = type ? type : Type::scalarOf(ScalarType::I32);
  f->start = std::move(start);
  f->end = std::move(end);
  f->step = std::move(step);
  f->body = std::move(body);
  if (like) f->loc = like->loc;
  return f;
}

StmtPtr constDecl(const std::string &name, TypePtr type, ExprPtr init) {
  auto d = std::make_shared<Decl>();
  d->name = name;
  auto t = std::make_shared<Type>(type ? *type : *Type::scalarOf(ScalarType::I32));
  t->isConst = true;
  d->type = t;
  d->init = std::move(init);
  return d;
}

namespace {

class Substituter : public IRMutator {
public:
  explicit Substituter(const std::map<std::string, ExprPtr> &m) : map(m) {}
  ExprPtr visitVar(const Var &node, const ExprPtr &self) override {
    if (shadowed.count(node.name)) return self;
    auto it = map.find(node.name);
    return it == map.end() ? self : it->second;
  }
  // A declaration of a substituted name hides it for the rest of its block.
  StmtPtr visitSeq(const Seq &node, const StmtPtr &self) override {
    auto saved = shadowed;
    StmtPtr out = IRMutator::visitSeq(node, self);
    shadowed = saved;
    return out;
  }
  StmtPtr visitDecl(const Decl &node, const StmtPtr &self) override {
    StmtPtr out = IRMutator::visitDecl(node, self);
    if (map.count(node.name)) shadowed.insert(node.name);
    return out;
  }
  StmtPtr visitFor(const For &node, const StmtPtr &self) override {
    if (!map.count(node.var)) return IRMutator::visitFor(node, self);
    auto saved = shadowed;
    auto out = std::make_shared<For>(node);
    out->start = mutate(node.start);
    shadowed.insert(node.var);
    out->end = mutate(node.end);
    out->step = mutate(node.step);
    out->body = mutate(node.body);
    shadowed = saved;
    return out;
  }

private:
  const std::map<std::string, ExprPtr> &map;
  std::set<std::string> shadowed;
};

class AccessRewriter : public IRMutator {
public:
  AccessRewriter(const std::string &b, const std::function<ExprPtr(const std::vector<ExprPtr> &)> &f)
      : buffer(b), fn(f) {}
  ExprPtr visitLoad(const Load &node, const ExprPtr &self) override {
    std::vector<ExprPtr> idx;
    const Expr *cur = self.get();
    while (auto *l = cur->as<Load>()) {
      idx.insert(idx.begin(), l->index);
      cur = l->base.get();
    }
    if (auto *v = cur->as<Var>(); v && v->name == buffer) {
      for (auto &i : idx) i = mutate(i);
      return fn(idx);
    }
    return IRMutator::visitLoad(node, self);
  }

private:
  const std::string &buffer;
  const std::function<ExprPtr(const std::vector<ExprPtr> &)> &fn;
};

class Simplifier : public IRMutator {
public:
  ExprPtr visitBinary(const Binary &node, const ExprPtr &self) override {
    ExprPtr l = mutate(node.lhs), r = mutate(node.rhs);
    bool arith = node.op == BinaryOp::Add || node.op == BinaryOp::Sub || node.op == BinaryOp::Mul ||
                 node.op == BinaryOp::Div || node.op == BinaryOp::Mod;
    // Only integer arithmetic: folding floating-point expressions could change rounding.
    bool ints = (!l->type || l->type->isInteger()) && (!r->type || r->type->isInteger());
    if (arith && ints) {
      ExprPtr folded = binary(node.op, l, r);
      auto *b = folded->as<Binary>();
      if (!b || b->op != node.op || b->lhs != l || b->rhs != r) return folded;  // something folded
    }
    if (l == node.lhs && r == node.rhs) return self;
    auto out = std::make_shared<Binary>(node);
    out->lhs = l;
    out->rhs = r;
    return out;
  }
};

}  // namespace

StmtPtr simplify(const StmtPtr &s) {
  Simplifier simp;
  return simp.mutate(s);
}
ExprPtr simplify(const ExprPtr &e) {
  Simplifier simp;
  return simp.mutate(e);
}

ExprPtr substitute(const ExprPtr &e, const std::map<std::string, ExprPtr> &map) {
  Substituter s(map);
  return s.mutate(e);
}
StmtPtr substitute(const StmtPtr &st, const std::map<std::string, ExprPtr> &map) {
  Substituter s(map);
  return s.mutate(st);
}
StmtPtr rewriteAccesses(const StmtPtr &s, const std::string &buffer,
                        const std::function<ExprPtr(const std::vector<ExprPtr> &)> &fn) {
  AccessRewriter r(buffer, fn);
  return r.mutate(s);
}

std::string freshName(const Function &f, const std::string &base, const std::set<std::string> &taken) {
  struct Names : IRVisitor {
    std::set<std::string> names;
    void visitVar(const Var &n) override { names.insert(n.name); }
    void visitDecl(const Decl &n) override { names.insert(n.name); IRVisitor::visitDecl(n); }
    void visitAlloc(const Alloc &n) override { names.insert(n.name); IRVisitor::visitAlloc(n); }
    void visitFor(const For &n) override { names.insert(n.var); IRVisitor::visitFor(n); }
  } names;
  names.visit(f);
  for (auto &p : f.params) names.names.insert(p.name);
  names.names.insert(taken.begin(), taken.end());
  if (!names.names.count(base)) return base;
  for (int i = 1;; ++i)
    if (!names.names.count(base + "_" + std::to_string(i))) return base + "_" + std::to_string(i);
}

// ---- Effects ----------------------------------------------------------------------------------

namespace {

struct EffectWalker {
  Effects fx;
  int loopDepth = 0, switchDepth = 0;

  void opaque(const SourceLoc &loc, const std::string &why) { fx.opaque.push_back({loc, why}); }

  // Splits `t[i][j]` into its root variable and subscripts.
  static const Var *root(const Expr *e, std::vector<ExprPtr> &idx) {
    while (auto *l = e->as<Load>()) {
      idx.insert(idx.begin(), l->index);
      e = l->base.get();
    }
    return e->as<Var>();
  }

  void access(const ExprPtr &e, bool write, bool read) {
    std::vector<ExprPtr> idx;
    const Var *v = root(e.get(), idx);
    if (!v) {
      opaque(e->loc, "subscript of a computed pointer");
      return;
    }
    for (auto &i : idx) expr(i);
    fx.reads.insert(v->name);  // the pointer itself is read
    if (read) fx.accesses.push_back({v->name, idx, false, e->loc});
    if (write) fx.accesses.push_back({v->name, idx, true, e->loc});
  }

  void lvalue(const ExprPtr &t, bool alsoRead) {
    if (!t) return;
    if (auto *v = t->as<Var>()) {
      fx.writes.insert(v->name);
      if (alsoRead) fx.reads.insert(v->name);
    } else if (t->as<Load>()) {
      access(t, true, alsoRead);
    } else if (auto *m = t->as<Member>(); m && !m->arrow) {
      lvalue(m->base, true);  // writing one field keeps the others
    } else if (auto *u = t->as<Unary>(); u && u->op == UnaryOp::Deref && u->operand->as<Var>()) {
      auto l = std::make_shared<Load>();
      l->base = u->operand;
      l->index = intLit(0);
      l->loc = t->loc;
      access(l, true, alsoRead);
    } else {
      opaque(t->loc, "assignment through " + dumpExpr(t));
    }
  }

  void expr(const ExprPtr &e) {
    if (!e) return;
    switch (e->kind) {
    case ExprKind::Var: fx.reads.insert(e->as<Var>()->name); break;
    case ExprKind::Load: access(e, false, true); break;
    case ExprKind::Unary: {
      auto *u = e->as<Unary>();
      switch (u->op) {
      case UnaryOp::PreInc: case UnaryOp::PreDec: case UnaryOp::PostInc: case UnaryOp::PostDec:
        lvalue(u->operand, true);
        break;
      case UnaryOp::Deref:
        if (u->operand->as<Var>()) {
          auto l = std::make_shared<Load>();
          l->base = u->operand;
          l->index = intLit(0);
          l->loc = e->loc;
          access(l, false, true);
        } else {
          opaque(e->loc, "dereference of a computed pointer");
        }
        break;
      case UnaryOp::AddrOf: opaque(e->loc, "address taken"); break;
      default: expr(u->operand); break;
      }
      break;
    }
    case ExprKind::Binary: expr(e->as<Binary>()->lhs); expr(e->as<Binary>()->rhs); break;
    case ExprKind::Assign: {
      auto *a = e->as<AssignExpr>();
      lvalue(a->target, a->op.has_value());
      expr(a->value);
      break;
    }
    case ExprKind::Member: expr(e->as<Member>()->base); break;
    case ExprKind::Call: {
      auto *c = e->as<Call>();
      // Only math functions (and the constant builtins behind INFINITY/NAN) are known to be pure;
      // anything else may read or write memory.
      static const char *pureBuiltins[] = {"__builtin_inff", "__builtin_inf", "__builtin_nanf", "__builtin_nan",
                                           "__builtin_huge_valf", "__builtin_huge_val", "__builtin_expect"};
      bool pure = c->callKind == CallKind::Math;
      for (const char *b : pureBuiltins) pure |= c->callee == b;
      if (!pure) {
        opaque(e->loc, "call to " + c->callee);
        fx.intrinsicCalls += c->callKind == CallKind::Intrinsic || c->callKind == CallKind::Warp;
      }
      expr(c->receiver);
      for (auto &a : c->args) expr(a);
      break;
    }
    case ExprKind::Cast: expr(e->as<Cast>()->operand); break;
    case ExprKind::Select:
      expr(e->as<Select>()->cond);
      expr(e->as<Select>()->thenValue);
      expr(e->as<Select>()->elseValue);
      break;
    case ExprKind::SizeOf: break;
    case ExprKind::InitList:
      for (auto &x : e->as<InitList>()->elements) expr(x);
      break;
    case ExprKind::Verbatim: opaque(e->loc, "verbatim expression"); break;
    default: break;
    }
  }

  void stmt(const StmtPtr &s) {
    if (!s) return;
    switch (s->kind) {
    case StmtKind::Seq:
      for (auto &c : s->as<Seq>()->body) stmt(c);
      break;
    case StmtKind::Decl:
      fx.declared.insert(s->as<Decl>()->name);
      expr(s->as<Decl>()->init);
      break;
    case StmtKind::Alloc:
      fx.declared.insert(s->as<Alloc>()->name);
      expr(s->as<Alloc>()->init);
      break;
    case StmtKind::Assign: {
      auto *a = s->as<AssignStmt>();
      expr(a->value);
      lvalue(a->target, a->op.has_value());
      break;
    }
    case StmtKind::Eval: expr(s->as<Eval>()->value); break;
    case StmtKind::If:
      expr(s->as<If>()->cond);
      stmt(s->as<If>()->thenBody);
      stmt(s->as<If>()->elseBody);
      break;
    case StmtKind::Switch:
      expr(s->as<Switch>()->value);
      ++switchDepth;
      for (auto &c : s->as<Switch>()->cases)
        for (auto &b : c.body) stmt(b);
      --switchDepth;
      break;
    case StmtKind::For: {
      auto *f = s->as<For>();
      fx.declared.insert(f->var);
      fx.innerLoops[f->var] = f;
      expr(f->start);
      expr(f->end);
      expr(f->step);
      ++loopDepth;
      int savedSwitch = switchDepth;
      switchDepth = 0;
      stmt(f->body);
      switchDepth = savedSwitch;
      --loopDepth;
      break;
    }
    case StmtKind::Loop: {
      auto *l = s->as<Loop>();
      stmt(l->init);
      expr(l->cond);
      expr(l->update);
      ++loopDepth;
      int savedSwitch = switchDepth;
      switchDepth = 0;
      stmt(l->body);
      switchDepth = savedSwitch;
      --loopDepth;
      break;
    }
    case StmtKind::Break:
      if (loopDepth == 0 && switchDepth == 0) fx.exits.push_back(s->loc);
      break;
    case StmtKind::Continue:
      if (loopDepth == 0) fx.exits.push_back(s->loc);
      break;
    case StmtKind::Return:
      expr(s->as<Return>()->value);
      fx.exits.push_back(s->loc);
      break;
    case StmtKind::Sync: fx.syncs.push_back(s->loc); break;
    case StmtKind::Copy: opaque(s->loc, "DMA copy"); break;
    case StmtKind::Verbatim: opaque(s->loc, "verbatim statement"); break;
    default: opaque(s->loc, "host operation"); break;
    }
  }
};

}  // namespace

Effects effectsOf(const StmtPtr &s) {
  EffectWalker w;
  w.stmt(s);
  return w.fx;
}

Effects effectsOf(const std::vector<StmtPtr> &ss) {
  EffectWalker w;
  for (auto &s : ss) w.stmt(s);
  return w.fx;
}

std::set<std::string> varsIn(const ExprPtr &e) {
  struct Vars : IRVisitor {
    std::set<std::string> names;
    void visitVar(const Var &n) override { names.insert(n.name); }
  } v;
  v.visit(e);
  return v.names;
}

namespace {
// Loop bounds must be plain arithmetic of variables: no loads, calls or assignments.
bool simpleBound(const ExprPtr &e) {
  if (!e) return true;
  switch (e->kind) {
  case ExprKind::IntLit: case ExprKind::Var: case ExprKind::ParallelIndex: case ExprKind::SizeOf: return true;
  case ExprKind::Unary: {
    auto op = e->as<Unary>()->op;
    return (op == UnaryOp::Neg || op == UnaryOp::Plus) && simpleBound(e->as<Unary>()->operand);
  }
  case ExprKind::Binary: return simpleBound(e->as<Binary>()->lhs) && simpleBound(e->as<Binary>()->rhs);
  case ExprKind::Cast: return simpleBound(e->as<Cast>()->operand);
  case ExprKind::Select:
    return simpleBound(e->as<Select>()->cond) && simpleBound(e->as<Select>()->thenValue) &&
           simpleBound(e->as<Select>()->elseValue);
  case ExprKind::Call:
    if (e->as<Call>()->callKind != CallKind::Math) return false;
    for (auto &a : e->as<Call>()->args)
      if (!simpleBound(a)) return false;
    return true;
  default: return false;
  }
}
}  // namespace

std::optional<Range> rangeOf(const For &f, PassContext &ctx, const std::string &pass, bool unitStep) {
  Range r{f.var, f.start, f.end, f.step ? f.step : intLit(1)};
  if (f.cmp == BinaryOp::LE) r.end = binary(BinaryOp::Add, f.end, intLit(1));
  else if (f.cmp != BinaryOp::LT) {
    ctx.error(f.loc, pass + ": loop '" + f.var + "' compares with '" + binaryOpSpelling(f.cmp) +
                         "'; only '<' and '<=' bounds are supported");
    return std::nullopt;
  }
  auto step = constValue(r.step);
  if (unitStep && (!step || *step != 1)) {
    ctx.error(f.loc, pass + ": loop '" + f.var + "' does not step by 1");
    return std::nullopt;
  }
  if (step && *step <= 0) {
    ctx.error(f.loc, pass + ": loop '" + f.var + "' does not increase");
    return std::nullopt;
  }
  Effects body = effectsOf(f.body);
  for (const ExprPtr &e : {f.start, f.end, f.step}) {
    if (!simpleBound(e)) {
      ctx.error(f.loc, pass + ": bound '" + dumpExpr(e) + "' of loop '" + f.var + "' is not plain arithmetic");
      return std::nullopt;
    }
    for (auto &v : varsIn(e))
      if (body.writes.count(v) || v == f.var) {
        ctx.error(f.loc, pass + ": bound '" + dumpExpr(e) + "' of loop '" + f.var + "' changes inside the loop ('" +
                             v + "' is written)");
        return std::nullopt;
      }
  }
  return r;
}

// ---- Dependences ------------------------------------------------------------------------------

namespace {

struct Z3Index {
  z3::context &c;
  std::map<std::string, z3::expr> &shared;
  const std::map<std::string, z3::expr> &iter;
  const std::set<std::string> &variant;
  int &fresh;

  z3::expr unknown() { return c.int_const(("u" + std::to_string(fresh++)).c_str()); }

  // C division truncates toward zero; Z3's rounds toward minus infinity for positive divisors.
  z3::expr cdiv(const z3::expr &a, const z3::expr &b) {
    z3::expr q = z3::ite(a >= 0, a / b, -((-a) / b));  // exact for b > 0
    if (b.is_numeral()) return q;
    return z3::ite(b > 0, q, z3::ite(a >= 0, -(a / -b), (-a) / -b));
  }
  z3::expr cmod(const z3::expr &a, const z3::expr &b) { return a - b * cdiv(a, b); }

  z3::expr tr(const ExprPtr &e) {
    if (!e) return unknown();
    switch (e->kind) {
    case ExprKind::IntLit: return c.int_val(static_cast<int64_t>(e->as<IntLit>()->value));
    case ExprKind::Var: {
      const std::string &n = e->as<Var>()->name;
      if (auto it = iter.find(n); it != iter.end()) return it->second;
      if (variant.count(n)) return unknown();
      auto it = shared.find(n);
      if (it == shared.end()) it = shared.emplace(n, c.int_const(("s_" + n).c_str())).first;
      return it->second;
    }
    case ExprKind::ParallelIndex: {
      auto *p = e->as<ParallelIndex>();
      std::string n = std::string(parallelAxisName(p->axis)) + "_" + std::to_string(p->dim);
      auto it = shared.find(n);
      if (it == shared.end()) it = shared.emplace(n, c.int_const(n.c_str())).first;
      return it->second;
    }
    case ExprKind::Cast:
      if (e->type && e->type->isInteger()) return tr(e->as<Cast>()->operand);
      return unknown();
    case ExprKind::Unary: {
      auto *u = e->as<Unary>();
      if (u->op == UnaryOp::Neg) return -tr(u->operand);
      if (u->op == UnaryOp::Plus) return tr(u->operand);
      return unknown();
    }
    case ExprKind::Binary: {
      auto *b = e->as<Binary>();
      auto rc = constValue(b->rhs);
      switch (b->op) {
      case BinaryOp::Add: return tr(b->lhs) + tr(b->rhs);
      case BinaryOp::Sub: return tr(b->lhs) - tr(b->rhs);
      case BinaryOp::Mul: return tr(b->lhs) * tr(b->rhs);
      case BinaryOp::Div:
        if (rc && *rc > 0) return cdiv(tr(b->lhs), c.int_val(static_cast<int64_t>(*rc)));
        if (rc) return unknown();
        return cdiv(tr(b->lhs), tr(b->rhs));
      case BinaryOp::Mod:
        if (rc && *rc > 0) return cmod(tr(b->lhs), c.int_val(static_cast<int64_t>(*rc)));
        if (rc) return unknown();
        return cmod(tr(b->lhs), tr(b->rhs));
      case BinaryOp::Shl:
        if (rc && *rc >= 0 && *rc < 31) return tr(b->lhs) * c.int_val(static_cast<int64_t>(1) << *rc);
        return unknown();
      default: return unknown();
      }
    }
    default: return unknown();
    }
  }
};

}  // namespace

bool mayConflict(const Access &a, const Access &b, const std::vector<Range> &dims, const std::set<std::string> &variant,
                 const OrderFn &order, std::string *why) {
  if (a.indices.size() != b.indices.size()) {
    if (why) *why = "'" + a.buffer + "' is subscripted with different ranks";
    return true;
  }
  z3::context c;
  z3::solver s(c);
  z3::params p(c);
  p.set("rlimit", 4000000u);  // a resource limit, not "timeout": the timer thread can deadlock in this Z3
  s.set(p);
  std::map<std::string, z3::expr> shared;
  int fresh = 0;
  std::vector<z3::expr> it1, it2;
  std::map<std::string, z3::expr> m1, m2;
  for (size_t d = 0; d < dims.size(); ++d) {
    for (int inst = 0; inst < 2; ++inst) {
      auto &m = inst == 0 ? m1 : m2;
      auto &it = inst == 0 ? it1 : it2;
      z3::expr v = c.int_const((dims[d].var + (inst == 0 ? "_1" : "_2")).c_str());
      Z3Index tr{c, shared, m, variant, fresh};
      z3::expr lo = tr.tr(dims[d].start), hi = tr.tr(dims[d].end);
      s.add(v >= lo && v < hi);
      auto step = constValue(dims[d].step);
      if (!step || *step != 1) {
        z3::expr q = tr.unknown();
        s.add(q >= 0 && v == lo + q * tr.tr(dims[d].step));
      }
      m.emplace(dims[d].var, v);
      it.push_back(v);
    }
  }
  Z3Index t1{c, shared, m1, variant, fresh}, t2{c, shared, m2, variant, fresh};
  // Linearized subscripts `A * S + v` with a loop `v` over [0, S) are equal exactly when both A
  // and v are (delinearization); saying so keeps the query linear where Z3 would give up.
  auto strip = [](ExprPtr e) {
    while (auto *c = e->as<Cast>()) {
      if (!c->type || !c->type->isInteger()) break;
      e = c->operand;
    }
    return e;
  };
  auto horner = [&](const ExprPtr &e0, ExprPtr &A, std::string &v, ExprPtr &S) {
    ExprPtr e = strip(e0);
    auto *add = e->as<Binary>();
    if (!add || add->op != BinaryOp::Add) return false;
    for (int side = 0; side < 2; ++side) {
      ExprPtr mul = strip(side ? add->lhs : add->rhs), rest = strip(side ? add->rhs : add->lhs);
      auto *mv = rest->as<Var>();
      auto *mb = mul->as<Binary>();
      if (!mv || !mb || mb->op != BinaryOp::Mul) continue;
      for (auto &d : dims) {
        if (d.var != mv->name || constValue(d.start) != std::optional<int64_t>(0)) continue;
        auto step = constValue(d.step);
        if (!step || *step != 1) continue;
        for (int f = 0; f < 2; ++f) {
          ExprPtr scale = f ? mb->lhs : mb->rhs;
          if (sameExpr(strip(scale), strip(d.end))) {
            A = f ? mb->rhs : mb->lhs;
            v = d.var;
            S = scale;
            return true;
          }
        }
      }
    }
    return false;
  };
  std::function<z3::expr(const ExprPtr &, const ExprPtr &)> equal = [&](const ExprPtr &x, const ExprPtr &y) {
    ExprPtr ax, ay, sx, sy;
    std::string vx, vy;
    if (horner(x, ax, vx, sx) && horner(y, ay, vy, sy) && vx == vy && sameExpr(sx, sy))
      return m1.at(vx) == m2.at(vy) && equal(ax, ay);
    return t1.tr(x) == t2.tr(y);
  };
  for (size_t k = 0; k < a.indices.size(); ++k) s.add(equal(a.indices[k], b.indices[k]));
  s.add(order(it1, it2));
  z3::check_result r = s.check();
  if (r == z3::unsat) return false;
  if (why) {
    std::ostringstream os;
    os << "'" << a.buffer;
    for (auto &i : a.indices) os << "[" << dumpExpr(i) << "]";
    os << "' (line " << a.loc.line << ") and '" << b.buffer;
    for (auto &i : b.indices) os << "[" << dumpExpr(i) << "]";
    os << "' (line " << b.loc.line << ") " << (r == z3::sat ? "can touch the same element" : "could not be proven disjoint");
    if (r == z3::sat) {
      z3::model mdl = s.get_model();
      os << " (e.g.";
      for (size_t d = 0; d < dims.size(); ++d)
        os << " " << dims[d].var << "=" << mdl.eval(it1[d], true) << " vs " << mdl.eval(it2[d], true);
      os << ")";
    }
    *why = os.str();
  }
  return true;
}

bool checkFuseOrFission(const Effects &first, const Effects &second, const Range &r, bool fusion,
                        const std::set<std::string> &variant, const SourceLoc &loc, PassContext &ctx,
                        const std::string &pass, const std::map<std::string, std::string> &roots) {
  const char *what = fusion ? "fusing" : "splitting the loop body";
  for (const Effects *fx : {&first, &second}) {
    if (!fx->opaque.empty()) {
      ctx.error(fx->opaque[0].first, pass + ": cannot analyse " + fx->opaque[0].second + "; refusing " + what);
      return false;
    }
    if (!fx->exits.empty()) {
      ctx.error(fx->exits[0], pass + ": break/continue/return leaves the loop body; refusing " + what);
      return false;
    }
    if (!fx->syncs.empty()) {
      ctx.error(fx->syncs[0], pass + ": a barrier in the loop body would run a different number of times; refusing " +
                                  what);
      return false;
    }
  }
  // Scalars carry values from one iteration to the next; moving one part past the other changes what
  // the other part sees (partial maxima, sums, ...).
  auto scalarClash = [&](const Effects &w, const Effects &o, const char *role) -> bool {
    for (auto &v : w.writes) {
      if (w.declared.count(v)) continue;
      if (o.reads.count(v) || o.writes.count(v)) {
        ctx.error(loc, pass + ": scalar '" + v + "' is written by the " + role + " part and used by the other; " +
                           what + " would change the value it sees");
        return true;
      }
    }
    return false;
  };
  if (scalarClash(first, second, "first") || scalarClash(second, first, "second")) return false;
  if (!fusion)
    for (auto &v : first.declared)
      if (second.reads.count(v) || second.writes.count(v)) {
        ctx.error(loc, pass + ": '" + v + "' is declared in the first part and used by the second; " +
                           "the loop body cannot be split there without expanding it into an array");
        return false;
      }
  for (auto &a : first.accesses)
    for (auto &b : second.accesses) {
      if (!a.write && !b.write) continue;
      if (a.buffer != b.buffer) {
        auto ra = roots.count(a.buffer) ? roots.at(a.buffer) : a.buffer;
        auto rb = roots.count(b.buffer) ? roots.at(b.buffer) : b.buffer;
        if (ra != rb) continue;
        ctx.error(a.loc, pass + ": '" + a.buffer + "' and '" + b.buffer + "' point into the same array '" + ra +
                             "'; refusing " + what);
        return false;
      }
      std::string why;
      // Violation: the instance of the first part runs at a later iteration than the second's.
      if (mayConflict(a, b, {r}, variant,
                      [](const std::vector<z3::expr> &i1, const std::vector<z3::expr> &i2) { return i1[0] > i2[0]; },
                      &why)) {
        ctx.error(a.loc, pass + ": dependence between iterations prevents " + what + ": " + why);
        return false;
      }
    }
  return true;
}

bool proveExactCover(const std::vector<Range> &original, const std::vector<Range> &box, const ExprPtr &guard,
                     const std::vector<ExprPtr> &index, const std::vector<ExprPtr> &inverse, const ExprPtr &assume,
                     std::string *why) {
  z3::context c;
  std::map<std::string, z3::expr> shared;
  std::set<std::string> none;
  int fresh = 0;
  std::function<z3::expr(Z3Index &, const ExprPtr &)> boolOf = [&](Z3Index &t, const ExprPtr &g) -> z3::expr {
    if (!g) return c.bool_val(true);
    auto *b = g->as<Binary>();
    if (!b) throw std::runtime_error("condition '" + dumpExpr(g) + "' is not a comparison");
    if (b->op == BinaryOp::LAnd) return boolOf(t, b->lhs) && boolOf(t, b->rhs);
    z3::expr l = t.tr(b->lhs), r = t.tr(b->rhs);
    switch (b->op) {
    case BinaryOp::LT: return l < r;
    case BinaryOp::LE: return l <= r;
    case BinaryOp::GT: return l > r;
    case BinaryOp::GE: return l >= r;
    case BinaryOp::EQ: return l == r;
    case BinaryOp::NE: return l != r;
    default: throw std::runtime_error("condition '" + dumpExpr(g) + "' is not a comparison");
    }
  };
  // One instance of a set of loops: its variables (in m), range constraints.
  auto loopsIn = [&](const std::vector<Range> &loops, const std::string &suffix, std::map<std::string, z3::expr> &m) {
    z3::expr cons = c.bool_val(true);
    for (auto &d : loops) {
      Z3Index t{c, shared, m, none, fresh};
      z3::expr v = c.int_const((d.var + suffix).c_str());
      cons = cons && v >= t.tr(d.start) && v < t.tr(d.end);
      auto step = constValue(d.step);
      if (!step || *step != 1) throw std::runtime_error("loops must step by 1");
      m.emplace(d.var, v);
    }
    return cons;
  };
  auto check = [&](z3::solver &s, const char *what) {
    z3::params p(c);
    p.set("rlimit", 8000000u);
    s.set(p);
    auto r = s.check();
    if (r == z3::unsat) return true;
    if (why) *why = std::string(what) + (r == z3::sat ? " (counterexample found)" : " (not proven)");
    return false;
  };
  try {
    std::map<std::string, z3::expr> empty;
    Z3Index t0{c, shared, empty, none, fresh};
    z3::expr pre = boolOf(t0, assume);
    {  // (a) every guarded point lands in the original ranges
      std::map<std::string, z3::expr> m;
      z3::expr in = loopsIn(box, "_a", m);
      Z3Index t{c, shared, m, none, fresh};
      in = in && boolOf(t, guard);
      std::map<std::string, z3::expr> mo;
      z3::expr inside = c.bool_val(true);
      for (size_t k = 0; k < original.size(); ++k) {
        Z3Index to{c, shared, mo, none, fresh};
        z3::expr x = t.tr(index[k]);
        inside = inside && x >= to.tr(original[k].start) && x < to.tr(original[k].end);
        mo.emplace(original[k].var, x);
      }
      z3::solver s(c);
      s.add(pre && in && !inside);
      if (!check(s, "an iteration falls outside the original range")) return false;
    }
    {  // (b) no two guarded points give the same original point
      std::map<std::string, z3::expr> m1, m2;
      z3::expr in1 = loopsIn(box, "_1", m1), in2 = loopsIn(box, "_2", m2);
      Z3Index t1{c, shared, m1, none, fresh}, t2{c, shared, m2, none, fresh};
      z3::expr differ = c.bool_val(false), same = c.bool_val(true);
      for (auto &d : box) differ = differ || m1.at(d.var) != m2.at(d.var);
      for (auto &x : index) same = same && t1.tr(x) == t2.tr(x);
      z3::solver s(c);
      s.add(pre && in1 && boolOf(t1, guard) && in2 && boolOf(t2, guard) && differ && same);
      if (!check(s, "two iterations visit the same point")) return false;
    }
    {  // (c) the inverse maps every original point to a guarded point that visits it
      std::map<std::string, z3::expr> mx;
      z3::expr inOrig = loopsIn(original, "_x", mx);
      Z3Index tx{c, shared, mx, none, fresh};
      std::map<std::string, z3::expr> m;
      z3::expr cons = c.bool_val(true);
      for (size_t k = 0; k < box.size(); ++k) {
        Z3Index t{c, shared, m, none, fresh};
        z3::expr v = tx.tr(inverse[k]);
        cons = cons && v >= t.tr(box[k].start) && v < t.tr(box[k].end);
        m.emplace(box[k].var, v);
      }
      Z3Index t{c, shared, m, none, fresh};
      cons = cons && boolOf(t, guard);
      for (size_t k = 0; k < original.size(); ++k) cons = cons && t.tr(index[k]) == mx.at(original[k].var);
      z3::solver s(c);
      s.add(inOrig && !(pre && cons));
      if (!check(s, "a point of the original range is not visited")) return false;
    }
  } catch (const std::exception &e) {
    if (why) *why = e.what();
    return false;
  }
  return true;
}

std::optional<FusionPlan> planFusion(const LoopRef &first, const LoopRef &second, PassContext &ctx,
                                     const std::string &pass) {
  const For &a = *first.node, &b = *second.node;
  auto slotA = findSlot(*first.function, &a), slotB = findSlot(*first.function, &b);
  if (!slotA || !slotB || slotA->seq != slotB->seq || slotB->index <= slotA->index) {
    ctx.error(b.loc, pass + ": loops '" + a.var + "' (line " + std::to_string(a.loc.line) + ") and '" + b.var +
                         "' are not in the same block, the first before the second");
    return std::nullopt;
  }
  auto ra = rangeOf(a, ctx, pass, false), rb = rangeOf(b, ctx, pass, false);
  if (!ra || !rb) return std::nullopt;
  if (!sameExpr(ra->start, rb->start) || !sameExpr(ra->end, rb->end) || !sameExpr(ra->step, rb->step)) {
    ctx.error(b.loc, pass + ": loop ranges differ: [" + dumpExpr(ra->start) + ", " + dumpExpr(ra->end) + ") step " +
                         dumpExpr(ra->step) + " vs [" + dumpExpr(rb->start) + ", " + dumpExpr(rb->end) + ") step " +
                         dumpExpr(rb->step));
    return std::nullopt;
  }
  FusionPlan plan;
  plan.firstBody = bodyStmts(a.body);
  StmtPtr secondBody = b.body;
  if (a.var != b.var) {
    Effects sb = effectsOf(b.body);
    if (sb.reads.count(a.var) || sb.writes.count(a.var) || sb.declared.count(a.var)) {
      ctx.error(b.loc, pass + ": the second loop already uses the name '" + a.var + "'");
      return std::nullopt;
    }
    secondBody = substitute(b.body, {{b.var, var(a.var, a.varType)}});
  }
  plan.secondBody = bodyStmts(secondBody);
  Effects fa = effectsOf(plan.firstBody), fb = effectsOf(plan.secondBody);

  // Statements between the loops run before the second loop either way; they may move above the
  // first one only when they share nothing written with it.
  std::vector<StmtPtr> between(slotA->seq->body.begin() + slotA->index + 1, slotA->seq->body.begin() + slotB->index);
  auto roots = pointerRoots(*first.function);
  auto whole = effectsOf(StmtPtr(first.loop));
  for (auto &s : between) {
    Effects fs = effectsOf(s);
    bool clash = !fs.opaque.empty() || !fs.exits.empty() || !fs.syncs.empty();
    for (auto &w : fs.writes) clash |= whole.reads.count(w) || whole.writes.count(w);
    for (auto &w : fs.declared) clash |= whole.reads.count(w) > 0;
    for (auto &w : whole.writes) clash |= fs.reads.count(w) > 0;
    for (auto &x : fs.accesses)
      for (auto &y : whole.accesses) {
        auto rx = roots.count(x.buffer) ? roots.at(x.buffer) : x.buffer;
        auto ry = roots.count(y.buffer) ? roots.at(y.buffer) : y.buffer;
        clash |= rx == ry && (x.write || y.write);
      }
    if (clash) {
      ctx.error(s->loc, pass + ": a statement between the loops depends on the first loop (or it on the statement), so "
                               "the loops cannot be brought together");
      return std::nullopt;
    }
  }
  std::set<std::string> variant;
  for (const Effects *fx : {&fa, &fb}) {
    variant.insert(fx->writes.begin(), fx->writes.end());
    variant.insert(fx->declared.begin(), fx->declared.end());
  }
  if (!checkFuseOrFission(fa, fb, *ra, true, variant, a.loc, ctx, pass, roots))
    return std::nullopt;

  // Names declared by both bodies keep apart in their own blocks.
  bool collide = false;
  for (auto &d : fa.declared) collide |= fb.declared.count(d) > 0;
  std::vector<StmtPtr> body;
  if (collide) {
    body = {block(plan.firstBody), block(plan.secondBody)};
    for (auto &x : body)
      if (x->kind != StmtKind::Seq) x = [&] { auto q = std::make_shared<Seq>(); q->body = {x}; return StmtPtr(q); }();
  } else {
    body = plan.firstBody;
    body.insert(body.end(), plan.secondBody.begin(), plan.secondBody.end());
  }
  plan.fused = std::make_shared<For>(a);
  plan.fused->body = block(body);
  // forward dependences between the two bodies may now cross iterations
  plan.fused->independent = false;
  if (plan.fused->forKind == ForKind::Parallel && !(a.independent && b.independent)) plan.fused->forKind = ForKind::Serial;
  if (plan.fused->body->kind != StmtKind::Seq) {
    auto q = std::make_shared<Seq>();
    q->body = {plan.fused->body};
    plan.fused->body = q;
  }
  std::vector<StmtPtr> first2 = between;
  first2.push_back(plan.fused);
  plan.hoisted = between.size();
  plan.replacements[&a] = first2;
  for (auto &s : between) plan.replacements[s.get()] = {};
  plan.replacements[&b] = {};
  return plan;
}

std::map<std::string, std::string> pointerRoots(const Function &f) {
  struct Roots : IRVisitor {
    std::map<std::string, std::string> roots;
    static const Var *base(const ExprPtr &e) {
      if (!e) return nullptr;
      if (auto *v = e->as<Var>()) return v;
      if (auto *c = e->as<Cast>()) return base(c->operand);
      if (auto *b = e->as<Binary>(); b && (b->op == BinaryOp::Add || b->op == BinaryOp::Sub)) {
        if (b->lhs->type && b->lhs->type->kind == Type::Kind::Pointer) return base(b->lhs);
        if (b->rhs->type && b->rhs->type->kind == Type::Kind::Pointer) return base(b->rhs);
        return base(b->lhs);
      }
      return nullptr;
    }
    void visitDecl(const Decl &d) override {
      if (d.type && d.type->kind == Type::Kind::Pointer && d.init)
        if (auto *v = base(d.init)) roots[d.name] = roots.count(v->name) ? roots[v->name] : v->name;
      IRVisitor::visitDecl(d);
    }
  } r;
  r.visit(f);
  return r.roots;
}

}  // namespace xpile::passes::loops
