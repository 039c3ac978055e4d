#include "checks/nolint.h"

#include "checks/glob_list.h"

#include <clang/Basic/LangOptions.h>
#include <clang/Lex/Lexer.h>

namespace xpile::checks {

void lineAndColumn(llvm::StringRef contents, unsigned offset, unsigned &line, unsigned &column) {
  line = 1;
  size_t lineStart = 0;
  for (size_t i = 0; i < offset && i < contents.size(); ++i)
    if (contents[i] == '\n') {
      ++line;
      lineStart = i + 1;
    }
  column = offset - lineStart + 1;
}

namespace {

enum class Marker { Line, NextLine, Begin, End };

struct Found {
  Marker marker;
  std::string checks;
  unsigned offset;  // of the marker in the file
};

// Markers in the text of one comment: NOLINT, NOLINTNEXTLINE, NOLINTBEGIN, NOLINTEND, each with
// an optional parenthesised glob list.
std::vector<Found> markersIn(llvm::StringRef comment, unsigned commentOffset) {
  std::vector<Found> out;
  size_t at = 0;
  while ((at = comment.find("NOLINT", at)) != llvm::StringRef::npos) {
    size_t end = at + 6;
    while (end < comment.size() && comment[end] >= 'A' && comment[end] <= 'Z') ++end;
    llvm::StringRef suffix = comment.slice(at + 6, end);
    std::optional<Marker> marker;
    if (suffix.empty()) marker = Marker::Line;
    else if (suffix == "NEXTLINE") marker = Marker::NextLine;
    else if (suffix == "BEGIN") marker = Marker::Begin;
    else if (suffix == "END") marker = Marker::End;
    if (marker) {
      std::string checks = "*";
      if (end < comment.size() && comment[end] == '(') {
        size_t close = comment.find(')', end);
        if (close == llvm::StringRef::npos) {
          at = end;
          continue;  // clang-tidy ignores a marker whose list is not closed
        }
        checks = comment.slice(end + 1, close).trim().str();
        end = close + 1;
      }
      out.push_back({*marker, checks, commentOffset + static_cast<unsigned>(at)});
    }
    at = end;
  }
  return out;
}

}  // namespace

NolintComments::NolintComments(const std::string &file, llvm::StringRef contents) {
  clang::LangOptions lang;
  lang.CPlusPlus = true;
  lang.CPlusPlus17 = true;
  lang.LineComment = true;
  const char *start = contents.data();
  clang::Lexer lexer(clang::SourceLocation(), lang, start, start, start + contents.size());
  lexer.SetCommentRetentionState(true);

  struct Open {
    std::string checks;
    unsigned line, offset;
  };
  std::vector<Open> open;
  auto error = [&](unsigned offset, const std::string &message) {
    CheckDiagnostic d;
    d.level = CheckDiagnostic::Level::Error;
    d.check = kNolintCheckName;
    d.file = file;
    d.offset = offset;
    lineAndColumn(contents, offset, d.line, d.column);
    d.message = message;
    errors_.push_back(std::move(d));
  };

  clang::Token token;
  while (true) {
    bool atEnd = lexer.LexFromRawLexer(token);
    if (token.is(clang::tok::comment)) {
      unsigned endOffset = static_cast<unsigned>(lexer.getBufferLocation() - start);
      unsigned offset = endOffset - token.getLength();
      for (const Found &f : markersIn(contents.substr(offset, token.getLength()), offset)) {
        unsigned line, column;
        lineAndColumn(contents, f.offset, line, column);
        switch (f.marker) {
        case Marker::Line: regions_.push_back({line, line, f.checks}); break;
        case Marker::NextLine: regions_.push_back({line + 1, line + 1, f.checks}); break;
        case Marker::Begin: open.push_back({f.checks, line, f.offset}); break;
        case Marker::End: {
          auto it = std::find_if(open.rbegin(), open.rend(), [&](const Open &o) { return o.checks == f.checks; });
          if (it == open.rend()) {
            error(f.offset, "unmatched 'NOLINTEND' comment without a previous 'NOLINTBEGIN' comment");
          } else {
            regions_.push_back({it->line, line, f.checks});
            open.erase(std::next(it).base());
          }
          break;
        }
        }
      }
    }
    if (atEnd) break;
  }
  for (const Open &o : open) error(o.offset, "unmatched 'NOLINTBEGIN' comment without a subsequent 'NOLINTEND' comment");
}

bool NolintComments::suppresses(unsigned line, const std::string &check) const {
  for (const Region &r : regions_)
    if (line >= r.firstLine && line <= r.lastLine && GlobList(r.checks).contains(check)) return true;
  return false;
}

}  // namespace xpile::checks
