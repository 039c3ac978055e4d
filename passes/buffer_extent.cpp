#include "passes/buffer_extent.h"

#include "ast/dump.h"
#include "ast/visitor.h"
#include "backends/vnni/intrinsic_catalogue.h"
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
  // Local arrays filled element by element in a loop (`mask[v] = tail_mask16(C - v * 16)` in a
  // loop over v) and written nowhere else: array -> (the loop variable, the element's value).
  std::map<std::string, std::pair<std::string, ExprPtr>> arrayDefs;
  // Arrays declared (Alloc) in scope: their rank, and whether their elements are pointers (loop
  // recovery's per-thread copies of a pointer local: references may keep the pointer's type, so
  // the declaration tells array indexing from dereferencing).
  struct ArrayShape {
    int rank = 0;
    bool pointerElements = false;
  };
  std::map<std::string, ArrayShape> localArrays;
};

// Replaces variables by expressions (a callee's parameters by the arguments of a call).
ExprPtr substituteVars(const ExprPtr &e, const std::map<std::string, ExprPtr> &by) {
  struct M : IRMutator {
    const std::map<std::string, ExprPtr> &by;
    explicit M(const std::map<std::string, ExprPtr> &b) : by(b) {}
    ExprPtr visitVar(const Var &n, const ExprPtr &self) override {
      auto it = by.find(n.name);
      return it == by.end() ? self : it->second;
    }
  } m(by);
  return m.mutate(e);
}

// Whether `s` assigns (or increments, or takes the address of) the variable `name`.
bool assigns(const StmtPtr &s, const std::string &name) {
  struct V : IRVisitor {
    const std::string &name;
    bool found = false;
    explicit V(const std::string &n) : name(n) {}
    void target(const ExprPtr &t) {
      if (auto *v = t ? t->as<Var>() : nullptr) found |= v->name == name;
    }
    void visitAssignStmt(const AssignStmt &n) override { target(n.target); IRVisitor::visitAssignStmt(n); }
    void visitAssignExpr(const AssignExpr &n) override { target(n.target); IRVisitor::visitAssignExpr(n); }
    void visitUnary(const Unary &n) override {
      if (n.op == UnaryOp::PreInc || n.op == UnaryOp::PreDec || n.op == UnaryOp::PostInc ||
          n.op == UnaryOp::PostDec || n.op == UnaryOp::AddrOf)
        target(n.operand);
      IRVisitor::visitUnary(n);
    }
    void visitDecl(const Decl &d) override { found |= d.name == name; IRVisitor::visitDecl(d); }
    void visitFor(const For &f) override { found |= f.var == name; IRVisitor::visitFor(f); }
  } v(name);
  v.visit(s);
  return v.found;
}

// A pointer expression without the casts that only reinterpret it (`(const xp_m512 *)(a + k)`,
// `(void *)p`): intrinsics address bytes, so the pointer's own element type is the unit.
const ExprPtr &stripPointerCasts(const ExprPtr &e) {
  auto *c = e ? e->as<Cast>() : nullptr;
  if (c && c->type && c->type->kind == Type::Kind::Pointer && c->operand && c->operand->type &&
      c->operand->type->kind == Type::Kind::Pointer)
    return stripPointerCasts(c->operand);
  return e;
}

// The shape an Alloc declares (nested Array types, element type innermost).
Context::ArrayShape arrayShape(const TypePtr &t) {
  Context::ArrayShape a;
  const Type *x = t.get();
  while (x && x->kind == Type::Kind::Array) ++a.rank, x = x->element.get();
  a.pointerElements = x && x->kind == Type::Kind::Pointer;
  return a;
}

// `a[i][j]`: the variable indexed ("a") and how many subscripts lead to it (2); 0 and no name when
// the expression is not subscripts of a variable.
int subscriptDepth(const Expr *e, std::string &name) {
  int depth = 0;
  while (auto *l = e ? e->as<Load>() : nullptr) ++depth, e = l->base.get();
  auto *v = e ? e->as<Var>() : nullptr;
  name = v ? v->name : "";
  return v ? depth : 0;
}

// The value a function returns, as one expression, when its body is a chain of early returns
// ending in a return: `if (n >= 16) return 0xFFFF; if (n <= 0) return 0; return (1u << n) - 1u;`
// is `n >= 16 ? 0xFFFF : n <= 0 ? 0 : (1u << n) - 1u` (a mask helper). Null for anything else.
ExprPtr returnedValue(const StmtPtr &body) {
  std::vector<StmtPtr> stmts;
  std::function<void(const StmtPtr &)> flatten = [&](const StmtPtr &s) {
    if (auto *q = s ? s->as<Seq>() : nullptr) {
      for (auto &c : q->body) flatten(c);
    } else if (s) {
      stmts.push_back(s);
    }
  };
  flatten(body);
  auto returned = [](const StmtPtr &s) -> ExprPtr {  // `return v;`, or a block of just that
    const Stmt *x = s.get();
    while (auto *q = x ? x->as<Seq>() : nullptr) x = q->body.size() == 1 ? q->body[0].get() : nullptr;
    auto *r = x ? x->as<Return>() : nullptr;
    return r ? r->value : nullptr;
  };
  if (stmts.empty()) return nullptr;
  ExprPtr value = returned(stmts.back());
  for (size_t i = stmts.size() - 1; value && i-- > 0;) {
    auto *f = stmts[i]->as<If>();
    ExprPtr early = f && !f->elseBody ? returned(f->thenBody) : nullptr;
    if (!early) return nullptr;
    auto sel = std::make_shared<Select>();
    sel->cond = f->cond;
    sel->thenValue = early;
    sel->elseValue = value;
    sel->type = value->type;
    value = sel;
  }
  return value;
}

class ExtentAnalysis {
public:
  ExtentAnalysis(const Function &fn, const std::set<const Stmt *> *regions, const Module *module,
                 std::set<std::string> *inProgress)
      : fn_(fn), regions_(regions), module_(module), inProgress_(inProgress) {
    for (auto &p : fn.params) {
      if (p.type && p.type->kind == Type::Kind::Pointer) pointerParams_[p.name] = p.type->element;
      else if (p.type && p.type->isInteger()) intParams_.insert(p.name);
    }
    countAssignments(fn.body);
    countPointerArrayUses(fn.body);
  }

  std::vector<BufferUse> run() {
    Context ctx;
    // Const integer globals with a literal value (`static const int64_t kChunk = 16384`) are
    // constants of the index arithmetic.
    if (module_)
      for (auto &item : module_->items)
        if (auto *g = std::get_if<GlobalVar>(&item))
          if (g->type && g->type->isInteger() && (g->type->isConst || g->isConstexpr) && isIntegerLiteral(g->init) &&
              !pointerParams_.count(g->name) && !intParams_.count(g->name) && !assigned_.count(g->name))
            ctx.defs[g->name] = g->init;
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
  const Module *module_;
  std::set<std::string> *inProgress_;  // functions being summarised up the call chain (recursion)
  std::map<std::string, std::vector<BufferUse>> summaries_;
  std::map<std::string, TypePtr> pointerParams_;
  std::set<std::string> intParams_;
  std::map<std::string, int> assigned_;  // assignments other than the declaration
  std::map<std::string, int> arrayWrites_;  // element writes per array (and calls it is passed to)
  // Local arrays of pointers filled per thread by loop recovery (`yr[tid] = y + row * cols`) and
  // dereferenced in a later loop (`yr[tid][c]`): the buffer every stored pointer points into and
  // the largest offset of each store, over the parameters.
  struct PointerArray {
    std::string root;
    std::vector<Poly> offsets;
    int stores = 0;        // stores recorded so far
    bool unknown = false;  // a store (or initializer) the analysis cannot follow
  };
  std::map<std::string, PointerArray> pointerArrays_;
  std::map<std::string, int> pointerElementWrites_;  // writes of pointer elements, any form
  std::map<std::string, int> arrayEscapes_;          // uses of an array other than indexing it
  mutable std::map<std::string, ExprPtr> atomExprs_;
  std::map<std::string, Acc> acc_;
  std::vector<std::string> order_;

  static bool isIntegerLiteral(const ExprPtr &e) {
    if (!e) return false;
    if (e->as<IntLit>()) return true;
    if (auto *c = e->as<Cast>()) return c->type && c->type->isInteger() && isIntegerLiteral(c->operand);
    if (auto *u = e->as<Unary>()) return (u->op == UnaryOp::Neg || u->op == UnaryOp::Plus) && isIntegerLiteral(u->operand);
    return false;
  }

  // --- pre-pass: which names are assigned after their declaration -----------------------------
  // (Element writes of arrays, and arrays passed to calls, are counted in arrayWrites_.)
  void countAssignments(const StmtPtr &s) {
    struct V : IRVisitor {
      std::map<std::string, int> &out, &arrays;
      V(std::map<std::string, int> &o, std::map<std::string, int> &a) : out(o), arrays(a) {}
      void target(const ExprPtr &t) {
        if (auto *v = t ? t->as<Var>() : nullptr) ++out[v->name];
        if (auto *l = t ? t->as<Load>() : nullptr) {
          while (auto *inner = l->base->as<Load>()) l = inner;
          if (auto *v = l->base->as<Var>()) ++arrays[v->name];
        }
      }
      void visitCall(const Call &c) override {
        for (auto &a : c.args)
          if (auto *v = a->as<Var>(); v && a->type && a->type->kind != Type::Kind::Scalar) ++arrays[v->name];
        IRVisitor::visitCall(c);
      }
      void visitAssignStmt(const AssignStmt &n) override { target(n.target); IRVisitor::visitAssignStmt(n); }
      void visitAssignExpr(const AssignExpr &n) override { target(n.target); IRVisitor::visitAssignExpr(n); }
      void visitUnary(const Unary &n) override {
        if (n.op == UnaryOp::PreInc || n.op == UnaryOp::PreDec || n.op == UnaryOp::PostInc ||
            n.op == UnaryOp::PostDec || n.op == UnaryOp::AddrOf)
          target(n.operand);
        IRVisitor::visitUnary(n);
      }
    } v(assigned_, arrayWrites_);
    v.visit(s);
  }

  // Writes of pointer-typed elements of arrays (`p[t] = ...`, `p[t]++`, `&p[t]`) and uses of an
  // array name other than as the base of an index (passed on, decayed into a pointer), which
  // could write elements behind the analysis' back.
  void countPointerArrayUses(const StmtPtr &s) {
    struct V : IRVisitor {
      std::map<std::string, int> &writes, &escapes;
      std::map<std::string, Context::ArrayShape> shapes;
      V(std::map<std::string, int> &w, std::map<std::string, int> &e) : writes(w), escapes(e) {}
      void target(const ExprPtr &t) {
        std::string name;
        int depth = subscriptDepth(t.get(), name);
        auto s = shapes.find(name);
        if (depth > 0 && s != shapes.end() && s->second.pointerElements && depth <= s->second.rank) ++writes[name];
      }
      void visitAlloc(const Alloc &a) override {
        Context::ArrayShape shape = arrayShape(a.type);
        auto [it, fresh] = shapes.emplace(a.name, shape);
        // Two arrays of one name with different shapes: count every subscript write of either.
        if (!fresh && (it->second.rank != shape.rank || it->second.pointerElements != shape.pointerElements))
          it->second = {1 << 20, true};
        IRVisitor::visitAlloc(a);
      }
      void visitLoad(const Load &n) override {
        if (n.base && n.base->as<Var>()) return visit(n.index);
        IRVisitor::visitLoad(n);
      }
      void visitVar(const Var &n) override { ++escapes[n.name]; }
      void visitAssignStmt(const AssignStmt &n) override { target(n.target); IRVisitor::visitAssignStmt(n); }
      void visitAssignExpr(const AssignExpr &n) override { target(n.target); IRVisitor::visitAssignExpr(n); }
      void visitUnary(const Unary &n) override {
        if (n.op == UnaryOp::PreInc || n.op == UnaryOp::PreDec || n.op == UnaryOp::PostInc ||
            n.op == UnaryOp::PostDec || n.op == UnaryOp::AddrOf)
          target(n.operand);
        IRVisitor::visitUnary(n);
      }
    } v(pointerElementWrites_, arrayEscapes_);
    v.visit(s);
  }

  // Records `p[t] = value` for a local array of pointers.
  void recordPointerStore(const AssignStmt &a, const Context &ctx) {
    std::string array;
    int depth = subscriptDepth(a.target.get(), array);
    auto shape = ctx.localArrays.find(array);
    if (depth == 0 || shape == ctx.localArrays.end() || !shape->second.pointerElements || depth > shape->second.rank)
      return;
    PointerArray &pa = pointerArrays_[array];
    if (depth < shape->second.rank) {
      pa.unknown = true;
      return;
    }
    ++pa.stores;
    std::string root;
    ExprPtr offset;
    if (a.op || !resolve(a.value, ctx, root, offset) || !offset || !pointerParams_.count(root) ||
        (!pa.root.empty() && pa.root != root)) {
      pa.unknown = true;
      return;
    }
    std::optional<Poly> m = maximize(toPoly(substitute(offset, ctx)), ctx.ranges);
    if (!m) {
      pa.unknown = true;
      return;
    }
    pa.root = root;
    pa.offsets.push_back(*m);
  }

  // The array of pointers a loaded pointer comes from, when every store into it is known (all
  // of them seen before this use) and it is a local array nothing else can write.
  const PointerArray *knownPointerArray(const Load &l, const Context &ctx) const {
    std::string array;
    int depth = subscriptDepth(&l, array);
    auto shape = ctx.localArrays.find(array);
    if (shape == ctx.localArrays.end() || !shape->second.pointerElements || depth != shape->second.rank ||
        arrayEscapes_.count(array))
      return nullptr;
    auto it = pointerArrays_.find(array);
    if (it == pointerArrays_.end() || it->second.unknown || it->second.offsets.empty()) return nullptr;
    auto w = pointerElementWrites_.find(array);
    if (w == pointerElementWrites_.end() || w->second != it->second.stores) return nullptr;
    return &it->second;
  }
  static std::string pointerArrayOffset(const std::string &array) { return "%" + array; }

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
      // An element of a local array filled with one value per index (recordArrayFill).
      ExprPtr visitLoad(const Load &n, const ExprPtr &self) override {
        auto *arr = n.base->as<Var>();
        auto d = arr && depth <= 32 ? ctx.arrayDefs.find(arr->name) : ctx.arrayDefs.end();
        if (d == ctx.arrayDefs.end()) return IRMutator::visitLoad(n, self);
        ExprPtr index = mutate(n.index);
        return a.substitute(substituteVars(d->second.second, {{d->second.first, index}}), ctx, depth + 1);
      }
    } m(*this, ctx, depth);
    return m.mutate(e);
  }

  Poly opaque(const ExprPtr &e) const {
    std::string key = "#" + dumpExpr(e);
    atomExprs_.emplace(key, e);
    return Poly::atom(key);
  }

  // `e` must already be substituted.
  Poly toPoly(const ExprPtr &e) const {
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
      // An unsigned value, or a quotient or remainder of non-negative operands (`t % block_x`).
      if (auto e = atomExprs_.find(a); e != atomExprs_.end()) {
        const ExprPtr &x = e->second;
        if (x->type && x->type->kind == Type::Kind::Scalar &&
            (x->type->scalar == ScalarType::U8 || x->type->scalar == ScalarType::U16 ||
             x->type->scalar == ScalarType::U32 || x->type->scalar == ScalarType::U64))
          return true;
        auto *b = x->as<Binary>();
        if (b && (b->op == BinaryOp::Div || b->op == BinaryOp::Mod) && b->lhs->type && b->lhs->type->isInteger() &&
            polyNonNeg(toPoly(b->lhs), ranges, depth + 1) && polyNonNeg(toPoly(b->rhs), ranges, depth + 1))
          return true;
      }
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
  std::optional<Poly> maximize(Poly p, const std::vector<Range> &ranges, int depth = 0) const {
    if (depth > 8) return std::nullopt;
    p = boundDivisions(p, ranges, depth);
    if (auto split = splitSelect(p, ranges)) return *split;
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
      std::vector<Range> outer(ranges.begin(), ranges.begin() + (ranges.rend() - it - 1));
      p = boundDivisions(p, outer, depth);  // an inner bound may divide an outer variable
      if (auto split = splitSelect(p, outer)) return *split;
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

  // Whether `p` grows with the atom `x`: degree one, positive coefficients, non-negative cofactors.
  bool increasingIn(const Poly &p, const std::string &x, const std::vector<Range> &ranges) const {
    for (auto &[m, c] : p.terms) {
      long k = std::count(m.begin(), m.end(), x);
      if (k == 0) continue;
      if (k > 1 || c < 0) return false;
      for (auto &y : m)
        if (y != x && !atomNonNeg(y, ranges)) return false;
    }
    return true;
  }

  // Divisions and remainders over loop variables (`p % Wo`, `p / (Wo * Ho)` of a collapsed pixel
  // loop) replaced by their largest values where `p` grows with them; a pointwise upper bound of
  // each atom keeps the maximum an upper bound. Atoms without a bound stay (maximize then fails).
  Poly boundDivisions(Poly p, const std::vector<Range> &ranges, int depth) const {
    for (bool changed = true; changed;) {
      changed = false;
      std::set<std::string> atoms;
      for (auto &[m, c] : p.terms) atoms.insert(m.begin(), m.end());
      for (auto &x : atoms) {
        auto e = x[0] == '#' ? atomExprs_.find(x) : atomExprs_.end();
        auto *b = e == atomExprs_.end() ? nullptr : e->second->as<Binary>();
        if (!b || (b->op != BinaryOp::Div && b->op != BinaryOp::Mod) || onlyParams(e->second)) continue;
        if (!b->lhs->type || !b->lhs->type->isInteger() || !b->rhs->type || !b->rhs->type->isInteger()) continue;
        if (!increasingIn(p, x, ranges)) continue;
        std::optional<Poly> u = divisionBound(*b, ranges, depth);
        if (!u) continue;
        p = p.substitute(x, *u);
        changed = true;
        break;
      }
    }
    return p;
  }

  // The largest value of `x % m` or `x / m` (already substituted) over the ranges, over the
  // parameters only. `x % m` lies in (-|m|, |m|) whatever the signs (C truncates), so at most
  // |m| - 1, and at most x when x >= 0. For x <= X: `x / c` (c > 0 a constant) is at most
  // X / c; for x in [0, X]: `x / m` with X = a * m - 1 (a provably non-negative) is at most a - 1: the range
  // is non-empty where the division executes, so a * m >= 1, hence m >= 1 (and likewise a for
  // X = a * m). Nothing for other divisors: their sign is unknown.
  std::optional<Poly> divisionBound(const Binary &b, const std::vector<Range> &ranges, int depth) const {
    Poly num = toPoly(b.lhs), den = toPoly(b.rhs);
    if (!onlyParams(b.rhs)) return std::nullopt;
    bool numNonNeg = polyNonNeg(num, ranges);
    std::optional<Poly> numMax = maximize(num, ranges, depth + 1);
    if (b.op == BinaryOp::Mod) {
      Poly magnitude;
      if (polyNonNeg(den, {})) magnitude = den;
      else if (polyNonNeg(den * -1, {})) magnitude = den * -1;
      else {
        auto abs = std::make_shared<Select>();
        abs->cond = build::binary(BinaryOp::LT, b.rhs, build::intLit(0));
        abs->thenValue = build::unary(UnaryOp::Neg, b.rhs);
        abs->elseValue = b.rhs;
        abs->type = b.rhs->type;
        magnitude = opaque(abs);
      }
      Poly u = magnitude - Poly::constant(1);
      if (numNonNeg && numMax && polyNonNeg(u - *numMax, {})) return numMax;
      return u;
    }
    if (!numMax) return std::nullopt;
    // Truncating division by c > 0 is non-decreasing in x: x <= X gives x / c <= X / c, which is
    // floor(X / c) when X >= 0.
    if (den.terms.size() == 1 && den.terms.count({}) && den.terms.at({}) > 0 &&
        (numNonNeg || polyNonNeg(*numMax, {}))) {
      int64_t d = den.terms.at({});
      Poly whole, rest;  // X = d * whole + rest
      for (auto &[m, c] : numMax->terms) {
        if (c % d == 0) whole.terms[m] = c / d;
        else rest.terms[m] = c;
      }
      if (rest.terms.empty()) return whole;
      if (rest.terms.size() == 1 && rest.terms.count({})) {
        int64_t r = rest.terms.at({});
        return whole + Poly::constant(r >= 0 ? r / d : -((-r + d - 1) / d));
      }
      return opaque(build::binary(BinaryOp::Div, toExpr(*numMax), build::intLit(d), b.lhs->type));
    }
    if (!numNonNeg) return std::nullopt;
    for (int64_t k : {1, 0})
      if (auto a = exactQuotient(*numMax + Poly::constant(k), den); a && polyNonNeg(*a, {}))
        return *a - Poly::constant(k);
    return std::nullopt;
  }

  // f / g when g divides f exactly as polynomials (the division algorithm under a graded order
  // of monomials: degree, then their sorted atoms), else nothing.
  static std::optional<Poly> exactQuotient(Poly f, const Poly &g) {
    auto lead = [](const Poly &p) {
      return std::max_element(p.terms.begin(), p.terms.end(), [](auto &x, auto &y) {
        return x.first.size() != y.first.size() ? x.first.size() < y.first.size() : x.first < y.first;
      });
    };
    if (g.terms.empty()) return std::nullopt;
    auto [gm, gc] = *lead(g);
    Poly q;
    for (int steps = 0; !f.terms.empty(); ++steps) {
      auto [fm, fc] = *lead(f);
      if (steps > 64 || fc % gc != 0 || !std::includes(fm.begin(), fm.end(), gm.begin(), gm.end()))
        return std::nullopt;
      Poly t;
      std::vector<std::string> rest;
      std::set_difference(fm.begin(), fm.end(), gm.begin(), gm.end(), std::back_inserter(rest));
      t.terms[rest] = fc / gc;
      q = q + t;
      f = f - t * g;
    }
    return q;
  }

  // A select over loop variables among the terms (`end = begin + K < n ? begin + K : n` bounding a
  // loop) hides the variables of its branches from the monotonicity argument. The maximum with the
  // select replaced by each branch: the smaller of the two for a minimum (`a < b ? a : b` is at
  // most either), the larger otherwise. nullopt when p has no such select; an empty result when p
  // is not increasing in it or a branch cannot be maximised.
  std::optional<std::optional<Poly>> splitSelect(const Poly &p, const std::vector<Range> &ranges) const {
    for (auto &[m, c] : p.terms)
      for (auto &x : m) {
        if (x[0] != '#') continue;
        auto e = atomExprs_.find(x);
        auto *sel = e == atomExprs_.end() ? nullptr : e->second->as<Select>();
        if (!sel || onlyParams(e->second)) continue;
        for (auto &[m2, c2] : p.terms) {
          long k = std::count(m2.begin(), m2.end(), x);
          if (k == 0) continue;
          if (k > 1 || c2 < 0) return std::optional<Poly>{};
          for (auto &y : m2)
            if (y != x && !atomNonNeg(y, ranges)) return std::optional<Poly>{};
        }
        std::optional<Poly> a = maximize(p.substitute(x, toPoly(sel->thenValue)), ranges);
        std::optional<Poly> b = maximize(p.substitute(x, toPoly(sel->elseValue)), ranges);
        auto *cmp = sel->cond->as<Binary>();
        bool isMin = false;
        if (cmp && (cmp->op == BinaryOp::LT || cmp->op == BinaryOp::LE))
          isMin = dumpExpr(sel->thenValue) == dumpExpr(cmp->lhs) && dumpExpr(sel->elseValue) == dumpExpr(cmp->rhs);
        if (cmp && (cmp->op == BinaryOp::GT || cmp->op == BinaryOp::GE))
          isMin = dumpExpr(sel->thenValue) == dumpExpr(cmp->rhs) && dumpExpr(sel->elseValue) == dumpExpr(cmp->lhs);
        if (isMin && (!a || !b)) return a ? a : b;
        if (!a || !b) return std::optional<Poly>{};
        return std::optional<Poly>{extreme(*a, *b, isMin)};
      }
    return std::nullopt;
  }

  // min(a, b) or max(a, b): one of them when the difference has a known sign, else a select.
  Poly extreme(const Poly &a, const Poly &b, bool smaller) const {
    if (polyNonNeg(a - b, {})) return smaller ? b : a;
    if (polyNonNeg(b - a, {})) return smaller ? a : b;
    ExprPtr ea = toExpr(a), eb = toExpr(b);
    auto sel = std::make_shared<Select>();
    sel->cond = build::binary(BinaryOp::LT, ea, eb);
    sel->thenValue = smaller ? ea : eb;
    sel->elseValue = smaller ? eb : ea;
    sel->type = ea->type ? ea->type : eb->type;
    return opaque(sel);
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
  // `region`: the statements the condition guards. A variable assigned somewhere in the function
  // is narrowed only when `region` is given and does not assign it (the guard then holds in all of
  // it: a loop condition over a body that leaves the variable to the loop's update).
  void narrow(const ExprPtr &cond, bool truth, Context &ctx, const StmtPtr &region = nullptr) {
    auto *b = cond ? cond->as<Binary>() : nullptr;
    if (!b) {
      if (auto *u = cond ? cond->as<Unary>() : nullptr; u && u->op == UnaryOp::Not)
        narrow(u->operand, !truth, ctx, region);
      return;
    }
    if ((b->op == BinaryOp::LAnd && truth) || (b->op == BinaryOp::LOr && !truth)) {
      narrow(b->lhs, truth, ctx, region);
      narrow(b->rhs, truth, ctx, region);
      return;
    }
    BinaryOp op = b->op;
    auto *v = b->lhs->as<Var>();
    if (!v && b->lhs->type && b->lhs->type->isInteger()) return narrowOffset(*b, truth, ctx, region);
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
    if (intParams_.count(v->name)) return;
    if (assigned_.count(v->name) && (!region || assigns(region, v->name) || b->lhs->type->isFloat())) return;
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
    bound(v->name, op, toPoly(substitute(b->rhs, ctx)), ctx);
  }

  // `i + 64 <= end`: a comparison of one local plus an offset free of it bounds the local.
  void narrowOffset(const Binary &b, bool truth, Context &ctx, const StmtPtr &region) {
    BinaryOp op = b.op;
    if (op != BinaryOp::LT && op != BinaryOp::LE && op != BinaryOp::GT && op != BinaryOp::GE) return;
    if (!truth)
      op = op == BinaryOp::LT ? BinaryOp::GE : op == BinaryOp::LE ? BinaryOp::GT : op == BinaryOp::GT ? BinaryOp::LE
                                                                                                    : BinaryOp::LT;
    // The local as written (`i + 4 <= M` with i = ib * 4 bounds i), else after substitution.
    auto candidate = [&](const Poly &lhs) {
      std::string var;
      for (auto &[m, c] : lhs.terms)
        if (m.size() == 1 && c == 1 && m[0][0] != '#' && !intParams_.count(m[0]) && !pointerParams_.count(m[0]) &&
            !(lhs - Poly::atom(m[0])).mentions(m[0])) {
          if (!var.empty()) return std::string();  // two candidates: which one the guard bounds is a choice
          var = m[0];
        }
      return var;
    };
    Poly lhs = toPoly(b.lhs);
    std::string var = candidate(lhs);
    if (var.empty()) var = candidate(lhs = toPoly(substitute(b.lhs, ctx)));
    if (var.empty()) return;
    if (assigned_.count(var) && (!region || assigns(region, var))) return;
    bound(var, op, toPoly(substitute(b.rhs, ctx)) - (lhs - Poly::atom(var)), ctx);
  }

  // Records `name op value` in the innermost range of `name` (a new one when it has none).
  void bound(const std::string &name, BinaryOp op, const Poly &value, Context &ctx) {
    const Poly &bound = value;
    Range *r = nullptr;
    for (auto it = ctx.ranges.rbegin(); it != ctx.ranges.rend(); ++it)
      if (it->name == name) { r = &*it; break; }
    if (!r) {
      ctx.ranges.push_back(seed(name, ctx));
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

  // `for (v = ...) { ... a[v] = value; ... }` over a local array written nowhere else: later reads
  // `a[x]` (of masks; of loop recovery's per-thread copies of locals, `r[tid] = lane % 16`) are
  // `value` with v = x. The value is taken with the body's own locals and earlier such arrays
  // substituted, so it means the same wherever the array is read.
  void recordArrayFill(const For &f, Context &ctx) {
    std::vector<StmtPtr> body;
    if (auto *q = f.body ? f.body->as<Seq>() : nullptr) body = q->body;
    else body.push_back(f.body);
    Context local = ctx;  // the body's locals, in order; v itself stays a variable
    local.ranges.push_back({f.var, std::nullopt, std::nullopt});
    std::set<std::string> bodyNames;
    for (auto &st : body) {
      if (auto *d = st ? st->as<Decl>() : nullptr) {
        bodyNames.insert(d->name);
        if (d->init && d->type && d->type->isInteger() && !assigned_.count(d->name)) local.defs[d->name] = d->init;
        continue;
      }
      auto *a = st ? st->as<AssignStmt>() : nullptr;
      auto *l = a && !a->op ? a->target->as<Load>() : nullptr;
      auto *arr = l ? l->base->as<Var>() : nullptr;
      auto *idx = l ? l->index->as<Var>() : nullptr;
      if (!arr || !idx || idx->name != f.var || !ctx.localArrays.count(arr->name) || arrayWrites_[arr->name] != 1)
        continue;
      ExprPtr value = substitute(a->value, local);
      bool stable = true;  // the value means the same wherever the array is read
      struct V : IRVisitor {
        std::set<std::string> names;
        bool loads = false;
        void visitVar(const Var &n) override { names.insert(n.name); }
        void visitLoad(const Load &n) override { loads = true; IRVisitor::visitLoad(n); }
      } v;
      v.visit(value);
      for (auto &n : v.names) stable &= n == f.var || (!assigned_.count(n) && !bodyNames.count(n));
      if (stable && !v.loads) ctx.arrayDefs[arr->name] = {f.var, value};
      local.arrayDefs = ctx.arrayDefs;
    }
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

  // Whether a statement always ends by leaving its block: its last statement (through nested
  // blocks) is a continue, break or return.
  static bool endsByLeaving(const StmtPtr &s) {
    if (!s) return false;
    if (s->kind == StmtKind::Continue || s->kind == StmtKind::Break || s->kind == StmtKind::Return) return true;
    auto *q = s->as<Seq>();
    return q && !q->body.empty() && endsByLeaving(q->body.back());
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
    if (auto *l = base->as<Load>()) {
      // `yr[tid]`: some pointer stored into the array; its offset is a variable bounded by the
      // largest stored offset (see access).
      const PointerArray *pa = knownPointerArray(*l, ctx);
      if (!pa) return false;
      std::string array;
      subscriptDepth(l, array);
      root = pa->root;
      offset = build::var(pointerArrayOffset(array), build::i32());
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
    access(base, std::vector<ExprPtr>{index}, read, write, loc, ctx);
  }

  // An access whose last element is `base[index]` for each of `indices`: alternative upper bounds
  // (a masked intrinsic is bounded both by its lane count and by its mask), of which the one with
  // the provably smallest maximum counts.
  void access(const ExprPtr &base, const std::vector<ExprPtr> &indices, bool read, bool write, const SourceLoc &loc,
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
    // Offsets of pointers loaded from arrays of pointers range up to the largest one stored.
    std::vector<Range> ranges;
    for (auto &[name, pa] : pointerArrays_)
      if (toPoly(offset).mentions(pointerArrayOffset(name))) {
        Poly hi = pa.offsets[0];
        for (size_t i = 1; i < pa.offsets.size(); ++i) hi = extreme(hi, pa.offsets[i], false);
        ranges.push_back({pointerArrayOffset(name), std::nullopt, hi});
      }
    ranges.insert(ranges.end(), ctx.ranges.begin(), ctx.ranges.end());
    std::vector<Candidate> found;
    Poly idx;
    for (auto &index : indices) {
      idx = toPoly(substitute(build::binary(BinaryOp::Add, offset, index), ctx));
      if (auto m = maximize(idx, ranges)) found.push_back({*m, ranges});
    }
    if (found.empty()) {
      a.use.error = "cannot determine how many elements of '" + root + "' are accessed";
      a.use.loc = loc;
      return;
    }
    // Every alternative bounds the access: the smallest, or their minimum when none provably is.
    Candidate best = found[0];
    for (size_t i = 1; i < found.size(); ++i) {
      if (dominates(found[i], best)) continue;
      if (dominates(best, found[i])) best = found[i];
      else best.max = extreme(best.max, found[i].max, true);
    }
    a.maxima.push_back(best);
    if (write && !ctx.conditional && indices.size() == 1 && dense(idx, ranges)) a.denseMaxima.push_back(best.max);
  }

  // --- calls: intrinsic footprints and callee summaries ------------------------------------------
  // Handles a call whose pointer arguments the analysis can size; false when it cannot follow it.
  bool callAccess(const Call &c, const Context &ctx, const SourceLoc &loc) {
    if ((c.callee == "memcpy" || c.callee == "std::memcpy" || c.callee == "memmove" || c.callee == "std::memmove") &&
        c.args.size() == 3)
      return byteCopyAccess(c, ctx, loc);
    if (!module_ || c.callKind != CallKind::User) return false;
    // (A program cannot define a helper's name itself: detensorize refuses it.)
    if (auto *in = backends::vnni::findIntrinsicByHelper(c.callee); in && in->memory)
      return intrinsicAccess(c, *in, ctx, loc);
    const Function *callee = module_->findFunction(c.callee);
    if (!callee || !callee->body || callee->params.size() != c.args.size()) return false;
    return calleeAccess(c, *callee, ctx, loc);
  }

  bool intrinsicAccess(const Call &c, const backends::vnni::Intrinsic &in, const Context &ctx, const SourceLoc &loc) {
    const backends::vnni::MemoryFootprint &mem = *in.memory;
    if (mem.pointerParam < 0 || static_cast<size_t>(mem.pointerParam) >= c.args.size()) return false;
    const ExprPtr &ptr = stripPointerCasts(c.args[static_cast<size_t>(mem.pointerParam)]);
    std::string root;
    ExprPtr off;
    if (mem.indexParam >= 0) {
      if (resolve(ptr, ctx, root, off)) fail(root, loc, "'" + c.callee + "' addresses it through an index vector");
      return true;
    }
    TypePtr elem = ptr->type && ptr->type->kind == Type::Kind::Pointer ? ptr->type->element : nullptr;
    int64_t elemBytes = elem && elem->kind == Type::Kind::Scalar ? scalarTypeBytes(elem->scalar) : 0;
    if (elemBytes <= 0) {
      if (resolve(ptr, ctx, root, off)) fail(root, loc, "passed to '" + c.callee + "' as an untyped pointer");
      return true;
    }
    // Bounds on the number of lanes touched: all of them, and what the mask allows.
    std::vector<Poly> lanes;
    if (mem.maskParam >= 0 && static_cast<size_t>(mem.maskParam) < c.args.size())
      lanes = maskBounds(c.args[static_cast<size_t>(mem.maskParam)], ctx, 0);
    lanes.push_back(Poly::constant(mem.lanes));
    std::vector<ExprPtr> last;
    for (auto &n : lanes) {
      Poly elements;  // elements of the pointer's type covered by n lanes
      if (mem.laneBytes % elemBytes == 0) elements = n * (mem.laneBytes / elemBytes);
      else if (n.terms.empty() || (n.terms.size() == 1 && n.terms.count({})))
        elements = Poly::constant((n.terms.empty() ? 0 : n.terms.at({})) * mem.laneBytes / elemBytes +
                                  ((n.terms.empty() ? 0 : n.terms.at({})) * mem.laneBytes % elemBytes ? 1 : 0));
      else continue;
      last.push_back(toExpr(elements - Poly::constant(1)));
    }
    access(ptr, last, mem.reads, mem.writes, loc, ctx);
    return true;
  }

  // memcpy(dst, src, n): bytes [0, n) of both, so the last element of a T buffer is (n - 1) /
  // sizeof(T). A local scalar's address (`&w`) is no buffer of the entry's.
  bool byteCopyAccess(const Call &c, const Context &ctx, const SourceLoc &loc) {
    for (int k : {0, 1}) {
      const ExprPtr &ptr = stripPointerCasts(c.args[static_cast<size_t>(k)]);
      auto *addr = ptr->as<Unary>();
      if (addr && addr->op == UnaryOp::AddrOf && addr->operand->as<Var>()) continue;
      TypePtr elem = ptr->type && ptr->type->kind == Type::Kind::Pointer ? ptr->type->element : nullptr;
      int64_t elemBytes = elem && elem->kind == Type::Kind::Scalar ? scalarTypeBytes(elem->scalar) : 0;
      if (elemBytes <= 0) {
        std::string root;
        ExprPtr off;
        if (resolve(ptr, ctx, root, off)) fail(root, loc, "copied by '" + c.callee + "' as an untyped pointer");
        continue;
      }
      ExprPtr lastByte = build::binary(BinaryOp::Sub, c.args[2], build::intLit(1));
      ExprPtr last = elemBytes == 1 ? lastByte : build::binary(BinaryOp::Div, lastByte, build::intLit(elemBytes));
      access(ptr, last, /*read=*/k == 1, /*write=*/k == 0, loc, ctx);
    }
    return true;
  }

  // A call of a function of the module: its buffer extents, its parameters replaced by the
  // arguments, are accesses of the arguments' buffers.
  bool calleeAccess(const Call &c, const Function &callee, const Context &ctx, const SourceLoc &loc) {
    bool passesPointer = false;
    for (auto &a : c.args) passesPointer |= a->type && a->type->kind == Type::Kind::Pointer;
    if (!passesPointer) return true;
    auto it = summaries_.find(callee.name);
    if (it == summaries_.end()) {
      if (inProgress_->count(callee.name) || inProgress_->size() > 16) return false;
      inProgress_->insert(callee.name);
      ExtentAnalysis sub(callee, nullptr, module_, inProgress_);
      it = summaries_.emplace(callee.name, sub.run()).first;
      inProgress_->erase(callee.name);
    }
    std::map<std::string, ExprPtr> byParam;
    for (size_t i = 0; i < c.args.size(); ++i) byParam[callee.params[i].name] = c.args[i];
    for (auto &u : it->second) {
      auto arg = byParam.find(u.name);
      if (!u.isParam || arg == byParam.end()) {
        fail(u.name, loc, "used by '" + callee.name + "'");
        continue;
      }
      const ExprPtr &ptr = stripPointerCasts(arg->second);
      std::string root;
      ExprPtr off;
      if (!u.count) {
        if (resolve(ptr, ctx, root, off)) fail(root, loc, "in '" + callee.name + "': " + u.error);
        continue;
      }
      ExprPtr last = build::binary(BinaryOp::Sub, substituteVars(u.count, byParam), build::intLit(1));
      access(ptr, last, u.read, u.written, loc, ctx);
    }
    return true;
  }

  // Upper bounds on how many leading lanes a mask can enable (every set bit lies below each
  // bound): `(1u << n) - 1` gives n, a literal its highest set bit + 1, `a & b` the bounds of
  // either, `c ? a : b` the bounds valid in both branches. Empty when nothing is known.
  std::vector<Poly> maskBounds(const ExprPtr &e, const Context &ctx, int depth) {
    if (!e || depth > 12) return {};
    if (auto *l = e->as<IntLit>()) {
      int64_t bits = 0;
      for (uint64_t v = static_cast<uint64_t>(l->value); v; v >>= 1) ++bits;
      return {Poly::constant(bits)};
    }
    if (auto *c = e->as<Cast>()) return c->type && c->type->isInteger() ? maskBounds(c->operand, ctx, depth + 1) : std::vector<Poly>{};
    if (auto *v = e->as<Var>()) {
      auto d = ctx.defs.find(v->name);
      return d == ctx.defs.end() ? std::vector<Poly>{} : maskBounds(d->second, ctx, depth + 1);
    }
    if (auto *l = e->as<Load>()) {
      auto *arr = l->base->as<Var>();
      auto d = arr ? ctx.arrayDefs.find(arr->name) : ctx.arrayDefs.end();
      if (d == ctx.arrayDefs.end()) return {};
      return maskBounds(substituteVars(d->second.second, {{d->second.first, l->index}}), ctx, depth + 1);
    }
    if (auto *call = e->as<Call>()) {
      const Function *f = module_ && call->callKind == CallKind::User ? module_->findFunction(call->callee) : nullptr;
      ExprPtr value = f && f->body && f->params.size() == call->args.size() ? returnedValue(f->body) : nullptr;
      if (!value) return {};
      std::map<std::string, ExprPtr> byParam;
      for (size_t i = 0; i < call->args.size(); ++i) byParam[f->params[i].name] = call->args[i];
      // The callee's body names only its parameters (and constants): substitute and continue here.
      return maskBounds(substituteVars(value, byParam), ctx, depth + 1);
    }
    if (auto *b = e->as<Binary>()) {
      if (b->op == BinaryOp::BitAnd) {
        auto l = maskBounds(b->lhs, ctx, depth + 1), r = maskBounds(b->rhs, ctx, depth + 1);
        l.insert(l.end(), r.begin(), r.end());
        return l;
      }
      // (1 << n) - 1
      if (b->op == BinaryOp::Sub && isOne(b->rhs)) {
        const Expr *shl = b->lhs.get();
        while (auto *c = shl->as<Cast>()) shl = c->operand.get();
        auto *sb = shl->as<Binary>();
        if (sb && sb->op == BinaryOp::Shl && isOne(sb->lhs)) return {toPoly(substitute(sb->rhs, ctx))};
      }
      return {};
    }
    if (auto *sel = e->as<Select>()) {
      std::vector<Poly> t = maskBounds(sel->thenValue, ctx, depth + 1), f = maskBounds(sel->elseValue, ctx, depth + 1);
      std::optional<Poly> whenTrue = fact(sel->cond, true, ctx), whenFalse = fact(sel->cond, false, ctx);
      auto none = [](const std::vector<Poly> &v) {  // a branch enabling no lane at all
        for (auto &p : v)
          if (p.terms.empty()) return true;
        return false;
      };
      // `b` bounds every mask of a branch whose bounds are `other`, under that branch's fact.
      auto covers = [](const Poly &b, const std::vector<Poly> &other, const std::optional<Poly> &known) {
        for (auto &a : other) {
          Poly d = b - a;
          if (d.terms.empty() || (d.terms.size() == 1 && d.terms.count({}) && d.terms.at({}) > 0)) return true;
          if (known) {
            Poly r = d - *known;
            if (r.terms.empty() || (r.terms.size() == 1 && r.terms.count({}) && r.terms.at({}) > 0)) return true;
          }
        }
        return false;
      };
      std::vector<Poly> out;
      for (auto &b : f)
        if (none(t) || covers(b, t, whenTrue)) out.push_back(b);
      for (auto &a : t)
        if (none(f) || covers(a, f, whenFalse)) out.push_back(a);
      return out;
    }
    return {};
  }

  static bool isOne(const ExprPtr &e) {
    const Expr *x = e.get();
    while (auto *c = x->as<Cast>()) x = c->operand.get();
    auto *l = x->as<IntLit>();
    return l && l->value == 1;
  }

  // A polynomial that is non-negative when `cond` has the value `truth` (`n >= 16` gives n - 16).
  std::optional<Poly> fact(const ExprPtr &cond, bool truth, const Context &ctx) {
    auto *b = cond ? cond->as<Binary>() : nullptr;
    if (!b || !b->lhs->type || !b->lhs->type->isInteger() || !b->rhs->type || !b->rhs->type->isInteger()) return std::nullopt;
    BinaryOp op = b->op;
    if (!truth)
      switch (op) {
      case BinaryOp::LT: op = BinaryOp::GE; break;
      case BinaryOp::LE: op = BinaryOp::GT; break;
      case BinaryOp::GT: op = BinaryOp::LE; break;
      case BinaryOp::GE: op = BinaryOp::LT; break;
      default: return std::nullopt;
      }
    Poly l = toPoly(substitute(b->lhs, ctx)), r = toPoly(substitute(b->rhs, ctx));
    switch (op) {
    case BinaryOp::GE: return l - r;
    case BinaryOp::GT: return l - r - Poly::constant(1);
    case BinaryOp::LE: return r - l;
    case BinaryOp::LT: return r - l - Poly::constant(1);
    default: return std::nullopt;
    }
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
      std::string array;
      int depth = subscriptDepth(l->base.get(), array);
      auto shape = ctx.localArrays.find(array);
      bool isPtr = shape != ctx.localArrays.end() ? shape->second.pointerElements && depth >= shape->second.rank
                                                  : l->base->type && l->base->type->kind == Type::Kind::Pointer;
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
      if (on && callAccess(*c, ctx, here)) {
        for (auto &arg : c->args)
          if (!(arg->type && arg->type->kind == Type::Kind::Pointer)) expr(arg, ctx, on, here);
        return expr(c->receiver, ctx, on, here);
      }
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
      // A branch is evaluated only where the condition has its value: in `r < M && k < K ?
      // A[r * K + k] : 0.0f` the load sees r < M and k < K.
      for (bool truth : {true, false}) {
        Context branch = ctx;
        branch.conditional = true;
        const ExprPtr &value = truth ? s->thenValue : s->elseValue;
        auto region = std::make_shared<Eval>();
        region->value = value;
        narrow(s->cond, truth, branch, region);
        expr(value, branch, on, here);
      }
      return;
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
        // After `if (cond) continue;` (or `{ exited[t] = true; continue; }`, a break, a return) the
        // rest of the body runs only where cond is false.
        if (auto *i = c->as<If>(); i && !i->elseBody && endsByLeaving(i->thenBody)) narrow(i->cond, false, inner);
      }
      if (!s->as<Seq>()->scoped) ctx = inner;
      return;
    }
    case StmtKind::Decl: {
      auto &d = *s->as<Decl>();
      expr(d.init, ctx, on, loc);
      ctx.defs.erase(d.name);
      ctx.pointerLocals.erase(d.name);
      ctx.localArrays.erase(d.name);
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
    case StmtKind::Alloc:
      if (s->as<Alloc>()->init) pointerArrays_[s->as<Alloc>()->name].unknown = true;
      ctx.localArrays[s->as<Alloc>()->name] = arrayShape(s->as<Alloc>()->type);
      ctx.arrayDefs.erase(s->as<Alloc>()->name);
      return expr(s->as<Alloc>()->init, ctx, on, loc);
    case StmtKind::Assign: {
      auto &a = *s->as<AssignStmt>();
      recordPointerStore(a, ctx);
      expr(a.target, ctx, on, loc, true, a.op.has_value());
      return expr(a.value, ctx, on, loc);
    }
    case StmtKind::Eval: return expr(s->as<Eval>()->value, ctx, on, loc);
    case StmtKind::If: {
      auto &i = *s->as<If>();
      expr(i.cond, ctx, on, loc);
      Context t = ctx;
      t.conditional = true;
      narrow(i.cond, true, t, i.thenBody);
      walk(i.thenBody, t, on);
      Context e = ctx;
      e.conditional = true;
      narrow(i.cond, false, e, i.elseBody);
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
      // A positive constant step, also through constants (`idx += 4 * kWave`).
      Poly stepPoly = f.step ? toPoly(substitute(f.step, ctx)) : Poly{};
      bool unitish = stepPoly.terms.size() == 1 && stepPoly.terms.count({}) && stepPoly.terms.at({}) > 0;
      if (unitish && !assigned_.count(f.var)) {
        r.lo = toPoly(substitute(f.start, ctx));
        Poly end = toPoly(substitute(f.end, ctx));
        if (f.cmp == BinaryOp::LT || f.cmp == BinaryOp::NE) r.hi = end - Poly::constant(1);
        else if (f.cmp == BinaryOp::LE) r.hi = end;
        // Constant bounds and step: the last value the loop reaches (`k < 64; k += 16` ends at 48).
        int64_t step = stepPoly.terms.at({});
        bool constant = r.hi->terms.empty() || (r.hi->terms.size() == 1 && r.hi->terms.count({}));
        bool constStart = r.lo->terms.empty() || (r.lo->terms.size() == 1 && r.lo->terms.count({}));
        if (step > 1 && constant && constStart && f.cmp != BinaryOp::NE) {
          int64_t lo = r.lo->terms.empty() ? 0 : r.lo->terms.at({}), hi = r.hi->terms.empty() ? 0 : r.hi->terms.at({});
          if (hi >= lo) r.hi = Poly::constant(lo + (hi - lo) / step * step);
        }
        r.unitLoop = step == 1 && f.cmp != BinaryOp::NE;
      } else if (f.step && !assigned_.count(f.var) && (f.cmp == BinaryOp::LT || f.cmp == BinaryOp::LE)) {
        // Any other step (`c += blockDim.x`): the body still runs only where `var < end` holds,
        // and from the start on when the step cannot be negative.
        Poly end = toPoly(substitute(f.end, ctx));
        r.hi = f.cmp == BinaryOp::LT ? end - Poly::constant(1) : end;
        if (polyNonNeg(stepPoly, ctx.ranges)) r.lo = toPoly(substitute(f.start, ctx));
      }
      inner.ranges.push_back(r);
      walk(f.body, inner, on);
      recordArrayFill(f, ctx);
      return;
    }
    case StmtKind::Loop: {
      auto &l = *s->as<Loop>();
      Context inner = ctx;
      inner.conditional = true;
      walk(l.init, inner, on);
      expr(l.cond, inner, on, loc);
      expr(l.update, inner, on, loc);
      // The condition holds in the body of a while or for loop, for the variables the body leaves
      // to the update (`for (; i + 16 <= n; i += 16)`).
      if (l.form != Loop::Form::DoWhile) narrow(l.cond, true, inner, l.body);
      walk(l.body, inner, on);
      return;
    }
    case StmtKind::Return: return expr(s->as<Return>()->value, ctx, on, loc);
    default: return;
    }
  }
};

}  // namespace

std::vector<BufferUse> analyzeBufferExtents(const Function &fn, const std::set<const Stmt *> *regions,
                                            const Module *module) {
  std::set<std::string> inProgress{fn.name};
  ExtentAnalysis a(fn, regions, module, &inProgress);
  return a.run();
}

}  // namespace xpile::passes
