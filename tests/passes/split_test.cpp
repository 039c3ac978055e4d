// Split on the corpus references: gemm's three loops (dividing and non-dividing factors, guard or
// remainder loop), verified by running before/after on the C executor; error paths.
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

TEST(Split, GemmRowsGuardedTail) {
  ast::Module before = corpus("matrix/gemm/gemm.c");
  ast::Module after = before;
  PassContext ctx;
  ASSERT_TRUE(splitLoop(after, {"gemm_f32", "i", 4, true}, ctx)) << ctx.diagnostics[0].message;
  std::string code = test::print(after);
  EXPECT_NE(code.find("for (int i_outer = 0; i_outer < (M + 3) / 4; ++i_outer)"), std::string::npos) << code;
  EXPECT_NE(code.find("const int i = i_outer * 4 + i_inner;"), std::string::npos) << code;
  EXPECT_NE(code.find("if (i < M)"), std::string::npos) << code;
  EXPECT_EQ(ctx.params["factor"], 4);
  EXPECT_EQ(ctx.stats["guarded"], true);
  auto v = test::verifyEntry(before, after, "gemm_f32", kGemmArgs);
  EXPECT_TRUE(v.pass) << v.message;
}

TEST(Split, GemmReductionWithRemainderLoop) {
  ast::Module before = corpus("matrix/gemm/gemm.c");
  ast::Module after = before;
  PassContext ctx;
  ASSERT_TRUE(splitLoop(after, {"gemm_f32", "i/j/k", 8, false}, ctx)) << ctx.diagnostics[0].message;
  std::string code = test::print(after);
  EXPECT_NE(code.find("k_outer < K / 8"), std::string::npos) << code;
  EXPECT_NE(code.find("for (int k = K / 8 * 8; k < K; ++k)"), std::string::npos) << code;
  EXPECT_EQ(ctx.stats["remainder_loop"], true);
  auto v = test::verifyEntry(before, after, "gemm_f32", kGemmArgs);  // K = 17: 2 tiles + 1
  EXPECT_TRUE(v.pass) << v.message;
}

TEST(Split, ConstantTripThatDividesNeedsNoGuard) {
  ast::Module before = corpus("matrix/gemm/gemm.c");
  ast::Module after = before;
  PassContext ctx;
  // gemm_f16_f32 runs j over GEMM_F16_N = 512: 512 / 64 tiles exactly.
  ASSERT_TRUE(splitLoop(after, {"", "gemm_f16_f32/i/j", 64, true}, ctx)) << ctx.diagnostics[0].message;
  std::string code = test::print(after);
  EXPECT_EQ(code.find("if (j <"), std::string::npos) << code;
  EXPECT_EQ(ctx.stats["guarded"], false);
  auto v = test::verifyEntry(before, after, "gemm_f16_f32", {"f16[2048]:rand", "f16[65536]:rand", "f32[8192]:zeros"});
  EXPECT_TRUE(v.pass) << v.message;
}

TEST(Split, NestedSplitsOfOneLoop) {
  ast::Module before = corpus("activation/softmax/softmax.c");
  ast::Module after = before;
  PassContext ctx;
  ASSERT_TRUE(splitLoop(after, {"softmax_f32", "r/c#1", 16, true}, ctx)) << ctx.diagnostics[0].message;
  PassContext ctx2;
  ASSERT_TRUE(splitLoop(after, {"softmax_f32", "r/c_outer/c_inner", 4, true}, ctx2))
      << ctx2.diagnostics[0].message;
  auto v = test::verifyEntry(before, after, "softmax_f32", {"f32[300]:rand", "f32[300]:zeros", "i32:3", "i32:100"});
  EXPECT_TRUE(v.pass) << v.message;
}

TEST(Split, VnniOpenMPRowsStayParallelOnTiles) {
  // rmsnorm.cpp (AVX-512): `#pragma omp parallel for` over rows; the tiles keep the pragma.
  ast::Module before = corpus("llm/rmsnorm/rmsnorm.cpp");
  ast::Module after = before;
  PassContext ctx;
  ASSERT_TRUE(splitLoop(after, {"rmsnorm_f32", "r", 4, true}, ctx)) << ctx.diagnostics[0].message;
  std::string code = test::print(after);
  EXPECT_NE(code.find("#pragma omp parallel for schedule(static)\n  for (int r_outer = 0; r_outer < (rows + 3) / 4; ++r_outer)"),
            std::string::npos)
      << code;
  auto v = test::verifyEntry(before, after, "rmsnorm_f32",
                             {"f32[420]:rand", "f32[42]:rand", "f32[420]:zeros", "i32:10", "i32:42", "f32:1e-5"});
  EXPECT_TRUE(v.pass) << v.message;
}

TEST(Split, RefusesWhatItCannotSplit) {
  ast::Module m = test::parse("t.c", R"(
void f(float *y, int n) {
  for (int i = 0; i < n; i += 2) y[i] = 0.0f;
  for (int j = 0; j < n; ++j) { y[j] = 1.0f; n--; }
  for (int c = 0; c < n; ++c) y[c] = 2.0f;
  for (int c = 0; c < n; ++c) y[c] = 3.0f;
})");
  PassContext a;
  EXPECT_FALSE(splitLoop(m, {"f", "i", 4, true}, a));
  ASSERT_FALSE(a.diagnostics.empty());
  EXPECT_NE(a.diagnostics[0].message.find("does not step by 1"), std::string::npos);
  EXPECT_EQ(a.diagnostics[0].loc.line, 3u);
  PassContext b;
  EXPECT_FALSE(splitLoop(m, {"f", "j", 4, true}, b));
  EXPECT_NE(b.diagnostics[0].message.find("changes inside the loop"), std::string::npos);
  PassContext c;
  EXPECT_FALSE(splitLoop(m, {"f", "c", 4, true}, c));
  EXPECT_NE(c.diagnostics[0].message.find("pick one with 'c#n'"), std::string::npos);
  PassContext d;
  EXPECT_FALSE(splitLoop(m, {"f", "c#1", 1, true}, d));
  PassContext e;
  EXPECT_FALSE(splitLoop(m, {"nope", "i", 4, true}, e));
}

}  // namespace
}  // namespace xpile::passes
