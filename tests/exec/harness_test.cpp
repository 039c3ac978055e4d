// The harness compiled into programs under test: a job file in, buffers and scalars to the
// program, argK.bin dumps out.
#include "backends/exec/arg_spec.h"
#include "backends/exec/compiler.h"
#include "backends/exec/sandbox.h"
#include "tests/exec/test_util.h"

#include <gtest/gtest.h>

#include <cstring>

namespace xpile::exec {
namespace {

// A program shaped like what the executor printer generates around a kernel.
const char *kProgram = R"(#include "xpile_harness.h"
#include <cstdint>
#include <cstdio>

struct Half {  // stands in for __half: constructible from float, 2 bytes
  uint16_t bits;
  Half(float f) : bits(static_cast<uint16_t>(f * 2)) {}
};
struct Dim3 { unsigned x, y, z; };

int main() {
  auto &job = xpile::harness::job();
  float *a = job.buffer<float>(0);
  int n = job.scalar<int>(1);
  int32_t *b = job.buffer<int32_t>(2);
  double s = job.scalar<double>(3);
  uint16_t *h = job.buffer<uint16_t>(4);  // f16 data, any 2-byte type
  Half hs = job.scalar<Half>(5);
  unsigned char *z = job.buffer<unsigned char>(6);
  if (job.buffer<const void>(6) != z) return 5;  // a `void *` parameter takes any buffer
  for (int i = 0; i < n; ++i) a[i] = a[i] * 2 + static_cast<float>(s);
  b[0] = n;
  b[1] = hs.bits;
  h[0] = 0xABCD;
  z[2] = 7;
  Dim3 g = job.grid(), bl = job.block(), t = job.taskDimensions();
  std::printf("grid %u %u %u block %u %u %u shared %zu taskdim %u %u %u union %d args %d count0 %zu\n", g.x, g.y, g.z,
              bl.x, bl.y, bl.z, job.sharedBytes(), t.x, t.y, t.z, job.taskTypeUnion(), job.argCount(), job.count(0));
  const xpile::rt::Allocation *alloc = xpile::rt::Registry::get().find(a);
  std::printf("label %s %zu\n", alloc ? alloc->label.c_str() : "none", alloc ? alloc->bytes : size_t(0));
  job.finish();
  return 0;
}
)";

const char *kWrongType = R"(#include "xpile_harness.h"
int main() {
  auto &job = xpile::harness::job();
  if (job.argCount() > 1) job.buffer<int>(1);  // argument 1 is a scalar
  job.buffer<int>(0);                          // argument 0 holds f32
  return 0;
}
)";

class Harness : public ::testing::Test {
protected:
  std::string compile(const char *source) {
    CompileOptions options;
    options.cacheDir = test::sharedCacheDir();
    CompileResult c = compileProgram(source, options);
    EXPECT_TRUE(c.ok) << c.diagnostics;
    return c.executable;
  }
  RunResult run(const std::string &exe, const std::string &jobText) {
    test::writeText(dir.file("job.txt"), jobText);
    return runSandboxed({exe}, {{"XPILE_JOB", dir.file("job.txt")}}, {}, dir.path());
  }
  test::TempDir dir;
};

TEST_F(Harness, ReadsBuffersAndScalarsAndDumps) {
  std::string exe = compile(kProgram);
  ASSERT_FALSE(exe.empty());
  std::vector<uint8_t> a = randomBuffer(DType::F32, 8, 1);
  std::vector<uint8_t> b = randomBuffer(DType::I32, 3, 2);
  std::vector<uint8_t> h = randomBuffer(DType::F16, 2, 3);
  std::string error;
  ASSERT_TRUE(writeRawFile(dir.file("in 0.bin"), a, &error)) << error;
  ASSERT_TRUE(writeRawFile(dir.file("in2.bin"), b, &error));
  ASSERT_TRUE(writeRawFile(dir.file("in4.bin"), h, &error));
  ASSERT_EQ(::mkdir(dir.file("out").c_str(), 0755), 0);
  RunResult r = run(exe, "# xpile job\n"
                         "arg 0 buffer f32 8 " + dir.file("in 0.bin") + "\n"
                         "arg 1 scalar i32 5\n"
                         "\n"
                         "arg 2 buffer i32 3 " + dir.file("in2.bin") + "\n"
                         "arg 3 scalar f64 0.5\n"
                         "arg 4 buffer f16 2 " + dir.file("in4.bin") + "\n"
                         "arg 5 scalar f16 1.5\n"
                         "arg 6 buffer u8 4\n"
                         "grid 4 2 1\n"
                         "block 256\n"
                         "shared 1024\n"
                         "taskdim 8 1 1\r\n"
                         "tasktype union2\n"
                         "dump " + dir.file("out") + "\n");
  ASSERT_EQ(r.status, RunResult::Status::Ok) << r.err;
  EXPECT_EQ(r.out, "grid 4 2 1 block 256 1 1 shared 1024 taskdim 8 1 1 union 2 args 7 count0 8\nlabel arg0 32\n");

  // arg0: the first 5 elements doubled plus 0.5, the rest unchanged.
  std::vector<uint8_t> out0;
  ASSERT_TRUE(readRawFile(dir.file("out/arg0.bin"), out0, &error)) << error;
  ASSERT_EQ(out0.size(), 32u);
  for (int i = 0; i < 8; ++i) {
    float in, got;
    std::memcpy(&in, &a[i * 4], 4);
    std::memcpy(&got, &out0[i * 4], 4);
    EXPECT_EQ(got, i < 5 ? in * 2 + 0.5f : in) << i;
  }
  std::vector<uint8_t> out2, out4, out6;
  ASSERT_TRUE(readRawFile(dir.file("out/arg2.bin"), out2, &error));
  std::vector<uint8_t> expected2 = b;
  int32_t five = 5, three = 3;  // n, and Half(1.5f).bits
  std::memcpy(&expected2[0], &five, 4);
  std::memcpy(&expected2[4], &three, 4);
  EXPECT_EQ(out2, expected2);
  ASSERT_TRUE(readRawFile(dir.file("out/arg4.bin"), out4, &error));
  EXPECT_EQ(out4, (std::vector<uint8_t>{0xCD, 0xAB, h[2], h[3]}));
  ASSERT_TRUE(readRawFile(dir.file("out/arg6.bin"), out6, &error));
  EXPECT_EQ(out6, (std::vector<uint8_t>{0, 0, 7, 0}));
  // Scalars are not dumped.
  EXPECT_FALSE(readRawFile(dir.file("out/arg1.bin"), out6, nullptr));
}

TEST_F(Harness, JobsWrittenByFormatJob) {
  std::string error;
  std::optional<ArgSpec> a = parseArgSpec("f32[8]:rand", &error), n = parseArgSpec("i32:5", &error),
                         b = parseArgSpec("i32[3]:zeros", &error), s = parseArgSpec("f64:0.5", &error),
                         h = parseArgSpec("f16[2]:rand:3", &error), hs = parseArgSpec("f16:1.5", &error),
                         z = parseArgSpec("u8[4]:zeros", &error);
  ASSERT_TRUE(a && n && b && s && h && hs && z) << error;
  JobSpec job;
  std::vector<uint8_t> data;
  ASSERT_TRUE(makeBuffer(*a, data, &error));
  ASSERT_TRUE(writeRawFile(dir.file("a.bin"), data, &error));
  job.args = {jobArg(*a, dir.file("a.bin")), jobArg(*n, ""), jobArg(*b, ""), jobArg(*s, ""),
              jobArg(*h, ""), jobArg(*hs, ""), jobArg(*z, "")};
  job.grid[0] = 2;
  job.block[0] = 32, job.block[1] = 4;
  job.sharedBytes = 64;
  job.taskDim[2] = 3;
  job.taskTypeUnion = 4;
  job.dumpDir = dir.path();
  std::string text = formatJob(job);
  EXPECT_EQ(text, "# xpile job (read by xpile_harness.h)\n"
                  "arg 0 buffer f32 8 " + dir.file("a.bin") + "\n"
                  "arg 1 scalar i32 5\n"
                  "arg 2 buffer i32 3\n"
                  "arg 3 scalar f64 0.5\n"
                  "arg 4 buffer f16 2\n"
                  "arg 5 scalar f16 1.5\n"
                  "arg 6 buffer u8 4\n"
                  "grid 2 1 1\n"
                  "block 32 4 1\n"
                  "shared 64\n"
                  "taskdim 1 1 3\n"
                  "tasktype union4\n"
                  "dump " + dir.path() + "\n");
  std::string exe = compile(kProgram);
  ASSERT_FALSE(exe.empty());
  RunResult r = run(exe, text);
  ASSERT_EQ(r.status, RunResult::Status::Ok) << r.err;
  EXPECT_EQ(r.out, "grid 2 1 1 block 32 4 1 shared 64 taskdim 1 1 3 union 4 args 7 count0 8\nlabel arg0 32\n");
  std::vector<uint8_t> out2;
  ASSERT_TRUE(readRawFile(dir.file("arg2.bin"), out2, &error));
  EXPECT_EQ(out2, (std::vector<uint8_t>{5, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0}));
}

TEST_F(Harness, MalformedJobsAreClearErrors) {
  std::string exe = compile(kProgram);
  ASSERT_FALSE(exe.empty());
  struct Case {
    std::string job, message;
  };
  std::string job = dir.file("job.txt");
  std::vector<Case> cases = {
      {"arg 0 buffer f31 8\n", "xpile-harness: job file '" + job +
                                   "' line 1: unknown type 'f31' (expected f64 f32 f16 bf16 i64 i32 i16 i8 u8 u16 u32 u64)\n"},
      {"grid 4 x\n", "xpile-harness: job file '" + job + "' line 1: expected a dimension (a non-negative integer), not 'x'\n"},
      {"\nlaunch 1\n", "xpile-harness: job file '" + job + "' line 2: unknown directive 'launch'\n"},
      {"arg 1 scalar i32 5\n", "xpile-harness: job file '" + job + "': argument 0 is missing (arguments are numbered 0 to 1)\n"},
      {"arg 0 scalar i32 5\narg 0 scalar i32 6\n", "xpile-harness: job file '" + job + "' line 2: argument 0 is given twice\n"},
      {"arg 0 scalar i32 five\n", "xpile-harness: job file '" + job + "' line 1: 'five' is not a valid i32 value\n"},
      {"arg 0 value i32 5\n", "xpile-harness: job file '" + job + "' line 1: expected 'buffer' or 'scalar' after 'arg 0', not 'value'\n"},
      {"tasktype union0\n", "xpile-harness: job file '" + job + "' line 1: invalid task type 'union0'\n"},
      {"arg 0 buffer f32 4 /nonexistent.bin\n",
       "xpile-harness: job file '" + job + "': argument 0: cannot open '/nonexistent.bin': No such file or directory\n"},
  };
  for (const Case &c : cases) {
    RunResult r = run(exe, c.job);
    EXPECT_EQ(r.status, RunResult::Status::Failed) << c.job;
    EXPECT_EQ(r.exitCode, 2) << c.job;
    EXPECT_EQ(r.err, c.message) << c.job;
  }

  // A file of the wrong size.
  std::string error;
  ASSERT_TRUE(writeRawFile(dir.file("short.bin"), std::vector<uint8_t>(12), &error));
  RunResult shortFile = run(exe, "arg 0 buffer f32 4 " + dir.file("short.bin") + "\n");
  EXPECT_EQ(shortFile.exitCode, 2);
  EXPECT_EQ(shortFile.err, "xpile-harness: job file '" + job + "': argument 0: '" + dir.file("short.bin") +
                               "' does not hold exactly 16 bytes (4 elements of f32)\n");

  // No XPILE_JOB at all.
  RunResult noJob = runSandboxed({exe}, {{"XPILE_JOB", ""}}, {}, dir.path());
  EXPECT_EQ(noJob.exitCode, 2);
  EXPECT_EQ(noJob.err, "xpile-harness: XPILE_JOB is not set (it names the job file xpile writes for a run)\n");
}

TEST_F(Harness, TypeMismatchesAreClearErrors) {
  std::string exe = compile(kWrongType);
  ASSERT_FALSE(exe.empty());
  RunResult scalar = run(exe, "arg 0 buffer f32 4\narg 1 scalar i32 3\n");
  EXPECT_EQ(scalar.exitCode, 2);
  EXPECT_EQ(scalar.err, "xpile-harness: argument 1 is a scalar (i32), not a buffer\n");
  RunResult kind = run(exe, "arg 0 buffer f32 4\n");
  EXPECT_EQ(kind.exitCode, 2);
  EXPECT_EQ(kind.err, "xpile-harness: argument 0 is a buffer of f32 but the program's parameter is an integer pointer (i32)\n");
  RunResult size = run(exe, "arg 0 buffer f64 4\n");
  EXPECT_EQ(size.exitCode, 2);
  EXPECT_EQ(size.err, "xpile-harness: argument 0 is a buffer of f64 (8-byte elements) but the program reads it as 4-byte elements\n");
  RunResult fine = run(exe, "arg 0 buffer u32 4\n");  // signedness may differ
  EXPECT_EQ(fine.status, RunResult::Status::Ok) << fine.err;
}

TEST_F(Harness, UnallocatableBufferIsAMemoryFault) {
  std::string exe = compile(kWrongType);
  ASSERT_FALSE(exe.empty());
  RunLimits limits;
  limits.memoryBytes = size_t(1) << 30;
  test::writeText(dir.file("job.txt"), "arg 0 buffer f32 1073741824\n");  // 4 GiB
  RunResult r = runSandboxed({exe}, {{"XPILE_JOB", dir.file("job.txt")}}, limits, dir.path());
  EXPECT_EQ(r.status, RunResult::Status::MemoryLimit) << r.err;
  EXPECT_EQ(r.faultKind, "memory");
  EXPECT_EQ(r.faultMessage, "cannot allocate 4294967296 bytes for argument 0 (1073741824 elements of f32)");
}

}  // namespace
}  // namespace xpile::exec
