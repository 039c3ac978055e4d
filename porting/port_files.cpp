#include "porting/port_files.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/SHA256.h>
#include <llvm/ADT/StringExtras.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace xpile::porting {

std::optional<std::string> readWholeFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

unsigned filePermissions(const std::string &path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

std::string writeFileAtomically(const std::string &path, const std::string &contents, unsigned mode) {
  llvm::SmallString<256> dir(path);
  llvm::sys::path::remove_filename(dir);
  if (dir.empty()) dir = ".";
  if (auto ec = llvm::sys::fs::create_directories(dir)) return "cannot create '" + std::string(dir) + "': " + ec.message();
  llvm::SmallString<256> model(dir);
  llvm::sys::path::append(model, "." + llvm::sys::path::filename(path) + ".xpile-tmp-%%%%%%");
  int fd = -1;
  llvm::SmallString<256> temp;
  if (auto ec = llvm::sys::fs::createUniqueFile(model, fd, temp)) return "cannot write '" + path + "': " + ec.message();
  std::string error;
  for (size_t done = 0; done < contents.size() && error.empty();) {
    ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno != EINTR) error = std::strerror(errno);
    if (n > 0) done += static_cast<size_t>(n);
  }
  if (error.empty() && mode && ::fchmod(fd, mode) != 0) error = std::strerror(errno);
  if (error.empty() && ::fsync(fd) != 0) error = std::strerror(errno);  // the data is on disk before the rename
  ::close(fd);
  if (error.empty()) {
    if (auto ec = llvm::sys::fs::rename(temp, path)) error = ec.message();
  }
  if (!error.empty()) {
    llvm::sys::fs::remove(temp);
    return "cannot write '" + path + "': " + error;
  }
  // The rename is durable once the directory entry is.
  int dirFd = ::open(std::string(dir).c_str(), O_RDONLY | O_DIRECTORY);
  if (dirFd >= 0) {
    ::fsync(dirFd);
    ::close(dirFd);
  }
  return "";
}

std::string backupPathFor(const std::string &root, const std::string &relativePath) {
  llvm::SmallString<256> p(root);
  llvm::sys::path::append(p, kBackupDirName, relativePath);
  return std::string(p);
}

std::string sha256Hex(const std::string &data) {
  llvm::SHA256 sha;
  sha.update(llvm::StringRef(data));
  auto digest = sha.final();
  return llvm::toHex(llvm::ArrayRef<uint8_t>(digest.data(), digest.size()), /*LowerCase=*/true);
}

}  // namespace xpile::porting
