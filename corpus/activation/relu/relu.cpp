// relu.cpp -- y = max(x, 0) over n floats (AVX-512 + OpenMP).
//
// The array is cut into fixed chunks distributed over threads; each chunk is
// processed 64 floats per iteration (four independent 16-lane vectors),
// then 16 at a time, and the last partial vector uses a lane mask so nothing
// past n is read or written.
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

void relu_f32(const float* x, float* y, int n) {
  const int64_t nchunks = (n + kChunk - 1) / kChunk;
  const __m512 zero = _mm512_setzero_ps();
#pragma omp parallel for schedule(static)
  for (int64_t c = 0; c < nchunks; ++c) {
    const int64_t begin = c * kChunk;
    const int64_t end = begin + kChunk < n ? begin + kChunk : n;
    int64_t i = begin;
    for (; i + 64 <= end; i += 64) {
      _mm512_storeu_ps(y + i, _mm512_max_ps(_mm512_loadu_ps(x + i), zero));
      _mm512_storeu_ps(y + i + 16, _mm512_max_ps(_mm512_loadu_ps(x + i + 16), zero));
      _mm512_storeu_ps(y + i + 32, _mm512_max_ps(_mm512_loadu_ps(x + i + 32), zero));
      _mm512_storeu_ps(y + i + 48, _mm512_max_ps(_mm512_loadu_ps(x + i + 48), zero));
    }
    for (; i < end; i += 16) {
      const __mmask16 m = tail_mask16(end - i);
      _mm512_mask_storeu_ps(y + i, m, _mm512_max_ps(_mm512_maskz_loadu_ps(m, x + i), zero));
    }
  }
}
