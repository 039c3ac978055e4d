// Loop recovery: every recovered module is run against its original on the executors.
#include "passes/loop_recovery.h"

#include "ast/dump.h"
#include "tests/passes/pass_test_util.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace xpile::passes {
namespace {

ast::Module recover(const ast::Module &m, PassContext &ctx, int warpSize = 0) {
  ast::Module r = m;
  LoopRecoveryOptions o;
  o.warpSize = warpSize;
  bool ok = recoverLoops(r, o, ctx);
  for (auto &d : ctx.diagnostics) ADD_FAILURE() << d.loc.str() << ": " << d.message;
  EXPECT_TRUE(ok);
  return r;
}

// No kernel, device function, parallel index, barrier, warp call or launch is left.
void expectSequential(const ast::Module &m) {
  std::string dump = ast::dumpText(m);
  for (const char *bad : {"threadIdx", "blockIdx", "blockDim", "gridDim", "warpSize", "sync block", "sync warp",
                          "launch ", "__shfl", "__ballot", "__any", "__all"})
    EXPECT_EQ(dump.find(bad), std::string::npos) << bad << "\n" << dump;
  for (auto &item : m.items)
    if (auto *f = std::get_if<ast::Function>(&item)) {
      EXPECT_NE(f->kind, ast::FunctionKind::Kernel) << f->name;
      EXPECT_NE(f->kind, ast::FunctionKind::Device) << f->name;
    }
}

void checkRecovers(const std::string &file, const std::string &src, const std::string &entry,
                   const std::vector<std::string> &args, int warpSize = 0, bool show = false) {
  ast::Module m = test::parse(file, src);
  PassContext ctx;
  ast::Module r = recover(m, ctx, warpSize);
  expectSequential(r);
  std::string printed = test::print(r);
  if (show || std::getenv("XPILE_SHOW")) std::cout << printed << "\n";
  auto v = test::verifyEntry(m, r, entry, args);
  EXPECT_TRUE(v.pass) << v.message << "\n" << printed;
}

TEST(LoopRecovery, ElementwiseGrid2D) {
  const char *src = R"(
#include <cuda_runtime.h>
__global__ void scale2d(const float *x, float *y, int rows, int cols) {
  int c = blockIdx.x * blockDim.x + threadIdx.x;
  int r = blockIdx.y * blockDim.y + threadIdx.y;
  if (r >= rows || c >= cols) return;
  y[r * cols + c] = 2.0f * x[r * cols + c] + 1.0f;
}
void run(const float *x, float *y, int rows, int cols) {
  float *dx, *dy;
  size_t bytes = (size_t)rows * cols * sizeof(float);
  cudaMalloc(&dx, bytes);
  cudaMalloc(&dy, bytes);
  cudaMemcpy(dx, x, bytes, cudaMemcpyHostToDevice);
  dim3 block(16, 8);
  dim3 grid((cols + 15) / 16, (rows + 7) / 8);
  scale2d<<<grid, block>>>(dx, dy, rows, cols);
  cudaMemcpy(y, dy, bytes, cudaMemcpyDeviceToHost);
  cudaFree(dx);
  cudaFree(dy);
}
)";
  checkRecovers("scale2d.cu", src, "run", {"f32[1221]:rand", "f32[1221]:zeros", "i32:37", "i32:33"});
}

}  // namespace
}  // namespace xpile::passes
