// rewriteCudaToHip on warp intrinsics outside kernels: device functions and templates in a project
// header, rewritten exactly as Clang replacements (full masks dropped, width 32, the lane's half of
// the 64-bit ballot, warpSize 32), the expected text written by hand and compiled with hipcc;
// masks with no exact HIP 5.2 form diagnosed and kept; the pipeline route still taken when the
// caller's parse options do not lower (`xpile check`).
#include "porting/hip_rewrite.h"
#include "tests/e2e/process.h"

#include <clang/Tooling/Core/Replacement.h>

#include <gtest/gtest.h>

#include <filesystem>

namespace xpile::porting {
namespace {

using test::haveProgram;
using test::makeTempDir;
using test::shellQuote;
using test::writeFile;

std::string applied(const FileRewrite &r, const std::string &path, const std::string &source) {
  auto it = r.replacements.find(path);
  if (it == r.replacements.end()) return source;
  auto out = clang::tooling::applyAllReplacements(source, it->second);
  EXPECT_TRUE(static_cast<bool>(out));
  return out ? *out : source;
}

const char *kHeader = R"(// Warp collectives in a project header.
#pragma once
#include <cuda_runtime.h>

#define FULL_MASK 0xffffffffu

template <typename T>
__device__ T warpSum(T v) {
  for (int offset = warpSize / 2; offset > 0; offset /= 2)
    v += __shfl_down_sync(FULL_MASK, v, offset);
  return v;
}

__device__ inline float broadcast(float v, int lane) { return __shfl_sync(0xffffffff, v, lane, 16) + __shfl_xor(v, 1); }

__device__ inline unsigned votes(int p) {
  unsigned any = __any_sync(0xffffffff, p), all = __all_sync(~0u, p);
  __syncwarp();
  return __ballot_sync(0xffffffff, __shfl_xor_sync(-1, p, 1)) ^ __activemask() ^ (any << 1) ^ (all << 2);
}
)";

const char *kHeaderHip = R"(// Warp collectives in a project header.
#pragma once
#include <hip/hip_runtime.h>

#define FULL_MASK 0xffffffffu

template <typename T>
__device__ T warpSum(T v) {
  for (int offset = 32 / 2; offset > 0; offset /= 2)
    v += __shfl_down(v, offset, 32);
  return v;
}

__device__ inline float broadcast(float v, int lane) { return __shfl(v, lane, 16) + __shfl_xor(v, 1, 32); }

__device__ inline unsigned votes(int p) {
  unsigned any = (int)((unsigned)(__ballot(p) >> (__lane_id() & 32)) != 0u), all = (int)((unsigned)(__ballot(p) >> (__lane_id() & 32)) == (unsigned)(__ballot(1) >> (__lane_id() & 32)));
  (__builtin_amdgcn_fence(__ATOMIC_RELEASE, "wavefront"), __builtin_amdgcn_wave_barrier(), __builtin_amdgcn_fence(__ATOMIC_ACQUIRE, "wavefront"));
  return (unsigned)(__ballot(__shfl_xor(p, 1, 32)) >> (__lane_id() & 32)) ^ (unsigned)(__ballot(1) >> (__lane_id() & 32)) ^ (any << 1) ^ (all << 2);
}
)";

const char *kMain = R"(#include <cuda_runtime.h>
#include "collectives.cuh"

__global__ void sums(const float *in, float *out, unsigned *masks) {
  float v = in[threadIdx.x];
  out[threadIdx.x] = warpSum(v) + broadcast(v, 3);
  masks[threadIdx.x] = votes(v > 0.5f);
}
)";

TEST(RewriteWarp, HeaderDeviceFunctionsGetExactHipFormsAndCompile) {
  std::string dir = makeTempDir();
  writeFile(dir + "/collectives.cuh", kHeader);
  writeFile(dir + "/sums.cu", kMain);
  RewriteOptions o;
  o.projectRoot = dir;
  FileRewrite r = rewriteCudaToHip(dir + "/sums.cu", kMain, o);
  ASSERT_TRUE(r.parsed) << r.clangDiagnostics;
  for (const auto &d : r.diagnostics) ADD_FAILURE() << d.file << ":" << d.line << ": " << d.message;
  EXPECT_TRUE(r.kernels.empty()) << "no kernel needs the pipeline: the collectives are in the header";
  std::string header = applied(r, dir + "/collectives.cuh", kHeader);
  EXPECT_EQ(header, kHeaderHip);
  std::string main = applied(r, dir + "/sums.cu", kMain);
  EXPECT_EQ(main, std::string(kMain).replace(10, 14, "hip/hip_runtime.h"));
  int warpCalls = 0;
  for (const auto &c : r.converted) warpCalls += c.kind == "warp intrinsic";
  EXPECT_EQ(warpCalls, 9);   // shfl_down, shfl, shfl_xor, any, all, syncwarp, ballot, shfl_xor_sync, activemask

  if (!haveProgram("/usr/bin/hipcc")) GTEST_SKIP() << "hipcc not installed";
  std::string out = makeTempDir();
  writeFile(out + "/collectives.cuh", header);
  writeFile(out + "/sums.hip", main);
  auto compile = test::run("/usr/bin/hipcc --offload-arch=gfx90a -c " + shellQuote(out + "/sums.hip") + " -o " +
                           shellQuote(out + "/sums.o"));
  EXPECT_EQ(compile.exitCode, 0) << compile.err << compile.out;
  std::filesystem::remove_all(dir);
  std::filesystem::remove_all(out);
}

TEST(RewriteWarp, MasksWithoutAnExactFormAreDiagnosedAndKept) {
  const std::string src = R"(#include <cuda_runtime.h>
__device__ float partial(float v, unsigned mask) {
  v += __shfl_down_sync(0x0000ffff, v, 1);
  v += __shfl_down_sync(mask, v, 2);
  return v + __match_any_sync(0xffffffff, 3) + __shfl_up_sync(0xffffffff, v, 1);
}
)";
  FileRewrite r = rewriteCudaToHip("partial.cu", src, RewriteOptions{});
  ASSERT_TRUE(r.parsed) << r.clangDiagnostics;
  ASSERT_EQ(r.diagnostics.size(), 3u);
  const std::pair<unsigned, unsigned> where[] = {{3, 8}, {4, 8}, {5, 14}};
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(r.diagnostics[i].check, "hip-warp-size");
    EXPECT_EQ(std::make_pair(r.diagnostics[i].line, r.diagnostics[i].column), where[i]) << r.diagnostics[i].message;
  }
  EXPECT_NE(r.diagnostics[0].message.find("lane mask 0x0000ffff"), std::string::npos) << r.diagnostics[0].message;
  EXPECT_NE(r.diagnostics[1].message.find("'mask'"), std::string::npos) << r.diagnostics[1].message;
  ASSERT_EQ(r.kept.size(), 3u);
  EXPECT_EQ(r.kept[0].text, "__shfl_down_sync(0x0000ffff, v, 1)");
  EXPECT_EQ(applied(r, "partial.cu", src), R"(#include <hip/hip_runtime.h>
__device__ float partial(float v, unsigned mask) {
  v += __shfl_down_sync(0x0000ffff, v, 1);
  v += __shfl_down_sync(mask, v, 2);
  return v + __match_any_sync(0xffffffff, 3) + __shfl_up(v, 1, 32);
}
)");
}

// `xpile check` parses without lowering; the kernel route must lower regardless.
TEST(RewriteWarp, KernelPipelineRouteLowersEvenWhenTheCallerOnlyParses) {
  const std::string src = R"(#include <cuda_runtime.h>
__global__ void reduce(const float *in, float *out, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  float v = i < n ? in[i] : 0.0f;
  for (int offset = 16; offset > 0; offset /= 2)
    v += __shfl_down_sync(0xffffffff, v, offset);
  if ((threadIdx.x & 31) == 0) atomicAdd(out, v);
}
)";
  RewriteOptions o;
  o.parse.lower = false;
  FileRewrite r = rewriteCudaToHip("warp.cu", src, o);
  ASSERT_TRUE(r.parsed) << r.clangDiagnostics;
  for (const auto &d : r.diagnostics) ADD_FAILURE() << d.line << ": [" << d.check << "] " << d.message;
  ASSERT_EQ(r.kernels.size(), 1u);
  EXPECT_EQ(r.kernels[0].name, "reduce");
  EXPECT_EQ(applied(r, "warp.cu", src).find("0xffffffff"), std::string::npos);
}

}  // namespace
}  // namespace xpile::porting
