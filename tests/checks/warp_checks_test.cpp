// The warp-size checks against hand-written kernels, with the exact diagnostics expected.
#include "tests/checks/check_test_util.h"

#include <gtest/gtest.h>

namespace xpile::checks::test {
namespace {

using Lines = std::vector<std::string>;

TEST(WarpSizeLiteralCheck, FlagsLaneAndWarpArithmeticWithTheCudaWarpWidth) {
  const std::string source = R"(__global__ void k(int *out) {
  int tid = blockIdx.x * blockDim.x + threadIdx.x;
  int lane = threadIdx.x % 32;
  int warp = tid / 32;
  int lane2 = threadIdx.x & 31;
  int warp2 = threadIdx.x >> 5;
  int unrelated = out[0] % 32;
  out[tid] = lane + warp + lane2 + warp2 + unrelated;
}
)";
  FileCheckResult r = runChecks("warp.cu", source, "-*,portability-warp-size-literal");
  ASSERT_TRUE(r.parsed) << r.clangDiagnostics;
  EXPECT_EQ(findings(r),
            (Lines{"3:28: portability-warp-size-literal: '% 32' computes a lane index for a warp of 32 threads; a "
                   "wavefront on gfx90a has 64",
                   "  note 3:14: in this lane index computation",
                   "4:20: portability-warp-size-literal: '/ 32' computes a warp index for a warp of 32 threads; a "
                   "wavefront on gfx90a has 64",
                   "  note 4:14: in this warp index computation",
                   "5:29: portability-warp-size-literal: '& 31' computes a lane index for a warp of 32 threads; a "
                   "wavefront on gfx90a has 64",
                   "  note 5:15: in this lane index computation",
                   "6:30: portability-warp-size-literal: '>> 5' computes a warp index for a warp of 32 threads; a "
                   "wavefront on gfx90a has 64",
                   "  note 6:15: in this warp index computation"}));
  // `% 32` and `/ 32` get warpSize as fix-it; `& 31` and `>> 5` have no exact one-token spelling.
  ASSERT_EQ(r.diagnostics.size(), 4u);
  ASSERT_EQ(r.diagnostics[0].fixes.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].fixes[0].getReplacementText(), "warpSize");
  EXPECT_EQ(r.diagnostics[0].fixes[0].getOffset(), source.find("32;"));
  EXPECT_EQ(r.diagnostics[1].fixes.size(), 1u);
  EXPECT_TRUE(r.diagnostics[2].fixes.empty());
  EXPECT_TRUE(r.diagnostics[3].fixes.empty());
}

TEST(WarpSizeLiteralCheck, DoesNotApplyWhenTheWarpWidthStaysTheSame) {
  const std::string source = "__global__ void k(int *out) { out[threadIdx.x] = threadIdx.x % 32; }\n";
  FileCheckResult r = runChecks("same.cu", source, "-*,portability-warp-size-literal", ast::Dialect::CUDA);
  ASSERT_TRUE(r.parsed) << r.clangDiagnostics;
  EXPECT_TRUE(r.diagnostics.empty());
}

TEST(FullWarpMaskCheck, FlagsTheLiteralMaskAndAMaskVariable) {
  const std::string source = R"(__global__ void k(float *out) {
  float v = out[threadIdx.x];
  v += __shfl_xor_sync(0xffffffff, v, 1);
  unsigned mask = 0xffffffff;
  v += __shfl_down_sync(mask, v, 2);
  v += __shfl_down_sync(0x0000ffff, v, 4);
  out[threadIdx.x] = v;
}
)";
  FileCheckResult r = runChecks("mask.cu", source, "-*,portability-full-warp-mask");
  ASSERT_TRUE(r.parsed) << r.clangDiagnostics;
  EXPECT_EQ(findings(r),
            (Lines{"3:24: portability-full-warp-mask: full-warp mask 0xffffffff passed to '__shfl_xor_sync' names "
                   "lanes 0-31 only; a wavefront on gfx90a has 64 lanes",
                   "  note 3:8: lanes 32-63 do not take part in this call; HIP's '__shfl_xor_sync' takes a 64-bit mask",
                   "5:25: portability-full-warp-mask: full-warp mask 0xffffffff passed to '__shfl_down_sync' names "
                   "lanes 0-31 only; a wavefront on gfx90a has 64 lanes",
                   "  note 4:19: mask 'mask' is initialised here",
                   "  note 5:8: lanes 32-63 do not take part in this call; HIP's '__shfl_down_sync' takes a 64-bit mask"}));
  ASSERT_EQ(r.diagnostics[1].fixes.size(), 1u);
  EXPECT_EQ(r.diagnostics[1].fixes[0].getOffset(), source.find("0xffffffff;"));  // the initialiser is fixed
  EXPECT_EQ(r.diagnostics[1].fixes[0].getReplacementText(), "0xffffffffffffffffull");
}

TEST(BallotWidthCheck, FlagsAVoteKeptInThirtyTwoBitsWithATypeFix) {
  const std::string source = R"(__global__ void k(unsigned *out, const float *in) {
  unsigned votes = __ballot_sync(0xffffffffu, in[threadIdx.x] > 0.0f);
  unsigned long long wide = __ballot_sync(0xffffffffu, in[threadIdx.x] > 1.0f);
  auto deduced = __activemask();
  out[0] = __ballot_sync(0xffffffffu, in[threadIdx.x] > 2.0f);
  out[1] = votes + wide + deduced;
}
)";
  FileCheckResult r = runChecks("ballot.cu", source, "-*,portability-ballot-width");
  ASSERT_TRUE(r.parsed) << r.clangDiagnostics;
  EXPECT_EQ(findings(r),
            (Lines{"2:12: portability-ballot-width: '__ballot_sync' returns a 64-bit lane mask on gfx90a; 'votes' "
                   "keeps only 32 bits of it",
                   "  note 2:20: the vote is taken here",
                   "5:10: portability-ballot-width: '__ballot_sync' returns a 64-bit lane mask on gfx90a; assigning "
                   "it to a 32-bit 'unsigned int' drops the upper lanes",
                   "  note 5:12: the vote is taken here"}));
  ASSERT_EQ(r.diagnostics[0].fixes.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].fixes[0].getOffset(), source.find("unsigned votes"));
  EXPECT_EQ(r.diagnostics[0].fixes[0].getLength(), 8u);
  EXPECT_EQ(r.diagnostics[0].fixes[0].getReplacementText(), "unsigned long long");
}

}  // namespace
}  // namespace xpile::checks::test
