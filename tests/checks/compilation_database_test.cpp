// -p BUILD_DIR: `xpile check` and `xpile port` take the file's -I and -D flags from
// compile_commands.json. The source needs both (a header found only through the include directory,
// a macro defined only on the command line), so it parses only when the database is read.
#include "tests/e2e/process.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace xpile::checks::test {
namespace {

using xpile::test::makeTempDir;
using xpile::test::readFile;
using xpile::test::run;
using xpile::test::shellQuote;
using xpile::test::writeFile;

struct Project {
  std::string root, source, file, build;
};

// src/lane.cu includes "tile_config.h" (only in include/) and uses TILE_SCALE (only a -D flag).
Project makeProject() {
  Project p;
  p.root = makeTempDir();
  p.source = p.root + "/src";
  p.file = p.source + "/lane.cu";
  p.build = p.root + "/build";
  for (const std::string &dir : {p.root + "/include", p.source, p.build}) std::filesystem::create_directories(dir);
  writeFile(p.root + "/include/tile_config.h", "typedef float tile_value;\n");
  writeFile(p.file, R"(#include "tile_config.h"
__global__ void lane(tile_value *out) {
  out[threadIdx.x] = TILE_SCALE * (threadIdx.x % 32);
}
int main() {
  tile_value *out = nullptr;
  cudaMalloc(&out, 64 * sizeof(tile_value));
  lane<<<1, 64>>>(out);
  cudaFree(out);
}
)");
  writeFile(p.build + "/compile_commands.json",
            "[{\"directory\": " + ("\"" + p.build + "\"") + ", \"file\": \"" + p.file +
                "\", \"command\": \"nvcc -I" + p.root + "/include -DTILE_SCALE=2.0f -c " + p.file +
                " -o lane.o\"}]\n");
  return p;
}

TEST(CompilationDatabase, CheckTakesTheIncludeDirAndMacroOfTheFile) {
  Project p = makeProject();
  const std::string check = shellQuote(XPILE_BINARY) + " check " + shellQuote(p.file) +
                            " --checks=-*,portability-warp-size-literal";
  auto without = run(check);
  EXPECT_EQ(without.exitCode, 1);
  EXPECT_NE(without.out.find("lane.cu:1:10: fatal error: 'tile_config.h' file not found"), std::string::npos) << without.out;

  auto with = run(check + " -p " + shellQuote(p.build));
  EXPECT_EQ(with.exitCode, 0) << with.out << with.err;
  EXPECT_NE(with.out.find(p.file + ":3:50: warning: '% 32' computes a lane index for a warp of 32 threads; a "
                                   "wavefront on gfx90a has 64 [portability-warp-size-literal]"),
            std::string::npos)
      << with.out;
  EXPECT_EQ(with.err, "1 warning generated.\n");
}

TEST(CompilationDatabase, PortTakesTheIncludeDirAndMacroOfTheFile) {
  Project p = makeProject();
  const std::string port = shellQuote(XPILE_BINARY) + " port --to hip --no-progress " + shellQuote(p.source) +
                           " --out-dir ";
  auto without = run(port + shellQuote(p.root + "/out-without"));
  EXPECT_NE(without.exitCode, 0);
  EXPECT_NE(without.err.find("'tile_config.h' file not found"), std::string::npos) << without.err;

  auto with = run(port + shellQuote(p.root + "/out") + " -p " + shellQuote(p.build));
  EXPECT_EQ(with.exitCode, 0) << with.err;
  std::string ported = readFile(p.root + "/out/lane.hip");
  EXPECT_NE(ported.find("hipMalloc(&out, 64 * sizeof(tile_value));"), std::string::npos) << ported;
  EXPECT_NE(ported.find("hipFree(out);"), std::string::npos) << ported;
  EXPECT_EQ(ported.find("cuda"), std::string::npos) << ported;
}

}  // namespace
}  // namespace xpile::checks::test
