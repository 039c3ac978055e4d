// CMake's command-invocation grammar (cmake-language(7)): a file is a sequence of
// `identifier(arguments)` invocations separated by spaces, newlines and comments. Arguments are
// bracket (`[==[...]==]`), quoted (`"..."`, with escapes) or unquoted (with nested parentheses
// kept as separate arguments, as CMake does). Offsets let the rewriter edit one argument and leave
// every other byte of the file as it was.
#pragma once

#include <string>
#include <vector>

namespace xpile::porting {

struct CMakeArgument {
  enum class Kind { Unquoted, Quoted, Bracket };
  Kind kind = Kind::Unquoted;
  size_t offset = 0, length = 0;  // the argument's bytes in the file, quotes/brackets included
  std::string text;               // its contents without quotes or brackets, escapes left as written
  size_t contentOffset = 0;       // where `text` starts in the file
};

struct CMakeCommand {
  std::string name;  // as written (CMake command names are case-insensitive)
  size_t nameOffset = 0;
  size_t end = 0;  // one past the closing parenthesis
  std::vector<CMakeArgument> args;
};

struct CMakeTokens {
  std::vector<CMakeCommand> commands;
  std::string error;  // empty when the file follows the grammar
  size_t errorOffset = 0;
};

CMakeTokens tokenizeCMake(const std::string &text);

// Lower-cased command name, for comparisons.
std::string cmakeCommandKey(const CMakeCommand &command);

}  // namespace xpile::porting
