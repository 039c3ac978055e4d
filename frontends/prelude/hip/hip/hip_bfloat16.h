// xpile prelude: stands in for the older hip/hip_bfloat16.h (class
// hip_bfloat16); see hip_bf16.h.
#pragma once
#include "hip_bf16.h"
