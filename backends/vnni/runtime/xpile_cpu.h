// xpile C/VNNI executor: what a C or C++ program written for x86 with AVX-512 VNNI and OpenMP needs
// to run on any x86 CPU. Valid as C (c11) and C++ (c++17).
//
//  - AVX-512 (F/BW/VL/DQ/VNNI) intrinsics: <immintrin.h> when the compiler targets AVX-512 VNNI
//    (xpile passes -mavx512f -mavx512bw -mavx512vl -mavx512dq -mavx512vnni when the CPU has it,
//    see backends/exec/cpu_features.h), otherwise SIMDe's portable implementation under the native
//    names (<simde/x86/avx512.h> with SIMDE_ENABLE_NATIVE_ALIASES; Debian package libsimde-dev).
//    -DXPILE_FORCE_SIMDE selects SIMDe even when native VNNI is available.
//  - <omp.h> when compiled with -fopenmp.
//  - In C++, the harness (xpile_harness.h) that reads the job of `xpile run`.
#pragma once

#if defined(__AVX512VNNI__) && defined(__AVX512F__) && defined(__AVX512BW__) && !defined(XPILE_FORCE_SIMDE)
#define XPILE_CPU_NATIVE_VNNI 1
#include <immintrin.h>
#else
#define XPILE_CPU_NATIVE_VNNI 0
#ifndef SIMDE_ENABLE_NATIVE_ALIASES
#define SIMDE_ENABLE_NATIVE_ALIASES
#endif
// Without AVX, SIMDe includes the compiler's SSE headers only; Clang 16's <emmintrin.h> defines
// __m128bh even without AVX512-BF16, and SIMDe 0.7 (Debian 12) then typedefs that name to its own,
// different type. Include that header first with the name renamed, so only SIMDe's definition
// carries it. (With AVX, SIMDe includes <immintrin.h>, whose AVX512-BF16 header makes SIMDe use
// Clang's types for its own, and the names agree.)
#if !defined(__AVX__) && !defined(__AVX512BF16__) && defined(__SSE2__)
#define __m128bh xpile_native_m128bh
#include <emmintrin.h>
#undef __m128bh
#endif
#include <simde/x86/avx512.h>
// SIMDe's 512-bit vectors are passed by value without AVX-512 enabled; the compiler warns about the
// ABI at every call in the program, which is harmless here (everything is inline, one translation
// unit), so that warning is off for the whole program.
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wpsabi"
#elif defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif
#endif

#ifdef _OPENMP
#include <omp.h>
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __cplusplus
#include "xpile_harness.h"
#endif
