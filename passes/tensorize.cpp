// Tensorize: f32 element-wise innermost loops -> masked AVX-512 loops (see tensorize.h); the int8
// dot-product rewrites are in tensorize_dpbusd.cpp.
#include "passes/tensorize.h"

#include "passes/loop_nest.h"
#include "passes/tensorize_internal.h"

#include "ast/visitor.h"
#include "backends/vnni/intrinsic_catalogue.h"

#include <cstdlib>
#include <map>
#include <set>

namespace xpile::passes {

using namespace ast;

// ---------------------------------------------------------------------------------------------
// Builders and expression queries shared with tensorize_dpbusd.cpp (tensorize_internal.h).

namespace tensorize_detail {

ExprPtr makeVar(const std::string &name, TypePtr type) {
  auto v = std::make_shared<Var>();
  v->name = name;
  v->type = std::move(type);
  return v;
}
ExprPtr makeInt(int64_t value, const std::string &spelling) {
  auto l = std::make_shared<IntLit>();
  l->value = value;
  l->spelling = spelling;
  l->type = Type::scalarOf(ScalarType::I32);
  return l;
}
ExprPtr makeBin(BinaryOp op, ExprPtr a, ExprPtr b, TypePtr type) {
  auto n = std::make_shared<Binary>();
  n->op = op;
  n->lhs = std::move(a);
  n->rhs = std::move(b);
  n->type = std::move(type);
  return n;
}
ExprPtr makeCast(TypePtr type, ExprPtr operand) {
  auto c = std::make_shared<Cast>();
  c->type = std::move(type);
  c->operand = std::move(operand);
  return c;
}
StmtPtr makeDecl(const std::string &name, TypePtr type, ExprPtr init) {
  auto d = std::make_shared<Decl>();
  d->name = name;
  d->type = std::move(type);
  d->init = std::move(init);
  return d;
}
StmtPtr makeEval(ExprPtr value) {
  auto e = std::make_shared<Eval>();
  e->value = std::move(value);
  return e;
}
StmtPtr makeSeq(std::vector<StmtPtr> body) {
  auto s = std::make_shared<Seq>();
  s->body = std::move(body);
  return s;
}

TypePtr maskType(int lanes) {
  ScalarType s = lanes <= 8 ? ScalarType::U8 : lanes <= 16 ? ScalarType::U16 : lanes <= 32 ? ScalarType::U32 : ScalarType::U64;
  auto t = std::make_shared<Type>(*Type::scalarOf(s, true));
  t->name = "__mmask" + std::to_string(lanes);
  return t;
}

ExprPtr intrinsic(const std::string &name, std::vector<ExprPtr> args) {
  using backends::vnni::Operand;
  const backends::vnni::Intrinsic *in = backends::vnni::findIntrinsic(name);
  auto c = std::make_shared<Call>();
  c->callee = name;
  c->args = std::move(args);
  c->callKind = CallKind::Intrinsic;
  Operand r = in ? in->result : Operand::V512;
  bool f32 = in && in->element == "f32";
  switch (r) {
  case Operand::None: c->type = Type::scalarOf(ScalarType::Void); break;
  case Operand::V128: c->type = Type::named(f32 ? "__m128" : "__m128i"); break;
  case Operand::V256: c->type = Type::named(f32 ? "__m256" : "__m256i"); break;
  case Operand::V512: c->type = Type::named(f32 ? "__m512" : "__m512i"); break;
  case Operand::Mask8: c->type = maskType(8); break;
  case Operand::Mask16: c->type = maskType(16); break;
  case Operand::Mask32: c->type = maskType(32); break;
  case Operand::Mask64: c->type = maskType(64); break;
  case Operand::F32: c->type = Type::scalarOf(ScalarType::F32); break;
  case Operand::I64: c->type = Type::scalarOf(ScalarType::I64); break;
  default: c->type = Type::scalarOf(ScalarType::I32); break;
  }
  return c;
}

ExprPtr tailMask(const ExprPtr &end, const std::string &i, const TypePtr &iType, int cap, int lanes) {
  ExprPtr left = makeBin(BinaryOp::Sub, end, makeVar(i, iType), iType);
  bool wide = lanes > 32;
  static const char *hex = "0123456789ABCDEF";
  std::string all = "0x" + std::string(static_cast<size_t>(cap / 4), 'F');
  if (cap % 4) all.insert(2, 1, hex[(1 << (cap % 4)) - 1]);
  auto allOnes = std::make_shared<IntLit>();
  allOnes->value = cap >= 64 ? -1 : static_cast<int64_t>((1ull << cap) - 1);
  allOnes->spelling = all + (wide ? "ull" : "");
  allOnes->type = Type::scalarOf(wide ? ScalarType::U64 : ScalarType::I32);
  auto one = std::make_shared<IntLit>();
  one->value = 1;
  one->spelling = wide ? "1ull" : "1u";
  one->type = Type::scalarOf(wide ? ScalarType::U64 : ScalarType::U32);
  auto sel = std::make_shared<Select>();
  sel->cond = makeBin(BinaryOp::GE, left, makeInt(cap));
  sel->thenValue = allOnes;
  sel->elseValue = makeBin(BinaryOp::Sub, makeBin(BinaryOp::Shl, one, left), one);
  auto castType = std::make_shared<Type>(*maskType(lanes));
  castType->isConst = false;
  return makeCast(castType, sel);
}

bool mentions(const ExprPtr &e, const std::string &name) {
  struct Finder : IRVisitor {
    std::string name;
    bool found = false;
    void visitVar(const Var &v) override { found |= v.name == name; }
  } f;
  f.name = name;
  f.visit(e);
  return f.found;
}

std::string typeName(const TypePtr &t) { return t ? describe(*t) : "an unknown type"; }

StmtPtr vectorLoop(const For &original, int step, std::vector<StmtPtr> body, const ExprPtr &disjoint) {
  auto vf = std::make_shared<For>(original);
  vf->step = makeInt(step);
  vf->body = makeSeq(std::move(body));
  if (!disjoint) return vf;
  auto guard = std::make_shared<If>();
  guard->loc = original.loc;
  guard->cond = disjoint;
  guard->thenBody = vf;
  guard->elseBody = std::make_shared<For>(original);
  return guard;
}

}  // namespace tensorize_detail

namespace {

using namespace tensorize_detail;

bool isF32(const TypePtr &t) { return t && t->kind == Type::Kind::Scalar && t->scalar == ScalarType::F32; }
bool isF32Pointer(const TypePtr &t) {
  return t && t->kind == Type::Kind::Pointer && t->element && isF32(t->element);
}

// One innermost loop: the checks and the vector expressions.
class LoopVectorizer {
public:
  LoopVectorizer(const For &loop) : f_(loop), i_(loop.var) {}

  std::string why;                       // non-empty: not vectorizable, and why
  std::set<std::string> written, read;  // pointer bases
  std::map<std::string, bool> restrictBase;

  // The vector form of a scalar f32 expression, or null (with `why`).
  ExprPtr vec(const ExprPtr &e) {
    if (!why.empty()) return nullptr;
    if (!mentions(e, i_) && invariantScalar(e)) {
      ExprPtr s = e;
      if (!isF32(e->type)) {  // C converts the integer operand to float: do it once, exactly as C does
        auto c = std::make_shared<Cast>();
        c->type = Type::scalarOf(ScalarType::F32);
        c->operand = e;
        s = c;
      }
      return intrinsic("_mm512_set1_ps", {s});
    }
    if (!isF32(e->type)) return fail(e, "an operation that is not single precision");
    if (auto *l = e->as<Load>()) {
      auto *base = l->base->as<Var>();
      auto *idx = l->index->as<Var>();
      if (!base || !idx || idx->name != i_ || !isF32Pointer(l->base->type))
        return fail(e, "an access that is not x[" + i_ + "] of a float pointer");
      read.insert(base->name);
      restrictBase[base->name] = l->base->type->isRestrict;
      return intrinsic("_mm512_maskz_loadu_ps", {mask(), makeBin(BinaryOp::Add, l->base, l->index, l->base->type)});
    }
    if (auto *b = e->as<Binary>()) {
      // C compilers contract `x * y + z` (and `z + x * y`, `x * y - z`, `z - x * y`) into one fused
      // multiply-add on FMA targets (FP_CONTRACT ON): the vector loop does the same, so it keeps
      // the scalar loop's rounding.
      auto *lm = b->lhs->as<Binary>(), *rm = b->rhs->as<Binary>();
      bool lmul = lm && lm->op == BinaryOp::Mul && isF32(b->lhs->type);
      bool rmul = rm && rm->op == BinaryOp::Mul && isF32(b->rhs->type);
      if ((b->op == BinaryOp::Add || b->op == BinaryOp::Sub) && (lmul || rmul)) {
        const Binary *mul = lmul ? lm : rm;
        ExprPtr other = vec(lmul ? b->rhs : b->lhs), x = vec(mul->lhs), y = vec(mul->rhs);
        if (!other || !x || !y) return nullptr;
        const char *name = b->op == BinaryOp::Add ? "_mm512_fmadd_ps" : lmul ? "_mm512_fmsub_ps" : "_mm512_fnmadd_ps";
        return intrinsic(name, {x, y, other});
      }
      const char *name = b->op == BinaryOp::Add ? "_mm512_add_ps" : b->op == BinaryOp::Sub ? "_mm512_sub_ps"
                         : b->op == BinaryOp::Mul ? "_mm512_mul_ps" : b->op == BinaryOp::Div ? "_mm512_div_ps" : nullptr;
      if (!name) return fail(e, std::string("operator ") + binaryOpSpelling(b->op));
      ExprPtr x = vec(b->lhs), y = vec(b->rhs);
      return x && y ? intrinsic(name, {x, y}) : nullptr;
    }
    if (auto *s = e->as<Select>()) {
      // x86 max/min return the second operand when either is NaN or both are zero: exactly
      // `a > b ? a : b` and `a < b ? a : b`.
      auto *c = s->cond->as<Binary>();
      if (c && (c->op == BinaryOp::GT || c->op == BinaryOp::LT) && loops::sameExpr(c->lhs, s->thenValue) &&
          loops::sameExpr(c->rhs, s->elseValue) && isF32(s->thenValue->type) && isF32(s->elseValue->type)) {
        ExprPtr x = vec(s->thenValue), y = vec(s->elseValue);
        return x && y ? intrinsic(c->op == BinaryOp::GT ? "_mm512_max_ps" : "_mm512_min_ps", {x, y}) : nullptr;
      }
      return fail(e, "a conditional that is not an x86-exact max/min");
    }
    if (auto *c = e->as<Cast>()) {
      if (isF32(c->operand->type)) return vec(c->operand);
      return fail(e, "a conversion");
    }
    if (auto *c = e->as<Call>()) {
      std::vector<ExprPtr> args;
      for (auto &a : c->args) args.push_back(vec(a));
      for (auto &a : args)
        if (!a) return nullptr;
      if (c->callee == "fmaf" && args.size() == 3) return intrinsic("_mm512_fmadd_ps", args);
      if (c->callee == "sqrtf" && args.size() == 1) return intrinsic("_mm512_sqrt_ps", args);
      if (c->callee == "fabsf" && args.size() == 1) return intrinsic("_mm512_abs_ps", args);
      return fail(e, "a call of '" + c->callee + "'");
    }
    return fail(e, "an expression the f32 element-wise pattern does not cover");
  }

  ExprPtr mask() { return makeVar("mask", maskType(16)); }

private:
  const For &f_;
  std::string i_;

  ExprPtr fail(const ExprPtr &e, const std::string &what) {
    if (why.empty()) why = what;
    (void)e;
    return nullptr;
  }

  // Scalars that do not change inside the loop: literals and variables (the loop assigns only
  // array elements), combined by arithmetic. No loads, no calls.
  bool invariantScalar(const ExprPtr &e) {
    if (!e->type || e->type->kind != Type::Kind::Scalar) return false;
    if (!(isF32(e->type) || e->type->isInteger())) return false;
    switch (e->kind) {
    case ExprKind::IntLit: case ExprKind::FloatLit: case ExprKind::Var: return true;
    case ExprKind::Binary: {
      auto *b = e->as<Binary>();
      return invariantScalar(b->lhs) && invariantScalar(b->rhs);
    }
    case ExprKind::Unary: return e->as<Unary>()->op == UnaryOp::Neg && invariantScalar(e->as<Unary>()->operand);
    case ExprKind::Cast: return invariantScalar(e->as<Cast>()->operand);
    default: return false;
    }
  }
};

class Tensorizer : public IRMutator {
public:
  explicit Tensorizer(const TensorizeOptions &options) : options_(options) {}
  // `fresh` names the variables the rewrites declare in `f`.
  Function mutate(const Function &f, FreshName fresh) {
    fresh_ = std::move(fresh);
    return IRMutator::mutate(f);
  }
  int vectorized = 0;
  nlohmann::json vectorizedLoops = nlohmann::json::array(), scalarLoops = nlohmann::json::array();

protected:
  StmtPtr visitFor(const For &node, const StmtPtr &self) override {
    // A rewrite spanning a loop nest (the int8 GEMM, at its column loop) is tried on the loop as
    // written, before its inner loops are looked at.
    bool collapsed = collapseMembers_ > 0;  // an inner loop of an OpenMP collapse
    if (options_.useDpbusd) {
      LoopRewrite gemm = keepCollapseNests(int8GemmAtColumnLoop(node, fresh_), collapsed);
      if (gemm.stmt) return accept(node, gemm);
      if (gemm.candidate) refuse(node, gemm.why);
    }
    int outer = collapseMembers_;
    int count = collapseCount(node.parallelClauses);
    collapseMembers_ = count > 1 ? count - 1 : collapsed ? outer - 1 : 0;
    StmtPtr r = IRMutator::visitFor(node, self);
    collapseMembers_ = outer;
    const For &f = *r->as<For>();
    if (hasLoop(f.body)) return r;  // the other rewrites are of innermost loops
    if (options_.useDpbusd) {
      LoopRewrite dot = keepCollapseNests(int8DotProduct(f, fresh_), collapsed);
      if (dot.stmt) return accept(f, dot);
      if (dot.candidate) {
        refuse(f, dot.why);
        return r;
      }
    }
    LoopRewrite ew;
    ew.stmt = tryElementwise(f, ew.why);
    ew.kind = "f32 element-wise";
    if (ew.stmt) return accept(f, ew);
    refuse(f, ew.why);
    return r;
  }

private:
  const TensorizeOptions &options_;
  FreshName fresh_;
  int collapseMembers_ = 0;  // how many more nested loop levels an enclosing OpenMP collapse joins

  static int collapseCount(const std::string &clauses) {
    size_t at = clauses.find("collapse(");
    return at == std::string::npos ? 0 : std::atoi(clauses.c_str() + at + 9);
  }
  // The int8 rewrites replace a loop by a block (or a guarded pair of loops): a loop an OpenMP
  // collapse joins to the loops around it must stay a loop.
  static LoopRewrite keepCollapseNests(LoopRewrite rw, bool collapsed) {
    if (rw.stmt && collapsed) {
      rw.stmt = nullptr;
      rw.why = "an inner loop of an OpenMP collapse (the nest must stay perfectly nested)";
    }
    return rw;
  }

  StmtPtr accept(const For &f, const LoopRewrite &rw) {
    ++vectorized;
    vectorizedLoops.push_back({{"loop", f.loc.str()}, {"var", f.var}, {"kind", rw.kind}});
    return rw.stmt;
  }
  void refuse(const For &f, const std::string &why) {
    scalarLoops.push_back({{"loop", f.loc.str()}, {"var", f.var}, {"reason", why}});
  }

  static bool hasLoop(const StmtPtr &s) {
    struct Finder : IRVisitor {
      bool found = false;
      void visitFor(const For &) override { found = true; }
      void visitLoop(const Loop &) override { found = true; }
    } f;
    f.visit(s);
    return f.found;
  }

  StmtPtr tryElementwise(const For &f, std::string &why) {
    auto *step = f.step ? f.step->as<IntLit>() : nullptr;
    if (!step || step->value != 1 || f.cmp != BinaryOp::LT || !f.varType || !f.varType->isInteger()) {
      why = "not a unit-step `i < end` loop";
      return nullptr;
    }
    if (mentions(f.end, f.var)) {
      why = "bound depends on the loop variable";
      return nullptr;
    }
    std::vector<const AssignStmt *> stores;
    std::vector<StmtPtr> flat = {f.body};
    for (size_t k = 0; k < flat.size(); ++k) {
      const StmtPtr &s = flat[k];
      if (auto *seq = s->as<Seq>()) {
        for (auto &c : seq->body) flat.push_back(c);
      } else if (auto *a = s->as<AssignStmt>()) {
        stores.push_back(a);
      } else {
        why = "the body has statements other than array stores";
        return nullptr;
      }
    }
    if (stores.empty()) {
      why = "empty body";
      return nullptr;
    }
    LoopVectorizer lv(f);
    std::vector<StmtPtr> body;
    for (auto *a : stores) {
      auto *l = a->target->as<Load>();
      auto *base = l ? l->base->as<Var>() : nullptr;
      auto *idx = l ? l->index->as<Var>() : nullptr;
      if (!base || !idx || idx->name != f.var || !isF32Pointer(l->base->type) || l->base->type->element->isConst) {
        why = "a store that is not y[" + f.var + "] of a float pointer (a reduction or a scalar)";
        return nullptr;
      }
      ExprPtr value = a->value;
      if (a->op) {
        if (*a->op != BinaryOp::Add && *a->op != BinaryOp::Sub && *a->op != BinaryOp::Mul && *a->op != BinaryOp::Div) {
          why = "compound assignment other than += -= *= /=";
          return nullptr;
        }
        value = makeBin(*a->op, a->target, a->value, Type::scalarOf(ScalarType::F32));
      }
      ExprPtr v = lv.vec(value);
      if (!v) {
        why = lv.why;
        return nullptr;
      }
      lv.written.insert(base->name);
      lv.restrictBase[base->name] = l->base->type->isRestrict;
      auto e = std::make_shared<Eval>();
      e->loc = a->loc;
      e->value = intrinsic("_mm512_mask_storeu_ps", {makeBin(BinaryOp::Add, l->base, l->index, l->base->type), lv.mask(), v});
      body.push_back(e);
    }
    // Pointers that may overlap: each written base against every other base it is used with.
    TypePtr ptrT = Type::pointerTo(Type::scalarOf(ScalarType::F32, true));
    ExprPtr disjoint;
    std::set<std::string> all = lv.read;
    all.insert(lv.written.begin(), lv.written.end());
    for (auto &w : lv.written)
      for (auto &o : all) {
        if (o == w || (lv.written.count(o) && o < w) || (lv.restrictBase[w] && lv.restrictBase[o])) continue;
        auto ptr = [&](const std::string &n, const ExprPtr &at) {
          auto *lit = at->as<IntLit>();
          return lit && lit->value == 0 ? makeVar(n, ptrT) : makeBin(BinaryOp::Add, makeVar(n, ptrT), at, ptrT);
        };
        ExprPtr c = makeBin(BinaryOp::LOr, makeBin(BinaryOp::LE, ptr(w, f.end), ptr(o, f.start)),
                            makeBin(BinaryOp::LE, ptr(o, f.end), ptr(w, f.start)));
        disjoint = disjoint ? makeBin(BinaryOp::LAnd, disjoint, c) : c;
      }

    // const __mmask16 mask = end - i >= 16 ? 0xFFFF : (1u << (end - i)) - 1u;
    body.insert(body.begin(), makeDecl("mask", maskType(16), tailMask(f.end, f.var, f.varType, 16, 16)));
    return vectorLoop(f, 16, std::move(body), disjoint);
  }
};

}  // namespace

bool tensorize(Module &m, const TensorizeOptions &o, PassContext &ctx) {
  ctx.params["vector_width"] = o.vectorWidth;
  ctx.params["use_dpbusd"] = o.useDpbusd;
  ctx.params["allow_reassociation"] = o.allowReassociation;
  if (o.vectorWidth != 16) {
    ctx.error({}, "tensorize: vector width " + std::to_string(o.vectorWidth) +
                      " is not implemented (16 f32 lanes of AVX-512 only)");
    return false;
  }
  // The mask variable is named `mask`; a program that already uses the name keeps its loops.
  bool maskTaken = false;
  for (auto &item : m.items)
    if (auto *f = std::get_if<Function>(&item)) maskTaken |= loops::freshName(*f, "mask") != "mask";
  if (maskTaken) {
    ctx.warning({}, "tensorize: the program uses the name 'mask'; loops left scalar");
    ctx.stats["loops_vectorized"] = 0;
    return true;
  }
  Tensorizer t(o);
  for (auto &item : m.items)
    if (auto *f = std::get_if<Function>(&item)) {
      const Function &original = *f;
      Function rewritten = t.mutate(*f, [&original](const std::string &base) { return loops::freshName(original, base); });
      *f = std::move(rewritten);
    }
  ctx.stats["loops_vectorized"] = t.vectorized;
  ctx.stats["vectorized_loops"] = t.vectorizedLoops;
  ctx.stats["scalar_loops"] = t.scalarLoops;
  if (t.vectorized) m.dialect = Dialect::VNNI;
  return true;
}

}  // namespace xpile::passes
