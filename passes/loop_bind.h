// Loop bind: sequential C loops become parallel code.
//
// Target VNNI (OpenMP): the outermost parallel loop of each nest (For::independent, or proven by
// dependence_analysis) becomes `#pragma omp parallel for schedule(...)`; inner loops stay serial,
// so parallel regions never nest.
//
// Target CUDA/HIP: every non-static host function with a body (an entry: host pointers and sizes
// in) keeps its exact signature and becomes host code. Each maximal parallel loop nest is outlined
// into a __global__ kernel: the innermost loops of the perfectly nested parallel band (up to
// maxBoundLoops, innermost on x so consecutive threads touch consecutive elements) are bound to
// the grid with explicit index arithmetic and a bounds guard; outer loops of the band and every
// loop inside stay sequential in each thread (reductions included). The host allocates device
// buffers for the pointer parameters the kernels touch (sizes from buffer_extent), copies in the
// buffers the kernels read (and those written only partially or in a pattern the analysis cannot
// show to be dense), launches with the grid computed from the loop extents, copies written buffers
// back and frees. Sequential parts stay on the host in order (reported in ctx.stats); when host
// code also touches a buffer the kernels use, copies surround every launch instead.
// Scalars defined before a nest are passed by value; user functions called from kernels become
// __host__ __device__.
#pragma once

#include "passes/pass.h"

#include <map>
#include <string>

namespace xpile::passes {

struct LoopBindOptions {
  ast::Dialect target = ast::Dialect::CUDA;  // CUDA, HIP (GPU kernels + host code) or VNNI (OpenMP)
  int blockSize = 256;                        // threads per block for a 1-D binding
  int blockX = 32, blockY = 8;                // block shape for a 2-D (or 3-D, z = 1) binding
  // How many loops of a perfectly nested parallel band are bound to grid axes (1..3): the
  // innermost on x, the next on y, then z; the band's outer loops run sequentially in each thread.
  int maxBoundLoops = 2;
  // VNNI: the OpenMP schedule clause ("static", "dynamic", "guided"; empty for none).
  std::string ompSchedule = "static";
  // Element counts the user gives for buffer parameters (function -> parameter -> count over the
  // function's scalar parameters), used where the analysis cannot size a buffer (data-dependent or
  // gathered indices): the OpenMP `map(to: x[0:n])` contract. The executors' bounds checks catch a
  // count that is too small when the translation is verified.
  std::map<std::string, std::map<std::string, ast::ExprPtr>> givenExtents;
};

// Returns false (with errors in ctx) when the module is not plain C, the target is not CUDA, HIP or
// VNNI, or a buffer a kernel needs cannot be sized ("cannot determine how many elements of 'x' are
// accessed"). The module is unchanged when it returns false.
bool bindLoops(ast::Module &m, const LoopBindOptions &o, PassContext &ctx);

}  // namespace xpile::passes
