// C lowering: C++ modules become C11. Checked against hand-written expected C, by running before
// and after on the executors, and by compiling the output with gcc -std=c11 -Wall -Werror.
#include "passes/c_lowering.h"
#include "tests/passes/pass_test_util.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
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
  std::string cmd = "gcc -std=c11 -Wall -Werror -fopenmp " + extraFlags + " -c " + src.string() + " -o " +
                    (dir / "out.o").string() + " > " + log.string() + " 2>&1";
  int rc = std::system(cmd.c_str());
  std::stringstream out;
  out << std::ifstream(log).rdbuf();
  std::filesystem::remove_all(dir);
  return rc == 0 ? "" : out.str() + "\n----- code:\n" + code;
}

}  // namespace xpile::passes::test

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

}  // namespace
}  // namespace xpile::passes
