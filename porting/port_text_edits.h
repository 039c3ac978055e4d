// Byte-range edits on a file's text: what the build-file rewriters produce and what `xpile port`
// applies, so every byte outside an edit stays as it was.
#pragma once

#include <string>
#include <vector>

namespace xpile::porting {

struct TextEdit {
  size_t offset = 0, length = 0;
  std::string text;
};

// Applies non-overlapping edits (in any order); an edit overlapping an earlier one is dropped
// and reported through `dropped` when given.
std::string applyTextEdits(const std::string &text, std::vector<TextEdit> edits, std::vector<TextEdit> *dropped = nullptr);

// 1-based line and column of byte `offset` in `text` (column counts bytes, as Clang's do).
void lineColumnAt(const std::string &text, size_t offset, unsigned &line, unsigned &column);

}  // namespace xpile::porting
