// Loop recovery of matrix-core collectives (nvcuda::wmma, __builtin_amdgcn_mfma_*): every recovered
// module is run against its original on the executors, and against a plain C reference written
// here from the operations' definitions (the known answer).
#include "passes/loop_recovery.h"

#include "ast/dump.h"
#include "tests/passes/pass_test_util.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>

namespace xpile::passes {
namespace {

ast::Module recovered(const ast::Module &m, PassContext &ctx) {
  ast::Module r = m;
  bool ok = recoverLoops(r, {}, ctx);
  for (auto &d : ctx.diagnostics) ADD_FAILURE() << d.loc.str() << ": " << d.message;
  EXPECT_TRUE(ok);
  return r;
}

// No matrix-core call, fragment or parallel construct is left.
void expectScalar(const ast::Module &m) {
  std::string dump = ast::dumpText(m);
  for (const char *bad : {"wmma::", "__builtin_amdgcn", "threadIdx", "sync block", "launch "})
    EXPECT_EQ(dump.find(bad), std::string::npos) << bad << "\n" << dump;
}

void checkAgainstOriginalAndReference(const std::string &file, const std::string &src, const std::string &reference,
                                      const std::string &entry, const std::vector<std::string> &args) {
  ast::Module m = test::parse(file, src);
  PassContext ctx;
  ast::Module r = recovered(m, ctx);
  if (ctx.hasErrors()) return;
  expectScalar(r);
  std::string printed = test::print(r);
  if (std::getenv("XPILE_SHOW")) std::cout << printed << "\n";
  auto v = test::verifyEntry(m, r, entry, args);
  EXPECT_TRUE(v.pass) << "against the original: " << v.message << "\n" << printed;
  ast::Module ref = test::parse("reference.c", reference);
  auto k = test::verifyEntry(ref, r, entry, args);
  EXPECT_TRUE(k.pass) << "against the C reference: " << k.message << "\n" << printed;
}

// f16 in, f32 accumulate; B column-major; C loaded from memory, scaled element-wise, stored
// column-major; four warps, one 16x16 tile each.
TEST(LoopRecoveryMatrix, WmmaF16ColumnMajorAndElementAccess) {
  const char *src = R"(
#include <cuda_runtime.h>
#include <mma.h>
using namespace nvcuda;
constexpr int T = 16;
// D[32][32] = 2 (A[32][16] B[16][32] + C0), warp w owns tile (w / 2, w % 2)
__global__ void k(const half *a, const half *b, const float *c0, float *c) {
  int warp = threadIdx.x / 32;
  int tr = warp / 2, tc = warp % 2;
  wmma::fragment<wmma::matrix_a, T, T, T, half, wmma::row_major> fa;
  wmma::fragment<wmma::matrix_b, 16, 16, 16, half, wmma::col_major> fb;
  wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
  wmma::load_matrix_sync(acc, c0 + tr * 16 * 32 + tc * 16, 32, wmma::mem_row_major);
  wmma::load_matrix_sync(fa, a + tr * 16 * 16, 16);
  wmma::load_matrix_sync(fb, b + tc * 16 * 16, 16);
  wmma::mma_sync(acc, fa, fb, acc);
  for (int i = 0; i < acc.num_elements; ++i) acc.x[i] = 2.0f * acc.x[i];
  wmma::store_matrix_sync(c + tr * 16 + tc * 16 * 32, acc, 32, wmma::mem_col_major);
}
void run(const half *a, const half *b, const float *c0, float *c) {
  half *da, *db;
  float *dc0, *dc;
  cudaMalloc(&da, 512 * sizeof(half));
  cudaMalloc(&db, 512 * sizeof(half));
  cudaMalloc(&dc0, 1024 * sizeof(float));
  cudaMalloc(&dc, 1024 * sizeof(float));
  cudaMemcpy(da, a, 512 * sizeof(half), cudaMemcpyHostToDevice);
  cudaMemcpy(db, b, 512 * sizeof(half), cudaMemcpyHostToDevice);
  cudaMemcpy(dc0, c0, 1024 * sizeof(float), cudaMemcpyHostToDevice);
  k<<<1, 128>>>(da, db, dc0, dc);
  cudaMemcpy(c, dc, 1024 * sizeof(float), cudaMemcpyDeviceToHost);
  cudaFree(da);
  cudaFree(db);
  cudaFree(dc0);
  cudaFree(dc);
}
)";
  // B column-major: element (k, j) of B is b[j * 16 + k]; the output is stored transposed.
  const char *reference = R"(
void run(const _Float16 *a, const _Float16 *b, const float *c0, float *c) {
  for (int i = 0; i < 32; ++i)
    for (int j = 0; j < 32; ++j) {
      float s = 0.0f;
      for (int k = 0; k < 16; ++k) s += (float)a[i * 16 + k] * (float)b[j * 16 + k];
      c[j * 32 + i] = 2.0f * (s + c0[i * 32 + j]);
    }
}
)";
  checkAgainstOriginalAndReference("wmma_f16.cu", src, reference, "run",
                                   {"f16[512]:rand", "f16[512]:rand", "f32[1024]:rand", "f32[1024]:zeros"});
}

// int8 in, int32 accumulate over a K loop, through a helper taking the accumulator by reference;
// an array of accumulators indexed by the warp.
TEST(LoopRecoveryMatrix, WmmaInt8HelperLoopAndFragmentArray) {
  const char *src = R"(
#include <cuda_runtime.h>
#include <mma.h>
using namespace nvcuda;
__device__ void tile(wmma::fragment<wmma::accumulator, 16, 16, 16, int> &acc, const signed char *a,
                     const signed char *b, int lda, int ldb) {
  wmma::fragment<wmma::matrix_a, 16, 16, 16, signed char, wmma::row_major> fa;
  wmma::fragment<wmma::matrix_b, 16, 16, 16, signed char, wmma::row_major> fb;
  wmma::load_matrix_sync(fa, a, lda);
  wmma::load_matrix_sync(fb, b, ldb);
  wmma::mma_sync(acc, fa, fb, acc);
}
// C[16][32] = A[16][K] B[K][32]; warp w owns columns 16w .. 16w + 15
__global__ void k8(const signed char *a, const signed char *b, int *c, int K) {
  int w = threadIdx.x / 32;
  wmma::fragment<wmma::accumulator, 16, 16, 16, int> acc[2];
  wmma::fill_fragment(acc[w], 0);
  for (int k0 = 0; k0 < K; k0 += 16) tile(acc[w], a + k0, b + k0 * 32 + 16 * w, K, 32);
  wmma::store_matrix_sync(c + 16 * w, acc[w], 32, wmma::mem_row_major);
}
void run(const signed char *a, const signed char *b, int *c, int K) {
  signed char *da, *db;
  int *dc;
  cudaMalloc(&da, 16 * K);
  cudaMalloc(&db, K * 32);
  cudaMalloc(&dc, 512 * sizeof(int));
  cudaMemcpy(da, a, 16 * K, cudaMemcpyHostToDevice);
  cudaMemcpy(db, b, K * 32, cudaMemcpyHostToDevice);
  k8<<<1, 64>>>(da, db, dc, K);
  cudaMemcpy(c, dc, 512 * sizeof(int), cudaMemcpyDeviceToHost);
  cudaFree(da);
  cudaFree(db);
  cudaFree(dc);
}
)";
  const char *reference = R"(
void run(const signed char *a, const signed char *b, int *c, int K) {
  for (int i = 0; i < 16; ++i)
    for (int j = 0; j < 32; ++j) {
      int s = 0;
      for (int k = 0; k < K; ++k) s += (int)a[i * K + k] * (int)b[k * 32 + j];
      c[i * 32 + j] = s;
    }
}
)";
  checkAgainstOriginalAndReference("wmma_i8.cu", src, reference, "run",
                                   {"i8[768]:rand", "i8[1536]:rand", "i32[512]:zeros", "i32:48"});
}

// The six mfma forms, each lane feeding its operands and reading its results with the gfx90a
// layouts: A[l % M][KL (l / M) + i], B[KL (l / M) + i][l % M], D[(i / 4) 4G + 4 (l / M) + i % 4][l % M].
const char *kMfmaKernels = R"(
#include <hip/hip_runtime.h>
typedef _Float16 half4_t __attribute__((ext_vector_type(4)));
typedef short short4_t __attribute__((ext_vector_type(4)));
typedef float float4_t __attribute__((ext_vector_type(4)));
typedef float float16_t __attribute__((ext_vector_type(16)));
typedef int int4_t __attribute__((ext_vector_type(4)));

// A: M x K, B: K x M, C and D: M x M, all row-major
__global__ void f16_16(const _Float16 *A, const _Float16 *B, const float *C, float *D) {
  const int l = threadIdx.x;
  half4_t a, b;
  float4_t acc;
  for (int i = 0; i < 4; ++i) {
    a[i] = A[(l % 16) * 16 + 4 * (l / 16) + i];
    b[i] = B[(4 * (l / 16) + i) * 16 + l % 16];
    acc[i] = C[(4 * (l / 16) + i) * 16 + l % 16];
  }
  acc = __builtin_amdgcn_mfma_f32_16x16x16f16(a, b, acc, 0, 0, 0);
  for (int i = 0; i < 4; ++i) D[(4 * (l / 16) + i) * 16 + l % 16] = acc[i];
}
__global__ void f16_32(const _Float16 *A, const _Float16 *B, const float *C, float *D) {
  const int l = threadIdx.x;
  half4_t a, b;
  float16_t acc;
  for (int i = 0; i < 4; ++i) {
    a[i] = A[(l % 32) * 8 + 4 * (l / 32) + i];
    b[i] = B[(4 * (l / 32) + i) * 32 + l % 32];
  }
  for (int i = 0; i < 16; ++i) acc[i] = C[(8 * (i / 4) + 4 * (l / 32) + i % 4) * 32 + l % 32];
  float16_t d = __builtin_amdgcn_mfma_f32_32x32x8f16(a, b, acc, 0, 0, 0);
  for (int i = 0; i < 16; ++i) D[(8 * (i / 4) + 4 * (l / 32) + i % 4) * 32 + l % 32] = d[i];
}
__global__ void f32_16(const float *A, const float *B, const float *C, float *D) {
  const int l = threadIdx.x;
  float4_t acc;
  for (int i = 0; i < 4; ++i) acc[i] = C[(4 * (l / 16) + i) * 16 + l % 16];
  acc = __builtin_amdgcn_mfma_f32_16x16x4f32(A[(l % 16) * 4 + l / 16], B[(l / 16) * 16 + l % 16], acc, 0, 0, 0);
  for (int i = 0; i < 4; ++i) D[(4 * (l / 16) + i) * 16 + l % 16] = acc[i];
}
__global__ void f32_32(const float *A, const float *B, const float *C, float *D) {
  const int l = threadIdx.x;
  float16_t acc;
  for (int i = 0; i < 16; ++i) acc[i] = C[(8 * (i / 4) + 4 * (l / 32) + i % 4) * 32 + l % 32];
  const float a = A[(l % 32) * 2 + l / 32], b = B[(l / 32) * 32 + l % 32];
  acc = __builtin_amdgcn_mfma_f32_32x32x2f32(a, b, acc, 0, 0, 0);
  for (int i = 0; i < 16; ++i) D[(8 * (i / 4) + 4 * (l / 32) + i % 4) * 32 + l % 32] = acc[i];
}
// packed operands: lane l's word holds A[l % 16][4 (l / 16) + i] in byte i
__global__ void i8_16(const int *Aw, const int *Bw, const int *C, int *D) {
  const int l = threadIdx.x;
  int4_t acc;
  for (int i = 0; i < 4; ++i) acc[i] = C[(4 * (l / 16) + i) * 16 + l % 16];
  acc = __builtin_amdgcn_mfma_i32_16x16x16i8(Aw[l], Bw[l], acc, 0, 0, 0);
  for (int i = 0; i < 4; ++i) D[(4 * (l / 16) + i) * 16 + l % 16] = acc[i];
}
__global__ void bf16_16(const short *A, const short *B, const float *C, float *D) {
  const int l = threadIdx.x;
  short4_t a, b;
  float4_t acc;
  for (int i = 0; i < 4; ++i) {
    a[i] = A[(l % 16) * 16 + 4 * (l / 16) + i];
    b[i] = B[(4 * (l / 16) + i) * 16 + l % 16];
    acc[i] = C[(4 * (l / 16) + i) * 16 + l % 16];
  }
  acc = __builtin_amdgcn_mfma_f32_16x16x16bf16_1k(a, b, acc, 0, 0, 0);
  for (int i = 0; i < 4; ++i) D[(4 * (l / 16) + i) * 16 + l % 16] = acc[i];
}
template <typename T> T *device(const T *h, int n) {
  T *d;
  hipMalloc(&d, n * sizeof(T));
  hipMemcpy(d, h, n * sizeof(T), hipMemcpyHostToDevice);
  return d;
}
template <typename T> void back(T *h, T *d, int n) {
  hipMemcpy(h, d, n * sizeof(T), hipMemcpyDeviceToHost);
  hipFree(d);
}
// One wavefront per form; C (float or int) is shared, the first M x M elements.
void run(const _Float16 *Ah, const _Float16 *Bh, const float *Af, const float *Bf, const int *Aw, const int *Bw,
         const short *As, const short *Bs, const float *C, const int *Ci, float *D1, float *D2, float *D3,
         float *D4, int *D5, float *D6) {
  _Float16 *ah = device(Ah, 256), *bh = device(Bh, 256);
  float *af = device(Af, 64), *bf = device(Bf, 64), *c = device(C, 1024);
  int *aw = device(Aw, 64), *bw = device(Bw, 64), *ci = device(Ci, 256);
  short *as = device(As, 256), *bs = device(Bs, 256);
  float *d1 = device(D1, 256), *d2 = device(D2, 1024), *d3 = device(D3, 256), *d4 = device(D4, 1024);
  int *d5 = device(D5, 256);
  float *d6 = device(D6, 256);
  hipLaunchKernelGGL(f16_16, dim3(1), dim3(64), 0, 0, ah, bh, c, d1);
  hipLaunchKernelGGL(f16_32, dim3(1), dim3(64), 0, 0, ah, bh, c, d2);
  hipLaunchKernelGGL(f32_16, dim3(1), dim3(64), 0, 0, af, bf, c, d3);
  hipLaunchKernelGGL(f32_32, dim3(1), dim3(64), 0, 0, af, bf, c, d4);
  hipLaunchKernelGGL(i8_16, dim3(1), dim3(64), 0, 0, aw, bw, ci, d5);
  hipLaunchKernelGGL(bf16_16, dim3(1), dim3(64), 0, 0, as, bs, c, d6);
  back(D1, d1, 256);
  back(D2, d2, 1024);
  back(D3, d3, 256);
  back(D4, d4, 1024);
  back(D5, d5, 256);
  back(D6, d6, 256);
  hipFree(ah);
  hipFree(bh);
  hipFree(af);
  hipFree(bf);
  hipFree(c);
  hipFree(aw);
  hipFree(bw);
  hipFree(ci);
  hipFree(as);
  hipFree(bs);
}
)";

// D = C + A B, per element: acc = c, then acc += A[r][k] B[k][c] for k = 0..K-1. In the packed
// i8 form A[r][k] is byte k % 4 of lane (r + 16 (k / 4))'s word, B[k][c] of lane (c + 16 (k / 4))'s.
const char *kMfmaReference = R"(
#include <string.h>
static float bf16(short s) {
  unsigned u = (unsigned)(unsigned short)s << 16;
  float f;
  memcpy(&f, &u, 4);
  return f;
}
static int sbyte(int w, int i) { return (int)(signed char)((unsigned)w >> (8 * i)); }
#define MFMA(M, K, T, D, AT, BT)                              \
  for (int r = 0; r < M; ++r)                                 \
    for (int c = 0; c < M; ++c) {                             \
      T acc = C[r * M + c];                                   \
      for (int k = 0; k < K; ++k) acc += (AT) * (BT);         \
      D[r * M + c] = acc;                                     \
    }
void run(const _Float16 *Ah, const _Float16 *Bh, const float *Af, const float *Bf, const int *Aw, const int *Bw,
         const short *As, const short *Bs, const float *C, const int *Ci, float *D1, float *D2, float *D3,
         float *D4, int *D5, float *D6) {
  MFMA(16, 16, float, D1, (float)Ah[r * 16 + k], (float)Bh[k * 16 + c])
  MFMA(32, 8, float, D2, (float)Ah[r * 8 + k], (float)Bh[k * 32 + c])
  MFMA(16, 4, float, D3, Af[r * 4 + k], Bf[k * 16 + c])
  MFMA(32, 2, float, D4, Af[r * 2 + k], Bf[k * 32 + c])
  for (int r = 0; r < 16; ++r)
    for (int c = 0; c < 16; ++c) {
      int acc = Ci[r * 16 + c];
      for (int k = 0; k < 16; ++k) acc += sbyte(Aw[r + 16 * (k / 4)], k % 4) * sbyte(Bw[c + 16 * (k / 4)], k % 4);
      D5[r * 16 + c] = acc;
    }
  MFMA(16, 16, float, D6, bf16(As[r * 16 + k]), bf16(Bs[k * 16 + c]))
}
)";

TEST(LoopRecoveryMatrix, MfmaSixForms) {
  checkAgainstOriginalAndReference(
      "mfma.hip", kMfmaKernels, kMfmaReference, "run",
      {"f16[256]:rand", "f16[256]:rand", "f32[64]:rand", "f32[64]:rand", "i32[64]:rand", "i32[64]:rand",
       "i16[256]:rand", "i16[256]:rand", "f32[1024]:rand", "i32[256]:rand", "f32[256]:zeros", "f32[1024]:zeros",
       "f32[256]:zeros", "f32[1024]:zeros", "i32[256]:zeros", "f32[256]:zeros"});
}

// ---- what is refused, with the location --------------------------------------------------------

void expectRefused(const std::string &file, const std::string &src, const std::string &what, unsigned line,
                   int warpSize = 0) {
  ast::Module m = test::parse(file, src);
  ast::Module r = m;
  PassContext ctx;
  LoopRecoveryOptions o;
  o.warpSize = warpSize;
  EXPECT_FALSE(recoverLoops(r, o, ctx));
  ASSERT_TRUE(ctx.hasErrors());
  EXPECT_NE(ctx.diagnostics[0].message.find(what), std::string::npos) << ctx.diagnostics[0].message;
  EXPECT_EQ(ctx.diagnostics[0].loc.line, line) << ctx.diagnostics[0].message;
}

TEST(LoopRecoveryMatrix, RefusesWhatTheExecutorWouldNotComputeTheSame) {
  // mfma with a lane broadcast (cbsz): the executor faults
  expectRefused("cbsz.hip", R"(
#include <hip/hip_runtime.h>
typedef float float4_t __attribute__((ext_vector_type(4)));
__global__ void k(const float *a, float *d) {
  float4_t acc = {0.0f, 0.0f, 0.0f, 0.0f};
  acc = __builtin_amdgcn_mfma_f32_16x16x4f32(a[threadIdx.x], a[threadIdx.x], acc, 1, 0, 0);
  d[threadIdx.x] = acc[0];
}
)",
                "cbsz", 6);
  // mfma on 32-lane warps: the executor faults
  expectRefused("warp32.hip", R"(
#include <hip/hip_runtime.h>
typedef float float4_t __attribute__((ext_vector_type(4)));
__global__ void k(const float *a, float *d) {
  float4_t acc = {0.0f, 0.0f, 0.0f, 0.0f};
  acc = __builtin_amdgcn_mfma_f32_16x16x4f32(a[threadIdx.x], a[threadIdx.x], acc, 0, 0, 0);
  d[threadIdx.x] = acc[0];
}
)",
                "64-lane", 6, 32);
  // an mfma vector used as a whole has no C form as an array
  expectRefused("whole.hip", R"(
#include <hip/hip_runtime.h>
typedef float float4_t __attribute__((ext_vector_type(4)));
__global__ void k(const float *a, float *d) {
  float4_t acc = {0.0f, 0.0f, 0.0f, 0.0f};
  acc = __builtin_amdgcn_mfma_f32_16x16x4f32(a[threadIdx.x], a[threadIdx.x], acc, 0, 0, 0);
  float4_t twice = acc + acc;
  d[threadIdx.x] = twice[0];
}
)",
                "used as a whole", 7);
  // saturating mma_sync
  expectRefused("satf.cu", R"(
#include <cuda_runtime.h>
#include <mma.h>
using namespace nvcuda;
__global__ void k(const half *a, const half *b, float *c) {
  wmma::fragment<wmma::matrix_a, 16, 16, 16, half, wmma::row_major> fa;
  wmma::fragment<wmma::matrix_b, 16, 16, 16, half, wmma::row_major> fb;
  wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
  wmma::fill_fragment(acc, 0.0f);
  wmma::load_matrix_sync(fa, a, 16);
  wmma::load_matrix_sync(fb, b, 16);
  wmma::mma_sync(acc, fa, fb, acc, true);
  wmma::store_matrix_sync(c, acc, 16, wmma::mem_row_major);
}
)",
                "satf", 12);
}

}  // namespace
}  // namespace xpile::passes
