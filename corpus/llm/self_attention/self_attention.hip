// self_attention.hip -- multi-head scaled dot-product attention, f32, HIP.
//
//   Q, K, V, O : [batch][heads][seq][head_dim]; scale = 1/sqrt(head_dim);
//   causal != 0 masks keys j > i.
//
// The classic unfused ("eager") attention, three launches over a scores
// buffer S[batch*heads][seq][seq] in global memory:
//   1. attn_scores_kernel  S = scale * Q K^T, a batched tiled GEMM: each block
//      computes a 32x32 tile of S (32 x 8 threads, 4 rows per thread); Q and K
//      rows are staged through shared memory 32 columns of head_dim at a time
//      with coalesced loads (tiles padded to 33 columns: no LDS bank
//      conflicts when a wavefront reads 32 different K rows).  With causal, tiles entirely
//      above the diagonal are skipped.
//   2. attn_softmax_kernel one wavefront (64 lanes on CDNA) per row of S: max
//      and sum with __shfl_xor butterflies over warpSize lanes, exp(s - max),
//      normalisation; masked entries become exactly 0.
//   3. attn_pv_kernel      O = P V, the same tiled GEMM shape: 32 query rows x
//      32 head_dim columns per block, P and V staged through shared memory 32
//      keys at a time; causal rows stop at their diagonal.
// Every dot product accumulates in the same order as the reference (d for
// scores, j for P V); all loads are bounds-guarded, so seq and head_dim need
// not be multiples of 32.
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

constexpr int kTile = 32;                 // output tile: kTile x kTile
constexpr int kRows = 8;                  // block = kTile x kRows threads
constexpr int kPerThread = kTile / kRows; // output rows per thread
constexpr int kSoftmaxBlock = 256;        // 4 rows (wavefronts of 64) per block

// Butterfly reductions over a wavefront: every lane ends with the result.
__device__ __forceinline__ float wave_max(float v) {
  for (int offset = warpSize / 2; offset > 0; offset >>= 1) {
    v = fmaxf(v, __shfl_xor(v, offset));
  }
  return v;
}

__device__ __forceinline__ float wave_sum(float v) {
  for (int offset = warpSize / 2; offset > 0; offset >>= 1) {
    v += __shfl_xor(v, offset);
  }
  return v;
}

// S[bh][i][j] = scale * sum_d Q[bh][i][d] * K[bh][j][d]
// grid (ceil(seq/32) key tiles, ceil(seq/32) query tiles, batch*heads)
__global__ void attn_scores_kernel(const float* __restrict__ Q, const float* __restrict__ K,
                                   float* __restrict__ S, int seq, int head_dim, float scale,
                                   int causal) {
  __shared__ float q_tile[kTile][kTile + 1];
  __shared__ float k_tile[kTile][kTile + 1];
  const int bh = blockIdx.z;
  const int i0 = blockIdx.y * kTile;
  const int j0 = blockIdx.x * kTile;
  if (causal && j0 > i0 + kTile - 1) return;  // whole tile masked: never read
  const int tx = threadIdx.x, ty = threadIdx.y;
  const float* q = Q + (size_t)bh * seq * head_dim;
  const float* k = K + (size_t)bh * seq * head_dim;

  float acc[kPerThread];
#pragma unroll
  for (int r = 0; r < kPerThread; ++r) acc[r] = 0.0f;

  for (int d0 = 0; d0 < head_dim; d0 += kTile) {
    const int d = d0 + tx;  // consecutive threads read consecutive d
    for (int r = ty; r < kTile; r += kRows) {
      q_tile[r][tx] = (i0 + r < seq && d < head_dim) ? q[(size_t)(i0 + r) * head_dim + d] : 0.0f;
      k_tile[r][tx] = (j0 + r < seq && d < head_dim) ? k[(size_t)(j0 + r) * head_dim + d] : 0.0f;
    }
    __syncthreads();
    const int dn = min(kTile, head_dim - d0);
    for (int dd = 0; dd < dn; ++dd) {
      const float kv = k_tile[tx][dd];  // this thread's key j0 + tx
#pragma unroll
      for (int r = 0; r < kPerThread; ++r) {
        acc[r] += q_tile[ty + r * kRows][dd] * kv;  // broadcast read
      }
    }
    __syncthreads();
  }

  const int j = j0 + tx;
  if (j < seq) {
    float* s = S + (size_t)bh * seq * seq;
#pragma unroll
    for (int r = 0; r < kPerThread; ++r) {
      const int i = i0 + ty + r * kRows;
      if (i < seq) s[(size_t)i * seq + j] = acc[r] * scale;
    }
  }
}

// Row softmax in place, one wavefront per row of S (rows = batch*heads*seq).
__global__ void attn_softmax_kernel(float* __restrict__ S, int rows, int seq, int causal) {
  const int wave = warpSize;
  const int row = (blockIdx.x * blockDim.x + threadIdx.x) / wave;
  const int lane = threadIdx.x % wave;
  if (row >= rows) return;  // the whole wavefront leaves together; no block barrier
  float* s = S + (size_t)row * seq;
  const int i = row % seq;
  const int n_keys = causal ? i + 1 : seq;

  float m = -INFINITY;
  for (int j = lane; j < n_keys; j += wave) m = fmaxf(m, s[j]);
  m = wave_max(m);
  float sum = 0.0f;
  for (int j = lane; j < n_keys; j += wave) {
    const float e = expf(s[j] - m);
    s[j] = e;
    sum += e;
  }
  sum = wave_sum(sum);
  const float inv = 1.0f / sum;
  for (int j = lane; j < n_keys; j += wave) s[j] *= inv;
  for (int j = n_keys + lane; j < seq; j += wave) s[j] = 0.0f;  // masked keys
}

// O[bh][i][d] = sum_j P[bh][i][j] * V[bh][j][d]
// grid (ceil(head_dim/32) column tiles, ceil(seq/32) query tiles, batch*heads)
__global__ void attn_pv_kernel(const float* __restrict__ P, const float* __restrict__ V,
                               float* __restrict__ O, int seq, int head_dim, int causal) {
  __shared__ float p_tile[kTile][kTile + 1];
  __shared__ float v_tile[kTile][kTile + 1];
  const int bh = blockIdx.z;
  const int i0 = blockIdx.y * kTile;
  const int c0 = blockIdx.x * kTile;
  const int tx = threadIdx.x, ty = threadIdx.y;
  const float* p = P + (size_t)bh * seq * seq;
  const float* v = V + (size_t)bh * seq * head_dim;
  const int key_end = causal ? min(seq, i0 + kTile) : seq;

  float acc[kPerThread];
#pragma unroll
  for (int r = 0; r < kPerThread; ++r) acc[r] = 0.0f;

  for (int j0 = 0; j0 < key_end; j0 += kTile) {
    for (int r = ty; r < kTile; r += kRows) {
      const int i = i0 + r, j = j0 + tx, c = c0 + tx;
      p_tile[r][tx] = (i < seq && j < seq) ? p[(size_t)i * seq + j] : 0.0f;
      v_tile[r][tx] = (j0 + r < seq && c < head_dim) ? v[(size_t)(j0 + r) * head_dim + c] : 0.0f;
    }
    __syncthreads();
    const int jn = min(kTile, seq - j0);
    int limit[kPerThread];  // keys of this tile visible to each of the thread's rows
#pragma unroll
    for (int r = 0; r < kPerThread; ++r) {
      const int i = i0 + ty + r * kRows;
      limit[r] = causal ? max(0, min(jn, i - j0 + 1)) : jn;
    }
    for (int jj = 0; jj < jn; ++jj) {
      const float vv = v_tile[jj][tx];
#pragma unroll
      for (int r = 0; r < kPerThread; ++r) {
        if (jj < limit[r]) acc[r] += p_tile[ty + r * kRows][jj] * vv;
      }
    }
    __syncthreads();
  }

  const int c = c0 + tx;
  if (c < head_dim) {
    float* o = O + (size_t)bh * seq * head_dim;
#pragma unroll
    for (int r = 0; r < kPerThread; ++r) {
      const int i = i0 + ty + r * kRows;
      if (i < seq) o[(size_t)i * head_dim + c] = acc[r];
    }
  }
}

void self_attention_f32(const float* Q, const float* K, const float* V, float* O, int batch,
                        int heads, int seq, int head_dim, int causal) {
  const int bh = batch * heads;
  const size_t qkv_bytes = (size_t)bh * seq * head_dim * sizeof(float);
  const size_t s_bytes = (size_t)bh * seq * seq * sizeof(float);
  float *d_q, *d_k, *d_v, *d_o, *d_s;
  HIP_CHECK(hipMalloc(&d_q, qkv_bytes));
  HIP_CHECK(hipMalloc(&d_k, qkv_bytes));
  HIP_CHECK(hipMalloc(&d_v, qkv_bytes));
  HIP_CHECK(hipMalloc(&d_o, qkv_bytes));
  HIP_CHECK(hipMalloc(&d_s, s_bytes));
  HIP_CHECK(hipMemcpy(d_q, Q, qkv_bytes, hipMemcpyHostToDevice));
  HIP_CHECK(hipMemcpy(d_k, K, qkv_bytes, hipMemcpyHostToDevice));
  HIP_CHECK(hipMemcpy(d_v, V, qkv_bytes, hipMemcpyHostToDevice));

  const float scale = 1.0f / sqrtf((float)head_dim);
  const int seq_tiles = (seq + kTile - 1) / kTile;
  const dim3 block(kTile, kRows);
  hipLaunchKernelGGL(attn_scores_kernel, dim3(seq_tiles, seq_tiles, bh), block, 0, 0, d_q, d_k,
                     d_s, seq, head_dim, scale, causal);
  HIP_CHECK(hipGetLastError());
  const int rows = bh * seq;
  int device = 0, wave = 64;
  HIP_CHECK(hipGetDevice(&device));
  HIP_CHECK(hipDeviceGetAttribute(&wave, hipDeviceAttributeWarpSize, device));
  const int rows_per_block = kSoftmaxBlock / wave;
  hipLaunchKernelGGL(attn_softmax_kernel, dim3((rows + rows_per_block - 1) / rows_per_block),
                     dim3(kSoftmaxBlock), 0, 0, d_s, rows, seq, causal);
  HIP_CHECK(hipGetLastError());
  const int col_tiles = (head_dim + kTile - 1) / kTile;
  hipLaunchKernelGGL(attn_pv_kernel, dim3(col_tiles, seq_tiles, bh), block, 0, 0, d_s, d_v, d_o,
                     seq, head_dim, causal);
  HIP_CHECK(hipGetLastError());
  HIP_CHECK(hipDeviceSynchronize());
  HIP_CHECK(hipMemcpy(O, d_o, qkv_bytes, hipMemcpyDeviceToHost));
  HIP_CHECK(hipFree(d_q));
  HIP_CHECK(hipFree(d_k));
  HIP_CHECK(hipFree(d_v));
  HIP_CHECK(hipFree(d_o));
  HIP_CHECK(hipFree(d_s));
}
