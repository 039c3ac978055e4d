// BANG executor: conversions with every rounding suffix at tie cases (§8.8). Expected values are
// hand-computed: around 1.0 the half ulp is 2^-10 and the bfloat16 ulp is 2^-7.
#include "xpile_bang.h"

#include <gtest/gtest.h>

#include <cmath>

namespace {
__nram__ float F[64];
__nram__ half H[64];
__nram__ int I[64];

float toF(half h) { return static_cast<float>(h); }
const float u = std::ldexp(1.0f, -10);  // half ulp at 1.0
}  // namespace

TEST(BangConvert, FloatToHalfEveryRoundingAtTies) {
  float in[6] = {1.0f + u / 2, 1.0f + 3 * u / 2, -(1.0f + u / 2), 1.0f + u / 4, 70000.0f, -70000.0f};
  std::memcpy(F, in, sizeof in);
  const float inf = INFINITY;
  struct Row { void (*f)(half *, float *, int); float e[6]; const char *name; };
  Row rows[] = {
      {__bang_float2half_rn, {1, 1 + 2 * u, -1, 1, inf, -inf}, "rn"},
      {__bang_float2half_tz, {1, 1 + u, -1, 1, 65504, -65504}, "tz"},
      {__bang_float2half_dn, {1, 1 + u, -(1 + u), 1, 65504, -inf}, "dn"},
      {__bang_float2half_up, {1 + u, 1 + 2 * u, -1, 1 + u, inf, -65504}, "up"},
      {__bang_float2half_oz, {1 + u, 1 + 2 * u, -(1 + u), 1 + u, inf, -inf}, "oz"},
      {__bang_float2half_rd, {1 + u, 1 + 2 * u, -(1 + u), 1, inf, -inf}, "rd"},
      {__bang_float2half_rm, {1 + u, 1 + 2 * u, -(1 + u), 1, inf, -inf}, "rm"},
  };
  for (const Row &r : rows) {
    r.f(H, F, 6);
    for (int i = 0; i < 6; ++i) EXPECT_EQ(toF(H[i]), r.e[i]) << r.name << " element " << i;
  }
  EXPECT_EQ(toF(__float2half_rn(1.0f + u / 2)), 1.0f);
  EXPECT_EQ(toF(__float2half_up(1.0f + u / 4)), 1.0f + u);
  // subnormal: 2^-25 is half the smallest subnormal 2^-24 -> ties to even gives 0, up gives 2^-24
  EXPECT_EQ(toF(__float2half_rn(std::ldexp(1.0f, -25))), 0.0f);
  EXPECT_EQ(toF(__float2half_up(std::ldexp(1.0f, -25))), std::ldexp(1.0f, -24));
  EXPECT_EQ(toF(__float2half_rd(std::ldexp(1.0f, -25))), std::ldexp(1.0f, -24));
}

TEST(BangConvert, StridedHalfToFloatAndBack) {
  for (int i = 0; i < 8; ++i) H[i] = static_cast<half>(i + 0.5f);
  // 2 elements per block; blocks 8 bytes apart in src (4 halves), 16 bytes in dst (4 floats); 2 blocks
  for (int i = 0; i < 8; ++i) F[i] = -1.0f;
  __bang_half2float(F, H, 2, 16, 8, 1);
  EXPECT_EQ(F[0], 0.5f); EXPECT_EQ(F[1], 1.5f); EXPECT_EQ(F[2], -1.0f);
  EXPECT_EQ(F[4], 4.5f); EXPECT_EQ(F[5], 5.5f); EXPECT_EQ(F[6], -1.0f);
  // the mlu-ops idiom: half input in the upper half of the same buffer
  half *upper = reinterpret_cast<half *>(F) + 16;
  for (int i = 0; i < 16; ++i) upper[i] = static_cast<half>(i * 0.25f);
  __bang_half2float(F, upper, 16);
  for (int i = 0; i < 16; ++i) EXPECT_EQ(F[i], i * 0.25f);
}

TEST(BangConvert, FloatToIntWithFixPositionEveryRounding) {
  float in[5] = {2.5f, -2.5f, 3.5f, 2.25f, -0.75f};
  std::memcpy(F, in, sizeof in);
  struct Row { void (*f)(int *, float *, int, int); int e[5]; const char *name; };
  Row rows[] = {
      {__bang_float2int_rn, {2, -2, 4, 2, -1}, "rn"},
      {__bang_float2int_tz, {2, -2, 3, 2, 0}, "tz"},
      {__bang_float2int_dn, {2, -3, 3, 2, -1}, "dn"},
      {__bang_float2int_up, {3, -2, 4, 3, 0}, "up"},
      {__bang_float2int_oz, {3, -3, 4, 3, -1}, "oz"},
      {__bang_float2int_rd, {3, -3, 4, 2, -1}, "rd"},
  };
  for (const Row &r : rows) {
    r.f(I, F, 5, 0);
    for (int i = 0; i < 5; ++i) EXPECT_EQ(I[i], r.e[i]) << r.name << " element " << i;
  }
  // fix_position: value = int * 2^fix -> int = x / 2^fix
  F[0] = 5.0f;   // fix 1: 2.5
  F[1] = 1.25f;  // fix -2: 5
  __bang_float2int_rn(I, F, 1, 1);
  EXPECT_EQ(I[0], 2);
  __bang_float2int_rd(I, F, 1, 1);
  EXPECT_EQ(I[0], 3);
  __bang_float2int_rn(I, F + 1, 1, -2);
  EXPECT_EQ(I[0], 5);
  // saturation
  F[0] = 300.0f;
  int8 small[1];
  __bang_float2int8_rn(small, F, 1, 0);
  EXPECT_EQ(small[0], 127);
  I[0] = 3;
  __bang_int2float(F, I, 1, 2);
  EXPECT_EQ(F[0], 12.0f);
  I[0] = 16777217;  // 2^24 + 1: halfway between two floats
  __bang_int322float_rn(F, I, 1, 0);
  EXPECT_EQ(F[0], 16777216.0f);
  __bang_int322float_rd(F, I, 1, 0);
  EXPECT_EQ(F[0], 16777218.0f);
  EXPECT_EQ(__float2int_rn(-0.5f), 0);
  EXPECT_EQ(__float2int_rd(-0.5f), -1);
  EXPECT_EQ(__half2int_up(static_cast<half>(1.5f)), 2);
}

TEST(BangConvert, Bfloat16RoundingModes) {
  const float b = std::ldexp(1.0f, -7);
  F[0] = 1.0f + b / 2;  // tie
  F[1] = 1.0f + 3 * b / 2;  // tie, odd lower neighbour
  bfloat16_t out[2];
  __bang_float2bfloat16_rn(out, F, 2);
  EXPECT_EQ(out[0].value, 0x3f80);
  EXPECT_EQ(out[1].value, 0x3f82);
  __bang_float2bfloat16_tz(out, F, 2);
  EXPECT_EQ(out[0].value, 0x3f80);
  EXPECT_EQ(out[1].value, 0x3f81);
  __bang_float2bfloat16_up(out, F, 2);
  EXPECT_EQ(out[0].value, 0x3f81);
  __bang_float2bfloat16_rd(out, F, 2);
  EXPECT_EQ(out[0].value, 0x3f81);
  __bang_bfloat162float(F + 10, out, 2);
  EXPECT_EQ(F[10], 1.0f + b);
  EXPECT_EQ(__bfloat162float(__float2bfloat16_dn(-(1.0f + b / 2))), -(1.0f + b));
}
