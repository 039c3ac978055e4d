// BANG executor: reductions and pooling (§8.5). Built twice: for MLU370 (default) and with
// -D__BANG_ARCH__=270, where __bang_reduce_sum zeroes the non-result lanes of each 128-byte block.
#include "xpile_bang.h"

#include <gtest/gtest.h>

namespace {
__nram__ float S[1024], D[1024];
__nram__ half HS[512], HD[512];
}  // namespace

TEST(BangReduce, ReduceSumIsPer128ByteBlock) {
  const int n = 96;  // three blocks of 32 floats
  for (int i = 0; i < n; ++i) S[i] = static_cast<float>(i % 10);
  for (int i = 0; i < n; ++i) D[i] = 7.0f;
  __bang_reduce_sum(D, S, n);
  // block sums: i%10 over 0..31, 32..63, 64..95
  float expected[3] = {0, 0, 0};
  for (int i = 0; i < n; ++i) expected[i / 32] += static_cast<float>(i % 10);
  EXPECT_EQ(expected[0], 136.0f);  // hand check: 0..31 -> 3*(0+...+9) + 0 + 1
  for (int b = 0; b < 3; ++b) {
    EXPECT_EQ(D[b * 32], expected[b]) << b;
    for (int i = 1; i < 32; ++i) {
#if __BANG_ARCH__ < 300
      EXPECT_EQ(D[b * 32 + i], 0.0f) << "2xx zeroes the other lanes";
#else
      EXPECT_EQ(D[b * 32 + i], 7.0f) << "3xx leaves the other lanes unchanged";
#endif
    }
  }
  // In place, then reduce the 32 lanes of one block to a total (the mlu-ops idiom).
  for (int i = 0; i < 32; ++i) S[i] = 1.0f;
  __bang_reduce_sum(S, S, 32);
  EXPECT_EQ(S[0], 32.0f);
}

TEST(BangReduce, ReduceSumHalfBlocksAre64Elements) {
  for (int i = 0; i < 128; ++i) HS[i] = static_cast<half>(i < 64 ? 1.0f : 2.0f);
  __bang_reduce_sum(HD, HS, 128);
  EXPECT_EQ(static_cast<float>(HD[0]), 64.0f);
  EXPECT_EQ(static_cast<float>(HD[64]), 128.0f);
}

TEST(BangReduce, SumMaxMinArgmaxCount) {
  float v[10] = {3, -1, 9, 4, 9, -7, 0, 2, -7, 5};
  std::memcpy(S, v, sizeof v);
  EXPECT_EQ(__bang_sum(S, 10), 17.0f);
  __bang_max(D, S, 10);
  EXPECT_EQ(D[0], 9.0f);
  EXPECT_EQ(reinterpret_cast<uint32_t *>(D)[1], 2u);  // first occurrence
  __bang_min(D, S, 10);
  EXPECT_EQ(D[0], -7.0f);
  EXPECT_EQ(reinterpret_cast<uint32_t *>(D)[1], 5u);
  __bang_argmax(D, S, 10);
  EXPECT_EQ(D[0], 9.0f);
  EXPECT_EQ(reinterpret_cast<uint32_t *>(D)[1] & 0x3ffffffu, 2u);
  __bang_argmin(D, S, 10);
  EXPECT_EQ(reinterpret_cast<uint32_t *>(D)[1] & 0x3ffffffu, 5u);
  __bang_fabsmax(D, S, 10);
  EXPECT_EQ(D[0], 9.0f);
  EXPECT_EQ(__bang_count(S, 10), 9);  // newer form returns the count of non-zero elements
  unsigned int c = 0;
  __bang_count(&c, S, 10);  // CNToolkit 3.6 form writes it
  EXPECT_EQ(c, 9u);
  for (int i = 0; i < 10; ++i) HS[i] = static_cast<half>(v[i]);
  __bang_max(HD, HS, 10);
  EXPECT_EQ(static_cast<float>(HD[0]), 9.0f);
  EXPECT_EQ(reinterpret_cast<uint16_t *>(HD)[1], 2u);
  EXPECT_EQ(static_cast<float>(__bang_sum(HS, 10)), 17.0f);
}

// Hand-computed: 3x3 single-channel input 1..9, 2x2 window, stride 2: only the top-left window
// fits (VALID); the last row and column are discarded.
TEST(BangPool, ValidWindowsThatDoNotFitAreDiscarded) {
  for (int i = 0; i < 9; ++i) S[i] = static_cast<float>(i + 1);
  for (int i = 0; i < 4; ++i) D[i] = -1.0f;
  __bang_sumpool(D, S, 1, 3, 3, 2, 2, 2, 2);
  EXPECT_EQ(D[0], 12.0f);
  EXPECT_EQ(D[1], -1.0f);  // only one output
  __bang_maxpool(D, S, 1, 3, 3, 2, 2, 2, 2);
  EXPECT_EQ(D[0], 5.0f);
  __bang_minpool(D, S, 1, 3, 3, 2, 2, 2, 2);
  EXPECT_EQ(D[0], 1.0f);
  __bang_avgpool(D, S, 1, 3, 3, 2, 2, 2, 2);
  EXPECT_EQ(D[0], 3.0f);
}

// HWC, C = 32, H = 5, W = 8, window 2 (h) x 3 (w), stride_width 3, stride_height 2:
// Ho = (5-2)/2+1 = 2, Wo = (8-3)/3+1 = 2 (row 4 and columns 6..7 never used).
TEST(BangPool, HwcWithDistinctWidthAndHeightStrides) {
  const int C = 32, H = 5, W = 8, kh = 2, kw = 3, sw = 3, sh = 2, Ho = 2, Wo = 2;
  for (int i = 0; i < H * W * C; ++i) S[i] = static_cast<float>((i * 37) % 101) - 50.0f;
  __bang_sumpool(D, S, C, H, W, kh, kw, sw, sh);
  for (int oy = 0; oy < Ho; ++oy)
    for (int ox = 0; ox < Wo; ++ox)
      for (int c = 0; c < C; ++c) {
        float sum = 0, mx = -1e30f;
        for (int r = 0; r < kh; ++r)
          for (int s = 0; s < kw; ++s) {
            float v = S[((oy * sh + r) * W + ox * sw + s) * C + c];
            sum += v;
            mx = std::max(mx, v);
          }
        EXPECT_EQ(D[(oy * Wo + ox) * C + c], sum);
        (void)mx;
      }
  __bang_maxpool(D, S, C, H, W, kh, kw, sw, sh);
  for (int oy = 0; oy < Ho; ++oy)
    for (int ox = 0; ox < Wo; ++ox)
      for (int c = 0; c < C; ++c) {
        float mx = -1e30f;
        for (int r = 0; r < kh; ++r)
          for (int s = 0; s < kw; ++s) mx = std::max(mx, S[((oy * sh + r) * W + ox * sw + s) * C + c]);
        EXPECT_EQ(D[(oy * Wo + ox) * C + c], mx);
      }
}

TEST(BangPool, SevenArgumentHalfFormUsesKernelSizeAsStride) {
  // 4x4 single channel, window 2x2 -> stride 2x2 -> 2x2 outputs
  for (int i = 0; i < 16; ++i) HS[i] = static_cast<half>(static_cast<float>(i));
  __bang_sumpool(HD, HS, 1, 4, 4, 2, 2);
  EXPECT_EQ(static_cast<float>(HD[0]), 0 + 1 + 4 + 5);
  EXPECT_EQ(static_cast<float>(HD[1]), 2 + 3 + 6 + 7);
  EXPECT_EQ(static_cast<float>(HD[2]), 8 + 9 + 12 + 13);
  EXPECT_EQ(static_cast<float>(HD[3]), 10 + 11 + 14 + 15);
  __bang_maxpool(HD, HS, 1, 4, 4, 2, 2);
  EXPECT_EQ(static_cast<float>(HD[3]), 15.0f);
}

TEST(BangPool, MaxpoolIndexAndBackward) {
  float v[9] = {1, 8, 3, 4, 5, 6, 7, 2, 9};  // 3x3, window 2x2 stride 1 -> 2x2
  std::memcpy(S, v, sizeof v);
  __bang_maxpool_index(D, S, 1, 3, 3, 2, 2, 1, 1);
  uint32_t *idx = reinterpret_cast<uint32_t *>(D);
  EXPECT_EQ(idx[0], 1u);  // window {1,8,4,5}: max 8 at (0,1)
  EXPECT_EQ(idx[1], 0u);  // window {8,3,5,6}: max 8 at (0,0)
  EXPECT_EQ(idx[2], 2u);  // window {4,5,7,2}: max 7 at (1,0)
  EXPECT_EQ(idx[3], 3u);  // window {5,6,2,9}: max 9 at (1,1)
  float grad[4] = {1, 10, 100, 1000};
  std::memcpy(S + 100, grad, sizeof grad);
  __bang_maxpool_bp(S + 200, S + 100, D, 1, 3, 3, 2, 2, 1, 1, OVERLAP_ACC);
  float expected[9] = {0, 11, 0, 0, 0, 0, 100, 0, 1000};  // window 2 max is input (2,0)
  for (int i = 0; i < 9; ++i) EXPECT_EQ(S[200 + i], expected[i]) << i;
}
