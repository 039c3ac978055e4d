/* gemm.c -- single-precision GEMM in plain C.
 *
 * C = alpha * A * B + beta * C with A: M x K, B: K x N, C: M x N, all
 * row-major.  Three variants of the same computation:
 *   sgemm_naive  : the textbook triple loop (i, j, k);
 *   sgemm_tiled  : loops split into TM x TN x TK tiles with an i-k-j inner
 *                  order so B and C are walked contiguously; the min()
 *                  bounds handle sizes that are not multiples of the tiles;
 *   sgemm_omp    : naive loop nest with the (i, j) loops parallelised by
 *                  `#pragma omp parallel for collapse(2)`.
 * main() checks both optimised variants against the naive one.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define TM 32
#define TN 64
#define TK 16

static int min_int(int a, int b) { return a < b ? a : b; }

void sgemm_naive(int M, int N, int K, float alpha, const float *A,
                 const float *B, float beta, float *C)
{
    for (int i = 0; i < M; ++i)
        for (int j = 0; j < N; ++j) {
            float acc = 0.0f;
            for (int k = 0; k < K; ++k)
                acc += A[i * K + k] * B[k * N + j];
            C[i * N + j] = alpha * acc + beta * C[i * N + j];
        }
}

void sgemm_tiled(int M, int N, int K, float alpha, const float *A,
                 const float *B, float beta, float *C)
{
    /* Scale C by beta once, then accumulate alpha * A * B tile by tile. */
    for (int i = 0; i < M * N; ++i)
        C[i] *= beta;
    for (int i0 = 0; i0 < M; i0 += TM) {
        int i1 = min_int(i0 + TM, M);
        for (int j0 = 0; j0 < N; j0 += TN) {
            int j1 = min_int(j0 + TN, N);
            for (int k0 = 0; k0 < K; k0 += TK) {
                int k1 = min_int(k0 + TK, K);
                for (int i = i0; i < i1; ++i)
                    for (int k = k0; k < k1; ++k) {
                        float a = alpha * A[i * K + k];
                        for (int j = j0; j < j1; ++j)
                            C[i * N + j] += a * B[k * N + j];
                    }
            }
        }
    }
}

void sgemm_omp(int M, int N, int K, float alpha, const float *A,
               const float *B, float beta, float *C)
{
#pragma omp parallel for collapse(2) schedule(static)
    for (int i = 0; i < M; ++i)
        for (int j = 0; j < N; ++j) {
            float acc = 0.0f;
            for (int k = 0; k < K; ++k)
                acc += A[i * K + k] * B[k * N + j];
            C[i * N + j] = alpha * acc + beta * C[i * N + j];
        }
}

static int check(const char *name, const float *got, const float *want,
                 int count, int K)
{
    int bad = 0;
    for (int i = 0; i < count; ++i) {
        /* Summation order differs between variants: scale tolerance by K. */
        float tol = 1e-6f * (float)K * (1.0f + fabsf(want[i]));
        if (fabsf(got[i] - want[i]) > tol) {
            if (bad < 5)
                fprintf(stderr, "%s: C[%d] = %g, expected %g\n", name, i,
                        (double)got[i], (double)want[i]);
            ++bad;
        }
    }
    return bad;
}

int main(void)
{
    const int M = 75, N = 131, K = 47; /* not multiples of TM/TN/TK */
    const float alpha = 1.5f, beta = -0.5f;
    float *A = (float *)malloc((size_t)M * K * sizeof(float));
    float *B = (float *)malloc((size_t)K * N * sizeof(float));
    float *C0 = (float *)malloc((size_t)M * N * sizeof(float));
    float *C1 = (float *)malloc((size_t)M * N * sizeof(float));
    float *C2 = (float *)malloc((size_t)M * N * sizeof(float));
    if (!A || !B || !C0 || !C1 || !C2) {
        fprintf(stderr, "allocation failed\n");
        return 2;
    }

    for (int i = 0; i < M * K; ++i)
        A[i] = (float)((i * 7 + 3) % 19) / 19.0f - 0.5f;
    for (int i = 0; i < K * N; ++i)
        B[i] = (float)((i * 13 + 5) % 23) / 23.0f - 0.5f;
    for (int i = 0; i < M * N; ++i)
        C0[i] = C1[i] = C2[i] = (float)(i % 11) * 0.1f;

    sgemm_naive(M, N, K, alpha, A, B, beta, C0);
    sgemm_tiled(M, N, K, alpha, A, B, beta, C1);
    sgemm_omp(M, N, K, alpha, A, B, beta, C2);

    int bad = check("tiled", C1, C0, M * N, K) + check("omp", C2, C0, M * N, K);

    /* Spot-check the naive result itself against a double-precision sum. */
    for (int i = 0; i < M; i += 37)
        for (int j = 0; j < N; j += 29) {
            double acc = 0.0;
            for (int k = 0; k < K; ++k)
                acc += (double)A[i * K + k] * (double)B[k * N + j];
            double want = alpha * acc + beta * (double)((i * N + j) % 11) * 0.1;
            if (fabs(C0[i * N + j] - want) > 1e-4)
                ++bad;
        }

    printf("c gemm: %s (M=%d N=%d K=%d)\n", bad ? "FAIL" : "OK", M, N, K);
    free(A);
    free(B);
    free(C0);
    free(C1);
    free(C2);
    return bad ? 1 : 0;
}
