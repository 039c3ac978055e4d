// softmax.cu -- row softmax, y = exp(x - max) / sum exp(x - max) (CUDA, f32).
//
// Two kernels, chosen by the row length:
//  * cols <= 1024: one warp per row, the row held in registers ("persistent"
//    softmax as in PyTorch/Apex): each lane loads kPerLane strided elements
//    (coalesced across the warp), the max and the sum are butterfly
//    reductions with __shfl_xor_sync (every lane ends with the result), and
//    the row is written back from registers. kPerLane is a template
//    parameter (1..32, the next power of two of cols / 32), so the register
//    array is fully unrolled. Four rows (warps) per 128-thread block.
//  * cols > 1024 (e.g. a vocabulary): one 1024-thread block per row, online
//    softmax: each thread keeps a running (max, sum) pair, rescaling the sum
//    when the max grows, so the row is read once for the statistics and once
//    for the output. Pairs are merged with warp shuffles, then across warps
//    through shared memory.
// expf (not __expf) keeps the result within float rounding of the reference.
#include <cuda_runtime.h>

#include <cfloat>
#include <cmath>
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
constexpr int kRowsPerBlock = 4;      // warp kernel: 4 warps, one row each
constexpr int kBlockThreads = 1024;   // block kernel: one row per block

__device__ __forceinline__ float warpMax(float v) {
#pragma unroll
  for (int o = kWarp / 2; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
  return v;
}

__device__ __forceinline__ float warpSum(float v) {
#pragma unroll
  for (int o = kWarp / 2; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

template <int kPerLane>
__global__ void softmax_warp_kernel(const float* __restrict__ x, float* __restrict__ y,
                                    int rows, int cols) {
  const int lane = threadIdx.x % kWarp;
  const int row = blockIdx.x * kRowsPerBlock + threadIdx.x / kWarp;
  if (row >= rows) return;  // whole warp leaves together
  const float* xr = x + static_cast<size_t>(row) * cols;
  float* yr = y + static_cast<size_t>(row) * cols;

  float v[kPerLane];
  float m = -INFINITY;
#pragma unroll
  for (int k = 0; k < kPerLane; ++k) {
    const int c = k * kWarp + lane;
    v[k] = c < cols ? xr[c] : -INFINITY;
    m = fmaxf(m, v[k]);
  }
  m = warpMax(m);
  float s = 0.0f;
#pragma unroll
  for (int k = 0; k < kPerLane; ++k) {
    v[k] = expf(v[k] - m);  // padding: exp(-inf) = 0
    s += v[k];
  }
  s = warpSum(s);
  const float inv = 1.0f / s;
#pragma unroll
  for (int k = 0; k < kPerLane; ++k) {
    const int c = k * kWarp + lane;
    if (c < cols) yr[c] = v[k] * inv;
  }
}

// Merge (m2, s2) into (m, s): both sums rescaled to the larger max.
__device__ __forceinline__ void mergeMaxSum(float& m, float& s, float m2, float s2) {
  const float mn = fmaxf(m, m2);
  if (mn == -INFINITY) return;  // both empty
  s = s * expf(m - mn) + s2 * expf(m2 - mn);
  m = mn;
}

__global__ void __launch_bounds__(kBlockThreads)
softmax_block_kernel(const float* __restrict__ x, float* __restrict__ y, int rows, int cols) {
  __shared__ float s_max[kBlockThreads / kWarp];
  __shared__ float s_sum[kBlockThreads / kWarp];
  const int row = blockIdx.x;
  const float* xr = x + static_cast<size_t>(row) * cols;
  float* yr = y + static_cast<size_t>(row) * cols;
  const int lane = threadIdx.x % kWarp;
  const int warp = threadIdx.x / kWarp;
  const int nwarps = blockDim.x / kWarp;

  // online softmax statistics of this thread's strided elements
  float m = -INFINITY, s = 0.0f;
  for (int c = threadIdx.x; c < cols; c += blockDim.x) {
    const float v = xr[c];
    if (v > m) {
      s = s * expf(m - v) + 1.0f;
      m = v;
    } else {
      s += expf(v - m);
    }
  }
  // warp merge, then the warps' pairs through shared memory
#pragma unroll
  for (int o = kWarp / 2; o > 0; o >>= 1) {
    const float m2 = __shfl_xor_sync(0xffffffffu, m, o);
    const float s2 = __shfl_xor_sync(0xffffffffu, s, o);
    mergeMaxSum(m, s, m2, s2);
  }
  if (lane == 0) {
    s_max[warp] = m;
    s_sum[warp] = s;
  }
  __syncthreads();
  if (warp == 0) {
    m = lane < nwarps ? s_max[lane] : -INFINITY;
    s = lane < nwarps ? s_sum[lane] : 0.0f;
#pragma unroll
    for (int o = kWarp / 2; o > 0; o >>= 1) {
      const float m2 = __shfl_xor_sync(0xffffffffu, m, o);
      const float s2 = __shfl_xor_sync(0xffffffffu, s, o);
      mergeMaxSum(m, s, m2, s2);
    }
    if (lane == 0) {
      s_max[0] = m;
      s_sum[0] = s;
    }
  }
  __syncthreads();
  const float row_max = s_max[0];
  const float inv = 1.0f / s_sum[0];
  for (int c = threadIdx.x; c < cols; c += blockDim.x) yr[c] = expf(xr[c] - row_max) * inv;
}

template <int kPerLane>
static void launchWarp(const float* x, float* y, int rows, int cols) {
  const int blocks = (rows + kRowsPerBlock - 1) / kRowsPerBlock;
  softmax_warp_kernel<kPerLane><<<blocks, kRowsPerBlock * kWarp>>>(x, y, rows, cols);
}

void softmax_f32(const float* x, float* y, int rows, int cols) {
  if (rows <= 0 || cols <= 0) return;
  const size_t bytes = static_cast<size_t>(rows) * cols * sizeof(float);
  float *d_x = nullptr, *d_y = nullptr;
  CUDA_CHECK(cudaMalloc(&d_x, bytes));
  CUDA_CHECK(cudaMalloc(&d_y, bytes));
  CUDA_CHECK(cudaMemcpy(d_x, x, bytes, cudaMemcpyHostToDevice));
  if (cols <= 32 * kWarp) {
    const int per_lane = (cols + kWarp - 1) / kWarp;
    if (per_lane <= 1) launchWarp<1>(d_x, d_y, rows, cols);
    else if (per_lane <= 2) launchWarp<2>(d_x, d_y, rows, cols);
    else if (per_lane <= 4) launchWarp<4>(d_x, d_y, rows, cols);
    else if (per_lane <= 8) launchWarp<8>(d_x, d_y, rows, cols);
    else if (per_lane <= 16) launchWarp<16>(d_x, d_y, rows, cols);
    else launchWarp<32>(d_x, d_y, rows, cols);
  } else {
    softmax_block_kernel<<<rows, kBlockThreads>>>(d_x, d_y, rows, cols);
  }
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(cudaDeviceSynchronize());
  CUDA_CHECK(cudaMemcpy(y, d_y, bytes, cudaMemcpyDeviceToHost));
  CUDA_CHECK(cudaFree(d_x));
  CUDA_CHECK(cudaFree(d_y));
}
