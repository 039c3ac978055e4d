// Buffer extents against hand-computed answers.
#include "passes/buffer_extent.h"

#include "ast/dump.h"
#include "tests/passes/pass_test_util.h"

#include <gtest/gtest.h>

namespace xpile::passes {
namespace {

std::map<std::string, BufferUse> extents(const std::string &src) {
  auto m = test::parse("t.c", src);
  std::map<std::string, BufferUse> out;
  for (auto &item : m.items)
    if (auto *f = std::get_if<ast::Function>(&item); f && f->body)
      for (auto &u : analyzeBufferExtents(*f)) out[u.name] = u;
  return out;
}

std::string count(const BufferUse &u) { return u.count ? ast::dumpExpr(u.count) : "<none: " + u.error + ">"; }

TEST(BufferExtent, Elementwise) {
  auto e = extents("void f(const float *x, float *y, int n) { for (int i = 0; i < n; ++i) y[i] = x[i]; }");
  EXPECT_EQ(count(e["x"]), "n");
  EXPECT_EQ(count(e["y"]), "n");
  EXPECT_TRUE(e["x"].read);
  EXPECT_FALSE(e["x"].written);
  EXPECT_TRUE(e["y"].written);
  EXPECT_TRUE(e["y"].denselyWritten);
}

TEST(BufferExtent, RowPointerOffsets) {
  auto e = extents(R"(void f(const float *x, float *y, int rows, int cols) {
  for (int r = 0; r < rows; ++r) {
    const float *xr = x + (long)r * cols;
    float *yr = y + (long)r * cols;
    for (int c = 0; c < cols; ++c) yr[c] = xr[c];
  }
})");
  EXPECT_EQ(count(e["x"]), "(cols * rows)");
  EXPECT_EQ(count(e["y"]), "(cols * rows)");
  EXPECT_TRUE(e["y"].denselyWritten);
}

TEST(BufferExtent, GemmProductsOfParameters) {
  auto e = extents(R"(void f(const float *A, const float *B, float *C, int M, int N, int K) {
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j) {
      float acc = 0.0f;
      for (int k = 0; k < K; ++k) acc += A[i * K + k] * B[k * N + j];
      C[i * N + j] = acc;
    }
})");
  EXPECT_EQ(count(e["A"]), "(K * M)");
  EXPECT_EQ(count(e["B"]), "(K * N)");
  EXPECT_EQ(count(e["C"]), "(M * N)");
  EXPECT_TRUE(e["C"].denselyWritten);
}

TEST(BufferExtent, GuardsClampPaddedIndices) {
  // x = l - pad + s would reach beyond L, but the guard keeps it in [0, L-1].
  auto e = extents(R"(void f(const float *in, float *out, int L, int S, int pad) {
  const int Lo = L + 2 * pad - S + 1;
  for (int l = 0; l < Lo; ++l) {
    float acc = 0.0f;
    for (int s = 0; s < S; ++s) {
      const int x = l - pad + s;
      if (x < 0 || x >= L) continue;
      acc += in[x];
    }
    out[l] = acc;
  }
})");
  EXPECT_EQ(count(e["in"]), "L");
  EXPECT_EQ(count(e["out"]), "(((L - S) + (2 * pad)) + 1)");  // Lo, over the parameters
}

TEST(BufferExtent, FloorOfGuardedFloat) {
  // Bilinear-sampling style: x0 = floor(x) with -1 < x < W, used only where x0 >= 0, so v is read
  // in [0, W-1]; the store comes after a continue, so it may skip elements (not dense).
  auto e = extents(R"(#include <math.h>
void f(const float *loc, const float *v, float *o, int W, int n) {
  for (int i = 0; i < n; ++i) {
    const float x = loc[i] * (float)W - 0.5f;
    if (!(x > -1.0f && x < (float)W)) continue;
    const int x0 = (int)floorf(x);
    float s = 0.0f;
    if (x0 >= 0) s += v[x0];
    o[i] = s;
  }
})");
  EXPECT_EQ(count(e["loc"]), "n");
  EXPECT_EQ(count(e["v"]), "W");
  EXPECT_EQ(count(e["o"]), "n");
  EXPECT_FALSE(e["o"].denselyWritten);
}

TEST(BufferExtent, OpaqueLoopBoundsAndWindows) {
  // Pooling: Ho = (H - KH) / SH + 1 is opaque (a division) but bounds a loop that runs, so it is
  // non-negative; the window read reaches further than the first tap, except when KH or KW is 0,
  // so the count is the larger of the two.
  auto e = extents(R"(void f(const float *in, float *out, int H, int KH, int SH) {
  const int Ho = (H - KH) / SH + 1;
  for (int oh = 0; oh < Ho; ++oh) {
    float m = in[oh * SH];
    for (int i = 0; i < KH; ++i) m += in[oh * SH + i];
    out[oh] = m;
  }
})");
  EXPECT_EQ(count(e["out"]), "(((H - KH) / SH) + 1)");
  EXPECT_TRUE(e["out"].denselyWritten);
  // max(first tap, last window tap) + 1, with Ho - 1 = (H - KH) / SH.
  EXPECT_EQ(count(e["in"]),
            "((((((H - KH) / SH) * SH) > (((((H - KH) / SH) * SH) + KH) - 1)) ? (((H - KH) / SH) * SH) : "
            "(((((H - KH) / SH) * SH) + KH) - 1)) + 1)");
}

TEST(BufferExtent, StridedWritesAreNotDense) {
  auto e = extents("void f(float *y, int n) { for (int i = 0; i < n; ++i) y[2 * i] = 1.0f; }");
  EXPECT_EQ(count(e["y"]), "((2 * n) - 1)");
  EXPECT_FALSE(e["y"].denselyWritten);
}

TEST(BufferExtent, UnanalysableIndex) {
  auto e = extents("void f(const int *idx, float *y, int n) { for (int i = 0; i < n; ++i) y[idx[i]] = 1.0f; }");
  EXPECT_EQ(count(e["idx"]), "n");
  EXPECT_EQ(e["y"].count, nullptr);
  EXPECT_EQ(e["y"].error, "cannot determine how many elements of 'y' are accessed");
}

}  // namespace
}  // namespace xpile::passes
