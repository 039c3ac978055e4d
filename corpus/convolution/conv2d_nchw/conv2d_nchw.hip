// conv2d_nchw.hip -- 2-D convolution, NCHW activations, KCRS weights (the
// PyTorch nn.Conv2d layout), f32.
//
//   output[n][k][p][q] = sum_{c,r,s} input[n][c][p*stride-pad+r][q*stride-pad+s]
//                                    * weight[k][c][r][s]
//
// Implicit GEMM per image: Out[K][P*Q] = Wt[K][CRS] x A[CRS][P*Q] with
// A[(c,r,s)][pixel] gathered on the fly from the NCHW input (zero in the
// padding border).  Each 256-thread workgroup (4 wavefronts of 64) computes
// 64 output channels x 64 output pixels (pixels run over the flattened n*P*Q
// index), staging 16-deep reduction slices of both operands in LDS:
//   * A loads: consecutive threads take consecutive output pixels, i.e.
//     consecutive input columns of one row: coalesced (stride 1);
//   * B loads: consecutive threads take consecutive (c, r, s), contiguous in
//     a KCRS weight row: coalesced;
//   * every thread keeps a 4 x 4 register block (channels ty + 16i, pixels
//     tx + 16j), so the NCHW stores of a wavefront are contiguous along q.
// The reduction index runs in (c, r, s) order with fused multiply-adds.  All
// loads and stores are guarded: no size has to divide the tiles.
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

constexpr int BM = 64;   // output pixels per block
constexpr int BN = 64;   // output channels per block
constexpr int BK = 16;   // reduction slice (c, r, s) per step
constexpr int TPB = 256; // threads per block (16 x 16)

__global__ void __launch_bounds__(TPB)
    conv2d_nchw_implicit_gemm(const float* __restrict__ input,
                              const float* __restrict__ weight,
                              float* __restrict__ output, int N, int H, int W,
                              int C, int K, int R, int S, int stride, int pad,
                              int P, int Q) {
  __shared__ float As[BK][BM + 4];  // As[kk][pixel]
  __shared__ float Bs[BK][BN + 4];  // Bs[kk][k]

  const int tid = threadIdx.x;
  const int tx = tid % 16, ty = tid / 16;
  const int PQ = P * Q;
  const int M = N * PQ;
  const int RS = R * S;
  const int CRS = C * RS;
  const int m0 = blockIdx.y * BM;
  const int k0 = blockIdx.x * BN;

  // A loader: one pixel per thread (lanes along the pixel index), reduction
  // rows al + 4i.  The pixel does not change along the reduction.
  const int am = tid % BM;
  const int al = tid / BM;
  int a_base = -1, a_h0 = 0, a_w0 = 0;
  {
    const int m = m0 + am;
    if (m < M) {
      const int n = m / PQ;
      const int p = (m % PQ) / Q;
      const int q = m % Q;
      a_base = n * C * H * W;
      a_h0 = p * stride - pad;
      a_w0 = q * stride - pad;
    }
  }
  // B loader: lanes along the reduction (contiguous in a weight row).
  const int bl = tid % BK;
  const int bk = tid / BK;

  float acc[4][4] = {};
  for (int kt = 0; kt < CRS; kt += BK) {
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      const int kk = kt + al + 4 * i;
      float v = 0.0f;
      if (kk < CRS && a_base >= 0) {
        const int c = kk / RS;
        const int r = (kk % RS) / S;
        const int s = kk % S;
        const int h = a_h0 + r, w = a_w0 + s;
        if (h >= 0 && h < H && w >= 0 && w < W)
          v = input[a_base + (c * H + h) * W + w];
      }
      As[al + 4 * i][am] = v;
    }
    {
      const int kk = kt + bl;
#pragma unroll
      for (int i = 0; i < 4; ++i) {
        const int k = k0 + bk + 16 * i;
        Bs[bl][bk + 16 * i] =
            (kk < CRS && k < K) ? weight[(size_t)k * CRS + kk] : 0.0f;
      }
    }
    __syncthreads();

#pragma unroll
    for (int t = 0; t < BK; ++t) {
      float a[4], b[4];
#pragma unroll
      for (int j = 0; j < 4; ++j) a[j] = As[t][tx + 16 * j];
#pragma unroll
      for (int i = 0; i < 4; ++i) b[i] = Bs[t][ty + 16 * i];
#pragma unroll
      for (int i = 0; i < 4; ++i)
#pragma unroll
        for (int j = 0; j < 4; ++j) acc[i][j] = fmaf(b[i], a[j], acc[i][j]);
    }
    __syncthreads();
  }

#pragma unroll
  for (int j = 0; j < 4; ++j) {
    const int m = m0 + tx + 16 * j;
    if (m >= M) continue;
    const int n = m / PQ, pq = m % PQ;
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      const int k = k0 + ty + 16 * i;
      if (k < K) output[((size_t)n * K + k) * PQ + pq] = acc[i][j];
    }
  }
}

// input [N][C][H][W], weight [K][C][R][S], output [N][K][P][Q],
// P = (H + 2*pad - R)/stride + 1, Q = (W + 2*pad - S)/stride + 1.
void conv2d_nchw_f32(const float* input, const float* weight, float* output,
                     int N, int H, int W, int C, int K, int R, int S,
                     int stride, int pad) {
  const int P = (H + 2 * pad - R) / stride + 1;
  const int Q = (W + 2 * pad - S) / stride + 1;
  const size_t in_bytes = (size_t)N * H * W * C * sizeof(float);
  const size_t w_bytes = (size_t)K * R * S * C * sizeof(float);
  const size_t out_bytes = (size_t)N * P * Q * K * sizeof(float);

  float *d_in, *d_w, *d_out;
  HIP_CHECK(hipMalloc(&d_in, in_bytes));
  HIP_CHECK(hipMalloc(&d_w, w_bytes));
  HIP_CHECK(hipMalloc(&d_out, out_bytes));
  HIP_CHECK(hipMemcpy(d_in, input, in_bytes, hipMemcpyHostToDevice));
  HIP_CHECK(hipMemcpy(d_w, weight, w_bytes, hipMemcpyHostToDevice));

  const int M = N * P * Q;
  dim3 block(TPB);
  dim3 grid((K + BN - 1) / BN, (M + BM - 1) / BM);
  conv2d_nchw_implicit_gemm<<<grid, block>>>(d_in, d_w, d_out, N, H, W, C, K,
                                             R, S, stride, pad, P, Q);
  HIP_CHECK(hipGetLastError());
  HIP_CHECK(hipDeviceSynchronize());

  HIP_CHECK(hipMemcpy(output, d_out, out_bytes, hipMemcpyDeviceToHost));
  HIP_CHECK(hipFree(d_in));
  HIP_CHECK(hipFree(d_w));
  HIP_CHECK(hipFree(d_out));
}
