// Fuse, in two forms:
//  - two sibling loops with the same range become one loop running both bodies per iteration
//    (statements between them that do not interact with the first loop move above it). Legal when
//    no value flows backwards: a scalar written by one loop and used by the other is refused (a
//    partial maximum or sum would be seen), and for arrays Z3 must prove that no element touched by
//    the first loop at iteration i1 is touched by the second at an earlier iteration i2 < i1.
//  - collapse: a loop and the loop perfectly nested in it become one loop over the product of the
//    two ranges (the order of iterations is unchanged, so it is always legal for a rectangular nest):
//        for (i_j = 0; i_j < TI * TJ; ++i_j) { const int i = si + i_j / TJ; const int j = sj + i_j % TJ; ... }
#pragma once

#include "passes/pass.h"

#include <string>

namespace xpile::passes {

struct FuseOptions {
  std::string function;    // "softmax_f32"; may be empty when the selectors start with it
  std::string loopVar;     // the first loop: "r/c#1"
  std::string secondLoop;  // the sibling loop after it: "r/c#2"; empty: collapse with the loop nested in loopVar
};

// Records params {loop, second | collapse} and stats {loops_fused, statements_hoisted}.
bool fuseLoops(ast::Module &m, const FuseOptions &o, PassContext &ctx);

}  // namespace xpile::passes
