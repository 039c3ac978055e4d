/* conv1d.c -- reference 1-D convolution, NCL activations, KCS weights (the
 * PyTorch nn.Conv1d layout, as in the Whisper and wav2vec 2.0 front ends).
 *
 *   output[n][k][l] = sum_{c,s} input[n][c][l*stride - pad + s] * weight[k][c][s]
 *
 *   input [N][C][L]    weight [K][C][S]    output [N][K][Lo]
 *   Lo = (L + 2*pad - S) / stride + 1
 *
 * Positions outside the signal are the zero padding and are skipped.
 * No bias, no dilation, f32 accumulation in (c, s) order.
 */

void conv1d_f32(const float *input, const float *weight, float *output,
                int N, int L, int C, int K, int S, int stride, int pad)
{
    const int Lo = (L + 2 * pad - S) / stride + 1;
    for (int n = 0; n < N; ++n)
        for (int k = 0; k < K; ++k)
            for (int l = 0; l < Lo; ++l) {
                float acc = 0.0f;
                for (int c = 0; c < C; ++c)
                    for (int s = 0; s < S; ++s) {
                        const int x = l * stride - pad + s;
                        if (x < 0 || x >= L)
                            continue;
                        acc += input[(n * C + c) * L + x] *
                               weight[(k * C + c) * S + s];
                    }
                output[(n * K + k) * Lo + l] = acc;
            }
}
