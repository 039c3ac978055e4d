// The CUDA -> HIP name tables the rewriter applies: the runtime table of the passes
// (passes/data/cuda_hip_runtime.json) and the library tables (porting/data/<library>.json, made
// by tools/gen/gen_cuda_hip_libraries.py), merged into one lookup by CUDA name.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace xpile::porting {

struct MappedName {
  std::string to;       // the HIP/ROCm name
  std::string library;  // "runtime", "cublas", "curand", "cufft", "cusparse", "cudnn", "cub", "thrust"
  std::string kind;     // "function", "type", "enumerator", "macro", "variable"
};

struct UnmappedName {
  std::string library;
  std::string why;  // why there is no exact equivalent
};

struct LibraryTable {
  std::string library, rocmLibrary;
  bool hipChecked = false;      // the HIP side was checked against packaged headers
  std::string hipNotCheckable;  // why not, when it was not
  std::vector<MappedName> entries;
  std::vector<std::string> cudaNames;  // entries' CUDA names, same order
};

struct PortingTables {
  std::map<std::string, MappedName> names;           // CUDA name -> HIP name (runtime + libraries)
  std::map<std::string, UnmappedName> noEquivalent;  // CUDA names known to have no exact HIP counterpart
  std::map<std::string, std::pair<std::string, std::string>> includes;  // header -> (HIP header, library)
  // Qualified namespaces renamed as a whole: "cub" -> "hipcub", "thrust::cuda" -> "thrust::hip".
  std::map<std::string, std::pair<std::string, std::string>> namespaces;  // -> (HIP name, library)
  std::vector<LibraryTable> libraries;

  // The library a CUDA name belongs to by its prefix ("cublasFoo" -> "cublas"), "" when none.
  std::string libraryOf(const std::string &cudaName) const;
};

const PortingTables &portingTables();

}  // namespace xpile::porting
