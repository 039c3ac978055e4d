// Contraction: a producer loop filling a temporary array fused into its consumer, the array shrunk
// to a scalar; verified on the C executor. Refusals: the temporary used elsewhere, read at another
// element, or the fusion illegal.
#include "passes/contraction.h"

#include "tests/passes/pass_test_util.h"

#include <gtest/gtest.h>

namespace xpile::passes {
namespace {

// A two-stage GELU (tanh form) over a row, with its intermediate in a local tile.
const char *kTwoStage = R"(
#include <math.h>
void gelu_rows(const float *x, float *y, int rows) {
  for (int r = 0; r < rows; ++r) {
    float u[64];
    for (int c = 0; c < 64; ++c)
      u[c] = 0.7978845608f * (x[r * 64 + c] + 0.044715f * x[r * 64 + c] * x[r * 64 + c] * x[r * 64 + c]);
    for (int c = 0; c < 64; ++c) {
      const float v = x[r * 64 + c];
      y[r * 64 + c] = 0.5f * v * (1.0f + tanhf(u[c]));
    }
  }
}
void shifted(const float *x, float *y) {
  float t[32];
  for (int i = 0; i < 31; ++i) t[i] = x[i] * 2.0f;
  for (int i = 0; i < 31; ++i) y[i] = t[i + 1];
}
void reused(const float *x, float *y) {
  float t[32];
  for (int i = 0; i < 32; ++i) t[i] = x[i] * 2.0f;
  for (int i = 0; i < 32; ++i) y[i] = t[i];
  y[0] = t[31];
}
)";

TEST(Contraction, TwoStageGeluTileBecomesScalar) {
  ast::Module before = test::parse("t.c", kTwoStage);
  ast::Module after = before;
  PassContext ctx;
  ASSERT_TRUE(contractLoops(after, {"gelu_rows", "r/c#0", "r/c#1", "u"}, ctx)) << ctx.diagnostics[0].message;
  std::string code = test::print(after);
  EXPECT_EQ(code.find("float u[64]"), std::string::npos) << code;
  EXPECT_NE(code.find("float u = 0.7978845608f"), std::string::npos) << code;
  EXPECT_NE(code.find("tanhf(u)"), std::string::npos) << code;
  EXPECT_EQ(ctx.stats["elements_saved"], 63);
  auto v = test::verifyEntry(before, after, "gelu_rows", {"f32[320]:rand", "f32[320]:zeros", "i32:5"});
  EXPECT_TRUE(v.pass) << v.message;
}

TEST(Contraction, RefusesOtherElementAndOtherUses) {
  ast::Module m = test::parse("t.c", kTwoStage);
  PassContext a;
  EXPECT_FALSE(contractLoops(m, {"shifted", "i#0", "i#1", "t"}, a));
  ASSERT_FALSE(a.diagnostics.empty());
  EXPECT_NE(a.diagnostics[0].message.find("can touch the same element"), std::string::npos) << a.diagnostics[0].message;
  PassContext b;
  EXPECT_FALSE(contractLoops(m, {"reused", "i#0", "i#1", "t"}, b));
  ASSERT_FALSE(b.diagnostics.empty());
  EXPECT_NE(b.diagnostics[0].message.find("used outside the producer and consumer"), std::string::npos)
      << b.diagnostics[0].message;
  PassContext c;
  EXPECT_FALSE(contractLoops(m, {"reused", "i#0", "i#1", "x"}, c));
  EXPECT_NE(c.diagnostics[0].message.find("not a local array"), std::string::npos);
}

}  // namespace
}  // namespace xpile::passes
