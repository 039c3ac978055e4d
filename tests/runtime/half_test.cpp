// xpile_half.h: binary16 and bfloat16 conversions with every rounding mode, the __h* intrinsics,
// __half2, half math. Expected values are IEEE bit patterns worked out by hand (comments show the
// reasoning), or come from independent references written here (the compiler's own _Float16
// conversion, the classic bfloat16 rounding formula, std:: math).
#include "xpile_half.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

using xpile::half_detail::Rounding;
using xpile::half_detail::bf16BitsToFloat;
using xpile::half_detail::doubleToBf16Bits;
using xpile::half_detail::doubleToHalfBits;
using xpile::half_detail::floatToBf16Bits;
using xpile::half_detail::floatToHalfBits;
using xpile::half_detail::halfBitsToFloat;

namespace {
float bitsF(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}
uint32_t fBits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
uint16_t hBits(__half h) {
  uint16_t u;
  std::memcpy(&u, &h, 2);
  return u;
}
__half bitsH(uint16_t u) {
  __half h;
  std::memcpy(&h, &u, 2);
  return h;
}
// The compiler's float -> _Float16 conversion (compiler-rt / hardware): an independent RNE reference.
uint16_t compilerHalf(float f) { return hBits(static_cast<_Float16>(f)); }
const Rounding kAll[] = {Rounding::NearestEven, Rounding::TowardZero, Rounding::Down, Rounding::Up, Rounding::NearestAwayFromZero};
}  // namespace

// ---- binary16 -------------------------------------------------------------------------------------
TEST(Half, ExactValuesAndSpecials) {
  EXPECT_EQ(floatToHalfBits(1.0f), 0x3C00);
  EXPECT_EQ(floatToHalfBits(-2.0f), 0xC000);
  EXPECT_EQ(floatToHalfBits(65504.0f), 0x7BFF);       // largest finite
  EXPECT_EQ(floatToHalfBits(0.0f), 0x0000);
  EXPECT_EQ(floatToHalfBits(-0.0f), 0x8000);
  EXPECT_EQ(floatToHalfBits(INFINITY), 0x7C00);
  EXPECT_EQ(floatToHalfBits(-INFINITY), 0xFC00);
  EXPECT_EQ(floatToHalfBits(std::ldexp(1.0f, -14)), 0x0400);  // smallest normal
  EXPECT_EQ(floatToHalfBits(std::ldexp(1.0f, -24)), 0x0001);  // smallest subnormal
  EXPECT_EQ(floatToHalfBits(NAN), 0x7FFF);                    // NaN stays NaN (canonical)
  EXPECT_EQ(floatToHalfBits(-NAN), 0x7FFF);
  for (Rounding m : kAll) EXPECT_EQ(floatToHalfBits(bitsF(0x7F800001u), m), 0x7FFF);  // signalling NaN
  EXPECT_EQ(halfBitsToFloat(0x0001), std::ldexp(1.0f, -24));
  EXPECT_EQ(halfBitsToFloat(0x7BFF), 65504.0f);
  EXPECT_EQ(halfBitsToFloat(0x3555), 0.333251953125f);
  EXPECT_TRUE(std::isnan(halfBitsToFloat(0x7E00)));
}

TEST(Half, NearestEvenTiesAtSpecificBitPatterns) {
  // Near 1 the half spacing is 2^-10. 1 + 2^-11 lies halfway between 0x3C00 (even) and 0x3C01.
  const float tieEvenBelow = 1.0f + std::ldexp(1.0f, -11);
  EXPECT_EQ(floatToHalfBits(tieEvenBelow), 0x3C00);
  EXPECT_EQ(floatToHalfBits(tieEvenBelow, Rounding::NearestAwayFromZero), 0x3C01);
  // 1 + 3*2^-11 lies halfway between 0x3C01 (odd) and 0x3C02 (even): up.
  EXPECT_EQ(floatToHalfBits(1.0f + 3 * std::ldexp(1.0f, -11)), 0x3C02);
  // Just above the tie: up.
  EXPECT_EQ(floatToHalfBits(1.0f + std::ldexp(1.0f, -11) + std::ldexp(1.0f, -20)), 0x3C01);
  // Just below the tie: down.
  EXPECT_EQ(floatToHalfBits(1.0f + std::ldexp(1.0f, -11) - std::ldexp(1.0f, -20)), 0x3C00);
  // Negative ties mirror.
  EXPECT_EQ(floatToHalfBits(-tieEvenBelow), 0xBC00);
  EXPECT_EQ(floatToHalfBits(-(1.0f + 3 * std::ldexp(1.0f, -11))), 0xBC02);
  // A tie carrying into the next binade: 2 - 2^-11 is halfway between 0x3FFF (odd) and 2.0 (0x4000).
  EXPECT_EQ(floatToHalfBits(2.0f - std::ldexp(1.0f, -11)), 0x4000);
  EXPECT_EQ(floatToHalfBits(2.0f - std::ldexp(1.0f, -11), Rounding::TowardZero), 0x3FFF);
}

TEST(Half, DirectedRoundingModes) {
  const float x = 1.0f + std::ldexp(1.0f, -12);  // a quarter ulp above 1
  EXPECT_EQ(floatToHalfBits(x, Rounding::NearestEven), 0x3C00);
  EXPECT_EQ(floatToHalfBits(x, Rounding::TowardZero), 0x3C00);
  EXPECT_EQ(floatToHalfBits(x, Rounding::Down), 0x3C00);
  EXPECT_EQ(floatToHalfBits(x, Rounding::Up), 0x3C01);
  EXPECT_EQ(floatToHalfBits(x, Rounding::NearestAwayFromZero), 0x3C00);
  EXPECT_EQ(floatToHalfBits(-x, Rounding::TowardZero), 0xBC00);
  EXPECT_EQ(floatToHalfBits(-x, Rounding::Down), 0xBC01);  // toward -inf: larger magnitude
  EXPECT_EQ(floatToHalfBits(-x, Rounding::Up), 0xBC00);
  // The public intrinsics use the same modes.
  EXPECT_EQ(hBits(__float2half_rz(x)), 0x3C00);
  EXPECT_EQ(hBits(__float2half_ru(x)), 0x3C01);
  EXPECT_EQ(hBits(__float2half_rd(-x)), 0xBC01);
  EXPECT_EQ(hBits(__float2half_rn(x)), 0x3C00);
  EXPECT_EQ(hBits(__float2half(0.1f)), 0x2E66);  // 0.1 = 0x2E66 (0.0999755859375), nearest
  EXPECT_EQ(hBits(__float2half_ru(0.1f)), 0x2E67);
  // Exact values are unchanged in every mode.
  for (Rounding m : kAll) EXPECT_EQ(floatToHalfBits(0.5f, m), 0x3800);
}

TEST(Half, OverflowDependsOnTheMode) {
  EXPECT_EQ(floatToHalfBits(65519.0f), 0x7BFF);  // below the midpoint 65520
  EXPECT_EQ(floatToHalfBits(65520.0f), 0x7C00);  // midpoint between 65504 (odd) and 2^16: to inf
  EXPECT_EQ(floatToHalfBits(1e6f), 0x7C00);
  EXPECT_EQ(floatToHalfBits(1e6f, Rounding::TowardZero), 0x7BFF);
  EXPECT_EQ(floatToHalfBits(1e6f, Rounding::Down), 0x7BFF);
  EXPECT_EQ(floatToHalfBits(1e6f, Rounding::Up), 0x7C00);
  EXPECT_EQ(floatToHalfBits(-1e6f, Rounding::Down), 0xFC00);
  EXPECT_EQ(floatToHalfBits(-1e6f, Rounding::Up), 0xFBFF);
  EXPECT_EQ(floatToHalfBits(-1e6f, Rounding::TowardZero), 0xFBFF);
  EXPECT_EQ(floatToHalfBits(65505.0f, Rounding::Up), 0x7C00);
  EXPECT_EQ(floatToHalfBits(INFINITY, Rounding::TowardZero), 0x7C00);  // infinity itself stays
}

TEST(Half, Subnormals) {
  const float q = std::ldexp(1.0f, -24);  // subnormal quantum
  EXPECT_EQ(floatToHalfBits(q / 2), 0x0000);                               // tie with 0 (even)
  EXPECT_EQ(floatToHalfBits(q / 2, Rounding::Up), 0x0001);
  EXPECT_EQ(floatToHalfBits(q / 2, Rounding::NearestAwayFromZero), 0x0001);
  EXPECT_EQ(floatToHalfBits(q * 0.75f), 0x0001);
  EXPECT_EQ(floatToHalfBits(q * 1.5f), 0x0002);                            // tie 1|2: even
  EXPECT_EQ(floatToHalfBits(q * 2.5f), 0x0002);                            // tie 2|3: even
  EXPECT_EQ(floatToHalfBits(q * 1023), 0x03FF);                            // largest subnormal
  EXPECT_EQ(floatToHalfBits(q * 1023.5f), 0x0400);                         // tie into the smallest normal
  const float tiny = bitsF(1);                                             // smallest float subnormal
  EXPECT_EQ(floatToHalfBits(tiny), 0x0000);
  EXPECT_EQ(floatToHalfBits(tiny, Rounding::Up), 0x0001);
  EXPECT_EQ(floatToHalfBits(-tiny, Rounding::Down), 0x8001);
  EXPECT_EQ(floatToHalfBits(-tiny), 0x8000);                               // sign kept on zero
  EXPECT_EQ(halfBitsToFloat(0x03FF), q * 1023);
}

TEST(Half, DoubleConversionRoundsOnce) {
  // 1 + 2^-11 + 2^-40: a float would round it to the tie 1 + 2^-11 (-> 0x3C00); directly: 0x3C01.
  EXPECT_EQ(doubleToHalfBits(1.0 + std::ldexp(1.0, -11) + std::ldexp(1.0, -40)), 0x3C01);
  EXPECT_EQ(hBits(__double2half(1.0 + std::ldexp(1.0, -11) + std::ldexp(1.0, -40))), 0x3C01);
  EXPECT_EQ(hBits(__double2half_rd(1e300)), 0x7BFF);
}

TEST(Half, AllHalfValuesRoundTripAndMatchTheCompiler) {
  for (uint32_t b = 0; b < 0x10000; ++b) {
    float viaCompiler = static_cast<float>(bitsH(static_cast<uint16_t>(b)));
    float mine = halfBitsToFloat(static_cast<uint16_t>(b));
    if (std::isnan(viaCompiler)) {
      ASSERT_TRUE(std::isnan(mine)) << b;
      continue;
    }
    ASSERT_EQ(fBits(mine), fBits(viaCompiler)) << b;
    for (Rounding m : kAll) ASSERT_EQ(floatToHalfBits(mine, m), b) << b;
  }
}

TEST(Half, RandomFloatsAgainstIndependentReferences) {
  std::mt19937 rng(42);
  for (int i = 0; i < 300000; ++i) {
    // Random bit patterns concentrated on the half range (exponents -30..+17).
    uint32_t u = (rng() & 0x807FFFFFu) | ((97u + rng() % 48u) << 23);
    float f = bitsF(u);
    uint16_t rn = floatToHalfBits(f);
    ASSERT_EQ(rn, compilerHalf(f)) << std::hex << u;
    // Directed modes: the result brackets f on the right side and is adjacent to the other side.
    double fd = f;
    uint16_t dn = floatToHalfBits(f, Rounding::Down), up = floatToHalfBits(f, Rounding::Up);
    double dv = halfBitsToFloat(dn), uv = halfBitsToFloat(up);
    ASSERT_LE(dv, fd);
    ASSERT_GE(uv, fd);
    if (dv == fd || uv == fd) {
      ASSERT_EQ(dn, up);
    } else if (!std::isinf(dv) && !std::isinf(uv)) {
      // Adjacent halves: nothing representable strictly between them.
      uint16_t next = dv >= 0 ? static_cast<uint16_t>(dn + 1) : static_cast<uint16_t>(dn - 1);
      if (dv == 0) next = 0x0001;
      ASSERT_TRUE(next == up || (dv == 0 && uv == 0)) << std::hex << u;
    }
    uint16_t rz = floatToHalfBits(f, Rounding::TowardZero);
    ASSERT_EQ(rz, f >= 0 ? dn : up) << std::hex << u;
  }
}

// ---- bfloat16 --------------------------------------------------------------------------------------
TEST(BFloat16, RoundingAtBitPatterns) {
  EXPECT_EQ(floatToBf16Bits(1.0f), 0x3F80);
  EXPECT_EQ(floatToBf16Bits(bitsF(0x3F808000u)), 0x3F80);  // tie, kept part even: stays
  EXPECT_EQ(floatToBf16Bits(bitsF(0x3F818000u)), 0x3F82);  // tie, kept part odd: up
  EXPECT_EQ(floatToBf16Bits(bitsF(0x3F808001u)), 0x3F81);  // above the tie
  EXPECT_EQ(floatToBf16Bits(bitsF(0x3F808000u), Rounding::NearestAwayFromZero), 0x3F81);
  EXPECT_EQ(floatToBf16Bits(bitsF(0x3F80FFFFu), Rounding::TowardZero), 0x3F80);
  EXPECT_EQ(floatToBf16Bits(bitsF(0x3F800001u), Rounding::Up), 0x3F81);
  EXPECT_EQ(floatToBf16Bits(bitsF(0xBF800001u), Rounding::Down), 0xBF81);
  EXPECT_EQ(floatToBf16Bits(bitsF(0xBF800001u), Rounding::Up), 0xBF80);
  // Overflow: FLT_MAX rounds to inf to nearest, to the largest finite bf16 (0x7F7F) toward zero.
  EXPECT_EQ(floatToBf16Bits(FLT_MAX), 0x7F80);
  EXPECT_EQ(floatToBf16Bits(FLT_MAX, Rounding::TowardZero), 0x7F7F);
  EXPECT_EQ(floatToBf16Bits(-FLT_MAX, Rounding::Up), 0xFF7F);
  EXPECT_EQ(floatToBf16Bits(-FLT_MAX, Rounding::Down), 0xFF80);
  // NaN stays NaN, including a signalling NaN whose naive truncation would be infinity.
  EXPECT_EQ(floatToBf16Bits(bitsF(0x7F800001u)), 0x7FFF);
  EXPECT_EQ(floatToBf16Bits(NAN, Rounding::TowardZero), 0x7FFF);
  EXPECT_EQ(floatToBf16Bits(INFINITY), 0x7F80);
  // Subnormal floats.
  EXPECT_EQ(floatToBf16Bits(bitsF(0x00000001u)), 0x0000);
  EXPECT_EQ(floatToBf16Bits(bitsF(0x00000001u), Rounding::Up), 0x0001);
  EXPECT_EQ(floatToBf16Bits(bitsF(0x00018000u)), 0x0002);  // subnormal tie, odd: up
  EXPECT_EQ(bf16BitsToFloat(0x4049), 3.140625f);
  // From double, rounded once: 1 + 2^-8 + 2^-40 (a float would make it the tie 1 + 2^-8).
  EXPECT_EQ(doubleToBf16Bits(1.0 + std::ldexp(1.0, -8) + std::ldexp(1.0, -40)), 0x3F81);
}

TEST(BFloat16, RandomFloatsAgainstTheClassicFormula) {
  std::mt19937 rng(7);
  for (int i = 0; i < 300000; ++i) {
    uint32_t u = rng();
    float f = bitsF(u);
    if (std::isnan(f)) continue;
    uint32_t expected = (u + 0x7FFFu + ((u >> 16) & 1u)) >> 16;  // RNE on the bits (no NaN inputs)
    ASSERT_EQ(floatToBf16Bits(f), expected) << std::hex << u;
    ASSERT_EQ(floatToBf16Bits(f, Rounding::TowardZero), u >> 16) << std::hex << u;
    // The generic double path agrees with the float path in every mode.
    for (Rounding m : kAll) ASSERT_EQ(doubleToBf16Bits(f, m), floatToBf16Bits(f, m)) << std::hex << u;
  }
}

TEST(BFloat16, TypeOperatorsAndIntrinsics) {
  __nv_bfloat16 a = 1.5f, b = 2.25f;
  EXPECT_EQ(float(a + b), 3.75f);
  EXPECT_EQ(float(a * b), 3.375f);
  EXPECT_EQ(float(-a), -1.5f);
  EXPECT_TRUE(a < b);
  EXPECT_EQ(__bfloat16_as_ushort(__float2bfloat16(1.0f)), 0x3F80);
  EXPECT_EQ(__bfloat16_as_ushort(__float2bfloat16_rz(bitsF(0x3F80FFFFu))), 0x3F80);
  EXPECT_EQ(__bfloat16_as_ushort(__float2bfloat16_ru(bitsF(0x3F800001u))), 0x3F81);
  EXPECT_EQ(__bfloat16_as_ushort(__float2bfloat16_rd(bitsF(0xBF800001u))), 0xBF81);
  // Each operation rounds once: 1 + 2^-8 is not representable (spacing 2^-7), tie -> even 1.0.
  __nv_bfloat16 one = 1.0f, tiny = std::ldexp(1.0f, -8);
  EXPECT_EQ(__bfloat16_as_ushort(__hadd(one, tiny)), 0x3F80);
  // fma rounds once: (1+2^-7)^2 + 2^-8 = 1 + 2^-6 + 2^-8 + 2^-14 -> 1 + 3*2^-7 (0x3F83); two
  // roundings would give 1 + 2^-6 (0x3F82).
  __nv_bfloat16 x = __ushort_as_bfloat16(0x3F81), c = std::ldexp(1.0f, -8);
  EXPECT_EQ(__bfloat16_as_ushort(__hfma(x, x, c)), 0x3F83);
  // Round-to-odd case: a*b = 2^120 (1 + 2^-3 + 2^-8) is exactly a bf16 midpoint (between 0x7B90 and
  // 0x7B91); adding the tiny c = 2^-100 must push it up, although p + c == p in double.
  __nv_bfloat16 big = std::ldexp(1.0f + 1.0f / 16, 60), small = std::ldexp(1.0f, -100);
  EXPECT_EQ(__bfloat16_as_ushort(big), 0x5D88);
  EXPECT_EQ(__bfloat16_as_ushort(__hfma(big, big, small)), 0x7B91);
  EXPECT_EQ(__bfloat16_as_ushort(__hfma(big, big, __hneg(small))), 0x7B90);
  __nv_bfloat16 nan = __ushort_as_bfloat16(0x7FC0);
  EXPECT_EQ(float(__hmax(nan, a)), 1.5f);
  EXPECT_TRUE(__hisnan(__hmax_nan(nan, a)));
  EXPECT_EQ(__hisinf(__ushort_as_bfloat16(0xFF80)), -1);
  __nv_bfloat162 p = __floats2bfloat162_rn(1.0f, 2.0f), q = __floats2bfloat162_rn(0.5f, 4.0f);
  __nv_bfloat162 s = __hadd2(p, q);
  EXPECT_EQ(__low2float(s), 1.5f);
  EXPECT_EQ(__high2float(s), 6.0f);
  EXPECT_EQ(float(hsqrt(__nv_bfloat16(16.0f))), 4.0f);
  // One struct under all four names.
  EXPECT_TRUE((std::is_same<__nv_bfloat16, __hip_bfloat16>::value && std::is_same<nv_bfloat16, hip_bfloat16>::value));
  EXPECT_EQ(sizeof(__nv_bfloat16), 2u);
  EXPECT_EQ(sizeof(__nv_bfloat162), 4u);
}

// ---- half intrinsics -------------------------------------------------------------------------------
TEST(HalfIntrinsics, EachOperationRoundsOnce) {
  __half one = 1.0f, halfUlp = std::ldexp(1.0f, -11);
  EXPECT_EQ(hBits(__hadd(one, halfUlp)), 0x3C00);                 // tie -> even
  EXPECT_EQ(hBits(__hadd(bitsH(0x3C01), halfUlp)), 0x3C02);       // tie -> even (up)
  EXPECT_EQ(hBits(__hsub(one, bitsH(0x3C01))), 0x9400);           // -2^-10
  EXPECT_EQ(hBits(__hmul(bitsH(0x3C01), bitsH(0x3C01))), 0x3C02); // 1 + 2^-9 + 2^-20 -> 1 + 2^-9
  EXPECT_EQ(hBits(__hdiv(one, __half(3.0f))), 0x3555);            // 1/3 -> 0.333251953125
  EXPECT_EQ(hBits(__hdiv(one, __half(0.0f))), 0x7C00);
  // fma: (1+2^-10)^2 + 2^-11 = 1 + 2^-9 + 2^-11 + 2^-20 -> 1 + 3*2^-10 (0x3C03); rounding the
  // product first would give 0x3C02.
  EXPECT_EQ(hBits(__hfma(bitsH(0x3C01), bitsH(0x3C01), halfUlp)), 0x3C03);
  EXPECT_EQ(hBits(__hadd(__half(65504.0f), __half(32.0f))), 0x7C00);  // 65536 is past the midpoint 65520: inf
  EXPECT_EQ(hBits(__hadd_sat(__half(0.75f), __half(0.5f))), 0x3C00);
  EXPECT_EQ(hBits(__hsub_sat(__half(0.25f), __half(0.5f))), 0x0000);
  EXPECT_EQ(hBits(__hfma_relu(__half(-1.0f), __half(2.0f), __half(1.0f))), 0x0000);
  EXPECT_EQ(hBits(__hneg(__half(0.0f))), 0x8000);
  EXPECT_EQ(hBits(__habs(__half(-3.0f))), 0x4200);
  __half nan = bitsH(0x7E00);
  EXPECT_EQ(float(__hmax(nan, __half(2.0f))), 2.0f);
  EXPECT_EQ(float(__hmin(__half(-2.0f), nan)), -2.0f);
  EXPECT_TRUE(__hisnan(__hmax_nan(nan, __half(2.0f))));
  EXPECT_FALSE(__heq(nan, nan));
  EXPECT_TRUE(__hequ(nan, nan));
  EXPECT_TRUE(__hlt(__half(1.0f), __half(2.0f)));
  EXPECT_FALSE(__hlt(nan, __half(2.0f)));
  EXPECT_TRUE(__hltu(nan, __half(2.0f)));
  EXPECT_TRUE(__hne(__half(1.0f), __half(2.0f)));
  EXPECT_FALSE(__hne(nan, __half(2.0f)));
  EXPECT_EQ(__hisinf(bitsH(0xFC00)), -1);
  EXPECT_EQ(__hisinf(bitsH(0x7C00)), 1);
  EXPECT_EQ(__hisinf(__half(1.0f)), 0);
  EXPECT_EQ(__half2int_rn(__half(2.5f)), 2);
  EXPECT_EQ(__half2int_rn(__half(3.5f)), 4);
  EXPECT_EQ(__half2int_rd(__half(-2.5f)), -3);
  EXPECT_EQ(__half2int_ru(__half(-2.5f)), -2);
  EXPECT_EQ(__half2int_rz(bitsH(0x7C00)), 2147483647);  // saturates
  EXPECT_EQ(__half2uint_rz(__half(-5.0f)), 0u);
  EXPECT_EQ(hBits(__int2half_rn(2049)), 0x6800);  // tie between 2048 (even) and 2050
  EXPECT_EQ(hBits(__int2half_ru(2049)), 0x6801);
  EXPECT_EQ(hBits(__int2half_rn(70000)), 0x7C00);
  EXPECT_EQ(hBits(__int2half_rz(70000)), 0x7BFF);
}

TEST(HalfIntrinsics, Half2OperatesOnBothLanes) {
  __half2 a = __floats2half2_rn(1.0f, -2.0f), b = __halves2half2(__half(0.5f), __half(4.0f));
  __half2 s = __hadd2(a, b), p = __hmul2(a, b), f = __hfma2(a, b, a);
  EXPECT_EQ(__low2float(s), 1.5f);
  EXPECT_EQ(__high2float(s), 2.0f);
  EXPECT_EQ(__low2float(p), 0.5f);
  EXPECT_EQ(__high2float(p), -8.0f);
  EXPECT_EQ(__low2float(f), 1.5f);
  EXPECT_EQ(__high2float(f), -10.0f);
  __half2 r = __lowhigh2highlow(a);
  EXPECT_EQ(__low2float(r), -2.0f);
  EXPECT_EQ(__high2float(r), 1.0f);
  __half2 lt = __hlt2(a, b);
  EXPECT_EQ(__low2float(lt), 0.0f);
  EXPECT_EQ(__high2float(lt), 1.0f);
  EXPECT_FALSE(__hblt2(a, b));
  EXPECT_TRUE(__hbeq2(a, a));
  __half2 sum = a + b;
  sum *= b;
  EXPECT_EQ(__low2float(sum), 0.75f);
  EXPECT_EQ(__high2float(sum), 8.0f);
  // Per-lane rounding is the scalar one: the tie case of __hadd in each lane.
  __half2 t = __hadd2(__halves2half2(__half(1.0f), bitsH(0x3C01)), __half2half2(__half(std::ldexp(1.0f, -11))));
  EXPECT_EQ(hBits(t.x), 0x3C00);
  EXPECT_EQ(hBits(t.y), 0x3C02);
  __half2_raw raw = __half2(__half(1.0f), __half(-1.0f));
  EXPECT_EQ(raw.x, 0x3C00);
  EXPECT_EQ(raw.y, 0xBC00);
  EXPECT_EQ(alignof(__half2), 4u);
}

TEST(HalfIntrinsics, MathAgainstStd) {
  for (int i = -200; i <= 200; ++i) {
    const float x = static_cast<float>(i) / 37.0f;
    const __half h = static_cast<_Float16>(x);
    const float hf = static_cast<float>(h);
    auto ref = [](float v) { return compilerHalf(v); };  // round once, independently
    EXPECT_EQ(hBits(hexp(h)), ref(std::exp(hf))) << x;
    EXPECT_EQ(hBits(hsin(h)), ref(std::sin(hf))) << x;
    EXPECT_EQ(hBits(hcos(h)), ref(std::cos(hf))) << x;
    EXPECT_EQ(hBits(htanh(h)), ref(std::tanh(hf))) << x;
    EXPECT_EQ(hBits(hfloor(h)), ref(std::floor(hf))) << x;
    EXPECT_EQ(hBits(hceil(h)), ref(std::ceil(hf))) << x;
    EXPECT_EQ(hBits(htrunc(h)), ref(std::trunc(hf))) << x;
    EXPECT_EQ(hBits(hrint(h)), ref(std::nearbyint(hf))) << x;
    if (hf > 0) {
      EXPECT_EQ(hBits(hlog(h)), ref(std::log(hf))) << x;
      EXPECT_EQ(hBits(hlog2(h)), ref(std::log2(hf))) << x;
      EXPECT_EQ(hBits(hsqrt(h)), ref(std::sqrt(hf))) << x;
      EXPECT_NEAR(float(hrsqrt(h)), 1.0f / std::sqrt(hf), 1.0f / std::sqrt(hf) * 1e-3f) << x;
      EXPECT_EQ(hBits(hrcp(h)), ref(1.0f / hf)) << x;
    }
  }
  EXPECT_EQ(float(hrint(__half(2.5f))), 2.0f);
  EXPECT_EQ(float(hrint(__half(3.5f))), 4.0f);
  __half2 v = h2sqrt(__halves2half2(__half(4.0f), __half(9.0f)));
  EXPECT_EQ(__low2float(v), 2.0f);
  EXPECT_EQ(__high2float(v), 3.0f);
}

TEST(HalfTypes, DTypes) {
  EXPECT_EQ(xpile::rt::dtypeOf<__half>(), xpile::rt::DType::F16);
  EXPECT_EQ(xpile::rt::dtypeOf<half>(), xpile::rt::DType::F16);
  EXPECT_EQ(xpile::rt::dtypeOf<const __half>(), xpile::rt::DType::F16);
  EXPECT_EQ(xpile::rt::dtypeOf<__nv_bfloat16>(), xpile::rt::DType::BF16);
  EXPECT_EQ(xpile::rt::dtypeOf<hip_bfloat16>(), xpile::rt::DType::BF16);
  EXPECT_TRUE((std::is_same<__half, _Float16>::value));
}
