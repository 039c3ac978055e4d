// The executor runtime headers (backends/runtime, backends/simt, backends/<dialect>/runtime),
// embedded in the xpile binary at build time (cmake/embed_files.cmake) and written to a cache
// directory before compiling a program under test, so an installed xpile needs no source tree.
//
// Cache layout (the root is cacheRoot(), see below):
//   ROOT/runtime-<hash>/xpile_rt.h, xpile_harness.h, xpile_cuda.h, ...   the runtime, flat
//   ROOT/runtime-<hash>/sdk/cuda_runtime.h, sdk/hip/hip_runtime.h, ...    SDK names for project headers
// <hash> is the first 16 hex digits of the SHA-256 of every header's name and contents, so a new
// xpile build with changed headers gets a new directory and old ones are never modified. The
// directory is written under a temporary name and renamed into place, so concurrent xpile
// processes never see half-written headers.
#pragma once

#include <string>
#include <vector>

namespace xpile::exec {

struct RuntimeHeader {
  std::string name;      // path in the runtime directory, e.g. "xpile_rt.h", "sdk/hip/hip_runtime.h"
  std::string contents;
};

// Every embedded header, sorted by name (generated: runtime_header_files.cpp).
const std::vector<RuntimeHeader> &runtimeHeaders();

// 16 hex digits identifying the embedded headers' names and contents.
const std::string &runtimeHeadersHash();

// xpile's cache root: $XPILE_CACHE_DIR, else $XDG_CACHE_HOME/xpile, else $HOME/.cache/xpile, else
// /tmp/xpile-cache-<uid>. Not created here.
std::string cacheRoot();

// cacheRoot(), created if needed; if that fails, /tmp/xpile-cache-<uid>; "" (and why) if neither can be.
std::string writableCacheRoot(std::string *error = nullptr);

// Creates `dir` and its parents (mode 0700 for what it creates). False with a message on failure.
bool makeDirectories(const std::string &dir, std::string *error);

// Writes the runtime headers to CACHEROOT/runtime-<hash>/ unless that directory exists already,
// and returns it. The first form uses writableCacheRoot(); both return "" when nothing can be
// written (the second form says why).
std::string materializeRuntimeHeaders();
std::string materializeRuntimeHeaders(const std::string &cacheRootDir, std::string *error);

// Writes `contents` to `path` atomically (a temporary file in the same directory, then rename).
bool writeFileAtomically(const std::string &path, const std::string &contents, std::string *error);

}  // namespace xpile::exec
