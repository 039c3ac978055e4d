// gemm.hip -- GEMM on AMD Instinct (CDNA2, gfx90a; wavefront 64). Row-major C = A x B.
//
//   gemm_f32     : LDS-tiled SGEMM. A 256-thread workgroup (4 wavefronts) owns a 64x64 tile
//                  of C and walks K in steps of 16: the A tile goes to LDS transposed
//                  (As[k][m]), the B tile as is, both with consecutive lanes on consecutive
//                  addresses. Each thread keeps a 4x4 register tile (rows ty+16i, cols tx+16j,
//                  coalesced stores). Zero-filled loads and guarded stores: any M, N, K.
//   gemm_f16_f32 : matrix cores, __builtin_amdgcn_mfma_f32_16x16x16f16, constant shape.
//                  4 wavefronts own a 16x64 tile (one 16x16 tile each); per K step of 32, A
//                  (16x32) and B (32x64) are staged in LDS, then each wavefront issues two mfma
//                  into its f32 accumulator.
//   gemm_u8s8s32 : matrix cores, __builtin_amdgcn_mfma_i32_16x16x16i8 (s8 x s8 -> s32). A is
//                  moved into s8 range with a per-byte XOR 0x80 (a - 128) and the result is
//                  corrected by 128 * column sums of B (each lane sums the bytes of B it feeds,
//                  then the four lane groups combine with __shfl_xor). 4 wavefronts own a 32x32
//                  tile; K is staged 64 bytes at a time in LDS, packed 4 bytes to a word.
#include <hip/hip_runtime.h>

#include <cstdint>
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

typedef _Float16 half4_t __attribute__((ext_vector_type(4)));
typedef float float4_t __attribute__((ext_vector_type(4)));
typedef int int4_t __attribute__((ext_vector_type(4)));

// ------------------------------------------------------------------ f32 ---
constexpr int BM = 64, BN = 64, BK = 16;
constexpr int TDIM = 16;  // 16 x 16 threads, 4 x 4 outputs each

__global__ void __launch_bounds__(TDIM * TDIM)
    sgemm_kernel(const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C,
                 int M, int N, int K) {
  __shared__ float As[BK][BM + 4];  // transposed A tile
  __shared__ float Bs[BK][BN];

  const int tx = threadIdx.x, ty = threadIdx.y;
  const int tid = ty * TDIM + tx;
  const int row0 = blockIdx.y * BM, col0 = blockIdx.x * BN;

  float acc[4][4] = {};
  for (int k0 = 0; k0 < K; k0 += BK) {
#pragma unroll
    for (int l = 0; l < 4; ++l) {
      const int idx = tid + l * TDIM * TDIM;
      const int ar = idx / BK, ak = idx % BK;
      const int gr = row0 + ar, gk = k0 + ak;
      As[ak][ar] = (gr < M && gk < K) ? A[(size_t)gr * K + gk] : 0.0f;
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
  HIP_CHECK(hipMalloc(&dA, (size_t)M * K * sizeof(float)));
  HIP_CHECK(hipMalloc(&dB, (size_t)K * N * sizeof(float)));
  HIP_CHECK(hipMalloc(&dC, (size_t)M * N * sizeof(float)));
  HIP_CHECK(hipMemcpy(dA, A, (size_t)M * K * sizeof(float), hipMemcpyHostToDevice));
  HIP_CHECK(hipMemcpy(dB, B, (size_t)K * N * sizeof(float), hipMemcpyHostToDevice));
  dim3 block(TDIM, TDIM);
  dim3 grid((N + BN - 1) / BN, (M + BM - 1) / BM);
  hipLaunchKernelGGL(sgemm_kernel, grid, block, 0, 0, dA, dB, dC, M, N, K);
  HIP_CHECK(hipGetLastError());
  HIP_CHECK(hipDeviceSynchronize());
  HIP_CHECK(hipMemcpy(C, dC, (size_t)M * N * sizeof(float), hipMemcpyDeviceToHost));
  HIP_CHECK(hipFree(dA));
  HIP_CHECK(hipFree(dB));
  HIP_CHECK(hipFree(dC));
}

// ------------------------------------------------------------- f16 mfma ---
// BERT-tiny (hidden 128) FFN1 (128 -> 512), sequence of 16 tokens.
constexpr int GEMM_F16_M = 16, GEMM_F16_N = 512, GEMM_F16_K = 128;
constexpr int kWave = 64;
constexpr int HBM = 16, HBN = 64, HBK = 32;  // workgroup tile; 4 wavefronts along N
static_assert(GEMM_F16_M % HBM == 0 && GEMM_F16_N % HBN == 0 && GEMM_F16_K % HBK == 0,
              "the constant shape must be a multiple of the workgroup tile");

__global__ void __launch_bounds__(4 * kWave)
    hgemm_mfma_kernel(const _Float16* __restrict__ A, const _Float16* __restrict__ B,
                      float* __restrict__ C) {
  constexpr int N = GEMM_F16_N, K = GEMM_F16_K;
  __shared__ _Float16 As[HBM][HBK + 4];
  __shared__ _Float16 Bs[HBK][HBN + 4];

  const int tid = threadIdx.x;
  const int wave = tid / kWave, lane = tid % kWave;
  const int r = lane % 16;   // row of A / column of B this lane feeds
  const int kq = lane / 16;  // which 4 of the 16 k values
  const int row0 = blockIdx.y * HBM, col0 = blockIdx.x * HBN;

  float4_t acc = {0.0f, 0.0f, 0.0f, 0.0f};
  for (int k0 = 0; k0 < K; k0 += HBK) {
    for (int idx = tid; idx < HBM * HBK; idx += 4 * kWave)
      As[idx / HBK][idx % HBK] = A[(size_t)(row0 + idx / HBK) * K + k0 + idx % HBK];
    for (int idx = tid; idx < HBK * HBN; idx += 4 * kWave)
      Bs[idx / HBN][idx % HBN] = B[(size_t)(k0 + idx / HBN) * N + col0 + idx % HBN];
    __syncthreads();
#pragma unroll
    for (int kk = 0; kk < HBK; kk += 16) {
      half4_t a, b;
#pragma unroll
      for (int i = 0; i < 4; ++i) {
        a[i] = As[r][kk + 4 * kq + i];
        b[i] = Bs[kk + 4 * kq + i][wave * 16 + r];
      }
      acc = __builtin_amdgcn_mfma_f32_16x16x16f16(a, b, acc, 0, 0, 0);
    }
    __syncthreads();
  }
  // D layout: lane holds rows 4*kq + i of column r
#pragma unroll
  for (int i = 0; i < 4; ++i)
    C[(size_t)(row0 + 4 * kq + i) * N + col0 + wave * 16 + r] = acc[i];
}

void gemm_f16_f32(const _Float16* A, const _Float16* B, float* C) {
  constexpr int M = GEMM_F16_M, N = GEMM_F16_N, K = GEMM_F16_K;
  _Float16 *dA, *dB;
  float* dC;
  HIP_CHECK(hipMalloc(&dA, (size_t)M * K * sizeof(_Float16)));
  HIP_CHECK(hipMalloc(&dB, (size_t)K * N * sizeof(_Float16)));
  HIP_CHECK(hipMalloc(&dC, (size_t)M * N * sizeof(float)));
  HIP_CHECK(hipMemcpy(dA, A, (size_t)M * K * sizeof(_Float16), hipMemcpyHostToDevice));
  HIP_CHECK(hipMemcpy(dB, B, (size_t)K * N * sizeof(_Float16), hipMemcpyHostToDevice));
  dim3 grid(N / HBN, M / HBM);
  hipLaunchKernelGGL(hgemm_mfma_kernel, grid, dim3(4 * kWave), 0, 0, dA, dB, dC);
  HIP_CHECK(hipGetLastError());
  HIP_CHECK(hipDeviceSynchronize());
  HIP_CHECK(hipMemcpy(C, dC, (size_t)M * N * sizeof(float), hipMemcpyDeviceToHost));
  HIP_CHECK(hipFree(dA));
  HIP_CHECK(hipFree(dB));
  HIP_CHECK(hipFree(dC));
}

// ------------------------------------------------------------ int8 mfma ---
constexpr int QBM = 32, QBN = 32, QBK = 64;  // workgroup tile; 4 wavefronts = 2 x 2 tiles of 16x16
constexpr int QBW = QBK / 4;                 // packed words per row per stage

__device__ __forceinline__ int byte_sum(int w) {
  return (int)(signed char)(w & 0xff) + (int)(signed char)((w >> 8) & 0xff) +
         (int)(signed char)((w >> 16) & 0xff) + (int)(signed char)((w >> 24) & 0xff);
}

__global__ void __launch_bounds__(4 * kWave)
    gemm_u8s8_mfma_kernel(const uint8_t* __restrict__ A, const int8_t* __restrict__ B,
                          int32_t* __restrict__ C, int M, int N, int K) {
  __shared__ int As[QBM][QBW + 1];  // As[m][q] = A[m][4q..4q+3] ^ 0x80 per byte
  __shared__ int Bs[QBW][QBN + 1];  // Bs[q][n] = B[4q..4q+3][n]

  const int tid = threadIdx.x;
  const int wave = tid / kWave, lane = tid % kWave;
  const int wr = wave / 2, wc = wave % 2;
  const int r = lane % 16, kq = lane / 16;
  const int row0 = blockIdx.y * QBM, col0 = blockIdx.x * QBN;

  int4_t acc = {0, 0, 0, 0};
  int colsum = 0;  // partial sum of the B bytes this lane feeds (column wc*16 + r)
  for (int k0 = 0; k0 < K; k0 += QBK) {
#pragma unroll
    for (int l = 0; l < 2; ++l) {
      const int idx = tid + l * 4 * kWave;
      // A: 32 rows x 16 words, consecutive lanes along K of one row
      const int ar = idx / QBW, aq = idx % QBW;
      const int gr = row0 + ar;
      unsigned int wa = 0;
#pragma unroll
      for (int b = 0; b < 4; ++b) {
        const int gk = k0 + 4 * aq + b;
        const unsigned int v = (gr < M && gk < K) ? A[(size_t)gr * K + gk] : 0u;
        wa |= v << (8 * b);
      }
      As[ar][aq] = (int)(wa ^ 0x80808080u);
      // B: 16 words x 32 columns, consecutive lanes on consecutive columns
      const int bq = idx / QBN, bc = idx % QBN;
      const int gc = col0 + bc;
      unsigned int wb = 0;
#pragma unroll
      for (int b = 0; b < 4; ++b) {
        const int gk = k0 + 4 * bq + b;
        const unsigned int v = (gk < K && gc < N) ? (unsigned char)B[(size_t)gk * N + gc] : 0u;
        wb |= v << (8 * b);
      }
      Bs[bq][bc] = (int)wb;  // zeros past K cancel the shifted A padding
    }
    __syncthreads();
#pragma unroll
    for (int s = 0; s < QBW; s += 4) {  // 16 k per mfma
      const int a = As[wr * 16 + r][s + kq];
      const int b = Bs[s + kq][wc * 16 + r];
      colsum += byte_sum(b);
      acc = __builtin_amdgcn_mfma_i32_16x16x16i8(a, b, acc, 0, 0, 0);
    }
    __syncthreads();
  }
  // lanes r, r+16, r+32, r+48 fed the four k groups of the same column
  colsum += __shfl_xor(colsum, 16);
  colsum += __shfl_xor(colsum, 32);

  const int c = col0 + wc * 16 + r;
  if (c < N) {
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      const int row = row0 + wr * 16 + 4 * kq + i;
      if (row < M) C[(size_t)row * N + c] = acc[i] + 128 * colsum;
    }
  }
}

void gemm_u8s8s32(const uint8_t* A, const int8_t* B, int32_t* C, int M, int N, int K) {
  uint8_t* dA;
  int8_t* dB;
  int32_t* dC;
  HIP_CHECK(hipMalloc(&dA, (size_t)M * K));
  HIP_CHECK(hipMalloc(&dB, (size_t)K * N));
  HIP_CHECK(hipMalloc(&dC, (size_t)M * N * sizeof(int32_t)));
  HIP_CHECK(hipMemcpy(dA, A, (size_t)M * K, hipMemcpyHostToDevice));
  HIP_CHECK(hipMemcpy(dB, B, (size_t)K * N, hipMemcpyHostToDevice));
  dim3 grid((N + QBN - 1) / QBN, (M + QBM - 1) / QBM);
  hipLaunchKernelGGL(gemm_u8s8_mfma_kernel, grid, dim3(4 * kWave), 0, 0, dA, dB, dC, M, N, K);
  HIP_CHECK(hipGetLastError());
  HIP_CHECK(hipDeviceSynchronize());
  HIP_CHECK(hipMemcpy(C, dC, (size_t)M * N * sizeof(int32_t), hipMemcpyDeviceToHost));
  HIP_CHECK(hipFree(dA));
  HIP_CHECK(hipFree(dB));
  HIP_CHECK(hipFree(dC));
}
