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

// The value of an integer count at given sizes (C semantics: division truncates), to check
// counts whose printed form is long against hand-computed values.
int64_t evalCount(const ast::ExprPtr &e, const std::map<std::string, int64_t> &at) {
  using namespace ast;
  if (auto *n = e->as<IntLit>()) return n->value;
  if (auto *n = e->as<Var>()) return at.at(n->name);
  if (auto *n = e->as<Cast>()) return evalCount(n->operand, at);
  if (auto *n = e->as<Unary>()) {
    EXPECT_EQ(n->op, UnaryOp::Neg);
    return -evalCount(n->operand, at);
  }
  if (auto *n = e->as<Select>()) return evalCount(n->cond, at) ? evalCount(n->thenValue, at) : evalCount(n->elseValue, at);
  if (auto *n = e->as<SizeOf>(); n && n->operandType && n->operandType->kind == Type::Kind::Scalar)
    return scalarTypeBytes(n->operandType->scalar);
  auto *b = e->as<Binary>();
  if (!b) {
    ADD_FAILURE() << "unexpected expression " << dumpExpr(e);
    return 0;
  }
  int64_t l = evalCount(b->lhs, at), r = evalCount(b->rhs, at);
  switch (b->op) {
  case BinaryOp::Add: return l + r;
  case BinaryOp::Sub: return l - r;
  case BinaryOp::Mul: return l * r;
  case BinaryOp::Div: return l / r;
  case BinaryOp::Mod: return l % r;
  case BinaryOp::LT: return l < r;
  case BinaryOp::GT: return l > r;
  default: ADD_FAILURE() << "unexpected operator in " << dumpExpr(e); return 0;
  }
}

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

TEST(BufferExtent, SelectConditionBoundsItsBranch) {
  // Tiled gemm load: gr and gk come from opaque thread arithmetic, but the select reads A only
  // where gr < M and gk < K, so the last element is (M - 1) * K + K - 1.
  auto e = extents(R"(void f(const float *A, float *t, const int *tid, int M, int K, int tiles) {
  for (int b = 0; b < tiles; ++b)
    for (int k0 = 0; k0 < K; k0 += 16)
      for (int l = 0; l < 4; ++l) {
        const int idx = tid[b] + l * 256;
        const int gr = b * 64 + idx / 16, gk = k0 + idx % 16;
        t[l] = gr < M && gk < K ? A[(long)gr * K + gk] : 0.0f;
      }
})");
  EXPECT_EQ(count(e["A"]), "(K * M)");
  EXPECT_EQ(count(e["t"]), "4");
}

TEST(BufferExtent, SelectElseBranchSeesTheNegatedCondition) {
  // The else branch reads x[i] only where i >= n is false, that is i < n.
  auto e = extents(R"(void f(const float *x, float *y, const int *ix, int n, int m) {
  for (int j = 0; j < m; ++j) {
    const int i = ix[j];
    y[j] = i >= n ? 0.0f : x[i];
  }
})");
  EXPECT_EQ(count(e["x"]), "n");
}

TEST(BufferExtent, SelectWithoutABoundingConditionStaysUnknown) {
  // The condition bounds i, not k: the read of x stays unsized (never guessed).
  auto e = extents(R"(void f(const float *x, float *y, const int *ix, int n, int m) {
  for (int j = 0; j < m; ++j) {
    const int i = ix[j], k = ix[j + 1];
    y[j] = i < n ? x[k] : 0.0f;
  }
})");
  EXPECT_EQ(e["x"].count, nullptr);
}

TEST(BufferExtent, ExitBlockNarrowsTheRest) {
  // Loop recovery's `if (row >= rows) { exited[t] = 1; continue; }`: the rest sees row < rows.
  auto e = extents(R"(void f(const float *x, float *y, int rows, int cols, int g, int threads) {
  for (int b = 0; b < g; ++b)
    for (int t = 0; t < threads; ++t) {
      int exited[1024];
      const int row = b * 4 + t / 64;
      if (row >= rows) {
        exited[t] = 1;
        continue;
      }
      for (int c = 0; c < cols; ++c) y[(long)row * cols + c] = x[(long)row * cols + c];
    }
})");
  EXPECT_EQ(count(e["x"]), "(cols * rows)");
  EXPECT_EQ(count(e["y"]), "(cols * rows)");
}

TEST(BufferExtent, PerThreadPointerArrays) {
  // A row pointer kept per thread across loops: yr[t] points at most (rows - 1) * cols into y,
  // and c < cols, so y is read up to rows * cols - 1.
  auto e = extents(R"(void f(const float *x, float *y, int rows, int cols, int threads) {
  float *yr[1024];
  for (int t = 0; t < threads; ++t) {
    const int row = t / 64;
    if (row >= rows) continue;
    yr[t] = y + (long)row * cols;
  }
  for (int t = 0; t < threads; ++t)
    for (int c = t % 64; c < cols; c += 64) yr[t][c] = x[c];
})");
  EXPECT_EQ(count(e["y"]), "(cols * rows)");
  EXPECT_TRUE(e["y"].written);
  EXPECT_FALSE(e["y"].denselyWritten);
  EXPECT_EQ(count(e["x"]), "cols");
}

TEST(BufferExtent, PointerArraysWithUnknownStoresStayUnknown) {
  // One store the analysis cannot bound (an index read from memory), one array passed to a call
  // that could store anything: neither pointer is sized.
  auto e = extents(R"(void g(float **p);
void f(float *y, float *z, const int *ofs, int n, int threads) {
  float *yr[64];
  float *zr[64];
  for (int t = 0; t < threads; ++t) {
    yr[t] = y + ofs[t];
    zr[t] = z + t;
  }
  g(zr);
  for (int t = 0; t < threads; ++t)
    for (int c = 0; c < n; ++c) {
      yr[t][c] = 0.0f;
      zr[t][c] = 0.0f;
    }
})");
  EXPECT_EQ(e["y"].count, nullptr);
  EXPECT_EQ(e["z"].count, nullptr);
}

TEST(BufferExtent, CollapsedPixelLoopDivisionsAndRemainders) {
  // Pooling over a collapsed pixel loop p < N * Ho * Wo: ow = p % Wo <= |Wo| - 1,
  // oh = (p / Wo) % Ho <= |Ho| - 1, n = p / (Wo * Ho) <= N - 1 (exact quotient of N * Ho * Wo).
  // Hand count: (N - 1) * H * W + (|Ho| - 1) * SH * W + (|Wo| - 1) * SW + (KH - 1) * W + KW.
  auto e = extents(R"(void f(const float *in, float *out, int N, int H, int W, int KH, int KW, int SH, int SW) {
  const int Ho = (H - KH) / SH + 1;
  const int Wo = (W - KW) / SW + 1;
  const long pixels = (long)N * Ho * Wo;
  for (long p = 0; p < pixels; ++p) {
    const int ow = (int)(p % Wo);
    const int oh = (int)((p / Wo) % Ho);
    const int n = (int)(p / ((long)Wo * Ho));
    float s = 0.0f;
    for (int i = 0; i < KH; ++i)
      for (int j = 0; j < KW; ++j) s += in[((long)n * H + (long)oh * SH + i) * W + (long)ow * SW + j];
    out[p] = s;
  }
})");
  ASSERT_NE(e["in"].count, nullptr) << e["in"].error;
  EXPECT_EQ(count(e["out"]), "(((((H - KH) / SH) + 1) * (((W - KW) / SW) + 1)) * N)");  // pixels
  // Evaluate the count on a shape: N=2, H=W=8, KH=KW=3, SH=SW=1 -> Ho = Wo = 6, and the last
  // element read is ((1 * 8 + 5 + 2) * 8 + 5 + 2) = 127, all of the 2 * 8 * 8 = 128 elements.
  EXPECT_EQ(evalCount(e["in"].count, {{"N", 2}, {"H", 8}, {"W", 8}, {"KH", 3}, {"KW", 3}, {"SH", 1}, {"SW", 1}}),
            128);
  // Stride 2: Ho = Wo = 3, last read ((1 * 8 + 4 + 2) * 8 + 4 + 2) = 118.
  EXPECT_EQ(evalCount(e["in"].count, {{"N", 2}, {"H", 8}, {"W", 8}, {"KH", 3}, {"KW", 3}, {"SH", 2}, {"SW", 2}}),
            119);
}

TEST(BufferExtent, DivisionByAConstant) {
  // i / 4 for i < n is at most (n - 1) / 4, an opaque host expression; i / 2 * 2 for i < 2 * n
  // is at most 2 * n - 2.
  auto e = extents(R"(void f(const float *x, float *y, float *z, int n) {
  for (int i = 0; i < n; ++i) y[i / 4] = x[i];
  for (int i = 0; i < 2 * n; ++i) z[i / 2 * 2] = 0.0f;
})");
  EXPECT_EQ(count(e["y"]), "(((n - 1) / 4) + 1)");
  EXPECT_EQ(count(e["z"]), "((2 * n) - 1)");
}

TEST(BufferExtent, RemainderByAConstantIsBoundedByBoth) {
  // i % 16 is at most 15, and at most i: with i < 4 the tighter bound 3 is provable only for
  // constant n; here it stays 15 (the remainder's own bound); x[i % 3] for i < 2 gives 2.
  auto e = extents(R"(void f(const float *x, float *y, int n) {
  for (int i = 0; i < n; ++i) y[i % 16] = 1.0f;
  for (int i = 0; i < 2; ++i) y[i] += x[i % 3];
})");
  EXPECT_EQ(count(e["y"]), "16");
  EXPECT_EQ(count(e["x"]), "2");
}

}  // namespace
}  // namespace xpile::passes

namespace xpile::passes {
namespace {

// Loop recovery keeps a kernel's per-thread locals in arrays filled in one thread loop and read in
// the next (`r[t] = lane % 16`): reads are the stored value, so a store through them is bounded.
// C[(4 kq + i) N + col0 + 16 wave + r] with lane = t % 64 < 64: kq <= 3, r <= 15, i <= 3, and
// wave = t / 64 <= (block_x - 1) / 64, col0 <= 64 (grid_x - 1).
TEST(BufferExtent, PerThreadArraysOfRecoveredKernels) {
  auto e = extents(R"(void k(unsigned grid_x, unsigned block_x, float *C, int N) {
  for (unsigned bx = 0u; bx < grid_x; ++bx) {
    int r[256];
    int kq[256];
    int tid[256];
    int wave[256];
    const int col0 = bx * 64;
    for (unsigned t = 0u; t < block_x; ++t) {
      const unsigned thread_x = t % block_x;
      tid[t] = thread_x;
      wave[t] = tid[t] / 64;
      const int lane = tid[t] % 64;
      r[t] = lane % 16;
      kq[t] = lane / 16;
    }
    for (unsigned t = 0u; t < block_x; ++t)
      for (int i = 0; i < 4; ++i)
        C[(4 * kq[t] + i) * N + col0 + wave[t] * 16 + r[t]] = 0.0f;
  }
})");
  ASSERT_NE(e["C"].count, nullptr) << e["C"].error;
  for (int64_t gx : {1, 3})
    for (int64_t bx : {64, 256, 100})
      for (int64_t n : {64, 128})
        EXPECT_EQ(evalCount(e["C"].count, {{"grid_x", gx}, {"block_x", bx}, {"N", n}}),
                  15 * n + (gx - 1) * 64 + (bx - 1) / 64 * 16 + 15 + 1)
            << count(e["C"]);
}

}  // namespace
}  // namespace xpile::passes

namespace xpile::passes {
namespace {

// memcpy copies bytes [0, n) of both pointers; a local's address is not a buffer of the entry.
// The corpus' int8 GEMM reads A four bytes at a time, fewer at the end of a row: row i's bytes
// 4 kb .. 4 kb + min(4, K - 4 kb) - 1 for kb < (K + 3) / 4 end at i K + K - 1, so A has M K elements.
TEST(BufferExtent, MemcpyCopiesBytes) {
  auto m = test::parse("t.c", R"(#include <string.h>
static int load4(const unsigned char *row, int k0, int K) {
  int w = 0;
  memcpy(&w, row + k0, (size_t)(K - k0 >= 4 ? 4 : K - k0));
  return w;
}
void pack(const unsigned char *A, int *out, float *f, const float *g, int M, int K) {
  const int KB = (K + 3) / 4;
  for (int i = 0; i < M; ++i)
    for (int kb = 0; kb < KB; ++kb) out[i * KB + kb] = load4(A + i * K, 4 * kb, K);
  memcpy(f, g, (size_t)M * sizeof(float));
}
)");
  std::map<std::string, BufferUse> e;
  for (auto &u : analyzeBufferExtents(*m.findFunction("pack"), nullptr, &m)) e[u.name] = u;
  ASSERT_NE(e["A"].count, nullptr) << e["A"].error;
  for (int64_t rows : {1, 5})
    for (int64_t k : {1, 4, 7, 13})
      EXPECT_EQ(evalCount(e["A"].count, {{"M", rows}, {"K", k}}), rows * k) << count(e["A"]);
  EXPECT_TRUE(e["A"].read);
  EXPECT_FALSE(e["A"].written);
  ASSERT_NE(e["f"].count, nullptr) << e["f"].error;
  EXPECT_EQ(evalCount(e["f"].count, {{"M", 9}, {"K", 1}}), 9) << count(e["f"]);  // (4 M - 1) / 4 + 1
  EXPECT_TRUE(e["f"].written);
  EXPECT_TRUE(e["g"].read);
}

}  // namespace
}  // namespace xpile::passes
