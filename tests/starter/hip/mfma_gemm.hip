// GEMM on AMD CDNA matrix cores (MI200, gfx90a) with the MFMA builtins:
//   D = A * B, A (M x K), B (K x N), D (M x N), all row-major, float result.
// One 64-lane wavefront computes one 16x16 tile of D.
//   mfma_gemm_f16 : fp16 inputs, __builtin_amdgcn_mfma_f32_16x16x16f16
//                   (each lane feeds 4 halves of A and B per K step of 16)
//   mfma_gemm_f32 : fp32 inputs, __builtin_amdgcn_mfma_f32_16x16x4f32
//                   (each lane feeds 1 float of A and B per K step of 4)
// Operand layout of both instructions (lane l, i = 0..3):
//   A: row l % 16, k = (l / 16) * KPL + i     B: k = (l / 16) * KPL + i, col l % 16
//   D: row (l / 16) * 4 + i, col l % 16       (KPL = k values per lane)
// M, N must be multiples of 16 and K a multiple of 16 (checked by the host).
#include <hip/hip_runtime.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#define HIP_CHECK(expr)                                                       \
  do {                                                                        \
    hipError_t err_ = (expr);                                                 \
    if (err_ != hipSuccess) {                                                 \
      fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__, __LINE__, #expr,    \
              hipGetErrorString(err_));                                       \
      exit(EXIT_FAILURE);                                                     \
    }                                                                         \
  } while (0)

typedef _Float16 f16;
typedef f16 half4_t __attribute__((ext_vector_type(4)));
typedef float float4_t __attribute__((ext_vector_type(4)));

constexpr int kWave = 64;  // CDNA wavefront
constexpr int kTile = 16;

__global__ void __launch_bounds__(kWave)
    mfma_gemm_f16(const f16* __restrict__ A, const f16* __restrict__ B, float* __restrict__ D,
                  int M, int N, int K) {
  const int lane = threadIdx.x;
  const int tileRow = blockIdx.y * kTile;
  const int tileCol = blockIdx.x * kTile;
  const int r = lane % 16;   // row of A / column of B this lane feeds
  const int kq = lane / 16;  // which group of 4 k values

  float4_t acc = {0.0f, 0.0f, 0.0f, 0.0f};
  for (int k0 = 0; k0 < K; k0 += 16) {
    half4_t a, b;
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      const int k = k0 + kq * 4 + i;
      a[i] = A[(tileRow + r) * K + k];
      b[i] = B[k * N + tileCol + r];
    }
    acc = __builtin_amdgcn_mfma_f32_16x16x16f16(a, b, acc, 0, 0, 0);
  }
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    D[(tileRow + kq * 4 + i) * N + tileCol + r] = acc[i];
  }
  (void)M;
}

__global__ void __launch_bounds__(kWave)
    mfma_gemm_f32(const float* __restrict__ A, const float* __restrict__ B,
                  float* __restrict__ D, int M, int N, int K) {
  const int lane = threadIdx.x;
  const int tileRow = blockIdx.y * kTile;
  const int tileCol = blockIdx.x * kTile;
  const int r = lane % 16;
  const int kq = lane / 16;

  float4_t acc = {0.0f, 0.0f, 0.0f, 0.0f};
  for (int k0 = 0; k0 < K; k0 += 4) {
    const float a = A[(tileRow + r) * K + k0 + kq];
    const float b = B[(k0 + kq) * N + tileCol + r];
    acc = __builtin_amdgcn_mfma_f32_16x16x4f32(a, b, acc, 0, 0, 0);
  }
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    D[(tileRow + kq * 4 + i) * N + tileCol + r] = acc[i];
  }
  (void)M;
}

int main(int argc, char** argv) {
  const int M = argc > 3 ? atoi(argv[1]) : 128;
  const int N = argc > 3 ? atoi(argv[2]) : 96;
  const int K = argc > 3 ? atoi(argv[3]) : 64;
  if (M % kTile || N % kTile || K % 16) {
    fprintf(stderr, "M, N, K must be multiples of 16\n");
    return EXIT_FAILURE;
  }

  std::vector<float> fA(M * K), fB(K * N), ref(M * N), out(M * N);
  std::vector<f16> hA(M * K), hB(K * N);
  for (int i = 0; i < M * K; ++i) {
    hA[i] = static_cast<f16>(static_cast<float>((i * 5) % 11) / 11.0f - 0.5f);
    fA[i] = static_cast<float>(hA[i]);
  }
  for (int i = 0; i < K * N; ++i) {
    hB[i] = static_cast<f16>(static_cast<float>((i * 3) % 13) / 13.0f - 0.5f);
    fB[i] = static_cast<float>(hB[i]);
  }
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j) {
      float acc = 0.0f;
      for (int k = 0; k < K; ++k) acc += fA[i * K + k] * fB[k * N + j];
      ref[i * N + j] = acc;
    }

  f16 *dA16, *dB16;
  float *dA32, *dB32, *dD;
  HIP_CHECK(hipMalloc(&dA16, hA.size() * sizeof(f16)));
  HIP_CHECK(hipMalloc(&dB16, hB.size() * sizeof(f16)));
  HIP_CHECK(hipMalloc(&dA32, fA.size() * sizeof(float)));
  HIP_CHECK(hipMalloc(&dB32, fB.size() * sizeof(float)));
  HIP_CHECK(hipMalloc(&dD, out.size() * sizeof(float)));
  HIP_CHECK(hipMemcpy(dA16, hA.data(), hA.size() * sizeof(f16), hipMemcpyHostToDevice));
  HIP_CHECK(hipMemcpy(dB16, hB.data(), hB.size() * sizeof(f16), hipMemcpyHostToDevice));
  HIP_CHECK(hipMemcpy(dA32, fA.data(), fA.size() * sizeof(float), hipMemcpyHostToDevice));
  HIP_CHECK(hipMemcpy(dB32, fB.data(), fB.size() * sizeof(float), hipMemcpyHostToDevice));

  dim3 grid(N / kTile, M / kTile);
  dim3 block(kWave);
  int failures = 0;
  for (int variant = 0; variant < 2; ++variant) {
    HIP_CHECK(hipMemset(dD, 0, out.size() * sizeof(float)));
    if (variant == 0)
      hipLaunchKernelGGL(mfma_gemm_f16, grid, block, 0, 0, dA16, dB16, dD, M, N, K);
    else
      hipLaunchKernelGGL(mfma_gemm_f32, grid, block, 0, 0, dA32, dB32, dD, M, N, K);
    HIP_CHECK(hipGetLastError());
    HIP_CHECK(hipDeviceSynchronize());
    HIP_CHECK(hipMemcpy(out.data(), dD, out.size() * sizeof(float), hipMemcpyDeviceToHost));
    int bad = 0;
    for (int i = 0; i < M * N; ++i)
      if (std::fabs(out[i] - ref[i]) > 1e-2f * (1.0f + std::fabs(ref[i]))) ++bad;
    printf("%s: %s (%d mismatches)\n", variant == 0 ? "mfma_gemm_f16" : "mfma_gemm_f32",
           bad ? "FAILED" : "ok", bad);
    failures += bad;
  }

  HIP_CHECK(hipFree(dA16));
  HIP_CHECK(hipFree(dB16));
  HIP_CHECK(hipFree(dA32));
  HIP_CHECK(hipFree(dB32));
  HIP_CHECK(hipFree(dD));
  return failures ? EXIT_FAILURE : EXIT_SUCCESS;
}
