// xpile prelude: stands in for cuda_bf16.h: __nv_bfloat16 / nv_bfloat16 and
// __nv_bfloat162 / nv_bfloat162 (shared model in __xpile_bf16.h).
#pragma once
#include "__xpile_cuda_prelude.h"
#include "cuda_fp16.h"

#define __XPILE_BF16 __nv_bfloat16
#define __XPILE_BF162 __nv_bfloat162
#include "__xpile_bf16.h"
#undef __XPILE_BF16
#undef __XPILE_BF162

typedef __nv_bfloat16 nv_bfloat16;
typedef __nv_bfloat162 nv_bfloat162;
struct __nv_bfloat16_raw {
  unsigned short x;
};
struct __nv_bfloat162_raw {
  unsigned short x, y;
};

__device__ __nv_bfloat16 __shfl_sync(unsigned mask, __nv_bfloat16 var, int srcLane, int width = warpSize);
__device__ __nv_bfloat16 __shfl_up_sync(unsigned mask, __nv_bfloat16 var, unsigned int delta, int width = warpSize);
__device__ __nv_bfloat16 __shfl_down_sync(unsigned mask, __nv_bfloat16 var, unsigned int delta, int width = warpSize);
__device__ __nv_bfloat16 __shfl_xor_sync(unsigned mask, __nv_bfloat16 var, int laneMask, int width = warpSize);
