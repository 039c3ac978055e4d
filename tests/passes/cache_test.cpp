// Cache on a CPU reference (gemm_f16_f32: a row of A reused by all 512 columns) and on a naive
// tiled CUDA matmul (A and B staged in __shared__ tiles loaded cooperatively by the block), both
// verified against the original on the executors; refusals.
#include "passes/cache.h"

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

// One thread per output element; each k0 step reads a 16x16 tile of A and of B, with out-of-range
// reads replaced by zeros (any M, N, K).
const char *kNaiveMatmul = R"(
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
)";

const std::vector<std::string> kMatmulArgs = {"f32[1400]:rand", "f32[1920]:rand", "f32[1680]:zeros",
                                              "i32:35", "i32:48", "i32:40"};

TEST(Cache, CudaSharedTilesForBothOperands) {
  ast::Module before = test::parse("mm.cu", kNaiveMatmul);
  ast::Module after = before;
  PassContext a;
  ASSERT_TRUE(cacheBuffer(after, {"matmul_kernel", "k0", "A", "As", {16, 16}}, a)) << a.diagnostics[0].message;
  EXPECT_EQ(a.params["tile"], nlohmann::json({16, 16}));
  EXPECT_EQ(a.params["scope"], "shared");
  EXPECT_EQ(a.stats["tile_bytes"], 1024);
  PassContext b;
  ASSERT_TRUE(cacheBuffer(after, {"matmul_kernel", "k0", "B", "Bs", {16, 16}}, b)) << b.diagnostics[0].message;
  std::string code = test::print(after);
  EXPECT_NE(code.find("__shared__ float As[16][16];"), std::string::npos) << code;
  EXPECT_NE(code.find("As[threadIdx.y][kk]"), std::string::npos) << code;
  EXPECT_NE(code.find("__syncthreads();"), std::string::npos) << code;
  auto v = test::verifyEntry(before, after, "matmul", kMatmulArgs);
  EXPECT_TRUE(v.pass) << v.message;
}

TEST(Cache, CpuRowOfAReusedAcrossColumns) {
  ast::Module before = corpus("matrix/gemm/gemm.c");
  ast::Module after = before;
  PassContext ctx;
  ASSERT_TRUE(cacheBuffer(after, {"gemm_f16_f32", "i", "A", "", {}}, ctx)) << ctx.diagnostics[0].message;
  EXPECT_EQ(ctx.params["tile"], nlohmann::json({128}));
  EXPECT_EQ(ctx.params["scope"], "local");
  std::string code = test::print(after);
  EXPECT_NE(code.find("_Float16 A_tile[128];"), std::string::npos) << code;
  EXPECT_NE(code.find("A_tile[k] = A[i * 128 + k];"), std::string::npos) << code;
  auto v = test::verifyEntry(before, after, "gemm_f16_f32", {"f16[2048]:rand", "f16[65536]:rand", "f32[8192]:zeros"});
  EXPECT_TRUE(v.pass) << v.message;
}

TEST(Cache, Refusals) {
  ast::Module gemm = corpus("matrix/gemm/gemm.c");
  PassContext a;  // the row of A has K elements: no constant tile
  EXPECT_FALSE(cacheBuffer(gemm, {"gemm_f32", "i", "A", "", {}}, a));
  ASSERT_FALSE(a.diagnostics.empty());
  EXPECT_NE(a.diagnostics[0].message.find("not a positive constant"), std::string::npos) << a.diagnostics[0].message;
  PassContext b;  // C is written
  EXPECT_FALSE(cacheBuffer(gemm, {"gemm_f32", "i", "C", "", {}}, b));
  EXPECT_NE(b.diagnostics[0].message.find("is written"), std::string::npos);
  ast::Module mm = test::parse("mm.cu", kNaiveMatmul);
  PassContext c;  // no block size given
  EXPECT_FALSE(cacheBuffer(mm, {"matmul_kernel", "k0", "A", "", {}}, c));
  EXPECT_NE(c.diagnostics[0].message.find("block size"), std::string::npos) << c.diagnostics[0].message;
  ast::Module skip = test::parse("t.cu", R"(
__global__ void k(const float *x, float *y, int n) {
  if (threadIdx.x < 8) {
    for (int i = 0; i < n; i += 4)
      for (int j = 0; j < 4; ++j) y[i + j] += x[i + j];
  }
})");
  PassContext d;
  EXPECT_FALSE(cacheBuffer(skip, {"k", "i", "x", "", {32}}, d));
  EXPECT_NE(d.diagnostics[0].message.find("deadlock"), std::string::npos) << d.diagnostics[0].message;
}

}  // namespace
}  // namespace xpile::passes
