// gelu.cpp -- GELU, erf form: y = 0.5 x (1 + erf(x / sqrt 2)) over n floats
// (AVX-512 + OpenMP).
//
// Fixed chunks are distributed over threads; each is processed 16 floats at
// a time with a masked last vector. There is no erf instruction (SVML's
// _mm512_erf_ps is not available to GCC), so erf is composed as in oneDNN's
// gelu_erf: Abramowitz & Stegun 7.1.26 (|error| <= 1.5e-7),
//   a = |x| / sqrt 2, t = 1 / (1 + p a), q = t P(t) exp(-a^2) = erfc(a),
//   1 + erf(x / sqrt 2) = x >= 0 ? 2 - q : q   (no cancellation for x < 0),
//   y = (0.5 x) (1 + erf)                      (0.5 x first: no overflow).
// exp is vectorised in the usual way:
// k = round(x * log2 e), r = x - k * ln 2 (Cody-Waite split of ln 2), a
// degree-6 minimax polynomial for e^r (Cephes expf coefficients) and
// _mm512_scalef_ps for the 2^k factor, which overflows to +inf / underflows
// to 0 exactly like expf at the ends of the range.
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

static inline __m512 gelu512_ps(__m512 x) {
  const __m512 one = _mm512_set1_ps(1.0f);
  const __m512 a = _mm512_mul_ps(_mm512_abs_ps(x), _mm512_set1_ps(0.70710678118654752f));
  const __m512 t = _mm512_div_ps(one, _mm512_fmadd_ps(a, _mm512_set1_ps(0.3275911f), one));
  __m512 p = _mm512_set1_ps(1.061405429f);
  p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(-1.453152027f));
  p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(1.421413741f));
  p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(-0.284496736f));
  p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(0.254829592f));
  p = _mm512_mul_ps(p, t);
  const __m512 e = exp512_ps(_mm512_sub_ps(_mm512_setzero_ps(), _mm512_mul_ps(a, a)));
  const __m512 q = _mm512_mul_ps(p, e);
  const __mmask16 nonneg = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_GE_OQ);
  const __m512 u = _mm512_mask_sub_ps(q, nonneg, _mm512_set1_ps(2.0f), q);
  return _mm512_mul_ps(_mm512_mul_ps(x, _mm512_set1_ps(0.5f)), u);
}

constexpr int64_t kChunk = 16384;

void gelu_f32(const float* x, float* y, int n) {
  const int64_t nchunks = (n + kChunk - 1) / kChunk;
#pragma omp parallel for schedule(static)
  for (int64_t c = 0; c < nchunks; ++c) {
    const int64_t begin = c * kChunk;
    const int64_t end = begin + kChunk < n ? begin + kChunk : n;
    int64_t i = begin;
    for (; i + 16 <= end; i += 16) {
      _mm512_storeu_ps(y + i, gelu512_ps(_mm512_loadu_ps(x + i)));
    }
    if (i < end) {
      const __mmask16 m = tail_mask16(end - i);
      _mm512_mask_storeu_ps(y + i, m, gelu512_ps(_mm512_maskz_loadu_ps(m, x + i)));
    }
  }
}
