// The CUDA SDK's <cuda_runtime_api.h>, for programs run on the executor: project headers that include it get the
// executor's CUDA vocabulary, which the program under test already includes.
#pragma once
#include "xpile_cuda.h"
