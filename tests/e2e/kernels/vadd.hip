#include <hip/hip_runtime.h>

// c[i] = a[i] + b[i] for i < n.
__global__ void vadd(const float *a, const float *b, float *c, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) c[i] = a[i] + b[i];
}

// One sum per block of 64 threads: a single wavefront reduced with __shfl_down (no mask).
__global__ void wave_sum(const float *in, float *out) {
  float v = in[blockIdx.x * blockDim.x + threadIdx.x];
  for (int offset = warpSize / 2; offset > 0; offset >>= 1) v += __shfl_down(v, offset);
  if (threadIdx.x == 0) out[blockIdx.x] = v;
}
