// CMake: languages, architectures, CUDA variables and properties, CUDAToolkit packages and
// imported targets, nvcc flags and `.cu` source names, each edited inside the argument that holds it.
#include "porting/build_files.h"
#include "porting/build_files_cmake_tokens.h"
#include "porting/build_files_editor.h"

#include <map>

namespace xpile::porting {

namespace {

bool startsWith(const std::string &s, const std::string &prefix) { return s.compare(0, prefix.size(), prefix) == 0; }
bool endsWith(const std::string &s, const std::string &suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// CUDA::<name> imported targets and their HIP packages' targets.
const std::map<std::string, std::string> &importedTargets() {
  static const std::map<std::string, std::string> targets = {
      {"cudart", "hip::host"},          {"cudart_static", "hip::host"},     {"cublas", "roc::hipblas"},
      {"cublas_static", "roc::hipblas"}, {"cublasLt", "roc::hipblaslt"},    {"curand", "hip::hiprand"},
      {"curand_static", "hip::hiprand"}, {"cufft", "hip::hipfft"},          {"cufft_static", "hip::hipfft"},
      {"cusparse", "roc::hipsparse"},   {"cusparse_static", "roc::hipsparse"}, {"cusolver", "roc::hipsolver"}};
  return targets;
}

// CUDA language variables and target properties with a HIP counterpart of the same meaning.
const std::map<std::string, std::string> &cudaNames() {
  static const std::map<std::string, std::string> names = {
      {"CMAKE_CUDA_STANDARD", "CMAKE_HIP_STANDARD"},
      {"CMAKE_CUDA_STANDARD_REQUIRED", "CMAKE_HIP_STANDARD_REQUIRED"},
      {"CMAKE_CUDA_EXTENSIONS", "CMAKE_HIP_EXTENSIONS"},
      {"CMAKE_CUDA_ARCHITECTURES", "CMAKE_HIP_ARCHITECTURES"},
      {"CMAKE_CUDA_COMPILER", "CMAKE_HIP_COMPILER"},
      {"CMAKE_CUDA_COMPILER_ID", "CMAKE_HIP_COMPILER_ID"},
      {"CMAKE_CUDA_COMPILER_VERSION", "CMAKE_HIP_COMPILER_VERSION"},
      {"CMAKE_CUDA_FLAGS", "CMAKE_HIP_FLAGS"},
      {"CMAKE_CUDA_FLAGS_DEBUG", "CMAKE_HIP_FLAGS_DEBUG"},
      {"CMAKE_CUDA_FLAGS_RELEASE", "CMAKE_HIP_FLAGS_RELEASE"},
      {"CMAKE_CUDA_FLAGS_RELWITHDEBINFO", "CMAKE_HIP_FLAGS_RELWITHDEBINFO"},
      {"CMAKE_CUDA_FLAGS_MINSIZEREL", "CMAKE_HIP_FLAGS_MINSIZEREL"},
      {"CMAKE_CUDA_VISIBILITY_PRESET", "CMAKE_HIP_VISIBILITY_PRESET"},
      {"CUDA_ARCHITECTURES", "HIP_ARCHITECTURES"},
      {"CUDA_STANDARD", "HIP_STANDARD"},
      {"CUDA_STANDARD_REQUIRED", "HIP_STANDARD_REQUIRED"},
      {"CUDA_EXTENSIONS", "HIP_EXTENSIONS"},
      {"CUDA_VISIBILITY_PRESET", "HIP_VISIBILITY_PRESET"},
  };
  return names;
}

// Names with no HIP counterpart: kept, with a warning saying what to do instead.
const std::map<std::string, std::string> &namesWithoutEquivalent() {
  static const std::map<std::string, std::string> names = {
      {"CUDA_SEPARABLE_COMPILATION", "HIP has no separable-compilation property; add -fgpu-rdc to the target's "
                                     "compile and link options"},
      {"CMAKE_CUDA_SEPARABLE_COMPILATION", "HIP has no separable-compilation property; add -fgpu-rdc to the compile and "
                                           "link options"},
      {"CUDA_RESOLVE_DEVICE_SYMBOLS", "HIP has no device-link step property; use -fgpu-rdc"},
      {"CMAKE_CUDA_HOST_COMPILER", "hipcc compiles host code with its own Clang; there is no host compiler to choose"},
      {"CUDA_RUNTIME_LIBRARY", "the HIP runtime is linked through hip::host"},
      {"CUDAToolkit_INCLUDE_DIRS", "use the include directories of hip::host (linking it adds them)"},
      {"CUDAToolkit_LIBRARY_DIR", "use the HIP packages' imported targets instead of a library directory"},
      {"CUDAToolkit_VERSION", "HIP's version is hip_VERSION"},
      {"CUDAToolkit_BIN_DIR", "hipcc is found through CMAKE_HIP_COMPILER"},
      {"CUDA_NVCC_FLAGS", "FindCUDA's nvcc flags have no HIP language counterpart; they were mapped to hipcc flags, "
                          "move them to CMAKE_HIP_FLAGS"},
  };
  return names;
}

const std::map<std::string, std::string> &rawLibraries() {
  static const std::map<std::string, std::string> libraries = {
      {"cudart", "hip::host"}, {"cudart_static", "hip::host"}, {"cublas", "roc::hipblas"},
      {"curand", "hip::hiprand"}, {"cufft", "hip::hipfft"},    {"cusparse", "roc::hipsparse"},
      {"cusolver", "roc::hipsolver"}};
  return libraries;
}

bool isIdentifierChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

class CMakeRewriter {
public:
  CMakeRewriter(const std::string &path, const std::string &text, const BuildFileOptions &options)
      : text_(text), options_(options), editor_(path, text, "cmake") {}

  BuildFileRewrite run() {
    CMakeTokens tokens = tokenizeCMake(text_);
    if (!tokens.error.empty()) {
      editor_.warn(tokens.errorOffset, "not CMake's grammar (" + tokens.error + "); the file was left as is",
                   "hip-build-file-syntax");
      BuildFileRewrite out = editor_.take();
      out.diagnostics.back().level = Diagnostic::Level::Error;
      out.edits.clear();
      out.converted.clear();
      out.parsed = false;
      return out;
    }
    for (const CMakeCommand &command : tokens.commands) rewriteCommand(command);
    return editor_.take();
  }

private:
  void rewriteCommand(const CMakeCommand &c) {
    std::string key = cmakeCommandKey(c);
    const auto &args = c.args;
    if (key == "project") {
      for (size_t i = 1; i < args.size(); ++i)
        if (args[i].text == "CUDA") editor_.replace(args[i].contentOffset, 4, "HIP", "language");
      return;
    }
    if (key == "enable_language" || key == "check_language") {
      for (const auto &a : args)
        if (a.text == "CUDA") editor_.replace(a.contentOffset, 4, "HIP", "language");
      return;
    }
    if (key == "find_package" && !args.empty() && (args[0].text == "CUDAToolkit" || args[0].text == "CUDA")) {
      findPackage(c);
      return;
    }
    if (key == "cuda_add_executable" || key == "cuda_add_library") {
      editor_.replace(c.nameOffset, c.name.size(), key == "cuda_add_executable" ? "add_executable" : "add_library",
                      "command");
    }
    bool flagContext = key == "target_compile_options" || key == "add_compile_options" || key == "target_link_options" ||
                       key == "add_link_options";
    if (key == "set" && !args.empty() &&
        (startsWith(args[0].text, "CMAKE_CUDA_FLAGS") || args[0].text == "CUDA_NVCC_FLAGS")) {
      name(args[0]);
      flags(std::vector<CMakeArgument>(args.begin() + 1, args.end()));
      return;
    }
    if (key == "set" && args.size() > 1 && args[0].text == "CMAKE_CUDA_ARCHITECTURES") {
      name(args[0]);
      architectures(args, 1);
      return;
    }
    bool linkContext = key == "target_link_libraries" || key == "link_libraries";
    for (size_t i = 0; i < args.size(); ++i) {
      const CMakeArgument &a = args[i];
      if (flagContext && (i > 0 || startsWith(key, "add_"))) {
        flags({a});
        continue;
      }
      if (linkContext && rawLibraries().count(a.text)) {
        editor_.replace(a.contentOffset, a.text.size(), rawLibraries().at(a.text), "target");
        continue;
      }
      if (a.text == "CUDA_ARCHITECTURES" && (key == "set_target_properties" || key == "set_property")) {
        name(a);
        // set_target_properties: one value; set_property(... PROPERTY name values...): the rest.
        i = key == "set_target_properties" ? architectures(args, i + 1, i + 2) : architectures(args, i + 1);
        continue;
      }
      if (!name(a)) inside(a);
    }
  }

  // A whole argument naming a CUDA variable or property; true if it was one.
  bool name(const CMakeArgument &a) {
    if (a.kind == CMakeArgument::Kind::Bracket) return false;
    if (auto it = cudaNames().find(a.text); it != cudaNames().end()) {
      editor_.replace(a.contentOffset, a.text.size(), it->second, "variable");
      return true;
    }
    if (auto it = namesWithoutEquivalent().find(a.text); it != namesWithoutEquivalent().end()) {
      editor_.warn(a.contentOffset, "'" + a.text + "': " + it->second, "hip-build-setting-without-equivalent");
      editor_.keep(a.contentOffset, a.text, "no HIP equivalent");
      return true;
    }
    return false;
  }

  // Architecture values from args[first] up to `last` (exclusive; default: up to CACHE or
  // PARENT_SCOPE) become the offload architecture. Returns the index of the last one consumed.
  size_t architectures(const std::vector<CMakeArgument> &args, size_t first, size_t last = SIZE_MAX) {
    size_t end = std::min(last, args.size());
    size_t i = first;
    bool replaced = false;
    for (; i < end; ++i) {
      const std::string &v = args[i].text;
      if (v == "CACHE" || v == "PARENT_SCOPE" || v == "APPEND" || v == "PROPERTIES") break;
      if (!replaced) {
        editor_.replace(args[i].contentOffset, v.size(), options_.offloadArch, "architecture");
        replaced = true;
      } else {
        editor_.removeWord(args[i].offset, args[i].length, "architecture");
      }
    }
    return i - 1;
  }

  // References inside an argument: CUDA::targets, ${CUDA variables}, $<COMPILE_LANGUAGE:CUDA>,
  // and `.cu` source names.
  void inside(const CMakeArgument &a) {
    if (a.kind == CMakeArgument::Kind::Bracket) return;
    const std::string &t = a.text;
    bool edited = false;
    for (size_t p = 0; p < t.size();) {
      if (startsWith(t.substr(p, 6), "CUDA::") && (p == 0 || !isIdentifierChar(t[p - 1]))) {
        size_t q = p + 6;
        while (q < t.size() && isIdentifierChar(t[q])) ++q;
        std::string lib = t.substr(p + 6, q - p - 6);
        if (auto it = importedTargets().find(lib); it != importedTargets().end()) {
          editor_.replace(a.contentOffset + p, q - p, it->second, "target");
          edited = true;
        } else {
          editor_.warn(a.contentOffset + p, "'CUDA::" + lib + "' has no HIP package target; left as is",
                       "hip-build-setting-without-equivalent");
          editor_.keep(a.contentOffset + p, t.substr(p, q - p), "no HIP equivalent");
        }
        p = q;
      } else if (t.compare(p, 2, "${") == 0) {
        size_t q = t.find('}', p);
        if (q == std::string::npos) break;
        std::string var = t.substr(p + 2, q - p - 2);
        if (auto it = cudaNames().find(var); it != cudaNames().end()) {
          editor_.replace(a.contentOffset + p + 2, var.size(), it->second, "variable");
          edited = true;
        } else if (auto it = namesWithoutEquivalent().find(var); it != namesWithoutEquivalent().end()) {
          editor_.warn(a.contentOffset + p, "'" + var + "': " + it->second, "hip-build-setting-without-equivalent");
          editor_.keep(a.contentOffset + p, t.substr(p, q + 1 - p), "no HIP equivalent");
        }
        p = q + 1;
      } else if (t.compare(p, 22, "COMPILE_LANGUAGE:CUDA>") == 0 || t.compare(p, 22, "COMPILE_LANGUAGE:CUDA,") == 0) {
        editor_.replace(a.contentOffset + p + 17, 4, "HIP", "language");
        edited = true;
        p += 21;
      } else {
        ++p;
      }
    }
    std::string renamed;
    if (!edited && options_.renameCudaSources && renameCudaSuffixes(t, renamed))
      editor_.replace(a.contentOffset, t.size(), renamed, "source");
  }

  // nvcc flags in an argument (several per argument when quoted, `;`-separated in lists), also
  // inside `$<$<COMPILE_LANGUAGE:CUDA>:...>`.
  void flags(const std::vector<CMakeArgument> &args) {
    for (const CMakeArgument &a : args) {
      if (a.kind == CMakeArgument::Kind::Bracket) continue;
      std::string t = a.text;
      size_t base = a.contentOffset, from = 0, to = t.size();
      const std::string genex = "$<$<COMPILE_LANGUAGE:CUDA>:";
      if (startsWith(t, genex) && endsWith(t, ">")) {
        editor_.replace(base + genex.size() - 6, 4, "HIP", "language");
        from = genex.size();
        to = t.size() - 1;
      }
      std::vector<CommandWord> words;
      for (size_t p = from; p < to;) {
        while (p < to && (t[p] == ' ' || t[p] == ';')) ++p;
        size_t q = p;
        while (q < to && t[q] != ' ' && t[q] != ';') ++q;
        if (q > p) words.push_back({base + p, t.substr(p, q - p)});
        p = q;
      }
      std::vector<CommandWord> flagWords;
      for (const CommandWord &w : words) {  // ${CMAKE_CUDA_FLAGS} and the like
        if (startsWith(w.text, "${") && endsWith(w.text, "}")) {
          std::string var = w.text.substr(2, w.text.size() - 3);
          if (auto it = cudaNames().find(var); it != cudaNames().end())
            editor_.replace(w.offset + 2, var.size(), it->second, "variable");
        } else {
          flagWords.push_back(w);
        }
      }
      bool archDone = false;
      mapNvccWords(flagWords, options_, editor_, archDone);
    }
  }

  // find_package(CUDAToolkit ...) -> find_package(hip ...) plus the packages of the libraries
  // the project links.
  void findPackage(const CMakeCommand &c) {
    const CMakeArgument &pkg = c.args[0];
    editor_.replace(pkg.contentOffset, pkg.text.size(), "hip", "package");
    for (size_t i = 1; i < c.args.size(); ++i) {  // a CUDA version means nothing to HIP
      const std::string &v = c.args[i].text;
      if (!v.empty() && std::isdigit(static_cast<unsigned char>(v[0])))
        editor_.removeWord(c.args[i].offset, c.args[i].length, "package");
      if (v == "COMPONENTS" || v == "OPTIONAL_COMPONENTS") {
        editor_.warn(c.args[i].offset, "CUDAToolkit components have no HIP counterpart; the HIP packages of the "
                                       "libraries the project links are found instead",
                     "hip-build-setting-without-equivalent");
        break;
      }
    }
    size_t lineStart = text_.rfind('\n', c.nameOffset);
    lineStart = lineStart == std::string::npos ? 0 : lineStart + 1;
    std::string indent = text_.substr(lineStart, c.nameOffset - lineStart);
    for (char ch : indent)
      if (ch != ' ' && ch != '\t') indent.clear();
    std::string added;
    for (const std::string &lib : options_.projectLibraries) {
      std::string hip = hipLibraryFor(lib);
      if (hip.empty() || hip == "MIOpen" || hip == "rccl") continue;
      added += "\n" + indent + "find_package(" + hip + " REQUIRED)";
    }
    if (!added.empty()) editor_.replace(c.end, 0, added, "package");
  }

  const std::string &text_;
  const BuildFileOptions &options_;
  BuildFileEditor editor_;
};

}  // namespace

BuildFileRewrite rewriteCMake(const std::string &path, const std::string &text, const BuildFileOptions &options) {
  return CMakeRewriter(path, text, options).run();
}

}  // namespace xpile::porting
