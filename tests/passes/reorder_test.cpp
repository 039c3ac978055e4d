// Reorder on the corpus references (gemm, conv2d), verified on the C executor; refusals for
// non-perfect nests, reductions and reversed dependences.
#include "passes/reorder.h"
#include "passes/split.h"

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

const std::vector<std::string> kGemmArgs = {"f32[221]:rand", "f32[340]:rand", "f32[260]:zeros",
                                            "i32:13", "i32:20", "i32:17"};

TEST(Reorder, GemmRowsAndColumns) {
  ast::Module before = corpus("matrix/gemm/gemm.c");
  ast::Module after = before;
  PassContext ctx;
  ASSERT_TRUE(reorderLoops(after, {"gemm_f32", "i", {"j", "i"}}, ctx)) << ctx.diagnostics[0].message;
  std::string code = test::print(after);
  EXPECT_NE(code.find("for (int j = 0; j < N; ++j)\n    for (int i = 0; i < M; ++i) {"), std::string::npos) << code;
  EXPECT_EQ(ctx.params["order"], nlohmann::json({"j", "i"}));
  auto v = test::verifyEntry(before, after, "gemm_f32", kGemmArgs);
  EXPECT_TRUE(v.pass) << v.message;
}

TEST(Reorder, GemmTiledAfterSplits) {
  // Tile i and j by 4 and bring the tile loops outside: i_outer, j_outer, i_inner, j_inner.
  ast::Module before = corpus("matrix/gemm/gemm.c");
  ast::Module after = before;
  PassContext c1, c2, c3;
  ASSERT_TRUE(splitLoop(after, {"gemm_f32", "i", 4, true}, c1));
  // j sits under the guard `if (i < M)`, so split it before the guard and reorder below the guard.
  ASSERT_TRUE(splitLoop(after, {"gemm_f32", "i_outer/i_inner/j", 4, true}, c2)) << c2.diagnostics[0].message;
  ASSERT_TRUE(reorderLoops(after, {"gemm_f32", "i_outer/i_inner/j_outer", {"j_outer", "j_inner"}}, c3))
      << c3.diagnostics[0].message;
  auto v = test::verifyEntry(before, after, "gemm_f32", kGemmArgs);
  EXPECT_TRUE(v.pass) << v.message;
}

TEST(Reorder, Conv2dOutputChannelsInnermost) {
  // conv2d_nchw: n/k/p/q is a perfect nest of four loops; move k inside q.
  ast::Module before = corpus("convolution/conv2d_nchw/conv2d_nchw.c");
  ast::Module after = before;
  PassContext ctx;
  ASSERT_TRUE(reorderLoops(after, {"conv2d_nchw_f32", "n", {"n", "p", "q", "k"}}, ctx)) << ctx.diagnostics[0].message;
  auto v = test::verifyEntry(before, after, "conv2d_nchw_f32",
                             {"f32[150]:rand", "f32[216]:rand", "f32[36]:zeros", "i32:1", "i32:5", "i32:5", "i32:6",
                              "i32:4", "i32:3", "i32:3", "i32:2", "i32:1"});
  EXPECT_TRUE(v.pass) << v.message;
}

TEST(Reorder, AvgPoolChannelsOutermost) {
  // avg_pool2d: n/oh/ow/c is a perfect nest; c before the spatial loops (NHWC -> channel-major walk)
  ast::Module before = corpus("pooling/avg_pool/avg_pool.c");
  ast::Module after = before;
  PassContext ctx;
  ASSERT_TRUE(reorderLoops(after, {"avg_pool2d_f32", "n", {"c", "n", "oh", "ow"}}, ctx)) << ctx.diagnostics[0].message;
  // N=2, H=7, W=6, C=3, 3x2 windows, stride 2x2: Ho = 3, Wo = 3
  auto v = test::verifyEntry(before, after, "avg_pool2d_f32",
                             {"f32[252]:rand", "f32[54]:zeros", "i32:2", "i32:7", "i32:6", "i32:3", "i32:3", "i32:2",
                              "i32:2", "i32:2"});
  EXPECT_TRUE(v.pass) << v.message;
}

TEST(Reorder, RefusesNonPerfectNest) {
  // gemm's k loop sits after `float acc = 0.0f;` inside j: j/k is not a perfect nest.
  ast::Module m = corpus("matrix/gemm/gemm.c");
  PassContext ctx;
  EXPECT_FALSE(reorderLoops(m, {"gemm_f32", "i/j", {"k", "j"}}, ctx));
  ASSERT_FALSE(ctx.diagnostics.empty());
  EXPECT_NE(ctx.diagnostics[0].message.find("not a perfect nest"), std::string::npos) << ctx.diagnostics[0].message;
  EXPECT_EQ(ctx.diagnostics[0].loc.line, 21u);
}

TEST(Reorder, RefusesReversedDependenceAndReductions) {
  ast::Module m = test::parse("t.c", R"(
void f(float *a, float *s, int n) {
  for (int i = 1; i < n; ++i)
    for (int j = 0; j < n - 1; ++j)
      a[i * n + j] = a[(i - 1) * n + j + 1] + 1.0f;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      s[0] += a[i * n + j];
  for (int x = 0; x < n; ++x)
    for (int y = 0; y < x; ++y)
      a[x * n + y] = 0.0f;
})");
  PassContext a;
  EXPECT_FALSE(reorderLoops(m, {"f", "i#0", {"j", "i"}}, a));
  ASSERT_FALSE(a.diagnostics.empty());
  EXPECT_NE(a.diagnostics[0].message.find("dependence would be reversed"), std::string::npos) << a.diagnostics[0].message;
  PassContext b;
  EXPECT_FALSE(reorderLoops(m, {"f", "i#1", {"j", "i"}}, b));
  ASSERT_FALSE(b.diagnostics.empty());
  EXPECT_NE(b.diagnostics[0].message.find("dependence would be reversed"), std::string::npos) << b.diagnostics[0].message;
  PassContext c;
  EXPECT_FALSE(reorderLoops(m, {"f", "x", {"y", "x"}}, c));
  EXPECT_NE(c.diagnostics[0].message.find("not rectangular"), std::string::npos);
  PassContext d;
  EXPECT_FALSE(reorderLoops(m, {"f", "x", {"x", "z"}}, d));
  EXPECT_NE(d.diagnostics[0].message.find("permutation"), std::string::npos);
}

TEST(Reorder, IndependentAnyOrderIsAccepted) {
  ast::Module before = test::parse("t.c", R"(
void scale(const float *x, float *y, int n, int m) {
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < m; ++j) {
      float v = x[i * m + j];
      y[i * m + j] = v * 2.0f;
    }
})");
  ast::Module after = before;
  PassContext ctx;
  ASSERT_TRUE(reorderLoops(after, {"scale", "i", {"j", "i"}}, ctx)) << ctx.diagnostics[0].message;
  auto v = test::verifyEntry(before, after, "scale", {"f32[60]:rand", "f32[60]:zeros", "i32:6", "i32:10"});
  EXPECT_TRUE(v.pass) << v.message;
}

}  // namespace
}  // namespace xpile::passes
