// depthwise_conv2d.hip -- depthwise 2-D convolution (multiplier 1), NHWC,
// [R][S][C] weights, f32.
//
//   output[n][p][q][c] = sum_{r,s} input[n][p*stride-pad+r][q*stride-pad+s][c]
//                                 * weight[r][s][c]
//
// Depthwise convolution has no channel reduction, so it is bandwidth bound:
// the kernel's job is to read every input element from DRAM once per tile.
// A workgroup of 64 x 4 threads (4 wavefronts) owns a TILE_P x TILE_Q (4 x 8)
// patch of output pixels for 64 consecutive channels:
//   * the input patch it needs ((TILE_P-1)*stride + R rows x (TILE_Q-1)*stride
//     + S columns x 32 channels, zeros in the padding border) and the R x S x
//     64 weights are staged in dynamic LDS; threadIdx.x runs along the
//     channels, so every global load and store of a wavefront is 64
//     consecutive floats (256 bytes) of one NHWC pixel (coalesced);
//   * each thread (channel tx, output row ty) then computes the 8 outputs of
//     its row from shared memory (neighbouring columns reuse the patch).
// Guards on channels, rows and columns make every size work.
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

constexpr int TILE_C = 64;  // channels per workgroup (one wavefront along x)
constexpr int TILE_P = 4;   // output rows per workgroup (threadIdx.y)
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
  float* patch = smem;                                  // [patch_h][patch_w][64]
  float* wts = smem + patch_h * patch_w * TILE_C;       // [R][S][64]

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

  // Stage the input patch: the 4 wavefronts walk pixels, lanes = channels.
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
  HIP_CHECK(hipMalloc(&d_in, in_bytes));
  HIP_CHECK(hipMalloc(&d_w, w_bytes));
  HIP_CHECK(hipMalloc(&d_out, out_bytes));
  HIP_CHECK(hipMemcpy(d_in, input, in_bytes, hipMemcpyHostToDevice));
  HIP_CHECK(hipMemcpy(d_w, weight, w_bytes, hipMemcpyHostToDevice));

  const int tiles_p = (P + TILE_P - 1) / TILE_P;
  const int tiles_q = (Q + TILE_Q - 1) / TILE_Q;
  const int patch_h = (TILE_P - 1) * stride + R;
  const int patch_w = (TILE_Q - 1) * stride + S;
  const size_t smem = (size_t)(patch_h * patch_w + R * S) * TILE_C * sizeof(float);
  // 3x3/1: 6 x 10 x 64 floats + weights = 17 KB; 5x5/2: 60 KB (of 64 KB LDS)
  dim3 block(TILE_C, TILE_P);
  dim3 grid((C + TILE_C - 1) / TILE_C, tiles_p * tiles_q, N);
  depthwise_conv2d_nhwc<<<grid, block, smem>>>(d_in, d_w, d_out, H, W, C, R, S,
                                               stride, pad, P, Q, tiles_q);
  HIP_CHECK(hipGetLastError());
  HIP_CHECK(hipDeviceSynchronize());

  HIP_CHECK(hipMemcpy(output, d_out, out_bytes, hipMemcpyDeviceToHost));
  HIP_CHECK(hipFree(d_in));
  HIP_CHECK(hipFree(d_w));
  HIP_CHECK(hipFree(d_out));
}
