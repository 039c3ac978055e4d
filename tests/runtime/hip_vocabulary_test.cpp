// xpile_hip.h: HIP kernels (wavefront 64) on the SIMT executor, the HIP runtime API,
// hipLaunchKernelGGL, and the CDNA2 matrix-core builtins checked against scalar GEMMs, with each
// lane's operands and results placed by the documented gfx90a layouts (written out independently
// here). Expected values are computed in the test.
#include "xpile_hip.h"

#include <gtest/gtest.h>

#include <random>
#include <thread>
#include <vector>

namespace {
const bool kThreadsafeDeathTests = [] {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  return true;
}();

template <typename T> T *deviceCopy(const std::vector<T> &h) {
  T *d = nullptr;
  EXPECT_EQ(hipMalloc(&d, h.size() * sizeof(T)), hipSuccess);
  EXPECT_EQ(hipMemcpy(d, h.data(), h.size() * sizeof(T), hipMemcpyHostToDevice), hipSuccess);
  return d;
}
template <typename T> std::vector<T> hostCopy(const T *d, size_t n) {
  std::vector<T> h(n);
  EXPECT_EQ(hipMemcpy(h.data(), d, n * sizeof(T), hipMemcpyDeviceToHost), hipSuccess);
  return h;
}
}  // namespace

// =================================================================================================
// Wavefront operations
// =================================================================================================
__global__ void waveReduce(const int *in, int *out) {
  int v = in[hipBlockIdx_x * hipBlockDim_x + hipThreadIdx_x];
  for (int offset = warpSize / 2; offset > 0; offset /= 2) v += __shfl_down(v, offset);
  if (hipThreadIdx_x % warpSize == 0) out[(hipBlockIdx_x * hipBlockDim_x + hipThreadIdx_x) / warpSize] = v;
}

TEST(HipKernels, ShuffleDownReductionOverA64LaneWavefront) {
  std::vector<int> h(4 * 128);
  for (size_t i = 0; i < h.size(); ++i) h[i] = static_cast<int>(i % 13) - 6;
  int *in = deviceCopy(h), *out = nullptr;
  hipMalloc(&out, 8 * sizeof(int));
  hipLaunchKernelGGL(waveReduce, dim3(4), dim3(128), 0, 0, in, out);
  EXPECT_EQ(hipGetLastError(), hipSuccess);
  std::vector<int> r = hostCopy(out, 8);
  for (int w = 0; w < 8; ++w) {
    int expected = 0;
    for (int l = 0; l < 64; ++l) expected += h[w * 64 + l];
    EXPECT_EQ(r[w], expected) << w;
  }
  hipFree(in);
  hipFree(out);
}

__global__ void waveVotes(unsigned long long *out) {
  unsigned lane = __lane_id();
  unsigned long long *o = out + 12 * hipThreadIdx_x;
  o[0] = __ballot(lane >= 40);
  o[1] = __activemask();
  o[2] = __any(lane == 63);
  o[3] = __all(lane < 63);
  o[4] = static_cast<unsigned long long>(__shfl_xor_sync(~0ull, static_cast<int>(lane), 32));
  o[5] = static_cast<unsigned long long>(__shfl(static_cast<long long>(lane) * 1000000000000ll, 63));
  o[6] = static_cast<unsigned long long>(__shfl_up(static_cast<double>(lane), 1u));
  o[7] = __popcll(__lanemask_lt());
  o[8] = static_cast<unsigned long long>(warpSize);
  o[9] = __ballot_sync(~0ull, lane % 2 == 0);
  o[10] = lane;
  o[11] = static_cast<unsigned long long>(__builtin_amdgcn_readfirstlane(static_cast<int>(lane) + 7));
}

TEST(HipKernels, BallotIs64BitAndVotesCoverTheWavefront) {
  unsigned long long *d = nullptr;
  hipMalloc(&d, 64 * 12 * sizeof(unsigned long long));
  hipLaunchKernelGGL(waveVotes, dim3(1), dim3(64), 0, nullptr, d);
  std::vector<unsigned long long> h = hostCopy(d, 64 * 12);
  unsigned long long even = 0;
  for (int l = 0; l < 64; l += 2) even |= 1ull << l;
  for (unsigned l = 0; l < 64; ++l) {
    const unsigned long long *o = &h[12 * l];
    EXPECT_EQ(o[0], 0xFFFFFF0000000000ull);
    EXPECT_EQ(o[1], ~0ull);
    EXPECT_EQ(o[2], 1u);
    EXPECT_EQ(o[3], 0u);
    EXPECT_EQ(o[4], l ^ 32u);
    EXPECT_EQ(o[5], 63000000000000ull);
    EXPECT_EQ(o[6], l == 0 ? 0u : l - 1);
    EXPECT_EQ(o[7], l);
    EXPECT_EQ(o[8], 64u);
    EXPECT_EQ(o[9], even);
    EXPECT_EQ(o[10], l);
    EXPECT_EQ(o[11], 7u);
  }
  EXPECT_EQ(static_cast<int>(warpSize), 64);
  hipFree(d);
}

__global__ void sharedAndAtomics(const float *in, float *sum, int *maxIndex) {
  __shared__ float tile[256];
  int t = hipThreadIdx_x;
  tile[t] = in[hipBlockIdx_x * 256 + t];
  __syncthreads();
  for (int stride = 128; stride > 0; stride /= 2) {
    if (t < stride) tile[t] += tile[t + stride];
    __syncthreads();
  }
  if (t == 0) atomicAdd(sum, tile[0]);
  atomicMax(maxIndex, static_cast<int>(hipBlockIdx_x * 256 + t));
}

TEST(HipKernels, SharedMemoryTreeReductionAndAtomics) {
  std::vector<float> h(6 * 256);
  double expected = 0;
  for (size_t i = 0; i < h.size(); ++i) {
    h[i] = static_cast<float>(i % 10);
    expected += h[i];
  }
  float *in = deviceCopy(h), *sum = deviceCopy(std::vector<float>{0.0f});
  int *maxIndex = deviceCopy(std::vector<int>{-1});
  hipLaunchKernelGGL(sharedAndAtomics, dim3(6), dim3(256), 0, 0, in, sum, maxIndex);
  EXPECT_EQ(hostCopy(sum, 1)[0], static_cast<float>(expected));
  EXPECT_EQ(hostCopy(maxIndex, 1)[0], 6 * 256 - 1);
  hipFree(in);
  hipFree(sum);
  hipFree(maxIndex);
}

// =================================================================================================
// Runtime API
// =================================================================================================
__device__ int hipTable[8];

__global__ void readTable(int *out) { out[hipThreadIdx_x] = hipTable[hipThreadIdx_x] + 1; }

TEST(HipRuntime, MemoryErrorsPropertiesSymbolsStreamsEvents) {
  float *d_buffer = nullptr;
  ASSERT_EQ(hipMalloc(&d_buffer, 32 * sizeof(float)), hipSuccess);
  EXPECT_EQ(xpile::rt::Registry::get().owner(d_buffer)->label, "d_buffer");
  std::vector<float> h(32, 2.5f);
  EXPECT_EQ(hipMemcpy(d_buffer, h.data(), 32 * sizeof(float), hipMemcpyHostToDevice), hipSuccess);
  EXPECT_EQ(hipMemset(d_buffer, 0, 16 * sizeof(float)), hipSuccess);
  std::vector<float> r = hostCopy(d_buffer, 32);
  EXPECT_EQ(r[15], 0.0f);
  EXPECT_EQ(r[16], 2.5f);
  EXPECT_EQ(hipFree(d_buffer), hipSuccess);

  int notDevice = 0;
  EXPECT_EQ(hipFree(&notDevice), hipErrorInvalidValue);
  EXPECT_EQ(hipPeekAtLastError(), hipErrorInvalidValue);
  EXPECT_EQ(hipGetLastError(), hipErrorInvalidValue);
  EXPECT_EQ(hipGetLastError(), hipSuccess);
  EXPECT_STREQ(hipGetErrorString(hipSuccess), "no error");
  EXPECT_STREQ(hipGetErrorName(hipErrorInvalidValue), "hipErrorInvalidValue");

  hipDeviceProp_t prop;
  ASSERT_EQ(hipGetDeviceProperties(&prop, 0), hipSuccess);
  EXPECT_STREQ(prop.gcnArchName, "gfx90a");
  EXPECT_STREQ(prop.name, "xpile CPU executor");
  EXPECT_EQ(prop.warpSize, 64);
  EXPECT_EQ(prop.sharedMemPerBlock, 64u * 1024u);
  EXPECT_EQ(prop.maxThreadsPerBlock, 1024);
  int value = 0, count = 0;
  EXPECT_EQ(hipDeviceGetAttribute(&value, hipDeviceAttributeWarpSize, 0), hipSuccess);
  EXPECT_EQ(value, 64);
  EXPECT_EQ(hipGetDeviceCount(&count), hipSuccess);
  EXPECT_EQ(count, 1);
  EXPECT_EQ(xpile::simt::platform().warpSize, 64);
  EXPECT_EQ(xpile::simt::platform().maxSharedBytesPerBlock, 64u * 1024u);
  EXPECT_EQ(hipFuncSetAttribute(reinterpret_cast<const void *>(readTable), hipFuncAttributeMaxDynamicSharedMemorySize, 65536), hipSuccess);
  EXPECT_EQ(hipFuncSetAttribute(reinterpret_cast<const void *>(readTable), hipFuncAttributeMaxDynamicSharedMemorySize, 65537), hipErrorInvalidValue);
  (void)hipGetLastError();

  int table[8] = {10, 20, 30, 40, 50, 60, 70, 80};
  ASSERT_EQ(hipMemcpyToSymbol(HIP_SYMBOL(hipTable), table, sizeof table), hipSuccess);
  int *out = nullptr;
  hipMalloc(&out, 8 * sizeof(int));
  hipStream_t stream;
  hipEvent_t start, stop;
  ASSERT_EQ(hipStreamCreate(&stream), hipSuccess);
  ASSERT_EQ(hipEventCreate(&start), hipSuccess);
  ASSERT_EQ(hipEventCreate(&stop), hipSuccess);
  ASSERT_EQ(hipEventRecord(start, stream), hipSuccess);
  hipLaunchKernelGGL(readTable, dim3(1), dim3(8), 0, stream, out);
  std::this_thread::sleep_for(std::chrono::milliseconds(15));
  ASSERT_EQ(hipEventRecord(stop, stream), hipSuccess);
  ASSERT_EQ(hipEventSynchronize(stop), hipSuccess);
  float ms = 0;
  ASSERT_EQ(hipEventElapsedTime(&ms, start, stop), hipSuccess);
  EXPECT_GE(ms, 14.0f);
  std::vector<int> o = hostCopy(out, 8);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(o[i], table[i] + 1);
  int back[8] = {};
  ASSERT_EQ(hipMemcpyFromSymbol(back, HIP_SYMBOL(hipTable), sizeof back, 0, hipMemcpyDeviceToHost), hipSuccess);
  EXPECT_EQ(back[7], 80);
  EXPECT_EQ(hipStreamSynchronize(stream), hipSuccess);
  EXPECT_EQ(hipStreamDestroy(stream), hipSuccess);
  EXPECT_EQ(hipEventDestroy(start), hipSuccess);
  EXPECT_EQ(hipEventDestroy(stop), hipSuccess);
  EXPECT_EQ(hipDeviceSynchronize(), hipSuccess);
  hipFree(out);

  void *pinned = nullptr;
  EXPECT_EQ(hipHostMalloc(&pinned, 128), hipSuccess);
  EXPECT_EQ(xpile::rt::Registry::get().owner(pinned), nullptr);
  EXPECT_EQ(hipHostFree(pinned), hipSuccess);
  float *managed = nullptr;
  EXPECT_EQ(hipMallocManaged(&managed, 64), hipSuccess);
  EXPECT_NE(xpile::rt::Registry::get().owner(managed), nullptr);
  EXPECT_EQ(hipFree(managed), hipSuccess);
}

// =================================================================================================
// Matrix-core builtins. Operand vectors declared exactly as user code does.
// =================================================================================================
typedef _Float16 half4 __attribute__((ext_vector_type(4)));
typedef short bf16x4 __attribute__((ext_vector_type(4)));
typedef float floatx4 __attribute__((ext_vector_type(4)));
typedef float floatx16 __attribute__((ext_vector_type(16)));
typedef int intx4 __attribute__((ext_vector_type(4)));

namespace {
// Row of result item i for lane l (gfx90a): 16x16 outputs D[4(l/16)+i][l%16]; 32x32 outputs
// D[8(i/4) + 4(l/32) + i%4][l%32].
int row16(int l, int i) { return 4 * (l / 16) + i; }
int row32(int l, int i) { return 8 * (i / 4) + 4 * (l / 32) + i % 4; }
unsigned short bf16Bits(float exactlyRepresentable) {
  uint32_t u;
  std::memcpy(&u, &exactlyRepresentable, 4);
  return static_cast<unsigned short>(u >> 16);
}
}  // namespace

// A (MxK), B (KxN), C/D (MxN), row-major in global memory.
__global__ void mfma16x16x16f16(const float *A, const float *B, const float *C, float *D) {
  int l = hipThreadIdx_x;
  half4 a, b;
  floatx4 c;
  for (int i = 0; i < 4; ++i) {
    a[i] = static_cast<_Float16>(A[(l % 16) * 16 + 4 * (l / 16) + i]);
    b[i] = static_cast<_Float16>(B[(4 * (l / 16) + i) * 16 + l % 16]);
    c[i] = C[row16(l, i) * 16 + l % 16];
  }
  floatx4 d = __builtin_amdgcn_mfma_f32_16x16x16f16(a, b, c, 0, 0, 0);
  for (int i = 0; i < 4; ++i) D[row16(l, i) * 16 + l % 16] = d[i];
}
__global__ void mfma32x32x8f16(const float *A, const float *B, const float *C, float *D) {
  int l = hipThreadIdx_x;
  half4 a, b;
  floatx16 c;
  for (int i = 0; i < 4; ++i) {
    a[i] = static_cast<_Float16>(A[(l % 32) * 8 + 4 * (l / 32) + i]);
    b[i] = static_cast<_Float16>(B[(4 * (l / 32) + i) * 32 + l % 32]);
  }
  for (int i = 0; i < 16; ++i) c[i] = C[row32(l, i) * 32 + l % 32];
  floatx16 d = __builtin_amdgcn_mfma_f32_32x32x8f16(a, b, c, 0, 0, 0);
  for (int i = 0; i < 16; ++i) D[row32(l, i) * 32 + l % 32] = d[i];
}
__global__ void mfma16x16x4f32(const float *A, const float *B, const float *C, float *D) {
  int l = hipThreadIdx_x;
  floatx4 c;
  for (int i = 0; i < 4; ++i) c[i] = C[row16(l, i) * 16 + l % 16];
  floatx4 d = __builtin_amdgcn_mfma_f32_16x16x4f32(A[(l % 16) * 4 + l / 16], B[(l / 16) * 16 + l % 16], c, 0, 0, 0);
  for (int i = 0; i < 4; ++i) D[row16(l, i) * 16 + l % 16] = d[i];
}
__global__ void mfma32x32x2f32(const float *A, const float *B, const float *C, float *D) {
  int l = hipThreadIdx_x;
  floatx16 c;
  for (int i = 0; i < 16; ++i) c[i] = C[row32(l, i) * 32 + l % 32];
  floatx16 d = __builtin_amdgcn_mfma_f32_32x32x2f32(A[(l % 32) * 2 + l / 32], B[(l / 32) * 32 + l % 32], c, 0, 0, 0);
  for (int i = 0; i < 16; ++i) D[row32(l, i) * 32 + l % 32] = d[i];
}
__global__ void mfma16x16x16i8(const float *A, const float *B, const float *C, float *D) {
  int l = hipThreadIdx_x;
  unsigned a = 0, b = 0;
  intx4 c;
  for (int i = 0; i < 4; ++i) {
    a |= static_cast<unsigned>(static_cast<unsigned char>(static_cast<signed char>(A[(l % 16) * 16 + 4 * (l / 16) + i]))) << (8 * i);
    b |= static_cast<unsigned>(static_cast<unsigned char>(static_cast<signed char>(B[(4 * (l / 16) + i) * 16 + l % 16]))) << (8 * i);
    c[i] = static_cast<int>(C[row16(l, i) * 16 + l % 16]);
  }
  intx4 d = __builtin_amdgcn_mfma_i32_16x16x16i8(static_cast<int>(a), static_cast<int>(b), c, 0, 0, 0);
  for (int i = 0; i < 4; ++i) D[row16(l, i) * 16 + l % 16] = static_cast<float>(d[i]);
}
__global__ void mfma16x16x16bf16(const float *A, const float *B, const float *C, float *D) {
  int l = hipThreadIdx_x;
  bf16x4 a, b;
  floatx4 c;
  for (int i = 0; i < 4; ++i) {
    a[i] = static_cast<short>(bf16Bits(A[(l % 16) * 16 + 4 * (l / 16) + i]));
    b[i] = static_cast<short>(bf16Bits(B[(4 * (l / 16) + i) * 16 + l % 16]));
    c[i] = C[row16(l, i) * 16 + l % 16];
  }
  floatx4 d = __builtin_amdgcn_mfma_f32_16x16x16bf16_1k(a, b, c, 0, 0, 0);
  for (int i = 0; i < 4; ++i) D[row16(l, i) * 16 + l % 16] = d[i];
}

namespace {
// Runs one builtin's kernel on one wavefront and compares D with A*B + C computed here. Values are
// small integers (|A|,|B| <= 8, |C| <= 100), so every product and sum is exact in every format.
void checkMfma(void (*kernel)(const float *, const float *, const float *, float *), int M, int N, int K, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<float> A(M * K), B(K * N), C(M * N);
  for (float &v : A) v = static_cast<float>(static_cast<int>(rng() % 17) - 8);
  for (float &v : B) v = static_cast<float>(static_cast<int>(rng() % 17) - 8);
  for (float &v : C) v = static_cast<float>(static_cast<int>(rng() % 201) - 100);
  float *dA = deviceCopy(A), *dB = deviceCopy(B), *dC = deviceCopy(C), *dD = nullptr;
  hipMalloc(&dD, M * N * sizeof(float));
  hipLaunchKernelGGL(kernel, dim3(1), dim3(64), 0, 0, dA, dB, dC, dD);
  std::vector<float> D = hostCopy(dD, M * N);
  for (int m = 0; m < M; ++m)
    for (int n = 0; n < N; ++n) {
      double ref = C[m * N + n];
      for (int k = 0; k < K; ++k) ref += static_cast<double>(A[m * K + k]) * B[k * N + n];
      ASSERT_EQ(D[m * N + n], static_cast<float>(ref)) << "D[" << m << "][" << n << "]";
    }
  hipFree(dA);
  hipFree(dB);
  hipFree(dC);
  hipFree(dD);
}
}  // namespace

TEST(Mfma, F32_16x16x16F16) { checkMfma(mfma16x16x16f16, 16, 16, 16, 1); }
TEST(Mfma, F32_32x32x8F16) { checkMfma(mfma32x32x8f16, 32, 32, 8, 2); }
TEST(Mfma, F32_16x16x4F32) { checkMfma(mfma16x16x4f32, 16, 16, 4, 3); }
TEST(Mfma, F32_32x32x2F32) { checkMfma(mfma32x32x2f32, 32, 32, 2, 4); }
TEST(Mfma, I32_16x16x16I8) { checkMfma(mfma16x16x16i8, 16, 16, 16, 5); }
TEST(Mfma, F32_16x16x16Bf16_1k) { checkMfma(mfma16x16x16bf16, 16, 16, 16, 6); }

TEST(Mfma, ProductsAreNotRoundedToHalf) {
  // 16x16x16 f16 with A = B = 1 + 2^-10 everywhere: each product (1 + 2^-9 + 2^-20) is exact in
  // float; D = 16 * (1 + 2^-9 + 2^-20) = 16 + 2^-5 + 2^-16, exact in float.
  std::vector<float> A(256, 1.0f + std::ldexp(1.0f, -10)), B = A, C(256, 0.0f);
  float *dA = deviceCopy(A), *dB = deviceCopy(B), *dC = deviceCopy(C), *dD = nullptr;
  hipMalloc(&dD, 256 * sizeof(float));
  hipLaunchKernelGGL(mfma16x16x16f16, dim3(1), dim3(64), 0, 0, dA, dB, dC, dD);
  std::vector<float> D = hostCopy(dD, 256);
  for (float v : D) EXPECT_EQ(v, 16.0f + std::ldexp(1.0f, -5) + std::ldexp(1.0f, -16));
  hipFree(dA);
  hipFree(dB);
  hipFree(dC);
  hipFree(dD);
}

__global__ void mfmaWithBroadcast(float *D) {
  half4 a = {1, 1, 1, 1};
  floatx4 c = {0, 0, 0, 0};
  floatx4 d = __builtin_amdgcn_mfma_f32_16x16x16f16(a, a, c, 1, 0, 0);
  D[hipThreadIdx_x] = d[0];
}

TEST(Mfma, NonZeroModifiersAreRejected) {
  EXPECT_EXIT(
      {
        float *d = nullptr;
        hipMalloc(&d, 64 * sizeof(float));
        hipLaunchKernelGGL(mfmaWithBroadcast, dim3(1), dim3(64), 0, 0, d);
      },
      testing::ExitedWithCode(xpile::rt::kFaultExitCode), "xpile-fault: invalid-argument: __builtin_amdgcn_mfma_f32_16x16x16f16: only cbsz = abid = blgp = 0");
}
