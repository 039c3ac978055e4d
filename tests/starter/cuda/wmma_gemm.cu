// Half-precision GEMM on tensor cores with the nvcuda::wmma API:
//   D = alpha * A * B + beta * C
// A (M x K) and B (K x N) are __half, row-major; C and D are float, row-major.
// Every warp owns one 16x16 tile of D and walks K in steps of 16, issuing one
// 16x16x16 mma_sync per step. A block of 4 warps covers a 32x32 tile of D.
// M, N and K must be multiples of 16 (checked by the host).
#include <cuda_runtime.h>
#include <cuda_fp16.h>
#include <mma.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

using namespace nvcuda;

#define CUDA_CHECK(expr)                                                      \
  do {                                                                        \
    cudaError_t err_ = (expr);                                                \
    if (err_ != cudaSuccess) {                                                \
      fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__, __LINE__, #expr,    \
              cudaGetErrorString(err_));                                      \
      exit(EXIT_FAILURE);                                                     \
    }                                                                         \
  } while (0)

constexpr int WMMA_M = 16;
constexpr int WMMA_N = 16;
constexpr int WMMA_K = 16;
constexpr int WARPS_X = 2;  // warps per block along N
constexpr int WARPS_Y = 2;  // warps per block along M

__global__ void __launch_bounds__(32 * WARPS_X * WARPS_Y)
    wmma_gemm(const __half* __restrict__ A, const __half* __restrict__ B,
              const float* __restrict__ C, float* __restrict__ D, int M, int N, int K,
              float alpha, float beta) {
  const int warpId = threadIdx.x / warpSize;
  const int warpRow = (blockIdx.y * WARPS_Y + warpId / WARPS_X) * WMMA_M;
  const int warpCol = (blockIdx.x * WARPS_X + warpId % WARPS_X) * WMMA_N;
  if (warpRow >= M || warpCol >= N) return;  // whole warp leaves together

  wmma::fragment<wmma::matrix_a, WMMA_M, WMMA_N, WMMA_K, __half, wmma::row_major> aFrag;
  wmma::fragment<wmma::matrix_b, WMMA_M, WMMA_N, WMMA_K, __half, wmma::row_major> bFrag;
  wmma::fragment<wmma::accumulator, WMMA_M, WMMA_N, WMMA_K, float> accFrag;
  wmma::fragment<wmma::accumulator, WMMA_M, WMMA_N, WMMA_K, float> cFrag;
  wmma::fill_fragment(accFrag, 0.0f);

  for (int k = 0; k < K; k += WMMA_K) {
    wmma::load_matrix_sync(aFrag, A + warpRow * K + k, K);
    wmma::load_matrix_sync(bFrag, B + k * N + warpCol, N);
    wmma::mma_sync(accFrag, aFrag, bFrag, accFrag);
  }

  // Epilogue: element-wise on the fragments (same element mapping for both).
  wmma::load_matrix_sync(cFrag, C + warpRow * N + warpCol, N, wmma::mem_row_major);
#pragma unroll
  for (int i = 0; i < cFrag.num_elements; ++i) {
    cFrag.x[i] = alpha * accFrag.x[i] + beta * cFrag.x[i];
  }
  wmma::store_matrix_sync(D + warpRow * N + warpCol, cFrag, N, wmma::mem_row_major);
}

int main(int argc, char** argv) {
  const int M = argc > 3 ? atoi(argv[1]) : 256;
  const int N = argc > 3 ? atoi(argv[2]) : 192;
  const int K = argc > 3 ? atoi(argv[3]) : 128;
  const float alpha = 1.0f, beta = 0.5f;
  if (M % WMMA_M || N % WMMA_N || K % WMMA_K) {
    fprintf(stderr, "sizes must be multiples of 16\n");
    return EXIT_FAILURE;
  }

  std::vector<__half> hA(M * K), hB(K * N);
  std::vector<float> fA(M * K), fB(K * N), hC(M * N), hD(M * N);
  for (int i = 0; i < M * K; ++i) {
    fA[i] = static_cast<float>((i * 5) % 11) / 11.0f - 0.5f;
    hA[i] = __float2half(fA[i]);
    fA[i] = __half2float(hA[i]);  // reference uses the rounded inputs
  }
  for (int i = 0; i < K * N; ++i) {
    fB[i] = static_cast<float>((i * 3) % 13) / 13.0f - 0.5f;
    hB[i] = __float2half(fB[i]);
    fB[i] = __half2float(hB[i]);
  }
  for (int i = 0; i < M * N; ++i) hC[i] = static_cast<float>(i % 3);

  __half *dA, *dB;
  float *dC, *dD;
  CUDA_CHECK(cudaMalloc(&dA, hA.size() * sizeof(__half)));
  CUDA_CHECK(cudaMalloc(&dB, hB.size() * sizeof(__half)));
  CUDA_CHECK(cudaMalloc(&dC, hC.size() * sizeof(float)));
  CUDA_CHECK(cudaMalloc(&dD, hD.size() * sizeof(float)));
  CUDA_CHECK(cudaMemcpy(dA, hA.data(), hA.size() * sizeof(__half), cudaMemcpyHostToDevice));
  CUDA_CHECK(cudaMemcpy(dB, hB.data(), hB.size() * sizeof(__half), cudaMemcpyHostToDevice));
  CUDA_CHECK(cudaMemcpy(dC, hC.data(), hC.size() * sizeof(float), cudaMemcpyHostToDevice));

  dim3 block(32 * WARPS_X * WARPS_Y);
  dim3 grid((N + WMMA_N * WARPS_X - 1) / (WMMA_N * WARPS_X),
            (M + WMMA_M * WARPS_Y - 1) / (WMMA_M * WARPS_Y));
  wmma_gemm<<<grid, block>>>(dA, dB, dC, dD, M, N, K, alpha, beta);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(cudaDeviceSynchronize());
  CUDA_CHECK(cudaMemcpy(hD.data(), dD, hD.size() * sizeof(float), cudaMemcpyDeviceToHost));

  int bad = 0;
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j) {
      float acc = 0.0f;
      for (int k = 0; k < K; ++k) acc += fA[i * K + k] * fB[k * N + j];
      float ref = alpha * acc + beta * hC[i * N + j];
      if (std::fabs(hD[i * N + j] - ref) > 1e-2f * (1.0f + std::fabs(ref))) ++bad;
    }
  printf("wmma_gemm %dx%dx%d: %s (%d mismatches)\n", M, N, K, bad ? "FAILED" : "ok", bad);

  CUDA_CHECK(cudaFree(dA));
  CUDA_CHECK(cudaFree(dB));
  CUDA_CHECK(cudaFree(dC));
  CUDA_CHECK(cudaFree(dD));
  return bad ? EXIT_FAILURE : EXIT_SUCCESS;
}
