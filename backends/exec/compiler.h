// Compiling a program under test with clang++-16 against the runtime headers, with a cache: the
// executable of the same sources, flags, runtime headers and compiler is reused, so compiling it
// again is instant.
//
// Cache layout (ROOT = CompileOptions::cacheDir, else writableCacheRoot()):
//   ROOT/runtime-<hash>/          the runtime headers (runtime_headers.h)
//   ROOT/programs/<key>/prog.cpp  the source (prog.c for C; src0.c, src1.cpp, ... for several)
//   ROOT/programs/<key>/prog      the executable, renamed into place when complete
//   ROOT/programs/<key>/compile.log   the compiler's output (warnings) of the compile that made it
// <key> is 32 hex digits of a SHA-256 over the sources (and their languages and display names),
// every flag, the runtime headers' hash and the compiler (its resolved path, size and mtime). A
// failed compile is not cached (its sources stay, so diagnostics can point at them).
#pragma once

#include <string>
#include <vector>

namespace xpile::exec {

enum class SourceLanguage {
  Cxx,  // -x c++ -std=c++17
  C,    // -x c -std=c11
};

struct SourceFile {
  std::string text;
  SourceLanguage language = SourceLanguage::Cxx;
  // When set, the file starts with `#line 1 "displayName"` so the compiler's diagnostics name it
  // (e.g. "vadd.cu.exec.cpp:12:5: error: ...") instead of the cache path; line numbers are unchanged.
  std::string displayName;
};

struct CompileOptions {
  SourceLanguage language = SourceLanguage::Cxx;  // of the single-source form
  std::string displayName;                        // of the single-source form (see SourceFile)
  std::string optimization = "-O2";
  std::vector<std::string> flags;        // extra compile flags, also passed when linking: -fopenmp,
                                         // -mavx512f -mavx512bw -mavx512vl -mavx512dq -mavx512vnni, -g, ...
  std::vector<std::string> defines;      // "NAME" or "NAME=VALUE", passed as -DNAME[=VALUE]
  std::vector<std::string> includeDirs;  // extra -I directories, after the runtime headers' directory
  std::vector<std::string> linkFlags;    // after the sources and objects: -lfoo, ...
  std::string compiler;                  // empty: clang++-16 on PATH, else /usr/bin/clang++-16
  std::string cacheDir;                  // empty: writableCacheRoot()
  bool useCache = true;                  // false: always compile (the result still lands in the cache)
  double timeoutSeconds = 300;           // for each compiler invocation
  // A runtime header every program of a dialect starts with ("xpile_cuda.h"): it is compiled once
  // per cache into a precompiled header whose inline functions and template instances live in an
  // object file (clang's -fpch-codegen), so each program compiles only its own code. Single C++
  // sources only; when the header cannot be precompiled the program compiles without it.
  std::string precompiledRuntime;
};

struct CompileResult {
  bool ok = false;
  std::string executable;   // when ok
  std::string diagnostics;  // the compiler's stderr/stdout (warnings when ok, errors otherwise), or why
                            // the compiler could not be run
  bool cached = false;      // the executable came from the cache
  double seconds = 0;       // wall clock of this call
  std::string sourcePath;   // where the (first) source was written
  std::string command;      // the (last) compiler command line, for reports
};

// Compiles one source (C++ unless options.language says C) into an executable.
CompileResult compileProgram(const std::string &source, const CompileOptions &options);
// Compiles several sources (each by its own language; each to an object, then linked by clang++).
CompileResult compileProgram(const std::vector<SourceFile> &sources, const CompileOptions &options);

// The compiler used when CompileOptions::compiler is empty; "" (and why) if none is found.
std::string findClang(std::string *error = nullptr);

}  // namespace xpile::exec
