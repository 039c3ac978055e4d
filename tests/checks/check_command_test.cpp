// The `xpile check` program: clang-tidy's output format, NOLINT comments, .xpile files found by
// walking up, --warnings-as-errors exit status, --list-checks, and --export-fixes applied by
// clang-apply-replacements giving exactly what `xpile translate --to hip` writes.
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

std::string xpile(const std::string &args) { return shellQuote(XPILE_BINARY) + " check " + args; }

TEST(CheckCommand, PrintsClangTidyDiagnosticsWithSourceCaretAndFixIt) {
  std::string dir = makeTempDir();
  writeFile(dir + "/lane.cu", "__global__ void k(int *out) {\n  out[threadIdx.x] = threadIdx.x % 32;\n}\n");
  auto r = run("cd " + shellQuote(dir) + " && " + xpile("lane.cu --checks=-*,portability-warp-size-literal"));
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(r.out,
            "lane.cu:2:36: warning: '% 32' computes a lane index for a warp of 32 threads; a wavefront on gfx90a has 64 "
            "[portability-warp-size-literal]\n"
            "  out[threadIdx.x] = threadIdx.x % 32;\n"
            "                                   ^~\n"
            "                                   warpSize\n"
            "lane.cu:2:22: note: in this lane index computation\n"
            "  out[threadIdx.x] = threadIdx.x % 32;\n"
            "                     ^~~~~~~~~~~~~~~~\n");
  EXPECT_EQ(r.err, "1 warning generated.\n");
}

TEST(CheckCommand, HonoursNolintCommentsAndReportsUnmatchedOnes) {
  std::string dir = makeTempDir();
  writeFile(dir + "/nolint.cu", R"(__global__ void k(int *out) {
  int a = threadIdx.x & 31;  // NOLINT(portability-warp-size-literal)
  int b = threadIdx.x & 31;  // NOLINT(hip-*)
  // NOLINTNEXTLINE
  int c = threadIdx.x >> 5;
  // NOLINTBEGIN(portability-*)
  int d = threadIdx.x >> 5;
  int e = threadIdx.x % 32;
  // NOLINTEND(portability-*)
  int f = threadIdx.x >> 5;
  out[a + b + c + d + e + f] = 0;
}
// NOLINTEND(hip-*)
)");
  auto r = run("cd " + shellQuote(dir) + " && " + xpile("nolint.cu --checks=-*,portability-warp-size-literal"));
  EXPECT_EQ(r.exitCode, 1);  // the unmatched NOLINTEND is an error, as in clang-tidy
  auto lines = [&](const std::string &text) {
    std::vector<std::string> out;
    size_t start = 0, end;
    while ((end = text.find('\n', start)) != std::string::npos) {
      std::string line = text.substr(start, end - start);
      if (line.rfind("nolint.cu:", 0) == 0) out.push_back(line);
      start = end + 1;
    }
    return out;
  };
  EXPECT_EQ(lines(r.out),
            (std::vector<std::string>{
                "nolint.cu:3:25: warning: '& 31' computes a lane index for a warp of 32 threads; a wavefront on gfx90a "
                "has 64 [portability-warp-size-literal]",
                "nolint.cu:3:11: note: in this lane index computation",
                "nolint.cu:10:26: warning: '>> 5' computes a warp index for a warp of 32 threads; a wavefront on gfx90a "
                "has 64 [portability-warp-size-literal]",
                "nolint.cu:10:11: note: in this warp index computation",
                "nolint.cu:13:4: error: unmatched 'NOLINTEND' comment without a previous 'NOLINTBEGIN' comment "
                "[xpile-nolint]"}));
  EXPECT_EQ(r.err, "6 warnings generated.\nSuppressed 4 warnings (4 NOLINT).\n");
}

TEST(CheckCommand, FindsTheNearestConfigFileAndLetsTheCommandLineWin) {
  std::string dir = makeTempDir();
  std::filesystem::create_directories(dir + "/project/src/deep");
  writeFile(dir + "/project/.xpile", "Checks: '-*,portability-inline-asm'\nWarningsAsErrors: 'portability-*'\n");
  const std::string kernel = R"(__global__ void k(unsigned *out) {
  unsigned r;
  asm("mov.u32 %0, %%laneid;" : "=r"(r));
  out[threadIdx.x] = r + threadIdx.x % 32;
}
)";
  writeFile(dir + "/project/src/deep/k.cu", kernel);
  writeFile(dir + "/elsewhere.cu", kernel);

  // Two directories up: only the inline-asm check runs, and it is an error.
  auto configured = run(xpile(shellQuote(dir + "/project/src/deep/k.cu")));
  EXPECT_EQ(configured.exitCode, 1);
  EXPECT_NE(configured.out.find("error: inline PTX has no equivalent on gfx90a (hip) "
                                "[portability-inline-asm,-warnings-as-errors]"),
            std::string::npos)
      << configured.out;
  EXPECT_EQ(configured.out.find("portability-warp-size-literal"), std::string::npos);
  EXPECT_NE(configured.err.find("1 warning treated as errors"), std::string::npos);

  // --checks is appended to the file's Checks: the warp check comes back (and is an error too).
  auto widened = run(xpile(shellQuote(dir + "/project/src/deep/k.cu") + " --checks=portability-warp-size-literal"));
  EXPECT_EQ(widened.exitCode, 1);
  EXPECT_NE(widened.out.find("[portability-warp-size-literal,-warnings-as-errors]"), std::string::npos);

  // Outside the project: no configuration, plain warnings, exit status 0.
  auto outside = run(xpile(shellQuote(dir + "/elsewhere.cu") + " --checks=-*,portability-*"));
  EXPECT_EQ(outside.exitCode, 0) << outside.err;
  EXPECT_NE(outside.out.find("warning: inline PTX"), std::string::npos);
  EXPECT_NE(outside.out.find("[portability-warp-size-literal]"), std::string::npos);

  // --list-checks shows what the configuration enables for the file.
  auto listed = run(xpile("--list-checks " + shellQuote(dir + "/project/src/deep/k.cu")));
  EXPECT_EQ(listed.exitCode, 0);
  EXPECT_EQ(listed.out, "Enabled checks:\n    portability-inline-asm\n\n");
}

TEST(CheckCommand, RejectsABrokenConfigFile) {
  std::string dir = makeTempDir();
  writeFile(dir + "/.xpile", "Checks: [unclosed\n");
  writeFile(dir + "/k.cu", "__global__ void k() {}\n");
  auto r = run(xpile(shellQuote(dir + "/k.cu")));
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find(dir + "/.xpile"), std::string::npos) << r.err;
}

// The issue's acceptance test: the exported fix-its, applied by clang-apply-replacements, give the
// same file as the CUDA->HIP rewrite applied directly (what `xpile translate --to hip` produces).
TEST(CheckCommand, ExportedFixesApplyToTheRewriteOfXpileTranslate) {
  const std::string applier = "/usr/bin/clang-apply-replacements-16";
  if (!xpile::test::haveProgram(applier)) GTEST_SKIP() << "clang-apply-replacements-16 is not installed";
  const std::string source = R"(#include <cuda_runtime.h>
#include <cstdio>

__global__ void scale(float *x, float a, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) x[i] *= a;
}

int main() {
  float *d = nullptr;
  cudaError_t err = cudaMalloc(&d, 256 * sizeof(float));
  if (err != cudaSuccess) { printf("%s\n", cudaGetErrorString(err)); return 1; }
  cudaMemset(d, 0, 256 * sizeof(float));
  scale<<<1, 256>>>(d, 2.0f, 256);
  cudaDeviceSynchronize();
  cudaFree(d);
  return 0;
}
)";
  std::string dir = makeTempDir();
  writeFile(dir + "/scale.cu", source);
  // What `xpile translate` makes of the file (its source-preserving CUDA->HIP route), before the
  // fixes are applied to it.
  std::string translatedDir = makeTempDir();
  auto translated = run(shellQuote(XPILE_BINARY) + " translate " + shellQuote(dir + "/scale.cu") +
                        " --to hip --route source --no-verify -o " + shellQuote(translatedDir + "/scale.hip"));
  ASSERT_EQ(translated.exitCode, 0) << translated.err;

  auto checked = run("cd " + shellQuote(dir) + " && " + xpile("scale.cu --export-fixes=fixes.yaml --quiet"));
  ASSERT_EQ(checked.exitCode, 0) << checked.out << checked.err;
  ASSERT_NE(readFile(dir + "/fixes.yaml").find("DiagnosticName:  hip-api-rename"), std::string::npos);
  // clang-apply-replacements sorts the #include block around an edited #include line under the
  // default style (LLVM), as clang-tidy -fix does; the rewrite keeps the user's order.
  auto applied = run(shellQuote(applier) + " --style='{SortIncludes: Never}' " + shellQuote(dir));
  ASSERT_EQ(applied.exitCode, 0) << applied.err;

  std::string expected = readFile(translatedDir + "/scale.hip");
  EXPECT_NE(expected, source);
  EXPECT_NE(expected.find("hipMalloc(&d, 256 * sizeof(float))"), std::string::npos) << expected;
  EXPECT_EQ(readFile(dir + "/scale.cu"), expected);
}

TEST(CheckCommand, ExportedFixesOfEveryCheckApplyWithoutConflicts) {
  const std::string applier = "/usr/bin/clang-apply-replacements-16";
  if (!xpile::test::haveProgram(applier)) GTEST_SKIP() << "clang-apply-replacements-16 is not installed";
  std::string dir = makeTempDir();
  writeFile(dir + "/warp.cu", R"(#include <cuda_runtime.h>
__global__ void k(float *out) {
  float v = out[threadIdx.x];
  v += __shfl_down_sync(0xffffffff, v, 1);
  unsigned votes = __ballot_sync(0xffffffff, v > 0.0f);
  out[threadIdx.x / 32] = v + votes;
}
int main() { float *d; cudaMalloc(&d, 4); k<<<1, 64>>>(d); cudaFree(d); return 0; }
)");
  auto checked = run("cd " + shellQuote(dir) + " && " + xpile("warp.cu --export-fixes=fixes.yaml --quiet"));
  ASSERT_EQ(checked.exitCode, 0) << checked.out << checked.err;
  auto applied = run(shellQuote(applier) + " " + shellQuote(dir));
  ASSERT_EQ(applied.exitCode, 0) << applied.err;
  std::string fixed = readFile(dir + "/warp.cu");
  EXPECT_NE(fixed.find("#include <hip/hip_runtime.h>"), std::string::npos) << fixed;
  EXPECT_NE(fixed.find("hipMalloc(&d, 4)"), std::string::npos) << fixed;
  // The rewrite's exact HIP forms win over the other checks' fix-its: the shuffle stays within
  // CUDA's 32-lane segments, the ballot reads the lane's 32-lane half.
  EXPECT_NE(fixed.find("__shfl_down(v, 1, 32)"), std::string::npos) << fixed;
  EXPECT_NE(fixed.find("__ballot(v > 0.0f) >> (__lane_id() & 32)"), std::string::npos) << fixed;
  EXPECT_EQ(fixed.find("_sync("), std::string::npos) << fixed;
}

}  // namespace
}  // namespace xpile::checks::test
