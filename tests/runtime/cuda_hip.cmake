# Tests of the half/bfloat16 header and the CUDA and HIP vocabularies of the SIMT executor
# (backends/runtime/xpile_half.h, backends/cuda/runtime/xpile_cuda.h, backends/hip/runtime/xpile_hip.h).
xpile_runtime_test(half_test half_test.cpp)
xpile_runtime_test(cuda_vocabulary_test cuda_vocabulary_test.cpp)
xpile_runtime_test(hip_vocabulary_test hip_vocabulary_test.cpp)
