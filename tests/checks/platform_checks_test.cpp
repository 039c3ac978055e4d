// Inline assembly, capacities, intrinsics, launch bounds: each against a hand-written source.
#include "tests/checks/check_test_util.h"

#include <gtest/gtest.h>

namespace xpile::checks::test {
namespace {

using Lines = std::vector<std::string>;

TEST(InlineAsmCheck, FlagsPtxInDeviceCodeOnly) {
  const std::string source = R"(__device__ unsigned laneId() {
  unsigned r;
  asm volatile("mov.u32 %0, %%laneid;" : "=r"(r));
  return r;
}
__global__ void k(unsigned *out) { out[threadIdx.x] = laneId(); }
)";
  FileCheckResult r = runChecks("asm.cu", source, "-*,portability-inline-asm");
  ASSERT_TRUE(r.parsed) << r.clangDiagnostics;
  EXPECT_EQ(findings(r), (Lines{"3:3: portability-inline-asm: inline PTX has no equivalent on gfx90a (hip)",
                                "  note 3:16: the instructions 'mov.u32 %0, %%laneid;' must be rewritten with hip "
                                "intrinsics"}));
}

TEST(SharedMemoryCapacityCheck, CountsTheKernelAndItsFileScopeBuffers) {
  // 12000 floats local + 5000 floats at file scope = 68000 bytes: over gfx90a's 65536 and sm_90's 49152.
  const std::string source = R"(__shared__ float table[5000];
__global__ void big(float *out) {
  __shared__ float tile[12000];
  tile[threadIdx.x] = table[threadIdx.x];
  out[threadIdx.x] = tile[threadIdx.x];
}
__global__ void small(float *out) {
  __shared__ float tile[1000];
  tile[threadIdx.x] = 1.0f;
  out[threadIdx.x] = tile[threadIdx.x];
}
)";
  FileCheckResult hip = runChecks("shared.cu", source, "-*,portability-shared-memory-capacity");
  ASSERT_TRUE(hip.parsed) << hip.clangDiagnostics;
  EXPECT_EQ(findings(hip), (Lines{"2:17: portability-shared-memory-capacity: kernel 'big' uses 68000 bytes of static "
                                  "shared memory; gfx90a allows 65536 (64 KiB of LDS per workgroup)",
                                  "  note 3:20: 'tile' takes 48000 bytes"}));

  FileCheckResult cuda = runChecks("shared.hip", source, "-*,portability-shared-memory-capacity", ast::Dialect::CUDA);
  ASSERT_TRUE(cuda.parsed) << cuda.clangDiagnostics;
  EXPECT_EQ(findings(cuda), (Lines{"2:17: portability-shared-memory-capacity: kernel 'big' uses 68000 bytes of static "
                                   "shared memory; sm_90 allows 49152 (48 KiB statically per block)",
                                   "  note 3:20: 'tile' takes 48000 bytes",
                                   "  note 2:17: up to 232448 bytes are available as dynamic shared memory after "
                                   "cudaFuncSetAttribute(cudaFuncAttributeMaxDynamicSharedMemorySize)"}));
}

TEST(NramCapacityCheck, ComparesWithNramLessTheStack) {
  // 100000 + 80000 floats = 720000 bytes: under MLU370's 786432 but over the 655360 left after the stack.
  const std::string source = R"(__mlu_global__ void kernel(float *out) {
  __nram__ float a[100000];
  __nram__ float b[80000];
  __memcpy(a, out, 4, GDRAM2NRAM);
  b[0] = a[0];
  __memcpy(out, b, 4, NRAM2GDRAM);
}
)";
  FileCheckResult r = runChecks("nram.mlu", source, "-*,bang-*");
  ASSERT_TRUE(r.parsed) << r.clangDiagnostics;
  EXPECT_EQ(findings(r), (Lines{"1:21: bang-nram-capacity: kernel 'kernel' uses 720000 bytes of NRAM; MLU370 has "
                                "786432 per core, of which 655360 are left after cncc's stack",
                                "  note 2:18: 'a' takes 400000 bytes", "  note 3:18: 'b' takes 320000 bytes"}));
}

TEST(UnsupportedIntrinsicCheck, FlagsWarpMatchAndReduce) {
  const std::string source = R"(__global__ void k(unsigned *out) {
  unsigned same = __match_any_sync(0xffffffffu, out[threadIdx.x]);
  out[threadIdx.x] = __reduce_add_sync(0xffffffffu, same);
}
)";
  FileCheckResult r = runChecks("intrinsics.cu", source, "-*,hip-unsupported-intrinsic");
  ASSERT_TRUE(r.parsed) << r.clangDiagnostics;
  EXPECT_EQ(findings(r), (Lines{"2:19: hip-unsupported-intrinsic: '__match_any_sync' has no HIP equivalent on gfx90a",
                                "  note 2:19: compare values across lanes with __shfl or a shared-memory table",
                                "3:22: hip-unsupported-intrinsic: '__reduce_add_sync' has no HIP equivalent on gfx90a",
                                "  note 3:22: reduce with a __shfl_xor butterfly"}));
}

TEST(LaunchBoundsCheck, FlagsTheMinimumOccupancyArgument) {
  const std::string source = R"(__global__ void __launch_bounds__(256, 4) k(float *out) { out[threadIdx.x] = 0.0f; }
__global__ void __launch_bounds__(256) plain(float *out) { out[threadIdx.x] = 0.0f; }
)";
  FileCheckResult r = runChecks("bounds.cu", source, "-*,portability-launch-bounds");
  ASSERT_TRUE(r.parsed) << r.clangDiagnostics;
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].line, 1u);
  EXPECT_EQ(r.diagnostics[0].column, 40u);
  EXPECT_EQ(r.diagnostics[0].message, "the second __launch_bounds__ argument of 'k' is the minimum resident blocks per "
                                      "multiprocessor in cuda but the minimum waves per execution unit in hip");
}

}  // namespace
}  // namespace xpile::checks::test
