// BANG executor: select/collect/maskmove/filter/lut (§8.7), atomics (§8.9), printf (§8.10) and the
// CNRT host API (§4).
#include "xpile_bang.h"

#include <gtest/gtest.h>

#include <thread>

namespace {
__nram__ float S[256], M[256], D[512];
}  // namespace

TEST(BangSelect, SelectWritesA128ByteCountHeader) {
  for (int i = 0; i < 10; ++i) {
    S[i] = 1.0f + i;
    M[i] = (i % 3 == 0) ? 1.0f : 0.0f;  // keep 0, 3, 6, 9
  }
  for (int i = 0; i < 128; ++i) D[i] = -1.0f;
  __bang_select(D, S, M, 10);
  EXPECT_EQ(reinterpret_cast<unsigned int *>(D)[0], 4u);
  for (int i = 1; i < 32; ++i) EXPECT_EQ(D[i], 0.0f) << "rest of the header";
  EXPECT_EQ(D[32], 1.0f); EXPECT_EQ(D[33], 4.0f); EXPECT_EQ(D[34], 7.0f); EXPECT_EQ(D[35], 10.0f);
  for (int i = 36; i < 64; ++i) EXPECT_EQ(D[i], 0.0f) << "tail padded to 128 bytes";
  EXPECT_EQ(D[64], -1.0f);
}

TEST(BangSelect, CollectFilterMaskmoveLut) {
  for (int i = 0; i < 8; ++i) {
    S[i] = 10.0f * i;
    M[i] = (i & 1) ? 2.0f : 0.0f;
  }
  __bang_collect(D, S, M, 8);  // no header
  EXPECT_EQ(D[0], 10.0f); EXPECT_EQ(D[1], 30.0f); EXPECT_EQ(D[3], 70.0f);
  EXPECT_EQ(__bang_filter(D, S, M, 8), 4u);
  EXPECT_EQ(D[2], 50.0f);
  __bang_collect(S, S, M, 8);  // in place
  EXPECT_EQ(S[0], 10.0f); EXPECT_EQ(S[3], 70.0f);
  unsigned char bits[1] = {0x81};  // elements 0 and 7
  for (int i = 0; i < 8; ++i) S[i] = static_cast<float>(i);
  __bang_collect_bitindex(D, S, bits, 8);
  EXPECT_EQ(D[0], 0.0f); EXPECT_EQ(D[1], 7.0f);
  for (int i = 0; i < 8; ++i) D[i] = -1.0f;
  __bang_maskmove(D, S, M, 8);
  EXPECT_EQ(D[0], -1.0f); EXPECT_EQ(D[1], 1.0f); EXPECT_EQ(D[7], 7.0f);
  short idx[4] = {3, 0, 2, 2}, table[4] = {7, 8, 9, 10}, out[4];
  __bang_lut_s16(out, idx, table, 4, 4);
  EXPECT_EQ(out[0], 10); EXPECT_EQ(out[1], 7); EXPECT_EQ(out[3], 9);
  idx[0] = 4;
  EXPECT_EXIT(__bang_lut_s16(out, idx, table, 4, 4), testing::ExitedWithCode(xpile::rt::kFaultExitCode),
              "invalid-argument: __bang_lut_s16: index 4 at element 0 is outside the table of 4");
}

__mlu_global__ void atomics(int *sum, float *fsum, int *tickets, int *maxv) {
  if (__is_mpu()) return;
  for (int i = 0; i < 100; ++i) __bang_atomic_reduce_add(sum, 1);
  __bang_atomic_reduce_add(fsum, 0.5f);
  __nram__ int old[1];
  __bang_atomic_add(old, sum + 1, 1);  // fetch-and-add: every core gets a distinct ticket
  tickets[taskId] = old[0];
  __bang_atomic_reduce_max(maxv, taskId * 3);
}

TEST(BangAtomic, AtomicsAcrossCores) {
  int *sum = static_cast<int *>(xpile::rt::deviceAlloc(2 * sizeof(int), "sum"));
  float *fsum = static_cast<float *>(xpile::rt::deviceAlloc(sizeof(float), "fsum"));
  int *tickets = static_cast<int *>(xpile::rt::deviceAlloc(16 * sizeof(int), "tickets"));
  int *maxv = static_cast<int *>(xpile::rt::deviceAlloc(sizeof(int), "max"));
  sum[0] = sum[1] = 0;
  *fsum = 0.0f;
  *maxv = -1;
  xpile::rt::KernelInfo k;
  k.name = "atomics";
  xpile::bang::launch(k, atomics, cnrtDim3_t{16, 1, 1}, cnrtFuncTypeUnion4, nullptr, sum, fsum, tickets, maxv);
  EXPECT_EQ(sum[0], 1600);
  EXPECT_EQ(*fsum, 8.0f);
  EXPECT_EQ(sum[1], 16);
  std::vector<int> t(tickets, tickets + 16);
  std::sort(t.begin(), t.end());
  for (int i = 0; i < 16; ++i) EXPECT_EQ(t[i], i);
  EXPECT_EQ(*maxv, 45);
  int cell = 5, got = 0;
  __bang_atomic_cas(&got, &cell, 5, 9);
  EXPECT_EQ(got, 5);
  EXPECT_EQ(cell, 9);
  __bang_atomic_exch(&got, &cell, 1);
  EXPECT_EQ(got, 9);
  EXPECT_EQ(cell, 1);
}

TEST(BangPrintf, PrintsHalfAndFloatArguments) {
  testing::internal::CaptureStdout();
  __bang_printf("v=%.2f h=%.1f n=%d\n", 1.5f, static_cast<half>(2.5f), 7);
  __bang_printf("plain\n");
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "v=1.50 h=2.5 n=7\nplain\n");
}

TEST(BangCnrt, HostApi) {
  unsigned int count = 0;
  EXPECT_EQ(cnrtGetDeviceCount(&count), cnrtSuccess);
  EXPECT_EQ(count, 1u);
  EXPECT_EQ(cnrtSetDevice(0), cnrtSuccess);
  EXPECT_NE(cnrtSetDevice(3), cnrtSuccess);
  int dev = -1;
  EXPECT_EQ(cnrtGetDevice(&dev), cnrtSuccess);
  EXPECT_EQ(dev, 0);
  EXPECT_EQ(cnrtInit(0), CNRT_RET_SUCCESS);
  void *d = nullptr;
  ASSERT_EQ(cnrtMalloc(&d, 64), cnrtSuccess);
  ASSERT_NE(xpile::rt::Registry::get().find(d, 64), nullptr);
  EXPECT_EQ(cnrtMemset(d, 0x11, 64), cnrtSuccess);
  unsigned char host[64];
  EXPECT_EQ(cnrtMemcpy(host, d, 64, cnrtMemcpyDevToHost), cnrtSuccess);
  EXPECT_EQ(host[63], 0x11);
  for (int i = 0; i < 64; ++i) host[i] = static_cast<unsigned char>(i);
  cnrtQueue_t q;
  ASSERT_EQ(cnrtQueueCreate(&q), cnrtSuccess);
  EXPECT_EQ(cnrtMemcpyAsync(d, host, 64, q, CNRT_MEM_TRANS_DIR_HOST2DEV), cnrtSuccess);
  EXPECT_EQ(cnrtQueueSync(q), cnrtSuccess);
  EXPECT_EQ(static_cast<unsigned char *>(d)[10], 10);
  cnrtNotifier_t a, b;
  cnrtNotifierCreate(&a);
  cnrtCreateNotifier(&b);
  cnrtPlaceNotifier(a, q);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  cnrtPlaceNotifier(b, q);
  float us = 0;
  EXPECT_EQ(cnrtNotifierDuration(a, b, &us), cnrtSuccess);
  EXPECT_GE(us, 19000.0f);
  EXPECT_LT(us, 2000000.0f);
  cnrtNotifierDestroy(a);
  cnrtDestroyNotifier(&b);
  EXPECT_EQ(b, nullptr);
  EXPECT_STRNE(cnrtGetErrorStr(cnrtErrorNoMem), "");
  EXPECT_EQ(cnrtQueueDestroy(q), cnrtSuccess);
  EXPECT_EQ(cnrtFree(d), cnrtSuccess);
  EXPECT_EXIT(CNRT_CHECK(cnrtSetDevice(5)), testing::ExitedWithCode(EXIT_FAILURE), "CNRT error .*cnrtSetDevice\\(5\\)");
}
