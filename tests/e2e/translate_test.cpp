// `xpile translate` end to end: real inputs through the pass pipeline, outputs checked by the real
// compilers and by running them against the input (the verification xpile reports is re-done
// here with `xpile verify`, independently of the translate command's own).
#include "tests/e2e/process.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

namespace fs = std::filesystem;
using xpile::test::run;
using xpile::test::shellQuote;

namespace {

const std::string kXpile = XPILE_BINARY;
const std::string kSource = XPILE_SOURCE_DIR;
const std::string kKernels = kSource + "/tests/e2e/kernels/";

class Translate : public testing::Test {
protected:
  void SetUp() override { dir_ = xpile::test::makeTempDir(); }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }
  xpile::test::ProcessResult xpile(const std::string &args) { return run(kXpile + " " + args); }
  std::string dir_;
};

const char *kVaddArgs = " --arg f32[1000]:rand --arg f32[1000]:rand:2 --arg f32[1000]:zeros --arg i32:1000";

}  // namespace

// A kernel without host code: --kernel/--launch say how the source runs; the C output is the
// recovered host function, verified by xpile and again here.
TEST_F(Translate, KernelOnlyCudaToCIsVerifiedAndSaysHowToRunIt) {
  std::string out = dir_ + "/vadd.c";
  auto r = xpile("translate " + kKernels + "vadd.cu --to c -o " + shellQuote(out) +
                 " --kernel vadd --launch 'grid=4,1,1;block=256,1,1'" + kVaddArgs);
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_NE(r.err.find("note: verified (kernel vadd"), std::string::npos) << r.err;
  auto sidecar = nlohmann::json::parse(xpile::test::readFile(out + ".launch.json"));
  EXPECT_EQ(sidecar["entry"], "vadd");
  auto gcc = run("gcc -std=c11 -Wall -c " + shellQuote(out) + " -o " + shellQuote(dir_ + "/vadd.o"));
  EXPECT_EQ(gcc.exitCode, 0) << gcc.err << xpile::test::readFile(out);
}

// A 2-D kernel given without --launch: the launch is read from its index arithmetic (16x16 block from
// the shared tiles; x covers N = 64 columns, 4 blocks; y covers M = 128 rows, 8 blocks), said in a
// note, and the C output (loop recovery takes the launch as arguments) is verified with it.
TEST_F(Translate, TwoDimensionalKernelWithoutLaunchInfersItAndVerifies) {
  std::string out = dir_ + "/matmul.c", report = dir_ + "/r.json";
  auto r = xpile("translate " + kKernels + "tiled_matmul.cu --to c -o " + shellQuote(out) + " --report " +
                 shellQuote(report) +
                 " --kernel matmul --arg f32[4096]:rand --arg f32[2048]:rand:2 --arg f32[8192]:zeros"
                 " --arg i32:128 --arg i32:64 --arg i32:32");
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_NE(r.err.find("note: launch configuration inferred from the kernel's index arithmetic: block 16x16 (from the "
                       "__shared__ tile 'As'), grid 4x8 (x covers N=64 from the guard 'col < N', y covers M=128 from "
                       "'row < M'); give --launch to set it"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("note: verified (kernel matmul"), std::string::npos) << r.err;
  auto j = nlohmann::json::parse(xpile::test::readFile(report));
  EXPECT_TRUE(j["verified"].get<bool>()) << j.dump(2);
}

// A corpus file verifies by default on its manifest's smallest shape; the trace has every pass.
TEST_F(Translate, CorpusCudaToHipDefaultsToTheManifestAndTraces) {
  std::string out = dir_ + "/relu.hip", report = dir_ + "/r.json", trace = dir_ + "/trace";
  auto r = xpile("translate " + kSource + "/corpus/activation/relu/relu.cu --to hip --route direct -o " +
                 shellQuote(out) + " --report " + shellQuote(report) + " --trace " + shellQuote(trace));
  ASSERT_EQ(r.exitCode, 0) << r.err;
  auto j = nlohmann::json::parse(xpile::test::readFile(report));
  EXPECT_TRUE(j["verified"].get<bool>());
  ASSERT_FALSE(j["passes"].empty());
  for (const auto &p : j["passes"]) EXPECT_EQ(p["verification"], "passed") << p.dump();
  EXPECT_TRUE(fs::exists(trace + "/log.json"));
  EXPECT_TRUE(fs::exists(trace + "/00-input.cu"));
  if (xpile::test::haveProgram("hipcc")) {
    auto hipcc = run("hipcc --offload-arch=gfx90a -c " + shellQuote(out) + " -o " + shellQuote(dir_ + "/relu.o"));
    EXPECT_EQ(hipcc.exitCode, 0) << hipcc.err;
  }
  // Independently of translate's own verification.
  auto v = xpile("verify " + kSource + "/corpus/activation/relu/relu.cu " + shellQuote(out) +
                 " --entry relu_f32 --arg f32[5000]:rand --arg f32[5000]:zeros --arg i32:5000");
  EXPECT_EQ(v.exitCode, 0) << v.out << v.err;
}

// CUDA -> HIP keeps the user's file: only the CUDA names change, comments and macros stay, and the
// result is verified (here as a whole program) like any translation.
TEST_F(Translate, CudaToHipPreservesTheSourceAndVerifies) {
  std::string in = dir_ + "/scale.cu", out = dir_ + "/scale.hip", report = dir_ + "/r.json";
  xpile::test::writeFile(in, "// Scales by two. cudaMemcpy below is the CUDA runtime's.\n"
                             "#include <cstdio>\n"
                             "#include <cuda_runtime.h>\n"
                             "#define CHECK(x) do { if ((x) != cudaSuccess) return 1; } while (0)\n"
                             "__global__ void scale(float *a, int n) {\n"
                             "  int i = blockIdx.x * blockDim.x + threadIdx.x;   // odd   spacing kept\n"
                             "  if (i < n) a[i] = 2.0f * a[i];\n"
                             "}\n"
                             "int main() {\n"
                             "  float h[100], *d;\n"
                             "  for (int i = 0; i < 100; ++i) h[i] = i;\n"
                             "  CHECK(cudaMalloc(&d, sizeof h));\n"
                             "  CHECK(cudaMemcpy(d, h, sizeof h, cudaMemcpyHostToDevice));\n"
                             "  scale<<<1, 128>>>(d, 100);\n"
                             "  CHECK(cudaMemcpy(h, d, sizeof h, cudaMemcpyDeviceToHost));\n"
                             "  CHECK(cudaFree(d));\n"
                             "  printf(\"%g\\n\", h[99]);\n"
                             "  return 0;\n"
                             "}\n");
  auto r = xpile("translate " + shellQuote(in) + " --to hip -o " + shellQuote(out) + " --report " + shellQuote(report));
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(xpile::test::readFile(out),
            "// Scales by two. cudaMemcpy below is the CUDA runtime's.\n"
            "#include <cstdio>\n"
            "#include <hip/hip_runtime.h>\n"
            "#define CHECK(x) do { if ((x) != hipSuccess) return 1; } while (0)\n"
            "__global__ void scale(float *a, int n) {\n"
            "  int i = blockIdx.x * blockDim.x + threadIdx.x;   // odd   spacing kept\n"
            "  if (i < n) a[i] = 2.0f * a[i];\n"
            "}\n"
            "int main() {\n"
            "  float h[100], *d;\n"
            "  for (int i = 0; i < 100; ++i) h[i] = i;\n"
            "  CHECK(hipMalloc(&d, sizeof h));\n"
            "  CHECK(hipMemcpy(d, h, sizeof h, hipMemcpyHostToDevice));\n"
            "  scale<<<1, 128>>>(d, 100);\n"
            "  CHECK(hipMemcpy(h, d, sizeof h, hipMemcpyDeviceToHost));\n"
            "  CHECK(hipFree(d));\n"
            "  printf(\"%g\\n\", h[99]);\n"
            "  return 0;\n"
            "}\n");
  auto j = nlohmann::json::parse(xpile::test::readFile(report));
  EXPECT_EQ(j["route"], "source-preserving");
  EXPECT_TRUE(j["verified"].get<bool>()) << j.dump(2);
  EXPECT_NE(r.err.find("note: verified (the whole program"), std::string::npos) << r.err;
  if (xpile::test::haveProgram("hipcc")) {
    auto hipcc = run("hipcc --offload-arch=gfx90a -c " + shellQuote(out) + " -o " + shellQuote(dir_ + "/scale.o"));
    EXPECT_EQ(hipcc.exitCode, 0) << hipcc.err;
  }
}

// Plain C -> CUDA: a GPU kernel and a host wrapper with the entry's own signature.
TEST_F(Translate, CToCudaBuildsKernelAndHostWrapper) {
  std::string out = dir_ + "/saxpy.cu";
  auto r = xpile("translate " + kKernels + "saxpy.c --to cuda -o " + shellQuote(out) +
                 " --entry saxpy --arg i32:1000 --arg f32:2.5 --arg f32[1000]:rand --arg f32[1000]:rand:2");
  ASSERT_EQ(r.exitCode, 0) << r.err;
  std::string code = xpile::test::readFile(out);
  EXPECT_NE(code.find("__global__"), std::string::npos) << code;
  auto sidecar = nlohmann::json::parse(xpile::test::readFile(out + ".launch.json"));
  EXPECT_TRUE(sidecar.contains("kernel")) << sidecar.dump();
  if (xpile::test::haveProgram("/usr/local/cuda/bin/nvcc")) {
    auto nvcc = run("/usr/local/cuda/bin/nvcc -arch=sm_80 -c " + shellQuote(out) + " -o " + shellQuote(dir_ + "/s.o"));
    EXPECT_EQ(nvcc.exitCode, 0) << nvcc.err;
  }
}

// Nothing says how to run the input: the output is written, but the status says it is unverified.
TEST_F(Translate, UnverifiableOutputIsWrittenWithAnErrorStatus) {
  std::string in = dir_ + "/k.cu", out = dir_ + "/k.c";
  xpile::test::writeFile(in, "__global__ void twice(float *a, int n) {\n"
                             "  int i = blockIdx.x * blockDim.x + threadIdx.x;\n"
                             "  if (i < n) a[i] *= 2.0f;\n}\n");
  auto r = xpile("translate " + shellQuote(in) + " --to c -o " + shellQuote(out));
  EXPECT_EQ(r.exitCode, 1) << r.err;
  EXPECT_NE(r.err.find("k.cu:1:1: error: output not verified: nothing says how to run it"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::exists(out));
  auto skip = xpile("translate " + shellQuote(in) + " --to c -o " + shellQuote(out) + " --no-verify");
  EXPECT_EQ(skip.exitCode, 0) << skip.err;
}

// --launch is checked like any flag.
TEST_F(Translate, BadLaunchIsAUsageError) {
  auto r = xpile("translate " + kKernels + "vadd.cu --to c --kernel vadd --launch 'grid=4;blok=2'" +
                 std::string(kVaddArgs));
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_NE(r.err.find("unknown item 'blok'"), std::string::npos) << r.err;
}

// An index read from data (a lookup table of 256 entries) cannot be bounded by the analysis: translating to a GPU
// stops with the location and the option that fixes it; with --extent the buffer is sized as
// given, and the translation verifies (the executors bounds-check the device copy).
TEST_F(Translate, DataDependentIndicesNeedAGivenExtent) {
  std::string in = dir_ + "/lookup.c", out = dir_ + "/lookup.cu";
  xpile::test::writeFile(in, "void lookup(const float *table, const unsigned char *idx, float *y, int n) {\n"
                             "  for (int i = 0; i < n; ++i) y[i] = table[idx[i]];\n"
                             "}\n");
  std::string args = " --entry lookup --arg f32[256]:rand --arg u8[500]:rand --arg f32[500]:zeros --arg i32:500";
  auto refused = xpile("translate " + shellQuote(in) + " --to cuda -o " + shellQuote(out) + args);
  EXPECT_EQ(refused.exitCode, 1) << refused.err;
  EXPECT_NE(refused.err.find("lookup.c:2:"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("cannot determine how many elements of 'table' are accessed; give its element count "
                             "with --extent lookup:table=EXPR"),
            std::string::npos)
      << refused.err;
  EXPECT_FALSE(fs::exists(out));

  auto bad = xpile("translate " + shellQuote(in) + " --to cuda -o " + shellQuote(out) + args + " --extent 'table=q*2'");
  EXPECT_EQ(bad.exitCode, 2) << bad.err;
  EXPECT_NE(bad.err.find("--extent 'table=q*2': 'q*2' is not an integer expression over the integer parameters of "
                         "'lookup'"),
            std::string::npos)
      << bad.err;

  auto r = xpile("translate " + shellQuote(in) + " --to cuda -o " + shellQuote(out) + args + " --extent 'table=256'");
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_NE(r.err.find("'table' sized by the given extent 256"), std::string::npos) << r.err;
  std::string code = xpile::test::readFile(out);
  EXPECT_NE(code.find("__global__"), std::string::npos) << code;
}
