#include "checks/check.h"

#include <clang/Basic/LangOptions.h>
#include <clang/Lex/Lexer.h>

namespace xpile::checks {

namespace {

// Fills file/offset/line/column (and the underlined length) of a diagnostic or note from a
// Clang location, taking macro locations to where the user wrote them.
void locate(const clang::SourceManager &sm, CheckDiagnostic &d, clang::SourceLocation loc, clang::SourceRange highlight) {
  loc = sm.getFileLoc(loc);
  clang::PresumedLoc p = sm.getPresumedLoc(loc, /*UseLineDirectives=*/false);
  if (p.isInvalid()) return;
  d.file = p.getFilename();
  d.offset = sm.getFileOffset(loc);
  d.line = p.getLine();
  d.column = p.getColumn();
  if (highlight.isValid()) {
    clang::SourceLocation begin = sm.getFileLoc(highlight.getBegin()), end = sm.getFileLoc(highlight.getEnd());
    end = clang::Lexer::getLocForEndOfToken(end, 0, sm, clang::LangOptions());
    if (begin == loc && end.isValid() && sm.getFileID(end) == sm.getFileID(loc) && sm.getFileOffset(end) > d.offset)
      d.length = sm.getFileOffset(end) - d.offset;
  }
}

}  // namespace

CheckDiagnostic &Check::diag(const clang::SourceManager &sm, clang::SourceLocation loc, const std::string &message,
                             clang::SourceRange highlight) {
  CheckDiagnostic d;
  d.check = name_;
  d.message = message;
  locate(sm, d, loc, highlight);
  context_.diagnostics.push_back(std::move(d));
  return context_.diagnostics.back();
}

CheckDiagnostic &Check::diag(const std::string &file, unsigned offset, unsigned line, unsigned column,
                             const std::string &message) {
  CheckDiagnostic d;
  d.check = name_;
  d.file = file;
  d.offset = offset;
  d.line = line;
  d.column = column;
  d.message = message;
  context_.diagnostics.push_back(std::move(d));
  return context_.diagnostics.back();
}

void Check::note(const clang::SourceManager &sm, CheckDiagnostic &d, clang::SourceLocation loc,
                 const std::string &message, clang::SourceRange highlight) {
  CheckDiagnostic n;
  n.level = CheckDiagnostic::Level::Note;
  n.check = d.check;
  n.message = message;
  locate(sm, n, loc, highlight);
  d.notes.push_back(std::move(n));
}

void Check::fix(const clang::SourceManager &sm, CheckDiagnostic &d, clang::CharSourceRange range,
                const std::string &replacement) {
  d.fixes.emplace_back(sm, range, replacement, clang::LangOptions());
}

}  // namespace xpile::checks
