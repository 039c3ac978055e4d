// BANG executor: strict mode (XPILE_BANG_STRICT=1, MLU270-class alignment rules of bang-c.md §9).
// Each death test re-executes this binary (threadsafe style), so the child reads the environment.
#include "xpile_bang.h"

#include <gtest/gtest.h>

namespace {
alignas(128) __nram__ float A[512];
alignas(128) __nram__ float B[512];
alignas(128) __nram__ float D[512];
void strictOn() {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  setenv("XPILE_BANG_STRICT", "1", 1);
}
}  // namespace

TEST(BangStrict, AlignedOperationsPass) {
  strictOn();
  EXPECT_EXIT(
      {
        __bang_add(D, A, B, 64);  // 256 bytes, 64-byte aligned operands
        std::exit(0);
      },
      testing::ExitedWithCode(0), "");
}

TEST(BangStrict, ElementCountBytesMustBeAMultipleOf128) {
  strictOn();
  EXPECT_EXIT(__bang_add(D, A, B, 10), testing::ExitedWithCode(xpile::rt::kFaultExitCode),
              "xpile-fault: misaligned: __bang_add: elem_count \\* sizeof\\(T\\) = 40 bytes is not a multiple of 128");
}

TEST(BangStrict, NramOperandsMustBe64ByteAligned) {
  strictOn();
  EXPECT_EXIT(__bang_mul(D, A + 1, B, 32), testing::ExitedWithCode(xpile::rt::kFaultExitCode),
              "xpile-fault: misaligned: __bang_mul: NRAM operand address .* is not 64-byte aligned");
}

TEST(BangStrict, PoolingTransposeConvRules) {
  strictOn();
  EXPECT_EXIT(__bang_sumpool(D, A, 8, 4, 4, 2, 2, 2, 2), testing::ExitedWithCode(xpile::rt::kFaultExitCode),
              "misaligned: __bang_sumpool: channel \\* sizeof\\(T\\) = 32 bytes is not a multiple of 128");
  EXPECT_EXIT(__bang_transpose(D, A, 32, 8), testing::ExitedWithCode(xpile::rt::kFaultExitCode),
              "misaligned: __bang_transpose: width \\* sizeof\\(T\\) = 32 bytes");
  EXPECT_EXIT(__bang_conv(D, A, B, 16, 2, 2, 1, 1, 1, 1, 32), testing::ExitedWithCode(xpile::rt::kFaultExitCode),
              "misaligned: __bang_conv: channel_output = 32 is not a multiple of 64");
}

TEST(BangStrict, NotStrictByDefault) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  unsetenv("XPILE_BANG_STRICT");
  EXPECT_EXIT(
      {
        __bang_add(D, A + 1, B, 10);
        std::exit(0);
      },
      testing::ExitedWithCode(0), "");
}
