// Collects one build file's edits, with the report entries (converted references, diagnostics,
// spans kept) located by line and column.
#pragma once

#include "porting/build_files.h"

namespace xpile::porting {

class BuildFileEditor {
public:
  BuildFileEditor(const std::string &path, const std::string &text, const char *library)
      : path_(path), text_(text), library_(library) {}

  void replace(size_t offset, size_t length, const std::string &to, const std::string &kind);
  // Removes a word and the blanks before it, so no double spaces are left behind.
  void removeWord(size_t offset, size_t length, const std::string &kind);
  void warn(size_t offset, const std::string &message, const std::string &check);
  void keep(size_t offset, const std::string &text, const std::string &reason);

  const std::string &text() const { return text_; }
  BuildFileRewrite take() { return std::move(out_); }

private:
  std::string path_;
  const std::string &text_;
  const char *library_;
  BuildFileRewrite out_;
};

// One whitespace-separated word of a compiler command line, with its offset in the file.
struct CommandWord {
  size_t offset = 0;
  std::string text;
};

// Maps nvcc words to hipcc ones: the compiler, -arch/-gencode, -Xcompiler, nvcc-only switches,
// CUDA library and SDK path flags, and `.cu` names. `archDone` is set once an --offload-arch was
// emitted, so several -gencode become one.
void mapNvccWords(const std::vector<CommandWord> &words, const BuildFileOptions &options, BuildFileEditor &editor,
                  bool &archDone);

// `name.cu` -> `name.hip` inside a word (also `%.cu`, `*.cu`, `$(SRC:.cu=.o)`); false if none.
bool renameCudaSuffixes(const std::string &word, std::string &out);

// The HIP name of a CUDA library ("cublas" -> "hipblas"); empty when it has none or needs none.
std::string hipLibraryFor(const std::string &cudaLibrary);

}  // namespace xpile::porting
