// mapRuntimeApi: the generated table against the real headers and the preludes, renaming on
// hand-written snippets (expected code written by hand), errors, and verification by execution.
#include "passes/matrix_core_mapping.h"
#include "passes/runtime_api_mapping.h"
#include "passes/warp_size_portability.h"
#include "tests/passes/pass_test_util.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <set>
#include <sstream>

namespace xpile::passes {

// Shared with the other CUDA<->HIP pass tests (declared there): compiles `code` with the target's
// real compiler (hipcc --offload-arch=gfx90a / nvcc -arch=sm_80), skipping when it is absent.
namespace hiptest {
std::string compileError(const std::string &code, ast::Dialect d) {
  const bool hip = d == ast::Dialect::HIP;
  std::string compiler = hip ? "hipcc" : "/usr/local/cuda/bin/nvcc";
  if (std::system(("command -v " + compiler + " > /dev/null 2>&1").c_str()) != 0) return "";
  static int counter = 0;
  std::string base = std::filesystem::temp_directory_path().string() + "/xpile-hip-pass-" + std::to_string(getpid()) + "-" +
                     std::to_string(counter++);
  std::string src = base + (hip ? ".hip" : ".cu"), log = base + ".log";
  std::ofstream(src) << code;
  std::string cmd = hip ? "hipcc --offload-arch=gfx90a -std=c++17 -c " + src + " -o " + base + ".o"
                        : compiler + " -arch=sm_80 -std=c++17 -c " + src + " -o " + base + ".o";
  int rc = std::system((cmd + " > " + log + " 2>&1").c_str());
  std::stringstream ss;
  ss << std::ifstream(log).rdbuf();
  for (const char *ext : {".o", ".log"}) std::filesystem::remove(base + ext);
  std::filesystem::remove(src);
  return rc == 0 ? "" : "compile failed (" + cmd + "):\n" + ss.str();
}
void expectCompiles(const std::string &code, ast::Dialect d) {
  std::string err = compileError(code, d);
  EXPECT_EQ(err, "") << code;
}
}  // namespace hiptest

namespace {

namespace fs = std::filesystem;
using test::parse;
using test::print;

// Identifier tokens of the files (comments and literals included: a declaration check, not a
// parse, independent of the generator's Clang-based scan).
std::set<std::string> identifiers(const std::vector<fs::path> &files, std::set<std::string> *macros = nullptr) {
  std::set<std::string> ids;
  for (const auto &p : files) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string s = ss.str();
    for (size_t i = 0; i < s.size();) {
      if (std::isalpha(static_cast<unsigned char>(s[i])) || s[i] == '_') {
        size_t j = i;
        while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_')) ++j;
        std::string id = s.substr(i, j - i);
        if (macros && i >= 8 && s.compare(i - 8, 8, "#define ") == 0) macros->insert(id);
        ids.insert(std::move(id));
        i = j;
      } else {
        ++i;
      }
    }
  }
  return ids;
}

std::vector<fs::path> headersIn(const fs::path &dir, bool recursive) {
  std::vector<fs::path> out;
  if (!fs::is_directory(dir)) return out;
  auto take = [&](const fs::directory_entry &e) {
    auto ext = e.path().extension();
    if (e.is_regular_file() && (ext == ".h" || ext == ".hpp")) out.push_back(e.path());
  };
  if (recursive)
    for (const auto &e : fs::recursive_directory_iterator(dir)) take(e);
  else
    for (const auto &e : fs::directory_iterator(dir)) take(e);
  return out;
}

TEST(RuntimeApiMapping, TableNamesDeclarationsOfTheRealHeaders) {
  const fs::path cudaDir = "/usr/local/cuda/include", hipDir = "/usr/include/hip";
  if (!fs::is_directory(cudaDir) || !fs::is_directory(hipDir)) GTEST_SKIP() << "CUDA or HIP headers not installed";
  std::vector<fs::path> cudaFiles;
  for (const auto &p : headersIn(cudaDir, false)) {
    std::string n = p.filename().string();
    if (n.rfind("cuda", 0) == 0 || n.find("types") != std::string::npos) cudaFiles.push_back(p);
  }
  for (const auto &p : headersIn(cudaDir / "crt", false)) cudaFiles.push_back(p);
  std::set<std::string> cudaMacros, hipMacros;
  auto cudaIds = identifiers(cudaFiles, &cudaMacros);
  auto hipIds = identifiers(headersIn(hipDir, true), &hipMacros);
  const auto &t = runtimeApiTable();
  ASSERT_GT(t.entries.size(), 500u);
  for (const auto &e : t.entries) {
    EXPECT_TRUE(cudaIds.count(e.cuda)) << e.cuda << " (" << e.kind << ") is not in the CUDA headers";
    EXPECT_TRUE(hipIds.count(e.hip)) << e.hip << " (" << e.kind << ") is not in the HIP headers";
    if (e.kind == "macro") {
      EXPECT_TRUE(cudaMacros.count(e.cuda)) << e.cuda << " is not a CUDA macro";
    }
  }
  // The names every corpus host wrapper uses, and some of each API family the brief lists.
  for (auto [c, h] : std::vector<std::pair<std::string, std::string>>{
           {"cudaMalloc", "hipMalloc"}, {"cudaMemcpyHostToDevice", "hipMemcpyHostToDevice"},
           {"cudaError_t", "hipError_t"}, {"cudaGetErrorString", "hipGetErrorString"},
           {"cudaStreamCreateWithFlags", "hipStreamCreateWithFlags"}, {"cudaEventElapsedTime", "hipEventElapsedTime"},
           {"cudaDeviceCanAccessPeer", "hipDeviceCanAccessPeer"}, {"cudaGraphLaunch", "hipGraphLaunch"},
           {"cudaOccupancyMaxActiveBlocksPerMultiprocessor", "hipOccupancyMaxActiveBlocksPerMultiprocessor"},
           {"cudaDevAttrWarpSize", "hipDeviceAttributeWarpSize"}, {"cudaDeviceProp", "hipDeviceProp_t"},
           {"cudaMallocHost", "hipHostMalloc"}, {"cudaFuncAttributeMaxDynamicSharedMemorySize", "hipFuncAttributeMaxDynamicSharedMemorySize"}}) {
    ASSERT_TRUE(t.cudaToHip.count(c)) << c;
    EXPECT_EQ(t.cudaToHip.at(c), h);
    ASSERT_TRUE(t.hipToCuda.count(h)) << h;
  }
  EXPECT_EQ(t.hipToCuda.at("hipError_t"), "cudaError_t");  // not the driver API's CUresult
  EXPECT_EQ(t.includeCudaToHip.at("cuda_runtime.h"), "hip/hip_runtime.h");
  EXPECT_EQ(t.includeCudaToHip.at("cuda_fp16.h"), "hip/hip_fp16.h");
  EXPECT_EQ(t.includeHipToCuda.at("hip/hip_runtime.h"), "cuda_runtime.h");
}

// What our own front end accepts: every runtime name the CUDA prelude declares that the table
// maps must map to a name the HIP prelude declares, and back, or mapped programs would not re-parse.
TEST(RuntimeApiMapping, TableAgreesWithThePreludes) {
  const fs::path prelude = fs::path(XPILE_SOURCE_DIR) / "frontends/prelude";
  auto cudaIds = identifiers(headersIn(prelude / "cuda", false));
  auto hipIds = identifiers(headersIn(prelude / "hip", true));
  for (const auto &id : identifiers(headersIn(prelude / "cuda" / "__xpile_gpu_common.h", false))) hipIds.insert(id);
  {
    auto common = identifiers({prelude / "cuda" / "__xpile_gpu_common.h"});
    hipIds.insert(common.begin(), common.end());
  }
  // The texture/surface object API is declared in the CUDA prelude only, so that `xpile check` can
  // see texture code; the HIP prelude does not declare it yet (HIP texture code does not parse,
  // and a translation of texture code fails verification with that error, never silently).
  auto textureOnly = identifiers({prelude / "cuda" / "__xpile_cuda_texture.h"});
  const auto &t = runtimeApiTable();
  std::vector<std::string> missingInHip, missingInCuda;
  for (const auto &e : t.entries) {
    if (e.cuda.rfind("cuda", 0) != 0) continue;  // driver API: not in the preludes
    if (textureOnly.count(e.cuda)) continue;
    if (cudaIds.count(e.cuda) && !hipIds.count(e.hip)) missingInHip.push_back(e.cuda + " -> " + e.hip);
    if (hipIds.count(e.hip) && !cudaIds.count(e.cuda) && t.hipToCuda.at(e.hip) == e.cuda) missingInCuda.push_back(e.hip + " -> " + e.cuda);
  }
  std::string a, b;
  for (auto &s : missingInHip) a += s + "\n";
  for (auto &s : missingInCuda) b += s + "\n";
  EXPECT_TRUE(missingInHip.empty()) << missingInHip.size() << " mapped names the HIP prelude lacks:\n" << a;
  EXPECT_TRUE(missingInCuda.empty()) << missingInCuda.size() << " mapped names the CUDA prelude lacks:\n" << b;
}

const char *kCudaHost = R"(#include <cuda_runtime.h>
#include <cuda_fp16.h>
#include <cstdio>

#define CHECK(expr) do { cudaError_t e_ = (expr); if (e_ != cudaSuccess) { printf("%s: cudaError\n", cudaGetErrorString(e_)); } } while (0)

__global__ void scale(float *x, float a, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) x[i] *= a;
}

void run(float *x, int n) {
  float *d;
  cudaStream_t s;
  cudaEvent_t start, stop;
  cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking);
  cudaEventCreate(&start);
  cudaEventCreate(&stop);
  cudaMalloc(&d, n * sizeof(float));
  cudaMemcpyAsync(d, x, n * sizeof(float), cudaMemcpyHostToDevice, s);
  cudaEventRecord(start, s);
  scale<<<(n + 255) / 256, 256, 0, s>>>(d, 2.0f, n);
  cudaEventRecord(stop, s);
  cudaError_t err = cudaGetLastError();
  if (err != cudaSuccess) printf("%s\n", cudaGetErrorString(err));
  cudaMemcpyAsync(x, d, n * sizeof(float), cudaMemcpyDeviceToHost, s);
  cudaStreamSynchronize(s);
  float ms = 0;
  cudaEventElapsedTime(&ms, start, stop);
  int dev = 0, warp = 0;
  CHECK(cudaGetDevice(&dev));
  cudaDeviceGetAttribute(&warp, cudaDevAttrWarpSize, dev);
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  cudaStreamDestroy(s);
  cudaFree(d);
}
)";

TEST(RuntimeApiMapping, CudaHostCodeToHip) {
  ast::Module m = parse("host.cu", kCudaHost);
  ast::Module before = m;
  PassContext ctx;
  ASSERT_TRUE(mapRuntimeApi(m, {ast::Dialect::HIP}, ctx));
  EXPECT_EQ(m.dialect, ast::Dialect::HIP);
  std::string out = print(m);
  // Hand-written expectations, line by line.
  // (The front end expands macro constants such as cudaStreamNonBlocking: the model sees 0x01.)
  for (const char *want : {"#include <hip/hip_runtime.h>", "#include <hip/hip_fp16.h>",
                           "    hipError_t e_ = (expr);  ", "    if (e_ != hipSuccess) {  ",
                           "      printf(\"%s: cudaError\\n\", hipGetErrorString(e_));  ",
                           "hipStream_t s;", "hipEvent_t start;", "hipStreamCreateWithFlags(&s, 0x01);",
                           "hipEventCreate(&start);", "hipMalloc(&d, n * sizeof(float));",
                           "hipMemcpyAsync(d, x, n * sizeof(float), hipMemcpyHostToDevice, s);",
                           "scale<<<(n + 255) / 256, 256, 0, s>>>(d, 2.0f, n);", "hipError_t err = hipGetLastError();",
                           "if (err != hipSuccess)", "hipEventElapsedTime(&ms, start, stop);",
                           "hipDeviceGetAttribute(&warp, hipDeviceAttributeWarpSize, dev);", "hipStreamDestroy(s);", "hipFree(d);"})
    EXPECT_NE(out.find(want), std::string::npos) << "missing: " << want << "\n" << out;
  EXPECT_EQ(out.find("cudaStream"), std::string::npos) << out;
  EXPECT_GT(ctx.stats["runtime_calls_mapped"].get<int>(), 5);
  EXPECT_GT(ctx.stats["runtime_names_mapped"].get<int>(), 2);
  EXPECT_GT(ctx.stats["runtime_types_mapped"].get<int>(), 2);
  EXPECT_GT(ctx.stats["verbatim_identifiers_mapped"].get<int>(), 2);
  EXPECT_EQ(ctx.params["mapRuntimeApi"]["target"], "hip");
  // The printed HIP re-parses with our HIP front end, and maps back to the CUDA we started from.
  ast::Module reparsed = parse("host.hip", out);
  PassContext back;
  ASSERT_TRUE(mapRuntimeApi(reparsed, {ast::Dialect::CUDA}, back));
  EXPECT_EQ(print(reparsed), print(before));
  hiptest::expectCompiles(out, ast::Dialect::HIP);
}

TEST(RuntimeApiMapping, HipLaunchMacroBecomesTripleChevron) {
  ast::Module m = parse("k.hip", R"(#include <hip/hip_runtime.h>
__global__ void k(float *x) { x[threadIdx.x] = 1.0f; }
void run(float *d, hipStream_t s) {
  hipLaunchKernelGGL(k, dim3(1), dim3(64), 0, s, d);
  hipHostMalloc(&d, 64, hipHostMallocDefault);
  hipStreamSynchronize(s);
}
)");
  PassContext ctx;
  ASSERT_TRUE(mapRuntimeApi(m, {ast::Dialect::CUDA}, ctx));
  std::string out = print(m);
  EXPECT_NE(out.find("k<<<dim3(1), dim3(64), 0, s>>>(d);"), std::string::npos) << out;
  EXPECT_NE(out.find("void run(float *d, cudaStream_t s)"), std::string::npos) << out;
  EXPECT_NE(out.find("cudaHostAlloc(&d, 64, 0x0);"), std::string::npos) << out;
  EXPECT_EQ(ctx.stats["launch_macros_rewritten"], 1);
  hiptest::expectCompiles(out, ast::Dialect::CUDA);
}

// HIP kernels may take up to 64 KiB of dynamic LDS as is; CUDA needs the opt-in past 48 KiB.
TEST(RuntimeApiMapping, LargeDynamicSharedMemoryGetsTheCudaOptIn) {
  ast::Module m = parse("dyn.hip", R"(#include <hip/hip_runtime.h>
__global__ void reverse(const float *x, float *y, int n) {
  extern __shared__ float s[];
  for (int i = threadIdx.x; i < n; i += blockDim.x) s[i] = x[i];
  __syncthreads();
  for (int i = threadIdx.x; i < n; i += blockDim.x) y[i] = s[n - 1 - i];
}
void entry(const float *x, float *y, int n) {
  float *dx, *dy;
  hipMalloc(&dx, n * sizeof(float));
  hipMalloc(&dy, n * sizeof(float));
  hipMemcpy(dx, x, n * sizeof(float), hipMemcpyHostToDevice);
  const size_t smem = n * sizeof(float);
  reverse<<<1, 256, smem>>>(dx, dy, n);
  hipMemcpy(y, dy, n * sizeof(float), hipMemcpyDeviceToHost);
  hipFree(dx);
  hipFree(dy);
}
)");
  ast::Module before = m;
  PassContext ctx;
  ASSERT_TRUE(mapRuntimeApi(m, {ast::Dialect::CUDA}, ctx));
  std::string out = print(m);
  EXPECT_NE(out.find("  if (smem > 48 * 1024)\n    cudaFuncSetAttribute(reverse, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)smem);\n"
                     "  reverse<<<1, 256, smem>>>(dx, dy, n);"),
            std::string::npos)
      << out;
  EXPECT_EQ(ctx.stats["dynamic_shared_opt_ins"], 1);
  auto v = test::verifyEntry(before, m, "entry", {"f32[14000]:rand", "f32[14000]:zeros", "i32:14000"});  // 56000 bytes
  EXPECT_TRUE(v.pass) << v.message;
  hiptest::expectCompiles(out, ast::Dialect::CUDA);
}

TEST(RuntimeApiMapping, ApiWithoutHipEquivalentIsAnError) {
  ast::Module m = parse("g.cu", R"(#include <cuda_runtime.h>
void run(cudaGraphExec_t g, cudaStream_t s) {
  cudaGraphLaunch(g, s);
  cudaDeviceSetLimit(cudaLimitStackSize, 4096);
}
)");
  PassContext ctx;
  EXPECT_FALSE(mapRuntimeApi(m, {ast::Dialect::HIP}, ctx));
  ASSERT_TRUE(ctx.hasErrors());
  // HIP 5.2 has graphs but no hipDeviceSetLimit and no stack-size limit.
  std::set<std::string> named;
  for (const auto &d : ctx.diagnostics) {
    for (const char *n : {"cudaDeviceSetLimit", "cudaLimitStackSize"})
      if (d.message.find(std::string("'") + n + "' has no HIP equivalent") != std::string::npos) named.insert(n);
    EXPECT_EQ(d.loc.line, 4u) << d.message;
    EXPECT_EQ(d.message.find("cudaGraphLaunch"), std::string::npos) << "HIP has graphs: " << d.message;
  }
  EXPECT_EQ(named.size(), 2u);
  EXPECT_EQ(m.dialect, ast::Dialect::CUDA);
}

TEST(RuntimeApiMapping, UserNamesThatLookLikeRuntimeNamesStay) {
  ast::Module m = parse("u.cu", R"(#include <cuda_runtime.h>
int cudaMallocCount = 0;
void cudaTrace(int n) { cudaMallocCount += n; }
)");
  PassContext ctx;
  ASSERT_TRUE(mapRuntimeApi(m, {ast::Dialect::HIP}, ctx));
  std::string out = print(m);
  EXPECT_NE(out.find("int cudaMallocCount = 0;"), std::string::npos) << out;
  EXPECT_NE(out.find("void cudaTrace(int n) { cudaMallocCount += n; }"), std::string::npos) << out;
}

TEST(RuntimeApiMapping, OnlyCudaAndHip) {
  ast::Module m = parse("c.c", "void f(void) {}\n");
  PassContext ctx;
  EXPECT_FALSE(mapRuntimeApi(m, {ast::Dialect::HIP}, ctx));
  EXPECT_TRUE(ctx.hasErrors());
}

TEST(RuntimeApiMapping, VerifiesByExecution) {
  ast::Module m = parse("host.cu", R"(#include <cuda_runtime.h>
__global__ void axpy(const float *x, float *y, float a, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) y[i] = a * x[i] + y[i];
}
void entry(const float *x, float *y, int n) {
  float *dx, *dy;
  cudaStream_t s;
  cudaStreamCreate(&s);
  cudaMalloc(&dx, n * sizeof(float));
  cudaMalloc(&dy, n * sizeof(float));
  cudaMemcpyAsync(dx, x, n * sizeof(float), cudaMemcpyHostToDevice, s);
  cudaMemcpy(dy, y, n * sizeof(float), cudaMemcpyHostToDevice);
  axpy<<<(n + 127) / 128, 128, 0, s>>>(dx, dy, 3.0f, n);
  if (cudaGetLastError() != cudaSuccess) return;
  cudaStreamSynchronize(s);
  cudaMemcpy(y, dy, n * sizeof(float), cudaMemcpyDeviceToHost);
  cudaStreamDestroy(s);
  cudaFree(dx);
  cudaFree(dy);
}
)");
  ast::Module before = m;
  PassContext ctx;
  ASSERT_TRUE(mapRuntimeApi(m, {ast::Dialect::HIP}, ctx));
  auto v = test::verifyEntry(before, m, "entry", {"f32[300]:rand", "f32[300]:rand", "i32:300"});
  EXPECT_TRUE(v.pass) << v.message;
}

}  // namespace
}  // namespace xpile::passes

// ---------------------------------------------------------------------------------------------
// The corpus, both directions, through the three CUDA<->HIP passes and the target printer: each
// output compiled with the real compiler and verified against its source on the smallest shape of
// every entry. Slow (two real compilations and executions per operator), so opt-in:
// XPILE_PORT_CORPUS=1 (optionally XPILE_PORT_CORPUS_ONLY=<operator>); the table goes to stdout
// and to $XPILE_PORT_CORPUS_TABLE when set.
namespace xpile::passes {
namespace {

// `+ - * / ( )` over integers and shape variables (the manifest's count language; the CLI's
// evaluator in tools/xpile/corpus_manifest.cpp is not linked into this test binary).
long long evalCount(const std::string &s, size_t &i, const nlohmann::json &shape, int level = 0) {
  auto skip = [&] { while (i < s.size() && s[i] == ' ') ++i; };
  std::function<long long()> atom = [&]() -> long long {
    skip();
    if (s[i] == '(') {
      ++i;
      long long v = evalCount(s, i, shape);
      skip();
      ++i;  // ')'
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

struct PortRow {
  std::string op, direction, outcome;  // outcome: "verified", "refused: <error>", "FAILED: ..."
  bool compiled = false, correct = false, refused = false;
};

PortRow portOperator(const fs::path &dir, const nlohmann::json &manifest, ast::Dialect from, ast::Dialect to) {
  PortRow row;
  row.op = manifest.at("operator");
  row.direction = std::string(ast::dialectName(from)) + "->" + ast::dialectName(to);
  std::string file = manifest.at("files").at(ast::dialectName(from));
  ast::Module src = parse(file, readFile((dir / file).string()));
  ast::Module out = src;
  PassContext ctx;
  ctx.source = from;
  ctx.target = to;
  bool ok = adaptWarpSize(out, {}, ctx) && mapMatrixCores(out, {to}, ctx) && mapRuntimeApi(out, {to}, ctx);
  if (!ok) {
    row.refused = true;
    for (const auto &d : ctx.diagnostics)
      if (d.severity == Severity::Error) {
        row.outcome = "refused: " + d.loc.str() + ": " + d.message;
        break;
      }
    return row;
  }
  std::string code = print(out);
  std::string err = hiptest::compileError(code, to);
  row.compiled = err.empty();
  if (!row.compiled) row.outcome = "FAILED to compile: " + err.substr(0, 2000);
  row.correct = true;
  for (const auto &entry : manifest.at("entries")) {
    // The smallest shape by total element count.
    const nlohmann::json *best = nullptr;
    long long bestSize = 0;
    for (const auto &shape : entry.at("shapes")) {
      long long size = 0;
      for (const auto &p : entry.at("params"))
        if (p.contains("count")) {
          size_t i = 0;
          size += evalCount(p.at("count").get<std::string>(), i, shape);
        }
      if (!best || size < bestSize) best = &shape, bestSize = size;
    }
    std::vector<std::string> args;
    for (const auto &p : entry.at("params")) {
      std::string type = p.at("type");
      if (p.contains("count")) {
        size_t i = 0;
        args.push_back(type + "[" + std::to_string(evalCount(p.at("count").get<std::string>(), i, *best)) + "]:" +
                       (p.value("role", "in") == "out" ? "zeros" : "rand"));
      } else if (p.contains("value")) {
        args.push_back(type + ":" + (p.at("value").is_string() ? p.at("value").get<std::string>() : p.at("value").dump()));
      } else {
        const auto &v = best->at(p.at("name").get<std::string>());
        args.push_back(type + ":" + (v.is_number_integer() ? std::to_string(v.get<long long>()) : v.dump()));
      }
    }
    const auto &tol = entry.value("tolerance", nlohmann::json::object());
    auto v = test::verifyEntry(src, out, entry.at("name"), args, tol.value("rtol", -1.0), tol.value("atol", -1.0));
    if (!v.pass) {
      row.correct = false;
      row.outcome += "FAILED " + entry.at("name").get<std::string>() + ": " + v.message + "; ";
    }
  }
  if (row.compiled && row.correct) row.outcome = "verified";
  return row;
}

TEST(RuntimeApiMapping, CorpusBothDirections) {
  if (!std::getenv("XPILE_PORT_CORPUS")) GTEST_SKIP() << "set XPILE_PORT_CORPUS=1 to port the whole corpus";
  const char *only = std::getenv("XPILE_PORT_CORPUS_ONLY");
  std::vector<fs::path> dirs;
  for (const auto &family : fs::directory_iterator(fs::path(XPILE_SOURCE_DIR) / "corpus"))
    if (family.is_directory())
      for (const auto &op : fs::directory_iterator(family.path()))
        if (fs::exists(op.path() / "manifest.json") && (!only || op.path().filename() == only)) dirs.push_back(op.path());
  std::sort(dirs.begin(), dirs.end());
  std::string table = "operator             direction  compiles  verifies  outcome\n";
  for (const auto &dir : dirs) {
    auto manifest = nlohmann::json::parse(readFile((dir / "manifest.json").string()));
    for (auto [from, to] : {std::pair{ast::Dialect::CUDA, ast::Dialect::HIP}, std::pair{ast::Dialect::HIP, ast::Dialect::CUDA}}) {
      PortRow r = portOperator(dir, manifest, from, to);
      char line[256];
      std::snprintf(line, sizeof line, "%-20s %-10s %-9s %-9s ", r.op.c_str(), r.direction.c_str(),
                    r.refused ? "-" : r.compiled ? "yes" : "NO", r.refused ? "-" : r.correct ? "yes" : "NO");
      table += line + r.outcome.substr(0, 300) + "\n";
      std::cout << line << r.outcome.substr(0, 300) << std::endl;
      // Never silently wrong: every port either refuses with an error or compiles and verifies.
      EXPECT_TRUE(r.refused || (r.compiled && r.correct)) << r.op << " " << r.direction << ": " << r.outcome;
      // CUDA code is expressible on HIP wavefronts: that direction must always succeed.
      if (from == ast::Dialect::CUDA) {
        EXPECT_FALSE(r.refused) << r.op << ": " << r.outcome;
      }
    }
  }
  if (const char *path = std::getenv("XPILE_PORT_CORPUS_TABLE")) std::ofstream(path) << table;
}

}  // namespace
}  // namespace xpile::passes
