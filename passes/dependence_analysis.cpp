#include "passes/dependence_analysis.h"

#include "ast/dump.h"
#include "ast/visitor.h"
#include "passes/index_poly.h"

#include <z3++.h>

#include <map>
#include <set>
#include <vector>

namespace xpile::passes {
namespace {

using namespace ast;

bool isPointer(const TypePtr &t) { return t && t->kind == Type::Kind::Pointer; }

// Definitions visible at the loop: locals declared on the path from the function's body to it
// and never assigned afterwards (their initializer is their value everywhere in scope).
struct OuterScope {
  std::map<std::string, ExprPtr> defs;
  std::set<std::string> pointerParams;
  std::set<std::string> outerArrays;  // local arrays / pointers declared outside the loop
};

class ScopeFinder {
public:
  ScopeFinder(const For &target, const std::map<std::string, int> &assigned) : target_(target), assigned_(assigned) {}
  bool find(const StmtPtr &s, std::map<std::string, ExprPtr> &defs) {
    if (!s) return false;
    if (s.get() == &target_) {
      result = defs;
      return true;
    }
    switch (s->kind) {
    case StmtKind::Seq: {
      auto saved = defs;
      for (auto &c : s->as<Seq>()->body) {
        if (find(c, defs)) return true;
        if (auto *d = c->as<Decl>()) {
          defs.erase(d->name);
          if (d->init && !assigned_.count(d->name)) defs[d->name] = d->init;
        }
      }
      defs = saved;
      return false;
    }
    case StmtKind::If: {
      auto &i = *s->as<If>();
      return find(i.thenBody, defs) || find(i.elseBody, defs);
    }
    case StmtKind::For: {
      auto saved = defs;
      defs.erase(s->as<For>()->var);
      bool r = find(s->as<For>()->body, defs);
      defs = saved;
      return r;
    }
    case StmtKind::Loop: return find(s->as<Loop>()->body, defs);
    case StmtKind::Switch:
      for (auto &c : s->as<Switch>()->cases)
        for (auto &b : c.body)
          if (find(b, defs)) return true;
      return false;
    default: return false;
    }
  }
  std::map<std::string, ExprPtr> result;

private:
  const For &target_;
  const std::map<std::string, int> &assigned_;
};

std::map<std::string, int> assignedNames(const StmtPtr &body) {
  struct V : IRVisitor {
    std::map<std::string, int> out;
    void target(const ExprPtr &t) {
      if (auto *v = t ? t->as<Var>() : nullptr) ++out[v->name];
    }
    void visitAssignStmt(const AssignStmt &n) override { target(n.target); IRVisitor::visitAssignStmt(n); }
    void visitAssignExpr(const AssignExpr &n) override { target(n.target); IRVisitor::visitAssignExpr(n); }
    void visitUnary(const Unary &n) override {
      if (n.op == UnaryOp::PreInc || n.op == UnaryOp::PreDec || n.op == UnaryOp::PostInc || n.op == UnaryOp::PostDec ||
          n.op == UnaryOp::AddrOf)
        target(n.operand);
      IRVisitor::visitUnary(n);
    }
  } v;
  v.visit(body);
  return v.out;
}

struct Access {
  std::string root;
  ExprPtr offset;  // element offset of the pointer used from the root (may be null: unknown)
  ExprPtr index;
  bool write = false;
  SourceLoc loc;
  // Inner loops around the access (var, start, end, cmp) and body locals visible at it.
  std::vector<const For *> loops;
  std::map<std::string, ExprPtr> innerDefs;
};

class Analyzer {
public:
  Analyzer(const Function &fn, const For &loop, const std::map<std::string, ExprPtr> &outerDefs,
           const std::map<std::string, int> &assigned)
      : fn_(fn), loop_(loop), outerDefs_(outerDefs), assigned_(assigned) {
    for (auto &p : fn.params)
      if (isPointer(p.type)) pointerParams_.insert(p.name);
  }

  LoopDependence run() {
    LoopDependence r;
    std::vector<const For *> loops;
    std::map<std::string, ExprPtr> defs;
    std::set<std::string> declared = {loop_.var};
    walk(loop_.body, loops, defs, declared, 0);
    if (!fail_.empty()) {
      r.reason = fail_;
      r.loc = failLoc_;
      return r;
    }
    for (size_t a = 0; a < accesses_.size(); ++a)
      for (size_t b = a; b < accesses_.size(); ++b) {
        const Access &x = accesses_[a], &y = accesses_[b];
        if (x.root != y.root || (!x.write && !y.write)) continue;
        std::string why;
        if (mayConflict(x, y, why)) {
          const Access &w = x.write ? x : y;
          r.reason = why.empty() ? "two iterations may access the same element of '" + x.root + "' and one writes it"
                                 : why;
          r.loc = w.loc;
          return r;
        }
      }
    r.parallel = true;
    return r;
  }

private:
  const Function &fn_;
  const For &loop_;
  const std::map<std::string, ExprPtr> &outerDefs_;
  const std::map<std::string, int> &assigned_;
  std::set<std::string> pointerParams_;
  std::vector<Access> accesses_;
  std::string fail_;
  SourceLoc failLoc_;
  std::set<std::string> declaredInBody_;  // every local declared somewhere in the body

  void failWith(const SourceLoc &loc, const std::string &why) {
    if (!fail_.empty()) return;
    fail_ = why;
    failLoc_ = loc.valid() ? loc : loop_.loc;
  }

  // Resolves a pointer to its root buffer and element offset.
  void resolve(const ExprPtr &p, const std::map<std::string, ExprPtr> &defs, std::string &root, ExprPtr &offset,
               int depth = 0) {
    if (depth > 16) return;
    if (auto *v = p->as<Var>()) {
      root = v->name;
      if (pointerParams_.count(v->name)) {
        offset = zeroLit();
        return;
      }
      const ExprPtr *def = nullptr;
      if (auto it = defs.find(v->name); it != defs.end()) def = &it->second;
      else if (auto o = outerDefs_.find(v->name); o != outerDefs_.end()) def = &o->second;
      if (def && isPointer((*def)->type)) return resolve(*def, defs, root, offset, depth + 1);
      if (p->type && p->type->kind == Type::Kind::Array) {  // a local array: its own buffer
        offset = zeroLit();
        return;
      }
      // A pointer that is neither a parameter nor defined once from one: its target is unknown,
      // so it could alias any buffer.
      root.clear();
      return;
    }
    if (auto *c = p->as<Cast>()) return resolve(c->operand, defs, root, offset, depth + 1);
    if (auto *b = p->as<Binary>(); b && (b->op == BinaryOp::Add || b->op == BinaryOp::Sub)) {
      bool lhsPtr = isPointer(b->lhs->type);
      resolve(lhsPtr ? b->lhs : b->rhs, defs, root, offset, depth + 1);
      if (offset) {
        auto sum = std::make_shared<Binary>();
        sum->op = b->op;
        sum->lhs = offset;
        sum->rhs = lhsPtr ? b->rhs : b->lhs;
        sum->type = sum->rhs->type;
        offset = sum;
      }
      return;
    }
    if (auto *u = p->as<Unary>(); u && u->op == UnaryOp::AddrOf)
      if (auto *l = u->operand->as<Load>()) {
        resolve(l->base, defs, root, offset, depth + 1);
        if (offset) {
          auto sum = std::make_shared<Binary>();
          sum->op = BinaryOp::Add;
          sum->lhs = offset;
          sum->rhs = l->index;
          sum->type = l->index->type;
          offset = sum;
        }
        return;
      }
    root.clear();
  }

  static ExprPtr zeroLit() {
    auto z = std::make_shared<IntLit>();
    z->type = Type::scalarOf(ScalarType::I32);
    return z;
  }

  void access(const ExprPtr &base, const ExprPtr &index, bool write, const SourceLoc &loc,
              const std::vector<const For *> &loops, const std::map<std::string, ExprPtr> &defs,
              const std::set<std::string> &declared) {
    // Buffers declared inside the body are private to the iteration.
    if (auto *v = base->as<Var>(); v && declared.count(v->name) && !defs.count(v->name)) return;
    Access a;
    resolve(base, defs, a.root, a.offset);
    if (a.root.empty()) return failWith(loc, "a pointer expression the analysis cannot follow (" + dumpExpr(base) + ")");
    if (declared.count(a.root) && !pointerParams_.count(a.root)) return;
    a.index = index;
    a.write = write;
    a.loc = loc;
    a.loops = loops;
    a.innerDefs = defs;
    accesses_.push_back(std::move(a));
  }

  void expr(const ExprPtr &e, const SourceLoc &loc, const std::vector<const For *> &loops,
            const std::map<std::string, ExprPtr> &defs, const std::set<std::string> &declared, bool write = false,
            bool alsoRead = false) {
    if (!e) return;
    SourceLoc here = e->loc.valid() ? e->loc : loc;
    switch (e->kind) {
    case ExprKind::Load: {
      auto &l = *e->as<Load>();
      if (isPointer(l.base->type)) {
        if (write) access(l.base, l.index, true, here, loops, defs, declared);
        if (!write || alsoRead) access(l.base, l.index, false, here, loops, defs, declared);
      } else if (auto *v = l.base->as<Var>()) {
        // A local array: private when declared in the body, else a shared buffer.
        if (!declared.count(v->name)) {
          if (write) access(l.base, l.index, true, here, loops, defs, declared);
          if (!write || alsoRead) access(l.base, l.index, false, here, loops, defs, declared);
        }
      } else {
        expr(l.base, here, loops, defs, declared, write, alsoRead);
      }
      expr(l.index, here, loops, defs, declared);
      return;
    }
    case ExprKind::Var: {
      auto &v = *e->as<Var>();
      if (write && !declared.count(v.name))
        failWith(here, "'" + v.name + "' is declared outside the loop and written in it");
      return;
    }
    case ExprKind::Unary: {
      auto &u = *e->as<Unary>();
      if (u.op == UnaryOp::Deref) {
        if (write) access(u.operand, zeroLit(), true, here, loops, defs, declared);
        if (!write || alsoRead) access(u.operand, zeroLit(), false, here, loops, defs, declared);
        return expr(u.operand, here, loops, defs, declared);
      }
      bool incdec = u.op == UnaryOp::PreInc || u.op == UnaryOp::PreDec || u.op == UnaryOp::PostInc ||
                    u.op == UnaryOp::PostDec;
      if (incdec) return expr(u.operand, here, loops, defs, declared, true, true);
      return expr(u.operand, here, loops, defs, declared);
    }
    case ExprKind::Assign: {
      auto &a = *e->as<AssignExpr>();
      expr(a.target, here, loops, defs, declared, true, a.op.has_value());
      return expr(a.value, here, loops, defs, declared);
    }
    case ExprKind::Call: {
      auto &c = *e->as<Call>();
      // Constants spelled as builtins (INFINITY, NAN, HUGE_VAL) have no effects.
      static const std::set<std::string> pureBuiltins = {"__builtin_inff", "__builtin_inf", "__builtin_nanf",
                                                         "__builtin_nan", "__builtin_huge_valf", "__builtin_huge_val"};
      if (c.callKind == CallKind::Builtin && pureBuiltins.count(c.callee)) return;
      if (c.callKind != CallKind::Math && c.callKind != CallKind::User)
        return failWith(here, "call to '" + c.callee + "' (" + callKindName(c.callKind) + ") may have side effects");
      for (auto &a : c.args) {
        if (isPointer(a->type)) return failWith(here, "call to '" + c.callee + "' takes a pointer");
        expr(a, here, loops, defs, declared);
      }
      if (c.receiver) return failWith(here, "member call '" + c.callee + "'");
      return;
    }
    case ExprKind::Verbatim: return failWith(here, "verbatim code the analysis cannot see into");
    case ExprKind::Binary: {
      auto &b = *e->as<Binary>();
      expr(b.lhs, here, loops, defs, declared);
      return expr(b.rhs, here, loops, defs, declared);
    }
    case ExprKind::Cast: return expr(e->as<Cast>()->operand, here, loops, defs, declared);
    case ExprKind::Select: {
      auto &s = *e->as<Select>();
      expr(s.cond, here, loops, defs, declared);
      expr(s.thenValue, here, loops, defs, declared);
      return expr(s.elseValue, here, loops, defs, declared);
    }
    case ExprKind::Member: return expr(e->as<Member>()->base, here, loops, defs, declared, write, alsoRead);
    case ExprKind::InitList:
      for (auto &x : e->as<InitList>()->elements) expr(x, here, loops, defs, declared);
      return;
    default: return;
    }
  }

  // `loopDepth`: nesting of loops/switches inside the analysed loop (a break at depth 0 leaves it).
  void walk(const StmtPtr &s, std::vector<const For *> &loops, std::map<std::string, ExprPtr> &defs,
            std::set<std::string> &declared, int loopDepth) {
    if (!s || !fail_.empty()) return;
    const SourceLoc &loc = s->loc;
    switch (s->kind) {
    case StmtKind::Seq: {
      auto savedDefs = defs;
      auto savedDecl = declared;
      for (auto &c : s->as<Seq>()->body) walk(c, loops, defs, declared, loopDepth);
      if (s->as<Seq>()->scoped) {
        defs = savedDefs;
        declared = savedDecl;
      }
      return;
    }
    case StmtKind::Decl: {
      auto &d = *s->as<Decl>();
      expr(d.init, loc, loops, defs, declared);
      declared.insert(d.name);
      declaredInBody_.insert(d.name);
      defs.erase(d.name);
      if (d.init && !assigned_.count(d.name)) defs[d.name] = d.init;
      return;
    }
    case StmtKind::Alloc: {
      auto &a = *s->as<Alloc>();
      if (a.isStatic) return failWith(loc, "static array '" + a.name + "' is shared by all iterations");
      declared.insert(a.name);
      defs.erase(a.name);
      return expr(a.init, loc, loops, defs, declared);
    }
    case StmtKind::Assign: {
      auto &a = *s->as<AssignStmt>();
      expr(a.target, loc, loops, defs, declared, true, a.op.has_value());
      return expr(a.value, loc, loops, defs, declared);
    }
    case StmtKind::Eval: return expr(s->as<Eval>()->value, loc, loops, defs, declared);
    case StmtKind::If: {
      auto &i = *s->as<If>();
      expr(i.cond, loc, loops, defs, declared);
      walk(i.thenBody, loops, defs, declared, loopDepth);
      walk(i.elseBody, loops, defs, declared, loopDepth);
      return;
    }
    case StmtKind::Switch: {
      auto &sw = *s->as<Switch>();
      expr(sw.value, loc, loops, defs, declared);
      for (auto &c : sw.cases)
        for (auto &b : c.body) walk(b, loops, defs, declared, loopDepth + 1);
      return;
    }
    case StmtKind::For: {
      auto &f = *s->as<For>();
      expr(f.start, loc, loops, defs, declared);
      expr(f.end, loc, loops, defs, declared);
      expr(f.step, loc, loops, defs, declared);
      auto savedDecl = declared;
      auto savedDefs = defs;
      declared.insert(f.var);
      defs.erase(f.var);
      loops.push_back(&f);
      walk(f.body, loops, defs, declared, loopDepth + 1);
      loops.pop_back();
      declared = savedDecl;
      defs = savedDefs;
      return;
    }
    case StmtKind::Loop: {
      auto &l = *s->as<Loop>();
      auto savedDecl = declared;
      auto savedDefs = defs;
      walk(l.init, loops, defs, declared, loopDepth + 1);
      expr(l.cond, loc, loops, defs, declared);
      expr(l.update, loc, loops, defs, declared);
      walk(l.body, loops, defs, declared, loopDepth + 1);
      declared = savedDecl;
      defs = savedDefs;
      return;
    }
    case StmtKind::Break:
      if (loopDepth == 0) failWith(loc, "'break' leaves the loop early");
      return;
    case StmtKind::Continue: return;
    case StmtKind::Return: return failWith(loc, "'return' inside the loop");
    case StmtKind::Verbatim: return failWith(loc, "verbatim code the analysis cannot see into");
    default: return failWith(loc, std::string("a ") + "host or device operation inside the loop");
    }
  }

  // --- Z3 ---------------------------------------------------------------------------------------
  struct Copy {
    int id;
    const Access *acc;
    std::map<std::string, z3::expr> vars;
  };

  z3::expr fresh(z3::context &z) { return z.int_const(("fresh!" + std::to_string(freshCount_++)).c_str()); }
  int freshCount_ = 0;

  // The value of integer expression `e` in copy `c`; `depth` bounds definition chains.
  z3::expr value(z3::context &z, const ExprPtr &e, Copy &c, z3::solver &s, int depth = 0) {
    if (!e || depth > 24) return fresh(z);
    switch (e->kind) {
    case ExprKind::IntLit: return z.int_val(static_cast<int64_t>(e->as<IntLit>()->value));
    case ExprKind::Var: {
      const std::string &n = e->as<Var>()->name;
      if (auto it = c.vars.find(n); it != c.vars.end()) return it->second;
      if (n == loop_.var) return c.vars.emplace(n, z.int_const((n + "!" + std::to_string(c.id)).c_str())).first->second;
      // Inner loop variables: one per copy, within the loop's bounds.
      for (auto *f : c.acc->loops)
        if (f->var == n) {
          z3::expr v = z.int_const((n + "!" + std::to_string(c.id)).c_str());
          c.vars.emplace(n, v);
          s.add(v >= value(z, f->start, c, s, depth + 1));
          if (f->cmp == BinaryOp::LE) s.add(v <= value(z, f->end, c, s, depth + 1));
          else s.add(v < value(z, f->end, c, s, depth + 1));
          return v;
        }
      if (auto it = c.acc->innerDefs.find(n); it != c.acc->innerDefs.end() && it->second->type &&
                                              it->second->type->isInteger()) {
        z3::expr v = value(z, it->second, c, s, depth + 1);
        c.vars.emplace(n, v);
        return v;
      }
      // Loop-invariant values from outside (parameters, outer loop variables and locals): the
      // same in both copies. Names declared outside and written inside already failed the loop.
      if (!c.acc->innerDefs.count(n) && !declaredInBody_.count(n)) return z.int_const(n.c_str());
      z3::expr v = fresh(z);
      c.vars.emplace(n, v);
      return v;
    }
    case ExprKind::Cast: {
      auto &cs = *e->as<Cast>();
      if (cs.type && cs.type->isInteger() && cs.operand->type && cs.operand->type->isInteger())
        return value(z, cs.operand, c, s, depth + 1);
      return fresh(z);
    }
    case ExprKind::Unary: {
      auto &u = *e->as<Unary>();
      if (u.op == UnaryOp::Neg) return -value(z, u.operand, c, s, depth + 1);
      if (u.op == UnaryOp::Plus) return value(z, u.operand, c, s, depth + 1);
      return fresh(z);
    }
    case ExprKind::Binary: {
      auto &b = *e->as<Binary>();
      switch (b.op) {
      case BinaryOp::Add: return value(z, b.lhs, c, s, depth + 1) + value(z, b.rhs, c, s, depth + 1);
      case BinaryOp::Sub: return value(z, b.lhs, c, s, depth + 1) - value(z, b.rhs, c, s, depth + 1);
      case BinaryOp::Mul: return value(z, b.lhs, c, s, depth + 1) * value(z, b.rhs, c, s, depth + 1);
      default: return fresh(z);  // C division truncates, Z3's floors: leave it unconstrained
      }
    }
    default: return fresh(z);
    }
  }


  // --- the radix argument, before asking Z3 ----------------------------------------------------
  // Nonlinear indices (`((n * K + k) * P + p) * Q + q`) are hard for Z3 but have a simple shape:
  // index = i * C + I + V with C and I loop-invariant and the same in both accesses, and
  // 0 <= V <= C - 1 over the inner loops. Iteration i then owns the block [i*C + I, (i+1)*C + I),
  // so distinct iterations never meet.
  std::optional<Poly> polyOf(const ExprPtr &e, const Access &a, int depth = 0) {
    if (!e || depth > 24) return std::nullopt;
    switch (e->kind) {
    case ExprKind::IntLit: return Poly::constant(e->as<IntLit>()->value);
    case ExprKind::Var: {
      const std::string &n = e->as<Var>()->name;
      if (n == loop_.var) return Poly::atom("@" + n);
      for (auto *f : a.loops)
        if (f->var == n) return Poly::atom("@" + n);
      if (auto d = a.innerDefs.find(n); d != a.innerDefs.end()) {
        if (!d->second->type || !d->second->type->isInteger()) return std::nullopt;
        return polyOf(d->second, a, depth + 1);
      }
      if (declaredInBody_.count(n)) return std::nullopt;
      return Poly::atom(n);  // loop-invariant
    }
    case ExprKind::Cast: {
      auto &c = *e->as<Cast>();
      if (c.type && c.type->isInteger() && c.operand->type && c.operand->type->isInteger())
        return polyOf(c.operand, a, depth + 1);
      return std::nullopt;
    }
    case ExprKind::Unary: {
      auto &u = *e->as<Unary>();
      if (u.op != UnaryOp::Neg) return std::nullopt;
      auto p = polyOf(u.operand, a, depth + 1);
      if (p) return *p * -1;
      return std::nullopt;
    }
    case ExprKind::Binary: {
      auto &b = *e->as<Binary>();
      if (b.op != BinaryOp::Add && b.op != BinaryOp::Sub && b.op != BinaryOp::Mul) return std::nullopt;
      auto l = polyOf(b.lhs, a, depth + 1), r = polyOf(b.rhs, a, depth + 1);
      if (!l || !r) return std::nullopt;
      return b.op == BinaryOp::Add ? *l + *r : b.op == BinaryOp::Sub ? *l - *r : *l * *r;
    }
    default: return std::nullopt;
    }
  }

  struct PolyRange {
    std::string atom;
    Poly lo, hi;  // inclusive
  };

  bool atomNonNeg(const std::string &x, const std::vector<PolyRange> &ranges, int depth = 0) const {
    if (depth > 6) return false;
    for (auto &p : fn_.params)
      if (p.name == x) return p.type && p.type->isInteger();  // sizes: non-negative by contract
    for (auto &r : ranges) {
      if (r.atom == x) return polyNonNeg(r.lo, ranges, depth + 1);
      // A loop that runs from a non-negative start to hi = X - c (c >= 1... or 0) makes X >= 0.
      Poly d = r.hi - Poly::atom(x);
      if ((d.terms.empty() || (d.terms.size() == 1 && d.terms.count({}) && d.terms.at({}) < 0)) &&
          polyNonNeg(r.lo, ranges, depth + 1))
        return true;
    }
    return false;
  }
  bool polyNonNeg(const Poly &p, const std::vector<PolyRange> &ranges, int depth = 0) const {
    for (auto &[m, c] : p.terms) {
      if (c < 0) return false;
      for (auto &x : m)
        if (!atomNonNeg(x, ranges, depth)) return false;
    }
    return true;
  }
  std::optional<Poly> maximize(Poly p, const std::vector<PolyRange> &ranges) const {
    for (auto it = ranges.rbegin(); it != ranges.rend(); ++it) {
      if (!p.mentions(it->atom)) continue;
      int dir = 0;
      for (auto &[m, c] : p.terms) {
        long k = std::count(m.begin(), m.end(), it->atom);
        if (k == 0) continue;
        if (k > 1) return std::nullopt;
        for (auto &x : m)
          if (x != it->atom && !atomNonNeg(x, ranges)) return std::nullopt;
        int sign = c > 0 ? 1 : -1;
        if (dir && dir != sign) return std::nullopt;
        dir = sign;
      }
      p = p.substitute(it->atom, dir > 0 ? it->hi : it->lo);
    }
    return p;
  }

  bool radixDisjoint(const Access &a, const Access &b) {
    struct Split {
      Poly c, inv, var;
    };
    const std::string iv = "@" + loop_.var;
    auto split = [&](const Access &x, Split &out, std::vector<PolyRange> &ranges) -> bool {
      auto p = polyOf(x.offset, x);
      auto q = polyOf(x.index, x);
      if (!p || !q) return false;
      for (auto &[m, c] : (*p + *q).terms) {
        long k = std::count(m.begin(), m.end(), iv);
        bool inner = std::any_of(m.begin(), m.end(), [&](auto &s) { return s[0] == '@' && s != iv; });
        std::vector<std::string> rest = m;
        if (k > 1) return false;
        if (k == 1) {
          if (inner) return false;
          rest.erase(std::find(rest.begin(), rest.end(), iv));
          out.c.terms[rest] += c;
        } else {
          (inner ? out.var : out.inv).terms[m] += c;
        }
      }
      // The analysed loop runs (two of its iterations exist); then the inner loops of x.
      auto lo = polyOf(loop_.start, x), hi = polyOf(loop_.end, x);
      if (!lo || !hi) return false;
      ranges.push_back({iv, *lo, loop_.cmp == BinaryOp::LE ? *hi : *hi - Poly::constant(1)});
      for (auto *f : x.loops) {
        auto *st = f->step ? f->step->as<IntLit>() : nullptr;
        auto l = polyOf(f->start, x), h = polyOf(f->end, x);
        if (!st || st->value <= 0 || !l || !h || f->cmp == BinaryOp::NE) return false;
        ranges.push_back({"@" + f->var, *l, f->cmp == BinaryOp::LE ? *h : *h - Poly::constant(1)});
      }
      return !out.c.terms.empty();
    };
    Split sa, sb;
    std::vector<PolyRange> ra, rb;
    if (!split(a, sa, ra) || !split(b, sb, rb)) return false;
    if (!(sa.c == sb.c) || !(sa.inv == sb.inv)) return false;
    if (!polyNonNeg(sa.c, ra)) return false;
    for (int k = 0; k < 2; ++k) {
      Split &sp = k == 0 ? sa : sb;
      std::vector<PolyRange> &rg = k == 0 ? ra : rb;
      std::vector<PolyRange> inner(rg.begin() + 1, rg.end());
      auto mx = maximize(sp.var, inner);
      auto mn = maximize(sp.var * -1, inner);
      if (!mx || !mn) return false;
      if (!polyNonNeg(*mn * -1, rg)) return false;                                // V >= 0
      if (!polyNonNeg(sp.c - Poly::constant(1) - *mx, rg)) return false;          // V <= C - 1
    }
    return true;
  }

  bool mayConflict(const Access &a, const Access &b, std::string &why) {
    if (!a.offset || !b.offset) return true;
    if (radixDisjoint(a, b)) return false;
    z3::context z;
    z3::solver s(z);
    z3::params ps(z);
    ps.set("rlimit", 8000000u);  // a resource limit, not "timeout": the timer thread can deadlock in Z3 4.8
    s.set(ps);
    Copy c1{1, &a, {}}, c2{2, &b, {}};
    z3::expr i1 = z.int_const((loop_.var + "!1").c_str()), i2 = z.int_const((loop_.var + "!2").c_str());
    c1.vars.emplace(loop_.var, i1);
    c2.vars.emplace(loop_.var, i2);
    // Both iterations lie in the loop's range; start and end are invariant (shared).
    Copy outer{0, &a, {}};
    Access none;
    outer.acc = &none;
    z3::expr lo = value(z, loop_.start, outer, s), hi = value(z, loop_.end, outer, s);
    for (auto &i : {i1, i2}) {
      s.add(i >= lo);
      if (loop_.cmp == BinaryOp::LE) s.add(i <= hi);
      else s.add(i < hi);
    }
    s.add(i1 != i2);
    z3::expr ea = value(z, a.offset, c1, s) + value(z, a.index, c1, s);
    z3::expr eb = value(z, b.offset, c2, s) + value(z, b.index, c2, s);
    s.add(ea == eb);
    switch (s.check()) {
    case z3::unsat: return false;
    case z3::sat: {
      z3::model m = s.get_model();
      why = "iterations " + loop_.var + "=" + m.eval(i1, true).to_string() + " and " + loop_.var + "=" +
            m.eval(i2, true).to_string() + " may access the same element of '" + a.root + "' and one writes it";
      return true;
    }
    default:
      why = "could not prove that iterations access distinct elements of '" + a.root + "' (solver: unknown)";
      return true;
    }
  }
};

}  // namespace

LoopDependence analyzeLoopDependence(const Function &fn, const For &loop) {
  LoopDependence r;
  if (loop.independent) {
    r.parallel = r.byConstruction = true;
    return r;
  }
  std::map<std::string, int> assigned = assignedNames(fn.body);
  ScopeFinder finder(loop, assigned);
  std::map<std::string, ExprPtr> defs;
  finder.find(fn.body, defs);
  if (assigned.count(loop.var)) {
    r.reason = "the loop variable '" + loop.var + "' is written in the body";
    r.loc = loop.loc;
    return r;
  }
  Analyzer a(fn, loop, finder.result, assigned);
  return a.run();
}

}  // namespace xpile::passes
