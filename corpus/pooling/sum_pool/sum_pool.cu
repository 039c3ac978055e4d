// sum_pool.cu -- 2-D sum pooling, f32, NHWC layout, VALID windows (CUDA).
//
//   output[n][oh][ow][c] = sum over (i < KH, j < KW) of
//                          input[n][oh*SH + i][ow*SW + j][c]
//   Ho = (H - KH) / SH + 1,  Wo = (W - KW) / SW + 1
//
// Strategy: one thread per output element (per four channels when C % 4 ==
// 0). The linear thread index runs channel-innermost, exactly like the NHWC
// output, so the 32 threads of a warp read 32 consecutive channel groups of
// the same input pixel for every window tap: each tap is one (or a few)
// fully coalesced 128-byte transactions, and the store is coalesced too.
// The float4 kernel moves 16 bytes per thread and tap (LDG.128); overlapping
// windows (3x3 stride 2) re-read neighbouring pixels through the read-only
// cache (__ldg). A grid-stride loop covers any size with a bounded grid.
#include <cuda_runtime.h>

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

constexpr int kBlock = 256;

// The taps are summed in float in row-major window order (i, then j),
// starting from 0; every version keeps this order, so the results agree
// bit for bit, also where huge inputs overflow the sum to infinity. That is
// why a window is never split across threads: global pooling (a 7x7 window
// over the whole map) runs N*C/4 threads that each stream all the taps,
// still one coalesced warp-wide access per tap.

// Four channels per thread. x, y are the input/output viewed as float4;
// C4 = C / 4.
__global__ void __launch_bounds__(kBlock)
    sum_pool_nhwc_f32x4(const float4* __restrict__ x, float4* __restrict__ y,
                        int N, int H, int W, int C4, int KH, int KW, int SH,
                        int SW, int Ho, int Wo) {
  const int total = N * Ho * Wo * C4;
  for (int idx = blockIdx.x * blockDim.x + threadIdx.x; idx < total;
       idx += gridDim.x * blockDim.x) {
    const int c = idx % C4;
    int p = idx / C4;
    const int ow = p % Wo;
    p /= Wo;
    const int oh = p % Ho;
    const int n = p / Ho;
    const float4* win = x + ((size_t)(n * H + oh * SH) * W + ow * SW) * C4 + c;
    float4 s = make_float4(0.0f, 0.0f, 0.0f, 0.0f);
    for (int i = 0; i < KH; ++i) {
      const float4* row = win + (size_t)i * W * C4;
      for (int j = 0; j < KW; ++j) {
        const float4 v = __ldg(row + (size_t)j * C4);
        s.x += v.x;
        s.y += v.y;
        s.z += v.z;
        s.w += v.w;
      }
    }
    y[idx] = s;
  }
}

// Any C: one channel per thread.
__global__ void __launch_bounds__(kBlock)
    sum_pool_nhwc_f32(const float* __restrict__ x, float* __restrict__ y, int N,
                      int H, int W, int C, int KH, int KW, int SH, int SW,
                      int Ho, int Wo) {
  const int total = N * Ho * Wo * C;
  for (int idx = blockIdx.x * blockDim.x + threadIdx.x; idx < total;
       idx += gridDim.x * blockDim.x) {
    const int c = idx % C;
    int p = idx / C;
    const int ow = p % Wo;
    p /= Wo;
    const int oh = p % Ho;
    const int n = p / Ho;
    const float* win = x + ((size_t)(n * H + oh * SH) * W + ow * SW) * C + c;
    float s = 0.0f;
    for (int i = 0; i < KH; ++i) {
      const float* row = win + (size_t)i * W * C;
      for (int j = 0; j < KW; ++j) {
        s += __ldg(row + (size_t)j * C);
      }
    }
    y[idx] = s;
  }
}

void sum_pool2d_f32(const float* input, float* output, int N, int H, int W,
                    int C, int KH, int KW, int SH, int SW) {
  const int Ho = (H - KH) / SH + 1;
  const int Wo = (W - KW) / SW + 1;
  const size_t in_bytes = (size_t)N * H * W * C * sizeof(float);
  const size_t out_bytes = (size_t)N * Ho * Wo * C * sizeof(float);

  float *d_x, *d_y;
  CUDA_CHECK(cudaMalloc(&d_x, in_bytes));
  CUDA_CHECK(cudaMalloc(&d_y, out_bytes));
  CUDA_CHECK(cudaMemcpy(d_x, input, in_bytes, cudaMemcpyHostToDevice));

  // cudaMalloc returns 256-byte aligned memory, so C % 4 == 0 is all the
  // float4 path needs.
  const bool vec4 = (C % 4) == 0;
  const int lanes = vec4 ? C / 4 : C;
  const int total = N * Ho * Wo * lanes;
  int blocks = (total + kBlock - 1) / kBlock;
  if (blocks > 4096) blocks = 4096;  // grid-stride loop covers the rest
  if (blocks < 1) blocks = 1;
  if (vec4) {
    sum_pool_nhwc_f32x4<<<blocks, kBlock>>>(
        reinterpret_cast<const float4*>(d_x), reinterpret_cast<float4*>(d_y), N,
        H, W, lanes, KH, KW, SH, SW, Ho, Wo);
  } else {
    sum_pool_nhwc_f32<<<blocks, kBlock>>>(d_x, d_y, N, H, W, C, KH, KW, SH, SW,
                                          Ho, Wo);
  }
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(cudaDeviceSynchronize());

  CUDA_CHECK(cudaMemcpy(output, d_y, out_bytes, cudaMemcpyDeviceToHost));
  CUDA_CHECK(cudaFree(d_x));
  CUDA_CHECK(cudaFree(d_y));
}
