// Sum of an array: one partial sum per block, reduced within each warp by shuffles.
#include "cuda_check.cuh"
#include "warp_reduce.cuh"

__global__ void blockSum(const float *in, float *out, int n) {
  __shared__ float partial[32];
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  float v = i < n ? in[i] : 0.0f;
  v = warpReduceSum(v);
  int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  if (lane == 0) partial[warp] = v;
  __syncthreads();
  if (warp == 0) {
    v = lane < (blockDim.x + 31) / 32 ? partial[lane] : 0.0f;
    v = warpReduceSum(v);
    if (lane == 0) out[blockIdx.x] = v;
  }
}

float sumOnDevice(const float *dIn, int n) {
  int blocks = blocksFor(n);
  float *dPartial = nullptr;
  CUDA_CHECK(cudaMalloc(&dPartial, blocks * sizeof(float)));
  blockSum<<<blocks, BLOCK_SIZE>>>(dIn, dPartial, n);
  float *partial = new float[blocks];
  CUDA_CHECK(cudaMemcpy(partial, dPartial, blocks * sizeof(float), cudaMemcpyDeviceToHost));
  float total = 0;
  for (int b = 0; b < blocks; ++b) total += partial[b];
  delete[] partial;
  CUDA_CHECK(cudaFree(dPartial));
  return total;
}
