// A position in the user's source, kept on every node so diagnostics can point at what the user wrote.
#pragma once

#include <string>

namespace xpile::ast {

struct SourceLoc {
  std::string file;  // empty when the node was created by a pass
  unsigned line = 0;
  unsigned column = 0;

  bool valid() const { return line != 0; }
  std::string str() const { return file + ":" + std::to_string(line) + ":" + std::to_string(column); }
};

}  // namespace xpile::ast
