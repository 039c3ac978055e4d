/* add.c -- reference: z[i] = x[i] + y[i] for i < n.
 * f32, and f16 (IEEE binary16 as _Float16: the sum of two halves is exact in
 * float, so converting it back rounds once, like a native half add). */
void add_f32(const float *x, const float *y, float *z, int n) {
  for (int i = 0; i < n; ++i) {
    z[i] = x[i] + y[i];
  }
}

void add_f16(const _Float16 *x, const _Float16 *y, _Float16 *z, int n) {
  for (int i = 0; i < n; ++i) {
    z[i] = (_Float16)((float)x[i] + (float)y[i]);
  }
}
