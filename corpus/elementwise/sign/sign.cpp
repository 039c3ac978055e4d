// sign.cpp -- y = sign(x) in {-1, 0, +1} over n floats (AVX-512 + OpenMP).
//
// Fixed chunks over threads, 16 floats per vector, masked last vector. The
// sign needs no arithmetic: two ordered comparisons give lane masks, and
// masked moves place +1 and -1 into a zero vector (so +-0 give 0).
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

static inline __m512 sign512_ps(__m512 v) {
  const __m512 zero = _mm512_setzero_ps();
  const __mmask16 pos = _mm512_cmp_ps_mask(v, zero, _CMP_GT_OQ);
  const __mmask16 neg = _mm512_cmp_ps_mask(v, zero, _CMP_LT_OQ);
  __m512 s = _mm512_mask_mov_ps(zero, pos, _mm512_set1_ps(1.0f));
  return _mm512_mask_mov_ps(s, neg, _mm512_set1_ps(-1.0f));
}

constexpr int64_t kChunk = 16384;

void sign_f32(const float* x, float* y, int n) {
  const int64_t nchunks = (n + kChunk - 1) / kChunk;
#pragma omp parallel for schedule(static)
  for (int64_t c = 0; c < nchunks; ++c) {
    const int64_t begin = c * kChunk;
    const int64_t end = begin + kChunk < n ? begin + kChunk : n;
    int64_t i = begin;
    for (; i + 16 <= end; i += 16) {
      _mm512_storeu_ps(y + i, sign512_ps(_mm512_loadu_ps(x + i)));
    }
    if (i < end) {
      const __mmask16 m = tail_mask16(end - i);
      _mm512_mask_storeu_ps(y + i, m, sign512_ps(_mm512_maskz_loadu_ps(m, x + i)));
    }
  }
}
