// Matrix-core collectives as scalar loops (see matrix_core_recovery.h).
#include "passes/matrix_core_recovery.h"

#include "passes/bind_builders.h"

#include <algorithm>
#include <cctype>

namespace xpile::passes::matrix_recovery {

using namespace ast;

namespace {

TypePtr scalarT(ScalarType s) { return Type::scalarOf(s); }
TypePtr u32T() { return scalarT(ScalarType::U32); }
ExprPtr u32(int64_t v) { return build::intLit(v, u32T()); }
ExprPtr var(const std::string &n, TypePtr t = nullptr) { return build::var(n, std::move(t)); }
ExprPtr bin(BinaryOp op, ExprPtr a, ExprPtr b, TypePtr t = nullptr) { return build::binary(op, std::move(a), std::move(b), std::move(t)); }
ExprPtr castTo(TypePtr t, ExprPtr e) {
  auto c = std::make_shared<Cast>();
  c->style = CastStyle::C;
  c->type = std::move(t);
  c->operand = std::move(e);
  return c;
}
ExprPtr load(ExprPtr base, ExprPtr index, TypePtr t = nullptr) {
  auto n = std::make_shared<Load>();
  n->base = std::move(base);
  n->index = std::move(index);
  n->type = std::move(t);
  return n;
}
ExprPtr select(ExprPtr c, ExprPtr a, ExprPtr b) {
  auto n = std::make_shared<Select>();
  n->type = a->type;
  n->cond = std::move(c);
  n->thenValue = std::move(a);
  n->elseValue = std::move(b);
  return n;
}
ExprPtr zero(ScalarType s) {
  if (s == ScalarType::F32) {
    auto f = std::make_shared<FloatLit>();
    f->value = 0;
    f->type = scalarT(s);
    return f;
  }
  return build::intLit(0, scalarT(s));
}
StmtPtr assign(ExprPtr target, ExprPtr value, std::optional<BinaryOp> op = std::nullopt) {
  auto n = std::make_shared<AssignStmt>();
  n->target = std::move(target);
  n->value = std::move(value);
  n->op = op;
  return n;
}
StmtPtr constDecl(const std::string &n, TypePtr t, ExprPtr init) {
  auto c = std::make_shared<Type>(*t);
  c->isConst = true;
  return build::decl(n, c, std::move(init));
}
// for (unsigned v = start; v < end; v += step) body
StmtPtr forLoop(const std::string &v, ExprPtr start, ExprPtr end, int64_t step, StmtPtr body) {
  auto f = std::make_shared<For>();
  f->var = v;
  f->varType = u32T();
  f->start = std::move(start);
  f->end = std::move(end);
  f->step = u32(step);
  f->body = std::move(body);
  return f;
}
ExprPtr warpIndex(const LaneFrame &f) { return bin(BinaryOp::Div, var(f.tid, u32T()), u32(f.warpSize)); }
// for (unsigned e = lane; e < count; e += W): the calling lane's elements of a tile.
StmtPtr forLaneElements(const LaneFrame &f, int count, const std::function<StmtPtr(const ExprPtr &)> &body) {
  std::string e = f.fresh("e");
  return forLoop(e, var(f.lane, u32T()), u32(count), f.warpSize, body(var(e, u32T())));
}

std::string trim(const std::string &s) {
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}
std::string lastComponent(const std::string &s) {
  size_t p = s.rfind("::");
  return p == std::string::npos ? s : s.substr(p + 2);
}

// Integer constant: a literal, or a constant of the module (evaluated from its initializer).
std::optional<int64_t> constantOf(const ExprPtr &e, const Module &m, int depth);
std::optional<int64_t> constantNamed(const std::string &name, const Module &m, int depth) {
  if (depth > 8) return std::nullopt;
  for (auto &item : m.items)
    if (auto *g = std::get_if<GlobalVar>(&item); g && g->name == name && (g->isConstexpr || (g->type && g->type->isConst)))
      return constantOf(g->init, m, depth + 1);
  return std::nullopt;
}
std::optional<int64_t> constantOf(const ExprPtr &e, const Module &m, int depth) {
  if (!e) return std::nullopt;
  if (auto *l = e->as<IntLit>()) return l->value;
  if (auto *c = e->as<Cast>()) return constantOf(c->operand, m, depth);
  if (auto *v = e->as<Var>()) return constantNamed(v->name, m, depth);
  if (auto *u = e->as<Unary>(); u && u->op == UnaryOp::Neg)
    if (auto x = constantOf(u->operand, m, depth)) return -*x;
  if (auto *b = e->as<Binary>()) {
    auto x = constantOf(b->lhs, m, depth), y = constantOf(b->rhs, m, depth);
    if (!x || !y) return std::nullopt;
    switch (b->op) {
    case BinaryOp::Add: return *x + *y;
    case BinaryOp::Sub: return *x - *y;
    case BinaryOp::Mul: return *x * *y;
    case BinaryOp::Div: if (*y) return *x / *y; break;
    case BinaryOp::Mod: if (*y) return *x % *y; break;
    default: break;
    }
  }
  return std::nullopt;
}
std::optional<int64_t> constantArgument(const std::string &text, const Module &m) {
  if (text.empty()) return std::nullopt;
  if (std::all_of(text.begin(), text.end(), [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); }))
    return std::stoll(text);
  std::string name = text.rfind("::", 0) == 0 ? text.substr(2) : text;
  return constantNamed(name, m, 0);
}

bool isConstantZero(const ExprPtr &e) {
  if (!e) return false;
  if (auto *l = e->as<IntLit>()) return l->value == 0;
  if (auto *b = e->as<BoolLit>()) return !b->value;
  if (auto *c = e->as<Cast>()) return isConstantZero(c->operand);
  return false;
}

}  // namespace

// ---- wmma ----------------------------------------------------------------------------------------

const Type *fragmentType(const TypePtr &t) {
  for (const Type *cur = t.get(); cur; cur = cur->element.get()) {
    if (cur->kind == Type::Kind::Named) {
      std::string base = cur->name.substr(0, cur->name.find('<'));
      return lastComponent(trim(base)) == "fragment" && base.find("wmma::") != std::string::npos ? cur : nullptr;
    }
    if (cur->kind != Type::Kind::Array && cur->kind != Type::Kind::Reference) return nullptr;
  }
  return nullptr;
}

std::optional<FragmentShape> fragmentShape(const std::string &spelling, const Module &m, std::string &why) {
  size_t open = spelling.find('<'), close = spelling.rfind('>');
  if (open == std::string::npos || close == std::string::npos || close < open) {
    why = "'" + spelling + "' has no template arguments";
    return std::nullopt;
  }
  // The template arguments, split at top-level commas.
  std::vector<std::string> args;
  int depth = 0;
  std::string cur;
  for (size_t i = open + 1; i < close; ++i) {
    char ch = spelling[i];
    if (ch == '<' || ch == '(') ++depth;
    if (ch == '>' || ch == ')') --depth;
    if (ch == ',' && depth == 0) {
      args.push_back(trim(cur));
      cur.clear();
      continue;
    }
    cur += ch;
  }
  args.push_back(trim(cur));
  if (args.size() != 5 && args.size() != 6) {
    why = "'" + spelling + "': expected fragment<Use, M, N, K, T[, Layout]>";
    return std::nullopt;
  }
  FragmentShape s;
  std::string use = lastComponent(args[0]);
  if (use == "matrix_a") s.use = FragmentUse::MatrixA;
  else if (use == "matrix_b") s.use = FragmentUse::MatrixB;
  else if (use == "accumulator") s.use = FragmentUse::Accumulator;
  else {
    why = "'" + spelling + "': unknown fragment use '" + args[0] + "'";
    return std::nullopt;
  }
  int *dims[3] = {&s.m, &s.n, &s.k};
  for (int d = 0; d < 3; ++d) {
    auto v = constantArgument(args[1 + d], m);
    if (!v || *v <= 0 || *v > 64) {
      why = "'" + spelling + "': fragment dimension '" + args[1 + d] + "' is not a known constant";
      return std::nullopt;
    }
    *dims[d] = static_cast<int>(*v);
  }
  std::string t = args[4];
  std::string tl = lastComponent(t);
  if (tl == "__half" || tl == "half") s.storage = ScalarType::F16;
  else if (tl == "__nv_bfloat16" || tl == "nv_bfloat16") s.storage = ScalarType::BF16;
  else if (tl == "float") s.storage = ScalarType::F32;
  else if (tl == "int") s.storage = ScalarType::I32;
  else if (tl == "signed char" || tl == "int8_t") s.storage = ScalarType::I8;
  else if (tl == "unsigned char" || tl == "uint8_t") s.storage = ScalarType::U8;
  else if (tl == "tf32") s.storage = ScalarType::F32, s.tf32 = true;
  else {
    why = "'" + spelling + "': fragment element type '" + t + "' is not supported";
    return std::nullopt;
  }
  if (args.size() == 6) {
    std::string l = lastComponent(args[5]);
    if (l != "row_major" && l != "col_major") {
      why = "'" + spelling + "': unknown layout '" + args[5] + "'";
      return std::nullopt;
    }
    s.colMajor = l == "col_major";
  } else if (s.use != FragmentUse::Accumulator) {
    why = "'" + spelling + "': matrix_a/matrix_b fragments need a row_major or col_major layout";
    return std::nullopt;
  }
  return s;
}

WmmaOp wmmaOp(const std::string &callee) {
  if (callee.rfind("nvcuda::wmma::", 0) != 0 && callee.rfind("wmma::", 0) != 0) return WmmaOp::None;
  std::string f = lastComponent(callee);
  if (f == "fill_fragment") return WmmaOp::Fill;
  if (f == "load_matrix_sync") return WmmaOp::Load;
  if (f == "store_matrix_sync") return WmmaOp::Store;
  if (f == "mma_sync") return WmmaOp::Mma;
  return WmmaOp::Unsupported;
}

ExprPtr fragmentElement(const ExprPtr &ref, const ExprPtr &e, const LaneFrame &f) {
  std::vector<ExprPtr> idx;
  ExprPtr cur = ref;
  while (auto *l = cur->as<Load>()) {
    idx.push_back(l->index);
    cur = l->base;
  }
  auto *v = cur->as<Var>();
  if (!v || !fragmentType(v->type)) return nullptr;
  std::reverse(idx.begin(), idx.end());
  ExprPtr r = load(var(v->name), warpIndex(f));
  for (auto &i : idx) r = load(r, i);
  return load(r, e);
}

namespace {

// The value a fragment element contributes to a product: float (tf32 operands as read), or int32.
ExprPtr productOperand(const ExprPtr &x, bool integer) {
  return castTo(scalarT(integer ? ScalarType::I32 : ScalarType::F32), x);
}

// Layout argument of an accumulator load/store: the enumerator's name.
std::optional<bool> memColMajor(const ExprPtr &e) {
  if (auto *v = e ? e->as<Var>() : nullptr) {
    std::string n = lastComponent(v->name);
    if (n == "mem_row_major") return false;
    if (n == "mem_col_major") return true;
  }
  return std::nullopt;
}

// `p[(size_t)r * ld + c]` (row-major) or `p[(size_t)c * ld + r]`.
ExprPtr tileAt(const ExprPtr &p, const ExprPtr &ld, const ExprPtr &r, const ExprPtr &c, bool colMajor, TypePtr t) {
  TypePtr sz = scalarT(ScalarType::U64);
  ExprPtr major = colMajor ? c : r, minor = colMajor ? r : c;
  return load(p, bin(BinaryOp::Add, bin(BinaryOp::Mul, castTo(sz, major), ld, sz), minor, sz), std::move(t));
}

}  // namespace

StmtPtr lowerWmmaCall(const Call &c, WmmaOp op, const std::function<std::optional<FragmentShape>(const ExprPtr &)> &shape,
                      const LaneFrame &f, std::string &why) {
  auto argc = [&](size_t lo, size_t hi) {
    if (c.args.size() >= lo && c.args.size() <= hi) return true;
    why = "'" + c.callee + "' with " + std::to_string(c.args.size()) + " arguments";
    return false;
  };
  auto fragment = [&](size_t i) -> std::optional<FragmentShape> {
    auto s = shape(c.args[i]);
    if (!s && why.empty()) why = "argument " + std::to_string(i + 1) + " of '" + c.callee + "' is not a fragment variable";
    return s;
  };
  switch (op) {
  case WmmaOp::Fill: {
    if (!argc(2, 2)) return nullptr;
    auto s = fragment(0);
    if (!s) return nullptr;
    TypePtr et = scalarT(s->storage);
    std::string v = f.fresh("fill_value");
    return build::seq({constDecl(v, et, castTo(et, c.args[1])), forLaneElements(f, s->elements(), [&](const ExprPtr &e) {
                         return assign(fragmentElement(c.args[0], e, f), var(v, et));
                       })});
  }
  case WmmaOp::Load:
  case WmmaOp::Store: {
    bool load_ = op == WmmaOp::Load;
    size_t fi = load_ ? 0 : 1, pi = load_ ? 1 : 0;
    if (!argc(3, 4)) return nullptr;
    auto s = fragment(fi);
    if (!s) return nullptr;
    bool colMajor = s->colMajor;
    if (s->use == FragmentUse::Accumulator) {
      auto l = c.args.size() == 4 ? memColMajor(c.args[3]) : std::nullopt;
      if (!l) {
        why = "'" + c.callee + "' of an accumulator needs a constant wmma::mem_row_major or mem_col_major layout";
        return nullptr;
      }
      colMajor = *l;
    } else if (!load_ || c.args.size() != 3) {
      why = "'" + c.callee + "' of a matrix_a/matrix_b fragment is not supported";
      return nullptr;
    }
    const ExprPtr &p = c.args[pi];
    if (!p->type || p->type->kind != Type::Kind::Pointer) {
      why = "'" + c.callee + "': the memory argument is not a pointer";
      return nullptr;
    }
    TypePtr pt = std::make_shared<Type>(*p->type);
    std::string ptr = f.fresh("tile"), ld = f.fresh("ldm");
    TypePtr et = scalarT(s->storage), mt = p->type->element ? p->type->element : et;
    int cols = s->cols();
    auto body = [&](const ExprPtr &e) {
      ExprPtr r = bin(BinaryOp::Div, e, u32(cols)), col = bin(BinaryOp::Mod, e, u32(cols));
      ExprPtr mem = tileAt(var(ptr, pt), var(ld, u32T()), r, col, colMajor, mt);
      ExprPtr el = fragmentElement(c.args[fi], e, f);
      return load_ ? assign(el, castTo(et, mem)) : assign(mem, castTo(mt, el));
    };
    return build::seq({build::decl(ptr, pt, c.args[pi]), constDecl(ld, u32T(), castTo(u32T(), c.args[2])),
                       forLaneElements(f, s->elements(), body)});
  }
  case WmmaOp::Mma: {
    if (!argc(4, 5)) return nullptr;
    auto d = fragment(0), a = fragment(1), b = fragment(2), cc = fragment(3);
    if (!d || !a || !b || !cc) return nullptr;
    if (d->use != FragmentUse::Accumulator || a->use != FragmentUse::MatrixA || b->use != FragmentUse::MatrixB ||
        cc->use != FragmentUse::Accumulator || a->m != d->m || a->n != d->n || a->k != d->k || b->m != d->m ||
        b->n != d->n || b->k != d->k || cc->m != d->m || cc->n != d->n || a->storage != b->storage) {
      why = "'" + c.callee + "': fragment uses or shapes do not match";
      return nullptr;
    }
    if (c.args.size() == 5 && !isConstantZero(c.args[4])) {
      why = "'" + c.callee + "' with saturation (satf) is not supported";
      return nullptr;
    }
    if (a->tf32) {
      why = "'" + c.callee + "' on tf32 fragments is not supported yet";
      return nullptr;
    }
    bool integer = a->storage == ScalarType::I8 || a->storage == ScalarType::U8;
    ScalarType acc = integer ? ScalarType::I32 : ScalarType::F32;
    int M = d->m, N = d->n, K = d->k;
    return forLaneElements(f, M * N, [&](const ExprPtr &e) {
      std::string i = f.fresh("row"), j = f.fresh("col"), k = f.fresh("k"), sum = f.fresh("sum");
      ExprPtr iv = var(i, u32T()), jv = var(j, u32T()), kv = var(k, u32T());
      ExprPtr av = fragmentElement(c.args[1], bin(BinaryOp::Add, bin(BinaryOp::Mul, iv, u32(K)), kv), f);
      ExprPtr bv = fragmentElement(c.args[2], bin(BinaryOp::Add, bin(BinaryOp::Mul, kv, u32(N)), jv), f);
      StmtPtr product = assign(var(sum, scalarT(acc)),
                               bin(BinaryOp::Mul, productOperand(av, integer), productOperand(bv, integer)),
                               BinaryOp::Add);
      ExprPtr result = bin(BinaryOp::Add, var(sum, scalarT(acc)), castTo(scalarT(acc), fragmentElement(c.args[3], e, f)));
      return build::seq({constDecl(i, u32T(), bin(BinaryOp::Div, e, u32(N))),
                         constDecl(j, u32T(), bin(BinaryOp::Mod, e, u32(N))),
                         build::decl(sum, scalarT(acc), zero(acc)), forLoop(k, u32(0), u32(K), 1, product),
                         assign(fragmentElement(c.args[0], e, f), castTo(scalarT(d->storage), result))});
    });
  }
  default: why = "'" + c.callee + "' is not supported"; return nullptr;
  }
}

// ---- mfma ----------------------------------------------------------------------------------------

const MfmaForm *mfmaForm(const std::string &callee) {
  using O = MfmaForm::Operand;
  static const MfmaForm forms[] = {
      {"__builtin_amdgcn_mfma_f32_16x16x16f16", 16, 16, 4, 4, O::HalfVector, false},
      {"__builtin_amdgcn_mfma_f32_32x32x8f16", 32, 8, 4, 16, O::HalfVector, false},
      {"__builtin_amdgcn_mfma_f32_16x16x4f32", 16, 4, 1, 4, O::Float, false},
      {"__builtin_amdgcn_mfma_f32_32x32x2f32", 32, 2, 1, 16, O::Float, false},
      {"__builtin_amdgcn_mfma_i32_16x16x16i8", 16, 16, 4, 4, O::PackedI8, true},
      {"__builtin_amdgcn_mfma_f32_16x16x16bf16_1k", 16, 16, 4, 4, O::Bf16BitsVector, false},
  };
  for (auto &f : forms)
    if (callee == f.name) return &f;
  return nullptr;
}

bool isMfmaName(const std::string &callee) { return callee.rfind("__builtin_amdgcn_mfma", 0) == 0; }

TypePtr mfmaAccType(const MfmaForm &form) { return scalarT(form.integer ? ScalarType::I32 : ScalarType::F32); }

namespace {

// bfloat16 bits (an unsigned 16-bit value) as a float, exactly: the fields decoded with ldexpf
// (the executor reinterprets the bits shifted left by 16; every bfloat16 is a float).
ExprPtr bf16BitsToFloat(const ExprPtr &bits) {
  TypePtr f32 = scalarT(ScalarType::F32), u = u32T(), i32 = scalarT(ScalarType::I32);
  ExprPtr b = castTo(u, bits);
  ExprPtr exp = castTo(i32, bin(BinaryOp::BitAnd, bin(BinaryOp::Shr, b, u32(7)), u32(0xff)));
  ExprPtr man = bin(BinaryOp::BitAnd, b, u32(0x7f));
  auto ldexp = [&](ExprPtr m, ExprPtr e) { return build::call("ldexpf", {castTo(f32, std::move(m)), std::move(e)}, CallKind::Math, f32); };
  ExprPtr normal = ldexp(bin(BinaryOp::BitOr, man, u32(0x80)), bin(BinaryOp::Sub, exp, build::intLit(134)));
  ExprPtr subnormal = ldexp(man, build::intLit(-133));
  ExprPtr special = select(bin(BinaryOp::NE, man, u32(0)), build::call("__builtin_nanf", {[] {
                                                                          auto s = std::make_shared<StringLit>();
                                                                          s->value = "";
                                                                          s->type = Type::pointerTo(scalarT(ScalarType::Char), true);
                                                                          return ExprPtr(s);
                                                                        }()},
                                                                        CallKind::Builtin, f32),
                           build::call("__builtin_inff", {}, CallKind::Builtin, f32));
  ExprPtr magnitude = select(bin(BinaryOp::EQ, exp, build::intLit(0)), subnormal,
                             select(bin(BinaryOp::EQ, exp, build::intLit(255)), special, normal));
  auto neg = build::unary(UnaryOp::Neg, magnitude);
  return select(bin(BinaryOp::NE, bin(BinaryOp::BitAnd, b, u32(0x8000)), u32(0)), neg, magnitude);
}

}  // namespace

StmtPtr mfmaStoreOperands(const MfmaForm &form, const Call &c, const ExprPtr &takesPart, const std::string &aLanes,
                          const std::string &bLanes, const std::string &cLanes, const LaneFrame &f) {
  TypePtr acc = mfmaAccType(form);
  ExprPtr tid = var(f.tid, u32T());
  auto slot = [&](const std::string &buf, int i) { return load(load(var(buf), tid), u32(i), acc); };
  std::vector<StmtPtr> mine, none;
  for (int which = 0; which < 2; ++which) {
    const ExprPtr &op = c.args[which];
    const std::string &buf = which == 0 ? aLanes : bLanes;
    ExprPtr word = op;
    if (form.operand == MfmaForm::Operand::PackedI8 || form.operand == MfmaForm::Operand::Float) {
      // scalar operands are evaluated once
      std::string t = f.fresh(which == 0 ? "mfma_a" : "mfma_b");
      TypePtr tt = form.operand == MfmaForm::Operand::Float ? scalarT(ScalarType::F32) : scalarT(ScalarType::I32);
      mine.push_back(constDecl(t, tt, castTo(tt, op)));
      word = var(t, tt);
    }
    for (int i = 0; i < form.perLane; ++i) {
      ExprPtr item;
      switch (form.operand) {
      case MfmaForm::Operand::HalfVector: item = castTo(acc, load(op, u32(i), scalarT(ScalarType::F16))); break;
      case MfmaForm::Operand::Float: item = word; break;
      case MfmaForm::Operand::PackedI8:
        // byte i, lowest bits first, sign-extended
        item = castTo(acc, castTo(scalarT(ScalarType::I8),
                                  bin(BinaryOp::Shr, castTo(u32T(), word), u32(8 * i))));
        break;
      case MfmaForm::Operand::Bf16BitsVector:
        item = bf16BitsToFloat(castTo(scalarT(ScalarType::U16), load(op, u32(i), scalarT(ScalarType::I16))));
        break;
      }
      mine.push_back(assign(slot(buf, i), item));
      none.push_back(assign(slot(buf, i), zero(form.integer ? ScalarType::I32 : ScalarType::F32)));
    }
  }
  for (int i = 0; i < form.results; ++i) mine.push_back(assign(slot(cLanes, i), castTo(acc, load(c.args[2], u32(i)))));
  if (!takesPart) return build::seq(mine);
  auto n = std::make_shared<If>();
  n->cond = takesPart;
  n->thenBody = build::seq(mine);
  n->elseBody = build::seq(none);
  return n;
}

StmtPtr mfmaCompute(const MfmaForm &form, const ExprPtr &target, const std::string &aLanes, const std::string &bLanes,
                    const std::string &cLanes, const LaneFrame &f) {
  TypePtr acc = mfmaAccType(form);
  const int M = form.m, G = 64 / form.m, KL = form.perLane;
  std::string i = f.fresh("item"), row = f.fresh("row"), col = f.fresh("col"), k = f.fresh("k"), s = f.fresh("sum");
  std::string la = f.fresh("a_lane"), lb = f.fresh("b_lane");
  ExprPtr iv = var(i, u32T()), kv = var(k, u32T()), lane = var(f.lane, u32T()), tid = var(f.tid, u32T());
  ExprPtr warpBase = bin(BinaryOp::Sub, tid, lane);
  ExprPtr group = bin(BinaryOp::Mul, u32(M), bin(BinaryOp::Div, kv, u32(KL)));  // M * (k / KL)
  ExprPtr item = bin(BinaryOp::Mod, kv, u32(KL));
  auto gathered = [&](const std::string &buf, const std::string &l) {
    ExprPtr lv = var(l, u32T());
    return select(bin(BinaryOp::LT, lv, var(f.threads, u32T())), load(load(var(buf), lv), item, acc),
                  zero(form.integer ? ScalarType::I32 : ScalarType::F32));
  };
  StmtPtr kBody = build::seq({
      constDecl(la, u32T(), bin(BinaryOp::Add, bin(BinaryOp::Add, warpBase, var(row, u32T())), group)),
      constDecl(lb, u32T(), bin(BinaryOp::Add, bin(BinaryOp::Add, warpBase, var(col, u32T())), group)),
      assign(var(s, acc), bin(BinaryOp::Mul, gathered(aLanes, la), gathered(bLanes, lb)), BinaryOp::Add),
  });
  // row = (i / 4) * 4G + 4 * (lane / M) + i % 4, col = lane % M
  ExprPtr rowE = bin(BinaryOp::Add,
                     bin(BinaryOp::Add, bin(BinaryOp::Mul, bin(BinaryOp::Div, iv, u32(4)), u32(4 * G)),
                         bin(BinaryOp::Mul, u32(4), bin(BinaryOp::Div, lane, u32(M)))),
                     bin(BinaryOp::Mod, iv, u32(4)));
  StmtPtr body = build::seq({
      constDecl(row, u32T(), rowE),
      constDecl(col, u32T(), bin(BinaryOp::Mod, lane, u32(M))),
      build::decl(s, acc, load(load(var(cLanes), tid), iv, acc)),
      forLoop(k, u32(0), u32(form.k), 1, kBody),
      assign(load(target, iv), var(s, acc)),
  });
  return forLoop(i, u32(0), u32(form.results), 1, body);
}

}  // namespace xpile::passes::matrix_recovery
