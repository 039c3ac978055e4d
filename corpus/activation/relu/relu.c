/* relu.c -- reference: y[i] = max(x[i], 0) for i < n (f32). */
void relu_f32(const float *x, float *y, int n) {
  for (int i = 0; i < n; ++i) {
    y[i] = x[i] > 0.0f ? x[i] : 0.0f;
  }
}
