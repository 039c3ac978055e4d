// xpile prelude: stands in for hip/hip_runtime_api.h; ours provides the
// whole HIP prelude.
#pragma once
#include "__xpile_hip_prelude.h"
