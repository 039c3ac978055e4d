// Tensorize against independent answers: the C loop before the pass against the AVX-512 program
// after it, run on the executors (bit-exact: every vector operation is the loop's own IEEE
// operation per lane, and int8 sums wrap modulo 2^32 in any order), plus what must stay scalar and
// the option errors. The int8 results also go back through detensorize (the catalogue's scalar C).
#include "passes/tensorize.h"

#include "passes/detensorize.h"

#include "tests/passes/pass_test_util.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace xpile::passes {
namespace {

std::string readFile(const std::string &path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ast::Module tensorized(const ast::Module &before, PassContext &ctx, TensorizeOptions o = {}) {
  ast::Module after = before;
  EXPECT_TRUE(tensorize(after, o, ctx));
  for (auto &d : ctx.diagnostics)
    if (d.severity == Severity::Error) ADD_FAILURE() << d.loc.str() << ": " << d.message;
  return after;
}

TEST(Tensorize, AxpyBecomesMaskedAvx512AndVerifies) {
  const char *src = "void axpy(float a, const float *x, float *y, int n) {\n"
                    "  for (int i = 0; i < n; ++i) y[i] = a * x[i] + y[i];\n"
                    "}\n";
  ast::Module before = test::parse("axpy.c", src);
  PassContext ctx;
  ast::Module after = tensorized(before, ctx);
  EXPECT_EQ(after.dialect, ast::Dialect::VNNI);
  EXPECT_EQ(ctx.stats["loops_vectorized"], 1);
  std::string code = test::print(after);
  // a * x + y is contracted into one fused multiply-add, as C compilers do for the scalar loop
  // (FP_CONTRACT ON) on FMA targets: the vector loop keeps the loop's own rounding.
  EXPECT_NE(code.find("_mm512_fmadd_ps(_mm512_set1_ps(a), _mm512_maskz_loadu_ps(mask, x + i),"), std::string::npos)
      << code;
  EXPECT_NE(code.find("_mm512_mask_storeu_ps(y + i, mask,"), std::string::npos) << code;
  // x and y are not restrict: the vector loop runs only when they do not overlap.
  EXPECT_NE(code.find("if (y + n <= x || x + n <= y)"), std::string::npos) << code;
  EXPECT_NE(code.find("i += 16"), std::string::npos) << code;
  // Lengths that are not multiples of 16 exercise the masked tail.
  for (const char *n : {"100", "16", "1"}) {
    std::string count = n;
    auto v = test::verifyEntry(before, after, "axpy",
                               {"f32:1.5", "f32[" + count + "]:rand", "f32[" + count + "]:rand", "i32:" + count}, 0, 0);
    EXPECT_TRUE(v.pass) << n << ": " << v.message;
  }
}

TEST(Tensorize, RestrictPointersNeedNoOverlapCheck) {
  const char *src = "void scale(const float *restrict x, float *restrict y, int n) {\n"
                    "  for (int i = 0; i < n; ++i) y[i] = x[i] < 2.0f ? x[i] : 2.0f;\n"
                    "}\n";
  ast::Module before = test::parse("scale.c", src);
  PassContext ctx;
  ast::Module after = tensorized(before, ctx);
  std::string code = test::print(after);
  EXPECT_EQ(code.find("if ("), std::string::npos) << code;
  EXPECT_NE(code.find("_mm512_min_ps"), std::string::npos) << code;
  auto v = test::verifyEntry(before, after, "scale", {"f32[77]:rand", "f32[77]:zeros", "i32:77"}, 0, 0);
  EXPECT_TRUE(v.pass) << v.message;
}

TEST(Tensorize, ReductionsAndStridedLoopsStayScalar) {
  const char *src = "float sum(const float *x, int n) {\n"
                    "  float s = 0.0f;\n"
                    "  for (int i = 0; i < n; ++i) s += x[i];\n"
                    "  return s;\n"
                    "}\n"
                    "void gather(const float *x, float *y, int n) {\n"
                    "  for (int i = 0; i < n; ++i) y[i] = x[2 * i];\n"
                    "}\n";
  ast::Module before = test::parse("r.c", src);
  PassContext ctx;
  ast::Module after = tensorized(before, ctx);
  EXPECT_EQ(ctx.stats["loops_vectorized"], 0);
  EXPECT_EQ(ctx.stats["scalar_loops"].size(), 2u);
  EXPECT_EQ(after.dialect, ast::Dialect::C);
  EXPECT_EQ(test::print(after), test::print(before));
}

TEST(Tensorize, UnsupportedVectorWidthIsAnError) {
  ast::Module m = test::parse("a.c", "void f(float *y, int n) { for (int i = 0; i < n; ++i) y[i] = 0.0f; }\n");
  PassContext ctx;
  TensorizeOptions o;
  o.vectorWidth = 8;
  EXPECT_FALSE(tensorize(m, o, ctx));
  EXPECT_TRUE(ctx.hasErrors());
  EXPECT_EQ(ctx.params["vector_width"], 8);
}

// The corpus C references: which loops vectorize, and the result against the reference.
struct RefCase {
  const char *file, *entry;
  std::vector<std::string> args;
  int expectVectorized;
};

TEST(Tensorize, CorpusReferences) {
  std::string root = std::string(XPILE_SOURCE_DIR) + "/corpus/";
  std::vector<RefCase> cases = {
      {"elementwise/add/add.c", "add_f32", {"f32[1000]:rand", "f32[1000]:rand", "f32[1000]:zeros", "i32:1000"}, 1},
      {"activation/relu/relu.c", "relu_f32", {"f32[500]:rand", "f32[500]:zeros", "i32:500"}, 1},
      {"matrix/gemv/gemv.c", "gemv_f32", {"f32[3000]:rand", "f32[60]:rand", "f32[50]:zeros", "i32:50", "i32:60"}, 0},
      {"matrix/gemm/gemm.c", "gemm_f32", {"f32[600]:rand", "f32[1800]:rand", "f32[1200]:zeros", "i32:20", "i32:60", "i32:30"}, 0},
  };
  for (auto &c : cases) {
    SCOPED_TRACE(c.file);
    ast::Module before = test::parse(c.file, readFile(root + c.file));
    PassContext ctx;
    ast::Module after = tensorized(before, ctx);
    EXPECT_GE(ctx.stats["loops_vectorized"].get<int>(), c.expectVectorized) << ctx.stats.dump(2);
    auto v = test::verifyEntry(before, after, c.entry, c.args, 0, 0);
    EXPECT_TRUE(v.pass) << v.message << "\n" << test::print(after);
    std::printf("[tensorize] %-24s vectorized %d, scalar %s\n", c.file, ctx.stats["loops_vectorized"].get<int>(),
                ctx.stats["scalar_loops"].dump().c_str());
  }
}

// ---------------------------------------------------------------------------------------------
// int8: u8 x s8 products summed in 32-bit integers -> _mm512_dpbusd_epi32

// The corpus' GEMMs (gemm_u8s8s32: the shape that matters most) and two more forms of the int8 one.
std::string gemmSource() {
  return readFile(std::string(XPILE_SOURCE_DIR) + "/corpus/matrix/gemm/gemm.c") + R"(
/* The operands swapped (A signed, B unsigned), a starting value, the product promoted implicitly. */
void gemm_s8u8(const int8_t *A, const uint8_t *B, int32_t *C, int M, int N, int K) {
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j) {
      int32_t acc = -7;
      for (int k = 0; k < K; ++k)
        acc += B[k * N + j] * A[i * K + k];
      C[i * N + j] = acc;
    }
}
/* The sum straight into C, restrict pointers (no overlap check). */
void gemm_acc(const uint8_t *restrict A, const int8_t *restrict B, int32_t *restrict C, int M, int N, int K) {
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j)
      for (int k = 0; k < K; ++k)
        C[i * N + j] += (int32_t)A[i * K + k] * (int32_t)B[k * N + j];
}
)";
}

struct Shape {
  int m, n, k;
};
// Every tail: K % 4 in 1..3 and 0, N below, at and above 16 and 64, N = 1, K = 1.
const std::vector<Shape> kGemmShapes = {{3, 17, 5}, {2, 16, 4}, {1, 33, 67}, {4, 1, 1}, {2, 130, 10}, {1, 64, 3}};

std::vector<std::string> gemmArgs(const Shape &s, const char *a, const char *b, const char *c) {
  auto n = [](int v) { return std::to_string(v); };
  return {std::string(a) + "[" + n(s.m * s.k) + "]:rand", std::string(b) + "[" + n(s.k * s.n) + "]:rand",
          "i32[" + n(s.m * s.n) + "]:" + c, "i32:" + n(s.m), "i32:" + n(s.n), "i32:" + n(s.k)};
}

void expectGemmsVerify(const ast::Module &before, const ast::Module &after, const std::string &what,
                       const std::vector<Shape> &shapes = kGemmShapes) {
  for (const Shape &s : shapes) {
    SCOPED_TRACE(what + " M,N,K = " + std::to_string(s.m) + "," + std::to_string(s.n) + "," + std::to_string(s.k));
    auto v = test::verifyEntry(before, after, "gemm_u8s8s32", gemmArgs(s, "u8", "i8", "zeros"), 0, 0);
    EXPECT_TRUE(v.pass) << v.message;
    v = test::verifyEntry(before, after, "gemm_s8u8", gemmArgs(s, "i8", "u8", "zeros"), 0, 0);
    EXPECT_TRUE(v.pass) << v.message;
    v = test::verifyEntry(before, after, "gemm_acc", gemmArgs(s, "u8", "i8", "rand"), 0, 0);
    EXPECT_TRUE(v.pass) << v.message;
  }
}

size_t count(const std::string &text, const std::string &what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The code with every run of white space made one space (and none after '('): clang-format's line
// breaks do not matter to what the checks look for.
std::string squeezed(const std::string &code) {
  std::string out;
  for (char c : code) {
    bool space = c == ' ' || c == '\n';
    if (space && (out.empty() || out.back() == ' ' || out.back() == '(')) continue;
    out += space ? ' ' : c;
  }
  return out;
}

bool hasReason(const nlohmann::json &scalarLoops, const std::string &var, const std::string &words) {
  for (auto &r : scalarLoops)
    if (r["var"] == var && r["reason"].get<std::string>().find(words) != std::string::npos) return true;
  return false;
}

TEST(Tensorize, Int8GemmBecomesDpbusdAtTheColumnLoopAndVerifies) {
  ast::Module before = test::parse("gemm.c", gemmSource());
  PassContext ctx;
  ast::Module after = tensorized(before, ctx);
  EXPECT_EQ(after.dialect, ast::Dialect::VNNI);
  EXPECT_EQ(ctx.stats["loops_vectorized"], 3) << ctx.stats.dump(2);
  for (auto &loop : ctx.stats["vectorized_loops"]) EXPECT_EQ(loop["var"], "j") << ctx.stats.dump(2);
  std::string code = test::print(after);
  EXPECT_EQ(count(code, "_mm512_dpbusd_epi32"), 12u) << code;
  // 64 columns and 4 k per step; the four bytes of A broadcast, the four rows of B interleaved.
  EXPECT_NE(code.find("j += 64"), std::string::npos) << code;
  EXPECT_NE(code.find("k += 4"), std::string::npos) << code;
  EXPECT_NE(code.find("_mm512_broadcastd_epi32(_mm_maskz_loadu_epi8("), std::string::npos) << code;
  EXPECT_NE(code.find("_mm512_maskz_loadu_epi8(mask, B + ((k + 1) * N + j))"), std::string::npos) << code;
  // The swapped operands: B (unsigned) interleaved is the first byte operand, A (signed) the second.
  EXPECT_NE(code.find("_mm512_set1_epi32(-7)"), std::string::npos) << code;
  // Not restrict: the vector loop runs when C does not overlap A or B, the original loop otherwise.
  EXPECT_EQ(count(code, "(const char *)"), 16u) << code;
  EXPECT_EQ(count(code, "else"), 2u) << code;
  expectGemmsVerify(before, after, "tensorized");
}

TEST(Tensorize, Int8GemmRoundTripsThroughDetensorize) {
  ast::Module before = test::parse("gemm.c", gemmSource());
  PassContext ctx;
  ast::Module after = tensorized(before, ctx);
  // The AST itself, and the printed VNNI text parsed again (the header macros such as
  // _mm512_shuffle_i32x4 come back as builtins and are resugared).
  for (bool reparse : {false, true}) {
    SCOPED_TRACE(reparse ? "printed and parsed again" : "as tensorized");
    ast::Module c = reparse ? test::parse("gemm_vnni.c", test::print(after)) : after;
    PassContext dctx;
    ASSERT_TRUE(detensorize(c, DetensorizeOptions{}, dctx));
    for (auto &d : dctx.diagnostics) ADD_FAILURE() << d.loc.str() << ": " << d.message;
    std::string code = test::print(c);
    EXPECT_EQ(code.find("_mm"), std::string::npos) << code;
    EXPECT_NE(code.find("mm512_dpbusd_epi32("), std::string::npos) << code;
    // The scalar helpers are slow: the shapes with every k tail (K % 4 = 1, 2, 3) and N past 64.
    expectGemmsVerify(before, c, "detensorized", {{3, 17, 5}, {2, 130, 10}, {1, 33, 67}});
  }
}

const char *kDots = R"(#include <stdint.h>
void dot_u8s8(const uint8_t *a, const int8_t *b, int32_t *out, int n) {
  int32_t acc = 3;
  for (int k = 0; k < n; ++k) acc += (int32_t)a[k] * (int32_t)b[k];
  out[0] = acc;
}
/* int8 matrix x vector: each row a dot product from W + i * n; signed weights first. */
void gemv_s8u8(const int8_t *W, const uint8_t *x, uint32_t *y, int m, int n) {
  for (int i = 0; i < m; ++i) {
    uint32_t acc = 0;
    for (int k = 0; k < n; ++k) acc += (uint32_t)W[i * n + k] * (uint32_t)x[k];
    y[i] = acc;
  }
}
)";

TEST(Tensorize, Int8DotProductBecomesDpbusdAndVerifies) {
  ast::Module before = test::parse("dots.c", kDots);
  PassContext ctx;
  ast::Module after = tensorized(before, ctx);
  EXPECT_EQ(ctx.stats["loops_vectorized"], 2) << ctx.stats.dump(2);
  std::string code = squeezed(test::print(after));
  EXPECT_NE(code.find("acc_v = _mm512_dpbusd_epi32(acc_v, _mm512_maskz_loadu_epi8(mask, a + k), "
                      "_mm512_maskz_loadu_epi8(mask, b + k));"),
            std::string::npos)
      << code;
  EXPECT_NE(code.find("_mm512_maskz_loadu_epi8(mask, x + k), _mm512_maskz_loadu_epi8(mask, W + (i * n + k))"),
            std::string::npos)
      << code;
  EXPECT_EQ(count(code, "acc += _mm512_reduce_add_epi32(acc_v);"), 2u) << code;
  // The gemv's row loop is looked at as a GEMM column loop first: W is not contiguous in i.
  EXPECT_TRUE(hasReason(ctx.stats["scalar_loops"], "i", "'W' is neither contiguous")) << ctx.stats.dump(2);
  ast::Module c = after;
  PassContext dctx;
  ASSERT_TRUE(detensorize(c, DetensorizeOptions{}, dctx));
  for (int n : {1, 63, 64, 65, 200}) {
    std::string len = std::to_string(n);
    for (const ast::Module *m : {&after, &c}) {
      auto v = test::verifyEntry(before, *m, "dot_u8s8", {"u8[" + len + "]:rand", "i8[" + len + "]:rand", "i32[1]:zeros",
                                                          "i32:" + len}, 0, 0);
      EXPECT_TRUE(v.pass) << n << ": " << v.message;
      v = test::verifyEntry(before, *m, "gemv_s8u8", {"i8[" + std::to_string(3 * n) + "]:rand", "u8[" + len + "]:rand",
                                                      "i32[3]:zeros", "i32:3", "i32:" + len}, 0, 0);
      EXPECT_TRUE(v.pass) << n << ": " << v.message;
    }
  }
}

// The int8 GEMM with one thing changed: the operand types, A's index, the accumulator's type. The
// loop variables j and k are named after the function, so each refusal can be found by its loop.
std::string gemmVariant(const std::string &name, const std::string &a, const std::string &b, const std::string &sum,
                        const std::string &aIndex) {
  std::string j = "j_" + name, k = "k_" + name;
  std::string index = aIndex;
  for (size_t at = index.find('k'); at != std::string::npos; at = index.find('k', at + k.size())) index.replace(at, 1, k);
  return "void gemm_" + name + "(const " + a + " *A, const " + b + " *B, " + sum + " *C, int M, int N, int K) {\n"
         "  for (int i = 0; i < M; ++i)\n"
         "    for (int " + j + " = 0; " + j + " < N; ++" + j + ") {\n"
         "      " + sum + " acc = 0;\n"
         "      for (int " + k + " = 0; " + k + " < K; ++" + k + ")\n"
         "        acc += (" + sum + ")A[" + index + "] * (" + sum + ")B[" + k + " * N + " + j + "];\n"
         "      C[i * N + " + j + "] = acc;\n"
         "    }\n"
         "}\n";
}

TEST(Tensorize, Int8ShapesDpbusdCannotTakeStayScalarWithAReason) {
  std::string src = "#include <stdint.h>\n" + gemmVariant("s8s8", "int8_t", "int8_t", "int32_t", "i * K + k") +
                    gemmVariant("strided", "uint8_t", "int8_t", "int32_t", "i * K + 2 * k") +
                    gemmVariant("wide", "uint8_t", "int8_t", "int64_t", "i * K + k") +
                    gemmVariant("float", "uint8_t", "int8_t", "float", "i * K + k") + R"(
void gemm_collapsed(const uint8_t *A, const int8_t *B, int32_t *C, int M, int N, int K) {
#pragma omp parallel for collapse(2)
  for (int i = 0; i < M; ++i)
    for (int c = 0; c < N; ++c)
      for (int r = 0; r < K; ++r) C[i * N + c] += (int32_t)A[i * K + r] * (int32_t)B[r * N + c];
}
void dot_parallel(const uint8_t *a, const int8_t *b, int32_t *out, int n) {
  int32_t acc = 0;
#pragma omp parallel for reduction(+ : acc)
  for (int t = 0; t < n; ++t) acc += (int32_t)a[t] * (int32_t)b[t];
  out[0] = acc;
}
)";
  ast::Module before = test::parse("scalar.c", src);
  PassContext ctx;
  ast::Module after = tensorized(before, ctx);
  EXPECT_EQ(ctx.stats["loops_vectorized"], 0) << ctx.stats.dump(2);
  EXPECT_EQ(test::print(after), test::print(before));
  const nlohmann::json &scalar = ctx.stats["scalar_loops"];
  EXPECT_TRUE(hasReason(scalar, "j_s8s8", "both factors are signed bytes")) << scalar.dump(2);
  EXPECT_TRUE(hasReason(scalar, "k_s8s8", "both factors are signed bytes")) << scalar.dump(2);
  EXPECT_TRUE(hasReason(scalar, "j_strided", "'A' is neither contiguous in 'k_strided'")) << scalar.dump(2);
  EXPECT_TRUE(hasReason(scalar, "k_strided", "'A' is not contiguous in 'k_strided'")) << scalar.dump(2);
  EXPECT_TRUE(hasReason(scalar, "j_wide", "accumulated in i64")) << scalar.dump(2);
  EXPECT_TRUE(hasReason(scalar, "j_float", "accumulated in f32")) << scalar.dump(2);
  EXPECT_TRUE(hasReason(scalar, "k_float", "accumulated in f32")) << scalar.dump(2);
  EXPECT_TRUE(hasReason(scalar, "c", "an inner loop of an OpenMP collapse")) << scalar.dump(2);
  EXPECT_TRUE(hasReason(scalar, "t", "an OpenMP loop")) << scalar.dump(2);
  // The option off: the int8 GEMM stays scalar.
  ast::Module gemm = test::parse("gemm.c", gemmSource());
  PassContext off;
  TensorizeOptions o;
  o.useDpbusd = false;
  ast::Module unchanged = tensorized(gemm, off, o);
  EXPECT_EQ(off.stats["loops_vectorized"], 0) << off.stats.dump(2);
  EXPECT_EQ(test::print(unchanged), test::print(gemm));
}

// The corpus' quantized GEMM, pass applied to the whole file, against the file unchanged.
TEST(Tensorize, CorpusInt8Gemm) {
  std::string file = std::string(XPILE_SOURCE_DIR) + "/corpus/matrix/gemm/gemm.c";
  ast::Module before = test::parse(file, readFile(file));
  PassContext ctx;
  ast::Module after = tensorized(before, ctx);
  std::string code = test::print(after);
  EXPECT_NE(code.find("_mm512_dpbusd_epi32"), std::string::npos) << code;
  for (const Shape &s : {Shape{3, 17, 5}, Shape{2, 16, 4}, Shape{1, 33, 67}, Shape{4, 1, 1}, Shape{5, 200, 37}}) {
    auto v = test::verifyEntry(before, after, "gemm_u8s8s32", gemmArgs(s, "u8", "i8", "zeros"), 0, 0);
    EXPECT_TRUE(v.pass) << s.m << "," << s.n << "," << s.k << ": " << v.message;
  }
}

}  // namespace
}  // namespace xpile::passes
