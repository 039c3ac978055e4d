#include "passes/buffer_extent.h"

#include "ast/dump.h"
#include "ast/visitor.h"
#include "passes/bind_builders.h"
#include "passes/index_poly.h"

#include <z3++.h>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>

namespace xpile::passes {
namespace {

using namespace ast;

struct Range {
  std::string name;
  std::optional<Poly> lo, hi;  // inclusive; either may be unknown
  bool unitLoop = false;       // a loop visiting every value of [lo, hi]
};

// Everything known at a program point: loop and guard ranges (outermost first), the definitions of
// single-assignment locals, and the opaque atoms seen so far.
struct Context {
  std::vector<Range> ranges;
  std::map<std::string, ExprPtr> defs;          // local scalar or pointer -> its initializer
  std::map<std::string, TypePtr> pointerLocals;  // pointer locals, to tell them from params
  bool conditional = false;  // statements here may be skipped (if, switch, after a continue)
  // Integer-valued bounds of floating-point locals from guards (`x < (float)W`), so that
  // `(int)floorf(x)` gets a range.
  struct FloatBound {
    std::optional<Poly> lo, hi;
    bool hiStrict = false;
  };
  std::map<std::string, FloatBound> floatBounds;
};

class ExtentAnalysis {
public:
  ExtentAnalysis(const Function &fn, const std::set<const Stmt *> *regions) : fn_(fn), regions_(regions) {
    for (auto &p : fn.params) {
      if (p.type && p.type->kind == Type::Kind::Pointer) pointerParams_[p.name] = p.type->element;
      else if (p.type && p.type->isInteger()) intParams_.insert(p.name);
    }
    countAssignments(fn.body);
  }

  std::vector<BufferUse> run() {
    Context ctx;
    walk(fn_.body, ctx, regions_ == nullptr);
    std::vector<BufferUse> out;
    for (auto &name : order_) {
      Acc &a = acc_[name];
      if (a.use.error.empty()) {
        std::optional<Poly> best = combine(a);
        if (best) a.use.count = toExpr(*best + Poly::constant(1));
        for (auto &d : a.denseMaxima) a.use.denselyWritten |= best && (d - *best).terms.empty();
        if (!best) a.use.error = "cannot determine how many elements of '" + name + "' are accessed";
      }
      out.push_back(a.use);
    }
    return out;
  }

private:
  struct Candidate {
    Poly max;
    std::vector<Range> ranges;  // the ranges the access executed under (for feasibility)
  };
  struct Acc {
    BufferUse use;
    std::vector<Candidate> maxima;
    std::vector<Poly> denseMaxima;  // maxima of stores that write every element up to them
  };

  const Function &fn_;
  const std::set<const Stmt *> *regions_;
  std::map<std::string, TypePtr> pointerParams_;
  std::set<std::string> intParams_;
  std::map<std::string, int> assigned_;  // assignments other than the declaration
  std::map<std::string, ExprPtr> atomExprs_;
  std::map<std::string, Acc> acc_;
  std::vector<std::string> order_;

  // --- pre-pass: which names are assigned after their declaration -----------------------------
  void countAssignments(const StmtPtr &s) {
    struct V : IRVisitor {
      std::map<std::string, int> &out;
      explicit V(std::map<std::string, int> &o) : out(o) {}
      void target(const ExprPtr &t) {
        if (auto *v = t ? t->as<Var>() : nullptr) ++out[v->name];
      }
      void visitAssignStmt(const AssignStmt &n) override { target(n.target); IRVisitor::visitAssignStmt(n); }
      void visitAssignExpr(const AssignExpr &n) override { target(n.target); IRVisitor::visitAssignExpr(n); }
      void visitUnary(const Unary &n) override {
        if (n.op == UnaryOp::PreInc || n.op == UnaryOp::PreDec || n.op == UnaryOp::PostInc ||
            n.op == UnaryOp::PostDec || n.op == UnaryOp::AddrOf)
          target(n.operand);
        IRVisitor::visitUnary(n);
      }
    } v(assigned_);
    v.visit(s);
  }

  // --- expressions -> polynomials ---------------------------------------------------------------
  bool isRanged(const Context &ctx, const std::string &n) const {
    for (auto &r : ctx.ranges)
      if (r.name == n) return true;
    return false;
  }

  // Replaces locals by their definitions (transitively), except ranged variables.
  ExprPtr substitute(const ExprPtr &e, const Context &ctx, int depth = 0) const {
    struct M : IRMutator {
      const ExtentAnalysis &a;
      const Context &ctx;
      int depth;
      M(const ExtentAnalysis &a, const Context &c, int d) : a(a), ctx(c), depth(d) {}
      ExprPtr visitVar(const Var &n, const ExprPtr &self) override {
        if (depth > 32 || a.isRanged(ctx, n.name)) return self;
        auto it = ctx.defs.find(n.name);
        if (it == ctx.defs.end()) return self;
        return a.substitute(it->second, ctx, depth + 1);
      }
    } m(*this, ctx, depth);
    return m.mutate(e);
  }

  Poly opaque(const ExprPtr &e) {
    std::string key = "#" + dumpExpr(e);
    atomExprs_.emplace(key, e);
    return Poly::atom(key);
  }

  // `e` must already be substituted.
  Poly toPoly(const ExprPtr &e) {
    if (auto *n = e->as<IntLit>()) return Poly::constant(n->value);
    if (auto *n = e->as<Var>()) {
      atomExprs_.emplace(n->name, e);
      return Poly::atom(n->name);
    }
    if (auto *n = e->as<Cast>()) {
      // Integer casts (`(long)r * cols`, `(size_t)bqh`) do not change an in-range index.
      if (n->type && n->type->isInteger() && n->operand->type && n->operand->type->isInteger())
        return toPoly(n->operand);
      return opaque(e);
    }
    if (auto *n = e->as<Unary>()) {
      if (n->op == UnaryOp::Neg) return toPoly(n->operand) * -1;
      if (n->op == UnaryOp::Plus) return toPoly(n->operand);
      return opaque(e);
    }
    if (auto *n = e->as<Binary>()) {
      switch (n->op) {
      case BinaryOp::Add: return toPoly(n->lhs) + toPoly(n->rhs);
      case BinaryOp::Sub: return toPoly(n->lhs) - toPoly(n->rhs);
      case BinaryOp::Mul: return toPoly(n->lhs) * toPoly(n->rhs);
      default: return opaque(e);
      }
    }
    return opaque(e);
  }

  // --- signs and maxima -------------------------------------------------------------------------
  // Atoms known non-negative: integer parameters (sizes, by contract) and ranged variables whose
  // lower bound is non-negative.
  bool atomNonNeg(const std::string &a, const std::vector<Range> &ranges, int depth = 0) const {
    if (intParams_.count(a)) return true;
    if (depth > 8) return false;
    if (a[0] == '#') {
      // An opaque term bounding a loop that runs (the access executes inside it) from at least a
      // non-negative start: `l < (L - S) / stride + 1` makes `(L - S) / stride` non-negative.
      for (auto &r : ranges)
        if (r.lo && r.hi && polyNonNeg(*r.lo, ranges, depth + 1)) {
          Poly d = *r.hi - Poly::atom(a);
          if (d.terms.empty() || (d.terms.size() == 1 && d.terms.count({}) && d.terms.at({}) < 0)) return true;
        }
      return false;
    }
    for (auto it = ranges.rbegin(); it != ranges.rend(); ++it)
      if (it->name == a) return it->lo && polyNonNeg(*it->lo, ranges, depth + 1);
    return false;
  }
  bool polyNonNeg(const Poly &p, const std::vector<Range> &ranges, int depth = 0) const {
    for (auto &[m, c] : p.terms) {
      if (c < 0) return false;
      for (auto &x : m)
        if (!atomNonNeg(x, ranges, depth)) return false;
    }
    return true;
  }

  // The largest value of `p` over the ranges, or nullopt when monotonicity cannot be shown.
  std::optional<Poly> maximize(Poly p, const std::vector<Range> &ranges) const {
    for (auto it = ranges.rbegin(); it != ranges.rend(); ++it) {
      if (!p.mentions(it->name)) continue;
      int dir = 0;  // +1 increasing, -1 decreasing
      for (auto &[m, c] : p.terms) {
        long k = std::count(m.begin(), m.end(), it->name);
        if (k == 0) continue;
        if (k > 1) return std::nullopt;
        int sign = c > 0 ? 1 : -1;
        for (auto &x : m)
          if (x != it->name && !atomNonNeg(x, ranges)) return std::nullopt;
        if (dir && dir != sign) return std::nullopt;
        dir = sign;
      }
      const std::optional<Poly> &bound = dir > 0 ? it->hi : it->lo;
      if (!bound) return std::nullopt;
      p = p.substitute(it->name, *bound);
    }
    // Whatever remains must be parameters or opaque terms free of ranged variables.
    for (auto &[m, c] : p.terms)
      for (auto &x : m) {
        if (x[0] == '#') {
          // An opaque term must be computable on the host before any loop: parameters only.
          auto e = atomExprs_.find(x);
          if (e == atomExprs_.end() || !onlyParams(e->second)) return std::nullopt;
        } else if (!intParams_.count(x) && !isGlobalOrParam(x)) {
          return std::nullopt;
        }
      }
    return p;
  }

  bool isGlobalOrParam(const std::string &n) const {
    for (auto &p : fn_.params)
      if (p.name == n) return p.type && p.type->isScalar();
    return false;
  }

  bool onlyParams(const ExprPtr &e) const {
    struct V : IRVisitor {
      const ExtentAnalysis &a;
      bool ok = true;
      explicit V(const ExtentAnalysis &a) : a(a) {}
      void visitVar(const Var &n) override { ok &= a.isGlobalOrParam(n.name); }
      void visitLoad(const Load &) override { ok = false; }
      void visitCall(const Call &c) override {
        ok &= c.callKind == CallKind::Math;
        IRVisitor::visitCall(c);
      }
    } v(*this);
    v.visit(e);
    return v.ok;
  }

  // --- Z3: is one candidate maximum at least another wherever the other's access executes? ----
  z3::expr toZ3(z3::context &z, const Poly &p, std::map<std::string, z3::expr> &atoms) const {
    z3::expr sum = z.int_val(0);
    for (auto &[m, c] : p.terms) {
      z3::expr t = z.int_val(static_cast<int64_t>(c));
      for (auto &x : m) {
        auto it = atoms.find(x);
        if (it == atoms.end()) it = atoms.emplace(x, z.int_const(x.c_str())).first;
        t = t * it->second;
      }
      sum = sum + t;
    }
    return sum;
  }

  bool dominates(const Candidate &a, const Candidate &b) const {
    Poly d = a.max - b.max;
    if (d.terms.empty() || polyNonNeg(d, {})) return true;
    z3::context z;
    z3::solver s(z);
    z3::params ps(z);
    ps.set("rlimit", 4000000u);  // a resource limit, not "timeout": the timer thread can deadlock in Z3 4.8
    s.set(ps);
    std::map<std::string, z3::expr> atoms;
    for (auto &n : intParams_) atoms.emplace(n, z.int_const(n.c_str()));
    for (auto &n : intParams_) s.add(atoms.at(n) >= 0);
    // b's access executes: every loop around it runs at least once.
    for (auto &r : b.ranges)
      if (r.lo && r.hi) s.add(toZ3(z, *r.hi, atoms) >= toZ3(z, *r.lo, atoms));
    s.add(toZ3(z, a.max, atoms) < toZ3(z, b.max, atoms));
    return s.check() == z3::unsat;
  }

  std::optional<Poly> combine(Acc &a) {
    std::vector<Candidate> kept;
    for (auto &c : a.maxima) {
      bool covered = false;
      for (auto &k : kept)
        if (dominates(k, c)) covered = true;
      if (covered) continue;
      std::vector<Candidate> next;
      for (auto &k : kept)
        if (!dominates(c, k)) next.push_back(k);
      next.push_back(c);
      kept = std::move(next);
    }
    if (kept.empty()) return std::nullopt;
    if (kept.size() == 1) return kept[0].max;
    // No single access is provably the furthest: the count is the maximum of the candidates.
    ExprPtr m = toExpr(kept[0].max);
    for (size_t i = 1; i < kept.size(); ++i) {
      ExprPtr o = toExpr(kept[i].max);
      auto sel = std::make_shared<Select>();
      sel->cond = build::binary(BinaryOp::GT, m, o);
      sel->thenValue = m;
      sel->elseValue = o;
      sel->type = m->type;
      m = sel;
    }
    return opaqueConst(m);
  }
  Poly opaqueConst(const ExprPtr &e) { return opaque(e); }

public:
  // A readable expression. Products of loop extents come back factored: the count of a store over
  // p < P, q < Q with P = (H - R) / s + 1 prints as `((H - R) / s + 1) * ((W - S) / s + 1) * N`
  // rather than its expansion; otherwise terms by decreasing degree, `a * b - c + 1`.
  ExprPtr toExpr(const Poly &p) const {
    for (auto &[m, c] : p.terms)
      for (auto &x : m) {
        if (x[0] != '#') continue;
        Poly q;  // p = (x + 1) * q ?
        bool linear = true;
        for (auto &[m2, c2] : p.terms) {
          long k = std::count(m2.begin(), m2.end(), x);
          if (k > 1) linear = false;
          if (k != 1) continue;
          std::vector<std::string> rest = m2;
          rest.erase(std::find(rest.begin(), rest.end(), x));
          q.terms[rest] += c2;
        }
        if (!linear || q.terms.empty() || !(p - q * Poly::atom(x) - q).terms.empty()) continue;
        ExprPtr factor = build::binary(BinaryOp::Add, atomExprs_.at(x), build::intLit(1));
        Poly one = Poly::constant(1);
        if ((q - one).terms.empty()) return factor;
        return mulLeft(factor, toExpr(q));
      }
    return expandedExpr(p);
  }

  // a * (b * c) as (a * b) * c, which prints without parentheses.
  static ExprPtr mulLeft(const ExprPtr &a, const ExprPtr &b) {
    if (auto *m = b->as<Binary>(); m && m->op == BinaryOp::Mul) return mulLeft(mulLeft(a, m->lhs), m->rhs);
    return build::binary(BinaryOp::Mul, a, b);
  }

  ExprPtr expandedExpr(const Poly &p) const {
    std::vector<std::pair<std::vector<std::string>, int64_t>> terms(p.terms.begin(), p.terms.end());
    std::stable_sort(terms.begin(), terms.end(), [](auto &x, auto &y) { return x.first.size() > y.first.size(); });
    ExprPtr sum;
    for (auto &[m, c] : terms) {
      int64_t mag = c < 0 ? -c : c;
      ExprPtr t;
      for (auto &x : m) {
        ExprPtr a = atomExprs_.count(x) ? atomExprs_.at(x) : build::var(x, build::i32());
        t = t ? build::binary(BinaryOp::Mul, t, a) : a;
      }
      if (!t) t = build::intLit(mag);
      else if (mag != 1) t = build::binary(BinaryOp::Mul, build::intLit(mag), t);
      if (!sum) sum = c < 0 ? build::unary(UnaryOp::Neg, t) : t;
      else sum = build::binary(c < 0 ? BinaryOp::Sub : BinaryOp::Add, sum, t);
    }
    return sum ? sum : build::intLit(0);
  }

private:
  // --- statements ---------------------------------------------------------------------------
  // Ranges implied by a condition being true (`x >= 0 && x < L`) or false (`x < 0 || x >= L`).
  void narrow(const ExprPtr &cond, bool truth, Context &ctx) {
    auto *b = cond ? cond->as<Binary>() : nullptr;
    if (!b) {
      if (auto *u = cond ? cond->as<Unary>() : nullptr; u && u->op == UnaryOp::Not) narrow(u->operand, !truth, ctx);
      return;
    }
    if ((b->op == BinaryOp::LAnd && truth) || (b->op == BinaryOp::LOr && !truth)) {
      narrow(b->lhs, truth, ctx);
      narrow(b->rhs, truth, ctx);
      return;
    }
    BinaryOp op = b->op;
    auto *v = b->lhs->as<Var>();
    if (!v || !b->lhs->type || pointerParams_.count(v->name)) return;
    if (!truth) {
      switch (op) {
      case BinaryOp::LT: op = BinaryOp::GE; break;
      case BinaryOp::LE: op = BinaryOp::GT; break;
      case BinaryOp::GT: op = BinaryOp::LE; break;
      case BinaryOp::GE: op = BinaryOp::LT; break;
      default: return;
      }
    }
    if (assigned_.count(v->name) || intParams_.count(v->name)) return;
    if (b->lhs->type->isFloat()) {
      std::optional<Poly> bound = integerValued(b->rhs, ctx);
      if (!bound) return;
      auto &fb = ctx.floatBounds[v->name];
      switch (op) {
      case BinaryOp::LT: fb.hi = bound, fb.hiStrict = true; break;
      case BinaryOp::LE: fb.hi = bound, fb.hiStrict = false; break;
      case BinaryOp::GT: case BinaryOp::GE: fb.lo = bound; break;
      default: break;
      }
      return;
    }
    if (!b->lhs->type->isInteger()) return;
    Poly bound = toPoly(substitute(b->rhs, ctx));
    Range *r = nullptr;
    for (auto it = ctx.ranges.rbegin(); it != ctx.ranges.rend(); ++it)
      if (it->name == v->name) { r = &*it; break; }
    if (!r) {
      ctx.ranges.push_back(seed(v->name, ctx));
      r = &ctx.ranges.back();
    }
    switch (op) {
    case BinaryOp::LT: r->hi = bound - Poly::constant(1); break;
    case BinaryOp::LE: r->hi = bound; break;
    case BinaryOp::GT: r->lo = bound + Poly::constant(1); break;
    case BinaryOp::GE: r->lo = bound; break;
    default: break;
    }
  }

  // `-1.0f`, `(float)W`: a floating-point value known to be an integer.
  std::optional<Poly> integerValued(const ExprPtr &e, const Context &ctx) {
    if (auto *f = e->as<FloatLit>(); f && f->value == static_cast<double>(static_cast<int64_t>(f->value)))
      return Poly::constant(static_cast<int64_t>(f->value));
    if (auto *i = e->as<IntLit>()) return Poly::constant(i->value);
    if (auto *c = e->as<Cast>(); c && c->operand->type && c->operand->type->isInteger())
      return toPoly(substitute(c->operand, ctx));
    if (auto *u = e->as<Unary>(); u && u->op == UnaryOp::Neg)
      if (auto p = integerValued(u->operand, ctx)) return *p * -1;
    return std::nullopt;
  }

  // The range a guarded local starts from, before the guard narrows it: from its definition,
  // `(int)floorf(x)` with x's guard bounds, or the extremes of a polynomial definition.
  Range seed(const std::string &name, const Context &ctx) {
    Range r{name, std::nullopt, std::nullopt};
    auto d = ctx.defs.find(name);
    if (d == ctx.defs.end()) return r;
    const ExprPtr &def = d->second;
    if (auto *c = def->as<Cast>()) {
      auto *call = c->operand->as<Call>();
      if (call && (call->callee == "floorf" || call->callee == "floor") && call->args.size() == 1)
        if (auto *fv = call->args[0]->as<Var>()) {
          auto fb = ctx.floatBounds.find(fv->name);
          if (fb != ctx.floatBounds.end()) {
            // floor(x) >= L when x > L or x >= L (L an integer); floor(x) <= H - 1 when x < H.
            if (fb->second.lo) r.lo = fb->second.lo;
            if (fb->second.hi) r.hi = fb->second.hiStrict ? *fb->second.hi - Poly::constant(1) : *fb->second.hi;
          }
          return r;
        }
    }
    Poly p = toPoly(substitute(def, ctx));
    r.hi = maximize(p, ctx.ranges);
    if (auto lo = maximize(p * -1, ctx.ranges)) r.lo = *lo * -1;
    return r;
  }

  // Whether a statement may skip what follows it in its block.
  // (A continue or break inside a nested loop or switch only leaves that one.)
  static bool leaves(const StmtPtr &s) {
    struct V : IRVisitor {
      bool found = false;
      int depth = 0;
      void visitContinue(const Continue &) override { found |= depth == 0; }
      void visitBreak(const Break &) override { found |= depth == 0; }
      void visitReturn(const Return &) override { found = true; }
      void visitFor(const For &f) override { ++depth; IRVisitor::visitFor(f); --depth; }
      void visitLoop(const Loop &l) override { ++depth; IRVisitor::visitLoop(l); --depth; }
      void visitSwitch(const Switch &w) override { ++depth; IRVisitor::visitSwitch(w); --depth; }
    } v;
    v.visit(s);
    return v.found;
  }

  static bool isContinue(const StmtPtr &s) {
    if (!s) return false;
    if (s->kind == StmtKind::Continue) return true;
    auto *q = s->as<Seq>();
    return q && q->body.size() == 1 && isContinue(q->body[0]);
  }

  Acc &accFor(const std::string &name, bool isParam, const TypePtr &elem, const SourceLoc &loc) {
    auto it = acc_.find(name);
    if (it == acc_.end()) {
      order_.push_back(name);
      it = acc_.emplace(name, Acc{}).first;
      it->second.use.name = name;
      it->second.use.isParam = isParam;
      it->second.use.elementType = elem;
      it->second.use.loc = loc;
    }
    return it->second;
  }

  // Resolves a pointer expression to (root buffer, element offset).
  bool resolve(const ExprPtr &base, const Context &ctx, std::string &root, ExprPtr &offset, int depth = 0) const {
    if (depth > 16 || !base) return false;
    if (auto *v = base->as<Var>()) {
      if (pointerParams_.count(v->name)) {
        root = v->name;
        offset = build::intLit(0);
        return true;
      }
      auto d = ctx.defs.find(v->name);
      if (d != ctx.defs.end() && ctx.pointerLocals.count(v->name)) return resolve(d->second, ctx, root, offset, depth + 1);
      root = v->name;  // a local or global pointer the analysis cannot see through
      offset = nullptr;
      return true;
    }
    if (auto *c = base->as<Cast>()) {
      auto *ot = c->operand->type.get();
      if (c->type && ot && c->type->kind == Type::Kind::Pointer && ot->kind == Type::Kind::Pointer &&
          c->type->element && ot->element && c->type->element->isScalar() && ot->element->isScalar() &&
          c->type->element->scalar == ot->element->scalar)
        return resolve(c->operand, ctx, root, offset, depth + 1);
      return false;
    }
    if (auto *b = base->as<Binary>()) {
      if (b->op != BinaryOp::Add && b->op != BinaryOp::Sub) return false;
      bool lhsPtr = b->lhs->type && b->lhs->type->kind == Type::Kind::Pointer;
      const ExprPtr &p = lhsPtr ? b->lhs : b->rhs, &i = lhsPtr ? b->rhs : b->lhs;
      if (!resolve(p, ctx, root, offset, depth + 1)) return false;
      if (!offset) return true;
      offset = build::binary(b->op, offset, i);
      return true;
    }
    if (auto *u = base->as<Unary>(); u && u->op == UnaryOp::AddrOf) {
      if (auto *l = u->operand->as<Load>()) {
        if (!resolve(l->base, ctx, root, offset, depth + 1)) return false;
        if (offset) offset = build::binary(BinaryOp::Add, offset, l->index);
        return true;
      }
    }
    return false;
  }

  void access(const ExprPtr &base, const ExprPtr &index, bool read, bool write, const SourceLoc &loc,
              const Context &ctx) {
    std::string root;
    ExprPtr offset;
    TypePtr elem = base->type && base->type->element ? base->type->element : nullptr;
    if (!resolve(base, ctx, root, offset)) {
      if (auto *v = base->as<Var>()) root = v->name;
      else return fail("?", loc, "a pointer expression the analysis cannot follow");
    }
    bool isParam = pointerParams_.count(root) > 0;
    if (isParam) elem = pointerParams_.at(root);
    Acc &a = accFor(root, isParam, elem, loc);
    a.use.read |= read;
    a.use.written |= write;
    if (!offset || !a.use.error.empty()) {
      if (!offset && a.use.error.empty())
        a.use.error = "cannot determine how many elements of '" + root + "' are accessed", a.use.loc = loc;
      return;
    }
    Poly idx = toPoly(substitute(build::binary(BinaryOp::Add, offset, index), ctx));
    auto m = maximize(idx, ctx.ranges);
    if (!m) {
      a.use.error = "cannot determine how many elements of '" + root + "' are accessed";
      a.use.loc = loc;
      return;
    }
    a.maxima.push_back({*m, ctx.ranges});
    if (write && !ctx.conditional && dense(idx, ctx.ranges)) a.denseMaxima.push_back(*m);
  }

  // Whether a store index is a mixed-radix numbering of its loops (`(n * K + k) * L + l` over
  // n < N, k < K, l < L): the store then writes every element of [0, max] exactly once.
  bool dense(const Poly &idx, const std::vector<Range> &ranges) const {
    std::map<std::string, Poly> coef;
    for (auto &[m, c] : idx.terms) {
      std::string var;
      for (auto &x : m)
        for (auto &r : ranges)
          if (r.name == x) {
            if (!var.empty()) return false;
            var = x;
          }
      if (var.empty()) return false;  // a constant offset: the start is not element 0
      std::vector<std::string> rest = m;
      rest.erase(std::find(rest.begin(), rest.end(), var));
      coef[var].terms[rest] += c;
    }
    Poly expected = Poly::constant(1);
    std::set<std::string> done;
    while (done.size() < coef.size()) {
      std::string next;
      for (auto &[v, c] : coef)
        if (!done.count(v) && (c - expected).terms.empty()) next = v;
      if (next.empty()) return false;
      const Range *r = nullptr;
      for (auto &x : ranges)
        if (x.name == next) r = &x;
      if (!r->unitLoop || !r->lo || !r->lo->terms.empty() || !r->hi) return false;
      expected = expected * (*r->hi + Poly::constant(1));
      done.insert(next);
    }
    return true;
  }

  void fail(const std::string &root, const SourceLoc &loc, const std::string &why) {
    Acc &a = accFor(root, pointerParams_.count(root) > 0, nullptr, loc);
    if (a.use.error.empty()) {
      a.use.error = "cannot determine how many elements of '" + root + "' are accessed (" + why + ")";
      a.use.loc = loc;
    }
  }

  // Walks an expression for accesses; `writeTarget` marks the lvalue of an assignment.
  void expr(const ExprPtr &e, const Context &ctx, bool on, const SourceLoc &loc, bool write = false,
            bool alsoRead = true) {
    if (!e) return;
    SourceLoc here = e->loc.valid() ? e->loc : loc;
    if (auto *l = e->as<Load>()) {
      bool isPtr = l->base->type && l->base->type->kind == Type::Kind::Pointer;
      if (on && isPtr) access(l->base, l->index, !write || alsoRead, write, here, ctx);
      if (!isPtr) expr(l->base, ctx, on, here, write, alsoRead);  // local arrays: not buffers
      expr(l->index, ctx, on, here);
      return;
    }
    if (auto *u = e->as<Unary>()) {
      if (u->op == UnaryOp::Deref && u->operand->type && u->operand->type->kind == Type::Kind::Pointer) {
        if (on) access(u->operand, build::intLit(0), !write || alsoRead, write, here, ctx);
        return;
      }
      bool incdec = u->op == UnaryOp::PreInc || u->op == UnaryOp::PreDec || u->op == UnaryOp::PostInc ||
                    u->op == UnaryOp::PostDec;
      if (incdec) return expr(u->operand, ctx, on, here, true, true);
      if (u->op == UnaryOp::AddrOf) {
        std::string root;
        ExprPtr off;
        if (on && u->operand->as<Load>() && resolve(e, ctx, root, off) && pointerParams_.count(root))
          fail(root, here, "its address escapes");
      }
      return expr(u->operand, ctx, on, here);
    }
    if (auto *a = e->as<AssignExpr>()) {
      expr(a->target, ctx, on, here, true, a->op.has_value());
      return expr(a->value, ctx, on, here);
    }
    if (auto *c = e->as<Call>()) {
      for (auto &arg : c->args) {
        if (on && arg->type && arg->type->kind == Type::Kind::Pointer) {
          std::string root;
          ExprPtr off;
          if (resolve(arg, ctx, root, off)) fail(root, here, "passed to '" + c->callee + "'");
        }
        expr(arg, ctx, on, here);
      }
      return expr(c->receiver, ctx, on, here);
    }
    if (e->as<Var>()) return;
    if (auto *b = e->as<Binary>()) {
      expr(b->lhs, ctx, on, here);
      return expr(b->rhs, ctx, on, here);
    }
    if (auto *c = e->as<Cast>()) return expr(c->operand, ctx, on, here);
    if (auto *s = e->as<Select>()) {
      expr(s->cond, ctx, on, here);
      expr(s->thenValue, ctx, on, here);
      return expr(s->elseValue, ctx, on, here);
    }
    if (auto *m = e->as<Member>()) return expr(m->base, ctx, on, here);
    if (auto *i = e->as<InitList>())
      for (auto &x : i->elements) expr(x, ctx, on, here);
  }

  void walk(const StmtPtr &s, Context &ctx, bool on) {
    if (!s) return;
    if (regions_ && regions_->count(s.get())) on = true;
    const SourceLoc &loc = s->loc;
    switch (s->kind) {
    case StmtKind::Seq: {
      Context inner = ctx;
      for (auto &c : s->as<Seq>()->body) {
        walk(c, inner, on);
        if (leaves(c)) inner.conditional = true;
        // After `if (cond) continue;` the rest of the body runs only where cond is false.
        if (auto *i = c->as<If>(); i && !i->elseBody && isContinue(i->thenBody)) narrow(i->cond, false, inner);
      }
      if (!s->as<Seq>()->scoped) ctx = inner;
      return;
    }
    case StmtKind::Decl: {
      auto &d = *s->as<Decl>();
      expr(d.init, ctx, on, loc);
      ctx.defs.erase(d.name);
      ctx.pointerLocals.erase(d.name);
      // Shadowing: a new declaration hides ranges of an outer variable of the same name.
      ctx.ranges.erase(std::remove_if(ctx.ranges.begin(), ctx.ranges.end(), [&](auto &r) { return r.name == d.name; }),
                       ctx.ranges.end());
      if (d.init && !assigned_.count(d.name) && d.type) {
        if (d.type->kind == Type::Kind::Pointer) {
          ctx.defs[d.name] = d.init;
          ctx.pointerLocals[d.name] = d.type;
        } else if (d.type->isInteger()) {
          ctx.defs[d.name] = d.init;
        }
      }
      return;
    }
    case StmtKind::Alloc: return expr(s->as<Alloc>()->init, ctx, on, loc);
    case StmtKind::Assign: {
      auto &a = *s->as<AssignStmt>();
      expr(a.target, ctx, on, loc, true, a.op.has_value());
      return expr(a.value, ctx, on, loc);
    }
    case StmtKind::Eval: return expr(s->as<Eval>()->value, ctx, on, loc);
    case StmtKind::If: {
      auto &i = *s->as<If>();
      expr(i.cond, ctx, on, loc);
      Context t = ctx;
      t.conditional = true;
      narrow(i.cond, true, t);
      walk(i.thenBody, t, on);
      Context e = ctx;
      e.conditional = true;
      narrow(i.cond, false, e);
      walk(i.elseBody, e, on);
      return;
    }
    case StmtKind::Switch: {
      auto &sw = *s->as<Switch>();
      expr(sw.value, ctx, on, loc);
      for (auto &c : sw.cases) {
        Context inner = ctx;
        inner.conditional = true;
        for (auto &b : c.body) walk(b, inner, on);
      }
      return;
    }
    case StmtKind::For: {
      auto &f = *s->as<For>();
      expr(f.start, ctx, on, loc);
      expr(f.end, ctx, on, loc);
      Context inner = ctx;
      inner.defs.erase(f.var);
      Range r{f.var, std::nullopt, std::nullopt};
      bool unitish = f.step && f.step->as<IntLit>() && f.step->as<IntLit>()->value > 0;
      if (unitish && !assigned_.count(f.var)) {
        r.lo = toPoly(substitute(f.start, ctx));
        Poly end = toPoly(substitute(f.end, ctx));
        if (f.cmp == BinaryOp::LT || f.cmp == BinaryOp::NE) r.hi = end - Poly::constant(1);
        else if (f.cmp == BinaryOp::LE) r.hi = end;
        r.unitLoop = f.step->as<IntLit>()->value == 1 && f.cmp != BinaryOp::NE;
      }
      inner.ranges.push_back(r);
      walk(f.body, inner, on);
      return;
    }
    case StmtKind::Loop: {
      auto &l = *s->as<Loop>();
      Context inner = ctx;
      inner.conditional = true;
      walk(l.init, inner, on);
      expr(l.cond, inner, on, loc);
      expr(l.update, inner, on, loc);
      walk(l.body, inner, on);
      return;
    }
    case StmtKind::Return: return expr(s->as<Return>()->value, ctx, on, loc);
    default: return;
    }
  }
};

}  // namespace

std::vector<BufferUse> analyzeBufferExtents(const Function &fn, const std::set<const Stmt *> *regions) {
  ExtentAnalysis a(fn, regions);
  return a.run();
}

}  // namespace xpile::passes
