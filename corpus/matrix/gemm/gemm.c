/* gemm.c -- reference GEMM in plain C (row-major throughout).
 *
 *   gemm_f32       : C[M][N] = A[M][K] x B[K][N], float, sizes as parameters
 *   gemm_f16_f32   : the same with f16 inputs and an f32 result, constant shape
 *                    (GEMM_F16_M x GEMM_F16_N x GEMM_F16_K), products and sums in float
 *   gemm_u8s8s32   : quantized GEMM, A uint8, B int8, C int32 (exact)
 *
 * Every dialect of this operator defines the same three entries; this file is
 * the obviously-correct triple loop they are all checked against.
 */
#include <stdint.h>

/* BERT-tiny (hidden 128) FFN1 (128 -> 512), sequence of 16 tokens. */
#define GEMM_F16_M 16
#define GEMM_F16_N 512
#define GEMM_F16_K 128

void gemm_f32(const float *A, const float *B, float *C, int M, int N, int K)
{
    for (int i = 0; i < M; ++i)
        for (int j = 0; j < N; ++j) {
            float acc = 0.0f;
            for (int k = 0; k < K; ++k)
                acc += A[i * K + k] * B[k * N + j];
            C[i * N + j] = acc;
        }
}

void gemm_f16_f32(const _Float16 *A, const _Float16 *B, float *C)
{
    for (int i = 0; i < GEMM_F16_M; ++i)
        for (int j = 0; j < GEMM_F16_N; ++j) {
            float acc = 0.0f;
            for (int k = 0; k < GEMM_F16_K; ++k)
                acc += (float)A[i * GEMM_F16_K + k] * (float)B[k * GEMM_F16_N + j];
            C[i * GEMM_F16_N + j] = acc;
        }
}

void gemm_u8s8s32(const uint8_t *A, const int8_t *B, int32_t *C, int M, int N, int K)
{
    for (int i = 0; i < M; ++i)
        for (int j = 0; j < N; ++j) {
            int32_t acc = 0;
            for (int k = 0; k < K; ++k)
                acc += (int32_t)A[i * K + k] * (int32_t)B[k * N + j];
            C[i * N + j] = acc;
        }
}
