// xpile prelude: stands in for device_functions.h (intrinsics, barriers),
// which the prelude always declares.
#pragma once
#include "__xpile_cuda_prelude.h"
