// xpile prelude: the cuRAND device API (curand_kernel.h), written from the public signatures:
// generator states and the per-thread functions kernels call. Declarations only (the parse is
// host-side; nothing is code-generated), so state layouts are opaque placeholders.
#pragma once

#include <cuda_runtime.h>
#include <curand.h>

struct curandStateXORWOW { unsigned int __xpile_opaque[12]; };
struct curandStatePhilox4_32_10 { unsigned int __xpile_opaque[16]; };
struct curandStateMRG32k3a { double __xpile_opaque[8]; };
typedef struct curandStateXORWOW curandStateXORWOW_t;
typedef struct curandStateXORWOW curandState_t;
typedef struct curandStateXORWOW curandState;
typedef struct curandStatePhilox4_32_10 curandStatePhilox4_32_10_t;
typedef struct curandStateMRG32k3a curandStateMRG32k3a_t;

#define __XPILE_CURAND_STATE_API(S)                                                                 \
  __device__ void curand_init(unsigned long long seed, unsigned long long subsequence,              \
                              unsigned long long offset, S *state);                                 \
  __device__ unsigned int curand(S *state);                                                         \
  __device__ float curand_uniform(S *state);                                                        \
  __device__ double curand_uniform_double(S *state);                                                \
  __device__ float curand_normal(S *state);                                                         \
  __device__ double curand_normal_double(S *state);                                                 \
  __device__ float2 curand_normal2(S *state);                                                       \
  __device__ double2 curand_normal2_double(S *state);                                               \
  __device__ float curand_log_normal(S *state, float mean, float stddev);                           \
  __device__ double curand_log_normal_double(S *state, double mean, double stddev);                 \
  __device__ unsigned int curand_poisson(S *state, double lambda);                                  \
  __device__ void skipahead(unsigned long long n, S *state);                                        \
  __device__ void skipahead_sequence(unsigned long long n, S *state);
__XPILE_CURAND_STATE_API(curandStateXORWOW_t)
__XPILE_CURAND_STATE_API(curandStatePhilox4_32_10_t)
__XPILE_CURAND_STATE_API(curandStateMRG32k3a_t)
#undef __XPILE_CURAND_STATE_API

__device__ uint4 curand4(curandStatePhilox4_32_10_t *state);
__device__ float4 curand_uniform4(curandStatePhilox4_32_10_t *state);
__device__ float4 curand_normal4(curandStatePhilox4_32_10_t *state);
