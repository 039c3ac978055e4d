// Pipeline (double buffering) on the corpus SGEMM kernel (gemm.cu: As/Bs tiles filled, barrier,
// compute, barrier), on the output of cache for a naive CUDA matmul, and on a CPU tile; verified
// against the original on the SIMT / C executors; refusals.
#include "passes/cache.h"
#include "passes/pipeline.h"

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

TEST(Pipeline, CorpusSgemmKernelDoubleBuffered) {
  ast::Module before = corpus("matrix/gemm/gemm.cu");
  ast::Module after = before;
  PassContext ctx;
  ASSERT_TRUE(pipelineLoop(after, {"sgemm_kernel", "k0", {"As", "Bs"}}, ctx)) << ctx.diagnostics[0].message;
  EXPECT_EQ(ctx.stats["tiles_double_buffered"], 2);
  EXPECT_EQ(ctx.stats["barriers_removed"], 1);
  std::string code = test::print(after);
  EXPECT_NE(code.find("__shared__ float As[2][16][68];"), std::string::npos) << code;
  EXPECT_NE(code.find("const int stage = k0 / BK % 2;"), std::string::npos) << code;
  EXPECT_NE(code.find("if (k0 + BK < K) {"), std::string::npos) << code;
  EXPECT_NE(code.find("const int gk = ak;"), std::string::npos) << code;  // the prologue at k0 = 0
  // K = 40: three k-tiles, the last one partial; M, N not multiples of the 64x64 block tile.
  auto v = test::verifyEntry(before, after, "gemm_f32",
                             {"f32[2800]:rand", "f32[2800]:rand", "f32[4900]:zeros", "i32:70", "i32:70", "i32:40"});
  EXPECT_TRUE(v.pass) << v.message;
}

TEST(Pipeline, CorpusHipKernels) {
  ast::Module before = corpus("matrix/gemm/gemm.hip");
  ast::Module after = before;
  PassContext a, b;
  ASSERT_TRUE(pipelineLoop(after, {"sgemm_kernel", "k0", {"As", "Bs"}}, a)) << a.diagnostics[0].message;
  // the matrix-core kernel: the compute part is an MFMA intrinsic on registers, the fill reads
  // only the const inputs
  ASSERT_TRUE(pipelineLoop(after, {"hgemm_mfma_kernel", "k0", {"As", "Bs"}}, b)) << b.diagnostics[0].message;
  auto v = test::verifyEntry(before, after, "gemm_f32",
                             {"f32[2100]:rand", "f32[2250]:rand", "f32[4200]:zeros", "i32:70", "i32:60", "i32:30"});
  EXPECT_TRUE(v.pass) << v.message;
  auto w = test::verifyEntry(before, after, "gemm_f16_f32", {"f16[2048]:rand", "f16[65536]:rand", "f32[8192]:zeros"},
                             1e-3, 1e-3);
  EXPECT_TRUE(w.pass) << w.message;
}

TEST(Pipeline, AfterCacheOnNaiveMatmul) {
  ast::Module before = test::parse("mm.cu", R"(
#include <cuda_runtime.h>
#define TILE 16
__global__ void matmul_kernel(const float *A, const float *B, float *C, int M, int N, int K) {
  const int row = blockIdx.y * TILE + threadIdx.y;
  const int col = blockIdx.x * TILE + threadIdx.x;
  float acc = 0.0f;
  for (int k0 = 0; k0 < K; k0 += TILE) {
    for (int kk = 0; kk < TILE; ++kk) {
      const float a = row < M && k0 + kk < K ? A[row * K + k0 + kk] : 0.0f;
      const float b = k0 + kk < K && col < N ? B[(k0 + kk) * N + col] : 0.0f;
      acc += a * b;
    }
  }
  if (row < M && col < N)
    C[row * N + col] = acc;
}
void matmul(const float *A, const float *B, float *C, int M, int N, int K) {
  float *dA, *dB, *dC;
  cudaMalloc(&dA, M * K * sizeof(float));
  cudaMalloc(&dB, K * N * sizeof(float));
  cudaMalloc(&dC, M * N * sizeof(float));
  cudaMemcpy(dA, A, M * K * sizeof(float), cudaMemcpyHostToDevice);
  cudaMemcpy(dB, B, K * N * sizeof(float), cudaMemcpyHostToDevice);
  dim3 block(TILE, TILE);
  dim3 grid((N + TILE - 1) / TILE, (M + TILE - 1) / TILE);
  matmul_kernel<<<grid, block>>>(dA, dB, dC, M, N, K);
  cudaMemcpy(C, dC, M * N * sizeof(float), cudaMemcpyDeviceToHost);
  cudaFree(dA);
  cudaFree(dB);
  cudaFree(dC);
}
)");
  ast::Module after = before;
  PassContext a, b, c;
  ASSERT_TRUE(cacheBuffer(after, {"matmul_kernel", "k0", "A", "As", {16, 16}}, a)) << a.diagnostics[0].message;
  ASSERT_TRUE(cacheBuffer(after, {"matmul_kernel", "k0", "B", "Bs", {16, 16}}, b)) << b.diagnostics[0].message;
  ASSERT_TRUE(pipelineLoop(after, {"matmul_kernel", "k0", {"As", "Bs"}}, c)) << c.diagnostics[0].message;
  auto v = test::verifyEntry(before, after, "matmul",
                             {"f32[1400]:rand", "f32[1920]:rand", "f32[1680]:zeros", "i32:35", "i32:48", "i32:40"});
  EXPECT_TRUE(v.pass) << v.message;
}

TEST(Pipeline, CpuTileAfterCache) {
  ast::Module before = test::parse("t.c", R"(
void rowsum(const float *x, float *y, int rows) {
  for (int r = 0; r < rows; ++r) {
    float s = 0.0f;
    for (int c = 0; c < 32; ++c) s += x[r * 32 + c];
    y[r] = s;
  }
})");
  ast::Module after = before;
  PassContext a, b;
  ASSERT_TRUE(cacheBuffer(after, {"rowsum", "r", "x", "", {}}, a)) << a.diagnostics[0].message;
  ASSERT_TRUE(pipelineLoop(after, {"rowsum", "r", {"x_tile"}}, b)) << b.diagnostics[0].message;
  std::string code = test::print(after);
  EXPECT_NE(code.find("float x_tile[2][32];"), std::string::npos) << code;
  auto v = test::verifyEntry(before, after, "rowsum", {"f32[224]:rand", "f32[7]:zeros", "i32:7"});
  EXPECT_TRUE(v.pass) << v.message;
}

TEST(Pipeline, Refusals) {
  ast::Module m = test::parse("t.cu", R"(
__global__ void k(const float *x, float *y, int n) {
  __shared__ float t[32];
  __shared__ float u[32];
  for (int i = 0; i < n; i += 32) {
    t[threadIdx.x] = x[i + threadIdx.x] + y[i];
    __syncthreads();
    y[i + threadIdx.x] = t[31 - threadIdx.x];
    __syncthreads();
  }
  for (int j = 0; j < n; j += 32) {
    u[threadIdx.x] = x[j + threadIdx.x];
    y[j + threadIdx.x] = u[threadIdx.x];
  }
  y[0] = t[0];
})");
  PassContext a;  // the fill reads y, which the compute writes
  EXPECT_FALSE(pipelineLoop(m, {"k", "i", {"t"}}, a));
  ASSERT_FALSE(a.diagnostics.empty());
  EXPECT_NE(a.diagnostics[0].message.find("used outside loop"), std::string::npos) << a.diagnostics[0].message;
  PassContext b;  // no barrier between fill and compute
  EXPECT_FALSE(pipelineLoop(m, {"k", "j", {"u"}}, b));
  EXPECT_NE(b.diagnostics[0].message.find("not 'fill the tiles"), std::string::npos) << b.diagnostics[0].message;
  PassContext c;
  EXPECT_FALSE(pipelineLoop(m, {"k", "j", {"u"}, 3}, c));
  EXPECT_NE(c.diagnostics[0].message.find("depth 3"), std::string::npos);
  ast::Module m2 = test::parse("t.cu", R"(
__global__ void k(const float *x, float *y, int n) {
  __shared__ float t[32];
  for (int i = 0; i < n; i += 32) {
    t[threadIdx.x] = x[i + threadIdx.x] + y[i];
    __syncthreads();
    y[i + threadIdx.x] = t[31 - threadIdx.x];
    __syncthreads();
  }
})");
  PassContext d;
  EXPECT_FALSE(pipelineLoop(m2, {"k", "i", {"t"}}, d));
  ASSERT_FALSE(d.diagnostics.empty());
  EXPECT_NE(d.diagnostics[0].message.find("the tile fill reads 'y', which the compute part writes"), std::string::npos)
      << d.diagnostics[0].message;
}

}  // namespace
}  // namespace xpile::passes
