/*
 * xpile BANG C prelude -- CNRT types shared by host code and the kernel
 * launch configuration (§4).  CNRT 6 names plus the CNRT 4 (MLU270 era)
 * names as aliases.
 */
#ifndef XPILE_CNRT_TYPES_H
#define XPILE_CNRT_TYPES_H

#include <stddef.h>

/* ---- launch dimension ----------------------------------------------------*/
typedef struct {
  unsigned int x;
  unsigned int y;
  unsigned int z;
} cnrtDim3_t;

/* ---- task type (the second <<< >>> argument) -----------------------------
 * CNRT 6 values.  The CNRT 4 CNRT_FUNC_TYPE_* names are aliases by MEANING
 * (CNRT 4 numbered them 1,1,2,4,5,6,7: UNION2 was 5).  The AST keeps the
 * enumerator the user wrote, so a back end maps them symbolically. */
typedef enum {
  cnrtFuncTypeBlock = 1,
  cnrtFuncTypeBlock0 = 1,
  cnrtFuncTypeBlock1 = 2,
  cnrtFuncTypeUnion1 = 4,  /* one cluster: 4 IPU cores + MPU */
  cnrtFuncTypeUnion2 = 8,
  cnrtFuncTypeUnion4 = 16,
  cnrtFuncTypeUnion8 = 32,
  cnrtFuncTypeUnion16 = 64,
  cnrtFuncTypeMutable = -1,
  /* CNRT 4 names */
  CNRT_FUNC_TYPE_BLOCK = cnrtFuncTypeBlock,
  CNRT_FUNC_TYPE_BLOCK0 = cnrtFuncTypeBlock0,
  CNRT_FUNC_TYPE_BLOCK1 = cnrtFuncTypeBlock1,
  CNRT_FUNC_TYPE_UNION1 = cnrtFuncTypeUnion1,
  CNRT_FUNC_TYPE_UNION2 = cnrtFuncTypeUnion2,
  CNRT_FUNC_TYPE_UNION4 = cnrtFuncTypeUnion4,
  CNRT_FUNC_TYPE_UNION8 = cnrtFuncTypeUnion8,
  CNRT_FUNC_TYPE_MUTABLE = cnrtFuncTypeMutable
} cnrtFunctionType_t;

/* ---- opaque handles ------------------------------------------------------ */
typedef struct __xpile_cnrtQueue *cnrtQueue_t;
typedef struct __xpile_cnrtNotifier *cnrtNotifier_t;
typedef struct __xpile_cnrtKernelParamsBuffer *cnrtKernelParamsBuffer_t;
typedef unsigned long long cnrtDev_t; /* CNRT 4 device handle */

/* ---- return codes ---------------------------------------------------------
 * Success is 0 in both versions.  The error enumerators exist so that code
 * naming them type-checks; their numeric values here are placeholders, NOT
 * the SDK's (the reference does not record them). */
typedef enum {
  cnrtSuccess = 0,
  cnrtErrorNotReady,
  cnrtErrorInit,
  cnrtErrorNoDevice,
  cnrtErrorArgsInvalid,
  cnrtErrorNoMem,
  cnrtErrorSys,
  cnrtErrorNotSupport,
  cnrtErrorQueue,
  cnrtErrorNotifier,
  cnrtErrorUnknown,
  /* CNRT 4 names */
  CNRT_RET_SUCCESS = cnrtSuccess,
  CNRT_RET_ERR_INVALID = cnrtErrorArgsInvalid,
  CNRT_RET_ERR_NOMEM = cnrtErrorNoMem,
  CNRT_RET_ERR_NODEV = cnrtErrorNoDevice,
  CNRT_RET_ERR_SYS = cnrtErrorSys,
  CNRT_RET_ERR_UNKNOWN = cnrtErrorUnknown
} cnrtRet_t;

/* ---- host <-> device copy direction (same order in CNRT 4 and 6) -------- */
typedef enum {
  cnrtMemcpyHostToDev = 0,
  cnrtMemcpyDevToDev,
  cnrtMemcpyDevToHost,
  cnrtMemcpyHostToHost,
  cnrtMemcpyPeerToPeer,
  cnrtMemcpyNoDirection,
  /* CNRT 4 names */
  CNRT_MEM_TRANS_DIR_HOST2DEV = cnrtMemcpyHostToDev,
  CNRT_MEM_TRANS_DIR_DEV2DEV = cnrtMemcpyDevToDev,
  CNRT_MEM_TRANS_DIR_DEV2HOST = cnrtMemcpyDevToHost,
  CNRT_MEM_TRANS_DIR_HOST2HOST = cnrtMemcpyHostToHost,
  CNRT_MEM_TRANS_DIR_PEER2PEER = cnrtMemcpyPeerToPeer,
  CNRT_MEM_TRANS_DIR_NODIR = cnrtMemcpyNoDirection
} cnrtMemTransDir_t;

/* ---- device attributes (CNRT 6 cnrtDeviceGetAttribute) ------------------
 * [UNCERTAIN] names/values: only the two attributes launch-policy code asks
 * for (cluster count, IPU cores per cluster). */
typedef enum {
  cnrtAttrClusterCount,
  cnrtAttrMcorePerCluster
} cnrtDeviceAttr_t;

#endif /* XPILE_CNRT_TYPES_H */
