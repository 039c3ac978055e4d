// rmsnorm.cpp -- RMSNorm over the last dimension (AVX-512 + OpenMP, f32), as in
// LLaMA/T5:  y = x / sqrt(mean(x^2) + eps) * gamma, per row of `cols`.
//
// Rows are distributed over threads (OpenMP, static schedule); each row is
// processed with 16-float vectors and a masked last vector, in three passes
// over the (L1/L2-resident) row:
//   1. max |x| (_mm512_abs_ps), which picks an exact power-of-two prescale
//      (1 for ordinary data; 2^-16k when |x| > 2^32) so the sum of squares
//      cannot overflow even for inputs near FLT_MAX;
//   2. the sum of squares (FMA into a vector accumulator) -> mean square;
//   3. y = x * scale * rstd * gamma.
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

static void rmsnorm_row(const float* x, const float* gamma, float* y, int64_t cols, float eps) {
  __m512 vmax = _mm512_setzero_ps();
  int64_t c = 0;
  for (; c + 16 <= cols; c += 16) vmax = _mm512_max_ps(vmax, _mm512_abs_ps(_mm512_loadu_ps(x + c)));
  if (c < cols) vmax = _mm512_max_ps(vmax, _mm512_abs_ps(_mm512_maskz_loadu_ps(tail_mask16(cols - c), x + c)));
  const float amax = _mm512_reduce_max_ps(vmax);
  float scale = 1.0f;
  while (amax * scale > kBig) scale *= kScaleStep;
  const __m512 vscale = _mm512_set1_ps(scale);

  __m512 vsq = _mm512_setzero_ps();
  for (c = 0; c + 16 <= cols; c += 16) {
    const __m512 v = _mm512_mul_ps(_mm512_loadu_ps(x + c), vscale);
    vsq = _mm512_fmadd_ps(v, v, vsq);
  }
  if (c < cols) {
    const __m512 v = _mm512_mul_ps(_mm512_maskz_loadu_ps(tail_mask16(cols - c), x + c), vscale);
    vsq = _mm512_fmadd_ps(v, v, vsq);
  }
  const float ms = _mm512_reduce_add_ps(vsq) / static_cast<float>(cols);
  const __m512 vrstd = _mm512_set1_ps(1.0f / std::sqrt(ms + eps * scale * scale));

  for (c = 0; c + 16 <= cols; c += 16) {
    const __m512 n = _mm512_mul_ps(_mm512_mul_ps(_mm512_loadu_ps(x + c), vscale), vrstd);
    _mm512_storeu_ps(y + c, _mm512_mul_ps(n, _mm512_loadu_ps(gamma + c)));
  }
  if (c < cols) {
    const __mmask16 t = tail_mask16(cols - c);
    const __m512 n = _mm512_mul_ps(_mm512_mul_ps(_mm512_maskz_loadu_ps(t, x + c), vscale), vrstd);
    _mm512_mask_storeu_ps(y + c, t, _mm512_mul_ps(n, _mm512_maskz_loadu_ps(t, gamma + c)));
  }
}

void rmsnorm_f32(const float* x, const float* gamma, float* y, int rows, int cols, float eps) {
#pragma omp parallel for schedule(static)
  for (int r = 0; r < rows; ++r) {
    rmsnorm_row(x + static_cast<int64_t>(r) * cols, gamma, y + static_cast<int64_t>(r) * cols, cols,
                eps);
  }
}
