// conv2d_nhwc.hip -- 2-D convolution, NHWC activations, KRSC weights, f32.
//
//   output[n][p][q][k] = sum_{r,s,c} input[n][p*stride-pad+r][q*stride-pad+s][c]
//                                    * weight[k][r][s][c]
//
// Implicit GEMM (the MIOpen/cuDNN formulation): the convolution is the product
//   Out[M = N*P*Q][K] = A[M][RSC] x B[RSC][K],  A[m][(r,s,c)] = input pixel,
//   B[(r,s,c)][k] = weight[k][r][s][c]
// without materialising A: each 256-thread workgroup (4 wavefronts of 64)
// computes a 64 x 64 tile of Out (64 output pixels x 64 output channels),
// staging 16-deep slices of A and B through LDS.  A-slice elements are
// gathered from the NHWC input on the fly (zero for the padding border); with
// c innermost in the reduction index, consecutive threads read consecutive
// channels, so both loads are coalesced.  Every thread keeps a 4 x 4 register
// block of outputs (rows ty + 16i, columns tx + 16j: conflict-free LDS reads;
// the +4 row padding keeps the transposed LDS writes off a single bank).  All
// loads and stores are guarded, so no size has to divide the tiles.
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
constexpr int BK = 16;   // reduction slice (r, s, c) per step
constexpr int TPB = 256; // threads per block (16 x 16)

__global__ void __launch_bounds__(TPB)
    conv2d_nhwc_implicit_gemm(const float* __restrict__ input,
                              const float* __restrict__ weight,
                              float* __restrict__ output, int N, int H, int W,
                              int C, int K, int R, int S, int stride, int pad,
                              int P, int Q) {
  __shared__ float As[BK][BM + 4];  // As[kk][m]
  __shared__ float Bs[BK][BN + 4];  // Bs[kk][k]

  const int tid = threadIdx.x;
  const int tx = tid % 16, ty = tid / 16;
  const int M = N * P * Q;
  const int RSC = R * S * C;
  const int m0 = blockIdx.y * BM;
  const int k0 = blockIdx.x * BN;

  // Loader role: reduction lane kl (fastest: consecutive channels) and four
  // rows ml + 16i of the tile.  The pixel coordinates of those rows do not
  // change along the reduction, so they are decoded once.
  const int kl = tid % BK;
  const int ml = tid / BK;
  int a_base[4], a_h0[4], a_w0[4];
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    const int m = m0 + ml + 16 * i;
    if (m < M) {
      const int q = m % Q;
      const int p = (m / Q) % P;
      const int n = m / (P * Q);
      a_base[i] = n * H * W * C;
      a_h0[i] = p * stride - pad;
      a_w0[i] = q * stride - pad;
    } else {
      a_base[i] = -1;  // row past the end: loads zeros
      a_h0[i] = 0;
      a_w0[i] = 0;
    }
  }

  float acc[4][4] = {};
  for (int kt = 0; kt < RSC; kt += BK) {
    // A slice: 16 reduction indices x 64 pixels, gathered from NHWC input.
    const int kk = kt + kl;
    const bool k_ok = kk < RSC;
    const int c = k_ok ? kk % C : 0;
    const int s = k_ok ? (kk / C) % S : 0;
    const int r = k_ok ? kk / (S * C) : 0;
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      const int h = a_h0[i] + r, w = a_w0[i] + s;
      float v = 0.0f;
      if (k_ok && a_base[i] >= 0 && h >= 0 && h < H && w >= 0 && w < W)
        v = input[a_base[i] + (h * W + w) * C + c];
      As[kl][ml + 16 * i] = v;
    }
    // B slice: weight rows are contiguous in (r, s, c).
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      const int k = k0 + ml + 16 * i;
      Bs[kl][ml + 16 * i] = (k_ok && k < K) ? weight[(size_t)k * RSC + kk] : 0.0f;
    }
    __syncthreads();

#pragma unroll
    for (int t = 0; t < BK; ++t) {
      float a[4], b[4];
#pragma unroll
      for (int i = 0; i < 4; ++i) a[i] = As[t][ty + 16 * i];
#pragma unroll
      for (int j = 0; j < 4; ++j) b[j] = Bs[t][tx + 16 * j];
#pragma unroll
      for (int i = 0; i < 4; ++i)
#pragma unroll
        for (int j = 0; j < 4; ++j) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
    }
    __syncthreads();
  }

  // Out[m][k] is exactly the NHWC output offset m*K + k.
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    const int m = m0 + ty + 16 * i;
    if (m >= M) continue;
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      const int k = k0 + tx + 16 * j;
      if (k < K) output[(size_t)m * K + k] = acc[i][j];
    }
  }
}

// input [N][H][W][C], weight [K][R][S][C], output [N][P][Q][K],
// P = (H + 2*pad - R)/stride + 1, Q = (W + 2*pad - S)/stride + 1.
void conv2d_nhwc_f32(const float* input, const float* weight, float* output,
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
  conv2d_nhwc_implicit_gemm<<<grid, block>>>(d_in, d_w, d_out, N, H, W, C, K,
                                             R, S, stride, pad, P, Q);
  HIP_CHECK(hipGetLastError());
  HIP_CHECK(hipDeviceSynchronize());

  HIP_CHECK(hipMemcpy(output, d_out, out_bytes, hipMemcpyDeviceToHost));
  HIP_CHECK(hipFree(d_in));
  HIP_CHECK(hipFree(d_w));
  HIP_CHECK(hipFree(d_out));
}
