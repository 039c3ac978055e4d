#include "checks/glob_list.h"

#include <llvm/ADT/SmallVector.h>
#include <llvm/ADT/StringRef.h>

namespace xpile::checks {

bool globMatches(const std::string &pattern, const std::string &text) {
  // Classic two-pointer wildcard match with backtracking to the last `*`.
  size_t p = 0, t = 0, star = std::string::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

GlobList::GlobList(const std::string &globs) {
  llvm::SmallVector<llvm::StringRef, 8> parts;
  llvm::StringRef(globs).split(parts, ',');
  for (llvm::StringRef part : parts) {
    llvm::SmallVector<llvm::StringRef, 2> lines;
    part.split(lines, '\n');
    for (llvm::StringRef glob : lines) {
      glob = glob.trim();
      if (glob.empty()) continue;
      bool positive = !glob.consume_front("-");
      glob = glob.trim();
      if (!glob.empty()) items_.push_back({positive, glob.str()});
    }
  }
}

bool GlobList::contains(const std::string &name) const {
  for (auto it = items_.rbegin(); it != items_.rend(); ++it)
    if (globMatches(it->pattern, name)) return it->positive;
  return false;
}

}  // namespace xpile::checks
