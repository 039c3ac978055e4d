/* conv2d_nchw.c -- reference 2-D convolution, NCHW activations, KCRS weights
 * (the PyTorch nn.Conv2d layout).
 *
 *   output[n][k][p][q] = sum_{c,r,s} input[n][c][p*stride - pad + r]
 *                                          [q*stride - pad + s]
 *                                    * weight[k][c][r][s]
 *
 *   input  [N][C][H][W]      weight [K][C][R][S]      output [N][K][P][Q]
 *   P = (H + 2*pad - R) / stride + 1,   Q = (W + 2*pad - S) / stride + 1
 *
 * Input positions outside the image are the zero padding and are skipped.
 * No bias, no dilation, f32 accumulation in (c, r, s) order.
 */

void conv2d_nchw_f32(const float *input, const float *weight, float *output,
                     int N, int H, int W, int C, int K, int R, int S,
                     int stride, int pad)
{
    const int P = (H + 2 * pad - R) / stride + 1;
    const int Q = (W + 2 * pad - S) / stride + 1;
    for (int n = 0; n < N; ++n)
        for (int k = 0; k < K; ++k)
            for (int p = 0; p < P; ++p)
                for (int q = 0; q < Q; ++q) {
                    float acc = 0.0f;
                    for (int c = 0; c < C; ++c)
                        for (int r = 0; r < R; ++r) {
                            const int h = p * stride - pad + r;
                            if (h < 0 || h >= H)
                                continue;
                            for (int s = 0; s < S; ++s) {
                                const int w = q * stride - pad + s;
                                if (w < 0 || w >= W)
                                    continue;
                                acc += input[((n * C + c) * H + h) * W + w] *
                                       weight[((k * C + c) * R + r) * S + s];
                            }
                        }
                    output[((n * K + k) * P + p) * Q + q] = acc;
                }
}
