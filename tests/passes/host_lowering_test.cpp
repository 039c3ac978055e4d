// Host lowering: CUDA/HIP host code (kernels already recovered into host functions) becomes plain
// host code. Checked against hand-written expected code, by running before and after on the
// executors, and by compiling the C that host + C lowering make with gcc -std=c11 -Wall -Werror.
#include "passes/c_lowering.h"
#include "passes/host_lowering.h"
#include "passes/loop_recovery.h"
#include "tests/passes/pass_test_util.h"

#include "ast/visitor.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cctype>
#include <filesystem>
#include <functional>
#include <optional>
#include <fstream>
#include <set>
#include <sstream>

namespace xpile::passes::test {
// Defined in c_lowering_test.cpp: compiles C with gcc -std=c11 -Wall -Werror -c; "" on success.
std::string gccC11(const std::string &code, const std::string &extraFlags = "");
}  // namespace xpile::passes::test

namespace xpile::passes::test::corpus {

// Corpus helpers, shared with c_lowering_test.cpp (tools/xpile's manifest reader is not a library).
struct CorpusEntryArgs {
  std::string entry;
  std::vector<std::string> args;
  double rtol = -1, atol = -1;
};

std::vector<std::string> files(const std::string &ext) {
  std::vector<std::string> files;
  for (auto &e : std::filesystem::recursive_directory_iterator(std::string(XPILE_SOURCE_DIR) + "/corpus"))
    if (e.path().extension() == ext) files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

std::string read(const std::string &path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// `+ - * / ( )` over integers and the shape's variables (manifest counts such as "rows*cols").
std::optional<long long> evalCount(const std::string &text, const nlohmann::json &shape) {
  size_t i = 0;
  std::function<std::optional<long long>()> sum, product, atom;
  auto skip = [&] {
    while (i < text.size() && text[i] == ' ') ++i;
  };
  atom = [&]() -> std::optional<long long> {
    skip();
    if (i < text.size() && text[i] == '(') {
      ++i;
      auto v = sum();
      skip();
      if (i >= text.size() || text[i] != ')') return std::nullopt;
      ++i;
      return v;
    }
    size_t b = i;
    while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_')) ++i;
    std::string tok = text.substr(b, i - b);
    if (tok.empty()) return std::nullopt;
    if (std::isdigit(static_cast<unsigned char>(tok[0]))) return std::stoll(tok);
    if (!shape.contains(tok) || !shape[tok].is_number_integer()) return std::nullopt;
    return shape[tok].get<long long>();
  };
  product = [&]() -> std::optional<long long> {
    auto v = atom();
    for (skip(); v && i < text.size() && (text[i] == '*' || text[i] == '/'); skip()) {
      char op = text[i++];
      auto r = atom();
      if (!r || (op == '/' && *r == 0)) return std::nullopt;
      v = op == '*' ? *v * *r : *v / *r;
    }
    return v;
  };
  sum = [&]() -> std::optional<long long> {
    auto v = product();
    for (skip(); v && i < text.size() && (text[i] == '+' || text[i] == '-'); skip()) {
      char op = text[i++];
      auto r = product();
      if (!r) return std::nullopt;
      v = op == '+' ? *v + *r : *v - *r;
    }
    return v;
  };
  auto v = sum();
  skip();
  return i == text.size() ? v : std::nullopt;
}

std::string manifestEntryName(const std::string &dir) {
  auto manifest = nlohmann::json::parse(read(dir + "/manifest.json"));
  return manifest["entries"][0]["name"].get<std::string>();
}

std::optional<CorpusEntryArgs> smallestShapeArgs(const std::string &dir, const std::string &entryName) {
  auto manifest = nlohmann::json::parse(read(dir + "/manifest.json"));
  for (const auto &entry : manifest["entries"]) {
    if (entry["name"] != entryName) continue;
    std::optional<CorpusEntryArgs> best;
    long long bestElements = 0;
    for (const auto &shape : entry["shapes"]) {
      CorpusEntryArgs a;
      a.entry = entryName;
      long long elements = 0;
      bool ok = true;
      for (const auto &p : entry["params"]) {
        std::string type = p["type"], name = p["name"];
        if (p.contains("count")) {
          auto n = evalCount(p["count"].get<std::string>(), shape);
          if (!n) ok = false;
          elements += n.value_or(0);
          a.args.push_back(type + "[" + std::to_string(n.value_or(0)) + "]:" + (p["role"] == "out" ? "zeros" : "rand"));
        } else if (shape.contains(name)) {
          std::string v = shape[name].is_number_integer() ? std::to_string(shape[name].get<long long>()) : shape[name].dump();
          a.args.push_back(type + ":" + v);
        } else {
          ok = false;
        }
      }
      if (entry.contains("tolerance")) {
        a.rtol = entry["tolerance"].value("rtol", -1.0);
        a.atol = entry["tolerance"].value("atol", -1.0);
      }
      if (ok && (!best || elements < bestElements)) {
        best = a;
        bestElements = elements;
      }
    }
    if (best && bestElements <= (8ll << 20)) return best;
  }
  return std::nullopt;
}

}  // namespace xpile::passes::test::corpus

namespace xpile::passes {
namespace {

using namespace ast;
using test::gccC11;
using test::parse;
using test::print;
using test::verifyEntry;
using test::corpus::manifestEntryName;
using test::corpus::smallestShapeArgs;

std::string errors(const PassContext &ctx) {
  std::string s;
  for (const auto &d : ctx.diagnostics) s += d.loc.str() + ": " + severityName(d.severity) + ": " + d.message + "\n";
  return s;
}

Module lowered(const Module &in, Dialect target = Dialect::C) {
  Module m = in;
  PassContext ctx;
  HostLoweringOptions o;
  o.target = target;
  EXPECT_TRUE(lowerHostCode(m, o, ctx)) << errors(ctx);
  return m;
}

Module toC(const Module &in) {
  Module m = lowered(in);
  PassContext ctx;
  EXPECT_TRUE(lowerCxxToC(m, CLoweringOptions{}, ctx)) << errors(ctx);
  return m;
}

// CUDA host code as a real program has it, with what loop recovery makes of
// `scale_kernel<<<grid, block, 0, stream>>>(...)`: a host function taking the launch geometry.
const char *kScaleCu = R"(#include <cuda_runtime.h>
#include <cstdio>
#include <cstdlib>

#define CUDA_CHECK(expr)                                                   \
  do {                                                                     \
    cudaError_t err_ = (expr);                                             \
    if (err_ != cudaSuccess) {                                             \
      fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__, __LINE__, #expr, \
              cudaGetErrorString(err_));                                   \
      exit(EXIT_FAILURE);                                                  \
    }                                                                      \
  } while (0)

void scale_kernel(unsigned grid_x, unsigned grid_y, unsigned grid_z, unsigned block_x, unsigned block_y,
                  unsigned block_z, const float *x, float *y, float a, int n) {
  for (unsigned bx = 0; bx < grid_x; ++bx)
    for (unsigned tx = 0; tx < block_x; ++tx) {
      int i = bx * block_x + tx;
      if (i < n) y[i] = a * x[i];
    }
}

void scale(const float *x, float *y, int n) {
  float *d_x = nullptr, *d_y = nullptr;
  const size_t bytes = n * sizeof(float);
  cudaStream_t stream;
  CUDA_CHECK(cudaStreamCreate(&stream));
  cudaEvent_t start, stop;
  CUDA_CHECK(cudaEventCreate(&start));
  CUDA_CHECK(cudaEventCreate(&stop));
  CUDA_CHECK(cudaMalloc(&d_x, bytes));
  CUDA_CHECK(cudaMalloc((void **)&d_y, bytes));
  CUDA_CHECK(cudaMemset(d_y, 0, bytes));
  CUDA_CHECK(cudaMemcpyAsync(d_x, x, bytes, cudaMemcpyHostToDevice, stream));
  dim3 block(128);
  dim3 grid((n + block.x - 1) / block.x);
  CUDA_CHECK(cudaEventRecord(start, stream));
  scale_kernel(grid.x, grid.y, grid.z, block.x, block.y, block.z, d_x, d_y, 2.0f, n);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(cudaEventRecord(stop, stream));
  CUDA_CHECK(cudaEventSynchronize(stop));
  float ms = 0.0f;
  CUDA_CHECK(cudaEventElapsedTime(&ms, start, stop));
  if (ms < 0.0f) fprintf(stderr, "clock went backwards\n");
  CUDA_CHECK(cudaStreamSynchronize(stream));
  CUDA_CHECK(cudaMemcpy(y, d_y, bytes, cudaMemcpyDeviceToHost));
  CUDA_CHECK(cudaFree(d_x));
  CUDA_CHECK(cudaFree(d_y));
  CUDA_CHECK(cudaEventDestroy(start));
  CUDA_CHECK(cudaEventDestroy(stop));
  CUDA_CHECK(cudaStreamDestroy(stream));
}
)";

TEST(HostLowering, CudaRuntimeBecomesPlainHostCode) {
  Module m = lowered(parse("scale.cu", kScaleCu));
  EXPECT_EQ(m.dialect, Dialect::C);
  std::string got = print(m);
  // Written by hand from the source: checks fold away (every call succeeds), streams vanish,
  // events hold timespec_get times, dim3 is a struct, the CUDA_CHECK macro is gone.
  const char *expected = R"(#include <cstdio>
#include <cstdlib>
#include <string.h>
#include <time.h>

typedef struct {
  unsigned int x, y, z;
} dim3;

void scale_kernel(unsigned int grid_x, unsigned int grid_y, unsigned int grid_z,
                  unsigned int block_x, unsigned int block_y, unsigned int block_z, const float *x,
                  float *y, float a, int n) {
  for (unsigned int bx = 0; bx < grid_x; ++bx)
    for (unsigned int tx = 0; tx < block_x; ++tx) {
      int i = bx * block_x + tx;
      if (i < n)
        y[i] = a * x[i];
    }
}

void scale(const float *x, float *y, int n) {
  float *d_x = nullptr;
  float *d_y = nullptr;
  const size_t bytes = n * sizeof(float);
  struct timespec start;
  struct timespec stop;
  d_x = (float *)malloc(bytes);
  d_y = (float *)malloc(bytes);
  memset(d_y, 0, bytes);
  memcpy(d_x, x, bytes);
  dim3 block = {128, 1, 1};
  dim3 grid = {(n + block.x - 1) / block.x, 1, 1};
  timespec_get(&start, TIME_UTC);
  scale_kernel(grid.x, grid.y, grid.z, block.x, block.y, block.z, d_x, d_y, 2.0f, n);
  timespec_get(&stop, TIME_UTC);
  float ms = 0.0f;
  ms = (float)(stop.tv_sec - start.tv_sec) * 1000.0f +
       (float)(stop.tv_nsec - start.tv_nsec) / 1.0e6f;
  if (ms < 0.0f)
    fprintf(stderr, "clock went backwards\n");
  memcpy(y, d_y, bytes);
  free(d_x);
  free(d_y);
}
)";
  EXPECT_EQ(got, expected);
}

TEST(HostLowering, RecordsParamsAndStats) {
  Module m = parse("scale.cu", kScaleCu);
  PassContext ctx;
  ASSERT_TRUE(lowerHostCode(m, HostLoweringOptions{}, ctx)) << errors(ctx);
  EXPECT_EQ(ctx.params["host_lowering.target"], "c");
  EXPECT_EQ(ctx.params["host_lowering.warp_size"], 32);
  EXPECT_EQ(ctx.params["host_lowering.events"], "timespec_get");
  EXPECT_EQ(ctx.stats["host_lowering.allocations"], 2);
  EXPECT_EQ(ctx.stats["host_lowering.frees"], 2);
  EXPECT_EQ(ctx.stats["host_lowering.copies"], 2);
  EXPECT_EQ(ctx.stats["host_lowering.macros_dropped"], 1);
  EXPECT_EQ(ctx.stats["host_lowering.streams_removed"], 1);
}

TEST(HostLowering, SameResultsAsTheCudaProgram) {
  Module before = parse("scale.cu", kScaleCu);
  Module after = lowered(before);
  auto v = verifyEntry(before, after, "scale", {"f32[1000]:rand", "f32[1000]:zeros", "i32:1000"});
  EXPECT_TRUE(v.pass) << v.message;
}

TEST(HostLowering, ThenCLoweringCompilesWithGcc) {
  Module before = parse("scale.cu", kScaleCu);
  Module c = toC(before);
  std::string code = print(c);
  EXPECT_EQ(gccC11(code), "");
  auto v = verifyEntry(before, c, "scale", {"f32[1000]:rand", "f32[1000]:zeros", "i32:1000"});
  EXPECT_TRUE(v.pass) << v.message;
}

// HIP host code: device queries, 2-D copies, symbols, memset, pinned memory.
const char *kHip = R"(#include <hip/hip_runtime.h>
#include <cstdio>
#include <cstdlib>

#define HIP_CHECK(expr)                                                      \
  do {                                                                       \
    hipError_t err_ = (expr);                                                \
    if (err_ != hipSuccess) {                                                \
      fprintf(stderr, "%s failed: %s\n", #expr, hipGetErrorString(err_));    \
      exit(EXIT_FAILURE);                                                    \
    }                                                                        \
  } while (0)

__constant__ float c_bias[4];

__host__ __device__ float addBias(float v, int c) { return v + c_bias[c]; }

void bias_kernel(unsigned grid_x, unsigned grid_y, unsigned grid_z, unsigned block_x, unsigned block_y,
                 unsigned block_z, float *t, int rows, int cols, int pitch) {
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) t[r * pitch + c] = addBias(t[r * pitch + c], c % 4);
}

void add_bias(const float *in, const float *bias, float *out, int rows, int cols) {
  int device = 0, wave = 0;
  HIP_CHECK(hipGetDevice(&device));
  HIP_CHECK(hipDeviceGetAttribute(&wave, hipDeviceAttributeWarpSize, device));
  if (wave != 64) {
    fprintf(stderr, "needs wavefronts of 64\n");
    exit(EXIT_FAILURE);
  }
  float *h_stage = nullptr, *d_t = nullptr;
  HIP_CHECK(hipHostMalloc(&h_stage, rows * cols * sizeof(float)));
  HIP_CHECK(hipMemcpyToSymbol(c_bias, bias, 4 * sizeof(float)));
  const int pitch = cols + 3;
  HIP_CHECK(hipMalloc(&d_t, rows * pitch * sizeof(float)));
  HIP_CHECK(hipMemset(d_t, 0, rows * pitch * sizeof(float)));
  HIP_CHECK(hipMemcpy2D(d_t, pitch * sizeof(float), in, cols * sizeof(float), cols * sizeof(float), rows,
                        hipMemcpyHostToDevice));
  bias_kernel(1, 1, 1, 64, 1, 1, d_t, rows, cols, pitch);
  HIP_CHECK(hipPeekAtLastError());
  HIP_CHECK(hipDeviceSynchronize());
  HIP_CHECK(hipMemcpy2D(h_stage, cols * sizeof(float), d_t, pitch * sizeof(float), cols * sizeof(float), rows,
                        hipMemcpyDeviceToHost));
  HIP_CHECK(hipMemcpy(out, h_stage, rows * cols * sizeof(float), hipMemcpyHostToHost));
  HIP_CHECK(hipFree(d_t));
  HIP_CHECK(hipHostFree(h_stage));
}
)";

TEST(HostLowering, HipHostCodeRunsTheSame) {
  Module before = parse("bias.hip", kHip);
  PassContext ctx;
  Module after = before;
  ASSERT_TRUE(lowerHostCode(after, HostLoweringOptions{}, ctx)) << errors(ctx);
  EXPECT_EQ(ctx.params["host_lowering.warp_size"], 64);  // HIP's wavefront: the check above passes
  std::string code = print(after);
  EXPECT_NE(code.find("wave = 64;"), std::string::npos) << code;
  // `device` was only read by the dropped attribute query: it goes (gcc -Wall would complain).
  EXPECT_EQ(code.find("device"), std::string::npos) << code;
  EXPECT_NE(code.find("memcpy(&c_bias, bias, 4 * sizeof(float));"), std::string::npos) << code;
  EXPECT_NE(code.find("for (size_t row = 0; row < rows; ++row)"), std::string::npos) << code;
  EXPECT_EQ(code.find("hip"), std::string::npos) << code;
  auto v = verifyEntry(before, after, "add_bias",
                       {"f32[96]:rand", "f32[4]:rand", "f32[96]:zeros", "i32:8", "i32:12"});
  EXPECT_TRUE(v.pass) << v.message;

  Module c = after;
  PassContext cctx;
  ASSERT_TRUE(lowerCxxToC(c, CLoweringOptions{}, cctx)) << errors(cctx);
  EXPECT_EQ(gccC11(print(c)), "");
  auto vc = verifyEntry(before, c, "add_bias", {"f32[96]:rand", "f32[4]:rand", "f32[96]:zeros", "i32:8", "i32:12"});
  EXPECT_TRUE(vc.pass) << vc.message;
}

TEST(HostLowering, VnniTargetKeepsCxx) {
  Module m = lowered(parse("scale.cu", kScaleCu), Dialect::VNNI);
  EXPECT_EQ(m.dialect, Dialect::VNNI);
  EXPECT_TRUE(m.isCxx);
}

TEST(HostLowering, ErrorCheckNotFoldedWhenTheCodeIsStored) {
  // An error variable assigned twice is not a constant: the check stays, with a real string.
  Module m = lowered(parse("e.cu", R"(#include <cuda_runtime.h>
#include <cstdio>
int check(float *p, int n) {
  cudaError_t e = cudaMemset(p, 0, n);
  if (n > 4) e = cudaGetLastError();
  if (e != cudaSuccess) { printf("%s\n", cudaGetErrorString(e)); return 1; }
  return 0;
}
)"));
  std::string code = print(m);
  EXPECT_NE(code.find("int e = 0;"), std::string::npos) << code;
  EXPECT_NE(code.find("e == 0 ? \"no error\" : \"unknown error\""), std::string::npos) << code;
}

TEST(HostLowering, DevicePropertiesDescribeTheCpu) {
  const char *src = R"(#include <cuda_runtime.h>
void blocks_for(int *out, int n) {
  cudaDeviceProp prop;
  cudaGetDeviceProperties(&prop, 0);
  int per_block = prop.maxThreadsPerBlock < 256 ? prop.maxThreadsPerBlock : 256;
  out[0] = (n + per_block - 1) / per_block;
  out[1] = prop.warpSize;
  if (prop.multiProcessorCount < 1) out[1] = -1;  // device-dependent (the executor: its cores)
}
)";
  Module before = parse("prop.cu", src);
  Module c = toC(before);
  std::string code = print(c);
  EXPECT_NE(code.find("prop.warpSize = 32;"), std::string::npos) << code;
  EXPECT_NE(code.find("prop.multiProcessorCount = 1;"), std::string::npos) << code;  // one sequential CPU
  EXPECT_EQ(gccC11(code), "");
  auto v = verifyEntry(before, c, "blocks_for", {"i32[2]:zeros", "i32:1000"});
  EXPECT_TRUE(v.pass) << v.message;

  Module bad = parse("clock.cu", R"(#include <cuda_runtime.h>
int clock_rate() { cudaDeviceProp p; cudaGetDeviceProperties(&p, 0); return p.clockRate; }
)");
  PassContext ctx;
  EXPECT_FALSE(lowerHostCode(bad, HostLoweringOptions{}, ctx));
  ASSERT_FALSE(ctx.diagnostics.empty());
  EXPECT_EQ(ctx.diagnostics[0].loc.line, 2u);
  EXPECT_NE(ctx.diagnostics[0].message.find("clockRate"), std::string::npos);
}

// ---- The corpus ---------------------------------------------------------------------------------

// Loop recovery's contract without its work: each kernel becomes a bodiless host function
// `void K(unsigned grid_x, grid_y, grid_z, block_x, block_y, block_z, [size_t dynamic_shared_bytes,]
// params...)`, device helpers bodiless host functions, and each launch a call of K. The host code
// of every corpus file then goes through host and C lowering as it will behind real recovery.
void kernelsAsDeclarations(Module &m) {
  struct DynamicShared : IRVisitor {
    bool found = false;
    void visitAlloc(const Alloc &a) override { found |= a.isExtern && a.space == MemSpace::Shared; }
  };
  std::set<std::string> dynamic;
  // Device helpers are inlined or made host functions by recovery; host code never calls them.
  std::vector<TopLevel> items;
  for (auto &item : m.items) {
    auto *f = std::get_if<Function>(&item);
    if (!f || f->kind != FunctionKind::Device) items.push_back(item);
  }
  m.items = items;
  for (auto &item : m.items) {
    auto *f = std::get_if<Function>(&item);
    if (!f || f->kind == FunctionKind::Host) continue;
    if (f->kind == FunctionKind::Kernel) {
      DynamicShared d;
      d.visit(f->body);
      if (d.found) dynamic.insert(f->name);
      std::vector<Param> params;
      for (const char *n : {"grid_x", "grid_y", "grid_z", "block_x", "block_y", "block_z"})
        params.push_back({n, Type::scalarOf(ScalarType::U32)});
      if (d.found) {
        auto sizeT = std::make_shared<Type>(*Type::scalarOf(ScalarType::U64));
        sizeT->name = "size_t";
        params.push_back({"dynamic_shared_bytes", sizeT});
      }
      for (const auto &p : f->params) params.push_back(p);
      f->params = params;
    }
    f->kind = FunctionKind::Host;
    f->launchBounds.reset();
    f->body = nullptr;
  }
  struct Launches : IRMutator {
    std::set<std::string> dynamic;
    std::vector<ExprPtr> dims(const ExprPtr &e) {
      auto *c = e->as<Call>();
      if (c && c->callee == "dim3") {
        std::vector<ExprPtr> d = c->args;
        while (d.size() < 3) d.push_back(one());
        return d;
      }
      if (e->type && e->type->kind == Type::Kind::Named && e->type->name.find("dim3") != std::string::npos) {
        std::vector<ExprPtr> d;
        for (const char *f : {"x", "y", "z"}) {
          auto m = std::make_shared<Member>();
          m->base = e;
          m->field = f;
          m->type = Type::scalarOf(ScalarType::U32);
          d.push_back(m);
        }
        return d;
      }
      return {e, one(), one()};
    }
    static ExprPtr one() {
      auto l = std::make_shared<IntLit>();
      l->value = 1;
      l->type = Type::scalarOf(ScalarType::I32);
      return l;
    }
    StmtPtr visitLaunch(const Launch &l, const StmtPtr &) override {
      auto call = std::make_shared<Call>();
      call->loc = l.loc;
      call->callee = l.kernel;
      call->templateArgs = l.templateArgs;
      call->callKind = CallKind::User;
      for (auto &d : dims(l.config.grid)) call->args.push_back(mutate(d));
      for (auto &d : dims(l.config.block)) call->args.push_back(mutate(d));
      if (dynamic.count(l.kernel)) call->args.push_back(l.config.sharedBytes ? mutate(l.config.sharedBytes) : one());
      for (auto &a : l.args) call->args.push_back(mutate(a));
      auto e = std::make_shared<Eval>();
      e->loc = l.loc;
      e->value = call;
      return e;
    }
  } launches;
  launches.dynamic = dynamic;
  m = launches.mutate(m);
}

// Every corpus .cu and .hip: host code through host lowering and C lowering compiles as C11 with
// gcc -Wall -Werror, and no runtime name is left.
TEST(HostLowering, CorpusHostCodeBecomesC11) {
  std::vector<std::string> files = test::corpus::files(".cu");
  for (auto &f : test::corpus::files(".hip")) files.push_back(f);
  ASSERT_EQ(files.size(), 44u);
  int passed = 0;
  for (const auto &path : files) {
    SCOPED_TRACE(path);
    Module m = parse(path, test::corpus::read(path));
    kernelsAsDeclarations(m);
    PassContext ctx;
    if (!lowerHostCode(m, HostLoweringOptions{}, ctx)) {
      ADD_FAILURE() << errors(ctx);
      continue;
    }
    if (!lowerCxxToC(m, CLoweringOptions{}, ctx)) {
      ADD_FAILURE() << errors(ctx);
      continue;
    }
    std::string code = print(m);
    if (std::getenv("XPILE_DUMP_PRINTED")) std::printf("----- %s\n%s", path.c_str(), code.c_str());
    for (const char *api : {"cuda", "hip", "dim3("}) EXPECT_EQ(code.find(api), std::string::npos) << api << "\n" << code;
    std::string gcc = gccC11(code);
    EXPECT_EQ(gcc, "");
    passed += gcc.empty();
  }
  EXPECT_EQ(passed, 44);
}

// The real pipeline on the corpus: loop recovery, host lowering, C lowering. Files recovery
// refuses are skipped (its business); every file it recovers must come out as C11 that gcc
// accepts with -Wall -Werror and that computes what the original computes.

TEST(HostLowering, CorpusThroughLoopRecovery) {
  std::vector<std::string> files = test::corpus::files(".cu");
  for (auto &f : test::corpus::files(".hip")) files.push_back(f);
  std::string report;
  int recovered = 0, compiled = 0, verified = 0;
  for (const auto &path : files) {
    SCOPED_TRACE(path);
    Module original = parse(path, test::corpus::read(path));
    Module m = original;
    PassContext ctx;
    std::string name = std::filesystem::path(path).filename().string();
    if (!recoverLoops(m, LoopRecoveryOptions{}, ctx)) {
      report += name + ": loop recovery refused: " + (ctx.diagnostics.empty() ? "" : ctx.diagnostics[0].message) + "\n";
      continue;
    }
    ++recovered;
    Module recoveredModule = m;
    if (!lowerHostCode(m, HostLoweringOptions{}, ctx) || !lowerCxxToC(m, CLoweringOptions{}, ctx)) {
      ADD_FAILURE() << errors(ctx);
      report += name + ": FAILED host/C lowering\n";
      continue;
    }
    std::string code = print(m);
    if (std::getenv("XPILE_DUMP_PRINTED")) std::printf("----- %s\n%s", path.c_str(), code.c_str());
    std::string gcc = gccC11(code);
    EXPECT_EQ(gcc, "");
    if (!gcc.empty()) {
      report += name + ": FAILED gcc\n";
      continue;
    }
    ++compiled;
    std::string dir = std::filesystem::path(path).parent_path().string();
    auto args = smallestShapeArgs(dir, manifestEntryName(dir));
    if (!args) {
      report += name + ": compiles (shapes too large to verify here)\n";
      continue;
    }
    auto v = verifyEntry(recoveredModule, m, args->entry, args->args, args->rtol, args->atol);
    EXPECT_TRUE(v.pass) << v.message;
    report += name + (v.pass ? ": compiles, verified " : ": compiles, VERIFY FAILED ") + args->entry + "\n";
    verified += v.pass;
  }
  std::printf("%s%d recovered, %d compiled with gcc -std=c11, %d verified\n", report.c_str(), recovered, compiled,
              verified);
}

// ---- Errors ---------------------------------------------------------------------------------

TEST(HostLowering, RefusesKernelsAndLaunches) {
  Module m = parse("k.cu", R"(#include <cuda_runtime.h>
__global__ void k(float *p) { p[threadIdx.x] = 0; }
void host(float *p) { k<<<1, 32>>>(p); }
)");
  Module copy = m;
  PassContext ctx;
  EXPECT_FALSE(lowerHostCode(m, HostLoweringOptions{}, ctx));
  ASSERT_FALSE(ctx.diagnostics.empty());
  EXPECT_EQ(ctx.diagnostics[0].loc.line, 2u);
  EXPECT_NE(ctx.diagnostics[0].message.find("'k' is still a kernel"), std::string::npos);
  EXPECT_EQ(print(m), print(copy));  // unchanged on failure

  // The kernel recovered but the launch not: an error at the launch.
  Module l = parse("l.cu", R"(#include <cuda_runtime.h>
__global__ void k(float *p) { p[threadIdx.x] = 0; }
void host(float *p) { k<<<1, 32>>>(p); }
)");
  for (auto &item : l.items)
    if (auto *f = std::get_if<Function>(&item); f && f->name == "k") {
      f->kind = FunctionKind::Host;
      f->body = nullptr;
    }
  PassContext lctx;
  EXPECT_FALSE(lowerHostCode(l, HostLoweringOptions{}, lctx));
  ASSERT_FALSE(lctx.diagnostics.empty());
  EXPECT_EQ(lctx.diagnostics[0].loc.line, 3u);
  EXPECT_NE(lctx.diagnostics[0].message.find("launch of 'k'"), std::string::npos);
}

TEST(HostLowering, UnmappableApiIsAnErrorAtTheCall) {
  Module m = parse("g.cu", R"(#include <cuda_runtime.h>
void run(cudaGraphExec_t exec, cudaStream_t s) {
  cudaGraphLaunch(exec, s);
}
)");
  PassContext ctx;
  EXPECT_FALSE(lowerHostCode(m, HostLoweringOptions{}, ctx));
  bool atCall = false;
  for (const auto &d : ctx.diagnostics) atCall |= d.loc.line == 3 && d.message.find("cudaGraphLaunch") != std::string::npos;
  EXPECT_TRUE(atCall) << errors(ctx);
  bool atType = false;
  for (const auto &d : ctx.diagnostics) atType |= d.message.find("cudaGraphExec_t") != std::string::npos;
  EXPECT_TRUE(atType) << errors(ctx);
}

TEST(HostLowering, DeviceAttributeWithoutCpuMeaningIsAnError) {
  Module m = parse("a.cu", R"(#include <cuda_runtime.h>
int major() { int v = 0; cudaDeviceGetAttribute(&v, cudaDevAttrComputeCapabilityMajor, 0); return v; }
)");
  PassContext ctx;
  EXPECT_FALSE(lowerHostCode(m, HostLoweringOptions{}, ctx));
  ASSERT_FALSE(ctx.diagnostics.empty());
  EXPECT_EQ(ctx.diagnostics[0].loc.line, 2u);
  EXPECT_NE(ctx.diagnostics[0].message.find("cudaDevAttrComputeCapabilityMajor"), std::string::npos);
}

TEST(HostLowering, WrongTargetOrSourceIsAnError) {
  Module m = parse("scale.cu", kScaleCu);
  PassContext ctx;
  HostLoweringOptions o;
  o.target = Dialect::HIP;
  EXPECT_FALSE(lowerHostCode(m, o, ctx));
  Module c = parse("x.c", "int f(int a) { return a; }\n");
  PassContext cctx;
  EXPECT_FALSE(lowerHostCode(c, HostLoweringOptions{}, cctx));
}

// dim3 values built from int expressions: C++ forbids narrowing int to unsigned in a braced list,
// so `(dim3){rows / 4, 2, 1}` would not compile as C++ (the VNNI target keeps C++); the fields are
// cast the way dim3's constructor converts them.
TEST(HostLowering, Dim3FromIntsCompilesAsCxx) {
  const char *src = R"(#include <cuda_runtime.h>
void k(unsigned grid_x, unsigned grid_y, unsigned grid_z, unsigned block_x, unsigned block_y, unsigned block_z,
       float *y, int rows) {
  for (unsigned b = 0; b < grid_x * grid_y; ++b) y[b % rows] = (float)block_x;
}
void run(float *y, int rows) {
  dim3 grid(rows / 4, 2);
  const dim3 block = dim3(rows % 32 + 1);
  k(grid.x, grid.y, grid.z, block.x, block.y, block.z, y, rows);
}
)";
  Module m = lowered(test::parse("dims.cu", src), Dialect::VNNI);
  std::string code = test::print(m);
  EXPECT_NE(code.find("(unsigned int)(rows / 4)"), std::string::npos) << code;
  if (std::system("g++ --version > /dev/null 2>&1") != 0) GTEST_SKIP() << "g++ not found";
  std::string path = ::testing::TempDir() + "xpile_dim3_cxx.cpp";
  std::ofstream(path) << code;
  EXPECT_EQ(std::system(("g++ -std=c++17 -fsyntax-only -Werror=narrowing " + path + " 2>&1").c_str()), 0) << code;
}

// __dp4a becomes plain C: c plus the four byte products, signed bytes for int operands and
// unsigned bytes for unsigned ones. Known answers by hand, then the whole program against the
// recovered one on the executors (random words and edge values).
TEST(HostLowering, Dp4aBecomesBytewiseProducts) {
  const char *src = R"(#include <cuda_runtime.h>
__global__ void dots(const int *a, const int *b, int *out, const unsigned *ua, const unsigned *ub, unsigned *uout) {
  int i = threadIdx.x;
  out[i] = __dp4a(a[i], b[i], i);
  uout[i] = __dp4a(ua[i], ub[i], 7u);
}
)";
  Module m = test::parse("dots.cu", src);
  PassContext ctx;
  ASSERT_TRUE(recoverLoops(m, LoopRecoveryOptions{}, ctx)) << errors(ctx);
  Module recovered = m;
  ASSERT_TRUE(lowerHostCode(m, HostLoweringOptions{}, ctx) && lowerCxxToC(m, CLoweringOptions{}, ctx)) << errors(ctx);
  std::string code = print(m);
  EXPECT_EQ(code.find("__dp4a"), std::string::npos) << code;
  EXPECT_EQ(gccC11(code), "");

  // 0x80FF0102 has the bytes (low first) 2, 1, -1, -128; 0x7F020304 has 4, 3, 2, 127:
  // 8 + 3 - 2 - 16256 = -16247. Unsigned: 2*4 + 1*3 + 255*2 + 128*127 = 16777.
  if (std::system("gcc --version > /dev/null 2>&1") != 0) GTEST_SKIP() << "gcc not found";
  std::string dir = ::testing::TempDir();
  std::ofstream(dir + "xpile_dp4a.c") << code;
  std::ofstream(dir + "xpile_dp4a_main.c")
      << "#include <stdio.h>\n"
         "void dots(unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, const int *, const int *, int *,\n"
         "          const unsigned *, const unsigned *, unsigned *);\n"
         "int main(void) {\n"
         "  int a[2] = {(int)0x80FF0102u, -1}, b[2] = {0x7F020304, -1}, out[2];\n"
         "  unsigned ua[2] = {0x80FF0102u, 0xFFFFFFFFu}, ub[2] = {0x7F020304u, 0xFFFFFFFFu}, uout[2];\n"
         "  dots(1, 1, 1, 2, 1, 1, a, b, out, ua, ub, uout);\n"
         "  printf(\"%d %d %u %u\\n\", out[0], out[1], uout[0], uout[1]);\n"
         "  return 0;\n"
         "}\n";
  std::string exe = dir + "xpile_dp4a";
  ASSERT_EQ(std::system(("gcc -std=c11 -o " + exe + " " + dir + "xpile_dp4a.c " + dir + "xpile_dp4a_main.c").c_str()), 0);
  FILE *p = popen(exe.c_str(), "r");
  ASSERT_NE(p, nullptr);
  char line[128] = {};
  ASSERT_NE(fgets(line, sizeof line, p), nullptr);
  pclose(p);
  // Second element: (-1)(-1) four times + 1 = 5; unsigned 255 * 255 * 4 + 7 = 260107.
  EXPECT_STREQ(line, "-16247 5 16784 260107\n");

  auto v = verifyEntry(recovered, m, "dots",
                       {"u32:1", "u32:1", "u32:1", "u32:64", "u32:1", "u32:1", "i32[64]:rand", "i32[64]:rand:2",
                        "i32[64]:zeros", "u32[64]:rand:3", "u32[64]:rand:4", "u32[64]:zeros"});
  EXPECT_TRUE(v.pass) << v.message;
}

}  // namespace
}  // namespace xpile::passes

namespace xpile::passes {
namespace {

// What the GPU headers supplied implicitly must be explicit on the CPU: math functions device code
// called get <math.h>, and `using namespace nvcuda;` (wmma's namespace, whose fragments loop
// recovery already lowered) goes. The result runs like the source.
TEST(HostLowering, GpuHeaderImplicitsMadeExplicit) {
  Module before = parse("fma.cu", R"(#include <cuda_runtime.h>
#include <mma.h>
using namespace nvcuda;
void axpb(const float *x, float *y, int n) {
  for (int i = 0; i < n; ++i) y[i] = fmaf(2.0f, x[i], 1.0f);
}
)");
  PassContext ctx;
  Module after = before;
  ASSERT_TRUE(lowerHostCode(after, HostLoweringOptions{}, ctx)) << errors(ctx);
  std::string code = print(after);
  EXPECT_NE(code.find("#include <math.h>"), std::string::npos) << code;
  EXPECT_EQ(code.find("nvcuda"), std::string::npos) << code;
  EXPECT_EQ(ctx.stats["host_lowering.device_namespaces_dropped"], 1);
  auto v = verifyEntry(before, after, "axpb", {"f32[100]:rand", "f32[100]:zeros", "i32:100"});
  EXPECT_TRUE(v.pass) << v.message;
}

}  // namespace
}  // namespace xpile::passes
