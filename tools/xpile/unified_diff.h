// A unified diff between two texts, for `xpile translate --diff`. GNU diff computes it: a
// well-kept tool every IDE and reviewer already reads, so xpile does not carry its own diff engine.
#pragma once

#include <optional>
#include <string>

namespace xpile::tools {

// The `diff -u` of `oldText` (labelled `oldLabel`) against `newText` (labelled `newLabel`); empty
// when they are equal. nullopt, with `error` set, when diff cannot be run.
std::optional<std::string> unifiedDiff(const std::string &oldLabel, const std::string &oldText,
                                       const std::string &newLabel, const std::string &newText, std::string &error);

}  // namespace xpile::tools
