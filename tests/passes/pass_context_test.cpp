#include "passes/pass.h"

#include <gtest/gtest.h>

namespace xpile::passes {

TEST(PassContext, ErrorsAreCountedWarningsAreNot) {
  PassContext ctx;
  ctx.warning({"a.cu", 3, 5}, "w");
  ctx.note({}, "n");
  EXPECT_FALSE(ctx.hasErrors());
  ctx.error({"a.cu", 4, 1}, "e");
  EXPECT_TRUE(ctx.hasErrors());
  ASSERT_EQ(ctx.diagnostics.size(), 3u);
  EXPECT_STREQ(severityName(ctx.diagnostics[2].severity), "error");
  EXPECT_EQ(ctx.diagnostics[2].loc.str(), "a.cu:4:1");
}

}  // namespace xpile::passes

#include "tests/passes/pass_test_util.h"

namespace xpile::passes {

// The verification helper itself: an identical copy passes, a changed computation fails.
TEST(PassTestUtil, VerifyEntryTellsEqualFromDifferent) {
  const char *src = "void scale(const float *x, float *y, int n) { for (int i = 0; i < n; ++i) y[i] = 2.0f * x[i]; }\n";
  const char *wrong = "void scale(const float *x, float *y, int n) { for (int i = 0; i < n; ++i) y[i] = 3.0f * x[i]; }\n";
  ast::Module a = test::parse("scale.c", src);
  ast::Module b = test::parse("scale.c", src);
  ast::Module c = test::parse("scale.c", wrong);
  EXPECT_TRUE(test::verifyEntry(a, b, "scale", {"f32[64]:rand", "f32[64]:zeros", "i32:64"}).pass);
  EXPECT_FALSE(test::verifyEntry(a, c, "scale", {"f32[64]:rand", "f32[64]:zeros", "i32:64"}).pass);
}

}  // namespace xpile::passes
