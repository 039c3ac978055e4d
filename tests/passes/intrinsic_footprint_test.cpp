// Buffer extents through calls: detensorized x86 intrinsics (sized by the catalogue's memory
// footprints, narrowed by prefix masks) and functions of the module (sized by their own extents).
// Known answers worked out by hand from each snippet.
#include "passes/buffer_extent.h"

#include "ast/dump.h"
#include "backends/vnni/intrinsic_catalogue.h"
#include "passes/detensorize.h"
#include "tests/passes/pass_test_util.h"

#include <gtest/gtest.h>

namespace xpile::passes {
namespace {

namespace vnni = backends::vnni;

// Extents of `entry` in the detensorized module of a VNNI snippet.
std::map<std::string, BufferUse> extents(const std::string &src, const std::string &entry) {
  ast::Module m = test::parse("t.cpp", src);
  PassContext ctx;
  EXPECT_TRUE(detensorize(m, DetensorizeOptions{}, ctx));
  std::map<std::string, BufferUse> out;
  const ast::Function *f = m.findFunction(entry);
  EXPECT_NE(f, nullptr);
  if (f)
    for (auto &u : analyzeBufferExtents(*f, nullptr, &m)) out[u.name] = u;
  return out;
}

std::string count(const BufferUse &u) { return u.count ? ast::dumpExpr(u.count) : "<none: " + u.error + ">"; }

TEST(IntrinsicFootprint, CatalogueDescribesEveryMemoryAccess) {
  for (auto &in : vnni::intrinsics()) {
    EXPECT_EQ(in.memory.has_value(), !in.pure) << in.name;
    if (!in.memory) continue;
    ASSERT_GE(in.memory->pointerParam, 0) << in.name;
    auto kind = in.params[static_cast<size_t>(in.memory->pointerParam)].kind;
    EXPECT_EQ(kind, in.memory->writes ? vnni::Operand::Ptr : vnni::Operand::ConstPtr) << in.name;
    EXPECT_NE(in.memory->reads, in.memory->writes) << in.name;
    if (in.memory->maskParam >= 0) {
      auto mk = in.params[static_cast<size_t>(in.memory->maskParam)].kind;
      EXPECT_TRUE(mk == vnni::Operand::Mask8 || mk == vnni::Operand::Mask16 || mk == vnni::Operand::Mask32 ||
                  mk == vnni::Operand::Mask64)
          << in.name;
    }
    EXPECT_EQ(vnni::findIntrinsicByHelper(in.helper)->name, in.name);
  }
  // Known answers from the Intel intrinsics guide.
  auto *ml = vnni::findIntrinsic("_mm512_mask_loadu_ps");  // (src, k, mem_addr): 16 floats under k
  ASSERT_TRUE(ml && ml->memory);
  EXPECT_EQ(ml->memory->pointerParam, 2);
  EXPECT_EQ(ml->memory->maskParam, 1);
  EXPECT_EQ(ml->memory->laneBytes * ml->memory->lanes, 64);
  auto *st = vnni::findIntrinsic("_mm256_mask_storeu_epi16");  // (mem_addr, k, a): 16 x 16-bit
  ASSERT_TRUE(st && st->memory);
  EXPECT_TRUE(st->memory->writes);
  EXPECT_EQ(st->memory->pointerParam, 0);
  EXPECT_EQ(st->memory->laneBytes, 2);
  EXPECT_EQ(st->memory->lanes, 16);
  auto *si = vnni::findIntrinsic("_mm256_loadu_si256");  // 32 bytes, no mask
  ASSERT_TRUE(si && si->memory);
  EXPECT_EQ(si->memory->laneBytes * si->memory->lanes, 32);
  EXPECT_EQ(si->memory->maskParam, -1);
  auto *g = vnni::findIntrinsic("_mm512_mask_i32gather_ps");  // (src, k, vindex, base_addr, scale)
  ASSERT_TRUE(g && g->memory);
  EXPECT_EQ(g->memory->indexParam, 2);
  EXPECT_EQ(g->memory->pointerParam, 3);
  EXPECT_EQ(vnni::findIntrinsicByHelper("mm512_add_ps")->memory, std::nullopt);
}

// Full vectors while i + 16 <= n, then a masked tail of n - i lanes: nothing past n - 1.
TEST(IntrinsicFootprint, MaskedTailStopsAtTheEnd) {
  auto e = extents(R"(#include <immintrin.h>
static inline __mmask16 tail_mask16(long n) { return n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1u); }
void relu(const float *x, float *y, int n) {
  const __m512 zero = _mm512_setzero_ps();
  long i = 0;
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, _mm512_max_ps(_mm512_loadu_ps(x + i), zero));
  for (; i < n; i += 16) {
    const __mmask16 m = tail_mask16(n - i);
    _mm512_mask_storeu_ps(y + i, m, _mm512_max_ps(_mm512_maskz_loadu_ps(m, x + i), zero));
  }
})",
                   "relu");
  EXPECT_EQ(count(e["x"]), "n");
  EXPECT_EQ(count(e["y"]), "n");
  EXPECT_TRUE(e["x"].read);
  EXPECT_FALSE(e["x"].written);
  EXPECT_TRUE(e["y"].written);
  EXPECT_FALSE(e["y"].denselyWritten);  // vector stores: not proven dense, copied in
}

// Bytes, not floats: 64 bytes of int8 from a + k with k + 64 <= K, in a row of a K-wide matrix.
TEST(IntrinsicFootprint, ByteVectorsThroughReinterpretingCasts) {
  auto e = extents(R"(#include <immintrin.h>
#include <stdint.h>
void rows(const uint8_t *a, int32_t *out, int M, int K) {
  for (int r = 0; r < M; ++r) {
    __m512i acc = _mm512_setzero_si512();
    int k = 0;
    for (; k + 64 <= K; k += 64) acc = _mm512_add_epi32(acc, _mm512_loadu_si512((const __m512i *)(a + (long)r * K + k)));
    _mm512_storeu_si512((__m512i *)(out + 16 * r), acc);
  }
})",
                   "rows");
  EXPECT_EQ(count(e["a"]), "(K * M)");
  EXPECT_EQ(count(e["out"]), "(16 * M)");
}

// A row helper taking row pointers: its extents (cols) at the row offsets r * cols.
TEST(IntrinsicFootprint, RowHelpersAreSizedByTheirOwnExtents) {
  auto e = extents(R"(#include <immintrin.h>
static void scale_row(const float *x, float *y, long cols, float s) {
  long c = 0;
  for (; c + 16 <= cols; c += 16) _mm512_storeu_ps(y + c, _mm512_mul_ps(_mm512_loadu_ps(x + c), _mm512_set1_ps(s)));
  if (c < cols) {
    const __mmask16 t = (__mmask16)((1u << (cols - c)) - 1u);
    _mm512_mask_storeu_ps(y + c, t, _mm512_mul_ps(_mm512_maskz_loadu_ps(t, x + c), _mm512_set1_ps(s)));
  }
}
void scale(const float *x, float *y, int rows, int cols) {
  for (int r = 0; r < rows; ++r) scale_row(x + (long)r * cols, y + (long)r * cols, cols, 2.0f);
})",
                   "scale");
  EXPECT_EQ(count(e["x"]), "(cols * rows)");
  EXPECT_EQ(count(e["y"]), "(cols * rows)");
  EXPECT_TRUE(e["y"].written);
}

// Masks kept in an array filled by a loop, and a select that enables nothing past the end:
// four vectors of channels c0 + 16 v under masks of C - c0 - 16 v lanes.
TEST(IntrinsicFootprint, MaskArraysAndSelects) {
  auto e = extents(R"(#include <immintrin.h>
static inline __mmask16 lane_mask(int n) { return n <= 0 ? (__mmask16)0 : n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1u); }
void pool(const float *in, float *out, int P, int C) {
  for (int p = 0; p < P; ++p)
    for (int c0 = 0; c0 < C; c0 += 64) {
      __mmask16 mask[4];
      for (int v = 0; v < 4; ++v) mask[v] = lane_mask(C - c0 - v * 16);
      for (int v = 0; v < 4; ++v)
        _mm512_mask_storeu_ps(out + (long)p * C + c0 + v * 16, mask[v],
                              _mm512_maskz_loadu_ps(mask[v], in + (long)p * C + c0 + v * 16));
      const __mmask16 m1 = c0 + 16 < C ? lane_mask(C - c0 - 16) : (__mmask16)0;
      _mm512_mask_storeu_ps(out + (long)p * C + c0 + 16, m1, _mm512_setzero_ps());
    }
})",
                   "pool");
  EXPECT_EQ(count(e["in"]), "(C * P)");
  EXPECT_EQ(count(e["out"]), "(C * P)");
}

// A mask helper written as early returns (the corpus' pooling kernels) bounds the lanes as the
// one-expression form does: channels c0 + 16 v under masks of C - c0 - 16 v lanes end at C.
TEST(IntrinsicFootprint, MaskHelpersWithEarlyReturns) {
  auto e = extents(R"(#include <immintrin.h>
static inline __mmask16 lane_mask(int remaining) {
  if (remaining >= 16) return (__mmask16)0xFFFF;
  if (remaining <= 0) return (__mmask16)0;
  return (__mmask16)((1u << remaining) - 1u);
}
void copy(const float *in, float *out, int P, int C) {
  for (int p = 0; p < P; ++p)
    for (int c0 = 0; c0 < C; c0 += 64)
      for (int v = 0; v < 4; ++v) {
        const __mmask16 m = lane_mask(C - c0 - v * 16);
        _mm512_mask_storeu_ps(out + (long)p * C + c0 + v * 16, m, _mm512_maskz_loadu_ps(m, in + (long)p * C + c0 + v * 16));
      }
})",
                   "copy");
  EXPECT_EQ(count(e["in"]), "(C * P)");
  EXPECT_EQ(count(e["out"]), "(C * P)");
}

// Gathers address memory through an index vector: not sized, and said so.
TEST(IntrinsicFootprint, GathersAreRefused) {
  auto e = extents(R"(#include <immintrin.h>
void g(const float *x, float *y, int n) {
  const __m512i idx = _mm512_set1_epi32(3);
  for (int i = 0; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, _mm512_i32gather_ps(idx, x, 4));
})",
                   "g");
  EXPECT_EQ(e["x"].count, nullptr);
  EXPECT_NE(e["x"].error.find("index vector"), std::string::npos) << e["x"].error;
}

}  // namespace
}  // namespace xpile::passes
