// gemv.cpp -- y[M] = A[M][K] x x[K] (f32, row-major) with AVX-512 and OpenMP.
//
// OpenMP splits the rows; each row is a dot product with x held in cache: two 16-float FMA
// accumulators walk the row 32 floats at a time, a masked load handles the K tail, and
// a butterfly of shuffles folds the lanes.
#include <immintrin.h>
#include <omp.h>


// Sum of the 16 lanes (butterfly over 128-bit blocks, then within them). The full-mask forms
// spell out the pass-through operand (GCC 12 warns on the unmasked ones' undefined operand).
static inline float hsum(__m512 v) {
  const __mmask16 all = 0xFFFF;
  v = _mm512_add_ps(v, _mm512_mask_shuffle_f32x4(v, all, v, v, _MM_SHUFFLE(1, 0, 3, 2)));
  v = _mm512_add_ps(v, _mm512_mask_shuffle_f32x4(v, all, v, v, _MM_SHUFFLE(2, 3, 0, 1)));
  v = _mm512_add_ps(v, _mm512_mask_permute_ps(v, all, v, _MM_SHUFFLE(1, 0, 3, 2)));
  v = _mm512_add_ps(v, _mm512_mask_permute_ps(v, all, v, _MM_SHUFFLE(2, 3, 0, 1)));
  return _mm512_cvtss_f32(v);
}

void gemv_f32(const float* A, const float* x, float* y, int M, int K) {
#pragma omp parallel for schedule(static)
  for (int i = 0; i < M; ++i) {
    const float* a = A + (size_t)i * K;
    __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
    int k = 0;
    for (; k + 32 <= K; k += 32) {
      const __m512 a0 = _mm512_loadu_ps(a + k), a1 = _mm512_loadu_ps(a + k + 16);
      const __m512 x0 = _mm512_loadu_ps(x + k), x1 = _mm512_loadu_ps(x + k + 16);
      s0 = _mm512_fmadd_ps(a0, x0, s0);
      s1 = _mm512_fmadd_ps(a1, x1, s1);
    }
    for (; k < K; k += 16) {
      const int rem = K - k;
      const __mmask16 m = rem >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << rem) - 1u);
      const __m512 a0 = _mm512_maskz_loadu_ps(m, a + k), x0 = _mm512_maskz_loadu_ps(m, x + k);
      s0 = _mm512_fmadd_ps(a0, x0, s0);
    }
    y[i] = hsum(_mm512_add_ps(s0, s1));
  }
}
