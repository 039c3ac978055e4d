// The `--arg` language of `xpile run` (a stable, scriptable contract), and the buffer contents it
// describes.
//
//   TYPE[COUNT]:rand          COUNT elements of deterministic random data, seed 1
//   TYPE[COUNT]:rand:SEED     ... with another seed (decimal or 0x hex, 0 to 2^64-1)
//   TYPE[COUNT]:zeros         COUNT zero elements
//   TYPE[COUNT]:file=PATH     raw little-endian elements read from PATH (exactly COUNT of them)
//   TYPE:VALUE                a scalar: decimal (or 0x hex) integer within the type's range, or a
//                             floating-point number as strtod reads it (1.5, -2e-3, 0x1p-3, inf, nan)
//   TYPE: f64 f32 f16 bf16 i64 i32 i16 i8 u8 (and u16 u32 u64)
//
// Deterministic random data (the same bytes on every machine). The generator is SplitMix64:
//   state = SEED; next(): state += 0x9E3779B97F4A7C15; z = state;
//   z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9; z = (z ^ (z >> 27)) * 0x94D049BB133111EB; return z ^ (z >> 31)
// Element i is made from the (i+1)-th output x:
//   f64              (x >> 11) * 2^-52 - 1                 uniform in [-1, 1), exact
//   f32, f16, bf16   float((x >> 40) * 2^-23 - 1), exact in f32; f16 and bf16 round it to nearest even
//                    (so f16/bf16 may hold 1.0 exactly)
//   i8 / u8          the top byte, x >> 56, as a signed / unsigned byte (the full range)
//   i16, i32, i64    -1000 + x % 2001                     in [-1000, 1000]
//   u16, u32, u64    x % 1001                              in [0, 1000]
//
// Edge values (for verification) are mixed into that random data: see edgeValueBuffer().
#pragma once

#include "backends/runtime/xpile_rt.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace xpile::exec {

using rt::DType;

// "f32" -> F32, ...; nullopt for anything else. dtypeName (rt::dtypeName) is the inverse.
std::optional<DType> parseDType(std::string_view name);
using rt::dtypeName;
size_t elementSize(DType t);  // bytes per element: 8 4 2 2 8 4 2 1 1 (2 4 8); 0 for others
bool isFloatType(DType t);    // f64 f32 f16 bf16
bool isSignedType(DType t);   // i64 i32 i16 i8

struct ArgSpec {
  enum class Kind { Buffer, Scalar };
  enum class Init { Random, Zeros, File };

  Kind kind = Kind::Buffer;
  DType type = DType::F32;
  // Buffers.
  uint64_t count = 0;
  Init init = Init::Random;
  uint64_t seed = 1;
  std::string path;  // Init::File
  // Scalars: the value as the job file carries it: integers in decimal, floating-point values as
  // given (the harness reads them with strtod and rounds to the type).
  std::string value;
  double floatValue = 0;   // floating-point types
  int64_t intValue = 0;    // signed integer types
  uint64_t uintValue = 0;  // unsigned integer types

  uint64_t bytes() const { return kind == Kind::Buffer ? count * elementSize(type) : elementSize(type); }
};

// Parses one --arg. On error: nullopt and *error = "--arg 'TEXT': what is wrong", e.g.
// "--arg 'f32[abc]:rand': expected an element count between '[' and ']'".
std::optional<ArgSpec> parseArgSpec(std::string_view text, std::string *error);

// The spec as text (parseArgSpec(formatArgSpec(s)) gives s back; the seed is printed only when not 1).
std::string formatArgSpec(const ArgSpec &spec);

// SplitMix64, as defined above.
class SplitMix64 {
public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

private:
  uint64_t state_;
};

// Round-to-nearest-even conversions of binary32 to binary16 / bfloat16 (NaN stays a quiet NaN,
// overflow gives infinity, subnormals are exact), and back (exact).
uint16_t floatToHalfBits(float value);
uint16_t floatToBFloat16Bits(float value);
float halfBitsToFloat(uint16_t bits);
float bfloat16BitsToFloat(uint16_t bits);

// Buffers of COUNT elements of TYPE, raw little-endian.
std::vector<uint8_t> randomBuffer(DType type, uint64_t count, uint64_t seed);
std::vector<uint8_t> zeroBuffer(DType type, uint64_t count);

// The edge values of a type, one element each (raw little-endian), in this order:
//   floats: 0, -0, 1, -1, smallest normal, -smallest normal, smallest subnormal, -smallest subnormal,
//           large, -large (16; 4 for f16: large for data yet far from overflow and from absorbing the
//           rest of a long sum, so that correct
//           programs summing in different orders agree), 0.5, -0.5, 1.5, 2.5, -2.5 (ties of rounding
//           to an integer),
//           then for f64: 1 + 2^-24 (a tie of rounding to f32); for f32: 1 + 2^-11 and 1 + 2^-8 (ties
//           of rounding to f16 and to bf16)
//   signed integers: 0, 1, -1, min, max;   unsigned integers: 0, 1, max, 2^(bits-1)
std::vector<std::vector<uint8_t>> edgeValues(DType type);

// Random data (as randomBuffer with the same seed) with edge values mixed in: element i whose
// random output x has (x & 7) < 2 is replaced by edge value (x >> 8) % E, and when COUNT >= E, edge
// value k is also placed at element k * COUNT / E, so every edge value occurs.
std::vector<uint8_t> edgeValueBuffer(DType type, uint64_t count, uint64_t seed);

// The contents a buffer spec describes (rand, zeros, or the file, which must hold exactly
// COUNT elements). False with a message on error.
bool makeBuffer(const ArgSpec &spec, std::vector<uint8_t> &out, std::string *error);

// Raw files.
bool readRawFile(const std::string &path, std::vector<uint8_t> &out, std::string *error);
bool writeRawFile(const std::string &path, const std::vector<uint8_t> &data, std::string *error);

// The job file of a run, as backends/runtime/xpile_harness.h reads it (its header documents the
// format). Paths must not contain newlines, nor start or end with spaces.
struct JobArg {
  bool isBuffer = true;
  DType type = DType::F32;
  uint64_t count = 0;  // buffers
  std::string path;    // buffers: the raw contents ("" for zeros)
  std::string value;   // scalars: as ArgSpec::value
};
struct JobSpec {
  std::vector<JobArg> args;  // parameter K is args[K]
  unsigned grid[3] = {1, 1, 1}, block[3] = {1, 1, 1}, taskDim[3] = {1, 1, 1};
  uint64_t sharedBytes = 0;
  int taskTypeUnion = 0;  // 0: block, N: unionN
  std::string dumpDir;    // "" : no dump
};
// The argument of a job for a parsed --arg whose buffer contents were written to `bufferPath`.
JobArg jobArg(const ArgSpec &spec, const std::string &bufferPath);
std::string formatJob(const JobSpec &job);

// Element i of a raw buffer as a double (f16/bf16 decoded; 64-bit integers may round).
double elementAsDouble(DType type, const uint8_t *data, uint64_t index);

}  // namespace xpile::exec
