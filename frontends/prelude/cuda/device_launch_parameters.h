// xpile prelude: stands in for device_launch_parameters.h (threadIdx,
// blockIdx, blockDim, gridDim, warpSize), which the prelude always declares.
#pragma once
#include "__xpile_cuda_prelude.h"
