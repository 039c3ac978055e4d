// Tensorize, int8 half: sums of u8 x s8 byte products into 32-bit integers become AVX-512 VNNI
// vpdpbusd (_mm512_dpbusd_epi32), in two shapes (see tensorize.h):
//
//  - the GEMM, rewritten at its column loop j (the loop whose body is {acc decl; k loop; store}):
//    64 columns per step in four accumulators, k in groups of four;
//  - the dot product, rewritten at its innermost loop k: 64 bytes per step, one accumulator,
//    summed into the scalar at the end.
//
// Integer sums wrap modulo 2^32 whatever their order, and vpdpbusd adds exact products (u8 x s8
// fits in 16 bits, four of them in 18) to each 32-bit lane modulo 2^32: the vector code gives the
// scalar loop's bits. Every access is proven affine in the loop variables with the strides the
// instruction needs; memory past what the scalar loop touches is never read or written (masked
// loads and stores, rows past the end of k not loaded at all).
#include "passes/tensorize_internal.h"

#include "ast/visitor.h"
#include "passes/loop_nest.h"

#include <array>
#include <map>
#include <optional>

namespace xpile::passes::tensorize_detail {

using namespace ast;

namespace {

// ---------------------------------------------------------------------------------------------
// Types

bool is32BitInt(const TypePtr &t) {
  return t && t->kind == Type::Kind::Scalar && (t->scalar == ScalarType::I32 || t->scalar == ScalarType::U32);
}

// Index arithmetic whose wrap-around need not be reasoned about: signed (overflow is undefined, so
// the scalar loop never does it) or 64 bits wide.
bool isIndexType(const TypePtr &t) {
  if (!t || t->kind != Type::Kind::Scalar || !t->isInteger()) return false;
  switch (t->scalar) {
  case ScalarType::I32: case ScalarType::I64: case ScalarType::U64: return true;
  default: return false;
  }
}

TypePtr m512i(bool isConst) { return Type::named("__m512i", isConst); }

// ---------------------------------------------------------------------------------------------
// Expressions

// Scalars computed without memory or calls: literals and variables combined by arithmetic.
bool pureScalar(const ExprPtr &e) {
  switch (e->kind) {
  case ExprKind::IntLit: case ExprKind::Var: return true;
  case ExprKind::Binary: return pureScalar(e->as<Binary>()->lhs) && pureScalar(e->as<Binary>()->rhs);
  case ExprKind::Unary: {
    auto *u = e->as<Unary>();
    return (u->op == UnaryOp::Neg || u->op == UnaryOp::Plus) && pureScalar(u->operand);
  }
  case ExprKind::Cast: return e->type && e->type->isInteger() && pureScalar(e->as<Cast>()->operand);
  default: return false;
  }
}

bool mentionsAny(const ExprPtr &e, const std::vector<std::string> &names) {
  for (auto &n : names)
    if (mentions(e, n)) return true;
  return false;
}

const IntLit *literal(const ExprPtr &e) { return e ? e->as<IntLit>() : nullptr; }
bool isZero(const ExprPtr &e) { return !e || (literal(e) && literal(e)->value == 0); }  // null: no term
bool isOne(const ExprPtr &e) { return literal(e) && literal(e)->value == 1; }

// Coefficient arithmetic, folding literals (null is 0).
ExprPtr plus(const ExprPtr &a, const ExprPtr &b, bool subtract) {
  if (isZero(b)) return a;
  if (isZero(a)) return subtract ? (literal(b) ? makeInt(-literal(b)->value) : makeBin(BinaryOp::Sub, makeInt(0), b)) : b;
  if (literal(a) && literal(b)) return makeInt(literal(a)->value + (subtract ? -1 : 1) * literal(b)->value);
  return makeBin(subtract ? BinaryOp::Sub : BinaryOp::Add, a, b, a->type);
}
ExprPtr times(const ExprPtr &factor, const ExprPtr &coef) {
  if (isZero(coef) || isZero(factor)) return nullptr;
  if (isOne(factor)) return coef;
  if (isOne(coef)) return factor;
  if (literal(factor) && literal(coef)) return makeInt(literal(factor)->value * literal(coef)->value);
  return makeBin(BinaryOp::Mul, factor, coef, factor->type);
}

// An index as `c + sum coef[v] * v` over the loop variables: each coefficient (and c) free of the
// loop variables and of memory. Only the coefficients are kept: the vector code evaluates the index
// itself, with the loop variables substituted, so it computes exactly the scalar loop's addresses.
using Coefficients = std::map<std::string, ExprPtr>;  // a missing variable has coefficient 0

std::optional<Coefficients> affine(const ExprPtr &e, const std::vector<std::string> &vars, std::string &why) {
  if (!mentionsAny(e, vars)) {
    if (pureScalar(e)) return Coefficients{};
    why = "an index that reads memory or calls a function";
    return std::nullopt;
  }
  if (!isIndexType(e->type)) {
    why = "index arithmetic in " + typeName(e->type) + " (only signed or 64-bit arithmetic is known not to wrap)";
    return std::nullopt;
  }
  if (auto *v = e->as<Var>()) return Coefficients{{v->name, makeInt(1)}};
  if (auto *c = e->as<Cast>()) return affine(c->operand, vars, why);
  if (auto *u = e->as<Unary>(); u && (u->op == UnaryOp::Neg || u->op == UnaryOp::Plus)) {
    auto inner = affine(u->operand, vars, why);
    if (inner && u->op == UnaryOp::Neg)
      for (auto &[name, coef] : *inner) coef = plus(nullptr, coef, true);
    return inner;
  }
  if (auto *b = e->as<Binary>()) {
    if (b->op == BinaryOp::Add || b->op == BinaryOp::Sub) {
      auto l = affine(b->lhs, vars, why), r = affine(b->rhs, vars, why);
      if (!l || !r) return std::nullopt;
      for (auto &[name, coef] : *r) (*l)[name] = plus((*l)[name], coef, b->op == BinaryOp::Sub);
      return l;
    }
    if (b->op == BinaryOp::Mul) {
      bool lfree = !mentionsAny(b->lhs, vars), rfree = !mentionsAny(b->rhs, vars);
      if (!lfree && !rfree) {
        why = "an index that multiplies loop variables";
        return std::nullopt;
      }
      const ExprPtr &factor = lfree ? b->lhs : b->rhs;
      if (!pureScalar(factor)) {
        why = "an index that reads memory or calls a function";
        return std::nullopt;
      }
      auto inner = affine(lfree ? b->rhs : b->lhs, vars, why);
      if (inner)
        for (auto &[name, coef] : *inner) coef = times(factor, coef);
      return inner;
    }
  }
  why = "an index that is not affine in the loop variables";
  return std::nullopt;
}

ExprPtr coefficient(const Coefficients &c, const std::string &var) {
  auto it = c.find(var);
  return it == c.end() ? nullptr : it->second;
}

// ---------------------------------------------------------------------------------------------
// Statements

// The loop's body as a list of statements (a block is unwrapped once).
std::vector<StmtPtr> statementsOf(const StmtPtr &body) {
  if (auto *s = body->as<Seq>()) return s->body;
  return {body};
}

// `target += value`, the body of a reduction loop.
const AssignStmt *singleAccumulation(const StmtPtr &body) {
  auto stmts = statementsOf(body);
  if (stmts.size() != 1) return nullptr;
  auto *a = stmts[0]->as<AssignStmt>();
  return a && a->op && *a->op == BinaryOp::Add ? a : nullptr;
}

bool unitStepLoop(const For &f, std::string &why) {
  auto *step = literal(f.step);
  if (!step || step->value != 1 || f.cmp != BinaryOp::LT || !f.varType || !f.varType->isInteger()) {
    why = "loop '" + f.var + "' is not a unit-step `" + f.var + " < end` loop";
    return false;
  }
  if (!pureScalar(f.end) || mentions(f.end, f.var)) {
    why = "the bound of loop '" + f.var + "' is not a scalar invariant in the loop";
    return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// The product of an unsigned and a signed byte

struct ByteOperand {
  ExprPtr base;   // the pointer variable
  ExprPtr index;  // as written
  std::string name;
  bool isRestrict = false;
  Coefficients coef;  // filled by the shape checks
};

struct ByteProduct {
  ByteOperand u, s;  // the u8 and the s8 factor (vpdpbusd's first and second byte operand)
};

std::optional<ByteProduct> byteProduct(const ExprPtr &e, std::string &why) {
  auto *mul = e->as<Binary>();
  if (!mul || mul->op != BinaryOp::Mul) {
    why = "the sum adds something other than a product of two bytes";
    return std::nullopt;
  }
  if (!is32BitInt(e->type)) {
    why = "the product is computed in " + typeName(e->type) + ", not in 32-bit integers";
    return std::nullopt;
  }
  ByteProduct p;
  bool haveU = false, haveS = false;
  for (const ExprPtr &factor : {mul->lhs, mul->rhs}) {
    ExprPtr f = factor;
    // (int32_t)x[k] or x[k] promoted: the byte's value, exactly, modulo 2^32.
    if (auto *c = f->as<Cast>(); c && is32BitInt(c->type)) f = c->operand;
    auto *load = f->as<Load>();
    auto *base = load ? load->base->as<Var>() : nullptr;
    const TypePtr &pt = load ? load->base->type : nullptr;
    if (!base || !pt || pt->kind != Type::Kind::Pointer || !pt->element || pt->element->kind != Type::Kind::Scalar) {
      why = "a factor that is not an element of a byte pointer";
      return std::nullopt;
    }
    ScalarType st = pt->element->scalar;
    if (st != ScalarType::U8 && st != ScalarType::I8) {
      why = st == ScalarType::Char ? "a factor of plain char (signedness not fixed)"
                                   : "a factor of " + describe(*pt->element) + ", not a u8 or s8 byte";
      return std::nullopt;
    }
    ByteOperand op{load->base, load->index, base->name, pt->isRestrict, {}};
    if (st == ScalarType::U8 && !haveU) {
      p.u = op, haveU = true;
    } else if (st == ScalarType::I8 && !haveS) {
      p.s = op, haveS = true;
    } else {
      why = std::string("both factors are ") + (st == ScalarType::U8 ? "unsigned" : "signed") +
            " bytes (vpdpbusd multiplies an unsigned byte by a signed one)";
      return std::nullopt;
    }
  }
  return p;
}

std::string accumulationMismatch(const TypePtr &t) {
  return "the sum is accumulated in " + typeName(t) + " (vpdpbusd accumulates 32-bit integers)";
}

ExprPtr elementAddress(const ExprPtr &base, const ExprPtr &index) { return makeBin(BinaryOp::Add, base, index, base->type); }

// ---------------------------------------------------------------------------------------------
// The GEMM at its column loop

// What the GEMM rewrite matched.
struct GemmNest {
  const For *j = nullptr, *k = nullptr;
  const Decl *acc = nullptr;          // `int32_t acc = init;` (null: the sum goes straight into C)
  const Load *out = nullptr;          // C[..j..]: the store after the k loop, or the += target
  ByteProduct product;
  ByteOperand *row = nullptr;         // contiguous in k, the same for every j: broadcast
  ByteOperand *col = nullptr;         // contiguous in j, one row per k (any row stride): interleaved
  Coefficients outCoef;
};

// The nest's shape; false when the loop is not a GEMM column loop at all (nothing to report).
bool matchGemmShape(const For &j, GemmNest &g, const AssignStmt *&update, const AssignStmt *&store) {
  std::vector<StmtPtr> body = statementsOf(j.body);
  if (body.size() == 3 && body[0]->as<Decl>() && body[1]->as<For>() && body[2]->as<AssignStmt>()) {
    g.acc = body[0]->as<Decl>();
    g.k = body[1]->as<For>();
    store = body[2]->as<AssignStmt>();
    update = singleAccumulation(g.k->body);
    auto *target = update ? update->target->as<Var>() : nullptr;
    return target && target->name == g.acc->name;
  }
  if (body.size() == 1 && body[0]->as<For>()) {
    g.k = body[0]->as<For>();
    update = singleAccumulation(g.k->body);
    return update && update->target->as<Load>();
  }
  return false;
}

std::string checkGemm(const For &j, GemmNest &g, const AssignStmt &update, const AssignStmt *store) {
  const For &k = *g.k;
  std::string why;
  if (!unitStepLoop(j, why) || !unitStepLoop(k, why)) return why;
  if (j.parallelClauses.find("collapse") != std::string::npos)
    return "loop '" + j.var + "' heads an OpenMP collapse (its body must stay a loop)";
  if (k.forKind == ForKind::Parallel) return "loop '" + k.var + "' is an OpenMP loop (its sum is shared by threads)";
  std::vector<std::string> loopVars = {j.var, k.var};
  std::string acc = g.acc ? g.acc->name : "";
  auto invariant = [&](const ExprPtr &e) {
    return pureScalar(e) && !mentions(e, j.var) && !mentions(e, k.var) && (acc.empty() || !mentions(e, acc));
  };
  if (!invariant(k.start) || !invariant(k.end)) return "the bounds of loop '" + k.var + "' change with '" + j.var + "'";
  if (g.acc) {
    if (!is32BitInt(g.acc->type)) return accumulationMismatch(g.acc->type);
    if (g.acc->init && !invariant(g.acc->init)) return "the sum starts from a value that changes with '" + j.var + "'";
    auto *value = store->value->as<Var>();
    if (store->op || !value || value->name != acc) return "the sum is not stored as `C[...] = " + acc + "`";
    g.out = store->target->as<Load>();
    if (!g.out) return "the sum is not stored into an array element";
  } else {
    g.out = update.target->as<Load>();
  }
  if (!acc.empty() && mentions(g.out->index, acc)) return "the result's index depends on the sum";
  const TypePtr &ot = g.out->base->type;
  if (!g.out->base->as<Var>() || !ot || ot->kind != Type::Kind::Pointer || ot->element->isConst)
    return "the result is not stored through a pointer variable";
  if (!is32BitInt(ot->element)) return accumulationMismatch(ot->element);
  auto product = byteProduct(update.value, why);
  if (!product) return why;
  g.product = *product;
  // Where each access goes as j and k advance.
  auto outCoef = affine(g.out->index, loopVars, why);
  if (!outCoef) return why;
  g.outCoef = *outCoef;
  // (The vector code stores outside the k loop: the index may not name k at all.)
  if (!isOne(coefficient(g.outCoef, j.var)) || mentions(g.out->index, k.var))
    return "the result is not stored at consecutive columns C[.. + " + j.var + "]";
  for (ByteOperand *op : {&g.product.u, &g.product.s}) {
    auto c = affine(op->index, loopVars, why);
    if (!c) return why;
    op->coef = *c;
    if (!acc.empty() && mentions(op->index, acc)) return "an index depends on the sum";
    ExprPtr cj = coefficient(op->coef, j.var), ck = coefficient(op->coef, k.var);
    if (isZero(cj) && isOne(ck)) {
      if (g.row) return "both factors are rows contiguous in '" + k.var + "' (a dot product, not a GEMM)";
      g.row = op;
    } else if (isOne(cj)) {
      if (g.col) return "both factors are contiguous in '" + j.var + "'";
      g.col = op;
    } else {
      return "'" + op->name + "' is neither contiguous in '" + k.var + "' and the same for every '" + j.var +
             "', nor contiguous in '" + j.var + "'";
    }
  }
  if (!g.row || !g.col) return "no factor is contiguous in '" + k.var + "' and the same for every '" + j.var + "'";
  return "";
}

// The bytes each access of the nest touches, [lo, hi), as `const char *` for comparing pointers of
// different types: at the corners of the iteration space (indices are affine in j and k).
struct ByteRange {
  ExprPtr lo, hi;
};

class GemmWriter {
public:
  GemmWriter(const GemmNest &g, const FreshName &fresh) : g_(g), j_(*g.j), k_(*g.k), fresh_(fresh) {}

  StmtPtr write() {
    return vectorLoop(j_, 64, columnBlock(), disjointness());
  }

private:
  const GemmNest &g_;
  const For &j_, &k_;
  const FreshName &fresh_;
  std::array<std::string, 4> acc_;

  ExprPtr var(const std::string &n, TypePtr t = m512i(false)) { return makeVar(n, std::move(t)); }
  ExprPtr jVar() { return makeVar(j_.var, j_.varType); }
  ExprPtr kVar() { return makeVar(k_.var, k_.varType); }
  ExprPtr mask() { return makeVar("mask", maskType(64)); }
  ExprPtr zero() { return intrinsic("_mm512_setzero_si512", {}); }

  // C + idx (+ 16 L): the 16 columns of block L of the 64.
  ExprPtr outAddress(int block) {
    ExprPtr p = elementAddress(g_.out->base, g_.out->index);
    return block ? makeBin(BinaryOp::Add, p, makeInt(16 * block), p->type) : p;
  }
  // The 16 bits of `mask` for block L: (__mmask16)(mask >> 16 L).
  ExprPtr blockMask(int block) {
    auto t = std::make_shared<Type>(*maskType(16));
    t->isConst = false;
    ExprPtr bits = block ? makeBin(BinaryOp::Shr, mask(), makeInt(16 * block), maskType(64)) : mask();
    return makeCast(t, bits);
  }

  // The 4x4 transpose of 128-bit blocks between the column order of memory (vector L holds columns
  // 16L..16L+15) and the accumulators' order (accumulator q, block L holds columns 16L+4q..+3): one
  // is the other's transpose, so the same four shuffles go either way. `use(L, value)` receives
  // vector L of the result.
  void transpose(const std::array<ExprPtr, 4> &in, const std::string &tmp, std::vector<StmtPtr> &out,
                 const std::function<StmtPtr(int, ExprPtr)> &use) {
    auto shuffle = [](ExprPtr a, ExprPtr b, int imm, const char *spelling) {
      return intrinsic("_mm512_shuffle_i32x4", {std::move(a), std::move(b), makeInt(imm, spelling)});
    };
    std::array<ExprPtr, 4> t;
    const std::array<std::pair<int, const char *>, 2> halves = {{{0x44, "0x44"}, {0xEE, "0xEE"}}};
    for (int h = 0; h < 2; ++h)
      for (int pair = 0; pair < 2; ++pair) {
        std::string name = fresh_(tmp + std::to_string(2 * h + pair));
        out.push_back(makeDecl(name, m512i(true),
                               shuffle(in[2 * pair], in[2 * pair + 1], halves[h].first, halves[h].second)));
        t[2 * h + pair] = var(name);
      }
    for (int block = 0; block < 4; ++block) {
      int h = block / 2;
      bool odd = block % 2;
      out.push_back(use(block, shuffle(t[2 * h], t[2 * h + 1], odd ? 0xDD : 0x88, odd ? "0xDD" : "0x88")));
    }
  }

  std::vector<StmtPtr> columnBlock() {
    std::vector<StmtPtr> body;
    body.push_back(makeDecl("mask", maskType(64), tailMask(j_.end, j_.var, j_.varType, 64, 64)));
    std::string accBase = g_.acc ? g_.acc->name : "acc";
    for (int q = 0; q < 4; ++q) acc_[q] = fresh_(accBase + std::to_string(q));
    if (g_.acc) {
      // Every lane starts from the scalar's initial value.
      ExprPtr init = !g_.acc->init || isZero(g_.acc->init) ? zero() : intrinsic("_mm512_set1_epi32", {g_.acc->init});
      for (int q = 0; q < 4; ++q) body.push_back(makeDecl(acc_[q], m512i(false), init));
    } else {
      // The sum goes straight into C: the accumulators start from C's 64 columns, transposed.
      std::array<ExprPtr, 4> c;
      for (int block = 0; block < 4; ++block) {
        std::string name = fresh_(g_.out->base->as<Var>()->name + std::to_string(block));
        body.push_back(makeDecl(name, m512i(true),
                                intrinsic("_mm512_maskz_loadu_epi32", {blockMask(block), outAddress(block)})));
        c[block] = var(name);
      }
      transpose(c, "s", body, [&](int q, ExprPtr v) { return makeDecl(acc_[q], m512i(false), v); });
    }
    body.push_back(vectorLoop(k_, 4, kGroup(), nullptr));
    std::array<ExprPtr, 4> acc;
    for (int q = 0; q < 4; ++q) acc[q] = var(acc_[q]);
    transpose(acc, "t", body, [&](int block, ExprPtr v) {
      return makeEval(intrinsic("_mm512_mask_storeu_epi32", {outAddress(block), blockMask(block), v}));
    });
    return body;
  }

  // Four steps of k at once: the row's 4 bytes A[k..k+3] broadcast to every 32-bit lane, and the
  // 4 rows B[k+t][j..j+63] interleaved so that 32-bit lane c holds B[k..k+3][c].
  std::vector<StmtPtr> kGroup() {
    std::vector<StmtPtr> body;
    const ByteOperand &row = *g_.row, &col = *g_.col;
    ExprPtr left = makeBin(BinaryOp::Sub, k_.end, kVar(), k_.varType);  // rows left, >= 1
    std::string a = fresh_(row.name + "4");
    ExprPtr bytes = intrinsic("_mm_maskz_loadu_epi8", {tailMask(k_.end, k_.var, k_.varType, 4, 16),
                                                      elementAddress(row.base, row.index)});
    body.push_back(makeDecl(a, m512i(true), intrinsic("_mm512_broadcastd_epi32", {bytes})));
    std::array<ExprPtr, 4> rows;
    for (int t = 0; t < 4; ++t) {
      std::string name = fresh_(col.name + std::to_string(t));
      ExprPtr k = t ? makeBin(BinaryOp::Add, kVar(), makeInt(t), k_.varType) : kVar();
      ExprPtr load = intrinsic("_mm512_maskz_loadu_epi8", {mask(), elementAddress(col.base, at(col.index, jVar(), k))});
      if (t) {  // rows past the end of k are zero (and not read)
        auto sel = std::make_shared<Select>();
        sel->cond = makeBin(BinaryOp::GT, left, makeInt(t));
        sel->thenValue = load;
        sel->elseValue = zero();
        sel->type = m512i(false);
        load = sel;
      }
      body.push_back(makeDecl(name, m512i(true), load));
      rows[t] = var(name);
    }
    // Bytes of rows (0,1) and (2,3) paired, then the pairs paired: lane 4L+m of operand q is column
    // 16L+4q+m, rows k..k+3 in its four bytes.
    std::array<ExprPtr, 4> pairs;  // 01lo, 01hi, 23lo, 23hi
    for (int p = 0; p < 4; ++p) {
      int first = p < 2 ? 0 : 2;
      bool high = p % 2;
      std::string name = fresh_(col.name + std::to_string(first) + std::to_string(first + 1) + (high ? "hi" : "lo"));
      body.push_back(makeDecl(name, m512i(true), intrinsic(high ? "_mm512_unpackhi_epi8" : "_mm512_unpacklo_epi8",
                                                           {rows[first], rows[first + 1]})));
      pairs[p] = var(name);
    }
    for (int q = 0; q < 4; ++q) {
      ExprPtr operand = intrinsic(q % 2 ? "_mm512_unpackhi_epi16" : "_mm512_unpacklo_epi16",
                                  {pairs[q / 2], pairs[2 + q / 2]});
      bool rowUnsigned = g_.row == &g_.product.u;
      ExprPtr us = rowUnsigned ? var(a, m512i(true)) : operand, ss = rowUnsigned ? operand : var(a, m512i(true));
      auto assign = std::make_shared<AssignStmt>();
      assign->target = var(acc_[q]);
      assign->value = intrinsic("_mm512_dpbusd_epi32", {var(acc_[q]), us, ss});
      body.push_back(assign);
    }
    return body;
  }

  // ---- Overlap of the stored result with the byte operands (no check for restrict pairs).

  ExprPtr at(const ExprPtr &index, const ExprPtr &jValue, const ExprPtr &kValue) {
    return loops::simplify(loops::substitute(index, {{j_.var, jValue}, {k_.var, kValue}}));
  }
  ExprPtr bytes(const ExprPtr &base, const ExprPtr &index) {
    ExprPtr p = isZero(index) ? base : elementAddress(base, index);
    return makeCast(Type::pointerTo(Type::scalarOf(ScalarType::Char, true)), p);
  }
  // A stride known not to be negative whenever the loops run: a non-negative literal, or the
  // bound of a loop that starts at a non-negative literal.
  bool nonNegative(const ExprPtr &s) {
    auto startsNonNegative = [](const For &f) { return literal(f.start) && literal(f.start)->value >= 0; };
    if (literal(s)) return literal(s)->value >= 0;
    return (loops::sameExpr(s, j_.end) && startsNonNegative(j_)) || (loops::sameExpr(s, k_.end) && startsNonNegative(k_));
  }
  ByteRange rangeOf(const ExprPtr &base, const ExprPtr &index, const Coefficients &coef) {
    ExprPtr kLast = makeBin(BinaryOp::Sub, k_.end, makeInt(1), k_.varType);
    ExprPtr cj = coefficient(coef, j_.var), ck = coefficient(coef, k_.var);
    if (isZero(ck))  // the result: one row of columns
      return {bytes(base, at(index, j_.start, k_.start)), bytes(base, at(index, j_.end, k_.start))};
    if (isZero(cj))  // the broadcast row: k contiguous
      return {bytes(base, at(index, j_.start, k_.start)), bytes(base, at(index, j_.start, k_.end))};
    // The interleaved operand: rows k_start .. k_end - 1 of columns j_start .. j_end - 1.
    ByteRange up = {bytes(base, at(index, j_.start, k_.start)), bytes(base, at(index, j_.end, kLast))};
    if (nonNegative(ck)) return up;
    ByteRange down = {bytes(base, at(index, j_.start, kLast)), bytes(base, at(index, j_.end, k_.start))};
    auto pick = [&](ExprPtr a, ExprPtr b) {
      auto sel = std::make_shared<Select>();
      sel->cond = makeBin(BinaryOp::GE, ck, makeInt(0));
      sel->thenValue = std::move(a);
      sel->elseValue = std::move(b);
      sel->type = sel->thenValue->type;
      return ExprPtr(sel);
    };
    return {pick(up.lo, down.lo), pick(up.hi, down.hi)};
  }
  ExprPtr disjointness() {
    bool outRestrict = g_.out->base->type->isRestrict;
    ByteRange out = rangeOf(g_.out->base, g_.out->index, g_.outCoef);
    ExprPtr all;
    for (const ByteOperand *op : {g_.row, g_.col}) {
      if (outRestrict && op->isRestrict) continue;
      ByteRange r = rangeOf(op->base, op->index, op->coef);
      ExprPtr c = makeBin(BinaryOp::LOr, makeBin(BinaryOp::LE, out.hi, r.lo), makeBin(BinaryOp::LE, r.hi, out.lo));
      all = all ? makeBin(BinaryOp::LAnd, all, c) : c;
    }
    return all;
  }
};

// ---------------------------------------------------------------------------------------------
// The dot product at an innermost loop

StmtPtr writeDot(const For &k, const AssignStmt &update, const ByteProduct &p, const FreshName &fresh) {
  const std::string &acc = update.target->as<Var>()->name;
  std::string v = fresh(acc + "_v");
  ExprPtr vacc = makeVar(v, m512i(false));
  ExprPtr mask = makeVar("mask", maskType(64));
  auto load = [&](const ByteOperand &o) { return intrinsic("_mm512_maskz_loadu_epi8", {mask, elementAddress(o.base, o.index)}); };
  auto step = std::make_shared<AssignStmt>();
  step->target = vacc;
  step->value = intrinsic("_mm512_dpbusd_epi32", {vacc, load(p.u), load(p.s)});
  StmtPtr vk = vectorLoop(k, 64, {makeDecl("mask", maskType(64), tailMask(k.end, k.var, k.varType, 64, 64)), step}, nullptr);
  auto sum = std::make_shared<AssignStmt>();
  sum->loc = update.loc;
  sum->target = update.target;
  sum->op = BinaryOp::Add;
  sum->value = intrinsic("_mm512_reduce_add_epi32", {vacc});
  auto block = std::make_shared<Seq>();
  block->loc = k.loc;
  block->body = {makeDecl(v, m512i(false), intrinsic("_mm512_setzero_si512", {})), vk, sum};
  return block;
}

}  // namespace

LoopRewrite int8GemmAtColumnLoop(const For &j, const FreshName &fresh) {
  LoopRewrite rw;
  GemmNest g;
  g.j = &j;
  const AssignStmt *update = nullptr, *store = nullptr;
  if (!matchGemmShape(j, g, update, store)) return rw;
  rw.candidate = true;
  rw.why = checkGemm(j, g, *update, store);
  if (!rw.why.empty()) return rw;
  rw.stmt = GemmWriter(g, fresh).write();
  rw.kind = "int8 GEMM (dpbusd, 64 columns x 4 k per step)";
  return rw;
}

LoopRewrite int8DotProduct(const For &k, const FreshName &fresh) {
  LoopRewrite rw;
  const AssignStmt *update = singleAccumulation(k.body);
  auto *acc = update ? update->target->as<Var>() : nullptr;
  auto *mul = update ? update->value->as<Binary>() : nullptr;
  if (!acc || !mul || mul->op != BinaryOp::Mul) return rw;  // not a sum of products
  rw.candidate = true;
  if (!unitStepLoop(k, rw.why)) return rw;
  if (k.forKind == ForKind::Parallel) {
    rw.why = "an OpenMP loop (its sum is shared by threads)";
    return rw;
  }
  if (!is32BitInt(acc->type)) {
    rw.why = accumulationMismatch(acc->type);
    return rw;
  }
  auto product = byteProduct(update->value, rw.why);
  if (!product) return rw;
  if (mentions(k.end, acc->name)) {
    rw.why = "the loop bound depends on the sum";
    return rw;
  }
  for (const ByteOperand *op : {&product->u, &product->s}) {
    auto c = affine(op->index, {k.var}, rw.why);
    if (!c) return rw;
    if (mentions(op->index, acc->name)) {
      rw.why = "an index depends on the sum";
      return rw;
    }
    if (!isOne(coefficient(*c, k.var))) {
      rw.why = "'" + op->name + "' is not contiguous in '" + k.var + "'";
      return rw;
    }
  }
  rw.stmt = writeDot(k, *update, *product, fresh);
  rw.kind = "int8 dot product (dpbusd, 64 bytes per step)";
  return rw;
}

}  // namespace xpile::passes::tensorize_detail
