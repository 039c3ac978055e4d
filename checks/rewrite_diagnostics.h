// Turning what porting::rewriteCudaToHip found into check diagnostics: its own diagnostics
// (converted as they are) and its edits (one fix-it per replacement).
#pragma once

#include "checks/check.h"
#include "porting/hip_rewrite.h"

namespace xpile::checks {

CheckDiagnostic fromRewriterDiagnostic(const porting::Diagnostic &d, const std::string &defaultCheck);

// The absolute, normalised form of a path, for comparing the names different tools give a file.
std::string absolutePath(const std::string &path);

// The contents of `file`: `context.mainSource` for the checked file, otherwise read from disk.
std::string fileContents(const CheckContext &context, const std::string &file);

}  // namespace xpile::checks
