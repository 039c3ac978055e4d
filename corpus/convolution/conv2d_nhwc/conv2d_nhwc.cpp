// conv2d_nhwc.cpp -- 2-D convolution, NHWC activations, KRSC weights, f32,
// AVX-512 + OpenMP.
//
//   output[n][p][q][k] = sum_{r,s,c} input[n][p*stride-pad+r][q*stride-pad+s][c]
//                                    * weight[k][r][s][c]
//
// Strategy (direct convolution, the oneDNN "nhwc" f32 scheme):
//   1. the weights are re-packed once into [R][S][C][Kp] (Kp = K rounded up
//      to 16, zero-filled), so the output channels of one (r, s, c) tap are a
//      contiguous, 64-byte aligned row;
//   2. output rows (n, p) are spread over OpenMP threads; for every output
//      pixel, blocks of 64 output channels live in four zmm accumulators, and
//      each input value is broadcast and FMA'd into them (a rank-1 update);
//   3. taps in the padding border are skipped (the bounds are hoisted out of
//      the channel loop); the last channel block uses masked stores, so K need
//      not be a multiple of 16 or 64.
#include <immintrin.h>
#include <omp.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>

static inline __mmask16 tail_mask16(int n) {
  return n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1u);
}

// input [N][H][W][C], weight [K][R][S][C], output [N][P][Q][K],
// P = (H + 2*pad - R)/stride + 1, Q = (W + 2*pad - S)/stride + 1.
void conv2d_nhwc_f32(const float *input, const float *weight, float *output,
                     int N, int H, int W, int C, int K, int R, int S,
                     int stride, int pad) {
  const int P = (H + 2 * pad - R) / stride + 1;
  const int Q = (W + 2 * pad - S) / stride + 1;
  const int Kp = (K + 15) / 16 * 16;

  // Pack weights: wp[(r*S + s)*C + c][k] = weight[k][r][s][c].
  const size_t wp_count = (size_t)R * S * C * Kp;
  float *wp = static_cast<float *>(std::aligned_alloc(64, wp_count * sizeof(float)));
  std::memset(wp, 0, wp_count * sizeof(float));
#pragma omp parallel for
  for (int k = 0; k < K; ++k)
    for (int t = 0; t < R * S * C; ++t) wp[(size_t)t * Kp + k] = weight[(size_t)k * R * S * C + t];

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
        float *out = output + (((size_t)n * P + p) * Q + q) * K;
        for (int k0 = 0; k0 < Kp; k0 += 64) {
          const int nvec = (Kp - k0) >= 64 ? 4 : (Kp - k0) / 16;
          __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
          __m512 acc2 = _mm512_setzero_ps(), acc3 = _mm512_setzero_ps();
          for (int r = r_lo; r < r_hi; ++r)
            for (int s = s_lo; s < s_hi; ++s) {
              const float *x = input + (((size_t)n * H + h0 + r) * W + w0 + s) * C;
              const float *wrow = wp + ((size_t)(r * S + s) * C) * Kp + k0;
              if (nvec == 4) {
                for (int c = 0; c < C; ++c, wrow += Kp) {
                  const __m512 xv = _mm512_set1_ps(x[c]);
                  acc0 = _mm512_fmadd_ps(xv, _mm512_load_ps(wrow), acc0);
                  acc1 = _mm512_fmadd_ps(xv, _mm512_load_ps(wrow + 16), acc1);
                  acc2 = _mm512_fmadd_ps(xv, _mm512_load_ps(wrow + 32), acc2);
                  acc3 = _mm512_fmadd_ps(xv, _mm512_load_ps(wrow + 48), acc3);
                }
              } else {
                for (int c = 0; c < C; ++c, wrow += Kp) {
                  const __m512 xv = _mm512_set1_ps(x[c]);
                  acc0 = _mm512_fmadd_ps(xv, _mm512_load_ps(wrow), acc0);
                  if (nvec > 1) acc1 = _mm512_fmadd_ps(xv, _mm512_load_ps(wrow + 16), acc1);
                  if (nvec > 2) acc2 = _mm512_fmadd_ps(xv, _mm512_load_ps(wrow + 32), acc2);
                }
              }
            }
          const __m512 accs[4] = {acc0, acc1, acc2, acc3};
          for (int j = 0; j < nvec; ++j) {
            const int k = k0 + 16 * j;
            if (k >= K) break;
            _mm512_mask_storeu_ps(out + k, tail_mask16(K - k), accs[j]);
          }
        }
      }
    }
  std::free(wp);
}
