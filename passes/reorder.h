// Reorder: permute the loops of a perfect nest (each loop's body is exactly the next loop), e.g.
// gemm's i/j nest to j/i. Legal when the nest is rectangular (no bound uses another loop of the
// nest) and no pair of accesses to one array, at least one a write, changes order: for every two
// iteration vectors I1 before I2 in the old order with I2 before I1 in the new one, Z3 must prove
// that the accesses touch different elements. Scalars declared outside the nest and written inside
// it (reductions) are refused, since their updates would happen in a different order.
#pragma once

#include "passes/pass.h"

#include <string>
#include <vector>

namespace xpile::passes {

struct ReorderOptions {
  std::string function;            // "gemm_f32"; may be empty when loopVar starts with it
  std::string loopVar;             // the outermost loop of the nest: "i", "n/k"
  std::vector<std::string> order;  // the nest's loop variables in the new order, outermost first
};

// Records params {loop, order} and stats {loops_reordered}.
bool reorderLoops(ast::Module &m, const ReorderOptions &o, PassContext &ctx);

}  // namespace xpile::passes
