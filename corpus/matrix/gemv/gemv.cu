// gemv.cu -- y[M] = A[M][K] x x[K] (f32, row-major) on NVIDIA GPUs.
//
// One warp per row of A: the 32 lanes stride along the row (consecutive lanes, consecutive
// addresses: every load instruction of the warp is one coalesced 128-byte transaction), each lane
// keeps an FMA partial sum, and the partials are combined with __shfl_down_sync. x is staged once
// per block in shared memory. 8 warps per block, the grid strides over the rows, so any M and K
// work.
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

constexpr int kWarp = 32;
constexpr int kWarpsPerBlock = 8;
constexpr unsigned kFullMask = 0xffffffffu;

__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
  for (int offset = kWarp / 2; offset > 0; offset >>= 1)
    v += __shfl_down_sync(kFullMask, v, offset);
  return v;
}

__global__ void __launch_bounds__(kWarp * kWarpsPerBlock)
    sgemv_warp_per_row(const float* __restrict__ A, const float* __restrict__ x,
                       float* __restrict__ y, int M, int K) {
  extern __shared__ float xs[];  // the whole vector x (K floats)
  for (int k = threadIdx.x; k < K; k += blockDim.x) xs[k] = x[k];
  __syncthreads();

  const int lane = threadIdx.x % kWarp;
  const int warp = threadIdx.x / kWarp;
  for (int row = blockIdx.x * kWarpsPerBlock + warp; row < M; row += gridDim.x * kWarpsPerBlock) {
    const float* a = A + (size_t)row * K;
    float sum = 0.0f;
    for (int k = lane; k < K; k += kWarp) sum = fmaf(a[k], xs[k], sum);
    sum = warp_sum(sum);
    if (lane == 0) y[row] = sum;
  }
}

void gemv_f32(const float* A, const float* x, float* y, int M, int K) {
  float *dA, *dx, *dy;
  CUDA_CHECK(cudaMalloc(&dA, (size_t)M * K * sizeof(float)));
  CUDA_CHECK(cudaMalloc(&dx, (size_t)K * sizeof(float)));
  CUDA_CHECK(cudaMalloc(&dy, (size_t)M * sizeof(float)));
  CUDA_CHECK(cudaMemcpy(dA, A, (size_t)M * K * sizeof(float), cudaMemcpyHostToDevice));
  CUDA_CHECK(cudaMemcpy(dx, x, (size_t)K * sizeof(float), cudaMemcpyHostToDevice));
  const size_t smem = (size_t)K * sizeof(float);
  if (smem > 48 * 1024) {
    CUDA_CHECK(cudaFuncSetAttribute(sgemv_warp_per_row,
                                    cudaFuncAttributeMaxDynamicSharedMemorySize, (int)smem));
  }
  int blocks = (M + kWarpsPerBlock - 1) / kWarpsPerBlock;
  if (blocks > 1024) blocks = 1024;
  sgemv_warp_per_row<<<blocks, kWarp * kWarpsPerBlock, smem>>>(dA, dx, dy, M, K);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(cudaDeviceSynchronize());
  CUDA_CHECK(cudaMemcpy(y, dy, (size_t)M * sizeof(float), cudaMemcpyDeviceToHost));
  CUDA_CHECK(cudaFree(dA));
  CUDA_CHECK(cudaFree(dx));
  CUDA_CHECK(cudaFree(dy));
}
