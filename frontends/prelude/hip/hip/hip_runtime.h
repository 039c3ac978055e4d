// xpile prelude: stands in for ROCm's hip/hip_runtime.h (runtime API,
// built-in variables, device functions). See ../../README.md.
#pragma once
#include "__xpile_hip_prelude.h"
