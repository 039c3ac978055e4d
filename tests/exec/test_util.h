// Helpers shared by the exec tests: a fresh temporary directory per test.
#pragma once

#include <string>
#include <vector>

namespace xpile::exec::test {

// A directory under /tmp, removed (with everything in it) on destruction.
class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;
  const std::string &path() const { return path_; }
  std::string file(const std::string &name) const { return path_ + "/" + name; }

private:
  std::string path_;
};

// The compile cache shared by the tests of one exec_test process (so programs compile once).
const std::string &sharedCacheDir();

std::string readText(const std::string &path);
void writeText(const std::string &path, const std::string &text);

}  // namespace xpile::exec::test
