// dot_int8.cpp -- int8 dot product and GEMV with AVX-512 VNNI.
//
// Computes, for a quantized matrix A (uint8, M x K, row-major) and a
// quantized vector x (int8, length K):
//     y[m] = sum_k A[m][k] * x[k]          (exact int32 accumulation)
// plus a standalone dot(a, b) helper.  The inner product uses
// _mm512_dpbusd_epi32, which multiplies 64 unsigned bytes by 64 signed bytes,
// sums each group of four adjacent products and adds the result to 16 int32
// lanes.  K need not be a multiple of 64: the tail is read with a byte mask
// (_mm512_maskz_loadu_epi8), so masked-off lanes contribute zero.
// Rows are distributed over cores with OpenMP.
// GCC 12's own avx512fintrin.h trips -Wmaybe-uninitialized (GCC bug 105593,
// `__m256i __Y = __Y;` in _mm256_undefined_*) when _mm512_reduce_* is inlined
// into an OpenMP-outlined function; silence it for the header only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#include <omp.h>

#include <cstdint>
#include <cstdio>
#include <vector>

// Mask with the low `n` bits set, 0 <= n <= 64.
static inline __mmask64 tail_mask64(int64_t n) {
    return n >= 64 ? ~__mmask64(0) : ((__mmask64(1) << n) - 1);
}

// int32 dot product of an unsigned 8-bit vector with a signed 8-bit vector.
static inline int32_t dot_u8s8(const uint8_t* __restrict a,
                               const int8_t* __restrict b, int64_t k) {
    __m512i acc0 = _mm512_setzero_si512();
    __m512i acc1 = _mm512_setzero_si512();
    int64_t i = 0;
    // Main loop: 128 bytes per iteration into two independent accumulators
    // to hide the latency of vpdpbusd.
    for (; i + 128 <= k; i += 128) {
        __m512i va0 = _mm512_loadu_si512(a + i);
        __m512i vb0 = _mm512_loadu_si512(b + i);
        __m512i va1 = _mm512_loadu_si512(a + i + 64);
        __m512i vb1 = _mm512_loadu_si512(b + i + 64);
        acc0 = _mm512_dpbusd_epi32(acc0, va0, vb0);
        acc1 = _mm512_dpbusd_epi32(acc1, va1, vb1);
    }
    // Remaining full and partial 64-byte blocks, masked.
    for (; i < k; i += 64) {
        __mmask64 m = tail_mask64(k - i);
        __m512i va = _mm512_maskz_loadu_epi8(m, a + i);
        __m512i vb = _mm512_maskz_loadu_epi8(m, b + i);
        acc0 = _mm512_dpbusd_epi32(acc0, va, vb);
    }
    return _mm512_reduce_add_epi32(_mm512_add_epi32(acc0, acc1));
}

// y = A * x, one row per iteration, rows split across threads.
void gemv_u8s8(const uint8_t* __restrict A, const int8_t* __restrict x,
               int32_t* __restrict y, int64_t M, int64_t K, int64_t lda) {
#pragma omp parallel for schedule(static)
    for (int64_t m = 0; m < M; ++m) {
        y[m] = dot_u8s8(A + m * lda, x, K);
    }
}

// Straightforward scalar reference.
static void gemv_ref(const uint8_t* A, const int8_t* x, int32_t* y,
                     int64_t M, int64_t K, int64_t lda) {
    for (int64_t m = 0; m < M; ++m) {
        int32_t s = 0;
        for (int64_t k = 0; k < K; ++k)
            s += int32_t(A[m * lda + k]) * int32_t(x[k]);
        y[m] = s;
    }
}

int main() {
    // Sizes chosen so that K is not a multiple of 64 (nor of 4).
    const int64_t M = 203, K = 1001, lda = K;

    std::vector<uint8_t> A(static_cast<size_t>(M * lda));
    std::vector<int8_t> x(static_cast<size_t>(K));
    std::vector<int32_t> y(static_cast<size_t>(M)), y_ref(static_cast<size_t>(M));

    // Deterministic pseudo-random data covering the full u8 / s8 ranges.
    uint32_t seed = 12345u;
    auto next = [&seed]() {
        seed = seed * 1664525u + 1013904223u;
        return seed >> 24;
    };
    for (auto& v : A) v = uint8_t(next());
    for (auto& v : x) v = int8_t(int(next()) - 128);
    A[0] = 255; x[0] = -128;  // extreme values

    gemv_u8s8(A.data(), x.data(), y.data(), M, K, lda);
    gemv_ref(A.data(), x.data(), y_ref.data(), M, K, lda);

    int errors = 0;
    for (int64_t m = 0; m < M; ++m) {
        if (y[size_t(m)] != y_ref[size_t(m)]) {
            if (errors < 5)
                std::fprintf(stderr, "mismatch y[%lld]: %d vs %d\n",
                             (long long)m, y[size_t(m)], y_ref[size_t(m)]);
            ++errors;
        }
    }

    // Also check the dot product on a few awkward lengths.
    for (int64_t len : {0, 1, 3, 63, 64, 65, 127, 128, 129, 1001}) {
        int32_t ref = 0;
        for (int64_t k = 0; k < len; ++k) ref += int32_t(A[size_t(k)]) * x[size_t(k)];
        if (dot_u8s8(A.data(), x.data(), len) != ref) {
            std::fprintf(stderr, "dot mismatch at len %lld\n", (long long)len);
            ++errors;
        }
    }

    std::printf("dot_int8: %s (M=%lld K=%lld, %d threads)\n",
                errors ? "FAIL" : "OK", (long long)M, (long long)K,
                omp_get_max_threads());
    return errors ? 1 : 0;
}
