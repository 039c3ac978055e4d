// Compiling programs under test with clang++-16 against the embedded runtime headers, with a cache.
#include "backends/exec/compiler.h"
#include "backends/exec/runtime_headers.h"
#include "backends/exec/sandbox.h"
#include "tests/exec/test_util.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sys/stat.h>
#include <thread>

namespace xpile::exec {
namespace {

TEST(RuntimeHeaders, AllAreEmbedded) {
  std::set<std::string> names;
  for (const RuntimeHeader &h : runtimeHeaders()) {
    names.insert(h.name);
    // The runtime is flat; only the SDK's header names sit in sdk/ (sdk/hip/hip_runtime.h).
    if (h.name.find('/') != std::string::npos) EXPECT_EQ(h.name.rfind("sdk/", 0), 0u) << h.name;
    EXPECT_FALSE(h.contents.empty()) << h.name;
  }
  for (const char *name : {"xpile_rt.h", "xpile_trace.h", "xpile_harness.h", "xpile_cpu.h", "sdk/cuda_runtime.h",
                           "sdk/hip/hip_runtime.h"})
    EXPECT_TRUE(names.count(name)) << name;
  // Exactly the files of the source tree.
  std::string src = XPILE_SOURCE_DIR;
  EXPECT_EQ(test::readText(src + "/backends/runtime/xpile_rt.h"),
            std::find_if(runtimeHeaders().begin(), runtimeHeaders().end(), [](const RuntimeHeader &h) { return h.name == "xpile_rt.h"; })
                ->contents);
  EXPECT_EQ(runtimeHeadersHash().size(), 16u);
}

TEST(RuntimeHeaders, MaterializeOnce) {
  test::TempDir root;
  std::string error;
  std::string dir = materializeRuntimeHeaders(root.path() + "/cache", &error);
  ASSERT_FALSE(dir.empty()) << error;
  EXPECT_EQ(dir, root.path() + "/cache/runtime-" + runtimeHeadersHash());
  for (const RuntimeHeader &h : runtimeHeaders()) EXPECT_EQ(test::readText(dir + "/" + h.name), h.contents) << h.name;

  struct stat before;
  ASSERT_EQ(::stat((dir + "/xpile_rt.h").c_str(), &before), 0);
  ::unlink((dir + "/xpile_trace.h").c_str());  // proves the second call does not write again
  EXPECT_EQ(materializeRuntimeHeaders(root.path() + "/cache", &error), dir);
  struct stat after;
  ASSERT_EQ(::stat((dir + "/xpile_rt.h").c_str(), &after), 0);
  EXPECT_EQ(before.st_ino, after.st_ino);
  EXPECT_FALSE(std::filesystem::exists(dir + "/xpile_trace.h"));

  // Only the final directory is left: no temporaries.
  size_t entries = 0;
  for (const auto &e : std::filesystem::directory_iterator(root.path() + "/cache")) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 1u);
}

TEST(RuntimeHeaders, ConcurrentMaterializeAndDefaultRoot) {
  test::TempDir root;
  std::vector<std::thread> threads;
  std::vector<std::string> dirs(8);
  for (size_t i = 0; i < dirs.size(); ++i)
    threads.emplace_back([&, i] { dirs[i] = materializeRuntimeHeaders(root.path(), nullptr); });
  for (std::thread &t : threads) t.join();
  for (const std::string &d : dirs) EXPECT_EQ(d, root.path() + "/runtime-" + runtimeHeadersHash());
  size_t entries = 0;
  for (const auto &e : std::filesystem::directory_iterator(root.path())) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 1u);

  // The default form honours XPILE_CACHE_DIR.
  const char *old = std::getenv("XPILE_CACHE_DIR");
  std::string saved = old ? old : "";
  ::setenv("XPILE_CACHE_DIR", (root.path() + "/env").c_str(), 1);
  EXPECT_EQ(cacheRoot(), root.path() + "/env");
  EXPECT_EQ(materializeRuntimeHeaders(), root.path() + "/env/runtime-" + runtimeHeadersHash());
  ::unsetenv("XPILE_CACHE_DIR");
  ::setenv("XDG_CACHE_HOME", "/xdg", 1);
  EXPECT_EQ(cacheRoot(), "/xdg/xpile");
  ::unsetenv("XDG_CACHE_HOME");
  if (old) ::setenv("XPILE_CACHE_DIR", saved.c_str(), 1);
}

const char *kHello = R"(#include "xpile_rt.h"
#include <cstdio>
int main() {
  std::printf("hello %d %s\n", 42, xpile::rt::dtypeName(xpile::rt::dtypeOf<float>()));
  return 0;
}
)";

TEST(Compiler, CompilesRunsAndCaches) {
  test::TempDir cache;
  CompileOptions options;
  options.cacheDir = cache.path();
  CompileResult first = compileProgram(kHello, options);
  ASSERT_TRUE(first.ok) << first.diagnostics;
  EXPECT_FALSE(first.cached);
  // CACHE/programs/<32 hex digits>/prog
  ASSERT_EQ(first.executable.size(), cache.path().size() + std::string("/programs/").size() + 32 + 5);
  EXPECT_EQ(first.executable.substr(0, cache.path().size() + 10), cache.path() + "/programs/");
  EXPECT_EQ(first.executable.substr(first.executable.size() - 5), "/prog");
  EXPECT_EQ(first.sourcePath, first.executable + ".cpp");
  EXPECT_NE(first.command.find("-std=c++17"), std::string::npos);
  EXPECT_NE(first.command.find("-O2"), std::string::npos);
  EXPECT_NE(first.command.find("-I" + cache.path() + "/runtime-"), std::string::npos);
  RunResult run = runSandboxed({first.executable}, {}, {}, "");
  EXPECT_EQ(run.status, RunResult::Status::Ok);
  EXPECT_EQ(run.out, "hello 42 f32\n");

  CompileResult second = compileProgram(kHello, options);
  ASSERT_TRUE(second.ok);
  EXPECT_TRUE(second.cached);
  EXPECT_EQ(second.executable, first.executable);
  EXPECT_LT(second.seconds, 0.2);

  // Other flags or defines: another program.
  options.defines = {"XPILE_TEST_DEFINE=1"};
  CompileResult third = compileProgram(kHello, options);
  ASSERT_TRUE(third.ok);
  EXPECT_FALSE(third.cached);
  EXPECT_NE(third.executable, first.executable);

  // useCache = false compiles again.
  options.defines = {};
  options.useCache = false;
  CompileResult fourth = compileProgram(kHello, options);
  ASSERT_TRUE(fourth.ok);
  EXPECT_FALSE(fourth.cached);
  EXPECT_EQ(fourth.executable, first.executable);
}

TEST(Compiler, ErrorsAreReturnedWithFileAndLine) {
  CompileOptions options;
  options.cacheDir = test::sharedCacheDir();
  CompileResult r = compileProgram("int main() {\n  int x = 1;\n  return y;\n}\n", options);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(r.executable.empty());
  EXPECT_NE(r.diagnostics.find(r.sourcePath + ":3:10: error: use of undeclared identifier 'y'"), std::string::npos)
      << r.diagnostics;

  // A display name replaces the cache path in the diagnostics; line numbers are unchanged.
  options.displayName = "vadd.cu.exec.cpp";
  CompileResult named = compileProgram("int main() {\n  int x = 1;\n  return y;\n}\n", options);
  EXPECT_FALSE(named.ok);
  EXPECT_NE(named.diagnostics.find("vadd.cu.exec.cpp:3:10: error: use of undeclared identifier 'y'"), std::string::npos)
      << named.diagnostics;
  EXPECT_FALSE(named.cached);

  // A compiler that does not exist.
  options.compiler = "/nonexistent/clang++";
  CompileResult missing = compileProgram("int main() {}\n", options);
  EXPECT_FALSE(missing.ok);
  EXPECT_NE(missing.diagnostics.find("cannot execute '/nonexistent/clang++'"), std::string::npos) << missing.diagnostics;
}

TEST(Compiler, CSourceAndOpenMP) {
  CompileOptions options;
  options.cacheDir = test::sharedCacheDir();
  options.language = SourceLanguage::C;
  options.flags = {"-fopenmp"};
  // Valid C but not C++ (implicit conversion from void *), and OpenMP.
  CompileResult r = compileProgram(R"(#include <stdio.h>
#include <stdlib.h>
#include <omp.h>
int main(void) {
  int *v = malloc(100 * sizeof(int));
  long sum = 0;
#pragma omp parallel for reduction(+ : sum)
  for (int i = 0; i < 100; ++i) { v[i] = i; sum += i; }
  printf("%ld %d\n", sum, omp_get_max_threads() >= 1);
  free(v);
  return 0;
}
)",
                                   options);
  ASSERT_TRUE(r.ok) << r.diagnostics;
  EXPECT_NE(r.command.find("-std=c11"), std::string::npos);
  EXPECT_EQ(r.sourcePath.substr(r.sourcePath.size() - 7), "/prog.c");
  RunResult run = runSandboxed({r.executable}, {}, {}, "");
  EXPECT_EQ(run.status, RunResult::Status::Ok) << run.err;
  EXPECT_EQ(run.out, "4950 1\n");
}

TEST(Compiler, SeveralSourcesOfDifferentLanguages) {
  CompileOptions options;
  options.cacheDir = test::sharedCacheDir();
  std::vector<SourceFile> sources = {
      {"int twice(int x) { int *p = (void *)0; (void)p; return 2 * x; }\n", SourceLanguage::C, "kernel.c"},
      {"#include <cstdio>\nextern \"C\" int twice(int);\nint main() { std::printf(\"%d\\n\", twice(21)); }\n",
       SourceLanguage::Cxx, "main.cpp"},
  };
  CompileResult r = compileProgram(sources, options);
  ASSERT_TRUE(r.ok) << r.diagnostics;
  RunResult run = runSandboxed({r.executable}, {}, {}, "");
  EXPECT_EQ(run.out, "42\n");
  EXPECT_TRUE(compileProgram(sources, options).cached);

  sources[0].text = "int twice(int x) { return 2 * x }\n";
  CompileResult bad = compileProgram(sources, options);
  EXPECT_FALSE(bad.ok);
  EXPECT_NE(bad.diagnostics.find("kernel.c:1:"), std::string::npos) << bad.diagnostics;
}

TEST(Compiler, FindsClang) {
  std::string error;
  std::string clang = findClang(&error);
  ASSERT_FALSE(clang.empty()) << error;
  EXPECT_NE(clang.find("clang++-16"), std::string::npos);
}

}  // namespace
}  // namespace xpile::exec
