#include "frontends/frontend.h"

#include "frontends/dialect_detection.h"
#include "frontends/lowering.h"
#include "frontends/prelude_files.h"

#include <clang/Basic/DiagnosticOptions.h>
#include <clang/Frontend/CompilerInstance.h>
#include <clang/Frontend/FrontendAction.h>
#include <clang/Frontend/TextDiagnosticPrinter.h>
#include <clang/Tooling/CompilationDatabase.h>
#include <clang/Tooling/Tooling.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/VirtualFileSystem.h>

namespace xpile::frontends {

namespace {

std::string preludeDir(const char *dialectDir) { return std::string(kPreludeRoot) + "/" + dialectDir; }

// Builds the module once Clang has parsed and checked the file without errors.
class LowerConsumer : public clang::ASTConsumer {
public:
  LowerConsumer(clang::CompilerInstance &ci, const MainFileDirectives &directives, ast::Dialect dialect, bool isCxx,
                bool lower, std::optional<ast::Module> &out)
      : ci_(ci), directives_(directives), dialect_(dialect), isCxx_(isCxx), lower_(lower), out_(out) {}

  void HandleTranslationUnit(clang::ASTContext &ctx) override {
    if (!lower_ || ci_.getDiagnostics().hasErrorOccurred()) return;
    out_ = lowerTranslationUnit(ctx, directives_, dialect_, isCxx_);
  }

private:
  clang::CompilerInstance &ci_;
  const MainFileDirectives &directives_;
  ast::Dialect dialect_;
  bool isCxx_;
  bool lower_;
  std::optional<ast::Module> &out_;
};

class LowerAction : public clang::ASTFrontendAction {
public:
  LowerAction(ast::Dialect dialect, bool isCxx, bool lower, std::optional<ast::Module> &out)
      : dialect_(dialect), isCxx_(isCxx), lower_(lower), out_(out) {}

  std::unique_ptr<clang::ASTConsumer> CreateASTConsumer(clang::CompilerInstance &ci, llvm::StringRef) override {
    ci.getPreprocessor().addPPCallbacks(std::make_unique<DirectiveRecorder>(ci.getSourceManager(), directives_));
    return std::make_unique<LowerConsumer>(ci, directives_, dialect_, isCxx_, lower_, out_);
  }

private:
  ast::Dialect dialect_;
  bool isCxx_;
  bool lower_;
  std::optional<ast::Module> &out_;
  MainFileDirectives directives_;
};

// Keeps only the flags that change what the source means (include paths, macros, language
// standard, forced includes); a build's code-generation flags mean nothing to the front end.
std::vector<std::string> meaningfulFlags(const std::vector<std::string> &command) {
  std::vector<std::string> out;
  for (size_t i = 1; i < command.size(); ++i) {
    const std::string &a = command[i];
    auto takesValue = [&](const char *flag) { return a == flag && i + 1 < command.size(); };
    if (takesValue("-I") || takesValue("-D") || takesValue("-U") || takesValue("-isystem") ||
        takesValue("-include") || takesValue("-iquote")) {
      out.push_back(a);
      out.push_back(command[++i]);
    } else if (a.rfind("-I", 0) == 0 || a.rfind("-D", 0) == 0 || a.rfind("-U", 0) == 0 || a.rfind("-std=", 0) == 0 ||
               a.rfind("-isystem", 0) == 0 || a.rfind("-iquote", 0) == 0) {
      out.push_back(a);
    }
  }
  return out;
}

std::vector<std::string> flagsFromCompilationDatabase(const std::string &dir, const std::string &path,
                                                      std::string &diagnostics) {
  std::string error;
  auto db = clang::tooling::CompilationDatabase::loadFromDirectory(dir, error);
  if (!db) {
    diagnostics += "xpile: error: cannot load compilation database from '" + dir + "': " + error + "\n";
    return {};
  }
  llvm::SmallString<256> abs(path);
  llvm::sys::fs::make_absolute(abs);
  auto commands = db->getCompileCommands(abs.str());
  if (commands.empty()) return {};
  return meaningfulFlags(commands.front().CommandLine);
}

}  // namespace

std::vector<std::string> clangArguments(ast::Dialect dialect, bool isC) {
  std::vector<std::string> args = {isC ? "clang" : "clang++", "-fsyntax-only", "-resource-dir",
                                   XPILE_CLANG_RESOURCE_DIR, "-ferror-limit=50"};
  // CUDA 13's headers are newer than Clang 16 understands: parse against the prelude instead, and
  // point Clang at an empty CUDA path so it neither reads nor warns about the installed toolkit.
  const std::vector<std::string> cudaMode = {"-x", "cuda", "--cuda-host-only", "-nocudainc", "-nocudalib",
                                             "--cuda-gpu-arch=sm_80", "--cuda-path=" + std::string(kPreludeRoot),
                                             "-Wno-unknown-cuda-version", "-std=c++17"};
  switch (dialect) {
  case ast::Dialect::CUDA:
    args.insert(args.end(), cudaMode.begin(), cudaMode.end());
    args.insert(args.end(), {"-isystem", preludeDir("cuda"), "-include", "cuda_runtime.h"});
    break;
  case ast::Dialect::HIP:
    args.insert(args.end(), {"-x", "hip", "--cuda-host-only", "-nogpuinc", "-nogpulib", "--offload-arch=gfx90a",
                             "-std=c++17", "-isystem", preludeDir("hip"), "-include", "hip/hip_runtime.h"});
    break;
  case ast::Dialect::BANG:
    args.insert(args.end(), cudaMode.begin(), cudaMode.end());
    args.insert(args.end(), {"-isystem", preludeDir("bang"), "-include", "bang.h", "-include", "cnrt.h"});
    break;
  case ast::Dialect::VNNI:
  case ast::Dialect::C:
    if (isC) args.insert(args.end(), {"-x", "c", "-std=c11"});
    else args.insert(args.end(), {"-x", "c++", "-std=c++17"});
    args.push_back("-fopenmp");
    if (dialect == ast::Dialect::VNNI)
      args.insert(args.end(), {"-mavx512f", "-mavx512bw", "-mavx512vl", "-mavx512dq", "-mavx512vnni"});
    break;
  }
  return args;
}

ParseResult runClangAction(const std::string &path, const std::string &source, const ParseOptions &opts,
                           const ActionFactory &makeAction) {
  ParseResult result;
  std::optional<ast::Dialect> dialect = opts.dialect ? opts.dialect : detectDialect(path, source);
  if (!dialect) {
    result.diagnostics = path + ":1:1: error: cannot tell the dialect of this file from its name or content; "
                                "use --from cuda|hip|bang|vnni|c\n";
    result.errorCount = 1;
    return result;
  }
  bool isC = isCSource(path, *dialect);

  llvm::SmallString<256> absPath(path);
  llvm::sys::fs::make_absolute(absPath);
  std::vector<std::string> args = clangArguments(*dialect, isC);
  if (!opts.compilationDatabaseDir.empty()) {
    auto dbFlags = flagsFromCompilationDatabase(opts.compilationDatabaseDir, path, result.diagnostics);
    args.insert(args.end(), dbFlags.begin(), dbFlags.end());
  }
  args.insert(args.end(), opts.extraArgs.begin(), opts.extraArgs.end());
  if (!opts.showWarnings) args.push_back("-w");
  args.push_back(path);  // as given, so diagnostics name the file the way the user did

  // The prelude and the source live in memory on top of the real file system, so user headers
  // next to the source still resolve.
  auto memory = llvm::makeIntrusiveRefCnt<llvm::vfs::InMemoryFileSystem>();
  for (const auto &file : preludeFiles())
    memory->addFile(std::string(kPreludeRoot) + "/" + file.path, 0, llvm::MemoryBuffer::getMemBuffer(file.contents));
  memory->addFile(absPath, 0, llvm::MemoryBuffer::getMemBufferCopy(source, absPath));
  auto overlay = llvm::makeIntrusiveRefCnt<llvm::vfs::OverlayFileSystem>(llvm::vfs::getRealFileSystem());
  overlay->pushOverlay(memory);
  llvm::SmallString<256> cwd;
  if (!llvm::sys::fs::current_path(cwd)) overlay->setCurrentWorkingDirectory(cwd);
  auto files = llvm::makeIntrusiveRefCnt<clang::FileManager>(clang::FileSystemOptions(), overlay);

  std::string diagText;
  llvm::raw_string_ostream diagStream(diagText);
  auto diagOpts = llvm::makeIntrusiveRefCnt<clang::DiagnosticOptions>();
  diagOpts->ShowColors = false;
  clang::TextDiagnosticPrinter printer(diagStream, diagOpts.get());

  clang::tooling::ToolInvocation invocation(args, makeAction(*dialect, !isC), files.get());
  invocation.setDiagnosticConsumer(&printer);
  bool ok = invocation.run();
  diagStream.flush();
  result.diagnostics += diagText;
  result.errorCount = printer.getNumErrors();
  result.warningCount = printer.getNumWarnings();
  if (!ok && result.errorCount == 0) {
    result.errorCount = 1;
    if (result.diagnostics.empty()) result.diagnostics = path + ":1:1: error: clang could not parse this file\n";
  }
  return result;
}

ParseResult parseSource(const std::string &path, const std::string &source, const ParseOptions &opts) {
  std::optional<ast::Module> module;
  ParseResult result = runClangAction(path, source, opts, [&](ast::Dialect dialect, bool isCxx) {
    return std::make_unique<LowerAction>(dialect, isCxx, opts.lower, module);
  });
  if (!result.errorCount) result.module = std::move(module);
  if (result.module) result.module->sourceFile = path;
  return result;
}

ParseResult parseFile(const std::string &path, const ParseOptions &opts) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer) {
    ParseResult result;
    result.diagnostics = "xpile: error: no such file or directory: '" + path + "' (" + buffer.getError().message() + ")\n";
    result.errorCount = 1;
    return result;
  }
  return parseSource(path, (*buffer)->getBuffer().str(), opts);
}

}  // namespace xpile::frontends
