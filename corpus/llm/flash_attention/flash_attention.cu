// flash_attention.cu -- FlashAttention-2-style multi-head attention, f32, CUDA.
//
//   Q, K, V, O : [batch][heads][seq][head_dim] (head_dim <= 128);
//   scale = 1/sqrt(head_dim); causal != 0 masks keys j > i.
//
// One thread block per (query tile of kBr = 16 rows, batch*head); 4 warps,
// each owning 4 query rows.  The Q tile is staged in shared memory once;
// the key/value sequence is walked in tiles of kBc = 32 keys, each K and V
// tile loaded into shared memory with coalesced loads (K rows padded to
// head_dim + 1 floats: conflict-free when 32 lanes read 32 keys).  Per row
// and key tile:
//   lane j computes s_j = scale * q . k_j (d in order),
//   m_new = max(m, warp max of s)           (__shfl_xor_sync butterfly)
//   p_j = exp(s_j - m_new), corr = exp(m - m_new)
//   l = l * corr + warp sum of p
//   o = o * corr + sum_j p_j v_j            (the warp's p row goes through
//                                            shared memory + __syncwarp;
//                                            lane owns d = lane + 32c)
// so the running max, the running sum and the O accumulator never leave
// registers; O = o / l is written at the end.  Causal blocks stop at their
// last row's diagonal and each row only accumulates its visible keys.
// Nothing of size seq x seq is ever stored.
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

constexpr int kWarp = 32;
constexpr int kWarps = 4;
constexpr int kThreads = kWarps * kWarp;
constexpr int kBr = 16;                     // query rows per block
constexpr int kBc = kWarp;                  // keys per K/V tile (one per lane)
constexpr int kRowsPerWarp = kBr / kWarps;  // 4
constexpr int kMaxHeadDim = 128;
constexpr int kDimPerLane = kMaxHeadDim / kWarp;  // 4 accumulator columns per lane
constexpr unsigned kFullMask = 0xffffffffu;

__device__ __forceinline__ float warp_max(float v) {
#pragma unroll
  for (int offset = kWarp / 2; offset > 0; offset >>= 1) {
    v = fmaxf(v, __shfl_xor_sync(kFullMask, v, offset));
  }
  return v;
}

__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
  for (int offset = kWarp / 2; offset > 0; offset >>= 1) {
    v += __shfl_xor_sync(kFullMask, v, offset);
  }
  return v;
}

// grid (ceil(seq / kBr), batch*heads), block kThreads,
// dynamic shared memory (kBr*hd + kBc*(hd+1) + kBc*hd + kBr*kBc) floats
__global__ void __launch_bounds__(kThreads)
flash_attention_kernel(const float* __restrict__ Q, const float* __restrict__ K,
                       const float* __restrict__ V, float* __restrict__ O, int seq, int head_dim,
                       float scale, int causal) {
  extern __shared__ float smem[];
  float* q_s = smem;                          // [kBr][head_dim]
  float* k_s = q_s + kBr * head_dim;          // [kBc][head_dim + 1]
  float* v_s = k_s + kBc * (head_dim + 1);    // [kBc][head_dim]
  float* p_s = v_s + kBc * head_dim;          // [kBr][kBc] probabilities of a tile
  const int k_stride = head_dim + 1;

  const int tid = threadIdx.x;
  const int warp = tid / kWarp;
  const int lane = tid % kWarp;
  const int i0 = blockIdx.x * kBr;
  const size_t base = (size_t)blockIdx.y * seq * head_dim;
  const float* q = Q + base;
  const float* k = K + base;
  const float* v = V + base;

  for (int idx = tid; idx < kBr * head_dim; idx += kThreads) {
    const int r = idx / head_dim;
    q_s[idx] = (i0 + r < seq) ? q[(size_t)i0 * head_dim + idx] : 0.0f;
  }

  float m[kRowsPerWarp], l[kRowsPerWarp], acc[kRowsPerWarp][kDimPerLane];
#pragma unroll
  for (int rr = 0; rr < kRowsPerWarp; ++rr) {
    m[rr] = -INFINITY;
    l[rr] = 0.0f;
#pragma unroll
    for (int c = 0; c < kDimPerLane; ++c) acc[rr][c] = 0.0f;
  }

  const int kv_end = causal ? min(seq, i0 + kBr) : seq;
  for (int k0 = 0; k0 < kv_end; k0 += kBc) {
    __syncthreads();  // the previous tile is consumed (and q_s is ready)
    for (int idx = tid; idx < kBc * head_dim; idx += kThreads) {
      const int r = idx / head_dim, c = idx % head_dim;
      const bool in = k0 + r < seq;
      k_s[r * k_stride + c] = in ? k[(size_t)k0 * head_dim + idx] : 0.0f;
      v_s[idx] = in ? v[(size_t)k0 * head_dim + idx] : 0.0f;
    }
    __syncthreads();

#pragma unroll
    for (int rr = 0; rr < kRowsPerWarp; ++rr) {
      const int row = warp * kRowsPerWarp + rr;
      const int i = i0 + row;
      if (i >= seq) continue;  // warp-uniform
      const int n_keys = causal ? i + 1 : seq;
      const int visible = min(kBc, n_keys - k0);  // keys of this tile for row i
      if (visible <= 0) continue;                 // warp-uniform
      float s = -INFINITY;
      if (lane < visible) {
        const float* qr = q_s + row * head_dim;
        const float* kr = k_s + lane * k_stride;
        float dot = 0.0f;
        for (int d = 0; d < head_dim; ++d) dot += qr[d] * kr[d];
        s = dot * scale;
      }
      const float m_new = fmaxf(m[rr], warp_max(s));
      if (m_new == -INFINITY) continue;  // nothing visible yet: no contribution
      const float corr = expf(m[rr] - m_new);
      const float p = lane < visible ? expf(s - m_new) : 0.0f;
      float* pr = p_s + row * kBc;
      pr[lane] = p;
      l[rr] = l[rr] * corr + warp_sum(p);
      m[rr] = m_new;
#pragma unroll
      for (int c = 0; c < kDimPerLane; ++c) acc[rr][c] *= corr;
      __syncwarp();  // the row of p is visible to the whole warp
      for (int jj = 0; jj < visible; ++jj) {
        const float pj = pr[jj];  // broadcast read
        const float* vr = v_s + jj * head_dim;
#pragma unroll
        for (int c = 0; c < kDimPerLane; ++c) {
          const int d = lane + c * kWarp;
          if (d < head_dim) acc[rr][c] += pj * vr[d];
        }
      }
    }
  }

  float* o = O + base;
#pragma unroll
  for (int rr = 0; rr < kRowsPerWarp; ++rr) {
    const int i = i0 + warp * kRowsPerWarp + rr;
    if (i >= seq) continue;
    const float inv = 1.0f / l[rr];
#pragma unroll
    for (int c = 0; c < kDimPerLane; ++c) {
      const int d = lane + c * kWarp;
      if (d < head_dim) o[(size_t)i * head_dim + d] = acc[rr][c] * inv;
    }
  }
}

void flash_attention_f32(const float* Q, const float* K, const float* V, float* O, int batch,
                         int heads, int seq, int head_dim, int causal) {
  if (head_dim > kMaxHeadDim) {
    fprintf(stderr, "flash_attention_f32: head_dim %d > %d is not supported\n", head_dim,
            kMaxHeadDim);
    exit(EXIT_FAILURE);
  }
  const size_t bytes = (size_t)batch * heads * seq * head_dim * sizeof(float);
  float *d_q, *d_k, *d_v, *d_o;
  CUDA_CHECK(cudaMalloc(&d_q, bytes));
  CUDA_CHECK(cudaMalloc(&d_k, bytes));
  CUDA_CHECK(cudaMalloc(&d_v, bytes));
  CUDA_CHECK(cudaMalloc(&d_o, bytes));
  CUDA_CHECK(cudaMemcpy(d_q, Q, bytes, cudaMemcpyHostToDevice));
  CUDA_CHECK(cudaMemcpy(d_k, K, bytes, cudaMemcpyHostToDevice));
  CUDA_CHECK(cudaMemcpy(d_v, V, bytes, cudaMemcpyHostToDevice));

  const float scale = 1.0f / sqrtf((float)head_dim);
  const size_t smem =
      (size_t)(kBr * head_dim + kBc * (head_dim + 1) + kBc * head_dim + kBr * kBc) * sizeof(float);
  const dim3 grid((seq + kBr - 1) / kBr, batch * heads);
  flash_attention_kernel<<<grid, kThreads, smem>>>(d_q, d_k, d_v, d_o, seq, head_dim, scale,
                                                   causal);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(cudaDeviceSynchronize());
  CUDA_CHECK(cudaMemcpy(O, d_o, bytes, cudaMemcpyDeviceToHost));
  CUDA_CHECK(cudaFree(d_q));
  CUDA_CHECK(cudaFree(d_k));
  CUDA_CHECK(cudaFree(d_v));
  CUDA_CHECK(cudaFree(d_o));
}
