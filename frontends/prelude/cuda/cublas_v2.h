// xpile prelude: the cuBLAS v2 API (classic names are macros for the _v2 entry points, as in
// CUDA's cublas_v2.h). Declarations generated into cublas_api.h.
#pragma once

#include <cublas_api.h>
