// A private temporary directory for one command's runs, removed when the command ends.
#pragma once

#include <llvm/Support/FileSystem.h>
#include <string>

namespace xpile::tools {

class WorkDir {
public:
  WorkDir() {
    llvm::SmallString<128> dir;
    if (!llvm::sys::fs::createUniqueDirectory("xpile-run", dir)) path_ = std::string(dir.str());
  }
  ~WorkDir() {
    if (!path_.empty() && !std::getenv("XPILE_KEEP_WORK_DIR")) llvm::sys::fs::remove_directories(path_);
  }
  WorkDir(const WorkDir &) = delete;
  WorkDir &operator=(const WorkDir &) = delete;
  const std::string &path() const { return path_; }

private:
  std::string path_;
};

}  // namespace xpile::tools
