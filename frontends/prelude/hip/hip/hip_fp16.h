// xpile prelude: stands in for hip/hip_fp16.h: __half / half / __half2 /
// half2 and their intrinsics, the same model as CUDA (../../cuda/__xpile_fp16.h).
#pragma once
#include "__xpile_hip_prelude.h"
#include "../../cuda/__xpile_fp16.h"
