// Dependence analysis against hand-decided answers: which loops are parallel, and why not.
#include "passes/dependence_analysis.h"

#include "ast/visitor.h"
#include "tests/passes/pass_test_util.h"

#include <gtest/gtest.h>

namespace xpile::passes {
namespace {

// The loop over `var` in the first function of the snippet.
LoopDependence analyze(const std::string &src, const std::string &var) {
  static std::vector<ast::Module> keep;  // the result refers to nodes of the module
  keep.push_back(test::parse("t.c", src));
  const ast::Function *fn = nullptr;
  for (auto &item : keep.back().items)
    if (auto *f = std::get_if<ast::Function>(&item); f && f->body && !fn) fn = f;
  struct V : ast::IRVisitor {
    std::string var;
    const ast::For *found = nullptr;
    void visitFor(const ast::For &f) override {
      if (f.var == var && !found) found = &f;
      IRVisitor::visitFor(f);
    }
  } v;
  v.var = var;
  v.visit(fn->body);
  EXPECT_NE(v.found, nullptr);
  return analyzeLoopDependence(*fn, *v.found);
}

TEST(DependenceAnalysis, ElementwiseIsParallel) {
  auto d = analyze("void f(const float *x, float *y, int n) { for (int i = 0; i < n; ++i) y[i] = x[i] * 2.0f; }", "i");
  EXPECT_TRUE(d.parallel) << d.reason;
}

TEST(DependenceAnalysis, RowPointersAndPrivateReductions) {
  const char *src = R"(void f(const float *x, float *y, int rows, int cols) {
  for (int r = 0; r < rows; ++r) {
    const float *xr = x + (long)r * cols;
    float *yr = y + (long)r * cols;
    float s = 0.0f;
    for (int c = 0; c < cols; ++c) s += xr[c];
    for (int c = 0; c < cols; ++c) yr[c] = xr[c] / s;
  }
})";
  auto r = analyze(src, "r");
  EXPECT_TRUE(r.parallel) << r.reason;
}

TEST(DependenceAnalysis, GemmOuterLoopsParallelReductionLoopNot) {
  const char *src = R"(void f(const float *A, const float *B, float *C, int M, int N, int K) {
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j) {
      float acc = 0.0f;
      for (int k = 0; k < K; ++k) acc += A[i * K + k] * B[k * N + j];
      C[i * N + j] = acc;
    }
})";
  EXPECT_TRUE(analyze(src, "i").parallel);
  EXPECT_TRUE(analyze(src, "j").parallel);
  auto k = analyze(src, "k");
  EXPECT_FALSE(k.parallel);
  EXPECT_NE(k.reason.find("'acc' is declared outside the loop and written in it"), std::string::npos) << k.reason;
}

TEST(DependenceAnalysis, LoopCarriedArrayDependence) {
  auto d = analyze("void f(float *y, int n) { for (int i = 1; i < n; ++i) y[i] = y[i - 1] + 1.0f; }", "i");
  EXPECT_FALSE(d.parallel);
  EXPECT_NE(d.reason.find("may access the same element of 'y'"), std::string::npos) << d.reason;
}

TEST(DependenceAnalysis, SameElementWrittenByEveryIteration) {
  auto d = analyze("void f(const float *x, float *y, int n) { for (int i = 0; i < n; ++i) y[0] = x[i]; }", "i");
  EXPECT_FALSE(d.parallel);
}

TEST(DependenceAnalysis, DisjointHalvesAreParallel) {
  // Writes y[2i], reads y[2i+1]: Z3 shows even and odd elements never meet.
  auto d = analyze("void f(float *y, int n) { for (int i = 0; i < n; ++i) y[2 * i] = y[2 * i + 1]; }", "i");
  EXPECT_TRUE(d.parallel) << d.reason;
}

TEST(DependenceAnalysis, CallsAndEarlyExits) {
  auto p = analyze(R"(#include <stdio.h>
void f(float *y, int n) { for (int i = 0; i < n; ++i) { printf("%d", i); y[i] = 0; } })", "i");
  EXPECT_FALSE(p.parallel);
  EXPECT_NE(p.reason.find("printf"), std::string::npos) << p.reason;
  auto b = analyze("void f(float *y, int n) { for (int i = 0; i < n; ++i) { if (y[i] < 0) break; y[i] = 1; } }", "i");
  EXPECT_FALSE(b.parallel);
  EXPECT_NE(b.reason.find("break"), std::string::npos) << b.reason;
  auto g = analyze("void g(float *p);\nvoid f(float *y, int n) { for (int i = 0; i < n; ++i) g(y + i); }", "i");
  EXPECT_FALSE(g.parallel);
  EXPECT_NE(g.reason.find("takes a pointer"), std::string::npos) << g.reason;
}

TEST(DependenceAnalysis, ConvolutionWithGuardsIsParallel) {
  const char *src = R"(void f(const float *in, const float *w, float *out, int N, int L, int C, int K, int S, int pad) {
  const int Lo = L + 2 * pad - S + 1;
  for (int n = 0; n < N; ++n)
    for (int k = 0; k < K; ++k)
      for (int l = 0; l < Lo; ++l) {
        float acc = 0.0f;
        for (int c = 0; c < C; ++c)
          for (int s = 0; s < S; ++s) {
            const int x = l - pad + s;
            if (x < 0 || x >= L) continue;
            acc += in[(n * C + c) * L + x] * w[(k * C + c) * S + s];
          }
        out[(n * K + k) * Lo + l] = acc;
      }
})";
  for (const char *v : {"n", "k", "l"}) {
    auto d = analyze(src, v);
    EXPECT_TRUE(d.parallel) << v << ": " << d.reason;
  }
  EXPECT_FALSE(analyze(src, "c").parallel);
}

TEST(DependenceAnalysis, IndependentLoopsNeedNoAnalysis) {
  auto m = test::parse("t.c", "void f(float *y, int n) { for (int i = 0; i < n; ++i) y[0] = 1.0f; }");
  auto &fn = std::get<ast::Function>(m.items.back());
  auto loop = std::make_shared<ast::For>(*std::get<ast::Function>(m.items.back()).body->as<ast::Seq>()->body[0]->as<ast::For>());
  loop->independent = true;
  auto d = analyzeLoopDependence(fn, *loop);
  EXPECT_TRUE(d.parallel);
  EXPECT_TRUE(d.byConstruction);
}

}  // namespace
}  // namespace xpile::passes

namespace xpile::passes {
namespace {

TEST(DependenceAnalysis, NonlinearNestsByRadixArgument) {
  // Each n owns the block [n*Ho*Wo*C, (n+1)*Ho*Wo*C) of out; Ho and Wo are opaque locals that
  // bound loops which run. Z3 alone gives up on this product of symbols.
  const char *src = R"(void f(const float *in, float *out, int N, int H, int W, int C, int KH, int KW) {
  const int Ho = (H - KH) / 2 + 1;
  const int Wo = (W - KW) / 2 + 1;
  for (int n = 0; n < N; ++n)
    for (int oh = 0; oh < Ho; ++oh)
      for (int ow = 0; ow < Wo; ++ow)
        for (int c = 0; c < C; ++c)
          out[(((long)n * Ho + oh) * Wo + ow) * C + c] = in[(((long)n * H + oh * 2) * W + ow * 2) * C + c];
})";
  for (const char *v : {"n", "oh", "ow", "c"}) {
    auto d = analyze(src, v);
    EXPECT_TRUE(d.parallel) << v << ": " << d.reason;
  }
  // Overlapping blocks: out[n * C + c] with c < 2 * C.
  auto o = analyze(R"(void f(float *out, int N, int C) {
  for (int n = 0; n < N; ++n)
    for (int c = 0; c < 2 * C; ++c)
      out[n * C + c] = 1.0f;
})", "n");
  EXPECT_FALSE(o.parallel);
}

}  // namespace
}  // namespace xpile::passes
