#include "backends/exec/runtime_headers.h"

#include <algorithm>

#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/SHA256.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace xpile::exec {

namespace {

std::string errnoText(const std::string &what, int err) { return what + ": " + std::strerror(err); }

bool isDirectory(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// Removes a directory of runtime headers (their subdirectories, such as hip/, included).
void removeRuntimeDirectory(const std::string &dir) {
  std::vector<std::string> subdirs;
  for (const RuntimeHeader &h : runtimeHeaders()) {
    ::unlink((dir + "/" + h.name).c_str());
    for (size_t slash = h.name.find('/'); slash != std::string::npos; slash = h.name.find('/', slash + 1))
      subdirs.push_back(dir + "/" + h.name.substr(0, slash));
  }
  std::sort(subdirs.begin(), subdirs.end(), [](const auto &a, const auto &b) { return a.size() > b.size(); });
  for (const std::string &d : subdirs) ::rmdir(d.c_str());
  ::rmdir(dir.c_str());
}

}  // namespace

const std::string &runtimeHeadersHash() {
  static const std::string hash = [] {
    llvm::SHA256 sha;
    for (const RuntimeHeader &h : runtimeHeaders()) {
      // Length-prefixed so that no two different sets of files hash the same bytes.
      std::string header = std::to_string(h.name.size()) + ":" + h.name + ":" + std::to_string(h.contents.size()) + ":";
      sha.update(header);
      sha.update(h.contents);
    }
    auto digest = sha.final();
    return llvm::toHex(llvm::ArrayRef<uint8_t>(digest.data(), digest.size()), /*LowerCase=*/true).substr(0, 16);
  }();
  return hash;
}

std::string cacheRoot() {
  auto env = [](const char *name) -> std::string {
    const char *v = std::getenv(name);
    return v && *v ? std::string(v) : std::string();
  };
  if (std::string d = env("XPILE_CACHE_DIR"); !d.empty()) return d;
  if (std::string d = env("XDG_CACHE_HOME"); !d.empty()) return d + "/xpile";
  if (std::string d = env("HOME"); !d.empty()) return d + "/.cache/xpile";
  return "/tmp/xpile-cache-" + std::to_string(::getuid());
}

bool makeDirectories(const std::string &dir, std::string *error) {
  if (dir.empty()) {
    if (error) *error = "empty directory name";
    return false;
  }
  if (isDirectory(dir)) return true;
  // Create each missing component in turn.
  for (size_t pos = 1; pos <= dir.size(); ++pos) {
    if (pos != dir.size() && dir[pos] != '/') continue;
    std::string prefix = dir.substr(0, pos);
    if (prefix.empty() || isDirectory(prefix)) continue;
    if (::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) {
      if (error) *error = errnoText("cannot create directory '" + prefix + "'", errno);
      return false;
    }
  }
  if (!isDirectory(dir)) {
    if (error) *error = "cannot create directory '" + dir + "'";
    return false;
  }
  return true;
}

bool writeFileAtomically(const std::string &path, const std::string &contents, std::string *error) {
  std::string tmp = path + ".tmp-XXXXXX";
  int fd = ::mkstemp(tmp.data());
  if (fd < 0) {
    if (error) *error = errnoText("cannot create a temporary file for '" + path + "'", errno);
    return false;
  }
  size_t done = 0;
  while (done < contents.size()) {
    ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      if (error) *error = errnoText("cannot write '" + path + "'", err);
      return false;
    }
    done += static_cast<size_t>(n);
  }
  ::fchmod(fd, 0644);
  if (::close(fd) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    if (error) *error = errnoText("cannot write '" + path + "'", err);
    return false;
  }
  return true;
}

std::string materializeRuntimeHeaders(const std::string &cacheRootDir, std::string *error) {
  std::string finalDir = cacheRootDir + "/runtime-" + runtimeHeadersHash();
  if (isDirectory(finalDir)) return finalDir;
  if (!makeDirectories(cacheRootDir, error)) return {};

  std::string tmp = cacheRootDir + "/.runtime-" + runtimeHeadersHash() + ".tmp-XXXXXX";
  if (!::mkdtemp(tmp.data())) {
    if (error) *error = errnoText("cannot create a temporary directory in '" + cacheRootDir + "'", errno);
    return {};
  }
  ::chmod(tmp.c_str(), 0755);
  for (const RuntimeHeader &h : runtimeHeaders()) {
    std::string path = tmp + "/" + h.name;
    if (size_t slash = h.name.rfind('/'); slash != std::string::npos && !makeDirectories(tmp + "/" + h.name.substr(0, slash), error)) {
      removeRuntimeDirectory(tmp);
      return {};
    }
    FILE *f = std::fopen(path.c_str(), "wb");
    bool ok = f && std::fwrite(h.contents.data(), 1, h.contents.size(), f) == h.contents.size();
    int err = errno;
    if (f && std::fclose(f) != 0) ok = false;
    if (!ok) {
      removeRuntimeDirectory(tmp);
      if (error) *error = errnoText("cannot write '" + path + "'", err);
      return {};
    }
  }
  if (::rename(tmp.c_str(), finalDir.c_str()) != 0) {
    int err = errno;
    removeRuntimeDirectory(tmp);
    // Another xpile process got there first: its directory is complete (it was renamed in whole).
    if (isDirectory(finalDir)) return finalDir;
    if (error) *error = errnoText("cannot create '" + finalDir + "'", err);
    return {};
  }
  return finalDir;
}

std::string writableCacheRoot(std::string *error) {
  std::string root = cacheRoot();
  std::string firstError;
  if (makeDirectories(root, &firstError)) return root;
  std::string fallback = "/tmp/xpile-cache-" + std::to_string(::getuid());
  if (fallback != root && makeDirectories(fallback, nullptr)) return fallback;
  if (error) *error = firstError;
  return {};
}

std::string materializeRuntimeHeaders() {
  std::string root = writableCacheRoot();
  return root.empty() ? std::string() : materializeRuntimeHeaders(root, nullptr);
}

}  // namespace xpile::exec
