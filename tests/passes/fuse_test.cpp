// Fuse on the corpus references: collapsing gemm's i/j nest, refusing softmax's and layernorm's
// column loops (each feeds the next with a reduction), fusing back a fission of flash attention's
// normalization loop; all verified on the C executor.
#include "passes/expansion.h"
#include "passes/fuse.h"

#include "tests/passes/pass_test_util.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace xpile::passes {
namespace {

ast::Module corpus(const std::string &rel) {
  std::ifstream in(std::string(XPILE_SOURCE_DIR) + "/corpus/" + rel);
  std::stringstream ss;
  ss << in.rdbuf();
  return test::parse(rel.substr(rel.rfind('/') + 1), ss.str());
}

TEST(Fuse, CollapseGemmRowsAndColumns) {
  ast::Module before = corpus("matrix/gemm/gemm.c");
  ast::Module after = before;
  PassContext ctx;
  ASSERT_TRUE(fuseLoops(after, {"gemm_f32", "i", ""}, ctx)) << ctx.diagnostics[0].message;
  std::string code = test::print(after);
  EXPECT_NE(code.find("for (int i_j = 0; i_j < M * N; ++i_j) {"), std::string::npos) << code;
  EXPECT_NE(code.find("const int i = i_j / N;"), std::string::npos) << code;
  EXPECT_NE(code.find("const int j = i_j % N;"), std::string::npos) << code;
  auto v = test::verifyEntry(before, after, "gemm_f32",
                             {"f32[221]:rand", "f32[340]:rand", "f32[260]:zeros", "i32:13", "i32:20", "i32:17"});
  EXPECT_TRUE(v.pass) << v.message;
}

TEST(Fuse, CollapseConstantNest) {
  ast::Module before = corpus("matrix/gemm/gemm.c");
  ast::Module after = before;
  PassContext ctx;
  ASSERT_TRUE(fuseLoops(after, {"", "gemm_f16_f32/i", ""}, ctx)) << ctx.diagnostics[0].message;
  EXPECT_EQ(ctx.stats["guarded"], false);  // 16 x 512: nothing can be negative
  std::string code = test::print(after);
  EXPECT_NE(code.find("i_j < 8192"), std::string::npos) << code;
  auto v = test::verifyEntry(before, after, "gemm_f16_f32", {"f16[2048]:rand", "f16[65536]:rand", "f32[8192]:zeros"});
  EXPECT_TRUE(v.pass) << v.message;
}

TEST(Fuse, SoftmaxColumnLoopsAreRefused) {
  ast::Module m = corpus("activation/softmax/softmax.c");
  // max then sum: `double sum = 0.0` between them can move up, but the sum needs the final max.
  PassContext a;
  EXPECT_FALSE(fuseLoops(m, {"softmax_f32", "r/c#0", "r/c#1"}, a));
  ASSERT_FALSE(a.diagnostics.empty());
  EXPECT_NE(a.diagnostics[0].message.find("scalar 'm' is written by the first part"), std::string::npos)
      << a.diagnostics[0].message;
  // sum then normalize: the division needs the complete sum.
  PassContext b;
  EXPECT_FALSE(fuseLoops(m, {"softmax_f32", "r/c#1", "r/c#2"}, b));
  ASSERT_FALSE(b.diagnostics.empty());
  EXPECT_NE(b.diagnostics[0].message.find("scalar 'sum'"), std::string::npos) << b.diagnostics[0].message;
  EXPECT_TRUE(b.diagnostics[0].loc.valid());
}

TEST(Fuse, LayernormStatisticsLoopsAreRefused) {
  ast::Module m = corpus("llm/layernorm/layernorm.c");
  PassContext a;
  // `const double mean = sum / cols` between the loops reads what the first loop computes.
  EXPECT_FALSE(fuseLoops(m, {"layernorm_f32", "r/c#0", "r/c#1"}, a));
  ASSERT_FALSE(a.diagnostics.empty());
  EXPECT_NE(a.diagnostics[0].message.find("depends on the first loop"), std::string::npos) << a.diagnostics[0].message;
}

TEST(Fuse, FlashAttentionFissionAndFusionRoundTrip) {
  ast::Module before = corpus("llm/flash_attention/flash_attention.c");
  ast::Module after = before;
  PassContext e;
  ASSERT_TRUE(expandLoop(after, {"flash_attention_f32", "bh/i/j#1", {}}, e)) << e.diagnostics[0].message;
  PassContext f;
  ASSERT_TRUE(fuseLoops(after, {"flash_attention_f32", "bh/i/j#1", "bh/i/j#2"}, f)) << f.diagnostics[0].message;
  EXPECT_EQ(test::print(after), test::print(before));
  // and the fused loop cannot take the normalization loop after it: it needs the full sum
  PassContext g;
  EXPECT_FALSE(fuseLoops(after, {"flash_attention_f32", "bh/i/j#1", "bh/i/j#2"}, g));
}

TEST(Fuse, ElementwiseChainAndBackwardArrayDependence) {
  ast::Module before = test::parse("t.c", R"(
void chain(const float *x, float *t, float *y, int n) {
  for (int i = 0; i < n; ++i)
    t[i] = x[i] * 2.0f;
  for (int k = 0; k < n; ++k)
    y[k] = t[k] + 1.0f;
}
void shifted(const float *x, float *t, float *y, int n) {
  for (int i = 0; i < n - 1; ++i)
    t[i] = x[i] * 2.0f;
  for (int i = 0; i < n - 1; ++i)
    y[i] = t[i + 1] + 1.0f;
})");
  ast::Module after = before;
  PassContext ctx;
  ASSERT_TRUE(fuseLoops(after, {"chain", "i", "k"}, ctx)) << ctx.diagnostics[0].message;
  std::string code = test::print(after);
  EXPECT_NE(code.find("y[i] = t[i] + 1.0f;"), std::string::npos) << code;
  auto v = test::verifyEntry(before, after, "chain", {"f32[50]:rand", "f32[50]:zeros", "f32[50]:zeros", "i32:50"});
  EXPECT_TRUE(v.pass) << v.message;
  // y[i] reads t[i + 1], which the first loop writes only at the next iteration.
  PassContext bad;
  EXPECT_FALSE(fuseLoops(after, {"shifted", "i#0", "i#1"}, bad));
  ASSERT_FALSE(bad.diagnostics.empty());
  EXPECT_NE(bad.diagnostics[0].message.find("can touch the same element"), std::string::npos) << bad.diagnostics[0].message;
}

TEST(Fuse, RefusesDifferentRangesAndNonRectangularCollapse) {
  ast::Module m = test::parse("t.c", R"(
void f(float *a, float *b, int n) {
  for (int i = 0; i < n; ++i) a[i] = 0.0f;
  for (int i = 0; i < n - 1; ++i) b[i] = 1.0f;
  for (int x = 0; x < n; ++x)
    for (int y = 0; y < x; ++y) a[x] = b[y];
})");
  PassContext a;
  EXPECT_FALSE(fuseLoops(m, {"f", "i#0", "i#1"}, a));
  EXPECT_NE(a.diagnostics[0].message.find("ranges differ"), std::string::npos);
  PassContext b;
  EXPECT_FALSE(fuseLoops(m, {"f", "x", ""}, b));
  EXPECT_NE(b.diagnostics[0].message.find("rectangular"), std::string::npos);
  PassContext c;
  EXPECT_FALSE(fuseLoops(m, {"f", "i#1", "i#0"}, c));
  EXPECT_NE(c.diagnostics[0].message.find("first before the second"), std::string::npos);
}

}  // namespace
}  // namespace xpile::passes
