// xpile prelude: stands in for cuda_runtime_api.h. The real header is the C
// subset of cuda_runtime.h; ours simply provides the whole prelude.
#pragma once
#include "__xpile_cuda_prelude.h"
