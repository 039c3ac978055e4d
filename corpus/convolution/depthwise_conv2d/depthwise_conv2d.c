/* depthwise_conv2d.c -- reference depthwise 2-D convolution (channel
 * multiplier 1, as in MobileNet), NHWC activations, [R][S][C] weights (the
 * TensorFlow depthwise layout with the multiplier dimension of 1 dropped).
 *
 *   output[n][p][q][c] = sum_{r,s} input[n][p*stride - pad + r]
 *                                       [q*stride - pad + s][c]
 *                                 * weight[r][s][c]
 *
 *   input [N][H][W][C]    weight [R][S][C]    output [N][P][Q][C]
 *   P = (H + 2*pad - R) / stride + 1,   Q = (W + 2*pad - S) / stride + 1
 *
 * Positions outside the image are the zero padding and are skipped.
 * No bias, f32 accumulation in (r, s) order.
 */

void depthwise_conv2d_f32(const float *input, const float *weight,
                          float *output, int N, int H, int W, int C, int R,
                          int S, int stride, int pad)
{
    const int P = (H + 2 * pad - R) / stride + 1;
    const int Q = (W + 2 * pad - S) / stride + 1;
    for (int n = 0; n < N; ++n)
        for (int p = 0; p < P; ++p)
            for (int q = 0; q < Q; ++q)
                for (int c = 0; c < C; ++c) {
                    float acc = 0.0f;
                    for (int r = 0; r < R; ++r) {
                        const int h = p * stride - pad + r;
                        if (h < 0 || h >= H)
                            continue;
                        for (int s = 0; s < S; ++s) {
                            const int w = q * stride - pad + s;
                            if (w < 0 || w >= W)
                                continue;
                            acc += input[((n * H + h) * W + w) * C + c] *
                                   weight[(r * S + s) * C + c];
                        }
                    }
                    output[((n * P + p) * Q + q) * C + c] = acc;
                }
}
