#include "passes/matrix_core_mapping.h"

#include "ast/visitor.h"

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
const char *kHipWmma = R"(// nvcuda::wmma for HIP, emitted by xpile: m16n16k16 fragments of a 32-lane warp, 8 elements per
// lane (element i of lane l is the tile's row-major element l + 32 i); mma_sync exchanges
// operands with width-32 shuffles, so each half of a 64-lane wavefront is one CUDA warp.
namespace nvcuda {
namespace wmma {
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
}  // namespace wmma
}  // namespace nvcuda)";

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
      bool emitted = false;
      for (const auto &item : m.items)
        if (auto *v = std::get_if<VerbatimDecl>(&item)) emitted |= v->text == kHipWmma;
      if (!emitted) {
        VerbatimDecl impl;
        impl.text = kHipWmma;
        impl.reason = "wmma implementation for HIP (matrix core mapping)";
        impl.loc = finder.wmma.front().loc;
        auto at = m.items.begin();
        while (at != m.items.end() && !std::holds_alternative<Function>(*at)) ++at;
        m.items.insert(at, impl);
      }
      ctx.stats["wmma_uses_mapped"] = ctx.stats.value("wmma_uses_mapped", 0) + static_cast<int>(finder.wmma.size());
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
