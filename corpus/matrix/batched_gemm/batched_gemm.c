/* batched_gemm.c -- reference batched GEMM in plain C.
 *
 *   bgemm_f32 : for every b < batch, C[b][M][N] = A[b][M][K] x B[b][K][N], float, row-major,
 *               the matrices of one batch stored contiguously one after the other
 *               (e.g. attention scores Q x K^T or context P x V, batch = batch size x heads).
 */
void bgemm_f32(const float *A, const float *B, float *C, int batch, int M, int N, int K)
{
    for (int b = 0; b < batch; ++b) {
        const float *Ab = A + (long)b * M * K;
        const float *Bb = B + (long)b * K * N;
        float *Cb = C + (long)b * M * N;
        for (int i = 0; i < M; ++i)
            for (int j = 0; j < N; ++j) {
                float acc = 0.0f;
                for (int k = 0; k < K; ++k)
                    acc += Ab[i * K + k] * Bb[k * N + j];
                Cb[i * N + j] = acc;
            }
    }
}
