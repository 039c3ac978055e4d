// C = A * B on random matrices: cuRAND fills A and B, cuBLAS multiplies (column-major).
#include "cuda_check.cuh"

#include <cublas_v2.h>
#include <curand.h>

void randomGemm(int n, float *hostC) {
  float *a, *b, *c;
  CUDA_CHECK(cudaMalloc(&a, n * n * sizeof(float)));
  CUDA_CHECK(cudaMalloc(&b, n * n * sizeof(float)));
  CUDA_CHECK(cudaMalloc(&c, n * n * sizeof(float)));

  curandGenerator_t gen;
  curandCreateGenerator(&gen, CURAND_RNG_PSEUDO_DEFAULT);
  curandSetPseudoRandomGeneratorSeed(gen, 1234ULL);
  curandGenerateUniform(gen, a, n * n);
  curandGenerateUniform(gen, b, n * n);
  curandDestroyGenerator(gen);

  cublasHandle_t handle;
  cublasCreate(&handle);
  const float alpha = 1.0f, beta = 0.0f;
  cublasSgemm(handle, CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, &alpha, a, n, b, n, &beta, c, n);
  cublasDestroy(handle);

  CUDA_CHECK(cudaMemcpy(hostC, c, n * n * sizeof(float), cudaMemcpyDeviceToHost));
  CUDA_CHECK(cudaFree(a));
  CUDA_CHECK(cudaFree(b));
  CUDA_CHECK(cudaFree(c));
}
