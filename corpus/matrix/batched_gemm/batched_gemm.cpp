// batched_gemm.cpp -- batched SGEMM with AVX-512 and OpenMP: C[b] = A[b] x B[b], row-major,
// batches contiguous (attention scores Q K^T / context P V, batch = batch size x heads).
//
// OpenMP splits the (batch, 4-row block, 32-column block) triples, so even a one-row decode step
// (M = 1) spreads over the cores. Register-blocked micro-kernel: 4 rows x 32 columns of C[b] in 8
// zmm accumulators; per k two 16-float loads of B[b] are shared by four broadcast A values. Column
// tails use 16-bit masks, row tails a 1-row kernel.
#include <immintrin.h>
#include <omp.h>

#include <cstddef>

static inline __mmask16 tail_mask(int remaining) {
  return remaining >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << remaining) - 1u);
}

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

void bgemm_f32(const float* A, const float* B, float* C, int batch, int M, int N, int K) {
  const int rowBlocks = (M + 3) / 4, colBlocks = (N + 31) / 32;
#pragma omp parallel for collapse(3) schedule(static)
  for (int b = 0; b < batch; ++b)
    for (int ib = 0; ib < rowBlocks; ++ib)
      for (int jb = 0; jb < colBlocks; ++jb) {
        const float* Ab = A + (size_t)b * M * K;
        const float* Bb = B + (size_t)b * K * N;
        float* Cb = C + (size_t)b * M * N;
        const int i = ib * 4, j = jb * 32;
        if (i + 4 <= M) {
          sgemm_block<4>(Ab, Bb, Cb, N, K, i, j);
        } else {
          for (int r = i; r < M; ++r) sgemm_block<1>(Ab, Bb, Cb, N, K, r, j);
        }
      }
}
