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
