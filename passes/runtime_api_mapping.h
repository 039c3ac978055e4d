// CUDA <-> HIP runtime API mapping: the names the shared AST keeps as names (runtime calls used as
// values, enumerators and macros such as cudaMemcpyHostToDevice, runtime types such as
// cudaStream_t, #include lines, and the identifiers of code carried verbatim, e.g. a CUDA_CHECK
// macro) are renamed through a table generated from the real CUDA and HIP headers
// (passes/data/cuda_hip_runtime.json, made by tools/gen/gen_cuda_hip_runtime.py). Host operations
// the model already structures (Launch, HostAlloc, HostCopy, HostSync) are printed per dialect by
// the printers and need no renaming; hipLaunchKernelGGL launches become <<<>>> for CUDA.
//
// A runtime name of the source dialect that the other dialect does not declare is an error naming
// it. Sets module.dialect = options.target.
#pragma once

#include "passes/pass.h"

#include <map>
#include <set>
#include <string>

namespace xpile::passes {

struct RuntimeApiMappingOptions {
  ast::Dialect target = ast::Dialect::HIP;  // CUDA->HIP or HIP->CUDA
};

bool mapRuntimeApi(ast::Module &m, const RuntimeApiMappingOptions &o, PassContext &ctx);

// The embedded table, for the pass and its tests.
struct RuntimeApiTable {
  struct Entry {
    std::string cuda, hip, kind;  // kind: function, type, enumerator, macro
  };
  std::vector<Entry> entries;
  std::map<std::string, std::string> cudaToHip, hipToCuda;
  std::map<std::string, std::string> includeCudaToHip, includeHipToCuda;
  std::set<std::string> cudaOnly, hipOnly;  // declared by one SDK only
};
const RuntimeApiTable &runtimeApiTable();

}  // namespace xpile::passes
