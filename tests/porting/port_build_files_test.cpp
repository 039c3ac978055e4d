// Build files ported to HIP: CMake through its command grammar and Makefiles word by word, each
// against the text written by hand; bytes outside the edits stay identical.
#include "porting/build_files.h"
#include "porting/build_files_cmake_tokens.h"

#include <gtest/gtest.h>

using namespace xpile::porting;

namespace {

std::string ported(BuildFileKind kind, const std::string &text, BuildFileOptions options = {}) {
  BuildFileRewrite r = kind == BuildFileKind::CMake ? rewriteCMake("CMakeLists.txt", text, options)
                                                    : rewriteMakefile("Makefile", text, options);
  EXPECT_TRUE(r.parsed);
  return applyTextEdits(text, r.edits);
}

}  // namespace

TEST(CMakeTokens, ArgumentsOfEveryKindWithOffsets) {
  std::string text = "# comment (\nfoo(a \"b c\" [=[d)]=] e(f) #[[ x ]] g\\ h)\nBar ()\n";
  CMakeTokens t = tokenizeCMake(text);
  ASSERT_EQ(t.error, "");
  ASSERT_EQ(t.commands.size(), 2u);
  const auto &args = t.commands[0].args;
  std::vector<std::string> texts;
  for (const auto &a : args) texts.push_back(a.text);
  EXPECT_EQ(texts, (std::vector<std::string>{"a", "b c", "d)", "e", "(", "f", ")", "g\\ h"}));
  EXPECT_EQ(args[1].kind, CMakeArgument::Kind::Quoted);
  EXPECT_EQ(args[2].kind, CMakeArgument::Kind::Bracket);
  EXPECT_EQ(text.substr(args[1].offset, args[1].length), "\"b c\"");
  EXPECT_EQ(text.substr(args[2].contentOffset, args[2].text.size()), "d)");
  EXPECT_EQ(cmakeCommandKey(t.commands[1]), "bar");
  EXPECT_TRUE(t.commands[1].args.empty());
}

TEST(CMakeTokens, UnterminatedQuoteIsAnErrorWithItsOffset) {
  CMakeTokens t = tokenizeCMake("set(A 1)\nset(B \"oops)\n");
  EXPECT_NE(t.error, "");
  EXPECT_EQ(t.errorOffset, 15u);
}

TEST(CMakeRewrite, LanguagesArchitecturesPackagesTargetsAndSources) {
  BuildFileOptions options;
  options.projectLibraries = {"cudart", "cublas", "curand"};
  std::string in =
      "project(demo LANGUAGES CXX CUDA) # CUDA stays in comments\n"
      "enable_language(CUDA)\n"
      "set(CMAKE_CUDA_ARCHITECTURES 70 80)\n"
      "set(CMAKE_CUDA_STANDARD 17)\n"
      "  find_package(CUDAToolkit 11.0 REQUIRED)\n"
      "add_library(k STATIC a.cu \"b/c.cu\" d.cuh)\n"
      "set_target_properties(k PROPERTIES CUDA_ARCHITECTURES \"70;80\" POSITION_INDEPENDENT_CODE ON)\n"
      "target_link_libraries(k PUBLIC CUDA::cudart PRIVATE CUDA::cublas CUDA::curand)\n"
      "file(GLOB SRCS src/*.cu)\n"
      "if(CMAKE_CUDA_COMPILER)\n"
      "  message(STATUS \"flags: ${CMAKE_CUDA_FLAGS}\")\n"
      "endif()\n";
  std::string want =
      "project(demo LANGUAGES CXX HIP) # CUDA stays in comments\n"
      "enable_language(HIP)\n"
      "set(CMAKE_HIP_ARCHITECTURES gfx90a)\n"
      "set(CMAKE_HIP_STANDARD 17)\n"
      "  find_package(hip REQUIRED)\n"
      "  find_package(hipblas REQUIRED)\n"
      "  find_package(hiprand REQUIRED)\n"
      "add_library(k STATIC a.hip \"b/c.hip\" d.cuh)\n"
      "set_target_properties(k PROPERTIES HIP_ARCHITECTURES \"gfx90a\" POSITION_INDEPENDENT_CODE ON)\n"
      "target_link_libraries(k PUBLIC hip::host PRIVATE roc::hipblas hip::hiprand)\n"
      "file(GLOB SRCS src/*.hip)\n"
      "if(CMAKE_HIP_COMPILER)\n"
      "  message(STATUS \"flags: ${CMAKE_HIP_FLAGS}\")\n"
      "endif()\n";
  EXPECT_EQ(ported(BuildFileKind::CMake, in, options), want);
}

TEST(CMakeRewrite, NvccFlagsAndGeneratorExpressions) {
  std::string in = "set(CMAKE_CUDA_FLAGS \"${CMAKE_CUDA_FLAGS} --use_fast_math -lineinfo -arch=sm_80\")\n"
                   "target_compile_options(k PRIVATE $<$<COMPILE_LANGUAGE:CUDA>:--expt-relaxed-constexpr> -Xcompiler=-fPIC,-Wall)\n";
  std::string want = "set(CMAKE_HIP_FLAGS \"${CMAKE_HIP_FLAGS} -ffast-math -gline-tables-only --offload-arch=gfx90a\")\n"
                     "target_compile_options(k PRIVATE $<$<COMPILE_LANGUAGE:HIP>:> -fPIC -Wall)\n";
  EXPECT_EQ(ported(BuildFileKind::CMake, in), want);
}

TEST(CMakeRewrite, SettingsWithoutEquivalentAreKeptAndDiagnosed) {
  std::string in = "set_target_properties(k PROPERTIES CUDA_SEPARABLE_COMPILATION ON)\n";
  BuildFileRewrite r = rewriteCMake("x/CMakeLists.txt", in, {});
  EXPECT_EQ(applyTextEdits(in, r.edits), in);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].file, "x/CMakeLists.txt");
  EXPECT_EQ(r.diagnostics[0].line, 1u);
  EXPECT_EQ(r.diagnostics[0].column, 36u);
  EXPECT_EQ(r.diagnostics[0].check, "hip-build-setting-without-equivalent");
  ASSERT_EQ(r.kept.size(), 1u);
  EXPECT_EQ(r.kept[0].text, "CUDA_SEPARABLE_COMPILATION");
}

TEST(CMakeRewrite, SyntaxErrorLeavesTheFileAlone) {
  BuildFileRewrite r = rewriteCMake("CMakeLists.txt", "project(x LANGUAGES CUDA\n", {});
  EXPECT_FALSE(r.parsed);
  EXPECT_TRUE(r.edits.empty());
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].level, Diagnostic::Level::Error);
}

TEST(MakefileRewrite, AssignmentsRulesAndRecipes) {
  std::string in = "# nvcc -arch=sm_80 in a comment stays\n"
                   "CUDA_PATH ?= /usr/local/cuda\n"
                   "NVCC := $(CUDA_PATH)/bin/nvcc\n"
                   "FLAGS = -O2 -arch=sm_80 -Xcompiler -fPIC --expt-extended-lambda\n"
                   "LIBS := -L$(CUDA_PATH)/lib64 -lcudart -lcublas -lcurand\n"
                   "SRCS := $(wildcard src/*.cu) main.cu\n"
                   "OBJS := $(SRCS:.cu=.o)\n"
                   "%.o: %.cu common.cuh\n"
                   "\tnvcc $(FLAGS) -gencode arch=compute_70,code=sm_70 -gencode arch=compute_80,code=sm_80 -c $< -o $@\n"
                   "app: $(OBJS)\n"
                   "\t$(NVCC) -o $@ $^ $(LIBS)\n";
  std::string want = "# nvcc -arch=sm_80 in a comment stays\n"
                     "CUDA_PATH ?= /opt/rocm\n"
                     "NVCC := hipcc\n"
                     "FLAGS = -O2 --offload-arch=gfx90a -fPIC\n"
                     "LIBS := -L/opt/rocm/lib -lhipblas -lhiprand\n"
                     "SRCS := $(wildcard src/*.hip) main.hip\n"
                     "OBJS := $(SRCS:.hip=.o)\n"
                     "%.o: %.hip common.cuh\n"
                     "\thipcc $(FLAGS) --offload-arch=gfx90a -c $< -o $@\n"
                     "app: $(OBJS)\n"
                     "\t$(NVCC) -o $@ $^ $(LIBS)\n";
  EXPECT_EQ(ported(BuildFileKind::Makefile, in), want);
}

TEST(MakefileRewrite, ContinuationLinesAndKeptNames) {
  BuildFileOptions options;
  options.renameCudaSources = false;
  std::string in = "FLAGS = -O3 \\\n\t-arch=sm_90 \\\n\t-lineinfo\nall: a.cu\n\tnvcc -x cu a.cu\n";
  std::string want = "FLAGS = -O3 \\\n\t--offload-arch=gfx90a \\\n\t-gline-tables-only\nall: a.cu\n\thipcc -x hip a.cu\n";
  EXPECT_EQ(ported(BuildFileKind::Makefile, in, options), want);
}

TEST(BuildFiles, KindsAndLibrariesReferenced) {
  EXPECT_EQ(buildFileKind("a/CMakeLists.txt"), BuildFileKind::CMake);
  EXPECT_EQ(buildFileKind("cmake/cuda.cmake"), BuildFileKind::CMake);
  EXPECT_EQ(buildFileKind("GNUmakefile"), BuildFileKind::Makefile);
  EXPECT_EQ(buildFileKind("rules.mk"), BuildFileKind::Makefile);
  EXPECT_EQ(buildFileKind("main.cu"), BuildFileKind::None);
  EXPECT_EQ(cudaLibrariesReferenced(BuildFileKind::CMake,
                                    "# CUDA::cufft only in a comment\ntarget_link_libraries(a CUDA::cublas_static curand)\n"),
            (std::set<std::string>{"cublas", "curand"}));
  EXPECT_EQ(cudaLibrariesReferenced(BuildFileKind::Makefile, "# -lcufft\nLIBS = -lcudart -lcusparse\n"),
            (std::set<std::string>{"cudart", "cusparse"}));
}
