// The x86 intrinsic catalogue: signatures and scalar semantics (see intrinsic_catalogue.h).
//
// Each helper body is built as shared AST with the small expression language below, so the
// same definition is printed as C by detensorize, compared with the real instruction by the tests,
// and later marked __device__ by loop bind when the C is turned into CUDA/HIP.
#include "backends/vnni/intrinsic_catalogue.h"

#include <algorithm>
#include <functional>
#include <map>

namespace xpile::backends::vnni {

using namespace ast;

namespace {

// ---------------------------------------------------------------------------------------------
// A small language for building helper bodies.

TypePtr scalarNamed(ScalarType s, const char *spelling) {
  auto t = std::make_shared<Type>(*Type::scalarOf(s));
  t->name = spelling;
  return t;
}
TypePtr tInt() { return Type::scalarOf(ScalarType::I32); }
TypePtr tF32() { return Type::scalarOf(ScalarType::F32); }
TypePtr tU8() { return scalarNamed(ScalarType::U8, "uint8_t"); }
TypePtr tU16() { return scalarNamed(ScalarType::U16, "uint16_t"); }
TypePtr tI32() { return scalarNamed(ScalarType::I32, "int32_t"); }
TypePtr tU32() { return scalarNamed(ScalarType::U32, "uint32_t"); }
TypePtr tI64() { return scalarNamed(ScalarType::I64, "int64_t"); }
TypePtr tU64() { return scalarNamed(ScalarType::U64, "uint64_t"); }
TypePtr tVec(int bits) { return Type::named(cVectorTypeName(bits)); }

// The scalar type of a lane member of the vector unions.
TypePtr laneType(const std::string &member) {
  if (member == "f32") return tF32();
  if (member == "f64") return Type::scalarOf(ScalarType::F64);
  if (member == "i8") return scalarNamed(ScalarType::I8, "int8_t");
  if (member == "u8") return tU8();
  if (member == "i16") return scalarNamed(ScalarType::I16, "int16_t");
  if (member == "u16") return tU16();
  if (member == "i32") return tI32();
  if (member == "u32") return tU32();
  if (member == "i64") return tI64();
  return tU64();
}

struct E {
  ExprPtr p;
  E() = default;
  E(ExprPtr e) : p(std::move(e)) {}  // NOLINT: implicit on purpose, keeps bodies short
  E(int v) {
    auto l = std::make_shared<IntLit>();
    l->value = v;
    l->type = tInt();
    p = l;
  }
};

E var(const std::string &name, TypePtr t = nullptr) {
  auto v = std::make_shared<Var>();
  v->name = name;
  v->type = std::move(t);
  return E(v);
}
// An unsigned literal spelled as written ("0x7fffffffu").
E ulit(uint64_t value, const std::string &spelling) {
  auto l = std::make_shared<IntLit>();
  l->value = static_cast<int64_t>(value);
  l->spelling = spelling;
  l->type = tU32();
  return E(l);
}
E flit(double value, const std::string &spelling) {
  auto l = std::make_shared<FloatLit>();
  l->value = value;
  l->spelling = spelling;
  l->type = tF32();
  return E(l);
}
E bin(BinaryOp op, E a, E b) {
  auto n = std::make_shared<Binary>();
  n->op = op;
  n->lhs = a.p;
  n->rhs = b.p;
  return E(n);
}
E operator+(E a, E b) { return bin(BinaryOp::Add, a, b); }
E operator-(E a, E b) { return bin(BinaryOp::Sub, a, b); }
E operator*(E a, E b) { return bin(BinaryOp::Mul, a, b); }
E operator/(E a, E b) { return bin(BinaryOp::Div, a, b); }
E operator&(E a, E b) { return bin(BinaryOp::BitAnd, a, b); }
E operator|(E a, E b) { return bin(BinaryOp::BitOr, a, b); }
E operator^(E a, E b) { return bin(BinaryOp::BitXor, a, b); }
E operator<<(E a, E b) { return bin(BinaryOp::Shl, a, b); }
E operator>>(E a, E b) { return bin(BinaryOp::Shr, a, b); }
E operator<(E a, E b) { return bin(BinaryOp::LT, a, b); }
E operator<=(E a, E b) { return bin(BinaryOp::LE, a, b); }
E operator>(E a, E b) { return bin(BinaryOp::GT, a, b); }
E operator>=(E a, E b) { return bin(BinaryOp::GE, a, b); }
E operator==(E a, E b) { return bin(BinaryOp::EQ, a, b); }
E operator!=(E a, E b) { return bin(BinaryOp::NE, a, b); }
E operator&&(E a, E b) { return bin(BinaryOp::LAnd, a, b); }
E operator||(E a, E b) { return bin(BinaryOp::LOr, a, b); }
E unary(UnaryOp op, E a) {
  auto n = std::make_shared<Unary>();
  n->op = op;
  n->operand = a.p;
  return E(n);
}
E operator-(E a) { return unary(UnaryOp::Neg, a); }
E operator!(E a) { return unary(UnaryOp::Not, a); }
E deref(E a) { return unary(UnaryOp::Deref, a); }
E at(E base, E index) {
  auto n = std::make_shared<Load>();
  n->base = base.p;
  n->index = index.p;
  return E(n);
}
E member(E base, const std::string &field) {
  auto n = std::make_shared<Member>();
  n->base = base.p;
  n->field = field;
  return E(n);
}
// `v.m[i]`: lane i of vector v read as the element type of member m.
E lane(const std::string &v, const std::string &m, E i) { return at(member(var(v), m), i); }
E call(const std::string &callee, std::vector<E> args, TypePtr type, CallKind kind = CallKind::User) {
  auto n = std::make_shared<Call>();
  n->callee = callee;
  for (auto &a : args) n->args.push_back(a.p);
  n->type = std::move(type);
  n->callKind = kind;
  return E(n);
}
E math(const std::string &fn, std::vector<E> args) { return call(fn, std::move(args), tF32(), CallKind::Math); }
E cast(TypePtr t, E a) {
  auto n = std::make_shared<Cast>();
  n->type = std::move(t);
  n->operand = a.p;
  return E(n);
}
E select(E c, E a, E b) {
  auto n = std::make_shared<Select>();
  n->cond = c.p;
  n->thenValue = a.p;
  n->elseValue = b.p;
  return E(n);
}
// Bit i of mask k.
E bit(E k, E i) { return (k >> i) & 1; }

using S = StmtPtr;
S decl(const std::string &name, TypePtr t, E init = E()) {
  auto d = std::make_shared<Decl>();
  d->name = name;
  d->type = std::move(t);
  d->init = init.p;
  return d;
}
S assign(E target, E value, std::optional<BinaryOp> op = std::nullopt) {
  auto a = std::make_shared<AssignStmt>();
  a->target = target.p;
  a->value = value.p;
  a->op = op;
  return a;
}
S ret(E v) {
  auto r = std::make_shared<Return>();
  r->value = v.p;
  return r;
}
S block(std::vector<S> body) {
  auto s = std::make_shared<Seq>();
  s->body = std::move(body);
  return s;
}
S forUp(const std::string &v, E start, E end, S body) {
  auto f = std::make_shared<For>();
  f->var = v;
  f->varType = tInt();
  f->start = start.p;
  f->end = end.p;
  f->step = E(1).p;
  f->body = std::move(body);
  return f;
}
S forLanes(int n, S body) { return forUp("i", 0, n, std::move(body)); }
S ifThen(E c, S then, S otherwise = nullptr) {
  auto s = std::make_shared<If>();
  s->cond = c.p;
  s->thenBody = std::move(then);
  s->elseBody = std::move(otherwise);
  return s;
}
S whileLoop(E c, S body) {
  auto l = std::make_shared<Loop>();
  l->form = Loop::Form::While;
  l->cond = c.p;
  l->body = std::move(body);
  return l;
}
S brk() { return std::make_shared<Break>(); }
S sw(E value, std::vector<std::pair<std::optional<int>, std::vector<S>>> cases) {
  auto s = std::make_shared<Switch>();
  s->value = value.p;
  for (auto &[label, body] : cases) {
    Switch::Case c;
    if (label) c.label = E(*label).p;
    c.body = std::move(body);
    s->cases.push_back(std::move(c));
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Catalogue entries.

struct Entry {
  Intrinsic info;
  std::function<S()> body;
  std::vector<std::string> deps;  // helper functions (scalar helpers or other intrinsics) it calls
  bool math = false;
};

// Scalar helpers the intrinsic helpers share: defined once, emitted before their first user.
struct ScalarHelper {
  std::string name;
  TypePtr result;
  std::vector<Param> params;
  std::function<S()> body;
  std::vector<std::string> deps;
  bool math = false;
};

Param prm(const std::string &n, TypePtr t) { return Param{n, std::move(t)}; }

int operandBits(Operand k) {
  switch (k) {
  case Operand::V128: return 128;
  case Operand::V256: return 256;
  case Operand::V512: return 512;
  default: return 0;
  }
}

const std::vector<int> kCmpPsImms = [] {
  std::vector<int> v;
  for (int i = 0; i < 32; ++i) v.push_back(i);
  return v;
}();
const std::vector<int> kCmpIntImms = {0, 1, 2, 3, 4, 5, 6, 7};
// roundscale: every rounding control (bits 0-3) with 0, 1, 4 and 15 fraction bits kept (bits 4-7).
const std::vector<int> kRoundscaleImms = [] {
  std::vector<int> v;
  for (int m : {0, 1, 4, 15})
    for (int rc = 0; rc < 16; ++rc) v.push_back(m << 4 | rc);
  return v;
}();
const std::vector<int> kCvtPhImms = {0, 1, 2, 3, 4, 8, 9, 10, 11, 12};
const std::vector<int> kShuffleImms = {0x00, 0x1b, 0x4e, 0xb1, 0xe4, 0x93, 0xff, 0x39};
// 128-bit block shuffles: the above plus the 4x4 block transpose tensorize uses (0x44, 0xee, 0x88, 0xdd).
const std::vector<int> kShuffle128Imms = {0x00, 0x1b, 0x4e, 0xb1, 0xe4, 0x93, 0xff, 0x39, 0x44, 0xee, 0x88, 0xdd};
const std::vector<int> kScaleImms = {1, 2, 4, 8};

class Catalogue {
public:
  Catalogue() { build(); }

  std::vector<Intrinsic> list;
  std::map<std::string, Entry> entries;
  std::map<std::string, ScalarHelper> scalars;

private:
  void add(Intrinsic info, std::function<S()> body, std::vector<std::string> deps = {}, bool math = false) {
    if (info.helper.empty()) info.helper = info.name.substr(1);  // "_mm512_add_ps" -> "mm512_add_ps"
    list.push_back(info);
    std::string key = info.name;  // the right side of `=` is evaluated first: keep the name before moving
    entries[key] = Entry{std::move(info), std::move(body), std::move(deps), math};
  }
  void scalar(ScalarHelper h) {
    std::string key = h.name;
    scalars[key] = std::move(h);
  }

  // A lane-wise operation over `lanes` lanes of member `m` with operands `ops` (all vectors of
  // `bits` bits): `r.m[i] = f(i)`. `maskForms` adds the merge-masking (`_mask_`, lanes whose mask
  // bit is clear keep `src`) and zero-masking (`_maskz_`, they become 0) forms.
  void laneWise(const std::string &prefix, const std::string &op, int bits, const std::string &m, int lanes,
                std::vector<std::string> ops, std::function<E(E)> f, const std::string &semantics,
                bool maskForms, bool math = false, std::vector<std::string> deps = {}) {
    Operand vec = bits == 512 ? Operand::V512 : bits == 256 ? Operand::V256 : Operand::V128;
    Operand mask = lanes == 8 ? Operand::Mask8 : lanes == 16 ? Operand::Mask16 : lanes == 32 ? Operand::Mask32
                                                                                          : Operand::Mask64;
    auto params = [&](std::vector<IntrinsicParam> lead) {
      for (auto &o : ops) lead.push_back({o, vec, {}});
      return lead;
    };
    auto bodyWith = [bits, m, lanes, f](std::function<E(E, E)> combine) {
      return [bits, m, lanes, f, combine]() {
        return block({decl("r", tVec(bits)),
                      forLanes(lanes, assign(lane("r", m, var("i")), combine(f(var("i")), var("i")))),
                      ret(var("r"))});
      };
    };
    add({prefix + "_" + op, "", vec, params({}), semantics, m, lanes, true},
        bodyWith([](E v, E) { return v; }), deps, math);
    if (!maskForms) return;
    add({prefix + "_mask_" + op, "", vec, params({{"src", vec, {}}, {"k", mask, {}}}),
         semantics + "; lanes whose bit of k is clear keep src", m, lanes, true},
        bodyWith([m](E v, E i) { return select(bit(var("k"), i), v, lane("src", m, i)); }), deps, math);
    add({prefix + "_maskz_" + op, "", vec, params({{"k", mask, {}}}),
         semantics + "; lanes whose bit of k is clear are 0", m, lanes, true},
        bodyWith([m](E v, E i) { return select(bit(var("k"), i), v, m == "f32" ? flit(0, "0.0f") : E(0)); }), deps,
        math);
  }

  // A load of `lanes` elements of `m` from memory, unaligned or aligned (same semantics: the
  // alignment fault of the aligned form is not modelled). Masked forms read only the lanes whose
  // mask bit is set, so masked-off memory is never touched.
  void load(const std::string &name, int bits, const std::string &m, int lanes, const std::string &masking) {
    Operand vec = bits == 512 ? Operand::V512 : bits == 256 ? Operand::V256 : Operand::V128;
    Operand mask = lanes == 8 ? Operand::Mask8 : lanes == 16 ? Operand::Mask16 : lanes == 32 ? Operand::Mask32
                                                                                          : Operand::Mask64;
    std::vector<IntrinsicParam> params;
    if (masking == "mask") params = {{"src", vec, {}}, {"k", mask, {}}};
    if (masking == "maskz") params = {{"k", mask, {}}};
    params.push_back({"mem_addr", Operand::ConstPtr, {}});
    std::string what = masking.empty() ? "" : masking == "mask" ? "; lanes whose bit of k is clear keep src (not read)"
                                                                : "; lanes whose bit of k is clear are 0 (not read)";
    MemoryFootprint mem;
    mem.pointerParam = static_cast<int>(params.size()) - 1;
    mem.reads = true;
    mem.laneBytes = scalarTypeBytes(laneType(m)->scalar);
    mem.lanes = lanes;
    if (!masking.empty()) mem.maskParam = masking == "mask" ? 1 : 0;
    add({name, "", vec, params, "r[i] = ((const " + laneType(m)->name + " *)mem_addr)[i]" + what, m, lanes, false, mem},
        [bits, m, lanes, masking]() {
          TypePtr elem = laneType(m);
          auto constElem = std::make_shared<Type>(*elem);
          constElem->isConst = true;
          TypePtr p = Type::pointerTo(constElem);
          E v = at(var("p"), var("i"));
          if (masking == "mask") v = select(bit(var("k"), var("i")), v, lane("src", m, var("i")));
          if (masking == "maskz") v = select(bit(var("k"), var("i")), v, m == "f32" ? flit(0, "0.0f") : E(0));
          return block({decl("p", p, cast(p, var("mem_addr"))), decl("r", tVec(bits)),
                        forLanes(lanes, assign(lane("r", m, var("i")), v)), ret(var("r"))});
        });
  }

  void store(const std::string &name, int bits, const std::string &m, int lanes, bool masked) {
    Operand vec = bits == 512 ? Operand::V512 : bits == 256 ? Operand::V256 : Operand::V128;
    Operand mask = lanes == 8 ? Operand::Mask8 : lanes == 16 ? Operand::Mask16 : lanes == 32 ? Operand::Mask32
                                                                                          : Operand::Mask64;
    std::vector<IntrinsicParam> params = {{"mem_addr", Operand::Ptr, {}}};
    if (masked) params.push_back({"k", mask, {}});
    params.push_back({"a", vec, {}});
    MemoryFootprint mem;
    mem.pointerParam = 0;
    mem.writes = true;
    mem.laneBytes = scalarTypeBytes(laneType(m)->scalar);
    mem.lanes = lanes;
    if (masked) mem.maskParam = 1;
    add({name, "", Operand::None, params,
         "((" + laneType(m)->name + " *)mem_addr)[i] = a[i]" +
             (masked ? std::string(" for the lanes whose bit of k is set (others not written)") : ""),
         m, lanes, false, mem},
        [m, lanes, masked]() {
          TypePtr p = Type::pointerTo(laneType(m));
          S st = assign(at(var("p"), var("i")), lane("a", m, var("i")));
          if (masked) st = ifThen(bit(var("k"), var("i")), st);
          return block({decl("p", p, cast(p, var("mem_addr"))), forLanes(lanes, st)});
        });
  }

  // Pairwise reduction of 16 lanes, in the order of GCC's avx512fintrin.h (__MM512_REDUCE_OP):
  // the upper half onto the lower half (op(hi, lo)) for the 256- and 128-bit steps, then
  // op(lo, hi) for the 64- and 32-bit steps. `op(x, y)` combines two lanes.
  void reduce(const std::string &name, const std::string &m, TypePtr result, std::function<E(E, E)> op,
              const std::string &what) {
    add({name, "", m == "f32" ? Operand::F32 : Operand::I32, {{"a", Operand::V512, {}}},
         what + " of the 16 lanes as a pairwise tree: t[i] = op(t[i+8], t[i]) (i < 8), op(t[i+4], t[i]) (i < 4), "
                "then op(t[i], t[i+2]) (i < 2), op(t[0], t[1])",
         m, 16, true},
        [m, result, op]() {
          auto step = [&](int w, bool hiFirst) {
            E lo = lane("t", m, var("i")), hi = lane("t", m, var("i") + w);
            return forLanes(w, assign(lane("t", m, var("i")), hiFirst ? op(hi, lo) : op(lo, hi)));
          };
          return block({decl("t", tVec(512), var("a")), step(8, true), step(4, true), step(2, false), step(1, false),
                        ret(lane("t", m, 0))});
        });
  }

  void build();
};

void Catalogue::build() {
  const std::vector<std::string> ab = {"a", "b"}, abc = {"a", "b", "c"}, a = {"a"};
  auto f = [](const char *v) { return [v](E i) { return lane(v, "f32", i); }; };
  auto u32 = [](const char *v) { return [v](E i) { return lane(v, "u32", i); }; };
  auto i32 = [](const char *v) { return [v](E i) { return lane(v, "i32", i); }; };

  // ---- Scalar helpers ----
  // A NaN made quiet (quiet bit set, payload and sign kept), as every x86 arithmetic result is.
  scalar({"xp_quiet_f32", tF32(), {prm("x", tF32())}, [] {
            return block({decl("c", tVec(128)), assign(lane("c", "f32", 0), var("x")),
                          assign(lane("c", "u32", 0), ulit(0x400000, "0x400000u"), BinaryOp::BitOr),
                          ret(lane("c", "f32", 0))});
          }, {}});
  // The x86 "QNaN indefinite": the NaN an invalid operation produces (0xffc00000).
  scalar({"xp_nan_indefinite_f32", tF32(), {}, [] {
            return block({decl("c", tVec(128)), assign(lane("c", "u32", 0), ulit(0xffc00000u, "0xffc00000u")),
                          ret(lane("c", "f32", 0))});
          }, {}});
  // VRNDSCALEPS on one lane: keep imm[7:4] fraction bits, rounding per imm[1:0] (0 nearest even,
  // 1 down, 2 up, 3 toward zero) or, when imm[2] is set, per MXCSR (nearest even by default).
  scalar({"xp_roundscale_f32", tF32(), {prm("x", tF32()), prm("imm", tInt())},
          [] {
            E x = var("x");
            return block({
                ifThen(x != x, ret(call("xp_quiet_f32", {x}, tF32()))),
                // |x| >= 2^23 (and infinities) has no fraction bits left at any scale.
                ifThen(!(math("fabsf", {x}) < flit(8388608.0, "0x1p23f")), ret(x)),
                decl("scale", tF32(), cast(tF32(), E(1) << ((var("imm") >> 4) & 15))),
                decl("t", tF32(), x * var("scale")),  // exact: a power-of-two scaling of |x| < 2^23
                decl("mode", tInt(), select((var("imm") & 4) != 0, 0, var("imm") & 3)),
                sw(var("mode"), {{0, {assign(var("t"), math("rintf", {var("t")})), brk()}},
                                 {1, {assign(var("t"), math("floorf", {var("t")})), brk()}},
                                 {2, {assign(var("t"), math("ceilf", {var("t")})), brk()}},
                                 {std::nullopt, {assign(var("t"), math("truncf", {var("t")})), brk()}}}),
                ret(var("t") / var("scale")),
            });
          },
          {"xp_quiet_f32"}, true});
  // VSCALEFPS on one lane: a * 2^floor(b), rounded to nearest even, with the instruction's
  // special cases (NaN operands propagate quietened, a first, except that a quiet NaN a with an
  // infinite b gives +inf / +0; 0 * 2^inf and inf * 2^-inf are the indefinite NaN).
  scalar({"xp_scalef_f32", tF32(), {prm("a", tF32()), prm("b", tF32())},
          [] {
            E a = var("a"), b = var("b");
            E inf = math("__builtin_huge_valf", {});
            return block({
                // A NaN a: a signalling one is returned quietened; a quiet one is returned unless b is
                // a (non-NaN) infinity, which gives +inf or +0 (measured on the instruction).
                ifThen(a != a, block({decl("c", tVec(128)), assign(lane("c", "f32", 0), a),
                                      ifThen((lane("c", "u32", 0) & ulit(0x400000, "0x400000u")) == 0,
                                             ret(call("xp_quiet_f32", {a}, tF32()))),
                                      ifThen(b == inf, ret(inf)), ifThen(b == -inf, ret(flit(0, "0.0f"))),
                                      ret(a)})),
                ifThen(b != b, ret(call("xp_quiet_f32", {b}, tF32()))),
                ifThen(b == inf, ret(select(a == flit(0, "0.0f"), call("xp_nan_indefinite_f32", {}, tF32()),
                                            math("copysignf", {inf, a})))),
                ifThen(b == -inf, ret(select(math("fabsf", {a}) == inf, call("xp_nan_indefinite_f32", {}, tF32()),
                                             math("copysignf", {flit(0, "0.0f"), a})))),
                // Beyond +-300 the result has over- or underflowed anyway; the clamp keeps the int exact.
                decl("e", tF32(), math("floorf", {b})),
                ifThen(var("e") > flit(300, "300.0f"), assign(var("e"), flit(300, "300.0f"))),
                ifThen(var("e") < flit(-300, "-300.0f"), assign(var("e"), flit(-300, "-300.0f"))),
                ret(math("ldexpf", {a, cast(tInt(), var("e"))})),
            });
          },
          {"xp_quiet_f32", "xp_nan_indefinite_f32"}, true});
  // VCVTPH2PS on one lane: exact; NaNs are made quiet.
  scalar({"xp_half_to_float", tF32(), {prm("h", tU16())}, [] {
            E h = var("h");
            return block({
                decl("sign", tU32(), cast(tU32(), h & 0x8000) << 16), decl("e", tU32(), (h >> 10) & 0x1f),
                decl("m", tU32(), h & 0x3ff), decl("c", tVec(128)),
                ifThen(var("e") == 31,
                       assign(lane("c", "u32", 0), var("sign") | ulit(0x7f800000, "0x7f800000u") | (var("m") << 13) |
                                                       select(var("m") != 0, ulit(0x400000, "0x400000u"), 0)),
                       ifThen(var("e") == 0,
                              block({
                                  // Subnormal half: normalise the significand into the float's.
                                  decl("exp", tU32(), ulit(113, "113u")),
                                  ifThen(var("m") == 0, block({assign(lane("c", "u32", 0), var("sign")),
                                                               ret(lane("c", "f32", 0))})),
                                  whileLoop((var("m") & 0x400) == 0,
                                            block({assign(var("m"), 1, BinaryOp::Shl),
                                                   assign(var("exp"), 1, BinaryOp::Sub)})),
                                  assign(lane("c", "u32", 0),
                                         var("sign") | (var("exp") << 23) | ((var("m") & 0x3ff) << 13)),
                              }),
                              assign(lane("c", "u32", 0),
                                     var("sign") | ((var("e") + 112) << 23) | (var("m") << 13)))),
                ret(lane("c", "f32", 0)),
            });
          }, {}});
  // VCVTPS2PH on one lane with rounding control imm (0 nearest even, 1 down, 2 up, 3 toward
  // zero; imm[2] set: MXCSR, nearest even by default). Overflow gives inf or the largest finite
  // half as the rounding direction says; NaNs keep their top 10 payload bits and become quiet.
  scalar({"xp_float_to_half", tU16(), {prm("x", tF32()), prm("imm", tInt())}, [] {
            E c0 = lane("c", "u32", 0);
            return block({
                decl("c", tVec(128)), assign(lane("c", "f32", 0), var("x")),
                decl("sign", tU32(), (c0 >> 16) & 0x8000), decl("ax", tU32(), c0 & ulit(0x7fffffff, "0x7fffffffu")),
                decl("mode", tInt(), select((var("imm") & 4) != 0, 0, var("imm") & 3)),
                ifThen(var("ax") > ulit(0x7f800000, "0x7f800000u"),
                       ret(cast(tU16(), var("sign") | 0x7e00 | ((var("ax") >> 13) & 0x3ff)))),
                ifThen(var("ax") == ulit(0x7f800000, "0x7f800000u"), ret(cast(tU16(), var("sign") | 0x7c00))),
                // h: the result truncated; rem/half: the dropped bits and half a unit of h.
                decl("h", tU32()), decl("rem", tU32()), decl("half", tU32()),
                ifThen(var("ax") >= ulit(0x38800000, "0x38800000u"),
                       block({// normal half: drop 13 significand bits, rebias the exponent by 127 - 15
                              assign(var("h"), (var("ax") >> 13) - ulit(0x1c000, "0x1c000u")),
                              assign(var("rem"), var("ax") & 0x1fff), assign(var("half"), 0x1000)}),
                       block({// subnormal half: units of 2^-24
                              decl("e", tInt(), cast(tInt(), var("ax") >> 23)),
                              decl("m", tU32(), select(var("e") != 0, (var("ax") & 0x7fffff) | 0x800000,
                                                       var("ax") & 0x7fffff)),
                              // value = m * 2^(max(e,1) - 150); shift = (-24) - that exponent
                              decl("shift", tInt(), 126 - select(var("e") != 0, var("e"), 1)),
                              ifThen(var("shift") > 24,
                                     block({assign(var("h"), 0), assign(var("rem"), select(var("m") != 0, 1, 0)),
                                            assign(var("half"), 2)}),
                                     block({assign(var("h"), var("m") >> var("shift")),
                                            assign(var("rem"), var("m") & ((ulit(1, "1u") << var("shift")) - 1)),
                                            assign(var("half"), ulit(1, "1u") << (var("shift") - 1))}))})),
                decl("up", tInt(), 0),
                sw(var("mode"),
                   {{0, {assign(var("up"), var("rem") > var("half") || (var("rem") == var("half") && (var("h") & 1) != 0)),
                         brk()}},
                    {1, {assign(var("up"), var("sign") != 0 && var("rem") != 0), brk()}},
                    {2, {assign(var("up"), var("sign") == 0 && var("rem") != 0), brk()}},
                    {std::nullopt, {brk()}}}),
                assign(var("h"), var("up"), BinaryOp::Add),
                ifThen(var("h") >= 0x7c00,
                       block({decl("toInf", tInt(),
                                   var("mode") == 0 || (var("mode") == 1 && var("sign") != 0) ||
                                       (var("mode") == 2 && var("sign") == 0)),
                              assign(var("h"), select(var("toInf"), 0x7c00, 0x7bff))})),
                ret(cast(tU16(), var("sign") | var("h"))),
            });
          }, {}});

  // ---- Set, zero, undefined ----
  auto setAll = [&](const std::string &name, int bits, const std::string &m, int lanes, E value,
                    std::vector<IntrinsicParam> params, const std::string &what) {
    add({name, "", bits == 512 ? Operand::V512 : bits == 256 ? Operand::V256 : Operand::V128, params, what, m, lanes,
         true},
        [bits, m, lanes, value]() {
          return block({decl("r", tVec(bits)), forLanes(lanes, assign(lane("r", m, var("i")), value)), ret(var("r"))});
        });
  };
  setAll("_mm512_setzero_ps", 512, "f32", 16, flit(0, "0.0f"), {}, "every lane +0.0f");
  setAll("_mm512_setzero_si512", 512, "i32", 16, 0, {}, "every bit 0");
  setAll("_mm512_setzero_pd", 512, "u64", 8, 0, {}, "every bit 0");
  // An undefined register may hold anything; zero is one such value and keeps the output
  // deterministic.
  setAll("_mm512_undefined_ps", 512, "f32", 16, flit(0, "0.0f"), {}, "any value: 0 is chosen");
  setAll("_mm512_undefined_si512", 512, "i32", 16, 0, {}, "any value: 0 is chosen");
  setAll("_mm512_undefined", 512, "i32", 16, 0, {}, "any value: 0 is chosen");
  setAll("_mm256_undefined_si256", 256, "i32", 8, 0, {}, "any value: 0 is chosen");
  setAll("_mm256_setzero_si256", 256, "i32", 8, 0, {}, "every bit 0");
  setAll("_mm512_set1_ps", 512, "f32", 16, var("a"), {{"a", Operand::F32, {}}}, "every lane a");
  setAll("_mm512_set1_epi32", 512, "i32", 16, var("a"), {{"a", Operand::I32, {}}}, "every 32-bit lane a");
  setAll("_mm512_set1_epi8", 512, "i8", 64, cast(laneType("i8"), var("a")), {{"a", Operand::I32, {}}},
         "every byte (int8_t)a");
  {
    std::vector<IntrinsicParam> params;
    for (int l = 15; l >= 0; --l) params.push_back({"e" + std::to_string(l), Operand::I32, {}});
    add({"_mm512_set_epi32", "", Operand::V512, params, "lane i = e<i> (arguments from lane 15 down to lane 0)", "i32",
         16, true},
        [] {
          std::vector<S> b = {decl("r", tVec(512))};
          for (int l = 0; l < 16; ++l) b.push_back(assign(lane("r", "i32", l), var("e" + std::to_string(l))));
          b.push_back(ret(var("r")));
          return block(b);
        });
  }

  // ---- Loads and stores ----
  load("_mm512_loadu_ps", 512, "f32", 16, "");
  load("_mm512_load_ps", 512, "f32", 16, "");
  load("_mm512_mask_loadu_ps", 512, "f32", 16, "mask");
  load("_mm512_maskz_loadu_ps", 512, "f32", 16, "maskz");
  load("_mm512_loadu_si512", 512, "u8", 64, "");
  load("_mm512_load_si512", 512, "u8", 64, "");
  load("_mm256_loadu_si256", 256, "u8", 32, "");
  load("_mm512_maskz_loadu_epi32", 512, "i32", 16, "maskz");
  load("_mm512_mask_loadu_epi32", 512, "i32", 16, "mask");
  load("_mm512_maskz_loadu_epi8", 512, "u8", 64, "maskz");
  load("_mm_maskz_loadu_epi8", 128, "u8", 16, "maskz");
  load("_mm256_maskz_loadu_epi16", 256, "u16", 16, "maskz");
  store("_mm512_storeu_ps", 512, "f32", 16, false);
  store("_mm512_store_ps", 512, "f32", 16, false);
  store("_mm512_mask_storeu_ps", 512, "f32", 16, true);
  store("_mm512_storeu_si512", 512, "u8", 64, false);
  store("_mm512_store_si512", 512, "u8", 64, false);
  store("_mm256_storeu_si256", 256, "u8", 32, false);
  store("_mm512_mask_storeu_epi32", 512, "i32", 16, true);
  store("_mm256_mask_storeu_epi16", 256, "u16", 16, true);

  // ---- f32 arithmetic (one IEEE operation per lane, rounded to nearest even) ----
  laneWise("_mm512", "add_ps", 512, "f32", 16, ab, [&](E i) { return f("a")(i) + f("b")(i); }, "a[i] + b[i]", true);
  laneWise("_mm512", "sub_ps", 512, "f32", 16, ab, [&](E i) { return f("a")(i) - f("b")(i); }, "a[i] - b[i]", true);
  laneWise("_mm512", "mul_ps", 512, "f32", 16, ab, [&](E i) { return f("a")(i) * f("b")(i); }, "a[i] * b[i]", true);
  laneWise("_mm512", "div_ps", 512, "f32", 16, ab, [&](E i) { return f("a")(i) / f("b")(i); }, "a[i] / b[i]", true);
  // x86 max/min return the second operand when either is NaN or both are zero.
  laneWise("_mm512", "max_ps", 512, "f32", 16, ab, [&](E i) { return select(f("a")(i) > f("b")(i), f("a")(i), f("b")(i)); },
           "a[i] > b[i] ? a[i] : b[i] (b when either is NaN or both are zero)", true);
  laneWise("_mm512", "min_ps", 512, "f32", 16, ab, [&](E i) { return select(f("a")(i) < f("b")(i), f("a")(i), f("b")(i)); },
           "a[i] < b[i] ? a[i] : b[i] (b when either is NaN or both are zero)", true);
  laneWise("_mm512", "sqrt_ps", 512, "f32", 16, a, [&](E i) { return math("sqrtf", {f("a")(i)}); }, "sqrtf(a[i])", true,
           true);
  laneWise("_mm512", "fmadd_ps", 512, "f32", 16, abc, [&](E i) { return math("fmaf", {f("a")(i), f("b")(i), f("c")(i)}); },
           "fmaf(a[i], b[i], c[i]) (one rounding)", false, true);
  laneWise("_mm512", "fmsub_ps", 512, "f32", 16, abc,
           [&](E i) { return math("fmaf", {f("a")(i), f("b")(i), -f("c")(i)}); }, "fmaf(a[i], b[i], -c[i])", false, true);
  laneWise("_mm512", "fnmadd_ps", 512, "f32", 16, abc,
           [&](E i) { return math("fmaf", {-f("a")(i), f("b")(i), f("c")(i)}); }, "fmaf(-a[i], b[i], c[i])", false, true);
  laneWise("_mm512", "fnmsub_ps", 512, "f32", 16, abc,
           [&](E i) { return math("fmaf", {-f("a")(i), f("b")(i), -f("c")(i)}); }, "fmaf(-a[i], b[i], -c[i])", false,
           true);
  // abs clears the sign bit (NaN payloads kept).
  laneWise("_mm512", "abs_ps", 512, "u32", 16, a, [&](E i) { return u32("a")(i) & ulit(0x7fffffff, "0x7fffffffu"); },
           "a[i] with the sign bit cleared", true);
  laneWise("_mm512", "scalef_ps", 512, "f32", 16, ab,
           [&](E i) { return call("xp_scalef_f32", {f("a")(i), f("b")(i)}, tF32()); }, "a[i] * 2^floor(b[i])", true,
           true, {"xp_scalef_f32"});
  // mov: the masked forms select between two registers (the unmasked form is a plain copy).
  laneWise("_mm512", "mov_ps", 512, "f32", 16, a, f("a"), "a[i]", true);
  laneWise("_mm512", "mov_epi32", 512, "i32", 16, a, i32("a"), "a[i]", true);

  // ---- int32 arithmetic (wraps modulo 2^32: computed on the unsigned lanes) ----
  laneWise("_mm512", "add_epi32", 512, "u32", 16, ab, [&](E i) { return u32("a")(i) + u32("b")(i); }, "a[i] + b[i] mod 2^32",
           true);
  laneWise("_mm512", "sub_epi32", 512, "u32", 16, ab, [&](E i) { return u32("a")(i) - u32("b")(i); }, "a[i] - b[i] mod 2^32",
           true);
  laneWise("_mm512", "mullo_epi32", 512, "u32", 16, ab, [&](E i) { return u32("a")(i) * u32("b")(i); },
           "low 32 bits of a[i] * b[i]", true);
  laneWise("_mm512", "max_epi32", 512, "i32", 16, ab, [&](E i) { return select(i32("a")(i) > i32("b")(i), i32("a")(i), i32("b")(i)); },
           "signed max", true);
  laneWise("_mm512", "min_epi32", 512, "i32", 16, ab, [&](E i) { return select(i32("a")(i) < i32("b")(i), i32("a")(i), i32("b")(i)); },
           "signed min", true);
  laneWise("_mm512", "and_si512", 512, "u32", 16, ab, [&](E i) { return u32("a")(i) & u32("b")(i); }, "a & b", false);
  laneWise("_mm512", "or_si512", 512, "u32", 16, ab, [&](E i) { return u32("a")(i) | u32("b")(i); }, "a | b", false);
  laneWise("_mm512", "xor_si512", 512, "u32", 16, ab, [&](E i) { return u32("a")(i) ^ u32("b")(i); }, "a ^ b", false);

  // ---- VNNI ----
  // VPDPBUSD: each 32-bit lane adds the four products of unsigned bytes of a with the signed bytes
  // of b at the same positions; the sum wraps modulo 2^32 (no saturation).
  add({"_mm512_dpbusd_epi32", "", Operand::V512, {{"src", Operand::V512, {}}, {"a", Operand::V512, {}}, {"b", Operand::V512, {}}},
       "src[i] + sum_{j<4} (uint8)a.byte[4i+j] * (int8)b.byte[4i+j], mod 2^32", "i32", 16, true},
      [] {
        E idx = var("i") * 4 + var("j");
        return block({decl("r", tVec(512)),
                      forLanes(16, block({decl("dot", tI32(), 0),
                                          forUp("j", 0, 4, assign(var("dot"), lane("a", "u8", idx) * lane("b", "i8", idx),
                                                                  BinaryOp::Add)),
                                          assign(lane("r", "u32", var("i")), lane("src", "u32", var("i")) +
                                                                                 cast(tU32(), var("dot")))})),
                      ret(var("r"))});
      });

  // ---- Byte and word interleaving, broadcasts (tensorize builds dpbusd operands with them) ----
  // unpacklo/hi: within each 128-bit block, the low (high) halves of a and b interleaved element by
  // element, a first.
  auto unpack = [&](const std::string &name, const std::string &m, int lanesPerBlock, bool high) {
    add({name, "", Operand::V512, {{"a", Operand::V512, {}}, {"b", Operand::V512, {}}},
         std::string("in each 128-bit block l: r[2i] = a[") + (high ? "half + " : "") + "i], r[2i+1] = b[" +
             (high ? "half + " : "") + "i] (i < half, indices within the block)",
         m, 4 * lanesPerBlock, true},
        [m, lanesPerBlock, high] {
          E blockStart = var("l") * lanesPerBlock;
          E from = blockStart + (high ? lanesPerBlock / 2 : 0) + var("i");
          E to = blockStart + var("i") * 2;
          return block({decl("r", tVec(512)),
                        forUp("l", 0, 4,
                              forUp("i", 0, lanesPerBlock / 2,
                                    block({assign(lane("r", m, to), lane("a", m, from)),
                                           assign(lane("r", m, to + 1), lane("b", m, from))}))),
                        ret(var("r"))});
        });
  };
  unpack("_mm512_unpacklo_epi8", "u8", 16, false);
  unpack("_mm512_unpackhi_epi8", "u8", 16, true);
  unpack("_mm512_unpacklo_epi16", "u16", 8, false);
  unpack("_mm512_unpackhi_epi16", "u16", 8, true);
  add({"_mm512_broadcastd_epi32", "", Operand::V512, {{"a", Operand::V128, {}}}, "every 32-bit lane a.i32[0]", "i32", 16,
       true},
      [] { return block({decl("r", tVec(512)), forLanes(16, assign(lane("r", "u32", var("i")), lane("a", "u32", 0))), ret(var("r"))}); });

  // ---- Comparisons into masks ----
  add({"_mm512_cmp_ps_mask", "", Operand::Mask16, {{"a", Operand::V512, {}}, {"b", Operand::V512, {}}, {"imm", Operand::Imm, kCmpPsImms}},
       "bit i = predicate imm[3:0] (_CMP_*) on a[i], b[i]; imm[4] (signalling) does not change the result", "f32", 16, true},
      [] {
        E x = var("x"), y = var("y"), unord = var("unord");
        auto c = [](int label, E v) {
          return std::pair<std::optional<int>, std::vector<S>>{label, {assign(var("t"), v), brk()}};
        };
        return block({
            decl("k", tU16(), 0),
            forLanes(16, block({
                             decl("x", tF32(), lane("a", "f32", var("i"))), decl("y", tF32(), lane("b", "f32", var("i"))),
                             decl("unord", tInt(), x != x || y != y), decl("t", tInt(), 0),
                             sw(var("imm") & 15,
                                {c(0, x == y), c(1, x < y), c(2, x <= y), c(3, unord), c(4, !(x == y)), c(5, !(x < y)),
                                 c(6, !(x <= y)), c(7, !unord), c(8, x == y || unord), c(9, !(x >= y)), c(10, !(x > y)),
                                 c(11, 0), c(12, x < y || x > y), c(13, x >= y), c(14, x > y), c(15, 1)}),
                             assign(var("k"), cast(tU16(), var("t")) << var("i"), BinaryOp::BitOr),
                         })),
            ret(var("k")),
        });
      });
  add({"_mm512_mask_cmp_ps_mask", "", Operand::Mask16,
       {{"k1", Operand::Mask16, {}}, {"a", Operand::V512, {}}, {"b", Operand::V512, {}}, {"imm", Operand::Imm, kCmpPsImms}},
       "k1 & _mm512_cmp_ps_mask(a, b, imm)", "f32", 16, true},
      [] {
        return block({ret(cast(tU16(), var("k1") & call("mm512_cmp_ps_mask", {var("a"), var("b"), var("imm")}, tU16())))});
      },
      {"_mm512_cmp_ps_mask"});
  add({"_mm512_cmp_epi32_mask", "", Operand::Mask16,
       {{"a", Operand::V512, {}}, {"b", Operand::V512, {}}, {"imm", Operand::Imm, kCmpIntImms}},
       "bit i = signed predicate imm[2:0] (_MM_CMPINT_EQ, LT, LE, FALSE, NE, NLT, NLE, TRUE) on a[i], b[i]", "i32", 16,
       true},
      [] {
        E x = lane("a", "i32", var("i")), y = lane("b", "i32", var("i"));
        auto c = [](int label, E v) {
          return std::pair<std::optional<int>, std::vector<S>>{label, {assign(var("t"), v), brk()}};
        };
        return block({decl("k", tU16(), 0),
                      forLanes(16, block({decl("t", tInt(), 0),
                                          sw(var("imm") & 7, {c(0, x == y), c(1, x < y), c(2, x <= y), c(3, 0),
                                                              c(4, x != y), c(5, x >= y), c(6, x > y), c(7, 1)}),
                                          assign(var("k"), cast(tU16(), var("t")) << var("i"), BinaryOp::BitOr)})),
                      ret(var("k"))});
      });
  add({"_mm512_mask_cmp_epi32_mask", "", Operand::Mask16,
       {{"k1", Operand::Mask16, {}}, {"a", Operand::V512, {}}, {"b", Operand::V512, {}}, {"imm", Operand::Imm, kCmpIntImms}},
       "k1 & _mm512_cmp_epi32_mask(a, b, imm)", "i32", 16, true},
      [] {
        return block(
            {ret(cast(tU16(), var("k1") & call("mm512_cmp_epi32_mask", {var("a"), var("b"), var("imm")}, tU16())))});
      },
      {"_mm512_cmp_epi32_mask"});
  auto cmpInt = [&](const std::string &name, int pred, const std::string &what) {
    add({name, "", Operand::Mask16, {{"a", Operand::V512, {}}, {"b", Operand::V512, {}}}, what, "i32", 16, true},
        [pred] { return block({ret(call("mm512_cmp_epi32_mask", {var("a"), var("b"), pred}, tU16()))}); },
        {"_mm512_cmp_epi32_mask"});
  };
  cmpInt("_mm512_cmplt_epi32_mask", 1, "bit i = a[i] < b[i] (signed)");
  cmpInt("_mm512_cmpge_epi32_mask", 5, "bit i = a[i] >= b[i] (signed)");
  cmpInt("_mm512_cmpeq_epi32_mask", 0, "bit i = a[i] == b[i]");

  // ---- Reductions ----
  reduce("_mm512_reduce_add_ps", "f32", tF32(), [](E x, E y) { return x + y; }, "sum");
  reduce("_mm512_reduce_max_ps", "f32", tF32(), [](E x, E y) { return select(x > y, x, y); }, "max (x86 max: x > y ? x : y)");
  reduce("_mm512_reduce_min_ps", "f32", tF32(), [](E x, E y) { return select(x < y, x, y); }, "min (x86 min: x < y ? x : y)");
  reduce("_mm512_reduce_add_epi32", "u32", tI32(), [](E x, E y) { return x + y; }, "sum mod 2^32");

  // ---- Shuffles and permutes ----
  // 128-bit blocks: the float and the integer form move the same bits.
  auto shuffle128 = [&](const std::string &name, const std::string &m) {
    add({name, "", Operand::V512, {{"a", Operand::V512, {}}, {"b", Operand::V512, {}}, {"imm", Operand::Imm, kShuffle128Imms}},
         "128-bit block l of the result = block imm[2l+1:2l] of a (l < 2) or of b (l >= 2)", m, 16, true},
        [m] {
          E src = var("sel") * 4 + var("j");
          return block({decl("r", tVec(512)),
                        forUp("l", 0, 4,
                              block({decl("sel", tInt(), (var("imm") >> (var("l") * 2)) & 3),
                                     forUp("j", 0, 4,
                                           assign(lane("r", m, var("l") * 4 + var("j")),
                                                  select(var("l") < 2, lane("a", m, src), lane("b", m, src))))})),
                        ret(var("r"))});
        });
  };
  shuffle128("_mm512_shuffle_f32x4", "f32");
  shuffle128("_mm512_shuffle_i32x4", "u32");
  add({"_mm512_mask_shuffle_f32x4", "", Operand::V512,
       {{"src", Operand::V512, {}}, {"k", Operand::Mask16, {}}, {"a", Operand::V512, {}}, {"b", Operand::V512, {}},
        {"imm", Operand::Imm, kShuffle128Imms}},
       "_mm512_shuffle_f32x4(a, b, imm) in the lanes whose bit of k is set, src elsewhere", "f32", 16, true},
      [] {
        return block({decl("t", tVec(512), call("mm512_shuffle_f32x4", {var("a"), var("b"), var("imm")}, tVec(512))),
                      decl("r", tVec(512)),
                      forLanes(16, assign(lane("r", "f32", var("i")),
                                          select(bit(var("k"), var("i")), lane("t", "f32", var("i")), lane("src", "f32", var("i"))))),
                      ret(var("r"))});
      },
      {"_mm512_shuffle_f32x4"});
  add({"_mm512_permute_ps", "", Operand::V512, {{"a", Operand::V512, {}}, {"imm", Operand::Imm, kShuffleImms}},
       "r[4l+j] = a[4l + imm[2j+1:2j]] within each 128-bit block l", "f32", 16, true},
      [] {
        E base = var("i") - (var("i") & 3);
        return block({decl("r", tVec(512)),
                      forLanes(16, assign(lane("r", "f32", var("i")),
                                          lane("a", "f32", base + ((var("imm") >> ((var("i") & 3) * 2)) & 3)))),
                      ret(var("r"))});
      });
  add({"_mm512_mask_permute_ps", "", Operand::V512,
       {{"src", Operand::V512, {}}, {"k", Operand::Mask16, {}}, {"a", Operand::V512, {}}, {"imm", Operand::Imm, kShuffleImms}},
       "_mm512_permute_ps(a, imm) in the lanes whose bit of k is set, src elsewhere", "f32", 16, true},
      [] {
        return block({decl("t", tVec(512), call("mm512_permute_ps", {var("a"), var("imm")}, tVec(512))),
                      decl("r", tVec(512)),
                      forLanes(16, assign(lane("r", "f32", var("i")),
                                          select(bit(var("k"), var("i")), lane("t", "f32", var("i")), lane("src", "f32", var("i"))))),
                      ret(var("r"))});
      },
      {"_mm512_permute_ps"});

  // ---- Rounding and conversions ----
  add({"_mm512_roundscale_ps", "", Operand::V512, {{"a", Operand::V512, {}}, {"imm", Operand::Imm, kRoundscaleImms}},
       "round a[i] to imm[7:4] fraction bits, mode imm[1:0] (or MXCSR when imm[2]); NaN made quiet", "f32", 16, true},
      [] {
        return block({decl("r", tVec(512)),
                      forLanes(16, assign(lane("r", "f32", var("i")),
                                          call("xp_roundscale_f32", {lane("a", "f32", var("i")), var("imm")}, tF32()))),
                      ret(var("r"))});
      },
      {"xp_roundscale_f32"}, true);
  add({"_mm512_mask_roundscale_ps", "", Operand::V512,
       {{"src", Operand::V512, {}}, {"k", Operand::Mask16, {}}, {"a", Operand::V512, {}}, {"imm", Operand::Imm, kRoundscaleImms}},
       "_mm512_roundscale_ps(a, imm) in the lanes whose bit of k is set, src elsewhere", "f32", 16, true},
      [] {
        return block({decl("r", tVec(512)),
                      forLanes(16, assign(lane("r", "f32", var("i")),
                                          select(bit(var("k"), var("i")),
                                                 call("xp_roundscale_f32", {lane("a", "f32", var("i")), var("imm")}, tF32()),
                                                 lane("src", "f32", var("i"))))),
                      ret(var("r"))});
      },
      {"xp_roundscale_f32"}, true);
  auto cvtph = [&](const std::string &name, const std::string &masking) {
    std::vector<IntrinsicParam> params;
    if (masking == "mask") params = {{"src", Operand::V512, {}}, {"k", Operand::Mask16, {}}};
    if (masking == "maskz") params = {{"k", Operand::Mask16, {}}};
    params.push_back({"a", Operand::V256, {}});
    add({name, "", Operand::V512, params, "r[i] = half a.u16[i] widened to float (exact; NaN made quiet)" +
                                              std::string(masking.empty() ? "" : ", masked"),
         "f32", 16, true},
        [masking] {
          E v = call("xp_half_to_float", {lane("a", "u16", var("i"))}, tF32());
          if (masking == "mask") v = select(bit(var("k"), var("i")), v, lane("src", "f32", var("i")));
          if (masking == "maskz") v = select(bit(var("k"), var("i")), v, flit(0, "0.0f"));
          return block({decl("r", tVec(512)), forLanes(16, assign(lane("r", "f32", var("i")), v)), ret(var("r"))});
        },
        {"xp_half_to_float"});
  };
  cvtph("_mm512_cvtph_ps", "");
  cvtph("_mm512_mask_cvtph_ps", "mask");
  cvtph("_mm512_maskz_cvtph_ps", "maskz");
  add({"_mm512_cvtps_ph", "", Operand::V256, {{"a", Operand::V512, {}}, {"imm", Operand::Imm, kCvtPhImms}},
       "r.u16[i] = a[i] narrowed to half with rounding imm[1:0] (imm[2]: MXCSR, nearest even)", "u16", 16, true},
      [] {
        return block({decl("r", tVec(256)),
                      forLanes(16, assign(lane("r", "u16", var("i")),
                                          call("xp_float_to_half", {lane("a", "f32", var("i")), var("imm")}, tU16()))),
                      ret(var("r"))});
      },
      {"xp_float_to_half"});
  add({"_mm512_mask_cvtps_ph", "", Operand::V256,
       {{"src", Operand::V256, {}}, {"k", Operand::Mask16, {}}, {"a", Operand::V512, {}}, {"imm", Operand::Imm, kCvtPhImms}},
       "_mm512_cvtps_ph(a, imm) in the lanes whose bit of k is set, src elsewhere", "u16", 16, true},
      [] {
        return block({decl("r", tVec(256)),
                      forLanes(16, assign(lane("r", "u16", var("i")),
                                          select(bit(var("k"), var("i")),
                                                 call("xp_float_to_half", {lane("a", "f32", var("i")), var("imm")}, tU16()),
                                                 lane("src", "u16", var("i"))))),
                      ret(var("r"))});
      },
      {"xp_float_to_half"});
  add({"_mm512_cvtss_f32", "", Operand::F32, {{"a", Operand::V512, {}}}, "a[0]", "f32", 1, true},
      [] { return block({ret(lane("a", "f32", 0))}); });

  // ---- Gathers ----
  auto gather = [&](const std::string &name, bool masked) {
    std::vector<IntrinsicParam> params;
    if (masked) params = {{"src", Operand::V512, {}}, {"k", Operand::Mask16, {}}};
    params.push_back({"vindex", Operand::V512, {}});
    params.push_back({"base_addr", Operand::ConstPtr, {}});
    params.push_back({"scale", Operand::Imm, kScaleImms});
    MemoryFootprint mem;
    mem.pointerParam = masked ? 3 : 1;
    mem.reads = true;
    mem.laneBytes = 4;
    mem.lanes = 16;
    mem.maskParam = masked ? 1 : -1;
    mem.indexParam = masked ? 2 : 0;
    add({name, "", Operand::V512, params,
         "r[i] = *(const float *)((const char *)base_addr + (int64_t)vindex.i32[i] * scale)" +
             std::string(masked ? " for the lanes whose bit of k is set (others keep src, memory not read)" : ""),
         "f32", 16, false, mem},
        [masked] {
          auto cu8 = std::make_shared<Type>(*tU8());
          cu8->isConst = true;
          TypePtr cbp = Type::pointerTo(cu8);
          auto cf = std::make_shared<Type>(*tF32());
          cf->isConst = true;
          TypePtr cfp = Type::pointerTo(cf);
          E addr = var("p") + cast(tI64(), lane("vindex", "i32", var("i"))) * var("scale");
          E v = deref(cast(cfp, addr));
          if (masked) v = select(bit(var("k"), var("i")), v, lane("src", "f32", var("i")));
          return block({decl("p", cbp, cast(cbp, var("base_addr"))), decl("r", tVec(512)),
                        forLanes(16, assign(lane("r", "f32", var("i")), v)), ret(var("r"))});
        });
  };
  gather("_mm512_i32gather_ps", false);
  gather("_mm512_mask_i32gather_ps", true);

  // Forms the generators above produce that the x86 API does not have.
  for (const char *absent : {"_mm512_mov_ps", "_mm512_mov_epi32", "_mm512_maskz_abs_ps"}) {
    entries.erase(absent);
    list.erase(std::remove_if(list.begin(), list.end(), [&](const Intrinsic &i) { return i.name == absent; }), list.end());
  }
}

const Catalogue &catalogue() {
  static const Catalogue c;
  return c;
}

// `-1` as the builtins' "all lanes" mask: an integer literal -1 (or 0xffff...), possibly negated
// or cast, as the headers spell it.
bool isAllOnesMask(const ExprPtr &e, int lanes) {
  if (e.get() == nullptr) return false;
  if (auto *c = e->as<Cast>()) return isAllOnesMask(c->operand, lanes);
  if (auto *u = e->as<Unary>(); u && u->op == UnaryOp::Neg)
    if (auto *l = u->operand->as<IntLit>()) return l->value == 1;
  if (auto *l = e->as<IntLit>()) {
    uint64_t all = lanes >= 64 ? ~0ull : (1ull << lanes) - 1;
    return l->value == -1 || (static_cast<uint64_t>(l->value) & all) == all;
  }
  return false;
}

// The operand of the (possibly nested) casts the headers wrap around builtin arguments.
ExprPtr stripVectorCasts(const ExprPtr &e) {
  ExprPtr cur = e;
  while (auto *c = cur->as<Cast>()) {
    if (!c->type || c->type->kind != Type::Kind::Named || !x86VectorBits(c->type->name)) break;
    cur = c->operand;
  }
  return cur;
}

bool isUndefinedVector(const ExprPtr &e) {
  auto *c = stripVectorCasts(e)->as<Call>();
  return c && c->callee.find("_undefined") != std::string::npos && c->args.empty();
}

}  // namespace

const std::vector<Intrinsic> &intrinsics() {
  static const std::vector<Intrinsic> all = [] {
    std::vector<Intrinsic> v;
    for (auto &i : catalogue().list) v.push_back(catalogue().entries.at(i.name).info);
    return v;
  }();
  return all;
}

const Intrinsic *findIntrinsic(const std::string &name) {
  auto &e = catalogue().entries;
  auto it = e.find(name);
  return it == e.end() ? nullptr : &it->second.info;
}

const Intrinsic *findIntrinsicByHelper(const std::string &helper) {
  static const std::map<std::string, const Intrinsic *> byHelper = [] {
    std::map<std::string, const Intrinsic *> m;
    for (auto &[name, entry] : catalogue().entries) m[entry.info.helper] = &entry.info;
    return m;
  }();
  auto it = byHelper.find(helper);
  return it == byHelper.end() ? nullptr : it->second;
}

bool isX86IntrinsicName(const std::string &name) {
  return name.rfind("_mm", 0) == 0 || name.rfind("__builtin_ia32_", 0) == 0;
}

int x86VectorBits(const std::string &spelled) {
  std::string name = spelled;
  // Spellings may carry qualifiers the lowering kept inside Named types.
  for (const char *q : {"const ", "volatile "})
    if (name.rfind(q, 0) == 0) name = name.substr(std::string(q).size());
  static const std::map<std::string, int> bits = {
      {"__m512", 512},   {"__m512i", 512},  {"__m512d", 512},  {"__m512h", 512},  {"__m512bh", 512},
      {"__m512_u", 512}, {"__m512i_u", 512}, {"__m512d_u", 512},
      {"__v16sf", 512},  {"__v8df", 512},   {"__v16si", 512},  {"__v16su", 512},  {"__v8di", 512},
      {"__v8du", 512},   {"__v32hi", 512},  {"__v32hu", 512},  {"__v64qi", 512},  {"__v64qu", 512},
      {"__v64qs", 512},  {"__m256", 256},   {"__m256i", 256},  {"__m256d", 256},  {"__m256_u", 256},
      {"__m256i_u", 256}, {"__m256d_u", 256}, {"__v8sf", 256},  {"__v4df", 256},   {"__v8si", 256},
      {"__v8su", 256},   {"__v4di", 256},   {"__v16hi", 256},  {"__v16hu", 256},  {"__v32qi", 256},
      {"__v32qu", 256},  {"__m128", 128},   {"__m128i", 128},  {"__m128d", 128},  {"__v4sf", 128},
      {"__v2df", 128},   {"__v4si", 128},   {"__v4su", 128},   {"__v2di", 128},   {"__v8hi", 128},
      {"__v8hu", 128},   {"__v16qi", 128},  {"__v16qu", 128}};
  auto it = bits.find(name);
  return it == bits.end() ? 0 : it->second;
}

std::string cVectorTypeName(int bits) { return "xp_m" + std::to_string(bits); }

std::string vectorTypedef(int bits) {
  auto n = [bits](int elemBits) { return std::to_string(bits / elemBits); };
  return "/* A " + std::to_string(bits) +
         "-bit x86 vector register: the same bits read as lanes of each element type. */\n"
         "typedef union {\n  float f32[" + n(32) + "];\n  double f64[" + n(64) + "];\n  int8_t i8[" + n(8) +
         "];\n  uint8_t u8[" + n(8) + "];\n  int16_t i16[" + n(16) + "];\n  uint16_t u16[" + n(16) +
         "];\n  int32_t i32[" + n(32) + "];\n  uint32_t u32[" + n(32) + "];\n  int64_t i64[" + n(64) +
         "];\n  uint64_t u64[" + n(64) + "];\n} " + cVectorTypeName(bits) + ";";
}

TypePtr operandType(Operand kind) {
  switch (kind) {
  case Operand::None: return Type::scalarOf(ScalarType::Void);
  case Operand::V128: case Operand::V256: case Operand::V512: return tVec(operandBits(kind));
  case Operand::Mask8: return scalarNamed(ScalarType::U8, "uint8_t");
  case Operand::Mask16: return tU16();
  case Operand::Mask32: return tU32();
  case Operand::Mask64: return tU64();
  case Operand::F32: return tF32();
  case Operand::I32: return tI32();
  case Operand::I64: return tI64();
  case Operand::Imm: return tInt();
  case Operand::ConstPtr: return Type::pointerTo(Type::scalarOf(ScalarType::Void, true));
  case Operand::Ptr: return Type::pointerTo(Type::scalarOf(ScalarType::Void));
  }
  return tInt();
}

std::optional<Resugared> resugarBuiltin(const Call &call) {
  const std::string &n = call.callee;
  const auto &a = call.args;
  auto arg = [&](size_t i) { return stripVectorCasts(a[i]); };
  if (n == "__builtin_ia32_rndscaleps_mask" && a.size() == 5) {
    if (isAllOnesMask(a[3], 16) && isUndefinedVector(a[2])) return Resugared{"_mm512_roundscale_ps", {arg(0), a[1]}};
    return Resugared{"_mm512_mask_roundscale_ps", {arg(2), a[3], arg(0), a[1]}};
  }
  if (n == "__builtin_ia32_cmpps512_mask" && a.size() == 5) {
    if (isAllOnesMask(a[3], 16)) return Resugared{"_mm512_cmp_ps_mask", {arg(0), arg(1), a[2]}};
    return Resugared{"_mm512_mask_cmp_ps_mask", {a[3], arg(0), arg(1), a[2]}};
  }
  if (n == "__builtin_ia32_cmpd512_mask" && a.size() == 4) {
    if (isAllOnesMask(a[3], 16)) return Resugared{"_mm512_cmp_epi32_mask", {arg(0), arg(1), a[2]}};
    return Resugared{"_mm512_mask_cmp_epi32_mask", {a[3], arg(0), arg(1), a[2]}};
  }
  // select(k, a, b): a where k is set, b elsewhere - exactly mask_mov(b, k, a).
  if (n == "__builtin_ia32_selectps_512" && a.size() == 3) return Resugared{"_mm512_mask_mov_ps", {arg(2), a[0], arg(1)}};
  if (n == "__builtin_ia32_selectd_512" && a.size() == 3) return Resugared{"_mm512_mask_mov_epi32", {arg(2), a[0], arg(1)}};
  if (n == "__builtin_ia32_shuf_f32x4" && a.size() == 3) return Resugared{"_mm512_shuffle_f32x4", {arg(0), arg(1), a[2]}};
  if (n == "__builtin_ia32_shuf_i32x4" && a.size() == 3) return Resugared{"_mm512_shuffle_i32x4", {arg(0), arg(1), a[2]}};
  if (n == "__builtin_ia32_vpermilps512" && a.size() == 2) return Resugared{"_mm512_permute_ps", {arg(0), a[1]}};
  if (n == "__builtin_ia32_gathersiv16sf" && a.size() == 5) {
    if (isAllOnesMask(a[3], 16) && isUndefinedVector(a[0]))
      return Resugared{"_mm512_i32gather_ps", {arg(2), a[1], a[4]}};
    return Resugared{"_mm512_mask_i32gather_ps", {arg(0), a[3], arg(2), a[1], a[4]}};
  }
  if (n == "__builtin_ia32_vcvtps2ph512_mask" && a.size() == 4) {
    if (isAllOnesMask(a[3], 16) && isUndefinedVector(a[2])) return Resugared{"_mm512_cvtps_ph", {arg(0), a[1]}};
    return Resugared{"_mm512_mask_cvtps_ph", {arg(2), a[3], arg(0), a[1]}};
  }
  return std::nullopt;
}

std::set<int> helperVectorWidths(const std::set<std::string> &names) {
  std::set<int> widths;
  const auto &c = catalogue();
  std::function<void(const std::string &)> visit = [&](const std::string &name) {
    auto it = c.entries.find(name);
    if (it == c.entries.end()) {
      auto s = c.scalars.find(name);
      if (s == c.scalars.end()) return;
      widths.insert(128);  // scalar helpers read float bits through xp_m128
      for (auto &d : s->second.deps) visit(d);
      return;
    }
    if (int b = operandBits(it->second.info.result)) widths.insert(b);
    for (auto &p : it->second.info.params)
      if (int b = operandBits(p.kind)) widths.insert(b);
    // Reductions keep a working copy of the whole register.
    widths.insert(512);
    for (auto &d : it->second.deps) visit(d);
  };
  for (auto &n : names) visit(n);
  return widths;
}

HelperDefinitions helperDefinitions(const std::set<std::string> &names) {
  const auto &c = catalogue();
  HelperDefinitions out;
  std::set<std::string> done;
  std::function<void(const std::string &)> emit = [&](const std::string &name) {
    if (done.count(name)) return;
    done.insert(name);
    Function f;
    f.kind = FunctionKind::Host;
    f.isStatic = true;
    f.isInline = true;
    if (auto it = c.entries.find(name); it != c.entries.end()) {
      for (auto &d : it->second.deps) emit(d);
      const Intrinsic &info = it->second.info;
      f.name = info.helper;
      f.returnType = operandType(info.result);
      for (auto &p : info.params) f.params.push_back({p.name, operandType(p.kind)});
      f.body = it->second.body();
      out.needsMath |= it->second.math;
    } else if (auto s = c.scalars.find(name); s != c.scalars.end()) {
      for (auto &d : s->second.deps) emit(d);
      f.name = s->second.name;
      f.returnType = s->second.result;
      f.params = s->second.params;
      f.body = s->second.body();
      out.needsMath |= s->second.math;
    } else {
      return;
    }
    out.functions.push_back(std::move(f));
  };
  for (auto &n : names) emit(n);
  for (int bits : helperVectorWidths(names)) out.typedefs.push_back({vectorTypedef(bits), "xpile: x86 vector as C", {}, ""});
  return out;
}

}  // namespace xpile::backends::vnni
