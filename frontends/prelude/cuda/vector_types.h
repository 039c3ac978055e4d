// xpile prelude: stands in for vector_types.h (float4, dim3, ...).
#pragma once
#include "__xpile_cuda_prelude.h"
