// The prelude headers compiled into the binary (by cmake/embed_files.cmake).
#pragma once

#include <string>
#include <vector>

namespace xpile::frontends {

struct PreludeFile {
  std::string path;      // relative to frontends/prelude/, e.g. "cuda/cuda_runtime.h"
  std::string contents;
};

const std::vector<PreludeFile> &preludeFiles();

}  // namespace xpile::frontends
