// Kernels that need more than renaming (warp-size hazards, warp intrinsics with 32-bit masks,
// matrix cores) are rewritten through the direct CUDA -> HIP pass route on the shared AST and
// printed with the HIP printer; the rewriter splices each printed kernel over its source range.
#pragma once

#include "frontends/frontend.h"

#include <map>
#include <string>
#include <vector>

namespace xpile::porting {

struct PipelineKernel {
  std::string name;
  std::string hipText;  // the kernel as the HIP printer prints it after the pipeline
  bool verified = false;
  std::string why;      // verification verdict, or why it could not run
};

struct PipelineKernels {
  bool lowered = false;
  std::string error;  // not lowered, or the pipeline failed: why
  std::vector<PipelineKernel> changed;  // only the kernels the pipeline changed beyond renaming
};

// Lowers `source` (the file `path`), runs the direct CUDA -> HIP route, and returns each kernel
// among `kernels` whose HIP text differs from its runtime-renamed form. Verification runs the
// whole program (before against after) when the file has a main().
PipelineKernels rewriteKernelsThroughPipeline(const std::string &path, const std::string &source,
                                              const frontends::ParseOptions &parse,
                                              const std::vector<std::string> &kernels);

}  // namespace xpile::porting
