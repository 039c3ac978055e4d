// Contraction: a producer loop that fills a temporary array and the consumer loop after it that
// reads it are fused, and the temporary shrinks to one scalar per iteration:
//
//     float t[N];                              for (i = 0; i < n; ++i) {
//     for (i = 0; i < n; ++i) t[i] = f(x[i]);    float t = f(x[i]);
//     for (i = 0; i < n; ++i) y[i] = g(t[i]);    y[i] = g(t);
//                                              }
// Legal when the fusion is (see fuse.h), the temporary is a local array used nowhere else, the
// producer writes it once per iteration unconditionally (a top-level assignment of its body) and
// never reads it, and every access in both loops uses the same subscript.
#pragma once

#include "passes/pass.h"

#include <string>

namespace xpile::passes {

struct ContractionOptions {
  std::string function;  // may be empty when the selectors start with it
  std::string producer;  // loop writing the temporary: "i#0"
  std::string consumer;  // loop reading it: "i#1"
  std::string buffer;    // the temporary array
};

// Records params {producer, consumer, buffer} and stats {loops_fused, elements_saved}.
bool contractLoops(ast::Module &m, const ContractionOptions &o, PassContext &ctx);

}  // namespace xpile::passes
