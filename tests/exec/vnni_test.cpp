// The C/VNNI executor header: SIMDe's _mm512_dpbusd_epi32 (and native VNNI where the CPU has it)
// against a scalar reference, in C++ and in C, with OpenMP.
#include "backends/exec/compiler.h"
#include "backends/exec/cpu_features.h"
#include "backends/exec/sandbox.h"
#include "tests/exec/test_util.h"

#include <gtest/gtest.h>

#include <fstream>

namespace xpile::exec {
namespace {

// Valid C and C++: u8 x s8 dot products of 4 bytes accumulated into 16 int32 lanes, compared with
// the scalar definition of VPDPBUSD, on edge bytes and pseudo-random bytes.
const char *kDpbusd = R"(#include "xpile_cpu.h"

static int32_t reference(int32_t acc, const uint8_t *a, const int8_t *b) {
  for (int k = 0; k < 4; ++k) acc += (int32_t)a[k] * (int32_t)b[k];
  return acc;
}

int main(void) {
  uint8_t a[64];
  int8_t b[64];
  int32_t acc[16], out[16];
  uint32_t state = 12345u;
  int failures = 0;
  for (int round = 0; round < 200; ++round) {
    for (int i = 0; i < 64; ++i) {
      state = state * 1664525u + 1013904223u;
      a[i] = round == 0 ? 255 : (uint8_t)(state >> 24);
      b[i] = round == 0 ? (int8_t)-128 : (int8_t)(state >> 16);
    }
    for (int i = 0; i < 16; ++i) acc[i] = round == 0 ? 2147483647 - 300000 : (int32_t)(state ^ (uint32_t)i * 2654435761u) / 4;
    __m512i va = _mm512_loadu_si512((const void *)a);
    __m512i vb = _mm512_loadu_si512((const void *)b);
    __m512i vacc = _mm512_loadu_si512((const void *)acc);
    __m512i r = _mm512_dpbusd_epi32(vacc, va, vb);
    _mm512_storeu_si512((void *)out, r);
    for (int i = 0; i < 16; ++i)
      if (out[i] != reference(acc[i], a + 4 * i, b + 4 * i)) ++failures;
  }
  int threads = 1;
#ifdef _OPENMP
#pragma omp parallel
  {
#pragma omp single
    threads = omp_get_num_threads();
  }
#endif
  printf("native %d failures %d threads>0 %d\n", XPILE_CPU_NATIVE_VNNI, failures, threads > 0);
  return failures != 0;
}
)";

RunResult compileAndRun(SourceLanguage language, std::vector<std::string> flags, std::vector<std::string> defines,
                        std::string *diagnostics) {
  CompileOptions options;
  options.cacheDir = test::sharedCacheDir();
  options.language = language;
  options.flags = std::move(flags);
  options.defines = std::move(defines);
  CompileResult c = compileProgram(kDpbusd, options);
  *diagnostics = c.diagnostics;
  if (!c.ok) return RunResult{};
  RunLimits limits;
  limits.timeoutSeconds = 60;
  return runSandboxed({c.executable}, {}, limits, "");
}

TEST(Vnni, SimdePathMatchesScalarReference) {
  std::string diagnostics;
  RunResult r = compileAndRun(SourceLanguage::Cxx, {}, {"XPILE_FORCE_SIMDE"}, &diagnostics);
  ASSERT_EQ(r.status, RunResult::Status::Ok) << diagnostics << r.out << r.err;
  EXPECT_EQ(r.out, "native 0 failures 0 threads>0 1\n");
}

TEST(Vnni, SimdePathInCWithOpenMP) {
  std::string diagnostics;
  RunResult r = compileAndRun(SourceLanguage::C, {"-fopenmp"}, {}, &diagnostics);
  ASSERT_EQ(r.status, RunResult::Status::Ok) << diagnostics << r.out << r.err;
  EXPECT_EQ(r.out, "native 0 failures 0 threads>0 1\n");
}

TEST(Vnni, NativePathMatchesScalarReference) {
  if (!cpuHasAvx512Vnni()) GTEST_SKIP() << "this CPU has no AVX-512 VNNI";
  std::string diagnostics;
  std::vector<std::string> flags = avx512VnniFlags();
  RunResult r = compileAndRun(SourceLanguage::Cxx, flags, {}, &diagnostics);
  ASSERT_EQ(r.status, RunResult::Status::Ok) << diagnostics << r.out << r.err;
  EXPECT_EQ(r.out, "native 1 failures 0 threads>0 1\n");
  // SIMDe compiled with native flags (it then uses the native instructions itself).
  RunResult forced = compileAndRun(SourceLanguage::Cxx, flags, {"XPILE_FORCE_SIMDE"}, &diagnostics);
  ASSERT_EQ(forced.status, RunResult::Status::Ok) << diagnostics << forced.out << forced.err;
  EXPECT_EQ(forced.out, "native 0 failures 0 threads>0 1\n");
}

TEST(Vnni, CpuFeatureAgreesWithProcCpuinfo) {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  bool vnni = false, f = false, bw = false, vl = false, dq = false;
  while (std::getline(in, line)) {
    if (line.compare(0, 5, "flags") != 0) continue;
    auto has = [&](const char *flag) { return (line + " ").find(std::string(" ") + flag + " ") != std::string::npos; };
    vnni = has("avx512_vnni"), f = has("avx512f"), bw = has("avx512bw"), vl = has("avx512vl"), dq = has("avx512dq");
    break;
  }
  EXPECT_EQ(cpuHasAvx512Vnni(), vnni && f && bw && vl && dq);
  ::setenv("XPILE_NO_NATIVE_VNNI", "1", 1);
  EXPECT_FALSE(cpuHasAvx512Vnni());
  ::unsetenv("XPILE_NO_NATIVE_VNNI");
  EXPECT_EQ(avx512VnniFlags().size(), 5u);
}

}  // namespace
}  // namespace xpile::exec
