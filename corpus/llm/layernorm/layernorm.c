/* layernorm.c -- reference LayerNorm over the last dimension (f32):
 *   mean_r = sum_c x[r][c] / cols,  var_r = sum_c (x[r][c] - mean_r)^2 / cols
 *   y[r][c] = (x[r][c] - mean_r) / sqrt(var_r + eps) * gamma[c] + beta[c]
 * Two passes with double accumulation, so the statistics stay exact enough
 * (and finite) for any float input, up to +-FLT_MAX. */
#include <math.h>

void layernorm_f32(const float *x, const float *gamma, const float *beta,
                   float *y, int rows, int cols, float eps) {
  for (int r = 0; r < rows; ++r) {
    const float *xr = x + (long)r * cols;
    float *yr = y + (long)r * cols;
    double sum = 0.0;
    for (int c = 0; c < cols; ++c) {
      sum += xr[c];
    }
    const double mean = sum / cols;
    double sq = 0.0;
    for (int c = 0; c < cols; ++c) {
      const double d = xr[c] - mean;
      sq += d * d;
    }
    const double rstd = 1.0 / sqrt(sq / cols + eps);
    for (int c = 0; c < cols; ++c) {
      yr[c] = (float)((xr[c] - mean) * rstd * gamma[c] + beta[c]);
    }
  }
}
