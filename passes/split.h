// Split: one loop becomes an outer loop over tiles and an inner loop over the elements of a tile,
//
//     for (i = s; i < e; ++i) B      ==>   for (i_outer = 0; i_outer < (e - s + F - 1) / F; ++i_outer)
//                                            for (i_inner = 0; i_inner < F; ++i_inner) {
//                                              const int i = s + i_outer * F + i_inner;
//                                              if (i < e) B      // only when F may not divide e - s
//                                            }
//
// or, with guardTail = false, a main nest over the whole tiles and a remainder loop for the rest.
// The index mapping is proven exact with Z3 (every i of [s, e) exactly once) before the module
// changes. The iteration order is unchanged, so the split is always legal for a canonical loop.
#pragma once

#include "passes/pass.h"

namespace xpile::passes {

struct SplitOptions {
  std::string function;  // "gemm_f32"; may be empty when loopVar starts with the function
  std::string loopVar;   // selector: "i", "i/j", "r/c#2", or "gemm_f32/i/j"
  int factor = 32;       // tile size (the inner loop's trip count)
  bool guardTail = true; // true: guard in the inner loop; false: remainder loop after the tiles
};

// Splits the selected loop (step 1, '<' or '<=' bound that the body does not change). Records
// params {loop, factor, guard_tail} and stats {loops_split, guarded, remainder_loop}.
bool splitLoop(ast::Module &m, const SplitOptions &o, PassContext &ctx);

}  // namespace xpile::passes
