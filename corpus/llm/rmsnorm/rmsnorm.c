/* rmsnorm.c -- reference RMSNorm over the last dimension (f32), as in
 * LLaMA / T5:  y[r][c] = x[r][c] / sqrt(mean_c x[r][c]^2 + eps) * gamma[c]
 * The mean of squares is accumulated in double, so it stays finite and
 * accurate for any float input, up to +-FLT_MAX. */
#include <math.h>

void rmsnorm_f32(const float *x, const float *gamma, float *y, int rows,
                 int cols, float eps) {
  for (int r = 0; r < rows; ++r) {
    const float *xr = x + (long)r * cols;
    float *yr = y + (long)r * cols;
    double sq = 0.0;
    for (int c = 0; c < cols; ++c) {
      sq += (double)xr[c] * xr[c];
    }
    const double rstd = 1.0 / sqrt(sq / cols + eps);
    for (int c = 0; c < cols; ++c) {
      yr[c] = (float)(xr[c] * rstd * gamma[c]);
    }
  }
}
