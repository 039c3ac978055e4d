// Build files of a CUDA project rewritten for HIP, token by token so that everything not about
// CUDA stays byte for byte: CMake (through its command-invocation grammar) and Makefiles (variable
// assignments, rule lines and recipes, word by word).
#pragma once

#include "porting/hip_rewrite.h"
#include "porting/port_text_edits.h"

#include <set>
#include <string>
#include <vector>

namespace xpile::porting {

enum class BuildFileKind { None, CMake, Makefile };

// CMakeLists.txt and *.cmake; Makefile, makefile, GNUmakefile, *.mk, *.mak.
BuildFileKind buildFileKind(const std::string &path);

struct BuildFileOptions {
  std::string offloadArch = "gfx90a";  // replaces every sm_XX / CUDA_ARCHITECTURES value
  bool renameCudaSources = true;       // `x.cu` -> `x.hip` (what `xpile port` does to the files)
  // CUDA libraries the whole project links (cudart, cublas, curand, ...): a
  // find_package(CUDAToolkit) becomes find_package of each HIP package they need.
  std::set<std::string> projectLibraries;
};

struct BuildFileRewrite {
  std::vector<TextEdit> edits;
  std::vector<ConvertedReference> converted;  // library "cmake" or "make"
  std::vector<Diagnostic> diagnostics;
  std::vector<KeptSpan> kept;
  bool parsed = true;  // false: the file does not follow the grammar; `diagnostics` says where
};

BuildFileRewrite rewriteCMake(const std::string &path, const std::string &text, const BuildFileOptions &options);
BuildFileRewrite rewriteMakefile(const std::string &path, const std::string &text, const BuildFileOptions &options);

// The CUDA libraries a build file links (`CUDA::cublas`, `-lcurand`, ...), by short name
// ("cudart", "cublas", "curand", "cufft", "cusparse", "cusolver").
std::set<std::string> cudaLibrariesReferenced(BuildFileKind kind, const std::string &text);

}  // namespace xpile::porting
