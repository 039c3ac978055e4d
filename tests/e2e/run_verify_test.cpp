// `xpile run` and `xpile verify` end to end, on small kernels of every dialect (tests/e2e/kernels):
// results are checked against answers computed here from the same input files; deliberately broken
// kernels are reported as faults, never crash xpile.
#include "backends/exec/executor.h"
#include "frontends/frontend.h"
#include "tests/e2e/process.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <random>

namespace fs = std::filesystem;
using xpile::test::run;
using xpile::test::shellQuote;

namespace {

const std::string kXpile = XPILE_BINARY;
const std::string kKernels = std::string(XPILE_SOURCE_DIR) + "/tests/e2e/kernels/";

class RunVerify : public testing::Test {
protected:
  void SetUp() override { dir_ = xpile::test::makeTempDir(); }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }

  // Writes `values` as raw f32 and returns the --arg spec that reads it.
  std::string floats(const std::string &name, const std::vector<float> &values) {
    std::string path = dir_ + "/" + name;
    std::string bytes(reinterpret_cast<const char *>(values.data()), values.size() * sizeof(float));
    xpile::test::writeFile(path, bytes);
    return "f32[" + std::to_string(values.size()) + "]:file=" + path;
  }
  std::vector<float> readFloats(const std::string &path) {
    std::string bytes = xpile::test::readFile(path);
    std::vector<float> out(bytes.size() / sizeof(float));
    std::memcpy(out.data(), bytes.data(), out.size() * sizeof(float));
    return out;
  }
  static std::vector<float> randomFloats(size_t n, unsigned seed) {
    std::mt19937 gen(seed);
    std::uniform_real_distribution<float> dist(-10.0f, 10.0f);
    std::vector<float> v(n);
    for (auto &x : v) x = dist(gen);
    return v;
  }
  xpile::test::ProcessResult xpile(const std::string &args) { return run(kXpile + " " + args); }

  std::string dir_;
};

}  // namespace

TEST_F(RunVerify, CudaKernelWithArgumentsAndDump) {
  auto a = randomFloats(1000, 1), b = randomFloats(1000, 2);
  auto r = xpile("run " + kKernels + "vadd.cu --kernel vadd --grid 4 --block 256 --arg " + shellQuote(floats("a", a)) +
                 " --arg " + shellQuote(floats("b", b)) + " --arg 'f32[1000]:zeros' --arg i32:1000 --dump " +
                 shellQuote(dir_ + "/out"));
  ASSERT_EQ(r.exitCode, 0) << r.err;
  // argK.bin for every buffer parameter K; the scalar (K = 3) has none.
  EXPECT_TRUE(fs::exists(dir_ + "/out/arg0.bin"));
  EXPECT_FALSE(fs::exists(dir_ + "/out/arg3.bin"));
  std::vector<float> c = readFloats(dir_ + "/out/arg2.bin");
  ASSERT_EQ(c.size(), 1000u);
  for (size_t i = 0; i < c.size(); ++i) ASSERT_EQ(c[i], a[i] + b[i]) << i;
  EXPECT_EQ(readFloats(dir_ + "/out/arg0.bin"), a);
}

TEST_F(RunVerify, JsonSummary) {
  auto r = xpile("run " + kKernels + "vadd.cu --kernel vadd --grid 1 --block 64 --arg 'f32[64]:rand' --arg 'f32[64]:rand:7' "
                 "--arg 'f32[64]:zeros' --arg i32:64 --json");
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_NE(r.out.find("\"status\": \"ok\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"dtype\": \"f32\""), std::string::npos) << r.out;
}

TEST_F(RunVerify, WarpShuffleReductionsAt32And64) {
  auto in = randomFloats(512, 3);
  auto cuda = xpile("run " + kKernels + "vadd.cu --kernel block_sum --grid 2 --block 256 --arg " + shellQuote(floats("in", in)) +
                    " --arg 'f32[2]:zeros' --dump " + shellQuote(dir_ + "/cuda"));
  ASSERT_EQ(cuda.exitCode, 0) << cuda.err;
  auto hip = xpile("run " + kKernels + "vadd.hip --kernel wave_sum --grid 8 --block 64 --arg " + shellQuote(floats("in", in)) +
                   " --arg 'f32[8]:zeros' --dump " + shellQuote(dir_ + "/hip"));
  ASSERT_EQ(hip.exitCode, 0) << hip.err;
  std::vector<float> blockSums = readFloats(dir_ + "/cuda/arg1.bin"), waveSums = readFloats(dir_ + "/hip/arg1.bin");
  for (int blk = 0; blk < 2; ++blk) {
    double ref = 0;
    for (int i = 0; i < 256; ++i) ref += in[blk * 256 + i];
    EXPECT_NEAR(blockSums[blk], ref, 1e-3) << blk;
  }
  for (int w = 0; w < 8; ++w) {
    double ref = 0;
    for (int i = 0; i < 64; ++i) ref += in[w * 64 + i];
    EXPECT_NEAR(waveSums[w], ref, 1e-3) << w;
  }
}

TEST_F(RunVerify, BangKernelOnUnionTasks) {
  auto a = randomFloats(3000, 4), b = randomFloats(3000, 5);
  auto r = xpile("run " + kKernels + "vadd.mlu --kernel vadd --task-dim 4 --task-type union1 --arg " +
                 shellQuote(floats("a", a)) + " --arg " + shellQuote(floats("b", b)) +
                 " --arg 'f32[3000]:zeros' --arg i32:3000 --dump " + shellQuote(dir_ + "/out"));
  ASSERT_EQ(r.exitCode, 0) << r.err;
  std::vector<float> c = readFloats(dir_ + "/out/arg2.bin");
  for (size_t i = 0; i < c.size(); ++i) ASSERT_EQ(c[i], a[i] + b[i]) << i;
}

TEST_F(RunVerify, CEntryFunction) {
  auto x = randomFloats(100, 6), y = randomFloats(100, 7);
  auto r = xpile("run " + kKernels + "saxpy.c --entry saxpy --arg i32:100 --arg f32:2.5 --arg " + shellQuote(floats("x", x)) +
                 " --arg " + shellQuote(floats("y", y)) + " --dump " + shellQuote(dir_ + "/out"));
  ASSERT_EQ(r.exitCode, 0) << r.err;
  std::vector<float> out = readFloats(dir_ + "/out/arg3.bin");
  for (size_t i = 0; i < out.size(); ++i) ASSERT_FLOAT_EQ(out[i], 2.5f * x[i] + y[i]) << i;
}

TEST_F(RunVerify, OutOfBoundsWriteIsAFaultNamingTheSourceLine) {
  auto r = xpile("run " + kKernels + "vadd.cu --kernel vadd_unguarded --grid 4 --block 256 --arg 'f32[1000]:rand' "
                 "--arg 'f32[1000]:rand' --arg 'f32[1000]:zeros' --arg i32:1000");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find("error: the program fault (out-of-bounds)"), std::string::npos) << r.err;
  // `c[i] = a[i] + b[i];` of vadd_unguarded is line 10: the read of a[1000] faults first.
  EXPECT_NE(r.err.find("access a[i] at line 10: element 1000 of buffer"), std::string::npos) << r.err;
}

TEST_F(RunVerify, DivergentBarrierIsReported) {
  auto r = xpile("run " + kKernels + "vadd.cu --kernel divergent_barrier --grid 1 --block 64 --arg 'f32[64]:zeros'");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find("divergent-barrier"), std::string::npos) << r.err;
}

TEST_F(RunVerify, MissingBarrierIsFoundByRunningTwoThreadOrders) {
  std::string args = " --grid 2 --block 256 --arg 'f32[512]:rand' --arg 'f32[512]:zeros' --race-check";
  auto broken = xpile("run " + kKernels + "vadd.cu --kernel reverse_missing_barrier" + args);
  EXPECT_EQ(broken.exitCode, 1);
  EXPECT_NE(broken.err.find("results depend on the order of GPU threads"), std::string::npos) << broken.err;
  auto fixed = xpile("run " + kKernels + "vadd.cu --kernel reverse_block" + args);
  EXPECT_EQ(fixed.exitCode, 0) << fixed.err;
}

TEST_F(RunVerify, InfiniteLoopTimesOut) {
  auto r = xpile("run " + kKernels + "vadd.cu --kernel spin --grid 1 --block 1 --arg 'i32[1]:zeros' --timeout 2");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find("timed out"), std::string::npos) << r.err;
}

TEST_F(RunVerify, NramOverflowIsACapacityFault) {
  auto r = xpile("run " + kKernels + "vadd.mlu --kernel too_much_nram --task-dim 4 --task-type union1 --arg 'f32[1]:zeros'");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find("capacity-exceeded"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("NRAM"), std::string::npos) << r.err;
}

TEST_F(RunVerify, BadRequestsAreUsageErrors) {
  auto missing = xpile("run " + kKernels + "vadd.cu --kernel vadd --grid 1 --block 1 --arg 'f32[4]:rand'");
  EXPECT_EQ(missing.exitCode, 2);
  EXPECT_NE(missing.err.find("takes 4 arguments but 1 --arg were given"), std::string::npos) << missing.err;
  auto wrongKind = xpile("run " + kKernels + "vadd.cu --kernel vadd --grid 1 --block 1 --arg f32:1 --arg 'f32[4]:rand' "
                         "--arg 'f32[4]:rand' --arg i32:4");
  EXPECT_EQ(wrongKind.exitCode, 2);
  EXPECT_NE(wrongKind.err.find("argument 0 ('a') is a pointer"), std::string::npos) << wrongKind.err;
  auto noGrid = xpile("run " + kKernels + "vadd.cu --kernel vadd --arg 'f32[4]:rand' --arg 'f32[4]:rand' "
                      "--arg 'f32[4]:rand' --arg i32:4");
  EXPECT_EQ(noGrid.exitCode, 2);
  EXPECT_NE(noGrid.err.find("needs --grid and --block"), std::string::npos) << noGrid.err;
  auto badSpec = xpile("run " + kKernels + "vadd.cu --kernel vadd --grid 1 --block 1 --arg 'f32[abc]:rand'");
  EXPECT_EQ(badSpec.exitCode, 2);
  EXPECT_NE(badSpec.err.find("expected an element count"), std::string::npos) << badSpec.err;
}

TEST_F(RunVerify, VerifyPassesAcrossDialectsAndFailsWithTheFirstMismatch) {
  std::string args = " --kernel vadd --grid 4 --block 256 --task-dim 4 --task-type union1 --arg 'f32[1000]:rand' "
                     "--arg 'f32[1000]:rand:9' --arg 'f32[1000]:zeros' --arg i32:1000";
  auto cudaHip = xpile("verify " + kKernels + "vadd.cu " + kKernels + "vadd.hip" + args);
  EXPECT_EQ(cudaHip.exitCode, 0) << cudaHip.out << cudaHip.err;
  EXPECT_NE(cudaHip.out.find("PASS: 4 runs"), std::string::npos) << cudaHip.out;
  auto cudaBang = xpile("verify " + kKernels + "vadd.cu " + kKernels + "vadd.mlu" + args);
  EXPECT_EQ(cudaBang.exitCode, 0) << cudaBang.out << cudaBang.err;
  auto wrong = xpile("verify " + kKernels + "vadd.cu " + kKernels + "vadd.cu --kernel-b vsub" + args);
  EXPECT_EQ(wrong.exitCode, 1);
  EXPECT_NE(wrong.out.find("FAIL: argument 2 ('c') (f32[1000]) differs at index 0"), std::string::npos) << wrong.out;
}

TEST_F(RunVerify, VerifyWholeProgramsByTheirLaunches) {
  std::string starter = std::string(XPILE_SOURCE_DIR) + "/tests/starter/";
  auto r = xpile("verify " + starter + "cuda/reduction.cu " + starter + "hip/reduction.hip");
  EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("PASS: 3 launches"), std::string::npos) << r.out;
}

// `--device gpu` needs a GPU to run; the program it builds must compile with the real nvcc anywhere.
TEST_F(RunVerify, GpuHarnessCompilesWithNvcc) {
  std::string nvcc = fs::exists("/usr/local/cuda/bin/nvcc") ? "/usr/local/cuda/bin/nvcc" : "";
  if (nvcc.empty() && run("command -v nvcc").exitCode != 0) GTEST_SKIP() << "no nvcc";
  auto parsed = xpile::frontends::parseFile(kKernels + "vadd.cu", {});
  ASSERT_TRUE(parsed.module) << parsed.diagnostics;
  xpile::exec::RunRequest request;
  request.mode = xpile::exec::RunRequest::Mode::Kernel;
  request.name = "vadd";
  auto program = xpile::exec::gpuProgram(*parsed.module, request);
  ASSERT_TRUE(program.error.empty()) << program.error;
  EXPECT_NE(program.source.find("vadd<<<dim3(job.grid().x"), std::string::npos) << program.source;
  EXPECT_NE(program.source.find("cudaMemcpy(h2, d2, job.bytes(2), cudaMemcpyDeviceToHost)"), std::string::npos);
  setenv("XPILE_NVCC_ARCH", "sm_80", 1);
  auto compiled = xpile::exec::compileWithNvcc(program.source, "vadd.cu.gpu.cu");
  unsetenv("XPILE_NVCC_ARCH");
  EXPECT_TRUE(compiled.ok) << compiled.diagnostics;
}

TEST_F(RunVerify, GpuDeviceWithoutAGpuIsAClearError) {
  if (xpile::exec::haveNvidiaGpu()) GTEST_SKIP() << "this machine has a GPU";
  auto r = xpile("run " + kKernels + "vadd.cu --device gpu --kernel vadd --grid 1 --block 4 --arg 'f32[4]:rand' "
                 "--arg 'f32[4]:rand' --arg 'f32[4]:zeros' --arg i32:4");
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_NE(r.err.find("no NVIDIA GPU"), std::string::npos) << r.err;
}
