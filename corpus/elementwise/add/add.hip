// add.hip -- z = x + y over n elements (HIP), f32 and f16.
//
// Both kernels are memory-bound grid-stride loops over 16-byte vectors
// (coalesced 128-bit loads/stores):
//   add_f32: float4 (4 floats per access), scalar tail of n % 4 elements;
//   add_f16: 8 halves per 16-byte access, added as four __half2 pairs with
//            __hadd2 (one packed instruction per pair), scalar __hadd tail of
//            n % 8 elements.
// The tails are done by the first threads of block 0. The grid is sized to
// the data and capped at a few waves; the grid-stride loop covers the rest.
#include <hip/hip_fp16.h>
#include <hip/hip_runtime.h>

#include <cstdio>
#include <cstdlib>

#define HIP_CHECK(expr)                                                      \
  do {                                                                        \
    hipError_t err_ = (expr);                                                \
    if (err_ != hipSuccess) {                                                \
      fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__, __LINE__, #expr,    \
              hipGetErrorString(err_));                                      \
      exit(EXIT_FAILURE);                                                     \
    }                                                                         \
  } while (0)

constexpr int kThreads = 256;
constexpr int kMaxBlocks = 1024;

__global__ void add_f32_kernel(const float* __restrict__ x, const float* __restrict__ y,
                               float* __restrict__ z, int n) {
  const int n4 = n / 4;
  const float4* x4 = reinterpret_cast<const float4*>(x);
  const float4* y4 = reinterpret_cast<const float4*>(y);
  float4* z4 = reinterpret_cast<float4*>(z);
  const int stride = blockDim.x * gridDim.x;
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n4; i += stride) {
    const float4 a = x4[i];
    const float4 b = y4[i];
    float4 c;
    c.x = a.x + b.x;
    c.y = a.y + b.y;
    c.z = a.z + b.z;
    c.w = a.w + b.w;
    z4[i] = c;
  }
  const int t = n4 * 4 + threadIdx.x;  // scalar tail: at most 3 elements
  if (blockIdx.x == 0 && t < n) z[t] = x[t] + y[t];
}

__global__ void add_f16_kernel(const __half* __restrict__ x, const __half* __restrict__ y,
                               __half* __restrict__ z, int n) {
  const int n8 = n / 8;  // 16-byte groups of 8 halves
  const float4* x8 = reinterpret_cast<const float4*>(x);
  const float4* y8 = reinterpret_cast<const float4*>(y);
  float4* z8 = reinterpret_cast<float4*>(z);
  const int stride = blockDim.x * gridDim.x;
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n8; i += stride) {
    float4 a = x8[i];
    float4 b = y8[i];
    float4 c;
    const __half2* a2 = reinterpret_cast<const __half2*>(&a);
    const __half2* b2 = reinterpret_cast<const __half2*>(&b);
    __half2* c2 = reinterpret_cast<__half2*>(&c);
#pragma unroll
    for (int k = 0; k < 4; ++k) c2[k] = __hadd2(a2[k], b2[k]);
    z8[i] = c;
  }
  const int t = n8 * 8 + threadIdx.x;  // scalar tail: at most 7 elements
  if (blockIdx.x == 0 && t < n) z[t] = __hadd(x[t], y[t]);
}

static int gridFor(int vectors) {
  int blocks = (vectors + kThreads - 1) / kThreads;
  if (blocks < 1) blocks = 1;
  return blocks > kMaxBlocks ? kMaxBlocks : blocks;
}

void add_f32(const float* x, const float* y, float* z, int n) {
  if (n <= 0) return;
  const size_t bytes = static_cast<size_t>(n) * sizeof(float);
  float *d_x = nullptr, *d_y = nullptr, *d_z = nullptr;
  HIP_CHECK(hipMalloc(&d_x, bytes));
  HIP_CHECK(hipMalloc(&d_y, bytes));
  HIP_CHECK(hipMalloc(&d_z, bytes));
  HIP_CHECK(hipMemcpy(d_x, x, bytes, hipMemcpyHostToDevice));
  HIP_CHECK(hipMemcpy(d_y, y, bytes, hipMemcpyHostToDevice));
  add_f32_kernel<<<gridFor(n / 4), kThreads>>>(d_x, d_y, d_z, n);
  HIP_CHECK(hipGetLastError());
  HIP_CHECK(hipDeviceSynchronize());
  HIP_CHECK(hipMemcpy(z, d_z, bytes, hipMemcpyDeviceToHost));
  HIP_CHECK(hipFree(d_x));
  HIP_CHECK(hipFree(d_y));
  HIP_CHECK(hipFree(d_z));
}

void add_f16(const __half* x, const __half* y, __half* z, int n) {
  if (n <= 0) return;
  const size_t bytes = static_cast<size_t>(n) * sizeof(__half);
  __half *d_x = nullptr, *d_y = nullptr, *d_z = nullptr;
  HIP_CHECK(hipMalloc(&d_x, bytes));
  HIP_CHECK(hipMalloc(&d_y, bytes));
  HIP_CHECK(hipMalloc(&d_z, bytes));
  HIP_CHECK(hipMemcpy(d_x, x, bytes, hipMemcpyHostToDevice));
  HIP_CHECK(hipMemcpy(d_y, y, bytes, hipMemcpyHostToDevice));
  add_f16_kernel<<<gridFor(n / 8), kThreads>>>(d_x, d_y, d_z, n);
  HIP_CHECK(hipGetLastError());
  HIP_CHECK(hipDeviceSynchronize());
  HIP_CHECK(hipMemcpy(z, d_z, bytes, hipMemcpyDeviceToHost));
  HIP_CHECK(hipFree(d_x));
  HIP_CHECK(hipFree(d_y));
  HIP_CHECK(hipFree(d_z));
}
