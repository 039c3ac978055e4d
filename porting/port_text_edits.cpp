#include "porting/port_text_edits.h"

#include <algorithm>

namespace xpile::porting {

std::string applyTextEdits(const std::string &text, std::vector<TextEdit> edits, std::vector<TextEdit> *dropped) {
  std::stable_sort(edits.begin(), edits.end(), [](const TextEdit &a, const TextEdit &b) { return a.offset < b.offset; });
  std::string out;
  out.reserve(text.size());
  size_t at = 0;
  for (const TextEdit &e : edits) {
    if (e.offset < at || e.offset + e.length > text.size()) {
      if (dropped) dropped->push_back(e);
      continue;
    }
    out.append(text, at, e.offset - at);
    out += e.text;
    at = e.offset + e.length;
  }
  out.append(text, at, std::string::npos);
  return out;
}

void lineColumnAt(const std::string &text, size_t offset, unsigned &line, unsigned &column) {
  line = 1;
  column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
}

}  // namespace xpile::porting
