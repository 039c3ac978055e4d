// gemm.cpp -- GEMM with AVX-512 (+ VNNI for int8) and OpenMP. Row-major C = A x B.
//
//   gemm_f32     : register-blocked micro-kernel: 4 rows x 32 columns of C live in 8 zmm
//                  accumulators; per k, two 16-float loads of B are shared by four broadcast
//                  A values (8 FMAs per 6 loads). Column tails use 16-bit masks, row tails a
//                  1-row kernel. OpenMP splits the (row block, column block) pairs.
//   gemm_f16_f32 : f16 rows of B widened on the fly with vcvtph2ps (f16 x f16 products are exact
//                  in f32), 1 row x 32 columns of C in two zmm accumulators, OpenMP over
//                  (row, column block).
//   gemm_u8s8s32 : vpdpbusd (_mm512_dpbusd_epi32): u8 x s8 products, four consecutive k per
//                  32-bit lane. B is repacked once to Bp[k/4][n][4] (K zero-padded to a
//                  multiple of 4) so one 64-byte load feeds 16 columns x 4 k, and a broadcast
//                  32-bit word of A supplies the matching four k. 4 rows x 32 columns of C per
//                  micro-kernel, masked column tails, exact int32 accumulation.
#include <immintrin.h>
#include <omp.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

static inline __mmask16 tail_mask(int remaining) {
  return remaining >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << remaining) - 1u);
}

// ------------------------------------------------------------------ f32 ---
template <int R>
static inline void sgemm_block(const float* A, const float* B, float* C, int N, int K, int i,
                               int j) {
  const __mmask16 m0 = tail_mask(N - j);
  const __mmask16 m1 = j + 16 < N ? tail_mask(N - j - 16) : (__mmask16)0;
  __m512 c0[R], c1[R];
  for (int r = 0; r < R; ++r) c0[r] = c1[r] = _mm512_setzero_ps();
  for (int k = 0; k < K; ++k) {
    const float* brow = B + (size_t)k * N + j;
    const __m512 b0 = _mm512_maskz_loadu_ps(m0, brow);
    const __m512 b1 = _mm512_maskz_loadu_ps(m1, brow + 16);
    for (int r = 0; r < R; ++r) {
      const __m512 a = _mm512_set1_ps(A[(size_t)(i + r) * K + k]);
      c0[r] = _mm512_fmadd_ps(a, b0, c0[r]);
      c1[r] = _mm512_fmadd_ps(a, b1, c1[r]);
    }
  }
  for (int r = 0; r < R; ++r) {
    float* crow = C + (size_t)(i + r) * N + j;
    _mm512_mask_storeu_ps(crow, m0, c0[r]);
    _mm512_mask_storeu_ps(crow + 16, m1, c1[r]);
  }
}

void gemm_f32(const float* A, const float* B, float* C, int M, int N, int K) {
  const int rowBlocks = (M + 3) / 4, colBlocks = (N + 31) / 32;
#pragma omp parallel for collapse(2) schedule(static)
  for (int ib = 0; ib < rowBlocks; ++ib)
    for (int jb = 0; jb < colBlocks; ++jb) {
      const int i = ib * 4, j = jb * 32;
      if (i + 4 <= M) {
        sgemm_block<4>(A, B, C, N, K, i, j);
      } else {
        for (int r = i; r < M; ++r) sgemm_block<1>(A, B, C, N, K, r, j);
      }
    }
}

// ------------------------------------------------------------------ f16 ---
// BERT-tiny (hidden 128) FFN1 (128 -> 512), sequence of 16 tokens.
constexpr int GEMM_F16_M = 16, GEMM_F16_N = 512, GEMM_F16_K = 128;
static_assert(GEMM_F16_N % 32 == 0, "constant shape: whole 32-column blocks");

void gemm_f16_f32(const _Float16* A, const _Float16* B, float* C) {
  constexpr int N = GEMM_F16_N, K = GEMM_F16_K;
#pragma omp parallel for collapse(2) schedule(static)
  for (int i = 0; i < GEMM_F16_M; ++i)
    for (int j = 0; j < N; j += 32) {
      __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
      for (int k = 0; k < K; ++k) {
        const _Float16* brow = B + (size_t)k * N + j;
        const __m256i h0 = _mm256_loadu_si256((const __m256i*)brow);
        const __m256i h1 = _mm256_loadu_si256((const __m256i*)(brow + 16));
        const __m512 a = _mm512_set1_ps((float)A[(size_t)i * K + k]);
        acc0 = _mm512_fmadd_ps(a, _mm512_maskz_cvtph_ps(0xFFFF, h0), acc0);
        acc1 = _mm512_fmadd_ps(a, _mm512_maskz_cvtph_ps(0xFFFF, h1), acc1);
      }
      _mm512_storeu_ps(C + (size_t)i * N + j, acc0);
      _mm512_storeu_ps(C + (size_t)i * N + j + 16, acc1);
    }
}

// ----------------------------------------------------------------- int8 ---
// Four consecutive A bytes starting at k0, zero padded past K.
static inline int32_t load_a4(const uint8_t* row, int k0, int K) {
  int32_t w = 0;
  std::memcpy(&w, row + k0, (size_t)(K - k0 >= 4 ? 4 : K - k0));
  return w;
}

template <int R>
static inline void qgemm_block(const uint8_t* A, const int32_t* Bw, int32_t* C, int N, int K,
                               int i, int j) {
  const int KB = (K + 3) / 4;
  const __mmask16 m0 = tail_mask(N - j);
  const __mmask16 m1 = j + 16 < N ? tail_mask(N - j - 16) : (__mmask16)0;
  __m512i c0[R], c1[R];
  for (int r = 0; r < R; ++r) c0[r] = c1[r] = _mm512_setzero_si512();
  for (int kb = 0; kb < KB; ++kb) {
    const int32_t* bw = Bw + (size_t)kb * N + j;
    const __m512i b0 = _mm512_maskz_loadu_epi32(m0, bw);
    const __m512i b1 = _mm512_maskz_loadu_epi32(m1, bw + 16);
    for (int r = 0; r < R; ++r) {
      const __m512i a = _mm512_set1_epi32(load_a4(A + (size_t)(i + r) * K, 4 * kb, K));
      c0[r] = _mm512_dpbusd_epi32(c0[r], a, b0);
      c1[r] = _mm512_dpbusd_epi32(c1[r], a, b1);
    }
  }
  for (int r = 0; r < R; ++r) {
    int32_t* crow = C + (size_t)(i + r) * N + j;
    _mm512_mask_storeu_epi32(crow, m0, c0[r]);
    _mm512_mask_storeu_epi32(crow + 16, m1, c1[r]);
  }
}

void gemm_u8s8s32(const uint8_t* A, const int8_t* B, int32_t* C, int M, int N, int K) {
  const int KB = (K + 3) / 4;
  // VNNI layout: Bp[kb][n][0..3] = B[4kb + 0..3][n], zero padded past K
  int8_t* Bp = static_cast<int8_t*>(std::malloc((size_t)KB * N * 4));
#pragma omp parallel for schedule(static)
  for (int kb = 0; kb < KB; ++kb)
    for (int n = 0; n < N; ++n)
      for (int r = 0; r < 4; ++r) {
        const int k = 4 * kb + r;
        Bp[((size_t)kb * N + n) * 4 + r] = k < K ? B[(size_t)k * N + n] : (int8_t)0;
      }
  const int32_t* Bw = reinterpret_cast<const int32_t*>(Bp);

  const int rowBlocks = (M + 3) / 4, colBlocks = (N + 31) / 32;
#pragma omp parallel for collapse(2) schedule(static)
  for (int ib = 0; ib < rowBlocks; ++ib)
    for (int jb = 0; jb < colBlocks; ++jb) {
      const int i = ib * 4, j = jb * 32;
      if (i + 4 <= M) {
        qgemm_block<4>(A, Bw, C, N, K, i, j);
      } else {
        for (int r = i; r < M; ++r) qgemm_block<1>(A, Bw, C, N, K, r, j);
      }
    }
  std::free(Bp);
}
