// Detensorize (VNNI -> C): every x86 SIMD value and intrinsic becomes plain scalar C with the same
// semantics, bit for bit where the instruction is exact.
//
// Vector registers become unions of lane arrays (`xp_m512`: 16 floats, 16 int32, 64 bytes, ...
// over the same bits), masks stay unsigned integers, and each intrinsic call becomes a call of a
// `static inline` helper with the intrinsic's name minus the leading underscore
// (`_mm512_add_ps(a, b)` -> `mm512_add_ps(a, b)`), whose body is the scalar loop of the intrinsic
// catalogue (backends/vnni/intrinsic_catalogue.h). Only the helpers the module uses are emitted, once,
// before the first function; the builtins the x86 headers' macros expand to
// (`__builtin_ia32_rndscaleps_mask`, ...) are first turned back into the intrinsic they came from.
// The output is C (no templates, references or casts of C++) and the helpers are ordinary
// functions, so the same code can later become CUDA/HIP device code.
//
// Errors (with the call's location): an intrinsic or builtin the catalogue does not know, a
// reinterpreting cast between vectors of different widths, x86 code inside text the AST carries
// verbatim, a helper name the program already uses.
// `#pragma omp parallel for` loops are left as they are. <immintrin.h> (and <omp.h> when no omp_*
// function is called) are removed; <stdint.h> and <math.h> are added when the helpers need them.
// Sets module.dialect = C (isCxx unchanged). Stats: intrinsic_calls_replaced, intrinsics (count
// per intrinsic name), helpers_emitted.
#pragma once

#include "ast/module.h"
#include "passes/pass.h"

namespace xpile::passes {

struct DetensorizeOptions {};

bool detensorize(ast::Module &m, const DetensorizeOptions &o, PassContext &ctx);

}  // namespace xpile::passes
