// The front end: parse a source file of any dialect with Clang 16 against xpile's prelude headers
// and lower Clang's AST into the shared AST.
#pragma once

#include "ast/module.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace clang {
class FrontendAction;
}

namespace xpile::frontends {

struct ParseOptions {
  std::optional<ast::Dialect> dialect;     // --from; detected from name and content when empty
  std::vector<std::string> extraArgs;      // user flags: -I, -D, -U, -isystem, -include, -std
  std::string compilationDatabaseDir;      // -p: take -I/-D/... for the file from compile_commands.json
  bool showWarnings = true;
  bool lower = true;  // false: Clang's parse and semantic checks only (a syntax-and-type check)
};

struct ParseResult {
  std::optional<ast::Module> module;  // empty when Clang reported errors (or when not lowering)
  std::string diagnostics;            // Clang's diagnostics, `file:line:col: error: ...` with source and caret
  unsigned errorCount = 0;
  unsigned warningCount = 0;
};

// Parses `path` from disk. A missing or unreadable file is reported as a diagnostic.
ParseResult parseFile(const std::string &path, const ParseOptions &opts);

// Parses `source` as if it were the file `path` (for tests, the fuzzer, and re-parsing printed output).
ParseResult parseSource(const std::string &path, const std::string &source, const ParseOptions &opts);

// Runs any Clang action over `source` (as the file `path`) with exactly the configuration
// parseSource uses: the dialect's flags, the prelude headers, -p and user flags. For tools that
// need Clang's own AST and source locations (source-preserving rewriting, checks). The result
// carries Clang's diagnostics; `module` stays empty.
using ActionFactory = std::function<std::unique_ptr<clang::FrontendAction>(ast::Dialect dialect, bool isCxx)>;
ParseResult runClangAction(const std::string &path, const std::string &source, const ParseOptions &opts,
                           const ActionFactory &makeAction);

// The Clang command line used for a dialect (without the input file), e.g. for `xpile dump --print-flags`.
std::vector<std::string> clangArguments(ast::Dialect dialect, bool isC);

// Where the prelude headers are mounted in Clang's virtual file system.
constexpr const char *kPreludeRoot = "/xpile-prelude";

}  // namespace xpile::frontends
