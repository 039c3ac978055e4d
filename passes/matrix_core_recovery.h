// Matrix-core collectives for loop recovery: what a warp computes together in one `nvcuda::wmma`
// operation or one `__builtin_amdgcn_mfma_*` builtin, written as scalar loops over the tile with
// exactly the executors' semantics (backends/cuda/runtime/xpile_cuda.h, wmma section;
// backends/hip/runtime/xpile_hip.h, CDNA2 matrix-core section).
//
// wmma: a fragment becomes per-warp storage `T frag[warps][...][elements]` (the tile row-major, as
// the executor keeps it). Element e belongs to lane e % W of the warp: fill, load, store and
// element-wise `frag.x[i]` touch only the calling lane's elements, so they stay inside a thread
// loop; mma_sync reads every lane's elements, so it is a phase of its own, each lane computing its
// elements of D = A*B + C (products and sums in float, or int32 for 8-bit inputs, k = 0..K-1, then
// C added, as the executor does).
//
// mfma: each lane's A and B operand items (and its own C) are stored in per-thread lane arrays in
// one phase; in the next, each lane computes its results from the warp's lanes with the gfx90a
// register layouts (acc = c, then acc += A[row][k] * B[k][col] for k = 0..K-1).
#pragma once

#include "ast/module.h"

#include <functional>
#include <optional>
#include <string>

namespace xpile::passes::matrix_recovery {

// ---- wmma ----------------------------------------------------------------------------------------

enum class FragmentUse { MatrixA, MatrixB, Accumulator };

struct FragmentShape {
  FragmentUse use = FragmentUse::Accumulator;
  int m = 0, n = 0, k = 0;
  ast::ScalarType storage = ast::ScalarType::F32;  // what one element holds (tf32: f32)
  bool tf32 = false;
  bool colMajor = false;  // operand fragments: the layout in the type
  int rows() const { return use == FragmentUse::MatrixB ? k : m; }
  int cols() const { return use == FragmentUse::MatrixA ? k : n; }
  int elements() const { return rows() * cols(); }
};

// The fragment type inside `t` (a fragment, or an array of fragments), or null.
const ast::Type *fragmentType(const ast::TypePtr &t);
// `wmma::fragment<Use, M, N, K, T[, Layout]>` as Clang spells it; M, N, K are integer literals or
// constants of the module. Empty with `why` set when the spelling is not a supported fragment.
std::optional<FragmentShape> fragmentShape(const std::string &spelling, const ast::Module &m, std::string &why);

enum class WmmaOp { None, Fill, Load, Store, Mma, Unsupported };
WmmaOp wmmaOp(const std::string &callee);

// ---- mfma ----------------------------------------------------------------------------------------

struct MfmaForm {
  const char *name;
  int m, k, perLane, results;  // tile M = N, K, operand items per lane (KL), results per lane
  enum class Operand { HalfVector, Bf16BitsVector, Float, PackedI8 } operand;
  bool integer;  // int32 accumulation
};
// The six builtins the HIP executor implements; null for any other name.
const MfmaForm *mfmaForm(const std::string &callee);
bool isMfmaName(const std::string &callee);

// ---- builders ------------------------------------------------------------------------------------

// The thread loop the built code runs in.
struct LaneFrame {
  std::string tid, lane, threads;
  int warpSize = 32;
  std::function<std::string(const std::string &)> fresh;  // a new unique local name
};

// Element `e` of this warp's copy of the fragment named by `ref` (`frag` or `frags[i]...`), whose
// per-warp storage is `name[warp][i...][e]`. Null when `ref` does not name a fragment variable.
ast::ExprPtr fragmentElement(const ast::ExprPtr &ref, const ast::ExprPtr &e, const LaneFrame &f);

// fill_fragment / load_matrix_sync / store_matrix_sync on the calling lane's elements; mma_sync on
// the calling lane's elements of D. `shape(ref)` gives a fragment argument's shape. Null with `why`
// set when the call cannot be lowered.
ast::StmtPtr lowerWmmaCall(const ast::Call &c, WmmaOp op,
                           const std::function<std::optional<FragmentShape>(const ast::ExprPtr &)> &shape,
                           const LaneFrame &f, std::string &why);

// Phase A of an mfma: this lane's operand items go to `aLanes[tid][i]`, `bLanes[tid][i]` (zero
// when it does not take part, as the executor's gather gives) and its C to `cLanes[tid][i]`.
ast::StmtPtr mfmaStoreOperands(const MfmaForm &form, const ast::Call &c, const ast::ExprPtr &takesPart,
                               const std::string &aLanes, const std::string &bLanes, const std::string &cLanes,
                               const LaneFrame &f);
// Phase B: this lane's results, element i stored to `target[i]`.
ast::StmtPtr mfmaCompute(const MfmaForm &form, const ast::ExprPtr &target, const std::string &aLanes,
                         const std::string &bLanes, const std::string &cLanes, const LaneFrame &f);
// The accumulation type of a form (f32 or i32).
ast::TypePtr mfmaAccType(const MfmaForm &form);

}  // namespace xpile::passes::matrix_recovery
