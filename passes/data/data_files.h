// The pass data tables (passes/data/*.json) compiled into the binary by cmake/embed_files.cmake.
#pragma once

#include <string>
#include <vector>

namespace xpile::passes::data {

struct DataFile {
  std::string name;  // file name in passes/data/, e.g. "cuda_hip_runtime.json"
  std::string contents;
};

const std::vector<DataFile> &dataFiles();

}  // namespace xpile::passes::data
