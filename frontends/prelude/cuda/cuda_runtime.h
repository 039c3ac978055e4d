// xpile prelude: stands in for the CUDA SDK's cuda_runtime.h (runtime API,
// built-in variables, device functions). See ../README.md.
#pragma once
#include "__xpile_cuda_prelude.h"
