// xpile prelude: stands in for hip/hip_bf16.h (ROCm 6): __hip_bfloat16 and
// __hip_bfloat162 with the CUDA-style intrinsics (shared model in
// ../../cuda/__xpile_bf16.h). The older hip_bfloat16 class name is provided
// as an alias of the same type.
#pragma once
#include "__xpile_hip_prelude.h"
#include "hip_fp16.h"

#define __XPILE_BF16 __hip_bfloat16
#define __XPILE_BF162 __hip_bfloat162
#include "../../cuda/__xpile_bf16.h"
#undef __XPILE_BF16
#undef __XPILE_BF162

typedef __hip_bfloat16 hip_bfloat16;
