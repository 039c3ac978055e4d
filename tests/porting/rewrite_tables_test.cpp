// The library mapping tables (porting/data/*.json): every entry names a declaration of the real
// headers. Headers are scanned with Clang's raw lexer (identifier tokens; comments and literals
// are not identifiers). The CUDA side is checked against /usr/local/cuda/include; the HIP side
// against the packaged ROCm headers (hipRAND, hipSPARSE, rocPRIM for hipCUB), and tables whose
// ROCm library is not packaged must say so.
#include "porting/library_tables.h"

#include <clang/Basic/LangOptions.h>
#include <clang/Lex/Lexer.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace xpile::porting {
namespace {

namespace fs = std::filesystem;

std::set<std::string> identifierTokens(const fs::path &root, const std::vector<std::string> &prefixes) {
  std::set<std::string> ids;
  if (!fs::exists(root)) return ids;
  std::vector<fs::path> files;
  if (fs::is_directory(root)) {
    for (const auto &e : fs::recursive_directory_iterator(root)) {
      std::string name = e.path().filename().string();
      bool wanted = prefixes.empty();
      for (const auto &p : prefixes) wanted |= name.rfind(p, 0) == 0;
      auto ext = e.path().extension();
      if (e.is_regular_file() && wanted && (ext == ".h" || ext == ".hpp" || ext == ".cuh" || ext == ".inl")) files.push_back(e.path());
    }
  } else {
    files.push_back(root);
  }
  clang::LangOptions lang;
  lang.CPlusPlus = lang.CPlusPlus17 = true;
  for (const auto &f : files) {
    std::ifstream in(f);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    clang::Lexer lexer(clang::SourceLocation(), lang, text.data(), text.data(), text.data() + text.size());
    clang::Token tok;
    while (!lexer.LexFromRawLexer(tok)) {
      if (tok.is(clang::tok::raw_identifier)) ids.insert(tok.getRawIdentifier().str());
    }
    if (tok.is(clang::tok::raw_identifier)) ids.insert(tok.getRawIdentifier().str());
  }
  return ids;
}

std::string lastComponent(const std::string &q) {
  auto p = q.rfind("::");
  return p == std::string::npos ? q : q.substr(p + 2);
}

const fs::path kCuda = "/usr/local/cuda/include";

TEST(RewriteTables, EveryLibraryIsEmbedded) {
  const auto &t = portingTables();
  std::set<std::string> libs;
  for (const auto &l : t.libraries) libs.insert(l.library);
  EXPECT_EQ(libs, (std::set<std::string>{"cublas", "cub", "cudnn", "cufft", "curand", "cusparse", "thrust"}));
  EXPECT_EQ(t.names.at("cublasSgemm").to, "hipblasSgemm");
  EXPECT_EQ(t.names.at("cublasSgemm_v2").to, "hipblasSgemm");
  EXPECT_EQ(t.names.at("curandCreateGenerator").to, "hiprandCreateGenerator");
  EXPECT_EQ(t.names.at("curand_init").to, "hiprand_init");
  EXPECT_EQ(t.names.at("cufftPlan1d").to, "hipfftPlan1d");
  EXPECT_EQ(t.names.at("cusparseCreate").to, "hipsparseCreate");
  EXPECT_EQ(t.names.at("cudnnCreate").to, "miopenCreate");
  EXPECT_EQ(t.names.at("cudaMalloc").to, "hipMalloc");  // the runtime table, reused
  EXPECT_EQ(t.includes.at("cublas_v2.h").first, "hipblas/hipblas.h");
  EXPECT_EQ(t.includes.at("curand_kernel.h").first, "hiprand/hiprand_kernel.h");
  EXPECT_EQ(t.namespaces.at("cub").first, "hipcub");
  EXPECT_TRUE(t.noEquivalent.count("cudnnConvolutionForward"));
  EXPECT_TRUE(t.noEquivalent.count("cublasCgemm_v2"));  // complex types differ in hipBLAS
}

TEST(RewriteTables, CudaSideNamesDeclarationsOfTheRealHeaders) {
  if (!fs::is_directory(kCuda)) GTEST_SKIP() << "CUDA headers not installed at " << kCuda;
  std::map<std::string, std::set<std::string>> ids;
  ids["cublas"] = identifierTokens(kCuda, {"cublas"});
  ids["curand"] = identifierTokens(kCuda, {"curand"});
  ids["cufft"] = identifierTokens(kCuda, {"cufft"});
  ids["cusparse"] = identifierTokens(kCuda, {"cusparse"});
  ids["cudnn"] = identifierTokens(kCuda, {"cudnn"});
  ids["cub"] = identifierTokens(kCuda / "cccl/cub", {});
  ids["thrust"] = identifierTokens(kCuda / "cccl/thrust/system/cuda", {});
  size_t checked = 0;
  for (const auto &lib : portingTables().libraries) {
    ASSERT_TRUE(ids.count(lib.library)) << lib.library;
    ASSERT_FALSE(lib.cudaNames.empty()) << lib.library;
    for (const auto &cuda : lib.cudaNames) {
      for (const auto &part : {lastComponent(cuda), cuda.substr(0, cuda.find("::"))})
        EXPECT_TRUE(ids[lib.library].count(part)) << lib.library << ": " << cuda << " is not declared in " << kCuda;
      ++checked;
    }
  }
  EXPECT_GT(checked, 900u);
}

TEST(RewriteTables, HipSideNamesDeclarationsWherePackaged) {
  std::map<std::string, fs::path> packaged = {{"curand", "/usr/include/hiprand"}, {"cusparse", "/usr/include/hipsparse"}};
  for (const auto &lib : portingTables().libraries) {
    if (!lib.hipChecked) {
      EXPECT_FALSE(lib.hipNotCheckable.empty()) << lib.library << " must say why its HIP side is not checked";
      continue;
    }
    ASSERT_TRUE(packaged.count(lib.library)) << lib.library;
    if (!fs::is_directory(packaged[lib.library])) GTEST_SKIP() << packaged[lib.library] << " not installed";
    auto ids = identifierTokens(packaged[lib.library], {});
    for (const auto &e : lib.entries) EXPECT_TRUE(ids.count(e.to)) << e.to << " is not declared in " << packaged[lib.library];
  }
}

TEST(RewriteTables, HipCubCounterpartsExistInRocPrim) {
  if (!fs::is_directory("/usr/include/rocprim")) GTEST_SKIP() << "rocPRIM headers not installed";
  auto ids = identifierTokens("/usr/include/rocprim", {});
  std::ifstream in(std::string(XPILE_SOURCE_DIR) + "/porting/data/cub.json");
  std::stringstream ss;
  ss << in.rdbuf();
  auto j = nlohmann::json::parse(ss.str());
  size_t count = 0;
  for (const auto &[cub, rocprim] : j.at("rocprim_counterparts").items()) {
    std::string name = lastComponent(rocprim.get<std::string>());
    EXPECT_TRUE(ids.count(name)) << cub << " -> " << rocprim << ": not declared in /usr/include/rocprim";
    ++count;
  }
  EXPECT_GE(count, 10u);
}

}  // namespace
}  // namespace xpile::porting
