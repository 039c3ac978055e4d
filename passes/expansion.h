// Expansion (loop fission): the body of one loop is cut into parts and each part gets its own copy
// of the loop, in order. Legal when no dependence goes backwards between parts: a part may not use
// a local or scalar another part writes (that would need scalar expansion into an array), and for
// arrays Z3 must prove that no element an earlier part touches at iteration i1 is touched by a later
// part at an earlier iteration i2 < i1 (one of the two accesses writing).
#pragma once

#include "passes/pass.h"

#include <string>
#include <vector>

namespace xpile::passes {

struct ExpansionOptions {
  std::string function;          // "flash_attention_f32"; may be empty when loopVar starts with it
  std::string loopVar;           // "bh/i/j#1"
  std::vector<int> splitBefore;  // body statement indices where a new loop starts; empty: before
                                 // every statement that does not use a local of the ones before
};

// Records params {loop, split_before} and stats {loops_created}.
bool expandLoop(ast::Module &m, const ExpansionOptions &o, PassContext &ctx);

}  // namespace xpile::passes
