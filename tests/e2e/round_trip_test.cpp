// The starter kernels of every dialect: parse -> print in the same dialect -> the output compiles
// with the platform's real compiler (nvcc, hipcc, gcc/g++) and passes a Clang syntax-and-type check
// against xpile's prelude; printing is stable (print(parse(print(x))) == print(x)).
#include "backends/printer.h"
#include "frontends/frontend.h"
#include "tests/e2e/process.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

namespace fs = std::filesystem;
using namespace xpile;
using xpile::test::run;
using xpile::test::shellQuote;

namespace {

struct StarterFile {
  std::string path;  // relative to the source tree
  ast::Dialect dialect;
};

void PrintTo(const StarterFile &f, std::ostream *os) { *os << f.path; }

std::vector<StarterFile> starterFiles() {
  std::vector<StarterFile> files;
  for (ast::Dialect d : {ast::Dialect::CUDA, ast::Dialect::HIP, ast::Dialect::BANG, ast::Dialect::VNNI, ast::Dialect::C}) {
    fs::path dir = fs::path(XPILE_SOURCE_DIR) / "tests/starter" / ast::dialectName(d);
    if (!fs::exists(dir)) continue;
    std::vector<std::string> names;
    for (auto &entry : fs::directory_iterator(dir)) {
      std::string ext = entry.path().extension().string();
      if (ext == ".cu" || ext == ".hip" || ext == ".mlu" || ext == ".c" || ext == ".cpp")
        names.push_back(fs::relative(entry.path(), XPILE_SOURCE_DIR).string());
    }
    std::sort(names.begin(), names.end());
    for (auto &n : names) files.push_back({n, d});
  }
  return files;
}

std::string testName(const testing::TestParamInfo<StarterFile> &info) {
  std::string name = info.param.path.substr(std::string("tests/starter/").size());
  for (char &c : name)
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

std::string nvccPath() {
  if (test::haveProgram("nvcc")) return "nvcc";
  if (test::haveProgram("/usr/local/cuda/bin/nvcc")) return "/usr/local/cuda/bin/nvcc";
  return "";
}

// The real compiler's command for a printed file, or "" when that compiler is not installed.
std::string realCompileCommand(ast::Dialect d, const std::string &file, const std::string &object) {
  bool isC = fs::path(file).extension() == ".c";
  const std::string vnniFlags = " -mavx512f -mavx512bw -mavx512vl -mavx512dq -mavx512vnni";
  switch (d) {
  case ast::Dialect::CUDA: {
    std::string nvcc = nvccPath();
    return nvcc.empty() ? "" : nvcc + " -c -arch=sm_80 -std=c++17 " + shellQuote(file) + " -o " + shellQuote(object);
  }
  case ast::Dialect::HIP:
    return test::haveProgram("hipcc")
               ? "hipcc --offload-arch=gfx90a -c " + shellQuote(file) + " -o " + shellQuote(object)
               : "";
  case ast::Dialect::BANG: return "";  // no cncc on these machines: the prelude check below stands in
  case ast::Dialect::VNNI:
  case ast::Dialect::C:
    return std::string(isC ? "gcc -std=c11" : "g++ -std=c++17") + " -fopenmp -c" +
           (d == ast::Dialect::VNNI ? vnniFlags : "") + " " + shellQuote(file) + " -o " + shellQuote(object);
  }
  return "";
}

// Clang 16 with xpile's own prelude headers from the source tree, exactly as the front end runs it.
std::string preludeCheckCommand(ast::Dialect d, const std::string &file) {
  bool isC = fs::path(file).extension() == ".c";
  std::string cmd;
  for (std::string arg : frontends::clangArguments(d, isC)) {
    if (arg.rfind(frontends::kPreludeRoot, 0) == 0 && arg != frontends::kPreludeRoot)
      arg = std::string(XPILE_SOURCE_DIR) + "/frontends/prelude" + arg.substr(std::string(frontends::kPreludeRoot).size());
    if (cmd.empty()) arg = isC ? "clang-16" : "clang++-16";
    cmd += shellQuote(arg) + " ";
  }
  return cmd + shellQuote(file);
}

std::string printOrFail(const std::string &path, const std::string &source, ast::Dialect d) {
  frontends::ParseOptions opts;
  opts.dialect = d;
  frontends::ParseResult parsed = frontends::parseSource(path, source, opts);
  if (!parsed.module) {
    ADD_FAILURE() << "parse of " << path << " failed:\n" << parsed.diagnostics;
    return "";
  }
  backends::PrintResult printed = backends::printModule(*parsed.module, d);
  for (auto &e : printed.errors) ADD_FAILURE() << e.loc.str() << ": " << e.message;
  return printed.code;
}

class StarterRoundTrip : public testing::TestWithParam<StarterFile> {};

}  // namespace

TEST_P(StarterRoundTrip, PrintsCompilableStableCode) {
  const StarterFile &file = GetParam();
  std::string source = test::readFile(std::string(XPILE_SOURCE_DIR) + "/" + file.path);
  std::string printed = printOrFail(file.path, source, file.dialect);
  ASSERT_FALSE(printed.empty());

  std::string dir = test::makeTempDir();
  std::string out = dir + "/" + fs::path(file.path).filename().string();
  test::writeFile(out, printed);

  // Stability: printing the parse of the printed code gives the same text.
  EXPECT_EQ(printOrFail(out, printed, file.dialect), printed) << "printing is not stable for " << file.path;

  // Clang 16 + prelude: syntax and types.
  auto check = run(preludeCheckCommand(file.dialect, out));
  EXPECT_EQ(check.exitCode, 0) << "clang check of the printed " << file.path << " failed:\n" << check.err;

  // The platform's real compiler.
  std::string compile = realCompileCommand(file.dialect, out, dir + "/out.o");
  if (!compile.empty()) {
    auto result = run(compile);
    EXPECT_EQ(result.exitCode, 0) << compile << "\n" << result.err << "\n--- printed ---\n" << printed;
  }
  if (!HasFailure()) fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Starter, StarterRoundTrip, testing::ValuesIn(starterFiles()), testName);

TEST(StarterCorpus, CoversEveryDialect) {
  std::set<ast::Dialect> seen;
  for (auto &f : starterFiles()) seen.insert(f.dialect);
  EXPECT_EQ(seen.size(), 5u);
}
