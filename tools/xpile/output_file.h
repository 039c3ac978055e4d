// Writing results safely: to stdout for "-", otherwise atomically (a temporary file in the same
// directory renamed over the target), never over the input file.
#pragma once

#include <string>

namespace xpile::tools {

// Returns false (after printing an error) when the output cannot be written; nothing is left behind.
bool writeOutput(const std::string &path, const std::string &contents, const std::string &inputPath);

}  // namespace xpile::tools
