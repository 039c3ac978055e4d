// depthwise_conv2d.cpp -- depthwise 2-D convolution (multiplier 1), NHWC,
// [R][S][C] weights, f32, AVX-512 + OpenMP.
//
//   output[n][p][q][c] = sum_{r,s} input[n][p*stride-pad+r][q*stride-pad+s][c]
//                                 * weight[r][s][c]
//
// NHWC keeps the channels of a pixel contiguous, and so are the weights of a
// tap: the kernel vectorises along channels (16 per zmm), 64 channels (four
// accumulators) at a time.  OpenMP threads take (image, output row) pairs; for
// every output pixel the taps inside the image (bounds hoisted out of the
// channel loop) are FMA'd in (r, s) order.  The channel tail uses masked loads
// and stores, so C need not be a multiple of 16.
#include <immintrin.h>
#include <omp.h>

#include <cstddef>

static inline __mmask16 tail_mask16(int n) {
  return n <= 0 ? (__mmask16)0 : n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1u);
}

// input [N][H][W][C], weight [R][S][C], output [N][P][Q][C],
// P = (H + 2*pad - R)/stride + 1, Q = (W + 2*pad - S)/stride + 1.
void depthwise_conv2d_f32(const float *input, const float *weight,
                          float *output, int N, int H, int W, int C, int R,
                          int S, int stride, int pad) {
  const int P = (H + 2 * pad - R) / stride + 1;
  const int Q = (W + 2 * pad - S) / stride + 1;

#pragma omp parallel for collapse(2) schedule(static)
  for (int n = 0; n < N; ++n)
    for (int p = 0; p < P; ++p) {
      const int h0 = p * stride - pad;
      const int r_lo = h0 < 0 ? -h0 : 0;
      const int r_hi = (H - h0) < R ? (H - h0) : R;
      for (int q = 0; q < Q; ++q) {
        const int w0 = q * stride - pad;
        const int s_lo = w0 < 0 ? -w0 : 0;
        const int s_hi = (W - w0) < S ? (W - w0) : S;
        float *out = output + (((size_t)n * P + p) * Q + q) * C;
        for (int c0 = 0; c0 < C; c0 += 64) {
          const __mmask16 m0 = tail_mask16(C - c0), m1 = tail_mask16(C - c0 - 16);
          const __mmask16 m2 = tail_mask16(C - c0 - 32), m3 = tail_mask16(C - c0 - 48);
          __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps();
          __m512 a2 = _mm512_setzero_ps(), a3 = _mm512_setzero_ps();
          for (int r = r_lo; r < r_hi; ++r)
            for (int s = s_lo; s < s_hi; ++s) {
              const float *x = input + (((size_t)n * H + h0 + r) * W + w0 + s) * C + c0;
              const float *w = weight + (size_t)(r * S + s) * C + c0;
              a0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m0, x), _mm512_maskz_loadu_ps(m0, w), a0);
              a1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m1, x + 16), _mm512_maskz_loadu_ps(m1, w + 16), a1);
              a2 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m2, x + 32), _mm512_maskz_loadu_ps(m2, w + 32), a2);
              a3 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m3, x + 48), _mm512_maskz_loadu_ps(m3, w + 48), a3);
            }
          _mm512_mask_storeu_ps(out + c0, m0, a0);
          _mm512_mask_storeu_ps(out + c0 + 16, m1, a1);
          _mm512_mask_storeu_ps(out + c0 + 32, m2, a2);
          _mm512_mask_storeu_ps(out + c0 + 48, m3, a3);
        }
      }
    }
}
