#include "backends/exec/arg_spec.h"

#include <cerrno>
#include <cfloat>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

namespace xpile::exec {

namespace {

struct TypeInfo {
  const char *name;
  DType type;
  size_t size;
};

constexpr TypeInfo kTypes[] = {
    {"f64", DType::F64, 8}, {"f32", DType::F32, 4}, {"f16", DType::F16, 2}, {"bf16", DType::BF16, 2},
    {"i64", DType::I64, 8}, {"i32", DType::I32, 4}, {"i16", DType::I16, 2}, {"i8", DType::I8, 1},
    {"u8", DType::U8, 1},   {"u16", DType::U16, 2}, {"u32", DType::U32, 4}, {"u64", DType::U64, 8},
};

constexpr uint64_t kMaxBufferBytes = uint64_t(1) << 40;

uint32_t floatBits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
float bitsFloat(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

void storeLE(uint8_t *p, uint64_t bits, size_t size) {
  for (size_t i = 0; i < size; ++i) p[i] = static_cast<uint8_t>(bits >> (8 * i));
}
uint64_t loadLE(const uint8_t *p, size_t size) {
  uint64_t v = 0;
  for (size_t i = 0; i < size; ++i) v |= uint64_t(p[i]) << (8 * i);
  return v;
}

// The bits of `value` as an element of a floating-point type.
uint64_t encodeFloat(DType type, double value) {
  switch (type) {
  case DType::F64: {
    uint64_t u;
    std::memcpy(&u, &value, 8);
    return u;
  }
  case DType::F32: return floatBits(static_cast<float>(value));
  case DType::F16: return floatToHalfBits(static_cast<float>(value));
  case DType::BF16: return floatToBFloat16Bits(static_cast<float>(value));
  default: return 0;
  }
}

// The bits of element x of random data.
uint64_t randomElement(DType type, uint64_t x) {
  switch (type) {
  case DType::F64: return encodeFloat(type, static_cast<double>(x >> 11) * 0x1p-52 - 1.0);
  case DType::F32:
  case DType::F16:
  case DType::BF16: {
    float f = static_cast<float>(x >> 40) * 0x1p-23f - 1.0f;
    if (type == DType::F32) return floatBits(f);
    return type == DType::F16 ? floatToHalfBits(f) : floatToBFloat16Bits(f);
  }
  case DType::I8:
  case DType::U8: return x >> 56;
  case DType::I16:
  case DType::I32:
  case DType::I64: return static_cast<uint64_t>(-1000 + static_cast<int64_t>(x % 2001));
  case DType::U16:
  case DType::U32:
  case DType::U64: return x % 1001;
  default: return 0;
  }
}

bool parseUnsigned(std::string_view s, uint64_t &out) {
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s.remove_prefix(2);
    base = 16;
  }
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out, base);
  return ec == std::errc() && ptr == s.data() + s.size();
}

std::string typeList() {
  return "f64, f32, f16, bf16, i64, i32, i16, i8, u8, u16, u32 or u64";
}

}  // namespace

std::optional<DType> parseDType(std::string_view name) {
  for (const TypeInfo &t : kTypes)
    if (name == t.name) return t.type;
  return std::nullopt;
}

size_t elementSize(DType type) {
  for (const TypeInfo &t : kTypes)
    if (t.type == type) return t.size;
  return 0;
}

bool isFloatType(DType t) { return t == DType::F64 || t == DType::F32 || t == DType::F16 || t == DType::BF16; }
bool isSignedType(DType t) { return t == DType::I64 || t == DType::I32 || t == DType::I16 || t == DType::I8; }

uint16_t floatToHalfBits(float value) {
  uint32_t f = floatBits(value);
  uint32_t sign = (f >> 16) & 0x8000u;
  uint32_t a = f & 0x7FFFFFFFu;
  if (a > 0x7F800000u) return static_cast<uint16_t>(sign | 0x7E00u | ((a >> 13) & 0x3FFu));  // NaN, quiet
  if (a >= 0x477FF000u) return static_cast<uint16_t>(sign | 0x7C00u);  // >= 65520: infinity
  if (a >= 0x38800000u) {  // a half normal (>= 2^-14): rebias the exponent, round the low 13 bits
    uint32_t v = a - 0x38000000u;
    v += 0xFFFu + ((v >> 13) & 1u);
    return static_cast<uint16_t>(sign | (v >> 13));
  }
  if (a < 0x33000000u) return static_cast<uint16_t>(sign);  // below 2^-25: zero
  // A half subnormal: units of 2^-24.
  uint32_t e = a >> 23;
  uint32_t m = (a & 0x7FFFFFu) | 0x800000u;
  uint32_t shift = 126 - e;  // 14..24
  uint32_t r = m >> shift;
  uint32_t rem = m & ((1u << shift) - 1);
  uint32_t half = 1u << (shift - 1);
  if (rem > half || (rem == half && (r & 1u))) ++r;
  return static_cast<uint16_t>(sign | r);
}

uint16_t floatToBFloat16Bits(float value) {
  uint32_t f = floatBits(value);
  if ((f & 0x7FFFFFFFu) > 0x7F800000u) return static_cast<uint16_t>((f >> 16) | 0x40u);  // NaN, quiet
  f += 0x7FFFu + ((f >> 16) & 1u);
  return static_cast<uint16_t>(f >> 16);
}

float halfBitsToFloat(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000u) << 16;
  uint32_t e = (h >> 10) & 0x1Fu;
  uint32_t m = h & 0x3FFu;
  if (e == 0x1F) return bitsFloat(sign | 0x7F800000u | (m << 13));
  if (e == 0) {
    float v = static_cast<float>(m) * 0x1p-24f;
    return sign ? -v : v;
  }
  return bitsFloat(sign | ((e + 112) << 23) | (m << 13));
}

float bfloat16BitsToFloat(uint16_t bits) { return bitsFloat(uint32_t(bits) << 16); }

std::optional<ArgSpec> parseArgSpec(std::string_view text, std::string *error) {
  auto fail = [&](const std::string &what) -> std::optional<ArgSpec> {
    if (error) *error = "--arg '" + std::string(text) + "': " + what;
    return std::nullopt;
  };
  if (text.empty()) return fail("expected TYPE[COUNT]:INIT (a buffer) or TYPE:VALUE (a scalar)");
  size_t typeEnd = text.find_first_of("[:");
  std::string_view typeName = text.substr(0, typeEnd);
  if (typeName.empty()) return fail("expected a type (" + typeList() + ") before '" + std::string(1, text[0]) + "'");
  std::optional<DType> type = parseDType(typeName);
  if (!type) return fail("unknown type '" + std::string(typeName) + "' (expected " + typeList() + ")");
  if (typeEnd == std::string_view::npos)
    return fail("expected '[COUNT]:INIT' (a buffer) or ':VALUE' (a scalar) after the type '" + std::string(typeName) + "'");

  ArgSpec spec;
  spec.type = *type;
  std::string_view rest = text.substr(typeEnd);

  if (rest[0] == ':') {  // A scalar.
    spec.kind = ArgSpec::Kind::Scalar;
    std::string value(rest.substr(1));
    if (value.empty()) return fail("expected a value after '" + std::string(typeName) + ":'");
    std::string name(typeName);
    if (isFloatType(spec.type)) {
      errno = 0;
      char *end = nullptr;
      double v = std::strtod(value.c_str(), &end);
      if (std::isspace(static_cast<unsigned char>(value[0])) || end != value.c_str() + value.size())
        return fail("'" + value + "' is not a valid " + name + " value");
      spec.floatValue = v;
      spec.value = value;
      return spec;
    }
    bool negative = value[0] == '-';
    std::string_view digits = value;
    if (negative || value[0] == '+') digits.remove_prefix(1);
    uint64_t magnitude = 0;
    if (!parseUnsigned(digits, magnitude)) return fail("'" + value + "' is not a valid " + name + " value (expected an integer)");
    size_t bits = elementSize(spec.type) * 8;
    if (isSignedType(spec.type)) {
      uint64_t maxPos = (uint64_t(1) << (bits - 1)) - 1;
      bool inRange = negative ? magnitude <= maxPos + 1 : magnitude <= maxPos;
      if (!inRange)
        return fail("'" + value + "' is out of range for " + name + " (" + std::to_string(-static_cast<int64_t>(maxPos) - 1) +
                    " to " + std::to_string(maxPos) + ")");
      spec.intValue = negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
      spec.value = std::to_string(spec.intValue);
    } else {
      uint64_t maxVal = bits == 64 ? ~uint64_t(0) : (uint64_t(1) << bits) - 1;
      if ((negative && magnitude != 0) || magnitude > maxVal)
        return fail("'" + value + "' is out of range for " + name + " (0 to " + std::to_string(maxVal) + ")");
      spec.uintValue = magnitude;
      spec.value = std::to_string(magnitude);
    }
    return spec;
  }

  // A buffer: [COUNT]:INIT
  spec.kind = ArgSpec::Kind::Buffer;
  size_t close = rest.find(']');
  if (close == std::string_view::npos) return fail("expected ']' after the element count");
  std::string_view countText = rest.substr(1, close - 1);
  uint64_t count = 0;
  if (countText.empty() || countText.find_first_not_of("0123456789") != std::string_view::npos)
    return fail("expected an element count between '[' and ']'");
  auto [ptr, ec] = std::from_chars(countText.data(), countText.data() + countText.size(), count);
  (void)ptr;
  if (ec != std::errc() || count > kMaxBufferBytes / elementSize(spec.type))
    return fail("element count " + std::string(countText) + " is too large (at most " +
                std::to_string(kMaxBufferBytes / elementSize(spec.type)) + " elements of " + std::string(typeName) + ")");
  spec.count = count;
  std::string_view init = rest.substr(close + 1);
  if (init.empty() || init[0] != ':')
    return fail("expected ':rand', ':rand:SEED', ':zeros' or ':file=PATH' after ']'");
  init.remove_prefix(1);
  if (init == "rand") {
    spec.init = ArgSpec::Init::Random;
    return spec;
  }
  if (init.substr(0, 5) == "rand:") {
    spec.init = ArgSpec::Init::Random;
    if (!parseUnsigned(init.substr(5), spec.seed))
      return fail("expected a seed (an integer from 0 to 18446744073709551615) after 'rand:'");
    return spec;
  }
  if (init == "zeros") {
    spec.init = ArgSpec::Init::Zeros;
    return spec;
  }
  if (init.substr(0, 5) == "zeros") return fail("'zeros' takes no argument");
  if (init.substr(0, 5) == "file=") {
    spec.init = ArgSpec::Init::File;
    spec.path = std::string(init.substr(5));
    if (spec.path.empty()) return fail("expected a path after 'file='");
    return spec;
  }
  return fail("unknown initializer '" + std::string(init) + "' (expected rand, rand:SEED, zeros or file=PATH)");
}

std::string formatArgSpec(const ArgSpec &spec) {
  std::string s = dtypeName(spec.type);
  if (spec.kind == ArgSpec::Kind::Scalar) return s + ":" + spec.value;
  s += "[" + std::to_string(spec.count) + "]:";
  switch (spec.init) {
  case ArgSpec::Init::Random: return s + (spec.seed == 1 ? "rand" : "rand:" + std::to_string(spec.seed));
  case ArgSpec::Init::Zeros: return s + "zeros";
  case ArgSpec::Init::File: return s + "file=" + spec.path;
  }
  return s;
}

std::vector<uint8_t> randomBuffer(DType type, uint64_t count, uint64_t seed) {
  size_t size = elementSize(type);
  std::vector<uint8_t> out(count * size);
  SplitMix64 rng(seed);
  for (uint64_t i = 0; i < count; ++i) storeLE(&out[i * size], randomElement(type, rng.next()), size);
  return out;
}

std::vector<uint8_t> zeroBuffer(DType type, uint64_t count) { return std::vector<uint8_t>(count * elementSize(type), 0); }

std::vector<std::vector<uint8_t>> edgeValues(DType type) {
  size_t size = elementSize(type);
  std::vector<uint64_t> bits;
  if (isFloatType(type)) {
    // "Large" is large for the data, not the type's maximum: near the maximum, whether a sum or a
    // product overflows depends on the order of operations, which a correct translation may change
    // (a tree reduction, a fused multiply-add), so results would differ between correct programs.
    double minNormal = 0, subnormal = 0, large = 0;
    switch (type) {
    case DType::F64: minNormal = DBL_MIN, subnormal = 0x1p-1074, large = 0x1p4; break;
    case DType::F32: minNormal = FLT_MIN, subnormal = 0x1p-149, large = 0x1p4; break;
    case DType::F16: minNormal = 0x1p-14, subnormal = 0x1p-24, large = 0x1p2; break;
    case DType::BF16: minNormal = 0x1p-126, subnormal = 0x1p-133, large = 0x1p4; break;
    default: break;
    }
    std::vector<double> values = {0.0, -0.0, 1.0, -1.0, minNormal, -minNormal, subnormal, -subnormal,
                                  large, -large, 0.5, -0.5, 1.5, 2.5, -2.5};
    if (type == DType::F64) values.push_back(1.0 + 0x1p-24);
    if (type == DType::F32) values.insert(values.end(), {1.0 + 0x1p-11, 1.0 + 0x1p-8});
    for (double v : values) bits.push_back(encodeFloat(type, v));
  } else if (isSignedType(type)) {
    size_t b = size * 8;
    uint64_t mask = b == 64 ? ~uint64_t(0) : (uint64_t(1) << b) - 1;
    uint64_t minBits = uint64_t(1) << (b - 1);
    bits = {0, 1, mask, minBits, minBits - 1};
  } else if (size) {
    size_t b = size * 8;
    uint64_t mask = b == 64 ? ~uint64_t(0) : (uint64_t(1) << b) - 1;
    bits = {0, 1, mask, uint64_t(1) << (b - 1)};
  }
  std::vector<std::vector<uint8_t>> out;
  for (uint64_t v : bits) {
    std::vector<uint8_t> e(size);
    storeLE(e.data(), v, size);
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<uint8_t> edgeValueBuffer(DType type, uint64_t count, uint64_t seed) {
  size_t size = elementSize(type);
  std::vector<std::vector<uint8_t>> edges = edgeValues(type);
  std::vector<uint8_t> out(count * size);
  if (edges.empty()) return out;
  const uint64_t e = edges.size();
  SplitMix64 rng(seed);
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t x = rng.next();
    if ((x & 7) < 2)
      std::memcpy(&out[i * size], edges[(x >> 8) % e].data(), size);
    else
      storeLE(&out[i * size], randomElement(type, x), size);
  }
  if (count >= e)
    for (uint64_t k = 0; k < e; ++k) std::memcpy(&out[(k * count / e) * size], edges[k].data(), size);
  return out;
}

bool readRawFile(const std::string &path, std::vector<uint8_t> &out, std::string *error) {
  FILE *f = std::fopen(path.c_str(), "rb");
  if (!f) {
    if (error) *error = "cannot open '" + path + "': " + std::strerror(errno);
    return false;
  }
  out.clear();
  uint8_t buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.insert(out.end(), buf, buf + n);
  bool ok = !std::ferror(f);
  std::fclose(f);
  if (!ok && error) *error = "cannot read '" + path + "'";
  return ok;
}

bool writeRawFile(const std::string &path, const std::vector<uint8_t> &data, std::string *error) {
  FILE *f = std::fopen(path.c_str(), "wb");
  if (!f) {
    if (error) *error = "cannot create '" + path + "': " + std::strerror(errno);
    return false;
  }
  bool ok = std::fwrite(data.data(), 1, data.size(), f) == data.size();
  ok = std::fclose(f) == 0 && ok;
  if (!ok && error) *error = "cannot write '" + path + "'";
  return ok;
}

bool makeBuffer(const ArgSpec &spec, std::vector<uint8_t> &out, std::string *error) {
  if (spec.kind != ArgSpec::Kind::Buffer) {
    if (error) *error = "'" + formatArgSpec(spec) + "' is a scalar, not a buffer";
    return false;
  }
  switch (spec.init) {
  case ArgSpec::Init::Random: out = randomBuffer(spec.type, spec.count, spec.seed); return true;
  case ArgSpec::Init::Zeros: out = zeroBuffer(spec.type, spec.count); return true;
  case ArgSpec::Init::File:
    if (!readRawFile(spec.path, out, error)) return false;
    if (out.size() != spec.bytes()) {
      if (error)
        *error = "'" + spec.path + "' holds " + std::to_string(out.size()) + " bytes, expected " + std::to_string(spec.bytes()) +
                 " (" + std::to_string(spec.count) + " elements of " + dtypeName(spec.type) + ")";
      return false;
    }
    return true;
  }
  return false;
}

JobArg jobArg(const ArgSpec &spec, const std::string &bufferPath) {
  JobArg a;
  a.isBuffer = spec.kind == ArgSpec::Kind::Buffer;
  a.type = spec.type;
  a.count = spec.count;
  if (a.isBuffer) a.path = bufferPath;
  else a.value = spec.value;
  return a;
}

std::string formatJob(const JobSpec &job) {
  auto dims = [](const unsigned d[3]) {
    return std::to_string(d[0]) + " " + std::to_string(d[1]) + " " + std::to_string(d[2]);
  };
  std::string s = "# xpile job (read by xpile_harness.h)\n";
  for (size_t k = 0; k < job.args.size(); ++k) {
    const JobArg &a = job.args[k];
    s += "arg " + std::to_string(k) + (a.isBuffer ? " buffer " : " scalar ") + dtypeName(a.type) + " ";
    if (a.isBuffer) s += std::to_string(a.count) + (a.path.empty() ? std::string() : " " + a.path);
    else s += a.value;
    s += "\n";
  }
  s += "grid " + dims(job.grid) + "\n";
  s += "block " + dims(job.block) + "\n";
  s += "shared " + std::to_string(job.sharedBytes) + "\n";
  s += "taskdim " + dims(job.taskDim) + "\n";
  s += "tasktype " + (job.taskTypeUnion > 0 ? "union" + std::to_string(job.taskTypeUnion) : std::string("block")) + "\n";
  if (!job.dumpDir.empty()) s += "dump " + job.dumpDir + "\n";
  return s;
}

double elementAsDouble(DType type, const uint8_t *data, uint64_t index) {
  size_t size = elementSize(type);
  uint64_t bits = loadLE(data + index * size, size);
  switch (type) {
  case DType::F64: {
    double d;
    std::memcpy(&d, &bits, 8);
    return d;
  }
  case DType::F32: return bitsFloat(static_cast<uint32_t>(bits));
  case DType::F16: return halfBitsToFloat(static_cast<uint16_t>(bits));
  case DType::BF16: return bfloat16BitsToFloat(static_cast<uint16_t>(bits));
  case DType::I8: return static_cast<int8_t>(bits);
  case DType::I16: return static_cast<int16_t>(bits);
  case DType::I32: return static_cast<int32_t>(bits);
  case DType::I64: return static_cast<double>(static_cast<int64_t>(bits));
  default: return static_cast<double>(bits);
  }
}

}  // namespace xpile::exec
