// add.cpp -- z = x + y over n elements (AVX-512 + OpenMP), f32 and f16.
//
// Fixed chunks are distributed over threads; inside a chunk:
//   add_f32: 16 floats per vector, unrolled by four, masked last vector;
//   add_f16: 16 halves are widened to floats with _mm512_cvtph_ps, added,
//            and narrowed with _mm512_cvtps_ph (round to nearest even; the
//            float sum of two halves is exact, so this rounds once, like a
//            native half add); the tail uses 16-bit lane masks (AVX-512BW/VL).
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

constexpr int64_t kChunk = 16384;

void add_f32(const float* x, const float* y, float* z, int n) {
  const int64_t nchunks = (n + kChunk - 1) / kChunk;
#pragma omp parallel for schedule(static)
  for (int64_t c = 0; c < nchunks; ++c) {
    const int64_t begin = c * kChunk;
    const int64_t end = begin + kChunk < n ? begin + kChunk : n;
    int64_t i = begin;
    for (; i + 64 <= end; i += 64) {
      for (int64_t k = 0; k < 64; k += 16) {
        _mm512_storeu_ps(z + i + k, _mm512_add_ps(_mm512_loadu_ps(x + i + k),
                                                  _mm512_loadu_ps(y + i + k)));
      }
    }
    for (; i < end; i += 16) {
      const __mmask16 m = tail_mask16(end - i);
      _mm512_mask_storeu_ps(z + i, m, _mm512_add_ps(_mm512_maskz_loadu_ps(m, x + i),
                                                    _mm512_maskz_loadu_ps(m, y + i)));
    }
  }
}

void add_f16(const _Float16* x, const _Float16* y, _Float16* z, int n) {
  const int64_t nchunks = (n + kChunk - 1) / kChunk;
  const int round = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;
#pragma omp parallel for schedule(static)
  for (int64_t c = 0; c < nchunks; ++c) {
    const int64_t begin = c * kChunk;
    const int64_t end = begin + kChunk < n ? begin + kChunk : n;
    for (int64_t i = begin; i < end; i += 16) {
      const __mmask16 m = tail_mask16(end - i);
      const __m512 a = _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, x + i));
      const __m512 b = _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, y + i));
      _mm256_mask_storeu_epi16(z + i, m, _mm512_cvtps_ph(_mm512_add_ps(a, b), round));
    }
  }
}
