// xpile BANG executor: runs Cambricon BANG C programs (kernels and CNRT host code) on an x86 CPU.
//
// Header-only C++17, compiled INTO the program under test by `clang++-16 -O2 -pthread` (never into
// xpile). The program is the user's BANG code printed by xpile from its shared AST with
// `#include "xpile_bang.h"` in place of bang.h/cnrt.h, and every launch printed as
//     xpile::bang::launch(xpile_kernel_info_k, k, dim, funcType, queue, args...);
// Semantics follow /work/shared/reference/bang-c.md (section numbers §n below refer to it). The
// intrinsic set and signatures are exactly those the front end's prelude declares
// (frontends/prelude/bang), generated per element type by the same kind of overload macros.
//
// ---- Files --------------------------------------------------------------------------------------
//   xpile_bang_core.h     config macros (__BANG_ARCH__, __MLU_*_SIZE__), qualifiers, half /
//                         bfloat16_t / int8 / enums, per-core context, clusters, barriers, memory
//                         spaces, shared checks (strict mode), scratch buffers
//   xpile_bang_memory.h   __memcpy (1-D, 2-D segnum, SRAM2SRAM cross-cluster, 3-D; async = eager),
//                         fills, __sync_*, __is_nram/__is_wram/__is_sram/__is_dram, __is_ipu/__is_mpu
//   xpile_bang_vector.h   §8.1 binary, §8.2 scalar (+ deprecated _const), §8.3 cycle, §8.4 activations
//   xpile_bang_reduce.h   §8.5 reduce_sum (per 128-byte block), sum, max/min/argmax, count, pooling
//   xpile_bang_conv.h     §8.6 mlp, conv, matmul, reshape_filter, transpose, reshapes, pad, mirror, rotate
//   xpile_bang_convert.h  §8.8 conversions with exact rounding suffixes, fixed point, scalar forms
//   xpile_bang_misc.h     §8.7 select/collect/maskmove/filter/lut, §8.9 atomics, §8.10 printf/rand
//   xpile_bang_cnrt.h     §4 CNRT 6 + CNRT 4 host API, cnrtDim3_t, cnrtFunctionType_t, launch
//
// ---- Execution model (§3, §10) -------------------------------------------------------------------
// * Every emulated core is an OS thread (std::thread) for the duration of a launch. Launches are
//   synchronous (queues are only handles); launch() returns when every task has finished, then
//   calls rt::recordLaunch with the arguments converted to the kernel's parameter types.
// * Block tasks (cnrtFuncTypeBlock/Block1/Mutable): taskDim tasks, one fresh thread each, run in
//   batches of rt::options().hostThreads (XPILE_THREADS, default hardware concurrency).
//   clusterDim == 0, coreDim = 4 (1 on MLU322), coreId = taskId % coreDim, clusterId =
//   (taskId / coreDim) % clusters-of-the-device. Each Block task has its own private SRAM.
//   __sync_cluster/__sync_all are no-ops (plain pipeline syncs), as in the SDK when clusterDim == 0.
// * UnionN tasks (N = 1, 2, 4, 8, 16): dim.x must be a multiple of 4N (else an invalid-argument
//   fault). Each group of 4N consecutive taskIdX (fixed taskIdY, taskIdZ) is a "union job" of N
//   clusters; union jobs run one after the other, the 5N threads of a job concurrently. Each
//   cluster has 4 IPU threads (coreId 0..3) and one MPU thread (coreId 0x80, __is_mpu() true) that
//   also runs the kernel. clusterId = (taskIdX / coreDim) % N, coreId = taskIdX % coreDim,
//   taskId = taskIdZ*taskDimY*taskDimX + taskIdY*taskDimX + taskIdX. [UNCERTAIN] the MPU has the
//   task indices of its cluster's first IPU core.
// * Barriers: __sync_cluster waits for the cluster's coreDim+1 threads (IPUs + MPU), __sync_all
//   for all N*(coreDim+1) threads of the union job, __sync_all_ipu for the N*coreDim IPU threads
//   (the MPU returns at once), __sync_all_mpu for the N MPU threads (IPUs return at once),
//   __sync_all_ipu_within_cluster for the cluster's IPUs. All barriers of a job share one lock, so
//   a deadlock is detected exactly: when every live thread of the job waits at some barrier, the
//   program faults (divergent-barrier when some core has already returned from the kernel, e.g. a
//   kernel whose MPU returns early and whose IPUs then call __sync_cluster; deadlock otherwise).
//   Per-core pipeline syncs (__sync_compute, __sync_copy_*, __sync_io, __sync_move, __sync, ...)
//   are no-ops because every copy, async or not, executes eagerly in program order.
// * Built-in variables (taskId ... coreDim) are macros over the running thread's thread_local
//   context; they are read-only, like the SDK's special registers.
//
// ---- Memories ------------------------------------------------------------------------------------
// * __nram__, __wram__, __ldram__ are `thread_local` (file and block scope; block-scope
//   thread_local is static, which is BANG's "static per core") placed in the TLS sections
//   xpile_nram, xpile_wram, xpile_ldram, each variable 64-byte aligned. The linker's __start_/__stop_ symbols for these sections,
//   offset to the running thread's TLS copy, give each core's NRAM/WRAM/LDRAM address ranges:
//   __is_nram/__is_wram answer from them, and every __memcpy checks that both pointers lie in the
//   spaces its direction names (automatic variables count as NRAM: cncc's stack is in NRAM) and
//   that NRAM/WRAM ranges stay inside the core's variables. Fresh threads per task mean fresh,
//   zero-initialised NRAM/WRAM for every task. Limitation: a const-qualified __nram__/__wram__
//   variable beside non-const ones is a "section type conflict" for Clang; the printer should print
//   const-qualified on-chip variables as plain `thread_local const`.
// * __mlu_device__ globals and cnrtMalloc memory (rt::deviceAlloc: registered, 0xCD-filled) are
//   GDRAM. __mlu_const__ is `const`.
// * __mlu_shared__ (SRAM) is one copy PER CLUSTER. A macro in front of a declaration cannot make
//   that, so THE EXECUTOR PRINTER MUST EMIT every __mlu_shared__ variable (file scope or block
//   scope, any type) as a thread_local reference initialised from XPILE_BANG_SHARED:
//       __mlu_shared__ float sbuf[1024];      // BANG source
//       thread_local float (&sbuf)[1024] = XPILE_BANG_SHARED(sbuf);   // printed for the executor
//       __mlu_shared__ int counter;           // BANG source
//       thread_local int &counter = XPILE_BANG_SHARED(counter);        // printed for the executor
//   i.e. the declarator `NAME` becomes `(&NAME)` (parenthesised when the type has array or function
//   suffixes), the memory-space qualifier becomes `thread_local`, and the initializer is
//   XPILE_BANG_SHARED(NAME) (initializers of __mlu_shared__ variables are dropped: SRAM is not
//   initialised). sizeof(sbuf), sbuf[i], &sbuf[0] and decay to a pointer all keep their meaning.
//   The reference is bound, once per core thread, to the variable's storage in the running core's
//   cluster: an SRAM arena of __MLU_SRAM_SIZE__ KB per cluster, allocated on first use, zero-filled,
//   with the same layout in every cluster of the launch (so SRAM2SRAM copies to id_dst_cluster
//   translate addresses by offset). Using more SRAM than the architecture has is a
//   capacity-exceeded fault. Without the rewrite, `__mlu_shared__` falls back to `static` (one copy
//   per process), which is only correct for Union1 and for Block tasks that do not use SRAM.
//
// ---- Checks ----------------------------------------------------------------------------------------
// * At launch, from the KernelInfo: NRAM/WRAM/SRAM bytes against the architecture (MLU370 default:
//   NRAM 768 KiB, WRAM 1 MiB, SRAM 4 MiB; -D__BANG_ARCH__=270: NRAM 512 KiB, WRAM 1 MiB, SRAM
//   2 MiB) -> capacity-exceeded "kernel k uses N bytes of NRAM; MLU370 has 786432".
// * Always (invalid-argument): elem_count > 0 for every vector/reduction/conversion intrinsic;
//   strided memcpy dst_stride >= size and segnum in [0, 65535]; 3-D memcpy segment counts equal;
//   cycle/fusion counts multiples of the segment counts; conv/mlp/pool shapes (positive sizes,
//   window fits, conv strides in [1, 1023], dst not overlapping src); memcpy pointer spaces.
// * Strict mode (XPILE_BANG_STRICT=1, rt::options().bangStrict): the MLU270-class rules of §9 ->
//   misaligned faults naming the intrinsic and the rule: NRAM operand addresses (inside __nram__
//   variables; automatic arrays are not judged) 64-byte aligned,
//   elem_count*sizeof(T) % 128 == 0 for vector ops, channel*sizeof(T) % 128 for pooling, transpose
//   height/width bytes % 128, conv channel_output % 64 and mlp height % 64 (and Ci/width bytes % 64).
//
// ---- Numerics ----------------------------------------------------------------------------------------
// half is _Float16 and comes, with all float/double -> half/bfloat16 rounding, from the shared
// backends/runtime/xpile_half.h (xpile::half_detail; see xpile_bang_core.h for the CUDA names it
// also defines and how BANG's own `_rd` etc. coexist with them: include xpile_bang.h before any
// other header that includes xpile_half.h). bfloat16_t is the CNToolkit struct with the raw bits
// in `value`. Element-wise arithmetic on half/bfloat16 computes in float and rounds to nearest even
// on store (double accumulations of mlp/conv/__bang_sum round once, from the double); activations
// use libm in float (exact, not the hardware approximations: compare with real MLU results within
// the documented errors). Vector operations read all inputs before writing (overlap-safe, §10.9).
// Conversions implement every rounding suffix exactly (xpile_bang_convert.h).
#pragma once

#include "xpile_bang_core.h"
#include "xpile_bang_memory.h"
#include "xpile_bang_vector.h"
#include "xpile_bang_reduce.h"
#include "xpile_bang_conv.h"
#include "xpile_bang_convert.h"
#include "xpile_bang_misc.h"
#include "xpile_bang_cnrt.h"

// ---- §3 built-in variables: read-only views of the running core's context ------------------------
#define taskId (::xpile::bang::detail::self().taskId)
#define taskIdX (::xpile::bang::detail::self().taskIdX)
#define taskIdY (::xpile::bang::detail::self().taskIdY)
#define taskIdZ (::xpile::bang::detail::self().taskIdZ)
#define taskDim (::xpile::bang::detail::self().taskDim)
#define taskDimX (::xpile::bang::detail::self().taskDimX)
#define taskDimY (::xpile::bang::detail::self().taskDimY)
#define taskDimZ (::xpile::bang::detail::self().taskDimZ)
#define clusterId (::xpile::bang::detail::self().clusterId)
#define clusterDim (::xpile::bang::detail::self().clusterDim)
#define coreId (::xpile::bang::detail::self().coreId)
#define coreDim (::xpile::bang::detail::self().coreDim)
