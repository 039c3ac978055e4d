// BANG executor: a whole BANG program as the executor printer emits it (BANG syntax, the executor
// header instead of bang.h/cnrt.h, the launch as xpile::bang::launch with the kernel's KernelInfo).
#include "xpile_bang.h"

#include <gtest/gtest.h>

#include <unistd.h>

// ------------------------------------------------------------ printed program begins
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define NFU_ALIGN_SIZE 128
#define CHUNK 1024  // floats per NRAM buffer
#define PAD_UP(x, y) (((x) / (y) + (int)((x) % (y) > 0)) * (y))

__nram__ float nram_x[CHUNK];
__nram__ float nram_y[CHUNK];

__mlu_func__ void splitTask(int num, int *offset, int *count) {
  int per_task = num / taskDim;
  int rem = num % taskDim;
  *count = per_task + (taskId < rem ? 1 : 0);
  *offset = taskId * per_task + (taskId < rem ? taskId : rem);
}

__mlu_global__ void MLUKernelAdd(const float *x, const float *y, float *z, int num) {
  if (__is_mpu()) {
    return;
  }
  int offset = 0, count = 0;
  splitTask(num, &offset, &count);
  const int align_num = NFU_ALIGN_SIZE / sizeof(float);
  for (int done = 0; done < count; done += CHUNK) {
    int deal = count - done < CHUNK ? count - done : CHUNK;
    __memcpy(nram_x, x + offset + done, deal * sizeof(float), GDRAM2NRAM);
    __memcpy(nram_y, y + offset + done, deal * sizeof(float), GDRAM2NRAM);
    __bang_add(nram_x, nram_x, nram_y, PAD_UP(deal, align_num));
    __memcpy(z + offset + done, nram_x, deal * sizeof(float), NRAM2GDRAM);
  }
}
static const xpile::rt::KernelInfo xpile_kernel_info_MLUKernelAdd = {"MLUKernelAdd", 0, 0, 0,
                                                                       sizeof(nram_x) + sizeof(nram_y), 0, 0};

int bangMain() {
  const int num = 10007;
  const size_t bytes = num * sizeof(float);
  cnrtQueue_t queue;
  CNRT_CHECK(cnrtSetDevice(0));
  CNRT_CHECK(cnrtQueueCreate(&queue));
  float *host_x = (float *)malloc(bytes);
  float *host_y = (float *)malloc(bytes);
  float *host_z = (float *)malloc(bytes);
  for (int i = 0; i < num; ++i) {
    host_x[i] = (float)(i % 1000) * 0.5f;
    host_y[i] = (float)(i % 777) * 0.25f;
  }
  float *mlu_x, *mlu_y, *mlu_z;
  CNRT_CHECK(cnrtMalloc((void **)&mlu_x, bytes));
  CNRT_CHECK(cnrtMalloc((void **)&mlu_y, bytes));
  CNRT_CHECK(cnrtMalloc((void **)&mlu_z, bytes));
  CNRT_CHECK(cnrtMemcpy(mlu_x, host_x, bytes, cnrtMemcpyHostToDev));
  CNRT_CHECK(cnrtMemcpy(mlu_y, host_y, bytes, cnrtMemcpyHostToDev));
  cnrtDim3_t dim = {4, 2, 1};
  cnrtFunctionType_t ktype = cnrtFuncTypeUnion1;
  xpile::bang::launch(xpile_kernel_info_MLUKernelAdd, MLUKernelAdd, dim, ktype, queue, mlu_x, mlu_y, mlu_z, num);
  CNRT_CHECK(cnrtQueueSync(queue));
  CNRT_CHECK(cnrtMemcpy(host_z, mlu_z, bytes, cnrtMemcpyDevToHost));
  int errors = 0;
  for (int i = 0; i < num; ++i)
    if (fabsf(host_z[i] - (host_x[i] + host_y[i])) > 1e-6f) ++errors;
  printf("%s\n", errors == 0 ? "PASSED" : "FAILED");
  CNRT_CHECK(cnrtFree(mlu_x));
  CNRT_CHECK(cnrtFree(mlu_y));
  CNRT_CHECK(cnrtFree(mlu_z));
  CNRT_CHECK(cnrtQueueDestroy(queue));
  free(host_x);
  free(host_y);
  free(host_z);
  return errors;
}
// ------------------------------------------------------------ printed program ends

TEST(BangProgram, VectorAddEndToEnd) {
  testing::internal::CaptureStdout();
  int errors = bangMain();
  std::string out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(errors, 0);
  EXPECT_EQ(out, "PASSED\n");
}

TEST(BangProgram, LaunchIsRecordedForVerification) {
  // The death-test child re-runs this test from the top: it must find the directory the parent made.
  std::string dir;
  if (const char *inherited = std::getenv("XPILE_TRACE_DIR")) {
    dir = inherited;
  } else {
    char tmpl[] = "/tmp/xpile-bang-trace-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir = tmpl;
    setenv("XPILE_TRACE_DIR", tmpl, 1);
  }
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(std::exit(bangMain()), testing::ExitedWithCode(0), "");
  std::string index = dir + "/trace.jsonl";
  FILE *f = std::fopen(index.c_str(), "r");
  ASSERT_NE(f, nullptr);
  char line[1024];
  int lines = 0;
  bool sawF32 = false;
  while (std::fgets(line, sizeof line, f)) {
    ++lines;
    if (std::strstr(line, "\"kernel\": \"MLUKernelAdd\"") && std::strstr(line, "\"dtype\": \"f32\"")) sawF32 = true;
  }
  std::fclose(f);
  EXPECT_EQ(lines, 3);  // x, y, z: the three device buffers
  EXPECT_TRUE(sawF32);
  for (int k = 0; k < 4; ++k) std::remove((dir + "/launch0.arg" + std::to_string(k) + ".bin").c_str());
  std::remove(index.c_str());
  rmdir(dir.c_str());
}
