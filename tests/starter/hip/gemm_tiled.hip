// Tiled single-precision GEMM (HIP): C = alpha * A * B + beta * C, row-major,
// A is M x K, B is K x N, C is M x N.
// Each TILE x TILE thread block computes one TILE x TILE tile of C, staging
// TILE x TILE tiles of A and B through shared memory. Loads outside the
// matrices are replaced by zeros, so M, N, K need not be multiples of TILE.
// The kernel is a template over the tile size and is instantiated from the
// host for TILE = 16 and TILE = 32 and launched with hipLaunchKernelGGL
// (HIP_KERNEL_NAME protects the template argument list inside the macro).
#include <hip/hip_runtime.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#define HIP_CHECK(expr)                                                      \
  do {                                                                        \
    hipError_t err_ = (expr);                                                \
    if (err_ != hipSuccess) {                                                \
      fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__, __LINE__, #expr,    \
              hipGetErrorString(err_));                                      \
      exit(EXIT_FAILURE);                                                     \
    }                                                                         \
  } while (0)

template <int TILE>
__global__ void __launch_bounds__(TILE * TILE)
    sgemm_tiled(int M, int N, int K, float alpha, const float* __restrict__ A,
                const float* __restrict__ B, float beta, float* __restrict__ C) {
  __shared__ float As[TILE][TILE];
  __shared__ float Bs[TILE][TILE + 1];  // +1 avoids bank conflicts on the transposed read

  const int tx = threadIdx.x;
  const int ty = threadIdx.y;
  const int row = blockIdx.y * TILE + ty;
  const int col = blockIdx.x * TILE + tx;

  float acc = 0.0f;
  const int numTiles = (K + TILE - 1) / TILE;
  for (int t = 0; t < numTiles; ++t) {
    const int aCol = t * TILE + tx;
    const int bRow = t * TILE + ty;
    As[ty][tx] = (row < M && aCol < K) ? A[row * K + aCol] : 0.0f;
    Bs[ty][tx] = (bRow < K && col < N) ? B[bRow * N + col] : 0.0f;
    __syncthreads();

#pragma unroll
    for (int k = 0; k < TILE; ++k) {
      acc = fmaf(As[ty][k], Bs[k][tx], acc);
    }
    __syncthreads();
  }

  if (row < M && col < N) {
    C[row * N + col] = alpha * acc + beta * C[row * N + col];
  }
}

// Host launcher for one tile size.
template <int TILE>
void launch_sgemm(int M, int N, int K, float alpha, const float* A, const float* B, float beta,
                  float* C, hipStream_t stream) {
  dim3 block(TILE, TILE);
  dim3 grid((N + TILE - 1) / TILE, (M + TILE - 1) / TILE);
  hipLaunchKernelGGL(HIP_KERNEL_NAME(sgemm_tiled<TILE>), grid, block, 0, stream, M, N, K, alpha,
                     A, B, beta, C);
  HIP_CHECK(hipGetLastError());
}

static void sgemm_reference(int M, int N, int K, float alpha, const std::vector<float>& A,
                            const std::vector<float>& B, float beta, std::vector<float>& C) {
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j) {
      double acc = 0.0;
      for (int k = 0; k < K; ++k) acc += static_cast<double>(A[i * K + k]) * B[k * N + j];
      C[i * N + j] = static_cast<float>(alpha * acc + beta * C[i * N + j]);
    }
}

int main() {
  const int M = 301, N = 257, K = 123;  // none is a multiple of 16 or 32
  const float alpha = 1.5f, beta = 0.5f;

  std::vector<float> hA(M * K), hB(K * N), hC(M * N), ref(M * N);
  for (int i = 0; i < M * K; ++i) hA[i] = static_cast<float>((i * 13) % 29) / 29.0f - 0.5f;
  for (int i = 0; i < K * N; ++i) hB[i] = static_cast<float>((i * 7) % 31) / 31.0f - 0.5f;
  for (int i = 0; i < M * N; ++i) hC[i] = static_cast<float>(i % 5);

  float *dA, *dB, *dC;
  HIP_CHECK(hipMalloc(&dA, hA.size() * sizeof(float)));
  HIP_CHECK(hipMalloc(&dB, hB.size() * sizeof(float)));
  HIP_CHECK(hipMalloc(&dC, hC.size() * sizeof(float)));
  HIP_CHECK(hipMemcpy(dA, hA.data(), hA.size() * sizeof(float), hipMemcpyHostToDevice));
  HIP_CHECK(hipMemcpy(dB, hB.data(), hB.size() * sizeof(float), hipMemcpyHostToDevice));

  int failures = 0;
  for (int tile : {16, 32}) {
    HIP_CHECK(hipMemcpy(dC, hC.data(), hC.size() * sizeof(float), hipMemcpyHostToDevice));
    if (tile == 16)
      launch_sgemm<16>(M, N, K, alpha, dA, dB, beta, dC, 0);
    else
      launch_sgemm<32>(M, N, K, alpha, dA, dB, beta, dC, 0);
    HIP_CHECK(hipDeviceSynchronize());

    std::vector<float> out(M * N);
    HIP_CHECK(hipMemcpy(out.data(), dC, out.size() * sizeof(float), hipMemcpyDeviceToHost));
    ref = hC;
    sgemm_reference(M, N, K, alpha, hA, hB, beta, ref);
    int bad = 0;
    for (int i = 0; i < M * N; ++i)
      if (std::fabs(out[i] - ref[i]) > 1e-3f * (1.0f + std::fabs(ref[i]))) ++bad;
    printf("sgemm_tiled<%d>: %s (%d mismatches)\n", tile, bad ? "FAILED" : "ok", bad);
    failures += bad;
  }

  HIP_CHECK(hipFree(dA));
  HIP_CHECK(hipFree(dB));
  HIP_CHECK(hipFree(dC));
  return failures ? EXIT_FAILURE : EXIT_SUCCESS;
}
