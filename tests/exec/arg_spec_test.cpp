// The --arg language of `xpile run` and the buffer contents it describes, against answers worked
// out by hand from the definitions in backends/exec/arg_spec.h.
#include "backends/exec/arg_spec.h"
#include "tests/exec/test_util.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

namespace xpile::exec {
namespace {

ArgSpec parseOk(const std::string &text) {
  std::string error;
  std::optional<ArgSpec> spec = parseArgSpec(text, &error);
  EXPECT_TRUE(spec.has_value()) << text << ": " << error;
  return spec.value_or(ArgSpec{});
}

std::string parseError(const std::string &text) {
  std::string error;
  std::optional<ArgSpec> spec = parseArgSpec(text, &error);
  EXPECT_FALSE(spec.has_value()) << text;
  return error;
}

TEST(ArgSpec, Buffers) {
  ArgSpec a = parseOk("f32[1024]:rand");
  EXPECT_EQ(a.kind, ArgSpec::Kind::Buffer);
  EXPECT_EQ(a.type, DType::F32);
  EXPECT_EQ(a.count, 1024u);
  EXPECT_EQ(a.init, ArgSpec::Init::Random);
  EXPECT_EQ(a.seed, 1u);
  EXPECT_EQ(a.bytes(), 4096u);

  ArgSpec b = parseOk("bf16[7]:rand:42");
  EXPECT_EQ(b.type, DType::BF16);
  EXPECT_EQ(b.count, 7u);
  EXPECT_EQ(b.seed, 42u);
  EXPECT_EQ(parseOk("u8[3]:rand:0x10").seed, 16u);
  EXPECT_EQ(parseOk("u8[3]:rand:18446744073709551615").seed, 18446744073709551615ull);

  ArgSpec c = parseOk("i8[16]:zeros");
  EXPECT_EQ(c.type, DType::I8);
  EXPECT_EQ(c.init, ArgSpec::Init::Zeros);
  EXPECT_EQ(c.bytes(), 16u);

  ArgSpec d = parseOk("f64[2]:file=/tmp/a b:c.bin");
  EXPECT_EQ(d.init, ArgSpec::Init::File);
  EXPECT_EQ(d.path, "/tmp/a b:c.bin");
  EXPECT_EQ(d.bytes(), 16u);

  EXPECT_EQ(parseOk("i32[0]:zeros").count, 0u);
  for (const char *t : {"f64", "f32", "f16", "bf16", "i64", "i32", "i16", "i8", "u8", "u16", "u32", "u64"})
    EXPECT_EQ(dtypeName(parseOk(std::string(t) + "[1]:rand").type), std::string(t));
}

TEST(ArgSpec, Scalars) {
  ArgSpec n = parseOk("i32:1024");
  EXPECT_EQ(n.kind, ArgSpec::Kind::Scalar);
  EXPECT_EQ(n.intValue, 1024);
  EXPECT_EQ(n.value, "1024");
  EXPECT_EQ(parseOk("i32:-2147483648").intValue, -2147483647 - 1);
  EXPECT_EQ(parseOk("i8:-128").intValue, -128);
  EXPECT_EQ(parseOk("i64:0x10").value, "16");
  EXPECT_EQ(parseOk("u8:255").uintValue, 255u);
  EXPECT_EQ(parseOk("u64:18446744073709551615").value, "18446744073709551615");
  EXPECT_EQ(parseOk("f32:1.5").floatValue, 1.5);
  EXPECT_EQ(parseOk("f32:1.5").value, "1.5");
  EXPECT_EQ(parseOk("f64:-2e-3").floatValue, -2e-3);
  EXPECT_EQ(parseOk("f16:0x1p-3").floatValue, 0.125);
  EXPECT_TRUE(std::isinf(parseOk("f32:inf").floatValue));
  EXPECT_EQ(parseOk("i16:+7").value, "7");
}

TEST(ArgSpec, ErrorsAreExact) {
  EXPECT_EQ(parseError("f32[abc]:rand"), "--arg 'f32[abc]:rand': expected an element count between '[' and ']'");
  EXPECT_EQ(parseError("f32[]:rand"), "--arg 'f32[]:rand': expected an element count between '[' and ']'");
  EXPECT_EQ(parseError("f32[-4]:rand"), "--arg 'f32[-4]:rand': expected an element count between '[' and ']'");
  EXPECT_EQ(parseError("f32[4:rand"), "--arg 'f32[4:rand': expected ']' after the element count");
  EXPECT_EQ(parseError("f31[4]:rand"),
            "--arg 'f31[4]:rand': unknown type 'f31' (expected f64, f32, f16, bf16, i64, i32, i16, i8, u8, u16, u32 or u64)");
  EXPECT_EQ(parseError(""), "--arg '': expected TYPE[COUNT]:INIT (a buffer) or TYPE:VALUE (a scalar)");
  EXPECT_EQ(parseError("f32"), "--arg 'f32': expected '[COUNT]:INIT' (a buffer) or ':VALUE' (a scalar) after the type 'f32'");
  EXPECT_EQ(parseError("[4]:rand"),
            "--arg '[4]:rand': expected a type (f64, f32, f16, bf16, i64, i32, i16, i8, u8, u16, u32 or u64) before '['");
  EXPECT_EQ(parseError("f32[4]"), "--arg 'f32[4]': expected ':rand', ':rand:SEED', ':zeros' or ':file=PATH' after ']'");
  EXPECT_EQ(parseError("f32[4]rand"), "--arg 'f32[4]rand': expected ':rand', ':rand:SEED', ':zeros' or ':file=PATH' after ']'");
  EXPECT_EQ(parseError("f32[4]:random"),
            "--arg 'f32[4]:random': unknown initializer 'random' (expected rand, rand:SEED, zeros or file=PATH)");
  EXPECT_EQ(parseError("f32[4]:rand:x"),
            "--arg 'f32[4]:rand:x': expected a seed (an integer from 0 to 18446744073709551615) after 'rand:'");
  EXPECT_EQ(parseError("f32[4]:rand:"),
            "--arg 'f32[4]:rand:': expected a seed (an integer from 0 to 18446744073709551615) after 'rand:'");
  EXPECT_EQ(parseError("f32[4]:zeros:1"), "--arg 'f32[4]:zeros:1': 'zeros' takes no argument");
  EXPECT_EQ(parseError("f32[4]:file="), "--arg 'f32[4]:file=': expected a path after 'file='");
  EXPECT_EQ(parseError("f64[99999999999999999999]:rand"),
            "--arg 'f64[99999999999999999999]:rand': element count 99999999999999999999 is too large (at most "
            "137438953472 elements of f64)");
  EXPECT_EQ(parseError("i32:"), "--arg 'i32:': expected a value after 'i32:'");
  EXPECT_EQ(parseError("i32:abc"), "--arg 'i32:abc': 'abc' is not a valid i32 value (expected an integer)");
  EXPECT_EQ(parseError("i32:1.5"), "--arg 'i32:1.5': '1.5' is not a valid i32 value (expected an integer)");
  EXPECT_EQ(parseError("i8:128"), "--arg 'i8:128': '128' is out of range for i8 (-128 to 127)");
  EXPECT_EQ(parseError("i8:-129"), "--arg 'i8:-129': '-129' is out of range for i8 (-128 to 127)");
  EXPECT_EQ(parseError("u8:256"), "--arg 'u8:256': '256' is out of range for u8 (0 to 255)");
  EXPECT_EQ(parseError("u32:-1"), "--arg 'u32:-1': '-1' is out of range for u32 (0 to 4294967295)");
  EXPECT_EQ(parseError("f32:abc"), "--arg 'f32:abc': 'abc' is not a valid f32 value");
  EXPECT_EQ(parseError("f32:1.5x"), "--arg 'f32:1.5x': '1.5x' is not a valid f32 value");
  EXPECT_EQ(parseError("f32: 1"), "--arg 'f32: 1': ' 1' is not a valid f32 value");
}

TEST(ArgSpec, FormatRoundTrips) {
  for (const char *text : {"f32[1024]:rand", "bf16[7]:rand:42", "i8[16]:zeros", "f64[2]:file=/tmp/x.bin", "i32:-5", "f16:0.5"}) {
    ArgSpec s = parseOk(text);
    EXPECT_EQ(formatArgSpec(s), text);
  }
  EXPECT_EQ(formatArgSpec(parseOk("u8[3]:rand:0x10")), "u8[3]:rand:16");
}

TEST(ArgSpec, ElementSizes) {
  EXPECT_EQ(elementSize(DType::F64), 8u);
  EXPECT_EQ(elementSize(DType::F32), 4u);
  EXPECT_EQ(elementSize(DType::F16), 2u);
  EXPECT_EQ(elementSize(DType::BF16), 2u);
  EXPECT_EQ(elementSize(DType::I64), 8u);
  EXPECT_EQ(elementSize(DType::I32), 4u);
  EXPECT_EQ(elementSize(DType::I16), 2u);
  EXPECT_EQ(elementSize(DType::I8), 1u);
  EXPECT_EQ(elementSize(DType::U8), 1u);
}

TEST(Random, SplitMix64KnownOutputs) {
  // SplitMix64 from seed 1 (the published reference sequence).
  SplitMix64 rng(1);
  EXPECT_EQ(rng.next(), 0x910A2DEC89025CC1ull);
  EXPECT_EQ(rng.next(), 0xBEEB8DA1658EEC67ull);
  EXPECT_EQ(rng.next(), 0xF893A2EEFB32555Eull);
  EXPECT_EQ(rng.next(), 0x71C18690EE42C90Bull);
}

template <class T> T elementAt(const std::vector<uint8_t> &buf, size_t i) {
  T v;
  std::memcpy(&v, buf.data() + i * sizeof(T), sizeof(T));
  return v;
}

TEST(Random, FirstValuesOfEachType) {
  // x0 = 0x910A2DEC89025CC1, x1 = 0xBEEB8DA1658EEC67, x2 = 0xF893A2EEFB32555E, x3 = 0x71C18690EE42C90B.
  // f32: (x >> 40) * 2^-23 - 1. x0 >> 40 = 0x910A2D = 9505325 -> 9505325 / 8388608 - 1 = 0.13312304...
  std::vector<uint8_t> f32 = randomBuffer(DType::F32, 4, 1);
  ASSERT_EQ(f32.size(), 16u);
  EXPECT_EQ(elementAt<uint32_t>(f32, 0), 0x3E085168u);  // 0.13312304
  EXPECT_EQ(elementAt<uint32_t>(f32, 1), 0x3EFBAE34u);  // 0.49156344
  EXPECT_EQ(elementAt<uint32_t>(f32, 2), 0x3F712744u);  // 0.94200540
  EXPECT_EQ(elementAt<uint32_t>(f32, 3), 0xBDE3E7A0u);  // -0.11128163
  EXPECT_EQ(elementAt<float>(f32, 0), 9505325.0f / 8388608.0f - 1.0f);

  std::vector<uint8_t> f64 = randomBuffer(DType::F64, 2, 1);
  EXPECT_EQ(elementAt<double>(f64, 0), 0.1331231503445618);
  EXPECT_EQ(elementAt<double>(f64, 1), 0.49156351452540226);

  // i32: -1000 + x % 2001. x0 % 2001 = 1682 -> 682.
  std::vector<uint8_t> i32 = randomBuffer(DType::I32, 4, 1);
  EXPECT_EQ(elementAt<int32_t>(i32, 0), 682);
  EXPECT_EQ(elementAt<int32_t>(i32, 1), 819);
  EXPECT_EQ(elementAt<int32_t>(i32, 2), -265);
  EXPECT_EQ(elementAt<int32_t>(i32, 3), 262);
  EXPECT_EQ(elementAt<int16_t>(randomBuffer(DType::I16, 1, 1), 0), 682);
  EXPECT_EQ(elementAt<int64_t>(randomBuffer(DType::I64, 1, 1), 0), 682);
  EXPECT_EQ(elementAt<uint32_t>(randomBuffer(DType::U32, 1, 1), 0), 240u);  // x0 % 1001

  // u8 / i8: the top byte. 0x91 = 145 = -111 as i8; 0xBE; 0xF8; 0x71.
  std::vector<uint8_t> u8 = randomBuffer(DType::U8, 4, 1);
  EXPECT_EQ(u8, (std::vector<uint8_t>{0x91, 0xBE, 0xF8, 0x71}));
  std::vector<uint8_t> i8 = randomBuffer(DType::I8, 1, 1);
  EXPECT_EQ(static_cast<int8_t>(i8[0]), -111);

  // Another seed gives other data; the same seed the same bytes.
  EXPECT_NE(randomBuffer(DType::F32, 4, 2), f32);
  EXPECT_EQ(randomBuffer(DType::F32, 4, 1), f32);
  // Element i does not depend on the count.
  std::vector<uint8_t> longer = randomBuffer(DType::F32, 100, 1);
  EXPECT_TRUE(std::equal(f32.begin(), f32.end(), longer.begin()));
}

TEST(Random, HalfAndBFloat16AreRoundedToNearestEven) {
  // The f32 values above rounded by hand:
  //  0x3E085168: f16 exponent -3 (12), mantissa 0x085168 >> 13 = 0x042, rest 0x1168 > 0x1000 -> 0x043: 0x3043
  //              bf16: 0x3E08 | rest 0x5168 < 0x8000 -> 0x3E08
  //  0x3EFBAE34: f16 0x37DD (rest 0x0E34 < 0x1000, mantissa 0x3DD); bf16 0x3EFB, rest 0xAE34 > 0x8000 -> 0x3EFC
  //  0x3F712744: f16 0x3B89; bf16 0x3F71 (rest 0x2744)
  //  0xBDE3E7A0: f16 0xAF1F; bf16 0xBDE3, rest 0xE7A0 -> 0xBDE4
  std::vector<uint8_t> f16 = randomBuffer(DType::F16, 4, 1);
  EXPECT_EQ(elementAt<uint16_t>(f16, 0), 0x3043u);
  EXPECT_EQ(elementAt<uint16_t>(f16, 1), 0x37DDu);
  EXPECT_EQ(elementAt<uint16_t>(f16, 2), 0x3B89u);
  EXPECT_EQ(elementAt<uint16_t>(f16, 3), 0xAF1Fu);
  std::vector<uint8_t> bf16 = randomBuffer(DType::BF16, 4, 1);
  EXPECT_EQ(elementAt<uint16_t>(bf16, 0), 0x3E08u);
  EXPECT_EQ(elementAt<uint16_t>(bf16, 1), 0x3EFCu);
  EXPECT_EQ(elementAt<uint16_t>(bf16, 2), 0x3F71u);
  EXPECT_EQ(elementAt<uint16_t>(bf16, 3), 0xBDE4u);
}

float fromBits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

TEST(Random, HalfConversionTiesSubnormalsOverflow) {
  EXPECT_EQ(floatToHalfBits(1.0f), 0x3C00u);
  EXPECT_EQ(floatToHalfBits(fromBits(0x3F801000)), 0x3C00u);  // 1 + 2^-11: tie, to even
  EXPECT_EQ(floatToHalfBits(fromBits(0x3F803000)), 0x3C02u);  // 1 + 3*2^-11: tie, to even (up)
  EXPECT_EQ(floatToHalfBits(fromBits(0x3F801001)), 0x3C01u);  // just above the tie
  EXPECT_EQ(floatToHalfBits(-2.0f), 0xC000u);
  EXPECT_EQ(floatToHalfBits(65504.0f), 0x7BFFu);
  EXPECT_EQ(floatToHalfBits(65519.0f), 0x7BFFu);
  EXPECT_EQ(floatToHalfBits(65520.0f), 0x7C00u);  // tie between 65504 (odd) and 65536: up, infinity
  EXPECT_EQ(floatToHalfBits(1e10f), 0x7C00u);
  EXPECT_EQ(floatToHalfBits(-1e10f), 0xFC00u);
  EXPECT_EQ(floatToHalfBits(0x1p-14f), 0x0400u);       // smallest normal
  EXPECT_EQ(floatToHalfBits(0x1p-24f), 0x0001u);       // smallest subnormal
  EXPECT_EQ(floatToHalfBits(0x1p-25f), 0x0000u);       // tie between 0 and 2^-24: to even, 0
  EXPECT_EQ(floatToHalfBits(0x1.8p-25f), 0x0001u);     // above the tie
  EXPECT_EQ(floatToHalfBits(0x1.8p-24f), 0x0002u);     // 1.5 units: tie, to even 2
  EXPECT_EQ(floatToHalfBits(0x1.ff8p-15f), 0x03FFu);   // 1023 units: the largest subnormal
  EXPECT_EQ(floatToHalfBits(0x1.ffcp-15f), 0x0400u);   // 1023.5 units: tie, to even, into the normals
  EXPECT_EQ(floatToHalfBits(-0.0f), 0x8000u);
  EXPECT_EQ(floatToHalfBits(INFINITY), 0x7C00u);
  EXPECT_EQ(floatToHalfBits(NAN) & 0x7E00u, 0x7E00u);

  EXPECT_EQ(floatToBFloat16Bits(1.0f), 0x3F80u);
  EXPECT_EQ(floatToBFloat16Bits(fromBits(0x3F808000)), 0x3F80u);  // tie, to even
  EXPECT_EQ(floatToBFloat16Bits(fromBits(0x3F818000)), 0x3F82u);  // tie, to even (up)
  EXPECT_EQ(floatToBFloat16Bits(fromBits(0x3F808001)), 0x3F81u);
  EXPECT_EQ(floatToBFloat16Bits(fromBits(0x7F7FFFFF)), 0x7F80u);  // FLT_MAX rounds to infinity
  EXPECT_EQ(floatToBFloat16Bits(fromBits(0x00010000)), 0x0001u);  // subnormal, exact
  EXPECT_EQ(floatToBFloat16Bits(fromBits(0x7FC00001)), 0x7FC0u);  // NaN stays NaN
  EXPECT_EQ(floatToBFloat16Bits(fromBits(0x7F800001)) & 0x7FC0u, 0x7FC0u);

  EXPECT_EQ(halfBitsToFloat(0x3C00), 1.0f);
  EXPECT_EQ(halfBitsToFloat(0x0001), 0x1p-24f);
  EXPECT_EQ(halfBitsToFloat(0x7BFF), 65504.0f);
  EXPECT_EQ(halfBitsToFloat(0xC000), -2.0f);
  EXPECT_EQ(bfloat16BitsToFloat(0x3F80), 1.0f);
  // Every half round-trips through float.
  for (uint32_t h = 0; h < 0x10000; ++h) {
    if ((h & 0x7C00) == 0x7C00 && (h & 0x3FF)) continue;  // NaN payloads are quieted
    ASSERT_EQ(floatToHalfBits(halfBitsToFloat(static_cast<uint16_t>(h))), h) << std::hex << h;
  }
}

TEST(Random, EdgeValues) {
  std::vector<std::vector<uint8_t>> f32 = edgeValues(DType::F32);
  ASSERT_EQ(f32.size(), 17u);
  auto bits32 = [](const std::vector<uint8_t> &e) {
    uint32_t u;
    std::memcpy(&u, e.data(), 4);
    return u;
  };
  EXPECT_EQ(bits32(f32[0]), 0x00000000u);
  EXPECT_EQ(bits32(f32[1]), 0x80000000u);
  EXPECT_EQ(bits32(f32[2]), 0x3F800000u);
  EXPECT_EQ(bits32(f32[3]), 0xBF800000u);
  EXPECT_EQ(bits32(f32[4]), 0x00800000u);  // smallest normal
  EXPECT_EQ(bits32(f32[6]), 0x00000001u);  // smallest subnormal
  EXPECT_EQ(bits32(f32[8]), 0x41800000u);  // 16
  EXPECT_EQ(bits32(f32[9]), 0xC1800000u);  // -16
  EXPECT_EQ(bits32(f32[15]), 0x3F801000u); // 1 + 2^-11
  EXPECT_EQ(bits32(f32[16]), 0x3F808000u); // 1 + 2^-8

  std::vector<std::vector<uint8_t>> f16 = edgeValues(DType::F16);
  ASSERT_EQ(f16.size(), 15u);
  auto bits16 = [](const std::vector<uint8_t> &e) { return static_cast<unsigned>(e[0] | e[1] << 8); };
  EXPECT_EQ(bits16(f16[4]), 0x0400u);
  EXPECT_EQ(bits16(f16[6]), 0x0001u);
  EXPECT_EQ(bits16(f16[8]), 0x4400u);  // 4
  EXPECT_EQ(bits16(edgeValues(DType::BF16)[8]), 0x4180u);  // 16
  EXPECT_EQ(bits16(edgeValues(DType::BF16)[6]), 0x0001u);

  std::vector<std::vector<uint8_t>> i8 = edgeValues(DType::I8);
  ASSERT_EQ(i8.size(), 5u);
  EXPECT_EQ(i8[0][0], 0x00);
  EXPECT_EQ(i8[1][0], 0x01);
  EXPECT_EQ(i8[2][0], 0xFF);
  EXPECT_EQ(i8[3][0], 0x80);
  EXPECT_EQ(i8[4][0], 0x7F);
  std::vector<std::vector<uint8_t>> i32 = edgeValues(DType::I32);
  EXPECT_EQ(i32[3], (std::vector<uint8_t>{0x00, 0x00, 0x00, 0x80}));
  EXPECT_EQ(edgeValues(DType::U8).size(), 4u);

  // Mixed into random data: deterministic, every edge value present, mostly random otherwise.
  std::vector<uint8_t> buf = edgeValueBuffer(DType::F32, 1000, 7);
  EXPECT_EQ(buf, edgeValueBuffer(DType::F32, 1000, 7));
  for (size_t k = 0; k < f32.size(); ++k) EXPECT_EQ(std::memcmp(&buf[(k * 1000 / 17) * 4], f32[k].data(), 4), 0);
  std::vector<uint8_t> rnd = randomBuffer(DType::F32, 1000, 7);
  size_t same = 0;
  for (size_t i = 0; i < 1000; ++i) same += std::memcmp(&buf[i * 4], &rnd[i * 4], 4) == 0;
  EXPECT_GT(same, 650u);
  EXPECT_LT(same, 850u);
}

TEST(RawFiles, RoundTripAndMakeBuffer) {
  test::TempDir dir;
  std::vector<uint8_t> data = randomBuffer(DType::F16, 33, 5);
  std::string error;
  ASSERT_TRUE(writeRawFile(dir.file("x.bin"), data, &error)) << error;
  std::vector<uint8_t> back;
  ASSERT_TRUE(readRawFile(dir.file("x.bin"), back, &error)) << error;
  EXPECT_EQ(back, data);

  ArgSpec spec = parseOk("f16[33]:file=" + dir.file("x.bin"));
  std::vector<uint8_t> made;
  ASSERT_TRUE(makeBuffer(spec, made, &error)) << error;
  EXPECT_EQ(made, data);

  ArgSpec wrong = parseOk("f16[34]:file=" + dir.file("x.bin"));
  EXPECT_FALSE(makeBuffer(wrong, made, &error));
  EXPECT_EQ(error, "'" + dir.file("x.bin") + "' holds 66 bytes, expected 68 (34 elements of f16)");
  EXPECT_FALSE(makeBuffer(parseOk("f16[1]:file=" + dir.file("none.bin")), made, &error));
  EXPECT_EQ(error, "cannot open '" + dir.file("none.bin") + "': No such file or directory");

  ASSERT_TRUE(makeBuffer(parseOk("i16[3]:zeros"), made, &error));
  EXPECT_EQ(made, std::vector<uint8_t>(6, 0));
  ASSERT_TRUE(makeBuffer(parseOk("i32[2]:rand"), made, &error));
  EXPECT_EQ(made, randomBuffer(DType::I32, 2, 1));

  EXPECT_EQ(elementAsDouble(DType::F16, data.data(), 0), halfBitsToFloat(static_cast<uint16_t>(data[0] | data[1] << 8)));
  std::vector<uint8_t> i8 = {0xFF};
  EXPECT_EQ(elementAsDouble(DType::I8, i8.data(), 0), -1.0);
  EXPECT_EQ(elementAsDouble(DType::U8, i8.data(), 0), 255.0);
}

}  // namespace
}  // namespace xpile::exec
