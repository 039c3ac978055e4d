// The CUDA -> HIP rewriter: Clang's AST and preprocessor of the real file give every place a CUDA
// name is spelled; each becomes a replacement of exactly that token, so all else stays byte for byte.
#include "porting/hip_rewrite.h"

#include "porting/kernel_rewrite.h"
#include "porting/library_tables.h"
#include "porting/warp_intrinsics.h"

#include <clang/AST/ASTConsumer.h>
#include <clang/AST/ExprCXX.h>
#include <clang/AST/RecursiveASTVisitor.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Frontend/CompilerInstance.h>
#include <clang/Frontend/FrontendAction.h>
#include <clang/Lex/Lexer.h>
#include <clang/Lex/PPCallbacks.h>
#include <clang/Lex/Preprocessor.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/FormatVariadic.h>
#include <llvm/Support/Path.h>

#include <set>

namespace xpile::porting {

namespace {

struct Edit {
  unsigned length = 0;
  std::string text;
};

// Everything the action learns, shared by the AST visitor and the preprocessor callbacks.
struct RewriteState {
  const RewriteOptions &options;
  const PortingTables &tables = portingTables();
  std::string mainPath;
  std::map<std::string, std::map<unsigned, Edit>> edits;  // file -> offset -> edit (one per token)
  std::set<std::pair<std::string, unsigned>> diagnosed;
  FileRewrite &result;
  std::vector<std::string> hazardKernels;  // kernels using warp intrinsics / warpSize / wmma
  struct KernelRange {
    std::string name;
    unsigned begin, end, line;
  };
  std::vector<KernelRange> kernelRanges;  // main file

  RewriteState(const RewriteOptions &o, FileRewrite &r) : options(o), result(r) {}

  // Whether edits may go to the file holding `loc` (a file location): the main file, or with a
  // project root any file under it; never the prelude, system or SDK headers.
  bool editable(const clang::SourceManager &sm, clang::SourceLocation loc) const {
    if (loc.isInvalid() || !loc.isFileID()) return false;
    clang::FileID id = sm.getFileID(loc);
    if (options.projectRoot.empty()) return id == sm.getMainFileID();
    auto entry = sm.getFileEntryRefForID(id);
    if (!entry) return false;
    std::string name(entry->getName());
    if (name.rfind(frontends::kPreludeRoot, 0) == 0) return false;
    llvm::SmallString<256> abs(name), root(options.projectRoot);
    llvm::sys::fs::make_absolute(abs);
    llvm::sys::fs::make_absolute(root);
    llvm::sys::path::remove_dots(abs, true);
    llvm::sys::path::remove_dots(root, true);
    std::string a(abs), r(root);
    if (!r.empty() && r.back() != '/') r += '/';
    return a.rfind(r, 0) == 0;
  }

  std::string fileName(const clang::SourceManager &sm, clang::SourceLocation loc) const {
    if (sm.getFileID(loc) == sm.getMainFileID()) return mainPath;
    auto entry = sm.getFileEntryRefForID(sm.getFileID(loc));
    return entry ? std::string(entry->getName()) : std::string();
  }

  void record(const clang::SourceManager &sm, clang::SourceLocation loc, unsigned length, const std::string &text,
              const std::string &from, const std::string &library, const std::string &kind) {
    std::string file = fileName(sm, loc);
    unsigned offset = sm.getFileOffset(loc);
    auto &fileEdits = edits[file];
    if (fileEdits.count(offset)) return;  // the same token reached twice (macro body and expansion)
    fileEdits[offset] = Edit{length, text};
    ConvertedReference c;
    c.file = file;
    c.line = sm.getSpellingLineNumber(loc);
    c.column = sm.getSpellingColumnNumber(loc);
    c.library = library;
    c.kind = kind;
    c.from = from;
    c.to = text;
    result.converted.push_back(std::move(c));
  }

  // Renames the identifier token at `loc` (a file location) when the tables map `name`; reports
  // names with no exact equivalent. Returns whether the name is a CUDA API name at all.
  bool renameToken(const clang::SourceManager &sm, clang::SourceLocation loc, const std::string &name,
                   const std::string &kindHint = "") {
    if (!editable(sm, loc)) return false;
    if (auto it = tables.names.find(name); it != tables.names.end()) {
      const MappedName &m = it->second;
      record(sm, loc, static_cast<unsigned>(name.size()), m.to, name, m.library, kindHint.empty() ? m.kind : kindHint);
      return true;
    }
    if (auto it = tables.noEquivalent.find(name); it != tables.noEquivalent.end()) {
      reportNoEquivalent(sm, loc, name, it->second.library, it->second.why);
      return true;
    }
    return false;
  }

  void reportNoEquivalent(const clang::SourceManager &sm, clang::SourceLocation loc, const std::string &name,
                          const std::string &library, const std::string &why) {
    reportKept(sm, loc, "hip-api-without-equivalent",
               "'" + name + "' (" + library + ") has no exact HIP equivalent" + (why.empty() ? "" : ": " + why), name);
  }

  // A warning at `loc` for a span kept as written (once per location), and the kept span itself.
  void reportKept(const clang::SourceManager &sm, clang::SourceLocation loc, const std::string &check,
                  const std::string &message, const std::string &spanText) {
    std::string file = fileName(sm, loc);
    unsigned offset = sm.getFileOffset(loc);
    if (!diagnosed.insert({file, offset}).second) return;
    Diagnostic d;
    d.level = Diagnostic::Level::Warning;
    d.file = file;
    d.offset = offset;
    d.line = sm.getSpellingLineNumber(loc);
    d.column = sm.getSpellingColumnNumber(loc);
    d.check = check;
    d.message = message + "; kept as written";
    result.diagnostics.push_back(d);
    result.kept.push_back(KeptSpan{file, d.line, d.column, spanText, d.message});
  }

  // The text of [from, to) in `file` with the edits inside it applied; those edits are removed
  // (the caller replaces the range, or a range containing it, with one edit).
  std::string foldEdits(const clang::SourceManager &sm, clang::FileID id, const std::string &file, unsigned from,
                        unsigned to) {
    llvm::StringRef buffer = sm.getBufferData(id);
    auto &fileEdits = edits[file];
    std::string out;
    unsigned at = from;
    for (auto it = fileEdits.lower_bound(from); it != fileEdits.end() && it->first < to;) {
      if (it->first + it->second.length > to) break;  // reaches past the range: not ours to fold
      out += buffer.substr(at, it->first - at).str() + it->second.text;
      at = it->first + it->second.length;
      it = fileEdits.erase(it);
    }
    return out + buffer.substr(at, to - at).str();
  }

  void reportWarp(const clang::SourceManager &sm, clang::SourceLocation loc, const std::string &message,
                  const std::string &spanText) {
    reportKept(sm, loc, "hip-warp-size", message, spanText);
  }

  // Renames whole identifier tokens of raw source (a macro body, an inactive #if branch) that
  // the tables map. Clang's raw lexer: comments and literals are never identifiers.
  void renameRawTokens(const clang::SourceManager &sm, const clang::LangOptions &lang, clang::SourceLocation begin,
                       clang::SourceLocation end) {
    if (!editable(sm, begin)) return;
    clang::FileID id = sm.getFileID(begin);
    bool invalid = false;
    llvm::StringRef buffer = sm.getBufferData(id, &invalid);
    if (invalid) return;
    unsigned from = sm.getFileOffset(begin), to = std::min<unsigned>(sm.getFileOffset(end), buffer.size());
    clang::Lexer lexer(sm.getLocForStartOfFile(id), lang, buffer.begin(), buffer.begin() + from, buffer.end());
    clang::Token tok;
    while (!lexer.LexFromRawLexer(tok) || tok.isNot(clang::tok::eof)) {
      if (tok.is(clang::tok::eof) || sm.getFileOffset(tok.getLocation()) >= to) break;
      if (tok.is(clang::tok::raw_identifier)) renameToken(sm, tok.getLocation(), tok.getRawIdentifier().str());
    }
  }
};

class PreprocessorRenamer : public clang::PPCallbacks {
public:
  PreprocessorRenamer(RewriteState &s, clang::Preprocessor &pp) : s_(s), pp_(pp), sm_(pp.getSourceManager()) {}

  void InclusionDirective(clang::SourceLocation hash, const clang::Token &, llvm::StringRef fileName, bool angled,
                          clang::CharSourceRange filenameRange, clang::OptionalFileEntryRef, llvm::StringRef,
                          llvm::StringRef, const clang::Module *, clang::SrcMgr::CharacteristicKind) override {
    if (!s_.editable(sm_, hash)) return;
    auto it = s_.tables.includes.find(fileName.str());
    if (it == s_.tables.includes.end()) return;
    clang::SourceLocation begin = filenameRange.getBegin();
    unsigned length = sm_.getFileOffset(filenameRange.getEnd()) - sm_.getFileOffset(begin);
    std::string text = (angled ? "<" : "\"") + it->second.first + (angled ? ">" : "\"");
    s_.record(sm_, begin, length, text, (angled ? "<" : "\"") + fileName.str() + (angled ? ">" : "\""),
              it->second.second, "include");
  }

  void MacroDefined(const clang::Token &name, const clang::MacroDirective *md) override {
    const clang::MacroInfo *mi = md->getMacroInfo();
    if (!mi || !s_.editable(sm_, name.getLocation())) return;
    for (const clang::Token &t : mi->tokens())
      if (t.is(clang::tok::identifier) && t.getLocation().isFileID())
        s_.renameToken(sm_, t.getLocation(), t.getIdentifierInfo()->getName().str());
  }

  // A library macro used in the project (cublasSgemm -> cublasSgemm_v2, CUFFT_FORWARD): the
  // macro's name at the use is the token to rename.
  void MacroExpands(const clang::Token &name, const clang::MacroDefinition &def, clang::SourceRange,
                    const clang::MacroArgs *) override {
    clang::SourceLocation loc = name.getLocation();
    if (!loc.isFileID() || !def.getMacroInfo()) return;
    if (s_.editable(sm_, def.getMacroInfo()->getDefinitionLoc())) return;  // the project's own macro
    s_.renameToken(sm_, loc, name.getIdentifierInfo()->getName().str(), "macro");
  }

  void Ifdef(clang::SourceLocation, const clang::Token &name, const clang::MacroDefinition &) override { cond(name); }
  void Ifndef(clang::SourceLocation, const clang::Token &name, const clang::MacroDefinition &) override { cond(name); }
  void Defined(const clang::Token &name, const clang::MacroDefinition &, clang::SourceRange) override { cond(name); }

  void SourceRangeSkipped(clang::SourceRange range, clang::SourceLocation endif) override {
    s_.renameRawTokens(sm_, pp_.getLangOpts(), range.getBegin(), endif);
  }

private:
  void cond(const clang::Token &name) {
    if (name.getLocation().isFileID()) s_.renameToken(sm_, name.getLocation(), name.getIdentifierInfo()->getName().str(), "macro");
  }

  RewriteState &s_;
  clang::Preprocessor &pp_;
  const clang::SourceManager &sm_;
};

// Finds every reference to a CUDA runtime or library declaration in the project's code.
class ReferenceRenamer : public clang::RecursiveASTVisitor<ReferenceRenamer> {
public:
  ReferenceRenamer(RewriteState &s, clang::ASTContext &ctx) : s_(s), ctx_(ctx), sm_(ctx.getSourceManager()) {}

  bool VisitDeclRefExpr(clang::DeclRefExpr *e) {
    reference(e->getDecl(), e->getLocation());
    if (auto *fd = llvm::dyn_cast<clang::FunctionDecl>(e->getDecl())) noteHazard(fd->getName());
    return true;
  }
  bool VisitUnresolvedLookupExpr(clang::UnresolvedLookupExpr *e) {  // a call with dependent arguments
    if (e->getNumDecls() > 0) reference((*e->decls_begin())->getUnderlyingDecl(), e->getNameLoc());
    return true;
  }
  bool VisitTypedefTypeLoc(clang::TypedefTypeLoc tl) {
    reference(tl.getTypedefNameDecl(), tl.getNameLoc());
    return true;
  }
  bool VisitEnumTypeLoc(clang::EnumTypeLoc tl) {
    reference(tl.getDecl(), tl.getNameLoc());
    return true;
  }
  bool VisitRecordTypeLoc(clang::RecordTypeLoc tl) {
    reference(tl.getDecl(), tl.getNameLoc());
    return true;
  }
  bool VisitTemplateSpecializationTypeLoc(clang::TemplateSpecializationTypeLoc tl) {
    if (auto *td = tl.getTypePtr()->getTemplateName().getAsTemplateDecl()) {
      if (inNamespace(td, "nvcuda")) noteHazard("wmma");
      reference(td, tl.getTemplateNameLoc());
    }
    return true;
  }
  bool TraverseNestedNameSpecifierLoc(clang::NestedNameSpecifierLoc nns) {
    if (!nns) return true;
    if (auto *ns = nns.getNestedNameSpecifier()->getAsNamespace()) namespaceReference(ns, nns.getLocalBeginLoc());
    if (auto *alias = nns.getNestedNameSpecifier()->getAsNamespaceAlias())
      namespaceReference(alias->getNamespace(), nns.getLocalBeginLoc(), alias->getName().str());
    return clang::RecursiveASTVisitor<ReferenceRenamer>::TraverseNestedNameSpecifierLoc(nns);
  }
  bool VisitUsingDirectiveDecl(clang::UsingDirectiveDecl *d) {
    namespaceReference(d->getNominatedNamespace(), d->getIdentLocation());
    return true;
  }
  bool VisitFunctionDecl(clang::FunctionDecl *fd) {
    if (fd->hasAttr<clang::CUDAGlobalAttr>() && fd->doesThisDeclarationHaveABody()) {
      current_ = fd;
      clang::SourceLocation begin = sm_.getExpansionLoc(fd->getBeginLoc());
      for (const auto *a : fd->attrs()) {
        clang::SourceLocation l = sm_.getExpansionLoc(a->getLocation());
        if (l.isValid() && sm_.isBeforeInTranslationUnit(l, begin)) begin = l;
      }
      clang::SourceLocation endTok = sm_.getExpansionLoc(fd->getEndLoc());
      clang::SourceLocation end = clang::Lexer::getLocForEndOfToken(endTok, 0, sm_, ctx_.getLangOpts());
      if (sm_.getFileID(begin) == sm_.getMainFileID() && sm_.getFileID(end) == sm_.getMainFileID() &&
          !fd->isTemplated())
        s_.kernelRanges.push_back({fd->getNameAsString(), sm_.getFileOffset(begin), sm_.getFileOffset(end),
                                   sm_.getSpellingLineNumber(begin)});
    }
    return true;
  }
  bool TraverseFunctionDecl(clang::FunctionDecl *fd) {
    const clang::FunctionDecl *saved = current_;
    bool ok = clang::RecursiveASTVisitor<ReferenceRenamer>::TraverseFunctionDecl(fd);
    current_ = saved;
    return ok;
  }
  bool VisitPredefinedExpr(clang::PredefinedExpr *) { return true; }
  bool VisitMemberExpr(clang::MemberExpr *) { return true; }

  // Calls of CUDA warp intrinsics in any function of any project file (kernels, device functions,
  // templates as written): rewritten once the traversal has renamed every token inside them.
  bool VisitCallExpr(clang::CallExpr *call) {
    std::string name = warpIntrinsicCalled(call);
    if (!name.empty()) warpCalls_.push_back({call, name});
    return true;
  }

  // Each warp call becomes one replacement spanning the call, innermost calls first, so that the
  // edits inside a call (renamed tokens, an inner call) are folded into its replacement.
  void rewriteWarpCalls() {
    std::vector<std::pair<unsigned, size_t>> order;  // (length in the source, index)
    for (size_t i = 0; i < warpCalls_.size(); ++i) {
      auto r = clang::Lexer::getAsCharRange(sm_.getExpansionRange(warpCalls_[i].call->getSourceRange()), sm_, ctx_.getLangOpts());
      order.push_back({sm_.getFileOffset(r.getEnd()) - sm_.getFileOffset(r.getBegin()), i});
    }
    std::stable_sort(order.begin(), order.end());
    std::set<std::pair<std::string, unsigned>> done;
    for (const auto &[length, i] : order) rewriteWarpCall(*warpCalls_[i].call, warpCalls_[i].name, done);
  }

private:
  struct WarpCall {
    const clang::CallExpr *call;
    std::string name;
  };

  // The name of the CUDA warp intrinsic `call` calls (resolved, or a dependent call in a
  // template), "" when it calls something else (a project function of the same name included).
  std::string warpIntrinsicCalled(const clang::CallExpr *call) const {
    const clang::Expr *callee = call->getCallee() ? call->getCallee()->IgnoreParenImpCasts() : nullptr;
    const clang::NamedDecl *decl = nullptr;
    if (const auto *ref = llvm::dyn_cast_or_null<clang::DeclRefExpr>(callee)) decl = ref->getDecl();
    if (const auto *lookup = llvm::dyn_cast_or_null<clang::UnresolvedLookupExpr>(callee); lookup && lookup->getNumDecls() > 0)
      decl = (*lookup->decls_begin())->getUnderlyingDecl();
    if (!decl || !decl->getIdentifier() || !isCudaWarpIntrinsic(decl->getName().str())) return "";
    if (s_.editable(sm_, sm_.getExpansionLoc(decl->getLocation()))) return "";
    return decl->getName().str();
  }

  clang::SourceLocation calleeNameLoc(const clang::CallExpr &call) const {
    const clang::Expr *callee = call.getCallee()->IgnoreParenImpCasts();
    if (const auto *ref = llvm::dyn_cast<clang::DeclRefExpr>(callee)) return ref->getLocation();
    if (const auto *lookup = llvm::dyn_cast<clang::UnresolvedLookupExpr>(callee)) return lookup->getNameLoc();
    return call.getBeginLoc();
  }

  WarpMask maskOf(const clang::Expr *mask, std::string &text) const {
    text = clang::Lexer::getSourceText(clang::CharSourceRange::getTokenRange(mask->getSourceRange()), sm_, ctx_.getLangOpts()).str();
    if (mask->isValueDependent() || mask->isTypeDependent()) return WarpMask::Unknown;
    clang::Expr::EvalResult value;
    if (!mask->EvaluateAsInt(value, ctx_)) return WarpMask::Unknown;
    // The parameter is a 32-bit unsigned: the argument converts to it (-1 is the full mask).
    llvm::APSInt v = value.Val.getInt();
    llvm::APInt bits = v.extOrTrunc(32);
    if (bits.isAllOnes()) return WarpMask::Full;
    text = llvm::formatv("{0:x8}", bits.getZExtValue()).str();
    return WarpMask::Partial;
  }

  void rewriteWarpCall(const clang::CallExpr &call, const std::string &name, std::set<std::pair<std::string, unsigned>> &done) {
    const clang::LangOptions &lang = ctx_.getLangOpts();
    // Where the call is spelled: the file, or a project macro's body; every piece must be there.
    clang::SourceLocation callee = sm_.getSpellingLoc(calleeNameLoc(call));
    clang::SourceLocation rparen = sm_.getSpellingLoc(call.getRParenLoc());
    if (!s_.editable(sm_, callee)) return;
    const std::string file = s_.fileName(sm_, callee);
    const unsigned begin = sm_.getFileOffset(callee);
    if (!done.insert({file, begin}).second) return;  // a macro body's call, expanded again
    const std::string original =
        clang::Lexer::getSourceText(clang::CharSourceRange::getTokenRange(sm_.getExpansionRange(call.getSourceRange()).getAsRange()),
                                    sm_, lang).str();
    unsigned written = 0;
    for (const clang::Expr *a : call.arguments())
      if (!llvm::isa<clang::CXXDefaultArgExpr>(a)) ++written;
    const bool takesMask = name.size() > 5 && name.compare(name.size() - 5, 5, "_sync") == 0;
    WarpMask mask = WarpMask::None;
    std::string maskText;
    if (takesMask && call.getNumArgs() > 0) mask = maskOf(call.getArg(0), maskText);
    if (name == "__syncwarp")
      mask = written == 0 ? WarpMask::Full : maskOf(call.getArg(0), maskText);
    WarpCallMapping mapping = hipWarpCall(name, mask, written, maskText);
    if (!mapping.hip) {
      s_.reportWarp(sm_, callee, mapping.why, original);
      return;
    }
    const HipWarpCall &hip = *mapping.hip;
    if (!hip.whole && hip.callee == name && !hip.dropMask && hip.beforeRParen.empty() && hip.afterRParen.empty()) return;

    auto unplaceable = [&](const std::string &why) {
      s_.reportWarp(sm_, callee, "'" + name + "' is " + why + ", where its exact HIP form cannot be placed", original);
    };
    clang::FileID id = sm_.getFileID(callee);
    if (sm_.getFileID(rparen) != id || sm_.getFileOffset(rparen) <= begin) return unplaceable("spelled across macro expansions");
    const unsigned close = sm_.getFileOffset(rparen);
    llvm::StringRef buffer = sm_.getBufferData(id);
    if (buffer.substr(begin, name.size()) != name || buffer.substr(close, 1) != ")")
      return unplaceable("spelled through a macro");

    std::string text;
    if (hip.whole) {
      s_.foldEdits(sm_, id, file, begin, close + 1);  // the call's own tokens go with it
      text = *hip.whole;
    } else {
      text = hip.callee;
      unsigned rest = begin + static_cast<unsigned>(name.size());
      if (hip.dropMask) {
        // The mask and its comma, up to the next argument, are dropped.
        const clang::Expr *maskArg = call.getArg(0);
        // A mask spelled through a macro of its own (FULL_MASK) goes as the macro's use.
        clang::CharSourceRange maskRange =
            clang::Lexer::makeFileCharRange(clang::CharSourceRange::getTokenRange(maskArg->getSourceRange()), sm_, lang);
        clang::SourceLocation maskBegin = sm_.getSpellingLoc(maskArg->getBeginLoc());
        clang::SourceLocation maskEnd = clang::Lexer::getLocForEndOfToken(sm_.getSpellingLoc(maskArg->getEndLoc()), 0, sm_, lang);
        if (maskRange.isValid() && sm_.getFileID(maskRange.getBegin()) == id) {
          maskBegin = maskRange.getBegin();
          maskEnd = maskRange.getEnd();
        }
        if (sm_.getFileID(maskBegin) != id || sm_.getFileID(maskEnd) != id) return unplaceable("spelled through a macro");
        const unsigned from = sm_.getFileOffset(maskBegin), maskTo = sm_.getFileOffset(maskEnd);
        if (from <= rest || maskTo <= from || maskTo >= close) return unplaceable("spelled through a macro");
        clang::Lexer lexer(sm_.getLocForStartOfFile(id), lang, buffer.begin(), buffer.begin() + maskTo, buffer.end());
        clang::Token comma, next;
        lexer.LexFromRawLexer(comma);
        lexer.LexFromRawLexer(next);
        if (comma.isNot(clang::tok::comma)) return unplaceable("spelled through a macro");
        const unsigned to = sm_.getFileOffset(next.getLocation());
        if (to > close) return unplaceable("spelled through a macro");
        text += s_.foldEdits(sm_, id, file, rest, from);
        s_.foldEdits(sm_, id, file, from, to);
        rest = to;
      }
      text += s_.foldEdits(sm_, id, file, rest, close) + hip.beforeRParen + ")" + hip.afterRParen;
      s_.foldEdits(sm_, id, file, begin, rest);  // (the callee's own token: never renamed, but be sure)
      s_.foldEdits(sm_, id, file, close, close + 1);
    }
    s_.edits[file][begin] = Edit{close + 1 - begin, text};
    ConvertedReference c;
    c.file = file;
    c.line = sm_.getSpellingLineNumber(callee);
    c.column = sm_.getSpellingColumnNumber(callee);
    c.library = "runtime";
    c.kind = "warp intrinsic";
    c.from = original;
    c.to = text;
    s_.result.converted.push_back(std::move(c));
  }

  static bool inNamespace(const clang::Decl *d, llvm::StringRef name) {
    for (const clang::DeclContext *c = d->getDeclContext(); c; c = c->getParent())
      if (const auto *ns = llvm::dyn_cast<clang::NamespaceDecl>(c); ns && ns->getName() == name) return true;
    return false;
  }

  void noteHazard(llvm::StringRef name) {
    if (!current_ || !current_->hasAttr<clang::CUDAGlobalAttr>()) return;
    if (isCudaWarpIntrinsic(name.str()) || name == "wmma" || name == "warpSize") {
      std::string k = current_->getNameAsString();
      if (std::find(s_.hazardKernels.begin(), s_.hazardKernels.end(), k) == s_.hazardKernels.end())
        s_.hazardKernels.push_back(k);
    }
  }

  // `loc` spells a reference to `d`: through a macro, the token is edited where it is spelled
  // (the project's macro definition or argument, once); spelled in a library's own macro, the
  // preprocessor callback renames the macro's name at the use instead.
  void reference(const clang::NamedDecl *d, clang::SourceLocation loc) {
    if (!d || loc.isInvalid() || !d->getIdentifier()) return;
    clang::SourceLocation declLoc = sm_.getExpansionLoc(d->getLocation());
    if (s_.editable(sm_, declLoc)) return;  // the project's own declaration
    if (d->getName() == "warpSize" && llvm::isa<clang::VarDecl>(d)) {
      // CUDA's warpSize is 32 (HIP's 64): with every collective confined to 32 lanes, the
      // program's warp stays 32 lanes, and so must the value it reads.
      noteHazard("warpSize");
      clang::SourceLocation spelled = sm_.getSpellingLoc(loc);
      if (s_.editable(sm_, spelled))
        s_.record(sm_, spelled, 8, std::to_string(kCudaWarpSize), "warpSize", "runtime", "warp size");
      return;
    }
    if (!d->getDeclContext()->getRedeclContext()->isTranslationUnit()) return;  // namespaces: see below
    clang::SourceLocation spelled = sm_.getSpellingLoc(loc);
    std::string name = d->getName().str();
    if (!s_.renameToken(sm_, spelled, name)) {
      std::string lib = s_.tables.libraryOf(name);
      if (!lib.empty() && lib != "runtime" && s_.editable(sm_, spelled))
        s_.reportNoEquivalent(sm_, spelled, name, lib, "not in the " + lib + " mapping table");
    }
  }

  // cub::X -> hipcub::X, thrust::cuda::par -> thrust::hip::par: the namespace's own token.
  void namespaceReference(const clang::NamespaceDecl *ns, clang::SourceLocation loc, std::string spelledAs = "") {
    if (!ns || loc.isInvalid()) return;
    std::string qualified = ns->getQualifiedNameAsString();
    auto it = s_.tables.namespaces.find(qualified);
    if (it == s_.tables.namespaces.end()) return;
    if (!spelledAs.empty()) return;  // an alias: its definition is the reference
    clang::SourceLocation spelled = sm_.getSpellingLoc(loc);
    if (!s_.editable(sm_, spelled)) return;
    std::string last = ns->getName().str(), to = it->second.first.substr(it->second.first.rfind(':') + 1);
    // Only the namespace's last component is spelled at this location (thrust::cuda: the `cuda`).
    if (qualified.find("::") != std::string::npos) {
      // For thrust::cuda, `loc` is the `cuda` token only when it is spelled there.
      bool invalid = false;
      const char *p = sm_.getCharacterData(spelled, &invalid);
      if (invalid || llvm::StringRef(p).substr(0, last.size()) != last) return;
    }
    s_.record(sm_, spelled, static_cast<unsigned>(last.size()), to, qualified, it->second.second, "namespace");
  }

  RewriteState &s_;
  clang::ASTContext &ctx_;
  const clang::SourceManager &sm_;
  const clang::FunctionDecl *current_ = nullptr;
  std::vector<WarpCall> warpCalls_;
};

class RewriteConsumer : public clang::ASTConsumer {
public:
  explicit RewriteConsumer(RewriteState &s) : s_(s) {}
  void HandleTranslationUnit(clang::ASTContext &ctx) override {
    ReferenceRenamer renamer(s_, ctx);
    renamer.TraverseDecl(ctx.getTranslationUnitDecl());
    renamer.rewriteWarpCalls();
  }

private:
  RewriteState &s_;
};

class RewriteAction : public clang::ASTFrontendAction {
public:
  explicit RewriteAction(RewriteState &s) : s_(s) {}
  std::unique_ptr<clang::ASTConsumer> CreateASTConsumer(clang::CompilerInstance &ci, llvm::StringRef) override {
    clang::Preprocessor &pp = ci.getPreprocessor();
    pp.addPPCallbacks(std::make_unique<PreprocessorRenamer>(s_, pp));
    return std::make_unique<RewriteConsumer>(s_);
  }

private:
  RewriteState &s_;
};

unsigned lineOf(const std::string &source, unsigned offset) {
  return 1 + static_cast<unsigned>(std::count(source.begin(), source.begin() + std::min<size_t>(offset, source.size()), '\n'));
}

// Kernels with hazards: the pipeline's version spliced over the kernel's range, replacing the
// mechanical edits inside it.
void spliceKernels(RewriteState &s, const std::string &path, const std::string &source) {
  if (s.hazardKernels.empty()) return;
  if (!s.options.rewriteKernels) {
    for (const auto &k : s.hazardKernels) {
      Diagnostic d;
      d.file = path;
      d.check = "hip-warp-size-hazard";
      d.message = "kernel '" + k + "' uses warp intrinsics or warpSize; rewrite it through the pass pipeline";
      for (const auto &r : s.kernelRanges)
        if (r.name == k) d.line = r.line, d.column = 1, d.offset = r.begin;
      s.result.diagnostics.push_back(d);
    }
    return;
  }
  PipelineKernels pk = rewriteKernelsThroughPipeline(path, source, s.options.parse, s.hazardKernels);
  if (!pk.error.empty()) {
    Diagnostic d;
    d.file = path;
    d.line = 1;
    d.column = 1;
    d.check = "hip-kernel-not-rewritten";
    d.message = "kernels with warp-size hazards (" + s.hazardKernels.front() + (s.hazardKernels.size() > 1 ? ", ..." : "") +
                ") kept as the mechanical rewrite: " + pk.error;
    s.result.diagnostics.push_back(d);
    return;
  }
  for (const auto &k : pk.changed) {
    for (const auto &r : s.kernelRanges) {
      if (r.name != k.name) continue;
      auto &fileEdits = s.edits[path];
      for (auto it = fileEdits.lower_bound(r.begin); it != fileEdits.end() && it->first < r.end;) it = fileEdits.erase(it);
      fileEdits[r.begin] = Edit{r.end - r.begin, k.hipText};
      KernelRewrite kr;
      kr.file = path;
      kr.name = k.name;
      kr.line = lineOf(source, r.begin);
      kr.verified = k.verified;
      kr.why = k.why;
      s.result.kernels.push_back(kr);
      ConvertedReference c;
      c.file = path;
      c.line = kr.line;
      c.column = 1;
      c.library = "runtime";
      c.kind = "kernel";
      c.from = k.name;
      c.to = k.name;
      s.result.converted.push_back(c);
      break;
    }
  }
  // Converted references inside a spliced kernel were replaced by the kernel's rewrite.
  std::vector<ConvertedReference> kept;
  for (auto &c : s.result.converted) {
    bool inside = false;
    if (c.kind != "kernel" && c.file == path)
      for (const auto &kr : s.result.kernels)
        for (const auto &r : s.kernelRanges)
          if (r.name == kr.name && c.line >= lineOf(source, r.begin) && c.line <= lineOf(source, r.end)) inside = true;
    if (!inside) kept.push_back(std::move(c));
  }
  s.result.converted = std::move(kept);
}

}  // namespace

FileRewrite rewriteCudaToHip(const std::string &path, const std::string &source, const RewriteOptions &options) {
  FileRewrite result;
  RewriteState state(options, result);
  state.mainPath = path;
  frontends::ParseOptions parse = options.parse;
  if (!parse.dialect) parse.dialect = ast::Dialect::CUDA;
  parse.lower = false;
  auto parsed = frontends::runClangAction(path, source, parse, [&](ast::Dialect, bool) {
    return std::make_unique<RewriteAction>(state);
  });
  result.clangDiagnostics = parsed.diagnostics;
  result.parsed = parsed.errorCount == 0;
  if (!result.parsed) {
    result.converted.clear();
    result.diagnostics.clear();
    result.kept.clear();
    return result;
  }
  spliceKernels(state, path, source);
  for (const auto &[file, edits] : state.edits) {
    clang::tooling::Replacements &reps = result.replacements[file];
    for (const auto &[offset, e] : edits)
      if (auto err = reps.add(clang::tooling::Replacement(file, offset, e.length, e.text))) llvm::consumeError(std::move(err));
  }
  std::sort(result.converted.begin(), result.converted.end(), [](const auto &a, const auto &b) {
    return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
  });
  std::sort(result.diagnostics.begin(), result.diagnostics.end(), [](const auto &a, const auto &b) {
    return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
  });
  std::sort(result.kept.begin(), result.kept.end(), [](const auto &a, const auto &b) {
    return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
  });
  return result;
}

}  // namespace xpile::porting
