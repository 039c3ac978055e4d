/* gemv.c -- reference matrix-vector product in plain C.
 *
 *   gemv_f32 : y[M] = A[M][K] x x[K], float, A row-major (a Linear layer applied to one token:
 *              W[out][in] x activation).
 */
void gemv_f32(const float *A, const float *x, float *y, int M, int K)
{
    for (int i = 0; i < M; ++i) {
        float acc = 0.0f;
        for (int k = 0; k < K; ++k)
            acc += A[i * K + k] * x[k];
        y[i] = acc;
    }
}
