// softmax.cpp -- row softmax, y = exp(x - max) / sum exp(x - max)
// (AVX-512 + OpenMP, f32).
//
// Rows are distributed over threads (OpenMP, static schedule). Each row is
// processed in three vectorised passes of 16 floats with a masked last
// vector: the maximum (masked lanes read -inf), the exponentials of x - max,
// stored to y and summed in a vector accumulator, and a final scaling of y
// by 1 / sum. exp is vectorised in the usual way: k = round(x * log2 e),
// r = x - k ln 2 (Cody-Waite split), a degree-6 polynomial for e^r (Cephes
// expf coefficients) and _mm512_scalef_ps for 2^k, which underflows to 0
// exactly like expf for very negative arguments.
// GCC 12's avx512fintrin.h trips -Wmaybe-uninitialized (GCC bug 105593,
// `__m512 __Y = __Y;` in _mm512_undefined_ps) when intrinsics are inlined
// into an OpenMP-outlined function; silence it for the header only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#include <omp.h>

#include <cmath>
#include <cstdint>

static inline __mmask16 tail_mask16(int64_t n) {
  return n >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << n) - 1u);
}

static inline __m512 exp512_ps(__m512 x) {
  x = _mm512_min_ps(x, _mm512_set1_ps(89.0f));
  x = _mm512_max_ps(x, _mm512_set1_ps(-104.0f));
  const __m512 k = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                        _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(k, _mm512_set1_ps(0.693359375f), x);
  r = _mm512_fnmadd_ps(k, _mm512_set1_ps(-2.12194440e-4f), r);
  __m512 p = _mm512_set1_ps(1.9875691500e-4f);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
  p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
  return _mm512_scalef_ps(p, k);
}

static void softmax_row(const float* x, float* y, int64_t cols) {
  const __m512 neg_inf = _mm512_set1_ps(-INFINITY);
  __m512 vmax = neg_inf;
  int64_t c = 0;
  for (; c + 16 <= cols; c += 16) vmax = _mm512_max_ps(vmax, _mm512_loadu_ps(x + c));
  if (c < cols) vmax = _mm512_max_ps(vmax, _mm512_mask_loadu_ps(neg_inf, tail_mask16(cols - c), x + c));
  const __m512 m = _mm512_set1_ps(_mm512_reduce_max_ps(vmax));

  __m512 vsum = _mm512_setzero_ps();
  for (c = 0; c + 16 <= cols; c += 16) {
    const __m512 e = exp512_ps(_mm512_sub_ps(_mm512_loadu_ps(x + c), m));
    _mm512_storeu_ps(y + c, e);
    vsum = _mm512_add_ps(vsum, e);
  }
  if (c < cols) {
    const __mmask16 t = tail_mask16(cols - c);
    const __m512 e = exp512_ps(_mm512_sub_ps(_mm512_mask_loadu_ps(neg_inf, t, x + c), m));
    _mm512_mask_storeu_ps(y + c, t, e);
    vsum = _mm512_add_ps(vsum, _mm512_maskz_mov_ps(t, e));
  }
  const __m512 inv = _mm512_set1_ps(1.0f / _mm512_reduce_add_ps(vsum));

  for (c = 0; c + 16 <= cols; c += 16) _mm512_storeu_ps(y + c, _mm512_mul_ps(_mm512_loadu_ps(y + c), inv));
  if (c < cols) {
    const __mmask16 t = tail_mask16(cols - c);
    _mm512_mask_storeu_ps(y + c, t, _mm512_mul_ps(_mm512_maskz_loadu_ps(t, y + c), inv));
  }
}

void softmax_f32(const float* x, float* y, int rows, int cols) {
#pragma omp parallel for schedule(static)
  for (int r = 0; r < rows; ++r) {
    softmax_row(x + static_cast<int64_t>(r) * cols, y + static_cast<int64_t>(r) * cols, cols);
  }
}
