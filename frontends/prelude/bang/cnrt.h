/*
 * xpile BANG C prelude -- <cnrt.h>: the Cambricon runtime host API (§4),
 * CNRT 6 names plus the CNRT 4 names still used in older code, and the
 * declaration that makes kernel<<<dim, func_type, queue>>>(args) type-check.
 */
#ifndef XPILE_CNRT_H
#define XPILE_CNRT_H

#include "__xpile_bang_config.h"
#include "__xpile_cnrt_types.h"

/* ---- launch configuration -----------------------------------------------
 * Clang (CUDA mode) turns k<<<a, b, c>>>(args) into a CUDAKernelCallExpr
 * whose config is a call to ONE function found by name: the last
 * translation-unit-scope declaration of __cudaPushCallConfiguration when
 * the detected CUDA SDK is >= 9.2, of cudaConfigureCall otherwise (no SDK
 * found, as with the recommended --cuda-path=/nonexistent).  Declaring both
 * with BANG's parameter types makes the launch type-check either way:
 *   dim: cnrtDim3_t, func_type: cnrtFunctionType_t, queue: cnrtQueue_t. */
extern "C" int __cudaPushCallConfiguration(cnrtDim3_t dim,
                                           cnrtFunctionType_t func_type,
                                           cnrtQueue_t queue);
extern "C" int cudaConfigureCall(cnrtDim3_t dim, cnrtFunctionType_t func_type,
                                 cnrtQueue_t queue);

extern "C" {

/* ---- errors ---------------------------------------------------------------*/
const char *cnrtGetErrorStr(cnrtRet_t error);
cnrtRet_t cnrtGetLastError(void);
/* CNRT >= 5: CNRT_CHECK(call) reports file/line and aborts on failure */
void cnrtCheck(cnrtRet_t result, const char *const func,
               const char *const file, int const line);
#define CNRT_CHECK(val) cnrtCheck((val), #val, __FILE__, __LINE__)

/* ---- device ---------------------------------------------------------------*/
cnrtRet_t cnrtGetDeviceCount(unsigned int *count);
cnrtRet_t cnrtSetDevice(int device);
cnrtRet_t cnrtGetDevice(int *device);
cnrtRet_t cnrtDeviceGetAttribute(int *value, cnrtDeviceAttr_t attr,
                                 int device);
cnrtRet_t cnrtSyncDevice(void);

/* ---- memory ---------------------------------------------------------------*/
cnrtRet_t cnrtMalloc(void **ptr, size_t bytes);
cnrtRet_t cnrtFree(void *ptr);
cnrtRet_t cnrtHostMalloc(void **ptr, size_t bytes);
cnrtRet_t cnrtFreeHost(void *ptr);
cnrtRet_t cnrtMemcpy(void *dst, void *src, size_t bytes,
                     cnrtMemTransDir_t dir);
cnrtRet_t cnrtMemcpyAsync(void *dst, void *src, size_t bytes,
                          cnrtQueue_t queue, cnrtMemTransDir_t dir);
cnrtRet_t cnrtMemset(void *ptr, int value, size_t bytes);
cnrtRet_t cnrtMemsetAsync(void *ptr, int value, size_t bytes,
                          cnrtQueue_t queue);

/* ---- queues -----------------------------------------------------------------*/
cnrtRet_t cnrtQueueCreate(cnrtQueue_t *queue);
cnrtRet_t cnrtQueueDestroy(cnrtQueue_t queue);
cnrtRet_t cnrtQueueSync(cnrtQueue_t queue);
cnrtRet_t cnrtQueueQuery(cnrtQueue_t queue);
cnrtRet_t cnrtQueueWaitNotifier(cnrtNotifier_t notifier, cnrtQueue_t queue,
                                unsigned int flag);

/* ---- notifiers (timing) ---------------------------------------------------*/
cnrtRet_t cnrtNotifierCreate(cnrtNotifier_t *notifier);
cnrtRet_t cnrtNotifierDestroy(cnrtNotifier_t notifier);
cnrtRet_t cnrtPlaceNotifier(cnrtNotifier_t notifier, cnrtQueue_t queue);
cnrtRet_t cnrtWaitNotifier(cnrtNotifier_t notifier);
cnrtRet_t cnrtQueryNotifier(cnrtNotifier_t notifier);
/* elapsed time between two placed notifiers, in microseconds */
cnrtRet_t cnrtNotifierDuration(cnrtNotifier_t start, cnrtNotifier_t end,
                               float *us);

/* ---- CNRT 4 (MLU270 era) names ------------------------------------------- */
cnrtRet_t cnrtInit(unsigned int flags);
void cnrtDestroy(void);
cnrtRet_t cnrtGetDeviceHandle(cnrtDev_t *dev, int ordinal);
cnrtRet_t cnrtSetCurrentDevice(cnrtDev_t dev);
cnrtRet_t cnrtCreateQueue(cnrtQueue_t *queue);
cnrtRet_t cnrtDestroyQueue(cnrtQueue_t queue);
cnrtRet_t cnrtSyncQueue(cnrtQueue_t queue);
cnrtRet_t cnrtCreateNotifier(cnrtNotifier_t *notifier);
cnrtRet_t cnrtDestroyNotifier(cnrtNotifier_t *notifier);
/* old launch path: parameters packed into a buffer */
cnrtRet_t cnrtGetKernelParamsBuffer(cnrtKernelParamsBuffer_t *params);
cnrtRet_t cnrtKernelParamsBufferAddParam(cnrtKernelParamsBuffer_t params,
                                         void *data, size_t bytes);
cnrtRet_t cnrtDestroyKernelParamsBuffer(cnrtKernelParamsBuffer_t params);
cnrtRet_t cnrtInvokeKernel_V2(const void *function, cnrtDim3_t dim,
                              cnrtKernelParamsBuffer_t params,
                              cnrtFunctionType_t func_type,
                              cnrtQueue_t queue);

} /* extern "C" */

#endif /* XPILE_CNRT_H */
