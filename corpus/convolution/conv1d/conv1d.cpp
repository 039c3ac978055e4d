// conv1d.cpp -- 1-D convolution, NCL activations, KCS weights (PyTorch
// nn.Conv1d), f32, AVX-512 + OpenMP.
//
//   output[n][k][l] = sum_{c,s} input[n][c][l*stride - pad + s] * weight[k][c][s]
//
// Vectorised along the output positions: 16 consecutive outputs l0..l0+15 of
// one channel are a zmm.  OpenMP threads take (signal, block of 4 output
// channels, block of 64 output positions); the 4 x 4 accumulators (4
// channels x 64 positions) share every input vector and every broadcast
// weight.  The input vector of tap (c, s) is x[c][l*stride - pad + s]: a
// masked load for stride 1, a masked gather otherwise; lanes outside the
// signal or past Lo are masked to zero.  Reduction in (c, s) order with FMAs;
// tails are masked stores.
#include <immintrin.h>
#include <omp.h>

#include <cstddef>

static inline __mmask16 tail_mask16(int n) {
  return n <= 0 ? (__mmask16)0 : n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1u);
}

// input [N][C][L], weight [K][C][S], output [N][K][Lo],
// Lo = (L + 2*pad - S)/stride + 1.
void conv1d_f32(const float *input, const float *weight, float *output, int N,
                int L, int C, int K, int S, int stride, int pad) {
  const int Lo = (L + 2 * pad - S) / stride + 1;
  const int KB = 4, LB = 64;
  const int kblocks = (K + KB - 1) / KB, lblocks = (Lo + LB - 1) / LB;
  const __m512i lane = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);

#pragma omp parallel for collapse(3) schedule(static)
  for (int n = 0; n < N; ++n)
    for (int kb = 0; kb < kblocks; ++kb)
      for (int lb = 0; lb < lblocks; ++lb) {
        const int k0 = kb * KB, l0 = lb * LB;
        const int nk = K - k0 < KB ? K - k0 : KB;
        __m512i col0[4];
        __mmask16 lmask[4];
        for (int v = 0; v < 4; ++v) {
          lmask[v] = tail_mask16(Lo - (l0 + 16 * v));
          col0[v] = _mm512_sub_epi32(
              _mm512_mullo_epi32(_mm512_add_epi32(_mm512_set1_epi32(l0 + 16 * v), lane),
                                 _mm512_set1_epi32(stride)),
              _mm512_set1_epi32(pad));
        }
        __m512 acc[4][4];
        for (int i = 0; i < 4; ++i)
          for (int v = 0; v < 4; ++v) acc[i][v] = _mm512_setzero_ps();
        for (int c = 0; c < C; ++c) {
          const float *x_c = input + ((size_t)n * C + c) * L;
          const float *w_c = weight + ((size_t)k0 * C + c) * S;
          for (int s = 0; s < S; ++s) {
            __m512 x[4];
            for (int v = 0; v < 4; ++v) {
              const __m512i col = _mm512_add_epi32(col0[v], _mm512_set1_epi32(s));
              const __mmask16 m = lmask[v] &
                                  _mm512_cmpge_epi32_mask(col, _mm512_setzero_si512()) &
                                  _mm512_cmplt_epi32_mask(col, _mm512_set1_epi32(L));
              const int first = (l0 + 16 * v) * stride - pad + s;
              if (stride == 1 && first >= 0)
                x[v] = _mm512_maskz_loadu_ps(m, x_c + first);
              else
                x[v] = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), m, col, x_c, 4);
            }
            for (int i = 0; i < nk; ++i) {
              const __m512 w = _mm512_set1_ps(w_c[(size_t)i * C * S + s]);
              for (int v = 0; v < 4; ++v) acc[i][v] = _mm512_fmadd_ps(w, x[v], acc[i][v]);
            }
          }
        }
        for (int i = 0; i < nk; ++i) {
          float *out = output + ((size_t)n * K + k0 + i) * Lo + l0;
          for (int v = 0; v < 4; ++v) _mm512_mask_storeu_ps(out + 16 * v, lmask[v], acc[i][v]);
        }
      }
}
