/*
 * xpile BANG C prelude -- configuration, qualifiers and predefined macros.
 *
 * Part of the prelude that lets Clang 16 (CUDA mode) parse Cambricon BANG C
 * without the vendor SDK.  See README.md in this directory for the flags.
 * Section references (§n) are to /work/shared/reference/bang-c.md.
 * Signatures only are quoted from the public documentation; no vendor header
 * body is reproduced.
 */
#ifndef XPILE_BANG_CONFIG_H
#define XPILE_BANG_CONFIG_H

/* ---- Predefined macros normally set by cncc (§1.1, §10.5) -------------- */
#ifndef __BANG__
#define __BANG__ 1
#endif

/* Target architecture: default MLU370 (mtp_372).  Override with
 * -D__BANG_ARCH__=270 etc. */
#ifndef __BANG_ARCH__
#define __BANG_ARCH__ 372
#endif

/* On-chip memory sizes in KB, per architecture (§1.1 table).  Values marked
 * [UNCERTAIN] in the reference are best guesses. */
#if __BANG_ARCH__ == 372
#define __XPILE_NRAM_KB 768
#define __XPILE_WRAM_KB 1024
#define __XPILE_SRAM_KB 4096
#elif __BANG_ARCH__ == 322
#define __XPILE_NRAM_KB 768
#define __XPILE_WRAM_KB 1024
#define __XPILE_SRAM_KB 1536
#elif __BANG_ARCH__ == 592
#define __XPILE_NRAM_KB 448 /* [UNCERTAIN] usable 320 KB + 128 KB stack */
#define __XPILE_WRAM_KB 1024 /* [UNCERTAIN] */
#define __XPILE_SRAM_KB 2048
#elif __BANG_ARCH__ == 270
#define __XPILE_NRAM_KB 512
#define __XPILE_WRAM_KB 1024
#define __XPILE_SRAM_KB 2048
#elif __BANG_ARCH__ < 300 || __BANG_ARCH__ == 392
#define __XPILE_NRAM_KB 512
#define __XPILE_WRAM_KB 512
#define __XPILE_SRAM_KB 2048 /* [UNCERTAIN] for 220 */
#else
#define __XPILE_NRAM_KB 768
#define __XPILE_WRAM_KB 1024
#define __XPILE_SRAM_KB 4096
#endif

#ifndef __MLU_NRAM_SIZE__
#define __MLU_NRAM_SIZE__ __XPILE_NRAM_KB
#endif
#ifndef __MLU_WRAM_SIZE__
#define __MLU_WRAM_SIZE__ __XPILE_WRAM_KB
#endif
#ifndef __MLU_SRAM_SIZE__
#define __MLU_SRAM_SIZE__ __XPILE_SRAM_KB
#endif

/* CNToolkit 3.6 bang.h: BANG_VERSION 300 (§0, S2). */
#ifndef BANG_VERSION
#define BANG_VERSION 300
#endif

/* ---- CUDA attributes (there is no CUDA runtime header: -nocudainc) ------ */
#ifndef __host__
#define __host__ __attribute__((host))
#endif
#ifndef __device__
#define __device__ __attribute__((device))
#endif
#ifndef __global__
#define __global__ __attribute__((global))
#endif

/* ---- BANG qualifiers (§2) ----------------------------------------------
 * Recognition convention used by the xpile front end: every qualifier is
 * the CUDA attribute Clang needs (if any) plus
 *   __attribute__((annotate("xpile:<qualifier without underscores>"))).
 * Keep these spellings exact: the front end's lowering matches on them. */
#define __XPILE_ANNOTATE(name) __attribute__((annotate("xpile:" name)))

/* kernels: launched with <<<dim, func_type, queue>>> */
#define __mlu_global__ __global__ __XPILE_ANNOTATE("mlu_global")
#define __mlu_entry__ __global__ __XPILE_ANNOTATE("mlu_entry")
/* device helpers: cncc gives mlu_device + always_inline */
#define __mlu_func__ \
  __device__ __attribute__((always_inline)) __XPILE_ANNOTATE("mlu_func")
/* device function OR GDRAM global variable */
#define __mlu_device__ __device__ __XPILE_ANNOTATE("mlu_device")
#define __mlu_host__ __host__ __XPILE_ANNOTATE("mlu_host")
/* marker the SDK puts on its own builtins; xpile uses it on every
 * prelude-declared intrinsic so the front end can tell them from user code */
#define __mlu_builtin__ __device__ __XPILE_ANNOTATE("mlu_builtin")

/* memory-space qualifiers on variables.  No CUDA attribute: they are legal
 * at file scope and at block scope (where NRAM/WRAM/SRAM variables are
 * static per core in BANG; the front end reads the annotation). */
#define __nram__ __XPILE_ANNOTATE("nram")
#define __wram__ __XPILE_ANNOTATE("wram")
#define __mlu_shared__ __XPILE_ANNOTATE("mlu_shared")
#define __ldram__ __XPILE_ANNOTATE("ldram")
#define __mlu_const__ __XPILE_ANNOTATE("mlu_const")

/* Used on every prelude declaration of a device intrinsic. */
#define __XPILE_BUILTIN __mlu_builtin__

#endif /* XPILE_BANG_CONFIG_H */
