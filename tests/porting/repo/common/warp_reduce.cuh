// Warp-level reduction with shuffles (assumes CUDA's 32-lane warps).
#pragma once

#include <cuda_runtime.h>

template <typename T>
__device__ T warpReduceSum(T value) {
  for (int offset = 16; offset > 0; offset /= 2)
    value += __shfl_down_sync(0xffffffff, value, offset);
  return value;
}
