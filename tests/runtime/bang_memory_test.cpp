// BANG executor: __memcpy in every form, fills, address-space queries (bang-c.md §5, §8.10).
#include "xpile_bang.h"

#include <gtest/gtest.h>

namespace {
__nram__ unsigned char nbuf[4096];
__nram__ float nfloat[256];
__wram__ float wbuf[256];

std::vector<unsigned char> pattern(size_t n) {
  std::vector<unsigned char> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<unsigned char>(i * 7 + 3);
  return v;
}
}  // namespace

TEST(BangMemcpy, OneDimensionalRoundTrip) {
  auto *g = static_cast<float *>(xpile::rt::deviceAlloc(64 * sizeof(float), "g"));
  for (int i = 0; i < 64; ++i) g[i] = i * 1.5f;
  __memcpy(nfloat, g, 64 * sizeof(float), GDRAM2NRAM);
  for (int i = 0; i < 64; ++i) EXPECT_EQ(nfloat[i], i * 1.5f);
  __memcpy(wbuf, nfloat, 64 * sizeof(float), NRAM2WRAM);
  __memcpy_async(nfloat + 64, wbuf, 64 * sizeof(float), WRAM2NRAM);
  __sync_copy_wram_to_nram();
  float *g2 = static_cast<float *>(xpile::rt::deviceAlloc(64 * sizeof(float), "g2"));
  __memcpy(g2, nfloat + 64, 64 * sizeof(float), NRAM2GDRAM);
  for (int i = 0; i < 64; ++i) EXPECT_EQ(g2[i], i * 1.5f);
  xpile::rt::deviceFree(g);
  xpile::rt::deviceFree(g2);
}

// The doc example: size 128, src_stride 256, dst_stride 192, segnum 2 -> THREE segments.
TEST(BangMemcpy, StridedCopiesSegnumPlusOneSegments) {
  auto src = pattern(1024);
  std::memset(nbuf, 0xEE, sizeof nbuf);
  __memcpy(nbuf, src.data(), 128, GDRAM2NRAM, 192, 256, 2);
  for (int seg = 0; seg < 4; ++seg)
    for (int b = 0; b < 192; ++b) {
      unsigned char got = nbuf[seg * 192 + b];
      if (seg < 3 && b < 128) EXPECT_EQ(got, src[seg * 256 + b]) << seg << "," << b;
      else EXPECT_EQ(got, 0xEE) << "gap or fourth segment written at " << seg << "," << b;
    }
}

TEST(BangMemcpy, ThreeDimensionalCopy) {
  // Source: 8-byte rows, 3 rows at stride 16, that block twice at stride 64 (6 segments).
  // Destination: packed 8-byte segments, 2 per block at stride 8, 3 blocks at stride 16.
  auto src = pattern(256);
  std::memset(nbuf, 0, 256);
  __memcpy(nbuf, src.data(), 8, GDRAM2NRAM, /*dst_stride0*/ 8, /*dst_segnum1*/ 1, /*dst_stride1*/ 16, /*dst_segnum2*/ 2,
           /*src_stride0*/ 16, /*src_segnum1*/ 2, /*src_stride1*/ 64, /*src_segnum2*/ 1);
  int srcOffsets[6] = {0, 16, 32, 64, 80, 96};
  int dstOffsets[6] = {0, 8, 16, 24, 32, 40};
  for (int k = 0; k < 6; ++k)
    for (int b = 0; b < 8; ++b) EXPECT_EQ(nbuf[dstOffsets[k] + b], src[srcOffsets[k] + b]) << k;
}

TEST(BangMemcpy, FaultsOnBadStridesAndDirections) {
  EXPECT_EXIT(__memcpy(nbuf, nbuf + 1024, 128, NRAM2NRAM, 64, 128, 1), testing::ExitedWithCode(xpile::rt::kFaultExitCode),
              "xpile-fault: invalid-argument: __memcpy: dst_stride \\(64\\) must be >= size \\(128\\)");
  static float gdram[4];
  EXPECT_EXIT(__memcpy(gdram, nfloat, 16, GDRAM2NRAM), testing::ExitedWithCode(xpile::rt::kFaultExitCode),
              "invalid-argument: __memcpy: direction GDRAM2NRAM but the source .* is in NRAM, not GDRAM");
  EXPECT_EXIT(__memcpy(wbuf, gdram, 16, GDRAM2NRAM), testing::ExitedWithCode(xpile::rt::kFaultExitCode),
              "direction GDRAM2NRAM but the destination .* is in WRAM");
  EXPECT_EXIT(__memcpy(nbuf, gdram, 8, GDRAM2NRAM, 0, 1, 1, 1, 0, 0, 0, 0),
              testing::ExitedWithCode(xpile::rt::kFaultExitCode), "the destination has 4 segments but the source 1");
  EXPECT_EXIT(__memcpy(nbuf + 4000, gdram, 200, GDRAM2NRAM), testing::ExitedWithCode(xpile::rt::kFaultExitCode),
              "out-of-bounds: __memcpy: the destination range");
}

TEST(BangFill, WriteValueNramsetAndZero) {
  __bang_write_value(nfloat, 10, 2.5f);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(nfloat[i], 2.5f);
  half *h = reinterpret_cast<half *>(nbuf);
  __bang_write_value(h, 5, static_cast<half>(-1.5f));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(static_cast<float>(h[i]), -1.5f);
  __nramset(reinterpret_cast<int *>(nbuf), 4, 77);
  EXPECT_EQ(reinterpret_cast<int *>(nbuf)[3], 77);
  __bang_write_zero(nfloat, 10);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(nfloat[i], 0.0f);
  nfloat[10] = 9.0f;
  __bang_write_zero(nfloat, 10);
  EXPECT_EQ(nfloat[10], 9.0f);  // exactly elem_count elements
  // 3-D form: 2 elements, 3 times at 16-byte stride, twice at 64-byte stride
  std::memset(nbuf, 0, 256);
  __bang_write_value(nbuf, 2, static_cast<unsigned char>(9), 16, 3, 64, 2);
  for (int i = 0; i < 128; ++i) {
    bool in = (i % 64) < 48 && (i % 16) < 2;
    EXPECT_EQ(nbuf[i], in ? 9 : 0) << i;
  }
  EXPECT_EXIT(__bang_write_zero(nfloat, 0), testing::ExitedWithCode(xpile::rt::kFaultExitCode),
              "invalid-argument: __bang_write_zero: elem_count must be > 0");
}

TEST(BangSpaces, IsNramIsWramIsSram) {
  static float global[4];
  float local[4];
  EXPECT_TRUE(__is_nram(nfloat));
  EXPECT_TRUE(__is_nram(nbuf + 100));
  EXPECT_TRUE(__is_nram(local));  // automatic variables: cncc's stack is in NRAM
  EXPECT_FALSE(__is_nram(wbuf));
  EXPECT_FALSE(__is_nram(global));
  EXPECT_TRUE(__is_wram(wbuf + 3));
  EXPECT_FALSE(__is_wram(nfloat));
  EXPECT_FALSE(__is_sram(nfloat));
  EXPECT_TRUE(__is_dram(global));
  EXPECT_FALSE(__is_dram(wbuf));
}

TEST(BangConfig, MacrosAndEnums) {
  EXPECT_EQ(__BANG_ARCH__, 372);
  EXPECT_EQ(__MLU_NRAM_SIZE__, 768);
  EXPECT_EQ(__MLU_WRAM_SIZE__, 1024);
  EXPECT_EQ(__MLU_SRAM_SIZE__, 4096);
  EXPECT_EQ(static_cast<int>(GDRAM2NRAM), 0);
  EXPECT_EQ(static_cast<int>(NRAM2NRAM), 8);
  EXPECT_EQ(static_cast<int>(SRAM2SRAM), 23);
  EXPECT_EQ(static_cast<int>(cnrtFuncTypeUnion2), 8);
  EXPECT_EQ(static_cast<int>(CNRT_FUNC_TYPE_UNION2), static_cast<int>(cnrtFuncTypeUnion2));
  EXPECT_EQ(static_cast<int>(CNRT_MEM_TRANS_DIR_DEV2HOST), static_cast<int>(cnrtMemcpyDevToHost));
}
