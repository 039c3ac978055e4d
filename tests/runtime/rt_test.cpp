// The shared runtime: allocation registry, checked accesses, dtypes.
#include "xpile_rt.h"

#include <gtest/gtest.h>

using namespace xpile::rt;

TEST(Registry, FindsTheAllocationContainingAPointer) {
  float *a = static_cast<float *>(deviceAlloc(100 * sizeof(float), "a"));
  float *b = static_cast<float *>(deviceAlloc(10 * sizeof(float), "b"));
  ASSERT_NE(Registry::get().find(a + 99), nullptr);
  EXPECT_EQ(Registry::get().find(a + 99)->label, "a");
  EXPECT_EQ(Registry::get().find(a + 99, 2 * sizeof(float)), nullptr);  // straddles the end
  EXPECT_EQ(Registry::get().owner(b + 3)->label, "b");
  int onStack = 0;
  EXPECT_EQ(Registry::get().owner(&onStack), nullptr);
  deviceFree(a);
  deviceFree(b);
  EXPECT_EQ(Registry::get().owner(b), nullptr);
}

TEST(Registry, DeviceMemoryStartsWithAPattern) {
  unsigned char *p = static_cast<unsigned char *>(deviceAlloc(16));
  for (int i = 0; i < 16; ++i) EXPECT_EQ(p[i], 0xCD);
  deviceFree(p);
}

TEST(DType, FromCxxTypes) {
  EXPECT_EQ(dtypeOf<float>(), DType::F32);
  EXPECT_EQ(dtypeOf<const double>(), DType::F64);
  EXPECT_EQ(dtypeOf<signed char>(), DType::I8);
  EXPECT_EQ(dtypeOf<unsigned char>(), DType::U8);
  EXPECT_STREQ(dtypeName(DType::BF16), "bf16");
}

TEST(CheckedAccess, OutOfBoundsIsAFaultWithAClearMessage) {
  setenv("XPILE_CHECK_BOUNDS", "1", 1);
  EXPECT_EXIT(
      {
        float *a = static_cast<float *>(deviceAlloc(8 * sizeof(float), "d_out"));
        XPILE_AT(a, 7) = 1.0f;  // fine
        XPILE_AT(a, 8) = 1.0f;  // one past the end
      },
      testing::ExitedWithCode(kFaultExitCode), "xpile-fault: out-of-bounds: .*element 8 of buffer 'd_out' \\(8 elements");
}
