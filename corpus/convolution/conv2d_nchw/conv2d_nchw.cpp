// conv2d_nchw.cpp -- 2-D convolution, NCHW activations, KCRS weights, f32,
// AVX-512 + OpenMP.
//
//   output[n][k][p][q] = sum_{c,r,s} input[n][c][p*stride-pad+r][q*stride-pad+s]
//                                    * weight[k][c][r][s]
//
// Strategy (direct convolution vectorised along the output row):
//   * OpenMP threads take (image, block of 4 output channels, output row);
//   * 16 consecutive output pixels q0..q0+15 of the row are one zmm; the
//     four output channels of the block share every input vector (4
//     accumulators, one broadcast weight each);
//   * the input vector of tap (c, r, s) is x[c][h][q*stride - pad + s]: a
//     plain (masked) load for stride 1, a masked gather otherwise; lanes in
//     the padding border or past Q are masked off (zeros);
//   * rows in the padding border are skipped; the reduction runs in (c, r, s)
//     order with FMAs; the row tail is stored with a masked store.
#include <immintrin.h>
#include <omp.h>

#include <cstddef>

static inline __mmask16 tail_mask16(int n) {
  return n <= 0 ? (__mmask16)0 : n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1u);
}

// input [N][C][H][W], weight [K][C][R][S], output [N][K][P][Q],
// P = (H + 2*pad - R)/stride + 1, Q = (W + 2*pad - S)/stride + 1.
void conv2d_nchw_f32(const float *input, const float *weight, float *output,
                     int N, int H, int W, int C, int K, int R, int S,
                     int stride, int pad) {
  const int P = (H + 2 * pad - R) / stride + 1;
  const int Q = (W + 2 * pad - S) / stride + 1;
  const int KB = 4;  // output channels per work item
  const int kblocks = (K + KB - 1) / KB;
  const __m512i lane = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);

#pragma omp parallel for collapse(3) schedule(static)
  for (int n = 0; n < N; ++n)
    for (int kb = 0; kb < kblocks; ++kb)
      for (int p = 0; p < P; ++p) {
        const int k0 = kb * KB;
        const int nk = K - k0 < KB ? K - k0 : KB;
        const int h0 = p * stride - pad;
        const int r_lo = h0 < 0 ? -h0 : 0;
        const int r_hi = (H - h0) < R ? (H - h0) : R;
        for (int q0 = 0; q0 < Q; q0 += 16) {
          const __mmask16 qmask = tail_mask16(Q - q0);
          // input column of lane l for tap s: (q0 + l)*stride - pad + s
          const __m512i col0 = _mm512_sub_epi32(
              _mm512_mullo_epi32(_mm512_add_epi32(_mm512_set1_epi32(q0), lane),
                                 _mm512_set1_epi32(stride)),
              _mm512_set1_epi32(pad));
          __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
          __m512 acc2 = _mm512_setzero_ps(), acc3 = _mm512_setzero_ps();
          for (int c = 0; c < C; ++c) {
            const float *x_c = input + ((size_t)n * C + c) * H * W;
            const float *w_c = weight + ((size_t)k0 * C + c) * R * S;
            const size_t w_kstride = (size_t)C * R * S;
            for (int r = r_lo; r < r_hi; ++r) {
              const float *row = x_c + (size_t)(h0 + r) * W;
              for (int s = 0; s < S; ++s) {
                const __m512i col = _mm512_add_epi32(col0, _mm512_set1_epi32(s));
                const __mmask16 m =
                    qmask & _mm512_cmpge_epi32_mask(col, _mm512_setzero_si512()) &
                    _mm512_cmplt_epi32_mask(col, _mm512_set1_epi32(W));
                const int first = q0 * stride - pad + s;
                __m512 x;
                if (stride == 1 && first >= 0)
                  x = _mm512_maskz_loadu_ps(m, row + first);
                else
                  x = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), m, col, row, 4);
                const int t = r * S + s;
                acc0 = _mm512_fmadd_ps(_mm512_set1_ps(w_c[t]), x, acc0);
                if (nk > 1) acc1 = _mm512_fmadd_ps(_mm512_set1_ps(w_c[w_kstride + t]), x, acc1);
                if (nk > 2) acc2 = _mm512_fmadd_ps(_mm512_set1_ps(w_c[2 * w_kstride + t]), x, acc2);
                if (nk > 3) acc3 = _mm512_fmadd_ps(_mm512_set1_ps(w_c[3 * w_kstride + t]), x, acc3);
              }
            }
          }
          float *out = output + (((size_t)n * K + k0) * P + p) * Q + q0;
          const size_t ks = (size_t)P * Q;
          _mm512_mask_storeu_ps(out, qmask, acc0);
          if (nk > 1) _mm512_mask_storeu_ps(out + ks, qmask, acc1);
          if (nk > 2) _mm512_mask_storeu_ps(out + 2 * ks, qmask, acc2);
          if (nk > 3) _mm512_mask_storeu_ps(out + 3 * ks, qmask, acc3);
        }
      }
}
