// Element-wise vector addition, c = a + b, in three flavours:
//   1. vec_add_f32     : one float per thread per iteration, grid-stride loop
//   2. vec_add_f32x4   : float4-vectorised loads/stores (128-bit accesses),
//                        scalar tail handled by the first threads
//   3. vec_add_f16     : half precision using __half2 packed arithmetic,
//                        with a scalar __hadd tail for odd lengths
// The host code allocates, initialises, launches each kernel, copies the
// results back and checks them against a CPU reference.
#include <cuda_runtime.h>
#include <cuda_fp16.h>

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

// c[i] = a[i] + b[i] for every i < n; the grid may be smaller than n.
__global__ void vec_add_f32(const float* __restrict__ a, const float* __restrict__ b,
                            float* __restrict__ c, int n) {
  int stride = blockDim.x * gridDim.x;
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
    c[i] = a[i] + b[i];
  }
}

// Same computation with 16-byte vector accesses. n4 = n / 4 float4 groups are
// processed by the grid-stride loop; the remaining n % 4 elements are done
// by the first threads of block 0.
__global__ void vec_add_f32x4(const float4* __restrict__ a, const float4* __restrict__ b,
                              float4* __restrict__ c, int n) {
  int n4 = n / 4;
  int stride = blockDim.x * gridDim.x;
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n4; i += stride) {
    float4 va = a[i];
    float4 vb = b[i];
    float4 vc;
    vc.x = va.x + vb.x;
    vc.y = va.y + vb.y;
    vc.z = va.z + vb.z;
    vc.w = va.w + vb.w;
    c[i] = vc;
  }
  // Scalar tail.
  int tail = n - n4 * 4;
  if (blockIdx.x == 0 && static_cast<int>(threadIdx.x) < tail) {
    const float* af = reinterpret_cast<const float*>(a);
    const float* bf = reinterpret_cast<const float*>(b);
    float* cf = reinterpret_cast<float*>(c);
    int i = n4 * 4 + threadIdx.x;
    cf[i] = af[i] + bf[i];
  }
}

// Half precision: pairs of halves are added with one __hadd2; an odd last
// element is added with the scalar __hadd.
__global__ void vec_add_f16(const __half* __restrict__ a, const __half* __restrict__ b,
                            __half* __restrict__ c, int n) {
  int n2 = n / 2;
  const __half2* a2 = reinterpret_cast<const __half2*>(a);
  const __half2* b2 = reinterpret_cast<const __half2*>(b);
  __half2* c2 = reinterpret_cast<__half2*>(c);
  int stride = blockDim.x * gridDim.x;
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n2; i += stride) {
    c2[i] = __hadd2(a2[i], b2[i]);
  }
  if ((n & 1) && blockIdx.x == 0 && threadIdx.x == 0) {
    c[n - 1] = __hadd(a[n - 1], b[n - 1]);
  }
}

static int check(const std::vector<float>& got, const std::vector<float>& ref, float tol,
                 const char* what) {
  int bad = 0;
  for (size_t i = 0; i < ref.size(); ++i) {
    if (std::fabs(got[i] - ref[i]) > tol * (1.0f + std::fabs(ref[i]))) {
      if (bad < 5) fprintf(stderr, "%s: mismatch at %zu: %f vs %f\n", what, i, got[i], ref[i]);
      ++bad;
    }
  }
  printf("%-14s %s\n", what, bad ? "FAILED" : "ok");
  return bad;
}

int main(int argc, char** argv) {
  int n = argc > 1 ? atoi(argv[1]) : (1 << 20) + 3;  // deliberately not a multiple of 4
  size_t bytes = n * sizeof(float);

  std::vector<float> h_a(n), h_b(n), h_c(n), ref(n);
  for (int i = 0; i < n; ++i) {
    h_a[i] = static_cast<float>(i % 1000) * 0.5f;
    h_b[i] = static_cast<float>((i * 7) % 1000) * 0.25f;
    ref[i] = h_a[i] + h_b[i];
  }

  float *d_a, *d_b, *d_c;
  CUDA_CHECK(cudaMalloc(&d_a, bytes));
  CUDA_CHECK(cudaMalloc(&d_b, bytes));
  CUDA_CHECK(cudaMalloc(&d_c, bytes));
  CUDA_CHECK(cudaMemcpy(d_a, h_a.data(), bytes, cudaMemcpyHostToDevice));
  CUDA_CHECK(cudaMemcpy(d_b, h_b.data(), bytes, cudaMemcpyHostToDevice));

  const int threads = 256;
  int blocks = (n + threads - 1) / threads;
  if (blocks > 1024) blocks = 1024;  // grid-stride loop covers the rest
  int failures = 0;

  vec_add_f32<<<blocks, threads>>>(d_a, d_b, d_c, n);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(cudaDeviceSynchronize());
  CUDA_CHECK(cudaMemcpy(h_c.data(), d_c, bytes, cudaMemcpyDeviceToHost));
  failures += check(h_c, ref, 1e-6f, "vec_add_f32");

  CUDA_CHECK(cudaMemset(d_c, 0, bytes));
  int blocks4 = (n / 4 + threads - 1) / threads;
  vec_add_f32x4<<<blocks4 > 0 ? blocks4 : 1, threads>>>(
      reinterpret_cast<const float4*>(d_a), reinterpret_cast<const float4*>(d_b),
      reinterpret_cast<float4*>(d_c), n);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(cudaDeviceSynchronize());
  CUDA_CHECK(cudaMemcpy(h_c.data(), d_c, bytes, cudaMemcpyDeviceToHost));
  failures += check(h_c, ref, 1e-6f, "vec_add_f32x4");

  // Half precision: convert the inputs on the host.
  std::vector<__half> h_ha(n), h_hb(n), h_hc(n);
  for (int i = 0; i < n; ++i) {
    h_ha[i] = __float2half(h_a[i] / 1000.0f);
    h_hb[i] = __float2half(h_b[i] / 1000.0f);
  }
  __half *d_ha, *d_hb, *d_hc;
  size_t hbytes = n * sizeof(__half);
  CUDA_CHECK(cudaMalloc(&d_ha, hbytes));
  CUDA_CHECK(cudaMalloc(&d_hb, hbytes));
  CUDA_CHECK(cudaMalloc(&d_hc, hbytes));
  CUDA_CHECK(cudaMemcpy(d_ha, h_ha.data(), hbytes, cudaMemcpyHostToDevice));
  CUDA_CHECK(cudaMemcpy(d_hb, h_hb.data(), hbytes, cudaMemcpyHostToDevice));
  vec_add_f16<<<blocks, threads>>>(d_ha, d_hb, d_hc, n);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(cudaDeviceSynchronize());
  CUDA_CHECK(cudaMemcpy(h_hc.data(), d_hc, hbytes, cudaMemcpyDeviceToHost));
  std::vector<float> got16(n), ref16(n);
  for (int i = 0; i < n; ++i) {
    got16[i] = __half2float(h_hc[i]);
    ref16[i] = __half2float(h_ha[i]) + __half2float(h_hb[i]);
  }
  failures += check(got16, ref16, 2e-3f, "vec_add_f16");

  CUDA_CHECK(cudaFree(d_a));
  CUDA_CHECK(cudaFree(d_b));
  CUDA_CHECK(cudaFree(d_c));
  CUDA_CHECK(cudaFree(d_ha));
  CUDA_CHECK(cudaFree(d_hb));
  CUDA_CHECK(cudaFree(d_hc));
  return failures ? EXIT_FAILURE : EXIT_SUCCESS;
}
