// What a target platform allows, for the checks that ask "does this still fit after the move?":
// warp (wavefront) width, on-chip memory capacities. One row per dialect, the same numbers the
// executors enforce (backends/*/runtime, frontends/prelude/bang/__xpile_bang_config.h).
#pragma once

#include "ast/module.h"

#include <cstdint>
#include <string>

namespace xpile::checks {

struct TargetLimits {
  ast::Dialect dialect = ast::Dialect::HIP;
  std::string architecture;          // what the numbers describe: "sm_90", "gfx90a", "MLU370"
  int warpSize = 0;                  // 0: no SIMT warps (BANG, C, VNNI)
  uint64_t staticSharedBytes = 0;    // static __shared__ per block; 0: no shared memory
  uint64_t optInSharedBytes = 0;     // dynamic shared memory a kernel may opt into
  uint64_t nramBytes = 0;            // BANG: NRAM per core
};

TargetLimits targetLimits(ast::Dialect dialect);

// The dialect `xpile check` compares against when --to is not given: CUDA moves to HIP, HIP to
// CUDA; other dialects are checked against their own platform.
ast::Dialect defaultTarget(ast::Dialect source);

}  // namespace xpile::checks
