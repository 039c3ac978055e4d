// The launch configuration `xpile translate --kernel` infers when --launch is absent
// (tools/xpile/launch_inference.h), on hand-written kernels, each grid and block computed by hand.
#include "tools/xpile/launch_inference.h"

#include "frontends/frontend.h"
#include "tests/e2e/process.h"

#include <gtest/gtest.h>

#include <array>

namespace {

using Dim3 = std::array<unsigned, 3>;

struct Case {
  const char *name;
  std::string source;  // CUDA
  std::vector<std::string> args;  // --arg spellings
  Dim3 grid, block;
  std::string note;  // what the note must contain (the whole note where it is spelled whole)
  unsigned givenBlock = 0;  // a block given with --launch (x only)
};

const std::string kTiledMatmul = xpile::test::readFile(XPILE_SOURCE_DIR "/tests/e2e/kernels/tiled_matmul.cu");

const std::string kGridStride = "__global__ void k(float a, const float *x, float *y, unsigned long n) {\n"
                                "  const unsigned long stride = gridDim.x * blockDim.x;\n"
                                "  for (unsigned long i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride)\n"
                                "    y[i] += a * x[i];\n"
                                "}\n";

const std::string kInferred = "launch configuration inferred from the kernel's index arithmetic: ";
const std::string kGiveLaunch = "; give --launch to set it";

const Case kCases[] = {
    // 1-D, guarded by `i < n`: 1000 threads of 256 -> 4 blocks (the buffers are larger than n: the
    // old one-thread-per-element rule would have given 20).
    {"OneDimensionalGuard",
     "__global__ void k(float *a, const float *b, int n) {\n"
     "  int i = blockIdx.x * blockDim.x + threadIdx.x;\n"
     "  if (i < n) a[i] = 2.0f * b[i];\n"
     "}\n",
     {"f32[5000]:rand", "f32[5000]:rand", "i32:1000"}, {4, 1, 1}, {256, 1, 1},
     kInferred + "block 256 (the default for a 1-D kernel), grid 4 (x covers n=1000 from the guard 'i < n')" +
         kGiveLaunch},
    // 2-D matmul with 16x16 shared tiles: block 16x16 from the tiles; x covers N = 64 columns (64 / 16
    // = 4 blocks), y covers M = 128 rows (128 / 16 = 8 blocks).
    {"TwoDimensionalMatmulWithSharedTiles", kTiledMatmul,
     {"f32[4096]:rand", "f32[2048]:rand", "f32[8192]:zeros", "i32:128", "i32:64", "i32:32"}, {4, 8, 1}, {16, 16, 1},
     kInferred + "block 16x16 (from the __shared__ tile 'As'), grid 4x8 (x covers N=64 from the guard 'col < N', y "
                 "covers M=128 from 'row < M')" + kGiveLaunch},
    // 8x32 tiles subscripted [threadIdx.y][threadIdx.x] give a 32x8 block; early return on both
    // axes: N = 100 columns -> ceil(100 / 32) = 4, M = 20 rows -> ceil(20 / 8) = 3.
    {"SharedTileDimensionsFixTheBlock",
     "__global__ void k(const float *a, float *b, int M, int N) {\n"
     "  __shared__ float s[8][32];\n"
     "  const int tx = threadIdx.x, ty = threadIdx.y;\n"
     "  int r = blockIdx.y * blockDim.y + ty, c = blockIdx.x * blockDim.x + tx;\n"
     "  if (r >= M || c >= N) return;\n"
     "  s[ty][tx] = a[r * N + c];\n"
     "  __syncthreads();\n"
     "  b[r * N + c] = s[ty][tx] * 2.0f;\n"
     "}\n",
     {"f32[2000]:rand", "f32[2000]:zeros", "i32:20", "i32:100"}, {4, 3, 1}, {32, 8, 1},
     kInferred + "block 32x8 (from the __shared__ tile 's'), grid 4x3 (x covers N=100 from the early return 'c >= N', "
                 "y covers M=20 from 'r >= M')" + kGiveLaunch},
    // A stencil's tile is larger than its block (the halo, subscripted threadIdx.x + 1): not a block
    // size; n = 1000 -> 4 blocks of the default 256.
    {"HaloTileDoesNotSetTheBlock",
     "__global__ void k(const float *in, float *out, int n) {\n"
     "  __shared__ float s[128 + 2];\n"
     "  int i = blockIdx.x * blockDim.x + threadIdx.x;\n"
     "  if (i >= n) return;\n"
     "  s[threadIdx.x + 1] = in[i];\n"
     "  if (threadIdx.x == 0) s[threadIdx.x] = i > 0 ? in[i - 1] : 0.0f;\n"
     "  __syncthreads();\n"
     "  out[i] = s[threadIdx.x] + s[threadIdx.x + 1];\n"
     "}\n",
     {"f32[1000]:rand", "f32[1000]:zeros", "i32:1000"}, {4, 1, 1}, {256, 1, 1}, "block 256 (the default"},
    // A reduction's `__shared__ float partial[128]` (read [threadIdx.x + 32] only under
    // `threadIdx.x < 32`, which says nothing of the block) gives block 128; no guard on i: x covers
    // the largest buffer, ceil(1000 / 128) = 8.
    {"OneDimensionalTileSetsTheBlock",
     "__global__ void k(const float *in, float *out, int n) {\n"
     "  __shared__ float partial[128];\n"
     "  __shared__ float warps[32];\n"
     "  int i = blockIdx.x * blockDim.x + threadIdx.x;\n"
     "  partial[threadIdx.x] = i < n ? in[i] : 0.0f;\n"
     "  __syncthreads();\n"
     "  if (threadIdx.x < 32) warps[threadIdx.x] = partial[threadIdx.x] + partial[threadIdx.x + 32];\n"
     "  __syncthreads();\n"
     "  if (threadIdx.x == 0) { float s = 0; for (int w = 0; w < 32; ++w) s += warps[w]; out[blockIdx.x] = s; }\n"
     "}\n",
     {"f32[1000]:rand", "f32[8]:zeros", "i32:1000"}, {8, 1, 1}, {128, 1, 1},
     kInferred + "block 128 (from the __shared__ tile 'partial'), grid 8 (x covers the largest buffer (1000 "
                 "elements))" + kGiveLaunch},
    // A grid-stride loop (its stride through a local) covers any grid: n = 1000 -> ceil(1000 / 256) = 4.
    {"GridStrideLoop", kGridStride, {"f32:2", "f32[1000]:rand", "f32[1000]:rand", "u64:1000"}, {4, 1, 1}, {256, 1, 1},
     kInferred + "block 256 (the default for a 1-D kernel), grid 4 (x covers n=1000 from the grid-stride loop 'i < "
                 "n')" + kGiveLaunch},
    // n = 1000000 -> ceil(1000000 / 256) = 3907 blocks, capped at 1024.
    {"GridStrideLoopIsCapped", kGridStride, {"f32:2", "f32[1000000]:rand", "f32[1000000]:rand", "u64:1000000"},
     {1024, 1, 1}, {256, 1, 1}, "x covers n=1000000 from the grid-stride loop 'i < n', capped at 1024 blocks"},
    // A while loop striding by blockDim.x * gridDim.x: 600 -> ceil(600 / 256) = 3.
    {"GridStrideWhileLoop",
     "__global__ void k(int *a, int n) {\n"
     "  int i = threadIdx.x + blockIdx.x * blockDim.x;\n"
     "  while (i < n) { a[i] = i; i += blockDim.x * gridDim.x; }\n"
     "}\n",
     {"i32[600]:zeros", "i32:600"}, {3, 1, 1}, {256, 1, 1}, "grid 3 (x covers n=600 from the grid-stride loop 'i < n')"},
    // The early return, through a local holding threadIdx.x, bounded by an expression of two
    // parameters: n - offset = 990 threads -> ceil(990 / 256) = 4 blocks.
    {"EarlyReturn",
     "__global__ void k(int *a, unsigned n, unsigned offset) {\n"
     "  unsigned tid = threadIdx.x;\n"
     "  unsigned i = tid + blockDim.x * blockIdx.x;\n"
     "  if (i >= n - offset) return;\n"
     "  a[i + offset] += 1;\n"
     "}\n",
     {"i32[1000]:zeros", "u32:1000", "u32:10"}, {4, 1, 1}, {256, 1, 1},
     kInferred + "block 256 (the default for a 1-D kernel), grid 4 (x covers n - offset = 990 from the early return "
                 "'i >= n - offset')" + kGiveLaunch},
    // __launch_bounds__(128): block 128; rows * cols = 1000 threads -> ceil(1000 / 128) = 8 blocks.
    {"LaunchBounds",
     "__global__ void __launch_bounds__(128) k(float *x, int rows, int cols) {\n"
     "  int i = blockIdx.x * blockDim.x + threadIdx.x;\n"
     "  if (i < rows * cols) x[i] = x[i] > 0.0f ? x[i] : 0.0f;\n"
     "}\n",
     {"f32[1000]:rand", "i32:10", "i32:100"}, {8, 1, 1}, {128, 1, 1},
     kInferred + "block 128 (from __launch_bounds__(128)), grid 8 (x covers rows * cols = 1000 from the guard 'i < "
                 "rows * cols')" + kGiveLaunch},
    // __launch_bounds__(128) over two axes: 16x8; x covers N = 50 (`N > col`) -> ceil(50 / 16) = 4,
    // y covers M = 100 (inclusive `row <= M - 1`) -> ceil(100 / 8) = 13.
    {"LaunchBoundsSpreadOverTwoAxes",
     "__global__ void __launch_bounds__(128) k(float *c, const float *a, int M, int N) {\n"
     "  int row = blockIdx.y * blockDim.y + threadIdx.y;\n"
     "  int col = blockIdx.x * blockDim.x + threadIdx.x;\n"
     "  if (row <= M - 1 && N > col) c[row * N + col] += a[row * N + col];\n"
     "}\n",
     {"f32[5000]:zeros", "f32[5000]:rand", "i32:100", "i32:50"}, {4, 13, 1}, {16, 8, 1},
     "block 16x8 (from __launch_bounds__(128)), grid 4x13"},
    // A constant block size in the index: blockIdx.x * 64 + threadIdx.x -> block 64; 1000 -> 16 blocks.
    {"ConstantBlockInTheIndex",
     "__global__ void k(float *a, int n) {\n"
     "  int i = blockIdx.x * 64 + threadIdx.x;\n"
     "  if (i < n) a[i] = -a[i];\n"
     "}\n",
     {"f32[1000]:rand", "i32:1000"}, {16, 1, 1}, {64, 1, 1},
     "block 64 (from the index 'blockIdx.x * 64 + threadIdx.x')"},
    // One block per row: `row = blockIdx.x` bounded by rows = 100 -> 100 blocks of the default 256.
    {"BlockIndexCountsBlocks",
     "__global__ void k(const float *a, float *s, int rows, int cols) {\n"
     "  int row = blockIdx.x;\n"
     "  if (row >= rows) return;\n"
     "  float acc = 0;\n"
     "  for (int c = threadIdx.x; c < cols; c += blockDim.x) acc += a[row * cols + c];\n"
     "  atomicAdd(&s[row], acc);\n"
     "}\n",
     {"f32[3000]:rand", "f32[100]:zeros", "i32:100", "i32:30"}, {100, 1, 1}, {256, 1, 1},
     "grid 100 (x counts rows=100 blocks from the early return 'row >= rows')"},
    // A block given on the command line is kept, the grid computed for it: ceil(1000 / 64) = 16.
    {"GivenBlockIsKept",
     "__global__ void k(float *a, int n) {\n"
     "  int i = blockIdx.x * blockDim.x + threadIdx.x;\n"
     "  if (i < n) a[i] *= 2.0f;\n"
     "}\n",
     {"f32[1000]:rand", "i32:1000"}, {16, 1, 1}, {64, 1, 1}, "block 64 (given), grid 16 (x covers n=1000 from the guard 'i < n')", 64},
    // Nothing to read (no guard, no tile): the old rule, one thread per element of the largest buffer.
    {"FallsBackToTheLargestBuffer",
     "__global__ void k(float *a, float *b) {\n"
     "  a[blockIdx.x * blockDim.x + threadIdx.x] = 0.0f;\n"
     "  b[blockIdx.x * blockDim.x + threadIdx.x] = 0.0f;\n"
     "}\n",
     {"f32[1000]:zeros", "f32[600]:zeros"}, {4, 1, 1}, {256, 1, 1},
     "launch configuration inferred: block 256 (default), grid 4 (one thread per element of the largest buffer)" +
         kGiveLaunch},
};

class LaunchInference : public testing::TestWithParam<Case> {};

TEST_P(LaunchInference, GridBlockAndNote) {
  const Case &c = GetParam();
  xpile::frontends::ParseResult r = xpile::frontends::parseSource("k.cu", c.source, {});
  ASSERT_TRUE(r.module) << r.diagnostics;
  const xpile::ast::Function *kernel = nullptr;  // the first kernel
  for (const auto &item : r.module->items)
    if (auto *f = std::get_if<xpile::ast::Function>(&item); f && !kernel && f->kind == xpile::ast::FunctionKind::Kernel)
      kernel = f;
  ASSERT_NE(kernel, nullptr);
  std::vector<xpile::exec::ArgSpec> args;
  for (const std::string &a : c.args) {
    std::string error;
    auto spec = xpile::exec::parseArgSpec(a, &error);
    ASSERT_TRUE(spec) << error;
    args.push_back(*spec);
  }
  xpile::exec::LaunchSpec given;
  if (c.givenBlock) given.block[0] = c.givenBlock, given.hasBlock = true;
  xpile::tools::InferredLaunch l = xpile::tools::inferLaunch(*r.module, *kernel, args, given);
  EXPECT_TRUE(l.launch.hasGrid && l.launch.hasBlock);
  EXPECT_EQ((Dim3{l.launch.grid[0], l.launch.grid[1], l.launch.grid[2]}), c.grid) << l.note;
  EXPECT_EQ((Dim3{l.launch.block[0], l.launch.block[1], l.launch.block[2]}), c.block) << l.note;
  EXPECT_NE(l.note.find(c.note), std::string::npos) << l.note;
  EXPECT_EQ(l.fromKernel, l.note.rfind(kInferred, 0) == 0) << l.note;
}

INSTANTIATE_TEST_SUITE_P(HandWritten, LaunchInference, testing::ValuesIn(kCases),
                         [](const testing::TestParamInfo<Case> &info) { return std::string(info.param.name); });

}  // namespace
