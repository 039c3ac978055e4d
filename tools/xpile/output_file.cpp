#include "tools/xpile/output_file.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/raw_ostream.h>

namespace xpile::tools {

bool writeOutput(const std::string &path, const std::string &contents, const std::string &inputPath) {
  if (path.empty() || path == "-") {
    llvm::outs() << contents;
    llvm::outs().flush();
    return true;
  }
  if (!inputPath.empty() && llvm::sys::fs::equivalent(path, inputPath)) {
    llvm::errs() << "xpile: error: refusing to overwrite the input file '" << inputPath
                 << "'; write the translation to another path\n";
    return false;
  }
  llvm::SmallString<256> dir(path);
  llvm::sys::path::remove_filename(dir);
  if (dir.empty()) dir = ".";
  llvm::SmallString<256> tempModel(dir);
  llvm::sys::path::append(tempModel, llvm::sys::path::filename(path) + ".xpile-tmp-%%%%%%");
  int fd = -1;
  llvm::SmallString<256> tempPath;
  if (auto ec = llvm::sys::fs::createUniqueFile(tempModel, fd, tempPath)) {
    llvm::errs() << "xpile: error: cannot write '" << path << "': " << ec.message() << "\n";
    return false;
  }
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << contents;
    os.flush();
    if (os.has_error()) {
      llvm::errs() << "xpile: error: cannot write '" << path << "': " << os.error().message() << "\n";
      os.clear_error();
      llvm::sys::fs::remove(tempPath);
      return false;
    }
  }
  if (auto ec = llvm::sys::fs::rename(tempPath, path)) {
    llvm::errs() << "xpile: error: cannot write '" << path << "': " << ec.message() << "\n";
    llvm::sys::fs::remove(tempPath);
    return false;
  }
  return true;
}

}  // namespace xpile::tools
