// xpile prelude: stands in for the CUDA SDK's texture_types.h (the texture/surface object API).
// See ../README.md.
#pragma once
#include "__xpile_cuda_prelude.h"
