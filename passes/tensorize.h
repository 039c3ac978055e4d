// Tensorize (C -> VNNI): innermost loops become AVX-512 where the rewrite is provably equivalent.
//
// Done now: f32 element-wise loops over unit-stride arrays. A canonical innermost loop
// `for (i = s; i < e; ++i)` whose body only stores `y[i] = f(...)` (or `y[i] op= ...`), where f
// is built from loads `x[i]` of f32 pointers, loop-invariant f32/integer scalars, + - * /,
// fmaf, sqrtf, fabsf and the x86-exact max/min selects `a > b ? a : b` / `a < b ? a : b`,
// becomes one loop over 16-lane vectors with a lane mask on every step (so the tail needs no
// scalar loop and nothing past `e` is read or written). Every operation is the same IEEE
// operation per lane, so results are bit-identical. When the pointers written and read are not
// `restrict` the vector loop runs only if the ranges do not overlap (checked at run time); the
// original loop is kept for the other case.
// Not done (recorded as loops left scalar, with the reason in ctx.stats["scalar_loops"]):
// reductions (need TensorizeOptions::allowReassociation, not implemented yet), int8 dot products
// (_mm512_dpbusd_epi32), strided or indirect accesses, anything else.
// Sets module.dialect = VNNI when at least one loop was vectorized (the VNNI printer adds
// <immintrin.h>). Params: vector_width, use_dpbusd, allow_reassociation.
#pragma once

#include "ast/module.h"
#include "passes/pass.h"

namespace xpile::passes {

struct TensorizeOptions {
  int vectorWidth = 16;  // f32 lanes per vector: 16 (AVX-512) is the only width implemented
  bool useDpbusd = true;
  bool allowReassociation = false;  // f32 sum/max reductions (change the last bits); not implemented yet
};

bool tensorize(ast::Module &m, const TensorizeOptions &o, PassContext &ctx);

}  // namespace xpile::passes
