// deformable_attention.cu -- single-scale multi-head deformable attention
// (Deformable DETR), f32, CUDA.
//
//   value [batch][map_h*map_w][heads][head_dim],
//   sampling_locations [batch][len_q][heads][points][2] (x, y in [0, 1]),
//   attention_weights [batch][len_q][heads][points],
//   output [batch][len_q][heads*head_dim].
// Bilinear sampling as grid_sample(align_corners=False, padding zeros):
// px = x*map_w - 0.5, py = y*map_h - 0.5, neighbours outside the map read 0.
//
// One block per query (grid-stride over batch*len_q).  Phase 1: the first
// heads*points threads work out the sampling geometry of one (head, point)
// each -- the four neighbour pixel indices (-1 when outside the map), the
// four bilinear weights and the attention weight -- into shared memory, so
// it is computed once instead of once per channel.  Phase 2: thread t owns
// output channel t of the query's heads*head_dim row (block 256 = 8 heads x
// 32 channels for Deformable DETR, strided loop otherwise): consecutive
// threads read consecutive channels of a pixel (coalesced 128-byte rows of
// value) and write a coalesced output row.  Sums run in point order, corners
// in order, as the reference does.
#include <cuda_runtime.h>

#include <cmath>
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

constexpr int kThreads = 256;
constexpr int kMaxBlocks = 1024;

// dynamic shared memory: idx [heads*points][4] ints, then w [heads*points][4]
// floats and a [heads*points] floats
__global__ void __launch_bounds__(kThreads)
deform_attn_kernel(const float* __restrict__ value, const float* __restrict__ loc,
                   const float* __restrict__ attn, float* __restrict__ out, int batch,
                   int map_h, int map_w, int len_q, int heads, int head_dim, int points) {
  extern __shared__ int smem_i[];
  const int hp_count = heads * points;
  int* s_idx = smem_i;                                       // [hp][4]
  float* s_w = reinterpret_cast<float*>(s_idx + 4 * hp_count);  // [hp][4]
  float* s_a = s_w + 4 * hp_count;                           // [hp]
  const int len_in = map_h * map_w;
  const int row = heads * head_dim;

  for (int bq = blockIdx.x; bq < batch * len_q; bq += gridDim.x) {
    const int b = bq / len_q;
    // phase 1: geometry of each (head, point)
    for (int t = threadIdx.x; t < hp_count; t += blockDim.x) {
      const size_t e = (size_t)bq * hp_count + t;
      const float xs = loc[2 * e] * (float)map_w;
      const float ys = loc[2 * e + 1] * (float)map_h;
      const float x = xs - 0.5f;
      const float y = ys - 0.5f;
      int i1 = -1, i2 = -1, i3 = -1, i4 = -1;
      float w1 = 0.0f, w2 = 0.0f, w3 = 0.0f, w4 = 0.0f;
      if (x > -1.0f && y > -1.0f && x < (float)map_w && y < (float)map_h) {
        const int x0 = (int)floorf(x), y0 = (int)floorf(y);
        const int x1 = x0 + 1, y1 = y0 + 1;
        const float lx = x - (float)x0, ly = y - (float)y0;
        const float hx = 1.0f - lx, hy = 1.0f - ly;
        w1 = hy * hx;
        w2 = hy * lx;
        w3 = ly * hx;
        w4 = ly * lx;
        // -2: corner outside the map (reads 0); -1: the whole point is skipped
        i1 = (y0 >= 0 && x0 >= 0) ? y0 * map_w + x0 : -2;
        i2 = (y0 >= 0 && x1 <= map_w - 1) ? y0 * map_w + x1 : -2;
        i3 = (y1 <= map_h - 1 && x0 >= 0) ? y1 * map_w + x0 : -2;
        i4 = (y1 <= map_h - 1 && x1 <= map_w - 1) ? y1 * map_w + x1 : -2;
      }
      s_idx[4 * t] = i1;
      s_idx[4 * t + 1] = i2;
      s_idx[4 * t + 2] = i3;
      s_idx[4 * t + 3] = i4;
      s_w[4 * t] = w1;
      s_w[4 * t + 1] = w2;
      s_w[4 * t + 2] = w3;
      s_w[4 * t + 3] = w4;
      s_a[t] = attn[e];
    }
    __syncthreads();
    // phase 2: one output channel per thread
    for (int hc = threadIdx.x; hc < row; hc += blockDim.x) {
      const int h = hc / head_dim;
      // value[b][pix][h][c] = vb[pix * row]
      const float* vb = value + (size_t)b * len_in * row + hc;
      float acc = 0.0f;
      for (int p = 0; p < points; ++p) {
        const int t = h * points + p;
        if (s_idx[4 * t] == -1) continue;  // sampling point outside the map
        float val = 0.0f;
#pragma unroll
        for (int k = 0; k < 4; ++k) {
          const int pix = s_idx[4 * t + k];
          const float v = pix >= 0 ? __ldg(vb + (size_t)pix * row) : 0.0f;
          const float prod = s_w[4 * t + k] * v;
          val = (k == 0) ? prod : val + prod;
        }
        acc += s_a[t] * val;
      }
      out[(size_t)bq * row + hc] = acc;
    }
    __syncthreads();  // geometry of the next query overwrites the shared arrays
  }
}

void deformable_attention_f32(const float* value, const float* sampling_locations,
                              const float* attention_weights, float* output, int batch,
                              int map_h, int map_w, int len_q, int heads, int head_dim,
                              int points) {
  const size_t value_bytes = (size_t)batch * map_h * map_w * heads * head_dim * sizeof(float);
  const size_t hp = (size_t)batch * len_q * heads * points;
  const size_t out_bytes = (size_t)batch * len_q * heads * head_dim * sizeof(float);
  float *d_value, *d_loc, *d_attn, *d_out;
  CUDA_CHECK(cudaMalloc(&d_value, value_bytes));
  CUDA_CHECK(cudaMalloc(&d_loc, 2 * hp * sizeof(float)));
  CUDA_CHECK(cudaMalloc(&d_attn, hp * sizeof(float)));
  CUDA_CHECK(cudaMalloc(&d_out, out_bytes));
  CUDA_CHECK(cudaMemcpy(d_value, value, value_bytes, cudaMemcpyHostToDevice));
  CUDA_CHECK(cudaMemcpy(d_loc, sampling_locations, 2 * hp * sizeof(float),
                        cudaMemcpyHostToDevice));
  CUDA_CHECK(cudaMemcpy(d_attn, attention_weights, hp * sizeof(float), cudaMemcpyHostToDevice));

  const int queries = batch * len_q;
  const int blocks = queries < kMaxBlocks ? queries : kMaxBlocks;
  const size_t smem = (size_t)heads * points * (4 * sizeof(int) + 5 * sizeof(float));
  deform_attn_kernel<<<blocks, kThreads, smem>>>(d_value, d_loc, d_attn, d_out, batch, map_h,
                                                 map_w, len_q, heads, head_dim, points);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(cudaDeviceSynchronize());
  CUDA_CHECK(cudaMemcpy(output, d_out, out_bytes, cudaMemcpyDeviceToHost));
  CUDA_CHECK(cudaFree(d_value));
  CUDA_CHECK(cudaFree(d_loc));
  CUDA_CHECK(cudaFree(d_attn));
  CUDA_CHECK(cudaFree(d_out));
}
