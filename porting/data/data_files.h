// The porting data tables (porting/data/*.json) compiled into the binary by cmake/embed_files.cmake.
#pragma once

#include <string>
#include <vector>

namespace xpile::porting::data {

struct DataFile {
  std::string name;  // file name in porting/data/, e.g. "cublas_hipblas.json"
  std::string contents;
};

const std::vector<DataFile> &dataFiles();

}  // namespace xpile::porting::data
