// Cache: stage the reads of a buffer inside a loop through the target's fast memory. At the top of
// each iteration of the selected loop, the part of the buffer the iteration reads (its footprint)
// is copied into a tile, and the reads are rewritten to the tile:
//  - CPU (c, vnni): a local array, filled by a copy of the loops that span the footprint;
//  - CUDA/HIP: a __shared__ array, filled cooperatively by all threads of the block (element e by
//    thread e mod blockDim), with __syncthreads() after the fill and at the end of the iteration.
// The footprint is the box of the loops inside the iteration (and, on GPUs, the thread indices)
// that the subscript uses; their extents must be constants (thread extents come from the options,
// i.e. the launch's block size). Guards around the reads (if conditions, `c ? buf[i] : 0`) guard
// the copy too, so the tile never reads an element the original did not.
#pragma once

#include "passes/pass.h"

#include <string>
#include <vector>

namespace xpile::passes {

struct CacheOptions {
  std::string function;       // may be empty when loopVar starts with it
  std::string loopVar;        // the loop whose iterations load the tile ("k0", "i/j")
  std::string buffer;         // the buffer read ("A")
  std::string tileName;       // default: buffer + "_tile"
  std::vector<int> blockDim;  // CUDA/HIP: the block size {x, y, z} the kernel is launched with
};

// Records params {loop, buffer, tile (extents), scope ("local"/"shared"), block_dim} and stats
// {reads_cached, tile_bytes}.
bool cacheBuffer(ast::Module &m, const CacheOptions &o, PassContext &ctx);

}  // namespace xpile::passes
