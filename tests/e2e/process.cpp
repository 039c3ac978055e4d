#include "tests/e2e/process.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace xpile::test {

std::string shellQuote(const std::string &s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string makeTempDir() {
  std::string model = (std::filesystem::temp_directory_path() / "xpile-test-XXXXXX").string();
  if (!mkdtemp(model.data())) throw std::runtime_error("mkdtemp failed");
  return model;
}

std::string readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void writeFile(const std::string &path, const std::string &contents) {
  std::ofstream out(path, std::ios::binary);
  out << contents;
}

ProcessResult run(const std::string &command) {
  std::string dir = makeTempDir();
  std::string out = dir + "/out", err = dir + "/err";
  int status = std::system((command + " >" + shellQuote(out) + " 2>" + shellQuote(err)).c_str());
  ProcessResult r;
  r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = readFile(out);
  r.err = readFile(err);
  std::filesystem::remove_all(dir);
  return r;
}

bool haveProgram(const std::string &name) {
  if (name.find('/') != std::string::npos) return access(name.c_str(), X_OK) == 0;
  return run("command -v " + shellQuote(name)).exitCode == 0;
}

}  // namespace xpile::test
