/* gelu.c -- reference GELU, erf form (as in BERT / ViT / PyTorch's default
 * approximate='none'):  y = 0.5 * x * (1 + erf(x / sqrt(2)))  (f32). */
#include <math.h>

void gelu_f32(const float *x, float *y, int n) {
  for (int i = 0; i < n; ++i) {
    y[i] = 0.5f * x[i] * (1.0f + erff(x[i] * 0.70710678118654752f));
  }
}
