// batched_gemm.cu -- batched SGEMM on NVIDIA GPUs: C[b] = A[b] x B[b], row-major, batches
// contiguous (attention scores Q K^T / context P V with batch = batch size x heads).
//
// gridDim.z runs over the batch; inside, the classic shared-memory SGEMM: a 256-thread block owns
// a 64x64 tile of C[b] and walks K in steps of 16, the A tile stored transposed (As[k][m]) and the
// B tile as is, both loaded with consecutive threads on consecutive addresses. Each thread keeps a
// 4x4 register tile (rows ty+16i, cols tx+16j: coalesced stores). Zero-filled loads and guarded
// stores: any M, N, K (the attention shapes 77 and 100 are not tile multiples).
#include <cuda_runtime.h>

#include <cstdio>
#include <cstdlib>

#define CUDA_CHECK(expr)                                                      \
  do {                                                                        \
    cudaError_t err_ = (expr);                                                \
    if (err_ != cudaSuccess) {                                                \
      fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__, __LINE__, #expr,    \
              cudaGetErrorString(err_));                                      \
      exit(EXIT_FAILURE);                                                     \
    }                                                                         \
  } while (0)

constexpr int BM = 64, BN = 64, BK = 16;
constexpr int TDIM = 16;  // 16 x 16 threads, 4 x 4 outputs each

__global__ void __launch_bounds__(TDIM * TDIM)
    sgemm_batched_kernel(const float* __restrict__ A, const float* __restrict__ B,
                         float* __restrict__ C, int M, int N, int K) {
  // this block's matrices: blockIdx.z is the batch index
  A += (size_t)blockIdx.z * M * K;
  B += (size_t)blockIdx.z * K * N;
  C += (size_t)blockIdx.z * M * N;
  __shared__ float As[BK][BM + 4];  // transposed A tile; +4 breaks store bank conflicts
  __shared__ float Bs[BK][BN];

  const int tx = threadIdx.x, ty = threadIdx.y;
  const int tid = ty * TDIM + tx;
  const int row0 = blockIdx.y * BM, col0 = blockIdx.x * BN;

  float acc[4][4] = {};
  for (int k0 = 0; k0 < K; k0 += BK) {
#pragma unroll
    for (int l = 0; l < 4; ++l) {
      const int idx = tid + l * TDIM * TDIM;
      // A tile: 64 rows x 16 k; 16 consecutive threads read one row segment
      const int ar = idx / BK, ak = idx % BK;
      const int gr = row0 + ar, gk = k0 + ak;
      As[ak][ar] = (gr < M && gk < K) ? A[(size_t)gr * K + gk] : 0.0f;
      // B tile: 16 k x 64 columns; 64 consecutive threads read one row segment
      const int bk = idx / BN, bc = idx % BN;
      const int gkb = k0 + bk, gc = col0 + bc;
      Bs[bk][bc] = (gkb < K && gc < N) ? B[(size_t)gkb * N + gc] : 0.0f;
    }
    __syncthreads();

#pragma unroll
    for (int kk = 0; kk < BK; ++kk) {
      float a[4], b[4];
#pragma unroll
      for (int i = 0; i < 4; ++i) a[i] = As[kk][ty + TDIM * i];
#pragma unroll
      for (int j = 0; j < 4; ++j) b[j] = Bs[kk][tx + TDIM * j];
#pragma unroll
      for (int i = 0; i < 4; ++i)
#pragma unroll
        for (int j = 0; j < 4; ++j) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
    }
    __syncthreads();
  }

#pragma unroll
  for (int i = 0; i < 4; ++i) {
    const int r = row0 + ty + TDIM * i;
    if (r >= M) continue;
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      const int c = col0 + tx + TDIM * j;
      if (c < N) C[(size_t)r * N + c] = acc[i][j];
    }
  }
}

void bgemm_f32(const float* A, const float* B, float* C, int batch, int M, int N, int K) {
  const size_t a = (size_t)batch * M * K, b = (size_t)batch * K * N, c = (size_t)batch * M * N;
  float *dA, *dB, *dC;
  CUDA_CHECK(cudaMalloc(&dA, a * sizeof(float)));
  CUDA_CHECK(cudaMalloc(&dB, b * sizeof(float)));
  CUDA_CHECK(cudaMalloc(&dC, c * sizeof(float)));
  CUDA_CHECK(cudaMemcpy(dA, A, a * sizeof(float), cudaMemcpyHostToDevice));
  CUDA_CHECK(cudaMemcpy(dB, B, b * sizeof(float), cudaMemcpyHostToDevice));
  dim3 block(TDIM, TDIM);
  dim3 grid((N + BN - 1) / BN, (M + BM - 1) / BM, batch);
  sgemm_batched_kernel<<<grid, block>>>(dA, dB, dC, M, N, K);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(cudaDeviceSynchronize());
  CUDA_CHECK(cudaMemcpy(C, dC, c * sizeof(float), cudaMemcpyDeviceToHost));
  CUDA_CHECK(cudaFree(dA));
  CUDA_CHECK(cudaFree(dB));
  CUDA_CHECK(cudaFree(dC));
}
