// depthwise_conv2d.cu -- depthwise 2-D convolution (multiplier 1), NHWC,
// [R][S][C] weights, f32.
//
//   output[n][p][q][c] = sum_{r,s} input[n][p*stride-pad+r][q*stride-pad+s][c]
//                                 * weight[r][s][c]
//
// Depthwise convolution has no channel reduction, so it is bandwidth bound:
// the kernel's job is to read every input element from DRAM once per tile.
// A block of 32 x 8 threads owns a TILE_P x TILE_Q (8 x 8) patch of output
// pixels for 32 consecutive channels:
//   * the input patch it needs ((TILE_P-1)*stride + R rows x (TILE_Q-1)*stride
//     + S columns x 32 channels, zeros in the padding border) and the R x S x
//     32 weights are staged in dynamic shared memory; threadIdx.x runs along
//     the channels, so every global load and store of a warp is 32
//     consecutive floats of one NHWC pixel (coalesced);
//   * each thread (channel tx, output row ty) then computes the 8 outputs of
//     its row from shared memory (neighbouring columns reuse the patch).
// Guards on channels, rows and columns make every size work.
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

constexpr int TILE_C = 32;  // channels per block (one warp along x)
constexpr int TILE_P = 8;   // output rows per block (threadIdx.y)
constexpr int TILE_Q = 8;   // output columns per thread

__global__ void __launch_bounds__(TILE_C * TILE_P)
    depthwise_conv2d_nhwc(const float* __restrict__ input,
                          const float* __restrict__ weight,
                          float* __restrict__ output, int H, int W, int C,
                          int R, int S, int stride, int pad, int P, int Q,
                          int tiles_q) {
  extern __shared__ float smem[];
  const int patch_h = (TILE_P - 1) * stride + R;
  const int patch_w = (TILE_Q - 1) * stride + S;
  float* patch = smem;                                  // [patch_h][patch_w][32]
  float* wts = smem + patch_h * patch_w * TILE_C;       // [R][S][32]

  const int tx = threadIdx.x, ty = threadIdx.y;
  const int tid = ty * TILE_C + tx;
  const int n = blockIdx.z;
  const int c0 = blockIdx.x * TILE_C;
  const int p0 = (blockIdx.y / tiles_q) * TILE_P;
  const int q0 = (blockIdx.y % tiles_q) * TILE_Q;
  const int c = c0 + tx;
  const bool c_ok = c < C;
  const int h_base = p0 * stride - pad;
  const int w_base = q0 * stride - pad;

  // Stage the input patch: each row of 8 threads-y walks pixels, x = channel.
  const float* in_n = input + (size_t)n * H * W * C;
  for (int pix = ty; pix < patch_h * patch_w; pix += TILE_P) {
    const int ph = pix / patch_w, pw = pix % patch_w;
    const int h = h_base + ph, w = w_base + pw;
    float v = 0.0f;
    if (c_ok && h >= 0 && h < H && w >= 0 && w < W)
      v = in_n[((size_t)h * W + w) * C + c];
    patch[pix * TILE_C + tx] = v;
  }
  for (int t = tid; t < R * S * TILE_C; t += TILE_C * TILE_P) {
    const int tap = t / TILE_C, cc = c0 + t % TILE_C;
    wts[t] = cc < C ? weight[(size_t)tap * C + cc] : 0.0f;
  }
  __syncthreads();

  const int p = p0 + ty;
  if (!c_ok || p >= P) return;
  float acc[TILE_Q] = {};
  for (int r = 0; r < R; ++r) {
    // rows of the padding border contribute nothing (the reference skips them)
    const int h = h_base + ty * stride + r;
    if (h < 0 || h >= H) continue;
    const float* prow = patch + (ty * stride + r) * patch_w * TILE_C + tx;
    for (int s = 0; s < S; ++s) {
      const float wv = wts[(r * S + s) * TILE_C + tx];
#pragma unroll
      for (int j = 0; j < TILE_Q; ++j)
        acc[j] = fmaf(prow[(j * stride + s) * TILE_C], wv, acc[j]);
    }
  }
  float* out = output + (((size_t)n * P + p) * Q) * C + c;
#pragma unroll
  for (int j = 0; j < TILE_Q; ++j)
    if (q0 + j < Q) out[(size_t)(q0 + j) * C] = acc[j];
}

// input [N][H][W][C], weight [R][S][C], output [N][P][Q][C],
// P = (H + 2*pad - R)/stride + 1, Q = (W + 2*pad - S)/stride + 1.
void depthwise_conv2d_f32(const float* input, const float* weight,
                          float* output, int N, int H, int W, int C, int R,
                          int S, int stride, int pad) {
  const int P = (H + 2 * pad - R) / stride + 1;
  const int Q = (W + 2 * pad - S) / stride + 1;
  const size_t in_bytes = (size_t)N * H * W * C * sizeof(float);
  const size_t w_bytes = (size_t)R * S * C * sizeof(float);
  const size_t out_bytes = (size_t)N * P * Q * C * sizeof(float);

  float *d_in, *d_w, *d_out;
  CUDA_CHECK(cudaMalloc(&d_in, in_bytes));
  CUDA_CHECK(cudaMalloc(&d_w, w_bytes));
  CUDA_CHECK(cudaMalloc(&d_out, out_bytes));
  CUDA_CHECK(cudaMemcpy(d_in, input, in_bytes, cudaMemcpyHostToDevice));
  CUDA_CHECK(cudaMemcpy(d_w, weight, w_bytes, cudaMemcpyHostToDevice));

  const int tiles_p = (P + TILE_P - 1) / TILE_P;
  const int tiles_q = (Q + TILE_Q - 1) / TILE_Q;
  const int patch_h = (TILE_P - 1) * stride + R;
  const int patch_w = (TILE_Q - 1) * stride + S;
  const size_t smem = (size_t)(patch_h * patch_w + R * S) * TILE_C * sizeof(float);
  if (smem > 48 * 1024)
    CUDA_CHECK(cudaFuncSetAttribute(depthwise_conv2d_nhwc,
                                    cudaFuncAttributeMaxDynamicSharedMemorySize,
                                    (int)smem));
  dim3 block(TILE_C, TILE_P);
  dim3 grid((C + TILE_C - 1) / TILE_C, tiles_p * tiles_q, N);
  depthwise_conv2d_nhwc<<<grid, block, smem>>>(d_in, d_w, d_out, H, W, C, R, S,
                                               stride, pad, P, Q, tiles_q);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(cudaDeviceSynchronize());

  CUDA_CHECK(cudaMemcpy(output, d_out, out_bytes, cudaMemcpyDeviceToHost));
  CUDA_CHECK(cudaFree(d_in));
  CUDA_CHECK(cudaFree(d_w));
  CUDA_CHECK(cudaFree(d_out));
}
