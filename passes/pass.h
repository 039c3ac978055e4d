// What every pass shares: the context a pass reports into (diagnostics, the parameters it used,
// what it changed). A pass is one file with one entry function of the shape
//
//     bool someTransform(ast::Module &module, const SomeOptions &options, PassContext &ctx);
//
// that mutates the module in place, returns false when it could not apply (with an error in ctx
// saying where and why), and sets module.dialect when the module's dialect changes.
#pragma once

#include "ast/module.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace xpile::passes {

enum class Severity { Error, Warning, Note };

struct Diagnostic {
  ast::SourceLoc loc;  // may be invalid for whole-module findings
  Severity severity = Severity::Error;
  std::string message;
};

struct PassContext {
  ast::Dialect source = ast::Dialect::C;  // of the whole translation
  ast::Dialect target = ast::Dialect::C;
  std::vector<Diagnostic> diagnostics;
  // The parameters this run used: the search space a tuner explores (split factors, orders, block
  // sizes, vector widths). Passes record every parameter they decided, chosen or defaulted.
  nlohmann::json params = nlohmann::json::object();
  // What changed, for the report: {"kernels_recovered": 2, "calls_mapped": 14}.
  nlohmann::json stats = nlohmann::json::object();

  void error(const ast::SourceLoc &loc, std::string message);
  void warning(const ast::SourceLoc &loc, std::string message);
  void note(const ast::SourceLoc &loc, std::string message);
  bool hasErrors() const;
};

const char *severityName(Severity s);  // "error", "warning", "note"

}  // namespace xpile::passes
