// Which dialect a source file is written in: decided from the file name, refined by content (a .cpp
// may hold HIP, CUDA, VNNI or plain C++), and always overridable with --from.
#pragma once

#include "ast/module.h"

#include <optional>
#include <string>

namespace xpile::frontends {

// The dialect of `path` with contents `source`; nullopt when neither the extension nor the content
// tells (the caller then asks for --from).
std::optional<ast::Dialect> detectDialect(const std::string &path, const std::string &source);

// Whether the file is compiled as C (not C++): only `.c` files of the c and vnni dialects.
bool isCSource(const std::string &path, ast::Dialect dialect);

}  // namespace xpile::frontends
