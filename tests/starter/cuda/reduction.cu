// Sum reduction of a float array.
//   block_sum_static  : each block loads a grid-stride partial sum per thread
//                       into a statically sized __shared__ array, reduces it
//                       as a tree down to one warp, finishes with warp
//                       shuffles (__shfl_down_sync) and writes one partial
//                       sum per block; a second launch reduces the partials.
//   block_sum_dynamic : same algorithm with an `extern __shared__` buffer
//                       sized at launch time, accumulating the block result
//                       straight into the output with atomicAdd.
#include <cuda_runtime.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#define CUDA_CHECK(expr)                                                      \
  do {                                                                        \
    cudaError_t err_ = (expr);                                                \
    if (err_ != cudaSuccess) {                                                \
      fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__, __LINE__, #expr,    \
              cudaGetErrorString(err_));                                      \
      exit(EXIT_FAILURE);                                                     \
    }                                                                         \
  } while (0)

constexpr int kBlock = 256;
constexpr unsigned kFullMask = 0xffffffffu;

// Sum of `val` over the 32 lanes of a warp; lane 0 holds the result.
__device__ __forceinline__ float warp_reduce_sum(float val) {
#pragma unroll
  for (int offset = 16; offset > 0; offset >>= 1) {
    val += __shfl_down_sync(kFullMask, val, offset);
  }
  return val;
}

// Reduces blockDim.x values held in `sdata` (blockDim.x a power of two,
// >= 64); returns the block total in thread 0.
__device__ float block_reduce_shared(volatile float* sdata) {
  unsigned tid = threadIdx.x;
  for (unsigned s = blockDim.x / 2; s >= 32; s >>= 1) {
    if (tid < s) sdata[tid] += sdata[tid + s];
    __syncthreads();
  }
  float v = 0.0f;
  if (tid < 32) v = warp_reduce_sum(sdata[tid]);
  return v;
}

__global__ void block_sum_static(const float* __restrict__ in, float* __restrict__ partial,
                                 int n) {
  __shared__ float sdata[kBlock];
  float sum = 0.0f;
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) {
    sum += in[i];
  }
  sdata[threadIdx.x] = sum;
  __syncthreads();
  float total = block_reduce_shared(sdata);
  if (threadIdx.x == 0) partial[blockIdx.x] = total;
}

__global__ void block_sum_dynamic(const float* __restrict__ in, float* __restrict__ out, int n) {
  extern __shared__ float smem[];
  float sum = 0.0f;
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) {
    sum += in[i];
  }
  smem[threadIdx.x] = sum;
  __syncthreads();
  float total = block_reduce_shared(smem);
  if (threadIdx.x == 0) atomicAdd(out, total);
}

int main() {
  const int n = 10000019;  // prime: no block divides it evenly
  std::vector<float> h_in(n);
  double ref = 0.0;
  for (int i = 0; i < n; ++i) {
    h_in[i] = static_cast<float>((i % 17) - 8) * 0.125f;
    ref += h_in[i];
  }

  const int blocks = 512;
  float *d_in, *d_partial, *d_out;
  CUDA_CHECK(cudaMalloc(&d_in, n * sizeof(float)));
  CUDA_CHECK(cudaMalloc(&d_partial, blocks * sizeof(float)));
  CUDA_CHECK(cudaMalloc(&d_out, 2 * sizeof(float)));
  CUDA_CHECK(cudaMemcpy(d_in, h_in.data(), n * sizeof(float), cudaMemcpyHostToDevice));
  CUDA_CHECK(cudaMemset(d_out, 0, 2 * sizeof(float)));

  // Two-pass reduction with static shared memory.
  block_sum_static<<<blocks, kBlock>>>(d_in, d_partial, n);
  CUDA_CHECK(cudaGetLastError());
  block_sum_static<<<1, kBlock>>>(d_partial, d_out, blocks);
  CUDA_CHECK(cudaGetLastError());

  // One-pass reduction with dynamic shared memory and atomics.
  size_t smem_bytes = kBlock * sizeof(float);
  block_sum_dynamic<<<blocks, kBlock, smem_bytes>>>(d_in, d_out + 1, n);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(cudaDeviceSynchronize());

  float h_out[2];
  CUDA_CHECK(cudaMemcpy(h_out, d_out, sizeof(h_out), cudaMemcpyDeviceToHost));
  bool ok = std::fabs(h_out[0] - ref) < 1e-2 * (1.0 + std::fabs(ref)) &&
            std::fabs(h_out[1] - ref) < 1e-2 * (1.0 + std::fabs(ref));
  printf("reference %.3f, two-pass %.3f, atomic %.3f: %s\n", ref, h_out[0], h_out[1],
         ok ? "ok" : "FAILED");

  CUDA_CHECK(cudaFree(d_in));
  CUDA_CHECK(cudaFree(d_partial));
  CUDA_CHECK(cudaFree(d_out));
  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
