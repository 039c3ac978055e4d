/*
 * xpile BANG C prelude -- built-in task variables (§3).
 *
 * In the SDK these are macros reading special registers.  Here they are
 * ordinary device variables with exactly the SDK names, so that the Clang
 * AST shows a DeclRefExpr naming them (the front end maps each name to a
 * ParallelIndex / dimension of the shared AST).
 *   taskDim = taskDimX*taskDimY*taskDimZ,
 *   taskId  = taskIdZ*taskDimY*taskDimX + taskIdY*taskDimX + taskIdX,
 *   coreId == 0x80 on the memory core (MPU); clusterDim == 0 for Block.
 */
#ifndef XPILE_BANG_BUILTIN_VARS_H
#define XPILE_BANG_BUILTIN_VARS_H

#include "__xpile_bang_config.h"

extern const __device__ int taskId;
extern const __device__ int taskIdX;
extern const __device__ int taskIdY;
extern const __device__ int taskIdZ;
extern const __device__ int taskDim;
extern const __device__ int taskDimX;
extern const __device__ int taskDimY;
extern const __device__ int taskDimZ;
extern const __device__ int clusterId;
extern const __device__ int clusterDim;
extern const __device__ int coreId;
extern const __device__ int coreDim;

#endif /* XPILE_BANG_BUILTIN_VARS_H */
