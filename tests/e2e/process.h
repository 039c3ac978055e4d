// Running external programs from tests (the xpile binary, nvcc, hipcc, g++): exit status and both
// output streams, through the shell so tests read like the commands a user types.
#pragma once

#include <string>

namespace xpile::test {

struct ProcessResult {
  int exitCode = -1;
  std::string out, err;
};

ProcessResult run(const std::string &command);
bool haveProgram(const std::string &name);  // on PATH or an absolute path that exists
std::string shellQuote(const std::string &s);
std::string makeTempDir();  // a fresh directory under the system temp dir
std::string readFile(const std::string &path);
void writeFile(const std::string &path, const std::string &contents);

}  // namespace xpile::test
