// adaptWarpSize: each hazard on a focused kernel, checked against hand-written expected code,
// by execution (the program before the pass against the program after it, on the executors with
// 32-lane CUDA warps and 64-lane HIP wavefronts) and with the real compilers.
#include "passes/runtime_api_mapping.h"
#include "passes/warp_size_portability.h"
#include "tests/passes/pass_test_util.h"

#include <gtest/gtest.h>

namespace xpile::passes {
namespace hiptest {
std::string compileError(const std::string &code, ast::Dialect d);
void expectCompiles(const std::string &code, ast::Dialect d);
}  // namespace hiptest

namespace {

using test::parse;
using test::print;

PassContext context(ast::Dialect from, ast::Dialect to) {
  PassContext ctx;
  ctx.source = from;
  ctx.target = to;
  return ctx;
}

// Runs both passes (the order the planner uses: warp size first, then names) and returns the module.
ast::Module port(const ast::Module &in, ast::Dialect to, PassContext &ctx, bool *ok = nullptr) {
  ast::Module m = in;
  bool good = adaptWarpSize(m, {}, ctx) && mapRuntimeApi(m, {to}, ctx);
  if (ok) {
    *ok = good;
  } else {
    EXPECT_TRUE(good);
    for (const auto &d : ctx.diagnostics)
      if (d.severity == Severity::Error) ADD_FAILURE() << d.loc.str() << ": " << d.message;
  }
  return m;
}

const char *kWarpReduce = R"(#include <cuda_runtime.h>
__device__ float warpSum(float v) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffff, v, o);
  return v;
}
__global__ void rowsum(const float *x, float *y, int n) {
  int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  float v = 0.0f;
  for (int i = lane; i < n; i += warpSize) v += x[warp * n + i];
  v = warpSum(v);
  float down = __shfl_down_sync(0xffffffff, v, 1);
  unsigned pos = __ballot_sync(0xffffffff, x[warp * n + lane] > 0.0f);
  int any = __any_sync(0xffffffff, x[warp * n + lane] > 1.0f);
  int all = __all_sync(0xffffffff, x[warp * n + lane] > -1.0f);
  if (lane == 0) y[warp] = v + down * 0.0f + (float)__popc(pos) + any * 100.0f + all * 1000.0f;
}
void entry(const float *x, float *y, int n) {
  float *dx, *dy;
  cudaMalloc(&dx, 4 * n * sizeof(float));
  cudaMalloc(&dy, 4 * sizeof(float));
  cudaMemcpy(dx, x, 4 * n * sizeof(float), cudaMemcpyHostToDevice);
  rowsum<<<1, 128>>>(dx, dy, n);
  cudaMemcpy(y, dy, 4 * sizeof(float), cudaMemcpyDeviceToHost);
  cudaFree(dx);
  cudaFree(dy);
}
)";

TEST(WarpSizePortability, CudaCollectivesKeepTheir32LaneMeaningOnHip) {
  ast::Module m = parse("reduce.cu", kWarpReduce);
  PassContext ctx = context(ast::Dialect::CUDA, ast::Dialect::HIP);
  ast::Module out = port(m, ast::Dialect::HIP, ctx);
  std::string code = print(out);
  for (const char *want : {"v += __shfl_xor(v, o, 32);", "for (int i = lane; i < n; i += 32)",
                           "float down = __shfl_down(v, 1, 32);",
                           "unsigned int pos = (unsigned int)(__ballot(x[warp * n + lane] > 0.0f) >> (__lane_id() & 32));",
                           "int any = (unsigned int)(__ballot(x[warp * n + lane] > 1.0f) >> (__lane_id() & 32)) != 0u;",
                           "int all = (unsigned int)(__ballot(x[warp * n + lane] > -1.0f) >> (__lane_id() & 32)) ==\n"})
    EXPECT_NE(code.find(want), std::string::npos) << "missing: " << want << "\n" << code;
  EXPECT_EQ(ctx.stats["shuffles_confined"], 2);
  EXPECT_EQ(ctx.stats["ballots_confined"], 1);
  EXPECT_EQ(ctx.stats["votes_confined"], 2);
  EXPECT_EQ(ctx.stats["warp_size_reads_fixed"], 1);
  EXPECT_EQ(ctx.stats["full_masks_dropped"], 5);
  EXPECT_EQ(ctx.stats["lane_arithmetic_literals"], 2);
  EXPECT_EQ(ctx.params["adaptWarpSize"]["targetWarp"], 64);
  // The HIP program on 64-lane wavefronts computes what the CUDA one computes on 32-lane warps.
  auto v = test::verifyEntry(m, out, "entry", {"f32[384]:rand", "f32[4]:zeros", "i32:96"});
  EXPECT_TRUE(v.pass) << v.message;
  hiptest::expectCompiles(code, ast::Dialect::HIP);
}

TEST(WarpSizePortability, WithoutThePassAHipWavefrontComputesSomethingElse) {
  // The control experiment: the same kernel with names mapped only (full-wavefront collectives)
  // does not verify, so the test above checks what the pass does.
  ast::Module m = parse("reduce.cu", kWarpReduce);
  ast::Module out = m;
  PassContext ctx;
  ASSERT_TRUE(mapRuntimeApi(out, {ast::Dialect::HIP}, ctx));
  auto v = test::verifyEntry(m, out, "entry", {"f32[384]:rand", "f32[4]:zeros", "i32:96"});
  EXPECT_FALSE(v.pass);
}

TEST(WarpSizePortability, SyncwarpBecomesTheWavefrontBarrier) {
  ast::Module m = parse("sw.cu", R"(#include <cuda_runtime.h>
__global__ void rotate(const float *x, float *y) {
  __shared__ float s[128];
  s[threadIdx.x] = x[threadIdx.x];
  __syncwarp();
  int lane = threadIdx.x % 32;
  y[threadIdx.x] = s[threadIdx.x - lane + (lane + 1) % 32];
}
void entry(const float *x, float *y) {
  float *dx, *dy;
  cudaMalloc(&dx, 128 * sizeof(float));
  cudaMalloc(&dy, 128 * sizeof(float));
  cudaMemcpy(dx, x, 128 * sizeof(float), cudaMemcpyHostToDevice);
  rotate<<<1, 128>>>(dx, dy);
  cudaMemcpy(y, dy, 128 * sizeof(float), cudaMemcpyDeviceToHost);
  cudaFree(dx);
  cudaFree(dy);
}
)");
  PassContext ctx = context(ast::Dialect::CUDA, ast::Dialect::HIP);
  ast::Module out = port(m, ast::Dialect::HIP, ctx);
  std::string code = print(out);
  EXPECT_NE(code.find("  __builtin_amdgcn_fence(__ATOMIC_RELEASE, \"wavefront\");\n  __builtin_amdgcn_wave_barrier();\n"
                      "  __builtin_amdgcn_fence(__ATOMIC_ACQUIRE, \"wavefront\");\n"),
            std::string::npos)
      << code;
  EXPECT_EQ(ctx.stats["syncwarps_mapped"], 1);
  auto v = test::verifyEntry(m, out, "entry", {"f32[128]:rand", "f32[128]:zeros"});
  EXPECT_TRUE(v.pass) << v.message;
  hiptest::expectCompiles(code, ast::Dialect::HIP);
}

const char *kHipWave = R"(#include <hip/hip_runtime.h>
constexpr int kWave = 64;
__device__ float sum16(float v) {
  for (int o = 8; o > 0; o >>= 1) v += __shfl_xor(v, o);
  return v;
}
__device__ float sumWave(float v) {
  for (int o = kWave / 2; o > 0; o >>= 1) v += __shfl_xor(v, o);
  return v;
}
__device__ float sumGeneric(float v) {
  for (int o = warpSize / 2; o > 0; o >>= 1) v += __shfl_down(v, o);
  return v;
}
__device__ float sumNarrow(float v) {
  for (int o = 1; o < 32; o *= 2) v += __shfl_up(v, o, 32);
  return v;
}
)";

TEST(WarpSizePortability, HipCollectivesThatFitIn32LanesMapToCuda) {
  ast::Module m = parse("w.hip", std::string(kHipWave) + R"(
__global__ void k(float *x) {
  float v = x[threadIdx.x];
  x[threadIdx.x] = sum16(v) + sumGeneric(v) + sumNarrow(v);
}
)");
  PassContext ctx = context(ast::Dialect::HIP, ast::Dialect::CUDA);
  bool ok = false;
  ast::Module out = port(m, ast::Dialect::CUDA, ctx, &ok);
  // sumWave's offset 32 crosses the 32-lane boundary: the one error, naming the collective.
  EXPECT_FALSE(ok);
  int errors = 0;
  for (const auto &d : ctx.diagnostics)
    if (d.severity == Severity::Error) {
      ++errors;
      EXPECT_NE(d.message.find("'__shfl_xor' exchanges across the 32-lane boundary (offset up to 32): it needs 64-lane wavefronts"),
                std::string::npos)
          << d.message;
      EXPECT_EQ(d.loc.line, 8u);
    }
  EXPECT_EQ(errors, 1);
  EXPECT_EQ(ctx.stats["collectives_needing_wide_wavefronts"], 1);
}

TEST(WarpSizePortability, HipToCudaVerifiesWhenEveryCollectiveFits) {
  ast::Module m = parse("w.hip", R"(#include <hip/hip_runtime.h>
__device__ float sum16(float v) {
  for (int o = 8; o > 0; o >>= 1) v += __shfl_xor(v, o);
  return v;
}
__device__ float scanNarrow(float v) {
  for (int o = 1; o < 32; o *= 2) {
    float u = __shfl_up(v, o, 32);
    if (threadIdx.x % 32 >= o) v += u;
  }
  return v;
}
__global__ void k(const float *x, float *y) {
  float v = x[threadIdx.x];
  y[threadIdx.x] = sum16(v) + scanNarrow(v);
}
void entry(const float *x, float *y) {
  float *dx, *dy;
  hipMalloc(&dx, 128 * sizeof(float));
  hipMalloc(&dy, 128 * sizeof(float));
  hipMemcpy(dx, x, 128 * sizeof(float), hipMemcpyHostToDevice);
  hipLaunchKernelGGL(k, dim3(1), dim3(128), 0, 0, dx, dy);
  hipMemcpy(y, dy, 128 * sizeof(float), hipMemcpyDeviceToHost);
  hipFree(dx);
  hipFree(dy);
}
)");
  PassContext ctx = context(ast::Dialect::HIP, ast::Dialect::CUDA);
  ast::Module out = port(m, ast::Dialect::CUDA, ctx);
  std::string code = print(out);
  EXPECT_NE(code.find("v += __shfl_xor_sync(0xffffffffu, v, o);"), std::string::npos) << code;
  EXPECT_NE(code.find("float u = __shfl_up_sync(0xffffffffu, v, o, 32);"), std::string::npos) << code;
  EXPECT_NE(code.find("k<<<dim3(1), dim3(128), 0, 0>>>(dx, dy);"), std::string::npos) << code;
  EXPECT_EQ(ctx.stats["shuffles_narrowed"], 2);
  auto v = test::verifyEntry(m, out, "entry", {"f32[128]:rand", "f32[128]:zeros"});
  EXPECT_TRUE(v.pass) << v.message;
  hiptest::expectCompiles(code, ast::Dialect::CUDA);
}

TEST(WarpSizePortability, WarpSizeGenericHipCodeRunsOn32LaneWarps) {
  ast::Module m = parse("g.hip", std::string(R"(#include <hip/hip_runtime.h>
__global__ void k(const float *x, float *y) {
  float v = x[threadIdx.x];
  for (int o = warpSize / 2; o > 0; o >>= 1) v += __shfl_down(v, o);
  if (threadIdx.x % warpSize == 0) atomicAdd(y, v);
}
void entry(const float *x, float *y) {
  float *dx, *dy;
  hipMalloc(&dx, 256 * sizeof(float));
  hipMalloc(&dy, sizeof(float));
  hipMemcpy(dx, x, 256 * sizeof(float), hipMemcpyHostToDevice);
  hipMemset(dy, 0, sizeof(float));
  k<<<1, 256>>>(dx, dy);
  hipMemcpy(y, dy, sizeof(float), hipMemcpyDeviceToHost);
  hipFree(dx);
  hipFree(dy);
}
)"));
  PassContext ctx = context(ast::Dialect::HIP, ast::Dialect::CUDA);
  ast::Module out = port(m, ast::Dialect::CUDA, ctx);
  std::string code = print(out);
  EXPECT_NE(code.find("v += __shfl_down_sync(0xffffffffu, v, o);"), std::string::npos) << code;
  EXPECT_EQ(ctx.stats["warp_size_generic_collectives"], 1);
  bool warned = false;
  for (const auto &d : ctx.diagnostics) warned |= d.severity == Severity::Warning;
  EXPECT_TRUE(warned);
  auto v = test::verifyEntry(m, out, "entry", {"f32[256]:rand", "f32[1]:zeros"}, 1e-4, 1e-4);
  EXPECT_TRUE(v.pass) << v.message;
}

TEST(WarpSizePortability, WavefrontWideCollectivesAreErrors) {
  ast::Module m = parse("b.hip", R"(#include <hip/hip_runtime.h>
__global__ void k(const float *x, unsigned long long *y, float *z) {
  y[threadIdx.x] = __ballot(x[threadIdx.x] > 0.0f);
  z[threadIdx.x] = __shfl_down(x[threadIdx.x], 1) + (float)__any(x[threadIdx.x] > 1.0f);
  z[threadIdx.x] += __shfl(x[threadIdx.x], 40);
}
)");
  PassContext ctx = context(ast::Dialect::HIP, ast::Dialect::CUDA);
  ast::Module out = m;
  EXPECT_FALSE(adaptWarpSize(out, {}, ctx));
  std::vector<std::string> named;
  for (const auto &d : ctx.diagnostics)
    if (d.severity == Severity::Error) named.push_back(d.message.substr(0, d.message.find("' ") + 1));
  EXPECT_EQ(named, (std::vector<std::string>{"'__ballot'", "'__shfl_down'", "'__any'", "'__shfl'"}));
}

TEST(WarpSizePortability, LaunchBoundsAndSharedMemoryLimits) {
  ast::Module m = parse("lb.cu", R"(#include <cuda_runtime.h>
__global__ void __launch_bounds__(256, 4) k(float *x) {
  __shared__ float big[15000];
  big[threadIdx.x] = x[threadIdx.x];
  __syncthreads();
  x[threadIdx.x] = big[255 - threadIdx.x];
}
)");
  PassContext ctx = context(ast::Dialect::CUDA, ast::Dialect::HIP);
  ast::Module out = m;
  ASSERT_TRUE(adaptWarpSize(out, {}, ctx));  // 60000 bytes: over CUDA's static limit but fits gfx90a's LDS
  // 4 blocks of 256 threads = 16 waves over 4 SIMDs: 4 waves per EU.
  EXPECT_EQ(out.findFunction("k")->launchBounds->minBlocksPerMultiprocessor, 4);
  EXPECT_EQ(ctx.stats["launch_bounds_converted"], 1);

  ast::Module h = parse("lb.hip", R"(#include <hip/hip_runtime.h>
__global__ void __launch_bounds__(256, 2) k(float *x) {
  __shared__ float big[15000];
  big[threadIdx.x] = x[threadIdx.x];
  __syncthreads();
  x[threadIdx.x] = big[255 - threadIdx.x];
}
)");
  PassContext back = context(ast::Dialect::HIP, ast::Dialect::CUDA);
  EXPECT_FALSE(adaptWarpSize(h, {}, back));
  bool sharedError = false;
  for (const auto &d : back.diagnostics) {
    sharedError |= d.severity == Severity::Error && d.message.find("60000 bytes of static shared memory, over the 48 KiB") != std::string::npos;
    if (d.severity == Severity::Error) {
      EXPECT_EQ(d.loc.line, 2u);
    }
  }
  EXPECT_TRUE(sharedError);
  EXPECT_EQ(h.findFunction("k")->launchBounds->minBlocksPerMultiprocessor, 0);  // dropped with a note
}

TEST(WarpSizePortability, NeedsKnownWarpSizes) {
  ast::Module m = parse("x.cu", "__global__ void k() {}\n");
  PassContext ctx;  // source and target unset (c -> c)
  EXPECT_FALSE(adaptWarpSize(m, {}, ctx));
  PassContext explicitSizes;
  EXPECT_TRUE(adaptWarpSize(m, {32, 64}, explicitSizes));
}

}  // namespace
}  // namespace xpile::passes
