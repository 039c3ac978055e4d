#include "porting/build_files_editor.h"

#include <map>

namespace xpile::porting {

void BuildFileEditor::replace(size_t offset, size_t length, const std::string &to, const std::string &kind) {
  out_.edits.push_back({offset, length, to});
  ConvertedReference ref;
  ref.file = path_;
  lineColumnAt(text_, offset, ref.line, ref.column);
  ref.library = library_;
  ref.kind = kind;
  ref.from = text_.substr(offset, length);
  ref.to = to;
  out_.converted.push_back(std::move(ref));
}

void BuildFileEditor::removeWord(size_t offset, size_t length, const std::string &kind) {
  size_t start = offset;
  while (start > 0 && (text_[start - 1] == ' ' || text_[start - 1] == '\t')) --start;
  if (start == 0 || text_[start - 1] == '\n') start = offset;  // at a line start: keep the indentation
  out_.edits.push_back({start, offset + length - start, ""});
  ConvertedReference ref;
  ref.file = path_;
  lineColumnAt(text_, offset, ref.line, ref.column);
  ref.library = library_;
  ref.kind = kind;
  ref.from = text_.substr(offset, length);
  out_.converted.push_back(std::move(ref));
}

void BuildFileEditor::warn(size_t offset, const std::string &message, const std::string &check) {
  Diagnostic d;
  d.level = Diagnostic::Level::Warning;
  d.file = path_;
  d.offset = static_cast<unsigned>(offset);
  lineColumnAt(text_, offset, d.line, d.column);
  d.message = message;
  d.check = check;
  out_.diagnostics.push_back(std::move(d));
}

void BuildFileEditor::keep(size_t offset, const std::string &text, const std::string &reason) {
  KeptSpan k;
  k.file = path_;
  lineColumnAt(text_, offset, k.line, k.column);
  k.text = text;
  k.reason = reason;
  out_.kept.push_back(std::move(k));
}

std::string hipLibraryFor(const std::string &cudaLibrary) {
  static const std::map<std::string, std::string> libraries = {
      {"cublas", "hipblas"}, {"cublasLt", "hipblaslt"}, {"curand", "hiprand"},     {"cufft", "hipfft"},
      {"cusparse", "hipsparse"}, {"cusolver", "hipsolver"}, {"cudnn", "MIOpen"}, {"nccl", "rccl"}};
  auto it = libraries.find(cudaLibrary);
  return it == libraries.end() ? "" : it->second;
}

bool renameCudaSuffixes(const std::string &word, std::string &out) {
  // Split at the characters that end a file name inside make functions, substitution references
  // and generator expressions; a piece ending in `.cu` is a CUDA source name.
  auto isBoundary = [](char c) {
    return c == '(' || c == ')' || c == '{' || c == '}' || c == ',' || c == ':' || c == '=' || c == ';' || c == '"' ||
           c == '>' || c == '<';
  };
  out.clear();
  bool changed = false;
  size_t i = 0;
  while (i <= word.size()) {
    size_t j = i;
    while (j < word.size() && !isBoundary(word[j])) ++j;
    std::string piece = word.substr(i, j - i);
    if (piece.size() >= 3 && piece.compare(piece.size() - 3, 3, ".cu") == 0) {
      piece.replace(piece.size() - 3, 3, ".hip");
      changed = true;
    }
    out += piece;
    if (j < word.size()) out += word[j];
    i = j + 1;
  }
  return changed;
}

namespace {

bool startsWith(const std::string &s, const std::string &prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

bool isNvcc(const std::string &w) {
  return w == "nvcc" || (w.size() > 5 && w.compare(w.size() - 5, 5, "/nvcc") == 0);
}

// A path into the CUDA toolkit: /usr/local/cuda..., $(CUDA_PATH)..., ${CUDA_HOME}, $CUDA_ROOT, ...
bool isCudaToolkitPath(const std::string &p) {
  return startsWith(p, "/usr/local/cuda") || startsWith(p, "/opt/cuda") || startsWith(p, "$(CUDA") ||
         startsWith(p, "${CUDA") || startsWith(p, "$CUDA") || startsWith(p, "$ENV{CUDA");
}

}  // namespace

void mapNvccWords(const std::vector<CommandWord> &words, const BuildFileOptions &options, BuildFileEditor &editor,
                  bool &archDone) {
  const std::string offloadArch = "--offload-arch=" + options.offloadArch;
  // The first architecture flag becomes --offload-arch; later ones (several -gencode) go away.
  auto arch = [&](size_t first, size_t last) {
    size_t length = words[last].offset + words[last].text.size() - words[first].offset;
    if (!archDone) {
      editor.replace(words[first].offset, length, offloadArch, "flag");
      archDone = true;
    } else {
      editor.removeWord(words[first].offset, length, "flag");
    }
  };
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string &w = words[i].text;
    const size_t at = words[i].offset;
    bool hasNext = i + 1 < words.size();
    if (isNvcc(w)) {
      editor.replace(at, w.size(), "hipcc", "compiler");
    } else if ((w == "-arch" || w == "--gpu-architecture" || w == "-gencode" || w == "--generate-code" ||
                w == "-code" || w == "--gpu-code") &&
               hasNext) {
      if (w == "-code" || w == "--gpu-code")
        editor.removeWord(at, words[i + 1].offset + words[i + 1].text.size() - at, "flag");
      else
        arch(i, i + 1);
      ++i;
    } else if (startsWith(w, "-arch=") || startsWith(w, "--gpu-architecture=") || startsWith(w, "-gencode=") ||
               startsWith(w, "--generate-code=")) {
      arch(i, i);
    } else if (startsWith(w, "-code=") || startsWith(w, "--gpu-code=")) {
      editor.removeWord(at, w.size(), "flag");
    } else if ((w == "-Xcompiler" || w == "--compiler-options") && hasNext) {
      std::string host = words[i + 1].text;
      bool quoted = host.size() >= 2 && (host.front() == '"' || host.front() == '\'') && host.back() == host.front();
      if (quoted) host = host.substr(1, host.size() - 2);
      for (char &c : host)
        if (c == ',') c = ' ';
      editor.replace(at, words[i + 1].offset + words[i + 1].text.size() - at, host, "flag");
      ++i;
    } else if (startsWith(w, "-Xcompiler=") || startsWith(w, "--compiler-options=")) {
      std::string host = w.substr(w.find('=') + 1);
      for (char &c : host)
        if (c == ',') c = ' ';
      editor.replace(at, w.size(), host, "flag");
    } else if (w == "--use_fast_math" || w == "-use_fast_math") {
      editor.replace(at, w.size(), "-ffast-math", "flag");
    } else if (w == "-lineinfo" || w == "--generate-line-info") {
      editor.replace(at, w.size(), "-gline-tables-only", "flag");
    } else if (w == "--expt-relaxed-constexpr" || w == "--expt-extended-lambda" || w == "--extended-lambda" ||
               w == "-Wno-deprecated-gpu-targets" || startsWith(w, "--default-stream")) {
      editor.removeWord(at, w.size(), "flag");  // Clang accepts these constructs without a switch
    } else if (w == "-rdc=true" || w == "--relocatable-device-code=true") {
      editor.replace(at, w.size(), "-fgpu-rdc", "flag");
    } else if (w == "-rdc=false" || w == "--relocatable-device-code=false") {
      editor.removeWord(at, w.size(), "flag");
    } else if (w == "-dc" || w == "--device-c") {
      editor.replace(at, w.size(), "-fgpu-rdc -c", "flag");
    } else if ((w == "-ccbin" || w == "--compiler-bindir") && hasNext) {
      editor.removeWord(at, words[i + 1].offset + words[i + 1].text.size() - at, "flag");
      ++i;
    } else if (w == "-x" && hasNext && words[i + 1].text == "cu") {
      editor.replace(words[i + 1].offset, 2, "hip", "flag");
      ++i;
    } else if ((w == "-Xptxas" || w == "--ptxas-options") && hasNext) {
      editor.warn(at, "'" + w + " " + words[i + 1].text + "' has no hipcc equivalent; removed",
                  "hip-build-flag-without-equivalent");
      editor.removeWord(at, words[i + 1].offset + words[i + 1].text.size() - at, "flag");
      ++i;
    } else if (startsWith(w, "--ptxas-options=") || startsWith(w, "-Xptxas=") || startsWith(w, "--maxrregcount")) {
      editor.warn(at, "'" + w + "' has no hipcc equivalent; removed", "hip-build-flag-without-equivalent");
      editor.removeWord(at, w.size(), "flag");
    } else if (w == "-lcudart" || w == "-lcudart_static" || w == "-lcudadevrt") {
      editor.removeWord(at, w.size(), "library");  // hipcc links the HIP runtime itself
    } else if (w == "-lcuda") {
      editor.warn(at, "the CUDA driver API library has no HIP library of its own (driver calls are in the HIP "
                      "runtime); removed",
                  "hip-build-flag-without-equivalent");
      editor.removeWord(at, w.size(), "library");
    } else if (startsWith(w, "-l") && !hipLibraryFor(w.substr(2)).empty()) {
      editor.replace(at, w.size(), "-l" + hipLibraryFor(w.substr(2)), "library");
    } else if ((startsWith(w, "-L") || startsWith(w, "-I")) && isCudaToolkitPath(w.substr(2))) {
      editor.replace(at, w.size(), w.substr(0, 2) + (startsWith(w, "-L") ? "/opt/rocm/lib" : "/opt/rocm/include"),
                     "path");
    } else if (w == "/usr/local/cuda" || w == "/opt/cuda") {
      editor.replace(at, w.size(), "/opt/rocm", "path");
    } else if (std::string renamed; options.renameCudaSources && renameCudaSuffixes(w, renamed)) {
      editor.replace(at, w.size(), renamed, "source");
    } else if (startsWith(w, "-arch") || startsWith(w, "sm_") || startsWith(w, "compute_")) {
      editor.warn(at, "'" + w + "' looks like an NVIDIA architecture and was left as is", "hip-build-flag-unknown");
      editor.keep(at, w, "unrecognised architecture flag");
    }
  }
}

}  // namespace xpile::porting
