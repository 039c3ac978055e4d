// BANG executor: mlp, conv, matmul and layout intrinsics (§8.6) against scalar loops written here.
#include "xpile_bang.h"

#include <gtest/gtest.h>

namespace {
__nram__ float NF[8192], OUT[8192];
__nram__ int8 N8[1024];
__wram__ float WF[16384];
__wram__ int8 W8[16384];
}  // namespace

TEST(BangMlp, FixedPointInputsAgainstScalarGemv) {
  const int height = 64, width = 48;
  for (int j = 0; j < width; ++j) N8[j] = static_cast<int8>((j * 5) % 17 - 8);
  std::vector<int8> w(height * width);
  for (int i = 0; i < height * width; ++i) w[i] = static_cast<int8>((i * 7) % 23 - 11);
  __bang_reshape_filter(W8, w.data(), height, 1, 1, width);  // logical layout: a plain copy
  __bang_mlp(OUT, N8, W8, height, width, 0);
  for (int i = 0; i < height; ++i) {
    int acc = 0;
    for (int j = 0; j < width; ++j) acc += N8[j] * w[i * width + j];
    EXPECT_EQ(OUT[i], static_cast<float>(acc)) << i;
  }
  // with bias and fix_position 2: (sum * 2^2) + bias
  for (int i = 0; i < height; ++i) NF[i] = 0.5f * i;
  __bang_mlp(OUT, N8, NF, W8, height, width, 2);
  for (int i = 0; i < height; ++i) {
    int acc = 0;
    for (int j = 0; j < width; ++j) acc += N8[j] * w[i * width + j];
    EXPECT_EQ(OUT[i], acc * 4.0f + 0.5f * i) << i;
  }
}

TEST(BangConv, NhwcValidConvolutionWithStridesAgainstScalarLoops) {
  const int ci = 8, h = 7, w = 9, kh = 3, kw = 2, sw = 2, sh = 2, co = 64;
  const int ho = (h - kh) / sh + 1, wo = (w - kw) / sw + 1;  // 3 x 4; row 6 and column 8 unused
  for (int i = 0; i < h * w * ci; ++i) NF[i] = static_cast<float>((i * 13) % 19) * 0.25f - 2.0f;
  std::vector<float> k(co * kh * kw * ci);
  for (size_t i = 0; i < k.size(); ++i) k[i] = static_cast<float>((i * 11) % 7) - 3.0f;
  __bang_reshape_filter(WF, k.data(), co, kh, kw, ci);
  __bang_conv(OUT, NF, WF, ci, h, w, kh, kw, sw, sh, co);
  for (int oy = 0; oy < ho; ++oy)
    for (int ox = 0; ox < wo; ++ox)
      for (int o = 0; o < co; ++o) {
        double acc = 0;
        for (int r = 0; r < kh; ++r)
          for (int s = 0; s < kw; ++s)
            for (int c = 0; c < ci; ++c)
              acc += NF[((oy * sh + r) * w + (ox * sw + s)) * ci + c] * k[((o * kh + r) * kw + s) * ci + c];
        ASSERT_FLOAT_EQ(OUT[(oy * wo + ox) * co + o], static_cast<float>(acc)) << oy << "," << ox << "," << o;
      }
  // bias form
  float bias[64];
  for (int o = 0; o < co; ++o) bias[o] = o * 0.5f;
  std::vector<float> nobias(OUT, OUT + ho * wo * co);
  __bang_conv(OUT, NF, WF, bias, ci, h, w, kh, kw, sw, sh, co);
  for (int i = 0; i < ho * wo * co; ++i) ASSERT_FLOAT_EQ(OUT[i], nobias[i] + bias[i % co]);
  EXPECT_EXIT(__bang_conv(OUT, NF, WF, ci, 2, 2, kh, kw, sw, sh, co), testing::ExitedWithCode(xpile::rt::kFaultExitCode),
              "invalid-argument: __bang_conv: the 3x2 kernel does not fit the 2x2 input");
}

TEST(BangConv, GemvFormUsedByMluOps) {
  // __bang_conv(out, in, w, ci, 1,1,1,1,1,1, co): a GEMV
  const int ci = 16, co = 64;
  for (int c = 0; c < ci; ++c) NF[c] = c + 1.0f;
  for (int i = 0; i < co * ci; ++i) WF[i] = (i % 3) - 1.0f;
  __bang_conv(OUT, NF, WF, ci, 1, 1, 1, 1, 1, 1, co);
  for (int o = 0; o < co; ++o) {
    float acc = 0;
    for (int c = 0; c < ci; ++c) acc += NF[c] * WF[o * ci + c];
    EXPECT_EQ(OUT[o], acc);
  }
}

TEST(BangMatmul, AgainstScalarGemm) {
  const int m = 5, k = 7, n = 6;
  for (int i = 0; i < m * k; ++i) NF[i] = static_cast<float>(i % 5) - 1.5f;
  std::vector<float> rhs(n * k);  // [N][K]
  for (int i = 0; i < n * k; ++i) rhs[i] = static_cast<float>((i * 3) % 4) + 0.5f;
  __bang_reshape_filter(WF, rhs.data(), n, 1, 1, k);
  __bang_matmul(OUT, NF, WF, m, k, n);
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) {
      float acc = 0;
      for (int kk = 0; kk < k; ++kk) acc += NF[i * k + kk] * rhs[j * k + kk];
      EXPECT_FLOAT_EQ(OUT[i * n + j], acc);
    }
}

TEST(BangLayout, TransposeReshapePadMirrorRotate) {
  // 2x3 matrix 1..6
  float m[6] = {1, 2, 3, 4, 5, 6};
  std::memcpy(NF, m, sizeof m);
  __bang_transpose(OUT, NF, 2, 3);
  float t[6] = {1, 4, 2, 5, 3, 6};
  for (int i = 0; i < 6; ++i) EXPECT_EQ(OUT[i], t[i]);
  __bang_mirror(OUT, NF, 2, 3);
  float mi[6] = {3, 2, 1, 6, 5, 4};
  for (int i = 0; i < 6; ++i) EXPECT_EQ(OUT[i], mi[i]);
  __bang_rotate90(OUT, NF, 2, 3);  // clockwise: 3x2 [[4,1],[5,2],[6,3]]
  float r90[6] = {4, 1, 5, 2, 6, 3};
  for (int i = 0; i < 6; ++i) EXPECT_EQ(OUT[i], r90[i]);
  __bang_rotate180(OUT, NF, 2, 3);
  float r180[6] = {6, 5, 4, 3, 2, 1};
  for (int i = 0; i < 6; ++i) EXPECT_EQ(OUT[i], r180[i]);
  __bang_rotate270(OUT, NF, 2, 3);  // [[3,6],[2,5],[1,4]]
  float r270[6] = {3, 6, 2, 5, 1, 4};
  for (int i = 0; i < 6; ++i) EXPECT_EQ(OUT[i], r270[i]);
  // NHWC (1,2,2,3) -> NCHW and back
  for (int i = 0; i < 12; ++i) NF[i] = static_cast<float>(i);
  __bang_reshape_nhwc2nchw(OUT, NF, 1, 2, 2, 3);
  float nchw[12] = {0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11};
  for (int i = 0; i < 12; ++i) EXPECT_EQ(OUT[i], nchw[i]);
  __bang_reshape_nchw2nhwc(OUT + 100, OUT, 1, 2, 2, 3);
  for (int i = 0; i < 12; ++i) EXPECT_EQ(OUT[100 + i], static_cast<float>(i));
  // pad HWC (1 channel, 2x2) by top 1, bottom 0, left 0, right 2 with value 9
  float p[4] = {1, 2, 3, 4};
  std::memcpy(NF, p, sizeof p);
  __bang_pad(OUT, NF, 1, 2, 2, 1, 0, 0, 2, 9.0f);
  float padded[12] = {9, 9, 9, 9, 1, 2, 9, 9, 3, 4, 9, 9};
  for (int i = 0; i < 12; ++i) EXPECT_EQ(OUT[i], padded[i]);
  __bang_pad(OUT, NF, 1, 2, 2, 1, 1);  // symmetric, zeros: 4x4
  EXPECT_EQ(OUT[0], 0.0f);
  EXPECT_EQ(OUT[5], 1.0f);
  EXPECT_EQ(OUT[10], 4.0f);
  EXPECT_EQ(OUT[15], 0.0f);
}
