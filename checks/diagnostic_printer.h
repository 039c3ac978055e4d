// Prints check diagnostics exactly as clang-tidy does, through Clang's own TextDiagnostic:
//   k.cu:7:23: warning: message [check-name]
//     int lane = threadIdx.x % 32;
//                              ^~
//                              warpSize
// then the notes. Promoted warnings read `error: message [check-name,-warnings-as-errors]`.
#pragma once

#include "checks/check.h"

#include <llvm/Support/raw_ostream.h>

#include <map>
#include <string>
#include <vector>

namespace xpile::checks {

// `contents` supplies files by name (the checked file as it was given); others are read from disk.
void printDiagnostics(const std::vector<CheckDiagnostic> &diagnostics,
                      const std::map<std::string, std::string> &contents, llvm::raw_ostream &os);

}  // namespace xpile::checks
