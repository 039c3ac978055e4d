// sum_pool.c -- reference 2-D sum pooling, f32, NHWC layout, VALID windows.
//
//   output[n][oh][ow][c] = sum over (i < KH, j < KW) of
//                          input[n][oh*SH + i][ow*SW + j][c]
//   Ho = (H - KH) / SH + 1,  Wo = (W - KW) / SW + 1
//
// Windows that do not fit are discarded (no padding).
// The taps are summed in float in row-major window order (i, then j),
// starting from 0; every version keeps this order, so the results agree
// bit for bit, also where huge inputs overflow the sum to infinity.

void sum_pool2d_f32(const float *input, float *output, int N, int H, int W,
                    int C, int KH, int KW, int SH, int SW) {
  const int Ho = (H - KH) / SH + 1;
  const int Wo = (W - KW) / SW + 1;
  for (int n = 0; n < N; ++n) {
    for (int oh = 0; oh < Ho; ++oh) {
      for (int ow = 0; ow < Wo; ++ow) {
        for (int c = 0; c < C; ++c) {
          float s = 0.0f;
          for (int i = 0; i < KH; ++i) {
            for (int j = 0; j < KW; ++j) {
              s += input[(((long)n * H + oh * SH + i) * W + ow * SW + j) * C + c];
            }
          }
          output[(((long)n * Ho + oh) * Wo + ow) * C + c] = s;
        }
      }
    }
  }
}
