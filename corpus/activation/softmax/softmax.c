/* softmax.c -- reference row softmax (f32):
 *   y[r][c] = exp(x[r][c] - max_r) / sum_c' exp(x[r][c'] - max_r)
 * over `rows` rows of `cols` contiguous floats. Subtracting the row maximum
 * keeps exp from overflowing; the sum is accumulated in double. */
#include <math.h>

void softmax_f32(const float *x, float *y, int rows, int cols) {
  for (int r = 0; r < rows; ++r) {
    const float *xr = x + (long)r * cols;
    float *yr = y + (long)r * cols;
    float m = -INFINITY;
    for (int c = 0; c < cols; ++c) {
      m = fmaxf(m, xr[c]);
    }
    double sum = 0.0;
    for (int c = 0; c < cols; ++c) {
      sum += expf(xr[c] - m);
    }
    for (int c = 0; c < cols; ++c) {
      yr[c] = (float)(expf(xr[c] - m) / sum);
    }
  }
}
