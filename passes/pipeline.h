// Pipeline: double-buffer the tiles a loop stages, so the load of tile k+1 overlaps the compute on
// tile k. The loop body must have the shape cache produces (or a hand-written tiled kernel has):
// a stage part that only fills the tiles, then (GPU) __syncthreads(), the compute part that reads
// them, and (GPU) a closing __syncthreads(). It becomes
//
//     T tile[2][...];
//     if (start < end) { stage(start) -> tile[0] }
//     __syncthreads();
//     for (k = start; k < end; k += step) {
//       const int stage = (k - start) / step % 2;
//       if (k + step < end) { stage(k + step) -> tile[1 - stage] }
//       compute -> tile[stage]
//       __syncthreads();
//     }
//
// One barrier per iteration suffices: the buffer filled in iteration t was last read in t-1,
// which the previous barrier closed, and is read in t+1, after this one. On CPUs (local tiles) the
// same shape without barriers. Legal when the stage part writes nothing but the tiles (and its own
// locals) and reads nothing the compute part writes (it now runs one iteration earlier).
#pragma once

#include "passes/pass.h"

#include <string>
#include <vector>

namespace xpile::passes {

struct PipelineLoopOptions {
  std::string function;              // may be empty when loopVar starts with it
  std::string loopVar;               // the loop over tiles: "k0"
  std::vector<std::string> buffers;  // the staged tiles: {"As", "Bs"}
  int depth = 2;                     // buffers in flight (double buffering; the only depth supported)
};

// Records params {loop, buffers, depth} and stats {tiles_double_buffered, barriers_removed}.
bool pipelineLoop(ast::Module &m, const PipelineLoopOptions &o, PassContext &ctx);

}  // namespace xpile::passes
