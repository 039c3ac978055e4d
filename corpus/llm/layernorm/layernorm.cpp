// layernorm.cpp -- LayerNorm over the last dimension (AVX-512 + OpenMP, f32):
//   y = (x - mean) / sqrt(var + eps) * gamma + beta, per row of `cols`.
//
// Rows are distributed over threads (OpenMP, static schedule); each row is
// processed with 16-float vectors and a masked last vector, in passes over
// the (L1/L2-resident) row:
//   1. max |x| (_mm512_abs_ps), which picks an exact power-of-two prescale
//      (1 for ordinary data; 2^-16k when |x| > 2^32) so the float sums below
//      cannot overflow even for inputs near FLT_MAX;
//   2. the sum -> mean;  3. the sum of squared deviations -> variance
//      (two-pass, no cancellation);
//   4. y = fma(n, gamma, beta) with n = (x * scale - mean) * rstd (one
//      rounding; n * gamma cannot overflow when y is finite).
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

constexpr float kBig = 4294967296.0f;             // 2^32
constexpr float kScaleStep = 1.52587890625e-05f;  // 2^-16

static void layernorm_row(const float* x, const float* gamma, const float* beta, float* y,
                          int64_t cols, float eps) {
  __m512 vmax = _mm512_setzero_ps();
  int64_t c = 0;
  for (; c + 16 <= cols; c += 16) vmax = _mm512_max_ps(vmax, _mm512_abs_ps(_mm512_loadu_ps(x + c)));
  if (c < cols) vmax = _mm512_max_ps(vmax, _mm512_abs_ps(_mm512_maskz_loadu_ps(tail_mask16(cols - c), x + c)));
  const float amax = _mm512_reduce_max_ps(vmax);
  float scale = 1.0f;
  while (amax * scale > kBig) scale *= kScaleStep;
  const __m512 vscale = _mm512_set1_ps(scale);

  __m512 vsum = _mm512_setzero_ps();
  for (c = 0; c + 16 <= cols; c += 16) vsum = _mm512_fmadd_ps(_mm512_loadu_ps(x + c), vscale, vsum);
  if (c < cols) vsum = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail_mask16(cols - c), x + c), vscale, vsum);
  const float mean = _mm512_reduce_add_ps(vsum) / static_cast<float>(cols);
  const __m512 vmean = _mm512_set1_ps(mean);

  __m512 vsq = _mm512_setzero_ps();
  for (c = 0; c + 16 <= cols; c += 16) {
    const __m512 d = _mm512_fmsub_ps(_mm512_loadu_ps(x + c), vscale, vmean);
    vsq = _mm512_fmadd_ps(d, d, vsq);
  }
  if (c < cols) {
    const __mmask16 t = tail_mask16(cols - c);
    const __m512 d = _mm512_maskz_sub_ps(t, _mm512_mul_ps(_mm512_maskz_loadu_ps(t, x + c), vscale), vmean);
    vsq = _mm512_fmadd_ps(d, d, vsq);
  }
  const float var = _mm512_reduce_add_ps(vsq) / static_cast<float>(cols);
  const __m512 vrstd = _mm512_set1_ps(1.0f / std::sqrt(var + eps * scale * scale));

  for (c = 0; c + 16 <= cols; c += 16) {
    const __m512 n = _mm512_mul_ps(_mm512_fmsub_ps(_mm512_loadu_ps(x + c), vscale, vmean), vrstd);
    _mm512_storeu_ps(y + c, _mm512_fmadd_ps(n, _mm512_loadu_ps(gamma + c), _mm512_loadu_ps(beta + c)));
  }
  if (c < cols) {
    const __mmask16 t = tail_mask16(cols - c);
    const __m512 n = _mm512_mul_ps(_mm512_fmsub_ps(_mm512_maskz_loadu_ps(t, x + c), vscale, vmean), vrstd);
    _mm512_mask_storeu_ps(y + c, t, _mm512_fmadd_ps(n, _mm512_maskz_loadu_ps(t, gamma + c),
                                                    _mm512_maskz_loadu_ps(t, beta + c)));
  }
}

void layernorm_f32(const float* x, const float* gamma, const float* beta, float* y, int rows,
                   int cols, float eps) {
#pragma omp parallel for schedule(static)
  for (int r = 0; r < rows; ++r) {
    layernorm_row(x + static_cast<int64_t>(r) * cols, gamma, beta, y + static_cast<int64_t>(r) * cols,
                  cols, eps);
  }
}
