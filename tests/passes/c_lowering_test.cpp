// C lowering: C++ modules become C11. Checked against hand-written expected C, by running before
// and after on the executors, and by compiling the output with gcc -std=c11 -Wall -Werror.
#include "passes/c_lowering.h"
#include "passes/detensorize.h"
#include "tests/passes/pass_test_util.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <vector>
#include <sstream>
#include <unistd.h>

namespace xpile::passes::test {

// Compiles C with gcc -std=c11 -Wall -Werror -c; "" on success (or when gcc is absent), else the
// compiler's messages and the code. Shared with host_lowering_test.cpp.
std::string gccC11(const std::string &code, const std::string &extraFlags = "");

std::string gccC11(const std::string &code, const std::string &extraFlags) {
  if (std::system("command -v gcc > /dev/null 2>&1") != 0) return "";  // no gcc: nothing to check
  static int counter = 0;
  auto dir = std::filesystem::temp_directory_path() /
             ("xpile-c-lowering-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::create_directories(dir);
  auto src = dir / "out.c", log = dir / "log.txt";
  std::ofstream(src) << code;
  std::string compiler = "gcc", flags = extraFlags;
  if (size_t at = flags.find("--xpile-use-clang"); at != std::string::npos) {
    compiler = "clang-16";  // only for code that names Clang builtins
    flags.erase(at, std::string("--xpile-use-clang").size());
  }
  std::string cmd = compiler + " -std=c11 -Wall -Werror -fopenmp " + flags + " -c " + src.string() + " -o " +
                    (dir / "out.o").string() + " > " + log.string() + " 2>&1";
  int rc = std::system(cmd.c_str());
  std::stringstream out;
  out << std::ifstream(log).rdbuf();
  std::filesystem::remove_all(dir);
  return rc == 0 ? "" : out.str() + "\n----- code:\n" + code;
}

}  // namespace xpile::passes::test

namespace xpile::passes::test::corpus {
// Defined in host_lowering_test.cpp.
struct CorpusEntryArgs {
  std::string entry;
  std::vector<std::string> args;
  double rtol = -1, atol = -1;
};
std::vector<std::string> files(const std::string &ext);
std::string read(const std::string &path);
std::string manifestEntryName(const std::string &dir);
std::optional<CorpusEntryArgs> smallestShapeArgs(const std::string &dir, const std::string &entryName);
}  // namespace xpile::passes::test::corpus

namespace xpile::passes {
namespace {

using namespace ast;
using test::gccC11;
using test::parse;
using test::print;
using test::verifyEntry;

std::string errors(const PassContext &ctx) {
  std::string s;
  for (const auto &d : ctx.diagnostics) s += d.loc.str() + ": " + severityName(d.severity) + ": " + d.message + "\n";
  return s;
}

Module toC(const Module &in) {
  Module m = in;
  PassContext ctx;
  EXPECT_TRUE(lowerCxxToC(m, CLoweringOptions{}, ctx)) << errors(ctx);
  return m;
}

const char *kCxx = R"(#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace ops {
constexpr int kN = 8;
constexpr int kHalf = kN / 2;
static const float kScale = 0.5f;
inline float twice(float x) { return x * 2.0f; }
int pick(int a) { return a * 3; }
float pick(float a) { return a + 1.0f; }
template <int R> void scale(float* __restrict__ y, const float& s) { for (int i = 0; i < R; ++i) y[i] *= s; }
}  // namespace ops

struct Acc {
  float sum;
  int count;
};

static void accumulate(float& total, Acc& a, float v) {
  total += v;
  a.sum += v;
  a.count++;
}

void entry(float* y, int n) {
  float buf[ops::kN];
  auto m = std::min(n, ops::kN);
  bool flag = n > 3;
  float* p = nullptr;
  float t = 0.0f;
  Acc acc = {0.0f, 0};
  for (int i = 0; i < m; ++i) {
    buf[i] = static_cast<float>(i) * ops::kScale;
    accumulate(t, acc, buf[i]);
  }
  float& r = y[0];
  r = std::max(t, ops::twice(1.0f)) + float(ops::pick(2)) + ops::pick(1.5f) + std::sqrt(t) + acc.count;
  ops::scale<4>(y, 2.0f);
  ops::scale<2>(y + 4, -1.0f);
  if (flag && p == nullptr) y[5] = std::fabs(-t) + ops::kHalf;
  if (y[6] < -std::numeric_limits<float>::infinity()) y[6] = std::numeric_limits<float>::max();
  y[7] = static_cast<float>(reinterpret_cast<const int32_t*>(y)[7] & 1);
}
)";

TEST(CLowering, CxxConstructsBecomeC) {
  Module m = toC(parse("ops.cpp", kCxx));
  EXPECT_FALSE(m.isCxx);
  EXPECT_EQ(m.dialect, Dialect::C);
  std::string got = print(m);
  // Written by hand from the source. std::max with a call operand keeps single evaluation (fmaxf);
  // std::min of plain operands is the exact ternary. (The front end drops `float(int)` casts.)
  const char *expected = R"(#include <math.h>
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <float.h>

enum { kN = 8 };
enum { kHalf = kN / 2 };

static const float kScale = 0.5f;

static inline float twice(float x) { return x * 2.0f; }

int pick_i32(int a) { return a * 3; }

float pick_f32(float a) { return a + 1.0f; }

void scale_4(float *restrict y, float s) {
  for (int i = 0; i < 4; ++i)
    y[i] *= s;
}

void scale_2(float *restrict y, float s) {
  for (int i = 0; i < 2; ++i)
    y[i] *= s;
}

typedef struct Acc Acc;

struct Acc {
  float sum;
  int count;
};

static void accumulate(float *total, Acc *a, float v) {
  *total += v;
  a->sum += v;
  a->count++;
}

void entry(float *y, int n) {
  float buf[8];
  int m = kN < n ? kN : n;
  _Bool flag = n > 3;
  float *p = NULL;
  float t = 0.0f;
  Acc acc = {0.0f, 0};
  for (int i = 0; i < m; ++i) {
    buf[i] = (float)i * kScale;
    accumulate(&t, &acc, buf[i]);
  }
  float *r = &y[0];
  *r = fmaxf(t, twice(1.0f)) + pick_i32(2) + pick_f32(1.5f) + sqrtf(t) + acc.count;
  scale_4(y, 2.0f);
  scale_2(y + 4, -1.0f);
  if (flag && p == NULL)
    y[5] = fabsf(-t) + kHalf;
  if (y[6] < -INFINITY)
    y[6] = FLT_MAX;
  y[7] = (float)(((const int32_t *)y)[7] & 1);
}
)";
  EXPECT_EQ(got, expected);
  EXPECT_EQ(gccC11(got), "");
}

TEST(CLowering, SameResultsAsTheCxxProgram) {
  Module before = parse("ops.cpp", kCxx);
  Module after = toC(before);
  auto v = verifyEntry(before, after, "entry", {"f32[16]:rand", "i32:7"});
  EXPECT_TRUE(v.pass) << v.message;
}

TEST(CLowering, NamespacesKeepNamesUnique) {
  // Two namespaces define `scale`: both get their namespace as a prefix; unique names stay.
  Module m = toC(parse("ns.cpp", R"(namespace a { float scale(float x) { return x * 2.0f; } }
namespace b { float scale(float x) { return x * 3.0f; } float only(float x) { return scale(x); } }
namespace {
float helper(float x) { return a::scale(x) + b::scale(x); }
}
float entry(float x) { return helper(x) + b::only(x); }
)"));
  std::string code = print(m);
  EXPECT_NE(code.find("float a_scale(float x)"), std::string::npos) << code;
  EXPECT_NE(code.find("float b_scale(float x)"), std::string::npos) << code;
  EXPECT_NE(code.find("float only(float x) { return b_scale(x); }"), std::string::npos) << code;
  EXPECT_NE(code.find("static float helper(float x) { return a_scale(x) + b_scale(x); }"), std::string::npos) << code;
  EXPECT_NE(code.find("return helper(x) + only(x);"), std::string::npos) << code;
  EXPECT_EQ(gccC11(code), "");
}

TEST(CLowering, ConstIntImmediatesBecomeEnumerators) {
  // A local `const int` passed where C needs a constant expression (a switch label here) is an
  // enumerator in C; one whose address is taken stays a variable.
  Module m = toC(parse("imm.cpp", R"(int classify(int v) {
  const int kSmall = 4;
  constexpr int kBig = kSmall * 4;
  const int kOther = 7;
  const int *p = &kOther;
  switch (v) {
  case kSmall: return 1;
  case kBig: return 2;
  default: return *p;
  }
}
)"));
  std::string code = print(m);
  EXPECT_NE(code.find("enum { kSmall = 4 };"), std::string::npos) << code;
  EXPECT_NE(code.find("enum { kBig = kSmall * 4 };"), std::string::npos) << code;
  EXPECT_NE(code.find("const int kOther = 7;"), std::string::npos) << code;
  EXPECT_EQ(gccC11(code), "");
}

// ---- Errors -----------------------------------------------------------------------------------

PassContext failing(const std::string &name, const std::string &source) {
  Module m = parse(name, source);
  Module copy = m;
  PassContext ctx;
  EXPECT_FALSE(lowerCxxToC(m, CLoweringOptions{}, ctx));
  EXPECT_EQ(print(m), print(copy));  // unchanged on failure
  EXPECT_TRUE(m.isCxx);
  return ctx;
}

bool hasError(const PassContext &ctx, unsigned line, const std::string &text) {
  for (const auto &d : ctx.diagnostics)
    if (d.severity == Severity::Error && d.loc.line == line && d.message.find(text) != std::string::npos) return true;
  return false;
}

TEST(CLowering, ClassWithMethodsIsAnErrorWhereUsedAndDroppedWhereNot) {
  PassContext ctx = failing("cls.cpp", R"(struct Counter {
  int n;
  void bump() { ++n; }
};
int use(Counter &c) { return c.n; }
)");
  EXPECT_TRUE(hasError(ctx, 1, "struct 'Counter'")) << errors(ctx);

  Module m = parse("unused.cpp", R"(struct Unused { int f() { return 1; } };
int entry(int x) { return x + 1; }
)");
  PassContext uctx;
  ASSERT_TRUE(lowerCxxToC(m, CLoweringOptions{}, uctx)) << errors(uctx);
  ASSERT_EQ(uctx.diagnostics.size(), 1u);
  EXPECT_EQ(uctx.diagnostics[0].severity, Severity::Warning);
  EXPECT_EQ(gccC11(print(m)), "");
}

TEST(CLowering, LambdasExceptionsAndMemberCallsAreErrors) {
  PassContext ctx = failing("lam.cpp", R"(#include <stdexcept>
int apply(int x) {
  auto twice = [](int v) { return v * 2; };
  if (x < 0) throw std::runtime_error("negative");
  return twice(x);
}
)");
  EXPECT_TRUE(hasError(ctx, 3, "lambda")) << errors(ctx);
  EXPECT_TRUE(hasError(ctx, 4, "throw")) << errors(ctx);
}

TEST(CLowering, ReferenceResultAndDefaultArgumentsAreErrors) {
  PassContext ctx = failing("ref.cpp", R"(float &first(float *p) { return p[0]; }
float scaled(float x, float k = 2.0f) { return x * k; }
float entry(float *p) { return first(p) + scaled(p[1]); }
)");
  EXPECT_TRUE(hasError(ctx, 1, "returns a reference")) << errors(ctx);
  // The AST does not carry default values (Param has none), so the call cannot be completed.
  EXPECT_TRUE(hasError(ctx, 3, "default arguments")) << errors(ctx);
}

TEST(CLowering, UnknownStdFunctionIsAnError) {
  PassContext ctx = failing("std.cpp", R"(#include <algorithm>
void sort3(int *p) { std::sort(p, p + 3); }
)");
  EXPECT_TRUE(hasError(ctx, 2, "std::sort")) << errors(ctx);
}

const char *kAvx512 = "-mavx512f -mavx512bw -mavx512vl -mavx512dq -mavx512vnni -mf16c -mfma";

// Every corpus VNNI file (.cpp): its C++ (namespaces, constexpr, templates, static_cast,
// std:: functions, structs, references) lowered to C, intrinsics kept: the result compiles as C11
// with gcc -Wall -Werror and computes what the C++ computes on the manifest's smallest shape.
TEST(CLowering, CorpusVnniFilesBecomeC11) {
  std::vector<std::string> files = test::corpus::files(".cpp");
  ASSERT_EQ(files.size(), 22u);
  std::string report;
  int compiled = 0, verified = 0;
  for (const auto &path : files) {
    SCOPED_TRACE(path);
    std::string name = std::filesystem::path(path).filename().string();
    Module before = parse(path, test::corpus::read(path));
    Module m = before;
    PassContext ctx;
    if (!lowerCxxToC(m, CLoweringOptions{}, ctx)) {
      ADD_FAILURE() << errors(ctx);
      report += name + ": FAILED C lowering\n";
      continue;
    }
    m.dialect = Dialect::VNNI;  // no detensorize here: print the intrinsics (and <immintrin.h>)
    std::string code = print(m);
    if (std::getenv("XPILE_DUMP_PRINTED")) std::printf("----- %s\n%s", path.c_str(), code.c_str());
    // Clang's <immintrin.h> implements some intrinsics as macros, which the front end expands into
    // Clang builtins that gcc does not have (add.cpp, gemv.cpp): those are checked with clang.
    bool clangBuiltins = code.find("__builtin_ia32_") != std::string::npos;
    std::string gcc = clangBuiltins ? gccC11(code, std::string(kAvx512) + " --xpile-use-clang") : gccC11(code, kAvx512);
    EXPECT_EQ(gcc, "");
    if (clangBuiltins) report += name + ": (checked with clang-16 -std=c11: Clang intrinsic builtins) ";
    if (!gcc.empty()) {
      report += name + ": FAILED gcc\n";
      continue;
    }
    ++compiled;
    std::string dir = std::filesystem::path(path).parent_path().string();
    auto args = test::corpus::smallestShapeArgs(dir, test::corpus::manifestEntryName(dir));
    if (!args) {
      report += name + ": compiles\n";
      continue;
    }
    auto v = verifyEntry(before, m, args->entry, args->args, args->rtol, args->atol);
    EXPECT_TRUE(v.pass) << v.message;
    verified += v.pass;
    report += name + (v.pass ? ": compiles, verified " : ": compiles, VERIFY FAILED ") + args->entry + "\n";
  }
  std::printf("%s%d of 22 compiled with gcc -std=c11, %d verified\n", report.c_str(), compiled, verified);
  EXPECT_EQ(compiled, 22);
}

// The VNNI -> C direction as the planner runs it: detensorize, then C lowering. Files detensorize
// refuses are its business; every file it accepts must become C11 that gcc accepts and that
// computes what the VNNI original computes.
TEST(CLowering, CorpusVnniThroughDetensorize) {
  std::string report;
  int detensorized = 0, compiled = 0, verified = 0;
  for (const auto &path : test::corpus::files(".cpp")) {
    SCOPED_TRACE(path);
    std::string name = std::filesystem::path(path).filename().string();
    Module before = parse(path, test::corpus::read(path));
    Module m = before;
    PassContext ctx;
    if (!detensorize(m, DetensorizeOptions{}, ctx)) {
      report += name + ": detensorize refused: " + (ctx.diagnostics.empty() ? "" : ctx.diagnostics[0].message) + "\n";
      continue;
    }
    ++detensorized;
    if (!lowerCxxToC(m, CLoweringOptions{}, ctx)) {
      ADD_FAILURE() << errors(ctx);
      report += name + ": FAILED C lowering\n";
      continue;
    }
    std::string code = print(m);
    if (std::getenv("XPILE_DUMP_PRINTED")) std::printf("----- %s\n%s", path.c_str(), code.c_str());
    std::string gcc = gccC11(code);
    EXPECT_EQ(gcc, "");
    if (!gcc.empty()) {
      report += name + ": FAILED gcc\n";
      continue;
    }
    ++compiled;
    std::string dir = std::filesystem::path(path).parent_path().string();
    auto args = test::corpus::smallestShapeArgs(dir, test::corpus::manifestEntryName(dir));
    if (!args) continue;
    auto v = verifyEntry(before, m, args->entry, args->args, args->rtol, args->atol);
    EXPECT_TRUE(v.pass) << v.message;
    verified += v.pass;
    report += name + (v.pass ? ": compiles, verified " : ": compiles, VERIFY FAILED ") + args->entry + "\n";
  }
  std::printf("%s%d detensorized, %d compiled with gcc -std=c11, %d verified\n", report.c_str(), detensorized,
              compiled, verified);
}

}  // namespace
}  // namespace xpile::passes
