// BANG executor: the task model (§3, §6, §10): Block and UnionN tasks, the MPU thread, built-in
// variables, __sync_cluster / __sync_all with SRAM per cluster, SRAM2SRAM cross-cluster copies, and
// the launch faults. __mlu_shared__ variables are written the way the executor printer emits them.
#include "xpile_bang.h"

#include <gtest/gtest.h>

namespace {

template <class T> T *dev(size_t n, const char *label) {
  return static_cast<T *>(xpile::rt::deviceAlloc(n * sizeof(T), label));
}
xpile::rt::KernelInfo info(const char *name, size_t nram = 0, size_t sram = 0) {
  xpile::rt::KernelInfo k;
  k.name = name;
  k.nramBytes = nram;
  k.sramBytes = sram;
  return k;
}

// ---- built-in variables ------------------------------------------------------------------------
__mlu_global__ void recordIds(int *out) {
  if (__is_mpu()) return;
  int *r = out + taskId * 8;
  r[0] = taskIdX; r[1] = taskIdY; r[2] = taskIdZ; r[3] = clusterId;
  r[4] = coreId; r[5] = taskDim; r[6] = clusterDim; r[7] = coreDim;
}

TEST(BangTasks, TaskIdFormulaForUnion2Dim822) {
  int *out = dev<int>(32 * 8, "ids");
  for (int i = 0; i < 32 * 8; ++i) out[i] = -1;
  xpile::bang::launch(info("recordIds"), recordIds, cnrtDim3_t{8, 2, 2}, cnrtFuncTypeUnion2, nullptr, out);
  for (int z = 0; z < 2; ++z)
    for (int y = 0; y < 2; ++y)
      for (int x = 0; x < 8; ++x) {
        int id = z * 2 * 8 + y * 8 + x;  // taskId = taskIdZ*taskDimY*taskDimX + taskIdY*taskDimX + taskIdX
        int *r = out + id * 8;
        EXPECT_EQ(r[0], x); EXPECT_EQ(r[1], y); EXPECT_EQ(r[2], z);
        EXPECT_EQ(r[3], (x / 4) % 2) << "clusterId";
        EXPECT_EQ(r[4], x % 4) << "coreId";
        EXPECT_EQ(r[5], 32); EXPECT_EQ(r[6], 2); EXPECT_EQ(r[7], 4);
      }
  xpile::rt::deviceFree(out);
}

TEST(BangTasks, BlockTasksHaveNoClusters) {
  int *out = dev<int>(5 * 8, "ids");
  xpile::bang::launch(info("recordIds"), recordIds, cnrtDim3_t{5, 1, 1}, cnrtFuncTypeBlock, nullptr, out);
  for (int t = 0; t < 5; ++t) {
    EXPECT_EQ(out[t * 8 + 0], t);
    EXPECT_EQ(out[t * 8 + 6], 0) << "clusterDim is 0 for Block tasks";
    EXPECT_EQ(out[t * 8 + 4], t % 4);
  }
  xpile::rt::deviceFree(out);
}

// ---- the MPU -------------------------------------------------------------------------------------
__mlu_global__ void countCores(int *counts, int *mpuIds) {
  if (__is_mpu()) {
    __bang_atomic_reduce_add(counts + 0, 1);
    mpuIds[clusterId] = coreId;
  } else {
    __bang_atomic_reduce_add(counts + 1, 1);
  }
  __sync_all();  // every IPU and MPU thread takes part
}

TEST(BangTasks, EachClusterRunsAnMpuThreadWithCoreId0x80) {
  int *counts = dev<int>(2, "counts");
  int *mpu = dev<int>(4, "mpu");
  counts[0] = counts[1] = 0;
  xpile::bang::launch(info("countCores"), countCores, cnrtDim3_t{16, 1, 1}, cnrtFuncTypeUnion4, nullptr, counts, mpu);
  EXPECT_EQ(counts[0], 4);   // one MPU per cluster
  EXPECT_EQ(counts[1], 16);  // 4 IPU cores per cluster
  for (int c = 0; c < 4; ++c) EXPECT_EQ(mpu[c], 0x80);
  counts[0] = counts[1] = 0;
  xpile::bang::launch(info("countCores"), countCores, cnrtDim3_t{4, 1, 1}, cnrtFuncTypeBlock, nullptr, counts, mpu);
  EXPECT_EQ(counts[0], 0) << "Block tasks have no MPU";
  EXPECT_EQ(counts[1], 4);
  xpile::rt::deviceFree(counts);
  xpile::rt::deviceFree(mpu);
}

// ---- SRAM per cluster and __sync_cluster ------------------------------------------------------------
// printed form of:  __mlu_shared__ float exchange[8];
thread_local float (&exchange)[8] = XPILE_BANG_SHARED(exchange);

__mlu_global__ void ringExchange(float *out) {
  if (__is_mpu()) {
    exchange[4] = 100.0f + clusterId;  // the MPU writes too, before the barrier
  } else {
    exchange[coreId] = 10.0f * clusterId + coreId;
  }
  __sync_cluster();
  if (__is_ipu()) {
    out[taskId * 2] = exchange[(coreId + 1) % 4];
    out[taskId * 2 + 1] = exchange[4];
  }
}

TEST(BangSync, CoresOfAClusterExchangeThroughTheirOwnSram) {
  float *out = dev<float>(16 * 2, "out");
  xpile::bang::launch(info("ringExchange", 0, sizeof(float) * 8), ringExchange, cnrtDim3_t{8, 2, 1}, cnrtFuncTypeUnion2,
                      nullptr, out);
  for (int y = 0; y < 2; ++y)
    for (int x = 0; x < 8; ++x) {
      int t = y * 8 + x, cluster = x / 4, core = x % 4;
      EXPECT_EQ(out[t * 2], 10.0f * cluster + (core + 1) % 4) << "task " << t;
      EXPECT_EQ(out[t * 2 + 1], 100.0f + cluster) << "task " << t;
    }
  xpile::rt::deviceFree(out);
}

// ---- __sync_all across the two clusters of a Union2 -------------------------------------------------
__mlu_global__ void acrossClusters(float *scratch, float *out) {
  __mlu_shared__ float unusedFallbackCheck;  // the fallback macro still compiles at block scope
  (void)unusedFallbackCheck;
  thread_local float (&inbox)[4] = XPILE_BANG_SHARED(inbox);  // printed form, block scope
  thread_local float (&outbox)[4] = XPILE_BANG_SHARED(outbox);
  __nram__ float staging[4];
  if (__is_ipu()) {
    scratch[taskId] = 1.0f + taskId;  // GDRAM
    if (coreId == 0) {
      // cluster c sends 4 values into the OTHER cluster's SRAM
      for (int i = 0; i < 4; ++i) staging[i] = 1000.0f * (clusterId + 1) + i;
      __memcpy(outbox, staging, sizeof staging, NRAM2SRAM);
      __memcpy(inbox, outbox, sizeof staging, SRAM2SRAM, 1 - clusterId);  // into the peer's inbox
    }
  }
  __sync_all();
  if (__is_ipu()) {
    out[taskId * 2] = scratch[(taskId + 4) % 8];  // written by the other cluster before __sync_all
    out[taskId * 2 + 1] = inbox[coreId];
  }
}

TEST(BangSync, SyncAllAcrossTwoClustersAndSram2SramCopies) {
  float *scratch = dev<float>(8, "scratch");
  float *out = dev<float>(16, "out");
  xpile::bang::launch(info("acrossClusters", 16, 16), acrossClusters, cnrtDim3_t{8, 1, 1}, cnrtFuncTypeUnion2, nullptr,
                      scratch, out);
  for (int t = 0; t < 8; ++t) {
    int cluster = t / 4, other = 1 - cluster;
    EXPECT_EQ(out[t * 2], 1.0f + (t + 4) % 8);
    EXPECT_EQ(out[t * 2 + 1], 1000.0f * (other + 1) + t % 4) << "task " << t << " reads what cluster " << other << " sent";
  }
  xpile::rt::deviceFree(scratch);
  xpile::rt::deviceFree(out);
}

// ---- faults ----------------------------------------------------------------------------------------
__mlu_global__ void mpuReturnsEarly(int *) {
  if (__is_mpu()) return;
  __sync_cluster();  // waits for coreDim + 1 cores: the MPU never arrives
}
__mlu_global__ void nothing(int *) {}

TEST(BangFaults, LaunchFaults) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  int *p = dev<int>(4, "p");
  EXPECT_EXIT(xpile::bang::launch(info("big", 1000000), nothing, cnrtDim3_t{4, 1, 1}, cnrtFuncTypeUnion1, nullptr, p),
              testing::ExitedWithCode(xpile::rt::kFaultExitCode),
              "xpile-fault: capacity-exceeded: kernel big uses 1000000 bytes of NRAM; MLU370 has 786432");
  EXPECT_EXIT(xpile::bang::launch(info("bigsram", 0, 5u << 20), nothing, cnrtDim3_t{4, 1, 1}, cnrtFuncTypeUnion1, nullptr, p),
              testing::ExitedWithCode(xpile::rt::kFaultExitCode), "capacity-exceeded: kernel bigsram uses 5242880 bytes of SRAM");
  EXPECT_EXIT(xpile::bang::launch(info("k"), nothing, cnrtDim3_t{4, 1, 1}, cnrtFuncTypeUnion2, nullptr, p),
              testing::ExitedWithCode(xpile::rt::kFaultExitCode),
              "xpile-fault: invalid-argument: kernel k: a Union2 task needs dim.x to be a multiple of 8 \\(got dim.x = 4\\)");
  EXPECT_EXIT(xpile::bang::launch(info("k"), nothing, cnrtDim3_t{0, 1, 1}, cnrtFuncTypeBlock, nullptr, p),
              testing::ExitedWithCode(xpile::rt::kFaultExitCode), "invalid-argument: kernel k: launch dimension");
  EXPECT_EXIT(xpile::bang::launch(info("mpuReturnsEarly"), mpuReturnsEarly, cnrtDim3_t{4, 1, 1}, cnrtFuncTypeUnion1, nullptr, p),
              testing::ExitedWithCode(xpile::rt::kFaultExitCode),
              "xpile-fault: divergent-barrier: kernel mpuReturnsEarly: __sync_cluster .*returned from the kernel");
  // a Block launch of the same kernel is fine: __sync_cluster is a no-op when clusterDim == 0
  xpile::bang::launch(info("mpuReturnsEarly"), mpuReturnsEarly, cnrtDim3_t{3, 1, 1}, cnrtFuncTypeBlock, nullptr, p);
  xpile::rt::deviceFree(p);
}

__mlu_global__ void badCluster(int *) {
  thread_local int (&box)[4] = XPILE_BANG_SHARED(box);
  __memcpy(box, box, 16, SRAM2SRAM, 2);
}
TEST(BangFaults, Sram2SramToAClusterOutsideTheUnion) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  int *p = dev<int>(4, "p");
  EXPECT_EXIT(xpile::bang::launch(info("badCluster"), badCluster, cnrtDim3_t{8, 1, 1}, cnrtFuncTypeUnion2, nullptr, p),
              testing::ExitedWithCode(xpile::rt::kFaultExitCode),
              "invalid-argument: __memcpy: id_dst_cluster 2 is not a cluster of this Union2 task");
}

// ---- NRAM is per core --------------------------------------------------------------------------------
__nram__ int perCore[4];
__mlu_global__ void nramPerCore(int *out) {
  if (__is_mpu()) return;
  perCore[0] += taskId + 1;  // zero-initialised per core thread
  __sync_all_ipu();
  out[taskId] = perCore[0];
}
TEST(BangTasks, NramIsPrivateToEachCore) {
  int *out = dev<int>(8, "out");
  xpile::bang::launch(info("nramPerCore", 16), nramPerCore, cnrtDim3_t{8, 1, 1}, cnrtFuncTypeUnion2, nullptr, out);
  for (int t = 0; t < 8; ++t) EXPECT_EQ(out[t], t + 1);
  xpile::rt::deviceFree(out);
}

// In core threads glibc reports the stack block including the static TLS: the on-chip sections
// must still be told apart from automatic variables.
__wram__ float weights[64];
__mlu_global__ void spacesInCoreThreads(int *out, float *g) {
  if (__is_mpu()) return;
  float local[4];
  __memcpy(weights, g, 64 * sizeof(float), GDRAM2WRAM);
  __memcpy(perCore, g, 4 * sizeof(float), GDRAM2NRAM);
  out[taskId * 4 + 0] = __is_wram(weights) && !__is_nram(weights);
  out[taskId * 4 + 1] = __is_nram(perCore) && !__is_wram(perCore);
  out[taskId * 4 + 2] = __is_nram(local);
  out[taskId * 4 + 3] = __is_dram(g) && !__is_sram(g);
}
TEST(BangTasks, MemorySpacesInsideCoreThreads) {
  int *out = dev<int>(16, "out");
  float *g = dev<float>(64, "g");
  xpile::bang::launch(info("spacesInCoreThreads", 16), spacesInCoreThreads, cnrtDim3_t{4, 1, 1}, cnrtFuncTypeUnion1, nullptr, out, g);
  for (int i = 0; i < 16; ++i) EXPECT_EQ(out[i], 1) << i;
  xpile::rt::deviceFree(out);
  xpile::rt::deviceFree(g);
}

}  // namespace
