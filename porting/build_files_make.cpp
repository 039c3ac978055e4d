// Makefiles, line by line after joining continuations: variable assignments (the value's words),
// rule lines (target and prerequisite names) and recipe lines (the command's words). Comments,
// directives and `define` bodies are left alone.
#include "porting/build_files.h"
#include "porting/build_files_cmake_tokens.h"
#include "porting/build_files_editor.h"

#include <cctype>

namespace xpile::porting {

namespace {

// Words of text[begin, end), split at blanks and at escaped newlines; quoted strings and
// parenthesised make references stay in one word. Stops at an unescaped `#` when `comments`.
std::vector<CommandWord> splitWords(const std::string &text, size_t begin, size_t end, bool comments) {
  std::vector<CommandWord> words;
  size_t p = begin;
  while (p < end) {
    while (p < end && (text[p] == ' ' || text[p] == '\t' || text[p] == '\\' || text[p] == '\n' || text[p] == '\r')) ++p;
    if (p >= end || (comments && text[p] == '#')) break;
    size_t q = p;
    char quote = 0;
    int depth = 0;
    while (q < end) {
      char c = text[q];
      if (quote) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '(' || c == '{') {
        ++depth;
      } else if (c == ')' || c == '}') {
        if (depth > 0) --depth;
      } else if (depth == 0 && (c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
        break;
      } else if (depth == 0 && c == '\\' && q + 1 < end && text[q + 1] == '\n') {
        break;
      }
      ++q;
    }
    words.push_back({p, text.substr(p, q - p)});
    p = q;
  }
  return words;
}

// Splits a parenthesised word like `$(wildcard src/*.cu)` back at its blanks: names inside make
// functions are words of their own for renaming.
std::vector<CommandWord> splitInner(const std::vector<CommandWord> &words) {
  std::vector<CommandWord> out;
  for (const CommandWord &w : words) {
    size_t p = 0;
    while (p < w.text.size()) {
      while (p < w.text.size() && (w.text[p] == ' ' || w.text[p] == '\t')) ++p;
      size_t q = p;
      while (q < w.text.size() && w.text[q] != ' ' && w.text[q] != '\t') ++q;
      if (q > p) out.push_back({w.offset + p, w.text.substr(p, q - p)});
      p = q;
    }
  }
  return out;
}

bool isDirective(const std::string &firstWord) {
  static const char *directives[] = {"ifeq", "ifneq", "ifdef", "ifndef", "else", "endif", "include", "-include",
                                     "sinclude", "vpath", "undefine", "unexport", "$(error", "$(warning", "$(info"};
  for (const char *d : directives)
    if (firstWord == d) return true;
  return false;
}

class MakefileRewriter {
public:
  MakefileRewriter(const std::string &path, const std::string &text, const BuildFileOptions &options)
      : text_(text), options_(options), editor_(path, text, "make") {}

  BuildFileRewrite run() {
    size_t p = 0;
    bool inDefine = false;
    while (p < text_.size()) {
      size_t end = logicalLineEnd(p);
      std::string line = text_.substr(p, end - p);
      size_t first = line.find_first_not_of(" \t");
      std::string firstWord = first == std::string::npos ? "" : line.substr(first, line.find_first_of(" \t\n", first) - first);
      if (inDefine) {
        if (firstWord == "endef") inDefine = false;
      } else if (firstWord == "define" || ((firstWord == "export" || firstWord == "override") &&
                                               line.find("define", first) != std::string::npos &&
                                               line.find('=') == std::string::npos)) {
        inDefine = true;
      } else if (!line.empty() && line[0] == '\t') {
        recipe(p + 1, end);
      } else if (first != std::string::npos && line[first] != '#' && !isDirective(firstWord)) {
        assignmentOrRule(p, end);
      }
      p = end < text_.size() ? end + 1 : end;
    }
    return editor_.take();
  }

private:
  // End of the logical line starting at p (the newline that is not escaped, or the end of file).
  size_t logicalLineEnd(size_t p) const {
    while (true) {
      size_t nl = text_.find('\n', p);
      if (nl == std::string::npos) return text_.size();
      size_t backslashes = 0;
      for (size_t k = nl; k > p && text_[k - 1] == '\\'; --k) ++backslashes;
      if (backslashes % 2 == 0) return nl;
      p = nl + 1;
    }
  }

  void recipe(size_t begin, size_t end) {
    bool archDone = false;
    mapNvccWords(splitInner(splitWords(text_, begin, end, false)), options_, editor_, archDone);
  }

  void assignmentOrRule(size_t begin, size_t end) {
    // The first `=` or `:` outside references decides: `A := v`, `A ?= v`, `A += v`, `A != v`,
    // `A = v` are assignments; `t: p` a rule (whose target-specific `t: A = v` values are mapped too).
    int depth = 0;
    for (size_t i = begin; i < end; ++i) {
      char c = text_[i];
      if (c == '#') return;
      if (c == '$' && i + 1 < end && (text_[i + 1] == '(' || text_[i + 1] == '{')) {
        ++depth;
        ++i;
      } else if ((c == ')' || c == '}') && depth > 0) {
        --depth;
      } else if (depth == 0 && c == '=') {
        value(i + 1, end);
        return;
      } else if (depth == 0 && c == ':') {
        if (i + 1 < end && text_[i + 1] == '=') {
          value(i + 2, end);
          return;
        }
        if (i + 2 < end && text_[i + 1] == ':' && text_[i + 2] == '=') {
          value(i + 3, end);
          return;
        }
        rule(begin, end, i);
        return;
      }
    }
  }

  void value(size_t begin, size_t end) {
    bool archDone = false;
    mapNvccWords(splitInner(splitWords(text_, begin, end, true)), options_, editor_, archDone);
  }

  // Targets and prerequisites are file names: only `.cu` names change. A recipe after `;` or a
  // target-specific assignment after the colon is mapped like its kind.
  void rule(size_t begin, size_t end, size_t colon) {
    size_t semicolon = text_.find(';', colon);
    size_t namesEnd = semicolon != std::string::npos && semicolon < end ? semicolon : end;
    size_t assign = text_.find('=', colon);
    if (assign != std::string::npos && assign < namesEnd) {
      names(begin, colon);
      value(assign + 1, end);
      return;
    }
    names(begin, namesEnd);
    if (namesEnd < end) recipe(namesEnd + 1, end);
  }

  void names(size_t begin, size_t end) {
    if (!options_.renameCudaSources) return;
    for (const CommandWord &w : splitInner(splitWords(text_, begin, end, true))) {
      std::string renamed;
      if (renameCudaSuffixes(w.text, renamed)) editor_.replace(w.offset, w.text.size(), renamed, "source");
    }
  }

  const std::string &text_;
  const BuildFileOptions &options_;
  BuildFileEditor editor_;
};

std::string fileName(const std::string &path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

BuildFileRewrite rewriteMakefile(const std::string &path, const std::string &text, const BuildFileOptions &options) {
  return MakefileRewriter(path, text, options).run();
}

BuildFileKind buildFileKind(const std::string &path) {
  std::string name = fileName(path);
  auto endsWith = [&](const char *suffix) {
    std::string s = suffix;
    return name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
  };
  if (name == "CMakeLists.txt" || endsWith(".cmake")) return BuildFileKind::CMake;
  if (name == "Makefile" || name == "makefile" || name == "GNUmakefile" || endsWith(".mk") || endsWith(".mak"))
    return BuildFileKind::Makefile;
  return BuildFileKind::None;
}

std::set<std::string> cudaLibrariesReferenced(BuildFileKind kind, const std::string &text) {
  std::set<std::string> libraries;
  auto add = [&](std::string name) {
    if (name.size() > 7 && name.compare(name.size() - 7, 7, "_static") == 0) name.resize(name.size() - 7);
    if (name == "cudart" || !hipLibraryFor(name).empty()) libraries.insert(name);
  };
  auto scan = [&](const std::string &s, const std::string &marker, bool wordStart) {
    for (size_t p = s.find(marker); p != std::string::npos; p = s.find(marker, p + 1)) {
      if (wordStart && p > 0 && !std::isspace(static_cast<unsigned char>(s[p - 1]))) continue;
      size_t q = p + marker.size();
      while (q < s.size() && (std::isalnum(static_cast<unsigned char>(s[q])) || s[q] == '_')) ++q;
      add(s.substr(p + marker.size(), q - p - marker.size()));
    }
  };
  if (kind == BuildFileKind::CMake) {
    for (const CMakeCommand &c : tokenizeCMake(text).commands) {
      bool link = cmakeCommandKey(c) == "target_link_libraries" || cmakeCommandKey(c) == "link_libraries";
      for (const CMakeArgument &a : c.args) {
        scan(a.text, "CUDA::", false);
        if (link) add(a.text);
      }
    }
  } else if (kind == BuildFileKind::Makefile) {
    size_t p = 0;
    while (p < text.size()) {
      size_t nl = text.find('\n', p);
      std::string line = text.substr(p, nl == std::string::npos ? std::string::npos : nl - p);
      size_t first = line.find_first_not_of(" \t");
      if (first != std::string::npos && line[first] != '#') scan(line, "-l", true);
      p = nl == std::string::npos ? text.size() : nl + 1;
    }
  }
  return libraries;
}

}  // namespace xpile::porting
