#include "passes/matrix_core_mapping.h"

#include "ast/visitor.h"

#include <cctype>

namespace xpile::passes {

using namespace ast;

namespace {

bool startsWith(const std::string &s, const std::string &p) { return s.rfind(p, 0) == 0; }
bool isWmma(const std::string &name) { return startsWith(name, "nvcuda::wmma::") || startsWith(name, "wmma::"); }

// The matrix-core uses of a module: wmma calls and fragment types, mfma builtin calls.
class MatrixCoreFinder : public IRVisitor {
public:
  struct Use {
    std::string name;
    SourceLoc loc;
  };
  std::vector<Use> wmma, mfma, unsupported;

  void type(const TypePtr &t, const SourceLoc &loc) {
    for (const Type *cur = t.get(); cur; cur = cur->element.get()) {
      if (cur->kind != Type::Kind::Named || cur->name.find("wmma::") == std::string::npos) continue;
      // Sub-byte, tf32 and bf16 fragments are not implemented by the emitted wmma.
      if (cur->name.find("precision::") != std::string::npos || cur->name.find("bfloat16") != std::string::npos)
        unsupported.push_back({cur->name, loc});
      else
        wmma.push_back({cur->name, loc});
    }
  }

protected:
  void visitCall(const Call &n) override {
    if (isWmma(n.callee)) {
      std::string fn = n.callee.substr(n.callee.rfind("::") + 2);
      if (fn == "fill_fragment" || fn == "load_matrix_sync" || fn == "store_matrix_sync" || fn == "mma_sync")
        wmma.push_back({n.callee, n.loc});
      else
        unsupported.push_back({n.callee, n.loc});
    }
    if (startsWith(n.callee, "__builtin_amdgcn_mfma_")) mfma.push_back({n.callee, n.loc});
    IRVisitor::visitCall(n);
  }
  void visitDecl(const Decl &n) override {
    type(n.type, n.loc);
    IRVisitor::visitDecl(n);
  }
  void visitAlloc(const Alloc &n) override {
    type(n.type, n.loc);
    IRVisitor::visitAlloc(n);
  }
};

// The wmma implementation for HIP, emitted once before the first function. Layout (see the
// header): element i of lane l of a fragment is the tile's row-major element e = l + 32 i, i.e.
// row l / 16 + 2 i, column l % 16. In mma_sync, lane l's element i needs A(r, k) for r = l/16 + 2i,
// which lane 16 (l / 16) + k holds as its element i, and B(k, c) for c = l % 16, which lane
// 16 (k % 2) + l % 16 holds as its element k / 2: every lane reads the same register index, so
// each operand is one width-32 shuffle.
const char *kHipWmma = R"(// wmma for HIP, emitted by xpile (the program's wmma:: names this namespace): m16n16k16 fragments of a 32-lane warp, 8 elements per
// lane (element i of lane l is the tile's row-major element l + 32 i); mma_sync exchanges
// operands with width-32 shuffles, so each half of a 64-lane wavefront is one CUDA warp.
namespace nvcuda {}  // named by the program's `using namespace nvcuda;`
namespace xpile_wmma {
struct matrix_a {};
struct matrix_b {};
struct accumulator {};
struct row_major {};
struct col_major {};
enum layout_t { mem_row_major, mem_col_major };

template <typename Use, int M, int N, int K, typename T, typename Layout = void>
struct fragment {
  static_assert(M == 16 && N == 16 && K == 16, "xpile's HIP wmma implements m16n16k16 only");
  static constexpr int num_elements = 8;
  T x[8];
};

template <typename Layout> struct is_col_major { static constexpr bool value = false; };
template <> struct is_col_major<col_major> { static constexpr bool value = true; };

__device__ inline int warp_lane() { return static_cast<int>(__lane_id() & 31u); }

template <typename Use, typename T, typename Layout>
__device__ inline void load_matrix_sync(fragment<Use, 16, 16, 16, T, Layout> &f, const T *p, unsigned ldm) {
  for (int i = 0; i < 8; ++i) {
    const int e = warp_lane() + 32 * i, r = e / 16, c = e % 16;
    f.x[i] = is_col_major<Layout>::value ? p[c * ldm + r] : p[r * ldm + c];
  }
}

template <typename T>
__device__ inline void load_matrix_sync(fragment<accumulator, 16, 16, 16, T> &f, const T *p, unsigned ldm, layout_t layout) {
  for (int i = 0; i < 8; ++i) {
    const int e = warp_lane() + 32 * i, r = e / 16, c = e % 16;
    f.x[i] = layout == mem_col_major ? p[c * ldm + r] : p[r * ldm + c];
  }
}

template <typename T>
__device__ inline void store_matrix_sync(T *p, const fragment<accumulator, 16, 16, 16, T> &f, unsigned ldm, layout_t layout) {
  for (int i = 0; i < 8; ++i) {
    const int e = warp_lane() + 32 * i, r = e / 16, c = e % 16;
    if (layout == mem_col_major) p[c * ldm + r] = f.x[i];
    else p[r * ldm + c] = f.x[i];
  }
}

template <typename Use, typename T, typename Layout, typename V>
__device__ inline void fill_fragment(fragment<Use, 16, 16, 16, T, Layout> &f, const V &v) {
  for (int i = 0; i < 8; ++i) f.x[i] = static_cast<T>(v);
}

template <typename Acc, typename T, typename LA, typename LB>
__device__ inline void mma_sync(fragment<accumulator, 16, 16, 16, Acc> &d, const fragment<matrix_a, 16, 16, 16, T, LA> &a,
                                const fragment<matrix_b, 16, 16, 16, T, LB> &b, const fragment<accumulator, 16, 16, 16, Acc> &c) {
  const int l = warp_lane();
  Acc out[8];
  for (int i = 0; i < 8; ++i) out[i] = c.x[i];
  for (int k = 0; k < 16; ++k) {
    const Acc bv = __shfl(static_cast<Acc>(b.x[k / 2]), 16 * (k % 2) + l % 16, 32);
    for (int i = 0; i < 8; ++i) out[i] += __shfl(static_cast<Acc>(a.x[i]), 16 * (l / 16) + k, 32) * bv;
  }
  for (int i = 0; i < 8; ++i) d.x[i] = out[i];
}
}  // namespace xpile_wmma)";

// CUDA's __dp4a (four byte products added to an int) has no HIP 5.2 spelling; this helper keeps
// its exact semantics (the executors and nvcc agree on them) under a name of its own, so it never
// collides with a runtime that does declare __dp4a.
const char *kHipDp4a = R"(// CUDA __dp4a for HIP, emitted by xpile: c + the sum of the four byte-wise products of a and b.
__device__ inline int xpile_dp4a(int a, int b, int c) {
  for (int i = 0; i < 4; ++i) c += static_cast<signed char>(a >> (8 * i)) * static_cast<signed char>(b >> (8 * i));
  return c;
}
__device__ inline unsigned int xpile_dp4a(unsigned int a, unsigned int b, unsigned int c) {
  for (int i = 0; i < 4; ++i) c += ((a >> (8 * i)) & 0xffu) * ((b >> (8 * i)) & 0xffu);
  return c;
})";

// The program's wmma:: / nvcuda::wmma:: names become xpile_wmma:: (a namespace of its own, so it
// cannot collide with a runtime that declares nvcuda::wmma, as the executors' does).
std::string toXpileWmma(std::string s) {
  for (const std::string from : {"nvcuda::wmma::", "wmma::"}) {
    std::string out;
    for (size_t i = 0; i < s.size();) {
      bool boundary = i == 0 || !(std::isalnum(static_cast<unsigned char>(s[i - 1])) || s[i - 1] == '_' || s[i - 1] == ':');
      if (boundary && s.compare(i, from.size(), from) == 0) {
        out += "xpile_wmma::";
        i += from.size();
      } else {
        out += s[i++];
      }
    }
    s = out;
  }
  return s;
}

class WmmaRenamer : public IRMutator {
public:
  TypePtr retype(const TypePtr &t) {
    if (!t) return t;
    if (t->kind == Type::Kind::Named) {
      std::string n = toXpileWmma(t->name);
      if (n == t->name) return t;
      auto copy = std::make_shared<Type>(*t);
      copy->name = n;
      return copy;
    }
    TypePtr e = retype(t->element);
    if (e == t->element) return t;
    auto copy = std::make_shared<Type>(*t);
    copy->element = e;
    return copy;
  }

protected:
  ExprPtr visitCall(const Call &n, const ExprPtr &self) override {
    ExprPtr base = IRMutator::visitCall(n, self);
    std::string callee = toXpileWmma(n.callee);
    if (callee == n.callee) return base;
    auto copy = std::make_shared<Call>(*base->as<Call>());
    copy->callee = callee;
    for (auto &a : copy->templateArgs) a = toXpileWmma(a);
    return copy;
  }
  ExprPtr visitVar(const Var &n, const ExprPtr &self) override {
    std::string name = toXpileWmma(n.name);
    if (name == n.name) return self;
    auto copy = std::make_shared<Var>(n);
    copy->name = name;
    return copy;
  }
  StmtPtr visitDecl(const Decl &n, const StmtPtr &self) override {
    StmtPtr base = IRMutator::visitDecl(n, self);
    TypePtr t = retype(n.type);
    if (t == n.type) return base;
    auto copy = std::make_shared<Decl>(*base->as<Decl>());
    copy->type = t;
    return copy;
  }
  StmtPtr visitAlloc(const Alloc &n, const StmtPtr &self) override {
    StmtPtr base = IRMutator::visitAlloc(n, self);
    TypePtr t = retype(n.type);
    if (t == n.type) return base;
    auto copy = std::make_shared<Alloc>(*base->as<Alloc>());
    copy->type = t;
    return copy;
  }
};

class Dp4aRenamer : public IRMutator {
public:
  int renamed = 0;

protected:
  ExprPtr visitCall(const Call &n, const ExprPtr &self) override {
    ExprPtr base = IRMutator::visitCall(n, self);
    if (n.callee != "__dp4a") return base;
    auto copy = std::make_shared<Call>(*base->as<Call>());
    copy->callee = "xpile_dp4a";
    ++renamed;
    return copy;
  }
};

void emitOnce(Module &m, const char *text, const std::string &reason, const SourceLoc &loc) {
  for (const auto &item : m.items)
    if (auto *v = std::get_if<VerbatimDecl>(&item); v && v->text == text) return;
  VerbatimDecl impl;
  impl.text = text;
  impl.reason = reason;
  impl.loc = loc;
  m.items.insert(m.items.begin(), impl);  // before `using namespace nvcuda;` and every use
}

}  // namespace

bool mapMatrixCores(Module &m, const MatrixCoreOptions &o, PassContext &ctx) {
  ctx.params["mapMatrixCores"] = {{"target", dialectName(o.target)}, {"wmma_layout", "lane-cooperative, 8 per lane, width-32 shuffles"}};
  if (o.target != Dialect::CUDA && o.target != Dialect::HIP) {
    ctx.error({}, std::string("matrix-core mapping translates between cuda and hip, not to ") + dialectName(o.target));
    return false;
  }
  MatrixCoreFinder finder;
  for (const auto &item : m.items) {
    if (auto *f = std::get_if<Function>(&item)) {
      for (const auto &p : f->params) finder.type(p.type, f->loc);
      if (f->body) finder.visit(f->body);
    }
  }
  bool ok = true;
  if (o.target == Dialect::HIP) {
    for (const auto &u : finder.unsupported) {
      ctx.error(u.loc, "'" + u.name + "': only m16n16k16 f16->f32 and int8->int32 wmma fragments and fill/load/store/mma_sync are mapped to HIP");
      ok = false;
    }
    if (ok && !finder.wmma.empty()) {
      emitOnce(m, kHipWmma, "wmma implementation for HIP (matrix core mapping)", finder.wmma.front().loc);
      WmmaRenamer renamer;
      for (auto &item : m.items)
        if (auto *f = std::get_if<Function>(&item)) {
          *f = renamer.mutate(*f);
          f->returnType = renamer.retype(f->returnType);
          for (auto &p : f->params) p.type = renamer.retype(p.type);
        }
      ctx.stats["wmma_uses_mapped"] = ctx.stats.value("wmma_uses_mapped", 0) + static_cast<int>(finder.wmma.size());
    }
    Dp4aRenamer dp4a;
    for (auto &item : m.items)
      if (auto *f = std::get_if<Function>(&item)) *f = dp4a.mutate(*f);
    if (dp4a.renamed) {
      emitOnce(m, kHipDp4a, "__dp4a for HIP (matrix core mapping)", {});
      ctx.stats["dp4a_mapped"] = ctx.stats.value("dp4a_mapped", 0) + dp4a.renamed;
    }
  } else {
    for (const auto &u : finder.mfma) {
      ctx.error(u.loc, "'" + u.name + "' is a 64-lane matrix-core operation (operands and results spread over the whole "
                "wavefront): it needs 64-lane wavefronts, which CUDA's 32-lane warps cannot express");
      ok = false;
    }
    ctx.stats["mfma_uses_unmapped"] = ctx.stats.value("mfma_uses_unmapped", 0) + static_cast<int>(finder.mfma.size());
  }
  return ok;
}

}  // namespace xpile::passes
