#include "tools/xpile/unified_diff.h"

#include "tools/xpile/work_dir.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/Program.h>
#include <llvm/Support/raw_ostream.h>

namespace xpile::tools {

namespace {

bool writeFile(const std::string &path, const std::string &text) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec) return false;
  os << text;
  return !os.has_error();
}

}  // namespace

std::optional<std::string> unifiedDiff(const std::string &oldLabel, const std::string &oldText,
                                       const std::string &newLabel, const std::string &newText, std::string &error) {
  auto diff = llvm::sys::findProgramByName("diff");
  if (!diff) {
    error = "cannot print a diff: the 'diff' program (GNU diffutils) is not on PATH";
    return std::nullopt;
  }
  WorkDir work;
  std::string oldPath = work.path() + "/old", newPath = work.path() + "/new", outPath = work.path() + "/diff";
  if (work.path().empty() || !writeFile(oldPath, oldText) || !writeFile(newPath, newText)) {
    error = "cannot print a diff: cannot write temporary files";
    return std::nullopt;
  }
  llvm::StringRef args[] = {*diff, "-u", "--label", oldLabel, "--label", newLabel, oldPath, newPath};
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, llvm::StringRef(outPath), std::nullopt};
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(*diff, args, std::nullopt, redirects, 0, 0, &message);
  if (rc != 0 && rc != 1) {  // diff: 0 equal, 1 different, 2 trouble
    error = "cannot print a diff: diff failed" + (message.empty() ? "" : ": " + message);
    return std::nullopt;
  }
  auto buffer = llvm::MemoryBuffer::getFile(outPath);
  if (!buffer) {
    error = "cannot print a diff: cannot read diff's output";
    return std::nullopt;
  }
  return (*buffer)->getBuffer().str();
}

}  // namespace xpile::tools
