// BANG executor on top of the shared half/bfloat16 header (backends/runtime/xpile_half.h): BANG's
// `half` is xpile_half.h's `__half`, and the BANG conversion intrinsics (vector __bang_float2half_*,
// __bang_float2bfloat16_*, scalar __float2half_*, __float2bfloat16_*) agree bit for bit with
// xpile::half_detail at hand-computed tie cases. BANG suffix -> half_detail::Rounding: _rn
// NearestEven, _tz TowardZero, _dn Down, _up Up, _rd and _rm NearestAwayFromZero, _oz (directed away
// from zero) Up for positive and Down for negative values.
#include "xpile_bang.h"
#include "xpile_half.h"  // after xpile_bang.h: a no-op, the header is already in

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <type_traits>

namespace {
using xpile::half_detail::Rounding;

static_assert(std::is_same_v<half, __half>, "BANG half is xpile_half.h's __half");
static_assert(std::is_same_v<half, _Float16>, "BANG half is _Float16");
static_assert(sizeof(bfloat16_t) == 2 && std::is_trivially_copyable_v<bfloat16_t>, "CNToolkit bfloat16_t shape");
static_assert(std::is_same_v<decltype(bfloat16_t{}.value), unsigned short>, "bfloat16_t keeps its `value` member");
static_assert(xpile::rt::dtypeOf<half>() == xpile::rt::DType::F16, "DTypeTraits<_Float16> from xpile_half.h");
static_assert(xpile::rt::dtypeOf<bfloat16_t>() == xpile::rt::DType::BF16, "DTypeTraits<bfloat16_t> from BANG");

__nram__ float F[16];
__nram__ half H[16];
__nram__ bfloat16_t B[16];

uint16_t bits(half h) {
  uint16_t b;
  std::memcpy(&b, &h, sizeof b);
  return b;
}
float p2(int e) { return std::ldexp(1.0f, e); }

// One BANG rounding suffix: its vector and scalar intrinsics and the half_detail mode for a value of
// each sign.
struct Mode {
  const char *name;
  void (*vecHalf)(half *, float *, int);
  half (*scalarHalf)(float);
  void (*vecBf16)(bfloat16_t *, float *, int);
  bfloat16_t (*scalarBf16)(float);
  Rounding positive, negative;
};
const Mode kModes[] = {
    {"rn", __bang_float2half_rn, __float2half_rn, __bang_float2bfloat16_rn, __float2bfloat16_rn, Rounding::NearestEven, Rounding::NearestEven},
    {"tz", __bang_float2half_tz, __float2half_tz, __bang_float2bfloat16_tz, __float2bfloat16_tz, Rounding::TowardZero, Rounding::TowardZero},
    {"dn", __bang_float2half_dn, __float2half_dn, __bang_float2bfloat16_dn, __float2bfloat16_dn, Rounding::Down, Rounding::Down},
    {"up", __bang_float2half_up, __float2half_up, __bang_float2bfloat16_up, __float2bfloat16_up, Rounding::Up, Rounding::Up},
    {"oz", __bang_float2half_oz, __float2half_oz, __bang_float2bfloat16_oz, __float2bfloat16_oz, Rounding::Up, Rounding::Down},
    {"rd", __bang_float2half_rd, __float2half_rd, __bang_float2bfloat16_rd, __float2bfloat16_rd, Rounding::NearestAwayFromZero, Rounding::NearestAwayFromZero},
    {"rm", __bang_float2half_rm, __float2half_rm, __bang_float2bfloat16_rm, __float2bfloat16_rm, Rounding::NearestAwayFromZero, Rounding::NearestAwayFromZero},
};
enum { RN, TZ, DN, UP, OZ, RD, RM };

// A float and the binary16 bits each suffix must give (rn tz dn up oz rd rm), computed by hand.
struct HalfCase {
  float x;
  uint16_t e[7];
};
const HalfCase kHalfTies[] = {
    // 1 + 2^-11: halfway between 1 (0x3c00, even) and 1 + 2^-10 (0x3c01)
    {1.0f + p2(-11), {0x3c00, 0x3c00, 0x3c00, 0x3c01, 0x3c01, 0x3c01, 0x3c01}},
    // 1 + 3*2^-11: halfway between 0x3c01 (odd) and 0x3c02
    {1.0f + 3 * p2(-11), {0x3c02, 0x3c01, 0x3c01, 0x3c02, 0x3c02, 0x3c02, 0x3c02}},
    {-(1.0f + p2(-11)), {0xbc00, 0xbc00, 0xbc01, 0xbc00, 0xbc01, 0xbc01, 0xbc01}},
    {-(1.0f + 3 * p2(-11)), {0xbc02, 0xbc01, 0xbc02, 0xbc01, 0xbc02, 0xbc02, 0xbc02}},
    // 2049: the ulp is 2 in [2048, 4096): halfway between 2048 (0x6800) and 2050 (0x6801)
    {2049.0f, {0x6800, 0x6800, 0x6800, 0x6801, 0x6801, 0x6801, 0x6801}},
    // 2^-25: half the smallest subnormal 2^-24 (0x0001), halfway between 0 and 0x0001
    {p2(-25), {0x0000, 0x0000, 0x0000, 0x0001, 0x0001, 0x0001, 0x0001}},
    {-p2(-25), {0x8000, 0x8000, 0x8001, 0x8000, 0x8001, 0x8001, 0x8001}},
    // 3*2^-25: halfway between subnormals 0x0001 (odd) and 0x0002
    {3 * p2(-25), {0x0002, 0x0001, 0x0001, 0x0002, 0x0002, 0x0002, 0x0002}},
    // 2^-14 - 2^-25: halfway between the largest subnormal 0x03ff (odd) and the smallest normal 0x0400
    {p2(-14) - p2(-25), {0x0400, 0x03ff, 0x03ff, 0x0400, 0x0400, 0x0400, 0x0400}},
    // 65520: halfway between the largest finite 65504 (0x7bff, odd) and 65536 (overflow -> inf 0x7c00)
    {65520.0f, {0x7c00, 0x7bff, 0x7bff, 0x7c00, 0x7c00, 0x7c00, 0x7c00}},
    {-65520.0f, {0xfc00, 0xfbff, 0xfc00, 0xfbff, 0xfc00, 0xfc00, 0xfc00}},
    // not a tie: 1 + 2^-12 is nearer 1; only the directed modes away from 1 move
    {1.0f + p2(-12), {0x3c00, 0x3c00, 0x3c00, 0x3c01, 0x3c01, 0x3c00, 0x3c00}},
    // exact values: every mode gives the same bits
    {1.5f, {0x3e00, 0x3e00, 0x3e00, 0x3e00, 0x3e00, 0x3e00, 0x3e00}},
    {-0.0f, {0x8000, 0x8000, 0x8000, 0x8000, 0x8000, 0x8000, 0x8000}},
};

// Same for bfloat16 (7 stored mantissa bits: the ulp at 1 is 2^-7).
const HalfCase kBf16Ties[] = {
    {1.0f + p2(-8), {0x3f80, 0x3f80, 0x3f80, 0x3f81, 0x3f81, 0x3f81, 0x3f81}},
    {1.0f + 3 * p2(-8), {0x3f82, 0x3f81, 0x3f81, 0x3f82, 0x3f82, 0x3f82, 0x3f82}},
    {-(1.0f + p2(-8)), {0xbf80, 0xbf80, 0xbf81, 0xbf80, 0xbf81, 0xbf81, 0xbf81}},
    // halfway between the largest finite bfloat16 0x7f7f (odd) and 2^128 (overflow -> inf 0x7f80)
    {std::ldexp(255.5f, 120), {0x7f80, 0x7f7f, 0x7f7f, 0x7f80, 0x7f80, 0x7f80, 0x7f80}},
    {-std::ldexp(255.5f, 120), {0xff80, 0xff7f, 0xff80, 0xff7f, 0xff80, 0xff80, 0xff80}},
    // halfway between the bfloat16 subnormals 0x0001 (odd) and 0x0002: 3 * 2^-134
    {3 * p2(-134), {0x0002, 0x0001, 0x0001, 0x0002, 0x0002, 0x0002, 0x0002}},
};
}  // namespace

TEST(BangHalfInterop, FloatToHalfAgreesWithHalfDetailAtTies) {
  for (const HalfCase &c : kHalfTies) {
    F[0] = c.x;
    for (int m = RN; m <= RM; ++m) {
      const Mode &mode = kModes[m];
      const uint16_t shared = xpile::half_detail::floatToHalfBits(c.x, std::signbit(c.x) ? mode.negative : mode.positive);
      EXPECT_EQ(shared, c.e[m]) << "half_detail, " << mode.name << ", x = " << c.x;
      mode.vecHalf(H, F, 1);
      EXPECT_EQ(bits(H[0]), shared) << "__bang_float2half_" << mode.name << ", x = " << c.x;
      EXPECT_EQ(bits(mode.scalarHalf(c.x)), shared) << "__float2half_" << mode.name << ", x = " << c.x;
    }
  }
}

TEST(BangHalfInterop, FloatToBfloat16AgreesWithHalfDetailAtTies) {
  for (const HalfCase &c : kBf16Ties) {
    F[0] = c.x;
    for (int m = RN; m <= RM; ++m) {
      const Mode &mode = kModes[m];
      const uint16_t shared = xpile::half_detail::floatToBf16Bits(c.x, std::signbit(c.x) ? mode.negative : mode.positive);
      EXPECT_EQ(shared, c.e[m]) << "half_detail, " << mode.name << ", x = " << c.x;
      mode.vecBf16(B, F, 1);
      EXPECT_EQ(B[0].value, shared) << "__bang_float2bfloat16_" << mode.name << ", x = " << c.x;
      EXPECT_EQ(mode.scalarBf16(c.x).value, shared) << "__float2bfloat16_" << mode.name << ", x = " << c.x;
    }
  }
  // The bfloat16_t constructor rounds to nearest even, as half_detail's default.
  EXPECT_EQ(bfloat16_t(1.0f + p2(-8)).value, 0x3f80);
  EXPECT_EQ(bfloat16_t(1.0f + 3 * p2(-8)).value, 0x3f82);
  EXPECT_EQ(bfloat16_t(-(1.0f + 3 * p2(-8))).value, 0xbf82);
}

TEST(BangHalfInterop, WidenAgreesWithHalfDetail) {
  const uint16_t halves[] = {0x0001, 0x03ff, 0x0400, 0x3c01, 0x7bff, 0x7c00, 0xfc00, 0x8000, 0xc248};
  for (int i = 0; i < 9; ++i) std::memcpy(&H[i], &halves[i], 2);
  __bang_half2float(F, H, 9);
  for (int i = 0; i < 9; ++i) {
    const float shared = xpile::half_detail::halfBitsToFloat(halves[i]);
    EXPECT_EQ(std::memcmp(&F[i], &shared, 4), 0) << "__bang_half2float of " << std::hex << halves[i];
    const float scalar = __half2float(H[i]);
    EXPECT_EQ(std::memcmp(&scalar, &shared, 4), 0) << "__half2float of " << std::hex << halves[i];
  }
  const uint16_t bf[] = {0x0001, 0x3f81, 0x7f7f, 0x7f80, 0xff80, 0x8000, 0xc049};
  for (int i = 0; i < 7; ++i) B[i].value = bf[i];
  __bang_bfloat162float(F, B, 7);
  for (int i = 0; i < 7; ++i) {
    const float shared = xpile::half_detail::bf16BitsToFloat(bf[i]);
    EXPECT_EQ(std::memcmp(&F[i], &shared, 4), 0) << "__bang_bfloat162float of " << std::hex << bf[i];
    const float scalar = __bfloat162float(B[i]), viaOperator = static_cast<float>(B[i]);
    EXPECT_EQ(std::memcmp(&scalar, &shared, 4), 0) << "__bfloat162float of " << std::hex << bf[i];
    EXPECT_EQ(std::memcmp(&viaOperator, &shared, 4), 0) << "bfloat16_t -> float of " << std::hex << bf[i];
  }
}

TEST(BangHalfInterop, NaNIsHalfDetailsCanonicalNaN) {
  F[0] = NAN;
  F[1] = -NAN;
  __bang_float2half_rn(H, F, 2);
  EXPECT_EQ(bits(H[0]), xpile::half_detail::floatToHalfBits(NAN));
  EXPECT_EQ(bits(H[1]), xpile::half_detail::floatToHalfBits(NAN));
  __bang_float2bfloat16_tz(B, F, 2);
  EXPECT_EQ(B[0].value, xpile::half_detail::floatToBf16Bits(NAN));
  EXPECT_EQ(bfloat16_t(-NAN).value, xpile::half_detail::floatToBf16Bits(NAN));
}

// BANG and CUDA disagree on `_rd` (BANG: nearest, ties away from zero; CUDA: down): BANG programs get
// the BANG meaning; xpile_half.h's CUDA function is still there, renamed, and rounds down.
TEST(BangHalfInterop, BangRdIsNearestAwayNotCudaDown) {
  const float x = 1.0f + 3 * p2(-12);  // 3/4 of the way from 1 to 1 + 2^-10: nearest is up
  EXPECT_EQ(bits(__float2half_rd(x)), 0x3c01);
  EXPECT_EQ(bits(__xpile_cuda_float2half_rd(x)), 0x3c00);
  EXPECT_EQ(__half2int_rd(static_cast<half>(-2.5f)), -3);
  EXPECT_EQ(__xpile_cuda_half2int_rd(static_cast<half>(-2.5f)), -3);  // floor(-2.5) is -3 too
  EXPECT_EQ(__half2int_rd(static_cast<half>(2.5f)), 3);
  EXPECT_EQ(__xpile_cuda_half2int_rd(static_cast<half>(2.5f)), 2);
  // CUDA spellings without a BANG namesake keep their xpile_half.h definitions.
  EXPECT_EQ(bits(__float2half_rz(x)), 0x3c00);
  EXPECT_EQ(bits(__float2half_ru(1.0f + p2(-12))), 0x3c01);
}
