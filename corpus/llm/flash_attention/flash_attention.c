/*
 * flash_attention.c -- reference for FlashAttention: plain multi-head attention.
 *
 *   Q, K, V, O : [batch][heads][seq][head_dim], f32, row-major
 *   S[i][j] = (sum_d Q[i][d] * K[j][d]) * scale,   scale = 1 / sqrt(head_dim)
 *   P[i][j] = softmax_j(S[i][j])   (max-subtracted; with causal != 0 only keys
 *                                   j <= i take part, the others are masked)
 *   O[i][d] = sum_j P[i][j] * V[j][d]
 *
 * The tiled, online-softmax kernels of the other dialects must reproduce
 * this plain computation (the whole score row at once, then softmax, then
 * P x V).
 *
 * Plain loops, one query row at a time: the scores of the row are kept in a
 * scratch array of seq floats.  Every sum runs in index order with products
 * and additions rounded separately (no fused multiply-add), the arithmetic
 * each dialect reproduces: with inputs near FLT_MAX, whether a partial sum
 * overflows depends on exactly that.  (Each product is its own statement:
 * compilers only contract a*b+c written as one expression.)
 */
#include <math.h>
#include <stdlib.h>

void flash_attention_f32(const float *Q, const float *K, const float *V, float *O, int batch,
                         int heads, int seq, int head_dim, int causal) {
  const float scale = 1.0f / sqrtf((float)head_dim);
  float *p = (float *)malloc((size_t)seq * sizeof(float));
  for (int bh = 0; bh < batch * heads; ++bh) {
    const float *q = Q + (size_t)bh * seq * head_dim;
    const float *k = K + (size_t)bh * seq * head_dim;
    const float *v = V + (size_t)bh * seq * head_dim;
    float *o = O + (size_t)bh * seq * head_dim;
    for (int i = 0; i < seq; ++i) {
      const int n_keys = causal ? i + 1 : seq; /* keys j < n_keys are visible */
      float row_max = -INFINITY;
      for (int j = 0; j < n_keys; ++j) {
        float s = 0.0f;
        for (int d = 0; d < head_dim; ++d) {
          const float prod = q[i * head_dim + d] * k[j * head_dim + d];
          s += prod;
        }
        s *= scale;
        p[j] = s;
        if (s > row_max) {
          row_max = s;
        }
      }
      float sum = 0.0f;
      for (int j = 0; j < n_keys; ++j) {
        p[j] = expf(p[j] - row_max);
        sum += p[j];
      }
      for (int j = 0; j < n_keys; ++j) {
        p[j] /= sum;
      }
      for (int d = 0; d < head_dim; ++d) {
        float acc = 0.0f;
        for (int j = 0; j < n_keys; ++j) {
          const float prod = p[j] * v[j * head_dim + d];
          acc += prod;
        }
        o[i * head_dim + d] = acc;
      }
    }
  }
  free(p);
}
