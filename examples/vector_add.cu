// The built-in example: a CUDA vector add with its host program, the "hello world" of every
// porting guide. `bash scripts/example.sh` shows its shared AST and translates it.
#include <cstdio>
#include <cstdlib>
#include <cuda_runtime.h>

#define CHECK(call)                                                                    \
  do {                                                                                 \
    cudaError_t err = (call);                                                          \
    if (err != cudaSuccess) {                                                          \
      fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, cudaGetErrorString(err));     \
      exit(1);                                                                         \
    }                                                                                  \
  } while (0)

// c[i] = a[i] + b[i], one thread per element, grid-stride so any grid size covers n.
__global__ void __launch_bounds__(256) vector_add(const float *__restrict__ a, const float *__restrict__ b,
                                                  float *__restrict__ c, int n) {
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) {
    c[i] = a[i] + b[i];
  }
}

int main() {
  const int n = 1 << 20;
  const size_t bytes = n * sizeof(float);
  float *h_a = (float *)malloc(bytes), *h_b = (float *)malloc(bytes), *h_c = (float *)malloc(bytes);
  for (int i = 0; i < n; ++i) {
    h_a[i] = 0.5f * i;
    h_b[i] = 2.0f - i;
  }

  float *d_a, *d_b, *d_c;
  cudaMalloc(&d_a, bytes);
  cudaMalloc(&d_b, bytes);
  cudaMalloc(&d_c, bytes);
  cudaMemcpy(d_a, h_a, bytes, cudaMemcpyHostToDevice);
  cudaMemcpy(d_b, h_b, bytes, cudaMemcpyHostToDevice);

  const int block = 256;
  const int grid = (n + block - 1) / block;
  vector_add<<<grid, block>>>(d_a, d_b, d_c, n);
  CHECK(cudaGetLastError());
  cudaDeviceSynchronize();
  cudaMemcpy(h_c, d_c, bytes, cudaMemcpyDeviceToHost);

  int errors = 0;
  for (int i = 0; i < n; ++i) errors += h_c[i] != h_a[i] + h_b[i];
  printf("vector_add: %s\n", errors ? "FAILED" : "ok");

  cudaFree(d_a);
  cudaFree(d_b);
  cudaFree(d_c);
  free(h_a);
  free(h_b);
  free(h_c);
  return errors != 0;
}
