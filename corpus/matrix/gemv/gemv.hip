// gemv.hip -- y[M] = A[M][K] x x[K] (f32, row-major) on AMD Instinct (CDNA2, wavefront 64).
//
// One wavefront per row of A: the 64 lanes stride along the row (coalesced 256-byte loads), each
// lane keeps an FMA partial sum, and the partials are combined with __shfl_down over warpSize
// lanes. x is staged once per workgroup in LDS. 4 wavefronts per workgroup, the grid strides over
// the rows, so any M and K work.
#include <hip/hip_runtime.h>

#include <cstdio>
#include <cstdlib>

#define HIP_CHECK(expr)                                                       \
  do {                                                                        \
    hipError_t err_ = (expr);                                                 \
    if (err_ != hipSuccess) {                                                 \
      fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__, __LINE__, #expr,    \
              hipGetErrorString(err_));                                       \
      exit(EXIT_FAILURE);                                                     \
    }                                                                         \
  } while (0)

constexpr int kWave = 64;  // CDNA wavefront
constexpr int kWavesPerBlock = 4;

__device__ __forceinline__ float wave_sum(float v) {
  for (int offset = warpSize / 2; offset > 0; offset >>= 1) v += __shfl_down(v, offset);
  return v;
}

__global__ void __launch_bounds__(kWave * kWavesPerBlock)
    sgemv_wave_per_row(const float* __restrict__ A, const float* __restrict__ x,
                       float* __restrict__ y, int M, int K) {
  extern __shared__ float xs[];  // the whole vector x (K floats)
  for (int k = threadIdx.x; k < K; k += blockDim.x) xs[k] = x[k];
  __syncthreads();

  const int lane = threadIdx.x % warpSize;
  const int wave = threadIdx.x / warpSize;
  const int waves = blockDim.x / warpSize;
  for (int row = blockIdx.x * waves + wave; row < M; row += gridDim.x * waves) {
    const float* a = A + (size_t)row * K;
    float sum = 0.0f;
    for (int k = lane; k < K; k += warpSize) sum = fmaf(a[k], xs[k], sum);
    sum = wave_sum(sum);
    if (lane == 0) y[row] = sum;
  }
}

void gemv_f32(const float* A, const float* x, float* y, int M, int K) {
  float *dA, *dx, *dy;
  HIP_CHECK(hipMalloc(&dA, (size_t)M * K * sizeof(float)));
  HIP_CHECK(hipMalloc(&dx, (size_t)K * sizeof(float)));
  HIP_CHECK(hipMalloc(&dy, (size_t)M * sizeof(float)));
  HIP_CHECK(hipMemcpy(dA, A, (size_t)M * K * sizeof(float), hipMemcpyHostToDevice));
  HIP_CHECK(hipMemcpy(dx, x, (size_t)K * sizeof(float), hipMemcpyHostToDevice));
  const size_t smem = (size_t)K * sizeof(float);  // up to 64 KiB of LDS: K <= 16384
  int blocks = (M + kWavesPerBlock - 1) / kWavesPerBlock;
  if (blocks > 1024) blocks = 1024;
  hipLaunchKernelGGL(sgemv_wave_per_row, dim3(blocks), dim3(kWave * kWavesPerBlock), smem, 0,
                     dA, dx, dy, M, K);
  HIP_CHECK(hipGetLastError());
  HIP_CHECK(hipDeviceSynchronize());
  HIP_CHECK(hipMemcpy(y, dy, (size_t)M * sizeof(float), hipMemcpyDeviceToHost));
  HIP_CHECK(hipFree(dA));
  HIP_CHECK(hipFree(dx));
  HIP_CHECK(hipFree(dy));
}
