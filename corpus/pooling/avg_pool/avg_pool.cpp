// avg_pool.cpp -- 2-D average pooling, f32, NHWC layout, VALID windows
// (AVX-512 + OpenMP).
//
//   output[n][oh][ow][c] = (1 / (KH*KW)) * sum over (i < KH, j < KW) of
//                          input[n][oh*SH + i][ow*SW + j][c]
//   Ho = (H - KH) / SH + 1,  Wo = (W - KW) / SW + 1
//
// Strategy: NHWC keeps the channels of a pixel contiguous, so a window tap
// is a run of C floats. The work is (output pixel, 64-channel block) pairs,
// shared by the OpenMP threads (collapse(2), so global pooling with one
// output pixel still spreads its channel blocks over the cores). Each pair
// keeps four 16-lane accumulators in registers and streams the KH x KW taps
// through them; channel tails are masked loads/stores, so any C works.
// The taps are summed in float in row-major window order (i, then j),
// starting from 0; every version keeps this order, so the results agree
// bit for bit, also where huge inputs overflow the sum to infinity.
// The sum is then divided (a true division) by KH * KW.
// GCC 12's avx512fintrin.h trips -Wmaybe-uninitialized (GCC bug 105593,
// `__m512 __Y = __Y;` in _mm512_undefined_ps) when the intrinsics are inlined
// into an OpenMP-outlined function; silence it for the header only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

constexpr int kLanes = 16;
constexpr int kVecs = 4;  // accumulators per channel block
constexpr int kBlockC = kLanes * kVecs;

static inline __mmask16 lane_mask(int remaining) {
  if (remaining >= kLanes) return (__mmask16)0xFFFF;
  if (remaining <= 0) return (__mmask16)0;
  return (__mmask16)((1u << remaining) - 1u);
}

void avg_pool2d_f32(const float* input, float* output, int N, int H, int W,
                    int C, int KH, int KW, int SH, int SW) {
  const int Ho = (H - KH) / SH + 1;
  const int Wo = (W - KW) / SW + 1;
  const long pixels = (long)N * Ho * Wo;
  const int cblocks = (C + kBlockC - 1) / kBlockC;

#pragma omp parallel for collapse(2) schedule(static)
  for (long p = 0; p < pixels; ++p) {
    for (int cb = 0; cb < cblocks; ++cb) {
      const int ow = (int)(p % Wo);
      const int oh = (int)((p / Wo) % Ho);
      const int n = (int)(p / ((long)Wo * Ho));
      const int c0 = cb * kBlockC;
      __mmask16 mask[kVecs];
      for (int v = 0; v < kVecs; ++v) mask[v] = lane_mask(C - c0 - v * kLanes);

      const float* win =
          input + (((long)n * H + (long)oh * SH) * W + (long)ow * SW) * C + c0;
      __m512 acc[kVecs];
      for (int v = 0; v < kVecs; ++v)
        acc[v] = _mm512_setzero_ps();
      for (int i = 0; i < KH; ++i) {
        const float* row = win + (long)i * W * C;
        for (int j = 0; j < KW; ++j) {
          const float* tap = row + (long)j * C;
          for (int v = 0; v < kVecs; ++v)
            acc[v] = _mm512_add_ps(
                acc[v], _mm512_maskz_loadu_ps(mask[v], tap + v * kLanes));
        }
      }
      float* out = output + p * C + c0;
      const __m512 area = _mm512_set1_ps((float)(KH * KW));
      for (int v = 0; v < kVecs; ++v) acc[v] = _mm512_div_ps(acc[v], area);
      for (int v = 0; v < kVecs; ++v)
        _mm512_mask_storeu_ps(out + v * kLanes, mask[v], acc[v]);
    }
  }
}
