#include "frontends/dialect_detection.h"

#include <clang/Basic/LangOptions.h>
#include <clang/Lex/Lexer.h>

#include <algorithm>
#include <vector>

namespace xpile::frontends {

namespace {

bool endsWith(const std::string &s, const std::string &suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The identifiers and header names of a source, from Clang's raw lexer (comments and string
// contents are not identifiers, so a comment mentioning __global__ does not count).
struct Vocabulary {
  std::vector<std::string> identifiers;
  std::vector<std::string> includes;

  bool has(const char *id) const { return std::find(identifiers.begin(), identifiers.end(), id) != identifiers.end(); }
  bool hasPrefix(const char *prefix) const {
    return std::any_of(identifiers.begin(), identifiers.end(), [&](const std::string &s) { return s.rfind(prefix, 0) == 0; });
  }
  bool includes_(const char *header) const {
    return std::find(includes.begin(), includes.end(), header) != includes.end();
  }
};

Vocabulary scan(const std::string &source) {
  Vocabulary v;
  clang::LangOptions opts;
  opts.CPlusPlus = true;
  opts.CPlusPlus17 = true;
  clang::Lexer lexer(clang::SourceLocation(), opts, source.data(), source.data(), source.data() + source.size());
  lexer.SetCommentRetentionState(false);
  clang::Token tok;
  bool afterHash = false;
  while (!lexer.LexFromRawLexer(tok)) {
    if (tok.is(clang::tok::hash) && tok.isAtStartOfLine()) {
      afterHash = true;
      continue;
    }
    if (afterHash && tok.is(clang::tok::raw_identifier) && tok.getRawIdentifier() == "include") {
      // Header names are lexed as one angled string in directive mode; read the rest of the line.
      const char *start = source.data() + lexer.getCurrentBufferOffset();
      const char *end = start;
      while (end < source.data() + source.size() && *end != '\n') ++end;
      std::string rest(start, end);
      auto open = rest.find_first_of("<\"");
      auto close = rest.find_first_of(">\"", open + 1);
      if (open != std::string::npos && close != std::string::npos) v.includes.push_back(rest.substr(open + 1, close - open - 1));
      afterHash = false;
      continue;
    }
    afterHash = false;
    if (tok.is(clang::tok::raw_identifier)) v.identifiers.push_back(tok.getRawIdentifier().str());
  }
  return v;
}

}  // namespace

std::optional<ast::Dialect> detectDialect(const std::string &path, const std::string &source) {
  using ast::Dialect;
  if (endsWith(path, ".cu") || endsWith(path, ".cuh")) return Dialect::CUDA;
  if (endsWith(path, ".hip") || endsWith(path, ".hip.cpp") || endsWith(path, ".hip.h")) return Dialect::HIP;
  if (endsWith(path, ".mlu") || endsWith(path, ".mluh")) return Dialect::BANG;

  bool cFamily = false;
  for (const char *ext : {".c", ".cc", ".cpp", ".cxx", ".h", ".hpp", ".hh"})
    cFamily |= endsWith(path, ext);
  if (!cFamily) return std::nullopt;

  // Content decides between the dialects that share C/C++ extensions.
  Vocabulary v = scan(source);
  if (v.includes_("hip/hip_runtime.h") || v.includes_("hip/hip_runtime_api.h") || v.has("hipLaunchKernelGGL") ||
      v.hasPrefix("hipMalloc"))
    return Dialect::HIP;
  if (v.includes_("bang.h") || v.includes_("cnrt.h") || v.includes_("mlu.h") || v.has("__mlu_global__") ||
      v.has("__mlu_entry__"))
    return Dialect::BANG;
  if (v.includes_("cuda_runtime.h") || v.includes_("cuda.h") || v.has("__global__") || v.hasPrefix("cudaMalloc"))
    return Dialect::CUDA;
  if (v.includes_("immintrin.h") || v.hasPrefix("_mm512_") || v.hasPrefix("_mm256_dpbusd")) return Dialect::VNNI;
  return Dialect::C;
}

bool isCSource(const std::string &path, ast::Dialect dialect) {
  return (dialect == ast::Dialect::C || dialect == ast::Dialect::VNNI) && (endsWith(path, ".c") || endsWith(path, ".h"));
}

}  // namespace xpile::frontends
