// BANG executor: element-wise binary, scalar, cycle, fusion and activation intrinsics (§8.1-§8.4),
// checked against scalar references computed here.
#include "xpile_bang.h"

#include <gtest/gtest.h>

#include <cmath>

namespace {
__nram__ float A[512], B[512], D[512];
__nram__ half HA[256], HB[256], HD[256];
__nram__ int IA[64], IB[64], ID[64];

void fill(float *p, int n, float scale, float offset) {
  for (int i = 0; i < n; ++i) p[i] = std::sin(i * 0.37f) * scale + offset;
}
}  // namespace

TEST(BangBinary, FloatArithmeticAndComparisons) {
  const int n = 96;
  fill(A, n, 4.0f, 0.5f);
  fill(B, n, 3.0f, -0.25f);
  for (int i = 0; i < n; i += 7) B[i] = A[i];  // some equal elements
  __bang_add(D, A, B, n);
  for (int i = 0; i < n; ++i) EXPECT_EQ(D[i], A[i] + B[i]);
  __bang_sub(D, A, B, n);
  for (int i = 0; i < n; ++i) EXPECT_EQ(D[i], A[i] - B[i]);
  __bang_mul(D, A, B, n);
  for (int i = 0; i < n; ++i) EXPECT_EQ(D[i], A[i] * B[i]);
  __bang_div(D, A, B, n);
  for (int i = 0; i < n; ++i) EXPECT_EQ(D[i], A[i] / B[i]);
  __bang_maxequal(D, A, B, n);
  for (int i = 0; i < n; ++i) EXPECT_EQ(D[i], A[i] > B[i] ? A[i] : B[i]);
  __bang_minimum(D, A, B, n);
  for (int i = 0; i < n; ++i) EXPECT_EQ(D[i], A[i] < B[i] ? A[i] : B[i]);
  __bang_ge(D, A, B, n);
  for (int i = 0; i < n; ++i) EXPECT_EQ(D[i], A[i] >= B[i] ? 1.0f : 0.0f);
  __bang_eq(D, A, B, n);
  for (int i = 0; i < n; ++i) EXPECT_EQ(D[i], i % 7 == 0 ? 1.0f : 0.0f);
  __bang_lt(D, A, B, n);
  for (int i = 0; i < n; ++i) EXPECT_EQ(D[i], A[i] < B[i] ? 1.0f : 0.0f);
}

TEST(BangBinary, NanMaximumPropagates) {
  A[0] = NAN; B[0] = 1.0f; A[1] = 2.0f; B[1] = 3.0f;
  __bang_nan_maximum(D, A, B, 2);
  EXPECT_TRUE(std::isnan(D[0]));
  EXPECT_EQ(D[1], 3.0f);
  __bang_maximum(D, A, B, 2);
  EXPECT_EQ(D[0], 1.0f);
}

TEST(BangBinary, LogicalAndBitwise) {
  float a[4] = {0.0f, 2.0f, 0.0f, -1.0f}, b[4] = {0.0f, 0.0f, 5.0f, 3.0f};
  std::memcpy(A, a, sizeof a);
  std::memcpy(B, b, sizeof b);
  __bang_and(D, A, B, 4);
  EXPECT_EQ(D[3], 1.0f); EXPECT_EQ(D[1], 0.0f);
  __bang_or(D, A, B, 4);
  EXPECT_EQ(D[0], 0.0f); EXPECT_EQ(D[1], 1.0f); EXPECT_EQ(D[2], 1.0f);
  __bang_xor(D, A, B, 4);
  EXPECT_EQ(D[1], 1.0f); EXPECT_EQ(D[3], 0.0f);
  __bang_not(D, A, 4);
  EXPECT_EQ(D[0], 1.0f); EXPECT_EQ(D[1], 0.0f);
  char x[4] = {0x0f, 0x33, 0x55, 0x00}, y[4] = {0x3c, 0x0f, 0x00, 0x7f}, z[4];
  __bang_band(z, x, y, 4);
  EXPECT_EQ(z[0], 0x0c); EXPECT_EQ(z[1], 0x03);
  __bang_bor(z, x, y, 4);
  EXPECT_EQ(z[2], 0x55); EXPECT_EQ(z[3], 0x7f);
  __bang_bxor(z, x, y, 4);
  EXPECT_EQ(z[0], 0x33);
  __bang_bnot(z, x, 4);
  EXPECT_EQ(z[3], static_cast<char>(0xff));
  // comparison bit index: bit i of the result = (a[i] > b[i])
  float p[10] = {1, 0, 1, 0, 1, 1, 0, 0, 1, 1}, q[10] = {};
  std::memcpy(A, p, sizeof p);
  std::memcpy(B, q, sizeof q);
  __bang_gt_bitindex(D, A, B, 10);
  unsigned char *bits = reinterpret_cast<unsigned char *>(D);
  EXPECT_EQ(bits[0], 0x35);
  EXPECT_EQ(bits[1], 0x03);
}

TEST(BangBinary, HalfRoundsEachResultToNearestEven) {
  // 2048 + 1 is not a half: the sum rounds to nearest even (2048); 2048 + 3 -> 2052.
  HA[0] = static_cast<half>(2048.0f); HB[0] = static_cast<half>(1.0f);
  HA[1] = static_cast<half>(2048.0f); HB[1] = static_cast<half>(3.0f);
  __bang_add(HD, HA, HB, 2);
  EXPECT_EQ(static_cast<float>(HD[0]), 2048.0f);
  EXPECT_EQ(static_cast<float>(HD[1]), 2052.0f);
}

TEST(BangBinary, IntegerOps) {
  for (int i = 0; i < 16; ++i) {
    IA[i] = i * 13 - 50;
    IB[i] = (i % 5) - 2;
  }
  __bang_add(ID, IA, IB, 16);
  for (int i = 0; i < 16; ++i) EXPECT_EQ(ID[i], IA[i] + IB[i]);
  __bang_mul(ID, IA, IB, 16);
  for (int i = 0; i < 16; ++i) EXPECT_EQ(ID[i], IA[i] * IB[i]);
  __bang_rem(ID, IA, 7, 16);
  for (int i = 0; i < 16; ++i) EXPECT_EQ(ID[i], IA[i] % 7);
  uint32_t u[3] = {0x80000000u, 0xffu, 7u}, v[3];
  __bang_srl(v, u, 4, 3);
  EXPECT_EQ(v[0], 0x08000000u); EXPECT_EQ(v[1], 0xfu); EXPECT_EQ(v[2], 0u);
}

TEST(BangBinary, InPlaceAndOverlappingOperands) {
  for (int i = 0; i < 64; ++i) A[i] = static_cast<float>(i);
  // dst overlaps src0 shifted by one element: read-all-then-write
  __bang_add(A + 1, A, A, 32);
  for (int i = 0; i < 32; ++i) EXPECT_EQ(A[i + 1], 2.0f * i) << i;
  EXPECT_EQ(A[0], 0.0f);
}

TEST(BangScalar, ScalarFormsAndDeprecatedConstAliases) {
  fill(A, 40, 2.0f, 0.0f);
  __bang_add_scalar(D, A, 1.25f, 40);
  for (int i = 0; i < 40; ++i) EXPECT_EQ(D[i], A[i] + 1.25f);
  __bang_add_const(D, A, 1.25f, 40);
  for (int i = 0; i < 40; ++i) EXPECT_EQ(D[i], A[i] + 1.25f);
  __bang_sub_const(D, A, 0.5f, 40);
  for (int i = 0; i < 40; ++i) EXPECT_EQ(D[i], A[i] - 0.5f);
  __bang_mul_const(D, A, -3.0f, 40);
  for (int i = 0; i < 40; ++i) EXPECT_EQ(D[i], A[i] * -3.0f);
  __bang_mul_scalar(D, A, 0.5f, 40);
  for (int i = 0; i < 40; ++i) EXPECT_EQ(D[i], A[i] * 0.5f);
  __bang_gt_scalar(D, A, 0.0f, 40);
  for (int i = 0; i < 40; ++i) EXPECT_EQ(D[i], A[i] > 0.0f ? 1.0f : 0.0f);
  __bang_maxeq_scalar(D, A, 0.3f, 40);
  for (int i = 0; i < 40; ++i) EXPECT_EQ(D[i], std::max(A[i], 0.3f));
  __bang_div(D, A, 4.0f, 40);
  for (int i = 0; i < 40; ++i) EXPECT_EQ(D[i], A[i] / 4.0f);
}

TEST(BangCycle, SegmentBroadcast) {
  const int seg = 8, n = 40;
  fill(A, n, 1.0f, 0.0f);
  for (int i = 0; i < seg; ++i) B[i] = 10.0f * i;
  __bang_cycle_add(D, A, B, n, seg);
  for (int k = 0; k < n / seg; ++k)
    for (int i = 0; i < seg; ++i) EXPECT_EQ(D[k * seg + i], A[k * seg + i] + 10.0f * i);
  __bang_cycle_mul(D, A, B, n, seg);
  for (int i = 0; i < n; ++i) EXPECT_EQ(D[i], A[i] * B[i % seg]);
  __bang_cycle_sub(A, A, B, n, seg);  // in place
  __bang_cycle_gt(D, A, B, n, seg);
  for (int i = 0; i < n; ++i) EXPECT_EQ(D[i], A[i] > B[i % seg] ? 1.0f : 0.0f);
  EXPECT_EXIT(__bang_cycle_add(D, A, B, 30, 8), testing::ExitedWithCode(xpile::rt::kFaultExitCode),
              "invalid-argument: __bang_cycle_add: src_elem_count \\(30\\) must be a multiple of seg_elem_count \\(8\\)");
}

TEST(BangFusion, AllOpcodesWithCyclicAndScalarOperands) {
  const int n = 12, m = 4;
  float s0[n], s1[m], s2[m];
  for (int i = 0; i < n; ++i) s0[i] = 1.0f + i;
  for (int i = 0; i < m; ++i) {
    s1[i] = 0.5f * (i + 1);
    s2[i] = -2.0f + i;
  }
  std::memcpy(A, s0, sizeof s0);
  std::memcpy(B, s1, sizeof s1);
  std::memcpy(B + 100, s2, sizeof s2);
  struct Case { mluFusionOpCode op; float (*f)(float, float, float); };
  Case cases[] = {
      {FUSION_FMA, [](float x, float y, float z) { return x * y + z; }},
      {FUSION_FMS, [](float x, float y, float z) { return x * y - z; }},
      {FUSION_FAM, [](float x, float y, float z) { return (x + y) * z; }},
      {FUSION_FSM, [](float x, float y, float z) { return (x - y) * z; }},
      {FUSION_FAA, [](float x, float y, float z) { return x + y + z; }},
      {FUSION_FAS, [](float x, float y, float z) { return x + y - z; }},
      {FUSION_FSS, [](float x, float y, float z) { return x - y - z; }},
      {FUSION_FSA, [](float x, float y, float z) { return x - y + z; }},
  };
  for (const Case &c : cases) {
    __bang_fusion(c.op, D, A, B, B + 100, n, m);  // vectors repeated cyclically every m elements
    for (int i = 0; i < n; ++i) EXPECT_FLOAT_EQ(D[i], c.f(s0[i], s1[i % m], s2[i % m])) << c.op << " " << i;
    __bang_fusion(c.op, D, A, 3.0f, B + 100, n, m);  // scalar src1
    for (int i = 0; i < n; ++i) EXPECT_FLOAT_EQ(D[i], c.f(s0[i], 3.0f, s2[i % m]));
    __bang_fusion(c.op, D, A, 3.0f, -1.0f, n);  // both scalars
    for (int i = 0; i < n; ++i) EXPECT_FLOAT_EQ(D[i], c.f(s0[i], 3.0f, -1.0f));
  }
  __bang_fusion(FUSION_FMA, A, A, B, B + 100, n, m);  // dst aliases src0
  for (int i = 0; i < n; ++i) EXPECT_FLOAT_EQ(A[i], s0[i] * s1[i % m] + s2[i % m]);
}

TEST(BangActivation, ExactLibmInFloatRoundedForHalf) {
  const int n = 64;
  fill(A, n, 3.0f, 0.0f);
  __bang_active_relu(D, A, n);
  for (int i = 0; i < n; ++i) EXPECT_EQ(D[i], A[i] > 0 ? A[i] : 0.0f);
  __bang_relu(D, A, n);
  for (int i = 0; i < n; ++i) EXPECT_EQ(D[i], A[i] > 0 ? A[i] : 0.0f);
  __bang_active_exp(D, A, n);
  for (int i = 0; i < n; ++i) EXPECT_EQ(D[i], std::exp(A[i]));
  __bang_active_sigmoid(D, A, n);
  for (int i = 0; i < n; ++i) EXPECT_FLOAT_EQ(D[i], 1.0f / (1.0f + std::exp(-A[i])));
  __bang_active_tanh(D, A, n);
  for (int i = 0; i < n; ++i) EXPECT_EQ(D[i], std::tanh(A[i]));
  __bang_active_gelu(D, A, n);
  for (int i = 0; i < n; ++i) EXPECT_NEAR(D[i], 0.5 * A[i] * (1.0 + std::erf(A[i] / std::sqrt(2.0))), 1e-6);
  __bang_active_sign(D, A, n);
  for (int i = 0; i < n; ++i) EXPECT_EQ(D[i], A[i] >= 0 ? 1.0f : -1.0f);
  __bang_relun(D, A, n, 1.5f);
  for (int i = 0; i < n; ++i) EXPECT_EQ(D[i], std::min(std::max(A[i], 0.0f), 1.5f));
  for (int i = 0; i < n; ++i) B[i] = 0.25f + i * 0.5f;
  __bang_active_recip(D, B, n);
  for (int i = 0; i < n; ++i) EXPECT_EQ(D[i], 1.0f / B[i]);
  __bang_active_rsqrt(D, B, n);
  for (int i = 0; i < n; ++i) EXPECT_FLOAT_EQ(D[i], 1.0f / std::sqrt(B[i]));
  __bang_active_log(D, B, n);
  for (int i = 0; i < n; ++i) EXPECT_EQ(D[i], std::log(B[i]));
  // half: exact float result, rounded once
  for (int i = 0; i < n; ++i) HA[i] = static_cast<half>(A[i]);
  __bang_active_exp(HD, HA, n);
  for (int i = 0; i < n; ++i) EXPECT_EQ(static_cast<float>(HD[i]), static_cast<float>(static_cast<half>(std::exp(static_cast<float>(HA[i])))));
}

TEST(BangActivation, StreamMath) {
  float x[6] = {1.0f, 2.0f, 8.0f, 0.5f, 3.0f, 10.0f};
  std::memcpy(B, x, sizeof x);
  __bang_log(D, B, 6);  // binary logarithm
  EXPECT_EQ(D[0], 0.0f); EXPECT_EQ(D[1], 1.0f); EXPECT_EQ(D[2], 3.0f); EXPECT_EQ(D[3], -1.0f);
  __bang_pow2(D, B, 6);
  EXPECT_EQ(D[0], 2.0f); EXPECT_EQ(D[2], 256.0f); EXPECT_EQ(D[4], 8.0f);
  __bang_sqrt(D, B, 6);
  EXPECT_EQ(D[2], std::sqrt(8.0f));
  __bang_recip(D, B, 6);
  EXPECT_EQ(D[3], 2.0f);
  __bang_square(D, B, 6);
  EXPECT_EQ(D[5], 100.0f);
  float y[4] = {-1.5f, 2.5f, -0.2f, 1.7f};
  std::memcpy(B, y, sizeof y);
  __bang_floor(D, B, 4);
  EXPECT_EQ(D[0], -2.0f); EXPECT_EQ(D[1], 2.0f); EXPECT_EQ(D[2], -1.0f);
  __bang_round(D, B, 4);
  EXPECT_EQ(D[0], -2.0f); EXPECT_EQ(D[1], 3.0f); EXPECT_EQ(D[3], 2.0f);
  __bang_abs(D, B, 4);
  EXPECT_EQ(D[0], 1.5f);
  EXPECT_EXIT(__bang_active_exp(D, B, 0), testing::ExitedWithCode(xpile::rt::kFaultExitCode),
              "invalid-argument: __bang_active_exp: elem_count must be > 0 \\(got 0\\)");
}
