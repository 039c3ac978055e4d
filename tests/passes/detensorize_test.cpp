// Detensorize against independent answers:
//  - the catalogue's scalar helpers against the real instructions of this CPU, bit for bit, on
//    random and edge inputs (NaN, inf, -0, subnormals, masks, every immediate);
//  - every corpus VNNI file (and the VNNI starters) before the pass on the VNNI executor against
//    the detensorized C on the C executor, on a small shape of its manifest;
//  - the error paths.
#include "passes/detensorize.h"

#include "backends/printer.h"
#include "backends/vnni/intrinsic_catalogue.h"
#include "tests/passes/pass_test_util.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <unistd.h>

namespace xpile::passes {
namespace {

namespace fs = std::filesystem;
namespace vnni = backends::vnni;

std::string readFile(const std::string &path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The module after the pass, which must apply without errors.
ast::Module detensorized(const ast::Module &before, PassContext &ctx) {
  ast::Module after = before;
  EXPECT_TRUE(detensorize(after, DetensorizeOptions{}, ctx));
  for (auto &d : ctx.diagnostics) ADD_FAILURE() << d.loc.str() << ": " << d.message;
  return after;
}

// ---------------------------------------------------------------------------------------------
// Snippets

const char *kRelu = R"(#include <immintrin.h>
#include <stdint.h>
void relu(const float *x, float *y, int n) {
  const __m512 zero = _mm512_setzero_ps();
  int i = 0;
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, _mm512_max_ps(_mm512_loadu_ps(x + i), zero));
  if (i < n) {
    __mmask16 m = (__mmask16)((1u << (n - i)) - 1u);
    _mm512_mask_storeu_ps(y + i, m, _mm512_max_ps(_mm512_maskz_loadu_ps(m, x + i), zero));
  }
}
)";

TEST(Detensorize, ReluSnippetVerifiesAndIsPlainC) {
  ast::Module before = test::parse("relu.cpp", kRelu);
  PassContext ctx;
  ast::Module after = detensorized(before, ctx);
  EXPECT_EQ(after.dialect, ast::Dialect::C);
  std::string code = test::print(after);
  EXPECT_EQ(code.find("immintrin"), std::string::npos) << code;
  EXPECT_EQ(code.find("__m512"), std::string::npos) << code;
  EXPECT_NE(code.find("static inline xp_m512 mm512_max_ps(xp_m512 a, xp_m512 b)"), std::string::npos) << code;
  EXPECT_NE(code.find("mm512_storeu_ps(y + i, mm512_max_ps(mm512_loadu_ps(x + i), zero));"), std::string::npos) << code;
  // Only the helpers used are emitted.
  EXPECT_EQ(code.find("mm512_add_ps"), std::string::npos) << code;
  EXPECT_EQ(ctx.stats["intrinsic_calls_replaced"], 7);
  EXPECT_EQ(ctx.stats["intrinsics"]["_mm512_max_ps"], 2);
  auto v = test::verifyEntry(before, after, "relu", {"f32[100]:rand", "f32[100]:zeros", "i32:100"}, 0, 0);
  EXPECT_TRUE(v.pass) << v.message;
}

TEST(Detensorize, UnknownIntrinsicIsAnErrorAtTheCall) {
  const char *src = "#include <immintrin.h>\n"
                    "void f(const float *x, float *y) {\n"
                    "  __m512 v = _mm512_loadu_ps(x);\n"
                    "  _mm512_storeu_ps(y, _mm512_rsqrt14_ps(v));\n"
                    "}\n";
  ast::Module m = test::parse("f.cpp", src);
  PassContext ctx;
  EXPECT_FALSE(detensorize(m, DetensorizeOptions{}, ctx));
  ASSERT_TRUE(ctx.hasErrors());
  bool named = false;
  for (auto &d : ctx.diagnostics)
    if (d.message.find("_mm512_rsqrt14_ps") != std::string::npos) {
      named = true;
      EXPECT_EQ(d.loc.line, 4u);
    }
  EXPECT_TRUE(named);
}

TEST(Detensorize, HelperNameClashIsAnError) {
  const char *src = "#include <immintrin.h>\n"
                    "static float mm512_reduce_add_ps(float x) { return x; }\n"
                    "float f(const float *x) { return mm512_reduce_add_ps(_mm512_reduce_add_ps(_mm512_loadu_ps(x))); }\n";
  ast::Module m = test::parse("f.cpp", src);
  PassContext ctx;
  EXPECT_FALSE(detensorize(m, DetensorizeOptions{}, ctx));
  EXPECT_TRUE(ctx.hasErrors());
}

// Macros of the x86 headers reach the AST as compiler builtins; they become the documented
// intrinsic again (readable helpers, one catalogue entry each).
TEST(Detensorize, HeaderMacrosBecomeTheirIntrinsics) {
  const char *src = "#include <immintrin.h>\n"
                    "void f(const float *x, float *y, int *k) {\n"
                    "  __m512 v = _mm512_loadu_ps(x);\n"
                    "  __m512 r = _mm512_roundscale_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);\n"
                    "  __mmask16 m = _mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_GE_OQ);\n"
                    "  r = _mm512_mask_permute_ps(r, m, r, _MM_SHUFFLE(1, 0, 3, 2));\n"
                    "  r = _mm512_shuffle_f32x4(r, v, _MM_SHUFFLE(1, 0, 3, 2));\n"
                    "  _mm512_storeu_ps(y, r);\n"
                    "  *k = m;\n"
                    "}\n";
  ast::Module before = test::parse("f.cpp", src);
  PassContext ctx;
  ast::Module after = detensorized(before, ctx);
  std::string code = test::print(after);
  EXPECT_EQ(code.find("__builtin_ia32"), std::string::npos) << code;
  for (const char *h : {"mm512_roundscale_ps(", "mm512_cmp_ps_mask(", "mm512_mask_mov_ps(", "mm512_permute_ps(",
                        "mm512_shuffle_f32x4("})
    EXPECT_NE(code.find(h), std::string::npos) << h << "\n" << code;
  auto v = test::verifyEntry(before, after, "f", {"f32[16]:rand", "f32[16]:zeros", "i32[1]:zeros"}, 0, 0);
  EXPECT_TRUE(v.pass) << v.message;
}

// ---------------------------------------------------------------------------------------------
// The catalogue against the hardware: one C program computes every intrinsic natively and with
// the catalogue's helper (printed by the C printer, exactly as detensorize emits it) on the same
// inputs and compares the results byte for byte; masked loads and stores also run against a
// protected page, so touching masked-off memory would crash.

const char *kHarnessPrelude = R"(
#include <immintrin.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
static uint64_t state = 42;
static uint64_t rnd(void) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
static const uint32_t specials[] = {
    0x00000000u, 0x80000000u, 0x3f800000u, 0xbf800000u, 0x3f000000u, 0x3fc00000u, 0x40200000u, 0xc0200000u,
    0x7f800000u, 0xff800000u, 0x7fc00000u, 0xffc00000u, 0x7f800001u, 0xffa00001u, 0x7fc12345u, 0xff812345u,
    0x00000001u, 0x807fffffu, 0x00800000u, 0x7f7fffffu, 0x477fe000u, 0x477ff000u, 0x477fefffu, 0x33000000u,
    0x33800000u, 0x387fc000u, 0x387fe000u, 0x4b000000u, 0x4affffffu, 0xcb7fffffu, 0x3f801000u, 0xc7800000u};
static float rnd_f32(void) {
  uint64_t r = rnd();
  union { float f; uint32_t u; } c;
  switch (r % 3) {
  case 0: c.u = specials[(r >> 8) % (sizeof specials / sizeof specials[0])]; break;
  case 1: c.f = (float)((int64_t)(r >> 20) % 20001 - 10000) / 64.0f; break;
  default: c.u = (uint32_t)(r >> 32); break;
  }
  return c.f;
}
static void fill(void *p, int bytes, int kind) {
  unsigned char *b = (unsigned char *)p;
  for (int i = 0; i + 4 <= bytes; i += 4) {
    uint32_t u;
    if (kind == 0) { float f = rnd_f32(); memcpy(&u, &f, 4); }
    else if (kind == 2) { u = (uint32_t)rnd(); if (rnd() % 4 == 0) u = (u & 0x80008000u) | 0x7c007e01u; }
    else u = (uint32_t)rnd();
    memcpy(b + i, &u, 4);
  }
}
static uint64_t rnd_mask(int lanes) {
  uint64_t r = rnd(), all = lanes >= 64 ? ~0ull : (1ull << lanes) - 1;
  switch (r % 5) { case 0: return all; case 1: return 0; case 2: return all >> ((r >> 8) % lanes); default: return (r >> 16) & all; }
}
static int failures = 0, reported = 0;
static void check(const char *name, int imm, const void *native, const void *helper, int bytes) {
  if (!memcmp(native, helper, bytes)) return;
  ++failures;
  printf("FAILED %s\n", name);
  if (reported++ < 40) {
    printf("MISMATCH %s imm=%d:\n  native", name, imm);
    for (int i = 0; i < bytes; ++i) printf("%s%02x", i % 4 ? "" : " ", ((const unsigned char *)native)[i]);
    printf("\n  helper");
    for (int i = 0; i < bytes; ++i) printf("%s%02x", i % 4 ? "" : " ", ((const unsigned char *)helper)[i]);
    printf("\n");
  }
}
static unsigned char src_mem[4096] __attribute__((aligned(64))), mem_n[4096] __attribute__((aligned(64))),
    mem_c[4096] __attribute__((aligned(64)));
static unsigned char *guard_page;  /* the second of two pages is PROT_NONE */
)";

std::string nativeVecType(int bits) { return bits == 512 ? "__m512i" : bits == 256 ? "__m256i" : "__m128i"; }

int operandBitsOf(vnni::Operand k) {
  return k == vnni::Operand::V512 ? 512 : k == vnni::Operand::V256 ? 256 : k == vnni::Operand::V128 ? 128 : 0;
}

// The native operand's own type (GCC converts between vector types only with
// -flax-vector-conversions, and not for every builtin): float registers for the _ps intrinsics.
std::string nativeType(const vnni::Intrinsic &in, const vnni::IntrinsicParam &p) {
  int bits = operandBitsOf(p.kind);
  bool floatOp = in.name.find("_ps") != std::string::npos || in.name.find("f32x4") != std::string::npos ||
                 in.name.find("cvtps") != std::string::npos || in.name.find("cvtss") != std::string::npos;
  if (bits == 512 && floatOp && p.name != "vindex") return "__m512";
  return nativeVecType(bits);
}

// One test function per intrinsic: `trials` random cases per immediate value.
std::string harnessFor(const vnni::Intrinsic &in, int trials) {
  std::ostringstream o;
  std::vector<int> imms = {0};
  bool hasImm = false;
  for (auto &p : in.params)
    if (p.kind == vnni::Operand::Imm) imms = p.immValues, hasImm = true;
  bool cvtph = in.name.find("cvtph_ps") != std::string::npos;
  int maskLanes = in.lanes;
  // The aligned forms (_load_ps, _store_si512, ...) fault on addresses not aligned to the vector.
  bool aligned = in.name.find("_load_") != std::string::npos || in.name.find("_store_") != std::string::npos;
  auto join = [](const std::vector<std::string> &v) {
    std::string s;
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
    return s;
  };
  o << "static void test_" << in.helper << "(void) {\n";
  for (int imm : imms) {
    o << "  for (int t = 0; t < " << trials << "; ++t) {\n";
    std::vector<std::string> nargs, cargs;
    std::string memParam;
    for (auto &p : in.params) {
      std::string n = "n_" + p.name, c = "c_" + p.name;
      if (int bits = operandBitsOf(p.kind)) {
        int kind = in.element == "f32" && !(cvtph && bits == 256) ? 0 : cvtph ? 2 : 1;
        if (p.name == "vindex") kind = 3;
        // The native operand's own type (GCC converts between same-size vectors only with
        // -flax-vector-conversions, and not for every builtin).
        std::string ntype = nativeType(in, p);
        o << "    " << ntype << " " << n << "; " << vnni::cVectorTypeName(bits) << " " << c << ";\n";
        if (kind == 3)
          o << "    for (int i = 0; i < 16; ++i) " << c << ".i32[i] = (int32_t)(rnd() % 64) - (int32_t)(rnd() % 2) * 8;\n";
        else
          o << "    fill(&" << c << ", " << bits / 8 << ", " << kind << ");\n";
        o << "    memcpy(&" << n << ", &" << c << ", " << bits / 8 << ");\n";
        nargs.push_back(n), cargs.push_back(c);
      } else if (p.kind == vnni::Operand::Mask8 || p.kind == vnni::Operand::Mask16 || p.kind == vnni::Operand::Mask32 ||
                 p.kind == vnni::Operand::Mask64) {
        o << "    uint64_t " << c << " = rnd_mask(" << maskLanes << ");\n";
        nargs.push_back(c), cargs.push_back(c);
      } else if (p.kind == vnni::Operand::F32) {
        o << "    float " << c << " = rnd_f32();\n";
        nargs.push_back(c), cargs.push_back(c);
      } else if (p.kind == vnni::Operand::I32 || p.kind == vnni::Operand::I64) {
        o << "    int " << c << " = (int)rnd();\n";
        nargs.push_back(c), cargs.push_back(c);
      } else if (p.kind == vnni::Operand::Imm) {
        nargs.push_back(std::to_string(imm)), cargs.push_back(std::to_string(imm));
      } else if (p.kind == vnni::Operand::ConstPtr) {
        // Gathers index around the middle of the buffer (negative indices included).
        std::string at = p.name == "base_addr" ? "src_mem + 1024" : aligned ? "src_mem + 64 * (rnd() % 32)" : "src_mem + 4 * (rnd() % 64)";
        o << "    fill(src_mem, sizeof src_mem, " << (in.element == "f32" ? 0 : 1) << ");\n";
        o << "    const void *" << c << " = " << at << ";\n";
        nargs.push_back(c), cargs.push_back(c);
      } else if (p.kind == vnni::Operand::Ptr) {
        memParam = c;
        o << "    fill(mem_n, sizeof mem_n, 1); memcpy(mem_c, mem_n, sizeof mem_n);\n";
        o << "    size_t off_" << p.name << " = " << (aligned ? "64 * (rnd() % 32)" : "4 * (rnd() % 64)") << ";\n";
        nargs.push_back("mem_n + off_" + p.name), cargs.push_back("mem_c + off_" + p.name);
      }
    }
    std::string ncall = in.name + "(" + join(nargs) + ")", ccall = in.helper + "(" + join(cargs) + ")";
    if (in.result == vnni::Operand::None) {
      o << "    " << ncall << ";\n    " << ccall << ";\n";
      o << "    check(\"" << in.name << "\", " << imm << ", mem_n, mem_c, sizeof mem_n);\n";
    } else {
      o << "    __typeof__(" << ncall << ") n_r = " << ncall << ";\n";
      o << "    __typeof__(" << ccall << ") c_r = " << ccall << ";\n";
      // GCC's _mm512_reduce_add_ps is written with the vector `+`, which the compiler may commute:
      // which NaN payload wins is the compiler's choice, not the intrinsic's. Both NaN is a match.
      if (in.name == "_mm512_reduce_add_ps") o << "    if (n_r != n_r && c_r != c_r) continue;\n";
      o << "    check(\"" << in.name << "\", " << imm << ", &n_r, &c_r, sizeof c_r);\n";
    }
    o << "  }\n";
  }
  (void)hasImm;
  // Masked memory accesses next to a protected page: the lanes past the mask's last set bit lie
  // in the protected page, so reading or writing them would fault.
  bool masked = in.name.find("mask") != std::string::npos;
  bool memory = false;
  for (auto &p : in.params) memory |= p.kind == vnni::Operand::ConstPtr || p.kind == vnni::Operand::Ptr;
  if (masked && memory && in.name.find("gather") == std::string::npos) {
    int elem = in.element == "u8" || in.element == "i8" ? 1 : in.element == "u16" ? 2 : 4;
    o << "  for (int n = 0; n <= " << in.lanes << "; ++n) {\n";
    std::vector<std::string> args;
    for (auto &p : in.params) {
      if (int bits = operandBitsOf(p.kind)) {
        o << "    " << vnni::cVectorTypeName(bits) << " g_" << p.name << "; fill(&g_" << p.name << ", " << bits / 8
          << ", 1);\n";
        args.push_back("g_" + p.name);
      } else if (p.kind == vnni::Operand::ConstPtr || p.kind == vnni::Operand::Ptr) {
        args.push_back("guard_page - " + std::to_string(elem) + " * n");
      } else {
        args.push_back(in.lanes >= 64 ? "(n >= 64 ? ~0ull : (1ull << n) - 1)" : "(uint64_t)((1ull << n) - 1)");
      }
    }
    std::string call = in.helper + "(" + join(args) + ")";
    o << "    " << (in.result == vnni::Operand::None ? "" : "(void)") << call << ";\n";
    std::string ncall = in.name + "(";
    for (size_t i = 0; i < args.size(); ++i) {
      std::string a = args[i];
      if (a.rfind("g_", 0) == 0) {
        int bits = operandBitsOf(in.params[i].kind);
        o << "    " << nativeType(in, in.params[i]) << " ng_" << i << "; memcpy(&ng_" << i << ", &" << a << ", " << bits / 8
          << ");\n";
        a = "ng_" + std::to_string(i);
      }
      ncall += (i ? ", " : "") + a;
    }
    o << "    " << (in.result == vnni::Operand::None ? "" : "(void)") << ncall << ");\n  }\n";
  }
  o << "}\n";
  return o.str();
}

TEST(Detensorize, CatalogueMatchesTheHardwareBitForBit) {
  std::set<std::string> names;
  for (auto &in : vnni::intrinsics()) names.insert(in.name);
  vnni::HelperDefinitions defs = vnni::helperDefinitions(names);
  ast::Module m;
  m.dialect = ast::Dialect::C;
  m.isCxx = false;
  m.includes = {{"stdint.h", true, {}}, {"math.h", true, {}}};
  for (auto &t : defs.typedefs) m.items.emplace_back(t);
  for (auto &f : defs.functions) m.items.emplace_back(f);
  backends::PrintOptions popts;
  backends::PrintResult printed = backends::printModule(m, ast::Dialect::C, popts);
  for (auto &e : printed.errors) ADD_FAILURE() << e.message;
  std::string program = printed.code + kHarnessPrelude;
  std::string calls;
  for (auto &in : vnni::intrinsics()) {
    program += harnessFor(in, 3000);
    calls += "  test_" + in.helper + "();\n";
  }
  program += "int main(void) {\n"
             "  long page = sysconf(_SC_PAGESIZE);\n"
             "  unsigned char *two = mmap(0, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);\n"
             "  mprotect(two + page, page, PROT_NONE);\n"
             "  guard_page = two + page;\n" +
             calls + "  printf(\"checked %d intrinsics, %d mismatches\\n\", " + std::to_string(names.size()) +
             ", failures);\n  return failures != 0;\n}\n";
  fs::path dir = fs::temp_directory_path() / ("xpile-vnni-catalogue-" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::ofstream((dir / "harness.c").string()) << program;
  std::string cmd = "gcc -std=gnu11 -O1 -mavx512f -mavx512bw -mavx512vl -mavx512dq -mavx512vnni "
                    "-flax-vector-conversions -w -o " + (dir / "harness").string() + " " + (dir / "harness.c").string() +
                    " -lm 2>&1";
  FILE *cc = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, cc)) out.append(buf, n);
  ASSERT_EQ(pclose(cc), 0) << out << "\n(program in " << dir << ")";
  FILE *run = popen(((dir / "harness").string() + " 2>&1").c_str(), "r");
  out.clear();
  while (size_t n = fread(buf, 1, sizeof buf, run)) out.append(buf, n);
  int rc = pclose(run);
  EXPECT_EQ(rc, 0) << out << "\n(program in " << dir << ")";
  std::printf("%s", out.c_str());
  if (rc == 0) fs::remove_all(dir);
}

// ---------------------------------------------------------------------------------------------
// The corpus: every VNNI file against its detensorized form, on the manifest's smallest shape.

struct CorpusCase {
  std::string op, file, entry;
  std::vector<std::string> args;
  double rtol = -1, atol = -1;
};

// `+ - * / ( )` over integers and the shape's variables.
long long evalCount(const std::string &s, size_t &i, const std::map<std::string, long long> &vars, int prec = 0) {
  auto skip = [&] {
    while (i < s.size() && s[i] == ' ') ++i;
  };
  skip();
  long long v = 0;
  if (s[i] == '(') {
    ++i;
    v = evalCount(s, i, vars);
    skip();
    ++i;
  } else if (isdigit(static_cast<unsigned char>(s[i]))) {
    size_t j = i;
    while (j < s.size() && isdigit(static_cast<unsigned char>(s[j]))) ++j;
    v = std::stoll(s.substr(i, j - i));
    i = j;
  } else {
    size_t j = i;
    while (j < s.size() && (isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_')) ++j;
    v = vars.at(s.substr(i, j - i));
    i = j;
  }
  for (;;) {
    skip();
    if (i >= s.size() || s[i] == ')') return v;
    char op = s[i];
    int p = op == '+' || op == '-' ? 1 : 2;
    if (p <= prec) return v;
    ++i;
    long long r = evalCount(s, i, vars, p);
    v = op == '+' ? v + r : op == '-' ? v - r : op == '*' ? v * r : v / r;
  }
}

std::vector<CorpusCase> corpusCases() {
  std::vector<CorpusCase> cases;
  fs::path root = fs::path(XPILE_SOURCE_DIR) / "corpus";
  std::vector<fs::path> manifests;
  for (auto &e : fs::recursive_directory_iterator(root))
    if (e.path().filename() == "manifest.json") manifests.push_back(e.path());
  std::sort(manifests.begin(), manifests.end());
  for (auto &mp : manifests) {
    auto j = nlohmann::json::parse(readFile(mp.string()));
    if (!j["files"].contains("vnni")) continue;
    std::string file = (mp.parent_path() / j["files"]["vnni"].get<std::string>()).string();
    for (auto &entry : j["entries"]) {
      // The smallest shape (by the product of its sizes) keeps the runs short.
      const nlohmann::json *best = nullptr;
      long double bestSize = 0;
      for (auto &shape : entry["shapes"]) {
        long double size = 1;
        for (auto &[k, v] : shape.items())
          if (v.is_number_integer()) size *= v.get<long long>();
        if (!best || size < bestSize) best = &shape, bestSize = size;
      }
      std::map<std::string, long long> vars;
      std::map<std::string, std::string> values;
      for (auto &[k, v] : best->items()) {
        if (v.is_number_integer()) vars[k] = v.get<long long>();
        if (v.is_number()) values[k] = v.dump();
      }
      CorpusCase c{j["operator"].get<std::string>(), file, entry["name"].get<std::string>(), {}};
      for (auto &p : entry["params"]) {
        std::string type = p["type"];
        if (p.contains("count")) {
          size_t i = 0;
          std::string count = p["count"].is_string() ? p["count"].get<std::string>() : p["count"].dump();
          long long n = evalCount(count, i, vars);
          c.args.push_back(type + "[" + std::to_string(n) + "]:" + (p["role"] == "out" ? "zeros" : "rand"));
        } else {
          std::string name = p["name"];
          std::string value = p.contains("value") ? (p["value"].is_string() ? p["value"].get<std::string>() : p["value"].dump())
                                                  : values.at(name);
          c.args.push_back(type + ":" + value);
        }
      }
      if (entry.contains("tolerance")) {
        c.rtol = entry["tolerance"].value("rtol", -1.0);
        c.atol = entry["tolerance"].value("atol", -1.0);
      }
      cases.push_back(c);
    }
  }
  return cases;
}

class DetensorizeCorpus : public ::testing::TestWithParam<CorpusCase> {};

TEST_P(DetensorizeCorpus, VerifiesAgainstTheVnniFile) {
  const CorpusCase &c = GetParam();
  ast::Module before = test::parse(fs::path(c.file).filename().string(), readFile(c.file));
  before.sourceFile = c.file;
  PassContext ctx;
  ast::Module after = detensorized(before, ctx);
  std::string code = test::print(after);
  EXPECT_EQ(code.find("_mm"), std::string::npos) << code;
  auto v = test::verifyEntry(before, after, c.entry, c.args, c.rtol, c.atol);
  EXPECT_TRUE(v.pass) << c.file << " " << c.entry << ": " << v.message;
  std::printf("[corpus] %-22s %-26s %s (%d intrinsic calls)\n", c.op.c_str(), c.entry.c_str(), v.pass ? "PASS" : "FAIL",
              ctx.stats.value("intrinsic_calls_replaced", 0));
}

INSTANTIATE_TEST_SUITE_P(Corpus, DetensorizeCorpus, ::testing::ValuesIn(corpusCases()),
                         [](const ::testing::TestParamInfo<CorpusCase> &info) { return info.param.entry; });

}  // namespace
}  // namespace xpile::passes
