// `xpile corpus --translate`: every corpus operator translated in each of the twelve directions
// among cuda, hip, vnni and c; each output compiled with the target's real compiler (nvcc, hipcc,
// g++, gcc) and verified against its source on the manifest's shapes. Prints the table
// direction x compile % x computation % x checks, every one counted over all operators and all
// their entries: an operator that does not translate counts as not compiling and as failing every
// check of every entry (the --json counts, "compile_checked" and "checks", are the same totals).
#pragma once

#include "tools/xpile/corpus_manifest.h"

#include <string>
#include <vector>

namespace xpile::tools {

struct CorpusTranslationOptions {
  std::vector<std::string> directions;  // "cuda:hip"; empty: all twelve
  std::vector<std::string> operators;   // empty: all
  unsigned shapesPerEntry = 0;          // 0: every shape; N: the N smallest
  unsigned jobs = 0;                    // 0: number of CPUs
  bool compile = true;                  // run the real compilers
  bool json = false;
  std::string keepDir;                  // non-empty: write every translated file there
};

int runCorpusTranslation(const std::vector<CorpusOperator> &ops, const CorpusTranslationOptions &options);

}  // namespace xpile::tools
