// conv1d.cu -- 1-D convolution, NCL activations, KCS weights (PyTorch
// nn.Conv1d), f32.
//
//   output[n][k][l] = sum_{c,s} input[n][c][l*stride - pad + s] * weight[k][c][s]
//
// Implicit GEMM, as cuDNN runs a 1-D convolution (a 2-D one of height 1):
// Out[K][Lo] = Wt[K][CS] x A[CS][Lo] per signal, A[(c,s)][l] gathered on the
// fly from the input (zero outside the signal).  Each 256-thread block
// computes 64 output channels x 64 output positions (positions run over the
// flattened n*Lo index), staging 16-deep reduction slices in shared memory:
//   * A loads: consecutive threads take consecutive output positions, i.e.
//     input samples `stride` apart (contiguous for stride 1): coalesced;
//   * B loads: consecutive threads take consecutive (c, s) of one KCS weight
//     row: coalesced;
//   * each thread keeps a 4 x 4 register block (channels ty + 16i, positions
//     tx + 16j), so the stores of a warp run along l.
// FMAs in (c, s) order; all loads and stores guarded.
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

constexpr int BM = 64;   // output positions per block
constexpr int BN = 64;   // output channels per block
constexpr int BK = 16;   // reduction slice (c, s) per step
constexpr int TPB = 256; // threads per block (16 x 16)

__global__ void __launch_bounds__(TPB)
    conv1d_implicit_gemm(const float* __restrict__ input,
                         const float* __restrict__ weight,
                         float* __restrict__ output, int N, int L, int C,
                         int K, int S, int stride, int pad, int Lo) {
  __shared__ float As[BK][BM + 4];  // As[kk][position]
  __shared__ float Bs[BK][BN + 4];  // Bs[kk][k]

  const int tid = threadIdx.x;
  const int tx = tid % 16, ty = tid / 16;
  const int M = N * Lo;
  const int CS = C * S;
  const int m0 = blockIdx.y * BM;
  const int k0 = blockIdx.x * BN;

  // A loader: one output position per thread, reduction rows al + 4i.
  const int am = tid % BM;
  const int al = tid / BM;
  int a_base = -1, a_x0 = 0;
  if (m0 + am < M) {
    const int n = (m0 + am) / Lo;
    const int l = (m0 + am) % Lo;
    a_base = n * C * L;
    a_x0 = l * stride - pad;
  }
  // B loader: lanes along the reduction (contiguous in a weight row).
  const int bl = tid % BK;
  const int bk = tid / BK;

  float acc[4][4] = {};
  for (int kt = 0; kt < CS; kt += BK) {
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      const int kk = kt + al + 4 * i;
      float v = 0.0f;
      if (kk < CS && a_base >= 0) {
        const int c = kk / S, x = a_x0 + kk % S;
        if (x >= 0 && x < L) v = input[a_base + c * L + x];
      }
      As[al + 4 * i][am] = v;
    }
    {
      const int kk = kt + bl;
#pragma unroll
      for (int i = 0; i < 4; ++i) {
        const int k = k0 + bk + 16 * i;
        Bs[bl][bk + 16 * i] =
            (kk < CS && k < K) ? weight[(size_t)k * CS + kk] : 0.0f;
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
    const int n = m / Lo, l = m % Lo;
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      const int k = k0 + ty + 16 * i;
      if (k < K) output[((size_t)n * K + k) * Lo + l] = acc[i][j];
    }
  }
}

// input [N][C][L], weight [K][C][S], output [N][K][Lo],
// Lo = (L + 2*pad - S)/stride + 1.
void conv1d_f32(const float* input, const float* weight, float* output, int N,
                int L, int C, int K, int S, int stride, int pad) {
  const int Lo = (L + 2 * pad - S) / stride + 1;
  const size_t in_bytes = (size_t)N * C * L * sizeof(float);
  const size_t w_bytes = (size_t)K * C * S * sizeof(float);
  const size_t out_bytes = (size_t)N * K * Lo * sizeof(float);

  float *d_in, *d_w, *d_out;
  CUDA_CHECK(cudaMalloc(&d_in, in_bytes));
  CUDA_CHECK(cudaMalloc(&d_w, w_bytes));
  CUDA_CHECK(cudaMalloc(&d_out, out_bytes));
  CUDA_CHECK(cudaMemcpy(d_in, input, in_bytes, cudaMemcpyHostToDevice));
  CUDA_CHECK(cudaMemcpy(d_w, weight, w_bytes, cudaMemcpyHostToDevice));

  const int M = N * Lo;
  dim3 block(TPB);
  dim3 grid((K + BN - 1) / BN, (M + BM - 1) / BM);
  conv1d_implicit_gemm<<<grid, block>>>(d_in, d_w, d_out, N, L, C, K, S,
                                        stride, pad, Lo);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(cudaDeviceSynchronize());

  CUDA_CHECK(cudaMemcpy(output, d_out, out_bytes, cudaMemcpyDeviceToHost));
  CUDA_CHECK(cudaFree(d_in));
  CUDA_CHECK(cudaFree(d_w));
  CUDA_CHECK(cudaFree(d_out));
}
