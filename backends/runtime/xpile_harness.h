// xpile harness: the child side of `xpile run` / `xpile verify`. Compiled INTO the program under
// test (header-only C++17, standard library and xpile_rt.h only). The program's generated main()
// reads the job xpile wrote, gets its buffers and scalars from it, launches the kernel (or calls the
// entry function) with the job's configuration, and calls finish() to dump the buffers:
//
//   auto &job = xpile::harness::job();
//   float *a = job.buffer<float>(0);
//   int n = job.scalar<int>(1);
//   xpile::harness::Dim g = job.grid(), b = job.block();
//   ... launch ...
//   job.finish();
//
// The job file is named by the environment variable XPILE_JOB. It is text, one directive per line;
// blank lines and lines starting with '#' are ignored; fields are separated by spaces or tabs:
//
//   arg K buffer TYPE COUNT PATH   parameter K (0-based, scalars counted) is a buffer of COUNT elements
//                                  of TYPE, read from PATH (raw little-endian, exactly COUNT elements;
//                                  PATH is the rest of the line and may contain spaces). Without a
//                                  PATH the buffer is zero-filled.
//   arg K scalar TYPE VALUE        parameter K is a scalar: an integer in decimal (or 0x hex), or a
//                                  floating-point value as strtod reads it
//   grid X [Y [Z]]                 launch grid (default 1 1 1; a missing Y or Z is 1)
//   block X [Y [Z]]                block dimensions (default 1 1 1)
//   shared BYTES                   dynamic shared memory per block (default 0)
//   taskdim X [Y [Z]]              BANG task dimensions (default 1 1 1)
//   tasktype block|unionN          BANG task type: block (0) or unionN (N = 1, 2, 4, 8, 16, ...)
//   dump DIR                       finish() writes every buffer parameter K to DIR/argK.bin (rest of
//                                  the line; default: no dump)
//
// TYPE is one of f64 f32 f16 bf16 i64 i32 i16 i8 u8 u16 u32 u64. Parameters must be numbered
// 0..N-1, each once. Buffers are allocated with xpile::rt::deviceAlloc(bytes, "argK"), so bounds
// checks and launch traces name them "argK".
//
// Errors: a missing or malformed job file, or a buffer/scalar requested with a type that does not
// fit, print `xpile-harness: ...` on stderr and exit with status 2. A buffer that cannot be allocated
// is `xpile-fault: memory: ...` with status 86 (xpile's sandbox reports it as a memory limit).
#pragma once

#include "xpile_rt.h"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace xpile::harness {

constexpr int kHarnessErrorExitCode = 2;

struct Dim {
  unsigned x = 1, y = 1, z = 1;
  // Converts to any type brace-initialisable from three unsigned values (dim3, xpile::simt::Dim3, ...).
  template <class D, class = decltype(D{std::declval<unsigned>(), std::declval<unsigned>(), std::declval<unsigned>()})>
  operator D() const {
    return D{x, y, z};
  }
};

[[noreturn]] inline void harnessError(const std::string &message) {
  std::fflush(stdout);
  std::fprintf(stderr, "xpile-harness: %s\n", message.c_str());
  std::fflush(stderr);
  std::_Exit(kHarnessErrorExitCode);
}

namespace detail {

struct TypeEntry {
  const char *name;
  rt::DType type;
  size_t size;
};

inline const TypeEntry *findType(const std::string &name) {
  static const TypeEntry types[] = {
      {"f64", rt::DType::F64, 8}, {"f32", rt::DType::F32, 4}, {"f16", rt::DType::F16, 2}, {"bf16", rt::DType::BF16, 2},
      {"i64", rt::DType::I64, 8}, {"i32", rt::DType::I32, 4}, {"i16", rt::DType::I16, 2}, {"i8", rt::DType::I8, 1},
      {"u8", rt::DType::U8, 1},   {"u16", rt::DType::U16, 2}, {"u32", rt::DType::U32, 4}, {"u64", rt::DType::U64, 8},
  };
  for (const TypeEntry &t : types)
    if (name == t.name) return &t;
  return nullptr;
}

inline bool isFloat(rt::DType t) {
  return t == rt::DType::F64 || t == rt::DType::F32 || t == rt::DType::F16 || t == rt::DType::BF16;
}

inline bool parseU64(const std::string &s, unsigned long long &out) {
  if (s.empty() || s[0] == '-' || s[0] == '+' || s[0] == ' ') return false;
  errno = 0;
  char *end = nullptr;
  out = std::strtoull(s.c_str(), &end, 0);
  return errno == 0 && end == s.c_str() + s.size();
}

inline bool parseI64(const std::string &s, long long &out) {
  if (s.empty() || s[0] == ' ') return false;
  errno = 0;
  char *end = nullptr;
  out = std::strtoll(s.c_str(), &end, 0);
  return errno == 0 && end == s.c_str() + s.size();
}

}  // namespace detail

struct Arg {
  bool present = false;
  bool isBuffer = false;
  rt::DType type = rt::DType::Unknown;
  const char *typeName = "";
  size_t elementSize = 0;
  size_t count = 0;   // buffers
  void *data = nullptr;
  std::string path;   // buffers: where the contents came from ("" for zeros)
  std::string value;  // scalars: the text
};

class Job {
public:
  // Reads the job file named by XPILE_JOB (exits with status 2 on any error).
  Job() {
    const char *path = std::getenv("XPILE_JOB");
    if (!path || !*path) harnessError("XPILE_JOB is not set (it names the job file xpile writes for a run)");
    load(path);
  }
  explicit Job(const std::string &path) { load(path); }
  Job(const Job &) = delete;
  Job &operator=(const Job &) = delete;

  int argCount() const { return static_cast<int>(args_.size()); }
  const Arg &arg(int k) const {
    if (k < 0 || k >= argCount()) harnessError("the job has no argument " + std::to_string(k) + " (it has " + std::to_string(argCount()) + ")");
    return args_[static_cast<size_t>(k)];
  }
  bool isBuffer(int k) const { return arg(k).isBuffer; }
  rt::DType dtype(int k) const { return arg(k).type; }
  size_t count(int k) const { return arg(k).count; }
  size_t bytes(int k) const { return arg(k).count * arg(k).elementSize; }
  void *bufferBytes(int k) const { return bufferArg(k).data; }

  // Buffer argument k as T*. sizeof(T) must be the element size of its type; a floating-point
  // type must not be read as an integer type or the other way round (signedness may differ), and
  // f16/bf16 buffers can be read as any 2-byte type.
  // T = void (a `void *` parameter) takes any buffer.
  template <class T> T *buffer(int k) const {
    using E = std::remove_cv_t<T>;
    const Arg &a = bufferArg(k);
    if constexpr (std::is_void_v<E>) {
      return a.data;
    } else {
      return typedBuffer<T>(k, a);
    }
  }

private:
  template <class T> T *typedBuffer(int k, const Arg &a) const {
    using E = std::remove_cv_t<T>;
    if (sizeof(E) != a.elementSize)
      harnessError("argument " + std::to_string(k) + " is a buffer of " + a.typeName + " (" + std::to_string(a.elementSize) +
                   "-byte elements) but the program reads it as " + std::to_string(sizeof(E)) + "-byte elements");
    constexpr rt::DType want = rt::dtypeOf<E>();
    const bool anyTwoBytes = a.type == rt::DType::F16 || a.type == rt::DType::BF16;
    if (!anyTwoBytes && want != rt::DType::Unknown && want != rt::DType::Bool && detail::isFloat(want) != detail::isFloat(a.type))
      harnessError("argument " + std::to_string(k) + " is a buffer of " + a.typeName + " but the program's parameter is " +
                   (detail::isFloat(want) ? "a floating-point" : "an integer") + " pointer (" + rt::dtypeName(want) + ")");
    return static_cast<T *>(a.data);
  }

public:
  // Scalar argument k converted to T (an arithmetic type, or a type constructible from float such
  // as __half / __nv_bfloat16, which is built from the float value).
  template <class T> T scalar(int k) const {
    const Arg &a = arg(k);
    if (a.isBuffer) harnessError("argument " + std::to_string(k) + " is a buffer (" + a.typeName + "), not a scalar");
    if (detail::isFloat(a.type)) {
      double v = std::strtod(a.value.c_str(), nullptr);
      return convert<T>(v);
    }
    if (a.type == rt::DType::U64 || a.type == rt::DType::U32 || a.type == rt::DType::U16 || a.type == rt::DType::U8) {
      unsigned long long u = 0;
      detail::parseU64(a.value, u);
      return convert<T>(u);
    }
    long long i = 0;
    detail::parseI64(a.value, i);
    return convert<T>(i);
  }

  Dim grid() const { return grid_; }
  Dim block() const { return block_; }
  size_t sharedBytes() const { return shared_; }
  // Not `taskDim()`: BANG programs define taskDim as a macro.
  Dim taskDimensions() const { return taskDim_; }
  int taskTypeUnion() const { return taskTypeUnion_; }  // 0: block; N: unionN
  const std::string &dumpDir() const { return dump_; }

  // Writes every buffer argument K to DUMPDIR/argK.bin (the whole buffer, raw). Nothing without a
  // `dump` directive. Exits with status 2 if a file cannot be written.
  void finish() const {
    std::fflush(stdout);
    if (dump_.empty()) return;
    for (size_t k = 0; k < args_.size(); ++k) {
      const Arg &a = args_[k];
      if (!a.isBuffer) continue;
      std::string file = dump_ + "/arg" + std::to_string(k) + ".bin";
      FILE *f = std::fopen(file.c_str(), "wb");
      if (!f) harnessError("cannot create '" + file + "': " + std::strerror(errno));
      size_t bytes = a.count * a.elementSize;
      bool ok = std::fwrite(a.data, 1, bytes, f) == bytes;
      ok = std::fclose(f) == 0 && ok;
      if (!ok) harnessError("cannot write '" + file + "'");
    }
  }

private:
  template <class T, class V> static T convert(V v) {
    if constexpr (std::is_arithmetic_v<T>) {
      return static_cast<T>(v);
    } else {
      static_assert(std::is_constructible_v<T, float>, "scalar<T>: T must be arithmetic or constructible from float");
      return T(static_cast<float>(v));
    }
  }

  const Arg &bufferArg(int k) const {
    const Arg &a = arg(k);
    if (!a.isBuffer) harnessError("argument " + std::to_string(k) + " is a scalar (" + a.typeName + "), not a buffer");
    return a;
  }

  [[noreturn]] void fail(const std::string &message) const {
    harnessError("job file '" + path_ + "'" + (line_ ? " line " + std::to_string(line_) : std::string()) + ": " + message);
  }

  // Splits off the next field of `rest` (separated by spaces/tabs).
  static std::string nextField(std::string &rest) {
    size_t b = rest.find_first_not_of(" \t");
    if (b == std::string::npos) {
      rest.clear();
      return {};
    }
    size_t e = rest.find_first_of(" \t", b);
    std::string field = rest.substr(b, e == std::string::npos ? std::string::npos : e - b);
    rest = e == std::string::npos ? std::string() : rest.substr(e);
    return field;
  }
  static std::string trimmed(const std::string &s) {
    size_t b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return {};
    size_t e = s.find_last_not_of(" \t");
    return s.substr(b, e - b + 1);
  }

  unsigned long long number(const std::string &field, const char *what) const {
    unsigned long long v = 0;
    if (field.empty()) fail(std::string("expected ") + what);
    if (!detail::parseU64(field, v)) fail(std::string("expected ") + what + ", not '" + field + "'");
    return v;
  }

  Dim dims(std::string &rest, const char *directive) const {
    Dim d;
    unsigned *parts[3] = {&d.x, &d.y, &d.z};
    for (int i = 0; i < 3; ++i) {
      std::string f = nextField(rest);
      if (f.empty()) {
        if (i == 0) fail(std::string("'") + directive + "' expects 1 to 3 dimensions");
        break;
      }
      unsigned long long v = number(f, "a dimension (a non-negative integer)");
      if (v > 0xFFFFFFFFull) fail("dimension '" + f + "' is too large");
      *parts[i] = static_cast<unsigned>(v);
    }
    if (!trimmed(rest).empty()) fail(std::string("'") + directive + "' expects 1 to 3 dimensions");
    return d;
  }

  void load(const std::string &path) {
    path_ = path;
    FILE *f = std::fopen(path.c_str(), "rb");
    if (!f) harnessError("cannot open the job file '" + path + "': " + std::strerror(errno));
    std::string text;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
    std::fclose(f);

    size_t pos = 0;
    while (pos < text.size()) {
      size_t end = text.find('\n', pos);
      if (end == std::string::npos) end = text.size();
      std::string line = text.substr(pos, end - pos);
      pos = end + 1;
      ++line_;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      std::string rest = line;
      std::string directive = nextField(rest);
      if (directive.empty() || directive[0] == '#') continue;
      if (directive == "arg") parseArg(rest);
      else if (directive == "grid") grid_ = dims(rest, "grid");
      else if (directive == "block") block_ = dims(rest, "block");
      else if (directive == "taskdim") taskDim_ = dims(rest, "taskdim");
      else if (directive == "shared") {
        shared_ = static_cast<size_t>(number(nextField(rest), "a byte count after 'shared'"));
        if (!trimmed(rest).empty()) fail("'shared' expects one byte count");
      } else if (directive == "tasktype") {
        std::string t = nextField(rest);
        if (!trimmed(rest).empty()) fail("'tasktype' expects one value");
        if (t == "block") taskTypeUnion_ = 0;
        else if (t.size() > 5 && t.compare(0, 5, "union") == 0) {
          unsigned long long u = number(t.substr(5), "a cluster count after 'union'");
          if (u == 0 || u > 1024) fail("invalid task type '" + t + "'");
          taskTypeUnion_ = static_cast<int>(u);
        } else fail("invalid task type '" + t + "' (expected block or unionN)");
      } else if (directive == "dump") {
        dump_ = trimmed(rest);
        if (dump_.empty()) fail("expected a directory after 'dump'");
      } else fail("unknown directive '" + directive + "'");
    }
    line_ = 0;
    for (size_t k = 0; k < args_.size(); ++k)
      if (!args_[k].present) fail("argument " + std::to_string(k) + " is missing (arguments are numbered 0 to " +
                                  std::to_string(args_.size() - 1) + ")");
    for (size_t k = 0; k < args_.size(); ++k)
      if (args_[k].isBuffer) loadBuffer(static_cast<int>(k), args_[k]);
  }

  void parseArg(std::string &rest) {
    std::string index = nextField(rest);
    unsigned long long k = number(index, "an argument number after 'arg'");
    if (k > 4096) fail("argument number " + index + " is too large");
    std::string kind = nextField(rest);
    if (kind != "buffer" && kind != "scalar")
      fail("expected 'buffer' or 'scalar' after 'arg " + index + "'" + (kind.empty() ? std::string() : ", not '" + kind + "'"));
    std::string typeName = nextField(rest);
    const detail::TypeEntry *t = detail::findType(typeName);
    if (!t) fail("unknown type '" + typeName + "' (expected f64 f32 f16 bf16 i64 i32 i16 i8 u8 u16 u32 u64)");
    if (args_.size() <= k) args_.resize(static_cast<size_t>(k) + 1);
    Arg &a = args_[static_cast<size_t>(k)];
    if (a.present) fail("argument " + index + " is given twice");
    a.present = true;
    a.type = t->type;
    a.typeName = t->name;
    a.elementSize = t->size;
    if (kind == "buffer") {
      a.isBuffer = true;
      unsigned long long count = number(nextField(rest), "an element count");
      if (count > (1ull << 40) / t->size) fail("element count " + std::to_string(count) + " is too large");
      a.count = static_cast<size_t>(count);
      a.path = trimmed(rest);
      return;
    }
    std::string value = nextField(rest);
    if (value.empty()) fail("expected a value after 'arg " + index + " scalar " + typeName + "'");
    if (!trimmed(rest).empty()) fail("unexpected text after the value of argument " + index);
    bool valid;
    if (detail::isFloat(t->type)) {
      char *end = nullptr;
      std::strtod(value.c_str(), &end);
      valid = end == value.c_str() + value.size();
    } else if (t->type == rt::DType::U64 || t->type == rt::DType::U32 || t->type == rt::DType::U16 || t->type == rt::DType::U8) {
      unsigned long long u;
      valid = detail::parseU64(value, u);
    } else {
      long long i;
      valid = detail::parseI64(value, i);
    }
    if (!valid) fail("'" + value + "' is not a valid " + typeName + " value");
    a.value = value;
  }

  void loadBuffer(int k, Arg &a) {
    size_t bytes = a.count * a.elementSize;
    std::string label = "arg" + std::to_string(k);
    a.data = rt::deviceAlloc(bytes, label);
    if (!a.data) {
      std::fflush(stdout);
      std::fprintf(stderr, "xpile-fault: memory: cannot allocate %zu bytes for argument %d (%zu elements of %s)\n", bytes, k,
                   a.count, a.typeName);
      std::fflush(stderr);
      std::_Exit(rt::kFaultExitCode);
    }
    if (a.path.empty()) {
      std::memset(a.data, 0, bytes);
      return;
    }
    FILE *f = std::fopen(a.path.c_str(), "rb");
    if (!f) fail("argument " + std::to_string(k) + ": cannot open '" + a.path + "': " + std::strerror(errno));
    size_t got = std::fread(a.data, 1, bytes, f);
    bool longer = std::fgetc(f) != EOF;
    std::fclose(f);
    if (got != bytes || longer)
      fail("argument " + std::to_string(k) + ": '" + a.path + "' does not hold exactly " + std::to_string(bytes) + " bytes (" +
           std::to_string(a.count) + " elements of " + a.typeName + ")");
  }

  std::string path_;
  int line_ = 0;
  std::vector<Arg> args_;
  Dim grid_, block_, taskDim_;
  size_t shared_ = 0;
  int taskTypeUnion_ = 0;
  std::string dump_;
};

// The job of this run (read from XPILE_JOB on first use).
inline Job &job() {
  static Job j;
  return j;
}

}  // namespace xpile::harness
