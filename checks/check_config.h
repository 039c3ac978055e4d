// The `.xpile` configuration file, found like `.clang-tidy`: the nearest one in the directory of
// each checked file or any parent. YAML read with LLVM's YAMLTraits:
//   Checks: '-*,portability-*'
//   WarningsAsErrors: 'portability-shared-memory-capacity'
//   Target: hip
// Command-line --checks and --warnings-as-errors are appended to the file's (so they win, the
// last matching glob decides); --to replaces Target.
#pragma once

#include <optional>
#include <string>

namespace xpile::checks {

struct CheckConfig {
  std::optional<std::string> checks;
  std::optional<std::string> warningsAsErrors;
  std::optional<std::string> target;
  std::string source;  // the file it was read from, empty when none was found
};

constexpr const char *kConfigFileName = ".xpile";

// Parses the text of a configuration file; on a YAML error returns nullopt and describes it in `error`.
std::optional<CheckConfig> parseCheckConfig(const std::string &text, const std::string &fileName, std::string &error);

// The configuration for `path`: the nearest `.xpile` walking up from its directory (an empty
// config when there is none). A file that cannot be parsed is reported in `error`.
CheckConfig findCheckConfig(const std::string &path, std::string &error);

// Everything a run needs for one file once the file's configuration and the command line are merged.
struct EffectiveConfig {
  std::string checks;            // glob list
  std::string warningsAsErrors;  // glob list
  std::optional<std::string> target;
};

// Default checks: every check that applies to the source and target dialects.
constexpr const char *kDefaultChecks = "*";

EffectiveConfig mergeConfig(const CheckConfig &file, const std::optional<std::string> &commandLineChecks,
                            const std::optional<std::string> &commandLineWarningsAsErrors,
                            const std::optional<std::string> &commandLineTarget);

}  // namespace xpile::checks
