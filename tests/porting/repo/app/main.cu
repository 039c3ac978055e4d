// The demo: saxpy, a sum and a random GEMM, each on the CUDA device.
#include "cuda_check.cuh"

#include <cstdio>

void saxpyOnDevice(int n, float a, const float *x, float *y);
float sumOnDevice(const float *dIn, int n);
void randomGemm(int n, float *hostC);

int main() {
  const int n = 1000;
  float x[n], y[n];
  for (int i = 0; i < n; ++i) x[i] = 1.0f, y[i] = 2.0f;
  saxpyOnDevice(n, 3.0f, x, y);
  float *dy = nullptr;
  CUDA_CHECK(cudaMalloc(&dy, n * sizeof(float)));
  CUDA_CHECK(cudaMemcpy(dy, y, n * sizeof(float), cudaMemcpyHostToDevice));
  std::printf("sum = %f (expected %f)\n", sumOnDevice(dy, n), 5.0f * n);
  CUDA_CHECK(cudaFree(dy));
  static float c[64 * 64];
  randomGemm(64, c);
  std::printf("c[0] = %f\n", c[0]);
  return 0;
}
