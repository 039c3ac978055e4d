// flash_attention.hip -- FlashAttention-2-style multi-head attention, f32, HIP
// for CDNA (wavefronts of 64).
//
//   Q, K, V, O : [batch][heads][seq][head_dim] (head_dim <= 128);
//   scale = 1/sqrt(head_dim); causal != 0 masks keys j > i.
//
// One thread block per (query tile of kBr = 16 rows, batch*head); 4
// wavefronts, each owning 4 query rows.  The Q tile sits in LDS for the
// whole block; the key/value sequence is walked in tiles of kBc = 64 keys
// (one per lane).  K and V tiles take turns in ONE LDS buffer (K rows padded
// to head_dim + 1 floats), which keeps the block at 45 KiB of LDS for
// head_dim 128:
//   load K tile -> barrier -> per row: lane j computes s_j = scale * q . k_j
//   (d in order), m_new = max(m, wave max) (__shfl_xor butterfly),
//   p_j = exp(s_j - m_new), corr = exp(m - m_new), l = l * corr + wave sum,
//   o *= corr, p row -> LDS -> barrier -> load V tile -> barrier ->
//   o += sum_j p_j v_j (p_j broadcast from LDS; lane owns d = lane and
//   lane + 64).
// Running max, running sum and the O accumulator stay in registers; O = o / l
// is written at the end.  Causal blocks stop at their last row's diagonal and
// each row accumulates only its visible keys.
#include <hip/hip_runtime.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

#define HIP_CHECK(expr)                                                       \
  do {                                                                        \
    hipError_t err_ = (expr);                                                 \
    if (err_ != hipSuccess) {                                                 \
      fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__, __LINE__, #expr,    \
              hipGetErrorString(err_));                                       \
      exit(EXIT_FAILURE);                                                     \
    }                                                                         \
  } while (0)

constexpr int kWave = 64;                   // CDNA wavefront
constexpr int kWaves = 4;
constexpr int kThreads = kWaves * kWave;
constexpr int kBr = 16;                     // query rows per block
constexpr int kBc = kWave;                  // keys per K/V tile (one per lane)
constexpr int kRowsPerWave = kBr / kWaves;  // 4
constexpr int kMaxHeadDim = 128;
constexpr int kDimPerLane = kMaxHeadDim / kWave;  // 2 accumulator columns per lane

__device__ __forceinline__ float wave_max(float v) {
#pragma unroll
  for (int offset = kWave / 2; offset > 0; offset >>= 1) {
    v = fmaxf(v, __shfl_xor(v, offset));
  }
  return v;
}

__device__ __forceinline__ float wave_sum(float v) {
#pragma unroll
  for (int offset = kWave / 2; offset > 0; offset >>= 1) {
    v += __shfl_xor(v, offset);
  }
  return v;
}

// grid (ceil(seq / kBr), batch*heads), block kThreads,
// dynamic LDS (kBr*hd + kBc*(hd+1) + kBr*kBc) floats
__global__ void __launch_bounds__(kThreads)
flash_attention_kernel(const float* __restrict__ Q, const float* __restrict__ K,
                       const float* __restrict__ V, float* __restrict__ O, int seq, int head_dim,
                       float scale, int causal) {
  extern __shared__ float smem[];
  float* q_s = smem;                  // [kBr][head_dim]
  float* kv_s = q_s + kBr * head_dim; // K tile [kBc][head_dim + 1], then V tile [kBc][head_dim]
  float* p_s = kv_s + kBc * (head_dim + 1);  // [kBr][kBc] probabilities of a tile
  const int k_stride = head_dim + 1;

  const int tid = threadIdx.x;
  const int wave = tid / kWave;
  const int lane = tid % kWave;
  const int i0 = blockIdx.x * kBr;
  const size_t base = (size_t)blockIdx.y * seq * head_dim;
  const float* q = Q + base;
  const float* k = K + base;
  const float* v = V + base;

  for (int idx = tid; idx < kBr * head_dim; idx += kThreads) {
    const int r = idx / head_dim;
    q_s[idx] = (i0 + r < seq) ? q[(size_t)i0 * head_dim + idx] : 0.0f;
  }

  float m[kRowsPerWave], l[kRowsPerWave], acc[kRowsPerWave][kDimPerLane];
  int visible[kRowsPerWave];
#pragma unroll
  for (int rr = 0; rr < kRowsPerWave; ++rr) {
    m[rr] = -INFINITY;
    l[rr] = 0.0f;
#pragma unroll
    for (int c = 0; c < kDimPerLane; ++c) acc[rr][c] = 0.0f;
  }

  const int kv_end = causal ? min(seq, i0 + kBr) : seq;
  for (int k0 = 0; k0 < kv_end; k0 += kBc) {
    __syncthreads();  // previous V tile consumed (and q_s ready)
    for (int idx = tid; idx < kBc * head_dim; idx += kThreads) {
      const int r = idx / head_dim, c = idx % head_dim;
      kv_s[r * k_stride + c] = (k0 + r < seq) ? k[(size_t)k0 * head_dim + idx] : 0.0f;
    }
    __syncthreads();

    // scores and online-softmax statistics
#pragma unroll
    for (int rr = 0; rr < kRowsPerWave; ++rr) {
      const int row = wave * kRowsPerWave + rr;
      const int i = i0 + row;
      visible[rr] = 0;
      if (i >= seq) continue;  // wave-uniform
      const int n_keys = causal ? i + 1 : seq;
      const int vis = min(kBc, n_keys - k0);
      if (vis <= 0) continue;  // wave-uniform
      float s = -INFINITY;
      if (lane < vis) {
        const float* qr = q_s + row * head_dim;
        const float* kr = kv_s + lane * k_stride;
        float dot = 0.0f;
        for (int d = 0; d < head_dim; ++d) dot += qr[d] * kr[d];
        s = dot * scale;
      }
      const float m_new = fmaxf(m[rr], wave_max(s));
      if (m_new == -INFINITY) continue;  // nothing visible yet: no contribution
      const float corr = expf(m[rr] - m_new);
      const float p = lane < vis ? expf(s - m_new) : 0.0f;
      p_s[row * kBc + lane] = p;
      l[rr] = l[rr] * corr + wave_sum(p);
      m[rr] = m_new;
#pragma unroll
      for (int c = 0; c < kDimPerLane; ++c) acc[rr][c] *= corr;
      visible[rr] = vis;
    }
    __syncthreads();  // K tile consumed: the buffer takes the V tile
    for (int idx = tid; idx < kBc * head_dim; idx += kThreads) {
      kv_s[idx] = (k0 + idx / head_dim < seq) ? v[(size_t)k0 * head_dim + idx] : 0.0f;
    }
    __syncthreads();

    // o += P V for the visible keys
#pragma unroll
    for (int rr = 0; rr < kRowsPerWave; ++rr) {
      const float* pr = p_s + (wave * kRowsPerWave + rr) * kBc;
      for (int jj = 0; jj < visible[rr]; ++jj) {
        const float pj = pr[jj];  // broadcast read
        const float* vr = kv_s + jj * head_dim;
#pragma unroll
        for (int c = 0; c < kDimPerLane; ++c) {
          const int d = lane + c * kWave;
          if (d < head_dim) acc[rr][c] += pj * vr[d];
        }
      }
    }
  }

  float* o = O + base;
#pragma unroll
  for (int rr = 0; rr < kRowsPerWave; ++rr) {
    const int i = i0 + wave * kRowsPerWave + rr;
    if (i >= seq) continue;
    const float inv = 1.0f / l[rr];
#pragma unroll
    for (int c = 0; c < kDimPerLane; ++c) {
      const int d = lane + c * kWave;
      if (d < head_dim) o[(size_t)i * head_dim + d] = acc[rr][c] * inv;
    }
  }
}

void flash_attention_f32(const float* Q, const float* K, const float* V, float* O, int batch,
                         int heads, int seq, int head_dim, int causal) {
  int device = 0, warp_size = 0;
  HIP_CHECK(hipGetDevice(&device));
  HIP_CHECK(hipDeviceGetAttribute(&warp_size, hipDeviceAttributeWarpSize, device));
  if (head_dim > kMaxHeadDim || warp_size != kWave) {
    fprintf(stderr, "flash_attention_f32: needs head_dim <= %d and wavefronts of %d\n",
            kMaxHeadDim, kWave);
    exit(EXIT_FAILURE);
  }
  const size_t bytes = (size_t)batch * heads * seq * head_dim * sizeof(float);
  float *d_q, *d_k, *d_v, *d_o;
  HIP_CHECK(hipMalloc(&d_q, bytes));
  HIP_CHECK(hipMalloc(&d_k, bytes));
  HIP_CHECK(hipMalloc(&d_v, bytes));
  HIP_CHECK(hipMalloc(&d_o, bytes));
  HIP_CHECK(hipMemcpy(d_q, Q, bytes, hipMemcpyHostToDevice));
  HIP_CHECK(hipMemcpy(d_k, K, bytes, hipMemcpyHostToDevice));
  HIP_CHECK(hipMemcpy(d_v, V, bytes, hipMemcpyHostToDevice));

  const float scale = 1.0f / sqrtf((float)head_dim);
  const size_t lds = (size_t)(kBr * head_dim + kBc * (head_dim + 1) + kBr * kBc) * sizeof(float);
  const dim3 grid((seq + kBr - 1) / kBr, batch * heads);
  hipLaunchKernelGGL(flash_attention_kernel, grid, dim3(kThreads), lds, 0, d_q, d_k, d_v, d_o,
                     seq, head_dim, scale, causal);
  HIP_CHECK(hipGetLastError());
  HIP_CHECK(hipDeviceSynchronize());
  HIP_CHECK(hipMemcpy(O, d_o, bytes, hipMemcpyDeviceToHost));
  HIP_CHECK(hipFree(d_q));
  HIP_CHECK(hipFree(d_k));
  HIP_CHECK(hipFree(d_v));
  HIP_CHECK(hipFree(d_o));
}
