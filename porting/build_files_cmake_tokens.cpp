#include "porting/build_files_cmake_tokens.h"

#include <cctype>

namespace xpile::porting {

namespace {

class CMakeLexer {
public:
  explicit CMakeLexer(const std::string &text) : s_(text) {}

  CMakeTokens run() {
    while (ok() && skipSpaceAndComments()) {
      if (!isIdentifierStart(s_[i_])) return fail("expected a command name");
      CMakeCommand command;
      command.nameOffset = i_;
      while (i_ < s_.size() && isIdentifierChar(s_[i_])) ++i_;
      command.name = s_.substr(command.nameOffset, i_ - command.nameOffset);
      while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
      if (i_ >= s_.size() || s_[i_] != '(') return fail("expected '(' after '" + command.name + "'");
      ++i_;
      if (!arguments(command)) return out_;
      command.end = i_;
      out_.commands.push_back(std::move(command));
    }
    return out_;
  }

private:
  bool ok() const { return out_.error.empty(); }

  CMakeTokens fail(const std::string &message) {
    if (out_.error.empty()) {
      out_.error = message;
      out_.errorOffset = i_;
    }
    return out_;
  }

  static bool isIdentifierStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
  static bool isIdentifierChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

  // `[` `=`* `[`: the length of the opening bracket, or 0.
  size_t bracketOpen(size_t at, size_t &equals) const {
    if (at >= s_.size() || s_[at] != '[') return 0;
    size_t j = at + 1;
    while (j < s_.size() && s_[j] == '=') ++j;
    if (j >= s_.size() || s_[j] != '[') return 0;
    equals = j - at - 1;
    return j + 1 - at;
  }

  // Skips to the end of a bracket opened at i_; false if it never closes.
  bool skipBracket(size_t equals, size_t &contentStart, size_t &contentEnd) {
    std::string close = "]" + std::string(equals, '=') + "]";
    contentStart = i_;
    size_t found = s_.find(close, i_);
    if (found == std::string::npos) return false;
    contentEnd = found;
    i_ = found + close.size();
    return true;
  }

  bool skipComment() {  // at '#'
    size_t equals = 0;
    if (size_t open = bracketOpen(i_ + 1, equals)) {
      i_ += 1 + open;
      size_t a, b;
      if (!skipBracket(equals, a, b)) {
        fail("unterminated bracket comment");
        return false;
      }
      return true;
    }
    while (i_ < s_.size() && s_[i_] != '\n') ++i_;
    return true;
  }

  // Skips spaces, newlines and comments between commands; false at the end of the file.
  bool skipSpaceAndComments() {
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++i_;
      } else if (c == '#') {
        if (!skipComment()) return false;
      } else {
        return true;
      }
    }
    return false;
  }

  bool arguments(CMakeCommand &command) {
    int depth = 0;  // nested unquoted parentheses, which CMake keeps as arguments
    while (true) {
      if (i_ >= s_.size()) {
        fail("missing ')' for '" + command.name + "'");
        return false;
      }
      char c = s_[i_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++i_;
      } else if (c == '#') {
        if (!skipComment()) return false;
      } else if (c == ')') {
        ++i_;
        if (depth == 0) return true;
        --depth;
        push(command, CMakeArgument::Kind::Unquoted, i_ - 1, 1, i_ - 1, 1);
      } else if (c == '(') {
        ++depth;
        push(command, CMakeArgument::Kind::Unquoted, i_, 1, i_, 1);
        ++i_;
      } else if (c == '"') {
        size_t start = i_++;
        while (i_ < s_.size() && s_[i_] != '"') i_ += s_[i_] == '\\' ? 2 : 1;
        if (i_ >= s_.size()) {
          i_ = start;
          fail("unterminated quoted argument");
          return false;
        }
        ++i_;
        push(command, CMakeArgument::Kind::Quoted, start, i_ - start, start + 1, i_ - start - 2);
      } else if (size_t equals = 0, open = bracketOpen(i_, equals); open) {
        size_t start = i_;
        i_ += open;
        size_t a, b;
        if (!skipBracket(equals, a, b)) {
          i_ = start;
          fail("unterminated bracket argument");
          return false;
        }
        push(command, CMakeArgument::Kind::Bracket, start, i_ - start, a, b - a);
      } else {
        size_t start = i_;
        while (i_ < s_.size()) {
          char d = s_[i_];
          if (d == '\\' && i_ + 1 < s_.size()) {
            i_ += 2;
            continue;
          }
          if (d == ' ' || d == '\t' || d == '\n' || d == '\r' || d == '(' || d == ')' || d == '#' || d == '"') break;
          ++i_;
        }
        push(command, CMakeArgument::Kind::Unquoted, start, i_ - start, start, i_ - start);
      }
    }
  }

  void push(CMakeCommand &command, CMakeArgument::Kind kind, size_t offset, size_t length, size_t contentOffset,
            size_t contentLength) {
    CMakeArgument arg;
    arg.kind = kind;
    arg.offset = offset;
    arg.length = length;
    arg.contentOffset = contentOffset;
    arg.text = s_.substr(contentOffset, contentLength);
    command.args.push_back(std::move(arg));
  }

  const std::string &s_;
  size_t i_ = 0;
  CMakeTokens out_;
};

}  // namespace

CMakeTokens tokenizeCMake(const std::string &text) { return CMakeLexer(text).run(); }

std::string cmakeCommandKey(const CMakeCommand &command) {
  std::string key = command.name;
  for (char &c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

}  // namespace xpile::porting
