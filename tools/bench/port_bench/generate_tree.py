#!/usr/bin/env python3
"""Writes a CUDA tree of N modules for benchmarking `xpile port`: per module a .cu with a kernel,
a templated kernel and host code (cudaMalloc/cudaMemcpy/launch), a .cuh header, and a CMakeLists.txt;
plus a root CMakeLists.txt and Makefile. Usage: generate_tree.py DIR [--modules N] (default 70 -> 212 files)."""
import argparse, os

KERNEL = '''// Module {i}: element-wise kernels; the host code uses the CUDA runtime.
#include "common.cuh"
#include "mod{i}.cuh"

template <typename T>
__global__ void scale{i}(T *data, T factor, int n) {{
  int idx = blockIdx.x * blockDim.x + threadIdx.x;
  if (idx < n) data[idx] *= factor;
}}

__global__ void axpy{i}(int n, float a, const float *x, float *y) {{
  int idx = blockIdx.x * blockDim.x + threadIdx.x;
  if (idx < n) y[idx] = a * x[idx] + y[idx];
}}

void run{i}(int n, float *hostY, const float *hostX) {{
  float *x = nullptr, *y = nullptr;
  CHECK(cudaMalloc(&x, n * sizeof(float)));
  CHECK(cudaMalloc(&y, n * sizeof(float)));
  CHECK(cudaMemcpy(x, hostX, n * sizeof(float), cudaMemcpyHostToDevice));
  CHECK(cudaMemcpy(y, hostY, n * sizeof(float), cudaMemcpyHostToDevice));
  axpy{i}<<<(n + 255) / 256, 256>>>(n, 2.0f, x, y);
  scale{i}<float><<<(n + 255) / 256, 256>>>(y, 0.5f, n);
  CHECK(cudaDeviceSynchronize());
  CHECK(cudaMemcpy(hostY, y, n * sizeof(float), cudaMemcpyDeviceToHost));
  CHECK(cudaFree(x));
  CHECK(cudaFree(y));
}}
'''
HEADER = '''#pragma once
#include <cuda_runtime.h>
void run{i}(int n, float *hostY, const float *hostX);
inline __device__ float twice{i}(float v) {{ return 2.0f * v; }}
'''
COMMON = '''#pragma once
#include <cuda_runtime.h>
#include <cstdio>
#define CHECK(call) do {{ cudaError_t e = (call); if (e != cudaSuccess) std::printf("%s\\n", cudaGetErrorString(e)); }} while (0)
'''

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('dir')
    ap.add_argument('--modules', type=int, default=70)
    a = ap.parse_args()
    os.makedirs(os.path.join(a.dir, 'include'), exist_ok=True)
    open(os.path.join(a.dir, 'include', 'common.cuh'), 'w').write(COMMON.format())
    subdirs = []
    for i in range(a.modules):
        d = os.path.join(a.dir, 'mod%d' % i)
        os.makedirs(d, exist_ok=True)
        open(os.path.join(d, 'mod%d.cu' % i), 'w').write(KERNEL.format(i=i))
        open(os.path.join(d, 'mod%d.cuh' % i), 'w').write(HEADER.format(i=i))
        open(os.path.join(d, 'CMakeLists.txt'), 'w').write(
            'add_library(mod{i} STATIC mod{i}.cu)\nset_target_properties(mod{i} PROPERTIES CUDA_ARCHITECTURES 80)\n'
            'target_link_libraries(mod{i} PUBLIC CUDA::cudart)\n'.format(i=i))
        subdirs.append('mod%d' % i)
    open(os.path.join(a.dir, 'CMakeLists.txt'), 'w').write(
        'cmake_minimum_required(VERSION 3.21)\nproject(bench LANGUAGES CXX CUDA)\nfind_package(CUDAToolkit REQUIRED)\n'
        'include_directories(include)\n' + ''.join('add_subdirectory(%s)\n' % s for s in subdirs))
    open(os.path.join(a.dir, 'Makefile'), 'w').write(
        'NVCC := nvcc\nFLAGS := -O2 -arch=sm_80 -Iinclude\nSRCS := $(wildcard mod*/*.cu)\n'
        'all: $(SRCS:.cu=.o)\n%.o: %.cu\n\t$(NVCC) $(FLAGS) -c $< -o $@\n')

main()
