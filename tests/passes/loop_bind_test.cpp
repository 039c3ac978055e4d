// Loop bind: C entries become CUDA/HIP host code + kernels, or OpenMP loops; verified by running
// the C module and the bound module on the executors with identical inputs.
#include "passes/loop_bind.h"
#include "passes/bind_builders.h"
#include "passes/loop_recovery.h"

#include "tests/passes/pass_test_util.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>

namespace xpile::passes {
namespace {

using test::parse;
using test::print;
using test::verifyEntry;

ast::Module bound(const ast::Module &c, ast::Dialect target, PassContext &ctx, LoopBindOptions o = {}) {
  ast::Module m = c;
  o.target = target;
  EXPECT_TRUE(bindLoops(m, o, ctx)) << (ctx.diagnostics.empty() ? "" : ctx.diagnostics[0].message);
  return m;
}

TEST(LoopBind, ElementwiseToCuda) {
  auto c = parse("gelu.c", R"(#include <math.h>
void gelu_f32(const float *x, float *y, int n) {
  for (int i = 0; i < n; ++i) {
    y[i] = 0.5f * x[i] * (1.0f + erff(x[i] * 0.70710678118654752f));
  }
}
)");
  PassContext ctx;
  auto m = bound(c, ast::Dialect::CUDA, ctx);
  std::string code = print(m);
  EXPECT_NE(code.find("__global__ void gelu_f32_kernel(const float *x, float *y, int n)"), std::string::npos) << code;
  EXPECT_NE(code.find("int i = blockIdx.x * blockDim.x + threadIdx.x;"), std::string::npos) << code;
  EXPECT_NE(code.find("gelu_f32_kernel<<<(n + 255) / 256, 256>>>(d_x, d_y, n);"), std::string::npos) << code;
  // y is written densely by the kernel and never read: no copy in.
  EXPECT_EQ(code.find("cudaMemcpy(d_y, y"), std::string::npos) << code;
  auto v = verifyEntry(c, m, "gelu_f32", {"f32[1000]:rand", "f32[1000]:zeros", "i32:1000"});
  EXPECT_TRUE(v.pass) << v.message;
}

const char *kGemm = R"(void gemm(const float *A, const float *B, float *C, int M, int N, int K) {
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j) {
      float acc = 0.0f;
      for (int k = 0; k < K; ++k)
        acc += A[i * K + k] * B[k * N + j];
      C[i * N + j] = acc;
    }
}
)";

TEST(LoopBind, GemmTwoDimensionalGrid) {
  auto c = parse("gemm.c", kGemm);
  PassContext ctx;
  auto m = bound(c, ast::Dialect::CUDA, ctx);
  std::string code = print(m);
  std::cout << code;
  // j (contiguous in C and B) on x, i on y; the k reduction stays sequential in each thread.
  EXPECT_NE(code.find("int j = blockIdx.x * blockDim.x + threadIdx.x;"), std::string::npos) << code;
  EXPECT_NE(code.find("int i = blockIdx.y * blockDim.y + threadIdx.y;"), std::string::npos) << code;
  EXPECT_NE(code.find("if (i < M && j < N)"), std::string::npos) << code;
  EXPECT_NE(code.find("<<<dim3((N + 31) / 32, (M + 7) / 8), dim3(32, 8)>>>"), std::string::npos) << code;
  EXPECT_NE(code.find("const size_t A_bytes = (size_t)(K * M) * sizeof(float);"), std::string::npos) << code;
  EXPECT_NE(code.find("cudaMalloc(&d_A, A_bytes);"), std::string::npos) << code;
  EXPECT_EQ(ctx.params["loop_bind.block_x"], 32);
  EXPECT_EQ(ctx.stats["loop_bind.kernels"], 1);
  auto v = verifyEntry(c, m, "gemm", {"f32[665]:rand", "f32[760]:rand", "f32[1400]:zeros", "i32:35", "i32:40", "i32:19"});
  EXPECT_TRUE(v.pass) << v.message;
}

TEST(LoopBind, GemmHipAndThreeAxes) {
  auto c = parse("gemm.c", kGemm);
  PassContext ctx;
  LoopBindOptions o;
  o.blockSize = 128;
  auto m = bound(c, ast::Dialect::HIP, ctx, o);
  std::string code = print(m);
  EXPECT_NE(code.find("hipMalloc(&d_A"), std::string::npos) << code;
  EXPECT_NE(code.find("hipMemcpy(C, d_C"), std::string::npos) << code;
  auto v = verifyEntry(c, m, "gemm", {"f32[297]:rand", "f32[153]:rand", "f32[561]:zeros", "i32:33", "i32:17", "i32:9"});
  EXPECT_TRUE(v.pass) << v.message;
}

TEST(LoopBind, SequentialHostLoopAroundKernels) {
  // The outer loop carries a dependence through y; the inner loop is parallel: one launch per
  // row, in order, on device buffers that stay resident between the launches.
  auto c = parse("scan.c", R"(void rows(float *y, int rows, int cols) {
  for (int r = 1; r < rows; ++r) {
    for (int c = 0; c < cols; ++c)
      y[r * cols + c] += y[(r - 1) * cols + c];
  }
}
)");
  PassContext ctx;
  auto m = bound(c, ast::Dialect::CUDA, ctx);
  std::string code = print(m);
  EXPECT_NE(code.find("for (int r = 1; r < rows; ++r)"), std::string::npos) << code;
  EXPECT_GE(ctx.stats["loop_bind.sequential_host_loops"].get<int>(), 1);
  auto v = verifyEntry(c, m, "rows", {"f32[315]:rand", "i32:7", "i32:45"});
  EXPECT_TRUE(v.pass) << v.message;
}

// OpenMP loops as the VNNI -> GPU route brings them: loop recovery makes them sequential loops
// marked independent.
ast::Module recovered(const ast::Module &m) {
  ast::Module r = m;
  PassContext ctx;
  EXPECT_TRUE(recoverLoops(r, {}, ctx));
  return r;
}

TEST(LoopBind, ScratchBufferAllocatedByTheEntry) {
  // The entry packs x into a buffer it allocates itself (conv2d_nhwc.cpp packs its weights so),
  // then a second nest reads it directly and through a pointer computed before the nest. The
  // second nest runs on a device twin of the buffer; the packing, which writes it, stays on the
  // host.
  auto c = parse("pack.c", R"(#include <stdlib.h>
#include <string.h>
void pack_pairs(const float *x, float *y, int rows, int cols) {
  const size_t count = (size_t)rows * cols;
  float *t = (float *)malloc(count * sizeof(float));
  memset(t, 0, count * sizeof(float));
#pragma omp parallel for
  for (int c = 0; c < cols; ++c)
    for (int r = 0; r < rows; ++r)
      t[c * rows + r] = x[r * cols + c];
  const float *next = t + 1;
#pragma omp parallel for
  for (int i = 0; i < rows * cols - 1; ++i)
    y[i] = t[i] - next[i];
  free(t);
}
)");
  PassContext ctx;
  auto m = bound(recovered(c), ast::Dialect::CUDA, ctx);
  std::string code = print(m);
  EXPECT_EQ(ctx.stats["loop_bind.kernels"], 1) << code;
  bool noted = false;
  for (auto &d : ctx.diagnostics)
    noted |= d.message == "loop over 'c' stays on the host: it writes 't', which 'pack_pairs' allocates (its "
                          "iterations may share it as scratch)";
  EXPECT_TRUE(noted);
  // The twin has the allocation's size, lives as long as the host buffer, and is copied in before
  // the launch (never back: kernels only read it); the derived pointer is passed rebased onto it.
  EXPECT_NE(code.find("const size_t t_bytes = count * sizeof(float);\n"
                      "  float *d_t = nullptr;\n"
                      "  cudaMalloc(&d_t, t_bytes);"),
            std::string::npos)
      << code;
  EXPECT_NE(code.find("cudaFree(d_t);\n  free(t);"), std::string::npos) << code;
  EXPECT_NE(code.find("cudaMemcpy(d_t, t, t_bytes, cudaMemcpyHostToDevice);"), std::string::npos) << code;
  EXPECT_EQ(code.find("cudaMemcpy(t, d_t"), std::string::npos) << code;
  EXPECT_NE(code.find("d_t + 1"), std::string::npos) << code;
  auto v = verifyEntry(c, m, "pack_pairs", {"f32[1147]:rand", "f32[1147]:zeros", "i32:31", "i32:37"});
  EXPECT_TRUE(v.pass) << v.message;
}

TEST(LoopBind, ScratchSharedByIterationsStaysOnHost) {
  // The shape loop recovery gives a block's dynamic shared memory: one buffer allocated before the
  // (independent) block loop and reused by every block. Bound to GPU threads the blocks would share
  // it; the fiber executor, running each thread to completion, would not show the race.
  auto c = parse("blocks.c", R"(#include <stdlib.h>
void reverse_blocks(const float *x, float *y, int blocks, int bs) {
  unsigned char *dynamic_shared = (unsigned char *)malloc((size_t)bs * sizeof(float));
  float *smem = (float *)dynamic_shared;
#pragma omp parallel for
  for (int b = 0; b < blocks; ++b) {
    float *s = smem;
    for (int t = 0; t < bs; ++t)
      s[t] = x[b * bs + t];
    for (int t = 0; t < bs; ++t)
      y[b * bs + t] = s[bs - 1 - t];
  }
  free(dynamic_shared);
}
)");
  PassContext ctx;
  auto m = bound(recovered(c), ast::Dialect::CUDA, ctx);
  EXPECT_EQ(ctx.stats["loop_bind.kernels"], 0) << print(m);
  bool noted = false;
  for (auto &d : ctx.diagnostics) noted |= d.message.find("it writes 'dynamic_shared'") != std::string::npos;
  EXPECT_TRUE(noted);
  auto v = verifyEntry(c, m, "reverse_blocks", {"f32[640]:rand", "f32[640]:zeros", "i32:10", "i32:64"});
  EXPECT_TRUE(v.pass) << v.message;
}

TEST(LoopBind, AllocationIsNotAPointerDerivedFromParameters) {
  // A buffer allocated inside a loop has no twin: the nests using it stay on the host (they used
  // to be outlined, the allocation taken for an offset into a parameter, and loop bind failed).
  auto c = parse("inner.c", R"(#include <stdlib.h>
void scaled(const float *x, float *y, int n, int reps) {
  for (int k = 0; k < reps; ++k) {
    float *t = (float *)malloc((size_t)n * sizeof(float));
#pragma omp parallel for
    for (int i = 0; i < n; ++i)
      t[i] = x[i] * (float)(k + 1);
#pragma omp parallel for
    for (int i = 0; i < n; ++i)
      y[i] += t[i];
    free(t);
  }
}
)");
  PassContext ctx;
  auto m = bound(recovered(c), ast::Dialect::CUDA, ctx);
  bool noted = false;
  for (auto &d : ctx.diagnostics) noted |= d.message.find("uses the host pointer 't'") != std::string::npos;
  EXPECT_TRUE(noted);
  auto v = verifyEntry(c, m, "scaled", {"f32[300]:rand", "f32[300]:rand", "i32:300", "i32:3"});
  EXPECT_TRUE(v.pass) << v.message;
}

TEST(LoopBind, PerThreadArraysLargerThanTheDefaultStack) {
  // 96 KiB of scratch per iteration, as loop recovery leaves per-thread arrays of a block: on the
  // device it is each thread's local memory (CUDA allows 512 KiB), so the executor must give the
  // kernel's threads stacks that large (the softmax hip->cuda route crashed on this).
  auto c = parse("rows.c", R"(void weigh_rows(const float *x, float *y, int rows, int cols) {
  for (int r = 0; r < rows; ++r) {
    float v[1024][24];
    for (int t = 0; t < 1024; ++t)
      for (int k = 0; k < 24; ++k)
        v[t][k] = (float)(k - t % 3);
    for (int c = 0; c < cols; ++c)
      v[c % 1024][c % 24] += x[r * cols + c];
    float s = 0.0f;
    for (int t = 0; t < 1024; ++t)
      for (int k = 0; k < 24; ++k)
        s += v[t][k];
    for (int c = 0; c < cols; ++c)
      y[r * cols + c] = x[r * cols + c] * s;
  }
}
)");
  PassContext ctx;
  auto m = bound(c, ast::Dialect::CUDA, ctx);
  EXPECT_EQ(ctx.stats["loop_bind.kernels"], 1);
  auto v = verifyEntry(c, m, "weigh_rows", {"f32[6000]:rand", "f32[6000]:zeros", "i32:20", "i32:300"});
  EXPECT_TRUE(v.pass) << v.message;
}

TEST(LoopBind, VnniOuterLoopOnly) {
  auto c = parse("gemm.c", kGemm);
  PassContext ctx;
  auto m = bound(c, ast::Dialect::VNNI, ctx);
  std::string code = print(m);
  EXPECT_EQ(m.dialect, ast::Dialect::VNNI);
  // One parallel region, on i; j and k stay serial inside it.
  size_t first = code.find("#pragma omp parallel for schedule(static)");
  EXPECT_NE(first, std::string::npos) << code;
  EXPECT_EQ(code.find("#pragma omp parallel", first + 1), std::string::npos) << code;
  auto v = verifyEntry(c, m, "gemm", {"f32[665]:rand", "f32[760]:rand", "f32[1400]:zeros", "i32:35", "i32:40", "i32:19"});
  EXPECT_TRUE(v.pass) << v.message;
}

TEST(LoopBind, VnniKeepsDependentLoopSerial) {
  auto c = parse("prefix.c", "void prefix(float *y, int n) { for (int i = 1; i < n; ++i) y[i] += y[i - 1]; }\n");
  PassContext ctx;
  auto m = bound(c, ast::Dialect::VNNI, ctx);
  EXPECT_EQ(print(m).find("#pragma omp"), std::string::npos);
  EXPECT_EQ(ctx.stats["loop_bind.parallel_loops"], 0);
}

TEST(LoopBind, UnsizableBufferIsAnError) {
  // The loop is parallel (only y[i] is written) but x[i * i] is not monotone-analysable here.
  auto c = parse("square.c", R"(void square(const float *x, float *y, int n) {
  for (int i = 0; i < n; ++i)
    y[i] = x[i * i];
}
)");
  ast::Module m = c;
  PassContext ctx;
  EXPECT_FALSE(bindLoops(m, {}, ctx));
  ASSERT_TRUE(ctx.hasErrors());
  bool found = false;
  for (auto &d : ctx.diagnostics)
    if (d.severity == Severity::Error) {
      found |= d.message == "cannot determine how many elements of 'x' are accessed; give its element count "
                            "with --extent square:x=EXPR";
      EXPECT_EQ(d.loc.line, 3) << d.message;
    }
  EXPECT_TRUE(found);
  EXPECT_EQ(m.dialect, ast::Dialect::C);  // unchanged

  // The user's count (n * n elements, as --extent gives it) sizes the device copy of x.
  LoopBindOptions given;
  given.givenExtents["square"]["x"] =
      build::binary(ast::BinaryOp::Mul, build::var("n", build::i32()), build::var("n", build::i32()));
  ast::Module bound = c;
  PassContext ctx2;
  ASSERT_TRUE(bindLoops(bound, given, ctx2));
  EXPECT_EQ(ctx2.stats["given_extents"]["square:x"], "(n * n)");
  std::string code = test::print(bound);
  EXPECT_NE(code.find("(size_t)(n * n) * sizeof(float)"), std::string::npos) << code;
  auto v = verifyEntry(c, bound, "square", {"f32[144]:rand", "f32[12]:zeros", "i32:12"});
  EXPECT_TRUE(v.pass) << v.message;
}

TEST(LoopBind, ScatterStaysOnHost) {
  // y[idx[i]] may write one element from two iterations: not parallel, so nothing is outlined.
  auto c = parse("scatter.c", R"(void scatter(const int *idx, float *y, int n) {
  for (int i = 0; i < n; ++i)
    y[idx[i]] = 1.0f;
}
)");
  PassContext ctx;
  auto m = bound(c, ast::Dialect::CUDA, ctx);
  EXPECT_EQ(ctx.stats["loop_bind.kernels"], 0);
  bool noted = false;
  for (auto &d : ctx.diagnostics) noted |= d.message.find("may access the same element of 'y'") != std::string::npos;
  EXPECT_TRUE(noted);
}

TEST(LoopBind, RejectsNonCModulesAndTargets) {
  auto cu = parse("k.cu", "__global__ void k(float *y) { y[threadIdx.x] = 0; }\n");
  PassContext ctx;
  EXPECT_FALSE(bindLoops(cu, {}, ctx));
  auto c = parse("a.c", "void f(float *y, int n) { for (int i = 0; i < n; ++i) y[i] = 0; }\n");
  PassContext ctx2;
  LoopBindOptions o;
  o.target = ast::Dialect::BANG;
  EXPECT_FALSE(bindLoops(c, o, ctx2));
}

// ---------------------------------------------------------------------------------------------
// Every entry of every corpus C reference, bound for CUDA, HIP and VNNI, verified against the C
// reference on the smallest shape of its manifest; printed CUDA/HIP compiled with nvcc/hipcc when
// present. XPILE_BIND_CORPUS_ONLY=<operator> restricts it; the table goes to stdout.
namespace fs = std::filesystem;

long long evalCount(const std::string &s, size_t &i, const nlohmann::json &shape) {
  auto skip = [&] { while (i < s.size() && s[i] == ' ') ++i; };
  std::function<long long()> atom = [&]() -> long long {
    skip();
    if (s[i] == '(') {
      ++i;
      long long v = evalCount(s, i, shape);
      skip();
      ++i;
      return v;
    }
    size_t j = i;
    while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_')) ++j;
    std::string tok = s.substr(i, j - i);
    i = j;
    return std::isdigit(static_cast<unsigned char>(tok[0])) ? std::stoll(tok) : shape.at(tok).get<long long>();
  };
  auto term = [&]() {
    long long v = atom();
    for (skip(); i < s.size() && (s[i] == '*' || s[i] == '/'); skip()) {
      char op = s[i++];
      long long r = atom();
      v = op == '*' ? v * r : v / r;
    }
    return v;
  };
  long long v = term();
  for (skip(); i < s.size() && (s[i] == '+' || s[i] == '-'); skip()) {
    char op = s[i++];
    long long r = term();
    v = op == '+' ? v + r : v - r;
  }
  return v;
}

std::string readFile(const std::string &path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The --arg list of an entry on its smallest shape (fewest tensor elements).
std::vector<std::string> smallestArgs(const nlohmann::json &entry) {
  std::vector<std::string> best;
  long long bestSize = -1;
  for (auto &shape : entry.at("shapes")) {
    std::vector<std::string> args;
    long long total = 0;
    for (auto &p : entry.at("params")) {
      std::string type = p.at("type");
      if (p.contains("count")) {
        size_t i = 0;
        long long n = evalCount(p.at("count").get<std::string>(), i, shape);
        total += n;
        args.push_back(type + "[" + std::to_string(n) + "]:" + (p.value("role", "") == "out" ? "zeros" : "rand"));
      } else {
        std::string name = p.at("name");
        std::string v = p.contains("value") ? p.at("value").dump() : shape.at(name).dump();
        if (!v.empty() && v.front() == '"') v = v.substr(1, v.size() - 2);
        args.push_back(type + ":" + v);
      }
    }
    if (bestSize < 0 || total < bestSize) best = args, bestSize = total;
  }
  return best;
}

bool have(const char *tool) { return std::system((std::string("command -v ") + tool + " >/dev/null 2>&1").c_str()) == 0; }

// Compiles printed code with a real toolchain; "" when it compiles, else the log's head.
std::string compiles(const std::string &code, const std::string &ext, const std::string &compiler) {
  fs::path dir = fs::temp_directory_path() / ("xpile-bind-cc-" + std::to_string(getpid()));
  fs::create_directories(dir);
  fs::path src = dir / ("k" + ext), log = dir / "log";
  std::ofstream(src) << code;
  std::string cmd = compiler + " -c " + src.string() + " -o " + (dir / "k.o").string() + " >" + log.string() + " 2>&1";
  int rc = std::system(cmd.c_str());
  std::string out = rc == 0 ? "" : readFile(log.string()).substr(0, 600);
  fs::remove_all(dir);
  return out;
}

// Prints the bound form of one file (XPILE_BIND_PRINT=path, XPILE_BIND_TARGET=cuda|hip|vnni), with
// the pass's diagnostics: a tool for reading what the pass produces.
TEST(LoopBind, PrintFile) {
  const char *path = std::getenv("XPILE_BIND_PRINT");
  if (!path) GTEST_SKIP() << "set XPILE_BIND_PRINT";
  const char *t = std::getenv("XPILE_BIND_TARGET");
  ast::Module m = parse(fs::path(path).filename().string(), readFile(path));
  PassContext ctx;
  LoopBindOptions o;
  o.target = ast::dialectFromName(t ? t : "cuda").value_or(ast::Dialect::CUDA);
  bool ok = bindLoops(m, o, ctx);
  for (auto &d : ctx.diagnostics) std::cout << d.loc.str() << ": " << severityName(d.severity) << ": " << d.message << "\n";
  std::cout << "params " << ctx.params.dump() << "\nstats " << ctx.stats.dump() << "\n";
  if (ok) std::cout << print(m);
}

TEST(LoopBind, CorpusAllTargets) {
  const char *only = std::getenv("XPILE_BIND_CORPUS_ONLY");
  bool nvcc = have("nvcc"), hipcc = have("hipcc");
  std::vector<std::string> table;
  int failures = 0;
  std::vector<fs::path> manifests;
  for (auto &p : fs::recursive_directory_iterator(fs::path(XPILE_SOURCE_DIR) / "corpus"))
    if (p.path().filename() == "manifest.json") manifests.push_back(p.path());
  std::sort(manifests.begin(), manifests.end());
  for (auto &mf : manifests) {
    auto manifest = nlohmann::json::parse(readFile(mf.string()));
    std::string op = manifest.at("operator");
    if (only && op != only) continue;
    std::string file = manifest.at("files").at("c");
    ast::Module c = parse(file, readFile((mf.parent_path() / file).string()));
    for (auto &entry : manifest.at("entries")) {
      std::string name = entry.at("name");
      auto args = smallestArgs(entry);
      double rtol = entry.contains("tolerance") ? entry["tolerance"].value("rtol", -1.0) : -1;
      double atol = entry.contains("tolerance") ? entry["tolerance"].value("atol", -1.0) : -1;
      for (ast::Dialect target : {ast::Dialect::CUDA, ast::Dialect::HIP, ast::Dialect::VNNI}) {
        ast::Module m = c;
        PassContext ctx;
        LoopBindOptions o;
        o.target = target;
        std::string row = op + " " + name + " " + ast::dialectName(target) + ": ";
        if (!bindLoops(m, o, ctx)) {
          std::string why;
          for (auto &d : ctx.diagnostics)
            if (d.severity == Severity::Error) why = d.loc.str() + ": " + d.message;
          table.push_back(row + "REFUSED " + why);
          ++failures;
          continue;
        }
        auto v = verifyEntry(c, m, name, args, rtol, atol);
        row += v.pass ? "verified" : "FAILED " + v.message.substr(0, 300);
        failures += !v.pass;
        std::string code = print(m);
        if (target == ast::Dialect::CUDA && nvcc) {
          std::string err = compiles(code, ".cu", "nvcc -arch=sm_80");
          row += err.empty() ? ", nvcc ok" : ", nvcc FAILED " + err;
          failures += !err.empty();
        }
        if (target == ast::Dialect::HIP && hipcc) {
          std::string err = compiles(code, ".hip", "hipcc --offload-arch=gfx90a");
          row += err.empty() ? ", hipcc ok" : ", hipcc FAILED " + err;
          failures += !err.empty();
        }
        row += " (kernels " + ctx.stats.value("loop_bind.kernels", nlohmann::json(0)).dump() + ", parallel loops " +
               ctx.stats.value("loop_bind.parallel_loops", nlohmann::json(0)).dump() + ")";
        table.push_back(row);
        std::cout << row << std::endl;
      }
    }
  }
  for (auto &r : table) std::cout << r << "\n";
  if (const char *out = std::getenv("XPILE_BIND_CORPUS_TABLE")) {
    std::ofstream f(out);
    for (auto &r : table) f << r << "\n";
  }
  EXPECT_EQ(failures, 0);
}

}  // namespace
}  // namespace xpile::passes
