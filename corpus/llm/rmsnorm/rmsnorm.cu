// rmsnorm.cu -- RMSNorm over the last dimension (CUDA, f32), as in LLaMA/T5:
//   y = x / sqrt(mean(x^2) + eps) * gamma, per row of `cols`.
//
// One block per row. The row is staged once into dynamic shared memory
// (float4 loads when cols % 4 == 0; rows too long for shared memory are read
// from global memory/L2 instead), then two block reductions run over it:
//   1. max |x|, which picks an exact power-of-two prescale (1 for ordinary
//      data; 2^-16k when |x| > 2^32) so the float sums below cannot overflow
//      even for inputs near FLT_MAX;
//   2. the sum of squares -> mean square.
// Each block reduction is a __shfl_xor_sync butterfly inside every warp, one
// partial per warp in shared memory, and a final warp-level butterfly.
// The block size follows the row length (cols / 4 threads, a multiple of
// 32, at most 256), so short rows use a single warp.
#include <cuda_runtime.h>

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
constexpr int kMaxThreads = 256;
constexpr int kMaxSharedBytes = 48 * 1024;
constexpr float kBig = 4294967296.0f;         // 2^32
constexpr float kScaleStep = 1.52587890625e-05f;  // 2^-16

__device__ __forceinline__ float warpSum(float v) {
#pragma unroll
  for (int o = kWarp / 2; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

__device__ __forceinline__ float warpMax(float v) {
#pragma unroll
  for (int o = kWarp / 2; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
  return v;
}

// Block-wide sum (kIsMax: max) of v; every thread gets the result.
template <bool kIsMax>
__device__ float blockReduce(float v, float* s_warp) {
  const int lane = threadIdx.x % kWarp;
  const int warp = threadIdx.x / kWarp;
  const int nwarps = blockDim.x / kWarp;
  v = kIsMax ? warpMax(v) : warpSum(v);
  if (lane == 0) s_warp[warp] = v;
  __syncthreads();
  if (warp == 0) {
    v = lane < nwarps ? s_warp[lane] : 0.0f;  // 0 is neutral for both (|x| >= 0)
    v = kIsMax ? warpMax(v) : warpSum(v);
    if (lane == 0) s_warp[kWarp] = v;
  }
  __syncthreads();
  const float result = s_warp[kWarp];
  __syncthreads();  // s_warp may be reused by the next reduction
  return result;
}

__global__ void __launch_bounds__(kMaxThreads)
rmsnorm_f32_kernel(const float* __restrict__ x, const float* __restrict__ gamma,
                     float* __restrict__ y, int cols,
                     float eps, bool stage) {
  extern __shared__ float s_row[];
  __shared__ float s_warp[kWarp + 1];
  const float* xr = x + static_cast<size_t>(blockIdx.x) * cols;
  float* yr = y + static_cast<size_t>(blockIdx.x) * cols;

  const float* src = xr;
  if (stage) {
    if (cols % 4 == 0) {
      const float4* x4 = reinterpret_cast<const float4*>(xr);
      float4* r4 = reinterpret_cast<float4*>(s_row);
      for (int i = threadIdx.x; i < cols / 4; i += blockDim.x) r4[i] = x4[i];
    } else {
      for (int c = threadIdx.x; c < cols; c += blockDim.x) s_row[c] = xr[c];
    }
    __syncthreads();
    src = s_row;
  }

  // 1. exact power-of-two prescale from max |x| (inputs are |x| >= 0)
  float amax = 0.0f;
  for (int c = threadIdx.x; c < cols; c += blockDim.x) amax = fmaxf(amax, fabsf(src[c]));
  amax = blockReduce<true>(amax, s_warp);
  float scale = 1.0f;
  while (amax * scale > kBig) scale *= kScaleStep;

  // 2. mean square of the scaled row
  float q = 0.0f;
  for (int c = threadIdx.x; c < cols; c += blockDim.x) {
    const float v = src[c] * scale;
    q += v * v;
  }
  const float ms = blockReduce<false>(q, s_warp) / cols;
  const float rstd = rsqrtf(ms + eps * scale * scale);

  for (int c = threadIdx.x; c < cols; c += blockDim.x) {
    yr[c] = src[c] * scale * rstd * gamma[c];
  }
}

void rmsnorm_f32(const float* x, const float* gamma, float* y, int rows, int cols,
                 float eps) {
  if (rows <= 0 || cols <= 0) return;
  const size_t bytes = static_cast<size_t>(rows) * cols * sizeof(float);
  const size_t pbytes = static_cast<size_t>(cols) * sizeof(float);
  float *d_x = nullptr, *d_g = nullptr, *d_y = nullptr;
  CUDA_CHECK(cudaMalloc(&d_x, bytes));
  CUDA_CHECK(cudaMalloc(&d_g, pbytes));
  CUDA_CHECK(cudaMalloc(&d_y, bytes));
  CUDA_CHECK(cudaMemcpy(d_x, x, bytes, cudaMemcpyHostToDevice));
  CUDA_CHECK(cudaMemcpy(d_g, gamma, pbytes, cudaMemcpyHostToDevice));
  int threads = ((cols / 4 + kWarp - 1) / kWarp) * kWarp;
  if (threads < kWarp) threads = kWarp;
  if (threads > kMaxThreads) threads = kMaxThreads;
  const bool stage = pbytes <= static_cast<size_t>(kMaxSharedBytes);
  rmsnorm_f32_kernel<<<rows, threads, stage ? pbytes : 0>>>(d_x, d_g, d_y, cols, eps,
                                                              stage);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(cudaDeviceSynchronize());
  CUDA_CHECK(cudaMemcpy(y, d_y, bytes, cudaMemcpyDeviceToHost));
  CUDA_CHECK(cudaFree(d_x));
  CUDA_CHECK(cudaFree(d_g));
  CUDA_CHECK(cudaFree(d_y));
}
