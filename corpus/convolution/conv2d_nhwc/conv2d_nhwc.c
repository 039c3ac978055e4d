/* conv2d_nhwc.c -- reference 2-D convolution, NHWC activations, KRSC weights.
 *
 *   output[n][p][q][k] = sum_{r,s,c} input[n][p*stride - pad + r]
 *                                          [q*stride - pad + s][c]
 *                                    * weight[k][r][s][c]
 *
 *   input  [N][H][W][C]      weight [K][R][S][C]      output [N][P][Q][K]
 *   P = (H + 2*pad - R) / stride + 1,   Q = (W + 2*pad - S) / stride + 1
 *
 * Input positions outside the image are the zero padding and are skipped.
 * No bias, no dilation, f32 accumulation in (r, s, c) order.
 */

void conv2d_nhwc_f32(const float *input, const float *weight, float *output,
                     int N, int H, int W, int C, int K, int R, int S,
                     int stride, int pad)
{
    const int P = (H + 2 * pad - R) / stride + 1;
    const int Q = (W + 2 * pad - S) / stride + 1;
    for (int n = 0; n < N; ++n)
        for (int p = 0; p < P; ++p)
            for (int q = 0; q < Q; ++q)
                for (int k = 0; k < K; ++k) {
                    float acc = 0.0f;
                    for (int r = 0; r < R; ++r) {
                        const int h = p * stride - pad + r;
                        if (h < 0 || h >= H)
                            continue;
                        for (int s = 0; s < S; ++s) {
                            const int w = q * stride - pad + s;
                            if (w < 0 || w >= W)
                                continue;
                            for (int c = 0; c < C; ++c)
                                acc += input[((n * H + h) * W + w) * C + c] *
                                       weight[((k * R + r) * S + s) * C + c];
                        }
                    }
                    output[((n * P + p) * Q + q) * K + k] = acc;
                }
}
