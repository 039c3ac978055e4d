#include "backends/exec/compiler.h"

#include "backends/exec/runtime_headers.h"
#include "backends/exec/sandbox.h"

#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/Program.h>
#include <llvm/Support/SHA256.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace xpile::exec {

namespace {

using Clock = std::chrono::steady_clock;

bool isReadable(const std::string &path) { return ::access(path.c_str(), R_OK) == 0; }

bool isExecutable(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

std::string readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Identifies the compiler binary: its resolved path, size and modification time (cheaper than
// running `--version`, and it changes when the package is updated).
std::string compilerIdentity(const std::string &compiler) {
  char resolved[PATH_MAX];
  std::string path = ::realpath(compiler.c_str(), resolved) ? std::string(resolved) : compiler;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return path;
  return path + "|" + std::to_string(st.st_size) + "|" + std::to_string(st.st_mtim.tv_sec) + "." +
         std::to_string(st.st_mtim.tv_nsec);
}

std::string shellQuote(const std::string &arg) {
  if (!arg.empty() && arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=+./:,@%") ==
                          std::string::npos)
    return arg;
  std::string q = "'";
  for (char c : arg) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string joinCommand(const std::vector<std::string> &argv) {
  std::string s;
  for (const std::string &a : argv) s += (s.empty() ? "" : " ") + shellQuote(a);
  return s;
}

const char *languageFlag(SourceLanguage l) { return l == SourceLanguage::C ? "c" : "c++"; }
const char *standardFlag(SourceLanguage l) { return l == SourceLanguage::C ? "-std=c11" : "-std=c++17"; }
const char *extension(SourceLanguage l) { return l == SourceLanguage::C ? ".c" : ".cpp"; }

std::string uniqueSuffix() {
  static std::atomic<unsigned> counter{0};
  return std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

// Runs one compiler command; false with the diagnostics (or why it could not run) on failure.
bool runCompiler(const std::vector<std::string> &argv, const CompileOptions &options, const std::string &dir,
                 std::string &diagnostics) {
  RunLimits limits;
  limits.timeoutSeconds = options.timeoutSeconds;
  limits.memoryBytes = 0;
  RunResult r = runSandboxed(argv, {}, limits, dir);
  diagnostics += r.out;
  diagnostics += r.err;
  if (r.ok()) return true;
  if (r.status == RunResult::Status::SpawnError || r.status == RunResult::Status::Timeout ||
      r.status == RunResult::Status::Crash || r.status == RunResult::Status::MemoryLimit) {
    if (!diagnostics.empty() && diagnostics.back() != '\n') diagnostics += '\n';
    diagnostics += "xpile: the compiler " + argv[0] + " " +
                   (r.status == RunResult::Status::SpawnError ? r.message : r.message + " (" + statusName(r.status) + ")") +
                   "\n";
  }
  return false;
}

// The precompiled runtime header and its object, built once per (compiler, runtime, flags) under
// root/pch/KEY/. False when it cannot be built (the caller then compiles without it).
bool precompiledRuntime(const std::string &compiler, const std::string &header, const std::vector<std::string> &common,
                        const std::string &root, const std::string &runtimeDir, const CompileOptions &options,
                        std::string &pch, std::string &object) {
  llvm::SHA256 sha;
  auto feed = [&](const std::string &s) {
    std::string len = std::to_string(s.size()) + ":";
    sha.update(len);
    sha.update(s);
  };
  feed("xpile-pch-1");
  feed(compilerIdentity(compiler));
  feed(runtimeHeadersHash());
  feed(header);
  for (const std::string &f : common) feed(f == "-I" + runtimeDir ? std::string("-I<runtime>") : f);
  auto digest = sha.final();
  std::string key = llvm::toHex(llvm::ArrayRef<uint8_t>(digest.data(), digest.size()), true).substr(0, 32);
  std::string dir = root + "/pch/" + key, error;
  pch = dir + "/" + header + ".pch";
  object = dir + "/" + header + ".o";
  if (isReadable(pch) && isReadable(object)) return true;
  if (!makeDirectories(dir, &error)) return false;
  // Temporary names keep the extensions: clang compiles `x.pch` to an object only by its name.
  std::string suffix = uniqueSuffix();
  std::string tmpPch = dir + "/tmp-" + suffix + "-" + header + ".pch", tmpObject = dir + "/tmp-" + suffix + "-" + header + ".o";
  std::string diagnostics;
  std::vector<std::string> build = {compiler, "-x", "c++-header", "-std=c++17", "-fpch-instantiate-templates", "-fpch-codegen"};
  build.insert(build.end(), common.begin(), common.end());
  build.insert(build.end(), {runtimeDir + "/" + header, "-o", tmpPch});
  bool ok = runCompiler(build, options, dir, diagnostics) &&
            runCompiler({compiler, options.optimization, "-c", tmpPch, "-o", tmpObject}, options, dir, diagnostics);
  // The object first: a reader that sees the .pch also finds its object.
  ok = ok && ::rename(tmpObject.c_str(), object.c_str()) == 0 && ::rename(tmpPch.c_str(), pch.c_str()) == 0;
  ::unlink(tmpPch.c_str());
  ::unlink(tmpObject.c_str());
  return ok;
}

}  // namespace

std::string findClang(std::string *error) {
  if (auto found = llvm::sys::findProgramByName("clang++-16")) return *found;
  if (isExecutable("/usr/bin/clang++-16")) return "/usr/bin/clang++-16";
  if (error) *error = "clang++-16 was found neither on PATH nor as /usr/bin/clang++-16 (install clang-16)";
  return {};
}

CompileResult compileProgram(const std::string &source, const CompileOptions &options) {
  SourceFile file;
  file.text = source;
  file.language = options.language;
  file.displayName = options.displayName;
  return compileProgram(std::vector<SourceFile>{file}, options);
}

CompileResult compileProgram(const std::vector<SourceFile> &sources, const CompileOptions &options) {
  CompileResult result;
  Clock::time_point start = Clock::now();
  auto finish = [&](CompileResult &r) -> CompileResult {
    r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return r;
  };
  if (sources.empty()) {
    result.diagnostics = "xpile: no source to compile\n";
    return finish(result);
  }

  std::string error;
  std::string compiler = options.compiler.empty() ? findClang(&error) : options.compiler;
  if (compiler.empty()) {
    result.diagnostics = "xpile: " + error + "\n";
    return finish(result);
  }
  std::string root = options.cacheDir.empty() ? writableCacheRoot(&error) : options.cacheDir;
  if (root.empty() || !makeDirectories(root, &error)) {
    result.diagnostics = "xpile: no usable cache directory: " + error + "\n";
    return finish(result);
  }
  std::string runtimeDir = materializeRuntimeHeaders(root, &error);
  if (runtimeDir.empty()) {
    result.diagnostics = "xpile: cannot write the runtime headers: " + error + "\n";
    return finish(result);
  }

  // The texts as written: with a #line directive when a display name is given.
  std::vector<std::string> texts;
  for (const SourceFile &s : sources) {
    std::string text;
    if (!s.displayName.empty()) {
      std::string escaped;
      for (char c : s.displayName) escaped += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
      text = "#line 1 \"" + escaped + "\"\n";
    }
    texts.push_back(text + s.text);
  }

  // Flags common to compiling every source.
  // runtimeDir/sdk has the SDK's header names (<cuda_runtime.h>, <hip/hip_runtime.h>) for project
  // headers that include them; only the executor's compile sees it, never nvcc's.
  std::vector<std::string> common = {options.optimization, "-pthread", "-I" + runtimeDir, "-I" + runtimeDir + "/sdk"};
  for (const std::string &d : options.includeDirs) common.push_back("-I" + d);
  for (const std::string &d : options.defines) common.push_back("-D" + d);
  for (const std::string &f : options.flags) common.push_back(f);

  // The cache key.
  llvm::SHA256 sha;
  auto feed = [&](const std::string &s) {
    std::string len = std::to_string(s.size()) + ":";
    sha.update(len);
    sha.update(s);
  };
  feed("xpile-compile-1");
  feed(compilerIdentity(compiler));
  feed(runtimeHeadersHash());
  for (const std::string &f : common)
    feed(f == "-I" + runtimeDir ? std::string("-I<runtime>") : f == "-I" + runtimeDir + "/sdk" ? "-I<runtime>/sdk" : f);
  feed("link");
  for (const std::string &f : options.linkFlags) feed(f);
  for (size_t i = 0; i < sources.size(); ++i) {
    feed(languageFlag(sources[i].language));
    feed(texts[i]);
  }
  auto digest = sha.final();
  std::string key = llvm::toHex(llvm::ArrayRef<uint8_t>(digest.data(), digest.size()), true).substr(0, 32);

  std::string dir = root + "/programs/" + key;
  if (!makeDirectories(dir, &error)) {
    result.diagnostics = "xpile: " + error + "\n";
    return finish(result);
  }
  std::string exe = dir + "/prog";
  std::string log = dir + "/compile.log";

  std::vector<std::string> paths;
  for (size_t i = 0; i < sources.size(); ++i)
    paths.push_back(dir + "/" + (sources.size() == 1 ? std::string("prog") : "src" + std::to_string(i)) +
                    extension(sources[i].language));
  result.sourcePath = paths[0];

  if (options.useCache && isExecutable(exe)) {
    result.ok = true;
    result.cached = true;
    result.executable = exe;
    result.diagnostics = readFile(log);
    return finish(result);
  }

  for (size_t i = 0; i < sources.size(); ++i)
    if (!writeFileAtomically(paths[i], texts[i], &error)) {
      result.diagnostics = "xpile: " + error + "\n";
      return finish(result);
    }

  // Compiled under a unique name, then renamed into place: a concurrent xpile never runs a
  // half-written executable.
  std::string suffix = uniqueSuffix();
  std::string tmpExe = exe + ".tmp-" + suffix;
  std::vector<std::string> temporaries = {tmpExe};
  bool ok = true;
  if (sources.size() == 1) {
    std::vector<std::string> argv = {compiler, "-x", languageFlag(sources[0].language), standardFlag(sources[0].language)};
    argv.insert(argv.end(), common.begin(), common.end());
    std::string pch, pchObject;
    bool precompiled = !options.precompiledRuntime.empty() && sources[0].language == SourceLanguage::Cxx &&
                       precompiledRuntime(compiler, options.precompiledRuntime, common, root, runtimeDir, options, pch,
                                          pchObject);
    if (precompiled) argv.insert(argv.end(), {"-include-pch", pch});
    argv.insert(argv.end(), {paths[0], "-o", tmpExe});
    if (precompiled || !options.linkFlags.empty()) argv.push_back("-x"), argv.push_back("none");  // objects follow
    if (precompiled) argv.push_back(pchObject);
    argv.insert(argv.end(), options.linkFlags.begin(), options.linkFlags.end());
    argv.push_back("-lm");
    result.command = joinCommand(argv);
    ok = runCompiler(argv, options, dir, result.diagnostics);
  } else {
    std::vector<std::string> link = {compiler, options.optimization, "-pthread"};
    link.insert(link.end(), options.flags.begin(), options.flags.end());
    for (size_t i = 0; i < sources.size() && ok; ++i) {
      std::string object = dir + "/src" + std::to_string(i) + ".o.tmp-" + suffix;
      temporaries.push_back(object);
      std::vector<std::string> argv = {compiler, "-c", "-x", languageFlag(sources[i].language),
                                       standardFlag(sources[i].language)};
      argv.insert(argv.end(), common.begin(), common.end());
      argv.insert(argv.end(), {paths[i], "-o", object});
      result.command = joinCommand(argv);
      ok = runCompiler(argv, options, dir, result.diagnostics);
      link.push_back(object);
    }
    if (ok) {
      link.insert(link.end(), {"-o", tmpExe});
      link.insert(link.end(), options.linkFlags.begin(), options.linkFlags.end());
      link.push_back("-lm");
      result.command = joinCommand(link);
      ok = runCompiler(link, options, dir, result.diagnostics);
    }
  }

  if (ok) writeFileAtomically(log, result.diagnostics, nullptr);  // before the executable appears
  if (ok && ::rename(tmpExe.c_str(), exe.c_str()) != 0) {
    result.diagnostics += "xpile: cannot move the executable into the cache: " + std::string(std::strerror(errno)) + "\n";
    ok = false;
  }
  for (const std::string &t : temporaries) ::unlink(t.c_str());
  if (ok) {
    result.ok = true;
    result.executable = exe;
  }
  return finish(result);
}

}  // namespace xpile::exec
