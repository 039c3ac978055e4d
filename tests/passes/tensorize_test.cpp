// Tensorize against independent answers: the C loop before the pass against the AVX-512 program
// after it, run on the executors (bit-exact: every vector operation is the loop's own IEEE
// operation per lane), plus what must stay scalar and the option errors.
#include "passes/tensorize.h"

#include "tests/passes/pass_test_util.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace xpile::passes {
namespace {

std::string readFile(const std::string &path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ast::Module tensorized(const ast::Module &before, PassContext &ctx, TensorizeOptions o = {}) {
  ast::Module after = before;
  EXPECT_TRUE(tensorize(after, o, ctx));
  for (auto &d : ctx.diagnostics)
    if (d.severity == Severity::Error) ADD_FAILURE() << d.loc.str() << ": " << d.message;
  return after;
}

TEST(Tensorize, AxpyBecomesMaskedAvx512AndVerifies) {
  const char *src = "void axpy(float a, const float *x, float *y, int n) {\n"
                    "  for (int i = 0; i < n; ++i) y[i] = a * x[i] + y[i];\n"
                    "}\n";
  ast::Module before = test::parse("axpy.c", src);
  PassContext ctx;
  ast::Module after = tensorized(before, ctx);
  EXPECT_EQ(after.dialect, ast::Dialect::VNNI);
  EXPECT_EQ(ctx.stats["loops_vectorized"], 1);
  std::string code = test::print(after);
  // a * x + y is contracted into one fused multiply-add, as C compilers do for the scalar loop
  // (FP_CONTRACT ON) on FMA targets: the vector loop keeps the loop's own rounding.
  EXPECT_NE(code.find("_mm512_fmadd_ps(_mm512_set1_ps(a), _mm512_maskz_loadu_ps(mask, x + i),"), std::string::npos)
      << code;
  EXPECT_NE(code.find("_mm512_mask_storeu_ps(y + i, mask,"), std::string::npos) << code;
  // x and y are not restrict: the vector loop runs only when they do not overlap.
  EXPECT_NE(code.find("if (y + n <= x || x + n <= y)"), std::string::npos) << code;
  EXPECT_NE(code.find("i += 16"), std::string::npos) << code;
  // Lengths that are not multiples of 16 exercise the masked tail.
  for (const char *n : {"100", "16", "1"}) {
    std::string count = n;
    auto v = test::verifyEntry(before, after, "axpy",
                               {"f32:1.5", "f32[" + count + "]:rand", "f32[" + count + "]:rand", "i32:" + count}, 0, 0);
    EXPECT_TRUE(v.pass) << n << ": " << v.message;
  }
}

TEST(Tensorize, RestrictPointersNeedNoOverlapCheck) {
  const char *src = "void scale(const float *restrict x, float *restrict y, int n) {\n"
                    "  for (int i = 0; i < n; ++i) y[i] = x[i] < 2.0f ? x[i] : 2.0f;\n"
                    "}\n";
  ast::Module before = test::parse("scale.c", src);
  PassContext ctx;
  ast::Module after = tensorized(before, ctx);
  std::string code = test::print(after);
  EXPECT_EQ(code.find("if ("), std::string::npos) << code;
  EXPECT_NE(code.find("_mm512_min_ps"), std::string::npos) << code;
  auto v = test::verifyEntry(before, after, "scale", {"f32[77]:rand", "f32[77]:zeros", "i32:77"}, 0, 0);
  EXPECT_TRUE(v.pass) << v.message;
}

TEST(Tensorize, ReductionsAndStridedLoopsStayScalar) {
  const char *src = "float sum(const float *x, int n) {\n"
                    "  float s = 0.0f;\n"
                    "  for (int i = 0; i < n; ++i) s += x[i];\n"
                    "  return s;\n"
                    "}\n"
                    "void gather(const float *x, float *y, int n) {\n"
                    "  for (int i = 0; i < n; ++i) y[i] = x[2 * i];\n"
                    "}\n";
  ast::Module before = test::parse("r.c", src);
  PassContext ctx;
  ast::Module after = tensorized(before, ctx);
  EXPECT_EQ(ctx.stats["loops_vectorized"], 0);
  EXPECT_EQ(ctx.stats["scalar_loops"].size(), 2u);
  EXPECT_EQ(after.dialect, ast::Dialect::C);
  EXPECT_EQ(test::print(after), test::print(before));
}

TEST(Tensorize, UnsupportedVectorWidthIsAnError) {
  ast::Module m = test::parse("a.c", "void f(float *y, int n) { for (int i = 0; i < n; ++i) y[i] = 0.0f; }\n");
  PassContext ctx;
  TensorizeOptions o;
  o.vectorWidth = 8;
  EXPECT_FALSE(tensorize(m, o, ctx));
  EXPECT_TRUE(ctx.hasErrors());
  EXPECT_EQ(ctx.params["vector_width"], 8);
}

// The corpus C references: which loops vectorize, and the result against the reference.
struct RefCase {
  const char *file, *entry;
  std::vector<std::string> args;
  int expectVectorized;
};

TEST(Tensorize, CorpusReferences) {
  std::string root = std::string(XPILE_SOURCE_DIR) + "/corpus/";
  std::vector<RefCase> cases = {
      {"elementwise/add/add.c", "add_f32", {"f32[1000]:rand", "f32[1000]:rand", "f32[1000]:zeros", "i32:1000"}, 1},
      {"activation/relu/relu.c", "relu_f32", {"f32[500]:rand", "f32[500]:zeros", "i32:500"}, 1},
      {"matrix/gemv/gemv.c", "gemv_f32", {"f32[3000]:rand", "f32[60]:rand", "f32[50]:zeros", "i32:50", "i32:60"}, 0},
      {"matrix/gemm/gemm.c", "gemm_f32", {"f32[600]:rand", "f32[1800]:rand", "f32[1200]:zeros", "i32:20", "i32:60", "i32:30"}, 0},
  };
  for (auto &c : cases) {
    SCOPED_TRACE(c.file);
    ast::Module before = test::parse(c.file, readFile(root + c.file));
    PassContext ctx;
    ast::Module after = tensorized(before, ctx);
    EXPECT_GE(ctx.stats["loops_vectorized"].get<int>(), c.expectVectorized) << ctx.stats.dump(2);
    auto v = test::verifyEntry(before, after, c.entry, c.args, 0, 0);
    EXPECT_TRUE(v.pass) << v.message << "\n" << test::print(after);
    std::printf("[tensorize] %-24s vectorized %d, scalar %s\n", c.file, ctx.stats["loops_vectorized"].get<int>(),
                ctx.stats["scalar_loops"].dump().c_str());
  }
}

}  // namespace
}  // namespace xpile::passes
