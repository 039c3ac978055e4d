// gemm_int8.cpp -- quantized GEMM C = A * B with AVX-512 VNNI.
//
//   A : uint8,  M x K, row-major (activations)
//   B : int8,   K x N, row-major (weights), repacked once into VNNI layout
//   C : int32,  M x N, row-major, exact accumulation
//
// vpdpbusd multiplies four consecutive u8 values of A by four consecutive s8
// values of B *along K* inside each 32-bit lane.  B is therefore repacked as
//   Bp[kb][n][4] = B[4*kb + 0..3][n]     (K zero-padded to a multiple of 4)
// so that one 64-byte load of Bp gives 16 columns x 4 k-values, and one
// broadcast 32-bit word of A supplies the matching four k-values.
// M, N, K need not be multiples of 16/4: the column tail uses a 16-bit mask,
// the K tail is zero-padded.  Rows of C are distributed with OpenMP, and the
// kernel keeps a 2-row x 32-column block of C in registers.
#include <immintrin.h>
#include <omp.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

struct GemmShape {
    int M, N, K;
};

static inline int kblocks(int K) { return (K + 3) / 4; }

// Repack B (K x N) into VNNI layout Bp (kblocks(K) x N x 4), zero padded.
void pack_b_vnni(const int8_t* __restrict B, int8_t* __restrict Bp, GemmShape s) {
    const int KB = kblocks(s.K);
    for (int kb = 0; kb < KB; ++kb)
        for (int n = 0; n < s.N; ++n)
            for (int r = 0; r < 4; ++r) {
                const int k = 4 * kb + r;
                Bp[(size_t(kb) * s.N + n) * 4 + r] = k < s.K ? B[size_t(k) * s.N + n] : 0;
            }
}

// Load 4 consecutive A bytes starting at k = 4*kb, zero padding past K.
static inline int32_t load_a4(const uint8_t* row, int kb, int K) {
    int32_t w = 0;
    const int k0 = 4 * kb;
    std::memcpy(&w, row + k0, size_t(K - k0 >= 4 ? 4 : K - k0));
    return w;
}

static inline __mmask16 col_mask(int remaining) {
    return remaining >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << remaining) - 1u);
}

// C = A * Bp, Bp produced by pack_b_vnni.
void gemm_u8s8s32(const uint8_t* __restrict A, const int8_t* __restrict Bp,
                  int32_t* __restrict C, GemmShape s) {
    const int KB = kblocks(s.K);
    const int M = s.M, N = s.N, K = s.K;
    const int32_t* Bw = reinterpret_cast<const int32_t*>(Bp);  // 32-bit words

#pragma omp parallel for schedule(static)
    for (int i = 0; i < M; i += 2) {
        const bool two = i + 1 < M;                   // second row present?
        const uint8_t* a0 = A + size_t(i) * K;
        const uint8_t* a1 = two ? a0 + K : a0;
        for (int j = 0; j < N; j += 32) {
            const __mmask16 m0 = col_mask(N - j);
            const __mmask16 m1 = j + 16 < N ? col_mask(N - j - 16) : __mmask16(0);
            __m512i c00 = _mm512_setzero_si512(), c01 = _mm512_setzero_si512();
            __m512i c10 = _mm512_setzero_si512(), c11 = _mm512_setzero_si512();
            for (int kb = 0; kb < KB; ++kb) {
                const int32_t* bw = Bw + size_t(kb) * N + j;
                const __m512i b0 = _mm512_maskz_loadu_epi32(m0, bw);
                const __m512i b1 = _mm512_maskz_loadu_epi32(m1, bw + 16);
                const __m512i av0 = _mm512_set1_epi32(load_a4(a0, kb, K));
                const __m512i av1 = _mm512_set1_epi32(load_a4(a1, kb, K));
                c00 = _mm512_dpbusd_epi32(c00, av0, b0);
                c01 = _mm512_dpbusd_epi32(c01, av0, b1);
                c10 = _mm512_dpbusd_epi32(c10, av1, b0);
                c11 = _mm512_dpbusd_epi32(c11, av1, b1);
            }
            int32_t* crow0 = C + size_t(i) * N + j;
            _mm512_mask_storeu_epi32(crow0, m0, c00);
            _mm512_mask_storeu_epi32(crow0 + 16, m1, c01);
            if (two) {
                int32_t* crow1 = crow0 + N;
                _mm512_mask_storeu_epi32(crow1, m0, c10);
                _mm512_mask_storeu_epi32(crow1 + 16, m1, c11);
            }
        }
    }
}

// Straightforward scalar reference on the unpacked B.
static void gemm_ref(const uint8_t* A, const int8_t* B, int32_t* C, GemmShape s) {
    for (int i = 0; i < s.M; ++i)
        for (int j = 0; j < s.N; ++j) {
            int32_t acc = 0;
            for (int k = 0; k < s.K; ++k)
                acc += int32_t(A[size_t(i) * s.K + k]) * int32_t(B[size_t(k) * s.N + j]);
            C[size_t(i) * s.N + j] = acc;
        }
}

static int run_case(GemmShape s, uint32_t seed) {
    std::vector<uint8_t> A(size_t(s.M) * s.K);
    std::vector<int8_t> B(size_t(s.K) * s.N);
    std::vector<int8_t> Bp(size_t(kblocks(s.K)) * s.N * 4);
    std::vector<int32_t> C(size_t(s.M) * s.N, -1), Cref(size_t(s.M) * s.N);

    auto next = [&seed]() {
        seed = seed * 1103515245u + 12345u;
        return (seed >> 16) & 0xFFu;
    };
    for (auto& v : A) v = uint8_t(next());
    for (auto& v : B) v = int8_t(int(next()) - 128);

    pack_b_vnni(B.data(), Bp.data(), s);
    gemm_u8s8s32(A.data(), Bp.data(), C.data(), s);
    gemm_ref(A.data(), B.data(), Cref.data(), s);

    int errors = 0;
    for (size_t idx = 0; idx < C.size(); ++idx)
        if (C[idx] != Cref[idx]) {
            if (errors < 5)
                std::fprintf(stderr, "M=%d N=%d K=%d: C[%zu] = %d, expected %d\n",
                             s.M, s.N, s.K, idx, C[idx], Cref[idx]);
            ++errors;
        }
    return errors;
}

int main() {
    // Shapes deliberately not multiples of 16 (N), 4 (K) or 2 (M).
    const GemmShape cases[] = {{37, 53, 71}, {1, 1, 1}, {16, 16, 64},
                               {5, 33, 3}, {64, 100, 257}};
    int errors = 0;
    uint32_t seed = 7u;
    for (const GemmShape& s : cases) errors += run_case(s, seed++);
    std::printf("gemm_int8: %s (%d threads)\n", errors ? "FAIL" : "OK",
                omp_get_max_threads());
    return errors ? 1 : 0;
}
