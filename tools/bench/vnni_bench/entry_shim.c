/* entry_shim.c -- exports one corpus entry of a benchmarked version under a fixed C name.
 *
 * run.sh compiles this file once per version into its own shared library, with the version's
 * source prepended by `-include FILE`, in the source's language (-x c or -x c++), with
 * -fvisibility=hidden. Every version defines the same entry names (gemm_u8s8s32, ...), so
 * each lives in its own library, is loaded with RTLD_LOCAL, and only the wrapper below is
 * visible: helpers of one version can never resolve to another version's.
 *
 *   -DBENCH_OP_GEMM : bench_gemm_u8s8s32 -> gemm_u8s8s32    (corpus/matrix/gemm)
 *   -DBENCH_OP_CONV : bench_conv2d_nchw_f32 -> conv2d_nchw_f32 (corpus/convolution/conv2d_nchw)
 */
#include <stdint.h>

#ifdef __cplusplus
#define BENCH_EXPORT extern "C" __attribute__((visibility("default")))
#else
#define BENCH_EXPORT __attribute__((visibility("default")))
#endif

#if defined(BENCH_OP_GEMM)
BENCH_EXPORT void bench_gemm_u8s8s32(const uint8_t *A, const int8_t *B, int32_t *C, int M, int N,
                                     int K) {
  gemm_u8s8s32(A, B, C, M, N, K);
}
#elif defined(BENCH_OP_CONV)
BENCH_EXPORT void bench_conv2d_nchw_f32(const float *input, const float *weight, float *output,
                                        int N, int H, int W, int C, int K, int R, int S,
                                        int stride, int pad) {
  conv2d_nchw_f32(input, weight, output, N, H, W, C, K, R, S, stride, pad);
}
#else
#error "define BENCH_OP_GEMM or BENCH_OP_CONV"
#endif
