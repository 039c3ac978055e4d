// Expansion (fission) on the corpus references: flash/self attention's exp-and-sum loop splits in
// two; layernorm's variance loop and softmax's row loop are refused (a local or a scalar would have
// to become an array); verified on the C executor.
#include "passes/expansion.h"

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

const std::vector<std::string> kAttentionArgs = {"f32[384]:rand", "f32[384]:rand", "f32[384]:rand", "f32[384]:zeros",
                                                 "i32:2", "i32:2", "i32:12", "i32:8", "i32:1"};

TEST(Expansion, FlashAttentionExpAndSum) {
  ast::Module before = corpus("llm/flash_attention/flash_attention.c");
  ast::Module after = before;
  PassContext ctx;
  ASSERT_TRUE(expandLoop(after, {"flash_attention_f32", "bh/i/j#1", {}}, ctx)) << ctx.diagnostics[0].message;
  EXPECT_EQ(ctx.stats["loops_created"], 2);
  EXPECT_EQ(ctx.params["split_before"], nlohmann::json({1}));
  std::string code = test::print(after);
  EXPECT_NE(code.find("for (int j = 0; j < n_keys; ++j) {\n        p[j] = expf(p[j] - row_max);\n      }\n"
                      "      for (int j = 0; j < n_keys; ++j) {\n        sum += p[j];\n      }"),
            std::string::npos)
      << code;
  auto v = test::verifyEntry(before, after, "flash_attention_f32", kAttentionArgs);
  EXPECT_TRUE(v.pass) << v.message;
}

TEST(Expansion, SelfAttentionScoreLoopRefusedButExpSumSplits) {
  ast::Module before = corpus("llm/self_attention/self_attention.c");
  ast::Module after = before;
  // The score loop j#0: `float s` is declared by the first statement and used by all the others.
  PassContext a;
  EXPECT_FALSE(expandLoop(after, {"self_attention_f32", "bh/i/j#0", {}}, a));
  ASSERT_FALSE(a.diagnostics.empty());
  EXPECT_NE(a.diagnostics[0].message.find("cannot be cut"), std::string::npos) << a.diagnostics[0].message;
  PassContext b;
  EXPECT_FALSE(expandLoop(after, {"self_attention_f32", "bh/i/j#0", {3}}, b));
  EXPECT_NE(b.diagnostics[0].message.find("'s' is declared in the first part"), std::string::npos)
      << b.diagnostics[0].message;
  PassContext c;
  ASSERT_TRUE(expandLoop(after, {"self_attention_f32", "bh/i/j#1", {1}}, c)) << c.diagnostics[0].message;
  auto v = test::verifyEntry(before, after, "self_attention_f32", kAttentionArgs);
  EXPECT_TRUE(v.pass) << v.message;
}

TEST(Expansion, LayernormVarianceLoopNeedsScalarExpansion) {
  ast::Module m = corpus("llm/layernorm/layernorm.c");
  PassContext ctx;
  EXPECT_FALSE(expandLoop(m, {"layernorm_f32", "r/c#1", {1}}, ctx));
  ASSERT_FALSE(ctx.diagnostics.empty());
  EXPECT_NE(ctx.diagnostics[0].message.find("'d' is declared in the first part"), std::string::npos)
      << ctx.diagnostics[0].message;
  EXPECT_EQ(ctx.diagnostics[0].loc.line, 21u);  // `sq += d * d`
}

TEST(Expansion, SoftmaxRowLoopRefused) {
  // The three column loops of a row share the row maximum and sum (scalars of the row loop).
  ast::Module m = corpus("activation/softmax/softmax.c");
  PassContext ctx;
  EXPECT_FALSE(expandLoop(m, {"softmax_f32", "r", {3, 5}}, ctx));
  ASSERT_FALSE(ctx.diagnostics.empty());
  EXPECT_NE(ctx.diagnostics[0].message.find("declared in the first part"), std::string::npos) << ctx.diagnostics[0].message;
}

TEST(Expansion, BackwardDependenceRefusedForwardAccepted) {
  ast::Module before = test::parse("t.c", R"(
void fwd(const float *x, float *a, float *b, int n) {
  for (int i = 1; i < n; ++i) {
    a[i] = x[i] * 2.0f;
    b[i] = a[i - 1] + 1.0f;
  }
}
void back(const float *x, float *a, float *b, int n) {
  for (int i = 1; i < n; ++i) {
    b[i] = a[i - 1] + 1.0f;
    a[i] = x[i] * 2.0f;
  }
}
void carried(const float *x, float *y, int n) {
  float last = 0.0f;
  for (int i = 0; i < n; ++i) {
    y[i] = last;
    last = x[i];
  }
})");
  ast::Module after = before;
  PassContext ok;
  ASSERT_TRUE(expandLoop(after, {"fwd", "i", {}}, ok)) << ok.diagnostics[0].message;
  auto v = test::verifyEntry(before, after, "fwd", {"f32[40]:rand", "f32[40]:rand", "f32[40]:zeros", "i32:40"});
  EXPECT_TRUE(v.pass) << v.message;
  // b[i] reads a[i-1] before the second statement of the previous iteration wrote it... no: it
  // reads what the previous iteration wrote; after fission all reads would see the old values.
  PassContext bad;
  EXPECT_FALSE(expandLoop(after, {"back", "i", {}}, bad));
  ASSERT_FALSE(bad.diagnostics.empty());
  EXPECT_NE(bad.diagnostics[0].message.find("dependence between iterations"), std::string::npos)
      << bad.diagnostics[0].message;
  PassContext scalar;
  EXPECT_FALSE(expandLoop(after, {"carried", "i", {}}, scalar));
  EXPECT_NE(scalar.diagnostics[0].message.find("scalar 'last'"), std::string::npos) << scalar.diagnostics[0].message;
}

}  // namespace
}  // namespace xpile::passes
