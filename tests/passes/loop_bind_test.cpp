// Loop bind: C entries become CUDA/HIP host code + kernels, or OpenMP loops; verified by running
// the C module and the bound module on the executors with identical inputs.
#include "passes/loop_bind.h"

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
