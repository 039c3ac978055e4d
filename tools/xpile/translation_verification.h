// How `xpile translate` runs its input and every intermediate program to verify a translation:
// from --entry/--kernel with --arg (and --grid/--block or --launch), else from the corpus manifest
// beside the input (its first entry on its smallest shape), else, for a GPU program with main(), by
// running both whole programs and comparing every kernel launch; else not at all (and the
// translation is reported as not verified).
#pragma once

#include "passes/pass_manager.h"

#include <optional>
#include <string>

namespace xpile::tools {

struct TranslationVerification {
  std::optional<passes::VerificationPlan> plan;
  std::string why;  // no plan: why not ("no --entry/--kernel and no corpus manifest lists this file")
  // Kernel inputs: the launch the source was run with (for the sidecar), and whether it was inferred.
  std::optional<exec::LaunchSpec> launch;
  std::string inferredLaunchNote;
};

// `launchText` is the --launch flag ("grid=X,Y,Z;block=X,Y,Z"), possibly empty. False after
// printing an error for bad flags.
bool translationVerification(const ast::Module &input, const std::string &inputPath, const std::string &launchText,
                             const std::string &workDir, TranslationVerification &out);

// Parses "grid=X,Y,Z;block=X,Y,Z[;shared=BYTES]" into `launch`; false with `error`.
bool parseLaunchText(const std::string &text, exec::LaunchSpec &launch, std::string &error);

}  // namespace xpile::tools
