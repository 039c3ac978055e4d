// xpile prelude: stands in for cuda_fp16.h. The type model and the intrinsic
// list are shared with HIP (__xpile_fp16.h); CUDA adds the masked shuffles.
#pragma once
#include "__xpile_cuda_prelude.h"
#include "__xpile_fp16.h"

__device__ __half __shfl_sync(unsigned mask, __half var, int srcLane, int width = warpSize);
__device__ __half __shfl_up_sync(unsigned mask, __half var, unsigned int delta, int width = warpSize);
__device__ __half __shfl_down_sync(unsigned mask, __half var, unsigned int delta, int width = warpSize);
__device__ __half __shfl_xor_sync(unsigned mask, __half var, int laneMask, int width = warpSize);
__device__ __half2 __shfl_sync(unsigned mask, __half2 var, int srcLane, int width = warpSize);
__device__ __half2 __shfl_up_sync(unsigned mask, __half2 var, unsigned int delta, int width = warpSize);
__device__ __half2 __shfl_down_sync(unsigned mask, __half2 var, unsigned int delta, int width = warpSize);
__device__ __half2 __shfl_xor_sync(unsigned mask, __half2 var, int laneMask, int width = warpSize);
