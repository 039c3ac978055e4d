// gemm.cu -- GEMM on NVIDIA GPUs (row-major: C[M][N] = A[M][K] x B[K][N]).
//
//   gemm_f32     : classic shared-memory SGEMM. A 256-thread block owns a 64x64 tile of C and
//                  walks K in steps of 16: the A tile is stored transposed (As[k][m]) and the B
//                  tile as is (Bs[k][n]), both loaded with consecutive threads on consecutive
//                  addresses. Each thread keeps a 4x4 register tile (rows ty+16i, cols tx+16j,
//                  so the final stores are coalesced). Out-of-range loads read 0, stores are
//                  guarded: any M, N, K works.
//   gemm_f16_f32 : tensor cores (nvcuda::wmma 16x16x16, f16 in, f32 accumulate), constant shape.
//                  A block of 4 warps owns a 16x128 tile of C; per K step of 32 it stages A
//                  (16x32) and B (32x128) in shared memory, then each warp issues 2x2 mma_sync
//                  for its 16x32 slice (two accumulators).
//   gemm_u8s8s32 : int8 GEMM with __dp4a (4 byte products per instruction). __dp4a has no
//                  u8 x s8 form, so A is shifted into s8 range with a XOR of 0x80 per byte
//                  (a - 128) and the result corrected by 128 * column sums of B, themselves
//                  computed with __dp4a against 0x01010101. Tiles as in gemm_f32, with K
//                  packed four bytes to a 32-bit word in shared memory.
#include <cuda_runtime.h>
#include <cuda_fp16.h>
#include <mma.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace nvcuda;

#define CUDA_CHECK(expr)                                                      \
  do {                                                                        \
    cudaError_t err_ = (expr);                                                \
    if (err_ != cudaSuccess) {                                                \
      fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__, __LINE__, #expr,    \
              cudaGetErrorString(err_));                                      \
      exit(EXIT_FAILURE);                                                     \
    }                                                                         \
  } while (0)

// ------------------------------------------------------------------ f32 ---
constexpr int BM = 64, BN = 64, BK = 16;
constexpr int TDIM = 16;  // 16 x 16 threads, 4 x 4 outputs each

__global__ void __launch_bounds__(TDIM * TDIM)
    sgemm_kernel(const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C,
                 int M, int N, int K) {
  __shared__ float As[BK][BM + 4];  // transposed A tile; +4 breaks store bank conflicts
  __shared__ float Bs[BK][BN];

  const int tx = threadIdx.x, ty = threadIdx.y;
  const int tid = ty * TDIM + tx;
  const int row0 = blockIdx.y * BM, col0 = blockIdx.x * BN;

  float acc[4][4] = {};
  for (int k0 = 0; k0 < K; k0 += BK) {
#pragma unroll
    for (int l = 0; l < 4; ++l) {
      const int idx = tid + l * TDIM * TDIM;
      // A tile: 64 rows x 16 k; 16 consecutive threads read one row segment
      const int ar = idx / BK, ak = idx % BK;
      const int gr = row0 + ar, gk = k0 + ak;
      As[ak][ar] = (gr < M && gk < K) ? A[(size_t)gr * K + gk] : 0.0f;
      // B tile: 16 k x 64 columns; 64 consecutive threads read one row segment
      const int bk = idx / BN, bc = idx % BN;
      const int gkb = k0 + bk, gc = col0 + bc;
      Bs[bk][bc] = (gkb < K && gc < N) ? B[(size_t)gkb * N + gc] : 0.0f;
    }
    __syncthreads();

#pragma unroll
    for (int kk = 0; kk < BK; ++kk) {
      float a[4], b[4];
#pragma unroll
      for (int i = 0; i < 4; ++i) a[i] = As[kk][ty + TDIM * i];
#pragma unroll
      for (int j = 0; j < 4; ++j) b[j] = Bs[kk][tx + TDIM * j];
#pragma unroll
      for (int i = 0; i < 4; ++i)
#pragma unroll
        for (int j = 0; j < 4; ++j) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
    }
    __syncthreads();
  }

#pragma unroll
  for (int i = 0; i < 4; ++i) {
    const int r = row0 + ty + TDIM * i;
    if (r >= M) continue;
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      const int c = col0 + tx + TDIM * j;
      if (c < N) C[(size_t)r * N + c] = acc[i][j];
    }
  }
}

void gemm_f32(const float* A, const float* B, float* C, int M, int N, int K) {
  float *dA, *dB, *dC;
  CUDA_CHECK(cudaMalloc(&dA, (size_t)M * K * sizeof(float)));
  CUDA_CHECK(cudaMalloc(&dB, (size_t)K * N * sizeof(float)));
  CUDA_CHECK(cudaMalloc(&dC, (size_t)M * N * sizeof(float)));
  CUDA_CHECK(cudaMemcpy(dA, A, (size_t)M * K * sizeof(float), cudaMemcpyHostToDevice));
  CUDA_CHECK(cudaMemcpy(dB, B, (size_t)K * N * sizeof(float), cudaMemcpyHostToDevice));
  dim3 block(TDIM, TDIM);
  dim3 grid((N + BN - 1) / BN, (M + BM - 1) / BM);
  sgemm_kernel<<<grid, block>>>(dA, dB, dC, M, N, K);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(cudaDeviceSynchronize());
  CUDA_CHECK(cudaMemcpy(C, dC, (size_t)M * N * sizeof(float), cudaMemcpyDeviceToHost));
  CUDA_CHECK(cudaFree(dA));
  CUDA_CHECK(cudaFree(dB));
  CUDA_CHECK(cudaFree(dC));
}

// ------------------------------------------------------------- f16 wmma ---
// BERT-tiny (hidden 128) FFN1 (128 -> 512), sequence of 16 tokens.
constexpr int GEMM_F16_M = 16, GEMM_F16_N = 512, GEMM_F16_K = 128;
constexpr int WM = 16, WN = 16, WK = 16;
constexpr int HBM = 16, HBN = 128, HBK = 32;  // block tile; 4 warps side by side along N
static_assert(GEMM_F16_M % HBM == 0 && GEMM_F16_N % HBN == 0 && GEMM_F16_K % HBK == 0,
              "the constant shape must be a multiple of the block tile");

__global__ void __launch_bounds__(128)
    hgemm_wmma_kernel(const __half* __restrict__ A, const __half* __restrict__ B,
                      float* __restrict__ C) {
  constexpr int N = GEMM_F16_N, K = GEMM_F16_K;
  __shared__ __half As[HBM][HBK + 8];  // +8 halves keeps 16-byte alignment, spreads banks
  __shared__ __half Bs[HBK][HBN + 8];

  const int tid = threadIdx.x;
  const int warp = tid / 32;
  const int wc = warp;  // the warp's 16x32 slice of the 16x128 tile
  const int row0 = blockIdx.y * HBM, col0 = blockIdx.x * HBN;

  wmma::fragment<wmma::matrix_a, WM, WN, WK, __half, wmma::row_major> aFrag;
  wmma::fragment<wmma::matrix_b, WM, WN, WK, __half, wmma::row_major> bFrag;
  wmma::fragment<wmma::accumulator, WM, WN, WK, float> acc[2];
  wmma::fill_fragment(acc[0], 0.0f);
  wmma::fill_fragment(acc[1], 0.0f);

  for (int k0 = 0; k0 < K; k0 += HBK) {
    // 32x32 halves of A and 32x64 halves of B, consecutive threads on consecutive columns
    for (int idx = tid; idx < HBM * HBK; idx += 128)
      As[idx / HBK][idx % HBK] = A[(size_t)(row0 + idx / HBK) * K + k0 + idx % HBK];
    for (int idx = tid; idx < HBK * HBN; idx += 128)
      Bs[idx / HBN][idx % HBN] = B[(size_t)(k0 + idx / HBN) * N + col0 + idx % HBN];
    __syncthreads();
#pragma unroll
    for (int kk = 0; kk < HBK; kk += WK) {
      wmma::load_matrix_sync(aFrag, &As[0][kk], HBK + 8);
#pragma unroll
      for (int j = 0; j < 2; ++j) {
        wmma::load_matrix_sync(bFrag, &Bs[kk][wc * 32 + j * WN], HBN + 8);
        wmma::mma_sync(acc[j], aFrag, bFrag, acc[j]);
      }
    }
    __syncthreads();
  }
#pragma unroll
  for (int j = 0; j < 2; ++j)
    wmma::store_matrix_sync(C + (size_t)row0 * N + col0 + wc * 32 + j * WN, acc[j], N,
                            wmma::mem_row_major);
}

void gemm_f16_f32(const __half* A, const __half* B, float* C) {
  constexpr int M = GEMM_F16_M, N = GEMM_F16_N, K = GEMM_F16_K;
  __half *dA, *dB;
  float* dC;
  CUDA_CHECK(cudaMalloc(&dA, (size_t)M * K * sizeof(__half)));
  CUDA_CHECK(cudaMalloc(&dB, (size_t)K * N * sizeof(__half)));
  CUDA_CHECK(cudaMalloc(&dC, (size_t)M * N * sizeof(float)));
  CUDA_CHECK(cudaMemcpy(dA, A, (size_t)M * K * sizeof(__half), cudaMemcpyHostToDevice));
  CUDA_CHECK(cudaMemcpy(dB, B, (size_t)K * N * sizeof(__half), cudaMemcpyHostToDevice));
  dim3 grid(N / HBN, M / HBM);
  hgemm_wmma_kernel<<<grid, 128>>>(dA, dB, dC);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(cudaDeviceSynchronize());
  CUDA_CHECK(cudaMemcpy(C, dC, (size_t)M * N * sizeof(float), cudaMemcpyDeviceToHost));
  CUDA_CHECK(cudaFree(dA));
  CUDA_CHECK(cudaFree(dB));
  CUDA_CHECK(cudaFree(dC));
}

// ------------------------------------------------------------ int8 dp4a ---
constexpr int QBK = 32;        // K bytes per stage
constexpr int QBQ = QBK / 4;   // packed 32-bit words per stage

__global__ void __launch_bounds__(TDIM * TDIM)
    gemm_u8s8_dp4a_kernel(const uint8_t* __restrict__ A, const int8_t* __restrict__ B,
                          int32_t* __restrict__ C, int M, int N, int K) {
  __shared__ int As[QBQ][BM];  // As[q][m] = bytes A[m][4q..4q+3] ^ 0x80 (s8 = a - 128)
  __shared__ int Bs[QBQ][BN];  // Bs[q][n] = bytes B[4q..4q+3][n]

  const int tx = threadIdx.x, ty = threadIdx.y;
  const int tid = ty * TDIM + tx;
  const int row0 = blockIdx.y * BM, col0 = blockIdx.x * BN;

  int acc[4][4] = {};
  int colsum[4] = {};
  for (int k0 = 0; k0 < K; k0 += QBK) {
#pragma unroll
    for (int l = 0; l < 2; ++l) {
      const int idx = tid + l * TDIM * TDIM;
      // A: 64 rows x 8 words; consecutive threads walk along K of one row
      const int ar = idx / QBQ, aq = idx % QBQ;
      const int gr = row0 + ar;
      unsigned int wa = 0;
#pragma unroll
      for (int r = 0; r < 4; ++r) {
        const int gk = k0 + 4 * aq + r;
        const unsigned int v = (gr < M && gk < K) ? A[(size_t)gr * K + gk] : 0u;
        wa |= v << (8 * r);
      }
      As[aq][ar] = (int)(wa ^ 0x80808080u);
      // B: 8 words x 64 columns; consecutive threads on consecutive columns
      const int bq = idx / BN, bc = idx % BN;
      const int gc = col0 + bc;
      unsigned int wb = 0;
#pragma unroll
      for (int r = 0; r < 4; ++r) {
        const int gk = k0 + 4 * bq + r;
        const unsigned int v = (gk < K && gc < N) ? (unsigned char)B[(size_t)gk * N + gc] : 0u;
        wb |= v << (8 * r);
      }
      Bs[bq][bc] = (int)wb;  // zero padding past K cancels the shifted A bytes
    }
    __syncthreads();

#pragma unroll
    for (int q = 0; q < QBQ; ++q) {
      int a[4], b[4];
#pragma unroll
      for (int i = 0; i < 4; ++i) a[i] = As[q][ty + TDIM * i];
#pragma unroll
      for (int j = 0; j < 4; ++j) {
        b[j] = Bs[q][tx + TDIM * j];
        colsum[j] = __dp4a(0x01010101, b[j], colsum[j]);
      }
#pragma unroll
      for (int i = 0; i < 4; ++i)
#pragma unroll
        for (int j = 0; j < 4; ++j) acc[i][j] = __dp4a(a[i], b[j], acc[i][j]);
    }
    __syncthreads();
  }

#pragma unroll
  for (int i = 0; i < 4; ++i) {
    const int r = row0 + ty + TDIM * i;
    if (r >= M) continue;
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      const int c = col0 + tx + TDIM * j;
      if (c < N) C[(size_t)r * N + c] = acc[i][j] + 128 * colsum[j];
    }
  }
}

void gemm_u8s8s32(const uint8_t* A, const int8_t* B, int32_t* C, int M, int N, int K) {
  uint8_t* dA;
  int8_t* dB;
  int32_t* dC;
  CUDA_CHECK(cudaMalloc(&dA, (size_t)M * K));
  CUDA_CHECK(cudaMalloc(&dB, (size_t)K * N));
  CUDA_CHECK(cudaMalloc(&dC, (size_t)M * N * sizeof(int32_t)));
  CUDA_CHECK(cudaMemcpy(dA, A, (size_t)M * K, cudaMemcpyHostToDevice));
  CUDA_CHECK(cudaMemcpy(dB, B, (size_t)K * N, cudaMemcpyHostToDevice));
  dim3 block(TDIM, TDIM);
  dim3 grid((N + BN - 1) / BN, (M + BM - 1) / BM);
  gemm_u8s8_dp4a_kernel<<<grid, block>>>(dA, dB, dC, M, N, K);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(cudaDeviceSynchronize());
  CUDA_CHECK(cudaMemcpy(C, dC, (size_t)M * N * sizeof(int32_t), cudaMemcpyDeviceToHost));
  CUDA_CHECK(cudaFree(dA));
  CUDA_CHECK(cudaFree(dB));
  CUDA_CHECK(cudaFree(dC));
}
