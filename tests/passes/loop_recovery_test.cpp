// Loop recovery: every recovered module is run against its original on the executors.
#include "passes/loop_recovery.h"

#include "ast/dump.h"
#include "tests/passes/pass_test_util.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <filesystem>
#include <map>
#include <set>
#include <algorithm>
#include <nlohmann/json.hpp>
#include <iostream>

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

TEST(LoopRecovery, TiledMatmulBarriersInUniformLoop) {
  const char *src = R"(
#include <cuda_runtime.h>
#define TILE 16
__global__ void mm(const float *A, const float *B, float *C, int M, int N, int K) {
  __shared__ float As[TILE][TILE];
  __shared__ float Bs[TILE][TILE];
  int row = blockIdx.y * TILE + threadIdx.y, col = blockIdx.x * TILE + threadIdx.x;
  float acc = 0.0f;
  for (int k0 = 0; k0 < K; k0 += TILE) {
    As[threadIdx.y][threadIdx.x] = row < M && k0 + threadIdx.x < K ? A[row * K + k0 + threadIdx.x] : 0.0f;
    Bs[threadIdx.y][threadIdx.x] = col < N && k0 + threadIdx.y < K ? B[(k0 + threadIdx.y) * N + col] : 0.0f;
    __syncthreads();
    for (int k = 0; k < TILE; ++k) acc += As[threadIdx.y][k] * Bs[k][threadIdx.x];
    __syncthreads();
  }
  if (row < M && col < N) C[row * N + col] = acc;
}
void run(const float *A, const float *B, float *C, int M, int N, int K) {
  float *dA, *dB, *dC;
  cudaMalloc(&dA, M * K * sizeof(float));
  cudaMalloc(&dB, K * N * sizeof(float));
  cudaMalloc(&dC, M * N * sizeof(float));
  cudaMemcpy(dA, A, M * K * sizeof(float), cudaMemcpyHostToDevice);
  cudaMemcpy(dB, B, K * N * sizeof(float), cudaMemcpyHostToDevice);
  mm<<<dim3((N + TILE - 1) / TILE, (M + TILE - 1) / TILE), dim3(TILE, TILE)>>>(dA, dB, dC, M, N, K);
  cudaMemcpy(C, dC, M * N * sizeof(float), cudaMemcpyDeviceToHost);
  cudaFree(dA); cudaFree(dB); cudaFree(dC);
}
)";
  checkRecovers("mm.cu", src, "run", {"f32[703]:rand", "f32[703]:rand", "f32[361]:zeros", "i32:19", "i32:19", "i32:37"});
}

TEST(LoopRecovery, BlockReductionSharedMemoryEarlyReturn) {
  const char *src = R"(
#include <cuda_runtime.h>
__global__ void rowsum(const float *x, float *y, int rows, int cols) {
  extern __shared__ float part[];
  int row = blockIdx.x;
  if (row >= rows) return;
  float s = 0.0f;
  for (int c = threadIdx.x; c < cols; c += blockDim.x) s += x[row * cols + c];
  part[threadIdx.x] = s;
  __syncthreads();
  for (int stride = blockDim.x / 2; stride > 0; stride /= 2) {
    if (threadIdx.x < stride) part[threadIdx.x] += part[threadIdx.x + stride];
    __syncthreads();
  }
  if (threadIdx.x == 0) y[row] = part[0];
}
void run(const float *x, float *y, int rows, int cols) {
  float *dx, *dy;
  cudaMalloc(&dx, rows * cols * sizeof(float));
  cudaMalloc(&dy, (rows + 3) * sizeof(float));
  cudaMemcpy(dx, x, rows * cols * sizeof(float), cudaMemcpyHostToDevice);
  rowsum<<<rows + 3, 64, 64 * sizeof(float)>>>(dx, dy, rows, cols);
  cudaMemcpy(y, dy, rows * sizeof(float), cudaMemcpyDeviceToHost);
  cudaFree(dx); cudaFree(dy);
}
)";
  checkRecovers("rowsum.cu", src, "run", {"f32[1000]:rand", "f32[10]:zeros", "i32:10", "i32:100"});
}

// Early exit of whole warps after a barrier: the exited threads skip the later phases, the others
// still shuffle (a warp-level phase boundary after the return).
TEST(LoopRecovery, PerThreadReturnBeforeWarpPhase) {
  const char *src = R"(
#include <cuda_runtime.h>
__global__ void shift(const int *x, int *y, int n) {
  __shared__ int t[128];
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  t[threadIdx.x] = i < n ? x[i] : 0;
  __syncthreads();
  if (i - threadIdx.x % 32 >= n) return;  // whole warps leave
  int v = t[(threadIdx.x + 1) % blockDim.x];
  int w = __shfl_down_sync(0xffffffffu, v, 1);
  if (i < n) y[i] = v + w + i;
}
void run(const int *x, int *y, int n) {
  int *dx, *dy;
  cudaMalloc(&dx, n * sizeof(int)); cudaMalloc(&dy, n * sizeof(int));
  cudaMemcpy(dx, x, n * sizeof(int), cudaMemcpyHostToDevice);
  shift<<<(n + 127) / 128, 128>>>(dx, dy, n);
  cudaMemcpy(y, dy, n * sizeof(int), cudaMemcpyDeviceToHost);
  cudaFree(dx); cudaFree(dy);
}
)";
  checkRecovers("shift.cu", src, "run", {"i32[300]:rand", "i32[300]:zeros", "i32:300"});
}

const char *kWarpReduceCuda = R"(
#include <cuda_runtime.h>
__device__ float warpSum(float v) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}
__device__ float warpSumDown(float v) {
  for (int o = warpSize / 2; o > 0; o /= 2) v += __shfl_down_sync(0xffffffffu, v, o);
  return v;
}
__global__ void sums(const float *x, float *xorOut, float *downOut, float *bcast, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  float v = i < n ? x[i] : 0.0f;
  float a = warpSum(v);
  float b = warpSumDown(v);
  float first = __shfl_sync(0xffffffffu, v, 3, 8);
  float up = __shfl_up_sync(0xffffffffu, v, 2, 16);
  if (i < n) {
    xorOut[i] = a;
    downOut[i] = b;
    bcast[i] = first + up;
  }
}
void run(const float *x, float *a, float *b, float *c, int n) {
  float *dx, *da, *db, *dc;
  cudaMalloc(&dx, n * 4); cudaMalloc(&da, n * 4); cudaMalloc(&db, n * 4); cudaMalloc(&dc, n * 4);
  cudaMemcpy(dx, x, n * 4, cudaMemcpyHostToDevice);
  sums<<<(n + 95) / 96, 96>>>(dx, da, db, dc, n);
  cudaMemcpy(a, da, n * 4, cudaMemcpyDeviceToHost);
  cudaMemcpy(b, db, n * 4, cudaMemcpyDeviceToHost);
  cudaMemcpy(c, dc, n * 4, cudaMemcpyDeviceToHost);
}
)";

TEST(LoopRecovery, ShuffleReductionsWarp32) {
  checkRecovers("sums.cu", kWarpReduceCuda, "run",
                {"f32[200]:rand", "f32[200]:zeros", "f32[200]:zeros", "f32[200]:zeros", "i32:200"});
}

TEST(LoopRecovery, ShuffleReductionsWarp64Hip) {
  const char *src = R"(
#include <hip/hip_runtime.h>
__device__ float waveSum(float v) {
  for (int o = warpSize / 2; o > 0; o >>= 1) v += __shfl_xor(v, o);
  return v;
}
__global__ void sums(const float *x, float *xorOut, float *downOut, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  float v = i < n ? x[i] : 0.0f;
  float a = waveSum(v);
  float b = v;
  for (int o = 32; o > 0; o >>= 1) b += __shfl_down(b, o);
  if (i < n) { xorOut[i] = a; downOut[i] = b; }
}
void run(const float *x, float *a, float *b, int n) {
  float *dx, *da, *db;
  hipMalloc(&dx, n * 4); hipMalloc(&da, n * 4); hipMalloc(&db, n * 4);
  hipMemcpy(dx, x, n * 4, hipMemcpyHostToDevice);
  hipLaunchKernelGGL(sums, dim3((n + 127) / 128), dim3(128), 0, 0, dx, da, db, n);
  hipMemcpy(a, da, n * 4, hipMemcpyDeviceToHost);
  hipMemcpy(b, db, n * 4, hipMemcpyDeviceToHost);
}
)";
  checkRecovers("sums.hip", src, "run", {"f32[300]:rand", "f32[300]:zeros", "f32[300]:zeros", "i32:300"});
}

TEST(LoopRecovery, BallotAnyAll) {
  const char *src = R"(
#include <cuda_runtime.h>
__global__ void votes(const int *x, unsigned *ballots, int *flags, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  bool p = i < n && x[i] > 0;
  unsigned b = __ballot_sync(0xffffffffu, p);
  int any = __any_sync(0xffffffffu, p);
  int all = __all_sync(0xffffffffu, i < n);
  if (i < n) { ballots[i] = b; flags[i] = any * 2 + all; }
}
void run(const int *x, unsigned *b, int *f, int n) {
  int *dx, *df; unsigned *db;
  cudaMalloc(&dx, n * 4); cudaMalloc(&db, n * 4); cudaMalloc(&df, n * 4);
  cudaMemcpy(dx, x, n * 4, cudaMemcpyHostToDevice);
  votes<<<(n + 47) / 48, 48>>>(dx, db, df, n);
  cudaMemcpy(b, db, n * 4, cudaMemcpyDeviceToHost);
  cudaMemcpy(f, df, n * 4, cudaMemcpyDeviceToHost);
}
)";
  checkRecovers("votes.cu", src, "run", {"i32[150]:rand", "i32[150]:zeros", "i32[150]:zeros", "i32:150"});
}

TEST(LoopRecovery, BallotWarp64Hip) {
  const char *src = R"(
#include <hip/hip_runtime.h>
__global__ void votes(const int *x, unsigned long long *ballots, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  unsigned long long b = __ballot(i < n && x[i] > 0);
  if (i < n) ballots[i] = b;
}
void run(const int *x, long long *b, int n) {
  int *dx; unsigned long long *db;
  hipMalloc(&dx, n * 4); hipMalloc(&db, n * 8);
  hipMemcpy(dx, x, n * 4, hipMemcpyHostToDevice);
  hipLaunchKernelGGL(votes, dim3((n + 127) / 128), dim3(128), 0, 0, dx, db, n);
  hipMemcpy(b, db, n * 8, hipMemcpyDeviceToHost);
}
)";
  checkRecovers("votes.hip", src, "run", {"i32[200]:rand", "i64[200]:zeros", "i32:200"});
}

TEST(LoopRecovery, AtomicsBecomeReadModifyWrite) {
  const char *src = R"(
#include <cuda_runtime.h>
__global__ void hist(const int *x, int *bins, int *maxv, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) {
    atomicAdd(&bins[(x[i] & 0xff) % 8], 1);
    int old = atomicMax(maxv, x[i]);
    (void)old;
  }
}
void run(const int *x, int *bins, int *maxv, int n) {
  int *dx, *db, *dm;
  cudaMalloc(&dx, n * 4); cudaMalloc(&db, 32); cudaMalloc(&dm, 4);
  cudaMemcpy(dx, x, n * 4, cudaMemcpyHostToDevice);
  cudaMemset(db, 0, 32);
  cudaMemset(dm, 0x80, 4);
  hist<<<(n + 63) / 64, 64>>>(dx, db, dm, n);
  cudaMemcpy(bins, db, 32, cudaMemcpyDeviceToHost);
  cudaMemcpy(maxv, dm, 4, cudaMemcpyDeviceToHost);
}
)";
  ast::Module m = test::parse("hist.cu", src);
  PassContext ctx;
  ast::Module r = recover(m, ctx);
  expectSequential(r);
  const ast::Function *f = r.findFunction("hist");
  ASSERT_NE(f, nullptr);
  // The block loops are not independent once atomics became plain updates.
  auto *outer = f->body->as<ast::Seq>()->body[1]->as<ast::For>();
  ASSERT_NE(outer, nullptr);
  EXPECT_FALSE(outer->independent);
  auto v = test::verifyEntry(m, r, "run", {"i32[300]:rand", "i32[8]:zeros", "i32[1]:zeros", "i32:300"});
  EXPECT_TRUE(v.pass) << v.message << "\n" << test::print(r);
}

// wmma and mfma are recovered (loop_recovery_matrix_test.cpp); a fragment copied as a whole is not.
TEST(LoopRecovery, RejectsWholeFragmentUseWithLocation) {
  const char *src = R"(
#include <cuda_runtime.h>
#include <mma.h>
using namespace nvcuda;
__global__ void k(const half *a, const half *b, float *c) {
  wmma::fragment<wmma::matrix_a, 16, 16, 16, half, wmma::row_major> fa;
  wmma::fragment<wmma::matrix_b, 16, 16, 16, half, wmma::row_major> fb;
  wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc, copy;
  wmma::fill_fragment(acc, 0.0f);
  wmma::load_matrix_sync(fa, a, 16);
  wmma::load_matrix_sync(fb, b, 16);
  wmma::mma_sync(acc, fa, fb, acc);
  copy = acc;
  wmma::store_matrix_sync(c, copy, 16, wmma::mem_row_major);
}
)";
  ast::Module m = test::parse("k.cu", src);
  ast::Module r = m;
  PassContext ctx;
  EXPECT_FALSE(recoverLoops(r, {}, ctx));
  ASSERT_TRUE(ctx.hasErrors());
  EXPECT_NE(ctx.diagnostics[0].message.find("fragment"), std::string::npos) << ctx.diagnostics[0].message;
  EXPECT_EQ(ctx.diagnostics[0].loc.line, 13u) << ctx.diagnostics[0].message;
  EXPECT_EQ(r.findFunction("k")->kind, ast::FunctionKind::Kernel);  // unchanged on failure
}

TEST(LoopRecovery, RejectsUnsupportedWarpOperation) {
  const char *src = R"(
#include <cuda_runtime.h>
__global__ void k(const int *x, unsigned *y) {
  y[threadIdx.x] = __match_any_sync(0xffffffffu, x[threadIdx.x]);
}
)";
  ast::Module m = test::parse("k.cu", src);
  PassContext ctx;
  EXPECT_FALSE(recoverLoops(m, {}, ctx));
  ASSERT_TRUE(ctx.hasErrors());
  EXPECT_NE(ctx.diagnostics[0].message.find("__match_any_sync"), std::string::npos);
  EXPECT_EQ(ctx.diagnostics[0].loc.line, 4u);
}

TEST(LoopRecovery, OpenMPParallelForBecomesIndependentSerialLoop) {
  const char *src = R"(
void axpy(const float *x, float *y, float *total, int n) {
  #pragma omp parallel for schedule(static)
  for (int i = 0; i < n; ++i) y[i] += 2.0f * x[i];
  float s = 0.0f;
  #pragma omp parallel for reduction(+ : s)
  for (int i = 0; i < n; ++i) s += y[i];
  total[0] = s;
}
)";
  ast::Module m = test::parse("axpy.c", src);
  PassContext ctx;
  ast::Module r = recover(m, ctx);
  auto &body = r.findFunction("axpy")->body->as<ast::Seq>()->body;
  std::vector<const ast::For *> loops;
  for (auto &s : body)
    if (auto *f = s->as<ast::For>()) loops.push_back(f);
  ASSERT_EQ(loops.size(), 2u);
  EXPECT_EQ(loops[0]->forKind, ast::ForKind::Serial);
  EXPECT_TRUE(loops[0]->independent);
  EXPECT_TRUE(loops[0]->parallelClauses.empty());
  EXPECT_FALSE(loops[1]->independent);  // reduction
  EXPECT_EQ(ctx.stats["omp_loops_serialized"], 2);
  EXPECT_TRUE(test::verifyEntry(m, r, "axpy", {"f32[100]:rand", "f32[100]:rand", "f32[1]:zeros", "i32:100"}).pass);
}

// Thread-private scratch picked by omp_get_thread_num(): sequentially there is one thread, so the
// queries get its answers (thread 0 of 1) and the loop, whose iterations now share that thread's
// scratch, is no longer independent. The recovered program runs without the OpenMP runtime.
TEST(LoopRecovery, OpenMPThreadQueriesAnsweredForOneThread) {
  const char *src = R"(#include <omp.h>
#include <stdlib.h>
void rows(const float *x, float *y, int n, int w) {
  float *scratch = (float *)malloc(sizeof(float) * w * omp_get_max_threads());
  #pragma omp parallel for
  for (int i = 0; i < n; ++i) {
    float *t = scratch + w * omp_get_thread_num();
    for (int j = 0; j < w; ++j) t[j] = x[i * w + j] * 2.0f;
    float s = 0.0f;
    for (int j = 0; j < w; ++j) s += t[j];
    y[i] = s;
  }
  free(scratch);
}
)";
  ast::Module m = test::parse("rows.c", src);
  PassContext ctx;
  ast::Module r = recover(m, ctx);
  std::string code = test::print(r);
  EXPECT_EQ(code.find("omp_get_"), std::string::npos) << code;
  EXPECT_NE(code.find("sizeof(float) * w * 1"), std::string::npos) << code;
  EXPECT_NE(code.find("scratch + w * 0"), std::string::npos) << code;
  EXPECT_EQ(ctx.stats["omp_queries_answered"], 2);
  const ast::For *loop = nullptr;
  for (auto &s : r.findFunction("rows")->body->as<ast::Seq>()->body)
    if (auto *f = s->as<ast::For>()) loop = f;
  ASSERT_NE(loop, nullptr);
  EXPECT_FALSE(loop->independent);
  EXPECT_TRUE(test::verifyEntry(m, r, "rows", {"f32[60]:rand", "f32[10]:zeros", "i32:10", "i32:6"}).pass);
}

// ---- the corpus --------------------------------------------------------------------------------

std::string readFile(const std::string &path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// `+ - * / ( )` over integers and shape variables.
struct CountParser {
  const std::string &s;
  const std::map<std::string, long long> &vars;
  size_t i = 0;
  void ws() { while (i < s.size() && s[i] == ' ') ++i; }
  long long atom() {
    ws();
    if (s[i] == '(') { ++i; long long v = sum(); ws(); ++i; return v; }
    size_t j = i;
    while (j < s.size() && (isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_')) ++j;
    std::string t = s.substr(i, j - i);
    i = j;
    if (isdigit(static_cast<unsigned char>(t[0]))) return std::stoll(t);
    auto it = vars.find(t);
    EXPECT_NE(it, vars.end()) << t;
    return it == vars.end() ? 1 : it->second;
  }
  long long prod() {
    long long v = atom();
    for (ws(); i < s.size() && (s[i] == '*' || s[i] == '/'); ws()) {
      char op = s[i++];
      long long r = atom();
      v = op == '*' ? v * r : v / r;
    }
    return v;
  }
  long long sum() {
    long long v = prod();
    for (ws(); i < s.size() && (s[i] == '+' || s[i] == '-'); ws()) {
      char op = s[i++];
      long long r = prod();
      v = op == '+' ? v + r : v - r;
    }
    return v;
  }
};

struct CorpusCase {
  std::string file, entry;
  std::vector<std::string> args;
  double rtol = -1, atol = -1;
};

// One case per entry of each operator, on the manifest shape with the fewest elements (or a shape
// given here), for the CUDA and HIP files.
std::vector<CorpusCase> corpusCases() {
  std::vector<CorpusCase> cases;
  const std::string root = XPILE_SOURCE_DIR "/corpus";
  std::map<std::string, std::vector<std::map<std::string, long long>>> custom = {
      {"softmax_f32", {{{"rows", 37}, {"cols", 200}}, {{"rows", 5}, {"cols", 3000}}}}};
  for (auto &fam : std::filesystem::directory_iterator(root)) {
    if (!fam.is_directory()) continue;
    for (auto &op : std::filesystem::directory_iterator(fam.path())) {
      if (!std::filesystem::exists(op.path() / "manifest.json")) continue;
      auto manifest = nlohmann::json::parse(readFile((op.path() / "manifest.json").string()));
      for (const char *dialect : {"cuda", "hip"}) {
        if (!manifest["files"].contains(dialect)) continue;
        std::string file = (op.path() / manifest["files"][dialect].get<std::string>()).string();
        for (auto &entry : manifest["entries"]) {
          std::string name = entry["name"];
          std::vector<std::map<std::string, long long>> shapes;
          if (custom.count(name)) shapes = custom[name];
          else {
            long long best = -1;
            std::map<std::string, long long> bestVars;
            for (auto &shape : entry["shapes"]) {
              std::map<std::string, long long> vars;
              for (auto &[k, v] : shape.items())
                if (v.is_number_integer()) vars[k] = v.get<long long>();
              long long total = 0;
              for (auto &p : entry["params"])
                if (p.contains("count")) total += CountParser{p["count"].get_ref<const std::string &>(), vars}.sum();
              if (best < 0 || total < best) best = total, bestVars = vars;
            }
            shapes = {bestVars};
          }
          for (auto &vars : shapes) {
            CorpusCase c;
            c.file = file;
            c.entry = name;
            for (auto &p : entry["params"]) {
              std::string type = p["type"];
              if (p.contains("count")) {
                long long n = CountParser{p["count"].get_ref<const std::string &>(), vars}.sum();
                c.args.push_back(type + "[" + std::to_string(n) + "]:" + (p.value("role", "") == "out" ? "zeros" : "rand"));
              } else if (p.contains("value")) {
                c.args.push_back(type + ":" + (p["value"].is_string() ? p["value"].get<std::string>() : p["value"].dump()));
              } else {
                std::string n = p["name"];
                auto it = vars.find(n);
                c.args.push_back(type + ":" + (it != vars.end() ? std::to_string(it->second) : "0"));
              }
            }
            if (entry.contains("tolerance")) {
              c.rtol = entry["tolerance"].value("rtol", -1.0);
              c.atol = entry["tolerance"].value("atol", -1.0);
            }
            cases.push_back(c);
          }
        }
      }
    }
  }
  std::sort(cases.begin(), cases.end(), [](auto &a, auto &b) { return a.file + a.entry < b.file + b.entry; });
  return cases;
}

// Files whose kernels recovery must refuse with a clear error (none today: wmma and mfma are
// recovered too).
bool expectRejected(const std::string &) { return false; }

TEST(LoopRecovery, CorpusRecoversOrRejectsClearly) {
  for (auto &file : [] {
         std::set<std::string> files;
         for (auto &c : corpusCases()) files.insert(c.file);
         return files;
       }()) {
    ast::Module m = test::parse(file, readFile(file));
    PassContext ctx;
    bool ok = recoverLoops(m, {}, ctx);
    if (expectRejected(file)) {
      EXPECT_FALSE(ok) << file;
      ASSERT_TRUE(ctx.hasErrors()) << file;
      EXPECT_TRUE(ctx.diagnostics[0].loc.valid()) << ctx.diagnostics[0].message;
      continue;
    }
    EXPECT_TRUE(ok) << file;
    for (auto &d : ctx.diagnostics) ADD_FAILURE() << file << ": " << d.loc.str() << ": " << d.message;
    if (!ok) continue;
    expectSequential(m);
    test::print(m);
  }
}

void PrintTo(const CorpusCase &c, std::ostream *os) { *os << c.file << " " << c.entry; }

class LoopRecoveryCorpus : public ::testing::TestWithParam<CorpusCase> {};

TEST_P(LoopRecoveryCorpus, VerifiesAgainstOriginal) {
  const CorpusCase &c = GetParam();
  if (expectRejected(c.file)) GTEST_SKIP() << "rejected by design";
  ast::Module m = test::parse(c.file, readFile(c.file));
  PassContext ctx;
  ast::Module r = recover(m, ctx);
  if (ctx.hasErrors()) return;
  auto v = test::verifyEntry(m, r, c.entry, c.args, c.rtol, c.atol);
  EXPECT_TRUE(v.pass) << c.file << " " << c.entry << ": " << v.message;
  if (!v.pass || std::getenv("XPILE_SHOW")) std::cout << test::print(r) << "\n";
}

INSTANTIATE_TEST_SUITE_P(Corpus, LoopRecoveryCorpus, ::testing::ValuesIn(corpusCases()),
                         [](const ::testing::TestParamInfo<CorpusCase> &i) {
                           std::string f = std::filesystem::path(i.param.file).filename().string();
                           std::string n = f + "_" + i.param.entry + "_" + std::to_string(i.index);
                           for (auto &ch : n)
                             if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return n;
                         });

}  // namespace
}  // namespace xpile::passes
