// Detensorize: x86 SIMD intrinsics -> scalar C helpers from the intrinsic catalogue.
#include "passes/detensorize.h"

#include "ast/visitor.h"
#include "backends/vnni/intrinsic_catalogue.h"

#include <map>
#include <set>

namespace xpile::passes {

using namespace ast;
namespace vnni = backends::vnni;

namespace {

// The C form of a type: x86 vectors become the catalogue's unions, recursively through pointers,
// references and arrays. Returns the input pointer itself when nothing changes.
TypePtr mapType(const TypePtr &t) {
  if (!t) return t;
  // Masks spelled as <immintrin.h> does (`__mmask16`, as tensorize writes them): the unsigned
  // integer of their width.
  if (t->kind == Type::Kind::Scalar && t->name.rfind("__mmask", 0) == 0) {
    auto out = std::make_shared<Type>(*t);
    out->name = t->scalar == ScalarType::U8 ? "uint8_t" : t->scalar == ScalarType::U16 ? "uint16_t"
                : t->scalar == ScalarType::U32 ? "uint32_t" : "uint64_t";
    return out;
  }
  if (t->kind == Type::Kind::Named) {
    int bits = vnni::x86VectorBits(t->name);
    if (!bits) return t;
    auto out = std::make_shared<Type>(*Type::named(vnni::cVectorTypeName(bits), t->isConst));
    out->isVolatile = t->isVolatile;
    return out;
  }
  if (t->element) {
    TypePtr e = mapType(t->element);
    if (e == t->element) return t;
    auto out = std::make_shared<Type>(*t);
    out->element = e;
    return out;
  }
  return t;
}

int vectorBitsOf(const TypePtr &t) {
  return t && t->kind == Type::Kind::Named ? vnni::x86VectorBits(t->name) : 0;
}

// Text carried verbatim cannot be rewritten; x86 code in it would survive into C unnoticed.
bool mentionsX86(const std::string &text) {
  return text.find("_mm") != std::string::npos || text.find("__m512") != std::string::npos ||
         text.find("__m256") != std::string::npos || text.find("__m128") != std::string::npos ||
         text.find("__builtin_ia32_") != std::string::npos;
}

class Detensorizer : public IRMutator {
public:
  explicit Detensorizer(PassContext &ctx) : ctx_(ctx) {}

  std::map<std::string, int> counts;  // intrinsic name -> calls replaced
  bool callsOpenMp = false;

protected:
  // Every expression keeps its type in C form (later passes read Expr::type).
  template <typename N> ExprPtr retype(const ExprPtr &e) {
    TypePtr t = mapType(e->type);
    if (t == e->type) return e;
    auto copy = std::make_shared<N>(*static_cast<const N *>(e.get()));
    copy->type = t;
    return copy;
  }
#define XPILE_RETYPE(N) \
  ExprPtr visit##N(const N &node, const ExprPtr &self) override { return retype<N>(IRMutator::visit##N(node, self)); }
  XPILE_RETYPE(IntLit) XPILE_RETYPE(FloatLit) XPILE_RETYPE(Unary) XPILE_RETYPE(Binary)
  XPILE_RETYPE(AssignExpr) XPILE_RETYPE(Load) XPILE_RETYPE(Member) XPILE_RETYPE(Select) XPILE_RETYPE(InitList)
#undef XPILE_RETYPE

  // The comparison predicates of <immintrin.h> (an enum there) become their values, since the
  // header is dropped: _MM_CMPINT_EQ, LT, LE, FALSE, NE, NLT, NLE, TRUE are 0 to 7.
  ExprPtr visitVar(const Var &node, const ExprPtr &self) override {
    static const char *kPredicates[] = {"EQ", "LT", "LE", "FALSE", "NE", "NLT", "NLE", "TRUE"};
    for (int64_t i = 0; i < 8; ++i)
      if (node.name == std::string("_MM_CMPINT_") + kPredicates[i]) {
        auto lit = std::make_shared<IntLit>();
        lit->loc = node.loc;
        lit->value = i;
        lit->type = Type::scalarOf(ScalarType::I32);
        return lit;
      }
    return retype<Var>(IRMutator::visitVar(node, self));
  }

  ExprPtr visitSizeOf(const SizeOf &node, const ExprPtr &self) override {
    ExprPtr r = IRMutator::visitSizeOf(node, self);
    TypePtr t = mapType(node.operandType);
    if (t == node.operandType) return r;
    auto copy = std::make_shared<SizeOf>(*r->as<SizeOf>());
    copy->operandType = t;
    return copy;
  }

  ExprPtr visitVerbatimExpr(const VerbatimExpr &node, const ExprPtr &self) override {
    if (mentionsX86(node.text)) ctx_.error(node.loc, "detensorize: x86 code in an expression carried verbatim: " + node.text);
    return self;
  }
  StmtPtr visitVerbatimStmt(const VerbatimStmt &node, const StmtPtr &self) override {
    if (mentionsX86(node.text)) ctx_.error(node.loc, "detensorize: x86 code in a statement carried verbatim");
    return self;
  }

  ExprPtr visitCall(const Call &node, const ExprPtr &self) override {
    if (node.callee.rfind("omp_", 0) == 0) callsOpenMp = true;
    if (!vnni::isX86IntrinsicName(node.callee)) return retype<Call>(IRMutator::visitCall(node, self));
    std::string name = node.callee;
    std::vector<ExprPtr> args = node.args;
    if (auto r = vnni::resugarBuiltin(node)) {
      name = r->name;
      args = r->args;
    }
    const vnni::Intrinsic *in = vnni::findIntrinsic(name);
    if (!in) {
      ctx_.error(node.loc, "detensorize: x86 intrinsic '" + node.callee + "' is not in the VNNI intrinsic catalogue");
      return self;
    }
    if (args.size() != in->params.size()) {
      ctx_.error(node.loc, "detensorize: '" + name + "' called with " + std::to_string(args.size()) +
                               " arguments, the catalogue defines " + std::to_string(in->params.size()));
      return self;
    }
    auto call = std::make_shared<Call>();
    call->loc = node.loc;
    call->callee = in->helper;
    call->callKind = CallKind::User;
    for (auto &a : args) call->args.push_back(mutate(a));
    call->type = vnni::operandType(in->result);
    counts[name]++;
    return call;
  }

  // The x86 headers reinterpret registers by casting (`(__v16sf)x`, `(__m512)y`); with one union
  // per width these casts are identities and disappear. A cast between widths is a conversion
  // the AST cannot express here.
  ExprPtr visitCast(const Cast &node, const ExprPtr &self) override {
    int to = vectorBitsOf(node.type), from = vectorBitsOf(node.operand ? node.operand->type : nullptr);
    if (to || from) {
      ExprPtr operand = mutate(node.operand);
      // The builtins' own result types are Clang vector types the AST does not name; what the
      // operand became (a helper returning xp_m512) says its width.
      if (!from && operand->type && operand->type->kind == Type::Kind::Named)
        for (int bits : {128, 256, 512})
          if (operand->type->name == vnni::cVectorTypeName(bits)) from = bits;
      if (to == from) return operand;
      ctx_.error(node.loc, "detensorize: cast between an x86 vector of " + std::to_string(from) + " bits and " +
                               (to ? "a vector of " + std::to_string(to) + " bits" : "a non-vector type"));
      return self;
    }
    return retype<Cast>(IRMutator::visitCast(node, self));
  }

  StmtPtr visitDecl(const Decl &node, const StmtPtr &self) override {
    StmtPtr r = IRMutator::visitDecl(node, self);
    TypePtr t = mapType(node.type);
    if (t == node.type) return r;
    auto copy = std::make_shared<Decl>(*r->as<Decl>());
    copy->type = t;
    return copy;
  }
  StmtPtr visitAlloc(const Alloc &node, const StmtPtr &self) override {
    StmtPtr r = IRMutator::visitAlloc(node, self);
    TypePtr t = mapType(node.type);
    if (t == node.type) return r;
    auto copy = std::make_shared<Alloc>(*r->as<Alloc>());
    copy->type = t;
    copy->alignment = 0;  // the union has its elements' alignment; the program's __m512 alignment is not needed
    return copy;
  }

private:
  PassContext &ctx_;
};

bool isX86Header(const std::string &h) {
  static const std::set<std::string> names = {"immintrin.h", "x86intrin.h", "zmmintrin.h", "avx512fintrin.h",
                                              "avx512vnniintrin.h", "avx512vlintrin.h", "avx512bwintrin.h",
                                              "emmintrin.h", "xmmintrin.h", "pmmintrin.h", "smmintrin.h",
                                              "tmmintrin.h", "nmmintrin.h", "wmmintrin.h"};
  return names.count(h) > 0;
}

}  // namespace

bool detensorize(Module &m, const DetensorizeOptions &, PassContext &ctx) {
  size_t errorsBefore = ctx.diagnostics.size();
  Detensorizer d(ctx);
  std::set<std::string> definedNames;
  for (auto &item : m.items) {
    if (auto *f = std::get_if<Function>(&item)) {
      definedNames.insert(f->name);
      Function g = d.mutate(*f);
      g.returnType = mapType(g.returnType);
      for (auto &p : g.params) p.type = mapType(p.type);
      *f = std::move(g);
    } else if (auto *g = std::get_if<GlobalVar>(&item)) {
      definedNames.insert(g->name);
      g->init = d.mutate(g->init);
      g->type = mapType(g->type);
    } else if (auto *v = std::get_if<VerbatimDecl>(&item)) {
      if (mentionsX86(v->text)) ctx.error(v->loc, "detensorize: x86 code in a declaration carried verbatim");
    }
  }
  bool failed = false;
  for (size_t i = errorsBefore; i < ctx.diagnostics.size(); ++i) failed |= ctx.diagnostics[i].severity == Severity::Error;
  if (failed) return false;

  std::set<std::string> used;
  int calls = 0;
  for (auto &[name, n] : d.counts) {
    used.insert(name);
    calls += n;
  }
  vnni::HelperDefinitions defs = vnni::helperDefinitions(used);
  for (auto &f : defs.functions)
    if (definedNames.count(f.name)) {
      ctx.error(m.findFunction(f.name) ? m.findFunction(f.name)->loc : SourceLoc{},
                "detensorize: the program already defines '" + f.name + "', the name of an intrinsic helper");
      return false;
    }

  // Helpers (and the vector unions) go before the first function or global: everything after
  // may use them, and the #define lines and typedefs the program starts with stay first.
  size_t at = 0;
  while (at < m.items.size() && std::holds_alternative<VerbatimDecl>(m.items[at])) ++at;
  std::vector<TopLevel> inserted;
  for (auto &t : defs.typedefs) inserted.emplace_back(t);
  for (auto &f : defs.functions) inserted.emplace_back(f);
  m.items.insert(m.items.begin() + static_cast<std::ptrdiff_t>(at), inserted.begin(), inserted.end());

  // Includes: the x86 headers go; <omp.h> stays only for programs that call the OpenMP runtime.
  std::vector<Include> includes;
  auto has = [&](std::initializer_list<const char *> hs) {
    for (auto &inc : m.includes)
      for (const char *h : hs)
        if (inc.header == h) return true;
    return false;
  };
  for (auto &inc : m.includes) {
    if (isX86Header(inc.header)) continue;
    if (inc.header == "omp.h" && !d.callsOpenMp) continue;
    includes.push_back(inc);
  }
  if (!defs.functions.empty() && !has({"stdint.h", "cstdint", "inttypes.h", "cinttypes"}))
    includes.push_back({"stdint.h", true, {}});
  if (defs.needsMath && !has({"math.h", "cmath"})) includes.push_back({"math.h", true, {}});
  m.includes = std::move(includes);
  m.dialect = Dialect::C;

  nlohmann::json perName = nlohmann::json::object();
  for (auto &[name, n] : d.counts) perName[name] = n;
  ctx.stats["intrinsic_calls_replaced"] = calls;
  ctx.stats["intrinsics"] = perName;
  ctx.stats["helpers_emitted"] = defs.functions.size();
  ctx.params["vector_representation"] = "union";  // fixed: recorded so reports say how vectors were lowered
  return true;
}

}  // namespace xpile::passes
