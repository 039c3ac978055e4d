/* sigmoid.c -- reference: y[i] = 1 / (1 + exp(-x[i])) for i < n (f32). */
#include <math.h>

void sigmoid_f32(const float *x, float *y, int n) {
  for (int i = 0; i < n; ++i) {
    y[i] = 1.0f / (1.0f + expf(-x[i]));
  }
}
