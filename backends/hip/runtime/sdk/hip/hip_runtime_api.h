// The HIP SDK's <hip/hip_runtime_api.h>, for programs run on the executor: project headers that include it get
// the executor's HIP vocabulary, which the program under test already includes.
#pragma once
#include "xpile_hip.h"
