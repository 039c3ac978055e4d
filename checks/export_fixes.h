// --export-fixes: the YAML clang-tidy writes (clang::tooling::TranslationUnitDiagnostics), which
// clang-apply-replacements applies. Paths are made absolute so it finds the files from anywhere.
#pragma once

#include "checks/check.h"

#include <string>
#include <vector>

namespace xpile::checks {

std::string exportFixesYaml(const std::string &mainSourceFile, const std::vector<CheckDiagnostic> &diagnostics);

}  // namespace xpile::checks
