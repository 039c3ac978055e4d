// Tensorize (C -> VNNI): loops become AVX-512 where the rewrite is provably equivalent.
//
// f32 element-wise loops over unit-stride arrays. A canonical innermost loop
// `for (i = s; i < e; ++i)` whose body only stores `y[i] = f(...)` (or `y[i] op= ...`), where f
// is built from loads `x[i]` of f32 pointers, loop-invariant f32/integer scalars, + - * /,
// fmaf, sqrtf, fabsf and the x86-exact max/min selects `a > b ? a : b` / `a < b ? a : b`,
// becomes one loop over 16-lane vectors with a lane mask on every step (so the tail needs no
// scalar loop and nothing past `e` is read or written). Every operation is the same IEEE
// operation per lane, so results are bit-identical. When the pointers written and read are not
// `restrict` the vector loop runs only if the ranges do not overlap (checked at run time); the
// original loop is kept for the other case.
//
// int8 dot products (TensorizeOptions::useDpbusd, tensorize_dpbusd.cpp): sums of products of an
// unsigned and a signed byte, `(int32_t)u8 * (int32_t)s8` (either order, casts optional), into a
// 32-bit integer become _mm512_dpbusd_epi32. Integer sums wrap modulo 2^32 in any order, so the
// results are bit-identical. Two shapes:
//  - the GEMM, rewritten at its column loop j, the loop whose body is
//    `{ int32_t acc = c; for (k..) acc += A[..k] * B[..k..j]; C[..j] = acc; }` (or
//    `for (k..) C[..j] += ...`): 64 columns per step in four accumulators, k in groups of four;
//    the 4 bytes A[k..k+3] are broadcast to every 32-bit lane and the 4 rows B[k+t][j..j+63]
//    interleaved (unpack epi8/epi16) so that lane c holds B[k..k+3][c]; a 4x4 transpose of
//    128-bit blocks (shuffle_i32x4) puts the columns back in order for the masked stores. Tails:
//    rows past the end of k are zero vectors (never loaded), column tails are lane masks. Needs
//    A contiguous in k and the same for every j, B contiguous in j (any row stride), C contiguous
//    in j; an overlap check as above unless the pointers are `restrict`.
//  - the dot product, rewritten at an innermost loop k with both operands contiguous in k:
//    64 bytes per step (masked), one vector accumulator, `acc += _mm512_reduce_add_epi32(v)`.
// Indices are proven affine in the loop variables (in signed or 64-bit arithmetic) with those
// strides. Not rewritten: OpenMP loops carrying the sum, the inner loops of an OpenMP collapse.
//
// Not done (recorded as loops left scalar, with the reason in ctx.stats["scalar_loops"]): f32
// reductions (need TensorizeOptions::allowReassociation, not implemented yet), strided or
// indirect accesses, anything else. Refused int8 candidates are recorded too, at the loop the
// rewrite would have replaced.
// Sets module.dialect = VNNI when at least one loop was vectorized (the VNNI printer adds
// <immintrin.h>). Params: vector_width, use_dpbusd, allow_reassociation. Stats: loops_vectorized,
// vectorized_loops (with their kind), scalar_loops (with the reason).
#pragma once

#include "ast/module.h"
#include "passes/pass.h"

namespace xpile::passes {

struct TensorizeOptions {
  int vectorWidth = 16;  // f32 lanes per vector: 16 (AVX-512) is the only width implemented
  bool useDpbusd = true;  // int8 u8 x s8 sums into int32 -> _mm512_dpbusd_epi32
  bool allowReassociation = false;  // f32 sum/max reductions (change the last bits); not implemented yet
};

bool tensorize(ast::Module &m, const TensorizeOptions &o, PassContext &ctx);

}  // namespace xpile::passes
