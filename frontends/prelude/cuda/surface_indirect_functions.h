// xpile prelude: stands in for the CUDA SDK's surface_indirect_functions.h (the texture/surface object API).
// See ../README.md.
#pragma once
#include "__xpile_cuda_prelude.h"
