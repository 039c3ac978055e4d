// The SIMT executor core (backends/simt/xpile_simt.h): kernels written directly against its API.
// Every expected value is computed independently in the test (scalar loops, closed forms), never
// taken from the executor's own output.
#include "xpile_simt.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <string>
#include <vector>

using namespace xpile::simt;
using xpile::rt::KernelInfo;
using xpile::rt::kFaultExitCode;

namespace {

// Restores the executor's settings after each test.
class Simt : public ::testing::Test {
protected:
  void SetUp() override {
    saved_ = platform();
    savedConfig_ = config();
    config().schedule = "forward";  // whatever XPILE_SCHEDULE says: the tests name their schedules
  }
  void TearDown() override {
    platform() = saved_;
    config() = savedConfig_;
  }
  Platform saved_;
  Config savedConfig_;
};

unsigned globalLinear1D() { return self().blockIdx.x * self().blockDim.x + self().threadIdx.x; }

const std::vector<std::string> kSchedules = {"forward", "reverse", "shuffle:1", "shuffle:12345"};

// ---------------------------------------------------------------------------------------------
// Barriers

// Phase 1 writes s[t]; phase 2 reads what two other threads wrote.
void twoPhase(const int *in, int *out) {
  int *s = static_cast<int *>(dynamicShared());
  unsigned t = self().threadIdx.x, n = self().blockDim.x;
  unsigned g = globalLinear1D();
  s[t] = in[g] * 2;
  syncthreads(__LINE__);
  out[g] = s[(t + 1) % n] + s[(t + n - 1) % n];
}

TEST_F(Simt, BarrierSeparatesPhases) {
  const unsigned blocks = 5, threads = 128;
  std::vector<int> in(blocks * threads), out(in.size(), -1), expected(in.size());
  for (size_t i = 0; i < in.size(); ++i) in[i] = static_cast<int>(i * 7 % 101);
  for (unsigned b = 0; b < blocks; ++b)
    for (unsigned t = 0; t < threads; ++t)
      expected[b * threads + t] = 2 * in[b * threads + (t + 1) % threads] + 2 * in[b * threads + (t + threads - 1) % threads];
  for (const std::string &s : kSchedules) {
    config().schedule = s;
    std::fill(out.begin(), out.end(), -1);
    launch(KernelInfo{"twoPhase"}, twoPhase, Dim3(blocks), Dim3(threads), threads * sizeof(int), nullptr, in.data(), out.data());
    EXPECT_EQ(out, expected) << "schedule " << s;
  }
}

void treeReduce(const int *in, long long *out) {
  long long *s = static_cast<long long *>(dynamicShared());
  unsigned t = self().threadIdx.x;
  s[t] = in[globalLinear1D()];
  syncthreads(__LINE__);
  for (unsigned k = self().blockDim.x / 2; k > 0; k >>= 1) {
    if (t < k) s[t] += s[t + k];
    syncthreads(__LINE__);
  }
  if (t == 0) out[self().blockIdx.x] = s[0];
}

TEST_F(Simt, SharedMemoryTreeReductionMatchesScalarSum) {
  const unsigned blocks = 37, threads = 256;
  std::vector<int> in(blocks * threads);
  for (size_t i = 0; i < in.size(); ++i) in[i] = static_cast<int>((i * 2654435761u) % 1000) - 500;
  std::vector<long long> out(blocks, 0);
  launch(KernelInfo{"treeReduce"}, treeReduce, Dim3(blocks), Dim3(threads), threads * sizeof(long long), nullptr, in.data(),
         out.data());
  long long total = 0;
  for (unsigned b = 0; b < blocks; ++b) {
    long long sum = 0;
    for (unsigned t = 0; t < threads; ++t) sum += in[b * threads + t];
    EXPECT_EQ(out[b], sum) << "block " << b;
    total += out[b];
  }
  EXPECT_EQ(total, std::accumulate(in.begin(), in.end(), 0LL));
}

void barrierVotes(const int *pred, int *count, int *all, int *any) {
  unsigned t = self().threadIdx.x;
  int c = syncthreadsCount(__LINE__, pred[t]);
  int a = syncthreadsAnd(__LINE__, pred[t]);
  int o = syncthreadsOr(__LINE__, pred[t] && t == 77);
  if (t == 0) {
    *count = c;
    *all = a;
    *any = o;
  }
}

TEST_F(Simt, SyncthreadsCountAndOr) {
  const unsigned threads = 200;
  std::vector<int> pred(threads);
  int expectedCount = 0;
  for (unsigned i = 0; i < threads; ++i) {
    pred[i] = i % 3 == 0;
    expectedCount += pred[i];
  }
  int count = -1, all = -1, any = -1;
  launch(KernelInfo{"barrierVotes"}, barrierVotes, Dim3(1), Dim3(threads), 0, nullptr, pred.data(), &count, &all, &any);
  EXPECT_EQ(count, expectedCount);
  EXPECT_EQ(all, 0);
  EXPECT_EQ(any, 0);  // thread 77: 77 % 3 != 0
  std::vector<int> ones(threads, 1);
  launch(KernelInfo{"barrierVotes"}, barrierVotes, Dim3(1), Dim3(threads), 0, nullptr, ones.data(), &count, &all, &any);
  EXPECT_EQ(count, static_cast<int>(threads));
  EXPECT_EQ(all, 1);
  EXPECT_EQ(any, 1);
}

// ---------------------------------------------------------------------------------------------
// Warp operations, at warp 32 and 64.
class SimtWarp : public Simt, public ::testing::WithParamInterface<int> {};

void warpReduceDown(const int *in, int *out) {
  int v = in[globalLinear1D()];
  const int ws = self().warpSize;
  for (int o = ws / 2; o > 0; o /= 2) v += shuffle(ShuffleKind::Down, ~0ull, v, o, ws);
  if (self().lane == 0) out[globalLinear1D() / static_cast<unsigned>(ws)] = v;
}

void warpReduceXor(const int *in, int *out) {
  int v = in[globalLinear1D()];
  const int ws = self().warpSize;
  const unsigned long long full = ws == 64 ? ~0ull : 0xffffffffull;  // explicit masks
  for (int m = 1; m < ws; m *= 2) v += shuffle(ShuffleKind::Xor, full, v, m, ws);
  out[globalLinear1D()] = v;  // every lane holds the warp's sum
}

TEST_P(SimtWarp, ShuffleReductionsMatchScalarSums) {
  const int ws = GetParam();
  platform().warpSize = ws;
  const unsigned blocks = 6, threads = 256, n = blocks * threads;
  std::vector<int> in(n);
  for (unsigned i = 0; i < n; ++i) in[i] = static_cast<int>(i * 31 % 97) - 40;
  std::vector<int> perWarp(n / ws, 0), perLane(n, 0);
  launch(KernelInfo{"warpReduceDown"}, warpReduceDown, Dim3(blocks), Dim3(threads), 0, nullptr, in.data(), perWarp.data());
  launch(KernelInfo{"warpReduceXor"}, warpReduceXor, Dim3(blocks), Dim3(threads), 0, nullptr, in.data(), perLane.data());
  for (unsigned w = 0; w < n / ws; ++w) {
    int sum = 0;
    for (int l = 0; l < ws; ++l) sum += in[w * ws + l];
    EXPECT_EQ(perWarp[w], sum) << "warp " << w;
    for (int l = 0; l < ws; ++l) EXPECT_EQ(perLane[w * ws + l], sum) << "warp " << w << " lane " << l;
  }
}

struct ShuffleOut {
  int idx, up, down, xr;
};

void shuffleWidths(ShuffleOut *out) {
  const unsigned lane = self().lane;
  const int value = 1000 + static_cast<int>(globalLinear1D());
  ShuffleOut r;
  r.idx = shuffle(ShuffleKind::Idx, ~0ull, value, 3, 8);
  r.up = shuffle(ShuffleKind::Up, ~0ull, value, 2, 8);
  r.down = shuffle(ShuffleKind::Down, ~0ull, value, 3, 16);
  r.xr = shuffle(ShuffleKind::Xor, ~0ull, value, 5, 16);
  (void)lane;
  out[globalLinear1D()] = r;
}

TEST_P(SimtWarp, ShuffleWithWidthSmallerThanTheWarp) {
  const int ws = GetParam();
  platform().warpSize = ws;
  const unsigned threads = 128;
  std::vector<ShuffleOut> out(threads);
  launch(KernelInfo{"shuffleWidths"}, shuffleWidths, Dim3(1), Dim3(threads), 0, nullptr, out.data());
  for (unsigned i = 0; i < threads; ++i) {
    const int l = static_cast<int>(i % ws), warpBase = static_cast<int>(i) - l;
    auto v = [&](int lane) { return 1000 + warpBase + lane; };
    EXPECT_EQ(out[i].idx, v((l / 8) * 8 + 3)) << i;
    EXPECT_EQ(out[i].up, l % 8 >= 2 ? v(l - 2) : v(l)) << i;
    EXPECT_EQ(out[i].down, l % 16 + 3 < 16 ? v(l + 3) : v(l)) << i;
    EXPECT_EQ(out[i].xr, v(l ^ 5)) << i;  // within the group of 16: (l ^ 5) stays in it
  }
}

void shuffleWide(double *out) {
  struct Pair {
    double a;
    long long b;
  };
  Pair p{static_cast<double>(self().lane) * 0.5, static_cast<long long>(self().lane) * 3};
  Pair q = shuffle(ShuffleKind::Idx, ~0ull, p, static_cast<int>(self().warpSize - 1 - self().lane), self().warpSize);
  out[self().threadIdx.x] = q.a + static_cast<double>(q.b);
}

TEST_P(SimtWarp, ShuffleOfSixteenByteValues) {
  const int ws = GetParam();
  platform().warpSize = ws;
  std::vector<double> out(ws);
  launch(KernelInfo{"shuffleWide"}, shuffleWide, Dim3(1), Dim3(ws), 0, nullptr, out.data());
  for (int l = 0; l < ws; ++l) {
    int src = ws - 1 - l;
    EXPECT_EQ(out[l], src * 0.5 + src * 3.0);
  }
}

struct VoteOut {
  unsigned long long ballot, halfBallot;
  int anyFive, allSmall, allThird, anyNone;
};

void votes(VoteOut *out) {
  const unsigned lane = self().lane;
  const int ws = self().warpSize;
  VoteOut r;
  r.ballot = ballot(~0ull, lane % 3 == 0);
  r.anyFive = any(~0ull, lane == 5);
  r.allSmall = all(~0ull, lane < static_cast<unsigned>(ws));
  r.allThird = all(~0ull, lane % 3 == 0);
  r.anyNone = any(~0ull, false);
  // Two halves of the warp vote at the same time with disjoint masks.
  const unsigned half = static_cast<unsigned>(ws / 2);
  const unsigned long long lowMask = (1ull << half) - 1;
  if (lane < half) r.halfBallot = ballot(lowMask, lane % 2 == 1);
  else r.halfBallot = ballot(lowMask << half, lane % 4 == 0);
  out[self().threadIdx.x] = r;
}

TEST_P(SimtWarp, BallotAnyAllWithAKnownPattern) {
  const int ws = GetParam();
  platform().warpSize = ws;
  const unsigned threads = 2 * static_cast<unsigned>(ws);
  std::vector<VoteOut> out(threads);
  launch(KernelInfo{"votes"}, votes, Dim3(1), Dim3(threads), 0, nullptr, out.data());
  unsigned long long every3 = 0, odd = 0, every4 = 0;
  for (int l = 0; l < ws; ++l) {
    if (l % 3 == 0) every3 |= 1ull << l;
    if (l < ws / 2 && l % 2 == 1) odd |= 1ull << l;
    if (l >= ws / 2 && l % 4 == 0) every4 |= 1ull << l;
  }
  for (unsigned i = 0; i < threads; ++i) {
    EXPECT_EQ(out[i].ballot, every3) << i;
    EXPECT_EQ(out[i].anyFive, 1);
    EXPECT_EQ(out[i].allSmall, 1);
    EXPECT_EQ(out[i].allThird, 0);
    EXPECT_EQ(out[i].anyNone, 0);
    EXPECT_EQ(out[i].halfBallot, (i % ws) < static_cast<unsigned>(ws / 2) ? odd : every4) << i;
  }
}

void gatherLanes(int *out, int exitAbove) {
  if (static_cast<int>(self().lane) > exitAbove) return;
  out[64 * 64 + self().lane] = static_cast<int>(__builtin_popcountll(activeMask()));  // before any lane finishes
  int mine = static_cast<int>(self().lane) * 2 + 1;
  int gathered[64];
  warpGather(mine, gathered);
  for (int l = 0; l < self().warpSize; ++l) out[self().lane * self().warpSize + l] = gathered[l];
}

TEST_P(SimtWarp, WarpGatherAndActiveMask) {
  const int ws = GetParam();
  platform().warpSize = ws;
  const int exitAbove = ws - 5;  // the last 4 lanes exit first
  std::vector<int> out(64 * 64 + 64, -7);
  config().schedule = "reverse";  // the exiting lanes run first
  launch(KernelInfo{"gatherLanes"}, gatherLanes, Dim3(1), Dim3(ws), 0, nullptr, out.data(), exitAbove);
  for (int me = 0; me <= exitAbove; ++me) {
    for (int l = 0; l < ws; ++l) EXPECT_EQ(out[me * ws + l], l <= exitAbove ? 2 * l + 1 : 0) << me << " " << l;
    EXPECT_EQ(out[64 * 64 + me], exitAbove + 1);
  }
}

INSTANTIATE_TEST_SUITE_P(WarpSizes, SimtWarp, ::testing::Values(32, 64));

void syncwarpHalves(int *out) {
  int *s = static_cast<int *>(dynamicShared());
  unsigned l = self().lane;
  s[l] = static_cast<int>(l) * 5;
  syncwarp(0xffffffffull);
  out[l] = s[31 - l];
}

TEST_F(Simt, SyncwarpOrdersSharedMemoryWithinAWarp) {
  std::vector<int> out(32, -1);
  launch(KernelInfo{"syncwarpHalves"}, syncwarpHalves, Dim3(1), Dim3(32), 32 * sizeof(int), nullptr, out.data());
  for (int l = 0; l < 32; ++l) EXPECT_EQ(out[l], (31 - l) * 5);
}

// ---------------------------------------------------------------------------------------------
// Atomics

void countEveryThread(unsigned *counter, float *fsum, double *dsum) {
  atomicAdd(counter, 1);
  atomicAdd(fsum, 0.5f);
  atomicAdd(dsum, 0.25);
}

TEST_F(Simt, AtomicAddUnderContentionIsExact) {
  config().hostThreads = 4;
  const unsigned blocks = 200, threads = 256;
  unsigned counter = 0;
  float fsum = 0;
  double dsum = 0;
  launch(KernelInfo{"count"}, countEveryThread, Dim3(blocks), Dim3(threads), 0, nullptr, &counter, &fsum, &dsum);
  EXPECT_EQ(counter, blocks * threads);
  EXPECT_EQ(fsum, 0.5f * blocks * threads);  // 25600: every partial sum is exactly representable
  EXPECT_EQ(dsum, 0.25 * blocks * threads);
}

unsigned hashValue(unsigned i) {
  unsigned x = i * 2654435761u;
  x ^= x >> 13;
  x *= 0x5bd1e995u;
  return x ^ (x >> 15);
}

void casMax(unsigned *maximum) {
  unsigned v = hashValue(globalLinear1D());
  unsigned old = *static_cast<volatile unsigned *>(maximum);
  while (old < v) {
    unsigned seen = atomicCAS(maximum, old, v);
    if (seen == old) break;
    old = seen;
  }
}

TEST_F(Simt, AtomicCasLockFreeMax) {
  config().hostThreads = 4;
  const unsigned blocks = 300, threads = 128;
  unsigned maximum = 0, expected = 0;
  for (unsigned i = 0; i < blocks * threads; ++i) expected = std::max(expected, hashValue(i));
  launch(KernelInfo{"casMax"}, casMax, Dim3(blocks), Dim3(threads), 0, nullptr, &maximum);
  EXPECT_EQ(maximum, expected);
}

TEST_F(Simt, AtomicSemanticsOnTheHost) {
  unsigned u = 5;
  EXPECT_EQ(atomicInc(&u, 5u), 5u);
  EXPECT_EQ(u, 0u);  // wraps at the limit
  EXPECT_EQ(atomicInc(&u, 5u), 0u);
  EXPECT_EQ(u, 1u);
  EXPECT_EQ(atomicDec(&u, 7u), 1u);
  EXPECT_EQ(u, 0u);
  EXPECT_EQ(atomicDec(&u, 7u), 0u);
  EXPECT_EQ(u, 7u);  // 0 -> limit
  int i = 10;
  EXPECT_EQ(atomicSub(&i, 3), 10);
  EXPECT_EQ(atomicExch(&i, 42), 7);
  EXPECT_EQ(atomicMin(&i, 40), 42);
  EXPECT_EQ(atomicMax(&i, -1), 40);
  EXPECT_EQ(i, 40);
  EXPECT_EQ(atomicCAS(&i, 41, 0), 40);  // no match: unchanged
  EXPECT_EQ(atomicCAS(&i, 40, 1), 40);
  EXPECT_EQ(i, 1);
  unsigned long long bits = 0xF0;
  EXPECT_EQ(atomicAnd(&bits, 0x3Cull), 0xF0ull);
  EXPECT_EQ(atomicOr(&bits, 0x1ull), 0x30ull);
  EXPECT_EQ(atomicXor(&bits, 0xFFull), 0x31ull);
  EXPECT_EQ(bits, 0xCEull);
  float f = 1.5f;
  EXPECT_EQ(atomicMax(&f, 2.5f), 1.5f);
  EXPECT_EQ(atomicExch(&f, -1.0f), 2.5f);
  EXPECT_EQ(f, -1.0f);
}

// ---------------------------------------------------------------------------------------------
// Shared memory, indexing

void sharedPattern(unsigned *firstWord, int *aligned, int *out) {
  unsigned char *s = static_cast<unsigned char *>(dynamicShared());
  unsigned t = self().threadIdx.x;
  if (t == 0) {
    unsigned w;
    std::memcpy(&w, s + 100, sizeof w);
    firstWord[self().blockIdx.x] = w;
    aligned[self().blockIdx.x] = reinterpret_cast<uintptr_t>(s) % 64 == 0;
  }
  syncthreads(__LINE__);
  int *si = static_cast<int *>(dynamicShared());
  si[t] = static_cast<int>(self().blockIdx.x * 1000 + t);
  syncthreads(__LINE__);
  out[globalLinear1D()] = si[self().blockDim.x - 1 - t];
}

TEST_F(Simt, DynamicSharedMemoryIsPerBlockAlignedAndPatterned) {
  const unsigned blocks = 9, threads = 64;
  std::vector<unsigned> first(blocks, 0);
  std::vector<int> aligned(blocks, 0), out(blocks * threads, -1);
  launch(KernelInfo{"sharedPattern"}, sharedPattern, Dim3(blocks), Dim3(threads), 4096, nullptr, first.data(), aligned.data(),
         out.data());
  for (unsigned b = 0; b < blocks; ++b) {
    EXPECT_EQ(first[b], 0xCDCDCDCDu) << "block " << b;
    EXPECT_EQ(aligned[b], 1);
    for (unsigned t = 0; t < threads; ++t) EXPECT_EQ(out[b * threads + t], static_cast<int>(b * 1000 + (threads - 1 - t)));
  }
}

struct Seen {
  int hits;
  unsigned tx, ty, tz, bx, by, bz, lane, warp;
};

void indexing3D(Seen *seen, int nx, int ny) {
  const ThreadContext &t = self();
  unsigned x = t.blockIdx.x * t.blockDim.x + t.threadIdx.x;
  unsigned y = t.blockIdx.y * t.blockDim.y + t.threadIdx.y;
  unsigned z = t.blockIdx.z * t.blockDim.z + t.threadIdx.z;
  Seen &s = seen[(z * static_cast<unsigned>(ny) + y) * static_cast<unsigned>(nx) + x];
  atomicAdd(&s.hits, 1);
  s.tx = t.threadIdx.x;
  s.ty = t.threadIdx.y;
  s.tz = t.threadIdx.z;
  s.bx = t.blockIdx.x;
  s.by = t.blockIdx.y;
  s.bz = t.blockIdx.z;
  s.lane = t.lane;
  s.warp = t.warp;
  if (t.gridDim.x != 3 || t.gridDim.y != 2 || t.gridDim.z != 4 || t.blockDim.x != 8 || t.blockDim.y != 3 || t.blockDim.z != 2)
    s.hits = 1000;
}

TEST_F(Simt, ThreeDimensionalGridsCoverEveryElementOnce) {
  const Dim3 grid(3, 2, 4), block(8, 3, 2);
  const int nx = 24, ny = 6, nz = 8;
  std::vector<Seen> seen(nx * ny * nz, Seen{0, 0, 0, 0, 0, 0, 0, 0, 0});
  launch(KernelInfo{"indexing3D"}, indexing3D, grid, block, 0, nullptr, seen.data(), nx, ny);
  for (int z = 0; z < nz; ++z)
    for (int y = 0; y < ny; ++y)
      for (int x = 0; x < nx; ++x) {
        const Seen &s = seen[(z * ny + y) * nx + x];
        ASSERT_EQ(s.hits, 1) << x << "," << y << "," << z;
        EXPECT_EQ(s.tx, unsigned(x % 8));
        EXPECT_EQ(s.ty, unsigned(y % 3));
        EXPECT_EQ(s.tz, unsigned(z % 2));
        EXPECT_EQ(s.bx, unsigned(x / 8));
        EXPECT_EQ(s.by, unsigned(y / 3));
        EXPECT_EQ(s.bz, unsigned(z / 2));
        unsigned linear = unsigned(x % 8) + 8 * (unsigned(y % 3) + 3 * unsigned(z % 2));
        EXPECT_EQ(s.lane, linear % 32);
        EXPECT_EQ(s.warp, linear / 32);
      }
}

void scalarArgs(long long *out, char c, short s, double d, unsigned long long u) {
  if (self().threadIdx.x == 0) *out = c + s + static_cast<long long>(d) + static_cast<long long>(u);
}

TEST_F(Simt, ArgumentsConvertToParameterTypes) {
  long long out = 0;
  launch(KernelInfo{"scalarArgs"}, scalarArgs, 1, 32, 0, nullptr, &out, 1, 20, 300.75f, 4000);
  EXPECT_EQ(out, 4321);
}

// ---------------------------------------------------------------------------------------------
// Schedules

void shiftWithBarrier(int *out) {
  int *s = static_cast<int *>(dynamicShared());
  unsigned t = self().threadIdx.x, n = self().blockDim.x;
  s[t] = static_cast<int>(t) + 1;
  syncthreads(__LINE__);
  out[globalLinear1D()] = s[(t + 1) % n];
}

void shiftMissingBarrier(int *out) {
  int *s = static_cast<int *>(dynamicShared());
  unsigned t = self().threadIdx.x, n = self().blockDim.x;
  s[t] = static_cast<int>(t) + 1;
  // missing syncthreads: reads a value another thread may not have written yet
  out[globalLinear1D()] = s[(t + 1) % n];
}

std::vector<int> runUnder(const std::string &schedule, void (*kernel)(int *), unsigned blocks, unsigned threads) {
  config().schedule = schedule;
  std::vector<int> out(blocks * threads, -1);
  launch(KernelInfo{"shift"}, kernel, Dim3(blocks), Dim3(threads), threads * sizeof(int), nullptr, out.data());
  return out;
}

TEST_F(Simt, SchedulesAgreeOnRaceFreeKernelsAndExposeAMissingBarrier) {
  const unsigned blocks = 4, threads = 96;
  std::vector<int> expected(blocks * threads);
  for (unsigned b = 0; b < blocks; ++b)
    for (unsigned t = 0; t < threads; ++t) expected[b * threads + t] = static_cast<int>((t + 1) % threads) + 1;
  for (const std::string &s : kSchedules) EXPECT_EQ(runUnder(s, shiftWithBarrier, blocks, threads), expected) << s;

  std::vector<int> forward = runUnder("forward", shiftMissingBarrier, blocks, threads);
  std::vector<int> reverse = runUnder("reverse", shiftMissingBarrier, blocks, threads);
  std::vector<int> shuffled = runUnder("shuffle:7", shiftMissingBarrier, blocks, threads);
  EXPECT_NE(forward, reverse);
  EXPECT_NE(forward, shuffled);
  // Forward: every thread but the last reads its neighbour's slot before the neighbour ran.
  EXPECT_EQ(forward[0], static_cast<int>(0xCDCDCDCD));
  EXPECT_EQ(forward[threads - 1], 1);
  // Reverse: only the last thread reads too early.
  EXPECT_EQ(reverse[0], 2);
  EXPECT_EQ(reverse[threads - 1], static_cast<int>(0xCDCDCDCD));
  // The same seed gives the same order.
  EXPECT_EQ(runUnder("shuffle:7", shiftMissingBarrier, blocks, threads), shuffled);
}

void orderProbe(int *order, int *next) {
  order[self().threadIdx.x] = (*next)++;  // one block: fibers of a block run on one OS thread
}

TEST_F(Simt, ScheduleOrdersOfFibers) {
  const unsigned threads = 16;
  std::vector<int> order(threads);
  int next = 0;
  config().schedule = "forward";
  launch(KernelInfo{"orderProbe"}, orderProbe, Dim3(1), Dim3(threads), 0, nullptr, order.data(), &next);
  for (unsigned i = 0; i < threads; ++i) EXPECT_EQ(order[i], static_cast<int>(i));
  next = 0;
  config().schedule = "reverse";
  launch(KernelInfo{"orderProbe"}, orderProbe, Dim3(1), Dim3(threads), 0, nullptr, order.data(), &next);
  for (unsigned i = 0; i < threads; ++i) EXPECT_EQ(order[i], static_cast<int>(threads - 1 - i));
  next = 0;
  config().schedule = "shuffle:99";
  launch(KernelInfo{"orderProbe"}, orderProbe, Dim3(1), Dim3(threads), 0, nullptr, order.data(), &next);
  std::vector<int> sorted = order;
  std::sort(sorted.begin(), sorted.end());
  for (unsigned i = 0; i < threads; ++i) EXPECT_EQ(sorted[i], static_cast<int>(i));  // a permutation
  std::vector<int> identity(threads), reversed(threads);
  for (unsigned i = 0; i < threads; ++i) {
    identity[i] = static_cast<int>(i);
    reversed[i] = static_cast<int>(threads - 1 - i);
  }
  EXPECT_NE(order, identity);
  EXPECT_NE(order, reversed);
}

void manyLaunchesKernel(int *out) { out[globalLinear1D()] += 1; }

TEST_F(Simt, ManySmallAndLargeLaunchesReuseFibers) {
  config().hostThreads = 3;
  std::vector<int> out(1024 * 4, 0);
  for (int i = 0; i < 50; ++i) {
    unsigned threads = 128u << (i % 4);  // 128..1024 threads per block
    launch(KernelInfo{"many"}, manyLaunchesKernel, Dim3(4096 / threads), Dim3(threads), 0, nullptr, out.data());
  }
  for (int v : out) EXPECT_EQ(v, 50);
}

// ---------------------------------------------------------------------------------------------
// Faults: reported, never crashing or hanging the test process.

void evenThreadsSync(int *out) {
  if (self().threadIdx.x % 2 == 0) syncthreads(1234);
  out[self().threadIdx.x] = 1;
}

TEST_F(Simt, DivergentBarrierOnlyEvenThreads) {
  EXPECT_EXIT(
      {
        std::vector<int> out(64);
        launch(KernelInfo{"evenThreadsSync"}, evenThreadsSync, Dim3(1), Dim3(64), 0, nullptr, out.data());
      },
      testing::ExitedWithCode(kFaultExitCode),
      "xpile-fault: divergent-barrier: kernel evenThreadsSync, block \\(0,0,0\\): threads \\(1,0,0\\), \\(3,0,0\\).* exited "
      "while threads \\(0,0,0\\), \\(2,0,0\\).* wait at __syncthreads at line 1234");
}

void twoSites(int *out) {
  if (self().threadIdx.x < 16) syncthreads(100);
  else syncthreads(200);
  out[self().threadIdx.x] = 1;
}

TEST_F(Simt, DivergentBarrierAtTwoSites) {
  EXPECT_EXIT(
      {
        std::vector<int> out(48);
        launch(KernelInfo{"twoSites"}, twoSites, Dim3(2), Dim3(48), 0, nullptr, out.data());
      },
      testing::ExitedWithCode(kFaultExitCode),
      "xpile-fault: divergent-barrier: kernel twoSites, block \\(.,0,0\\): threads of one block wait at different barriers: "
      "threads \\(0,0,0\\).* at __syncthreads at line 100, threads \\(16,0,0\\).* at __syncthreads at line 200");
}

void earlyReturnThenSync(int *out, int n) {
  unsigned t = self().threadIdx.x;
  if (static_cast<int>(t) >= n) return;
  syncthreads(77);
  out[t] = 1;
}

TEST_F(Simt, BarrierAfterSomeThreadsReturned) {
  for (const char *schedule : {"forward", "reverse"}) {
    config().schedule = schedule;
    EXPECT_EXIT(
        {
          std::vector<int> out(32);
          launch(KernelInfo{"earlyReturnThenSync"}, earlyReturnThenSync, Dim3(1), Dim3(32), 0, nullptr, out.data(), 30);
        },
        testing::ExitedWithCode(kFaultExitCode),
        "xpile-fault: divergent-barrier: .*threads \\(30,0,0\\), \\(31,0,0\\) exited while threads \\(0,0,0\\), .* and "
        "24 more wait at __syncthreads at line 77")
        << schedule;
  }
}

void bounded(int *) {}

TEST_F(Simt, LaunchBeyondLaunchBounds) {
  EXPECT_EXIT(launch(KernelInfo{"bounded", 256}, bounded, Dim3(1), Dim3(512), 0, nullptr, nullptr),
              testing::ExitedWithCode(kFaultExitCode),
              "xpile-fault: invalid-argument: launch of bounded with 512 threads per block exceeds __launch_bounds__\\(256\\)");
  EXPECT_EXIT(launch(KernelInfo{"bounded"}, bounded, Dim3(1), Dim3(32, 32, 2), 0, nullptr, nullptr),
              testing::ExitedWithCode(kFaultExitCode),
              "xpile-fault: invalid-argument: launch of bounded with 2048 threads per block exceeds the platform's limit of 1024");
  EXPECT_EXIT(launch(KernelInfo{"bounded"}, bounded, Dim3(0), Dim3(32), 0, nullptr, nullptr),
              testing::ExitedWithCode(kFaultExitCode), "xpile-fault: invalid-argument: launch of bounded with grid \\(0,1,1\\)");
  // Within the bounds: runs.
  launch(KernelInfo{"bounded", 256}, bounded, Dim3(2), Dim3(256), 0, nullptr, nullptr);
}

TEST_F(Simt, TooMuchSharedMemory) {
  EXPECT_EXIT(launch(KernelInfo{"bounded"}, bounded, Dim3(1), Dim3(32), 64 * 1024, nullptr, nullptr),
              testing::ExitedWithCode(kFaultExitCode),
              "xpile-fault: capacity-exceeded: launch of bounded with 65536 bytes of dynamic shared memory");
  KernelInfo withStatic{"bounded"};
  withStatic.staticSharedBytes = 40 * 1024;
  EXPECT_EXIT(launch(withStatic, bounded, Dim3(1), Dim3(32), 10 * 1024, nullptr, nullptr),
              testing::ExitedWithCode(kFaultExitCode),
              "xpile-fault: capacity-exceeded: launch of bounded with 10240 bytes of dynamic shared memory \\(40960 static\\)");
  // HIP-like platform: 64 KiB of LDS.
  platform().maxSharedBytesPerBlock = platform().maxDynamicSharedBytes = 64 * 1024;
  launch(withStatic, bounded, Dim3(1), Dim3(32), 10 * 1024, nullptr, nullptr);
}

void shuffleAfterExit(int *out) {
  if (self().lane == 31) return;
  out[self().lane] = shuffle(ShuffleKind::Down, 0xffffffffull, static_cast<int>(self().lane), 1, 32);
}

TEST_F(Simt, ShuffleWithALaneThatExited) {
  // Forward: lanes 0-30 wait when lane 31 exits; reverse: lane 31 has exited when the others arrive.
  EXPECT_EXIT(
      {
        std::vector<int> out(32);
        launch(KernelInfo{"shuffleAfterExit"}, shuffleAfterExit, Dim3(1), Dim3(32), 0, nullptr, out.data());
      },
      testing::ExitedWithCode(kFaultExitCode),
      "xpile-fault: deadlock: kernel shuffleAfterExit, block \\(0,0,0\\), warp 0: thread \\(31,0,0\\) \\(lane 31\\) exited "
      "while lanes 0-30 wait for it at shfl_down with mask 0xffffffff");
  config().schedule = "reverse";
  EXPECT_EXIT(
      {
        std::vector<int> out(32);
        launch(KernelInfo{"shuffleAfterExit"}, shuffleAfterExit, Dim3(1), Dim3(32), 0, nullptr, out.data());
      },
      testing::ExitedWithCode(kFaultExitCode),
      "xpile-fault: deadlock: kernel shuffleAfterExit, block \\(0,0,0\\), warp 0: shfl_down with mask 0xffffffff waits for "
      "lanes 31, which have exited");
}

void shuffleAllActiveAfterExit(int *out) {
  if (self().lane >= 28) return;
  // ~0ull: every lane that has not exited takes part; reading an exited lane gives 0.
  out[self().lane] = shuffle(ShuffleKind::Down, ~0ull, static_cast<int>(self().lane) + 1, 2, 32);
}

TEST_F(Simt, AllActiveLanesShuffleToleratesExitedLanes) {
  for (const char *schedule : {"forward", "reverse", "shuffle:3"}) {
    config().schedule = schedule;
    std::vector<int> out(32, -1);
    launch(KernelInfo{"shuffleAllActiveAfterExit"}, shuffleAllActiveAfterExit, Dim3(1), Dim3(32), 0, nullptr, out.data());
    for (int l = 0; l < 28; ++l) EXPECT_EQ(out[l], l + 2 < 28 ? l + 3 : 0) << schedule << " lane " << l;
  }
}

// A maskless shuffle of width 32 in one half of a 64-lane wavefront (as `if (warp == 0) warpSum(v)`
// ported from CUDA does): only that half's lanes take part; the other half does not shuffle at all.
void halfWavefrontShuffle(int *out) {
  const int lane = static_cast<int>(self().lane);
  int v = lane;
  if (lane < 32)
    for (int m = 16; m > 0; m /= 2) v += shuffle(ShuffleKind::Xor, ~0ull, v, m, 32);
  out[lane] = v;
}

TEST_F(Simt, NarrowMasklessShuffleTakesOnlyItsSegment) {
  platform().warpSize = 64;
  for (const char *schedule : {"forward", "reverse", "shuffle:3"}) {
    config().schedule = schedule;
    std::vector<int> out(64, -1);
    launch(KernelInfo{"halfWavefrontShuffle"}, halfWavefrontShuffle, Dim3(1), Dim3(64), 0, nullptr, out.data());
    for (int l = 0; l < 64; ++l) EXPECT_EQ(out[l], l < 32 ? 31 * 32 / 2 : l) << schedule << " lane " << l;
  }
  platform().warpSize = 32;
}

void warpOpVersusBarrier(int *out) {
  if (self().lane == 0) syncthreads(55);
  else out[self().lane] = shuffle(ShuffleKind::Xor, ~0ull, 1, 1, 32);
}

TEST_F(Simt, WarpOperationWaitingForALaneAtABarrierIsADeadlock) {
  EXPECT_EXIT(
      {
        std::vector<int> out(32);
        launch(KernelInfo{"warpOpVersusBarrier"}, warpOpVersusBarrier, Dim3(1), Dim3(32), 0, nullptr, out.data());
      },
      testing::ExitedWithCode(kFaultExitCode),
      "xpile-fault: deadlock: kernel warpOpVersusBarrier, block \\(0,0,0\\): no thread can make progress: warp 0: lanes 1-31 "
      "wait at shfl_xor \\(all active lanes\\) for lanes 0, which wait at __syncthreads at line 55");
}

void mixedWarpOps(int *out) {
  if (self().lane % 2) out[self().lane] = static_cast<int>(ballot(~0ull, true));
  else out[self().lane] = shuffle(ShuffleKind::Idx, ~0ull, 5, 0, 32);
}

TEST_F(Simt, LanesAtDifferentWarpOperations) {
  EXPECT_EXIT(
      {
        std::vector<int> out(32);
        launch(KernelInfo{"mixedWarpOps"}, mixedWarpOps, Dim3(1), Dim3(32), 0, nullptr, out.data());
      },
      testing::ExitedWithCode(kFaultExitCode),
      "xpile-fault: divergent-barrier: kernel mixedWarpOps, block \\(0,0,0\\), warp 0: lanes at different warp operations: "
      "lanes 0 at shfl \\(idx\\) \\(all active lanes\\), lane 1 at ballot");
}

void badWidth(int *out) { out[0] = shuffle(ShuffleKind::Down, ~0ull, 1, 1, 12); }

TEST_F(Simt, ShuffleWidthMustBeAPowerOfTwo) {
  EXPECT_EXIT(launch(KernelInfo{"badWidth"}, badWidth, Dim3(1), Dim3(32), 0, nullptr, static_cast<int *>(nullptr)),
              testing::ExitedWithCode(kFaultExitCode), "xpile-fault: invalid-argument: .*shfl_down with width 12");
}

__attribute__((noinline)) int deepRecursion(int n) {
  volatile char frame[256];
  frame[0] = static_cast<char>(n);
  __asm__ volatile("" : : "r"(frame) : "memory");
  return n == 0 ? 0 : deepRecursion(n - 1) + frame[0];
}

void overflowStack(int *out) { out[self().threadIdx.x] = deepRecursion(1 << 20); }

TEST_F(Simt, StackOverflowIsASegfaultNotSilent) {
  EXPECT_EXIT(
      {
        std::vector<int> out(64);
        launch(KernelInfo{"overflowStack"}, overflowStack, Dim3(2), Dim3(64), 0, nullptr, out.data());
      },
      testing::KilledBySignal(SIGSEGV), "");
}

void moderateRecursion(int *out) { out[self().threadIdx.x] = deepRecursion(40); }  // ~12 KiB of stack

TEST_F(Simt, ModerateRecursionFitsTheDefaultStack) {
  std::vector<int> out(64, -1);
  launch(KernelInfo{"moderateRecursion"}, moderateRecursion, Dim3(2), Dim3(64), 0, nullptr, out.data());
  int expected = 0;
  for (int n = 1; n <= 40; ++n) expected += static_cast<char>(n);
  for (int v : out) EXPECT_EQ(v, expected);
}

// 256 KiB of per-thread arrays, four times the default stack (CUDA allows 512 KiB of local memory
// per thread): the launch sizes its fibers' stacks from KernelInfo::localBytes, replacing the
// default-sized stacks an earlier launch left in the pool.
constexpr int kLocalFloats = 64 * 1024;

void largeLocalArray(int *out) {
  float a[kLocalFloats];
  const unsigned t = self().threadIdx.x;
  for (int i = 0; i < kLocalFloats; ++i) a[i] = static_cast<float>((i + t) % 7);
  __asm__ volatile("" : : "r"(a) : "memory");
  syncthreads(__LINE__);  // every thread of the block holds its array at once
  float sum = 0.0f;
  for (int i = 0; i < kLocalFloats; ++i) sum += a[i];
  out[globalLinear1D()] = static_cast<int>(sum);
}

TEST_F(Simt, LocalArraysGetStacksLargeEnough) {
  config().hostThreads = 2;
  std::vector<int> out(128, -1);
  launch(KernelInfo{"moderateRecursion"}, moderateRecursion, Dim3(2), Dim3(64), 0, nullptr, out.data());
  KernelInfo info{"largeLocalArray"};
  info.localBytes = sizeof(float) * kLocalFloats;
  launch(info, largeLocalArray, Dim3(2), Dim3(64), 0, nullptr, out.data());
  for (unsigned g = 0; g < out.size(); ++g) {
    long long expected = 0;
    for (int i = 0; i < kLocalFloats; ++i) expected += (i + g % 64) % 7;
    EXPECT_EQ(out[g], expected) << "thread " << g;
  }
}

void trapping(int *) {
  if (self().blockIdx.x == 3 && self().threadIdx.x == 5) std::abort();
  syncthreads(__LINE__);
}

TEST_F(Simt, TrapTerminatesTheProcess) {
  config().hostThreads = 4;
  EXPECT_EXIT(launch(KernelInfo{"trapping"}, trapping, Dim3(8), Dim3(64), 0, nullptr, static_cast<int *>(nullptr)),
              testing::KilledBySignal(SIGABRT), "");
}

TEST_F(Simt, ForkedChildRunsLaunchesOnAFreshPool) {
  config().hostThreads = 4;
  std::vector<int> out(4096, 0);
  launch(KernelInfo{"many"}, manyLaunchesKernel, Dim3(16), Dim3(256), 0, nullptr, out.data());  // the pool has workers
  EXPECT_EXIT(
      {
        std::vector<int> o(4096, 0);
        launch(KernelInfo{"many"}, manyLaunchesKernel, Dim3(16), Dim3(256), 0, nullptr, o.data());
        for (int v : o)
          if (v != 1) std::_Exit(1);
        std::_Exit(0);
      },
      testing::ExitedWithCode(0), "");
}

TEST_F(Simt, BarrierOutsideAKernel) {
  EXPECT_EXIT(syncthreads(3), testing::ExitedWithCode(kFaultExitCode),
              "xpile-fault: invalid-argument: __syncthreads called outside a kernel");
  EXPECT_EQ(self().threadIdx.x, 0u);  // the host context
  EXPECT_FALSE(inKernel());
}

}  // namespace
