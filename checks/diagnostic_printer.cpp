#include "checks/diagnostic_printer.h"

#include <clang/Basic/Diagnostic.h>
#include <clang/Basic/DiagnosticOptions.h>
#include <clang/Basic/FileManager.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Frontend/TextDiagnosticPrinter.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/VirtualFileSystem.h>

namespace xpile::checks {

namespace {

class Renderer {
public:
  Renderer(const std::map<std::string, std::string> &contents, llvm::raw_ostream &os)
      : memory_(llvm::makeIntrusiveRefCnt<llvm::vfs::InMemoryFileSystem>()),
        overlay_(llvm::makeIntrusiveRefCnt<llvm::vfs::OverlayFileSystem>(llvm::vfs::getRealFileSystem())),
        files_(clang::FileSystemOptions(), overlay_), options_(llvm::makeIntrusiveRefCnt<clang::DiagnosticOptions>()),
        printer_(os, options_.get()),
        engine_(llvm::makeIntrusiveRefCnt<clang::DiagnosticIDs>(), options_.get(), &printer_, /*ShouldOwnClient=*/false),
        sources_(engine_, files_) {
    for (const auto &[name, text] : contents) memory_->addFile(name, 0, llvm::MemoryBuffer::getMemBufferCopy(text, name));
    overlay_->pushOverlay(memory_);
    options_->ShowColors = false;
    engine_.setSourceManager(&sources_);
    printer_.BeginSourceFile(clang::LangOptions(), nullptr);
  }
  ~Renderer() { printer_.EndSourceFile(); }

  void emit(const CheckDiagnostic &d) {
    clang::DiagnosticsEngine::Level level = d.level == CheckDiagnostic::Level::Error     ? clang::DiagnosticsEngine::Error
                                            : d.level == CheckDiagnostic::Level::Warning ? clang::DiagnosticsEngine::Warning
                                                                                         : clang::DiagnosticsEngine::Note;
    std::string text = d.message;
    if (d.level != CheckDiagnostic::Level::Note && !d.check.empty())
      text += " [" + d.check + (d.warningAsError ? ",-warnings-as-errors" : "") + "]";
    clang::SourceLocation loc = location(d.file, d.offset);
    auto builder = engine_.Report(loc, engine_.getCustomDiagID(level, "%0"));
    builder << text;
    if (loc.isValid() && d.length) builder << clang::CharSourceRange::getCharRange(loc, loc.getLocWithOffset(d.length));
    for (const auto &fix : d.fixes) {
      clang::SourceLocation begin = location(fix.getFilePath().str(), fix.getOffset());
      if (begin.isInvalid() || sources_.getFileID(begin) != sources_.getFileID(loc)) continue;
      builder << clang::FixItHint::CreateReplacement(
          clang::CharSourceRange::getCharRange(begin, begin.getLocWithOffset(fix.getLength())),
          fix.getReplacementText());
    }
  }

private:
  clang::SourceLocation location(const std::string &file, unsigned offset) {
    auto found = fileIds_.find(file);
    if (found == fileIds_.end()) {
      clang::FileID id;
      if (auto entry = files_.getOptionalFileRef(file)) id = sources_.getOrCreateFileID(*entry, clang::SrcMgr::C_User);
      found = fileIds_.emplace(file, id).first;
    }
    if (found->second.isInvalid()) return {};
    clang::SourceLocation start = sources_.getLocForStartOfFile(found->second);
    return offset <= sources_.getFileIDSize(found->second) ? start.getLocWithOffset(offset) : start;
  }

  llvm::IntrusiveRefCntPtr<llvm::vfs::InMemoryFileSystem> memory_;
  llvm::IntrusiveRefCntPtr<llvm::vfs::OverlayFileSystem> overlay_;
  clang::FileManager files_;
  llvm::IntrusiveRefCntPtr<clang::DiagnosticOptions> options_;
  clang::TextDiagnosticPrinter printer_;
  clang::DiagnosticsEngine engine_;
  clang::SourceManager sources_;
  std::map<std::string, clang::FileID> fileIds_;
};

}  // namespace

void printDiagnostics(const std::vector<CheckDiagnostic> &diagnostics,
                      const std::map<std::string, std::string> &contents, llvm::raw_ostream &os) {
  Renderer renderer(contents, os);
  for (const CheckDiagnostic &d : diagnostics) {
    renderer.emit(d);
    for (const CheckDiagnostic &n : d.notes) renderer.emit(n);
  }
  os.flush();
}

}  // namespace xpile::checks
