#include "passes/pass.h"

namespace xpile::passes {

void PassContext::error(const ast::SourceLoc &loc, std::string message) {
  diagnostics.push_back({loc, Severity::Error, std::move(message)});
}
void PassContext::warning(const ast::SourceLoc &loc, std::string message) {
  diagnostics.push_back({loc, Severity::Warning, std::move(message)});
}
void PassContext::note(const ast::SourceLoc &loc, std::string message) {
  diagnostics.push_back({loc, Severity::Note, std::move(message)});
}
bool PassContext::hasErrors() const {
  for (const auto &d : diagnostics)
    if (d.severity == Severity::Error) return true;
  return false;
}

const char *severityName(Severity s) {
  switch (s) {
  case Severity::Error: return "error";
  case Severity::Warning: return "warning";
  case Severity::Note: return "note";
  }
  return "error";
}

}  // namespace xpile::passes
