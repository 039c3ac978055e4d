/* sign.c -- reference: y[i] = sign(x[i]) in {-1, 0, +1} (f32; sign(+-0) = 0,
 * as torch.sign / numpy.sign). */
void sign_f32(const float *x, float *y, int n) {
  for (int i = 0; i < n; ++i) {
    float v = x[i];
    y[i] = v > 0.0f ? 1.0f : (v < 0.0f ? -1.0f : 0.0f);
  }
}
